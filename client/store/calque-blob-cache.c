/* calque-blob-cache.c — media files by content hash */
#define _GNU_SOURCE  /* syncfs(), before any system header */
#define G_LOG_DOMAIN "calque-blobs"

#include "calque-blob-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

struct _CalqueBlobCache {
  GObject parent_instance;
  char *dir;
  char *tmp_dir;
};

G_DEFINE_FINAL_TYPE (CalqueBlobCache, calque_blob_cache, G_TYPE_OBJECT)

/* Large enough that hashing a photo takes a few reads, small enough to
 * live on the stack of a worker thread. */
#define COPY_CHUNK (64 * 1024)

static void
calque_blob_cache_finalize (GObject *object)
{
  CalqueBlobCache *self = (CalqueBlobCache *) object;

  g_free (self->dir);
  g_free (self->tmp_dir);
  G_OBJECT_CLASS (calque_blob_cache_parent_class)->finalize (object);
}

static void
calque_blob_cache_class_init (CalqueBlobCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_blob_cache_finalize;
}

static void
calque_blob_cache_init (CalqueBlobCache *self)
{
}

CalqueBlobCache *
calque_blob_cache_new (const char  *dir,
                       GError     **error)
{
  g_autoptr(CalqueBlobCache) self = g_object_new (CALQUE_TYPE_BLOB_CACHE, NULL);

  self->dir = g_strdup (dir);
  self->tmp_dir = g_build_filename (dir, "tmp", NULL);
  if (g_mkdir_with_parents (self->tmp_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot create the media folder: %s"), dir, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
is_sha256 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return FALSE;
  return TRUE;
}

char *
calque_blob_cache_get_path (CalqueBlobCache *self,
                            const char      *sha256)
{
  char prefix[3] = { 0 };

  g_return_val_if_fail (CALQUE_IS_BLOB_CACHE (self), NULL);

  /* Only ever a name made of hex digits: no "..", no "/" reaches the path. */
  if (!is_sha256 (sha256))
    return NULL;
  memcpy (prefix, sha256, 2);
  return g_build_filename (self->dir, prefix, sha256 + 2, NULL);
}

gboolean
calque_blob_cache_contains (CalqueBlobCache *self,
                            const char      *sha256)
{
  g_autofree char *path = calque_blob_cache_get_path (self, sha256);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

void
calque_blob_cache_remove (CalqueBlobCache *self,
                          const char      *sha256)
{
  g_autofree char *path = calque_blob_cache_get_path (self, sha256);

  if (path)
    g_unlink (path);
}

static gboolean
io_error (GError    **error,
          const char *path,
          const char *what,
          int         saved_errno)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s: %s", path, what, g_strerror (saved_errno));
  return FALSE;
}

gboolean
calque_blob_cache_add_file (CalqueBlobCache *self,
                            const char      *path,
                            char             out_sha256[65],
                            gboolean        *out_added,
                            GError         **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *tmp_path = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *final_dir = NULL;
  guint8 buffer[COPY_CHUNK];
  int in_fd, out_fd;
  ssize_t n;

  g_return_val_if_fail (CALQUE_IS_BLOB_CACHE (self), FALSE);

  in_fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (in_fd < 0)
    return io_error (error, path, _("cannot open"), errno);

  tmp_path = g_build_filename (self->tmp_dir, "blob-XXXXXX", NULL);
  out_fd = g_mkstemp (tmp_path);
  if (out_fd < 0)
    {
      int saved = errno;
      close (in_fd);
      return io_error (error, self->tmp_dir, _("cannot create a file in the media folder"), saved);
    }

  /* One pass: hash while copying, so a file is read once. */
  while ((n = read (in_fd, buffer, sizeof buffer)) != 0)
    {
      ssize_t done = 0;

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          close (in_fd);
          close (out_fd);
          g_unlink (tmp_path);
          return io_error (error, path, _("cannot read"), saved);
        }
      g_checksum_update (checksum, buffer, n);
      while (done < n)
        {
          ssize_t w = write (out_fd, buffer + done, n - done);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              int saved = errno;

              close (in_fd);
              close (out_fd);
              g_unlink (tmp_path);
              return io_error (error, self->dir, _("cannot write to the media folder"), saved);
            }
          done += w;
        }
    }
  close (in_fd);
  if (close (out_fd) != 0)
    {
      int saved = errno;
      g_unlink (tmp_path);
      return io_error (error, self->dir, _("cannot write to the media folder"), saved);
    }

  g_strlcpy (out_sha256, g_checksum_get_string (checksum), 65);
  final_path = calque_blob_cache_get_path (self, out_sha256);

  if (g_file_test (final_path, G_FILE_TEST_IS_REGULAR))
    {
      g_unlink (tmp_path);
      if (out_added)
        *out_added = FALSE;
      return TRUE;
    }

  final_dir = g_path_get_dirname (final_path);
  if (g_mkdir_with_parents (final_dir, 0755) != 0)
    {
      int saved = errno;
      g_unlink (tmp_path);
      return io_error (error, final_dir, _("cannot create a folder in the media folder"), saved);
    }
  /* rename() is atomic: readers see the whole blob or none. */
  if (g_rename (tmp_path, final_path) != 0)
    {
      int saved = errno;
      g_unlink (tmp_path);
      return io_error (error, final_path, _("cannot move into the media folder"), saved);
    }
  if (out_added)
    *out_added = TRUE;
  return TRUE;
}

gboolean
calque_blob_cache_sync (CalqueBlobCache  *self,
                        GError          **error)
{
  int fd;

  g_return_val_if_fail (CALQUE_IS_BLOB_CACHE (self), FALSE);

  /* One syncfs() for the whole import rather than an fsync() per file:
   * thousands of small images would otherwise wait on the disk one by one. */
  fd = g_open (self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return io_error (error, self->dir, _("cannot open the media folder"), errno);
  if (syncfs (fd) != 0)
    {
      int saved = errno;
      close (fd);
      return io_error (error, self->dir, _("cannot flush the media folder to disk"), saved);
    }
  close (fd);
  return TRUE;
}
