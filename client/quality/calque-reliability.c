/* calque-reliability.c — per-annotator figures: reviews, agreement, time
 *
 * Reads the project's tasks and reviews, and takes the agreement with the
 * final version from the agreement report and the annotation counts from
 * the progress figures, rather than counting them a second way.
 */
#define G_LOG_DOMAIN "calque-reliability"

#include "calque-reliability.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "calque-agreement-report.h"
#include "calque-progress.h"
#include "calque-store-stats.h"

#define HOUR_MS (3600.0 * 1000.0)

struct _CalqueReliability
{
  char                       *project_name;
  CalqueReliabilityAnnotator *annotators;
  guint                       n_annotators;
};

typedef struct {
  CalqueReliabilityAnnotator figures;
  GArray *times;   /* gint64: active_ms of the timed tasks */
} Person;

static void
person_free (Person *person)
{
  g_free (person->figures.name);
  g_array_unref (person->times);
  g_free (person);
}

static Person *
person_get (GHashTable *people,
            const char *name)
{
  Person *person = g_hash_table_lookup (people, name);

  if (person == NULL)
    {
      person = g_new0 (Person, 1);
      person->figures.name = g_strdup (name);
      person->times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (people, person->figures.name, person);
    }
  return person;
}

static void
item_id_cb (const char *id,
            gpointer    user_data)
{
  g_hash_table_add (user_data, g_strdup (id));
}

static gint
compare_ms (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const CalqueReliabilityAnnotator *) a)->name,
                 ((const CalqueReliabilityAnnotator *) b)->name);
}

static gboolean
is_state (CalqueRecord *task,
          const char   *state)
{
  return g_strcmp0 (calque_record_get_string (task, "state"), state) == 0;
}

/* The figures that follow from the counts. */
static void
finish_person (Person                *person,
               CalqueAgreementReport *report,
               CalqueProgress        *progress)
{
  CalqueReliabilityAnnotator *a = &person->figures;
  const CalqueProgressAnnotator *counted;
  guint n_counted;
  double hours = a->active_ms / HOUR_MS;

  a->rejection_rate = a->accepted + a->rejected > 0 ? (double) a->rejected / (a->accepted + a->rejected) : NAN;

  a->f1_vs_final = NAN;
  a->whole_item_vs_final = NAN;
  calque_agreement_report_get_vs_final (report, a->name, &a->f1_vs_final, &a->final_items,
                                        &a->whole_item_vs_final);

  counted = calque_progress_get_annotators (progress, &n_counted);
  for (guint i = 0; i < n_counted; i++)
    if (strcmp (counted[i].name, a->name) == 0)
      a->annotations = counted[i].annotations;

  a->timed = person->times->len;
  a->items_per_hour = a->active_ms > 0 ? a->timed / hours : NAN;
  a->annotations_per_hour = a->active_ms > 0 ? a->annotations / hours : NAN;
  a->median_ms = -1;
  a->mean_ms = NAN;
  if (person->times->len > 0)
    {
      const gint64 *ms = (const gint64 *) (gpointer) person->times->data;
      guint n = person->times->len;
      double sum = 0;

      g_array_sort (person->times, compare_ms);
      a->median_ms = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
      for (guint i = 0; i < n; i++)
        sum += ms[i];
      a->mean_ms = sum / n;
    }
}

CalqueReliability *
calque_reliability_new (CalqueStore   *store,
                        CalqueRecord  *project,
                        GError       **error)
{
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) people = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) person_free);
  g_autoptr(GHashTable) task_owner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(CalqueProgress) progress = NULL;
  CalqueAgreementOptions options = CALQUE_AGREEMENT_OPTIONS_INIT;
  const char *project_id;
  CalqueReliability *self;
  GHashTableIter iter;
  gpointer value;
  guint i = 0;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  project_id = calque_record_get_id (project);
  if (!calque_store_foreach_item_id (store, project_id, item_id_cb, items, error))
    return NULL;
  tasks = calque_store_list (store, CALQUE_KIND_TASK, project_id, error);
  if (tasks == NULL)
    return NULL;
  reviews = calque_store_list (store, CALQUE_KIND_REVIEW, project_id, error);
  if (reviews == NULL)
    return NULL;
  report = calque_agreement_report_new (store, project, &options, error);
  if (report == NULL)
    return NULL;
  progress = calque_progress_new (store, project_id, -1, error);
  if (progress == NULL)
    return NULL;

  for (guint t = 0; t < tasks->len; t++)
    {
      CalqueRecord *task = g_ptr_array_index (tasks, t);
      const char *annotator = calque_record_get_string (task, "annotator");
      gboolean handed_in;
      Person *person;

      if (annotator == NULL || calque_author_is_model (annotator)
          || !g_hash_table_contains (items, calque_record_get_string (task, "item")))
        continue;
      person = person_get (people, annotator);
      g_hash_table_insert (task_owner, g_strdup (calque_record_get_id (task)), person);

      handed_in = is_state (task, "submitted") || is_state (task, "accepted") || is_state (task, "rejected");
      person->figures.tasks++;
      person->figures.submitted += handed_in;
      person->figures.accepted += is_state (task, "accepted");
      if (calque_record_has_field (task, "active_ms"))
        {
          gint64 ms = calque_record_get_int (task, "active_ms", 0);

          person->figures.active_ms += ms;
          if (handed_in)
            g_array_append_val (person->times, ms);
        }
    }

  for (guint r = 0; r < reviews->len; r++)
    {
      CalqueRecord *review = g_ptr_array_index (reviews, r);
      const char *task_id = calque_record_get_string (review, "task");
      Person *person = task_id != NULL ? g_hash_table_lookup (task_owner, task_id) : NULL;

      if (person != NULL && g_strcmp0 (calque_record_get_string (review, "decision"), "rejected") == 0)
        person->figures.rejected++;
    }

  self = g_new0 (CalqueReliability, 1);
  self->project_name = g_strdup (calque_record_get_string (project, "name"));
  self->n_annotators = g_hash_table_size (people);
  self->annotators = g_new0 (CalqueReliabilityAnnotator, MAX (self->n_annotators, 1));
  g_hash_table_iter_init (&iter, people);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Person *person = value;

      finish_person (person, report, progress);
      self->annotators[i] = person->figures;
      /* The name moves to the result. */
      self->annotators[i++].name = g_strdup (person->figures.name);
    }
  qsort (self->annotators, self->n_annotators, sizeof (CalqueReliabilityAnnotator), compare_names);
  return self;
}

void
calque_reliability_free (CalqueReliability *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_annotators; i++)
    g_free (self->annotators[i].name);
  g_free (self->annotators);
  g_free (self->project_name);
  g_free (self);
}

const CalqueReliabilityAnnotator *
calque_reliability_get_annotators (CalqueReliability *self,
                                   guint             *n_annotators)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_annotators != NULL)
    *n_annotators = self->n_annotators;
  return self->annotators;
}

const CalqueReliabilityAnnotator *
calque_reliability_find (CalqueReliability *self,
                         const char        *name)
{
  CalqueReliabilityAnnotator key = { .name = (char *) name };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return bsearch (&key, self->annotators, self->n_annotators, sizeof (CalqueReliabilityAnnotator), compare_names);
}

/* --- output ------------------------------------------------------------------ */

char *
calque_reliability_format_duration (gint64 ms)
{
  gint64 s;

  if (ms < 0)
    return g_strdup ("–");
  s = (ms + 500) / 1000;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60), (int) (s % 60));
}

/* NaN (nothing to measure) is written as null. */
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
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static gboolean
wanted (const CalqueReliabilityAnnotator *a,
        const char                       *annotator)
{
  return annotator == NULL || strcmp (a->name, annotator) == 0;
}

JsonNode *
calque_reliability_to_json (CalqueReliability *self,
                            const char        *annotator)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, self->project_name);
  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_annotators; i++)
    {
      const CalqueReliabilityAnnotator *a = &self->annotators[i];

      if (!wanted (a, annotator))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, a->name);
      add_int (builder, "tasks", a->tasks);
      add_int (builder, "submitted", a->submitted);
      add_int (builder, "accepted", a->accepted);
      add_int (builder, "rejected", a->rejected);
      add_number (builder, "rejection_rate", a->rejection_rate);
      json_builder_set_member_name (builder, "vs_final");
      json_builder_begin_object (builder);
      add_int (builder, "items", a->final_items);
      add_number (builder, "f1", a->f1_vs_final);
      add_number (builder, "whole_item_agreement", a->whole_item_vs_final);
      json_builder_end_object (builder);
      add_int (builder, "active_ms", a->active_ms);
      add_int (builder, "timed", a->timed);
      add_number (builder, "items_per_hour", a->items_per_hour);
      json_builder_set_member_name (builder, "median_ms");
      if (a->median_ms < 0)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, a->median_ms);
      add_number (builder, "mean_ms", a->mean_ms);
      add_int (builder, "annotations", a->annotations);
      add_number (builder, "annotations_per_hour", a->annotations_per_hour);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
figure (double value,
        const char *format)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf (format, value);
}

char *
calque_reliability_to_text (CalqueReliability *self,
                            const char        *annotator)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, _("Annotator reliability in “%s”\n"), self->project_name);
  for (guint i = 0; i < self->n_annotators; i++)
    {
      const CalqueReliabilityAnnotator *a = &self->annotators[i];
      g_autofree char *rate = figure (100 * a->rejection_rate, "%.0f%%");
      g_autofree char *f1 = figure (a->f1_vs_final, "%.3f");
      g_autofree char *whole = figure (a->whole_item_vs_final, "%.3f");
      g_autofree char *active = calque_reliability_format_duration (a->active_ms);
      g_autofree char *per_hour = figure (a->items_per_hour, "%.1f");
      g_autofree char *median = calque_reliability_format_duration (a->median_ms);
      g_autofree char *mean = calque_reliability_format_duration (isnan (a->mean_ms) ? -1 : (gint64) round (a->mean_ms));
      g_autofree char *annotations_per_hour = figure (a->annotations_per_hour, "%.1f");

      if (!wanted (a, annotator))
        continue;
      g_string_append_printf (out, "\n%s\n", a->name);
      /* %lld with casts: gettext cannot read G_GINT64_FORMAT in a message. */
      g_string_append_printf (out, _("  Tasks: %lld; submitted %lld, accepted %lld, rejected %lld (rejection rate %s)\n"),
                              (long long) a->tasks, (long long) a->submitted, (long long) a->accepted,
                              (long long) a->rejected, rate);
      g_string_append_printf (out, _("  Agreement with the final version: F1 %s over %u items, whole-item labels %s\n"),
                              f1, a->final_items, whole);
      g_string_append_printf (out, _("  Active time: %s; %lld timed items, %s per hour; "
                                     "time per item: median %s, mean %s\n"),
                              active, (long long) a->timed, per_hour, median, mean);
      g_string_append_printf (out, _("  Annotations: %lld, %s per active hour\n"),
                              (long long) a->annotations, annotations_per_hour);
    }
  return g_string_free (out, FALSE);
}
