/* calque-export-native.c — the native JSON format in the table of formats
 *
 * The writer itself is calque-exporter.c (libcalque-client), which the
 * native import mirrors; this puts it behind CalqueExportWriteFunc, with
 * the media in a "media" folder beside the file. */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-exporter.h"

gboolean
_calque_export_write_native (CalqueExportSource         *source,
                             const char                 *path,
                             const CalqueExportOptions  *options,
                             GCancellable               *cancellable,
                             GError                    **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autofree char *media_dir = NULL;

  if (file == NULL)
    return FALSE;
  if (options->with_media && !g_str_equal (path, "-"))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      media_dir = g_build_filename (dir, "media", NULL);
    }
  return calque_export_native (calque_export_source_get_workspace (source),
                               calque_export_source_get_project (source),
                               calque_export_file_get_stream (file), media_dir, NULL,
                               cancellable, error)
         && calque_export_file_commit (file, cancellable, error);
}
