/* calque-item-filter.c — which items of a project the item table shows */
#define G_LOG_DOMAIN "calque-item-filter"

#include "calque-item-filter.h"

/* The states of a task, in the order of calque-record.c's schema; a state
 * is kept as its index + 1, so that 0 (NULL) means "no task". */
static const char * const task_states[] = {
  "new", "in_progress", "submitted", "accepted", "rejected",
};

struct _CalqueItemFilter {
  GtkFilter     parent_instance;

  CalqueStore  *store;
  char         *project_id;
  char         *user;

  /* Criteria */
  gboolean      mine_only;
  guint         state;     /* index + 1 in task_states, 0 for any */
  char         *label_id;

  /* What load() found. Item ids are interned in one chunk: 100,000 items
   * are a few MB of ids, once, however many tables point to them. */
  GStringChunk *ids;
  GHashTable   *user_states;  /* item id → state index + 1 of the user's task */
  GHashTable   *any_states;   /* item id → bit (1 << index) of every task's state */
  GHashTable   *label_items;  /* label id → set of item ids */
};

G_DEFINE_FINAL_TYPE (CalqueItemFilter, calque_item_filter, GTK_TYPE_FILTER)

enum {
  PROP_0,
  PROP_MINE_ONLY,
  PROP_STATE,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static guint
state_from_string (const char *state)
{
  if (state == NULL)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (task_states); i++)
    if (g_str_equal (state, task_states[i]))
      return i + 1;
  return 0;
}

static const char *
state_to_string (guint state)
{
  return state > 0 && state <= G_N_ELEMENTS (task_states) ? task_states[state - 1] : NULL;
}

static void
clear_tables (CalqueItemFilter *self)
{
  g_hash_table_remove_all (self->user_states);
  g_hash_table_remove_all (self->any_states);
  g_hash_table_remove_all (self->label_items);
  /* After the tables that point into it. */
  g_string_chunk_clear (self->ids);
}

static void
add_task (CalqueItemFilter *self,
          CalqueRecord     *task)
{
  const char *item_id = calque_record_get_string (task, "item");
  guint state = state_from_string (calque_record_get_string (task, "state"));
  const char *id;
  guint bits;

  if (item_id == NULL || state == 0)
    return;

  id = g_string_chunk_insert_const (self->ids, item_id);
  bits = GPOINTER_TO_UINT (g_hash_table_lookup (self->any_states, id));
  g_hash_table_insert (self->any_states, (char *) id, GUINT_TO_POINTER (bits | (1u << (state - 1))));

  /* Should the user have two tasks on one item (reassigned, say), the
   * later one in the store's order is shown. */
  if (self->user != NULL && g_strcmp0 (calque_record_get_string (task, "annotator"), self->user) == 0)
    g_hash_table_insert (self->user_states, (char *) id, GUINT_TO_POINTER (state));
}

static void
add_annotation (CalqueItemFilter *self,
                CalqueRecord     *annotation)
{
  const char *item_id = calque_record_get_string (annotation, "item");
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  JsonArray *array;
  const char *id;

  if (item_id == NULL || labels == NULL || !JSON_NODE_HOLDS_ARRAY (labels))
    return;

  id = g_string_chunk_insert_const (self->ids, item_id);
  array = json_node_get_array (labels);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *label_id;
      GHashTable *items;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      label_id = json_node_get_string (node);
      items = g_hash_table_lookup (self->label_items, label_id);
      if (items == NULL)
        {
          items = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (self->label_items, g_strdup (label_id), items);
        }
      g_hash_table_add (items, (char *) id);
    }
}

static gboolean
add_record_cb (CalqueRecord  *record,
               gpointer       user_data,
               GError       **error)
{
  CalqueItemFilter *self = user_data;

  if (calque_record_get_deleted (record))
    return TRUE;

  switch (calque_record_get_kind (record))
    {
    case CALQUE_KIND_TASK:
      add_task (self, record);
      break;
    case CALQUE_KIND_ANNOTATION:
      add_annotation (self, record);
      break;
    default:
      break;
    }
  return TRUE;
}

/* g_set_str() is GLib 2.76. */
static gboolean
replace_str (char       **str_pointer,
             const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;
  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

static gboolean
has_criteria (CalqueItemFilter *self)
{
  return self->mine_only || self->state != 0 || self->label_id != NULL;
}

/* GtkFilter */

static gboolean
calque_item_filter_match (GtkFilter *filter,
                          gpointer   object)
{
  CalqueItemFilter *self = (CalqueItemFilter *) filter;
  const char *id = calque_record_get_id (object);

  if (self->mine_only)
    {
      guint state = GPOINTER_TO_UINT (g_hash_table_lookup (self->user_states, id));

      if (state == 0 || (self->state != 0 && state != self->state))
        return FALSE;
    }
  else if (self->state != 0)
    {
      guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (self->any_states, id));

      if ((bits & (1u << (self->state - 1))) == 0)
        return FALSE;
    }

  if (self->label_id != NULL)
    {
      GHashTable *items = g_hash_table_lookup (self->label_items, self->label_id);

      if (items == NULL || !g_hash_table_contains (items, id))
        return FALSE;
    }

  return TRUE;
}

static GtkFilterMatch
calque_item_filter_get_strictness (GtkFilter *filter)
{
  CalqueItemFilter *self = (CalqueItemFilter *) filter;

  /* Lets GtkFilterListModel skip match() altogether. */
  return has_criteria (self) ? GTK_FILTER_MATCH_SOME : GTK_FILTER_MATCH_ALL;
}

/* GObject */

static void
calque_item_filter_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CalqueItemFilter *self = CALQUE_ITEM_FILTER (object);

  switch (prop_id)
    {
    case PROP_MINE_ONLY:
      g_value_set_boolean (value, self->mine_only);
      break;
    case PROP_STATE:
      g_value_set_string (value, state_to_string (self->state));
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_item_filter_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CalqueItemFilter *self = CALQUE_ITEM_FILTER (object);

  switch (prop_id)
    {
    case PROP_MINE_ONLY:
      calque_item_filter_set_mine_only (self, g_value_get_boolean (value));
      break;
    case PROP_STATE:
      calque_item_filter_set_state (self, g_value_get_string (value));
      break;
    case PROP_LABEL:
      calque_item_filter_set_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_item_filter_finalize (GObject *object)
{
  CalqueItemFilter *self = (CalqueItemFilter *) object;

  g_hash_table_destroy (self->user_states);
  g_hash_table_destroy (self->any_states);
  g_hash_table_destroy (self->label_items);
  g_string_chunk_free (self->ids);
  g_clear_object (&self->store);
  g_free (self->project_id);
  g_free (self->user);
  g_free (self->label_id);

  G_OBJECT_CLASS (calque_item_filter_parent_class)->finalize (object);
}

static void
calque_item_filter_class_init (CalqueItemFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkFilterClass *filter_class = GTK_FILTER_CLASS (klass);

  object_class->get_property = calque_item_filter_get_property;
  object_class->set_property = calque_item_filter_set_property;
  object_class->finalize = calque_item_filter_finalize;
  filter_class->match = calque_item_filter_match;
  filter_class->get_strictness = calque_item_filter_get_strictness;

  properties[PROP_MINE_ONLY] =
    g_param_spec_boolean ("mine-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CalqueItemFilter::loaded:
   *
   * The tasks and annotations were read again: the states shown may have
   * changed for items that are still matched.
   */
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
calque_item_filter_init (CalqueItemFilter *self)
{
  self->ids = g_string_chunk_new (64 * 1024);
  self->user_states = g_hash_table_new (g_str_hash, g_str_equal);
  self->any_states = g_hash_table_new (g_str_hash, g_str_equal);
  self->label_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_hash_table_unref);
}

/* Public API */

CalqueItemFilter *
calque_item_filter_new (CalqueStore *store)
{
  CalqueItemFilter *self;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);

  self = g_object_new (CALQUE_TYPE_ITEM_FILTER, NULL);
  self->store = g_object_ref (store);
  return self;
}

CalqueStore *
calque_item_filter_get_store (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);
  return self->store;
}

gboolean
calque_item_filter_load (CalqueItemFilter  *self,
                         const char        *project_id,
                         const char        *user,
                         GError           **error)
{
  gboolean ok;

  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), FALSE);
  g_return_val_if_fail (project_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  replace_str (&self->project_id, project_id);
  replace_str (&self->user, user);
  clear_tables (self);

  /* One pass, one record at a time: a project of a million annotations
   * is never in memory at once. */
  ok = calque_store_foreach_project (self->store, project_id, add_record_cb, self, error);
  if (!ok)
    clear_tables (self);

  gtk_filter_changed (GTK_FILTER (self), GTK_FILTER_CHANGE_DIFFERENT);
  g_signal_emit (self, signals[LOADED], 0);

  return ok;
}

const char *
calque_item_filter_get_project (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);
  return self->project_id;
}

const char *
calque_item_filter_get_user (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);
  return self->user;
}

void
calque_item_filter_set_mine_only (CalqueItemFilter *self,
                                  gboolean          mine_only)
{
  g_return_if_fail (CALQUE_IS_ITEM_FILTER (self));

  mine_only = !!mine_only;
  if (self->mine_only == mine_only)
    return;

  /* "Any task in this state" is not a superset of "my task in this
   * state" as far as GtkFilter can tell without a state: with one, the
   * two sets just differ. */
  self->mine_only = mine_only;
  if (self->state != 0)
    gtk_filter_changed (GTK_FILTER (self), GTK_FILTER_CHANGE_DIFFERENT);
  else
    gtk_filter_changed (GTK_FILTER (self), mine_only ? GTK_FILTER_CHANGE_MORE_STRICT
                                                     : GTK_FILTER_CHANGE_LESS_STRICT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINE_ONLY]);
}

gboolean
calque_item_filter_get_mine_only (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), FALSE);
  return self->mine_only;
}

void
calque_item_filter_set_state (CalqueItemFilter *self,
                              const char       *state)
{
  GtkFilterChange change;
  guint value;

  g_return_if_fail (CALQUE_IS_ITEM_FILTER (self));

  value = state_from_string (state);
  g_return_if_fail (state == NULL || value != 0);
  if (self->state == value)
    return;

  if (self->state == 0)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (value == 0)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  /* Set first: the model may match again from inside gtk_filter_changed(). */
  self->state = value;
  gtk_filter_changed (GTK_FILTER (self), change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
calque_item_filter_get_state (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);
  return state_to_string (self->state);
}

void
calque_item_filter_set_label (CalqueItemFilter *self,
                              const char       *label_id)
{
  GtkFilterChange change;

  g_return_if_fail (CALQUE_IS_ITEM_FILTER (self));

  if (g_strcmp0 (self->label_id, label_id) == 0)
    return;

  if (self->label_id == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (label_id == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  replace_str (&self->label_id, label_id);
  gtk_filter_changed (GTK_FILTER (self), change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
calque_item_filter_get_label (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);
  return self->label_id;
}

const char *
calque_item_filter_get_user_state (CalqueItemFilter *self,
                                   const char       *item_id)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), NULL);

  if (item_id == NULL)
    return NULL;
  return state_to_string (GPOINTER_TO_UINT (g_hash_table_lookup (self->user_states, item_id)));
}

gboolean
calque_item_filter_has_tasks_of_mine (CalqueItemFilter *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_FILTER (self), FALSE);

  return g_hash_table_size (self->user_states) > 0;
}
