/* calque-sync-client.h — the client half of the sync model, for one project
 *
 * Speaks docs/protocol.md over the sync WebSocket: says hello with the
 * workspace's cursor, merges what the server streams into the store
 * (calque_store_apply_pulled()), pushes the outbox in batches and takes
 * each ack out of it (calque-store-sync.h). Everything it needs to resume
 * is in the workspace file, so a crash at any point loses and duplicates
 * nothing: an outbox entry leaves only with its ack, and a retry is the same
 * change under the same op number, which the server applies once.
 *
 * Kept connected (calque_sync_client_start()), it also fetches ahead the
 * media of the items tasks give to the signed-in person (with a blob
 * cache set), so that work can go on offline. It reconnects after any
 * drop with exponential backoff and jitter, and stops when the session is
 * over (expired or revoked token: CALQUE_SYNC_CLIENT_SIGNED_OUT), keeping
 * the outbox for after the next sign-in. calque_sync_client_sync_once()
 * does one round for calque-cli: connect, push everything, pull to the
 * head, disconnect.
 *
 * Presence (docs/protocol.md) is best effort and lives only while online:
 * the client tells the server which item the person is on, again after
 * each reconnection since the server forgets a connection that is gone,
 * and keeps the server's list of who else is where. The server merges the
 * connections of one user into one entry, so the list is per user, and
 * the signed-in user is left out of it: their other devices do not show.
 * Offline, nobody is known to be anywhere and the list is empty.
 *
 * GTK-free: calque-cli, the tests and the app use it alike.
 */
#pragma once

#include <gio/gio.h>
#include "calque-blob-cache.h"
#include "calque-protocol.h"
#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_SYNC_CLIENT_ERROR (calque_sync_client_error_quark ())
typedef enum {
  CALQUE_SYNC_CLIENT_ERROR_NETWORK,    /* cannot reach the server, or the connection dropped */
  CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT, /* the token expired or was revoked: sign in again */
  CALQUE_SYNC_CLIENT_ERROR_FORBIDDEN,  /* no access to the project, or no such project */
  CALQUE_SYNC_CLIENT_ERROR_PROTOCOL,   /* the server said something this client cannot use */
  CALQUE_SYNC_CLIENT_ERROR_STORE,      /* the workspace could not be written */
} CalqueSyncClientError;

GQuark calque_sync_client_error_quark (void);

typedef enum {
  CALQUE_SYNC_CLIENT_OFFLINE,
  CALQUE_SYNC_CLIENT_CONNECTING,
  CALQUE_SYNC_CLIENT_ONLINE,
  CALQUE_SYNC_CLIENT_SIGNED_OUT,
} CalqueSyncClientState;

#define CALQUE_TYPE_SYNC_CLIENT (calque_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSyncClient, calque_sync_client, CALQUE, SYNC_CLIENT, GObject)

/* @server_url: http(s)://host:port of calque-server. */
CalqueSyncClient     *calque_sync_client_new        (CalqueStore      *store,
                                                     const char       *server_url,
                                                     const char       *token,
                                                     const char       *project_id);
CalqueSyncClientState calque_sync_client_get_state  (CalqueSyncClient *self);

/* Stays connected until stopped; see above. */
void                  calque_sync_client_start      (CalqueSyncClient *self);
void                  calque_sync_client_stop       (CalqueSyncClient *self);
/* Where the workspace keeps media: items pushed from here have theirs sent
 * first. Without it, media are not sent. */
void                  calque_sync_client_set_blob_cache (CalqueSyncClient *self,
                                                     CalqueBlobCache  *blobs);
/* There is something new in the outbox: push it now if online. */
void                  calque_sync_client_push_now   (CalqueSyncClient *self);

void                  calque_sync_client_sync_once  (CalqueSyncClient   *self,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean              calque_sync_client_sync_once_finish (CalqueSyncClient *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

/* The item the person is on (NULL: none); sent when online and changed. */
void                  calque_sync_client_set_presence (CalqueSyncClient *self,
                                                     const char       *item_id);
const char           *calque_sync_client_get_own_presence (CalqueSyncClient *self);
/* Who else is in the project, and on which item: CalquePresence
 * (calque-protocol.h), by user name; empty while not online. Valid until
 * the next ::presence-changed. */
GPtrArray            *calque_sync_client_get_presence (CalqueSyncClient *self);

/* Figures of the last round or connection, for `calque-cli sync`. */
guint64               calque_sync_client_get_pushed (CalqueSyncClient *self);
guint64               calque_sync_client_get_pulled (CalqueSyncClient *self);
guint64               calque_sync_client_get_refused (CalqueSyncClient *self);

G_END_DECLS
