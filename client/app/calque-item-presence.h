/* calque-item-presence.h — who else is on which item of the project shown
 *
 * The presence list of one project (calque_sync_manager_get_presence())
 * turned around for the views that show it: for an item, the names of the
 * people on it, sorted. "changed" says when they may differ; the item
 * table's cells and the item page read it again then.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_ITEM_PRESENCE (calque_item_presence_get_type ())
G_DECLARE_FINAL_TYPE (CalqueItemPresence, calque_item_presence, CALQUE, ITEM_PRESENCE, GObject)

CalqueItemPresence *calque_item_presence_new       (void);
/* @users: CalquePresence (calque-protocol.h), or NULL when the project is
 * not synced: nobody can be known to be anywhere. Emits "changed" if who
 * is where changed. */
void                calque_item_presence_set_users (CalqueItemPresence *self,
                                                    GPtrArray          *users);
/* Whether the project shown is synced, so that presence can be known. */
gboolean            calque_item_presence_get_known (CalqueItemPresence *self);
/* The people on @item_id, by name, or NULL when nobody is. */
const char * const *calque_item_presence_lookup    (CalqueItemPresence *self,
                                                    const char         *item_id);

G_END_DECLS
