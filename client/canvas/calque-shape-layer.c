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
#define HIGHLIGHT_WIDTH     7.0    /* the halo of a highlighted shape, under its outline */
/* How far outside its bounding box drawing a shape may reach: half an
 * outline, a point's disc, a handle. */
#define DRAW_MARGIN         (HANDLE_SIZE + POINT_RADIUS)

/* The render cache, in cache pixels (widget pixels at the cache's scale). */
#define TILE_SIZE           256
/* Pixels drawn around a tile but never shown: cairo 1.16 rasterizes the
 * last column and row of a surface a little differently from the same
 * pixels inside one (an outline crossing the edge gets another coverage),
 * which would show as seams between tiles. */
#define TILE_PAD            2
/* Tiles prepared ahead of a pan, beyond those in view, in one draw whose
 * tiles were all there already (see prefetch_tiles()). */
#define PREFETCH_PER_DRAW   1

typedef enum {
  FLAG_SELECTED = 1 << 0,
  FLAG_HOVERED  = 1 << 1,
  FLAG_HIDDEN   = 1 << 2,
  FLAG_PREDICTION = 1 << 3,   /* a model's, not yet accepted: dashed, lighter */
} EntryFlags;

typedef struct {
  gatomicrefcount ref_count;  /* renders off the frame hold entries too */
  char        *id;
  CalqueShape *shape;
  guint32      rgba;
  EntryFlags   flags;
  guint32      highlight;     /* 0xRRGGBBAA of the halo around it, or 0 */
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

  /* The render cache (see "Render cache" below): tiles of the shapes
   * that are neither selected, nor hovered, nor hidden, at one scale. */
  gboolean    cache_enabled;
  double      cache_scale;            /* the tiles' scale; 0 when there are none */
  double      cache_phase_x;          /* cache pixel = image pixel × scale + phase */
  double      cache_phase_y;
  GHashTable *tiles;                  /* &Tile.key → Tile* */

  /* Progressive draws (see "Progressive draws" below). */
  gboolean    progressive;
  gboolean    sharp;                  /* the last draw showed only tiles of its scale */
  GHashTable *old_tiles;              /* &Tile.key → Tile*, at old_scale */
  double      old_scale;
  double      old_phase_x;
  double      old_phase_y;
  GHashTable *pending;                /* &Tile.key → Job*: tiles being drawn off the frame */
  GPtrArray  *jobs;                   /* Job*, in flight, at cache_scale */
};

/* One TILE_SIZE × TILE_SIZE square of the cache: cache pixels
 * [tx × TILE_SIZE, (tx + 1) × TILE_SIZE) across, the same down. */
typedef struct {
  gint64           key;               /* tile_key (tx, ty) */
  int              tx, ty;
  cairo_surface_t *surface;           /* ARGB32, premultiplied, transparent where nothing is drawn */
} Tile;

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

static Entry *
entry_new (const char *id)
{
  Entry *entry = g_new0 (Entry, 1);

  g_atomic_ref_count_init (&entry->ref_count);
  entry->id = g_strdup (id);
  return entry;
}

static Entry *
entry_ref (Entry *entry)
{
  g_atomic_ref_count_inc (&entry->ref_count);
  return entry;
}

static void
entry_unref (Entry *entry)
{
  if (!g_atomic_ref_count_dec (&entry->ref_count))
    return;
  g_free (entry->id);
  g_clear_pointer (&entry->shape, calque_shape_free);
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

/* The view of a draw to the widget rectangle [@x0, @x1) × [@y0, @y1),
 * within the viewport; FALSE if that is empty. */
static gboolean
view_init (View                 *view,
           const CalqueViewport *vp,
           double                x0,
           double                y0,
           double                x1,
           double                y1)
{
  view->vp = vp;
  view->wx0 = MAX (x0, 0);
  view->wy0 = MAX (y0, 0);
  view->wx1 = MIN (x1, vp->width);
  view->wy1 = MIN (y1, vp->height);
  if (view->wx0 >= view->wx1 || view->wy0 >= view->wy1)
    return FALSE;
  calque_viewport_widget_to_image (vp, view->wx0, view->wy0, &view->ix0, &view->iy0);
  calque_viewport_widget_to_image (vp, view->wx1, view->wy1, &view->ix1, &view->iy1);
  /* Outcodes look a little beyond the edges so that no outline in view
   * loses a segment that ends just outside. */
  view->wx0 -= DRAW_MARGIN;
  view->wy0 -= DRAW_MARGIN;
  view->wx1 += DRAW_MARGIN;
  view->wy1 += DRAW_MARGIN;
  return TRUE;
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
      if (entry->highlight != 0)
        {
          cairo_arc (cr, wx, wy, POINT_RADIUS + HIGHLIGHT_WIDTH / 2, 0, 2 * G_PI);
          set_source_rgba (cr, entry->highlight, 1.0);
          cairo_fill (cr);
        }
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
      double size = emphasised || entry->highlight != 0 ? 2 * DOT_SIZE : DOT_SIZE;

      if (entry->highlight != 0)
        {
          cairo_rectangle (cr, wx - size, wy - size, 2 * size, 2 * size);
          set_source_rgba (cr, entry->highlight, 1.0);
          cairo_fill (cr);
        }
      cairo_rectangle (cr, wx - size / 2, wy - size / 2, size, size);
      set_source_rgba (cr, entry->rgba, 1.0);
      cairo_fill (cr);
      return;
    }

  small = !emphasised && entry->highlight == 0 && (entry->x1 - entry->x0) * scale < NO_AA_BELOW
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
      set_source_rgba (cr, entry->rgba, entry->flags & FLAG_PREDICTION ? fill_alpha / 2 : fill_alpha);
      cairo_fill_preserve (cr);
    }
  if (entry->highlight != 0)
    {
      /* A halo under the outline, which keeps the label's colour on top:
       * the shape is still recognised by its label. */
      set_source_rgba (cr, entry->highlight, 1.0);
      cairo_set_line_width (cr, line_width + HIGHLIGHT_WIDTH);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve (cr);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
    }
  set_source_rgba (cr, entry->rgba, 1.0);
  cairo_set_line_width (cr, line_width);
  if (entry->flags & FLAG_PREDICTION)
    {
      /* Dashes tell a model's suggestion from anyone's work at a glance. */
      static const double dashes[] = { 6.0, 4.0 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

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

/* ---- Render cache ---------------------------------------------------- *
 *
 * Most frames differ from the last one only by a pan, or by the selected
 * or hovered shape. The shapes that are neither selected, nor hovered, nor
 * hidden (the "plain" ones) are therefore drawn once into tiles, ARGB32
 * surfaces of TILE_SIZE² cache pixels, and a frame composites the tiles it
 * shows; the hovered and the selected shapes are drawn live on top, as
 * they always were (after every plain shape), so a drag that replaces the
 * selected shape on every motion touches no tile.
 *
 * Cache pixels are widget pixels at the cache's scale, shifted by whole
 * pixels: cache = image × scale + phase, where the phase is the fractional
 * part of the viewport's offset when the cache was started. A pan by whole
 * pixels composites the tiles exactly where a fresh draw would put the
 * shapes; a pan by a fraction of a pixel puts them within half a pixel of
 * it (the offset is rounded), so that a pan never redraws a tile.
 *
 * What invalidates what:
 * - a new scale drops every tile (and starts the cache at the new phase);
 * - a shape that joins or leaves the plain ones, or changes while one of
 *   them (set_shape, remove, set_hidden, set_selected, set_hovered), drops
 *   the tiles its old and its new bounding box touch, DRAW_MARGIN around;
 * - clear drops every tile.
 * Dropped tiles are drawn again when they are next in view.
 *
 * Memory: after each draw, tiles further than half a viewport (plus one
 * tile) beyond the viewport are dropped, so at most about
 * (2 × width / TILE_SIZE + 4) × (2 × height / TILE_SIZE + 4) tiles of
 * 260² × 4 bytes stay: about 33 MB for a 1280 × 800 view.
 *
 * The cache is used only when the cairo_t's user space is device space up
 * to a translation by whole pixels, and the target's device scale is 1;
 * otherwise (a scaled or rotated cairo_t, a HiDPI surface), the plain
 * shapes are drawn directly, as before, so that they stay sharp. */

static gint64
tile_key (int tx,
          int ty)
{
  return (gint64) (((guint64) (guint32) tx << 32) | (guint32) ty);
}

static void
tile_free (Tile *tile)
{
  cairo_surface_destroy (tile->surface);
  g_free (tile);
}

/* Neither selected, nor hovered, nor hidden: drawn in the tiles. */
static gboolean
entry_is_plain (CalqueShapeLayer *self,
                const Entry      *entry)
{
  return (entry->flags & FLAG_HIDDEN) == 0 && entry != self->selected && entry != self->hovered;
}

static void jobs_cancel (CalqueShapeLayer *self);

static void
cache_drop_all (CalqueShapeLayer *self)
{
  jobs_cancel (self);
  g_hash_table_remove_all (self->tiles);
  g_hash_table_remove_all (self->old_tiles);
  self->cache_scale = 0;
  self->old_scale = 0;
}

/* Removes from @table (keys &Tile.key) the tiles, at @scale and phase
 * (@phase_x, @phase_y), that a plain @entry, as it is now, is drawn on. */
static void
drop_entry_tiles (GHashTable  *table,
                  double       s,
                  double       phase_x,
                  double       phase_y,
                  const Entry *entry)
{
  GHashTableIter iter;
  const gint64 *key;
  double cx0, cy0, cx1, cy1;

  if (s == 0 || g_hash_table_size (table) == 0)
    return;

  /* One pixel more than a draw may reach, for antialiasing. */
  cx0 = entry->x0 * s + phase_x - DRAW_MARGIN - 1;
  cy0 = entry->y0 * s + phase_y - DRAW_MARGIN - 1;
  cx1 = entry->x1 * s + phase_x + DRAW_MARGIN + 1;
  cy1 = entry->y1 * s + phase_y + DRAW_MARGIN + 1;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      int tx = (gint32) (guint32) ((guint64) *key >> 32), ty = (gint32) (guint32) *key;
      double tx0 = (double) tx * TILE_SIZE, ty0 = (double) ty * TILE_SIZE;

      if (cx1 >= tx0 && cx0 <= tx0 + TILE_SIZE && cy1 >= ty0 && cy0 <= ty0 + TILE_SIZE)
        g_hash_table_iter_remove (&iter);
    }
}

/* Drops the tiles that a plain @entry, as it is now, is drawn on: those
 * of the cache, those being drawn off the frame (they will be dropped
 * when they arrive), and those of the previous scale. */
static void
cache_drop_entry (CalqueShapeLayer *self,
                  const Entry      *entry)
{
  drop_entry_tiles (self->tiles, self->cache_scale, self->cache_phase_x, self->cache_phase_y, entry);
  drop_entry_tiles (self->pending, self->cache_scale, self->cache_phase_x, self->cache_phase_y, entry);
  drop_entry_tiles (self->old_tiles, self->old_scale, self->old_phase_x, self->old_phase_y, entry);
}

/* Whether drawing to @cr can use the tiles: one user-space unit is one
 * device pixel, and the tiles land on whole device pixels. */
static gboolean
cache_usable (cairo_t *cr)
{
  cairo_matrix_t m;
  double sx, sy, dx, dy;
  cairo_surface_t *target = cairo_get_target (cr);

  cairo_get_matrix (cr, &m);
  if (m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 || m.x0 != floor (m.x0) || m.y0 != floor (m.y0))
    return FALSE;
  cairo_surface_get_device_scale (target, &sx, &sy);
  cairo_surface_get_device_offset (target, &dx, &dy);
  return sx == 1 && sy == 1 && dx == floor (dx) && dy == floor (dy);
}

static void
begin_shapes (cairo_t *cr)
{
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
}

/* The plain shapes that meet @view, in drawing order. */
static void
draw_plain (CalqueShapeLayer *self,
            cairo_t          *cr,
            const View       *view)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry != self->selected && entry != self->hovered && entry_visible (view, entry))
        draw_entry (cr, view, entry, FILL_ALPHA, OUTLINE_WIDTH, FALSE);
    }
}

/* Draws the plain shapes into @tile. Touches nothing but the tile: tiles
 * are drawn on several threads at once (see render_tiles()). */
static void
tile_render (CalqueShapeLayer *self,
             Tile             *tile)
{
  CalqueViewport vp = {
    .scale = self->cache_scale,
    .offset_x = self->cache_phase_x - (double) tile->tx * TILE_SIZE + TILE_PAD,
    .offset_y = self->cache_phase_y - (double) tile->ty * TILE_SIZE + TILE_PAD,
    .width = TILE_SIZE + 2 * TILE_PAD,
    .height = TILE_SIZE + 2 * TILE_PAD,
  };
  View view;
  cairo_t *cr;

  view_init (&view, &vp, 0, 0, vp.width, vp.height);
  cr = cairo_create (tile->surface);
  begin_shapes (cr);
  draw_plain (self, cr, &view);
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
}

static Tile *
tile_new (int tx,
          int ty)
{
  Tile *tile = g_new0 (Tile, 1);

  tile->tx = tx;
  tile->ty = ty;
  tile->key = tile_key (tx, ty);
  tile->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE_SIZE + 2 * TILE_PAD,
                                              TILE_SIZE + 2 * TILE_PAD);
  return tile;
}

static Tile *
render_tile (CalqueShapeLayer *self,
             int               tx,
             int               ty)
{
  Tile *tile = tile_new (tx, ty);

  tile_render (self, tile);
  g_hash_table_insert (self->tiles, &tile->key, tile);
  return tile;
}

/* Tiles shared out between the threads of one render_tiles(). */
typedef struct {
  CalqueShapeLayer *self;
  GPtrArray        *tiles;   /* Tile* */
  gint              next;    /* atomic: the index of the next tile to take */
} TileWork;

static gpointer
render_tiles_thread (gpointer data)
{
  TileWork *work = data;
  guint i;

  while ((i = (guint) g_atomic_int_add (&work->next, 1)) < work->tiles->len)
    tile_render (work->self, g_ptr_array_index (work->tiles, i));
  return NULL;
}

/* Draws @tiles, then adds them to the cache. Each tile is drawn on its
 * own surface, so they are drawn on as many threads as there are
 * processors (up to one a tile), this one among them: a frame after a
 * zoom, which draws every tile in view, then takes a fraction of the
 * time. The shapes are only read meanwhile, and the caller waits. */
static void
render_tiles (CalqueShapeLayer *self,
              GPtrArray        *tiles)
{
  TileWork work = { .self = self, .tiles = tiles, .next = 0 };
  guint n_threads = MIN (g_get_num_processors (), tiles->len);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  for (guint t = 1; t < n_threads; t++)
    {
      GThread *thread = g_thread_try_new ("calque-tiles", render_tiles_thread, &work, NULL);

      /* Without a thread, this one does the work alone. */
      if (thread == NULL)
        break;
      g_ptr_array_add (threads, thread);
    }
  render_tiles_thread (&work);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));

  for (guint i = 0; i < tiles->len; i++)
    {
      Tile *tile = g_ptr_array_index (tiles, i);

      g_hash_table_insert (self->tiles, &tile->key, tile);
    }
}

/* ---- Progressive draws ----------------------------------------------- *
 *
 * A draw right after a zoom finds none of the new scale's tiles. With
 * progressive draws on (calque_shape_layer_set_progressive()), it does not
 * wait for them: it shows, in place of each missing tile, what the tiles
 * of the previous scale show there, scaled (a blit, a little blurry), and
 * hands the missing tiles to a render off the frame, a "job": threads
 * (as many as there are processors, up to one a tile) draw them from a
 * snapshot of the plain shapes (entries are reference counted and never
 * changed once drawn: a replaced shape gets a new entry), then a source
 * on the main context of the draw hands them back to the layer, which
 * emits "changed" so that the widget draws again, sharp.
 *
 * Nothing stale is shown: a shape change drops the tiles being drawn that
 * it touches (they are thrown away when they arrive, and drawn again at
 * the next draw), and the previous scale's tiles it touches (those parts
 * stay empty until the new tiles arrive); a new scale, a clear or the
 * end of the layer cancels the jobs (their threads stop after the tile in
 * hand, and nothing reaches the layer).
 *
 * Memory: the previous scale's tiles are one cache's worth at most (see
 * above), kept until a draw finds every tile in view at its own scale;
 * on a zoom during a zoom, the larger of the two sets is kept. */

typedef struct {
  gatomicrefcount ref_count;
  GWeakRef        layer;
  GMainContext   *context;    /* the draw's, where the tiles are handed back */
  GPtrArray      *entries;    /* Entry*, referenced: the plain shapes that meet the tiles */
  GPtrArray      *tiles;      /* Tile*, NULL once handed over */
  double          scale, phase_x, phase_y;
  gint            next;       /* atomic: the index of the next tile to take */
  gint            running;    /* atomic: the threads still at work */
  gint            cancelled;  /* atomic */
} Job;

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

/* May run on a worker thread: touches nothing of the layer. */
static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  for (guint i = 0; i < job->tiles->len; i++)
    if (g_ptr_array_index (job->tiles, i) != NULL)
      tile_free (g_ptr_array_index (job->tiles, i));
  g_ptr_array_unref (job->tiles);
  g_ptr_array_unref (job->entries);
  g_main_context_unref (job->context);
  g_weak_ref_clear (&job->layer);
  g_free (job);
}

static void
job_render_tile (Job  *job,
                 Tile *tile)
{
  CalqueViewport vp = {
    .scale = job->scale,
    .offset_x = job->phase_x - (double) tile->tx * TILE_SIZE + TILE_PAD,
    .offset_y = job->phase_y - (double) tile->ty * TILE_SIZE + TILE_PAD,
    .width = TILE_SIZE + 2 * TILE_PAD,
    .height = TILE_SIZE + 2 * TILE_PAD,
  };
  double margin = DRAW_MARGIN / job->scale;
  View view;
  cairo_t *cr;

  view_init (&view, &vp, 0, 0, vp.width, vp.height);
  cr = cairo_create (tile->surface);
  begin_shapes (cr);
  /* As draw_plain() does, from the snapshot. */
  for (guint i = 0; i < job->entries->len && !g_atomic_int_get (&job->cancelled); i++)
    {
      const Entry *entry = g_ptr_array_index (job->entries, i);

      if (entry->x1 + margin >= view.ix0 && entry->x0 - margin <= view.ix1
          && entry->y1 + margin >= view.iy0 && entry->y0 - margin <= view.iy1)
        draw_entry (cr, &view, entry, FILL_ALPHA, OUTLINE_WIDTH, FALSE);
    }
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
}

/* On the main context of the draw that started @data. */
static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(CalqueShapeLayer) self = g_weak_ref_get (&job->layer);
  gboolean arrived = FALSE;

  if (self == NULL || g_atomic_int_get (&job->cancelled) || !g_ptr_array_find (self->jobs, job, NULL))
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < job->tiles->len; i++)
    {
      Tile *tile = g_ptr_array_index (job->tiles, i);

      /* Not there if a shape change dropped it meanwhile. */
      if (g_hash_table_lookup (self->pending, &tile->key) != job)
        continue;
      g_hash_table_remove (self->pending, &tile->key);
      g_ptr_array_index (job->tiles, i) = NULL;
      g_hash_table_replace (self->tiles, &tile->key, tile);
      arrived = TRUE;
    }
  g_ptr_array_remove (self->jobs, job);
  if (arrived)
    emit_changed (self);
  return G_SOURCE_REMOVE;
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  guint i;

  while (!g_atomic_int_get (&job->cancelled)
         && (i = (guint) g_atomic_int_add (&job->next, 1)) < job->tiles->len)
    job_render_tile (job, g_ptr_array_index (job->tiles, i));

  /* The last thread hands the tiles back, with its reference. Through a
   * source, never g_main_context_invoke(), which could run the callback
   * here, on this thread, when no one owns the context. */
  if (g_atomic_int_dec_and_test (&job->running) && !g_atomic_int_get (&job->cancelled))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, job_done_cb, job, (GDestroyNotify) job_unref);
      g_source_set_name (source, "[calque] shape tiles");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
  else
    job_unref (job);
  return NULL;
}

/* Draws @tiles (Tile*, taken) off the frame, for the current scale. */
static void
job_start (CalqueShapeLayer *self,
           GPtrArray        *tiles)
{
  Job *job = g_new0 (Job, 1);
  double s = self->cache_scale, margin = DRAW_MARGIN / s;
  double cx0 = G_MAXDOUBLE, cy0 = G_MAXDOUBLE, cx1 = -G_MAXDOUBLE, cy1 = -G_MAXDOUBLE;
  double ix0, iy0, ix1, iy1;
  guint n_threads = MIN (g_get_num_processors (), tiles->len);

  g_atomic_ref_count_init (&job->ref_count);
  g_weak_ref_init (&job->layer, self);
  job->context = g_main_context_ref_thread_default ();
  job->tiles = tiles;
  job->scale = s;
  job->phase_x = self->cache_phase_x;
  job->phase_y = self->cache_phase_y;

  /* The plain shapes that meet the tiles, pads included. */
  for (guint i = 0; i < tiles->len; i++)
    {
      Tile *tile = g_ptr_array_index (tiles, i);

      cx0 = MIN (cx0, (double) tile->tx * TILE_SIZE - TILE_PAD);
      cy0 = MIN (cy0, (double) tile->ty * TILE_SIZE - TILE_PAD);
      cx1 = MAX (cx1, (double) (tile->tx + 1) * TILE_SIZE + TILE_PAD);
      cy1 = MAX (cy1, (double) (tile->ty + 1) * TILE_SIZE + TILE_PAD);
      g_hash_table_insert (self->pending, &tile->key, job);
    }
  ix0 = (cx0 - job->phase_x) / s - margin;
  iy0 = (cy0 - job->phase_y) / s - margin;
  ix1 = (cx1 - job->phase_x) / s + margin;
  iy1 = (cy1 - job->phase_y) / s + margin;
  job->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_unref);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry_is_plain (self, entry) && entry->x1 >= ix0 && entry->x0 <= ix1
          && entry->y1 >= iy0 && entry->y0 <= iy1)
        g_ptr_array_add (job->entries, entry_ref (entry));
    }

  g_ptr_array_add (self->jobs, job);   /* the layer's reference */
  job->running = (gint) n_threads;
  for (guint t = 0; t < n_threads; t++)
    {
      GThread *thread = g_thread_try_new ("calque-tiles", job_thread, job_ref (job), NULL);

      if (thread != NULL)
        {
          g_thread_unref (thread);
          continue;
        }
      /* Fewer threads: those started do the work; with none, this one. */
      job_unref (job);
      if (g_atomic_int_add (&job->running, -(gint) (n_threads - t)) == (gint) (n_threads - t))
        {
          g_atomic_int_inc (&job->running);
          job_thread (job_ref (job));
        }
      break;
    }
}

/* Stops the jobs in flight; their tiles never reach the layer. */
static void
jobs_cancel (CalqueShapeLayer *self)
{
  /* The pending table's keys are in the jobs' tiles: emptied first. */
  g_hash_table_remove_all (self->pending);
  for (guint i = 0; i < self->jobs->len; i++)
    g_atomic_int_set (&((Job *) g_ptr_array_index (self->jobs, i))->cancelled, TRUE);
  g_ptr_array_set_size (self->jobs, 0);
}

/* Paints, clipped to what @cr's path outlines, the tiles of the previous
 * scale, scaled to @vp's. */
static void
draw_old_tiles (CalqueShapeLayer     *self,
                cairo_t              *cr,
                const CalqueViewport *vp)
{
  GHashTableIter iter;
  Tile *tile;
  double r = vp->scale / self->old_scale;

  cairo_save (cr);
  cairo_clip (cr);
  /* widget = (old cache pixel - old phase) × r + offset */
  cairo_translate (cr, vp->offset_x - self->old_phase_x * r, vp->offset_y - self->old_phase_y * r);
  cairo_scale (cr, r, r);
  g_hash_table_iter_init (&iter, self->old_tiles);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
    {
      double x = (double) tile->tx * TILE_SIZE, y = (double) tile->ty * TILE_SIZE;

      cairo_set_source_surface (cr, tile->surface, x - TILE_PAD, y - TILE_PAD);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
      cairo_rectangle (cr, x, y, TILE_SIZE, TILE_SIZE);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

/* The tiles (columns @tx0…@tx1, rows @ty0…@ty1) of the visible rectangle
 * [@wx0, @wx1) × [@wy0, @wy1) in widget pixels, for cache-to-widget shift
 * (@dx, @dy). */
static void
tile_range (double  wx0,
            double  wy0,
            double  wx1,
            double  wy1,
            double  dx,
            double  dy,
            int    *tx0,
            int    *ty0,
            int    *tx1,
            int    *ty1)
{
  *tx0 = (int) floor ((wx0 - dx) / TILE_SIZE);
  *ty0 = (int) floor ((wy0 - dy) / TILE_SIZE);
  *tx1 = (int) floor ((wx1 - dx - 1) / TILE_SIZE);
  *ty1 = (int) floor ((wy1 - dy - 1) / TILE_SIZE);
}

/* Renders up to PREFETCH_PER_DRAW missing tiles of the ring around
 * columns @tx0…@tx1, rows @ty0…@ty1, so that a pan finds them ready. */
static void
prefetch_tiles (CalqueShapeLayer *self,
                int               tx0,
                int               ty0,
                int               tx1,
                int               ty1)
{
  guint done = 0;

  for (int ty = ty0 - 1; ty <= ty1 + 1 && done < PREFETCH_PER_DRAW; ty++)
    for (int tx = tx0 - 1; tx <= tx1 + 1 && done < PREFETCH_PER_DRAW; tx++)
      {
        gint64 key = tile_key (tx, ty);

        if (ty >= ty0 && ty <= ty1 && tx >= tx0 && tx <= tx1)
          continue;
        if (g_hash_table_contains (self->tiles, &key))
          continue;
        render_tile (self, tx, ty);
        done++;
      }
}

/* Composites the plain shapes onto @cr from the tiles, drawing the
 * missing ones. */
static void
draw_cached (CalqueShapeLayer     *self,
             cairo_t              *cr,
             const View           *view,
             const CalqueViewport *vp)
{
  GHashTableIter iter;
  Tile *tile;
  double dx, dy;
  int tx0, ty0, tx1, ty1, kx0, ky0, kx1, ky1, keep_x, keep_y;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  guint rendered, n_missing = 0;

  if (self->cache_scale != vp->scale)
    {
      if (self->progressive && self->cache_scale != 0)
        {
          /* The tiles of this scale become the previous scale's, unless
           * fewer of them are drawn than of that one (a zoom during a
           * zoom). */
          jobs_cancel (self);
          if (g_hash_table_size (self->tiles) >= g_hash_table_size (self->old_tiles))
            {
              GHashTable *old = self->old_tiles;

              self->old_tiles = self->tiles;
              self->tiles = old;
              self->old_scale = self->cache_scale;
              self->old_phase_x = self->cache_phase_x;
              self->old_phase_y = self->cache_phase_y;
            }
          g_hash_table_remove_all (self->tiles);
        }
      else
        cache_drop_all (self);
      self->cache_scale = vp->scale;
      self->cache_phase_x = vp->offset_x - floor (vp->offset_x);
      self->cache_phase_y = vp->offset_y - floor (vp->offset_y);
    }
  /* Whole pixels from cache to widget. */
  dx = round (vp->offset_x - self->cache_phase_x);
  dy = round (vp->offset_y - self->cache_phase_y);

  /* The view's rectangle without the outcodes' margin. */
  tile_range (view->wx0 + DRAW_MARGIN, view->wy0 + DRAW_MARGIN, view->wx1 - DRAW_MARGIN,
              view->wy1 - DRAW_MARGIN, dx, dy, &tx0, &ty0, &tx1, &ty1);

  for (int ty = ty0; ty <= ty1; ty++)
    for (int tx = tx0; tx <= tx1; tx++)
      {
        gint64 key = tile_key (tx, ty);

        if (g_hash_table_contains (self->tiles, &key))
          continue;
        n_missing++;
        if (self->progressive)
          {
            /* In place of the tile, the previous scale's, scaled. */
            cairo_rectangle (cr, (double) tx * TILE_SIZE + dx, (double) ty * TILE_SIZE + dy, TILE_SIZE, TILE_SIZE);
            if (g_hash_table_contains (self->pending, &key))
              continue;
          }
        g_ptr_array_add (missing, tile_new (tx, ty));
      }
  rendered = n_missing;
  if (!self->progressive && missing->len > 0)
    render_tiles (self, missing);
  else if (self->progressive)
    {
      if (n_missing > 0 && self->old_scale > 0 && g_hash_table_size (self->old_tiles) > 0)
        draw_old_tiles (self, cr, vp);
      cairo_new_path (cr);
      if (missing->len > 0)
        job_start (self, g_steal_pointer (&missing));
    }
  self->sharp = !self->progressive || n_missing == 0;

  for (int ty = ty0; ty <= ty1; ty++)
    for (int tx = tx0; tx <= tx1; tx++)
      {
        gint64 key = tile_key (tx, ty);
        double x = (double) tx * TILE_SIZE + dx, y = (double) ty * TILE_SIZE + dy;

        tile = g_hash_table_lookup (self->tiles, &key);
        if (tile == NULL)
          {
            g_assert (self->progressive);
            continue;
          }
        cairo_set_source_surface (cr, tile->surface, x - TILE_PAD, y - TILE_PAD);
        cairo_rectangle (cr, x, y, TILE_SIZE, TILE_SIZE);
        cairo_fill (cr);
      }

  /* Prepare for a pan only in a frame that had nothing else to render. */
  tile_range (0, 0, vp->width, vp->height, dx, dy, &tx0, &ty0, &tx1, &ty1);
  if (rendered == 0)
    prefetch_tiles (self, tx0, ty0, tx1, ty1);
  /* The previous scale's tiles are needed no more. */
  if (n_missing == 0 && g_hash_table_size (self->pending) == 0)
    {
      g_hash_table_remove_all (self->old_tiles);
      self->old_scale = 0;
    }

  /* Keep what is within half a view (and one tile) of the view. */
  keep_x = (int) ceil (vp->width / 2 / TILE_SIZE) + 1;
  keep_y = (int) ceil (vp->height / 2 / TILE_SIZE) + 1;
  kx0 = tx0 - keep_x;
  kx1 = tx1 + keep_x;
  ky0 = ty0 - keep_y;
  ky1 = ty1 + keep_y;
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
    if (tile->tx < kx0 || tile->tx > kx1 || tile->ty < ky0 || tile->ty > ky1)
      g_hash_table_iter_remove (&iter);
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
calque_shape_layer_dispose (GObject *object)
{
  CalqueShapeLayer *self = CALQUE_SHAPE_LAYER (object);

  jobs_cancel (self);

  G_OBJECT_CLASS (calque_shape_layer_parent_class)->dispose (object);
}

static void
calque_shape_layer_finalize (GObject *object)
{
  CalqueShapeLayer *self = CALQUE_SHAPE_LAYER (object);

  g_ptr_array_unref (self->jobs);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->old_tiles);
  g_hash_table_unref (self->tiles);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (calque_shape_layer_parent_class)->finalize (object);
}

static void
calque_shape_layer_class_init (CalqueShapeLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_shape_layer_dispose;
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
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) tile_free);
  self->old_tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) tile_free);
  self->pending = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_unref);
  self->cache_enabled = TRUE;
  self->sharp = TRUE;
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
  Entry *entry, *old;

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

  /* A replaced shape gets a new entry in the old one's place: renders off
   * the frame may still be reading the old one. */
  old = g_hash_table_lookup (self->by_id, id);

  /* The same shape set again (a view re-reading its model after another
   * shape changed) keeps its entry and the tiles drawn with it. */
  if (old != NULL && old->rgba == rgba && calque_shape_equal (old->shape, shape))
    return TRUE;
  entry = entry_new (id);
  if (old == NULL)
    g_ptr_array_add (self->entries, entry);
  else
    {
      guint index = 0;
      gboolean found;

      if (entry_is_plain (self, old))
        cache_drop_entry (self, old);
      found = g_ptr_array_find (self->entries, old, &index);
      g_assert (found);
      entry->flags = old->flags;
      entry->highlight = old->highlight;
      self->entries->pdata[index] = entry;
      if (self->selected == old)
        self->selected = entry;
      if (self->hovered == old)
        self->hovered = entry;
    }
  g_hash_table_replace (self->by_id, entry->id, entry);
  if (old != NULL)
    entry_unref (old);

  entry->shape = calque_shape_copy (shape);
  entry->rgba = rgba;
  entry_prepare (entry);
  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);

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

  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
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
  cache_drop_all (self);
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

  Entry *old = *slot;

  if (entry == old)
    return;
  /* Both leave or join the plain shapes, unless the other flag, or
   * being hidden, keeps them out. */
  if (entry != NULL && entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
  if (old != NULL)
    old->flags &= ~flag;
  *slot = entry;
  if (entry != NULL)
    entry->flags |= flag;
  if (old != NULL && entry_is_plain (self, old))
    cache_drop_entry (self, old);
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
  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
  if (hidden)
    entry->flags |= FLAG_HIDDEN;
  else
    entry->flags &= ~FLAG_HIDDEN;
  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
  emit_changed (self);
}

void
calque_shape_layer_set_prediction (CalqueShapeLayer *self,
                                   const char       *id,
                                   gboolean          prediction)
{
  Entry *entry;

  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));
  g_return_if_fail (id != NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL || !!(entry->flags & FLAG_PREDICTION) == !!prediction)
    return;
  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
  if (prediction)
    entry->flags |= FLAG_PREDICTION;
  else
    entry->flags &= ~FLAG_PREDICTION;
  emit_changed (self);
}

gboolean
calque_shape_layer_get_prediction (CalqueShapeLayer *self,
                                   const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL && (entry->flags & FLAG_PREDICTION) != 0;
}

void
calque_shape_layer_set_highlight (CalqueShapeLayer *self,
                                  const char       *id,
                                  guint32           rgba)
{
  Entry *entry;

  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));
  g_return_if_fail (id != NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL || entry->highlight == rgba)
    return;
  if (entry_is_plain (self, entry))
    cache_drop_entry (self, entry);
  entry->highlight = rgba;
  emit_changed (self);
}

guint32
calque_shape_layer_get_highlight (CalqueShapeLayer *self,
                                  const char       *id)
{
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), 0);
  g_return_val_if_fail (id != NULL, 0);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? entry->highlight : 0;
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
  View view;

  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (vp != NULL && vp->scale > 0);

  self->sharp = TRUE;
  if (self->entries->len == 0)
    return;

  /* The clip is what the widget asked to redraw; often less than all. */
  cairo_clip_extents (cr, &cx0, &cy0, &cx1, &cy1);
  if (!view_init (&view, vp, cx0, cy0, cx1, cy1))
    return;

  cairo_save (cr);
  if (self->cache_enabled && cache_usable (cr))
    draw_cached (self, cr, &view, vp);
  else
    {
      begin_shapes (cr);
      draw_plain (self, cr, &view);
    }

  begin_shapes (cr);
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

void
calque_shape_layer_set_cache_enabled (CalqueShapeLayer *self,
                                      gboolean          enabled)
{
  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));

  self->cache_enabled = !!enabled;
  if (!enabled)
    cache_drop_all (self);
}

gboolean
calque_shape_layer_get_cache_enabled (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);

  return self->cache_enabled;
}

gsize
calque_shape_layer_get_cache_size (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), 0);

  return (gsize) (g_hash_table_size (self->tiles) + g_hash_table_size (self->old_tiles))
         * (TILE_SIZE + 2 * TILE_PAD) * (TILE_SIZE + 2 * TILE_PAD) * 4;
}

void
calque_shape_layer_set_progressive (CalqueShapeLayer *self,
                                    gboolean          progressive)
{
  g_return_if_fail (CALQUE_IS_SHAPE_LAYER (self));

  progressive = !!progressive;
  if (self->progressive == progressive)
    return;
  self->progressive = progressive;
  /* Synchronous draws neither wait for jobs nor show older tiles. */
  if (!progressive)
    {
      jobs_cancel (self);
      g_hash_table_remove_all (self->old_tiles);
      self->old_scale = 0;
    }
}

gboolean
calque_shape_layer_get_progressive (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);

  return self->progressive;
}

guint
calque_shape_layer_get_n_pending (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), 0);

  return g_hash_table_size (self->pending);
}

gboolean
calque_shape_layer_get_sharp (CalqueShapeLayer *self)
{
  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (self), FALSE);

  return self->sharp;
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
