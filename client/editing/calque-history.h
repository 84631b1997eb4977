/* calque-history.h — undo and redo of edits saved in the workspace
 *
 * Every edit of the canvas is saved in the store at once (and so queued
 * for the server); the history remembers, for each step, the records it
 * touched as they were before and after, and which fields it changed.
 * Undo saves the earlier values of those fields back, redo the later
 * ones: both are new local edits, synced like any other. Fields the step
 * did not change are left alone, so undoing one's own move does not wipe
 * out a label a teammate set meanwhile.
 *
 * A step can gather several saves (a drag that moves a vertex many times,
 * a paste of several shapes): calque_history_begin_group() and _end_group().
 *
 * GTK-free: the tools and their tests use it without a display.
 */
#pragma once

#include <gio/gio.h>

#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_HISTORY (calque_history_get_type ())
G_DECLARE_FINAL_TYPE (CalqueHistory, calque_history, CALQUE, HISTORY, GObject)

/* How many steps are kept; the oldest go first. */
#define CALQUE_HISTORY_MAX_STEPS 500

CalqueHistory *calque_history_new            (CalqueStore   *store);

/* Saves @record (calque_store_save()) as a step named @label ("Draw Box"),
 * or as part of the open group. */
gboolean       calque_history_save           (CalqueHistory *self,
                                              CalqueRecord  *record,
                                              const char    *label,
                                              GError       **error);
/* Saves from here to _end_group() are one step, named @label. Groups do
 * not nest: an inner begin joins the outer group. */
void           calque_history_begin_group    (CalqueHistory *self,
                                              const char    *label);
void           calque_history_end_group      (CalqueHistory *self);

gboolean       calque_history_can_undo       (CalqueHistory *self);
gboolean       calque_history_can_redo       (CalqueHistory *self);
/* The name of the step undo or redo would take back, or NULL. */
const char    *calque_history_get_undo_label (CalqueHistory *self);
const char    *calque_history_get_redo_label (CalqueHistory *self);
gboolean       calque_history_undo           (CalqueHistory *self,
                                              GError       **error);
gboolean       calque_history_redo           (CalqueHistory *self,
                                              GError       **error);
/* Forgets every step (another item is opened). */
void           calque_history_clear          (CalqueHistory *self);

G_END_DECLS
