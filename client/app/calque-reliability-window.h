/* calque-reliability-window.h — how each annotator of a project works
 *
 * The figures of `calque-cli reliability` (client/quality/calque-reliability.h)
 * for the project selected in the main window, one row per annotator.
 * Computed in a thread; Refresh (F5) computes again.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_RELIABILITY_WINDOW (calque_reliability_window_get_type ())
G_DECLARE_FINAL_TYPE (CalqueReliabilityWindow, calque_reliability_window, CALQUE, RELIABILITY_WINDOW, AdwWindow)

/* The columns of the table, in order. */
typedef enum {
  CALQUE_RELIABILITY_COLUMN_NAME,
  CALQUE_RELIABILITY_COLUMN_SUBMITTED,
  CALQUE_RELIABILITY_COLUMN_ACCEPTED,
  CALQUE_RELIABILITY_COLUMN_REJECTED,
  CALQUE_RELIABILITY_COLUMN_REJECTION_RATE,
  CALQUE_RELIABILITY_COLUMN_F1_VS_FINAL,
  CALQUE_RELIABILITY_COLUMN_ACTIVE_TIME,
  CALQUE_RELIABILITY_COLUMN_ITEMS_PER_HOUR,
  CALQUE_RELIABILITY_COLUMN_MEDIAN_TIME,
  CALQUE_RELIABILITY_COLUMN_MEAN_TIME,
  CALQUE_RELIABILITY_COLUMN_ANNOTATIONS_PER_HOUR,
  CALQUE_RELIABILITY_N_COLUMNS
} CalqueReliabilityColumn;

CalqueReliabilityWindow *calque_reliability_window_new            (GtkWindow               *parent,
                                                                   CalqueWorkspace         *workspace,
                                                                   CalqueRecord            *project);
void                     calque_reliability_window_refresh        (CalqueReliabilityWindow *self);
/* For tests: whether figures are being computed, how many annotators are
 * shown, and the text of a cell (@row from 0, headings left out). */
gboolean                 calque_reliability_window_get_busy       (CalqueReliabilityWindow *self);
guint                    calque_reliability_window_get_n_rows     (CalqueReliabilityWindow *self);
const char              *calque_reliability_window_get_cell       (CalqueReliabilityWindow *self,
                                                                   guint                    row,
                                                                   CalqueReliabilityColumn  column);
/* The text a cell shows for @annotator: what the window and its tests
 * share. */
char                    *calque_reliability_window_format_cell    (gconstpointer            annotator,
                                                                   CalqueReliabilityColumn  column);

G_END_DECLS
