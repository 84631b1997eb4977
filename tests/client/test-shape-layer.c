/* test-shape-layer.c — shapes drawn where they belong, and hit-tested
 *
 * Drawings go to a cairo image surface, cleared to transparent, and the
 * tests read pixels back: a filled area has some alpha, an untouched pixel
 * has none.
 */
#include "calque-shape-layer.h"

#include <math.h>

#define RED   0xff0000ffu
#define GREEN 0x00ff00ffu
#define BLUE  0x0000ffffu

static cairo_surface_t *
render (CalqueShapeLayer     *layer,
        const CalqueViewport *vp)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) vp->width, (int) vp->height);
  cairo_t *cr = cairo_create (surface);

  calque_shape_layer_draw (layer, cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return ((const guint32 *) (data + y * cairo_image_surface_get_stride (surface)))[x];
}

static guint
alpha_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  return pixel (surface, x, y) >> 24;
}

/* A fill of @rgba (0xRRGGBBAA, one of the three above): some alpha, the
 * colour's own channel dominant. */
static void
assert_filled (cairo_surface_t *surface,
               int              x,
               int              y,
               guint32          rgba)
{
  guint32 p = pixel (surface, x, y);
  guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  if ((p >> 24) < 30)
    g_error ("pixel (%d, %d) is %08x, expected a fill", x, y, p);
  if ((rgba >> 24) != 0)
    g_assert_cmpuint (r, >, MAX (g, b));
  else if (((rgba >> 16) & 0xff) != 0)
    g_assert_cmpuint (g, >, MAX (r, b));
  else
    g_assert_cmpuint (b, >, MAX (r, g));
}

static void
assert_clear (cairo_surface_t *surface,
              int              x,
              int              y)
{
  guint32 p = pixel (surface, x, y);

  if (p != 0)
    g_error ("pixel (%d, %d) is %08x, expected nothing drawn", x, y, p);
}

static const CalqueViewport identity = { .scale = 1, .width = 200, .height = 200 };

/* ---- Drawing --------------------------------------------------------- */

static void
test_box (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (50, 40, 100, 60);
  CalqueViewport zoomed = { .scale = 2, .offset_x = -60, .offset_y = 10, .width = 200, .height = 200 };
  cairo_surface_t *surface;

  g_assert_true (calque_shape_layer_set_shape (layer, "a", box, RED));

  surface = render (layer, &identity);
  assert_filled (surface, 100, 70, RED);
  assert_filled (surface, 52, 42, RED);
  assert_filled (surface, 147, 97, RED);
  /* The fill is translucent, the outline opaque. */
  g_assert_cmpuint (alpha_at (surface, 100, 70), <, 128);
  g_assert_cmpuint (alpha_at (surface, 50, 70), >, 180);
  assert_clear (surface, 45, 70);
  assert_clear (surface, 155, 70);
  assert_clear (surface, 100, 35);
  assert_clear (surface, 100, 105);
  assert_clear (surface, 5, 5);
  cairo_surface_destroy (surface);

  /* Zoomed 2× and panned: the box spans x 40…240, y 90…210 on screen. */
  surface = render (layer, &zoomed);
  assert_filled (surface, 45, 95, RED);
  assert_filled (surface, 195, 195, RED);
  assert_clear (surface, 35, 95);
  assert_clear (surface, 100, 85);
  /* The outline stays 1.5 px wide at 2×: two pixels in are the fill. */
  g_assert_cmpuint (alpha_at (surface, 40, 150), >, 180);
  g_assert_cmpuint (alpha_at (surface, 43, 150), <, 128);
  cairo_surface_destroy (surface);
}

static void
test_rotated_box (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  /* Centre (100, 100), 120 wide and 20 high; turned 90° it stands up. */
  g_autoptr(CalqueShape) box = calque_shape_new_box (40, 90, 120, 20);
  cairo_surface_t *surface;

  box->rotation = 90;
  calque_shape_layer_set_shape (layer, "a", box, GREEN);
  surface = render (layer, &identity);
  assert_filled (surface, 100, 50, GREEN);
  assert_filled (surface, 100, 150, GREEN);
  assert_clear (surface, 50, 100);
  assert_clear (surface, 150, 100);
  cairo_surface_destroy (surface);

  /* At 45°, a diagonal from top-left to bottom-right. */
  box->rotation = 45;
  calque_shape_layer_set_shape (layer, "a", box, GREEN);
  surface = render (layer, &identity);
  assert_filled (surface, 70, 70, GREEN);
  assert_filled (surface, 130, 130, GREEN);
  assert_clear (surface, 130, 70);
  assert_clear (surface, 70, 130);
  cairo_surface_destroy (surface);
}

static void
add_square_polygon (CalqueShapeLayer *layer,
                    const char       *id,
                    double            x0,
                    double            x1,
                    gboolean          hole_same_way,
                    guint32           rgba)
{
  /* Outer 20…180 clockwise on screen; the hole x0…x1 either way round. */
  const double outer[] = { 20, 20, 180, 20, 180, 180, 20, 180 };
  const double hole_cw[] = { x0, x0, x1, x0, x1, x1, x0, x1 };
  const double hole_ccw[] = { x0, x0, x0, x1, x1, x1, x1, x0 };
  g_autoptr(CalqueShape) polygon = calque_shape_new_polygon (outer, 4);

  calque_shape_add_hole (polygon, hole_same_way ? hole_cw : hole_ccw, 4);
  g_assert_true (calque_shape_layer_set_shape (layer, id, polygon, rgba));
}

static void
test_polygon_with_hole (void)
{
  for (int same_way = 0; same_way < 2; same_way++)
    {
      g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
      cairo_surface_t *surface;

      add_square_polygon (layer, "a", 80, 120, same_way, BLUE);
      surface = render (layer, &identity);
      assert_filled (surface, 50, 50, BLUE);
      assert_filled (surface, 150, 100, BLUE);
      /* The hole is outlined but empty, whichever way its ring turns. */
      assert_clear (surface, 100, 100);
      g_assert_cmpuint (alpha_at (surface, 80, 100), >, 180);
      assert_clear (surface, 10, 10);
      cairo_surface_destroy (surface);
    }
}

static void
test_overlap_same_colour (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) a = calque_shape_new_box (20, 20, 100, 100);
  g_autoptr(CalqueShape) b = calque_shape_new_box (60, 60, 100, 100);
  const double ccw[] = { 40, 140, 190, 140, 190, 190, 40, 190 };
  g_autoptr(CalqueShape) c = calque_shape_new_polygon (ccw, 4);
  cairo_surface_t *surface;

  /* Batched in one path: where shapes of one colour overlap, the overlap
   * is filled, not cancelled out, however their rings turn. */
  calque_shape_layer_set_shape (layer, "a", a, RED);
  calque_shape_layer_set_shape (layer, "b", b, RED);
  calque_shape_layer_set_shape (layer, "c", c, RED);
  surface = render (layer, &identity);
  assert_filled (surface, 90, 90, RED);
  assert_filled (surface, 100, 150, RED);
  assert_filled (surface, 30, 30, RED);
  cairo_surface_destroy (surface);
}

static void
test_hidden (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) a = calque_shape_new_box (20, 20, 60, 60);
  g_autoptr(CalqueShape) b = calque_shape_new_box (120, 120, 60, 60);
  cairo_surface_t *surface;

  calque_shape_layer_set_shape (layer, "a", a, RED);
  calque_shape_layer_set_shape (layer, "b", b, RED);
  calque_shape_layer_set_hidden (layer, "a", TRUE);
  g_assert_true (calque_shape_layer_get_hidden (layer, "a"));
  surface = render (layer, &identity);
  assert_clear (surface, 50, 50);
  assert_clear (surface, 20, 50);
  assert_filled (surface, 150, 150, RED);
  cairo_surface_destroy (surface);

  /* Hidden even when selected or hovered. */
  calque_shape_layer_set_selected (layer, "a");
  calque_shape_layer_set_hovered (layer, "a");
  surface = render (layer, &identity);
  assert_clear (surface, 50, 50);
  assert_clear (surface, 20, 20);
  cairo_surface_destroy (surface);

  calque_shape_layer_set_hidden (layer, "a", FALSE);
  surface = render (layer, &identity);
  assert_filled (surface, 50, 50, RED);
  cairo_surface_destroy (surface);
}

static void
test_selected_has_handles (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (50, 50, 100, 100);
  cairo_surface_t *surface;

  calque_shape_layer_set_shape (layer, "a", box, RED);
  surface = render (layer, &identity);
  /* Just outside the corner: nothing until the box is selected. */
  assert_clear (surface, 47, 47);
  cairo_surface_destroy (surface);

  calque_shape_layer_set_selected (layer, "a");
  g_assert_cmpstr (calque_shape_layer_get_selected (layer), ==, "a");
  surface = render (layer, &identity);
  /* A white handle on the corner and on the middle of the right side. */
  g_assert_cmphex (pixel (surface, 47, 47), ==, 0xffffffff);
  g_assert_cmphex (pixel (surface, 152, 100), ==, 0xffffffff);
  cairo_surface_destroy (surface);
}

static void
test_points_polylines_dots (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) point = calque_shape_new_point (30, 30);
  const double l[] = { 100, 20, 180, 20, 180, 100 };
  g_autoptr(CalqueShape) polyline = calque_shape_new_polyline (l, 3);
  g_autoptr(CalqueShape) tiny = calque_shape_new_box (100, 150, 0.5, 0.5);
  cairo_surface_t *surface;

  calque_shape_layer_set_shape (layer, "p", point, GREEN);
  calque_shape_layer_set_shape (layer, "l", polyline, BLUE);
  calque_shape_layer_set_shape (layer, "t", tiny, RED);
  surface = render (layer, &identity);

  /* A disc, opaque at its centre. */
  g_assert_cmpuint (alpha_at (surface, 30, 30), ==, 255);
  g_assert_cmpuint (alpha_at (surface, 32, 30), ==, 255);
  assert_clear (surface, 40, 30);
  /* A polyline is stroked, not filled, and not closed. */
  g_assert_cmpuint (alpha_at (surface, 140, 20), >, 180);
  g_assert_cmpuint (alpha_at (surface, 180, 60), >, 180);
  assert_clear (surface, 160, 40);
  assert_clear (surface, 140, 60);
  /* Half a pixel across: still seen, as a dot. */
  g_assert_cmpuint (alpha_at (surface, 100, 150), >, 100);
  cairo_surface_destroy (surface);
}

/* A 40 × 40 grid of 20 × 20 boxes over a 2,000 × 2,000 image, seen from
 * many places: every box whose centre is on screen is drawn there. */
static void
test_culling_keeps_visible (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  const CalqueViewport views[] = {
    { .scale = 1.5, .offset_x = -700, .offset_y = -500, .width = 300, .height = 200 },
    { .scale = 0.3, .offset_x = 10, .offset_y = 5, .width = 300, .height = 200 },
    { .scale = 4, .offset_x = -3990, .offset_y = -5990, .width = 300, .height = 200 },
  };

  for (int i = 0; i < 40; i++)
    for (int j = 0; j < 40; j++)
      {
        g_autofree char *id = g_strdup_printf ("%d-%d", i, j);
        g_autoptr(CalqueShape) box = calque_shape_new_box (i * 50 + 15, j * 50 + 15, 20, 20);

        calque_shape_layer_set_shape (layer, id, box, (i + j) % 2 ? RED : BLUE);
      }
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (layer), ==, 1600);

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      cairo_surface_t *surface = render (layer, &views[v]);
      guint seen = 0;

      for (int i = 0; i < 40; i++)
        for (int j = 0; j < 40; j++)
          {
            double wx, wy;

            calque_viewport_image_to_widget (&views[v], i * 50 + 25, j * 50 + 25, &wx, &wy);
            if (wx < 0 || wy < 0 || wx >= views[v].width || wy >= views[v].height)
              continue;
            assert_filled (surface, (int) wx, (int) wy, (i + j) % 2 ? RED : BLUE);
            seen++;
          }
      g_assert_cmpuint (seen, >, 0);
      cairo_surface_destroy (surface);
    }
}

/* Shapes whose vertices are all off screen but whose area is on it: one
 * around the whole view, one crossing it as a band. The outcode shortcut
 * must not lose them. Also a clip smaller than the widget. */
static void
test_culling_off_screen_vertices (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  const double around[] = { -1000, -1000, 0, -1200, 1000, -1000, 1200, 0, 1000, 1000, 0, 1200, -1000, 1000, -1200, 0 };
  const double band[] = { -500, 90, -400, 80, 600, 90, 700, 100, 600, 110, -500, 110 };
  g_autoptr(CalqueShape) a = calque_shape_new_polygon (around, 8);
  g_autoptr(CalqueShape) b = calque_shape_new_polygon (band, 6);
  cairo_surface_t *surface;
  cairo_t *cr;

  calque_shape_layer_set_shape (layer, "around", a, BLUE);
  calque_shape_layer_set_shape (layer, "band", b, RED);
  surface = render (layer, &identity);
  assert_filled (surface, 10, 10, BLUE);
  assert_filled (surface, 190, 190, BLUE);
  g_assert_cmpuint ((pixel (surface, 100, 100) >> 16) & 0xff, >, 0);
  /* The band's fill sits on the blue one, its outlines at y 80…110. */
  g_assert_cmpuint (pixel (surface, 100, 60) & 0x00ff0000, ==, 0);
  cairo_surface_destroy (surface);

  /* Only a clipped part is redrawn; the band is in it, then not. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 200);
  cr = cairo_create (surface);
  cairo_rectangle (cr, 50, 95, 20, 10);
  cairo_clip (cr);
  calque_shape_layer_set_hidden (layer, "around", TRUE);
  calque_shape_layer_draw (layer, cr, &identity);
  cairo_destroy (cr);
  assert_filled (surface, 60, 100, RED);
  assert_clear (surface, 100, 100);
  cairo_surface_destroy (surface);
}

static CalqueShape *
big_polygon (guint n)
{
  g_autofree double *coords = g_new (double, 2 * n);

  /* A wavy circle of radius about 1,400 around (1500, 1500): no two
   * neighbouring vertices far apart, as a traced outline is. */
  for (guint i = 0; i < n; i++)
    {
      double t = 2 * G_PI * i / n;
      double r = 1400 + 30 * sin (t * 200);

      coords[2 * i] = 1500 + r * cos (t);
      coords[2 * i + 1] = 1500 + r * sin (t);
    }
  return calque_shape_new_polygon (coords, n);
}

static double
draw_ms (CalqueShapeLayer     *layer,
         cairo_surface_t      *surface,
         const CalqueViewport *vp)
{
  cairo_t *cr = cairo_create (surface);
  gint64 start = g_get_monotonic_time ();

  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  calque_shape_layer_draw (layer, cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The same polygon as one plain cairo path, every vertex. */
static double
draw_naive_ms (const CalqueShape    *shape,
               cairo_surface_t      *surface,
               const CalqueViewport *vp)
{
  cairo_t *cr = cairo_create (surface);
  gint64 start = g_get_monotonic_time ();
  const double *c = (const double *) shape->points->data;

  for (guint i = 0; i < shape->points->len / 2; i++)
    cairo_line_to (cr, c[2 * i] * vp->scale + vp->offset_x, c[2 * i + 1] * vp->scale + vp->offset_y);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 1, 0, 0, 0.25);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
test_big_polygon (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) polygon = big_polygon (CALQUE_SHAPE_MAX_POINTS);
  CalqueViewport fit = { .width = 800, .height = 800 };
  CalqueViewport close_up = { .width = 800, .height = 800 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 800);
  double ms = G_MAXDOUBLE, naive_ms = G_MAXDOUBLE;

  calque_shape_layer_set_shape (layer, "big", polygon, RED);
  calque_viewport_fit (&fit, 3000, 3000, 10, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);

  /* Best of three, for a machine that is busy with other tests. */
  for (int i = 0; i < 3; i++)
    {
      ms = MIN (ms, draw_ms (layer, surface, &fit));
      naive_ms = MIN (naive_ms, draw_naive_ms (polygon, surface, &fit));
    }
  g_test_message ("100,000-vertex polygon at fit: %.2f ms (every vertex drawn: %.2f ms)", ms, naive_ms);

  draw_ms (layer, surface, &fit);
  assert_filled (surface, 400, 400, RED);
  assert_clear (surface, 5, 5);
  /* The outline at the right, around x = 1500 + 1400 ± 30 image pixels. */
  g_assert_cmpuint (alpha_at (surface, 400, 400), <, 128);

  /* Level of detail must pay for itself, whatever the machine (and under
   * valgrind, where everything is slower alike)… */
  g_assert_cmpfloat (ms * 2, <, naive_ms);
  /* …and be quick in absolute terms, except under the valgrind setup
   * (which sets G_SLICE), where nothing is. */
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0)
    g_assert_cmpfloat (ms, <, 50);

  /* Close up on the right edge, at 8×: the inside is filled, the outside
   * is not, and the 99% of vertices off screen cost little. */
  close_up.scale = 8;
  close_up.offset_x = 400 - 2900 * 8;
  close_up.offset_y = 400 - 1500 * 8;
  ms = draw_ms (layer, surface, &close_up);
  g_test_message ("the same at 8×, on its edge: %.2f ms", ms);
  assert_filled (surface, 5, 400, RED);
  assert_clear (surface, 795, 400);
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0)
    g_assert_cmpfloat (ms, <, 50);

  cairo_surface_destroy (surface);
}

/* ---- The render cache ------------------------------------------------- */

/* How many pixels of @a and @b differ by more than @tolerance in some
 * channel (premultiplied ARGB32). The last column and row are left out:
 * cairo 1.16 rasterizes an outline that crosses the edge of a surface a
 * little differently there than inside, and a draw through the cache
 * copies those pixels from inside a tile. */
static guint
count_different (cairo_surface_t *a,
                 cairo_surface_t *b,
                 guint            tolerance)
{
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  guint n = 0;

  g_assert_cmpint (width, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < height - 1; y++)
    for (int x = 0; x < width - 1; x++)
      {
        guint32 p = pixel (a, x, y), q = pixel (b, x, y);

        for (int shift = 0; shift < 32; shift += 8)
          {
            int d = (int) ((p >> shift) & 0xff) - (int) ((q >> shift) & 0xff);

            if ((guint) ABS (d) > tolerance)
              {
                if (g_test_verbose ())
                  g_test_message ("(%d, %d): %08x, %08x", x, y, p, q);
                n++;
                break;
              }
          }
      }
  return n;
}

/* Two layers with the same shapes, one with the render cache (the
 * default), one without: what a fresh draw gives. */
typedef struct {
  CalqueShapeLayer *cached;
  CalqueShapeLayer *fresh;
} Pair;

static void
pair_set_shape (Pair              *pair,
                const char        *id,
                const CalqueShape *shape,
                guint32            rgba)
{
  calque_shape_layer_set_shape (pair->cached, id, shape, rgba);
  calque_shape_layer_set_shape (pair->fresh, id, shape, rgba);
}

/* Both drawn on transparent surfaces: pixels may differ by a few levels
 * (compositing the tiles rounds differently from drawing every shape
 * onto the frame), and some along an edge by more, where the level of
 * detail kept another vertex (less than half a pixel away) of an outline
 * running out of a tile than out of the frame; hardly any by more than
 * 48 levels. A shape drawn stale, or missing, differs in hundreds of
 * pixels by 64 levels (a fill) or more (an outline). */
static void
assert_same_as_fresh (Pair                 *pair,
                      const CalqueViewport *vp,
                      const char           *when)
{
  cairo_surface_t *cached = render (pair->cached, vp);
  cairo_surface_t *fresh = render (pair->fresh, vp);
  guint n = count_different (cached, fresh, 3);
  guint n_far = count_different (cached, fresh, 48);

  g_test_message ("%s: %u pixels differ by more than 3 levels, %u by more than 48", when, n, n_far);
  if (n > 60 || n_far > 4)
    g_error ("%s: the cached draw differs from a fresh one in %u pixels (%u by more than 48 levels)",
             when, n, n_far);
  cairo_surface_destroy (cached);
  cairo_surface_destroy (fresh);
}

/* Polygons, boxes (some turned), points and polylines of four colours,
 * many overlapping, over 1,000 × 1,000 image pixels. */
static void
pair_fill (Pair *pair)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  static const guint32 colours[] = { RED, GREEN, BLUE, 0xffaa00c0 };

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%u", i);
      double cx = g_rand_double_range (rand, 0, 1000), cy = g_rand_double_range (rand, 0, 1000);
      double r = g_rand_double_range (rand, 2, 60);
      guint32 rgba = colours[i % G_N_ELEMENTS (colours)];
      g_autoptr(CalqueShape) shape = NULL;

      switch (i % 4)
        {
        case 0:
          {
            double c[2 * 9];

            for (int v = 0; v < 9; v++)
              {
                double rv = r * g_rand_double_range (rand, 0.5, 1.2);

                c[2 * v] = cx + rv * cos (2 * G_PI * v / 9);
                c[2 * v + 1] = cy + rv * sin (2 * G_PI * v / 9);
              }
            shape = calque_shape_new_polygon (c, 9);
          }
          break;
        case 1:
          shape = calque_shape_new_box (cx, cy, r, r * 0.6);
          shape->rotation = i % 3 == 0 ? 30 : 0;
          break;
        case 2:
          shape = calque_shape_new_point (cx, cy);
          break;
        default:
          {
            const double c[] = { cx, cy, cx + r, cy + r / 2, cx + r / 3, cy + r };

            shape = calque_shape_new_polyline (c, 3);
          }
          break;
        }
      pair_set_shape (pair, id, shape, rgba);
    }
}

static void
test_cache_same_as_fresh (void)
{
  Pair pair = { calque_shape_layer_new (), calque_shape_layer_new () };
  CalqueViewport vp = { .scale = 0.7, .offset_x = 13.25, .offset_y = -40.5, .width = 400, .height = 300 };
  g_autoptr(CalqueShape) moved = calque_shape_new_box (200, 200, 150, 80);
  double x, y;

  calque_shape_layer_set_cache_enabled (pair.fresh, FALSE);
  g_assert_true (calque_shape_layer_get_cache_enabled (pair.cached));
  g_assert_false (calque_shape_layer_get_cache_enabled (pair.fresh));
  pair_fill (&pair);

  assert_same_as_fresh (&pair, &vp, "first draw");
  g_assert_cmpuint (calque_shape_layer_get_cache_size (pair.cached), >, 0);
  g_assert_cmpuint (calque_shape_layer_get_cache_size (pair.fresh), ==, 0);

  /* Pans by whole pixels, small and past the tiles drawn. */
  calque_viewport_pan (&vp, -7, 3);
  assert_same_as_fresh (&pair, &vp, "small pan");
  calque_viewport_pan (&vp, -300, -200);
  assert_same_as_fresh (&pair, &vp, "pan by a view");
  calque_viewport_pan (&vp, 150, 90);
  assert_same_as_fresh (&pair, &vp, "pan back");

  /* Zoomed in and out. */
  calque_viewport_zoom_at (&vp, 2.0, 200, 150, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  assert_same_as_fresh (&pair, &vp, "zoom in");
  calque_viewport_zoom_at (&vp, 0.35, 100, 100, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  assert_same_as_fresh (&pair, &vp, "zoom out");
  calque_viewport_zoom_at (&vp, 1.0, 0, 0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  vp.offset_x = round (vp.offset_x);
  vp.offset_y = round (vp.offset_y);
  assert_same_as_fresh (&pair, &vp, "1:1");

  /* A shape in view replaced, moved and recoloured. */
  calque_viewport_widget_to_image (&vp, 100, 100, &x, &y);
  moved->x = x;
  moved->y = y;
  pair_set_shape (&pair, "s1", moved, BLUE);
  assert_same_as_fresh (&pair, &vp, "set_shape");
  moved->x += 40;
  pair_set_shape (&pair, "s1", moved, RED);
  assert_same_as_fresh (&pair, &vp, "set_shape again");
  /* A new one, on top of the others. */
  pair_set_shape (&pair, "new", moved, GREEN);
  assert_same_as_fresh (&pair, &vp, "added");

  /* Selected and hovered: out of the tiles, drawn on top; then back. */
  calque_shape_layer_set_selected (pair.cached, "s1");
  calque_shape_layer_set_selected (pair.fresh, "s1");
  assert_same_as_fresh (&pair, &vp, "selected");
  calque_shape_layer_set_hovered (pair.cached, "new");
  calque_shape_layer_set_hovered (pair.fresh, "new");
  assert_same_as_fresh (&pair, &vp, "hovered");
  /* A drag: the selected shape replaced. */
  moved->y += 25;
  pair_set_shape (&pair, "s1", moved, RED);
  assert_same_as_fresh (&pair, &vp, "selected moved");
  calque_shape_layer_set_hovered (pair.cached, "s1");
  calque_shape_layer_set_hovered (pair.fresh, "s1");
  assert_same_as_fresh (&pair, &vp, "hovered the selected one");
  calque_shape_layer_set_selected (pair.cached, NULL);
  calque_shape_layer_set_selected (pair.fresh, NULL);
  assert_same_as_fresh (&pair, &vp, "deselected, still hovered");
  calque_shape_layer_set_hovered (pair.cached, NULL);
  calque_shape_layer_set_hovered (pair.fresh, NULL);
  assert_same_as_fresh (&pair, &vp, "nothing hovered");

  /* Hidden, shown, removed. */
  calque_shape_layer_set_hidden (pair.cached, "new", TRUE);
  calque_shape_layer_set_hidden (pair.fresh, "new", TRUE);
  assert_same_as_fresh (&pair, &vp, "hidden");
  calque_shape_layer_set_hidden (pair.cached, "new", FALSE);
  calque_shape_layer_set_hidden (pair.fresh, "new", FALSE);
  assert_same_as_fresh (&pair, &vp, "shown");
  calque_shape_layer_remove (pair.cached, "s1");
  calque_shape_layer_remove (pair.fresh, "s1");
  assert_same_as_fresh (&pair, &vp, "removed");

  /* Cleared, and filled again at the same scale. */
  calque_shape_layer_clear (pair.cached);
  calque_shape_layer_clear (pair.fresh);
  g_assert_cmpuint (calque_shape_layer_get_cache_size (pair.cached), ==, 0);
  pair_fill (&pair);
  assert_same_as_fresh (&pair, &vp, "filled again");

  g_object_unref (pair.cached);
  g_object_unref (pair.fresh);
}

/* A changed shape is never drawn where it was, even when its old place
 * is in a tile that stayed in the cache. */
static void
test_cache_not_stale (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (20, 20, 40, 40);
  g_autoptr(CalqueShape) other = calque_shape_new_box (150, 150, 30, 30);
  cairo_surface_t *surface;

  calque_shape_layer_set_shape (layer, "a", box, RED);
  calque_shape_layer_set_shape (layer, "b", other, BLUE);
  surface = render (layer, &identity);
  assert_filled (surface, 40, 40, RED);
  cairo_surface_destroy (surface);

  box->x = 100;
  box->y = 30;
  calque_shape_layer_set_shape (layer, "a", box, GREEN);
  surface = render (layer, &identity);
  assert_clear (surface, 40, 40);
  assert_filled (surface, 120, 50, GREEN);
  assert_filled (surface, 165, 165, BLUE);
  cairo_surface_destroy (surface);

  calque_shape_layer_set_hidden (layer, "a", TRUE);
  surface = render (layer, &identity);
  assert_clear (surface, 120, 50);
  cairo_surface_destroy (surface);

  calque_shape_layer_set_hidden (layer, "a", FALSE);
  calque_shape_layer_remove (layer, "b");
  surface = render (layer, &identity);
  assert_filled (surface, 120, 50, GREEN);
  assert_clear (surface, 165, 165);
  cairo_surface_destroy (surface);
}

/* A pan by a fraction of a pixel moves the tiles by whole pixels: the
 * shapes land where a fresh draw at the rounded offset puts them. */
static void
test_cache_fractional_pan (void)
{
  Pair pair = { calque_shape_layer_new (), calque_shape_layer_new () };
  CalqueViewport vp = { .scale = 0.8, .offset_x = 10.25, .offset_y = 5.75, .width = 300, .height = 200 };
  CalqueViewport rounded;

  calque_shape_layer_set_cache_enabled (pair.fresh, FALSE);
  pair_fill (&pair);
  assert_same_as_fresh (&pair, &vp, "start");

  calque_viewport_pan (&vp, 2.4, -0.7);
  rounded = vp;
  rounded.offset_x = 12.25;
  rounded.offset_y = 4.75;
  {
    cairo_surface_t *cached = render (pair.cached, &vp);
    cairo_surface_t *fresh = render (pair.fresh, &rounded);
    g_assert_cmpuint (count_different (cached, fresh, 3), <=, 60);
    g_assert_cmpuint (count_different (cached, fresh, 48), <=, 4);
    cairo_surface_destroy (cached);
    cairo_surface_destroy (fresh);
  }

  g_object_unref (pair.cached);
  g_object_unref (pair.fresh);
}

/* A scaled cairo_t (as on a HiDPI surface) is drawn without the tiles,
 * sharp, as a fresh draw is. */
static void
test_cache_scaled_target (void)
{
  Pair pair = { calque_shape_layer_new (), calque_shape_layer_new () };
  CalqueViewport vp = { .scale = 0.5, .width = 150, .height = 100 };
  cairo_surface_t *surfaces[2];

  calque_shape_layer_set_cache_enabled (pair.fresh, FALSE);
  pair_fill (&pair);
  for (int i = 0; i < 2; i++)
    {
      cairo_t *cr;

      surfaces[i] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
      cr = cairo_create (surfaces[i]);
      cairo_scale (cr, 2, 2);
      calque_shape_layer_draw (i == 0 ? pair.cached : pair.fresh, cr, &vp);
      cairo_destroy (cr);
      cairo_surface_flush (surfaces[i]);
    }
  g_assert_cmpuint (count_different (surfaces[0], surfaces[1], 0), ==, 0);
  g_assert_cmpuint (calque_shape_layer_get_cache_size (pair.cached), ==, 0);
  cairo_surface_destroy (surfaces[0]);
  cairo_surface_destroy (surfaces[1]);
  g_object_unref (pair.cached);
  g_object_unref (pair.fresh);
}

/* Many pans across a large image, and zooms: the tiles far from the view,
 * and those of other scales, are let go. */
/* A view re-reading its model sets every shape again after one changed:
 * the unchanged ones keep their tiles, a changed colour does not. */
static void
test_cache_same_shape_again (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  CalqueViewport vp = { .scale = 1, .width = 400, .height = 300 };
  g_autoptr(CalqueShape) box = calque_shape_new_box (100, 100, 50, 50);
  g_autoptr(CalqueShape) same = calque_shape_copy (box);
  cairo_surface_t *surface;
  gsize cached;

  calque_shape_layer_set_shape (layer, "a", box, RED);
  surface = render (layer, &vp);
  cairo_surface_destroy (surface);
  cached = calque_shape_layer_get_cache_size (layer);
  g_assert_cmpuint (cached, >, 0);

  g_assert_true (calque_shape_layer_set_shape (layer, "a", same, RED));
  g_assert_cmpuint (calque_shape_layer_get_cache_size (layer), ==, cached);

  g_assert_true (calque_shape_layer_set_shape (layer, "a", same, BLUE));
  g_assert_cmpuint (calque_shape_layer_get_cache_size (layer), <, cached);
  /* And the new colour is what is drawn: ARGB32, blue above red. */
  surface = render (layer, &vp);
  g_assert_cmpuint (pixel (surface, 125, 125) & 0xff, >, (pixel (surface, 125, 125) >> 16) & 0xff);
  cairo_surface_destroy (surface);
}

static void
test_cache_bounded (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  CalqueViewport vp = { .scale = 1, .width = 400, .height = 300 };
  /* Tiles of 256 × 256 (260 × 260 with their edges): 3 columns and 3
   * rows in view at most, and 2 more kept on each side (see
   * calque-shape-layer.c): 7 × 7. */
  const gsize bound = 7 * 7 * 260 * 260 * 4;
  gsize most = 0;

  for (int i = 0; i < 20; i++)
    for (int j = 0; j < 20; j++)
      {
        g_autofree char *id = g_strdup_printf ("%d-%d", i, j);
        g_autoptr(CalqueShape) box = calque_shape_new_box (i * 500 + 100, j * 500 + 100, 200, 200);

        calque_shape_layer_set_shape (layer, id, box, (i + j) % 2 ? RED : BLUE);
      }

  for (int step = 0; step < 300; step++)
    {
      cairo_surface_t *surface;

      if (step % 25 == 24)
        calque_viewport_zoom_at (&vp, g_rand_double_range (rand, 0.05, 4), 200, 150, CALQUE_VIEWPORT_MIN_SCALE,
                                 CALQUE_VIEWPORT_MAX_SCALE);
      else
        calque_viewport_pan (&vp, g_rand_int_range (rand, -300, 100), g_rand_int_range (rand, -250, 80));
      surface = render (layer, &vp);
      cairo_surface_destroy (surface);
      most = MAX (most, calque_shape_layer_get_cache_size (layer));
    }
  g_test_message ("most held: %" G_GSIZE_FORMAT " bytes, bound %" G_GSIZE_FORMAT, most, bound);
  g_assert_cmpuint (most, >, 0);
  g_assert_cmpuint (most, <=, bound);

  calque_shape_layer_set_cache_enabled (layer, FALSE);
  g_assert_cmpuint (calque_shape_layer_get_cache_size (layer), ==, 0);
}

/* ---- Progressive draws ----------------------------------------------- */

/* Runs the thread-default main context until the tiles being drawn off
 * the frame are back, at most 10 s. */
static void
wait_pending (CalqueShapeLayer *layer)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (calque_shape_layer_get_n_pending (layer) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("tiles still pending after 10 s");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Draws, and draws again as the tiles arrive, until a draw is sharp. */
static cairo_surface_t *
render_sharp (CalqueShapeLayer     *layer,
              const CalqueViewport *vp)
{
  for (int round = 0; round < 10; round++)
    {
      cairo_surface_t *surface = render (layer, vp);

      if (calque_shape_layer_get_sharp (layer))
        return surface;
      g_assert_true (calque_shape_layer_get_progressive (layer));
      cairo_surface_destroy (surface);
      wait_pending (layer);
    }
  g_error ("no sharp draw after 10 rounds");
  return NULL;
}

/* Of the pixels where @reference shows a shape (alpha of 64 or more), the
 * share where @surface shows something. */
static double
covered_share (cairo_surface_t *surface,
               cairo_surface_t *reference)
{
  int width = cairo_image_surface_get_width (reference);
  int height = cairo_image_surface_get_height (reference);
  guint n = 0, covered = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if ((pixel (reference, x, y) >> 24) >= 64)
        {
          n++;
          if ((pixel (surface, x, y) >> 24) > 0)
            covered++;
        }
  g_assert_cmpuint (n, >, 0);
  return (double) covered / n;
}

static void
changed_count_cb (CalqueShapeLayer *layer,
                  guint            *count)
{
  (*count)++;
}

/* After a zoom, a progressive draw shows the old tiles scaled at once,
 * then, when the new ones are back, what a fresh draw shows. */
static void
test_progressive_zoom (void)
{
  Pair pair = { calque_shape_layer_new (), calque_shape_layer_new () };
  CalqueViewport vp = { .scale = 0.7, .offset_x = 13.25, .offset_y = -40.5, .width = 400, .height = 300 };
  cairo_surface_t *quick, *fresh;
  guint changed = 0;
  double share;

  calque_shape_layer_set_cache_enabled (pair.fresh, FALSE);
  calque_shape_layer_set_progressive (pair.cached, TRUE);
  g_signal_connect (pair.cached, "changed", G_CALLBACK (changed_count_cb), &changed);
  pair_fill (&pair);
  changed = 0;

  /* The first draw has no older tiles: nothing to show yet. */
  cairo_surface_destroy (render (pair.cached, &vp));
  g_assert_false (calque_shape_layer_get_sharp (pair.cached));
  g_assert_cmpuint (calque_shape_layer_get_n_pending (pair.cached), >, 0);
  wait_pending (pair.cached);
  g_assert_cmpuint (changed, >, 0);
  assert_same_as_fresh (&pair, &vp, "progressive, first draw");
  g_assert_true (calque_shape_layer_get_sharp (pair.cached));

  /* Zoomed in: the old tiles, scaled, cover the view. */
  calque_viewport_zoom_at (&vp, 1.5, 200, 150, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  changed = 0;
  quick = render (pair.cached, &vp);
  g_assert_false (calque_shape_layer_get_sharp (pair.cached));
  g_assert_cmpuint (calque_shape_layer_get_n_pending (pair.cached), >, 0);
  fresh = render (pair.fresh, &vp);
  share = covered_share (quick, fresh);
  g_test_message ("zoom in: the quick frame covers %.1f %% of the shapes' pixels", 100 * share);
  g_assert_cmpfloat (share, >, 0.9);
  cairo_surface_destroy (quick);
  cairo_surface_destroy (fresh);
  wait_pending (pair.cached);
  g_assert_cmpuint (changed, >, 0);
  assert_same_as_fresh (&pair, &vp, "progressive, zoomed in");
  g_assert_true (calque_shape_layer_get_sharp (pair.cached));

  /* Zoomed out, and again before the tiles are back. */
  calque_viewport_zoom_at (&vp, 0.5, 100, 100, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  cairo_surface_destroy (render (pair.cached, &vp));
  calque_viewport_zoom_at (&vp, 0.45, 100, 100, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  quick = render (pair.cached, &vp);
  g_assert_false (calque_shape_layer_get_sharp (pair.cached));
  cairo_surface_destroy (quick);
  cairo_surface_destroy (render_sharp (pair.cached, &vp));
  assert_same_as_fresh (&pair, &vp, "progressive, zoomed out twice");

  /* Back to synchronous draws: every draw is sharp. */
  calque_shape_layer_set_progressive (pair.cached, FALSE);
  calque_viewport_zoom_at (&vp, 1.25, 100, 100, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  assert_same_as_fresh (&pair, &vp, "synchronous again");
  g_assert_true (calque_shape_layer_get_sharp (pair.cached));
  g_assert_cmpuint (calque_shape_layer_get_n_pending (pair.cached), ==, 0);

  g_object_unref (pair.cached);
  g_object_unref (pair.fresh);
}

/* Shape changes while tiles are drawn off the frame: neither the scaled
 * old tiles nor the tiles that arrive show the shapes as they were. */
static void
test_progressive_not_stale (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (20, 20, 40, 40);
  g_autoptr(CalqueShape) other = calque_shape_new_box (120, 120, 30, 30);
  g_autoptr(CalqueShape) third = calque_shape_new_box (20, 120, 30, 30);
  CalqueViewport vp = identity;
  cairo_surface_t *surface;

  calque_shape_layer_set_progressive (layer, TRUE);
  calque_shape_layer_set_shape (layer, "a", box, RED);
  calque_shape_layer_set_shape (layer, "b", other, BLUE);
  calque_shape_layer_set_shape (layer, "c", third, GREEN);
  surface = render_sharp (layer, &vp);
  assert_filled (surface, 40, 40, RED);
  assert_filled (surface, 135, 135, BLUE);
  cairo_surface_destroy (surface);

  /* Zoomed in 1.25× about the origin: "a" at 25…75, "b" at 150…187. */
  calque_viewport_zoom_at (&vp, 1.25, 0, 0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  surface = render (layer, &vp);
  g_assert_false (calque_shape_layer_get_sharp (layer));
  assert_filled (surface, 50, 50, RED);
  assert_filled (surface, 168, 168, BLUE);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (calque_shape_layer_get_n_pending (layer), >, 0);

  /* Let the threads draw the old shapes into the tiles. */
  g_usleep (50000);
  box->x = 100;
  box->y = 10;
  calque_shape_layer_set_shape (layer, "a", box, GREEN);
  calque_shape_layer_set_hidden (layer, "b", TRUE);
  calque_shape_layer_set_selected (layer, "c");

  surface = render (layer, &vp);
  assert_clear (surface, 50, 50);
  assert_clear (surface, 168, 168);
  cairo_surface_destroy (surface);

  wait_pending (layer);
  surface = render_sharp (layer, &vp);
  assert_clear (surface, 50, 50);
  assert_filled (surface, 150, 37, GREEN);
  assert_clear (surface, 168, 168);
  assert_filled (surface, 44, 168, GREEN);
  cairo_surface_destroy (surface);

  /* Deselected: "c" back in the tiles, drawn once (a fill drawn twice
   * would be twice as opaque). */
  {
    g_autoptr(CalqueShapeLayer) reference = calque_shape_layer_new ();
    cairo_surface_t *expected;

    calque_shape_layer_set_cache_enabled (reference, FALSE);
    calque_shape_layer_set_shape (reference, "a", box, GREEN);
    calque_shape_layer_set_shape (reference, "c", third, GREEN);
    calque_shape_layer_set_selected (layer, NULL);
    surface = render_sharp (layer, &vp);
    expected = render (reference, &vp);
    g_assert_cmpuint (count_different (surface, expected, 3), <=, 20);
    cairo_surface_destroy (surface);
    cairo_surface_destroy (expected);
  }
}

/* The layer goes while its tiles are drawn off the frame. */
static void
test_progressive_dispose (void)
{
  for (int round = 0; round < 5; round++)
    {
      Pair pair = { calque_shape_layer_new (), calque_shape_layer_new () };
      CalqueViewport vp = { .scale = 0.7, .width = 800, .height = 600 };
      gint64 until;

      calque_shape_layer_set_progressive (pair.cached, TRUE);
      pair_fill (&pair);
      cairo_surface_destroy (render_sharp (pair.cached, &vp));
      calque_viewport_zoom_at (&vp, 3.0 + round, 400, 300, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
      cairo_surface_destroy (render (pair.cached, &vp));
      g_assert_cmpuint (calque_shape_layer_get_n_pending (pair.cached), >, 0);
      /* Sometimes after the tiles are handed over to the main context. */
      if (round % 2 == 1)
        g_usleep (100000);
      g_object_unref (pair.cached);
      g_object_unref (pair.fresh);

      until = g_get_monotonic_time () + 200000;
      while (g_get_monotonic_time () < until)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
    }
}

/* Old and new tiles together stay within twice one scale's bound. */
static void
test_progressive_bounded (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  CalqueViewport vp = { .scale = 1, .width = 400, .height = 300 };
  const gsize bound = 2 * 7 * 7 * 260 * 260 * 4;
  gsize most = 0;

  calque_shape_layer_set_progressive (layer, TRUE);
  for (int i = 0; i < 20; i++)
    for (int j = 0; j < 20; j++)
      {
        g_autofree char *id = g_strdup_printf ("%d-%d", i, j);
        g_autoptr(CalqueShape) box = calque_shape_new_box (i * 500 + 100, j * 500 + 100, 200, 200);

        calque_shape_layer_set_shape (layer, id, box, (i + j) % 2 ? RED : BLUE);
      }

  for (int step = 0; step < 200; step++)
    {
      if (step % 5 == 4)
        calque_viewport_zoom_at (&vp, g_rand_double_range (rand, 0.05, 4), 200, 150, CALQUE_VIEWPORT_MIN_SCALE,
                                 CALQUE_VIEWPORT_MAX_SCALE);
      else
        calque_viewport_pan (&vp, g_rand_int_range (rand, -300, 100), g_rand_int_range (rand, -250, 80));
      cairo_surface_destroy (render (layer, &vp));
      if (step % 3 == 0)
        wait_pending (layer);
      most = MAX (most, calque_shape_layer_get_cache_size (layer));
    }
  g_test_message ("most held: %" G_GSIZE_FORMAT " bytes, bound %" G_GSIZE_FORMAT, most, bound);
  g_assert_cmpuint (most, >, 0);
  g_assert_cmpuint (most, <=, bound);
}

/* ---- The layer's contents -------------------------------------------- */

static void
changed_cb (CalqueShapeLayer *layer,
            guint            *count)
{
  (*count)++;
}

static void
test_set_replace_remove (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 20, 20);
  g_autoptr(CalqueShape) moved = calque_shape_new_box (100, 100, 20, 20);
  g_autoptr(CalqueShape) span = calque_shape_new_span (0, 4);
  guint changes = 0;
  double x, y, w, h;

  g_signal_connect (layer, "changed", G_CALLBACK (changed_cb), &changes);

  calque_shape_layer_set_shape (layer, "a", box, RED);
  calque_shape_layer_set_shape (layer, "b", box, RED);
  g_assert_cmpuint (changes, ==, 2);
  /* The layer keeps its own copy. */
  box->x = 500;
  g_assert_true (calque_shape_layer_get_bounds (layer, "a", &x, &y, &w, &h));
  g_assert_cmpfloat (x, ==, 10);
  g_assert_cmpfloat (w, ==, 20);

  /* Replaced in place: still two, the new bounds, flags kept. */
  calque_shape_layer_set_hidden (layer, "a", TRUE);
  calque_shape_layer_set_shape (layer, "a", moved, GREEN);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (layer), ==, 2);
  g_assert_true (calque_shape_layer_get_bounds (layer, "a", &x, &y, NULL, NULL));
  g_assert_cmpfloat (x, ==, 100);
  g_assert_true (calque_shape_layer_get_hidden (layer, "a"));
  g_assert_cmpfloat (calque_shape_layer_get_shape (layer, "a")->x, ==, 100);

  /* Nothing to draw on an image. */
  g_assert_false (calque_shape_layer_set_shape (layer, "s", span, RED));
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (layer), ==, 2);

  calque_shape_layer_set_selected (layer, "b");
  changes = 0;
  g_assert_true (calque_shape_layer_remove (layer, "b"));
  g_assert_false (calque_shape_layer_remove (layer, "b"));
  g_assert_null (calque_shape_layer_get_selected (layer));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_null (calque_shape_layer_get_shape (layer, "b"));

  calque_shape_layer_clear (layer);
  g_assert_cmpuint (calque_shape_layer_get_n_shapes (layer), ==, 0);
  g_assert_cmpuint (changes, ==, 2);
}

/* ---- Hit testing ----------------------------------------------------- */

static void
test_hit_polygon (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_auto(CalqueHit) hit = { 0 };

  add_square_polygon (layer, "poly", 80, 120, FALSE, RED);

  /* Near vertex 1 (180, 20). */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 177, 22, 5, &hit));
  g_assert_cmpstr (hit.id, ==, "poly");
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_VERTEX);
  g_assert_cmpuint (hit.ring, ==, 0);
  g_assert_cmpuint (hit.index, ==, 1);
  g_assert_cmpfloat (hit.x, ==, 180);
  g_assert_cmpfloat (hit.y, ==, 20);

  /* A vertex of the hole: (x1, x0) is its vertex 3 when it turns the
   * other way. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 121, 79, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_VERTEX);
  g_assert_cmpuint (hit.ring, ==, 1);
  g_assert_cmpuint (hit.index, ==, 3);

  /* On edge 2 (180, 180) → (20, 180), 3 px below it. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 100, 183, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_EDGE);
  g_assert_cmpuint (hit.ring, ==, 0);
  g_assert_cmpuint (hit.index, ==, 2);
  g_assert_cmpfloat_with_epsilon (hit.x, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (hit.y, 180, 1e-9);

  /* The closing edge, 3 → 0. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 18, 100, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_EDGE);
  g_assert_cmpuint (hit.index, ==, 3);

  g_assert_true (calque_shape_layer_hit (layer, &identity, 50, 60, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_INSIDE);
  g_assert_cmpfloat (hit.x, ==, 50);

  /* In the hole, away from its edges: nothing. */
  g_assert_false (calque_shape_layer_hit (layer, &identity, 100, 100, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_NONE);
  g_assert_null (hit.id);

  g_assert_false (calque_shape_layer_hit (layer, &identity, 190, 100, 5, &hit));
  g_assert_null (hit.id);
}

static void
test_hit_tolerance_is_on_screen (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  const double l[] = { 0, 0, 100, 0 };
  g_autoptr(CalqueShape) polyline = calque_shape_new_polyline (l, 2);
  CalqueViewport vp = { .scale = 4, .width = 800, .height = 800 };
  g_auto(CalqueHit) hit = { 0 };

  calque_shape_layer_set_shape (layer, "line", polyline, RED);
  /* 8 image pixels below the line: 32 screen pixels at 4×, 4 at 0.5×. */
  g_assert_false (calque_shape_layer_hit (layer, &vp, 200, 32, 5, &hit));
  vp.scale = 0.5;
  g_assert_true (calque_shape_layer_hit (layer, &vp, 25, 4, 5, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_EDGE);
  g_assert_cmpuint (hit.index, ==, 0);
  g_assert_cmpfloat_with_epsilon (hit.x, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (hit.y, 0, 1e-9);

  /* A polyline has no inside and no closing edge. */
  {
    const double v[] = { 0, 0, 100, 0, 100, 100 };
    g_autoptr(CalqueShape) vee = calque_shape_new_polyline (v, 3);

    calque_shape_layer_set_shape (layer, "line", vee, RED);
    g_assert_false (calque_shape_layer_hit (layer, &identity, 60, 30, 3, &hit));
    g_assert_false (calque_shape_layer_hit (layer, &identity, 50, 50, 3, &hit));
  }
}

static void
test_hit_box_handles (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (50, 50, 100, 60);
  g_auto(CalqueHit) hit = { 0 };

  calque_shape_layer_set_shape (layer, "box", box, RED);

  g_assert_true (calque_shape_layer_hit (layer, &identity, 151, 81, 4, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_HANDLE);
  g_assert_cmpuint (hit.index, ==, CALQUE_HANDLE_RIGHT);
  g_assert_cmpfloat (hit.x, ==, 150);
  g_assert_cmpfloat (hit.y, ==, 80);

  g_assert_true (calque_shape_layer_hit (layer, &identity, 48, 112, 4, &hit));
  g_assert_cmpuint (hit.index, ==, CALQUE_HANDLE_BOTTOM_LEFT);
  g_assert_true (calque_shape_layer_hit (layer, &identity, 100, 49, 4, &hit));
  g_assert_cmpuint (hit.index, ==, CALQUE_HANDLE_TOP);

  /* On the top side, away from the handles: edge 0. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 70, 51, 4, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_EDGE);
  g_assert_cmpuint (hit.index, ==, 0);

  g_assert_true (calque_shape_layer_hit (layer, &identity, 100, 80, 4, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_INSIDE);

  /* Turned 90° around its centre (100, 80): its own top is now on the
   * right, at (130, 80). */
  box->rotation = 90;
  calque_shape_layer_set_shape (layer, "box", box, RED);
  g_assert_true (calque_shape_layer_hit (layer, &identity, 131, 80, 4, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_HANDLE);
  g_assert_cmpuint (hit.index, ==, CALQUE_HANDLE_TOP);
  g_assert_cmpfloat_with_epsilon (hit.x, 130, 1e-9);
  /* Outside it now, where it used to be. */
  g_assert_false (calque_shape_layer_hit (layer, &identity, 60, 80, 4, &hit));
}

static void
test_hit_point (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) point = calque_shape_new_point (40, 40);
  g_auto(CalqueHit) hit = { 0 };

  calque_shape_layer_set_shape (layer, "pt", point, RED);
  /* Anywhere on the drawn disc, even with no tolerance. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 43, 40, 0, &hit));
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_VERTEX);
  g_assert_cmpuint (hit.index, ==, 0);
  g_assert_false (calque_shape_layer_hit (layer, &identity, 50, 40, 3, &hit));
}

static void
test_hit_topmost (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) a = calque_shape_new_box (20, 20, 100, 100);
  g_autoptr(CalqueShape) b = calque_shape_new_box (60, 60, 100, 100);
  g_auto(CalqueHit) hit = { 0 };

  calque_shape_layer_set_shape (layer, "a", a, RED);
  calque_shape_layer_set_shape (layer, "b", b, GREEN);

  /* The last added is on top. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 90, 90, 3, &hit));
  g_assert_cmpstr (hit.id, ==, "b");
  /* Only a is here. */
  g_assert_true (calque_shape_layer_hit (layer, &identity, 30, 30, 3, &hit));
  g_assert_cmpstr (hit.id, ==, "a");

  /* The selected shape comes first. */
  calque_shape_layer_set_selected (layer, "a");
  g_assert_true (calque_shape_layer_hit (layer, &identity, 90, 90, 3, &hit));
  g_assert_cmpstr (hit.id, ==, "a");
  g_assert_cmpint (hit.part, ==, CALQUE_HIT_INSIDE);

  /* Replacing a shape keeps its place: a is still under b. */
  calque_shape_layer_set_selected (layer, NULL);
  calque_shape_layer_set_shape (layer, "a", a, RED);
  g_assert_true (calque_shape_layer_hit (layer, &identity, 90, 90, 3, &hit));
  g_assert_cmpstr (hit.id, ==, "b");

  /* A hidden shape is not hit. */
  calque_shape_layer_set_hidden (layer, "b", TRUE);
  g_assert_true (calque_shape_layer_hit (layer, &identity, 90, 90, 3, &hit));
  g_assert_cmpstr (hit.id, ==, "a");
  calque_shape_layer_set_hidden (layer, "a", TRUE);
  g_assert_false (calque_shape_layer_hit (layer, &identity, 90, 90, 3, &hit));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shape-layer/draw/box", test_box);
  g_test_add_func ("/shape-layer/draw/rotated-box", test_rotated_box);
  g_test_add_func ("/shape-layer/draw/polygon-with-hole", test_polygon_with_hole);
  g_test_add_func ("/shape-layer/draw/overlap-same-colour", test_overlap_same_colour);
  g_test_add_func ("/shape-layer/draw/hidden", test_hidden);
  g_test_add_func ("/shape-layer/draw/selected-has-handles", test_selected_has_handles);
  g_test_add_func ("/shape-layer/draw/points-polylines-dots", test_points_polylines_dots);
  g_test_add_func ("/shape-layer/draw/culling-keeps-visible", test_culling_keeps_visible);
  g_test_add_func ("/shape-layer/draw/culling-off-screen-vertices", test_culling_off_screen_vertices);
  g_test_add_func ("/shape-layer/draw/big-polygon", test_big_polygon);
  g_test_add_func ("/shape-layer/cache/same-as-fresh", test_cache_same_as_fresh);
  g_test_add_func ("/shape-layer/cache/not-stale", test_cache_not_stale);
  g_test_add_func ("/shape-layer/cache/fractional-pan", test_cache_fractional_pan);
  g_test_add_func ("/shape-layer/cache/scaled-target", test_cache_scaled_target);
  g_test_add_func ("/shape-layer/cache/bounded", test_cache_bounded);
  g_test_add_func ("/shape-layer/cache/same-shape-again", test_cache_same_shape_again);
  g_test_add_func ("/shape-layer/progressive/zoom", test_progressive_zoom);
  g_test_add_func ("/shape-layer/progressive/not-stale", test_progressive_not_stale);
  g_test_add_func ("/shape-layer/progressive/dispose", test_progressive_dispose);
  g_test_add_func ("/shape-layer/progressive/bounded", test_progressive_bounded);
  g_test_add_func ("/shape-layer/set-replace-remove", test_set_replace_remove);
  g_test_add_func ("/shape-layer/hit/polygon", test_hit_polygon);
  g_test_add_func ("/shape-layer/hit/tolerance-is-on-screen", test_hit_tolerance_is_on_screen);
  g_test_add_func ("/shape-layer/hit/box-handles", test_hit_box_handles);
  g_test_add_func ("/shape-layer/hit/point", test_hit_point);
  g_test_add_func ("/shape-layer/hit/topmost", test_hit_topmost);
  return g_test_run ();
}
