/* calque-hungarian.h — optimal assignment on a cost matrix (Kuhn–Munkres)
 *
 * Given an n_rows × n_cols matrix of costs, picks min (n_rows, n_cols) cells,
 * at most one in each row and each column, whose total cost is the smallest
 * possible. The matrix may be rectangular; with more rows than columns some
 * rows stay unassigned, and the other way round some columns do.
 *
 * This is the Hungarian method of Kuhn (1955) and Munkres (1957) in its
 * shortest-augmenting-path form with row and column potentials: one row at
 * a time joins the assignment along a path of zero reduced cost, in
 * O(n² m) time for n = min (n_rows, n_cols), m = max (…), and O(m) memory
 * beside the matrix. To maximise a score (IoU), pass minus the score.
 *
 * Costs must be finite; NaN or ±inf is a programmer error (there is no
 * optimum to find), refused with a critical and a NaN total.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @cost: row-major, @n_rows × @n_cols doubles; may be NULL when either is 0.
 * @row_to_col: out, @n_rows ints: the column assigned to each row, or -1.
 * Returns the total cost of the assignment (0 for an empty matrix). */
double calque_hungarian_solve (const double *cost,
                               guint         n_rows,
                               guint         n_cols,
                               int          *row_to_col);

G_END_DECLS
