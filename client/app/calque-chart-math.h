/* calque-chart-math.h — where the progress chart puts things, without GTK
 *
 * The chart of the dashboard (calque-progress-chart.h) draws a series of
 * counts, one per bucket of time (calque-progress.h: an hour, a day or a
 * few days, in UTC), as bars over a time axis and under a value axis:
 *
 *  - the value axis goes from 0 to a round top in round steps (1, 2 or 5
 *    times a power of ten: never 0.5 annotation), its ticks at least a
 *    given height apart;
 *  - bucket i takes the i-th of n equal slots of the plot; its bar leaves
 *    a gap between slots while they are wide enough for one, and every
 *    edge falls on a device pixel, so that bars are as crisp at scale 2
 *    as at scale 1;
 *  - the time axis has ticks on round times in UTC, at least a given
 *    width apart: every 1, 2, 3, 6 or 12 hours, then every 1 or 2 days,
 *    every week (from Monday), every 2, 4, 8… weeks; buckets of several
 *    days are ticked every 1, 2, 5, 10… buckets.
 *
 * Times are UTC throughout, like the buckets (calque-cli stats prints the
 * series in UTC too). Pure functions on plain structs: tested in
 * tests/client/test-chart-math.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CALQUE_CHART_HOUR_MS (3600 * G_GINT64_CONSTANT (1000))
#define CALQUE_CHART_DAY_MS  (24 * CALQUE_CHART_HOUR_MS)

typedef struct {
  gint64 step;      /* between two ticks, ≥ 1 */
  gint64 top;       /* the top of the axis: n_ticks × step, ≥ the largest count */
  guint  n_ticks;   /* ticks above 0, ≥ 1 */
} CalqueChartValueAxis;

/* The axis for counts up to @max_value on @height_px, ticks at least
 * @min_spacing_px apart (but always one tick, at the top). */
void     calque_chart_value_axis      (gint64                      max_value,
                                       double                      height_px,
                                       double                      min_spacing_px,
                                       CalqueChartValueAxis       *out);

/* The plot: the rectangle the bars stand in, in widget pixels, and how
 * many device pixels a widget pixel is. */
typedef struct {
  double x;
  double y;
  double width;
  double height;
  guint  n_buckets;
  double scale;     /* ≥ 1 */
} CalqueChartPlot;

/* @value rounded to the nearest device pixel. */
double   calque_chart_snap            (double                      value,
                                       double                      scale);
/* The x of the boundary before bucket @boundary (0 … n_buckets), snapped. */
double   calque_chart_boundary_x      (const CalqueChartPlot      *plot,
                                       guint                       boundary);
/* The bar of bucket @index: [*x, *x + *width), snapped; at least one
 * device pixel wide. */
void     calque_chart_bucket_bar      (const CalqueChartPlot      *plot,
                                       guint                       index,
                                       double                     *x,
                                       double                     *width);
/* The y of @value on @axis, snapped: the bottom of the plot for 0. */
double   calque_chart_value_y         (const CalqueChartPlot      *plot,
                                       const CalqueChartValueAxis *axis,
                                       double                      value);
/* The bucket whose slot holds the point, or -1 outside the plot. */
int      calque_chart_bucket_at       (const CalqueChartPlot      *plot,
                                       double                      x,
                                       double                      y);

typedef struct {
  guint    boundary;   /* the tick is before bucket @boundary (0 … n_buckets) */
  gint64   time_ms;    /* the time there, Unix ms */
  gboolean new_day;    /* at midnight UTC, the start of a day */
} CalqueChartTimeTick;

/* The ticks of the time axis of @n_buckets buckets of @bucket_ms from
 * @start_ms, @px_per_bucket wide each, at least @min_spacing_px apart.
 * *@step_ms says how far apart they are. */
GArray  *calque_chart_time_ticks      (gint64                      start_ms,
                                       gint64                      bucket_ms,
                                       guint                       n_buckets,
                                       double                      px_per_bucket,
                                       double                      min_spacing_px,
                                       gint64                     *step_ms);
/* The label of @tick on an axis of ticks @step_ms apart: the hour
 * ("14:00") between days, the date ("Oct 9") at the start of a day or when
 * ticks are days apart. */
char    *calque_chart_format_tick     (const CalqueChartTimeTick *tick,
                                       gint64                      step_ms);
/* When bucket @start_ms, @bucket_ms long, is: "2025-10-09 14:00–15:00 UTC",
 * "2025-10-09 UTC", "2025-10-09 – 2025-10-11 UTC". */
char    *calque_chart_format_bucket   (gint64                      start_ms,
                                       gint64                      bucket_ms);

G_END_DECLS
