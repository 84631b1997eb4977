/* calque-export-bbox.c — rectangles around shapes, for box formats */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-bbox.h"

#include <math.h>

void
_calque_export_box_corners (const CalqueShape *box,
                            double             corners[8])
{
  static const int signs[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
  double cx = box->x + box->w / 2, cy = box->y + box->h / 2;
  double rad = box->rotation * G_PI / 180.0;
  double c = cos (rad), s = sin (rad);

  g_assert (box->kind == CALQUE_SHAPE_BOX);

  for (int k = 0; k < 4; k++)
    {
      double dx = signs[k][0] * box->w / 2;
      double dy = signs[k][1] * box->h / 2;

      /* An upright box keeps its numbers exactly: cx ± w/2 could differ
       * from x and x + w in the last bit, and a re-export would show it. */
      if (box->rotation == 0)
        {
          corners[2 * k] = signs[k][0] < 0 ? box->x : box->x + box->w;
          corners[2 * k + 1] = signs[k][1] < 0 ? box->y : box->y + box->h;
        }
      else
        {
          corners[2 * k] = cx + dx * c - dy * s;
          corners[2 * k + 1] = cy + dx * s + dy * c;
        }
    }
}

static void
bbox_of (const double *coords,
         guint         n_points,
         double        bbox[4])
{
  bbox[0] = bbox[2] = coords[0];
  bbox[1] = bbox[3] = coords[1];
  for (guint i = 1; i < n_points; i++)
    {
      bbox[0] = MIN (bbox[0], coords[2 * i]);
      bbox[1] = MIN (bbox[1], coords[2 * i + 1]);
      bbox[2] = MAX (bbox[2], coords[2 * i]);
      bbox[3] = MAX (bbox[3], coords[2 * i + 1]);
    }
}

gboolean
_calque_export_shape_bbox (const CalqueShape *shape,
                           double             bbox[4])
{
  double corners[8];

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
      _calque_export_box_corners (shape, corners);
      bbox_of (corners, 4, bbox);
      return TRUE;

    case CALQUE_SHAPE_POLYGON:
      /* Holes lie inside the outer ring: they never widen the rectangle. */
      if (shape->points == NULL || shape->points->len < 2)
        return FALSE;
      bbox_of ((const double *) shape->points->data, shape->points->len / 2, bbox);
      return TRUE;

    case CALQUE_SHAPE_POLYLINE:
    case CALQUE_SHAPE_POINT:
    case CALQUE_SHAPE_SPAN:
    case CALQUE_SHAPE_SEGMENT:
    case CALQUE_SHAPE_CLASSIFICATION:
    default:
      return FALSE;
    }
}
