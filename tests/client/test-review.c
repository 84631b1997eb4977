/* test-review.c — a reviewer's decisions on a real workspace, and calque-cli review
 *
 * Two images, three annotators each, all tasks submitted:
 *  - a.png: alice, bruno and chloe box one cat; alice's and bruno's agree
 *    closely, chloe's is a dog box elsewhere. Agreement is low.
 *  - b.png: alice and bruno box the same cat exactly, chloe too. Agreement 1.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "calque-review.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

typedef struct {
  char            *dir;
  char            *path;          /* the workspace, for calque-cli */
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *cat;
  char            *dog;
  char            *items[2];
  char            *tasks[2][3];   /* alice, bruno, chloe */
} Fixture;

static const char * const annotators[] = { "alice", "bruno", "chloe" };

static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/image.png");
  calque_record_set_int (item, "width", 200);
  calque_record_set_int (item, "height", 200);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static char *
save_task (Fixture    *f,
           const char *item,
           const char *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "submitted");
  calque_record_set_int (task, "updated", g_get_real_time () / 1000 - 1000);
  g_assert_true (calque_store_save (f->store, task, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (task));
}

static void
save_box (Fixture    *f,
          const char *item,
          const char *author,
          const char *label,
          double      x,
          double      y)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, y, 10, 10);
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), label);
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

  f->workspace = calque_test_workspace_new ("calque-review", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->path = g_strdup (calque_workspace_get_path (f->workspace));
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Pets");
  calque_record_set_string (f->project, "type", "image");
  calque_record_set_int (f->project, "overlap", 3);
  g_assert_true (calque_store_save (f->store, f->project, &error));
  g_assert_no_error (error);
  f->cat = calque_test_save_label (f->store, calque_record_get_id (f->project), "cat", "#e01b24", -1);
  f->dog = calque_test_save_label (f->store, calque_record_get_id (f->project), "dog", "#3584e4", -1);
  f->items[0] = save_item (f, "a.png");
  f->items[1] = save_item (f, "b.png");
  for (guint i = 0; i < 2; i++)
    for (guint a = 0; a < 3; a++)
      f->tasks[i][a] = save_task (f, f->items[i], annotators[a]);

  /* a.png: alice (10, 10) and bruno (12, 10) agree (IoU 80/120); chloe
   * boxes a dog at (100, 100). */
  save_box (f, f->items[0], "alice", f->cat, 10, 10);
  save_box (f, f->items[0], "bruno", f->cat, 12, 10);
  save_box (f, f->items[0], "chloe", f->dog, 100, 100);
  /* b.png: all three agree exactly. */
  for (guint a = 0; a < 3; a++)
    save_box (f, f->items[1], annotators[a], f->cat, 50, 50);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->workspace);
  g_clear_object (&f->project);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->cat);
  g_free (f->dog);
  for (guint i = 0; i < 2; i++)
    {
      g_free (f->items[i]);
      for (guint a = 0; a < 3; a++)
        g_free (f->tasks[i][a]);
    }
}

static char *
task_state (Fixture    *f,
            const char *task_id)
{
  g_autoptr(CalqueRecord) task = calque_store_get (f->store, task_id, NULL);

  g_assert_nonnull (task);
  return g_strdup (calque_record_get_string (task, "state"));
}

static void
assert_state (Fixture    *f,
              const char *task_id,
              const char *state)
{
  g_autofree char *found = task_state (f, task_id);

  g_assert_cmpstr (found, ==, state);
}

/* The live annotations of @item by @author. */
static GPtrArray *
annotations_of (Fixture    *f,
                const char *item,
                const char *author)
{
  g_autoptr(GPtrArray) all = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, item, NULL);
  GPtrArray *mine = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (calque_record_get_string (all->pdata[i], "author"), author) == 0)
      g_ptr_array_add (mine, g_object_ref (all->pdata[i]));
  return mine;
}

static gint64
outbox (Fixture *f)
{
  return calque_store_get_outbox_size (f->store, NULL);
}

/* Merge of a.png: two of three agree → one box, the median of alice's and
 * bruno's edges (left 11, top 10, 10 × 10), labelled cat; chloe's dog is
 * left out. A second merge replaces the reviewer's first version. */
static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  CalqueReviewMergeResult result;
  JsonArray *labels;

  /* An earlier attempt of rita's on the item, which the merge replaces. */
  save_box (f, f->items[0], "rita", f->dog, 150, 150);

  g_assert_true (calque_review_merge (f->store, f->project, f->items[0], "rita", NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_versions, ==, 3);
  g_assert_cmpuint (result.n_shapes, ==, 1);
  g_assert_cmpuint (result.n_unmatched, ==, 1);
  g_assert_cmpuint (result.n_disagreements, ==, 0);

  mine = annotations_of (f, f->items[0], "rita");
  g_assert_cmpuint (mine->len, ==, 1);
  shape = calque_record_dup_shape (mine->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (shape->x, 11, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->y, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->w, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->h, 10, 1e-9);
  labels = json_node_get_array (calque_record_get_field (mine->pdata[0], "labels"));
  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, f->cat);

  for (guint a = 0; a < 3; a++)
    assert_state (f, f->tasks[0][a], "accepted");
  /* b.png is untouched. */
  assert_state (f, f->tasks[1][0], "submitted");

  reviews = calque_store_list_for_item (f->store, CALQUE_KIND_REVIEW, f->items[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "decision"), ==, "merged");
  g_assert_cmpstr (calque_record_get_string (reviews->pdata[0], "reviewer"), ==, "rita");

  /* Nothing is submitted any more: nothing to merge, nothing changes. */
  {
    gint64 before = outbox (f);

    g_assert_false (calque_review_merge (f->store, f->project, f->items[0], "rita", NULL, NULL, &error));
    g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NOTHING);
    g_assert_nonnull (strstr (error->message, "a.png"));
    g_assert_cmpint (outbox (f), ==, before);
    g_clear_error (&error);
  }

  /* Unanimity on b.png keeps the one box all three drew. */
  {
    CalqueConsensusOptions options = { .vote = 1.0, .iou_threshold = 0.5 };
    g_autoptr(GPtrArray) b = NULL;

    g_assert_true (calque_review_merge (f->store, f->project, f->items[1], "rita", &options, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result.n_shapes, ==, 1);
    b = annotations_of (f, f->items[1], "rita");
    g_assert_cmpuint (b->len, ==, 1);
  }
}

/* Accept and reject: the task's state, the review, the comment; and the
 * errors that change nothing. */
static void
test_accept_reject (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GPtrArray) history = NULL;
  CalqueReviewEntry *entry;
  gint64 before;

  g_assert_true (calque_review_accept (f->store, f->project, f->items[0], "bruno", "rita", &error));
  g_assert_no_error (error);
  assert_state (f, f->tasks[0][1], "accepted");
  assert_state (f, f->tasks[0][0], "submitted");

  /* Bruno's task is accepted now: not submitted, refused, nothing saved. */
  before = outbox (f);
  g_assert_false (calque_review_accept (f->store, f->project, f->items[0], "bruno", "rita", &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_TASK);
  g_assert_nonnull (strstr (error->message, "bruno"));
  g_clear_error (&error);
  g_assert_false (calque_review_accept (f->store, f->project, f->items[0], "zoe", "rita", &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_TASK);
  g_assert_nonnull (strstr (error->message, "zoe"));
  g_clear_error (&error);
  g_assert_false (calque_review_accept (f->store, f->project, "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d94",
                                        "alice", "rita", &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_ITEM);
  g_clear_error (&error);
  /* A rejection without a word is refused. */
  g_assert_false (calque_review_reject (f->store, f->project, f->items[0], "chloe", "rita", "  ", &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (outbox (f), ==, before);
  assert_state (f, f->tasks[0][2], "submitted");

  g_assert_true (calque_review_reject (f->store, f->project, f->items[0], "chloe", "rita",
                                       "That is a cat, and it is at the top left.", &error));
  g_assert_no_error (error);
  assert_state (f, f->tasks[0][2], "rejected");
  comments = calque_store_list_for_item (f->store, CALQUE_KIND_COMMENT, f->items[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (comments->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "author"), ==, "rita");
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "text"), ==, "That is a cat, and it is at the top left.");

  history = calque_review_history (f->store, f->project, f->items[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  entry = history->pdata[0];
  g_assert_cmpstr (entry->decision, ==, "accepted");
  g_assert_cmpstr (entry->annotator, ==, "bruno");
  g_assert_cmpstr (entry->item_name, ==, "a.png");
  g_assert_null (entry->comment);
  entry = history->pdata[1];
  g_assert_cmpstr (entry->decision, ==, "rejected");
  g_assert_cmpstr (entry->annotator, ==, "chloe");
  g_assert_cmpstr (entry->reviewer, ==, "rita");
  g_assert_cmpstr (entry->comment, ==, "That is a cat, and it is at the top left.");
  g_assert_cmpint (entry->created, >=, ((CalqueReviewEntry *) history->pdata[0])->created);
}

/* What the review window highlights: on a.png, with alice and bruno's cats
 * matched, chloe's dog is found by one of three (unmatched at vote 0.5,
 * which needs two); a box alice calls a dog and bruno a cat, at the same
 * place, is matched with labels that differ. At vote 1 every shape is
 * unmatched, as no cluster has all three annotators. */
static CalqueReviewShapeState
state_at (Fixture                *f,
          CalqueReviewComparison *comparison,
          const char             *author,
          double                  x)
{
  g_autoptr(GPtrArray) annotations = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, f->items[0], NULL);

  for (guint i = 0; i < annotations->len; i++)
    {
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotations->pdata[i], NULL);

      if (g_strcmp0 (calque_record_get_string (annotations->pdata[i], "author"), author) == 0 && shape->x == x)
        return calque_review_comparison_get_state (comparison, calque_record_get_id (annotations->pdata[i]));
    }
  g_error ("no annotation of %s at x = %g", author, x);
}

static void
test_compare (Fixture       *f,
              gconstpointer  data)
{
  CalqueConsensusOptions all = { .vote = 1.0, .iou_threshold = 0.5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueReviewComparison) comparison = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  CalqueReviewQueueEntry *entry;

  save_box (f, f->items[0], "alice", f->dog, 150, 150);
  save_box (f, f->items[0], "bruno", f->cat, 150, 150);

  comparison = calque_review_compare (f->store, f->project, f->items[0], "rita", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calque_review_comparison_get_n_versions (comparison), ==, 3);
  g_assert_cmpstr (calque_review_comparison_get_annotator (comparison, 0), ==, "alice");
  g_assert_cmpstr (calque_review_comparison_get_annotator (comparison, 2), ==, "chloe");
  g_assert_true (calque_review_comparison_get_submitted (comparison, 1));
  g_assert_cmpuint (calque_review_comparison_get_n_shapes (comparison, 0), ==, 2);
  g_assert_cmpint (state_at (f, comparison, "alice", 10), ==, CALQUE_REVIEW_SHAPE_AGREED);
  g_assert_cmpint (state_at (f, comparison, "bruno", 12), ==, CALQUE_REVIEW_SHAPE_AGREED);
  g_assert_cmpint (state_at (f, comparison, "chloe", 100), ==, CALQUE_REVIEW_SHAPE_UNMATCHED);
  g_assert_cmpint (state_at (f, comparison, "alice", 150), ==, CALQUE_REVIEW_SHAPE_DISAGREES);
  g_assert_cmpint (state_at (f, comparison, "bruno", 150), ==, CALQUE_REVIEW_SHAPE_DISAGREES);
  g_assert_cmpuint (calque_review_comparison_get_n_unmatched (comparison), ==, 1);
  g_assert_cmpuint (calque_review_comparison_get_n_disagreements (comparison), ==, 1);
  g_assert_cmpint (calque_review_comparison_get_state (comparison, f->items[0]), ==, CALQUE_REVIEW_SHAPE_NONE);
  g_clear_pointer (&comparison, calque_review_comparison_free);

  comparison = calque_review_compare (f->store, f->project, f->items[0], "rita", &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calque_review_comparison_get_n_unmatched (comparison), ==, 5);
  g_assert_cmpint (state_at (f, comparison, "alice", 10), ==, CALQUE_REVIEW_SHAPE_UNMATCHED);
  g_clear_pointer (&comparison, calque_review_comparison_free);

  /* Bad options and a missing item are errors, not a comparison. */
  all.vote = 0;
  g_assert_null (calque_review_compare (f->store, f->project, f->items[0], "rita", &all, &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (calque_review_compare (f->store, f->project, "no-such-item", "rita", NULL, &error));
  g_assert_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_ITEM);
  g_clear_error (&error);

  /* The queue names whose tasks wait. */
  queue = calque_review_queue (f->store, f->project, NULL, &error);
  g_assert_no_error (error);
  entry = queue->pdata[0];
  g_assert_cmpuint (g_strv_length (entry->annotators), ==, 3);
  g_assert_cmpstr (entry->annotators[0], ==, "alice");
  g_assert_cmpstr (entry->annotators[2], ==, "chloe");
}

/* The queue: a.png (low agreement) before b.png (all agree); a review of
 * a.png takes it out, a new submission brings it back. */
static void
test_queue (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = calque_review_queue (f->store, f->project, NULL, &error);
  CalqueReviewQueueEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 2);
  entry = queue->pdata[0];
  g_assert_cmpstr (entry->item_name, ==, "a.png");
  g_assert_cmpuint (entry->n_submitted, ==, 3);
  /* Pairs: alice–bruno F1 1, alice–chloe 0, bruno–chloe 0 → 1/3. */
  g_assert_cmpfloat_with_epsilon (entry->agreement, 1.0 / 3, 1e-9);
  entry = queue->pdata[1];
  g_assert_cmpstr (entry->item_name, ==, "b.png");
  g_assert_cmpfloat_with_epsilon (entry->agreement, 1.0, 1e-9);
  g_clear_pointer (&queue, g_ptr_array_unref);

  /* Bruno's version of a.png is accepted: the others are decided too. */
  g_assert_true (calque_review_accept (f->store, f->project, f->items[0], "bruno", "rita", &error));
  g_assert_no_error (error);
  queue = calque_review_queue (f->store, f->project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_assert_cmpstr (((CalqueReviewQueueEntry *) queue->pdata[0])->item_name, ==, "b.png");
  g_clear_pointer (&queue, g_ptr_array_unref);

  /* Chloe's task of a.png is rejected, she fixes it and submits again. */
  g_assert_true (calque_review_reject (f->store, f->project, f->items[0], "chloe", "rita", "Wrong animal.", &error));
  g_assert_no_error (error);
  {
    g_autoptr(CalqueRecord) task = calque_store_get (f->store, f->tasks[0][2], &error);

    g_assert_no_error (error);
    calque_record_set_string (task, "state", "submitted");
    calque_record_set_int (task, "updated", g_get_real_time () / 1000 + 1000);
    g_assert_true (calque_store_save (f->store, task, &error));
    g_assert_no_error (error);
  }
  queue = calque_review_queue (f->store, f->project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 2);
  g_assert_cmpstr (((CalqueReviewQueueEntry *) queue->pdata[0])->item_name, ==, "a.png");
  g_assert_cmpuint (((CalqueReviewQueueEntry *) queue->pdata[0])->n_submitted, ==, 2);
}

static int
run_cli (Fixture     *f,
         const char **args,
         char       **out,
         char       **err)
{
  const char *cli = g_getenv ("CALQUE_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--workspace");
  g_ptr_array_add (argv, f->path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* calque-cli review: queue --json, merge by item name, history --json,
 * and the errors. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  if (g_getenv ("CALQUE_CLI") == NULL)
    {
      g_test_skip ("CALQUE_CLI is not set: the test runs from meson");
      return;
    }
  g_clear_object (&f->workspace);

  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "queue", "--json", NULL }, &out, &err), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"), ==, "a.png");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "merge", "a.png", NULL }, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "3 versions into 1 shapes"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Refusals: a rejection without a comment (usage), an unknown item,
   * a task that is no longer submitted. */
  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "reject", "b.png", "chloe", NULL }, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--comment"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "accept", "z.png", "chloe", NULL }, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "z.png"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "accept", "a.png", "chloe", NULL }, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "chloe"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "reject", "b.png", "chloe", "--comment", "Box the tail too.",
                                                  NULL }, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "history", "--json", NULL }, &out, &err), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "decision"), ==, "merged");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"), ==, "a.png");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "decision"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "comment"), ==,
                   "Box the tail too.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "annotator"), ==, "chloe");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* b.png's other two tasks are still submitted, and reviewed since:
   * the queue is empty. */
  g_assert_cmpint (run_cli (f, (const char *[]) { "review", "queue", "--json", NULL }, &out, &err), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/review/merge", Fixture, NULL, fixture_set_up, test_merge, fixture_tear_down);
  g_test_add ("/review/accept-reject", Fixture, NULL, fixture_set_up, test_accept_reject, fixture_tear_down);
  g_test_add ("/review/compare", Fixture, NULL, fixture_set_up, test_compare, fixture_tear_down);
  g_test_add ("/review/queue", Fixture, NULL, fixture_set_up, test_queue, fixture_tear_down);
  g_test_add ("/review/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
