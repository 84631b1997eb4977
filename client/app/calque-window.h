/* calque-window.h — the main window: a workspace's projects and items
 *
 * The sidebar lists the projects of the open workspace; the content pane
 * lists the items of the selected project. Window actions (win.*):
 * open-workspace, reload, previous-project, next-project; and for syncing
 * (calque-window-sync.c) sign-in, sign-out, sync-now, show-sync-problems;
 * show-agreement opens the Annotator Agreement window of the project.
 */
#pragma once

#include <adwaita.h>

#include "calque-application.h"
#include "calque-sync-manager.h"
#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_WINDOW (calque_window_get_type ())
G_DECLARE_FINAL_TYPE (CalqueWindow, calque_window, CALQUE, WINDOW, AdwApplicationWindow)

CalqueWindow    *calque_window_new                  (CalqueApplication *application);

/* Opens the workspace in @path and shows it. On failure the window says
 * why in place of the item list, and the error is returned too. */
gboolean         calque_window_open_workspace       (CalqueWindow      *self,
                                                     const char        *path,
                                                     GError           **error);
/* What the Open Workspace action does with the chosen folder: on failure a
 * dialog explains, and the workspace shown so far stays. Returns whether
 * @path is now shown. */
gboolean         calque_window_switch_workspace     (CalqueWindow      *self,
                                                     const char        *path);
void             calque_window_set_workspace        (CalqueWindow      *self,
                                                     CalqueWorkspace   *workspace);
void             calque_window_show_workspace_error (CalqueWindow      *self,
                                                     const char        *path,
                                                     const GError      *error);
/* Reads the projects and the selected project's items from the store again. */
void             calque_window_reload               (CalqueWindow      *self);

/* The workspace shown, or NULL when it could not be opened. */
CalqueWorkspace *calque_window_get_workspace        (CalqueWindow      *self);
/* The folder shown or that failed to open. */
const char      *calque_window_get_path             (CalqueWindow      *self);
/* The selected project, or NULL. */
CalqueRecord    *calque_window_get_project          (CalqueWindow      *self);
gboolean         calque_window_select_project       (CalqueWindow      *self,
                                                     const char        *project_id);
/* What syncs the workspace shown, or NULL. */
CalqueSyncManager *calque_window_get_sync_manager   (CalqueWindow      *self);

G_END_DECLS
