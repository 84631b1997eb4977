/* calque-export-segments.c — the time segments of an audio project, as a
 * table (segments-csv) or a JSON array (segments-json)
 *
 * One row or object per segment: item, start, end (seconds), channel
 * (empty or null: every channel), labels, confidence, author. Other
 * annotations of audio items (classifications of a whole clip) are not
 * segments and are not written; the csv format keeps them.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-export-tabular.h"
#include "calque-csv.h"
#include "calque-json-writer.h"
#include "calque-tabular.h"

#include <math.h>

typedef struct {
  CalqueExportSource *source;
  CalqueExportFile *file;
  GString *out;           /* what an item writes */
  GString *row;           /* one CSV row */
  GString *cell;
  gboolean json;
  gboolean first;         /* no object written yet (JSON) */
  GCancellable *cancellable;
} SegmentsExport;

static const char * const segment_columns[] = {
  "item", "start", "end", "channel", "labels", "confidence", "author", NULL
};

static void
append_csv_row (SegmentsExport *self,
                CalqueRecord   *item,
                CalqueRecord   *annotation,
                CalqueShape    *shape,
                GArray         *labels)
{
  char start[CALQUE_TABULAR_NUMBER_SIZE], end[CALQUE_TABULAR_NUMBER_SIZE];
  char confidence[CALQUE_TABULAR_NUMBER_SIZE] = "";
  g_autofree char *channel = shape->channel >= 0 ? g_strdup_printf ("%d", shape->channel) : NULL;

  g_string_truncate (self->cell, 0);
  for (guint l = 0; l < labels->len; l++)
    calque_tabular_append_label (self->cell, _calque_export_label_name (self->source, g_array_index (labels, int, l)));
  if (calque_record_has_field (annotation, "confidence"))
    calque_tabular_format_number (confidence, calque_record_get_double (annotation, "confidence", NAN));

  g_string_truncate (self->row, 0);
  calque_tabular_append_cell (self->row, calque_record_get_string (item, "name"));
  calque_csv_append_field (self->row, calque_tabular_format_number (start, shape->seg_start));
  calque_csv_append_field (self->row, calque_tabular_format_number (end, shape->seg_end));
  calque_csv_append_field (self->row, channel);
  calque_tabular_append_cell (self->row, self->cell->str);
  calque_csv_append_field (self->row, confidence);
  calque_tabular_append_cell (self->row, calque_record_get_string (annotation, "author"));
  g_string_append (self->row, "\r\n");
  g_string_append_len (self->out, self->row->str, (gssize) self->row->len);
}

static void
append_json_object (SegmentsExport *self,
                    CalqueRecord   *item,
                    CalqueRecord   *annotation,
                    CalqueShape    *shape,
                    GArray         *labels)
{
  char number[CALQUE_TABULAR_NUMBER_SIZE];
  const char *author = calque_record_get_string (annotation, "author");

  g_string_append (self->out, self->first ? "\n" : ",\n");
  self->first = FALSE;
  g_string_append (self->out, "{\"item\":");
  calque_json_append_string (self->out, calque_record_get_string (item, "name"));
  g_string_append_printf (self->out, ",\"start\":%s", calque_tabular_format_number (number, shape->seg_start));
  g_string_append_printf (self->out, ",\"end\":%s", calque_tabular_format_number (number, shape->seg_end));
  if (shape->channel >= 0)
    g_string_append_printf (self->out, ",\"channel\":%d", shape->channel);
  else
    g_string_append (self->out, ",\"channel\":null");
  g_string_append (self->out, ",\"labels\":[");
  for (guint l = 0; l < labels->len; l++)
    {
      if (l > 0)
        g_string_append_c (self->out, ',');
      calque_json_append_string (self->out, _calque_export_label_name (self->source, g_array_index (labels, int, l)));
    }
  g_string_append (self->out, "],\"confidence\":");
  if (calque_record_has_field (annotation, "confidence"))
    g_string_append (self->out,
                     calque_tabular_format_number (number, calque_record_get_double (annotation, "confidence", NAN)));
  else
    g_string_append (self->out, "null");
  g_string_append (self->out, ",\"author\":");
  calque_json_append_string (self->out, author != NULL ? author : "");
  g_string_append_c (self->out, '}');
}

static gboolean
item_cb (CalqueRecord  *item,
         GPtrArray     *annotations,
         gpointer       user_data,
         GError       **error)
{
  SegmentsExport *self = user_data;

  g_string_truncate (self->out, 0);
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
      if (shape->kind != CALQUE_SHAPE_SEGMENT)
        continue;
      labels = _calque_export_label_indexes (self->source, annotation);
      if (self->json)
        append_json_object (self, item, annotation, shape, labels);
      else
        append_csv_row (self, item, annotation, shape, labels);
    }
  return calque_export_file_write (self->file, self->out->str, (gssize) self->out->len,
                                   self->cancellable, error);
}

static gboolean
write_segments (CalqueExportSource  *source,
                const char          *path,
                gboolean             json,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) row = g_string_new (NULL);
  g_autoptr(GString) cell = g_string_new (NULL);
  SegmentsExport self = { source, file, out, row, cell, json, TRUE, cancellable };

  if (file == NULL)
    return FALSE;

  if (json)
    g_string_append_c (out, '[');
  else
    {
      for (guint i = 0; segment_columns[i] != NULL; i++)
        calque_tabular_append_cell (out, segment_columns[i]);
      g_string_append (out, "\r\n");
    }
  if (!calque_export_file_write (file, out->str, (gssize) out->len, cancellable, error)
      || !calque_export_source_foreach (source, TRUE, item_cb, &self, cancellable, error))
    return FALSE;
  if (json && !calque_export_file_write (file, self.first ? "]\n" : "\n]\n", -1, cancellable, error))
    return FALSE;
  return calque_export_file_commit (file, cancellable, error);
}

gboolean
_calque_export_write_segments_csv (CalqueExportSource         *source,
                                   const char                 *path,
                                   const CalqueExportOptions  *options,
                                   GCancellable               *cancellable,
                                   GError                    **error)
{
  return write_segments (source, path, FALSE, cancellable, error);
}

gboolean
_calque_export_write_segments_json (CalqueExportSource         *source,
                                    const char                 *path,
                                    const CalqueExportOptions  *options,
                                    GCancellable               *cancellable,
                                    GError                    **error)
{
  return write_segments (source, path, TRUE, cancellable, error);
}
