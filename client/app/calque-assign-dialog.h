/* calque-assign-dialog.h — giving the items of a project to annotators
 *
 * The app's face of calque-assign.h: the items shown in the list (the
 * filter picks them) or every item short of annotators, to the annotators
 * checked, by batches and with an overlap; or their tasks not yet started
 * taken back. "assigned" is emitted after each change, for the window to
 * show the new tasks and send them.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_ASSIGN_DIALOG (calque_assign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAssignDialog, calque_assign_dialog, CALQUE, ASSIGN_DIALOG, AdwWindow)

/* @shown: the items the list shows (CalqueRecord), as the filter left them,
 * read once here: the dialog keeps their ids, not the live list;
 * @selected: the item selected in the list, or NULL. */
CalqueAssignDialog *calque_assign_dialog_new     (GtkWindow       *parent,
                                                  CalqueWorkspace *workspace,
                                                  CalqueRecord    *project,
                                                  GListModel      *shown,
                                                  CalqueRecord    *selected);
/* For tests: the annotators offered, in order; check one by name. */
GStrv               calque_assign_dialog_dup_annotators (CalqueAssignDialog *self);
void                calque_assign_dialog_set_checked    (CalqueAssignDialog *self,
                                                         const char         *annotator,
                                                         gboolean            checked);

G_END_DECLS
