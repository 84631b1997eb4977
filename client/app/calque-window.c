/* calque-window.c — the main window: a workspace's projects and items */
#define G_LOG_DOMAIN "calque-window"

#include <glib/gi18n-lib.h>

#include "calque-agreement-window.h"
#include "calque-reliability-window.h"
#include "calque-assign-dialog.h"
#include "calque-dashboard-window.h"
#include "calque-export-dialog.h"
#include "calque-import-dialog.h"
#include "calque-format.h"
#include "calque-notifier.h"
#include "calque-store-sync.h"
#include "calque-item-columns.h"
#include "calque-project-row.h"
#include "calque-window-private.h"

G_DEFINE_FINAL_TYPE (CalqueWindow, calque_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint
compare_project_names (gconstpointer a,
                       gconstpointer b)
{
  CalqueRecord *pa = *(CalqueRecord **) a;
  CalqueRecord *pb = *(CalqueRecord **) b;
  const char *na = calque_record_get_string (pa, "name");
  const char *nb = calque_record_get_string (pb, "name");
  int cmp = g_utf8_collate (na != NULL ? na : "", nb != NULL ? nb : "");

  /* Same names keep the store's order (oldest first). */
  return cmp;
}

static gint64
lookup_item_count (CalqueWindow *self,
                   CalqueRecord *project)
{
  gint64 *count = g_hash_table_lookup (self->item_counts, calque_record_get_id (project));

  return count != NULL ? *count : -1;
}

static void
set_item_count (CalqueWindow *self,
                const char   *project_id,
                gint64        count)
{
  g_hash_table_insert (self->item_counts, g_strdup (project_id),
                       g_memdup2 (&count, sizeof count));
}

char *
_calque_window_dup_person (CalqueWindow *self)
{
  char *user = calque_store_get_setting (calque_workspace_get_store (self->workspace), "user");

  return user != NULL ? user : g_strdup (g_get_user_name ());
}

/* Agreement is measured, progress counted and exports made within a
 * project: one must be shown. */
static void
update_project_actions (CalqueWindow *self)
{
  CalqueRecord *project = self->workspace != NULL ? calque_window_get_project (self) : NULL;
  gboolean shown = project != NULL;

  /* Another project shown: news is counted from what it holds now. */
  if (project == NULL || self->notifier == NULL
      || g_strcmp0 (calque_notifier_get_project_id (self->notifier), calque_record_get_id (project)) != 0)
    _calque_window_notify_reset (self);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-agreement")),
                               shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-dashboard")),
                               shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "show-reliability")),
                               shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "export")), shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "import-annotations")),
                               shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "assign")), shown);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "review")), shown);
}

/* The agreement and dashboard windows of another workspace have nothing
 * to show here. */
static void
close_agreement_window (CalqueWindow *self)
{
  if (self->agreement_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->agreement_window));
  g_clear_weak_pointer (&self->agreement_window);
  if (self->dashboard_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dashboard_window));
  g_clear_weak_pointer (&self->dashboard_window);
}

static void
present_error_dialog (CalqueWindow *self,
                      const char   *heading,
                      const char   *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);

  /* The body is an error message that quotes file names: plain text. */
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_titles (CalqueWindow *self)
{
  g_autofree char *folder = NULL;
  g_autofree char *title = NULL;

  if (self->path == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Calque"));
      return;
    }

  folder = g_path_get_basename (self->path);
  adw_window_title_set_subtitle (self->window_title, folder);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), self->path);

  /* Translators: the window title; %s is the name of the workspace folder */
  title = g_strdup_printf (C_("window title", "%s — Calque"), folder);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
clear_models (CalqueWindow *self)
{
  self->loading = TRUE;
  g_list_store_remove_all (self->projects);
  g_list_store_remove_all (self->items);
  g_hash_table_remove_all (self->item_counts);
  self->loading = FALSE;
}

static void
load_items (CalqueWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *caption = NULL;
  CalqueRecord *project;
  GtkAdjustment *vadjustment;
  const char *name;
  gboolean item_open;
  guint n_old;

  if (self->workspace == NULL)
    return;

  project = calque_window_get_project (self);
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  update_project_actions (self);

  if (project == NULL)
    {
      _calque_window_item_close (self);
      g_list_store_remove_all (self->items);
      adw_window_title_set_title (self->content_title, NULL);
      adw_window_title_set_subtitle (self->content_title, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "no-projects");
      return;
    }

  items = calque_store_list (calque_workspace_get_store (self->workspace),
                             CALQUE_KIND_ITEM, calque_record_get_id (project), &error);
  if (items == NULL)
    {
      g_autofree char *body = NULL;

      g_list_store_remove_all (self->items);
      body = g_strdup_printf (_("The items of this project could not be read: %s"),
                              error->message);
      present_error_dialog (self, _("Cannot Read Items"), body);
      items = g_ptr_array_new ();
    }

  /* One splice, so that the view hears of one change, not of thousands. */
  g_list_store_splice (self->items, 0, n_old, items->pdata, items->len);
  set_item_count (self, calque_record_get_id (project), items->len);
  _calque_window_filter_load (self, project);

  /* An item open in the canvas stays open while its list is read again
   * (changes came in); its project's list is behind it. */
  item_open = _calque_window_item_get_open (self) != NULL
              && g_strcmp0 (self->items_project, calque_record_get_id (project)) == 0;
  if (!item_open)
    {
      _calque_window_item_close (self);
      name = calque_record_get_string (project, "name");
      caption = calque_format_item_count (items->len);
      adw_window_title_set_title (self->content_title, name != NULL ? name : "");
      adw_window_title_set_subtitle (self->content_title, caption);
      gtk_stack_set_visible_child_name (self->content_stack,
                                        items->len > 0 ? "items" : "empty-project");
    }
  else
    _calque_window_item_reselect (self);

  adw_status_page_set_icon_name (self->empty_project_page,
                                 calque_format_media_icon (calque_record_get_string (project, "type")));

  /* Another project starts at its top; the same one, reloaded as changes
   * come in, stays where the user was. */
  if (g_strcmp0 (self->items_project, calque_record_get_id (project)) != 0)
    {
      g_free (self->items_project);
      self->items_project = g_strdup (calque_record_get_id (project));
      vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->item_view));
      if (vadjustment != NULL)
        gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
    }
}

static guint
find_project (CalqueWindow *self,
              const char   *project_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->projects));

  if (project_id == NULL || project_id[0] == '\0')
    return GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) project = g_list_model_get_item (G_LIST_MODEL (self->projects), i);

      if (g_strcmp0 (calque_record_get_id (project), project_id) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* On failure the window shows why, and @error says it too. */
static gboolean
load_projects (CalqueWindow  *self,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autofree char *keep_id = NULL;
  CalqueRecord *current;
  CalqueStore *store;
  guint position;

  g_assert (self->workspace != NULL);

  store = calque_workspace_get_store (self->workspace);
  projects = calque_store_list (store, CALQUE_KIND_PROJECT, NULL, &local_error);
  if (projects == NULL)
    {
      calque_window_show_workspace_error (self, self->path, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_ptr_array_sort (projects, compare_project_names);

  /* Reloading keeps the project in view; a fresh start returns to the last one. */
  current = calque_window_get_project (self);
  if (current != NULL)
    keep_id = g_strdup (calque_record_get_id (current));
  else if (self->settings != NULL)
    keep_id = g_settings_get_string (self->settings, "last-project");

  self->loading = TRUE;

  g_hash_table_remove_all (self->item_counts);
  for (guint i = 0; i < projects->len; i++)
    {
      CalqueRecord *project = g_ptr_array_index (projects, i);
      const char *id = calque_record_get_id (project);
      g_autoptr(GError) count_error = NULL;
      gint64 count = calque_store_count (store, CALQUE_KIND_ITEM, id, &count_error);

      /* A count that fails is left out of the row; the items still load. */
      if (count_error != NULL)
        g_debug ("Cannot count the items of project %s: %s", id, count_error->message);
      else
        set_item_count (self, id, count);
    }

  g_list_store_splice (self->projects, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->projects)),
                       projects->pdata, projects->len);

  position = find_project (self, keep_id);
  if (position == GTK_INVALID_LIST_POSITION && projects->len > 0)
    position = 0;
  gtk_single_selection_set_selected (self->project_selection, position);

  self->loading = FALSE;

  load_items (self);

  return TRUE;
}

static void
select_relative (CalqueWindow *self,
                 int           delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->projects));
  guint selected = gtk_single_selection_get_selected (self->project_selection);
  guint target;

  if (n == 0)
    return;

  if (selected == GTK_INVALID_LIST_POSITION)
    target = 0;
  else if (delta < 0)
    target = selected > 0 ? selected - 1 : 0;
  else
    target = MIN (selected + 1, n - 1);

  if (target == selected)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  gtk_single_selection_set_selected (self->project_selection, target);
  gtk_widget_activate_action (GTK_WIDGET (self->project_view), "list.scroll-to-item", "u", target);
}

static void
project_selected_cb (CalqueWindow       *self,
                     GParamSpec         *pspec,
                     GtkSingleSelection *selection)
{
  CalqueRecord *project;

  if (self->loading)
    return;

  load_items (self);

  project = calque_window_get_project (self);
  if (project == NULL)
    return;

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-project", calque_record_get_id (project));

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* When folded, a click on the project already selected changes no
 * selection, yet the user asks to see its items all the same. */
static void
project_row_released_cb (CalqueWindow *self,
                         int           n_press,
                         double        x,
                         double        y)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
project_activated_cb (CalqueWindow *self,
                      guint         position)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
project_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  CalqueWindow             *self)
{
  GtkWidget *row = calque_project_row_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (project_row_released_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, row);
}

static void
project_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 CalqueWindow             *self)
{
  CalqueRecord *project = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);

  calque_project_row_set_project (CALQUE_PROJECT_ROW (row), project,
                                  lookup_item_count (self, project));
}

static void
project_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   CalqueWindow             *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  calque_project_row_set_project (CALQUE_PROJECT_ROW (row), NULL, -1);
}

static void
back_clicked_cb (CalqueWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
create_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CalqueWindow     *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "calque-path");
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "create") != 0)
    return;

  workspace = calque_workspace_create (path, &error);
  if (workspace == NULL)
    {
      present_error_dialog (self, _("Cannot Create Workspace"), error->message);
      return;
    }

  calque_window_set_workspace (self, workspace);
}

static void
chooser_response_cb (CalqueWindow         *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (folder != NULL)
    path = g_file_get_path (folder);

  if (path == NULL)
    {
      present_error_dialog (self, _("Cannot Open Workspace"),
                            _("Only folders on this computer can be opened as workspaces."));
      return;
    }

  calque_window_switch_workspace (self, path);
}

static void
open_workspace_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CalqueWindow *self = user_data;

  if (self->chooser == NULL)
    {
      self->chooser = gtk_file_chooser_native_new (_("Open Workspace"),
                                                   GTK_WINDOW (self),
                                                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                   _("_Open"),
                                                   _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
      g_signal_connect_object (self->chooser, "response",
                               G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
    }

  if (self->path != NULL)
    {
      g_autoptr(GFile) shown = g_file_new_for_path (self->path);
      g_autoptr(GFile) parent = g_file_get_parent (shown);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reload_activated_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  calque_window_reload (CALQUE_WINDOW (user_data));
  _calque_window_sync_refresh (CALQUE_WINDOW (user_data));
}

static void
previous_project_activated_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  select_relative (CALQUE_WINDOW (user_data), -1);
}

static void
next_project_activated_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  select_relative (CALQUE_WINDOW (user_data), +1);
}

/* GtkWindow:application is not a construct property, so the settings
 * come with the first application the window is given. */
static void
application_changed_cb (CalqueWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings;
  int width, height;

  if (self->settings != NULL || !CALQUE_IS_APPLICATION (application))
    return;

  settings = calque_application_get_settings (CALQUE_APPLICATION (application));
  if (settings == NULL)
    return;

  g_set_object (&self->settings, settings);

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* An item of the agreement figures was activated: open it here. */
static void
agreement_item_activated_cb (CalqueWindow          *self,
                             const char            *item_id,
                             CalqueAgreementWindow *agreement)
{
  const char *project_id = calque_agreement_window_get_project_id (agreement);
  CalqueRecord *project = calque_window_get_project (self);

  if (calque_agreement_window_get_workspace (agreement) != self->workspace)
    return;
  if ((project == NULL || g_strcmp0 (calque_record_get_id (project), project_id) != 0)
      && !calque_window_select_project (self, project_id))
    return;
  _calque_window_item_open_id (self, item_id);
}

static void
show_agreement_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueAgreementWindow *agreement;

  if (self->workspace == NULL || project == NULL)
    return;

  /* One window at a time; asked again for the same project, it computes again. */
  if (self->agreement_window != NULL
      && g_strcmp0 (calque_agreement_window_get_project_id (CALQUE_AGREEMENT_WINDOW (self->agreement_window)),
                    calque_record_get_id (project)) == 0)
    {
      calque_agreement_window_refresh (CALQUE_AGREEMENT_WINDOW (self->agreement_window));
      gtk_window_present (GTK_WINDOW (self->agreement_window));
      return;
    }
  close_agreement_window (self);

  agreement = calque_agreement_window_new (GTK_WINDOW (self), self->workspace, project);
  g_signal_connect_object (agreement, "item-activated", G_CALLBACK (agreement_item_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->agreement_window, GTK_WIDGET (agreement));
  gtk_window_present (GTK_WINDOW (agreement));
}

/* A window of its own each time: it keeps the workspace and project it
 * was opened for, and closes with this one. */
static void
show_reliability_activated_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);

  if (self->workspace != NULL && project != NULL)
    gtk_window_present (GTK_WINDOW (calque_reliability_window_new (GTK_WINDOW (self), self->workspace, project)));
}

static void
show_dashboard_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueDashboardWindow *dashboard;

  if (self->workspace == NULL || project == NULL)
    return;

  /* One window at a time; asked again for the same project, it counts again. */
  if (self->dashboard_window != NULL
      && g_strcmp0 (calque_dashboard_window_get_project_id (CALQUE_DASHBOARD_WINDOW (self->dashboard_window)),
                    calque_record_get_id (project)) == 0)
    {
      calque_dashboard_window_refresh (CALQUE_DASHBOARD_WINDOW (self->dashboard_window));
      gtk_window_present (GTK_WINDOW (self->dashboard_window));
      return;
    }
  if (self->dashboard_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dashboard_window));
  g_clear_weak_pointer (&self->dashboard_window);

  dashboard = calque_dashboard_window_new (GTK_WINDOW (self), self->workspace, project);
  g_set_weak_pointer (&self->dashboard_window, GTK_WIDGET (dashboard));
  gtk_window_present (GTK_WINDOW (dashboard));
}

static void
export_activated_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueExportDialog *dialog;

  if (self->workspace == NULL || project == NULL)
    return;

  /* One dialog at a time. The one open stays if it is for this project,
   * or while it exports (closing it would stop the export). */
  if (self->export_dialog != NULL)
    {
      CalqueExportDialog *open = CALQUE_EXPORT_DIALOG (self->export_dialog);

      if (calque_export_dialog_get_exporting (open)
          || (calque_export_dialog_get_workspace (open) == self->workspace
              && g_strcmp0 (calque_export_dialog_get_project_id (open), calque_record_get_id (project)) == 0))
        {
          gtk_window_present (GTK_WINDOW (open));
          return;
        }
      gtk_window_destroy (GTK_WINDOW (open));
      g_clear_weak_pointer (&self->export_dialog);
    }

  dialog = calque_export_dialog_new (GTK_WINDOW (self), self->workspace, project);
  g_set_weak_pointer (&self->export_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
assign_activated_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueAssignDialog *dialog;

  if (self->workspace == NULL || project == NULL)
    return;
  /* One at a time, for the project and the list shown now. */
  if (self->assign_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->assign_dialog));
  dialog = calque_assign_dialog_new (GTK_WINDOW (self), self->workspace, project,
                                     G_LIST_MODEL (self->filtered_items),
                                     gtk_single_selection_get_selected_item (self->item_selection));
  g_signal_connect_object (dialog, "assigned", G_CALLBACK (_calque_window_saved_elsewhere), self, G_CONNECT_SWAPPED);
  /* It speaks of this window's list: it goes with it. */
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_set_weak_pointer (&self->assign_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_annotations_activated_cb (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueImportDialog *dialog;

  if (self->workspace == NULL || project == NULL)
    return;
  /* One at a time; one that imports stays (closing it would stop it). */
  if (self->import_dialog != NULL)
    {
      if (calque_import_dialog_get_importing (CALQUE_IMPORT_DIALOG (self->import_dialog)))
        {
          gtk_window_present (GTK_WINDOW (self->import_dialog));
          return;
        }
      gtk_window_destroy (GTK_WINDOW (self->import_dialog));
      g_clear_weak_pointer (&self->import_dialog);
    }
  dialog = calque_import_dialog_new (GTK_WINDOW (self), self->workspace, project);
  /* New annotations, items and labels: as after assigning, the list shows
   * them and the sync sends them. */
  g_signal_connect_object (dialog, "imported", G_CALLBACK (_calque_window_saved_elsewhere), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->import_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry win_actions[] = {
  { .name = "assign", .activate = assign_activated_cb },
  { .name = "open-workspace", .activate = open_workspace_activated_cb },
  { .name = "reload", .activate = reload_activated_cb },
  { .name = "previous-project", .activate = previous_project_activated_cb },
  { .name = "next-project", .activate = next_project_activated_cb },
  { .name = "show-agreement", .activate = show_agreement_activated_cb },
  { .name = "show-dashboard", .activate = show_dashboard_activated_cb },
  { .name = "show-reliability", .activate = show_reliability_activated_cb },
  { .name = "export", .activate = export_activated_cb },
  { .name = "import-annotations", .activate = import_annotations_activated_cb },
  { .name = "review", .activate = _calque_window_review_activated },
};

static gboolean
calque_window_close_request (GtkWindow *window)
{
  CalqueWindow *self = CALQUE_WINDOW (window);

  if (self->settings != NULL)
    {
      int width = 0;
      int height = 0;

      /* The default size follows the window's unmaximized size. */
      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (calque_window_parent_class)->close_request (window);
}

static void
calque_window_dispose (GObject *object)
{
  CalqueWindow *self = CALQUE_WINDOW (object);

  _calque_window_presence_dispose (self);
  _calque_window_sync_dispose (self);
  _calque_window_filter_dispose (self);
  g_clear_weak_pointer (&self->agreement_window);
  g_clear_weak_pointer (&self->dashboard_window);
  g_clear_weak_pointer (&self->export_dialog);
  g_clear_weak_pointer (&self->assign_dialog);
  g_clear_weak_pointer (&self->import_dialog);
  g_clear_weak_pointer (&self->review_window);
  g_clear_pointer (&self->notifier, calque_notifier_free);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), CALQUE_TYPE_WINDOW);

  g_clear_object (&self->project_selection);
  g_clear_object (&self->projects);
  g_clear_object (&self->item_selection);
  g_clear_object (&self->items);
  g_clear_object (&self->filtered_items);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->item_counts, g_hash_table_unref);

  G_OBJECT_CLASS (calque_window_parent_class)->dispose (object);
}

static void
calque_window_finalize (GObject *object)
{
  CalqueWindow *self = CALQUE_WINDOW (object);

  g_free (self->path);
  g_free (self->items_project);

  G_OBJECT_CLASS (calque_window_parent_class)->finalize (object);
}

static void
calque_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CalqueWindow *self = CALQUE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_window_class_init (CalqueWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = calque_window_dispose;
  object_class->finalize = calque_window_finalize;
  object_class->get_property = calque_window_get_property;

  window_class->close_request = calque_window_close_request;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL,
                         CALQUE_TYPE_WORKSPACE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CALQUE_TYPE_PROJECT_ROW);
  g_type_ensure (CALQUE_TYPE_SYNC_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/calque/Calque/ui/calque-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, no_projects_sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, project_view);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, item_view);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CalqueWindow, empty_project_page);
  /* Not kept in the struct, but named so that tests can find them. */
  gtk_widget_class_bind_template_child_full (widget_class, "sidebar", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "menu_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "back_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "content_header", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "primary_menu", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
calque_window_init (CalqueWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkSortListModel *sorted;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  update_project_actions (self);
  _calque_window_sync_init (self);

  self->item_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->projects = g_list_store_new (CALQUE_TYPE_RECORD);
  self->project_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->projects)));
  gtk_single_selection_set_autoselect (self->project_selection, TRUE);
  gtk_single_selection_set_can_unselect (self->project_selection, FALSE);
  g_signal_connect_object (self->project_selection, "notify::selected",
                           G_CALLBACK (project_selected_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (project_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (project_bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (project_unbind_cb), self, 0);
  gtk_list_view_set_factory (self->project_view, factory);
  gtk_list_view_set_model (self->project_view, GTK_SELECTION_MODEL (self->project_selection));
  g_signal_connect_object (self->project_view, "activate", G_CALLBACK (project_activated_cb),
                           self, G_CONNECT_SWAPPED);

  calque_item_columns_add_to (self->item_view);
  self->items = g_list_store_new (CALQUE_TYPE_RECORD);
  self->filtered_items = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->items)), NULL);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered_items)),
                                    g_object_ref (gtk_column_view_get_sorter (self->item_view)));
  self->item_selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->item_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->item_selection, TRUE);
  gtk_column_view_set_model (self->item_view, GTK_SELECTION_MODEL (self->item_selection));
  _calque_window_item_init (self);
  _calque_window_filter_init (self);
  _calque_window_presence_init (self);

  update_titles (self);
  gtk_stack_set_visible_child_name (self->content_stack, "no-projects");
}

static gboolean
show_workspace (CalqueWindow     *self,
                CalqueWorkspace  *workspace,
                GError          **error)
{
  gboolean loaded;
  gboolean changed = self->workspace != workspace;

  if (changed)
    {
      close_agreement_window (self);
      _calque_window_review_close (self);
      clear_models (self);
    }

  g_set_object (&self->workspace, workspace);
  g_free (self->path);
  self->path = g_strdup (calque_workspace_get_path (workspace));

  update_titles (self);
  _calque_window_filter_set_workspace (self, workspace);
  loaded = load_projects (self, error);
  if (loaded)
    _calque_window_sync_set_workspace (self, workspace);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->projects)) > 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->project_view));

  /* The next start opens the workspace that was open last. */
  if (loaded && self->settings != NULL)
    {
      g_autofree char *absolute = g_canonicalize_filename (self->path, NULL);
      g_settings_set_string (self->settings, "workspace", absolute);
    }

  /* A failed load has cleared the workspace and said so already. */
  if (changed && loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);

  return loaded;
}

CalqueWindow *
calque_window_new (CalqueApplication *application)
{
  g_return_val_if_fail (CALQUE_IS_APPLICATION (application), NULL);

  return g_object_new (CALQUE_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

gboolean
calque_window_open_workspace (CalqueWindow  *self,
                              const char    *path,
                              GError       **error)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CALQUE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  workspace = calque_workspace_open (path, &local_error);
  if (workspace == NULL)
    {
      calque_window_show_workspace_error (self, path, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return show_workspace (self, workspace, error);
}

gboolean
calque_window_switch_workspace (CalqueWindow *self,
                                const char   *path)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CALQUE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  workspace = calque_workspace_open (path, &error);
  if (workspace == NULL)
    {
      if (g_error_matches (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_NOT_A_WORKSPACE))
        {
          g_autofree char *folder = g_path_get_basename (path);
          g_autofree char *body = NULL;
          GtkWidget *dialog;

          /* Translators: %s is a folder name */
          body = g_strdup_printf (_("The folder “%s” holds no Calque workspace. A new, empty "
                                    "workspace can be created in it."), folder);
          dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Not a Workspace"), NULL);
          adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
          adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                            "cancel", _("_Cancel"),
                                            "create", _("C_reate Workspace"),
                                            NULL);
          adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                                      ADW_RESPONSE_SUGGESTED);
          adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
          adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
          g_object_set_data_full (G_OBJECT (dialog), "calque-path", g_strdup (path), g_free);
          g_signal_connect_object (dialog, "response", G_CALLBACK (create_response_cb), self, 0);
          gtk_window_present (GTK_WINDOW (dialog));
        }
      else
        present_error_dialog (self, _("Cannot Open Workspace"), error->message);

      return FALSE;
    }

  calque_window_set_workspace (self, workspace);

  return TRUE;
}

void
calque_window_set_workspace (CalqueWindow    *self,
                             CalqueWorkspace *workspace)
{
  g_return_if_fail (CALQUE_IS_WINDOW (self));
  g_return_if_fail (CALQUE_IS_WORKSPACE (workspace));

  show_workspace (self, workspace, NULL);
}

void
calque_window_show_workspace_error (CalqueWindow *self,
                                    const char   *path,
                                    const GError *error)
{
  g_autofree char *description = NULL;
  gboolean had_workspace;

  g_return_if_fail (CALQUE_IS_WINDOW (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (error != NULL);

  had_workspace = self->workspace != NULL;
  _calque_window_sync_set_workspace (self, NULL);
  _calque_window_filter_set_workspace (self, NULL);
  g_clear_object (&self->workspace);
  if (self->path != path)
    {
      g_free (self->path);
      self->path = g_strdup (path);
    }

  close_agreement_window (self);
  _calque_window_review_close (self);
  clear_models (self);
  update_titles (self);
  update_project_actions (self);

  /* A status page's description is markup; the message quotes a path. */
  description = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (self->error_page, description);
  adw_window_title_set_title (self->content_title, NULL);
  adw_window_title_set_subtitle (self->content_title, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "error");

  if (had_workspace)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

void
calque_window_reload (CalqueWindow *self)
{
  g_return_if_fail (CALQUE_IS_WINDOW (self));

  /* After an error, reloading tries the same folder again. */
  if (self->workspace == NULL)
    {
      if (self->path != NULL)
        calque_window_open_workspace (self, self->path, NULL);
      return;
    }

  load_projects (self, NULL);
  _calque_window_workspace_changed (self);
}

void
_calque_window_workspace_changed (CalqueWindow *self)
{
  if (self->dashboard_window != NULL)
    calque_dashboard_window_changed (CALQUE_DASHBOARD_WINDOW (self->dashboard_window));
}

void
_calque_window_saved_elsewhere (CalqueWindow *self)
{
  CalqueSyncManager *sync = calque_window_get_sync_manager (self);

  calque_window_reload (self);
  if (sync != NULL)
    calque_sync_manager_saved (sync);
}

CalqueWorkspace *
calque_window_get_workspace (CalqueWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_WINDOW (self), NULL);

  return self->workspace;
}

const char *
calque_window_get_path (CalqueWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_WINDOW (self), NULL);

  return self->path;
}

CalqueRecord *
calque_window_get_project (CalqueWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_WINDOW (self), NULL);

  return gtk_single_selection_get_selected_item (self->project_selection);
}

gboolean
calque_window_select_project (CalqueWindow *self,
                              const char   *project_id)
{
  guint position;

  g_return_val_if_fail (CALQUE_IS_WINDOW (self), FALSE);

  position = find_project (self, project_id);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;

  gtk_single_selection_set_selected (self->project_selection, position);
  return TRUE;
}
