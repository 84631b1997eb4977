/* calque-export-tabular.c — what the table and text writers share */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-tabular.h"
#include "calque-text-offsets.h"

static gint
compare_ints (gconstpointer a,
              gconstpointer b)
{
  int ia = *(const int *) a, ib = *(const int *) b;

  return ia < ib ? -1 : ia > ib;
}

GArray *
_calque_export_label_indexes (CalqueExportSource *source,
                              CalqueRecord       *annotation)
{
  GArray *indexes = g_array_new (FALSE, FALSE, sizeof (int));
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  JsonArray *array;
  guint kept = 0;

  if (labels == NULL || !JSON_NODE_HOLDS_ARRAY (labels))
    return indexes;
  array = json_node_get_array (labels);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      int index;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        continue;
      index = calque_export_source_label_index (source, json_node_get_string (element));
      if (index >= 0)
        g_array_append_val (indexes, index);
    }

  /* The export's label order, not the order the annotator picked them in:
   * two annotations with the same labels read the same. */
  g_array_sort (indexes, compare_ints);
  for (guint i = 0; i < indexes->len; i++)
    if (kept == 0 || g_array_index (indexes, int, i) != g_array_index (indexes, int, kept - 1))
      g_array_index (indexes, int, kept++) = g_array_index (indexes, int, i);
  g_array_set_size (indexes, kept);
  return indexes;
}

const char *
_calque_export_label_name (CalqueExportSource *source,
                           int                 index)
{
  GPtrArray *labels = calque_export_source_get_labels (source);

  g_assert (index >= 0 && (guint) index < labels->len);
  return calque_record_get_string (labels->pdata[index], "name");
}

void
_calque_export_text_init (CalqueExportText *self,
                          CalqueRecord     *item)
{
  self->text = calque_record_get_string (item, "text");
  if (self->text == NULL)
    self->text = "";
  self->bytes = NULL;
  self->length = 0;
}

void
_calque_export_text_clear (CalqueExportText *self)
{
  g_clear_pointer (&self->bytes, g_free);
}

char *
_calque_export_text_slice (CalqueExportText *self,
                           gint64            start,
                           gint64            end)
{
  /* Indexing the text once per item keeps an item of 100,000 characters
   * with thousands of spans linear. */
  if (self->bytes == NULL)
    self->bytes = calque_text_byte_index (self->text, &self->length);
  start = CLAMP (start, 0, self->length);
  end = CLAMP (end, start, self->length);
  return g_strndup (self->text + self->bytes[start], self->bytes[end] - self->bytes[start]);
}
