/* calque-assign.c — planning and saving assignments */
#define G_LOG_DOMAIN "calque-assign"

#include "calque-assign.h"
#include "calque-store-stats.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-assign-error-quark, calque_assign_error)

#define MAX_OVERLAP 5

typedef struct {
  const char *annotator;
  guint       load;
  gint64      last_batch;   /* the batch they were last given, -1: none yet */
  guint       order;        /* as given: the last tie-break */
} Candidate;

static gint
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->load != cb->load)
    return ca->load < cb->load ? -1 : 1;
  if (ca->last_batch != cb->last_batch)
    return ca->last_batch < cb->last_batch ? -1 : 1;
  return ca->order < cb->order ? -1 : ca->order > cb->order;
}

static gboolean
has_annotator (const CalqueAssignItem *item,
               const char             *annotator)
{
  for (guint i = 0; item->annotators != NULL && item->annotators[i] != NULL; i++)
    if (g_str_equal (item->annotators[i], annotator))
      return TRUE;
  return FALSE;
}

static guint
n_existing (const CalqueAssignItem *item)
{
  return item->annotators != NULL ? g_strv_length ((char **) item->annotators) : 0;
}

gboolean
calque_assign_item_overlapped (const char *item_id,
                               double      share)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  guint32 value;

  if (share >= 1)
    return TRUE;
  if (share <= 0)
    return FALSE;
  /* A hash every computer computes alike (g_str_hash is not promised to
   * stay the same): the first four bytes of the id's SHA-256. */
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) item_id, -1);
  g_checksum_get_digest (checksum, digest, &length);
  value = ((guint32) digest[0] << 24) | ((guint32) digest[1] << 16) | ((guint32) digest[2] << 8) | digest[3];
  return value < share * 4294967296.0;
}

GArray *
calque_assign_plan (const CalqueAssignItem *items,
                    guint                   n_items,
                    const CalqueAssignee   *assignees,
                    guint                   n_assignees,
                    guint                   batch,
                    guint                   overlap,
                    GError                **error)
{
  g_autoptr(GArray) plan = g_array_new (FALSE, FALSE, sizeof (CalqueAssignment));
  g_autofree Candidate *candidates = NULL;

  if (n_assignees == 0)
    {
      g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID, _("no annotator to assign to"));
      return NULL;
    }
  if (batch == 0)
    {
      g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID, _("a batch holds at least one item"));
      return NULL;
    }
  if (overlap < 1 || overlap > MAX_OVERLAP)
    {
      g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID,
                   _("the overlap is from 1 to %d annotators per item, not %u"), MAX_OVERLAP, overlap);
      return NULL;
    }
  if (overlap > n_assignees)
    {
      g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "an overlap of %u needs %u annotators; %u is given",
                                "an overlap of %u needs %u annotators; %u are given", n_assignees),
                   overlap, overlap, n_assignees);
      return NULL;
    }

  candidates = g_new0 (Candidate, n_assignees);
  for (guint i = 0; i < n_assignees; i++)
    candidates[i] = (Candidate) { assignees[i].annotator, assignees[i].load, -1, i };

  for (guint start = 0, batch_index = 0; start < n_items; start += batch, batch_index++)
    {
      guint end = MIN (n_items, start + batch);

      /* The least loaded first, then whoever waited longest: the whole
       * batch goes to the same people, who see similar items in a row. */
      qsort (candidates, n_assignees, sizeof (Candidate), compare_candidates);
      for (guint i = start; i < end; i++)
        {
          guint wanted = items[i].overlap > 0 ? MIN (items[i].overlap, overlap) : overlap;
          guint need = wanted > n_existing (&items[i]) ? wanted - n_existing (&items[i]) : 0;

          for (guint c = 0; c < n_assignees && need > 0; c++)
            {
              CalqueAssignment assignment = { items[i].item_id, candidates[c].annotator };

              if (has_annotator (&items[i], candidates[c].annotator))
                continue;
              g_array_append_val (plan, assignment);
              candidates[c].load++;
              candidates[c].last_batch = batch_index;
              need--;
            }
        }
    }
  return g_steal_pointer (&plan);
}

/* --- the store -------------------------------------------------------------- */

typedef struct {
  GHashTable *annotators;   /* item id → GPtrArray of annotator names (owned) */
  GHashTable *load;         /* annotator → open tasks */
} Tasks;

static gboolean
is_open (const char *state)
{
  return g_strcmp0 (state, "new") == 0 || g_strcmp0 (state, "in_progress") == 0
         || g_strcmp0 (state, "rejected") == 0;
}

static void
task_fact_cb (const CalqueStoreFact *fact,
              gpointer               user_data)
{
  Tasks *tasks = user_data;
  GPtrArray *names;

  if (fact->item == NULL || fact->person == NULL)
    return;
  names = g_hash_table_lookup (tasks->annotators, fact->item);
  if (names == NULL)
    {
      names = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (tasks->annotators, g_strdup (fact->item), names);
    }
  g_ptr_array_add (names, g_strdup (fact->person));
  if (is_open (fact->state))
    g_hash_table_insert (tasks->load, g_strdup (fact->person),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tasks->load, fact->person)) + 1));
}

static gboolean
save_task (CalqueStore  *store,
           const char   *project_id,
           const char   *item_id,
           const char   *annotator,
           gint64        now_ms,
           GError      **error)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, project_id);

  calque_record_set_string (task, "item", item_id);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "new");
  calque_record_set_int (task, "created", now_ms);
  calque_record_set_int (task, "updated", now_ms);
  return calque_store_save (store, task, error);
}

gboolean
calque_assign_items (CalqueStore          *store,
                     const char           *project_id,
                     const char * const   *item_ids,
                     const char * const   *annotators,
                     guint                 batch,
                     guint                 overlap,
                     double                share,
                     CalqueAssignReport   *report,
                     GError              **error)
{
  Tasks tasks = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  g_autoptr(GPtrArray) all_ids = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (CalqueAssignItem));
  g_autoptr(GArray) assignees = g_array_new (FALSE, FALSE, sizeof (CalqueAssignee));
  g_autoptr(GArray) plan = NULL;
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now_ms = g_get_real_time () / 1000;
  gboolean ok = FALSE;

  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (project_id != NULL && annotators != NULL, FALSE);

  if (!calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, task_fact_cb, &tasks, error))
    goto out;
  if (item_ids == NULL)
    {
      if (!(all_ids = calque_store_list_item_ids_by_name (store, project_id, error)))
        goto out;
      g_ptr_array_add (all_ids, NULL);
      item_ids = (const char * const *) all_ids->pdata;
    }
  for (guint i = 0; item_ids[i] != NULL; i++)
    {
      CalqueAssignItem item = { item_ids[i], NULL, calque_assign_item_overlapped (item_ids[i], share) ? overlap : 1 };

      g_array_append_val (items, item);
    }
  /* The annotators already on each item, NULL-terminated. */
  for (guint i = 0; i < items->len; i++)
    {
      CalqueAssignItem *item = &g_array_index (items, CalqueAssignItem, i);
      GPtrArray *names = g_hash_table_lookup (tasks.annotators, item->item_id);

      /* An item named twice gets its terminator once. */
      if (names != NULL && (names->len == 0 || g_ptr_array_index (names, names->len - 1) != NULL))
        g_ptr_array_add (names, NULL);
      if (names != NULL)
        item->annotators = (const char * const *) names->pdata;
    }
  for (guint i = 0; annotators[i] != NULL; i++)
    {
      CalqueAssignee assignee = { annotators[i], GPOINTER_TO_UINT (g_hash_table_lookup (tasks.load, annotators[i])) };

      g_array_append_val (assignees, assignee);
    }

  plan = calque_assign_plan ((const CalqueAssignItem *) items->data, items->len,
                             (const CalqueAssignee *) assignees->data, assignees->len, batch, overlap, error);
  if (plan == NULL || !calque_store_begin (store, error))
    goto out;
  for (guint i = 0; i < plan->len; i++)
    {
      const CalqueAssignment *assignment = &g_array_index (plan, CalqueAssignment, i);

      if (!save_task (store, project_id, assignment->item_id, assignment->annotator, now_ms, error))
        {
          calque_store_rollback (store);
          goto out;
        }
      g_hash_table_add (touched, (gpointer) assignment->item_id);
    }
  if (!calque_store_commit (store, error))
    {
      calque_store_rollback (store);
      goto out;
    }
  if (report != NULL)
    *report = (CalqueAssignReport) { plan->len, g_hash_table_size (touched), 0 };
  ok = TRUE;

out:
  g_hash_table_unref (tasks.annotators);
  g_hash_table_unref (tasks.load);
  return ok;
}

/* Calls @func on each live task of the project on @item_ids (NULL: all)
 * of @annotator (NULL: anyone), inside a transaction that commits if
 * every call returns TRUE. */
typedef gboolean (*TaskFunc) (CalqueStore *store, CalqueRecord *task, gpointer data, GError **error);

static gboolean
change_tasks (CalqueStore          *store,
              const char           *project_id,
              const char * const   *item_ids,
              const char           *annotator,
              gboolean              force,
              TaskFunc              func,
              gpointer              data,
              CalqueAssignReport   *report,
              GError              **error)
{
  g_autoptr(GPtrArray) tasks = calque_store_list (store, CALQUE_KIND_TASK, project_id, error);
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
  CalqueAssignReport counts = { 0 };

  if (tasks == NULL)
    return FALSE;
  if (item_ids != NULL)
    {
      wanted = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; item_ids[i] != NULL; i++)
        g_hash_table_add (wanted, (gpointer) item_ids[i]);
    }
  if (!calque_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < tasks->len; i++)
    {
      CalqueRecord *task = tasks->pdata[i];
      const char *item = calque_record_get_string (task, "item");

      if ((wanted != NULL && !g_hash_table_contains (wanted, item))
          || (annotator != NULL && g_strcmp0 (calque_record_get_string (task, "annotator"), annotator) != 0))
        continue;
      if (!force && g_strcmp0 (calque_record_get_string (task, "state"), "new") != 0)
        {
          counts.skipped++;
          continue;
        }
      if (!func (store, task, data, error))
        {
          calque_store_rollback (store);
          return FALSE;
        }
      counts.tasks++;
      g_hash_table_add (touched, (gpointer) item);
    }
  if (!calque_store_commit (store, error))
    {
      calque_store_rollback (store);
      return FALSE;
    }
  counts.items = g_hash_table_size (touched);
  if (report != NULL)
    *report = counts;
  return TRUE;
}

static gboolean
delete_task (CalqueStore   *store,
             CalqueRecord  *task,
             gpointer       data,
             GError       **error)
{
  g_autoptr(CalqueRecord) gone = calque_record_copy (task);

  calque_record_set_deleted (gone, TRUE);
  return calque_store_save (store, gone, error);
}

gboolean
calque_unassign_items (CalqueStore          *store,
                       const char           *project_id,
                       const char * const   *item_ids,
                       const char           *annotator,
                       gboolean              force,
                       CalqueAssignReport   *report,
                       GError              **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (project_id != NULL, FALSE);

  return change_tasks (store, project_id, item_ids, annotator, force, delete_task, NULL, report, error);
}

typedef struct {
  const char *to;
  GHashTable *items_of_to;   /* items where @to already has a task */
} Move;

static gboolean
move_task (CalqueStore   *store,
           CalqueRecord  *task,
           gpointer       data,
           GError       **error)
{
  Move *move = data;
  g_autoptr(CalqueRecord) moved = calque_record_copy (task);

  /* Never two tasks of one person on one item: theirs stays. */
  if (g_hash_table_contains (move->items_of_to, calque_record_get_string (task, "item")))
    return delete_task (store, task, NULL, error);
  calque_record_set_string (moved, "annotator", move->to);
  calque_record_set_int (moved, "updated", g_get_real_time () / 1000);
  return calque_store_save (store, moved, error);
}

static void
items_of_cb (const CalqueStoreFact *fact,
             gpointer               user_data)
{
  Move *move = user_data;

  if (fact->item != NULL && g_strcmp0 (fact->person, move->to) == 0)
    g_hash_table_add (move->items_of_to, g_strdup (fact->item));
}

gboolean
calque_reassign_items (CalqueStore          *store,
                       const char           *project_id,
                       const char * const   *item_ids,
                       const char           *from,
                       const char           *to,
                       gboolean              force,
                       CalqueAssignReport   *report,
                       GError              **error)
{
  g_autoptr(GHashTable) items_of_to = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Move move = { to, items_of_to };

  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (project_id != NULL && from != NULL && to != NULL, FALSE);

  if (g_str_equal (from, to))
    {
      g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID,
                   _("the tasks are %s’s already"), to);
      return FALSE;
    }
  if (!calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, items_of_cb, &move, error))
    return FALSE;
  return change_tasks (store, project_id, item_ids, from, force, move_task, &move, report, error);
}
