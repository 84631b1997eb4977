/* test-item-table.c — the item table's thumbnails, State column and filters
 *
 * A workspace with the real store and blob cache in a temporary folder:
 * images with generated JPEG blobs (one not downloaded), tasks of two
 * annotators in each state, annotations with two labels. The columns of
 * calque-item-columns.c show them in a real window through a
 * GtkFilterListModel with CalqueItemFilter, as the main window does; the
 * test checks what each filter setting leaves, that thumbnails replace the
 * media icons, and that a scroll through 100,000 rows stays bounded.
 */
#define G_LOG_DOMAIN "test-item-table"

#include <glib/gstdio.h>

#include "calque-assign-dialog.h"
#include "calque-gui-test-util.h"
#include "calque-item-columns.h"
#include "calque-item-filter.h"
#include "calque-store-sync.h"
#include "calque-window.h"
#include "calque-test-util.h"
#include "calque-workspace.h"

#define USER  "ada@example.org"
#define OTHER "bob@example.org"
#define N_ITEMS 7
#define N_BIG 100000

typedef struct {
  char                 *tmpdir;
  CalqueWorkspace      *workspace;
  CalqueThumbnailCache *thumbnails;
  char                 *project;
  char                 *heron;     /* label ids */
  char                 *owl;
  char                 *items[N_ITEMS];

  GListStore           *store;     /* the project's items */
  CalqueItemFilter     *filter;
  GtkFilterListModel   *filtered;
  GtkColumnView        *view;
  GtkWidget            *scrolled;
  GtkWindow            *window;
} Fixture;

/* Helpers for the store */

static void
save (CalqueStore  *store,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (store, record, &error));
  g_assert_no_error (error);
}

static char *
add_label (Fixture    *fixture,
           const char *name,
           const char *color)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, fixture->project);

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", color);
  save (calque_workspace_get_store (fixture->workspace), label);
  return g_strdup (calque_record_get_id (label));
}

/* A landscape: a sky of @sky fading to @ground, and a sun. */
static char *
add_picture_blob (Fixture *fixture,
                  int      index,
                  guint32  sky,
                  guint32  ground)
{
  const int width = 640, height = 427;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s/photo-%d.jpg", fixture->tmpdir, index);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int sun_x = 120 + index * 70, sun_y = 120;
  char sha256[65];

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * rowstride + x * 3;
        double t = (double) y / height;
        gboolean sun = (x - sun_x) * (x - sun_x) + (y - sun_y) * (y - sun_y) < 50 * 50;

        for (int c = 0; c < 3; c++)
          {
            int shift = 24 - 8 * c;
            double a = (sky >> shift) & 0xff, b = (ground >> shift) & 0xff;

            p[c] = sun ? (c == 2 ? 0x60 : 0xf0) : (guchar) (a + (b - a) * t);
          }
      }

  g_assert_true (gdk_pixbuf_save (pixbuf, file, "jpeg", &error, "quality", "85", NULL));
  g_assert_no_error (error);
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (fixture->workspace),
                                             file, sha256, NULL, &error));
  g_assert_no_error (error);
  g_unlink (file);
  return g_strdup (sha256);
}

static char *
add_image_item (Fixture    *fixture,
                const char *name,
                const char *sha256)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, fixture->project);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/jpeg");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "size", 48000);
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 427);
  save (calque_workspace_get_store (fixture->workspace), item);
  return g_strdup (calque_record_get_id (item));
}

static void
add_task (Fixture    *fixture,
          int         item,
          const char *annotator,
          const char *state)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, fixture->project);

  calque_record_set_string (task, "item", fixture->items[item]);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  save (calque_workspace_get_store (fixture->workspace), task);
}

static void
add_annotation (Fixture    *fixture,
                int         item,
                const char *label,
                const char *other_label,
                gboolean    deleted)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, fixture->project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 100, 80);
  JsonArray *labels = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_string_element (labels, label);
  if (other_label != NULL)
    json_array_add_string_element (labels, other_label);
  json_node_take_array (node, labels);

  calque_record_set_string (annotation, "item", fixture->items[item]);
  calque_record_set_string (annotation, "author", USER);
  calque_record_set_field (annotation, "labels", node);
  calque_record_set_shape (annotation, box);
  save (calque_workspace_get_store (fixture->workspace), annotation);
  if (deleted)
    {
      calque_record_set_deleted (annotation, TRUE);
      save (calque_workspace_get_store (fixture->workspace), annotation);
    }
}

/* Helpers for the UI */

static guint
n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->filtered));
}

static void
collect_thumbnail_images (GtkWidget *root,
                          GPtrArray *images)
{
  if (GTK_IS_IMAGE (root) && gtk_widget_has_css_class (root, "item-thumbnail") &&
      gtk_widget_get_mapped (root))
    g_ptr_array_add (images, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_thumbnail_images (child, images);
}

/* How many cells on screen show a thumbnail (not an icon) of @width. */
static guint
n_thumbnails_shown (Fixture *fixture,
                    int      width)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  guint n = 0;

  collect_thumbnail_images (GTK_WIDGET (fixture->view), images);
  for (guint i = 0; i < images->len; i++)
    {
      GtkImage *image = images->pdata[i];

      if (gtk_image_get_storage_type (image) == GTK_IMAGE_PAINTABLE &&
          gdk_paintable_get_intrinsic_width (gtk_image_get_paintable (image)) == width)
        n++;
    }
  return n;
}

static guint
n_icons_shown (Fixture *fixture)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  guint n = 0;

  collect_thumbnail_images (GTK_WIDGET (fixture->view), images);
  for (guint i = 0; i < images->len; i++)
    if (gtk_image_get_storage_type (images->pdata[i]) == GTK_IMAGE_ICON_NAME)
      n++;
  return n;
}

static gboolean
six_thumbnails_shown (gpointer data)
{
  return n_thumbnails_shown (data, 128) == 6;
}

static gboolean
has_waiting_cells (CalqueThumbnailCache *cache)
{
  return g_signal_has_handler_pending (cache, g_signal_lookup ("thumbnail-ready", CALQUE_TYPE_THUMBNAIL_CACHE),
                                       0, FALSE);
}

/* Fixtures */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "not downloaded", -1);
  CalqueStore *store;
  static const char *names[N_ITEMS] = {
    "heron-at-dawn.jpg", "reed-bed.jpg", "heron-fishing.jpg", "barn-owl.jpg",
    "empty-branch.jpg", "heron-and-owl.jpg", "not-downloaded-yet.jpg",
  };
  static const guint32 skies[N_ITEMS][2] = {
    { 0xf6d365ff, 0xfda085ff }, { 0x84fab0ff, 0x2f7d4cff }, { 0x8fd3f4ff, 0x1c4f82ff },
    { 0x3a2b5cff, 0x0b0b1fff }, { 0xa1c4fdff, 0x5c7f3aff }, { 0xfbc2ebff, 0x6b4a8fff },
  };
  GtkSelectionModel *selection;

  fixture->tmpdir = g_dir_make_tmp ("calque-item-table-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->tmpdir, "workspace", NULL);
  fixture->workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (fixture->workspace);
  fixture->thumbnails = g_object_ref (calque_workspace_get_thumbnails (fixture->workspace, &error));
  g_assert_no_error (error);

  project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (project, "name", "Birds");
  calque_record_set_string (project, "type", "image");
  save (store, project);
  fixture->project = g_strdup (calque_record_get_id (project));
  fixture->heron = add_label (fixture, "Heron", "#1c71d8");
  fixture->owl = add_label (fixture, "Owl", "#e5a50a");

  for (int i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *sha256 = i < 6 ? add_picture_blob (fixture, i, skies[i][0], skies[i][1])
                                      : g_strdup (missing);

      fixture->items[i] = add_image_item (fixture, names[i], sha256);
    }

  /* ada: one task in each of four states; bob: two. */
  add_task (fixture, 0, USER, "new");
  add_task (fixture, 1, USER, "in_progress");
  add_task (fixture, 2, USER, "submitted");
  add_task (fixture, 3, USER, "accepted");
  add_task (fixture, 4, OTHER, "submitted");
  add_task (fixture, 0, OTHER, "rejected");

  add_annotation (fixture, 0, fixture->heron, NULL, FALSE);
  add_annotation (fixture, 2, fixture->heron, NULL, FALSE);
  add_annotation (fixture, 2, fixture->heron, NULL, FALSE);
  add_annotation (fixture, 3, fixture->owl, NULL, FALSE);
  add_annotation (fixture, 5, fixture->heron, fixture->owl, FALSE);
  /* A deleted annotation's label does not count. */
  add_annotation (fixture, 4, fixture->owl, NULL, TRUE);

  /* The items as the window lists them. */
  items = calque_store_list (store, CALQUE_KIND_ITEM, fixture->project, &error);
  g_assert_no_error (error);
  fixture->store = g_list_store_new (CALQUE_TYPE_RECORD);
  g_list_store_splice (fixture->store, 0, 0, items->pdata, items->len);

  fixture->filter = calque_item_filter_new (store);
  g_assert_true (calque_item_filter_load (fixture->filter, fixture->project, USER, &error));
  g_assert_no_error (error);
  fixture->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (fixture->store)),
                                                 GTK_FILTER (g_object_ref (fixture->filter)));

  fixture->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  calque_item_columns_add_to (fixture->view);
  calque_item_columns_set_thumbnails (fixture->view, fixture->thumbnails);
  calque_item_columns_set_task_states (fixture->view, fixture->filter);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (g_object_ref (fixture->filtered))));
  gtk_column_view_set_model (fixture->view, selection);
  g_object_unref (selection);

  fixture->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (fixture->scrolled), GTK_WIDGET (fixture->view));
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (fixture->window, "Birds — Calque");
  gtk_window_set_child (fixture->window, fixture->scrolled);
  calque_gui_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gtk_window_destroy (fixture->window);
  calque_gui_spin (50);
  g_clear_object (&fixture->filtered);
  g_clear_object (&fixture->filter);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->thumbnails);
  g_clear_object (&fixture->workspace);
  calque_test_remove_tree (fixture->tmpdir);
  for (int i = 0; i < N_ITEMS; i++)
    g_free (fixture->items[i]);
  g_free (fixture->project);
  g_free (fixture->heron);
  g_free (fixture->owl);
  g_free (fixture->tmpdir);
}

/* Tests */

static void
test_filters (Fixture       *fixture,
              gconstpointer  user_data)
{
  CalqueItemFilter *filter = fixture->filter;
  g_autoptr(CalqueRecord) first = NULL;

  g_assert_cmpuint (n_shown (fixture), ==, N_ITEMS);

  calque_item_filter_set_mine_only (filter, TRUE);
  g_assert_cmpuint (n_shown (fixture), ==, 4);
  calque_item_filter_set_state (filter, "submitted");
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  first = g_list_model_get_item (G_LIST_MODEL (fixture->filtered), 0);
  g_assert_cmpstr (calque_record_get_string (first, "name"), ==, "heron-fishing.jpg");
  calque_item_filter_set_state (filter, "rejected");
  g_assert_cmpuint (n_shown (fixture), ==, 0);

  /* Without "my tasks", anyone's task in that state. */
  calque_item_filter_set_mine_only (filter, FALSE);
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  calque_item_filter_set_state (filter, "submitted");
  g_assert_cmpuint (n_shown (fixture), ==, 2);
  calque_item_filter_set_state (filter, "new");
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  calque_item_filter_set_state (filter, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, N_ITEMS);

  calque_item_filter_set_label (filter, fixture->heron);
  g_assert_cmpuint (n_shown (fixture), ==, 3);
  calque_item_filter_set_label (filter, fixture->owl);
  g_assert_cmpuint (n_shown (fixture), ==, 2);

  /* Combined. */
  calque_item_filter_set_label (filter, fixture->heron);
  calque_item_filter_set_mine_only (filter, TRUE);
  g_assert_cmpuint (n_shown (fixture), ==, 2);
  calque_item_filter_set_state (filter, "submitted");
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  g_object_set (filter, "mine-only", FALSE, "state", NULL, "label", NULL, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, N_ITEMS);
  g_assert_cmpint (gtk_filter_get_strictness (GTK_FILTER (filter)), ==, GTK_FILTER_MATCH_ALL);

  /* A label nobody used. */
  calque_item_filter_set_label (filter, "0192d4e0-0000-7000-8000-0000000000ff");
  g_assert_cmpuint (n_shown (fixture), ==, 0);
  calque_item_filter_set_label (filter, NULL);

  /* Another user signs in: the same project, other tasks. */
  g_assert_true (calque_item_filter_load (filter, fixture->project, OTHER, NULL));
  calque_item_filter_set_mine_only (filter, TRUE);
  g_assert_cmpuint (n_shown (fixture), ==, 2);
  g_assert_cmpstr (calque_item_filter_get_user_state (filter, fixture->items[0]), ==, "rejected");
  g_assert_null (calque_item_filter_get_user_state (filter, fixture->items[1]));
}

static void
test_state_column (Fixture       *fixture,
                   gconstpointer  user_data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);

  g_assert_nonnull (calque_gui_wait_for_label (view, "State"));
  g_assert_nonnull (calque_gui_wait_for_label (view, "New"));
  g_assert_nonnull (calque_gui_wait_for_label (view, "In progress"));
  g_assert_nonnull (calque_gui_wait_for_label (view, "Submitted"));
  g_assert_nonnull (calque_gui_wait_for_label (view, "Accepted"));
  /* bob's tasks are not ada's. */
  g_assert_null (calque_gui_find_label (view, "Rejected"));

  /* Signed in as bob, the same rows show his states. */
  g_assert_true (calque_item_filter_load (fixture->filter, fixture->project, OTHER, NULL));
  g_assert_nonnull (calque_gui_wait_for_label (view, "Rejected"));
  g_assert_null (calque_gui_find_label (view, "In progress"));

  calque_item_columns_set_task_states (fixture->view, NULL);
  calque_gui_spin (100);
  g_assert_null (calque_gui_find_label (view, "State"));
}

static void
test_thumbnails (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "not downloaded", -1);

  /* Each image gets its thumbnail; the one not downloaded keeps its icon. */
  g_assert_true (calque_gui_wait_for (six_thumbnails_shown, fixture));
  g_assert_cmpuint (n_icons_shown (fixture), ==, 1);
  g_assert_cmpint (calque_thumbnail_cache_get_status (fixture->thumbnails, missing, &error), ==,
                   CALQUE_THUMBNAIL_STATUS_FAILED);
  g_assert_error (error, CALQUE_THUMBNAIL_ERROR, CALQUE_THUMBNAIL_ERROR_NO_BLOB);

  calque_item_filter_set_mine_only (fixture->filter, TRUE);
  calque_gui_save_screenshot (fixture->window, "item-table-mine");
  calque_item_filter_set_mine_only (fixture->filter, FALSE);
  calque_gui_save_screenshot (fixture->window, "item-table-thumbnails");

  /* Rows filtered away leave no handler on the cache behind them. */
  calque_item_filter_set_label (fixture->filter, "0192d4e0-0000-7000-8000-0000000000ff");
  calque_gui_spin (100);
  g_assert_cmpuint (n_shown (fixture), ==, 0);
  g_assert_false (has_waiting_cells (fixture->thumbnails));

  /* Shown again, the thumbnails come from memory at once. */
  calque_item_filter_set_label (fixture->filter, NULL);
  calque_gui_spin (100);
  g_assert_cmpuint (n_thumbnails_shown (fixture, 128), ==, 6);
}

/* 100,000 rows, none of whose blobs is here: scrolling from top to bottom
 * in jumps binds thousands of cells; each bind only asks the cache's
 * memory, the queue stays within its bound, and nothing stays connected
 * once the rows are gone. */
static void
test_big_scroll (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (fixture->scrolled));
  gint64 start, elapsed, slowest = 0;
  const int n_steps = 30;

  for (int i = 0; i < N_BIG; i++)
    {
      CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, fixture->project);
      g_autofree char *name = g_strdup_printf ("frame-%06d.jpg", i);
      g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

      calque_record_set_string (item, "media", "image");
      calque_record_set_string (item, "name", name);
      calque_record_set_string (item, "sha256", sha256);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (fixture->store, 0, g_list_model_get_n_items (G_LIST_MODEL (fixture->store)),
                       items->pdata, items->len);
  calque_gui_spin (200);
  g_assert_cmpuint (n_shown (fixture), ==, N_BIG);

  start = g_get_monotonic_time ();
  for (int step = 1; step <= n_steps; step++)
    {
      gint64 step_start = g_get_monotonic_time ();
      double upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      gtk_adjustment_set_value (adjustment, upper * step / n_steps);
      /* One frame's worth of work: layout, binding the new rows, drawing. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      slowest = MAX (slowest, g_get_monotonic_time () - step_start);
      g_assert_cmpuint (calque_thumbnail_cache_get_n_queued (fixture->thumbnails), <=, 64);
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("100,000 rows: %d jumps in %.0f ms, slowest %.1f ms", n_steps,
                  elapsed / 1000.0, slowest / 1000.0);
  g_test_minimized_result (slowest / 1000.0, "slowest jump %.1f ms", slowest / 1000.0);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (fixture->view), "frame-099999.jpg"));

  g_list_store_remove_all (fixture->store);
  calque_gui_spin (200);
  g_assert_false (has_waiting_cells (fixture->thumbnails));
}

static gboolean
list_shows_four (gpointer data)
{
  GtkColumnView *view = data;

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view))) == 4;
}

/* An annotator who opens the project in the real window sees their own
 * tasks first: "Only My Tasks" is on, and the rest is a click away. */
static void
test_annotator_sees_own_tasks (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(CalqueApplication) app = calque_gui_application_new ();
  g_autoptr(CalqueRecord) member = calque_record_new (CALQUE_KIND_MEMBER, fixture->project);
  CalqueStore *store = calque_workspace_get_store (fixture->workspace);
  CalqueWindow *window;
  GtkColumnView *view;

  g_assert_true (calque_store_set_setting (store, "user", USER, NULL));
  calque_record_set_string (member, "user", USER);
  calque_record_set_string (member, "role", "annotator");
  save (store, member);

  window = calque_window_new (app);
  calque_window_set_workspace (window, fixture->workspace);
  calque_gui_present (GTK_WINDOW (window));
  view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), CALQUE_TYPE_WINDOW, "item_view"));
  /* ada has four tasks among the seven items. */
  g_assert_true (calque_gui_wait_for (list_shows_four, view));
  calque_gui_save_screenshot (GTK_WINDOW (window), "item-table-annotator-opens");
  gtk_window_destroy (GTK_WINDOW (window));
  calque_gui_spin (50);
}

static CalqueAssignDialog *
find_assign_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CALQUE_IS_ASSIGN_DIALOG (window))
        return CALQUE_ASSIGN_DIALOG (window);
    }
  return NULL;
}

static void
click_button_labelled (GtkWidget  *root,
                       const char *text)
{
  GtkLabel *label = calque_gui_find_label (root, text);
  GtkWidget *button;

  g_assert_nonnull (label);
  button = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  calque_gui_spin (100);
}

static guint
tasks_of_person (Fixture    *fixture,
                 const char *person)
{
  g_autoptr(GPtrArray) tasks = calque_store_list (calque_workspace_get_store (fixture->workspace), CALQUE_KIND_TASK,
                                                  fixture->project, NULL);
  guint n = 0;

  for (guint i = 0; i < tasks->len; i++)
    n += g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), person) == 0;
  return n;
}

/* The Assign dialog of the real window: the annotators already working
 * are offered, another is added by name, the items without a task go to
 * her, and her tasks not started come back. */
static void
test_assign_dialog (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(CalqueApplication) app = calque_gui_application_new ();
  CalqueWindow *window = calque_window_new (app);
  CalqueAssignDialog *dialog;
  g_autofree char *selected_title = NULL;
  g_auto(GStrv) offered = NULL;
  g_autofree char *joined = NULL;

  calque_window_set_workspace (window, fixture->workspace);
  calque_gui_present (GTK_WINDOW (window));
  /* A row selected in the list, as a click leaves it. */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), CALQUE_TYPE_WINDOW,
                                                                          "item_view"));
    GtkSingleSelection *rows = GTK_SINGLE_SELECTION (gtk_column_view_get_model (view));
    g_autoptr(CalqueRecord) first = NULL;

    gtk_single_selection_set_selected (rows, 0);
    first = g_list_model_get_item (G_LIST_MODEL (rows), 0);
    selected_title = g_strdup_printf ("The selected item, %s", calque_record_get_string (first, "name"));
  }
  g_action_group_activate_action (G_ACTION_GROUP (window), "assign", NULL);
  calque_gui_spin (200);
  dialog = find_assign_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (calque_gui_wait_for (calque_gui_widget_shown, dialog));

  offered = calque_assign_dialog_dup_annotators (dialog);
  joined = g_strjoinv (",", offered);
  g_assert_cmpstr (joined, ==, USER "," OTHER);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (dialog), "The 7 items shown in the list"));
  /* The list's selected item is offered first, by hand; here, by rule. */
  {
    GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (calque_gui_find_label (GTK_WIDGET (dialog),
                                                                                 "The 7 items shown in the list")),
                                              ADW_TYPE_ACTION_ROW);
    GtkCheckButton *shown = GTK_CHECK_BUTTON (calque_gui_find_widget (row, GTK_TYPE_CHECK_BUTTON));

    g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (dialog), selected_title));
    gtk_check_button_set_active (shown, TRUE);
  }

  /* Nobody checked: nothing to assign to. */
  g_assert_false (gtk_widget_get_sensitive (gtk_widget_get_ancestor (
    GTK_WIDGET (calque_gui_find_label (GTK_WIDGET (dialog), "Assign")), GTK_TYPE_BUTTON)));
  calque_assign_dialog_set_checked (dialog, "carol <b>", TRUE);
  calque_gui_spin (100);
  g_assert_true (gtk_widget_get_sensitive (gtk_widget_get_ancestor (
    GTK_WIDGET (calque_gui_find_label (GTK_WIDGET (dialog), "Assign")), GTK_TYPE_BUTTON)));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "assign-dialog");
  /* Items 5 and 6 have nobody; the others already have their one. */
  click_button_labelled (GTK_WIDGET (dialog), "Assign");
  g_assert_cmpuint (tasks_of_person (fixture, "carol <b>"), ==, 2);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Assigned: 2 tasks on 2 items"));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "assign-dialog-done");

  /* Reassigned: carol's two go to dora, who is then offered. */
  {
    GtkWidget *to_row = gtk_widget_get_ancestor (GTK_WIDGET (calque_gui_find_label (GTK_WIDGET (dialog),
                                                                                    "Give them to")),
                                                 ADW_TYPE_ENTRY_ROW);

    g_assert_nonnull (to_row);
    gtk_editable_set_text (GTK_EDITABLE (to_row), "dora");
    click_button_labelled (GTK_WIDGET (dialog), "Give");
  }
  g_assert_cmpuint (tasks_of_person (fixture, "carol <b>"), ==, 0);
  g_assert_cmpuint (tasks_of_person (fixture, "dora"), ==, 2);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Reassigned: 2 tasks on 2 items"));

  calque_assign_dialog_set_checked (dialog, "carol <b>", FALSE);
  calque_assign_dialog_set_checked (dialog, "dora", TRUE);
  click_button_labelled (GTK_WIDGET (dialog), "Unassign Tasks Not Started");
  g_assert_cmpuint (tasks_of_person (fixture, "dora"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  calque_gui_spin (50);
  g_assert_null (find_assign_dialog ());
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

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/item-table/no-display", test_no_display);
      return g_test_run ();
    }

  g_test_add ("/gui/item-table/filters", Fixture, NULL, fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/gui/item-table/state-column", Fixture, NULL, fixture_set_up, test_state_column,
              fixture_tear_down);
  g_test_add ("/gui/item-table/thumbnails", Fixture, NULL, fixture_set_up, test_thumbnails, fixture_tear_down);
  g_test_add ("/gui/item-table/big-scroll", Fixture, NULL, fixture_set_up, test_big_scroll, fixture_tear_down);
  g_test_add ("/gui/item-table/annotator-sees-own-tasks", Fixture, NULL, fixture_set_up,
              test_annotator_sees_own_tasks, fixture_tear_down);
  g_test_add ("/gui/item-table/assign-dialog", Fixture, NULL, fixture_set_up, test_assign_dialog,
              fixture_tear_down);

  return g_test_run ();
}
