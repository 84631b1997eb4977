/* calque-sync.h — pushes and pulls for one person in one project
 *
 * What a sync session does with the store, with every read and every write
 * checked (calque-access.h): the transport (the WebSocket of
 * docs/protocol.md) decodes messages and calls these; nothing here knows
 * about sockets, so all of it is tested on a real store without a network.
 */
#pragma once

#include "calque-access.h"
#include "calque-server-store.h"

G_BEGIN_DECLS

#define CALQUE_SYNC_ERROR (calque_sync_error_quark ())
typedef enum {
  CALQUE_SYNC_ERROR_NO_PROJECT,   /* no such project */
  CALQUE_SYNC_ERROR_NOT_MEMBER,   /* the user has no role in it */
} CalqueSyncError;

GQuark calque_sync_error_quark (void);

typedef struct {
  char                *project_id;
  char                *user;
  CalqueAccessContext  access;   /* its user points into this struct */
} CalqueSyncSession;

void calque_sync_session_free (CalqueSyncSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueSyncSession, calque_sync_session_free)

/* Who @user is in @project_id: the role of their member record (a server
 * admin counts as an owner), and whether the project is blind. */
CalqueSyncSession *calque_sync_session_new (CalqueServerStore  *store,
                                            const char         *project_id,
                                            const char         *user,
                                            gboolean            admin,
                                            GError            **error);

/* Checks each change, applies the allowed ones in one durable batch, and
 * returns one CalqueApplyResult per change, in order; refused changes have
 * the error code "forbidden" and a message saying why. */
GPtrArray *calque_sync_push (CalqueServerStore        *store,
                             CalqueSyncSession        *session,
                             GPtrArray                *changes,
                             const CalqueMergeOptions *options,
                             GError                  **error);

/* The changes after @after_seq that the session may see, reading at most
 * @limit changes of the stream; @out_next is the seq to pull after next
 * (it moves past filtered changes too). */
GPtrArray *calque_sync_pull (CalqueServerStore  *store,
                             CalqueSyncSession  *session,
                             gint64              after_seq,
                             guint               limit,
                             gint64             *out_next,
                             GError            **error);

G_END_DECLS
