/* calque-merge.c — applying a change to a record: per-field last writer wins */
#define G_LOG_DOMAIN "calque-merge"

#include "calque-merge.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-merge-error-quark, calque_merge_error)

/* The node half of a clock string, "time-node". */
#define CLOCK_NODE(clock) ((clock) + 17)

void
calque_merge_result_clear (CalqueMergeResult *result)
{
  g_clear_object (&result->record);
  g_clear_pointer (&result->applied, g_strfreev);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
}

/* A JSON null in a change means "remove the field", which an absent field
 * equals. */
static gboolean
same_value (JsonNode *incoming,
            JsonNode *current)
{
  gboolean incoming_absent = incoming == NULL || JSON_NODE_HOLDS_NULL (incoming);

  if (current == NULL)
    return incoming_absent;
  return !incoming_absent && json_node_equal (incoming, current);
}

static void
add_conflict (CalqueMergeResult        *out,
              const CalqueChange       *change,
              const char               *field,
              JsonNode                 *value,
              const char               *clock,
              const char               *author,
              gint64                    seq,
              const CalqueMergeOptions *options)
{
  CalqueRecord *conflict = calque_record_new (CALQUE_KIND_CONFLICT, change->project);

  calque_record_set_string (conflict, "record", change->record_id);
  calque_record_set_string (conflict, "field", field);
  calque_record_set_field (conflict, "value",
                           value ? calque_json_node_deep_copy (value) : json_node_new (JSON_NODE_NULL));
  if (clock)
    calque_record_set_string (conflict, "clock", clock);
  if (author)
    calque_record_set_string (conflict, "author", author);
  if (seq > 0)
    calque_record_set_int (conflict, "seq", seq);
  calque_record_set_int (conflict, "created", MAX (options->now_ms, 0));
  g_ptr_array_add (out->conflicts, conflict);
}

static void
write_field (CalqueRecord *record,
             const char   *field,
             JsonNode     *value,
             const char   *clock,
             gint64        seq)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    calque_record_remove_field (record, field);
  else
    calque_record_set_field (record, field, calque_json_node_deep_copy (value));
  /* A removal keeps its clock too: a later, older write must still lose. */
  calque_record_set_clock (record, field, clock);
  calque_record_set_seq (record, field, seq);
}

/* A write of the value @field has already: only its clock may move on. */
static void
take_later_clock (CalqueRecord *record,
                  const char   *field,
                  const char   *clock,
                  gint64        seq)
{
  const char *current = calque_record_get_clock (record, field);

  if (current == NULL || strcmp (clock, current) > 0)
    {
      calque_record_set_clock (record, field, clock);
      calque_record_set_seq (record, field, seq);
    }
}

gboolean
calque_merge_change (CalqueRecord             *current,
                     const CalqueChange       *change,
                     gint64                    seq,
                     const CalqueMergeOptions *options,
                     CalqueMergeResult        *out,
                     GError                  **error)
{
  g_autoptr(CalqueRecord) record = NULL;
  g_autoptr(GStrvBuilder) applied = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  char clock[CALQUE_HLC_STRING_LENGTH + 1];
  JsonObjectIter iter;
  const char *field;
  JsonNode *value;

  g_return_val_if_fail (change != NULL && options != NULL && out != NULL, FALSE);
  g_return_val_if_fail (current == NULL || CALQUE_IS_RECORD (current), FALSE);

  memset (out, 0, sizeof *out);
  out->conflicts = g_ptr_array_new_with_free_func (g_object_unref);
  calque_hlc_to_string (&change->hlc, clock);

  if (options->max_ahead_ms >= 0
      && calque_hlc_get_ms (&change->hlc) - options->now_ms > options->max_ahead_ms)
    {
      g_set_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_CLOCK_AHEAD,
                   _("the change’s clock is %.1f s ahead of the server (at most %.1f s allowed); check the computer’s date and time"),
                   (calque_hlc_get_ms (&change->hlc) - options->now_ms) / 1000.0,
                   options->max_ahead_ms / 1000.0);
      return FALSE;
    }

  if (current
      && (calque_record_get_kind (current) != change->kind
          || strcmp (calque_record_get_project (current), change->project) != 0))
    {
      g_set_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_MISMATCH,
                   _("record %s is a %s of project %s; the change says %s of project %s"),
                   change->record_id,
                   calque_kind_to_string (calque_record_get_kind (current)), calque_record_get_project (current),
                   calque_kind_to_string (change->kind), change->project);
      return FALSE;
    }

  record = current
           ? calque_record_copy (current)
           : calque_record_new_with_id (change->kind, change->record_id, change->project);

  if (current && calque_record_get_deleted (current) && !change->undelete)
    {
      if (change->delete_record && json_object_get_size (change->set) == 0)
        {
          /* Deleting what is deleted already changes no value, but the
           * later of the two deletes' clocks is the field's, as for any
           * field written twice with the same value: every side ends
           * with the same clock whichever delete it saw first. */
          take_later_clock (record, "deleted", clock, seq);
          out->record = g_steal_pointer (&record);
          out->applied = g_strv_builder_end (applied);
          return TRUE;
        }

      /* Deletes win: the edit is refused, but what it said is kept. */
      if (options->make_conflicts)
        {
          json_object_iter_init_ordered (&iter, change->set);
          while (json_object_iter_next_ordered (&iter, &field, &value))
            add_conflict (out, change, field, value, clock, change->author, seq, options);
        }
      out->record = g_steal_pointer (&record);
      out->applied = g_strv_builder_end (applied);
      g_set_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_DELETED,
                   _("%s %s was deleted; the edit was not applied"),
                   calque_kind_to_string (change->kind), change->record_id);
      return FALSE;
    }

  if (change->undelete && calque_record_get_deleted (record))
    {
      calque_record_set_deleted (record, FALSE);
      calque_record_set_clock (record, "deleted", clock);
      calque_record_set_seq (record, "deleted", seq);
      g_strv_builder_add (applied, "deleted");
    }
  else if (change->undelete)
    take_later_clock (record, "deleted", clock, seq);   /* undeleting what is live: as above */

  json_object_iter_init_ordered (&iter, change->set);
  while (json_object_iter_next_ordered (&iter, &field, &value))
    {
      const char *current_clock = calque_record_get_clock (record, field);
      JsonNode *current_value = calque_record_get_field (record, field);
      gboolean same = same_value (value, current_value);
      int order = current_clock ? strcmp (clock, current_clock) : 1;

      if (order > 0)
        {
          /* Written after the writer's base_seq, by someone else: the
           * writer never saw it, and it is about to be overwritten. */
          gboolean concurrent = current_clock
                                && calque_record_get_seq (record, field) > change->base_seq
                                && strcmp (CLOCK_NODE (current_clock), CLOCK_NODE (clock)) != 0;

          if (concurrent && !same && options->make_conflicts)
            add_conflict (out, change, field, current_value, current_clock, NULL,
                          calque_record_get_seq (record, field), options);
          write_field (record, field, value, clock, seq);
          if (!same)
            g_strv_builder_add (applied, field);
        }
      else if (order < 0 && !same && options->make_conflicts)
        {
          /* A newer write is there: the incoming value loses, visibly. */
          add_conflict (out, change, field, value, clock, change->author, seq, options);
        }
      /* order == 0: the same write again (a retried push): nothing. */
    }

  if (change->delete_record && !calque_record_get_deleted (record))
    {
      calque_record_set_deleted (record, TRUE);
      calque_record_set_clock (record, "deleted", clock);
      calque_record_set_seq (record, "deleted", seq);
      g_strv_builder_add (applied, "deleted");
    }

  if (!calque_record_validate (record, &local_error))
    {
      g_set_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_INVALID,
                   _("the change would leave an invalid record: %s"), local_error->message);
      calque_merge_result_clear (out);
      return FALSE;
    }

  calque_record_mark_clean (record);
  out->record = g_steal_pointer (&record);
  out->applied = g_strv_builder_end (applied);
  return TRUE;
}
