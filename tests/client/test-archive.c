/* test-archive.c — extracting dataset archives, and what is refused
 *
 * Archives are written here with libarchive itself (zip and tar.gz), with
 * the entries a hostile or broken dataset could hold.
 */
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>

#include "calque-archive.h"
#include "calque-test-util.h"

typedef struct {
  const char *name;
  const char *contents;   /* NULL: a folder */
  const char *link;       /* a symbolic link to this */
} Entry;

static void
write_archive (const char  *path,
               gboolean     zip,
               const Entry *entries,
               guint        n)
{
  struct archive *writer = archive_write_new ();

  if (zip)
    archive_write_set_format_zip (writer);
  else
    {
      archive_write_set_format_pax_restricted (writer);
      archive_write_add_filter_gzip (writer);
    }
  g_assert_cmpint (archive_write_open_filename (writer, path), ==, ARCHIVE_OK);
  for (guint i = 0; i < n; i++)
    {
      struct archive_entry *entry = archive_entry_new ();

      archive_entry_set_pathname (entry, entries[i].name);
      archive_entry_set_perm (entry, 0644);
      if (entries[i].link != NULL)
        {
          archive_entry_set_filetype (entry, AE_IFLNK);
          archive_entry_set_symlink (entry, entries[i].link);
        }
      else if (entries[i].contents == NULL)
        archive_entry_set_filetype (entry, AE_IFDIR);
      else
        {
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_size (entry, strlen (entries[i].contents));
        }
      g_assert_cmpint (archive_write_header (writer, entry), ==, ARCHIVE_OK);
      if (entries[i].contents != NULL && entries[i].link == NULL)
        archive_write_data (writer, entries[i].contents, strlen (entries[i].contents));
      archive_entry_free (entry);
    }
  archive_write_close (writer);
  archive_write_free (writer);
}

static void
test_is_archive (void)
{
  g_assert_true (calque_archive_is_archive ("d/set.zip"));
  g_assert_true (calque_archive_is_archive ("SET.TAR.GZ"));
  g_assert_true (calque_archive_is_archive ("set.tgz"));
  g_assert_false (calque_archive_is_archive ("instances.json"));
  g_assert_false (calque_archive_is_archive ("zip"));
}

static void
test_extracts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("calque-archive-XXXXXX", NULL);
  const Entry entries[] = {
    { "dataset", NULL },
    { "dataset/instances.json", "{\"images\":[]}" },
    { "dataset/images/a.png", "not really a png" },
  };

  for (int zip = 0; zip <= 1; zip++)
    {
      g_autofree char *archive = g_build_filename (dir, zip ? "set.zip" : "set.tar.gz", NULL);
      g_autofree char *out = g_build_filename (dir, zip ? "out-zip" : "out-tar", NULL);
      g_autofree char *json = g_build_filename (out, "dataset", "instances.json", NULL);
      g_autofree char *png = g_build_filename (out, "dataset", "images", "a.png", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;

      write_archive (archive, zip, entries, G_N_ELEMENTS (entries));
      g_mkdir (out, 0700);
      g_assert_true (calque_archive_extract (archive, out, 1024 * 1024, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (json, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "{\"images\":[]}");
      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    }
  calque_test_remove_tree (dir);
}

/* Each bad archive is refused with its name and the entry's, and nothing
 * escapes the destination. */
static void
test_refuses (void)
{
  g_autofree char *dir = g_dir_make_tmp ("calque-archive-XXXXXX", NULL);
  g_autofree char *outside = g_build_filename (dir, "evil.txt", NULL);
  const struct {
    Entry       entry;
    const char *says;
    guint64     max_bytes;
  } cases[] = {
    { { "../evil.txt", "x" }, "entry “../evil.txt”: paths that climb out with “..” are refused", 1024 },
    { { "a/../../evil.txt", "x" }, "climb out", 1024 },
    { { "/tmp/evil.txt", "x" }, "entry “/tmp/evil.txt”: absolute paths are refused", 1024 },
    { { "link", NULL, "/etc/passwd" }, "entry “link”: links are refused", 1024 },
    { { "big.json", "0123456789012345678901234567890123456789" }, "expands beyond the size allowed", 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int zip = 0; zip <= 1; zip++)
      {
        g_autofree char *archive = g_strdup_printf ("%s/bad-%u.%s", dir, i, zip ? "zip" : "tar.gz");
        g_autofree char *out = g_strdup_printf ("%s/out-%u-%d/deeper", dir, i, zip);
        g_autoptr(GError) error = NULL;

        write_archive (archive, zip, &cases[i].entry, 1);
        g_mkdir_with_parents (out, 0700);
        g_assert_false (calque_archive_extract (archive, out, cases[i].max_bytes, &error));
        g_assert_nonnull (error);
        g_test_message ("%s", error->message);
        g_assert_true (g_str_has_prefix (error->message, archive));
        g_assert_nonnull (strstr (error->message, cases[i].says));
        g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
      }

  /* Not an archive at all. */
  {
    g_autofree char *fake = g_build_filename (dir, "fake.zip", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (g_file_set_contents (fake, "hello, I am text", -1, NULL));
    g_assert_false (calque_archive_extract (fake, dir, 1024, &error));
    g_assert_nonnull (strstr (error->message, "fake.zip"));
  }
  calque_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/archive/is-archive", test_is_archive);
  g_test_add_func ("/archive/extracts", test_extracts);
  g_test_add_func ("/archive/refuses", test_refuses);
  return g_test_run ();
}
