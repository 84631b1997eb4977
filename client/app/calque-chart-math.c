/* calque-chart-math.c — where the progress chart puts things, without GTK */
#define G_LOG_DOMAIN "calque-chart"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-chart-math.h"

#define WEEK_MS (7 * CALQUE_CHART_DAY_MS)
/* 1970-01-01 was a Thursday: weeks start on the Monday four days later. */
#define MONDAY_MS (4 * CALQUE_CHART_DAY_MS)

/* Bars stand apart by a fifth of their slot, a pixel at least and six at
 * most; in slots narrower than this they touch, and read as an area. */
#define MIN_SLOT_FOR_GAP 4.0

/* Round steps: 1, 2 and 5 times a power of ten. */
static const gint64 mantissas[] = { 1, 2, 5 };
/* The steps of the time axis, in hours, while buckets are hours or days;
 * weeks after these. */
static const gint64 hour_steps[] = { 1, 2, 3, 6, 12, 24, 48 };

void
calque_chart_value_axis (gint64                max_value,
                         double                height_px,
                         double                min_spacing_px,
                         CalqueChartValueAxis *out)
{
  gint64 max = MAX (max_value, 1);

  g_return_if_fail (out != NULL);

  for (gint64 power = 1; ; power *= 10)
    for (guint m = 0; m < G_N_ELEMENTS (mantissas); m++)
      {
        gint64 step = mantissas[m] * power;
        gint64 n = (max + step - 1) / step;

        /* One tick at the top always fits; a larger step would only
         * push the top further above the largest count. */
        if (n == 1 || height_px / n >= min_spacing_px || power > G_MAXINT64 / 100)
          {
            out->step = step;
            out->n_ticks = (guint) MIN (n, G_MAXUINT);
            out->top = n * step;
            return;
          }
      }
}

double
calque_chart_snap (double value,
                   double scale)
{
  if (scale < 1)
    scale = 1;
  return round (value * scale) / scale;
}

double
calque_chart_boundary_x (const CalqueChartPlot *plot,
                         guint                  boundary)
{
  g_return_val_if_fail (plot != NULL && plot->n_buckets > 0, 0);

  return calque_chart_snap (plot->x + plot->width * boundary / plot->n_buckets, plot->scale);
}

void
calque_chart_bucket_bar (const CalqueChartPlot *plot,
                         guint                  index,
                         double                *x,
                         double                *width)
{
  double scale = MAX (plot->scale, 1);
  double slot = plot->width / MAX (plot->n_buckets, 1);
  double left = calque_chart_boundary_x (plot, index);
  double right = calque_chart_boundary_x (plot, index + 1);
  double gap = 0;

  /* A whole number of device pixels, split the same way at every
   * boundary, so that every gap between two bars is the same. */
  if (slot >= MIN_SLOT_FOR_GAP)
    gap = MAX (1, round (CLAMP (slot * 0.2, 1, 6) * scale));
  left += floor (gap / 2) / scale;
  right -= ceil (gap / 2) / scale;
  if (right - left < 1 / scale)
    right = left + 1 / scale;

  *x = left;
  *width = right - left;
}

double
calque_chart_value_y (const CalqueChartPlot      *plot,
                      const CalqueChartValueAxis *axis,
                      double                      value)
{
  double top = MAX (axis->top, 1);

  return calque_chart_snap (plot->y + plot->height - plot->height * CLAMP (value, 0, top) / top, plot->scale);
}

int
calque_chart_bucket_at (const CalqueChartPlot *plot,
                        double                 x,
                        double                 y)
{
  double index;

  if (plot->n_buckets == 0 || plot->width <= 0
      || x < plot->x || x >= plot->x + plot->width || y < plot->y || y > plot->y + plot->height)
    return -1;
  index = floor ((x - plot->x) * plot->n_buckets / plot->width);
  return (int) CLAMP (index, 0, plot->n_buckets - 1);
}

/* The step of the time axis: the first of the round steps that leaves
 * @min_spacing_px between ticks. Returned in buckets in *@every when the
 * buckets are several days, whose ticks go by buckets. */
static gint64
time_step (gint64  bucket_ms,
           double  px_per_bucket,
           double  min_spacing_px,
           gint64 *every)
{
  *every = 0;

  if (bucket_ms > CALQUE_CHART_DAY_MS)
    {
      for (gint64 power = 1; ; power *= 10)
        for (guint m = 0; m < G_N_ELEMENTS (mantissas); m++)
          {
            gint64 n = mantissas[m] * power;

            if (n * px_per_bucket >= min_spacing_px || power > G_MAXINT32)
              {
                *every = n;
                return n * bucket_ms;
              }
          }
    }

  for (guint i = 0; i < G_N_ELEMENTS (hour_steps); i++)
    {
      gint64 step = hour_steps[i] * CALQUE_CHART_HOUR_MS;

      if (step % bucket_ms == 0 && (double) step / bucket_ms * px_per_bucket >= min_spacing_px)
        return step;
    }
  for (gint64 step = WEEK_MS; ; step *= 2)
    if ((double) step / bucket_ms * px_per_bucket >= min_spacing_px || step > G_MAXINT64 / 4)
      return step;
}

GArray *
calque_chart_time_ticks (gint64  start_ms,
                         gint64  bucket_ms,
                         guint   n_buckets,
                         double  px_per_bucket,
                         double  min_spacing_px,
                         gint64 *step_ms)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (CalqueChartTimeTick));
  gint64 every = 0;
  gint64 step;

  g_return_val_if_fail (bucket_ms > 0, ticks);

  step = time_step (bucket_ms, px_per_bucket, min_spacing_px, &every);
  if (step_ms != NULL)
    *step_ms = step;

  for (guint b = 0; b <= n_buckets; b++)
    {
      gint64 time = start_ms + b * bucket_ms;
      gboolean on_step;

      if (every > 0)
        on_step = b % every == 0;
      else if (step >= WEEK_MS)
        on_step = (time - MONDAY_MS) % step == 0;
      else
        on_step = time % step == 0;

      if (on_step)
        {
          CalqueChartTimeTick tick = {
            .boundary = b,
            .time_ms = time,
            .new_day = time % CALQUE_CHART_DAY_MS == 0,
          };

          g_array_append_val (ticks, tick);
        }
    }
  return ticks;
}

static char *
format_utc (gint64      ms,
            const char *format)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  return time != NULL ? g_date_time_format (time, format) : g_strdup ("–");
}

char *
calque_chart_format_tick (const CalqueChartTimeTick *tick,
                          gint64                     step_ms)
{
  if (tick->new_day || step_ms >= CALQUE_CHART_DAY_MS)
    /* Translators: a date under the chart's time axis, a g_date_time_format()
     * format: "Oct 9"; "%-d %b" gives "9 oct." */
    return format_utc (tick->time_ms, C_("chart axis date", "%b %-d"));
  /* Translators: an hour under the chart's time axis, a g_date_time_format() format */
  return format_utc (tick->time_ms, C_("chart axis time", "%H:%M"));
}

char *
calque_chart_format_bucket (gint64 start_ms,
                            gint64 bucket_ms)
{
  g_autofree char *day = format_utc (start_ms, "%Y-%m-%d");

  if (bucket_ms < CALQUE_CHART_DAY_MS)
    {
      g_autofree char *from = format_utc (start_ms, "%H:%M");
      g_autofree char *to = format_utc (start_ms + bucket_ms, "%H:%M");

      /* Translators: a bucket of the progress chart: the day, then its hours */
      return g_strdup_printf (C_("chart bucket", "%s %s–%s UTC"), day, from, to);
    }
  if (bucket_ms == CALQUE_CHART_DAY_MS)
    /* Translators: a bucket of the progress chart, a day */
    return g_strdup_printf (C_("chart bucket", "%s UTC"), day);
  {
    g_autofree char *last = format_utc (start_ms + bucket_ms - CALQUE_CHART_DAY_MS, "%Y-%m-%d");

    /* Translators: a bucket of the progress chart, a few days: the first and the last */
    return g_strdup_printf (C_("chart bucket", "%s – %s UTC"), day, last);
  }
}
