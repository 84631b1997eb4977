/* calque-store-stats.c — the rows the progress figures count
 *
 * Every column these queries name is in an index (records_by_project,
 * records_tombstones, records_task_figures, records_annotation_figures;
 * schema v5), so SQLite reads the index alone ("COVERING INDEX" in EXPLAIN QUERY
 * PLAN) and never the rows, whose fields and clocks are most of the file.
 */
#define G_LOG_DOMAIN "calque-store"

#include "calque-store-stats.h"
#include "calque-store-private.h"

#include <glib/gi18n-lib.h>

/* The kind is a literal, for the planner to see that the partial index
 * applies; each names only the columns of its own index. */
static const char sql_tasks[] =
  "SELECT id, item, person, state, created FROM records"
  " WHERE project = ?1 AND kind = 'task' AND deleted = 0";
static const char sql_annotations[] =
  "SELECT id, item, person, labels, created FROM records"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0";
/* The live items: every item (records_by_project) but the deleted ones
 * (records_tombstones). */
static const char sql_items[] =
  "SELECT id FROM records WHERE project = ?1 AND kind = 'item'";
static const char sql_deleted_items[] =
  "SELECT id FROM records WHERE project = ?1 AND kind = 'item' AND deleted = 1";

static gboolean
step_done (CalqueStore   *self,
           sqlite3_stmt  *stmt,
           int            rc,
           GError       **error)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  _calque_store_set_sqlite_error (error, _calque_store_get_db (self), _("counting records"));
  return FALSE;
}

gboolean
calque_store_foreach_fact (CalqueStore          *self,
                           CalqueKind            kind,
                           const char           *project_id,
                           CalqueStoreFactFunc   func,
                           gpointer              user_data,
                           GError              **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind == CALQUE_KIND_TASK || kind == CALQUE_KIND_ANNOTATION, FALSE);
  g_return_val_if_fail (project_id != NULL && func != NULL, FALSE);

  stmt = _calque_store_cached_stmt (self, kind == CALQUE_KIND_TASK ? sql_tasks : sql_annotations, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CalqueStoreFact fact = {
        .item = (const char *) sqlite3_column_text (stmt, 1),
        .person = (const char *) sqlite3_column_text (stmt, 2),
        .created = sqlite3_column_type (stmt, 4) == SQLITE_INTEGER ? sqlite3_column_int64 (stmt, 4) : -1,
      };

      /* Each column fetched costs a copy: an annotation's id only when it
       * is the one time there is (tasks are few beside annotations). */
      if (kind == CALQUE_KIND_TASK)
        fact.state = (const char *) sqlite3_column_text (stmt, 3);
      else
        fact.labels = (const char *) sqlite3_column_text (stmt, 3);
      if (kind == CALQUE_KIND_TASK || fact.created < 0)
        fact.id = (const char *) sqlite3_column_text (stmt, 0);

      func (&fact, user_data);
    }
  return step_done (self, stmt, rc, error);
}

gboolean
calque_store_foreach_item_id (CalqueStore        *self,
                              const char         *project_id,
                              CalqueStoreIdFunc   func,
                              gpointer            user_data,
                              GError            **error)
{
  g_autoptr(GHashTable) deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL && func != NULL, FALSE);

  if (!(stmt = _calque_store_cached_stmt (self, sql_deleted_items, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (deleted, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!step_done (self, stmt, rc, error))
    return FALSE;

  if (!(stmt = _calque_store_cached_stmt (self, sql_items, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);

      if (g_hash_table_size (deleted) == 0 || !g_hash_table_contains (deleted, id))
        func (id, user_data);
    }
  return step_done (self, stmt, rc, error);
}

GPtrArray *
calque_store_list_item_ids_by_name (CalqueStore  *self,
                                    const char   *project_id,
                                    GError      **error)
{
  static const char sql[] =
    "SELECT id FROM records WHERE project = ?1 AND kind = 'item' AND deleted = 0"
    " ORDER BY (CASE WHEN json_valid (fields) THEN json_extract (fields, '$.name') END), id";
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CALQUE_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  if (!(stmt = _calque_store_cached_stmt (self, sql, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!step_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&ids);
}
