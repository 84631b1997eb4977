/* bench-waveform — how long until the waveform of a long recording shows?
 *
 * A one-hour recording, 44.1 kHz mono 16-bit WAV (318 MB), written here in
 * blocks. Timed:
 *
 * - computing its peaks with CalqueWaveform (every level, and the cache
 *   written): goal under 2 s;
 * - loading them again, from the peaks cache;
 *
 * and beside them, in the same run on the same file, the baseline: the
 * whole file read with libsndfile, sf_readf_float() 64k frames at a time,
 * the samples thrown away — what decoding costs on its own. The baseline
 * runs first and warms the page cache for both (the figures are for a
 * file already read once, as one just recorded or downloaded is).
 *
 * Prints figures, not pass/fail: machines are noisy.
 *
 *   bench-waveform [--seconds 3600]
 */
#define G_LOG_DOMAIN "bench-waveform"

#include <math.h>
#include <sndfile.h>

#include <glib/gstdio.h>

#include "calque-test-util.h"
#include "calque-waveform.h"

#define RATE         44100
#define BLOCK_FRAMES 65536

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* A 440 Hz sine whose loudness rises and falls every ten seconds, with a
 * little noise: something like speech over a hum, not a constant. */
static void
write_wav (const char *path,
           gint64      frames)
{
  SF_INFO info = { .samplerate = RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  g_autofree short *block = g_new (short, BLOCK_FRAMES);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);

  if (file == NULL)
    g_error ("%s: %s", path, sf_strerror (NULL));
  for (gint64 done = 0; done < frames;)
    {
      gint64 n = MIN (BLOCK_FRAMES, frames - done);

      for (gint64 f = 0; f < n; f++)
        {
          double t = (double) (done + f) / RATE;
          double loudness = 0.3 + 0.25 * sin (2 * G_PI * t / 10);

          block[f] = (short) (32767 * (loudness * sin (2 * G_PI * 440 * t) + g_rand_double_range (rand, -0.05, 0.05)));
        }
      if (sf_writef_short (file, block, n) != n)
        g_error ("%s: %s", path, sf_strerror (file));
      done += n;
    }
  if (sf_close (file) != 0)
    g_error ("%s: cannot close", path);
}

static double
read_whole (const char *path,
            gint64     *frames)
{
  SF_INFO info = { 0 };
  g_autofree float *block = NULL;
  SNDFILE *file;
  double start = now_s ();
  sf_count_t got;

  file = sf_open (path, SFM_READ, &info);
  if (file == NULL)
    g_error ("%s: %s", path, sf_strerror (NULL));
  block = g_new (float, (gsize) BLOCK_FRAMES * info.channels);
  *frames = 0;
  while ((got = sf_readf_float (file, block, BLOCK_FRAMES)) > 0)
    *frames += got;
  sf_close (file);
  return now_s () - start;
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!calque_waveform_load_finish (CALQUE_WAVEFORM (object), result, &error))
    g_error ("%s", error->message);
  *(gboolean *) user_data = TRUE;
}

static CalqueWaveform *
load (const char *path,
      const char *cache_path,
      double     *seconds)
{
  g_autoptr(CalqueWaveform) waveform = calque_waveform_new (path, cache_path);
  double start = now_s ();
  gboolean done = FALSE;

  calque_waveform_load_async (waveform, NULL, load_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  *seconds = now_s () - start;
  return g_steal_pointer (&waveform);
}

int
main (int argc, char **argv)
{
  int seconds = 3600;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of the recording", "S" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWaveform) computed = NULL;
  g_autoptr(CalqueWaveform) cached = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cache_path = NULL;
  GStatBuf st;
  gint64 frames = 0;
  double write_s, read_s, compute_s, cache_s, start;
  gsize n;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  dir = g_dir_make_tmp ("bench-waveform-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "recording.wav", NULL);
  cache_path = g_build_filename (dir, "cache", "recording.peaks", NULL);

  start = now_s ();
  write_wav (path, (gint64) seconds * RATE);
  write_s = now_s () - start;
  g_stat (path, &st);
  g_print ("bench-waveform: %d s of 44.1 kHz mono 16-bit WAV, %.1f MB, written in %.1f s, in %s\n",
           seconds, st.st_size / 1e6, write_s, dir);

  read_s = read_whole (path, &frames);
  computed = load (path, cache_path, &compute_s);
  cached = load (path, cache_path, &cache_s);
  if (!calque_waveform_get_from_cache (cached) || calque_waveform_get_from_cache (computed))
    g_error ("the cache was not used as expected");
  if (calque_waveform_get_frames (computed) != frames)
    g_error ("%" G_GINT64_FORMAT " frames, libsndfile read %" G_GINT64_FORMAT,
             calque_waveform_get_frames (computed), frames);
  calque_waveform_get_peaks (computed, 0, 0, frames, &n);
  g_stat (cache_path, &st);

  g_print ("\npeaks of the whole recording (%" G_GINT64_FORMAT " frames)\n", frames);
  g_print ("  %-47s %.2f s   (goal < 2 s)   %u levels, %" G_GSIZE_FORMAT " pairs at level 0\n",
           "computed (decode, levels, cache written)", compute_s, calque_waveform_get_n_levels (computed), n);
  g_print ("  %-47s %.2f s   %.0f MB/s\n", "baseline: sf_readf_float() over the file", read_s,
           (frames * 2) / 1e6 / read_s);
  g_print ("  %-47s %.3f s   cache %.1f MB\n", "again, from the peaks cache", cache_s, st.st_size / 1e6);

  g_clear_object (&computed);
  g_clear_object (&cached);
  calque_test_remove_tree (dir);
  return 0;
}
