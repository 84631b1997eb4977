/* bench-agreement — how long does shape agreement over a project take?
 *
 * 10,000 image items, three annotators, 20 boxes each. Each item has 20
 * true boxes (sizes 20–200 px in a 1,000 × 800 image); each annotator
 * drew a jittered copy of each (every edge moved by up to 8 % of the
 * box's size), missed about one in twelve, and drew a box somewhere else
 * instead, so that everyone has exactly 20. Timed, over all items: the
 * three pairwise matchings of each item (calque_match_shapes(), IoU 0.5,
 * the Hungarian method), with precision, recall, F1 and mean IoU summed
 * into project figures. Goal: under 1 s.
 *
 * Beside it, in the same run on the same data, the baselines:
 *
 * - the IoU matrices alone (the closed form, inline, on all 3 × 20 × 20
 *   pairs per item), what any matching has to pay first;
 * - greedy matching: the same matrices, then the best remaining pair
 *   first while it is at least 0.5 (what many scripts do), with its F1,
 *   so the cost and the effect of the optimal step are both visible.
 *
 * And for information: 1,000 items of 3 × 20 twelve-vertex polygons,
 * matched the same way through GEOS.
 *
 * Prints figures, not pass/fail: machines are noisy.
 *
 *   bench-agreement [--items 10000] [--polygon-items 1000]
 */
#define G_LOG_DOMAIN "bench-agreement"

#include <math.h>
#include <stdlib.h>

#include "calque-agreement-shapes.h"

#define N_ANNOTATORS 3
#define N_SHAPES     20
#define N_VERTICES   12
#define THRESHOLD    0.5

typedef struct {
  double tp, n_a, n_b;     /* summed over matchings: micro-averaged scores */
  double f1_sum;           /* per matching, for the macro average */
  double iou_sum;          /* over matched pairs */
  guint  matchings;
} Totals;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
random_box (GRand  *rand,
            double *box)
{
  box[2] = g_rand_double_range (rand, 20, 200);
  box[3] = g_rand_double_range (rand, 20, 200);
  box[0] = g_rand_double_range (rand, 0, 1000 - box[2]);
  box[1] = g_rand_double_range (rand, 0, 800 - box[3]);
}

/* @shapes: items × annotators × N_SHAPES boxes, set in place. */
static void
make_boxes (GRand       *rand,
            guint        n_items,
            CalqueShape *shapes)
{
  for (guint item = 0; item < n_items; item++)
    {
      double truth[N_SHAPES][4];

      for (int k = 0; k < N_SHAPES; k++)
        random_box (rand, truth[k]);
      for (int who = 0; who < N_ANNOTATORS; who++)
        for (int k = 0; k < N_SHAPES; k++)
          {
            CalqueShape *s = &shapes[((gsize) item * N_ANNOTATORS + who) * N_SHAPES + k];
            double box[4];

            if (g_rand_double (rand) < 1.0 / 12)
              {
                random_box (rand, box);
              }
            else
              {
                double x0 = truth[k][0] + g_rand_double_range (rand, -0.08, 0.08) * truth[k][2];
                double x1 = truth[k][0] + truth[k][2] + g_rand_double_range (rand, -0.08, 0.08) * truth[k][2];
                double y0 = truth[k][1] + g_rand_double_range (rand, -0.08, 0.08) * truth[k][3];
                double y1 = truth[k][1] + truth[k][3] + g_rand_double_range (rand, -0.08, 0.08) * truth[k][3];

                box[0] = x0;
                box[1] = y0;
                box[2] = x1 - x0;
                box[3] = y1 - y0;
              }
            s->kind = CALQUE_SHAPE_BOX;
            s->x = box[0];
            s->y = box[1];
            s->w = box[2];
            s->h = box[3];
            s->channel = -1;
          }
    }
}

/* Twelve vertices around a centre, radii 70–100 % of the size: a blob
 * such as people draw around an object. Each annotator jitters the
 * centre and every radius. */
static void
make_polygons (GRand       *rand,
               guint        n_items,
               CalqueShape *shapes)
{
  for (guint item = 0; item < n_items; item++)
    {
      double truth[N_SHAPES][3 + N_VERTICES];

      for (int k = 0; k < N_SHAPES; k++)
        {
          truth[k][2] = g_rand_double_range (rand, 15, 100);
          truth[k][0] = g_rand_double_range (rand, truth[k][2], 1000 - truth[k][2]);
          truth[k][1] = g_rand_double_range (rand, truth[k][2], 800 - truth[k][2]);
          for (int v = 0; v < N_VERTICES; v++)
            truth[k][3 + v] = g_rand_double_range (rand, 0.7, 1.0);
        }
      for (int who = 0; who < N_ANNOTATORS; who++)
        for (int k = 0; k < N_SHAPES; k++)
          {
            CalqueShape *s = &shapes[((gsize) item * N_ANNOTATORS + who) * N_SHAPES + k];
            double coords[2 * N_VERTICES];
            double cx = truth[k][0], cy = truth[k][1], size = truth[k][2];
            gboolean missed = g_rand_double (rand) < 1.0 / 12;

            if (missed)
              {
                cx = g_rand_double_range (rand, size, 1000 - size);
                cy = g_rand_double_range (rand, size, 800 - size);
              }
            cx += g_rand_double_range (rand, -0.06, 0.06) * size;
            cy += g_rand_double_range (rand, -0.06, 0.06) * size;
            for (int v = 0; v < N_VERTICES; v++)
              {
                double angle = 2 * G_PI * v / N_VERTICES;
                double r = size * truth[k][3 + v] * g_rand_double_range (rand, 0.92, 1.08);

                coords[2 * v] = cx + r * cos (angle);
                coords[2 * v + 1] = cy + r * sin (angle);
              }
            s->kind = CALQUE_SHAPE_POLYGON;
            s->channel = -1;
            s->points = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * N_VERTICES);
            g_array_append_vals (s->points, coords, 2 * N_VERTICES);
          }
    }
}

static const CalqueShape **
item_pointers (CalqueShape *shapes,
               guint        n_items)
{
  gsize n = (gsize) n_items * N_ANNOTATORS * N_SHAPES;
  const CalqueShape **pointers = g_new (const CalqueShape *, n);

  for (gsize k = 0; k < n; k++)
    pointers[k] = &shapes[k];
  return pointers;
}

static void
totals_add (Totals *totals,
            guint   tp,
            guint   n_a,
            guint   n_b,
            double  iou_sum)
{
  totals->tp += tp;
  totals->n_a += n_a;
  totals->n_b += n_b;
  totals->f1_sum += n_a + n_b > 0 ? 2.0 * tp / (n_a + n_b) : 1.0;
  totals->iou_sum += iou_sum;
  totals->matchings++;
}

/* The timed run: every pair of annotators on every item. */
static double
run_optimal (const CalqueShape **pointers,
             guint               n_items,
             Totals             *totals)
{
  double start = now_s ();

  for (guint item = 0; item < n_items; item++)
    for (int i = 0; i < N_ANNOTATORS; i++)
      for (int j = i + 1; j < N_ANNOTATORS; j++)
        {
          const CalqueShape * const *a = &pointers[((gsize) item * N_ANNOTATORS + i) * N_SHAPES];
          const CalqueShape * const *b = &pointers[((gsize) item * N_ANNOTATORS + j) * N_SHAPES];
          g_autoptr(CalqueShapeMatch) match = calque_match_shapes (a, NULL, N_SHAPES, b, NULL, N_SHAPES,
                                                                   THRESHOLD, FALSE);
          guint n_pairs;
          double mean = calque_shape_match_get_mean_iou (match);

          n_pairs = calque_shape_match_get_n_pairs (match);
          totals_add (totals, n_pairs, N_SHAPES, N_SHAPES, n_pairs > 0 ? mean * n_pairs : 0);
        }
  return now_s () - start;
}

typedef struct {
  double iou;
  guint  a, b;
} Cell;

static int
compare_cells (const void *x,
               const void *y)
{
  const Cell *p = x, *q = y;

  return (p->iou < q->iou) - (p->iou > q->iou);
}

/* The closed form for axis-aligned boxes, inline: the least any matching
 * must spend on a pair. */
static inline double
box_iou (const CalqueShape *a,
         const CalqueShape *b)
{
  double iw = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double ih = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);
  double inter;

  if (iw <= 0 || ih <= 0)
    return 0;
  inter = iw * ih;
  return inter / (a->w * a->h + b->w * b->h - inter);
}

/* Baselines: the IoU matrices only, or with greedy matching after. Boxes
 * use the inline closed form above; polygons calque_shape_iou(). */
static double
run_baseline (const CalqueShape **pointers,
              guint               n_items,
              gboolean            greedy,
              Totals             *totals)
{
  Cell cells[N_SHAPES * N_SHAPES];
  double start = now_s ();
  double checksum = 0;

  for (guint item = 0; item < n_items; item++)
    for (int i = 0; i < N_ANNOTATORS; i++)
      for (int j = i + 1; j < N_ANNOTATORS; j++)
        {
          const CalqueShape * const *a = &pointers[((gsize) item * N_ANNOTATORS + i) * N_SHAPES];
          const CalqueShape * const *b = &pointers[((gsize) item * N_ANNOTATORS + j) * N_SHAPES];
          gboolean used_a[N_SHAPES] = { 0 }, used_b[N_SHAPES] = { 0 };
          guint n_cells = 0, tp = 0;
          double iou_sum = 0;

          for (guint x = 0; x < N_SHAPES; x++)
            for (guint y = 0; y < N_SHAPES; y++)
              {
                double iou = a[x]->kind == CALQUE_SHAPE_BOX ? box_iou (a[x], b[y])
                                                            : calque_shape_iou (a[x], b[y]);

                checksum += iou;
                if (iou >= THRESHOLD)
                  cells[n_cells++] = (Cell) { iou, x, y };
              }
          if (!greedy)
            continue;
          qsort (cells, n_cells, sizeof (Cell), compare_cells);
          for (guint c = 0; c < n_cells; c++)
            if (!used_a[cells[c].a] && !used_b[cells[c].b])
              {
                used_a[cells[c].a] = used_b[cells[c].b] = TRUE;
                tp++;
                iou_sum += cells[c].iou;
              }
          totals_add (totals, tp, N_SHAPES, N_SHAPES, iou_sum);
        }
  /* Keep the matrices from being optimised away. */
  if (checksum < 0)
    g_print ("%g\n", checksum);
  return now_s () - start;
}

static void
print_totals (const char   *what,
              double        seconds,
              guint         n_items,
              const Totals *totals,
              const char   *goal)
{
  double precision = totals->tp / totals->n_a;
  double recall = totals->tp / totals->n_b;

  g_print ("  %-40s %7.3f s  %6.2f us/item   P %.4f  R %.4f  F1 %.4f (mean per matching %.4f)  mean IoU %.4f%s\n",
           what, seconds, seconds / n_items * 1e6, precision, recall,
           2 * totals->tp / (totals->n_a + totals->n_b), totals->f1_sum / totals->matchings,
           totals->iou_sum / totals->tp, goal);
}

int
main (int argc, char **argv)
{
  int n_items = 10000;
  int n_polygon_items = 1000;
  GOptionEntry entries[] = {
    { "items", 0, 0, G_OPTION_ARG_INT, &n_items, "Items of boxes", "N" },
    { "polygon-items", 0, 0, G_OPTION_ARG_INT, &n_polygon_items, "Items of polygons", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  g_autofree CalqueShape *boxes = NULL;
  g_autofree const CalqueShape **box_ptrs = NULL;
  g_autofree CalqueShape *polygons = NULL;
  g_autofree const CalqueShape **polygon_ptrs = NULL;
  Totals optimal = { 0 }, greedy = { 0 }, none = { 0 }, poly = { 0 };
  double optimal_s, greedy_s, matrix_s, poly_s, poly_matrix_s, start;
  gsize n_polygons;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (n_items < 1 || n_polygon_items < 1)
    {
      g_printerr ("--items and --polygon-items must be at least 1\n");
      return 1;
    }

  start = now_s ();
  boxes = g_new0 (CalqueShape, (gsize) n_items * N_ANNOTATORS * N_SHAPES);
  make_boxes (rand, n_items, boxes);
  box_ptrs = item_pointers (boxes, n_items);
  g_print ("bench-agreement: %d items x %d annotators x %d boxes, IoU threshold %.1f (data made in %.2f s)\n",
           n_items, N_ANNOTATORS, N_SHAPES, THRESHOLD, now_s () - start);

  /* Warm up caches and the allocator on a few items, untimed. */
  {
    Totals warm = { 0 };

    run_optimal (box_ptrs, MIN (n_items, 100), &warm);
  }

  matrix_s = run_baseline (box_ptrs, n_items, FALSE, &none);
  greedy_s = run_baseline (box_ptrs, n_items, TRUE, &greedy);
  optimal_s = run_optimal (box_ptrs, n_items, &optimal);

  g_print ("\nall %d x 3 pairwise matchings, with P/R/F1 and mean IoU (side b as reference)\n", n_items);
  print_totals ("calque_match_shapes() (Hungarian)", optimal_s, n_items, &optimal, "   (goal < 1 s)");
  g_print ("  %-40s %7.3f s  %6.2f us/item\n", "baseline: IoU matrices only", matrix_s, matrix_s / n_items * 1e6);
  print_totals ("baseline: IoU matrices + greedy", greedy_s, n_items, &greedy, "");

  n_polygons = (gsize) n_polygon_items * N_ANNOTATORS * N_SHAPES;
  polygons = g_new0 (CalqueShape, n_polygons);
  make_polygons (rand, n_polygon_items, polygons);
  polygon_ptrs = item_pointers (polygons, n_polygon_items);

  poly_matrix_s = run_baseline (polygon_ptrs, n_polygon_items, FALSE, &none);
  poly_s = run_optimal (polygon_ptrs, n_polygon_items, &poly);
  g_print ("\n%d items x %d annotators x %d polygons of %d vertices, through GEOS (for information)\n",
           n_polygon_items, N_ANNOTATORS, N_SHAPES, N_VERTICES);
  print_totals ("calque_match_shapes() (Hungarian)", poly_s, n_polygon_items, &poly, "");
  g_print ("  %-40s %7.3f s  %6.2f us/item   (calque_shape_iou() on every pair: both\n"
           "  %-40s polygons made again each time, no threshold to skip pairs by)\n",
           "baseline: IoU matrices only", poly_matrix_s, poly_matrix_s / n_polygon_items * 1e6, "");

  for (gsize k = 0; k < n_polygons; k++)
    g_array_unref (polygons[k].points);
  return 0;
}
