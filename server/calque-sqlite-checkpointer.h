/* calque-sqlite-checkpointer.h — WAL checkpoints off the main loop
 *
 * In WAL mode SQLite copies the log back into the database file from time
 * to time (a checkpoint). Left to itself it does so inside a commit, so one
 * push in a thousand would wait for a large write and its fsync while every
 * client waited behind it. Instead the store's connection only counts, and
 * a thread with a connection of its own checkpoints when the log has grown.
 * A PASSIVE checkpoint never blocks the writer; durability is the log's,
 * which is already synced when a commit returns.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The log is checkpointed once it holds this many pages: SQLite's own
 * default for wal_autocheckpoint. */
#define CALQUE_SQLITE_CHECKPOINT_PAGES 1000

typedef struct _CalqueSqliteCheckpointer CalqueSqliteCheckpointer;

/* Opens a second connection to @path and installs itself on @db, whose
 * automatic checkpoints it replaces. */
CalqueSqliteCheckpointer *calque_sqlite_checkpointer_new  (sqlite3     *db,
                                                           const char  *path,
                                                           GError     **error);
/* How many checkpoints ran, for tests. */
guint                     calque_sqlite_checkpointer_get_runs (CalqueSqliteCheckpointer *self);
/* Stops the thread (after the checkpoint under way, if any), removes the
 * hook from the store's connection and closes its own. */
void                      calque_sqlite_checkpointer_free (CalqueSqliteCheckpointer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueSqliteCheckpointer, calque_sqlite_checkpointer_free)

G_END_DECLS
