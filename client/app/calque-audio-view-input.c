/* calque-audio-view-input.c — the pointer and the keys of the audio view
 *
 * One drag gesture on the primary button does everything: on the ruler it
 * moves the cursor; on a segment's edge it resizes the segment, on its
 * body it selects it (and moves it once dragged); elsewhere it draws a new
 * segment, or, when it did not move, puts the cursor there. A drag only
 * previews: the model changes once, on release, so that one gesture is
 * one undo step.
 */
#define G_LOG_DOMAIN "calque-audio-view"

#include "calque-audio-view-private.h"

#include <math.h>

/* A press that moves less than this is a click. */
#define CLICK_SLOP_PX  3.0
/* One wheel notch of panning, in pixels, and one of zoom. */
#define SCROLL_STEP_PX 48.0
#define ZOOM_STEP      1.25
/* The cursor keys move the cursor this far (ten times with Shift). */
#define CURSOR_STEP_PX 10.0

/* --- verbs ---------------------------------------------------------------------------- */

static double
clamp_time (CalqueAudioView *self,
            double           seconds)
{
  return CLAMP (seconds, 0, MAX (self->duration, 0));
}

static double
time_at (CalqueAudioView *self,
         double           x)
{
  return clamp_time (self, calque_timeline_x_to_time (&self->tl, x));
}

static const CalqueAudioSegment *
dragged_segment (CalqueAudioView *self)
{
  g_assert (self->drag_index < self->segments->len);
  return &g_array_index (self->segments, CalqueAudioSegment, self->drag_index);
}

static void
create_segment (CalqueAudioView *self)
{
  g_autoptr(CalqueShape) shape = calque_shape_new_segment (self->preview_start, self->preview_end);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = calque_item_annotations_add (self->annotations, shape, (const char * const *) self->new_labels, &error);
  if (id == NULL)
    {
      _calque_audio_view_report (self, error);
      return;
    }
  _calque_audio_view_set_selected (self, id);
  _calque_audio_view_emit_edited (self);
}

static void
reshape_segment (CalqueAudioView *self)
{
  const CalqueAudioSegment *segment = dragged_segment (self);
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) error = NULL;

  if (segment->start == self->preview_start && segment->end == self->preview_end)
    return;
  annotation = g_object_ref (calque_item_annotations_lookup (self->annotations, segment->id));
  /* The stored shape, so that its channel stays. */
  shape = calque_record_dup_shape (annotation, &error);
  if (shape == NULL)
    {
      _calque_audio_view_report (self, error);
      return;
    }
  shape->seg_start = self->preview_start;
  shape->seg_end = self->preview_end;
  if (!calque_item_annotations_set_shape (self->annotations, calque_record_get_id (annotation), shape, &error))
    {
      _calque_audio_view_report (self, error);
      return;
    }
  _calque_audio_view_emit_edited (self);
}

/* The preview for the pointer at @x. */
static void
update_preview (CalqueAudioView *self,
                double           x)
{
  double t = time_at (self, x);
  double min = CALQUE_AUDIO_VIEW_MIN_SEGMENT;

  switch (self->drag)
    {
    case CALQUE_AUDIO_DRAG_CREATE:
      self->preview_start = MIN (self->drag_time, t);
      self->preview_end = MAX (self->drag_time, t);
      break;
    case CALQUE_AUDIO_DRAG_START:
      self->preview_start = MIN (t, dragged_segment (self)->end - min);
      self->preview_start = MAX (self->preview_start, 0);
      self->preview_end = dragged_segment (self)->end;
      break;
    case CALQUE_AUDIO_DRAG_END:
      self->preview_start = dragged_segment (self)->start;
      self->preview_end = MAX (t, dragged_segment (self)->start + min);
      self->preview_end = MIN (self->preview_end, self->duration);
      break;
    case CALQUE_AUDIO_DRAG_MOVE:
      {
        const CalqueAudioSegment *segment = dragged_segment (self);
        double length = segment->end - segment->start;
        double shift = calque_timeline_x_to_time (&self->tl, x) - self->drag_time;

        /* The whole segment stays in the recording, its length kept. */
        self->preview_start = CLAMP (segment->start + shift, 0, MAX (self->duration - length, 0));
        self->preview_end = self->preview_start + length;
        break;
      }
    case CALQUE_AUDIO_DRAG_SCRUB:
      /* Only the cursor moves. */
      _calque_audio_view_seek (self, t);
      return;
    case CALQUE_AUDIO_DRAG_NONE:
    default:
      break;
    }
  _calque_audio_view_invalidate (self);
}

static void
zoom_keeping (CalqueAudioView *self,
              double           factor)
{
  /* Towards the pointer when it is over the view, else the middle. */
  calque_audio_view_zoom_by (self, factor, self->has_pointer ? self->pointer_x : self->tl.width / 2);
}

static void
move_cursor (CalqueAudioView *self,
             double           seconds)
{
  _calque_audio_view_seek (self, seconds);
  calque_timeline_reveal (&self->tl, self->cursor, 32);
  self->fitted = FALSE;
  _calque_audio_view_timeline_changed (self);
}

void
_calque_audio_view_cancel_drag (CalqueAudioView *self)
{
  if (self->drag == CALQUE_AUDIO_DRAG_NONE)
    return;
  self->drag = CALQUE_AUDIO_DRAG_NONE;
  _calque_audio_view_invalidate (self);
}

/* --- callbacks --------------------------------------------------------------------------- */

static void
drag_begun_cb (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               CalqueAudioView *self)
{
  int lane = _calque_audio_view_lane_at (self, y);
  int selected = _calque_audio_view_find_segment (self, self->selected);
  CalqueSegmentHit hit = CALQUE_SEGMENT_HIT_NONE;
  graphene_rect_t area;
  guint index = 0;

  /* The scrollbar below handles its own presses. */
  _calque_audio_view_wave_area (self, &area);
  if (y > area.origin.y + area.size.height)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag = CALQUE_AUDIO_DRAG_NONE;
  self->drag_moved = FALSE;
  self->drag_x = x;
  self->drag_time = calque_timeline_x_to_time (&self->tl, x);
  if (self->annotations == NULL || self->duration <= 0)
    return;

  if (lane == -2)
    {
      self->drag = CALQUE_AUDIO_DRAG_SCRUB;
      update_preview (self, x);
      return;
    }
  hit = calque_segment_hit (&self->tl, (const CalqueSegmentSpan *) (gpointer) self->spans->data, self->spans->len,
                            x, lane, CALQUE_AUDIO_VIEW_EDGE_PX, selected, &index);
  switch (hit)
    {
    case CALQUE_SEGMENT_HIT_START:
    case CALQUE_SEGMENT_HIT_END:
    case CALQUE_SEGMENT_HIT_BODY:
      self->drag = hit == CALQUE_SEGMENT_HIT_START ? CALQUE_AUDIO_DRAG_START
                 : hit == CALQUE_SEGMENT_HIT_END ? CALQUE_AUDIO_DRAG_END
                 : CALQUE_AUDIO_DRAG_MOVE;
      self->drag_index = index;
      _calque_audio_view_set_selected (self, dragged_segment (self)->id);
      self->preview_start = dragged_segment (self)->start;
      self->preview_end = dragged_segment (self)->end;
      break;
    case CALQUE_SEGMENT_HIT_NONE:
    default:
      self->drag = CALQUE_AUDIO_DRAG_CREATE;
      self->drag_time = time_at (self, x);
      self->preview_start = self->preview_end = self->drag_time;
      break;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
drag_updated_cb (GtkGestureDrag  *gesture,
                 double           dx,
                 double           dy,
                 CalqueAudioView *self)
{
  if (self->drag == CALQUE_AUDIO_DRAG_NONE)
    return;
  if (fabs (dx) >= CLICK_SLOP_PX)
    self->drag_moved = TRUE;
  /* Edges follow at once: a resize by a pixel or two is deliberate. */
  if (self->drag_moved || self->drag == CALQUE_AUDIO_DRAG_START || self->drag == CALQUE_AUDIO_DRAG_END
      || self->drag == CALQUE_AUDIO_DRAG_SCRUB)
    update_preview (self, self->drag_x + dx);
}

static void
drag_ended_cb (GtkGestureDrag  *gesture,
               double           dx,
               double           dy,
               CalqueAudioView *self)
{
  CalqueAudioDrag drag = self->drag;

  if (drag == CALQUE_AUDIO_DRAG_NONE)
    return;
  if (fabs (dx) >= CLICK_SLOP_PX)
    self->drag_moved = TRUE;
  update_preview (self, self->drag_x + dx);
  self->drag = CALQUE_AUDIO_DRAG_NONE;

  switch (drag)
    {
    case CALQUE_AUDIO_DRAG_CREATE:
      if (self->drag_moved && self->preview_end - self->preview_start >= CALQUE_AUDIO_VIEW_MIN_SEGMENT)
        create_segment (self);
      else
        {
          /* A click: the cursor goes there, the selection goes. */
          _calque_audio_view_seek (self, self->drag_time);
          _calque_audio_view_set_selected (self, NULL);
        }
      break;
    case CALQUE_AUDIO_DRAG_START:
    case CALQUE_AUDIO_DRAG_END:
      reshape_segment (self);
      break;
    case CALQUE_AUDIO_DRAG_MOVE:
      if (self->drag_moved)
        reshape_segment (self);
      break;
    case CALQUE_AUDIO_DRAG_SCRUB:
    case CALQUE_AUDIO_DRAG_NONE:
    default:
      break;
    }
  /* The preview gives way to the model's segment (or to nothing, when
   * the save failed). */
  _calque_audio_view_invalidate (self);
}

static void
pointer_moved_cb (GtkEventControllerMotion *controller,
                  double                    x,
                  double                    y,
                  CalqueAudioView          *self)
{
  int lane = _calque_audio_view_lane_at (self, y);
  CalqueSegmentHit hit = CALQUE_SEGMENT_HIT_NONE;
  guint index;

  self->pointer_x = x;
  self->has_pointer = TRUE;
  if (self->drag != CALQUE_AUDIO_DRAG_NONE)
    return;
  if (lane != -2)
    hit = calque_segment_hit (&self->tl, (const CalqueSegmentSpan *) (gpointer) self->spans->data,
                              self->spans->len, x, lane, CALQUE_AUDIO_VIEW_EDGE_PX,
                              _calque_audio_view_find_segment (self, self->selected), &index);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   hit == CALQUE_SEGMENT_HIT_START || hit == CALQUE_SEGMENT_HIT_END ? "col-resize"
                                   : lane == -2 ? "pointer" : NULL);
}

static void
pointer_left_cb (GtkEventControllerMotion *controller,
                 CalqueAudioView          *self)
{
  self->has_pointer = FALSE;
}

static gboolean
scrolled_cb (GtkEventControllerScroll *controller,
             double                    dx,
             double                    dy,
             CalqueAudioView          *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (self->duration <= 0)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      calque_audio_view_zoom_by (self, pow (ZOOM_STEP, -dy), self->has_pointer ? self->pointer_x : self->tl.width / 2);
      return TRUE;
    }
  /* Either wheel pans: the vertical one has nothing else to do here. */
  calque_timeline_scroll_to (&self->tl, self->tl.start + (dx != 0 ? dx : dy) * SCROLL_STEP_PX / self->tl.px_per_s);
  self->fitted = FALSE;
  _calque_audio_view_timeline_changed (self);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CalqueAudioView       *self)
{
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;
  double step = CURSOR_STEP_PX / MAX (self->tl.px_per_s, 1e-9) * ((state & GDK_SHIFT_MASK) ? 10 : 1);

  switch (keyval)
    {
    case GDK_KEY_space:
      calque_audio_view_play_pause (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      calque_audio_view_play_selected (self);
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      calque_audio_view_delete_selected (self);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->drag != CALQUE_AUDIO_DRAG_NONE)
        _calque_audio_view_cancel_drag (self);
      else if (self->selected != NULL)
        _calque_audio_view_set_selected (self, NULL);
      else
        return FALSE;
      return TRUE;
    case GDK_KEY_Home:
      move_cursor (self, 0);
      return TRUE;
    case GDK_KEY_End:
      move_cursor (self, self->duration);
      return TRUE;
    case GDK_KEY_Left:
      move_cursor (self, self->cursor - step);
      return TRUE;
    case GDK_KEY_Right:
      move_cursor (self, self->cursor + step);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      zoom_keeping (self, ZOOM_STEP);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      zoom_keeping (self, 1 / ZOOM_STEP);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      if (!ctrl)
        return FALSE;
      calque_audio_view_zoom_fit (self);
      return TRUE;
    default:
      return FALSE;
    }
}

/* --- set up ------------------------------------------------------------------------------- */

void
_calque_audio_view_add_controllers (CalqueAudioView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begun_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_updated_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_ended_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (motion, "motion", G_CALLBACK (pointer_moved_cb), self);
  g_signal_connect (motion, "enter", G_CALLBACK (pointer_moved_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (pointer_left_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (scroll, "scroll", G_CALLBACK (scrolled_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
