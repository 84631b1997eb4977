/* calque-sync-client.c — the client half of the sync model, for one project */
#define G_LOG_DOMAIN "calque-sync"

#include "calque-sync-client.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "calque-blob-transfer.h"
#include "calque-protocol.h"
#include "calque-store-sync.h"

/* Reconnection: the first retry soon, then doubling up to a ceiling, each
 * delay spread by ±50 % so that a crowd dropped at once does not come back
 * at once. */
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS   30000

/* Room above the protocol's frame limit, as on the server. */
#define MAX_INCOMING_PAYLOAD (CALQUE_PROTOCOL_MAX_FRAME + 64 * 1024)

G_DEFINE_QUARK (calque-sync-client-error-quark, calque_sync_client_error)

struct _CalqueSyncClient
{
  GObject                  parent_instance;

  CalqueStore             *store;
  char                    *server_url;
  char                    *token;
  char                    *project_id;

  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GCancellable            *connecting;
  CalqueSyncClientState    state;

  gboolean                 running;       /* start(): reconnect after drops */
  guint                    reconnect_id;
  guint                    attempts;      /* failed connections in a row */

  gboolean                 welcomed;
  gint64                   welcome_head;
  gint64                   acked_head;    /* the greatest seq an ack gave */
  gboolean                 push_in_flight;

  GTask                   *once;          /* a sync_once() under way */

  CalqueBlobCache         *blobs;         /* NULL: media are not sent */
  GHashTable              *uploaded;      /* sha256 the server has, this session */
  gboolean                 uploading;
  GCancellable            *cancellable;   /* for media transfers, until disposed */
  gboolean                 prefetching;
  gboolean                 prefetch_again; /* asked for while one was running */

  /* Frames are decoded in a thread of their own while the store takes
   * the previous ones, then handled here in the order they came. */
  GThreadPool             *decoder;
  GMainContext            *context;
  guint                    generation;    /* of the connection; stale frames are dropped */

  /* Presence: the item the person is on, what the server was told of it
   * on this connection (it starts from none), and who else is where. */
  char                    *presence;
  char                    *presence_told;
  GPtrArray               *others;        /* CalquePresence, by user */
  char                    *user;          /* the welcome's: left out of others */

  guint64                  pushed;
  guint64                  pulled;
  guint64                  refused;
};

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { RECORDS_CHANGED, REFUSED, MEDIA_FETCHED, OUTBOX_CHANGED, PRESENCE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueSyncClient, calque_sync_client, G_TYPE_OBJECT)

static void connect_now (CalqueSyncClient *self);

static void
set_state (CalqueSyncClient      *self,
           CalqueSyncClientState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_once (CalqueSyncClient *self,
             GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->once);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
close_connection (CalqueSyncClient *self)
{
  if (self->conn != NULL && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
send_message (CalqueSyncClient    *self,
              const CalqueMessage *message)
{
  g_autofree char *text = calque_message_encode (message, NULL);

  soup_websocket_connection_send_text (self->conn, text);
}

static gboolean
connection_open (CalqueSyncClient *self)
{
  return self->conn != NULL && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* One round is done when the outbox is empty, nothing is waiting for its
 * ack, and the stream has been pulled up to what the server had at hello
 * and past this round's own changes (with the conflicts they made, which
 * the server streams with them). */
static void
check_once_done (CalqueSyncClient *self)
{
  if (self->once == NULL || !self->welcomed || self->push_in_flight)
    return;
  if (calque_store_get_outbox_size (self->store, NULL) > 0)
    {
      g_autoptr(GPtrArray) left = calque_store_outbox_read (self->store, self->project_id, 1, NULL);

      /* Other projects' entries are theirs to push. */
      if (left == NULL || left->len > 0)
        return;
    }
  if (calque_store_get_cursor (self->store, self->project_id) < MAX (self->welcome_head, self->acked_head))
    return;

  finish_once (self, NULL);
  close_connection (self);
}

static void push_outbox (CalqueSyncClient *self);

typedef struct
{
  char      *server_url;
  char      *token;
  GPtrArray *shas;
} Upload;

static void
upload_free (Upload *upload)
{
  g_free (upload->server_url);
  g_free (upload->token);
  g_ptr_array_unref (upload->shas);
  g_free (upload);
}

static void
upload_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  CalqueSyncClient *self = source;
  Upload *upload = data;

  for (guint i = 0; i < upload->shas->len; i++)
    {
      GError *error = NULL;

      if (!calque_blob_upload (upload->server_url, upload->token, self->blobs,
                               g_ptr_array_index (upload->shas, i), cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
upload_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CalqueSyncClient *self = CALQUE_SYNC_CLIENT (object);
  Upload *upload = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->uploading = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The items wait in the outbox with their media; next connection. */
      g_warning ("cannot send media to %s: %s", self->server_url, error->message);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_NETWORK,
                                      _("cannot send media: %s"), error->message));
      close_connection (self);
      return;
    }
  for (guint i = 0; i < upload->shas->len; i++)
    g_hash_table_add (self->uploaded, g_strdup (g_ptr_array_index (upload->shas, i)));
  push_outbox (self);
}

/* Items are pushed only once the server has their media: no one should
 * receive an item whose image they cannot get. Starts the uploads that
 * @changes need and returns TRUE if it did; the push comes after them. */
static gboolean
upload_media_first (CalqueSyncClient *self,
                    GPtrArray        *changes)
{
  g_autoptr(GTask) task = NULL;
  Upload *upload;
  g_autoptr(GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);

  if (self->blobs == NULL)
    return FALSE;
  if (self->uploading)
    return TRUE;

  for (guint i = 0; i < changes->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (changes, i);
      const char *sha256;

      if (change->kind != CALQUE_KIND_ITEM || !json_object_has_member (change->set, "sha256"))
        continue;
      sha256 = json_object_get_string_member_with_default (change->set, "sha256", NULL);
      /* Media pulled from elsewhere and not fetched are the server's already. */
      if (sha256 == NULL || g_hash_table_contains (self->uploaded, sha256)
          || !calque_blob_cache_contains (self->blobs, sha256))
        continue;
      if (!g_ptr_array_find_with_equal_func (shas, sha256, g_str_equal, NULL))
        g_ptr_array_add (shas, g_strdup (sha256));
    }
  if (shas->len == 0)
    return FALSE;

  self->uploading = TRUE;
  upload = g_new0 (Upload, 1);
  upload->server_url = g_strdup (self->server_url);
  upload->token = g_strdup (self->token);
  upload->shas = g_steal_pointer (&shas);
  task = g_task_new (self, self->cancellable, upload_done_cb, NULL);
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  g_task_run_in_thread (task, upload_thread);
  return TRUE;
}

/* Sends the oldest entries of the outbox, as many as fit one push, if
 * nothing is waiting for its ack. */
static void
push_outbox (CalqueSyncClient *self)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (!self->welcomed || self->push_in_flight || !connection_open (self))
    return;

  changes = calque_store_outbox_read (self->store, self->project_id, CALQUE_PROTOCOL_MAX_BATCH, &error);
  if (changes == NULL)
    {
      g_warning ("cannot read the outbox: %s", error->message);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_STORE,
                                      _("cannot read the outbox: %s"), error->message));
      close_connection (self);
      return;
    }
  if (changes->len == 0)
    {
      check_once_done (self);
      return;
    }

  if (upload_media_first (self, changes))
    return;

  /* Big shapes can make a thousand changes more than a frame holds. */
  for (n = changes->len; n > 0; n = n / 2)
    {
      g_autoptr(CalqueMessage) push = calque_message_new_push ();
      g_autofree char *text = NULL;
      gsize length = 0;

      for (guint i = 0; i < n; i++)
        calque_message_take_change (push, calque_change_copy (g_ptr_array_index (changes, i)));
      text = calque_message_encode (push, &length);
      if (length <= CALQUE_PROTOCOL_MAX_FRAME || n == 1)
        {
          g_debug ("pushing %u changes of project %s", n, self->project_id);
          soup_websocket_connection_send_text (self->conn, text);
          self->push_in_flight = TRUE;
          return;
        }
    }
}

static void
handle_ack (CalqueSyncClient *self,
            CalqueMessage    *ack)
{
  const char *client_id = calque_store_get_client_id (self->store);
  g_autoptr(GError) begin_error = NULL;
  gboolean in_transaction;

  /* One commit (one disk sync) for the whole ack, not one per change. */
  in_transaction = calque_store_begin (self->store, &begin_error);
  if (!in_transaction)
    g_warning ("cannot start a transaction for an ack: %s", begin_error->message);

  for (guint i = 0; i < ack->results->len; i++)
    {
      const CalqueAckResult *result = g_ptr_array_index (ack->results, i);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (g_strcmp0 (result->client_id, client_id) != 0)
        continue;
      if (result->seq > 0)
        {
          ok = calque_store_outbox_acked (self->store, result->op_no, &error);
          self->acked_head = MAX (self->acked_head, result->seq);
          self->pushed++;
        }
      else
        {
          const char *code = calque_reject_code_to_string (result->code);

          ok = calque_store_outbox_refused (self->store, result->op_no, code, result->message, &error);
          self->refused++;
          if (ok)
            g_signal_emit (self, signals[REFUSED], 0, result->op_no, code, result->message);
        }
      if (!ok)
        {
          /* The entry stays; pushed again, it gets the same answer. */
          g_warning ("cannot take op %" G_GUINT64_FORMAT " out of the outbox: %s", result->op_no, error->message);
        }
    }
  if (in_transaction)
    {
      g_autoptr(GError) error = NULL;

      /* If this fails, the entries stay and are pushed again: the server
       * answers a retry with the same seqs. */
      if (!calque_store_commit (self->store, &error))
        {
          g_warning ("cannot take the acked changes out of the outbox: %s", error->message);
          calque_store_rollback (self->store);
        }
    }
  self->push_in_flight = FALSE;
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  push_outbox (self);
  check_once_done (self);
}

typedef struct
{
  char      *server_url;
  char      *token;
  GPtrArray *shas;
  GPtrArray *fetched;
} Prefetch;

static void
prefetch_free (Prefetch *prefetch)
{
  g_free (prefetch->server_url);
  g_free (prefetch->token);
  g_ptr_array_unref (prefetch->shas);
  g_ptr_array_unref (prefetch->fetched);
  g_free (prefetch);
}

static void
prefetch_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  CalqueSyncClient *self = source;
  Prefetch *prefetch = data;

  for (guint i = 0; i < prefetch->shas->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autoptr(GError) error = NULL;
      const char *sha256 = g_ptr_array_index (prefetch->shas, i);

      /* One missing is no reason to miss the others; it is tried again. */
      if (calque_blob_download (prefetch->server_url, prefetch->token, self->blobs, sha256, cancellable, &error))
        g_ptr_array_add (prefetch->fetched, g_strdup (sha256));
      else
        g_debug ("cannot prefetch media %s: %s", sha256, error->message);
    }
  calque_blob_cache_sync (self->blobs, NULL);
  g_task_return_boolean (task, TRUE);
}

static void prefetch_assigned (CalqueSyncClient *self);

static void
prefetch_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CalqueSyncClient *self = CALQUE_SYNC_CLIENT (object);
  Prefetch *prefetch = g_task_get_task_data (G_TASK (result));

  self->prefetching = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  for (guint i = 0; i < prefetch->fetched->len; i++)
    g_signal_emit (self, signals[MEDIA_FETCHED], 0, g_ptr_array_index (prefetch->fetched, i));
  if (self->prefetch_again)
    {
      self->prefetch_again = FALSE;
      prefetch_assigned (self);
    }
}

/* Fetches, in a thread, the media of the items that tasks give to the
 * signed-in person and that are not here yet, so that work goes on
 * offline. One at a time; asked again meanwhile, it runs once more. */
static void
prefetch_assigned (CalqueSyncClient *self)
{
  g_autofree char *user = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GTask) task = NULL;
  Prefetch *prefetch;

  if (self->blobs == NULL)
    return;
  if (self->prefetching)
    {
      self->prefetch_again = TRUE;
      return;
    }
  user = calque_store_get_setting (self->store, "user");
  if (user == NULL)
    return;
  missing = calque_blob_missing_for (self->store, self->blobs, self->project_id, user, NULL);
  if (missing == NULL || missing->len == 0)
    return;

  self->prefetching = TRUE;
  prefetch = g_new0 (Prefetch, 1);
  prefetch->server_url = g_strdup (self->server_url);
  prefetch->token = g_strdup (self->token);
  prefetch->shas = g_steal_pointer (&missing);
  prefetch->fetched = g_ptr_array_new_with_free_func (g_free);
  task = g_task_new (self, self->cancellable, prefetch_done_cb, NULL);
  g_task_set_task_data (task, prefetch, (GDestroyNotify) prefetch_free);
  g_task_run_in_thread (task, prefetch_thread);
}

static void
handle_changes (CalqueSyncClient *self,
                CalqueMessage    *message)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  if (!calque_store_apply_pulled (self->store, self->project_id, message->changes, message->head, changed, &error))
    {
      g_warning ("cannot store changes from the server: %s", error->message);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_STORE,
                                      _("cannot store changes from the server: %s"), error->message));
      close_connection (self);
      return;
    }
  self->pulled += message->changes->len;
  if (changed->len > 0)
    {
      g_ptr_array_add (changed, NULL);
      g_signal_emit (self, signals[RECORDS_CHANGED], 0, (char **) changed->pdata);
    }
  /* Kept connected, media of new work come ahead of need. */
  if (self->running)
    for (guint i = 0; i < message->changes->len; i++)
      {
        CalqueChange *change = g_ptr_array_index (message->changes, i);

        if (change->kind == CALQUE_KIND_TASK || change->kind == CALQUE_KIND_ITEM)
          {
            prefetch_assigned (self);
            break;
          }
      }
  check_once_done (self);
}

static void
handle_error (CalqueSyncClient *self,
              CalqueMessage    *message)
{
  g_debug ("the server said %s: %s", calque_sync_code_to_string (message->code), message->message);

  switch (message->code)
    {
    case CALQUE_SYNC_CODE_UNAUTHORIZED:
    case CALQUE_SYNC_CODE_TOKEN_EXPIRED:
      /* Over until the person signs in again; the outbox waits. */
      self->running = FALSE;
      g_clear_handle_id (&self->reconnect_id, g_source_remove);
      set_state (self, CALQUE_SYNC_CLIENT_SIGNED_OUT);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT,
                                      _("the session is over (%s); sign in again"), message->message));
      break;
    case CALQUE_SYNC_CODE_FORBIDDEN:
    case CALQUE_SYNC_CODE_NOT_FOUND:
      self->running = FALSE;
      g_clear_handle_id (&self->reconnect_id, g_source_remove);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_FORBIDDEN,
                                      _("project %s: %s"), self->project_id, message->message));
      break;
    case CALQUE_SYNC_CODE_BAD_MESSAGE:
    case CALQUE_SYNC_CODE_TOO_LARGE:
    case CALQUE_SYNC_CODE_UNSUPPORTED_VERSION:
      g_warning ("the server refused a message: %s", message->message);
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_PROTOCOL,
                                      _("the server refused a message: %s"), message->message));
      break;
    case CALQUE_SYNC_CODE_TOO_SLOW:
    case CALQUE_SYNC_CODE_SERVER_SHUTDOWN:
    case CALQUE_SYNC_CODE_INTERNAL:
    default:
      /* The server closes the connection; the reconnection comes then. */
      break;
    }
}

/* Tells the server where the person is, if it does not know yet. */
static void
tell_presence (CalqueSyncClient *self)
{
  g_autoptr(CalqueMessage) message = NULL;

  if (!self->welcomed || !connection_open (self) || g_strcmp0 (self->presence, self->presence_told) == 0)
    return;
  message = calque_message_new_presence (self->presence);
  send_message (self, message);
  g_free (self->presence_told);
  self->presence_told = g_strdup (self->presence);
}

static int
compare_presence (gconstpointer a,
                  gconstpointer b)
{
  const CalquePresence *pa = *(const CalquePresence * const *) a;
  const CalquePresence *pb = *(const CalquePresence * const *) b;

  return strcmp (pa->user, pb->user);
}

static gboolean
same_presence (GPtrArray *a,
               GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const CalquePresence *pa = g_ptr_array_index (a, i);
      const CalquePresence *pb = g_ptr_array_index (b, i);

      if (strcmp (pa->user, pb->user) != 0 || g_strcmp0 (pa->item, pb->item) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Takes @users (CalquePresence) as the list of who else is where. */
static void
set_others (CalqueSyncClient *self,
            GPtrArray        *users)
{
  g_autoptr(GPtrArray) others = users;

  /* The list has one entry per user, this person's included: their own
   * entry is here, or on another of their devices, and says nothing new. */
  for (guint i = others->len; i > 0; i--)
    {
      const CalquePresence *presence = g_ptr_array_index (others, i - 1);

      if (g_strcmp0 (presence->user, self->user) == 0)
        g_ptr_array_remove_index (others, i - 1);
    }
  g_ptr_array_sort (others, compare_presence);

  if (same_presence (self->others, others))
    return;
  g_ptr_array_unref (self->others);
  self->others = g_steal_pointer (&others);
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0);
}

static void
handle_message (CalqueSyncClient *self,
                CalqueMessage    *message)
{
  switch (message->type)
    {
    case CALQUE_MESSAGE_WELCOME:
      self->welcomed = TRUE;
      self->welcome_head = message->head;
      self->attempts = 0;
      g_free (self->user);
      self->user = g_strdup (message->user);
      set_state (self, CALQUE_SYNC_CLIENT_ONLINE);
      /* A new connection: the server knows nothing of where we are. */
      g_clear_pointer (&self->presence_told, g_free);
      tell_presence (self);
      push_outbox (self);
      if (self->running)
        prefetch_assigned (self);
      check_once_done (self);
      break;
    case CALQUE_MESSAGE_CHANGES:
      handle_changes (self, message);
      break;
    case CALQUE_MESSAGE_ACK:
      handle_ack (self, message);
      break;
    case CALQUE_MESSAGE_ERROR:
      handle_error (self, message);
      break;
    case CALQUE_MESSAGE_PRESENCE_LIST:
      set_others (self, g_steal_pointer (&message->users));
      break;
    default:
      break;
    }
}

/* A frame on its way through the decoder. */
typedef struct
{
  CalqueSyncClient *self;        /* a reference, taken and dropped here */
  guint             generation;
  GBytes           *bytes;
  CalqueMessage    *message;
  GError           *error;
} Frame;

static void
frame_free (Frame *frame)
{
  g_object_unref (frame->self);
  g_bytes_unref (frame->bytes);
  g_clear_pointer (&frame->message, calque_message_free);
  g_clear_error (&frame->error);
  g_free (frame);
}

static gboolean
deliver_cb (gpointer user_data)
{
  Frame *frame = user_data;
  CalqueSyncClient *self = frame->self;

  /* From a connection that is gone: its successor says hello again. */
  if (frame->generation != self->generation)
    return G_SOURCE_REMOVE;
  if (frame->message == NULL)
    {
      g_warning ("a message from the server does not decode: %s", frame->error->message);
      return G_SOURCE_REMOVE;
    }
  handle_message (self, frame->message);

  /* A page of changes takes a while to free, and this thread is the one
   * that stores them: the decoder's thread frees it, between frames. The
   * message alone goes back, not the frame, whose reference to the client
   * must be dropped here. */
  if (frame->message->changes != NULL && frame->message->changes->len > 0)
    {
      Frame *spent = g_new0 (Frame, 1);

      spent->message = g_steal_pointer (&frame->message);
      g_thread_pool_push (self->decoder, spent, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* In the decoder's thread: one thread, so frames keep their order. A
 * frame without a client is a message handled already, to free. */
static void
decode_frame (gpointer data,
              gpointer user_data)
{
  Frame *frame = data;
  gsize length = 0;
  const char *bytes;
  g_autoptr(GSource) source = NULL;

  if (frame->self == NULL)
    {
      calque_message_free (frame->message);
      g_free (frame);
      return;
    }

  bytes = g_bytes_get_data (frame->bytes, &length);
  source = g_idle_source_new ();

  frame->message = calque_message_decode (bytes, length, &frame->error);
  /* Always through a source of the engine's context: g_main_context_invoke()
   * would run the callback right here, in this thread, whenever that
   * context happens to be free, and the store is not for two threads. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, frame, (GDestroyNotify) frame_free);
  g_source_set_static_name (source, "calque-sync-frame");
  g_source_attach (source, frame->self->context);
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *bytes,
            CalqueSyncClient        *self)
{
  Frame *frame = g_new0 (Frame, 1);

  frame->self = g_object_ref (self);
  frame->generation = self->generation;
  frame->bytes = g_bytes_ref (bytes);
  g_thread_pool_push (self->decoder, frame, NULL);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  CalqueSyncClient *self = user_data;

  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (CalqueSyncClient *self)
{
  guint delay;

  if (!self->running || self->reconnect_id != 0)
    return;
  delay = BACKOFF_FIRST_MS << MIN (self->attempts, 6);
  delay = MIN (delay, BACKOFF_MAX_MS);
  delay = (guint) (delay * g_random_double_range (0.5, 1.5));
  self->attempts++;
  g_debug ("reconnecting to %s in %u ms", self->server_url, delay);
  self->reconnect_id = g_timeout_add (delay, reconnect_cb, self);
}

static void
connection_lost (CalqueSyncClient *self,
                 const char       *why)
{
  self->generation++;
  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      g_clear_object (&self->conn);
    }
  self->welcomed = FALSE;
  self->push_in_flight = FALSE;
  g_clear_pointer (&self->presence_told, g_free);
  if (self->state != CALQUE_SYNC_CLIENT_SIGNED_OUT)
    set_state (self, CALQUE_SYNC_CLIENT_OFFLINE);
  /* Offline, nobody is known to be anywhere. */
  set_others (self, g_ptr_array_new ());
  finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_NETWORK,
                                  "%s: %s", self->server_url, why));
  schedule_reconnect (self);
}

static void
closed_cb (SoupWebsocketConnection *conn,
           CalqueSyncClient        *self)
{
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  connection_lost (self, _("the connection was closed"));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CalqueSyncClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) hello = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_clear_object (&self->connecting);
  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connection_lost (self, error->message);
      return;
    }

  self->conn = conn;
  self->generation++;
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_PAYLOAD);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), self);

  hello = calque_message_new_hello (self->token, self->project_id, calque_store_get_client_id (self->store),
                                    calque_store_get_cursor (self->store, self->project_id));
  send_message (self, hello);
}

/* ws(s)://host:port/api/v1/sync from http(s)://host:port. */
static char *
sync_url (const char *server_url)
{
  g_autoptr(GUri) base = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (base == NULL)
    return NULL;
  scheme = g_strcmp0 (g_uri_get_scheme (base), "https") == 0 ? "wss" : "ws";
  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (base), g_uri_get_port (base),
                     "/api/v1/sync", NULL, NULL);
}

static void
connect_now (CalqueSyncClient *self)
{
  g_autofree char *url = sync_url (self->server_url);
  g_autoptr(SoupMessage) msg = NULL;

  if (self->conn != NULL || self->connecting != NULL)
    return;
  if (url == NULL || (msg = soup_message_new (SOUP_METHOD_GET, url)) == NULL)
    {
      self->running = FALSE;
      finish_once (self, g_error_new (CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_NETWORK,
                                      _("“%s” is not the address of a server"), self->server_url));
      return;
    }

  set_state (self, CALQUE_SYNC_CLIENT_CONNECTING);
  self->connecting = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, self->connecting,
                                        connected_cb, g_object_ref (self));
}

/* --- public ---------------------------------------------------------------- */

CalqueSyncClient *
calque_sync_client_new (CalqueStore *store,
                        const char  *server_url,
                        const char  *token,
                        const char  *project_id)
{
  CalqueSyncClient *self;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (server_url != NULL && token != NULL && project_id != NULL, NULL);

  self = g_object_new (CALQUE_TYPE_SYNC_CLIENT, NULL);
  self->store = g_object_ref (store);
  self->server_url = g_strdup (server_url);
  self->token = g_strdup (token);
  self->project_id = g_strdup (project_id);
  return self;
}

CalqueSyncClientState
calque_sync_client_get_state (CalqueSyncClient *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_CLIENT (self), CALQUE_SYNC_CLIENT_OFFLINE);
  return self->state;
}

void
calque_sync_client_start (CalqueSyncClient *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));

  self->running = TRUE;
  self->attempts = 0;
  connect_now (self);
}

void
calque_sync_client_stop (CalqueSyncClient *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->connecting != NULL)
    g_cancellable_cancel (self->connecting);
  close_connection (self);
}

void
calque_sync_client_set_blob_cache (CalqueSyncClient *self,
                                   CalqueBlobCache  *blobs)
{
  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));
  g_set_object (&self->blobs, blobs);
}

void
calque_sync_client_push_now (CalqueSyncClient *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));
  push_outbox (self);
}

void
calque_sync_client_sync_once (CalqueSyncClient    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));

  g_task_set_source_tag (task, calque_sync_client_sync_once);
  if (self->once != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("a sync is already under way"));
      return;
    }
  self->once = g_steal_pointer (&task);
  self->pushed = self->pulled = self->refused = 0;
  if (self->welcomed)
    {
      push_outbox (self);
      check_once_done (self);
    }
  else
    connect_now (self);
}

gboolean
calque_sync_client_sync_once_finish (CalqueSyncClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
calque_sync_client_set_presence (CalqueSyncClient *self,
                                 const char       *item_id)
{
  g_return_if_fail (CALQUE_IS_SYNC_CLIENT (self));

  if (g_strcmp0 (self->presence, item_id) == 0)
    return;
  g_free (self->presence);
  self->presence = g_strdup (item_id);
  tell_presence (self);
}

const char *
calque_sync_client_get_own_presence (CalqueSyncClient *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_CLIENT (self), NULL);

  return self->presence;
}

GPtrArray *
calque_sync_client_get_presence (CalqueSyncClient *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_CLIENT (self), NULL);

  return self->others;
}

guint64
calque_sync_client_get_pushed (CalqueSyncClient *self)
{
  return self->pushed;
}

guint64
calque_sync_client_get_pulled (CalqueSyncClient *self)
{
  return self->pulled;
}

guint64
calque_sync_client_get_refused (CalqueSyncClient *self)
{
  return self->refused;
}

/* --- GObject ----------------------------------------------------------------- */

static void
calque_sync_client_dispose (GObject *object)
{
  CalqueSyncClient *self = CALQUE_SYNC_CLIENT (object);

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->connecting != NULL)
    g_cancellable_cancel (self->connecting);
  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      close_connection (self);
      g_clear_object (&self->conn);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->blobs);
  G_OBJECT_CLASS (calque_sync_client_parent_class)->dispose (object);
}

static void
calque_sync_client_finalize (GObject *object)
{
  CalqueSyncClient *self = CALQUE_SYNC_CLIENT (object);

  g_free (self->server_url);
  g_free (self->token);
  g_free (self->project_id);
  g_free (self->presence);
  g_free (self->presence_told);
  g_free (self->user);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  g_clear_pointer (&self->uploaded, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  /* Every frame holds a reference: none is left in the decoder now. */
  g_thread_pool_free (self->decoder, FALSE, TRUE);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (calque_sync_client_parent_class)->finalize (object);
}

static void
calque_sync_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CalqueSyncClient *self = CALQUE_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_sync_client_class_init (CalqueSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_sync_client_dispose;
  object_class->finalize = calque_sync_client_finalize;
  object_class->get_property = calque_sync_client_get_property;

  /* A CalqueSyncClientState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CALQUE_SYNC_CLIENT_OFFLINE, CALQUE_SYNC_CLIENT_SIGNED_OUT,
                      CALQUE_SYNC_CLIENT_OFFLINE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CalqueSyncClient::records-changed:
   * @ids: the records that changes from the server touched
   */
  signals[RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);
  /**
   * CalqueSyncClient::refused:
   * @op_no: the outbox entry
   * @code: the server's reason (docs/protocol.md)
   * @message: its words
   *
   * The server refused a change; it is in calque_store_list_refused().
   */
  signals[REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * CalqueSyncClient::media-fetched:
   * @sha256: media of an item assigned to the signed-in person, now in the
   *   blob cache
   */
  signals[MEDIA_FETCHED] =
    g_signal_new ("media-fetched", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CalqueSyncClient::outbox-changed:
   *
   * An ack took changes out of the outbox (sent, or refused): its size,
   * calque_store_get_outbox_size(), is worth reading again.
   */
  signals[OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * CalqueSyncClient::presence-changed:
   *
   * Someone else came, went or moved to another item, or the connection
   * went (and with it what was known): calque_sync_client_get_presence()
   * is worth reading again.
   */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
calque_sync_client_init (CalqueSyncClient *self)
{
  self->session = soup_session_new_with_options ("timeout", 60, NULL);
  self->state = CALQUE_SYNC_CLIENT_OFFLINE;
  self->uploaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->others = g_ptr_array_new ();
  self->context = g_main_context_ref_thread_default ();
  self->decoder = g_thread_pool_new (decode_frame, NULL, 1, FALSE, NULL);
}
