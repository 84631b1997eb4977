/* calque-agreement-report.c — how far a project's annotators agree
 *
 * One pass over the project's records (calque_store_foreach_project, so a
 * large project is not held as records) gathers each item's versions; the
 * comparisons then fill pooled counts per pair, annotator and label.
 */
#define G_LOG_DOMAIN "calque-agreement"

#include "calque-agreement-report.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-agreement-labels.h"
#include "calque-agreement-shapes.h"

/* Separates the labels of a whole-item label set in its category name. */
#define SET_SEPARATOR "\x1f"

typedef struct {
  double matched;
  double n_a;        /* shapes of the first side */
  double n_b;        /* shapes of the second side (the reference) */
  double iou_sum;    /* over the matched pairs */
} Counts;

/* One annotator's version of one item. */
typedef struct {
  char      *author;
  GPtrArray *shapes;   /* CalqueShape, those the project's type compares */
  GPtrArray *labels;   /* char *: each shape's first label id */
  char      *whole;    /* the whole-item label set (sorted ids), or NULL */
} Version;

typedef struct {
  char       *id;
  char       *name;
  GHashTable *versions;   /* author → Version */
  GPtrArray  *raters;     /* Version, compared: the versions minus a merging reviewer's */
  Version    *final;      /* borrowed from versions, or NULL */
  char       *review_decision;
  char       *review_task;
  char       *reviewer;
  gint64      review_time;
  double      score;
} Item;

typedef struct {
  char   *item;
  char   *annotator;
  char   *state;
} Task;

struct _CalqueAgreementReport
{
  CalqueAgreementOptions options;
  char       *project_name;
  CalqueMediaType media;

  GHashTable *label_names;   /* id → name */
  GHashTable *all_items;     /* id → Item */
  GHashTable *tasks;         /* id → Task */
  GPtrArray  *items;         /* Item, compared, lowest score first (borrowed from all_items) */
  GPtrArray  *annotators;    /* char *, sorted */
  GHashTable *annotator_index;   /* name → index + 1 */

  Counts      overall;
  Counts      overall_exact; /* text: spans matched only when start and end are equal */
  Counts     *pairs;         /* n × n, [a * n + b] with a < b */
  guint      *pair_items;
  Counts     *vs_others;
  guint      *others_items;
  Counts     *vs_final;
  guint      *final_items;
  guint      *whole_final_agree;
  guint      *whole_final_n;
  GHashTable *per_label;     /* id → Counts */
  CalqueRatings *ratings;    /* whole-item label sets: items × annotators */
};

/* --- gathering ---------------------------------------------------------------------- */

static void
version_free (Version *version)
{
  g_free (version->author);
  g_ptr_array_unref (version->shapes);
  g_ptr_array_unref (version->labels);
  g_free (version->whole);
  g_free (version);
}

static Version *
version_new (const char *author)
{
  Version *version = g_new0 (Version, 1);

  version->author = g_strdup (author);
  version->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_shape_free);
  version->labels = g_ptr_array_new_with_free_func (g_free);
  return version;
}

static void
item_free (Item *item)
{
  g_free (item->id);
  g_free (item->name);
  g_hash_table_unref (item->versions);
  g_clear_pointer (&item->raters, g_ptr_array_unref);
  g_free (item->review_decision);
  g_free (item->review_task);
  g_free (item->reviewer);
  g_free (item);
}

static void
task_free (Task *task)
{
  g_free (task->item);
  g_free (task->annotator);
  g_free (task->state);
  g_free (task);
}

static Version *
item_version (Item       *item,
              const char *author)
{
  Version *version = g_hash_table_lookup (item->versions, author);

  if (version == NULL)
    {
      version = version_new (author);
      g_hash_table_insert (item->versions, version->author, version);
    }
  return version;
}

/* Whether the project's type compares shapes of @kind. */
static gboolean
compares_kind (CalqueMediaType media,
               CalqueShapeKind kind)
{
  switch (media)
    {
    case CALQUE_MEDIA_IMAGE:
      return kind == CALQUE_SHAPE_BOX || kind == CALQUE_SHAPE_POLYGON;
    case CALQUE_MEDIA_TEXT:
      return kind == CALQUE_SHAPE_SPAN;
    case CALQUE_MEDIA_AUDIO:
      return kind == CALQUE_SHAPE_SEGMENT;
    default:
      return FALSE;
    }
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
add_annotation (CalqueAgreementReport *self,
                CalqueRecord          *annotation)
{
  Item *item = g_hash_table_lookup (self->all_items, calque_record_get_string (annotation, "item"));
  const char *author = calque_record_get_string (annotation, "author");
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  JsonArray *array = labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) ? json_node_get_array (labels) : NULL;
  g_autoptr(CalqueShape) shape = NULL;
  Version *version;

  /* A model's predictions are what annotators start from, not a rater. */
  if (item == NULL || author == NULL || calque_author_is_model (author))
    return;
  shape = calque_record_dup_shape (annotation, NULL);
  if (shape == NULL)
    return;
  version = item_version (item, author);

  if (shape->kind == CALQUE_SHAPE_CLASSIFICATION)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        g_ptr_array_add (ids, (gpointer) json_array_get_string_element (array, i));
      g_ptr_array_sort (ids, compare_strings);
      g_ptr_array_add (ids, NULL);
      g_free (version->whole);
      version->whole = ids->len > 1 ? g_strjoinv (SET_SEPARATOR, (char **) ids->pdata) : NULL;
      return;
    }
  if (!compares_kind (self->media, shape->kind))
    return;
  g_ptr_array_add (version->labels, g_strdup (array != NULL && json_array_get_length (array) > 0
                                              ? json_array_get_string_element (array, 0) : NULL));
  g_ptr_array_add (version->shapes, g_steal_pointer (&shape));
}

static gboolean
gather_cb (CalqueRecord  *record,
           gpointer       user_data,
           GError       **error)
{
  CalqueAgreementReport *self = user_data;

  if (calque_record_get_deleted (record))
    return TRUE;
  switch (calque_record_get_kind (record))
    {
    case CALQUE_KIND_LABEL:
      g_hash_table_insert (self->label_names, g_strdup (calque_record_get_id (record)),
                           g_strdup (calque_record_get_string (record, "name")));
      break;

    case CALQUE_KIND_ITEM:
      {
        Item *item = g_new0 (Item, 1);

        item->id = g_strdup (calque_record_get_id (record));
        item->name = g_strdup (calque_record_get_string (record, "name"));
        item->versions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) version_free);
        g_hash_table_insert (self->all_items, item->id, item);
        break;
      }

    case CALQUE_KIND_TASK:
      {
        Task *task = g_new0 (Task, 1);

        task->item = g_strdup (calque_record_get_string (record, "item"));
        task->annotator = g_strdup (calque_record_get_string (record, "annotator"));
        task->state = g_strdup (calque_record_get_string (record, "state"));
        g_hash_table_insert (self->tasks, g_strdup (calque_record_get_id (record)), task);
        break;
      }

    case CALQUE_KIND_ANNOTATION:
      add_annotation (self, record);
      break;

    case CALQUE_KIND_REVIEW:
      {
        Item *item = g_hash_table_lookup (self->all_items, calque_record_get_string (record, "item"));
        gint64 created = calque_record_get_int (record, "created", 0);

        /* The latest decision stands; records come oldest first. */
        if (item != NULL && created >= item->review_time)
          {
            item->review_time = created;
            g_free (item->review_decision);
            item->review_decision = g_strdup (calque_record_get_string (record, "decision"));
            g_free (item->review_task);
            item->review_task = g_strdup (calque_record_get_string (record, "task"));
            g_free (item->reviewer);
            item->reviewer = g_strdup (calque_record_get_string (record, "reviewer"));
          }
        break;
      }

    default:
      break;
    }
  return TRUE;
}

/* An annotator who submitted a task with nothing drawn said "nothing
 * here": an empty version, which disagrees with shapes found by others. */
static void
add_submitted_tasks (CalqueAgreementReport *self)
{
  GHashTableIter iter;
  Task *task;

  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    {
      Item *item = g_hash_table_lookup (self->all_items, task->item);

      if (item != NULL && task->annotator != NULL
          && (g_strcmp0 (task->state, "submitted") == 0 || g_strcmp0 (task->state, "accepted") == 0
              || g_strcmp0 (task->state, "rejected") == 0))
        item_version (item, task->annotator);
    }
}

static void
find_final (CalqueAgreementReport *self,
            Item                  *item)
{
  if (g_strcmp0 (item->review_decision, "accepted") == 0 && item->review_task != NULL)
    {
      Task *task = g_hash_table_lookup (self->tasks, item->review_task);

      if (task != NULL && task->annotator != NULL)
        item->final = g_hash_table_lookup (item->versions, task->annotator);
    }
  else if (g_strcmp0 (item->review_decision, "merged") == 0 && item->reviewer != NULL)
    item->final = g_hash_table_lookup (item->versions, item->reviewer);
}

static gint
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 ((*(Version * const *) a)->author, (*(Version * const *) b)->author);
}

/* --- comparing ---------------------------------------------------------------------------- */

static CalqueShapeMatch *
match_versions (CalqueAgreementReport *self,
                const Version         *a,
                const Version         *b,
                gboolean               exact)
{
  const CalqueShape * const *sa = (const CalqueShape * const *) a->shapes->pdata;
  const CalqueShape * const *sb = (const CalqueShape * const *) b->shapes->pdata;
  const char * const *la = (const char * const *) a->labels->pdata;
  const char * const *lb = (const char * const *) b->labels->pdata;

  switch (self->media)
    {
    case CALQUE_MEDIA_TEXT:
      return exact ? calque_match_spans_exact (sa, la, a->shapes->len, sb, lb, b->shapes->len, TRUE)
                   : calque_match_spans_overlap (sa, la, a->shapes->len, sb, lb, b->shapes->len, TRUE);
    case CALQUE_MEDIA_AUDIO:
      return calque_match_segments (sa, la, a->shapes->len, sb, lb, b->shapes->len, self->options.tolerance, TRUE);
    default:
      return calque_match_shapes (sa, la, a->shapes->len, sb, lb, b->shapes->len, self->options.iou_threshold, TRUE);
    }
}

static void
counts_add (Counts                 *counts,
            const CalqueShapeMatch *match,
            guint                   n_a,
            guint                   n_b)
{
  guint n_pairs;
  const CalqueShapePair *pairs = calque_shape_match_get_pairs (match, &n_pairs);

  counts->matched += n_pairs;
  counts->n_a += n_a;
  counts->n_b += n_b;
  for (guint i = 0; i < n_pairs; i++)
    counts->iou_sum += pairs[i].iou;
}

static double
counts_f1 (const Counts *counts)
{
  return counts->n_a + counts->n_b > 0 ? 2 * counts->matched / (counts->n_a + counts->n_b) : NAN;
}

static double
counts_precision (const Counts *counts)
{
  return counts->n_a > 0 ? counts->matched / counts->n_a : NAN;
}

static double
counts_recall (const Counts *counts)
{
  return counts->n_b > 0 ? counts->matched / counts->n_b : NAN;
}

static double
counts_mean_iou (const Counts *counts)
{
  return counts->matched > 0 ? counts->iou_sum / counts->matched : NAN;
}

static Counts *
label_counts (CalqueAgreementReport *self,
              const char            *label)
{
  Counts *counts = g_hash_table_lookup (self->per_label, label != NULL ? label : "");

  if (counts == NULL)
    {
      counts = g_new0 (Counts, 1);
      g_hash_table_insert (self->per_label, g_strdup (label != NULL ? label : ""), counts);
    }
  return counts;
}

static void
add_to_labels (CalqueAgreementReport  *self,
               const Version          *a,
               const Version          *b,
               const CalqueShapeMatch *match)
{
  guint n_pairs;
  const CalqueShapePair *pairs = calque_shape_match_get_pairs (match, &n_pairs);

  for (guint i = 0; i < a->labels->len; i++)
    label_counts (self, g_ptr_array_index (a->labels, i))->n_a++;
  for (guint i = 0; i < b->labels->len; i++)
    label_counts (self, g_ptr_array_index (b->labels, i))->n_b++;
  for (guint i = 0; i < n_pairs; i++)
    {
      Counts *counts = label_counts (self, g_ptr_array_index (a->labels, pairs[i].a));

      counts->matched++;
      counts->iou_sum += pairs[i].iou;
    }
}

static guint
annotator_index (CalqueAgreementReport *self,
                 const char            *author)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->annotator_index, author)) - 1;
}

/* Compares the raters of @item pair by pair, and each with the final. */
static void
compare_item (CalqueAgreementReport *self,
              Item                  *item,
              guint                  unit)
{
  guint n = self->annotators->len;
  double score_sum = 0;
  guint n_scores = 0;

  for (guint i = 0; i < item->raters->len; i++)
    {
      const Version *a = g_ptr_array_index (item->raters, i);
      guint ia = annotator_index (self, a->author);

      if (a->whole != NULL)
        calque_ratings_set (self->ratings, unit, ia, calque_ratings_intern_category (self->ratings, a->whole));

      for (guint j = i + 1; j < item->raters->len; j++)
        {
          const Version *b = g_ptr_array_index (item->raters, j);
          guint ib = annotator_index (self, b->author);
          g_autoptr(CalqueShapeMatch) match = match_versions (self, a, b, FALSE);
          guint lo = MIN (ia, ib), hi = MAX (ia, ib);
          Counts one = { 0 };
          double pair_score;
          guint parts = 1;

          counts_add (&one, match, a->shapes->len, b->shapes->len);
          counts_add (&self->overall, match, a->shapes->len, b->shapes->len);
          counts_add (&self->pairs[lo * n + hi], match, a->shapes->len, b->shapes->len);
          self->pair_items[lo * n + hi]++;
          counts_add (&self->vs_others[ia], match, a->shapes->len, b->shapes->len);
          counts_add (&self->vs_others[ib], match, b->shapes->len, a->shapes->len);
          add_to_labels (self, a, b, match);
          if (self->media == CALQUE_MEDIA_TEXT)
            {
              g_autoptr(CalqueShapeMatch) exact = match_versions (self, a, b, TRUE);

              counts_add (&self->overall_exact, exact, a->shapes->len, b->shapes->len);
            }

          /* Both found nothing: they agree. */
          pair_score = one.n_a + one.n_b > 0 ? counts_f1 (&one) : 1.0;
          if (a->whole != NULL && b->whole != NULL)
            {
              pair_score += g_strcmp0 (a->whole, b->whole) == 0 ? 1.0 : 0.0;
              parts++;
            }
          score_sum += pair_score / parts;
          n_scores++;
        }
      self->others_items[ia]++;

      if (item->final != NULL && item->final != a)
        {
          g_autoptr(CalqueShapeMatch) match = match_versions (self, a, item->final, FALSE);

          counts_add (&self->vs_final[ia], match, a->shapes->len, item->final->shapes->len);
          self->final_items[ia]++;
          if (a->whole != NULL && item->final->whole != NULL)
            {
              self->whole_final_n[ia]++;
              self->whole_final_agree[ia] += g_strcmp0 (a->whole, item->final->whole) == 0;
            }
        }
    }
  item->score = n_scores > 0 ? score_sum / n_scores : NAN;
}

static gint
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *ia = *(const Item * const *) a;
  const Item *ib = *(const Item * const *) b;

  if (ia->score != ib->score)
    return ia->score < ib->score ? -1 : 1;
  return g_strcmp0 (ia->name, ib->name);
}

/* --- the report ------------------------------------------------------------------------------- */

CalqueAgreementReport *
calque_agreement_report_new (CalqueStore                  *store,
                             CalqueRecord                 *project,
                             const CalqueAgreementOptions *options,
                             GError                      **error)
{
  g_autoptr(CalqueAgreementReport) self = g_new0 (CalqueAgreementReport, 1);
  CalqueAgreementOptions defaults = CALQUE_AGREEMENT_OPTIONS_INIT;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  Item *item;
  gpointer name;
  guint n;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self->options = options != NULL ? *options : defaults;
  self->project_name = g_strdup (calque_record_get_string (project, "name"));
  if (!calque_media_type_from_string (calque_record_get_string (project, "type"), &self->media))
    self->media = CALQUE_MEDIA_IMAGE;
  self->label_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->all_items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) item_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) task_free);
  self->per_label = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->items = g_ptr_array_new ();
  self->annotators = g_ptr_array_new_with_free_func (g_free);
  self->annotator_index = g_hash_table_new (g_str_hash, g_str_equal);

  if (!calque_store_foreach_project (store, calque_record_get_id (project), gather_cb, self, error))
    return NULL;
  add_submitted_tasks (self);

  /* The raters of each item, and everyone who rated any. */
  g_hash_table_iter_init (&iter, self->all_items);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      GHashTableIter versions;
      Version *version;

      find_final (self, item);
      item->raters = g_ptr_array_new ();
      g_hash_table_iter_init (&versions, item->versions);
      while (g_hash_table_iter_next (&versions, NULL, (gpointer *) &version))
        {
          /* A reviewer's merge is the final version, not a rating. */
          if (g_strcmp0 (item->review_decision, "merged") == 0 && g_strcmp0 (version->author, item->reviewer) == 0)
            continue;
          g_ptr_array_add (item->raters, version);
        }
      g_ptr_array_sort (item->raters, compare_versions);
      if (item->raters->len < 2)
        continue;
      g_ptr_array_add (self->items, item);
      for (guint i = 0; i < item->raters->len; i++)
        g_hash_table_add (names, ((Version *) g_ptr_array_index (item->raters, i))->author);
    }
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (self->annotators, g_strdup (name));
  g_ptr_array_sort (self->annotators, compare_strings);
  for (guint i = 0; i < self->annotators->len; i++)
    g_hash_table_insert (self->annotator_index, g_ptr_array_index (self->annotators, i), GUINT_TO_POINTER (i + 1));

  n = self->annotators->len;
  self->pairs = g_new0 (Counts, MAX (n * n, 1));
  self->pair_items = g_new0 (guint, MAX (n * n, 1));
  self->vs_others = g_new0 (Counts, MAX (n, 1));
  self->others_items = g_new0 (guint, MAX (n, 1));
  self->vs_final = g_new0 (Counts, MAX (n, 1));
  self->final_items = g_new0 (guint, MAX (n, 1));
  self->whole_final_agree = g_new0 (guint, MAX (n, 1));
  self->whole_final_n = g_new0 (guint, MAX (n, 1));
  self->ratings = calque_ratings_new (self->items->len, MAX (n, 1));

  for (guint i = 0; i < self->items->len; i++)
    compare_item (self, g_ptr_array_index (self->items, i), i);
  g_ptr_array_sort (self->items, compare_items);
  return g_steal_pointer (&self);
}

void
calque_agreement_report_free (CalqueAgreementReport *self)
{
  if (self == NULL)
    return;
  g_free (self->project_name);
  g_clear_pointer (&self->label_names, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->all_items, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_pointer (&self->annotator_index, g_hash_table_unref);
  g_clear_pointer (&self->annotators, g_ptr_array_unref);
  g_clear_pointer (&self->per_label, g_hash_table_unref);
  g_clear_pointer (&self->ratings, calque_ratings_free);
  g_free (self->pairs);
  g_free (self->pair_items);
  g_free (self->vs_others);
  g_free (self->others_items);
  g_free (self->vs_final);
  g_free (self->final_items);
  g_free (self->whole_final_agree);
  g_free (self->whole_final_n);
  g_free (self);
}

guint
calque_agreement_report_get_n_items (CalqueAgreementReport *self)
{
  return self->items->len;
}

const char *
calque_agreement_report_get_item_id (CalqueAgreementReport *self,
                                     guint                  position)
{
  g_return_val_if_fail (position < self->items->len, NULL);

  return ((Item *) g_ptr_array_index (self->items, position))->id;
}

double
calque_agreement_report_get_item_score (CalqueAgreementReport *self,
                                        guint                  position)
{
  g_return_val_if_fail (position < self->items->len, NAN);

  return ((Item *) g_ptr_array_index (self->items, position))->score;
}

gboolean
calque_agreement_report_get_vs_final (CalqueAgreementReport *self,
                                      const char            *annotator,
                                      double                *out_f1,
                                      guint                 *out_items,
                                      double                *out_whole_item)
{
  guint a;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (annotator != NULL, FALSE);

  if (!g_hash_table_contains (self->annotator_index, annotator))
    return FALSE;
  a = annotator_index (self, annotator);
  if (out_f1 != NULL)
    *out_f1 = counts_f1 (&self->vs_final[a]);
  if (out_items != NULL)
    *out_items = self->final_items[a];
  if (out_whole_item != NULL)
    *out_whole_item = self->whole_final_n[a] > 0 ? (double) self->whole_final_agree[a] / self->whole_final_n[a] : NAN;
  return TRUE;
}

/* --- output -------------------------------------------------------------------------------- */

/* NaN (undefined: nothing to measure) is written as null. */
static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, round (value * 10000) / 10000);
}

static void
add_counts (JsonBuilder  *builder,
            const Counts *counts)
{
  add_number (builder, "f1", counts_f1 (counts));
  add_number (builder, "precision", counts_precision (counts));
  add_number (builder, "recall", counts_recall (counts));
  add_number (builder, "mean_iou", counts_mean_iou (counts));
  json_builder_set_member_name (builder, "matched");
  json_builder_add_int_value (builder, (gint64) counts->matched);
  json_builder_set_member_name (builder, "shapes");
  json_builder_add_int_value (builder, (gint64) (counts->n_a + counts->n_b));
}

static const char *
label_name (CalqueAgreementReport *self,
            const char            *id)
{
  const char *name = g_hash_table_lookup (self->label_names, id);

  return name != NULL ? name : id;
}

static GPtrArray *
sorted_labels (CalqueAgreementReport *self)
{
  GPtrArray *ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->per_label);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, id);
  g_ptr_array_sort (ids, compare_strings);
  return ids;
}

JsonNode *
calque_agreement_report_to_json (CalqueAgreementReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) labels = sorted_labels (self);
  guint n = self->annotators->len;
  CalqueAgreement detail;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, self->project_name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, calque_media_type_to_string (self->media));
  add_number (builder, "iou_threshold", self->options.iou_threshold);
  add_number (builder, "tolerance", self->options.tolerance);
  json_builder_set_member_name (builder, "items_compared");
  json_builder_add_int_value (builder, self->items->len);

  json_builder_set_member_name (builder, "overall");
  json_builder_begin_object (builder);
  add_counts (builder, &self->overall);
  if (self->media == CALQUE_MEDIA_TEXT)
    add_number (builder, "f1_exact", counts_f1 (&self->overall_exact));
  json_builder_set_member_name (builder, "whole_item");
  json_builder_begin_object (builder);
  add_number (builder, "percent", calque_agreement_percent (self->ratings, &detail));
  json_builder_set_member_name (builder, "items");
  json_builder_add_int_value (builder, detail.n_units);
  add_number (builder, "fleiss_kappa", calque_agreement_fleiss_kappa (self->ratings, NULL));
  add_number (builder, "krippendorff_alpha", calque_agreement_krippendorff_alpha (self->ratings, NULL));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint a = 0; a < n; a++)
    for (guint b = a + 1; b < n; b++)
      {
        if (self->pair_items[a * n + b] == 0)
          continue;
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "a");
        json_builder_add_string_value (builder, g_ptr_array_index (self->annotators, a));
        json_builder_set_member_name (builder, "b");
        json_builder_add_string_value (builder, g_ptr_array_index (self->annotators, b));
        json_builder_set_member_name (builder, "items");
        json_builder_add_int_value (builder, self->pair_items[a * n + b]);
        add_counts (builder, &self->pairs[a * n + b]);
        add_number (builder, "cohen_kappa", calque_agreement_cohen_kappa (self->ratings, a, b, NULL));
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint a = 0; a < n; a++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, g_ptr_array_index (self->annotators, a));
      json_builder_set_member_name (builder, "items");
      json_builder_add_int_value (builder, self->others_items[a]);
      json_builder_set_member_name (builder, "vs_others");
      json_builder_begin_object (builder);
      add_counts (builder, &self->vs_others[a]);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "vs_final");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "items");
      json_builder_add_int_value (builder, self->final_items[a]);
      add_counts (builder, &self->vs_final[a]);
      add_number (builder, "whole_item_agreement",
                  self->whole_final_n[a] > 0 ? (double) self->whole_final_agree[a] / self->whole_final_n[a] : NAN);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "labels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *id = g_ptr_array_index (labels, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, label_name (self, id));
      add_counts (builder, g_hash_table_lookup (self->per_label, id));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, item->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, item->name);
      add_number (builder, "agreement", item->score);
      json_builder_set_member_name (builder, "annotators");
      json_builder_begin_array (builder);
      for (guint j = 0; j < item->raters->len; j++)
        json_builder_add_string_value (builder, ((Version *) g_ptr_array_index (item->raters, j))->author);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "final");
      if (item->final != NULL)
        json_builder_add_string_value (builder, item->final->author);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* "0.812", or "–" for a figure that does not exist. */
static char *
figure (double value)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.3f", value);
}

char *
calque_agreement_report_to_text (CalqueAgreementReport *self,
                                 guint                  n_items)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) labels = sorted_labels (self);
  guint n = self->annotators->len;
  CalqueAgreement detail;
  g_autofree char *f1 = figure (counts_f1 (&self->overall));
  g_autofree char *iou = figure (counts_mean_iou (&self->overall));
  double percent = calque_agreement_percent (self->ratings, &detail);

  g_string_append_printf (out, _("Agreement in “%s”. Items compared: %u. Annotators: %u.\n"),
                          self->project_name, self->items->len, n);
  if (self->media == CALQUE_MEDIA_AUDIO)
    g_string_append_printf (out, _("Segments match when both ends are within %.2f s, with the same label.\n"),
                            self->options.tolerance);
  else if (self->media == CALQUE_MEDIA_TEXT)
    g_string_append (out, _("Spans match when they overlap, with the same label.\n"));
  else
    g_string_append_printf (out, _("Shapes match at IoU ≥ %.2f, with the same label.\n"),
                            self->options.iou_threshold);
  g_string_append_printf (out, _("Overall: F1 %s, mean IoU %s (matched: %.0f of %.0f)\n"), f1, iou,
                          self->overall.matched, self->overall.n_a + self->overall.n_b);
  if (self->media == CALQUE_MEDIA_TEXT)
    {
      g_autofree char *exact = figure (counts_f1 (&self->overall_exact));

      g_string_append_printf (out, _("Spans with the very same ends: F1 %s\n"), exact);
    }
  if (detail.n_units > 0)
    {
      g_autofree char *p = figure (percent);
      g_autofree char *fleiss = figure (calque_agreement_fleiss_kappa (self->ratings, NULL));
      g_autofree char *alpha = figure (calque_agreement_krippendorff_alpha (self->ratings, NULL));

      g_string_append_printf (out, _("Whole-item labels: agreement %s, Fleiss’ κ %s, Krippendorff’s α %s (items: %u)\n"),
                              p, fleiss, alpha, detail.n_units);
    }

  g_string_append_printf (out, "\n%s\n", _("Pairs of annotators: items, F1, mean IoU, Cohen’s κ"));
  for (guint a = 0; a < n; a++)
    for (guint b = a + 1; b < n; b++)
      {
        g_autofree char *pf1 = NULL, *piou = NULL, *kappa = NULL;

        if (self->pair_items[a * n + b] == 0)
          continue;
        pf1 = figure (counts_f1 (&self->pairs[a * n + b]));
        piou = figure (counts_mean_iou (&self->pairs[a * n + b]));
        kappa = figure (calque_agreement_cohen_kappa (self->ratings, a, b, NULL));
        g_string_append_printf (out, "  %s – %s  %u  %s  %s  %s\n", (char *) g_ptr_array_index (self->annotators, a),
                                (char *) g_ptr_array_index (self->annotators, b), self->pair_items[a * n + b],
                                pf1, piou, kappa);
      }

  g_string_append_printf (out, "\n%s\n", _("Annotators: items, F1 against the others, F1 against the final version (items)"));
  for (guint a = 0; a < n; a++)
    {
      g_autofree char *others = figure (counts_f1 (&self->vs_others[a]));
      g_autofree char *final = figure (counts_f1 (&self->vs_final[a]));

      g_string_append_printf (out, "  %s  %u  %s  %s (%u)\n", (char *) g_ptr_array_index (self->annotators, a),
                              self->others_items[a], others, final, self->final_items[a]);
    }

  if (labels->len > 0)
    g_string_append_printf (out, "\n%s\n", _("Labels: F1, matched, shapes"));
  for (guint i = 0; i < labels->len; i++)
    {
      const char *id = g_ptr_array_index (labels, i);
      Counts *counts = g_hash_table_lookup (self->per_label, id);
      g_autofree char *lf1 = figure (counts_f1 (counts));

      g_string_append_printf (out, "  %s  %s  %.0f  %.0f\n", label_name (self, id), lf1, counts->matched,
                              counts->n_a + counts->n_b);
    }

  if (self->items->len > 0)
    g_string_append_printf (out, "\n%s\n", _("Items, lowest agreement first"));
  for (guint i = 0; i < self->items->len && (n_items == 0 || i < n_items); i++)
    {
      Item *item = g_ptr_array_index (self->items, i);
      g_autofree char *score = figure (item->score);

      g_string_append_printf (out, "  %s  %s\n", score, item->name);
    }
  if (n_items > 0 && self->items->len > n_items)
    g_string_append_printf (out, _("  … more: %u (--all lists them)\n"), self->items->len - n_items);
  return g_string_free (out, FALSE);
}
