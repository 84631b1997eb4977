/* test-segment-math.c — the audio view's timeline, lanes and hit testing */
#define G_LOG_DOMAIN "test-segment-math"

#include <math.h>

#include "calque-segment-math.h"

/* A minute at 8 kHz in 600 pixels: 10 px a second when fitted. */
static CalqueTimeline
minute (void)
{
  CalqueTimeline tl = { .duration = 60, .sample_rate = 8000, .width = 600 };

  calque_timeline_fit (&tl);
  return tl;
}

static void
test_fit_and_convert (void)
{
  CalqueTimeline tl = minute ();

  g_assert_cmpfloat_with_epsilon (tl.px_per_s, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (calque_timeline_time_to_x (&tl, 30), 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (calque_timeline_x_to_time (&tl, 450), 45, 1e-9);
  for (double x = 0; x <= 600; x += 37.5)
    g_assert_cmpfloat_with_epsilon (calque_timeline_time_to_x (&tl, calque_timeline_x_to_time (&tl, x)), x, 1e-9);
}

static void
test_zoom (void)
{
  CalqueTimeline tl = minute ();
  double under;

  /* The time under the pointer stays under it. */
  under = calque_timeline_x_to_time (&tl, 150);
  calque_timeline_zoom_by (&tl, 4, 150);
  g_assert_cmpfloat_with_epsilon (tl.px_per_s, 40, 1e-9);
  g_assert_cmpfloat_with_epsilon (calque_timeline_x_to_time (&tl, 150), under, 1e-9);

  /* Not wider than the recording: back to fit, from 0. */
  calque_timeline_zoom_by (&tl, 0.01, 300);
  g_assert_cmpfloat_with_epsilon (tl.px_per_s, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (tl.start, 0, 1e-9);

  /* Down to the sample, and no further. */
  calque_timeline_zoom_by (&tl, 1e9, 600);
  g_assert_cmpfloat_with_epsilon (tl.px_per_s, 8000 * CALQUE_TIMELINE_MAX_PX_PER_FRAME, 1e-6);
  /* Zoomed at the right edge: the end of the recording is there. */
  g_assert_cmpfloat_with_epsilon (calque_timeline_x_to_time (&tl, 600), 60, 1e-6);
}

static void
test_scroll (void)
{
  CalqueTimeline tl = minute ();

  calque_timeline_zoom_by (&tl, 2, 0);   /* 30 s shown */
  calque_timeline_scroll_to (&tl, 45);
  g_assert_cmpfloat_with_epsilon (tl.start, 30, 1e-9);
  calque_timeline_scroll_to (&tl, -5);
  g_assert_cmpfloat_with_epsilon (tl.start, 0, 1e-9);

  /* Revealing a time past the right edge scrolls just enough. */
  calque_timeline_reveal (&tl, 40, 20);
  g_assert_cmpfloat_with_epsilon (calque_timeline_time_to_x (&tl, 40), 580, 1e-9);
  calque_timeline_reveal (&tl, 35, 20);
  g_assert_cmpfloat_with_epsilon (calque_timeline_time_to_x (&tl, 40), 580, 1e-9);
}

static void
test_ticks (void)
{
  CalqueTimeline tl = minute ();
  struct { double seconds, step; gboolean hours; const char *text; } cases[] = {
    { 5, 1, FALSE, "0:05" },
    { 62, 10, FALSE, "1:02" },
    { 3723.25, 0.05, FALSE, "1:02:03.25" },
    { 3723.25, 0.001, FALSE, "1:02:03.250" },
    { 0.5, 0.5, TRUE, "0:00:00.5" },
    { 0.0125, 0.0001, FALSE, "0:00.0125" },
  };

  /* Labels 90 px apart at 10 px/s: every 10 s. */
  g_assert_cmpfloat (calque_timeline_tick_step (&tl, 90), ==, 10);
  tl.px_per_s = 1000;
  g_assert_cmpfloat_with_epsilon (calque_timeline_tick_step (&tl, 90), 0.1, 1e-12);
  tl.px_per_s = 0.01;
  g_assert_cmpfloat (calque_timeline_tick_step (&tl, 90), ==, 3 * 3600);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = calque_timeline_format_time (cases[i].seconds, cases[i].step, cases[i].hours);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_lanes (void)
{
  /* B overlaps A, C overlaps both, D follows A but B still runs. */
  CalqueSegmentSpan spans[] = {
    { 0, 10, 0 }, { 5, 15, 0 }, { 8, 9, 0 }, { 11, 20, 0 }, { 16, 18, 0 },
  };

  g_assert_cmpuint (calque_segment_assign_lanes (spans, G_N_ELEMENTS (spans)), ==, 3);
  g_assert_cmpuint (spans[0].lane, ==, 0);
  g_assert_cmpuint (spans[1].lane, ==, 1);
  g_assert_cmpuint (spans[2].lane, ==, 2);
  g_assert_cmpuint (spans[3].lane, ==, 0);
  /* Touching is not overlapping: [15, …) after […, 15). */
  g_assert_cmpuint (spans[4].lane, ==, 1);
  g_assert_cmpuint (calque_segment_assign_lanes (NULL, 0), ==, 0);
}

static void
test_hit (void)
{
  CalqueTimeline tl = minute ();   /* 10 px a second */
  CalqueSegmentSpan spans[] = { { 10, 20, 0 }, { 15, 30, 0 } };
  guint index = 99;

  calque_segment_assign_lanes (spans, 2);
  /* Edges within 5 px, either lane when below the strips. */
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 103, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_START);
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 298, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_END);
  g_assert_cmpuint (index, ==, 1);
  /* Inside both: the higher lane, unless the other is selected. */
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 170, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_BODY);
  g_assert_cmpuint (index, ==, 1);
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 170, -1, 5, 0, &index), ==, CALQUE_SEGMENT_HIT_BODY);
  g_assert_cmpuint (index, ==, 0);
  /* On lane 0's strip, lane 0 only. */
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 170, 0, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_BODY);
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 250, 0, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_NONE);
  /* Nothing there. */
  g_assert_cmpint (calque_segment_hit (&tl, spans, 2, 50, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_NONE);
  /* Zoomed out, a 0.2 s segment is 2 px wide: the nearer edge. */
  {
    CalqueSegmentSpan tiny[] = { { 40, 40.2, 0 } };

    g_assert_cmpint (calque_segment_hit (&tl, tiny, 1, 399, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_START);
    g_assert_cmpint (calque_segment_hit (&tl, tiny, 1, 403, -1, 5, -1, &index), ==, CALQUE_SEGMENT_HIT_END);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/segment-math/fit-and-convert", test_fit_and_convert);
  g_test_add_func ("/segment-math/zoom", test_zoom);
  g_test_add_func ("/segment-math/scroll", test_scroll);
  g_test_add_func ("/segment-math/ticks", test_ticks);
  g_test_add_func ("/segment-math/lanes", test_lanes);
  g_test_add_func ("/segment-math/hit", test_hit);
  return g_test_run ();
}
