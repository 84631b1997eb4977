/* calque-server-store.h — where the server keeps everything
 *
 * One interface, one file per backend (calque-sqlite-store.c, the default;
 * calque-mongo-store.c for several servers, docs/deploy.md), and one
 * conformance suite (tests/server/test-store-conformance.c) that every
 * backend passes. The server decides; the store keeps:
 *
 * - apply() merges a batch of changes into one project in one transaction
 *   and returns only when it is durable. Each applied change gets the
 *   project's next seq; a (client, op) seen before gets its first seq back
 *   and changes nothing (a retried push). Conflicts the merge makes are
 *   stored and streamed like any change, with seqs of their own.
 * - group_begin() and group_commit() let the server make the pushes of
 *   several clients durable with one commit (one fsync), as databases do
 *   with group commit. Inside a group, apply() returns before its batch is
 *   durable; group_commit() makes all of them durable, or none. A backend
 *   without groups leaves both NULL: each apply() is then durable alone.
 * - changes_since() is the stream: everything of a project after a seq.
 * - users and tokens for sign-in; tokens are stored by hash only.
 * - "changes-written" tells the server that someone else — another
 *   calque-server process sharing the same database — committed changes
 *   of a project, so that its sync sessions read them as they read their
 *   own (DESIGN.md, "Storage backends"). A backend that has no other
 *   writers (SQLite) never emits it.
 */
#pragma once

#include <glib-object.h>
#include "calque-merge.h"

G_BEGIN_DECLS

#define CALQUE_SERVER_STORE_ERROR (calque_server_store_error_quark ())
typedef enum {
  CALQUE_SERVER_STORE_ERROR_NOT_FOUND,  /* no such user, token or record */
  CALQUE_SERVER_STORE_ERROR_EXISTS,     /* a user by that name already */
  CALQUE_SERVER_STORE_ERROR_BACKEND,    /* the database said no */
  CALQUE_SERVER_STORE_ERROR_CORRUPT,    /* a stored row does not decode */
} CalqueServerStoreError;

GQuark calque_server_store_error_quark (void);

/* What became of one pushed change: a seq, or an error code of
 * docs/protocol.md (invalid, forbidden, deleted, clock-ahead, conflict-kind)
 * with a message for the person who made the change. */
typedef struct {
  char    *client_id;
  guint64  op_no;
  gint64   seq;
  char    *error_code;
  char    *error_message;
} CalqueApplyResult;

void calque_apply_result_free (CalqueApplyResult *result);
/* The docs/protocol.md code of a refusal by calque_merge_change(). */
const char *calque_apply_result_code (const GError *merge_error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueApplyResult, calque_apply_result_free)

/* A change of the stream as JSON text, as calque_change_to_json() and
 * calque-json-writer write it: what a changes message carries. */
typedef struct {
  gint64  seq;
  char   *json;
} CalqueEncodedChange;

CalqueEncodedChange *calque_encoded_change_new (const CalqueChange *change);
void calque_encoded_change_free (CalqueEncodedChange *change);

#define CALQUE_TYPE_SERVER_STORE (calque_server_store_get_type ())
G_DECLARE_INTERFACE (CalqueServerStore, calque_server_store, CALQUE, SERVER_STORE, GObject)

struct _CalqueServerStoreInterface {
  GTypeInterface parent_iface;

  gboolean      (*apply)         (CalqueServerStore        *self,
                                  const char               *project_id,
                                  GPtrArray                *changes,
                                  const char               *author,
                                  const CalqueMergeOptions *options,
                                  GPtrArray                *results,
                                  GError                  **error);
  GPtrArray    *(*changes_since) (CalqueServerStore        *self,
                                  const char               *project_id,
                                  gint64                    after_seq,
                                  guint                     limit,
                                  GError                  **error);
  gint64        (*get_head)      (CalqueServerStore        *self,
                                  const char               *project_id,
                                  GError                  **error);
  CalqueRecord *(*get_record)    (CalqueServerStore        *self,
                                  const char               *id,
                                  GError                  **error);
  GPtrArray    *(*list_records)  (CalqueServerStore        *self,
                                  const char               *project_id,
                                  CalqueKind                kind,
                                  GError                  **error);
  GPtrArray    *(*list_items_with_blob) (CalqueServerStore *self,
                                  const char               *sha256,
                                  GError                  **error);
  GPtrArray    *(*list_memberships) (CalqueServerStore     *self,
                                  const char               *user,
                                  GError                  **error);
  gboolean      (*add_user)      (CalqueServerStore        *self,
                                  const char               *name,
                                  const char               *password_hash,
                                  gboolean                  admin,
                                  GError                  **error);
  gboolean      (*get_user)      (CalqueServerStore        *self,
                                  const char               *name,
                                  char                    **out_password_hash,
                                  gboolean                 *out_admin,
                                  GError                  **error);
  gboolean      (*add_token)     (CalqueServerStore        *self,
                                  const char               *token_hash,
                                  const char               *user,
                                  gint64                    expires_s,
                                  GError                  **error);
  gboolean      (*lookup_token)  (CalqueServerStore        *self,
                                  const char               *token_hash,
                                  char                    **out_user,
                                  gint64                   *out_expires_s,
                                  GError                  **error);
  gboolean      (*revoke_token)  (CalqueServerStore        *self,
                                  const char               *token_hash,
                                  GError                  **error);
  /* Optional: a backend that keeps changes as JSON text hands it over. */
  GPtrArray    *(*changes_since_json) (CalqueServerStore   *self,
                                  const char               *project_id,
                                  gint64                    after_seq,
                                  guint                     limit,
                                  GError                  **error);
  gboolean      (*group_begin)   (CalqueServerStore        *self,
                                  GError                  **error);
  gboolean      (*group_commit)  (CalqueServerStore        *self,
                                  GError                  **error);
};

/* @changes: CalqueChange, all of @project_id. @author is set on each.
 * @results receives one CalqueApplyResult per change, in order. FALSE
 * only when the batch could not be stored at all: then nothing was. */
gboolean      calque_server_store_apply         (CalqueServerStore        *self,
                                                 const char               *project_id,
                                                 GPtrArray                *changes,
                                                 const char               *author,
                                                 const CalqueMergeOptions *options,
                                                 GPtrArray                *results,
                                                 GError                  **error);
/* Starts a group of apply() calls that one commit makes durable. Groups
 * do not nest. */
gboolean      calque_server_store_group_begin   (CalqueServerStore        *self,
                                                 GError                  **error);
/* Makes every batch applied since group_begin() durable and returns; on
 * FALSE none of them is stored, whatever apply() answered, and no ack may
 * go out for them. */
gboolean      calque_server_store_group_commit  (CalqueServerStore        *self,
                                                 GError                  **error);
/* CalqueChange with seq and author, ascending, at most @limit. */
GPtrArray    *calque_server_store_changes_since (CalqueServerStore        *self,
                                                 const char               *project_id,
                                                 gint64                    after_seq,
                                                 guint                     limit,
                                                 GError                  **error);
/* The same as CalqueEncodedChange: for a broadcast, which passes the text
 * on to many connections. Backends without changes_since_json() have their
 * changes encoded here. */
GPtrArray    *calque_server_store_changes_since_json (CalqueServerStore *self,
                                                 const char               *project_id,
                                                 gint64                    after_seq,
                                                 guint                     limit,
                                                 GError                  **error);
/* The last seq of the project; 0 for a project without changes. */
gint64        calque_server_store_get_head      (CalqueServerStore        *self,
                                                 const char               *project_id,
                                                 GError                  **error);
CalqueRecord *calque_server_store_get_record    (CalqueServerStore        *self,
                                                 const char               *id,
                                                 GError                  **error);
/* Records of one kind in a project, tombstones left out, oldest first. */
GPtrArray    *calque_server_store_list_records  (CalqueServerStore        *self,
                                                 const char               *project_id,
                                                 CalqueKind                kind,
                                                 GError                  **error);
/* The items (of any project) whose media is @sha256, tombstones left out. */
GPtrArray    *calque_server_store_list_items_with_blob (CalqueServerStore *self,
                                                 const char               *sha256,
                                                 GError                  **error);
/* The member records (of any project) that name @user, tombstones left out. */
GPtrArray    *calque_server_store_list_memberships (CalqueServerStore     *self,
                                                 const char               *user,
                                                 GError                  **error);
gboolean      calque_server_store_add_user      (CalqueServerStore        *self,
                                                 const char               *name,
                                                 const char               *password_hash,
                                                 gboolean                  admin,
                                                 GError                  **error);
gboolean      calque_server_store_get_user      (CalqueServerStore        *self,
                                                 const char               *name,
                                                 char                    **out_password_hash,
                                                 gboolean                 *out_admin,
                                                 GError                  **error);
gboolean      calque_server_store_add_token     (CalqueServerStore        *self,
                                                 const char               *token_hash,
                                                 const char               *user,
                                                 gint64                    expires_s,
                                                 GError                  **error);
gboolean      calque_server_store_lookup_token  (CalqueServerStore        *self,
                                                 const char               *token_hash,
                                                 char                    **out_user,
                                                 gint64                   *out_expires_s,
                                                 GError                  **error);
gboolean      calque_server_store_revoke_token  (CalqueServerStore        *self,
                                                 const char               *token_hash,
                                                 GError                  **error);

/* For backends: emits "changes-written" (project_id, seq), which says that
 * another writer committed changes of @project_id up to @seq. A NULL
 * @project_id (and seq 0) says that changes may have been missed: any
 * project may have new ones. Call it on the main context of the thread
 * that uses the store; handlers run there. */
void          calque_server_store_emit_changes_written (CalqueServerStore *self,
                                                 const char               *project_id,
                                                 gint64                    seq);

G_END_DECLS
