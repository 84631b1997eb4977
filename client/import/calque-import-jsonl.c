/* calque-import-jsonl.c — spans of texts, one JSON object per line
 *
 * Two forms, line by line:
 *  - Calque's jsonl export: {"id", "text", "spans": [{"start", "end",
 *    "label", "text"}…], "labels": […]};
 *  - doccano's: {"text", "label": [[start, end, "LABEL"]…]}, where "label"
 *    may also hold plain names (the text's categories).
 * Offsets count code points. The item is the one whose id is "id", else
 * the next one whose text is "text" (calque-import-texts.h); when both are
 * given they must agree, and a span's "text", when given, must be what the
 * item has there. "author" is not read: the import's author is.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-import-texts.h"
#include "calque-json.h"
#include "calque-text-offsets.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

typedef struct {
  CalqueAnnotationSink *sink;
  const char *file;
  CalqueImportTexts *texts;   /* made when a line first needs it */
  guint line;
  char *element;
} JsonlImport;

static gboolean G_GNUC_PRINTF (3, 4)
fail (JsonlImport *self,
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

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static CalqueRecord *
find_item (JsonlImport  *self,
           JsonObject   *object,
           GError      **error)
{
  JsonNode *id = json_object_get_member (object, "id");
  JsonNode *text = json_object_get_member (object, "text");
  CalqueRecord *item = NULL;
  g_autoptr(GError) by_id_error = NULL;

  if (text != NULL && !is_string (text))
    {
      fail (self, error, _("“text” is not a string"));
      return NULL;
    }

  /* doccano's ids are numbers of its own; ours are item ids. */
  if (is_string (id))
    item = calque_annotation_sink_get_item_by_id (self->sink, self->file, self->element,
                                                  json_node_get_string (id), &by_id_error);
  if (item != NULL)
    {
      if (text != NULL && g_strcmp0 (json_node_get_string (text), calque_record_get_string (item, "text")) != 0)
        {
          fail (self, error, _("“text” is not the text of item %s (“%s”)"), json_node_get_string (id),
                calque_record_get_string (item, "name"));
          return NULL;
        }
      return item;
    }

  if (text == NULL)
    {
      if (by_id_error != NULL)
        g_propagate_error (error, g_steal_pointer (&by_id_error));
      else
        fail (self, error, _("neither an item “id” nor a “text” to find the item by"));
      return NULL;
    }

  {
    g_autofree char *digest = NULL;
    const char *item_id;

    if (self->texts == NULL
        && !(self->texts = _calque_import_texts_new (self->sink, CALQUE_TEXT_KEY_EXACT, error)))
      return NULL;
    digest = _calque_import_texts_digest (self->texts, json_node_get_string (text), -1);
    item_id = _calque_import_texts_take (self->texts, digest);
    if (item_id == NULL)
      {
        fail (self, error, _("no text of project “%s” is this one (or every one that is came earlier in the file)"),
              calque_record_get_string (calque_annotation_sink_get_project (self->sink), "name"));
        return NULL;
      }
    return calque_annotation_sink_get_item_by_id (self->sink, self->file, self->element, item_id, error);
  }
}

static gboolean
add (JsonlImport   *self,
     CalqueRecord  *item,
     const char    *element,
     const char    *label,
     CalqueShape   *shape,
     GError       **error)
{
  const char *labels[] = { label, NULL };
  CalqueImportedAnnotation annotation = {
    .file = self->file,
    .element = element,
    .item_name = calque_record_get_string (item, "name"),
    .labels = labels,
    .shape = shape,
    .confidence = NAN,
    .item_id = calque_record_get_id (item),
  };

  return calque_annotation_sink_add (self->sink, &annotation, error);
}

static gboolean
add_span (JsonlImport   *self,
          CalqueRecord  *item,
          guint          n,
          JsonNode      *start,
          JsonNode      *end,
          JsonNode      *label,
          JsonNode      *text,
          GError       **error)
{
  g_autofree char *element = g_strdup_printf (_("%s: span %u"), self->element, n);
  g_autoptr(CalqueShape) shape = NULL;
  const char *item_text = calque_record_get_string (item, "text");

  if (!is_integer (start) || !is_integer (end))
    return fail (self, error, _("span %u: “start” and “end” must be whole numbers (code points)"), n);
  if (label != NULL && !is_string (label) && !JSON_NODE_HOLDS_NULL (label))
    return fail (self, error, _("span %u: the label is not a string"), n);

  shape = calque_shape_new_span (json_node_get_int (start), json_node_get_int (end));
  if (text != NULL && item_text != NULL && shape->span_start >= 0 && shape->span_start < shape->span_end
      && shape->span_end <= calque_text_length (item_text))
    {
      gsize from = calque_text_offset_to_byte (item_text, shape->span_start);
      gsize to = calque_text_offset_to_byte (item_text, shape->span_end);
      const char *expected = is_string (text) ? json_node_get_string (text) : "";

      if (strlen (expected) != to - from || memcmp (expected, item_text + from, to - from) != 0)
        {
          g_autofree char *found = g_strndup (item_text + from, to - from);

          return fail (self, error,
                       _("span %u: %lld–%lld reads “%s” in the text, not “%s” (offsets count characters, not bytes)"),
                       n, (long long) shape->span_start, (long long) shape->span_end, found, expected);
        }
    }
  return add (self, item, element, label != NULL && is_string (label) ? json_node_get_string (label) : NULL,
              shape, error);
}

static gboolean
read_object (JsonlImport  *self,
             JsonObject   *object,
             GError      **error)
{
  CalqueRecord *item = find_item (self, object, error);
  JsonNode *spans = json_object_get_member (object, "spans");
  JsonNode *doccano = json_object_get_member (object, "label");
  JsonNode *labels = json_object_get_member (object, "labels");
  guint n = 0;

  if (item == NULL)
    return FALSE;

  if (spans != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (spans))
        return fail (self, error, _("“spans” is not an array"));
      array = json_node_get_array (spans);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *span;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            return fail (self, error, _("span %u is not an object"), i + 1);
          span = json_node_get_object (node);
          if (!add_span (self, item, ++n, json_object_get_member (span, "start"),
                         json_object_get_member (span, "end"), json_object_get_member (span, "label"),
                         json_object_get_member (span, "text"), error))
            return FALSE;
        }
    }

  if (doccano != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (doccano))
        return fail (self, error, _("“label” is not an array"));
      array = json_node_get_array (doccano);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (is_string (node))
            {
              g_autoptr(CalqueShape) shape = calque_shape_new (CALQUE_SHAPE_CLASSIFICATION);

              if (!add (self, item, self->element, json_node_get_string (node), shape, error))
                return FALSE;
            }
          else if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 3)
            {
              JsonArray *triple = json_node_get_array (node);

              if (!add_span (self, item, ++n, json_array_get_element (triple, 0), json_array_get_element (triple, 1),
                             json_array_get_element (triple, 2), NULL, error))
                return FALSE;
            }
          else
            return fail (self, error, _("“label” element %u is neither [start, end, \"LABEL\"] nor a label name"),
                         i + 1);
        }
    }

  if (labels != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (labels))
        return fail (self, error, _("“labels” is not an array of label names"));
      array = json_node_get_array (labels);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(CalqueShape) shape = calque_shape_new (CALQUE_SHAPE_CLASSIFICATION);

          if (!is_string (json_array_get_element (array, i)))
            return fail (self, error, _("“labels” element %u is not a label name"), i + 1);
          if (!add (self, item, self->element, json_array_get_string_element (array, i), shape, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
_calque_import_read_jsonl (CalqueAnnotationSink  *sink,
                           const char            *path,
                           GError               **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *file = g_path_get_basename (path);
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (sink);
  JsonlImport self = { sink, file };
  gboolean ok = TRUE;
  goffset size;

  in = g_file_read (gfile, cancellable, error);
  if (in == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;
  data = g_data_input_stream_new (G_INPUT_STREAM (in));
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  while (ok)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (data, NULL, cancellable, &local_error);
      g_autoptr(JsonNode) root = NULL;

      self.line++;
      g_free (self.element);
      self.element = g_strdup_printf (_("line %u"), self.line);
      if (line == NULL)
        {
          if (local_error != NULL)
            ok = fail (&self, error, "%s", local_error->message);
          break;
        }
      if (*g_strstrip (line) == '\0')
        continue;
      if ((root = calque_json_parse (line, -1, &local_error)) == NULL)
        ok = fail (&self, error, _("not JSON: %s"), local_error->message);
      else if (!JSON_NODE_HOLDS_OBJECT (root))
        ok = fail (&self, error, _("not a JSON object"));
      else
        ok = read_object (&self, json_node_get_object (root), error);
      if (self.line % 256 == 0)
        calque_annotation_sink_progress (sink, (guint64) g_seekable_tell (G_SEEKABLE (in)), (guint64) size);
    }
  g_clear_pointer (&self.element, g_free);
  g_clear_pointer (&self.texts, _calque_import_texts_free);
  if (ok)
    calque_annotation_sink_progress (sink, (guint64) size, (guint64) size);
  return ok;
}
