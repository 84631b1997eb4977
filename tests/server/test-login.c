/* test-login.c: users, login and logout on the real calque-server binary
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-login"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "calque-server-fixture.h"

#define ALICE_PASSWORD "correct horse battery"
#define BOB_PASSWORD "staple of the realm"
#define TOKEN_LENGTH 43

typedef CalqueServerFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  calque_server_fixture_init (fixture);
  g_assert_cmpint (calque_server_fixture_user_add (fixture, "alice", NULL, ALICE_PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (fixture, "bob", "--admin", BOB_PASSWORD), ==, 0);
  calque_server_fixture_start (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  calque_server_fixture_clear (fixture);
}

/* Every answer of the login routes is a JSON object, unless a 204. */
static void
request_full (Fixture            *fixture,
              const char         *method,
              const char         *path,
              const char         *authorization,
              const char         *content_type,
              const char         *body,
              gsize               body_length,
              CalqueHttpResponse *response)
{
  calque_server_fixture_request (fixture, method, path, authorization, content_type,
                                 body, (gssize) body_length, response);
  if (response->status == SOUP_STATUS_NO_CONTENT)
    return;

  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "application/json");
  g_assert_nonnull (response->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->body));
}

static void
login (Fixture            *fixture,
       const char         *user,
       const char         *password,
       CalqueHttpResponse *response)
{
  g_autofree char *body = calque_server_fixture_login_body (user, password);

  request_full (fixture, SOUP_METHOD_POST, "/api/v1/login", NULL, "application/json",
                body, strlen (body), response);
}

static void
logout (Fixture            *fixture,
        const char         *authorization,
        CalqueHttpResponse *response)
{
  request_full (fixture, SOUP_METHOD_POST, "/api/v1/logout", authorization, NULL, NULL, 0, response);
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
assert_error (const CalqueHttpResponse *response,
              guint                     status,
              const char               *code)
{
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (member_string (response->body, "error"), ==, code);
  g_assert_cmpuint (strlen (member_string (response->body, "message")), >, 0);
}

/* The token as the server must store it: SHA-256 of its 32 raw bytes. */
static char *
token_sha256_hex (const char *token)
{
  g_autofree char *padded = NULL;
  g_autofree guchar *raw = NULL;
  gsize raw_length = 0;

  g_assert_cmpuint (strlen (token), ==, TOKEN_LENGTH);
  padded = g_strconcat (token, "=", NULL);
  for (char *p = padded; *p != '\0'; p++)
    {
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';
    }

  raw = g_base64_decode (padded, &raw_length);
  g_assert_cmpuint (raw_length, ==, 32);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, raw, raw_length);
}

/* `calque-server user add NAME` with @input as all of stdin. */
static int
user_add (Fixture     *fixture,
          const char  *name,
          const char  *input,
          char       **out_stdout,
          char       **out_stderr)
{
  return calque_server_fixture_user_add_full (fixture, name, NULL, input, out_stdout, out_stderr);
}

static void
test_user_add_ok (void)
{
  Fixture fixture;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  calque_server_fixture_init (&fixture);
  g_assert_cmpint (user_add (&fixture, "carol", "a long enough secret\n", &stdout_text, &stderr_text), ==, 0);
  g_assert_cmpstr (stdout_text, ==, "added user carol\n");
  /* The password never shows in the output. */
  g_assert_null (strstr (stderr_text, "a long enough secret"));

  calque_server_fixture_clear (&fixture);
}

static void
test_user_add_duplicate (void)
{
  Fixture fixture;
  g_autofree char *stderr_text = NULL;

  calque_server_fixture_init (&fixture);
  g_assert_cmpint (user_add (&fixture, "carol", "a long enough secret\n", NULL, NULL), ==, 0);
  g_assert_cmpint (user_add (&fixture, "carol", "another long secret\n", NULL, &stderr_text), ==, 1);
  g_assert_nonnull (strstr (stderr_text, "carol"));
  g_assert_nonnull (strstr (stderr_text, "already exists"));

  calque_server_fixture_clear (&fixture);
}

static void
test_user_add_short_password (void)
{
  Fixture fixture;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  calque_server_fixture_init (&fixture);
  g_assert_cmpint (user_add (&fixture, "carol", "short\n", &stdout_text, &stderr_text), ==, 1);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_nonnull (strstr (stderr_text, "too short"));

  /* Nothing was stored: the same name can be added with a good password. */
  g_assert_cmpint (user_add (&fixture, "carol", "a long enough secret\n", NULL, NULL), ==, 0);

  calque_server_fixture_clear (&fixture);
}

static void
test_user_add_bad_names (void)
{
  Fixture fixture;
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_autofree char *longest = g_strnfill (64, 'a');
  const char *bad[] = { "", "a b", "a/b", "a:b", "tab\there", "bell\x07", "\xff\xfe", "new\nline", too_long };

  calque_server_fixture_init (&fixture);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *stdout_text = NULL;

      g_assert_cmpint (user_add (&fixture, bad[i], "a long enough secret\n", &stdout_text, NULL), ==, 2);
      g_assert_cmpstr (stdout_text, ==, "");
    }

  g_assert_cmpint (user_add (&fixture, longest, "a long enough secret\n", NULL, NULL), ==, 0);
  g_assert_cmpint (user_add (&fixture, "Zoë", "a long enough secret\n", NULL, NULL), ==, 0);

  calque_server_fixture_clear (&fixture);
}

static void
test_bad_data_dir (void)
{
  Fixture fixture;
  g_autofree char *blocker = NULL;
  g_autofree char *inside = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  calque_server_fixture_init (&fixture);
  blocker = g_build_filename (fixture.data_dir, "file", NULL);
  inside = g_build_filename (blocker, "data", NULL);

  /* A folder below a plain file cannot be created. */
  g_file_set_contents (blocker, "", 0, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { "--listen", "127.0.0.1:0", "--data", inside, NULL };

    server = calque_server_fixture_spawn (&fixture, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                          argv);
  }
  g_subprocess_communicate_utf8 (server, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  g_test_message ("stderr: %s", stderr_text);
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 1);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_nonnull (strstr (stderr_text, inside));

  calque_server_fixture_clear (&fixture);
}

static void
test_login_ok (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_auto(CalqueHttpResponse) alice = { 0 };
  g_auto(CalqueHttpResponse) bob = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  JsonObject *object;

  login (fixture, "alice", ALICE_PASSWORD, &alice);
  g_assert_cmpuint (alice.status, ==, SOUP_STATUS_OK);
  object = json_node_get_object (alice.body);
  g_assert_cmpuint (strlen (member_string (alice.body, "token")), ==, TOKEN_LENGTH);
  g_assert_cmpint (json_object_get_int_member (object, "expires"), >, now + 24 * 3600);
  g_assert_cmpstr (member_string (alice.body, "user"), ==, "alice");
  g_assert_false (json_object_get_boolean_member (object, "admin"));
  g_assert_cmpstr (soup_message_headers_get_one (alice.headers, "Cache-Control"), ==, "no-store");

  login (fixture, "bob", BOB_PASSWORD, &bob);
  g_assert_cmpuint (bob.status, ==, SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (bob.body), "admin"));
  g_assert_cmpstr (member_string (bob.body, "token"), !=, member_string (alice.body, "token"));
}

static void
test_login_wrong (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(CalqueHttpResponse) wrong_password = { 0 };
  g_auto(CalqueHttpResponse) unknown_user = { 0 };
  g_auto(CalqueHttpResponse) other_users_password = { 0 };

  login (fixture, "alice", "not her password", &wrong_password);
  login (fixture, "mallory", ALICE_PASSWORD, &unknown_user);
  login (fixture, "alice", BOB_PASSWORD, &other_users_password);

  assert_error (&wrong_password, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  g_assert_cmpstr (member_string (wrong_password.body, "message"), ==, "Wrong user name or password");
  /* Nothing tells an unknown name from a known one. */
  g_assert_cmpuint (unknown_user.status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (unknown_user.text, ==, wrong_password.text);
  g_assert_cmpstr (other_users_password.text, ==, wrong_password.text);
}

static void
test_tokens_stored_hashed (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *database = g_build_filename (fixture->data_dir, "calque-server.sqlite", NULL);
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *expected_hash = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *token;
  gboolean found_hash = FALSE;
  guint rows = 0;

  login (fixture, "alice", ALICE_PASSWORD, &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_OK);
  token = member_string (response.body, "token");
  expected_hash = token_sha256_hex (token);

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT * FROM tokens", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      rows++;
      for (int column = 0; column < sqlite3_column_count (stmt); column++)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, column);

          if (value == NULL)
            continue;
          g_assert_null (strstr (value, token));
          if (g_ascii_strcasecmp (value, expected_hash) == 0)
            found_hash = TRUE;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_cmpuint (rows, ==, 1);
  g_assert_true (found_hash);
}

static void
test_logout (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_auto(CalqueHttpResponse) session = { 0 };
  g_auto(CalqueHttpResponse) first = { 0 };
  g_auto(CalqueHttpResponse) again = { 0 };
  g_auto(CalqueHttpResponse) missing = { 0 };
  g_auto(CalqueHttpResponse) malformed = { 0 };
  g_auto(CalqueHttpResponse) wrong_method = { 0 };
  g_autofree char *bearer = NULL;

  login (fixture, "alice", ALICE_PASSWORD, &session);
  g_assert_cmpuint (session.status, ==, SOUP_STATUS_OK);
  bearer = g_strconcat ("Bearer ", member_string (session.body, "token"), NULL);

  logout (fixture, NULL, &missing);
  assert_error (&missing, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  logout (fixture, "Bearer not-a-token", &malformed);
  assert_error (&malformed, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  request_full (fixture, SOUP_METHOD_GET, "/api/v1/logout", bearer, NULL, NULL, 0, &wrong_method);
  assert_error (&wrong_method, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");

  /* None of those ended the session; this does, once. */
  logout (fixture, bearer, &first);
  g_assert_cmpuint (first.status, ==, SOUP_STATUS_NO_CONTENT);
  logout (fixture, bearer, &again);
  assert_error (&again, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_auto(CalqueHttpResponse) limited = { 0 };
  g_auto(CalqueHttpResponse) right_but_limited = { 0 };
  g_auto(CalqueHttpResponse) other_user = { 0 };
  const char *retry_after;
  guint64 seconds = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_auto(CalqueHttpResponse) response = { 0 };

      login (fixture, "alice", "not her password", &response);
      assert_error (&response, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    }

  login (fixture, "alice", "not her password", &limited);
  assert_error (&limited, 429, "rate-limited");
  retry_after = soup_message_headers_get_one (limited.headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 3600, &seconds, NULL));

  /* Limited before the password is even looked at. */
  login (fixture, "alice", ALICE_PASSWORD, &right_but_limited);
  assert_error (&right_but_limited, 429, "rate-limited");

  /* Someone else on the same machine can still log in. */
  login (fixture, "bob", BOB_PASSWORD, &other_user);
  g_assert_cmpuint (other_user.status, ==, SOUP_STATUS_OK);
}

static void
test_login_success_resets_user_limit (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_auto(CalqueHttpResponse) right = { 0 };

  for (guint i = 0; i < 4; i++)
    {
      g_auto(CalqueHttpResponse) response = { 0 };

      login (fixture, "alice", "not her password", &response);
      g_assert_cmpuint (response.status, ==, SOUP_STATUS_UNAUTHORIZED);
    }

  login (fixture, "alice", ALICE_PASSWORD, &right);
  g_assert_cmpuint (right.status, ==, SOUP_STATUS_OK);

  /* The typos before the success are forgotten: five more tries. */
  for (guint i = 0; i < 5; i++)
    {
      g_auto(CalqueHttpResponse) response = { 0 };

      login (fixture, "alice", "not her password", &response);
      g_assert_cmpuint (response.status, ==, SOUP_STATUS_UNAUTHORIZED);
    }
}

static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char *bodies[] = {
    "{\"user\": \"alice\", \"password\": ",
    "[\"alice\", \"" ALICE_PASSWORD "\"]",
    "{\"user\": \"alice\"}",
    "{\"user\": 7, \"password\": \"" ALICE_PASSWORD "\"}",
    "{\"user\": \"alice\", \"password\": null}",
    "",
  };
  g_autofree char *big = NULL;
  g_auto(CalqueHttpResponse) too_large = { 0 };
  g_auto(CalqueHttpResponse) wrong_method = { 0 };
  g_auto(CalqueHttpResponse) wrong_type = { 0 };
  g_auto(CalqueHttpResponse) still_fine = { 0 };
  gsize big_length = 9000;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(CalqueHttpResponse) response = { 0 };

      g_test_message ("body: %s", bodies[i]);
      request_full (fixture, SOUP_METHOD_POST, "/api/v1/login", NULL, "application/json",
                    bodies[i], strlen (bodies[i]), &response);
      assert_error (&response, SOUP_STATUS_BAD_REQUEST, "bad-request");
    }

  /* Valid JSON, just too much of it. */
  big = g_strnfill (big_length, ' ');
  memcpy (big, "{\"user\":\"alice\",\"password\":\"" ALICE_PASSWORD "\"}", 50);
  request_full (fixture, SOUP_METHOD_POST, "/api/v1/login", NULL, "application/json",
                big, big_length, &too_large);
  assert_error (&too_large, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large");

  request_full (fixture, SOUP_METHOD_GET, "/api/v1/login", NULL, NULL, NULL, 0, &wrong_method);
  assert_error (&wrong_method, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed");
  g_assert_cmpstr (soup_message_headers_get_one (wrong_method.headers, "Allow"), ==, "POST");

  request_full (fixture, SOUP_METHOD_POST, "/api/v1/login", NULL, "text/plain",
                "{}", 2, &wrong_type);
  assert_error (&wrong_type, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");

  /* None of that disturbed the server. */
  login (fixture, "alice", ALICE_PASSWORD, &still_fine);
  g_assert_cmpuint (still_fine.status, ==, SOUP_STATUS_OK);
}

typedef struct
{
  guint   logins_pending;
  gint64  logins_done_us;
  gint64  health_done_us;
  guint   health_status;
  guint   logins_pending_at_health;
} Race;

static void
login_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object), result)),
                    ==, SOUP_STATUS_UNAUTHORIZED);

  race->logins_pending--;
  race->logins_done_us = g_get_monotonic_time ();
}

static void
health_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);

  race->health_status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object), result));
  race->health_done_us = g_get_monotonic_time ();
  race->logins_pending_at_health = race->logins_pending;
}

/* Logins verified at the real cost keep the hasher's threads busy for a
 * while; the main loop, and so every other request, must not wait. */
static void
test_responsive_during_verification (void)
{
  enum { N_LOGINS = 16 };
  Fixture fixture;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) health = NULL;
  Race race = { 0 };
  gint64 start_us;

  calque_server_fixture_init (&fixture);
  calque_server_fixture_setenv (&fixture, "CALQUE_PASSWORD_TEST_COST", NULL);
  calque_server_fixture_start (&fixture);
  session = soup_session_new_with_options ("timeout", 60,
                                           "max-conns", 64,
                                           "max-conns-per-host", 64,
                                           NULL);

  start_us = g_get_monotonic_time ();
  for (guint i = 0; i < N_LOGINS; i++)
    {
      /* Different names, so that the per-user limit stays out of it. */
      g_autofree char *name = g_strdup_printf ("nobody%u", i);
      g_autofree char *body = calque_server_fixture_login_body (name, "some password or other");
      g_autoptr(SoupMessage) msg = calque_server_fixture_new_message (&fixture, SOUP_METHOD_POST, "/api/v1/login",
                                                                      "application/json", body, -1);

      race.logins_pending++;
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, login_sent_cb, &race);
    }

  /* Let the logins reach the server before asking for its health. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_usleep (20 * 1000);

  health = calque_server_fixture_new_message (&fixture, SOUP_METHOD_GET, "/api/v1/health", NULL, NULL, 0);
  soup_session_send_and_read_async (session, health, G_PRIORITY_DEFAULT, NULL, health_sent_cb, &race);

  while (race.logins_pending > 0 || race.health_done_us == 0)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("health answered after %" G_GINT64_FORMAT " ms, the logins after %" G_GINT64_FORMAT " ms",
                  (race.health_done_us - start_us) / 1000, (race.logins_done_us - start_us) / 1000);
  g_assert_cmpuint (race.health_status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (race.logins_pending_at_health, >, 0);
  g_assert_cmpint (race.health_done_us, <, race.logins_done_us);

  calque_server_fixture_clear (&fixture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/user-add/ok", test_user_add_ok);
  g_test_add_func ("/server/user-add/duplicate", test_user_add_duplicate);
  g_test_add_func ("/server/user-add/short-password", test_user_add_short_password);
  g_test_add_func ("/server/user-add/bad-names", test_user_add_bad_names);
  g_test_add_func ("/server/data/cannot-open", test_bad_data_dir);

  g_test_add ("/server/login/ok", Fixture, NULL, fixture_set_up, test_login_ok, fixture_tear_down);
  g_test_add ("/server/login/wrong", Fixture, NULL, fixture_set_up, test_login_wrong, fixture_tear_down);
  g_test_add ("/server/login/tokens-stored-hashed", Fixture, NULL,
              fixture_set_up, test_tokens_stored_hashed, fixture_tear_down);
  g_test_add ("/server/login/rate-limit", Fixture, NULL, fixture_set_up, test_rate_limit, fixture_tear_down);
  g_test_add ("/server/login/success-resets-user-limit", Fixture, NULL,
              fixture_set_up, test_login_success_resets_user_limit, fixture_tear_down);
  g_test_add ("/server/login/bad-requests", Fixture, NULL, fixture_set_up, test_bad_requests, fixture_tear_down);
  g_test_add ("/server/logout", Fixture, NULL, fixture_set_up, test_logout, fixture_tear_down);
  g_test_add_func ("/server/login/responsive-during-verification", test_responsive_during_verification);

  return g_test_run ();
}
