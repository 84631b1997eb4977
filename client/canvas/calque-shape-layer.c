/* calque-shape-layer.c — the annotations of one image, drawn and hit-tested
 *
 * Speed comes from four things, all in widget pixels:
 *
 * - culling: a shape whose bounding box misses the visible rectangle (the
 *   viewport met with the clip of the cairo_t) is not looked at;
 * - level of detail: a vertex closer than LOD_STEP to the last vertex
 *   drawn is skipped, so a 100,000-vertex outline seen small becomes a few
 *   hundred segments; a shape smaller than DOT_SIZE is a dot;
 * - outcodes: a run of vertices beyond one side of the visible rectangle
 *   is cut short (see append_ring()), so a huge polygon seen close up costs
 *   what its visible part costs;
 *
 * Shapes are drawn one by one, in the order they were added, so that the
 * topmost shape for hit testing is the one drawn last. Batching the shapes
 * of one colour into one path was measured with cairo 1.16's image backend
 * and was slower, not faster: cairo's cost is in rasterizing, and one path
 * spanning the whole view costs more to rasterize than many small ones.
 *
 * Shapes smaller than NO_AA_BELOW on screen are drawn without antialiasing
 * and with a 1-pixel outline: at overview zooms, where thousands of them
 * are in view, that is most of cairo's time, and at that size the jagged
 * edges are hard to tell from smooth ones. Larger shapes other than the
 * hovered and the selected one use cairo's FAST antialiasing (fewer
 * samples per pixel), which measured about twice as fast as its default.
 */
#define G_LOG_DOMAIN "calque-shape-layer"

#include "calque-shape-layer.h"

#include <math.h>
#include <string.h>

/* Sizes in widget pixels: they stay the same at every zoom. */
#define OUTLINE_WIDTH       1.5
#define HOVERED_WIDTH       2.5
#define SELECTED_WIDTH      2.0
#define FILL_ALPHA          0.25   /* a fill is the label's colour at this share of its alpha */
#define SELECTED_FILL_ALPHA 0.4
#define LOD_STEP            0.5
#define DOT_SIZE            2.0
#define NO_AA_BELOW         16.0
#define POINT_RADIUS        4.0
#define HANDLE_SIZE         7.0    /* the resize handles of a box */
#define VERTEX_HANDLE_SIZE  6.0    /* the vertex handles of a polygon or polyline */
/* How far outside its bounding box drawing a shape may reach: half an
 * outline, a point's disc, a handle. */
#define DRAW_MARGIN         (HANDLE_SIZE + POINT_RADIUS)

typedef enum {
  FLAG_SELECTED = 1 << 0,
  FLAG_HOVERED  = 1 << 1,
  FLAG_HIDDEN   = 1 << 2,
} EntryFlags;

typedef struct {
  char        *id;
  CalqueShape *shape;
  guint32      rgba;
  EntryFlags   flags;
  double       x0, y0, x1, y1; /* bounding box, image pixels */
  double       corners[8];    /* a box: top-left, top-right, bottom-right, bottom-left, rotated */
} Entry;

struct _CalqueShapeLayer
{
  GObject     parent_instance;

  GPtrArray  *entries;        /* Entry*, drawing order */
  GHashTable *by_id;          /* id (owned by the entry) → Entry* */
  Entry      *selected;
  Entry      *hovered;
};

G_DEFINE_FINAL_TYPE (CalqueShapeLayer, calque_shape_layer, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The visible rectangle of one draw, in widget and in image pixels. */
typedef struct {
  const CalqueViewport *vp;
  double                wx0, wy0, wx1, wy1;
  double                ix0, iy0, ix1, iy1;
} View;

enum {
  OUT_LEFT   = 1 << 0,
  OUT_RIGHT  = 1 << 1,
  OUT_TOP    = 1 << 2,
  OUT_BOTTOM = 1 << 3,
};

/* ---- Entries --------------------------------------------------------- */

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  calque_shape_free (entry->shape);
  g_free (entry);
}

static guint
entry_n_rings (const Entry *entry)
{
  switch (entry->shape->kind)
    {
    case CALQUE_SHAPE_POLYGON:
      return 1 + (entry->shape->holes != NULL ? entry->shape->holes->len : 0);
    case CALQUE_SHAPE_POLYLINE:
    case CALQUE_SHAPE_BOX:
      return 1;
    default:
      return 0;
    }
}

static const double *
entry_ring (const Entry *entry,
            guint        ring,
            guint       *n_points)
{
  const CalqueShape *shape = entry->shape;
  GArray *coords;

  if (shape->kind == CALQUE_SHAPE_BOX)
    {
      g_assert (ring == 0);
      *n_points = 4;
      return entry->corners;
    }

  coords = ring == 0 ? shape->points : g_ptr_array_index (shape->holes, ring - 1);
  *n_points = coords != NULL ? coords->len / 2 : 0;
  return coords != NULL ? (const double *) coords->data : NULL;
}

/* The corners of a box, and the bounding box. */
static void
entry_prepare (Entry *entry)
{
  const CalqueShape *shape = entry->shape;
  guint n_rings = entry_n_rings (entry);

  if (shape->kind == CALQUE_SHAPE_BOX)
    {
      double rad = shape->rotation * G_PI / 180.0;
      double c = cos (rad), s = sin (rad);
      double cx = shape->x + shape->w / 2, cy = shape->y + shape->h / 2;
      static const int signs[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };

      /* Turned around the centre, as calque_shape_validate() sees it. */
      for (int k = 0; k < 4; k++)
        {
          double dx = signs[k][0] * shape->w / 2;
          double dy = signs[k][1] * shape->h / 2;

          entry->corners[2 * k] = shape->rotation == 0 ? cx + dx : cx + dx * c - dy * s;
          entry->corners[2 * k + 1] = shape->rotation == 0 ? cy + dy : cy + dx * s + dy * c;
        }
    }

  if (shape->kind == CALQUE_SHAPE_POINT)
    {
      entry->x0 = entry->x1 = shape->x;
      entry->y0 = entry->y1 = shape->y;
      return;
    }

  entry->x0 = entry->y0 = G_MAXDOUBLE;
  entry->x1 = entry->y1 = -G_MAXDOUBLE;
  /* Holes are inside the outer ring; only the outer ring counts. */
  if (n_rings > 0)
    {
      guint n;
      const double *coords = entry_ring (entry, 0, &n);

      for (guint i = 0; i < n; i++)
        {
          entry->x0 = MIN (entry->x0, coords[2 * i]);
          entry->x1 = MAX (entry->x1, coords[2 * i]);
          entry->y0 = MIN (entry->y0, coords[2 * i + 1]);
          entry->y1 = MAX (entry->y1, coords[2 * i + 1]);
        }
    }
  if (entry->x0 > entry->x1)
    entry->x0 = entry->x1 = entry->y0 = entry->y1 = 0;
}

static void
emit_changed (CalqueShapeLayer *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_source_rgba (cairo_t *cr,
                 guint32  rgba,
                 double   alpha_share)
{
  cairo_set_source_rgba (cr,
                         ((rgba >> 24) & 0xff) / 255.0,
                         ((rgba >> 16) & 0xff) / 255.0,
                         ((rgba >> 8) & 0xff) / 255.0,
                         (rgba & 0xff) / 255.0 * alpha_share);
}

/* ---- Drawing --------------------------------------------------------- */

static inline guint
outcode (const View *view,
         double      x,
         double      y)
{
  return (x < view->wx0 ? OUT_LEFT : 0) | (x > view->wx1 ? OUT_RIGHT : 0)
         | (y < view->wy0 ? OUT_TOP : 0) | (y > view->wy1 ? OUT_BOTTOM : 0);
}

/* Appends one ring or polyline to the path, in widget pixels.
 *
 * A vertex is skipped when it is within LOD_STEP of the last vertex drawn
 * (the outline moves by less than that), or when it, the last vertex drawn
 * and the next vertex all lie beyond the same side of the visible
 * rectangle: the triangle they make is then wholly beyond that side too, so
 * dropping the vertex changes neither the fill (its winding number anywhere
 * in view is unchanged) nor any visible part of the stroke. The first and
 * the last vertices are always drawn. */
static void
append_ring (cairo_t      *cr,
             const View   *view,
             const double *coords,
             guint         n,
             gboolean      closed)
{
  const double s = view->vp->scale, ox = view->vp->offset_x, oy = view->vp->offset_y;
  double lx, ly, x, y, nx = 0, ny = 0;
  guint last_code, code, next_code = 0;
  guint i;

  if (n == 0)
    return;

  i = 0;
  lx = coords[2 * i] * s + ox;
  ly = coords[2 * i + 1] * s + oy;
  last_code = outcode (view, lx, ly);
  cairo_move_to (cr, lx, ly);
  if (n == 1)
    return;

  i = 1;
  x = coords[2 * i] * s + ox;
  y = coords[2 * i + 1] * s + oy;
  code = outcode (view, x, y);

  for (guint k = 1; k < n; k++)
    {
      if (k + 1 < n)
        {
          i = k + 1;
          nx = coords[2 * i] * s + ox;
          ny = coords[2 * i + 1] * s + oy;
          next_code = outcode (view, nx, ny);

          if ((fabs (x - lx) < LOD_STEP && fabs (y - ly) < LOD_STEP)
              || (last_code & code & next_code) != 0)
            goto next;
        }
      cairo_line_to (cr, x, y);
      lx = x;
      ly = y;
      last_code = code;
    next:
      x = nx;
      y = ny;
      code = next_code;
    }

  if (closed)
    cairo_close_path (cr);
}

static void
append_area (cairo_t     *cr,
             const View  *view,
             const Entry *entry)
{
  guint n_rings = entry_n_rings (entry);

  for (guint r = 0; r < n_rings; r++)
    {
      guint n;
      const double *coords = entry_ring (entry, r, &n);

      append_ring (cr, view, coords, n, TRUE);
    }
}

static gboolean
entry_visible (const View  *view,
               const Entry *entry)
{
  double margin = DRAW_MARGIN / view->vp->scale;

  return (entry->flags & FLAG_HIDDEN) == 0
         && entry->x1 + margin >= view->ix0 && entry->x0 - margin <= view->ix1
         && entry->y1 + margin >= view->iy0 && entry->y0 - margin <= view->iy1;
}

/* Smaller than DOT_SIZE either way: drawn as a dot at its centre. */
static gboolean
entry_is_tiny (const View  *view,
               const Entry *entry)
{
  return entry->shape->kind != CALQUE_SHAPE_POINT
         && (entry->x1 - entry->x0) * view->vp->scale < DOT_SIZE
         && (entry->y1 - entry->y0) * view->vp->scale < DOT_SIZE;
}

static void
entry_centre (const View  *view,
              const Entry *entry,
              double      *wx,
              double      *wy)
{
  calque_viewport_image_to_widget (view->vp, (entry->x0 + entry->x1) / 2, (entry->y0 + entry->y1) / 2, wx, wy);
}

static void
draw_handle (cairo_t *cr,
             double   wx,
             double   wy,
             double   size,
             guint32  rgba)
{
  cairo_rectangle (cr, wx - size / 2, wy - size / 2, size, size);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  set_source_rgba (cr, rgba | 0xff, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* One shape. @emphasised for the hovered and the selected ones, drawn
 * after the others with a wider outline and always antialiased. */
static void
draw_entry (cairo_t     *cr,
            const View  *view,
            const Entry *entry,
            double       fill_alpha,
            double       line_width,
            gboolean     emphasised)
{
  CalqueShapeKind kind = entry->shape->kind;
  double scale = view->vp->scale;
  gboolean small;
  double wx, wy;

  cairo_new_path (cr);
  entry_centre (view, entry, &wx, &wy);

  if (kind == CALQUE_SHAPE_POINT)
    {
      cairo_arc (cr, wx, wy, POINT_RADIUS + (emphasised ? line_width / 2 : 0), 0, 2 * G_PI);
      set_source_rgba (cr, entry->rgba, 1.0);
      cairo_fill_preserve (cr);
      /* A rim keeps a point visible on an image of its own colour. */
      if (emphasised)
        cairo_set_source_rgb (cr, 1, 1, 1);
      else
        cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
      cairo_set_line_width (cr, emphasised ? line_width / 2 : 1.0);
      cairo_stroke (cr);
      return;
    }

  if (entry_is_tiny (view, entry))
    {
      double size = emphasised ? 2 * DOT_SIZE : DOT_SIZE;

      cairo_rectangle (cr, wx - size / 2, wy - size / 2, size, size);
      set_source_rgba (cr, entry->rgba, 1.0);
      cairo_fill (cr);
      return;
    }

  small = !emphasised && (entry->x1 - entry->x0) * scale < NO_AA_BELOW
          && (entry->y1 - entry->y0) * scale < NO_AA_BELOW;
  if (small)
    {
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      line_width = 1.0;
    }
  else if (!emphasised)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);

  if (kind == CALQUE_SHAPE_POLYLINE)
    {
      guint n;
      const double *coords = entry_ring (entry, 0, &n);

      append_ring (cr, view, coords, n, FALSE);
    }
  else
    {
      append_area (cr, view, entry);
      set_source_rgba (cr, entry->rgba, fill_alpha);
      cairo_fill_preserve (cr);
    }
  set_source_rgba (cr, entry->rgba, 1.0);
  cairo_set_line_width (cr, line_width);
  cairo_stroke (cr);

  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
}

/* Handles where a drag can start: the 8 of a box; the vertices of a
 * polygon or polyline, those in view and at least a handle apart on the
 * screen (a 100,000-vertex outline would otherwise be a solid band). */
static void
draw_handles (cairo_t     *cr,
              const View  *view,
              const Entry *entry)
{
  if (entry->shape->kind == CALQUE_SHAPE_BOX)
    {
      for (int h = 0; h < 8; h++)
        {
          int a = h / 2, b = (h / 2 + 1) % 4;
          double ix = h % 2 == 0 ? entry->corners[2 * a] : (entry->corners[2 * a] + entry->corners[2 * b]) / 2;
          double iy = h % 2 == 0 ? entry->corners[2 * a + 1] : (entry->corners[2 * a + 1] + entry->corners[2 * b + 1]) / 2;
          double wx, wy;

          calque_viewport_image_to_widget (view->vp, ix, iy, &wx, &wy);
          draw_handle (cr, wx, wy, HANDLE_SIZE, entry->rgba);
        }
      return;
    }

  if (entry->shape->kind != CALQUE_SHAPE_POLYGON && entry->shape->kind != CALQUE_SHAPE_POLYLINE)
    return;

  cairo_new_path (cr);
  for (guint r = 0; r < entry_n_rings (entry); r++)
    {
      guint n;
      const double *coords = entry_ring (entry, r, &n);
      double lx = -G_MAXDOUBLE, ly = -G_MAXDOUBLE;

      for (guint i = 0; i < n; i++)
        {
          double wx, wy;

          calque_viewport_image_to_widget (view->vp, coords[2 * i], coords[2 * i + 1], &wx, &wy);
          if (wx < view->wx0 - VERTEX_HANDLE_SIZE || wx > view->wx1 + VERTEX_HANDLE_SIZE
              || wy < view->wy0 - VERTEX_HANDLE_SIZE || wy > view->wy1 + VERTEX_HANDLE_SIZE)
            continue;
          if (fabs (wx - lx) < VERTEX_HANDLE_SIZE && fabs (wy - ly) < VERTEX_HANDLE_SIZE)
            continue;
          cairo_rectangle (cr, wx - VERTEX_HANDLE_SIZE / 2, wy - VERTEX_HANDLE_SIZE / 2,
                           VERTEX_HANDLE_SIZE, VERTEX_HANDLE_SIZE);
          lx = wx;
          ly = wy;
        }
    }
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  set_source_rgba (cr, entry->rgba | 0xff, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* ---- Hit testing ----------------------------------------------------- */

static double
distance_to_segment (double  px,
                     double  py,
                     double  ax,
                     double  ay,
                     double  bx,
                     double  by,
                     double *qx,
                     double *qy)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  *qx = ax + t * dx;
  *qy = ay + t * dy;
  return hypot (px - *qx, py - *qy);
}

/* Even-odd over every ring: inside the outer ring and in no hole. */
static gboolean
entry_contains (const Entry *entry,
                double       x,
                double       y)
{
  gboolean inside = FALSE;

  for (guint r = 0; r < entry_n_rings (entry); r++)
    {
      guint n;
      const double *c = entry_ring (entry, r, &n);

      for (guint i = 0, j = n - 1; i < n; j = i++)
        {
          if ((c[2 * i + 1] > y) != (c[2 * j + 1] > y)
              && x < (c[2 * j] - c[2 * i]) * (y - c[2 * i + 1]) / (c[2 * j + 1] - c[2 * i + 1]) + c[2 * i])
            inside = !inside;
        }
    }
  return inside;
}

/* The best part of one shape under (@ix, @iy), within @tol image pixels:
 * a vertex or handle before an edge before the inside. */
static gboolean
hit_entry (const Entry *entry,
           double       ix,
           double       iy,
           double       tol,
           double       point_tol,
           CalqueHit   *out)
{
  CalqueShapeKind kind = entry->shape->kind;
  double best = G_MAXDOUBLE;

  if (ix < entry->x0 - point_tol || ix > entry->x1 + point_tol
      || iy < entry->y0 - point_tol || iy > entry->y1 + point_tol)
    return FALSE;

  if (kind == CALQUE_SHAPE_POINT)
    {
      if (hypot (ix - entry->shape->x, iy - entry->shape->y) > point_tol)
        return FALSE;
      out->part = CALQUE_HIT_VERTEX;
      out->ring = 0;
      out->index = 0;
      out->x = entry->shape->x;
      out->y = entry->shape->y;
      return TRUE;
    }

  out->part = CALQUE_HIT_NONE;

  if (kind == CALQUE_SHAPE_BOX)
    {
      for (int h = 0; h < 8; h++)
        {
          int a = h / 2, b = (h / 2 + 1) % 4;
          double hx = h % 2 == 0 ? entry->corners[2 * a] : (entry->corners[2 * a] + entry->corners[2 * b]) / 2;
          double hy = h % 2 == 0 ? entry->corners[2 * a + 1] : (entry->corners[2 * a + 1] + entry->corners[2 * b + 1]) / 2;
          double d = hypot (ix - hx, iy - hy);

          if (d <= tol && d < best)
            {
              best = d;
              out->part = CALQUE_HIT_HANDLE;
              out->ring = 0;
              out->index = h;
              out->x = hx;
              out->y = hy;
            }
        }
    }
  else
    {
      for (guint r = 0; r < entry_n_rings (entry); r++)
        {
          guint n;
          const double *c = entry_ring (entry, r, &n);

          for (guint i = 0; i < n; i++)
            {
              double d = hypot (ix - c[2 * i], iy - c[2 * i + 1]);

              if (d <= tol && d < best)
                {
                  best = d;
                  out->part = CALQUE_HIT_VERTEX;
                  out->ring = r;
                  out->index = i;
                  out->x = c[2 * i];
                  out->y = c[2 * i + 1];
                }
            }
        }
    }
  if (out->part != CALQUE_HIT_NONE)
    return TRUE;

  for (guint r = 0; r < entry_n_rings (entry); r++)
    {
      guint n;
      const double *c = entry_ring (entry, r, &n);
      /* A polyline is open: no edge from its last vertex to its first. */
      guint n_edges = kind == CALQUE_SHAPE_POLYLINE ? (n > 0 ? n - 1 : 0) : n;

      for (guint i = 0; i < n_edges; i++)
        {
          guint j = (i + 1) % n;
          double qx, qy;
          double d = distance_to_segment (ix, iy, c[2 * i], c[2 * i + 1], c[2 * j], c[2 * j + 1], &qx, &qy);

          if (d <= tol && d < best)
            {
              best = d;
              out->part = CALQUE_HIT_EDGE;
              out->ring = r;
              out->index = i;
              out->x = qx;
              out->y = qy;
            }
        }
    }
  if (out->part != CALQUE_HIT_NONE)
    return TRUE;

  if (kind != CALQUE_SHAPE_POLYLINE && entry_contains (entry, ix, iy))
    {
      out->part = CALQUE_HIT_INSIDE;
      out->ring = 0;
      out->index = 0;
      out->x = ix;
      out->y = iy;
      return TRUE;
    }
  return FALSE;
}

/* ---- GObject --------------------------------------------------------- */

static void
calque_shape_layer_finalize (GObject *object)
{
  CalqueShapeLayer *self = CALQUE_SHAPE_LAYER (object);

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (calque_shape_layer_parent_class)->finalize (object);
}

static void
calque_shape_layer_class_init (CalqueShapeLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = calque_shape_layer_finalize;

  /**
   * CalqueShapeLayer::changed:
   *
   * Something a draw would show differently: a shape, its colour, a flag.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
calque_shape_layer_init (CalqueShapeLayer *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* ---- Public API ------------------------------------------------------ */

void
calque_hit_clear (CalqueHit *hit)
{
  g_clear_pointer (&hit->id, g_free);
  memset (hit, 0, sizeof *hit);
}

CalqueShapeLayer *
calque_shape_layer_new (void)
{
  return g_object_new (CALQUE_TYPE_SHAPE_LAYER, NULL);
}

gboolean
calque_shape_layer_set_shape (CalqueShapeLayer  *self,
                              const char        *id,
                              const CalqueShape *shape,
                              guint32            rgba)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (shape->kind != CALQUE_SHAPE_BOX && shape->kind != CALQUE_SHAPE_POLYGON
      && shape->kind != CALQUE_SHAPE_POLYLINE && shape->kind != CALQUE_SHAPE_POINT)
    {
      calque_shape_layer_remove (self, id);
      return FALSE;
    }
  g_return_val_if_fail (shape->kind == CALQUE_SHAPE_BOX || shape->kind == CALQUE_SHAPE_POINT
                        || shape->points != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->id = g_strdup (id);
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->by_id, entry->id, entry);
    }
  else
    g_clear_pointer (&entry->shape, calque_shape_free);

  entry->shape = calque_shape_copy (shape);
  entry->rgba = rgba;
  entry_prepare (entry);

  emit_changed (self);
  return TRUE;
}

gboolean
calque_shape_layer_remove (CalqueShapeLayer *self,
                           const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL)
    return FALSE;

  if (self->selected == entry)
    self->selected = NULL;
  if (self->hovered == entry)
    self->hovered = NULL;
  g_hash_table_remove (self->by_id, id);
  g_ptr_array_remove (self->entries, entry);

  emit_changed (self);
  return TRUE;
}

void
calque_shape_layer_clear (CalqueShapeLayer *self)
{
  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));

  if (self->entries->len == 0)
    return;

  self->selected = NULL;
  self->hovered = NULL;
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->entries, 0);
  emit_changed (self);
}

guint
calque_shape_layer_get_n_shapes (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), 0);

  return self->entries->len;
}

const CalqueShape *
calque_shape_layer_get_shape (CalqueShapeLayer *self,
                              const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? entry->shape : NULL;
}

gboolean
calque_shape_layer_get_bounds (CalqueShapeLayer *self,
                               const char       *id,
                               double           *x,
                               double           *y,
                               double           *width,
                               double           *height)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL)
    return FALSE;
  if (x != NULL)
    *x = entry->x0;
  if (y != NULL)
    *y = entry->y0;
  if (width != NULL)
    *width = entry->x1 - entry->x0;
  if (height != NULL)
    *height = entry->y1 - entry->y0;
  return TRUE;
}

/* Moves the one-of flag @flag (selected or hovered) to @id. */
static void
move_flag (CalqueShapeLayer  *self,
           Entry            **slot,
           EntryFlags         flag,
           const char        *id)
{
  Entry *entry = id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;

  if (entry == *slot)
    return;
  if (*slot != NULL)
    (*slot)->flags &= ~flag;
  *slot = entry;
  if (entry != NULL)
    entry->flags |= flag;
  emit_changed (self);
}

void
calque_shape_layer_set_selected (CalqueShapeLayer *self,
                                 const char       *id)
{
  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));

  move_flag (self, &self->selected, FLAG_SELECTED, id);
}

const char *
calque_shape_layer_get_selected (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), NULL);

  return self->selected != NULL ? self->selected->id : NULL;
}

void
calque_shape_layer_set_hovered (CalqueShapeLayer *self,
                                const char       *id)
{
  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));

  move_flag (self, &self->hovered, FLAG_HOVERED, id);
}

const char *
calque_shape_layer_get_hovered (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), NULL);

  return self->hovered != NULL ? self->hovered->id : NULL;
}

void
calque_shape_layer_set_hidden (CalqueShapeLayer *self,
                               const char       *id,
                               gboolean          hidden)
{
  Entry *entry;

  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));
  g_return_if_fail (id != NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL || !!(entry->flags & FLAG_HIDDEN) == !!hidden)
    return;
  if (hidden)
    entry->flags |= FLAG_HIDDEN;
  else
    entry->flags &= ~FLAG_HIDDEN;
  emit_changed (self);
}

gboolean
calque_shape_layer_get_hidden (CalqueShapeLayer *self,
                               const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL && (entry->flags & FLAG_HIDDEN) != 0;
}

void
calque_shape_layer_draw (CalqueShapeLayer     *self,
                         cairo_t              *cr,
                         const CalqueViewport *vp)
{
  double cx0, cy0, cx1, cy1;
  View view = { .vp = vp };

  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (vp != NULL && vp->scale > 0);

  if (self->entries->len == 0)
    return;

  /* The clip is what the widget asked to redraw; often less than all. */
  cairo_clip_extents (cr, &cx0, &cy0, &cx1, &cy1);
  view.wx0 = MAX (cx0, 0);
  view.wy0 = MAX (cy0, 0);
  view.wx1 = MIN (cx1, vp->width);
  view.wy1 = MIN (cy1, vp->height);
  if (view.wx0 >= view.wx1 || view.wy0 >= view.wy1)
    return;
  calque_viewport_widget_to_image (vp, view.wx0, view.wy0, &view.ix0, &view.iy0);
  calque_viewport_widget_to_image (vp, view.wx1, view.wy1, &view.ix1, &view.iy1);
  /* Outcodes look a little beyond the edges so that no outline in view
   * loses a segment that ends just outside. */
  view.wx0 -= DRAW_MARGIN;
  view.wy0 -= DRAW_MARGIN;
  view.wx1 += DRAW_MARGIN;
  view.wy1 += DRAW_MARGIN;

  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry != self->selected && entry != self->hovered && entry_visible (&view, entry))
        draw_entry (cr, &view, entry, FILL_ALPHA, OUTLINE_WIDTH, FALSE);
    }

  if (self->hovered != NULL && entry_visible (&view, self->hovered))
    draw_entry (cr, &view, self->hovered, FILL_ALPHA, HOVERED_WIDTH, TRUE);
  if (self->selected != NULL && entry_visible (&view, self->selected))
    {
      draw_entry (cr, &view, self->selected, SELECTED_FILL_ALPHA, SELECTED_WIDTH, TRUE);
      draw_handles (cr, &view, self->selected);
    }

  cairo_new_path (cr);
  cairo_restore (cr);
}

gboolean
calque_shape_layer_hit (CalqueShapeLayer     *self,
                        const CalqueViewport *vp,
                        double                wx,
                        double                wy,
                        double                tolerance_px,
                        CalqueHit            *out)
{
  double ix, iy, tol, point_tol;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (vp != NULL && vp->scale > 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  calque_hit_clear (out);
  calque_viewport_widget_to_image (vp, wx, wy, &ix, &iy);
  tol = MAX (tolerance_px, 0) / vp->scale;
  /* A point is hit anywhere on its disc. */
  point_tol = MAX (tolerance_px, POINT_RADIUS) / vp->scale;

  if (self->selected != NULL && (self->selected->flags & FLAG_HIDDEN) == 0
      && hit_entry (self->selected, ix, iy, tol, MAX (tol, point_tol), out))
    {
      out->id = g_strdup (self->selected->id);
      return TRUE;
    }

  for (guint i = self->entries->len; i-- > 0;)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry == self->selected || (entry->flags & FLAG_HIDDEN) != 0)
        continue;
      if (hit_entry (entry, ix, iy, tol, MAX (tol, point_tol), out))
        {
          out->id = g_strdup (entry->id);
          return TRUE;
        }
    }

  calque_hit_clear (out);
  return FALSE;
}
