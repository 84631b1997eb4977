/* calque-agreement-window.c — how far the annotators of a project agree
 *
 * Shows the report of client/quality/calque-agreement-report.h, the one
 * `calque-cli agreement` prints, read from its JSON form (docs/cli.md): the
 * overall figures and the matching options they depend on, then tables of
 * the pairs of annotators, the annotators, the labels and the items, lowest
 * agreement first. Activating an item asks the main window to open it.
 *
 * The report reads the whole project, which takes seconds on a large one,
 * so it is computed in a thread. The workspace's CalqueStore is not for two
 * threads (one SQLite connection opened with SQLITE_OPEN_NOMUTEX, with
 * prepared statements and a record cache the main thread uses all the
 * time), so the thread opens a second CalqueStore on the same file: the
 * store is in WAL mode, so that connection reads a consistent snapshot
 * while the main thread and the sync keep writing, and opening a store that
 * is already at the current schema writes nothing.
 *
 * Every name shown (annotators, labels, items, the project) is the users'
 * text: it goes into GtkLabels as plain text, never as markup.
 */
#define G_LOG_DOMAIN "calque-agreement"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-agreement-report.h"
#include "calque-agreement-window.h"
#include "calque-project-job.h"

/* Items listed, lowest agreement first; a project of 100k items would
 * make a list too long to build and to read. */
#define MAX_ITEMS_SHOWN 100
/* A change of the options recomputes once the spin button rests. */
#define OPTIONS_DELAY_MS 300

struct _CalqueAgreementWindow
{
  AdwWindow           parent_instance;

  CalqueWorkspace    *workspace;
  char               *project_id;
  char               *media;          /* the project's type: "image", "text", "audio" */

  GCancellable       *cancellable;    /* the computation under way, or NULL */
  guint               options_id;     /* a computation after the options changed */
  gboolean            shown;          /* a report (or the empty page) was shown once */

  AdwWindowTitle     *title;
  GtkStack           *stack;
  GtkWidget          *spinner;        /* in the header bar, while computing again */
  AdwStatusPage      *error_page;
  AdwPreferencesPage *page;
  GtkWidget          *options_group;
  GtkSpinButton      *iou_spin;       /* image projects */
  GtkSpinButton      *tolerance_spin; /* audio projects */
  GPtrArray          *report_groups;  /* the groups of the report shown */
};

G_DEFINE_FINAL_TYPE (CalqueAgreementWindow, calque_agreement_window, ADW_TYPE_WINDOW)

enum {
  ITEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* --- reading the JSON ------------------------------------------------------------ */

/* A figure of the report; NAN when it has nothing to measure (null). */
static double
number_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  return json_node_get_double (node);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* "0.727" as the CLI writes it (in the locale's digits), "–" for a figure
 * that does not exist: never 0, which would be a finding. */
static char *
format_figure (double value)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.3f", value);
}

static char *
format_count (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* --- the widgets -------------------------------------------------------------------- */

static GtkWidget *
figure_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "calque-figure");
  return label;
}

/* A row of the overall figures: what it is, how it was counted, the figure. */
static GtkWidget *
figure_row_new (const char *title,
                const char *subtitle,
                double      value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = format_figure (value);
  GtkWidget *label = figure_label_new (text);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "calque-figure-large");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
group_new (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

/* A table is a boxed list whose first row holds the headings; a size
 * group per column of figures keeps the columns straight, the first
 * column (a name) takes what is left. */
static GtkWidget *
table_row_box_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  return box;
}

static GtkWidget *
table_new (const char * const *headings,
           gboolean            activatable)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *header = gtk_list_box_row_new ();
  GtkWidget *box = table_row_box_new ();
  GPtrArray *columns = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_add_css_class (list, "calque-table");

  for (guint i = 0; headings[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (headings[i]);

      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0 : 1);
      if (i == 0)
        gtk_widget_set_hexpand (label, TRUE);
      else
        {
          GtkSizeGroup *column = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

          gtk_size_group_add_widget (column, label);
          g_ptr_array_add (columns, column);
        }
      gtk_box_append (GTK_BOX (box), label);
    }
  if (activatable)
    {
      /* The place of the rows' arrow. */
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_widget_set_opacity (arrow, 0);
      gtk_box_append (GTK_BOX (box), arrow);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (header), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (header), FALSE);
  gtk_widget_add_css_class (header, "calque-table-header");
  gtk_list_box_append (GTK_LIST_BOX (list), header);

  g_object_set_data_full (G_OBJECT (list), "calque-columns", columns, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data (G_OBJECT (list), "calque-activatable", GINT_TO_POINTER (activatable));
  return list;
}

/* Adds a row: @name and @subtitle (nullable) are users' text, shown as it
 * is; @figures, one per column after the first, NULL-terminated. */
static GtkWidget *
table_add_row (GtkWidget          *list,
               const char         *name,
               const char         *subtitle,
               const char * const *figures)
{
  GPtrArray *columns = g_object_get_data (G_OBJECT (list), "calque-columns");
  gboolean activatable = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list), "calque-activatable"));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = table_row_box_new ();
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (name);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, name);
  gtk_box_append (GTK_BOX (names), label);
  if (subtitle != NULL)
    {
      GtkWidget *sub = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_widget_add_css_class (sub, "caption");
      gtk_box_append (GTK_BOX (names), sub);
    }
  gtk_widget_set_hexpand (names, TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), names);

  for (guint i = 0; figures[i] != NULL && i < columns->len; i++)
    {
      GtkWidget *figure = figure_label_new (figures[i]);

      gtk_size_group_add_widget (g_ptr_array_index (columns, i), figure);
      gtk_box_append (GTK_BOX (box), figure);
    }
  if (activatable)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("go-next-symbolic"));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), activatable);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return row;
}

/* --- the report ------------------------------------------------------------------------- */

static void
clear_report (CalqueAgreementWindow *self)
{
  for (guint i = 0; i < self->report_groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->report_groups, i));
  g_ptr_array_set_size (self->report_groups, 0);
}

static void
add_group (CalqueAgreementWindow *self,
           GtkWidget             *group)
{
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->report_groups, group);
}

static void
add_overall (CalqueAgreementWindow *self,
             JsonObject            *root)
{
  JsonObject *overall = object_member (root, "overall");
  JsonObject *whole = object_member (overall, "whole_item");
  guint n_items = (guint) int_member (root, "items_compared");
  guint n_annotators = json_array_get_length (array_member (root, "annotators"));
  guint n_whole = (guint) int_member (whole, "items");
  g_autofree char *items = NULL;
  g_autofree char *annotators = NULL;
  g_autofree char *description = NULL;
  g_autofree char *matched = NULL;
  g_autofree char *whole_description = NULL;
  GtkWidget *group;

  items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item compared", "%u items compared", n_items), n_items);
  annotators = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u annotator", "%u annotators", n_annotators),
                                n_annotators);
  /* Translators: "2 items compared · 3 annotators" */
  description = g_strdup_printf (C_("agreement counts", "%s · %s"), items, annotators);
  group = group_new (_("Overall"), description);

  /* Translators: how an F1 was counted: pairs of shapes matched, and shapes of both sides */
  /* (gettext cannot read G_GINT64_FORMAT inside a message: %lld.) */
  matched = g_strdup_printf (_("Matched pairs: %lld · Shapes: %lld"),
                             (long long) int_member (overall, "matched"), (long long) int_member (overall, "shapes"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             figure_row_new (_("F1"), matched, number_member (overall, "f1")));
  if (g_strcmp0 (self->media, "text") == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               figure_row_new (_("F1, Same Ends"), _("Spans match only when both ends are the same"),
                                               number_member (overall, "f1_exact")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             figure_row_new (_("Mean IoU"), _("How much the matched shapes overlap"),
                                             number_member (overall, "mean_iou")));
  add_group (self, group);

  whole_description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "The labels of the whole item, where two or more people set "
                                                    "some: %u item",
                                                    "The labels of the whole item, where two or more people set "
                                                    "some: %u items",
                                                    n_whole), n_whole);
  group = group_new (_("Whole-Item Labels"), whole_description);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             figure_row_new (_("Agreement"), _("The share of pairs of annotators who agree"),
                                             number_member (whole, "percent")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             figure_row_new (_("Fleiss’ κ"), _("Agreement beyond chance, any number of annotators"),
                                             number_member (whole, "fleiss_kappa")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             figure_row_new (_("Krippendorff’s α"), _("Agreement beyond chance, with missing ratings"),
                                             number_member (whole, "krippendorff_alpha")));
  add_group (self, group);
}

static void
add_pairs (CalqueAgreementWindow *self,
           JsonObject            *root)
{
  JsonArray *pairs = array_member (root, "pairs");
  const char *headings[] = { _("Annotators"), _("Items"), _("F1"), _("Mean IoU"), _("Cohen’s κ"), NULL };
  GtkWidget *group;
  GtkWidget *table;

  if (pairs == NULL || json_array_get_length (pairs) == 0)
    return;

  group = group_new (_("Pairs of Annotators"), _("Cohen’s κ compares their labels of the whole item"));
  table = table_new (headings, FALSE);
  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonObject *pair = json_array_get_object_element (pairs, i);
      g_autofree char *names = NULL;
      g_autofree char *items = format_count (int_member (pair, "items"));
      g_autofree char *f1 = format_figure (number_member (pair, "f1"));
      g_autofree char *iou = format_figure (number_member (pair, "mean_iou"));
      g_autofree char *kappa = format_figure (number_member (pair, "cohen_kappa"));

      /* Translators: a pair of annotators, "alice – bruno" */
      names = g_strdup_printf (C_("pair of annotators", "%s – %s"), string_member (pair, "a"),
                               string_member (pair, "b"));
      table_add_row (table, names, NULL, (const char *[]) { items, f1, iou, kappa, NULL });
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), table);
  add_group (self, group);
}

static void
add_annotators (CalqueAgreementWindow *self,
                JsonObject            *root)
{
  JsonArray *annotators = array_member (root, "annotators");
  const char *headings[] = { _("Annotator"), _("Items"), _("F1 with Others"), _("Reviewed"), _("F1 with Final"),
                             NULL };
  GtkWidget *group;
  GtkWidget *table;

  if (annotators == NULL || json_array_get_length (annotators) == 0)
    return;

  group = group_new (_("Annotators"),
                     _("Each against the others on the items they share, and against the final version of the "
                       "reviewed items"));
  table = table_new (headings, FALSE);
  for (guint i = 0; i < json_array_get_length (annotators); i++)
    {
      JsonObject *annotator = json_array_get_object_element (annotators, i);
      JsonObject *final = object_member (annotator, "vs_final");
      g_autofree char *items = format_count (int_member (annotator, "items"));
      g_autofree char *others = format_figure (number_member (object_member (annotator, "vs_others"), "f1"));
      g_autofree char *reviewed = format_count (int_member (final, "items"));
      g_autofree char *f1_final = format_figure (number_member (final, "f1"));

      table_add_row (table, string_member (annotator, "name"), NULL,
                     (const char *[]) { items, others, reviewed, f1_final, NULL });
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), table);
  add_group (self, group);
}

static void
add_labels (CalqueAgreementWindow *self,
            JsonObject            *root)
{
  JsonArray *labels = array_member (root, "labels");
  const char *headings[] = { _("Label"), _("F1"), _("Matched"), _("Shapes"), NULL };
  GtkWidget *group;
  GtkWidget *table;

  if (labels == NULL || json_array_get_length (labels) == 0)
    return;

  group = group_new (_("Labels"), NULL);
  table = table_new (headings, FALSE);
  for (guint i = 0; i < json_array_get_length (labels); i++)
    {
      JsonObject *label = json_array_get_object_element (labels, i);
      g_autofree char *f1 = format_figure (number_member (label, "f1"));
      g_autofree char *matched = format_count (int_member (label, "matched"));
      g_autofree char *shapes = format_count (int_member (label, "shapes"));

      table_add_row (table, string_member (label, "name"), NULL, (const char *[]) { f1, matched, shapes, NULL });
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), table);
  add_group (self, group);
}

static void
item_row_activated_cb (CalqueAgreementWindow *self,
                       GtkListBoxRow         *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "calque-item-id");

  if (id != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, id);
}

static void
add_items (CalqueAgreementWindow *self,
           JsonObject            *root)
{
  JsonArray *items = array_member (root, "items");
  const char *headings[] = { _("Item"), _("Agreement"), NULL };
  guint n = items != NULL ? json_array_get_length (items) : 0;
  g_autofree char *description = NULL;
  GtkWidget *group;
  GtkWidget *table;

  if (n == 0)
    return;

  if (n > MAX_ITEMS_SHOWN)
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "The %u of lowest agreement, of %u item compared. Open one to "
                                                "review it.",
                                                "The %u of lowest agreement, of %u items compared. Open one to "
                                                "review it.",
                                                n), MAX_ITEMS_SHOWN, n);
  else
    description = g_strdup (_("Open one to review it."));
  group = group_new (_("Items, Lowest Agreement First"), description);
  table = table_new (headings, TRUE);
  g_signal_connect_object (table, "row-activated", G_CALLBACK (item_row_activated_cb), self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < MIN (n, MAX_ITEMS_SHOWN); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *raters = array_member (item, "annotators");
      g_autofree char *agreement = format_figure (number_member (item, "agreement"));
      g_autoptr(GString) who = g_string_new (NULL);
      const char *final = string_member (item, "final");
      GtkWidget *row;

      for (guint j = 0; raters != NULL && j < json_array_get_length (raters); j++)
        {
          if (j > 0)
            /* Translators: between the names of the annotators of an item */
            g_string_append (who, C_("list of annotators", ", "));
          g_string_append (who, json_array_get_string_element (raters, j));
        }
      if (final != NULL)
        {
          g_autofree char *with_final = NULL;

          /* Translators: the annotators of an item, then whose version the reviewer kept */
          with_final = g_strdup_printf (_("%s · final: %s"), who->str, final);
          g_string_assign (who, with_final);
        }

      row = table_add_row (table, string_member (item, "name"), who->str, (const char *[]) { agreement, NULL });
      g_object_set_data_full (G_OBJECT (row), "calque-item-id", g_strdup (string_member (item, "id")), g_free);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), table);
  add_group (self, group);
}

static void
show_report (CalqueAgreementWindow *self,
             JsonNode              *node)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  clear_report (self);
  self->shown = TRUE;

  /* Nothing to compare whatever the options: a page that says why. */
  if (int_member (root, "items_compared") == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  add_overall (self, root);
  add_pairs (self, root);
  add_annotators (self, root);
  add_labels (self, root);
  add_items (self, root);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
show_error (CalqueAgreementWindow *self,
            const GError          *error)
{
  /* A status page's description is markup; the message may quote names. */
  g_autofree char *description = g_markup_escape_text (error->message, -1);

  clear_report (self);
  self->shown = TRUE;
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* --- computing -------------------------------------------------------------------------- */

/* In a worker thread (calque-project-job.h). */
static gpointer
compute_report (CalqueStore   *store,
                CalqueRecord  *project,
                gconstpointer  options,
                GError       **error)
{
  g_autoptr(CalqueAgreementReport) report = calque_agreement_report_new (store, project, options, error);

  return report != NULL ? calque_agreement_report_to_json (report) : NULL;
}

static void
computed_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CalqueAgreementWindow *self = CALQUE_AGREEMENT_WINDOW (source_object);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = calque_project_job_finish (result, &error);
  /* A newer computation took its place, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);

  if (root == NULL)
    show_error (self, error);
  else
    show_report (self, root);
}

static void
compute (CalqueAgreementWindow *self)
{
  CalqueAgreementOptions options = { 0 };

  g_clear_handle_id (&self->options_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  options.iou_threshold = gtk_spin_button_get_value (self->iou_spin);
  options.tolerance = gtk_spin_button_get_value (self->tolerance_spin);

  /* The first time, the whole window waits; later the report shown stays
   * until the new one is there. */
  if (!self->shown)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_widget_set_visible (self->spinner, self->shown);
  gtk_spinner_start (GTK_SPINNER (self->spinner));

  calque_project_job_run (self, self->workspace, self->project_id, compute_report, &options, sizeof options,
                          (GDestroyNotify) json_node_unref, "calque-agreement", self->cancellable, computed_cb);
}

static gboolean
options_changed_timeout_cb (gpointer user_data)
{
  CalqueAgreementWindow *self = user_data;

  self->options_id = 0;
  compute (self);
  return G_SOURCE_REMOVE;
}

static void
options_changed_cb (CalqueAgreementWindow *self)
{
  g_clear_handle_id (&self->options_id, g_source_remove);
  self->options_id = g_timeout_add (OPTIONS_DELAY_MS, options_changed_timeout_cb, self);
}

/* --- the window ------------------------------------------------------------------------- */

static GtkWidget *
option_row_new (const char     *title,
                const char     *subtitle,
                GtkSpinButton **spin,
                double          min,
                double          max,
                double          step,
                double          value)
{
  GtkWidget *row = adw_action_row_new ();

  *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (min, max, step));
  gtk_spin_button_set_digits (*spin, 2);
  gtk_spin_button_set_value (*spin, value);
  gtk_widget_set_valign (GTK_WIDGET (*spin), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (*spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (*spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (*spin));
  return row;
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  compute (CALQUE_AGREEMENT_WINDOW (widget));
}

static void
calque_agreement_window_dispose (GObject *object)
{
  CalqueAgreementWindow *self = CALQUE_AGREEMENT_WINDOW (object);

  g_clear_handle_id (&self->options_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (calque_agreement_window_parent_class)->dispose (object);
}

static void
calque_agreement_window_finalize (GObject *object)
{
  CalqueAgreementWindow *self = CALQUE_AGREEMENT_WINDOW (object);

  g_free (self->project_id);
  g_free (self->media);
  g_clear_pointer (&self->report_groups, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_agreement_window_parent_class)->finalize (object);
}

static void
calque_agreement_window_class_init (CalqueAgreementWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_agreement_window_dispose;
  object_class->finalize = calque_agreement_window_finalize;

  /**
   * CalqueAgreementWindow::item-activated:
   * @item_id: the item to open
   */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "agreement.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "agreement.refresh", NULL);
}

static void
calque_agreement_window_init (CalqueAgreementWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *loading = gtk_spinner_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->report_groups = g_ptr_array_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Annotator Agreement"));
  gtk_window_set_default_size (GTK_WINDOW (self), 720, 680);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Annotator Agreement"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_widget_set_tooltip_text (refresh, _("Compute Again (F5)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "agreement.refresh");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), refresh);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_widget_set_tooltip_text (self->spinner, _("Computing…"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);

  gtk_widget_set_size_request (loading, 32, 32);
  gtk_widget_set_halign (loading, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  gtk_spinner_start (GTK_SPINNER (loading));
  gtk_stack_add_named (self->stack, loading, "loading");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "system-users-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Nothing to Compare Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("No item has been annotated by two people yet. Agreement is measured once "
                                     "two annotators have worked on the same item."));
  gtk_stack_add_named (self->stack, empty, "empty");

  self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->error_page, _("Cannot Compute Agreement"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  self->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  self->options_group = group_new (_("Matching"), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->options_group),
                             option_row_new (_("IoU Threshold"),
                                             _("Two shapes match when they overlap at least this much and have "
                                               "the same label"),
                                             &self->iou_spin, 0.05, 1, 0.05, 0.5));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->options_group),
                             option_row_new (_("Tolerance in Seconds"),
                                             _("Two segments match when both their ends are this close and they "
                                               "have the same label"),
                                             &self->tolerance_spin, 0, 10, 0.05, 0.5));
  g_signal_connect_swapped (self->iou_spin, "value-changed", G_CALLBACK (options_changed_cb), self);
  g_signal_connect_swapped (self->tolerance_spin, "value-changed", G_CALLBACK (options_changed_cb), self);
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (self->options_group));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->page), "report");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

CalqueAgreementWindow *
calque_agreement_window_new (GtkWindow       *parent,
                             CalqueWorkspace *workspace,
                             CalqueRecord    *project)
{
  CalqueAgreementWindow *self;
  const char *name;
  gboolean image, audio;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self = g_object_new (CALQUE_TYPE_AGREEMENT_WINDOW, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project_id = g_strdup (calque_record_get_id (project));
  self->media = g_strdup (calque_record_get_string (project, "type"));

  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");

  /* Only the option that the project's type uses: texts have none. */
  audio = g_strcmp0 (self->media, "audio") == 0;
  image = !audio && g_strcmp0 (self->media, "text") != 0;
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->iou_spin), ADW_TYPE_ACTION_ROW), image);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->tolerance_spin), ADW_TYPE_ACTION_ROW), audio);
  gtk_widget_set_visible (self->options_group, image || audio);

  compute (self);
  return self;
}

CalqueWorkspace *
calque_agreement_window_get_workspace (CalqueAgreementWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_AGREEMENT_WINDOW (self), NULL);

  return self->workspace;
}

const char *
calque_agreement_window_get_project_id (CalqueAgreementWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_AGREEMENT_WINDOW (self), NULL);

  return self->project_id;
}

void
calque_agreement_window_refresh (CalqueAgreementWindow *self)
{
  g_return_if_fail (CALQUE_IS_AGREEMENT_WINDOW (self));

  compute (self);
}

gboolean
calque_agreement_window_get_busy (CalqueAgreementWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_AGREEMENT_WINDOW (self), FALSE);

  return self->cancellable != NULL || self->options_id != 0;
}
