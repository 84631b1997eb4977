/* calque-item-comments.h — the comment threads of one item
 *
 * A comment (docs/data-model.md) is on an item, or on one of its
 * annotations; a comment without a parent starts a thread, and replies
 * name the thread's first comment as their parent (threads have one
 * level: a reply to a reply joins the same thread). The model is a
 * GListModel of CalqueRecord comments in reading order: each thread's
 * first comment, then its replies, oldest first; threads oldest first.
 * A first comment deleted while replies remain stays in the list as its
 * tombstone (calque_record_get_deleted()), so that the replies keep
 * their thread.
 *
 * Who may do what follows the server (server/calque-access.c): anyone
 * with access writes comments, as themselves; only its author edits a
 * comment; its author or an owner or manager deletes it; a thread is
 * resolved or reopened by its author or by a reviewer, manager or owner.
 * The user's role is read from the project's member records; a workspace
 * that has none (a local one) is its user's own.
 *
 * Unread comments: those by others that the user had not seen when they
 * last read the item. The mark is kept in the workspace only (a setting
 * "comments-read:USER:ITEM"), never synced, and holds the ids of the
 * comments read, not a time: a comment written offline a day ago arrives
 * today with yesterday's date, and devices' clocks differ; neither may
 * hide a comment from someone who has not read it.
 *
 * Text is plain text everywhere, never markup: the model stores it as
 * typed, trimmed of white space at both ends.
 *
 * The model reads the item's comments again after its own saves and when
 * the sync brought changes (calque_item_comments_reload_records()).
 * GTK-free: the app, calque-cli and the tests share it.
 */
#pragma once

#include <gio/gio.h>

#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_ITEM_COMMENTS_ERROR (calque_item_comments_error_quark ())
typedef enum {
  CALQUE_ITEM_COMMENTS_ERROR_EMPTY,       /* no text, or only white space */
  CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND,   /* no such comment (or annotation) on this item */
  CALQUE_ITEM_COMMENTS_ERROR_NOT_AUTHOR,  /* someone else's comment: only its author edits it */
  CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN,   /* the user's role does not allow it */
} CalqueItemCommentsError;

GQuark calque_item_comments_error_quark (void);

/* In the values of calque_item_comments_dup_marks(): every thread on the
 * annotation is resolved. The count is in the other bits. */
#define CALQUE_COMMENT_MARK_RESOLVED 0x80000000u
#define CALQUE_COMMENT_MARK_COUNT(value) ((guint) ((value) & ~CALQUE_COMMENT_MARK_RESOLVED))

#define CALQUE_TYPE_ITEM_COMMENTS (calque_item_comments_get_type ())
G_DECLARE_FINAL_TYPE (CalqueItemComments, calque_item_comments, CALQUE, ITEM_COMMENTS, GObject)

/* The comments of @item, for @user (the signed-in user, or the local name). */
CalqueItemComments *calque_item_comments_new          (CalqueStore         *store,
                                                      CalqueRecord        *item,
                                                      const char          *user,
                                                      GError             **error);
CalqueRecord       *calque_item_comments_get_item     (CalqueItemComments  *self);
const char         *calque_item_comments_get_user     (CalqueItemComments  *self);
/* The comment @id, or NULL; owned by the model. */
CalqueRecord       *calque_item_comments_lookup       (CalqueItemComments  *self,
                                                      const char          *id);

/* The first comment of the thread @id is in (@id itself for a first one). */
const char         *calque_item_comments_get_root     (CalqueItemComments  *self,
                                                      const char          *id);
gboolean            calque_item_comments_is_reply     (CalqueItemComments  *self,
                                                      const char          *id);
/* The annotation the thread of @id is on, or NULL for the item. */
const char         *calque_item_comments_get_annotation (CalqueItemComments *self,
                                                      const char          *id);
gboolean            calque_item_comments_is_resolved  (CalqueItemComments  *self,
                                                      const char          *id);
guint               calque_item_comments_get_n_threads (CalqueItemComments *self);

/* Writing. Each is saved in the workspace (and its outbox) before it
 * returns. @annotation_id NULL: a thread on the item. @parent_id: a reply
 * to the thread of that comment, on what the thread is on (@annotation_id
 * is then ignored). Returns the new comment's id. */
char               *calque_item_comments_add          (CalqueItemComments  *self,
                                                      const char          *annotation_id,
                                                      const char          *parent_id,
                                                      const char          *text,
                                                      GError             **error);
/* Sets the text, and "edited" to now. The user's own comments only. */
gboolean            calque_item_comments_edit         (CalqueItemComments  *self,
                                                      const char          *id,
                                                      const char          *text,
                                                      GError             **error);
/* A tombstone; the user's own comments, or anyone's for owners and managers. */
gboolean            calque_item_comments_remove       (CalqueItemComments  *self,
                                                      const char          *id,
                                                      GError             **error);
/* Resolves (or reopens) the thread @id is in. */
gboolean            calque_item_comments_set_resolved (CalqueItemComments  *self,
                                                      const char          *id,
                                                      gboolean             resolved,
                                                      GError             **error);

/* What the user may do, to show only the buttons that work. */
gboolean            calque_item_comments_can_write    (CalqueItemComments  *self);
gboolean            calque_item_comments_can_edit     (CalqueItemComments  *self,
                                                      const char          *id);
gboolean            calque_item_comments_can_remove   (CalqueItemComments  *self,
                                                      const char          *id);
gboolean            calque_item_comments_can_resolve  (CalqueItemComments  *self,
                                                      const char          *id);

/* Unread: comments by others the user has not read here. Emits
 * notify::n-unread when it changes. */
guint               calque_item_comments_get_n_unread (CalqueItemComments  *self);
gboolean            calque_item_comments_is_unread    (CalqueItemComments  *self,
                                                      const char          *id);
/* Every comment shown now is read. */
gboolean            calque_item_comments_mark_read    (CalqueItemComments  *self,
                                                      GError             **error);

/* Annotation id → GUINT_TO_POINTER (number of comments on it, with
 * CALQUE_COMMENT_MARK_RESOLVED when all its threads are resolved), for
 * the markers of the views. */
GHashTable         *calque_item_comments_dup_marks    (CalqueItemComments  *self);

/* Reads the item's comments again (the sync brought changes). */
void                calque_item_comments_reload       (CalqueItemComments  *self);
/* The same, only if one of @ids is a comment of the item. */
void                calque_item_comments_reload_records (CalqueItemComments *self,
                                                      const char * const  *ids);

/* The unread comments of each item of @project_id for @user: item id →
 * GUINT_TO_POINTER (count), items with none left out; their sum in
 * @out_total. One pass over the project's comments. */
GHashTable         *calque_comments_count_unread      (CalqueStore         *store,
                                                      const char          *project_id,
                                                      const char          *user,
                                                      guint               *out_total,
                                                      GError             **error);

G_END_DECLS
