/* calque-import-csv.c — the csv export read back
 *
 * The first row names the columns (calque-export-csv.c); they may come in
 * any order, and columns this reader does not use (annotation_id, author,
 * created, or one a spreadsheet user added) are skipped. It needs "item"
 * and "type" ("item_id" picks among items of the same name); then, by
 * type, the geometry columns: x y w h [rotation] for a box, x y for a
 * point, points [holes] for a polygon, points for a polyline, start end for
 * a span, start end [channel] for a segment. "labels", "confidence",
 * "attributes" and, for a span, "text" (checked against the item's text,
 * which catches offsets counted in bytes or UTF-16 units) are optional.
 * Cells read back through calque_tabular_cell_value(), so the formula
 * guards of the export come off.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-csv.h"
#include "calque-json.h"
#include "calque-tabular.h"
#include "calque-text-offsets.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

typedef enum {
  COL_ITEM, COL_ITEM_ID, COL_LABELS, COL_TYPE, COL_X, COL_Y, COL_W, COL_H, COL_ROTATION,
  COL_POINTS, COL_HOLES, COL_START, COL_END, COL_CHANNEL, COL_TEXT,
  COL_CONFIDENCE, COL_ATTRIBUTES,
  N_COLUMNS
} Column;

static const char * const column_names[] = {
  "item", "item_id", "labels", "type", "x", "y", "w", "h", "rotation",
  "points", "holes", "start", "end", "channel", "text",
  "confidence", "attributes",
};

G_STATIC_ASSERT (G_N_ELEMENTS (column_names) == N_COLUMNS);

typedef struct {
  CalqueAnnotationSink *sink;
  const char *file;        /* for messages */
  int columns[N_COLUMNS];  /* index in the row, or -1 */
  guint n_fields;          /* of the header */
  char *element;           /* "line 12" */
  GStrv row;
} CsvImport;

static gboolean G_GNUC_PRINTF (3, 4)
fail (CsvImport   *self,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
               "%s: %s: %s", self->file, self->element, message);
  return FALSE;
}

/* The cell of @column, without its formula guard; "" when the file has no
 * such column. */
static const char *
cell (CsvImport *self,
      Column     column)
{
  int index = self->columns[column];

  return index < 0 ? "" : calque_tabular_cell_value (self->row[index]);
}

static gboolean
read_header (CsvImport  *self,
             GStrv       header,
             GError    **error)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    self->columns[c] = -1;
  self->n_fields = g_strv_length (header);

  for (guint i = 0; header[i] != NULL; i++)
    {
      const char *name = calque_tabular_cell_value (header[i]);

      for (guint c = 0; c < N_COLUMNS; c++)
        if (g_str_equal (name, column_names[c]))
          {
            if (self->columns[c] >= 0)
              return fail (self, error, _("the column “%s” is there twice"), name);
            self->columns[c] = (int) i;
          }
    }
  if (self->columns[COL_ITEM] < 0 || self->columns[COL_TYPE] < 0)
    return fail (self, error, _("the first row must name the columns, with “item” and “type” among them"));
  return TRUE;
}

/* A number in a cell: required unless @optional, when an empty cell gives
 * @fallback. */
static gboolean
number (CsvImport  *self,
        Column      column,
        gboolean    optional,
        double      fallback,
        double     *out,
        GError    **error)
{
  const char *text = cell (self, column);
  char *end = NULL;

  if (*text == '\0')
    {
      if (optional)
        {
          *out = fallback;
          return TRUE;
        }
      return fail (self, error, _("“%s” is empty; a %s needs it"), column_names[column], cell (self, COL_TYPE));
    }
  *out = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    return fail (self, error, _("“%s”: “%s” is not a number"), column_names[column], text);
  if (!isfinite (*out))
    return fail (self, error, _("“%s”: %s is not a finite number"), column_names[column], text);
  return TRUE;
}

static gboolean
whole_number (CsvImport  *self,
              Column      column,
              gint64     *out,
              GError    **error)
{
  double value;

  if (!number (self, column, FALSE, 0, &value, error))
    return FALSE;
  if (value != floor (value) || fabs (value) > (double) G_MAXINT32 * 1024)
    return fail (self, error, _("“%s”: %s is not a whole number"), column_names[column], cell (self, column));
  *out = (gint64) value;
  return TRUE;
}

/* [x0, y0, x1, y1, …] as JSON text. */
static GArray *
coords_from_node (CsvImport   *self,
                  JsonNode    *node,
                  const char  *what,
                  GError     **error)
{
  g_autoptr(GArray) coords = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (self, error, _("“%s” is not an array of numbers [x0, y0, x1, y1, …]"), what);
      return NULL;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) % 2 != 0)
    {
      fail (self, error, _("“%s” has an odd count of numbers; points are pairs"), what);
      return NULL;
    }
  if (json_array_get_length (array) / 2 > CALQUE_SHAPE_MAX_POINTS)
    {
      fail (self, error, _("“%s” has more than %u points"), what, (guint) CALQUE_SHAPE_MAX_POINTS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      double value;

      if (!JSON_NODE_HOLDS_VALUE (element)
          || (json_node_get_value_type (element) != G_TYPE_INT64
              && json_node_get_value_type (element) != G_TYPE_DOUBLE))
        {
          fail (self, error, _("“%s”: element %u is not a number"), what, i + 1);
          return NULL;
        }
      value = json_node_get_double (element);
      g_array_append_val (coords, value);
    }
  return g_steal_pointer (&coords);
}

static JsonNode *
parse_json_cell (CsvImport  *self,
                 Column      column,
                 GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root = calque_json_parse (cell (self, column), -1, &local_error);

  if (root == NULL)
    fail (self, error, _("“%s” is not JSON: %s"), column_names[column], local_error->message);
  return root;
}

static CalqueShape *
read_shape (CsvImport  *self,
            GError    **error)
{
  const char *type = cell (self, COL_TYPE);
  g_autoptr(CalqueShape) shape = NULL;
  CalqueShapeKind kind;

  if (!calque_shape_kind_from_string (type, &kind))
    {
      fail (self, error, _("“%s” is not a type of shape (box, polygon, polyline, point, span, segment, classification)"),
            type);
      return NULL;
    }
  shape = calque_shape_new (kind);

  switch (kind)
    {
    case CALQUE_SHAPE_BOX:
      if (!number (self, COL_X, FALSE, 0, &shape->x, error)
          || !number (self, COL_Y, FALSE, 0, &shape->y, error)
          || !number (self, COL_W, FALSE, 0, &shape->w, error)
          || !number (self, COL_H, FALSE, 0, &shape->h, error)
          || !number (self, COL_ROTATION, TRUE, 0, &shape->rotation, error))
        return NULL;
      break;

    case CALQUE_SHAPE_POINT:
      if (!number (self, COL_X, FALSE, 0, &shape->x, error)
          || !number (self, COL_Y, FALSE, 0, &shape->y, error))
        return NULL;
      break;

    case CALQUE_SHAPE_POLYGON:
    case CALQUE_SHAPE_POLYLINE:
      {
        g_autoptr(JsonNode) points = parse_json_cell (self, COL_POINTS, error);

        if (points == NULL || !(shape->points = coords_from_node (self, points, "points", error)))
          return NULL;
        if (kind == CALQUE_SHAPE_POLYGON && *cell (self, COL_HOLES) != '\0')
          {
            g_autoptr(JsonNode) holes = parse_json_cell (self, COL_HOLES, error);
            JsonArray *array;

            if (holes == NULL)
              return NULL;
            if (!JSON_NODE_HOLDS_ARRAY (holes)
                || json_array_get_length (array = json_node_get_array (holes)) > CALQUE_SHAPE_MAX_HOLES)
              {
                fail (self, error, _("“holes” is not an array of at most %u point arrays"),
                      (guint) CALQUE_SHAPE_MAX_HOLES);
                return NULL;
              }
            for (guint i = 0; i < json_array_get_length (array); i++)
              {
                g_autofree char *what = g_strdup_printf (_("hole %u"), i + 1);
                g_autoptr(GArray) hole = coords_from_node (self, json_array_get_element (array, i), what, error);

                if (hole == NULL)
                  return NULL;
                calque_shape_add_hole (shape, (const double *) hole->data, hole->len / 2);
              }
          }
      }
      break;

    case CALQUE_SHAPE_SPAN:
      if (!whole_number (self, COL_START, &shape->span_start, error)
          || !whole_number (self, COL_END, &shape->span_end, error))
        return NULL;
      break;

    case CALQUE_SHAPE_SEGMENT:
      {
        double channel;

        if (!number (self, COL_START, FALSE, 0, &shape->seg_start, error)
            || !number (self, COL_END, FALSE, 0, &shape->seg_end, error)
            || !number (self, COL_CHANNEL, TRUE, -1, &channel, error))
          return NULL;
        if (channel != floor (channel) || channel < -1 || channel > 255)
          {
            fail (self, error, _("“channel”: %s is not a channel number"), cell (self, COL_CHANNEL));
            return NULL;
          }
        shape->channel = (int) channel;
      }
      break;

    case CALQUE_SHAPE_CLASSIFICATION:
      break;

    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&shape);
}

/* The "text" of a span must be what the item has there: a file whose
 * offsets count bytes or UTF-16 units would otherwise shift every span
 * after the first accent or emoji without a word. */
/* The row's item: the one of "item_id" when the project has it under the
 * name "item" (two texts cut from files of the same name share their
 * names), else the one named "item". */
static CalqueRecord *
find_item (CsvImport  *self,
           GError    **error)
{
  const char *name = cell (self, COL_ITEM);
  const char *id = cell (self, COL_ITEM_ID);

  if (*id != '\0')
    {
      CalqueRecord *item = calque_annotation_sink_get_item_by_id (self->sink, self->file, self->element, id, NULL);

      if (item != NULL && g_strcmp0 (calque_record_get_string (item, "name"), name) == 0)
        return item;
    }
  return calque_annotation_sink_get_item (self->sink, self->file, self->element, name, 0, 0, error);
}

/* Boxes on images, spans on texts, segments on audio: the sink checks a
 * shape against its item's size, length or duration, which says nothing
 * when the item has none of that kind. */
static gboolean
check_media (CsvImport          *self,
             CalqueRecord       *item,
             const CalqueShape  *shape,
             GError            **error)
{
  const char *media = calque_record_get_string (item, "media");
  const char *kind = calque_shape_kind_to_string (shape->kind);
  const char *name = calque_record_get_string (item, "name");

  switch (shape->kind)
    {
    case CALQUE_SHAPE_CLASSIFICATION:
      return TRUE;
    case CALQUE_SHAPE_SPAN:
      if (g_strcmp0 (media, "text") != 0)
        return fail (self, error, _("a %s cannot go on “%s”, which is not a text"), kind, name);
      return TRUE;
    case CALQUE_SHAPE_SEGMENT:
      if (g_strcmp0 (media, "audio") != 0)
        return fail (self, error, _("a %s cannot go on “%s”, which is not a recording"), kind, name);
      return TRUE;
    default:
      if (g_strcmp0 (media, "image") != 0)
        return fail (self, error, _("a %s cannot go on “%s”, which is not an image"), kind, name);
      return TRUE;
    }
}

static gboolean
check_span_text (CsvImport          *self,
                 CalqueRecord       *item,
                 const CalqueShape  *shape,
                 GError            **error)
{
  const char *expected = cell (self, COL_TEXT);
  const char *text;
  gsize from, to;

  if (*expected == '\0')
    return TRUE;
  text = calque_record_get_string (item, "text");
  if (text == NULL || shape->span_end > calque_text_length (text))
    return TRUE;  /* the sink says what is wrong with the span */
  from = calque_text_offset_to_byte (text, shape->span_start);
  to = calque_text_offset_to_byte (text, shape->span_end);
  if (strlen (expected) != to - from || memcmp (expected, text + from, to - from) != 0)
    {
      g_autofree char *found = g_strndup (text + from, to - from);

      return fail (self, error,
                   _("the span %lld–%lld of “%s” reads “%s”, not “%s” (offsets count characters, not bytes)"),
                   (long long) shape->span_start, (long long) shape->span_end, cell (self, COL_ITEM), found,
                   expected);
    }
  return TRUE;
}

static gboolean
read_row (CsvImport  *self,
          GError    **error)
{
  g_autoptr(CalqueShape) shape = NULL;
  g_auto(GStrv) labels = NULL;
  g_autoptr(JsonNode) attributes = NULL;
  CalqueImportedAnnotation annotation = { 0 };
  CalqueRecord *item;
  double confidence;

  if (g_strv_length (self->row) != self->n_fields)
    return fail (self, error,
                 g_dngettext (GETTEXT_PACKAGE, "%u field, but the first row names %u columns",
                              "%u fields, but the first row names %u columns", g_strv_length (self->row)),
                 g_strv_length (self->row), self->n_fields);
  if (*cell (self, COL_ITEM) == '\0')
    return fail (self, error, _("“item” is empty"));

  shape = read_shape (self, error);
  if (shape == NULL)
    return FALSE;
  item = find_item (self, error);
  if (item == NULL || !check_media (self, item, shape, error))
    return FALSE;
  if (shape->kind == CALQUE_SHAPE_SPAN && !check_span_text (self, item, shape, error))
    return FALSE;
  if (!number (self, COL_CONFIDENCE, TRUE, NAN, &confidence, error))
    return FALSE;
  if (*cell (self, COL_ATTRIBUTES) != '\0')
    {
      attributes = parse_json_cell (self, COL_ATTRIBUTES, error);
      if (attributes == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (attributes))
        return fail (self, error, _("“attributes” is not a JSON object"));
    }
  labels = calque_tabular_split_labels (cell (self, COL_LABELS));

  annotation.file = self->file;
  annotation.element = self->element;
  annotation.item_name = cell (self, COL_ITEM);
  annotation.item_id = calque_record_get_id (item);
  annotation.labels = (const char * const *) labels;
  annotation.shape = shape;
  annotation.confidence = confidence;
  annotation.attributes = attributes != NULL ? json_node_get_object (attributes) : NULL;
  return calque_annotation_sink_add (self->sink, &annotation, error);
}

gboolean
_calque_import_read_csv (CalqueAnnotationSink  *sink,
                         const char            *path,
                         GError               **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(CalqueCsvReader) reader = NULL;
  g_autofree char *file = g_path_get_basename (path);
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (sink);
  CsvImport self = { sink, file };
  g_autoptr(GError) local_error = NULL;
  goffset size;
  guint line;
  gboolean header = TRUE;

  in = g_file_read (gfile, cancellable, error);
  if (in == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;
  reader = calque_csv_reader_new (G_INPUT_STREAM (in), file);

  while (calque_csv_reader_next (reader, &self.row, &line, cancellable, &local_error))
    {
      gboolean ok;

      g_free (self.element);
      self.element = g_strdup_printf (_("line %u"), line);
      ok = header ? read_header (&self, self.row, &local_error) : read_row (&self, &local_error);
      header = FALSE;
      g_clear_pointer (&self.row, g_strfreev);
      if (!ok)
        break;
      if (line % 256 == 0)
        calque_annotation_sink_progress (sink, (guint64) g_seekable_tell (G_SEEKABLE (in)), (guint64) size);
    }
  g_clear_pointer (&self.element, g_free);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (header)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EMPTY, _("%s: the file is empty"), file);
      return FALSE;
    }
  calque_annotation_sink_progress (sink, (guint64) size, (guint64) size);
  return TRUE;
}
