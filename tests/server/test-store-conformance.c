/* test-store-conformance.c — what every server store backend must do
 *
 * Written against CalqueServerStore only; each backend runs all of it. The
 * SQLite backend always runs. (A MongoDB backend will run it too when
 * CALQUE_TEST_MONGODB_URI names a server.)
 */
#include "calque-sqlite-store.h"
#include "calque-json-writer.h"
#include "calque-test-util.h"

#include <string.h>

#define PROJECT  "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define PROJECT2 "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9f"
#define LABEL    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"
#define CLIENT_A "0192d4e8-7c4b-7a31-9f02-00000000000a"
#define CLIENT_B "0192d4e8-7c4b-7a31-9f02-00000000000b"
#define NOW 1764028800000

typedef CalqueServerStore *(*OpenFunc) (const char *dir, GError **error);

typedef struct {
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

  f->open = (OpenFunc) data;
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
add_suite (const char *backend,
           OpenFunc    open)
{
  static const struct { const char *name; void (*func) (Fixture *, gconstpointer); } tests[] = {
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
      g_autofree char *path = g_strdup_printf ("/server-store/%s/%s", backend, tests[i].name);

      g_test_add (path, Fixture, (gconstpointer) open, fixture_set_up, tests[i].func, fixture_tear_down);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add_suite ("sqlite", calque_sqlite_store_open);
  return g_test_run ();
}
