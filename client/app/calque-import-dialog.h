/* calque-import-dialog.h — importing annotation files into the project shown
 *
 * The options of `calque-cli import --format` (docs/cli.md) as a dialog: a
 * format among those that serve the project's type (calque-import-formats.h),
 * the file or folder to read (an archive is a file too), whether the
 * annotations are a model's pre-annotations, and whether labels the project
 * lacks may be created. The import runs in a thread through the very readers
 * calque-cli uses; it is one transaction, so Cancel or an error leaves the
 * project as it was.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_IMPORT_DIALOG (calque_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CalqueImportDialog, calque_import_dialog, CALQUE, IMPORT_DIALOG, AdwWindow)

/* Emits "imported" after an import has landed, for the window to reload
 * and the sync to send it. */
CalqueImportDialog *calque_import_dialog_new            (GtkWindow          *parent,
                                                         CalqueWorkspace    *workspace,
                                                         CalqueRecord       *project);

/* The format chosen, by its name in the table ("coco"). FALSE when the
 * project's type has no such format. */
const char         *calque_import_dialog_get_format     (CalqueImportDialog *self);
gboolean            calque_import_dialog_set_format     (CalqueImportDialog *self,
                                                         const char         *name);
/* What to read, and for "coco-results" the instances file it refers to:
 * what the file choosers return. Set directly by tests, since a native
 * chooser cannot be driven. */
void                calque_import_dialog_set_source     (CalqueImportDialog *self,
                                                         const char         *path);
void                calque_import_dialog_set_reference  (CalqueImportDialog *self,
                                                         const char         *path);
/* Whether an import is under way. */
gboolean            calque_import_dialog_get_importing  (CalqueImportDialog *self);

G_END_DECLS
