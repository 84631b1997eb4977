/* calque-agreement-shapes.h — how far two annotators' shapes agree
 *
 * IoU (intersection over union) of two shapes, and one-to-one matching of
 * two annotators' shape sets with precision, recall and F1, for the review
 * view, calque-cli agreement and the dashboard's per-annotator reliability.
 *
 * IoU, calque_shape_iou():
 *
 * - box (axis-aligned, or turned by a multiple of 90°) with box: closed
 *   form, no allocation — the hot path.
 * - polygon (outer ring minus its holes), box with rotation (its four
 *   corners, turned around the centre as calque_shape_validate() turns
 *   them), and box with polygon: areas of the intersection and of each
 *   shape computed by GEOS. A polygon that is not valid (a ring crossing
 *   itself, a hole outside its ring) is first repaired with GEOS's
 *   make-valid in its "structure" method: the outer ring encloses what a
 *   person sees filled — a figure-of-eight becomes its two lobes — holes
 *   are cut out of it, and parts that collapse to lines or points are
 *   dropped (they have no area). A ring of fewer than three points has no
 *   area.
 * - span with span: 1-D IoU of the code point intervals [start, end).
 * - segment with segment: 1-D IoU of the time intervals [start, end), if
 *   the channels are the same or either is -1 (all channels); segments on
 *   two different channels have IoU 0.
 *
 * Shapes with no area (w or h ≤ 0, end ≤ start, a ring collapsed to a
 * line) overlap nothing: their IoU is 0, even with an identical copy.
 * A NaN or infinite coordinate anywhere in either shape gives NaN, checked
 * before any of it reaches GEOS; so do kinds that have no IoU (point,
 * polyline, classification) and kinds that cannot be compared (a box with
 * a span). IoU is symmetric and lies in [0, 1] otherwise.
 *
 * Matching: a pair of shapes (one from each side) can match when its IoU
 * is at least the threshold and above 0 (and, when asked, the labels are
 * equal); among all one-to-one matchings of such pairs the one with the
 * greatest total IoU is chosen (the Hungarian method, calque-hungarian.h).
 * A pair with NaN IoU never matches.
 *
 * Scores: side b is the reference. With m matched pairs, n_a shapes on
 * side a and n_b on side b:
 *
 *   precision = m / n_a     (1 when n_a = 0: a claimed nothing wrong)
 *   recall    = m / n_b     (1 when n_b = 0: there was nothing to find)
 *   F1        = 2m / (n_a + n_b) = 2PR / (P + R)   (1 when both are empty)
 *
 * so two empty sets agree perfectly, and one empty set against a non-empty
 * one has F1 0. F1 is symmetric in a and b. The mean IoU of the matched
 * pairs, and the mean boundary error of segments, are NaN when nothing
 * matched: there is nothing to average.
 */
#pragma once

#include "calque-shape.h"

G_BEGIN_DECLS

double calque_shape_iou (const CalqueShape *a,
                         const CalqueShape *b);

typedef struct {
  guint  a;                /* index in the first set */
  guint  b;                /* index in the second set */
  double iou;              /* the pair's IoU (1-D for spans and segments) */
  double boundary_error;   /* segments: (|Δstart| + |Δend|) / 2 in seconds; 0 otherwise */
} CalqueShapePair;

typedef struct _CalqueShapeMatch CalqueShapeMatch;

/* Matching at an IoU @threshold (PASCAL VOC and COCO's AP50 use 0.5).
 * @labels_a and @labels_b hold one label id per shape (NULL ids are equal
 * to each other only); they may be NULL when @same_label is FALSE. */
CalqueShapeMatch *calque_match_shapes        (const CalqueShape * const *a,
                                              const char * const        *labels_a,
                                              guint                      n_a,
                                              const CalqueShape * const *b,
                                              const char * const        *labels_b,
                                              guint                      n_b,
                                              double                     threshold,
                                              gboolean                   same_label);

/* Text spans, exact agreement: a pair matches when start and end are equal
 * (and the labels, when @same_label), one-to-one: a span annotated twice
 * by a and once by b is one match and one false positive. */
CalqueShapeMatch *calque_match_spans_exact   (const CalqueShape * const *a,
                                              const char * const        *labels_a,
                                              guint                      n_a,
                                              const CalqueShape * const *b,
                                              const char * const        *labels_b,
                                              guint                      n_b,
                                              gboolean                   same_label);

/* Text spans, overlap agreement: a pair can match when the spans share at
 * least one code point (IoU > 0, and the labels when @same_label); each
 * span is matched at most once, choosing the matching of greatest total
 * IoU. Two spans of a that both overlap one span of b count one match,
 * not two. This is calque_match_shapes() with a threshold of 0. */
CalqueShapeMatch *calque_match_spans_overlap (const CalqueShape * const *a,
                                              const char * const        *labels_a,
                                              guint                      n_a,
                                              const CalqueShape * const *b,
                                              const char * const        *labels_b,
                                              guint                      n_b,
                                              gboolean                   same_label);

/* Audio segments within a boundary tolerance: a pair can match when
 * |start_a − start_b| ≤ @tolerance and |end_a − end_b| ≤ @tolerance (in
 * seconds, ≥ 0), the channels agree as for IoU, and the labels when
 * @same_label. One-to-one: the matching with the most pairs, and among
 * those the smallest total boundary error. */
CalqueShapeMatch *calque_match_segments      (const CalqueShape * const *a,
                                              const char * const        *labels_a,
                                              guint                      n_a,
                                              const CalqueShape * const *b,
                                              const char * const        *labels_b,
                                              guint                      n_b,
                                              double                     tolerance,
                                              gboolean                   same_label);

/* The matched pairs, by increasing index in a. */
const CalqueShapePair *calque_shape_match_get_pairs        (const CalqueShapeMatch *self,
                                                            guint                  *n_pairs);
/* Indices, increasing, of the shapes of a (or b) left unmatched. */
const guint           *calque_shape_match_get_unmatched_a  (const CalqueShapeMatch *self,
                                                            guint                  *n_unmatched);
const guint           *calque_shape_match_get_unmatched_b  (const CalqueShapeMatch *self,
                                                            guint                  *n_unmatched);
guint                  calque_shape_match_get_n_pairs      (const CalqueShapeMatch *self);
double                 calque_shape_match_get_precision    (const CalqueShapeMatch *self);
double                 calque_shape_match_get_recall       (const CalqueShapeMatch *self);
double                 calque_shape_match_get_f1           (const CalqueShapeMatch *self);
double                 calque_shape_match_get_mean_iou     (const CalqueShapeMatch *self);
/* Segments only; NaN for the other matchings. */
double                 calque_shape_match_get_mean_boundary_error (const CalqueShapeMatch *self);
void                   calque_shape_match_free             (CalqueShapeMatch       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueShapeMatch, calque_shape_match_free)

G_END_DECLS
