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

G_END_DECLS
