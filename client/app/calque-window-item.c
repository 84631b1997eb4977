/* calque-window-item.c — the window's side of annotating an item
 *
 * Activating an item in the list (double click, Enter) opens it in the
 * item page, in place of the list; Page Down and Page Up go to the next
 * and previous item of the list as sorted, Alt+Left goes back to it.
 * Every edit the page makes is pushed to the server at once when signed
 * in; an edit that cannot be saved is said in a toast.
 */
#define G_LOG_DOMAIN "calque-window"

#include <glib/gi18n-lib.h>

#include "calque-item-page.h"
#include "calque-store-sync.h"
#include "calque-window-private.h"

static GListModel *
sorted_items (CalqueWindow *self)
{
  return gtk_single_selection_get_model (self->item_selection);
}

/* While an item is annotated, the canvas takes the sidebar's width too;
 * the projects come back with the list. */
static void
show_sidebar (CalqueWindow *self,
              gboolean      shown)
{
  GtkWidget *sidebar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), CALQUE_TYPE_WINDOW, "sidebar"));
  GtkWidget *separator = gtk_widget_get_next_sibling (sidebar);

  gtk_widget_set_visible (sidebar, shown);
  if (separator != NULL)
    gtk_widget_set_visible (separator, shown);
}

static void
update_item_actions (CalqueWindow *self)
{
  GActionMap *map = G_ACTION_MAP (self);
  guint selected = gtk_single_selection_get_selected (self->item_selection);
  guint n = g_list_model_get_n_items (sorted_items (self));
  gboolean open = _calque_window_item_get_open (self) != NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "next-item")),
                               open && selected != GTK_INVALID_LIST_POSITION && selected + 1 < n);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "previous-item")),
                               open && selected != GTK_INVALID_LIST_POSITION && selected > 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "close-item")), open);
  gtk_widget_set_visible (self->close_item_button, open);
  gtk_widget_set_visible (self->item_sync_button, open);
  gtk_widget_set_visible (self->item_menu_button, open);
  show_sidebar (self, !open);
  _calque_window_presence_update (self);
}


static void
open_position (CalqueWindow *self,
               guint         position)
{
  g_autoptr(CalqueRecord) item = g_list_model_get_item (sorted_items (self), position);
  g_autoptr(GError) error = NULL;
  g_autofree char *author = NULL;
  g_autofree char *subtitle = NULL;
  guint n = g_list_model_get_n_items (sorted_items (self));

  if (item == NULL || self->workspace == NULL)
    return;

  author = _calque_window_dup_person (self);
  if (!calque_item_page_set_item (CALQUE_ITEM_PAGE (self->item_page), self->workspace, item, author, &error))
    {
      AdwToast *toast;
      g_autofree char *title = NULL;

      /* Translators: %s says why */
      title = g_strdup_printf (_("The item cannot be opened: %s"), error->message);
      toast = adw_toast_new (title);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  gtk_single_selection_set_selected (self->item_selection, position);
  gtk_stack_set_visible_child_name (self->content_stack, "item");
  /* On a narrow window, the item takes the whole of it. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  adw_window_title_set_title (self->content_title, calque_record_get_string (item, "name"));
  /* Translators: where the open item is in the list: "3 of 120" */
  subtitle = g_strdup_printf (_("%u of %u"), position + 1, n);
  adw_window_title_set_subtitle (self->content_title, subtitle);
  gtk_widget_grab_focus (self->item_page);
  update_item_actions (self);
}

static void
item_activated_cb (CalqueWindow *self,
                   guint         position)
{
  open_position (self, position);
}

static void
step_item (CalqueWindow *self,
           int           delta)
{
  guint selected = gtk_single_selection_get_selected (self->item_selection);
  guint n = g_list_model_get_n_items (sorted_items (self));

  if (selected == GTK_INVALID_LIST_POSITION || (delta < 0 && selected == 0) || (delta > 0 && selected + 1 >= n))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  open_position (self, selected + delta);
}

static void
next_item_activated_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  step_item (CALQUE_WINDOW (user_data), +1);
}

static void
previous_item_activated_cb (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  step_item (CALQUE_WINDOW (user_data), -1);
}

static void
close_item_activated_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CalqueWindow *self = user_data;

  _calque_window_item_close (self);
  calque_window_reload (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->item_view));
}

static void
page_edited_cb (CalqueWindow *self)
{
  CalqueSyncManager *sync = calque_window_get_sync_manager (self);

  if (sync != NULL)
    calque_sync_manager_saved (sync);
  /* Drawing does not reload the lists; the dashboard counts it all the same. */
  _calque_window_workspace_changed (self);
}

static void
page_failed_cb (CalqueWindow *self,
                const GError *error)
{
  g_autofree char *title = NULL;

  /* Translators: %s says why */
  title = g_strdup_printf (_("Not saved: %s"), error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static const GActionEntry item_actions[] = {
  { .name = "next-item", .activate = next_item_activated_cb },
  { .name = "previous-item", .activate = previous_item_activated_cb },
  { .name = "close-item", .activate = close_item_activated_cb },
};

void
_calque_window_item_init (CalqueWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkWidget *content_header = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), CALQUE_TYPE_WINDOW,
                                                                         "content_header"));
  static const struct { const char *trigger; const char *action; } keys[] = {
    { "Page_Down", "win.next-item" },
    { "Page_Up", "win.previous-item" },
    { "<Alt>Left", "win.close-item" },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), item_actions, G_N_ELEMENTS (item_actions), self);

  self->item_page = calque_item_page_new ();
  g_signal_connect_swapped (self->item_page, "edited", G_CALLBACK (page_edited_cb), self);
  g_signal_connect_swapped (self->item_page, "failed", G_CALLBACK (page_failed_cb), self);
  /* The State column shows the task's new state. */
  g_signal_connect_swapped (self->item_page, "task-changed", G_CALLBACK (calque_window_reload), self);
  gtk_stack_add_named (self->content_stack, self->item_page, "item");

  /* Only while the page has the focus: elsewhere these keys scroll lists. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_LOCAL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (keys[i].trigger),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (self->item_page, shortcuts);

  self->close_item_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->close_item_button), "win.close-item");
  gtk_widget_set_tooltip_text (self->close_item_button, _("Back to the Items (Alt+Left)"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (content_header), self->close_item_button);
  self->item_sync_button = calque_sync_button_new ();
  adw_header_bar_pack_start (ADW_HEADER_BAR (content_header), self->item_sync_button);
  /* F10 opens the main menu from here too: the sidebar's is hidden. */
  self->item_menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->item_menu_button), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->item_menu_button),
                                  G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (self), CALQUE_TYPE_WINDOW,
                                                                               "primary_menu")));
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (self->item_menu_button), TRUE);
  gtk_widget_set_tooltip_text (self->item_menu_button, _("Main Menu"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (content_header), self->item_menu_button);

  g_signal_connect_swapped (self->item_view, "activate", G_CALLBACK (item_activated_cb), self);
  update_item_actions (self);
}

CalqueRecord *
_calque_window_item_get_open (CalqueWindow *self)
{
  if (self->item_page == NULL
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "item") != 0)
    return NULL;
  return calque_item_page_get_item (CALQUE_ITEM_PAGE (self->item_page));
}

void
_calque_window_item_close (CalqueWindow *self)
{
  if (self->item_page == NULL)
    return;
  calque_item_page_set_item (CALQUE_ITEM_PAGE (self->item_page), NULL, NULL, NULL, NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "item") == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "items");
  update_item_actions (self);
}

static guint
find_item (CalqueWindow *self,
           const char   *item_id)
{
  GListModel *items = sorted_items (self);
  guint n = g_list_model_get_n_items (items);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (calque_record_get_id (item), item_id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

gboolean
_calque_window_item_open_id (CalqueWindow *self,
                             const char   *item_id)
{
  guint position = find_item (self, item_id);

  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* Asked for by name (from the agreement figures): the filter must
       * not stand in the way. */
      _calque_window_filter_clear (self);
      position = find_item (self, item_id);
    }
  if (position == GTK_INVALID_LIST_POSITION)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("This item is no longer in the project")));
      return FALSE;
    }

  open_position (self, position);
  return _calque_window_item_get_open (self) != NULL;
}

void
_calque_window_item_reselect (CalqueWindow *self)
{
  CalqueRecord *open = _calque_window_item_get_open (self);
  GListModel *items = sorted_items (self);
  guint n = g_list_model_get_n_items (items);

  if (open == NULL)
    return;
  /* The list was read again: the open item is selected where it now is,
   * for Page Down and Page Up to step from it. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (calque_record_get_id (item), calque_record_get_id (open)) == 0)
        {
          gtk_single_selection_set_selected (self->item_selection, i);
          break;
        }
    }
  update_item_actions (self);
}

void
_calque_window_item_reopen (CalqueWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->item_selection);

  if (_calque_window_item_get_open (self) != NULL && selected != GTK_INVALID_LIST_POSITION)
    open_position (self, selected);
}

void
_calque_window_item_reload (CalqueWindow       *self,
                            const char * const *ids)
{
  if (_calque_window_item_get_open (self) != NULL)
    calque_item_page_reload_records (CALQUE_ITEM_PAGE (self->item_page), ids);
}
