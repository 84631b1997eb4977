/* test-server-options.c — TLS, the configuration file and log levels,
 * on the real calque-server */
#include "calque-test-util.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
tls_file (const char *name)
{
  return g_build_filename (g_getenv ("CALQUE_TEST_DATA_DIR"), "tls", name, NULL);
}

/* Starts calque-server with @args; returns it with stdout and stderr piped. */
static GSubprocess *
start (const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_ptr_array_add (argv, (gpointer) g_getenv ("CALQUE_SERVER"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* The first line of stdout: "calque-server: listening on URI". */
static char *
listening_uri (GSubprocess *server)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "calque-server: listening on "));
  return g_strdup (line + strlen ("calque-server: listening on "));
}

/* Runs to completion; returns the exit status and what it said on stderr. */
static int
run (const char * const *args,
     char              **out_stderr)
{
  g_autoptr(GSubprocess) process = start (args);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, out_stderr, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* SIGTERM, then everything it wrote on stderr. */
static char *
stop (GSubprocess *server)
{
  g_autoptr(GError) error = NULL;
  char *err = NULL;

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_communicate_utf8 (server, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);
  return err;
}

static void
test_https (void)
{
  g_autofree char *cert = tls_file ("test-cert.pem");
  g_autofree char *key = tls_file ("test-key.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-tls-XXXXXX", &error);
  const char *args[] = { "--listen", "127.0.0.1:0", "--data", dir, "--tls-cert", cert, "--tls-key", key, NULL };
  g_autoptr(GSubprocess) server = start (args);
  g_autofree char *uri = listening_uri (server);
  g_autofree char *health = g_strconcat (uri, "api/v1/health", NULL);
  g_autofree char *plain = g_strconcat ("http://", uri + strlen ("https://"), "api/v1/health", NULL);
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (cert, &error);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("tls-database", trust, "timeout", 5, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) plain_msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) plain_body = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (uri, "https://127.0.0.1:"));

  /* The certificate is checked for real: trusted here as its own CA. */
  msg = soup_message_new ("GET", health);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"ok\""));

  /* Plain HTTP to the TLS port gets no answer as HTTP. */
  plain_msg = soup_message_new ("GET", plain);
  plain_body = soup_session_send_and_read (session, plain_msg, NULL, &error);
  g_assert_true (error != NULL || soup_message_get_status (plain_msg) != 200);
  g_clear_error (&error);

  err = stop (server);
  calque_test_remove_tree (dir);
}

static void
test_tls_mistakes (void)
{
  g_autofree char *cert = tls_file ("test-cert.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-tls-XXXXXX", &error);
  g_autofree char *err1 = NULL, *err2 = NULL;
  const char *alone[] = { "--listen", "127.0.0.1:0", "--data", dir, "--tls-cert", cert, NULL };
  const char *missing[] = { "--listen", "127.0.0.1:0", "--data", dir, "--tls-cert", "/nonexistent/cert.pem",
                            "--tls-key", "/nonexistent/key.pem", NULL };

  g_assert_cmpint (run (alone, &err1), ==, 2);
  g_assert_nonnull (strstr (err1, "--tls-cert and --tls-key go together"));
  g_assert_cmpint (run (missing, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "/nonexistent/cert.pem"));
  calque_test_remove_tree (dir);
}

static void
test_config_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-config-XXXXXX", &error);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *config = g_build_filename (dir, "server.conf", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[server]\nlisten=127.0.0.1:0\ndata=%s\nlog-level=warning\n", data);
  g_autofree char *uri = NULL;
  g_autofree char *err = NULL, *bad_err = NULL, *level_err = NULL;
  g_autoptr(GSubprocess) server = NULL;
  const char *with_config[] = { "--config", config, NULL };
  const char *with_bad[] = { "--config", bad, NULL };
  const char *bad_level[] = { "--config", config, "--log-level", "chatty", NULL };

  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "[server]\nlisten=127.0.0.1:0\nlisen=typo\n", -1, NULL));

  /* Settings come from the file: it listens, and keeps its data there. */
  server = start (with_config);
  uri = listening_uri (server);
  g_assert_true (g_str_has_prefix (uri, "http://127.0.0.1:"));
  {
    g_autofree char *db = g_build_filename (data, "calque-server.sqlite", NULL);
    g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  }
  /* log-level=warning from the file: "shutting down" is a message, not shown. */
  err = stop (server);
  g_assert_null (strstr (err, "shutting down"));

  g_assert_cmpint (run (with_bad, &bad_err), ==, 2);
  g_assert_nonnull (strstr (bad_err, "unknown setting “lisen”"));
  g_assert_cmpint (run (bad_level, &level_err), ==, 2);
  g_assert_nonnull (strstr (level_err, "unknown log level “chatty”"));
  calque_test_remove_tree (dir);
}

/* One request, which the server logs at debug level. */
static void
get_health (const char *uri)
{
  g_autofree char *health = g_strconcat (uri, "api/v1/health", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

static void
test_default_log_level (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-log-XXXXXX", &error);
  const char *args[] = { "--listen", "127.0.0.1:0", "--data", dir, NULL };
  const char *debug_args[] = { "--listen", "127.0.0.1:0", "--data", dir, "--log-level", "debug", NULL };
  g_autoptr(GSubprocess) server = start (args);
  g_autoptr(GSubprocess) chatty = NULL;
  g_autofree char *uri = listening_uri (server);
  g_autofree char *err = NULL;
  g_autofree char *uri2 = NULL;
  g_autofree char *err2 = NULL;

  get_health (uri);
  err = stop (server);
  g_assert_nonnull (strstr (err, "shutting down"));
  g_assert_null (strstr (err, "DEBUG"));

  /* Debug shows what the default level hides. */
  chatty = start (debug_args);
  uri2 = listening_uri (chatty);
  get_health (uri2);
  err2 = stop (chatty);
  g_assert_nonnull (strstr (err2, "DEBUG"));
  calque_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server-options/https", test_https);
  g_test_add_func ("/server-options/tls-mistakes", test_tls_mistakes);
  g_test_add_func ("/server-options/config-file", test_config_file);
  g_test_add_func ("/server-options/log-levels", test_default_log_level);
  return g_test_run ();
}
