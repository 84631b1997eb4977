/* calque-active-time.c — counting the active time on a task */
#define G_LOG_DOMAIN "calque-active-time"

#include "calque-active-time.h"

struct _CalqueActiveTime
{
  gint64   idle_ms;
  gboolean focused;
  gint64   last_input;   /* -1 before the first input */
  gint64   counted_to;   /* time up to which the active time is counted */
  gint64   active_ms;    /* counted and not yet taken */
};

/* Counts the active part of [counted_to, now]. The focus did not change
 * within it (focus changes advance first), so the active part is where
 * it overlaps [last_input, last_input + idle_ms]. */
static gint64
advance (CalqueActiveTime *self,
         gint64            now_ms)
{
  now_ms = MAX (now_ms, self->counted_to);
  if (self->focused && self->last_input >= 0)
    {
      gint64 start = MAX (self->counted_to, self->last_input);
      gint64 end = MIN (now_ms, self->last_input + self->idle_ms);

      if (end > start)
        self->active_ms += end - start;
    }
  self->counted_to = now_ms;
  return now_ms;
}

CalqueActiveTime *
calque_active_time_new (gint64 idle_ms)
{
  CalqueActiveTime *self;

  g_return_val_if_fail (idle_ms > 0, NULL);

  self = g_new0 (CalqueActiveTime, 1);
  self->idle_ms = idle_ms;
  self->last_input = -1;
  self->counted_to = G_MININT64;
  return self;
}

void
calque_active_time_free (CalqueActiveTime *self)
{
  g_free (self);
}

void
calque_active_time_input (CalqueActiveTime *self,
                          gint64            now_ms)
{
  g_return_if_fail (self != NULL);

  self->last_input = advance (self, now_ms);
}

void
calque_active_time_focus (CalqueActiveTime *self,
                          gboolean          focused,
                          gint64            now_ms)
{
  g_return_if_fail (self != NULL);

  advance (self, now_ms);
  self->focused = !!focused;
}

gint64
calque_active_time_peek_ms (CalqueActiveTime *self,
                            gint64            now_ms)
{
  g_return_val_if_fail (self != NULL, 0);

  advance (self, now_ms);
  return self->active_ms;
}

gint64
calque_active_time_take_ms (CalqueActiveTime *self,
                            gint64            now_ms)
{
  gint64 taken;

  g_return_val_if_fail (self != NULL, 0);

  advance (self, now_ms);
  taken = self->active_ms;
  self->active_ms = 0;
  return taken;
}
