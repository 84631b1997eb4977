/* calque-sync-button.h — the header button that says how syncing goes */
#pragma once

#include <adwaita.h>

#include "calque-sync-manager.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_SYNC_BUTTON (calque_sync_button_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSyncButton, calque_sync_button, CALQUE, SYNC_BUTTON, AdwBin)

GtkWidget *calque_sync_button_new          (void);
/* @manager: nullable, while no workspace is open. */
void       calque_sync_button_set_manager  (CalqueSyncButton  *self,
                                            CalqueSyncManager *manager);
/* What the button shows now, for tests and screen readers. */
const char *calque_sync_button_get_headline (CalqueSyncButton *self);

G_END_DECLS
