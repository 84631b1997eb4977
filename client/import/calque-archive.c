/* calque-archive.c — extracting a dataset archive, refusing what escapes it */
#define G_LOG_DOMAIN "calque-import"

#include "calque-archive.h"
#include "calque-importer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Expansion is only suspicious past this: small archives of JSON can
 * legitimately compress very well. */
#define RATIO_GRACE_BYTES (100 * 1024 * 1024)

static const char * const suffixes[] = {
  ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
};

gboolean
calque_archive_is_archive (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static gboolean
refuse (GError    **error,
        const char *archive,
        const char *entry,
        const char *why)
{
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
               _("%s: entry “%s”: %s; nothing was imported"), archive, entry, why);
  return FALSE;
}

/* Whether @name stays inside the archive's folder. */
static gboolean
check_entry_name (const char  *archive,
                  const char  *name,
                  GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0')
    return refuse (error, archive, "", _("an entry has no name"));
  if (name[0] == '/' || strchr (name, '\\') != NULL
      || (g_ascii_isalpha (name[0]) && name[1] == ':'))
    return refuse (error, archive, name, _("absolute paths are refused"));
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return refuse (error, archive, name, _("paths that climb out with “..” are refused"));
  if (!g_utf8_validate (name, -1, NULL))
    return refuse (error, archive, name, _("the name is not UTF-8"));
  return TRUE;
}

static gboolean
write_entry (struct archive  *reader,
             const char      *archive,
             const char      *name,
             const char      *path,
             guint64         *written,
             guint64          max_bytes,
             guint64          archive_size,
             GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const void *block;
  size_t size;
  la_int64_t offset;
  int fd, rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot create the folder: %s"), dir,
                   g_strerror (errno));
      return FALSE;
    }
  /* O_EXCL: an entry given twice does not overwrite the first. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return refuse (error, archive, name, _("the archive holds it twice"));
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("%s: cannot create the file: %s"), path,
                   g_strerror (errno));
      return FALSE;
    }
  while ((rc = archive_read_data_block (reader, &block, &size, &offset)) == ARCHIVE_OK)
    {
      const char *p = block;
      size_t left = size;

      *written += size;
      if (*written > max_bytes)
        {
          close (fd);
          return refuse (error, archive, name, _("the archive expands beyond the size allowed"));
        }
      if (*written > RATIO_GRACE_BYTES && *written / MAX (archive_size, 1) > CALQUE_ARCHIVE_MAX_RATIO)
        {
          close (fd);
          return refuse (error, archive, name, _("the archive expands too much for its size (a zip bomb?)"));
        }
      /* Sparse entries come with offsets; writing at them keeps holes. */
      if (lseek (fd, offset, SEEK_SET) < 0)
        {
          close (fd);
          return refuse (error, archive, name, g_strerror (errno));
        }
      while (left > 0)
        {
          ssize_t n = write (fd, p, left);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              int saved = errno;

              close (fd);
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot write the file: %s"),
                           path, g_strerror (saved));
              return FALSE;
            }
          p += n;
          left -= n;
        }
    }
  close (fd);
  if (rc != ARCHIVE_EOF)
    return refuse (error, archive, name, archive_error_string (reader) ? archive_error_string (reader)
                                                                       : _("the archive is damaged"));
  return TRUE;
}

gboolean
calque_archive_extract (const char  *archive,
                        const char  *dest_dir,
                        guint64      max_bytes,
                        GError     **error)
{
  struct archive *reader = archive_read_new ();
  struct archive_entry *entry;
  guint64 written = 0;
  guint entries = 0;
  GStatBuf archive_stat;
  gboolean ok = TRUE;
  int rc = ARCHIVE_OK;

  g_return_val_if_fail (archive != NULL && dest_dir != NULL, FALSE);

  if (g_stat (archive, &archive_stat) != 0)
    {
      int saved = errno;

      archive_read_free (reader);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", archive, g_strerror (saved));
      return FALSE;
    }
  archive_read_support_filter_all (reader);
  archive_read_support_format_zip (reader);
  archive_read_support_format_tar (reader);
  archive_read_support_format_gnutar (reader);
  if (archive_read_open_filename (reader, archive, 64 * 1024) != ARCHIVE_OK)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, _("%s: not an archive Calque reads: %s"),
                   archive, archive_error_string (reader));
      archive_read_free (reader);
      return FALSE;
    }

  while (ok && (rc = archive_read_next_header (reader, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      mode_t type = archive_entry_filetype (entry);
      g_autofree char *path = NULL;

      if (name == NULL)
        name = archive_entry_pathname (entry);
      if (++entries > CALQUE_ARCHIVE_MAX_ENTRIES)
        ok = refuse (error, archive, name ? name : "", _("the archive holds too many entries"));
      else if (!check_entry_name (archive, name, error))
        ok = FALSE;
      else if (archive_entry_hardlink (entry) != NULL || type == AE_IFLNK)
        ok = refuse (error, archive, name, _("links are refused"));
      else if (type == AE_IFDIR)
        {
          path = g_build_filename (dest_dir, name, NULL);
          if (g_mkdir_with_parents (path, 0700) != 0)
            ok = refuse (error, archive, name, g_strerror (errno));
        }
      else if (type == AE_IFREG)
        {
          path = g_build_filename (dest_dir, name, NULL);
          ok = write_entry (reader, archive, name, path, &written, max_bytes, (guint64) archive_stat.st_size, error);
        }
      else
        ok = refuse (error, archive, name, _("only files and folders are accepted"));
    }
  if (ok && rc != ARCHIVE_EOF)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, _("%s: the archive is damaged: %s"),
                   archive, archive_error_string (reader));
      ok = FALSE;
    }
  archive_read_free (reader);
  return ok;
}
