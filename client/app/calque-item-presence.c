/* calque-item-presence.c — who else is on which item of the project shown */
#define G_LOG_DOMAIN "calque-item-presence"

#include "calque-item-presence.h"

#include "calque-protocol.h"

struct _CalqueItemPresence
{
  GObject     parent_instance;

  gboolean    known;
  GHashTable *by_item;   /* item id → GStrv of names, sorted */
};

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueItemPresence, calque_item_presence, G_TYPE_OBJECT)

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
same_index (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer item, names;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &item, &names))
    {
      const char * const *there = g_hash_table_lookup (b, item);

      if (there == NULL || !g_strv_equal (names, there))
        return FALSE;
    }
  return TRUE;
}

static void
calque_item_presence_finalize (GObject *object)
{
  CalqueItemPresence *self = CALQUE_ITEM_PRESENCE (object);

  g_clear_pointer (&self->by_item, g_hash_table_unref);
  G_OBJECT_CLASS (calque_item_presence_parent_class)->finalize (object);
}

static void
calque_item_presence_class_init (CalqueItemPresenceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_item_presence_finalize;

  /**
   * CalqueItemPresence::changed:
   *
   * Someone came to an item or left it, or the project went in or out of
   * sync: lookups may give other names.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
calque_item_presence_init (CalqueItemPresence *self)
{
  self->by_item = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
}

CalqueItemPresence *
calque_item_presence_new (void)
{
  return g_object_new (CALQUE_TYPE_ITEM_PRESENCE, NULL);
}

void
calque_item_presence_set_users (CalqueItemPresence *self,
                                GPtrArray          *users)
{
  g_autoptr(GHashTable) lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) by_item = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_strfreev);
  GHashTableIter iter;
  gpointer item, list;
  gboolean known = users != NULL;

  g_return_if_fail (CALQUE_IS_ITEM_PRESENCE (self));

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      const CalquePresence *presence = g_ptr_array_index (users, i);
      GPtrArray *names;

      if (presence->item == NULL)
        continue;
      names = g_hash_table_lookup (lists, presence->item);
      if (names == NULL)
        {
          names = g_ptr_array_new ();
          g_hash_table_insert (lists, presence->item, names);
        }
      g_ptr_array_add (names, presence->user);
    }

  g_hash_table_iter_init (&iter, lists);
  while (g_hash_table_iter_next (&iter, &item, &list))
    {
      GPtrArray *names = list;
      GStrv copy = g_new0 (char *, names->len + 1);

      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        copy[i] = g_strdup (g_ptr_array_index (names, i));
      g_hash_table_insert (by_item, g_strdup (item), copy);
    }

  if (known == self->known && same_index (by_item, self->by_item))
    return;
  self->known = known;
  g_hash_table_unref (self->by_item);
  self->by_item = g_steal_pointer (&by_item);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
calque_item_presence_get_known (CalqueItemPresence *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PRESENCE (self), FALSE);

  return self->known;
}

const char * const *
calque_item_presence_lookup (CalqueItemPresence *self,
                             const char         *item_id)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PRESENCE (self), NULL);

  if (item_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_item, item_id);
}
