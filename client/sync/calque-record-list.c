/* calque-record-list.c — the records of one kind of a project, as a list model */
#define G_LOG_DOMAIN "calque-sync"

#include "calque-record-list.h"

#include <string.h>

struct _CalqueRecordList
{
  GObject      parent_instance;

  CalqueStore *store;
  char        *project_id;
  CalqueKind   kind;
  GPtrArray   *records;   /* CalqueRecord, by id */
};

static void calque_record_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CalqueRecordList, calque_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, calque_record_list_model_init))

static GType
get_item_type (GListModel *model)
{
  return CALQUE_TYPE_RECORD;
}

static guint
get_n_items (GListModel *model)
{
  return CALQUE_RECORD_LIST (model)->records->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  CalqueRecordList *self = CALQUE_RECORD_LIST (model);

  if (position >= self->records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->records, position));
}

static void
calque_record_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Where @id is, or would go: TRUE if it is there. */
static gboolean
find (CalqueRecordList *self,
      const char       *id,
      guint            *out_position)
{
  guint low = 0, high = self->records->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      int order = strcmp (calque_record_get_id (g_ptr_array_index (self->records, middle)), id);

      if (order == 0)
        {
          *out_position = middle;
          return TRUE;
        }
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }
  *out_position = low;
  return FALSE;
}

void
calque_record_list_refresh (CalqueRecordList   *self,
                            const char * const *ids)
{
  g_return_if_fail (CALQUE_IS_RECORD_LIST (self));

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(CalqueRecord) record = calque_store_get (self->store, ids[i], NULL);
      gboolean wanted = record != NULL
                        && !calque_record_get_deleted (record)
                        && calque_record_get_kind (record) == self->kind
                        && g_strcmp0 (calque_record_get_project (record), self->project_id) == 0;
      guint position;
      gboolean present = find (self, ids[i], &position);

      if (wanted && present)
        {
          g_object_unref (g_ptr_array_index (self->records, position));
          g_ptr_array_index (self->records, position) = g_steal_pointer (&record);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
      else if (wanted)
        {
          g_ptr_array_insert (self->records, (gint) position, g_steal_pointer (&record));
          g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
        }
      else if (present)
        {
          g_ptr_array_remove_index (self->records, position);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
        }
    }
}

CalqueRecordList *
calque_record_list_new (CalqueStore  *store,
                        const char   *project_id,
                        CalqueKind    kind,
                        GError      **error)
{
  g_autoptr(CalqueRecordList) self = NULL;
  GPtrArray *records;

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);

  records = calque_store_list (store, kind, project_id, error);
  if (records == NULL)
    return NULL;
  self = g_object_new (CALQUE_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  self->project_id = g_strdup (project_id);
  self->kind = kind;
  g_ptr_array_unref (self->records);
  self->records = records;
  return g_steal_pointer (&self);
}

static void
calque_record_list_finalize (GObject *object)
{
  CalqueRecordList *self = CALQUE_RECORD_LIST (object);

  g_clear_object (&self->store);
  g_free (self->project_id);
  g_ptr_array_unref (self->records);
  G_OBJECT_CLASS (calque_record_list_parent_class)->finalize (object);
}

static void
calque_record_list_class_init (CalqueRecordListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_record_list_finalize;
}

static void
calque_record_list_init (CalqueRecordList *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
}
