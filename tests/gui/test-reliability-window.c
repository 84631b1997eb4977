/* test-reliability-window.c — active time saved from the real window, and the Annotator Reliability window
 *
 * - active-time: this person opens an item of their task in the main
 *   window, moves the pointer over it through the X server (xdotool) for
 *   about two seconds, starts and submits the task: the task in the store
 *   then carries that active time, and no undo step was made for it.
 * - figures: two annotators (one name that would be bold if taken for
 *   markup) with tasks, active times and a reviewer's decisions; the
 *   window opened through win.show-reliability shows, cell by cell, the
 *   figures that client/quality/calque-reliability.h computes on the same
 *   store, some of them also checked as literal text.
 */
#define G_LOG_DOMAIN "test-reliability-window"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "calque-application.h"
#include "calque-canvas.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-history.h"
#include "calque-item-page.h"
#include "calque-reliability.h"
#include "calque-reliability-window.h"
#include "calque-review.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"

#define IMAGE_SIZE 200
#define BOLD_NAME  "zoé <b>bold</b>"
#define MINUTE     (60 * G_GINT64_CONSTANT (1000))

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *cat;
  CalqueWindow    *window;
} Fixture;

static char *
save_item (Fixture    *f,
           const char *name,
           guint32     pixel)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_SIZE, IMAGE_SIZE);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  gboolean added = FALSE;
  char sha256[65];

  gdk_pixbuf_fill (pixbuf, pixel);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "width", IMAGE_SIZE);
  calque_record_set_int (item, "height", IMAGE_SIZE);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

/* @active_ms < 0: none. */
static char *
save_task (Fixture    *f,
           const char *item,
           const char *annotator,
           const char *state,
           gint64      active_ms)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  if (active_ms >= 0)
    calque_record_set_int (task, "active_ms", active_ms);
  g_assert_true (calque_store_save (f->store, task, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (task));
}

static void
save_box (Fixture    *f,
          const char *item,
          const char *author,
          double      x)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, 10, 20, 20);
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), f->cat);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  g_assert_true (calque_store_save (f->store, annotation, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->workspace = calque_test_workspace_new ("calque-reliability-window", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Birds <i>2025</i>");
  calque_record_set_string (f->project, "type", "image");
  calque_record_set_int (f->project, "overlap", 2);
  g_assert_true (calque_store_save (f->store, f->project, &error));
  g_assert_no_error (error);
  f->cat = calque_test_save_label (f->store, calque_record_get_id (f->project), "cat", "#e01b24", -1);

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
  g_clear_object (&f->project);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cat);
}

/* --- active time ------------------------------------------------------------------- */

static gboolean
canvas_loaded (gpointer data)
{
  return calque_canvas_is_loaded (data);
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

static void
test_active_time (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *item = save_item (f, "a.png", 0x99c1f1ff);
  g_autofree char *task_id = save_task (f, item, g_get_user_name (), "new", -1);
  g_autofree char *other = save_item (f, "b.png", 0xf6d32dff);
  GtkColumnView *items;
  CalqueItemPage *page;
  CalqueCanvas *canvas;
  g_autoptr(CalqueRecord) task = NULL;
  gint64 start, elapsed, active;

  g_free (save_task (f, other, g_get_user_name (), "new", -1));
  calque_window_set_workspace (f->window, f->workspace);
  items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW, "item_view"));
  calque_gui_spin (100);

  /* Open a.png, as Enter on its row does. */
  g_signal_emit_by_name (items, "activate", 0);
  page = calque_gui_item_page (f->window);
  canvas = calque_item_page_get_canvas (page);
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (page)), ==, item);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas));
  /* Time counts only in the focused window. */
  g_assert_true (calque_gui_wait_for (window_active, f->window));

  /* Work: the pointer moves over the image for about two seconds. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10; i++)
    {
      calque_gui_pointer_to (GTK_WIDGET (canvas), 100 + 20 * i, 100 + 10 * i);
      calque_gui_spin (200);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "item.start-task", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "item.submit-task", NULL));
  elapsed = (g_get_monotonic_time () - start) / 1000;

  task = calque_store_get (f->store, task_id, NULL);
  g_assert_cmpstr (calque_record_get_string (task, "state"), ==, "submitted");
  g_assert_true (calque_record_has_field (task, "active_ms"));
  active = calque_record_get_int (task, "active_ms", -1);
  g_test_message ("active %" G_GINT64_FORMAT " ms of %" G_GINT64_FORMAT " ms", active, elapsed);
  /* From the first motion (within the first spin) to the submission. */
  g_assert_cmpint (active, >=, 1500);
  g_assert_cmpint (active, <=, elapsed + 500);
  /* A save of its own, not an edit to undo. */
  g_assert_false (calque_history_can_undo (calque_item_page_get_history (page)));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "70-active-time");

  /* Submitted: looking at it more adds nothing, even when the item is
   * switched (which saves what was counted). */
  for (guint i = 0; i < 5; i++)
    {
      calque_gui_pointer_to (GTK_WIDGET (canvas), 50 + 20 * i, 60);
      calque_gui_spin (100);
    }
  g_signal_emit_by_name (items, "activate", 1);
  g_clear_object (&task);
  task = calque_store_get (f->store, task_id, NULL);
  g_assert_cmpint (calque_record_get_int (task, "active_ms", -1), ==, active);
}

/* --- the window ----------------------------------------------------------------- */

static CalqueReliabilityWindow *
find_reliability_window (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueReliabilityWindow *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_RELIABILITY_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
reliability_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && !calque_reliability_window_get_busy (data);
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *a = save_item (f, "a.png", 0x99c1f1ff);
  g_autofree char *b = save_item (f, "b.png", 0xf6d32dff);
  g_autofree char *c = save_item (f, "c.png", 0x8ff0a4ff);
  g_autoptr(CalqueReliability) reliability = NULL;
  g_autoptr(GError) error = NULL;
  const CalqueReliabilityAnnotator *expected;
  CalqueReliabilityWindow *window;
  guint n;

  /* amelie: a (accepted, 2 min), b (submitted, 4 min), c (rejected, 3 min);
   * BOLD_NAME: a (submitted, 1 min, the same box as amelie's). */
  g_free (save_task (f, a, "amelie", "submitted", 2 * MINUTE));
  g_free (save_task (f, b, "amelie", "submitted", 4 * MINUTE));
  g_free (save_task (f, c, "amelie", "submitted", 3 * MINUTE));
  g_free (save_task (f, a, BOLD_NAME, "submitted", 1 * MINUTE));
  save_box (f, a, "amelie", 10);
  save_box (f, a, BOLD_NAME, 10);
  save_box (f, b, "amelie", 50);
  g_assert_true (calque_review_accept (f->store, f->project, a, "amelie", "rita", &error));
  g_assert_no_error (error);
  g_assert_true (calque_review_reject (f->store, f->project, c, "amelie", "rita", "Again, please", &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-reliability", NULL));
  window = find_reliability_window ();
  g_assert_nonnull (window);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (f->window));
  g_assert_true (calque_gui_wait_for (reliability_ready, window));
  calque_gui_spin (100);

  reliability = calque_reliability_new (f->store, f->project, &error);
  g_assert_no_error (error);
  expected = calque_reliability_get_annotators (reliability, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (calque_reliability_window_get_n_rows (window), ==, n);
  for (guint r = 0; r < n; r++)
    for (guint c = 0; c < CALQUE_RELIABILITY_N_COLUMNS; c++)
      {
        g_autofree char *text = calque_reliability_window_format_cell (&expected[r], c);

        g_assert_cmpstr (calque_reliability_window_get_cell (window, r, c), ==, text);
      }

  /* What a person reads, worked out by hand: amelie handed in 3, one
   * accepted, one rejection (50 %), 9 min in all, 3 items in 0.15 h = 20
   * per hour, median 3 min, mean 3 min; BOLD_NAME agrees with the final
   * version (amelie's) exactly. */
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_NAME), ==, "amelie");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_SUBMITTED), ==, "3");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_REJECTION_RATE), ==, "50 %");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_ACTIVE_TIME), ==, "0:09:00");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_ITEMS_PER_HOUR), ==, "20.0");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 0, CALQUE_RELIABILITY_COLUMN_MEDIAN_TIME), ==, "0:03:00");
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 1, CALQUE_RELIABILITY_COLUMN_F1_VS_FINAL), ==, "1.000 (1)");
  /* Names are plain text: the markup shows as typed. */
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (window), BOLD_NAME));
  calque_gui_save_screenshot (GTK_WINDOW (window), "71-reliability");

  /* A teammate's time arrives; Refresh computes again. */
  g_free (save_task (f, b, BOLD_NAME, "submitted", 5 * MINUTE));
  calque_reliability_window_refresh (window);
  g_assert_true (calque_gui_wait_for (reliability_ready, window));
  g_assert_cmpstr (calque_reliability_window_get_cell (window, 1, CALQUE_RELIABILITY_COLUMN_ACTIVE_TIME), ==, "0:06:00");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* xdotool drives the X server: X, not Wayland. */
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/reliability-window/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/reliability-window/active-time", Fixture, NULL, fixture_set_up, test_active_time, fixture_tear_down);
  g_test_add ("/gui/reliability-window/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
