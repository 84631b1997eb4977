/* calque-http-sync.c — the sync WebSocket, /api/v1/sync
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transport of docs/protocol.md: frames in, calque_message_decode(),
 * calque_sync_push() and calque_sync_pull() on the store, frames out. Every
 * connection keeps its own cursor, and after each committed push every
 * connection of the project pulls from its cursor, so that what one person
 * may not see (a blind project) is filtered per connection by the same code
 * that serves the catch-up. Changes another calque-server process wrote
 * to a shared store are announced by the store ("changes-written") and
 * read the same way.
 *
 * Texts sent on the wire stay in English, as in calque-http.c: the server
 * cannot know who reads them, and clients show their own text per code.
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>

#ifdef __linux__
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#endif

#include <libsoup/soup.h>

#include "calque-auth-routes.h"
#include "calque-http-private.h"
#include "calque-protocol.h"
#include "calque-sync.h"
#include "calque-token.h"

#define SYNC_PATH "/api/v1/sync"

/* Room above the protocol's limit so that a frame slightly too large is
 * still read whole and answered with too-large, connection kept; beyond
 * this, libsoup itself ends the connection rather than buffer it. */
#define MAX_INCOMING_PAYLOAD (CALQUE_PROTOCOL_MAX_FRAME + 64 * 1024)

/* The merge of docs/protocol.md: clocks more than 60 s ahead are refused. */
#define MAX_CLOCK_AHEAD_MS (60 * 1000)

/* Flow control. Changes are never queued in memory for a slow client:
 * they stay in the store and its cursor waits, so that what it has not
 * read is bounded by QUEUE_PAUSE plus one page. A client whose queue stays
 * over QUEUE_PAUSE without reading anything for STALL_MS, or whose queue
 * passes QUEUE_LIMIT (answers to pushes and pings it does not read), is
 * disconnected with too-slow; it reconnects and catches up from its
 * cursor. */
#define QUEUE_PAUSE      (1024 * 1024)
#define QUEUE_LIMIT      (16 * 1024 * 1024)
#define STALL_MS         (30 * 1000)
#define PUMP_INTERVAL_MS 25

typedef enum {
  CLIENT_HELLO,   /* waiting for hello */
  CLIENT_LIVE,    /* welcomed; receives the stream */
  CLIENT_CLOSING, /* an error was sent or the peer left; ignore the rest */
} ClientState;

typedef struct _SyncHub SyncHub;

typedef struct
{
  SyncHub                 *hub;
  SoupWebsocketConnection *conn;
  gulong                   message_id;
  gulong                   closed_id;
  ClientState              state;
  CalqueSyncSession       *session;
  char                    *token_hash;
  /* The seq this connection has been sent the stream up to. */
  gint64                   cursor;
  char                    *item;    /* presence; NULL when on no item */

  /* What the peer has not read yet is what was handed to libsoup minus
   * what TCP says the peer acknowledged since the handshake. */
  GSocket                 *socket;
  gboolean                 measured;
  guint64                  acked_base;
  guint64                  sent_bytes;
  guint64                  last_acked;
  gint64                   last_progress_us;
  guint                    pump_id;
} Client;

struct _SyncHub
{
  /* The store, for its "changes-written", let go when the hub goes. */
  CalqueServerStore *store;
  gulong      changes_written_id;
  CalqueHttp *http;        /* unowned: the hub dies with it */
  GPtrArray  *clients;     /* Client, each holding one reference */
  gulong      revoked_id;
};

static void
client_free (Client *client)
{
  if (client->conn != NULL)
    {
      g_clear_signal_handler (&client->message_id, client->conn);
      g_clear_signal_handler (&client->closed_id, client->conn);
      g_clear_object (&client->conn);
    }
  g_clear_pointer (&client->session, calque_sync_session_free);
  g_clear_pointer (&client->token_hash, g_free);
  g_clear_pointer (&client->item, g_free);
  g_clear_object (&client->socket);
}

static void
client_unref (Client *client)
{
  g_rc_box_release_full (client, (GDestroyNotify) client_free);
}

static Client *
client_ref (Client *client)
{
  return g_rc_box_acquire (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_unref)

static CalqueServerStore *
hub_store (SyncHub *hub)
{
  return calque_auth_get_store (_calque_http_get_auth (hub->http));
}

static gboolean
client_is_open (Client *client)
{
  return client->conn != NULL
         && soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* The bytes of the connection the peer's TCP acknowledged, and those
 * still in the kernel's send queue. */
static gboolean
socket_counters (GSocket *socket,
                 guint64 *out_acked,
                 guint64 *out_unacked)
{
#ifdef __linux__
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;
  int fd = g_socket_get_fd (socket);
  int outq = 0;

  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0
      || length < G_STRUCT_OFFSET (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked
      || ioctl (fd, SIOCOUTQ, &outq) != 0)
    return FALSE;

  *out_acked = info.tcpi_bytes_acked;
  *out_unacked = (guint64) MAX (outq, 0);
  return TRUE;
#else
  return FALSE;
#endif
}

static guint64
client_acked (Client *client)
{
  guint64 acked = 0;
  guint64 unacked = 0;

  if (!client->measured || !socket_counters (client->socket, &acked, &unacked))
    return client->last_acked;
  return acked - MIN (acked, client->acked_base);
}

/* Bytes handed to libsoup that the peer has not acknowledged; 0 where the
 * kernel does not tell (then there is no flow control). */
static guint64
client_queued (Client *client)
{
  guint64 acked;

  if (!client->measured)
    return 0;
  acked = client_acked (client);
  return client->sent_bytes > acked ? client->sent_bytes - acked : 0;
}

static void client_close_with_error (Client         *client,
                                     CalqueSyncCode  code,
                                     const char     *text,
                                     gushort         close_code);

static void
client_send_text (Client     *client,
                  const char *text,
                  gsize       length)
{
  if (!client_is_open (client))
    return;

  soup_websocket_connection_send_text (client->conn, text);
  /* An unmasked frame header: 2 bytes, plus 2 or 8 for a longer length. */
  client->sent_bytes += length + 2 + (length < 126 ? 0 : length < 65536 ? 2 : 8);

  if (client->state != CLIENT_CLOSING && client_queued (client) > QUEUE_LIMIT)
    client_close_with_error (client, CALQUE_SYNC_CODE_TOO_SLOW,
                             "you are not reading what the server sends; reconnect to catch up",
                             SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

static void
client_send (Client              *client,
             const CalqueMessage *message)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!client_is_open (client))
    return;

  text = calque_message_encode (message, &length);
  client_send_text (client, text, length);
}

static void
client_send_error (Client         *client,
                   CalqueSyncCode  code,
                   const char     *text)
{
  g_autoptr(CalqueMessage) message = calque_message_new_error (code, text);

  client_send (client, message);
}

/* Sends a final error and ends the connection; libsoup writes the close
 * frame after the queued error, so the client reads why. */
static void
client_close_with_error (Client         *client,
                         CalqueSyncCode  code,
                         const char     *text,
                         gushort         close_code)
{
  if (client->state == CLIENT_CLOSING)
    return;

  client->state = CLIENT_CLOSING;
  g_clear_handle_id (&client->pump_id, g_source_remove);
  client_send_error (client, code, text);
  if (client_is_open (client))
    soup_websocket_connection_close (client->conn, close_code, calque_sync_code_to_string (code));
}

static void
client_fail_internal (Client       *client,
                      const GError *error)
{
  g_warning ("sync of %s in project %s failed: %s",
             client->session != NULL ? client->session->user : "?",
             client->session != NULL ? client->session->project_id : "?",
             error->message);
  client_close_with_error (client, CALQUE_SYNC_CODE_INTERNAL,
                           "the server failed; try again later",
                           SOUP_WEBSOCKET_CLOSE_SERVER_ERROR);
}

/* Sends @changes[@from .. @from + @n) as one changes message, or as
 * several if the frame would pass the protocol's limit, stopping between
 * two of those once the client's queue is full. Returns how many changes
 * were sent: all of them, or the first ones. */
static guint
client_send_changes (Client    *client,
                     GPtrArray *changes,
                     guint      from,
                     guint      n,
                     gint64     head)
{
  g_autoptr(CalqueMessage) message = calque_message_new_changes (head);
  g_autofree char *text = NULL;
  gsize length = 0;
  guint first;

  for (guint i = from; i < from + n; i++)
    calque_message_take_change (message, calque_change_copy (g_ptr_array_index (changes, i)));
  text = calque_message_encode (message, &length);

  if (length > CALQUE_PROTOCOL_MAX_FRAME && n > 1)
    {
      g_clear_pointer (&text, g_free);
      g_clear_pointer (&message, calque_message_free);
      first = client_send_changes (client, changes, from, n / 2, head);
      if (first < n / 2 || client_queued (client) > QUEUE_PAUSE)
        return first;
      return first + client_send_changes (client, changes, from + n / 2, n - n / 2, head);
    }
  if (length > CALQUE_PROTOCOL_MAX_FRAME)
    g_warning ("sync: change %" G_GINT64_FORMAT " of project %s alone is a frame of %" G_GSIZE_FORMAT " bytes",
               ((CalqueChange *) g_ptr_array_index (changes, from))->seq,
               client->session->project_id, length);

  client_send_text (client, text, length);
  return n;
}

static gboolean client_pump_cb (gpointer user_data);

static void
client_arm_pump (Client *client)
{
  if (client->pump_id != 0)
    return;

  client->last_acked = client_acked (client);
  client->last_progress_us = g_get_monotonic_time ();
  client->pump_id = g_timeout_add_full (G_PRIORITY_DEFAULT, PUMP_INTERVAL_MS, client_pump_cb,
                                        client_ref (client), (GDestroyNotify) client_unref);
}

/* Who the holder of @token_hash is in @project, checked against the store
 * as it is now: NULL, with the connection closed on a precise error, when
 * the session was ended, has run out, or lost its membership. */
static CalqueSyncSession *
client_authorize (Client     *client,
                  const char *token_hash,
                  const char *project)
{
  SyncHub *hub = client->hub;
  CalqueAuth *auth = _calque_http_get_auth (hub->http);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  gboolean admin = FALSE;
  CalqueSyncSession *session;

  if (!calque_auth_check_token_hash (auth, token_hash, &user, &admin, NULL, &error))
    {
      if (g_error_matches (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_EXPIRED))
        client_close_with_error (client, CALQUE_SYNC_CODE_TOKEN_EXPIRED,
                                 "your session has expired; log in again",
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      else if (g_error_matches (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED))
        client_close_with_error (client, CALQUE_SYNC_CODE_UNAUTHORIZED,
                                 "the session token is not valid; log in again",
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      else
        client_fail_internal (client, error);
      return NULL;
    }

  session = calque_sync_session_new (hub_store (hub), project, user, admin, &error);
  if (session == NULL)
    {
      if (g_error_matches (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NO_PROJECT))
        client_close_with_error (client, CALQUE_SYNC_CODE_NOT_FOUND,
                                 "there is no such project",
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      else if (g_error_matches (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NOT_MEMBER))
        client_close_with_error (client, CALQUE_SYNC_CODE_FORBIDDEN,
                                 "you are not a member of this project",
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      else
        client_fail_internal (client, error);
    }
  return session;
}

/* A live connection is re-authorized before each message it sends and
 * before each read of the stream for it, so an expired token, a removed
 * member or a lowered role takes effect at once rather than when the peer
 * reconnects. */
static gboolean
client_reauthorize (Client *client)
{
  CalqueSyncSession *session;

  session = client_authorize (client, client->token_hash, client->session->project_id);
  if (session == NULL)
    return FALSE;

  calque_sync_session_free (client->session);
  client->session = session;
  return TRUE;
}

/* Sends the changes after the client's cursor up to the head, in pages,
 * until its queue is full; the pump sends the rest as it drains. With
 * @always, at least one page goes out even if empty: the catch-up after
 * welcome tells the head that way. */
static void
client_catch_up (Client   *client,
                 gboolean  always)
{
  CalqueServerStore *store = hub_store (client->hub);
  g_autoptr(GError) error = NULL;
  gboolean sent = FALSE;
  gint64 head;

  /* Right after hello the session is fresh; any later read is re-checked. */
  if (!always && client->state == CLIENT_LIVE && !client_reauthorize (client))
    return;

  head = calque_server_store_get_head (store, client->session->project_id, &error);
  if (error != NULL)
    {
      client_fail_internal (client, error);
      return;
    }

  while (client->state == CLIENT_LIVE && client_is_open (client))
    {
      g_autoptr(GPtrArray) page = NULL;
      gint64 next = client->cursor;

      if (client->cursor >= head && (sent || !always))
        break;

      if (client->pump_id != 0 || client_queued (client) > QUEUE_PAUSE)
        {
          client_arm_pump (client);
          break;
        }

      page = calque_sync_pull (store, client->session, client->cursor,
                               CALQUE_PROTOCOL_MAX_BATCH, &next, &error);
      if (page == NULL)
        {
          client_fail_internal (client, error);
          return;
        }

      if (page->len > 0 || (always && !sent))
        {
          guint n = client_send_changes (client, page, 0, page->len, MAX (head, next));

          sent = TRUE;
          if (n < page->len)
            {
              /* The rest of the page is read again when the queue drains;
               * what was filtered out in between is filtered again. */
              client->cursor = ((CalqueChange *) g_ptr_array_index (page, n - 1))->seq;
              client_arm_pump (client);
              break;
            }
        }

      /* No progress means nothing more to read, whatever the head said. */
      if (next <= client->cursor)
        break;
      client->cursor = next;
    }
}

static gboolean
client_pump_cb (gpointer user_data)
{
  Client *client = user_data;
  guint64 acked = client_acked (client);
  gint64 now = g_get_monotonic_time ();
  static gint64 stall_ms = -1;

  if (stall_ms < 0)
    {
      const char *test = g_getenv ("CALQUE_SYNC_TEST_STALL_MS");

      stall_ms = test != NULL ? g_ascii_strtoll (test, NULL, 10) : STALL_MS;
      if (test != NULL)
        g_message ("CALQUE_SYNC_TEST_STALL_MS=%s: slow sync clients are disconnected after %"
                   G_GINT64_FORMAT " ms, which is only fit for tests", test, stall_ms);
    }

  if (acked > client->last_acked)
    {
      client->last_acked = acked;
      client->last_progress_us = now;
    }

  if (client->state != CLIENT_LIVE)
    {
      client->pump_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (client_queued (client) <= QUEUE_PAUSE)
    {
      client->pump_id = 0;
      client_catch_up (client, FALSE);
      return G_SOURCE_REMOVE;
    }

  if (now - client->last_progress_us > stall_ms * 1000)
    {
      client->pump_id = 0;
      g_message ("sync: %s read nothing for %" G_GINT64_FORMAT " ms; disconnecting",
                 client->session->user, stall_ms);
      client_close_with_error (client, CALQUE_SYNC_CODE_TOO_SLOW,
                               "you did not read what the server sent; reconnect to catch up",
                               SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* A snapshot with references: sending may end a connection, and its
 * closed handler removes it from the hub while the caller iterates. */
static GPtrArray *
hub_project_clients (SyncHub    *hub,
                     const char *project_id)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) client_unref);

  for (guint i = 0; i < hub->clients->len; i++)
    {
      Client *client = g_ptr_array_index (hub->clients, i);

      if (client->state == CLIENT_LIVE
          && strcmp (client->session->project_id, project_id) == 0)
        g_ptr_array_add (out, client_ref (client));
    }
  return out;
}

static void
hub_broadcast_changes (SyncHub    *hub,
                       const char *project_id)
{
  g_autoptr(GPtrArray) clients = hub_project_clients (hub, project_id);

  for (guint i = 0; i < clients->len; i++)
    client_catch_up (g_ptr_array_index (clients, i), FALSE);
}

/* Who is where in @project_id, one entry per user: a user with two
 * windows is on the item of whichever says so. */
static void
hub_broadcast_presence (SyncHub    *hub,
                        const char *project_id)
{
  g_autoptr(GPtrArray) clients = hub_project_clients (hub, project_id);
  g_autoptr(GHashTable) where = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(CalqueMessage) message = calque_message_new_presence_list ();

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);
      const char *user = client->session->user;

      if (!g_hash_table_contains (where, user))
        {
          g_ptr_array_add (order, (gpointer) user);
          g_hash_table_insert (where, (gpointer) user, client->item);
        }
      else if (client->item != NULL)
        {
          g_hash_table_insert (where, (gpointer) user, client->item);
        }
    }

  for (guint i = 0; i < order->len; i++)
    calque_message_add_presence (message, order->pdata[i],
                                 g_hash_table_lookup (where, order->pdata[i]));

  for (guint i = 0; i < clients->len; i++)
    client_send (g_ptr_array_index (clients, i), message);
}

static void
client_hello (Client        *client,
              CalqueMessage *hello)
{
  CalqueServerStore *store = hub_store (client->hub);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) welcome = NULL;
  g_autofree char *token_hash = NULL;
  gint64 head;

  token_hash = hello->token ? calque_token_hash (hello->token, NULL) : NULL;
  client->session = client_authorize (client, token_hash, hello->project);
  if (client->session == NULL)
    return;

  head = calque_server_store_get_head (store, hello->project, &error);
  if (error != NULL)
    {
      client_fail_internal (client, error);
      return;
    }

  client->token_hash = g_steal_pointer (&token_hash);
  client->cursor = MAX (hello->cursor, 0);
  client->state = CLIENT_LIVE;

  g_debug ("sync: %s joined project %s from seq %" G_GINT64_FORMAT,
           client->session->user, hello->project, client->cursor);

  welcome = calque_message_new_welcome (hello->project, head, client->session->user,
                                        calque_role_to_string (client->session->access.role));
  client_send (client, welcome);
  client_catch_up (client, TRUE);
}

static void
client_push (Client        *client,
             CalqueMessage *push)
{
  CalqueServerStore *store = hub_store (client->hub);
  CalqueMergeOptions options = {
    .now_ms = g_get_real_time () / 1000,
    .max_ahead_ms = MAX_CLOCK_AHEAD_MS,
    .make_conflicts = TRUE,
  };
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  g_autoptr(GError) error = NULL;

  /* Returns once the batch is durable: only then may the ack go out. */
  results = calque_sync_push (store, client->session, push->changes, &options, &error);
  if (results == NULL)
    {
      client_fail_internal (client, error);
      return;
    }

  ack = calque_message_new_ack ();
  for (guint i = 0; i < results->len; i++)
    {
      CalqueApplyResult *result = g_ptr_array_index (results, i);
      CalqueRejectCode code = CALQUE_REJECT_INVALID;

      if (result->seq > 0)
        {
          calque_message_add_ack_seq (ack, result->client_id, result->op_no, result->seq);
          continue;
        }

      if (!calque_reject_code_from_string (result->error_code, &code))
        g_warning ("sync: unknown refusal code “%s”", result->error_code);
      calque_message_add_ack_error (ack, result->client_id, result->op_no, code,
                                    result->error_message != NULL ? result->error_message
                                                                  : "the change was refused");
    }
  client_send (client, ack);

  /* A refused edit of a deleted record still stores conflicts, so the
   * stream is looked at whatever the results say; a retried push finds
   * nothing new and sends nothing. */
  hub_broadcast_changes (client->hub, client->session->project_id);
}

static void
client_presence (Client        *client,
                 CalqueMessage *presence)
{
  if (g_strcmp0 (client->item, presence->item) == 0)
    return;

  g_free (client->item);
  client->item = g_strdup (presence->item);
  hub_broadcast_presence (client->hub, client->session->project_id);
}

static void
client_message (Client        *client,
                CalqueMessage *message)
{
  if (message->type >= CALQUE_MESSAGE_WELCOME)
    {
      g_autofree char *text = g_strdup_printf ("“%s” is a message of the server, not of a client",
                                               calque_message_type_to_string (message->type));

      client_send_error (client, CALQUE_SYNC_CODE_BAD_MESSAGE, text);
      return;
    }

  if (client->state == CLIENT_HELLO)
    {
      if (message->type == CALQUE_MESSAGE_HELLO)
        client_hello (client, message);
      else
        client_close_with_error (client, CALQUE_SYNC_CODE_UNAUTHORIZED,
                                 "the first message must be hello",
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      return;
    }

  if (client->state != CLIENT_LIVE || !client_reauthorize (client))
    return;

  switch (message->type)
    {
    case CALQUE_MESSAGE_HELLO:
      client_send_error (client, CALQUE_SYNC_CODE_BAD_MESSAGE,
                         "hello was already sent on this connection");
      break;
    case CALQUE_MESSAGE_PUSH:
      client_push (client, message);
      break;
    case CALQUE_MESSAGE_PING:
      {
        g_autoptr(CalqueMessage) pong = calque_message_new_pong (message->id);

        client_send (client, pong);
      }
      break;
    case CALQUE_MESSAGE_PRESENCE:
      client_presence (client, message);
      break;
    case CALQUE_MESSAGE_WELCOME:
    case CALQUE_MESSAGE_CHANGES:
    case CALQUE_MESSAGE_ACK:
    case CALQUE_MESSAGE_ERROR:
    case CALQUE_MESSAGE_PONG:
    case CALQUE_MESSAGE_PRESENCE_LIST:
    default:
      g_assert_not_reached ();
    }
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *bytes,
            Client                  *client)
{
  g_autoptr(Client) hold = client_ref (client);
  g_autoptr(CalqueMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (client->state == CLIENT_CLOSING)
    return;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      client_send_error (client, CALQUE_SYNC_CODE_BAD_MESSAGE,
                         "binary frames are not accepted; send JSON in text frames");
      return;
    }

  if (length > CALQUE_PROTOCOL_MAX_FRAME)
    {
      g_autofree char *text = g_strdup_printf ("the frame has %" G_GSIZE_FORMAT " bytes; at most %d are read",
                                               length, CALQUE_PROTOCOL_MAX_FRAME);

      client_send_error (client, CALQUE_SYNC_CODE_TOO_LARGE, text);
      return;
    }

  message = calque_message_decode (data, length, &error);
  if (message == NULL)
    {
      if (g_error_matches (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_TOO_LARGE))
        client_send_error (client, CALQUE_SYNC_CODE_TOO_LARGE, error->message);
      else if (g_error_matches (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_VERSION))
        client_close_with_error (client, CALQUE_SYNC_CODE_UNSUPPORTED_VERSION, error->message,
                                 SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      else
        client_send_error (client, CALQUE_SYNC_CODE_BAD_MESSAGE, error->message);
      return;
    }

  client_message (client, message);
}

static void
hub_remove (SyncHub *hub,
            Client  *client)
{
  g_autoptr(Client) hold = client_ref (client);
  gboolean was_live = client->state == CLIENT_LIVE;

  client->state = CLIENT_CLOSING;
  g_clear_handle_id (&client->pump_id, g_source_remove);
  if (!g_ptr_array_remove_fast (hub->clients, client))
    return;
  client_unref (client);
  if (was_live)
    hub_broadcast_presence (hub, client->session->project_id);
}

static void
closed_cb (SoupWebsocketConnection *conn,
           Client                  *client)
{
  if (client->session != NULL)
    g_debug ("sync: %s left project %s", client->session->user, client->session->project_id);
  hub_remove (client->hub, client);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  SyncHub *hub = user_data;
  Client *client = g_rc_box_new0 (Client);

  client->hub = hub;
  client->conn = g_object_ref (conn);
  client->state = CLIENT_HELLO;

  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_PAYLOAD);

  /* The handshake's 101 answer is written by now; everything counted from
   * here on is frames. */
  client->socket = g_object_ref (soup_server_message_get_socket (msg));
  {
    guint64 acked = 0;
    guint64 unacked = 0;

    client->measured = socket_counters (client->socket, &acked, &unacked);
    client->acked_base = acked + unacked;
  }

  client->message_id = g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
  client->closed_id = g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);

  g_ptr_array_add (hub->clients, client);
}

static void
token_revoked_cb (CalqueHttp *http,
                  const char *token_hash,
                  SyncHub    *hub)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_unref);

  for (guint i = 0; i < hub->clients->len; i++)
    {
      Client *client = g_ptr_array_index (hub->clients, i);

      if (g_strcmp0 (client->token_hash, token_hash) == 0)
        g_ptr_array_add (clients, client_ref (client));
    }

  for (guint i = 0; i < clients->len; i++)
    client_close_with_error (g_ptr_array_index (clients, i), CALQUE_SYNC_CODE_UNAUTHORIZED,
                             "you signed out; log in again",
                             SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

/* Another calque-server process sharing the store committed changes: the
 * project's connections read them from their cursors, exactly as after a
 * push made here. No project: changes may have been missed, and every
 * project with a live connection is read. */
static void
changes_written_cb (CalqueServerStore *store,
                    const char        *project_id,
                    gint64             seq,
                    SyncHub           *hub)
{
  g_autoptr(GPtrArray) projects = NULL;

  if (project_id != NULL)
    {
      g_debug ("sync: project %s has changes up to seq %" G_GINT64_FORMAT " from another server",
               project_id, seq);
      hub_broadcast_changes (hub, project_id);
      return;
    }

  g_debug ("sync: changes from other servers may have been missed; every connection reads its stream");
  /* Copied: a broadcast may end connections, which frees their sessions. */
  projects = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < hub->clients->len; i++)
    {
      Client *client = g_ptr_array_index (hub->clients, i);

      if (client->state == CLIENT_LIVE
          && !g_ptr_array_find_with_equal_func (projects, client->session->project_id, g_str_equal, NULL))
        g_ptr_array_add (projects, g_strdup (client->session->project_id));
    }
  for (guint i = 0; i < projects->len; i++)
    hub_broadcast_changes (hub, g_ptr_array_index (projects, i));
}

/* The transport is being disposed: every connection is told to come back
 * later, then the hub goes. */
static void
http_gone_cb (gpointer  user_data,
              GObject  *where_the_object_was)
{
  SyncHub *hub = user_data;
  g_autoptr(GPtrArray) clients = g_steal_pointer (&hub->clients);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      g_clear_signal_handler (&client->closed_id, client->conn);
      g_clear_signal_handler (&client->message_id, client->conn);
      client_close_with_error (client, CALQUE_SYNC_CODE_SERVER_SHUTDOWN,
                               "the server is stopping; reconnect later",
                               SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
    }
  g_ptr_array_set_free_func (clients, (GDestroyNotify) client_unref);

  g_clear_signal_handler (&hub->changes_written_id, hub->store);
  g_clear_object (&hub->store);
  g_free (hub);
}

void
_calque_http_sync_register (CalqueHttp *self)
{
  SyncHub *hub = g_new0 (SyncHub, 1);

  g_return_if_fail (_calque_http_get_auth (self) != NULL);

  hub->http = self;
  hub->clients = g_ptr_array_new ();
  /* The handler goes with the transport's dispose, before the weak
   * reference below frees the hub. */
  hub->revoked_id = g_signal_connect (self, "token-revoked", G_CALLBACK (token_revoked_cb), hub);
  g_object_weak_ref (G_OBJECT (self), http_gone_cb, hub);
  /* Changes other servers write to a shared store (calque-mongo-store.h). */
  hub->store = g_object_ref (hub_store (hub));
  hub->changes_written_id = g_signal_connect (hub->store, "changes-written",
                                              G_CALLBACK (changes_written_cb), hub);

  /* Compressed frames would make the flow control's byte count wrong, and
   * a small compressed frame can inflate to any size. */
  soup_server_remove_websocket_extension (_calque_http_get_server (self),
                                          SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_websocket_handler (_calque_http_get_server (self), SYNC_PATH,
                                     NULL, NULL, websocket_cb, hub, NULL);
}
