/* calque-review-window.c — a reviewer's queue and the versions of an item side by side
 *
 * The queue comes from calque_review_queue(), which computes the agreement
 * report of the whole project: seconds on a large one, so it is read in a
 * thread (calque_project_job_run()), on a second CalqueStore of the same file (as the agreement
 * window does, for the same reasons: the workspace's store is for the main
 * thread only, and WAL gives the thread a consistent snapshot).
 *
 * The item shown is one item: its versions and their comparison
 * (calque_review_compare()) are read on the main thread. Each pane shows
 * one annotator's annotations only (calque_item_annotations_new_for_author),
 * read-only: no tool is set on the views. Decisions go through
 * client/quality/calque-review.h, never around it.
 *
 * Shapes, spans and segments alike are compared by calque_review_compare();
 * the panes mark the ones to look at in the same two colours: a halo on a
 * canvas, a frame around a span or a segment. Recordings, stacked, show
 * the same time range: the pane the user zoomed or scrolled leads, as
 * canvases do.
 *
 * Under the panes, the item's history: its reviews, oldest first
 * (calque_review_history()), read again with the item and after each
 * decision.
 *
 * Names (annotators, items, labels) and comments are users' text: plain
 * GtkLabels, never markup.
 */
#define G_LOG_DOMAIN "calque-review-window"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-audio-view.h"
#include "calque-canvas.h"
#include "calque-project-job.h"
#include "calque-review-window.h"
#include "calque-review.h"
#include "calque-text-view.h"

/* Colour of labels without one. */
#define DEFAULT_RGBA 0x9a9996ffu

typedef struct _Pane Pane;

struct _CalqueReviewWindow
{
  AdwWindow               parent_instance;

  CalqueWorkspace        *workspace;
  char                   *project_id;
  char                   *reviewer;

  GCancellable           *cancellable;    /* the queue being read, or NULL */
  GPtrArray              *queue;          /* CalqueReviewQueueEntry, as shown */

  char                   *item_id;        /* the item shown, or NULL */
  CalqueReviewComparison *comparison;
  GHashTable             *label_colors;   /* label id → 0xRRGGBBAA */
  GPtrArray              *labels;         /* CalqueRecord */
  GPtrArray              *panes;          /* Pane */
  gboolean                following;      /* a pane's view is being copied to the others */

  AdwWindowTitle         *title;
  GtkWidget              *spinner;
  AdwToastOverlay        *toasts;
  GtkStack               *queue_stack;
  GtkListBox             *queue_list;
  AdwStatusPage          *queue_error;
  GtkStack               *item_stack;
  GtkLabel               *item_name;
  GtkLabel               *item_summary;
  GtkBox                 *panes_box;
  GtkExpander            *history_expander;
  GtkListBox             *history_list;
  GtkSpinButton          *vote_spin;
  GtkSpinButton          *iou_spin;
  GtkWidget              *merge_button;
  GtkWidget              *reject_button;
};

struct _Pane
{
  CalqueReviewWindow    *self;
  char                  *annotator;
  gboolean               submitted;
  CalqueItemAnnotations *annotations;
  GtkWidget             *view;
  GtkWidget             *scroller;        /* texts: the view's */
  GtkLabel              *summary;
};

G_DEFINE_FINAL_TYPE (CalqueReviewWindow, calque_review_window, ADW_TYPE_WINDOW)

enum {
  ITEM_ACTIVATED,
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_item (CalqueReviewWindow *self,
                       const char         *item_id);

static void
pane_free (Pane *pane)
{
  if (pane->annotations != NULL)
    g_signal_handlers_disconnect_by_data (pane->annotations, pane);
  g_free (pane->annotator);
  g_clear_object (&pane->annotations);
  g_free (pane);
}

/* --- helpers --------------------------------------------------------------------------- */

static guint32
parse_color (const char *color)
{
  GdkRGBA rgba;

  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    return DEFAULT_RGBA;
  return ((guint32) (rgba.red * 255) << 24) | ((guint32) (rgba.green * 255) << 16)
         | ((guint32) (rgba.blue * 255) << 8) | 0xffu;
}

static CalqueStore *
get_store (CalqueReviewWindow *self)
{
  return calque_workspace_get_store (self->workspace);
}

static CalqueRecord *
get_project (CalqueReviewWindow *self,
             GError            **error)
{
  return calque_store_get (get_store (self), self->project_id, error);
}

static CalqueConsensusOptions
get_options (CalqueReviewWindow *self)
{
  CalqueConsensusOptions options = CALQUE_CONSENSUS_OPTIONS_INIT;

  options.vote = gtk_spin_button_get_value (self->vote_spin);
  options.iou_threshold = gtk_spin_button_get_value (self->iou_spin);
  return options;
}

static void
toast (CalqueReviewWindow *self,
       const char         *title)
{
  /* A toast's title is markup; this one has users' names in it. */
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
toast_error (CalqueReviewWindow *self,
             const GError       *error)
{
  /* Translators: %s says why */
  g_autofree char *title = g_strdup_printf (_("Not saved: %s"), error->message);

  toast (self, title);
}

static GtkWidget *
caption_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  return label;
}

/* A square of a halo colour, for the legend. */
static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  guint32 rgba = GPOINTER_TO_UINT (user_data);

  cairo_set_source_rgb (cr, ((rgba >> 24) & 0xff) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                        ((rgba >> 8) & 0xff) / 255.0);
  cairo_set_line_width (cr, 4);
  cairo_rectangle (cr, 2, 2, width - 4, height - 4);
  cairo_stroke (cr);
}

static GtkWidget *
legend_entry_new (guint32     rgba,
                  const char *text,
                  const char *tooltip)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, GUINT_TO_POINTER (rgba), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_tooltip_text (box, tooltip);
  return box;
}

/* --- the queue ------------------------------------------------------------------------ */

/* Runs in the worker thread (calque-project-job.h). */
static gpointer
read_queue_job (CalqueStore   *store,
                CalqueRecord  *project,
                gconstpointer  options,
                GError       **error)
{
  return calque_review_queue (store, project, NULL, error);
}

static GtkWidget *
queue_row_new (CalqueReviewQueueEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (entry->item_name);
  g_autofree char *figure = isnan (entry->agreement) ? g_strdup ("–") : g_strdup_printf ("%.3f", entry->agreement);
  GtkWidget *agreement = gtk_label_new (figure);
  g_autofree char *annotators = g_strjoinv (", ", entry->annotators);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_tooltip_text (name, entry->item_name);
  gtk_widget_add_css_class (agreement, "numeric");
  gtk_widget_set_tooltip_text (agreement, isnan (entry->agreement)
                                          ? _("One version only: nothing to compare it with")
                                          : _("Agreement of the annotators on this item"));
  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), agreement);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), caption_new (annotators));
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "calque-item-id", g_strdup (entry->item_id), g_free);
  return row;
}

static GtkListBoxRow *
find_row (CalqueReviewWindow *self,
          const char         *item_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->queue_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (g_object_get_data (G_OBJECT (row), "calque-item-id"), item_id) == 0)
      return GTK_LIST_BOX_ROW (row);
  return NULL;
}

static void
show_queue (CalqueReviewWindow *self,
            GPtrArray          *queue)
{
  GtkListBoxRow *row;
  GtkWidget *child;

  g_clear_pointer (&self->queue, g_ptr_array_unref);
  self->queue = g_ptr_array_ref (queue);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->queue_list))) != NULL)
    gtk_list_box_remove (self->queue_list, child);
  for (guint i = 0; i < queue->len; i++)
    gtk_list_box_append (self->queue_list, queue_row_new (queue->pdata[i]));

  gtk_stack_set_visible_child_name (self->queue_stack, queue->len > 0 ? "queue" : "empty");
  /* The item shown stays if it still waits; else the next one, lowest
   * agreement first. */
  row = find_row (self, self->item_id);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->queue_list, 0);
  if (row != NULL)
    gtk_list_box_select_row (self->queue_list, row);
  else
    show_item (self, NULL);
}

static void
queue_read_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (source_object);
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GError) error = NULL;

  queue = calque_project_job_finish (result, &error);
  /* A newer reading took its place, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);

  if (queue == NULL)
    {
      adw_status_page_set_description (self->queue_error, error->message);
      gtk_stack_set_visible_child_name (self->queue_stack, "error");
      show_item (self, NULL);
      return;
    }
  show_queue (self, queue);
}

static void
read_queue (CalqueReviewWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_widget_set_visible (self->spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (self->spinner));

  calque_project_job_run (self, self->workspace, self->project_id, read_queue_job, NULL, 0,
                          (GDestroyNotify) g_ptr_array_unref, "calque-review-queue", self->cancellable,
                          queue_read_cb);
}

static void
queue_row_selected_cb (CalqueReviewWindow *self,
                       GtkListBoxRow      *row)
{
  if (row == NULL)
    return;
  show_item (self, g_object_get_data (G_OBJECT (row), "calque-item-id"));
}

/* --- the panes ------------------------------------------------------------------------- */

/* Canvases zoom and pan together: the one the user moved leads. */
static void
canvas_viewport_changed_cb (CalqueCanvas *canvas,
                            Pane         *pane)
{
  CalqueReviewWindow *self = pane->self;

  if (self->following)
    return;
  self->following = TRUE;
  for (guint i = 0; i < self->panes->len; i++)
    {
      Pane *other = self->panes->pdata[i];

      if (other != pane)
        calque_canvas_set_viewport (CALQUE_CANVAS (other->view), calque_canvas_get_viewport (canvas),
                                    calque_canvas_get_fitted (canvas));
    }
  self->following = FALSE;
}

/* Recordings show the same time range: the one the user moved leads. By
 * range rather than zoom, so that panes of different widths still line up
 * in time. */
static void
audio_view_changed_cb (CalqueAudioView *view,
                       Pane            *pane)
{
  CalqueReviewWindow *self = pane->self;
  double start, end;

  if (self->following)
    return;
  calque_audio_view_get_visible_range (view, &start, &end);
  self->following = TRUE;
  for (guint i = 0; i < self->panes->len; i++)
    {
      Pane *other = self->panes->pdata[i];

      if (other != pane)
        calque_audio_view_set_visible_range (CALQUE_AUDIO_VIEW (other->view), start, end,
                                             calque_audio_view_get_fitted (view));
    }
  self->following = FALSE;
}

/* Texts scroll together by what is on their first line, not by pixels:
 * spans of one version may nest deeper and make its lines taller. */
static void
text_scrolled_cb (GtkAdjustment *adjustment,
                  Pane          *pane)
{
  CalqueReviewWindow *self = pane->self;
  GtkTextView *view = GTK_TEXT_VIEW (pane->view);
  double top = gtk_adjustment_get_value (adjustment);
  GtkTextIter iter;
  int line_top = 0;
  int offset;

  if (self->following)
    return;
  gtk_text_view_get_line_at_y (view, &iter, (int) top, &line_top);
  offset = gtk_text_iter_get_offset (&iter);
  self->following = TRUE;
  for (guint i = 0; i < self->panes->len; i++)
    {
      Pane *other = self->panes->pdata[i];
      GtkAdjustment *theirs;
      int y = 0, height = 0;

      if (other == pane)
        continue;
      theirs = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (other->scroller));
      gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (other->view)), &iter, offset);
      gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (other->view), &iter, &y, &height);
      gtk_adjustment_set_value (theirs, y + (top - line_top));
    }
  self->following = FALSE;
}

/* Halos on the shapes the consensus drops or whose labels differ, and the
 * pane's counts. */
static void
mark_pane (CalqueReviewWindow *self,
           Pane               *pane)
{
  CalqueShapeLayer *layer = CALQUE_IS_CANVAS (pane->view) ? calque_canvas_get_layer (CALQUE_CANVAS (pane->view))
                                                          : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pane->annotations));
  guint n_unmatched = 0, n_disagree = 0;
  g_autofree char *shapes = NULL;
  g_autofree char *summary = NULL;
  GString *text;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (pane->annotations), i);
      const char *id = calque_record_get_id (annotation);
      CalqueReviewShapeState state = self->comparison != NULL
                                     ? calque_review_comparison_get_state (self->comparison, id)
                                     : CALQUE_REVIEW_SHAPE_NONE;
      guint32 halo = 0;

      if (state == CALQUE_REVIEW_SHAPE_UNMATCHED)
        {
          halo = CALQUE_REVIEW_UNMATCHED_RGBA;
          n_unmatched++;
        }
      else if (state == CALQUE_REVIEW_SHAPE_DISAGREES)
        {
          halo = CALQUE_REVIEW_DISAGREES_RGBA;
          n_disagree++;
        }
      if (layer != NULL)
        calque_shape_layer_set_highlight (layer, id, halo);
      else if (CALQUE_IS_TEXT_VIEW (pane->view))
        calque_text_view_set_highlight (CALQUE_TEXT_VIEW (pane->view), id, halo);
      else if (CALQUE_IS_AUDIO_VIEW (pane->view))
        calque_audio_view_set_highlight (CALQUE_AUDIO_VIEW (pane->view), id, halo);
    }

  shapes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u annotation", "%u annotations", n), n);
  text = g_string_new (shapes);
  if (n_unmatched > 0)
    {
      /* Translators: "3 annotations · 1 not matched · 1 label differs" */
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u not matched", "%u not matched", n_unmatched),
                              n_unmatched);
    }
  if (n_disagree > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u label differs", "%u labels differ",
                                                 n_disagree), n_disagree);
    }
  if (!pane->submitted)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("accepted"));
    }
  summary = g_string_free (text, FALSE);
  gtk_label_set_text (pane->summary, summary);
}

static void
compare (CalqueReviewWindow *self)
{
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  CalqueConsensusOptions options = get_options (self);
  g_autofree char *summary = NULL;

  g_clear_pointer (&self->comparison, calque_review_comparison_free);
  if (self->item_id == NULL)
    return;
  if ((project = get_project (self, &error)) != NULL)
    self->comparison = calque_review_compare (get_store (self), project, self->item_id, self->reviewer, &options,
                                              &error);
  if (self->comparison == NULL)
    {
      gtk_label_set_text (self->item_summary, error->message);
      return;
    }
  for (guint i = 0; i < self->panes->len; i++)
    mark_pane (self, self->panes->pdata[i]);

  {
    guint n_unmatched = calque_review_comparison_get_n_unmatched (self->comparison);
    guint n_disagree = calque_review_comparison_get_n_disagreements (self->comparison);
    g_autofree char *dropped = NULL;
    g_autofree char *differ = NULL;

    /* Translators: what a merge with the options shown would make of the versions */
    dropped = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "A merge with these options drops %u annotation found by too few "
                                            "annotators.",
                                            "A merge with these options drops %u annotations found by too few "
                                            "annotators.", n_unmatched), n_unmatched);
    differ = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The annotators labelled %u of the shapes it keeps differently.",
                                           "The annotators labelled %u of the shapes it keeps differently.",
                                           n_disagree), n_disagree);
    if (n_unmatched == 0 && n_disagree == 0)
      summary = g_strdup (_("The versions agree: a merge with these options keeps every shape, with its label."));
    else
      summary = g_strconcat (dropped, " ", differ, NULL);
    gtk_label_set_text (self->item_summary, summary);
  }
}

static void
options_changed_cb (CalqueReviewWindow *self)
{
  compare (self);
}

static GtkWidget *
pane_view_new (CalqueReviewWindow *self,
               Pane               *pane,
               CalqueRecord       *item)
{
  const char *sha256 = calque_record_get_string (item, "sha256");
  CalqueBlobCache *blobs = calque_workspace_get_blobs (self->workspace);
  g_autofree char *path = NULL;

  if (sha256 != NULL && calque_blob_cache_contains (blobs, sha256))
    path = calque_blob_cache_get_path (blobs, sha256);

  if (g_strcmp0 (calque_record_get_string (item, "media"), "text") == 0)
    {
      pane->view = calque_text_view_new ();
      pane->scroller = gtk_scrolled_window_new ();
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (pane->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (pane->scroller), pane->view);
      gtk_widget_set_vexpand (pane->scroller, TRUE);
      gtk_widget_add_css_class (pane->scroller, "card");
      calque_text_view_set_item (CALQUE_TEXT_VIEW (pane->view), pane->annotations, self->label_colors, self->labels);
      g_signal_connect (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (pane->scroller)), "value-changed",
                        G_CALLBACK (text_scrolled_cb), pane);
      return pane->scroller;
    }
  if (g_strcmp0 (calque_record_get_string (item, "media"), "audio") == 0)
    {
      pane->view = calque_audio_view_new ();
      gtk_widget_set_vexpand (pane->view, TRUE);
      calque_audio_view_set_item (CALQUE_AUDIO_VIEW (pane->view), pane->annotations, path, NULL, self->label_colors);
      g_signal_connect (pane->view, "view-changed", G_CALLBACK (audio_view_changed_cb), pane);
      return pane->view;
    }
  pane->view = calque_canvas_new ();
  calque_canvas_set_item (CALQUE_CANVAS (pane->view), pane->annotations, path, self->label_colors);
  g_signal_connect (pane->view, "viewport-changed", G_CALLBACK (canvas_viewport_changed_cb), pane);
  return pane->view;
}

static GtkWidget *
pane_new (CalqueReviewWindow *self,
          Pane               *pane,
          CalqueRecord       *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (pane->annotator);
  GtkWidget *accept = gtk_button_new ();
  g_autofree char *accept_label = NULL;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  pane->summary = GTK_LABEL (caption_new (""));
  gtk_box_append (GTK_BOX (names), name);
  gtk_box_append (GTK_BOX (names), GTK_WIDGET (pane->summary));
  gtk_widget_set_hexpand (names, TRUE);

  /* Translators: a button; %s is an annotator's name */
  accept_label = g_strdup_printf (_("Accept %s’s Version"), pane->annotator);
  gtk_button_set_label (GTK_BUTTON (accept), accept_label);
  gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (accept))), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_tooltip_text (gtk_button_get_child (GTK_BUTTON (accept)), accept_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (accept), "review.accept");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (accept), "s", pane->annotator);
  gtk_widget_set_sensitive (accept, pane->submitted);
  if (!pane->submitted)
    gtk_widget_set_tooltip_text (accept, _("This version was accepted already"));

  gtk_box_append (GTK_BOX (header), names);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), pane_view_new (self, pane, item));
  /* Under an image, so that it is plain whose version it accepts; beside
   * the name of a stacked text or recording, where a row of its own under
   * each would take the height that three stacked panes need. */
  if (CALQUE_IS_CANVAS (pane->view))
    gtk_box_append (GTK_BOX (box), accept);
  else
    {
      gtk_widget_set_valign (accept, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (header), accept);
    }
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_vexpand (box, TRUE);
  return box;
}

static void
clear_panes (CalqueReviewWindow *self)
{
  GtkWidget *child;

  /* The views let go of the models before the panes do. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->panes_box))) != NULL)
    gtk_box_remove (self->panes_box, child);
  g_ptr_array_set_size (self->panes, 0);
}

static void
load_labels (CalqueReviewWindow *self)
{
  g_autoptr(GPtrArray) labels = calque_store_list (get_store (self), CALQUE_KIND_LABEL, self->project_id, NULL);

  g_hash_table_remove_all (self->label_colors);
  g_ptr_array_set_size (self->labels, 0);
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    {
      CalqueRecord *label = labels->pdata[i];

      g_ptr_array_add (self->labels, g_object_ref (label));
      g_hash_table_insert (self->label_colors, g_strdup (calque_record_get_id (label)),
                           GUINT_TO_POINTER (parse_color (calque_record_get_string (label, "color"))));
    }
}

/* --- the history ----------------------------------------------------------------------- */

static char *
format_when (gint64 created)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (created / 1000);

  if (when == NULL)
    return g_strdup ("–");
  /* Translators: the date and time of a review in the Review window's
   * history; a g_date_time_format() format */
  return g_date_time_format (when, C_("review history", "%Y-%m-%d %H:%M"));
}

static char *
format_decision (const CalqueReviewEntry *entry)
{
  const char *annotator = entry->annotator != NULL ? entry->annotator : "";

  if (g_strcmp0 (entry->decision, "merged") == 0)
    /* Translators: %s is the reviewer's name */
    return g_strdup_printf (_("%s merged the versions"), entry->reviewer);
  if (g_strcmp0 (entry->decision, "accepted") == 0)
    /* Translators: %s is the reviewer's name, %s an annotator's */
    return g_strdup_printf (_("%s accepted %s’s version"), entry->reviewer, annotator);
  if (g_strcmp0 (entry->decision, "rejected") == 0)
    /* Translators: %s is the reviewer's name, %s an annotator's */
    return g_strdup_printf (_("%s sent it back to %s"), entry->reviewer, annotator);
  /* A decision of a newer version of Calque: said as it is stored. */
  return g_strdup_printf ("%s: %s", entry->reviewer, entry->decision != NULL ? entry->decision : "");
}

static GtkWidget *
history_row_new (const CalqueReviewEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *decision = format_decision (entry);
  g_autofree char *when = format_when (entry->created);
  GtkWidget *what = gtk_label_new (decision);
  GtkWidget *time = gtk_label_new (when);
  gboolean has_comment = entry->comment != NULL && *entry->comment != '\0';

  gtk_label_set_xalign (GTK_LABEL (what), 0);
  gtk_label_set_ellipsize (GTK_LABEL (what), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (what, TRUE);
  gtk_widget_set_tooltip_text (what, decision);
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "numeric");
  gtk_box_append (GTK_BOX (top), time);
  gtk_box_append (GTK_BOX (top), what);
  gtk_box_append (GTK_BOX (box), top);
  if (has_comment)
    {
      /* What the annotator was told, whole: it is what they read. */
      GtkWidget *comment = gtk_label_new (entry->comment);

      gtk_label_set_xalign (GTK_LABEL (comment), 0);
      gtk_label_set_wrap (GTK_LABEL (comment), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (comment), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (comment), TRUE);
      gtk_widget_add_css_class (comment, "caption");
      gtk_box_append (GTK_BOX (box), comment);
    }
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "calque-history-line",
                          g_strconcat (when, " · ", decision, has_comment ? " · " : "",
                                       has_comment ? entry->comment : "", NULL),
                          g_free);
  return row;
}

/* The reviews of the item shown, oldest first; its reviews only, whoever
 * made them. */
static void
show_history (CalqueReviewWindow *self)
{
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  if (self->item_id == NULL)
    return;
  if ((project = get_project (self, &error)) != NULL)
    history = calque_review_history (get_store (self), project, self->item_id, &error);
  if (history == NULL)
    {
      GtkWidget *problem = gtk_label_new (error->message);

      gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
      gtk_label_set_xalign (GTK_LABEL (problem), 0);
      gtk_list_box_append (self->history_list, problem);
    }
  else
    {
      n = history->len;
      for (guint i = 0; i < history->len; i++)
        gtk_list_box_append (self->history_list, history_row_new (history->pdata[i]));
    }
  /* Translators: the history expander's title; %u is how many reviews the item had */
  title = n > 0 ? g_strdup_printf (_("History (%u)"), n) : g_strdup (_("History: no review yet"));
  gtk_expander_set_label (self->history_expander, title);
}

static void
show_item (CalqueReviewWindow *self,
           const char         *item_id)
{
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueHistory) history = NULL;
  const char *name;
  gboolean image;

  clear_panes (self);
  g_clear_pointer (&self->comparison, calque_review_comparison_free);
  if (item_id != self->item_id)
    {
      g_free (self->item_id);
      self->item_id = g_strdup (item_id);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.merge", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.open", FALSE);
  if (item_id == NULL)
    {
      gtk_stack_set_visible_child_name (self->item_stack, "none");
      return;
    }
  item = calque_store_get (get_store (self), item_id, &error);
  if (item == NULL)
    {
      toast_error (self, error);
      gtk_stack_set_visible_child_name (self->item_stack, "none");
      return;
    }
  load_labels (self);
  compare (self);
  show_history (self);
  name = calque_record_get_string (item, "name");
  gtk_label_set_text (self->item_name, name != NULL ? name : item_id);
  gtk_stack_set_visible_child_name (self->item_stack, "item");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.open", TRUE);
  if (self->comparison == NULL)
    return;

  /* Images side by side; texts and recordings, which are wide, stacked. */
  image = g_strcmp0 (calque_record_get_string (item, "media"), "text") != 0
          && g_strcmp0 (calque_record_get_string (item, "media"), "audio") != 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->panes_box),
                                  image ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);

  /* One history for the read-only models: nothing is ever saved through it. */
  history = calque_history_new (get_store (self));
  for (guint i = 0; i < calque_review_comparison_get_n_versions (self->comparison); i++)
    {
      Pane *pane = g_new0 (Pane, 1);

      pane->self = self;
      pane->annotator = g_strdup (calque_review_comparison_get_annotator (self->comparison, i));
      pane->submitted = calque_review_comparison_get_submitted (self->comparison, i);
      pane->annotations = calque_item_annotations_new_for_author (get_store (self), history, item, pane->annotator,
                                                                  &error);
      if (pane->annotations == NULL)
        {
          pane_free (pane);
          toast_error (self, error);
          clear_panes (self);
          return;
        }
      g_ptr_array_add (self->panes, pane);
      gtk_box_append (self->panes_box, pane_new (self, pane, item));
      mark_pane (self, pane);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.merge", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject", TRUE);
}

/* --- decisions ------------------------------------------------------------------------- */

static void
decided (CalqueReviewWindow *self,
         const char         *message)
{
  toast (self, message);
  /* Now, for the item decided on: the queue may take a while, and then
   * show another item. */
  show_history (self);
  g_signal_emit (self, signals[DECIDED], 0);
  read_queue (self);
}

static void
accept_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (widget);
  const char *annotator = g_variant_get_string (parameter, NULL);
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->item_id == NULL)
    return;
  if (!(project = get_project (self, &error))
      || !calque_review_accept (get_store (self), project, self->item_id, annotator, self->reviewer, &error))
    {
      toast_error (self, error);
      return;
    }
  /* Translators: %s is an annotator's name, %s an item's */
  message = g_strdup_printf (_("%s’s version of %s accepted"), annotator, gtk_label_get_text (self->item_name));
  decided (self, message);
}

static void
merge_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (widget);
  CalqueConsensusOptions options = get_options (self);
  CalqueReviewMergeResult result = { 0 };
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->item_id == NULL)
    return;
  if (!(project = get_project (self, &error))
      || !calque_review_merge (get_store (self), project, self->item_id, self->reviewer, &options, &result,
                               &error))
    {
      toast_error (self, error);
      return;
    }
  /* Translators: %s is an item's name; then how many annotations the merge made, of how many versions */
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s merged: %u annotation from %u versions",
                                          "%s merged: %u annotations from %u versions", result.n_shapes),
                             gtk_label_get_text (self->item_name), result.n_shapes, result.n_versions);
  decided (self, message);
}

static void
reject_comment_changed_cb (GtkTextBuffer *buffer,
                           AdwMessageDialog *dialog)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  adw_message_dialog_set_response_enabled (dialog, "reject", *g_strstrip (text) != '\0');
}

static void
reject_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    CalqueReviewWindow *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "calque-comment");
  GtkDropDown *who = g_object_get_data (G_OBJECT (dialog), "calque-annotator");
  const char *item_id = g_object_get_data (G_OBJECT (dialog), "calque-item-id");
  GtkStringObject *chosen;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *message = NULL;
  GtkTextIter start, end;
  const char *annotator;

  if (g_strcmp0 (response, "reject") != 0)
    return;
  chosen = gtk_drop_down_get_selected_item (who);
  if (chosen == NULL)
    return;
  annotator = gtk_string_object_get_string (chosen);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  comment = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!(project = get_project (self, &error))
      || !calque_review_reject (get_store (self), project, item_id, annotator, self->reviewer, comment, &error))
    {
      toast_error (self, error);
      return;
    }
  /* Translators: %s is an item's name, %s an annotator's */
  message = g_strdup_printf (_("%s sent back to %s"), gtk_label_get_text (self->item_name), annotator);
  decided (self, message);
}

static void
reject_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (widget);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *who_label = gtk_label_new_with_mnemonic (_("_Annotator"));
  GtkWidget *who;
  GtkWidget *comment_label = gtk_label_new_with_mnemonic (_("_What to fix"));
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *text = gtk_text_view_new ();

  if (self->item_id == NULL)
    return;
  for (guint i = 0; i < self->panes->len; i++)
    {
      Pane *pane = self->panes->pdata[i];

      if (pane->submitted)
        gtk_string_list_append (names, pane->annotator);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (names)) == 0)
    {
      toast (self, _("No version of this item waits for a decision"));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Back to the Annotator?"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Their task is reopened, and they read your comment on the item."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "reject", _("_Send Back"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reject", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "reject", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  who = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_hexpand (who, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (who_label), who);
  gtk_box_append (GTK_BOX (row), who_label);
  gtk_box_append (GTK_BOX (row), who);
  gtk_box_append (GTK_BOX (box), row);

  gtk_label_set_xalign (GTK_LABEL (comment_label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (comment_label), text);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), text);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 100);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (GTK_BOX (box), comment_label);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  g_object_set_data (G_OBJECT (dialog), "calque-comment", gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)));
  g_object_set_data (G_OBJECT (dialog), "calque-annotator", who);
  /* The decision is about the item shown when the dialog opened. */
  g_object_set_data_full (G_OBJECT (dialog), "calque-item-id", g_strdup (self->item_id), g_free);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)), "changed",
                    G_CALLBACK (reject_comment_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reject_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (text);
}

static void
open_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (widget);

  if (self->item_id != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, self->item_id);
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  read_queue (CALQUE_REVIEW_WINDOW (widget));
}

/* --- the window ------------------------------------------------------------------------ */

static GtkWidget *
spin_new (GtkSpinButton **spin,
          const char     *mnemonic,
          const char     *tooltip,
          double          min,
          double          value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (min, 1.0, 0.05));
  gtk_spin_button_set_digits (*spin, 2);
  gtk_spin_button_set_value (*spin, value);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (*spin));
  gtk_widget_set_tooltip_text (box, tooltip);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*spin));
  return box;
}

static void
calque_review_window_dispose (GObject *object)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->panes_box != NULL)
    clear_panes (self);
  g_clear_pointer (&self->comparison, calque_review_comparison_free);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (calque_review_window_parent_class)->dispose (object);
}

static void
calque_review_window_finalize (GObject *object)
{
  CalqueReviewWindow *self = CALQUE_REVIEW_WINDOW (object);

  g_free (self->project_id);
  g_free (self->reviewer);
  g_free (self->item_id);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_clear_pointer (&self->panes, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);

  G_OBJECT_CLASS (calque_review_window_parent_class)->finalize (object);
}

static void
calque_review_window_class_init (CalqueReviewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_review_window_dispose;
  object_class->finalize = calque_review_window_finalize;

  /**
   * CalqueReviewWindow::item-activated:
   * @item_id: the item to open in the editor
   */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CalqueReviewWindow::decided:
   *
   * A decision was saved in the workspace: the sync has something to send.
   */
  signals[DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "review.accept", "s", accept_activated_cb);
  gtk_widget_class_install_action (widget_class, "review.merge", NULL, merge_activated_cb);
  gtk_widget_class_install_action (widget_class, "review.reject", NULL, reject_activated_cb);
  gtk_widget_class_install_action (widget_class, "review.open", NULL, open_activated_cb);
  gtk_widget_class_install_action (widget_class, "review.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "review.refresh", NULL);
}

static GtkWidget *
queue_side_new (CalqueReviewWindow *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *loading = gtk_spinner_new ();

  self->queue_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->queue_stack), 240, -1);

  gtk_widget_set_size_request (loading, 32, 32);
  gtk_widget_set_halign (loading, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  gtk_spinner_start (GTK_SPINNER (loading));
  gtk_stack_add_named (self->queue_stack, loading, "loading");

  self->queue_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->queue_list, GTK_SELECTION_BROWSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->queue_list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->queue_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Items waiting for a review, lowest agreement first"), -1);
  g_signal_connect_swapped (self->queue_list, "row-selected", G_CALLBACK (queue_row_selected_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->queue_list));
  gtk_stack_add_named (self->queue_stack, scroller, "queue");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "object-select-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Nothing to Review"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Items show here once an annotator submits them."));
  gtk_widget_add_css_class (empty, "compact");
  gtk_stack_add_named (self->queue_stack, empty, "empty");

  self->queue_error = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->queue_error, "dialog-error-symbolic");
  adw_status_page_set_title (self->queue_error, _("Cannot Read the Queue"));
  gtk_widget_add_css_class (GTK_WIDGET (self->queue_error), "compact");
  gtk_stack_add_named (self->queue_stack, GTK_WIDGET (self->queue_error), "error");
  return GTK_WIDGET (self->queue_stack);
}

static GtkWidget *
item_side_new (CalqueReviewWindow *self)
{
  GtkWidget *none = adw_status_page_new ();
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *legend = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *bar = gtk_action_bar_new ();
  GtkWidget *merge_options = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open in Editor"));
  GtkWidget *history_scroller = gtk_scrolled_window_new ();

  self->item_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->item_stack), TRUE);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (none), "view-dual-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (none), _("No Item Chosen"));
  adw_status_page_set_description (ADW_STATUS_PAGE (none),
                                   _("Choose an item of the queue to compare its versions."));
  gtk_stack_add_named (self->item_stack, none, "none");

  /* The item's name and what a merge would make of it; the legend. */
  self->item_name = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->item_name, 0);
  gtk_label_set_ellipsize (self->item_name, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->item_name), "title-4");
  self->item_summary = GTK_LABEL (caption_new (""));
  gtk_label_set_ellipsize (self->item_summary, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (self->item_summary, TRUE);
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->item_name));
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->item_summary));
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (legend),
                  legend_entry_new (CALQUE_REVIEW_UNMATCHED_RGBA, _("Not matched"),
                                    _("Found by too few annotators: a merge with these options drops it")));
  gtk_box_append (GTK_BOX (legend),
                  legend_entry_new (CALQUE_REVIEW_DISAGREES_RGBA, _("Label differs"),
                                    _("Matched, but the annotators gave it different labels: a merge takes the "
                                      "label most of them gave")));
  gtk_widget_set_valign (legend, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (top), titles);
  gtk_box_append (GTK_BOX (top), legend);
  gtk_widget_set_margin_top (top, 12);
  gtk_widget_set_margin_bottom (top, 6);
  gtk_widget_set_margin_start (top, 12);
  gtk_widget_set_margin_end (top, 12);
  gtk_box_append (GTK_BOX (page), top);

  self->panes_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  gtk_box_set_homogeneous (self->panes_box, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->panes_box), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->panes_box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->panes_box), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->panes_box), 12);
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->panes_box));

  /* The item's reviews, folded: the panes need the room more. */
  self->history_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->history_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->history_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reviews of this item, oldest first"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (history_scroller), GTK_WIDGET (self->history_list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (history_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (history_scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (history_scroller), 180);
  gtk_widget_set_margin_top (history_scroller, 6);
  self->history_expander = GTK_EXPANDER (gtk_expander_new (_("History")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->history_expander),
                               _("Who decided what on this item, and when, oldest first"));
  gtk_expander_set_child (self->history_expander, history_scroller);
  gtk_widget_set_margin_start (GTK_WIDGET (self->history_expander), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->history_expander), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->history_expander), 12);
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->history_expander));

  /* Merge, with its options; send back; edit. */
  gtk_box_append (GTK_BOX (merge_options),
                  spin_new (&self->vote_spin, _("_Vote"),
                            _("The share of the annotators who must have found a shape for the merge to keep it"),
                            0.5, 0.5));
  gtk_box_append (GTK_BOX (merge_options),
                  spin_new (&self->iou_spin, _("_IoU"),
                            _("How much two annotators’ shapes must overlap to be the same thing"), 0.05, 0.5));
  g_signal_connect_swapped (self->vote_spin, "value-changed", G_CALLBACK (options_changed_cb), self);
  g_signal_connect_swapped (self->iou_spin, "value-changed", G_CALLBACK (options_changed_cb), self);
  self->merge_button = gtk_button_new_with_mnemonic (_("_Merge"));
  gtk_widget_add_css_class (self->merge_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->merge_button,
                               _("Your own version becomes what most annotators agree on; then edit it if need be"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->merge_button), "review.merge");
  gtk_box_append (GTK_BOX (merge_options), self->merge_button);
  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), merge_options);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "review.open");
  gtk_widget_set_tooltip_text (open, _("Open the item in the main window, to edit the final version"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), open);
  self->reject_button = gtk_button_new_with_mnemonic (_("Send _Back…"));
  gtk_widget_add_css_class (self->reject_button, "destructive-action");
  gtk_widget_set_tooltip_text (self->reject_button, _("Reject a version, with a comment that says what to fix"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reject_button), "review.reject");
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), self->reject_button);
  gtk_box_append (GTK_BOX (page), bar);

  gtk_stack_add_named (self->item_stack, page, "item");
  return GTK_WIDGET (self->item_stack);
}

static void
calque_review_window_init (CalqueReviewWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

  self->panes = g_ptr_array_new_with_free_func ((GDestroyNotify) pane_free);
  self->labels = g_ptr_array_new_with_free_func (g_object_unref);
  self->label_colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_window_set_title (GTK_WINDOW (self), _("Review"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1200, 760);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Review"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_widget_set_tooltip_text (refresh, _("Read the Queue Again (F5)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "review.refresh");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), refresh);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  gtk_paned_set_start_child (GTK_PANED (paned), queue_side_new (self));
  gtk_paned_set_end_child (GTK_PANED (paned), item_side_new (self));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 260);
  gtk_widget_set_vexpand (paned, TRUE);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, paned);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), box);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.merge", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.open", FALSE);
}

/* --- public API -------------------------------------------------------------------------- */

CalqueReviewWindow *
calque_review_window_new (GtkWindow       *parent,
                          CalqueWorkspace *workspace,
                          CalqueRecord    *project,
                          const char      *reviewer)
{
  CalqueReviewWindow *self;
  const char *name;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);
  g_return_val_if_fail (reviewer != NULL, NULL);

  self = g_object_new (CALQUE_TYPE_REVIEW_WINDOW, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project_id = g_strdup (calque_record_get_id (project));
  self->reviewer = g_strdup (reviewer);

  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");
  read_queue (self);
  return self;
}

CalqueWorkspace *
calque_review_window_get_workspace (CalqueReviewWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);

  return self->workspace;
}

const char *
calque_review_window_get_project_id (CalqueReviewWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);

  return self->project_id;
}

void
calque_review_window_refresh (CalqueReviewWindow *self)
{
  g_return_if_fail (CALQUE_IS_REVIEW_WINDOW (self));

  read_queue (self);
}

gboolean
calque_review_window_get_busy (CalqueReviewWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

char **
calque_review_window_dup_queue (CalqueReviewWindow *self)
{
  GStrvBuilder *builder;
  char **ids;

  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; self->queue != NULL && i < self->queue->len; i++)
    g_strv_builder_add (builder, ((CalqueReviewQueueEntry *) self->queue->pdata[i])->item_id);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

gboolean
calque_review_window_select_item (CalqueReviewWindow *self,
                                  const char         *item_id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), FALSE);
  g_return_val_if_fail (item_id != NULL, FALSE);

  row = find_row (self, item_id);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->queue_list, row);
  return TRUE;
}

const char *
calque_review_window_get_item_id (CalqueReviewWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);

  return self->item_id;
}

guint
calque_review_window_get_n_panes (CalqueReviewWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), 0);

  return self->panes->len;
}

const char *
calque_review_window_get_pane_annotator (CalqueReviewWindow *self,
                                         guint               pane)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);
  g_return_val_if_fail (pane < self->panes->len, NULL);

  return ((Pane *) self->panes->pdata[pane])->annotator;
}

GtkWidget *
calque_review_window_get_pane_view (CalqueReviewWindow *self,
                                    guint               pane)
{
  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);
  g_return_val_if_fail (pane < self->panes->len, NULL);

  return ((Pane *) self->panes->pdata[pane])->view;
}

char **
calque_review_window_dup_history (CalqueReviewWindow *self)
{
  GStrvBuilder *builder;
  char **lines;

  g_return_val_if_fail (CALQUE_IS_REVIEW_WINDOW (self), NULL);

  builder = g_strv_builder_new ();
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->history_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "calque-history-line") != NULL)
      g_strv_builder_add (builder, g_object_get_data (G_OBJECT (row), "calque-history-line"));
  lines = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return lines;
}
