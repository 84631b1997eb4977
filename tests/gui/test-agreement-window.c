/* test-agreement-window.c — the Annotator Agreement window over a real workspace
 *
 * The scenario of tests/client/test-agreement-report.c, whose figures are
 * worked out by hand there: three annotators box two images, a reviewer
 * accepts bruno's version of a.png. The window is opened through the main
 * window's action, and what it shows is read off its labels: the figures,
 * the figures again at another IoU threshold, after a teammate's new
 * annotation and Refresh, and an item opened in the main window from its
 * row. A project where nobody's work overlaps shows the empty page.
 */
#define G_LOG_DOMAIN "test-agreement-window"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "calque-agreement-window.h"
#include "calque-application.h"
#include "calque-gui-test-util.h"
#include "calque-item-page.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_SIZE 200

/* A label name that would be bold if it were taken for markup. */
#define CAT "cat <b>tabby</b>"

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *cat;
  char            *dog;
  char            *items[2];
  CalqueWindow    *window;
} Fixture;

/* A real PNG in the blob cache, so that the item opens in the canvas. */
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
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static char *
save_task (Fixture    *f,
           const char *item,
           const char *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "submitted");
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), task, NULL));
  return g_strdup (calque_record_get_id (task));
}

static void
save_annotation (Fixture     *f,
                 const char  *item,
                 const char  *author,
                 const char  *label,
                 CalqueShape *shape)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) owned = shape;
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, owned);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), annotation, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  f->workspace = calque_test_workspace_new ("calque-agreement-window", &f->dir);

  calque_record_set_string (project, "name", "Pets <i>2025</i>");
  calque_record_set_string (project, "type", "image");
  calque_record_set_int (project, "overlap", 3);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->cat = calque_test_save_label (calque_workspace_get_store (f->workspace), f->project, CAT, "#e01b24", -1);
  f->dog = calque_test_save_label (calque_workspace_get_store (f->workspace), f->project, "dog", "#3584e4", -1);
  f->items[0] = save_item (f, "a.png", 0x99c1f1ff);
  f->items[1] = save_item (f, "b.png", 0xf6d32dff);

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  calque_gui_present (GTK_WINDOW (f->window));
}

/* The worked example of tests/client/test-agreement-report.c. */
static void
add_annotators_work (Fixture *f)
{
  g_autoptr(CalqueRecord) review = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bruno_task = NULL;

  /* a.png: alice and bruno agree on the cat exactly; bruno's dog is 2 px
   * to the right (IoU 0.667); chloe's cat is twice as tall (IoU 0.5). */
  g_free (save_task (f, f->items[0], "alice"));
  bruno_task = save_task (f, f->items[0], "bruno");
  g_free (save_task (f, f->items[0], "chloe"));
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new_box (0, 0, 10, 10));
  save_annotation (f, f->items[0], "alice", f->dog, calque_shape_new_box (50, 50, 10, 10));
  save_annotation (f, f->items[0], "bruno", f->cat, calque_shape_new_box (0, 0, 10, 10));
  save_annotation (f, f->items[0], "bruno", f->dog, calque_shape_new_box (52, 50, 10, 10));
  save_annotation (f, f->items[0], "chloe", f->cat, calque_shape_new_box (0, 0, 10, 20));
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));
  save_annotation (f, f->items[0], "bruno", f->cat, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));
  save_annotation (f, f->items[0], "chloe", f->dog, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));

  /* b.png: alice boxes a cat; bruno submitted his task with nothing drawn. */
  g_free (save_task (f, f->items[1], "alice"));
  g_free (save_task (f, f->items[1], "bruno"));
  save_annotation (f, f->items[1], "alice", f->cat, calque_shape_new_box (100, 100, 20, 20));

  review = calque_record_new (CALQUE_KIND_REVIEW, f->project);
  calque_record_set_string (review, "item", f->items[0]);
  calque_record_set_string (review, "task", bruno_task);
  calque_record_set_string (review, "reviewer", "rita");
  calque_record_set_string (review, "decision", "accepted");
  calque_record_set_int (review, "created", 1760000000000);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), review, &error));
  g_assert_no_error (error);
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

static CalqueAgreementWindow *
find_agreement_window (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueAgreementWindow *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_AGREEMENT_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
agreement_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && !calque_agreement_window_get_busy (data);
}

static CalqueAgreementWindow *
open_agreement_window (Fixture *f)
{
  CalqueAgreementWindow *agreement;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-agreement", NULL));
  agreement = find_agreement_window ();
  g_assert_nonnull (agreement);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (agreement)) == GTK_WINDOW (f->window));
  g_assert_true (calque_gui_wait_for (agreement_ready, agreement));
  return agreement;
}

/* The overall row titled @title shows @figure. */
static void
assert_overall (CalqueAgreementWindow *agreement,
                const char            *title,
                const char            *figure)
{
  GtkLabel *label = calque_gui_wait_for_label (GTK_WIDGET (agreement), figure);
  GtkWidget *row;

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "calque-figure"));
  row = gtk_widget_get_ancestor (GTK_WIDGET (label), ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
}

/* The table row whose first cell is @name, which must be shown as it is. */
static GtkListBoxRow *
table_row (CalqueAgreementWindow *agreement,
           const char            *name)
{
  GtkLabel *label = calque_gui_find_label (GTK_WIDGET (agreement), name);

  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  return GTK_LIST_BOX_ROW (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX_ROW));
}

static void
assert_row_shows (CalqueAgreementWindow *agreement,
                  const char            *name,
                  const char            *figure)
{
  GtkListBoxRow *row = table_row (agreement, name);

  g_assert_nonnull (row);
  if (calque_gui_find_label (GTK_WIDGET (row), figure) == NULL)
    g_error ("the row of “%s” does not show %s", name, figure);
}

/* Scrolls the report so that the label @text is at the top. */
static void
scroll_to (CalqueAgreementWindow *agreement,
           const char            *text)
{
  GtkLabel *label = calque_gui_find_label (GTK_WIDGET (agreement), text);
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (label);
  calque_gui_spin (100);   /* laid out */
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (label), scrolled, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
  calque_gui_spin (100);
}

static CalqueItemPage *
item_page (Fixture *f)
{
  return calque_gui_item_page (f->window);
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
  CalqueRecord *item = calque_item_page_get_item (item_page (query->f));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "item") == 0 && item != NULL
         && g_strcmp0 (calque_record_get_string (item, "name"), query->name) == 0;
}

/* --- the tests ---------------------------------------------------------------------------- */

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  CalqueAgreementWindow *agreement;
  GtkSpinButton *iou;
  GtkListBoxRow *a_row, *b_row;
  OpenQuery query = { f, "b.png" };

  add_annotators_work (f);
  agreement = open_agreement_window (f);

  /* Overall: 4 matched of 11 shapes, F1 8/11; IoUs 1, 0.667, 0.5, 0.5. */
  assert_overall (agreement, "F1", "0.727");
  assert_overall (agreement, "Mean IoU", "0.667");
  /* Whole-image labels on a.png: cat, cat, dog: one pair of three agrees. */
  assert_overall (agreement, "Agreement", "0.333");

  /* alice–bruno: 2 items, F1 4/5, κ undefined (they only ever said cat). */
  assert_row_shows (agreement, "alice – bruno", "0.800");
  assert_row_shows (agreement, "alice – bruno", "–");
  /* Against the final version (bruno's a.png): alice 1, chloe 2/3. */
  assert_row_shows (agreement, "alice", "1.000");
  assert_row_shows (agreement, "chloe", "0.667");
  /* The label's name is shown as it is, not as markup: cat F1 6/7. */
  assert_row_shows (agreement, CAT, "0.857");
  assert_row_shows (agreement, "dog", "0.500");

  /* Lowest first: b.png (0) above a.png (5/9). */
  b_row = table_row (agreement, "b.png");
  a_row = table_row (agreement, "a.png");
  assert_row_shows (agreement, "b.png", "0.000");
  assert_row_shows (agreement, "a.png", "0.556");
  g_assert_cmpint (gtk_list_box_row_get_index (b_row), <, gtk_list_box_row_get_index (a_row));
  g_assert_true (gtk_list_box_row_get_activatable (b_row));
  calque_gui_save_screenshot (GTK_WINDOW (agreement), "60-agreement");

  /* At IoU 0.6 chloe's tall cat no longer matches: 2 matched, F1 4/11. */
  iou = GTK_SPIN_BUTTON (calque_gui_find_widget (GTK_WIDGET (agreement), GTK_TYPE_SPIN_BUTTON));
  g_assert_nonnull (iou);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (iou), 0.5, 1e-9);
  gtk_spin_button_set_value (iou, 0.6);
  g_assert_true (calque_agreement_window_get_busy (agreement));
  g_assert_true (calque_gui_wait_for (agreement_ready, agreement));
  assert_overall (agreement, "F1", "0.364");
  g_assert_null (calque_gui_find_label (GTK_WIDGET (agreement), "0.727"));
  /* The tables, further down. */
  scroll_to (agreement, "Pairs of Annotators");
  calque_gui_save_screenshot (GTK_WINDOW (agreement), "61-agreement-iou");

  /* The team goes on: chloe boxes alice's cat on b.png. Refresh: b.png
   * now has 3 pairs; matched 2 + 1 of 10 + 4 shapes: F1 6/14. */
  save_annotation (f, f->items[1], "chloe", f->cat, calque_shape_new_box (100, 100, 20, 20));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (agreement), "0.364"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (agreement), "agreement.refresh", NULL));
  g_assert_true (calque_gui_wait_for (agreement_ready, agreement));
  assert_overall (agreement, "F1", "0.429");

  /* Activating b.png opens it in the main window. */
  b_row = table_row (agreement, "b.png");
  g_assert_true (gtk_widget_activate (GTK_WIDGET (b_row)));
  g_assert_true (calque_gui_wait_for (item_open, &query));
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[1]);
}

/* The check button "Only My Tasks" of the main window's filter. */
static GtkWidget *
find_mine_check (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_popover (GTK_MENU_BUTTON (root)) != NULL)
    {
      GtkWidget *check = calque_gui_find_widget (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (root))),
                                                 GTK_TYPE_CHECK_BUTTON);

      if (check != NULL)
        return check;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mine_check (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The item is opened even when the main window's filter hides it. */
static void
test_open_filtered (Fixture       *f,
                    gconstpointer  data)
{
  CalqueAgreementWindow *agreement;
  GtkWidget *mine;
  OpenQuery query = { f, "a.png" };

  add_annotators_work (f);
  agreement = open_agreement_window (f);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (agreement), "a.png"));

  /* Only my tasks: the person running the tests has none here. */
  mine = find_mine_check (GTK_WIDGET (f->window));
  g_assert_nonnull (mine);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (mine), TRUE);
  calque_gui_spin (50);
  g_assert_null (calque_gui_find_label (GTK_WIDGET (f->window), "a.png"));

  g_assert_true (gtk_widget_activate (GTK_WIDGET (table_row (agreement, "a.png"))));
  g_assert_true (calque_gui_wait_for (item_open, &query));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (mine)));
}

/* Only alice has worked: nothing to compare, and the window says so. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  CalqueAgreementWindow *agreement;

  g_free (save_task (f, f->items[0], "alice"));
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new_box (0, 0, 10, 10));
  agreement = open_agreement_window (f);

  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (agreement), "Nothing to Compare Yet"));
  g_assert_null (calque_gui_find_label (GTK_WIDGET (agreement), "Overall"));
  calque_gui_save_screenshot (GTK_WINDOW (agreement), "62-agreement-empty");
}

/* With no project, there is nothing to measure agreement in. */
static void
test_no_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-agreement-window-XXXXXX", &error);
  g_autoptr(CalqueWorkspace) workspace = calque_workspace_create (dir, &error);
  CalqueWindow *window;

  g_assert_no_error (error);
  window = calque_window_new (app);
  calque_window_set_workspace (window, workspace);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "show-agreement"));
  gtk_window_destroy (GTK_WINDOW (window));
  calque_gui_spin (50);
  g_clear_object (&workspace);
  calque_test_remove_tree (dir);
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
      g_test_add_func ("/gui/agreement-window/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/agreement-window/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/gui/agreement-window/open-filtered", Fixture, NULL, fixture_set_up, test_open_filtered,
              fixture_tear_down);
  g_test_add ("/gui/agreement-window/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add_func ("/gui/agreement-window/no-project", test_no_project);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
