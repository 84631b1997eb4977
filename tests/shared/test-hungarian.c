/* test-hungarian.c — optimal assignment on a cost matrix */
#include "calque-hungarian.h"

#include <math.h>

/* Checks that @row_to_col is one-to-one and returns its total from @cost. */
static double
assignment_total (const double *cost,
                  guint         n_rows,
                  guint         n_cols,
                  const int    *row_to_col)
{
  g_autofree gboolean *taken = g_new0 (gboolean, MAX (n_cols, 1));
  guint assigned = 0;
  double total = 0;

  for (guint i = 0; i < n_rows; i++)
    {
      if (row_to_col[i] < 0)
        continue;
      g_assert_cmpint (row_to_col[i], <, (int) n_cols);
      g_assert_false (taken[row_to_col[i]]);
      taken[row_to_col[i]] = TRUE;
      total += cost[i * n_cols + row_to_col[i]];
      assigned++;
    }
  /* Every row or every column is used: nothing is left out that could be paired. */
  g_assert_cmpuint (assigned, ==, MIN (n_rows, n_cols));
  return total;
}

/* Wikipedia, "Hungarian algorithm", section Example (revision of 2024,
 * https://en.wikipedia.org/wiki/Hungarian_algorithm): Alice, Bob and Carol
 * ask these prices to clean the bathroom, sweep the floors, wash the
 * windows; the least total is $15, with Alice cleaning the bathroom, Carol
 * sweeping the floors and Bob washing the windows. */
static void
test_wikipedia_example (void)
{
  const double cost[] = {
    /*          clean  sweep  wash */
    /* Alice */ 8,     4,     7,
    /* Bob   */ 5,     2,     3,
    /* Carol */ 9,     4,     8,
  };
  int row_to_col[3];
  double total = calque_hungarian_solve (cost, 3, 3, row_to_col);

  g_assert_cmpfloat (total, ==, 15);
  g_assert_cmpint (row_to_col[0], ==, 0);   /* Alice cleans the bathroom */
  g_assert_cmpint (row_to_col[1], ==, 2);   /* Bob washes the windows */
  g_assert_cmpint (row_to_col[2], ==, 1);   /* Carol sweeps the floors */
  g_assert_cmpfloat (assignment_total (cost, 3, 3, row_to_col), ==, 15);
}

/* SciPy's tests of scipy.optimize.linear_sum_assignment
 * (scipy/optimize/tests/test_linear_assignment.py, "test_linear_sum_assignment"):
 * square and rectangular matrices with the cost of each row's pick. We
 * check the same picks, and that the transpose gives the same total. */
static void
check_scipy_case (const double *cost,
                  guint         n_rows,
                  guint         n_cols,
                  const double *expected_row_costs)
{
  g_autofree int *row_to_col = g_new (int, n_rows);
  g_autofree int *col_to_row = g_new (int, n_cols);
  g_autofree double *transposed = g_new (double, n_rows * n_cols);
  double expected_total = 0;
  double total;

  for (guint i = 0; i < n_rows; i++)
    expected_total += expected_row_costs[i];

  total = calque_hungarian_solve (cost, n_rows, n_cols, row_to_col);
  g_assert_cmpfloat (total, ==, expected_total);
  for (guint i = 0; i < n_rows; i++)
    g_assert_cmpfloat (cost[i * n_cols + row_to_col[i]], ==, expected_row_costs[i]);

  for (guint i = 0; i < n_rows; i++)
    for (guint j = 0; j < n_cols; j++)
      transposed[j * n_rows + i] = cost[i * n_cols + j];
  total = calque_hungarian_solve (transposed, n_cols, n_rows, col_to_row);
  g_assert_cmpfloat (total, ==, expected_total);
  g_assert_cmpfloat (assignment_total (transposed, n_cols, n_rows, col_to_row), ==, expected_total);
}

static void
test_scipy_examples (void)
{
  const double square1[] = {
    400, 150, 400,
    400, 450, 600,
    300, 225, 300,
  };
  const double square1_picks[] = { 150, 400, 300 };
  const double rect1[] = {
    400, 150, 400, 1,
    400, 450, 600, 2,
    300, 225, 300, 3,
  };
  const double rect1_picks[] = { 150, 2, 300 };
  const double square2[] = {
    10, 10, 8,
    9, 8, 1,
    9, 7, 4,
  };
  const double square2_picks[] = { 10, 1, 7 };
  const double rect2[] = {
    10, 10, 8, 11,
    9, 8, 1, 1,
    9, 7, 4, 10,
  };
  const double rect2_picks[] = { 10, 1, 4 };

  check_scipy_case (square1, 3, 3, square1_picks);
  check_scipy_case (rect1, 3, 4, rect1_picks);
  check_scipy_case (square2, 3, 3, square2_picks);
  check_scipy_case (rect2, 3, 4, rect2_picks);
}

static void
test_empty (void)
{
  int row_to_col[3] = { 7, 7, 7 };

  g_assert_cmpfloat (calque_hungarian_solve (NULL, 0, 0, NULL), ==, 0);
  g_assert_cmpfloat (calque_hungarian_solve (NULL, 0, 4, NULL), ==, 0);
  /* Three rows, no columns: nothing is assigned, and the rows say so. */
  g_assert_cmpfloat (calque_hungarian_solve (NULL, 3, 0, row_to_col), ==, 0);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (row_to_col[i], ==, -1);
}

/* More rows than columns: the rows left over are -1, and the assigned
 * ones are those that make the total least. */
static void
test_more_rows_than_columns (void)
{
  const double cost[] = {
    5, 9,
    1, 8,
    7, 2,
    6, 6,
  };
  int row_to_col[4];

  /* Best: row 1 → column 0 (1), row 2 → column 1 (2); total 3. */
  g_assert_cmpfloat (calque_hungarian_solve (cost, 4, 2, row_to_col), ==, 3);
  g_assert_cmpint (row_to_col[0], ==, -1);
  g_assert_cmpint (row_to_col[1], ==, 0);
  g_assert_cmpint (row_to_col[2], ==, 1);
  g_assert_cmpint (row_to_col[3], ==, -1);
}

/* Maximising by negating: the IoU matrix of three boxes where greedy
 * (take the best pair first: 0.9) loses. Greedy takes (0,0) = 0.9 and is
 * left with (1,1) = 0.1: 1.0. The optimum is (0,1) + (1,0) = 0.8 + 0.7 = 1.5. */
static void
test_maximise_beats_greedy (void)
{
  const double iou[] = {
    0.9, 0.8,
    0.7, 0.1,
  };
  double cost[4];
  int row_to_col[2];

  for (int k = 0; k < 4; k++)
    cost[k] = -iou[k];
  g_assert_cmpfloat_with_epsilon (-calque_hungarian_solve (cost, 2, 2, row_to_col), 1.5, 1e-12);
  g_assert_cmpint (row_to_col[0], ==, 1);
  g_assert_cmpint (row_to_col[1], ==, 0);
}

/* Brute force: the least total over every one-to-one map of the shorter
 * side into the longer one (at most 7 · 6 · … · 1 = 5,040 of them). */
static void
brute_force (const double *cost,
             guint         n_rows,
             guint         n_cols,
             guint         row,
             gboolean     *col_used,
             double        so_far,
             double       *best)
{
  if (row == n_rows)
    {
      *best = MIN (*best, so_far);
      return;
    }
  for (guint j = 0; j < n_cols; j++)
    {
      if (col_used[j])
        continue;
      col_used[j] = TRUE;
      brute_force (cost, n_rows, n_cols, row + 1, col_used, so_far + cost[row * n_cols + j], best);
      col_used[j] = FALSE;
    }
}

static double
brute_force_min (const double *cost,
                 guint         n_rows,
                 guint         n_cols)
{
  g_autofree double *transposed = NULL;
  g_autofree gboolean *used = NULL;
  double best = INFINITY;

  if (n_rows > n_cols)
    {
      transposed = g_new (double, n_rows * n_cols);
      for (guint i = 0; i < n_rows; i++)
        for (guint j = 0; j < n_cols; j++)
          transposed[j * n_rows + i] = cost[i * n_cols + j];
      return brute_force_min (transposed, n_cols, n_rows);
    }
  used = g_new0 (gboolean, n_cols);
  brute_force (cost, n_rows, n_cols, 0, used, 0, &best);
  return best;
}

static void
test_random_against_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1957);
  guint checked = 0;

  for (guint n_rows = 1; n_rows <= 7; n_rows++)
    for (guint n_cols = 1; n_cols <= 7; n_cols++)
      for (int round = 0; round < 12; round++)
        {
          g_autofree double *cost = g_new (double, n_rows * n_cols);
          g_autofree int *row_to_col = g_new (int, n_rows);
          double total, expected;

          for (guint k = 0; k < n_rows * n_cols; k++)
            {
              /* Every third matrix has small integers, full of ties; the
               * others span signs and magnitudes as -IoU and costs do. */
              if (round % 3 == 0)
                cost[k] = g_rand_int_range (rand, 0, 4);
              else if (round % 3 == 1)
                cost[k] = -g_rand_double (rand);
              else
                cost[k] = g_rand_double_range (rand, -1000, 1000);
            }
          total = calque_hungarian_solve (cost, n_rows, n_cols, row_to_col);
          expected = brute_force_min (cost, n_rows, n_cols);
          g_assert_cmpfloat_with_epsilon (total, expected, 1e-9 * MAX (1, fabs (expected)));
          g_assert_cmpfloat_with_epsilon (assignment_total (cost, n_rows, n_cols, row_to_col),
                                          total, 1e-9 * MAX (1, fabs (expected)));
          checked++;
        }
  g_assert_cmpuint (checked, ==, 7 * 7 * 12);
}

/* A bigger matrix, where the answer is known by construction: a random
 * permutation gets cost 0 and every other cell at least 1. */
static void
test_planted_permutation (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const guint n = 200;
  g_autofree double *cost = g_new (double, n * n);
  g_autofree int *perm = g_new (int, n);
  g_autofree int *row_to_col = g_new (int, n);

  for (guint i = 0; i < n; i++)
    perm[i] = (int) i;
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, (gint32) i + 1);
      int t = perm[i];

      perm[i] = perm[j];
      perm[j] = t;
    }
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      cost[i * n + j] = (int) j == perm[i] ? 0 : g_rand_double_range (rand, 1, 100);

  g_assert_cmpfloat (calque_hungarian_solve (cost, n, n, row_to_col), ==, 0);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (row_to_col[i], ==, perm[i]);
}

static void
test_not_finite_refused (void)
{
  const double cost[] = { 1, NAN, 2, 3 };
  int row_to_col[2];
  double total;

  g_test_expect_message ("calque-hungarian", G_LOG_LEVEL_CRITICAL, "*isfinite*");
  total = calque_hungarian_solve (cost, 2, 2, row_to_col);
  g_test_assert_expected_messages ();
  g_assert_true (isnan (total));
  g_assert_cmpint (row_to_col[0], ==, -1);
  g_assert_cmpint (row_to_col[1], ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hungarian/wikipedia-example", test_wikipedia_example);
  g_test_add_func ("/hungarian/scipy-examples", test_scipy_examples);
  g_test_add_func ("/hungarian/empty", test_empty);
  g_test_add_func ("/hungarian/more-rows-than-columns", test_more_rows_than_columns);
  g_test_add_func ("/hungarian/maximise-beats-greedy", test_maximise_beats_greedy);
  g_test_add_func ("/hungarian/random-against-brute-force", test_random_against_brute_force);
  g_test_add_func ("/hungarian/planted-permutation", test_planted_permutation);
  g_test_add_func ("/hungarian/not-finite-refused", test_not_finite_refused);
  return g_test_run ();
}
