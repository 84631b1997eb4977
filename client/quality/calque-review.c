/* calque-review.c — a reviewer's decisions on a workspace store
 *
 * Every action reads the item's tasks and annotations through the item
 * index (calque_store_list_for_item), so reviewing one item of a large
 * project reads that item only; the queue and the whole-project history
 * read the project's tasks and reviews, not its annotations (the agreement
 * report does that, in one streaming pass).
 */
#define G_LOG_DOMAIN "calque-review"

#include "calque-review.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-hlc.h"

G_DEFINE_QUARK (calque-review-error-quark, calque_review_error)

/* --- helpers ------------------------------------------------------------------------ */

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static CalqueRecord *
get_item (CalqueStore  *store,
          CalqueRecord *project,
          const char   *item_id,
          GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CalqueRecord) item = calque_store_get (store, item_id, &local_error);

  if (item == NULL && !g_error_matches (local_error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (item == NULL || calque_record_get_kind (item) != CALQUE_KIND_ITEM || calque_record_get_deleted (item)
      || g_strcmp0 (calque_record_get_project (item), calque_record_get_id (project)) != 0)
    {
      g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_ITEM,
                   _("project “%s” has no item “%s”"), calque_record_get_string (project, "name"), item_id);
      return NULL;
    }
  return g_steal_pointer (&item);
}

static const char *
item_name (CalqueRecord *item)
{
  const char *name = calque_record_get_string (item, "name");

  return name != NULL ? name : calque_record_get_id (item);
}

static gboolean
is_state (CalqueRecord *task,
          const char   *state)
{
  return g_strcmp0 (calque_record_get_string (task, "state"), state) == 0;
}

/* The submitted task of @annotator on the item, borrowed from @tasks. */
static CalqueRecord *
find_submitted (GPtrArray    *tasks,
                CalqueRecord *item,
                const char   *annotator,
                GError      **error)
{
  gboolean has_task = FALSE;

  for (guint i = 0; i < tasks->len; i++)
    {
      CalqueRecord *task = tasks->pdata[i];

      if (g_strcmp0 (calque_record_get_string (task, "annotator"), annotator) != 0)
        continue;
      has_task = TRUE;
      if (is_state (task, "submitted"))
        return task;
    }
  if (has_task)
    g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_TASK,
                 _("item “%s”: the task of %s is not submitted: there is nothing of theirs to review"),
                 item_name (item), annotator);
  else
    g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_TASK,
                 _("item “%s”: %s has no task on it"), item_name (item), annotator);
  return NULL;
}

static CalqueRecord *
new_review (CalqueRecord *project,
            CalqueRecord *item,
            CalqueRecord *task,
            const char   *reviewer,
            const char   *decision,
            const char   *comment,
            gint64        when)
{
  CalqueRecord *review = calque_record_new (CALQUE_KIND_REVIEW, calque_record_get_id (project));

  calque_record_set_string (review, "item", calque_record_get_id (item));
  if (task != NULL)
    calque_record_set_string (review, "task", calque_record_get_id (task));
  calque_record_set_string (review, "reviewer", reviewer);
  calque_record_set_string (review, "decision", decision);
  if (comment != NULL)
    calque_record_set_string (review, "comment", comment);
  calque_record_set_int (review, "created", when);
  return review;
}

static gboolean
save_task_state (CalqueStore  *store,
                 CalqueRecord *task,
                 const char   *state,
                 gint64        when,
                 GError      **error)
{
  g_autoptr(CalqueRecord) copy = calque_record_copy (task);

  calque_record_set_string (copy, "state", state);
  calque_record_set_int (copy, "updated", when);
  return calque_store_save (store, copy, error);
}

static gboolean
finish (CalqueStore *store,
        gboolean     ok,
        GError     **error)
{
  if (ok && calque_store_commit (store, error))
    return TRUE;
  calque_store_rollback (store);
  return FALSE;
}

/* --- accept and reject -------------------------------------------------------------- */

static gboolean
decide (CalqueStore  *store,
        CalqueRecord *project,
        const char   *item_id,
        const char   *annotator,
        const char   *reviewer,
        const char   *decision,
        const char   *comment,
        GError      **error)
{
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(CalqueRecord) review = NULL;
  CalqueRecord *task;
  gint64 when = now_ms ();
  gboolean ok;

  if (!(item = get_item (store, project, item_id, error))
      || !(tasks = calque_store_list_for_item (store, CALQUE_KIND_TASK, item_id, error))
      || !(task = find_submitted (tasks, item, annotator, error)))
    return FALSE;

  review = new_review (project, item, task, reviewer, decision, comment, when);
  if (!calque_store_begin (store, error))
    return FALSE;
  ok = save_task_state (store, task, decision, when, error)
       && calque_store_save (store, review, error);
  if (ok && comment != NULL)
    {
      /* The review's comment is for the record; the annotator reads the
       * item's comments, which blind mode lets through. */
      g_autoptr(CalqueRecord) note = calque_record_new (CALQUE_KIND_COMMENT, calque_record_get_id (project));

      calque_record_set_string (note, "item", item_id);
      calque_record_set_string (note, "author", reviewer);
      calque_record_set_string (note, "text", comment);
      calque_record_set_int (note, "created", when);
      ok = calque_store_save (store, note, error);
    }
  return finish (store, ok, error);
}

gboolean
calque_review_accept (CalqueStore  *store,
                      CalqueRecord *project,
                      const char   *item_id,
                      const char   *annotator,
                      const char   *reviewer,
                      GError      **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), FALSE);
  g_return_val_if_fail (item_id != NULL && annotator != NULL && reviewer != NULL, FALSE);

  return decide (store, project, item_id, annotator, reviewer, "accepted", NULL, error);
}

gboolean
calque_review_reject (CalqueStore  *store,
                      CalqueRecord *project,
                      const char   *item_id,
                      const char   *annotator,
                      const char   *reviewer,
                      const char   *comment,
                      GError      **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), FALSE);
  g_return_val_if_fail (item_id != NULL && annotator != NULL && reviewer != NULL, FALSE);

  /* Sent back without a word, an annotator cannot tell what to fix. */
  stripped = g_strstrip (g_strdup (comment != NULL ? comment : ""));
  if (*stripped == '\0')
    {
      g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_INVALID,
                   _("a rejection needs a comment that says what to fix"));
      return FALSE;
    }
  return decide (store, project, item_id, annotator, reviewer, "rejected", comment, error);
}

/* --- merge ------------------------------------------------------------------------------ */

typedef struct {
  char      *annotator;
  char      *state;      /* the task's: submitted or accepted */
  GPtrArray *shapes;     /* CalqueShape */
  GPtrArray *labels;     /* char *, each shape's first label or NULL */
  GPtrArray *ids;        /* char *, each shape's annotation id */
} Version;

static void
version_free (Version *version)
{
  g_free (version->annotator);
  g_free (version->state);
  g_ptr_array_unref (version->shapes);
  g_ptr_array_unref (version->labels);
  g_ptr_array_unref (version->ids);
  g_free (version);
}

static gint
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 ((*(Version * const *) a)->annotator, (*(Version * const *) b)->annotator);
}

/* The versions of an item as a merge weighs them, and the consensus. */
typedef struct {
  CalqueRecord    *item;
  GPtrArray       *tasks;         /* CalqueRecord */
  GPtrArray       *annotations;   /* CalqueRecord; labels and ids are borrowed from them */
  GPtrArray       *versions;      /* Version, by annotator name */
  GPtrArray       *own;           /* CalqueRecord, borrowed: the reviewer's annotations */
  guint            n_submitted;
  CalqueConsensus *consensus;
} Versions;

static void
versions_clear (Versions *v)
{
  g_clear_object (&v->item);
  g_clear_pointer (&v->tasks, g_ptr_array_unref);
  g_clear_pointer (&v->annotations, g_ptr_array_unref);
  g_clear_pointer (&v->versions, g_ptr_array_unref);
  g_clear_pointer (&v->own, g_ptr_array_unref);
  g_clear_pointer (&v->consensus, calque_consensus_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Versions, versions_clear)

static gboolean
check_options (const CalqueConsensusOptions *options,
               GError                      **error)
{
  if (!(options->vote > 0 && options->vote <= 1) || !(options->iou_threshold > 0 && options->iou_threshold <= 1))
    {
      g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_INVALID,
                   _("the vote and the IoU threshold must be above 0 and at most 1, not %g and %g"),
                   options->vote, options->iou_threshold);
      return FALSE;
    }
  return TRUE;
}

/* Reads the item's versions handed in, and computes their consensus. */
static gboolean
collect_versions (CalqueStore                  *store,
                  CalqueRecord                 *project,
                  const char                   *item_id,
                  const char                   *reviewer,
                  const CalqueConsensusOptions *options,
                  Versions                     *v,
                  GError                      **error)
{
  g_autoptr(GHashTable) by_annotator = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree CalqueConsensusVersion *inputs = NULL;

  if (!(v->item = get_item (store, project, item_id, error))
      || !(v->tasks = calque_store_list_for_item (store, CALQUE_KIND_TASK, item_id, error))
      || !(v->annotations = calque_store_list_for_item (store, CALQUE_KIND_ANNOTATION, item_id, error)))
    return FALSE;
  v->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) version_free);
  v->own = g_ptr_array_new ();

  /* The versions handed in: submitted now, or accepted before (a second
   * merge after more work came in weighs everyone again). */
  for (guint i = 0; i < v->tasks->len; i++)
    {
      CalqueRecord *task = v->tasks->pdata[i];
      const char *annotator = calque_record_get_string (task, "annotator");
      Version *version;

      v->n_submitted += is_state (task, "submitted");
      if (annotator == NULL || g_str_equal (annotator, reviewer) || calque_author_is_model (annotator)
          || !(is_state (task, "submitted") || is_state (task, "accepted"))
          || g_hash_table_contains (by_annotator, annotator))
        continue;
      version = g_new0 (Version, 1);
      version->annotator = g_strdup (annotator);
      version->state = g_strdup (calque_record_get_string (task, "state"));
      version->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_shape_free);
      version->labels = g_ptr_array_new ();
      version->ids = g_ptr_array_new ();
      g_ptr_array_add (v->versions, version);
      g_hash_table_insert (by_annotator, version->annotator, version);
    }
  g_ptr_array_sort (v->versions, compare_versions);

  for (guint i = 0; i < v->annotations->len; i++)
    {
      CalqueRecord *annotation = v->annotations->pdata[i];
      const char *author = calque_record_get_string (annotation, "author");
      Version *version = author != NULL ? g_hash_table_lookup (by_annotator, author) : NULL;
      JsonNode *labels = calque_record_get_field (annotation, "labels");
      JsonArray *array = labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) ? json_node_get_array (labels) : NULL;
      CalqueShape *shape;

      if (g_strcmp0 (author, reviewer) == 0)
        {
          g_ptr_array_add (v->own, annotation);
          continue;
        }
      if (version == NULL || (shape = calque_record_dup_shape (annotation, NULL)) == NULL)
        continue;
      g_ptr_array_add (version->shapes, shape);
      /* Labels are ids, borrowed from the annotation records. */
      g_ptr_array_add (version->labels, (gpointer) (array != NULL && json_array_get_length (array) > 0
                                                    ? json_array_get_string_element (array, 0) : NULL));
      g_ptr_array_add (version->ids, (gpointer) calque_record_get_id (annotation));
    }

  inputs = g_new0 (CalqueConsensusVersion, MAX (v->versions->len, 1));
  for (guint i = 0; i < v->versions->len; i++)
    {
      Version *version = v->versions->pdata[i];

      inputs[i].shapes = (const CalqueShape * const *) version->shapes->pdata;
      inputs[i].labels = (const char * const *) version->labels->pdata;
      inputs[i].n_shapes = version->shapes->len;
    }
  v->consensus = calque_consensus_compute (inputs, v->versions->len, options);
  return TRUE;
}

static CalqueRecord *
consensus_annotation (CalqueRecord      *project,
                      CalqueRecord      *item,
                      const char        *reviewer,
                      const CalqueShape *shape,
                      const char        *label,
                      gint64             when)
{
  CalqueRecord *annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (project));
  JsonArray *labels = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  if (label != NULL)
    json_array_add_string_element (labels, label);
  json_node_take_array (node, labels);
  calque_record_set_string (annotation, "item", calque_record_get_id (item));
  calque_record_set_string (annotation, "author", reviewer);
  calque_record_set_field (annotation, "labels", node);
  calque_record_set_shape (annotation, shape);
  calque_record_set_int (annotation, "created", when);
  calque_record_set_int (annotation, "updated", when);
  return annotation;
}

gboolean
calque_review_merge (CalqueStore                  *store,
                     CalqueRecord                 *project,
                     const char                   *item_id,
                     const char                   *reviewer,
                     const CalqueConsensusOptions *options,
                     CalqueReviewMergeResult      *out_result,
                     GError                      **error)
{
  CalqueConsensusOptions defaults = CALQUE_CONSENSUS_OPTIONS_INIT;
  g_auto(Versions) v = { 0 };
  g_autoptr(CalqueRecord) review = NULL;
  CalqueReviewMergeResult result = { 0 };
  CalqueConsensus *consensus;
  gint64 when = now_ms ();
  gboolean ok = TRUE;

  g_return_val_if_fail (CALQUE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), FALSE);
  g_return_val_if_fail (item_id != NULL && reviewer != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  if (!check_options (options, error)
      || !collect_versions (store, project, item_id, reviewer, options, &v, error))
    return FALSE;
  if (v.n_submitted == 0)
    {
      g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NOTHING,
                   _("item “%s”: nothing to merge: no task on it is submitted"), item_name (v.item));
      return FALSE;
    }
  consensus = v.consensus;

  result.n_versions = v.versions->len;
  calque_consensus_get_unmatched (consensus, &result.n_unmatched);

  if (!calque_store_begin (store, error))
    return FALSE;
  /* The reviewer's earlier version of the item makes way for this one. */
  for (guint i = 0; ok && i < v.own->len; i++)
    {
      g_autoptr(CalqueRecord) tombstone = calque_record_copy (v.own->pdata[i]);

      calque_record_set_deleted (tombstone, TRUE);
      ok = calque_store_save (store, tombstone, error);
    }
  for (guint c = 0; ok && c < calque_consensus_get_n_clusters (consensus); c++)
    {
      const CalqueShape *shape = calque_consensus_get_shape (consensus, c);
      const char *label = calque_consensus_get_label (consensus, c);
      g_autoptr(CalqueRecord) annotation = NULL;
      g_autoptr(GError) local_error = NULL;

      result.n_disagreements += calque_consensus_get_label_disagrees (consensus, c);
      /* A whole-item classification says nothing without its label. */
      if (shape->kind == CALQUE_SHAPE_CLASSIFICATION && label == NULL)
        continue;
      annotation = consensus_annotation (project, v.item, reviewer, shape, label, when);
      /* The store checks the shape against the item, as for any save. */
      if (!calque_store_save (store, annotation, &local_error))
        {
          g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_INVALID,
                       _("item “%s”: consensus shape %u: %s"), item_name (v.item), c + 1, local_error->message);
          ok = FALSE;
          break;
        }
      result.n_shapes++;
    }
  review = new_review (project, v.item, NULL, reviewer, "merged", NULL, when);
  ok = ok && calque_store_save (store, review, error);
  for (guint i = 0; ok && i < v.tasks->len; i++)
    if (is_state (v.tasks->pdata[i], "submitted"))
      ok = save_task_state (store, v.tasks->pdata[i], "accepted", when, error);

  if (!finish (store, ok, error))
    return FALSE;
  if (out_result != NULL)
    *out_result = result;
  return TRUE;
}

/* --- comparison --------------------------------------------------------------------- */

struct _CalqueReviewComparison {
  Versions    v;
  GHashTable *states;          /* annotation id (borrowed) → CalqueReviewShapeState + 1 */
  guint       n_unmatched;
  guint       n_disagreements; /* kept clusters whose labels disagree */
};

void
calque_review_comparison_free (CalqueReviewComparison *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->states, g_hash_table_unref);
  versions_clear (&self->v);
  g_free (self);
}

static void
mark (CalqueReviewComparison      *self,
      const CalqueConsensusMember *member,
      CalqueReviewShapeState       state)
{
  Version *version = self->v.versions->pdata[member->annotator];

  g_hash_table_insert (self->states, version->ids->pdata[member->index], GUINT_TO_POINTER (state + 1));
}

CalqueReviewComparison *
calque_review_compare (CalqueStore                  *store,
                       CalqueRecord                 *project,
                       const char                   *item_id,
                       const char                   *reviewer,
                       const CalqueConsensusOptions *options,
                       GError                      **error)
{
  CalqueConsensusOptions defaults = CALQUE_CONSENSUS_OPTIONS_INIT;
  g_autoptr(CalqueReviewComparison) self = NULL;
  const CalqueConsensusMember *members;
  guint n;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);
  g_return_val_if_fail (item_id != NULL && reviewer != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if (!check_options (options, error))
    return NULL;
  self = g_new0 (CalqueReviewComparison, 1);
  self->states = g_hash_table_new (g_str_hash, g_str_equal);
  if (!collect_versions (store, project, item_id, reviewer, options, &self->v, error))
    return NULL;

  for (guint c = 0; c < calque_consensus_get_n_clusters (self->v.consensus); c++)
    {
      gboolean disagrees = calque_consensus_get_label_disagrees (self->v.consensus, c);

      self->n_disagreements += disagrees;
      members = calque_consensus_get_members (self->v.consensus, c, &n);
      for (guint i = 0; i < n; i++)
        mark (self, &members[i], disagrees ? CALQUE_REVIEW_SHAPE_DISAGREES : CALQUE_REVIEW_SHAPE_AGREED);
    }
  members = calque_consensus_get_unmatched (self->v.consensus, &self->n_unmatched);
  for (guint i = 0; i < self->n_unmatched; i++)
    mark (self, &members[i], CALQUE_REVIEW_SHAPE_UNMATCHED);
  return g_steal_pointer (&self);
}

guint
calque_review_comparison_get_n_versions (CalqueReviewComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->v.versions->len;
}

const char *
calque_review_comparison_get_annotator (CalqueReviewComparison *self,
                                        guint                   version)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (version < self->v.versions->len, NULL);

  return ((Version *) self->v.versions->pdata[version])->annotator;
}

gboolean
calque_review_comparison_get_submitted (CalqueReviewComparison *self,
                                        guint                   version)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (version < self->v.versions->len, FALSE);

  return g_strcmp0 (((Version *) self->v.versions->pdata[version])->state, "submitted") == 0;
}

guint
calque_review_comparison_get_n_shapes (CalqueReviewComparison *self,
                                       guint                   version)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (version < self->v.versions->len, 0);

  return ((Version *) self->v.versions->pdata[version])->shapes->len;
}

CalqueReviewShapeState
calque_review_comparison_get_state (CalqueReviewComparison *self,
                                    const char             *annotation_id)
{
  gpointer state;

  g_return_val_if_fail (self != NULL, CALQUE_REVIEW_SHAPE_NONE);
  g_return_val_if_fail (annotation_id != NULL, CALQUE_REVIEW_SHAPE_NONE);

  state = g_hash_table_lookup (self->states, annotation_id);
  return state != NULL ? (CalqueReviewShapeState) (GPOINTER_TO_UINT (state) - 1) : CALQUE_REVIEW_SHAPE_NONE;
}

guint
calque_review_comparison_get_n_unmatched (CalqueReviewComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_unmatched;
}

guint
calque_review_comparison_get_n_disagreements (CalqueReviewComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_disagreements;
}

/* --- history -------------------------------------------------------------------------- */

void
calque_review_entry_free (CalqueReviewEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->review_id);
  g_free (entry->item_id);
  g_free (entry->item_name);
  g_free (entry->reviewer);
  g_free (entry->decision);
  g_free (entry->annotator);
  g_free (entry->comment);
  g_free (entry);
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const CalqueReviewEntry *x = *(CalqueReviewEntry * const *) a;
  const CalqueReviewEntry *y = *(CalqueReviewEntry * const *) b;

  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  return g_strcmp0 (x->review_id, y->review_id);
}

static void
clear_record (gpointer record)
{
  if (record != NULL)
    g_object_unref (record);
}

/* A record by id from @cache, reading it from the store the first time;
 * NULL when it is not there. */
static CalqueRecord *
cached_record (CalqueStore *store,
               GHashTable  *cache,
               const char  *id)
{
  CalqueRecord *record;

  if (id == NULL)
    return NULL;
  if (!g_hash_table_lookup_extended (cache, id, NULL, (gpointer *) &record))
    {
      record = calque_store_get (store, id, NULL);
      g_hash_table_insert (cache, g_strdup (id), record);
    }
  return record;
}

GPtrArray *
calque_review_history (CalqueStore  *store,
                       CalqueRecord *project,
                       const char   *item_id,
                       GError      **error)
{
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_review_entry_free);
  g_autoptr(GHashTable) cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, clear_record);
  g_autoptr(CalqueRecord) item = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  if (item_id != NULL)
    {
      if (!(item = get_item (store, project, item_id, error))
          || !(reviews = calque_store_list_for_item (store, CALQUE_KIND_REVIEW, item_id, error)))
        return NULL;
    }
  else if (!(reviews = calque_store_list (store, CALQUE_KIND_REVIEW, calque_record_get_id (project), error)))
    return NULL;

  for (guint i = 0; i < reviews->len; i++)
    {
      CalqueRecord *review = reviews->pdata[i];
      CalqueReviewEntry *entry = g_new0 (CalqueReviewEntry, 1);
      CalqueRecord *reviewed = cached_record (store, cache, calque_record_get_string (review, "item"));
      CalqueRecord *task = cached_record (store, cache, calque_record_get_string (review, "task"));

      entry->review_id = g_strdup (calque_record_get_id (review));
      entry->item_id = g_strdup (calque_record_get_string (review, "item"));
      entry->item_name = g_strdup (reviewed != NULL ? item_name (reviewed) : entry->item_id);
      entry->reviewer = g_strdup (calque_record_get_string (review, "reviewer"));
      entry->decision = g_strdup (calque_record_get_string (review, "decision"));
      entry->annotator = g_strdup (task != NULL ? calque_record_get_string (task, "annotator") : NULL);
      entry->comment = g_strdup (calque_record_get_string (review, "comment"));
      entry->created = calque_record_get_int (review, "created", 0);
      g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

/* --- queue ------------------------------------------------------------------------------ */

void
calque_review_queue_entry_free (CalqueReviewQueueEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->item_id);
  g_free (entry->item_name);
  g_strfreev (entry->annotators);
  g_free (entry);
}

typedef struct {
  gint64     submitted;     /* the latest submission, Unix ms; 0: none waiting */
  gint64     reviewed;      /* the latest review, Unix ms; -1: none */
  guint      n_submitted;
  GPtrArray *annotators;    /* char *, borrowed from the tasks */
} Waiting;

static void
waiting_free (Waiting *w)
{
  g_ptr_array_unref (w->annotators);
  g_free (w);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char **
sorted_annotators (Waiting *w)
{
  char **names = g_new0 (char *, w->annotators->len + 1);

  for (guint i = 0; i < w->annotators->len; i++)
    names[i] = g_strdup (w->annotators->pdata[i]);
  qsort (names, w->annotators->len, sizeof (char *), compare_strings);
  return names;
}

/* When a submitted task was submitted: its "updated" time, or the clock of
 * its last state change when that is later (a client that did not set
 * "updated"). */
static gint64
submitted_at (CalqueRecord *task)
{
  gint64 when = calque_record_get_int (task, "updated", 0);
  const char *clock = calque_record_get_clock (task, "state");
  CalqueHlc hlc;

  if (clock != NULL && calque_hlc_from_string (clock, &hlc, NULL))
    when = MAX (when, (gint64) calque_hlc_get_ms (&hlc));
  return when;
}

static gint
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const CalqueReviewQueueEntry *x = *(CalqueReviewQueueEntry * const *) a;
  const CalqueReviewQueueEntry *y = *(CalqueReviewQueueEntry * const *) b;
  int by_name = g_strcmp0 (x->item_name, y->item_name);

  return by_name != 0 ? by_name : g_strcmp0 (x->item_id, y->item_id);
}

static CalqueReviewQueueEntry *
queue_entry (CalqueStore *store,
             const char  *item_id,
             double       agreement,
             Waiting     *w)
{
  g_autoptr(CalqueRecord) item = calque_store_get (store, item_id, NULL);
  CalqueReviewQueueEntry *entry = g_new0 (CalqueReviewQueueEntry, 1);

  entry->item_id = g_strdup (item_id);
  entry->item_name = g_strdup (item != NULL ? item_name (item) : item_id);
  entry->agreement = agreement;
  entry->n_submitted = w->n_submitted;
  entry->annotators = sorted_annotators (w);
  return entry;
}

GPtrArray *
calque_review_queue (CalqueStore                  *store,
                     CalqueRecord                 *project,
                     const CalqueAgreementOptions *options,
                     GError                      **error)
{
  const char *project_id;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GHashTable) waiting = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) waiting_free);
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_review_queue_entry_free);
  g_autoptr(GPtrArray) single = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_review_queue_entry_free);
  GHashTableIter iter;
  const char *item_id;
  Waiting *w;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  project_id = calque_record_get_id (project);
  if (!(tasks = calque_store_list (store, CALQUE_KIND_TASK, project_id, error))
      || !(reviews = calque_store_list (store, CALQUE_KIND_REVIEW, project_id, error)))
    return NULL;

  for (guint i = 0; i < tasks->len; i++)
    {
      CalqueRecord *task = tasks->pdata[i];
      const char *item = calque_record_get_string (task, "item");

      if (item == NULL || !is_state (task, "submitted"))
        continue;
      w = g_hash_table_lookup (waiting, item);
      if (w == NULL)
        {
          w = g_new0 (Waiting, 1);
          w->reviewed = -1;
          w->annotators = g_ptr_array_new ();
          g_hash_table_insert (waiting, (gpointer) item, w);
        }
      w->submitted = MAX (w->submitted, submitted_at (task));
      w->n_submitted++;
      if (calque_record_get_string (task, "annotator") != NULL)
        g_ptr_array_add (w->annotators, (gpointer) calque_record_get_string (task, "annotator"));
    }
  for (guint i = 0; i < reviews->len; i++)
    {
      CalqueRecord *review = reviews->pdata[i];
      const char *item = calque_record_get_string (review, "item");

      if (item != NULL && (w = g_hash_table_lookup (waiting, item)) != NULL)
        w->reviewed = MAX (w->reviewed, calque_record_get_int (review, "created", 0));
    }
  /* Reviewed since the latest submission: decided, not waiting. */
  g_hash_table_iter_init (&iter, waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    if (w->reviewed >= w->submitted)
      g_hash_table_iter_remove (&iter);
  if (g_hash_table_size (waiting) == 0)
    return g_steal_pointer (&queue);

  report = calque_agreement_report_new (store, project, options, error);
  if (report == NULL)
    return NULL;
  for (guint i = 0; i < calque_agreement_report_get_n_items (report); i++)
    {
      const char *id = calque_agreement_report_get_item_id (report, i);

      if ((w = g_hash_table_lookup (waiting, id)) == NULL)
        continue;
      g_ptr_array_add (queue, queue_entry (store, id, calque_agreement_report_get_item_score (report, i), w));
      g_hash_table_remove (waiting, id);
    }
  g_hash_table_iter_init (&iter, waiting);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item_id, (gpointer *) &w))
    g_ptr_array_add (single, queue_entry (store, item_id, NAN, w));
  g_ptr_array_sort (single, compare_by_name);
  g_ptr_array_extend_and_steal (queue, g_steal_pointer (&single));
  return g_steal_pointer (&queue);
}
