/* test-comment-markers.c — the bubbles of commented annotations, offscreen
 *
 * Drawn to a cairo image surface cleared to transparent, and read back:
 * a bubble at the top right corner of its shape, blue while a thread is
 * open, grey once all are resolved, none for a hidden shape or one
 * without comments; a click on it finds its annotation, a click beside it
 * nothing.
 */
#include "calque-comment-markers.h"

#define WIDTH  400
#define HEIGHT 300

static cairo_surface_t *
render (CalqueShapeLayer     *layer,
        const CalqueViewport *vp,
        GHashTable           *marks)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);

  calque_comment_markers_draw (cr, layer, vp, marks);
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

  return ((const guint32 *) (data + y * cairo_image_surface_get_stride (surface)))[x];
}

/* Whether the pixel is opaque and bluish (open) or grey (resolved). */
static gboolean
is_blue (guint32 p)
{
  guint r = (p >> 16) & 0xff, b = p & 0xff;

  return (p >> 24) == 0xff && b > r + 80;
}

static gboolean
is_grey (guint32 p)
{
  guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  return (p >> 24) == 0xff && r > 90 && r < 150 && ABS ((int) r - (int) b) < 10 && ABS ((int) r - (int) g) < 10;
}

static void
test_markers (void)
{
  g_autoptr(CalqueShapeLayer) layer = calque_shape_layer_new ();
  g_autoptr(CalqueShape) box = calque_shape_new_box (50, 100, 100, 60);
  g_autoptr(CalqueShape) point = calque_shape_new_point (300, 200);
  g_autoptr(GHashTable) marks = g_hash_table_new (g_str_hash, g_str_equal);
  CalqueViewport vp = { .scale = 1, .offset_x = 0, .offset_y = 0, .width = WIDTH, .height = HEIGHT };
  cairo_surface_t *surface;
  double x, y, w, h;
  g_autofree char *hit = NULL;
  g_autofree char *beside = NULL;

  g_assert_true (calque_shape_layer_set_shape (layer, "box", box, 0xff0000ffu));
  g_assert_true (calque_shape_layer_set_shape (layer, "point", point, 0x00ff00ffu));
  g_hash_table_insert (marks, "box", GUINT_TO_POINTER (3));

  /* Above the box's top right corner (150, 100), the tail's tip on it. */
  g_assert_true (calque_comment_marker_get_rect (layer, &vp, marks, "box", &x, &y, &w, &h));
  g_assert_cmpfloat (x, <=, 150);
  g_assert_cmpfloat (x + w, >, 150);
  g_assert_cmpfloat (y + h, <, 100);
  g_assert_cmpfloat (y + h, >=, 90);
  g_assert_false (calque_comment_marker_get_rect (layer, &vp, marks, "point", &x, &y, &w, &h));

  surface = render (layer, &vp, marks);
  g_assert_true (is_blue (pixel (surface, 150, 86)));
  /* Nothing over the point, which has no comment, nor over the box itself. */
  g_assert_cmpuint (pixel (surface, 300, 195), ==, 0);
  g_assert_cmpuint (pixel (surface, 100, 130), ==, 0);
  cairo_surface_destroy (surface);

  /* A click on the bubble finds the box; beside it, nothing. */
  hit = calque_comment_markers_hit (layer, &vp, marks, 150, 86);
  g_assert_cmpstr (hit, ==, "box");
  beside = calque_comment_markers_hit (layer, &vp, marks, 100, 130);
  g_assert_null (beside);

  /* All threads resolved: grey. */
  g_hash_table_insert (marks, "box", GUINT_TO_POINTER (3 | CALQUE_COMMENT_MARKER_RESOLVED));
  surface = render (layer, &vp, marks);
  g_assert_true (is_grey (pixel (surface, 150, 86)));
  cairo_surface_destroy (surface);

  /* Zoomed and panned: the bubble follows the corner. */
  vp.scale = 2;
  vp.offset_x = -50;
  vp.offset_y = 20;
  g_assert_true (calque_comment_marker_get_rect (layer, &vp, marks, "box", &x, &y, &w, &h));
  g_assert_cmpfloat (x, <=, 250);
  g_assert_cmpfloat (x + w, >, 250);
  g_assert_cmpfloat (y + h, <, 220);
  g_assert_cmpfloat (y + h, >=, 210);

  /* A hidden shape has no bubble, and takes no click. */
  calque_shape_layer_set_hidden (layer, "box", TRUE);
  surface = render (layer, &vp, marks);
  for (int py = 0; py < HEIGHT; py += 3)
    for (int px = 0; px < WIDTH; px += 3)
      g_assert_cmpuint (pixel (surface, px, py), ==, 0);
  cairo_surface_destroy (surface);
  g_assert_null (calque_comment_markers_hit (layer, &vp, marks, x + w / 2, y + h / 2));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/comment-markers/draw-and-hit", test_markers);
  return g_test_run ();
}
