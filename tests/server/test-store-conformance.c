/* test-store-conformance.c — what every server store backend must do
 *
 * Written against CalqueServerStore only; each backend runs all of it. The
 * SQLite backend always runs. The MongoDB backend runs when
 * CALQUE_TEST_MONGODB_URI names a server (a replica set, of one node if
 * need be: mongodb://127.0.0.1:27017/?replicaSet=rs0): each test gets a
 * database of its own, named after its folder, dropped at the end. Without
 * it, the MongoDB tests are reported as skipped, and say why.
 */
#include "calque-sqlite-store.h"
#include "calque-json-writer.h"
#include "calque-test-util.h"
#include "calque-mongo-store.h"

#include <string.h>
#include <unistd.h>

#define PROJECT  "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define PROJECT2 "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9f"
#define LABEL    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"
#define CLIENT_A "0192d4e8-7c4b-7a31-9f02-00000000000a"
#define CLIENT_B "0192d4e8-7c4b-7a31-9f02-00000000000b"
#define SHA      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define NOW 1764028800000

#define MONGODB_URI_VARIABLE "CALQUE_TEST_MONGODB_URI"

typedef CalqueServerStore *(*OpenFunc) (const char *dir, GError **error);

/* How a backend opens a store in a fresh folder, and how it throws away
 * what the folder does not hold (NULL: nothing). */
typedef struct {
  const char *name;
  OpenFunc    open;
  void      (*drop) (const char *dir);
} Backend;

typedef struct {
  const Backend *backend;
  OpenFunc open;
  char *dir;
  CalqueServerStore *store;
} Fixture;

static const CalqueMergeOptions options = { .now_ms = NOW, .max_ahead_ms = 60000, .make_conflicts = TRUE };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->backend = data;
  f->open = f->backend->open;
  f->dir = g_dir_make_tmp ("calque-server-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = f->open (f->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  if (f->backend->drop != NULL)
    f->backend->drop (f->dir);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  f->store = f->open (f->dir, &error);
  g_assert_no_error (error);
}

static CalqueChange *
label_change (const char *client,
              guint64     op,
              gint64      ms,
              guint64     node,
              gint64      base_seq,
              const char *name)
{
  CalqueChange *change = calque_change_new (client, op, CALQUE_KIND_LABEL, LABEL, PROJECT);

  change->hlc.time = (guint64) ms << 16;
  change->hlc.node = node;
  change->base_seq = base_seq;
  if (name)
    calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), name));
  return change;
}

/* Applies one change and returns its result (owned by @results). */
static CalqueApplyResult *
apply_one (Fixture      *f,
           CalqueChange *change,
           const char   *author,
           GPtrArray    *results)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, change);
  g_assert_true (calque_server_store_apply (f->store, change->project, batch, author, &options, results, &error));
  g_assert_no_error (error);
  return g_ptr_array_index (results, results->len - 1);
}

static CalqueChange *
create_label (void)
{
  CalqueChange *create = label_change (CLIENT_A, 1, NOW - 10000, 0xa, 0, "sparrow");

  calque_change_set_field (create, "color", json_node_init_string (json_node_alloc (), "#e01b24"));
  return create;
}

static void
test_create_and_stream (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(CalqueRecord) stored = NULL;
  g_autoptr(GPtrArray) stream = NULL;
  g_autoptr(GError) error = NULL;
  CalqueApplyResult *result;
  CalqueChange *streamed;

  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, &error), ==, 0);
  result = apply_one (f, create, "amelie", results);
  g_assert_null (result->error_code);
  g_assert_cmpint (result->seq, ==, 1);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 1);

  stored = calque_server_store_get_record (f->store, LABEL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_string (stored, "name"), ==, "sparrow");
  g_assert_cmpint (calque_record_get_seq (stored, "name"), ==, 1);
  g_assert_nonnull (calque_record_get_clock (stored, "color"));

  stream = calque_server_store_changes_since (f->store, PROJECT, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stream->len, ==, 1);
  streamed = g_ptr_array_index (stream, 0);
  g_assert_cmpint (streamed->seq, ==, 1);
  g_assert_cmpstr (streamed->author, ==, "amelie");
  g_assert_cmpstr (streamed->client_id, ==, CLIENT_A);
}

static void
test_retry_applies_once (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GPtrArray) stream = NULL;
  CalqueApplyResult *first, *again;

  first = apply_one (f, create, "amelie", results);
  /* The ack was lost; the client pushes the same (client, op) again. */
  again = apply_one (f, create, "amelie", results);
  g_assert_null (again->error_code);
  g_assert_cmpint (again->seq, ==, first->seq);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 1);
  stream = calque_server_store_changes_since (f->store, PROJECT, 0, 100, NULL);
  g_assert_cmpuint (stream->len, ==, 1);
}

static void
test_conflict_is_stored_and_streamed (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) a = label_change (CLIENT_A, 2, NOW - 5000, 0xa, 1, "house sparrow");
  g_autoptr(CalqueChange) b = label_change (CLIENT_B, 1, NOW - 4000, 0xb, 1, "tree sparrow");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GPtrArray) stream = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(CalqueRecord) label = NULL;
  CalqueChange *last;

  apply_one (f, create, "amelie", results);
  apply_one (f, a, "amelie", results);
  g_assert_cmpint (apply_one (f, b, "bruno", results)->seq, ==, 3);

  label = calque_server_store_get_record (f->store, LABEL, NULL);
  g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "tree sparrow");

  /* The overwritten value is a record of its own, in the stream after b. */
  conflicts = calque_server_store_list_records (f->store, PROJECT, CALQUE_KIND_CONFLICT, NULL);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (json_node_get_string (calque_record_get_field (g_ptr_array_index (conflicts, 0), "value")),
                   ==, "house sparrow");
  stream = calque_server_store_changes_since (f->store, PROJECT, 3, 100, NULL);
  g_assert_cmpuint (stream->len, ==, 1);
  last = g_ptr_array_index (stream, 0);
  g_assert_cmpint (last->seq, ==, 4);
  g_assert_cmpint (last->kind, ==, CALQUE_KIND_CONFLICT);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 4);
}

static void
test_refusals_take_no_seq (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) bad_color = label_change (CLIENT_A, 2, NOW - 5000, 0xa, 1, NULL);
  g_autoptr(CalqueChange) skewed = label_change (CLIENT_B, 1, NOW + 3600 * 1000, 0xb, 1, "future");
  g_autoptr(CalqueChange) elsewhere = calque_change_new (CLIENT_B, 2, CALQUE_KIND_LABEL, LABEL, PROJECT2);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CalqueApplyResult *r;

  apply_one (f, create, "amelie", results);
  calque_change_set_field (bad_color, "color", json_node_init_string (json_node_alloc (), "red"));

  r = apply_one (f, bad_color, "amelie", results);
  g_assert_cmpstr (r->error_code, ==, "invalid");
  g_assert_nonnull (strstr (r->error_message, "“red” is not a color"));
  g_assert_cmpint (r->seq, ==, 0);

  r = apply_one (f, skewed, "bruno", results);
  g_assert_cmpstr (r->error_code, ==, "clock-ahead");

  /* A change of another project inside this project's batch. */
  elsewhere->hlc.time = (guint64) NOW << 16;
  g_ptr_array_add (batch, elsewhere);
  g_assert_true (calque_server_store_apply (f->store, PROJECT, batch, "bruno", &options, results, &error));
  r = g_ptr_array_index (results, results->len - 1);
  g_assert_cmpstr (r->error_code, ==, "forbidden");

  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 1);
}

static void
test_deleted_stays_deleted (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) del = label_change (CLIENT_A, 2, NOW - 5000, 0xa, 1, NULL);
  g_autoptr(CalqueChange) edit = label_change (CLIENT_B, 1, NOW - 1000, 0xb, 1, "too late");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(CalqueRecord) label = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  CalqueApplyResult *r;

  del->delete_record = TRUE;
  apply_one (f, create, "amelie", results);
  apply_one (f, del, "amelie", results);
  r = apply_one (f, edit, "bruno", results);
  g_assert_cmpstr (r->error_code, ==, "deleted");

  label = calque_server_store_get_record (f->store, LABEL, NULL);
  g_assert_true (calque_record_get_deleted (label));
  conflicts = calque_server_store_list_records (f->store, PROJECT, CALQUE_KIND_CONFLICT, NULL);
  g_assert_cmpuint (conflicts->len, ==, 1);   /* "too late" is kept */
}

static void
test_projects_are_separate_and_paged (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;
  gint64 after = 0;
  guint seen = 0;

  /* 1,000 labels in one batch: consecutive seqs from 1. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("0192d4e8-7c4b-7a31-9f02-%012x", i);
      CalqueChange *change = calque_change_new (CLIENT_A, i + 1, CALQUE_KIND_LABEL, id, PROJECT);

      change->hlc.time = (guint64) (NOW - 1000 + i) << 16;
      calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), id));
      calque_change_set_field (change, "color", json_node_init_string (json_node_alloc (), "#3584e4"));
      g_ptr_array_add (batch, change);
    }
  g_assert_true (calque_server_store_apply (f->store, PROJECT, batch, "amelie", &options, results, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1000);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (((CalqueApplyResult *) g_ptr_array_index (results, i))->seq, ==, i + 1);

  /* Another project counts from 1 on its own. */
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT2, NULL), ==, 0);

  /* Paging through the stream sees each change once, in order. */
  for (;;)
    {
      g_autoptr(GPtrArray) page = calque_server_store_changes_since (f->store, PROJECT, after, 300, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        g_assert_cmpint (((CalqueChange *) g_ptr_array_index (page, i))->seq, ==, after + 1 + i);
      after += page->len;
      seen += page->len;
    }
  g_assert_cmpuint (seen, ==, 1000);
}

static void
test_survives_reopen (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) later = label_change (CLIENT_A, 2, NOW - 5000, 0xa, 1, "after restart");
  g_autoptr(CalqueChange) retried = create_label ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gboolean admin = FALSE;
  CalqueApplyResult *r;

  apply_one (f, create, "amelie", results);
  g_assert_true (calque_server_store_add_user (f->store, "amelie", "$argon2id$v=19$fake", TRUE, &error));
  g_assert_true (calque_server_store_add_token (f->store, "aaaa", "amelie", 2000000000, &error));
  reopen (f);

  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 1);
  /* A retry of the first change still finds its seq after the restart… */
  r = apply_one (f, retried, "amelie", results);
  g_assert_cmpint (r->seq, ==, 1);
  /* …and new changes continue the numbering. */
  r = apply_one (f, later, "amelie", results);
  g_assert_cmpint (r->seq, ==, 2);
  g_assert_true (calque_server_store_get_user (f->store, "amelie", &hash, &admin, &error));
  g_assert_cmpstr (hash, ==, "$argon2id$v=19$fake");
  g_assert_true (admin);
  g_assert_true (calque_server_store_lookup_token (f->store, "aaaa", NULL, NULL, &error));
  g_assert_no_error (error);
}

/* --- what the first tests leave out ---------------------------------------- */

static CalqueChange *
new_change (const char *client,
            guint64     op,
            CalqueKind  kind,
            const char *id,
            const char *project,
            gint64      ms)
{
  CalqueChange *change = calque_change_new (client, op, kind, id, project);

  change->hlc.time = (guint64) ms << 16;
  change->hlc.node = 0xa;
  return change;
}

static void
set_string (CalqueChange *change,
            const char   *field,
            const char   *value)
{
  calque_change_set_field (change, field, json_node_init_string (json_node_alloc (), value));
}

/* Applies @batch (CalqueChange, owned) to @project; asserts it stored. */
static GPtrArray *
apply_batch (Fixture    *f,
             const char *project,
             GPtrArray  *batch)
{
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_server_store_apply (f->store, project, batch, "amelie", &options, results, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, batch->len);
  for (guint i = 0; i < results->len; i++)
    {
      CalqueApplyResult *result = g_ptr_array_index (results, i);

      if (result->error_code != NULL)
        g_test_message ("change %u: %s: %s", i, result->error_code, result->error_message);
    }
  return results;
}

static void
test_get_record_not_found (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) record = calque_server_store_get_record (f->store, LABEL, &error);

  g_assert_null (record);
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, LABEL));
}

/* Lists hold the live records of one kind and project, oldest first. */
static void
test_lists_leave_out_tombstones (Fixture       *f,
                                 gconstpointer  data)
{
  static const char * const ids[] = {
    "0192d4e8-7c4b-7a31-9f02-000000000003",
    "0192d4e8-7c4b-7a31-9f02-000000000001",
    "0192d4e8-7c4b-7a31-9f02-000000000002",
  };
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) deletion = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) results2 = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) elsewhere = NULL;
  g_autoptr(CalqueRecord) tombstone = NULL;
  g_autoptr(GError) error = NULL;
  CalqueChange *del;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      CalqueChange *change = new_change (CLIENT_A, i + 1, CALQUE_KIND_LABEL, ids[i], PROJECT, NOW - 9000);

      set_string (change, "name", ids[i]);
      set_string (change, "color", "#3584e4");
      g_ptr_array_add (batch, change);
    }
  results = apply_batch (f, PROJECT, batch);
  del = new_change (CLIENT_A, 4, CALQUE_KIND_LABEL, ids[1], PROJECT, NOW - 8000);
  del->delete_record = TRUE;
  del->base_seq = 3;
  g_ptr_array_add (deletion, del);
  results2 = apply_batch (f, PROJECT, deletion);
  g_assert_cmpint (((CalqueApplyResult *) g_ptr_array_index (results2, 0))->seq, ==, 4);

  labels = calque_server_store_list_records (f->store, PROJECT, CALQUE_KIND_LABEL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, 2);
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (labels, 0)), ==, ids[2]);
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (labels, 1)), ==, ids[0]);
  g_assert_cmpint (calque_record_get_seq (g_ptr_array_index (labels, 0), "name"), ==, 3);

  /* The tombstone itself is still there for the merge. */
  tombstone = calque_server_store_get_record (f->store, ids[1], &error);
  g_assert_no_error (error);
  g_assert_true (calque_record_get_deleted (tombstone));

  items = calque_server_store_list_records (f->store, PROJECT, CALQUE_KIND_ITEM, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
  elsewhere = calque_server_store_list_records (f->store, PROJECT2, CALQUE_KIND_LABEL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (elsewhere->len, ==, 0);
}

static CalqueChange *
member_change (guint64     op,
               const char *id,
               const char *project,
               const char *user)
{
  CalqueChange *change = new_change (CLIENT_A, op, CALQUE_KIND_MEMBER, id, project, NOW - 9000);

  set_string (change, "user", user);
  set_string (change, "role", "annotator");
  return change;
}

static CalqueChange *
item_change (guint64     op,
             const char *id,
             const char *project)
{
  CalqueChange *change = new_change (CLIENT_A, op, CALQUE_KIND_ITEM, id, project, NOW - 9000);

  set_string (change, "media", "image");
  set_string (change, "name", "tit.jpg");
  set_string (change, "sha256", SHA);
  calque_change_set_field (change, "width", json_node_init_int (json_node_alloc (), 640));
  calque_change_set_field (change, "height", json_node_init_int (json_node_alloc (), 480));
  return change;
}

/* The two lookups across projects: a user's memberships, a blob's items. */
static void
test_memberships_and_blob_items (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) here = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) there = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) deletions = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GPtrArray) memberships = NULL;
  g_autoptr(GPtrArray) nobody = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  CalqueChange *del;

  g_ptr_array_add (here, member_change (1, "0192d4e8-7c4b-7a31-9f02-0000000000a1", PROJECT, "amelie"));
  g_ptr_array_add (here, member_change (2, "0192d4e8-7c4b-7a31-9f02-0000000000a2", PROJECT, "bruno"));
  g_ptr_array_add (here, item_change (3, "0192d4e8-7c4b-7a31-9f02-0000000000b1", PROJECT));
  g_ptr_array_add (there, member_change (4, "0192d4e8-7c4b-7a31-9f02-0000000000a3", PROJECT2, "amelie"));
  g_ptr_array_add (there, item_change (5, "0192d4e8-7c4b-7a31-9f02-0000000000b2", PROJECT2));
  g_ptr_array_add (there, item_change (6, "0192d4e8-7c4b-7a31-9f02-0000000000b3", PROJECT2));
  r1 = apply_batch (f, PROJECT, here);
  r2 = apply_batch (f, PROJECT2, there);

  /* amelie leaves PROJECT2; one of its items goes too. */
  del = new_change (CLIENT_A, 7, CALQUE_KIND_MEMBER, "0192d4e8-7c4b-7a31-9f02-0000000000a3", PROJECT2, NOW - 8000);
  del->delete_record = TRUE;
  g_ptr_array_add (deletions, del);
  del = new_change (CLIENT_A, 8, CALQUE_KIND_ITEM, "0192d4e8-7c4b-7a31-9f02-0000000000b2", PROJECT2, NOW - 8000);
  del->delete_record = TRUE;
  g_ptr_array_add (deletions, del);
  r3 = apply_batch (f, PROJECT2, deletions);

  memberships = calque_server_store_list_memberships (f->store, "amelie", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (memberships->len, ==, 1);
  g_assert_cmpstr (calque_record_get_project (g_ptr_array_index (memberships, 0)), ==, PROJECT);
  nobody = calque_server_store_list_memberships (f->store, "chloe", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nobody->len, ==, 0);

  items = calque_server_store_list_items_with_blob (f->store, SHA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (items, 0)), ==, "0192d4e8-7c4b-7a31-9f02-0000000000b1");
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (items, 1)), ==, "0192d4e8-7c4b-7a31-9f02-0000000000b3");
}

/* Ascending, at most the limit, nothing at or before after_seq. */
static void
test_changes_since_limits (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) past = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("0192d4e8-7c4b-7a31-9f02-%012x", 0x100 + i);
      CalqueChange *change = new_change (CLIENT_A, i + 1, CALQUE_KIND_LABEL, id, PROJECT, NOW - 9000 + i);

      set_string (change, "name", id);
      set_string (change, "color", "#3584e4");
      g_ptr_array_add (batch, change);
    }
  results = apply_batch (f, PROJECT, batch);

  page = calque_server_store_changes_since (f->store, PROJECT, 1, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (page, 0))->seq, ==, 2);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (page, 1))->seq, ==, 3);
  g_assert_cmpuint (((CalqueChange *) g_ptr_array_index (page, 1))->op_no, ==, 3);

  /* A limit of 0 reads nothing, as SQLite's LIMIT 0 does. */
  none = calque_server_store_changes_since (f->store, PROJECT, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  past = calque_server_store_changes_since (f->store, PROJECT, 5, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (past->len, ==, 0);
}

/* The same (client, op) twice in one batch: applied once, one seq. */
static void
test_same_op_twice_in_a_batch (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) stream = NULL;

  g_ptr_array_add (batch, create_label ());
  g_ptr_array_add (batch, create_label ());
  results = apply_batch (f, PROJECT, batch);
  g_assert_cmpint (((CalqueApplyResult *) g_ptr_array_index (results, 0))->seq, ==, 1);
  g_assert_cmpint (((CalqueApplyResult *) g_ptr_array_index (results, 1))->seq, ==, 1);
  g_assert_null (((CalqueApplyResult *) g_ptr_array_index (results, 1))->error_code);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 1);
  stream = calque_server_store_changes_since (f->store, PROJECT, 0, 100, NULL);
  g_assert_cmpuint (stream->len, ==, 1);
}

/* A record never changes kind nor project, in one batch or across two. */
static void
test_kind_and_project_are_fixed (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) other_project = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) results2 = NULL;
  g_autoptr(CalqueRecord) label = NULL;
  CalqueChange *as_item = new_change (CLIENT_A, 2, CALQUE_KIND_ITEM, LABEL, PROJECT, NOW - 5000);
  CalqueChange *moved = label_change (CLIENT_B, 1, NOW - 4000, 0xb, 1, "moved");
  CalqueApplyResult *r;

  set_string (as_item, "media", "text");
  set_string (as_item, "name", "x.txt");
  g_ptr_array_add (batch, create_label ());
  g_ptr_array_add (batch, as_item);
  results = apply_batch (f, PROJECT, batch);
  r = g_ptr_array_index (results, 1);
  g_assert_cmpstr (r->error_code, ==, "conflict-kind");
  g_assert_cmpint (r->seq, ==, 0);

  g_free (moved->project);
  moved->project = g_strdup (PROJECT2);
  g_ptr_array_add (other_project, moved);
  results2 = apply_batch (f, PROJECT2, other_project);
  g_assert_cmpstr (((CalqueApplyResult *) g_ptr_array_index (results2, 0))->error_code, ==, "conflict-kind");
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT2, NULL), ==, 0);

  label = calque_server_store_get_record (f->store, LABEL, NULL);
  g_assert_cmpint (calque_record_get_kind (label), ==, CALQUE_KIND_LABEL);
  g_assert_cmpstr (calque_record_get_project (label), ==, PROJECT);
  g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "sparrow");
}

static void
test_revoking_an_unknown_token (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_server_store_revoke_token (f->store, "never-given", &error));
  g_assert_no_error (error);
}

/* --- MongoDB only: several servers on one database -------------------------- */

typedef struct {
  char   *project;
  gint64  seq;
  guint   calls;
} Announced;

static void
changes_written_cb (CalqueServerStore *store,
                    const char        *project_id,
                    gint64             seq,
                    Announced         *announced)
{
  g_free (announced->project);
  announced->project = g_strdup (project_id);
  announced->seq = seq;
  announced->calls++;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Two stores on one database, as two calque-server processes: what one
 * writes, the other's change stream announces, on the main context; what
 * a store writes itself, it does not announce. */
static void
test_other_servers_writes_are_announced (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueServerStore) other = f->open (f->dir, &error);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  g_autoptr(GPtrArray) theirs = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) rename = label_change (CLIENT_B, 1, NOW - 4000, 0xb, 1, "tree sparrow");
  Announced announced = { NULL, 0, 0 };
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_assert_no_error (error);
  g_signal_connect (f->store, "changes-written", G_CALLBACK (changes_written_cb), &announced);
  calque_mongo_store_watch (CALQUE_MONGO_STORE (f->store));
  /* The stream opens on its thread; give it a moment before writing. */
  g_usleep (G_USEC_PER_SEC / 2);

  /* Seq 1, written by this store: not announced, even given time. */
  g_ptr_array_add (mine, create);
  g_assert_true (calque_server_store_apply (f->store, PROJECT, mine, "amelie", &options, results, &error));
  g_assert_no_error (error);
  timeout_id = g_timeout_add (2500, timed_out_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (announced.calls, ==, 0);

  /* Seq 2, written by the other: announced. */
  g_ptr_array_add (theirs, rename);
  g_assert_true (calque_server_store_apply (other, PROJECT, theirs, "bruno", &options, results, &error));
  g_assert_no_error (error);
  timed_out = FALSE;
  timeout_id = g_timeout_add (10000, timed_out_cb, &timed_out);
  while (announced.calls == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_assert_false (timed_out);
  g_assert_cmpstr (announced.project, ==, PROJECT);
  g_assert_cmpint (announced.seq, ==, 2);

  g_signal_handlers_disconnect_by_data (f->store, &announced);
  g_free (announced.project);
}

/* --- backends --------------------------------------------------------------- */

/* One database per test folder, the same on reopening: "calque_test_" and
 * the process and folder, in the characters database names allow. */
static char *
mongo_database_name (const char *dir)
{
  g_autofree char *base = g_path_get_basename (dir);

  g_strcanon (base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", '_');
  return g_strdup_printf ("calque_test_%u_%s", (guint) getpid (), base);
}

static mongoc_uri_t *
mongo_test_uri (const char  *dir,
                GError     **error)
{
  g_autofree char *database = mongo_database_name (dir);
  mongoc_uri_t *uri = calque_mongo_uri_parse (g_getenv (MONGODB_URI_VARIABLE), error);

  if (uri != NULL)
    mongoc_uri_set_database (uri, database);
  return uri;
}

static CalqueServerStore *
mongo_open (const char  *dir,
            GError     **error)
{
  g_autoptr(mongoc_uri_t) uri = mongo_test_uri (dir, error);

  return uri != NULL ? calque_mongo_store_open (uri, error) : NULL;
}

static void
mongo_drop (const char *dir)
{
  g_autoptr(mongoc_uri_t) uri = mongo_test_uri (dir, NULL);
  mongoc_client_t *client = mongoc_client_new_from_uri (uri);
  mongoc_database_t *database = mongoc_client_get_database (client, mongoc_uri_get_database (uri));
  bson_error_t error;

  if (!mongoc_database_drop_with_opts (database, NULL, &error))
    g_test_message ("could not drop %s: %s", mongoc_uri_get_database (uri), error.message);
  mongoc_database_destroy (database);
  mongoc_client_destroy (client);
}

static const Backend sqlite_backend = { "sqlite", calque_sqlite_store_open, NULL };
static const Backend mongodb_backend = { "mongodb", mongo_open, mongo_drop };

static void
skip_without_mongodb (gconstpointer data)
{
  g_test_skip (MONGODB_URI_VARIABLE " is not set: no MongoDB server to test against");
}

static void
test_users_and_tokens (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  gint64 expires = 0;

  g_assert_true (calque_server_store_add_user (f->store, "bruno", "$argon2id$x", FALSE, &error));
  g_assert_false (calque_server_store_add_user (f->store, "bruno", "$argon2id$y", FALSE, &error));
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_false (calque_server_store_get_user (f->store, "nobody", NULL, NULL, &error));
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (calque_server_store_add_token (f->store, "h1", "bruno", 1800000000, &error));
  g_assert_true (calque_server_store_lookup_token (f->store, "h1", &user, &expires, &error));
  g_assert_cmpstr (user, ==, "bruno");
  g_assert_cmpint (expires, ==, 1800000000);

  /* A token for a user who does not exist is refused. */
  g_assert_false (calque_server_store_add_token (f->store, "h2", "ghost", 1800000000, &error));
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (calque_server_store_revoke_token (f->store, "h1", &error));
  g_assert_false (calque_server_store_lookup_token (f->store, "h1", NULL, NULL, &error));
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND);
}

/* Pushes of several clients, made durable by one group commit: each keeps
 * its own seqs and refusals, a retry inside the group counts once, and
 * after the commit all of it is there for a new connection. */
static void
test_group_commit (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) rename = label_change (CLIENT_B, 1, NOW - 5000, 0xb, 1, "finch");
  g_autoptr(CalqueChange) ahead = label_change (CLIENT_B, 2, NOW + 3600 * 1000, 0xb, 1, "from the future");
  g_autoptr(GPtrArray) stream = NULL;
  g_autoptr(CalqueRecord) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_server_store_group_begin (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (apply_one (f, create, "amelie", results)->seq, ==, 1);
  g_assert_cmpint (apply_one (f, rename, "bruno", results)->seq, ==, 2);
  g_assert_cmpstr (apply_one (f, ahead, "bruno", results)->error_code, ==, "clock-ahead");
  /* The first push again, as after a lost ack: its first seq, nothing new. */
  g_assert_cmpint (apply_one (f, create, "amelie", results)->seq, ==, 1);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 2);
  g_assert_true (calque_server_store_group_commit (f->store, &error));
  g_assert_no_error (error);

  reopen (f);
  stream = calque_server_store_changes_since (f->store, PROJECT, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stream->len, ==, 2);
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (stream, 0))->author, ==, "amelie");
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (stream, 1))->author, ==, "bruno");
  stored = calque_server_store_get_record (f->store, LABEL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_string (stored, "name"), ==, "finch");

  /* And a store takes single, durable applies again after a group. */
  g_clear_pointer (&stream, g_ptr_array_unref);
  g_clear_pointer (&rename, calque_change_free);
  rename = label_change (CLIENT_B, 3, NOW - 4000, 0xb, 2, "robin");
  g_assert_cmpint (apply_one (f, rename, "bruno", results)->seq, ==, 3);
  reopen (f);
  g_assert_cmpint (calque_server_store_get_head (f->store, PROJECT, NULL), ==, 3);
}

/* The stream as JSON text is the stream: the same seqs, and each text
 * decodes to the change changes_since() gives. */
static void
test_stream_as_json (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(CalqueChange) create = create_label ();
  g_autoptr(CalqueChange) rename = label_change (CLIENT_B, 1, NOW - 5000, 0xb, 1, "fin<b>ch</b> “é”");
  g_autoptr(GPtrArray) stream = NULL;
  g_autoptr(GPtrArray) encoded = NULL;
  g_autoptr(GError) error = NULL;

  apply_one (f, create, "amelie", results);
  apply_one (f, rename, "bruno", results);

  stream = calque_server_store_changes_since (f->store, PROJECT, 0, 100, &error);
  g_assert_no_error (error);
  encoded = calque_server_store_changes_since_json (f->store, PROJECT, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (encoded->len, ==, stream->len);
  for (guint i = 0; i < stream->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (stream, i);
      CalqueEncodedChange *text = g_ptr_array_index (encoded, i);
      g_autoptr(JsonNode) node = json_from_string (text->json, &error);
      g_autoptr(CalqueChange) decoded = NULL;
      g_autoptr(JsonNode) expected = calque_change_to_json (change);
      g_autofree char *expected_text = calque_json_node_to_string (expected, NULL);

      g_assert_no_error (error);
      g_assert_cmpint (text->seq, ==, change->seq);
      decoded = calque_change_from_json (node, &error);
      g_assert_no_error (error);
      g_assert_cmpint (decoded->seq, ==, change->seq);
      g_assert_cmpstr (decoded->author, ==, change->author);
      g_assert_cmpstr (text->json, ==, expected_text);
    }

  /* After a seq, and limited, as changes_since(). */
  g_clear_pointer (&encoded, g_ptr_array_unref);
  encoded = calque_server_store_changes_since_json (f->store, PROJECT, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (encoded->len, ==, 1);
  g_assert_cmpint (((CalqueEncodedChange *) g_ptr_array_index (encoded, 0))->seq, ==, 2);
}

static void
add_suite (const Backend *backend,
           gboolean       runnable)
{
  static const struct { const char *name; void (*func) (Fixture *, gconstpointer); } tests[] = {
    { "get-record-not-found", test_get_record_not_found },
    { "lists-leave-out-tombstones", test_lists_leave_out_tombstones },
    { "memberships-and-blob-items", test_memberships_and_blob_items },
    { "changes-since-limits", test_changes_since_limits },
    { "same-op-twice-in-a-batch", test_same_op_twice_in_a_batch },
    { "kind-and-project-are-fixed", test_kind_and_project_are_fixed },
    { "revoking-an-unknown-token", test_revoking_an_unknown_token },
    { "create-and-stream", test_create_and_stream },
    { "retry-applies-once", test_retry_applies_once },
    { "conflict-is-stored-and-streamed", test_conflict_is_stored_and_streamed },
    { "refusals-take-no-seq", test_refusals_take_no_seq },
    { "deleted-stays-deleted", test_deleted_stays_deleted },
    { "projects-are-separate-and-paged", test_projects_are_separate_and_paged },
    { "survives-reopen", test_survives_reopen },
    { "users-and-tokens", test_users_and_tokens },
    { "group-commit", test_group_commit },
    { "stream-as-json", test_stream_as_json },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/server-store/%s/%s", backend->name, tests[i].name);

      if (runnable)
        g_test_add (path, Fixture, backend, fixture_set_up, tests[i].func, fixture_tear_down);
      else
        g_test_add_data_func (path, NULL, skip_without_mongodb);
    }
}

static void
add_mongodb_only (gboolean runnable)
{
  const char *path = "/server-store/mongodb/other-servers-writes-are-announced";

  if (runnable)
    g_test_add (path, Fixture, &mongodb_backend, fixture_set_up, test_other_servers_writes_are_announced,
                fixture_tear_down);
  else
    g_test_add_data_func (path, NULL, skip_without_mongodb);
}

int
main (int argc, char **argv)
{
  const char *mongodb_uri = g_getenv (MONGODB_URI_VARIABLE);

  g_test_init (&argc, &argv, NULL);
  add_suite (&sqlite_backend, TRUE);
  add_suite (&mongodb_backend, mongodb_uri != NULL && mongodb_uri[0] != '\0');
  add_mongodb_only (mongodb_uri != NULL && mongodb_uri[0] != '\0');
  return g_test_run ();
}
