/* calque-point-tool.h — places a point with a click */
#pragma once

#include "calque-tool.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_POINT_TOOL (calque_point_tool_get_type ())
G_DECLARE_FINAL_TYPE (CalquePointTool, calque_point_tool, CALQUE, POINT_TOOL, CalqueTool)

CalqueTool *calque_point_tool_new (void);

G_END_DECLS
