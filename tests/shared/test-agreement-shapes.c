/* test-agreement-shapes.c — IoU of shapes, matching, span and segment agreement
 *
 * Values come from a published worked example where there is one (cited at
 * the test), otherwise from small cases whose arithmetic is spelled out
 * beside them, chosen so that each result is an exact fraction.
 */
#include "calque-agreement-shapes.h"

#include <math.h>

#define EPS 1e-9

static CalqueShape *
polygon (const double *coords,
         guint         n_points)
{
  return calque_shape_new_polygon (coords, n_points);
}

static CalqueShape *
span (gint64 start,
      gint64 end)
{
  return calque_shape_new_span (start, end);
}

static CalqueShape *
segment (double start,
         double end,
         int    channel)
{
  CalqueShape *shape = calque_shape_new_segment (start, end);

  shape->channel = channel;
  return shape;
}

static void
assert_iou (const CalqueShape *a,
            const CalqueShape *b,
            double             expected)
{
  /* IoU is symmetric; check both ways round. */
  g_assert_cmpfloat_with_epsilon (calque_shape_iou (a, b), expected, EPS);
  g_assert_cmpfloat_with_epsilon (calque_shape_iou (b, a), expected, EPS);
}

/* ---- IoU ---- */

/* MathWorks, Computer Vision Toolbox documentation, bboxOverlapRatio,
 * example "Compute the Overlap Ratio Between Two Bounding Boxes"
 * (https://www.mathworks.com/help/vision/ref/bboxoverlapratio.html):
 * bboxA = [150 80 100 100] as [x y width height], bboxB = bboxA + 50 =
 * [200 130 150 150]; overlapRatio = 0.0833. By hand: the intersection is
 * x 200…250, y 130…180, 50 × 50 = 2,500; the union 100² + 150² − 2,500 =
 * 30,000; 2,500 / 30,000 = 1/12 = 0.08333. IoU as in PASCAL VOC
 * (Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge",
 * IJCV 88, 2010, §4.4: area of overlap over area of union). */
static void
test_box_worked_example (void)
{
  g_autoptr(CalqueShape) a = calque_shape_new_box (150, 80, 100, 100);
  g_autoptr(CalqueShape) b = calque_shape_new_box (200, 130, 150, 150);

  assert_iou (a, b, 1.0 / 12.0);
  g_assert_cmpfloat (round (calque_shape_iou (a, b) * 10000) / 10000, ==, 0.0833);
}

static void
test_box_cases (void)
{
  g_autoptr(CalqueShape) big = calque_shape_new_box (0, 0, 20, 20);
  g_autoptr(CalqueShape) inside = calque_shape_new_box (5, 5, 10, 10);
  g_autoptr(CalqueShape) touching = calque_shape_new_box (20, 0, 5, 5);
  g_autoptr(CalqueShape) apart = calque_shape_new_box (100, 100, 5, 5);
  g_autoptr(CalqueShape) half = calque_shape_new_box (10, 0, 20, 20);

  assert_iou (big, big, 1);
  /* 10 × 10 inside 20 × 20: 100 / 400. */
  assert_iou (big, inside, 0.25);
  /* Sharing an edge shares no area. */
  assert_iou (big, touching, 0);
  assert_iou (big, apart, 0);
  /* Shifted by half its width: 200 / (400 + 400 − 200) = 1/3. */
  assert_iou (big, half, 1.0 / 3.0);
}

/* A quarter turn keeps a box axis-aligned: 10 × 20 at (0, 0), centre
 * (5, 10), turned 90° is the 20 × 10 box from (−5, 5) to (15, 15). The same
 * through GEOS, as a polygon, must agree. */
static void
test_box_quarter_turns (void)
{
  const double corners[] = { -5, 5, 15, 5, 15, 15, -5, 15 };
  g_autoptr(CalqueShape) turned = calque_shape_new_box (0, 0, 10, 20);
  g_autoptr(CalqueShape) plain = calque_shape_new_box (-5, 5, 20, 10);
  g_autoptr(CalqueShape) as_polygon = polygon (corners, 4);
  g_autoptr(CalqueShape) unturned = calque_shape_new_box (0, 0, 10, 20);

  turned->rotation = 90;
  assert_iou (turned, plain, 1);
  assert_iou (turned, as_polygon, 1);
  turned->rotation = -270;
  assert_iou (turned, plain, 1);
  turned->rotation = 180;
  assert_iou (turned, unturned, 1);
}

/* A 2 × 2 square and the same square turned 45° about its centre: the
 * turned one is the diamond |x| + |y| ≤ √2 (centre at the origin). Each
 * corner of the square outside the diamond is a right triangle with legs
 * 2 − √2, so the intersection is 4 − 4 · (2 − √2)² / 2 = 8√2 − 8, the union
 * 8 − (8√2 − 8) = 16 − 8√2, and IoU = (√2 − 1) / (2 − √2) = 1/√2. */
static void
test_rotated_box (void)
{
  g_autoptr(CalqueShape) square = calque_shape_new_box (-1, -1, 2, 2);
  g_autoptr(CalqueShape) turned = calque_shape_new_box (-1, -1, 2, 2);
  const double diamond_coords[] = { 0, -G_SQRT2, G_SQRT2, 0, 0, G_SQRT2, -G_SQRT2, 0 };
  g_autoptr(CalqueShape) diamond = polygon (diamond_coords, 4);

  turned->rotation = 45;
  assert_iou (square, turned, 1 / G_SQRT2);
  /* The turned box is that diamond. */
  assert_iou (turned, diamond, 1);
  assert_iou (turned, turned, 1);
}

/* A 4 × 4 square with a 2 × 2 hole in the middle has area 16 − 4 = 12. */
static void
test_polygon_with_hole (void)
{
  const double outer[] = { 0, 0, 4, 0, 4, 4, 0, 4 };
  const double hole[] = { 1, 1, 3, 1, 3, 3, 1, 3 };
  g_autoptr(CalqueShape) holed = polygon (outer, 4);
  g_autoptr(CalqueShape) square = calque_shape_new_box (0, 0, 4, 4);
  g_autoptr(CalqueShape) left_half = calque_shape_new_box (0, 0, 2, 4);
  g_autoptr(CalqueShape) hole_filler = calque_shape_new_box (1, 1, 2, 2);
  g_autoptr(CalqueShape) hole_polygon = polygon (hole, 4);

  calque_shape_add_hole (holed, hole, 4);

  assert_iou (holed, holed, 1);
  /* Against the full square: 12 / 16 = 3/4. */
  assert_iou (holed, square, 0.75);
  /* The left half, 2 × 4 = 8, loses the hole's left half (1 × 2 = 2):
   * intersection 6, union 12 + 8 − 6 = 14: 6/14 = 3/7. */
  assert_iou (holed, left_half, 3.0 / 7.0);
  /* What fills the hole overlaps nothing of the polygon, though its
   * bounding box is inside the polygon's. */
  assert_iou (holed, hole_filler, 0);
  assert_iou (holed, hole_polygon, 0);
}

/* The right triangle (0,0) (4,0) (0,4), area 8, holds the box 0…2 × 0…2
 * (its corner (2,2) is on the hypotenuse x + y = 4): 4 / 8 = 1/2. */
static void
test_triangle_and_box (void)
{
  const double tri[] = { 0, 0, 4, 0, 0, 4 };
  g_autoptr(CalqueShape) triangle = polygon (tri, 3);
  g_autoptr(CalqueShape) box = calque_shape_new_box (0, 0, 2, 2);

  assert_iou (triangle, box, 0.5);
}

/* A figure-of-eight ring (0,0) (2,2) (2,0) (0,2) crosses itself at (1,1).
 * Repaired, it is its two lobes, the triangles (0,0) (1,1) (0,2) and
 * (2,0) (2,2) (1,1), area 1 each. Against the box 0…2 × 0…2 (area 4):
 * 2 / 4 = 1/2. Against the left lobe alone: 1 / 2. */
static void
test_self_intersecting_polygon (void)
{
  const double bowtie[] = { 0, 0, 2, 2, 2, 0, 0, 2 };
  const double lobe[] = { 0, 0, 1, 1, 0, 2 };
  g_autoptr(CalqueShape) eight = polygon (bowtie, 4);
  g_autoptr(CalqueShape) left = polygon (lobe, 3);
  g_autoptr(CalqueShape) box = calque_shape_new_box (0, 0, 2, 2);

  assert_iou (eight, box, 0.5);
  assert_iou (eight, left, 0.5);
  assert_iou (eight, eight, 1);
}

/* Shapes with no area overlap nothing, not even themselves. */
static void
test_degenerate (void)
{
  const double line[] = { 0, 0, 1, 1, 2, 2 };
  const double two[] = { 0, 0, 5, 5 };
  const double closed_two[] = { 0, 0, 5, 0, 0, 0 };
  g_autoptr(CalqueShape) collinear = polygon (line, 3);
  g_autoptr(CalqueShape) short_ring = polygon (two, 2);
  g_autoptr(CalqueShape) closed_line = polygon (closed_two, 3);
  g_autoptr(CalqueShape) flat = calque_shape_new_box (0, 0, 10, 0);
  g_autoptr(CalqueShape) negative = calque_shape_new_box (0, 0, -5, 5);
  g_autoptr(CalqueShape) box = calque_shape_new_box (-1, -1, 10, 10);
  g_autoptr(CalqueShape) empty_span = span (3, 3);
  g_autoptr(CalqueShape) reversed_span = span (5, 2);
  g_autoptr(CalqueShape) some_span = span (0, 10);
  g_autoptr(CalqueShape) empty_segment = segment (1.5, 1.5, -1);

  assert_iou (collinear, box, 0);
  assert_iou (collinear, collinear, 0);
  assert_iou (short_ring, box, 0);
  assert_iou (closed_line, box, 0);
  assert_iou (flat, box, 0);
  assert_iou (flat, flat, 0);
  assert_iou (negative, box, 0);
  assert_iou (empty_span, some_span, 0);
  assert_iou (empty_span, empty_span, 0);
  assert_iou (reversed_span, some_span, 0);
  assert_iou (empty_segment, empty_segment, 0);
}

/* NaN and infinities are refused before GEOS sees them: IoU is NaN. So
 * are kinds without IoU, and kinds that cannot be compared. */
static void
test_not_finite_and_incomparable (void)
{
  const double bad[] = { 0, 0, INFINITY, 0, 1, 1 };
  const double good[] = { 0, 0, 4, 0, 0, 4 };
  const double bad_hole[] = { 1, 1, NAN, 1, 1, 2 };
  g_autoptr(CalqueShape) nan_box = calque_shape_new_box (NAN, 0, 1, 1);
  g_autoptr(CalqueShape) inf_box = calque_shape_new_box (0, 0, INFINITY, 1);
  g_autoptr(CalqueShape) nan_turn = calque_shape_new_box (0, 0, 1, 1);
  g_autoptr(CalqueShape) box = calque_shape_new_box (0, 0, 1, 1);
  g_autoptr(CalqueShape) inf_polygon = polygon (bad, 3);
  g_autoptr(CalqueShape) nan_hole = polygon (good, 3);
  g_autoptr(CalqueShape) nan_segment = segment (NAN, 2, -1);
  g_autoptr(CalqueShape) seg = segment (0, 2, -1);
  g_autoptr(CalqueShape) sp = span (0, 2);
  g_autoptr(CalqueShape) point = calque_shape_new_point (0.5, 0.5);
  g_autoptr(CalqueShape) classification = calque_shape_new (CALQUE_SHAPE_CLASSIFICATION);

  nan_turn->rotation = NAN;
  calque_shape_add_hole (nan_hole, bad_hole, 3);

  g_assert_true (isnan (calque_shape_iou (nan_box, box)));
  g_assert_true (isnan (calque_shape_iou (box, inf_box)));
  g_assert_true (isnan (calque_shape_iou (nan_turn, box)));
  g_assert_true (isnan (calque_shape_iou (inf_polygon, box)));
  g_assert_true (isnan (calque_shape_iou (box, nan_hole)));
  g_assert_true (isnan (calque_shape_iou (nan_segment, seg)));
  /* Even when the bounding boxes are far apart, NaN is not 0. */
  g_assert_true (isnan (calque_shape_iou (nan_box, nan_box)));

  g_assert_true (isnan (calque_shape_iou (box, sp)));
  g_assert_true (isnan (calque_shape_iou (sp, seg)));
  g_assert_true (isnan (calque_shape_iou (point, box)));
  g_assert_true (isnan (calque_shape_iou (classification, classification)));
}

/* 1-D: [0, 10) and [5, 15) share 5 of 15 code points: 1/3. Segments
 * [1, 3) and [2, 4) share one of three seconds, on the same channel or
 * when one is on all channels; on two different channels nothing. */
static void
test_spans_and_segments (void)
{
  g_autoptr(CalqueShape) s1 = span (0, 10);
  g_autoptr(CalqueShape) s2 = span (5, 15);
  g_autoptr(CalqueShape) s3 = span (10, 20);
  g_autoptr(CalqueShape) left = segment (1, 3, 0);
  g_autoptr(CalqueShape) right = segment (2, 4, 0);
  g_autoptr(CalqueShape) other_channel = segment (2, 4, 1);
  g_autoptr(CalqueShape) all_channels = segment (2, 4, -1);

  assert_iou (s1, s2, 1.0 / 3.0);
  /* End exclusive: [0, 10) and [10, 20) share nothing. */
  assert_iou (s1, s3, 0);
  assert_iou (left, right, 1.0 / 3.0);
  assert_iou (left, other_channel, 0);
  assert_iou (left, all_channels, 1.0 / 3.0);
}

/* ---- Matching ---- */

static void
assert_scores (const CalqueShapeMatch *match,
               guint                   n_pairs,
               double                  precision,
               double                  recall,
               double                  f1)
{
  g_assert_cmpuint (calque_shape_match_get_n_pairs (match), ==, n_pairs);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_precision (match), precision, EPS);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_recall (match), recall, EPS);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_f1 (match), f1, EPS);
}

/* Boxes 10 high at y = 0, so each IoU is that of their x ranges:
 *
 *   b0 = [0, 10)   a0 = [1, 11)   IoU(a0, b0) = 9 / 11 = 0.818
 *   b1 = [3, 13)                  IoU(a0, b1) = [3, 11) / [1, 13) = 8 / 12
 *   a1 = [−2, 8)                  IoU(a1, b0) = [0, 8) / [−2, 10) = 8 / 12
 *                                 IoU(a1, b1) = [3, 8) / [−2, 13) = 5 / 15 < 0.5
 *   a2 = [100, 110), far from everything.
 *
 * Greedy (best pair first) takes a0–b0 and is left with a1–b1, under the
 * threshold: one match. The optimum is a0–b1 and a1–b0: total 4/3 > 9/11,
 * two matches, mean IoU 2/3. Side b is the reference: precision 2/3 (a2
 * is extra), recall 2/2, F1 = 2 · 2 / (3 + 2) = 4/5. */
static void
test_match_optimal_not_greedy (void)
{
  g_autoptr(CalqueShape) a0 = calque_shape_new_box (1, 0, 10, 10);
  g_autoptr(CalqueShape) a1 = calque_shape_new_box (-2, 0, 10, 10);
  g_autoptr(CalqueShape) a2 = calque_shape_new_box (100, 0, 10, 10);
  g_autoptr(CalqueShape) b0 = calque_shape_new_box (0, 0, 10, 10);
  g_autoptr(CalqueShape) b1 = calque_shape_new_box (3, 0, 10, 10);
  const CalqueShape *a[] = { a0, a1, a2 };
  const CalqueShape *b[] = { b0, b1 };
  g_autoptr(CalqueShapeMatch) match = calque_match_shapes (a, NULL, 3, b, NULL, 2, 0.5, FALSE);
  const CalqueShapePair *pairs;
  const guint *unmatched;
  guint n;

  assert_scores (match, 2, 2.0 / 3.0, 1, 0.8);
  pairs = calque_shape_match_get_pairs (match, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (pairs[0].a, ==, 0);
  g_assert_cmpuint (pairs[0].b, ==, 1);
  g_assert_cmpfloat_with_epsilon (pairs[0].iou, 8.0 / 12.0, EPS);
  g_assert_cmpuint (pairs[1].a, ==, 1);
  g_assert_cmpuint (pairs[1].b, ==, 0);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_mean_iou (match), 2.0 / 3.0, EPS);
  g_assert_true (isnan (calque_shape_match_get_mean_boundary_error (match)));

  unmatched = calque_shape_match_get_unmatched_a (match, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (unmatched[0], ==, 2);
  calque_shape_match_get_unmatched_b (match, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* The threshold is inclusive: [0, 10) against [0, 5) is 5 / 10 = 0.5
 * exactly, a match at 0.5 and not at 0.51 (PASCAL VOC requires more than
 * 0.5; COCO's AP50 at least 0.5, as here). */
static void
test_match_threshold (void)
{
  g_autoptr(CalqueShape) a0 = calque_shape_new_box (0, 0, 10, 10);
  g_autoptr(CalqueShape) b0 = calque_shape_new_box (0, 0, 5, 10);
  const CalqueShape *a[] = { a0 };
  const CalqueShape *b[] = { b0 };
  g_autoptr(CalqueShapeMatch) at = calque_match_shapes (a, NULL, 1, b, NULL, 1, 0.5, FALSE);
  g_autoptr(CalqueShapeMatch) above = calque_match_shapes (a, NULL, 1, b, NULL, 1, 0.51, FALSE);

  assert_scores (at, 1, 1, 1, 1);
  assert_scores (above, 0, 0, 0, 0);
  g_assert_true (isnan (calque_shape_match_get_mean_iou (above)));
}

/* Same boxes, labels "cat" against "dog": a match only if labels are
 * not asked to agree. NULL labels equal each other. */
static void
test_match_labels (void)
{
  g_autoptr(CalqueShape) a0 = calque_shape_new_box (0, 0, 10, 10);
  g_autoptr(CalqueShape) a1 = calque_shape_new_box (50, 0, 10, 10);
  g_autoptr(CalqueShape) b0 = calque_shape_new_box (0, 0, 10, 10);
  g_autoptr(CalqueShape) b1 = calque_shape_new_box (50, 0, 10, 10);
  const CalqueShape *a[] = { a0, a1 };
  const CalqueShape *b[] = { b0, b1 };
  const char *labels_a[] = { "cat", NULL };
  const char *labels_b[] = { "dog", NULL };
  g_autoptr(CalqueShapeMatch) strict = calque_match_shapes (a, labels_a, 2, b, labels_b, 2, 0.5, TRUE);
  g_autoptr(CalqueShapeMatch) loose = calque_match_shapes (a, labels_a, 2, b, labels_b, 2, 0.5, FALSE);

  /* Strict: only the unlabelled pair; 1 of 2 each side: P = R = F1 = 1/2. */
  assert_scores (strict, 1, 0.5, 0.5, 0.5);
  assert_scores (loose, 2, 1, 1, 1);
}

/* Empty sets: both empty agree perfectly; one empty finds or claims
 * nothing (see calque-agreement-shapes.h). */
static void
test_match_empty (void)
{
  g_autoptr(CalqueShape) b0 = calque_shape_new_box (0, 0, 10, 10);
  const CalqueShape *b[] = { b0, b0 };
  g_autoptr(CalqueShapeMatch) none = calque_match_shapes (NULL, NULL, 0, NULL, NULL, 0, 0.5, TRUE);
  g_autoptr(CalqueShapeMatch) a_empty = calque_match_shapes (NULL, NULL, 0, b, NULL, 2, 0.5, FALSE);
  g_autoptr(CalqueShapeMatch) b_empty = calque_match_shapes (b, NULL, 2, NULL, NULL, 0, 0.5, FALSE);
  const guint *unmatched;
  guint n;

  assert_scores (none, 0, 1, 1, 1);
  g_assert_true (isnan (calque_shape_match_get_mean_iou (none)));
  /* a claimed nothing: precision 1 (nothing wrong), recall 0/2, F1 0. */
  assert_scores (a_empty, 0, 1, 0, 0);
  unmatched = calque_shape_match_get_unmatched_b (a_empty, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (unmatched[0], ==, 0);
  g_assert_cmpuint (unmatched[1], ==, 1);
  assert_scores (b_empty, 0, 0, 1, 0);
}

/* A shape with a NaN coordinate never matches, and still counts: a
 * claimed two shapes and one is unusable, precision 1/2. */
static void
test_match_not_finite (void)
{
  g_autoptr(CalqueShape) a0 = calque_shape_new_box (0, 0, 10, 10);
  g_autoptr(CalqueShape) a1 = calque_shape_new_box (NAN, 0, 10, 10);
  g_autoptr(CalqueShape) b0 = calque_shape_new_box (0, 0, 10, 10);
  const CalqueShape *a[] = { a0, a1 };
  const CalqueShape *b[] = { b0 };
  g_autoptr(CalqueShapeMatch) match = calque_match_shapes (a, NULL, 2, b, NULL, 1, 0, FALSE);

  assert_scores (match, 1, 0.5, 1, 2.0 / 3.0);
  g_assert_cmpfloat (calque_shape_match_get_mean_iou (match), ==, 1);
}

/* Polygons through GEOS in a matching: the holed square of
 * test_polygon_with_hole against the full square (3/4) and against what
 * fills its hole (0); a second pair of triangles, identical (1). Two
 * matches of three on each side: P = R = F1 = 2/3, mean IoU (3/4 + 1)/2. */
static void
test_match_polygons (void)
{
  const double outer[] = { 0, 0, 4, 0, 4, 4, 0, 4 };
  const double hole[] = { 1, 1, 3, 1, 3, 3, 1, 3 };
  const double tri[] = { 10, 0, 14, 0, 10, 4 };
  g_autoptr(CalqueShape) holed = polygon (outer, 4);
  g_autoptr(CalqueShape) tri_a = polygon (tri, 3);
  g_autoptr(CalqueShape) lone_a = calque_shape_new_box (30, 30, 1, 1);
  g_autoptr(CalqueShape) square = calque_shape_new_box (0, 0, 4, 4);
  g_autoptr(CalqueShape) filler = polygon (hole, 4);
  g_autoptr(CalqueShape) tri_b = polygon (tri, 3);
  const CalqueShape *a[] = { holed, tri_a, lone_a };
  const CalqueShape *b[] = { filler, tri_b, square };
  g_autoptr(CalqueShapeMatch) match = NULL;
  const CalqueShapePair *pairs;

  calque_shape_add_hole (holed, hole, 4);
  match = calque_match_shapes (a, NULL, 3, b, NULL, 3, 0.5, FALSE);
  assert_scores (match, 2, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
  pairs = calque_shape_match_get_pairs (match, NULL);
  g_assert_cmpuint (pairs[0].a, ==, 0);
  g_assert_cmpuint (pairs[0].b, ==, 2);
  g_assert_cmpuint (pairs[1].a, ==, 1);
  g_assert_cmpuint (pairs[1].b, ==, 1);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_mean_iou (match), (0.75 + 1) / 2, EPS);
}

/* Many shapes: each of 300 boxes on a grid has a copy shifted by 1 on the
 * other side (IoU (9 · 10) / (2 · 100 − 90) = 90/110 ≥ 0.5), the two sides
 * in different orders. Everything matches, each with its own copy. */
static void
test_match_many (void)
{
  const guint n = 300;
  g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_shape_free);
  g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_shape_free);
  g_autoptr(CalqueShapeMatch) match = NULL;
  const CalqueShapePair *pairs;

  for (guint i = 0; i < n; i++)
    {
      double x = (i % 20) * 30, y = (i / 20) * 30;

      g_ptr_array_add (a, calque_shape_new_box (x, y, 10, 10));
      g_ptr_array_add (b, calque_shape_new_box ((((n - 1 - i) % 20) * 30) + 1, ((n - 1 - i) / 20) * 30, 10, 10));
    }
  match = calque_match_shapes ((const CalqueShape * const *) a->pdata, NULL, n,
                               (const CalqueShape * const *) b->pdata, NULL, n, 0.5, FALSE);
  assert_scores (match, n, 1, 1, 1);
  pairs = calque_shape_match_get_pairs (match, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (pairs[i].a, ==, i);
      g_assert_cmpuint (pairs[i].b, ==, n - 1 - i);
      g_assert_cmpfloat_with_epsilon (pairs[i].iou, 90.0 / 110.0, EPS);
    }
}

/* ---- Text spans ---- */

/* A sentence annotated by two people (code points, end exclusive):
 *
 *   a: [0, 5) PER   [10, 20) LOC   [30, 35) ORG
 *   b: [0, 5) PER   [10, 18) LOC   [30, 35) PER
 *
 * Exact, same label: only [0, 5) PER; P = R = F1 = 1/3.
 * Exact, any label: [0, 5) and [30, 35); P = R = F1 = 2/3.
 * Overlap, same label: [0, 5) PER (IoU 1) and [10, 20) ~ [10, 18) LOC
 * (IoU 8/10); [30, 35) differs in label. P = R = F1 = 2/3, mean IoU 0.9. */
static void
test_spans (void)
{
  g_autoptr(CalqueShape) a0 = span (0, 5);
  g_autoptr(CalqueShape) a1 = span (10, 20);
  g_autoptr(CalqueShape) a2 = span (30, 35);
  g_autoptr(CalqueShape) b0 = span (0, 5);
  g_autoptr(CalqueShape) b1 = span (10, 18);
  g_autoptr(CalqueShape) b2 = span (30, 35);
  const CalqueShape *a[] = { a0, a1, a2 };
  const CalqueShape *b[] = { b0, b1, b2 };
  const char *labels_a[] = { "PER", "LOC", "ORG" };
  const char *labels_b[] = { "PER", "LOC", "PER" };
  g_autoptr(CalqueShapeMatch) exact = calque_match_spans_exact (a, labels_a, 3, b, labels_b, 3, TRUE);
  g_autoptr(CalqueShapeMatch) exact_any = calque_match_spans_exact (a, labels_a, 3, b, labels_b, 3, FALSE);
  g_autoptr(CalqueShapeMatch) overlap = calque_match_spans_overlap (a, labels_a, 3, b, labels_b, 3, TRUE);

  assert_scores (exact, 1, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0);
  assert_scores (exact_any, 2, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
  assert_scores (overlap, 2, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_mean_iou (overlap), 0.9, EPS);
}

/* One-to-one, both ways:
 * - a has [0, 5) twice, b once: exact gives one match; P = 1/2, R = 1,
 *   F1 = 2 · 1 / (2 + 1) = 2/3.
 * - a has [0, 3) and [5, 10), b has [0, 10): both overlap it, but it is
 *   matched once, to [5, 10) (IoU 5/10 beats 3/10); F1 again 2/3.
 * - a single code point shared is an overlap: [0, 5) and [4, 9), IoU 1/9. */
static void
test_spans_one_to_one (void)
{
  g_autoptr(CalqueShape) twice = span (0, 5);
  g_autoptr(CalqueShape) once = span (0, 5);
  g_autoptr(CalqueShape) head = span (0, 3);
  g_autoptr(CalqueShape) tail = span (5, 10);
  g_autoptr(CalqueShape) whole = span (0, 10);
  g_autoptr(CalqueShape) shifted = span (4, 9);
  const CalqueShape *dup[] = { twice, twice };
  const CalqueShape *one[] = { once };
  const CalqueShape *parts[] = { head, tail };
  const CalqueShape *all[] = { whole };
  const CalqueShape *sh[] = { shifted };
  g_autoptr(CalqueShapeMatch) exact = calque_match_spans_exact (dup, NULL, 2, one, NULL, 1, FALSE);
  g_autoptr(CalqueShapeMatch) overlap = calque_match_spans_overlap (parts, NULL, 2, all, NULL, 1, FALSE);
  g_autoptr(CalqueShapeMatch) touch = calque_match_spans_overlap (one, NULL, 1, sh, NULL, 1, FALSE);
  const CalqueShapePair *pairs;

  assert_scores (exact, 1, 0.5, 1, 2.0 / 3.0);
  assert_scores (overlap, 1, 0.5, 1, 2.0 / 3.0);
  pairs = calque_shape_match_get_pairs (overlap, NULL);
  g_assert_cmpuint (pairs[0].a, ==, 1);
  g_assert_cmpfloat_with_epsilon (pairs[0].iou, 0.5, EPS);
  assert_scores (touch, 1, 1, 1, 1);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_mean_iou (touch), 1.0 / 9.0, EPS);
}

/* ---- Audio segments ---- */

/* Boundaries in binary fractions so that every difference is exact:
 *
 *   a: [1, 2]          [3, 4.5]         [6, 7]
 *   b: [1.125, 1.9375] [3.375, 4.25]    [6, 7]
 *   |Δstart|, |Δend|: 0.125, 0.0625     0.375, 0.25      0, 0
 *
 * τ = 0.25: the first and last match (0.375 > 0.25 rules out the middle);
 * P = R = F1 = 2/3; boundary errors (0.125 + 0.0625)/2 = 0.09375 and 0,
 * mean 0.046875.
 * τ = 0.5: all three; the middle's error is (0.375 + 0.25)/2 = 0.3125;
 * mean (0.09375 + 0.3125 + 0) / 3 = 0.40625 / 3. */
static void
test_segments_tolerance (void)
{
  g_autoptr(CalqueShape) a0 = segment (1, 2, -1);
  g_autoptr(CalqueShape) a1 = segment (3, 4.5, -1);
  g_autoptr(CalqueShape) a2 = segment (6, 7, -1);
  g_autoptr(CalqueShape) b0 = segment (1.125, 1.9375, -1);
  g_autoptr(CalqueShape) b1 = segment (3.375, 4.25, -1);
  g_autoptr(CalqueShape) b2 = segment (6, 7, -1);
  const CalqueShape *a[] = { a0, a1, a2 };
  const CalqueShape *b[] = { b0, b1, b2 };
  g_autoptr(CalqueShapeMatch) tight = calque_match_segments (a, NULL, 3, b, NULL, 3, 0.25, FALSE);
  g_autoptr(CalqueShapeMatch) loose = calque_match_segments (a, NULL, 3, b, NULL, 3, 0.5, FALSE);
  g_autoptr(CalqueShapeMatch) exact = calque_match_segments (a, NULL, 3, b, NULL, 3, 0, FALSE);
  const CalqueShapePair *pairs;

  assert_scores (tight, 2, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
  pairs = calque_shape_match_get_pairs (tight, NULL);
  g_assert_cmpfloat (pairs[0].boundary_error, ==, 0.09375);
  g_assert_cmpfloat (pairs[1].boundary_error, ==, 0);
  g_assert_cmpfloat (calque_shape_match_get_mean_boundary_error (tight), ==, 0.046875);

  assert_scores (loose, 3, 1, 1, 1);
  g_assert_cmpfloat_with_epsilon (calque_shape_match_get_mean_boundary_error (loose), 0.40625 / 3, EPS);

  /* τ = 0: only the identical [6, 7]. */
  assert_scores (exact, 1, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0);
}

/* The most pairs first, then the least error:
 *
 *   b0 = [1, 2]      a0 = [1, 2]        a0–b0: error 0
 *   b1 = [1.25, 2.25]                   a0–b1: 0.25, 0.25
 *   a1 = [0.75, 1.75]                   a1–b0: 0.25, 0.25
 *                                       a1–b1: 0.5, 0.5 > τ
 *
 * With τ = 0.25, taking the perfect a0–b0 leaves a1 and b1 alone; the
 * matching takes a0–b1 and a1–b0 instead: two pairs, mean error 0.25. */
static void
test_segments_most_pairs (void)
{
  g_autoptr(CalqueShape) a0 = segment (1, 2, -1);
  g_autoptr(CalqueShape) a1 = segment (0.75, 1.75, -1);
  g_autoptr(CalqueShape) b0 = segment (1, 2, -1);
  g_autoptr(CalqueShape) b1 = segment (1.25, 2.25, -1);
  const CalqueShape *a[] = { a0, a1 };
  const CalqueShape *b[] = { b0, b1 };
  g_autoptr(CalqueShapeMatch) match = calque_match_segments (a, NULL, 2, b, NULL, 2, 0.25, FALSE);
  const CalqueShapePair *pairs;

  assert_scores (match, 2, 1, 1, 1);
  pairs = calque_shape_match_get_pairs (match, NULL);
  g_assert_cmpuint (pairs[0].b, ==, 1);
  g_assert_cmpuint (pairs[1].b, ==, 0);
  g_assert_cmpfloat (calque_shape_match_get_mean_boundary_error (match), ==, 0.25);
}

/* Channels and labels: the same times on channel 0 and channel 1 do not
 * match; channel −1 (all) matches either; a different label does not
 * match when labels must agree. A NaN boundary never matches. */
static void
test_segments_channels_labels (void)
{
  g_autoptr(CalqueShape) a0 = segment (0, 1, 0);
  g_autoptr(CalqueShape) a1 = segment (5, 6, -1);
  g_autoptr(CalqueShape) a2 = segment (NAN, 9, -1);
  g_autoptr(CalqueShape) b0 = segment (0, 1, 1);
  g_autoptr(CalqueShape) b1 = segment (5, 6, 1);
  g_autoptr(CalqueShape) b2 = segment (8, 9, -1);
  const CalqueShape *a[] = { a0, a1, a2 };
  const CalqueShape *b[] = { b0, b1, b2 };
  const char *labels_a[] = { "speech", "music", "speech" };
  const char *labels_b[] = { "speech", "speech", "speech" };
  g_autoptr(CalqueShapeMatch) any = calque_match_segments (a, labels_a, 3, b, labels_b, 3, 0.1, FALSE);
  g_autoptr(CalqueShapeMatch) labelled = calque_match_segments (a, labels_a, 3, b, labels_b, 3, 0.1, TRUE);
  g_autoptr(CalqueShapeMatch) none = calque_match_segments (NULL, NULL, 0, NULL, NULL, 0, 0.1, FALSE);

  /* Only a1–b1 (all channels against channel 1). */
  assert_scores (any, 1, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0);
  g_assert_cmpfloat (calque_shape_match_get_mean_boundary_error (any), ==, 0);
  /* … and that one is music against speech. */
  assert_scores (labelled, 0, 0, 0, 0);
  g_assert_true (isnan (calque_shape_match_get_mean_boundary_error (labelled)));
  assert_scores (none, 0, 1, 1, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agreement-shapes/iou/box-worked-example", test_box_worked_example);
  g_test_add_func ("/agreement-shapes/iou/box-cases", test_box_cases);
  g_test_add_func ("/agreement-shapes/iou/box-quarter-turns", test_box_quarter_turns);
  g_test_add_func ("/agreement-shapes/iou/rotated-box", test_rotated_box);
  g_test_add_func ("/agreement-shapes/iou/polygon-with-hole", test_polygon_with_hole);
  g_test_add_func ("/agreement-shapes/iou/triangle-and-box", test_triangle_and_box);
  g_test_add_func ("/agreement-shapes/iou/self-intersecting-polygon", test_self_intersecting_polygon);
  g_test_add_func ("/agreement-shapes/iou/degenerate", test_degenerate);
  g_test_add_func ("/agreement-shapes/iou/not-finite-and-incomparable", test_not_finite_and_incomparable);
  g_test_add_func ("/agreement-shapes/iou/spans-and-segments", test_spans_and_segments);
  g_test_add_func ("/agreement-shapes/match/optimal-not-greedy", test_match_optimal_not_greedy);
  g_test_add_func ("/agreement-shapes/match/threshold", test_match_threshold);
  g_test_add_func ("/agreement-shapes/match/labels", test_match_labels);
  g_test_add_func ("/agreement-shapes/match/empty", test_match_empty);
  g_test_add_func ("/agreement-shapes/match/not-finite", test_match_not_finite);
  g_test_add_func ("/agreement-shapes/match/polygons", test_match_polygons);
  g_test_add_func ("/agreement-shapes/match/many", test_match_many);
  g_test_add_func ("/agreement-shapes/spans/exact-and-overlap", test_spans);
  g_test_add_func ("/agreement-shapes/spans/one-to-one", test_spans_one_to_one);
  g_test_add_func ("/agreement-shapes/segments/tolerance", test_segments_tolerance);
  g_test_add_func ("/agreement-shapes/segments/most-pairs", test_segments_most_pairs);
  g_test_add_func ("/agreement-shapes/segments/channels-labels", test_segments_channels_labels);
  return g_test_run ();
}
