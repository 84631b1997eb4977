/* calque-presence-column.h — the item table's column of who is on each item
 *
 * Small avatars of the people on the item, with their names in the
 * tooltip; updated live from a CalqueItemPresence. The column is shown
 * while the project is synced (presence can be known), and is the table's
 * last.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-presence.h"

G_BEGIN_DECLS

void calque_presence_column_add_to (GtkColumnView      *view,
                                    CalqueItemPresence *presence);

G_END_DECLS
