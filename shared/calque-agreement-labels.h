/* calque-agreement-labels.h — inter-annotator agreement on classifications
 *
 * The input is reliability data: a table of units (items) by raters
 * (annotators) where each cell holds the category a rater gave a unit, or
 * nothing. Categories are small integers 0 … n-1; callers that have label ids
 * intern them with calque_ratings_intern_category(). Every metric here is
 * nominal: two ratings agree when they are the same category, and the order
 * or distance between categories means nothing.
 *
 * One rating per cell. An annotation that carries several labels at once is
 * not one category: build one table per label, with 1 where a rater gave the
 * label and 0 where the rater saw the unit and did not give it (missing where
 * the rater never saw the unit), and report each label's agreement on its own.
 *
 * Every metric returns NaN when it is undefined: when no unit has enough
 * ratings to compare, or when the agreement expected by chance is already
 * complete (all ratings in one category), so that the chance correction
 * divides zero by zero. Callers show "n/a" for NaN, never 0 or 1. The
 * optional @out_detail gives the parts the value was made of.
 *
 * Work is O(units × raters + categories) for every metric, in doubles: no
 * count is ever multiplied in integers, so millions of units are fine.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The value of a cell that holds no rating. */
#define CALQUE_RATINGS_MISSING G_MAXUINT

/* Categories are indices below this (they size per-category arrays). */
#define CALQUE_RATINGS_MAX_CATEGORIES (1u << 16)

typedef struct _CalqueRatings CalqueRatings;

/* A table of @n_units × @n_raters cells, all missing. */
CalqueRatings *calque_ratings_new             (guint                n_units,
                                               guint                n_raters);
void           calque_ratings_free            (CalqueRatings       *self);
guint          calque_ratings_get_n_units     (const CalqueRatings *self);
guint          calque_ratings_get_n_raters    (const CalqueRatings *self);
/* One more than the largest category ever set or interned. Categories that
 * no cell holds change no metric. */
guint          calque_ratings_get_n_categories (const CalqueRatings *self);

void           calque_ratings_set             (CalqueRatings       *self,
                                               guint                unit,
                                               guint                rater,
                                               guint                category);
void           calque_ratings_unset           (CalqueRatings       *self,
                                               guint                unit,
                                               guint                rater);
/* The category, or CALQUE_RATINGS_MISSING. */
guint          calque_ratings_get             (const CalqueRatings *self,
                                               guint                unit,
                                               guint                rater);

/* The index of category @name (a label id, say), given a new index the first
 * time a name is seen: one past any category in use, so interned names never
 * collide with indices set directly. */
guint          calque_ratings_intern_category (CalqueRatings       *self,
                                               const char          *name);
/* The name interned for @category, or NULL if it was only ever set by index. */
const char    *calque_ratings_get_category_name (const CalqueRatings *self,
                                                 guint                category);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueRatings, calque_ratings_free)

typedef struct {
  double value;     /* the metric itself, as returned; NaN when undefined */
  double observed;  /* observed agreement (p_o, P̄, or 1 - D_o), in [0, 1] */
  double expected;  /* agreement expected by chance (p_e, P̄e, or 1 - D_e);
                     * NaN for percent agreement, which has none */
  guint  n_units;   /* units that took part */
  guint  n_ratings; /* ratings in those units */
} CalqueAgreement;

/* Percent agreement over all raters: the mean, over units with at least two
 * ratings, of the share of the unit's rater pairs that agree. Units weigh the
 * same whatever their number of ratings; with two raters this is the share of
 * units both rated that they rated alike. Units with fewer than two ratings
 * are skipped; NaN if none is left. */
double calque_agreement_percent         (const CalqueRatings *ratings,
                                         CalqueAgreement     *out_detail);

/* Percent agreement of two raters: of the units both rated (units that
 * either left missing are skipped), the share they rated alike. NaN if they
 * share no unit. */
double calque_agreement_percent_pair    (const CalqueRatings *ratings,
                                         guint                rater_a,
                                         guint                rater_b,
                                         CalqueAgreement     *out_detail);

/* Cohen's kappa of two raters (Cohen, 1960): (p_o - p_e) / (1 - p_e) where
 * p_e comes from each rater's own category shares. Units that either rater
 * left missing are skipped. NaN if no unit is left, or if both raters used
 * one and the same category throughout (p_e = 1). */
double calque_agreement_cohen_kappa     (const CalqueRatings *ratings,
                                         guint                rater_a,
                                         guint                rater_b,
                                         CalqueAgreement     *out_detail);

/* Fleiss' kappa over all raters (Fleiss, 1971): (P̄ - P̄e) / (1 - P̄e).
 * Units with fewer than two ratings are skipped. Fleiss assumed the same
 * number of ratings per unit; when units have different numbers, this is the
 * generalisation of Gwet (Handbook of Inter-Rater Reliability, 2014): P̄ is
 * the mean of the per-unit agreements P_i = Σ_j n_ij (n_ij - 1) / (n_i (n_i - 1)),
 * and the category shares p_j behind P̄e = Σ_j p_j² are means of the per-unit
 * shares n_ij / n_i, so that every unit weighs the same in both. With equal
 * numbers this is exactly Fleiss' kappa. (Unlike Gwet, units with a single
 * rating are left out of p_j too.) NaN if no unit is left, or if all ratings
 * are one category. With two raters this is Scott's pi, not Cohen's kappa. */
double calque_agreement_fleiss_kappa    (const CalqueRatings *ratings,
                                         CalqueAgreement     *out_detail);

/* Krippendorff's alpha, nominal, from the coincidence matrix (Krippendorff,
 * "Computing Krippendorff's Alpha-Reliability", 2011): 1 - D_o / D_e over the
 * pairable values, i.e. the values of units with at least two ratings; a
 * unit with m_u values adds each ordered pair of them with weight
 * 1 / (m_u - 1). Missing cells are simply absent, and units with a single
 * value are skipped. NaN if no value is pairable, or if all pairable values
 * are one category (D_e = 0). */
double calque_agreement_krippendorff_alpha (const CalqueRatings *ratings,
                                            CalqueAgreement     *out_detail);

G_END_DECLS
