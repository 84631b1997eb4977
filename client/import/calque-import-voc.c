/* calque-import-voc.c — Pascal VOC XML files, read safely
 *
 * Reads what calque-export-voc.c writes, and VOC files of other tools:
 * the .xml files of VOCdevkit/<year>/Annotations in a folder, of an
 * Annotations folder in it, or of the folder itself; or one .xml file. Every
 * <object> with a <name> and a <bndbox> becomes a box; the exact inverse
 * of the export (VOC's pixels count from 1 and include both ends, so
 * x = xmin − 1 and w = xmax − xmin + 1). Nested objects (a person's
 * <part>s) are left out. ImageSets are not read: every file in
 * Annotations is.
 *
 * XML is parsed by GMarkup, which knows no external entity and expands no
 * entity beyond the five of XML and character references; a document
 * with a DOCTYPE (where entities are declared) is refused before anything
 * in it is used, so neither an external entity ("XXE") nor a
 * billion-laughs expansion can reach the parser. Files are read in
 * chunks; one file's objects are kept until its end, because <filename>
 * need not come first, and a file larger than MAX_FILE_SIZE is refused.
 *
 * The object's name is the label; truncated, difficult (when 1) and pose
 * (when not "Unspecified") become attributes of the annotation, and the
 * export writes them back.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* A VOC file describes one image; the largest of VOC2012 is 20 KiB. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)
#define CHUNK_SIZE    (64 * 1024)

typedef enum {
  COORD_XMIN,
  COORD_YMIN,
  COORD_XMAX,
  COORD_YMAX,
  N_COORDS
} Coord;

static const char * const coord_names[N_COORDS] = { "xmin", "ymin", "xmax", "ymax" };

typedef struct {
  int line;
  char *name;
  char *pose;
  gboolean truncated;
  gboolean difficult;
  char *coords[N_COORDS];   /* the text, parsed once the file is whole */
  gboolean has_bndbox;
} VocObject;

typedef struct {
  const char *file;           /* for messages */
  GPtrArray *stack;           /* element names, outermost first */
  GString *text;              /* of the innermost element */
  char *filename;
  char *width;
  char *height;
  GPtrArray *objects;         /* VocObject */
  VocObject *object;          /* the one being read, or NULL */
} VocFile;

static void
voc_object_free (VocObject *object)
{
  g_free (object->name);
  g_free (object->pose);
  for (int i = 0; i < N_COORDS; i++)
    g_free (object->coords[i]);
  g_free (object);
}

static void
voc_file_clear (VocFile *self)
{
  g_clear_pointer (&self->stack, g_ptr_array_unref);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  self->text = NULL;
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->width, g_free);
  g_clear_pointer (&self->height, g_free);
  g_clear_pointer (&self->objects, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VocFile, voc_file_clear)

static int
current_line (GMarkupParseContext *context)
{
  int line = 0, column = 0;

  g_markup_parse_context_get_position (context, &line, &column);
  return line;
}

/* Whether the open elements are exactly @path ("annotation", "object", …). */
static gboolean
at_path (VocFile *self,
         ...)
{
  va_list args;
  guint depth = 0;
  const char *name;
  gboolean same = TRUE;

  va_start (args, self);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      if (depth >= self->stack->len || !g_str_equal (self->stack->pdata[depth], name))
        same = FALSE;
      depth++;
    }
  va_end (args);
  return same && depth == self->stack->len;
}

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  VocFile *self = user_data;

  if (self->stack->len == 0 && !g_str_equal (element_name, "annotation"))
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   _("%s: line %d: the document is <%s>, not a VOC <annotation>"),
                   self->file, current_line (context), element_name);
      return;
    }
  g_ptr_array_add (self->stack, g_strdup (element_name));
  g_string_truncate (self->text, 0);

  if (at_path (self, "annotation", "object", NULL))
    {
      self->object = g_new0 (VocObject, 1);
      self->object->line = current_line (context);
      g_ptr_array_add (self->objects, self->object);
    }
  else if (self->object != NULL && at_path (self, "annotation", "object", "bndbox", NULL))
    self->object->has_bndbox = TRUE;
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  VocFile *self = user_data;
  char **target = NULL;
  g_autofree char *value = g_strstrip (g_strdup (self->text->str));

  if (at_path (self, "annotation", "filename", NULL))
    target = &self->filename;
  else if (at_path (self, "annotation", "size", "width", NULL))
    target = &self->width;
  else if (at_path (self, "annotation", "size", "height", NULL))
    target = &self->height;
  else if (self->object != NULL)
    {
      if (at_path (self, "annotation", "object", "name", NULL))
        target = &self->object->name;
      else if (at_path (self, "annotation", "object", "pose", NULL))
        target = &self->object->pose;
      else if (at_path (self, "annotation", "object", "truncated", NULL)
               || at_path (self, "annotation", "object", "difficult", NULL))
        {
          gboolean flag;

          if (g_str_equal (value, "0") || g_str_equal (value, "false") || *value == '\0')
            flag = FALSE;
          else if (g_str_equal (value, "1") || g_str_equal (value, "true"))
            flag = TRUE;
          else
            {
              g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           _("%s: line %d: <%s> is “%s”; expected 0 or 1"),
                           self->file, current_line (context), element_name, value);
              return;
            }
          if (g_str_equal (element_name, "truncated"))
            self->object->truncated = flag;
          else
            self->object->difficult = flag;
        }
      else if (at_path (self, "annotation", "object", "bndbox", element_name, NULL))
        {
          for (int i = 0; i < N_COORDS; i++)
            if (g_str_equal (element_name, coord_names[i]))
              target = &self->object->coords[i];
        }
      else if (at_path (self, "annotation", "object", NULL))
        self->object = NULL;
    }

  if (target != NULL)
    {
      /* A repeated element: the last one counts. */
      g_free (*target);
      *target = g_steal_pointer (&value);
    }
  g_ptr_array_remove_index (self->stack, self->stack->len - 1);
  g_string_truncate (self->text, 0);
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 text_len,
         gpointer              user_data,
         GError              **error)
{
  VocFile *self = user_data;

  /* Only leaves matter; the text between elements is layout. */
  g_string_append_len (self->text, text, text_len);
}

/* Comments and processing instructions are harmless and skipped; a
 * DOCTYPE is where entities are declared, and is refused whole. */
static void
passthrough_cb (GMarkupParseContext  *context,
                const char           *text,
                gsize                 text_len,
                gpointer              user_data,
                GError              **error)
{
  VocFile *self = user_data;
  int line = 0, column = 0;

  if (text_len < 2 || text[0] != '<' || text[1] != '!' || g_str_has_prefix (text, "<!--"))
    return;
  if (g_ascii_strncasecmp (text, "<!DOCTYPE", MIN (text_len, 9)) != 0
      && g_ascii_strncasecmp (text, "<!ENTITY", MIN (text_len, 8)) != 0)
    return;

  /* GMarkup reports where it stands after the declaration and the
   * character after it: go back to the line where it began. */
  g_markup_parse_context_get_position (context, &line, &column);
  for (gsize i = 0; i < text_len; i++)
    line -= text[i] == '\n';
  if (column == 1)
    line--;
  g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
               _("%s: line %d: DOCTYPE and entity declarations are refused (XML external entities)"),
               self->file, MAX (line, 1));
}

static const GMarkupParser voc_parser = {
  start_element_cb, end_element_cb, text_cb, passthrough_cb, NULL,
};

/* "%2F" → "/" and "%25" → "%", as the export wrote them; nothing else. */
static char *
unescape_file_name (const char *name)
{
  GString *out = g_string_sized_new (strlen (name));

  for (const char *p = name; *p; p++)
    {
      if (p[0] == '%' && p[1] == '2' && (p[2] == 'F' || p[2] == 'f'))
        {
          g_string_append_c (out, '/');
          p += 2;
        }
      else if (p[0] == '%' && p[1] == '2' && p[2] == '5')
        {
          g_string_append_c (out, '%');
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* calque_annotation_sink_get_item_at() refuses these names too (and reads
 * a backslash as a folder where this refuses it), but words its messages
 * "FILE: <filename>: “NAME” …"; VOC's have always read
 * "FILE: <filename> “NAME” …", and say so before the size is looked at. */
static gboolean
check_relative (const char  *file,
                const char  *name,
                GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);

  if (g_path_is_absolute (name) || strchr (name, '\\') != NULL)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: <filename> “%s” is an absolute path; only paths inside the dataset are accepted"),
                   file, name);
      return FALSE;
    }
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      {
        g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                     _("%s: <filename> “%s” climbs out of the dataset with “..”"), file, name);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_number (const char  *text,
              double      *out_value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out_value = g_ascii_strtod (text, &end);
  return *end == '\0' && isfinite (*out_value);
}

/* <size>'s width or height: 0 or absent means not given (some tools). */
static gboolean
parse_size (VocFile     *self,
            const char  *what,
            const char  *text,
            gint64      *out_size,
            GError     **error)
{
  char *end = NULL;

  *out_size = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  *out_size = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || *out_size < 0)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: <size> <%s> “%s” is not a whole number of pixels"), self->file, what, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_object (CalqueAnnotationSink  *sink,
            VocFile               *self,
            const char            *item_name,
            guint                  index,
            GError               **error)
{
  VocObject *object = self->objects->pdata[index];
  g_autofree char *element = g_strdup_printf (_("object %u (line %d)"), index + 1, object->line);
  g_autoptr(JsonObject) attributes = json_object_new ();
  g_autoptr(CalqueShape) shape = NULL;
  const char *labels[2] = { object->name, NULL };
  double v[N_COORDS];
  CalqueImportedAnnotation annotation = { 0 };

  if (object->name == NULL)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: no <name>"), self->file, element);
      return FALSE;
    }
  if (!object->has_bndbox)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: no <bndbox>"), self->file, element);
      return FALSE;
    }
  for (int i = 0; i < N_COORDS; i++)
    {
      if (object->coords[i] == NULL)
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: <bndbox> has no <%s>"), self->file, element, coord_names[i]);
          return FALSE;
        }
      if (!parse_number (object->coords[i], &v[i]))
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: <%s> “%s” is not a number"), self->file, element, coord_names[i],
                       object->coords[i]);
          return FALSE;
        }
    }
  for (int i = COORD_XMIN; i <= COORD_YMIN; i++)
    {
      if (v[i] < 1)
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: <%s> is %g, before the first pixel: VOC counts pixels from 1"),
                       self->file, element, coord_names[i], v[i]);
          return FALSE;
        }
      if (v[i + 2] < v[i])
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: <%s> %g is less than <%s> %g"), self->file, element,
                       coord_names[i + 2], v[i + 2], coord_names[i], v[i]);
          return FALSE;
        }
    }

  /* The first pixel is xmin, the last xmax, both included. */
  shape = calque_shape_new_box (v[COORD_XMIN] - 1, v[COORD_YMIN] - 1,
                                v[COORD_XMAX] - v[COORD_XMIN] + 1, v[COORD_YMAX] - v[COORD_YMIN] + 1);
  if (object->truncated)
    json_object_set_boolean_member (attributes, "truncated", TRUE);
  if (object->difficult)
    json_object_set_boolean_member (attributes, "difficult", TRUE);
  if (object->pose != NULL && *object->pose != '\0' && !g_str_equal (object->pose, "Unspecified"))
    json_object_set_string_member (attributes, "pose", object->pose);

  annotation.file = self->file;
  annotation.element = element;
  annotation.item_name = item_name;
  annotation.labels = labels;
  annotation.shape = shape;
  annotation.confidence = NAN;
  annotation.attributes = attributes;
  return calque_annotation_sink_add (sink, &annotation, error);
}


static gboolean
read_voc_file (CalqueAnnotationSink  *sink,
               const char            *path,
               const char            *display,
               GError               **error)
{
  g_auto(VocFile) self = { 0 };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *buffer = g_malloc (CHUNK_SIZE);
  g_autofree char *item_name = NULL;
  g_autoptr(GError) local_error = NULL;
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (sink);
  gint64 width, height;
  gsize total = 0;
  gssize n;

  self.file = display;
  self.stack = g_ptr_array_new_with_free_func (g_free);
  self.text = g_string_new (NULL);
  self.objects = g_ptr_array_new_with_free_func ((GDestroyNotify) voc_object_free);

  stream = g_file_read (gfile, cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_FOLDER, "%s: %s", display, local_error->message);
      return FALSE;
    }
  context = g_markup_parse_context_new (&voc_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &self, NULL);
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE, cancellable, &local_error)) > 0)
    {
      total += n;
      if (total > MAX_FILE_SIZE)
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: larger than %d MiB; a VOC file describes one image"), display,
                       MAX_FILE_SIZE / (1024 * 1024));
          return FALSE;
        }
      if (!g_markup_parse_context_parse (context, buffer, n, &local_error))
        break;
    }
  if (local_error == NULL && n == 0)
    g_markup_parse_context_end_parse (context, &local_error);
  if (local_error != NULL)
    {
      /* Our own messages name the file already; GMarkup's do not. */
      if (g_str_has_prefix (local_error->message, display))
        g_set_error_literal (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, local_error->message);
      else
        g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED, "%s: %s", display,
                     local_error->message);
      return FALSE;
    }

  if (self.filename == NULL || *self.filename == '\0')
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: no <filename>: VOC names the image it describes there"), display);
      return FALSE;
    }
  item_name = unescape_file_name (self.filename);
  if (!check_relative (display, item_name, error)
      || !parse_size (&self, "width", self.width, &width, error)
      || !parse_size (&self, "height", self.height, &height, error))
    return FALSE;
  {
    /* VOCdevkit keeps the image in JPEGImages beside Annotations, under
     * the name as written (an image of a folder escaped: sub%2Fb.jpg). */
    g_autofree char *xml_dir = g_path_get_dirname (path);
    g_autofree char *image = strchr (self.filename, '/') == NULL
                             ? g_build_filename (xml_dir, "..", "JPEGImages", self.filename, NULL) : NULL;

    if (calque_annotation_sink_get_item_at (sink, display, "<filename>", item_name, image, width, height,
                                            error) == NULL)
      return FALSE;
  }
  for (guint i = 0; i < self.objects->len; i++)
    if (!add_object (sink, &self, item_name, i, error))
      return FALSE;
  return TRUE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The sub-folders of @dir that hold an Annotations folder, sorted:
 * VOCdevkit/VOC2007, VOCdevkit/VOC2012… */
static gboolean
list_year_folders (const char  *dir,
                   GPtrArray   *out,
                   GError     **error)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, error);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *annotations = g_build_filename (dir, name, "Annotations", NULL);

      if (name[0] != '.' && g_file_test (annotations, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (out, g_steal_pointer (&annotations));
    }
  g_ptr_array_sort (out, compare_strings);
  return TRUE;
}

static gboolean
find_voc_files (const char  *path,
                GPtrArray   *files,
                GError     **error)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *devkit = g_build_filename (path, "VOCdevkit", NULL);
  g_autofree char *annotations = g_build_filename (path, "Annotations", NULL);

  if (g_file_test (devkit, G_FILE_TEST_IS_DIR))
    {
      if (!list_year_folders (devkit, dirs, error))
        return FALSE;
    }
  else if (g_file_test (annotations, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (dirs, g_steal_pointer (&annotations));
  else if (!list_year_folders (path, dirs, error))
    return FALSE;
  if (dirs->len == 0)
    g_ptr_array_add (dirs, g_strdup (path));

  for (guint i = 0; i < dirs->len; i++)
    if (!_calque_import_list_files (dirs->pdata[i], ".xml", files, error))
      return FALSE;
  if (files->len == 0)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EMPTY,
                   _("%s: no VOC annotation file (*.xml) in it, in Annotations/ or in VOCdevkit/*/Annotations/"),
                   path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_calque_import_read_voc (CalqueAnnotationSink  *sink,
                         const char            *path,
                         GError               **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (sink);
  gboolean folder = g_file_test (path, G_FILE_TEST_IS_DIR);
  gsize prefix = strlen (path);

  if (folder)
    {
      if (!find_voc_files (path, files, error))
        return FALSE;
    }
  else
    g_ptr_array_add (files, g_strdup (path));

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = files->pdata[i];
      /* Messages name the file inside the folder given: "VOCdevkit/VOC2012/Annotations/a.xml". */
      const char *display = folder ? file + prefix : file;

      while (folder && *display == G_DIR_SEPARATOR)
        display++;
      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !read_voc_file (sink, file, display, error))
        return FALSE;
      calque_annotation_sink_progress (sink, i + 1, files->len);
    }
  return TRUE;
}
