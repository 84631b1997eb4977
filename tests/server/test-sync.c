/* test-sync.c — every push checked, every pull filtered, on a real store
 *
 * A blind project (each item annotated by two people): amelie and bruno
 * annotate, chloe reviews, victor only watches, mallory is no member.
 */
#include "calque-sqlite-store.h"
#include "calque-sync.h"
#include "calque-test-util.h"
#include "calque-uuid.h"

#include <string.h>

#define NOW 1764028800000

static const CalqueMergeOptions options = { .now_ms = NOW, .max_ahead_ms = 60000, .make_conflicts = TRUE };

typedef struct {
  char *dir;
  CalqueServerStore *store;
  char project[37], other_project[37], item[37], task_a[37], task_b[37], foreign_label[37];
  guint64 op;
} Fixture;

static CalqueChange *
new_change (Fixture    *f,
            CalqueKind  kind,
            const char *id,
            const char *project)
{
  CalqueChange *change = calque_change_new ("0192d4e8-7c4b-7a31-9f02-00000000000a", ++f->op, kind, id, project);

  change->hlc.time = (guint64) (NOW - 100000 + f->op) << 16;
  return change;
}

static void
set (CalqueChange *change,
     const char   *field,
     const char   *value)
{
  calque_change_set_field (change, field, json_node_init_string (json_node_alloc (), value));
}

/* What the server's own endpoints do (create projects, add members), done
 * straight on the store. */
static void
seed (Fixture      *f,
      CalqueChange *change)
{
  g_autoptr(CalqueChange) owned = change;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, owned);
  g_assert_true (calque_server_store_apply (f->store, owned->project, batch, "admin", &options, results, &error));
  g_assert_no_error (error);
  g_assert_null (((CalqueApplyResult *) g_ptr_array_index (results, 0))->error_code);
}

static void
add_member (Fixture *f, const char *project, const char *user, const char *role)
{
  char id[37];
  CalqueChange *c;

  calque_uuid7_generate (id);
  c = new_change (f, CALQUE_KIND_MEMBER, id, project);
  set (c, "user", user);
  set (c, "role", role);
  seed (f, c);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CalqueChange *c;

  f->dir = g_dir_make_tmp ("calque-sync-XXXXXX", &error);
  f->store = calque_sqlite_store_open (f->dir, &error);
  g_assert_no_error (error);
  calque_uuid7_generate (f->project);
  calque_uuid7_generate (f->other_project);
  calque_uuid7_generate (f->item);
  calque_uuid7_generate (f->task_a);
  calque_uuid7_generate (f->task_b);
  calque_uuid7_generate (f->foreign_label);

  c = new_change (f, CALQUE_KIND_PROJECT, f->project, f->project);
  set (c, "name", "Birds");
  set (c, "type", "text");
  calque_change_set_field (c, "overlap", json_node_init_int (json_node_alloc (), 2));
  seed (f, c);
  add_member (f, f->project, "amelie", "annotator");
  add_member (f, f->project, "bruno", "annotator");
  add_member (f, f->project, "chloe", "reviewer");
  add_member (f, f->project, "victor", "viewer");

  c = new_change (f, CALQUE_KIND_ITEM, f->item, f->project);
  set (c, "media", "text");
  set (c, "name", "t:1");
  set (c, "text", "A wren sang.");
  seed (f, c);
  for (int k = 0; k < 2; k++)
    {
      c = new_change (f, CALQUE_KIND_TASK, k ? f->task_b : f->task_a, f->project);
      set (c, "item", f->item);
      set (c, "annotator", k ? "bruno" : "amelie");
      set (c, "state", "in_progress");
      seed (f, c);
    }

  /* Another project, with a label amelie must never reach. */
  c = new_change (f, CALQUE_KIND_PROJECT, f->other_project, f->other_project);
  set (c, "name", "Elsewhere");
  set (c, "type", "image");
  seed (f, c);
  c = new_change (f, CALQUE_KIND_LABEL, f->foreign_label, f->other_project);
  set (c, "name", "theirs");
  set (c, "color", "#000000");
  seed (f, c);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

static CalqueSyncSession *
session (Fixture *f, const char *user)
{
  g_autoptr(GError) error = NULL;
  CalqueSyncSession *s = calque_sync_session_new (f->store, f->project, user, FALSE, &error);

  g_assert_no_error (error);
  return s;
}

static CalqueChange *
annotation (Fixture *f, const char *author, const char *task, char out_id[37])
{
  CalqueChange *c;

  calque_uuid7_generate (out_id);
  c = new_change (f, CALQUE_KIND_ANNOTATION, out_id, f->project);
  set (c, "item", f->item);
  set (c, "task", task);
  set (c, "author", author);
  calque_change_set_field (c, "labels", json_from_string ("[]", NULL));
  calque_change_set_field (c, "shape", json_from_string ("{\"type\":\"span\",\"start\":2,\"end\":6}", NULL));
  return c;
}

static GPtrArray *
push (Fixture *f, CalqueSyncSession *s, CalqueChange *first, ...)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GError) error = NULL;
  GPtrArray *results;
  va_list args;

  va_start (args, first);
  for (CalqueChange *c = first; c; c = va_arg (args, CalqueChange *))
    g_ptr_array_add (batch, c);
  va_end (args);
  results = calque_sync_push (f->store, s, batch, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, batch->len);
  return results;
}

#define RESULT(results, i) ((CalqueApplyResult *) g_ptr_array_index ((results), (i)))

static gboolean
pulls (Fixture *f, CalqueSyncSession *s, const char *record_id)
{
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  g_autoptr(GPtrArray) page = calque_sync_pull (f->store, s, 0, 1000, &next, &error);

  g_assert_no_error (error);
  g_assert_cmpint (next, ==, calque_server_store_get_head (f->store, f->project, NULL));
  for (guint i = 0; i < page->len; i++)
    if (strcmp (((CalqueChange *) g_ptr_array_index (page, i))->record_id, record_id) == 0)
      return TRUE;
  return FALSE;
}

static void
test_blind_annotators (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CalqueSyncSession) amelie = session (f, "amelie");
  g_autoptr(CalqueSyncSession) bruno = session (f, "bruno");
  g_autoptr(CalqueSyncSession) chloe = session (f, "chloe");
  g_autoptr(CalqueSyncSession) victor = session (f, "victor");
  char a_id[37], b_id[37], stolen_id[37], comment_id[37], item_comment_id[37];
  g_autoptr(GPtrArray) r1 = NULL, r2 = NULL;
  CalqueChange *comment, *item_comment;

  g_assert_true (amelie->access.blind);
  g_assert_cmpint (amelie->access.role, ==, CALQUE_ROLE_ANNOTATOR);

  /* One batch, allowed and refused changes mixed: answers in order. */
  r1 = push (f, amelie,
             annotation (f, "amelie", f->task_a, a_id),
             annotation (f, "amelie", f->task_b, stolen_id),   /* bruno's task */
             NULL);
  g_assert_cmpint (RESULT (r1, 0)->seq, >, 0);
  g_assert_null (RESULT (r1, 0)->error_code);
  g_assert_cmpstr (RESULT (r1, 1)->error_code, ==, "forbidden");
  g_assert_nonnull (strstr (RESULT (r1, 1)->error_message, "your own tasks"));

  calque_uuid7_generate (comment_id);
  calque_uuid7_generate (item_comment_id);
  r2 = push (f, bruno, annotation (f, "bruno", f->task_b, b_id), NULL);
  g_assert_null (RESULT (r2, 0)->error_code);
  comment = new_change (f, CALQUE_KIND_COMMENT, comment_id, f->project);
  set (comment, "item", f->item);
  set (comment, "annotation", b_id);
  set (comment, "author", "bruno");
  set (comment, "text", "I think it is a robin");
  item_comment = new_change (f, CALQUE_KIND_COMMENT, item_comment_id, f->project);
  set (item_comment, "item", f->item);
  set (item_comment, "author", "bruno");
  set (item_comment, "text", "blurry item");
  g_ptr_array_unref (push (f, bruno, comment, item_comment, NULL));

  /* Neither annotator sees the other's annotation, nor the comment on it. */
  g_assert_true (pulls (f, amelie, a_id));
  g_assert_false (pulls (f, amelie, b_id));
  g_assert_false (pulls (f, amelie, comment_id));
  g_assert_true (pulls (f, amelie, item_comment_id));
  g_assert_true (pulls (f, amelie, f->item));
  g_assert_false (pulls (f, bruno, a_id));
  g_assert_true (pulls (f, bruno, b_id));
  g_assert_false (pulls (f, amelie, stolen_id));   /* refused: never stored */

  /* The reviewer and the viewer see everything. */
  g_assert_true (pulls (f, chloe, a_id));
  g_assert_true (pulls (f, chloe, b_id));
  g_assert_true (pulls (f, victor, comment_id));
}

static void
test_viewer_writes_nothing (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CalqueSyncSession) victor = session (f, "victor");
  char id[37];
  g_autoptr(GPtrArray) r = push (f, victor, annotation (f, "victor", f->task_a, id), NULL);
  gint64 head = calque_server_store_get_head (f->store, f->project, NULL);

  g_assert_cmpstr (RESULT (r, 0)->error_code, ==, "forbidden");
  g_assert_cmpint (calque_server_store_get_head (f->store, f->project, NULL), ==, head);
}

static void
test_outsiders_and_other_projects (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CalqueSyncSession) amelie = session (f, "amelie");
  g_autoptr(CalqueSyncSession) nobody = NULL;
  g_autoptr(CalqueSyncSession) ghost = NULL;
  g_autoptr(CalqueSyncSession) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = NULL;
  g_autoptr(CalqueRecord) label = NULL;
  CalqueChange *grab;

  nobody = calque_sync_session_new (f->store, f->project, "mallory", FALSE, &error);
  g_assert_null (nobody);
  g_assert_error (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NOT_MEMBER);
  g_clear_error (&error);

  ghost = calque_sync_session_new (f->store, "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3dfe", "amelie", FALSE, &error);
  g_assert_null (ghost);
  g_assert_error (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NO_PROJECT);
  g_clear_error (&error);

  /* A server admin acts as an owner anywhere. */
  admin = calque_sync_session_new (f->store, f->project, "root", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (admin->access.role, ==, CALQUE_ROLE_OWNER);

  /* A change that claims this project for another project's record. */
  grab = new_change (f, CALQUE_KIND_LABEL, f->foreign_label, f->project);
  set (grab, "name", "mine now");
  r = push (f, amelie, grab, NULL);
  g_assert_cmpstr (RESULT (r, 0)->error_code, ==, "forbidden");
  label = calque_server_store_get_record (f->store, f->foreign_label, NULL);
  g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "theirs");
  g_assert_cmpstr (calque_record_get_project (label), ==, f->other_project);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/blind-annotators", test_blind_annotators);
  ADD ("/sync/viewer-writes-nothing", test_viewer_writes_nothing);
  ADD ("/sync/outsiders-and-other-projects", test_outsiders_and_other_projects);
  return g_test_run ();
}
