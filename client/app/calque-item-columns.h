/* calque-item-columns.h — the columns of the item table
 *
 * Name, Kind and Details, each with its own cell factory, and sorters on
 * Name and Kind. The column view's model holds CalqueRecord items.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void calque_item_columns_add_to (GtkColumnView *view);

G_END_DECLS
