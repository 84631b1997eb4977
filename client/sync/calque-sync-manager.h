/* calque-sync-manager.h — keeps a whole workspace in sync, for the app
 *
 * A CalqueSyncClient syncs one project. The manager runs one for each
 * project the signed-in user has on the server (asked over HTTP, or, when
 * the server cannot be reached, the projects the workspace pulled before),
 * and sums them up for the window: one state, the size of the outbox, the
 * refused changes. It signs in and out, keeping the token in the workspace
 * and never the password. When the server ends the session, every client
 * stops, the outbox stays, and the manager says the session expired until
 * the person signs in again.
 *
 * GTK-free, like the clients it runs.
 */
#pragma once

#include <gio/gio.h>

#include "calque-sync-client.h"
#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_SYNC_MANAGER_ERROR (calque_sync_manager_error_quark ())
typedef enum {
  CALQUE_SYNC_MANAGER_ERROR_OTHER_SERVER, /* the workspace is synced with another server */
  CALQUE_SYNC_MANAGER_ERROR_OTHER_USER,   /* another user's changes wait in the outbox */
} CalqueSyncManagerError;

GQuark calque_sync_manager_error_quark (void);

#define CALQUE_TYPE_SYNC_MANAGER (calque_sync_manager_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSyncManager, calque_sync_manager, CALQUE, SYNC_MANAGER, GObject)

CalqueSyncManager     *calque_sync_manager_new            (CalqueWorkspace   *workspace);

/* Runs the clients if signed in; does nothing otherwise. */
void                   calque_sync_manager_start          (CalqueSyncManager *self);
void                   calque_sync_manager_stop           (CalqueSyncManager *self);
/* Asks the server again which projects are the user's, and pushes now. */
void                   calque_sync_manager_refresh        (CalqueSyncManager *self);
/* Something was saved in the workspace: push it, count the outbox again. */
void                   calque_sync_manager_saved          (CalqueSyncManager *self);

/* OFFLINE, CONNECTING or ONLINE while signed in; SIGNED_OUT otherwise
 * (see :session-expired for why). */
CalqueSyncClientState  calque_sync_manager_get_state      (CalqueSyncManager *self);
gboolean               calque_sync_manager_get_session_expired (CalqueSyncManager *self);
/* Changes saved here that the server has not acknowledged yet. */
gint64                 calque_sync_manager_get_pending    (CalqueSyncManager *self);
/* Changes the server refused, kept until dismissed. */
guint                  calque_sync_manager_get_n_refused  (CalqueSyncManager *self);
char                  *calque_sync_manager_dup_server     (CalqueSyncManager *self);
char                  *calque_sync_manager_dup_user       (CalqueSyncManager *self);
CalqueWorkspace       *calque_sync_manager_get_workspace  (CalqueSyncManager *self);

/* Where the person is: on @item_id of @project_id, or on no item (either
 * NULL). The clients of the other projects say no item. Kept for clients
 * that start later. See calque-sync-client.h about presence. */
void                   calque_sync_manager_set_presence   (CalqueSyncManager *self,
                                                          const char        *project_id,
                                                          const char        *item_id);
/* Who else is on which item of @project_id: CalquePresence, by user; NULL
 * when the project is not synced or its client is not online (nobody can
 * be known to be anywhere then). Valid until the next ::presence-changed. */
GPtrArray             *calque_sync_manager_get_presence   (CalqueSyncManager *self,
                                                          const char        *project_id);

/* The person read about refusal @op_no; see calque_store_list_refused(). */
gboolean               calque_sync_manager_dismiss_refused (CalqueSyncManager *self,
                                                          guint64            op_no,
                                                          GError           **error);

/* Whether @store may sign in to @server (normalized) as @user: not when
 * it holds another server's projects, nor while another user's changes
 * wait to be sent. calque-cli's login checks the same. */
gboolean               calque_sync_manager_check_sign_in  (CalqueStore       *store,
                                                          const char        *server,
                                                          const char        *user,
                                                          GError           **error);

/* Signs in (calque-session.h), keeps the token and starts syncing. */
void                   calque_sync_manager_sign_in        (CalqueSyncManager  *self,
                                                          const char         *server,
                                                          const char         *user,
                                                          const char         *password,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
gboolean               calque_sync_manager_sign_in_finish (CalqueSyncManager  *self,
                                                          GAsyncResult       *result,
                                                          GError            **error);
/* Stops syncing and forgets the token; the server is told when it can be
 * reached. Changes not sent stay for the next sign-in. */
void                   calque_sync_manager_sign_out       (CalqueSyncManager *self);

G_END_DECLS
