/* test-agreement-labels.c — agreement metrics on classifications
 *
 * The values are checked against published worked examples; each test names
 * its source. Where a source prints three decimals, the tolerance is half a
 * unit of the last decimal.
 */
#include "calque-agreement-labels.h"

#include <math.h>

#define M CALQUE_RATINGS_MISSING
#define PRINTED_3 5e-4   /* a value printed with three decimals */
#define EXACT     1e-12

/* A table from rows of ratings, one row per rater (the layout the sources
 * print), @n_units columns each, M for missing. */
static CalqueRatings *
ratings_from_rows (guint        n_raters,
                   guint        n_units,
                   const guint *rows)
{
  CalqueRatings *ratings = calque_ratings_new (n_units, n_raters);

  for (guint r = 0; r < n_raters; r++)
    for (guint u = 0; u < n_units; u++)
      if (rows[r * n_units + u] != M)
        calque_ratings_set (ratings, u, r, rows[r * n_units + u]);
  return ratings;
}

/* Two raters, yes = 0 and no = 1, from the four cells of a 2×2 table, each
 * block of cells repeated @times. */
static CalqueRatings *
ratings_from_2x2 (guint yes_yes,
                  guint yes_no,
                  guint no_yes,
                  guint no_no,
                  guint times)
{
  const guint cells[4] = { yes_yes, yes_no, no_yes, no_no };
  const guint a[4] = { 0, 0, 1, 1 };
  const guint b[4] = { 0, 1, 0, 1 };
  guint n = (yes_yes + yes_no + no_yes + no_no) * times;
  CalqueRatings *ratings = calque_ratings_new (n, 2);
  guint u = 0;

  for (guint t = 0; t < times; t++)
    for (guint k = 0; k < 4; k++)
      for (guint i = 0; i < cells[k]; i++, u++)
        {
          calque_ratings_set (ratings, u, 0, a[k]);
          calque_ratings_set (ratings, u, 1, b[k]);
        }
  g_assert_cmpuint (u, ==, n);
  return ratings;
}

/* Wikipedia, "Cohen's kappa", section "Examples", "Simple example": 50 grant
 * proposals read by readers A and B; both said yes to 20, A yes and B no to
 * 5, A no and B yes to 10, both no to 15. p_o = 0.7, p_e = 0.5, κ = 0.4. */
static void
test_cohen_wikipedia (void)
{
  g_autoptr(CalqueRatings) ratings = ratings_from_2x2 (20, 5, 10, 15, 1);
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_cohen_kappa (ratings, 0, 1, &detail), 0.4, EXACT);
  g_assert_cmpfloat_with_epsilon (detail.observed, 0.7, EXACT);
  g_assert_cmpfloat_with_epsilon (detail.expected, 0.5, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 50);

  /* Symmetric in its raters. */
  g_assert_cmpfloat_with_epsilon (calque_agreement_cohen_kappa (ratings, 1, 0, NULL), 0.4, EXACT);

  /* Percent agreement is the p_o above, by both functions. */
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent_pair (ratings, 0, 1, &detail), 0.7, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 50);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent (ratings, NULL), 0.7, EXACT);
}

/* The same example with missing cells around it: a third reader, and units
 * that only one of A and B read. Cohen's kappa of A and B skips the units
 * either left missing, so it is still 0.4 over the same 50 units. */
static void
test_cohen_skips_missing (void)
{
  g_autoptr(CalqueRatings) complete = ratings_from_2x2 (20, 5, 10, 15, 1);
  g_autoptr(CalqueRatings) ratings = calque_ratings_new (60, 3);
  CalqueAgreement detail;

  for (guint u = 0; u < 50; u++)
    {
      calque_ratings_set (ratings, u, 0, calque_ratings_get (complete, u, 0));
      calque_ratings_set (ratings, u, 2, calque_ratings_get (complete, u, 1));
      calque_ratings_set (ratings, u, 1, u % 2);
    }
  for (guint u = 50; u < 55; u++)
    calque_ratings_set (ratings, u, 0, 1);
  for (guint u = 55; u < 60; u++)
    calque_ratings_set (ratings, u, 2, 0);

  g_assert_cmpfloat_with_epsilon (calque_agreement_cohen_kappa (ratings, 0, 2, &detail), 0.4, EXACT);
  g_assert_cmpfloat_with_epsilon (detail.observed, 0.7, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 50);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent_pair (ratings, 0, 2, &detail), 0.7, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 50);
}

/* The ten subjects of Wikipedia's "Fleiss' kappa", section "Worked example":
 * 14 raters put each of 10 subjects in one of 5 categories; the table gives,
 * per subject, how many raters chose each category. */
static const guint fleiss_wikipedia[10][5] = {
  { 0, 0, 0, 0, 14 },
  { 0, 2, 6, 4, 2 },
  { 0, 0, 3, 5, 6 },
  { 0, 3, 9, 2, 0 },
  { 2, 2, 8, 1, 1 },
  { 7, 7, 0, 0, 0 },
  { 3, 2, 6, 3, 0 },
  { 2, 5, 3, 2, 2 },
  { 6, 5, 2, 1, 0 },
  { 0, 2, 2, 3, 7 },
};

static CalqueRatings *
ratings_from_counts (guint        n_units,
                     guint        n_raters,
                     guint        n_categories,
                     const guint *counts)
{
  CalqueRatings *ratings = calque_ratings_new (n_units, n_raters);

  for (guint u = 0; u < n_units; u++)
    {
      guint r = 0;

      for (guint c = 0; c < n_categories; c++)
        for (guint i = 0; i < counts[u * n_categories + c]; i++)
          calque_ratings_set (ratings, u, r++, c);
      g_assert_cmpuint (r, ==, n_raters);
    }
  return ratings;
}

/* Wikipedia, "Fleiss' kappa", "Worked example": P̄ = 0.378, P̄e = 0.213,
 * κ = 0.210. With the same 14 ratings on every subject, percent agreement
 * is P̄. */
static void
test_fleiss_wikipedia (void)
{
  g_autoptr(CalqueRatings) ratings = ratings_from_counts (10, 14, 5, &fleiss_wikipedia[0][0]);
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_fleiss_kappa (ratings, &detail), 0.210, PRINTED_3);
  g_assert_cmpfloat_with_epsilon (detail.observed, 0.378, PRINTED_3);
  g_assert_cmpfloat_with_epsilon (detail.expected, 0.213, PRINTED_3);
  g_assert_cmpuint (detail.n_units, ==, 10);
  g_assert_cmpuint (detail.n_ratings, ==, 140);

  g_assert_cmpfloat_with_epsilon (calque_agreement_percent (ratings, NULL), 0.378, PRINTED_3);
}

/* Which rater gave which rating does not matter to Fleiss: the same counts
 * spread over 20 raters, each unit rated by a different 14, give the same
 * values. */
static void
test_fleiss_raters_need_not_be_the_same (void)
{
  g_autoptr(CalqueRatings) ratings = calque_ratings_new (10, 20);

  for (guint u = 0; u < 10; u++)
    {
      guint r = 0;

      for (guint c = 0; c < 5; c++)
        for (guint i = 0; i < fleiss_wikipedia[u][c]; i++, r++)
          calque_ratings_set (ratings, u, (r + 3 * u) % 20, c);
    }

  g_assert_cmpfloat_with_epsilon (calque_agreement_fleiss_kappa (ratings, NULL), 0.210, PRINTED_3);
}

/* Unequal numbers of ratings per unit, worked by hand with the formulas in
 * the header: unit 0 has {0, 0, 0}, unit 1 {0, 1}, unit 2 {1, 1}, unit 3 a
 * single 1 (skipped). P_i = 1, 0, 1 so P̄ = 2/3; the per-unit shares of
 * category 0 are 1, 1/2, 0 so p_0 = p_1 = 1/2 and P̄e = 1/2;
 * κ = (2/3 - 1/2) / (1/2) = 1/3. */
static void
test_fleiss_unequal_counts (void)
{
  static const guint rows[] = {
    0, 0, 1, 1,
    0, 1, 1, M,
    0, M, M, M,
  };
  g_autoptr(CalqueRatings) ratings = ratings_from_rows (3, 4, rows);
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_fleiss_kappa (ratings, &detail), 1.0 / 3, EXACT);
  g_assert_cmpfloat_with_epsilon (detail.observed, 2.0 / 3, EXACT);
  g_assert_cmpfloat_with_epsilon (detail.expected, 0.5, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 3);
  g_assert_cmpuint (detail.n_ratings, ==, 7);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent (ratings, NULL), 2.0 / 3, EXACT);
}

/* K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011,
 * Annenberg School for Communication, Departmental Papers 43), section C,
 * "Nominal data, any number of observers, missing data": observers A–D,
 * 12 units, values 1–5. The paper gets α = 0.743 from n = 40 pairable
 * values. Categories are stored as printed (0 is simply unused). */
static void
test_krippendorff_2011 (void)
{
  static const guint rows[] = {
    /* A */ 1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M,
    /* B */ 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3,
    /* C */ M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M,
    /* D */ 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M,
  };
  g_autoptr(CalqueRatings) ratings = ratings_from_rows (4, 12, rows);
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_krippendorff_alpha (ratings, &detail), 0.743, PRINTED_3);
  g_assert_cmpuint (detail.n_ratings, ==, 40);
  /* Unit 12 has a single value and pairs with nothing. */
  g_assert_cmpuint (detail.n_units, ==, 11);
}

/* Wikipedia, "Krippendorff's alpha", section "A computational example":
 * coders A, B, C, 15 units, values 1–4 with many missing; α nominal = 0.691. */
static void
test_krippendorff_wikipedia (void)
{
  static const guint rows[] = {
    /* A */ M, M, M, M, M, 3, 4, 1, 2, 1, 1, 3, 3, M, 3,
    /* B */ 1, M, 2, 1, 3, 3, 4, 3, M, M, M, M, M, M, M,
    /* C */ M, M, 2, 1, 3, 4, 4, M, 2, 1, 1, 3, 3, M, 4,
  };
  g_autoptr(CalqueRatings) ratings = ratings_from_rows (3, 15, rows);
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_krippendorff_alpha (ratings, &detail), 0.691, PRINTED_3);
  g_assert_cmpuint (detail.n_units, ==, 12);
  g_assert_cmpuint (detail.n_ratings, ==, 26);
}

/* Two raters, no missing data. Fleiss' kappa is then Scott's pi (pooled
 * category shares): for the Cohen example above the pooled share of yes is
 * 55/100, p_e = 0.55² + 0.45² = 0.505 and π = (0.7 - 0.505) / 0.495. Alpha
 * differs from pi only by its small-sample factor: with n = 2N pairable
 * values, α = 1 - (n - 1) / n × (1 - π). Both are checked at 50 units and
 * at a million (the same table 20,000 times), where N² no longer fits in
 * 32 bits and α has come within 10^-6 of π. */
static void
check_two_raters (guint times)
{
  g_autoptr(CalqueRatings) ratings = ratings_from_2x2 (20, 5, 10, 15, times);
  double n = 100.0 * times;
  double pi = (0.7 - 0.505) / 0.495;
  CalqueAgreement detail;

  g_assert_cmpfloat_with_epsilon (calque_agreement_cohen_kappa (ratings, 0, 1, &detail), 0.4, EXACT);
  g_assert_cmpuint (detail.n_units, ==, 50 * times);
  g_assert_cmpfloat_with_epsilon (calque_agreement_fleiss_kappa (ratings, &detail), pi, 1e-9);
  g_assert_cmpfloat_with_epsilon (detail.expected, 0.505, 1e-9);
  g_assert_cmpfloat_with_epsilon (calque_agreement_krippendorff_alpha (ratings, &detail),
                                  1.0 - (n - 1.0) / n * (1.0 - pi), 1e-9);
  g_assert_cmpuint (detail.n_ratings, ==, 100 * times);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent (ratings, NULL), 0.7, 1e-9);
}

static void
test_two_raters (void)
{
  g_autoptr(CalqueRatings) ratings = ratings_from_2x2 (20, 5, 10, 15, 1);

  check_two_raters (1);
  /* 1 - 99/100 × 0.6060… happens to be 0.4 exactly at 50 units. */
  g_assert_cmpfloat_with_epsilon (calque_agreement_krippendorff_alpha (ratings, NULL), 0.4, EXACT);
}

static void
test_million_units (void)
{
  check_two_raters (20000);
}

/* All raters agree on every unit, but with two categories in use: every
 * chance-corrected metric is 1. */
static void
test_perfect_agreement (void)
{
  static const guint rows[] = {
    0, 1, 1, 0, 1,
    0, 1, 1, 0, 1,
    0, 1, 1, 0, 1,
  };
  g_autoptr(CalqueRatings) ratings = ratings_from_rows (3, 5, rows);

  g_assert_cmpfloat_with_epsilon (calque_agreement_cohen_kappa (ratings, 0, 2, NULL), 1.0, EXACT);
  g_assert_cmpfloat_with_epsilon (calque_agreement_fleiss_kappa (ratings, NULL), 1.0, EXACT);
  g_assert_cmpfloat_with_epsilon (calque_agreement_krippendorff_alpha (ratings, NULL), 1.0, EXACT);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent (ratings, NULL), 1.0, EXACT);
}

/* Everyone chose the same single category: agreement is complete, but so is
 * the agreement expected by chance, and the chance-corrected metrics are
 * undefined (NaN), while observed agreement is reported as 1. */
static void
test_one_category_is_undefined (void)
{
  static const guint rows[] = {
    2, 2, 2, 2,
    2, 2, M, 2,
  };
  g_autoptr(CalqueRatings) ratings = ratings_from_rows (2, 4, rows);
  CalqueAgreement detail;

  g_assert_true (isnan (calque_agreement_cohen_kappa (ratings, 0, 1, &detail)));
  g_assert_cmpfloat (detail.observed, ==, 1.0);
  g_assert_cmpfloat (detail.expected, ==, 1.0);
  g_assert_cmpuint (detail.n_units, ==, 3);
  g_assert_true (isnan (calque_agreement_fleiss_kappa (ratings, &detail)));
  g_assert_cmpfloat (detail.observed, ==, 1.0);
  g_assert_true (isnan (calque_agreement_krippendorff_alpha (ratings, &detail)));
  g_assert_cmpfloat (detail.observed, ==, 1.0);
  g_assert_cmpfloat (calque_agreement_percent (ratings, NULL), ==, 1.0);
}

/* Nothing to compare: no units, no raters, a single rater, or two raters
 * who never rated the same unit. Every metric is NaN over 0 units. */
static void
check_nothing_to_compare (CalqueRatings *ratings,
                          guint          rater_a,
                          guint          rater_b)
{
  CalqueAgreement detail;

  g_assert_true (isnan (calque_agreement_percent (ratings, &detail)));
  g_assert_cmpuint (detail.n_units, ==, 0);
  g_assert_true (isnan (calque_agreement_fleiss_kappa (ratings, &detail)));
  g_assert_cmpuint (detail.n_units, ==, 0);
  g_assert_true (isnan (calque_agreement_krippendorff_alpha (ratings, &detail)));
  g_assert_cmpuint (detail.n_units, ==, 0);
  g_assert_cmpuint (detail.n_ratings, ==, 0);
  if (rater_a < calque_ratings_get_n_raters (ratings))
    {
      g_assert_true (isnan (calque_agreement_cohen_kappa (ratings, rater_a, rater_b, &detail)));
      g_assert_cmpuint (detail.n_units, ==, 0);
      g_assert_true (isnan (calque_agreement_percent_pair (ratings, rater_a, rater_b, &detail)));
      g_assert_cmpuint (detail.n_units, ==, 0);
    }
}

static void
test_nothing_to_compare (void)
{
  static const guint one_rater[] = { 0, 1, 2, 1 };
  static const guint disjoint[] = {
    0, 1, M, M,
    M, M, 0, 1,
  };
  g_autoptr(CalqueRatings) empty = calque_ratings_new (0, 0);
  g_autoptr(CalqueRatings) no_ratings = calque_ratings_new (3, 2);
  g_autoptr(CalqueRatings) single = ratings_from_rows (1, 4, one_rater);
  g_autoptr(CalqueRatings) apart = ratings_from_rows (2, 4, disjoint);

  check_nothing_to_compare (empty, 0, 0);
  check_nothing_to_compare (no_ratings, 0, 1);
  check_nothing_to_compare (single, 1, 1);
  check_nothing_to_compare (apart, 0, 1);
}

static void
test_cells (void)
{
  g_autoptr(CalqueRatings) ratings = calque_ratings_new (2, 3);

  g_assert_cmpuint (calque_ratings_get_n_units (ratings), ==, 2);
  g_assert_cmpuint (calque_ratings_get_n_raters (ratings), ==, 3);
  g_assert_cmpuint (calque_ratings_get_n_categories (ratings), ==, 0);
  g_assert_cmpuint (calque_ratings_get (ratings, 1, 2), ==, CALQUE_RATINGS_MISSING);

  calque_ratings_set (ratings, 1, 2, 4);
  g_assert_cmpuint (calque_ratings_get (ratings, 1, 2), ==, 4);
  g_assert_cmpuint (calque_ratings_get_n_categories (ratings), ==, 5);
  calque_ratings_unset (ratings, 1, 2);
  g_assert_cmpuint (calque_ratings_get (ratings, 1, 2), ==, CALQUE_RATINGS_MISSING);
}

/* Label ids interned as categories, then rated: names map to indices and
 * back, never onto an index already set directly. */
static void
test_intern_categories (void)
{
  g_autoptr(CalqueRatings) ratings = calque_ratings_new (4, 2);
  guint cat, dog, again;

  calque_ratings_set (ratings, 0, 0, 1);
  cat = calque_ratings_intern_category (ratings, "0192d4e8-cat");
  dog = calque_ratings_intern_category (ratings, "0192d4e8-dog");
  again = calque_ratings_intern_category (ratings, "0192d4e8-cat");

  g_assert_cmpuint (cat, ==, 2);
  g_assert_cmpuint (dog, ==, 3);
  g_assert_cmpuint (again, ==, cat);
  g_assert_cmpuint (calque_ratings_get_n_categories (ratings), ==, 4);
  g_assert_cmpstr (calque_ratings_get_category_name (ratings, cat), ==, "0192d4e8-cat");
  g_assert_cmpstr (calque_ratings_get_category_name (ratings, dog), ==, "0192d4e8-dog");
  g_assert_null (calque_ratings_get_category_name (ratings, 1));
  g_assert_null (calque_ratings_get_category_name (ratings, 17));

  calque_ratings_set (ratings, 0, 1, cat);
  calque_ratings_set (ratings, 1, 0, dog);
  calque_ratings_set (ratings, 1, 1, dog);
  g_assert_cmpfloat_with_epsilon (calque_agreement_percent_pair (ratings, 0, 1, NULL), 0.5, EXACT);
}

typedef struct {
  double percent, fleiss, alpha, cohen, pair;
  guint  n_units_percent, n_units_cohen;
} AllMetrics;

static AllMetrics
all_metrics (const CalqueRatings *ratings,
             guint                rater_a,
             guint                rater_b)
{
  AllMetrics m;
  CalqueAgreement detail;

  m.percent = calque_agreement_percent (ratings, &detail);
  m.n_units_percent = detail.n_units;
  m.fleiss = calque_agreement_fleiss_kappa (ratings, NULL);
  m.alpha = calque_agreement_krippendorff_alpha (ratings, NULL);
  m.cohen = calque_agreement_cohen_kappa (ratings, rater_a, rater_b, &detail);
  m.n_units_cohen = detail.n_units;
  m.pair = calque_agreement_percent_pair (ratings, rater_a, rater_b, NULL);
  return m;
}

static void
shuffle (GRand *rand,
         guint *values,
         guint  n)
{
  for (guint i = 0; i < n; i++)
    values[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      guint t = values[i - 1];

      values[i - 1] = values[j];
      values[j] = t;
    }
}

/* Relabelling the categories, reordering the units or the raters changes no
 * metric: random tables with missing cells, each also permuted. */
static void
test_permutations_change_nothing (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);

  for (guint round = 0; round < 50; round++)
    {
      guint n_units = g_rand_int_range (rand, 1, 120);
      guint n_raters = g_rand_int_range (rand, 2, 7);
      guint n_categories = g_rand_int_range (rand, 2, 6);
      g_autofree guint *unit_order = g_new (guint, n_units);
      g_autofree guint *rater_order = g_new (guint, n_raters);
      g_autofree guint *category_order = g_new (guint, n_categories);
      g_autoptr(CalqueRatings) ratings = calque_ratings_new (n_units, n_raters);
      g_autoptr(CalqueRatings) permuted = calque_ratings_new (n_units, n_raters);
      AllMetrics before, after;

      shuffle (rand, unit_order, n_units);
      shuffle (rand, rater_order, n_raters);
      shuffle (rand, category_order, n_categories);

      for (guint u = 0; u < n_units; u++)
        for (guint r = 0; r < n_raters; r++)
          {
            guint c;

            if (g_rand_int_range (rand, 0, 4) == 0)
              continue;
            /* Skewed towards agreement, so that kappas are not all near 0. */
            if (g_rand_int_range (rand, 0, 3) == 0)
              c = g_rand_int_range (rand, 0, n_categories);
            else
              c = u % n_categories;
            calque_ratings_set (ratings, u, r, c);
            calque_ratings_set (permuted, unit_order[u], rater_order[r], category_order[c]);
          }

      before = all_metrics (ratings, 0, 1);
      after = all_metrics (permuted, rater_order[0], rater_order[1]);

#define SAME(a, b) g_assert_true ((isnan (a) && isnan (b)) || fabs ((a) - (b)) < 1e-12)
      SAME (before.percent, after.percent);
      SAME (before.fleiss, after.fleiss);
      SAME (before.alpha, after.alpha);
      SAME (before.cohen, after.cohen);
      SAME (before.pair, after.pair);
#undef SAME
      g_assert_cmpuint (before.n_units_percent, ==, after.n_units_percent);
      g_assert_cmpuint (before.n_units_cohen, ==, after.n_units_cohen);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agreement-labels/cells", test_cells);
  g_test_add_func ("/agreement-labels/intern-categories", test_intern_categories);
  g_test_add_func ("/agreement-labels/cohen-wikipedia", test_cohen_wikipedia);
  g_test_add_func ("/agreement-labels/cohen-skips-missing", test_cohen_skips_missing);
  g_test_add_func ("/agreement-labels/fleiss-wikipedia", test_fleiss_wikipedia);
  g_test_add_func ("/agreement-labels/fleiss-raters-need-not-be-the-same", test_fleiss_raters_need_not_be_the_same);
  g_test_add_func ("/agreement-labels/fleiss-unequal-counts", test_fleiss_unequal_counts);
  g_test_add_func ("/agreement-labels/krippendorff-2011", test_krippendorff_2011);
  g_test_add_func ("/agreement-labels/krippendorff-wikipedia", test_krippendorff_wikipedia);
  g_test_add_func ("/agreement-labels/two-raters", test_two_raters);
  g_test_add_func ("/agreement-labels/million-units", test_million_units);
  g_test_add_func ("/agreement-labels/perfect-agreement", test_perfect_agreement);
  g_test_add_func ("/agreement-labels/one-category-is-undefined", test_one_category_is_undefined);
  g_test_add_func ("/agreement-labels/nothing-to-compare", test_nothing_to_compare);
  g_test_add_func ("/agreement-labels/permutations-change-nothing", test_permutations_change_nothing);
  return g_test_run ();
}
