/* calque-item-filter.h — which items of a project the item table shows
 *
 * Three criteria, combinable: only the items with a task of the signed-in
 * user ("my tasks"), a task state, and a label that at least one of the
 * item's annotations carries. With "my tasks", the state is that of the
 * user's task; without, any task of the item in that state will do (a
 * reviewer looking for submitted work).
 *
 * match() is called once per item per change, on 100,000 items: it must
 * not query the store. calque_item_filter_load() reads the project's
 * tasks and annotations in one pass and keeps, per item, the user's task
 * state and the states of all its tasks, and per label, its items; the
 * criteria then only look these up.
 *
 * The model's items are CalqueRecord items.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_ITEM_FILTER (calque_item_filter_get_type ())
G_DECLARE_FINAL_TYPE (CalqueItemFilter, calque_item_filter, CALQUE, ITEM_FILTER, GtkFilter)

CalqueItemFilter *calque_item_filter_new            (CalqueStore      *store);
CalqueStore      *calque_item_filter_get_store      (CalqueItemFilter *self);

/* Reads the tasks and annotations of @project_id once; @user is the
 * signed-in user (NULL: nobody, so "my tasks" keeps nothing). Call it again
 * when the store changed (a reload, a sync). Emits ::loaded. */
gboolean          calque_item_filter_load           (CalqueItemFilter *self,
                                                     const char       *project_id,
                                                     const char       *user,
                                                     GError          **error);
const char       *calque_item_filter_get_project    (CalqueItemFilter *self);
const char       *calque_item_filter_get_user       (CalqueItemFilter *self);

void              calque_item_filter_set_mine_only  (CalqueItemFilter *self,
                                                     gboolean          mine_only);
gboolean          calque_item_filter_get_mine_only  (CalqueItemFilter *self);
/* A task state as stored ("new", "in_progress", "submitted", "accepted",
 * "rejected"), or NULL for any. */
void              calque_item_filter_set_state      (CalqueItemFilter *self,
                                                     const char       *state);
const char       *calque_item_filter_get_state      (CalqueItemFilter *self);
/* A label's record id, or NULL for any. */
void              calque_item_filter_set_label      (CalqueItemFilter *self,
                                                     const char       *label_id);
const char       *calque_item_filter_get_label      (CalqueItemFilter *self);

/* The state of the user's task on @item_id, as stored, or NULL if the
 * user has none: what the State column shows. */
const char       *calque_item_filter_get_user_state (CalqueItemFilter *self,
                                                     const char       *item_id);

/* Whether the user given to calque_item_filter_load() has a task here. */
gboolean          calque_item_filter_has_tasks_of_mine (CalqueItemFilter *self);

G_END_DECLS
