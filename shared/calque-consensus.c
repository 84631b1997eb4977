/* calque-consensus.c — one version of an item from several annotators' versions
 *
 * The rules are in calque-consensus.h. Clusters grow one annotator at a
 * time; the score of a shape against a cluster is its mean IoU with the
 * members, recomputed from the members' IoUs, which costs O(shapes² ×
 * annotators) IoUs per item: a few thousand boxes per image at most.
 */
#define G_LOG_DOMAIN "calque-consensus"

#include "calque-consensus.h"

#include <math.h>
#include <stdlib.h>

#include "calque-agreement-shapes.h"
#include "calque-hungarian.h"

typedef struct {
  GArray      *members;         /* CalqueConsensusMember */
  CalqueShapeKind kind;
  CalqueShape *shape;           /* kept clusters: the consensus geometry */
  char        *label;           /* kept clusters: the winning label id */
  gboolean     disagrees;
} Cluster;

struct _CalqueConsensus
{
  guint      needed;
  GPtrArray *clusters;          /* Cluster, kept only */
  GArray    *unmatched;         /* CalqueConsensusMember */
};

static void
cluster_free (Cluster *cluster)
{
  g_array_unref (cluster->members);
  g_clear_pointer (&cluster->shape, calque_shape_free);
  g_free (cluster->label);
  g_free (cluster);
}

static const CalqueShape *
member_shape (const CalqueConsensusVersion *versions,
              const CalqueConsensusMember  *member)
{
  return versions[member->annotator].shapes[member->index];
}

static const char *
member_label (const CalqueConsensusVersion *versions,
              const CalqueConsensusMember  *member)
{
  const CalqueConsensusVersion *version = &versions[member->annotator];

  return version->labels != NULL ? version->labels[member->index] : NULL;
}

/* How alike two shapes are, for clustering: their IoU, 1 for two
 * classifications, 0 for different kinds or no IoU at all (NaN). */
static double
similarity (const CalqueShape *a,
            const CalqueShape *b)
{
  double iou;

  if (a->kind != b->kind)
    return 0;
  if (a->kind == CALQUE_SHAPE_CLASSIFICATION)
    return 1;
  iou = calque_shape_iou (a, b);
  return isnan (iou) ? 0 : iou;
}

static double
mean_similarity (const CalqueConsensusVersion *versions,
                 const Cluster                *cluster,
                 const CalqueShape            *shape)
{
  double sum = 0;

  for (guint i = 0; i < cluster->members->len; i++)
    sum += similarity (shape, member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, i)));
  return cluster->members->len > 0 ? sum / cluster->members->len : 0;
}

static Cluster *
cluster_new (const CalqueConsensusVersion *versions,
             guint                         annotator,
             guint                         index)
{
  Cluster *cluster = g_new0 (Cluster, 1);
  CalqueConsensusMember member = { annotator, index };

  cluster->members = g_array_new (FALSE, FALSE, sizeof (CalqueConsensusMember));
  g_array_append_val (cluster->members, member);
  cluster->kind = member_shape (versions, &member)->kind;
  return cluster;
}

/* --- geometry ----------------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorts @values in place; the mean of the two middle ones when even. */
static double
median (double *values,
        guint   n)
{
  g_assert (n > 0);
  qsort (values, n, sizeof (double), compare_doubles);
  return (values[(n - 1) / 2] + values[n / 2]) / 2;
}

static CalqueShape *
median_box (const CalqueConsensusVersion *versions,
            const Cluster                *cluster)
{
  guint n = cluster->members->len;
  g_autofree double *values = g_new (double, n);
  double edges[5];
  CalqueShape *shape;

  for (guint edge = 0; edge < 5; edge++)
    {
      for (guint i = 0; i < n; i++)
        {
          const CalqueShape *box = member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, i));

          values[i] = edge == 0 ? box->x : edge == 1 ? box->y : edge == 2 ? box->x + box->w
                    : edge == 3 ? box->y + box->h : box->rotation;
        }
      edges[edge] = median (values, n);
    }
  shape = calque_shape_new_box (edges[0], edges[1], edges[2] - edges[0], edges[3] - edges[1]);
  shape->rotation = edges[4];
  return shape;
}

static CalqueShape *
medoid (const CalqueConsensusVersion *versions,
        const Cluster                *cluster)
{
  guint best = 0;
  double best_sum = -1;

  for (guint i = 0; i < cluster->members->len; i++)
    {
      const CalqueShape *a = member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, i));
      double sum = 0;

      for (guint j = 0; j < cluster->members->len; j++)
        if (j != i)
          sum += similarity (a, member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, j)));
      /* Strictly greater: the earliest member wins a tie. */
      if (sum > best_sum)
        {
          best_sum = sum;
          best = i;
        }
    }
  return calque_shape_copy (member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, best)));
}

static CalqueShape *
median_interval (const CalqueConsensusVersion *versions,
                 const Cluster                *cluster)
{
  guint n = cluster->members->len;
  g_autofree double *starts = g_new (double, n);
  g_autofree double *ends = g_new (double, n);
  const CalqueShape *first = member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, 0));
  int channel = first->channel;
  double start, end;

  for (guint i = 0; i < n; i++)
    {
      const CalqueShape *shape = member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, i));

      starts[i] = shape->kind == CALQUE_SHAPE_SPAN ? (double) shape->span_start : shape->seg_start;
      ends[i] = shape->kind == CALQUE_SHAPE_SPAN ? (double) shape->span_end : shape->seg_end;
      if (shape->channel != channel)
        channel = -1;
    }
  start = median (starts, n);
  end = median (ends, n);

  if (cluster->kind == CALQUE_SHAPE_SPAN)
    return calque_shape_new_span ((gint64) floor (start), (gint64) ceil (end));
  {
    CalqueShape *segment = calque_shape_new_segment (start, end);

    segment->channel = channel;
    return segment;
  }
}

static CalqueShape *
cluster_geometry (const CalqueConsensusVersion *versions,
                  const Cluster                *cluster)
{
  switch (cluster->kind)
    {
    case CALQUE_SHAPE_BOX:
      return median_box (versions, cluster);
    case CALQUE_SHAPE_POLYGON:
      return medoid (versions, cluster);
    case CALQUE_SHAPE_SPAN:
    case CALQUE_SHAPE_SEGMENT:
      return median_interval (versions, cluster);
    case CALQUE_SHAPE_POINT:
    case CALQUE_SHAPE_POLYLINE:
    case CALQUE_SHAPE_CLASSIFICATION:
    default:
      return calque_shape_copy (member_shape (versions, &g_array_index (cluster->members, CalqueConsensusMember, 0)));
    }
}

/* The label most members carry, the earliest member's among tied ones. */
static void
cluster_vote_label (const CalqueConsensusVersion *versions,
                    Cluster                      *cluster)
{
  guint best_count = 0;
  const char *winner = NULL;
  const char *first = member_label (versions, &g_array_index (cluster->members, CalqueConsensusMember, 0));

  for (guint i = 0; i < cluster->members->len; i++)
    {
      const char *label = member_label (versions, &g_array_index (cluster->members, CalqueConsensusMember, i));
      guint count = 0;

      if (g_strcmp0 (label, first) != 0)
        cluster->disagrees = TRUE;
      for (guint j = 0; j < cluster->members->len; j++)
        count += g_strcmp0 (label, member_label (versions, &g_array_index (cluster->members, CalqueConsensusMember, j))) == 0;
      if (count > best_count)
        {
          best_count = count;
          winner = label;
        }
    }
  cluster->label = g_strdup (winner);
}

/* --- clustering ------------------------------------------------------------------- */

/* Matches the shapes of @annotator to @clusters one to one; returns, per
 * shape, the cluster it joins or -1. */
static int *
match_annotator (const CalqueConsensusVersion *versions,
                 guint                         annotator,
                 GPtrArray                    *clusters,
                 double                        threshold)
{
  const CalqueConsensusVersion *version = &versions[annotator];
  guint n_rows = version->n_shapes, n_cols = clusters->len;
  g_autofree double *score = g_new0 (double, (gsize) n_rows * MAX (n_cols, 1));
  g_autofree double *cost = g_new0 (double, (gsize) n_rows * MAX (n_cols, 1));
  int *row_to_col = g_new (int, MAX (n_rows, 1));
  gboolean any = FALSE;

  for (guint r = 0; r < n_rows; r++)
    {
      row_to_col[r] = -1;
      for (guint c = 0; c < n_cols; c++)
        {
          Cluster *cluster = g_ptr_array_index (clusters, c);
          double s = 0;

          if (cluster->kind == version->shapes[r]->kind)
            s = mean_similarity (versions, cluster, version->shapes[r]);
          /* Pairs below the threshold cost nothing: the optimum never
           * needs them, and they are dropped after solving. */
          if (s >= threshold && s > 0)
            {
              score[(gsize) r * n_cols + c] = s;
              cost[(gsize) r * n_cols + c] = -s;
              any = TRUE;
            }
        }
    }
  if (!any)
    return row_to_col;

  calque_hungarian_solve (cost, n_rows, n_cols, row_to_col);
  for (guint r = 0; r < n_rows; r++)
    if (row_to_col[r] >= 0 && score[(gsize) r * n_cols + row_to_col[r]] <= 0)
      row_to_col[r] = -1;
  return row_to_col;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const CalqueConsensusMember *x = a, *y = b;

  if (x->annotator != y->annotator)
    return x->annotator < y->annotator ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

CalqueConsensus *
calque_consensus_compute (const CalqueConsensusVersion *versions,
                          guint                         n_versions,
                          const CalqueConsensusOptions *options)
{
  CalqueConsensusOptions defaults = CALQUE_CONSENSUS_OPTIONS_INIT;
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func ((GDestroyNotify) cluster_free);
  CalqueConsensus *self;

  g_return_val_if_fail (versions != NULL || n_versions == 0, NULL);

  if (options == NULL)
    options = &defaults;
  g_return_val_if_fail (options->vote > 0 && options->vote <= 1, NULL);
  g_return_val_if_fail (options->iou_threshold > 0 && options->iou_threshold <= 1, NULL);

  self = g_new0 (CalqueConsensus, 1);
  /* A little slack so that 0.6 × 5 is 3, not 4 by rounding error. */
  self->needed = MAX (1, (guint) ceil (options->vote * n_versions - 1e-9));
  self->clusters = g_ptr_array_new_with_free_func ((GDestroyNotify) cluster_free);
  self->unmatched = g_array_new (FALSE, FALSE, sizeof (CalqueConsensusMember));

  for (guint a = 0; a < n_versions; a++)
    {
      g_autofree int *joins = match_annotator (versions, a, clusters, options->iou_threshold);
      guint n_before = clusters->len;

      for (guint s = 0; s < versions[a].n_shapes; s++)
        {
          if (joins[s] >= 0)
            {
              CalqueConsensusMember member = { a, s };

              g_assert ((guint) joins[s] < n_before);
              g_array_append_val (((Cluster *) g_ptr_array_index (clusters, joins[s]))->members, member);
            }
          else
            g_ptr_array_add (clusters, cluster_new (versions, a, s));
        }
    }

  /* Clusters are made in the order of their earliest member already. */
  for (guint c = 0; c < clusters->len; c++)
    {
      Cluster *cluster = g_ptr_array_index (clusters, c);

      if (cluster->members->len >= self->needed)
        {
          cluster_vote_label (versions, cluster);
          cluster->shape = cluster_geometry (versions, cluster);
          g_ptr_array_add (self->clusters, g_ptr_array_steal_index (clusters, c));
          c--;
        }
      else
        g_array_append_vals (self->unmatched, cluster->members->data, cluster->members->len);
    }
  g_array_sort (self->unmatched, compare_members);
  return self;
}

void
calque_consensus_free (CalqueConsensus *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->clusters);
  g_array_unref (self->unmatched);
  g_free (self);
}

guint
calque_consensus_get_needed (const CalqueConsensus *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->needed;
}

guint
calque_consensus_get_n_clusters (const CalqueConsensus *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->clusters->len;
}

static const Cluster *
get_cluster (const CalqueConsensus *self,
             guint                  cluster)
{
  g_return_val_if_fail (self != NULL && cluster < self->clusters->len, NULL);
  return g_ptr_array_index (self->clusters, cluster);
}

const CalqueShape *
calque_consensus_get_shape (const CalqueConsensus *self,
                            guint                  cluster)
{
  const Cluster *c = get_cluster (self, cluster);

  return c != NULL ? c->shape : NULL;
}

const char *
calque_consensus_get_label (const CalqueConsensus *self,
                            guint                  cluster)
{
  const Cluster *c = get_cluster (self, cluster);

  return c != NULL ? c->label : NULL;
}

gboolean
calque_consensus_get_label_disagrees (const CalqueConsensus *self,
                                      guint                  cluster)
{
  const Cluster *c = get_cluster (self, cluster);

  return c != NULL && c->disagrees;
}

const CalqueConsensusMember *
calque_consensus_get_members (const CalqueConsensus *self,
                              guint                  cluster,
                              guint                 *n_members)
{
  const Cluster *c = get_cluster (self, cluster);

  if (n_members != NULL)
    *n_members = c != NULL ? c->members->len : 0;
  return c != NULL ? (const CalqueConsensusMember *) (gconstpointer) c->members->data : NULL;
}

const CalqueConsensusMember *
calque_consensus_get_unmatched (const CalqueConsensus *self,
                                guint                 *n_unmatched)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (n_unmatched != NULL)
    *n_unmatched = self->unmatched->len;
  return (const CalqueConsensusMember *) (gconstpointer) self->unmatched->data;
}
