/* test-ws.c: the sync WebSocket on the real calque-server binary
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts a server on a fresh data folder with three users: alice
 * (a server admin, who creates the project and so owns it), bob (added as
 * an annotator) and carol (no member). Clients speak docs/protocol.md with
 * the shared codec, so what is checked is what a client decodes.
 */

#define G_LOG_DOMAIN "test-ws"

#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "calque-protocol.h"
#include "calque-server-fixture.h"

#define PASSWORD "correct horse battery"
#define WAIT_MS 10000

typedef struct
{
  CalqueServerFixture server;
  SoupSession        *ws;
  char               *alice;     /* tokens */
  char               *bob;
  char               *carol;
  char               *project;
  gint64              next_op;
  char               *client_id; /* alice's workspace */
  char               *bob_member; /* the id of bob's member record */
} Fixture;

typedef struct
{
  SoupWebsocketConnection *conn;
  GQueue                   inbox;  /* CalqueMessage */
  gboolean                 closed;
} Client;

/* POSTs @body (JSON, or nothing) and returns the decoded answer, or NULL
 * for an empty one; checks the status. */
static JsonNode *
post (Fixture    *fixture,
      const char *path,
      const char *token,
      const char *body,
      guint       expected_status)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;

  calque_server_fixture_request (&fixture->server, SOUP_METHOD_POST, path, authorization, "application/json",
                                 body, -1, &response);
  g_test_message ("POST %s -> %u %s", path, response.status, response.text ?: "");
  g_assert_cmpuint (response.status, ==, expected_status);

  if (response.text == NULL || response.text[0] == '\0')
    return NULL;

  g_assert_nonnull (response.body);
  return g_steal_pointer (&response.body);
}

static char *
login (Fixture    *fixture,
       const char *user)
{
  return calque_server_fixture_login_token (&fixture->server, user, PASSWORD);
}

/* valgrind preloads its own libraries into the programs it runs. */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

/* How long the servers of these tests wait for a client that reads nothing. */
static guint
stall_ms (void)
{
  return under_valgrind () ? 2000 : 300;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(JsonNode) project = NULL;
  g_autoptr(JsonNode) member = NULL;
  g_autofree char *members_path = NULL;
  g_autofree char *stall = g_strdup_printf ("%u", stall_ms ());

  calque_server_fixture_init (&fixture->server);
  /* A client that reads nothing for this long is too slow; short, so
   * that the test of it does not wait the real 30 s. Under valgrind these
   * clients read slowly themselves. */
  calque_server_fixture_setenv (&fixture->server, "CALQUE_SYNC_TEST_STALL_MS", stall);
  g_assert_cmpint (calque_server_fixture_user_add (&fixture->server, "alice", "--admin", PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&fixture->server, "bob", NULL, PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&fixture->server, "carol", NULL, PASSWORD), ==, 0);

  calque_server_fixture_start (&fixture->server);
  fixture->ws = soup_session_new ();

  fixture->alice = login (fixture, "alice");
  fixture->bob = login (fixture, "bob");
  fixture->carol = login (fixture, "carol");

  project = post (fixture, "/api/v1/projects", fixture->alice,
                  "{\"name\":\"P\",\"type\":\"image\"}", SOUP_STATUS_CREATED);
  fixture->project = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));

  members_path = g_strdup_printf ("/api/v1/projects/%s/members", fixture->project);
  member = post (fixture, members_path, fixture->alice,
                 "{\"user\":\"bob\",\"role\":\"annotator\"}", SOUP_STATUS_CREATED);
  fixture->bob_member = g_strdup (json_object_get_string_member (json_node_get_object (member), "id"));

  fixture->client_id = g_uuid_string_random ();
  fixture->next_op = 1;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  calque_server_fixture_clear (&fixture->server);
  g_clear_object (&fixture->ws);
  g_clear_pointer (&fixture->alice, g_free);
  g_clear_pointer (&fixture->bob, g_free);
  g_clear_pointer (&fixture->carol, g_free);
  g_clear_pointer (&fixture->project, g_free);
  g_clear_pointer (&fixture->client_id, g_free);
  g_clear_pointer (&fixture->bob_member, g_free);
}

static void
client_message_cb (SoupWebsocketConnection *conn,
                   gint                     type,
                   GBytes                  *bytes,
                   Client                  *client)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  CalqueMessage *message;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  message = calque_message_decode (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, >=, CALQUE_MESSAGE_WELCOME);
  g_queue_push_tail (&client->inbox, message);
}

static void
client_closed_cb (SoupWebsocketConnection *conn,
                  Client                  *client)
{
  client->closed = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@done or WAIT_MS pass. */
static void
run_until (gboolean *done)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SoupWebsocketConnection **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static Client *
client_connect (Fixture *fixture)
{
  g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/sync", (guint) fixture->server.port);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  Client *client = g_new0 (Client, 1);
  SoupWebsocketConnection *conn = NULL;

  soup_session_websocket_connect_async (fixture->ws, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &conn);
  while (conn == NULL)
    g_main_context_iteration (NULL, TRUE);

  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_queue_init (&client->inbox);
  g_signal_connect (conn, "message", G_CALLBACK (client_message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (client_closed_cb), client);
  return client;
}

static void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (client->conn, client);
  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (client->conn);
  g_queue_clear_full (&client->inbox, (GDestroyNotify) calque_message_free);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_send (Client              *client,
             const CalqueMessage *message)
{
  g_autofree char *text = calque_message_encode (message, NULL);

  soup_websocket_connection_send_text (client->conn, text);
}

static gboolean
inbox_or_closed (Client *client)
{
  return !g_queue_is_empty (&client->inbox) || client->closed;
}

/* The next message from the server, whatever its type. */
static CalqueMessage *
client_expect_any (Client *client)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);
  CalqueMessage *message;

  while (!inbox_or_closed (client) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);

  message = g_queue_pop_head (&client->inbox);
  g_assert_nonnull (message);
  return message;
}

/* The next message from the server, of type @type. */
static CalqueMessage *
client_expect (Client            *client,
               CalqueMessageType  type)
{
  CalqueMessage *message = client_expect_any (client);

  if (message->type == CALQUE_MESSAGE_ERROR)
    g_test_message ("error %s: %s", calque_sync_code_to_string (message->code), message->message);
  g_assert_cmpstr (calque_message_type_to_string (message->type), ==,
                   calque_message_type_to_string (type));
  return message;
}

static void
client_expect_error (Client         *client,
                     CalqueSyncCode  code)
{
  g_autoptr(CalqueMessage) message = client_expect (client, CALQUE_MESSAGE_ERROR);

  g_assert_cmpstr (calque_sync_code_to_string (message->code), ==, calque_sync_code_to_string (code));
  g_assert_cmpuint (strlen (message->message), >, 0);
}

static void
client_expect_closed (Client *client)
{
  run_until (&client->closed);
  g_assert_true (g_queue_is_empty (&client->inbox));
}

/* Sends a ping and returns every change received before its pong: the
 * server answers in order, so these are all it had sent by then. */
static GPtrArray *
client_drain (Client *client)
{
  static gint64 ping_id = 100;
  g_autoptr(CalqueMessage) ping = calque_message_new_ping (++ping_id);
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);

  client_send (client, ping);
  for (;;)
    {
      gboolean timed_out = FALSE;
      guint id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);
      g_autoptr(CalqueMessage) message = NULL;

      while (!inbox_or_closed (client) && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (id);
      g_assert_false (timed_out);

      message = g_queue_pop_head (&client->inbox);
      g_assert_nonnull (message);
      if (message->type == CALQUE_MESSAGE_PONG)
        {
          g_assert_cmpint (message->id, ==, ping_id);
          return changes;
        }
      /* Presence is best effort and comes when people come and go. */
      if (message->type == CALQUE_MESSAGE_PRESENCE_LIST)
        continue;
      g_assert_cmpint (message->type, ==, CALQUE_MESSAGE_CHANGES);
      for (guint i = 0; i < message->changes->len; i++)
        {
          CalqueChange *change = g_ptr_array_index (message->changes, i);

          g_assert_cmpint (change->seq, <=, message->head);
          if (changes->len > 0)
            g_assert_cmpint (change->seq, >, ((CalqueChange *) g_ptr_array_index (changes, changes->len - 1))->seq);
          g_ptr_array_add (changes, calque_change_copy (change));
        }
    }
}

/* Every change up to @head, however many pages and pauses it takes. */
static GPtrArray *
client_read_to (Client *client,
                gint64  head)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);

  while (changes->len == 0 || ((CalqueChange *) g_ptr_array_index (changes, changes->len - 1))->seq < head)
    {
      g_autoptr(CalqueMessage) message = client_expect_any (client);

      if (message->type == CALQUE_MESSAGE_PRESENCE_LIST)
        continue;
      g_assert_cmpint (message->type, ==, CALQUE_MESSAGE_CHANGES);
      for (guint i = 0; i < message->changes->len; i++)
        g_ptr_array_add (changes, calque_change_copy (g_ptr_array_index (message->changes, i)));
    }
  return changes;
}

/* Connects, says hello and checks the welcome; returns the head. */
static Client *
client_join (Fixture    *fixture,
             const char *token,
             gint64      cursor,
             const char *user,
             const char *role,
             gint64     *out_head)
{
  Client *client = client_connect (fixture);
  g_autofree char *workspace = g_uuid_string_random ();
  g_autoptr(CalqueMessage) hello = calque_message_new_hello (token, fixture->project, workspace, cursor);
  g_autoptr(CalqueMessage) welcome = NULL;

  client_send (client, hello);
  welcome = client_expect (client, CALQUE_MESSAGE_WELCOME);
  g_assert_cmpstr (welcome->project, ==, fixture->project);
  g_assert_cmpstr (welcome->user, ==, user);
  g_assert_cmpstr (welcome->role, ==, role);
  g_assert_cmpint (welcome->head, >=, 0);
  if (out_head != NULL)
    *out_head = welcome->head;
  return client;
}

static CalqueChange *
new_label (Fixture    *fixture,
           const char *client_id,
           guint64     op,
           const char *name,
           gint64      base_seq)
{
  g_autofree char *id = g_uuid_string_random ();
  CalqueChange *change = calque_change_new (client_id, op, CALQUE_KIND_LABEL, id, fixture->project);

  calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), name));
  calque_change_set_field (change, "color", json_node_init_string (json_node_alloc (), "#e01b24"));
  change->hlc.time = ((guint64) (g_get_real_time () / 1000) << 16) | op;
  change->hlc.node = 0x5c1e8a7b3d90a4f1;
  change->base_seq = base_seq;
  return change;
}

/* Pushes one change and returns its ack. */
static CalqueMessage *
client_push (Client       *client,
             CalqueChange *change)
{
  g_autoptr(CalqueMessage) push = calque_message_new_push ();
  CalqueMessage *ack;

  calque_message_take_change (push, calque_change_copy (change));
  client_send (client, push);
  ack = client_expect (client, CALQUE_MESSAGE_ACK);
  g_assert_cmpuint (ack->results->len, ==, 1);
  return ack;
}

static gint64
ack_seq (const CalqueMessage *ack)
{
  const CalqueAckResult *result = g_ptr_array_index (ack->results, 0);

  if (result->seq == 0)
    g_test_message ("refused: %s: %s", calque_reject_code_to_string (result->code), result->message);
  return result->seq;
}

static void
test_hello_refused (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *workspace = g_uuid_string_random ();
  g_autofree char *elsewhere = g_uuid_string_random ();

  {
    g_autoptr(Client) client = client_connect (fixture);
    g_autoptr(CalqueMessage) hello = calque_message_new_hello ("kq3V9xY_2mZ8Lr0tWc-4HbN7fJpEoAs1uGiD6yKvXe5",
                                                               fixture->project, workspace, 0);

    client_send (client, hello);
    client_expect_error (client, CALQUE_SYNC_CODE_UNAUTHORIZED);
    client_expect_closed (client);
  }
  {
    g_autoptr(Client) client = client_connect (fixture);
    g_autoptr(CalqueMessage) hello = calque_message_new_hello (fixture->carol, fixture->project, workspace, 0);

    client_send (client, hello);
    client_expect_error (client, CALQUE_SYNC_CODE_FORBIDDEN);
    client_expect_closed (client);
  }
  {
    /* docs/protocol.md: a project that does not exist is not-found. */
    g_autoptr(Client) client = client_connect (fixture);
    g_autoptr(CalqueMessage) hello = calque_message_new_hello (fixture->alice, elsewhere, workspace, 0);

    client_send (client, hello);
    client_expect_error (client, CALQUE_SYNC_CODE_NOT_FOUND);
    client_expect_closed (client);
  }
  {
    /* Anything before hello is refused, and ends the connection. */
    g_autoptr(Client) client = client_connect (fixture);
    g_autoptr(CalqueMessage) ping = calque_message_new_ping (1);

    client_send (client, ping);
    client_expect_error (client, CALQUE_SYNC_CODE_UNAUTHORIZED);
    client_expect_closed (client);
  }
}

static void
test_push_live (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) bob = NULL;
  g_autoptr(GPtrArray) backlog = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) echo = NULL;
  g_autoptr(CalqueChange) label = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  g_autoptr(CalqueMessage) again = NULL;
  gint64 head = 0;
  gint64 seq;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  /* Creating the project and adding bob were changes already. */
  g_assert_cmpint (head, >=, 2);
  backlog = client_drain (alice);
  g_assert_cmpuint (backlog->len, >=, 1);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (backlog, backlog->len - 1))->seq, ==, head);

  bob = client_join (fixture, fixture->bob, head, "bob", "annotator", NULL);
  g_clear_pointer (&backlog, g_ptr_array_unref);
  backlog = client_drain (bob);
  g_assert_cmpuint (backlog->len, ==, 0);

  label = new_label (fixture, fixture->client_id, fixture->next_op++, "Bird", head);
  ack = client_push (alice, label);
  seq = ack_seq (ack);
  g_assert_cmpint (seq, ==, head + 1);
  g_assert_cmpstr (((CalqueAckResult *) g_ptr_array_index (ack->results, 0))->client_id, ==, fixture->client_id);

  /* bob gets it live, numbered and signed by the server. */
  seen = client_drain (bob);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (seen, 0))->seq, ==, seq);
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (seen, 0))->author, ==, "alice");
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (seen, 0))->record_id, ==, label->record_id);

  /* The pusher gets its own change in the stream too. */
  echo = client_drain (alice);
  g_assert_cmpuint (echo->len, ==, 1);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (echo, 0))->seq, ==, seq);

  /* A retry after a lost ack: the same seq, and nothing new for anyone. */
  again = client_push (alice, label);
  g_assert_cmpint (ack_seq (again), ==, seq);
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = client_drain (bob);
  g_assert_cmpuint (seen->len, ==, 0);
  g_clear_pointer (&echo, g_ptr_array_unref);
  echo = client_drain (alice);
  g_assert_cmpuint (echo->len, ==, 0);
}

static void
test_push_forbidden (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) bob = NULL;
  g_autoptr(CalqueChange) label = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *workspace = g_uuid_string_random ();
  const CalqueAckResult *result;
  gint64 head = 0;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (alice));
  bob = client_join (fixture, fixture->bob, head, "bob", "annotator", NULL);
  g_ptr_array_unref (client_drain (bob));

  /* An annotator may not edit labels. */
  label = new_label (fixture, workspace, 1, "Fish", head);
  ack = client_push (bob, label);
  result = g_ptr_array_index (ack->results, 0);
  g_assert_cmpint (result->seq, ==, 0);
  g_assert_cmpstr (calque_reject_code_to_string (result->code), ==, "forbidden");
  g_assert_cmpuint (strlen (result->message), >, 0);
  g_assert_cmpuint (result->op_no, ==, 1);

  /* Nothing was committed, so nothing reaches the owner. */
  seen = client_drain (alice);
  g_assert_cmpuint (seen->len, ==, 0);
}

static void
test_backlog_then_live (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) late = NULL;
  g_autoptr(GPtrArray) backlog = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(CalqueChange) last = NULL;
  g_autoptr(CalqueMessage) last_ack = NULL;
  g_autoptr(GHashTable) pushed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 head = 0;
  gint64 late_head = 0;
  guint found = 0;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (alice));

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Label %u", i);
      g_autoptr(CalqueChange) label = new_label (fixture, fixture->client_id, fixture->next_op++, name, head);
      g_autoptr(CalqueMessage) ack = client_push (alice, label);
      gint64 *seq = g_new (gint64, 1);

      *seq = ack_seq (ack);
      g_assert_cmpint (*seq, >, 0);
      g_hash_table_add (pushed, seq);
      /* Its own change comes back in the stream after the ack. */
      g_ptr_array_unref (client_drain (alice));
    }

  /* A new workspace starts from 0 and gets all of it, in order. */
  late = client_join (fixture, fixture->alice, 0, "alice", "owner", &late_head);
  g_assert_cmpint (late_head, ==, head + 5);
  backlog = client_drain (late);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (backlog, backlog->len - 1))->seq, ==, late_head);
  for (guint i = 0; i < backlog->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (backlog, i);

      if (g_hash_table_contains (pushed, &change->seq))
        {
          g_assert_cmpstr (change->author, ==, "alice");
          found++;
        }
    }
  g_assert_cmpuint (found, ==, 5);

  /* Then what is committed afterwards. */
  last = new_label (fixture, fixture->client_id, fixture->next_op++, "Late", late_head);
  last_ack = client_push (alice, last);
  live = client_drain (late);
  g_assert_cmpuint (live->len, ==, 1);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (live, 0))->seq, ==, ack_seq (last_ack));
}

static void
test_logout_closes (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(Client) kept = NULL;
  g_autoptr(Client) leaving = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *second = login (fixture, "alice");

  kept = client_join (fixture, fixture->alice, 0, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (kept));
  leaving = client_join (fixture, second, 0, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (leaving));

  answer = post (fixture, "/api/v1/logout", second, NULL, SOUP_STATUS_NO_CONTENT);

  client_expect_error (leaving, CALQUE_SYNC_CODE_UNAUTHORIZED);
  client_expect_closed (leaving);

  /* The other sign-in of the same person is not touched. */
  g_ptr_array_unref (client_drain (kept));
  g_assert_false (kept->closed);
}

static void
test_token_expires_mid_session (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(Client) bob = NULL;
  g_autoptr(Client) alice = NULL;
  g_autoptr(CalqueMessage) ping = calque_message_new_ping (7);

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (alice));
  bob = client_join (fixture, fixture->bob, 0, "bob", "annotator", NULL);
  g_ptr_array_unref (client_drain (bob));

  calque_server_fixture_expire_tokens (&fixture->server, "bob");

  /* The connection was opened with a good token; the next thing it says
   * is refused all the same. */
  client_send (bob, ping);
  client_expect_error (bob, CALQUE_SYNC_CODE_TOKEN_EXPIRED);
  client_expect_closed (bob);

  g_ptr_array_unref (client_drain (alice));
  g_assert_false (alice->closed);
}

static void
test_removed_member_cut_off (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) bob = NULL;
  g_autoptr(CalqueChange) removal = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  gint64 head = 0;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (alice));
  bob = client_join (fixture, fixture->bob, 0, "bob", "annotator", NULL);
  g_ptr_array_unref (client_drain (bob));

  removal = calque_change_new (fixture->client_id, fixture->next_op++, CALQUE_KIND_MEMBER,
                               fixture->bob_member, fixture->project);
  removal->delete_record = TRUE;
  removal->hlc.time = ((guint64) (g_get_real_time () / 1000) << 16) | removal->op_no;
  removal->hlc.node = 0x5c1e8a7b3d90a4f1;
  removal->base_seq = head;
  ack = client_push (alice, removal);
  g_assert_cmpint (ack_seq (ack), >, 0);

  /* Bob sends nothing: the stream itself is not read for him any more. */
  client_expect_error (bob, CALQUE_SYNC_CODE_FORBIDDEN);
  client_expect_closed (bob);

  /* The owner's connection goes on. */
  g_ptr_array_unref (client_drain (alice));
  g_assert_false (alice->closed);
}

#define CRASH_CLIENTS 10
#define CRASH_ROUNDS  6   /* the server is killed during the last one */
#define CRASH_BATCH   20
/* In the last round each client sends this many pushes of this many
 * changes without waiting, as an outbox does: enough work that some are
 * still in the server when it dies, even when this test runs slowly (under
 * valgrind, or beside other test runs on two cores) and the server does
 * not. 4 pushes were once all acked before the kill on a busy machine. */
#define CRASH_LAST_PUSHES 12
#define CRASH_LAST_BATCH  250

static char *
change_key (const char *client_id,
            guint64     op_no)
{
  return g_strdup_printf ("%s/%" G_GUINT64_FORMAT, client_id, op_no);
}

/* Moves the acks in @client's inbox into @acked (key → seq), dropping
 * the rest; returns how many acks there were. */
static guint
harvest_acks (Client     *client,
              GHashTable *acked)
{
  CalqueMessage *message;
  guint acks = 0;

  while ((message = g_queue_pop_head (&client->inbox)) != NULL)
    {
      if (message->type == CALQUE_MESSAGE_ACK)
        {
          acks++;
          for (guint i = 0; i < message->results->len; i++)
            {
              const CalqueAckResult *result = g_ptr_array_index (message->results, i);

              g_assert_cmpint (result->seq, >, 0);
              g_hash_table_insert (acked, change_key (result->client_id, result->op_no),
                                   g_memdup2 (&result->seq, sizeof result->seq));
            }
        }
      calque_message_free (message);
    }
  return acks;
}

static gboolean
all_closed (Client **clients)
{
  for (guint i = 0; i < CRASH_CLIENTS; i++)
    if (!clients[i]->closed)
      return FALSE;
  return TRUE;
}

/* Iterates until @clients together got @want acks (0: until they are all
 * closed), moving them into @acked; fails after WAIT_MS. Returns how many
 * acks came. */
static guint
collect_acks (Client     **clients,
              GHashTable  *acked,
              guint        want)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);
  guint acks = 0;

  for (;;)
    {
      for (guint i = 0; i < CRASH_CLIENTS; i++)
        acks += harvest_acks (clients[i], acked);
      if (want > 0 ? acks >= want : all_closed (clients))
        break;
      g_assert_false (timed_out);
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (id);
  return acks;
}

#define EAGER_PUSHES 30

static guint
count_acks (Client *client)
{
  guint acks = 0;

  for (GList *l = client->inbox.head; l != NULL; l = l->next)
    acks += ((CalqueMessage *) l->data)->type == CALQUE_MESSAGE_ACK;
  return acks;
}

/* A client that pushes again and again without waiting for acks does not
 * keep another waiting: the server takes a message of each connection in
 * turn, so the single push is acked while the eager client's are still
 * being worked through. Acks still come in the order of the pushes. */
static void
test_pushes_take_turns (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(Client) eager = NULL;
  g_autoptr(Client) patient = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  g_autofree char *eager_workspace = g_uuid_string_random ();
  g_autofree char *patient_workspace = g_uuid_string_random ();
  gint64 head = 0;
  gint64 last_seq = 0;
  guint eager_acks;

  eager = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (eager));
  patient = client_join (fixture, fixture->alice, head, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (patient));

  for (guint k = 0; k < EAGER_PUSHES; k++)
    {
      g_autoptr(CalqueMessage) push = calque_message_new_push ();

      for (guint j = 0; j < 50; j++)
        {
          g_autofree char *name = g_strdup_printf ("E%u-%u", k, j);

          calque_message_take_change (push, new_label (fixture, eager_workspace, k * 50 + j + 1, name, head));
        }
      client_send (eager, push);
    }
  {
    g_autoptr(CalqueMessage) push = calque_message_new_push ();

    calque_message_take_change (push, new_label (fixture, patient_workspace, 1, "patient", head));
    client_send (patient, push);
    /* The eager client's changes may come first; the ack is what counts. */
    do
      {
        g_clear_pointer (&ack, calque_message_free);
        ack = client_expect_any (patient);
      }
    while (ack->type == CALQUE_MESSAGE_CHANGES);
    g_assert_cmpstr (calque_message_type_to_string (ack->type), ==, "ack");
    g_assert_cmpint (ack_seq (ack), >, 0);
  }

  eager_acks = count_acks (eager);
  g_test_message ("the single push was acked after %u of the %d eager ones", eager_acks, EAGER_PUSHES);
  /* Under valgrind this test sends so slowly that the server, running
   * natively, has handled each eager push before the next arrives. */
  if (!under_valgrind ())
    g_assert_cmpuint (eager_acks, <, EAGER_PUSHES / 2);

  /* The eager client's acks, in the order of its pushes. */
  for (guint k = 0; k < EAGER_PUSHES; k++)
    {
      g_autoptr(CalqueMessage) eager_ack = NULL;
      const CalqueAckResult *first;

      do
        {
          g_clear_pointer (&eager_ack, calque_message_free);
          eager_ack = client_expect_any (eager);
        }
      while (eager_ack->type != CALQUE_MESSAGE_ACK);
      g_assert_cmpuint (eager_ack->results->len, ==, 50);
      first = g_ptr_array_index (eager_ack->results, 0);
      g_assert_cmpuint (first->op_no, ==, k * 50 + 1);
      g_assert_cmpint (first->seq, >, last_seq);
      last_seq = first->seq;
    }
}

/* Ten connections push at once and the server is killed (SIGKILL) in the
 * middle of a round. After a restart on the same data every change that
 * was acked is there exactly once, and pushing the unacked ones again, as a
 * client does after a reconnect, leaves each change once in the stream. */
static void
test_crash_keeps_acked (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Client *clients[CRASH_CLIENTS];
  char *workspaces[CRASH_CLIENTS];
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) stream = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) retried = NULL;
  g_autoptr(Client) checker = NULL;
  g_autoptr(Client) retrier = NULL;
  g_autoptr(CalqueMessage) outbox = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  guint committed_unacked = 0;
  GHashTableIter iter;
  gpointer key, value;
  gint64 head = 0;
  guint acks = 0;
  guint last_round_acks = 0;
  gint64 retried_head = 0;
  guint acked_before_crash;
  guint64 next_op[CRASH_CLIENTS];

  for (guint i = 0; i < CRASH_CLIENTS; i++)
    {
      next_op[i] = 1;
      clients[i] = client_join (fixture, fixture->alice, 0, "alice", "owner", i == 0 ? &head : NULL);
      workspaces[i] = g_uuid_string_random ();
      g_ptr_array_unref (client_drain (clients[i]));
    }

  for (guint round = 0; round < CRASH_ROUNDS; round++)
    {
      gboolean last = round + 1 == CRASH_ROUNDS;
      guint pushes = last ? CRASH_LAST_PUSHES : 1;
      guint batch = last ? CRASH_LAST_BATCH : CRASH_BATCH;

      /* Encoded first and sent together, so that they reach the server at
       * once however slowly this test runs. */
      g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < CRASH_CLIENTS; i++)
        for (guint k = 0; k < pushes; k++)
          {
            g_autoptr(CalqueMessage) push = calque_message_new_push ();

            for (guint j = 0; j < batch; j++)
              {
                g_autofree char *name = g_strdup_printf ("L%u-%u-%u-%u", round, i, k, j);
                CalqueChange *label = new_label (fixture, workspaces[i], next_op[i]++, name, head);

                g_ptr_array_add (sent, calque_change_copy (label));
                calque_message_take_change (push, label);
              }
            g_ptr_array_add (frames, calque_message_encode (push, NULL));
          }
      for (guint f = 0; f < frames->len; f++)
        soup_websocket_connection_send_text (clients[f / pushes]->conn, g_ptr_array_index (frames, f));

      if (round + 1 < CRASH_ROUNDS)
        {
          /* Every push of the round acked before the next. */
          acks += collect_acks (clients, acked, CRASH_CLIENTS);
        }
      else
        {
          /* The last round: kill the server as soon as its first ack is
           * out, with the other pushes of the round in flight. */
          guint round_acks = collect_acks (clients, acked, 1);

          g_assert_true (g_subprocess_get_identifier (fixture->server.server) != NULL);
          g_subprocess_send_signal (fixture->server.server, SIGKILL);
          g_subprocess_wait (fixture->server.server, NULL, NULL);
          g_clear_object (&fixture->server.server);

          /* What reached the clients before the kill counts as acked. */
          round_acks += collect_acks (clients, acked, 0);
          last_round_acks = round_acks;
          g_test_message ("killed with %u of the last round's %u pushes acked", round_acks,
                          CRASH_CLIENTS * CRASH_LAST_PUSHES);
        }
    }
  acked_before_crash = g_hash_table_size (acked);
  g_assert_cmpuint (acked_before_crash, ==, acks * CRASH_BATCH + last_round_acks * CRASH_LAST_BATCH);
  /* Under valgrind (make memcheck) this test sends so slowly that the
   * server, which runs natively, acks everything before the kill; the
   * rest of the test still holds then. */
  if (!under_valgrind ())
    g_assert_cmpuint (acked_before_crash, <, sent->len);

  calque_server_fixture_start (&fixture->server);

  /* Everything the server has, from the start: each change once. */
  checker = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  after = client_read_to (checker, head);
  for (guint i = 0; i < after->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (after, i);
      char *change_id = change_key (change->client_id, change->op_no);

      g_assert_false (g_hash_table_contains (stream, change_id));
      g_hash_table_insert (stream, change_id, g_memdup2 (&change->seq, sizeof change->seq));
    }
  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *seq = g_hash_table_lookup (stream, key);

      g_assert_nonnull (seq);
      g_assert_cmpint (*seq, ==, *(gint64 *) value);
    }

  /* The clients push again what they have no ack for, as an outbox does:
   * in pushes of at most CALQUE_PROTOCOL_MAX_BATCH. */
  retrier = client_join (fixture, fixture->alice, 0, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (retrier));
  outbox = calque_message_new_push ();
  for (guint i = 0; i < sent->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (sent, i);
      g_autofree char *change_id = change_key (change->client_id, change->op_no);

      if (!g_hash_table_contains (acked, change_id))
        calque_message_take_change (outbox, calque_change_copy (change));
    }
  g_assert_cmpuint (outbox->changes->len, ==, sent->len - acked_before_crash);
  for (guint from = 0; from < outbox->changes->len; from += CALQUE_PROTOCOL_MAX_BATCH)
    {
      g_autoptr(CalqueMessage) push = calque_message_new_push ();
      guint n = MIN (CALQUE_PROTOCOL_MAX_BATCH, outbox->changes->len - from);

      for (guint i = 0; i < n; i++)
        calque_message_take_change (push, calque_change_copy (g_ptr_array_index (outbox->changes, from + i)));
      client_send (retrier, push);
      do
        {
          g_clear_pointer (&ack, calque_message_free);
          ack = client_expect_any (retrier);
        }
      while (ack->type == CALQUE_MESSAGE_CHANGES);
      g_assert_cmpstr (calque_message_type_to_string (ack->type), ==, "ack");
      g_assert_cmpuint (ack->results->len, ==, n);
      for (guint i = 0; i < ack->results->len; i++)
        {
          const CalqueAckResult *result = g_ptr_array_index (ack->results, i);
          g_autofree char *change_id = change_key (result->client_id, result->op_no);
          gint64 *before = g_hash_table_lookup (stream, change_id);

          g_assert_cmpint (result->seq, >, 0);
          retried_head = MAX (retried_head, result->seq);
          /* One committed before the crash keeps the seq it had. */
          if (before != NULL)
            {
              g_assert_cmpint (result->seq, ==, *before);
              committed_unacked++;
            }
        }
    }

  /* Now every change sent is in the stream, and none twice. */
  retried = retried_head > head ? client_read_to (checker, retried_head)
                                : g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  for (guint i = 0; i < retried->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (retried, i);
      char *change_id = change_key (change->client_id, change->op_no);

      g_assert_false (g_hash_table_contains (stream, change_id));
      g_hash_table_insert (stream, change_id, g_memdup2 (&change->seq, sizeof change->seq));
    }
  for (guint i = 0; i < sent->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (sent, i);
      g_autofree char *change_id = change_key (change->client_id, change->op_no);

      g_assert_true (g_hash_table_contains (stream, change_id));
    }
  g_test_message ("%u changes sent, %u acked before the kill, %u in the stream after the restart, "
                  "of which %u committed but not acked", sent->len, acked_before_crash, after->len,
                  committed_unacked);

  for (guint i = 0; i < CRASH_CLIENTS; i++)
    {
      client_free (clients[i]);
      g_free (workspaces[i]);
    }
}

static void
test_malformed_frames (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(CalqueMessage) welcome_like = calque_message_new_welcome (fixture->project, 0, "alice", "owner");
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x01\x02", 2);
  g_autofree char *big = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gsize big_length = CALQUE_PROTOCOL_MAX_FRAME + 10;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", NULL);
  g_ptr_array_unref (client_drain (alice));

  soup_websocket_connection_send_text (alice->conn, "{\"type\":\"ping\",\"v\":1,\"id\":");
  client_expect_error (alice, CALQUE_SYNC_CODE_BAD_MESSAGE);

  soup_websocket_connection_send_text (alice->conn, "{\"type\":\"ping\",\"v\":1,\"id\":3,\"extra\":true}");
  client_expect_error (alice, CALQUE_SYNC_CODE_BAD_MESSAGE);

  /* A message of the server's direction. */
  client_send (alice, welcome_like);
  client_expect_error (alice, CALQUE_SYNC_CODE_BAD_MESSAGE);

  soup_websocket_connection_send_message (alice->conn, SOUP_WEBSOCKET_DATA_BINARY, binary);
  client_expect_error (alice, CALQUE_SYNC_CODE_BAD_MESSAGE);

  /* Over 4 MiB: dropped unread, the connection stays. */
  big = g_malloc (big_length + 1);
  memset (big, ' ', big_length);
  big[big_length] = '\0';
  big[0] = '{';
  big[big_length - 1] = '}';
  soup_websocket_connection_send_text (alice->conn, big);
  client_expect_error (alice, CALQUE_SYNC_CODE_TOO_LARGE);

  changes = client_drain (alice);
  g_assert_cmpuint (changes->len, ==, 0);
  g_assert_false (alice->closed);
}

static void
test_presence (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) bob = NULL;
  g_autoptr(CalqueMessage) here = NULL;
  g_autoptr(CalqueMessage) list = NULL;
  g_autofree char *item = g_uuid_string_random ();
  gint64 head = 0;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (alice));
  bob = client_join (fixture, fixture->bob, head, "bob", "annotator", NULL);
  g_ptr_array_unref (client_drain (bob));

  here = calque_message_new_presence (item);
  client_send (bob, here);
  list = client_expect (alice, CALQUE_MESSAGE_PRESENCE_LIST);
  g_assert_cmpuint (list->users->len, ==, 2);
  for (guint i = 0; i < list->users->len; i++)
    {
      CalquePresence *presence = g_ptr_array_index (list->users, i);

      if (g_strcmp0 (presence->user, "bob") == 0)
        g_assert_cmpstr (presence->item, ==, item);
      else
        {
          g_assert_cmpstr (presence->user, ==, "alice");
          g_assert_null (presence->item);
        }
    }

  /* Moves in quick succession go out as one list, which tells the last. */
  {
    g_autofree char *last = NULL;
    guint lists = 0;
    gboolean settled = FALSE;
    gint64 deadline;

    for (guint k = 0; k < 5; k++)
      {
        g_autoptr(CalqueMessage) move = NULL;

        g_free (last);
        last = g_uuid_string_random ();
        move = calque_message_new_presence (last);
        client_send (bob, move);
      }
    deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < deadline)
      {
        g_autoptr(CalqueMessage) next = NULL;

        g_main_context_iteration (NULL, FALSE);
        next = g_queue_pop_head (&alice->inbox);
        if (next == NULL)
          continue;
        g_assert_cmpint (next->type, ==, CALQUE_MESSAGE_PRESENCE_LIST);
        lists++;
        settled = FALSE;
        for (guint i = 0; i < next->users->len; i++)
          {
            CalquePresence *presence = g_ptr_array_index (next->users, i);

            if (g_strcmp0 (presence->user, "bob") == 0)
              settled = g_strcmp0 (presence->item, last) == 0;
          }
      }
    g_test_message ("5 moves, %u presence lists", lists);
    g_assert_true (settled);
    g_assert_cmpuint (lists, <, 5);

    /* Someone who comes now learns where the others are already, without
     * waiting for a move: here Alice on a second device, who is one user
     * of the list, not two. */
    {
      g_autoptr(Client) again = client_join (fixture, fixture->alice, head, "alice", "owner", NULL);
      g_autoptr(CalqueMessage) first = NULL;
      guint n_alice = 0;

      do
        {
          g_clear_pointer (&first, calque_message_free);
          first = client_expect_any (again);
        }
      while (first->type == CALQUE_MESSAGE_CHANGES);
      g_assert_cmpint (first->type, ==, CALQUE_MESSAGE_PRESENCE_LIST);
      g_assert_cmpuint (first->users->len, ==, 2);
      for (guint i = 0; i < first->users->len; i++)
        {
          CalquePresence *presence = g_ptr_array_index (first->users, i);

          if (g_strcmp0 (presence->user, "bob") == 0)
            g_assert_cmpstr (presence->item, ==, last);
          else
            n_alice += g_strcmp0 (presence->user, "alice") == 0;
        }
      g_assert_cmpuint (n_alice, ==, 1);
    }
  }
}

/* A client written by hand on a plain socket, with a tiny receive buffer,
 * that can stop reading: libsoup's client always reads. */
static GSocket *
raw_connect (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fixture->server.port);
  g_autofree char *request = NULL;
  GString *answer = g_string_new (NULL);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 16 * 1024, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, WAIT_MS / 1000);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);

  request = g_strdup_printf ("GET /api/v1/sync HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n", (guint) fixture->server.port);
  g_socket_send (socket, request, strlen (request), NULL, &error);
  g_assert_no_error (error);

  /* One byte at a time, so that no frame byte is read with the headers. */
  while (!g_str_has_suffix (answer->str, "\r\n\r\n"))
    {
      char c;

      g_assert_cmpint (g_socket_receive (socket, &c, 1, NULL, &error), ==, 1);
      g_assert_no_error (error);
      g_string_append_c (answer, c);
    }
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 101"));
  g_string_free (answer, TRUE);

  return socket;
}

static void
raw_send_text (GSocket    *socket,
               const char *text)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  gsize length = strlen (text);
  guint8 head[4] = { 0x81, 0x80 | 126, (guint8) (length >> 8), (guint8) length };

  g_assert_cmpuint (length, >=, 126);
  g_assert_cmpuint (length, <, 65536);
  g_byte_array_append (frame, head, sizeof head);
  g_byte_array_append (frame, mask, sizeof mask);
  for (gsize i = 0; i < length; i++)
    {
      guint8 byte = (guint8) text[i] ^ mask[i % 4];

      g_byte_array_append (frame, &byte, 1);
    }

  g_assert_cmpint (g_socket_send (socket, (const char *) frame->data, frame->len, NULL, &error),
                   ==, (gssize) frame->len);
  g_assert_no_error (error);
}

static void
raw_read_exact (GSocket *socket,
                guint8  *buffer,
                gsize    length)
{
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buffer + done, length - done, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      done += (gsize) n;
    }
}

/* The next frame: its opcode, and its payload in @out. */
static guint
raw_read_frame (GSocket     *socket,
                GByteArray  *out)
{
  guint8 head[2];
  guint64 length;

  raw_read_exact (socket, head, 2);
  g_assert_cmpuint (head[0] & 0x80, !=, 0);     /* libsoup sends whole frames */
  g_assert_cmpuint (head[1] & 0x80, ==, 0);     /* and a server never masks */
  length = head[1] & 0x7f;
  if (length == 126)
    {
      guint8 ext[2];

      raw_read_exact (socket, ext, 2);
      length = ((guint64) ext[0] << 8) | ext[1];
    }
  else if (length == 127)
    {
      guint8 ext[8];

      raw_read_exact (socket, ext, 8);
      length = 0;
      for (guint i = 0; i < 8; i++)
        length = (length << 8) | ext[i];
    }

  g_assert_cmpuint (length, <=, CALQUE_PROTOCOL_MAX_FRAME);
  g_byte_array_set_size (out, (guint) length);
  raw_read_exact (socket, out->data, (gsize) length);
  return head[0] & 0x0f;
}

/* A project description of @size bytes, as an owner's edit. */
static CalqueChange *
new_description (Fixture *fixture,
                 gsize    size,
                 gint64   base_seq)
{
  CalqueChange *change = calque_change_new (fixture->client_id, (guint64) fixture->next_op,
                                            CALQUE_KIND_PROJECT, fixture->project, fixture->project);
  g_autofree char *text = g_strnfill (size, 'a' + (char) (fixture->next_op % 26));

  calque_change_set_field (change, "description", json_node_init_string (json_node_alloc (), text));
  change->hlc.time = ((guint64) (g_get_real_time () / 1000) << 16) | (guint64) fixture->next_op;
  change->hlc.node = 0x5c1e8a7b3d90a4f1;
  change->base_seq = base_seq;
  fixture->next_op++;
  return change;
}

static void
test_slow_reader (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const guint n_pushes = 16;
  const gsize size = 1024 * 1024;
  g_autoptr(Client) alice = NULL;
  g_autoptr(Client) late = NULL;
  g_autoptr(GPtrArray) backlog = NULL;
  g_autoptr(GSocket) raw = NULL;
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(CalqueMessage) hello = NULL;
  g_autoptr(CalqueMessage) last_error = NULL;
  g_autofree char *hello_text = NULL;
  g_autofree char *workspace = g_uuid_string_random ();
  guint64 description_bytes = 0;
  gint64 head = 0;
  gint64 late_head = 0;
  guint found = 0;

  alice = client_join (fixture, fixture->alice, 0, "alice", "owner", &head);
  g_ptr_array_unref (client_drain (alice));
  for (guint i = 0; i < n_pushes; i++)
    {
      g_autoptr(CalqueChange) change = new_description (fixture, size, head);
      g_autoptr(CalqueMessage) ack = client_push (alice, change);

      g_assert_cmpint (ack_seq (ack), >, 0);
      g_ptr_array_unref (client_drain (alice));
    }

  /* A client that never reads: what it is sent stops at a bound, and
   * after the stall it is told why it is dropped. */
  raw = raw_connect (fixture);
  hello = calque_message_new_hello (fixture->alice, fixture->project, workspace, 0);
  hello_text = calque_message_encode (hello, NULL);
  raw_send_text (raw, hello_text);
  g_assert_cmpuint (raw_read_frame (raw, payload), ==, 0x1);
  {
    g_autoptr(CalqueMessage) welcome = calque_message_decode ((const char *) payload->data, payload->len, NULL);

    g_assert_nonnull (welcome);
    g_assert_cmpint (welcome->type, ==, CALQUE_MESSAGE_WELCOME);
  }
  /* The server answers in turn: once alice has her pong, it is done with
   * the hello and has filled what the slow client can hold. */
  g_ptr_array_unref (client_drain (alice));
  g_usleep ((stall_ms () + 700) * 1000);

  for (;;)
    {
      guint opcode = raw_read_frame (raw, payload);


      g_autoptr(CalqueMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      if (opcode == 0x8)
        {
          g_assert_cmpuint (payload->len, >=, 2);
          g_assert_cmpuint ((payload->data[0] << 8) | payload->data[1], ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
          break;
        }
      g_assert_cmpuint (opcode, ==, 0x1);
      g_assert_null (last_error);
      message = calque_message_decode ((const char *) payload->data, payload->len, &error);
      g_assert_no_error (error);
      if (message->type == CALQUE_MESSAGE_ERROR)
        last_error = g_steal_pointer (&message);
      else
        {
          g_assert_cmpint (message->type, ==, CALQUE_MESSAGE_CHANGES);
          for (guint i = 0; i < message->changes->len; i++)
            {
              CalqueChange *change = g_ptr_array_index (message->changes, i);

              if (json_object_has_member (change->set, "description"))
                description_bytes += strlen (json_object_get_string_member (change->set, "description"));
            }
        }
    }
  g_assert_nonnull (last_error);
  g_assert_cmpstr (calque_sync_code_to_string (last_error->code), ==, "too-slow");
  /* The server held back most of the stream instead of queueing it. */
  g_test_message ("the slow client was sent %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                  description_bytes, (guint64) n_pushes * size);
  g_assert_cmpuint (description_bytes, <, (guint64) n_pushes * size);

  /* A client that reads gets all of it, in frames within the limit. */
  late = client_join (fixture, fixture->alice, 0, "alice", "owner", &late_head);
  backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  /* Held back pages come after the pong of a ping: ask until the head. */
  while (backlog->len == 0
         || ((CalqueChange *) g_ptr_array_index (backlog, backlog->len - 1))->seq < late_head)
    {
      g_autoptr(GPtrArray) more = client_drain (late);

      for (guint i = 0; i < more->len; i++)
        g_ptr_array_add (backlog, calque_change_copy (g_ptr_array_index (more, i)));
    }
  for (guint i = 0; i < backlog->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (backlog, i);

      if (change->kind == CALQUE_KIND_PROJECT && json_object_has_member (change->set, "description"))
        found++;
    }
  g_assert_cmpuint (found, ==, n_pushes);
}

static void
test_shutdown (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(Client) alice = client_join (fixture, fixture->alice, 0, "alice", "owner", NULL);

  g_ptr_array_unref (client_drain (alice));
  g_subprocess_send_signal (fixture->server.server, SIGTERM);
  client_expect_error (alice, CALQUE_SYNC_CODE_SERVER_SHUTDOWN);
  client_expect_closed (alice);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (alice->conn), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/ws/hello-refused", Fixture, NULL, fixture_set_up, test_hello_refused, fixture_tear_down);
  g_test_add ("/server/ws/push-live", Fixture, NULL, fixture_set_up, test_push_live, fixture_tear_down);
  g_test_add ("/server/ws/push-forbidden", Fixture, NULL, fixture_set_up, test_push_forbidden, fixture_tear_down);
  g_test_add ("/server/ws/backlog-then-live", Fixture, NULL, fixture_set_up, test_backlog_then_live,
              fixture_tear_down);
  g_test_add ("/server/ws/logout-closes", Fixture, NULL, fixture_set_up, test_logout_closes, fixture_tear_down);
  g_test_add ("/server/ws/malformed-frames", Fixture, NULL, fixture_set_up, test_malformed_frames,
              fixture_tear_down);
  g_test_add ("/server/ws/slow-reader", Fixture, NULL, fixture_set_up, test_slow_reader, fixture_tear_down);
  g_test_add ("/server/ws/token-expires-mid-session", Fixture, NULL, fixture_set_up,
              test_token_expires_mid_session, fixture_tear_down);
  g_test_add ("/server/ws/removed-member-cut-off", Fixture, NULL, fixture_set_up,
              test_removed_member_cut_off, fixture_tear_down);
  g_test_add ("/server/ws/pushes-take-turns", Fixture, NULL, fixture_set_up,
              test_pushes_take_turns, fixture_tear_down);
  g_test_add ("/server/ws/crash-keeps-acked", Fixture, NULL, fixture_set_up,
              test_crash_keeps_acked, fixture_tear_down);
  g_test_add ("/server/ws/shutdown", Fixture, NULL, fixture_set_up, test_shutdown, fixture_tear_down);
  g_test_add ("/server/ws/presence", Fixture, NULL, fixture_set_up, test_presence, fixture_tear_down);

  return g_test_run ();
}
