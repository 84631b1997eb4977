/* test-access.c — every cell of the role × action matrix
 *
 * One subtest per cell: /access/<action>/<role>. The expected answers are
 * the table below, read as the policy of calque-access.h; a change of
 * policy is a change of this table.
 */
#include "calque-access.h"

#include <string.h>

#define P "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"

/* The people: the session's user is amelie; bruno is another annotator. */
#define ME "amelie"
#define OTHER "bruno"

typedef struct {
  CalqueRecord *project, *item, *label, *member_annotator, *member_owner;
  CalqueRecord *my_task_new, *my_task_doing, *other_task, *submitted_task;
  CalqueRecord *my_annotation, *other_annotation, *prediction;
  CalqueRecord *my_comment, *other_comment, *item_comment;
} World;

static World world;

static CalqueRecord *
make (CalqueKind kind, const char *k1, const char *v1, const char *k2, const char *v2,
      const char *k3, const char *v3)
{
  CalqueRecord *r = kind == CALQUE_KIND_PROJECT ? calque_record_new (kind, NULL) : calque_record_new (kind, P);

  if (k1) calque_record_set_string (r, k1, v1);
  if (k2) calque_record_set_string (r, k2, v2);
  if (k3) calque_record_set_string (r, k3, v3);
  return r;
}

static void
build_world (void)
{
  world.project = make (CALQUE_KIND_PROJECT, "name", "Birds", "type", "image", NULL, NULL);
  world.item = make (CALQUE_KIND_ITEM, "media", "text", "name", "t:1", "text", "hello");
  world.label = make (CALQUE_KIND_LABEL, "name", "tit", "color", "#e01b24", NULL, NULL);
  world.member_annotator = make (CALQUE_KIND_MEMBER, "user", "carl", "role", "annotator", NULL, NULL);
  world.member_owner = make (CALQUE_KIND_MEMBER, "user", "dana", "role", "owner", NULL, NULL);
  world.my_task_new = make (CALQUE_KIND_TASK, "annotator", ME, "state", "new", NULL, NULL);
  world.my_task_doing = make (CALQUE_KIND_TASK, "annotator", ME, "state", "in_progress", NULL, NULL);
  world.other_task = make (CALQUE_KIND_TASK, "annotator", OTHER, "state", "new", NULL, NULL);
  world.submitted_task = make (CALQUE_KIND_TASK, "annotator", OTHER, "state", "submitted", NULL, NULL);
  world.my_annotation = make (CALQUE_KIND_ANNOTATION, "author", ME, "task",
                              calque_record_get_id (world.my_task_doing), NULL, NULL);
  world.other_annotation = make (CALQUE_KIND_ANNOTATION, "author", OTHER, "task",
                                 calque_record_get_id (world.other_task), NULL, NULL);
  world.prediction = make (CALQUE_KIND_ANNOTATION, "author", "model:detector", NULL, NULL, NULL, NULL);
  world.my_comment = make (CALQUE_KIND_COMMENT, "author", ME, "text", "mine", NULL, NULL);
  world.other_comment = make (CALQUE_KIND_COMMENT, "author", OTHER, "text", "theirs",
                              "annotation", calque_record_get_id (world.other_annotation));
  world.item_comment = make (CALQUE_KIND_COMMENT, "author", OTHER, "text", "on the item", NULL, NULL);
}

/* A change of @record's kind and id, setting one string field (or none). */
static CalqueChange *
change_for (CalqueRecord *record,
            CalqueKind    kind,
            const char   *field,
            const char   *value)
{
  CalqueChange *change = calque_change_new ("0192d4e8-7c4b-7a31-9f02-00000000000a", 1, kind,
                                            record ? calque_record_get_id (record)
                                                   : "0192d4e8-7c4b-7a31-9f02-0000000000ff", P);
  if (field)
    calque_change_set_field (change, field, json_node_init_string (json_node_alloc (), value));
  return change;
}

typedef gboolean (*Action) (const CalqueAccessContext *ctx);

static gboolean
write_ok (const CalqueAccessContext *ctx, CalqueRecord *current, CalqueChange *change, CalqueRecord *task)
{
  g_autoptr(CalqueChange) owned = change;
  g_autoptr(GError) error = NULL;
  gboolean ok = calque_access_can_write (ctx, current, owned, task, &error);

  /* A refusal always says why. */
  g_assert_true (ok ? error == NULL : (error != NULL && *error->message));
  return ok;
}

static gboolean read_item (const CalqueAccessContext *c) { return calque_access_can_read (c, world.item, NULL); }
static gboolean read_own_annotation (const CalqueAccessContext *c) { return calque_access_can_read (c, world.my_annotation, world.my_annotation); }
static gboolean read_other_annotation_blind (const CalqueAccessContext *c) { return calque_access_can_read (c, world.other_annotation, world.other_annotation); }
static gboolean read_prediction_blind (const CalqueAccessContext *c) { return calque_access_can_read (c, world.prediction, world.prediction); }
static gboolean edit_prediction (const CalqueAccessContext *c) { return write_ok (c, world.prediction, change_for (world.prediction, CALQUE_KIND_ANNOTATION, "author", "model:detector"), world.my_task_doing); }
static gboolean annotate_as_model (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_ANNOTATION, "author", "model:detector"), world.my_task_doing); }
static gboolean read_other_comment_blind (const CalqueAccessContext *c) { return calque_access_can_read (c, world.other_comment, world.other_annotation); }
static gboolean read_item_comment_blind (const CalqueAccessContext *c) { return calque_access_can_read (c, world.item_comment, NULL); }
static gboolean edit_project (const CalqueAccessContext *c) { return write_ok (c, world.project, change_for (world.project, CALQUE_KIND_PROJECT, "name", "Oiseaux"), NULL); }
static gboolean add_annotator (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_MEMBER, "role", "annotator"), NULL); }
static gboolean make_owner (const CalqueAccessContext *c) { return write_ok (c, world.member_annotator, change_for (world.member_annotator, CALQUE_KIND_MEMBER, "role", "owner"), NULL); }
static gboolean demote_owner (const CalqueAccessContext *c) { return write_ok (c, world.member_owner, change_for (world.member_owner, CALQUE_KIND_MEMBER, "role", "viewer"), NULL); }
static gboolean create_label (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_LABEL, "name", "wren"), NULL); }
static gboolean create_item (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_ITEM, "name", "x.png"), NULL); }
static gboolean assign_task (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_TASK, "annotator", OTHER), NULL); }
static gboolean start_own_task (const CalqueAccessContext *c) { return write_ok (c, world.my_task_new, change_for (world.my_task_new, CALQUE_KIND_TASK, "state", "in_progress"), NULL); }
static gboolean submit_own_task (const CalqueAccessContext *c) { return write_ok (c, world.my_task_doing, change_for (world.my_task_doing, CALQUE_KIND_TASK, "state", "submitted"), NULL); }
static gboolean submit_new_task (const CalqueAccessContext *c) { return write_ok (c, world.my_task_new, change_for (world.my_task_new, CALQUE_KIND_TASK, "state", "submitted"), NULL); }
static gboolean accept_own_task (const CalqueAccessContext *c) { return write_ok (c, world.my_task_doing, change_for (world.my_task_doing, CALQUE_KIND_TASK, "state", "accepted"), NULL); }
/* The active time the app keeps on a task, with no change of state. */
static CalqueChange *
active_time_change (CalqueRecord *task)
{
  CalqueChange *change = change_for (task, CALQUE_KIND_TASK, NULL, NULL);

  calque_change_set_field (change, "active_ms", json_node_init_int (json_node_alloc (), 90000));
  return change;
}
static gboolean time_own_task (const CalqueAccessContext *c) { return write_ok (c, world.my_task_doing, active_time_change (world.my_task_doing), NULL); }
static gboolean time_other_task (const CalqueAccessContext *c) { return write_ok (c, world.other_task, active_time_change (world.other_task), NULL); }
static gboolean time_submitted_task (const CalqueAccessContext *c) { return write_ok (c, world.submitted_task, active_time_change (world.submitted_task), NULL); }
static gboolean start_other_task (const CalqueAccessContext *c) { return write_ok (c, world.other_task, change_for (world.other_task, CALQUE_KIND_TASK, "state", "in_progress"), NULL); }
static gboolean accept_submitted (const CalqueAccessContext *c) { return write_ok (c, world.submitted_task, change_for (world.submitted_task, CALQUE_KIND_TASK, "state", "accepted"), NULL); }
static gboolean annotate_own_task (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_ANNOTATION, "author", ME), world.my_task_doing); }
static gboolean annotate_other_task (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_ANNOTATION, "author", ME), world.other_task); }
static gboolean annotate_as_other (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_ANNOTATION, "author", OTHER), world.my_task_doing); }
static gboolean edit_other_annotation (const CalqueAccessContext *c) { return write_ok (c, world.other_annotation, change_for (world.other_annotation, CALQUE_KIND_ANNOTATION, "author", OTHER), world.other_task); }
static gboolean write_comment (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_COMMENT, "author", ME), NULL); }
static gboolean edit_own_comment (const CalqueAccessContext *c) { return write_ok (c, world.my_comment, change_for (world.my_comment, CALQUE_KIND_COMMENT, "text", "edited"), NULL); }
static gboolean edit_other_comment (const CalqueAccessContext *c) { return write_ok (c, world.other_comment, change_for (world.other_comment, CALQUE_KIND_COMMENT, "text", "edited"), NULL); }
static gboolean resolve_other_thread (const CalqueAccessContext *c)
{
  CalqueChange *change = change_for (world.other_comment, CALQUE_KIND_COMMENT, NULL, NULL);

  calque_change_set_field (change, "resolved", json_node_init_boolean (json_node_alloc (), TRUE));
  return write_ok (c, world.other_comment, change, NULL);
}
static gboolean resolve_and_edit_other (const CalqueAccessContext *c)
{
  CalqueChange *change = change_for (world.other_comment, CALQUE_KIND_COMMENT, "text", "edited");

  calque_change_set_field (change, "resolved", json_node_init_boolean (json_node_alloc (), TRUE));
  return write_ok (c, world.other_comment, change, NULL);
}
static gboolean delete_other_comment (const CalqueAccessContext *c)
{
  CalqueChange *change = change_for (world.other_comment, CALQUE_KIND_COMMENT, NULL, NULL);

  change->delete_record = TRUE;
  return write_ok (c, world.other_comment, change, NULL);
}
static gboolean write_review (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_REVIEW, "decision", "accepted"), NULL); }
static gboolean push_conflict (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_CONFLICT, "field", "name"), NULL); }
static gboolean create_project (const CalqueAccessContext *c) { return write_ok (c, NULL, change_for (NULL, CALQUE_KIND_PROJECT, "name", "New"), NULL); }

static const char * const roles[] = { "none", "viewer", "annotator", "reviewer", "manager", "owner" };

/* Columns: none viewer annotator reviewer manager owner. "blind" runs the
 * cell in a project whose items several people annotate. */
static const struct {
  const char *name;
  Action      action;
  gboolean    blind;
  const char  expected[7];
} matrix[] = {
  { "read-item",                  read_item,                   TRUE,  "011111" },
  { "read-own-annotation-blind",  read_own_annotation,         TRUE,  "011111" },
  { "read-other-annotation-blind", read_other_annotation_blind, TRUE, "010111" },
  { "read-other-annotation-open", read_other_annotation_blind, FALSE, "011111" },
  /* Predictions are for everyone to start from; only reviewers and up
   * change them or write new ones (an import). */
  { "read-prediction-blind",      read_prediction_blind,       TRUE,  "011111" },
  { "edit-prediction",            edit_prediction,             FALSE, "000111" },
  { "annotate-as-a-model",        annotate_as_model,           FALSE, "000111" },
  { "read-comment-on-other-annotation-blind", read_other_comment_blind, TRUE, "010111" },
  { "read-item-comment-blind",    read_item_comment_blind,     TRUE,  "011111" },
  { "create-project-by-push",     create_project,              FALSE, "000000" },
  { "edit-project",               edit_project,                FALSE, "000011" },
  { "add-annotator",              add_annotator,               FALSE, "000011" },
  { "make-someone-owner",         make_owner,                  FALSE, "000001" },
  { "demote-an-owner",            demote_owner,                FALSE, "000001" },
  { "create-label",               create_label,                FALSE, "000011" },
  { "create-item",                create_item,                 FALSE, "000011" },
  { "assign-task",                assign_task,                 FALSE, "000011" },
  { "start-own-task",             start_own_task,              FALSE, "001011" },
  { "submit-own-task",            submit_own_task,             FALSE, "001011" },
  /* Started and submitted offline: one change from new to submitted. */
  { "submit-own-new-task",        submit_new_task,             FALSE, "001011" },
  { "accept-own-task",            accept_own_task,             FALSE, "000011" },
  { "start-someone-elses-task",   start_other_task,            FALSE, "000011" },
  /* Active time: annotators on their own tasks only; reviewers never. */
  { "time-own-task",              time_own_task,               FALSE, "001011" },
  { "time-someone-elses-task",    time_other_task,             FALSE, "000011" },
  { "time-submitted-task",        time_submitted_task,         FALSE, "000011" },
  { "accept-submitted-task",      accept_submitted,            FALSE, "000111" },
  { "annotate-own-task",          annotate_own_task,           FALSE, "001111" },
  { "annotate-someone-elses-task", annotate_other_task,        FALSE, "000111" },
  { "annotate-as-someone-else",   annotate_as_other,           FALSE, "000111" },
  { "edit-someone-elses-annotation", edit_other_annotation,    FALSE, "000111" },
  { "write-comment",              write_comment,               FALSE, "001111" },
  { "edit-own-comment",           edit_own_comment,            FALSE, "001111" },
  { "edit-someone-elses-comment", edit_other_comment,          FALSE, "000000" },
  { "delete-someone-elses-comment", delete_other_comment,      FALSE, "000011" },
  { "resolve-someone-elses-thread", resolve_other_thread,      FALSE, "000111" },
  { "resolve-and-edit-someone-elses", resolve_and_edit_other,  FALSE, "000000" },
  { "write-review",               write_review,                FALSE, "000111" },
  { "push-conflict",              push_conflict,               FALSE, "000000" },
};

typedef struct {
  guint action;
  guint role;
} Cell;

static void
test_cell (gconstpointer data)
{
  const Cell *cell = data;
  CalqueAccessContext ctx = {
    .user = ME,
    .role = (CalqueRole) cell->role,
    .blind = matrix[cell->action].blind,
  };
  gboolean expected = matrix[cell->action].expected[cell->role] == '1';
  gboolean got = matrix[cell->action].action (&ctx);

  if (got != expected)
    g_error ("%s as %s: %s, expected %s", matrix[cell->action].name, roles[cell->role],
             got ? "allowed" : "refused", expected ? "allowed" : "refused");
}

static void
test_role_names (void)
{
  for (guint r = CALQUE_ROLE_VIEWER; r <= CALQUE_ROLE_OWNER; r++)
    g_assert_cmpint (calque_role_from_string (calque_role_to_string (r)), ==, r);
  g_assert_cmpint (calque_role_from_string ("admin"), ==, CALQUE_ROLE_NONE);
  g_assert_cmpint (calque_role_from_string (NULL), ==, CALQUE_ROLE_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  build_world ();

  g_test_add_func ("/access/role-names", test_role_names);
  for (guint a = 0; a < G_N_ELEMENTS (matrix); a++)
    for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
      {
        Cell *cell = g_new (Cell, 1);
        g_autofree char *path = g_strdup_printf ("/access/%s/%s", matrix[a].name, roles[r]);

        cell->action = a;
        cell->role = r;
        g_test_add_data_func_full (path, cell, test_cell, g_free);
      }
  return g_test_run ();
}
