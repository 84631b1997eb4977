/* calque-comment-markers.c — speech bubbles on the annotations that have comments */
#define G_LOG_DOMAIN "calque-comment-markers"

#include "calque-comment-markers.h"

#include <string.h>

/* The bubble, in screen pixels: a rounded body and a tail pointing down
 * at the corner of the shape. */
#define BODY_HEIGHT   18.0
#define MIN_WIDTH     24.0
#define PADDING        6.0
#define TAIL           6.0
#define RADIUS         5.0
#define FONT_SIZE     11.0
/* A press this close around a bubble still hits it. */
#define SLACK          2.0

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The ids of @marks in order, NULL-terminated, borrowed from the table. */
static const char **
sorted_ids (GHashTable *marks,
            guint      *n)
{
  const char **ids = (const char **) g_hash_table_get_keys_as_array (marks, n);

  qsort (ids, *n, sizeof (char *), compare_ids);
  return ids;
}

static void
count_text (guint value,
            char  out[16])
{
  guint count = value & ~CALQUE_COMMENT_MARKER_RESOLVED;

  if (count > 99)
    g_strlcpy (out, "99+", 16);
  else
    g_snprintf (out, 16, "%u", count);
}

static double
text_width (const char *text)
{
  /* A digit of an 11 px sans face is about 7 px wide: the bubble need not
   * be exact, only wide enough, and measuring would need a surface. */
  return strlen (text) * 7.0;
}

void
calque_comment_marker_get_size (guint   value,
                                double *width,
                                double *height)
{
  char text[16];

  count_text (value, text);
  *width = MAX (MIN_WIDTH, text_width (text) + 2 * PADDING);
  *height = BODY_HEIGHT;
}

gboolean
calque_comment_marker_get_rect (CalqueShapeLayer     *layer,
                                const CalqueViewport *vp,
                                GHashTable           *marks,
                                const char           *id,
                                double               *x,
                                double               *y,
                                double               *width,
                                double               *height)
{
  double bx, by, bw, bh, right, top;
  gpointer value;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (layer), FALSE);
  g_return_val_if_fail (vp != NULL && marks != NULL && id != NULL, FALSE);

  if (!g_hash_table_lookup_extended (marks, id, NULL, &value)
      || calque_shape_layer_get_hidden (layer, id)
      || !calque_shape_layer_get_bounds (layer, id, &bx, &by, &bw, &bh))
    return FALSE;
  calque_viewport_image_to_widget (vp, bx + bw, by, &right, &top);
  calque_comment_marker_get_size (GPOINTER_TO_UINT (value), width, height);
  /* The tail's tip on the corner; the body above and to the right. */
  *x = right - 4;
  *y = top - BODY_HEIGHT - TAIL;
  return TRUE;
}

static void
draw_one (cairo_t    *cr,
          double      x,
          double      y,
          double      w,
          double      h,
          guint       value)
{
  gboolean resolved = (value & CALQUE_COMMENT_MARKER_RESOLVED) != 0;
  cairo_text_extents_t extents;
  char text[16];

  count_text (value, text);
  cairo_new_path (cr);
  cairo_arc (cr, x + w - RADIUS, y + RADIUS, RADIUS, -G_PI / 2, 0);
  cairo_arc (cr, x + w - RADIUS, y + h - RADIUS, RADIUS, 0, G_PI / 2);
  cairo_line_to (cr, x + 10, y + h);
  cairo_line_to (cr, x + 4, y + h + TAIL);
  cairo_line_to (cr, x + 5, y + h);
  cairo_arc (cr, x + RADIUS, y + h - RADIUS, RADIUS, G_PI / 2, G_PI);
  cairo_arc (cr, x + RADIUS, y + RADIUS, RADIUS, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  /* Open threads in the accent blue, resolved ones grey: both readable
   * on light and dark images thanks to the white outline. */
  if (resolved)
    cairo_set_source_rgb (cr, 0.47, 0.47, 0.49);
  else
    cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);

  /* The count in white, as the outline. */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, FONT_SIZE);
  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x + (w - extents.width) / 2 - extents.x_bearing, y + (h - extents.height) / 2 - extents.y_bearing);
  cairo_show_text (cr, text);
}

void
calque_comment_marker_draw (cairo_t *cr,
                            double   x,
                            double   y,
                            guint    value)
{
  double w, h;

  g_return_if_fail (cr != NULL);

  calque_comment_marker_get_size (value, &w, &h);
  cairo_save (cr);
  draw_one (cr, x, y, w, h, value);
  cairo_restore (cr);
}

void
calque_comment_markers_draw (cairo_t              *cr,
                             CalqueShapeLayer     *layer,
                             const CalqueViewport *vp,
                             GHashTable           *marks)
{
  g_autofree const char **ids = NULL;
  guint n = 0;

  g_return_if_fail (cr != NULL && CALQUE_IS_SHAPE_LAYER (layer) && vp != NULL);

  if (marks == NULL || g_hash_table_size (marks) == 0)
    return;
  ids = sorted_ids (marks, &n);
  cairo_save (cr);
  for (guint i = 0; i < n; i++)
    {
      double x, y, w, h;

      if (!calque_comment_marker_get_rect (layer, vp, marks, ids[i], &x, &y, &w, &h))
        continue;
      /* Off screen: nothing to draw. */
      if (x > vp->width || y > vp->height || x + w < 0 || y + h + TAIL < 0)
        continue;
      draw_one (cr, x, y, w, h, GPOINTER_TO_UINT (g_hash_table_lookup (marks, ids[i])));
    }
  cairo_restore (cr);
}

char *
calque_comment_markers_hit (CalqueShapeLayer     *layer,
                            const CalqueViewport *vp,
                            GHashTable           *marks,
                            double                wx,
                            double                wy)
{
  g_autofree const char **ids = NULL;
  guint n = 0;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (layer) && vp != NULL, NULL);

  if (marks == NULL || g_hash_table_size (marks) == 0)
    return NULL;
  ids = sorted_ids (marks, &n);
  /* The last drawn is on top. */
  for (guint i = n; i > 0; i--)
    {
      double x, y, w, h;

      if (calque_comment_marker_get_rect (layer, vp, marks, ids[i - 1], &x, &y, &w, &h)
          && wx >= x - SLACK && wx <= x + w + SLACK && wy >= y - SLACK && wy <= y + h + TAIL + SLACK)
        return g_strdup (ids[i - 1]);
    }
  return NULL;
}
