/* calque-active-time.h — how long someone actually works on a task
 *
 * The app feeds this accumulator the moments of a person's input (pointer
 * motion, keys, edits) and when its window gains or loses the focus; it
 * counts the time that is active: an instant counts when the window has
 * the focus and there was input in the idle limit before it (60 s in the
 * app). A coffee break with the item open adds at most the idle limit;
 * another window in front adds nothing.
 *
 * Times are milliseconds of any clock that does not go backwards (the app
 * uses the monotonic clock); a time earlier than one already seen is taken
 * as that one. No GTK here, so that tests drive it with synthetic times.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CALQUE_ACTIVE_TIME_IDLE_MS (60 * 1000)

typedef struct _CalqueActiveTime CalqueActiveTime;

/* Starts unfocused, with no input. */
CalqueActiveTime *calque_active_time_new      (gint64            idle_ms);
void              calque_active_time_free     (CalqueActiveTime *self);

void              calque_active_time_input    (CalqueActiveTime *self,
                                               gint64            now_ms);
void              calque_active_time_focus    (CalqueActiveTime *self,
                                               gboolean          focused,
                                               gint64            now_ms);
/* The active time counted until @now_ms and not yet taken. */
gint64            calque_active_time_peek_ms  (CalqueActiveTime *self,
                                               gint64            now_ms);
/* The same, and starts counting again from zero: what a save adds to the
 * task. Input within the idle limit before @now_ms goes on counting. */
gint64            calque_active_time_take_ms  (CalqueActiveTime *self,
                                               gint64            now_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueActiveTime, calque_active_time_free)

G_END_DECLS
