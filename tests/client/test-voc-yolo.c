/* test-voc-yolo.c — Pascal VOC and YOLO, out and back, through calque-cli
 *
 * One real workspace with an image project whose images are real JPEG
 * files in the blob cache: a box with a VOC flag, a turned box, a polygon
 * with a hole, a point and a box without a label (which neither format
 * keeps), a box over the whole image, a box on fractions of pixels and a
 * box whose six-decimal centre must move to stay inside the image. Labels
 * carry markup and YAML's special characters.
 *
 * Every expected number below is worked out by hand in the comments. The
 * exports are made by the real calque-cli, read back with the real import,
 * exported again and compared byte for byte; bad inputs must be refused
 * with the file and the element named and leave the workspace as it was.
 *
 * /voc-yolo/torchvision runs tests/python/test_voc_torchvision.py on the
 * same exports when CALQUE_PYTHON names a Python with torchvision.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>
#include <archive.h>
#include <archive_entry.h>

#include "calque-importer.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-yolo-data.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

typedef struct {
  char            *dir;
  char            *files;       /* inputs: images, bad datasets */
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;     /* "Pets" */
  char            *cat, *bold, *dog;
  char            *shas[3];     /* of a.jpg, c.jpg, sub/b.jpg */
} Fixture;

static const char * const item_names[3] = { "a.jpg", "c.jpg", "sub/b.jpg" };
static const int item_sizes[3][2] = { { 64, 48 }, { 20, 10 }, { 40, 30 } };

static Run *
cli (Fixture *f,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("CALQUE_CLI"));
  g_ptr_array_add (args, (gpointer) "--workspace");
  g_ptr_array_add (args, (gpointer) calque_workspace_get_path (f->workspace));
  va_start (ap, f);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return run;
}

static void
assert_says (const char *text,
             const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, text);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_file (const char *dir,
             const char *name,
             const char *expected)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = read_text (path);

  g_assert_cmpstr (contents, ==, expected);
}

static void
write_text (const char *path,
            const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
write_jpeg (const char *path,
            int         width,
            int         height,
            guint32     color)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  gdk_pixbuf_fill (pixbuf, color);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, NULL));
  g_assert_no_error (error);
}

static void
save (Fixture      *f,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, record, &error));
  g_assert_no_error (error);
}

static CalqueRecord *
save_project (Fixture    *f,
              const char *name)
{
  CalqueRecord *project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", "image");
  save (f, project);
  return project;
}

/* The items of the fixture in @project, on the blobs made at set-up. */
static char *
save_item (Fixture      *f,
           CalqueRecord *project,
           guint         index)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", item_names[index]);
  calque_record_set_string (item, "mime", "image/jpeg");
  calque_record_set_string (item, "sha256", f->shas[index]);
  calque_record_set_int (item, "width", item_sizes[index][0]);
  calque_record_set_int (item, "height", item_sizes[index][1]);
  save (f, item);
  return g_strdup (calque_record_get_id (item));
}

static void
save_annotation (Fixture     *f,
                 const char  *item,
                 const char  *label,
                 CalqueShape *shape,
                 const char  *attributes)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  JsonNode *labels = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  if (label != NULL)
    json_array_add_string_element (array, label);
  json_node_take_array (labels, array);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", "amelie");
  calque_record_set_field (annotation, "labels", labels);
  calque_record_set_shape (annotation, shape);
  if (attributes != NULL)
    calque_record_set_field (annotation, "attributes", json_from_string (attributes, NULL));
  save (f, annotation);
  calque_shape_free (shape);
}

static CalqueShape *
turned_box (double x, double y, double w, double h, double rotation)
{
  CalqueShape *box = calque_shape_new_box (x, y, w, h);

  box->rotation = rotation;
  return box;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *project_id;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  static const double triangle[] = { 40, 30, 60, 32, 50, 47.5 };
  static const double hole[] = { 48, 34, 52, 34, 50, 38 };
  CalqueShape *polygon;

  f->workspace = calque_test_workspace_new ("calque-voc-yolo", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->files = g_build_filename (f->dir, "files", NULL);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (f->files, item_names[i], NULL);
      g_autoptr(GError) error = NULL;
      char sha[65];

      write_jpeg (path, item_sizes[i][0], item_sizes[i][1], 0x20406080 + 0x10000000 * i);
      g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha, NULL, &error));
      g_assert_no_error (error);
      f->shas[i] = g_strdup (sha);
    }

  f->project = save_project (f, "Pets");
  project_id = calque_record_get_id (f->project);
  f->cat = calque_test_save_label (f->store, project_id, "cat", "#e01b24", 0);
  f->bold = calque_test_save_label (f->store, project_id, "<b>&", "#2ec27e", 1);
  f->dog = calque_test_save_label (f->store, project_id, "dog: \"big\"", "#3584e4", 2);

  a = save_item (f, f->project, 0);
  c = save_item (f, f->project, 1);
  b = save_item (f, f->project, 2);

  /* a.jpg, 64×48. */
  save_annotation (f, a, f->cat, calque_shape_new_box (10, 5, 20, 15), "{\"difficult\": true}");
  /* Centre (30, 15) turned a quarter: 10 wide and 20 high, x 25…35, y 5…25. */
  save_annotation (f, a, f->bold, turned_box (20, 10, 20, 10, 90), NULL);
  polygon = calque_shape_new_polygon (triangle, 3);
  calque_shape_add_hole (polygon, hole, 3);
  save_annotation (f, a, f->dog, polygon, NULL);
  save_annotation (f, a, f->cat, calque_shape_new_point (5, 5), NULL);
  save_annotation (f, a, NULL, calque_shape_new_box (1, 1, 2, 2), NULL);

  /* sub/b.jpg, 40×30. */
  save_annotation (f, b, f->cat, calque_shape_new_box (0, 0, 40, 30), NULL);
  save_annotation (f, b, f->dog, calque_shape_new_box (2.4, 3.6, 10.2, 5.5), NULL);
  save_annotation (f, b, f->cat, calque_shape_new_box (30, 0, 10, 20), NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->files);
  g_free (f->cat);
  g_free (f->bold);
  g_free (f->dog);
  for (guint i = 0; i < 3; i++)
    g_free (f->shas[i]);
}

static char *
export (Fixture    *f,
        const char *format,
        const char *project,
        const char *name)
{
  char *out = g_build_filename (f->dir, name, NULL);
  g_autoptr(Run) run = cli (f, "export", "--format", format, "--project", project, "--output", out, NULL);

  if (run->status != 0)
    g_error ("export --format %s failed: %s", format, run->err);
  return out;
}

static gint64
count (Fixture    *f,
       CalqueKind  kind)
{
  g_autoptr(GError) error = NULL;
  gint64 n = calque_store_count (f->store, kind, calque_record_get_id (f->project), &error);

  g_assert_no_error (error);
  return n;
}

/* ---- VOC ---------------------------------------------------------------- */

static void
test_voc_files (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = export (f, "voc", "Pets", "voc");
  g_autofree char *year = g_build_filename (out, "VOCdevkit", "VOC2012", NULL);

  /* Stems in item name order; "/" is "%2F" in a flat folder. */
  assert_file (year, "ImageSets/Main/train.txt", "a\nc\nsub%2Fb\n");

  /* VOC counts pixels from 1, both ends included: x = 10, w = 20 covers
   * pixels 11…30. The turned box is x 25…35 → 26…35, y 5…25 → 6…25. The
   * polygon's rectangle is x 40…60 → 41…60, y 30…47.5 → 31…48 (47.5
   * rounds up). The point and the box without a label have no place. */
  assert_file (year, "Annotations/a.xml",
               "<annotation>\n"
               "\t<folder>VOC2012</folder>\n"
               "\t<filename>a.jpg</filename>\n"
               "\t<size>\n\t\t<width>64</width>\n\t\t<height>48</height>\n\t\t<depth>3</depth>\n\t</size>\n"
               "\t<segmented>0</segmented>\n"
               "\t<object>\n"
               "\t\t<name>cat</name>\n"
               "\t\t<pose>Unspecified</pose>\n"
               "\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>1</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>11</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>30</xmax>\n\t\t\t<ymax>20</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "\t<object>\n"
               "\t\t<name>&lt;b&gt;&amp;</name>\n"
               "\t\t<pose>Unspecified</pose>\n"
               "\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>0</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>26</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>35</xmax>\n\t\t\t<ymax>25</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "\t<object>\n"
               "\t\t<name>dog: &quot;big&quot;</name>\n"
               "\t\t<pose>Unspecified</pose>\n"
               "\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>0</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>41</xmin>\n\t\t\t<ymin>31</ymin>\n\t\t\t<xmax>60</xmax>\n\t\t\t<ymax>48</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "</annotation>\n");

  /* Whole image: 1…40 × 1…30. Fractions round to whole pixels: x 2.4 → 2
   * → xmin 3, x + w = 12.6 → 13; y 3.6 → 4 → ymin 5, y + h = 9.1 → 9. */
  assert_file (year, "Annotations/sub%2Fb.xml",
               "<annotation>\n"
               "\t<folder>VOC2012</folder>\n"
               "\t<filename>sub%2Fb.jpg</filename>\n"
               "\t<size>\n\t\t<width>40</width>\n\t\t<height>30</height>\n\t\t<depth>3</depth>\n\t</size>\n"
               "\t<segmented>0</segmented>\n"
               "\t<object>\n\t\t<name>cat</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>0</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>1</xmin>\n\t\t\t<ymin>1</ymin>\n\t\t\t<xmax>40</xmax>\n\t\t\t<ymax>30</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "\t<object>\n\t\t<name>dog: &quot;big&quot;</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>0</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>3</xmin>\n\t\t\t<ymin>5</ymin>\n\t\t\t<xmax>13</xmax>\n\t\t\t<ymax>9</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "\t<object>\n\t\t<name>cat</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
               "\t\t<difficult>0</difficult>\n"
               "\t\t<bndbox>\n\t\t\t<xmin>31</xmin>\n\t\t\t<ymin>1</ymin>\n\t\t\t<xmax>40</xmax>\n\t\t\t<ymax>20</ymax>\n\t\t</bndbox>\n"
               "\t</object>\n"
               "</annotation>\n");

  assert_file (year, "Annotations/c.xml",
               "<annotation>\n"
               "\t<folder>VOC2012</folder>\n"
               "\t<filename>c.jpg</filename>\n"
               "\t<size>\n\t\t<width>20</width>\n\t\t<height>10</height>\n\t\t<depth>3</depth>\n\t</size>\n"
               "\t<segmented>0</segmented>\n"
               "</annotation>\n");

  /* The media, byte for byte. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *original = g_build_filename (f->files, item_names[i], NULL);
      g_autofree char *flat = g_strdelimit (g_strdup (item_names[i]), "/", '\001');
      g_autofree char *escaped = NULL;
      g_autofree char *copied = NULL;
      g_autofree char *a = read_text (original);
      g_autofree char *b = NULL;
      g_auto(GStrv) parts = g_strsplit (flat, "\001", -1);

      escaped = g_strjoinv ("%2F", parts);
      copied = g_build_filename (year, "JPEGImages", escaped, NULL);
      b = read_text (copied);
      g_assert_cmpmem (a, strlen (a), b, strlen (b));
    }
}

/* Items whose stems would meet, and names that need the escape. */
static void
test_voc_stems (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = save_project (f, "Stems");
  static const char * const names[] = { "d.jpg", "d.jpg.png", "d.png", "50%/e.jpg", "50%2Fe.jpg" };
  g_autofree char *out = NULL;
  g_autofree char *year = NULL;
  g_autofree char *yolo = g_build_filename (f->dir, "yolo-stems", NULL);
  g_autoptr(Run) refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));

      calque_record_set_string (item, "media", "image");
      calque_record_set_string (item, "name", names[i]);
      calque_record_set_string (item, "sha256", f->shas[0]);
      calque_record_set_int (item, "width", 64);
      calque_record_set_int (item, "height", 48);
      save (f, item);
    }
  out = export (f, "voc", "Stems", "voc-stems");
  year = g_build_filename (out, "VOCdevkit", "VOC2012", NULL);

  /* In name order: "50%/e.jpg" → file "50%25%2Fe.jpg", stem "50%25%2Fe";
   * "50%2Fe.jpg" → "50%252Fe.jpg", distinct; "d.jpg" takes the stem "d",
   * "d.jpg.png" its own "d.jpg", so "d.png" takes its whole file name. */
  assert_file (year, "ImageSets/Main/train.txt", "50%25%2Fe\n50%252Fe\nd\nd.jpg\nd.png\n");
  {
    g_autofree char *xml = g_build_filename (year, "Annotations", "d.png.xml", NULL);
    g_autofree char *text = read_text (xml);

    assert_says (text, "<filename>d.png</filename>");
  }
  {
    g_autofree char *xml = g_build_filename (year, "Annotations", "50%25%2Fe.xml", NULL);
    g_autofree char *text = read_text (xml);

    assert_says (text, "<filename>50%25%2Fe.jpg</filename>");
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *media = NULL;
      GString *flat = g_string_new (NULL);

      for (const char *p = names[i]; *p; p++)
        {
          if (*p == '%')
            g_string_append (flat, "%25");
          else if (*p == '/')
            g_string_append (flat, "%2F");
          else
            g_string_append_c (flat, *p);
        }
      media = g_build_filename (year, "JPEGImages", flat->str, NULL);
      g_assert_true (g_file_test (media, G_FILE_TEST_IS_REGULAR));
      g_string_free (flat, TRUE);
    }

  /* YOLO pairs images and labels by the name without extension. */
  refused = cli (f, "export", "--format", "yolo", "--project", "Stems", "--output", yolo, NULL);
  g_assert_cmpint (refused->status, !=, 0);
  assert_says (refused->err, "items “d.jpg” and “d.png” would share the label file d.txt");
}

/* ---- YOLO --------------------------------------------------------------- */

static const char data_yaml[] =
  "path: .\n"
  "train: images/train\n"
  "val: images/train\n"
  "nc: 3\n"
  "names:\n"
  "  0: \"cat\"\n"
  "  1: \"<b>&\"\n"
  "  2: \"dog: \\\"big\\\"\"\n";

static void
test_yolo_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = export (f, "yolo", "Pets", "yolo");
  g_autofree char *copied = g_build_filename (out, "images", "train", "sub", "b.jpg", NULL);

  assert_file (out, "data.yaml", data_yaml);

  /* a.jpg, 64×48. Box: x 10…30 → cx 20/64 = 0.3125, w 0.3125; y 5…20 →
   * cy 12.5/48 = 0.2604166… → 0.260417, h 15/48 = 0.3125. Turned box:
   * x 25…35 → 0.46875, 0.15625; y 5…25 → 0.3125, 20/48 = 0.416667.
   * Polygon: x 40…60 → 0.78125, 0.3125; y 30…47.5 → 38.75/48 = 0.8072916…
   * → 0.807292, 17.5/48 = 0.3645833… → 0.364583. */
  assert_file (out, "labels/train/a.txt",
               "0 0.312500 0.260417 0.312500 0.312500\n"
               "1 0.468750 0.312500 0.156250 0.416667\n"
               "2 0.781250 0.807292 0.312500 0.364583\n");
  /* sub/b.jpg, 40×30. The whole image; then x 2.4…12.6 → 7.5/40 =
   * 0.1875, 10.2/40 = 0.255; y 3.6…9.1 → 6.35/30 = 0.2116666… → 0.211667,
   * 5.5/30 = 0.1833333… → 0.183333. Last, y 0…20: cy 0.333333 and h
   * 0.666667 would put the top at −0.0000005, so cy becomes 0.333334. */
  assert_file (out, "labels/train/sub/b.txt",
               "0 0.500000 0.500000 1.000000 1.000000\n"
               "2 0.187500 0.211667 0.255000 0.183333\n"
               "0 0.875000 0.333334 0.250000 0.666667\n");
  assert_file (out, "labels/train/c.txt", "");
  g_assert_true (g_file_test (copied, G_FILE_TEST_IS_REGULAR));
}

static void
test_yolo_seg_files (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *out = export (f, "yolo-seg", "Pets", "yolo-seg");

  assert_file (out, "data.yaml", data_yaml);
  /* Boxes as their corners from the top-left, clockwise on screen; the
   * turned one starts at (35, 5): its top-left corner after the turn.
   * 5/48 = 0.104167, 20/48 = 0.416667, 25/48 = 0.520833, 32/48 = 0.666667,
   * 47.5/48 = 0.989583. The polygon's hole is lost. */
  assert_file (out, "labels/train/a.txt",
               "0 0.156250 0.104167 0.468750 0.104167 0.468750 0.416667 0.156250 0.416667\n"
               "1 0.546875 0.104167 0.546875 0.520833 0.390625 0.520833 0.390625 0.104167\n"
               "2 0.625000 0.625000 0.937500 0.666667 0.781250 0.989583\n");
  assert_file (out, "labels/train/sub/b.txt",
               "0 0.000000 0.000000 1.000000 0.000000 1.000000 1.000000 0.000000 1.000000\n"
               "2 0.060000 0.120000 0.315000 0.120000 0.315000 0.303333 0.060000 0.303333\n"
               "0 0.750000 0.000000 1.000000 0.000000 1.000000 0.666667 0.750000 0.666667\n");
  assert_file (out, "labels/train/c.txt", "");
}

/* ---- Round trips -------------------------------------------------------- */

static void
list_tree (const char *root,
           const char *prefix,
           GPtrArray  *out)
{
  g_autofree char *dir = prefix ? g_build_filename (root, prefix, NULL) : g_strdup (root);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *rel = prefix ? g_build_filename (prefix, name, NULL) : g_strdup (name);
      g_autofree char *path = g_build_filename (root, rel, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_tree (root, rel, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The same files with the same bytes. */
static void
assert_same_tree (const char *a,
                  const char *b)
{
  g_autoptr(GPtrArray) files_a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files_b = g_ptr_array_new_with_free_func (g_free);

  list_tree (a, NULL, files_a);
  list_tree (b, NULL, files_b);
  g_ptr_array_sort (files_a, compare_strings);
  g_ptr_array_sort (files_b, compare_strings);
  g_assert_cmpuint (files_a->len, ==, files_b->len);
  g_assert_cmpuint (files_a->len, >, 0);
  for (guint i = 0; i < files_a->len; i++)
    {
      g_autofree char *path_a = g_build_filename (a, files_a->pdata[i], NULL);
      g_autofree char *path_b = g_build_filename (b, files_b->pdata[i], NULL);
      g_autofree char *text_a = NULL, *text_b = NULL;
      gsize len_a, len_b;

      g_assert_cmpstr (files_a->pdata[i], ==, files_b->pdata[i]);
      g_assert_true (g_file_get_contents (path_a, &text_a, &len_a, NULL));
      g_assert_true (g_file_get_contents (path_b, &text_b, &len_b, NULL));
      if (len_a != len_b || memcmp (text_a, text_b, len_a) != 0)
        g_error ("%s differs:\n%s\n---\n%s", (const char *) files_a->pdata[i], text_a, text_b);
    }
}

/* Export Pets; import that into "Copy", a project with the same images
 * and no label; export Copy: the same bytes. Exporting Pets twice gives
 * the same bytes too. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  const char *format = data;
  g_autofree char *first_name = g_strconcat (format, "-first", NULL);
  g_autofree char *again_name = g_strconcat (format, "-again", NULL);
  g_autofree char *copy_name = g_strconcat (format, "-copy", NULL);
  g_autofree char *first = export (f, format, "Pets", first_name);
  g_autofree char *again = export (f, format, "Pets", again_name);
  g_autoptr(CalqueRecord) copy = save_project (f, "Copy");
  g_autoptr(Run) import = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GPtrArray) annotations = NULL;

  assert_same_tree (first, again);

  for (guint i = 0; i < 3; i++)
    g_free (save_item (f, copy, i));
  import = cli (f, "import", "--format", format, "--project", "Copy", first, NULL);
  g_assert_cmpint (import->status, ==, 0);
  /* 3 on a.jpg (the point and the label-less box stay behind), 3 on b. */
  assert_says (import->out, "Imported 6 annotations, 0 new items and 3 new labels into “Copy”");

  annotations = calque_store_list (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (copy), NULL);
  g_assert_cmpuint (annotations->len, ==, 6);
  if (g_str_equal (format, "voc"))
    {
      /* The VOC flag came back as an attribute. */
      guint difficult = 0;

      for (guint i = 0; i < annotations->len; i++)
        {
          JsonNode *attributes = calque_record_get_field (annotations->pdata[i], "attributes");

          if (attributes != NULL && json_object_get_boolean_member_with_default (json_node_get_object (attributes),
                                                                                 "difficult", FALSE))
            difficult++;
        }
      g_assert_cmpuint (difficult, ==, 1);
    }

  second = export (f, format, "Copy", copy_name);
  assert_same_tree (first, second);
}

/* Into a project without the images: they come from the dataset's
 * images folder, without --media, and the project exports the same; an
 * image the dataset lacks is refused with the folder it was looked for in. */
static void
test_yolo_new_items (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = export (f, "yolo", "Pets", "yolo-first");
  g_autofree char *media = g_build_filename (first, "images", "train", NULL);
  g_autofree char *a_jpg = g_build_filename (media, "a.jpg", NULL);
  g_autoptr(CalqueRecord) fresh = save_project (f, "Fresh");
  g_autoptr(CalqueRecord) other = save_project (f, "Other");
  g_autoptr(Run) with = NULL;
  g_autoptr(Run) missing = NULL;
  g_autofree char *second = NULL;

  with = cli (f, "import", "--format", "yolo", "--project", "Fresh", first, NULL);
  g_assert_cmpint (with->status, ==, 0);
  assert_says (with->out, "Imported 6 annotations, 3 new items and 3 new labels into “Fresh”");
  second = export (f, "yolo", "Fresh", "yolo-fresh");
  assert_same_tree (first, second);

  /* An image that is not a file Calque reads is refused, naming it. */
  g_assert_true (g_file_set_contents (a_jpg, "not a picture", -1, NULL));
  missing = cli (f, "import", "--format", "yolo", "--project", "Other", first, NULL);
  g_assert_cmpint (missing->status, !=, 0);
  assert_says (missing->err, "a.jpg");
  assert_says (missing->err, "Nothing was imported");
}

/* Adds the files under @dir to @writer as @prefix/… */
static void
zip_tree (struct archive *writer,
          const char     *dir,
          const char     *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *entry_name = g_strconcat (prefix, "/", name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        zip_tree (writer, path, entry_name);
      else
        {
          g_autofree char *contents = NULL;
          gsize length = 0;
          struct archive_entry *entry = archive_entry_new ();

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          archive_entry_set_pathname (entry, entry_name);
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_size (entry, (la_int64_t) length);
          g_assert_cmpint (archive_write_header (writer, entry), ==, ARCHIVE_OK);
          archive_write_data (writer, contents, length);
          archive_entry_free (entry);
        }
    }
}

/* A dataset as one zip (as other tools hand them out): extracted, read,
 * its images imported from inside it, and nothing of it left behind. */
static void
test_yolo_zip (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *first = export (f, "yolo", "Pets", "yolo-zipped");
  g_autofree char *zip = g_build_filename (f->dir, "pets-yolo.zip", NULL);
  g_autofree char *tmp = g_build_filename (calque_workspace_get_path (f->workspace), "tmp", NULL);
  g_autoptr(CalqueRecord) fresh = save_project (f, "Fresh");
  g_autoptr(Run) run = NULL;
  g_autofree char *second = NULL;
  struct archive *writer = archive_write_new ();

  archive_write_set_format_zip (writer);
  g_assert_cmpint (archive_write_open_filename (writer, zip), ==, ARCHIVE_OK);
  zip_tree (writer, first, "pets");
  archive_write_close (writer);
  archive_write_free (writer);

  run = cli (f, "import", "--format", "yolo", "--project", "Fresh", zip, NULL);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 6 annotations, 3 new items and 3 new labels into “Fresh”");
  second = export (f, "yolo", "Fresh", "yolo-unzipped");
  assert_same_tree (first, second);
  /* The extraction is gone. */
  {
    g_autoptr(GDir) left = g_dir_open (tmp, 0, NULL);

    g_assert_true (left == NULL || g_dir_read_name (left) == NULL);
  }
}

/* A VOC dataset brings its images from JPEGImages, those of folders too
 * (written escaped there), without --media; a wrong --media still finds
 * them by the dataset's layout. */
static void
test_voc_new_items (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *first = export (f, "voc", "Pets", "voc-first");
  g_autofree char *elsewhere = g_build_filename (first, "VOCdevkit", NULL);
  g_autoptr(CalqueRecord) fresh = save_project (f, "Fresh");
  g_autoptr(CalqueRecord) other = save_project (f, "Other");
  g_autoptr(Run) with = NULL;
  g_autoptr(Run) wrong_media = NULL;
  g_autofree char *second = NULL;

  with = cli (f, "import", "--format", "voc", "--project", "Fresh", first, NULL);
  g_assert_cmpint (with->status, ==, 0);
  assert_says (with->out, "Imported 6 annotations, 3 new items and 3 new labels into “Fresh”");
  second = export (f, "voc", "Fresh", "voc-fresh");
  assert_same_tree (first, second);

  wrong_media = cli (f, "import", "--format", "voc", "--project", "Other", "--media", elsewhere, first, NULL);
  g_assert_cmpint (wrong_media->status, ==, 0);
  assert_says (wrong_media->out, "3 new items");
}

/* ---- Bad input ---------------------------------------------------------- */

/* Runs an import that must fail, says @message, and changes nothing. */
static void
assert_refused (Fixture    *f,
                const char *format,
                const char *path,
                const char *message)
{
  gint64 annotations = count (f, CALQUE_KIND_ANNOTATION);
  gint64 labels = count (f, CALQUE_KIND_LABEL);
  gint64 items = count (f, CALQUE_KIND_ITEM);
  g_autoptr(Run) run = cli (f, "import", "--format", format, "--project", "Pets", path, NULL);

  g_assert_cmpint (run->status, !=, 0);
  assert_says (run->err, message);
  assert_says (run->err, "Nothing was imported");
  g_assert_cmpint (count (f, CALQUE_KIND_ANNOTATION), ==, annotations);
  g_assert_cmpint (count (f, CALQUE_KIND_LABEL), ==, labels);
  g_assert_cmpint (count (f, CALQUE_KIND_ITEM), ==, items);
}

static const char good_voc[] =
  "<annotation>\n"
  "  <filename>a.jpg</filename>\n"
  "  <size><width>64</width><height>48</height><depth>3</depth></size>\n"
  "  <object><name>zebra</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>\n"
  "</annotation>\n";

static void
test_voc_refused (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->files, "bad-voc", NULL);
  g_autofree char *good = g_build_filename (dir, "a-good.xml", NULL);
  g_autofree char *xxe = g_build_filename (f->files, "xxe.xml", NULL);
  g_autofree char *lol = g_build_filename (f->files, "lol.xml", NULL);
  g_autofree char *bad = g_build_filename (dir, "b-bad.xml", NULL);
  g_autofree char *ok = g_build_filename (f->files, "ok.xml", NULL);
  g_autoptr(Run) run = NULL;

  /* An external entity: the file would be read into <filename>. */
  write_text (xxe,
              "<?xml version=\"1.0\"?>\n"
              "<!DOCTYPE annotation [\n"
              "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
              "]>\n"
              "<annotation><filename>&xxe;</filename></annotation>\n");
  assert_refused (f, "voc", xxe, "xxe.xml: line 2: DOCTYPE and entity declarations are refused (XML external entities)");

  /* A billion laughs: 10⁹ "lol"s from a few hundred bytes. */
  write_text (lol,
              "<?xml version=\"1.0\"?>\n"
              "<!-- the classic -->\n"
              "<!DOCTYPE lolz [\n"
              " <!ENTITY lol \"lol\">\n"
              " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
              " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
              " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
              " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
              " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
              " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
              " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
              " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
              " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
              "]>\n"
              "<annotation><filename>a.jpg</filename><object><name>&lol9;</name></object></annotation>\n");
  assert_refused (f, "voc", lol, "lol.xml: line 3: DOCTYPE and entity declarations are refused (XML external entities)");

  /* A good file, then a bad one in the same folder: nothing of the good
   * one stays (its label "zebra" included). */
  write_text (good, good_voc);
  write_text (bad,
              "<annotation>\n"
              "  <filename>../../etc/passwd</filename>\n"
              "</annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: <filename> “../../etc/passwd” climbs out of the dataset with “..”");

  write_text (bad, "<annotation><filename>/etc/passwd</filename></annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: <filename> “/etc/passwd” is an absolute path");

  write_text (bad,
              "<annotation>\n"
              "  <filename>a.jpg</filename>\n"
              "  <object><name>cat</name>\n"
              "    <bndbox><xmin>abc</xmin><ymin>2</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>\n"
              "</annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: object 1 (line 3): <xmin> “abc” is not a number");

  write_text (bad,
              "<annotation>\n"
              "  <filename>a.jpg</filename>\n"
              "  <object><name>cat</name><bndbox><xmin>0</xmin><ymin>2</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>\n"
              "</annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: object 1 (line 3): <xmin> is 0, before the first pixel: VOC counts pixels from 1");

  /* xmax 65 on a 64-pixel-wide image: the sink names the image. */
  write_text (bad,
              "<annotation>\n"
              "  <filename>a.jpg</filename>\n"
              "  <object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>65</xmax><ymax>9</ymax></bndbox></object>\n"
              "</annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: object 1 (line 3): box corner (65, 1) is outside the 64×48 image");

  write_text (bad, "<annotation><filename>a.jpg</filename><size><width>60</width><height>48</height></size></annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: <filename>: the file says “a.jpg” is 60×48, but the image is 64×48");

  write_text (bad, "<annotation><filename>a.jpg</filename><object><name>&nbsp;</name></object></annotation>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: Error on line 1");

  write_text (bad, "<html><body/></html>\n");
  assert_refused (f, "voc", dir, "b-bad.xml: line 1: the document is <html>, not a VOC <annotation>");

  /* And the good file alone goes in, with its new label. */
  write_text (ok, good_voc);
  run = cli (f, "import", "--format", "voc", "--project", "Pets", ok, NULL);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 1 annotation, 0 new items and 1 new label into “Pets”");
}

/* A YOLO dataset in files/bad-yolo for the item a.jpg of Pets. */
static char *
write_yolo (Fixture    *f,
            const char *yaml,
            const char *labels)
{
  char *dir = g_build_filename (f->files, "bad-yolo", NULL);
  g_autofree char *yaml_path = g_build_filename (dir, "data.yaml", NULL);
  g_autofree char *image = g_build_filename (dir, "images", "train", "a.jpg", NULL);
  g_autofree char *label = g_build_filename (dir, "labels", "train", "a.txt", NULL);

  calque_test_remove_tree (dir);
  write_text (yaml_path, yaml);
  write_jpeg (image, 64, 48, 0);
  write_text (label, labels);
  return dir;
}

static void
test_yolo_refused (Fixture       *f,
                   gconstpointer  data)
{
  static const char yaml[] = "train: images/train\nval: images/train\nnames: [cat, dog]\n";
  g_autofree char *dir = NULL;
  g_autofree char *stray = NULL;
  g_autoptr(Run) run = NULL;

  dir = write_yolo (f, yaml, "0 0.5 0.5 0.25 0.25\n1 1.2 0.5 0.1 0.1\n");
  assert_refused (f, "yolo", dir,
                  "labels/train/a.txt: line 2: 1.2 is outside 0…1: YOLO coordinates are fractions of the image’s width and height");

  g_free (write_yolo (f, yaml, "0 0.5 0.5 0.25 0.25\n\n7 0.5 0.5 0.1 0.1\n"));
  assert_refused (f, "yolo", dir, "labels/train/a.txt: line 3: class 7 is not in data.yaml, which names 2 classes (0 to 1)");

  g_free (write_yolo (f, yaml, "0 0.5 0.5 0.25\n"));
  assert_refused (f, "yolo", dir, "labels/train/a.txt: line 1: 4 values; a YOLO box is “class cx cy w h”");

  g_free (write_yolo (f, yaml, "0 0.5 0.5 0.25 zero\n"));
  assert_refused (f, "yolo", dir, "labels/train/a.txt: line 1: “zero” is not a number");

  g_free (write_yolo (f, yaml, "0 0.1 0.1 0.5 0.1 0.5 0.5 0.1\n"));
  assert_refused (f, "yolo-seg", dir, "labels/train/a.txt: line 1: 8 values; a YOLO-seg outline is a class");

  /* A box that pokes out of the image: cx − w / 2 < 0. */
  g_free (write_yolo (f, yaml, "0 0.1 0.5 0.5 0.1\n"));
  assert_refused (f, "yolo", dir, "labels/train/a.txt: line 1: box corner");

  /* Paths in data.yaml that leave the dataset. */
  g_free (write_yolo (f, "names: [cat]\ntrain: ../../outside/images\n", "0 0.5 0.5 0.25 0.25\n"));
  assert_refused (f, "yolo", dir, "data.yaml: line 2: “../../outside/images” climbs out of the dataset with “..”");

  g_free (write_yolo (f, "names: [cat]\nval: /etc/images\n", "0 0.5 0.5 0.25 0.25\n"));
  assert_refused (f, "yolo", dir, "data.yaml: line 2: “/etc/images” is an absolute path");

  g_free (write_yolo (f, "names: [cat]\nnc: 2\n", "0 0.5 0.5 0.25 0.25\n"));
  assert_refused (f, "yolo", dir, "data.yaml: line 2: “nc” is 2 but “names” has 1");

  g_free (write_yolo (f, "names: &anchor [cat]\n", ""));
  assert_refused (f, "yolo", dir, "data.yaml: line 1:");

  /* A label file with no image: its objects would name no item. */
  g_free (write_yolo (f, yaml, "0 0.5 0.5 0.25 0.25\n"));
  stray = g_build_filename (dir, "labels", "train", "lost.txt", NULL);
  write_text (stray, "0 0.5 0.5 0.25 0.25\n");
  assert_refused (f, "yolo", dir, "labels/train/lost.txt: no image images/train/lost.* for it");
  g_unlink (stray);

  /* The good lines alone go in: the boxes in pixels of the item. */
  g_free (write_yolo (f, yaml, "0 0.5 0.5 0.25 0.25\r\n1 0.25 0.5 0.5 1.0 0.9\n"));
  run = cli (f, "import", "--format", "yolo", "--project", "Pets", "--predictions", "--model", "m", dir, NULL);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 2 annotations, 0 new items and 1 new label into “Pets”");
  {
    g_autoptr(GPtrArray) all = calque_store_list (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project), NULL);
    guint found = 0;

    for (guint i = 0; i < all->len; i++)
      {
        CalqueRecord *annotation = all->pdata[i];
        g_autoptr(CalqueShape) shape = NULL;

        if (g_strcmp0 (calque_record_get_string (annotation, "author"), "model:m") != 0)
          continue;
        shape = calque_record_dup_shape (annotation, NULL);
        found++;
        if (calque_record_has_field (annotation, "confidence"))
          {
            /* 0.25 0.5 0.5 1.0 on 64×48: x 0…32, y 0…48, scored 0.9. */
            g_assert_cmpfloat (shape->x, ==, 0);
            g_assert_cmpfloat (shape->w, ==, 32);
            g_assert_cmpfloat (shape->y, ==, 0);
            g_assert_cmpfloat (shape->h, ==, 48);
            g_assert_cmpfloat (calque_record_get_double (annotation, "confidence", 0), ==, 0.9);
          }
        else
          {
            g_assert_cmpfloat (shape->x, ==, 24);
            g_assert_cmpfloat (shape->w, ==, 16);
            g_assert_cmpfloat (shape->y, ==, 18);
            g_assert_cmpfloat (shape->h, ==, 12);
          }
      }
    g_assert_cmpuint (found, ==, 2);
  }
}

/* ---- data.yaml ---------------------------------------------------------- */

static void
assert_names (const char         *yaml,
              const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueYoloData) data = _calque_yolo_data_parse ("data.yaml", yaml, strlen (yaml), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (data->names->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (data->names->pdata[i], ==, expected[i]);
}

static void
assert_yaml_error (const char *yaml,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueYoloData) data = _calque_yolo_data_parse ("data.yaml", yaml, strlen (yaml), &error);

  g_assert_null (data);
  g_assert_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED);
  assert_says (error->message, message);
}

static void
test_data_yaml (void)
{
  const char * const three[] = { "cat", "dog", "traffic light", NULL };
  const char * const quoted[] = { "it's", "a\tb\n\"c\" é €", "yes", "# not a comment", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueYoloData) data = NULL;

  /* Ultralytics' block map, YOLOv5's flow list over several lines with
   * comments, a block list, a flow map out of order. */
  assert_names ("# COCO-style\npath: ../datasets/x  # ignored\nnames:\n  0: cat\n  1: dog\n  2: traffic light\n", three);
  assert_names ("names: ['cat', 'dog', # two\n        'traffic light']  # three\n", three);
  assert_names ("---\nnames:\n- cat\n- \"dog\"\n- 'traffic light'\nnc: 3\n", three);
  assert_names ("names: {2: traffic light, 0: cat, 1: dog}\r\n", three);
  assert_names ("names:\n  - 'it''s'\n  - \"a\\tb\\n\\\"c\\\" \\u00e9 \\u20AC\"\n  - \"yes\"\n  - '# not a comment'\n", quoted);

  data = _calque_yolo_data_parse ("data.yaml", "train: [images/a, images/b]\nval: images/a/\ntest:\nnames: []\n",
                                  -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->folders->len, ==, 3);
  g_assert_cmpstr (data->folders->pdata[1], ==, "images/b");
  g_assert_cmpint (g_array_index (data->folder_lines, int, 2), ==, 2);

  assert_yaml_error ("names: [cat\n", "data.yaml: line 1: “[” is never closed");
  assert_yaml_error ("nc: 1\n", "data.yaml: no “names”");
  assert_yaml_error ("names:\n  0: cat\n  0: dog\n", "data.yaml: line 3: class 0 is named twice");
  assert_yaml_error ("names:\n  0: cat\n  5: dog\n", "data.yaml: line 3: “5” is not a class number from 0 to 1");
  assert_yaml_error ("names:\n  0: cat\n    1: dog\n", "data.yaml: line 3: nested values are not supported");
  assert_yaml_error ("names: \"cat\n", "data.yaml: line 1: a double-quoted string is not closed");
  assert_yaml_error ("names: [\"\\q\"]\n", "data.yaml: line 1: “\\q” is not a YAML escape");
  assert_yaml_error ("names: !!python/object [x]\n", "data.yaml: line 1: “!”");
  assert_yaml_error ("  names: [x]\n", "data.yaml: line 1: indented, but under no key");
}

/* classes.txt instead of data.yaml, and the images folder without splits. */
static void
test_classes_txt (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->files, "flat-yolo", NULL);
  g_autofree char *classes = g_build_filename (dir, "classes.txt", NULL);
  g_autofree char *image = g_build_filename (dir, "images", "c.jpg", NULL);
  g_autofree char *label = g_build_filename (dir, "labels", "c.txt", NULL);
  g_autoptr(Run) run = NULL;

  write_text (classes, "cat\nhorse\n\n");
  write_jpeg (image, 20, 10, 0);
  write_text (label, "1 0.5 0.5 0.5 0.5\n");
  run = cli (f, "import", "--format", "yolo", "--project", "Pets", dir, NULL);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 1 annotation, 0 new items and 1 new label into “Pets”");

  write_text (classes, "cat\n\nhorse\n");
  assert_refused (f, "yolo", dir, "classes.txt: line 2: a blank line would leave class 1 without a name");
}

/* ---- torchvision -------------------------------------------------------- */

static void
test_torchvision (Fixture       *f,
                  gconstpointer  data)
{
  const char *python = g_getenv ("CALQUE_PYTHON");
  const char *script = g_getenv ("CALQUE_VOC_TORCHVISION_SCRIPT");
  g_autofree char *voc = NULL, *yolo = NULL, *seg = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_assert_nonnull (python);
  g_assert_nonnull (script);
  voc = export (f, "voc", "Pets", "voc");
  yolo = export (f, "yolo", "Pets", "yolo");
  seg = export (f, "yolo-seg", "Pets", "yolo-seg");
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              python, script, voc, yolo, seg, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_exit_status (process);
  g_test_message ("%s%s", out, err);
  if (status != 0)
    g_error ("%s exited with %d:\n%s%s", script, status, out, err);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/voc-yolo/voc/files", test_voc_files, NULL);
  ADD ("/voc-yolo/voc/stems", test_voc_stems, NULL);
  ADD ("/voc-yolo/yolo/files", test_yolo_files, NULL);
  ADD ("/voc-yolo/yolo-seg/files", test_yolo_seg_files, NULL);
  ADD ("/voc-yolo/round-trip/voc", test_round_trip, "voc");
  ADD ("/voc-yolo/round-trip/yolo", test_round_trip, "yolo");
  ADD ("/voc-yolo/round-trip/yolo-seg", test_round_trip, "yolo-seg");
  ADD ("/voc-yolo/yolo/new-items", test_yolo_new_items, NULL);
  ADD ("/voc-yolo/yolo/zip", test_yolo_zip, NULL);
  ADD ("/voc-yolo/voc/new-items", test_voc_new_items, NULL);
  ADD ("/voc-yolo/voc/refused", test_voc_refused, NULL);
  ADD ("/voc-yolo/yolo/refused", test_yolo_refused, NULL);
  ADD ("/voc-yolo/yolo/classes-txt", test_classes_txt, NULL);
  /* Run by the voc-torchvision test of the python suite, which gives the
   * interpreter and the script: torchvision is a package Calque needs. */
  if (g_getenv ("CALQUE_VOC_TORCHVISION_SCRIPT") != NULL)
    ADD ("/voc-yolo/torchvision", test_torchvision, NULL);
#undef ADD
  g_test_add_func ("/voc-yolo/yolo/data-yaml", test_data_yaml);

  return g_test_run ();
}
