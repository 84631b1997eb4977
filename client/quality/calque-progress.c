/* calque-progress.c — how far a project's annotation has come
 *
 * Three passes over the store's index of figures (calque-store-stats.h):
 * the live items' ids, then the tasks, then the annotations, each row
 * counted as it passes; nothing is decoded as a record. Items are found by
 * id in a hash table whose hash reads only the random end of a UUID.
 */
#define G_LOG_DOMAIN "calque-progress"

#include "calque-progress.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "calque-store-stats.h"
#include "calque-uuid.h"

#define HOUR_MS (3600 * G_GINT64_CONSTANT (1000))
#define DAY_MS  (24 * HOUR_MS)

/* Labels whose items are kept in a bit of each item; the rarer labels past
 * these keep a set of items each. */
#define LABEL_BITS 64

typedef struct {
  guint64 labels;    /* bit i: an annotation with label i (i < LABEL_BITS) */
  guint8  states;    /* bit s: a task in state s */
} Item;

typedef struct {
  CalqueProgressAnnotator figures;
  GHashTable *done_items;   /* item index + 1, as a set */
  GHashTable *hours;        /* hour since 1970 + 1, as a set */
  gint64      last_hour;
  gint64      timed;        /* annotations with a time */
} Annotator;

typedef struct {
  CalqueProgressLabel figures;
  guint       index;
  GHashTable *items;        /* item index + 1, for labels past LABEL_BITS */
} Label;

struct _CalqueProgress
{
  gint64       now_ms;

  GStringChunk *ids;
  GHashTable  *item_index;    /* id → index + 1 */
  GArray      *items;         /* Item */
  GHashTable  *annotators;    /* name → Annotator */
  GHashTable  *labels;        /* id → Label */
  guint        n_labels;
  Annotator   *last_annotator;   /* the one the previous row was by */
  char         last_item_id[CALQUE_UUID_STRING_LENGTH + 1];   /* and its item */
  guint        last_item;        /* index + 1, 0: not a live item */

  gint64       tasks[CALQUE_N_TASK_STATES];
  gint64       items_in_state[CALQUE_N_TASK_STATES];
  gint64       items_with_state[CALQUE_N_TASK_STATES];
  gint64       items_without_task;
  gint64       n_annotations;

  GHashTable  *hour_counts;   /* hour since 1970 → annotations, both as pointers */
  gint64       last_hour;
  gint64      *last_hour_count;

  CalqueProgressAnnotator *annotator_figures;
  guint        n_annotators;
  CalqueProgressLabel *label_figures;
  guint        n_label_figures;
  gint64      *series;
  guint        n_buckets;
  gint64       series_start;
  gint64       bucket_ms;
};

static const char * const state_names[CALQUE_N_TASK_STATES] = {
  [CALQUE_TASK_STATE_NEW] = "new",
  [CALQUE_TASK_STATE_IN_PROGRESS] = "in_progress",
  [CALQUE_TASK_STATE_SUBMITTED] = "submitted",
  [CALQUE_TASK_STATE_ACCEPTED] = "accepted",
  [CALQUE_TASK_STATE_REJECTED] = "rejected",
};

/* An item's most advanced state is the first of these it has a task in. */
static const CalqueTaskState advanced_first[] = {
  CALQUE_TASK_STATE_ACCEPTED,
  CALQUE_TASK_STATE_SUBMITTED,
  CALQUE_TASK_STATE_REJECTED,
  CALQUE_TASK_STATE_IN_PROGRESS,
  CALQUE_TASK_STATE_NEW,
};

#define DONE_STATES ((1u << CALQUE_TASK_STATE_SUBMITTED) | (1u << CALQUE_TASK_STATE_ACCEPTED))

/* --- helpers -------------------------------------------------------------------- */

const char *
calque_task_state_to_string (CalqueTaskState state)
{
  g_return_val_if_fail (state < CALQUE_N_TASK_STATES, NULL);
  return state_names[state];
}

gboolean
calque_task_state_from_string (const char      *str,
                               CalqueTaskState *out_state)
{
  for (guint s = 0; str != NULL && s < CALQUE_N_TASK_STATES; s++)
    if (strcmp (str, state_names[s]) == 0)
      {
        *out_state = s;
        return TRUE;
      }
  return FALSE;
}

/* Record ids are UUIDs: their last twelve hex digits are random (v7) or
 * hashed (v5), so they alone make a good hash, at a third of the cost of
 * hashing the whole string. Anything else is hashed whole. */
static guint
id_hash (gconstpointer key)
{
  const char *id = key;
  guint hash = 2166136261u;

  if (strnlen (id, CALQUE_UUID_STRING_LENGTH + 1) != CALQUE_UUID_STRING_LENGTH)
    return g_str_hash (id);
  for (guint i = 24; i < CALQUE_UUID_STRING_LENGTH; i++)
    hash = (hash ^ (guchar) id[i]) * 16777619u;
  return hash;
}

static void
annotator_free (Annotator *annotator)
{
  g_free (annotator->figures.name);
  g_hash_table_unref (annotator->done_items);
  g_clear_pointer (&annotator->hours, g_hash_table_unref);
  g_free (annotator);
}

static void
label_free (Label *label)
{
  g_free (label->figures.id);
  g_free (label->figures.name);
  g_free (label->figures.color);
  g_clear_pointer (&label->items, g_hash_table_unref);
  g_free (label);
}

static Annotator *
get_annotator (CalqueProgress *self,
               const char     *name)
{
  Annotator *annotator;

  if (self->last_annotator != NULL && strcmp (self->last_annotator->figures.name, name) == 0)
    return self->last_annotator;

  annotator = g_hash_table_lookup (self->annotators, name);
  if (annotator == NULL)
    {
      annotator = g_new0 (Annotator, 1);
      annotator->figures.name = g_strdup (name);
      annotator->figures.first_ms = -1;
      annotator->figures.last_ms = -1;
      annotator->done_items = g_hash_table_new (NULL, NULL);
      annotator->hours = g_hash_table_new (NULL, NULL);
      annotator->last_hour = -1;
      g_hash_table_insert (self->annotators, annotator->figures.name, annotator);
    }
  self->last_annotator = annotator;
  return annotator;
}

static Label *
add_label (CalqueProgress *self,
           const char     *id,
           const char     *name,
           const char     *color)
{
  Label *label = g_new0 (Label, 1);

  label->figures.id = g_strdup (id);
  label->figures.name = g_strdup (name);
  label->figures.color = g_strdup (color);
  label->index = self->n_labels++;
  if (label->index >= LABEL_BITS)
    label->items = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (self->labels, label->figures.id, label);
  return label;
}

/* The item @id is, or NULL when it is not a live item of the project. */
static Item *
find_item (CalqueProgress *self,
           const char     *id,
           guint          *out_index)
{
  guint index;

  if (id == NULL)
    return NULL;
  /* An item's annotations are mostly made one after the other. */
  if (strcmp (id, self->last_item_id) == 0)
    index = self->last_item;
  else
    {
      gsize length = strnlen (id, sizeof self->last_item_id);

      index = GPOINTER_TO_UINT (g_hash_table_lookup (self->item_index, id));
      if (length < sizeof self->last_item_id)   /* ids longer are never kept */
        {
          memcpy (self->last_item_id, id, length + 1);
          self->last_item = index;
        }
    }
  if (index == 0)
    return NULL;
  *out_index = index - 1;
  return &g_array_index (self->items, Item, index - 1);
}

/* --- counting ------------------------------------------------------------------- */

static void
item_cb (const char *id,
         gpointer    user_data)
{
  CalqueProgress *self = user_data;
  Item item = { 0 };

  g_array_append_val (self->items, item);
  g_hash_table_insert (self->item_index, g_string_chunk_insert (self->ids, id),
                       GUINT_TO_POINTER (self->items->len));
}

static void
task_cb (const CalqueStoreFact *fact,
         gpointer               user_data)
{
  CalqueProgress *self = user_data;
  CalqueTaskState state;
  Annotator *annotator;
  guint index;
  Item *item = find_item (self, fact->item, &index);

  if (item == NULL || fact->person == NULL || !calque_task_state_from_string (fact->state, &state))
    return;

  annotator = get_annotator (self, fact->person);
  annotator->figures.tasks[state]++;
  self->tasks[state]++;
  item->states |= 1u << state;
  if ((1u << state) & DONE_STATES)
    g_hash_table_add (annotator->done_items, GUINT_TO_POINTER (index + 1));
}

static void
count_label (CalqueProgress *self,
             Item           *item,
             guint           item_index,
             const char     *id)
{
  Label *label = g_hash_table_lookup (self->labels, id);

  if (label == NULL)
    label = add_label (self, id, NULL, NULL);
  label->figures.annotations++;
  if (label->index < LABEL_BITS)
    {
      guint64 bit = G_GUINT64_CONSTANT (1) << label->index;

      if (!(item->labels & bit))
        {
          item->labels |= bit;
          label->figures.items++;
        }
    }
  else if (g_hash_table_add (label->items, GUINT_TO_POINTER (item_index + 1)))
    label->figures.items++;
}

/* @labels is the JSON array of ids as the store keeps it; ids need no
 * escapes, so each is what lies between a pair of quotes. A label named
 * twice in one annotation counts once. */
static void
count_labels (CalqueProgress *self,
              Item           *item,
              guint           item_index,
              const char     *labels)
{
  char seen[8][CALQUE_UUID_STRING_LENGTH + 1];
  guint n_seen = 0;
  const char *p = labels;

  while (p != NULL && (p = strchr (p, '"')) != NULL)
    {
      const char *end = strchr (p + 1, '"');
      char id[CALQUE_UUID_STRING_LENGTH + 1];
      gsize length;
      gboolean twice = FALSE;

      if (end == NULL)
        break;
      length = end - p - 1;
      if (length == 0 || length > CALQUE_UUID_STRING_LENGTH)
        {
          p = end + 1;
          continue;   /* not an id: validation keeps these out */
        }
      memcpy (id, p + 1, length);
      id[length] = '\0';
      p = end + 1;

      for (guint i = 0; i < n_seen && !twice; i++)
        twice = strcmp (seen[i], id) == 0;
      if (twice)
        continue;
      if (n_seen < G_N_ELEMENTS (seen))
        memcpy (seen[n_seen++], id, length + 1);
      count_label (self, item, item_index, id);
    }
}

static void
annotation_cb (const CalqueStoreFact *fact,
               gpointer               user_data)
{
  CalqueProgress *self = user_data;
  guint index;
  Item *item = find_item (self, fact->item, &index);
  Annotator *annotator = NULL;
  gint64 created;

  /* Pre-annotations are not work anyone did (docs/data-model.md). */
  if (item == NULL || calque_author_is_model (fact->person))
    return;
  self->n_annotations++;
  if (fact->person != NULL)
    {
      annotator = get_annotator (self, fact->person);
      annotator->figures.annotations++;
    }
  if (fact->labels != NULL)
    count_labels (self, item, index, fact->labels);

  created = fact->created >= 0 ? fact->created : calque_uuid7_get_time (fact->id);
  if (created >= 0)
    {
      gint64 hour = created / HOUR_MS;

      if (hour != self->last_hour)
        {
          gpointer key = GSIZE_TO_POINTER (hour + 1);

          if (!g_hash_table_contains (self->hour_counts, key))
            g_hash_table_insert (self->hour_counts, key, g_new0 (gint64, 1));
          self->last_hour = hour;
          self->last_hour_count = g_hash_table_lookup (self->hour_counts, key);
        }
      (*self->last_hour_count)++;

      if (annotator != NULL)
        {
          CalqueProgressAnnotator *figures = &annotator->figures;

          annotator->timed++;
          if (figures->first_ms < 0 || created < figures->first_ms)
            figures->first_ms = created;
          if (created > figures->last_ms)
            figures->last_ms = created;
          if (created <= self->now_ms && created > self->now_ms - CALQUE_PROGRESS_RECENT_MS)
            figures->recent++;
          if (hour != annotator->last_hour)
            {
              g_hash_table_add (annotator->hours, GSIZE_TO_POINTER (hour + 1));
              annotator->last_hour = hour;
            }
        }
    }
}

/* --- the figures from the counts ------------------------------------------------------- */

static void
finish_items (CalqueProgress *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      guint8 states = g_array_index (self->items, Item, i).states;

      if (states == 0)
        {
          self->items_without_task++;
          continue;
        }
      for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
        if (states & (1u << s))
          self->items_with_state[s]++;
      for (guint k = 0; k < G_N_ELEMENTS (advanced_first); k++)
        if (states & (1u << advanced_first[k]))
          {
            self->items_in_state[advanced_first[k]]++;
            break;
          }
    }
}

/* GLib 2.74 has no g_hash_table_get_values_as_ptr_array(). */
static GPtrArray *
values_of (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);
  return values;
}

static int
compare_annotators (gconstpointer a,
                    gconstpointer b)
{
  return g_strcmp0 ((*(Annotator **) a)->figures.name, (*(Annotator **) b)->figures.name);
}

static int
compare_labels (gconstpointer a,
                gconstpointer b)
{
  const CalqueProgressLabel *la = &(*(Label **) a)->figures;
  const CalqueProgressLabel *lb = &(*(Label **) b)->figures;

  /* Named ones first, by name; then unknown ones by id. */
  if ((la->name == NULL) != (lb->name == NULL))
    return la->name == NULL ? 1 : -1;
  if (la->name != NULL && strcmp (la->name, lb->name) != 0)
    return g_utf8_collate (la->name, lb->name);
  return strcmp (la->id, lb->id);
}

static void
finish_people (CalqueProgress *self)
{
  g_autoptr(GPtrArray) sorted = values_of (self->annotators);

  g_ptr_array_sort (sorted, compare_annotators);
  self->n_annotators = sorted->len;
  self->annotator_figures = g_new0 (CalqueProgressAnnotator, sorted->len);
  for (guint i = 0; i < sorted->len; i++)
    {
      Annotator *annotator = g_ptr_array_index (sorted, i);
      CalqueProgressAnnotator *figures = &self->annotator_figures[i];

      annotator->figures.items_done = g_hash_table_size (annotator->done_items);
      annotator->figures.active_hours = g_hash_table_size (annotator->hours);
      annotator->figures.per_hour = annotator->figures.active_hours > 0
                                    ? (double) annotator->timed / annotator->figures.active_hours : NAN;
      *figures = annotator->figures;
      figures->name = g_strdup (annotator->figures.name);
    }
}

static void
finish_labels (CalqueProgress *self)
{
  g_autoptr(GPtrArray) sorted = values_of (self->labels);

  g_ptr_array_sort (sorted, compare_labels);
  self->n_label_figures = sorted->len;
  self->label_figures = g_new0 (CalqueProgressLabel, sorted->len);
  for (guint i = 0; i < sorted->len; i++)
    {
      Label *label = g_ptr_array_index (sorted, i);

      self->label_figures[i] = label->figures;
      self->label_figures[i].id = g_strdup (label->figures.id);
      self->label_figures[i].name = g_strdup (label->figures.name);
      self->label_figures[i].color = g_strdup (label->figures.color);
    }
}

static void
finish_series (CalqueProgress *self)
{
  GHashTableIter iter;
  gpointer key, value;
  gint64 first = G_MAXINT64, last = -1;

  g_hash_table_iter_init (&iter, self->hour_counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 hour = (gint64) GPOINTER_TO_SIZE (key) - 1;

      first = MIN (first, hour);
      last = MAX (last, hour);
    }
  if (last < 0)
    return;

  if (last - first + 1 <= CALQUE_PROGRESS_MAX_BUCKETS)
    {
      self->bucket_ms = HOUR_MS;
      self->series_start = first * HOUR_MS;
      self->n_buckets = last - first + 1;
    }
  else
    {
      gint64 first_day = first * HOUR_MS / DAY_MS;
      gint64 n_days = last * HOUR_MS / DAY_MS - first_day + 1;
      gint64 days = (n_days + CALQUE_PROGRESS_MAX_BUCKETS - 1) / CALQUE_PROGRESS_MAX_BUCKETS;

      self->bucket_ms = days * DAY_MS;
      self->series_start = first_day * DAY_MS;
      self->n_buckets = (n_days + days - 1) / days;
    }

  self->series = g_new0 (gint64, self->n_buckets);
  g_hash_table_iter_init (&iter, self->hour_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 start = ((gint64) GPOINTER_TO_SIZE (key) - 1) * HOUR_MS;

      self->series[(start - self->series_start) / self->bucket_ms] += *(gint64 *) value;
    }
}

/* --- public API -------------------------------------------------------------------- */

CalqueProgress *
calque_progress_new (CalqueStore  *store,
                     const char   *project_id,
                     gint64        now_ms,
                     GError      **error)
{
  g_autoptr(CalqueProgress) self = NULL;
  g_autoptr(GPtrArray) labels = NULL;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  self = g_new0 (CalqueProgress, 1);
  self->now_ms = now_ms >= 0 ? now_ms : g_get_real_time () / 1000;
  self->ids = g_string_chunk_new (64 * 1024);
  self->item_index = g_hash_table_new (id_hash, g_str_equal);
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->annotators = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) annotator_free);
  self->labels = g_hash_table_new_full (id_hash, g_str_equal, NULL, (GDestroyNotify) label_free);
  self->hour_counts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->last_hour = -1;

  /* The project's labels first, so that they are listed unused too. */
  labels = calque_store_list (store, CALQUE_KIND_LABEL, project_id, error);
  if (labels == NULL)
    return NULL;
  for (guint i = 0; i < labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (labels, i);

      add_label (self, calque_record_get_id (label), calque_record_get_string (label, "name"),
                 calque_record_get_string (label, "color"));
    }

  if (!calque_store_foreach_item_id (store, project_id, item_cb, self, error)
      || !calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, task_cb, self, error)
      || !calque_store_foreach_fact (store, CALQUE_KIND_ANNOTATION, project_id, annotation_cb, self, error))
    return NULL;

  finish_items (self);
  finish_people (self);
  finish_labels (self);
  finish_series (self);

  /* What only the counting needed. */
  g_clear_pointer (&self->item_index, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_string_chunk_free);
  g_clear_pointer (&self->hour_counts, g_hash_table_unref);
  self->last_annotator = NULL;
  g_clear_pointer (&self->annotators, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  return g_steal_pointer (&self);
}

void
calque_progress_free (CalqueProgress *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->item_index, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_string_chunk_free);
  g_clear_pointer (&self->hour_counts, g_hash_table_unref);
  g_clear_pointer (&self->annotators, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_array_unref (self->items);
  for (guint i = 0; i < self->n_annotators; i++)
    g_free (self->annotator_figures[i].name);
  g_free (self->annotator_figures);
  for (guint i = 0; i < self->n_label_figures; i++)
    {
      g_free (self->label_figures[i].id);
      g_free (self->label_figures[i].name);
      g_free (self->label_figures[i].color);
    }
  g_free (self->label_figures);
  g_free (self->series);
  g_free (self);
}

gint64
calque_progress_get_n_items (CalqueProgress *self)
{
  return self->items->len;
}

gint64
calque_progress_get_items_without_task (CalqueProgress *self)
{
  return self->items_without_task;
}

gint64
calque_progress_get_items_in_state (CalqueProgress  *self,
                                    CalqueTaskState  state)
{
  g_return_val_if_fail (state < CALQUE_N_TASK_STATES, -1);
  return self->items_in_state[state];
}

gint64
calque_progress_get_items_with_state (CalqueProgress  *self,
                                      CalqueTaskState  state)
{
  g_return_val_if_fail (state < CALQUE_N_TASK_STATES, -1);
  return self->items_with_state[state];
}

gint64
calque_progress_get_items_done (CalqueProgress *self)
{
  return self->items_in_state[CALQUE_TASK_STATE_SUBMITTED] + self->items_in_state[CALQUE_TASK_STATE_ACCEPTED];
}

gint64
calque_progress_get_n_tasks (CalqueProgress  *self,
                             CalqueTaskState  state)
{
  g_return_val_if_fail (state < CALQUE_N_TASK_STATES, -1);
  return self->tasks[state];
}

gint64
calque_progress_get_n_annotations (CalqueProgress *self)
{
  return self->n_annotations;
}

const CalqueProgressAnnotator *
calque_progress_get_annotators (CalqueProgress *self,
                                guint          *n_annotators)
{
  *n_annotators = self->n_annotators;
  return self->annotator_figures;
}

const CalqueProgressLabel *
calque_progress_get_labels (CalqueProgress *self,
                            guint          *n_labels)
{
  *n_labels = self->n_label_figures;
  return self->label_figures;
}

const gint64 *
calque_progress_get_series (CalqueProgress *self,
                            gint64         *start_ms,
                            gint64         *bucket_ms,
                            guint          *n_buckets)
{
  if (start_ms)
    *start_ms = self->series_start;
  if (bucket_ms)
    *bucket_ms = self->bucket_ms;
  *n_buckets = self->n_buckets;
  return self->series;
}

/* --- output ------------------------------------------------------------------------ */

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* -1 (no such time) is written as null. */
static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       ms)
{
  json_builder_set_member_name (builder, name);
  if (ms < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, ms);
}

static void
add_states (JsonBuilder  *builder,
            const char   *name,
            const gint64 *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
    add_int (builder, state_names[s], counts[s]);
  json_builder_end_object (builder);
}

JsonNode *
calque_progress_to_json (CalqueProgress *self,
                         const char     *project_name)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 n_tasks = 0;

  for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
    n_tasks += self->tasks[s];

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, project_name);
  add_time (builder, "now", self->now_ms);

  json_builder_set_member_name (builder, "items");
  json_builder_begin_object (builder);
  add_int (builder, "total", self->items->len);
  add_int (builder, "done", calque_progress_get_items_done (self));
  add_int (builder, "without_task", self->items_without_task);
  add_states (builder, "in_state", self->items_in_state);
  add_states (builder, "with_state", self->items_with_state);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_object (builder);
  add_int (builder, "total", n_tasks);
  add_states (builder, "in_state", self->tasks);
  json_builder_end_object (builder);

  add_int (builder, "annotations", self->n_annotations);

  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_annotators; i++)
    {
      const CalqueProgressAnnotator *a = &self->annotator_figures[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, a->name);
      add_states (builder, "tasks", a->tasks);
      add_int (builder, "items_done", a->items_done);
      add_int (builder, "annotations", a->annotations);
      add_int (builder, "active_hours", a->active_hours);
      json_builder_set_member_name (builder, "per_hour");
      if (isnan (a->per_hour))
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, round (a->per_hour * 100) / 100);
      add_int (builder, "recent", a->recent);
      add_time (builder, "first", a->first_ms);
      add_time (builder, "last", a->last_ms);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "labels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_label_figures; i++)
    {
      const CalqueProgressLabel *l = &self->label_figures[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, l->id);
      json_builder_set_member_name (builder, "name");
      if (l->name != NULL)
        json_builder_add_string_value (builder, l->name);
      else
        json_builder_add_null_value (builder);
      add_int (builder, "annotations", l->annotations);
      add_int (builder, "items", l->items);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "series");
  json_builder_begin_object (builder);
  add_time (builder, "start", self->n_buckets > 0 ? self->series_start : -1);
  add_int (builder, "bucket_ms", self->bucket_ms);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_buckets; i++)
    json_builder_add_int_value (builder, self->series[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* "2025-10-01 14:05", local time or UTC; "–" for no time. */
static char *
format_time (gint64      ms,
             gboolean    utc,
             const char *format)
{
  g_autoptr(GDateTime) time = NULL;

  if (ms < 0)
    return g_strdup ("–");
  time = utc ? g_date_time_new_from_unix_utc (ms / 1000) : g_date_time_new_from_unix_local (ms / 1000);
  if (time == NULL)
    return g_strdup ("–");
  return g_date_time_format (time, format);
}

static const char *
state_label (CalqueTaskState state)
{
  switch (state)
    {
    case CALQUE_TASK_STATE_NEW: return C_("task state", "new");
    case CALQUE_TASK_STATE_IN_PROGRESS: return C_("task state", "in progress");
    case CALQUE_TASK_STATE_SUBMITTED: return C_("task state", "submitted");
    case CALQUE_TASK_STATE_ACCEPTED: return C_("task state", "accepted");
    case CALQUE_TASK_STATE_REJECTED: return C_("task state", "rejected");
    case CALQUE_N_TASK_STATES:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

static void
append_states (GString      *out,
               const gint64 *counts)
{
  for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
    g_string_append_printf (out, "%s%s %" G_GINT64_FORMAT, s ? ", " : "", state_label (s), counts[s]);
  g_string_append_c (out, '\n');
}

char *
calque_progress_to_text (CalqueProgress *self,
                         const char     *project_name)
{
  GString *out = g_string_new (NULL);
  gint64 n_items = self->items->len;
  gint64 done = calque_progress_get_items_done (self);
  gint64 most = 1;

  g_string_append_printf (out, _("Progress of “%s”\n"), project_name);
  g_string_append_printf (out, "%s %" G_GINT64_FORMAT "\n", _("Items:"), n_items);
  g_string_append_printf (out, "%s %" G_GINT64_FORMAT " (%.0f%%)\n", _("Done (submitted or accepted):"),
                          done, n_items > 0 ? 100.0 * done / n_items : 0.0);
  g_string_append_printf (out, "%s %" G_GINT64_FORMAT "\n", _("Without a task:"), self->items_without_task);
  g_string_append_printf (out, "%s ", _("Items by their most advanced task:"));
  append_states (out, self->items_in_state);
  g_string_append_printf (out, "%s ", _("Tasks:"));
  append_states (out, self->tasks);
  g_string_append_printf (out, "%s %" G_GINT64_FORMAT "\n", _("Annotations:"), self->n_annotations);

  if (self->n_annotators > 0)
    g_string_append_printf (out, "\n%s\n",
                            _("Annotators: tasks new, in progress, submitted, accepted, rejected; items done; "
                              "annotations; per active hour; last 24 hours; first and last annotation"));
  for (guint i = 0; i < self->n_annotators; i++)
    {
      const CalqueProgressAnnotator *a = &self->annotator_figures[i];
      g_autofree char *first = format_time (a->first_ms, FALSE, "%Y-%m-%d %H:%M");
      g_autofree char *last = format_time (a->last_ms, FALSE, "%Y-%m-%d %H:%M");
      g_autofree char *pace = isnan (a->per_hour) ? g_strdup ("–") : g_strdup_printf ("%.1f", a->per_hour);

      g_string_append_printf (out, "  %s  %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "  %" G_GINT64_FORMAT
                              "  %" G_GINT64_FORMAT "  %s  %" G_GINT64_FORMAT "  %s – %s\n",
                              a->name, a->tasks[0], a->tasks[1], a->tasks[2], a->tasks[3], a->tasks[4],
                              a->items_done, a->annotations, pace, a->recent, first, last);
    }

  if (self->n_label_figures > 0)
    g_string_append_printf (out, "\n%s\n", _("Labels: annotations, items"));
  for (guint i = 0; i < self->n_label_figures; i++)
    {
      const CalqueProgressLabel *l = &self->label_figures[i];

      g_string_append_printf (out, "  %s  %" G_GINT64_FORMAT "  %" G_GINT64_FORMAT "\n",
                              l->name ? l->name : l->id, l->annotations, l->items);
    }

  if (self->n_buckets > 0)
    g_string_append_printf (out, "\n%s\n", self->bucket_ms == HOUR_MS ? _("Annotations per hour (UTC)")
                                         : self->bucket_ms == DAY_MS ? _("Annotations per day (UTC)")
                                         : _("Annotations per period of days (UTC)"));
  for (guint i = 0; i < self->n_buckets; i++)
    most = MAX (most, self->series[i]);
  for (guint i = 0; i < self->n_buckets; i++)
    {
      g_autofree char *start = format_time (self->series_start + i * self->bucket_ms, TRUE,
                                            self->bucket_ms == HOUR_MS ? "%Y-%m-%d %H:%M" : "%Y-%m-%d");
      int width = (int) ((self->series[i] * 40 + most - 1) / most);

      g_string_append_printf (out, "  %s  %8" G_GINT64_FORMAT "  ", start, self->series[i]);
      for (int w = 0; w < width; w++)
        g_string_append (out, "▇");
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
