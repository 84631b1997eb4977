/* calque-export-source.c — a project's labels, then its items one by one */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-source.h"
#include "calque-store-stats.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-export-source-error-quark, calque_export_source_error)

struct _CalqueExportSource {
  CalqueWorkspace *workspace;
  CalqueRecord *project;
  CalqueExportVersion version;
  char *annotator;
  GHashTable *states;         /* state → itself; NULL: every item */
  GPtrArray *labels;          /* CalqueRecord, exported, in order */
  GHashTable *label_index;    /* label id → index + 1 */
  GPtrArray *item_ids;        /* char *, in name order */

  guint n_items, n_skipped, n_annotations;
  gboolean counted;

  CalqueExportProgressFunc progress;
  gpointer progress_data;
};

const char * const calque_export_task_states[CALQUE_EXPORT_N_TASK_STATES + 1] = {
  "new", "in_progress", "submitted", "accepted", "rejected", "none", NULL,
};

gint
calque_export_compare_labels (gconstpointer a,
                              gconstpointer b)
{
  CalqueRecord *la = *(CalqueRecord * const *) a;
  CalqueRecord *lb = *(CalqueRecord * const *) b;
  gint64 pa = calque_record_get_int (la, "position", G_MAXINT64);
  gint64 pb = calque_record_get_int (lb, "position", G_MAXINT64);
  int by_name;

  if (pa != pb)
    return pa < pb ? -1 : 1;
  by_name = g_strcmp0 (calque_record_get_string (la, "name"), calque_record_get_string (lb, "name"));
  if (by_name != 0)
    return by_name;
  return strcmp (calque_record_get_id (la), calque_record_get_id (lb));
}

static gboolean
read_labels (CalqueExportSource        *self,
             const CalqueExportFilter  *filter,
             GError                   **error)
{
  CalqueStore *store = calque_workspace_get_store (self->workspace);
  g_autoptr(GPtrArray) all = calque_store_list (store, CALQUE_KIND_LABEL,
                                                calque_record_get_id (self->project), error);

  if (all == NULL)
    return FALSE;
  g_ptr_array_sort (all, calque_export_compare_labels);

  if (filter != NULL && filter->labels != NULL)
    {
      for (guint n = 0; filter->labels[n] != NULL; n++)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < all->len; i++)
            found |= g_strcmp0 (calque_record_get_string (all->pdata[i], "name"), filter->labels[n]) == 0;
          if (!found)
            {
              g_set_error (error, CALQUE_EXPORT_SOURCE_ERROR, CALQUE_EXPORT_SOURCE_ERROR_FILTER,
                           _("the project has no label “%s”"), filter->labels[n]);
              return FALSE;
            }
        }
    }

  for (guint i = 0; i < all->len; i++)
    {
      CalqueRecord *label = all->pdata[i];

      if (filter != NULL && filter->labels != NULL
          && !g_strv_contains (filter->labels, calque_record_get_string (label, "name")))
        continue;
      g_ptr_array_add (self->labels, g_object_ref (label));
      g_hash_table_insert (self->label_index, g_strdup (calque_record_get_id (label)),
                           GUINT_TO_POINTER (self->labels->len));
    }
  return TRUE;
}

CalqueExportSource *
calque_export_source_new (CalqueWorkspace          *workspace,
                          CalqueRecord             *project,
                          const CalqueExportFilter *filter,
                          GError                  **error)
{
  g_autoptr(CalqueExportSource) self = g_new0 (CalqueExportSource, 1);

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self->workspace = g_object_ref (workspace);
  self->project = g_object_ref (project);
  self->labels = g_ptr_array_new_with_free_func (g_object_unref);
  self->label_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->item_ids = g_ptr_array_new_with_free_func (g_free);

  if (filter != NULL)
    {
      self->version = filter->version;
      self->annotator = g_strdup (filter->annotator);
      if (filter->states != NULL)
        {
          self->states = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint n = 0; filter->states[n] != NULL; n++)
            {
              if (!g_strv_contains (calque_export_task_states, filter->states[n]))
                {
                  g_set_error (error, CALQUE_EXPORT_SOURCE_ERROR, CALQUE_EXPORT_SOURCE_ERROR_FILTER,
                               _("“%s” is not a task state (new, in_progress, submitted, accepted, rejected, none)"),
                               filter->states[n]);
                  return NULL;
                }
              g_hash_table_add (self->states, (gpointer) g_intern_string (filter->states[n]));
            }
        }
    }
  if (self->version == CALQUE_EXPORT_VERSION_ANNOTATOR
      && (self->annotator == NULL || *self->annotator == '\0'))
    {
      g_set_error (error, CALQUE_EXPORT_SOURCE_ERROR, CALQUE_EXPORT_SOURCE_ERROR_FILTER,
                   _("exporting one annotator's version needs the annotator's name"));
      return NULL;
    }

  if (!read_labels (self, filter, error))
    return NULL;
  /* Only the ids are held: items are read one at a time when their turn comes. */
  g_clear_pointer (&self->item_ids, g_ptr_array_unref);
  self->item_ids = calque_store_list_item_ids_by_name (calque_workspace_get_store (workspace),
                                                       calque_record_get_id (project), error);
  if (self->item_ids == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
calque_export_source_free (CalqueExportSource *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->workspace);
  g_clear_object (&self->project);
  g_free (self->annotator);
  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->label_index, g_hash_table_unref);
  g_clear_pointer (&self->item_ids, g_ptr_array_unref);
  g_free (self);
}

CalqueWorkspace *
calque_export_source_get_workspace (CalqueExportSource *self)
{
  return self->workspace;
}

CalqueRecord *
calque_export_source_get_project (CalqueExportSource *self)
{
  return self->project;
}

CalqueExportVersion
calque_export_source_get_version (CalqueExportSource *self)
{
  return self->version;
}

GPtrArray *
calque_export_source_get_labels (CalqueExportSource *self)
{
  return self->labels;
}

int
calque_export_source_label_index (CalqueExportSource *self,
                                  const char         *label_id)
{
  if (label_id == NULL)
    return -1;
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->label_index, label_id)) - 1;
}

int
calque_export_source_annotation_label (CalqueExportSource *self,
                                       CalqueRecord       *annotation)
{
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  JsonArray *array;

  if (labels == NULL || !JSON_NODE_HOLDS_ARRAY (labels))
    return -1;
  array = json_node_get_array (labels);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      int index = calque_export_source_label_index (self, json_array_get_string_element (array, i));

      if (index >= 0)
        return index;
    }
  return -1;
}

guint
calque_export_source_get_n_items (CalqueExportSource *self)
{
  return self->n_items;
}

guint
calque_export_source_get_n_skipped (CalqueExportSource *self)
{
  return self->n_skipped;
}

guint
calque_export_source_get_n_annotations (CalqueExportSource *self)
{
  return self->n_annotations;
}

void
calque_export_source_set_progress (CalqueExportSource       *self,
                                   CalqueExportProgressFunc  func,
                                   gpointer                  user_data)
{
  self->progress = func;
  self->progress_data = user_data;
}

static gint64
record_time (CalqueRecord *record,
             const char   *field)
{
  return calque_record_get_int (record, field, calque_record_get_int (record, "created", 0));
}

/* Whose annotations are the final version of an item (see the header), or
 * NULL for none. The string is one of the records'. */
static const char *
final_author (GPtrArray *tasks,
              GPtrArray *reviews)
{
  CalqueRecord *review = NULL;
  CalqueRecord *accepted = NULL;

  for (guint i = 0; i < reviews->len; i++)
    {
      CalqueRecord *candidate = reviews->pdata[i];

      /* Ids grow with time: on equal times the later id is the later review. */
      if (review == NULL || record_time (candidate, "created") >= record_time (review, "created"))
        review = candidate;
    }
  if (review != NULL)
    {
      const char *decision = calque_record_get_string (review, "decision");

      if (g_strcmp0 (decision, "merged") == 0)
        return calque_record_get_string (review, "reviewer");
      if (g_strcmp0 (decision, "accepted") == 0)
        {
          const char *task_id = calque_record_get_string (review, "task");

          for (guint i = 0; i < tasks->len; i++)
            if (g_strcmp0 (calque_record_get_id (tasks->pdata[i]), task_id) == 0)
              return calque_record_get_string (tasks->pdata[i], "annotator");
        }
      return NULL;
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      CalqueRecord *task = tasks->pdata[i];

      if (g_strcmp0 (calque_record_get_string (task, "state"), "accepted") == 0
          && (accepted == NULL || record_time (task, "updated") >= record_time (accepted, "updated")))
        accepted = task;
    }
  return accepted != NULL ? calque_record_get_string (accepted, "annotator") : NULL;
}

static gboolean
item_in_states (CalqueExportSource *self,
                GPtrArray          *tasks)
{
  if (tasks->len == 0)
    return g_hash_table_contains (self->states, "none");
  for (guint i = 0; i < tasks->len; i++)
    {
      const char *state = calque_record_get_string (tasks->pdata[i], "state");

      if (state != NULL && g_hash_table_contains (self->states, state))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_task_of (GPtrArray  *tasks,
             const char *annotator)
{
  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), annotator) == 0)
      return TRUE;
  return FALSE;
}

/* Keeps the annotations of @author (NULL: everyone's) that carry an
 * exported label, or no label at all when every label is exported (a
 * label-less shape is still a shape). */
static void
keep_annotations (CalqueExportSource *self,
                  GPtrArray          *annotations,
                  const char         *author,
                  gboolean            every_label)
{
  for (guint i = annotations->len; i-- > 0;)
    {
      CalqueRecord *annotation = annotations->pdata[i];
      const char *annotation_author = calque_record_get_string (annotation, "author");
      /* Everyone's means every person's: a model's predictions come only
       * when asked for by name. */
      gboolean keep = author == NULL ? !calque_author_is_model (annotation_author)
                                     : g_strcmp0 (annotation_author, author) == 0;

      if (keep && !every_label)
        keep = calque_export_source_annotation_label (self, annotation) >= 0;
      if (!keep)
        g_ptr_array_remove_index (annotations, i);
    }
}

gboolean
calque_export_source_foreach (CalqueExportSource  *self,
                              gboolean             with_annotations,
                              CalqueExportItemFunc func,
                              gpointer             user_data,
                              GCancellable        *cancellable,
                              GError             **error)
{
  CalqueStore *store = calque_workspace_get_store (self->workspace);
  gboolean need_tasks = self->states != NULL || self->version != CALQUE_EXPORT_VERSION_ALL;
  gboolean every_label;
  guint n_items = 0, n_skipped = 0, n_annotations = 0;

  g_return_val_if_fail (func != NULL, FALSE);

  {
    g_autoptr(GPtrArray) all = calque_store_list (store, CALQUE_KIND_LABEL,
                                                  calque_record_get_id (self->project), error);

    if (all == NULL)
      return FALSE;
    every_label = all->len == self->labels->len;
  }

  for (guint i = 0; i < self->item_ids->len; i++)
    {
      const char *item_id = self->item_ids->pdata[i];
      g_autoptr(CalqueRecord) item = NULL;
      g_autoptr(GPtrArray) tasks = NULL;
      g_autoptr(GPtrArray) reviews = NULL;
      g_autoptr(GPtrArray) annotations = NULL;
      const char *author = NULL;
      gboolean keep = TRUE;
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      item = calque_store_get (store, item_id, &local_error);
      if (item == NULL || calque_record_get_deleted (item))
        {
          /* Deleted since the list was read (a sync while exporting). */
          if (local_error != NULL && !g_error_matches (local_error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;
        }

      if (need_tasks
          && !(tasks = calque_store_list_for_item_to_read (store, CALQUE_KIND_TASK, item_id, error)))
        return FALSE;
      if (self->states != NULL)
        keep = item_in_states (self, tasks);

      if (keep && self->version == CALQUE_EXPORT_VERSION_FINAL)
        {
          if (!(reviews = calque_store_list_for_item_to_read (store, CALQUE_KIND_REVIEW, item_id, error)))
            return FALSE;
          author = final_author (tasks, reviews);
          if (author == NULL)
            {
              keep = FALSE;
              n_skipped++;
            }
        }
      else if (keep && self->version == CALQUE_EXPORT_VERSION_ANNOTATOR)
        author = self->annotator;

      if (keep && (with_annotations || self->version == CALQUE_EXPORT_VERSION_ANNOTATOR))
        {
          if (!(annotations = calque_store_list_for_item_to_read (store, CALQUE_KIND_ANNOTATION, item_id, error)))
            return FALSE;
          keep_annotations (self, annotations, author, every_label);
          if (self->version == CALQUE_EXPORT_VERSION_ANNOTATOR && annotations->len == 0
              && !has_task_of (tasks, self->annotator))
            {
              keep = FALSE;
              n_skipped++;
            }
          if (!with_annotations)
            g_ptr_array_set_size (annotations, 0);
        }
      else
        annotations = g_ptr_array_new_with_free_func (g_object_unref);

      if (keep)
        {
          n_items++;
          n_annotations += annotations->len;
          if (!func (item, annotations, user_data, error))
            return FALSE;
        }
      if (self->progress)
        self->progress (i + 1, self->item_ids->len, self->progress_data);
    }

  self->n_items = n_items;
  self->n_skipped = n_skipped;
  self->n_annotations = n_annotations;
  return TRUE;
}
