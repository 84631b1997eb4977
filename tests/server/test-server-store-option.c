/* test-server-store-option.c — `calque-server --store`, on the real binary
 *
 * No MongoDB server runs here, so what is checked is what a person sees
 * when the setting is wrong or the database is away: a usage error naming
 * the value for anything that is not a MongoDB URI, and for a server that
 * does not answer a clear failure within seconds, never a hang, never a
 * crash, never a password on the screen. The same from the configuration
 * file and for `calque-server user add`.
 */
#include "calque-test-util.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/* Nothing listens on port 1; the server's default server selection
 * timeout (5 s) decides how soon it gives up. */
#define UNREACHABLE "mongodb://127.0.0.1:1/x"
/* Start-up with an unreachable store, given a loaded machine. */
#define MAX_FAILURE_US (15 * G_USEC_PER_SEC)

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs calque-server with @args and @input on stdin to completion; returns
 * the exit status, and what it wrote. */
static int
run (const char * const  *args,
     const char          *input,
     char               **out_stdout,
     char               **out_stderr,
     gint64              *out_elapsed_us)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_ptr_array_add (argv, (gpointer) g_getenv ("CALQUE_SERVER"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, input, NULL, out_stdout, out_stderr, &error);
  g_assert_no_error (error);
  if (out_elapsed_us != NULL)
    *out_elapsed_us = g_get_monotonic_time () - start;
  /* A crash is not a clear message. */
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("calque-store-option-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_unreachable_fails_fast (Fixture       *f,
                             gconstpointer  data)
{
  const char *args[] = { "--listen", "127.0.0.1:0", "--data", f->dir, "--store", UNREACHABLE, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sqlite = g_build_filename (f->dir, "calque-server.sqlite", NULL);
  gint64 elapsed = 0;

  g_assert_cmpint (run (args, NULL, &out, &err, &elapsed), ==, 1);
  g_test_message ("%.1f s: %s", elapsed / 1e6, err);
  g_assert_cmpint (elapsed, <, MAX_FAILURE_US);
  g_assert_nonnull (strstr (err, "calque-server: cannot open the MongoDB store " UNREACHABLE ": "));
  g_assert_nonnull (strstr (err, "127.0.0.1:1"));
  /* It never listened, and did not fall back to SQLite. */
  g_assert_null (strstr (out, "listening"));
  g_assert_false (g_file_test (sqlite, G_FILE_TEST_EXISTS));
}

static void
test_not_a_mongodb_uri (Fixture       *f,
                        gconstpointer  data)
{
  static const struct { const char *store; const char *says; } cases[] = {
    { "postgres://db.example.net/calque", "calque-server: bad --store: “postgres://db.example.net/calque” is not a MongoDB URI" },
    { "/var/lib/calque-server", "“/var/lib/calque-server” is not a MongoDB URI" },
    { "mongodb://db.example.net:99999/calque", "“mongodb://db.example.net:99999/calque” is not a valid MongoDB URI" },
    { "mongodb://db.example.net/admin", "MongoDB keeps for itself" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "--listen", "127.0.0.1:0", "--data", f->dir, "--store", cases[i].store, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      gint64 elapsed = 0;

      g_assert_cmpint (run (args, NULL, &out, &err, &elapsed), ==, 2);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, cases[i].says));
      /* Refused before any connection is tried. */
      g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
    }
}

static void
test_password_not_shown (Fixture       *f,
                         gconstpointer  data)
{
  const char *bad[] = { "--listen", "127.0.0.1:0", "--data", f->dir,
                        "--store", "mongodb://amelie:hunter2@127.0.0.1:notaport/x", NULL };
  const char *away[] = { "--listen", "127.0.0.1:0", "--data", f->dir,
                         "--store", "mongodb://amelie:hunter2@127.0.0.1:1/x", NULL };
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;

  g_assert_cmpint (run (bad, NULL, &out1, &err1, NULL), ==, 2);
  g_assert_null (strstr (err1, "hunter2"));
  g_assert_nonnull (strstr (err1, "mongodb://amelie:***@127.0.0.1:notaport/x"));

  g_assert_cmpint (run (away, NULL, &out2, &err2, NULL), ==, 1);
  g_assert_null (strstr (err2, "hunter2"));
  g_assert_nonnull (strstr (err2, "cannot open the MongoDB store mongodb://amelie:***@127.0.0.1:1/x"));
}

/* `store` in [server] is --store. */
static void
test_config_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *config = g_build_filename (f->dir, "server.conf", NULL);
  g_autofree char *bad_config = g_build_filename (f->dir, "bad.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[server]\nlisten=127.0.0.1:0\ndata=%s\nstore=" UNREACHABLE "\n", f->dir);
  g_autofree char *bad_text = g_strdup_printf ("[server]\nlisten=127.0.0.1:0\ndata=%s\nstore=ftp://x/y\n", f->dir);
  const char *with_config[] = { "--config", config, NULL };
  const char *with_bad[] = { "--config", bad_config, NULL };
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  gint64 elapsed = 0;

  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  g_assert_true (g_file_set_contents (bad_config, bad_text, -1, NULL));

  g_assert_cmpint (run (with_config, NULL, &out1, &err1, &elapsed), ==, 1);
  g_assert_cmpint (elapsed, <, MAX_FAILURE_US);
  g_assert_nonnull (strstr (err1, "cannot open the MongoDB store " UNREACHABLE));

  g_assert_cmpint (run (with_bad, NULL, &out2, &err2, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "bad --store: “ftp://x/y” is not a MongoDB URI"));
}

/* `user add` opens the same store as the server it is for. */
static void
test_user_add (Fixture       *f,
               gconstpointer  data)
{
  const char *away[] = { "user", "add", "amelie", "--store", UNREACHABLE, NULL };
  const char *bad[] = { "user", "add", "amelie", "--store", "http://db.example.net/", NULL };
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  gint64 elapsed = 0;

  g_assert_cmpint (run (away, "correct horse battery\n", &out1, &err1, &elapsed), ==, 1);
  g_assert_cmpint (elapsed, <, MAX_FAILURE_US);
  g_assert_nonnull (strstr (err1, "cannot open the MongoDB store " UNREACHABLE));
  g_assert_null (strstr (out1, "added user"));

  g_assert_cmpint (run (bad, "correct horse battery\n", &out2, &err2, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "bad --store: “http://db.example.net/” is not a MongoDB URI"));
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char *help[] = { "--help", NULL };
  const char *user_help[] = { "user", "--help", NULL };
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;

  g_assert_cmpint (run (help, NULL, &out1, &err1, NULL), ==, 0);
  g_assert_nonnull (strstr (out1, "--store=URI"));
  g_assert_nonnull (strstr (out1, "mongodb+srv://"));
  g_assert_cmpint (run (user_help, NULL, &out2, &err2, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "--store=URI"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server-store-option/unreachable-fails-fast", Fixture, NULL,
              fixture_set_up, test_unreachable_fails_fast, fixture_tear_down);
  g_test_add ("/server-store-option/not-a-mongodb-uri", Fixture, NULL,
              fixture_set_up, test_not_a_mongodb_uri, fixture_tear_down);
  g_test_add ("/server-store-option/password-not-shown", Fixture, NULL,
              fixture_set_up, test_password_not_shown, fixture_tear_down);
  g_test_add ("/server-store-option/config-file", Fixture, NULL,
              fixture_set_up, test_config_file, fixture_tear_down);
  g_test_add ("/server-store-option/user-add", Fixture, NULL,
              fixture_set_up, test_user_add, fixture_tear_down);
  g_test_add ("/server-store-option/help", Fixture, NULL,
              fixture_set_up, test_help, fixture_tear_down);
  return g_test_run ();
}
