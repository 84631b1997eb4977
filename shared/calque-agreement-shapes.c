/* calque-agreement-shapes.c — IoU of shapes and one-to-one matching */
#define G_LOG_DOMAIN "calque-agreement"

#include "calque-agreement-shapes.h"
#include "calque-hungarian.h"

#include <geos_c.h>
#include <math.h>
#include <string.h>

/* One GEOS context, made the first time a shape needs it, for one call of
 * calque_shape_iou() or one matching: the reentrant API keeps all its state
 * in the handle, so matchings may run in several threads at once. */
typedef struct {
  GEOSContextHandle_t  handle;
  GEOSMakeValidParams *params;
} Geos;

/* A shape reduced to what IoU needs. */
typedef struct {
  const CalqueShape *shape;
  int       dim;        /* 1: span, segment; 2: box, polygon; 0: no IoU (point, …) */
  gboolean  finite;     /* every number finite; FALSE gives NaN */
  gboolean  empty;      /* no length or area: overlaps nothing */
  gboolean  axis_box;   /* a box with its sides along the axes: closed form */
  double    x0, y0, x1, y1;   /* bounding box; for dim 1, [x0, x1) */
  double    size;       /* length or area; for GEOS shapes, known once geom is made */
  int       channel;    /* segments */
  gboolean  geom_tried; /* geom made (or failed: geom NULL, size NaN) */
  GEOSGeometry *geom;   /* the repaired polygon, for GEOS shapes */
} Prepared;

/* An eligible pair: both sides may be matched to each other. */
typedef struct {
  guint  a, b;
  double weight;        /* > 0; the matching maximises the total */
  double iou;
  double boundary_error;
} Edge;

struct _CalqueShapeMatch {
  GArray *pairs;        /* CalqueShapePair, by increasing a */
  GArray *unmatched_a;  /* guint */
  GArray *unmatched_b;  /* guint */
  guint   n_a, n_b;
  double  mean_iou;
  double  mean_boundary_error;
};

/* ---- GEOS ---- */

static void
geos_init (Geos *geos)
{
  if (geos->handle != NULL)
    return;
  geos->handle = GEOS_init_r ();
  /* Structure: rings enclose what they look like they enclose, holes are
   * cut out; parts collapsed to lines or points are dropped, since only
   * area counts here. */
  geos->params = GEOSMakeValidParams_create_r (geos->handle);
  GEOSMakeValidParams_setMethod_r (geos->handle, geos->params, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r (geos->handle, geos->params, 0);
}

static void
geos_clear (Geos *geos)
{
  if (geos->handle == NULL)
    return;
  GEOSMakeValidParams_destroy_r (geos->handle, geos->params);
  GEOS_finish_r (geos->handle);
  geos->handle = NULL;
  geos->params = NULL;
}

/* A closed ring from @n_points points (2 × n doubles), or NULL when it has
 * fewer than three points or GEOS refuses it. */
static GEOSGeometry *
make_ring (Geos         *geos,
           const double *coords,
           guint         n_points)
{
  g_autofree double *closed = NULL;
  GEOSCoordSequence *seq;
  gboolean is_closed;
  guint n;

  if (n_points < 3)
    return NULL;
  is_closed = coords[0] == coords[2 * (n_points - 1)] && coords[1] == coords[2 * (n_points - 1) + 1];
  n = is_closed ? n_points : n_points + 1;
  closed = g_new (double, 2 * n);
  memcpy (closed, coords, sizeof (double) * 2 * n_points);
  closed[2 * (n - 1)] = coords[0];
  closed[2 * (n - 1) + 1] = coords[1];
  if (n < 4)
    return NULL;

  seq = GEOSCoordSeq_copyFromBuffer_r (geos->handle, closed, n, 0, 0);
  if (seq == NULL)
    return NULL;
  /* Takes the sequence, also on failure. */
  return GEOSGeom_createLinearRing_r (geos->handle, seq);
}

static void
box_corners (const CalqueShape *box,
             double             corners[8])
{
  double rad = box->rotation * G_PI / 180.0;
  double c = cos (rad), s = sin (rad);
  double cx = box->x + box->w / 2, cy = box->y + box->h / 2;
  /* Around the box, as calque_shape_validate() and the canvas turn it. */
  static const int signs[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };

  for (int k = 0; k < 4; k++)
    {
      double dx = signs[k][0] * box->w / 2;
      double dy = signs[k][1] * box->h / 2;

      corners[2 * k] = cx + dx * c - dy * s;
      corners[2 * k + 1] = cy + dx * s + dy * c;
    }
}

/* Makes @p's GEOS polygon, valid, and its area. On failure geom stays NULL
 * and the size NaN. */
static void
ensure_geom (Geos     *geos,
             Prepared *p)
{
  const CalqueShape *shape = p->shape;
  GEOSGeometry *shell = NULL;
  g_autofree GEOSGeometry **holes = NULL;
  guint n_holes = 0;
  GEOSGeometry *polygon;
  double area;

  if (p->geom_tried)
    return;
  p->geom_tried = TRUE;
  p->size = NAN;
  geos_init (geos);

  if (shape->kind == CALQUE_SHAPE_BOX)
    {
      double corners[8];

      box_corners (shape, corners);
      shell = make_ring (geos, corners, 4);
    }
  else
    {
      shell = make_ring (geos, (const double *) shape->points->data, shape->points->len / 2);
      if (shape->holes != NULL && shape->holes->len > 0)
        {
          holes = g_new (GEOSGeometry *, shape->holes->len);
          for (guint h = 0; h < shape->holes->len; h++)
            {
              GArray *ring = g_ptr_array_index (shape->holes, h);
              GEOSGeometry *hole = make_ring (geos, (const double *) ring->data, ring->len / 2);

              /* A hole of fewer than three points removes no area. */
              if (hole != NULL)
                holes[n_holes++] = hole;
            }
        }
    }

  if (shell == NULL)
    {
      /* Fewer than three distinct points: no area. */
      p->empty = TRUE;
      p->size = 0;
      for (guint h = 0; h < n_holes; h++)
        GEOSGeom_destroy_r (geos->handle, holes[h]);
      return;
    }
  /* Takes the shell and the holes, also on failure. */
  polygon = GEOSGeom_createPolygon_r (geos->handle, shell, holes, n_holes);
  if (polygon == NULL)
    return;

  if (GEOSisValid_r (geos->handle, polygon) != 1)
    {
      GEOSGeometry *valid = GEOSMakeValidWithParams_r (geos->handle, polygon, geos->params);

      GEOSGeom_destroy_r (geos->handle, polygon);
      if (valid == NULL)
        return;
      polygon = valid;
    }
  if (GEOSArea_r (geos->handle, polygon, &area) != 1 || !isfinite (area))
    {
      GEOSGeom_destroy_r (geos->handle, polygon);
      return;
    }
  p->geom = polygon;
  p->size = area;
  p->empty = !(area > 0);
}

/* ---- Preparing shapes ---- */

static gboolean
all_finite (const GArray *coords)
{
  const double *v = (const double *) coords->data;

  for (guint i = 0; i < coords->len; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

static void
prepare (const CalqueShape *shape,
         Prepared          *p)
{
  memset (p, 0, sizeof *p);
  p->shape = shape;
  p->channel = -1;

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
      {
        double turns;

        p->dim = 2;
        p->finite = isfinite (shape->x) && isfinite (shape->y) && isfinite (shape->w)
                    && isfinite (shape->h) && isfinite (shape->rotation);
        if (!p->finite)
          return;
        p->empty = !(shape->w > 0 && shape->h > 0);
        p->size = p->empty ? 0 : shape->w * shape->h;

        /* A quarter turn keeps a box axis-aligned: the same centre, w and h
         * swapped. Anything else goes through GEOS. */
        turns = shape->rotation / 90.0;
        if (turns == floor (turns))
          {
            double cx = shape->x + shape->w / 2, cy = shape->y + shape->h / 2;
            gboolean swap = fmod (fabs (turns), 2.0) == 1.0;
            double hw = (swap ? shape->h : shape->w) / 2, hh = (swap ? shape->w : shape->h) / 2;

            p->axis_box = TRUE;
            p->x0 = turns == 0 ? shape->x : cx - hw;
            p->x1 = turns == 0 ? shape->x + shape->w : cx + hw;
            p->y0 = turns == 0 ? shape->y : cy - hh;
            p->y1 = turns == 0 ? shape->y + shape->h : cy + hh;
          }
        else
          {
            double corners[8];

            box_corners (shape, corners);
            p->x0 = p->x1 = corners[0];
            p->y0 = p->y1 = corners[1];
            for (int k = 1; k < 4; k++)
              {
                p->x0 = MIN (p->x0, corners[2 * k]);
                p->x1 = MAX (p->x1, corners[2 * k]);
                p->y0 = MIN (p->y0, corners[2 * k + 1]);
                p->y1 = MAX (p->y1, corners[2 * k + 1]);
              }
          }
        break;
      }

    case CALQUE_SHAPE_POLYGON:
      {
        const double *v;
        guint n;

        p->dim = 2;
        p->finite = shape->points != NULL && all_finite (shape->points);
        if (p->finite && shape->holes != NULL)
          for (guint h = 0; h < shape->holes->len; h++)
            p->finite = p->finite && all_finite (g_ptr_array_index (shape->holes, h));
        if (!p->finite)
          return;

        n = shape->points->len / 2;
        if (n < 3)
          {
            p->empty = TRUE;
            p->size = 0;
            p->geom_tried = TRUE;
            return;
          }
        /* Holes lie inside the shell once repaired, so the shell's points
         * bound the whole polygon. */
        v = (const double *) shape->points->data;
        p->x0 = p->x1 = v[0];
        p->y0 = p->y1 = v[1];
        for (guint i = 1; i < n; i++)
          {
            p->x0 = MIN (p->x0, v[2 * i]);
            p->x1 = MAX (p->x1, v[2 * i]);
            p->y0 = MIN (p->y0, v[2 * i + 1]);
            p->y1 = MAX (p->y1, v[2 * i + 1]);
          }
        p->size = NAN;   /* known once GEOS has made it valid */
        break;
      }

    case CALQUE_SHAPE_SPAN:
      p->dim = 1;
      p->finite = TRUE;
      p->x0 = (double) shape->span_start;
      p->x1 = (double) shape->span_end;
      p->empty = !(p->x1 > p->x0);
      p->size = p->empty ? 0 : p->x1 - p->x0;
      break;

    case CALQUE_SHAPE_SEGMENT:
      p->dim = 1;
      p->finite = isfinite (shape->seg_start) && isfinite (shape->seg_end);
      p->x0 = shape->seg_start;
      p->x1 = shape->seg_end;
      p->empty = !(p->x1 > p->x0);
      p->size = p->empty ? 0 : p->x1 - p->x0;
      p->channel = shape->channel;
      break;

    case CALQUE_SHAPE_POLYLINE:
    case CALQUE_SHAPE_POINT:
    case CALQUE_SHAPE_CLASSIFICATION:
    default:
      p->dim = 0;
      break;
    }
}

static void
prepared_clear (Geos     *geos,
                Prepared *p)
{
  if (p->geom != NULL)
    GEOSGeom_destroy_r (geos->handle, p->geom);
  p->geom = NULL;
}

static double
ratio (double inter,
       double size_a,
       double size_b)
{
  double uni = size_a + size_b - inter;

  if (!(uni > 0))
    return 0;
  return CLAMP (inter / uni, 0.0, 1.0);
}

static gboolean
same_kind_family (const CalqueShape *a,
                  const CalqueShape *b)
{
  if (a->kind == CALQUE_SHAPE_SPAN || b->kind == CALQUE_SHAPE_SPAN)
    return a->kind == b->kind;
  if (a->kind == CALQUE_SHAPE_SEGMENT || b->kind == CALQUE_SHAPE_SEGMENT)
    return a->kind == b->kind;
  return TRUE;
}

/* The IoU of @a and @b; or, when it is surely below @at_least, 0 without
 * asking GEOS for the intersection (matching needs no exact value for a
 * pair that cannot match). */
static double
prepared_iou (Geos     *geos,
              Prepared *a,
              Prepared *b,
              double    at_least)
{
  double bound;
  GEOSGeometry *inter;
  double inter_area;

  if (a->dim == 0 || b->dim == 0 || a->dim != b->dim || !a->finite || !b->finite
      || !same_kind_family (a->shape, b->shape))
    return NAN;
  if (a->empty || b->empty)
    return 0;

  if (a->dim == 1)
    {
      if (a->shape->kind == CALQUE_SHAPE_SEGMENT
          && a->channel != b->channel && a->channel != -1 && b->channel != -1)
        return 0;
      return ratio (MAX (0.0, MIN (a->x1, b->x1) - MAX (a->x0, b->x0)), a->size, b->size);
    }

  /* Bounding boxes apart (or only touching): nothing shared. */
  if (MIN (a->x1, b->x1) <= MAX (a->x0, b->x0) || MIN (a->y1, b->y1) <= MAX (a->y0, b->y0))
    return 0;

  if (a->axis_box && b->axis_box)
    {
      double iw = MIN (a->x1, b->x1) - MAX (a->x0, b->x0);
      double ih = MIN (a->y1, b->y1) - MAX (a->y0, b->y0);

      return ratio (iw * ih, a->size, b->size);
    }

  ensure_geom (geos, a);
  ensure_geom (geos, b);
  if (a->geom == NULL || b->geom == NULL)
    return a->empty || b->empty ? 0 : NAN;
  if (a->empty || b->empty)
    return 0;

  /* The intersection is at most the smaller area and at most the overlap
   * of the bounding boxes, m; the union is then at least A + B − m. Most
   * pairs that merely touch stop here, and GEOS's overlay is the cost. */
  bound = MIN (MIN (a->size, b->size),
               (MIN (a->x1, b->x1) - MAX (a->x0, b->x0)) * (MIN (a->y1, b->y1) - MAX (a->y0, b->y0)));
  if (ratio (bound, a->size, b->size) < at_least)
    return 0;

  inter = GEOSIntersection_r (geos->handle, a->geom, b->geom);
  if (inter == NULL)
    return NAN;
  if (GEOSArea_r (geos->handle, inter, &inter_area) != 1)
    inter_area = NAN;
  GEOSGeom_destroy_r (geos->handle, inter);
  if (!isfinite (inter_area))
    return NAN;
  return ratio (inter_area, a->size, b->size);
}

double
calque_shape_iou (const CalqueShape *a,
                  const CalqueShape *b)
{
  Geos geos = { NULL, NULL };
  Prepared pa, pb;
  double iou;

  g_return_val_if_fail (a != NULL, NAN);
  g_return_val_if_fail (b != NULL, NAN);

  prepare (a, &pa);
  prepare (b, &pb);
  iou = prepared_iou (&geos, &pa, &pb, 0);
  prepared_clear (&geos, &pa);
  prepared_clear (&geos, &pb);
  geos_clear (&geos);
  return iou;
}

/* ---- Matching ---- */

static gboolean
all_non_null (const CalqueShape * const *shapes,
              guint                      n)
{
  for (guint i = 0; i < n; i++)
    if (shapes[i] == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
labels_equal (const char * const *labels_a,
              const char * const *labels_b,
              guint               i,
              guint               j)
{
  return g_strcmp0 (labels_a[i], labels_b[j]) == 0;
}

static guint
uf_find (guint *parent,
         guint  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

static int
compare_pairs (gconstpointer x,
               gconstpointer y)
{
  const CalqueShapePair *p = x, *q = y;

  return p->a < q->a ? -1 : p->a > q->a;
}

/* Picks among @edges the one-to-one matching of greatest total weight.
 * Shapes overlap locally, so the graph of eligible pairs falls apart into
 * small connected components, each solved on its own small dense matrix:
 * 5,000 polygons on one image never make a 5,000 × 5,000 matrix. */
static CalqueShapeMatch *
match_edges (GArray *edges,
             guint   n_a,
             guint   n_b,
             gboolean segments)
{
  CalqueShapeMatch *self = g_new0 (CalqueShapeMatch, 1);
  guint n_nodes = n_a + n_b;
  g_autofree guint *parent = g_new (guint, n_nodes);
  g_autofree int *comp = g_new (int, n_nodes);        /* component of a node, -1 without edges */
  g_autofree int *root_comp = g_new (int, n_nodes);   /* component whose union-find root this is */
  g_autofree guint *local = g_new (guint, n_nodes);   /* row or column within its component */
  g_autoptr(GArray) comp_rows = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GArray) comp_cols = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autofree guint *edge_start = NULL;
  g_autofree guint *edge_order = NULL;
  g_autofree gboolean *matched = g_new0 (gboolean, n_nodes);
  g_autofree double *cost = NULL;
  g_autofree int *cell_edge = NULL;
  g_autofree int *row_to_col = NULL;
  gsize cost_size = 0;
  guint n_comps = 0, max_rows = 0;
  double sum_iou = 0, sum_error = 0;

  self->n_a = n_a;
  self->n_b = n_b;
  self->pairs = g_array_new (FALSE, FALSE, sizeof (CalqueShapePair));
  self->unmatched_a = g_array_new (FALSE, FALSE, sizeof (guint));
  self->unmatched_b = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint k = 0; k < n_nodes; k++)
    {
      parent[k] = k;
      comp[k] = -1;
      root_comp[k] = -1;
    }
  for (guint e = 0; e < edges->len; e++)
    {
      Edge *edge = &g_array_index (edges, Edge, e);
      guint ra = uf_find (parent, edge->a), rb = uf_find (parent, n_a + edge->b);

      if (ra != rb)
        parent[rb] = ra;
    }

  /* Number the components, and the rows and columns within each. */
  for (guint e = 0; e < edges->len; e++)
    {
      Edge *edge = &g_array_index (edges, Edge, e);
      guint nodes[2] = { edge->a, n_a + edge->b };

      for (int s = 0; s < 2; s++)
        {
          guint root = uf_find (parent, nodes[s]);
          guint zero = 0;
          GArray *counts = s == 0 ? comp_rows : comp_cols;

          if (comp[nodes[s]] >= 0)
            continue;
          /* A component is numbered when first met. */
          if (root_comp[root] < 0)
            {
              root_comp[root] = (int) n_comps++;
              g_array_append_val (comp_rows, zero);
              g_array_append_val (comp_cols, zero);
            }
          comp[nodes[s]] = root_comp[root];
          local[nodes[s]] = g_array_index (counts, guint, root_comp[root])++;
        }
    }

  /* Edges bucketed by component (counting sort). */
  edge_start = g_new0 (guint, n_comps + 1);
  edge_order = g_new (guint, MAX (edges->len, 1));
  for (guint e = 0; e < edges->len; e++)
    edge_start[comp[g_array_index (edges, Edge, e).a] + 1]++;
  for (guint c = 0; c < n_comps; c++)
    {
      edge_start[c + 1] += edge_start[c];
      max_rows = MAX (max_rows, g_array_index (comp_rows, guint, c));
    }
  {
    g_autofree guint *fill = g_memdup2 (edge_start, sizeof (guint) * (n_comps + 1));

    for (guint e = 0; e < edges->len; e++)
      edge_order[fill[comp[g_array_index (edges, Edge, e).a]]++] = e;
  }
  row_to_col = g_new (int, MAX (max_rows, 1));

  for (guint c = 0; c < n_comps; c++)
    {
      guint rows = g_array_index (comp_rows, guint, c);
      guint cols = g_array_index (comp_cols, guint, c);
      gsize cells = (gsize) rows * cols;

      if (cells > cost_size)
        {
          cost_size = cells;
          g_free (cost);
          g_free (cell_edge);
          cost = g_new (double, cells);
          cell_edge = g_new (int, cells);
        }
      for (gsize k = 0; k < cells; k++)
        {
          cost[k] = 0;
          cell_edge[k] = -1;
        }
      for (guint k = edge_start[c]; k < edge_start[c + 1]; k++)
        {
          Edge *edge = &g_array_index (edges, Edge, edge_order[k]);
          gsize cell = (gsize) local[edge->a] * cols + local[n_a + edge->b];

          cost[cell] = -edge->weight;
          cell_edge[cell] = (int) edge_order[k];
        }

      calque_hungarian_solve (cost, rows, cols, row_to_col);

      for (guint r = 0; r < rows; r++)
        {
          int e;
          Edge *edge;
          CalqueShapePair pair;

          if (row_to_col[r] < 0)
            continue;
          e = cell_edge[(gsize) r * cols + (guint) row_to_col[r]];
          /* A cell without an edge is a row left unmatched. */
          if (e < 0)
            continue;
          edge = &g_array_index (edges, Edge, e);
          pair.a = edge->a;
          pair.b = edge->b;
          pair.iou = edge->iou;
          pair.boundary_error = edge->boundary_error;
          g_array_append_val (self->pairs, pair);
          matched[edge->a] = TRUE;
          matched[n_a + edge->b] = TRUE;
          sum_iou += edge->iou;
          sum_error += edge->boundary_error;
        }
    }

  g_array_sort (self->pairs, compare_pairs);
  for (guint i = 0; i < n_a; i++)
    if (!matched[i])
      g_array_append_val (self->unmatched_a, i);
  for (guint j = 0; j < n_b; j++)
    if (!matched[n_a + j])
      g_array_append_val (self->unmatched_b, j);

  self->mean_iou = self->pairs->len > 0 ? sum_iou / self->pairs->len : NAN;
  self->mean_boundary_error = segments && self->pairs->len > 0
                              ? sum_error / self->pairs->len : NAN;
  return self;
}

static Prepared *
prepare_all (const CalqueShape * const *shapes,
             guint                      n)
{
  Prepared *prepared = g_new (Prepared, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    prepare (shapes[i], &prepared[i]);
  return prepared;
}

static void
prepared_free_all (Geos     *geos,
                   Prepared *prepared,
                   guint     n)
{
  for (guint i = 0; i < n; i++)
    prepared_clear (geos, &prepared[i]);
  g_free (prepared);
}

CalqueShapeMatch *
calque_match_shapes (const CalqueShape * const *a,
                     const char * const        *labels_a,
                     guint                      n_a,
                     const CalqueShape * const *b,
                     const char * const        *labels_b,
                     guint                      n_b,
                     double                     threshold,
                     gboolean                   same_label)
{
  g_autoptr(GArray) edges = NULL;
  Geos geos = { NULL, NULL };
  Prepared *pa, *pb;
  CalqueShapeMatch *match;

  g_return_val_if_fail (a != NULL || n_a == 0, NULL);
  g_return_val_if_fail (b != NULL || n_b == 0, NULL);
  g_return_val_if_fail (all_non_null (a, n_a) && all_non_null (b, n_b), NULL);
  g_return_val_if_fail (!same_label || ((labels_a != NULL || n_a == 0) && (labels_b != NULL || n_b == 0)), NULL);
  g_return_val_if_fail (!isnan (threshold), NULL);

  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  pa = prepare_all (a, n_a);
  pb = prepare_all (b, n_b);
  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      {
        Edge edge;
        double iou;

        if (same_label && !labels_equal (labels_a, labels_b, i, j))
          continue;
        iou = prepared_iou (&geos, &pa[i], &pb[j], threshold);
        /* NaN fails both comparisons. */
        if (!(iou > 0) || !(iou >= threshold))
          continue;
        edge = (Edge) { i, j, iou, iou, 0 };
        g_array_append_val (edges, edge);
      }
  prepared_free_all (&geos, pa, n_a);
  prepared_free_all (&geos, pb, n_b);
  geos_clear (&geos);

  match = match_edges (edges, n_a, n_b, FALSE);
  return match;
}

CalqueShapeMatch *
calque_match_spans_exact (const CalqueShape * const *a,
                          const char * const        *labels_a,
                          guint                      n_a,
                          const CalqueShape * const *b,
                          const char * const        *labels_b,
                          guint                      n_b,
                          gboolean                   same_label)
{
  g_autoptr(GArray) edges = NULL;

  g_return_val_if_fail (a != NULL || n_a == 0, NULL);
  g_return_val_if_fail (b != NULL || n_b == 0, NULL);
  g_return_val_if_fail (all_non_null (a, n_a) && all_non_null (b, n_b), NULL);
  g_return_val_if_fail (!same_label || ((labels_a != NULL || n_a == 0) && (labels_b != NULL || n_b == 0)), NULL);

  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      {
        Edge edge;

        if (a[i]->kind != CALQUE_SHAPE_SPAN || b[j]->kind != CALQUE_SHAPE_SPAN
            || a[i]->span_start != b[j]->span_start || a[i]->span_end != b[j]->span_end
            || (same_label && !labels_equal (labels_a, labels_b, i, j)))
          continue;
        edge = (Edge) { i, j, 1, calque_shape_iou (a[i], b[j]), 0 };
        g_array_append_val (edges, edge);
      }
  return match_edges (edges, n_a, n_b, FALSE);
}

CalqueShapeMatch *
calque_match_spans_overlap (const CalqueShape * const *a,
                            const char * const        *labels_a,
                            guint                      n_a,
                            const CalqueShape * const *b,
                            const char * const        *labels_b,
                            guint                      n_b,
                            gboolean                   same_label)
{
  return calque_match_shapes (a, labels_a, n_a, b, labels_b, n_b, 0, same_label);
}

CalqueShapeMatch *
calque_match_segments (const CalqueShape * const *a,
                       const char * const        *labels_a,
                       guint                      n_a,
                       const CalqueShape * const *b,
                       const char * const        *labels_b,
                       guint                      n_b,
                       double                     tolerance,
                       gboolean                   same_label)
{
  g_autoptr(GArray) edges = NULL;
  /* Weights are big - error / (2 τ) with the error part in [0, 1]: one pair
   * more always outweighs any saving in error, as long as big exceeds the
   * number of pairs there can be plus one. */
  double big = MIN (n_a, n_b) + 2.0;

  g_return_val_if_fail (a != NULL || n_a == 0, NULL);
  g_return_val_if_fail (b != NULL || n_b == 0, NULL);
  g_return_val_if_fail (all_non_null (a, n_a) && all_non_null (b, n_b), NULL);
  g_return_val_if_fail (!same_label || ((labels_a != NULL || n_a == 0) && (labels_b != NULL || n_b == 0)), NULL);
  g_return_val_if_fail (tolerance >= 0 && isfinite (tolerance), NULL);

  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      {
        const CalqueShape *x = a[i], *y = b[j];
        double d_start, d_end;
        Edge edge;

        if (x->kind != CALQUE_SHAPE_SEGMENT || y->kind != CALQUE_SHAPE_SEGMENT
            || (x->channel != y->channel && x->channel != -1 && y->channel != -1)
            || (same_label && !labels_equal (labels_a, labels_b, i, j)))
          continue;
        d_start = fabs (x->seg_start - y->seg_start);
        d_end = fabs (x->seg_end - y->seg_end);
        /* NaN fails the comparisons. */
        if (!(d_start <= tolerance) || !(d_end <= tolerance))
          continue;
        edge.a = i;
        edge.b = j;
        edge.weight = big - (tolerance > 0 ? (d_start + d_end) / (2 * tolerance) : 0);
        edge.iou = calque_shape_iou (x, y);
        edge.boundary_error = (d_start + d_end) / 2;
        g_array_append_val (edges, edge);
      }
  return match_edges (edges, n_a, n_b, TRUE);
}

const CalqueShapePair *
calque_shape_match_get_pairs (const CalqueShapeMatch *self,
                              guint                  *n_pairs)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_pairs != NULL)
    *n_pairs = self->pairs->len;
  return (const CalqueShapePair *) self->pairs->data;
}

const guint *
calque_shape_match_get_unmatched_a (const CalqueShapeMatch *self,
                                    guint                  *n_unmatched)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_unmatched != NULL)
    *n_unmatched = self->unmatched_a->len;
  return (const guint *) self->unmatched_a->data;
}

const guint *
calque_shape_match_get_unmatched_b (const CalqueShapeMatch *self,
                                    guint                  *n_unmatched)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_unmatched != NULL)
    *n_unmatched = self->unmatched_b->len;
  return (const guint *) self->unmatched_b->data;
}

guint
calque_shape_match_get_n_pairs (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pairs->len;
}

double
calque_shape_match_get_precision (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  return self->n_a > 0 ? (double) self->pairs->len / self->n_a : 1.0;
}

double
calque_shape_match_get_recall (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  return self->n_b > 0 ? (double) self->pairs->len / self->n_b : 1.0;
}

double
calque_shape_match_get_f1 (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  if (self->n_a + self->n_b == 0)
    return 1.0;
  return 2.0 * self->pairs->len / ((double) self->n_a + self->n_b);
}

double
calque_shape_match_get_mean_iou (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  return self->mean_iou;
}

double
calque_shape_match_get_mean_boundary_error (const CalqueShapeMatch *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  return self->mean_boundary_error;
}

void
calque_shape_match_free (CalqueShapeMatch *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->pairs);
  g_array_unref (self->unmatched_a);
  g_array_unref (self->unmatched_b);
  g_free (self);
}
