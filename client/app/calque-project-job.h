/* calque-project-job.h — figures of a project, computed off the main thread
 *
 * The Agreement, Reliability and Dashboard windows read a whole project to
 * compute their figures, the Export dialog to list its annotators. That
 * runs in a worker thread, on a store of its
 * own opened on the workspace's file: a CalqueStore is one SQLite
 * connection, never shared between threads, and in WAL mode the worker
 * reads one consistent snapshot while the app and the sync go on writing.
 * A newer job cancels the one under way: its result is dropped.
 */
#pragma once

#include <gio/gio.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

/* Runs in the worker thread; returns the result, or NULL with @error. */
typedef gpointer (*CalqueProjectJobFunc) (CalqueStore   *store,
                                          CalqueRecord  *project,
                                          gconstpointer  options,
                                          GError       **error);

/* @options (@options_size bytes, may be 0) is copied for the thread.
 * @callback gets @source; calque_project_job_finish() gives the result,
 * which the caller frees with @result_free. */
void     calque_project_job_run    (gpointer              source,
                                    CalqueWorkspace      *workspace,
                                    const char           *project_id,
                                    CalqueProjectJobFunc  func,
                                    gconstpointer         options,
                                    gsize                 options_size,
                                    GDestroyNotify        result_free,
                                    const char           *name,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback);
gpointer calque_project_job_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
