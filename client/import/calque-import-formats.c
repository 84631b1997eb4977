/* calque-import-formats.c — the table of annotation import formats */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-formats.h"
#include "calque-import-readers.h"

#include <glib/gi18n-lib.h>

#define MEDIA(type) (1u << (type))

static const CalqueImportFormat formats[] = {
  { "coco", N_("COCO instances"),
    N_("Boxes and polygons of a COCO instances JSON file, its categories as labels"),
    MEDIA (CALQUE_MEDIA_IMAGE), FALSE, _calque_import_read_coco },
  { "coco-results", N_("COCO results"),
    N_("A detector’s COCO results, as pre-annotations; --reference names the instances file they refer to"),
    MEDIA (CALQUE_MEDIA_IMAGE), FALSE, _calque_import_read_coco_results },
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
