/* test-canvas.c — annotating an image in the real window, with real input
 *
 * A workspace with a project of two images (real PNG files in its blob
 * cache), opened in the real window under Xvfb. The pointer and the keys
 * are driven through the X server with xdotool (XTEST), so every gesture
 * goes the way a person's does: X, GDK, the canvas's controllers, the
 * tool, the store. After each step the store is read back.
 */
#define G_LOG_DOMAIN "test-canvas"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "calque-application.h"
#include "calque-attribute-editor.h"
#include "calque-canvas.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-item-page.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_WIDTH  800
#define IMAGE_HEIGHT 600

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *cat;
  char            *dog;
  char            *items[2];
  char            *task;
  CalqueWindow    *window;
} Fixture;

/* --- the workspace ---------------------------------------------------------- */

/* A real PNG in the blob cache, and its item. */
static char *
save_image_item (Fixture    *f,
                 const char *name,
                 guint32     pixel)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_WIDTH, IMAGE_HEIGHT);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  char sha256[65];
  gboolean added = FALSE;
  gsize length = 0;
  g_autofree char *contents = NULL;

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
  calque_record_set_int (item, "width", IMAGE_WIDTH);
  calque_record_set_int (item, "height", IMAGE_HEIGHT);
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

  f->workspace = calque_test_workspace_new ("calque-canvas", &f->dir);
  store = calque_workspace_get_store (f->workspace);

  calque_record_set_string (project, "name", "Pets");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->cat = calque_test_save_label (store, f->project, "cat <b>tabby</b>", "#e01b24", 0);
  f->dog = calque_test_save_label (store, f->project, "dog", "#3584e4", 1);
  {
    g_autoptr(CalqueRecord) dog = calque_store_get (store, f->dog, NULL);
    g_autoptr(JsonNode) definitions = json_from_string (
      "[{\"name\":\"occluded\",\"type\":\"bool\"},"
      "{\"name\":\"pose\",\"type\":\"enum\",\"options\":[\"sitting\",\"standing\"]}]", NULL);

    calque_record_set_field (dog, "attributes", g_steal_pointer (&definitions));
    g_assert_true (calque_store_save (store, dog, &error));
    g_assert_no_error (error);
  }
  f->items[0] = save_image_item (f, "sofa.png", 0x8fa3b3ff);
  f->items[1] = save_image_item (f, "garden.png", 0x5e8c4aff);

  /* The first image is this person's task (the workspace is local: new
   * annotations carry the computer's user name). */
  {
    g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

    calque_record_set_string (task, "item", f->items[0]);
    calque_record_set_string (task, "annotator", g_get_user_name ());
    calque_record_set_string (task, "state", "new");
    g_assert_true (calque_store_save (store, task, &error));
    f->task = g_strdup (calque_record_get_id (task));
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
  g_free (f->task);
}

/* --- input through the X server ------------------------------------------------ */

static CalqueItemPage *
item_page (Fixture *f)
{
  return calque_gui_item_page (f->window);
}

static CalqueCanvas *
canvas (Fixture *f)
{
  return calque_item_page_get_canvas (item_page (f));
}

/* Moves the pointer over image point (@ix, @iy) of the canvas. */
static void
pointer_to (Fixture *f,
            double   ix,
            double   iy)
{
  double wx, wy;

  calque_viewport_image_to_widget (calque_canvas_get_viewport (canvas (f)), ix, iy, &wx, &wy);
  calque_gui_pointer_to (GTK_WIDGET (canvas (f)), wx, wy);
}

static void
drag (Fixture *f,
      double   x0,
      double   y0,
      double   x1,
      double   y1)
{
  pointer_to (f, x0, y0);
  calque_gui_xdotool ((const char *[]) { "mousedown", "1", NULL });
  for (int step = 1; step <= 4; step++)
    pointer_to (f, x0 + (x1 - x0) * step / 4, y0 + (y1 - y0) * step / 4);
  calque_gui_xdotool ((const char *[]) { "mouseup", "1", NULL });
}

static void
click (Fixture *f,
       double   x,
       double   y)
{
  pointer_to (f, x, y);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  /* Apart from the next click: not a double click. */
  calque_gui_spin (450);
}

/* --- reading back ----------------------------------------------------------------- */

static GPtrArray *
stored_annotations (Fixture    *f,
                    const char *item)
{
  return calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION, item, NULL);
}

typedef struct {
  Fixture *f;
  guint    n;
} CountQuery;

static gboolean
n_stored_is (gpointer data)
{
  CountQuery *query = data;
  g_autoptr(GPtrArray) annotations = stored_annotations (query->f, query->f->items[0]);

  return annotations->len == query->n;
}

static CalqueRecord *
stored_of_kind (Fixture         *f,
                CalqueShapeKind  kind)
{
  g_autoptr(GPtrArray) annotations = stored_annotations (f, f->items[0]);

  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = g_ptr_array_index (annotations, i);
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);

      if (shape != NULL && shape->kind == kind)
        return g_object_ref (annotation);
    }
  return NULL;
}

static const char *
first_label (CalqueRecord *annotation)
{
  JsonNode *labels = calque_record_get_field (annotation, "labels");

  return json_array_get_string_element (json_node_get_array (labels), 0);
}

static char *task_state_text;

static const char *
task_state (Fixture *f)
{
  g_autoptr(CalqueRecord) task = calque_store_get (calque_workspace_get_store (f->workspace), f->task, NULL);

  g_free (task_state_text);
  task_state_text = g_strdup (calque_record_get_string (task, "state"));
  return task_state_text;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
canvas_loaded (gpointer data)
{
  return calque_canvas_is_loaded (data);
}

static CalqueCanvas *current_canvas;

static void
assert_near (double value,
             double expected)
{
  /* The pointer lands on whole screen pixels, and a drag rounds both its
   * ends: two screen pixels, in image pixels at this zoom. */
  double tolerance = 2.0 / calque_canvas_get_viewport (current_canvas)->scale + 0.01;

  if (fabs (value - expected) > tolerance)
    g_error ("%g is not within %g of %g", value, tolerance, expected);
}

/* --- the test ------------------------------------------------------------------------- */

static void
test_annotate (Fixture       *f,
               gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  CountQuery one = { f, 1 }, two = { f, 2 };
  g_autoptr(CalqueRecord) box = NULL;
  g_autoptr(CalqueRecord) relabelled = NULL;
  g_autoptr(CalqueRecord) polygon = NULL;
  g_autoptr(CalqueRecord) edited = NULL;
  g_autoptr(CalqueRecord) undone = NULL;
  g_autoptr(CalqueRecord) redone = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  /* Open the first item, as Enter on its row does. */
  g_signal_emit_by_name (items, "activate", 0);
  g_assert_nonnull (calque_item_page_get_item (item_page (f)));
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  g_assert_null (calque_canvas_get_problem (canvas (f)));
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[0]);
  current_canvas = canvas (f);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "30-canvas-open");

  /* Draw a box with the box tool (B): it gets the first label, cat. */
  pointer_to (f, 400, 300);
  calque_gui_key ("b");
  drag (f, 100, 100, 300, 250);
  g_assert_true (calque_gui_wait_for (n_stored_is, &one));
  box = stored_of_kind (f, CALQUE_SHAPE_BOX);
  g_assert_nonnull (box);
  shape = calque_record_dup_shape (box, NULL);
  assert_near (shape->x, 100);
  assert_near (shape->y, 100);
  assert_near (shape->w, 200);
  assert_near (shape->h, 150);
  g_assert_cmpstr (first_label (box), ==, f->cat);
  g_clear_pointer (&shape, calque_shape_free);
  /* It belongs to the task, and drawing started the task. */
  g_assert_cmpstr (calque_record_get_string (box, "task"), ==, f->task);
  g_assert_cmpstr (task_state (f), ==, "in_progress");
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "31-canvas-box");

  /* Select it (V, a click inside) and change its label with key 2. */
  calque_gui_key ("v");
  click (f, 200, 175);
  calque_gui_key ("2");
  relabelled = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (box), NULL);
  g_assert_cmpstr (first_label (relabelled), ==, f->dog);

  /* Dogs have attributes: the editor shows them, and a switch sets one. */
  {
    CalqueAttributeEditor *editor = CALQUE_ATTRIBUTE_EDITOR (calque_item_page_get_attribute_editor (item_page (f)));
    GtkWidget *occluded = find_widget (GTK_WIDGET (editor), GTK_TYPE_SWITCH);
    g_autoptr(CalqueRecord) with_attribute = NULL;
    JsonNode *attributes;

    g_assert_cmpuint (calque_attribute_editor_get_n_rows (editor), ==, 2);
    g_assert_nonnull (occluded);
    gtk_switch_set_active (GTK_SWITCH (occluded), TRUE);
    with_attribute = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (box), NULL);
    attributes = calque_record_get_field (with_attribute, "attributes");
    g_assert_nonnull (attributes);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (attributes), "occluded"));
    calque_gui_save_screenshot (GTK_WINDOW (f->window), "31b-canvas-attributes");
  }

  /* A polygon (P): three clicks and Enter. It is drawn with dog now. */
  calque_gui_key ("Escape");
  calque_gui_key ("p");
  click (f, 450, 100);
  click (f, 650, 150);
  click (f, 550, 350);
  calque_gui_key ("Return");
  g_assert_true (calque_gui_wait_for (n_stored_is, &two));
  polygon = stored_of_kind (f, CALQUE_SHAPE_POLYGON);
  g_assert_nonnull (polygon);
  shape = calque_record_dup_shape (polygon, NULL);
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 3);
  assert_near (g_array_index (shape->points, double, 2), 650);
  assert_near (g_array_index (shape->points, double, 3), 150);
  g_clear_pointer (&shape, calque_shape_free);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "32-canvas-polygon");

  /* Drag its second vertex with the select tool. */
  calque_gui_key ("v");
  click (f, 560, 200);     /* inside: select it */
  drag (f, 650, 150, 700, 220);
  edited = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (polygon), NULL);
  shape = calque_record_dup_shape (edited, NULL);
  assert_near (g_array_index (shape->points, double, 2), 700);
  assert_near (g_array_index (shape->points, double, 3), 220);
  g_clear_pointer (&shape, calque_shape_free);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "33-canvas-vertex-moved");

  /* Undo puts the vertex back, redo moves it again. */
  calque_gui_key ("ctrl+z");
  undone = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (polygon), NULL);
  shape = calque_record_dup_shape (undone, NULL);
  assert_near (g_array_index (shape->points, double, 2), 650);
  g_clear_pointer (&shape, calque_shape_free);
  calque_gui_key ("ctrl+shift+z");
  redone = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (polygon), NULL);
  shape = calque_record_dup_shape (redone, NULL);
  assert_near (g_array_index (shape->points, double, 2), 700);
  g_clear_pointer (&shape, calque_shape_free);

  /* The next item (Page Down), then back (Page Up): each has its own. */
  calque_gui_key ("Next");
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[1]);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (calque_canvas_get_layer (canvas (f))), ==, 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  calque_gui_key ("Prior");
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[0]);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (calque_canvas_get_layer (canvas (f))), ==, 2);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "34-canvas-back");

  /* Done: submitted for review, and the list says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (item_page (f)), "item.submit-task", NULL));
  g_assert_cmpstr (task_state (f), ==, "submitted");
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "36-canvas-submitted");
}

/* An image that does not decode says why, in place of the image; the
 * other items still open. */
static void
test_broken_image (Fixture       *f,
                   gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  CalqueBlobCache *blobs = calque_workspace_get_blobs (f->workspace);
  g_autoptr(CalqueRecord) item = calque_store_get (calque_workspace_get_store (f->workspace), f->items[0], NULL);
  g_autofree char *path = calque_blob_cache_get_path (blobs, calque_record_get_string (item, "sha256"));

  /* Damage the blob on disk, as a bad copy would. */
  g_assert_true (g_file_set_contents (path, "\x89PNG\r\n\x1a\nnot really", -1, NULL));

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  g_assert_nonnull (calque_canvas_get_problem (canvas (f)));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "35-canvas-broken-image");

  calque_gui_key ("Next");
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  g_assert_null (calque_canvas_get_problem (canvas (f)));
}

/* A polygon of 100,000 vertices, as an import can bring, draws, and the
 * canvas still answers the keys. */
static void
test_huge_polygon (Fixture       *f,
                   gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  g_autoptr(GArray) coords = g_array_sized_new (FALSE, FALSE, sizeof (double), 200000);
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) error = NULL;
  double scale_before;
  gint64 start;

  /* A wavy ring, so that few vertices fall on one another. */
  for (int i = 0; i < 100000; i++)
    {
      double angle = 2 * G_PI * i / 100000;
      double radius = 200 + 20 * sin (angle * 400);
      double x = 400 + radius * cos (angle), y = 300 + radius * sin (angle);

      g_array_append_val (coords, x);
      g_array_append_val (coords, y);
    }
  shape = calque_shape_new_polygon ((const double *) coords->data, 100000);
  calque_record_set_string (annotation, "item", f->items[0]);
  calque_record_set_string (annotation, "author", "importer");
  calque_record_set_field (annotation, "labels", json_node_init_array (json_node_alloc (), json_array_new ()));
  calque_record_set_shape (annotation, shape);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), annotation, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (calque_canvas_get_layer (canvas (f))), ==, 1);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "37-canvas-huge-polygon");
  g_test_message ("opened and drawn a 100,000-vertex polygon in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  scale_before = calque_canvas_get_viewport (canvas (f))->scale;
  pointer_to (f, 400, 300);
  calque_gui_key ("plus");
  g_assert_cmpfloat (calque_canvas_get_viewport (canvas (f))->scale, >, scale_before);
}

/* Without a pointer: the arrows move a cross over the image, "." places
 * a point, or a box's corners, and the keys do the rest. */
static void
test_keyboard_drawing (Fixture       *f,
                       gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  CountQuery one = { f, 1 }, two = { f, 2 };
  g_autoptr(CalqueRecord) point = NULL;
  g_autoptr(CalqueRecord) box = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  double scale;

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  current_canvas = canvas (f);
  /* The keys go to the focused canvas, wherever the pointer is. */
  pointer_to (f, 400, 300);
  calque_gui_spin (200);   /* the canvas has its final size */
  scale = calque_canvas_get_viewport (canvas (f))->scale;

  /* A point, ten screen pixels right of the middle (Shift+Right). */
  calque_gui_key ("o");
  calque_gui_key ("shift+Right");
  calque_gui_key ("period");
  g_assert_true (calque_gui_wait_for (n_stored_is, &one));
  point = stored_of_kind (f, CALQUE_SHAPE_POINT);
  g_assert_nonnull (point);
  shape = calque_record_dup_shape (point, NULL);
  g_assert_cmpfloat (fabs (shape->x - (IMAGE_WIDTH / 2.0 + 10 / scale)), <, 0.01);
  g_assert_cmpfloat (fabs (shape->y - IMAGE_HEIGHT / 2.0), <, 0.01);
  g_clear_pointer (&shape, calque_shape_free);

  /* A box: a corner, twenty screen pixels down and right, the other corner. */
  calque_gui_key ("b");
  calque_gui_key ("period");
  calque_gui_key ("shift+Down");
  calque_gui_key ("shift+Down");
  calque_gui_key ("shift+Right");
  calque_gui_key ("shift+Right");
  calque_gui_key ("period");
  g_assert_true (calque_gui_wait_for (n_stored_is, &two));
  box = stored_of_kind (f, CALQUE_SHAPE_BOX);
  g_assert_nonnull (box);
  shape = calque_record_dup_shape (box, NULL);
  g_assert_cmpfloat (fabs (shape->w - 20 / scale), <, 0.01);
  g_assert_cmpfloat (fabs (shape->h - 20 / scale), <, 0.01);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "38-canvas-keyboard");
}

static void
test_no_display (void)
{
  g_test_skip ("no display to open windows on (run under xvfb-run)");
}

/* A model's prediction on the first image, as an import stores it. */
static char *
put_prediction (Fixture *f,
                double   x,
                double   y)
{
  g_autoptr(CalqueRecord) prediction = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, y, 200, 150);
  g_autoptr(JsonArray) labels = json_array_new ();
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (labels, f->dog);
  calque_record_set_string (prediction, "item", f->items[0]);
  calque_record_set_string (prediction, "author", "model:detector");
  calque_record_set_field (prediction, "labels", json_node_init_array (json_node_alloc (), labels));
  calque_record_set_shape (prediction, box);
  calque_record_set_double (prediction, "confidence", 0.87);
  g_assert_true (calque_store_put_merged (calque_workspace_get_store (f->workspace), prediction, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (prediction));
}

/* The own annotation made from @prediction, or NULL. */
static CalqueRecord *
taken_from (Fixture    *f,
            const char *prediction)
{
  g_autoptr(GPtrArray) annotations = stored_annotations (f, f->items[0]);

  for (guint i = 0; i < annotations->len; i++)
    if (g_strcmp0 (calque_record_get_string (annotations->pdata[i], "source"), prediction) == 0)
      return g_object_ref (annotations->pdata[i]);
  return NULL;
}

/* Pre-annotations: drawn dashed, selected but not dragged, accepted with A
 * (then fixed like any shape), all at once with Shift+A, undone with one
 * Ctrl+Z. The predictions themselves never change. */
static void
test_predictions (Fixture       *f,
                  gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  g_autofree char *first = put_prediction (f, 100, 100);
  g_autofree char *second = put_prediction (f, 450, 300);
  g_autoptr(CalqueRecord) accepted = NULL;
  g_autoptr(CalqueRecord) fixed = NULL;
  g_autoptr(CalqueRecord) prediction = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  CountQuery three = { f, 3 }, four = { f, 4 };

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  current_canvas = canvas (f);
  g_assert_true (calque_shape_layer_get_prediction (calque_canvas_get_layer (canvas (f)), first));

  /* Selected with a click; a drag does not move it. */
  click (f, 200, 175);
  g_assert_cmpstr (calque_shape_layer_get_selected (calque_canvas_get_layer (canvas (f))), ==, first);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (item_page (f)), "Prediction of “detector”, score 87%"));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "36-canvas-prediction");
  drag (f, 200, 175, 260, 215);
  calque_gui_spin (200);
  prediction = calque_store_get (calque_workspace_get_store (f->workspace), first, NULL);
  shape = calque_record_dup_shape (prediction, NULL);
  assert_near (shape->x, 100);
  g_clear_pointer (&shape, calque_shape_free);
  g_assert_null (taken_from (f, first));

  /* A: it becomes this person's, selected, and can be fixed by a drag. */
  calque_gui_key ("a");
  g_assert_true (calque_gui_wait_for (n_stored_is, &three));
  accepted = taken_from (f, first);
  g_assert_nonnull (accepted);
  g_assert_cmpstr (calque_record_get_string (accepted, "author"), ==, g_get_user_name ());
  g_assert_cmpstr (calque_record_get_string (accepted, "task"), ==, f->task);
  g_assert_cmpstr (first_label (accepted), ==, f->dog);
  g_assert_cmpstr (calque_shape_layer_get_selected (calque_canvas_get_layer (canvas (f))), ==,
                   calque_record_get_id (accepted));
  g_assert_false (calque_shape_layer_get_prediction (calque_canvas_get_layer (canvas (f)),
                                                     calque_record_get_id (accepted)));
  drag (f, 200, 175, 240, 195);
  calque_gui_spin (200);
  fixed = calque_store_get (calque_workspace_get_store (f->workspace), calque_record_get_id (accepted), NULL);
  shape = calque_record_dup_shape (fixed, NULL);
  assert_near (shape->x, 140);
  assert_near (shape->y, 120);
  g_clear_pointer (&shape, calque_shape_free);

  /* Shift+A takes the other; one Ctrl+Z gives it back to the model. */
  calque_gui_key ("shift+a");
  g_assert_true (calque_gui_wait_for (n_stored_is, &four));
  g_assert_nonnull (taken_from (f, second));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "37-canvas-predictions-accepted");
  calque_gui_key ("ctrl+z");
  calque_gui_spin (200);
  {
    g_autoptr(CalqueRecord) gone = taken_from (f, second);

    g_assert_null (gone);
  }
  g_assert_true (calque_shape_layer_get_prediction (calque_canvas_get_layer (canvas (f)), second));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* xdotool drives the X server: X, not Wayland. */
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/canvas/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/canvas/annotate", Fixture, NULL, fixture_set_up, test_annotate, fixture_tear_down);
  g_test_add ("/gui/canvas/broken-image", Fixture, NULL, fixture_set_up, test_broken_image, fixture_tear_down);
  g_test_add ("/gui/canvas/keyboard-drawing", Fixture, NULL, fixture_set_up, test_keyboard_drawing, fixture_tear_down);
  g_test_add ("/gui/canvas/huge-polygon", Fixture, NULL, fixture_set_up, test_huge_polygon, fixture_tear_down);
  g_test_add ("/gui/canvas/predictions", Fixture, NULL, fixture_set_up, test_predictions, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
