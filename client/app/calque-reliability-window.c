/* calque-reliability-window.c — how each annotator of a project works
 *
 * One row per annotator, the figures of client/quality/calque-reliability.h.
 * Those read the whole project (the agreement report among them), so they
 * are computed in a thread on a second CalqueStore of the same file, as in
 * calque-agreement-window.c, whose top comment says why that is safe.
 *
 * Annotators' names are the users' text: plain-text labels, never markup.
 */
#define G_LOG_DOMAIN "calque-reliability"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-reliability.h"
#include "calque-reliability-window.h"
#include "calque-project-job.h"

struct _CalqueReliabilityWindow
{
  AdwWindow       parent_instance;

  CalqueWorkspace *workspace;
  char            *project_id;
  GCancellable    *cancellable;   /* the computation under way, or NULL */
  gboolean         shown;

  AdwWindowTitle  *title;
  GtkStack        *stack;
  GtkWidget       *spinner;
  AdwStatusPage   *error_page;
  GtkWidget       *scroller;
  GtkGrid         *grid;          /* row 0: the headings */
  guint            n_rows;
};

G_DEFINE_FINAL_TYPE (CalqueReliabilityWindow, calque_reliability_window, ADW_TYPE_WINDOW)


static const struct {
  const char *heading;
  const char *tooltip;
} columns[CALQUE_RELIABILITY_N_COLUMNS] = {
  [CALQUE_RELIABILITY_COLUMN_NAME] = { N_("Annotator"), NULL },
  [CALQUE_RELIABILITY_COLUMN_SUBMITTED] = { N_("Submitted"), N_("Tasks handed in: submitted, accepted or rejected") },
  [CALQUE_RELIABILITY_COLUMN_ACCEPTED] = { N_("Accepted"), N_("Tasks accepted by a reviewer") },
  [CALQUE_RELIABILITY_COLUMN_REJECTED] = { N_("Rejected"), N_("Times a reviewer sent one of their tasks back") },
  [CALQUE_RELIABILITY_COLUMN_REJECTION_RATE] = { N_("Rejection Rate"), N_("Rejected ÷ (accepted + rejected)") },
  [CALQUE_RELIABILITY_COLUMN_F1_VS_FINAL] = { N_("Agreement with Final"),
                                              N_("F1 of their shapes against the final version (items compared)") },
  [CALQUE_RELIABILITY_COLUMN_ACTIVE_TIME] = { N_("Active Time"),
                                              N_("Time spent working in the app: window focused, input in the last minute") },
  [CALQUE_RELIABILITY_COLUMN_ITEMS_PER_HOUR] = { N_("Items per Hour"), N_("Timed items handed in per active hour") },
  [CALQUE_RELIABILITY_COLUMN_MEDIAN_TIME] = { N_("Median per Item"), N_("Median active time of the items handed in") },
  [CALQUE_RELIABILITY_COLUMN_MEAN_TIME] = { N_("Mean per Item"), N_("Mean active time of the items handed in") },
  [CALQUE_RELIABILITY_COLUMN_ANNOTATIONS_PER_HOUR] = { N_("Annotations per Hour"), N_("Annotations per active hour") },
};

/* "–" for a figure with nothing to measure: never 0, which would be a finding. */
static char *
format_number (double      value,
               const char *format)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf (format, value);
}

char *
calque_reliability_window_format_cell (gconstpointer           annotator,
                                       CalqueReliabilityColumn column)
{
  const CalqueReliabilityAnnotator *a = annotator;

  g_return_val_if_fail (a != NULL, NULL);

  switch (column)
    {
    case CALQUE_RELIABILITY_COLUMN_NAME:
      return g_strdup (a->name);
    case CALQUE_RELIABILITY_COLUMN_SUBMITTED:
      return g_strdup_printf ("%" G_GINT64_FORMAT, a->submitted);
    case CALQUE_RELIABILITY_COLUMN_ACCEPTED:
      return g_strdup_printf ("%" G_GINT64_FORMAT, a->accepted);
    case CALQUE_RELIABILITY_COLUMN_REJECTED:
      return g_strdup_printf ("%" G_GINT64_FORMAT, a->rejected);
    case CALQUE_RELIABILITY_COLUMN_REJECTION_RATE:
      /* Translators: a percentage, "25 %" */
      return format_number (100 * a->rejection_rate, _("%.0f %%"));
    case CALQUE_RELIABILITY_COLUMN_F1_VS_FINAL:
      if (isnan (a->f1_vs_final))
        return g_strdup ("–");
      /* Translators: an F1 score and the number of items it was measured on */
      return g_strdup_printf (_("%.3f (%u)"), a->f1_vs_final, a->final_items);
    case CALQUE_RELIABILITY_COLUMN_ACTIVE_TIME:
      return calque_reliability_format_duration (a->active_ms);
    case CALQUE_RELIABILITY_COLUMN_ITEMS_PER_HOUR:
      return format_number (a->items_per_hour, "%.1f");
    case CALQUE_RELIABILITY_COLUMN_MEDIAN_TIME:
      return calque_reliability_format_duration (a->median_ms);
    case CALQUE_RELIABILITY_COLUMN_MEAN_TIME:
      return calque_reliability_format_duration (isnan (a->mean_ms) ? -1 : (gint64) round (a->mean_ms));
    case CALQUE_RELIABILITY_COLUMN_ANNOTATIONS_PER_HOUR:
      return format_number (a->annotations_per_hour, "%.1f");
    case CALQUE_RELIABILITY_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- showing ------------------------------------------------------------------------ */

static GtkWidget *
cell_new (const char *text,
          gboolean    figure)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), figure ? 1 : 0);
  gtk_label_set_selectable (GTK_LABEL (label), figure);
  if (figure)
    gtk_widget_add_css_class (label, "numeric");
  else
    {
      /* Long names are cut, short ones are shown whole. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 16);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
      gtk_widget_set_tooltip_text (label, text);
    }
  return label;
}

static void
show_figures (CalqueReliabilityWindow *self,
              CalqueReliability       *reliability)
{
  const CalqueReliabilityAnnotator *annotators;
  guint n;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);

  for (guint c = 0; c < CALQUE_RELIABILITY_N_COLUMNS; c++)
    {
      GtkWidget *heading = gtk_label_new (_(columns[c].heading));

      gtk_label_set_xalign (GTK_LABEL (heading), c == 0 ? 0 : 1);
      gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (heading), 10);
      gtk_widget_add_css_class (heading, "heading");
      if (columns[c].tooltip != NULL)
        gtk_widget_set_tooltip_text (heading, _(columns[c].tooltip));
      gtk_grid_attach (self->grid, heading, c, 0, 1, 1);
    }

  annotators = calque_reliability_get_annotators (reliability, &n);
  for (guint r = 0; r < n; r++)
    for (guint c = 0; c < CALQUE_RELIABILITY_N_COLUMNS; c++)
      {
        g_autofree char *text = calque_reliability_window_format_cell (&annotators[r], c);

        gtk_grid_attach (self->grid, cell_new (text, c != CALQUE_RELIABILITY_COLUMN_NAME), c, r + 1, 1, 1);
      }
  self->n_rows = n;
  self->shown = TRUE;
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "figures" : "empty");
}

/* --- computing ---------------------------------------------------------------------- */

/* In a worker thread (calque-project-job.h). */
static gpointer
compute_figures (CalqueStore   *store,
                 CalqueRecord  *project,
                 gconstpointer  options,
                 GError       **error)
{
  return calque_reliability_new (store, project, error);
}

static void
computed_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CalqueReliabilityWindow *self = CALQUE_RELIABILITY_WINDOW (source_object);
  g_autoptr(CalqueReliability) reliability = NULL;
  g_autoptr(GError) error = NULL;

  reliability = calque_project_job_finish (result, &error);
  /* A newer computation took its place, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);

  if (reliability == NULL)
    {
      /* A status page's description is markup; the message may quote names. */
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  show_figures (self, reliability);
}

static void
compute (CalqueReliabilityWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (!self->shown)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_widget_set_visible (self->spinner, self->shown);
  gtk_spinner_start (GTK_SPINNER (self->spinner));

  calque_project_job_run (self, self->workspace, self->project_id, compute_figures, NULL, 0,
                          (GDestroyNotify) calque_reliability_free, "calque-reliability", self->cancellable,
                          computed_cb);
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  compute (CALQUE_RELIABILITY_WINDOW (widget));
}

/* --- GObject ----------------------------------------------------------------------- */

static void
calque_reliability_window_dispose (GObject *object)
{
  CalqueReliabilityWindow *self = CALQUE_RELIABILITY_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (calque_reliability_window_parent_class)->dispose (object);
}

static void
calque_reliability_window_finalize (GObject *object)
{
  CalqueReliabilityWindow *self = CALQUE_RELIABILITY_WINDOW (object);

  g_free (self->project_id);

  G_OBJECT_CLASS (calque_reliability_window_parent_class)->finalize (object);
}

static void
calque_reliability_window_class_init (CalqueReliabilityWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_reliability_window_dispose;
  object_class->finalize = calque_reliability_window_finalize;

  gtk_widget_class_install_action (widget_class, "reliability.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "reliability.refresh", NULL);
}

static void
calque_reliability_window_init (CalqueReliabilityWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *loading = gtk_spinner_new ();
  GtkWidget *empty = adw_status_page_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Annotator Reliability"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1080, 480);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Annotator Reliability"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_widget_set_tooltip_text (refresh, _("Compute Again (F5)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "reliability.refresh");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), refresh);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
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
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Annotators Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Figures appear once items of this project are given to annotators."));
  gtk_stack_add_named (self->stack, empty, "empty");

  self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->error_page, _("Cannot Compute the Figures"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->grid, 12);
  gtk_grid_set_row_spacing (self->grid, 8);
  gtk_widget_set_margin_start (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->grid), 18);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->grid));
  gtk_stack_add_named (self->stack, self->scroller, "figures");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* --- public API ---------------------------------------------------------------- */

CalqueReliabilityWindow *
calque_reliability_window_new (GtkWindow       *parent,
                               CalqueWorkspace *workspace,
                               CalqueRecord    *project)
{
  CalqueReliabilityWindow *self;
  const char *name;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self = g_object_new (CALQUE_TYPE_RELIABILITY_WINDOW, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project_id = g_strdup (calque_record_get_id (project));
  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");
  compute (self);
  return self;
}

void
calque_reliability_window_refresh (CalqueReliabilityWindow *self)
{
  g_return_if_fail (CALQUE_IS_RELIABILITY_WINDOW (self));

  compute (self);
}

gboolean
calque_reliability_window_get_busy (CalqueReliabilityWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_RELIABILITY_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

guint
calque_reliability_window_get_n_rows (CalqueReliabilityWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_RELIABILITY_WINDOW (self), 0);

  return self->n_rows;
}

const char *
calque_reliability_window_get_cell (CalqueReliabilityWindow *self,
                                    guint                    row,
                                    CalqueReliabilityColumn  column)
{
  GtkWidget *cell;

  g_return_val_if_fail (CALQUE_IS_RELIABILITY_WINDOW (self), NULL);
  g_return_val_if_fail (row < self->n_rows && column < CALQUE_RELIABILITY_N_COLUMNS, NULL);

  cell = gtk_grid_get_child_at (self->grid, column, row + 1);
  return GTK_IS_LABEL (cell) ? gtk_label_get_text (GTK_LABEL (cell)) : NULL;
}
