/* test-active-time.c — the active time accumulator, on synthetic times
 *
 * Idle limit 60 s throughout, as in the app. Each expected figure is
 * worked out in the comment above it.
 */
#include "calque-active-time.h"

#define S(n) ((gint64) (n) * 1000)

static void
test_steady_work (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  calque_active_time_focus (t, TRUE, S (0));
  /* Input every 10 s from 0 to 120 s: all of [0, 120] is active. */
  for (int s = 0; s <= 120; s += 10)
    calque_active_time_input (t, S (s));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (120)), ==, S (120));
}

static void
test_idle_stretch (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  calque_active_time_focus (t, TRUE, S (0));
  calque_active_time_input (t, S (0));
  calque_active_time_input (t, S (30));
  /* A break from 30 s to 630 s: only the 60 s after the last input
   * count, so [0, 90]; then [630, 650] of new work. 90 + 20 = 110 s. */
  calque_active_time_input (t, S (630));
  calque_active_time_input (t, S (650));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (650)), ==, S (110));
  /* Asked at 700 s: 50 s more of the minute after 650. */
  g_assert_cmpint (calque_active_time_peek_ms (t, S (700)), ==, S (160));
  /* And nothing after 710 s. */
  g_assert_cmpint (calque_active_time_peek_ms (t, S (2000)), ==, S (170));
}

static void
test_focus (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  /* Input without the focus does not count: [0, 10] is unfocused. */
  calque_active_time_input (t, S (0));
  calque_active_time_focus (t, TRUE, S (10));
  /* Focused at 10 s with the input of 0 s still within the minute:
   * [10, 40] counts (30 s), then the window loses the focus at 40 s. */
  calque_active_time_focus (t, FALSE, S (40));
  calque_active_time_input (t, S (45));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (100)), ==, S (30));
  /* Back at 100 s with input: [100, 130] counts. 30 + 30 = 60 s. */
  calque_active_time_focus (t, TRUE, S (100));
  calque_active_time_input (t, S (100));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (130)), ==, S (60));
}

static void
test_nothing_without_input (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  /* An item left open in a focused window, never touched. */
  calque_active_time_focus (t, TRUE, S (0));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (3600)), ==, 0);
}

static void
test_take (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  calque_active_time_focus (t, TRUE, S (0));
  calque_active_time_input (t, S (0));
  calque_active_time_input (t, S (50));
  /* A periodic save at 80 s takes [0, 80]; the input of 50 s goes on
   * counting to 110 s, and nothing is counted twice: 30 s at 200 s. */
  g_assert_cmpint (calque_active_time_take_ms (t, S (80)), ==, S (80));
  g_assert_cmpint (calque_active_time_take_ms (t, S (200)), ==, S (30));
  g_assert_cmpint (calque_active_time_take_ms (t, S (300)), ==, 0);
}

static void
test_time_going_back (void)
{
  g_autoptr(CalqueActiveTime) t = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);

  calque_active_time_focus (t, TRUE, S (100));
  calque_active_time_input (t, S (100));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (120)), ==, S (20));
  /* An event stamped before what was already counted is taken as at
   * 120 s: nothing is counted twice, nothing negative. */
  calque_active_time_input (t, S (50));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (110)), ==, S (20));
  g_assert_cmpint (calque_active_time_peek_ms (t, S (180)), ==, S (80));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/active-time/steady-work", test_steady_work);
  g_test_add_func ("/active-time/idle-stretch", test_idle_stretch);
  g_test_add_func ("/active-time/focus", test_focus);
  g_test_add_func ("/active-time/nothing-without-input", test_nothing_without_input);
  g_test_add_func ("/active-time/take", test_take);
  g_test_add_func ("/active-time/time-going-back", test_time_going_back);
  return g_test_run ();
}
