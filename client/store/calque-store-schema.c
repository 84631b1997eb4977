/* calque-store-schema.c — the versions of the workspace database
 *
 * Each version is a step from the one before, applied in one transaction;
 * PRAGMA user_version records where a file is. A step never changes once it
 * has shipped: a new need is a new step. A file written by a newer Calque is
 * refused rather than guessed at.
 */
#define G_LOG_DOMAIN "calque-store"

#include "calque-store.h"
#include "calque-store-private.h"

#include <glib/gi18n-lib.h>

/* v1: records with a clock per field, and the outbox of local changes. */
static const char schema_v1[] =
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  /* fields: the record's JSON object; clocks: {field: hlc} of the last
   * write of each field, as calque_hlc_to_string() writes them. */
  "CREATE TABLE records ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  project TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  fields TEXT NOT NULL,"
  "  clocks TEXT NOT NULL DEFAULT '{}'"
  ") WITHOUT ROWID;"
  "CREATE INDEX records_by_project ON records (project, kind, id);"
  /* Projects are the one kind listed across projects; the others are
   * always read within one, so only project rows pay for this index. */
  "CREATE INDEX records_projects ON records (id) WHERE kind = 'project';"
  /* One row per local save; fields is the JSON array of the names the save
   * changed. Rows leave when the server acknowledges them. */
  "CREATE TABLE outbox ("
  "  op_no INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  record_id TEXT NOT NULL,"
  "  fields TEXT NOT NULL"
  ");";

/* v2: what sync and import need.
 * - records.updated: the greatest field clock of the record, filled from
 *   the clocks of the rows already there; sync sends "what changed since".
 * - records.blob: an item's media hash, lifted out of the JSON so that
 *   finding the same file twice is an index lookup. Only items with media
 *   have one, so text items and annotations pay nothing for the index.
 * - outbox.base_seq: the server sequence the edit was made on, which the
 *   merge needs to tell a conflict from an update (DESIGN.md).
 * - sync_state: the pull cursor per project. */
static const char schema_v2[] =
  "ALTER TABLE records ADD COLUMN updated TEXT;"
  "UPDATE records SET updated = (SELECT max(value) FROM json_each(records.clocks));"
  "ALTER TABLE records ADD COLUMN blob TEXT;"
  "UPDATE records SET blob = json_extract(fields, '$.sha256') WHERE kind = 'item';"
  "CREATE INDEX records_by_blob ON records (project, blob) WHERE blob IS NOT NULL;"
  "ALTER TABLE outbox ADD COLUMN base_seq INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE sync_state ("
  "  project TEXT PRIMARY KEY,"
  "  server TEXT,"
  "  cursor INTEGER NOT NULL DEFAULT 0"
  ");";

/* v3: what the sync engine needs.
 * - outbox.change: the change as it will be pushed (calque_change_to_json():
 *   the values and the clock of that save), so that a retry sends exactly
 *   the same change under the same op number, whatever was saved since.
 *   Rows written before v3 have none; they are pushed from the record.
 * - shadow: the records this workspace has edited, as the server has them,
 *   as far as pulled (for every other record the workspace's row is the
 *   server's): every pulled change is merged here as on the server. When
 *   nothing of a record waits in the outbox any more it becomes the
 *   shadow's again; when the server refuses a change, the fields it set go
 *   back to the shadow's. Either way the workspace agrees with the server.
 * - refused: changes the server refused, with its reason, kept to show the
 *   person who made them; nothing is dropped silently. */
static const char schema_v3[] =
  "ALTER TABLE outbox ADD COLUMN change TEXT;"
  "CREATE INDEX outbox_by_record ON outbox (record_id);"
  "CREATE TABLE shadow ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  project TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  fields TEXT NOT NULL,"
  "  clocks TEXT NOT NULL DEFAULT '{}'"
  ") WITHOUT ROWID;"
  "CREATE TABLE refused ("
  "  op_no INTEGER PRIMARY KEY,"
  "  record_id TEXT NOT NULL,"
  "  change TEXT NOT NULL,"
  "  code TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  at INTEGER NOT NULL"
  ");";

/* v4: the records of one item (annotations, tasks, comments), found
 * without reading the whole project, for opening an item in the canvas.
 * json_extract() fails on text that is not JSON, and an index on it would
 * make a damaged row block the migration and every later write of that
 * row: such a row is indexed under NULL instead, and still reported by
 * whoever reads it. */
static const char schema_v4[] =
  "CREATE INDEX records_by_item ON records"
  "  ((CASE WHEN json_valid (fields) THEN json_extract (fields, '$.item') END), kind);";

/* v5: what the progress figures count (calque-store-stats.c), lifted out
 * of the JSON of tasks and annotations like blob in v2, and one index that
 * holds them all after the project, the kind and the tombstone flag: a
 * project's figures read the index and never the rows, which carry the
 * shapes and the clocks (counting a million annotations through the rows
 * takes several times longer; tests/bench/bench-stats.c). One index per
 * kind, partial, so that no other query is drawn to them: with more
 * equal columns than records_by_project or records_by_blob, one index over
 * every kind would win lookups by hash and lists by id and make them scan.
 * The live items are every item (records_by_project) but the deleted ones
 * (records_tombstones, which no query of live records can use): an index
 * of items with their tombstone flag would look to SQLite as good as
 * records_by_blob, and win it.
 * - item: the item of the task or annotation;
 * - person: a task's annotator, an annotation's author;
 * - state: a task's state;
 * - created: Unix milliseconds, when the record says;
 * - labels: an annotation's labels, the JSON array of ids.
 * Other kinds leave them NULL. A damaged row is left NULL too (see v4). */
static const char schema_v5[] =
  "ALTER TABLE records ADD COLUMN item TEXT;"
  "ALTER TABLE records ADD COLUMN person TEXT;"
  "ALTER TABLE records ADD COLUMN state TEXT;"
  "ALTER TABLE records ADD COLUMN created INTEGER;"
  "ALTER TABLE records ADD COLUMN labels TEXT;"
  "UPDATE records SET"
  "  item = json_extract (fields, '$.item'),"
  "  person = json_extract (fields, '$.annotator'),"
  "  state = json_extract (fields, '$.state'),"
  "  created = json_extract (fields, '$.created')"
  "  WHERE kind = 'task' AND json_valid (fields);"
  "UPDATE records SET"
  "  item = json_extract (fields, '$.item'),"
  "  person = json_extract (fields, '$.author'),"
  "  created = json_extract (fields, '$.created'),"
  "  labels = json_extract (fields, '$.labels')"
  "  WHERE kind = 'annotation' AND json_valid (fields);"
  "CREATE INDEX records_task_figures ON records"
  "  (project, kind, deleted, person, item, state, created) WHERE kind = 'task';"
  "CREATE INDEX records_tombstones ON records"
  "  (project, kind, id, deleted) WHERE deleted = 1;"
  "CREATE INDEX records_annotation_figures ON records"
  "  (project, kind, deleted, person, item, created, labels) WHERE kind = 'annotation';";

/* v6: no table changes; the clocks column may hold one JSON string, the
 * clock of every field of the record, instead of the object (a record
 * saved once, most of them: calque-store.c, stored_clocks()). The version
 * moves so that an older Calque refuses such a workspace rather than
 * calling its records damaged. */
static const char schema_v6[] = "";

static const char * const steps[] = {
  NULL,       /* version 0: an empty file */
  schema_v1,
  schema_v2,
  schema_v3,
  schema_v4,
  schema_v5,
  schema_v6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (steps) == CALQUE_STORE_SCHEMA_VERSION + 1);

void
_calque_store_set_sqlite_error (GError    **error,
                                sqlite3    *db,
                                const char *what)
{
  g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_SQLITE,
               "%s: %s", what, db ? sqlite3_errmsg (db) : "out of memory");
}

int
_calque_store_schema_get_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

gboolean
_calque_store_schema_migrate (sqlite3  *db,
                              int       target_version,
                              GError  **error)
{
  int version = _calque_store_schema_get_version (db);

  g_return_val_if_fail (target_version <= CALQUE_STORE_SCHEMA_VERSION, FALSE);

  if (version < 0)
    {
      _calque_store_set_sqlite_error (error, db, _("cannot read the schema version"));
      return FALSE;
    }
  if (version > CALQUE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_TOO_NEW,
                   _("this workspace was written by a newer Calque (schema version %d; this one knows up to %d)"),
                   version, CALQUE_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  while (version < target_version)
    {
      g_autofree char *sql = NULL;
      int next = version + 1;

      g_debug ("migrating workspace schema from version %d to %d", version, next);
      sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = %d; COMMIT;",
                             steps[next], next);
      if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          g_autofree char *what = g_strdup_printf (_("migrating the workspace to schema version %d"), next);

          _calque_store_set_sqlite_error (error, db, what);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      version = next;
    }

  return TRUE;
}
