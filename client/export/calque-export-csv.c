/* calque-export-csv.c — one row per annotation, for spreadsheets and pandas
 *
 * The columns are those of csv_columns below, documented in
 * docs/formats.md; calque-import-csv.c reads them back. Every text cell
 * goes through calque_tabular_append_cell(), so that no label, attribute
 * or item name can run as a spreadsheet formula; number cells are plain
 * numbers.
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
  GString *row;
  GString *cell;
  GCancellable *cancellable;
} CsvExport;

static const char * const csv_columns[] = {
  "item", "item_id", "annotation_id", "author", "labels", "type",
  "x", "y", "w", "h", "rotation", "points", "holes",
  "start", "end", "channel", "text", "confidence", "attributes", "created",
  NULL
};

typedef enum {
  COL_ITEM, COL_ITEM_ID, COL_ANNOTATION_ID, COL_AUTHOR, COL_LABELS, COL_TYPE,
  COL_X, COL_Y, COL_W, COL_H, COL_ROTATION, COL_POINTS, COL_HOLES,
  COL_START, COL_END, COL_CHANNEL, COL_TEXT, COL_CONFIDENCE, COL_ATTRIBUTES, COL_CREATED,
  N_COLUMNS
} CsvColumn;

G_STATIC_ASSERT (G_N_ELEMENTS (csv_columns) == N_COLUMNS + 1);

/* Columns of numbers, written as they are: a negative coordinate is no
 * formula, and must stay a number. Every other cell is text, guarded. */
static gboolean
is_number_column (CsvColumn column)
{
  switch (column)
    {
    case COL_X: case COL_Y: case COL_W: case COL_H: case COL_ROTATION:
    case COL_START: case COL_END: case COL_CHANNEL: case COL_CONFIDENCE:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
set_number (char   **cells,
            CsvColumn column,
            double   value)
{
  char buf[CALQUE_TABULAR_NUMBER_SIZE];

  cells[column] = g_strdup (calque_tabular_format_number (buf, value));
}

static char *
coords_text (GArray *coords)
{
  GString *out = g_string_new (NULL);

  calque_tabular_append_coords (out, (const double *) coords->data, coords->len);
  return g_string_free (out, FALSE);
}

static gboolean
write_annotation (CsvExport         *self,
                  CalqueRecord      *item,
                  CalqueExportText  *text,
                  CalqueRecord      *annotation,
                  GError           **error)
{
  g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, error);
  g_autoptr(GArray) labels = NULL;
  char *cells[N_COLUMNS] = { NULL };
  JsonNode *attributes;
  gboolean ok;

  if (shape == NULL)
    {
      g_prefix_error (error, "%s: ", calque_record_get_string (item, "name"));
      return FALSE;
    }

  cells[COL_ITEM] = g_strdup (calque_record_get_string (item, "name"));
  cells[COL_ITEM_ID] = g_strdup (calque_record_get_id (item));
  cells[COL_ANNOTATION_ID] = g_strdup (calque_record_get_id (annotation));
  cells[COL_AUTHOR] = g_strdup (calque_record_get_string (annotation, "author"));

  labels = _calque_export_label_indexes (self->source, annotation);
  g_string_truncate (self->cell, 0);
  for (guint i = 0; i < labels->len; i++)
    calque_tabular_append_label (self->cell,
                                 _calque_export_label_name (self->source, g_array_index (labels, int, i)));
  cells[COL_LABELS] = g_strdup (self->cell->str);
  cells[COL_TYPE] = g_strdup (calque_shape_kind_to_string (shape->kind));

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
      set_number (cells, COL_X, shape->x);
      set_number (cells, COL_Y, shape->y);
      set_number (cells, COL_W, shape->w);
      set_number (cells, COL_H, shape->h);
      set_number (cells, COL_ROTATION, shape->rotation);
      break;

    case CALQUE_SHAPE_POINT:
      set_number (cells, COL_X, shape->x);
      set_number (cells, COL_Y, shape->y);
      break;

    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      cells[COL_POINTS] = coords_text (shape->points);
      if (shape->holes != NULL && shape->holes->len > 0)
        {
          g_string_truncate (self->cell, 0);
          g_string_append_c (self->cell, '[');
          for (guint i = 0; i < shape->holes->len; i++)
            {
              GArray *hole = g_ptr_array_index (shape->holes, i);

              if (i > 0)
                g_string_append_c (self->cell, ',');
              calque_tabular_append_coords (self->cell, (const double *) hole->data, hole->len);
            }
          g_string_append_c (self->cell, ']');
          cells[COL_HOLES] = g_strdup (self->cell->str);
        }
      break;

    case CALQUE_SHAPE_SPAN:
      cells[COL_START] = g_strdup_printf ("%" G_GINT64_FORMAT, shape->span_start);
      cells[COL_END] = g_strdup_printf ("%" G_GINT64_FORMAT, shape->span_end);
      cells[COL_TEXT] = _calque_export_text_slice (text, shape->span_start, shape->span_end);
      break;

    case CALQUE_SHAPE_SEGMENT:
      set_number (cells, COL_START, shape->seg_start);
      set_number (cells, COL_END, shape->seg_end);
      if (shape->channel >= 0)
        cells[COL_CHANNEL] = g_strdup_printf ("%d", shape->channel);
      break;

    case CALQUE_SHAPE_CLASSIFICATION:
      break;

    default:
      g_assert_not_reached ();
    }

  if (calque_record_has_field (annotation, "confidence"))
    set_number (cells, COL_CONFIDENCE, calque_record_get_double (annotation, "confidence", NAN));
  attributes = calque_record_get_field (annotation, "attributes");
  if (attributes != NULL && JSON_NODE_HOLDS_OBJECT (attributes)
      && json_object_get_size (json_node_get_object (attributes)) > 0)
    cells[COL_ATTRIBUTES] = calque_json_node_to_string (attributes, NULL);
  if (calque_record_has_field (annotation, "created"))
    cells[COL_CREATED] = calque_tabular_format_time (calque_record_get_int (annotation, "created", 0));

  g_string_truncate (self->row, 0);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (is_number_column (i))
        calque_csv_append_field (self->row, cells[i]);
      else
        calque_tabular_append_cell (self->row, cells[i]);
      g_free (cells[i]);
    }
  g_string_append (self->row, "\r\n");
  ok = calque_export_file_write (self->file, self->row->str, (gssize) self->row->len,
                                 self->cancellable, error);
  return ok;
}

static gboolean
item_cb (CalqueRecord  *item,
         GPtrArray     *annotations,
         gpointer       user_data,
         GError       **error)
{
  CsvExport *self = user_data;
  g_auto(CalqueExportText) text = { 0 };

  _calque_export_text_init (&text, item);
  for (guint i = 0; i < annotations->len; i++)
    if (!write_annotation (self, item, &text, annotations->pdata[i], error))
      return FALSE;
  return TRUE;
}

gboolean
_calque_export_write_csv (CalqueExportSource         *source,
                          const char                 *path,
                          const CalqueExportOptions  *options,
                          GCancellable               *cancellable,
                          GError                    **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autoptr(GString) row = g_string_new (NULL);
  g_autoptr(GString) cell = g_string_new (NULL);
  CsvExport self = { source, file, row, cell, cancellable };

  if (file == NULL)
    return FALSE;

  for (guint i = 0; csv_columns[i] != NULL; i++)
    calque_tabular_append_cell (row, csv_columns[i]);
  g_string_append (row, "\r\n");

  return calque_export_file_write (file, row->str, (gssize) row->len, cancellable, error)
         && calque_export_source_foreach (source, TRUE, item_cb, &self, cancellable, error)
         && calque_export_file_commit (file, cancellable, error);
}
