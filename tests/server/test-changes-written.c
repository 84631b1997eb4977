/* test-changes-written.c — changes written by another server reach sync clients
 *
 * With MongoDB, several calque-server processes share one database, and a
 * change stream tells each of them what the others wrote: the store emits
 * "changes-written" and the sync hub has the project's connections read
 * their stream. No MongoDB server is needed to check the hub's half: the
 * transport runs in this process on a SQLite store, "another server"
 * writes straight into that store (so the hub does not see the write),
 * and the test emits the signal as the MongoDB store's watcher would.
 */
#include "calque-http.h"
#include "calque-protocol.h"
#include "calque-sqlite-store.h"
#include "calque-test-util.h"
#include "calque-token.h"
#include "calque-uuid.h"

#include <libsoup/soup.h>
#include <string.h>

#define PROJECT  "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define PROJECT2 "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9f"
#define CLIENT   "0192d4e8-7c4b-7a31-9f02-00000000000a"
#define OTHER    "0192d4e8-7c4b-7a31-9f02-00000000000b"
#define WAIT_MS  10000

typedef struct {
  char              *dir;
  CalqueServerStore *store;
  CalqueAuth        *auth;
  CalqueHttp        *http;
  SoupSession       *session;
  char              *token;
  guint64            next_op;
} Fixture;

typedef struct {
  SoupWebsocketConnection *conn;
  GQueue                   inbox;  /* CalqueMessage */
} Client;

static CalqueChange *
new_change (Fixture    *f,
            CalqueKind  kind,
            const char *id,
            const char *project)
{
  CalqueChange *change = calque_change_new (OTHER, ++f->next_op, kind, id, project);

  change->hlc.time = (guint64) (g_get_real_time () / 1000) << 16;
  change->hlc.node = 0xb;
  return change;
}

/* What another calque-server does: a durable write the hub never sees. */
static gint64
write_elsewhere (Fixture      *f,
                 CalqueChange *change)
{
  CalqueMergeOptions options = { .now_ms = g_get_real_time () / 1000, .max_ahead_ms = 60000, .make_conflicts = TRUE };
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;
  CalqueApplyResult *result;
  char *project = g_strdup (change->project);

  g_ptr_array_add (batch, change);
  g_assert_true (calque_server_store_apply (f->store, project, batch, "bruno", &options, results, &error));
  g_assert_no_error (error);
  g_free (project);
  result = g_ptr_array_index (results, 0);
  g_assert_null (result->error_code);
  return result->seq;
}

static gint64
write_label_elsewhere (Fixture    *f,
                       const char *project,
                       const char *name)
{
  char id[CALQUE_UUID_STRING_LENGTH + 1];
  CalqueChange *change;

  calque_uuid7_generate (id);
  change = new_change (f, CALQUE_KIND_LABEL, id, project);
  calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), name));
  calque_change_set_field (change, "color", json_node_init_string (json_node_alloc (), "#3584e4"));
  return write_elsewhere (f, change);
}

static void
create_project (Fixture    *f,
                const char *id)
{
  CalqueChange *change = new_change (f, CALQUE_KIND_PROJECT, id, id);

  calque_change_set_field (change, "name", json_node_init_string (json_node_alloc (), "Birds"));
  calque_change_set_field (change, "type", json_node_init_string (json_node_alloc (), "image"));
  g_assert_cmpint (write_elsewhere (f, change), ==, 1);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalquePasswordHasher) hasher = calque_password_hasher_new (1);
  g_autoptr(CalqueListenAddress) address = calque_listen_address_parse ("127.0.0.1:0", &error);
  g_autofree char *hash = NULL;

  f->dir = g_dir_make_tmp ("calque-changes-written-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = calque_sqlite_store_open (f->dir, &error);
  g_assert_no_error (error);

  /* A server admin counts as an owner of every project. */
  g_assert_true (calque_server_store_add_user (f->store, "amelie", "$argon2id$unused", TRUE, &error));
  calque_token_new (&f->token, &hash);
  g_assert_true (calque_server_store_add_token (f->store, hash, "amelie",
                                                g_get_real_time () / G_USEC_PER_SEC + 3600, &error));
  g_assert_no_error (error);
  create_project (f, PROJECT);
  create_project (f, PROJECT2);

  f->auth = calque_auth_new (f->store, hasher);
  f->http = calque_http_new (f->auth);
  g_assert_true (calque_http_listen (f->http, address, &error));
  g_assert_no_error (error);
  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_http_disconnect (f->http);
  g_clear_object (&f->session);
  g_clear_object (&f->http);
  g_clear_object (&f->auth);
  g_clear_object (&f->store);
  /* Let the closed connections finish in the main context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->token);
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *bytes,
            Client                  *client)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  CalqueMessage *message = calque_message_decode (data, length, &error);

  g_assert_no_error (error);
  g_queue_push_tail (&client->inbox, message);
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

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
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

static CalqueMessage *
client_expect (Client            *client,
               CalqueMessageType  type)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, timeout_cb, &timed_out);
  CalqueMessage *message;

  while (g_queue_is_empty (&client->inbox) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);

  message = g_queue_pop_head (&client->inbox);
  g_assert_cmpstr (calque_message_type_to_string (message->type), ==, calque_message_type_to_string (type));
  return message;
}

/* Connects, says hello from @cursor, and reads the welcome and the first
 * page of the stream. */
static Client *
client_join (Fixture    *f,
             const char *project,
             gint64      cursor)
{
  g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/sync", (guint) calque_http_get_port (f->http));
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(CalqueMessage) hello = calque_message_new_hello (f->token, project, CLIENT, cursor);
  g_autoptr(CalqueMessage) welcome = NULL;
  g_autoptr(CalqueMessage) page = NULL;
  Client *client = g_new0 (Client, 1);

  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &client->conn);
  while (client->conn == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_queue_init (&client->inbox);
  g_signal_connect (client->conn, "message", G_CALLBACK (message_cb), client);

  client_send (client, hello);
  welcome = client_expect (client, CALQUE_MESSAGE_WELCOME);
  g_assert_cmpstr (welcome->project, ==, project);
  page = client_expect (client, CALQUE_MESSAGE_CHANGES);
  return client;
}

/* A ping round trip: the server answers in order, so a changes message
 * sent before the pong is in the inbox by then. */
static void
client_sync_point (Client *client)
{
  static gint64 ping_id = 0;
  g_autoptr(CalqueMessage) ping = calque_message_new_ping (++ping_id);
  g_autoptr(CalqueMessage) pong = NULL;

  client_send (client, ping);
  pong = client_expect (client, CALQUE_MESSAGE_PONG);
  g_assert_cmpint (pong->id, ==, ping_id);
}

static void
test_announced_changes_are_streamed (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(Client) client = client_join (f, PROJECT, 1);
  g_autoptr(CalqueMessage) changes = NULL;
  CalqueChange *change;
  gint64 seq;

  /* Written by another server: nobody here knows yet. */
  seq = write_label_elsewhere (f, PROJECT, "sparrow");
  g_assert_cmpint (seq, ==, 2);
  client_sync_point (client);
  g_assert_true (g_queue_is_empty (&client->inbox));

  /* The store's watcher tells the server; the connection reads it. */
  calque_server_store_emit_changes_written (f->store, PROJECT, seq);
  changes = client_expect (client, CALQUE_MESSAGE_CHANGES);
  g_assert_cmpuint (changes->changes->len, ==, 1);
  change = g_ptr_array_index (changes->changes, 0);
  g_assert_cmpint (change->seq, ==, 2);
  g_assert_cmpstr (change->author, ==, "bruno");
  g_assert_cmpstr (json_node_get_string (json_object_get_member (change->set, "name")), ==, "sparrow");
  g_assert_cmpint (changes->head, ==, 2);

  /* Announced again (a late event): nothing new is sent. */
  calque_server_store_emit_changes_written (f->store, PROJECT, seq);
  client_sync_point (client);
  g_assert_true (g_queue_is_empty (&client->inbox));
}

/* An announcement for one project wakes only that project's connections. */
static void
test_other_projects_stay_quiet (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(Client) here = client_join (f, PROJECT, 1);
  g_autoptr(Client) there = client_join (f, PROJECT2, 1);
  g_autoptr(CalqueMessage) changes = NULL;

  write_label_elsewhere (f, PROJECT, "robin");
  write_label_elsewhere (f, PROJECT2, "wren");
  calque_server_store_emit_changes_written (f->store, PROJECT2, 2);

  changes = client_expect (there, CALQUE_MESSAGE_CHANGES);
  g_assert_cmpuint (changes->changes->len, ==, 1);
  client_sync_point (here);
  g_assert_true (g_queue_is_empty (&here->inbox));
}

/* No project: changes may have been missed (the change stream could not
 * resume), and every connection reads its stream. */
static void
test_missed_changes_wake_everyone (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(Client) here = client_join (f, PROJECT, 1);
  g_autoptr(Client) there = client_join (f, PROJECT2, 1);
  g_autoptr(CalqueMessage) here_changes = NULL;
  g_autoptr(CalqueMessage) there_changes = NULL;

  write_label_elsewhere (f, PROJECT, "robin");
  write_label_elsewhere (f, PROJECT2, "wren");
  calque_server_store_emit_changes_written (f->store, NULL, 0);

  here_changes = client_expect (here, CALQUE_MESSAGE_CHANGES);
  there_changes = client_expect (there, CALQUE_MESSAGE_CHANGES);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (here_changes->changes, 0))->seq, ==, 2);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (there_changes->changes, 0))->seq, ==, 2);
}

/* The hub lets go of the store's signal when the transport goes. */
static void
test_no_handler_after_shutdown (Fixture       *f,
                                gconstpointer  data)
{
  guint signal_id = g_signal_lookup ("changes-written", CALQUE_TYPE_SERVER_STORE);

  g_assert_cmpuint (signal_id, !=, 0);
  g_assert_true (g_signal_has_handler_pending (f->store, signal_id, 0, FALSE));
  calque_http_disconnect (f->http);
  g_clear_object (&f->http);
  g_assert_false (g_signal_has_handler_pending (f->store, signal_id, 0, FALSE));
  /* Nobody listens: emitting is harmless. */
  calque_server_store_emit_changes_written (f->store, PROJECT, 1);
  f->http = calque_http_new (f->auth);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/changes-written/announced-changes-are-streamed", Fixture, NULL,
              fixture_set_up, test_announced_changes_are_streamed, fixture_tear_down);
  g_test_add ("/changes-written/other-projects-stay-quiet", Fixture, NULL,
              fixture_set_up, test_other_projects_stay_quiet, fixture_tear_down);
  g_test_add ("/changes-written/missed-changes-wake-everyone", Fixture, NULL,
              fixture_set_up, test_missed_changes_wake_everyone, fixture_tear_down);
  g_test_add ("/changes-written/no-handler-after-shutdown", Fixture, NULL,
              fixture_set_up, test_no_handler_after_shutdown, fixture_tear_down);
  return g_test_run ();
}
