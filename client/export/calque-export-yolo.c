/* calque-export-yolo.c — YOLO boxes ("yolo") and outlines ("yolo-seg")
 *
 * The folder is laid out as Ultralytics reads a dataset:
 *
 *   data.yaml                    path, train and val folders, class names
 *   images/train/<item name>     the media (with_media), folders kept
 *   labels/train/<stem>.txt      one line per object, beside its image:
 *                                "a/b.jpg" → labels/train/a/b.txt
 *
 * Lines are "class cx cy w h" (yolo) or "class x1 y1 x2 y2 …" (yolo-seg),
 * every coordinate a fraction of the image's width or height. Every item
 * gets a label file, empty when it has no object (a background image).
 *
 * Numbers. Fractions are written with exactly six decimals, from whole
 * millionths, so the text never depends on the locale or on how a printf
 * rounds. A box is written as its centre and size in millionths; when
 * rounding pushes an edge out of [0, 1] the centre moves by one millionth,
 * so that the numbers read back always give a box inside the image, and
 * the same numbers again when exported once more.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-export-bbox.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#define MICRO G_GINT64_CONSTANT (1000000)

typedef struct {
  CalqueExportSource        *source;
  const CalqueExportOptions *options;
  GCancellable              *cancellable;
  gboolean                   segments;      /* yolo-seg */
  char                      *images_dir;
  char                      *labels_dir;
  /* label file → the item that has it. YOLO pairs an image with its label
   * file by the name without extension, so "b.jpg" and "b.png" cannot both
   * be in one folder; this is how the export notices. */
  GHashTable                *label_files;
  GString                   *text;          /* one item's label file, reused */
} YoloWriter;

static void
yolo_writer_clear (YoloWriter *self)
{
  g_clear_pointer (&self->images_dir, g_free);
  g_clear_pointer (&self->labels_dir, g_free);
  g_clear_pointer (&self->label_files, g_hash_table_unref);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  self->text = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (YoloWriter, yolo_writer_clear)

/* "a/b.jpg" → "a/b.txt"; a name without extension just gains one. */
static char *
label_file_name (const char *file_name)
{
  const char *base = strrchr (file_name, '/');
  const char *dot;

  base = base ? base + 1 : file_name;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return g_strconcat (file_name, ".txt", NULL);
  return g_strdup_printf ("%.*s.txt", (int) (dot - file_name), file_name);
}

/* @value of @size as a fraction in whole millionths, inside [0, 1]. */
static gint64
to_micro (double value,
          double size)
{
  double fraction = size > 0 ? value / size : 0;

  return llround (CLAMP (fraction, 0.0, 1.0) * MICRO);
}

static void
append_micro (GString *text,
              gint64   micro)
{
  g_string_append_printf (text, " %d.%06d", (int) (micro / MICRO), (int) (micro % MICRO));
}

/* The centre and size of the range @low…@high of @size, in millionths,
 * such that centre ± size / 2 stays inside [0, 1] exactly. */
static void
append_range (GString *text,
              double   low,
              double   high,
              double   size,
              gint64  *out_size)
{
  double a = size > 0 ? CLAMP (low / size, 0.0, 1.0) : 0;
  double b = size > 0 ? CLAMP (high / size, 0.0, 1.0) : 0;
  gint64 centre = llround ((a + b) / 2 * MICRO);
  gint64 extent = CLAMP (llround ((b - a) * MICRO), 1, MICRO);

  if (2 * centre < extent)
    centre = (extent + 1) / 2;
  if (2 * centre + extent > 2 * MICRO)
    centre = (2 * MICRO - extent) / 2;
  append_micro (text, centre);
  *out_size = extent;
}

static gboolean
append_object (YoloWriter    *self,
               CalqueRecord  *item,
               CalqueRecord  *annotation,
               GError       **error)
{
  int label = calque_export_source_annotation_label (self->source, annotation);
  double width = calque_record_get_int (item, "width", 0);
  double height = calque_record_get_int (item, "height", 0);
  g_autoptr(CalqueShape) shape = NULL;

  /* A YOLO line starts with its class: shapes without a label, and
   * shapes with no area, have no line. */
  if (label < 0)
    return TRUE;
  shape = calque_record_dup_shape (annotation, error);
  if (shape == NULL)
    {
      g_prefix_error (error, _("item “%s”: annotation %s: "), calque_record_get_string (item, "name"),
                      calque_record_get_id (annotation));
      return FALSE;
    }

  if (self->segments)
    {
      double corners[8];
      const double *coords;
      guint n_points;

      if (shape->kind == CALQUE_SHAPE_BOX)
        {
          _calque_export_box_corners (shape, corners);
          coords = corners;
          n_points = 4;
        }
      else if (shape->kind == CALQUE_SHAPE_POLYGON && shape->points != NULL && shape->points->len >= 6)
        {
          /* The outer ring; YOLO has no holes. */
          coords = (const double *) shape->points->data;
          n_points = shape->points->len / 2;
        }
      else
        return TRUE;

      g_string_append_printf (self->text, "%d", label);
      for (guint i = 0; i < n_points; i++)
        {
          append_micro (self->text, to_micro (coords[2 * i], width));
          append_micro (self->text, to_micro (coords[2 * i + 1], height));
        }
    }
  else
    {
      double bbox[4];
      gint64 w, h;

      if (!_calque_export_shape_bbox (shape, bbox))
        return TRUE;
      g_string_append_printf (self->text, "%d", label);
      /* cx, cy, then w, h: the sizes come from the same rounding. */
      append_range (self->text, bbox[0], bbox[2], width, &w);
      append_range (self->text, bbox[1], bbox[3], height, &h);
      append_micro (self->text, w);
      append_micro (self->text, h);
    }
  g_string_append_c (self->text, '\n');
  return TRUE;
}

static gboolean
write_item_cb (CalqueRecord  *item,
               GPtrArray     *annotations,
               gpointer       user_data,
               GError       **error)
{
  YoloWriter *self = user_data;
  g_autofree char *file_name = calque_export_item_file_name (item);
  g_autofree char *label_name = label_file_name (file_name);
  g_autofree char *label_path = g_build_filename (self->labels_dir, label_name, NULL);
  const char *other = g_hash_table_lookup (self->label_files, label_name);

  if (other != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("items “%s” and “%s” would share the label file %s: YOLO pairs an image and its "
                     "labels by the name without extension; rename one of them"),
                   other, calque_record_get_string (item, "name"), label_name);
      return FALSE;
    }
  g_hash_table_insert (self->label_files, g_strdup (label_name),
                       g_strdup (calque_record_get_string (item, "name")));

  g_string_truncate (self->text, 0);
  for (guint i = 0; i < annotations->len; i++)
    if (!append_object (self, item, annotations->pdata[i], error))
      return FALSE;
  if (!calque_export_write_file (label_path, self->text->str, self->text->len, error))
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

/* @text as a YAML double-quoted scalar: always quoted, so that names like
 * "yes", "1e3", "- a" or "a: b" stay strings, and escaped so that any
 * name, line breaks included, reads back as itself. */
static void
append_yaml_string (GString    *yaml,
                    const char *text)
{
  g_string_append_c (yaml, '"');
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\')
        g_string_append_printf (yaml, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (yaml, "\\n");
      else if (c == '\t')
        g_string_append (yaml, "\\t");
      /* C0 and C1 controls, DEL, and what YAML takes for line breaks or a
       * byte order mark. */
      else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff)
        g_string_append_printf (yaml, "\\u%04x", c);
      else
        g_string_append_len (yaml, p, g_utf8_next_char (p) - p);
    }
  g_string_append_c (yaml, '"');
}

static gboolean
write_data_yaml (YoloWriter  *self,
                 const char  *path,
                 GError     **error)
{
  GPtrArray *labels = calque_export_source_get_labels (self->source);
  g_autoptr(GString) yaml = g_string_new (NULL);
  g_autofree char *yaml_path = g_build_filename (path, "data.yaml", NULL);

  /* "path: ." is the folder Ultralytics runs in; see docs/formats.md. */
  g_string_append_printf (yaml,
                          "path: .\n"
                          "train: images/train\n"
                          "val: images/train\n"
                          "nc: %u\n"
                          "names:%s\n",
                          labels->len, labels->len == 0 ? " {}" : "");
  for (guint i = 0; i < labels->len; i++)
    {
      g_string_append_printf (yaml, "  %u: ", i);
      append_yaml_string (yaml, calque_record_get_string (labels->pdata[i], "name"));
      g_string_append_c (yaml, '\n');
    }
  return calque_export_write_file (yaml_path, yaml->str, yaml->len, error);
}

static gboolean
write_yolo (CalqueExportSource         *source,
            const char                 *path,
            const CalqueExportOptions  *options,
            gboolean                    segments,
            GCancellable               *cancellable,
            GError                    **error)
{
  g_auto(YoloWriter) self = { 0 };

  self.source = source;
  self.options = options;
  self.cancellable = cancellable;
  self.segments = segments;
  self.images_dir = g_build_filename (path, "images", "train", NULL);
  self.labels_dir = g_build_filename (path, "labels", "train", NULL);
  self.label_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.text = g_string_sized_new (4096);

  /* Both folders exist even when empty: Ultralytics checks them. */
  if (g_mkdir_with_parents (self.labels_dir, 0755) != 0
      || (options->with_media && g_mkdir_with_parents (self.images_dir, 0755) != 0))
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot create the folder: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return calque_export_source_foreach (source, TRUE, write_item_cb, &self, cancellable, error)
         && write_data_yaml (&self, path, error);
}

gboolean
_calque_export_write_yolo (CalqueExportSource         *source,
                           const char                 *path,
                           const CalqueExportOptions  *options,
                           GCancellable               *cancellable,
                           GError                    **error)
{
  return write_yolo (source, path, options, FALSE, cancellable, error);
}

gboolean
_calque_export_write_yolo_seg (CalqueExportSource         *source,
                               const char                 *path,
                               const CalqueExportOptions  *options,
                               GCancellable               *cancellable,
                               GError                    **error)
{
  return write_yolo (source, path, options, TRUE, cancellable, error);
}
