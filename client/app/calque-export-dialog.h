/* calque-export-dialog.h — exporting the project shown in the main window
 *
 * The options of `calque-cli export` (docs/cli.md) as a dialog: a format
 * among those that serve the project's type (calque-export-formats.h),
 * whose annotations (all, the final reviewed version, one annotator's),
 * which task states and labels, whether the media files go along, and
 * where. The export runs in a thread through the very writers calque-cli
 * uses, with a progress bar and a Cancel button that leaves no half file.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_EXPORT_DIALOG (calque_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CalqueExportDialog, calque_export_dialog, CALQUE, EXPORT_DIALOG, AdwWindow)

CalqueExportDialog *calque_export_dialog_new             (GtkWindow          *parent,
                                                          CalqueWorkspace    *workspace,
                                                          CalqueRecord       *project);
CalqueWorkspace    *calque_export_dialog_get_workspace   (CalqueExportDialog *self);
const char         *calque_export_dialog_get_project_id  (CalqueExportDialog *self);

/* The format chosen, by its name in the table ("json"). FALSE when the
 * project's type has no such format. */
const char         *calque_export_dialog_get_format      (CalqueExportDialog *self);
gboolean            calque_export_dialog_set_format      (CalqueExportDialog *self,
                                                          const char         *name);
/* Where to write: what the file chooser returns (a file, or a folder for
 * formats of several files). Set directly by tests, since a native chooser
 * cannot be driven. */
void                calque_export_dialog_set_destination (CalqueExportDialog *self,
                                                          const char         *path);
/* Whether an export, or the reading of the project's annotators, is
 * under way. */
gboolean            calque_export_dialog_get_busy        (CalqueExportDialog *self);
/* Whether an export is under way. */
gboolean            calque_export_dialog_get_exporting   (CalqueExportDialog *self);

G_END_DECLS
