/* calque-presence-column.c — the item table's column of who is on each item */
#define G_LOG_DOMAIN "calque-presence-column"

#include "calque-presence-column.h"

#include <glib/gi18n-lib.h>

#include "calque-avatar-row.h"
#include "calque-record.h"

/* About a line of text: the rows keep their height. */
#define AVATAR_SIZE 24

/* Kept on a bound cell's row of avatars: clearing it (unbind, teardown,
 * the widget finalized) disconnects the cell, so that cells scrolled away
 * leave nothing connected behind them. */
#define CELL_HANDLER "calque-presence-handler"

typedef struct {
  CalqueItemPresence *presence;
  gulong              handler_id;
} CellHandler;

static void
cell_handler_free (gpointer data)
{
  CellHandler *handler = data;

  g_clear_signal_handler (&handler->handler_id, handler->presence);
  g_object_unref (handler->presence);
  g_free (handler);
}

static void
update_cell (GtkListItem        *list_item,
             CalqueItemPresence *presence)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row == NULL)
    return;
  calque_avatar_row_set_names (CALQUE_AVATAR_ROW (row),
                               item != NULL ? calque_item_presence_lookup (presence, calque_record_get_id (item))
                                            : NULL);
}

static void
presence_changed_cb (CalqueItemPresence *presence,
                     GtkListItem        *list_item)
{
  update_cell (list_item, presence);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          CalqueItemPresence       *presence)
{
  GtkWidget *row = calque_avatar_row_new (AVATAR_SIZE);

  gtk_widget_set_halign (row, GTK_ALIGN_START);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         CalqueItemPresence       *presence)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  CellHandler *handler = g_new0 (CellHandler, 1);

  update_cell (list_item, presence);
  /* People come and go on items that stay in view. */
  handler->presence = g_object_ref (presence);
  handler->handler_id = g_signal_connect (presence, "changed", G_CALLBACK (presence_changed_cb), list_item);
  g_object_set_data_full (G_OBJECT (row), CELL_HANDLER, handler, cell_handler_free);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CalqueItemPresence       *presence)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row != NULL)
    g_object_set_data (G_OBJECT (row), CELL_HANDLER, NULL);
}

static void
presence_closure_notify (gpointer  data,
                         GClosure *closure)
{
  g_object_unref (data);
}

static void
known_changed_cb (CalqueItemPresence  *presence,
                  GtkColumnViewColumn *column)
{
  gtk_column_view_column_set_visible (column, calque_item_presence_get_known (presence));
}

void
calque_presence_column_add_to (GtkColumnView      *view,
                               CalqueItemPresence *presence)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (CALQUE_IS_ITEM_PRESENCE (presence));

  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cb), g_object_ref (presence),
                         presence_closure_notify, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), presence);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), presence);
  /* A cell destroyed while bound is not always unbound first. */
  g_signal_connect (factory, "teardown", G_CALLBACK (unbind_cb), presence);

  /* Translators: the heading of the column of who is on each item */
  column = gtk_column_view_column_new (_("Here"), g_object_ref (factory));
  gtk_column_view_column_set_fixed_width (column, 110);
  gtk_column_view_column_set_visible (column, calque_item_presence_get_known (presence));
  gtk_column_view_append_column (view, column);
  g_signal_connect_object (presence, "changed", G_CALLBACK (known_changed_cb), column, 0);
}
