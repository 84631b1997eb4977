/* test-sqlite-checkpointer.c — the WAL is copied back by the thread
 *
 * With its hook installed, commits on the connection no longer checkpoint
 * themselves: a second connection does, in a thread, once the log holds
 * CALQUE_SQLITE_CHECKPOINT_PAGES pages. The database file growing while
 * the writer only commits is the sign that pages were copied back.
 */
#include "calque-sqlite-checkpointer.h"
#include "calque-server-store.h"
#include "calque-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

static void
test_checkpoints_in_thread (void)
{
  g_autofree char *dir = g_dir_make_tmp ("calque-checkpointer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "db.sqlite", NULL);
  g_autoptr(CalqueSqliteCheckpointer) checkpointer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *blob = g_strnfill (3000, 'x');
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  gint64 size_before;
  gint64 deadline;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                     "CREATE TABLE t (v TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  checkpointer = calque_sqlite_checkpointer_new (db, path, &error);
  g_assert_no_error (error);
  size_before = file_size (path);

  /* About 2.5 log pages a row, one commit each: enough for two runs. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO t VALUES (?1)", -1, &insert, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < 1000; i++)
    {
      sqlite3_bind_text (insert, 1, blob, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
      sqlite3_reset (insert);
    }
  sqlite3_finalize (insert);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (calque_sqlite_checkpointer_get_runs (checkpointer) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (calque_sqlite_checkpointer_get_runs (checkpointer), >, 0);
  g_assert_cmpint (file_size (path), >, size_before + 1000 * 1024);

  /* Freed before the connection it hooks, as the store does. */
  g_clear_pointer (&checkpointer, calque_sqlite_checkpointer_free);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  calque_test_remove_tree (dir);
}

static void
test_bad_path (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_null (calque_sqlite_checkpointer_new (db, "/nonexistent/folder/db.sqlite", &error));
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/folder/db.sqlite"));
  sqlite3_close (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/sqlite-checkpointer/checkpoints-in-thread", test_checkpoints_in_thread);
  g_test_add_func ("/server/sqlite-checkpointer/bad-path", test_bad_path);
  return g_test_run ();
}
