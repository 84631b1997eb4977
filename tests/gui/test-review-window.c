/* test-review-window.c — the Review window over a real workspace
 *
 * Two images with real PNGs in the blob cache, all tasks submitted:
 *  - a.png: alice, bruno and chloe. alice's and bruno's cats agree (IoU
 *    0.905); at (100, 30) alice boxes a dog where bruno boxes a cat (labels
 *    differ); chloe boxes a dog at (130, 130) that nobody else saw.
 *  - b.png: alice and bruno box the same cat exactly.
 * The reviewer is rita (the workspace's user). The window is opened
 * through the main window's action; what it shows is read off its panes,
 * their canvases' layers and viewports; what it decides, off the store.
 *
 * A text project (two annotators' spans, one labelled differently) and an
 * audio project (a real WAV; three annotators, one segment found by one of
 * them) check the stacked panes: they scroll and zoom together, and the
 * spans and segments to look at are highlighted like the shapes.
 */
#define G_LOG_DOMAIN "test-review-window"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "calque-application.h"
#include "calque-audio-view.h"
#include "calque-canvas.h"
#include "calque-gui-test-util.h"
#include "calque-item-page.h"
#include "calque-review-window.h"
#include "calque-review.h"
#include "calque-store-sync.h"
#include "calque-text-view.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_SIZE  200
#define SAMPLE_RATE 8000
#define DURATION    4.0

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  char            *project;
  char            *cat;
  char            *dog;
  char            *items[2];
  CalqueWindow    *window;
  guint            n_decided;
} Fixture;

/* A real PNG in the blob cache, so that the canvases show it. */
static char *
save_item (Fixture    *f,
           const char *name,
           guint32     pixel)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_SIZE, IMAGE_SIZE);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean added = FALSE;
  char sha256[65];

  gdk_pixbuf_fill (pixbuf, pixel);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "size", (gint64) length);
  calque_record_set_int (item, "width", IMAGE_SIZE);
  calque_record_set_int (item, "height", IMAGE_SIZE);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static void
save_task (Fixture    *f,
           const char *item,
           const char *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "submitted");
  calque_record_set_int (task, "updated", g_get_real_time () / 1000 - 1000);
  g_assert_true (calque_store_save (f->store, task, NULL));
}

static char *
save_shape (Fixture     *f,
            const char  *item,
            const char  *author,
            const char  *label,
            CalqueShape *shape)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, shape);
  g_assert_true (calque_store_save (f->store, annotation, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (annotation));
}

static char *
save_box (Fixture    *f,
          const char *item,
          const char *author,
          const char *label,
          double      x,
          double      y)
{
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, y, 40, 40);

  return save_shape (f, item, author, label, box);
}

static char *
save_span (Fixture    *f,
           const char *item,
           const char *author,
           const char *label,
           gint64      start,
           gint64      end)
{
  g_autoptr(CalqueShape) span = calque_shape_new_span (start, end);

  return save_shape (f, item, author, label, span);
}

static char *
save_segment (Fixture    *f,
              const char *item,
              const char *author,
              const char *label,
              double      start,
              double      end)
{
  g_autoptr(CalqueShape) segment = calque_shape_new_segment (start, end);

  return save_shape (f, item, author, label, segment);
}

/* A tone swelling twice a second, as the audio item test writes. */
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
                 const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GError) error = NULL;
  char sha256[65];
  gboolean added;

  write_wav (path);
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);
  calque_record_set_string (item, "media", "audio");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "audio/wav");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_double (item, "duration", DURATION);
  calque_record_set_int (item, "sample_rate", SAMPLE_RATE);
  calque_record_set_int (item, "channels", 1);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

typedef struct {
  char *alice_cat, *bruno_cat, *alice_dog, *bruno_cat2, *chloe_dog;
} Ids;

static void
ids_clear (Ids *ids)
{
  g_free (ids->alice_cat);
  g_free (ids->bruno_cat);
  g_free (ids->alice_dog);
  g_free (ids->bruno_cat2);
  g_free (ids->chloe_dog);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ids, ids_clear)

static void
add_work (Fixture *f,
          Ids     *ids)
{
  const char *everyone[] = { "alice", "bruno", "chloe" };

  for (guint i = 0; i < 3; i++)
    save_task (f, f->items[0], everyone[i]);
  ids->alice_cat = save_box (f, f->items[0], "alice", f->cat, 10, 10);
  ids->bruno_cat = save_box (f, f->items[0], "bruno", f->cat, 12, 10);
  ids->alice_dog = save_box (f, f->items[0], "alice", f->dog, 100, 30);
  ids->bruno_cat2 = save_box (f, f->items[0], "bruno", f->cat, 100, 30);
  ids->chloe_dog = save_box (f, f->items[0], "chloe", f->dog, 130, 130);

  save_task (f, f->items[1], "alice");
  save_task (f, f->items[1], "bruno");
  g_free (save_box (f, f->items[1], "alice", f->cat, 50, 50));
  g_free (save_box (f, f->items[1], "bruno", f->cat, 50, 50));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  f->workspace = calque_test_workspace_new ("calque-review-window", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  g_assert_true (calque_store_set_setting (f->store, "user", "rita", &error));
  g_assert_no_error (error);

  /* @data: the project's type; images by default. */
  calque_record_set_string (project, "name", "Pets <i>2025</i>");
  calque_record_set_string (project, "type", data != NULL ? data : "image");
  calque_record_set_int (project, "overlap", 3);
  g_assert_true (calque_store_save (f->store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->cat = calque_test_save_label (f->store, f->project, "cat", "#3584e4", -1);
  f->dog = calque_test_save_label (f->store, f->project, "dog", "#2ec27e", -1);
  if (data == NULL)
    {
      f->items[0] = save_item (f, "a.png", 0x5e5c64ff);
      f->items[1] = save_item (f, "b.png", 0x865e3cff);
    }

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
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
  g_free (f->cat);
  g_free (f->dog);
  g_free (f->items[0]);
  g_free (f->items[1]);
}

/* --- looking at the window ------------------------------------------------------------ */

static CalqueReviewWindow *
find_review_window (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueReviewWindow *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_REVIEW_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
review_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && !calque_review_window_get_busy (data);
}

static void
decided_cb (CalqueReviewWindow *review,
            Fixture            *f)
{
  f->n_decided++;
}

static CalqueReviewWindow *
open_review_window (Fixture *f)
{
  CalqueReviewWindow *review;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.review", NULL));
  review = find_review_window ();
  g_assert_nonnull (review);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (review)) == GTK_WINDOW (f->window));
  gtk_window_set_default_size (GTK_WINDOW (review), 1200, 720);
  g_assert_true (calque_gui_wait_for (review_ready, review));
  g_signal_connect (review, "decided", G_CALLBACK (decided_cb), f);
  return review;
}

static gboolean
canvases_loaded (gpointer data)
{
  CalqueReviewWindow *review = data;

  for (guint i = 0; i < calque_review_window_get_n_panes (review); i++)
    if (!calque_canvas_is_loaded (CALQUE_CANVAS (calque_review_window_get_pane_view (review, i)))
        || gtk_widget_get_width (calque_review_window_get_pane_view (review, i)) < 50)
      return FALSE;
  return calque_review_window_get_n_panes (review) > 0;
}

static CalqueShapeLayer *
pane_layer (CalqueReviewWindow *review,
            guint               pane)
{
  return calque_canvas_get_layer (CALQUE_CANVAS (calque_review_window_get_pane_view (review, pane)));
}

static const CalqueViewport *
pane_viewport (CalqueReviewWindow *review,
               guint               pane)
{
  return calque_canvas_get_viewport (CALQUE_CANVAS (calque_review_window_get_pane_view (review, pane)));
}

static GPtrArray *
list_for_item (Fixture     *f,
               CalqueKind   kind,
               const char  *item)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = calque_store_list_for_item (f->store, kind, item, &error);

  g_assert_no_error (error);
  return records;
}

static const char *
task_state (Fixture    *f,
            const char *item,
            const char *annotator)
{
  g_autoptr(GPtrArray) tasks = list_for_item (f, CALQUE_KIND_TASK, item);

  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), annotator) == 0)
      return g_intern_string (calque_record_get_string (tasks->pdata[i], "state"));
  return NULL;
}

static gboolean
showing_item (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (calque_review_window_get_item_id (args[0]), args[1]) == 0 && canvases_loaded (args[0]);
}

static void
wait_showing (CalqueReviewWindow *review,
              const char         *item_id)
{
  gpointer args[2] = { review, (gpointer) item_id };

  g_assert_true (calque_gui_wait_for (review_ready, review));
  g_assert_true (calque_gui_wait_for (showing_item, args));
}

/* --- the tests ---------------------------------------------------------------------------- */

/* The queue, lowest agreement first; the panes; highlights; synced zoom. */
static void
test_compare (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_auto(GStrv) queue = NULL;
  g_autoptr(GError) error = NULL;
  CalqueReviewWindow *review;
  GtkSpinButton *vote;
  double fitted_scale;

  add_work (f, &ids);
  review = open_review_window (f);

  /* The window's order is the agreement's, lowest first: a.png then b.png. */
  project = calque_store_get (f->store, f->project, &error);
  expected = calque_review_queue (f->store, project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 2);
  g_assert_cmpfloat (((CalqueReviewQueueEntry *) expected->pdata[0])->agreement, <,
                     ((CalqueReviewQueueEntry *) expected->pdata[1])->agreement);
  queue = calque_review_window_dup_queue (review);
  g_assert_cmpuint (g_strv_length (queue), ==, 2);
  g_assert_cmpstr (queue[0], ==, f->items[0]);
  g_assert_cmpstr (queue[1], ==, f->items[1]);
  g_assert_cmpstr (queue[0], ==, ((CalqueReviewQueueEntry *) expected->pdata[0])->item_id);
  /* Both rows, with their figures and who waits. */
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "b.png"));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "1.000"));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "alice, bruno, chloe"));

  /* The lowest is shown first: one pane per annotator, by name. */
  wait_showing (review, f->items[0]);
  g_assert_cmpuint (calque_review_window_get_n_panes (review), ==, 3);
  g_assert_cmpstr (calque_review_window_get_pane_annotator (review, 0), ==, "alice");
  g_assert_cmpstr (calque_review_window_get_pane_annotator (review, 1), ==, "bruno");
  g_assert_cmpstr (calque_review_window_get_pane_annotator (review, 2), ==, "chloe");
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "Accept chloe’s Version"));

  /* Each pane shows its annotator's shapes only. */
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (pane_layer (review, 0)), ==, 2);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (pane_layer (review, 1)), ==, 2);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (pane_layer (review, 2)), ==, 1);
  g_assert_nonnull (calque_shape_layer_get_shape (pane_layer (review, 0), ids.alice_dog));
  g_assert_null (calque_shape_layer_get_shape (pane_layer (review, 0), ids.bruno_cat));
  g_assert_nonnull (calque_shape_layer_get_shape (pane_layer (review, 2), ids.chloe_dog));

  /* Highlights: chloe's lone dog is not matched; the box called a dog by
   * alice and a cat by bruno has labels that differ; the agreed cats none. */
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 2), ids.chloe_dog), ==,
                   CALQUE_REVIEW_UNMATCHED_RGBA);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 0), ids.alice_dog), ==,
                   CALQUE_REVIEW_DISAGREES_RGBA);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 1), ids.bruno_cat2), ==,
                   CALQUE_REVIEW_DISAGREES_RGBA);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 0), ids.alice_cat), ==, 0);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 1), ids.bruno_cat), ==, 0);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "1 annotation · 1 not matched"));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "2 annotations · 1 label differs"));
  calque_gui_spin (200);
  calque_gui_save_screenshot (GTK_WINDOW (review), "70-review");

  /* Zoom in one pane: the others show the same part of the image. */
  fitted_scale = pane_viewport (review, 0)->scale;
  g_assert_cmpfloat (fabs (pane_viewport (review, 1)->scale - fitted_scale), <, 1e-9);
  calque_canvas_zoom_by (CALQUE_CANVAS (calque_review_window_get_pane_view (review, 1)), 2.0, 40, 40);
  g_assert_cmpfloat (fabs (pane_viewport (review, 1)->scale - 2 * fitted_scale), <, 1e-9);
  for (guint i = 0; i < 3; i += 2)
    {
      const CalqueViewport *vp = pane_viewport (review, i);

      g_assert_cmpfloat (fabs (vp->scale - pane_viewport (review, 1)->scale), <, 1e-9);
      g_assert_cmpfloat (fabs (vp->offset_x - pane_viewport (review, 1)->offset_x), <, 1e-9);
      g_assert_cmpfloat (fabs (vp->offset_y - pane_viewport (review, 1)->offset_y), <, 1e-9);
    }
  /* And back to fitting, everywhere: each pane fits its own size, which
   * may differ from the others' by a pixel. */
  calque_canvas_zoom_fit (CALQUE_CANVAS (calque_review_window_get_pane_view (review, 2)));
  g_assert_true (calque_canvas_get_fitted (CALQUE_CANVAS (calque_review_window_get_pane_view (review, 0))));
  g_assert_true (calque_canvas_get_fitted (CALQUE_CANVAS (calque_review_window_get_pane_view (review, 1))));
  g_assert_cmpfloat (fabs (pane_viewport (review, 0)->scale - fitted_scale), <, 0.02 * fitted_scale);

  /* At vote 1, what not all three found is not matched: every shape. */
  vote = GTK_SPIN_BUTTON (calque_gui_find_widget (GTK_WIDGET (review), GTK_TYPE_SPIN_BUTTON));
  g_assert_nonnull (vote);
  gtk_spin_button_set_value (vote, 1.0);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 0), ids.alice_cat), ==,
                   CALQUE_REVIEW_UNMATCHED_RGBA);
  gtk_spin_button_set_value (vote, 0.5);
  g_assert_cmphex (calque_shape_layer_get_highlight (pane_layer (review, 0), ids.alice_cat), ==, 0);

  /* b.png: both agree; nothing highlighted. */
  g_assert_true (calque_review_window_select_item (review, f->items[1]));
  wait_showing (review, f->items[1]);
  g_assert_cmpuint (calque_review_window_get_n_panes (review), ==, 2);
  for (guint p = 0; p < 2; p++)
    g_assert_cmpuint (calque_shape_layer_get_n_shapes (pane_layer (review, p)), ==, 1);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "1 annotation"));
  g_assert_cmpuint (f->n_decided, ==, 0);
}

/* Merge: rita's annotations become the consensus; tasks accepted; the
 * queue moves on to b.png. */
static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_auto(GStrv) queue = NULL;
  CalqueReviewWindow *review;
  guint n_rita = 0;

  add_work (f, &ids);
  review = open_review_window (f);
  wait_showing (review, f->items[0]);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.merge", NULL));
  g_assert_cmpuint (f->n_decided, ==, 1);

  /* Two kept clusters (the cats; the dog/cat box, found by two of three);
   * chloe's lone dog is dropped. */
  annotations = list_for_item (f, CALQUE_KIND_ANNOTATION, f->items[0]);
  for (guint i = 0; i < annotations->len; i++)
    if (g_strcmp0 (calque_record_get_string (annotations->pdata[i], "author"), "rita") == 0)
      {
        g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotations->pdata[i], NULL);

        n_rita++;
        g_assert_true (shape->kind == CALQUE_SHAPE_BOX);
        g_assert_true (shape->x < 20 || fabs (shape->x - 100) < 1e-9);
      }
  g_assert_cmpuint (n_rita, ==, 2);
  reviews = list_for_item (f, CALQUE_KIND_REVIEW, f->items[0]);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "decision"), ==, "merged");
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "reviewer"), ==, "rita");
  g_assert_cmpstr (task_state (f, f->items[0], "alice"), ==, "accepted");
  g_assert_cmpstr (task_state (f, f->items[0], "chloe"), ==, "accepted");

  /* The queue is read again: b.png only, shown. */
  wait_showing (review, f->items[1]);
  queue = calque_review_window_dup_queue (review);
  g_assert_cmpuint (g_strv_length (queue), ==, 1);
  g_assert_cmpstr (queue[0], ==, f->items[1]);
  calque_gui_spin (100);
  calque_gui_save_screenshot (GTK_WINDOW (review), "71-review-merged");
}

static AdwMessageDialog *
find_reject_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* Reject with a comment, then accept the other version. */
static void
test_accept_reject (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  const char *comment = "The cat's <b>tail</b> is outside the box.";
  CalqueReviewWindow *review;
  AdwMessageDialog *dialog;
  GtkTextView *text;
  GtkDropDown *who;

  add_work (f, &ids);
  review = open_review_window (f);
  g_assert_true (calque_review_window_select_item (review, f->items[1]));
  wait_showing (review, f->items[1]);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.reject", NULL));
  dialog = find_reject_dialog ();
  g_assert_nonnull (dialog);
  /* No comment, no rejection. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "reject"));
  who = GTK_DROP_DOWN (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (who)), ==, 2);
  gtk_drop_down_set_selected (who, 0);   /* alice */
  text = GTK_TEXT_VIEW (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (text), comment, -1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "reject"));
  calque_gui_spin (200);
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "72-review-reject");
  adw_message_dialog_response (dialog, "reject");
  g_assert_cmpuint (f->n_decided, ==, 1);

  g_assert_cmpstr (task_state (f, f->items[1], "alice"), ==, "rejected");
  g_assert_cmpstr (task_state (f, f->items[1], "bruno"), ==, "submitted");
  reviews = list_for_item (f, CALQUE_KIND_REVIEW, f->items[1]);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "decision"), ==, "rejected");
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "comment"), ==, comment);
  comments = list_for_item (f, CALQUE_KIND_COMMENT, f->items[1]);
  g_assert_cmpuint (comments->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "text"), ==, comment);
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "author"), ==, "rita");

  /* A review since the submission takes b.png out of the queue: a.png
   * shows. Bruno's version waits still; back to b.png is not possible from
   * the queue, so accept a.png's bruno instead. */
  wait_showing (review, f->items[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.accept", "s", "bruno"));
  g_assert_cmpuint (f->n_decided, ==, 2);
  g_assert_cmpstr (task_state (f, f->items[0], "bruno"), ==, "accepted");
  g_assert_cmpstr (task_state (f, f->items[0], "alice"), ==, "submitted");
  g_clear_pointer (&reviews, g_ptr_array_unref);
  reviews = list_for_item (f, CALQUE_KIND_REVIEW, f->items[0]);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "decision"), ==, "accepted");

  /* Nothing waits any more. */
  g_assert_true (calque_gui_wait_for (review_ready, review));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (review), "Nothing to Review"));
  g_assert_null (calque_review_window_get_item_id (review));
  calque_gui_save_screenshot (GTK_WINDOW (review), "73-review-empty");
}

typedef struct {
  Fixture    *f;
  const char *name;
} OpenQuery;

static gboolean
item_open (gpointer data)
{
  OpenQuery *query = data;
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (query->f->window), CALQUE_TYPE_WINDOW,
                                                              "content_stack"));
  CalqueRecord *item = calque_item_page_get_item (calque_gui_item_page (query->f->window));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "item") == 0 && item != NULL
         && g_strcmp0 (calque_record_get_string (item, "name"), query->name) == 0;
}

/* Open in Editor: the item opens in the main window. */
static void
test_open (Fixture       *f,
           gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  CalqueReviewWindow *review;
  OpenQuery query = { f, "a.png" };

  add_work (f, &ids);
  review = open_review_window (f);
  wait_showing (review, f->items[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.open", NULL));
  g_assert_true (calque_gui_wait_for (item_open, &query));
}

/* --- texts and recordings ------------------------------------------------------------ */

/* The panes' views are laid out and, for recordings, their waveforms read. */
static gboolean
stacked_ready (gpointer data)
{
  gpointer *args = data;
  CalqueReviewWindow *review = args[0];
  guint n = calque_review_window_get_n_panes (review);

  if (g_strcmp0 (calque_review_window_get_item_id (review), args[1]) != 0 || n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *view = calque_review_window_get_pane_view (review, i);

      if (gtk_widget_get_width (view) < 50 || gtk_widget_get_height (view) < 50)
        return FALSE;
      if (CALQUE_IS_AUDIO_VIEW (view) && !calque_audio_view_is_loaded (CALQUE_AUDIO_VIEW (view)))
        return FALSE;
    }
  return TRUE;
}

static void
wait_stacked (CalqueReviewWindow *review,
              const char         *item_id)
{
  gpointer args[2] = { review, (gpointer) item_id };

  g_assert_true (calque_gui_wait_for (review_ready, review));
  g_assert_true (calque_gui_wait_for (stacked_ready, args));
}

/* Pane @i is right under pane @i - 1, as wide and at the same x. */
static void
assert_stacked (CalqueReviewWindow *review)
{
  graphene_rect_t above, below;

  for (guint i = 1; i < calque_review_window_get_n_panes (review); i++)
    {
      g_assert_true (gtk_widget_compute_bounds (calque_review_window_get_pane_view (review, i - 1),
                                                GTK_WIDGET (review), &above));
      g_assert_true (gtk_widget_compute_bounds (calque_review_window_get_pane_view (review, i),
                                                GTK_WIDGET (review), &below));
      g_assert_cmpfloat (below.origin.y, >=, above.origin.y + above.size.height);
      g_assert_cmpfloat (fabs (below.origin.x - above.origin.x), <, 16);
      g_assert_cmpfloat (fabs (below.size.width - above.size.width), <, 16);
    }
}

/* The offset of the first character on the pane's top line. */
static int
text_top_offset (CalqueReviewWindow *review,
                 guint               pane)
{
  GtkTextView *view = GTK_TEXT_VIEW (calque_review_window_get_pane_view (review, pane));
  GdkRectangle visible;
  GtkTextIter iter;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_line_at_y (view, &iter, visible.y, NULL);
  return gtk_text_iter_get_offset (&iter);
}

#define TEXT_LINE "Alice met Bruno in Paris. They walked along the Seine for hours, talking about the books " \
                  "they had read that winter and the ones they meant to read.\n"

/* Two annotators' spans on a long text: alice and bruno agree on "Alice"
 * and "Bruno"; "Paris" is a place to alice and a cat to bruno. */
static void
test_text (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *alice_alice = NULL, *alice_paris = NULL, *bruno_alice = NULL, *bruno_paris = NULL;
  g_autofree char *alice_bruno = NULL, *bruno_bruno = NULL;
  CalqueReviewWindow *review;
  CalqueTextView *views[2];
  GtkAdjustment *adjustments[2];
  int top;

  for (guint i = 0; i < 80; i++)
    g_string_append (text, TEXT_LINE);
  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "walk.txt");
  calque_record_set_string (item, "text", text->str);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  f->items[0] = g_strdup (calque_record_get_id (item));
  save_task (f, f->items[0], "alice");
  save_task (f, f->items[0], "bruno");
  alice_alice = save_span (f, f->items[0], "alice", f->dog, 0, 5);
  alice_bruno = save_span (f, f->items[0], "alice", f->dog, 10, 15);
  alice_paris = save_span (f, f->items[0], "alice", f->dog, 19, 24);
  bruno_alice = save_span (f, f->items[0], "bruno", f->dog, 0, 5);
  bruno_bruno = save_span (f, f->items[0], "bruno", f->dog, 10, 15);
  bruno_paris = save_span (f, f->items[0], "bruno", f->cat, 19, 24);

  review = open_review_window (f);
  wait_stacked (review, f->items[0]);
  g_assert_cmpuint (calque_review_window_get_n_panes (review), ==, 2);
  assert_stacked (review);
  for (guint i = 0; i < 2; i++)
    {
      views[i] = CALQUE_TEXT_VIEW (calque_review_window_get_pane_view (review, i));
      g_assert_cmpuint (calque_text_view_get_n_spans (views[i]), ==, 3);
      adjustments[i] = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (views[i]));
    }

  /* "Paris": matched, labels differ, in both panes; the rest agree. */
  g_assert_cmphex (calque_text_view_get_highlight (views[0], alice_paris), ==, CALQUE_REVIEW_DISAGREES_RGBA);
  g_assert_cmphex (calque_text_view_get_highlight (views[1], bruno_paris), ==, CALQUE_REVIEW_DISAGREES_RGBA);
  g_assert_cmphex (calque_text_view_get_highlight (views[0], alice_alice), ==, 0);
  g_assert_cmphex (calque_text_view_get_highlight (views[1], bruno_alice), ==, 0);
  g_assert_cmphex (calque_text_view_get_highlight (views[1], bruno_bruno), ==, 0);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "3 annotations · 1 label differs"));

  calque_gui_spin (300);
  calque_gui_save_screenshot (GTK_WINDOW (review), "74-review-text");

  /* Scroll the lower pane: the upper one shows the same first line. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustments[1]) - gtk_adjustment_get_page_size (adjustments[1]), >,
                     400);
  gtk_adjustment_set_value (adjustments[1], 400);
  top = text_top_offset (review, 1);
  g_assert_cmpint (top, >, 0);
  g_assert_cmpint (text_top_offset (review, 0), ==, top);
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adjustments[0]) - 400), <, 1);
  /* And the other way. */
  gtk_adjustment_set_value (adjustments[0], 0);
  g_assert_cmpint (text_top_offset (review, 1), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustments[1]), <, 1);
}

/* Three annotators' segments on a real recording: the same speech by all;
 * music from 2.5 s found by chloe alone. */
static void
test_audio (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *alice_speech = NULL, *bruno_speech = NULL, *chloe_speech = NULL, *chloe_music = NULL;
  CalqueReviewWindow *review;
  CalqueAudioView *views[3];
  GtkAdjustment *scroll;
  double start, end, start0, end0;

  f->items[0] = save_audio_item (f, "interview.wav");
  save_task (f, f->items[0], "alice");
  save_task (f, f->items[0], "bruno");
  save_task (f, f->items[0], "chloe");
  alice_speech = save_segment (f, f->items[0], "alice", f->cat, 0.5, 1.5);
  bruno_speech = save_segment (f, f->items[0], "bruno", f->cat, 0.55, 1.5);
  chloe_speech = save_segment (f, f->items[0], "chloe", f->cat, 0.5, 1.45);
  chloe_music = save_segment (f, f->items[0], "chloe", f->dog, 2.5, 3.5);

  review = open_review_window (f);
  wait_stacked (review, f->items[0]);
  g_assert_cmpuint (calque_review_window_get_n_panes (review), ==, 3);
  assert_stacked (review);
  for (guint i = 0; i < 3; i++)
    {
      views[i] = CALQUE_AUDIO_VIEW (calque_review_window_get_pane_view (review, i));
      g_assert_null (calque_audio_view_get_problem (views[i]));
      g_assert_true (calque_audio_view_get_fitted (views[i]));
    }

  /* chloe's music: too few annotators; the speech agreed by all. */
  g_assert_cmphex (calque_audio_view_get_highlight (views[2], chloe_music), ==, CALQUE_REVIEW_UNMATCHED_RGBA);
  g_assert_cmphex (calque_audio_view_get_highlight (views[2], chloe_speech), ==, 0);
  g_assert_cmphex (calque_audio_view_get_highlight (views[0], alice_speech), ==, 0);
  g_assert_cmphex (calque_audio_view_get_highlight (views[1], bruno_speech), ==, 0);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "2 annotations · 1 not matched"));
  calque_gui_spin (300);
  calque_gui_save_screenshot (GTK_WINDOW (review), "75-review-audio");

  /* Zoom the middle pane 4×: all three show the same second or so. */
  calque_audio_view_get_visible_range (views[1], &start0, &end0);
  g_assert_cmpfloat (start0, ==, 0);
  calque_audio_view_zoom_by (views[1], 4.0, 0);
  calque_audio_view_get_visible_range (views[1], &start, &end);
  g_assert_cmpfloat (fabs ((end - start) - (end0 - start0) / 4), <, 1e-6);
  g_assert_false (calque_audio_view_get_fitted (views[1]));
  for (guint i = 0; i < 3; i += 2)
    {
      double s, e;

      calque_audio_view_get_visible_range (views[i], &s, &e);
      g_assert_cmpfloat (fabs (s - start), <, 1e-9);
      g_assert_cmpfloat (fabs (e - end), <, 1e-9);
      g_assert_false (calque_audio_view_get_fitted (views[i]));
    }
  calque_gui_spin (200);
  calque_gui_save_screenshot (GTK_WINDOW (review), "76-review-audio-zoomed");

  /* Scroll the top pane by its scrollbar to 2 s: the others follow. */
  scroll = gtk_scrollbar_get_adjustment (GTK_SCROLLBAR (calque_gui_find_widget (GTK_WIDGET (views[0]),
                                                                            GTK_TYPE_SCROLLBAR)));
  gtk_adjustment_set_value (scroll, 2.0);
  calque_audio_view_get_visible_range (views[0], &start, &end);
  g_assert_cmpfloat (fabs (start - 2.0), <, 1e-9);
  for (guint i = 1; i < 3; i++)
    {
      double s, e;

      calque_audio_view_get_visible_range (views[i], &s, &e);
      g_assert_cmpfloat (fabs (s - start), <, 1e-9);
      g_assert_cmpfloat (fabs (e - end), <, 1e-9);
    }
  /* The music segment, scrolled into view, shows where it starts. */
  g_assert_cmpfloat (calque_audio_view_time_to_x (views[2], 2.5), >, 0);

  /* Fit the bottom one: all fit again. */
  calque_audio_view_zoom_fit (views[2]);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (calque_audio_view_get_fitted (views[i]));
      calque_audio_view_get_visible_range (views[i], &start, &end);
      g_assert_cmpfloat (start, ==, 0);
      g_assert_cmpfloat (fabs (end - end0), <, 1e-6);
    }
}

/* The history of a.png: rita merges it; chloe hands it in again; rita
 * sends it back to her with a comment. The history lists both, oldest
 * first, with who, what, when and the comment, as soon as each is made. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  g_auto(GStrv) history = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  const char *comment = "Your dog at (130, 130) is a <i>shadow</i>.\nLook again.";
  CalqueReviewWindow *review;
  AdwMessageDialog *dialog;
  GtkDropDown *who;
  GtkTextView *text;
  GtkExpander *expander;
  gint64 merged_at, rejected_at;
  g_autofree char *merged_line = NULL;
  g_autofree char *rejected_line = NULL;

  add_work (f, &ids);
  review = open_review_window (f);
  wait_showing (review, f->items[0]);
  history = calque_review_window_dup_history (review);
  g_assert_cmpuint (g_strv_length (history), ==, 0);
  g_clear_pointer (&history, g_strfreev);
  expander = GTK_EXPANDER (calque_gui_find_widget (GTK_WIDGET (review), GTK_TYPE_EXPANDER));
  g_assert_nonnull (expander);
  g_assert_cmpstr (gtk_expander_get_label (expander), ==, "History: no review yet");

  /* The merge is in the history at once, before the queue moves on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.merge", NULL));
  history = calque_review_window_dup_history (review);
  g_assert_cmpuint (g_strv_length (history), ==, 1);
  g_assert_true (g_str_has_suffix (history[0], " · rita merged the versions"));
  g_clear_pointer (&history, g_strfreev);

  /* chloe hands her version in again, later: a.png waits again. */
  wait_showing (review, f->items[1]);
  g_usleep (5000);
  tasks = list_for_item (f, CALQUE_KIND_TASK, f->items[0]);
  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), "chloe") == 0)
      {
        calque_record_set_string (tasks->pdata[i], "state", "submitted");
        calque_record_set_int (tasks->pdata[i], "updated", g_get_real_time () / 1000);
        g_assert_true (calque_store_save (f->store, tasks->pdata[i], &error));
        g_assert_no_error (error);
      }
  g_usleep (5000);
  calque_review_window_refresh (review);
  g_assert_true (calque_gui_wait_for (review_ready, review));
  g_assert_true (calque_review_window_select_item (review, f->items[0]));
  wait_showing (review, f->items[0]);
  history = calque_review_window_dup_history (review);
  g_assert_cmpuint (g_strv_length (history), ==, 1);
  g_assert_cmpstr (gtk_expander_get_label (expander), ==, "History (1)");
  g_clear_pointer (&history, g_strfreev);

  /* Send it back to chloe. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.reject", NULL));
  dialog = find_reject_dialog ();
  g_assert_nonnull (dialog);
  who = GTK_DROP_DOWN (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (who)), ==, 1);
  text = GTK_TEXT_VIEW (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (text), comment, -1);
  adw_message_dialog_response (dialog, "reject");
  g_assert_cmpuint (f->n_decided, ==, 2);

  /* The store's two reviews, their times as the history shows them. */
  reviews = list_for_item (f, CALQUE_KIND_REVIEW, f->items[0]);
  g_assert_cmpuint (reviews->len, ==, 2);
  merged_at = rejected_at = 0;
  for (guint i = 0; i < reviews->len; i++)
    {
      const char *decision = calque_record_get_string (reviews->pdata[i], "decision");
      gint64 created = calque_record_get_int (reviews->pdata[i], "created", 0);

      if (g_strcmp0 (decision, "merged") == 0)
        merged_at = created;
      else if (g_strcmp0 (decision, "rejected") == 0)
        rejected_at = created;
    }
  g_assert_cmpint (merged_at, >, 0);
  g_assert_cmpint (rejected_at, >, merged_at);
  {
    g_autoptr(GDateTime) merged = g_date_time_new_from_unix_local (merged_at / 1000);
    g_autoptr(GDateTime) rejected = g_date_time_new_from_unix_local (rejected_at / 1000);
    g_autofree char *merged_when = g_date_time_format (merged, "%Y-%m-%d %H:%M");
    g_autofree char *rejected_when = g_date_time_format (rejected, "%Y-%m-%d %H:%M");

    merged_line = g_strconcat (merged_when, " · rita merged the versions", NULL);
    rejected_line = g_strconcat (rejected_when, " · rita sent it back to chloe · ", comment, NULL);
  }

  /* At once, oldest first: the merge, then the rejection with its comment. */
  history = calque_review_window_dup_history (review);
  g_assert_cmpuint (g_strv_length (history), ==, 2);
  g_assert_cmpstr (history[0], ==, merged_line);
  g_assert_cmpstr (history[1], ==, rejected_line);
  g_assert_cmpstr (gtk_expander_get_label (expander), ==, "History (2)");
  g_clear_pointer (&history, g_strfreev);

  /* a.png waits no more (bruno's and alice's were accepted by the merge):
   * the queue moves on to b.png, with its own, empty, history. */
  wait_showing (review, f->items[1]);
  history = calque_review_window_dup_history (review);
  g_assert_cmpuint (g_strv_length (history), ==, 0);
  g_clear_pointer (&history, g_strfreev);
  g_assert_cmpstr (gtk_expander_get_label (expander), ==, "History: no review yet");
}

/* The history, shown: the comment as plain text, not markup. */
static void
test_history_shown (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Ids) ids = { 0 };
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  const char *comment = "The <b>second</b> cat is a fox.";
  CalqueReviewWindow *review;
  GtkExpander *expander;
  GtkLabel *label;

  add_work (f, &ids);
  /* b.png: alice's version sent back from the command line's side of
   * things, the window opened afterwards. */
  project = calque_store_get (f->store, f->project, &error);
  g_assert_true (calque_review_reject (f->store, project, f->items[1], "alice", "rita", comment, &error));
  g_assert_no_error (error);
  g_usleep (2000);
  g_assert_true (calque_review_accept (f->store, project, f->items[1], "bruno", "rita", &error));
  g_assert_no_error (error);
  /* Back in the queue: alice hands it in again. */
  {
    g_autoptr(GPtrArray) tasks = list_for_item (f, CALQUE_KIND_TASK, f->items[1]);

    g_usleep (2000);
    for (guint i = 0; i < tasks->len; i++)
      if (g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), "alice") == 0)
        {
          calque_record_set_string (tasks->pdata[i], "state", "submitted");
          calque_record_set_int (tasks->pdata[i], "updated", g_get_real_time () / 1000);
          g_assert_true (calque_store_save (f->store, tasks->pdata[i], &error));
        }
  }

  review = open_review_window (f);
  g_assert_true (calque_review_window_select_item (review, f->items[1]));
  wait_showing (review, f->items[1]);
  expander = GTK_EXPANDER (calque_gui_find_widget (GTK_WIDGET (review), GTK_TYPE_EXPANDER));
  g_assert_cmpstr (gtk_expander_get_label (expander), ==, "History (2)");
  gtk_expander_set_expanded (expander, TRUE);
  label = calque_gui_wait_for_label (GTK_WIDGET (review), comment);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "rita sent it back to alice"));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (review), "rita accepted bruno’s version"));
  calque_gui_spin (300);
  calque_gui_save_screenshot (GTK_WINDOW (review), "77-review-history");
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/review-window/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/review-window/compare", Fixture, NULL, fixture_set_up, test_compare, fixture_tear_down);
  g_test_add ("/gui/review-window/merge", Fixture, NULL, fixture_set_up, test_merge, fixture_tear_down);
  g_test_add ("/gui/review-window/accept-reject", Fixture, NULL, fixture_set_up, test_accept_reject,
              fixture_tear_down);
  g_test_add ("/gui/review-window/open", Fixture, NULL, fixture_set_up, test_open, fixture_tear_down);
  g_test_add ("/gui/review-window/text", Fixture, "text", fixture_set_up, test_text, fixture_tear_down);
  g_test_add ("/gui/review-window/audio", Fixture, "audio", fixture_set_up, test_audio, fixture_tear_down);
  g_test_add ("/gui/review-window/history", Fixture, NULL, fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/gui/review-window/history-shown", Fixture, NULL, fixture_set_up, test_history_shown,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
