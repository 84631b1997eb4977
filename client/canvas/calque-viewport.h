/* calque-viewport.h — where the image is in the widget
 *
 * The canvas shows an image scaled by `scale` and shifted so that the
 * image's (0, 0) lands at (offset_x, offset_y) in the widget:
 *
 *   widget = image × scale + offset
 *
 * A plain struct, copied freely: the canvas owns one, the drawing code and
 * the tools read it, the tests make their own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double scale;              /* widget pixels per image pixel */
  double offset_x, offset_y; /* widget position of the image's (0,0) */
  double width, height;      /* the widget area that is visible */
} CalqueViewport;

/* The range a user may zoom in: from a 100,000-pixel-wide image fitting in
 * a small window, to single pixels the size of a fingertip. */
#define CALQUE_VIEWPORT_MIN_SCALE (1.0 / 256.0)
#define CALQUE_VIEWPORT_MAX_SCALE 64.0

static inline void
calque_viewport_image_to_widget (const CalqueViewport *vp,
                                 double                ix,
                                 double                iy,
                                 double               *wx,
                                 double               *wy)
{
  *wx = ix * vp->scale + vp->offset_x;
  *wy = iy * vp->scale + vp->offset_y;
}

static inline void
calque_viewport_widget_to_image (const CalqueViewport *vp,
                                 double                wx,
                                 double                wy,
                                 double               *ix,
                                 double               *iy)
{
  *ix = (wx - vp->offset_x) / vp->scale;
  *iy = (wy - vp->offset_y) / vp->scale;
}

/* The part of the image that is visible, in image pixels (it may reach
 * beyond the image's edges). */
void     calque_viewport_get_visible_image_rect (const CalqueViewport *vp,
                                                 double               *x,
                                                 double               *y,
                                                 double               *w,
                                                 double               *h);

/* Whole image of @image_width × @image_height, centred, with @margin widget
 * pixels free on every side (less if the widget is smaller than twice the
 * margin). The scale is clamped to [@min_scale, @max_scale]. */
void     calque_viewport_fit                    (CalqueViewport       *vp,
                                                 double                image_width,
                                                 double                image_height,
                                                 double                margin,
                                                 double                min_scale,
                                                 double                max_scale);

/* Changes the scale to @scale clamped to [@min_scale, @max_scale], keeping
 * the image point under the widget point (@wx, @wy) where it is. */
void     calque_viewport_zoom_at                (CalqueViewport       *vp,
                                                 double                scale,
                                                 double                wx,
                                                 double                wy,
                                                 double                min_scale,
                                                 double                max_scale);

void     calque_viewport_pan                    (CalqueViewport       *vp,
                                                 double                dx,
                                                 double                dy);

double   calque_viewport_clamp_scale            (double                scale,
                                                 double                min_scale,
                                                 double                max_scale);

gboolean calque_viewport_equal                  (const CalqueViewport *a,
                                                 const CalqueViewport *b);

G_END_DECLS
