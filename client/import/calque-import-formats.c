/* calque-import-formats.c — the table of annotation import formats */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-formats.h"
#include "calque-import-readers.h"
#include "calque-archive.h"
#include "calque-media.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>

/* What an archive may expand to: a large image dataset, not a disk. */
#define ARCHIVE_MAX_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024 * 1024)

#define MEDIA(type) (1u << (type))

static const CalqueImportFormat formats[] = {
  { "csv", N_("CSV table"),
    N_("The csv export: one row per annotation, its item, labels, type and geometry"),
    MEDIA (CALQUE_MEDIA_IMAGE) | MEDIA (CALQUE_MEDIA_TEXT) | MEDIA (CALQUE_MEDIA_AUDIO), FALSE,
    _calque_import_read_csv },
  { "jsonl", N_("JSON Lines spans"),
    N_("Spans of texts, one object per line: the jsonl export, or doccano’s"),
    MEDIA (CALQUE_MEDIA_TEXT), FALSE, _calque_import_read_jsonl },
  { "conll", N_("CoNLL (IOB)"),
    N_("One token per line with its B-, I- or O tag; texts found by their tokens"),
    MEDIA (CALQUE_MEDIA_TEXT), FALSE, _calque_import_read_conll },
  { "labelme", N_("labelme"),
    N_("labelme JSON files: one file, or a folder of them"),
    MEDIA (CALQUE_MEDIA_IMAGE), FALSE, _calque_import_read_labelme },
  { "voc", N_("Pascal VOC"),
    N_("XML files of boxes, one per image: a VOCdevkit or Annotations folder, a folder of .xml files, or one file"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_voc },
  { "yolo", N_("YOLO boxes"),
    N_("An Ultralytics dataset folder: data.yaml or classes.txt, images/ and labels/ with “class cx cy w h” lines"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_yolo },
  { "yolo-seg", N_("YOLO segments"),
    N_("An Ultralytics dataset folder: data.yaml or classes.txt, images/ and labels/ with “class x1 y1 x2 y2 …” lines"),
    MEDIA (CALQUE_MEDIA_IMAGE), TRUE, _calque_import_read_yolo_seg },
  { "coco", N_("COCO instances"),
    N_("Boxes and polygons of a COCO instances JSON file, its categories as labels"),
    MEDIA (CALQUE_MEDIA_IMAGE), FALSE, _calque_import_read_coco, ".json" },
  { "coco-results", N_("COCO results"),
    N_("A detector’s COCO results, as pre-annotations; --reference names the instances file they refer to"),
    MEDIA (CALQUE_MEDIA_IMAGE), FALSE, _calque_import_read_coco_results, ".json" },
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

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
find_candidates (const char               *dir,
                 const CalqueImportFormat *format,
                 GPtrArray                *found)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      CalqueMediaType type;

      if (name[0] == '.' || g_str_equal (name, "__MACOSX"))
        continue;   /* hidden files, and what macOS adds to zips */
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        find_candidates (path, format, found);
      else if (format->extension != NULL ? g_str_has_suffix (name, format->extension)
                                         : !calque_media_type_from_filename (name, &type) || type == CALQUE_MEDIA_TEXT)
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

/* Where in the extracted @dir the format reads: the folder (the one
 * folder inside, when the archive wraps everything in one), or the only
 * file of the format. */
static char *
find_in_archive (const char               *archive,
                 const char               *dir,
                 const CalqueImportFormat *format,
                 GError                  **error)
{
  if (format->folder)
    {
      g_autofree char *only = NULL;
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;
      guint n = 0;

      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        if (name[0] != '.' && !g_str_equal (name, "__MACOSX"))
          {
            n++;
            g_free (only);
            only = g_build_filename (dir, name, NULL);
          }
      if (n == 1 && g_file_test (only, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&only);
      return g_strdup (dir);
    }
  else
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

      find_candidates (dir, format, found);
      if (found->len == 1)
        return g_strdup (found->pdata[0]);
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   found->len == 0 ? _("%s: the archive holds no %s file")
                                   : _("%s: the archive holds several files that could be the %s annotations; extract it and name one"),
                   archive, format->name);
      return NULL;
    }
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
  g_autofree char *extracted = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *media_beside = NULL;
  CalqueAnnotationImportOptions archive_options;
  CalqueImportReport *report = NULL;

  g_return_val_if_fail (format != NULL && path != NULL, NULL);

  if (calque_archive_is_archive (path) && !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      /* Beside the workspace's blobs: the same file system, usually the
       * roomiest, and never a tmpfs too small for a dataset. */
      g_autofree char *tmp = g_build_filename (calque_workspace_get_path (workspace), "tmp", NULL);

      g_mkdir_with_parents (tmp, 0700);
      extracted = g_build_filename (tmp, "import-XXXXXX", NULL);
      if (g_mkdtemp (extracted) == NULL)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot create the folder: %s"),
                       tmp, g_strerror (errno));
          return NULL;
        }
      if (!calque_archive_extract (path, extracted, ARCHIVE_MAX_BYTES, error)
          || !(inner = find_in_archive (path, extracted, format, error)))
        goto out;
      /* The media of the dataset are in the archive: in its folder, or
       * beside its file. */
      archive_options = options != NULL ? *options : (CalqueAnnotationImportOptions) { 0 };
      if (archive_options.media_dir == NULL)
        archive_options.media_dir = format->folder ? inner : (media_beside = g_path_get_dirname (inner));
      options = &archive_options;
      path = inner;
    }

  sink = calque_annotation_sink_new (workspace, project, options, error);
  if (sink == NULL)
    goto out;
  calque_annotation_sink_set_progress (sink, progress, user_data);
  calque_annotation_sink_set_cancellable (sink, cancellable);
  if (format->read (sink, path, error))
    report = calque_annotation_sink_finish (sink, error);

out:
  g_clear_pointer (&sink, calque_annotation_sink_free);
  if (extracted != NULL)
    remove_tree (extracted);
  return report;
}
