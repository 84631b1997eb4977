/* calque-sqlite-store.c — the server's embedded store, one SQLite file */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-sqlite-store.h"
#include "calque-sqlite-checkpointer.h"
#include "calque-json.h"
#include "calque-json-writer.h"
#include "calque-record-private.h"
#include "calque-uuid.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#define SCHEMA_VERSION 1

static const char schema_v1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE users ("
  "  name TEXT PRIMARY KEY,"
  "  password TEXT NOT NULL,"       /* libsodium's Argon2id string */
  "  admin INTEGER NOT NULL DEFAULT 0,"
  "  created INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  /* Tokens by hash only: a stolen database gives no usable token. */
  "CREATE TABLE tokens ("
  "  hash TEXT PRIMARY KEY,"
  "  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
  "  expires INTEGER NOT NULL,"
  "  created INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX tokens_by_user ON tokens (user);"
  /* The merged state: each field with its clock and the seq that wrote it. */
  "CREATE TABLE records ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  project TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL,"
  "  fields TEXT NOT NULL,"
  "  clocks TEXT NOT NULL,"
  "  seqs TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX records_by_project ON records (project, kind, id);"
  /* The stream: every applied change of a project, numbered. (client, op)
   * is unique so that a retried push finds its first seq. */
  "CREATE TABLE changes ("
  "  project TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  client TEXT NOT NULL,"
  "  op INTEGER NOT NULL,"
  "  change TEXT NOT NULL,"
  "  PRIMARY KEY (project, seq)"
  ") WITHOUT ROWID;"
  "CREATE UNIQUE INDEX changes_by_op ON changes (client, op);"
  "CREATE TABLE heads (project TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;";

typedef enum {
  STMT_GET_RECORD,
  STMT_PUT_RECORD,
  STMT_LIST_RECORDS,
  STMT_LIST_MEMBERSHIPS,
  STMT_LIST_ITEMS_WITH_BLOB,
  STMT_GET_HEAD,
  STMT_SET_HEAD,
  STMT_FIND_OP,
  STMT_ADD_CHANGE,
  STMT_CHANGES_SINCE,
  STMT_CHANGES_SINCE_JSON,
  STMT_ADD_USER,
  STMT_GET_USER,
  STMT_ADD_TOKEN,
  STMT_LOOKUP_TOKEN,
  STMT_REVOKE_TOKEN,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_GET_RECORD] = "SELECT id, kind, project, deleted, fields, clocks, seqs FROM records WHERE id = ?1",
  [STMT_PUT_RECORD] =
    "INSERT OR REPLACE INTO records (id, kind, project, deleted, fields, clocks, seqs)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_LIST_RECORDS] =
    "SELECT id, kind, project, deleted, fields, clocks, seqs FROM records"
    " WHERE project = ?1 AND kind = ?2 AND deleted = 0 ORDER BY id",
  [STMT_LIST_MEMBERSHIPS] =
    "SELECT id, kind, project, deleted, fields, clocks, seqs FROM records"
    " WHERE kind = 'member' AND deleted = 0 AND json_extract (fields, '$.user') = ?1 ORDER BY id",
  [STMT_LIST_ITEMS_WITH_BLOB] =
    "SELECT id, kind, project, deleted, fields, clocks, seqs FROM records"
    " WHERE kind = 'item' AND deleted = 0 AND json_extract (fields, '$.sha256') = ?1 ORDER BY id",
  [STMT_GET_HEAD] = "SELECT seq FROM heads WHERE project = ?1",
  [STMT_SET_HEAD] = "INSERT OR REPLACE INTO heads (project, seq) VALUES (?1, ?2)",
  [STMT_FIND_OP] = "SELECT seq FROM changes WHERE client = ?1 AND op = ?2",
  [STMT_ADD_CHANGE] = "INSERT INTO changes (project, seq, client, op, change) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_CHANGES_SINCE] =
    "SELECT change FROM changes WHERE project = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
  [STMT_CHANGES_SINCE_JSON] =
    "SELECT seq, change FROM changes WHERE project = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
  [STMT_ADD_USER] = "INSERT INTO users (name, password, admin, created) VALUES (?1, ?2, ?3, ?4)",
  [STMT_GET_USER] = "SELECT password, admin FROM users WHERE name = ?1",
  [STMT_ADD_TOKEN] = "INSERT INTO tokens (hash, user, expires, created) VALUES (?1, ?2, ?3, ?4)",
  [STMT_LOOKUP_TOKEN] = "SELECT user, expires FROM tokens WHERE hash = ?1",
  [STMT_REVOKE_TOKEN] = "DELETE FROM tokens WHERE hash = ?1",
};

struct _CalqueSqliteStore {
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  JsonParser *parser;
  /* Conflicts are changes the server makes: under its own client id, with
   * op numbers of its own, so that they fit the (client, op) rule too. */
  char server_client[37];
  gint64 server_op;
  CalqueSqliteCheckpointer *checkpointer;
  /* In a group, apply() works in a savepoint of the group's transaction. */
  gboolean in_group;
  gint64 group_server_op;
};

static void calque_sqlite_store_iface_init (CalqueServerStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CalqueSqliteStore, calque_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CALQUE_TYPE_SERVER_STORE, calque_sqlite_store_iface_init))

/* --- helpers ------------------------------------------------------------- */

static gboolean
db_error (CalqueSqliteStore  *self,
          GError            **error,
          const char         *what)
{
  g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
               "%s: %s: %s", self->path, what, sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
stmt (CalqueSqliteStore  *self,
      StmtId              id,
      GError            **error)
{
  if (self->stmts[id] == NULL
      && sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                             &self->stmts[id], NULL) != SQLITE_OK)
    {
      db_error (self, error, _("preparing a query"));
      return NULL;
    }
  sqlite3_reset (self->stmts[id]);
  sqlite3_clear_bindings (self->stmts[id]);
  return self->stmts[id];
}

static gboolean
exec (CalqueSqliteStore  *self,
      const char         *sql,
      GError            **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error, sql);
  return TRUE;
}

/* Runs a statement that returns no row. */
static gboolean
step_done (CalqueSqliteStore  *self,
           sqlite3_stmt       *s,
           GError            **error,
           const char         *what)
{
  int rc = sqlite3_step (s);

  sqlite3_reset (s);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS,
                   "%s: %s", what, sqlite3_errmsg (self->db));
      return FALSE;
    }
  return db_error (self, error, what);
}

static JsonObject *
parse_object (CalqueSqliteStore *self,
              const char        *text)
{
  JsonNode *root;

  if (text == NULL || !calque_json_load_one (self->parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (self->parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static CalqueRecord *
record_from_row (CalqueSqliteStore  *self,
                 sqlite3_stmt       *s,
                 GError            **error)
{
  const char *id = (const char *) sqlite3_column_text (s, 0);
  const char *kind_name = (const char *) sqlite3_column_text (s, 1);
  const char *project = (const char *) sqlite3_column_text (s, 2);
  CalqueKind kind;
  g_autoptr(CalqueRecord) record = NULL;
  JsonObject *fields, *clocks, *seqs;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!calque_uuid_is_valid (id) || !calque_uuid_is_valid (project)
      || !calque_kind_from_string (kind_name, &kind)
      || !(fields = parse_object (self, (const char *) sqlite3_column_text (s, 4))))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged"), self->path, id ? id : "");
      return NULL;
    }

  record = calque_record_new_with_id (kind, id, project);
  _calque_record_take_fields (record, fields);
  if (sqlite3_column_int (s, 3))
    calque_record_set_deleted (record, TRUE);

  if ((clocks = parse_object (self, (const char *) sqlite3_column_text (s, 5))))
    {
      json_object_iter_init (&iter, clocks);
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
          calque_record_set_clock (record, name, json_node_get_string (value));
      json_object_unref (clocks);
    }
  if ((seqs = parse_object (self, (const char *) sqlite3_column_text (s, 6))))
    {
      json_object_iter_init (&iter, seqs);
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
          calque_record_set_seq (record, name, json_node_get_int (value));
      json_object_unref (seqs);
    }

  calque_record_mark_clean (record);
  return g_steal_pointer (&record);
}

static gboolean
put_record (CalqueSqliteStore  *self,
            CalqueRecord       *record,
            GError            **error)
{
  sqlite3_stmt *s = stmt (self, STMT_PUT_RECORD, error);
  g_autoptr(JsonNode) wrapper = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *clocks = NULL;
  g_autofree char *seqs = NULL;

  if (s == NULL)
    return FALSE;
  wrapper = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));
  fields = calque_json_node_to_string (wrapper, NULL);
  clocks = _calque_record_dup_clocks_json (record);
  seqs = _calque_record_dup_seqs_json (record);

  sqlite3_bind_text (s, 1, calque_record_get_id (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, calque_kind_to_string (calque_record_get_kind (record)), -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, calque_record_get_project (record), -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 4, calque_record_get_deleted (record));
  sqlite3_bind_text (s, 5, fields, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, clocks, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, seqs, -1, SQLITE_STATIC);
  return step_done (self, s, error, _("writing a record"));
}

static gboolean
add_change (CalqueSqliteStore   *self,
            const CalqueChange  *change,
            GError             **error)
{
  sqlite3_stmt *s = stmt (self, STMT_ADD_CHANGE, error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  if (s == NULL)
    return FALSE;
  node = calque_change_to_json (change);
  json = calque_json_node_to_string (node, NULL);
  sqlite3_bind_text (s, 1, change->project, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, change->seq);
  sqlite3_bind_text (s, 3, change->client_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, (sqlite3_int64) change->op_no);
  sqlite3_bind_text (s, 5, json, -1, SQLITE_STATIC);
  return step_done (self, s, error, _("writing a change"));
}

/* A conflict record, as the change that creates it. */
static CalqueChange *
conflict_change (CalqueSqliteStore *self,
                 CalqueRecord      *conflict,
                 const CalqueHlc   *clock)
{
  CalqueChange *change = calque_change_new (self->server_client, (guint64) ++self->server_op,
                                            CALQUE_KIND_CONFLICT, calque_record_get_id (conflict),
                                            calque_record_get_project (conflict));
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, calque_record_get_fields (conflict));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    calque_change_set_field (change, name, calque_json_node_deep_copy (value));
  change->hlc = *clock;
  return change;
}

static gint64
read_head (CalqueSqliteStore  *self,
           const char         *project_id,
           GError            **error)
{
  sqlite3_stmt *s = stmt (self, STMT_GET_HEAD, error);
  gint64 head = 0;
  int rc;

  if (s == NULL)
    return -1;
  sqlite3_bind_text (s, 1, project_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    head = sqlite3_column_int64 (s, 0);
  else if (rc != SQLITE_DONE)
    head = -1, db_error (self, error, _("reading the project’s last seq"));
  sqlite3_reset (s);
  return head;
}

/* --- the interface ------------------------------------------------------- */

static gboolean
sqlite_apply (CalqueServerStore        *store,
              const char               *project_id,
              GPtrArray                *changes,
              const char               *author,
              const CalqueMergeOptions *options,
              GPtrArray                *results,
              GError                  **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  gint64 head, server_op_before = self->server_op;
  sqlite3_stmt *s;

  if (!exec (self, self->in_group ? "SAVEPOINT apply" : "BEGIN IMMEDIATE", error))
    return FALSE;
  head = read_head (self, project_id, error);
  if (head < 0)
    goto fail;

  for (guint i = 0; i < changes->len; i++)
    {
      const CalqueChange *pushed = g_ptr_array_index (changes, i);
      g_autoptr(CalqueChange) change = calque_change_copy (pushed);
      CalqueApplyResult *result = g_new0 (CalqueApplyResult, 1);
      g_autoptr(CalqueRecord) current = NULL;
      g_auto(CalqueMergeResult) merged = { 0 };
      g_autoptr(GError) merge_error = NULL;
      gboolean ok;
      int rc;

      result->client_id = g_strdup (pushed->client_id);
      result->op_no = pushed->op_no;
      g_ptr_array_add (results, result);

      if (strcmp (change->project, project_id) != 0)
        {
          result->error_code = g_strdup ("forbidden");
          result->error_message = g_strdup_printf (_("the change belongs to project %s, not to this session’s %s"),
                                                   change->project, project_id);
          continue;
        }

      /* Seen before: a retry after a lost ack. Same answer, no new seq. */
      if (!(s = stmt (self, STMT_FIND_OP, error)))
        goto fail;
      sqlite3_bind_text (s, 1, change->client_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (s, 2, (sqlite3_int64) change->op_no);
      rc = sqlite3_step (s);
      if (rc == SQLITE_ROW)
        result->seq = sqlite3_column_int64 (s, 0);
      sqlite3_reset (s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          db_error (self, error, _("looking up a change"));
          goto fail;
        }
      if (result->seq > 0)
        continue;

      if (!(s = stmt (self, STMT_GET_RECORD, error)))
        goto fail;
      sqlite3_bind_text (s, 1, change->record_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (s);
      if (rc == SQLITE_ROW)
        current = record_from_row (self, s, error);
      sqlite3_reset (s);
      if (rc == SQLITE_ROW && current == NULL)
        goto fail;

      g_free (change->author);
      change->author = g_strdup (author);
      /* The change takes the next seq, so that the fields the merge writes
       * carry it; the conflicts it makes come right after it. */
      ok = calque_merge_change (current, change, head + 1, options, &merged, &merge_error);
      if (ok)
        {
          change->seq = ++head;
          if (!put_record (self, merged.record, error) || !add_change (self, change, error))
            goto fail;
          result->seq = change->seq;
        }
      else
        {
          result->error_code = g_strdup (calque_apply_result_code (merge_error));
          result->error_message = g_strdup (merge_error->message);
        }

      /* Conflicts are kept even when the change itself was refused. */
      for (guint c = 0; merged.conflicts && c < merged.conflicts->len; c++)
        {
          CalqueRecord *conflict = g_ptr_array_index (merged.conflicts, c);
          g_autoptr(CalqueChange) made = conflict_change (self, conflict, &change->hlc);

          made->seq = ++head;
          made->author = g_strdup (author);
          if (!put_record (self, conflict, error) || !add_change (self, made, error))
            goto fail;
        }
    }

  if (!(s = stmt (self, STMT_SET_HEAD, error)))
    goto fail;
  sqlite3_bind_text (s, 1, project_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 2, head);
  if (!step_done (self, s, error, _("writing the project’s last seq")))
    goto fail;

  /* COMMIT returns once the WAL is synced (synchronous=FULL): only then
   * are the results, and so the acks, given out. In a group, that is the
   * group's commit. */
  if (!exec (self, self->in_group ? "RELEASE apply" : "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  if (self->in_group)
    sqlite3_exec (self->db, "ROLLBACK TO apply; RELEASE apply", NULL, NULL, NULL);
  else
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->server_op = server_op_before;
  g_ptr_array_set_size (results, 0);
  return FALSE;
}

/* The stored text as it is: written by calque_change_to_json() and the
 * writer, it is what a changes message carries. */
static GPtrArray *
sqlite_changes_since_json (CalqueServerStore  *store,
                           const char         *project_id,
                           gint64              after_seq,
                           guint               limit,
                           GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_CHANGES_SINCE_JSON, error);
  g_autoptr(GPtrArray) out = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_encoded_change_free);
  sqlite3_bind_text (s, 1, project_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, after_seq);
  sqlite3_bind_int64 (s, 3, limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CalqueEncodedChange *change = g_new (CalqueEncodedChange, 1);

      change->seq = sqlite3_column_int64 (s, 0);
      change->json = g_strdup ((const char *) sqlite3_column_text (s, 1));
      g_ptr_array_add (out, change);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, _("reading changes"));
      return NULL;
    }
  return g_steal_pointer (&out);
}

static gboolean
sqlite_group_begin (CalqueServerStore  *store,
                    GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);

  g_return_val_if_fail (!self->in_group, FALSE);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_group = TRUE;
  self->group_server_op = self->server_op;
  return TRUE;
}

static gboolean
sqlite_group_commit (CalqueServerStore  *store,
                     GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);

  g_return_val_if_fail (self->in_group, FALSE);
  self->in_group = FALSE;
  /* Synced when it returns, as for a single apply(). */
  if (exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->server_op = self->group_server_op;
  return FALSE;
}

static GPtrArray *
sqlite_changes_since (CalqueServerStore  *store,
                      const char         *project_id,
                      gint64              after_seq,
                      guint               limit,
                      GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  sqlite3_stmt *s = stmt (self, STMT_CHANGES_SINCE, error);
  int rc;

  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, project_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 2, after_seq);
  sqlite3_bind_int64 (s, 3, limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (s, 0);
      g_autoptr(GError) local_error = NULL;
      CalqueChange *change = NULL;

      if (calque_json_load_one (self->parser, text, -1, &local_error))
        change = calque_change_from_json (json_parser_get_root (self->parser), &local_error);
      if (change == NULL)
        {
          g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                       _("%s: a stored change of project %s is damaged: %s"),
                       self->path, project_id, local_error->message);
          sqlite3_reset (s);
          return NULL;
        }
      g_ptr_array_add (changes, change);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, _("reading changes"));
      return NULL;
    }
  return g_steal_pointer (&changes);
}

static gint64
sqlite_get_head (CalqueServerStore  *store,
                 const char         *project_id,
                 GError            **error)
{
  return read_head (CALQUE_SQLITE_STORE (store), project_id, error);
}

static CalqueRecord *
sqlite_get_record (CalqueServerStore  *store,
                   const char         *id,
                   GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_GET_RECORD, error);
  CalqueRecord *record = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    record = record_from_row (self, s, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                 _("no record with id “%s”"), id);
  else
    db_error (self, error, _("reading a record"));
  sqlite3_reset (s);
  return record;
}

/* Every row of @s, whose parameters are bound, as a record; @s is reset. */
static GPtrArray *
records_of_statement (CalqueSqliteStore  *self,
                      sqlite3_stmt       *s,
                      GError            **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CalqueRecord *record = record_from_row (self, s, error);

      if (record == NULL)
        {
          sqlite3_reset (s);
          return NULL;
        }
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self, error, _("reading records"));
      return NULL;
    }
  return g_steal_pointer (&records);
}

static GPtrArray *
sqlite_list_records (CalqueServerStore  *store,
                     const char         *project_id,
                     CalqueKind          kind,
                     GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_LIST_RECORDS, error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, project_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, calque_kind_to_string (kind), -1, SQLITE_STATIC);
  return records_of_statement (self, s, error);
}

/* Records from a query that binds one text parameter. */
static GPtrArray *
records_where (CalqueSqliteStore  *self,
               StmtId              id,
               const char         *value,
               GError            **error)
{
  sqlite3_stmt *s = stmt (self, id, error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, value, -1, SQLITE_TRANSIENT);
  return records_of_statement (self, s, error);
}

static GPtrArray *
sqlite_list_memberships (CalqueServerStore  *store,
                         const char         *user,
                         GError            **error)
{
  return records_where (CALQUE_SQLITE_STORE (store), STMT_LIST_MEMBERSHIPS, user, error);
}

static GPtrArray *
sqlite_list_items_with_blob (CalqueServerStore  *store,
                             const char         *sha256,
                             GError            **error)
{
  return records_where (CALQUE_SQLITE_STORE (store), STMT_LIST_ITEMS_WITH_BLOB, sha256, error);
}

static gboolean
sqlite_add_user (CalqueServerStore  *store,
                 const char         *name,
                 const char         *password_hash,
                 gboolean            admin,
                 GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_ADD_USER, error);
  g_autoptr(GError) local_error = NULL;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (s, 3, admin ? 1 : 0);
  sqlite3_bind_int64 (s, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (step_done (self, s, &local_error, _("adding a user")))
    return TRUE;
  if (g_error_matches (local_error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS))
    g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS,
                 _("a user named “%s” exists already"), name);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Steps @s, whose key is bound, to the one row it may find: TRUE with the
 * row ready to read, and the caller resets @s; FALSE with @s reset and
 * NOT_FOUND (the message from @not_found_format) or the database's error. */
static gboolean G_GNUC_PRINTF (5, 6)
step_to_row (CalqueSqliteStore  *self,
             sqlite3_stmt       *s,
             const char         *doing,
             GError            **error,
             const char         *not_found_format,
             ...)
{
  int rc = sqlite3_step (s);

  if (rc == SQLITE_ROW)
    return TRUE;

  if (rc == SQLITE_DONE)
    {
      va_list args;
      g_autofree char *message = NULL;

      va_start (args, not_found_format);
      message = g_strdup_vprintf (not_found_format, args);
      va_end (args);
      g_set_error_literal (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND, message);
    }
  else
    db_error (self, error, doing);
  sqlite3_reset (s);
  return FALSE;
}

static gboolean
sqlite_get_user (CalqueServerStore  *store,
                 const char         *name,
                 char              **out_password_hash,
                 gboolean           *out_admin,
                 GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_GET_USER, error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_TRANSIENT);
  if (!step_to_row (self, s, _("reading a user"), error, _("no user named “%s”"), name))
    return FALSE;

  if (out_password_hash)
    *out_password_hash = g_strdup ((const char *) sqlite3_column_text (s, 0));
  if (out_admin)
    *out_admin = sqlite3_column_int (s, 1) != 0;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
sqlite_add_token (CalqueServerStore  *store,
                  const char         *token_hash,
                  const char         *user,
                  gint64              expires_s,
                  GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_ADD_TOKEN, error);
  g_autoptr(GError) local_error = NULL;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 3, expires_s);
  sqlite3_bind_int64 (s, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (step_done (self, s, &local_error, _("adding a token")))
    return TRUE;
  /* The only constraints: the hash is unique, and the user exists. */
  if (g_error_matches (local_error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS))
    g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                 _("cannot give a token to “%s”: no such user, or the token is not new"), user);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
sqlite_lookup_token (CalqueServerStore  *store,
                     const char         *token_hash,
                     char              **out_user,
                     gint64             *out_expires_s,
                     GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_LOOKUP_TOKEN, error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, token_hash, -1, SQLITE_TRANSIENT);
  if (!step_to_row (self, s, _("reading a token"), error, "%s", _("unknown or revoked token")))
    return FALSE;

  if (out_user)
    *out_user = g_strdup ((const char *) sqlite3_column_text (s, 0));
  if (out_expires_s)
    *out_expires_s = sqlite3_column_int64 (s, 1);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
sqlite_revoke_token (CalqueServerStore  *store,
                     const char         *token_hash,
                     GError            **error)
{
  CalqueSqliteStore *self = CALQUE_SQLITE_STORE (store);
  sqlite3_stmt *s = stmt (self, STMT_REVOKE_TOKEN, error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, token_hash, -1, SQLITE_TRANSIENT);
  return step_done (self, s, error, _("revoking a token"));
}

/* --- GObject ------------------------------------------------------------- */

static void
calque_sqlite_store_iface_init (CalqueServerStoreInterface *iface)
{
  iface->apply = sqlite_apply;
  iface->changes_since = sqlite_changes_since;
  iface->get_head = sqlite_get_head;
  iface->get_record = sqlite_get_record;
  iface->list_records = sqlite_list_records;
  iface->list_memberships = sqlite_list_memberships;
  iface->list_items_with_blob = sqlite_list_items_with_blob;
  iface->add_user = sqlite_add_user;
  iface->get_user = sqlite_get_user;
  iface->add_token = sqlite_add_token;
  iface->lookup_token = sqlite_lookup_token;
  iface->revoke_token = sqlite_revoke_token;
  iface->changes_since_json = sqlite_changes_since_json;
  iface->group_begin = sqlite_group_begin;
  iface->group_commit = sqlite_group_commit;
}

static void
calque_sqlite_store_finalize (GObject *object)
{
  CalqueSqliteStore *self = (CalqueSqliteStore *) object;

  g_clear_pointer (&self->checkpointer, calque_sqlite_checkpointer_free);
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  if (self->db)
    sqlite3_close (self->db);
  g_clear_object (&self->parser);
  g_free (self->path);
  G_OBJECT_CLASS (calque_sqlite_store_parent_class)->finalize (object);
}

static void
calque_sqlite_store_class_init (CalqueSqliteStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_sqlite_store_finalize;
}

static void
calque_sqlite_store_init (CalqueSqliteStore *self)
{
  self->parser = json_parser_new ();
}

static char *
meta_get (CalqueSqliteStore *self,
          const char        *key)
{
  sqlite3_stmt *s = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (s, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (s) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (s, 0));
    }
  sqlite3_finalize (s);
  return value;
}

CalqueServerStore *
calque_sqlite_store_open (const char  *dir,
                          GError     **error)
{
  g_autoptr(CalqueSqliteStore) self = g_object_new (CALQUE_TYPE_SQLITE_STORE, NULL);
  g_autofree char *client = NULL;
  sqlite3_stmt *s = NULL;
  int version = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: cannot create the folder: %s"), dir, g_strerror (saved));
      return NULL;
    }
  self->path = g_build_filename (dir, "calque-server.sqlite", NULL);
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      db_error (self, error, _("opening the database"));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* An acknowledged change must survive a crash: FULL syncs the WAL on
   * every commit, and apply() returns only after its commit. */
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                   /* 32 MiB of pages: the records and changes of busy projects. */
                   "PRAGMA cache_size = -32768;", error))
    return NULL;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    version = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s was written by a newer calque-server (schema version %d; this one knows up to %d)"),
                   self->path, version, SCHEMA_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = 1; COMMIT;", schema_v1);

      if (!exec (self, sql, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return NULL;
        }
    }

  client = meta_get (self, "server_client");
  if (client == NULL || !calque_uuid_is_valid (client))
    {
      gboolean written;

      g_free (client);
      client = calque_uuid7_new ();
      written = sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('server_client', ?1)",
                                    -1, &s, NULL) == SQLITE_OK
                && sqlite3_bind_text (s, 1, client, -1, SQLITE_STATIC) == SQLITE_OK
                && sqlite3_step (s) == SQLITE_DONE;
      sqlite3_finalize (s);
      if (!written)
        return db_error (self, error, _("writing the server’s id")), NULL;
    }
  memcpy (self->server_client, client, sizeof self->server_client);

  self->checkpointer = calque_sqlite_checkpointer_new (self->db, self->path, error);
  if (self->checkpointer == NULL)
    return NULL;

  /* The server's own op numbers continue where they stopped. */
  if (sqlite3_prepare_v2 (self->db, "SELECT max(op) FROM changes WHERE client = ?1", -1, &s, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (s, 1, self->server_client, -1, SQLITE_STATIC);
      if (sqlite3_step (s) == SQLITE_ROW)
        self->server_op = sqlite3_column_int64 (s, 0);
    }
  sqlite3_finalize (s);

  return CALQUE_SERVER_STORE (g_steal_pointer (&self));
}
