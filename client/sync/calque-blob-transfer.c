/* calque-blob-transfer.c — media up to the server and down into the cache */
#define G_LOG_DOMAIN "calque-sync"

#include "calque-blob-transfer.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

/* A blob is at most this big on the server (docs/http-api.md). */
#define MAX_BLOB (256 * 1024 * 1024)

static SoupMessage *
blob_message (const char *method,
              const char *server_url,
              const char *token,
              const char *sha256)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server_url, sha256);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  return msg;
}

gboolean
calque_blob_upload (const char       *server_url,
                    const char       *token,
                    CalqueBlobCache  *cache,
                    const char       *sha256,
                    GCancellable     *cancellable,
                    GError          **error)
{
  /* A session per call: these run in worker threads. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 300, NULL);
  g_autofree char *path = calque_blob_cache_get_path (cache, sha256);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) body = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint status;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("media %s is not in the workspace"), sha256);
      return FALSE;
    }
  file = g_file_new_for_path (path);
  body = g_file_read (file, cancellable, error);
  if (body == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (body, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, error);
  if (info == NULL)
    return FALSE;

  msg = blob_message (SOUP_METHOD_PUT, server_url, token, sha256);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a server address"), server_url);
      return FALSE;
    }
  /* A refusal (too large, not allowed) comes before the body is sent. */
  soup_message_headers_set_expectations (soup_message_get_request_headers (msg), SOUP_EXPECTATION_CONTINUE);
  soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (body),
                                 g_file_info_get_size (info));
  answer = soup_session_send_and_read (session, msg, cancellable, error);
  if (answer == NULL)
    return FALSE;
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_CREATED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the server refused media %s (HTTP %u)"), sha256, status);
      return FALSE;
    }
  return TRUE;
}

gboolean
calque_blob_download (const char       *server_url,
                      const char       *token,
                      CalqueBlobCache  *cache,
                      const char       *sha256,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 300, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GFileIOStream) tmp_stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GError) local_error = NULL;
  char got[65];
  gboolean added = FALSE;
  gssize copied;

  if (calque_blob_cache_contains (cache, sha256))
    return TRUE;

  msg = blob_message (SOUP_METHOD_GET, server_url, token, sha256);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a server address"), server_url);
      return FALSE;
    }
  body = soup_session_send (session, msg, cancellable, error);
  if (body == NULL)
    return FALSE;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("the server has no media %s for you (HTTP %u)"),
                   sha256, soup_message_get_status (msg));
      return FALSE;
    }

  /* Into a file of its own first; the cache takes it in only with the
   * right hash. */
  tmp = g_file_new_tmp ("calque-blob-XXXXXX", &tmp_stream, error);
  if (tmp == NULL)
    return FALSE;
  copied = g_output_stream_splice (g_io_stream_get_output_stream (G_IO_STREAM (tmp_stream)), body,
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                   cancellable, error);
  if (copied < 0 || copied > MAX_BLOB)
    {
      if (copied > MAX_BLOB)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("media %s is larger than any media may be"), sha256);
      g_file_delete (tmp, NULL, NULL);
      return FALSE;
    }
  {
    g_autofree char *path = g_file_get_path (tmp);

    if (!calque_blob_cache_add_file (cache, path, got, &added, &local_error))
      {
        g_file_delete (tmp, NULL, NULL);
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  }
  g_file_delete (tmp, NULL, NULL);
  if (g_strcmp0 (got, sha256) != 0)
    {
      if (added)
        calque_blob_cache_remove (cache, got);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("media %s from the server does not have that hash (it has %s); it was not kept"), sha256, got);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
calque_blob_missing_for (CalqueStore     *store,
                         CalqueBlobCache *cache,
                         const char      *project_id,
                         const char      *user,
                         GError         **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) wanted = NULL;
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  if (user != NULL)
    {
      g_autoptr(GPtrArray) tasks = calque_store_list (store, CALQUE_KIND_TASK, project_id, error);

      if (tasks == NULL)
        {
          g_ptr_array_unref (missing);
          return NULL;
        }
      wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < tasks->len; i++)
        {
          CalqueRecord *task = g_ptr_array_index (tasks, i);

          if (g_strcmp0 (calque_record_get_string (task, "annotator"), user) == 0
              && calque_record_get_string (task, "item") != NULL)
            g_hash_table_add (wanted, g_strdup (calque_record_get_string (task, "item")));
        }
    }

  items = calque_store_list (store, CALQUE_KIND_ITEM, project_id, error);
  if (items == NULL)
    {
      g_ptr_array_unref (missing);
      return NULL;
    }
  for (guint i = 0; i < items->len; i++)
    {
      CalqueRecord *item = g_ptr_array_index (items, i);
      const char *sha256 = calque_record_get_string (item, "sha256");

      if (sha256 == NULL || calque_blob_cache_contains (cache, sha256))
        continue;
      if (wanted != NULL && !g_hash_table_contains (wanted, calque_record_get_id (item)))
        continue;
      g_ptr_array_add (missing, g_strdup (sha256));
    }
  return missing;
}
