/* calque-export-jsonl.c — one JSON object per text item, per line
 *
 *   {"id": ITEM ID, "text": "…", "spans": [{"start": 0, "end": 5,
 *    "label": "PER", "text": "Alice"}, …], "labels": ["positive"]}
 *
 * Offsets count code points (docs/data-model.md), as Python's str does, so
 * text[start:end] in Python is the span's "text". With the ALL version each
 * span also names its "author". A span with several labels is written once
 * per label; a span without an exported label has "label": null.
 * "labels" holds the labels of the item's classifications, each once, in
 * the export's label order.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-export-tabular.h"
#include "calque-json-writer.h"

typedef struct {
  CalqueExportSource *source;
  CalqueExportFile *file;
  GString *line;
  gboolean with_author;
  GCancellable *cancellable;
} JsonlExport;

/* One entry of "spans". */
typedef struct {
  gint64 start, end;
  int label;            /* export label index, or -1 */
  guint order;          /* of the annotation in the item, for a stable sort */
  CalqueRecord *annotation;
} SpanEntry;

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const SpanEntry *ea = a, *eb = b;

  if (ea->start != eb->start)
    return ea->start < eb->start ? -1 : 1;
  if (ea->end != eb->end)
    return ea->end < eb->end ? -1 : 1;
  if (ea->label != eb->label)
    return ea->label < eb->label ? -1 : 1;
  return ea->order < eb->order ? -1 : ea->order > eb->order;
}

static gboolean
item_cb (CalqueRecord  *item,
         GPtrArray     *annotations,
         gpointer       user_data,
         GError       **error)
{
  JsonlExport *self = user_data;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (SpanEntry));
  g_autoptr(GArray) classes = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_auto(CalqueExportText) text = { 0 };
  GString *line = self->line;
  gboolean first = TRUE;

  _calque_export_text_init (&text, item);
  g_array_set_size (classes, calque_export_source_get_labels (self->source)->len);

  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = annotations->pdata[i];
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, error);
      g_autoptr(GArray) labels = NULL;

      if (shape == NULL)
        {
          g_prefix_error (error, "%s: ", calque_record_get_string (item, "name"));
          return FALSE;
        }
      labels = _calque_export_label_indexes (self->source, annotation);
      if (shape->kind == CALQUE_SHAPE_CLASSIFICATION)
        {
          for (guint l = 0; l < labels->len; l++)
            g_array_index (classes, gboolean, g_array_index (labels, int, l)) = TRUE;
        }
      else if (shape->kind == CALQUE_SHAPE_SPAN)
        {
          SpanEntry entry = { shape->span_start, shape->span_end, -1, i, annotation };

          if (labels->len == 0)
            g_array_append_val (entries, entry);
          for (guint l = 0; l < labels->len; l++)
            {
              entry.label = g_array_index (labels, int, l);
              g_array_append_val (entries, entry);
            }
        }
    }
  g_array_sort (entries, compare_entries);

  g_string_truncate (line, 0);
  g_string_append (line, "{\"id\":");
  calque_json_append_string (line, calque_record_get_id (item));
  g_string_append (line, ",\"text\":");
  calque_json_append_string (line, text.text);
  g_string_append (line, ",\"spans\":[");
  for (guint i = 0; i < entries->len; i++)
    {
      SpanEntry *entry = &g_array_index (entries, SpanEntry, i);
      g_autofree char *spanned = _calque_export_text_slice (&text, entry->start, entry->end);

      g_string_append_printf (line, "%s{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT ",\"label\":",
                              i > 0 ? "," : "", entry->start, entry->end);
      if (entry->label >= 0)
        calque_json_append_string (line, _calque_export_label_name (self->source, entry->label));
      else
        g_string_append (line, "null");
      g_string_append (line, ",\"text\":");
      calque_json_append_string (line, spanned);
      if (self->with_author)
        {
          const char *author = calque_record_get_string (entry->annotation, "author");

          g_string_append (line, ",\"author\":");
          calque_json_append_string (line, author != NULL ? author : "");
        }
      g_string_append_c (line, '}');
    }
  g_string_append (line, "],\"labels\":[");
  for (guint l = 0; l < classes->len; l++)
    if (g_array_index (classes, gboolean, l))
      {
        if (!first)
          g_string_append_c (line, ',');
        first = FALSE;
        calque_json_append_string (line, _calque_export_label_name (self->source, (int) l));
      }
  g_string_append (line, "]}\n");

  return calque_export_file_write (self->file, line->str, (gssize) line->len, self->cancellable, error);
}

gboolean
_calque_export_write_jsonl (CalqueExportSource         *source,
                            const char                 *path,
                            const CalqueExportOptions  *options,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autoptr(GString) line = g_string_new (NULL);
  JsonlExport self = {
    source, file, line,
    calque_export_source_get_version (source) == CALQUE_EXPORT_VERSION_ALL,
    cancellable,
  };

  if (file == NULL)
    return FALSE;
  return calque_export_source_foreach (source, TRUE, item_cb, &self, cancellable, error)
         && calque_export_file_commit (file, cancellable, error);
}
