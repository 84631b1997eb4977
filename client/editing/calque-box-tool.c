/* calque-box-tool.c — draws a box by dragging from one corner to the other
 *
 * Press at one corner, drag, release at the other, in any direction. A
 * drag shorter than a few screen pixels is a click, not a box: nothing is
 * saved. Escape while dragging drops the box.
 */
#define G_LOG_DOMAIN "calque-box-tool"

#include "calque-box-tool.h"

#include <math.h>

/* Smaller than this on screen, in either direction, is a slip. */
#define MIN_SIDE_PX 3.0

struct _CalqueBoxTool
{
  CalqueTool   parent_instance;

  gboolean     dragging;
  double       x0, y0;
  CalqueShape *preview;   /* while dragging */
};

G_DEFINE_FINAL_TYPE (CalqueBoxTool, calque_box_tool, CALQUE_TYPE_TOOL)

static void
update_preview (CalqueBoxTool *self,
                double         x,
                double         y)
{
  g_clear_pointer (&self->preview, calque_shape_free);
  self->preview = calque_shape_new_box (MIN (self->x0, x), MIN (self->y0, y), fabs (x - self->x0), fabs (y - self->y0));
  calque_tool_preview_changed (CALQUE_TOOL (self));
}

static void
calque_box_tool_press (CalqueTool *tool,
                       double      x,
                       double      y,
                       int         n_press)
{
  CalqueBoxTool *self = CALQUE_BOX_TOOL (tool);

  self->dragging = TRUE;
  self->x0 = x;
  self->y0 = y;
  update_preview (self, x, y);
}

static void
calque_box_tool_motion (CalqueTool *tool,
                        double      x,
                        double      y)
{
  CalqueBoxTool *self = CALQUE_BOX_TOOL (tool);

  if (self->dragging)
    update_preview (self, x, y);
}

static void
calque_box_tool_release (CalqueTool *tool,
                         double      x,
                         double      y)
{
  CalqueBoxTool *self = CALQUE_BOX_TOOL (tool);
  double min_side = MIN_SIDE_PX / calque_tool_get_scale (tool);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (!self->dragging)
    return;
  update_preview (self, x, y);
  self->dragging = FALSE;

  if (self->preview->w >= min_side && self->preview->h >= min_side)
    {
      id = calque_item_annotations_add (calque_tool_get_annotations (tool), self->preview,
                                        calque_tool_get_labels (tool), &error);
      if (id == NULL)
        calque_tool_failed (tool, error);
    }
  g_clear_pointer (&self->preview, calque_shape_free);
  calque_tool_preview_changed (tool);
  if (id != NULL)
    calque_tool_edited (tool, id);
}

static void
calque_box_tool_cancel (CalqueTool *tool)
{
  CalqueBoxTool *self = CALQUE_BOX_TOOL (tool);

  self->dragging = FALSE;
  if (self->preview != NULL)
    {
      g_clear_pointer (&self->preview, calque_shape_free);
      calque_tool_preview_changed (tool);
    }
}

static gboolean
calque_box_tool_key (CalqueTool    *tool,
                     CalqueToolKey  key)
{
  CalqueBoxTool *self = CALQUE_BOX_TOOL (tool);

  if (key == CALQUE_TOOL_KEY_ESCAPE && self->dragging)
    {
      calque_box_tool_cancel (tool);
      return TRUE;
    }
  return FALSE;
}

static const CalqueShape *
calque_box_tool_get_preview (CalqueTool *tool)
{
  return CALQUE_BOX_TOOL (tool)->preview;
}

static void
calque_box_tool_finalize (GObject *object)
{
  g_clear_pointer (&CALQUE_BOX_TOOL (object)->preview, calque_shape_free);

  G_OBJECT_CLASS (calque_box_tool_parent_class)->finalize (object);
}

static void
calque_box_tool_class_init (CalqueBoxToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CalqueToolClass *tool_class = CALQUE_TOOL_CLASS (klass);

  object_class->finalize = calque_box_tool_finalize;
  tool_class->press = calque_box_tool_press;
  tool_class->motion = calque_box_tool_motion;
  tool_class->release = calque_box_tool_release;
  tool_class->key = calque_box_tool_key;
  tool_class->cancel = calque_box_tool_cancel;
  tool_class->get_preview = calque_box_tool_get_preview;
}

static void
calque_box_tool_init (CalqueBoxTool *self)
{
}

CalqueTool *
calque_box_tool_new (void)
{
  return g_object_new (CALQUE_TYPE_BOX_TOOL, NULL);
}
