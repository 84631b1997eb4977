/* calque-sync-problems-dialog.c — the changes the server refused, and the conflicts
 *
 * Nothing the sync drops is dropped silently. Two lists:
 *
 * - Refused changes: the server would not take them (a record deleted
 *   meanwhile, a role that changed…), so the workspace undid them. Each
 *   says what it touched and why; the person dismisses it once read.
 * - Conflicts: two people set one field at once; every copy kept the same
 *   winner, and the losing value is kept in a conflict record, shown here
 *   next to the value that won so that it can be carried over by hand.
 *
 * The lists follow the workspace live while the dialog is open.
 */
#define G_LOG_DOMAIN "calque-sync-problems"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "calque-format.h"
#include "calque-store-sync.h"
#include "calque-sync-problems-dialog.h"

/* A field value shown in a row is cut to this many characters. */
#define VALUE_CHARS 60
/* The most conflicts listed; the newest are shown. */
#define MAX_CONFLICTS 500

struct _CalqueSyncProblemsDialog
{
  AdwWindow          parent_instance;

  CalqueSyncManager *manager;
  CalqueStore       *store;

  GtkStack          *stack;
  GtkButton         *dismiss_all_button;
  GPtrArray         *refusals;     /* CalqueRefusal, as shown */
  guint              n_conflicts;
  guint              refresh_id;
};

G_DEFINE_FINAL_TYPE (CalqueSyncProblemsDialog, calque_sync_problems_dialog, ADW_TYPE_WINDOW)

static void refresh (CalqueSyncProblemsDialog *self);

/* --- wording ----------------------------------------------------------------- */

static const char *
kind_name (CalqueKind kind)
{
  switch (kind)
    {
    case CALQUE_KIND_PROJECT: return _("Project");
    case CALQUE_KIND_MEMBER: return _("Member");
    case CALQUE_KIND_LABEL: return _("Label");
    case CALQUE_KIND_ITEM: return _("Item");
    case CALQUE_KIND_TASK: return _("Task");
    case CALQUE_KIND_ANNOTATION: return _("Annotation");
    case CALQUE_KIND_COMMENT: return _("Comment");
    case CALQUE_KIND_REVIEW: return _("Review");
    case CALQUE_KIND_CONFLICT: return _("Conflict");
    case CALQUE_N_KINDS:
    default: return _("Record");
    }
}

/* A record's own name, or NULL. */
static const char *
record_name (CalqueRecord *record)
{
  static const char * const fields[] = { "name", "user", "text" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = calque_record_get_string (record, fields[i]);

      if (value != NULL && value[0] != '\0')
        return value;
    }
  return NULL;
}

/* "Annotation on “cat_01.jpg”", "Label “Cat”", "Item 0192f3a1": what a
 * person can recognise, as plain text. */
static char *
describe_record (CalqueStore *store,
                 CalqueKind   kind,
                 const char  *id)
{
  g_autoptr(CalqueRecord) record = calque_store_get (store, id, NULL);
  g_autoptr(CalqueRecord) item = NULL;
  g_autofree char *excerpt = NULL;
  const char *name = record != NULL ? record_name (record) : NULL;
  const char *item_id = record != NULL ? calque_record_get_string (record, "item") : NULL;

  if (item_id != NULL && (kind == CALQUE_KIND_ANNOTATION || kind == CALQUE_KIND_TASK))
    {
      item = calque_store_get (store, item_id, NULL);
      if (item != NULL && record_name (item) != NULL)
        /* Translators: the first %s is a kind of record ("Annotation"), the second an item's name */
        return g_strdup_printf (_("%s on “%s”"), kind_name (kind), record_name (item));
    }

  if (name != NULL)
    {
      excerpt = calque_format_text_excerpt (name, VALUE_CHARS);
      /* Translators: the first %s is a kind of record ("Label"), the second its name */
      return g_strdup_printf (_("%s “%s”"), kind_name (kind), excerpt);
    }

  /* Translators: the first %s is a kind of record, the second the start of its id */
  return g_strdup_printf (C_("record without a name", "%s %.8s"), kind_name (kind), id);
}

/* A field's value as a person reads it: text as it is, a record id as the
 * record's name, anything else as compact JSON; cut to VALUE_CHARS. */
static char *
describe_value (CalqueStore *store,
                JsonNode    *value)
{
  g_autofree char *text = NULL;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup (_("(none)"));

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *string = json_node_get_string (value);
      g_autoptr(CalqueRecord) named = calque_store_get (store, string, NULL);

      text = g_strdup (named != NULL && record_name (named) != NULL ? record_name (named) : string);
    }
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *one = describe_value (store, json_array_get_element (array, i));

          if (i > 0)
            g_string_append (joined, ", ");
          g_string_append (joined, one);
        }
      text = g_string_free (g_steal_pointer (&joined), FALSE);
    }
  else
    text = json_to_string (value, FALSE);

  return calque_format_text_excerpt (text, VALUE_CHARS);
}

/* Why the server refused, in a person's words; docs/protocol.md has the codes. */
static const char *
describe_refusal_code (const char *code)
{
  if (g_strcmp0 (code, "forbidden") == 0)
    return _("Your role in this project does not allow this change.");
  if (g_strcmp0 (code, "deleted") == 0)
    return _("Someone deleted it before your change reached the server.");
  if (g_strcmp0 (code, "invalid") == 0)
    return _("The server found the change invalid.");
  if (g_strcmp0 (code, "clock_ahead") == 0)
    return _("This computer’s clock is too far ahead of the server’s; set it right, then redo the change.");
  if (g_strcmp0 (code, "conflict_kind") == 0)
    return _("The server holds a different record under the same id.");
  return _("The server did not accept the change.");
}

static char *
describe_time (gint64 unix_s)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_s);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  /* Translators: a date and time, in g_date_time_format() notation */
  return local != NULL ? g_date_time_format (local, _("%x %X")) : g_strdup ("");
}

/* --- the rows ---------------------------------------------------------------- */

static void
dismiss_clicked_cb (GtkButton                *button,
                    CalqueSyncProblemsDialog *self)
{
  guint64 op_no = *(guint64 *) g_object_get_data (G_OBJECT (button), "calque-op-no");
  g_autoptr(GError) error = NULL;

  if (!calque_sync_manager_dismiss_refused (self->manager, op_no, &error))
    g_warning ("cannot dismiss a refused change: %s", error->message);
  refresh (self);
}

static GtkWidget *
refusal_row_new (CalqueSyncProblemsDialog *self,
                 CalqueRefusal            *refusal)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dismiss = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *title = NULL;
  g_autofree char *when = describe_time (refusal->at_s);
  g_autofree char *subtitle = NULL;
  g_autofree char *tooltip = NULL;

  if (refusal->change != NULL)
    title = describe_record (self->store, refusal->change->kind, refusal->change->record_id);
  else
    title = g_strdup (_("A change from an older version of Calque"));

  /* Translators: why a change was refused, then when */
  subtitle = g_strdup_printf (C_("refusal", "%s · %s"), describe_refusal_code (refusal->code), when);
  /* Translators: %s is the server's own explanation, in English */
  tooltip = g_strdup_printf (_("The server said: %s"), refusal->message != NULL ? refusal->message : "");

  /* Names and messages are the users' and the server's: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_tooltip_text (row, tooltip);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));

  gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (dismiss, "flat");
  gtk_widget_set_tooltip_text (dismiss, _("Dismiss"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (dismiss), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss"), -1);
  g_object_set_data_full (G_OBJECT (dismiss), "calque-op-no", g_memdup2 (&refusal->op_no, sizeof (guint64)),
                          g_free);
  g_signal_connect (dismiss, "clicked", G_CALLBACK (dismiss_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), dismiss);

  return row;
}

static GtkWidget *
conflict_row_new (CalqueSyncProblemsDialog *self,
                  CalqueRecord             *conflict)
{
  GtkWidget *row = adw_action_row_new ();
  const char *record_id = calque_record_get_string (conflict, "record");
  const char *field = calque_record_get_string (conflict, "field");
  const char *author = calque_record_get_string (conflict, "author");
  g_autoptr(CalqueRecord) record = record_id != NULL ? calque_store_get (self->store, record_id, NULL) : NULL;
  g_autofree char *what = NULL;
  g_autofree char *title = NULL;
  g_autofree char *lost = describe_value (self->store, calque_record_get_field (conflict, "value"));
  g_autofree char *kept = NULL;
  g_autofree char *subtitle = NULL;

  what = record != NULL ? describe_record (self->store, calque_record_get_kind (record), record_id)
                        : g_strdup (_("A deleted record"));
  kept = record != NULL ? describe_value (self->store, calque_record_get_field (record, field != NULL ? field : ""))
                        : g_strdup (_("(deleted)"));
  /* Translators: the first %s is a field name ("labels"), the second a record ("Annotation on “x.jpg”") */
  title = g_strdup_printf (_("“%s” of %s"), field != NULL ? field : "", what);
  if (author != NULL)
    /* Translators: what two concurrent edits left: the value kept, the value not kept and whose it was */
    subtitle = g_strdup_printf (_("Kept: %s · Not kept: %s (by %s)"), kept, lost, author);
  else
    /* Translators: what two concurrent edits left: the value kept and the value not kept */
    subtitle = g_strdup_printf (_("Kept: %s · Not kept: %s"), kept, lost);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-shared-symbolic"));
  return row;
}

static gint
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  gint64 ca = calque_record_get_int (*(CalqueRecord **) a, "created", 0);
  gint64 cb = calque_record_get_int (*(CalqueRecord **) b, "created", 0);

  return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static void
refresh (CalqueSyncProblemsDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *refused_group = adw_preferences_group_new ();
  GtkWidget *conflict_group = adw_preferences_group_new ();
  GtkWidget *old;

  g_clear_pointer (&self->refusals, g_ptr_array_unref);
  self->refusals = calque_store_list_refused (self->store, &error);
  if (self->refusals == NULL)
    {
      g_warning ("cannot read the refused changes: %s", error->message);
      g_clear_error (&error);
      self->refusals = g_ptr_array_new ();
    }
  conflicts = calque_store_list (self->store, CALQUE_KIND_CONFLICT, NULL, &error);
  if (conflicts == NULL)
    {
      g_warning ("cannot read the conflicts: %s", error->message);
      conflicts = g_ptr_array_new ();
    }
  g_ptr_array_sort (conflicts, compare_newest_first);
  self->n_conflicts = MIN (conflicts->len, MAX_CONFLICTS);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (refused_group), _("Refused Changes"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (refused_group),
                                         _("The server did not accept these changes, so they were undone in "
                                           "this workspace."));
  for (guint i = self->refusals->len; i > 0; i--)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (refused_group),
                               refusal_row_new (self, g_ptr_array_index (self->refusals, i - 1)));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (conflict_group), _("Conflicts"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (conflict_group),
                                         _("The same field was changed in two places at the same time. Everyone "
                                           "now has the value that was kept; the other one is listed here so that "
                                           "it is not lost."));
  for (guint i = 0; i < self->n_conflicts; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (conflict_group),
                               conflict_row_new (self, g_ptr_array_index (conflicts, i)));

  gtk_widget_set_visible (refused_group, self->refusals->len > 0);
  gtk_widget_set_visible (conflict_group, self->n_conflicts > 0);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (refused_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (conflict_group));

  old = gtk_stack_get_child_by_name (self->stack, "problems");
  if (old != NULL)
    gtk_stack_remove (self->stack, old);
  gtk_stack_add_named (self->stack, page, "problems");
  gtk_stack_set_visible_child_name (self->stack,
                                    self->refusals->len > 0 || self->n_conflicts > 0 ? "problems" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->dismiss_all_button), self->refusals->len > 0);
}

static gboolean
refresh_cb (gpointer user_data)
{
  CalqueSyncProblemsDialog *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* Changes stream in by the thousand: one refresh for a burst. */
static void
schedule_refresh (CalqueSyncProblemsDialog *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (250, refresh_cb, self);
}

static void
dismiss_all_clicked_cb (CalqueSyncProblemsDialog *self)
{
  for (guint i = 0; i < self->refusals->len; i++)
    {
      CalqueRefusal *refusal = g_ptr_array_index (self->refusals, i);
      g_autoptr(GError) error = NULL;

      if (!calque_sync_manager_dismiss_refused (self->manager, refusal->op_no, &error))
        g_warning ("cannot dismiss a refused change: %s", error->message);
    }
  refresh (self);
}

static void
calque_sync_problems_dialog_dispose (GObject *object)
{
  CalqueSyncProblemsDialog *self = CALQUE_SYNC_PROBLEMS_DIALOG (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->refusals, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_sync_problems_dialog_parent_class)->dispose (object);
}

static void
calque_sync_problems_dialog_class_init (CalqueSyncProblemsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_sync_problems_dialog_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
calque_sync_problems_dialog_init (CalqueSyncProblemsDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *empty = adw_status_page_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Conflicts and Refused Changes"));
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 560);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  self->dismiss_all_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Dismiss All")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dismiss_all_button),
                               _("Take every refused change off the list"));
  g_signal_connect_swapped (self->dismiss_all_button, "clicked", G_CALLBACK (dismiss_all_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->dismiss_all_button));
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "emblem-ok-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Conflicts or Refused Changes"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("The server accepted every change made here, and no edit clashed with "
                                     "another."));
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  adw_window_set_content (ADW_WINDOW (self), box);
}

CalqueSyncProblemsDialog *
calque_sync_problems_dialog_new (GtkWindow         *parent,
                                 CalqueSyncManager *manager)
{
  CalqueSyncProblemsDialog *self;

  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (manager), NULL);

  self = g_object_new (CALQUE_TYPE_SYNC_PROBLEMS_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  self->store = calque_workspace_get_store (calque_sync_manager_get_workspace (manager));
  g_signal_connect_swapped (manager, "notify::n-refused", G_CALLBACK (schedule_refresh), self);
  g_signal_connect_swapped (manager, "records-changed", G_CALLBACK (schedule_refresh), self);
  refresh (self);
  return self;
}

guint
calque_sync_problems_dialog_get_n_refused (CalqueSyncProblemsDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_PROBLEMS_DIALOG (self), 0);

  return self->refusals->len;
}

guint
calque_sync_problems_dialog_get_n_conflicts (CalqueSyncProblemsDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_PROBLEMS_DIALOG (self), 0);

  return self->n_conflicts;
}
