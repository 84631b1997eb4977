/* calque-item-columns.h — the columns of the item table
 *
 * Name (with the item's thumbnail), State, Comments (unread, see
 * calque-comment-column.h), Kind and Details, each with
 * its own cell factory, and sorters on Name and Kind. The column view's
 * model holds CalqueRecord items.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-filter.h"
#include "calque-thumbnail-cache.h"

G_BEGIN_DECLS

void calque_item_columns_add_to          (GtkColumnView        *view);
/* Where the Name column's thumbnails come from (NULL: media icons only).
 * Cells ask the cache from memory when bound, and show the thumbnail when
 * it is ready. Set it before the view has items. */
void calque_item_columns_set_thumbnails  (GtkColumnView        *view,
                                          CalqueThumbnailCache *cache);
/* The signed-in user's task state of each item, as loaded by @filter,
 * shown in the State column; the column is hidden while this is NULL. */
void calque_item_columns_set_task_states (GtkColumnView        *view,
                                          CalqueItemFilter     *filter);

G_END_DECLS
