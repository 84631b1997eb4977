/* calque-history.c — undo and redo of edits saved in the workspace */
#define G_LOG_DOMAIN "calque-history"

#include "calque-history.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* One record as one step changed it. */
typedef struct
{
  char         *id;
  CalqueRecord *before;   /* NULL: the step created it */
  CalqueRecord *after;
  GHashTable   *fields;   /* the fields the step changed; "deleted" too */
} Entry;

typedef struct
{
  char      *label;
  GPtrArray *entries;     /* Entry, in the order they were saved */
} Step;

struct _CalqueHistory
{
  GObject      parent_instance;

  CalqueStore *store;
  GQueue       undo;      /* Step, newest at the head */
  GQueue       redo;      /* Step, next to redo at the head */
  Step        *group;     /* the step being gathered, or NULL */
  guint        group_depth;
};

enum { PROP_0, PROP_CAN_UNDO, PROP_CAN_REDO, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueHistory, calque_history, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_clear_object (&entry->before);
  g_clear_object (&entry->after);
  g_clear_pointer (&entry->fields, g_hash_table_unref);
  g_free (entry);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return step;
}

static void
step_free (Step *step)
{
  g_free (step->label);
  g_ptr_array_unref (step->entries);
  g_free (step);
}

static Entry *
step_find (Step       *step,
           const char *id)
{
  for (guint i = 0; i < step->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (step->entries, i);

      if (strcmp (entry->id, id) == 0)
        return entry;
    }
  return NULL;
}

static void
notify_can (CalqueHistory *self,
            gboolean       could_undo,
            gboolean       could_redo)
{
  if (could_undo != calque_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != calque_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
push_undo (CalqueHistory *self,
           Step          *step)
{
  g_queue_push_head (&self->undo, step);
  while (self->undo.length > CALQUE_HISTORY_MAX_STEPS)
    step_free (g_queue_pop_tail (&self->undo));
}

static void
clear_redo (CalqueHistory *self)
{
  Step *step;

  while ((step = g_queue_pop_head (&self->redo)) != NULL)
    step_free (step);
}

/* Saves, in one transaction, the values each entry of @step had on one
 * side (before for undo, after for redo) for the fields it changed. */
static gboolean
apply_step (CalqueHistory  *self,
            Step           *step,
            gboolean        backwards,
            GError        **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (!calque_store_begin (self->store, error))
    return FALSE;

  for (guint n = 0; n < step->entries->len; n++)
    {
      Entry *entry = g_ptr_array_index (step->entries, backwards ? step->entries->len - 1 - n : n);
      CalqueRecord *side = backwards ? entry->before : entry->after;
      CalqueRecord *other = backwards ? entry->after : entry->before;
      g_autoptr(CalqueRecord) current = calque_store_get (self->store, entry->id, error);
      GHashTableIter iter;
      gpointer field;

      if (current == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND,
                         _("record %s is no longer in the workspace"), entry->id);
          calque_store_rollback (self->store);
          return FALSE;
        }

      if (side == NULL)
        {
          /* Undoing its creation: it goes, as a tombstone the others see. */
          calque_record_set_deleted (current, TRUE);
        }
      else
        {
          /* Whether it exists is the step's to set back when the step
           * deleted it or (redone) created it; not otherwise, so that an
           * undo never brings back what a teammate deleted since. */
          if (other == NULL || g_hash_table_contains (entry->fields, "deleted"))
            calque_record_set_deleted (current, calque_record_get_deleted (side));
          g_hash_table_iter_init (&iter, entry->fields);
          while (g_hash_table_iter_next (&iter, &field, NULL))
            {
              JsonNode *value;

              if (strcmp (field, "deleted") == 0)
                continue;
              value = calque_record_get_field (side, field);
              if (value != NULL)
                calque_record_set_field (current, field, json_node_copy (value));
              else
                calque_record_remove_field (current, field);
            }
        }

      if (!calque_store_save (self->store, current, error))
        {
          calque_store_rollback (self->store);
          return FALSE;
        }
      g_ptr_array_add (ids, entry->id);
    }

  if (!calque_store_commit (self->store, error))
    {
      calque_store_rollback (self->store);
      return FALSE;
    }

  g_ptr_array_add (ids, NULL);
  g_signal_emit (self, signals[CHANGED], 0, (char **) ids->pdata);
  return TRUE;
}

static void
calque_history_dispose (GObject *object)
{
  CalqueHistory *self = CALQUE_HISTORY (object);

  g_queue_clear_full (&self->undo, (GDestroyNotify) step_free);
  g_queue_clear_full (&self->redo, (GDestroyNotify) step_free);
  g_clear_pointer (&self->group, step_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (calque_history_parent_class)->dispose (object);
}

static void
calque_history_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CalqueHistory *self = CALQUE_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, calque_history_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, calque_history_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_history_class_init (CalqueHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_history_dispose;
  object_class->get_property = calque_history_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CalqueHistory::changed:
   * @ids: the records an undo or a redo saved
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
calque_history_init (CalqueHistory *self)
{
  g_queue_init (&self->undo);
  g_queue_init (&self->redo);
}

CalqueHistory *
calque_history_new (CalqueStore *store)
{
  CalqueHistory *self;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);

  self = g_object_new (CALQUE_TYPE_HISTORY, NULL);
  self->store = g_object_ref (store);
  return self;
}

gboolean
calque_history_save (CalqueHistory  *self,
                     CalqueRecord   *record,
                     const char     *label,
                     GError        **error)
{
  g_autoptr(CalqueRecord) before = NULL;
  g_auto(GStrv) dirty = NULL;
  gboolean could_undo, could_redo;
  Step *step;
  Entry *entry;

  g_return_val_if_fail (CALQUE_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (record), FALSE);

  before = calque_store_get (self->store, calque_record_get_id (record), NULL);
  dirty = calque_record_dup_dirty_fields (record);
  if (!calque_store_save (self->store, record, error))
    return FALSE;
  if (dirty[0] == NULL)
    return TRUE;   /* nothing changed: no step */

  could_undo = calque_history_can_undo (self);
  could_redo = calque_history_can_redo (self);

  step = self->group;
  if (step == NULL)
    step = step_new (label);

  entry = step_find (step, calque_record_get_id (record));
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->id = g_strdup (calque_record_get_id (record));
      /* A tombstone before is a record that did exist: undo undeletes it. */
      entry->before = g_steal_pointer (&before);
      entry->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_ptr_array_add (step->entries, entry);
    }
  g_set_object (&entry->after, NULL);
  entry->after = calque_record_copy (record);
  for (guint i = 0; dirty[i] != NULL; i++)
    g_hash_table_add (entry->fields, g_strdup (dirty[i]));

  if (self->group == NULL)
    push_undo (self, step);
  clear_redo (self);
  notify_can (self, could_undo, could_redo);
  return TRUE;
}

void
calque_history_begin_group (CalqueHistory *self,
                            const char    *label)
{
  g_return_if_fail (CALQUE_IS_HISTORY (self));

  if (self->group_depth++ == 0)
    self->group = step_new (label);
}

void
calque_history_end_group (CalqueHistory *self)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_if_fail (CALQUE_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  step = g_steal_pointer (&self->group);
  if (step->entries->len == 0)
    {
      step_free (step);
      return;
    }
  could_undo = calque_history_can_undo (self);
  could_redo = calque_history_can_redo (self);
  push_undo (self, step);
  notify_can (self, could_undo, could_redo);
}

gboolean
calque_history_can_undo (CalqueHistory *self)
{
  g_return_val_if_fail (CALQUE_IS_HISTORY (self), FALSE);

  return self->undo.length > 0;
}

gboolean
calque_history_can_redo (CalqueHistory *self)
{
  g_return_val_if_fail (CALQUE_IS_HISTORY (self), FALSE);

  return self->redo.length > 0;
}

const char *
calque_history_get_undo_label (CalqueHistory *self)
{
  Step *step;

  g_return_val_if_fail (CALQUE_IS_HISTORY (self), NULL);

  step = g_queue_peek_head (&self->undo);
  return step != NULL ? step->label : NULL;
}

const char *
calque_history_get_redo_label (CalqueHistory *self)
{
  Step *step;

  g_return_val_if_fail (CALQUE_IS_HISTORY (self), NULL);

  step = g_queue_peek_head (&self->redo);
  return step != NULL ? step->label : NULL;
}

gboolean
calque_history_undo (CalqueHistory  *self,
                     GError        **error)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_val_if_fail (CALQUE_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group == NULL, FALSE);

  step = g_queue_peek_head (&self->undo);
  if (step == NULL)
    return TRUE;
  could_undo = calque_history_can_undo (self);
  could_redo = calque_history_can_redo (self);
  if (!apply_step (self, step, TRUE, error))
    return FALSE;
  g_queue_push_head (&self->redo, g_queue_pop_head (&self->undo));
  notify_can (self, could_undo, could_redo);
  return TRUE;
}

gboolean
calque_history_redo (CalqueHistory  *self,
                     GError        **error)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_val_if_fail (CALQUE_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group == NULL, FALSE);

  step = g_queue_peek_head (&self->redo);
  if (step == NULL)
    return TRUE;
  could_undo = calque_history_can_undo (self);
  could_redo = calque_history_can_redo (self);
  if (!apply_step (self, step, FALSE, error))
    return FALSE;
  push_undo (self, g_queue_pop_head (&self->redo));
  notify_can (self, could_undo, could_redo);
  return TRUE;
}

void
calque_history_clear (CalqueHistory *self)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (CALQUE_IS_HISTORY (self));

  could_undo = calque_history_can_undo (self);
  could_redo = calque_history_can_redo (self);
  g_queue_clear_full (&self->undo, (GDestroyNotify) step_free);
  g_queue_clear_full (&self->redo, (GDestroyNotify) step_free);
  notify_can (self, could_undo, could_redo);
}
