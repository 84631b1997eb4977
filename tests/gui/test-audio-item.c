/* test-audio-item.c — an audio item in the real window, with real input
 *
 * An audio project of two recordings, opened from the item list as a
 * person does: the waveform shows, a segment is dragged out with the
 * pointer through the X server (xdotool), relabelled with a label key, and
 * played; its start and end are read back from the store. The second
 * recording is cut short: the view says why, and the page still works.
 */
#define G_LOG_DOMAIN "test-audio-item"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "calque-application.h"
#include "calque-audio-view.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-item-page.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define SAMPLE_RATE 8000
#define DURATION    4.0

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *speech;
  char            *music;
  char            *items[2];
  CalqueWindow    *window;
} Fixture;

/* A spoken-like tone: 220 Hz swelling twice a second. */
static void
write_wav (const char *path)
{
  SF_INFO info = { .samplerate = SAMPLE_RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  gsize n = (gsize) (DURATION * SAMPLE_RATE);
  g_autofree float *samples = g_new (float, n);
  SNDFILE *file;

  for (gsize i = 0; i < n; i++)
    {
      double t = (double) i / SAMPLE_RATE;

      samples[i] = (float) (0.8 * fabs (sin (G_PI * t)) * sin (2 * G_PI * 220 * t));
    }
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, samples, n), ==, (sf_count_t) n);
  g_assert_cmpint (sf_close (file), ==, 0);
}

static char *
save_audio_item (Fixture    *f,
                 const char *name,
                 gboolean    truncated)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GError) error = NULL;
  char sha256[65];
  gboolean added;

  write_wav (path);
  if (truncated)
    {
      /* Cut in the middle of the samples: the header still says 4 s. */
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (path, contents, length / 3, NULL));
    }
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);
  calque_record_set_string (item, "media", "audio");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "audio/wav");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_double (item, "duration", DURATION);
  calque_record_set_int (item, "sample_rate", SAMPLE_RATE);
  calque_record_set_int (item, "channels", 1);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  CalqueStore *store;

  f->workspace = calque_test_workspace_new ("calque-audio-item", &f->dir);
  store = calque_workspace_get_store (f->workspace);

  calque_record_set_string (project, "name", "Interviews");
  calque_record_set_string (project, "type", "audio");
  g_assert_true (calque_store_save (store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->speech = calque_test_save_label (store, f->project, "speech", "#3584e4", 0);
  f->music = calque_test_save_label (store, f->project, "music", "#e5a50a", 1);
  f->items[0] = save_audio_item (f, "a-interview.wav", FALSE);
  f->items[1] = save_audio_item (f, "b-cut-short.wav", TRUE);

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 700);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->speech);
  g_free (f->music);
  g_free (f->items[0]);
  g_free (f->items[1]);
}

/* --- the window ------------------------------------------------------------------ */

static CalqueItemPage *
item_page (Fixture *f)
{
  return calque_gui_item_page (f->window);
}

static CalqueAudioView *
audio_view (Fixture *f)
{
  return calque_item_page_get_audio_view (item_page (f));
}

static void
pointer_to (Fixture *f,
            double   x,
            double   y)
{
  calque_gui_pointer_to (GTK_WIDGET (audio_view (f)), x, y);
}

static gboolean
view_loaded (gpointer data)
{
  Fixture *f = data;

  return audio_view (f) != NULL && gtk_widget_get_mapped (GTK_WIDGET (audio_view (f)))
         && calque_audio_view_is_loaded (audio_view (f));
}

static CalqueRecord *
stored_segment (Fixture *f)
{
  g_autoptr(GPtrArray) annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace),
                                                                 CALQUE_KIND_ANNOTATION, f->items[0], NULL);

  for (guint i = 0; i < annotations->len; i++)
    {
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (g_ptr_array_index (annotations, i), NULL);

      if (shape != NULL && shape->kind == CALQUE_SHAPE_SEGMENT)
        return g_object_ref (g_ptr_array_index (annotations, i));
    }
  return NULL;
}

static gboolean
segment_stored (gpointer data)
{
  g_autoptr(CalqueRecord) segment = stored_segment (data);

  return segment != NULL;
}

static gboolean
playing (gpointer data)
{
  CalqueAudioPlayer *player = calque_audio_view_get_player (audio_view (data));

  return player != NULL && calque_audio_player_is_playing (player);
}

static gboolean
not_playing (gpointer data)
{
  return !playing (data);
}

static const char *
first_label (CalqueRecord *annotation)
{
  return json_array_get_string_element (json_node_get_array (calque_record_get_field (annotation, "labels")), 0);
}

static void
test_no_display (void)
{
  g_test_skip ("no display: the window cannot be shown");
}

static void
test_segment (Fixture       *f,
              gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  g_autoptr(CalqueRecord) segment = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  g_autofree char *peaks_dir = NULL;
  double x0, x1, y, seconds_per_pixel, cursor;

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (view_loaded, f));
  g_assert_null (calque_audio_view_get_problem (audio_view (f)));
  calque_gui_spin (200);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "44-audio-open");

  /* Its peaks are kept in the workspace, for the next time. */
  peaks_dir = g_build_filename (calque_workspace_get_path (f->workspace), "peaks", NULL);
  g_assert_true (g_file_test (peaks_dir, G_FILE_TEST_IS_DIR));

  /* Drag from 1.0 s to 2.5 s on the waveform: a segment, label 1. */
  x0 = calque_audio_view_time_to_x (audio_view (f), 1.0);
  x1 = calque_audio_view_time_to_x (audio_view (f), 2.5);
  seconds_per_pixel = 1.5 / (x1 - x0);
  y = gtk_widget_get_height (GTK_WIDGET (audio_view (f))) / 2.0;
  pointer_to (f, x0, y);
  calque_gui_xdotool ((const char *[]) { "mousedown", "1", NULL });
  for (int step = 1; step <= 4; step++)
    pointer_to (f, x0 + (x1 - x0) * step / 4, y);
  calque_gui_xdotool ((const char *[]) { "mouseup", "1", NULL });
  g_assert_true (calque_gui_wait_for (segment_stored, f));
  segment = stored_segment (f);
  shape = calque_record_dup_shape (segment, NULL);
  g_assert_cmpfloat_with_epsilon (shape->seg_start, 1.0, 1.5 * seconds_per_pixel);
  g_assert_cmpfloat_with_epsilon (shape->seg_end, 2.5, 1.5 * seconds_per_pixel);
  g_assert_cmpstr (first_label (segment), ==, f->speech);
  g_assert_cmpstr (calque_audio_view_get_selected (audio_view (f)), ==, calque_record_get_id (segment));
  g_clear_object (&segment);

  /* Key 2 relabels the selected segment. */
  calque_gui_key ("2");
  segment = stored_segment (f);
  g_assert_cmpstr (first_label (segment), ==, f->music);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "45-audio-segment");

  /* Enter plays just the segment: it stops at its end. */
  gtk_widget_grab_focus (GTK_WIDGET (audio_view (f)));
  calque_gui_key ("Return");
  g_assert_true (calque_gui_wait_for (playing, f));
  g_assert_true (calque_gui_wait_for (not_playing, f));
  cursor = calque_audio_view_get_cursor (audio_view (f));
  g_assert_cmpfloat (fabs (cursor - shape->seg_end), <, 0.2);

  /* Space plays from there, and again pauses. */
  calque_gui_key ("space");
  g_assert_true (calque_gui_wait_for (playing, f));
  calque_gui_spin (400);
  calque_gui_key ("space");
  g_assert_true (calque_gui_wait_for (not_playing, f));
  g_assert_cmpfloat (calque_audio_view_get_cursor (audio_view (f)), >, cursor + 0.2);

  /* Undo, twice: the label back, then no segment. */
  calque_gui_key ("ctrl+z");
  g_clear_object (&segment);
  segment = stored_segment (f);
  g_assert_cmpstr (first_label (segment), ==, f->speech);
  calque_gui_key ("ctrl+z");
  g_clear_object (&segment);
  segment = stored_segment (f);
  g_assert_null (segment);
}

/* A recording cut short says so in place of the waveform; the page goes
 * on working, and the next item opens. */
static void
test_cut_short (Fixture       *f,
                gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  const char *problem;

  g_signal_emit_by_name (items, "activate", 1);
  g_assert_true (calque_gui_wait_for (view_loaded, f));
  problem = calque_audio_view_get_problem (audio_view (f));
  g_assert_nonnull (problem);
  g_test_message ("problem: %s", problem);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "46-audio-cut-short");

  /* Back to the first, whole recording. */
  calque_gui_key ("Page_Up");
  g_assert_true (calque_gui_wait_for (view_loaded, f));
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[0]);
  g_assert_null (calque_audio_view_get_problem (audio_view (f)));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* xdotool drives the X server: X, not Wayland. */
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/audio-item/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/audio-item/segment", Fixture, NULL, fixture_set_up, test_segment, fixture_tear_down);
  g_test_add ("/gui/audio-item/cut-short", Fixture, NULL, fixture_set_up, test_cut_short, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
