/* calque-polygon-tool.h — draws a polygon or a polyline point by point */
#pragma once

#include "calque-tool.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_POLYGON_TOOL (calque_polygon_tool_get_type ())
G_DECLARE_FINAL_TYPE (CalquePolygonTool, calque_polygon_tool, CALQUE, POLYGON_TOOL, CalqueTool)

/* @closed: TRUE for polygons, FALSE for polylines. */
CalqueTool *calque_polygon_tool_new (gboolean closed);

G_END_DECLS
