/* test-blob-cache.c — media by content hash */
#include "calque-blob-cache.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_add_and_dedupe (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-blobs-XXXXXX", &error);
  g_autofree char *cache_dir = g_build_filename (dir, "blobs", NULL);
  g_autofree char *a = g_build_filename (dir, "a.bin", NULL);
  g_autofree char *b = g_build_filename (dir, "b.bin", NULL);
  g_autoptr(CalqueBlobCache) cache = calque_blob_cache_new (cache_dir, &error);
  g_autofree char *stored = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "hello blobs", -1);
  char sha_a[65], sha_b[65];
  gboolean added = FALSE;
  gsize len;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (a, "hello blobs", -1, NULL));
  g_assert_true (g_file_set_contents (b, "hello blobs", -1, NULL));

  g_assert_true (calque_blob_cache_add_file (cache, a, sha_a, &added, &error));
  g_assert_no_error (error);
  g_assert_true (added);
  g_assert_cmpstr (sha_a, ==, expected);
  g_assert_true (calque_blob_cache_contains (cache, sha_a));

  stored = calque_blob_cache_get_path (cache, sha_a);
  g_assert_true (g_file_get_contents (stored, &contents, &len, NULL));
  g_assert_cmpstr (contents, ==, "hello blobs");
  /* ab/cdef…: two hex digits of folder, the rest as the name */
  g_assert_true (strstr (stored, "/blobs/") != NULL);

  /* The same bytes under another name are stored once. */
  g_assert_true (calque_blob_cache_add_file (cache, b, sha_b, &added, &error));
  g_assert_false (added);
  g_assert_cmpstr (sha_a, ==, sha_b);

  calque_blob_cache_remove (cache, sha_a);
  g_assert_false (calque_blob_cache_contains (cache, sha_a));

  g_unlink (a);
  g_unlink (b);
}

static void
test_no_path_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-blobs-XXXXXX", &error);
  g_autoptr(CalqueBlobCache) cache = calque_blob_cache_new (dir, &error);

  g_assert_null (calque_blob_cache_get_path (cache, "../../../../etc/passwd"));
  g_assert_null (calque_blob_cache_get_path (cache, "ABCDEF"));
  g_assert_null (calque_blob_cache_get_path (cache, "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
  g_assert_false (calque_blob_cache_contains (cache, "../x"));
}

static void
test_missing_source (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-blobs-XXXXXX", &error);
  g_autoptr(CalqueBlobCache) cache = calque_blob_cache_new (dir, &error);
  char sha[65];

  g_assert_false (calque_blob_cache_add_file (cache, "/nonexistent/photo.jpg", sha, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/photo.jpg"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blob-cache/add-and-dedupe", test_add_and_dedupe);
  g_test_add_func ("/blob-cache/no-path-escapes", test_no_path_escapes);
  g_test_add_func ("/blob-cache/missing-source", test_missing_source);
  return g_test_run ();
}
