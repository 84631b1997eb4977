/* test-store.c — the local SQLite store */
#include "calque-store.h"
#include "calque-store-private.h"
#include "calque-hlc.h"

#include <glib/gstdio.h>

#include "calque-test-util.h"
#include <sqlite3.h>
#include <string.h>

typedef struct {
  char *dir;
  char *path;
  CalqueStore *store;
  CalqueRecord *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("calque-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "workspace.sqlite", NULL);
  f->store = calque_store_open (f->path, &error);
  g_assert_no_error (error);

  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Birds");
  calque_record_set_string (f->project, "type", "image");
  g_assert_true (calque_store_save (f->store, f->project, &error));
  g_assert_no_error (error);
}


static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static CalqueRecord *
new_label (Fixture    *f,
           const char *name)
{
  CalqueRecord *label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (f->project));

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", "#3584e4");
  return label;
}

static gboolean
store_has (Fixture      *f,
           CalqueRecord *record)
{
  g_autoptr(CalqueRecord) found = calque_store_get (f->store, calque_record_get_id (record), NULL);

  return found != NULL;
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static void
test_open_fresh (Fixture       *f,
                 gconstpointer  data)
{
  sqlite3 *db = open_raw (f->path);
  g_autofree char *mode = query_text (db, "PRAGMA journal_mode");

  g_assert_cmpint (calque_store_get_schema_version (f->store), ==, CALQUE_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpuint (strlen (calque_store_get_node_id (f->store)), ==, 16);
  sqlite3_close (db);
}

static void
test_save_and_read_back (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(CalqueRecord) back = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;

  calque_record_set_string (label, "shortcut", "1");
  g_assert_true (calque_store_save (f->store, label, &error));
  g_assert_no_error (error);

  back = calque_store_get (f->store, calque_record_get_id (label), &error);
  g_assert_no_error (error);
  g_assert_true (calque_record_equal (label, back));
  g_assert_cmpstr (calque_record_get_clock (back, "name"), ==, calque_record_get_clock (label, "name"));
  g_assert_nonnull (calque_record_get_clock (back, "shortcut"));

  labels = calque_store_list (f->store, CALQUE_KIND_LABEL, calque_record_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, 1);
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, 1);
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_PROJECT, NULL, NULL), ==, 1);

  g_assert_null (calque_store_get (f->store, "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90", &error));
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND);
}

static void
test_clock_per_field (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(CalqueRecord) back = NULL;
  g_autofree char *name_clock = NULL;
  g_autofree char *color_clock = NULL;
  g_autoptr(GError) error = NULL;
  gint64 outbox_before;

  g_assert_true (calque_store_save (f->store, label, &error));
  name_clock = g_strdup (calque_record_get_clock (label, "name"));
  color_clock = g_strdup (calque_record_get_clock (label, "color"));
  outbox_before = calque_store_get_outbox_size (f->store, NULL);

  /* Changing one field gives that field, and only that one, a later clock. */
  calque_record_set_string (label, "color", "#e01b24");
  g_assert_true (calque_store_save (f->store, label, &error));
  g_assert_no_error (error);
  back = calque_store_get (f->store, calque_record_get_id (label), NULL);
  g_assert_cmpstr (calque_record_get_clock (back, "name"), ==, name_clock);
  g_assert_cmpstr (calque_record_get_clock (back, "color"), >, color_clock);
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox_before + 1);

  /* Saving with nothing changed writes nothing. */
  g_assert_true (calque_store_save (f->store, label, &error));
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox_before + 1);
}

static void
test_outbox_lists_changed_fields (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "robin");
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  g_autofree char *last = NULL;

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_string (label, "name", "European robin");
  g_assert_true (calque_store_save (f->store, label, &error));

  db = open_raw (f->path);
  last = query_text (db, "SELECT fields FROM outbox ORDER BY op_no DESC LIMIT 1");
  g_assert_cmpstr (last, ==, "[\"name\"]");
  sqlite3_close (db);
}

static void
test_invalid_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(GError) error = NULL;

  calque_record_set_string (label, "color", "<b>red</b>");
  g_assert_false (calque_store_save (f->store, label, &error));
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“color”"));
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, 0);
}

static void
test_nested_rollback (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueRecord) kept = new_label (f, "kept");
  g_autoptr(CalqueRecord) dropped = new_label (f, "dropped");
  g_autoptr(CalqueRecord) all_gone = new_label (f, "all gone");
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_begin (f->store, &error));
  g_assert_true (calque_store_save (f->store, kept, &error));
  g_assert_true (calque_store_begin (f->store, &error));
  g_assert_true (calque_store_save (f->store, dropped, &error));
  calque_store_rollback (f->store);           /* inner level only */
  g_assert_true (calque_store_commit (f->store, &error));
  g_assert_no_error (error);

  g_assert_true (store_has (f, kept));
  g_assert_false (store_has (f, dropped));

  g_assert_true (calque_store_begin (f->store, &error));
  g_assert_true (calque_store_save (f->store, all_gone, &error));
  calque_store_rollback (f->store);
  g_assert_false (store_has (f, all_gone));
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, 1);
}

static void
test_tombstones (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "gone");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(CalqueRecord) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_deleted (label, TRUE);
  g_assert_true (calque_store_save (f->store, label, &error));

  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, 0);
  all = calque_store_list_project (f->store, calque_record_get_id (f->project), &error);
  g_assert_cmpuint (all->len, ==, 2);            /* the project and the tombstone */
  back = calque_store_get (f->store, calque_record_get_id (label), NULL);
  g_assert_true (calque_record_get_deleted (back));
  g_assert_nonnull (calque_record_get_clock (back, "deleted"));
}

static void
test_clocks_survive_reopen (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "first");
  g_autoptr(CalqueRecord) merged = new_label (f, "from the future");
  g_autoptr(CalqueRecord) later = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_strdup (calque_store_get_node_id (f->store));
  /* A merged record whose clock is an hour ahead of this machine. */
  gint64 ahead = g_get_real_time () / 1000 + 3600 * 1000;
  g_autofree char *future = g_strdup_printf ("%012" G_GINT64_MODIFIER "x0000-00000000000000ff", ahead);

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_clock (merged, "name", future);
  calque_record_set_clock (merged, "color", future);
  g_assert_true (calque_store_put_merged (f->store, merged, &error));
  g_assert_no_error (error);

  g_clear_object (&f->store);
  f->store = calque_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_store_get_node_id (f->store), ==, node);

  /* After reopening, a new write still sorts after everything stored. */
  later = new_label (f, "after");
  g_assert_true (calque_store_save (f->store, later, &error));
  g_assert_cmpstr (calque_record_get_clock (later, "name"), >, future);
}

static void
test_newer_schema_refused (Fixture       *f,
                           gconstpointer  data)
{
  sqlite3 *db;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueStore) again = NULL;

  g_clear_object (&f->store);
  db = open_raw (f->path);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  again = calque_store_open (f->path, &error);
  g_assert_null (again);
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer Calque"));
}

static void
test_damaged_row (Fixture       *f,
                  gconstpointer  data)
{
  sqlite3 *db = open_raw (f->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = NULL;

  g_assert_cmpint (sqlite3_exec (db, "UPDATE records SET fields = '{not json' WHERE kind = 'project'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  projects = calque_store_list (f->store, CALQUE_KIND_PROJECT, NULL, &error);
  g_assert_null (projects);
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, calque_record_get_id (f->project)));
}

static void
test_find_by_hash (Fixture       *f,
                   gconstpointer  data)
{
  const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  g_autoptr(CalqueRecord) found = NULL;
  g_autoptr(CalqueRecord) none = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  g_autofree char *plan = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "a.png");
  calque_record_set_string (item, "sha256", sha);
  calque_record_set_int (item, "width", 10);
  calque_record_set_int (item, "height", 10);
  g_assert_true (calque_store_save (f->store, item, &error));

  found = calque_store_find_item_by_sha256 (f->store, calque_record_get_id (f->project), sha, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (calque_record_get_id (found), ==, calque_record_get_id (item));
  none = calque_store_find_item_by_sha256 (f->store, calque_record_get_id (f->project),
                                           "0000000000000000000000000000000000000000000000000000000000000000", &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* The lookup uses the index, not a scan of every record. */
  db = open_raw (f->path);
  {
    sqlite3_stmt *stmt = NULL;

    /* EXPLAIN QUERY PLAN rows: id, parent, notused, detail */
    g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT id FROM records WHERE project = 'p'"
                                         " AND blob = 'x' AND kind = 'item' AND deleted = 0",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    plan = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  g_assert_nonnull (strstr (plan, "records_by_blob"));
}

static CalqueRecord *
save_item (Fixture    *f,
           const char *name)
{
  CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://media.example.org/a.png");
  calque_record_set_int (item, "width", 100);
  calque_record_set_int (item, "height", 80);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return item;
}

static CalqueRecord *
save_comment (Fixture      *f,
              CalqueRecord *item,
              const char   *text)
{
  CalqueRecord *comment = calque_record_new (CALQUE_KIND_COMMENT, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (comment, "item", calque_record_get_id (item));
  calque_record_set_string (comment, "author", "amelie");
  calque_record_set_string (comment, "text", text);
  g_assert_true (calque_store_save (f->store, comment, &error));
  g_assert_no_error (error);
  return comment;
}

/* An item's records, without the other items', the deleted ones or other
 * kinds; found through the index, even with a damaged row about. */
static void
test_list_for_item (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueRecord) heron = save_item (f, "heron.jpg");
  g_autoptr(CalqueRecord) owl = save_item (f, "owl.jpg");
  g_autoptr(CalqueRecord) first = save_comment (f, heron, "blurred");
  g_autoptr(CalqueRecord) second = save_comment (f, heron, "cropped");
  g_autoptr(CalqueRecord) elsewhere = save_comment (f, owl, "fine");
  g_autoptr(CalqueRecord) gone = save_comment (f, heron, "withdrawn");
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  sqlite3 *db;

  calque_record_set_deleted (gone, TRUE);
  g_assert_true (calque_store_save (f->store, gone, &error));

  comments = calque_store_list_for_item (f->store, CALQUE_KIND_COMMENT, calque_record_get_id (heron), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (comments->len, ==, 2);
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (comments, 0)), ==, calque_record_get_id (first));
  g_assert_cmpstr (calque_record_get_id (g_ptr_array_index (comments, 1)), ==, calque_record_get_id (second));
  tasks = calque_store_list_for_item (f->store, CALQUE_KIND_TASK, calque_record_get_id (heron), &error);
  g_assert_cmpuint (tasks->len, ==, 0);

  db = open_raw (f->path);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT id FROM records WHERE"
                                         " (CASE WHEN json_valid (fields) THEN json_extract (fields, '$.item') END) = 'x'"
                                         " AND kind = 'comment' AND deleted = 0",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    plan = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    sqlite3_finalize (stmt);
  }
  /* A row damaged on disk does not stop the others from being written. */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE records SET fields = '{not json' WHERE kind = 'project'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_nonnull (strstr (plan, "records_by_item"));

  calque_record_set_string (elsewhere, "text", "fine after all");
  g_assert_true (calque_store_save (f->store, elsewhere, &error));
  g_assert_no_error (error);
}

static void
test_id_never_changes_project (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "mine");
  g_autoptr(CalqueRecord) other_project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) intruder = NULL;
  g_autoptr(CalqueRecord) kept = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_string (other_project, "name", "Other");
  calque_record_set_string (other_project, "type", "image");
  g_assert_true (calque_store_save (f->store, other_project, &error));

  /* The same id, claimed by a record of another project. */
  intruder = calque_record_new_with_id (CALQUE_KIND_LABEL, calque_record_get_id (label),
                                        calque_record_get_id (other_project));
  calque_record_set_string (intruder, "name", "stolen");
  calque_record_set_string (intruder, "color", "#000000");
  g_assert_false (calque_store_save (f->store, intruder, &error));
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "another kind or project"));

  kept = calque_store_get (f->store, calque_record_get_id (label), NULL);
  g_assert_cmpstr (calque_record_get_project (kept), ==, calque_record_get_id (f->project));
  g_assert_cmpstr (calque_record_get_string (kept, "name"), ==, "mine");
}

static void
test_annotation_checked_against_item (Fixture       *f,
                                      gconstpointer  data)
{
  const char *pid = calque_record_get_id (f->project);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, pid);
  g_autoptr(CalqueRecord) inside = calque_record_new (CALQUE_KIND_ANNOTATION, pid);
  g_autoptr(CalqueRecord) beyond = calque_record_new (CALQUE_KIND_ANNOTATION, pid);
  g_autoptr(CalqueShape) ok_span = calque_shape_new_span (0, 5);
  g_autoptr(CalqueShape) long_span = calque_shape_new_span (0, 6);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(GError) error = NULL;

  /* "héllo": 5 code points, 6 bytes. */
  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "t:1");
  calque_record_set_string (item, "text", "héllo");
  g_assert_true (calque_store_save (f->store, item, &error));
  for (CalqueRecord **a = (CalqueRecord *[]) { inside, beyond, NULL }; *a; a++)
    {
      calque_record_set_string (*a, "item", calque_record_get_id (item));
      calque_record_set_string (*a, "author", "amelie");
      calque_record_set_field (*a, "labels", json_node_copy (labels));
    }
  calque_record_set_shape (inside, ok_span);
  calque_record_set_shape (beyond, long_span);

  g_assert_true (calque_store_save (f->store, inside, &error));
  g_assert_no_error (error);
  g_assert_false (calque_store_save (f->store, beyond, &error));
  g_assert_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "which has 5 characters"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/open-fresh", test_open_fresh);
  ADD ("/store/save-and-read-back", test_save_and_read_back);
  ADD ("/store/clock-per-field", test_clock_per_field);
  ADD ("/store/outbox-lists-changed-fields", test_outbox_lists_changed_fields);
  ADD ("/store/invalid-refused", test_invalid_refused);
  ADD ("/store/nested-rollback", test_nested_rollback);
  ADD ("/store/tombstones", test_tombstones);
  ADD ("/store/clocks-survive-reopen", test_clocks_survive_reopen);
  ADD ("/store/newer-schema-refused", test_newer_schema_refused);
  ADD ("/store/damaged-row", test_damaged_row);
  ADD ("/store/find-by-hash", test_find_by_hash);
  ADD ("/store/list-for-item", test_list_for_item);
  ADD ("/store/id-never-changes-project", test_id_never_changes_project);
  ADD ("/store/annotation-checked-against-item", test_annotation_checked_against_item);
  return g_test_run ();
}
