/* calque-sync-problems-dialog.h — the changes the server refused, and the conflicts */
#pragma once

#include <adwaita.h>

#include "calque-sync-manager.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_SYNC_PROBLEMS_DIALOG (calque_sync_problems_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSyncProblemsDialog, calque_sync_problems_dialog, CALQUE, SYNC_PROBLEMS_DIALOG,
                      AdwWindow)

CalqueSyncProblemsDialog *calque_sync_problems_dialog_new (GtkWindow         *parent,
                                                           CalqueSyncManager *manager);
/* How many rows each list shows, for tests. */
guint calque_sync_problems_dialog_get_n_refused   (CalqueSyncProblemsDialog *self);
guint calque_sync_problems_dialog_get_n_conflicts (CalqueSyncProblemsDialog *self);

G_END_DECLS
