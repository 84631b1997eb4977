/* calque-import-yolo.c — YOLO label folders ("yolo" boxes, "yolo-seg" outlines)
 *
 * Reads what calque-export-yolo.c writes, and Ultralytics datasets of
 * other tools: a folder with
 *
 *   data.yaml (or classes.txt, one name per line)   the class names
 *   images/<split>/…/<stem>.<ext>                   the images
 *   labels/<split>/…/<stem>.txt                     their objects
 *
 * The image folders are data.yaml's train, val and test (each once), or
 * "images" without data.yaml; labels are found as Ultralytics finds them,
 * with the last "images" of the path made "labels". An item is named by
 * its image's path inside its image folder ("images/train/a/b.jpg" → item
 * "a/b.jpg"), which the sink also finds as "b.jpg" when that is unique.
 * data.yaml's "path" is not read: the folder given is the dataset.
 *
 * Lines: "class cx cy w h" with an optional score after it (yolo), or
 * "class x1 y1 x2 y2 …", at least three points (yolo-seg, where a line of
 * five numbers is a box, as Ultralytics reads it). Coordinates are
 * fractions of the image's size, turned into pixels with the item's own
 * width and height. Label files are read a line at a time.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-yolo-data.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* data.yaml and classes.txt are a few kilobytes; this is a sanity limit. */
#define MAX_NAMES_FILE_SIZE (16 * 1024 * 1024)

/* How far outside [0, 1] a box edge computed from cx ± w / 2 may fall and
 * be taken as the image's edge: what six-decimal rounding by other tools
 * leaves, and far below a pixel. */
#define EDGE_TOLERANCE 1e-6

/* Ultralytics' image formats. */
static const char * const image_extensions[] = {
  "bmp", "dng", "jpeg", "jpg", "mpo", "png", "tif", "tiff", "webp", "pfm", "heic", NULL,
};

typedef struct {
  CalqueAnnotationSink *sink;
  gboolean              segments;
  const char           *root;
  const char           *names_file;   /* data.yaml or classes.txt, for messages */
  GPtrArray            *names;
} YoloReader;

static gboolean
set_error (GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_error (GError     **error,
           const char  *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
read_small_file (const char  *path,
                 const char  *display,
                 char       **out_text,
                 gsize       *out_length,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > MAX_NAMES_FILE_SIZE)
    return set_error (error, _("%s: larger than %d MiB"), display, MAX_NAMES_FILE_SIZE / (1024 * 1024));
  if (!g_file_get_contents (path, out_text, out_length, &local_error))
    return set_error (error, "%s: %s", display, local_error->message);
  return TRUE;
}

/* classes.txt: a name per line; blank lines at the end are nothing. */
static GPtrArray *
read_classes_txt (const char  *path,
                  GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gsize length, n;

  if (!read_small_file (path, "classes.txt", &text, &length, error))
    return NULL;
  if (!g_utf8_validate_len (text, length, NULL))
    {
      set_error (error, _("%s: not UTF-8 text"), "classes.txt");
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  while (n > 0 && *g_strstrip (lines[n - 1]) == '\0')
    n--;
  for (gsize i = 0; i < n; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0')
        {
          set_error (error, _("%s: line %u: a blank line would leave class %u without a name"),
                     "classes.txt", (guint) i + 1, (guint) i);
          return NULL;
        }
      g_ptr_array_add (names, g_strdup (lines[i]));
    }
  return g_steal_pointer (&names);
}

/* @where: "data.yaml: line 3", where the path was read. */
static gboolean
check_inside (const char  *where,
              const char  *path,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  if (g_path_is_absolute (path) || strchr (path, '\\') != NULL)
    return set_error (error, _("%s: “%s” is an absolute path; only paths inside the dataset are accepted"),
                      where, path);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return set_error (error, _("%s: “%s” climbs out of the dataset with “..”"), where, path);
  return TRUE;
}

/* "images/train" → "labels/train": the last "images" of the path. */
static char *
labels_folder (const char *images)
{
  g_auto(GStrv) parts = g_strsplit (images, "/", -1);

  for (guint i = g_strv_length (parts); i-- > 0;)
    if (g_str_equal (parts[i], "images"))
      {
        g_free (parts[i]);
        parts[i] = g_strdup ("labels");
        return g_strjoinv ("/", parts);
      }
  return NULL;
}

/* "a/b.jpg" → "a/b"; NULL when there is no extension. */
static char *
strip_extension (const char *path)
{
  const char *base = strrchr (path, '/');
  const char *dot;

  base = base ? base + 1 : path;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return NULL;
  return g_strndup (path, dot - path);
}

static gboolean
is_image (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name)
    return FALSE;
  for (guint i = 0; image_extensions[i] != NULL; i++)
    if (g_ascii_strcasecmp (dot + 1, image_extensions[i]) == 0)
      return TRUE;
  return FALSE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The files under @dir (relative paths, "/"-separated) that @keep
 * accepts, walking sub-folders; hidden entries and symbolic links to
 * folders are skipped. */
static gboolean
walk (const char  *dir,
      const char  *prefix,
      gboolean   (*keep) (const char *name),
      GPtrArray   *out,
      GError     **error)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, error);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && !walk (path, rel, keep, out, error))
            return FALSE;
        }
      else if (keep (name))
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
  return TRUE;
}

static gboolean
is_label_file (const char *name)
{
  return g_str_has_suffix (name, ".txt") && !g_str_equal (name, "classes.txt");
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end = NULL;

  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*out);
}

static gboolean
parse_fraction (const char  *file,
                guint        line,
                const char  *text,
                double      *out,
                GError     **error)
{
  if (!parse_number (text, out))
    {
      g_autofree char *shown = g_utf8_make_valid (text, -1);

      return set_error (error, _("%s: line %u: “%s” is not a number"), file, line, shown);
    }
  if (*out < 0 || *out > 1)
    return set_error (error, _("%s: line %u: %s is outside 0…1: YOLO coordinates are fractions of the image’s width and height"),
                      file, line, text);
  return TRUE;
}

/* [a, b] → pixels of @size, taking what rounding left just outside the
 * image as its edge. */
static void
to_pixels (double  low,
           double  high,
           double  size,
           double *out_start,
           double *out_extent)
{
  if (low < 0 && low > -EDGE_TOLERANCE)
    low = 0;
  if (high > 1 && high < 1 + EDGE_TOLERANCE)
    high = 1;
  *out_start = low * size;
  *out_extent = (high - low) * size;
}

static gboolean
read_line (YoloReader    *self,
           const char    *file,
           guint          line_no,
           char          *line,
           CalqueRecord  *item,
           const char    *item_name,
           GError       **error)
{
  g_auto(GStrv) tokens = g_strsplit_set (line, " \t\r", -1);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(CalqueShape) shape = NULL;
  g_autofree char *element = NULL;
  double width = calque_record_get_int (item, "width", 0);
  double height = calque_record_get_int (item, "height", 0);
  double class_number, confidence = NAN;
  const char *labels[2] = { NULL, NULL };
  CalqueImportedAnnotation annotation = { 0 };
  guint n;

  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      g_ptr_array_add (fields, tokens[i]);
  n = fields->len;
  if (n == 0)
    return TRUE;

  if (!self->segments && n != 5 && n != 6)
    return set_error (error, _("%s: line %u: %u values; a YOLO box is “class cx cy w h”, with an optional score after it"),
                      file, line_no, n);
  if (self->segments && n != 5 && (n < 7 || (n - 1) % 2 != 0))
    return set_error (error, _("%s: line %u: %u values; a YOLO-seg outline is a class and at least three points “x y”"),
                      file, line_no, n);

  /* Some tools write the class as a float: "3.0". */
  if (!parse_number (fields->pdata[0], &class_number) || class_number != floor (class_number))
    {
      g_autofree char *shown = g_utf8_make_valid (fields->pdata[0], -1);

      return set_error (error, _("%s: line %u: the class “%s” is not a whole number"), file, line_no, shown);
    }
  if (class_number < 0 || class_number >= self->names->len)
    {
      if (self->names->len == 0)
        return set_error (error, _("%s: line %u: class %s is not in %s, which names no class"),
                          file, line_no, (const char *) fields->pdata[0], self->names_file);
      return set_error (error, _("%s: line %u: class %s is not in %s, which names %u classes (0 to %u)"),
                        file, line_no, (const char *) fields->pdata[0], self->names_file,
                        self->names->len, self->names->len - 1);
    }
  labels[0] = self->names->pdata[(guint) class_number];

  if (n == 5 || n == 6)
    {
      double v[4], x, y, w, h;

      for (guint i = 0; i < 4; i++)
        if (!parse_fraction (file, line_no, fields->pdata[i + 1], &v[i], error))
          return FALSE;
      if (n == 6 && !parse_number (fields->pdata[5], &confidence))
        {
          g_autofree char *shown = g_utf8_make_valid (fields->pdata[5], -1);

          return set_error (error, _("%s: line %u: the score “%s” is not a number"), file, line_no, shown);
        }
      to_pixels (v[0] - v[2] / 2, v[0] + v[2] / 2, width, &x, &w);
      to_pixels (v[1] - v[3] / 2, v[1] + v[3] / 2, height, &y, &h);
      shape = calque_shape_new_box (x, y, w, h);
    }
  else
    {
      guint n_points = (n - 1) / 2;
      g_autofree double *coords = g_new (double, 2 * n_points);

      if (n_points > CALQUE_SHAPE_MAX_POINTS)
        return set_error (error, _("%s: line %u: %u points; at most %u are allowed"), file, line_no,
                          n_points, (guint) CALQUE_SHAPE_MAX_POINTS);
      for (guint i = 0; i < 2 * n_points; i++)
        {
          double v;

          if (!parse_fraction (file, line_no, fields->pdata[i + 1], &v, error))
            return FALSE;
          coords[i] = v * (i % 2 == 0 ? width : height);
        }
      shape = calque_shape_new_polygon (coords, n_points);
    }

  element = g_strdup_printf (_("line %u"), line_no);
  annotation.file = file;
  annotation.element = element;
  annotation.item_name = item_name;
  annotation.labels = labels;
  annotation.shape = shape;
  annotation.confidence = confidence;
  return calque_annotation_sink_add (self->sink, &annotation, error);
}

static gboolean
read_label_file (YoloReader    *self,
                 const char    *path,
                 const char    *display,
                 CalqueRecord  *item,
                 const char    *item_name,
                 GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (self->sink);
  guint line_no = 0;

  raw = g_file_read (file, cancellable, &local_error);
  if (raw == NULL)
    return set_error (error, "%s: %s", display, local_error->message);
  stream = g_data_input_stream_new (G_INPUT_STREAM (raw));
  g_data_input_stream_set_newline_type (stream, G_DATA_STREAM_NEWLINE_TYPE_LF);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (stream, NULL, cancellable, &local_error);

      if (line == NULL)
        break;
      line_no++;
      if (!read_line (self, display, line_no, line, item, item_name, error))
        return FALSE;
    }
  if (local_error != NULL)
    return set_error (error, "%s: %s", display, local_error->message);
  return TRUE;
}


/* One image folder and the label folder beside it. @line: where
 * data.yaml names it, 0 for the default "images". */
static gboolean
read_split (YoloReader  *self,
            const char  *images,
            int          line,
            GError     **error)
{
  g_autofree char *where = line > 0 ? g_strdup_printf (_("%s: line %d"), self->names_file, line)
                                    : g_strdup (self->root);
  g_autofree char *labels = labels_folder (images);
  g_autofree char *images_path = g_build_filename (self->root, images, NULL);
  g_autofree char *labels_path = NULL;
  g_autoptr(GPtrArray) image_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) label_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) by_stem = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (self->sink);

  if (!check_inside (where, images, error))
    return FALSE;
  if (labels == NULL)
    return set_error (error, _("%s: the image folder “%s” has no “images” in its path; "
                               "YOLO finds the labels by making it “labels”"),
                      where, images);
  if (!g_file_test (images_path, G_FILE_TEST_IS_DIR))
    return set_error (error, _("%s: “%s” is not a folder of %s (a YOLO import needs the images: "
                               "they name the items)"),
                      where, images, self->root);
  labels_path = g_build_filename (self->root, labels, NULL);

  if (!walk (images_path, NULL, is_image, image_files, error))
    return FALSE;
  g_ptr_array_sort (image_files, compare_strings);
  for (guint i = 0; i < image_files->len; i++)
    {
      const char *image = image_files->pdata[i];
      char *stem = strip_extension (image);
      const char *other = g_hash_table_lookup (by_stem, stem);

      if (other != NULL)
        {
          g_free (stem);
          return set_error (error, _("%s: “%s” and “%s” would share one label file"), images, other, image);
        }
      g_hash_table_insert (by_stem, stem, (gpointer) image);
    }

  /* Every label file must belong to an image: one that does not names no
   * item, and its objects would be lost without a word. */
  if (g_file_test (labels_path, G_FILE_TEST_IS_DIR) && !walk (labels_path, NULL, is_label_file, label_files, error))
    return FALSE;
  g_ptr_array_sort (label_files, compare_strings);
  for (guint i = 0; i < label_files->len; i++)
    {
      g_autofree char *stem = strip_extension (label_files->pdata[i]);

      if (!g_hash_table_contains (by_stem, stem))
        return set_error (error, _("%s/%s: no image %s/%s.* for it"), labels,
                          (const char *) label_files->pdata[i], images, stem);
    }

  for (guint i = 0; i < image_files->len; i++)
    {
      const char *image = image_files->pdata[i];
      g_autofree char *stem = strip_extension (image);
      g_autofree char *image_display = g_strconcat (images, "/", image, NULL);
      g_autofree char *label_display = g_strconcat (labels, "/", stem, ".txt", NULL);
      g_autofree char *label_path = g_build_filename (self->root, label_display, NULL);
      CalqueRecord *item;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      {
        g_autofree char *image_path = g_build_filename (images_path, image, NULL);

        item = calque_annotation_sink_get_item_at (self->sink, image_display, _("image"), image, image_path, 0, 0,
                                                   error);
      }
      if (item == NULL)
        return FALSE;
      if (g_file_test (label_path, G_FILE_TEST_IS_REGULAR)
          && !read_label_file (self, label_path, label_display, item, image, error))
        return FALSE;
      calque_annotation_sink_progress (self->sink, i + 1, image_files->len);
    }
  return TRUE;
}

static gboolean
read_yolo (CalqueAnnotationSink  *sink,
           const char            *path,
           gboolean               segments,
           GError               **error)
{
  YoloReader self = { sink, segments, path, NULL, NULL };
  g_autofree char *yaml_path = g_build_filename (path, "data.yaml", NULL);
  g_autofree char *yml_path = g_build_filename (path, "data.yml", NULL);
  g_autofree char *classes_path = g_build_filename (path, "classes.txt", NULL);
  g_autoptr(CalqueYoloData) data = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *folders;
  GArray *folder_lines;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return set_error (error, _("%s: a YOLO dataset is a folder, with data.yaml (or classes.txt), images/ and labels/"),
                      path);

  if (g_file_test (yaml_path, G_FILE_TEST_EXISTS) || g_file_test (yml_path, G_FILE_TEST_EXISTS))
    {
      gboolean yml = !g_file_test (yaml_path, G_FILE_TEST_EXISTS);
      g_autofree char *text = NULL;
      gsize length;

      self.names_file = yml ? "data.yml" : "data.yaml";
      if (!read_small_file (yml ? yml_path : yaml_path, self.names_file, &text, &length, error))
        return FALSE;
      data = _calque_yolo_data_parse (self.names_file, text, length, error);
      if (data == NULL)
        return FALSE;
      self.names = data->names;
    }
  else if (g_file_test (classes_path, G_FILE_TEST_EXISTS))
    {
      self.names_file = "classes.txt";
      names = read_classes_txt (classes_path, error);
      if (names == NULL)
        return FALSE;
      self.names = names;
    }
  else
    return set_error (error, _("%s: no data.yaml or classes.txt: the class names are needed"), path);

  /* Labels in the order of their classes, so that an export gives the
   * same numbers back. A project that takes no new label is checked only
   * for the classes used. */
  if (!calque_annotation_sink_get_options (sink)->no_new_labels)
    for (guint i = 0; i < self.names->len; i++)
      {
        g_autofree char *element = g_strdup_printf (_("class %u"), i);

        if (calque_annotation_sink_get_label (sink, self.names_file, element, self.names->pdata[i], error) == NULL)
          return FALSE;
      }

  folders = data != NULL ? data->folders : NULL;
  folder_lines = data != NULL ? data->folder_lines : NULL;
  if (folders == NULL || folders->len == 0)
    return read_split (&self, "images", 0, error);
  for (guint i = 0; i < folders->len; i++)
    {
      g_autofree char *folder = g_strdup (folders->pdata[i]);
      gsize len = strlen (folder);

      /* "images/train/" and "./images/train" are "images/train". */
      while (len > 1 && folder[len - 1] == '/')
        folder[--len] = '\0';
      if (g_str_has_prefix (folder, "./"))
        memmove (folder, folder + 2, strlen (folder + 2) + 1);
      if (g_hash_table_contains (seen, folder))
        continue;
      if (!read_split (&self, folder, g_array_index (folder_lines, int, i), error))
        return FALSE;
      g_hash_table_add (seen, g_steal_pointer (&folder));
    }
  return TRUE;
}

gboolean
_calque_import_read_yolo (CalqueAnnotationSink  *sink,
                          const char            *path,
                          GError               **error)
{
  return read_yolo (sink, path, FALSE, error);
}

gboolean
_calque_import_read_yolo_seg (CalqueAnnotationSink  *sink,
                              const char            *path,
                              GError               **error)
{
  return read_yolo (sink, path, TRUE, error);
}
