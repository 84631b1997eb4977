/* test-media.c — probing image and audio files */
#include "calque-media.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static char *
media_path (const char *name)
{
  const char *dir = g_getenv ("CALQUE_TEST_DATA_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "media", name, NULL);
}

static CalqueMediaInfo *
probe_fixture (const char *name)
{
  g_autofree char *path = media_path (name);
  g_autoptr(GError) error = NULL;
  CalqueMediaInfo *info;

  info = calque_media_probe (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

/* Probes a fixture that must fail with @code; checks that the message starts
 * with the path as given and contains @needle. */
static void
assert_probe_fails (const char *name,
                    int         code,
                    const char *needle)
{
  g_autofree char *path = media_path (name);
  g_autofree char *prefix = g_strconcat (path, ": ", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMediaInfo) info = NULL;

  info = calque_media_probe (path, &error);
  g_assert_null (info);
  g_assert_error (error, CALQUE_MEDIA_ERROR, code);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("message does not start with the path: %s", error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("message lacks \"%s\": %s", needle, error->message);
}

static void
assert_image (const char *name,
              const char *mime,
              int         width,
              int         height)
{
  g_autoptr(CalqueMediaInfo) info = probe_fixture (name);
  g_autofree char *path = media_path (name);
  GStatBuf st;

  g_assert_cmpint (info->type, ==, CALQUE_MEDIA_IMAGE);
  g_assert_cmpstr (info->mime, ==, mime);
  g_assert_cmpint (info->width, ==, width);
  g_assert_cmpint (info->height, ==, height);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (info->size, ==, (guint64) st.st_size);
}

static void
assert_audio (const char *name,
              const char *mime,
              double      duration,
              double      tolerance,
              int         sample_rate,
              int         channels)
{
  g_autoptr(CalqueMediaInfo) info = probe_fixture (name);

  g_assert_cmpint (info->type, ==, CALQUE_MEDIA_AUDIO);
  g_assert_cmpstr (info->mime, ==, mime);
  g_assert_cmpfloat_with_epsilon (info->duration, duration, tolerance);
  g_assert_cmpint (info->sample_rate, ==, sample_rate);
  g_assert_cmpint (info->channels, ==, channels);
  g_assert_cmpuint (info->size, >, 0);
}

static void
test_type_from_filename (void)
{
  static const struct {
    const char *path;
    gboolean known;
    CalqueMediaType type;
  } cases[] = {
    { "photos/cat.png", TRUE, CALQUE_MEDIA_IMAGE },
    { "CAT.JPG", TRUE, CALQUE_MEDIA_IMAGE },
    { "a.jpeg", TRUE, CALQUE_MEDIA_IMAGE },
    { "a.WebP", TRUE, CALQUE_MEDIA_IMAGE },
    { "scan.tif", TRUE, CALQUE_MEDIA_IMAGE },
    { "scan.tiff", TRUE, CALQUE_MEDIA_IMAGE },
    { "old.bmp", TRUE, CALQUE_MEDIA_IMAGE },
    { "take1.wav", TRUE, CALQUE_MEDIA_AUDIO },
    { "take1.FLAC", TRUE, CALQUE_MEDIA_AUDIO },
    { "take1.ogg", TRUE, CALQUE_MEDIA_AUDIO },
    { "take1.oga", TRUE, CALQUE_MEDIA_AUDIO },
    { "take1.mp3", TRUE, CALQUE_MEDIA_AUDIO },
    { "notes.txt", TRUE, CALQUE_MEDIA_TEXT },
    { "reviews.csv", TRUE, CALQUE_MEDIA_TEXT },
    { "data.jsonl", TRUE, CALQUE_MEDIA_TEXT },
    { "data.ndjson", TRUE, CALQUE_MEDIA_TEXT },
    { "anim.gif", FALSE, 0 },
    { "README", FALSE, 0 },
    { ".png", FALSE, 0 },
    { "dir.png/readme", FALSE, 0 },
    { "archive.png.gz", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CalqueMediaType type = (CalqueMediaType) -1;
      gboolean known = calque_media_type_from_filename (cases[i].path, &type);

      g_test_message ("%s", cases[i].path);
      g_assert_cmpint (known, ==, cases[i].known);
      if (known)
        g_assert_cmpint (type, ==, cases[i].type);
    }
}

static void
test_png_size (void)
{
  assert_image ("image.png", "image/png", 37, 23);
}

static void
test_jpeg_size (void)
{
  assert_image ("image.jpg", "image/jpeg", 41, 29);
}

static void
test_webp_size (void)
{
  assert_image ("image.webp", "image/webp", 43, 31);
}

static void
test_tiff_size (void)
{
  assert_image ("image.tiff", "image/tiff", 47, 19);
}

static void
test_bmp_size (void)
{
  assert_image ("image.bmp", "image/bmp", 53, 17);
}

static void
test_content_over_extension (void)
{
  /* A JPEG saved under a .png name is a JPEG. */
  assert_image ("jpeg-inside.png", "image/jpeg", 41, 29);
}

/* Phones append a "motion photo" video after the JPEG's end-of-image
 * marker; that is not truncation, however far the marker is from the end. */
static void
test_jpeg_trailer (void)
{
  g_autofree char *src = media_path ("image.jpg");
  g_autofree char *tmp_dir = g_dir_make_tmp ("calque-media-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp_dir, "motion.jpg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) data = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(CalqueMediaInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  data = g_string_new_len (contents, (gssize) len);
  g_string_append_len (data, "\0\0\0\x18" "ftypmp42", 12);
  for (int i = 0; i < 20000; i++)
    g_string_append_c (data, (char) g_rand_int_range (rand, 0, 256));
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));

  info = calque_media_probe (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->mime, ==, "image/jpeg");
  g_assert_cmpint (info->width, ==, 41);

  g_unlink (path);
  g_rmdir (tmp_dir);
}

static void
test_wav_duration (void)
{
  assert_audio ("tone.wav", "audio/wav", 1.5, 1e-9, 8000, 1);
}

static void
test_flac_duration (void)
{
  assert_audio ("tone.flac", "audio/flac", 2.0, 1e-9, 16000, 2);
}

static void
test_ogg_duration (void)
{
  /* 13781 frames at 11025 Hz, as the encoder wrote them. */
  assert_audio ("tone.ogg", "audio/ogg", 1.25, 1e-3, 11025, 1);
}

static void
test_mp3_duration (void)
{
  /* 3 s of tone; MP3 frames pad the end, and decoders differ on how much of
   * the encoder's delay they trim. */
  assert_audio ("tone.mp3", "audio/mpeg", 3.0, 0.1, 22050, 1);
}

static void
test_truncated_png (void)
{
  assert_probe_fails ("truncated.png", CALQUE_MEDIA_ERROR_CORRUPT, "no IEND chunk at the end");
}

static void
test_short_header_png (void)
{
  assert_probe_fails ("short-header.png", CALQUE_MEDIA_ERROR_CORRUPT, "not a readable image (");
}

static void
test_truncated_jpeg (void)
{
  /* Cut in the middle of its scan: the header and size read fine. */
  assert_probe_fails ("truncated.jpg", CALQUE_MEDIA_ERROR_CORRUPT, "no end-of-image marker");
}

static void
test_truncated_bmp (void)
{
  assert_probe_fails ("truncated.bmp", CALQUE_MEDIA_ERROR_CORRUPT, "the file has 300");
}

static void
test_truncated_webp (void)
{
  assert_probe_fails ("truncated.webp", CALQUE_MEDIA_ERROR_CORRUPT, "declares 84 bytes, the file has 60");
}

static void
test_truncated_tiff (void)
{
  assert_probe_fails ("truncated.tiff", CALQUE_MEDIA_ERROR_CORRUPT, "beyond the end");
}

static void
test_text_named_jpg (void)
{
  assert_probe_fails ("not-an-image.jpg", CALQUE_MEDIA_ERROR_CORRUPT, "not a readable image (");
}

static void
test_relative_path_in_message (void)
{
  g_autofree char *dir = media_path ("");
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMediaInfo) info = NULL;

  g_assert_cmpint (chdir (dir), ==, 0);
  info = calque_media_probe ("not-an-image.jpg", &error);
  g_assert_cmpint (chdir (cwd), ==, 0);

  g_assert_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "not-an-image.jpg: not a readable image ("));
}

static void
test_empty_file (void)
{
  assert_probe_fails ("empty.png", CALQUE_MEDIA_ERROR_CORRUPT, "empty");
}

static void
test_truncated_wav (void)
{
  /* 8000 of 24044 bytes: the data chunk declares 24000. */
  assert_probe_fails ("truncated.wav", CALQUE_MEDIA_ERROR_CORRUPT, "declares 24000 bytes, the file holds 7956");
}

static void
test_garbage_wav (void)
{
  assert_probe_fails ("garbage.wav", CALQUE_MEDIA_ERROR_CORRUPT, "not a readable audio file (");
}

static void
test_text_named_mp3 (void)
{
  assert_probe_fails ("not-audio.mp3", CALQUE_MEDIA_ERROR_CORRUPT, "not a readable audio file (no audio frames found)");
}

static void
test_missing_file (void)
{
  assert_probe_fails ("no-such-file.png", CALQUE_MEDIA_ERROR_IO, "No such file");
}

static void
test_directory (void)
{
  g_autofree char *dir = media_path ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMediaInfo) info = calque_media_probe (dir, &error);

  g_assert_null (info);
  g_assert_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_IO);
}

static void
test_gif_unsupported (void)
{
  assert_probe_fails ("image.gif", CALQUE_MEDIA_ERROR_UNSUPPORTED, "GIF");
}

static void
test_text_unsupported (void)
{
  g_autofree char *tmp_dir = g_dir_make_tmp ("calque-media-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp_dir, "notes.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMediaInfo) info = NULL;

  g_assert_true (g_file_set_contents (path, "just words\n", -1, NULL));
  info = calque_media_probe (path, &error);
  g_assert_null (info);
  g_assert_error (error, CALQUE_MEDIA_ERROR, CALQUE_MEDIA_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, path));

  g_unlink (path);
  g_rmdir (tmp_dir);
}

/* A PNG with bytes after IEND (some tools append metadata) is not truncated. */
static void
test_png_trailing_bytes (void)
{
  g_autofree char *src = media_path ("image.png");
  g_autofree char *tmp_dir = g_dir_make_tmp ("calque-media-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp_dir, "trailing.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) data = NULL;
  g_autoptr(CalqueMediaInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  data = g_string_new_len (contents, (gssize) len);
  for (int i = 0; i < 500; i++)
    g_string_append_c (data, 'x');
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));

  info = calque_media_probe (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->width, ==, 37);

  g_unlink (path);
  g_rmdir (tmp_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/type-from-filename", test_type_from_filename);
  g_test_add_func ("/media/png-size", test_png_size);
  g_test_add_func ("/media/jpeg-size", test_jpeg_size);
  g_test_add_func ("/media/webp-size", test_webp_size);
  g_test_add_func ("/media/tiff-size", test_tiff_size);
  g_test_add_func ("/media/bmp-size", test_bmp_size);
  g_test_add_func ("/media/content-over-extension", test_content_over_extension);
  g_test_add_func ("/media/png-trailing-bytes", test_png_trailing_bytes);
  g_test_add_func ("/media/jpeg-trailer", test_jpeg_trailer);
  g_test_add_func ("/media/wav-duration", test_wav_duration);
  g_test_add_func ("/media/flac-duration", test_flac_duration);
  g_test_add_func ("/media/ogg-duration", test_ogg_duration);
  g_test_add_func ("/media/mp3-duration", test_mp3_duration);
  g_test_add_func ("/media/truncated-png", test_truncated_png);
  g_test_add_func ("/media/short-header-png", test_short_header_png);
  g_test_add_func ("/media/truncated-jpeg", test_truncated_jpeg);
  g_test_add_func ("/media/truncated-bmp", test_truncated_bmp);
  g_test_add_func ("/media/truncated-webp", test_truncated_webp);
  g_test_add_func ("/media/truncated-tiff", test_truncated_tiff);
  g_test_add_func ("/media/text-named-jpg", test_text_named_jpg);
  g_test_add_func ("/media/relative-path-in-message", test_relative_path_in_message);
  g_test_add_func ("/media/empty-file", test_empty_file);
  g_test_add_func ("/media/truncated-wav", test_truncated_wav);
  g_test_add_func ("/media/garbage-wav", test_garbage_wav);
  g_test_add_func ("/media/text-named-mp3", test_text_named_mp3);
  g_test_add_func ("/media/missing-file", test_missing_file);
  g_test_add_func ("/media/directory", test_directory);
  g_test_add_func ("/media/gif-unsupported", test_gif_unsupported);
  g_test_add_func ("/media/text-unsupported", test_text_unsupported);

  return g_test_run ();
}
