/* calque-import-coco.c — COCO instances and COCO results files
 *
 * An instances file is read in two passes of the streaming reader
 * (calque-json-stream.h): the images and categories first, then the
 * annotations, so that the order of the members in the file does not
 * matter and no annotation is held once handed to the sink. What is kept
 * between the passes is small: each image's id, file name and size, each
 * category's id and name, and the annotation ids seen (to refuse one used
 * twice).
 *
 * A results file (what a detector writes for COCO's evaluation: an array
 * of {image_id, category_id, bbox, score[, segmentation]}) has no images or
 * categories of its own: they come from the instances file it was made
 * against, given as the sink's reference.
 *
 * Shapes, as calque-export-coco.c writes them and as other tools do:
 *  - "calque_box" [x, y, w, h, rotation]: a turned box;
 *  - a segmentation of one ring that is exactly the bbox's corners, no
 *    segmentation, an empty one, or an RLE mask (crowd regions): a box from
 *    the bbox (COCO has no polygon for a mask; the mask itself is lost);
 *  - one ring with "calque_holes": a polygon with holes;
 *  - otherwise each ring is a polygon: several rings are several parts of
 *    one object in COCO, and become one annotation each.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-json-stream.h"

#include <glib/gi18n-lib.h>
#include <math.h>

typedef struct {
  char *file_name;
  gint64 width, height;
} Image;

typedef struct {
  CalqueAnnotationSink *sink;
  CalqueJsonStream *stream;
  const char *file;            /* the name messages give the file being read */
  GHashTable *images;          /* image id → Image */
  char       *path;            /* of the file being read */
  GHashTable *categories;      /* category id → its name */
  GPtrArray  *supercategories; /* pairs of names: a category, its supercategory */
  GHashTable *annotation_ids;  /* ids seen, as pointers */
  GString *element;            /* "annotation 17 (id 4521)" */
  guint64 progress_base;       /* bytes of earlier passes */
  guint64 progress_total;
} CocoReader;

static void
image_free (gpointer data)
{
  Image *image = data;

  g_free (image->file_name);
  g_free (image);
}

static void
coco_reader_clear (CocoReader *self)
{
  g_clear_pointer (&self->stream, calque_json_stream_free);
  g_clear_pointer (&self->images, g_hash_table_unref);
  g_clear_pointer (&self->categories, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->supercategories, g_ptr_array_unref);
  g_clear_pointer (&self->annotation_ids, g_hash_table_unref);
  if (self->element != NULL)
    g_string_free (g_steal_pointer (&self->element), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CocoReader, coco_reader_clear)

static void
coco_reader_init (CocoReader           *self,
                  CalqueAnnotationSink *sink)
{
  self->sink = sink;
  /* Ids are whole numbers: they are the keys themselves (an id of 0 too,
   * which GHashTable allows as a NULL key). */
  self->images = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, image_free);
  self->categories = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->supercategories = g_ptr_array_new_with_free_func (g_free);
  self->annotation_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->element = g_string_new (NULL);
}

#define ID_KEY(id) GSIZE_TO_POINTER ((gsize) (id))

static gboolean
bad (CocoReader  *self,
     GError     **error,
     const char  *format,
     ...) G_GNUC_PRINTF (3, 4);

/* An error about the current element: "instances.json: annotation 17: …". */
static gboolean
bad (CocoReader  *self,
     GError     **error,
     const char  *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, "%s: %s: %s",
               self->file, self->element->str, message);
  return FALSE;
}

typedef enum {
  ELEMENT_IMAGE,
  ELEMENT_CATEGORY,
  ELEMENT_ANNOTATION,
  ELEMENT_RESULT,
} ElementKind;

/* Names the element for messages: its place in its array, counted from 1,
 * and its id when that is another number. */
static void
name_element (CocoReader                   *self,
              ElementKind                   kind,
              const CalqueJsonElementPlace *place,
              JsonObject                   *object)
{
  JsonNode *id = object != NULL ? json_object_get_member (object, "id") : NULL;
  guint64 n = place->index + 1;

  switch (kind)
    {
    case ELEMENT_IMAGE:
      g_string_printf (self->element, _("image %llu"), (unsigned long long) n);
      break;
    case ELEMENT_CATEGORY:
      g_string_printf (self->element, _("category %llu"), (unsigned long long) n);
      break;
    case ELEMENT_ANNOTATION:
      g_string_printf (self->element, _("annotation %llu"), (unsigned long long) n);
      break;
    case ELEMENT_RESULT:
    default:
      g_string_printf (self->element, _("result %llu"), (unsigned long long) n);
      break;
    }
  if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64
      && json_node_get_int (id) != (gint64) n)
    g_string_append_printf (self->element, _(" (id %lld)"), (long long) json_node_get_int (id));
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* A whole number ≥ 0 (1.0 counts: some tools write every number as a float). */
static gboolean
get_id (CocoReader  *self,
        JsonObject  *object,
        const char  *member,
        gboolean     required,
        gint64      *out,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  double value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return bad (self, error, _("“%s” is missing"), member);
      *out = -1;
      return TRUE;
    }
  if (!is_number (node))
    return bad (self, error, _("“%s” is not a number"), member);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      if (*out < 0)
        return bad (self, error, _("“%s” is %lld; ids are whole numbers from 0"), member, (long long) *out);
      return TRUE;
    }
  value = json_node_get_double (node);
  if (!(value >= 0 && value < 9007199254740992.0) || value != floor (value))
    return bad (self, error, _("“%s” is %g; ids are whole numbers from 0"), member, value);
  *out = (gint64) value;
  return TRUE;
}

/* @n finite numbers of an array (@n 0: any even count ≥ @min), into @out. */
static gboolean
get_numbers (CocoReader  *self,
             JsonNode    *node,
             const char  *what,
             guint        n,
             guint        min,
             GArray      *out,
             GError     **error)
{
  JsonArray *array;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return bad (self, error, _("%s is not an array of numbers"), what);
  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (n > 0 && length != n)
    return bad (self, error, g_dngettext (GETTEXT_PACKAGE, "%s has %u number, expected %u",
                                          "%s has %u numbers, expected %u", length),
                what, length, n);
  if (n == 0 && (length % 2 != 0 || length < min))
    return bad (self, error, _("%s has %u numbers; a ring needs an even count, at least %u"), what, length, min);
  g_array_set_size (out, 0);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      double value;

      if (!is_number (element))
        return bad (self, error, _("%s: value %u is not a number"), what, i + 1);
      value = json_node_get_double (element);
      if (!isfinite (value))
        return bad (self, error, _("%s: value %u is not a finite number"), what, i + 1);
      g_array_append_val (out, value);
    }
  return TRUE;
}

static gboolean
image_cb (CocoReader                   *self,
          JsonObject                   *object,
          GError                      **error)
{
  g_autofree Image *image = g_new0 (Image, 1);
  const char *file_name;
  gint64 id;
  JsonNode *node;

  if (!get_id (self, object, "id", TRUE, &id, error))
    return FALSE;
  if (g_hash_table_contains (self->images, ID_KEY (id)))
    return bad (self, error, _("image id %lld is used twice"), (long long) id);
  node = json_object_get_member (object, "file_name");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *(file_name = json_node_get_string (node)) == '\0')
    return bad (self, error, _("“file_name” is missing or not a name"));
  for (guint i = 0; i < 2; i++)
    {
      const char *member = i == 0 ? "width" : "height";
      gint64 *size = i == 0 ? &image->width : &image->height;

      node = json_object_get_member (object, member);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        *size = 0;   /* unknown: the item's own size counts */
      else if (!is_number (node) || json_node_get_double (node) != floor (json_node_get_double (node))
               || json_node_get_double (node) <= 0 || json_node_get_double (node) > G_MAXINT32)
        return bad (self, error, _("“%s” is not a size in pixels (a whole number above 0)"), member);
      else
        *size = (gint64) json_node_get_double (node);
    }

  {
    /* Calque's export puts the images in an "images" folder beside the
     * file; other tools beside it or where --media says. */
    g_autofree char *beside = g_path_get_dirname (self->path);
    g_autofree char *in_images = g_build_filename (beside, "images", file_name, NULL);

    if (calque_annotation_sink_get_item_at (self->sink, self->file, self->element->str, file_name,
                                            g_file_test (in_images, G_FILE_TEST_IS_REGULAR) ? in_images : NULL,
                                            image->width, image->height, error) == NULL)
      return FALSE;
  }
  image->file_name = g_strdup (file_name);
  g_hash_table_insert (self->images, ID_KEY (id), g_steal_pointer (&image));
  return TRUE;
}

static gboolean
category_cb (CocoReader  *self,
             JsonObject  *object,
             GError     **error)
{
  const char *name;
  gint64 id;
  JsonNode *node;

  if (!get_id (self, object, "id", TRUE, &id, error))
    return FALSE;
  if (g_hash_table_contains (self->categories, ID_KEY (id)))
    return bad (self, error, _("category id %lld is used twice"), (long long) id);
  node = json_object_get_member (object, "name");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (self, error, _("“name” is missing or not a string"));
  name = json_node_get_string (node);

  /* Every category becomes a label, used or not, in the file's order. A
   * supercategory that is a category too becomes the label's parent once
   * all are read (Calque's own exports write parents so); one that is not
   * is a grouping the project has no label for, and is left. */
  if (calque_annotation_sink_get_label (self->sink, self->file, self->element->str, name, error) == NULL)
    return FALSE;
  node = json_object_get_member (object, "supercategory");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      && *json_node_get_string (node) != '\0')
    {
      g_ptr_array_add (self->supercategories, g_strdup (name));
      g_ptr_array_add (self->supercategories, g_strdup (json_node_get_string (node)));
    }
  g_hash_table_insert (self->categories, ID_KEY (id), g_strdup (name));
  return TRUE;
}

/* Where a box comes from when the segmentation does not give a polygon. */
static gboolean
box_from_bbox (CocoReader   *self,
               GArray       *bbox,
               CalqueShape **out,
               GError      **error)
{
  const double *v = (const double *) bbox->data;

  if (bbox->len == 0)
    return bad (self, error, _("“bbox” is missing"));
  *out = calque_shape_new_box (v[0], v[1], v[2], v[3]);
  return TRUE;
}

/* Whether @ring is the four corners of @bbox, clockwise from its top-left
 * one, as calque-export-coco.c writes a box: then it is that box. */
static gboolean
ring_is_bbox (GArray *ring,
              GArray *bbox)
{
  const double *r = (const double *) ring->data;
  const double *b = (const double *) bbox->data;
  double x1, y1;

  if (ring->len != 8 || bbox->len != 4)
    return FALSE;
  x1 = b[0] + b[2];
  y1 = b[1] + b[3];
  return r[0] == b[0] && r[1] == b[1] && r[2] == x1 && r[3] == b[1]
         && r[4] == x1 && r[5] == y1 && r[6] == b[0] && r[7] == y1;
}

static gboolean
add_shape (CocoReader               *self,
           CalqueImportedAnnotation *imported,
           CalqueShape              *shape,
           GError                  **error)
{
  imported->shape = shape;
  imported->element = self->element->str;
  return calque_annotation_sink_add (self->sink, imported, error);
}

static gboolean
annotation_cb (CocoReader  *self,
               JsonObject  *object,
               gboolean     result,
               GError     **error)
{
  g_autoptr(GArray) bbox = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(CalqueShape) shape = NULL;
  const char *labels[2] = { NULL, NULL };
  CalqueImportedAnnotation imported = { .file = self->file, .labels = labels, .confidence = NAN };
  gint64 id, image_id, category_id;
  JsonNode *node, *segmentation;
  Image *image;

  if (!result)
    {
      if (!get_id (self, object, "id", FALSE, &id, error))
        return FALSE;
      if (id >= 0 && !g_hash_table_add (self->annotation_ids, ID_KEY (id)))
        return bad (self, error, _("annotation id %lld is used twice"), (long long) id);
    }
  if (!get_id (self, object, "image_id", TRUE, &image_id, error)
      || !get_id (self, object, "category_id", TRUE, &category_id, error))
    return FALSE;
  image = g_hash_table_lookup (self->images, ID_KEY (image_id));
  if (image == NULL)
    return bad (self, error, _("image %lld is not among the images of %s"), (long long) image_id,
                calque_json_stream_get_name (self->stream));
  labels[0] = g_hash_table_lookup (self->categories, ID_KEY (category_id));
  if (labels[0] == NULL)
    return bad (self, error, _("category %lld is not among the categories of %s"), (long long) category_id,
                calque_json_stream_get_name (self->stream));
  imported.item_name = image->file_name;

  node = json_object_get_member (object, "bbox");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const double *v;

      if (!get_numbers (self, node, "“bbox”", 4, 0, bbox, error))
        return FALSE;
      v = (const double *) bbox->data;
      if (!(v[2] > 0 && v[3] > 0))
        return bad (self, error, _("the bbox is %g×%g; its width and height must be above 0"), v[2], v[3]);
    }

  node = json_object_get_member (object, "score");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!is_number (node))
        return bad (self, error, _("“score” is not a number"));
      imported.confidence = json_node_get_double (node);
    }
  else if (result)
    return bad (self, error, _("“score” is missing; a result has a score"));

  node = json_object_get_member (object, "attributes");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (self, error, _("“attributes” is not an object"));
      imported.attributes = json_node_get_object (node);
    }

  /* A turned box, as calque-export-coco.c writes it. */
  node = json_object_get_member (object, "calque_box");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const double *v;

      if (!get_numbers (self, node, "“calque_box”", 5, 0, ring, error))
        return FALSE;
      v = (const double *) ring->data;
      shape = calque_shape_new_box (v[0], v[1], v[2], v[3]);
      shape->rotation = v[4];
      return add_shape (self, &imported, shape, error);
    }

  segmentation = json_object_get_member (object, "segmentation");
  if (segmentation == NULL || JSON_NODE_HOLDS_NULL (segmentation) || JSON_NODE_HOLDS_OBJECT (segmentation)
      || (JSON_NODE_HOLDS_ARRAY (segmentation) && json_array_get_length (json_node_get_array (segmentation)) == 0))
    {
      /* No polygon: the box. An RLE mask ({"counts", "size"}, crowds)
       * is not drawn in Calque; its bbox is kept. */
      return box_from_bbox (self, bbox, &shape, error) && add_shape (self, &imported, shape, error);
    }
  if (!JSON_NODE_HOLDS_ARRAY (segmentation))
    return bad (self, error, _("“segmentation” is neither a list of polygons nor an RLE mask"));

  {
    JsonArray *rings = json_node_get_array (segmentation);
    guint n_rings = json_array_get_length (rings);
    JsonNode *holes = json_object_get_member (object, "calque_holes");
    g_autofree char *element = g_strdup (self->element->str);

    if (!JSON_NODE_HOLDS_ARRAY (json_array_get_element (rings, 0)))
      return bad (self, error, _("“segmentation” is a list of numbers; COCO polygons are a list of lists"));

    if (holes != NULL && !JSON_NODE_HOLDS_NULL (holes))
      {
        JsonArray *hole_rings;

        if (n_rings != 1)
          return bad (self, error, _("“calque_holes” goes with one polygon; “segmentation” has %u"), n_rings);
        if (!JSON_NODE_HOLDS_ARRAY (holes))
          return bad (self, error, _("“calque_holes” is not a list of polygons"));
        if (!get_numbers (self, json_array_get_element (rings, 0), "“segmentation”", 0, 6, ring, error))
          return FALSE;
        shape = calque_shape_new_polygon ((const double *) ring->data, ring->len / 2);
        hole_rings = json_node_get_array (holes);
        for (guint i = 0; i < json_array_get_length (hole_rings); i++)
          {
            g_autofree char *what = g_strdup_printf (_("hole %u"), i + 1);

            if (i >= CALQUE_SHAPE_MAX_HOLES)
              return bad (self, error, _("more than %u holes"), (guint) CALQUE_SHAPE_MAX_HOLES);
            if (!get_numbers (self, json_array_get_element (hole_rings, i), what, 0, 6, ring, error))
              return FALSE;
            calque_shape_add_hole (shape, (const double *) ring->data, ring->len / 2);
          }
        return add_shape (self, &imported, shape, error);
      }

    for (guint i = 0; i < n_rings; i++)
      {
        g_autoptr(CalqueShape) part = NULL;
        g_autofree char *what = n_rings > 1 ? g_strdup_printf (_("“segmentation” polygon %u"), i + 1)
                                            : g_strdup (_("“segmentation”"));

        if (!get_numbers (self, json_array_get_element (rings, i), what, 0, 6, ring, error))
          return FALSE;
        if (n_rings == 1 && ring_is_bbox (ring, bbox))
          part = calque_shape_new_box (g_array_index (bbox, double, 0), g_array_index (bbox, double, 1),
                                       g_array_index (bbox, double, 2), g_array_index (bbox, double, 3));
        else
          part = calque_shape_new_polygon ((const double *) ring->data, ring->len / 2);
        /* Parts of one object: an annotation each, named apart. */
        if (n_rings > 1)
          g_string_printf (self->element, _("%s, part %u"), element, i + 1);
        if (!add_shape (self, &imported, part, error))
          return FALSE;
      }
    return TRUE;
  }
}

static gboolean
element_cb (JsonNode                     *node,
            const CalqueJsonElementPlace *place,
            gpointer                      user_data,
            GError                      **error)
{
  CocoReader *self = user_data;
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  ElementKind kind;

  if (place->member == NULL)
    kind = ELEMENT_RESULT;
  else if (g_str_equal (place->member, "images"))
    kind = ELEMENT_IMAGE;
  else if (g_str_equal (place->member, "categories"))
    kind = ELEMENT_CATEGORY;
  else
    kind = ELEMENT_ANNOTATION;

  name_element (self, kind, place, object);
  if (object == NULL)
    return bad (self, error, _("not a JSON object"));
  switch (kind)
    {
    case ELEMENT_IMAGE:
      return image_cb (self, object, error);
    case ELEMENT_CATEGORY:
      return category_cb (self, object, error);
    case ELEMENT_ANNOTATION:
      return annotation_cb (self, object, FALSE, error);
    case ELEMENT_RESULT:
    default:
      return annotation_cb (self, object, TRUE, error);
    }
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  CocoReader *self = user_data;

  calque_annotation_sink_progress (self->sink, self->progress_base + done, self->progress_total);
}

/* Opens @path as the file being read. */
static gboolean
open_stream (CocoReader  *self,
             const char  *path,
             GError     **error)
{
  g_clear_pointer (&self->stream, calque_json_stream_free);
  self->stream = calque_json_stream_new (path, NULL, error);
  if (self->stream == NULL)
    return FALSE;
  g_free (self->path);
  self->path = g_strdup (path);
  self->file = calque_json_stream_get_name (self->stream);
  calque_json_stream_set_progress (self->stream, progress_cb, self);
  return TRUE;
}

/* The first pass over an instances file: its images and categories. */
static gboolean
read_images_and_categories (CocoReader  *self,
                            GError     **error)
{
  static const char * const members[] = { "images", "categories", NULL };
  guint64 found = 0;

  if (!calque_json_stream_foreach (self->stream, members, &found, element_cb, self,
                                   calque_annotation_sink_get_cancellable (self->sink), error))
    return FALSE;
  for (guint i = 0; members[i] != NULL; i++)
    if (!(found & (G_GUINT64_CONSTANT (1) << i)))
      {
        g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                     _("%s: there is no “%s” array: this is not a COCO instances file"), self->file, members[i]);
        return FALSE;
      }
  self->progress_base += calque_json_stream_get_size (self->stream);
  for (guint i = 0; i + 1 < self->supercategories->len; i += 2)
    if (!calque_annotation_sink_set_label_parent (self->sink, self->file, "categories",
                                                  self->supercategories->pdata[i],
                                                  self->supercategories->pdata[i + 1], error))
      return FALSE;
  return TRUE;
}

gboolean
_calque_import_read_coco (CalqueAnnotationSink  *sink,
                          const char            *path,
                          GError               **error)
{
  static const char * const members[] = { "annotations", NULL };
  g_auto(CocoReader) self = { 0 };
  guint64 found = 0;

  coco_reader_init (&self, sink);
  if (!open_stream (&self, path, error))
    return FALSE;
  self.progress_total = 2 * calque_json_stream_get_size (self.stream);
  if (!read_images_and_categories (&self, error))
    return FALSE;

  if (!calque_json_stream_foreach (self.stream, members, &found, element_cb, &self,
                                   calque_annotation_sink_get_cancellable (sink), error))
    return FALSE;
  if (!(found & 1))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: there is no “annotations” array: this is not a COCO instances file"), self.file);
      return FALSE;
    }
  return TRUE;
}

gboolean
_calque_import_read_coco_results (CalqueAnnotationSink  *sink,
                                  const char            *path,
                                  GError               **error)
{
  const char *reference = calque_annotation_sink_get_options (sink)->reference;
  g_auto(CocoReader) self = { 0 };
  g_autoptr(CalqueJsonStream) results = NULL;

  if (reference == NULL)
    {
      g_autofree char *name = g_path_get_basename (path);

      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: a COCO results file names images and categories by the ids of an instances file; "
                     "give that file as the reference (--reference FILE)"), name);
      return FALSE;
    }

  coco_reader_init (&self, sink);
  results = calque_json_stream_new (path, NULL, error);
  if (results == NULL || !open_stream (&self, reference, error))
    return FALSE;
  self.progress_total = calque_json_stream_get_size (self.stream) + calque_json_stream_get_size (results);
  if (!read_images_and_categories (&self, error))
    return FALSE;

  /* The results themselves; messages about ids still name the reference,
   * where those ids are missing. */
  self.file = calque_json_stream_get_name (results);
  calque_json_stream_set_progress (results, progress_cb, &self);
  return calque_json_stream_foreach (results, NULL, NULL, element_cb, &self,
                                     calque_annotation_sink_get_cancellable (sink), error);
}
