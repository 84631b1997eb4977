/* calque-project-job.c — figures of a project, computed off the main thread */
#define G_LOG_DOMAIN "calque-project-job"

#include "calque-project-job.h"

typedef struct {
  char                 *filename;
  char                 *project_id;
  CalqueProjectJobFunc  func;
  gpointer              options;
  GDestroyNotify        result_free;
} Job;

static void
job_free (Job *job)
{
  g_free (job->filename);
  g_free (job->project_id);
  g_free (job->options);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(CalqueStore) store = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  GError *error = NULL;
  gpointer result;

  store = calque_store_open (job->filename, &error);
  if (store != NULL)
    project = calque_store_get (store, job->project_id, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  result = job->func (store, project, job->options, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

void
calque_project_job_run (gpointer              source,
                        CalqueWorkspace      *workspace,
                        const char           *project_id,
                        CalqueProjectJobFunc  func,
                        gconstpointer         options,
                        gsize                 options_size,
                        GDestroyNotify        result_free,
                        const char           *name,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (CALQUE_IS_WORKSPACE (workspace));
  g_return_if_fail (project_id != NULL && func != NULL);

  job->filename = g_strdup (calque_store_get_filename (calque_workspace_get_store (workspace)));
  job->project_id = g_strdup (project_id);
  job->func = func;
  job->options = options_size > 0 ? g_memdup2 (options, options_size) : NULL;
  job->result_free = result_free;

  task = g_task_new (source, cancellable, callback, NULL);
  g_task_set_source_tag (task, calque_project_job_run);
  g_task_set_name (task, name);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

gpointer
calque_project_job_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
