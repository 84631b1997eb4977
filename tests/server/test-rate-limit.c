/* test-rate-limit.c: login attempts per user and per address, on a clock the
 * tests move by hand
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-rate-limit"

#include "calque-rate-limit.h"

#define SECOND G_USEC_PER_SEC
/* An arbitrary start, far from 0, as a monotonic clock would be. */
#define T0 ((gint64) 1000 * 1000 * SECOND)

static void
assert_allowed (CalqueRateLimit *limit,
                const char      *key,
                gint64           now)
{
  gint64 retry_after = -1;

  g_assert_true (calque_rate_limit_check (limit, key, now, &retry_after));
  g_assert_cmpint (retry_after, ==, 0);
}

static void
assert_refused (CalqueRateLimit *limit,
                const char      *key,
                gint64           now,
                gint64           expected_retry_after)
{
  gint64 retry_after = -1;

  g_assert_false (calque_rate_limit_check (limit, key, now, &retry_after));
  g_assert_cmpint (retry_after, ==, expected_retry_after);
}

static void
test_burst_then_refuse (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (5, 12 * SECOND, 100);

  for (guint i = 0; i < 5; i++)
    assert_allowed (limit, "alice", T0);
  assert_refused (limit, "alice", T0, 12 * SECOND);

  /* The wait counts down as time passes... */
  assert_refused (limit, "alice", T0 + 5 * SECOND, 7 * SECOND);
  assert_refused (limit, "alice", T0 + 12 * SECOND - 1, 1);
  /* ...and one interval later exactly one attempt is back. */
  assert_allowed (limit, "alice", T0 + 12 * SECOND);
  assert_refused (limit, "alice", T0 + 12 * SECOND, 12 * SECOND);
}

static void
test_refill (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (5, 12 * SECOND, 100);
  gint64 now = T0;

  for (guint i = 0; i < 5; i++)
    assert_allowed (limit, "alice", now);
  assert_refused (limit, "alice", now, 12 * SECOND);

  /* Two intervals give two attempts back, not more. */
  now += 24 * SECOND;
  assert_allowed (limit, "alice", now);
  assert_allowed (limit, "alice", now);
  assert_refused (limit, "alice", now, 12 * SECOND);

  /* A quiet minute refills the whole bucket, and no more than it: the
   * burst stays 5 however long the key was idle. */
  now += 10 * 60 * SECOND;
  for (guint i = 0; i < 5; i++)
    assert_allowed (limit, "alice", now);
  assert_refused (limit, "alice", now, 12 * SECOND);

  /* A steady pace of one attempt per interval is never refused. */
  for (guint i = 0; i < 50; i++)
    {
      now += 12 * SECOND;
      assert_allowed (limit, "alice", now);
    }
}

static void
test_refused_attempts_are_free (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (5, 12 * SECOND, 100);

  for (guint i = 0; i < 5; i++)
    assert_allowed (limit, "alice", T0);

  /* Hammering while refused does not push the next chance back. */
  for (guint i = 0; i < 1000; i++)
    assert_refused (limit, "alice", T0 + i * 1000, 12 * SECOND - i * 1000);

  assert_allowed (limit, "alice", T0 + 12 * SECOND);
  g_assert_true (calque_rate_limit_check (limit, "bob", T0, NULL));
}

static void
test_keys_independent (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (3, SECOND, 100);

  for (guint i = 0; i < 3; i++)
    assert_allowed (limit, "alice", T0);
  assert_refused (limit, "alice", T0, SECOND);

  for (guint i = 0; i < 3; i++)
    assert_allowed (limit, "bob", T0);
  assert_refused (limit, "bob", T0, SECOND);

  /* Keys are compared exactly. */
  assert_allowed (limit, "Alice", T0);
  assert_allowed (limit, "alice ", T0);
  assert_allowed (limit, "", T0);

  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 5);
}

static void
test_defaults (void)
{
  g_autoptr(CalqueRateLimit) users = calque_rate_limit_new_for_users ();
  g_autoptr(CalqueRateLimit) addresses = calque_rate_limit_new_for_addresses ();

  /* 5 a minute for a user name, 20 a minute for an address. */
  for (guint i = 0; i < 5; i++)
    assert_allowed (users, "alice", T0);
  assert_refused (users, "alice", T0, 12 * SECOND);

  for (guint i = 0; i < 20; i++)
    assert_allowed (addresses, "192.0.2.7", T0);
  assert_refused (addresses, "192.0.2.7", T0, 3 * SECOND);

  for (guint i = 0; i < 5; i++)
    assert_allowed (users, "alice", T0 + 60 * SECOND);
  for (guint i = 0; i < 20; i++)
    assert_allowed (addresses, "192.0.2.7", T0 + 60 * SECOND);
}

static void
test_cap_evicts_oldest (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (1, 60 * SECOND, 3);

  assert_allowed (limit, "a", T0);
  assert_allowed (limit, "b", T0 + 1);
  assert_allowed (limit, "c", T0 + 2);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 3);

  /* Using “a” again, even refused, makes it the most recent... */
  assert_refused (limit, "a", T0 + 3, 60 * SECOND - 3);

  /* ...so a fourth key pushes out “b”, the least recently used. */
  assert_allowed (limit, "d", T0 + 4);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 3);
  assert_refused (limit, "a", T0 + 5, 60 * SECOND - 5);
  assert_refused (limit, "c", T0 + 6, 60 * SECOND - 4);
  assert_refused (limit, "d", T0 + 7, 60 * SECOND - 3);

  /* “b” was forgotten: it starts afresh (the price of bounded memory). */
  assert_allowed (limit, "b", T0 + 8);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 3);
}

static void
test_cap_under_spray (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (20, 3 * SECOND, 1000);

  /* An attacker making up a new address or name for every request. */
  for (guint i = 0; i < 100000; i++)
    {
      char key[32];

      g_snprintf (key, sizeof key, "2001:db8::%x", i);
      g_assert_true (calque_rate_limit_check (limit, key, T0 + i, NULL));
      g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), <=, 1000);
    }

  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 1000);
}

static void
test_idle_keys_evicted (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (5, SECOND, 100);

  /* One attempt each: their buckets are full again a second later. */
  for (guint i = 0; i < 10; i++)
    {
      char key[16];

      g_snprintf (key, sizeof key, "user%u", i);
      assert_allowed (limit, key, T0);
    }
  /* Five attempts: full again five seconds later. */
  for (guint i = 0; i < 5; i++)
    assert_allowed (limit, "busy", T0);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 11);

  g_assert_cmpuint (calque_rate_limit_evict_idle (limit, T0 + SECOND / 2), ==, 0);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 11);

  g_assert_cmpuint (calque_rate_limit_evict_idle (limit, T0 + SECOND), ==, 10);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 1);

  /* “busy” is still owed, so it stays, and keeps its limit: a second has
   * given it back one attempt, not five. */
  assert_allowed (limit, "busy", T0 + SECOND);
  assert_refused (limit, "busy", T0 + SECOND, SECOND);
  g_assert_cmpuint (calque_rate_limit_evict_idle (limit, T0 + 6 * SECOND - 1), ==, 0);
  g_assert_cmpuint (calque_rate_limit_evict_idle (limit, T0 + 6 * SECOND), ==, 1);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 0);
}

static void
test_idle_keys_evicted_by_checks (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (5, SECOND, 100);

  assert_allowed (limit, "a", T0);
  assert_allowed (limit, "b", T0);
  assert_allowed (limit, "c", T0);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 3);

  /* Without any sweep, later checks clear out keys that went quiet. */
  assert_allowed (limit, "d", T0 + 2 * SECOND);
  assert_allowed (limit, "d", T0 + 2 * SECOND);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 1);
}

static void
test_forget (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (2, 60 * SECOND, 100);

  assert_allowed (limit, "alice", T0);
  assert_allowed (limit, "alice", T0);
  assert_refused (limit, "alice", T0, 60 * SECOND);

  calque_rate_limit_forget (limit, "alice");
  calque_rate_limit_forget (limit, "nobody");
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 0);
  assert_allowed (limit, "alice", T0);
  assert_allowed (limit, "alice", T0);
  assert_refused (limit, "alice", T0, 60 * SECOND);
}

static void
test_long_keys (void)
{
  g_autoptr(CalqueRateLimit) limit = calque_rate_limit_new (1, 60 * SECOND, 100);
  g_autofree char *long_a = g_strnfill (1024 * 1024, 'x');
  g_autofree char *long_b = g_strnfill (1024 * 1024, 'x');
  g_autofree char *longest_short = g_strnfill (CALQUE_RATE_LIMIT_MAX_KEY_BYTES, 'x');

  /* Two megabyte keys that differ only at the very end are two keys. */
  long_b[1024 * 1024 - 1] = 'y';

  assert_allowed (limit, long_a, T0);
  assert_refused (limit, long_a, T0, 60 * SECOND);
  assert_allowed (limit, long_b, T0);
  assert_refused (limit, long_b, T0, 60 * SECOND);
  /* ...and neither is their common prefix. */
  assert_allowed (limit, longest_short, T0);
  g_assert_cmpuint (calque_rate_limit_get_n_keys (limit), ==, 3);

  calque_rate_limit_forget (limit, long_a);
  assert_allowed (limit, long_a, T0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limit/burst-then-refuse", test_burst_then_refuse);
  g_test_add_func ("/rate-limit/refill", test_refill);
  g_test_add_func ("/rate-limit/refused-attempts-are-free", test_refused_attempts_are_free);
  g_test_add_func ("/rate-limit/keys-independent", test_keys_independent);
  g_test_add_func ("/rate-limit/defaults", test_defaults);
  g_test_add_func ("/rate-limit/cap/evicts-oldest", test_cap_evicts_oldest);
  g_test_add_func ("/rate-limit/cap/spray", test_cap_under_spray);
  g_test_add_func ("/rate-limit/idle/sweep", test_idle_keys_evicted);
  g_test_add_func ("/rate-limit/idle/by-checks", test_idle_keys_evicted_by_checks);
  g_test_add_func ("/rate-limit/forget", test_forget);
  g_test_add_func ("/rate-limit/long-keys", test_long_keys);

  return g_test_run ();
}
