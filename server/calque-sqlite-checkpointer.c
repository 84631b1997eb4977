/* calque-sqlite-checkpointer.c — WAL checkpoints off the main loop */
#define G_LOG_DOMAIN "calque-server"

#include "calque-sqlite-checkpointer.h"
#include "calque-server-store.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

struct _CalqueSqliteCheckpointer
{
  sqlite3  *db;        /* the store's: only its hook is ours */
  sqlite3  *own;       /* used by the thread alone */
  GThread  *thread;
  GMutex    lock;
  GCond     wake;
  gboolean  wanted;    /* under lock */
  gboolean  stopping;  /* under lock */
  guint     runs;      /* under lock */
};

/* Called by SQLite after each commit on the store's connection, with the
 * pages now in the log. */
static int
wal_hook_cb (void       *user_data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  CalqueSqliteCheckpointer *self = user_data;

  if (pages < CALQUE_SQLITE_CHECKPOINT_PAGES)
    return SQLITE_OK;

  g_mutex_lock (&self->lock);
  if (!self->wanted)
    {
      self->wanted = TRUE;
      g_cond_signal (&self->wake);
    }
  g_mutex_unlock (&self->lock);
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer user_data)
{
  CalqueSqliteCheckpointer *self = user_data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      int log_pages = 0, copied = 0, rc;

      while (!self->wanted && !self->stopping)
        g_cond_wait (&self->wake, &self->lock);
      if (self->stopping)
        break;
      self->wanted = FALSE;
      g_mutex_unlock (&self->lock);

      rc = sqlite3_wal_checkpoint_v2 (self->own, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_warning ("checkpointing the database log failed: %s", sqlite3_errmsg (self->own));
      else
        g_debug ("checkpoint: %d of %d log pages copied", copied, log_pages);

      g_mutex_lock (&self->lock);
      self->runs++;
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

CalqueSqliteCheckpointer *
calque_sqlite_checkpointer_new (sqlite3     *db,
                                const char  *path,
                                GError     **error)
{
  CalqueSqliteCheckpointer *self = g_new0 (CalqueSqliteCheckpointer, 1);

  if (sqlite3_open_v2 (path, &self->own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
      || sqlite3_exec (self->own, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: cannot open a connection for checkpoints: %s"), path,
                   self->own != NULL ? sqlite3_errmsg (self->own) : g_strerror (ENOMEM));
      sqlite3_close (self->own);
      g_free (self);
      return NULL;
    }
  sqlite3_busy_timeout (self->own, 5000);

  self->db = db;
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->thread = g_thread_new ("checkpoint", checkpoint_thread, self);
  /* Replaces SQLite's automatic checkpoints on this connection. */
  sqlite3_wal_hook (db, wal_hook_cb, self);
  return self;
}

guint
calque_sqlite_checkpointer_get_runs (CalqueSqliteCheckpointer *self)
{
  guint runs;

  g_mutex_lock (&self->lock);
  runs = self->runs;
  g_mutex_unlock (&self->lock);
  return runs;
}

void
calque_sqlite_checkpointer_free (CalqueSqliteCheckpointer *self)
{
  if (self == NULL)
    return;

  sqlite3_wal_hook (self->db, NULL, NULL);
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  sqlite3_close (self->own);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_free (self);
}
