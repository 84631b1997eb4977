/* calque-exporter.c — the native, lossless export */
#define G_LOG_DOMAIN "calque-export"

#include "calque-exporter.h"
#include "calque-record-json.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

G_DEFINE_QUARK (calque-export-error-quark, calque_export_error)

typedef struct {
  CalqueBlobCache *blobs;
  GOutputStream *out;
  const char *media_dir;
  GCancellable *cancellable;
  guint records;
} Export;

static gboolean
copy_blob (Export       *export,
           const char   *sha256,
           GError      **error)
{
  g_autofree char *source_path = calque_blob_cache_get_path (export->blobs, sha256);
  g_autofree char *target_path = g_build_filename (export->media_dir, sha256, NULL);
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) target = NULL;

  if (source_path == NULL || !g_file_test (source_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CALQUE_EXPORT_ERROR, CALQUE_EXPORT_ERROR_MEDIA,
                   _("the media file %s is not in this workspace"), sha256);
      return FALSE;
    }
  if (g_file_test (target_path, G_FILE_TEST_IS_REGULAR))
    return TRUE;

  /* Copied under a temporary name and renamed: a media file present under
   * its hash is always whole, so a later export can trust it. */
  {
    g_autofree char *tmp_path = g_strconcat (target_path, ".part", NULL);
    g_autoptr(GFile) tmp = g_file_new_for_path (tmp_path);

    source = g_file_new_for_path (source_path);
    target = g_file_new_for_path (target_path);
    if (!g_file_copy (source, tmp, G_FILE_COPY_OVERWRITE, export->cancellable, NULL, NULL, error)
        || !g_file_move (tmp, target, G_FILE_COPY_OVERWRITE, export->cancellable, NULL, NULL, error))
      {
        g_file_delete (tmp, NULL, NULL);
        return FALSE;
      }
    return TRUE;
  }
}

static gboolean
write_record_cb (CalqueRecord  *record,
                 gpointer       user_data,
                 GError       **error)
{
  Export *export = user_data;
  g_autofree char *json = NULL;
  gsize length;

  if (export->media_dir && calque_record_get_kind (record) == CALQUE_KIND_ITEM
      && calque_record_get_string (record, "sha256") && !calque_record_get_deleted (record))
    {
      if (!copy_blob (export, calque_record_get_string (record, "sha256"), error))
        {
          g_prefix_error (error, _("item “%s”: "), calque_record_get_string (record, "name"));
          return FALSE;
        }
    }

  json = calque_record_to_json (record, &length);
  if ((export->records > 0
       && !g_output_stream_write_all (export->out, ",\n", 2, NULL, export->cancellable, error))
      || !g_output_stream_write_all (export->out, json, length, NULL, export->cancellable, error))
    return FALSE;
  export->records++;
  return TRUE;
}

gboolean
calque_export_native (CalqueWorkspace  *workspace,
                      CalqueRecord     *project,
                      GOutputStream    *out,
                      const char       *media_dir,
                      guint            *out_records,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autofree char *header = NULL;
  Export export = {
    .blobs = calque_workspace_get_blobs (workspace),
    .out = out,
    .media_dir = media_dir,
    .cancellable = cancellable,
  };

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  if (media_dir && g_mkdir_with_parents (media_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot create the folder: %s"), media_dir, g_strerror (saved));
      return FALSE;
    }

  header = g_strdup_printf ("{\"calque_export\":%d,\"generator\":\"Calque %s\",\"project\":\"%s\",\"records\":[\n",
                            CALQUE_NATIVE_FORMAT_VERSION, CALQUE_VERSION,
                            calque_record_get_id (project));
  if (!g_output_stream_write_all (out, header, strlen (header), NULL, cancellable, error))
    return FALSE;

  if (!calque_store_foreach_project (calque_workspace_get_store (workspace),
                                     calque_record_get_id (project),
                                     write_record_cb, &export, error))
    return FALSE;

  if (!g_output_stream_write_all (out, "\n]}\n", 4, NULL, cancellable, error))
    return FALSE;

  if (out_records)
    *out_records = export.records;
  return TRUE;
}
