/* calque-consensus.h — one version of an item from several annotators' versions
 *
 * Matching plus majority vote, for the reviewer's "merge":
 *
 * 1. Clusters. The annotators are taken in the order given (the review
 *    passes them sorted by name). The first one's shapes each start a
 *    cluster; each next annotator's shapes are matched one to one to the
 *    clusters so far (the Hungarian method, calque-hungarian.h), a shape
 *    and a cluster being a candidate pair when the shape's kind is that of
 *    the cluster and its mean IoU with the cluster's members is at least
 *    the IoU threshold (and above 0). The pairs of greatest total score
 *    join their clusters; every other shape starts a cluster of its own.
 *    So an annotator contributes at most one shape to a cluster, and labels
 *    play no part in matching: two annotators who boxed the same thing but
 *    named it differently land in one cluster whose labels disagree.
 *    Whole-item classifications all match each other (score 1). Points and
 *    polylines have no IoU: each stays alone in its cluster.
 *
 * 2. Vote. With N annotators (those with an empty version count: they said
 *    "nothing here"), a cluster is kept when at least ceil (vote × N) of
 *    them are in it. vote = 0.5 keeps what a majority of three found, or
 *    what either of two found; vote = 1 keeps what everyone found.
 *
 * 3. The kept cluster's label is the one most of its members carry; on a
 *    tie, the tied label of the earliest member (in annotator order) wins.
 *    A NULL label counts as a label of its own.
 *
 * 4. Its geometry, by kind:
 *    - box: the median of each edge (left, top, right, bottom) and of the
 *      rotation. Medians of edges, not of x/y/w/h, so that the result lies
 *      inside every bound all members lie in: an image's edges included.
 *    - polygon: the medoid, the member with the highest mean IoU to the
 *      others (the earliest on a tie), holes and all. An average of
 *      outlines with different numbers of points has no good meaning.
 *    - span: the median start and end, in code points; with an even
 *      number of members the two middle values are averaged, the start
 *      rounded down and the end up, so a span stays whole code points.
 *    - segment: the median start and end in seconds; the members' channel
 *      if they share one, else -1 (all channels).
 *    - others (point, polyline, classification): the earliest member's.
 *    Medians of an even number of values are the mean of the two middle
 *    ones. Every median start lies before its median end.
 *
 * For highlighting, the result also says which shapes are in no kept
 * cluster (unmatched) and which kept clusters' members disagree on the label.
 *
 * Pure and GTK-free: nothing here reads a store.
 */
#pragma once

#include "calque-shape.h"

G_BEGIN_DECLS

typedef struct {
  double vote;            /* share of the annotators a cluster needs, in (0, 1] (0.5) */
  double iou_threshold;   /* mean IoU a shape needs with a cluster to join it, in (0, 1] (0.5) */
} CalqueConsensusOptions;

#define CALQUE_CONSENSUS_OPTIONS_INIT { .vote = 0.5, .iou_threshold = 0.5 }

/* One annotator's version of the item: @n_shapes shapes, each with one
 * label id (the array may be NULL: no labels). */
typedef struct {
  const CalqueShape * const *shapes;
  const char * const        *labels;
  guint                      n_shapes;
} CalqueConsensusVersion;

/* A shape of the input: the annotator's position in the array given, and
 * the shape's index in that annotator's version. */
typedef struct {
  guint annotator;
  guint index;
} CalqueConsensusMember;

typedef struct _CalqueConsensus CalqueConsensus;

/* @options may be NULL for the defaults. */
CalqueConsensus             *calque_consensus_compute            (const CalqueConsensusVersion *versions,
                                                                  guint                         n_versions,
                                                                  const CalqueConsensusOptions *options);
void                         calque_consensus_free               (CalqueConsensus              *self);

/* How many annotators a kept cluster needed: ceil (vote × N), at least 1. */
guint                        calque_consensus_get_needed         (const CalqueConsensus        *self);

/* The kept clusters, in the order of their earliest member. */
guint                        calque_consensus_get_n_clusters     (const CalqueConsensus        *self);
const CalqueShape           *calque_consensus_get_shape          (const CalqueConsensus        *self,
                                                                  guint                         cluster);
/* The winning label id; NULL when the winners carried none. */
const char                  *calque_consensus_get_label          (const CalqueConsensus        *self,
                                                                  guint                         cluster);
/* Whether the cluster's members carry more than one label. */
gboolean                     calque_consensus_get_label_disagrees (const CalqueConsensus       *self,
                                                                  guint                         cluster);
/* The members, by annotator. */
const CalqueConsensusMember *calque_consensus_get_members        (const CalqueConsensus        *self,
                                                                  guint                         cluster,
                                                                  guint                        *n_members);

/* The shapes in no kept cluster, by annotator then index. */
const CalqueConsensusMember *calque_consensus_get_unmatched      (const CalqueConsensus        *self,
                                                                  guint                        *n_unmatched);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueConsensus, calque_consensus_free)

G_END_DECLS
