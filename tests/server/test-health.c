/* test-health.c: the real calque-server binary, over real sockets
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-health"

#include <signal.h>
#include <sys/resource.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "calque-server-fixture.h"

/* Generous for a loaded build machine, short enough that a hung server
 * fails the test instead of the whole suite timing out. */
#define EXIT_TIMEOUT_MS 5000

typedef struct
{
  GSubprocess      *server;
  GDataInputStream *stdout_lines;
  guint16           port;
  SoupSession      *session;
} Fixture;

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *stdout_text;
  char     *stderr_text;
  GError   *error;
} Communication;

/* The servers of these tests are started without --data, as a user would
 * start one, so they open the default data folder: it is pointed at a
 * folder of the test's own, never the real one of whoever runs the tests. */
static CalqueServerFixture home;

static GSubprocess *
spawn_server (gboolean     debug,
              const char  *first_arg,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *process;
  va_list args;

  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Nobody reads stderr until the server exits, so keep it small unless a
   * test wants the debug output. */
  calque_server_fixture_setenv (&home, "G_MESSAGES_DEBUG", debug ? "all" : NULL);
  process = calque_server_fixture_spawn (&home, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                         (const char * const *) argv->pdata);
  calque_server_fixture_setenv (&home, "G_MESSAGES_DEBUG", NULL);
  return process;
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *communication = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                        &communication->stdout_text,
                                        &communication->stderr_text,
                                        &communication->error);
  communication->done = TRUE;
}

static gboolean
communication_timed_out_cb (gpointer user_data)
{
  Communication *communication = user_data;

  communication->timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

/* Reads what is left of the server's output until it exits. Returns FALSE
 * if it did not exit within @timeout_ms; it is then killed, so the caller
 * can fail without leaving it behind. */
static gboolean
wait_for_exit (GSubprocess  *process,
               guint         timeout_ms,
               char        **out_stdout,
               char        **out_stderr)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Communication communication = { 0 };
  gboolean exited;

  g_main_context_push_thread_default (context);

  g_source_set_callback (timeout, communication_timed_out_cb, &communication, NULL);
  g_source_attach (timeout, context);

  g_subprocess_communicate_utf8_async (process, NULL, cancellable, communicated_cb, &communication);
  while (!communication.done && !communication.timed_out)
    g_main_context_iteration (context, TRUE);

  exited = communication.done;
  if (!exited)
    {
      g_subprocess_force_exit (process);
      g_cancellable_cancel (cancellable);
      while (!communication.done)
        g_main_context_iteration (context, TRUE);
      g_subprocess_wait (process, NULL, NULL);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (exited)
    g_assert_no_error (communication.error);
  g_clear_error (&communication.error);

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&communication.stdout_text);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&communication.stderr_text);
  g_free (communication.stdout_text);
  g_free (communication.stderr_text);

  return exited;
}

/* Reads the one line the server prints once it listens and returns the URI
 * in it, or NULL if the server exited first. */
static GUri *
read_listening_uri (GDataInputStream *lines)
{
  static const char prefix[] = "calque-server: listening on ";
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GUri *uri;

  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    return NULL;

  g_test_message ("server said: %s", line);
  g_assert_true (g_str_has_prefix (line, prefix));

  uri = g_uri_parse (line + strlen (prefix), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/");
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  g_assert_cmpint (g_uri_get_port (uri), <=, G_MAXUINT16);

  return uri;
}

static GDataInputStream *
stdout_lines_of (GSubprocess *process)
{
  GDataInputStream *lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* wait_for_exit() reads the rest of the same pipe. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);

  return lines;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GUri) uri = NULL;

  fixture->server = spawn_server (user_data != NULL, "--listen", "127.0.0.1:0", NULL);
  fixture->stdout_lines = stdout_lines_of (fixture->server);

  uri = read_listening_uri (fixture->stdout_lines);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  fixture->port = (guint16) g_uri_get_port (uri);

  fixture->session = soup_session_new_with_options ("timeout", 5, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->server != NULL && g_subprocess_get_identifier (fixture->server) != NULL)
    {
      g_subprocess_force_exit (fixture->server);
      g_subprocess_wait (fixture->server, NULL, NULL);
    }

  g_clear_object (&fixture->session);
  g_clear_object (&fixture->stdout_lines);
  g_clear_object (&fixture->server);
}

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  JsonNode           *body;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

/* Sends a request and checks what every response of the server must have:
 * the nosniff header and, when there is a body, JSON declared as such. */
static void
request (Fixture    *fixture,
         const char *method,
         const char *path,
         Response   *response)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", (guint) fixture->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  gsize length;

  g_assert_nonnull (msg);
  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);

  headers = soup_message_get_response_headers (msg);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (headers);

  if (strcmp (method, SOUP_METHOD_HEAD) == 0)
    return;

  content_type = soup_message_headers_get_content_type (headers, NULL);
  g_assert_cmpstr (content_type, ==, "application/json");

  response->body = json_from_string (g_bytes_get_data (body, &length), &error);
  g_assert_no_error (error);
  g_assert_nonnull (response->body);
  g_assert_cmpint (length, ==, soup_message_headers_get_content_length (headers));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->body));
}

static const char *
member_string (JsonNode   *node,
               const char *name)
{
  JsonObject *object = json_node_get_object (node);

  g_assert_true (json_object_has_member (object, name));
  return json_object_get_string_member (object, name);
}

static void
assert_error_body (JsonNode   *body,
                   const char *code)
{
  const char *message;

  g_assert_cmpstr (member_string (body, "error"), ==, code);
  message = member_string (body, "message");
  g_assert_nonnull (message);
  g_assert_cmpuint (strlen (message), >, 0);
}

static void
test_health_get (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_auto(Response) response = { 0 };
  JsonObject *object;

  request (fixture, SOUP_METHOD_GET, "/api/v1/health", &response);

  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);
  object = json_node_get_object (response.body);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (member_string (response.body, "status"), ==, "ok");
  g_assert_cmpstr (member_string (response.body, "version"), ==, CALQUE_VERSION);
}

static void
test_health_head (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(Response) response = { 0 };

  request (fixture, SOUP_METHOD_HEAD, "/api/v1/health", &response);

  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (response.headers, NULL), ==,
                   "application/json");
}

static void
test_health_wrong_method (Fixture       *fixture,
                          gconstpointer  user_data)
{
  static const char *methods[] = { "POST", "PUT", "DELETE" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_auto(Response) response = { 0 };
      const char *allow;

      request (fixture, methods[i], "/api/v1/health", &response);

      g_assert_cmpuint (response.status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
      assert_error_body (response.body, "method-not-allowed");
      allow = soup_message_headers_get_one (response.headers, "Allow");
      g_assert_nonnull (allow);
      g_assert_nonnull (strstr (allow, "GET"));
    }
}

static void
test_unknown_path (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* The last two sit below and beside the health handler's path, which
   * libsoup's prefix matching would otherwise send to it. */
  static const char *paths[] = { "/", "/api/v1/nothing", "/api/v1/health/extra", "/api/v1/healthz" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Response) response = { 0 };

      g_test_message ("GET %s", paths[i]);
      request (fixture, SOUP_METHOD_GET, paths[i], &response);

      g_assert_cmpuint (response.status, ==, SOUP_STATUS_NOT_FOUND);
      assert_error_body (response.body, "not-found");
    }
}

static void
assert_stops_on_signal (Fixture *fixture,
                        int      signum)
{
  g_autofree char *rest_of_stdout = NULL;
  g_autofree char *stderr_text = NULL;
  g_auto(Response) response = { 0 };

  /* A server that has served a request and holds a kept-alive connection
   * must still stop promptly. */
  request (fixture, SOUP_METHOD_GET, "/api/v1/health", &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);

  g_subprocess_send_signal (fixture->server, signum);
  g_assert_true (wait_for_exit (fixture->server, EXIT_TIMEOUT_MS, &rest_of_stdout, &stderr_text));

  g_test_message ("server stderr: %s", stderr_text);
  g_assert_true (g_subprocess_get_if_exited (fixture->server));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->server), ==, 0);
  g_assert_nonnull (strstr (stderr_text, "shutting down"));
  g_assert_cmpstr (rest_of_stdout, ==, "");
}

static void
test_shutdown_sigterm (Fixture       *fixture,
                       gconstpointer  user_data)
{
  assert_stops_on_signal (fixture, SIGTERM);
}

static void
test_shutdown_sigint (Fixture       *fixture,
                      gconstpointer  user_data)
{
  assert_stops_on_signal (fixture, SIGINT);
}

/* Tests read the port from stdout, so logging, at any level, must not
 * write there. The fixture runs this one with G_MESSAGES_DEBUG=all. */
static void
test_stdout_one_line (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *rest_of_stdout = NULL;
  g_autofree char *stderr_text = NULL;
  g_auto(Response) response = { 0 };

  request (fixture, SOUP_METHOD_GET, "/api/v1/health", &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);

  g_subprocess_send_signal (fixture->server, SIGTERM);
  g_assert_true (wait_for_exit (fixture->server, EXIT_TIMEOUT_MS, &rest_of_stdout, &stderr_text));

  g_assert_cmpstr (rest_of_stdout, ==, "");
  g_assert_nonnull (strstr (stderr_text, "/api/v1/health"));
}

static void
test_listen_in_use (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", (guint) fixture->port);
  g_autoptr(GSubprocess) second = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_auto(Response) response = { 0 };

  second = spawn_server (FALSE, "--listen", address, NULL);
  g_assert_true (wait_for_exit (second, EXIT_TIMEOUT_MS, &stdout_text, &stderr_text));

  g_test_message ("second server stderr: %s", stderr_text);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_nonnull (strstr (stderr_text, address));
  g_assert_nonnull (strstr (stderr_text, "in use"));

  /* The first one is unaffected. */
  request (fixture, SOUP_METHOD_GET, "/api/v1/health", &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);
}

static void
test_listen_bad (gconstpointer data)
{
  const char *value = data;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  server = spawn_server (FALSE, "--listen", value, NULL);
  g_assert_true (wait_for_exit (server, EXIT_TIMEOUT_MS, &stdout_text, &stderr_text));

  g_test_message ("stderr: %s", stderr_text);
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 2);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_nonnull (strstr (stderr_text, value));
}

static void
assert_serves_health (SoupSession *session,
                      const char  *uri)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (member_string (node, "status"), ==, "ok");
}

static void
stop_server (GSubprocess *server)
{
  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (wait_for_exit (server, EXIT_TIMEOUT_MS, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);
}

static void
test_listen_localhost (void)
{
  g_autoptr(GSubprocess) server = spawn_server (FALSE, "--listen", "localhost:0", NULL);
  g_autoptr(GDataInputStream) lines = stdout_lines_of (server);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *health = NULL;

  uri = read_listening_uri (lines);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "localhost");

  health = g_strdup_printf ("http://127.0.0.1:%d/api/v1/health", g_uri_get_port (uri));
  assert_serves_health (session, health);

  stop_server (server);
}

static guint
count_descriptors (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Clients that make a request and go, as browsers and scripts do, leave
 * nothing behind in the server: 100 of them, and the server holds no more
 * descriptors than before. (libsoup 3.2 leaked a descriptor for each
 * kept-alive connection the client closed.) */
static void
test_connections_do_not_pile_up (void)
{
  g_autoptr(GSubprocess) server = spawn_server (FALSE, "--listen", "127.0.0.1:0", NULL);
  g_autoptr(GDataInputStream) lines = stdout_lines_of (server);
  g_autoptr(GUri) uri = read_listening_uri (lines);
  g_autofree char *health = NULL;
  guint before, after = 0;
  gint64 deadline;

  g_assert_nonnull (uri);
  health = g_strdup_printf ("http://127.0.0.1:%d/api/v1/health", g_uri_get_port (uri));
  before = count_descriptors (server);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);

      assert_serves_health (session, health);
      /* The session goes, and its connection with it. */
    }

  /* The server notices the closed connections as it gets to them. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && (after = count_descriptors (server)) > before + 2)
    g_usleep (20 * 1000);
  g_test_message ("server descriptors: %u before, %u after 100 clients", before, after);
  g_assert_cmpuint (after, <=, before + 2);

  stop_server (server);
}

#define CROWD 300

/* A crowd reconnecting at once after a restart is queued by the kernel,
 * not dropped: with the server stopped (SIGSTOP, so it accepts nothing),
 * every one of CROWD connections still completes its handshake at once.
 * With GLib's default backlog of 10, all but about ten would wait for a
 * SYN retry a second later. */
static void
test_listen_crowd (void)
{
  g_autoptr(GSubprocess) server = spawn_server (FALSE, "--listen", "127.0.0.1:0", NULL);
  g_autoptr(GDataInputStream) lines = stdout_lines_of (server);
  g_autoptr(GUri) uri = read_listening_uri (lines);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 deadline;
  guint connected = 0;

  g_assert_nonnull (uri);
  address = g_inet_socket_address_new (loopback, g_uri_get_port (uri));
  g_subprocess_send_signal (server, SIGSTOP);

  for (guint i = 0; i < CROWD; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

      g_assert_no_error (error);
      g_socket_set_blocking (socket, FALSE);
      if (!g_socket_connect (socket, address, NULL, &error))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
      g_ptr_array_add (sockets, socket);
    }

  /* Well under the first SYN retry (1 s). */
  deadline = g_get_monotonic_time () + 500 * 1000;
  while (g_get_monotonic_time () < deadline)
    {
      connected = 0;
      for (guint i = 0; i < sockets->len; i++)
        connected += (g_socket_condition_check (g_ptr_array_index (sockets, i), G_IO_OUT) & G_IO_OUT) != 0
                     && g_socket_check_connect_result (g_ptr_array_index (sockets, i), NULL);
      if (connected == CROWD)
        break;
      g_usleep (10 * 1000);
    }
  g_test_message ("%u of %d connections completed with the server stopped", connected, CROWD);
  g_assert_cmpuint (connected, ==, CROWD);

  g_subprocess_send_signal (server, SIGCONT);
  g_clear_pointer (&sockets, g_ptr_array_unref);
  stop_server (server);
}

/* "Max open files  SOFT  HARD  files" of /proc/PID/limits. */
static void
read_file_limits (GSubprocess *process,
                  guint64     *out_soft,
                  guint64     *out_hard)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/limits", g_subprocess_get_identifier (process));
  g_autofree char *limits = NULL;
  const char *line;
  char *end;

  g_assert_true (g_file_get_contents (path, &limits, NULL, NULL));
  line = strstr (limits, "Max open files");
  g_assert_nonnull (line);
  *out_soft = g_ascii_strtoull (line + strlen ("Max open files"), &end, 10);
  *out_hard = g_ascii_strtoull (end, NULL, 10);
}

/* Started with a soft limit of 256 descriptors, the server raises it to
 * the hard limit, so that it can take more than a thousand clients. */
static void
test_descriptor_limit (void)
{
  struct rlimit ours, low;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GUri) uri = NULL;
  guint64 soft = 0, hard = 0;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &ours), ==, 0);
  if (ours.rlim_max <= 256)
    {
      g_test_skip ("the hard limit on descriptors is 256 or less here: nothing to raise");
      return;
    }
  low = ours;
  low.rlim_cur = 256;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  server = spawn_server (FALSE, "--listen", "127.0.0.1:0", NULL);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &ours), ==, 0);

  lines = stdout_lines_of (server);
  uri = read_listening_uri (lines);
  g_assert_nonnull (uri);
  read_file_limits (server, &soft, &hard);
  g_assert_cmpuint (soft, ==, hard);
  /* (Under valgrind this process sees a hard limit a little lower than
   * the one the server inherits, so the two are not compared.) */
  g_assert_cmpuint (soft, >, 256);

  stop_server (server);
}

static gboolean
have_ipv6_loopback (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  return socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
}

static void
test_listen_ipv6 (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *health = NULL;

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("this machine has no IPv6 loopback address");
      return;
    }

  server = spawn_server (FALSE, "--listen", "[::1]:0", NULL);
  lines = stdout_lines_of (server);
  session = soup_session_new_with_options ("timeout", 5, NULL);

  uri = read_listening_uri (lines);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "::1");

  health = g_strdup_printf ("http://[::1]:%d/api/v1/health", g_uri_get_port (uri));
  assert_serves_health (session, health);

  stop_server (server);
}

static void
test_version (void)
{
  g_autoptr(GSubprocess) server = spawn_server (FALSE, "--version", NULL);
  g_autofree char *stdout_text = NULL;

  g_assert_true (wait_for_exit (server, EXIT_TIMEOUT_MS, &stdout_text, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);
  g_assert_cmpstr (stdout_text, ==, "calque-server " CALQUE_VERSION "\n");
}

int
main (int    argc,
      char **argv)
{
  static const struct {
    const char *name;
    const char *value;
  } bad_listen[] = {
    { "no-port", "127.0.0.1" },
    { "port-too-big", "127.0.0.1:99999" },
    { "garbage", "nonsense:abc" },
    { "not-a-number", "127.0.0.1:http" },
    { "ipv6-without-brackets", "::1:8080" },
    { "unclosed-bracket", "[::1:8080" },
    { "empty-host", ":8080" },
  };

  int status;

  g_test_init (&argc, &argv, NULL);
  calque_server_fixture_init (&home);
  calque_server_fixture_setenv (&home, "XDG_DATA_HOME", home.data_dir);

  g_test_add ("/server/health/get", Fixture, NULL,
              fixture_set_up, test_health_get, fixture_tear_down);
  g_test_add ("/server/health/head", Fixture, NULL,
              fixture_set_up, test_health_head, fixture_tear_down);
  g_test_add ("/server/health/wrong-method", Fixture, NULL,
              fixture_set_up, test_health_wrong_method, fixture_tear_down);
  g_test_add ("/server/http/unknown-path", Fixture, NULL,
              fixture_set_up, test_unknown_path, fixture_tear_down);
  g_test_add ("/server/shutdown/sigterm", Fixture, NULL,
              fixture_set_up, test_shutdown_sigterm, fixture_tear_down);
  g_test_add ("/server/shutdown/sigint", Fixture, NULL,
              fixture_set_up, test_shutdown_sigint, fixture_tear_down);
  g_test_add ("/server/stdout/one-line", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_stdout_one_line, fixture_tear_down);
  g_test_add ("/server/listen/in-use", Fixture, NULL,
              fixture_set_up, test_listen_in_use, fixture_tear_down);

  for (guint i = 0; i < G_N_ELEMENTS (bad_listen); i++)
    {
      g_autofree char *path = g_strdup_printf ("/server/listen/bad/%s", bad_listen[i].name);

      g_test_add_data_func (path, bad_listen[i].value, test_listen_bad);
    }

  g_test_add_func ("/server/listen/localhost", test_listen_localhost);
  g_test_add_func ("/server/listen/crowd", test_listen_crowd);
  g_test_add_func ("/server/connections-do-not-pile-up", test_connections_do_not_pile_up);
  g_test_add_func ("/server/descriptor-limit", test_descriptor_limit);
  g_test_add_func ("/server/listen/ipv6-loopback", test_listen_ipv6);
  g_test_add_func ("/server/version", test_version);

  status = g_test_run ();
  calque_server_fixture_clear (&home);
  return status;
}
