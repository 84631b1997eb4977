/* calque-store-sync.h — what the sync engine reads from and writes to the store
 *
 * The local half of DESIGN.md's sync model, kept in the workspace file so
 * that it survives a crash at any point:
 *
 * - The outbox: every local save wrote, in its own transaction, the change
 *   it makes (values, clock, the seq it was made on). They are pushed as
 *   they were written, under the workspace's client id and the outbox row's
 *   op number, so a retry is the same change and the server applies it once.
 *   An ack removes the row; a refusal moves it to the refused list, which is
 *   shown to the person who made the change.
 * - The pull: changes from the server go through the same merge as on the
 *   server, and the project's cursor moves in the same transaction. They
 *   are also merged into a shadow copy of each record as the server has
 *   it: a record with nothing waiting in the outbox is the shadow's, and a
 *   change the server refuses is undone from it, so the workspace always
 *   comes back to what the server has.
 * - Settings: the server, the user and the session token (never the
 *   password).
 */
#pragma once

#include "calque-change.h"
#include "calque-store.h"

G_BEGIN_DECLS

/* The id this workspace pushes its changes under: a UUID made once. */
const char   *calque_store_get_client_id     (CalqueStore   *self);

/* A setting of the workspace, or NULL. */
char         *calque_store_get_setting       (CalqueStore   *self,
                                              const char    *key);
/* @value NULL removes it. */
gboolean      calque_store_set_setting       (CalqueStore   *self,
                                              const char    *key,
                                              const char    *value,
                                              GError       **error);

/* Up to @limit changes of the outbox for @project_id, oldest first, ready
 * to push (CalqueChange). */
GPtrArray    *calque_store_outbox_read       (CalqueStore   *self,
                                              const char    *project_id,
                                              guint          limit,
                                              GError       **error);
/* The server acknowledged op @op_no: it leaves the outbox. */
gboolean      calque_store_outbox_acked      (CalqueStore   *self,
                                              guint64        op_no,
                                              GError       **error);
/* The server refused op @op_no: it leaves the outbox for the refused
 * list, with the server's @code and @message. */
gboolean      calque_store_outbox_refused    (CalqueStore   *self,
                                              guint64        op_no,
                                              const char    *code,
                                              const char    *message,
                                              GError       **error);

typedef struct {
  guint64       op_no;
  CalqueChange *change;
  char         *code;     /* docs/protocol.md: forbidden, deleted, … */
  char         *message;
  gint64        at_s;     /* when the refusal came, Unix seconds */
} CalqueRefusal;

void          calque_refusal_free            (CalqueRefusal *refusal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueRefusal, calque_refusal_free)

/* The refused changes, oldest first (CalqueRefusal). */
GPtrArray    *calque_store_list_refused      (CalqueStore   *self,
                                              GError       **error);

/* The person has read about refusal @op_no: it leaves the list. */
gboolean      calque_store_dismiss_refused   (CalqueStore   *self,
                                              guint64        op_no,
                                              GError       **error);

/* The ids of the projects this workspace has pulled from a server (char *),
 * to keep syncing them when the server cannot say which are the user's. */
GPtrArray    *calque_store_list_synced_projects (CalqueStore *self,
                                              GError       **error);

/* The seq of @project_id the workspace has pulled up to; 0 before any. */
gint64        calque_store_get_cursor        (CalqueStore   *self,
                                              const char    *project_id);
/* Merges @changes (CalqueChange from the server, ascending) into the
 * store and moves the cursor of @project_id past them, in one transaction;
 * with no changes, to @head (docs/protocol.md: an empty changes message
 * says how far the stream was read).
 * Returns the ids of the records that changed (char *) in @out_changed
 * when not NULL. */
gboolean      calque_store_apply_pulled      (CalqueStore   *self,
                                              const char    *project_id,
                                              GPtrArray     *changes,
                                              gint64         head,
                                              GPtrArray     *out_changed,
                                              GError       **error);

G_END_DECLS
