/* test-chart-math.c — where the progress chart puts its bars, ticks and labels
 *
 * The value axis (round steps, ticks far enough apart, a top just above
 * the largest count), the bars (inside their slot, on device pixels at
 * scale 1 and 2, equal gaps, touching when slots are narrow), the bucket
 * under the pointer, and the time axis in UTC (round hours, midnights,
 * Mondays, every few buckets of days) with its labels.
 */
#include <math.h>

#include "calque-chart-math.h"

#define HOUR CALQUE_CHART_HOUR_MS
#define DAY  CALQUE_CHART_DAY_MS
/* 2025-10-09 08:00 UTC, a Thursday. */
#define H0   G_GINT64_CONSTANT (1759996800000)

static gboolean
is_round (gint64 step)
{
  while (step % 10 == 0)
    step /= 10;
  return step == 1 || step == 2 || step == 5;
}

/* The round step just below @step: 5 → 2, 2 → 1, 1 → 0.5 (none: 0). */
static gint64
round_step_below (gint64 step)
{
  gint64 power = 1;

  while (step / power >= 10)
    power *= 10;
  switch (step / power)
    {
    case 5: return 2 * power;
    case 2: return power;
    default: return power >= 10 ? power / 2 : 0;
    }
}

static void
test_value_axis_examples (void)
{
  CalqueChartValueAxis axis;

  /* No count yet: one tick, at 1, not a flat axis. */
  calque_chart_value_axis (0, 200, 36, &axis);
  g_assert_cmpint (axis.step, ==, 1);
  g_assert_cmpint (axis.top, ==, 1);
  g_assert_cmpuint (axis.n_ticks, ==, 1);

  /* 7 in 200 px: steps of 1 would be 28 px apart; 2 gives 0, 2, 4, 6, 8. */
  calque_chart_value_axis (7, 200, 36, &axis);
  g_assert_cmpint (axis.step, ==, 2);
  g_assert_cmpint (axis.top, ==, 8);
  g_assert_cmpuint (axis.n_ticks, ==, 4);

  /* 100 fits exactly in five steps of 20. */
  calque_chart_value_axis (100, 200, 36, &axis);
  g_assert_cmpint (axis.step, ==, 20);
  g_assert_cmpint (axis.top, ==, 100);

  /* 1,234: 200 would need 7 ticks (28 px), 500 needs 3. */
  calque_chart_value_axis (1234, 200, 36, &axis);
  g_assert_cmpint (axis.step, ==, 500);
  g_assert_cmpint (axis.top, ==, 1500);
  g_assert_cmpuint (axis.n_ticks, ==, 3);

  /* No room at all: a single tick at a round top. */
  calque_chart_value_axis (1234, 10, 36, &axis);
  g_assert_cmpuint (axis.n_ticks, ==, 1);
  g_assert_cmpint (axis.top, ==, 2000);
}

/* For every count and height: a round step, a top at or above the count
 * and less than a step above it, ticks far enough apart, and no smaller
 * round step that would do. */
static void
test_value_axis_rules (void)
{
  static const double heights[] = { 20, 90, 160, 333, 1000 };
  static const gint64 values[] = { 1, 2, 3, 9, 10, 11, 19, 99, 101, 480, 999, 1001, 65536, 1000000, 123456789 };

  for (guint h = 0; h < G_N_ELEMENTS (heights); h++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        CalqueChartValueAxis axis;
        gint64 smaller;

        calque_chart_value_axis (values[v], heights[h], 36, &axis);
        g_assert_true (is_round (axis.step));
        g_assert_cmpint (axis.top, ==, axis.n_ticks * axis.step);
        g_assert_cmpint (axis.top, >=, values[v]);
        g_assert_cmpint (axis.top - axis.step, <, values[v]);
        g_assert_true (axis.n_ticks == 1 || heights[h] / axis.n_ticks >= 36);

        smaller = round_step_below (axis.step);
        if (smaller >= 1)
          {
            gint64 n = (values[v] + smaller - 1) / smaller;

            g_assert_true (n > 1 && heights[h] / n < 36);
          }
      }
}

static gboolean
on_device_pixel (double value,
                 double scale)
{
  return fabs (value * scale - round (value * scale)) < 1e-9;
}

static void
check_bars (double x,
            double width,
            guint  n_buckets,
            double scale)
{
  CalqueChartPlot plot = { .x = x, .y = 10, .width = width, .height = 100, .n_buckets = n_buckets, .scale = scale };
  double slot = width / n_buckets;
  double first_gap = -1;

  for (guint i = 0; i < n_buckets; i++)
    {
      double bx, bw, nx, nw;

      calque_chart_bucket_bar (&plot, i, &bx, &bw);
      g_assert_true (on_device_pixel (bx, scale));
      g_assert_true (on_device_pixel (bx + bw, scale));
      g_assert_cmpfloat (bw, >=, 1 / scale - 1e-9);
      /* Inside its slot, give or take the rounding to a device pixel. */
      g_assert_cmpfloat (bx, >=, x + i * slot - 0.5 / scale - 1e-9);
      if (slot * scale < 1)
        {
          /* Slots narrower than a device pixel: each bar is one, where
           * its slot begins; neighbours may share it. */
          g_assert_cmpfloat_with_epsilon (bw, 1 / scale, 1e-9);
          g_assert_cmpfloat (bx, <=, x + width);
          continue;
        }
      g_assert_cmpfloat (bx + bw, <=, x + (i + 1) * slot + 0.5 / scale + 1e-9);

      if (i + 1 == n_buckets)
        continue;
      calque_chart_bucket_bar (&plot, i + 1, &nx, &nw);
      g_assert_cmpfloat (nx, >=, bx + bw - 1e-9);
      if (slot < 4)
        /* Narrow slots: the bars touch and read as an area. */
        g_assert_cmpfloat_with_epsilon (nx, bx + bw, 1e-9);
      else if (first_gap < 0)
        {
          first_gap = nx - (bx + bw);
          g_assert_cmpfloat (first_gap, >=, 1 - 1e-9);
        }
      else
        /* Every gap the same, so that the bars look evenly spaced. */
        g_assert_cmpfloat_with_epsilon (nx - (bx + bw), first_gap, 1e-9);
    }
}

static void
test_bars (void)
{
  check_bars (40.3, 600, 24, 1);
  check_bars (40.3, 600, 24, 2);
  check_bars (52, 613.7, 7, 1);
  check_bars (52, 613.7, 7, 2);
  check_bars (31, 300, 200, 1);
  check_bars (31, 300, 200, 2);
  check_bars (31, 97, 200, 1);   /* fewer pixels than buckets: a device pixel each */
}

static void
test_bucket_at (void)
{
  CalqueChartPlot plot = { .x = 40, .y = 8, .width = 600, .height = 180, .n_buckets = 24, .scale = 1 };

  for (guint i = 0; i < plot.n_buckets; i++)
    {
      double bx, bw;

      calque_chart_bucket_bar (&plot, i, &bx, &bw);
      g_assert_cmpint (calque_chart_bucket_at (&plot, bx + bw / 2, 100), ==, i);
      /* The whole column, above the bar too. */
      g_assert_cmpint (calque_chart_bucket_at (&plot, bx + bw / 2, plot.y), ==, i);
    }
  g_assert_cmpint (calque_chart_bucket_at (&plot, 39.9, 100), ==, -1);
  g_assert_cmpint (calque_chart_bucket_at (&plot, 640, 100), ==, -1);
  g_assert_cmpint (calque_chart_bucket_at (&plot, 639.9, 100), ==, 23);
  g_assert_cmpint (calque_chart_bucket_at (&plot, 100, 7), ==, -1);
  g_assert_cmpint (calque_chart_bucket_at (&plot, 100, 189), ==, -1);
  plot.n_buckets = 0;
  g_assert_cmpint (calque_chart_bucket_at (&plot, 100, 100), ==, -1);
}

static void
test_value_y (void)
{
  CalqueChartPlot plot = { .x = 40, .y = 8, .width = 600, .height = 181, .n_buckets = 10, .scale = 2 };
  CalqueChartValueAxis axis;

  calque_chart_value_axis (7, plot.height, 36, &axis);
  g_assert_cmpfloat (calque_chart_value_y (&plot, &axis, 0), ==, 189);
  g_assert_cmpfloat (calque_chart_value_y (&plot, &axis, axis.top), ==, 8);
  /* 3 of 8: 181 × 5/8 = 113.125 below the top, on the half pixel at scale 2. */
  g_assert_cmpfloat (calque_chart_value_y (&plot, &axis, 3), ==, 8 + 113);
  g_assert_true (on_device_pixel (calque_chart_value_y (&plot, &axis, 5), 2));
  /* Beyond the axis: clamped to it. */
  g_assert_cmpfloat (calque_chart_value_y (&plot, &axis, 1000), ==, 8);
}

static char *
format_tick_at (GArray *ticks,
                guint   i,
                gint64  step)
{
  return calque_chart_format_tick (&g_array_index (ticks, CalqueChartTimeTick, i), step);
}

static void
test_time_ticks_hours (void)
{
  g_autoptr(GArray) ticks = NULL;
  g_autofree char *first = NULL;
  g_autofree char *midnight = NULL;
  gint64 step = 0;
  guint n_new_day = 0;

  /* 30 hours from 08:00 at 20 px an hour: every 3 hours (60 px). */
  ticks = calque_chart_time_ticks (H0, HOUR, 30, 20, 60, &step);
  g_assert_cmpint (step, ==, 3 * HOUR);
  /* 09:00, 12:00, … 12:00 the next day (boundary 28); 14:00 is boundary 30, not on a step. */
  g_assert_cmpuint (ticks->len, ==, 10);
  for (guint i = 0; i < ticks->len; i++)
    {
      const CalqueChartTimeTick *tick = &g_array_index (ticks, CalqueChartTimeTick, i);

      g_assert_cmpuint (tick->boundary, ==, 1 + 3 * i);
      g_assert_cmpint (tick->time_ms, ==, H0 + tick->boundary * HOUR);
      g_assert_cmpint (tick->time_ms % (3 * HOUR), ==, 0);
      g_assert_cmpint (tick->new_day, ==, tick->time_ms % DAY == 0);
      n_new_day += tick->new_day;
    }
  g_assert_cmpuint (n_new_day, ==, 1);

  first = format_tick_at (ticks, 0, step);
  g_assert_cmpstr (first, ==, "09:00");
  /* Midnight says which day begins. */
  midnight = format_tick_at (ticks, 5, step);
  g_assert_true (g_array_index (ticks, CalqueChartTimeTick, 5).new_day);
  g_assert_cmpstr (midnight, ==, "Oct 10");

  /* Plenty of room: every hour. */
  g_clear_pointer (&ticks, g_array_unref);
  ticks = calque_chart_time_ticks (H0, HOUR, 5, 120, 60, &step);
  g_assert_cmpint (step, ==, HOUR);
  g_assert_cmpuint (ticks->len, ==, 6);
}

static void
test_time_ticks_days (void)
{
  g_autoptr(GArray) ticks = NULL;
  g_autofree char *label = NULL;
  gint64 start = H0 - 8 * HOUR;   /* midnight, 2025-10-09 */
  gint64 step = 0;

  /* Days at 40 px: every 2 days. */
  ticks = calque_chart_time_ticks (start, DAY, 10, 40, 60, &step);
  g_assert_cmpint (step, ==, 2 * DAY);
  for (guint i = 0; i < ticks->len; i++)
    g_assert_cmpint (g_array_index (ticks, CalqueChartTimeTick, i).time_ms % (2 * DAY), ==, 0);

  /* Days at 10 px: a week, from Mondays. */
  g_clear_pointer (&ticks, g_array_unref);
  ticks = calque_chart_time_ticks (start, DAY, 60, 10, 60, &step);
  g_assert_cmpint (step, ==, 7 * DAY);
  g_assert_cmpuint (ticks->len, ==, 9);
  for (guint i = 0; i < ticks->len; i++)
    {
      const CalqueChartTimeTick *tick = &g_array_index (ticks, CalqueChartTimeTick, i);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (tick->time_ms / 1000);

      g_assert_cmpint (g_date_time_get_day_of_week (time), ==, 1);
      g_assert_cmpint (g_date_time_get_hour (time), ==, 0);
      g_assert_true (tick->new_day);
    }
  /* Thursday the 9th: the first Monday is the 13th. */
  label = format_tick_at (ticks, 0, step);
  g_assert_cmpstr (label, ==, "Oct 13");

  /* Weeks at 2 px a day: 2, 4, 8 weeks until 60 px. */
  g_clear_pointer (&ticks, g_array_unref);
  ticks = calque_chart_time_ticks (start, DAY, 200, 2, 60, &step);
  g_assert_cmpint (step, ==, 56 * DAY);
}

static void
test_time_ticks_buckets_of_days (void)
{
  g_autoptr(GArray) ticks = NULL;
  gint64 start = H0 - 8 * HOUR;
  gint64 step = 0;

  /* Buckets of 3 days at 4 px: every 20 buckets (80 px), from the first. */
  ticks = calque_chart_time_ticks (start, 3 * DAY, 150, 4, 60, &step);
  g_assert_cmpint (step, ==, 60 * DAY);
  g_assert_cmpuint (ticks->len, ==, 8);
  for (guint i = 0; i < ticks->len; i++)
    g_assert_cmpuint (g_array_index (ticks, CalqueChartTimeTick, i).boundary, ==, 20 * i);
}

/* Whatever the room, ticks are at least the spacing apart. */
static void
test_time_ticks_spacing (void)
{
  static const gint64 buckets[] = { HOUR, DAY, 2 * DAY, 5 * DAY };
  static const double widths[] = { 1.5, 3, 7, 13, 29, 64, 150 };

  for (guint b = 0; b < G_N_ELEMENTS (buckets); b++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        gint64 start = buckets[b] == HOUR ? H0 : H0 - 8 * HOUR;
        gint64 step = 0;
        g_autoptr(GArray) ticks = calque_chart_time_ticks (start, buckets[b], 200, widths[w], 70, &step);

        g_assert_cmpint (step % buckets[b], ==, 0);
        g_assert_cmpfloat ((double) step / buckets[b] * widths[w], >=, 70);
        for (guint i = 1; i < ticks->len; i++)
          {
            guint gap = g_array_index (ticks, CalqueChartTimeTick, i).boundary
                        - g_array_index (ticks, CalqueChartTimeTick, i - 1).boundary;

            g_assert_cmpfloat (gap * widths[w], >=, 70);
          }
      }
}

static void
test_format_bucket (void)
{
  g_autofree char *hour = calque_chart_format_bucket (H0, HOUR);
  g_autofree char *late = calque_chart_format_bucket (H0 + 15 * HOUR, HOUR);
  g_autofree char *day = calque_chart_format_bucket (H0 - 8 * HOUR, DAY);
  g_autofree char *days = calque_chart_format_bucket (H0 - 8 * HOUR, 3 * DAY);

  g_assert_cmpstr (hour, ==, "2025-10-09 08:00–09:00 UTC");
  g_assert_cmpstr (late, ==, "2025-10-09 23:00–00:00 UTC");
  g_assert_cmpstr (day, ==, "2025-10-09 UTC");
  g_assert_cmpstr (days, ==, "2025-10-09 – 2025-10-11 UTC");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart-math/value-axis/examples", test_value_axis_examples);
  g_test_add_func ("/chart-math/value-axis/rules", test_value_axis_rules);
  g_test_add_func ("/chart-math/bars", test_bars);
  g_test_add_func ("/chart-math/bucket-at", test_bucket_at);
  g_test_add_func ("/chart-math/value-y", test_value_y);
  g_test_add_func ("/chart-math/time-ticks/hours", test_time_ticks_hours);
  g_test_add_func ("/chart-math/time-ticks/days", test_time_ticks_days);
  g_test_add_func ("/chart-math/time-ticks/buckets-of-days", test_time_ticks_buckets_of_days);
  g_test_add_func ("/chart-math/time-ticks/spacing", test_time_ticks_spacing);
  g_test_add_func ("/chart-math/format-bucket", test_format_bucket);

  return g_test_run ();
}
