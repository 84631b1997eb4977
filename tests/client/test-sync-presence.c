/* test-sync-presence.c — the sync client's presence, against a scripted peer
 *
 * A SoupServer on loopback plays the server's side of the sync WebSocket
 * by script: it welcomes the client, records every message the client
 * sends, and sends what the test says — lists a real calque-server never
 * sends included (oversize, names with control characters). This is where
 * what the client sends can be counted exactly; tests/e2e/test-presence-e2e
 * runs the same client against the real server.
 */
#define G_LOG_DOMAIN "test-sync-presence"

#include <libsoup/soup.h>
#include <string.h>

#include "calque-protocol.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-test-util.h"
#include "calque-workspace.h"

#define WAIT_S 10
#define TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define USER  "bruno"

typedef struct
{
  SoupServer              *server;
  char                    *base;
  SoupWebsocketConnection *conn;       /* the client's connection, while open */
  guint                    n_connections;
  GPtrArray               *received;   /* CalqueMessage, every connection's in order */

  char                    *dir;
  CalqueWorkspace         *workspace;
  char                    *project;
  CalqueSyncClient        *client;
  guint                    changes;    /* presence-changed heard */
} Fixture;

/* --- the scripted peer ----------------------------------------------------- */

static void
peer_send (Fixture             *f,
           const CalqueMessage *message)
{
  g_autofree char *text = calque_message_encode (message, NULL);

  g_assert_nonnull (f->conn);
  soup_websocket_connection_send_text (f->conn, text);
}

static void
peer_send_text (Fixture    *f,
                const char *text)
{
  g_assert_nonnull (f->conn);
  soup_websocket_connection_send_text (f->conn, text);
}

static void
peer_message_cb (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *bytes,
                 Fixture                 *f)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) error = NULL;
  CalqueMessage *message = calque_message_decode (data, length, &error);

  g_assert_no_error (error);
  g_ptr_array_add (f->received, message);
  if (message->type == CALQUE_MESSAGE_HELLO)
    {
      g_autoptr(CalqueMessage) welcome = calque_message_new_welcome (f->project, 0, USER, "annotator");

      g_assert_cmpstr (message->token, ==, TOKEN);
      peer_send (f, welcome);
    }
}

static void
peer_closed_cb (SoupWebsocketConnection *conn,
                Fixture                 *f)
{
  if (f->conn == conn)
    g_clear_object (&f->conn);
}

static void
peer_websocket_cb (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *conn,
                   gpointer                 user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->conn);
  f->conn = g_object_ref (conn);
  f->n_connections++;
  g_signal_connect (conn, "message", G_CALLBACK (peer_message_cb), f);
  g_signal_connect (conn, "closed", G_CALLBACK (peer_closed_cb), f);
}

/* --- set-up ---------------------------------------------------------------- */

static void
presence_changed_cb (CalqueSyncClient *client,
                     Fixture          *f)
{
  f->changes++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->received = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_message_free);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (f->server, "/api/v1/sync", NULL, NULL, peer_websocket_cb, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  f->dir = g_dir_make_tmp ("calque-sync-presence-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = calque_workspace_create (f->dir, &error);
  g_assert_no_error (error);
  f->project = g_uuid_string_random ();
  f->client = calque_sync_client_new (calque_workspace_get_store (f->workspace), f->base, TOKEN, f->project);
  g_signal_connect (f->client, "presence-changed", G_CALLBACK (presence_changed_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->client, f);
  calque_sync_client_stop (f->client);
  g_clear_object (&f->client);
  if (f->conn != NULL)
    g_signal_handlers_disconnect_by_data (f->conn, f);
  g_clear_object (&f->conn);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->project);
  g_ptr_array_unref (f->received);
}

typedef gboolean (*Condition) (Fixture *f);

static gboolean
wait_for (Fixture  *f,
          Condition condition)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!condition (f) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return condition (f);
}

/* Lets whatever is on its way arrive: the client answers nothing to
 * presence, so there is no reply to wait for. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
online (Fixture *f)
{
  return calque_sync_client_get_state (f->client) == CALQUE_SYNC_CLIENT_ONLINE;
}

static gboolean
offline (Fixture *f)
{
  return calque_sync_client_get_state (f->client) == CALQUE_SYNC_CLIENT_OFFLINE;
}

static void
start_online (Fixture *f)
{
  calque_sync_client_start (f->client);
  g_assert_true (wait_for (f, online));
}

/* The presence messages the peer received, as "ITEM" or "null", in order,
 * with "hello" where a connection began. */
static char *
told (Fixture *f)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < f->received->len; i++)
    {
      CalqueMessage *message = g_ptr_array_index (f->received, i);

      if (message->type == CALQUE_MESSAGE_HELLO)
        g_string_append (out, out->len > 0 ? " hello" : "hello");
      else if (message->type == CALQUE_MESSAGE_PRESENCE)
        g_string_append_printf (out, " %s", message->item != NULL ? message->item : "null");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A list of users "NAME" or "NAME@ITEM" (without @: on no item). */
static CalqueMessage *
list_new (const char * const *users)
{
  CalqueMessage *list = calque_message_new_presence_list ();

  for (guint i = 0; users[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (users[i], "@", 2);

      calque_message_add_presence (list, parts[0], parts[1]);
    }
  return list;
}

/* The client's list, as "NAME@ITEM" or "NAME", joined by spaces. */
static char *
presence_text (Fixture *f)
{
  GPtrArray *presence = calque_sync_client_get_presence (f->client);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < presence->len; i++)
    {
      const CalquePresence *entry = g_ptr_array_index (presence, i);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, entry->user);
      if (entry->item != NULL)
        g_string_append_printf (out, "@%s", entry->item);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
has_presence (Fixture *f)
{
  return calque_sync_client_get_presence (f->client)->len > 0;
}

static gboolean
mallory_shown (Fixture *f)
{
  g_autofree char *shown = presence_text (f);

  return strcmp (shown, "<b>mallory</b>") == 0;
}

/* --- tests ------------------------------------------------------------------ */

/* Told when it changes, once; nothing when it does not; NULL as null. */
static void
test_told_when_changed (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *x = g_uuid_string_random ();
  g_autofree char *y = g_uuid_string_random ();
  g_autofree char *expected = g_strdup_printf ("hello %s %s null %s", x, y, y);
  g_autofree char *sent = NULL;

  start_online (f);
  /* On no item at first: the server knows as much, nothing is sent. */
  settle ();
  g_assert_cmpstr ((sent = told (f)), ==, "hello");
  g_clear_pointer (&sent, g_free);

  calque_sync_client_set_presence (f->client, x);
  calque_sync_client_set_presence (f->client, x);
  calque_sync_client_set_presence (f->client, y);
  calque_sync_client_set_presence (f->client, y);
  calque_sync_client_set_presence (f->client, NULL);
  calque_sync_client_set_presence (f->client, NULL);
  calque_sync_client_set_presence (f->client, y);
  settle ();
  g_assert_cmpstr ((sent = told (f)), ==, expected);
  g_assert_cmpstr (calque_sync_client_get_own_presence (f->client), ==, y);
}

/* Set before the connection, told after the welcome; told again on each
 * new connection, even unchanged; changed offline, told once back. */
static void
test_told_again_after_reconnecting (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *x = g_uuid_string_random ();
  g_autofree char *y = g_uuid_string_random ();
  g_autofree char *expected = g_strdup_printf ("hello %s hello %s hello %s", x, x, y);
  g_autofree char *sent = NULL;

  calque_sync_client_set_presence (f->client, x);
  start_online (f);
  settle ();

  /* The peer drops the connection; the engine comes back on its own. */
  soup_websocket_connection_close (f->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_assert_true (wait_for (f, offline));
  g_assert_true (wait_for (f, online));
  settle ();

  soup_websocket_connection_close (f->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_assert_true (wait_for (f, offline));
  calque_sync_client_set_presence (f->client, y);
  g_assert_true (wait_for (f, online));
  settle ();

  g_assert_cmpuint (f->n_connections, ==, 3);
  g_assert_cmpstr ((sent = told (f)), ==, expected);
}

/* The list is sorted by user, without the signed-in user (as the welcome
 * named them); the same list again is no news; offline, it is empty. */
static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *x = g_uuid_string_random ();
  g_autofree char *chloe_x = g_strconcat ("chloe@", x, NULL);
  g_autofree char *alice_x = g_strconcat ("alice@", x, NULL);
  g_autofree char *bruno_x = g_strconcat (USER "@", x, NULL);
  const char * const users[] = { chloe_x, bruno_x, "zoé", alice_x, NULL };
  g_autoptr(CalqueMessage) list = list_new (users);
  g_autofree char *expected = g_strdup_printf ("alice@%s chloe@%s zoé", x, x);
  g_autofree char *shown = NULL;

  start_online (f);
  g_assert_cmpuint (calque_sync_client_get_presence (f->client)->len, ==, 0);

  peer_send (f, list);
  g_assert_true (wait_for (f, has_presence));
  g_assert_cmpstr ((shown = presence_text (f)), ==, expected);
  g_assert_cmpuint (f->changes, ==, 1);

  peer_send (f, list);
  settle ();
  g_assert_cmpuint (f->changes, ==, 1);

  soup_websocket_connection_close (f->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_assert_true (wait_for (f, offline));
  g_assert_cmpuint (calque_sync_client_get_presence (f->client)->len, ==, 0);
  g_assert_cmpuint (f->changes, ==, 2);
}

/* Lists no real server sends are refused whole, like any message that
 * does not decode: what was known stays, and the connection goes on. */
static void
test_hostile_lists (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *x = g_uuid_string_random ();
  g_autofree char *alice_x = g_strconcat ("alice@", x, NULL);
  const char * const users[] = { alice_x, NULL };
  g_autoptr(CalqueMessage) list = list_new (users);
  g_autoptr(GString) crowd = g_string_new ("{\"type\":\"presence\",\"v\":1,\"users\":[");
  g_autofree char *long_name = g_strnfill (CALQUE_PROTOCOL_MAX_USER_BYTES + 1, 'a');
  g_autofree char *too_long = g_strdup_printf ("{\"type\":\"presence\",\"v\":1,\"users\":["
                                               "{\"user\":\"%s\",\"item\":null}]}", long_name);
  g_autofree char *expected = g_strdup_printf ("alice@%s", x);
  g_autofree char *shown = NULL;
  static const char control[] = "{\"type\":\"presence\",\"v\":1,\"users\":["
                                "{\"user\":\"mallory\\u001b[2J\",\"item\":null}]}";
  static const char markup[] = "{\"type\":\"presence\",\"v\":1,\"users\":["
                               "{\"user\":\"<b>mallory</b>\",\"item\":null}]}";
  guint changes;

  for (guint i = 0; i <= CALQUE_PROTOCOL_MAX_PRESENCE; i++)
    g_string_append_printf (crowd, "%s{\"user\":\"u%u\",\"item\":null}", i > 0 ? "," : "", i);
  g_string_append (crowd, "]}");

  start_online (f);
  peer_send (f, list);
  g_assert_true (wait_for (f, has_presence));
  changes = f->changes;

  g_test_expect_message ("calque-sync", G_LOG_LEVEL_WARNING, "*“users” must hold at most 10000 users*");
  peer_send_text (f, crowd->str);
  g_test_expect_message ("calque-sync", G_LOG_LEVEL_WARNING, "*“users[0].user” is not a user name*");
  peer_send_text (f, too_long);
  g_test_expect_message ("calque-sync", G_LOG_LEVEL_WARNING, "*“users[0].user” is not a user name*");
  peer_send_text (f, control);
  settle ();
  g_test_assert_expected_messages ();

  g_assert_cmpstr ((shown = presence_text (f)), ==, expected);
  g_assert_cmpuint (f->changes, ==, changes);
  g_assert_true (online (f));
  g_assert_cmpuint (f->n_connections, ==, 1);

  /* Markup is a name like another: shown as text, never read as markup
   * (the app sets it with gtk_label_set_text()). */
  peer_send_text (f, markup);
  g_assert_true (wait_for (f, mallory_shown));
  g_clear_pointer (&shown, g_free);
  g_assert_cmpstr ((shown = presence_text (f)), ==, "<b>mallory</b>");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync-presence/told-when-changed", Fixture, NULL, fixture_set_up, test_told_when_changed,
              fixture_tear_down);
  g_test_add ("/sync-presence/told-again-after-reconnecting", Fixture, NULL, fixture_set_up,
              test_told_again_after_reconnecting, fixture_tear_down);
  g_test_add ("/sync-presence/list", Fixture, NULL, fixture_set_up, test_list, fixture_tear_down);
  g_test_add ("/sync-presence/hostile-lists", Fixture, NULL, fixture_set_up, test_hostile_lists,
              fixture_tear_down);

  return g_test_run ();
}
