/* calque-server-fixture.c — the real calque-server, for tests */

#define G_LOG_DOMAIN "calque-server-fixture"

#include "calque-server-fixture.h"
#include "calque-test-util.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>

static const char *
server_path (void)
{
  const char *path = g_getenv ("CALQUE_SERVER");

  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* A failed assertion aborts without teardown; the kernel then kills the
 * child, so no server outlives the test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
calque_server_fixture_spawn (CalqueServerFixture *f,
                             GSubprocessFlags     flags,
                             const char * const  *argv_tail)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer variable, value;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  /* Argon2id at full cost is for production; tests sign in many times. */
  g_subprocess_launcher_setenv (launcher, "CALQUE_PASSWORD_TEST_COST", "low", TRUE);
  g_hash_table_iter_init (&iter, f->env);
  while (g_hash_table_iter_next (&iter, &variable, &value))
    {
      if (value != NULL)
        g_subprocess_launcher_setenv (launcher, variable, value, TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, variable);
    }

  g_ptr_array_add (argv, (gpointer) server_path ());
  for (guint i = 0; argv_tail[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) argv_tail[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

void
calque_http_response_clear (CalqueHttpResponse *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, json_node_unref);
  g_clear_pointer (&response->text, g_free);
}

void
calque_server_fixture_init (CalqueServerFixture *f)
{
  g_autoptr(GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->data_dir = g_dir_make_tmp ("calque-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("timeout", 10, NULL);
  f->env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
calque_server_fixture_setenv (CalqueServerFixture *f,
                              const char          *variable,
                              const char          *value)
{
  g_hash_table_insert (f->env, g_strdup (variable), g_strdup (value));
}

int
calque_server_fixture_user_add_full (CalqueServerFixture *f,
                                     const char          *name,
                                     const char          *extra,
                                     const char          *input,
                                     char               **out_stdout,
                                     char               **out_stderr)
{
  const char *argv[] = { "user", "add", name, "--data", f->data_dir, extra, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *printable = NULL;

  process = calque_server_fixture_spawn (f, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE, argv);
  /* A name refused before the password is read may close stdin before
   * the password is written: that broken pipe is no failure, and what the
   * program said must still be read. */
  if (input != NULL)
    g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), input, strlen (input), NULL, NULL, NULL);
  /* With no input, communicate closes stdin and reads what was said. */
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  /* Some names under test are not UTF-8; the TAP log must stay text. */
  printable = g_strescape (name, NULL);
  g_test_message ("user add %s: stdout %s, stderr %s", printable, stdout_text, stderr_text);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&stdout_text);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

int
calque_server_fixture_user_add (CalqueServerFixture *f,
                                const char          *name,
                                const char          *extra,
                                const char          *password)
{
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  return calque_server_fixture_user_add_full (f, name, extra, input, NULL, NULL);
}

void
calque_server_fixture_start (CalqueServerFixture *f)
{
  calque_server_fixture_start_on (f, 0);
}

void
calque_server_fixture_start_on (CalqueServerFixture *f,
                                guint16              wanted_port)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", (guint) wanted_port);
  const char *argv[] = { "--listen", listen, "--data", f->data_dir, NULL };
  static const char prefix[] = "calque-server: listening on http://127.0.0.1:";
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  char *end = NULL;
  guint64 port;

  /* stderr goes to the test log: nobody would drain a pipe. */
  f->server = calque_server_fixture_spawn (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  port = g_ascii_strtoull (line + strlen (prefix), &end, 10);
  g_assert_cmpstr (end, ==, "/");
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (port, <=, G_MAXUINT16);
  f->port = (guint16) port;
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited = TRUE;
}

void
calque_server_fixture_expire_tokens (CalqueServerFixture *f,
                                     const char          *user)
{
  g_autofree char *path = g_build_filename (f->data_dir, "calque-server.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tokens SET expires = 1 WHERE user = ?", -1, &statement, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, user, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
}

void
calque_server_fixture_stop (CalqueServerFixture *f)
{
  if (f->server != NULL && g_subprocess_get_identifier (f->server) != NULL)
    {
      gboolean exited = FALSE;
      gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

      /* Stopped as a user would, so that its shutdown is exercised (and a
       * memory checker wrapped around it can report); killed if it hangs. */
      g_subprocess_send_signal (f->server, SIGTERM);
      g_subprocess_wait_async (f->server, NULL, exited_cb, &exited);
      while (!exited && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      if (!exited)
        {
          g_subprocess_force_exit (f->server);
          while (!exited)
            g_main_context_iteration (NULL, TRUE);
        }
    }
  g_clear_object (&f->server);
}

void
calque_server_fixture_clear (CalqueServerFixture *f)
{
  calque_server_fixture_stop (f);
  g_clear_object (&f->session);
  g_clear_pointer (&f->env, g_hash_table_unref);
  if (f->data_dir)
    calque_test_remove_tree (f->data_dir);
  g_clear_pointer (&f->data_dir, g_free);
}

SoupMessage *
calque_server_fixture_new_message (CalqueServerFixture *f,
                                   const char          *method,
                                   const char          *path,
                                   const char          *content_type,
                                   const char          *body,
                                   gssize               body_length)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", (guint) f->port, path);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body) : (gsize) body_length);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  return msg;
}

void
calque_server_fixture_request (CalqueServerFixture *f,
                               const char          *method,
                               const char          *path,
                               const char          *authorization,
                               const char          *content_type,
                               const char          *body,
                               gssize               body_length,
                               CalqueHttpResponse  *response)
{
  g_autoptr(SoupMessage) msg = calque_server_fixture_new_message (f, method, path, content_type,
                                                                  body, body_length);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);

  headers = soup_message_get_response_headers (msg);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (headers);
  if (response->status == SOUP_STATUS_NO_CONTENT)
    {
      g_assert_cmpuint (g_bytes_get_size (answer), ==, 0);
      return;
    }
  response->text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  if (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL) ?: "", "application/json"))
    {
      response->body = json_from_string (response->text, &error);
      g_assert_no_error (error);
    }
}

char *
calque_server_fixture_login_body (const char *user,
                                  const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char *
calque_server_fixture_login_token (CalqueServerFixture *f,
                                   const char          *user,
                                   const char          *password)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *body = calque_server_fixture_login_body (user, password);

  calque_server_fixture_request (f, SOUP_METHOD_POST, "/api/v1/login", NULL, "application/json", body, -1, &response);
  g_assert_cmpuint (response.status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (response.body), "token"));
}

char *
calque_server_fixture_login (CalqueServerFixture *f,
                             const char          *user,
                             const char          *password)
{
  g_autofree char *token = calque_server_fixture_login_token (f, user, password);

  return g_strconcat ("Bearer ", token, NULL);
}
