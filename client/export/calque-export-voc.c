/* calque-export-voc.c — Pascal VOC: one XML file per image
 *
 * The folder is laid out as torchvision.datasets.VOCDetection (root,
 * year="2012", image_set="train") opens it:
 *
 *   VOCdevkit/VOC2012/Annotations/<stem>.xml     one per image
 *   VOCdevkit/VOC2012/JPEGImages/<file>          the media (with_media)
 *   VOCdevkit/VOC2012/ImageSets/Main/train.txt   the stems, one per line
 *
 * Every image is in "train": Calque has no split of its own to offer.
 *
 * Names. VOC folders are flat, so an item's file name (its name made safe
 * by calque_export_item_file_name()) has "%" written "%25" and "/" written
 * "%2F": "a/b.jpg" becomes "a%2Fb.jpg", distinct from "a_b.jpg", and the
 * import turns it back. The stem is that file name without its extension;
 * when two items would share one ("b.jpg" and "b.png"), the later in name
 * order takes its whole file name ("b.png"), then "-2", "-3"… after it. The
 * XML's <filename> is always the file in JPEGImages, so nothing is lost.
 * The stems already given are the one thing kept for the whole export (a
 * few bytes per item, never per annotation).
 *
 * Coordinates. VOC counts pixels from 1 and its boxes include both ends:
 * a Calque box from x to x + w (edges of pixels, from 0) covers the pixels
 * xmin = x + 1 … xmax = x + w. Edges are rounded to whole pixels (VOC tools
 * read the numbers as integers), so a box on whole pixels comes back
 * exactly and any box comes back the same after one round trip.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-export-bbox.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#define VOC_YEAR_FOLDER "VOC2012"

typedef struct {
  CalqueExportSource        *source;
  const CalqueExportOptions *options;
  GCancellable              *cancellable;
  char                      *annotations_dir;
  char                      *images_dir;
  CalqueExportFile          *list;      /* ImageSets/Main/train.txt */
  GHashTable                *stems;     /* stems given so far */
  GString                   *xml;       /* one item's file, reused */
} VocWriter;

static void
voc_writer_clear (VocWriter *self)
{
  g_clear_pointer (&self->annotations_dir, g_free);
  g_clear_pointer (&self->images_dir, g_free);
  g_clear_pointer (&self->list, calque_export_file_free);
  g_clear_pointer (&self->stems, g_hash_table_unref);
  if (self->xml != NULL)
    g_string_free (self->xml, TRUE);
  self->xml = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VocWriter, voc_writer_clear)

/* The item's file name, flat: "%" → "%25", "/" → "%2F". */
static char *
voc_file_name (CalqueRecord *item)
{
  g_autofree char *safe = calque_export_item_file_name (item);
  GString *flat = g_string_sized_new (strlen (safe) + 8);

  for (const char *p = safe; *p; p++)
    {
      if (*p == '%')
        g_string_append (flat, "%25");
      else if (*p == '/')
        g_string_append (flat, "%2F");
      else
        g_string_append_c (flat, *p);
    }
  return g_string_free (flat, FALSE);
}

static char *
claim_stem (VocWriter  *self,
            const char *file_name)
{
  const char *dot = strrchr (file_name, '.');
  g_autofree char *stem = dot != NULL && dot != file_name
                          ? g_strndup (file_name, dot - file_name)
                          : g_strdup (file_name);

  if (g_hash_table_contains (self->stems, stem))
    {
      g_free (stem);
      stem = g_strdup (file_name);
      for (guint n = 2; g_hash_table_contains (self->stems, stem); n++)
        {
          g_free (stem);
          stem = g_strdup_printf ("%s-%u", file_name, n);
        }
    }
  g_hash_table_add (self->stems, g_strdup (stem));
  return g_steal_pointer (&stem);
}

static void
append_element (GString    *xml,
                const char *indent,
                const char *name,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append_printf (xml, "%s<%s>%s</%s>\n", indent, name, escaped, name);
}

/* A flag attribute a VOC object may carry (truncated, difficult): true,
 * or a number other than 0. */
static gboolean
attribute_flag (JsonObject *attributes,
                const char *name)
{
  JsonNode *node = attributes ? json_object_get_member (attributes, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_DOUBLE:
      return json_node_get_double (node) != 0;
    default:
      return FALSE;
    }
}

static const char *
attribute_pose (JsonObject *attributes)
{
  JsonNode *node = attributes ? json_object_get_member (attributes, "pose") : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      && *json_node_get_string (node) != '\0')
    return json_node_get_string (node);
  return "Unspecified";
}

/* Left and right edges in pixels → VOC's first and last pixel, 1-based,
 * never outside 1…@size and never reversed. */
static void
voc_range (double  low,
           double  high,
           gint64  size,
           gint64 *out_min,
           gint64 *out_max)
{
  gint64 first = llround (low);
  gint64 last = llround (high);

  if (size > 0)
    {
      first = CLAMP (first, 0, size - 1);
      last = CLAMP (last, first + 1, size);
    }
  else
    {
      first = MAX (first, 0);
      last = MAX (last, first + 1);
    }
  *out_min = first + 1;
  *out_max = last;
}

static gboolean
append_object (VocWriter     *self,
               CalqueRecord  *item,
               CalqueRecord  *annotation,
               GError       **error)
{
  int label = calque_export_source_annotation_label (self->source, annotation);
  g_autoptr(CalqueShape) shape = NULL;
  JsonNode *attributes_node;
  JsonObject *attributes = NULL;
  CalqueRecord *label_record;
  gint64 width = calque_record_get_int (item, "width", 0);
  gint64 height = calque_record_get_int (item, "height", 0);
  gint64 xmin, xmax, ymin, ymax;
  double bbox[4];

  /* A VOC object is a named box: shapes without a label, and shapes with
   * no area (points, lines, classifications), have no place in it. */
  if (label < 0)
    return TRUE;
  shape = calque_record_dup_shape (annotation, error);
  if (shape == NULL)
    {
      g_prefix_error (error, _("item “%s”: annotation %s: "), calque_record_get_string (item, "name"),
                      calque_record_get_id (annotation));
      return FALSE;
    }
  if (!_calque_export_shape_bbox (shape, bbox))
    return TRUE;

  attributes_node = calque_record_get_field (annotation, "attributes");
  if (attributes_node != NULL && JSON_NODE_HOLDS_OBJECT (attributes_node))
    attributes = json_node_get_object (attributes_node);
  label_record = g_ptr_array_index (calque_export_source_get_labels (self->source), label);
  voc_range (bbox[0], bbox[2], width, &xmin, &xmax);
  voc_range (bbox[1], bbox[3], height, &ymin, &ymax);

  g_string_append (self->xml, "\t<object>\n");
  append_element (self->xml, "\t\t", "name", calque_record_get_string (label_record, "name"));
  append_element (self->xml, "\t\t", "pose", attribute_pose (attributes));
  g_string_append_printf (self->xml, "\t\t<truncated>%d</truncated>\n", attribute_flag (attributes, "truncated"));
  g_string_append_printf (self->xml, "\t\t<difficult>%d</difficult>\n", attribute_flag (attributes, "difficult"));
  g_string_append_printf (self->xml,
                          "\t\t<bndbox>\n"
                          "\t\t\t<xmin>%" G_GINT64_FORMAT "</xmin>\n"
                          "\t\t\t<ymin>%" G_GINT64_FORMAT "</ymin>\n"
                          "\t\t\t<xmax>%" G_GINT64_FORMAT "</xmax>\n"
                          "\t\t\t<ymax>%" G_GINT64_FORMAT "</ymax>\n"
                          "\t\t</bndbox>\n"
                          "\t</object>\n",
                          xmin, ymin, xmax, ymax);
  return TRUE;
}

static gboolean
write_item_cb (CalqueRecord  *item,
               GPtrArray     *annotations,
               gpointer       user_data,
               GError       **error)
{
  VocWriter *self = user_data;
  g_autofree char *file_name = voc_file_name (item);
  g_autofree char *stem = claim_stem (self, file_name);
  g_autofree char *xml_name = g_strconcat (stem, ".xml", NULL);
  g_autofree char *xml_path = g_build_filename (self->annotations_dir, xml_name, NULL);

  g_string_truncate (self->xml, 0);
  g_string_append (self->xml, "<annotation>\n");
  append_element (self->xml, "\t", "folder", VOC_YEAR_FOLDER);
  append_element (self->xml, "\t", "filename", file_name);
  g_string_append_printf (self->xml,
                          "\t<size>\n"
                          "\t\t<width>%" G_GINT64_FORMAT "</width>\n"
                          "\t\t<height>%" G_GINT64_FORMAT "</height>\n"
                          "\t\t<depth>3</depth>\n"
                          "\t</size>\n"
                          "\t<segmented>0</segmented>\n",
                          calque_record_get_int (item, "width", 0),
                          calque_record_get_int (item, "height", 0));
  for (guint i = 0; i < annotations->len; i++)
    if (!append_object (self, item, annotations->pdata[i], error))
      return FALSE;
  g_string_append (self->xml, "</annotation>\n");

  if (!calque_export_write_file (xml_path, self->xml->str, self->xml->len, error)
      || !calque_export_file_printf (self->list, self->cancellable, error, "%s\n", stem))
    return FALSE;

  if (self->options->with_media)
    {
      g_autofree char *media_path = g_build_filename (self->images_dir, file_name, NULL);

      if (!calque_export_copy_media (calque_export_source_get_workspace (self->source), item,
                                     media_path, self->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_calque_export_write_voc (CalqueExportSource         *source,
                          const char                 *path,
                          const CalqueExportOptions  *options,
                          GCancellable               *cancellable,
                          GError                    **error)
{
  g_auto(VocWriter) self = { 0 };
  g_autofree char *year_dir = g_build_filename (path, "VOCdevkit", VOC_YEAR_FOLDER, NULL);
  g_autofree char *list_path = g_build_filename (year_dir, "ImageSets", "Main", "train.txt", NULL);

  self.source = source;
  self.options = options;
  self.cancellable = cancellable;
  self.annotations_dir = g_build_filename (year_dir, "Annotations", NULL);
  self.images_dir = g_build_filename (year_dir, "JPEGImages", NULL);
  self.stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.xml = g_string_sized_new (4096);

  self.list = calque_export_file_new (list_path, error);
  if (self.list == NULL)
    return FALSE;
  /* Annotations/ exists even for a project without items: torchvision
   * looks for it before reading the list. */
  if (g_mkdir_with_parents (self.annotations_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot create the folder: %s"),
                   self.annotations_dir, g_strerror (saved));
      return FALSE;
    }
  return calque_export_source_foreach (source, TRUE, write_item_cb, &self, cancellable, error)
         && calque_export_file_commit (self.list, cancellable, error);
}
