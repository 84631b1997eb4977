/* calque-hungarian.c — optimal assignment on a cost matrix (Kuhn–Munkres) */
#define G_LOG_DOMAIN "calque-hungarian"

#include "calque-hungarian.h"

#include <math.h>

/* The cost of (row i, column j) of the problem as solved, where rows are
 * the shorter side: the caller's matrix, or its transpose. Both 0-based. */
static inline double
cost_at (const double *cost,
         guint         n_cols,
         gboolean      transposed,
         guint         i,
         guint         j)
{
  return transposed ? cost[(gsize) j * n_cols + i] : cost[(gsize) i * n_cols + j];
}

double
calque_hungarian_solve (const double *cost,
                        guint         n_rows,
                        guint         n_cols,
                        int          *row_to_col)
{
  gboolean transposed = n_rows > n_cols;
  guint n = MIN (n_rows, n_cols);   /* rows of the problem as solved */
  guint m = MAX (n_rows, n_cols);   /* its columns, m ≥ n */
  g_autofree double *u = NULL;      /* row potentials, 1-based */
  g_autofree double *v = NULL;      /* column potentials, 1-based; v[0] unused */
  g_autofree double *minv = NULL;   /* per column, smallest reduced cost seen this round */
  g_autofree guint *p = NULL;       /* per column, its row (1-based), 0 if free; p[0] the row joining */
  g_autofree guint *way = NULL;     /* per column, the previous column on the path */
  g_autofree gboolean *used = NULL; /* per column, on the tree this round */
  double total = 0;

  g_return_val_if_fail (row_to_col != NULL || n_rows == 0, NAN);
  g_return_val_if_fail (cost != NULL || n == 0, NAN);

  for (guint i = 0; i < n_rows; i++)
    row_to_col[i] = -1;
  if (n == 0)
    return 0;
  for (gsize k = 0; k < (gsize) n_rows * n_cols; k++)
    g_return_val_if_fail (isfinite (cost[k]), NAN);

  u = g_new0 (double, n + 1);
  v = g_new0 (double, m + 1);
  minv = g_new (double, m + 1);
  p = g_new0 (guint, m + 1);
  way = g_new0 (guint, m + 1);
  used = g_new (gboolean, m + 1);

  /* Each round adds row i: grow a tree of tight edges from it (Dijkstra on
   * reduced costs, which the potentials keep non-negative) until a free
   * column is reached, then flip the assignment along that path. */
  for (guint i = 1; i <= n; i++)
    {
      guint j0 = 0;

      p[0] = i;
      for (guint j = 0; j <= m; j++)
        {
          minv[j] = INFINITY;
          used[j] = FALSE;
        }

      do
        {
          guint i0 = p[j0];
          guint j1 = 0;
          double delta = INFINITY;

          used[j0] = TRUE;
          for (guint j = 1; j <= m; j++)
            {
              double reduced;

              if (used[j])
                continue;
              reduced = cost_at (cost, n_cols, transposed, i0 - 1, j - 1) - u[i0] - v[j];
              if (reduced < minv[j])
                {
                  minv[j] = reduced;
                  way[j] = j0;
                }
              if (minv[j] < delta)
                {
                  delta = minv[j];
                  j1 = j;
                }
            }
          g_assert (j1 != 0);

          for (guint j = 0; j <= m; j++)
            {
              if (used[j])
                {
                  u[p[j]] += delta;
                  v[j] -= delta;
                }
              else
                {
                  minv[j] -= delta;
                }
            }
          j0 = j1;
        }
      while (p[j0] != 0);

      /* Augment: walk back along the path, shifting each row one column on. */
      do
        {
          guint j1 = way[j0];

          p[j0] = p[j1];
          j0 = j1;
        }
      while (j0 != 0);
    }

  for (guint j = 1; j <= m; j++)
    {
      guint row, col;

      if (p[j] == 0)
        continue;
      row = transposed ? j - 1 : p[j] - 1;
      col = transposed ? p[j] - 1 : j - 1;
      row_to_col[row] = (int) col;
      total += cost[(gsize) row * n_cols + col];
    }
  return total;
}
