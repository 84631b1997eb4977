/* calque-blobs.c — the server's media files, by sha256 */
#define G_LOG_DOMAIN "calque-blobs"

#include "calque-blobs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (calque-blobs-error-quark, calque_blobs_error)

struct _CalqueBlobUpload {
  char      *dir;
  char      *sha256;
  char      *tmp_path;
  int        fd;
  guint64    size;
  guint64    max_bytes;
  GChecksum *checksum;
};

char *
calque_blobs_path (const char *dir,
                   const char *sha256)
{
  char prefix[3] = { 0 };

  if (sha256 == NULL || strlen (sha256) != 64)
    return NULL;
  for (int i = 0; i < 64; i++)
    if (!((sha256[i] >= '0' && sha256[i] <= '9') || (sha256[i] >= 'a' && sha256[i] <= 'f')))
      return NULL;
  memcpy (prefix, sha256, 2);
  return g_build_filename (dir, prefix, sha256 + 2, NULL);
}

static gboolean
io_error (GError    **error,
          const char *what,
          int         saved)
{
  /* Messages go to peers: they name no path of the server. */
  g_set_error (error, CALQUE_BLOBS_ERROR, CALQUE_BLOBS_ERROR_IO, "%s: %s", what, g_strerror (saved));
  return FALSE;
}

CalqueBlobUpload *
calque_blob_upload_new (const char  *dir,
                        const char  *sha256,
                        guint64      max_bytes,
                        GError     **error)
{
  g_autofree char *tmp_dir = g_build_filename (dir, "tmp", NULL);
  g_autofree char *path = calque_blobs_path (dir, sha256);
  CalqueBlobUpload *upload;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_mkdir_with_parents (tmp_dir, 0700) != 0)
    {
      io_error (error, "cannot create the upload folder", errno);
      return NULL;
    }
  upload = g_new0 (CalqueBlobUpload, 1);
  upload->dir = g_strdup (dir);
  upload->sha256 = g_strdup (sha256);
  upload->max_bytes = max_bytes;
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  upload->tmp_path = g_build_filename (tmp_dir, "upload-XXXXXX", NULL);
  upload->fd = g_mkstemp (upload->tmp_path);
  if (upload->fd < 0)
    {
      io_error (error, "cannot create an upload file", errno);
      g_clear_pointer (&upload->tmp_path, g_free);
      calque_blob_upload_free (upload);
      return NULL;
    }
  return upload;
}

gboolean
calque_blob_upload_write (CalqueBlobUpload  *upload,
                          const void        *data,
                          gsize              length,
                          GError           **error)
{
  const guint8 *p = data;

  if (upload->size + length > upload->max_bytes)
    {
      g_set_error (error, CALQUE_BLOBS_ERROR, CALQUE_BLOBS_ERROR_TOO_LARGE,
                   "The upload is larger than the limit of %" G_GUINT64_FORMAT " bytes", upload->max_bytes);
      return FALSE;
    }
  g_checksum_update (upload->checksum, data, length);
  upload->size += length;
  while (length > 0)
    {
      ssize_t n = write (upload->fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return io_error (error, "cannot store the upload", errno);
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

gboolean
calque_blob_upload_finish (CalqueBlobUpload  *upload,
                           gboolean          *out_existed,
                           GError           **error)
{
  g_autofree char *path = calque_blobs_path (upload->dir, upload->sha256);
  g_autofree char *parent = g_path_get_dirname (path);
  const char *actual = g_checksum_get_string (upload->checksum);

  if (strcmp (actual, upload->sha256) != 0)
    {
      g_set_error (error, CALQUE_BLOBS_ERROR, CALQUE_BLOBS_ERROR_MISMATCH,
                   "The bytes sent have the sha256 %s, not %s", actual, upload->sha256);
      return FALSE;
    }
  if (out_existed)
    *out_existed = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;

  /* Durable before it is announced: the item that names it may be
   * acknowledged right after. */
  if (fsync (upload->fd) != 0)
    return io_error (error, "cannot store the upload", errno);
  if (g_mkdir_with_parents (parent, 0700) != 0 || g_rename (upload->tmp_path, path) != 0)
    return io_error (error, "cannot store the upload", errno);
  g_clear_pointer (&upload->tmp_path, g_free);
  return TRUE;
}

void
calque_blob_upload_free (CalqueBlobUpload *upload)
{
  if (upload == NULL)
    return;
  if (upload->fd >= 0)
    close (upload->fd);
  if (upload->tmp_path)
    g_unlink (upload->tmp_path);
  g_clear_pointer (&upload->checksum, g_checksum_free);
  g_free (upload->tmp_path);
  g_free (upload->sha256);
  g_free (upload->dir);
  g_free (upload);
}
