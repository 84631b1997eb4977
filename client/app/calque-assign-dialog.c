/* calque-assign-dialog.c — giving the items of a project to annotators
 *
 * Annotators offered: the project's members with the annotator role, and
 * whoever already has a task in it (a local workspace has no members);
 * another name can be added. Assigning and unassigning are quick store
 * writes (calque-assign.c), done on the main thread; the tasks go to the
 * server with the next sync, which checks that the user may assign.
 *
 * Annotator names are users' text: plain text in rows, never markup.
 */
#define G_LOG_DOMAIN "calque-assign-dialog"

#include <glib/gi18n-lib.h>

#include "calque-assign-dialog.h"
#include "calque-assign.h"
#include "calque-store-stats.h"

struct _CalqueAssignDialog
{
  AdwWindow           parent_instance;

  CalqueWorkspace    *workspace;
  CalqueRecord       *project;
  /* The ids of the items the list showed when the dialog opened: the
   * dialog is not modal, and the window's list follows the filter and
   * the project chosen, so it cannot be read again at click time. */
  GStrv               shown;
  CalqueRecord       *selected;      /* nullable */

  AdwToastOverlay    *toasts;
  GtkCheckButton     *selected_check;  /* nullable */
  GtkCheckButton     *shown_check;
  GtkCheckButton     *short_check;
  AdwPreferencesGroup *people_group;
  GPtrArray          *people;        /* GtkCheckButton, one per annotator, name in "annotator" data */
  GtkEditable        *new_name;
  GtkEditable        *reassign_to;
  GtkSpinButton      *batch;
  GtkSpinButton      *overlap;
  GtkWidget          *assign_button;
};

enum { ASSIGNED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueAssignDialog, calque_assign_dialog, ADW_TYPE_WINDOW)

static void
toast (CalqueAssignDialog *self,
       const char         *text)
{
  /* A toast's title is markup (libadwaita 1.2 has no switch for it), and
   * the texts shown quote names and error messages. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (escaped));
}

static GStrv
checked_people (CalqueAssignDialog *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < self->people->len; i++)
    if (gtk_check_button_get_active (self->people->pdata[i]))
      g_strv_builder_add (names, g_object_get_data (self->people->pdata[i], "annotator"));
  return g_strv_builder_end (names);
}

/* The ids of the items chosen: the selected one, those shown, or NULL
 * for every item. */
static GStrv
chosen_items (CalqueAssignDialog *self)
{
  if (self->selected_check != NULL && gtk_check_button_get_active (self->selected_check))
    {
      const char *ids[] = { calque_record_get_id (self->selected), NULL };

      return g_strdupv ((char **) ids);
    }
  if (!gtk_check_button_get_active (self->shown_check))
    return NULL;
  return g_strdupv (self->shown);
}

static void
update_sensitivity (CalqueAssignDialog *self)
{
  g_auto(GStrv) people = checked_people (self);

  gtk_widget_set_sensitive (self->assign_button, people[0] != NULL);
}

static GtkCheckButton *
add_person (CalqueAssignDialog *self,
            const char         *annotator,
            gboolean            checked)
{
  GtkWidget *row;
  GtkWidget *check;

  for (guint i = 0; i < self->people->len; i++)
    if (g_strcmp0 (g_object_get_data (self->people->pdata[i], "annotator"), annotator) == 0)
      return self->people->pdata[i];

  row = adw_action_row_new ();
  check = gtk_check_button_new ();
  /* A name is text: the row's title would read markup in it. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), annotator);
  g_object_set_data_full (G_OBJECT (check), "annotator", g_strdup (annotator), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), checked);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (update_sensitivity), self);
  /* Names in the list, the row that adds one last. */
  if (self->new_name != NULL)
    {
      g_autoptr(GtkWidget) entry = g_object_ref (GTK_WIDGET (self->new_name));

      adw_preferences_group_remove (self->people_group, entry);
      adw_preferences_group_add (self->people_group, row);
      adw_preferences_group_add (self->people_group, entry);
    }
  else
    adw_preferences_group_add (self->people_group, row);
  g_ptr_array_add (self->people, check);
  return GTK_CHECK_BUTTON (check);
}

static void
add_name_cb (CalqueAssignDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (self->new_name)));

  if (*name == '\0')
    return;
  gtk_check_button_set_active (add_person (self, name, TRUE), TRUE);
  gtk_editable_set_text (self->new_name, "");
  update_sensitivity (self);
}

static void
report (CalqueAssignDialog       *self,
        const char               *done,
        const CalqueAssignReport *counts)
{
  g_autofree char *tasks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task", "%u tasks", counts->tasks),
                                            counts->tasks);
  g_autofree char *items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", counts->items),
                                            counts->items);
  g_autofree char *text = g_strdup_printf (_("%s: %s on %s"), done, tasks, items);

  toast (self, text);
  if (counts->skipped > 0)
    {
      g_autofree char *kept = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u task already started was left as it is",
                                                            "%u tasks already started were left as they are",
                                                            counts->skipped),
                                               counts->skipped);
      toast (self, kept);
    }
  if (counts->tasks > 0)
    g_signal_emit (self, signals[ASSIGNED], 0);
}

static void
assign_clicked_cb (CalqueAssignDialog *self)
{
  g_auto(GStrv) people = checked_people (self);
  g_auto(GStrv) items = chosen_items (self);
  g_autoptr(GError) error = NULL;
  CalqueAssignReport counts = { 0 };

  if (!calque_assign_items (calque_workspace_get_store (self->workspace), calque_record_get_id (self->project),
                            (const char * const *) items, (const char * const *) people,
                            (guint) gtk_spin_button_get_value_as_int (self->batch),
                            (guint) gtk_spin_button_get_value_as_int (self->overlap),
                            calque_record_get_double (self->project, "overlap_share", 1), &counts, &error))
    {
      toast (self, error->message);
      return;
    }
  report (self, _("Assigned"), &counts);
}

static void
unassign_clicked_cb (CalqueAssignDialog *self)
{
  g_auto(GStrv) people = checked_people (self);
  g_auto(GStrv) items = chosen_items (self);
  CalqueAssignReport total = { 0 };
  gboolean failed = FALSE;

  for (guint i = 0; people[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      CalqueAssignReport counts = { 0 };

      if (!calque_unassign_items (calque_workspace_get_store (self->workspace), calque_record_get_id (self->project),
                                  (const char * const *) items, people[i], FALSE, &counts, &error))
        {
          toast (self, error->message);
          failed = TRUE;
          break;
        }
      total.tasks += counts.tasks;
      total.items += counts.items;
      total.skipped += counts.skipped;
    }
  /* The annotators done before the failure keep their changes, saved:
   * say so, and let the window show and send them. */
  if (failed && total.tasks == 0)
    return;
  report (self, _("Unassigned"), &total);
}

/* The checked annotators' tasks not started on the chosen items, to the
 * person named. */
static void
reassign_clicked_cb (CalqueAssignDialog *self)
{
  g_auto(GStrv) people = checked_people (self);
  g_auto(GStrv) items = chosen_items (self);
  g_autofree char *to = g_strstrip (g_strdup (gtk_editable_get_text (self->reassign_to)));
  CalqueAssignReport total = { 0 };
  gboolean failed = FALSE;

  if (*to == '\0' || people[0] == NULL)
    {
      toast (self, _("Check whose tasks to give, and name who gets them"));
      return;
    }
  for (guint i = 0; people[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      CalqueAssignReport counts = { 0 };

      if (g_str_equal (people[i], to))
        continue;
      if (!calque_reassign_items (calque_workspace_get_store (self->workspace), calque_record_get_id (self->project),
                                  (const char * const *) items, people[i], to, FALSE, &counts, &error))
        {
          toast (self, error->message);
          failed = TRUE;
          break;
        }
      total.tasks += counts.tasks;
      total.items += counts.items;
      total.skipped += counts.skipped;
    }
  /* As for unassigning: what was moved before a failure stays moved. */
  if (failed && total.tasks == 0)
    return;
  add_person (self, to, FALSE);
  report (self, _("Reassigned"), &total);
}

/* --- building ---------------------------------------------------------------- */

static GtkWidget *
spin_row (const char     *title,
          const char     *subtitle,
          int             min,
          int             max,
          int             value,
          GtkSpinButton **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  *out = GTK_SPIN_BUTTON (spin);
  return row;
}

static GtkCheckButton *
radio_row (AdwPreferencesGroup *group,
           const char          *title,
           GtkCheckButton      *first)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  /* Item names are users' text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (first != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), first);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_group_add (group, row);
  return GTK_CHECK_BUTTON (check);
}

static void
gather_people_cb (const CalqueStoreFact *fact,
                  gpointer               user_data)
{
  if (fact->person != NULL)
    g_hash_table_add (user_data, g_strdup (fact->person));
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static void
fill_people (CalqueAssignDialog *self)
{
  CalqueStore *store = calque_workspace_get_store (self->workspace);
  const char *project_id = calque_record_get_id (self->project);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) members = calque_store_list (store, CALQUE_KIND_MEMBER, project_id, NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  for (guint i = 0; members != NULL && i < members->len; i++)
    if (g_strcmp0 (calque_record_get_string (members->pdata[i], "role"), "annotator") == 0)
      g_hash_table_add (names, g_strdup (calque_record_get_string (members->pdata[i], "user")));
  calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, gather_people_cb, names, NULL);
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (sorted, name);
  g_ptr_array_sort (sorted, compare_names);
  for (guint i = 0; i < sorted->len; i++)
    add_person (self, sorted->pdata[i], FALSE);
}

static void
calque_assign_dialog_dispose (GObject *object)
{
  CalqueAssignDialog *self = CALQUE_ASSIGN_DIALOG (object);

  g_clear_object (&self->workspace);
  g_clear_object (&self->project);
  g_clear_pointer (&self->shown, g_strfreev);
  g_clear_object (&self->selected);
  g_clear_pointer (&self->people, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_assign_dialog_parent_class)->dispose (object);
}

static void
calque_assign_dialog_class_init (CalqueAssignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_assign_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * CalqueAssignDialog::assigned:
   *
   * Tasks were made, moved or deleted in the workspace.
   */
  signals[ASSIGNED] = g_signal_new ("assigned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
calque_assign_dialog_init (CalqueAssignDialog *self)
{
  self->people = g_ptr_array_new ();
}

CalqueAssignDialog *
calque_assign_dialog_new (GtkWindow       *parent,
                          CalqueWorkspace *workspace,
                          CalqueRecord    *project,
                          GListModel      *shown,
                          CalqueRecord    *selected)
{
  CalqueAssignDialog *self = g_object_new (CALQUE_TYPE_ASSIGN_DIALOG,
                                           "transient-for", parent,
                                           "default-width", 480,
                                           "default-height", 640,
                                           "title", _("Assign Items"),
                                           NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *items_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *rule_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *back_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *new_row = adw_entry_row_new ();
  GtkWidget *add_button = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *unassign_button = gtk_button_new_with_mnemonic (_("_Unassign Tasks Not Started"));
  GtkWidget *title = adw_window_title_new (_("Assign Items"), calque_record_get_string (project, "name"));
  g_autoptr(GStrvBuilder) shown_ids = g_strv_builder_new ();
  g_autofree char *shown_title = NULL;
  guint n_shown;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  self->workspace = g_object_ref (workspace);
  self->project = g_object_ref (project);
  n_shown = g_list_model_get_n_items (shown);
  for (guint i = 0; i < n_shown; i++)
    {
      g_autoptr(CalqueRecord) item = g_list_model_get_item (shown, i);

      g_strv_builder_add (shown_ids, calque_record_get_id (item));
    }
  self->shown = g_strv_builder_end (shown_ids);
  self->selected = selected != NULL ? g_object_ref (selected) : NULL;

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  self->assign_button = gtk_button_new_with_mnemonic (_("_Assign"));
  gtk_widget_add_css_class (self->assign_button, "suggested-action");
  g_signal_connect_swapped (self->assign_button, "clicked", G_CALLBACK (assign_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->assign_button);
  gtk_box_append (GTK_BOX (box), header);

  /* Which items. */
  adw_preferences_group_set_title (items_group, _("Items"));
  shown_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The %u item shown in the list",
                                              "The %u items shown in the list", n_shown),
                                 n_shown);
  /* By hand: the item selected in the list; by rule: many. */
  if (self->selected != NULL)
    {
      g_autofree char *selected_title = g_strdup_printf (_("The selected item, %s"),
                                                         calque_record_get_string (self->selected, "name"));

      self->selected_check = radio_row (items_group, selected_title, NULL);
    }
  self->shown_check = radio_row (items_group, shown_title, self->selected_check);
  self->short_check = radio_row (items_group, _("Every item short of annotators"), self->shown_check);
  gtk_check_button_set_active (self->selected_check != NULL ? self->selected_check : self->shown_check, TRUE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), items_group);

  /* To whom. */
  self->people_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->people_group, _("Annotators"));
  adw_preferences_group_set_description (self->people_group,
                                         _("Each batch goes to the annotators with the least work not yet done."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (new_row), _("Another annotator"));
  gtk_widget_set_valign (add_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add_button, "flat");
  gtk_widget_set_tooltip_text (add_button, _("Add this annotator"));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (new_row), add_button);
  g_signal_connect_swapped (add_button, "clicked", G_CALLBACK (add_name_cb), self);
  g_signal_connect_swapped (new_row, "entry-activated", G_CALLBACK (add_name_cb), self);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (new_row), FALSE);
  gtk_widget_set_sensitive (new_row, TRUE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->people_group);
  fill_people (self);
  adw_preferences_group_add (self->people_group, new_row);
  self->new_name = GTK_EDITABLE (new_row);

  /* How. */
  adw_preferences_group_set_title (rule_group, _("Rule"));
  adw_preferences_group_add (rule_group, spin_row (_("Items per batch"), _("Given together to the same annotators"),
                                                   1, 10000, 10, &self->batch));
  adw_preferences_group_add (rule_group,
                             spin_row (_("Annotators per item"), _("Each annotates the item on their own"), 1, 5,
                                       (int) CLAMP (calque_record_get_int (project, "overlap", 1), 1, 5),
                                       &self->overlap));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), rule_group);

  /* Taking back. */
  adw_preferences_group_set_title (back_group, _("Take Back"));
  adw_preferences_group_set_description (back_group,
                                         _("The checked annotators’ tasks on these items that they have not started."));
  gtk_widget_add_css_class (unassign_button, "destructive-action");
  gtk_widget_set_halign (unassign_button, GTK_ALIGN_START);
  g_signal_connect_swapped (unassign_button, "clicked", G_CALLBACK (unassign_clicked_cb), self);
  adw_preferences_group_add (back_group, unassign_button);
  {
    GtkWidget *to_row = adw_entry_row_new ();
    GtkWidget *give = gtk_button_new_with_mnemonic (_("_Give"));

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (to_row), _("Give them to"));
    gtk_widget_set_valign (give, GTK_ALIGN_CENTER);
    gtk_widget_set_tooltip_text (give, _("Give the checked annotators’ tasks not started on these items to this annotator"));
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (to_row), give);
    g_signal_connect_swapped (give, "clicked", G_CALLBACK (reassign_clicked_cb), self);
    g_signal_connect_swapped (to_row, "entry-activated", G_CALLBACK (reassign_clicked_cb), self);
    gtk_widget_set_margin_top (to_row, 12);
    adw_preferences_group_add (back_group, to_row);
    self->reassign_to = GTK_EDITABLE (to_row);
  }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), back_group);

  gtk_widget_set_vexpand (page, TRUE);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, page);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), box);
  update_sensitivity (self);
  return self;
}

GStrv
calque_assign_dialog_dup_annotators (CalqueAssignDialog *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (CALQUE_IS_ASSIGN_DIALOG (self), NULL);

  for (guint i = 0; i < self->people->len; i++)
    g_strv_builder_add (names, g_object_get_data (self->people->pdata[i], "annotator"));
  return g_strv_builder_end (names);
}

void
calque_assign_dialog_set_checked (CalqueAssignDialog *self,
                                  const char         *annotator,
                                  gboolean            checked)
{
  g_return_if_fail (CALQUE_IS_ASSIGN_DIALOG (self));

  gtk_check_button_set_active (add_person (self, annotator, checked), checked);
  update_sensitivity (self);
}
