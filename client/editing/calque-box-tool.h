/* calque-box-tool.h — draws a box by dragging from one corner to the other */
#pragma once

#include "calque-tool.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_BOX_TOOL (calque_box_tool_get_type ())
G_DECLARE_FINAL_TYPE (CalqueBoxTool, calque_box_tool, CALQUE, BOX_TOOL, CalqueTool)

CalqueTool *calque_box_tool_new (void);

G_END_DECLS
