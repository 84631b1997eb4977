/* calque-comments-panel.h — the comment threads of the open item, and writing one
 *
 * The item page's "Comments" pane: each thread with its author, when,
 * whether edited, and what it is on ("On: Box “apple”", a button that
 * selects the annotation), its replies indented, and the buttons the
 * user's role allows (Reply, Resolve or Reopen, Edit, Delete). Below,
 * a text box: Ctrl+Enter sends. A new thread goes on the annotation
 * selected in the view (calque_comments_panel_set_target()), else on
 * the item; Reply and Edit turn the box to that until it is sent or
 * cancelled (Escape).
 *
 * Texts are plain text: shown by labels that never parse markup, with
 * @name mentions in bold from the mention offsets (a PangoAttrList), and
 * in the box with a text tag. Typing "@" offers the names of the
 * project's members and annotators; Tab or a click completes.
 *
 * While the pane is shown, what is unread is marked read in the
 * workspace, and shown as "New" until the item is closed.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-comments.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_COMMENTS_PANEL (calque_comments_panel_get_type ())
G_DECLARE_FINAL_TYPE (CalqueCommentsPanel, calque_comments_panel, CALQUE, COMMENTS_PANEL, GtkBox)

GtkWidget          *calque_comments_panel_new            (void);
/* The comments shown (NULL: none); @store is where the annotations and
 * labels they are on are read. */
void                calque_comments_panel_set_comments   (CalqueCommentsPanel *self,
                                                          CalqueItemComments  *comments,
                                                          CalqueStore         *store);
CalqueItemComments *calque_comments_panel_get_comments   (CalqueCommentsPanel *self);
/* The annotation a new thread goes on (NULL: the item). */
void                calque_comments_panel_set_target     (CalqueCommentsPanel *self,
                                                          const char          *annotation_id);
/* Brings the first thread on @annotation_id into view, highlighted. */
void                calque_comments_panel_show_annotation (CalqueCommentsPanel *self,
                                                          const char          *annotation_id);
/* The toolbar's button that shows and hides the panel, with the number
 * of unread comments beside its icon. The panel starts hidden, and
 * shows itself when an item with unread comments is opened. */
GtkWidget          *calque_comments_panel_get_toggle     (CalqueCommentsPanel *self);
/* Shows the panel (as the toggle does) or hides it. */
void                calque_comments_panel_reveal         (CalqueCommentsPanel *self,
                                                          gboolean             shown);
/* The text box, to type in. */
GtkTextView        *calque_comments_panel_get_text_view  (CalqueCommentsPanel *self);
/* Sends what the box holds, as Ctrl+Enter does. */
gboolean            calque_comments_panel_send           (CalqueCommentsPanel *self);

G_END_DECLS
