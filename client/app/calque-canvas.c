/* calque-canvas.c — an image and its annotations, to look at and to draw on
 *
 * Drawing goes through the same GTK-free code as the benchmark
 * (calque_image_source_draw(), calque_shape_layer_draw()); this file is
 * only the widget around it: the viewport, the input, and keeping the
 * layer in step with the item's annotations.
 */
#define G_LOG_DOMAIN "calque-canvas"

#include "calque-canvas.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-box-tool.h"
#include "calque-comment-markers.h"
#include "calque-image-source.h"
#include "calque-select-tool.h"

/* Free space around a fitted image, in screen pixels. */
#define FIT_MARGIN_PX 24.0
/* One wheel notch or one +/- press. */
#define ZOOM_STEP 1.25
/* One wheel notch of panning, in screen pixels. */
#define SCROLL_STEP_PX 48.0
/* Colour of shapes whose label has none (or that have no label). */
#define DEFAULT_RGBA 0x9a9996ffu

struct _CalqueCanvas
{
  GtkWidget              parent_instance;

  CalqueItemAnnotations *annotations;
  GHashTable            *label_colors;   /* label id → GUINT_TO_POINTER (0xRRGGBBAA) */
  CalqueShapeLayer      *layer;
  GHashTable            *shown;          /* ids in the layer */
  CalqueImageSource     *image;
  GCancellable          *loading;
  char                  *problem;        /* why the image is not shown */
  double                 image_width, image_height;

  CalqueTool            *tool;
  char                  *dragged;        /* the annotation the tool previews in place */

  CalqueViewport         vp;
  gboolean               fitted;         /* follow the size until the user zooms */

  gboolean               space_held;
  gboolean               panning;
  gboolean               tool_dragging;
  double                 drag_x, drag_y; /* where the primary drag began */
  double                 pan_x, pan_y;   /* the last offset of a pan */
  gint64                 last_press_us;
  double                 pointer_x, pointer_y;
  gboolean               has_pointer;

  /* Drawing from the keyboard: the arrows move a cross, "." places. */
  gboolean               keyboard_cursor;
  double                 cursor_x, cursor_y;   /* image pixels */
  gboolean               keyboard_pressed;     /* a box's first corner is down */
  double                 last_press_x, last_press_y;

  GHashTable            *comment_marks;  /* annotation id → count and flags; nullable */
};

enum {
  COMMENT_MARKER_ACTIVATED,
  VIEWPORT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueCanvas, calque_canvas, GTK_TYPE_WIDGET)

static void draw_keyboard_cursor (CalqueCanvas *self,
                                  cairo_t      *cr);

/* --- the layer follows the annotations --------------------------------------------- */

static guint32
color_of (CalqueCanvas *self,
          CalqueRecord *annotation)
{
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  const char *first;

  if (labels == NULL || !JSON_NODE_HOLDS_ARRAY (labels) || json_array_get_length (json_node_get_array (labels)) == 0)
    return DEFAULT_RGBA;
  first = json_array_get_string_element (json_node_get_array (labels), 0);
  if (self->label_colors == NULL || first == NULL || !g_hash_table_contains (self->label_colors, first))
    return DEFAULT_RGBA;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors, first));
}

/* Puts the shapes of rows [@first, @first + @n_rows) of the annotations
 * into the layer, and takes out those of annotations no longer there.
 * Other rows are not parsed again: an edit changes one row, and an item
 * can hold thousands. */
static void
sync_layer_rows (CalqueCanvas *self,
                 guint         first,
                 guint         n_rows)
{
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer id;
  guint n;

  n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);
      const char *annotation_id = calque_record_get_id (annotation);
      g_autoptr(CalqueShape) shape = NULL;

      g_hash_table_add (now, g_strdup (annotation_id));
      /* A shape being dragged keeps its preview until the drag ends. */
      if (i < first || i - first >= n_rows || g_strcmp0 (annotation_id, self->dragged) == 0)
        continue;
      shape = calque_record_dup_shape (annotation, NULL);
      if (shape == NULL || !calque_shape_layer_set_shape (self->layer, annotation_id, shape,
                                                          color_of (self, annotation)))
        calque_shape_layer_remove (self->layer, annotation_id);
      else
        /* From the row in hand: a lookup by id per row would make
         * opening an item of thousands quadratic. */
        calque_shape_layer_set_prediction (self->layer, annotation_id,
                                           calque_item_annotations_record_is_prediction (self->annotations,
                                                                                         annotation));
    }

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (now, id))
      calque_shape_layer_remove (self->layer, id);

  g_clear_pointer (&self->shown, g_hash_table_unref);
  self->shown = g_steal_pointer (&now);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sync_layer (CalqueCanvas *self)
{
  sync_layer_rows (self, 0, G_MAXUINT);
}

/* The row of annotation @id only. */
static void
sync_layer_id (CalqueCanvas *self,
               const char   *id)
{
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);

      if (g_strcmp0 (calque_record_get_id (annotation), id) == 0)
        {
          sync_layer_rows (self, i, 1);
          return;
        }
    }
  sync_layer_rows (self, 0, 0);
}

static void
annotations_changed_cb (CalqueCanvas *self,
                        guint         position,
                        guint         removed,
                        guint         added)
{
  sync_layer_rows (self, position, added);
}

/* --- the viewport ------------------------------------------------------------------- */

static void
tell_tool_viewport (CalqueCanvas *self)
{
  if (self->tool == NULL)
    return;
  if (CALQUE_IS_SELECT_TOOL (self->tool))
    calque_select_tool_set_viewport (CALQUE_SELECT_TOOL (self->tool), &self->vp);
  else
    calque_tool_set_scale (self->tool, self->vp.scale);
}

static void
fit (CalqueCanvas *self)
{
  if (self->image_width <= 0 || self->image_height <= 0 || self->vp.width <= 0)
    return;
  calque_viewport_fit (&self->vp, self->image_width, self->image_height, FIT_MARGIN_PX,
                       CALQUE_VIEWPORT_MIN_SCALE, CALQUE_VIEWPORT_MAX_SCALE);
  tell_tool_viewport (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
learn_image_size (CalqueCanvas *self)
{
  CalqueRecord *item;
  double width = 0, height = 0;

  if (self->image != NULL)
    {
      width = calque_image_source_get_width (self->image);
      height = calque_image_source_get_height (self->image);
    }
  if ((width <= 0 || height <= 0) && self->annotations != NULL)
    {
      item = calque_item_annotations_get_item (self->annotations);
      width = (double) calque_record_get_int (item, "width", 0);
      height = (double) calque_record_get_int (item, "height", 0);
    }
  if (width == self->image_width && height == self->image_height)
    return;
  self->image_width = width;
  self->image_height = height;
  if (self->fitted)
    fit (self);
}

/* --- the image ------------------------------------------------------------------------ */

static void
image_state_changed_cb (CalqueCanvas *self)
{
  learn_image_size (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
image_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CalqueCanvas) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!calque_image_source_load_finish (CALQUE_IMAGE_SOURCE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || CALQUE_IMAGE_SOURCE (object) != self->image)
        return;
      g_free (self->problem);
      self->problem = g_strdup (error->message);
    }
  learn_image_size (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
draw_message (CalqueCanvas *self,
              cairo_t      *cr,
              const char   *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int width, height;

  pango_layout_set_width (layout, (int) (MAX (self->vp.width - 48, 100) * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_move_to (cr, (self->vp.width - width) / 2, (self->vp.height - height) / 2);
  pango_cairo_show_layout (cr, layout);
}

/* The shape a drawing tool is making: dashed, over everything. */
static void
draw_tool_preview (CalqueCanvas *self,
                   cairo_t      *cr)
{
  const CalqueShape *shape;
  static const double dashes[] = { 6, 4 };

  if (self->tool == NULL || CALQUE_IS_SELECT_TOOL (self->tool))
    return;
  shape = calque_tool_get_preview (self->tool);
  if (shape == NULL)
    return;

  cairo_save (cr);
  cairo_new_path (cr);
  if (shape->kind == CALQUE_SHAPE_BOX)
    {
      double x0, y0, x1, y1;

      calque_viewport_image_to_widget (&self->vp, shape->x, shape->y, &x0, &y0);
      calque_viewport_image_to_widget (&self->vp, shape->x + shape->w, shape->y + shape->h, &x1, &y1);
      cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
    }
  else if (shape->points != NULL)
    {
      for (guint i = 0; i + 1 < shape->points->len; i += 2)
        {
          double wx, wy;

          calque_viewport_image_to_widget (&self->vp, g_array_index (shape->points, double, i),
                                           g_array_index (shape->points, double, i + 1), &wx, &wy);
          if (i == 0)
            cairo_move_to (cr, wx, wy);
          else
            cairo_line_to (cr, wx, wy);
        }
      /* Each placed point, so that one can see where the next click lands. */
      for (guint i = 0; i + 1 < shape->points->len; i += 2)
        {
          double wx, wy;

          calque_viewport_image_to_widget (&self->vp, g_array_index (shape->points, double, i),
                                           g_array_index (shape->points, double, i + 1), &wx, &wy);
          cairo_new_sub_path (cr);
          cairo_arc (cr, wx, wy, 3, 0, 2 * G_PI);
        }
    }
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
calque_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CalqueCanvas *self = CALQUE_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  CalqueImageSourceState state = self->image != NULL ? calque_image_source_get_state (self->image)
                                                     : CALQUE_IMAGE_SOURCE_EMPTY;
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* A neutral dark surround: colours of the image are judged against it. */
  cairo_set_source_rgb (cr, 0.16, 0.16, 0.17);
  cairo_paint (cr);

  if (state == CALQUE_IMAGE_SOURCE_PREVIEW || state == CALQUE_IMAGE_SOURCE_COMPLETE)
    calque_image_source_draw (self->image, cr, &self->vp);
  else if (self->image_width > 0 && self->image_height > 0)
    {
      double x0, y0;

      /* Where the image will be: shapes can be seen and drawn meanwhile. */
      calque_viewport_image_to_widget (&self->vp, 0, 0, &x0, &y0);
      cairo_rectangle (cr, x0, y0, self->image_width * self->vp.scale, self->image_height * self->vp.scale);
      cairo_set_source_rgb (cr, 0.24, 0.24, 0.25);
      cairo_fill (cr);
    }

  /* The layer's tile cache is kept at one device pixel per widget pixel;
   * on a HiDPI display its tiles would be enlarged, so it draws live. */
  calque_shape_layer_set_cache_enabled (self->layer, gtk_widget_get_scale_factor (widget) <= 1);
  calque_shape_layer_draw (self->layer, cr, &self->vp);
  calque_comment_markers_draw (cr, self->layer, &self->vp, self->comment_marks);
  draw_tool_preview (self, cr);
  draw_keyboard_cursor (self, cr);

  if (self->problem != NULL)
    draw_message (self, cr, self->problem);
  else if (state == CALQUE_IMAGE_SOURCE_LOADING)
    draw_message (self, cr, _("Loading the image…"));

  cairo_destroy (cr);
}

static void
calque_canvas_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  CalqueCanvas *self = CALQUE_CANVAS (widget);

  self->vp.width = width;
  self->vp.height = height;
  if (self->fitted)
    fit (self);
}

/* --- input ------------------------------------------------------------------------------ */

static void
pointer_to_image (CalqueCanvas *self,
                  double        wx,
                  double        wy,
                  double       *ix,
                  double       *iy)
{
  calque_viewport_widget_to_image (&self->vp, wx, wy, ix, iy);
}

static void
pan_by (CalqueCanvas *self,
        double        dx,
        double        dy)
{
  self->fitted = FALSE;
  calque_viewport_pan (&self->vp, dx, dy);
  tell_tool_viewport (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[VIEWPORT_CHANGED], 0);
}

static void
primary_drag_begin_cb (GtkGestureDrag *gesture,
                       double          x,
                       double          y,
                       CalqueCanvas   *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  gint64 now = g_get_monotonic_time ();
  int double_click_ms = 400, double_click_px = 5;
  double ix, iy;
  int n_press = 1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  if (self->space_held)
    {
      self->panning = TRUE;
      self->pan_x = self->pan_y = 0;
      return;
    }
  /* A comment's bubble opens its thread; the tool does not see the click. */
  {
    g_autofree char *marked = calque_comment_markers_hit (self->layer, &self->vp, self->comment_marks, x, y);

    if (marked != NULL)
      {
        g_signal_emit (self, signals[COMMENT_MARKER_ACTIVATED], 0, marked);
        return;
      }
  }
  if (self->tool == NULL)
    return;

  /* A drag gesture does not count clicks: a second press soon and near
   * the first is the second click of a double click. */
  g_object_get (settings, "gtk-double-click-time", &double_click_ms, "gtk-double-click-distance",
                &double_click_px, NULL);
  if (now - self->last_press_us <= (gint64) double_click_ms * 1000
      && fabs (x - self->last_press_x) <= double_click_px && fabs (y - self->last_press_y) <= double_click_px)
    n_press = 2;
  self->last_press_us = n_press == 2 ? 0 : now;
  self->last_press_x = x;
  self->last_press_y = y;

  self->tool_dragging = TRUE;
  pointer_to_image (self, x, y, &ix, &iy);
  calque_tool_press (self->tool, ix, iy, n_press);
}

static void
primary_drag_update_cb (GtkGestureDrag *gesture,
                        double          offset_x,
                        double          offset_y,
                        CalqueCanvas   *self)
{
  double ix, iy;

  if (self->panning)
    {
      pan_by (self, offset_x - self->pan_x, offset_y - self->pan_y);
      self->pan_x = offset_x;
      self->pan_y = offset_y;
      return;
    }
  if (self->tool == NULL || !self->tool_dragging)
    return;
  pointer_to_image (self, self->drag_x + offset_x, self->drag_y + offset_y, &ix, &iy);
  calque_tool_motion (self->tool, ix, iy);
}

static void
primary_drag_end_cb (GtkGestureDrag *gesture,
                     double          offset_x,
                     double          offset_y,
                     CalqueCanvas   *self)
{
  double ix, iy;

  if (self->panning)
    {
      self->panning = FALSE;
      return;
    }
  if (self->tool == NULL || !self->tool_dragging)
    return;
  self->tool_dragging = FALSE;
  pointer_to_image (self, self->drag_x + offset_x, self->drag_y + offset_y, &ix, &iy);
  calque_tool_release (self->tool, ix, iy);
}

static void
pan_drag_begin_cb (GtkGestureDrag *gesture,
                   double          x,
                   double          y,
                   CalqueCanvas   *self)
{
  self->pan_x = self->pan_y = 0;
}

static void
pan_drag_update_cb (GtkGestureDrag *gesture,
                    double          offset_x,
                    double          offset_y,
                    CalqueCanvas   *self)
{
  pan_by (self, offset_x - self->pan_x, offset_y - self->pan_y);
  self->pan_x = offset_x;
  self->pan_y = offset_y;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CalqueCanvas             *self)
{
  double ix, iy;

  self->pointer_x = x;
  self->pointer_y = y;
  self->has_pointer = TRUE;
  if (self->keyboard_cursor && !self->keyboard_pressed)
    {
      /* The pointer takes over from the keyboard's cross. */
      self->keyboard_cursor = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (self->tool == NULL || self->tool_dragging || self->panning)
    return;
  pointer_to_image (self, x, y, &ix, &iy);
  /* Between clicks: the polygon's next edge follows the pointer. */
  calque_tool_motion (self->tool, ix, iy);

  if (CALQUE_IS_SELECT_TOOL (self->tool))
    {
      g_auto(CalqueHit) hit = { 0 };

      calque_shape_layer_hit (self->layer, &self->vp, x, y, 6.0, &hit);
      calque_shape_layer_set_hovered (self->layer, hit.id);
    }
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CalqueCanvas             *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  gboolean smooth = event != NULL && gdk_scroll_event_get_direction (event) == GDK_SCROLL_SMOOTH;
  double step = smooth ? 1.0 : SCROLL_STEP_PX;
  double px = self->vp.width / 2, py = self->vp.height / 2;

  if (state & GDK_CONTROL_MASK)
    {
      /* Towards the pointer: the scroll event does not say where it is,
       * the motion controller does. */
      if (self->has_pointer)
        {
          px = self->pointer_x;
          py = self->pointer_y;
        }
      calque_canvas_zoom_by (self, pow (ZOOM_STEP, -dy), px, py);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    pan_by (self, -dy * step, -dx * step);
  else
    pan_by (self, -dx * step, -dy * step);
  return TRUE;
}

static void
move_keyboard_cursor (CalqueCanvas *self,
                      double        dx,
                      double        dy)
{
  if (!self->keyboard_cursor)
    {
      /* It starts at the middle of the image, where it is easy to find. */
      self->keyboard_cursor = TRUE;
      self->cursor_x = self->image_width / 2;
      self->cursor_y = self->image_height / 2;
    }
  self->cursor_x = CLAMP (self->cursor_x + dx, 0, MAX (self->image_width, 0));
  self->cursor_y = CLAMP (self->cursor_y + dy, 0, MAX (self->image_height, 0));
  calque_tool_motion (self->tool, self->cursor_x, self->cursor_y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* "." is a click at the cross: a point, a polygon's next point; for a box,
 * the first corner, then the second. */
static void
place_at_keyboard_cursor (CalqueCanvas *self)
{
  if (!self->keyboard_cursor)
    move_keyboard_cursor (self, 0, 0);
  if (CALQUE_IS_BOX_TOOL (self->tool))
    {
      if (!self->keyboard_pressed)
        calque_tool_press (self->tool, self->cursor_x, self->cursor_y, 1);
      else
        calque_tool_release (self->tool, self->cursor_x, self->cursor_y);
      self->keyboard_pressed = !self->keyboard_pressed;
      return;
    }
  calque_tool_press (self->tool, self->cursor_x, self->cursor_y, 1);
  calque_tool_release (self->tool, self->cursor_x, self->cursor_y);
}

static void
draw_keyboard_cursor (CalqueCanvas *self,
                      cairo_t      *cr)
{
  double wx, wy;

  if (!self->keyboard_cursor || self->tool == NULL || CALQUE_IS_SELECT_TOOL (self->tool))
    return;
  calque_viewport_image_to_widget (&self->vp, self->cursor_x, self->cursor_y, &wx, &wy);
  cairo_save (cr);
  cairo_set_line_width (cr, 3);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_move_to (cr, wx - 10, wy);
  cairo_line_to (cr, wx + 10, wy);
  cairo_move_to (cr, wx, wy - 10);
  cairo_line_to (cr, wx, wy + 10);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CalqueCanvas          *self)
{
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;

  switch (keyval)
    {
    case GDK_KEY_space:
      self->space_held = TRUE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      calque_canvas_zoom_by (self, ZOOM_STEP, self->vp.width / 2, self->vp.height / 2);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      calque_canvas_zoom_by (self, 1 / ZOOM_STEP, self->vp.width / 2, self->vp.height / 2);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      if (!ctrl)
        return FALSE;
      calque_canvas_zoom_fit (self);
      return TRUE;
    case GDK_KEY_1:
    case GDK_KEY_KP_1:
      if (!ctrl)
        return FALSE;
      calque_canvas_zoom_actual (self);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Right:
    case GDK_KEY_Up:
    case GDK_KEY_Down:
      {
        double step = (state & GDK_SHIFT_MASK) ? 10 : 1;
        double dx = keyval == GDK_KEY_Left ? -step : keyval == GDK_KEY_Right ? step : 0;
        double dy = keyval == GDK_KEY_Up ? -step : keyval == GDK_KEY_Down ? step : 0;

        if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || self->tool == NULL)
          return FALSE;
        /* The select tool moves the selected shape by a pixel of the image
         * (ten with Shift); a drawing tool moves the keyboard's cross by a
         * pixel of the screen. */
        if (CALQUE_IS_SELECT_TOOL (self->tool))
          return calque_select_tool_nudge (CALQUE_SELECT_TOOL (self->tool), dx, dy);
        move_keyboard_cursor (self, dx / self->vp.scale, dy / self->vp.scale);
        return TRUE;
      }
    case GDK_KEY_period:
    case GDK_KEY_KP_Decimal:
      if (self->tool == NULL || CALQUE_IS_SELECT_TOOL (self->tool))
        return FALSE;
      place_at_keyboard_cursor (self);
      return TRUE;
    case GDK_KEY_Escape:
      return self->tool != NULL && calque_tool_key (self->tool, CALQUE_TOOL_KEY_ESCAPE);
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      return self->tool != NULL && calque_tool_key (self->tool, CALQUE_TOOL_KEY_ENTER);
    case GDK_KEY_BackSpace:
      return self->tool != NULL && calque_tool_key (self->tool, CALQUE_TOOL_KEY_BACKSPACE);
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      return self->tool != NULL && calque_tool_key (self->tool, CALQUE_TOOL_KEY_DELETE);
    default:
      return FALSE;
    }
}

static void
key_released_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 CalqueCanvas          *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_held = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                       self->tool != NULL && !CALQUE_IS_SELECT_TOOL (self->tool) ? "crosshair"
                                                                                                  : NULL);
    }
}

/* The select tool drags a copy of a shape: it is drawn in the shape's place. */
static void
tool_preview_changed_cb (CalqueCanvas *self)
{
  const char *dragged = NULL;

  if (CALQUE_IS_SELECT_TOOL (self->tool))
    dragged = calque_select_tool_get_dragged (CALQUE_SELECT_TOOL (self->tool));

  if (dragged != NULL)
    {
      CalqueRecord *annotation = self->annotations != NULL
                                 ? calque_item_annotations_lookup (self->annotations, dragged) : NULL;
      const CalqueShape *preview = calque_tool_get_preview (self->tool);

      g_free (self->dragged);
      self->dragged = g_strdup (dragged);
      if (preview != NULL)
        calque_shape_layer_set_shape (self->layer, dragged, preview,
                                      annotation != NULL ? color_of (self, annotation) : DEFAULT_RGBA);
    }
  else if (self->dragged != NULL)
    {
      /* The drag ended: the stored shape (saved, or left as it was) is shown. */
      g_autofree char *ended = g_steal_pointer (&self->dragged);

      sync_layer_id (self, ended);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- GObject ---------------------------------------------------------------------------- */

static void
calque_canvas_dispose (GObject *object)
{
  CalqueCanvas *self = CALQUE_CANVAS (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  if (self->tool != NULL)
    g_signal_handlers_disconnect_by_data (self->tool, self);
  if (self->image != NULL)
    g_signal_handlers_disconnect_by_data (self->image, self);
  g_clear_object (&self->annotations);
  g_clear_object (&self->tool);
  g_clear_object (&self->image);
  if (self->layer != NULL)
    g_signal_handlers_disconnect_by_data (self->layer, self);
  g_clear_object (&self->layer);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->comment_marks, g_hash_table_unref);

  G_OBJECT_CLASS (calque_canvas_parent_class)->dispose (object);
}

static void
calque_canvas_finalize (GObject *object)
{
  CalqueCanvas *self = CALQUE_CANVAS (object);

  g_free (self->problem);
  g_free (self->dragged);

  G_OBJECT_CLASS (calque_canvas_parent_class)->finalize (object);
}

static void
calque_canvas_class_init (CalqueCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_canvas_dispose;
  object_class->finalize = calque_canvas_finalize;
  widget_class->snapshot = calque_canvas_snapshot;
  widget_class->size_allocate = calque_canvas_size_allocate;

  /**
   * CalqueCanvas::comment-marker-activated:
   * @id: the annotation whose comments' bubble was clicked
   */
  signals[COMMENT_MARKER_ACTIVATED] =
    g_signal_new ("comment-marker-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * CalqueCanvas::viewport-changed:
   *
   * The user zoomed or panned (not a resize): side-by-side canvases
   * follow one another with calque_canvas_set_viewport().
   */
  signals[VIEWPORT_CHANGED] =
    g_signal_new ("viewport-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "calque-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
calque_canvas_init (CalqueCanvas *self)
{
  GtkGesture *primary = gtk_gesture_drag_new ();
  GtkGesture *middle = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->layer = calque_shape_layer_new ();
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->vp.scale = 1.0;
  self->fitted = TRUE;
  /* After a zoom, frames show the old tiles scaled until the new ones are
   * drawn off the frame; "changed" then asks for the sharp frame. */
  calque_shape_layer_set_progressive (self->layer, TRUE);
  g_signal_connect_swapped (self->layer, "changed", G_CALLBACK (gtk_widget_queue_draw), self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Image and annotations"),
                                  -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (primary, "drag-begin", G_CALLBACK (primary_drag_begin_cb), self);
  g_signal_connect (primary, "drag-update", G_CALLBACK (primary_drag_update_cb), self);
  g_signal_connect (primary, "drag-end", G_CALLBACK (primary_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (primary));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (middle), GDK_BUTTON_MIDDLE);
  g_signal_connect (middle, "drag-begin", G_CALLBACK (pan_drag_begin_cb), self);
  g_signal_connect (middle, "drag-update", G_CALLBACK (pan_drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (middle));

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (keys, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

/* --- public API ---------------------------------------------------------------- */

GtkWidget *
calque_canvas_new (void)
{
  return g_object_new (CALQUE_TYPE_CANVAS, NULL);
}

void
calque_canvas_set_item (CalqueCanvas          *self,
                        CalqueItemAnnotations *annotations,
                        const char            *image_path,
                        GHashTable            *label_colors)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));
  g_return_if_fail (annotations == NULL || CALQUE_IS_ITEM_ANNOTATIONS (annotations));

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->image != NULL)
    g_signal_handlers_disconnect_by_data (self->image, self);
  g_clear_object (&self->image);
  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  g_set_object (&self->annotations, annotations);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  self->label_colors = label_colors != NULL ? g_hash_table_ref (label_colors) : NULL;
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->dragged, g_free);
  self->image_width = self->image_height = 0;
  self->fitted = TRUE;

  calque_shape_layer_clear (self->layer);
  g_hash_table_remove_all (self->shown);
  if (self->tool != NULL)
    calque_tool_set_annotations (self->tool, annotations);

  if (annotations != NULL)
    {
      g_signal_connect_swapped (annotations, "items-changed", G_CALLBACK (annotations_changed_cb), self);
      sync_layer (self);
    }

  if (annotations != NULL && image_path == NULL)
    self->problem = g_strdup (_("This image is not on this computer yet. It is downloaded when the workspace "
                                "syncs while signed in."));
  else if (image_path != NULL)
    {
      self->image = calque_image_source_new (image_path);
      self->loading = g_cancellable_new ();
      calque_image_source_set_preview_size (self->image,
                                            (guint) MAX (1024, MAX (self->vp.width, self->vp.height)));
      g_signal_connect_swapped (self->image, "notify::state", G_CALLBACK (image_state_changed_cb), self);
      calque_image_source_load_async (self->image, self->loading, image_loaded_cb, g_object_ref (self));
    }
  learn_image_size (self);
  fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CalqueItemAnnotations *
calque_canvas_get_annotations (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), NULL);

  return self->annotations;
}

CalqueShapeLayer *
calque_canvas_get_layer (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), NULL);

  return self->layer;
}

void
calque_canvas_set_tool (CalqueCanvas *self,
                        CalqueTool   *tool)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));
  g_return_if_fail (tool == NULL || CALQUE_IS_TOOL (tool));

  if (self->tool == tool)
    return;
  if (self->tool != NULL)
    {
      calque_tool_cancel (self->tool);
      g_signal_handlers_disconnect_by_data (self->tool, self);
    }
  g_set_object (&self->tool, tool);
  self->tool_dragging = FALSE;
  self->keyboard_pressed = FALSE;
  if (tool != NULL)
    {
      calque_tool_set_annotations (tool, self->annotations);
      g_signal_connect_swapped (tool, "preview-changed", G_CALLBACK (tool_preview_changed_cb), self);
      tell_tool_viewport (self);
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   tool != NULL && !CALQUE_IS_SELECT_TOOL (tool) ? "crosshair" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CalqueTool *
calque_canvas_get_tool (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), NULL);

  return self->tool;
}

void
calque_canvas_zoom_fit (CalqueCanvas *self)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));

  self->fitted = TRUE;
  fit (self);
  g_signal_emit (self, signals[VIEWPORT_CHANGED], 0);
}

void
calque_canvas_zoom_actual (CalqueCanvas *self)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));

  calque_canvas_zoom_by (self, 1.0 / self->vp.scale, self->vp.width / 2, self->vp.height / 2);
}

void
calque_canvas_zoom_by (CalqueCanvas *self,
                       double        factor,
                       double        wx,
                       double        wy)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));
  g_return_if_fail (factor > 0);

  self->fitted = FALSE;
  calque_viewport_zoom_at (&self->vp, self->vp.scale * factor, wx, wy, CALQUE_VIEWPORT_MIN_SCALE,
                           CALQUE_VIEWPORT_MAX_SCALE);
  tell_tool_viewport (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[VIEWPORT_CHANGED], 0);
}

void
calque_canvas_set_viewport (CalqueCanvas         *self,
                            const CalqueViewport *vp,
                            gboolean              fitted)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));
  g_return_if_fail (vp != NULL);

  /* The size stays this widget's own; a fitted view keeps fitting it. */
  self->fitted = fitted;
  if (fitted)
    {
      fit (self);
      return;
    }
  if (self->vp.scale == vp->scale && self->vp.offset_x == vp->offset_x && self->vp.offset_y == vp->offset_y)
    return;
  self->vp.scale = vp->scale;
  self->vp.offset_x = vp->offset_x;
  self->vp.offset_y = vp->offset_y;
  tell_tool_viewport (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
calque_canvas_get_fitted (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), FALSE);

  return self->fitted;
}

const CalqueViewport *
calque_canvas_get_viewport (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), NULL);

  return &self->vp;
}

const char *
calque_canvas_get_problem (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), NULL);

  return self->problem;
}

gboolean
calque_canvas_is_loaded (CalqueCanvas *self)
{
  g_return_val_if_fail (CALQUE_IS_CANVAS (self), FALSE);

  return self->problem != NULL
         || (self->image != NULL && calque_image_source_get_state (self->image) == CALQUE_IMAGE_SOURCE_COMPLETE);
}

void
calque_canvas_set_comment_marks (CalqueCanvas *self,
                                 GHashTable   *marks)
{
  g_return_if_fail (CALQUE_IS_CANVAS (self));

  g_clear_pointer (&self->comment_marks, g_hash_table_unref);
  self->comment_marks = marks != NULL ? g_hash_table_ref (marks) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
