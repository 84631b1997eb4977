/* calque-task-timer.c — counting and saving the active time on a task */
#define G_LOG_DOMAIN "calque-task-timer"

#include "calque-task-timer.h"

struct _CalqueTaskTimer
{
  GObject parent_instance;

  GtkWidget          *widget;     /* weak */
  GtkEventController *input;
  GtkWindow          *window;     /* weak: the widget's root, watched for the focus */
  CalqueStore        *store;
  CalqueRecord       *task;
  CalqueActiveTime   *active;
  guint               save_id;
};

G_DEFINE_FINAL_TYPE (CalqueTaskTimer, calque_task_timer, G_TYPE_OBJECT)

enum {
  SAVED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* New, in progress or sent back: work to do. */
static gboolean
counting (CalqueTaskTimer *self)
{
  const char *state = self->task != NULL ? calque_record_get_string (self->task, "state") : NULL;

  return g_strcmp0 (state, "new") == 0 || g_strcmp0 (state, "in_progress") == 0
         || g_strcmp0 (state, "rejected") == 0;
}

static gboolean
window_focused (CalqueTaskTimer *self)
{
  return self->window != NULL && gtk_window_is_active (self->window);
}

static gboolean
input_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          gpointer                  user_data)
{
  CalqueTaskTimer *self = user_data;

  switch (gdk_event_get_event_type (event))
    {
    case GDK_MOTION_NOTIFY:
    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
    case GDK_SCROLL:
    case GDK_KEY_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_PINCH:
      if (counting (self))
        calque_active_time_input (self->active, now_ms ());
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
window_active_changed_cb (CalqueTaskTimer *self)
{
  calque_active_time_focus (self->active, window_focused (self), now_ms ());
}

static void
watch_window (CalqueTaskTimer *self)
{
  GtkRoot *root = self->widget != NULL ? gtk_widget_get_root (self->widget) : NULL;
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (window == self->window)
    return;
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  self->window = window;
  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
      g_signal_connect_swapped (window, "notify::is-active", G_CALLBACK (window_active_changed_cb), self);
    }
  window_active_changed_cb (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  CalqueTaskTimer *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!calque_task_timer_flush (self, &error))
    g_signal_emit (self, signals[FAILED], 0, error);
  return G_SOURCE_CONTINUE;
}

/* --- GObject ----------------------------------------------------------------------- */

static void
calque_task_timer_dispose (GObject *object)
{
  CalqueTaskTimer *self = CALQUE_TASK_TIMER (object);

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  if (self->widget != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->widget, self);
      if (self->input != NULL)
        gtk_widget_remove_controller (self->widget, self->input);
      g_object_remove_weak_pointer (G_OBJECT (self->widget), (gpointer *) &self->widget);
      self->widget = NULL;
    }
  self->input = NULL;
  g_clear_object (&self->task);
  g_clear_object (&self->store);
  g_clear_pointer (&self->active, calque_active_time_free);

  G_OBJECT_CLASS (calque_task_timer_parent_class)->dispose (object);
}

static void
calque_task_timer_class_init (CalqueTaskTimerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_task_timer_dispose;

  /**
   * CalqueTaskTimer::saved:
   * @task: the task as saved, with its new active time
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CALQUE_TYPE_RECORD);
  /**
   * CalqueTaskTimer::failed:
   * @error: why a periodic save failed
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
calque_task_timer_init (CalqueTaskTimer *self)
{
  self->active = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);
}

/* --- public API ------------------------------------------------------------------ */

CalqueTaskTimer *
calque_task_timer_new (GtkWidget *widget)
{
  CalqueTaskTimer *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  self = g_object_new (CALQUE_TYPE_TASK_TIMER, NULL);
  self->widget = widget;
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->widget);
  self->input = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (self->input, GTK_PHASE_CAPTURE);
  g_signal_connect (self->input, "event", G_CALLBACK (input_cb), self);
  gtk_widget_add_controller (widget, self->input);
  g_signal_connect_swapped (widget, "notify::root", G_CALLBACK (watch_window), self);
  watch_window (self);
  return self;
}

void
calque_task_timer_set_task (CalqueTaskTimer *self,
                            CalqueStore     *store,
                            CalqueRecord    *task)
{
  gboolean same;

  g_return_if_fail (CALQUE_IS_TASK_TIMER (self));
  g_return_if_fail (task == NULL || CALQUE_IS_STORE (store));

  same = task != NULL && self->task != NULL
         && g_strcmp0 (calque_record_get_id (task), calque_record_get_id (self->task)) == 0;
  g_set_object (&self->store, store);
  g_set_object (&self->task, task);
  if (!same)
    {
      g_clear_pointer (&self->active, calque_active_time_free);
      self->active = calque_active_time_new (CALQUE_ACTIVE_TIME_IDLE_MS);
      calque_active_time_focus (self->active, window_focused (self), now_ms ());
    }
  /* Handed in: what was counted before is saved (flush first), and the
   * minute after the last input must not count on. */
  if (!counting (self))
    calque_active_time_take_ms (self->active, now_ms ());

  if (task != NULL && self->save_id == 0)
    self->save_id = g_timeout_add_seconds (CALQUE_TASK_TIMER_SAVE_SECONDS, save_timeout_cb, self);
  else if (task == NULL)
    g_clear_handle_id (&self->save_id, g_source_remove);
}

gboolean
calque_task_timer_flush (CalqueTaskTimer  *self,
                         GError          **error)
{
  g_autoptr(CalqueRecord) task = NULL;
  gint64 now;
  gint64 ms;

  g_return_val_if_fail (CALQUE_IS_TASK_TIMER (self), FALSE);

  if (self->task == NULL)
    return TRUE;
  /* Peeked, and taken only once saved: a failed save keeps the time for
   * the next flush, which the caller (leaving the item, handing it in)
   * refused to go on without. */
  now = now_ms ();
  ms = calque_active_time_peek_ms (self->active, now);
  /* Handed in: the minute after the last input before that does not
   * count on. */
  if (ms <= 0 || !counting (self))
    {
      calque_active_time_take_ms (self->active, now);
      return TRUE;
    }

  /* The stored task, not ours: a sync may have brought a newer state. */
  task = calque_store_get (self->store, calque_record_get_id (self->task), error);
  if (task == NULL)
    return FALSE;
  /* Taken back (unassigned) meanwhile: the server refuses changes to a
   * deleted task, and the time spent on it no longer counts. */
  if (calque_record_get_deleted (task))
    {
      calque_active_time_take_ms (self->active, now);
      return TRUE;
    }
  calque_record_set_int (task, "active_ms", calque_record_get_int (task, "active_ms", 0) + ms);
  if (!calque_store_save (self->store, task, error))
    return FALSE;
  calque_active_time_take_ms (self->active, now);
  g_set_object (&self->task, task);
  g_signal_emit (self, signals[SAVED], 0, task);
  return TRUE;
}
