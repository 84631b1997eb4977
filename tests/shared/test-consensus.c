/* test-consensus.c — matching plus majority vote, on cases worked by hand */
#include <math.h>

#include "calque-consensus.h"

/* Up to four annotators with up to four shapes each. */
typedef struct {
  CalqueShape *shapes[4][4];
  const char  *labels[4][4];
  guint        n[4];
  guint        n_annotators;
} Case;

static void
add (Case        *c,
     guint        annotator,
     CalqueShape *shape,
     const char  *label)
{
  g_assert_cmpuint (annotator, <, 4);
  c->shapes[annotator][c->n[annotator]] = shape;
  c->labels[annotator][c->n[annotator]] = label;
  c->n[annotator]++;
  c->n_annotators = MAX (c->n_annotators, annotator + 1);
}

static CalqueConsensus *
compute (Case   *c,
         double  vote,
         double  iou)
{
  CalqueConsensusVersion versions[4];
  CalqueConsensusOptions options = { .vote = vote, .iou_threshold = iou };

  for (guint a = 0; a < c->n_annotators; a++)
    versions[a] = (CalqueConsensusVersion) {
      .shapes = (const CalqueShape * const *) c->shapes[a],
      .labels = c->labels[a],
      .n_shapes = c->n[a],
    };
  return calque_consensus_compute (versions, c->n_annotators, &options);
}

static void
case_clear (Case *c)
{
  for (guint a = 0; a < 4; a++)
    for (guint i = 0; i < c->n[a]; i++)
      calque_shape_free (c->shapes[a][i]);
}

/* Three annotators box a cat. Alice (0, 0, 10, 10) and bruno (1, 0, 10, 10)
 * agree (IoU 90 / 110 = 0.82); chloe's box (50, 50, 10, 10) is elsewhere.
 * Bruno also boxes a dog nobody else saw. Majority (2 of 3): one cluster,
 * the median of two edges is their mean: left 0.5, right 10.5; chloe's
 * box and bruno's dog are unmatched. */
static void
test_two_agree (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) consensus = NULL;
  const CalqueShape *shape;
  const CalqueConsensusMember *unmatched, *members;
  guint n_unmatched, n_members;

  add (&c, 0, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (50, 80, 5, 5), "dog");
  add (&c, 1, calque_shape_new_box (1, 0, 10, 10), "cat");
  add (&c, 2, calque_shape_new_box (50, 50, 10, 10), "cat");
  consensus = compute (&c, 0.5, 0.5);

  g_assert_cmpuint (calque_consensus_get_needed (consensus), ==, 2);
  g_assert_cmpuint (calque_consensus_get_n_clusters (consensus), ==, 1);
  shape = calque_consensus_get_shape (consensus, 0);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_BOX);
  g_assert_cmpfloat_with_epsilon (shape->x, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->w, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->h, 10, 1e-9);
  g_assert_cmpstr (calque_consensus_get_label (consensus, 0), ==, "cat");
  g_assert_false (calque_consensus_get_label_disagrees (consensus, 0));
  members = calque_consensus_get_members (consensus, 0, &n_members);
  g_assert_cmpuint (n_members, ==, 2);
  g_assert_cmpuint (members[0].annotator, ==, 0);
  g_assert_cmpuint (members[1].annotator, ==, 1);
  g_assert_cmpuint (members[1].index, ==, 1);

  unmatched = calque_consensus_get_unmatched (consensus, &n_unmatched);
  g_assert_cmpuint (n_unmatched, ==, 2);
  g_assert_cmpuint (unmatched[0].annotator, ==, 1);   /* bruno's dog */
  g_assert_cmpuint (unmatched[0].index, ==, 0);
  g_assert_cmpuint (unmatched[1].annotator, ==, 2);   /* chloe's box */
  g_assert_cmpuint (unmatched[1].index, ==, 0);
  case_clear (&c);
}

/* Three boxes of one thing, medians taken per edge: lefts 0, 2, 3 → 2;
 * tops 0, 0, 0 → 0; rights 10, 12, 13 → 12; bottoms 10, 10, 11 → 10.
 * The third joins with mean IoU (70/140 + 90/120) / 2 = 0.625.
 * Labels cat, dog, cat: cat by 2 to 1, and the cluster disagrees. */
static void
test_three_medians (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) consensus = NULL;
  const CalqueShape *shape;

  add (&c, 0, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (2, 0, 10, 10), "dog");
  add (&c, 2, calque_shape_new_box (3, 0, 10, 11), "cat");
  consensus = compute (&c, 0.5, 0.5);

  g_assert_cmpuint (calque_consensus_get_n_clusters (consensus), ==, 1);
  shape = calque_consensus_get_shape (consensus, 0);
  g_assert_cmpfloat_with_epsilon (shape->x, 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->w, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->h, 10, 1e-9);
  g_assert_cmpstr (calque_consensus_get_label (consensus, 0), ==, "cat");
  g_assert_true (calque_consensus_get_label_disagrees (consensus, 0));
  case_clear (&c);
}

/* Two annotators, cat against dog on the same box: one of each, a tie;
 * the earliest annotator's label wins. Swapping the order swaps it. */
static void
test_label_tie (void)
{
  Case c = { 0 }, d = { 0 };
  g_autoptr(CalqueConsensus) first = NULL;
  g_autoptr(CalqueConsensus) second = NULL;

  add (&c, 0, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (0, 0, 10, 10), "dog");
  first = compute (&c, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (first), ==, 1);
  g_assert_cmpstr (calque_consensus_get_label (first, 0), ==, "cat");
  g_assert_true (calque_consensus_get_label_disagrees (first, 0));

  add (&d, 0, calque_shape_new_box (0, 0, 10, 10), "dog");
  add (&d, 1, calque_shape_new_box (0, 0, 10, 10), "cat");
  second = compute (&d, 1.0, 0.5);
  g_assert_cmpstr (calque_consensus_get_label (second, 0), ==, "dog");
  case_clear (&c);
  case_clear (&d);
}

/* Polygons: the medoid. Squares of side 10 at x = 0, 2 and 5 (IoU 0→2:
 * 80/120 = 0.667; 2→5: 70/130 = 0.538; 0→5: 50/150 = 0.333). Joining is
 * by mean IoU with the members: the third square's mean with the first
 * two is (0.333 + 0.538) / 2 = 0.436 < 0.5 at threshold 0.5, so it stays
 * out; at 0.4 it joins, and the middle square (mean 0.603) is the medoid. */
static CalqueShape *
square (double x)
{
  const double points[] = { x, 0, x + 10, 0, x + 10, 10, x, 10 };

  return calque_shape_new_polygon (points, 4);
}

static void
test_polygons (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) strict = NULL;
  g_autoptr(CalqueConsensus) loose = NULL;
  g_autoptr(CalqueShape) expected = square (2);
  guint n_members;

  add (&c, 0, square (0), "lake");
  add (&c, 1, square (2), "lake");
  add (&c, 2, square (5), "lake");

  strict = compute (&c, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (strict), ==, 0);
  g_assert_cmpuint ((calque_consensus_get_unmatched (strict, &n_members), n_members), ==, 3);

  loose = compute (&c, 1.0, 0.4);
  g_assert_cmpuint (calque_consensus_get_n_clusters (loose), ==, 1);
  calque_consensus_get_members (loose, 0, &n_members);
  g_assert_cmpuint (n_members, ==, 3);
  g_assert_true (calque_shape_equal (calque_consensus_get_shape (loose, 0), expected));
  case_clear (&c);
}

/* Spans on code points: [0, 5), [1, 5), [1, 7) → median start 1, end 5.
 * With only the first two: starts 0 and 1 average 0.5, rounded down to
 * 0; ends 5 and 5 → 5. A span and a box never share a cluster. */
static void
test_spans (void)
{
  Case c = { 0 }, d = { 0 };
  g_autoptr(CalqueConsensus) three = NULL;
  g_autoptr(CalqueConsensus) two = NULL;
  const CalqueShape *shape;

  add (&c, 0, calque_shape_new_span (0, 5), "PER");
  add (&c, 1, calque_shape_new_span (1, 5), "PER");
  add (&c, 2, calque_shape_new_span (1, 7), "ORG");
  three = compute (&c, 0.5, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (three), ==, 1);
  shape = calque_consensus_get_shape (three, 0);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_SPAN);
  g_assert_cmpint (shape->span_start, ==, 1);
  g_assert_cmpint (shape->span_end, ==, 5);
  g_assert_cmpstr (calque_consensus_get_label (three, 0), ==, "PER");

  add (&d, 0, calque_shape_new_span (0, 5), "PER");
  add (&d, 1, calque_shape_new_span (1, 5), "PER");
  add (&d, 1, calque_shape_new_box (0, 0, 5, 5), "PER");
  two = compute (&d, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (two), ==, 1);
  shape = calque_consensus_get_shape (two, 0);
  g_assert_cmpint (shape->span_start, ==, 0);
  g_assert_cmpint (shape->span_end, ==, 5);
  case_clear (&c);
  case_clear (&d);
}

/* Segments: medians in seconds (starts 1.0, 1.1, 1.2; ends 3.0, 3.2,
 * 3.5). A segment on channel 0 matches ones on all channels (-1); the
 * members' channels differ, so the result is on all channels. */
static void
test_segments (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) consensus = NULL;
  const CalqueShape *shape;
  CalqueShape *odd = calque_shape_new_segment (1.2, 3.5);

  odd->channel = 0;
  add (&c, 0, calque_shape_new_segment (1.0, 3.0), "speech");
  add (&c, 1, calque_shape_new_segment (1.1, 3.2), "speech");
  add (&c, 2, odd, "speech");
  consensus = compute (&c, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (consensus), ==, 1);
  shape = calque_consensus_get_shape (consensus, 0);
  g_assert_cmpfloat_with_epsilon (shape->seg_start, 1.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (shape->seg_end, 3.2, 1e-9);
  g_assert_cmpint (shape->channel, ==, -1);
  case_clear (&c);
}

/* Unanimity: vote 1.0 with three annotators needs all three. Two of
 * three agreeing is not enough; an annotator with an empty version counts
 * against everything. */
static void
test_unanimity (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) all = NULL;
  g_autoptr(CalqueConsensus) majority = NULL;
  guint n_unmatched;

  add (&c, 0, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 0, calque_shape_new_box (100, 100, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (100, 100, 10, 10), "cat");
  add (&c, 2, calque_shape_new_box (0, 0, 10, 10), "cat");
  all = compute (&c, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_needed (all), ==, 3);
  g_assert_cmpuint (calque_consensus_get_n_clusters (all), ==, 1);
  g_assert_cmpfloat (calque_consensus_get_shape (all, 0)->x, ==, 0);
  calque_consensus_get_unmatched (all, &n_unmatched);
  g_assert_cmpuint (n_unmatched, ==, 2);

  majority = compute (&c, 0.5, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (majority), ==, 2);

  /* A fourth annotator who drew nothing: 0.75 × 4 = 3 still keeps the
   * first box; 1.0 × 4 keeps nothing. */
  c.n_annotators = 4;
  {
    g_autoptr(CalqueConsensus) three_of_four = compute (&c, 0.75, 0.5);
    g_autoptr(CalqueConsensus) four = compute (&c, 1.0, 0.5);

    g_assert_cmpuint (calque_consensus_get_n_clusters (three_of_four), ==, 1);
    g_assert_cmpuint (calque_consensus_get_n_clusters (four), ==, 0);
  }
  case_clear (&c);
}

/* One annotator contributes at most one shape to a cluster: two of
 * alice's boxes on top of bruno's one make two clusters, the better pair
 * (greatest IoU) matched. */
static void
test_one_per_annotator (void)
{
  Case c = { 0 };
  g_autoptr(CalqueConsensus) consensus = NULL;
  const CalqueConsensusMember *members;
  guint n_members;

  add (&c, 0, calque_shape_new_box (0, 0, 10, 10), "cat");
  add (&c, 0, calque_shape_new_box (1, 0, 10, 10), "cat");
  add (&c, 1, calque_shape_new_box (1, 0, 10, 10), "cat");
  consensus = compute (&c, 1.0, 0.5);
  g_assert_cmpuint (calque_consensus_get_n_clusters (consensus), ==, 1);
  members = calque_consensus_get_members (consensus, 0, &n_members);
  g_assert_cmpuint (n_members, ==, 2);
  g_assert_cmpuint (members[0].annotator, ==, 0);
  g_assert_cmpuint (members[0].index, ==, 1);
  case_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/consensus/two-agree", test_two_agree);
  g_test_add_func ("/consensus/three-medians", test_three_medians);
  g_test_add_func ("/consensus/label-tie", test_label_tie);
  g_test_add_func ("/consensus/polygons", test_polygons);
  g_test_add_func ("/consensus/spans", test_spans);
  g_test_add_func ("/consensus/segments", test_segments);
  g_test_add_func ("/consensus/unanimity", test_unanimity);
  g_test_add_func ("/consensus/one-per-annotator", test_one_per_annotator);
  return g_test_run ();
}
