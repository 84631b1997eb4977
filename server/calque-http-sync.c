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
 * Messages are handled in turns (hub_turn_cb): one message of each
 * connection that has one, the pushes among them made durable by one group
 * commit, then their acks, then one broadcast per project pushed to, which
 * reads and encodes the stream once for all connections at the same
 * cursor. docs/server-performance.md has the figures.
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

/* Fairness. Frames are decoded as libsoup reads them, but handled in
 * turns: each turn takes one message from every connection that has one
 * waiting, so a client that pushes again as soon as it is acked cannot
 * keep the others waiting (libsoup reads a connection until it has nothing
 * more, and would hand us its frames back to back). What a connection has
 * sent but not had handled is bounded like what it has not read. */
#define INBOX_LIMIT      (16 * 1024 * 1024)

/* Presence is sent as a list of who is where, to everyone of a project:
 * when a crowd leaves or moves at once, one list per change would be
 * quadratic. Changes within this delay go out as one list. */
#define PRESENCE_DELAY_MS 50

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

  GQueue                   inbox;        /* Incoming, not yet handled */
  gsize                    inbox_bytes;  /* the sizes of their frames */
  gboolean                 waiting;      /* in the hub's queue of turns */
} Client;

/* A message decoded and waiting for its turn. */
typedef struct
{
  CalqueMessage *message;
  gsize          length;  /* of its frame */
} Incoming;

static void
incoming_free (Incoming *incoming)
{
  calque_message_free (incoming->message);
  g_free (incoming);
}

struct _SyncHub
{
  /* The store, for its "changes-written", let go when the hub goes. */
  CalqueServerStore *store;
  gulong      changes_written_id;
  CalqueHttp *http;        /* unowned: the hub dies with it */
  GPtrArray  *clients;     /* Client, each holding one reference */
  gulong      revoked_id;
  GQueue      waiting;     /* Client with messages to handle, each holding a reference */
  guint       turn_id;
  /* The pushes handled since the last flush: one group commit of the
   * store, their acks held until it returns, their projects broadcast
   * after it. */
  gboolean    grouped;
  GPtrArray  *held_acks;   /* HeldAck */
  GHashTable *pushed;      /* project ids */
  GHashTable *presence_due; /* project id → the source that will send its list */
};

typedef struct
{
  Client        *client;   /* a reference */
  CalqueMessage *ack;
} HeldAck;

static void client_unref (Client *client);

static void
held_ack_free (HeldAck *held)
{
  client_unref (held->client);
  calque_message_free (held->ack);
  g_free (held);
}

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
  g_queue_clear_full (&client->inbox, (GDestroyNotify) incoming_free);
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

/* Sends @encoded[@from .. @from + @n) (CalqueEncodedChange: changes as the
 * store keeps their text, passed on without decoding them) as one changes
 * message, or as several if the frame would pass the protocol's limit,
 * stopping between two of those once the client's queue is full. Returns
 * how many were sent: all of them, or the first ones. */
static guint
client_send_encoded (Client    *client,
                     GPtrArray *encoded,
                     guint      from,
                     guint      n,
                     gint64     head)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_full (n, NULL);
  g_autofree char *text = NULL;
  gsize length = 0;
  guint first;

  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (texts, ((CalqueEncodedChange *) g_ptr_array_index (encoded, i))->json);
  text = calque_message_encode_changes (texts, head, &length);

  if (length > CALQUE_PROTOCOL_MAX_FRAME && n > 1)
    {
      g_clear_pointer (&text, g_free);
      first = client_send_encoded (client, encoded, from, n / 2, head);
      if (first < n / 2 || client_queued (client) > QUEUE_PAUSE)
        return first;
      return first + client_send_encoded (client, encoded, from + n / 2, n - n / 2, head);
    }
  if (length > CALQUE_PROTOCOL_MAX_FRAME)
    g_warning ("sync: change %" G_GINT64_FORMAT " of project %s alone is a frame of %" G_GSIZE_FORMAT " bytes",
               ((CalqueEncodedChange *) g_ptr_array_index (encoded, from))->seq,
               client->session->project_id, length);

  client_send_text (client, text, length);
  return n;
}

/* The same for decoded changes (CalqueChange), for the sessions that are
 * sent only some of them. */
static guint
client_send_changes (Client    *client,
                     GPtrArray *changes,
                     guint      from,
                     guint      n,
                     gint64     head)
{
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_full (n, (GDestroyNotify) calque_encoded_change_free);

  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (encoded, calque_encoded_change_new (g_ptr_array_index (changes, i)));
  return client_send_encoded (client, encoded, 0, n, head);
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
 * the session was ended, has run out, or lost its membership. @read is the
 * project as just read from the store, or NULL to read it here. */
static CalqueSyncSession *
client_authorize (Client                  *client,
                  const char              *token_hash,
                  const char              *project,
                  const CalqueSyncProject *read)
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

  if (read != NULL)
    session = calque_sync_session_for (read, user, admin, &error);
  else
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
client_reauthorize (Client                  *client,
                    const CalqueSyncProject *read)
{
  CalqueSyncSession *session;

  session = client_authorize (client, client->token_hash, client->session->project_id, read);
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
client_read_stream (Client   *client,
                    gboolean  always)
{
  CalqueServerStore *store = hub_store (client->hub);
  g_autoptr(GError) error = NULL;
  gboolean sent = FALSE;
  gint64 head;

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

      /* Those who may see everything are sent the stored text as it is. */
      if (calque_access_reads_everything (&client->session->access))
        {
          g_autoptr(GPtrArray) encoded = calque_server_store_changes_since_json (store, client->session->project_id,
                                                                                 client->cursor,
                                                                                 CALQUE_PROTOCOL_MAX_BATCH, &error);

          if (encoded == NULL)
            {
              client_fail_internal (client, error);
              return;
            }
          if (encoded->len > 0)
            next = ((CalqueEncodedChange *) g_ptr_array_index (encoded, encoded->len - 1))->seq;
          if (encoded->len > 0 || (always && !sent))
            {
              guint n = client_send_encoded (client, encoded, 0, encoded->len,
                                             encoded->len > 0 ? MAX (head, next) : next);

              sent = TRUE;
              if (n < encoded->len)
                {
                  client->cursor = ((CalqueEncodedChange *) g_ptr_array_index (encoded, n - 1))->seq;
                  client_arm_pump (client);
                  break;
                }
            }
          if (next <= client->cursor)
            break;
          client->cursor = next;
          continue;
        }

      page = calque_sync_pull (store, client->session, client->cursor,
                               CALQUE_PROTOCOL_MAX_BATCH, &next, &error);
      if (page == NULL)
        {
          client_fail_internal (client, error);
          return;
        }

      /* A page the session may see nothing of still says how far the
       * stream was read for it (an empty message's head), so that a client
       * knows when it is caught up. */
      if (page->len > 0 || (always && !sent) || next > client->cursor)
        {
          guint n = client_send_changes (client, page, 0, page->len, page->len > 0 ? MAX (head, next) : next);

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

static void
client_catch_up (Client   *client,
                 gboolean  always)
{
  /* Right after hello the session is fresh; any later read is re-checked. */
  if (!always && client->state == CLIENT_LIVE && !client_reauthorize (client, NULL))
    return;
  client_read_stream (client, always);
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

/* One read of the stream after a cursor, shared by the connections that
 * were at that cursor. Those that may see everything are sent the stored
 * text of the changes as it is, joined into one message once; an
 * annotator of a blind project has the changes decoded and filtered. */
typedef struct
{
  gint64          after;
  GPtrArray      *encoded;  /* CalqueEncodedChange; NULL until needed */
  char           *text;     /* the changes message of all of @encoded */
  gsize           length;
  gint64          next;     /* the seq of the last of @encoded */
  CalqueSyncPage *page;     /* NULL until needed */
} SharedPage;

static void
shared_page_free (SharedPage *shared)
{
  g_clear_pointer (&shared->encoded, g_ptr_array_unref);
  g_free (shared->text);
  g_clear_pointer (&shared->page, calque_sync_page_free);
  g_free (shared);
}

/* The whole stream after the cursor, to @head, as one message: FALSE when
 * it is more than a page or over a frame, for client_read_stream() to
 * send in parts. */
static gboolean
shared_page_encode (SharedPage         *shared,
                    CalqueServerStore  *store,
                    const char         *project_id,
                    gint64              head,
                    GError            **error)
{
  g_autoptr(GPtrArray) texts = NULL;
  gint64 next = shared->after;

  if (shared->encoded == NULL)
    {
      shared->encoded = calque_server_store_changes_since_json (store, project_id, shared->after,
                                                                CALQUE_PROTOCOL_MAX_BATCH, error);
      if (shared->encoded == NULL)
        return FALSE;
      texts = g_ptr_array_new_full (shared->encoded->len, NULL);
      for (guint i = 0; i < shared->encoded->len; i++)
        {
          CalqueEncodedChange *change = g_ptr_array_index (shared->encoded, i);

          g_ptr_array_add (texts, change->json);
          next = change->seq;
        }
      shared->next = next;
      if (next >= head)
        shared->text = calque_message_encode_changes (texts, next, &shared->length);
    }
  return shared->text != NULL && shared->length <= CALQUE_PROTOCOL_MAX_FRAME;
}

/* Sends @client what follows its cursor from the pages read for this
 * broadcast, reading a page for its cursor if none was. A connection more
 * than a page behind, or paused, goes its own way. */
static void
client_catch_up_shared (Client     *client,
                        GHashTable *pages,
                        gint64      head)
{
  CalqueServerStore *store = hub_store (client->hub);
  const char *project_id = client->session->project_id;
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(GError) error = NULL;
  SharedPage *shared;

  if (client->cursor >= head)
    return;
  if (client->pump_id != 0 || client_queued (client) > QUEUE_PAUSE)
    {
      client_arm_pump (client);
      return;
    }

  shared = g_hash_table_lookup (pages, &client->cursor);
  if (shared == NULL)
    {
      shared = g_new0 (SharedPage, 1);
      shared->after = client->cursor;
      g_hash_table_insert (pages, &shared->after, shared);
    }

  if (calque_access_reads_everything (&client->session->access))
    {
      if (shared_page_encode (shared, store, project_id, head, &error))
        {
          client_send_text (client, shared->text, shared->length);
          client->cursor = shared->next;
        }
      else if (error != NULL)
        client_fail_internal (client, error);
      else
        client_read_stream (client, FALSE);
      return;
    }

  if (shared->page == NULL)
    {
      shared->page = calque_sync_page_read (store, project_id, shared->after, CALQUE_PROTOCOL_MAX_BATCH, &error);
      if (shared->page == NULL)
        {
          client_fail_internal (client, error);
          return;
        }
    }
  if (shared->page->next < head)
    {
      client_read_stream (client, FALSE);
      return;
    }

  visible = calque_sync_page_visible (shared->page, store, client->session);
  client_send_changes (client, visible, 0, visible->len,
                       visible->len > 0 ? MAX (head, shared->page->next) : shared->page->next);
  client->cursor = MAX (client->cursor, shared->page->next);
}

/* After a push: every connection of the project gets what is new. The
 * project and the stream are read once for all of them, and encoded once
 * for all who may see everything; each connection is still re-authorized
 * and filtered on its own. */
static void
hub_broadcast_changes (SyncHub    *hub,
                       const char *project_id)
{
  CalqueServerStore *store = hub_store (hub);
  g_autoptr(GPtrArray) clients = hub_project_clients (hub, project_id);
  g_autoptr(GHashTable) pages = NULL;
  g_autoptr(CalqueSyncProject) project = NULL;
  g_autoptr(GError) error = NULL;
  gint64 head;

  head = calque_server_store_get_head (store, project_id, &error);
  if (error == NULL)
    project = calque_sync_project_read (store, project_id, &error);
  if (project == NULL)
    {
      /* Each connection then meets the problem itself and is told why. */
      for (guint i = 0; i < clients->len; i++)
        client_catch_up (g_ptr_array_index (clients, i), FALSE);
      return;
    }

  /* Keyed by the page's own cursor. */
  pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) shared_page_free);
  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (client->state == CLIENT_LIVE && client_is_open (client) && client_reauthorize (client, project))
        client_catch_up_shared (client, pages, head);
    }
}

/* Who is where among @clients, one entry per user: a user with two
 * windows is on the item of whichever says so. Sets @anyone_on_item. */
static CalqueMessage *
presence_list_new (GPtrArray *clients,
                   gboolean  *anyone_on_item)
{
  g_autoptr(GHashTable) where = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  CalqueMessage *message = calque_message_new_presence_list ();

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

  /* Clients refuse longer lists; a crowd that size is not shown anyway. */
  *anyone_on_item = FALSE;
  for (guint i = 0; i < order->len && i < CALQUE_PROTOCOL_MAX_PRESENCE; i++)
    {
      const char *item = g_hash_table_lookup (where, order->pdata[i]);

      calque_message_add_presence (message, order->pdata[i], item);
      *anyone_on_item |= item != NULL;
    }
  return message;
}

static void
hub_send_presence (SyncHub    *hub,
                   const char *project_id)
{
  g_autoptr(GPtrArray) clients = hub_project_clients (hub, project_id);
  gboolean anyone_on_item;
  g_autoptr(CalqueMessage) message = presence_list_new (clients, &anyone_on_item);

  for (guint i = 0; i < clients->len; i++)
    client_send (g_ptr_array_index (clients, i), message);
}

typedef struct
{
  SyncHub *hub;
  char    *project_id;
} PresenceDue;

static void
presence_due_free (PresenceDue *due)
{
  g_free (due->project_id);
  g_free (due);
}

static gboolean
presence_due_cb (gpointer user_data)
{
  PresenceDue *due = user_data;

  /* Removing the entry frees @due after this returns, not before. */
  hub_send_presence (due->hub, due->project_id);
  g_hash_table_steal (due->hub->presence_due, due->project_id);
  return G_SOURCE_REMOVE;
}

/* Sends the project's presence list in PRESENCE_DELAY_MS, unless it is due
 * already: then that list will tell this change too. */
static void
hub_broadcast_presence (SyncHub    *hub,
                        const char *project_id)
{
  PresenceDue *due;
  guint id;

  if (g_hash_table_contains (hub->presence_due, project_id))
    return;

  due = g_new0 (PresenceDue, 1);
  due->hub = hub;
  due->project_id = g_strdup (project_id);
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, PRESENCE_DELAY_MS, presence_due_cb, due,
                           (GDestroyNotify) presence_due_free);
  g_hash_table_insert (hub->presence_due, due->project_id, GUINT_TO_POINTER (id));
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
  client->session = client_authorize (client, token_hash, hello->project, NULL);
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

  /* Lists go out when someone comes, goes or moves to an item; a newcomer
   * learns from this one where the others are already. Nobody on an item
   * is nothing to show: then nothing is sent. */
  {
    g_autoptr(GPtrArray) clients = hub_project_clients (client->hub, hello->project);
    gboolean anyone_on_item;
    g_autoptr(CalqueMessage) list = presence_list_new (clients, &anyone_on_item);

    if (anyone_on_item)
      client_send (client, list);
  }
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
  SyncHub *hub = client->hub;
  g_autoptr(GPtrArray) results = NULL;
  CalqueMessage *ack = NULL;
  HeldAck *held;
  g_autoptr(GError) error = NULL;

  if (!hub->grouped)
    {
      if (!calque_server_store_group_begin (store, &error))
        {
          client_fail_internal (client, error);
          return;
        }
      hub->grouped = TRUE;
    }

  /* Stored, but durable only at the group's commit: the ack waits for it. */
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

  held = g_new (HeldAck, 1);
  held->client = client_ref (client);
  held->ack = ack;
  g_ptr_array_add (hub->held_acks, held);

  /* A refused edit of a deleted record still stores conflicts, so the
   * stream is looked at whatever the results say; a retried push finds
   * nothing new and sends nothing. */
  g_hash_table_add (hub->pushed, g_strdup (client->session->project_id));
}

/* Ends the group of the pushes handled so far: one commit makes them all
 * durable, then their acks go out, then what they changed, once per
 * project. If the commit fails nothing of them was stored: each of their
 * connections is ended without an ack, and its client pushes again. */
static void
hub_flush (SyncHub *hub)
{
  g_autoptr(GHashTable) pushed = NULL;
  g_autoptr(GPtrArray) held_acks = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer project_id;

  if (!hub->grouped)
    return;

  hub->grouped = FALSE;
  pushed = g_steal_pointer (&hub->pushed);
  hub->pushed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  held_acks = g_steal_pointer (&hub->held_acks);
  hub->held_acks = g_ptr_array_new_with_free_func ((GDestroyNotify) held_ack_free);

  if (!calque_server_store_group_commit (hub_store (hub), &error))
    {
      for (guint i = 0; i < held_acks->len; i++)
        client_fail_internal (((HeldAck *) g_ptr_array_index (held_acks, i))->client, error);
      return;
    }

  for (guint i = 0; i < held_acks->len; i++)
    {
      HeldAck *held = g_ptr_array_index (held_acks, i);

      client_send (held->client, held->ack);
    }
  g_hash_table_iter_init (&iter, pushed);
  while (g_hash_table_iter_next (&iter, &project_id, NULL))
    hub_broadcast_changes (hub, project_id);
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

  /* The pushes handled before this message are committed, acked and
   * broadcast before it is answered: the order a client sees is the order
   * the server worked in. (A connection paused by flow control gets the
   * rest of its backlog later, pong or not.) */
  if (message->type != CALQUE_MESSAGE_PUSH)
    hub_flush (client->hub);

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

  if (client->state != CLIENT_LIVE || !client_reauthorize (client, NULL))
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

/* One turn: the first waiting message of every connection that has one,
 * in the order they came to wait, then the broadcasts of what they pushed. */
static gboolean
hub_turn_cb (gpointer user_data)
{
  SyncHub *hub = user_data;
  guint n = g_queue_get_length (&hub->waiting);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(Client) client = g_queue_pop_head (&hub->waiting);
      Incoming *incoming = g_queue_pop_head (&client->inbox);

      client->inbox_bytes -= incoming->length;
      if (client->state != CLIENT_CLOSING)
        client_message (client, incoming->message);
      incoming_free (incoming);

      if (g_queue_is_empty (&client->inbox) || client->state == CLIENT_CLOSING)
        client->waiting = FALSE;
      else
        g_queue_push_tail (&hub->waiting, g_steal_pointer (&client));
    }
  hub_flush (hub);

  if (!g_queue_is_empty (&hub->waiting))
    return G_SOURCE_CONTINUE;
  hub->turn_id = 0;
  return G_SOURCE_REMOVE;
}

/* Keeps @message for the next turn. */
static void
client_enqueue (Client        *client,
                CalqueMessage *message,
                gsize          length)
{
  SyncHub *hub = client->hub;
  Incoming *incoming;

  if (client->inbox_bytes + length > INBOX_LIMIT)
    {
      calque_message_free (message);
      client_close_with_error (client, CALQUE_SYNC_CODE_TOO_SLOW,
                               "you send faster than the server handles; wait for acks before pushing more",
                               SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      return;
    }

  incoming = g_new (Incoming, 1);
  incoming->message = message;
  incoming->length = length;
  g_queue_push_tail (&client->inbox, incoming);
  client->inbox_bytes += length;

  if (!client->waiting)
    {
      client->waiting = TRUE;
      g_queue_push_tail (&hub->waiting, client_ref (client));
    }
  if (hub->turn_id == 0)
    hub->turn_id = g_idle_add_full (G_PRIORITY_DEFAULT, hub_turn_cb, hub, NULL);
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

  client_enqueue (client, g_steal_pointer (&message), length);
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

  /* Turns end with their commit, so nothing is pending here but messages
   * not yet handled: unacked, their clients push them again. */
  g_clear_handle_id (&hub->turn_id, g_source_remove);
  g_queue_clear_full (&hub->waiting, (GDestroyNotify) client_unref);
  g_clear_pointer (&hub->pushed, g_hash_table_unref);
  g_clear_pointer (&hub->held_acks, g_ptr_array_unref);
  {
    GHashTableIter iter;
    gpointer id;

    g_hash_table_iter_init (&iter, hub->presence_due);
    while (g_hash_table_iter_next (&iter, NULL, &id))
      {
        g_hash_table_iter_steal (&iter);
        g_source_remove (GPOINTER_TO_UINT (id));
      }
    g_clear_pointer (&hub->presence_due, g_hash_table_unref);
  }

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
  hub->pushed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  hub->held_acks = g_ptr_array_new_with_free_func ((GDestroyNotify) held_ack_free);
  /* Keys belong to the PresenceDue of each source. */
  hub->presence_due = g_hash_table_new (g_str_hash, g_str_equal);
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
