/* calque-comment-column.h — the item table's column of unread comments
 *
 * "Comments": how many comments by others on each item the signed-in
 * user has not read (calque-item-comments.h), empty when none, and the
 * project's total in the column's title. The counts
 * are read again each time the item filter reads the project (a reload,
 * a sync, an item closed), with the filter's project and user.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-filter.h"

G_BEGIN_DECLS

void   calque_comment_column_add_to         (GtkColumnView    *view);
/* Reads the counts whenever @filter is loaded; NULL stops. */
void   calque_comment_column_follow         (GtkColumnView    *view,
                                             CalqueItemFilter *filter);
/* The project's unread comments, also in the column's title. */
guint  calque_comment_column_get_total      (GtkColumnView    *view);
/* The unread count shown for @item_id: for tests. */
guint  calque_comment_column_get_unread     (GtkColumnView    *view,
                                             const char       *item_id);

G_END_DECLS
