/* calque-store-private.h — shared between calque-store.c and the schema */
#pragma once

#include <sqlite3.h>
#include <glib.h>

G_BEGIN_DECLS

/* Migrates @db from its PRAGMA user_version up to @target_version (at most
 * CALQUE_STORE_SCHEMA_VERSION), each step in its own transaction. Tests use a
 * lower target to make databases as an older Calque wrote them. */
gboolean _calque_store_schema_migrate (sqlite3     *db,
                                       int          target_version,
                                       GError     **error);

/* The version stored in @db (0 for an empty file). */
int      _calque_store_schema_get_version (sqlite3 *db);

/* Sets @error from SQLite's last message on @db, prefixed with @what. */
void     _calque_store_set_sqlite_error (GError    **error,
                                         sqlite3    *db,
                                         const char *what);

/* For calque-store-sync.c, which works on the same file. */
typedef struct _CalqueStore CalqueStore;
typedef struct _CalqueRecord CalqueRecord;

sqlite3  *_calque_store_get_db     (CalqueStore  *self);
/* Forgets the item kept for checking annotations: for writes that go
 * around the store's own (a row deleted directly). */
void      _calque_store_forget_bounds_item (CalqueStore *self);
/* Gives the item the next annotations saved are checked against, for a
 * caller that holds it already as stored (an import, item after item). */
void      _calque_store_set_bounds_item (CalqueStore  *self,
                                         CalqueRecord *item);
char     *_calque_store_meta_get   (CalqueStore  *self,
                                    const char   *key);
/* @value NULL removes the key. */
gboolean  _calque_store_meta_set   (CalqueStore  *self,
                                    const char   *key,
                                    const char   *value,
                                    GError      **error);
/* Before a local save of record @id: keeps the server's state of it (the
 * workspace's row, while nothing of its own waits) as its shadow. */
gboolean  _calque_store_shadow_keep (CalqueStore  *self,
                                    const char   *id,
                                    GError      **error);
/* A statement prepared once per store and kept; @sql must be a string
 * that lives as long as the store (a literal). Reset it after use. */
sqlite3_stmt *_calque_store_cached_stmt (CalqueStore *self,
                                    const char   *sql,
                                    GError      **error);
/* The same as _calque_store_write_merged() without validation: for a
 * record the merge has just validated (a pulled change). */
gboolean  _calque_store_write_trusted (CalqueStore  *self,
                                    CalqueRecord *record,
                                    GError      **error);
/* What calque_store_put_merged() does, inside the caller's transaction. */
gboolean  _calque_store_write_merged (CalqueStore  *self,
                                    CalqueRecord *record,
                                    GError      **error);
/* The change a save of @fields of @record at @clock makes, as the outbox
 * keeps it (JSON), and the seq it was made on. */
char     *_calque_store_outbox_change (CalqueStore  *self,
                                    CalqueRecord *record,
                                    char        **fields,
                                    const char   *clock,
                                    gint64       *out_base_seq);

/* A record from the current row of a SELECT id, kind, project, deleted,
 * fields, clocks (of records or of shadow). */
CalqueRecord *_calque_store_record_from_row (CalqueStore  *self,
                                    sqlite3_stmt *stmt,
                                    GError      **error);

G_END_DECLS
