/* test-audio-view.c — annotating a recording in the audio view, with real input
 *
 * A workspace with an audio project: a 3 s, 8 kHz recording made here with
 * libsndfile and put in the blob cache, its item, two labels. The view
 * sits alone in a window under Xvfb; the pointer and the keys go through
 * the X server with xdotool, and after each gesture the store is read
 * back. Playback runs wherever the tests do: without a sound device the
 * player plays silently, in real time, and the cursor moves all the same.
 *
 * The view keeps its still picture (ruler, waveform, segments) as a
 * texture and draws only the cursor each frame; /gui/audio-view/static-cache
 * checks that the picture is drawn again whenever what it shows changes,
 * and that it looks as drawing everything each frame does.
 */
#define G_LOG_DOMAIN "test-audio-view"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "calque-audio-view.h"
#include "calque-audio-view-private.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-history.h"
#include "calque-item-annotations.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-workspace.h"

#define SAMPLE_RATE 8000
#define DURATION    3.0

typedef struct {
  char                  *dir;
  CalqueWorkspace       *workspace;
  CalqueHistory         *history;
  char                  *project;
  char                  *speech;
  char                  *music;
  CalqueRecord          *item;
  char                  *audio_path;
  CalqueItemAnnotations *annotations;
  GHashTable            *colors;
  GtkWindow             *window;
  CalqueAudioView       *view;
} Fixture;

/* --- the workspace ----------------------------------------------------------------- */

/* A tone whose loudness swells and fades each second, so that the
 * waveform has a shape to look at. */
static void
write_wav (const char *path,
           double      seconds)
{
  SF_INFO info = { .samplerate = SAMPLE_RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  gsize n = (gsize) (seconds * SAMPLE_RATE);
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

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autofree char *path = NULL;
  g_autofree char *wav = NULL;
  GtkWidget *view;
  CalqueStore *store;
  char sha256[65];
  gboolean added;

  f->workspace = calque_test_workspace_new ("calque-audio-view", &f->dir);
  store = calque_workspace_get_store (f->workspace);

  calque_record_set_string (project, "name", "Interviews");
  calque_record_set_string (project, "type", "audio");
  g_assert_true (calque_store_save (store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  /* A name that looks like markup must show as it is. */
  f->speech = calque_test_save_label (store, f->project, "speech <b>loud</b>", "#3584e4", -1);
  f->music = calque_test_save_label (store, f->project, "music", "#e5a50a", -1);
  f->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (f->colors, g_strdup (f->speech), GUINT_TO_POINTER (0x3584e4ffu));
  g_hash_table_insert (f->colors, g_strdup (f->music), GUINT_TO_POINTER (0xe5a50affu));

  wav = g_build_filename (f->dir, "interview.wav", NULL);
  write_wav (wav, DURATION);
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), wav, sha256, &added, &error));
  g_assert_no_error (error);
  f->audio_path = calque_blob_cache_get_path (calque_workspace_get_blobs (f->workspace), sha256);

  f->item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  calque_record_set_string (f->item, "media", "audio");
  calque_record_set_string (f->item, "name", "interview.wav");
  calque_record_set_string (f->item, "mime", "audio/wav");
  calque_record_set_string (f->item, "sha256", sha256);
  calque_record_set_double (f->item, "duration", DURATION);
  calque_record_set_int (f->item, "sample_rate", SAMPLE_RATE);
  calque_record_set_int (f->item, "channels", 1);
  g_assert_true (calque_store_save (store, f->item, &error));
  g_assert_no_error (error);

  f->history = calque_history_new (store);
  f->annotations = calque_item_annotations_new (store, f->history, f->item, "tester", &error);
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "interview.wav");
  view = calque_audio_view_new ();
  f->view = CALQUE_AUDIO_VIEW (view);
  gtk_widget_set_margin_start (view, 12);
  gtk_widget_set_margin_end (view, 12);
  gtk_widget_set_margin_top (view, 12);
  gtk_widget_set_margin_bottom (view, 12);
  gtk_window_set_child (f->window, view);
  calque_audio_view_set_labels (f->view, (const char *[]) { f->speech, NULL });
  calque_audio_view_set_item (f->view, f->annotations, f->audio_path, NULL, f->colors);
  calque_gui_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  calque_gui_spin (50);
  g_clear_object (&f->annotations);
  g_clear_object (&f->history);
  g_clear_object (&f->item);
  g_clear_object (&f->workspace);
  g_clear_pointer (&f->colors, g_hash_table_unref);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->speech);
  g_free (f->music);
  g_free (f->audio_path);
}

/* --- input through the X server ---------------------------------------------------- */

/* The pointer over view point (@x, @y). */
static void
pointer_to (Fixture *f,
            double   x,
            double   y)
{
  calque_gui_pointer_to (GTK_WIDGET (f->view), x, y);
}

/* Halfway down the view: on the waveform, below the segments' strips. */
static double
wave_y (Fixture *f)
{
  return gtk_widget_get_height (GTK_WIDGET (f->view)) / 2.0;
}

static void
drag_times (Fixture *f,
            double   from,
            double   to)
{
  double x0 = calque_audio_view_time_to_x (f->view, from);
  double x1 = calque_audio_view_time_to_x (f->view, to);
  double y = wave_y (f);

  pointer_to (f, x0, y);
  calque_gui_xdotool ((const char *[]) { "mousedown", "1", NULL });
  for (int step = 1; step <= 4; step++)
    pointer_to (f, x0 + (x1 - x0) * step / 4, y);
  calque_gui_xdotool ((const char *[]) { "mouseup", "1", NULL });
}

static void
click (Fixture *f,
       double   x,
       double   y)
{
  pointer_to (f, x, y);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  calque_gui_spin (450);
}

/* --- reading back ---------------------------------------------------------------------- */

static GPtrArray *
stored_segments (Fixture *f)
{
  return calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION,
                                     calque_record_get_id (f->item), NULL);
}

static CalqueShape *
stored_shape (Fixture    *f,
              const char *id)
{
  g_autoptr(CalqueRecord) annotation = calque_store_get (calque_workspace_get_store (f->workspace), id, NULL);

  g_assert_nonnull (annotation);
  return calque_record_dup_shape (annotation, NULL);
}

static const char *
first_label (CalqueRecord *annotation)
{
  return json_array_get_string_element (json_node_get_array (calque_record_get_field (annotation, "labels")), 0);
}

typedef struct {
  Fixture *f;
  guint    n;
} CountQuery;

static gboolean
n_stored_is (gpointer data)
{
  CountQuery *query = data;
  g_autoptr(GPtrArray) annotations = stored_segments (query->f);

  return annotations->len == query->n;
}

static gboolean
view_loaded (gpointer data)
{
  return calque_audio_view_is_loaded (data);
}

static gboolean
not_playing (gpointer data)
{
  CalqueAudioPlayer *player = calque_audio_view_get_player (data);

  return !calque_audio_player_is_playing (player);
}

/* A pointer lands on whole pixels: a time is right within one pixel's
 * worth of seconds. */
static void
assert_near_time (Fixture *f,
                  double   value,
                  double   expected)
{
  double px = calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0);
  double tolerance = 1.0 / px + 1e-6;

  if (fabs (value - expected) > tolerance)
    g_error ("%g s is not within %g s of %g s", value, tolerance, expected);
}

/* --- the tests ----------------------------------------------------------------------- */

static void
test_segments (Fixture       *f,
               gconstpointer  data)
{
  CountQuery one = { f, 1 }, two = { f, 2 };
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  g_assert_null (calque_audio_view_get_problem (f->view));
  calque_gui_spin (100);
  calque_gui_save_screenshot (f->window, "50-audio-view-open");

  /* A drag over the waveform draws a segment with the chosen label. */
  drag_times (f, 0.5, 1.5);
  g_assert_true (calque_gui_wait_for (n_stored_is, &one));
  stored = stored_segments (f);
  first = g_strdup (calque_record_get_id (g_ptr_array_index (stored, 0)));
  g_assert_cmpstr (first_label (g_ptr_array_index (stored, 0)), ==, f->speech);
  shape = stored_shape (f, first);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_SEGMENT);
  assert_near_time (f, shape->seg_start, 0.5);
  assert_near_time (f, shape->seg_end, 1.5);
  g_clear_pointer (&shape, calque_shape_free);
  /* It is selected, and the selection is the model's id. */
  g_assert_cmpstr (calque_audio_view_get_selected (f->view), ==, first);
  calque_gui_save_screenshot (f->window, "51-audio-view-segment");

  /* Its end edge, dragged, resizes it: one save. */
  drag_times (f, 1.5, 2.2);
  shape = stored_shape (f, first);
  assert_near_time (f, shape->seg_start, 0.5);
  assert_near_time (f, shape->seg_end, 2.2);
  g_clear_pointer (&shape, calque_shape_free);
  g_assert_true (calque_history_can_undo (f->history));

  /* A second, overlapping segment with the other label: its own lane. */
  calque_audio_view_set_labels (f->view, (const char *[]) { f->music, NULL });
  drag_times (f, 2.8, 1.8);   /* leftwards, from outside the first */
  g_assert_true (calque_gui_wait_for (n_stored_is, &two));
  second = g_strdup (calque_audio_view_get_selected (f->view));
  g_assert_nonnull (second);
  g_assert_cmpstr (second, !=, first);
  calque_gui_save_screenshot (f->window, "52-audio-view-overlap");

  /* A click on the first one's strip selects it; Delete deletes it. */
  click (f, calque_audio_view_time_to_x (f->view, 1.0), 24 + 10);
  g_assert_cmpstr (calque_audio_view_get_selected (f->view), ==, first);
  calque_gui_save_screenshot (f->window, "53-audio-view-selected");
  calque_gui_key ("Delete");
  g_assert_true (calque_gui_wait_for (n_stored_is, &one));
  g_assert_null (calque_audio_view_get_selected (f->view));
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = stored_segments (f);
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (stored, 0)), ==, second);

  /* Undo brings it back through the model; the view follows. */
  g_assert_true (calque_history_undo (f->history, NULL));
  calque_item_annotations_reload_all (f->annotations);
  g_assert_true (calque_gui_wait_for (n_stored_is, &two));
  calque_audio_view_select (f->view, first);
  g_assert_cmpstr (calque_audio_view_get_selected (f->view), ==, first);

  /* A click without a drag moves the cursor and deselects; a tiny drag
   * is a click too, and makes nothing. */
  click (f, calque_audio_view_time_to_x (f->view, 0.25), wave_y (f));
  g_assert_null (calque_audio_view_get_selected (f->view));
  g_assert_cmpfloat (fabs (calque_audio_view_get_cursor (f->view) - 0.25), <, 0.02);
  drag_times (f, 0.2, 0.2 + 1.0 / (calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0)));
  calque_gui_spin (100);
  g_assert_true (n_stored_is (&two));
}

static void
test_playback (Fixture       *f,
               gconstpointer  data)
{
  CalqueAudioPlayer *player = calque_audio_view_get_player (f->view);
  g_autoptr(CalqueShape) segment = calque_shape_new_segment (0.5, 1.0);
  g_autofree char *id = NULL;
  double before;

  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  g_assert_nonnull (player);
  g_test_message ("sound output: %s", calque_audio_player_has_sound_output (player) ? "yes" : "none, silent");

  /* Focus, and the cursor at 0.2 s; Space plays from there. */
  click (f, calque_audio_view_time_to_x (f->view, 0.2), wave_y (f));
  before = calque_audio_view_get_cursor (f->view);
  calque_gui_key ("space");
  g_assert_true (calque_audio_player_is_playing (player));
  calque_gui_spin (700);
  g_assert_cmpfloat (calque_audio_view_get_cursor (f->view), >, before + 0.3);
  calque_gui_save_screenshot (f->window, "54-audio-view-playing");
  calque_gui_key ("space");
  g_assert_false (calque_audio_player_is_playing (player));

  /* Enter plays the selected segment and stops at its end. */
  id = calque_item_annotations_add (f->annotations, segment, (const char *[]) { f->speech, NULL }, NULL);
  g_assert_nonnull (id);
  calque_audio_view_select (f->view, id);
  calque_gui_key ("Return");
  g_assert_true (calque_audio_player_is_playing (player));
  g_assert_true (calque_gui_wait_for (not_playing, f->view));
  calque_gui_spin (100);
  g_test_message ("segment preview stopped at %.3f s", calque_audio_view_get_cursor (f->view));
  g_assert_cmpfloat (fabs (calque_audio_view_get_cursor (f->view) - 1.0), <=, 0.15);

  /* Playing to the end of the file stops there too. */
  calque_gui_key ("End");
  calque_gui_key ("Left");
  calque_gui_key ("space");
  g_assert_true (calque_gui_wait_for (not_playing, f->view));
  g_assert_cmpfloat (fabs (calque_audio_view_get_cursor (f->view) - DURATION), <=, 0.15);
}

static void
test_zoom (Fixture       *f,
           gconstpointer  data)
{
  double fitted, px, anchor;

  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  fitted = calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0);

  /* Ctrl+wheel towards the pointer: the time under it stays under it. */
  anchor = calque_audio_view_time_to_x (f->view, 1.0);
  pointer_to (f, anchor, wave_y (f));
  calque_gui_xdotool ((const char *[]) { "keydown", "ctrl", NULL });
  for (int i = 0; i < 3; i++)
    calque_gui_xdotool ((const char *[]) { "click", "4", NULL });
  calque_gui_xdotool ((const char *[]) { "keyup", "ctrl", NULL });
  px = calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0);
  g_assert_cmpfloat (px, >, fitted * 1.5);
  /* Within the pixel the pointer was rounded to, times the zoom. */
  g_assert_cmpfloat (fabs (calque_audio_view_time_to_x (f->view, 1.0) - anchor), <, px / fitted);
  calque_gui_save_screenshot (f->window, "55-audio-view-zoomed");

  /* Down to the samples, where the tone is loudest: at 8 kHz, a few
   * dozen on screen. */
  calque_audio_view_zoom_fit (f->view);
  calque_audio_view_zoom_by (f->view, 1e6, calque_audio_view_time_to_x (f->view, 0.5));
  px = calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0);
  g_assert_cmpfloat (px / SAMPLE_RATE, >=, 20);
  calque_gui_spin (100);
  calque_gui_save_screenshot (f->window, "56-audio-view-samples");

  /* Ctrl+0 fits the whole recording again. */
  click (f, 100, wave_y (f));
  calque_gui_key ("ctrl+0");
  px = calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0);
  g_assert_cmpfloat (fabs (px - fitted), <, 0.01);
  calque_gui_key ("plus");
  g_assert_cmpfloat (calque_audio_view_time_to_x (f->view, 1) - calque_audio_view_time_to_x (f->view, 0), >, fitted);
}

/* A recording cut short says so in place of the waveform; the next item
 * opens as if nothing happened. */
static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "cut.wav", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  write_wav (path, DURATION);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));

  calque_audio_view_set_item (f->view, f->annotations, path, NULL, f->colors);
  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  g_assert_nonnull (calque_audio_view_get_problem (f->view));
  g_test_message ("%s", calque_audio_view_get_problem (f->view));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (f->window), calque_audio_view_get_problem (f->view)));
  calque_gui_save_screenshot (f->window, "57-audio-view-truncated");

  /* Not a sound file at all. */
  g_assert_true (g_file_set_contents (path, "RIFF\x10\0\0\0WAVEnot really", 24, NULL));
  calque_audio_view_set_item (f->view, f->annotations, path, NULL, f->colors);
  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  g_assert_nonnull (calque_audio_view_get_problem (f->view));

  /* Not on this computer. */
  calque_audio_view_set_item (f->view, f->annotations, NULL, NULL, f->colors);
  g_assert_nonnull (calque_audio_view_get_problem (f->view));
  g_assert_null (calque_audio_view_get_player (f->view));
  calque_gui_save_screenshot (f->window, "58-audio-view-not-here");

  calque_audio_view_set_item (f->view, f->annotations, f->audio_path, NULL, f->colors);
  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  g_assert_null (calque_audio_view_get_problem (f->view));

  /* Closed: nothing left. */
  calque_audio_view_set_item (f->view, NULL, NULL, NULL, NULL);
  g_assert_null (calque_audio_view_get_player (f->view));
}

/* --- the still picture kept as a texture ------------------------------------------------ */

/* The view as the window's renderer draws it, at device pixels. */
typedef struct {
  int     width, height, scale;
  guchar *data;    /* GDK_MEMORY_DEFAULT: B, G, R, A premultiplied */
  gsize   stride;
} Picture;

static void
picture_clear (Picture *picture)
{
  g_clear_pointer (&picture->data, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Picture, picture_clear)

static void
render_view (Fixture *f,
             Picture *out)
{
  GtkWidget *widget = GTK_WIDGET (f->view);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  /* A frame, so that the widget's node is the latest. */
  calque_gui_spin (150);
  out->width = gtk_widget_get_width (widget);
  out->height = gtk_widget_get_height (widget);
  out->scale = gtk_widget_get_scale_factor (widget);
  gtk_snapshot_scale (snapshot, out->scale, out->scale);
  gdk_paintable_snapshot (paintable, snapshot, out->width, out->height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, out->width * out->scale,
                                                              out->height * out->scale));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, out->width * out->scale);
  out->stride = gdk_texture_get_width (texture) * 4;
  out->data = g_malloc (out->stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, out->data, out->stride);
}

/* 0xRRGGBB at view point (@x, @y), over the window's opaque ground. */
static guint32
pixel_at (const Picture *picture,
          double         x,
          double         y)
{
  const guchar *p = picture->data + (gsize) (y * picture->scale) * picture->stride
                    + (gsize) (x * picture->scale) * 4;

  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

/* The pixels that differ by more than @tolerance in any channel. */
static guint
count_differences (const Picture *a,
                   const Picture *b,
                   int            tolerance)
{
  guint n = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height * a->scale; y++)
    for (int x = 0; x < a->width * a->scale; x++)
      {
        const guchar *pa = a->data + y * a->stride + x * 4;
        const guchar *pb = b->data + y * b->stride + x * 4;

        for (int c = 0; c < 4; c++)
          if (ABS ((int) pa[c] - (int) pb[c]) > tolerance)
            {
              n++;
              break;
            }
      }
  return n;
}

static void
test_static_cache (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CalqueShape) segment = calque_shape_new_segment (0.5, 1.0);
  g_auto(Picture) at_one = { 0 };
  g_auto(Picture) at_two = { 0 };
  g_auto(Picture) with_segment = { 0 };
  g_auto(Picture) uncached = { 0 };
  g_auto(Picture) dark = { 0 };
  g_autofree char *id = NULL;
  double strip_y = CALQUE_AUDIO_VIEW_RULER_HEIGHT + 3;
  double wave_x, wave_y;
  graphene_rect_t area;
  guint draws;

  g_assert_true (calque_gui_wait_for (view_loaded, f->view));
  calque_gui_spin (100);

  /* The cursor moving, as while playing: the picture is not drawn again,
   * yet the cursor shows where it went. */
  _calque_audio_view_seek (f->view, 1.0);
  render_view (f, &at_one);
  /* (The first still frame may make the texture.) */
  _calque_audio_view_seek (f->view, 1.1);
  calque_gui_spin (50);
  draws = _calque_audio_view_get_n_static_draws (f->view);
  for (int i = 2; i <= 10; i++)
    {
      _calque_audio_view_seek (f->view, 1.0 + i * 0.1);
      calque_gui_spin (20);
    }
  render_view (f, &at_two);
  g_assert_cmpuint (_calque_audio_view_get_n_static_draws (f->view), ==, draws);
  g_assert_cmphex (pixel_at (&at_one, calque_audio_view_time_to_x (f->view, 1.0), 2), ==, 0x1c71d8);
  g_assert_cmphex (pixel_at (&at_two, calque_audio_view_time_to_x (f->view, 1.0), 2), !=, 0x1c71d8);
  g_assert_cmphex (pixel_at (&at_two, calque_audio_view_time_to_x (f->view, 2.0), 2), ==, 0x1c71d8);

  /* A segment added through the model shows at once, in its label's colour. */
  g_assert_cmphex (pixel_at (&at_two, calque_audio_view_time_to_x (f->view, 0.75), strip_y), !=, 0x3584e4);
  id = calque_item_annotations_add (f->annotations, segment, (const char *[]) { f->speech, NULL }, NULL);
  g_assert_nonnull (id);
  render_view (f, &with_segment);
  g_assert_cmpuint (_calque_audio_view_get_n_static_draws (f->view), >, draws);
  g_assert_cmphex (pixel_at (&with_segment, calque_audio_view_time_to_x (f->view, 0.75), strip_y), ==, 0x3584e4);

  /* Selected: its outline and handles. Zoomed: another picture. */
  draws = _calque_audio_view_get_n_static_draws (f->view);
  calque_audio_view_select (f->view, id);
  calque_gui_spin (100);
  g_assert_cmpuint (_calque_audio_view_get_n_static_draws (f->view), >, draws);
  draws = _calque_audio_view_get_n_static_draws (f->view);
  calque_audio_view_zoom_by (f->view, 2, 0);
  calque_gui_spin (100);
  g_assert_cmpuint (_calque_audio_view_get_n_static_draws (f->view), >, draws);
  calque_audio_view_zoom_fit (f->view);
  calque_audio_view_select (f->view, NULL);

  /* The same picture as drawing everything each frame, the cursor and
   * the keyboard's focus ring included. */
  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  gtk_window_set_focus_visible (f->window, TRUE);
  picture_clear (&with_segment);
  render_view (f, &with_segment);
  _calque_audio_view_set_static_cache (f->view, FALSE);
  render_view (f, &uncached);
  _calque_audio_view_set_static_cache (f->view, TRUE);
  g_test_message ("cached vs drawn each frame: %u pixels differ, %u by more than 2",
                  count_differences (&with_segment, &uncached, 0), count_differences (&with_segment, &uncached, 2));
  g_assert_cmphex (pixel_at (&with_segment, 0, 0), !=, 0);
  g_assert_cmpuint (count_differences (&with_segment, &uncached, 2), ==, 0);

  /* Dark: the waveform turns light, where the tone is loudest. */
  _calque_audio_view_wave_area (f->view, &area);
  wave_x = calque_audio_view_time_to_x (f->view, 2.5);
  wave_y = area.origin.y + area.size.height / 2 - 2;
  draws = _calque_audio_view_get_n_static_draws (f->view);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  render_view (f, &dark);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_assert_cmpuint (_calque_audio_view_get_n_static_draws (f->view), >, draws);
  g_test_message ("waveform: %06x light, %06x dark", pixel_at (&with_segment, wave_x, wave_y),
                  pixel_at (&dark, wave_x, wave_y));
  g_assert_cmpuint (pixel_at (&with_segment, wave_x, wave_y) & 0xff, <, 0x60);
  g_assert_cmpuint (pixel_at (&dark, wave_x, wave_y) & 0xff, >, 0x90);
}

static void
test_no_display (void)
{
  g_test_skip ("no display to open windows on (run under xvfb-run)");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (g_getenv ("GTK_A11Y") == NULL || g_getenv ("GTK_A11Y")[0] == '\0')
    g_setenv ("GTK_A11Y", "none", TRUE);
  /* xdotool drives the X server: this test needs X, not Wayland. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/audio-view/no-display", test_no_display);
      return g_test_run ();
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add ("/gui/audio-view/segments", Fixture, NULL, fixture_set_up, test_segments, fixture_tear_down);
  g_test_add ("/gui/audio-view/playback", Fixture, NULL, fixture_set_up, test_playback, fixture_tear_down);
  g_test_add ("/gui/audio-view/zoom", Fixture, NULL, fixture_set_up, test_zoom, fixture_tear_down);
  g_test_add ("/gui/audio-view/static-cache", Fixture, NULL, fixture_set_up, test_static_cache, fixture_tear_down);
  g_test_add ("/gui/audio-view/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);

  return g_test_run ();
}
