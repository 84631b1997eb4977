/* calque-viewport.c — where the image is in the widget */
#define G_LOG_DOMAIN "calque-viewport"

#include "calque-viewport.h"

#include <math.h>

double
calque_viewport_clamp_scale (double scale,
                             double min_scale,
                             double max_scale)
{
  g_return_val_if_fail (min_scale > 0 && min_scale <= max_scale, scale);

  /* A NaN from a degenerate pinch must not spread into every coordinate. */
  if (!isfinite (scale))
    return min_scale;
  return CLAMP (scale, min_scale, max_scale);
}

void
calque_viewport_get_visible_image_rect (const CalqueViewport *vp,
                                        double               *x,
                                        double               *y,
                                        double               *w,
                                        double               *h)
{
  g_return_if_fail (vp != NULL && vp->scale > 0);

  *x = -vp->offset_x / vp->scale;
  *y = -vp->offset_y / vp->scale;
  *w = vp->width / vp->scale;
  *h = vp->height / vp->scale;
}

void
calque_viewport_fit (CalqueViewport *vp,
                     double          image_width,
                     double          image_height,
                     double          margin,
                     double          min_scale,
                     double          max_scale)
{
  double avail_w, avail_h;

  g_return_if_fail (vp != NULL);
  g_return_if_fail (image_width > 0 && image_height > 0);

  /* A window narrower than two margins still shows the whole image. */
  margin = MAX (0, margin);
  if (vp->width <= 2 * margin || vp->height <= 2 * margin)
    margin = 0;
  avail_w = MAX (1, vp->width - 2 * margin);
  avail_h = MAX (1, vp->height - 2 * margin);

  vp->scale = calque_viewport_clamp_scale (MIN (avail_w / image_width, avail_h / image_height),
                                           min_scale, max_scale);
  vp->offset_x = (vp->width - image_width * vp->scale) / 2;
  vp->offset_y = (vp->height - image_height * vp->scale) / 2;
}

void
calque_viewport_zoom_at (CalqueViewport *vp,
                         double          scale,
                         double          wx,
                         double          wy,
                         double          min_scale,
                         double          max_scale)
{
  double ix, iy;

  g_return_if_fail (vp != NULL && vp->scale > 0);

  calque_viewport_widget_to_image (vp, wx, wy, &ix, &iy);
  vp->scale = calque_viewport_clamp_scale (scale, min_scale, max_scale);
  vp->offset_x = wx - ix * vp->scale;
  vp->offset_y = wy - iy * vp->scale;
}

void
calque_viewport_pan (CalqueViewport *vp,
                     double          dx,
                     double          dy)
{
  g_return_if_fail (vp != NULL);

  vp->offset_x += dx;
  vp->offset_y += dy;
}

gboolean
calque_viewport_equal (const CalqueViewport *a,
                       const CalqueViewport *b)
{
  return a->scale == b->scale
         && a->offset_x == b->offset_x && a->offset_y == b->offset_y
         && a->width == b->width && a->height == b->height;
}
