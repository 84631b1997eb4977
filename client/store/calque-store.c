/* calque-store.c — the local SQLite store of a workspace */
#define G_LOG_DOMAIN "calque-store"

#include "calque-store.h"
#include "calque-store-private.h"
#include "calque-store-sync.h"
#include "calque-hlc.h"
#include "calque-record-private.h"
#include "calque-json.h"
#include "calque-json-writer.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (calque-store-error-quark, calque_store_error)

/* Statements prepared once per store: every save and every list goes
 * through them, and preparing is a large part of a small query's cost. */
typedef enum {
  STMT_PUT,
  STMT_OUTBOX_ADD,
  STMT_GET,
  STMT_LIST_KIND,
  STMT_LIST_PROJECTS,
  STMT_LIST_KIND_PROJECT,
  STMT_LIST_PROJECT,
  STMT_COUNT_KIND,
  STMT_COUNT_KIND_PROJECT,
  STMT_FIND_SHA256,
  STMT_FIND_SOURCE,
  STMT_OUTBOX_SIZE,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_PUT] =
    "INSERT INTO records (id, kind, project, deleted, fields, clocks, updated, blob,"
    "                     item, person, state, created, labels)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (id) DO UPDATE SET deleted = ?4,"
    "   fields = ?5, clocks = ?6, updated = ?7, blob = ?8,"
    "   item = ?9, person = ?10, state = ?11, created = ?12, labels = ?13"
    /* A record never changes project or kind: an id that is taken by
     * another project's record is refused, not taken over. */
    " WHERE records.project = excluded.project AND records.kind = excluded.kind",
  [STMT_OUTBOX_ADD] =
    "INSERT INTO outbox (record_id, fields, base_seq, change) VALUES (?1, ?2, ?3, ?4)",
  [STMT_GET] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records WHERE id = ?1",
  [STMT_LIST_KIND] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE kind = ?1 AND deleted = 0 ORDER BY id",
  [STMT_LIST_PROJECTS] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE kind = 'project' AND deleted = 0 ORDER BY id",
  [STMT_LIST_KIND_PROJECT] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE project = ?2 AND kind = ?1 AND deleted = 0 ORDER BY id",
  [STMT_LIST_PROJECT] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE project = ?1 ORDER BY CASE kind"
    "   WHEN 'project' THEN 0 WHEN 'member' THEN 1 WHEN 'label' THEN 2"
    "   WHEN 'item' THEN 3 WHEN 'task' THEN 4 WHEN 'annotation' THEN 5"
    "   WHEN 'comment' THEN 6 WHEN 'review' THEN 7 ELSE 8 END, id",
  [STMT_COUNT_KIND] =
    "SELECT count(*) FROM records WHERE kind = ?1 AND deleted = 0",
  [STMT_COUNT_KIND_PROJECT] =
    "SELECT count(*) FROM records WHERE project = ?2 AND kind = ?1 AND deleted = 0",
  [STMT_FIND_SHA256] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE project = ?1 AND blob = ?2 AND kind = 'item' AND deleted = 0 LIMIT 1",
  [STMT_FIND_SOURCE] =
    "SELECT id, kind, project, deleted, fields, clocks FROM records"
    " WHERE kind = 'item' AND project = ?1 AND json_extract (fields, '$.source_sha256') = ?2"
    " AND deleted = 0 LIMIT 1",
  [STMT_OUTBOX_SIZE] =
    "SELECT count(*) FROM outbox",
};

struct _CalqueStore {
  GObject parent_instance;

  char *filename;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  CalqueHlcClock *clock;
  char *node_id;

  guint depth;          /* nesting of calque_store_begin() */
  GHashTable *cached;   /* SQL → sqlite3_stmt, for calque-store-sync.c */

  /* The greatest clock written, and the one recorded in meta: the clock
   * restarts after it, without scanning every record at start-up. */
  char last_clock[CALQUE_HLC_STRING_LENGTH + 1];
  char saved_clock[CALQUE_HLC_STRING_LENGTH + 1];

  /* The item the last annotation saved was checked against: an import or
   * a paste saves many annotations of one item in a row, and reading and
   * decoding the item for each was a fifth of an import's time. Dropped
   * whenever an item is written, deleted or rolled back. */
  CalqueRecord *bounds_item;
};

G_DEFINE_FINAL_TYPE (CalqueStore, calque_store, G_TYPE_OBJECT)

/* --- helpers ------------------------------------------------------------- */

static sqlite3_stmt *
get_stmt (CalqueStore  *self,
          StmtId        id,
          GError      **error)
{
  if (self->stmts[id] == NULL
      && sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                             &self->stmts[id], NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, self->db, _("preparing a query"));
      return NULL;
    }
  sqlite3_reset (self->stmts[id]);
  sqlite3_clear_bindings (self->stmts[id]);
  return self->stmts[id];
}

static gboolean
exec_sql (CalqueStore  *self,
          const char   *sql,
          GError      **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, self->db, sql);
      return FALSE;
    }
  return TRUE;
}

static char *
meta_get (CalqueStore *self,
          const char  *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
meta_set (CalqueStore  *self,
          const char   *key,
          const char   *value,
          GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db,
                          value != NULL ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"
                                        : "DELETE FROM meta WHERE key = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, self->db, _("writing workspace settings"));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _calque_store_set_sqlite_error (error, self->db, _("writing workspace settings"));
  sqlite3_finalize (stmt);
  return ok;
}

static CalqueRecord *record_from_row (CalqueStore *self, sqlite3_stmt *stmt, gboolean with_clocks,
                                      GError **error);

CalqueRecord *
_calque_store_record_from_row (CalqueStore   *self,
                               sqlite3_stmt  *stmt,
                               GError       **error)
{
  return record_from_row (self, stmt, TRUE, error);
}

/* Builds a record from the current row of a SELECT id, kind, project,
 * deleted, fields, clocks; without its clocks for a reader that never
 * saves it back (decoding them is a third of an export's time). */
static CalqueRecord *
record_from_row (CalqueStore   *self,
                 sqlite3_stmt  *stmt,
                 gboolean       with_clocks,
                 GError       **error)
{
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  const char *kind_name = (const char *) sqlite3_column_text (stmt, 1);
  const char *project = (const char *) sqlite3_column_text (stmt, 2);
  gboolean deleted = sqlite3_column_int (stmt, 3) != 0;
  const char *fields = (const char *) sqlite3_column_text (stmt, 4);
  int fields_len = sqlite3_column_bytes (stmt, 4);
  const char *clocks = (const char *) sqlite3_column_text (stmt, 5);
  int clocks_len = sqlite3_column_bytes (stmt, 5);
  CalqueKind kind;
  g_autoptr(CalqueRecord) record = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (id == NULL || strlen (id) != 36 || project == NULL
      || !calque_kind_from_string (kind_name, &kind)
      || fields == NULL
      || (root = calque_json_parse (fields, fields_len, NULL)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged"), self->filename, id ? id : "");
      return NULL;
    }

  record = calque_record_new_with_id (kind, id, project);
  _calque_record_take_fields (record, json_object_ref (json_node_get_object (root)));
  g_clear_pointer (&root, json_node_unref);
  if (deleted)
    {
      calque_record_set_deleted (record, TRUE);
      calque_record_mark_clean (record);
    }

  if (with_clocks && clocks_len > 2)
    {
      if ((root = calque_json_parse (clocks, clocks_len, NULL)) == NULL
          || !(JSON_NODE_HOLDS_OBJECT (root) || json_node_get_value_type (root) == G_TYPE_STRING))
        {
          g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_CORRUPT,
                       _("%s: the clocks of stored record “%s” are damaged"), self->filename, id);
          return NULL;
        }
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *obj = json_node_get_object (root);
          g_autoptr(GList) names = json_object_get_members (obj);

          for (GList *l = names; l; l = l->next)
            calque_record_set_clock (record, l->data,
                                     json_object_get_string_member_with_default (obj, l->data, NULL));
        }
      else
        {
          /* One clock for every field (stored_clocks()). */
          g_autoptr(GList) names = json_object_get_members (calque_record_get_fields (record));

          for (GList *l = names; l; l = l->next)
            calque_record_set_clock (record, l->data, json_node_get_string (root));
        }
    }

  return g_steal_pointer (&record);
}

static GPtrArray *
collect_rows_full (CalqueStore   *self,
                   sqlite3_stmt  *stmt,
                   gboolean       with_clocks,
                   GError       **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CalqueRecord *record = record_from_row (self, stmt, with_clocks, error);

      if (record == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (records, record);
    }
  if (rc != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, self->db, _("reading records"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&records);
}

static GPtrArray *
collect_rows (CalqueStore   *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  return collect_rows_full (self, stmt, TRUE, error);
}

/* --- GObject ------------------------------------------------------------- */

static void
calque_store_finalize (GObject *object)
{
  CalqueStore *self = (CalqueStore *) object;

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  g_clear_pointer (&self->cached, g_hash_table_unref);
  if (self->db)
    sqlite3_close (self->db);
  g_clear_pointer (&self->clock, calque_hlc_clock_free);
  g_clear_object (&self->bounds_item);
  g_free (self->filename);
  g_free (self->node_id);

  G_OBJECT_CLASS (calque_store_parent_class)->finalize (object);
}

static void
calque_store_class_init (CalqueStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_store_finalize;
}

static void
calque_store_init (CalqueStore *self)
{
}

/* --- public API ---------------------------------------------------------- */

static gboolean
restore_clock (CalqueStore  *self,
               GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  guint64 node;

  self->node_id = meta_get (self, "node_id");
  if (self->node_id == NULL || !calque_hlc_node_from_string (self->node_id, &node))
    {
      g_free (self->node_id);
      node = calque_hlc_node_random ();
      self->node_id = calque_hlc_node_to_string (node);
      if (!meta_set (self, "node_id", self->node_id, error))
        return FALSE;
    }
  self->clock = calque_hlc_clock_new (node);

  /* Clocks must never go backwards, even if the wall clock did while the
   * workspace was closed: start after the last clock written here. It is
   * kept in meta; a file without it (just migrated) is scanned once. */
  {
    g_autofree char *last = meta_get (self, "last_clock");
    CalqueHlc hlc;

    if (last == NULL
        && sqlite3_prepare_v2 (self->db, "SELECT max(updated) FROM records", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step (stmt) == SQLITE_ROW
        && sqlite3_column_type (stmt, 0) == SQLITE_TEXT)
      last = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);

    if (last && calque_hlc_from_string (last, &hlc, NULL))
      {
        calque_hlc_clock_restore (self->clock, &hlc);
        g_strlcpy (self->last_clock, last, sizeof self->last_clock);
        g_strlcpy (self->saved_clock, last, sizeof self->saved_clock);
      }
  }
  return TRUE;
}

CalqueStore *
calque_store_open (const char  *filename,
                   GError     **error)
{
  g_autoptr(CalqueStore) self = NULL;

  g_return_val_if_fail (filename != NULL, NULL);

  self = g_object_new (CALQUE_TYPE_STORE, NULL);
  self->filename = g_strdup (filename);

  if (sqlite3_open_v2 (filename, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_SQLITE,
                   _("%s: cannot open the database: %s"), filename,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* A new file gets pages of 16 KiB rather than 4: rows of annotations
   * are about a kilobyte with their clocks, and with four to a page every
   * insert splits pages and deepens the indexes (a million-annotation
   * import writes 13% faster; tests/bench/bench-coco.c). SQLite ignores
   * this for a file that has tables already, so it must come first.
   * WAL lets the app read while the sync engine writes. synchronous=FULL
   * makes each commit durable before it returns: an edit the UI shows as
   * saved survives a power cut, not only a crash of the program. */
  if (!exec_sql (self, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error))
    {
      g_prefix_error (error, "%s: ", filename);
      return NULL;
    }

  if (!_calque_store_schema_migrate (self->db, CALQUE_STORE_SCHEMA_VERSION, error))
    {
      g_prefix_error (error, "%s: ", filename);
      return NULL;
    }

  if (!restore_clock (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
calque_store_get_filename (CalqueStore *self)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  return self->filename;
}

int
calque_store_get_schema_version (CalqueStore *self)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), -1);
  return _calque_store_schema_get_version (self->db);
}

const char *
calque_store_get_node_id (CalqueStore *self)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  return self->node_id;
}

gboolean
calque_store_begin (CalqueStore  *self,
                    GError      **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);

  /* The outer level takes the write lock at once (IMMEDIATE) so that a
   * transaction never fails half-way because another connection wrote;
   * inner levels are savepoints, so an inner rollback undoes only its part. */
  sql = self->depth == 0
        ? g_strdup ("BEGIN IMMEDIATE")
        : g_strdup_printf ("SAVEPOINT level%u", self->depth);
  if (!exec_sql (self, sql, error))
    return FALSE;
  self->depth++;
  return TRUE;
}

gboolean
calque_store_commit (CalqueStore  *self,
                     GError      **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1 && strcmp (self->last_clock, self->saved_clock) != 0)
    {
      if (!meta_set (self, "last_clock", self->last_clock, error))
        return FALSE;
    }

  sql = self->depth == 1
        ? g_strdup ("COMMIT")
        : g_strdup_printf ("RELEASE level%u", self->depth - 1);
  if (!exec_sql (self, sql, error))
    return FALSE;
  self->depth--;
  if (self->depth == 0)
    memcpy (self->saved_clock, self->last_clock, sizeof self->saved_clock);
  return TRUE;
}

void
calque_store_rollback (CalqueStore *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (CALQUE_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  sql = self->depth == 1
        ? g_strdup ("ROLLBACK")
        : g_strdup_printf ("ROLLBACK TO level%u; RELEASE level%u", self->depth - 1, self->depth - 1);
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_debug ("rollback: %s", sqlite3_errmsg (self->db));
  self->depth--;
  g_clear_object (&self->bounds_item);
  /* The in-memory clock stays ahead (harmless: clocks only need to grow);
   * what meta records is only ever what was committed. */
}

/* Nothing invalid is ever stored, whichever way it comes in. An annotation
 * is checked against its item too, when the item is here (a synced
 * annotation may arrive before its item; the server checked it then). */
static gboolean
validate_for_store (CalqueStore   *self,
                    CalqueRecord  *record,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (calque_record_validate (record, &local_error)
      && (calque_record_get_kind (record) != CALQUE_KIND_ANNOTATION
          || calque_record_get_deleted (record)))
    return TRUE;

  if (local_error == NULL)
    {
      const char *item_id = calque_record_get_string (record, "item");

      if (self->bounds_item == NULL || g_strcmp0 (calque_record_get_id (self->bounds_item), item_id) != 0)
        {
          g_clear_object (&self->bounds_item);
          self->bounds_item = calque_store_get (self, item_id, NULL);
        }
      if (self->bounds_item == NULL || calque_annotation_validate_for_item (record, self->bounds_item, &local_error))
        return TRUE;
    }
  g_set_error_literal (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_INVALID, local_error->message);
  return FALSE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text,
                   void        (*destroy) (void *))
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, destroy);
  else
    sqlite3_bind_null (stmt, index);
}

/* The columns schema v5 lifts out of the fields of tasks and annotations
 * for the progress figures (calque-store-stats.c): item, person, state,
 * created, labels; the same values as that step's UPDATE. */
static void
bind_figures (sqlite3_stmt *stmt,
              CalqueRecord *record)
{
  CalqueKind kind = calque_record_get_kind (record);
  JsonNode *created = calque_record_get_field (record, "created");
  JsonNode *labels;

  if (kind != CALQUE_KIND_TASK && kind != CALQUE_KIND_ANNOTATION)
    return;   /* bound to nothing: NULL */

  bind_text_or_null (stmt, 9, calque_record_get_string (record, "item"), SQLITE_STATIC);
  bind_text_or_null (stmt, 10, calque_record_get_string (record, kind == CALQUE_KIND_TASK ? "annotator" : "author"),
                     SQLITE_STATIC);
  if (kind == CALQUE_KIND_TASK)
    bind_text_or_null (stmt, 11, calque_record_get_string (record, "state"), SQLITE_STATIC);
  if (created != NULL && JSON_NODE_HOLDS_VALUE (created) && json_node_get_value_type (created) == G_TYPE_INT64)
    sqlite3_bind_int64 (stmt, 12, json_node_get_int (created));
  if (kind == CALQUE_KIND_ANNOTATION && (labels = calque_record_get_field (record, "labels")) != NULL)
    sqlite3_bind_text (stmt, 13, calque_json_node_to_string (labels, NULL), -1, g_free);
}

/* Writes @record's row, its fields and clocks already as JSON text. */
static gboolean
write_row (CalqueStore   *self,
           CalqueRecord  *record,
           const char    *fields,
           const char    *clocks,
           const char    *updated,
           GError       **error)
{
  sqlite3_stmt *stmt;
  const char *blob;

  if (calque_record_get_kind (record) == CALQUE_KIND_ITEM)
    _calque_store_forget_bounds_item (self);
  if (!(stmt = get_stmt (self, STMT_PUT, error)))
    return FALSE;

  blob = calque_record_get_kind (record) == CALQUE_KIND_ITEM
         ? calque_record_get_string (record, "sha256") : NULL;

  sqlite3_bind_text (stmt, 1, calque_record_get_id (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, calque_kind_to_string (calque_record_get_kind (record)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, calque_record_get_project (record), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, calque_record_get_deleted (record));
  sqlite3_bind_text (stmt, 5, fields, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, clocks, -1, SQLITE_STATIC);
  if (updated)
    sqlite3_bind_text (stmt, 7, updated, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 7);
  bind_text_or_null (stmt, 8, blob, SQLITE_STATIC);
  bind_figures (stmt, record);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, self->db, _("writing a record"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_INVALID,
                   _("record id %s is already used by a record of another kind or project"),
                   calque_record_get_id (record));
      return FALSE;
    }

  if (updated && strcmp (updated, self->last_clock) > 0)
    g_strlcpy (self->last_clock, updated, sizeof self->last_clock);
  return TRUE;
}

static char *
fields_to_json (CalqueRecord *record)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));

  return calque_json_node_to_string (node, NULL);
}

/* The clocks column (schema v6): when every field has the same clock, as
 * a record saved once has, that one clock as a JSON string, 35 bytes where
 * the object repeats it for each field (270 bytes of an annotation's
 * 1,900 with its indexes and outbox entry); else the object
 * {"field": "clock", …}. record_from_row() reads both. */
static char *
stored_clocks (CalqueRecord *record)
{
  const char *only = _calque_record_get_only_clock (record);

  return only != NULL ? g_strconcat ("\"", only, "\"", NULL) : _calque_record_dup_clocks_json (record);
}

static gboolean
write_record (CalqueStore   *self,
              CalqueRecord  *record,
              GError       **error)
{
  g_autofree char *fields = fields_to_json (record);
  g_autofree char *clocks = stored_clocks (record);

  return write_row (self, record, fields, clocks, _calque_record_get_max_clock (record), error);
}

static gboolean
add_to_outbox (CalqueStore   *self,
               const char    *record_id,
               const char    *fields,
               gint64         base_seq,
               const char    *change,
               GError       **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_OUTBOX_ADD, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fields, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, base_seq);
  sqlite3_bind_text (stmt, 4, change, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, self->db, _("writing the outbox"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The first save of a record made here (an import writes a million of
 * them in a row): the same row, outbox entry and change as the general
 * path below writes, with the fields turned into JSON once for the row and
 * the change, and no shadow, since the server has nothing under a new id. */
static gboolean
save_new_record (CalqueStore   *self,
                 CalqueRecord  *record,
                 const char    *names_json,
                 const char    *hlc,
                 GError       **error)
{
  g_autofree char *fields = fields_to_json (record);
  GString *change = g_string_sized_new (strlen (fields) + 256);
  char clocks[CALQUE_HLC_STRING_LENGTH + 3];
  gint64 base_seq = calque_store_get_cursor (self, calque_record_get_project (record));
  gboolean nested = self->depth > 0;
  gboolean ok;

  /* Every field has this save's clock: the clocks column is that clock
   * alone (stored_clocks()). */
  clocks[0] = '"';
  memcpy (clocks + 1, hlc, CALQUE_HLC_STRING_LENGTH);
  clocks[CALQUE_HLC_STRING_LENGTH + 1] = '"';
  clocks[CALQUE_HLC_STRING_LENGTH + 2] = '\0';

  /* calque_change_to_json()'s members, "set" being every field; a test
   * (/store-sync/first-save-same-as-any) holds the two to the same change. */
  g_string_append (change, "{\"client\":");
  calque_json_append_string (change, calque_store_get_client_id (self));
  g_string_append (change, ",\"op\":1,\"id\":");
  calque_json_append_string (change, calque_record_get_id (record));
  g_string_append_printf (change, ",\"kind\":\"%s\",\"project\":",
                          calque_kind_to_string (calque_record_get_kind (record)));
  calque_json_append_string (change, calque_record_get_project (record));
  g_string_append (change, ",\"set\":");
  g_string_append (change, fields);
  g_string_append_printf (change, ",\"clock\":\"%s\",\"base_seq\":%" G_GINT64_FORMAT
                          ",\"delete\":false,\"undelete\":false,\"seq\":0}", hlc, base_seq);

  ok = (nested || calque_store_begin (self, error))
       && write_row (self, record, fields, clocks, hlc, error)
       && add_to_outbox (self, calque_record_get_id (record), names_json, base_seq, change->str, error)
       && (nested || calque_store_commit (self, error));
  if (!ok && !nested && self->depth > 0)
    calque_store_rollback (self);
  if (ok)
    calque_record_mark_clean (record);

  g_string_free (change, TRUE);
  return ok;
}

gboolean
calque_store_save (CalqueStore   *self,
                   CalqueRecord  *record,
                   GError       **error)
{
  g_auto(GStrv) dirty = NULL;
  g_autofree char *dirty_json = NULL;
  g_autofree char *change_json = NULL;
  gint64 base_seq = 0;
  GString *json;
  char hlc[CALQUE_HLC_STRING_LENGTH + 1];
  CalqueHlc now;
  gboolean nested;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (record), FALSE);

  if (!validate_for_store (self, record, error))
    return FALSE;

  dirty = calque_record_dup_dirty_fields (record);
  if (dirty[0] == NULL)
    return TRUE;

  /* One save is one event: all the fields it changed share one clock. */
  now = calque_hlc_clock_now (self->clock);
  calque_hlc_to_string (&now, hlc);

  json = g_string_sized_new (128);
  g_string_append_c (json, '[');
  for (guint i = 0; dirty[i]; i++)
    {
      calque_record_set_clock (record, dirty[i], hlc);
      if (i)
        g_string_append_c (json, ',');
      /* Field names are the schema's plain ASCII: no escaping needed. */
      g_string_append_c (json, '"');
      g_string_append (json, dirty[i]);
      g_string_append_c (json, '"');
    }
  g_string_append_c (json, ']');
  dirty_json = g_string_free (json, FALSE);
  if (_calque_record_is_whole_and_new (record))
    return save_new_record (self, record, dirty_json, hlc, error);

  change_json = _calque_store_outbox_change (self, record, dirty, hlc, &base_seq);

  /* Inside a caller's transaction (an import), the caller's rollback
   * undoes a failed save; a savepoint per record would only cost time. */
  nested = self->depth > 0;
  if (!nested && !calque_store_begin (self, error))
    return FALSE;

  /* The server's state of the record, kept before it is edited here. */
  if (!_calque_store_shadow_keep (self, calque_record_get_id (record), error))
    goto fail;

  if (!write_record (self, record, error))
    goto fail;

  if (!add_to_outbox (self, calque_record_get_id (record), dirty_json, base_seq, change_json, error))
    goto fail;

  if (!nested && !calque_store_commit (self, error))
    goto fail;

  calque_record_mark_clean (record);
  return TRUE;

fail:
  if (!nested)
    calque_store_rollback (self);
  return FALSE;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

sqlite3_stmt *
_calque_store_cached_stmt (CalqueStore  *self,
                           const char   *sql,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  if (self->cached == NULL)
    self->cached = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
  stmt = g_hash_table_lookup (self->cached, sql);
  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, self->db, _("preparing a query"));
      return NULL;
    }
  /* The key is the caller's string literal, which lives as long. */
  g_hash_table_insert (self->cached, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_calque_store_write_merged (CalqueStore   *self,
                            CalqueRecord  *record,
                            GError       **error)
{
  if (!validate_for_store (self, record, error))
    return FALSE;
  return _calque_store_write_trusted (self, record, error);
}

gboolean
_calque_store_write_trusted (CalqueStore   *self,
                             CalqueRecord  *record,
                             GError       **error)
{
  if (!write_record (self, record, error))
    return FALSE;

  /* Later local clocks must be greater than any clock stored here. */
  if (_calque_record_get_max_clock (record))
    {
      CalqueHlc last;

      if (calque_hlc_from_string (_calque_record_get_max_clock (record), &last, NULL))
        calque_hlc_clock_restore (self->clock, &last);
    }
  calque_record_mark_clean (record);
  return TRUE;
}

gboolean
calque_store_put_merged (CalqueStore   *self,
                         CalqueRecord  *record,
                         GError       **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (record), FALSE);

  if (!calque_store_begin (self, error))
    return FALSE;
  if (!_calque_store_write_merged (self, record, error) || !calque_store_commit (self, error))
    {
      calque_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
_calque_store_forget_bounds_item (CalqueStore *self)
{
  g_clear_object (&self->bounds_item);
}

void
_calque_store_set_bounds_item (CalqueStore  *self,
                               CalqueRecord *item)
{
  g_set_object (&self->bounds_item, item);
}

sqlite3 *
_calque_store_get_db (CalqueStore *self)
{
  return self->db;
}

char *
_calque_store_meta_get (CalqueStore *self,
                        const char  *key)
{
  return meta_get (self, key);
}

gboolean
_calque_store_meta_set (CalqueStore  *self,
                        const char   *key,
                        const char   *value,
                        GError      **error)
{
  return meta_set (self, key, value, error);
}

CalqueRecord *
calque_store_get (CalqueStore  *self,
                  const char   *id,
                  GError      **error)
{
  sqlite3_stmt *stmt;
  CalqueRecord *record;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!(stmt = get_stmt (self, STMT_GET, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND,
                   _("no record with id “%s”"), id);
      sqlite3_reset (stmt);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _calque_store_set_sqlite_error (error, self->db, _("reading a record"));
      sqlite3_reset (stmt);
      return NULL;
    }
  record = record_from_row (self, stmt, TRUE, error);
  sqlite3_reset (stmt);
  return record;
}

GPtrArray *
calque_store_list (CalqueStore  *self,
                   CalqueKind    kind,
                   const char   *project_id,
                   GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);

  if (kind == CALQUE_KIND_PROJECT && project_id == NULL)
    {
      /* A literal kind, so that SQLite can use the partial index. */
      if (!(stmt = get_stmt (self, STMT_LIST_PROJECTS, error)))
        return NULL;
      return collect_rows (self, stmt, error);
    }

  if (!(stmt = get_stmt (self, project_id ? STMT_LIST_KIND_PROJECT : STMT_LIST_KIND, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, calque_kind_to_string (kind), -1, SQLITE_STATIC);
  if (project_id)
    sqlite3_bind_text (stmt, 2, project_id, -1, SQLITE_TRANSIENT);
  return collect_rows (self, stmt, error);
}

/* The records of one kind of an item. The kind is written into the SQL
 * rather than bound: the partial indexes of schema v5 (WHERE kind = 'task')
 * make SQLite plan with a bound kind's value, and prepare the statement
 * again each time the kind is bound, which was a tenth of an export. The
 * expression is the index's (records_by_item, schema v4), word for word. */
#define LIST_FOR_ITEM_SQL(kind) \
  "SELECT id, kind, project, deleted, fields, clocks FROM records" \
  " WHERE (CASE WHEN json_valid (fields) THEN json_extract (fields, '$.item') END) = ?1" \
  " AND kind = '" kind "' AND deleted = 0 ORDER BY id"

static const char * const list_for_item_sql[CALQUE_N_KINDS] = {
  [CALQUE_KIND_PROJECT] = LIST_FOR_ITEM_SQL ("project"),
  [CALQUE_KIND_MEMBER] = LIST_FOR_ITEM_SQL ("member"),
  [CALQUE_KIND_LABEL] = LIST_FOR_ITEM_SQL ("label"),
  [CALQUE_KIND_ITEM] = LIST_FOR_ITEM_SQL ("item"),
  [CALQUE_KIND_TASK] = LIST_FOR_ITEM_SQL ("task"),
  [CALQUE_KIND_ANNOTATION] = LIST_FOR_ITEM_SQL ("annotation"),
  [CALQUE_KIND_COMMENT] = LIST_FOR_ITEM_SQL ("comment"),
  [CALQUE_KIND_REVIEW] = LIST_FOR_ITEM_SQL ("review"),
  [CALQUE_KIND_CONFLICT] = LIST_FOR_ITEM_SQL ("conflict"),
};

static sqlite3_stmt *
list_for_item_stmt (CalqueStore  *self,
                    CalqueKind    kind,
                    GError      **error)
{
  sqlite3_stmt *stmt;

  g_assert (list_for_item_sql[kind] != NULL);
  stmt = _calque_store_cached_stmt (self, list_for_item_sql[kind], error);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  return stmt;
}

GPtrArray *
calque_store_list_for_item (CalqueStore  *self,
                            CalqueKind    kind,
                            const char   *item_id,
                            GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);
  g_return_val_if_fail (item_id != NULL, NULL);

  if (!(stmt = list_for_item_stmt (self, kind, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, item_id, -1, SQLITE_TRANSIENT);
  return collect_rows (self, stmt, error);
}

GPtrArray *
calque_store_list_for_item_to_read (CalqueStore  *self,
                                    CalqueKind    kind,
                                    const char   *item_id,
                                    GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);
  g_return_val_if_fail (item_id != NULL, NULL);

  if (!(stmt = list_for_item_stmt (self, kind, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, item_id, -1, SQLITE_TRANSIENT);
  return collect_rows_full (self, stmt, FALSE, error);
}

GPtrArray *
calque_store_list_project (CalqueStore  *self,
                           const char   *project_id,
                           GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  if (!(stmt = get_stmt (self, STMT_LIST_PROJECT, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  return collect_rows (self, stmt, error);
}

gboolean
calque_store_foreach_project (CalqueStore      *self,
                              const char       *project_id,
                              CalqueRecordFunc  func,
                              gpointer          user_data,
                              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL && func != NULL, FALSE);

  /* A statement of its own rather than the cached one: @func may use the
   * store while this one is stepping. */
  if (sqlite3_prepare_v2 (self->db, stmt_sql[STMT_LIST_PROJECT], -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, self->db, _("preparing a query"));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CalqueRecord) record = record_from_row (self, stmt, TRUE, error);

      ok = record != NULL && func (record, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, self->db, _("reading records"));
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gint64
count_query (CalqueStore  *self,
             sqlite3_stmt *stmt,
             GError      **error)
{
  gint64 count = -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    _calque_store_set_sqlite_error (error, self->db, _("counting records"));
  sqlite3_reset (stmt);
  return count;
}

gint64
calque_store_count (CalqueStore  *self,
                    CalqueKind    kind,
                    const char   *project_id,
                    GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), -1);

  if (!(stmt = get_stmt (self, project_id ? STMT_COUNT_KIND_PROJECT : STMT_COUNT_KIND, error)))
    return -1;
  sqlite3_bind_text (stmt, 1, calque_kind_to_string (kind), -1, SQLITE_STATIC);
  if (project_id)
    sqlite3_bind_text (stmt, 2, project_id, -1, SQLITE_TRANSIENT);
  return count_query (self, stmt, error);
}

static CalqueRecord *
find_one (CalqueStore  *self,
          StmtId        query,
          const char   *project_id,
          const char   *sha256,
          GError      **error)
{
  sqlite3_stmt *stmt;
  CalqueRecord *record = NULL;
  int rc;

  if (!(stmt = get_stmt (self, query, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = record_from_row (self, stmt, TRUE, error);
  else if (rc != SQLITE_DONE)
    _calque_store_set_sqlite_error (error, self->db, _("looking up an item by hash"));
  sqlite3_reset (stmt);
  return record;
}

CalqueRecord *
calque_store_find_item_by_sha256 (CalqueStore  *self,
                                  const char   *project_id,
                                  const char   *sha256,
                                  GError      **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  return find_one (self, STMT_FIND_SHA256, project_id, sha256, error);
}

CalqueRecord *
calque_store_find_item_by_source (CalqueStore  *self,
                                  const char   *project_id,
                                  const char   *sha256,
                                  GError      **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  return find_one (self, STMT_FIND_SOURCE, project_id, sha256, error);
}

gint64
calque_store_get_outbox_size (CalqueStore  *self,
                              GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), -1);

  if (!(stmt = get_stmt (self, STMT_OUTBOX_SIZE, error)))
    return -1;
  return count_query (self, stmt, error);
}
