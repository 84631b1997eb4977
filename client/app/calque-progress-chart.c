/* calque-progress-chart.c — annotations over time, as bars
 *
 * Drawn with Cairo into the widget's snapshot: GTK gives the Cairo node a
 * surface at the display's scale, and every edge is put on a device pixel
 * (calque-chart-math.h), so bars and hairlines stay sharp at scale 2. The
 * colours are the theme's, looked up at each frame: the accent for the
 * bars, the text colour (faded) for the axes, so that the dark style and
 * another accent are followed without anything to listen to.
 *
 * The layout (where the plot is, the value axis) is worked out from the
 * widget's size alone, the same way for drawing and for finding the bucket
 * under the pointer, so the tooltip always speaks of the bar under it.
 */
#define G_LOG_DOMAIN "calque-chart"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-chart-math.h"
#include "calque-progress-chart.h"

/* Value ticks at least this far apart, time labels this far beyond their width. */
#define VALUE_TICK_SPACING 36.0
#define TIME_LABEL_PADDING 18.0
#define TICK_LENGTH        4.0
#define LABEL_GAP          6.0
#define MARGIN_TOP         8.0
#define MARGIN_RIGHT       14.0
/* The axes' labels, smaller than the text around. */
#define LABEL_SCALE        0.83

struct _CalqueProgressChart
{
  GtkWidget  parent_instance;

  gint64     start_ms;
  gint64     bucket_ms;
  gint64    *counts;
  guint      n_buckets;
  gint64     max_count;
  char      *empty_text;
  int        hover;          /* the bucket under the pointer, or -1 */
};

G_DEFINE_FINAL_TYPE (CalqueProgressChart, calque_progress_chart, GTK_TYPE_WIDGET)

typedef struct {
  CalqueChartPlot      plot;
  CalqueChartValueAxis axis;
  double               label_height;
} Layout;

/* --- measuring ----------------------------------------------------------------- */

static PangoLayout *
label_layout_new (CalqueProgressChart *self,
                  const char          *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (LABEL_SCALE));
  /* Digits the same width, so the value labels line up on the right. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
measure_text (CalqueProgressChart *self,
              const char          *text,
              double              *width,
              double              *height)
{
  g_autoptr(PangoLayout) layout = label_layout_new (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}


static void
compute_layout (CalqueProgressChart *self,
                double               width,
                double               height,
                Layout              *out)
{
  g_autofree char *top_text = NULL;
  double label_width = 0, label_height = 0;
  double bottom, left;

  measure_text (self, "0", NULL, &label_height);
  bottom = TICK_LENGTH + 2 + label_height + 2;
  out->label_height = label_height;

  calque_chart_value_axis (self->max_count, MAX (height - MARGIN_TOP - bottom, 1), VALUE_TICK_SPACING, &out->axis);
  /* The top value has the most digits. */
  top_text = calque_progress_chart_format_count (out->axis.top);
  measure_text (self, top_text, &label_width, NULL);
  left = label_width + LABEL_GAP + 2;

  out->plot.scale = MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);
  out->plot.x = calque_chart_snap (left, out->plot.scale);
  out->plot.y = calque_chart_snap (MARGIN_TOP, out->plot.scale);
  out->plot.width = MAX (width - out->plot.x - MARGIN_RIGHT, 1);
  out->plot.height = MAX (calque_chart_snap (height - bottom, out->plot.scale) - out->plot.y, 1);
  out->plot.n_buckets = self->n_buckets;
}

/* The widest label the time axis may have, to space the ticks. */
static double
time_label_width (CalqueProgressChart *self)
{
  /* Late in a month, with the widest digits. */
  CalqueChartTimeTick day = { .time_ms = G_GINT64_CONSTANT (1759190400000), .new_day = TRUE };
  CalqueChartTimeTick hour = { .time_ms = G_GINT64_CONSTANT (1759190400000) + 20 * CALQUE_CHART_HOUR_MS };
  g_autofree char *day_text = calque_chart_format_tick (&day, CALQUE_CHART_DAY_MS);
  g_autofree char *hour_text = calque_chart_format_tick (&hour, CALQUE_CHART_HOUR_MS);
  double day_width = 0, hour_width = 0;

  measure_text (self, day_text, &day_width, NULL);
  measure_text (self, hour_text, &hour_width, NULL);
  return MAX (day_width, hour_width);
}

/* --- drawing ---------------------------------------------------------------------- */

static void
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *color,
              const char *fallback)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (!gtk_style_context_lookup_color (context, name, color))
    gdk_rgba_parse (color, fallback);
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* A text label with its (@x, @y) at the point given by @xalign, @yalign. */
static void
draw_label (CalqueProgressChart *self,
            cairo_t             *cr,
            const char          *text,
            double               x,
            double               y,
            double               xalign,
            double               yalign,
            double               min_x,
            double               max_x)
{
  g_autoptr(PangoLayout) layout = label_layout_new (self, text);
  int w, h;
  double left;

  pango_layout_get_pixel_size (layout, &w, &h);
  left = CLAMP (x - w * xalign, min_x, MAX (min_x, max_x - w));
  cairo_move_to (cr, round (left), round (y - h * yalign));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_empty (CalqueProgressChart *self,
            cairo_t             *cr,
            double               width,
            double               height,
            const GdkRGBA       *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->empty_text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  set_source (cr, fg, 0.55);
  cairo_move_to (cr, round ((width - w) / 2), round ((height - h) / 2));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_chart (CalqueProgressChart *self,
            cairo_t             *cr,
            double               width,
            double               height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GArray) ticks = NULL;
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA fg, accent, hover;
  Layout layout;
  double hairline, baseline, last_label_end = -G_MAXDOUBLE;
  gint64 step_ms = 0;

  gtk_style_context_get_color (context, &fg);
  if (self->n_buckets == 0)
    {
      draw_empty (self, cr, width, height, &fg);
      return;
    }

  lookup_color (widget, "accent_bg_color", &accent, "#3584e4");
  lookup_color (widget, "accent_color", &hover, "#1c71d8");
  compute_layout (self, width, height, &layout);
  hairline = 1 / layout.plot.scale;
  baseline = calque_chart_value_y (&layout.plot, &layout.axis, 0);

  /* The grid and the value labels: 0 at the baseline, up to the top. */
  for (guint i = 0; i <= layout.axis.n_ticks; i++)
    {
      gint64 value = i * layout.axis.step;
      double y = calque_chart_value_y (&layout.plot, &layout.axis, value);
      g_autofree char *text = calque_progress_chart_format_count (value);

      set_source (cr, &fg, i == 0 ? 0.35 : 0.1);
      cairo_rectangle (cr, layout.plot.x, i == 0 ? y : y - hairline, layout.plot.width, hairline);
      cairo_fill (cr);
      set_source (cr, &fg, 0.6);
      draw_label (self, cr, text, layout.plot.x - LABEL_GAP, y, 1, 0.5, 0, layout.plot.x);
    }

  /* The hovered bucket's column, behind its bar. */
  if (self->hover >= 0 && (guint) self->hover < self->n_buckets)
    {
      double x0 = calque_chart_boundary_x (&layout.plot, self->hover);
      double x1 = calque_chart_boundary_x (&layout.plot, self->hover + 1);

      set_source (cr, &fg, 0.06);
      cairo_rectangle (cr, x0, layout.plot.y, MAX (x1 - x0, hairline), baseline - layout.plot.y);
      cairo_fill (cr);
    }

  /* The bars, standing on the baseline. */
  for (guint i = 0; i < self->n_buckets; i++)
    {
      double x, w, top;

      if (self->counts[i] <= 0)
        continue;
      calque_chart_bucket_bar (&layout.plot, i, &x, &w);
      top = calque_chart_value_y (&layout.plot, &layout.axis, self->counts[i]);
      /* A count of one in thousands still shows: a device pixel at least. */
      top = MIN (top, baseline - hairline);
      if ((int) i == self->hover)
        set_source (cr, &hover, 1);
      else
        set_source (cr, &accent, 1);
      cairo_rectangle (cr, x, top, w, baseline - top);
      cairo_fill (cr);
    }

  /* The time axis: a tick and a label at round times. */
  ticks = calque_chart_time_ticks (self->start_ms, self->bucket_ms, self->n_buckets,
                                   layout.plot.width / self->n_buckets,
                                   time_label_width (self) + TIME_LABEL_PADDING, &step_ms);
  for (guint i = 0; i < ticks->len; i++)
    {
      const CalqueChartTimeTick *tick = &g_array_index (ticks, CalqueChartTimeTick, i);
      double x = calque_chart_boundary_x (&layout.plot, tick->boundary);
      g_autofree char *text = calque_chart_format_tick (tick, step_ms);
      double text_width = 0;
      double left;

      set_source (cr, &fg, tick->new_day ? 0.5 : 0.3);
      cairo_rectangle (cr, MIN (x, layout.plot.x + layout.plot.width - hairline), baseline, hairline, TICK_LENGTH);
      cairo_fill (cr);

      /* Centred under the tick, kept inside the widget; one that would
       * touch the previous label is left out rather than drawn over it. */
      measure_text (self, text, &text_width, NULL);
      left = CLAMP (x - text_width / 2, 0, MAX (0, width - text_width));
      if (left < last_label_end + LABEL_GAP)
        continue;
      last_label_end = left + text_width;
      set_source (cr, &fg, tick->new_day ? 0.75 : 0.6);
      draw_label (self, cr, text, x, baseline + TICK_LENGTH + 2, 0.5, 0, 0, width);
    }
}

/* --- callbacks ---------------------------------------------------------------------- */

static void
set_hover (CalqueProgressChart *self,
           int                  hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CalqueProgressChart      *self)
{
  set_hover (self, calque_progress_chart_get_bucket_at (self, x, y));
}

static void
leave_cb (GtkEventControllerMotion *controller,
          CalqueProgressChart      *self)
{
  set_hover (self, -1);
}

/* --- vfuncs ------------------------------------------------------------------------- */

static gboolean
calque_progress_chart_query_tooltip (GtkWidget  *widget,
                                     int         x,
                                     int         y,
                                     gboolean    keyboard,
                                     GtkTooltip *tooltip)
{
  CalqueProgressChart *self = CALQUE_PROGRESS_CHART (widget);
  g_autofree char *text = NULL;
  int bucket;

  if (keyboard)
    return FALSE;
  bucket = calque_progress_chart_get_bucket_at (self, x, y);
  if (bucket < 0)
    return FALSE;
  text = calque_progress_chart_dup_bucket_text (self, bucket);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
calque_progress_chart_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  CalqueProgressChart *self = CALQUE_PROGRESS_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_chart (self, cr, width, height);
  cairo_destroy (cr);
}

static void
calque_progress_chart_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 640;
    }
  else
    {
      *minimum = 160;
      *natural = 220;
    }
}

static void
calque_progress_chart_finalize (GObject *object)
{
  CalqueProgressChart *self = CALQUE_PROGRESS_CHART (object);

  g_free (self->counts);
  g_free (self->empty_text);

  G_OBJECT_CLASS (calque_progress_chart_parent_class)->finalize (object);
}

static void
calque_progress_chart_class_init (CalqueProgressChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = calque_progress_chart_finalize;
  widget_class->snapshot = calque_progress_chart_snapshot;
  widget_class->measure = calque_progress_chart_measure;
  widget_class->query_tooltip = calque_progress_chart_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "progress-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
calque_progress_chart_init (CalqueProgressChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover = -1;
  self->empty_text = g_strdup ("");
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Annotations over time"), -1);
}

/* --- public API --------------------------------------------------------------------- */

GtkWidget *
calque_progress_chart_new (void)
{
  return g_object_new (CALQUE_TYPE_PROGRESS_CHART, NULL);
}

void
calque_progress_chart_set_series (CalqueProgressChart *self,
                                  gint64               start_ms,
                                  gint64               bucket_ms,
                                  const gint64        *counts,
                                  guint                n_buckets)
{
  g_autofree char *description = NULL;
  gint64 total = 0;

  g_return_if_fail (CALQUE_IS_PROGRESS_CHART (self));
  g_return_if_fail (n_buckets == 0 || (counts != NULL && bucket_ms > 0));

  /* The same figures, computed again as the team works: nothing to draw. */
  if (n_buckets == self->n_buckets && (n_buckets == 0 || (start_ms == self->start_ms && bucket_ms == self->bucket_ms
                                                          && memcmp (counts, self->counts,
                                                                     n_buckets * sizeof *counts) == 0)))
    return;

  g_free (self->counts);
  self->counts = n_buckets > 0 ? g_memdup2 (counts, n_buckets * sizeof *counts) : NULL;
  self->n_buckets = n_buckets;
  self->start_ms = n_buckets > 0 ? start_ms : 0;
  self->bucket_ms = n_buckets > 0 ? bucket_ms : 0;
  self->max_count = 0;
  for (guint i = 0; i < n_buckets; i++)
    {
      self->max_count = MAX (self->max_count, counts[i]);
      total += counts[i];
    }
  if ((guint) self->hover >= n_buckets)
    self->hover = -1;

  /* What the picture says, for those who cannot see it. */
  if (n_buckets > 0)
    {
      g_autofree char *first = calque_chart_format_bucket (start_ms, bucket_ms);
      g_autofree char *last = calque_chart_format_bucket (start_ms + (n_buckets - 1) * bucket_ms, bucket_ms);

      /* Translators: the chart described: a total, the first and last periods, the most in one */
      description = g_strdup_printf (_("%'lld annotations from %s to %s; at most %'lld in one period"),
                                     (long long) total, first, last, (long long) self->max_count);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : self->empty_text, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const gint64 *
calque_progress_chart_get_series (CalqueProgressChart *self,
                                  gint64              *start_ms,
                                  gint64              *bucket_ms,
                                  guint               *n_buckets)
{
  g_return_val_if_fail (CALQUE_IS_PROGRESS_CHART (self), NULL);

  if (start_ms != NULL)
    *start_ms = self->start_ms;
  if (bucket_ms != NULL)
    *bucket_ms = self->bucket_ms;
  *n_buckets = self->n_buckets;
  return self->counts;
}

void
calque_progress_chart_set_empty_text (CalqueProgressChart *self,
                                      const char          *text)
{
  g_return_if_fail (CALQUE_IS_PROGRESS_CHART (self));

  /* g_set_str() is GLib 2.76. */
  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->empty_text, text) == 0)
    return;
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  if (self->n_buckets == 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      self->empty_text, -1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

const char *
calque_progress_chart_get_empty_text (CalqueProgressChart *self)
{
  g_return_val_if_fail (CALQUE_IS_PROGRESS_CHART (self), NULL);

  return self->empty_text;
}

int
calque_progress_chart_get_bucket_at (CalqueProgressChart *self,
                                     double               x,
                                     double               y)
{
  Layout layout;

  g_return_val_if_fail (CALQUE_IS_PROGRESS_CHART (self), -1);

  if (self->n_buckets == 0)
    return -1;
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)),
                  &layout);
  return calque_chart_bucket_at (&layout.plot, x, y);
}

char *
calque_progress_chart_dup_bucket_text (CalqueProgressChart *self,
                                       guint                index)
{
  g_autofree char *when = NULL;
  g_autofree char *count = NULL;
  gint64 n;

  g_return_val_if_fail (CALQUE_IS_PROGRESS_CHART (self), NULL);
  g_return_val_if_fail (index < self->n_buckets, NULL);

  n = self->counts[index];
  when = calque_chart_format_bucket (self->start_ms + index * self->bucket_ms, self->bucket_ms);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'lld annotation", "%'lld annotations",
                                        (gulong) MIN (n, G_MAXLONG)),
                           (long long) n);
  return g_strdup_printf ("%s\n%s", when, count);
}

char *
calque_progress_chart_format_count (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}
