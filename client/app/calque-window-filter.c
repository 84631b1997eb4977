/* calque-window-filter.c — thumbnails and the filter of the item list
 *
 * The item list shows a thumbnail of each image (made in threads, kept in
 * the workspace) and the state of the signed-in person's task on it, and
 * can be narrowed from the filter button in the header: only my tasks,
 * one task state, one label. The filter's sets are read once per reload,
 * never per row.
 */
#define G_LOG_DOMAIN "calque-window"

#include <glib/gi18n-lib.h>

#include "calque-format.h"
#include "calque-item-columns.h"
#include "calque-store-sync.h"
#include "calque-window-private.h"

/* Changes streaming in read the filter's sets again at most this often. */
#define LIVE_FILTER_INTERVAL_MS 5000

/* The states, in the order of the dropdown after "Any State". */
static const char * const states[] = { "new", "in_progress", "submitted", "accepted", "rejected" };

static void
update_filter_button (CalqueWindow *self)
{
  gboolean active = self->item_filter != NULL
                    && (calque_item_filter_get_mine_only (self->item_filter)
                        || calque_item_filter_get_state (self->item_filter) != NULL
                        || calque_item_filter_get_label (self->item_filter) != NULL);

  /* A filter that hides rows must not be forgotten: the button says so. */
  if (active)
    gtk_widget_add_css_class (self->filter_button, "accent");
  else
    gtk_widget_remove_css_class (self->filter_button, "accent");
  gtk_widget_set_tooltip_text (self->filter_button, active ? _("Filter Items (some are hidden)") : _("Filter Items"));
}

static void
mine_toggled_cb (CalqueWindow *self)
{
  if (self->item_filter == NULL)
    return;
  calque_item_filter_set_mine_only (self->item_filter, gtk_check_button_get_active (GTK_CHECK_BUTTON (self->mine_check)));
  update_filter_button (self);
}

static void
state_chosen_cb (CalqueWindow *self)
{
  guint chosen = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->state_dropdown));

  if (self->item_filter == NULL)
    return;
  calque_item_filter_set_state (self->item_filter,
                                chosen >= 1 && chosen <= G_N_ELEMENTS (states) ? states[chosen - 1] : NULL);
  update_filter_button (self);
}

static void
label_chosen_cb (CalqueWindow *self)
{
  guint chosen = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->label_dropdown));

  if (self->item_filter == NULL)
    return;
  calque_item_filter_set_label (self->item_filter,
                                chosen >= 1 && chosen - 1 < self->filter_label_ids->len
                                ? g_ptr_array_index (self->filter_label_ids, chosen - 1) : NULL);
  update_filter_button (self);
}

static GtkWidget *
row_new (const char *title,
         GtkWidget  *control)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), control);
  return row;
}

void
_calque_window_filter_init (CalqueWindow *self)
{
  GtkWidget *content_header = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), CALQUE_TYPE_WINDOW,
                                                                         "content_header"));
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  g_autoptr(GPtrArray) state_names = g_ptr_array_new ();

  self->filter_label_ids = g_ptr_array_new_with_free_func (g_free);

  self->mine_check = gtk_check_button_new_with_mnemonic (_("Only _My Tasks"));
  g_signal_connect_swapped (self->mine_check, "toggled", G_CALLBACK (mine_toggled_cb), self);
  gtk_box_append (GTK_BOX (box), self->mine_check);

  g_ptr_array_add (state_names, (gpointer) _("Any State"));
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    g_ptr_array_add (state_names, (gpointer) calque_format_task_state (states[i]));
  g_ptr_array_add (state_names, NULL);
  self->state_dropdown = gtk_drop_down_new_from_strings ((const char * const *) state_names->pdata);
  g_signal_connect_swapped (self->state_dropdown, "notify::selected", G_CALLBACK (state_chosen_cb), self);
  gtk_box_append (GTK_BOX (box), row_new (_("_State"), self->state_dropdown));

  self->label_dropdown = gtk_drop_down_new_from_strings ((const char *[]) { _("Any Label"), NULL });
  g_signal_connect_swapped (self->label_dropdown, "notify::selected", G_CALLBACK (label_chosen_cb), self);
  gtk_box_append (GTK_BOX (box), row_new (_("_Label"), self->label_dropdown));

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  self->filter_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->filter_button), "calque-filter-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->filter_button), popover);
  adw_header_bar_pack_end (ADW_HEADER_BAR (content_header), self->filter_button);
  update_filter_button (self);
}

void
_calque_window_filter_clear (CalqueWindow *self)
{
  /* Each control's callback passes the change on to the filter. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->mine_check), FALSE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->state_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->label_dropdown), 0);
}

void
_calque_window_filter_set_workspace (CalqueWindow    *self,
                                     CalqueWorkspace *workspace)
{
  g_autoptr(GError) error = NULL;
  CalqueThumbnailCache *thumbnails;

  if (self->item_filter != NULL && workspace != NULL
      && calque_item_filter_get_store (self->item_filter) == calque_workspace_get_store (workspace))
    return;

  g_clear_object (&self->item_filter);
  if (workspace == NULL)
    {
      gtk_filter_list_model_set_filter (self->filtered_items, NULL);
      return;
    }

  self->item_filter = calque_item_filter_new (calque_workspace_get_store (workspace));
  gtk_filter_list_model_set_filter (self->filtered_items, GTK_FILTER (self->item_filter));
  calque_item_columns_set_task_states (self->item_view, self->item_filter);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->mine_check), FALSE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->state_dropdown), 0);

  thumbnails = calque_workspace_get_thumbnails (workspace, &error);
  if (thumbnails == NULL)
    g_warning ("no thumbnails for this workspace: %s", error->message);
  calque_item_columns_set_thumbnails (self->item_view, thumbnails);
  update_filter_button (self);
}

/* Whether @user is an annotator of @project (and no more) with tasks. */
static gboolean
is_annotator_with_tasks (CalqueWindow *self,
                         CalqueRecord *project,
                         const char   *user)
{
  CalqueStore *store = calque_workspace_get_store (self->workspace);
  g_autoptr(GPtrArray) members = calque_store_list (store, CALQUE_KIND_MEMBER, calque_record_get_id (project), NULL);
  gboolean annotator = FALSE;

  for (guint i = 0; members != NULL && i < members->len; i++)
    if (g_strcmp0 (calque_record_get_string (members->pdata[i], "user"), user) == 0)
      annotator = g_strcmp0 (calque_record_get_string (members->pdata[i], "role"), "annotator") == 0;
  return annotator && calque_item_filter_has_tasks_of_mine (self->item_filter);
}

static void
load_now (CalqueWindow *self,
          CalqueRecord *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *user = NULL;
  g_autofree char *kept_label = NULL;
  g_autoptr(GtkStringList) list = NULL;
  guint chosen;
  guint keep = 0;
  gboolean opened;

  if (self->item_filter == NULL || self->workspace == NULL)
    return;

  g_clear_handle_id (&self->filter_load_id, g_source_remove);
  self->filter_loaded_us = g_get_monotonic_time ();
  opened = g_strcmp0 (self->filter_project, calque_record_get_id (project)) != 0;
  g_free (self->filter_project);
  self->filter_project = g_strdup (calque_record_get_id (project));

  user = _calque_window_dup_person (self);
  if (!calque_item_filter_load (self->item_filter, calque_record_get_id (project), user, &error))
    g_warning ("cannot read the tasks of project %s: %s", calque_record_get_id (project), error->message);
  /* An annotator opening a project sees their tasks first: the rest of the
   * project is a click away, in the same popover. */
  if (opened && is_annotator_with_tasks (self, project, user))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->mine_check), TRUE);

  /* The label dropdown lists this project's labels; the choice survives a
   * reload of the same project. */
  chosen = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->label_dropdown));
  if (chosen >= 1 && chosen - 1 < self->filter_label_ids->len)
    kept_label = g_strdup (g_ptr_array_index (self->filter_label_ids, chosen - 1));
  g_ptr_array_set_size (self->filter_label_ids, 0);
  labels = calque_store_list (calque_workspace_get_store (self->workspace), CALQUE_KIND_LABEL,
                              calque_record_get_id (project), NULL);
  g_ptr_array_add (names, (gpointer) _("Any Label"));
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (labels, i);

      g_ptr_array_add (names, (gpointer) calque_record_get_string (label, "name"));
      g_ptr_array_add (self->filter_label_ids, g_strdup (calque_record_get_id (label)));
      if (g_strcmp0 (kept_label, calque_record_get_id (label)) == 0)
        keep = i + 1;
    }
  g_ptr_array_add (names, NULL);
  g_signal_handlers_block_by_func (self->label_dropdown, label_chosen_cb, self);
  list = gtk_string_list_new ((const char * const *) names->pdata);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->label_dropdown), G_LIST_MODEL (list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->label_dropdown), keep);
  g_signal_handlers_unblock_by_func (self->label_dropdown, label_chosen_cb, self);
  label_chosen_cb (self);
}

static gboolean
deferred_load_cb (gpointer user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);

  self->filter_load_id = 0;
  if (project != NULL && g_strcmp0 (calque_record_get_id (project), self->filter_project) == 0)
    load_now (self, project);
  return G_SOURCE_REMOVE;
}

void
_calque_window_filter_load (CalqueWindow *self,
                            CalqueRecord *project)
{
  gint64 since_ms = (g_get_monotonic_time () - self->filter_loaded_us) / 1000;

  /* Reading the project is a pass over all its records: while teammates'
   * changes stream in, it is done at most every few seconds, and at once
   * when the person reloads or picks another project. */
  if (self->live_reload && g_strcmp0 (calque_record_get_id (project), self->filter_project) == 0
      && since_ms < LIVE_FILTER_INTERVAL_MS)
    {
      if (self->filter_load_id == 0)
        self->filter_load_id = g_timeout_add ((guint) (LIVE_FILTER_INTERVAL_MS - since_ms), deferred_load_cb, self);
      return;
    }
  load_now (self, project);
}

void
_calque_window_filter_dispose (CalqueWindow *self)
{
  g_clear_handle_id (&self->filter_load_id, g_source_remove);
  g_clear_pointer (&self->filter_project, g_free);
  g_clear_object (&self->item_filter);
  g_clear_pointer (&self->filter_label_ids, g_ptr_array_unref);
}
