/* calque-task-timer.h — the active time on the open item's task
 *
 * Watches a widget (the item page) for input — pointer motion, clicks,
 * scrolls, keys, seen in the capture phase so that every child's input
 * counts and none is taken — and its window for the focus, feeds them to
 * a CalqueActiveTime (calque-active-time.h), and adds what it counted to
 * the task's `active_ms`:
 *  - on calque_task_timer_flush(): when the item is closed or switched,
 *    and before the task is submitted;
 *  - every CALQUE_TASK_TIMER_SAVE_SECONDS while a task is set.
 * A save is a plain store save of the task (it syncs, and it is no undo
 * step), read afresh from the store so that what another save wrote is
 * kept; "saved" hands the saved record to whoever holds the task.
 *
 * Time counts while the task is to be worked on (new, in progress, sent
 * back); looking at a task handed in is not work on it.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-active-time.h"
#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_TASK_TIMER_SAVE_SECONDS 180

#define CALQUE_TYPE_TASK_TIMER (calque_task_timer_get_type ())
G_DECLARE_FINAL_TYPE (CalqueTaskTimer, calque_task_timer, CALQUE, TASK_TIMER, GObject)

CalqueTaskTimer *calque_task_timer_new      (GtkWidget       *widget);
/* The task now open (NULL: none). A task other than the one before starts
 * the count from zero: flush first. The same task again (a new state, a
 * record saved elsewhere) keeps the count. */
void             calque_task_timer_set_task (CalqueTaskTimer *self,
                                             CalqueStore     *store,
                                             CalqueRecord    *task);
/* Saves what was counted into the task; nothing to save is success. */
gboolean         calque_task_timer_flush    (CalqueTaskTimer *self,
                                             GError         **error);

G_END_DECLS
