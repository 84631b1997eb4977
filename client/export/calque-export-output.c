/* calque-export-output.c — files written whole or not at all */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-output.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large enough that a write is rarely a system call. */
#define BUFFER_SIZE (256 * 1024)

struct _CalqueExportFile {
  char *path;
  char *tmp_path;     /* NULL for standard output */
  int fd;
  GOutputStream *stream;
  gboolean committed;
};

static gboolean
set_errno_error (GError     **error,
                 int          saved,
                 const char  *format,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), format, path, g_strerror (saved));
  return FALSE;
}

CalqueExportFile *
calque_export_file_new (const char  *path,
                        GError     **error)
{
  g_autoptr(CalqueExportFile) self = g_new0 (CalqueExportFile, 1);
  g_autoptr(GOutputStream) raw = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  self->fd = -1;
  if (g_str_equal (path, "-"))
    raw = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  else
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          set_errno_error (error, errno, _("%s: cannot create the folder: %s"), dir);
          return NULL;
        }
      self->tmp_path = g_strconcat (path, ".XXXXXX", NULL);
      self->fd = g_mkstemp (self->tmp_path);
      if (self->fd < 0)
        {
          set_errno_error (error, errno, _("%s: cannot create the file: %s"), path);
          g_clear_pointer (&self->tmp_path, g_free);
          return NULL;
        }
      /* mkstemp makes a file only its owner reads; an export is for sharing. */
      fchmod (self->fd, 0644);
      raw = g_unix_output_stream_new (self->fd, FALSE);
    }
  self->stream = g_buffered_output_stream_new_sized (raw, BUFFER_SIZE);
  return g_steal_pointer (&self);
}

GOutputStream *
calque_export_file_get_stream (CalqueExportFile *self)
{
  return self->stream;
}

const char *
calque_export_file_get_path (CalqueExportFile *self)
{
  return self->path;
}

gboolean
calque_export_file_write (CalqueExportFile  *self,
                          const char        *data,
                          gssize             length,
                          GCancellable      *cancellable,
                          GError           **error)
{
  if (length < 0)
    length = strlen (data);
  if (!g_output_stream_write_all (self->stream, data, length, NULL, cancellable, error))
    {
      g_prefix_error (error, "%s: ", self->path);
      return FALSE;
    }
  return TRUE;
}

gboolean
calque_export_file_printf (CalqueExportFile  *self,
                           GCancellable      *cancellable,
                           GError           **error,
                           const char        *format,
                           ...)
{
  g_autofree char *text = NULL;
  va_list args;
  int length;

  va_start (args, format);
  length = g_vasprintf (&text, format, args);
  va_end (args);
  return calque_export_file_write (self, text, length, cancellable, error);
}

gboolean
calque_export_file_commit (CalqueExportFile  *self,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_return_val_if_fail (!self->committed, FALSE);

  if (!g_output_stream_close (self->stream, cancellable, error))
    {
      g_prefix_error (error, "%s: ", self->path);
      return FALSE;
    }
  if (self->tmp_path != NULL)
    {
      if (fsync (self->fd) != 0 || close (self->fd) != 0)
        {
          self->fd = -1;
          return set_errno_error (error, errno, _("%s: cannot write the file: %s"), self->path);
        }
      self->fd = -1;
      if (g_rename (self->tmp_path, self->path) != 0)
        return set_errno_error (error, errno, _("%s: cannot write the file: %s"), self->path);
    }
  self->committed = TRUE;
  return TRUE;
}

void
calque_export_file_free (CalqueExportFile *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL && !self->committed)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

gboolean
calque_export_write_file (const char  *path,
                          const char  *contents,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);

  return file != NULL
         && calque_export_file_write (file, contents, length, NULL, error)
         && calque_export_file_commit (file, NULL, error);
}

gboolean
calque_export_copy_media (CalqueWorkspace  *workspace,
                          CalqueRecord     *item,
                          const char       *path,
                          GCancellable     *cancellable,
                          GError          **error)
{
  const char *sha256 = calque_record_get_string (item, "sha256");
  g_autofree char *source_path = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp_path = NULL;
  GStatBuf source_stat, target_stat;

  if (sha256 != NULL)
    source_path = calque_blob_cache_get_path (calque_workspace_get_blobs (workspace), sha256);
  if (source_path == NULL || g_stat (source_path, &source_stat) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("item “%s”: its media file is not in this workspace (sync it first)"),
                   calque_record_get_string (item, "name"));
      return FALSE;
    }
  if (g_stat (path, &target_stat) == 0 && target_stat.st_size == source_stat.st_size)
    return TRUE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return set_errno_error (error, errno, _("%s: cannot create the folder: %s"), dir);

  /* Blobs are never written in place (calque-blob-cache.c), so a link
   * shares them safely and costs no space. */
  tmp_path = g_strconcat (path, ".part", NULL);
  g_unlink (tmp_path);
  if (link (source_path, tmp_path) != 0)
    {
      g_autoptr(GFile) source = g_file_new_for_path (source_path);
      g_autoptr(GFile) tmp = g_file_new_for_path (tmp_path);

      if (!g_file_copy (source, tmp, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
        {
          g_unlink (tmp_path);
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
    }
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      return set_errno_error (error, saved, _("%s: cannot write the file: %s"), path);
    }
  return TRUE;
}

char *
calque_export_item_file_name (CalqueRecord *item)
{
  const char *name = calque_record_get_string (item, "name");
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *safe;

  if (name == NULL || *name == '\0')
    name = calque_record_get_id (item);
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      /* Empty parts come from a leading or doubled slash; "." and ".."
       * would climb out of the export. */
      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        continue;
      g_ptr_array_add (kept, parts[i]);
    }
  if (kept->len == 0)
    return g_strdup (calque_record_get_id (item));

  safe = g_string_new (NULL);
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (safe, '/');
      for (const char *p = kept->pdata[i]; *p; p++)
        g_string_append_c (safe, ((guchar) *p < 0x20 || *p == 0x7f || *p == '\\') ? '_' : *p);
    }
  return g_string_free (safe, FALSE);
}
