/* calque-dashboard-window.c — how far a project has come, live
 *
 * Shows the figures of client/quality/calque-progress.h, the ones
 * `calque-cli stats` prints: headline counts of items with their share of
 * all items, the chart of annotations over time, a table per annotator and
 * one per label.
 *
 * Counting reads the whole project (a fraction of a second for a million
 * annotations, more on a slow disk), so it runs in a thread, on a second
 * CalqueStore opened on the same file: the workspace's store is one SQLite
 * connection for the main thread (see calque-agreement-window.c), while
 * in WAL mode a second connection reads a consistent snapshot as the main
 * thread and the sync keep writing.
 *
 * Live: the main window calls calque_dashboard_window_changed() whenever
 * the workspace changes under it (a pull from the server, an edit or an
 * assignment made here). A change counts again at once if the last count
 * began CALQUE_DASHBOARD_INTERVAL_MS ago or more, otherwise when that
 * time is up, and a change during a count is counted after it: while a
 * pull streams thousands of changes in, the figures move every two
 * seconds, not thousands of times. A count that takes long (a second
 * or more on a million annotations and a slow disk) spaces the next one
 * out to twice its length, so that the thread reads at most half the
 * time. A new count updates the labels and
 * rows in place (rows are added or removed at the end only when people or
 * labels come or go), so nothing flickers and the scroll position stays.
 *
 * Every name shown (annotators, labels, the project) is the users' text:
 * plain text in GtkLabels, never markup.
 */
#define G_LOG_DOMAIN "calque-dashboard"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-chart-math.h"
#include "calque-dashboard-window.h"
#include "calque-project-job.h"
#include "calque-progress-chart.h"
#include "calque-progress.h"

/* Room for a boxed list's shadow inside the window that scrolls it. */
#define SHADOW_ROOM 6

typedef enum {
  HEADLINE_ITEMS,
  HEADLINE_DONE,
  HEADLINE_IN_REVIEW,
  HEADLINE_ACCEPTED,
  HEADLINE_REJECTED,
  HEADLINE_ANNOTATIONS,
  N_HEADLINES
} Headline;

/* A row of a table: a name (with a subtitle, a colour) and figures. */
typedef struct {
  GtkWidget *row;
  GtkWidget *name;
  GtkWidget *subtitle;   /* hidden when there is none */
  GtkWidget *swatch;     /* the label's colour; NULL in tables of people */
  GdkRGBA    color;
  GPtrArray *figures;    /* GtkLabel, one per column after the name */
} TableRow;

typedef struct {
  GtkWidget *section;    /* the title and the table */
  GtkWidget *list;
  GPtrArray *columns;    /* GtkSizeGroup, one per column of figures */
  GPtrArray *rows;       /* TableRow */
  gboolean   swatches;
} Table;

struct _CalqueDashboardWindow
{
  AdwWindow        parent_instance;

  CalqueWorkspace *workspace;
  char            *project_id;

  GCancellable    *cancellable;     /* the count under way, or NULL */
  guint            refresh_id;      /* a count waiting for the interval to pass */
  gint64           started_us;      /* when the last count began (monotonic), 0: never */
  gint64           took_us;         /* how long the last count took */
  gboolean         dirty;           /* changed since the last count began */
  guint            n_shown;

  AdwWindowTitle  *title;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkWidget       *scrolled;
  GtkWidget       *headline_value[N_HEADLINES];
  GtkWidget       *headline_detail[N_HEADLINES];
  GtkWidget       *chart_group;
  GtkWidget       *chart;
  Table            annotators;
  Table            labels;
  GtkWidget       *footer;
};

G_DEFINE_FINAL_TYPE (CalqueDashboardWindow, calque_dashboard_window, ADW_TYPE_WINDOW)

static void compute (CalqueDashboardWindow *self);

/* --- words and numbers --------------------------------------------------------------- */

/* The share of @part in @whole, in whole percents cut rather than rounded:
 * 100% only when all of them, and "<1%" rather than 0% for a few. */
static char *
format_share (gint64 part,
              gint64 whole)
{
  gint64 percent;

  if (whole <= 0)
    return g_strdup ("–");
  percent = part * 100 / whole;
  if (part > 0 && percent == 0)
    /* Translators: the share of items, when it is not zero but under one percent */
    return g_strdup (_("<1% of items"));
  /* Translators: the share of items, "60% of items" */
  return g_strdup_printf (_("%lld%% of items"), (long long) percent);
}

static void
set_text (GtkWidget  *label,
          const char *text)
{
  /* Counting again usually finds the same figures: leave those alone. */
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (label), text);
}

/* --- tables ----------------------------------------------------------------------------- */

static void
table_row_free (TableRow *row)
{
  g_ptr_array_unref (row->figures);
  g_free (row);
}

static GtkWidget *
table_box_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  return box;
}

static GtkWidget *
figure_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "calque-figure");
  return label;
}

/* A table is a boxed list whose first row holds the headings (each with
 * a tooltip that says how it is counted); a size group per column keeps
 * the figures straight, and the name takes what is left.
 *
 * Ten columns do not fit a narrow window: the table scrolls sideways on
 * its own, and the figures above it keep to the window's width. A
 * scrolled window clips what overflows it, the list's shadow too, so the
 * list keeps a margin of SHADOW_ROOM inside it, and the rest of the page
 * is inset by as much to line up. */
static void
table_init (Table              *table,
            const char         *title,
            const char * const *headings,
            const char * const *tooltips,
            gboolean            swatches)
{
  GtkWidget *header = gtk_list_box_row_new ();
  GtkWidget *box = table_box_new ();
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  table->section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_start (heading, SHADOW_ROOM);
  gtk_widget_set_margin_bottom (heading, 12 - SHADOW_ROOM);
  gtk_box_append (GTK_BOX (table->section), heading);
  table->list = gtk_list_box_new ();
  table->columns = g_ptr_array_new_with_free_func (g_object_unref);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) table_row_free);
  table->swatches = swatches;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (table->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (table->list, "boxed-list");
  gtk_widget_add_css_class (table->list, "calque-table");

  for (guint i = 0; headings[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (headings[i]);

      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0 : 1);
      if (tooltips[i] != NULL)
        gtk_widget_set_tooltip_text (label, tooltips[i]);
      if (i == 0)
        gtk_widget_set_hexpand (label, TRUE);
      else
        {
          GtkSizeGroup *column = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

          gtk_size_group_add_widget (column, label);
          g_ptr_array_add (table->columns, column);
        }
      gtk_box_append (GTK_BOX (box), label);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (header), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (header), FALSE);
  gtk_widget_set_focusable (header, FALSE);
  gtk_widget_add_css_class (header, "calque-table-header");
  gtk_list_box_append (GTK_LIST_BOX (table->list), header);
  gtk_widget_set_margin_top (table->list, SHADOW_ROOM);
  gtk_widget_set_margin_bottom (table->list, SHADOW_ROOM);
  gtk_widget_set_margin_start (table->list, SHADOW_ROOM);
  gtk_widget_set_margin_end (table->list, SHADOW_ROOM);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), table->list);
  gtk_box_append (GTK_BOX (table->section), scrolled);
}

static void
swatch_draw_cb (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  TableRow *row = user_data;
  double radius = MIN (width, height) / 2.0;

  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &row->color);
  cairo_fill (cr);
}

static TableRow *
table_append_row (Table *table)
{
  TableRow *row = g_new0 (TableRow, 1);
  GtkWidget *box = table_box_new ();
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  row->row = gtk_list_box_row_new ();
  row->figures = g_ptr_array_new ();

  if (table->swatches)
    {
      row->swatch = gtk_drawing_area_new ();
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->swatch), 12);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->swatch), 12);
      gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw_cb, row, NULL);
      gtk_box_append (GTK_BOX (box), row->swatch);
    }

  row->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (names), row->name);
  row->subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (row->subtitle, "dim-label");
  gtk_widget_add_css_class (row->subtitle, "caption");
  gtk_widget_set_visible (row->subtitle, FALSE);
  gtk_box_append (GTK_BOX (names), row->subtitle);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), names);

  for (guint i = 0; i < table->columns->len; i++)
    {
      GtkWidget *figure = figure_label_new (NULL);

      gtk_size_group_add_widget (g_ptr_array_index (table->columns, i), figure);
      gtk_box_append (GTK_BOX (box), figure);
      g_ptr_array_add (row->figures, figure);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->row), FALSE);
  gtk_list_box_append (GTK_LIST_BOX (table->list), row->row);
  g_ptr_array_add (table->rows, row);
  return row;
}

/* Shows @name, @subtitle (nullable), @color (nullable) and @figures (one
 * per column) in row @index, which is made if it is the next one. */
static void
table_set_row (Table              *table,
               guint               index,
               const char         *name,
               const char         *subtitle,
               const char         *color,
               const char * const *figures)
{
  TableRow *row;

  g_assert (index <= table->rows->len);
  row = index < table->rows->len ? g_ptr_array_index (table->rows, index) : table_append_row (table);

  set_text (row->name, name);
  gtk_widget_set_tooltip_text (row->name, name);
  set_text (row->subtitle, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (row->subtitle, subtitle != NULL);
  if (row->swatch != NULL)
    {
      GdkRGBA rgba;

      if (color == NULL || !gdk_rgba_parse (&rgba, color))
        rgba = (GdkRGBA) { 0.6, 0.6, 0.6, 1 };
      if (!gdk_rgba_equal (&rgba, &row->color))
        {
          row->color = rgba;
          gtk_widget_queue_draw (row->swatch);
        }
    }
  for (guint i = 0; i < row->figures->len; i++)
    set_text (g_ptr_array_index (row->figures, i), figures[i]);
}

/* Keeps the first @n_rows rows. */
static void
table_truncate (Table *table,
                guint  n_rows)
{
  while (table->rows->len > n_rows)
    {
      TableRow *row = g_ptr_array_index (table->rows, table->rows->len - 1);

      gtk_list_box_remove (GTK_LIST_BOX (table->list), row->row);
      g_ptr_array_remove_index (table->rows, table->rows->len - 1);
    }
}

static void
table_clear (Table *table)
{
  g_clear_pointer (&table->columns, g_ptr_array_unref);
  g_clear_pointer (&table->rows, g_ptr_array_unref);
}

/* --- showing the figures ---------------------------------------------------------------- */

static void
set_headline (CalqueDashboardWindow *self,
              Headline               headline,
              gint64                 value,
              const char            *detail)
{
  g_autofree char *text = calque_progress_chart_format_count (value);

  set_text (self->headline_value[headline], text);
  set_text (self->headline_detail[headline], detail);
}

static void
show_headlines (CalqueDashboardWindow *self,
                CalqueProgress        *progress)
{
  const CalqueProgressAnnotator *annotators;
  gint64 n_items = calque_progress_get_n_items (progress);
  gint64 in_review = calque_progress_get_items_in_state (progress, CALQUE_TASK_STATE_SUBMITTED);
  gint64 accepted = calque_progress_get_items_in_state (progress, CALQUE_TASK_STATE_ACCEPTED);
  gint64 rejected = calque_progress_get_items_in_state (progress, CALQUE_TASK_STATE_REJECTED);
  gint64 done = calque_progress_get_items_done (progress);
  gint64 recent = 0;
  g_autofree char *without = calque_progress_chart_format_count (calque_progress_get_items_without_task (progress));
  g_autofree char *without_text = NULL;
  g_autofree char *recent_count = NULL;
  g_autofree char *recent_text = NULL;
  g_autofree char *done_share = format_share (done, n_items);
  g_autofree char *review_share = format_share (in_review, n_items);
  g_autofree char *accepted_share = format_share (accepted, n_items);
  g_autofree char *rejected_share = format_share (rejected, n_items);
  guint n_annotators;

  annotators = calque_progress_get_annotators (progress, &n_annotators);
  for (guint i = 0; i < n_annotators; i++)
    recent += annotators[i].recent;
  recent_count = calque_progress_chart_format_count (recent);

  /* Translators: under the number of items; %s is a number */
  without_text = g_strdup_printf (_("%s without a task"), without);
  /* Translators: under the number of annotations; %s is a number */
  recent_text = g_strdup_printf (_("%s in the last 24 h"), recent_count);

  set_headline (self, HEADLINE_ITEMS, n_items, without_text);
  set_headline (self, HEADLINE_DONE, done, done_share);
  set_headline (self, HEADLINE_IN_REVIEW, in_review, review_share);
  set_headline (self, HEADLINE_ACCEPTED, accepted, accepted_share);
  set_headline (self, HEADLINE_REJECTED, rejected, rejected_share);
  set_headline (self, HEADLINE_ANNOTATIONS, calque_progress_get_n_annotations (progress), recent_text);
}

static void
show_chart (CalqueDashboardWindow *self,
            CalqueProgress        *progress)
{
  const gint64 *counts;
  gint64 start_ms = 0, bucket_ms = 0;
  guint n_buckets = 0;
  g_autofree char *title = NULL;

  counts = calque_progress_get_series (progress, &start_ms, &bucket_ms, &n_buckets);
  if (n_buckets == 0 || bucket_ms == CALQUE_CHART_HOUR_MS)
    title = g_strdup (_("Annotations per Hour"));
  else if (bucket_ms == CALQUE_CHART_DAY_MS)
    title = g_strdup (_("Annotations per Day"));
  else
    {
      guint days = (guint) (bucket_ms / CALQUE_CHART_DAY_MS);

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Annotations per %u Day", "Annotations per %u Days",
                                            days), days);
    }
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->chart_group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->chart_group),
                                         n_buckets > 0 ? _("Times in UTC. Point at a bar for its count.") : NULL);

  /* Annotations that no time can be told of (no created, an id that is
   * not a UUIDv7) count, but cannot be placed. */
  calque_progress_chart_set_empty_text (CALQUE_PROGRESS_CHART (self->chart),
                                        calque_progress_get_n_annotations (progress) > 0
                                        ? _("No annotation says when it was made")
                                        : _("No annotations yet"));
  calque_progress_chart_set_series (CALQUE_PROGRESS_CHART (self->chart), start_ms, bucket_ms, counts, n_buckets);
}

static void
show_annotators (CalqueDashboardWindow *self,
                 CalqueProgress        *progress)
{
  const CalqueProgressAnnotator *annotators;
  guint n;

  annotators = calque_progress_get_annotators (progress, &n);
  for (guint i = 0; i < n; i++)
    {
      const CalqueProgressAnnotator *a = &annotators[i];
      char *figures[CALQUE_N_TASK_STATES + 5] = { NULL };
      guint k = 0;

      for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
        figures[k++] = calque_progress_chart_format_count (a->tasks[s]);
      figures[k++] = calque_progress_chart_format_count (a->items_done);
      figures[k++] = calque_progress_chart_format_count (a->annotations);
      /* Nothing made yet: no pace, which is not a pace of 0. */
      figures[k++] = isnan (a->per_hour) ? g_strdup ("–") : g_strdup_printf ("%.1f", a->per_hour);
      figures[k++] = calque_progress_chart_format_count (a->recent);
      table_set_row (&self->annotators, i, a->name, NULL, NULL, (const char * const *) figures);
      for (guint j = 0; j < k; j++)
        g_free (figures[j]);
    }
  table_truncate (&self->annotators, n);
  gtk_widget_set_visible (self->annotators.section, n > 0);
}

static void
show_labels (CalqueDashboardWindow *self,
             CalqueProgress        *progress)
{
  const CalqueProgressLabel *labels;
  guint n;

  labels = calque_progress_get_labels (progress, &n);
  for (guint i = 0; i < n; i++)
    {
      const CalqueProgressLabel *l = &labels[i];
      g_autofree char *annotations = calque_progress_chart_format_count (l->annotations);
      g_autofree char *items = calque_progress_chart_format_count (l->items);
      const char *figures[] = { annotations, items };

      /* A label the project no longer has is known by its id only. */
      table_set_row (&self->labels, i, l->name != NULL ? l->name : l->id,
                     l->name != NULL ? NULL : _("No longer in the project"),
                     l->color, figures);
    }
  table_truncate (&self->labels, n);
  gtk_widget_set_visible (self->labels.section, n > 0);
}

static void
show_footer (CalqueDashboardWindow *self,
             const char            *problem)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%X");
  g_autofree char *text = NULL;

  if (problem != NULL)
    /* Translators: %s says why the figures could not be counted again */
    text = g_strdup_printf (_("These figures are from %s; counting them again failed: %s"), time, problem);
  else
    /* Translators: %s is the time of day */
    text = g_strdup_printf (_("Counted at %s, and counted again as the team works"), time);
  set_text (self->footer, text);
}

static void
show_figures (CalqueDashboardWindow *self,
              CalqueProgress        *progress)
{
  show_headlines (self, progress);
  show_chart (self, progress);
  show_annotators (self, progress);
  show_labels (self, progress);
  show_footer (self, NULL);
  self->n_shown++;
  gtk_stack_set_visible_child_name (self->stack, "dashboard");
}

static void
show_error (CalqueDashboardWindow *self,
            const GError          *error)
{
  g_autofree char *description = NULL;

  /* Figures shown stay, with a word of why they did not move. */
  if (self->n_shown > 0)
    {
      show_footer (self, error->message);
      return;
    }

  /* A status page's description is markup; the message may quote names. */
  description = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* --- counting --------------------------------------------------------------------------- */

/* In a worker thread (calque-project-job.h). */
static gpointer
compute_figures (CalqueStore   *store,
                 CalqueRecord  *project,
                 gconstpointer  options,
                 GError       **error)
{
  return calque_progress_new (store, calque_record_get_id (project), -1, error);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  CalqueDashboardWindow *self = user_data;

  self->refresh_id = 0;
  compute (self);
  return G_SOURCE_REMOVE;
}

/* Counts again if something changed: now, or once the interval since the
 * last count has passed; after the count under way, if there is one. */
static void
schedule (CalqueDashboardWindow *self)
{
  gint64 interval_ms = MAX (CALQUE_DASHBOARD_INTERVAL_MS, 2 * self->took_us / 1000);
  gint64 since_ms;

  if (!self->dirty || self->cancellable != NULL || self->refresh_id != 0)
    return;
  since_ms = (g_get_monotonic_time () - self->started_us) / 1000;
  if (self->started_us == 0 || since_ms >= interval_ms)
    compute (self);
  else
    self->refresh_id = g_timeout_add ((guint) (interval_ms - since_ms), refresh_timeout_cb, self);
}

static void
computed_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CalqueDashboardWindow *self = CALQUE_DASHBOARD_WINDOW (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueProgress) progress = NULL;

  progress = calque_project_job_finish (result, &error);
  /* A newer count took its place, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  self->took_us = g_get_monotonic_time () - self->started_us;
  if (progress == NULL)
    show_error (self, error);
  else
    {
      gint64 counted_us = g_get_monotonic_time ();

      show_figures (self, progress);
      g_clear_pointer (&progress, calque_progress_free);
      g_debug ("Counted in %.0f ms, shown in %.1f ms", self->took_us / 1000.0,
               (g_get_monotonic_time () - counted_us) / 1000.0);
    }
  schedule (self);
}

static void
compute (CalqueDashboardWindow *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->started_us = g_get_monotonic_time ();
  self->dirty = FALSE;

  calque_project_job_run (self, self->workspace, self->project_id, compute_figures, NULL, 0,
                          (GDestroyNotify) calque_progress_free, "calque-dashboard", self->cancellable, computed_cb);
}

/* --- the window ------------------------------------------------------------------------- */

static GtkWidget *
headline_new (CalqueDashboardWindow *self,
              Headline               headline,
              const char            *title,
              const char            *tooltip)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *caption = gtk_label_new (title);
  GtkWidget *value = gtk_label_new ("–");
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "calque-headline");
  gtk_widget_set_tooltip_text (card, tooltip);

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "caption-heading");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_widget_add_css_class (value, "calque-figure");
  gtk_widget_add_css_class (value, "calque-headline-value");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  /* A long line under one figure must not push the six cards onto two
   * lines (the flow box lays them out by their natural width), nor be cut:
   * it is a figure too. In a narrow card it wraps. */
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 12);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "calque-headline-detail");

  gtk_box_append (GTK_BOX (card), caption);
  gtk_box_append (GTK_BOX (card), value);
  gtk_box_append (GTK_BOX (card), detail);
  self->headline_value[headline] = value;
  self->headline_detail[headline] = detail;
  return card;
}

static GtkWidget *
headlines_new (CalqueDashboardWindow *self)
{
  GtkWidget *flow = gtk_flow_box_new ();
  GtkWidget *cards[N_HEADLINES];

  cards[HEADLINE_ITEMS] = headline_new (self, HEADLINE_ITEMS, _("Items"), _("Every item of the project"));
  cards[HEADLINE_DONE] = headline_new (self, HEADLINE_DONE, _("Done"),
                                       _("Items someone finished: a task of theirs is submitted or accepted"));
  cards[HEADLINE_IN_REVIEW] = headline_new (self, HEADLINE_IN_REVIEW, _("In Review"),
                                            _("Items submitted and waiting for a reviewer"));
  cards[HEADLINE_ACCEPTED] = headline_new (self, HEADLINE_ACCEPTED, _("Accepted"),
                                           _("Items a reviewer accepted"));
  cards[HEADLINE_REJECTED] = headline_new (self, HEADLINE_REJECTED, _("Rejected"),
                                           _("Items sent back to be done again, and not submitted since"));
  cards[HEADLINE_ANNOTATIONS] = headline_new (self, HEADLINE_ANNOTATIONS, _("Annotations"),
                                              _("Annotations people made; a model's predictions are not counted"));

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), N_HEADLINES);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_widget_add_css_class (flow, "calque-headlines");
  for (guint i = 0; i < N_HEADLINES; i++)
    {
      gtk_flow_box_append (GTK_FLOW_BOX (flow), cards[i]);
      /* Figures to read, nothing to pick. */
      gtk_widget_set_focusable (gtk_widget_get_parent (cards[i]), FALSE);
    }
  return flow;
}

static GtkWidget *
chart_group_new (CalqueDashboardWindow *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->chart_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->chart_group), _("Annotations per Hour"));

  self->chart = calque_progress_chart_new ();
  gtk_widget_set_margin_top (self->chart, 12);
  gtk_widget_set_margin_bottom (self->chart, 8);
  gtk_widget_set_margin_start (self->chart, 12);
  gtk_widget_set_margin_end (self->chart, 12);
  gtk_widget_add_css_class (card, "card");
  gtk_box_append (GTK_BOX (card), self->chart);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->chart_group), card);
  return self->chart_group;
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  compute (CALQUE_DASHBOARD_WINDOW (widget));
}

static void
calque_dashboard_window_dispose (GObject *object)
{
  CalqueDashboardWindow *self = CALQUE_DASHBOARD_WINDOW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (calque_dashboard_window_parent_class)->dispose (object);
}

static void
calque_dashboard_window_finalize (GObject *object)
{
  CalqueDashboardWindow *self = CALQUE_DASHBOARD_WINDOW (object);

  g_free (self->project_id);
  table_clear (&self->annotators);
  table_clear (&self->labels);

  G_OBJECT_CLASS (calque_dashboard_window_parent_class)->finalize (object);
}

static void
calque_dashboard_window_class_init (CalqueDashboardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_dashboard_window_dispose;
  object_class->finalize = calque_dashboard_window_finalize;

  gtk_widget_class_install_action (widget_class, "dashboard.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "dashboard.refresh", NULL);
}

static void
calque_dashboard_window_init (CalqueDashboardWindow *self)
{
  static const char * const annotator_headings[] = {
    N_("Annotator"), N_("New"), N_("In Progress"), N_("Submitted"), N_("Accepted"), N_("Rejected"),
    N_("Items Done"), N_("Annotations"), N_("Per Hour"), N_("Last 24 h"), NULL
  };
  static const char * const annotator_tooltips[] = {
    NULL,
    N_("Tasks not started"),
    N_("Tasks started"),
    N_("Tasks submitted for review"),
    N_("Tasks a reviewer accepted"),
    N_("Tasks sent back to be done again"),
    N_("Items where their task is submitted or accepted"),
    N_("Annotations they made"),
    N_("Annotations per active hour: per clock hour in which they made at least one"),
    N_("Annotations made in the last 24 hours"),
  };
  static const char * const label_headings[] = { N_("Label"), N_("Annotations"), N_("Items"), NULL };
  static const char * const label_tooltips[] = {
    NULL, N_("Annotations with this label"), N_("Items with at least one annotation with this label"),
  };
  const char *headings[G_N_ELEMENTS (annotator_headings)];
  const char *tooltips[G_N_ELEMENTS (annotator_headings)];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *loading = gtk_spinner_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  gtk_window_set_title (GTK_WINDOW (self), _("Progress Dashboard"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 760);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Progress Dashboard"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_widget_set_tooltip_text (refresh, _("Count Again (F5)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "dashboard.refresh");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), refresh);
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);

  gtk_widget_set_size_request (loading, 32, 32);
  gtk_widget_set_halign (loading, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  gtk_spinner_start (GTK_SPINNER (loading));
  gtk_stack_add_named (self->stack, loading, "loading");

  self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->error_page, _("Cannot Count the Figures"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  gtk_box_append (GTK_BOX (content), headlines_new (self));
  gtk_box_append (GTK_BOX (content), chart_group_new (self));
  for (GtkWidget *child = gtk_widget_get_first_child (content); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_set_margin_start (child, SHADOW_ROOM);
      gtk_widget_set_margin_end (child, SHADOW_ROOM);
    }

  for (guint i = 0; annotator_headings[i] != NULL; i++)
    {
      headings[i] = _(annotator_headings[i]);
      tooltips[i] = annotator_tooltips[i] != NULL ? _(annotator_tooltips[i]) : NULL;
    }
  headings[G_N_ELEMENTS (annotator_headings) - 1] = NULL;
  table_init (&self->annotators, _("Annotators"), headings, tooltips, FALSE);
  gtk_box_append (GTK_BOX (content), self->annotators.section);

  for (guint i = 0; label_headings[i] != NULL; i++)
    {
      headings[i] = _(label_headings[i]);
      tooltips[i] = label_tooltips[i] != NULL ? _(label_tooltips[i]) : NULL;
    }
  headings[G_N_ELEMENTS (label_headings) - 1] = NULL;
  table_init (&self->labels, _("Labels"), headings, tooltips, TRUE);
  gtk_box_append (GTK_BOX (content), self->labels.section);

  self->footer = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->footer), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->footer), 0);
  gtk_widget_add_css_class (self->footer, "dim-label");
  gtk_widget_add_css_class (self->footer, "caption");
  gtk_widget_set_margin_start (self->footer, SHADOW_ROOM);
  gtk_widget_set_margin_end (self->footer, SHADOW_ROOM);
  gtk_box_append (GTK_BOX (content), self->footer);

  gtk_widget_set_margin_top (content, 24);
  gtk_widget_set_margin_bottom (content, 24);
  gtk_widget_set_margin_start (content, 12 - SHADOW_ROOM);
  gtk_widget_set_margin_end (content, 12 - SHADOW_ROOM);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1100);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), clamp);
  gtk_stack_add_named (self->stack, self->scrolled, "dashboard");

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* --- public API ------------------------------------------------------------------------- */

CalqueDashboardWindow *
calque_dashboard_window_new (GtkWindow       *parent,
                             CalqueWorkspace *workspace,
                             CalqueRecord    *project)
{
  CalqueDashboardWindow *self;
  const char *name;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self = g_object_new (CALQUE_TYPE_DASHBOARD_WINDOW, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project_id = g_strdup (calque_record_get_id (project));

  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");

  compute (self);
  return self;
}

const char *
calque_dashboard_window_get_project_id (CalqueDashboardWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_DASHBOARD_WINDOW (self), NULL);

  return self->project_id;
}

void
calque_dashboard_window_changed (CalqueDashboardWindow *self)
{
  g_return_if_fail (CALQUE_IS_DASHBOARD_WINDOW (self));

  self->dirty = TRUE;
  schedule (self);
}

void
calque_dashboard_window_refresh (CalqueDashboardWindow *self)
{
  g_return_if_fail (CALQUE_IS_DASHBOARD_WINDOW (self));

  compute (self);
}

gboolean
calque_dashboard_window_get_busy (CalqueDashboardWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_DASHBOARD_WINDOW (self), FALSE);

  return self->cancellable != NULL || self->refresh_id != 0 || self->dirty;
}

guint
calque_dashboard_window_get_n_shown (CalqueDashboardWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_DASHBOARD_WINDOW (self), 0);

  return self->n_shown;
}
