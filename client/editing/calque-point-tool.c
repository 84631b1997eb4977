/* calque-point-tool.c — places a point with a click (keypoints, landmarks) */
#define G_LOG_DOMAIN "calque-point-tool"

#include "calque-point-tool.h"

struct _CalquePointTool
{
  CalqueTool parent_instance;
};

G_DEFINE_FINAL_TYPE (CalquePointTool, calque_point_tool, CALQUE_TYPE_TOOL)

static void
calque_point_tool_press (CalqueTool *tool,
                         double      x,
                         double      y,
                         int         n_press)
{
  g_autoptr(CalqueShape) point = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* A double click is one point, not two on top of each other. */
  if (n_press > 1)
    return;
  point = calque_shape_new_point (x, y);
  id = calque_item_annotations_add (calque_tool_get_annotations (tool), point, calque_tool_get_labels (tool), &error);
  if (id == NULL)
    calque_tool_failed (tool, error);
  else
    calque_tool_edited (tool, id);
}

static void
calque_point_tool_class_init (CalquePointToolClass *klass)
{
  CALQUE_TOOL_CLASS (klass)->press = calque_point_tool_press;
}

static void
calque_point_tool_init (CalquePointTool *self)
{
}

CalqueTool *
calque_point_tool_new (void)
{
  return g_object_new (CALQUE_TYPE_POINT_TOOL, NULL);
}
