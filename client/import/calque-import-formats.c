/* calque-import-formats.c — the table of annotation import formats */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-formats.h"
#include "calque-import-readers.h"

#include <glib/gi18n-lib.h>

#define MEDIA(type) (1u << (type))

static const CalqueImportFormat formats[] = {
  { "voc", N_("Pascal VOC"),
    N_("XML files of boxes, one per image: a VOCdevkit or Annotations folder, a folder of .xml files, or one file"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_voc },
  { "yolo", N_("YOLO boxes"),
    N_("An Ultralytics dataset folder: data.yaml or classes.txt, images/ and labels/ with “class cx cy w h” lines"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_yolo },
  { "yolo-seg", N_("YOLO segments"),
    N_("An Ultralytics dataset folder: data.yaml or classes.txt, images/ and labels/ with “class x1 y1 x2 y2 …” lines"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_yolo_seg },
  { NULL },
};

const CalqueImportFormat *
calque_import_formats (void)
{
  return formats;
}

const CalqueImportFormat *
calque_import_format_find (const char *name)
{
  for (const CalqueImportFormat *format = formats; format->name != NULL; format++)
    if (g_strcmp0 (format->name, name) == 0)
      return format;
  return NULL;
}

char *
calque_import_format_names (void)
{
  GString *names = g_string_new (NULL);

  for (const CalqueImportFormat *format = formats; format->name != NULL; format++)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", format->name);
  return g_string_free (names, FALSE);
}

CalqueImportReport *
calque_import_annotations (CalqueWorkspace                     *workspace,
                           CalqueRecord                        *project,
                           const CalqueImportFormat            *format,
                           const char                          *path,
                           const CalqueAnnotationImportOptions *options,
                           CalqueAnnotationImportProgressFunc   progress,
                           gpointer                             user_data,
                           GCancellable                        *cancellable,
                           GError                             **error)
{
  g_autoptr(CalqueAnnotationSink) sink = NULL;

  g_return_val_if_fail (format != NULL && path != NULL, NULL);

  sink = calque_annotation_sink_new (workspace, project, options, error);
  if (sink == NULL)
    return NULL;
  calque_annotation_sink_set_progress (sink, progress, user_data);
  calque_annotation_sink_set_cancellable (sink, cancellable);
  if (!format->read (sink, path, error))
    return NULL;
  return calque_annotation_sink_finish (sink, error);
}
