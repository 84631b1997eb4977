/* calque-segment-math.c — the geometry of the audio view, without GTK */
#define G_LOG_DOMAIN "calque-segment-math"

#include "calque-segment-math.h"

#include <math.h>

/* Used when the sample rate is not known yet. */
#define FALLBACK_SAMPLE_RATE 48000.0

/* --- the timeline ------------------------------------------------------------------- */

static double
max_px_per_s (const CalqueTimeline *self)
{
  double rate = self->sample_rate > 0 ? self->sample_rate : FALLBACK_SAMPLE_RATE;

  return rate * CALQUE_TIMELINE_MAX_PX_PER_FRAME;
}

double
calque_timeline_time_to_x (const CalqueTimeline *self,
                           double                seconds)
{
  g_return_val_if_fail (self != NULL, 0);

  return (seconds - self->start) * self->px_per_s;
}

double
calque_timeline_x_to_time (const CalqueTimeline *self,
                           double                x)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->px_per_s <= 0)
    return self->start;
  return self->start + x / self->px_per_s;
}

double
calque_timeline_fit_px_per_s (const CalqueTimeline *self)
{
  g_return_val_if_fail (self != NULL, 1);

  if (self->duration <= 0 || self->width <= 0)
    return 1;
  return MIN (self->width / self->duration, max_px_per_s (self));
}

void
calque_timeline_fit (CalqueTimeline *self)
{
  g_return_if_fail (self != NULL);

  self->px_per_s = calque_timeline_fit_px_per_s (self);
  self->start = 0;
}

void
calque_timeline_scroll_to (CalqueTimeline *self,
                           double          start)
{
  double visible;

  g_return_if_fail (self != NULL);

  if (self->px_per_s <= 0 || isnan (start))
    return;
  visible = self->width / self->px_per_s;
  /* A recording shorter than the view starts at the left edge. */
  if (self->duration <= 0 || visible >= self->duration)
    start = 0;
  else
    start = CLAMP (start, 0, self->duration - visible);
  self->start = start;
}

void
calque_timeline_zoom_by (CalqueTimeline *self,
                         double          factor,
                         double          x)
{
  double anchor;

  g_return_if_fail (self != NULL);

  if (factor <= 0 || isnan (factor))
    return;
  anchor = calque_timeline_x_to_time (self, x);
  self->px_per_s = CLAMP (self->px_per_s * factor, calque_timeline_fit_px_per_s (self), max_px_per_s (self));
  calque_timeline_scroll_to (self, anchor - x / self->px_per_s);
}

void
calque_timeline_reveal (CalqueTimeline *self,
                        double          seconds,
                        double          margin_px)
{
  double x;

  g_return_if_fail (self != NULL);

  if (self->px_per_s <= 0)
    return;
  margin_px = MIN (margin_px, self->width / 4);
  x = calque_timeline_time_to_x (self, seconds);
  if (x < margin_px)
    calque_timeline_scroll_to (self, seconds - margin_px / self->px_per_s);
  else if (x > self->width - margin_px)
    calque_timeline_scroll_to (self, seconds - (self->width - margin_px) / self->px_per_s);
}

double
calque_timeline_tick_step (const CalqueTimeline *self,
                           double                min_px)
{
  static const double long_steps[] = { 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 };
  double min_seconds;

  g_return_val_if_fail (self != NULL, 1);

  if (self->px_per_s <= 0)
    return 1;
  min_seconds = min_px / self->px_per_s;

  /* Below ten seconds: 1, 2, 5 × 10^n, down to tenths of a millisecond. */
  for (double decade = 0.0001; decade < 10; decade *= 10)
    for (guint i = 0; i < 3; i++)
      {
        double step = decade * (double[]) { 1, 2, 5 }[i];

        if (step >= min_seconds - 1e-12)
          return step;
      }
  for (guint i = 0; i < G_N_ELEMENTS (long_steps); i++)
    if (long_steps[i] >= min_seconds)
      return long_steps[i];
  /* Whole hours beyond that. */
  return 3600 * ceil (min_seconds / 3600);
}

char *
calque_timeline_format_time (double   seconds,
                             double   step,
                             gboolean with_hours)
{
  guint decimals = 0;
  gint64 scale = 1, units, whole, fraction, h, m, s;
  const char *sign = "";

  if (isnan (seconds))
    seconds = 0;
  if (seconds < 0)
    {
      sign = "-";
      seconds = -seconds;
    }
  /* As many decimals as tell two ticks apart. */
  for (double unit = 1; decimals < 4 && step < unit - 1e-9; unit /= 10)
    {
      decimals++;
      scale *= 10;
    }
  units = (gint64) llround (seconds * scale);
  whole = units / scale;
  fraction = units % scale;
  h = whole / 3600;
  m = (whole / 60) % 60;
  s = whole % 60;

  if (h > 0 || with_hours)
    {
      if (decimals > 0)
        return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT,
                                sign, h, m, s, (int) decimals, fraction);
      return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, sign, h, m, s);
    }
  if (decimals > 0)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT,
                            sign, m, s, (int) decimals, fraction);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, sign, m, s);
}

/* --- segments ------------------------------------------------------------------------- */

guint
calque_segment_assign_lanes (CalqueSegmentSpan *spans,
                             guint              n_spans)
{
  guint n_lanes = 0;

  g_return_val_if_fail (spans != NULL || n_spans == 0, 0);

  /* Greedy in the given order, which is what keeps lanes stable. The
   * spans are not sorted by time, so a lane is free when no span already
   * in it overlaps, not just its last one: quadratic in the worst case,
   * which a few hundred segments an item do not notice. */
  for (guint i = 0; i < n_spans; i++)
    {
      guint lane = 0;

      for (;; lane++)
        {
          gboolean free = TRUE;

          for (guint j = 0; j < i && free; j++)
            if (spans[j].lane == lane && spans[j].start < spans[i].end && spans[i].start < spans[j].end)
              free = FALSE;
          if (free)
            break;
        }
      spans[i].lane = lane;
      n_lanes = MAX (n_lanes, lane + 1);
    }
  return n_lanes;
}

/* Whether hit (@index, @lane, @distance) beats the best so far. */
static gboolean
better (int     preferred,
        guint   index,
        guint   lane,
        double  distance,
        int     best_index,
        guint   best_lane,
        double  best_distance)
{
  if (best_index < 0)
    return TRUE;
  if ((int) index == preferred || best_index == preferred)
    return (int) index == preferred;
  if (distance != best_distance)
    return distance < best_distance;
  return lane > best_lane;
}

CalqueSegmentHit
calque_segment_hit (const CalqueTimeline    *timeline,
                    const CalqueSegmentSpan *spans,
                    guint                    n_spans,
                    double                   x,
                    int                      lane,
                    double                   edge_px,
                    int                      preferred,
                    guint                   *out_index)
{
  int edge_index = -1, body_index = -1;
  guint edge_lane = 0, body_lane = 0;
  double edge_distance = 0;
  CalqueSegmentHit edge = CALQUE_SEGMENT_HIT_NONE;

  g_return_val_if_fail (timeline != NULL, CALQUE_SEGMENT_HIT_NONE);
  g_return_val_if_fail (spans != NULL || n_spans == 0, CALQUE_SEGMENT_HIT_NONE);

  for (guint i = 0; i < n_spans; i++)
    {
      double x0 = calque_timeline_time_to_x (timeline, spans[i].start);
      double x1 = calque_timeline_time_to_x (timeline, spans[i].end);
      double d0 = fabs (x - x0), d1 = fabs (x - x1);

      if (lane >= 0 && spans[i].lane != (guint) lane)
        continue;
      if (MIN (d0, d1) <= edge_px
          && better (preferred, i, spans[i].lane, MIN (d0, d1), edge_index, edge_lane, edge_distance))
        {
          edge_index = i;
          edge_lane = spans[i].lane;
          edge_distance = MIN (d0, d1);
          /* On a segment narrower than two hit zones, the nearer edge. */
          edge = d0 < d1 ? CALQUE_SEGMENT_HIT_START : CALQUE_SEGMENT_HIT_END;
        }
      if (x >= x0 && x <= x1 && better (preferred, i, spans[i].lane, 0, body_index, body_lane, 0))
        {
          body_index = i;
          body_lane = spans[i].lane;
        }
    }

  if (edge_index >= 0)
    {
      *out_index = edge_index;
      return edge;
    }
  if (body_index >= 0)
    {
      *out_index = body_index;
      return CALQUE_SEGMENT_HIT_BODY;
    }
  return CALQUE_SEGMENT_HIT_NONE;
}
