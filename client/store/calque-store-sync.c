/* calque-store-sync.c — the outbox, the pull and the session settings */
#define G_LOG_DOMAIN "calque-store"

#include "calque-store-sync.h"
#include "calque-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-json.h"
#include "calque-json-writer.h"
#include "calque-record-private.h"
#include "calque-merge.h"
#include "calque-uuid.h"

/* --- settings ----------------------------------------------------------- */

const char *
calque_store_get_client_id (CalqueStore *self)
{
  g_autofree char *id = NULL;
  const char *cached;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);

  cached = g_object_get_data (G_OBJECT (self), "calque-client-id");
  if (cached != NULL)
    return cached;

  id = _calque_store_meta_get (self, "client_id");
  if (id == NULL || !calque_uuid_is_valid (id))
    {
      g_free (id);
      id = calque_uuid7_new ();
      /* Kept before it is used: a change pushed under an id the file
       * forgot would be a different client's on the next run. */
      if (!_calque_store_meta_set (self, "client_id", id, NULL))
        g_warning ("%s: cannot keep the workspace's client id", calque_store_get_filename (self));
    }
  g_object_set_data_full (G_OBJECT (self), "calque-client-id", g_steal_pointer (&id), g_free);
  return g_object_get_data (G_OBJECT (self), "calque-client-id");
}

/* Settings live in meta under a prefix of their own, apart from the
 * store's own keys. */
char *
calque_store_get_setting (CalqueStore *self,
                          const char  *key)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  name = g_strconcat ("setting.", key, NULL);
  return _calque_store_meta_get (self, name);
}

gboolean
calque_store_set_setting (CalqueStore  *self,
                          const char   *key,
                          const char   *value,
                          GError      **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  name = g_strconcat ("setting.", key, NULL);
  return _calque_store_meta_set (self, name, value, error);
}

/* --- the cursor ----------------------------------------------------------- */

gint64
calque_store_get_cursor (CalqueStore *self,
                         const char  *project_id)
{
  sqlite3_stmt *stmt;
  gint64 cursor = 0;

  g_return_val_if_fail (CALQUE_IS_STORE (self), 0);

  stmt = _calque_store_cached_stmt (self, "SELECT cursor FROM sync_state WHERE project = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        cursor = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  return cursor;
}

GPtrArray *
calque_store_list_synced_projects (CalqueStore  *self,
                                   GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);

  stmt = _calque_store_cached_stmt (self, "SELECT project FROM sync_state ORDER BY project", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, db, _("reading which projects were synced"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
set_cursor (CalqueStore  *self,
            const char   *project_id,
            gint64        cursor,
            GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = sqlite3_prepare_v2 (db, "INSERT INTO sync_state (project, cursor) VALUES (?1, ?2)"
                               " ON CONFLICT (project) DO UPDATE SET cursor = max (cursor, ?2)",
                           -1, &stmt, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, cursor);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _calque_store_set_sqlite_error (error, db, _("writing the sync position"));
  sqlite3_finalize (stmt);
  return ok;
}

/* --- the outbox ------------------------------------------------------------ */

char *
_calque_store_outbox_change (CalqueStore   *self,
                             CalqueRecord  *record,
                             char         **fields,
                             const char    *clock,
                             gint64        *out_base_seq)
{
  g_autoptr(CalqueChange) change = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The op number is the outbox row's, given when it is read. */
  change = calque_change_new (calque_store_get_client_id (self), 1, calque_record_get_kind (record),
                              calque_record_get_id (record), calque_record_get_project (record));
  calque_hlc_from_string (clock, &change->hlc, NULL);
  change->base_seq = calque_store_get_cursor (self, calque_record_get_project (record));
  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *value;

      if (strcmp (fields[i], "deleted") == 0)
        {
          change->delete_record = calque_record_get_deleted (record);
          change->undelete = !change->delete_record;
          continue;
        }
      value = calque_record_get_field (record, fields[i]);
      calque_change_set_field (change, fields[i],
                               value != NULL ? json_node_copy (value) : json_node_init_null (json_node_alloc ()));
    }

  *out_base_seq = change->base_seq;
  node = calque_change_to_json (change);
  return calque_json_node_to_string (node, NULL);
}

/* An outbox row written before changes were kept in it: the fields it
 * names, as the record holds them now, under the record's newest clock for
 * them. A name the kind does not have is passed over; if none is left,
 * the whole record goes, so that the edit is not lost. */
static CalqueChange *
change_from_record (CalqueStore  *self,
                    const char   *record_id,
                    const char   *fields_json,
                    gint64        base_seq,
                    GError      **error)
{
  g_autoptr(CalqueRecord) record = calque_store_get (self, record_id, error);
  g_autoptr(JsonNode) fields = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *newest = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 ignored;
  JsonArray *array;

  if (record == NULL)
    return NULL;
  fields = json_from_string (fields_json, NULL);
  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields))
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_CORRUPT,
                   _("%s: an outbox entry of record “%s” is damaged"),
                   calque_store_get_filename (self), record_id);
      return NULL;
    }
  array = json_node_get_array (fields);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_array_get_string_element (array, i);
      const char *clock = name ? calque_record_get_clock (record, name) : NULL;

      if (name == NULL || (strcmp (name, "deleted") != 0
                           && !calque_kind_has_field (calque_record_get_kind (record), name)))
        continue;
      g_ptr_array_add (names, (gpointer) name);
      if (clock != NULL && (newest == NULL || strcmp (clock, newest) > 0))
        newest = clock;
    }
  if (names->len == 0)
    {
      g_autoptr(GList) all = json_object_get_members (calque_record_get_fields (record));

      for (GList *l = all; l != NULL; l = l->next)
        {
          const char *clock = calque_record_get_clock (record, l->data);

          g_ptr_array_add (names, l->data);
          if (clock != NULL && (newest == NULL || strcmp (clock, newest) > 0))
            newest = clock;
        }
    }
  g_ptr_array_add (names, NULL);
  if (newest == NULL)
    newest = "0000000000000000-0000000000000000";

  json = _calque_store_outbox_change (self, record, (char **) names->pdata, newest, &ignored);
  node = json_from_string (json, NULL);
  {
    CalqueChange *change = calque_change_from_json (node, error);

    if (change != NULL)
      change->base_seq = base_seq;
    return change;
  }
}

GPtrArray *
calque_store_outbox_read (CalqueStore  *self,
                          const char   *project_id,
                          guint         limit,
                          GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  const char *client_id;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  client_id = calque_store_get_client_id (self);

  if (sqlite3_prepare_v2 (db,
                          "SELECT outbox.op_no, outbox.record_id, outbox.fields, outbox.base_seq, outbox.change"
                          " FROM outbox JOIN records ON records.id = outbox.record_id"
                          " WHERE records.project = ?1 ORDER BY outbox.op_no LIMIT ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, db, _("reading the outbox"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint64 op_no = (guint64) sqlite3_column_int64 (stmt, 0);
      const char *record_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *stored = (const char *) sqlite3_column_text (stmt, 4);
      CalqueChange *change;

      if (stored != NULL)
        {
          g_autoptr(JsonNode) node = json_from_string (stored, NULL);

          change = node != NULL ? calque_change_from_json (node, NULL) : NULL;
          if (change == NULL)
            {
              g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_CORRUPT,
                           _("%s: an outbox entry of record “%s” is damaged"),
                           calque_store_get_filename (self), record_id);
              sqlite3_finalize (stmt);
              return NULL;
            }
        }
      else
        {
          change = change_from_record (self, record_id, (const char *) sqlite3_column_text (stmt, 2),
                                       sqlite3_column_int64 (stmt, 3), error);
          if (change == NULL)
            {
              sqlite3_finalize (stmt);
              return NULL;
            }
        }
      g_free (change->client_id);
      change->client_id = g_strdup (client_id);
      change->op_no = op_no;
      g_ptr_array_add (changes, change);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, db, _("reading the outbox"));
      return NULL;
    }
  return g_steal_pointer (&changes);
}

static gboolean
outbox_delete (CalqueStore  *self,
               guint64       op_no,
               GError      **error)
{
  sqlite3_stmt *stmt = _calque_store_cached_stmt (self, "DELETE FROM outbox WHERE op_no = ?1", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) op_no);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _calque_store_set_sqlite_error (error, _calque_store_get_db (self), _("writing the outbox"));
  sqlite3_reset (stmt);
  return ok;
}

gboolean
calque_store_outbox_acked (CalqueStore  *self,
                           guint64       op_no,
                           GError      **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  return outbox_delete (self, op_no, error);
}

static gboolean has_pending (CalqueStore *self, const char *id);
static CalqueRecord *shadow_row (CalqueStore *self, const char *id, GError **error);

/* The record as the server has it, as far as pulled; NULL if it has none.
 * Only records with changes of their own waiting (or just sent) have a
 * shadow row; for the others the workspace's row is the server's. */
static CalqueRecord *
shadow_get (CalqueStore  *self,
            const char   *id,
            GError      **error)
{
  CalqueRecord *record = shadow_row (self, id, error);

  if (record != NULL || (error != NULL && *error != NULL))
    return record;
  if (has_pending (self, id))
    return NULL;   /* made here and never on the server */
  return calque_store_get (self, id, NULL);
}

static CalqueRecord *
shadow_row (CalqueStore  *self,
            const char   *id,
            GError      **error)
{
  sqlite3_stmt *stmt;
  CalqueRecord *record = NULL;
  int rc;

  stmt = _calque_store_cached_stmt (self, "SELECT id, kind, project, deleted, fields, clocks FROM shadow WHERE id = ?1",
                                    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = _calque_store_record_from_row (self, stmt, error);
  else if (rc != SQLITE_DONE)
    _calque_store_set_sqlite_error (error, _calque_store_get_db (self), _("reading records"));
  sqlite3_reset (stmt);
  return record;
}

static gboolean
shadow_put (CalqueStore   *self,
            CalqueRecord  *record,
            GError       **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt;
  g_autoptr(JsonNode) fields_node = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));
  g_autofree char *fields = calque_json_node_to_string (fields_node, NULL);
  g_autofree char *clocks = _calque_record_dup_clocks_json (record);
  gboolean ok;

  stmt = _calque_store_cached_stmt (self, "INSERT OR REPLACE INTO shadow (id, kind, project, deleted, fields, clocks)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  ok = TRUE;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, calque_record_get_id (record), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, calque_kind_to_string (calque_record_get_kind (record)), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, calque_record_get_project (record), -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, calque_record_get_deleted (record));
      sqlite3_bind_text (stmt, 5, fields, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, clocks, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _calque_store_set_sqlite_error (error, db, _("writing a record"));
  sqlite3_reset (stmt);
  return ok;
}

static gboolean
shadow_drop (CalqueStore  *self,
             const char   *id,
             GError      **error)
{
  sqlite3_stmt *stmt = _calque_store_cached_stmt (self, "DELETE FROM shadow WHERE id = ?1", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _calque_store_set_sqlite_error (error, _calque_store_get_db (self), _("writing a record"));
  sqlite3_reset (stmt);
  return ok;
}

gboolean
_calque_store_shadow_keep (CalqueStore  *self,
                           const char   *id,
                           GError      **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  /* Only at the first local save since the record was the server's. */
  if (has_pending (self, id))
    return TRUE;
  stmt = _calque_store_cached_stmt (self,
                                    "INSERT OR IGNORE INTO shadow (id, kind, project, deleted, fields, clocks)"
                                    " SELECT id, kind, project, deleted, fields, clocks FROM records WHERE id = ?1",
                                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _calque_store_set_sqlite_error (error, _calque_store_get_db (self), _("writing a record"));
  sqlite3_reset (stmt);
  return ok;
}

/* Whether @id has changes of this workspace waiting to be sent. */
static gboolean
has_pending (CalqueStore *self,
             const char  *id)
{
  sqlite3_stmt *stmt;
  gboolean pending = TRUE;   /* when unsure, keep the local state */

  stmt = _calque_store_cached_stmt (self, "SELECT 1 FROM outbox WHERE record_id = ?1 LIMIT 1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      pending = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
    }
  return pending;
}

/* Undoes here a change the server refused, so that the workspace agrees
 * with the server again: each field the change set goes back to what the
 * server has (the shadow), unless a later local save changed it since
 * (then that save stands, and goes to the server in its turn). A refused
 * creation of a record the server does not have removes it here. */
static gboolean
undo_refused (CalqueStore  *self,
              const char   *change_json,
              GError      **error)
{
  g_autoptr(JsonNode) change_node = change_json ? json_from_string (change_json, NULL) : NULL;
  g_autoptr(CalqueChange) change = NULL;
  g_autoptr(CalqueRecord) record = NULL;
  g_autoptr(CalqueRecord) server = NULL;
  g_autoptr(GError) local_error = NULL;
  char clock[CALQUE_HLC_STRING_LENGTH + 1];
  gboolean touched = FALSE;

  /* Rows from before v3 have no change; the pull corrects what it can. */
  if (change_node == NULL || !JSON_NODE_HOLDS_OBJECT (change_node)
      || (change = calque_change_from_json (change_node, NULL)) == NULL)
    return TRUE;
  record = calque_store_get (self, change->record_id, NULL);
  if (record == NULL)
    return TRUE;
  server = shadow_get (self, change->record_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  calque_hlc_to_string (&change->hlc, clock);

  if (server == NULL)
    {
      sqlite3 *db = _calque_store_get_db (self);
      sqlite3_stmt *stmt = NULL;
      gboolean ok;

      /* Only if nothing was saved since: every field still this change's. */
      {
        g_autoptr(GList) names = json_object_get_members (calque_record_get_fields (record));

        for (GList *l = names; l != NULL; l = l->next)
          if (g_strcmp0 (calque_record_get_clock (record, l->data), clock) != 0)
            return TRUE;
      }
      _calque_store_forget_bounds_item (self);
      ok = sqlite3_prepare_v2 (db, "DELETE FROM records WHERE id = ?1", -1, &stmt, NULL) == SQLITE_OK;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, change->record_id, -1, SQLITE_STATIC);
          ok = sqlite3_step (stmt) == SQLITE_DONE;
        }
      if (!ok)
        _calque_store_set_sqlite_error (error, db, _("writing a record"));
      sqlite3_finalize (stmt);
      return ok;
    }

  {
    g_autoptr(GList) names = json_object_get_members (change->set);

    for (GList *l = names; l != NULL; l = l->next)
      {
        const char *name = l->data;
        JsonNode *value;

        if (g_strcmp0 (calque_record_get_clock (record, name), clock) != 0)
          continue;
        value = calque_record_get_field (server, name);
        if (value != NULL)
          calque_record_set_field (record, name, json_node_copy (value));
        else
          calque_record_remove_field (record, name);
        calque_record_set_clock (record, name, calque_record_get_clock (server, name));
        touched = TRUE;
      }
    if ((change->delete_record || change->undelete)
        && g_strcmp0 (calque_record_get_clock (record, "deleted"), clock) == 0)
      {
        calque_record_set_deleted (record, calque_record_get_deleted (server));
        calque_record_set_clock (record, "deleted", calque_record_get_clock (server, "deleted"));
        touched = TRUE;
      }
  }
  if (!touched)
    return TRUE;
  return _calque_store_write_merged (self, record, error);
}

gboolean
calque_store_outbox_refused (CalqueStore  *self,
                             guint64       op_no,
                             const char   *code,
                             const char   *message,
                             GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);

  if (!calque_store_begin (self, error))
    return FALSE;
  /* The change as it was pushed, kept with the reason. */
  ok = sqlite3_prepare_v2 (db,
                           "INSERT OR REPLACE INTO refused (op_no, record_id, change, code, message, at)"
                           " SELECT op_no, record_id, coalesce (change, fields), ?2, ?3, ?4"
                           " FROM outbox WHERE op_no = ?1",
                           -1, &stmt, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) op_no);
      sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, message, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    _calque_store_set_sqlite_error (error, db, _("writing the outbox"));
  sqlite3_finalize (stmt);

  if (ok)
    {
      g_autofree char *change_json = NULL;

      if (sqlite3_prepare_v2 (db, "SELECT change FROM outbox WHERE op_no = ?1", -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) op_no);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            change_json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      sqlite3_finalize (stmt);
      ok = undo_refused (self, change_json, error);
    }

  if (!ok || !outbox_delete (self, op_no, error) || !calque_store_commit (self, error))
    {
      calque_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
calque_refusal_free (CalqueRefusal *refusal)
{
  if (refusal == NULL)
    return;
  g_clear_pointer (&refusal->change, calque_change_free);
  g_free (refusal->code);
  g_free (refusal->message);
  g_free (refusal);
}

GPtrArray *
calque_store_list_refused (CalqueStore  *self,
                           GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_refusal_free);
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);

  if (sqlite3_prepare_v2 (db, "SELECT op_no, change, code, message, at FROM refused ORDER BY op_no",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, db, _("reading refused changes"));
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CalqueRefusal *refusal = g_new0 (CalqueRefusal, 1);
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 1), NULL);

      refusal->op_no = (guint64) sqlite3_column_int64 (stmt, 0);
      /* A row from before v3 keeps the field names only: no change then. */
      refusal->change = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? calque_change_from_json (node, NULL) : NULL;
      refusal->code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      refusal->message = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      refusal->at_s = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (out, refusal);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, db, _("reading refused changes"));
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
calque_store_dismiss_refused (CalqueStore  *self,
                              guint64       op_no,
                              GError      **error)
{
  sqlite3 *db = _calque_store_get_db (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);

  stmt = _calque_store_cached_stmt (self, "DELETE FROM refused WHERE op_no = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) op_no);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _calque_store_set_sqlite_error (error, db, _("forgetting a refused change"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* --- the pull --------------------------------------------------------------- */

/* Whether @sql (a SELECT 1 … LIMIT 1) finds a row; TRUE when unsure. */
static gboolean
has_any_row (CalqueStore *self,
             const char  *sql)
{
  sqlite3_stmt *stmt = _calque_store_cached_stmt (self, sql, NULL);
  int rc;

  if (stmt == NULL)
    return TRUE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc != SQLITE_DONE;
}

gboolean
calque_store_apply_pulled (CalqueStore  *self,
                           const char   *project_id,
                           GPtrArray    *changes,
                           gint64        head,
                           GPtrArray    *out_changed,
                           GError      **error)
{
  /* The server checked clocks and made the conflicts; the client only
   * merges, by the same rules, so that both reach the same state. */
  const CalqueMergeOptions options = { .now_ms = 0, .max_ahead_ms = -1, .make_conflicts = FALSE };
  gboolean local_edits;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!calque_store_begin (self, error))
    return FALSE;
  /* With nothing waiting to be sent and no shadow row (a first sync, or
   * a workspace that only reads), no record of the page has local edits,
   * and none gets any below: two lookups a change are saved. */
  local_edits = has_any_row (self, "SELECT 1 FROM outbox LIMIT 1")
                || has_any_row (self, "SELECT 1 FROM shadow LIMIT 1");

  for (guint i = 0; i < changes->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (changes, i);
      g_autoptr(CalqueRecord) current = NULL;
      g_autoptr(CalqueRecord) shadow = NULL;
      g_auto(CalqueMergeResult) on_server = { 0 };
      g_auto(CalqueMergeResult) merged = { 0 };
      g_autoptr(GError) merge_error = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean server_ok;
      gboolean pending;
      gboolean had_shadow;

      /* First the change onto the server's state as this side knows it:
       * the merge validates the result, so it is written as it is. */
      /* (What shadow_get() does, with each lookup made once: this is the
       * loop a first sync of a large project spends its time in.) */
      pending = local_edits && has_pending (self, change->record_id);
      shadow = local_edits ? shadow_row (self, change->record_id, &local_error) : NULL;
      had_shadow = shadow != NULL;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (shadow == NULL && !pending)
        shadow = calque_store_get (self, change->record_id, NULL);
      server_ok = calque_merge_change (shadow, change, change->seq, &options, &on_server, &merge_error);
      g_clear_error (&merge_error);

      /* A record with nothing of its own waiting to be sent is exactly the
       * server's (the clock of a delete, say, is the one the server kept):
       * one write, and no shadow row. */
      if (!pending)
        {
          if (!server_ok)
            continue;
          if (!_calque_store_write_trusted (self, on_server.record, error))
            goto write_failed;
          if (had_shadow && !shadow_drop (self, change->record_id, error))
            goto fail;
          if (out_changed != NULL)
            g_ptr_array_add (out_changed, g_strdup (change->record_id));
          continue;
        }
      if (server_ok && !shadow_put (self, on_server.record, error))
        goto fail;

      /* Local edits wait to be sent: the change merges into them, by the
       * same rules as on the server. */
      current = calque_store_get (self, change->record_id, &local_error);
      if (current == NULL && !g_error_matches (local_error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }

      if (!calque_merge_change (current, change, change->seq, &options, &merged, &merge_error)
          && g_error_matches (merge_error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_DELETED))
        {
          /* Deleted here but not on the server when it took this edit (a
           * delete still in the outbox, or undone since): the server is
           * the judge of what it accepted, so the fields are merged all the
           * same and the record stays deleted here. An undelete later
           * brings them back as everyone else has them. */
          g_autoptr(CalqueRecord) alive = calque_record_copy (current);
          const char *deleted_clock = calque_record_get_clock (current, "deleted");

          g_clear_error (&merge_error);
          calque_merge_result_clear (&merged);
          calque_record_set_deleted (alive, FALSE);
          if (calque_merge_change (alive, change, change->seq, &options, &merged, &merge_error))
            {
              calque_record_set_deleted (merged.record, TRUE);
              calque_record_set_clock (merged.record, "deleted", deleted_clock);
            }
        }
      if (merged.record == NULL)
        {
          g_debug ("pulled change %" G_GINT64_FORMAT " of %s not merged here: %s",
                   change->seq, change->record_id, merge_error ? merge_error->message : "?");
          continue;
        }
      if (!_calque_store_write_trusted (self, merged.record, error))
        goto write_failed;
      if (out_changed != NULL)
        g_ptr_array_add (out_changed, g_strdup (change->record_id));
      continue;

    write_failed:
      {
        g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, change->seq);

        g_prefix_error (error, _("change %s from the server: "), seq);
        goto fail;
      }
    }

  /* The stream is read up to the last change; a message without changes
   * says the stream was read up to its head for this workspace. */
  if (changes->len > 0)
    head = ((CalqueChange *) g_ptr_array_index (changes, changes->len - 1))->seq;
  if (!set_cursor (self, project_id, head, error) || !calque_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  calque_store_rollback (self);
  return FALSE;
}
