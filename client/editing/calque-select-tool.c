/* calque-select-tool.c — selects shapes and moves, resizes and reshapes them
 *
 * A press picks what is under the pointer (calque_shape_layer_hit()):
 * - the inside of a shape: select it, and a drag moves it;
 * - a box handle: a drag resizes the box from that side or corner;
 * - a vertex: a drag moves it; Backspace then deletes it (a polygon keeps
 *   at least 3 points, a polyline 2); a double click deletes it too;
 * - an edge of the selected polygon or polyline: a vertex is inserted
 *   there and follows the drag;
 * - nothing: the selection is cleared.
 * During a drag the tool only previews; the release saves once, as one
 * undo step. Delete removes the selected annotation; Escape drops a drag
 * under way, or else the selection.
 */
#define G_LOG_DOMAIN "calque-select-tool"

#include "calque-select-tool.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* How near, in screen pixels, the pointer must be to grab something. */
#define GRAB_TOLERANCE_PX 6.0

typedef enum {
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_VERTEX,
  DRAG_HANDLE,
} DragKind;

struct _CalqueSelectTool
{
  CalqueTool        parent_instance;

  CalqueShapeLayer *layer;
  CalqueViewport    viewport;
  char             *selected;
  GHashTable       *locked;        /* ids */

  /* The vertex last grabbed, for Backspace. */
  guint             vertex_ring;
  guint             vertex_index;
  gboolean          has_vertex;

  DragKind          drag;
  char             *dragged;       /* the annotation being dragged */
  CalqueShape      *original;      /* its shape when the drag began */
  CalqueShape      *preview;       /* its shape now */
  double            start_x, start_y;
  guint             handle;        /* DRAG_HANDLE: a CalqueHandle */
  gboolean          changed;       /* something to save at release */
};

enum { SELECTION_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueSelectTool, calque_select_tool, CALQUE_TYPE_TOOL)

static GArray *
ring_of (CalqueShape *shape,
         guint        ring)
{
  if (ring == 0)
    return shape->points;
  if (shape->holes == NULL || ring - 1 >= shape->holes->len)
    return NULL;
  return g_ptr_array_index (shape->holes, ring - 1);
}

static void
end_drag (CalqueSelectTool *self)
{
  gboolean had_preview = self->preview != NULL;

  self->drag = DRAG_NONE;
  self->changed = FALSE;
  g_clear_pointer (&self->dragged, g_free);
  g_clear_pointer (&self->original, calque_shape_free);
  g_clear_pointer (&self->preview, calque_shape_free);
  if (had_preview)
    calque_tool_preview_changed (CALQUE_TOOL (self));
}

static void
save_shape (CalqueSelectTool  *self,
            const char        *id,
            const CalqueShape *shape)
{
  CalqueTool *tool = CALQUE_TOOL (self);
  g_autoptr(GError) error = NULL;

  if (calque_item_annotations_set_shape (calque_tool_get_annotations (tool), id, shape, &error))
    calque_tool_edited (tool, id);
  else
    calque_tool_failed (tool, error);
}

static void
resize_box (CalqueShape       *box,
            const CalqueShape *original,
            guint              handle,
            double             dx,
            double             dy)
{
  double x0 = original->x, y0 = original->y;
  double x1 = original->x + original->w, y1 = original->y + original->h;

  switch (handle)
    {
    case CALQUE_HANDLE_TOP_LEFT: x0 += dx; y0 += dy; break;
    case CALQUE_HANDLE_TOP: y0 += dy; break;
    case CALQUE_HANDLE_TOP_RIGHT: x1 += dx; y0 += dy; break;
    case CALQUE_HANDLE_RIGHT: x1 += dx; break;
    case CALQUE_HANDLE_BOTTOM_RIGHT: x1 += dx; y1 += dy; break;
    case CALQUE_HANDLE_BOTTOM: y1 += dy; break;
    case CALQUE_HANDLE_BOTTOM_LEFT: x0 += dx; y1 += dy; break;
    case CALQUE_HANDLE_LEFT: x0 += dx; break;
    default: break;
    }
  /* Dragged past the opposite side, the box turns over rather than vanish. */
  box->x = MIN (x0, x1);
  box->y = MIN (y0, y1);
  box->w = fabs (x1 - x0);
  box->h = fabs (y1 - y0);
}

static void
move_shape (CalqueShape       *shape,
            const CalqueShape *original,
            double             dx,
            double             dy)
{
  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
    case CALQUE_SHAPE_POINT:
      shape->x = original->x + dx;
      shape->y = original->y + dy;
      break;
    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      for (guint ring = 0; ring_of (shape, ring) != NULL; ring++)
        {
          GArray *points = ring_of (shape, ring);
          GArray *from = ring_of ((CalqueShape *) original, ring);

          for (guint i = 0; i + 1 < points->len; i += 2)
            {
              g_array_index (points, double, i) = g_array_index (from, double, i) + dx;
              g_array_index (points, double, i + 1) = g_array_index (from, double, i + 1) + dy;
            }
        }
      break;
    default:
      break;
    }
}

static void
begin_drag (CalqueSelectTool *self,
            DragKind          kind,
            const char       *id,
            double            x,
            double            y)
{
  const CalqueShape *shape = calque_shape_layer_get_shape (self->layer, id);

  end_drag (self);
  if (shape == NULL)
    return;
  self->drag = kind;
  self->dragged = g_strdup (id);
  self->original = calque_shape_copy (shape);
  self->preview = calque_shape_copy (shape);
  self->start_x = x;
  self->start_y = y;
}

static gboolean
delete_vertex (CalqueSelectTool *self)
{
  const CalqueShape *shape;
  g_autoptr(CalqueShape) fewer = NULL;
  GArray *ring;
  guint minimum;

  if (self->selected == NULL || !self->has_vertex)
    return FALSE;
  shape = calque_shape_layer_get_shape (self->layer, self->selected);
  if (shape == NULL || (shape->kind != CALQUE_SHAPE_POLYGON && shape->kind != CALQUE_SHAPE_POLYLINE))
    return FALSE;

  fewer = calque_shape_copy (shape);
  ring = ring_of (fewer, self->vertex_ring);
  minimum = fewer->kind == CALQUE_SHAPE_POLYGON ? 3 : 2;
  if (ring == NULL || ring->len / 2 <= minimum || self->vertex_index >= ring->len / 2)
    return FALSE;
  g_array_remove_range (ring, self->vertex_index * 2, 2);
  self->has_vertex = FALSE;
  save_shape (self, self->selected, fewer);
  return TRUE;
}

/* --- CalqueTool ---------------------------------------------------------------- */

static void
calque_select_tool_press (CalqueTool *tool,
                          double      x,
                          double      y,
                          int         n_press)
{
  CalqueSelectTool *self = CALQUE_SELECT_TOOL (tool);
  g_auto(CalqueHit) hit = { 0 };
  double wx, wy;

  calque_viewport_image_to_widget (&self->viewport, x, y, &wx, &wy);
  if (!calque_shape_layer_hit (self->layer, &self->viewport, wx, wy, GRAB_TOLERANCE_PX, &hit)
      || g_hash_table_contains (self->locked, hit.id))
    {
      end_drag (self);
      calque_select_tool_select (self, NULL);
      return;
    }

  if (g_strcmp0 (hit.id, self->selected) != 0)
    {
      calque_select_tool_select (self, hit.id);
      self->has_vertex = FALSE;
    }

  /* A prediction is selected to be accepted, not dragged: the drag would
   * change the author of what is under the pointer midway. */
  if (calque_shape_layer_get_prediction (self->layer, hit.id))
    {
      end_drag (self);
      return;
    }

  switch (hit.part)
    {
    case CALQUE_HIT_VERTEX:
      self->vertex_ring = hit.ring;
      self->vertex_index = hit.index;
      self->has_vertex = TRUE;
      if (n_press >= 2)
        {
          end_drag (self);
          delete_vertex (self);
          return;
        }
      begin_drag (self, DRAG_VERTEX, hit.id, x, y);
      break;

    case CALQUE_HIT_EDGE:
      begin_drag (self, DRAG_VERTEX, hit.id, x, y);
      if (self->preview != NULL
          && (self->preview->kind == CALQUE_SHAPE_POLYGON || self->preview->kind == CALQUE_SHAPE_POLYLINE))
        {
          GArray *ring = ring_of (self->preview, hit.ring);
          GArray *original_ring = ring_of (self->original, hit.ring);
          double point[2] = { hit.x, hit.y };

          /* The new vertex goes between the edge's two ends, and follows
           * the drag; it is saved even if the pointer does not move. */
          g_array_insert_vals (ring, (hit.index + 1) * 2, point, 2);
          g_array_insert_vals (original_ring, (hit.index + 1) * 2, point, 2);
          self->vertex_ring = hit.ring;
          self->vertex_index = hit.index + 1;
          self->has_vertex = TRUE;
          self->changed = TRUE;
          calque_tool_preview_changed (tool);
        }
      else
        self->drag = DRAG_MOVE;   /* a box's edge: move the box */
      break;

    case CALQUE_HIT_HANDLE:
      begin_drag (self, DRAG_HANDLE, hit.id, x, y);
      self->handle = hit.index;
      break;

    case CALQUE_HIT_INSIDE:
    default:
      begin_drag (self, DRAG_MOVE, hit.id, x, y);
      break;
    }
}

static void
calque_select_tool_motion (CalqueTool *tool,
                           double      x,
                           double      y)
{
  CalqueSelectTool *self = CALQUE_SELECT_TOOL (tool);
  double dx, dy;

  if (self->drag == DRAG_NONE || self->preview == NULL)
    return;

  dx = x - self->start_x;
  dy = y - self->start_y;
  switch (self->drag)
    {
    case DRAG_MOVE:
      move_shape (self->preview, self->original, dx, dy);
      break;
    case DRAG_HANDLE:
      if (self->preview->kind == CALQUE_SHAPE_BOX && self->preview->rotation == 0)
        resize_box (self->preview, self->original, self->handle, dx, dy);
      break;
    case DRAG_VERTEX:
      if (self->preview->kind == CALQUE_SHAPE_POINT)
        move_shape (self->preview, self->original, dx, dy);
      else if (ring_of (self->preview, self->vertex_ring) != NULL)
        {
          GArray *ring = ring_of (self->preview, self->vertex_ring);
          GArray *from = ring_of (self->original, self->vertex_ring);
          guint i = self->vertex_index * 2;

          if (i + 1 < ring->len)
            {
              g_array_index (ring, double, i) = g_array_index (from, double, i) + dx;
              g_array_index (ring, double, i + 1) = g_array_index (from, double, i + 1) + dy;
            }
        }
      break;
    case DRAG_NONE:
    default:
      return;
    }
  self->changed |= dx != 0 || dy != 0;
  calque_tool_preview_changed (tool);
}

static void
calque_select_tool_release (CalqueTool *tool,
                            double      x,
                            double      y)
{
  CalqueSelectTool *self = CALQUE_SELECT_TOOL (tool);
  g_autofree char *id = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  if (self->drag == DRAG_NONE)
    return;
  calque_select_tool_motion (tool, x, y);
  if (self->changed)
    {
      id = g_strdup (self->dragged);
      shape = calque_shape_copy (self->preview);
    }
  end_drag (self);
  if (id != NULL)
    save_shape (self, id, shape);
}

static gboolean
calque_select_tool_key (CalqueTool    *tool,
                        CalqueToolKey  key)
{
  CalqueSelectTool *self = CALQUE_SELECT_TOOL (tool);
  g_autoptr(GError) error = NULL;

  switch (key)
    {
    case CALQUE_TOOL_KEY_ESCAPE:
      if (self->drag != DRAG_NONE)
        {
          end_drag (self);
          return TRUE;
        }
      if (self->selected != NULL)
        {
          calque_select_tool_select (self, NULL);
          return TRUE;
        }
      return FALSE;

    case CALQUE_TOOL_KEY_BACKSPACE:
      return delete_vertex (self);

    case CALQUE_TOOL_KEY_DELETE:
      if (self->selected == NULL)
        return FALSE;
      {
        g_autofree char *id = g_strdup (self->selected);

        end_drag (self);
        calque_select_tool_select (self, NULL);
        if (!calque_item_annotations_remove (calque_tool_get_annotations (tool), id, &error))
          calque_tool_failed (tool, error);
        else
          calque_tool_edited (tool, id);
      }
      return TRUE;

    case CALQUE_TOOL_KEY_ENTER:
    default:
      return FALSE;
    }
}

static void
calque_select_tool_cancel (CalqueTool *tool)
{
  end_drag (CALQUE_SELECT_TOOL (tool));
}

static const CalqueShape *
calque_select_tool_get_preview (CalqueTool *tool)
{
  return CALQUE_SELECT_TOOL (tool)->preview;
}

static void
calque_select_tool_finalize (GObject *object)
{
  CalqueSelectTool *self = CALQUE_SELECT_TOOL (object);

  g_clear_object (&self->layer);
  g_clear_pointer (&self->locked, g_hash_table_unref);
  g_free (self->selected);
  g_free (self->dragged);
  g_clear_pointer (&self->original, calque_shape_free);
  g_clear_pointer (&self->preview, calque_shape_free);

  G_OBJECT_CLASS (calque_select_tool_parent_class)->finalize (object);
}

static void
calque_select_tool_class_init (CalqueSelectToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CalqueToolClass *tool_class = CALQUE_TOOL_CLASS (klass);

  object_class->finalize = calque_select_tool_finalize;
  tool_class->press = calque_select_tool_press;
  tool_class->motion = calque_select_tool_motion;
  tool_class->release = calque_select_tool_release;
  tool_class->key = calque_select_tool_key;
  tool_class->cancel = calque_select_tool_cancel;
  tool_class->get_preview = calque_select_tool_get_preview;

  /**
   * CalqueSelectTool::selection-changed:
   *
   * calque_select_tool_get_selected() says something else.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
calque_select_tool_init (CalqueSelectTool *self)
{
  self->viewport.scale = 1.0;
  self->locked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CalqueTool *
calque_select_tool_new (CalqueShapeLayer *layer)
{
  CalqueSelectTool *self;

  g_return_val_if_fail (CALQUE_IS_SHAPE_LAYER (layer), NULL);

  self = g_object_new (CALQUE_TYPE_SELECT_TOOL, NULL);
  self->layer = g_object_ref (layer);
  return CALQUE_TOOL (self);
}

void
calque_select_tool_set_viewport (CalqueSelectTool     *self,
                                 const CalqueViewport *vp)
{
  g_return_if_fail (CALQUE_IS_SELECT_TOOL (self));
  g_return_if_fail (vp != NULL);

  self->viewport = *vp;
  calque_tool_set_scale (CALQUE_TOOL (self), vp->scale);
}

const char *
calque_select_tool_get_selected (CalqueSelectTool *self)
{
  g_return_val_if_fail (CALQUE_IS_SELECT_TOOL (self), NULL);

  return self->selected;
}

void
calque_select_tool_select (CalqueSelectTool *self,
                           const char       *id)
{
  g_return_if_fail (CALQUE_IS_SELECT_TOOL (self));

  if (g_strcmp0 (self->selected, id) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (id);
  self->has_vertex = FALSE;
  calque_shape_layer_set_selected (self->layer, id);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

gboolean
calque_select_tool_nudge (CalqueSelectTool *self,
                          double            dx,
                          double            dy)
{
  const CalqueShape *shape;
  g_autoptr(CalqueShape) moved = NULL;

  g_return_val_if_fail (CALQUE_IS_SELECT_TOOL (self), FALSE);

  if (self->selected == NULL || self->drag != DRAG_NONE
      || (shape = calque_shape_layer_get_shape (self->layer, self->selected)) == NULL)
    return FALSE;
  moved = calque_shape_copy (shape);
  move_shape (moved, shape, dx, dy);
  save_shape (self, self->selected, moved);
  return TRUE;
}

void
calque_select_tool_set_locked (CalqueSelectTool *self,
                               const char       *id,
                               gboolean          locked)
{
  g_return_if_fail (CALQUE_IS_SELECT_TOOL (self));
  g_return_if_fail (id != NULL);

  if (locked)
    {
      g_hash_table_add (self->locked, g_strdup (id));
      if (g_strcmp0 (self->selected, id) == 0)
        calque_select_tool_select (self, NULL);
    }
  else
    g_hash_table_remove (self->locked, id);
}

gboolean
calque_select_tool_get_locked (CalqueSelectTool *self,
                               const char       *id)
{
  g_return_val_if_fail (CALQUE_IS_SELECT_TOOL (self), FALSE);

  return id != NULL && g_hash_table_contains (self->locked, id);
}

const char *
calque_select_tool_get_dragged (CalqueSelectTool *self)
{
  g_return_val_if_fail (CALQUE_IS_SELECT_TOOL (self), NULL);

  return self->dragged;
}
