/* calque-dashboard-window.h — how far a project has come, live
 *
 * The figures of `calque-cli stats` (docs/cli.md, "Stats") for the project
 * selected in the main window: the items done, in review, accepted and
 * rejected, the annotations, a chart of annotations over time, and tables
 * per annotator and per label. Counted in a thread; counted again as the
 * workspace changes (calque_dashboard_window_changed()), at most every
 * CALQUE_DASHBOARD_INTERVAL_MS while changes stream in (or every twice
 * as long as a count takes, when that is longer).
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_DASHBOARD_INTERVAL_MS 2000

#define CALQUE_TYPE_DASHBOARD_WINDOW (calque_dashboard_window_get_type ())
G_DECLARE_FINAL_TYPE (CalqueDashboardWindow, calque_dashboard_window, CALQUE, DASHBOARD_WINDOW, AdwWindow)

/* Starts counting the figures of @project at once. */
CalqueDashboardWindow *calque_dashboard_window_new            (GtkWindow             *parent,
                                                               CalqueWorkspace       *workspace,
                                                               CalqueRecord          *project);
const char            *calque_dashboard_window_get_project_id (CalqueDashboardWindow *self);
/* The workspace changed (a pull from the server, an edit here): the
 * figures are counted again, CALQUE_DASHBOARD_INTERVAL_MS after the last
 * count began at the soonest. */
void                   calque_dashboard_window_changed        (CalqueDashboardWindow *self);
/* Counts again now (F5). */
void                   calque_dashboard_window_refresh        (CalqueDashboardWindow *self);
/* Whether a count is under way or waiting, for tests. */
gboolean               calque_dashboard_window_get_busy       (CalqueDashboardWindow *self);
/* How many counts were shown since the window opened, for tests. */
guint                  calque_dashboard_window_get_n_shown    (CalqueDashboardWindow *self);

G_END_DECLS
