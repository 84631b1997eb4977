/* calque-import-labelme.c — labelme's JSON files, one per image
 *
 * PATH is one file or a folder of them (its *.json files, not its
 * subfolders, in name order). Each file names its image in "imagePath"
 * (relative to the file; backslashes of Windows paths and leading "./" and
 * "../" are dropped, and the sink finds the item by that name or its last
 * part) and says its size in "imageWidth"/"imageHeight", which must be the
 * item's. "imageData" is not read: the media come from the project or from
 * --media.
 *
 * Shapes, by "shape_type" (null or absent: polygon, as in labelme 3):
 *   rectangle            → box (the rectangle its points span)
 *   polygon              → polygon
 *   point                → point
 *   line, linestrip      → polyline
 *   circle               → polygon of CIRCLE_VERTICES points on the circle
 *                          (centre, then a point on it), clamped to the image
 *   mask                 → box (the rectangle of the mask; its pixels are lost)
 * Points up to EDGE_TOLERANCE (one pixel) outside the image are moved onto
 * its edge, as labelme lets a click just past the edge land there.
 * "group_id" (when not null), the shape's "flags" (each one) and a
 * "description" that is not empty become attributes. The file's own flags
 * that are true become classifications of the image (labelme's image
 * labels).
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-json.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* The polygon of a circle: 64 vertices stay within 0.12 % of the radius of
 * the circle (r · (1 − cos (π / 64))), under a pixel up to a radius of 800. */
#define CIRCLE_VERTICES 64

/* labelme may embed the image itself in "imageData" (base64, a third
 * larger than the image): room for a large photo, not for a runaway file. */
#define MAX_FILE_SIZE (256 * 1024 * 1024)
#define CHUNK_SIZE    (64 * 1024)

typedef struct {
  CalqueAnnotationSink *sink;
  const char *file;       /* for messages */
  char *element;
} LabelmeImport;

static gboolean G_GNUC_PRINTF (3, 4)
fail (LabelmeImport *self,
      GError       **error,
      const char    *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (self->element != NULL)
    g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                 "%s: %s: %s", self->file, self->element, message);
  else
    g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                 "%s: %s", self->file, message);
  return FALSE;
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/* "../images\\a.jpg" → "images/a.jpg". */
static char *
item_name (const char *image_path)
{
  g_autofree char *slashes = g_strdelimit (g_strdup (image_path), "\\", '/');
  g_auto(GStrv) parts = g_strsplit (slashes, "/", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  gboolean leading = TRUE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || (leading && g_str_equal (parts[i], "..")))
        continue;
      leading = FALSE;
      g_strv_builder_add (kept, parts[i]);
    }
  names = g_strv_builder_end (kept);
  return g_strjoinv ("/", names);
}

/* How far outside its image a point of a labelme file may be: labelme
 * takes a click just past the edge as it is (the sample 2011_000006.json
 * has a vertex at y 375.385 in an image 375 high). */
#define EDGE_TOLERANCE 1.0

/* "points": [[x, y], …] as flat coordinates, those within EDGE_TOLERANCE
 * of the image moved onto its edge; points further out are left for the
 * sink to refuse. */
static GArray *
read_points (LabelmeImport  *self,
             CalqueRecord   *item,
             JsonObject     *shape,
             GError        **error)
{
  CalqueShapeBounds bounds;
  JsonNode *node = json_object_get_member (shape, "points");
  g_autoptr(GArray) coords = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (self, error, _("“points” is not an array of [x, y] pairs"));
      return NULL;
    }
  calque_item_get_bounds (item, &bounds);
  array = json_node_get_array (node);
  if (json_array_get_length (array) > CALQUE_SHAPE_MAX_POINTS)
    {
      fail (self, error, _("more than %u points"), (guint) CALQUE_SHAPE_MAX_POINTS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *point = json_array_get_element (array, i);
      JsonArray *xy;
      double x, y;

      if (!JSON_NODE_HOLDS_ARRAY (point) || json_array_get_length (xy = json_node_get_array (point)) != 2
          || !is_number (json_array_get_element (xy, 0)) || !is_number (json_array_get_element (xy, 1)))
        {
          fail (self, error, _("point %u is not an [x, y] pair of numbers"), i + 1);
          return NULL;
        }
      x = json_array_get_double_element (xy, 0);
      y = json_array_get_double_element (xy, 1);
      if (bounds.width > 0 && x >= -EDGE_TOLERANCE && x <= bounds.width + EDGE_TOLERANCE)
        x = CLAMP (x, 0, bounds.width);
      if (bounds.height > 0 && y >= -EDGE_TOLERANCE && y <= bounds.height + EDGE_TOLERANCE)
        y = CLAMP (y, 0, bounds.height);
      g_array_append_val (coords, x);
      g_array_append_val (coords, y);
    }
  return g_steal_pointer (&coords);
}

static gboolean
need_points (LabelmeImport  *self,
             const char     *type,
             GArray         *coords,
             guint           min,
             guint           max,
             GError        **error)
{
  guint n = coords->len / 2;

  if (n >= min && n <= max)
    return TRUE;
  if (min == max)
    return fail (self, error, g_dngettext (GETTEXT_PACKAGE, "a %s has %u point, not %u",
                                           "a %s has %u points, not %u", min),
                 type, min, n);
  return fail (self, error, _("a %s has at least %u points, not %u"), type, min, n);
}

static CalqueShape *
bounding_box (const GArray *coords)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  for (guint i = 0; i + 1 < coords->len; i += 2)
    {
      x0 = MIN (x0, g_array_index (coords, double, i));
      x1 = MAX (x1, g_array_index (coords, double, i));
      y0 = MIN (y0, g_array_index (coords, double, i + 1));
      y1 = MAX (y1, g_array_index (coords, double, i + 1));
    }
  return calque_shape_new_box (x0, y0, x1 - x0, y1 - y0);
}

static CalqueShape *
circle (LabelmeImport  *self,
        CalqueRecord   *item,
        const GArray   *coords,
        GError        **error)
{
  double cx = g_array_index (coords, double, 0), cy = g_array_index (coords, double, 1);
  double r = hypot (g_array_index (coords, double, 2) - cx, g_array_index (coords, double, 3) - cy);
  double ring[2 * CIRCLE_VERTICES];
  CalqueShapeBounds bounds;

  if (!(r > 0))
    {
      fail (self, error, _("the circle has no radius"));
      return NULL;
    }
  calque_item_get_bounds (item, &bounds);
  for (int i = 0; i < CIRCLE_VERTICES; i++)
    {
      double angle = 2 * G_PI * i / CIRCLE_VERTICES;
      double x = cx + r * cos (angle), y = cy + r * sin (angle);

      /* A circle drawn across the edge keeps the part inside the image. */
      if (bounds.width > 0)
        x = CLAMP (x, 0, bounds.width);
      if (bounds.height > 0)
        y = CLAMP (y, 0, bounds.height);
      ring[2 * i] = x;
      ring[2 * i + 1] = y;
    }
  return calque_shape_new_polygon (ring, CIRCLE_VERTICES);
}

static CalqueShape *
read_geometry (LabelmeImport  *self,
               CalqueRecord   *item,
               JsonObject     *shape,
               GError        **error)
{
  JsonNode *type_node = json_object_get_member (shape, "shape_type");
  const char *type = "polygon";
  g_autoptr(GArray) coords = NULL;

  if (type_node != NULL && !JSON_NODE_HOLDS_NULL (type_node))
    {
      if (!JSON_NODE_HOLDS_VALUE (type_node) || json_node_get_value_type (type_node) != G_TYPE_STRING)
        {
          fail (self, error, _("“shape_type” is not a string"));
          return NULL;
        }
      type = json_node_get_string (type_node);
    }
  coords = read_points (self, item, shape, error);
  if (coords == NULL)
    return NULL;

  if (g_str_equal (type, "rectangle") || g_str_equal (type, "mask"))
    {
      if (!need_points (self, type, coords, 2, g_str_equal (type, "mask") ? 2 : 4, error))
        return NULL;
      return bounding_box (coords);
    }
  if (g_str_equal (type, "polygon"))
    {
      if (!need_points (self, type, coords, 3, G_MAXUINT, error))
        return NULL;
      return calque_shape_new_polygon ((const double *) coords->data, coords->len / 2);
    }
  if (g_str_equal (type, "point"))
    {
      if (!need_points (self, type, coords, 1, 1, error))
        return NULL;
      return calque_shape_new_point (g_array_index (coords, double, 0), g_array_index (coords, double, 1));
    }
  if (g_str_equal (type, "line") || g_str_equal (type, "linestrip"))
    {
      if (!need_points (self, type, coords, 2, g_str_equal (type, "line") ? 2 : G_MAXUINT, error))
        return NULL;
      return calque_shape_new_polyline ((const double *) coords->data, coords->len / 2);
    }
  if (g_str_equal (type, "circle"))
    {
      if (!need_points (self, type, coords, 2, 2, error))
        return NULL;
      return circle (self, item, coords, error);
    }
  fail (self, error, _("“%s” is not a labelme shape type (rectangle, polygon, point, line, linestrip, circle, mask)"),
        type);
  return NULL;
}

static JsonObject *
read_attributes (JsonObject *shape)
{
  JsonObject *attributes = json_object_new ();
  JsonNode *group = json_object_get_member (shape, "group_id");
  JsonNode *flags = json_object_get_member (shape, "flags");
  JsonNode *description = json_object_get_member (shape, "description");

  if (group != NULL && !JSON_NODE_HOLDS_NULL (group))
    json_object_set_member (attributes, "group_id", json_node_copy (group));
  if (flags != NULL && JSON_NODE_HOLDS_OBJECT (flags))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (flags));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        json_object_set_member (attributes, name, json_node_copy (value));
    }
  if (description != NULL && JSON_NODE_HOLDS_VALUE (description)
      && json_node_get_value_type (description) == G_TYPE_STRING && *json_node_get_string (description) != '\0')
    json_object_set_member (attributes, "description", json_node_copy (description));
  return attributes;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : 0;
}

/* The bytes of @path, read in chunks so that a file that is too large (or
 * a FIFO, or /dev/zero) is refused once MAX_FILE_SIZE bytes are in, not
 * after. */
static GBytes *
read_contents (LabelmeImport  *self,
               const char     *path,
               GError        **error)
{
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (self->sink);
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  gssize n;

  stream = g_file_read (gfile, cancellable, &local_error);
  if (stream == NULL)
    {
      fail (self, error, "%s", local_error->message);
      return NULL;
    }
  do
    {
      g_byte_array_set_size (bytes, bytes->len + CHUNK_SIZE);
      n = g_input_stream_read (G_INPUT_STREAM (stream), bytes->data + bytes->len - CHUNK_SIZE, CHUNK_SIZE,
                               cancellable, &local_error);
      g_byte_array_set_size (bytes, bytes->len - CHUNK_SIZE + MAX (n, 0));
      if (bytes->len > MAX_FILE_SIZE)
        {
          fail (self, error, _("larger than %d MiB; a labelme file describes one image"),
                MAX_FILE_SIZE / (1024 * 1024));
          return NULL;
        }
    }
  while (n > 0);
  if (n < 0)
    {
      fail (self, error, "%s", local_error->message);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static gboolean
read_file (LabelmeImport  *self,
           const char     *path,
           GError        **error)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  JsonNode *node;
  JsonObject *object;
  JsonArray *shapes;
  CalqueRecord *item;
  gsize length;
  const char *data;

  g_clear_pointer (&self->element, g_free);
  contents = read_contents (self, path, error);
  if (contents == NULL)
    return FALSE;
  /* The same parser as every other JSON from outside: a file nested
   * thousands deep or holding \u0000 is refused rather than crashing
   * json-glib or cutting a string short. */
  data = g_bytes_get_data (contents, &length);
  root = calque_json_parse (data, length, &local_error);
  if (root == NULL)
    return fail (self, error, _("not JSON: %s"), local_error->message);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (self, error, _("not a labelme file: not a JSON object"));
  object = json_node_get_object (root);

  node = json_object_get_member (object, "imagePath");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *(name = item_name (json_node_get_string (node))) == '\0')
    return fail (self, error, _("not a labelme file: no “imagePath”"));
  node = json_object_get_member (object, "shapes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (self, error, _("not a labelme file: no “shapes” array"));
  shapes = json_node_get_array (node);

  self->element = g_strdup ("imagePath");
  item = calque_annotation_sink_get_item (self->sink, self->file, self->element, name,
                                          member_int (object, "imageWidth"), member_int (object, "imageHeight"),
                                          error);
  if (item == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (shapes); i++)
    {
      JsonNode *shape_node = json_array_get_element (shapes, i);
      JsonObject *shape_object;
      JsonNode *label;
      g_autoptr(CalqueShape) shape = NULL;
      g_autoptr(JsonObject) attributes = NULL;
      const char *labels[2] = { NULL, NULL };
      CalqueImportedAnnotation annotation = { 0 };

      g_free (self->element);
      self->element = g_strdup_printf (_("shape %u"), i + 1);
      if (!JSON_NODE_HOLDS_OBJECT (shape_node))
        return fail (self, error, _("not an object"));
      shape_object = json_node_get_object (shape_node);
      label = json_object_get_member (shape_object, "label");
      if (label == NULL || !JSON_NODE_HOLDS_VALUE (label) || json_node_get_value_type (label) != G_TYPE_STRING)
        return fail (self, error, _("no “label”"));
      shape = read_geometry (self, item, shape_object, error);
      if (shape == NULL)
        return FALSE;
      attributes = read_attributes (shape_object);
      labels[0] = json_node_get_string (label);

      annotation.file = self->file;
      annotation.element = self->element;
      annotation.item_name = name;
      annotation.item_id = calque_record_get_id (item);
      annotation.labels = labels;
      annotation.shape = shape;
      annotation.confidence = NAN;
      annotation.attributes = attributes;
      if (!calque_annotation_sink_add (self->sink, &annotation, error))
        return FALSE;
    }

  node = json_object_get_member (object, "flags");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *flag;
      JsonNode *value;

      g_free (self->element);
      self->element = g_strdup ("flags");
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &flag, &value))
        {
          g_autoptr(CalqueShape) shape = NULL;
          const char *labels[2] = { flag, NULL };
          CalqueImportedAnnotation annotation = { 0 };

          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN
              || !json_node_get_boolean (value))
            continue;
          shape = calque_shape_new (CALQUE_SHAPE_CLASSIFICATION);
          annotation.file = self->file;
          annotation.element = self->element;
          annotation.item_name = name;
          annotation.item_id = calque_record_get_id (item);
          annotation.labels = labels;
          annotation.shape = shape;
          annotation.confidence = NAN;
          if (!calque_annotation_sink_add (self->sink, &annotation, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
_calque_import_read_labelme (CalqueAnnotationSink  *sink,
                             const char            *path,
                             GError               **error)
{
  g_autoptr(GPtrArray) files = NULL;
  LabelmeImport self = { sink };
  gboolean ok = TRUE;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      files = g_ptr_array_new_with_free_func (g_free);
      if (!_calque_import_list_files (path, ".json", files, error))
        return FALSE;
      if (files->len == 0)
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EMPTY,
                       _("%s: no labelme file (*.json) in this folder"), path);
          return FALSE;
        }
    }
  else
    {
      files = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (files, g_strdup (path));
    }

  for (guint i = 0; i < files->len && ok; i++)
    {
      g_autofree char *file = g_path_get_basename (files->pdata[i]);

      if (g_cancellable_set_error_if_cancelled (calque_annotation_sink_get_cancellable (sink), error))
        return FALSE;
      self.file = file;
      ok = read_file (&self, files->pdata[i], error);
      g_clear_pointer (&self.element, g_free);
      calque_annotation_sink_progress (sink, i + 1, files->len);
    }
  return ok;
}
