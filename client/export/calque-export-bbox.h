/* calque-export-bbox.h — the boxes and outlines that box formats keep
 *
 * VOC and YOLO know upright rectangles (and YOLO-seg plain rings), so a
 * turned box or a polygon reaches them as the rectangle around it or as
 * its corners. Corners go round the box the way calque_shape_validate()
 * and the canvas turn it: top-left, top-right, bottom-right, bottom-left
 * of the unturned box, each turned around the centre.
 */
#pragma once

#include "calque-shape.h"

G_BEGIN_DECLS

/* The four corners of @box as x0, y0, … x3, y3. */
void     _calque_export_box_corners (const CalqueShape *box,
                                     double             corners[8]);

/* The upright rectangle around a box or a polygon's outer ring, as
 * left, top, right, bottom; FALSE for shapes without one (points,
 * polylines, spans, …). */
gboolean _calque_export_shape_bbox  (const CalqueShape *shape,
                                     double             bbox[4]);

G_END_DECLS
