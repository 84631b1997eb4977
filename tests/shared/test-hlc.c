/* test-hlc.c — hybrid logical clocks */
#include "calque-hlc.h"

#include <string.h>

typedef struct {
  gint64 now;
} FakeTime;

static gint64
fake_time (gpointer user_data)
{
  return ((FakeTime *) user_data)->now;
}

static CalqueHlcClock *
clock_at (FakeTime *t,
          guint64   node)
{
  CalqueHlcClock *clock = calque_hlc_clock_new (node);

  calque_hlc_clock_set_time_func (clock, fake_time, t);
  return clock;
}

static void
test_string_roundtrip (void)
{
  CalqueHlc hlc = { (G_GUINT64_CONSTANT (1764028800123) << 16) | 7, G_GUINT64_CONSTANT (0xdeadbeef01020304) };
  CalqueHlc back;
  char str[CALQUE_HLC_STRING_LENGTH + 1];
  g_autoptr(GError) error = NULL;

  calque_hlc_to_string (&hlc, str);
  g_assert_cmpstr (str, ==, "019ab84f5c7b0007-deadbeef01020304");
  g_assert_true (calque_hlc_from_string (str, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (calque_hlc_compare (&hlc, &back), ==, 0);
  g_assert_cmpint (calque_hlc_get_ms (&back), ==, G_GINT64_CONSTANT (1764028800123));
  g_assert_cmpuint (calque_hlc_get_counter (&back), ==, 7);
}

static void
test_string_order_is_clock_order (void)
{
  /* The store compares clocks as text; the two orders must agree. */
  for (int i = 0; i < 2000; i++)
    {
      CalqueHlc a = { g_random_int_range (0, 3) + ((guint64) g_random_int () << 20), g_random_int_range (0, 4) };
      CalqueHlc b = { g_random_int_range (0, 3) + ((guint64) g_random_int () << 20), g_random_int_range (0, 4) };
      char sa[CALQUE_HLC_STRING_LENGTH + 1], sb[CALQUE_HLC_STRING_LENGTH + 1];
      int by_clock = calque_hlc_compare (&a, &b);
      int by_text;

      calque_hlc_to_string (&a, sa);
      calque_hlc_to_string (&b, sb);
      by_text = strcmp (sa, sb);
      g_assert_cmpint (by_clock < 0, ==, by_text < 0);
      g_assert_cmpint (by_clock == 0, ==, by_text == 0);
    }
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "", "019ab8d3587b0007", "019ab8d3587b0007_deadbeef01020304",
    "019AB8D3587B0007-deadbeef01020304", "019ab8d3587b0007-deadbeef0102030", "zz9ab8d3587b0007-deadbeef01020304",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CalqueHlc hlc;

      g_assert_false (calque_hlc_from_string (bad[i], &hlc, &error));
      g_assert_error (error, CALQUE_HLC_ERROR, CALQUE_HLC_ERROR_SYNTAX);
    }
}

static void
test_now_monotonic (void)
{
  FakeTime t = { 1000000 };
  g_autoptr(CalqueHlcClock) clock = clock_at (&t, 1);
  CalqueHlc a, b, c, d;

  a = calque_hlc_clock_now (clock);
  g_assert_cmpint (calque_hlc_get_ms (&a), ==, 1000000);
  g_assert_cmpuint (calque_hlc_get_counter (&a), ==, 0);

  b = calque_hlc_clock_now (clock);        /* same millisecond: counter */
  g_assert_cmpint (calque_hlc_compare (&a, &b), <, 0);
  g_assert_cmpuint (calque_hlc_get_counter (&b), ==, 1);

  t.now = 500;                             /* the wall clock jumps back */
  c = calque_hlc_clock_now (clock);
  g_assert_cmpint (calque_hlc_compare (&b, &c), <, 0);
  g_assert_cmpint (calque_hlc_get_ms (&c), ==, 1000000);

  t.now = 2000000;                         /* and forward: counter resets */
  d = calque_hlc_clock_now (clock);
  g_assert_cmpint (calque_hlc_get_ms (&d), ==, 2000000);
  g_assert_cmpuint (calque_hlc_get_counter (&d), ==, 0);
}

static void
test_counter_overflow (void)
{
  FakeTime t = { 42 };
  g_autoptr(CalqueHlcClock) clock = clock_at (&t, 1);
  CalqueHlc previous = calque_hlc_clock_now (clock);

  for (int i = 0; i < 70000; i++)
    {
      CalqueHlc next = calque_hlc_clock_now (clock);

      g_assert_cmpint (calque_hlc_compare (&previous, &next), <, 0);
      previous = next;
    }
  /* 70,000 writes in one millisecond borrowed the next one. */
  g_assert_cmpint (calque_hlc_get_ms (&previous), ==, 43);
}

static void
test_observe_remote (void)
{
  FakeTime t = { 1000 };
  g_autoptr(CalqueHlcClock) clock = clock_at (&t, 1);
  CalqueHlc remote = { (G_GUINT64_CONSTANT (1500) << 16) | 9, 2 };
  CalqueHlc next;
  g_autoptr(GError) error = NULL;

  /* A remote clock 500 ms ahead, within the 60 s allowed. */
  g_assert_true (calque_hlc_clock_observe (clock, &remote, 60000, &error));
  g_assert_no_error (error);
  next = calque_hlc_clock_now (clock);
  g_assert_cmpint (calque_hlc_compare (&remote, &next), <, 0);
  g_assert_cmpint (calque_hlc_get_ms (&next), ==, 1500);
  g_assert_cmpuint (calque_hlc_get_counter (&next), ==, 11);
}

static void
test_observe_future_refused (void)
{
  FakeTime t = { 1000 };
  g_autoptr(CalqueHlcClock) clock = clock_at (&t, 1);
  CalqueHlc skewed = { G_GUINT64_CONSTANT (1000 + 3600000) << 16, 2 };
  CalqueHlc next;
  g_autoptr(GError) error = NULL;

  g_assert_false (calque_hlc_clock_observe (clock, &skewed, 60000, &error));
  g_assert_error (error, CALQUE_HLC_ERROR, CALQUE_HLC_ERROR_FUTURE);
  g_assert_nonnull (strstr (error->message, "3600.0 s ahead"));
  /* The refused clock did not drag ours forward. */
  next = calque_hlc_clock_now (clock);
  g_assert_cmpint (calque_hlc_get_ms (&next), ==, 1000);
}

static void
test_tie_broken_by_node (void)
{
  CalqueHlc a = { 5 << 16, 1 };
  CalqueHlc b = { 5 << 16, 2 };

  g_assert_cmpint (calque_hlc_compare (&a, &b), <, 0);
  g_assert_cmpint (calque_hlc_compare (&b, &a), >, 0);
}

static void
test_node_strings (void)
{
  guint64 node = calque_hlc_node_random ();
  g_autofree char *str = calque_hlc_node_to_string (node);
  guint64 back = 0;

  g_assert_cmpuint (strlen (str), ==, 16);
  g_assert_true (calque_hlc_node_from_string (str, &back));
  g_assert_cmpuint (back, ==, node);
  g_assert_false (calque_hlc_node_from_string ("xyz", &back));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hlc/string-roundtrip", test_string_roundtrip);
  g_test_add_func ("/hlc/string-order-is-clock-order", test_string_order_is_clock_order);
  g_test_add_func ("/hlc/parse-errors", test_parse_errors);
  g_test_add_func ("/hlc/now-monotonic", test_now_monotonic);
  g_test_add_func ("/hlc/counter-overflow", test_counter_overflow);
  g_test_add_func ("/hlc/observe-remote", test_observe_remote);
  g_test_add_func ("/hlc/observe-future-refused", test_observe_future_refused);
  g_test_add_func ("/hlc/tie-broken-by-node", test_tie_broken_by_node);
  g_test_add_func ("/hlc/node-strings", test_node_strings);
  return g_test_run ();
}
