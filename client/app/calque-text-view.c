/* calque-text-view.c — a text item and its spans, to read and to mark
 *
 * The spans are not GtkTextTags: a tag's background hides the one under
 * it, so overlapping spans would vanish, and thousands of tags make the
 * buffer slow. They are painted in snapshot_layer(), below the text, and
 * only those that meet the visible part of the text. A highlighted span
 * (the Review window's "not matched", "label differs") gets a frame in the
 * highlight's colour just outside the selection's outline, so that both
 * show on a span that is selected and highlighted.
 */
#define G_LOG_DOMAIN "calque-text-view"

#include "calque-text-view.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-comment-markers.h"
#include "calque-text-offsets.h"

/* Bars under a line: each is BAR_HEIGHT tall with a BAR_GAP above it. At
 * most MAX_BARS are drawn; spans nested deeper share the last bar. */
#define BAR_HEIGHT 3
#define BAR_GAP    1
#define MAX_BARS   4
/* Band colour strength, so the letters stay black on any label colour. */
#define BAND_ALPHA 0.30

typedef struct {
  char   *id;
  gint64  start;
  gint64  end;
  guint32 rgba;
  guint   lane;
} Span;

struct _CalqueTextView
{
  GtkTextView            parent_instance;

  CalqueItemAnnotations *annotations;
  GHashTable            *label_colors;
  GPtrArray             *labels;
  char                  *text;          /* the item's text, for word lookups */
  GArray                *spans;         /* Span, by start then longest first */
  guint                  n_lanes;
  GStrv                  new_labels;
  gboolean               snap;
  char                  *selected;

  /* Clicks, seen before the text view's own gestures take them. */
  double                 press_x;
  double                 press_y;
  guint32                press_time;
  guint                  n_press;
  guint                  keyword_idle;
  gint64                 keyword_offset;

  GHashTable            *comment_marks;  /* annotation id → count and flags; nullable */
  GHashTable            *highlights;     /* annotation id → GUINT_TO_POINTER (0xRRGGBBAA) */
};

enum { SELECTION_CHANGED, EDITED, FAILED, COMMENT_MARKER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueTextView, calque_text_view, GTK_TYPE_TEXT_VIEW)

static void
span_clear (gpointer data)
{
  g_free (((Span *) data)->id);
}

static gint
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const Span *sa = a;
  const Span *sb = b;

  if (sa->start != sb->start)
    return sa->start < sb->start ? -1 : 1;
  if (sa->end != sb->end)
    return sa->end > sb->end ? -1 : 1;   /* the outer one first: it takes the upper bar */
  return g_strcmp0 (sa->id, sb->id);
}

static guint32
first_label_color (CalqueTextView *self,
                   CalqueRecord   *annotation)
{
  JsonNode *labels = calque_record_get_field (annotation, "labels");

  if (labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) && json_array_get_length (json_node_get_array (labels)) > 0)
    {
      const char *id = json_array_get_string_element (json_node_get_array (labels), 0);

      if (id != NULL && self->label_colors != NULL && g_hash_table_contains (self->label_colors, id))
        return GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors, id));
    }
  return 0x9a9996ffu;
}

/* Reads the spans from the model and gives each the first bar free at its
 * start, so that nested and overlapping spans lie on bars of their own. */
static void
rebuild_spans (CalqueTextView *self)
{
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;
  g_autoptr(GArray) lane_ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint shown_lanes;

  g_array_set_size (self->spans, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);
      Span span = { 0 };

      if (shape == NULL || shape->kind != CALQUE_SHAPE_SPAN)
        continue;
      span.id = g_strdup (calque_record_get_id (annotation));
      span.start = shape->span_start;
      span.end = shape->span_end;
      span.rgba = first_label_color (self, annotation);
      g_array_append_val (self->spans, span);
    }
  g_array_sort (self->spans, compare_spans);

  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = &g_array_index (self->spans, Span, i);
      guint lane = 0;

      while (lane < lane_ends->len && g_array_index (lane_ends, gint64, lane) > span->start)
        lane++;
      if (lane == lane_ends->len)
        g_array_append_val (lane_ends, span->end);
      else
        g_array_index (lane_ends, gint64, lane) = span->end;
      span->lane = lane;
    }
  self->n_lanes = lane_ends->len;

  /* Room under each line for the bars. */
  shown_lanes = MAX (1, MIN (self->n_lanes, MAX_BARS));
  gtk_text_view_set_pixels_below_lines (GTK_TEXT_VIEW (self), 2 + shown_lanes * (BAR_HEIGHT + BAR_GAP));
  gtk_text_view_set_pixels_inside_wrap (GTK_TEXT_VIEW (self), 2 + shown_lanes * (BAR_HEIGHT + BAR_GAP));

  if (self->selected != NULL)
    {
      gboolean still_there = FALSE;

      for (guint i = 0; i < self->spans->len && !still_there; i++)
        still_there = g_strcmp0 (g_array_index (self->spans, Span, i).id, self->selected) == 0;
      if (!still_there)
        {
          g_clear_pointer (&self->selected, g_free);
          g_signal_emit (self, signals[SELECTION_CHANGED], 0);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
annotations_changed_cb (CalqueTextView *self)
{
  rebuild_spans (self);
}

/* --- drawing ------------------------------------------------------------------------- */

static void
rgba_from (guint32  rgba,
           double   alpha,
           GdkRGBA *out)
{
  out->red = ((rgba >> 24) & 0xff) / 255.0;
  out->green = ((rgba >> 16) & 0xff) / 255.0;
  out->blue = ((rgba >> 8) & 0xff) / 255.0;
  out->alpha = alpha;
}

/* One rectangle per display line the span covers, in buffer coordinates. */
static void
snapshot_span (CalqueTextView *self,
               GtkSnapshot    *snapshot,
               const Span     *span,
               gboolean        selected)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter cur, stop;
  GdkRGBA band, bar, outline, halo;
  guint lane = MIN (span->lane, MAX_BARS - 1);
  guint32 halo_rgba = GPOINTER_TO_UINT (g_hash_table_lookup (self->highlights, span->id));

  rgba_from (halo_rgba, 1.0, &halo);
  rgba_from (span->rgba, BAND_ALPHA, &band);
  rgba_from (span->rgba, 1.0, &bar);
  gdk_rgba_parse (&outline, "#1c1c1c");
  gtk_text_buffer_get_iter_at_offset (buffer, &cur, (int) span->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &stop, (int) span->end);

  while (gtk_text_iter_compare (&cur, &stop) < 0)
    {
      GtkTextIter next = cur;
      GtkTextIter last;
      GdkRectangle a, b;
      graphene_rect_t rect;
      float bar_y;
      int left, right;

      if (!gtk_text_view_forward_display_line (view, &next) || gtk_text_iter_compare (&next, &stop) > 0)
        next = stop;
      last = next;
      gtk_text_iter_backward_char (&last);
      gtk_text_view_get_iter_location (view, &cur, &a);
      gtk_text_view_get_iter_location (view, &last, &b);
      if (b.y != a.y)
        b = a;   /* the line ended on a wrap or a newline of its own */
      /* Right to left, as in Arabic, the first letter is the rightmost. */
      left = MIN (MIN (a.x, a.x + a.width), MIN (b.x, b.x + b.width));
      right = MAX (MAX (a.x, a.x + a.width), MAX (b.x, b.x + b.width));
      rect = GRAPHENE_RECT_INIT (left, a.y, MAX (right - left, 2), a.height);
      gtk_snapshot_append_color (snapshot, &band, &rect);
      bar_y = a.y + a.height + 1 + lane * (BAR_HEIGHT + BAR_GAP);
      gtk_snapshot_append_color (snapshot, &bar,
                                 &GRAPHENE_RECT_INIT (rect.origin.x, bar_y, rect.size.width, BAR_HEIGHT));
      if (halo_rgba != 0)
        {
          /* Just outside where the selection's outline goes. */
          float top = a.y - 3, bottom = bar_y + BAR_HEIGHT + 4;
          float x0 = rect.origin.x - 3, w = rect.size.width + 6;

          gtk_snapshot_append_color (snapshot, &halo, &GRAPHENE_RECT_INIT (x0, top, w, 2));
          gtk_snapshot_append_color (snapshot, &halo, &GRAPHENE_RECT_INIT (x0, bottom - 2, w, 2));
          gtk_snapshot_append_color (snapshot, &halo, &GRAPHENE_RECT_INIT (x0, top, 2, bottom - top));
          gtk_snapshot_append_color (snapshot, &halo, &GRAPHENE_RECT_INIT (x0 + w - 2, top, 2, bottom - top));
        }
      if (selected)
        {
          float bottom = bar_y + BAR_HEIGHT;
          float w = rect.size.width;

          gtk_snapshot_append_color (snapshot, &outline, &GRAPHENE_RECT_INIT (rect.origin.x, a.y - 1, w, 2));
          gtk_snapshot_append_color (snapshot, &outline, &GRAPHENE_RECT_INIT (rect.origin.x, bottom, w, 2));
          gtk_snapshot_append_color (snapshot, &outline,
                                     &GRAPHENE_RECT_INIT (rect.origin.x - 1, a.y - 1, 2, bottom - a.y + 3));
          gtk_snapshot_append_color (snapshot, &outline,
                                     &GRAPHENE_RECT_INIT (rect.origin.x + w - 1, a.y - 1, 2, bottom - a.y + 3));
        }
      cur = next;
    }
}

/* The bubble of a commented span: just after its last letter, raised
 * above the line, in buffer coordinates. */
static gboolean
comment_marker_rect (CalqueTextView  *self,
                     const Span      *span,
                     graphene_rect_t *out_rect)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter last;
  GdkRectangle location;
  gpointer value;
  double w, h;

  if (self->comment_marks == NULL || span->end <= span->start
      || !g_hash_table_lookup_extended (self->comment_marks, span->id, NULL, &value))
    return FALSE;
  gtk_text_buffer_get_iter_at_offset (buffer, &last, (int) span->end - 1);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &last, &location);
  calque_comment_marker_get_size (GPOINTER_TO_UINT (value), &w, &h);
  /* The tail's tip on the top right corner of the last letter. */
  *out_rect = GRAPHENE_RECT_INIT (MAX (location.x, location.x + location.width) - 4, location.y - h - 2, w, h);
  return TRUE;
}

static void
snapshot_comment_markers (CalqueTextView *self,
                          GtkSnapshot    *snapshot,
                          gint64          first,
                          gint64          last)
{
  for (guint i = 0; i < self->spans->len; i++)
    {
      const Span *span = &g_array_index (self->spans, Span, i);
      graphene_rect_t rect;
      cairo_t *cr;

      if (span->start > last)
        break;
      if (span->end < first || !comment_marker_rect (self, span, &rect))
        continue;
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (rect.origin.x - 2, rect.origin.y - 2,
                                                                     rect.size.width + 4, rect.size.height + 10));
      calque_comment_marker_draw (cr, rect.origin.x, rect.origin.y,
                                  GPOINTER_TO_UINT (g_hash_table_lookup (self->comment_marks, span->id)));
      cairo_destroy (cr);
    }
}

static void
calque_text_view_snapshot_layer (GtkTextView      *view,
                                 GtkTextViewLayer  layer,
                                 GtkSnapshot      *snapshot)
{
  CalqueTextView *self = CALQUE_TEXT_VIEW (view);
  GdkRectangle visible;
  GtkTextIter top, bottom;
  gint64 first, last;
  const Span *selected = NULL;

  if (self->spans->len == 0)
    return;
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_line_at_y (view, &top, visible.y, NULL);
  gtk_text_view_get_line_at_y (view, &bottom, visible.y + visible.height, NULL);
  gtk_text_iter_forward_line (&bottom);
  first = gtk_text_iter_get_offset (&top);
  last = gtk_text_iter_get_offset (&bottom);
  if (layer == GTK_TEXT_VIEW_LAYER_ABOVE_TEXT)
    {
      snapshot_comment_markers (self, snapshot, first, last);
      return;
    }

  for (guint i = 0; i < self->spans->len; i++)
    {
      const Span *span = &g_array_index (self->spans, Span, i);

      if (span->start > last)
        break;   /* sorted by start: the rest are further down */
      if (span->end < first)
        continue;
      if (self->selected != NULL && g_strcmp0 (span->id, self->selected) == 0)
        selected = span;
      else
        snapshot_span (self, snapshot, span, FALSE);
    }
  /* Over the others, so that its outline is whole. */
  if (selected != NULL)
    snapshot_span (self, snapshot, selected, TRUE);
}

/* --- finding spans ------------------------------------------------------------------- */

static gboolean
offset_at (CalqueTextView *self,
           double          wx,
           double          wy,
           gint64         *offset)
{
  GtkTextIter iter;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, (int) wx, (int) wy, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), &iter, bx, by))
    return FALSE;
  *offset = gtk_text_iter_get_offset (&iter);
  return TRUE;
}

/* The spans over @offset, innermost (shortest) first. */
static GPtrArray *
spans_at (CalqueTextView *self,
          gint64          offset)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = &g_array_index (self->spans, Span, i);

      if (span->start > offset)
        break;
      if (offset < span->end)
        g_ptr_array_add (found, span);
    }
  for (guint i = 1; i < found->len; i++)
    for (guint j = i; j > 0; j--)
      {
        Span *a = g_ptr_array_index (found, j - 1);
        Span *b = g_ptr_array_index (found, j);

        if (a->end - a->start <= b->end - b->start)
          break;
        found->pdata[j - 1] = b;
        found->pdata[j] = a;
      }
  return found;
}

static void
set_selected (CalqueTextView *self,
              const char     *id)
{
  if (g_strcmp0 (self->selected, id) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* A click selects the innermost span under it, or, on a span already
 * selected, the next one out: nested spans can all be reached. */
static void
click_at (CalqueTextView *self,
          double          wx,
          double          wy)
{
  g_autoptr(GPtrArray) found = NULL;
  gint64 offset;
  guint pick = 0;

  if (!offset_at (self, wx, wy, &offset))
    {
      set_selected (self, NULL);
      return;
    }
  found = spans_at (self, offset);
  if (found->len == 0)
    {
      set_selected (self, NULL);
      return;
    }
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (((Span *) g_ptr_array_index (found, i))->id, self->selected) == 0)
      pick = (i + 1) % found->len;
  set_selected (self, ((Span *) g_ptr_array_index (found, pick))->id);
}

static void
emit_result (CalqueTextView *self,
             gboolean        ok,
             GError         *error)
{
  if (ok)
    g_signal_emit (self, signals[EDITED], 0);
  else if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
clear_text_selection (CalqueTextView *self,
                      gint64          at)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) at);
  gtk_text_buffer_select_range (buffer, &iter, &iter);
}

/* A double click picks the word under it as a keyword. */
static gboolean
keyword_idle_cb (gpointer user_data)
{
  CalqueTextView *self = user_data;
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 start, end;

  self->keyword_idle = 0;
  if (self->annotations == NULL || self->text == NULL
      || !calque_text_word_at (self->text, self->keyword_offset, &start, &end))
    return G_SOURCE_REMOVE;

  /* The word already marked with these labels: select it, do not mark it twice. */
  for (guint i = 0; i < self->spans->len; i++)
    {
      const Span *span = &g_array_index (self->spans, Span, i);
      CalqueRecord *annotation;
      JsonNode *labels;

      if (span->start != start || span->end != end)
        continue;
      annotation = calque_item_annotations_lookup (self->annotations, span->id);
      labels = annotation != NULL ? calque_record_get_field (annotation, "labels") : NULL;
      if (labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) && self->new_labels != NULL
          && json_array_get_length (json_node_get_array (labels)) == g_strv_length (self->new_labels)
          && json_array_get_length (json_node_get_array (labels)) > 0
          && g_strcmp0 (json_array_get_string_element (json_node_get_array (labels), 0), self->new_labels[0]) == 0)
        {
          clear_text_selection (self, start);
          set_selected (self, span->id);
          return G_SOURCE_REMOVE;
        }
    }

  shape = calque_shape_new_span (start, end);
  id = calque_item_annotations_add (self->annotations, shape, (const char * const *) self->new_labels, &error);
  if (id != NULL)
    {
      clear_text_selection (self, start);
      set_selected (self, id);
    }
  emit_result (self, id != NULL, error);
  return G_SOURCE_REMOVE;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            CalqueTextView  *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  guint32 time = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (gesture));
  int double_time = 400;
  int double_distance = 5;

  /* The text view's own gesture claims each press, which resets this
   * gesture's count: double clicks are counted here. */
  g_object_get (settings, "gtk-double-click-time", &double_time, "gtk-double-click-distance", &double_distance, NULL);
  if (self->n_press > 0 && time - self->press_time <= (guint32) double_time
      && fabs (x - self->press_x) <= double_distance && fabs (y - self->press_y) <= double_distance)
    self->n_press++;
  else
    self->n_press = 1;
  self->press_x = x;
  self->press_y = y;
  self->press_time = time;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->n_press == 2 && offset_at (self, x, y, &self->keyword_offset) && self->keyword_idle == 0)
    self->keyword_idle = g_idle_add (keyword_idle_cb, self);
}

/* Releases are seen before the text view acts on them; a press and release
 * in place, with no text selected, is a click on a span (or off one). */
/* The span whose comments' bubble is at widget point (@wx, @wy), or NULL. */
static const char *
comment_marker_at (CalqueTextView *self,
                   double          wx,
                   double          wy)
{
  int bx, by;

  if (self->comment_marks == NULL || g_hash_table_size (self->comment_marks) == 0)
    return NULL;
  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, (int) wx, (int) wy, &bx, &by);
  for (guint i = self->spans->len; i > 0; i--)
    {
      const Span *span = &g_array_index (self->spans, Span, i - 1);
      graphene_rect_t rect;

      if (comment_marker_rect (self, span, &rect)
          && graphene_rect_contains_point (&GRAPHENE_RECT_INIT (rect.origin.x - 2, rect.origin.y - 2,
                                                                rect.size.width + 4, rect.size.height + 8),
                                           &GRAPHENE_POINT_INIT (bx, by)))
        return span->id;
    }
  return NULL;
}

static gboolean
legacy_event_cb (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 CalqueTextView           *self)
{
  const char *marked;

  /* A comment's bubble opens its thread, and is not a click on the text. */
  if (gdk_event_get_event_type (event) == GDK_BUTTON_RELEASE
      && gdk_button_event_get_button (event) == GDK_BUTTON_PRIMARY
      && self->n_press == 1
      && (marked = comment_marker_at (self, self->press_x, self->press_y)) != NULL)
    {
      g_autofree char *id = g_strdup (marked);

      g_signal_emit (self, signals[COMMENT_MARKER_ACTIVATED], 0, id);
      return GDK_EVENT_STOP;
    }
  if (gdk_event_get_event_type (event) == GDK_BUTTON_RELEASE
      && gdk_button_event_get_button (event) == GDK_BUTTON_PRIMARY
      && self->n_press == 1
      && !calque_text_view_has_text_selection (self))
    click_at (self, self->press_x, self->press_y);
  return GDK_EVENT_PROPAGATE;
}

static gboolean
delete_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  CalqueTextView *self = CALQUE_TEXT_VIEW (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->selected == NULL)
    return FALSE;
  ok = calque_text_view_delete_selected (self, &error);
  emit_result (self, ok, error);
  return TRUE;
}

static gboolean
escape_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  CalqueTextView *self = CALQUE_TEXT_VIEW (widget);

  if (self->selected == NULL && !calque_text_view_has_text_selection (self))
    return FALSE;
  set_selected (self, NULL);
  if (calque_text_view_has_text_selection (self))
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_selection_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &start, &end);
      clear_text_selection (self, gtk_text_iter_get_offset (&start));
    }
  return TRUE;
}

/* The labels of the spans under the pointer, as plain text. */
static gboolean
query_tooltip_cb (CalqueTextView *self,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 offset;

  if (keyboard || self->annotations == NULL || !offset_at (self, x, y, &offset))
    return FALSE;
  found = spans_at (self, offset);
  for (guint i = 0; i < found->len; i++)
    {
      CalqueRecord *annotation = calque_item_annotations_lookup (self->annotations,
                                                                 ((Span *) g_ptr_array_index (found, i))->id);
      JsonNode *labels = annotation != NULL ? calque_record_get_field (annotation, "labels") : NULL;
      guint n = labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) ? json_array_get_length (json_node_get_array (labels)) : 0;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      for (guint j = 0; j < n; j++)
        {
          const char *id = json_array_get_string_element (json_node_get_array (labels), j);
          const char *name = NULL;

          for (guint k = 0; self->labels != NULL && k < self->labels->len && name == NULL; k++)
            if (g_strcmp0 (calque_record_get_id (g_ptr_array_index (self->labels, k)), id) == 0)
              name = calque_record_get_string (g_ptr_array_index (self->labels, k), "name");
          if (j > 0)
            g_string_append (text, ", ");
          g_string_append (text, name != NULL ? name : _("(unknown label)"));
        }
    }
  if (text->len == 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text->str);   /* plain text: label names are never markup */
  return TRUE;
}

/* --- GObject --------------------------------------------------------------------------- */

static void
calque_text_view_dispose (GObject *object)
{
  CalqueTextView *self = CALQUE_TEXT_VIEW (object);

  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  g_clear_object (&self->annotations);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_handle_id (&self->keyword_idle, g_source_remove);
  g_clear_pointer (&self->comment_marks, g_hash_table_unref);
  g_clear_pointer (&self->highlights, g_hash_table_unref);

  G_OBJECT_CLASS (calque_text_view_parent_class)->dispose (object);
}

static void
calque_text_view_finalize (GObject *object)
{
  CalqueTextView *self = CALQUE_TEXT_VIEW (object);

  g_array_unref (self->spans);
  g_free (self->text);
  g_strfreev (self->new_labels);
  g_free (self->selected);

  G_OBJECT_CLASS (calque_text_view_parent_class)->finalize (object);
}

static void
calque_text_view_class_init (CalqueTextViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->dispose = calque_text_view_dispose;
  object_class->finalize = calque_text_view_finalize;
  text_view_class->snapshot_layer = calque_text_view_snapshot_layer;

  /**
   * CalqueTextView::selection-changed:
   *
   * Another span, or none, is selected.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * CalqueTextView::edited:
   *
   * A span was saved in the workspace (made, moved or deleted) by the view.
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CalqueTextView::failed:
   * @error: why an edit could not be saved
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
  /**
   * CalqueTextView::comment-marker-activated:
   * @id: the span whose comments' bubble was clicked
   */
  signals[COMMENT_MARKER_ACTIVATED] =
    g_signal_new ("comment-marker-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

}

static void
add_key (GtkEventController *controller,
         guint               keyval,
         GtkShortcutFunc     callback)
{
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, 0),
                                                          gtk_callback_action_new (callback, NULL, NULL)));
}

static void
calque_text_view_init (CalqueTextView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *legacy = gtk_event_controller_legacy_new ();
  GtkEventController *keys = gtk_shortcut_controller_new ();

  self->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_array_set_clear_func (self->spans, span_clear);
  self->snap = TRUE;
  self->highlights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_add_css_class (GTK_WIDGET (self), "calque-document");
  gtk_text_view_set_editable (view, FALSE);
  /* A caret, so that text can be selected with the keys too (Shift+arrows). */
  gtk_text_view_set_cursor_visible (view, TRUE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (view, 24);
  gtk_text_view_set_right_margin (view, 24);
  gtk_text_view_set_top_margin (view, 18);
  gtk_text_view_set_bottom_margin (view, 18);
  gtk_text_view_set_pixels_above_lines (view, 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Text"), -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  /* Before the text view's own bindings (BackSpace deletes a character there). */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  add_key (keys, GDK_KEY_Delete, delete_shortcut_cb);
  add_key (keys, GDK_KEY_KP_Delete, delete_shortcut_cb);
  add_key (keys, GDK_KEY_BackSpace, delete_shortcut_cb);
  add_key (keys, GDK_KEY_Escape, escape_shortcut_cb);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

/* --- public API ------------------------------------------------------------------------ */

GtkWidget *
calque_text_view_new (void)
{
  return g_object_new (CALQUE_TYPE_TEXT_VIEW, NULL);
}

void
calque_text_view_set_item (CalqueTextView        *self,
                           CalqueItemAnnotations *annotations,
                           GHashTable            *label_colors,
                           GPtrArray             *labels)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));

  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  g_clear_object (&self->annotations);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->selected, g_free);
  g_clear_handle_id (&self->keyword_idle, g_source_remove);
  if (self->highlights != NULL)
    g_hash_table_remove_all (self->highlights);
  self->n_press = 0;

  if (annotations != NULL)
    {
      self->annotations = g_object_ref (annotations);
      self->label_colors = label_colors != NULL ? g_hash_table_ref (label_colors) : NULL;
      self->labels = labels != NULL ? g_ptr_array_ref (labels) : NULL;
      self->text = g_strdup (calque_record_get_string (calque_item_annotations_get_item (annotations), "text"));
      g_signal_connect_swapped (annotations, "items-changed", G_CALLBACK (annotations_changed_cb), self);
    }

  /* A fresh buffer: no undo history or marks of the previous text. */
  buffer = gtk_text_buffer_new (NULL);
  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  gtk_text_buffer_set_text (buffer, self->text != NULL ? self->text : "", -1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self), buffer);
  g_object_unref (buffer);

  rebuild_spans (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
calque_text_view_set_labels (CalqueTextView     *self,
                             const char * const *label_ids)
{
  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));

  g_strfreev (self->new_labels);
  self->new_labels = g_strdupv ((char **) label_ids);
}

void
calque_text_view_set_snap_to_words (CalqueTextView *self,
                                    gboolean        snap)
{
  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));

  self->snap = snap;
}

gboolean
calque_text_view_get_snap_to_words (CalqueTextView *self)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  return self->snap;
}

const char *
calque_text_view_get_selected (CalqueTextView *self)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), NULL);

  return self->selected;
}

void
calque_text_view_select (CalqueTextView *self,
                         const char     *id)
{
  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));

  if (id != NULL)
    {
      for (guint i = 0; i < self->spans->len; i++)
        {
          const Span *span = &g_array_index (self->spans, Span, i);

          if (g_strcmp0 (span->id, id) == 0)
            {
              GtkTextIter iter;

              /* Bring it into view, as a click in the list expects. */
              gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter,
                                                  (int) span->start);
              gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self), &iter, 0.1, FALSE, 0, 0);
              set_selected (self, id);
              return;
            }
        }
      id = NULL;   /* not a span of this text */
    }
  set_selected (self, id);
}

gboolean
calque_text_view_has_text_selection (CalqueTextView *self)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  return gtk_text_buffer_get_has_selection (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
}

gboolean
calque_text_view_get_marked_range (CalqueTextView *self,
                                   gint64         *start,
                                   gint64         *end)
{
  GtkTextIter a, b;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  if (self->text == NULL
      || !gtk_text_buffer_get_selection_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &a, &b))
    return FALSE;
  *start = gtk_text_iter_get_offset (&a);
  *end = gtk_text_iter_get_offset (&b);
  if (self->snap)
    return calque_text_snap_to_words (self->text, start, end);
  return *start < *end;
}

gboolean
calque_text_view_add_span (CalqueTextView  *self,
                           GError         **error)
{
  g_autoptr(CalqueShape) shape = NULL;
  g_autofree char *id = NULL;
  gint64 start, end;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  if (self->annotations == NULL || !calque_text_view_get_marked_range (self, &start, &end))
    return FALSE;
  shape = calque_shape_new_span (start, end);
  id = calque_item_annotations_add (self->annotations, shape, (const char * const *) self->new_labels, error);
  if (id == NULL)
    return FALSE;
  clear_text_selection (self, end);
  set_selected (self, id);
  return TRUE;
}

gboolean
calque_text_view_fit_selected (CalqueTextView  *self,
                               GError         **error)
{
  g_autoptr(CalqueShape) shape = NULL;
  gint64 start, end;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  if (self->annotations == NULL || self->selected == NULL || !calque_text_view_get_marked_range (self, &start, &end))
    return FALSE;
  shape = calque_shape_new_span (start, end);
  if (!calque_item_annotations_set_shape (self->annotations, self->selected, shape, error))
    return FALSE;
  clear_text_selection (self, end);
  return TRUE;
}

gboolean
calque_text_view_delete_selected (CalqueTextView  *self,
                                  GError         **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  if (self->annotations == NULL || self->selected == NULL)
    return FALSE;
  id = g_strdup (self->selected);
  set_selected (self, NULL);
  return calque_item_annotations_remove (self->annotations, id, error);
}

guint
calque_text_view_get_n_spans (CalqueTextView *self)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), 0);

  return self->spans->len;
}

guint
calque_text_view_get_n_lanes (CalqueTextView *self)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), 0);

  return self->n_lanes;
}

gboolean
calque_text_view_get_offset_position (CalqueTextView *self,
                                      gint64          offset,
                                      double         *x,
                                      double         *y)
{
  GtkTextIter iter;
  GdkRectangle rect;
  int wx, wy;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, (int) offset);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &iter, &rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, rect.x,
                                         rect.y + rect.height / 2, &wx, &wy);
  *x = wx;
  *y = wy;
  return TRUE;
}

void
calque_text_view_set_comment_marks (CalqueTextView *self,
                                    GHashTable     *marks)
{
  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));

  g_clear_pointer (&self->comment_marks, g_hash_table_unref);
  self->comment_marks = marks != NULL ? g_hash_table_ref (marks) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
calque_text_view_get_comment_marker (CalqueTextView *self,
                                     const char     *id,
                                     double         *x,
                                     double         *y)
{
  graphene_rect_t rect;
  int wx, wy;

  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), FALSE);

  for (guint i = 0; i < self->spans->len; i++)
    {
      const Span *span = &g_array_index (self->spans, Span, i);

      if (g_strcmp0 (span->id, id) != 0 || !comment_marker_rect (self, span, &rect))
        continue;
      gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                             (int) (rect.origin.x + rect.size.width / 2),
                                             (int) (rect.origin.y + rect.size.height / 2), &wx, &wy);
      *x = wx;
      *y = wy;
      return TRUE;
    }
  return FALSE;
}

void
calque_text_view_set_highlight (CalqueTextView *self,
                                const char     *id,
                                guint32         rgba)
{
  g_return_if_fail (CALQUE_IS_TEXT_VIEW (self));
  g_return_if_fail (id != NULL);

  if (calque_text_view_get_highlight (self, id) == rgba)
    return;
  if (rgba == 0)
    g_hash_table_remove (self->highlights, id);
  else
    g_hash_table_insert (self->highlights, g_strdup (id), GUINT_TO_POINTER (rgba));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint32
calque_text_view_get_highlight (CalqueTextView *self,
                                const char     *id)
{
  g_return_val_if_fail (CALQUE_IS_TEXT_VIEW (self), 0);

  return id != NULL && self->highlights != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (self->highlights, id)) : 0;
}
