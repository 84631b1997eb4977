/* test-editing.c — the canvas's edits and their undo, on a real workspace
 *
 * CalqueItemAnnotations and CalqueHistory over a real store file: every
 * edit is in the store (and its outbox) when the call returns, shapes are
 * clamped to the image, bad geometry is refused with its reason and
 * nothing stored, undo and redo put back exactly the fields a step changed.
 */
#define G_LOG_DOMAIN "test-editing"

#include <math.h>
#include <string.h>

#include "calque-box-tool.h"
#include "calque-history.h"
#include "calque-point-tool.h"
#include "calque-polygon-tool.h"
#include "calque-select-tool.h"
#include "calque-item-annotations.h"
#include "calque-store.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

typedef struct {
  char                  *dir;
  CalqueStore           *store;
  CalqueHistory         *history;
  CalqueRecord          *item;
  CalqueItemAnnotations *annotations;
  char                  *label_cat;
  char                  *label_dog;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("calque-editing-XXXXXX", &error);
  path = g_build_filename (f->dir, "workspace.sqlite", NULL);
  f->store = calque_store_open (path, &error);
  g_assert_no_error (error);

  calque_record_set_string (project, "name", "Pets");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (f->store, project, &error));
  f->label_cat = calque_test_save_label (f->store, calque_record_get_id (project), "cat", "#e01b24", -1);
  f->label_dog = calque_test_save_label (f->store, calque_record_get_id (project), "dog", "#3584e4", -1);

  f->item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  calque_record_set_string (f->item, "media", "image");
  calque_record_set_string (f->item, "name", "sofa.jpg");
  calque_record_set_string (f->item, "url", "https://media.example.org/sofa.jpg");
  calque_record_set_int (f->item, "width", 640);
  calque_record_set_int (f->item, "height", 480);
  g_assert_true (calque_store_save (f->store, f->item, &error));

  f->history = calque_history_new (f->store);
  f->annotations = calque_item_annotations_new (f->store, f->history, f->item, "amelie", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->annotations);
  g_clear_object (&f->history);
  g_clear_object (&f->item);
  g_clear_object (&f->store);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->label_cat);
  g_free (f->label_dog);
}

static CalqueShape *
stored_shape (Fixture    *f,
              const char *id)
{
  g_autoptr(CalqueRecord) record = calque_store_get (f->store, id, NULL);

  g_assert_nonnull (record);
  return calque_record_dup_shape (record, NULL);
}

static gboolean
stored_deleted (Fixture    *f,
                const char *id)
{
  g_autoptr(CalqueRecord) record = calque_store_get (f->store, id, NULL);

  g_assert_nonnull (record);
  return calque_record_get_deleted (record);
}

/* A box drawn past the edge stops at it; it is stored with its outbox
 * entry, in the model, and undoable. */
static void
test_add_box_clamped (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueShape) box = calque_shape_new_box (600, -20, 100, 60);
  g_autoptr(CalqueShape) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *labels[] = { f->label_cat, NULL };
  gint64 outbox_before = calque_store_get_outbox_size (f->store, NULL);
  g_autofree char *id = calque_item_annotations_add (f->annotations, box, labels, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  stored = stored_shape (f, id);
  g_assert_cmpfloat (stored->x, ==, 600);
  g_assert_cmpfloat (stored->y, ==, 0);
  g_assert_cmpfloat (stored->w, ==, 40);
  g_assert_cmpfloat (stored->h, ==, 40);
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox_before + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 1);
  g_assert_true (calque_history_can_undo (f->history));
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Draw Box");
}

/* Undoing the drawing deletes it (a tombstone, synced); redo brings it
 * back under the same id. */
static void
test_undo_redo_add (Fixture       *f,
                    gconstpointer  data)
{
  const double coords[] = { 10, 10, 100, 20, 50, 90 };
  g_autoptr(CalqueShape) triangle = calque_shape_new_polygon (coords, 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = calque_item_annotations_add (f->annotations, triangle, NULL, &error);
  g_autofree char *redo_label = NULL;

  g_assert_no_error (error);
  g_assert_true (calque_history_undo (f->history, &error));
  g_assert_no_error (error);
  g_assert_true (stored_deleted (f, id));
  calque_item_annotations_reload_records (f->annotations, (const char *[]) { id, NULL });
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 0);
  g_assert_false (calque_history_can_undo (f->history));
  g_assert_cmpstr (calque_history_get_redo_label (f->history), ==, "Draw Polygon");

  g_assert_true (calque_history_redo (f->history, &error));
  g_assert_no_error (error);
  g_assert_false (stored_deleted (f, id));
  calque_item_annotations_reload_records (f->annotations, (const char *[]) { id, NULL });
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 1);
  g_assert_nonnull (calque_item_annotations_lookup (f->annotations, id));
}

/* A vertex dragged in many small moves is one step; undo puts the shape
 * back as it was before the drag. */
static void
test_group_is_one_step (Fixture       *f,
                        gconstpointer  data)
{
  const double coords[] = { 10, 10, 100, 20, 50, 90 };
  g_autoptr(CalqueShape) triangle = calque_shape_new_polygon (coords, 3);
  g_autoptr(CalqueShape) after_undo = NULL;
  g_autoptr(CalqueShape) after_redo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = calque_item_annotations_add (f->annotations, triangle, NULL, &error);

  calque_history_begin_group (f->history, "Move Vertex");
  for (int step = 1; step <= 20; step++)
    {
      g_autoptr(CalqueShape) moved = calque_shape_copy (triangle);

      g_array_index (moved->points, double, 4) = 50 + step;
      g_assert_true (calque_item_annotations_set_shape (f->annotations, id, moved, &error));
      g_assert_no_error (error);
    }
  calque_history_end_group (f->history);
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Move Vertex");

  g_assert_true (calque_history_undo (f->history, &error));
  after_undo = stored_shape (f, id);
  g_assert_cmpfloat (g_array_index (after_undo->points, double, 4), ==, 50);
  /* The drawing itself is the next step back. */
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Draw Polygon");

  g_assert_true (calque_history_redo (f->history, &error));
  after_redo = stored_shape (f, id);
  g_assert_cmpfloat (g_array_index (after_redo->points, double, 4), ==, 70);
}

/* Undo sets back the fields the step changed, and no other: a label a
 * teammate set since stays. */
static void
test_undo_keeps_others_fields (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 50, 50);
  g_autoptr(CalqueShape) moved = calque_shape_new_box (200, 200, 50, 50);
  g_autoptr(CalqueShape) back = NULL;
  g_autoptr(CalqueRecord) theirs = NULL;
  g_autoptr(CalqueRecord) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *cat[] = { f->label_cat, NULL };
  g_autofree char *id = calque_item_annotations_add (f->annotations, box, cat, &error);
  JsonArray *labels;

  g_assert_true (calque_item_annotations_set_shape (f->annotations, id, moved, &error));

  /* Meanwhile, a teammate's change arrives: the label is now dog. */
  theirs = calque_store_get (f->store, id, NULL);
  {
    JsonNode *node = json_node_new (JSON_NODE_ARRAY);
    JsonArray *array = json_array_new ();

    json_array_add_string_element (array, f->label_dog);
    json_node_take_array (node, array);
    calque_record_set_field (theirs, "labels", node);
  }
  g_assert_true (calque_store_save (f->store, theirs, &error));

  g_assert_true (calque_history_undo (f->history, &error));
  after = calque_store_get (f->store, id, NULL);
  back = calque_record_dup_shape (after, NULL);
  g_assert_cmpfloat (back->x, ==, 10);
  labels = json_node_get_array (calque_record_get_field (after, "labels"));
  g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, f->label_dog);
}

/* Geometry that is not finite is refused with its reason; nothing is
 * stored and nothing is added to the history. */
static void
test_bad_geometry_refused (Fixture       *f,
                           gconstpointer  data)
{
  const double coords[] = { 10, 10, NAN, 20, 50, 90 };
  g_autoptr(CalqueShape) broken = calque_shape_new_polygon (coords, 3);
  g_autoptr(GError) error = NULL;
  gint64 outbox_before = calque_store_get_outbox_size (f->store, NULL);
  g_autofree char *id = calque_item_annotations_add (f->annotations, broken, NULL, &error);

  g_assert_null (id);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "shape"));
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox_before);
  g_assert_false (calque_history_can_undo (f->history));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 0);
}

/* Labels, attributes, confidence and deletion, each undoable. */
static void
test_fields_and_remove (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CalqueShape) point = calque_shape_new_point (320, 240);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) occluded = json_node_init_boolean (json_node_alloc (), TRUE);
  const char *both[] = { f->label_cat, f->label_dog, NULL };
  g_autofree char *id = calque_item_annotations_add (f->annotations, point, NULL, &error);
  CalqueRecord *shown;

  g_assert_true (calque_item_annotations_set_labels (f->annotations, id, both, &error));
  g_assert_true (calque_item_annotations_set_attribute (f->annotations, id, "occluded", occluded, &error));
  g_assert_true (calque_item_annotations_set_confidence (f->annotations, id, 0.75, &error));
  g_assert_no_error (error);
  shown = calque_item_annotations_lookup (f->annotations, id);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (calque_record_get_field (shown, "labels"))), ==, 2);
  g_assert_true (json_object_get_boolean_member (
    json_node_get_object (calque_record_get_field (shown, "attributes")), "occluded"));
  g_assert_cmpfloat (calque_record_get_double (shown, "confidence", 0), ==, 0.75);

  g_assert_true (calque_item_annotations_remove (f->annotations, id, &error));
  g_assert_true (stored_deleted (f, id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 0);
  g_assert_true (calque_history_undo (f->history, &error));
  g_assert_false (stored_deleted (f, id));

  /* Three more undos take back confidence, attribute and labels. */
  for (int i = 0; i < 3; i++)
    g_assert_true (calque_history_undo (f->history, &error));
  {
    g_autoptr(CalqueRecord) first = calque_store_get (f->store, id, NULL);

    g_assert_false (calque_record_has_field (first, "confidence"));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (calque_record_get_field (first, "labels"))), ==, 0);
  }
}

/* A change from elsewhere (the sync) shows in the model when told. */
static void
test_reload_from_elsewhere (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_project (f->item));
  g_autoptr(CalqueShape) box = calque_shape_new_box (1, 2, 3, 4);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (annotation, "item", calque_record_get_id (f->item));
  calque_record_set_string (annotation, "author", "bruno");
  calque_record_set_field (annotation, "labels", json_node_init_array (json_node_alloc (), json_array_new ()));
  calque_record_set_shape (annotation, box);
  g_assert_true (calque_store_put_merged (f->store, annotation, &error));
  g_assert_no_error (error);

  calque_item_annotations_reload_records (f->annotations,
                                          (const char *[]) { calque_record_get_id (annotation), "not-an-id", NULL });
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 1);

  /* Deleted elsewhere, then read again as a whole: it leaves the model. */
  calque_record_set_deleted (annotation, TRUE);
  g_assert_true (calque_store_put_merged (f->store, annotation, &error));
  calque_item_annotations_reload_all (f->annotations);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 0);
  /* And back. */
  calque_record_set_deleted (annotation, FALSE);
  g_assert_true (calque_store_put_merged (f->store, annotation, &error));
  calque_item_annotations_reload_all (f->annotations);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->annotations)), ==, 1);
}

static guint
n_annotations (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->annotations));
}

/* A model's prediction, as `calque-cli import --predictions` stores it. */
static char *
put_prediction (Fixture *f,
                double   x,
                double   score)
{
  g_autoptr(CalqueRecord) prediction = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_project (f->item));
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, 20, 30, 40);
  g_autoptr(JsonArray) labels = json_array_new ();
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (labels, f->label_dog);
  calque_record_set_string (prediction, "item", calque_record_get_id (f->item));
  calque_record_set_string (prediction, "author", "model:detector");
  calque_record_set_field (prediction, "labels", json_node_init_array (json_node_alloc (), labels));
  calque_record_set_shape (prediction, box);
  calque_record_set_double (prediction, "confidence", score);
  g_assert_true (calque_store_put_merged (f->store, prediction, &error));
  g_assert_no_error (error);
  calque_item_annotations_reload_records (f->annotations, (const char *[]) { calque_record_get_id (prediction), NULL });
  return g_strdup (calque_record_get_id (prediction));
}

static void
replaced_cb (CalqueItemAnnotations *annotations,
             const char            *old_id,
             const char            *new_id,
             gpointer               user_data)
{
  char **out = user_data;

  g_free (*out);
  *out = g_strdup_printf ("%s>%s", old_id, new_id);
}

/* Predictions: accepted or fixed, they become the author's own annotation
 * (with the prediction as source) and the prediction leaves the model; the
 * prediction itself never changes; undo brings it back; it cannot be
 * deleted; a new model of the same item hides the predictions taken. */
static void
test_predictions (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *first = put_prediction (f, 10, 0.9);
  g_autofree char *second = put_prediction (f, 100, 0.6);
  g_autofree char *third = put_prediction (f, 200, 0.3);
  g_autofree char *own = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(CalqueShape) moved = calque_shape_new_box (12, 22, 30, 40);
  g_autoptr(CalqueRecord) stored_first = NULL;
  g_autoptr(GError) error = NULL;
  const char *cat[] = { f->label_cat, NULL };

  g_signal_connect (f->annotations, "replaced", G_CALLBACK (replaced_cb), &replaced);
  g_assert_cmpuint (n_annotations (f), ==, 3);
  g_assert_true (calque_item_annotations_is_prediction (f->annotations, first));
  g_assert_true (calque_item_annotations_record_is_prediction (f->annotations,
                                                               calque_item_annotations_lookup (f->annotations, first)));

  /* Accept: a copy of amelie's, without the model's score. */
  own = calque_item_annotations_accept (f->annotations, first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);
  expected = g_strdup_printf ("%s>%s", first, own);
  g_assert_cmpstr (replaced, ==, expected);
  g_assert_cmpuint (n_annotations (f), ==, 3);
  {
    CalqueRecord *mine = calque_item_annotations_lookup (f->annotations, own);

    g_assert_cmpstr (calque_record_get_string (mine, "author"), ==, "amelie");
    g_assert_cmpstr (calque_record_get_string (mine, "source"), ==, first);
    g_assert_false (calque_record_has_field (mine, "confidence"));
    /* The prediction's id now finds amelie's version. */
    g_assert_true (calque_item_annotations_lookup (f->annotations, first) == mine);
    g_assert_false (calque_item_annotations_is_prediction (f->annotations, first));
    g_assert_false (calque_item_annotations_record_is_prediction (f->annotations, mine));
  }

  /* Fix: moving the prediction's id moves amelie's version, not the
   * prediction, which stays as the model made it. */
  g_assert_true (calque_item_annotations_set_shape (f->annotations, first, moved, &error));
  stored_first = calque_store_get (f->store, first, NULL);
  {
    g_autoptr(CalqueShape) original = calque_record_dup_shape (stored_first, NULL);
    g_autoptr(CalqueShape) fixed = stored_shape (f, own);

    g_assert_cmpfloat (original->x, ==, 10);
    g_assert_cmpfloat (fixed->x, ==, 12);
  }

  /* Relabel the second directly: made amelie's at once, in one step. */
  g_assert_true (calque_item_annotations_set_labels (f->annotations, second, cat, &error));
  g_assert_cmpuint (n_annotations (f), ==, 3);
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Change Labels");
  g_assert_true (calque_history_undo (f->history, &error));
  calque_item_annotations_reload_all (f->annotations);
  g_assert_true (calque_item_annotations_is_prediction (f->annotations, second));

  /* A prediction is not deleted: it is every annotator's. */
  g_assert_false (calque_item_annotations_remove (f->annotations, third, &error));
  g_assert_error (error, CALQUE_ITEM_ANNOTATIONS_ERROR, CALQUE_ITEM_ANNOTATIONS_ERROR_PREDICTION);
  g_assert_nonnull (strstr (error->message, "“detector”"));
  g_assert_false (stored_deleted (f, third));
  g_clear_error (&error);

  /* Accept all: the two left, in one step. */
  g_assert_cmpuint (calque_item_annotations_accept_all (f->annotations, &error), ==, 2);
  g_assert_no_error (error);
  for (guint i = 0; i < n_annotations (f); i++)
    {
      g_autoptr(CalqueRecord) record = g_list_model_get_item (G_LIST_MODEL (f->annotations), i);

      g_assert_cmpstr (calque_record_get_string (record, "author"), ==, "amelie");
    }
  g_assert_cmpuint (calque_item_annotations_accept_all (f->annotations, &error), ==, 0);

  /* Opened again (another session): the taken predictions stay hidden. */
  {
    g_autoptr(CalqueItemAnnotations) again = calque_item_annotations_new (f->store, f->history, f->item, "amelie", &error);
    g_autoptr(CalqueItemAnnotations) other = calque_item_annotations_new (f->store, f->history, f->item, "bruno", &error);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
    /* bruno sees the three predictions and amelie's three. */
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 6);
  }
}

static CalqueRecord *
last_annotation (Fixture *f)
{
  guint n = n_annotations (f);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (G_LIST_MODEL (f->annotations), n - 1);
}

static CalqueTool *
tool_for (Fixture    *f,
          CalqueTool *tool)
{
  const char *labels[] = { f->label_cat, NULL };

  calque_tool_set_annotations (tool, f->annotations);
  calque_tool_set_labels (tool, labels);
  calque_tool_set_scale (tool, 2.0);   /* zoomed in 2×: 1 image px is 2 screen px */
  return tool;
}

/* Drag a box in any direction; a slip is not a box; Escape drops one. */
static void
test_box_tool (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CalqueTool) tool = tool_for (f, calque_box_tool_new ());
  g_autoptr(CalqueRecord) made = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  /* From bottom-right to top-left. */
  calque_tool_press (tool, 300, 200, 1);
  calque_tool_motion (tool, 200, 150);
  g_assert_nonnull (calque_tool_get_preview (tool));
  calque_tool_release (tool, 100, 120);
  g_assert_null (calque_tool_get_preview (tool));
  g_assert_cmpuint (n_annotations (f), ==, 1);
  made = last_annotation (f);
  shape = calque_record_dup_shape (made, NULL);
  g_assert_cmpfloat (shape->x, ==, 100);
  g_assert_cmpfloat (shape->y, ==, 120);
  g_assert_cmpfloat (shape->w, ==, 200);
  g_assert_cmpfloat (shape->h, ==, 80);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (calque_record_get_field (made, "labels")), 0),
                   ==, f->label_cat);

  /* One image pixel is two screen pixels: a 1-pixel drag is a slip. */
  calque_tool_press (tool, 10, 10, 1);
  calque_tool_release (tool, 11, 11);
  g_assert_cmpuint (n_annotations (f), ==, 1);

  calque_tool_press (tool, 10, 10, 1);
  calque_tool_motion (tool, 60, 60);
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_ESCAPE));
  g_assert_null (calque_tool_get_preview (tool));
  calque_tool_release (tool, 60, 60);
  g_assert_cmpuint (n_annotations (f), ==, 1);
}

/* Click, click, click, then a double click, Enter or the first point again. */
static void
test_polygon_tool (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CalqueTool) tool = tool_for (f, calque_polygon_tool_new (TRUE));
  g_autoptr(CalqueRecord) first = NULL;
  g_autoptr(CalqueRecord) second = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  /* Two points are no polygon yet: Enter waits. */
  calque_tool_press (tool, 10, 10, 1);
  calque_tool_press (tool, 100, 10, 1);
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_ENTER));
  g_assert_cmpuint (n_annotations (f), ==, 0);
  calque_tool_motion (tool, 100, 100);
  g_assert_cmpuint (calque_shape_get_n_points (calque_tool_get_preview (tool)), ==, 3);
  calque_tool_press (tool, 100, 100, 1);
  calque_tool_press (tool, 100, 100, 2);   /* the double click */
  g_assert_cmpuint (n_annotations (f), ==, 1);
  first = last_annotation (f);
  shape = calque_record_dup_shape (first, NULL);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_POLYGON);
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 3);
  g_clear_pointer (&shape, calque_shape_free);

  /* A slip is taken back with Backspace; a click on the first point closes. */
  calque_tool_press (tool, 200, 200, 1);
  calque_tool_press (tool, 300, 200, 1);
  calque_tool_press (tool, 999, 999, 1);
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_BACKSPACE));
  calque_tool_press (tool, 300, 300, 1);
  calque_tool_press (tool, 202, 201, 1);   /* 2.2 image px = 4.5 screen px from the first */
  g_assert_cmpuint (n_annotations (f), ==, 2);
  second = last_annotation (f);
  shape = calque_record_dup_shape (second, NULL);
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 3);
  g_assert_cmpfloat (g_array_index (shape->points, double, 4), ==, 300);
  g_assert_cmpfloat (g_array_index (shape->points, double, 5), ==, 300);

  /* Escape drops a polygon under way. */
  calque_tool_press (tool, 10, 300, 1);
  calque_tool_press (tool, 50, 300, 1);
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_ESCAPE));
  g_assert_null (calque_tool_get_preview (tool));
  g_assert_false (calque_tool_key (tool, CALQUE_TOOL_KEY_ENTER));
  g_assert_cmpuint (n_annotations (f), ==, 2);

  /* Each is one undo step. */
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Draw Polygon");
}

static void
test_polyline_and_point_tools (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CalqueTool) line = tool_for (f, calque_polygon_tool_new (FALSE));
  g_autoptr(CalqueTool) point = tool_for (f, calque_point_tool_new ());
  g_autoptr(CalqueRecord) made = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  calque_tool_press (line, 10, 10, 1);
  calque_tool_press (line, 700, 10, 1);    /* past the right edge: clamped */
  g_assert_true (calque_tool_key (line, CALQUE_TOOL_KEY_ENTER));
  made = last_annotation (f);
  shape = calque_record_dup_shape (made, NULL);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_POLYLINE);
  g_assert_cmpfloat (g_array_index (shape->points, double, 2), ==, 640);
  g_clear_object (&made);
  g_clear_pointer (&shape, calque_shape_free);

  calque_tool_press (point, 320, 240, 1);
  calque_tool_press (point, 320, 240, 2);  /* the double click's second press adds nothing */
  g_assert_cmpuint (n_annotations (f), ==, 2);
  made = last_annotation (f);
  shape = calque_record_dup_shape (made, NULL);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_POINT);
}

/* The layer as the canvas keeps it: one shape per annotation. */
static void
fill_layer (Fixture          *f,
            CalqueShapeLayer *layer)
{
  calque_shape_layer_clear (layer);
  for (guint i = 0; i < n_annotations (f); i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (f->annotations), i);
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);

      calque_shape_layer_set_shape (layer, calque_record_get_id (annotation), shape, 0xff0000ffu);
    }
}

static CalqueShape *
shape_of (Fixture    *f,
          const char *id)
{
  return calque_record_dup_shape (calque_item_annotations_lookup (f->annotations, id), NULL);
}

/* Move, resize, reshape, delete, and leave alone what is locked: at a
 * zoom of 1, screen and image pixels are the same. */
static void
test_select_tool (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueTool) tool = calque_select_tool_new (layer);
  CalqueViewport vp = { .scale = 1.0, .offset_x = 0, .offset_y = 0, .width = 640, .height = 480 };
  g_autoptr(CalqueShape) box = calque_shape_new_box (100, 100, 100, 50);
  const double coords[] = { 300, 100, 400, 100, 400, 200 };
  g_autoptr(CalqueShape) triangle = calque_shape_new_polygon (coords, 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *box_id = calque_item_annotations_add (f->annotations, box, NULL, &error);
  g_autofree char *triangle_id = calque_item_annotations_add (f->annotations, triangle, NULL, &error);
  CalqueShape *now;

  calque_tool_set_annotations (tool, f->annotations);
  calque_select_tool_set_viewport (CALQUE_SELECT_TOOL (tool), &vp);
  fill_layer (f, layer);

  /* Drag the inside: the box moves, once saved, one undo step. */
  calque_tool_press (tool, 150, 125, 1);
  g_assert_cmpstr (calque_select_tool_get_selected (CALQUE_SELECT_TOOL (tool)), ==, box_id);
  calque_tool_motion (tool, 170, 135);
  g_assert_nonnull (calque_tool_get_preview (tool));
  calque_tool_release (tool, 180, 145);
  now = shape_of (f, box_id);
  g_assert_cmpfloat (now->x, ==, 130);
  g_assert_cmpfloat (now->y, ==, 120);
  calque_shape_free (now);
  g_assert_cmpstr (calque_history_get_undo_label (f->history), ==, "Edit Shape");
  fill_layer (f, layer);

  /* The bottom-right handle resizes it. */
  calque_tool_press (tool, 230, 170, 1);
  calque_tool_release (tool, 250, 200);
  now = shape_of (f, box_id);
  g_assert_cmpfloat (now->w, ==, 120);
  g_assert_cmpfloat (now->h, ==, 80);
  calque_shape_free (now);
  fill_layer (f, layer);

  /* A vertex of the triangle follows the drag. */
  calque_tool_press (tool, 400, 200, 1);
  calque_tool_release (tool, 420, 230);
  now = shape_of (f, triangle_id);
  g_assert_cmpfloat (g_array_index (now->points, double, 4), ==, 420);
  g_assert_cmpfloat (g_array_index (now->points, double, 5), ==, 230);
  calque_shape_free (now);
  fill_layer (f, layer);

  /* A press on an edge inserts a vertex there; Backspace deletes it. */
  calque_tool_press (tool, 350, 100, 1);
  calque_tool_release (tool, 350, 100);
  now = shape_of (f, triangle_id);
  g_assert_cmpuint (calque_shape_get_n_points (now), ==, 4);
  g_assert_cmpfloat (g_array_index (now->points, double, 2), ==, 350);
  calque_shape_free (now);
  fill_layer (f, layer);
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_BACKSPACE));
  now = shape_of (f, triangle_id);
  g_assert_cmpuint (calque_shape_get_n_points (now), ==, 3);
  calque_shape_free (now);
  fill_layer (f, layer);
  /* A triangle keeps its three. */
  calque_tool_press (tool, 300, 100, 1);
  calque_tool_release (tool, 300, 100);
  g_assert_false (calque_tool_key (tool, CALQUE_TOOL_KEY_BACKSPACE));

  /* Locked, the box is not picked: a press there selects nothing. */
  calque_select_tool_set_locked (CALQUE_SELECT_TOOL (tool), box_id, TRUE);
  calque_tool_press (tool, 180, 150, 1);
  calque_tool_release (tool, 200, 170);
  g_assert_null (calque_select_tool_get_selected (CALQUE_SELECT_TOOL (tool)));
  now = shape_of (f, box_id);
  g_assert_cmpfloat (now->x, ==, 130);
  calque_shape_free (now);
  calque_select_tool_set_locked (CALQUE_SELECT_TOOL (tool), box_id, FALSE);

  /* The arrow keys nudge the selected shape. */
  calque_tool_press (tool, 180, 150, 1);
  calque_tool_release (tool, 180, 150);
  g_assert_true (calque_select_tool_nudge (CALQUE_SELECT_TOOL (tool), 10, -1));
  now = shape_of (f, box_id);
  g_assert_cmpfloat (now->x, ==, 140);
  g_assert_cmpfloat (now->y, ==, 119);
  calque_shape_free (now);
  fill_layer (f, layer);

  /* Delete removes the selected annotation. */
  g_assert_true (calque_tool_key (tool, CALQUE_TOOL_KEY_DELETE));
  g_assert_null (calque_item_annotations_lookup (f->annotations, box_id));
  g_assert_cmpuint (n_annotations (f), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/editing/add-box-clamped", test_add_box_clamped);
  ADD ("/editing/undo-redo-add", test_undo_redo_add);
  ADD ("/editing/group-is-one-step", test_group_is_one_step);
  ADD ("/editing/undo-keeps-others-fields", test_undo_keeps_others_fields);
  ADD ("/editing/bad-geometry-refused", test_bad_geometry_refused);
  ADD ("/editing/fields-and-remove", test_fields_and_remove);
  ADD ("/editing/reload-from-elsewhere", test_reload_from_elsewhere);
  ADD ("/editing/predictions", test_predictions);
  ADD ("/editing/tools/box", test_box_tool);
  ADD ("/editing/tools/polygon", test_polygon_tool);
  ADD ("/editing/tools/polyline-and-point", test_polyline_and_point_tools);
  ADD ("/editing/tools/select", test_select_tool);
  return g_test_run ();
}
