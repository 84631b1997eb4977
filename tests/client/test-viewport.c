/* test-viewport.c — image ↔ widget coordinates, fit and zoom */
#include "calque-viewport.h"

#include <math.h>

static void
test_conversions (void)
{
  CalqueViewport vp = { .scale = 2.5, .offset_x = -40, .offset_y = 12, .width = 800, .height = 600 };
  double wx, wy, ix, iy;

  calque_viewport_image_to_widget (&vp, 100, 10, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 210, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 37, 1e-9);
  calque_viewport_widget_to_image (&vp, wx, wy, &ix, &iy);
  g_assert_cmpfloat_with_epsilon (ix, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (iy, 10, 1e-9);
}

static void
test_fit (void)
{
  CalqueViewport vp = { .width = 1280, .height = 800 };
  double x0, y0, x1, y1;

  calque_viewport_fit (&vp, 4000, 3000, 20, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);

  /* The height limits: 760 pixels for 3000. */
  g_assert_cmpfloat_with_epsilon (vp.scale, 760.0 / 3000, 1e-12);
  calque_viewport_image_to_widget (&vp, 0, 0, &x0, &y0);
  calque_viewport_image_to_widget (&vp, 4000, 3000, &x1, &y1);
  /* Centred: the same room on the left and the right, the margin above
   * and below. */
  g_assert_cmpfloat_with_epsilon (x0, 1280 - x1, 1e-9);
  g_assert_cmpfloat_with_epsilon (y0, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (y1, 780, 1e-9);
  g_assert_cmpfloat (x0, >=, 20);

  /* A tall image in a wide widget: the height limits again, centred across. */
  calque_viewport_fit (&vp, 100, 1000, 0, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  g_assert_cmpfloat_with_epsilon (vp.scale, 0.8, 1e-12);
  g_assert_cmpfloat_with_epsilon (vp.offset_x, (1280 - 80) / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (vp.offset_y, 0, 1e-9);

  /* A tiny image is not blown up past the maximum scale. */
  calque_viewport_fit (&vp, 4, 4, 20, 0.01, 8);
  g_assert_cmpfloat (vp.scale, ==, 8);
  g_assert_cmpfloat_with_epsilon (vp.offset_x, (1280 - 32) / 2.0, 1e-9);

  /* A widget smaller than two margins: the margin is given up. */
  vp.width = 30;
  vp.height = 30;
  calque_viewport_fit (&vp, 300, 300, 20, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  g_assert_cmpfloat_with_epsilon (vp.scale, 0.1, 1e-12);
}

static void
test_zoom_keeps_point (void)
{
  CalqueViewport vp = { .width = 1280, .height = 800 };
  const double points[][2] = { { 300, 200 }, { 0, 0 }, { 1279, 799 }, { 640.5, 17.25 } };
  const double scales[] = { 3.7, 0.05, 1, 64 };

  calque_viewport_fit (&vp, 4000, 3000, 20, CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      double ix0, iy0, ix1, iy1;

      calque_viewport_widget_to_image (&vp, points[i][0], points[i][1], &ix0, &iy0);
      calque_viewport_zoom_at (&vp, scales[i], points[i][0], points[i][1],
                               CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
      g_assert_cmpfloat (vp.scale, ==, scales[i]);
      calque_viewport_widget_to_image (&vp, points[i][0], points[i][1], &ix1, &iy1);
      g_assert_cmpfloat_with_epsilon (ix0, ix1, 1e-6);
      g_assert_cmpfloat_with_epsilon (iy0, iy1, 1e-6);
    }
}

static void
test_clamp (void)
{
  CalqueViewport vp = { .scale = 1, .width = 100, .height = 100 };
  double ix0, iy0, ix1, iy1;

  calque_viewport_widget_to_image (&vp, 50, 50, &ix0, &iy0);
  calque_viewport_zoom_at (&vp, 1000, 50, 50, 0.1, 16);
  g_assert_cmpfloat (vp.scale, ==, 16);
  /* Clamped, and still around the point. */
  calque_viewport_widget_to_image (&vp, 50, 50, &ix1, &iy1);
  g_assert_cmpfloat_with_epsilon (ix0, ix1, 1e-9);
  g_assert_cmpfloat_with_epsilon (iy0, iy1, 1e-9);

  calque_viewport_zoom_at (&vp, 0, 50, 50, 0.1, 16);
  g_assert_cmpfloat (vp.scale, ==, 0.1);
  g_assert_cmpfloat (calque_viewport_clamp_scale (NAN, 0.1, 16), ==, 0.1);
  g_assert_cmpfloat (calque_viewport_clamp_scale (2, 0.1, 16), ==, 2);
}

static void
test_visible_rect_and_pan (void)
{
  CalqueViewport vp = { .scale = 2, .offset_x = -100, .offset_y = 50, .width = 400, .height = 300 };
  double x, y, w, h;

  calque_viewport_get_visible_image_rect (&vp, &x, &y, &w, &h);
  g_assert_cmpfloat_with_epsilon (x, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, -25, 1e-9);
  g_assert_cmpfloat_with_epsilon (w, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (h, 150, 1e-9);

  calque_viewport_pan (&vp, 10, -20);
  calque_viewport_get_visible_image_rect (&vp, &x, &y, &w, &h);
  g_assert_cmpfloat_with_epsilon (x, 45, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, -15, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewport/conversions", test_conversions);
  g_test_add_func ("/viewport/fit", test_fit);
  g_test_add_func ("/viewport/zoom-keeps-point", test_zoom_keeps_point);
  g_test_add_func ("/viewport/clamp", test_clamp);
  g_test_add_func ("/viewport/visible-rect-and-pan", test_visible_rect_and_pan);
  return g_test_run ();
}
