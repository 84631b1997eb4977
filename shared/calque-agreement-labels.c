/* calque-agreement-labels.c — inter-annotator agreement on classifications
 *
 * Counts are kept in guint (a unit has at most n_raters ratings) but every
 * product and every sum over units is taken in doubles. Sums of integers stay
 * exact in a double up to 2^53, so the chance-agreement denominators of
 * Cohen's kappa and Krippendorff's alpha (N² - Σ a_c b_c, n² - Σ n_c²) are
 * exact up to some 9 × 10^7 ratings, and "all in one category" is then
 * recognised as an exact zero rather than a rounding residue.
 */
#define G_LOG_DOMAIN "calque-agreement"

#include "calque-agreement-labels.h"

#include <math.h>

struct _CalqueRatings {
  guint       n_units;
  guint       n_raters;
  guint       n_categories;  /* one more than the largest category seen */
  guint      *cells;         /* n_units rows of n_raters, or MISSING */
  GHashTable *names;         /* owned name → GUINT_TO_POINTER (category + 1) */
  GPtrArray  *names_by_category;  /* category → borrowed name, or NULL */
};

/* What one pass over the units gathers for the multi-rater metrics. Only
 * units with at least two ratings count. */
typedef struct {
  guint   n_units;
  guint   n_ratings;
  double  sum_unit_agreement;  /* Σ_u P_u, the share of agreeing pairs in u */
  double  sum_coincidences;    /* Σ_u Σ_c n_uc (n_uc - 1) / (m_u - 1) */
  double *unit_shares;         /* per category: Σ_u n_uc / m_u */
  double *values;              /* per category: Σ_u n_uc */
} UnitTally;

static inline guint *
cell (const CalqueRatings *self,
      guint                unit,
      guint                rater)
{
  return &self->cells[(gsize) unit * self->n_raters + rater];
}

static void
fill_detail (CalqueAgreement *out_detail,
             double           value,
             double           observed,
             double           expected,
             guint            n_units,
             guint            n_ratings)
{
  if (out_detail == NULL)
    return;
  out_detail->value = value;
  out_detail->observed = observed;
  out_detail->expected = expected;
  out_detail->n_units = n_units;
  out_detail->n_ratings = n_ratings;
}

/* (observed - expected) / (1 - expected), or NaN when 1 - expected is 0.
 * @numerator and @denominator are the already-scaled differences, so that an
 * exact zero denominator is seen as one. */
static double
chance_corrected (double numerator,
                  double denominator)
{
  if (denominator == 0.0 || isnan (denominator))
    return NAN;
  return numerator / denominator;
}

/* One pass: for each unit, count its ratings per category in @counts (all
 * zero on entry and on return), then visit each category present once. The
 * visit walks the unit's own ratings, never all categories, to stay
 * O(units × raters). */
static void
tally_units (const CalqueRatings *self,
             UnitTally           *tally)
{
  g_autofree guint *counts = g_new0 (guint, MAX (self->n_categories, 1));

  tally->unit_shares = g_new0 (double, MAX (self->n_categories, 1));
  tally->values = g_new0 (double, MAX (self->n_categories, 1));

  for (guint u = 0; u < self->n_units; u++)
    {
      const guint *row = cell (self, u, 0);
      guint m = 0;
      double agreeing = 0.0;

      for (guint r = 0; r < self->n_raters; r++)
        if (row[r] != CALQUE_RATINGS_MISSING)
          {
            counts[row[r]]++;
            m++;
          }

      for (guint r = 0; r < self->n_raters; r++)
        {
          guint c = row[r];
          double n_uc;

          if (c == CALQUE_RATINGS_MISSING || counts[c] == 0)
            continue;
          n_uc = counts[c];
          counts[c] = 0;
          if (m < 2)
            continue;
          agreeing += n_uc * (n_uc - 1.0);
          tally->unit_shares[c] += n_uc / m;
          tally->values[c] += n_uc;
        }

      if (m < 2)
        continue;

      tally->n_units++;
      tally->n_ratings += m;
      tally->sum_unit_agreement += agreeing / ((double) m * (m - 1.0));
      tally->sum_coincidences += agreeing / (m - 1.0);
    }
}

static void
unit_tally_clear (UnitTally *tally)
{
  g_clear_pointer (&tally->unit_shares, g_free);
  g_clear_pointer (&tally->values, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UnitTally, unit_tally_clear)

CalqueRatings *
calque_ratings_new (guint n_units,
                    guint n_raters)
{
  CalqueRatings *self;
  gsize n_cells;

  g_return_val_if_fail (n_raters == 0 || n_units <= G_MAXSIZE / sizeof (guint) / n_raters, NULL);

  self = g_new0 (CalqueRatings, 1);
  n_cells = (gsize) n_units * n_raters;
  self->n_units = n_units;
  self->n_raters = n_raters;
  self->cells = g_new (guint, MAX (n_cells, 1));
  for (gsize i = 0; i < n_cells; i++)
    self->cells[i] = CALQUE_RATINGS_MISSING;
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->names_by_category = g_ptr_array_new ();
  return self;
}

void
calque_ratings_free (CalqueRatings *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->names_by_category);
  g_hash_table_unref (self->names);
  g_free (self->cells);
  g_free (self);
}

guint
calque_ratings_get_n_units (const CalqueRatings *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_units;
}

guint
calque_ratings_get_n_raters (const CalqueRatings *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_raters;
}

guint
calque_ratings_get_n_categories (const CalqueRatings *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_categories;
}

void
calque_ratings_set (CalqueRatings *self,
                    guint          unit,
                    guint          rater,
                    guint          category)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (unit < self->n_units);
  g_return_if_fail (rater < self->n_raters);
  g_return_if_fail (category < CALQUE_RATINGS_MAX_CATEGORIES);

  *cell (self, unit, rater) = category;
  self->n_categories = MAX (self->n_categories, category + 1);
}

void
calque_ratings_unset (CalqueRatings *self,
                      guint          unit,
                      guint          rater)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (unit < self->n_units);
  g_return_if_fail (rater < self->n_raters);

  *cell (self, unit, rater) = CALQUE_RATINGS_MISSING;
}

guint
calque_ratings_get (const CalqueRatings *self,
                    guint                unit,
                    guint                rater)
{
  g_return_val_if_fail (self != NULL, CALQUE_RATINGS_MISSING);
  g_return_val_if_fail (unit < self->n_units, CALQUE_RATINGS_MISSING);
  g_return_val_if_fail (rater < self->n_raters, CALQUE_RATINGS_MISSING);

  return *cell (self, unit, rater);
}

guint
calque_ratings_intern_category (CalqueRatings *self,
                                const char    *name)
{
  gpointer found;
  char *key;
  guint category;

  g_return_val_if_fail (self != NULL, CALQUE_RATINGS_MISSING);
  g_return_val_if_fail (name != NULL, CALQUE_RATINGS_MISSING);

  found = g_hash_table_lookup (self->names, name);
  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  g_return_val_if_fail (self->n_categories < CALQUE_RATINGS_MAX_CATEGORIES,
                        CALQUE_RATINGS_MISSING);

  category = self->n_categories++;
  key = g_strdup (name);
  g_hash_table_insert (self->names, key, GUINT_TO_POINTER (category + 1));
  if (self->names_by_category->len < self->n_categories)
    g_ptr_array_set_size (self->names_by_category, self->n_categories);
  g_ptr_array_index (self->names_by_category, category) = key;
  return category;
}

const char *
calque_ratings_get_category_name (const CalqueRatings *self,
                                  guint                category)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (category >= self->names_by_category->len)
    return NULL;
  return g_ptr_array_index (self->names_by_category, category);
}

double
calque_agreement_percent (const CalqueRatings *ratings,
                          CalqueAgreement     *out_detail)
{
  g_auto(UnitTally) tally = { 0 };
  double value;

  g_return_val_if_fail (ratings != NULL, NAN);

  tally_units (ratings, &tally);
  value = tally.n_units > 0 ? tally.sum_unit_agreement / tally.n_units : NAN;
  fill_detail (out_detail, value, value, NAN, tally.n_units, tally.n_ratings);
  return value;
}

double
calque_agreement_percent_pair (const CalqueRatings *ratings,
                               guint                rater_a,
                               guint                rater_b,
                               CalqueAgreement     *out_detail)
{
  guint n = 0;
  guint agreeing = 0;
  double value;

  g_return_val_if_fail (ratings != NULL, NAN);
  g_return_val_if_fail (rater_a < ratings->n_raters, NAN);
  g_return_val_if_fail (rater_b < ratings->n_raters, NAN);

  for (guint u = 0; u < ratings->n_units; u++)
    {
      guint a = *cell (ratings, u, rater_a);
      guint b = *cell (ratings, u, rater_b);

      if (a == CALQUE_RATINGS_MISSING || b == CALQUE_RATINGS_MISSING)
        continue;
      n++;
      agreeing += a == b;
    }

  value = n > 0 ? (double) agreeing / n : NAN;
  fill_detail (out_detail, value, value, NAN, n, 2 * n);
  return value;
}

double
calque_agreement_cohen_kappa (const CalqueRatings *ratings,
                              guint                rater_a,
                              guint                rater_b,
                              CalqueAgreement     *out_detail)
{
  g_autofree double *totals_a = NULL;
  g_autofree double *totals_b = NULL;
  double n = 0.0;
  double agreeing = 0.0;
  double chance = 0.0;   /* Σ_c a_c b_c, i.e. p_e × n² */
  double value;

  g_return_val_if_fail (ratings != NULL, NAN);
  g_return_val_if_fail (rater_a < ratings->n_raters, NAN);
  g_return_val_if_fail (rater_b < ratings->n_raters, NAN);

  totals_a = g_new0 (double, MAX (ratings->n_categories, 1));
  totals_b = g_new0 (double, MAX (ratings->n_categories, 1));

  for (guint u = 0; u < ratings->n_units; u++)
    {
      guint a = *cell (ratings, u, rater_a);
      guint b = *cell (ratings, u, rater_b);

      if (a == CALQUE_RATINGS_MISSING || b == CALQUE_RATINGS_MISSING)
        continue;
      n += 1.0;
      agreeing += a == b;
      totals_a[a] += 1.0;
      totals_b[b] += 1.0;
    }

  if (n == 0.0)
    {
      fill_detail (out_detail, NAN, NAN, NAN, 0, 0);
      return NAN;
    }

  for (guint c = 0; c < ratings->n_categories; c++)
    chance += totals_a[c] * totals_b[c];

  /* κ = (p_o - p_e) / (1 - p_e), both sides multiplied by n². */
  value = chance_corrected (n * agreeing - chance, n * n - chance);
  fill_detail (out_detail, value, agreeing / n, chance / (n * n),
               (guint) n, (guint) (2 * n));
  return value;
}

double
calque_agreement_fleiss_kappa (const CalqueRatings *ratings,
                               CalqueAgreement     *out_detail)
{
  g_auto(UnitTally) tally = { 0 };
  double observed, expected = 0.0;
  double value;

  g_return_val_if_fail (ratings != NULL, NAN);

  tally_units (ratings, &tally);
  if (tally.n_units == 0)
    {
      fill_detail (out_detail, NAN, NAN, NAN, 0, 0);
      return NAN;
    }

  observed = tally.sum_unit_agreement / tally.n_units;
  for (guint c = 0; c < ratings->n_categories; c++)
    {
      double p = tally.unit_shares[c] / tally.n_units;

      expected += p * p;
    }

  value = chance_corrected (observed - expected, 1.0 - expected);
  fill_detail (out_detail, value, observed, expected, tally.n_units, tally.n_ratings);
  return value;
}

double
calque_agreement_krippendorff_alpha (const CalqueRatings *ratings,
                                     CalqueAgreement     *out_detail)
{
  g_auto(UnitTally) tally = { 0 };
  double n, sum_squares = 0.0;
  double value;

  g_return_val_if_fail (ratings != NULL, NAN);

  tally_units (ratings, &tally);
  if (tally.n_units == 0)
    {
      fill_detail (out_detail, NAN, NAN, NAN, 0, 0);
      return NAN;
    }

  n = tally.n_ratings;
  for (guint c = 0; c < ratings->n_categories; c++)
    sum_squares += tally.values[c] * tally.values[c];

  /* D_o = (n - Σ_c o_cc) / n and D_e = (n² - Σ_c n_c²) / (n (n - 1)), so
   * α = 1 - D_o / D_e = 1 - (n - 1) (n - Σ_c o_cc) / (n² - Σ_c n_c²), with
   * an exact integer denominator. */
  if (n * n - sum_squares == 0.0)
    value = NAN;
  else
    value = 1.0 - (n - 1.0) * (n - tally.sum_coincidences) / (n * n - sum_squares);

  fill_detail (out_detail, value,
               tally.sum_coincidences / n,
               (sum_squares - n) / (n * (n - 1.0)),
               tally.n_units, tally.n_ratings);
  return value;
}
