/* calque-sqlite-store.h — the server's embedded store, one SQLite file
 *
 * The default backend: nothing to set up. WAL with synchronous=FULL, so an
 * acknowledged change survives a crash of the server or of the machine.
 * One connection, used from one thread at a time.
 */
#pragma once

#include "calque-server-store.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_SQLITE_STORE (calque_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSqliteStore, calque_sqlite_store, CALQUE, SQLITE_STORE, GObject)

/* Opens DIR/calque-server.sqlite, creating the folder and the file. */
CalqueServerStore *calque_sqlite_store_open (const char  *dir,
                                             GError     **error);

G_END_DECLS
