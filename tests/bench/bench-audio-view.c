/* bench-audio-view — what does a frame of the audio view cost while it plays?
 *
 * A ten-minute recording, 44.1 kHz mono 16-bit WAV written here, with 60
 * segments over it in three labels, in the audio view alone in a shown
 * 1280 × 800 window. Timed, per frame: the frame clock's work from
 * before-paint to after-paint (snapshot and render; the wait for the next
 * frame is left out, it is the same for both), p50 and p95:
 *
 * - the cursor moving, set once a frame by 1/60 s as playing moves it,
 *   with the whole recording in view and zoomed to ten seconds;
 * - playing for real (the player's clock moves the cursor; silent where
 *   there is no sound device), the whole recording in view;
 * - scrolling, a wheel step (48 px) a frame, zoomed to ten seconds: the
 *   picture changes every frame, so the view draws it straight into the
 *   frame as before: this should cost the same as the baseline.
 *
 * Baseline in the same run, in the same window: the view drawing
 * everything each frame, as it did before it kept its still picture as a
 * texture (_calque_audio_view_set_static_cache (view, FALSE)).
 *
 * Needs a display: `make bench` runs it under xvfb-run when there is none.
 *
 *   bench-audio-view [--frames 180] [--seconds 600]
 */
#define G_LOG_DOMAIN "bench-audio-view"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "calque-audio-view-private.h"
#include "calque-history.h"
#include "calque-item-annotations.h"
#include "calque-test-util.h"
#include "calque-workspace.h"

#define RATE         44100
#define BLOCK_FRAMES 65536
#define N_LABELS     3
#define N_SEGMENTS   60

static int opt_frames = 180;
static int opt_seconds = 600;

static const GOptionEntry options[] = {
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames timed per figure", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Length of the recording", "S" },
  { NULL }
};

/* A 220 Hz tone whose loudness swells and fades every few seconds, with
 * noise: a waveform with detail at every zoom. */
static void
write_wav (const char *path,
           gint64      frames)
{
  SF_INFO info = { .samplerate = RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  g_autofree short *block = g_new (short, BLOCK_FRAMES);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);

  if (file == NULL)
    g_error ("%s: %s", path, sf_strerror (NULL));
  for (gint64 done = 0; done < frames;)
    {
      gint64 n = MIN (BLOCK_FRAMES, frames - done);

      for (gint64 f = 0; f < n; f++)
        {
          double t = (double) (done + f) / RATE;
          double loudness = 0.35 + 0.3 * sin (2 * G_PI * t / 7) * sin (2 * G_PI * t / 1.3);

          block[f] = (short) (32767 * (loudness * sin (2 * G_PI * 220 * t) + g_rand_double_range (rand, -0.08, 0.08)));
        }
      if (sf_writef_short (file, block, n) != n)
        g_error ("%s: %s", path, sf_strerror (file));
      done += n;
    }
  if (sf_close (file) != 0)
    g_error ("%s: cannot close", path);
}

typedef struct {
  char                  *dir;
  char                  *wav;
  CalqueWorkspace       *workspace;
  CalqueHistory         *history;
  CalqueRecord          *item;
  CalqueItemAnnotations *annotations;
  GHashTable            *colors;
} Data;

static void
make_workspace (Data *data)
{
  static const char * const colors[N_LABELS] = { "#3584e4", "#e5a50a", "#2ec27e" };
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wav = NULL;
  char *labels[N_LABELS];
  char sha256[65];
  gboolean added;
  CalqueStore *store;

  data->dir = g_dir_make_tmp ("calque-bench-audio-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (data->dir, "workspace", NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  data->workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (data->workspace);

  calque_record_set_string (project, "name", "Bench");
  calque_record_set_string (project, "type", "audio");
  g_assert_true (calque_store_save (store, project, &error));
  data->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < N_LABELS; i++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));
      g_autofree char *name = g_strdup_printf ("speaker %d", i + 1);
      guint rgb = (guint) g_ascii_strtoull (colors[i] + 1, NULL, 16);

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", colors[i]);
      g_assert_true (calque_store_save (store, label, &error));
      labels[i] = g_strdup (calque_record_get_id (label));
      g_hash_table_insert (data->colors, g_strdup (labels[i]), GUINT_TO_POINTER ((rgb << 8) | 0xff));
    }

  wav = g_build_filename (data->dir, "ten-minutes.wav", NULL);
  write_wav (wav, (gint64) opt_seconds * RATE);
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (data->workspace), wav, sha256, &added, &error));
  g_assert_no_error (error);
  data->wav = calque_blob_cache_get_path (calque_workspace_get_blobs (data->workspace), sha256);
  g_remove (wav);
  data->item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  calque_record_set_string (data->item, "media", "audio");
  calque_record_set_string (data->item, "name", "ten-minutes.wav");
  calque_record_set_string (data->item, "mime", "audio/wav");
  calque_record_set_string (data->item, "sha256", sha256);
  calque_record_set_double (data->item, "duration", opt_seconds);
  calque_record_set_int (data->item, "sample_rate", RATE);
  calque_record_set_int (data->item, "channels", 1);
  g_assert_true (calque_store_save (store, data->item, &error));
  g_assert_no_error (error);

  data->history = calque_history_new (store);
  data->annotations = calque_item_annotations_new (store, data->history, data->item, "bench", &error);
  g_assert_no_error (error);
  /* Turns of speech, some overlapping the one before: three lanes. */
  for (int i = 0; i < N_SEGMENTS; i++)
    {
      double start = (double) opt_seconds * i / N_SEGMENTS + (i % 3) * 0.7;
      double length = (double) opt_seconds / N_SEGMENTS * (0.6 + 0.5 * (i % 4) / 3.0);
      g_autoptr(CalqueShape) shape = calque_shape_new_segment (start, MIN (start + length, opt_seconds));
      g_autofree char *id = calque_item_annotations_add (data->annotations, shape,
                                                         (const char *[]) { labels[i % N_LABELS], NULL }, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }
  for (int i = 0; i < N_LABELS; i++)
    g_free (labels[i]);
}

/* --- frames ---------------------------------------------------------------------- */

static gint64 paint_began;
static GArray *recording;   /* nullable: where frame times go */
static gboolean painted;

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  paint_began = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  double ms = (g_get_monotonic_time () - paint_began) / 1000.0;

  if (recording != NULL && paint_began != 0)
    g_array_append_val (recording, ms);
  painted = TRUE;
}

/* Turns the main loop until the next frame has been painted. */
static void
wait_for_paint (void)
{
  painted = FALSE;
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
view_loaded (CalqueAudioView *view)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!calque_audio_view_is_loaded (view) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  return calque_audio_view_is_loaded (view);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

/* Zoomed so that @seconds fill the width, starting at @start. */
static void
show_span (CalqueAudioView *view,
           double           start,
           double           seconds)
{
  calque_audio_view_zoom_fit (view);
  if (seconds < opt_seconds)
    {
      calque_audio_view_zoom_by (view, opt_seconds / seconds, 0);
      gtk_adjustment_set_value (view->hadjustment, start);
    }
  wait_for_paint ();
  settle (100);
}

/* The cursor moved by a frame's worth of playing, each frame. */
static GArray *
move_cursor (CalqueAudioView *view,
             double           from,
             guint           *out_static_draws)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  guint draws;

  _calque_audio_view_seek (view, from);
  wait_for_paint ();
  draws = _calque_audio_view_get_n_static_draws (view);
  recording = times;
  for (int i = 1; i <= opt_frames; i++)
    {
      _calque_audio_view_seek (view, from + i / 60.0);
      wait_for_paint ();
    }
  recording = NULL;
  *out_static_draws = _calque_audio_view_get_n_static_draws (view) - draws;
  return times;
}

/* The player's own clock moving the cursor, for as long as @frames take. */
static GArray *
play (CalqueAudioView *view,
      guint           *out_static_draws)
{
  CalqueAudioPlayer *player = calque_audio_view_get_player (view);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 until;
  guint draws;

  _calque_audio_view_seek (view, 30);
  wait_for_paint ();
  calque_audio_view_play_pause (view);
  settle (200);
  draws = _calque_audio_view_get_n_static_draws (view);
  recording = times;
  until = g_get_monotonic_time () + (gint64) opt_frames * G_USEC_PER_SEC / 60;
  while (g_get_monotonic_time () < until && calque_audio_player_is_playing (player))
    g_main_context_iteration (NULL, TRUE);
  recording = NULL;
  *out_static_draws = _calque_audio_view_get_n_static_draws (view) - draws;
  calque_audio_view_play_pause (view);
  settle (200);
  return times;
}

/* A wheel step to the right each frame. */
static GArray *
scroll (CalqueAudioView *view)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkAdjustment *adjustment = view->hadjustment;
  double step = 48.0 / (calque_audio_view_time_to_x (view, 1) - calque_audio_view_time_to_x (view, 0));

  recording = times;
  for (int i = 0; i < opt_frames; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + step);
      wait_for_paint ();
    }
  recording = NULL;
  return times;
}

static void
print_row (const char *what,
           GArray     *times,
           guint       static_draws)
{
  g_print ("  %-34s %7.2f %7.2f", what, percentile (times, 0.5), percentile (times, 0.95));
  if (static_draws != G_MAXUINT)
    g_print ("   (picture drawn %u times in %u frames)", static_draws, times->len);
  g_print ("\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Data data = { 0 };
  GtkWidget *window;
  CalqueAudioView *view;
  GdkFrameClock *clock;
  const struct {
    const char *name;
    double      start, seconds;
  } zooms[] = {
    { "whole recording in view", 0, 0 },
    { "ten seconds in view", 120, 10 },
  };
  GArray *cursor[2][G_N_ELEMENTS (zooms)];
  guint cursor_draws[2][G_N_ELEMENTS (zooms)];
  GArray *playing[2] = { NULL, NULL };
  guint playing_draws[2] = { 0, 0 };
  GArray *scrolling[2];

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!gtk_init_check ())
    {
      g_print ("bench-audio-view: no display; run it under xvfb-run\n");
      return 0;
    }
  adw_init ();

  make_workspace (&data);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  view = CALQUE_AUDIO_VIEW (calque_audio_view_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  while (clock == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      clock = gtk_widget_get_frame_clock (window);
    }
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);

  calque_audio_view_set_item (view, data.annotations, data.wav, NULL, data.colors);
  if (!view_loaded (view) || calque_audio_view_get_problem (view) != NULL)
    g_error ("the recording did not load: %s", calque_audio_view_get_problem (view));
  wait_for_paint ();
  settle (300);
  g_print ("recording: %d s at %d Hz, %d segments; view %d × %d, scale %d; renderer %s\n", opt_seconds, RATE,
           N_SEGMENTS, gtk_widget_get_width (GTK_WIDGET (view)), gtk_widget_get_height (GTK_WIDGET (view)),
           gtk_widget_get_scale_factor (GTK_WIDGET (view)),
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));

  /* 0: drawn each frame (the baseline), 1: the picture kept. */
  for (int cached = 0; cached < 2; cached++)
    {
      _calque_audio_view_set_static_cache (view, cached);
      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          show_span (view, zooms[z].start, zooms[z].seconds > 0 ? zooms[z].seconds : opt_seconds);
          cursor[cached][z] = move_cursor (view, zooms[z].start + 1, &cursor_draws[cached][z]);
        }
      if (calque_audio_view_get_player (view) != NULL)
        {
          show_span (view, 0, opt_seconds);
          playing[cached] = play (view, &playing_draws[cached]);
        }
      show_span (view, zooms[1].start, zooms[1].seconds);
      scrolling[cached] = scroll (view);
    }

  g_print ("\nwork per frame, before-paint to after-paint (ms: p50, p95 over %d frames):\n", opt_frames);
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      g_autofree char *title = g_strdup_printf ("cursor moving, %s", zooms[z].name);

      g_print ("%s\n", title);
      print_row ("picture kept as a texture", cursor[1][z], cursor_draws[1][z]);
      print_row ("baseline: all drawn each frame", cursor[0][z], cursor_draws[0][z]);
    }
  if (playing[0] != NULL)
    {
      g_print ("playing (%s), whole recording in view\n",
               calque_audio_player_has_sound_output (calque_audio_view_get_player (view)) ? "sound output"
                                                                                          : "no sound output, silent");
      print_row ("picture kept as a texture", playing[1], playing_draws[1]);
      print_row ("baseline: all drawn each frame", playing[0], playing_draws[0]);
    }
  g_print ("scrolling a wheel step a frame, ten seconds in view\n");
  print_row ("picture kept (drawn straight)", scrolling[1], G_MAXUINT);
  print_row ("baseline: all drawn each frame", scrolling[0], G_MAXUINT);

  for (int cached = 0; cached < 2; cached++)
    {
      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        g_array_unref (cursor[cached][z]);
      g_clear_pointer (&playing[cached], g_array_unref);
      g_array_unref (scrolling[cached]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&data.annotations);
  g_clear_object (&data.history);
  g_clear_object (&data.item);
  g_clear_object (&data.workspace);
  g_hash_table_unref (data.colors);
  calque_test_remove_tree (data.dir);
  g_free (data.dir);
  g_free (data.wav);
  return 0;
}
