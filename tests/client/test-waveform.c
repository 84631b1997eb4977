/* test-waveform.c — the peaks of audio files, computed in the background
 *
 * The audio is made here with libsndfile: a sine, silence, a square wave
 * and two opposite channels, each with peaks known in advance.
 */
#include "calque-waveform.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "calque-test-util.h"

#define RATE 44100

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("calque-waveform-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  calque_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

typedef enum { SINE, SILENCE, SQUARE, OPPOSITE, SAWTOOTH } Shape;

/* Sample @frame of @channel: a 440 Hz sine of amplitude 0.5; zeros; a
 * square of amplitude 0.25 and period 100 frames; +0.5 on the left and
 * -0.5 on the right; a slow sawtooth from -0.5 to 0.5 every 10,007
 * frames, so that no two neighbouring pairs are alike. */
static float
sample (Shape  shape,
        gint64 frame,
        int    channel)
{
  switch (shape)
    {
    case SINE:
      return 0.5 * sin (2 * G_PI * 440 * frame / RATE);
    case SILENCE:
      return 0;
    case SQUARE:
      return frame % 100 < 50 ? 0.25 : -0.25;
    case OPPOSITE:
      return channel == 0 ? 0.5 : -0.5;
    case SAWTOOTH:
      return (frame % 10007) / 10007.0 - 0.5;
    }
  g_assert_not_reached ();
}

static char *
make_wav (Fixture    *fixture,
          const char *name,
          Shape       shape,
          int         channels,
          int         subtype,
          gint64      frames)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  SF_INFO info = { .samplerate = RATE, .channels = channels, .format = SF_FORMAT_WAV | subtype };
  g_autofree float *block = g_new (float, 4096 * channels);
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);

  g_assert_nonnull (file);
  for (gint64 done = 0; done < frames;)
    {
      gint64 n = MIN (4096, frames - done);

      for (gint64 f = 0; f < n; f++)
        for (int c = 0; c < channels; c++)
          block[f * channels + c] = sample (shape, done + f, c);
      g_assert_cmpint (sf_writef_float (file, block, n), ==, n);
      done += n;
    }
  g_assert_cmpint (sf_close (file), ==, 0);
  return path;
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Load;

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;

  load->ok = calque_waveform_load_finish (CALQUE_WAVEFORM (object), result, &load->error);
  load->done = TRUE;
}

/* Loads @waveform, waiting in the main context; returns the error, if any. */
static GError *
run_load (CalqueWaveform *waveform,
          GCancellable   *cancellable)
{
  Load load = { 0 };

  calque_waveform_load_async (waveform, cancellable, load_done_cb, &load);
  while (!load.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (load.ok == (load.error == NULL));
  return load.error;
}

static CalqueWaveform *
load_ok (const char *path,
         const char *cache_path)
{
  g_autoptr(CalqueWaveform) waveform = calque_waveform_new (path, cache_path);
  g_autoptr(GError) error = run_load (waveform, NULL);

  g_assert_no_error (error);
  g_assert_true (calque_waveform_is_loaded (waveform));
  return g_steal_pointer (&waveform);
}

static const CalqueWaveformPeak *
all_peaks (CalqueWaveform *waveform,
           guint           level,
           gsize          *n)
{
  return calque_waveform_get_peaks (waveform, level, 0, calque_waveform_get_frames (waveform), n);
}

/* Every pair of every coarser level is the min and max of the pairs of
 * the level before that it covers. */
static void
assert_levels_consistent (CalqueWaveform *waveform)
{
  guint n_levels = calque_waveform_get_n_levels (waveform);
  gsize n;

  g_assert_cmpuint (n_levels, >=, 1);
  all_peaks (waveform, n_levels - 1, &n);
  g_assert_cmpuint (n, ==, 1);

  for (guint level = 1; level < n_levels; level++)
    {
      gsize n_fine, n_coarse;
      const CalqueWaveformPeak *fine = all_peaks (waveform, level - 1, &n_fine);
      const CalqueWaveformPeak *coarse = all_peaks (waveform, level, &n_coarse);

      g_assert_cmpint (calque_waveform_get_level_frames (waveform, level), ==,
                       calque_waveform_get_level_frames (waveform, level - 1) * CALQUE_WAVEFORM_LEVEL_FACTOR);
      g_assert_cmpuint (n_coarse, ==, (n_fine + CALQUE_WAVEFORM_LEVEL_FACTOR - 1) / CALQUE_WAVEFORM_LEVEL_FACTOR);
      for (gsize i = 0; i < n_coarse; i++)
        {
          float mn = G_MAXFLOAT, mx = -G_MAXFLOAT;

          for (gsize j = i * CALQUE_WAVEFORM_LEVEL_FACTOR;
               j < MIN ((i + 1) * CALQUE_WAVEFORM_LEVEL_FACTOR, n_fine); j++)
            {
              mn = MIN (mn, fine[j].min);
              mx = MAX (mx, fine[j].max);
            }
          g_assert_cmpfloat (coarse[i].min, ==, mn);
          g_assert_cmpfloat (coarse[i].max, ==, mx);
        }
    }
}

static void
test_sine (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "sine.wav", SINE, 1, SF_FORMAT_PCM_16, 2 * RATE + 17);
  g_autoptr(CalqueWaveform) waveform = load_ok (path, NULL);
  const CalqueWaveformPeak *peaks;
  float mn = 0, mx = 0;
  gsize n;

  g_assert_cmpuint (calque_waveform_get_sample_rate (waveform), ==, RATE);
  g_assert_cmpuint (calque_waveform_get_channels (waveform), ==, 1);
  g_assert_cmpint (calque_waveform_get_frames (waveform), ==, 2 * RATE + 17);
  g_assert_false (calque_waveform_get_from_cache (waveform));

  peaks = all_peaks (waveform, 0, &n);
  g_assert_cmpuint (n, ==, (2 * RATE + 17 + 255) / 256);
  for (gsize i = 0; i < n; i++)
    {
      mn = MIN (mn, peaks[i].min);
      mx = MAX (mx, peaks[i].max);
      /* 256 frames hold more than two periods of 440 Hz. */
      if (i + 1 < n)
        g_assert_cmpfloat_with_epsilon (peaks[i].max - peaks[i].min, 1.0, 2e-3);
    }
  g_assert_cmpfloat_with_epsilon (mx, 0.5, 1e-3);
  g_assert_cmpfloat_with_epsilon (mn, -0.5, 1e-3);
  assert_levels_consistent (waveform);

  /* A range: the pairs that cover frames 1000 to 3000 of level 1 (1024
   * frames each) are pairs 0, 1 and 2. */
  peaks = calque_waveform_get_peaks (waveform, 1, 1000, 2000, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (peaks == all_peaks (waveform, 1, &n));
  /* Clipped to the file; nothing past its end or at a level it lacks. */
  calque_waveform_get_peaks (waveform, 0, 2 * RATE, 10 * RATE, &n);
  g_assert_cmpuint (n, ==, (2 * RATE + 17 + 255) / 256 - 2 * RATE / 256);
  g_assert_null (calque_waveform_get_peaks (waveform, 0, 3 * RATE, RATE, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (calque_waveform_get_peaks (waveform, 99, 0, RATE, &n));
  g_assert_cmpuint (n, ==, 0);

  g_assert_cmpuint (calque_waveform_pick_level (waveform, 100), ==, 0);
  g_assert_cmpuint (calque_waveform_pick_level (waveform, 1024), ==, 1);
  g_assert_cmpuint (calque_waveform_pick_level (waveform, 5000), ==, 2);
  g_assert_cmpuint (calque_waveform_pick_level (waveform, 1e12), ==, calque_waveform_get_n_levels (waveform) - 1);
}

static void
test_silence_and_square (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *silence_path = make_wav (fixture, "silence.wav", SILENCE, 1, SF_FORMAT_PCM_16, RATE);
  g_autofree char *square_path = make_wav (fixture, "square.wav", SQUARE, 1, SF_FORMAT_FLOAT, RATE);
  g_autoptr(CalqueWaveform) silence = load_ok (silence_path, NULL);
  g_autoptr(CalqueWaveform) square = load_ok (square_path, NULL);
  const CalqueWaveformPeak *peaks;
  gsize n;

  for (guint level = 0; level < calque_waveform_get_n_levels (silence); level++)
    {
      peaks = all_peaks (silence, level, &n);
      g_assert_cmpuint (n, >, 0);
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (peaks[i].min, ==, 0);
          g_assert_cmpfloat (peaks[i].max, ==, 0);
        }
    }
  assert_levels_consistent (silence);

  peaks = all_peaks (square, 0, &n);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (peaks[i].min, ==, -0.25);
      g_assert_cmpfloat (peaks[i].max, ==, 0.25);
    }
  assert_levels_consistent (square);
}

/* On a signal where each pair differs from its neighbours, every level is
 * made of the one before, and of all its pairs. */
static void
test_levels (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "sawtooth.wav", SAWTOOTH, 1, SF_FORMAT_FLOAT, 5 * RATE + 3);
  g_autoptr(CalqueWaveform) waveform = load_ok (path, NULL);
  const CalqueWaveformPeak *peaks;
  gsize n;

  /* Level 0 against the samples themselves. */
  peaks = all_peaks (waveform, 0, &n);
  g_assert_cmpuint (n, ==, (5 * RATE + 3 + 255) / 256);
  for (gsize i = 0; i < n; i++)
    {
      float mn = G_MAXFLOAT, mx = -G_MAXFLOAT;

      for (gint64 f = i * 256; f < MIN ((gint64) (i + 1) * 256, 5 * RATE + 3); f++)
        {
          mn = MIN (mn, sample (SAWTOOTH, f, 0));
          mx = MAX (mx, sample (SAWTOOTH, f, 0));
        }
      g_assert_cmpfloat (peaks[i].min, ==, mn);
      g_assert_cmpfloat (peaks[i].max, ==, mx);
    }
  assert_levels_consistent (waveform);
}

/* Channels are mixed down: +0.5 and -0.5 make silence. */
static void
test_mixdown (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "opposite.wav", OPPOSITE, 2, SF_FORMAT_FLOAT, RATE / 2);
  g_autoptr(CalqueWaveform) waveform = load_ok (path, NULL);
  const CalqueWaveformPeak *peaks;
  gsize n;

  g_assert_cmpuint (calque_waveform_get_channels (waveform), ==, 2);
  g_assert_cmpint (calque_waveform_get_frames (waveform), ==, RATE / 2);
  peaks = all_peaks (waveform, 0, &n);
  g_assert_cmpuint (n, >, 0);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (peaks[i].min, ==, 0);
      g_assert_cmpfloat (peaks[i].max, ==, 0);
    }
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "sine.wav", SINE, 1, SF_FORMAT_PCM_16, 3 * RATE);
  g_autofree char *cache_path = g_build_filename (fixture->dir, "cache", "0123abcd.peaks", NULL);
  g_autoptr(CalqueWaveform) first = load_ok (path, cache_path);
  g_autoptr(CalqueWaveform) second = NULL;
  g_autofree char *contents = NULL;
  const CalqueWaveformPeak *a, *b;
  gsize length, n_a, n_b;

  g_assert_false (calque_waveform_get_from_cache (first));
  g_assert_true (g_file_get_contents (cache_path, &contents, &length, NULL));
  g_assert_cmpmem (contents, 8, "CQPEAKS\n", 8);
  g_assert_cmpuint (length, ==, 40 + 8 * ((3 * RATE + 255) / 256));

  /* Without the audio, the peaks still come, from the cache. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  second = load_ok (path, cache_path);
  g_assert_true (calque_waveform_get_from_cache (second));
  g_assert_cmpuint (calque_waveform_get_sample_rate (second), ==, RATE);
  g_assert_cmpuint (calque_waveform_get_channels (second), ==, 1);
  g_assert_cmpint (calque_waveform_get_frames (second), ==, 3 * RATE);
  g_assert_cmpuint (calque_waveform_get_n_levels (second), ==, calque_waveform_get_n_levels (first));
  for (guint level = 0; level < calque_waveform_get_n_levels (first); level++)
    {
      a = all_peaks (first, level, &n_a);
      b = all_peaks (second, level, &n_b);
      g_assert_cmpmem (a, n_a * sizeof *a, b, n_b * sizeof *b);
    }
  g_clear_object (&second);

  /* A damaged cache is not believed: the audio is decoded again and the
   * cache rewritten. */
  g_clear_pointer (&path, g_free);
  path = make_wav (fixture, "sine.wav", SINE, 1, SF_FORMAT_PCM_16, 3 * RATE);
  g_assert_true (g_file_set_contents (cache_path, contents, length - 3, NULL));
  second = load_ok (path, cache_path);
  g_assert_false (calque_waveform_get_from_cache (second));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (cache_path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, 40 + 8 * ((3 * RATE + 255) / 256));
}

static void
assert_load_fails (const char *path,
                   int         code)
{
  g_autoptr(CalqueWaveform) waveform = calque_waveform_new (path, NULL);
  g_autoptr(GError) error = run_load (waveform, NULL);
  g_autofree char *name = g_path_get_basename (path);

  g_assert_error (error, CALQUE_WAVEFORM_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_false (calque_waveform_is_loaded (waveform));
  g_assert_cmpint (calque_waveform_get_frames (waveform), ==, 0);
}

static void
test_broken_files (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *truncated = make_wav (fixture, "truncated.wav", SINE, 1, SF_FORMAT_PCM_16, RATE);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.wav", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.wav", NULL);
  g_autofree char *header_only = g_build_filename (fixture->dir, "header-only.wav", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  /* Cut in the middle of the samples. */
  g_assert_true (g_file_get_contents (truncated, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, length / 2, NULL));
  assert_load_fails (truncated, CALQUE_WAVEFORM_ERROR_DECODE);
  /* Cut in the middle of the header. */
  g_assert_true (g_file_set_contents (header_only, contents, 20, NULL));
  assert_load_fails (header_only, CALQUE_WAVEFORM_ERROR_DECODE);

  g_assert_true (g_file_set_contents (text, "These are not samples, just some notes.\n", -1, NULL));
  assert_load_fails (text, CALQUE_WAVEFORM_ERROR_FORMAT);
  assert_load_fails (missing, CALQUE_WAVEFORM_ERROR_READ);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "sine.wav", SINE, 1, SF_FORMAT_PCM_16, 10 * RATE);
  g_autofree char *cache_path = g_build_filename (fixture->dir, "sine.peaks", NULL);
  g_autoptr(CalqueWaveform) waveform = calque_waveform_new (path, cache_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  error = run_load (waveform, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (calque_waveform_is_loaded (waveform));
  g_assert_false (g_file_test (cache_path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* The next load, not cancelled, goes through. */
  error = run_load (waveform, NULL);
  g_assert_no_error (error);
  g_assert_true (calque_waveform_is_loaded (waveform));
  g_assert_cmpint (calque_waveform_get_frames (waveform), ==, 10 * RATE);
}

/* Cancelled while the worker decodes: it stops between two blocks. */
static void
test_cancel_while_loading (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = make_wav (fixture, "long.wav", SILENCE, 1, SF_FORMAT_PCM_16, 120 * RATE);
  g_autoptr(CalqueWaveform) waveform = calque_waveform_new (path, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Load load = { 0 };
  Load second = { 0 };

  calque_waveform_load_async (waveform, cancellable, load_done_cb, &load);
  /* One load at a time. */
  calque_waveform_load_async (waveform, NULL, load_done_cb, &second);
  g_cancellable_cancel (cancellable);
  while (!load.done || !second.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (calque_waveform_is_loaded (waveform));
  g_clear_error (&load.error);
  g_clear_error (&second.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/waveform/sine", Fixture, NULL, fixture_setup, test_sine, fixture_teardown);
  g_test_add ("/waveform/silence-and-square", Fixture, NULL, fixture_setup, test_silence_and_square,
              fixture_teardown);
  g_test_add ("/waveform/levels", Fixture, NULL, fixture_setup, test_levels, fixture_teardown);
  g_test_add ("/waveform/mixdown", Fixture, NULL, fixture_setup, test_mixdown, fixture_teardown);
  g_test_add ("/waveform/cache", Fixture, NULL, fixture_setup, test_cache, fixture_teardown);
  g_test_add ("/waveform/broken-files", Fixture, NULL, fixture_setup, test_broken_files, fixture_teardown);
  g_test_add ("/waveform/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/waveform/cancel-while-loading", Fixture, NULL, fixture_setup, test_cancel_while_loading,
              fixture_teardown);
  return g_test_run ();
}
