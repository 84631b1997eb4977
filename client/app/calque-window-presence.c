/* calque-window-presence.c — who else is here
 *
 * The window tells the sync manager which item the person has open: the
 * item shown in the item page, or none while the list is shown, another
 * project is chosen, another workspace is opened or the window closes.
 * What the manager hears of the others of the project shown goes to a
 * CalqueItemPresence that the item table's "Here" column and the item
 * page's “Also here: …” read, live.
 */
#define G_LOG_DOMAIN "calque-window"

#include "calque-item-page.h"
#include "calque-presence-column.h"
#include "calque-window-private.h"

/* Shows the presence list of the project shown, in the list and on the
 * open item. */
static void
show_presence (CalqueWindow *self)
{
  CalqueRecord *project = calque_window_get_project (self);
  CalqueRecord *open = _calque_window_item_get_open (self);
  GPtrArray *users = NULL;

  if (self->sync != NULL && project != NULL)
    users = calque_sync_manager_get_presence (self->sync, calque_record_get_id (project));
  calque_item_presence_set_users (self->item_presence, users);

  if (self->item_page != NULL)
    calque_item_page_set_presence (CALQUE_ITEM_PAGE (self->item_page),
                                   open != NULL ? calque_item_presence_lookup (self->item_presence,
                                                                               calque_record_get_id (open))
                                                : NULL);
}

static void
presence_changed_cb (CalqueWindow *self,
                     const char   *project_id)
{
  CalqueRecord *project = calque_window_get_project (self);

  if (self->item_presence == NULL)
    return;
  if (project != NULL && g_strcmp0 (project_id, calque_record_get_id (project)) == 0)
    show_presence (self);
}

void
_calque_window_presence_init (CalqueWindow *self)
{
  self->item_presence = calque_item_presence_new ();
  calque_presence_column_add_to (self->item_view, self->item_presence);
}

void
_calque_window_presence_set_manager (CalqueWindow *self)
{
  /* The manager's handlers all go with the manager
   * (_calque_window_sync_set_workspace() disconnects them by data). */
  if (self->sync != NULL)
    g_signal_connect_swapped (self->sync, "presence-changed", G_CALLBACK (presence_changed_cb), self);
  _calque_window_presence_update (self);
}

/* Every change of the item open, or of the project shown, comes here:
 * both go through the item actions' update (calque-window-item.c). */
void
_calque_window_presence_update (CalqueWindow *self)
{
  CalqueRecord *open;

  /* Before init, and once disposed. */
  if (self->item_presence == NULL)
    return;
  open = _calque_window_item_get_open (self);

  if (self->sync != NULL)
    calque_sync_manager_set_presence (self->sync, open != NULL ? calque_record_get_project (open) : NULL,
                                      open != NULL ? calque_record_get_id (open) : NULL);
  show_presence (self);
}

void
_calque_window_presence_dispose (CalqueWindow *self)
{
  /* Closing the window leaves the item: said before the connection goes,
   * though the server would tell the others then anyway. */
  if (self->sync != NULL)
    calque_sync_manager_set_presence (self->sync, NULL, NULL);
  g_clear_object (&self->item_presence);
}
