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

/* A project as sessions are decided on: its record and its members. Read
 * once, it decides for every connection of a broadcast. */
typedef struct {
  CalqueRecord *project;
  GPtrArray    *members;  /* CalqueRecord */
} CalqueSyncProject;

void calque_sync_project_free (CalqueSyncProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueSyncProject, calque_sync_project_free)

/* CALQUE_SYNC_ERROR_NO_PROJECT when there is none, or it was deleted. */
CalqueSyncProject *calque_sync_project_read (CalqueServerStore  *store,
                                             const char         *project_id,
                                             GError            **error);

/* Who @user is in @project_id: the role of their member record (a server
 * admin counts as an owner), and whether the project is blind. */
CalqueSyncSession *calque_sync_session_new (CalqueServerStore  *store,
                                            const char         *project_id,
                                            const char         *user,
                                            gboolean            admin,
                                            GError            **error);
/* The same, from a project already read. */
CalqueSyncSession *calque_sync_session_for (const CalqueSyncProject *project,
                                            const char              *user,
                                            gboolean                 admin,
                                            GError                 **error);

/* Checks each change, applies the allowed ones in one durable batch, and
 * returns one CalqueApplyResult per change, in order; refused changes have
 * the error code "forbidden" and a message saying why. */
GPtrArray *calque_sync_push (CalqueServerStore        *store,
                             CalqueSyncSession        *session,
                             GPtrArray                *changes,
                             const CalqueMergeOptions *options,
                             GError                  **error);

/* A page of the stream, read once to serve every connection of a project.
 * The records that decide what an annotator of a blind project may see are
 * looked up the first time such a session asks, and kept. */
typedef struct {
  GPtrArray *changes;  /* CalqueChange, ascending */
  gint64     next;     /* the seq to read after next */
  GPtrArray *records;  /* NULL until needed; then CalqueRecord or NULL, the record of each change as stored */
  GPtrArray *abouts;   /* likewise: the annotation each concerns */
} CalqueSyncPage;

void calque_sync_page_free (CalqueSyncPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueSyncPage, calque_sync_page_free)

/* At most @limit changes of @project_id after @after_seq. */
CalqueSyncPage *calque_sync_page_read (CalqueServerStore  *store,
                                       const char         *project_id,
                                       gint64              after_seq,
                                       guint               limit,
                                       GError            **error);
/* The changes of @page that @session may see, in order; they belong to
 * the page. A change whose record cannot be read is not shown to a session
 * that would need it to decide. */
GPtrArray *calque_sync_page_visible (CalqueSyncPage          *page,
                                     CalqueServerStore       *store,
                                     const CalqueSyncSession *session);

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
