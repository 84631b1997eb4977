/* test-thumbnail-cache.c — thumbnails made in worker threads, kept on disk and in memory
 *
 * Every test makes a real workspace in a temporary folder, puts generated
 * PNG and JPEG images in its blob cache, and waits on the main context for
 * what the worker threads send back.
 */
#define G_LOG_DOMAIN "test-thumbnail-cache"

#include <glib/gstdio.h>

#include "calque-test-util.h"
#include "calque-thumbnail-cache.h"
#include "calque-workspace.h"

typedef struct {
  char                 *tmpdir;
  CalqueWorkspace      *workspace;
  CalqueThumbnailCache *cache;
  GPtrArray            *ready;   /* sha256 of each thumbnail-ready, in order */
  GPtrArray            *failed;  /* sha256 of each thumbnail-failed */
  GError               *last_error;
} Fixture;

static void
thumbnail_ready_cb (CalqueThumbnailCache *cache,
                    const char           *sha256,
                    Fixture              *fixture)
{
  g_ptr_array_add (fixture->ready, g_strdup (sha256));
}

static void
thumbnail_failed_cb (CalqueThumbnailCache *cache,
                     const char           *sha256,
                     const GError         *error,
                     Fixture              *fixture)
{
  g_ptr_array_add (fixture->failed, g_strdup (sha256));
  g_clear_error (&fixture->last_error);
  fixture->last_error = g_error_copy (error);
}

static CalqueThumbnailCache *
new_cache (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (calque_workspace_get_path (fixture->workspace),
                                           "thumbnails", NULL);
  CalqueThumbnailCache *cache;

  cache = calque_thumbnail_cache_new (calque_workspace_get_blobs (fixture->workspace), dir,
                                      CALQUE_THUMBNAIL_DEFAULT_SIZE, &error);
  g_assert_no_error (error);
  g_signal_connect (cache, "thumbnail-ready", G_CALLBACK (thumbnail_ready_cb), fixture);
  g_signal_connect (cache, "thumbnail-failed", G_CALLBACK (thumbnail_failed_cb), fixture);
  return cache;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->tmpdir = g_dir_make_tmp ("calque-thumbs-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->tmpdir, "workspace", NULL);
  fixture->workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  fixture->ready = g_ptr_array_new_with_free_func (g_free);
  fixture->failed = g_ptr_array_new_with_free_func (g_free);
  fixture->cache = new_cache (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->workspace);
  g_ptr_array_unref (fixture->ready);
  g_ptr_array_unref (fixture->failed);
  g_clear_error (&fixture->last_error);
  calque_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

/* Writes a @width × @height image of one colour, in @format ("png",
 * "jpeg"), into the blob cache; returns its sha256. */
static char *
add_image (Fixture    *fixture,
           const char *format,
           int         width,
           int         height,
           guint32     rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s/image-%08x.%s", fixture->tmpdir, rgba, format);
  char sha256[65];

  gdk_pixbuf_fill (pixbuf, rgba);
  g_assert_true (gdk_pixbuf_save (pixbuf, file, format, &error, NULL));
  g_assert_no_error (error);
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (fixture->workspace),
                                             file, sha256, NULL, &error));
  g_assert_no_error (error);
  g_unlink (file);

  return g_strdup (sha256);
}

static char *
add_bytes (Fixture    *fixture,
           const char *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (fixture->tmpdir, "blob.bin", NULL);
  char sha256[65];

  g_assert_true (g_file_set_contents (file, bytes, -1, &error));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (fixture->workspace),
                                             file, sha256, NULL, &error));
  g_assert_no_error (error);
  g_unlink (file);

  return g_strdup (sha256);
}

static gboolean
contains_str (GPtrArray  *array,
              const char *str)
{
  return g_ptr_array_find_with_equal_func (array, str, g_str_equal, NULL);
}

typedef gboolean (*Condition) (Fixture *fixture, gconstpointer data);

/* Runs the main context until @condition holds, for 10 s at most (60 s
 * under valgrind, which is slow at decoding). */
static gboolean
wait_for (Fixture       *fixture,
          Condition      condition,
          gconstpointer  data)
{
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (!condition (fixture, data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* Runs the main context for @ms milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static gboolean
is_ready (Fixture       *fixture,
          gconstpointer  sha256)
{
  return contains_str (fixture->ready, sha256);
}

static gboolean
has_failed (Fixture       *fixture,
            gconstpointer  sha256)
{
  return contains_str (fixture->failed, sha256);
}

static void
test_ready (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *photo = add_image (fixture, "jpeg", 800, 600, 0x3366ccff);
  g_autofree char *drawing = add_image (fixture, "png", 300, 200, 0xcc6633ff);
  g_autofree char *icon = add_image (fixture, "png", 40, 30, 0x22aa22ff);
  g_autofree char *path = calque_thumbnail_cache_get_path (fixture->cache, photo);
  g_autoptr(GdkPixbuf) first = NULL;
  g_autoptr(GdkPixbuf) again = NULL;
  g_autoptr(GdkPixbuf) small = NULL;
  g_autoptr(GdkPixbuf) from_disk = NULL;
  g_autoptr(GdkPixbuf) on_disk = NULL;
  g_autoptr(GdkPixbuf) pixel_source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s-128.png", photo);
  guchar *pixel;

  /* Nothing in memory yet: the lookup only queues. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, photo));
  g_assert_cmpint (calque_thumbnail_cache_get_status (fixture->cache, photo, NULL), ==,
                   CALQUE_THUMBNAIL_STATUS_PENDING);
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, drawing));
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, icon));

  g_assert_true (wait_for (fixture, is_ready, photo));
  g_assert_true (wait_for (fixture, is_ready, drawing));
  g_assert_true (wait_for (fixture, is_ready, icon));
  g_assert_cmpuint (fixture->failed->len, ==, 0);

  /* 128 on the long side, the aspect ratio kept, the colour too. */
  first = calque_thumbnail_cache_lookup (fixture->cache, photo);
  g_assert_nonnull (first);
  g_assert_cmpint (gdk_pixbuf_get_width (first), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (first), ==, 96);
  pixel = gdk_pixbuf_get_pixels (first) + 48 * gdk_pixbuf_get_rowstride (first) + 64 * gdk_pixbuf_get_n_channels (first);
  g_assert_cmpint (ABS (pixel[0] - 0x33), <=, 4);
  g_assert_cmpint (ABS (pixel[1] - 0x66), <=, 4);
  g_assert_cmpint (ABS (pixel[2] - 0xcc), <=, 4);
  pixel_source = calque_thumbnail_cache_lookup (fixture->cache, drawing);
  g_assert_cmpint (gdk_pixbuf_get_width (pixel_source), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (pixel_source), ==, 85);
  /* A picture smaller than a thumbnail is not blown up. */
  small = calque_thumbnail_cache_lookup (fixture->cache, icon);
  g_assert_cmpint (gdk_pixbuf_get_width (small), ==, 40);
  g_assert_cmpint (gdk_pixbuf_get_height (small), ==, 30);

  /* The PNG on disk, named by the blob and the size. */
  g_assert_true (g_str_has_suffix (path, name));
  g_assert_true (g_str_has_prefix (path, calque_thumbnail_cache_get_dir (fixture->cache)));
  on_disk = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (on_disk), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (on_disk), ==, 96);

  /* The second lookup is answered from memory, with no new work. */
  again = calque_thumbnail_cache_lookup (fixture->cache, photo);
  g_assert_true (again == first);
  g_assert_cmpuint (calque_thumbnail_cache_get_n_queued (fixture->cache), ==, 0);
  spin (50);
  g_assert_cmpuint (fixture->ready->len, ==, 3);

  /* A new cache (the next run) reads the PNG: it does not need the blob. */
  calque_blob_cache_remove (calque_workspace_get_blobs (fixture->workspace), photo);
  g_clear_object (&fixture->cache);
  g_ptr_array_set_size (fixture->ready, 0);
  fixture->cache = new_cache (fixture);
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, photo));
  g_assert_true (wait_for (fixture, is_ready, photo));
  from_disk = calque_thumbnail_cache_lookup (fixture->cache, photo);
  g_assert_nonnull (from_disk);
  g_assert_cmpint (gdk_pixbuf_get_width (from_disk), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (from_disk), ==, 96);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *broken = add_bytes (fixture, "\xff\xd8\xff\xe0 this is not really a JPEG");
  g_autofree char *path = calque_thumbnail_cache_get_path (fixture->cache, broken);
  g_autoptr(GError) error = NULL;

  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, broken));
  g_assert_true (wait_for (fixture, has_failed, broken));
  g_assert_error (fixture->last_error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_DECODE);
  g_assert_cmpint (calque_thumbnail_cache_get_status (fixture->cache, broken, &error), ==,
                   CALQUE_THUMBNAIL_STATUS_FAILED);
  g_assert_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_DECODE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Shown again and again (a row scrolled back and forth), it is not
   * decoded again: no job, no second signal. */
  for (int i = 0; i < 100; i++)
    g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, broken));
  g_assert_cmpuint (calque_thumbnail_cache_get_n_queued (fixture->cache), ==, 0);
  spin (100);
  g_assert_cmpuint (fixture->failed->len, ==, 1);
  g_assert_cmpuint (fixture->ready->len, ==, 0);
}

static void
test_no_blob (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *absent = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "not downloaded", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *arrived = NULL;

  /* Text items and URLs have no blob hash at all. */
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, NULL));
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, "../../etc/passwd"));
  g_assert_cmpuint (calque_thumbnail_cache_get_n_queued (fixture->cache), ==, 0);

  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, absent));
  g_assert_true (wait_for (fixture, has_failed, absent));
  g_assert_error (fixture->last_error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_NO_BLOB);
  g_assert_cmpint (calque_thumbnail_cache_get_status (fixture->cache, absent, &error), ==,
                   CALQUE_THUMBNAIL_STATUS_FAILED);
  g_assert_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_NO_BLOB);
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, absent));
  spin (50);
  g_assert_cmpuint (fixture->failed->len, ==, 1);

  /* The blob arrives (sync downloaded it): forgotten, it is made. */
  arrived = add_image (fixture, "jpeg", 640, 480, 0x808080ff);
  calque_thumbnail_cache_forget (fixture->cache, arrived);
  g_assert_cmpint (calque_thumbnail_cache_get_status (fixture->cache, arrived, NULL), ==,
                   CALQUE_THUMBNAIL_STATUS_UNKNOWN);
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, arrived));
  g_assert_true (wait_for (fixture, is_ready, arrived));
  pixbuf = calque_thumbnail_cache_lookup (fixture->cache, arrived);
  g_assert_nonnull (pixbuf);
}

#define N_REQUESTS 200
#define MAX_QUEUED 8
#define MAX_IN_MEMORY 16

static gboolean
none_pending (Fixture       *fixture,
              gconstpointer  data)
{
  GPtrArray *shas = (GPtrArray *) data;

  for (guint i = 0; i < shas->len; i++)
    if (calque_thumbnail_cache_get_status (fixture->cache, shas->pdata[i], NULL) ==
        CALQUE_THUMBNAIL_STATUS_PENDING)
      return FALSE;
  return TRUE;
}

static void
test_bounded (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GdkPixbuf) newest = NULL;
  guint n_in_memory = 0;
  const char *dropped = NULL;

  /* Near colours can make the same JPEG: only distinct blobs count. */
  for (guint i = 0; shas->len < N_REQUESTS; i++)
    {
      g_autofree char *sha = add_image (fixture, "jpeg", 400, 300,
                                        0x01000000u * ((i * 40) % 256) + 0x00010000u * ((i * 7) % 256) + 0xff);

      g_assert_cmpuint (i, <, 4 * N_REQUESTS);
      if (!contains_str (shas, sha))
        g_ptr_array_add (shas, g_steal_pointer (&sha));
    }

  calque_thumbnail_cache_set_limits (fixture->cache, MAX_QUEUED, MAX_IN_MEMORY);

  /* A fast scroll through 200 rows. */
  for (guint i = 0; i < N_REQUESTS; i++)
    {
      g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, shas->pdata[i]));
      g_assert_cmpuint (calque_thumbnail_cache_get_n_queued (fixture->cache), <=, MAX_QUEUED);
    }
  g_assert_true (wait_for (fixture, none_pending, shas));

  /* The rows in view at the end were made; most of those that scrolled
   * by never were. The workers may have taken a few as they came. */
  g_assert_true (contains_str (fixture->ready, shas->pdata[N_REQUESTS - 1]));
  g_assert_cmpuint (fixture->ready->len, >=, MAX_QUEUED);
  g_assert_cmpuint (fixture->ready->len, <, N_REQUESTS / 2);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  /* Newest first cannot be read from the order of completion here: the
   * two workers take rows as they come during the scroll (how many depends
   * on the machine's load), and they finish side by side. That the last
   * row was made, and most rows that scrolled by were not, is what a
   * person sees, and is checked above. */

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      CalqueThumbnailStatus status = calque_thumbnail_cache_get_status (fixture->cache, shas->pdata[i], NULL);

      if (status == CALQUE_THUMBNAIL_STATUS_READY)
        n_in_memory++;
      if (status == CALQUE_THUMBNAIL_STATUS_UNKNOWN && dropped == NULL)
        dropped = shas->pdata[i];
    }
  g_assert_cmpuint (n_in_memory, <=, MAX_IN_MEMORY);
  g_assert_cmpuint (n_in_memory, >=, MIN (MAX_IN_MEMORY, fixture->ready->len));

  /* A dropped request is not lost: scrolled back into view, it is made. */
  g_assert_nonnull (dropped);
  g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, dropped));
  g_assert_true (wait_for (fixture, is_ready, dropped));
  newest = calque_thumbnail_cache_lookup (fixture->cache, dropped);
  g_assert_nonnull (newest);
}

/* Disposing of the cache while workers decode neither waits nor crashes,
 * and what they finish afterwards is dropped. */
static void
test_dispose_while_busy (Fixture       *fixture,
                         gconstpointer  user_data)
{
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *sha = add_image (fixture, "jpeg", 1600, 1200, 0x20202000u + i * 0x1000 * 0x100 + 0xff);

      g_assert_null (calque_thumbnail_cache_lookup (fixture->cache, sha));
    }
  g_clear_object (&fixture->cache);
  spin (500);
  g_assert_cmpuint (fixture->ready->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/thumbnails/ready", Fixture, NULL, fixture_set_up, test_ready, fixture_tear_down);
  g_test_add ("/thumbnails/corrupt", Fixture, NULL, fixture_set_up, test_corrupt, fixture_tear_down);
  g_test_add ("/thumbnails/no-blob", Fixture, NULL, fixture_set_up, test_no_blob, fixture_tear_down);
  g_test_add ("/thumbnails/bounded", Fixture, NULL, fixture_set_up, test_bounded, fixture_tear_down);
  g_test_add ("/thumbnails/dispose-while-busy", Fixture, NULL, fixture_set_up, test_dispose_while_busy,
              fixture_tear_down);

  return g_test_run ();
}
