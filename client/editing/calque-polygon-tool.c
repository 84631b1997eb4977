/* calque-polygon-tool.c — draws a polygon or a polyline point by point
 *
 * Each click adds a point; the preview follows the pointer with the next
 * one. A double click or Enter finishes the shape, and so does a click on
 * the first point of a polygon. Backspace takes back the last point,
 * Escape drops the shape. A shape with too few points (3 for a polygon,
 * 2 for a polyline) is not finished: Enter does nothing yet.
 */
#define G_LOG_DOMAIN "calque-polygon-tool"

#include "calque-polygon-tool.h"

#include <math.h>

/* A click this close to the first point, on screen, closes the polygon. */
#define CLOSE_RADIUS_PX 8.0

struct _CalquePolygonTool
{
  CalqueTool   parent_instance;

  gboolean     closed;
  GArray      *points;     /* doubles, x y x y…: the points placed */
  double       cursor_x, cursor_y;
  gboolean     has_cursor;
  CalqueShape *preview;    /* the points placed and the cursor */
};

G_DEFINE_FINAL_TYPE (CalquePolygonTool, calque_polygon_tool, CALQUE_TYPE_TOOL)

static guint
n_points (CalquePolygonTool *self)
{
  return self->points->len / 2;
}

static void
update_preview (CalquePolygonTool *self)
{
  g_autoptr(GArray) coords = g_array_copy (self->points);

  g_clear_pointer (&self->preview, calque_shape_free);
  if (self->has_cursor && n_points (self) > 0)
    {
      g_array_append_val (coords, self->cursor_x);
      g_array_append_val (coords, self->cursor_y);
    }
  if (coords->len >= 4)
    self->preview = calque_shape_new_polyline ((const double *) coords->data, coords->len / 2);
  calque_tool_preview_changed (CALQUE_TOOL (self));
}

static void
reset (CalquePolygonTool *self)
{
  g_array_set_size (self->points, 0);
  update_preview (self);
}

static gboolean
finish (CalquePolygonTool *self)
{
  CalqueTool *tool = CALQUE_TOOL (self);
  guint needed = self->closed ? 3 : 2;
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (n_points (self) < needed)
    return FALSE;

  shape = self->closed ? calque_shape_new_polygon ((const double *) self->points->data, n_points (self))
                       : calque_shape_new_polyline ((const double *) self->points->data, n_points (self));
  id = calque_item_annotations_add (calque_tool_get_annotations (tool), shape, calque_tool_get_labels (tool),
                                    &error);
  reset (self);
  if (id == NULL)
    calque_tool_failed (tool, error);
  else
    calque_tool_edited (tool, id);
  return TRUE;
}

static gboolean
near_first_point (CalquePolygonTool *self,
                  double             x,
                  double             y)
{
  double radius = CLOSE_RADIUS_PX / calque_tool_get_scale (CALQUE_TOOL (self));

  return n_points (self) >= 3
         && hypot (x - g_array_index (self->points, double, 0), y - g_array_index (self->points, double, 1)) <= radius;
}

static void
calque_polygon_tool_press (CalqueTool *tool,
                           double      x,
                           double      y,
                           int         n_press)
{
  CalquePolygonTool *self = CALQUE_POLYGON_TOOL (tool);

  /* The first press of the double click already added this point. */
  if (n_press >= 2)
    {
      finish (self);
      return;
    }
  if (self->closed && near_first_point (self, x, y))
    {
      finish (self);
      return;
    }
  if (n_points (self) >= CALQUE_SHAPE_MAX_POINTS)
    return;
  g_array_append_val (self->points, x);
  g_array_append_val (self->points, y);
  self->cursor_x = x;
  self->cursor_y = y;
  self->has_cursor = TRUE;
  update_preview (self);
}

static void
calque_polygon_tool_motion (CalqueTool *tool,
                            double      x,
                            double      y)
{
  CalquePolygonTool *self = CALQUE_POLYGON_TOOL (tool);

  self->cursor_x = x;
  self->cursor_y = y;
  self->has_cursor = TRUE;
  if (n_points (self) > 0)
    update_preview (self);
}

static void
calque_polygon_tool_cancel (CalqueTool *tool)
{
  CalquePolygonTool *self = CALQUE_POLYGON_TOOL (tool);

  if (self->points->len > 0 || self->preview != NULL)
    reset (self);
}

static gboolean
calque_polygon_tool_key (CalqueTool    *tool,
                         CalqueToolKey  key)
{
  CalquePolygonTool *self = CALQUE_POLYGON_TOOL (tool);

  if (n_points (self) == 0)
    return FALSE;

  switch (key)
    {
    case CALQUE_TOOL_KEY_ENTER:
      finish (self);
      return TRUE;
    case CALQUE_TOOL_KEY_ESCAPE:
      reset (self);
      return TRUE;
    case CALQUE_TOOL_KEY_BACKSPACE:
    case CALQUE_TOOL_KEY_DELETE:
      g_array_set_size (self->points, self->points->len - 2);
      update_preview (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static const CalqueShape *
calque_polygon_tool_get_preview (CalqueTool *tool)
{
  return CALQUE_POLYGON_TOOL (tool)->preview;
}

static void
calque_polygon_tool_finalize (GObject *object)
{
  CalquePolygonTool *self = CALQUE_POLYGON_TOOL (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->preview, calque_shape_free);

  G_OBJECT_CLASS (calque_polygon_tool_parent_class)->finalize (object);
}

static void
calque_polygon_tool_class_init (CalquePolygonToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CalqueToolClass *tool_class = CALQUE_TOOL_CLASS (klass);

  object_class->finalize = calque_polygon_tool_finalize;
  tool_class->press = calque_polygon_tool_press;
  tool_class->motion = calque_polygon_tool_motion;
  tool_class->key = calque_polygon_tool_key;
  tool_class->cancel = calque_polygon_tool_cancel;
  tool_class->get_preview = calque_polygon_tool_get_preview;
}

static void
calque_polygon_tool_init (CalquePolygonTool *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (double));
}

CalqueTool *
calque_polygon_tool_new (gboolean closed)
{
  CalquePolygonTool *self = g_object_new (CALQUE_TYPE_POLYGON_TOOL, NULL);

  self->closed = closed;
  return CALQUE_TOOL (self);
}
