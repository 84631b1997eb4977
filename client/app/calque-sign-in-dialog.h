/* calque-sign-in-dialog.h — asks for a server, a user name and a password */
#pragma once

#include <adwaita.h>

#include "calque-sync-manager.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_SIGN_IN_DIALOG (calque_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSignInDialog, calque_sign_in_dialog, CALQUE, SIGN_IN_DIALOG, AdwWindow)

/* Signs @manager in; the dialog closes itself once signed in, and says
 * what went wrong otherwise. */
CalqueSignInDialog *calque_sign_in_dialog_new (GtkWindow         *parent,
                                               CalqueSyncManager *manager);

G_END_DECLS
