/* calque-server-fixture.c — the real calque-server, for tests */
#include "calque-server-fixture.h"
#include "calque-test-util.h"

#include <signal.h>
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

static GSubprocess *
spawn (GSubprocessFlags    flags,
       const char * const *argv_tail)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  /* Argon2id at full cost is for production; tests sign in many times. */
  g_subprocess_launcher_setenv (launcher, "CALQUE_PASSWORD_TEST_COST", "low", TRUE);

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
}

int
calque_server_fixture_user_add (CalqueServerFixture *f,
                                const char          *name,
                                const char          *extra,
                                const char          *password)
{
  const char *argv[] = { "user", "add", name, "--data", f->data_dir, extra, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, argv);
  /* Refused before the password is read, stdin may close early: that
   * broken pipe is no failure; the exit status tells. */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), input, strlen (input), NULL, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

void
calque_server_fixture_start (CalqueServerFixture *f)
{
  const char *argv[] = { "--listen", "127.0.0.1:0", "--data", f->data_dir, NULL };
  static const char prefix[] = "calque-server: listening on http://127.0.0.1:";
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  char *end = NULL;
  guint64 port;

  /* stderr goes to the test log: nobody would drain a pipe. */
  f->server = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  port = g_ascii_strtoull (line + strlen (prefix), &end, 10);
  g_assert_cmpstr (end, ==, "/");
  g_assert_cmpuint (port, >, 0);
  f->port = (guint16) port;
}

void
calque_server_fixture_clear (CalqueServerFixture *f)
{
  if (f->server != NULL && g_subprocess_get_identifier (f->server) != NULL)
    {
      g_subprocess_force_exit (f->server);
      g_subprocess_wait (f->server, NULL, NULL);
    }
  g_clear_object (&f->server);
  g_clear_object (&f->session);
  if (f->data_dir)
    calque_test_remove_tree (f->data_dir);
  g_clear_pointer (&f->data_dir, g_free);
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
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", (guint) f->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body) : (gsize) body_length);
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);

  headers = soup_message_get_response_headers (msg);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (headers);
  if (response->status == SOUP_STATUS_NO_CONTENT)
    return;
  response->text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  if (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL) ?: "", "application/json"))
    {
      response->body = json_from_string (response->text, &error);
      g_assert_no_error (error);
    }
}

char *
calque_server_fixture_login (CalqueServerFixture *f,
                             const char          *user,
                             const char          *password)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  calque_server_fixture_request (f, SOUP_METHOD_POST, "/api/v1/login", NULL, "application/json", body, -1, &response);
  g_assert_cmpuint (response.status, ==, 200);
  return g_strconcat ("Bearer ", json_object_get_string_member (json_node_get_object (response.body), "token"), NULL);
}
