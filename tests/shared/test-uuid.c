/* test-uuid.c — UUIDv7 record ids */
#include "calque-uuid.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
test_format (void)
{
  g_autofree char *id = calque_uuid7_new ();

  g_assert_cmpuint (strlen (id), ==, 36);
  g_assert_true (calque_uuid_is_valid (id));
  g_assert_cmpint (id[14], ==, '7');                    /* version */
  g_assert_true (strchr ("89ab", id[19]) != NULL);       /* RFC 9562 variant */
}

static void
test_time_roundtrip (void)
{
  char id[37];
  /* Later than any id this process made: ids never go back in time. */
  gint64 ms = G_GINT64_CONSTANT (4102444800123);  /* 2100-01-01 00:00:00.123 UTC */

  calque_uuid7_generate_at (ms, id);
  g_assert_cmpint (calque_uuid7_get_time (id), ==, ms);
  g_assert_true (g_str_has_prefix (id, "03bb2cc3-d87b-7"));
}

static void
test_monotonic_same_ms (void)
{
  char previous[37] = "";
  gint64 ms = G_GINT64_CONSTANT (4102444900000);

  /* 10,000 ids in one millisecond still sort in creation order: the store's
   * lists rely on it. */
  for (int i = 0; i < 10000; i++)
    {
      char id[37];

      calque_uuid7_generate_at (ms, id);
      g_assert_cmpstr (previous, <, id);
      memcpy (previous, id, sizeof id);
    }
}

static void
test_clock_going_back (void)
{
  char first[37], second[37];

  /* A wall clock stepped back by NTP must not make ids sort backwards. */
  calque_uuid7_generate_at (G_GINT64_CONSTANT (4102445000000), first);
  calque_uuid7_generate_at (G_GINT64_CONSTANT (4102444000000), second);
  g_assert_cmpstr (first, <, second);
}

static void
test_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 100000; i++)
    g_assert_true (g_hash_table_add (seen, calque_uuid7_new ()));
}

static void
test_invalid (void)
{
  g_assert_false (calque_uuid_is_valid (NULL));
  g_assert_false (calque_uuid_is_valid (""));
  g_assert_false (calque_uuid_is_valid ("0192D4E8-7C4B-7A31-9F02-5C1E8A7B3D90"));   /* uppercase */
  g_assert_false (calque_uuid_is_valid ("0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9"));    /* short */
  g_assert_false (calque_uuid_is_valid ("0192d4e8x7c4b-7a31-9f02-5c1e8a7b3d90"));
  g_assert_false (calque_uuid_is_valid ("../../../etc/passwd-aaaaaaaaaaaaaaaaa"));
  g_assert_true (calque_uuid_is_valid ("0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"));
  g_assert_cmpint (calque_uuid7_get_time ("0192d4e8-7c4b-4a31-9f02-5c1e8a7b3d90"), ==, -1); /* v4 */
}

/* Random bytes are drawn in advance: a forked child must not draw the
 * same ones as its parent, or both would make the same ids. */
static void
test_fork_draws_its_own (void)
{
  char before[37], parent[37], child[37] = { 0 };
  int fds[2];
  pid_t pid;
  int status;

  calque_uuid7_generate (before);   /* the pool is filled */
  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      calque_uuid7_generate_at (1764028800000, child);
      _exit (write (fds[1], child, 36) == 36 ? 0 : 1);
    }
  calque_uuid7_generate_at (1764028800000, parent);
  g_assert_cmpint (read (fds[0], child, 36), ==, 36);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  close (fds[0]);
  close (fds[1]);
  /* rand_b, the last 62 bits, differs. */
  g_assert_cmpstr (child + 19, !=, parent + 19);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/uuid/format", test_format);
  g_test_add_func ("/uuid/time-roundtrip", test_time_roundtrip);
  g_test_add_func ("/uuid/monotonic-same-ms", test_monotonic_same_ms);
  g_test_add_func ("/uuid/clock-going-back", test_clock_going_back);
  g_test_add_func ("/uuid/unique", test_unique);
  g_test_add_func ("/uuid/invalid", test_invalid);
  g_test_add_func ("/uuid/fork-draws-its-own", test_fork_draws_its_own);
  return g_test_run ();
}
