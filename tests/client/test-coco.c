/* test-coco.c — COCO export and import through the real calque-cli
 *
 * A real workspace with an image project whose images are real PNG files
 * in the blob cache: boxes, a turned box, a polygon with a hole, labels
 * with a parent, two annotators with tasks, and shapes COCO cannot hold.
 * The exported file is checked member by member (the polygon's area with
 * its hole taken out against a value worked out by hand); a round trip
 * export → import into a fresh project → export gives the same bytes; a
 * file as other tools write it imports; each kind of bad input is refused
 * with the file and the element named, and nothing stored changes.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "calque-test-util.h"
#include "calque-test-workspace.h"

#define CREATED_MS G_GINT64_CONSTANT (1759276800000)   /* 2025-10-01 00:00:00 UTC */

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
  char            *workspace_path;
  char            *files;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *animal, *cat, *dog, *car;
  char            *items[3];        /* a.png, b.png, sub/c.png */
} Fixture;

/* calque-cli with @argv (NULL-terminated) on workspace @workspace. */
static Run *
run_cli (const char         *workspace,
         const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);

  g_ptr_array_add (args, (gpointer) g_getenv ("CALQUE_CLI"));
  g_ptr_array_add (args, (gpointer) "--workspace");
  g_ptr_array_add (args, (gpointer) workspace);
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
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

#define cli(workspace, ...) run_cli ((workspace), (const char * const[]) { __VA_ARGS__, NULL })

static void
assert_says (const char *text,
             const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, text);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
write_text (const char *path,
            const char *text)
{
  g_unlink (path);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* The tests read whole files with json-glib: they are small. */
static JsonNode *
read_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* A PNG of @width × @height under files/, in the workspace's blob cache,
 * and an item of @project for it. */
static char *
save_image_item (CalqueWorkspace *workspace,
                 CalqueRecord    *project,
                 const char      *dir,
                 const char      *name,
                 int              width,
                 int              height,
                 guint32          color)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  g_autoptr(GError) error = NULL;
  char sha256[65];
  gboolean added;
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gdk_pixbuf_fill (pixbuf, color);
      g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
      g_assert_no_error (error);
    }
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (workspace), path, sha256, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_int (item, "size", st.st_size);
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "width", width);
  calque_record_set_int (item, "height", height);
  g_assert_true (calque_store_save (calque_workspace_get_store (workspace), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static char *
save_label (CalqueStore  *store,
            CalqueRecord *project,
            const char   *name,
            const char   *parent,
            int           position)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", "#3584e4");
  calque_record_set_int (label, "position", position);
  if (parent != NULL)
    calque_record_set_string (label, "parent", parent);
  g_assert_true (calque_store_save (store, label, NULL));
  return g_strdup (calque_record_get_id (label));
}

static void
save_annotation (CalqueStore  *store,
                 CalqueRecord *project,
                 const char   *item,
                 const char   *author,
                 const char   *label,
                 CalqueShape  *shape,
                 double        confidence,
                 const char   *attributes)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (project));
  g_autofree char *labels = label ? g_strdup_printf ("[\"%s\"]", label) : g_strdup ("[]");
  g_autoptr(GError) error = NULL;

  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", json_from_string (labels, NULL));
  calque_record_set_shape (annotation, shape);
  if (!isnan (confidence))
    calque_record_set_double (annotation, "confidence", confidence);
  if (attributes)
    calque_record_set_field (annotation, "attributes", json_from_string (attributes, NULL));
  g_assert_true (calque_store_save (store, annotation, &error));
  g_assert_no_error (error);
  calque_shape_free (shape);
}

static void
save_task (Fixture    *f,
           const char *item,
           const char *annotator,
           const char *state)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (f->project));

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  g_assert_true (calque_store_save (f->store, task, NULL));
}

static CalqueShape *
polygon (const double *coords,
         guint         n_points)
{
  return calque_shape_new_polygon (coords, n_points);
}

static CalqueShape *
turned_box (double x, double y, double w, double h, double rotation)
{
  CalqueShape *shape = calque_shape_new_box (x, y, w, h);

  shape->rotation = rotation;
  return shape;
}

/* A pentagon of area 2,200 (the 50 × 40 rectangle from (10, 10) and a
 * triangle of base 40 and height 10 on its right side) with a triangular
 * hole of area ½ · 10 · 15 = 75: COCO's area is 2,125. */
static const double pentagon[] = { 10, 10, 60, 10, 70, 30, 60, 50, 10, 50 };
static const double triangle[] = { 20, 20, 30, 20, 20, 35 };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  CalqueShape *shape;

  f->workspace = calque_test_workspace_new ("calque-coco", &f->dir);
  f->workspace_path = g_strdup (calque_workspace_get_path (f->workspace));
  f->files = path_in (f, "files");
  f->store = calque_workspace_get_store (f->workspace);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Pets");
  calque_record_set_string (f->project, "type", "image");
  calque_record_set_int (f->project, "created", CREATED_MS);
  g_assert_true (calque_store_save (f->store, f->project, NULL));

  f->animal = save_label (f->store, f->project, "animal", NULL, 0);
  f->cat = save_label (f->store, f->project, "cat", f->animal, 1);
  f->dog = save_label (f->store, f->project, "dog", f->animal, 2);
  f->car = save_label (f->store, f->project, "car", NULL, 3);

  /* Saved out of name order: the export sorts them. */
  f->items[2] = save_image_item (f->workspace, f->project, f->files, "sub/c.png", 50, 50, 0x0000ffff);
  f->items[1] = save_image_item (f->workspace, f->project, f->files, "b.png", 64, 48, 0x00ff00ff);
  f->items[0] = save_image_item (f->workspace, f->project, f->files, "a.png", 100, 80, 0xff0000ff);

  /* a.png: amelie's version is accepted; bruno drew the polygon. */
  save_task (f, f->items[0], "amelie", "accepted");
  save_task (f, f->items[0], "bruno", "submitted");
  save_annotation (f->store, f->project, f->items[0], "amelie", f->cat, calque_shape_new_box (10, 20, 30, 40),
                   0.75, "{\"occluded\": true, \"pose\": \"left\"}");
  save_annotation (f->store, f->project, f->items[0], "amelie", f->dog, turned_box (50, 30, 20, 10, 30), NAN, NULL);
  shape = polygon (pentagon, 5);
  calque_shape_add_hole (shape, triangle, 3);
  save_annotation (f->store, f->project, f->items[0], "bruno", f->dog, shape, NAN, NULL);
  /* What COCO cannot hold: left out and counted. */
  save_annotation (f->store, f->project, f->items[0], "amelie", f->cat, calque_shape_new_point (5, 5), NAN, NULL);
  save_annotation (f->store, f->project, f->items[0], "amelie", f->cat,
                   calque_shape_new_polyline ((const double[]) { 1, 1, 20, 20 }, 2), NAN, NULL);
  save_annotation (f->store, f->project, f->items[0], "amelie", f->car,
                   calque_shape_new (CALQUE_SHAPE_CLASSIFICATION), NAN, NULL);

  /* b.png: bruno's version is accepted; amelie's box has no label. */
  save_task (f, f->items[1], "bruno", "accepted");
  save_annotation (f->store, f->project, f->items[1], "bruno", f->car, calque_shape_new_box (1.5, 2.25, 10.125, 7),
                   1, NULL);
  save_annotation (f->store, f->project, f->items[1], "amelie", NULL, calque_shape_new_box (5, 5, 10, 10), NAN, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->workspace_path);
  g_free (f->files);
  g_free (f->animal);
  g_free (f->cat);
  g_free (f->dog);
  g_free (f->car);
  for (guint i = 0; i < G_N_ELEMENTS (f->items); i++)
    g_free (f->items[i]);
}

static JsonArray *
member_array (JsonNode   *root,
              const char *name)
{
  return json_object_get_array_member (json_node_get_object (root), name);
}

static void
assert_numbers (JsonArray    *array,
                const double *expected,
                guint         n,
                double        tolerance)
{
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    {
      double value = json_array_get_double_element (array, i);

      if (tolerance == 0)
        g_assert_cmpfloat (value, ==, expected[i]);
      else
        g_assert_cmpfloat_with_epsilon (value, expected[i], tolerance);
    }
}

static void
test_export_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = path_in (f, "out/instances.json");
  g_autofree char *again = path_in (f, "again/instances.json");
  g_autoptr(Run) run = cli (f->workspace_path, "export", "--format", "coco", "--output", out);
  g_autoptr(Run) run2 = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL, *text2 = NULL;
  JsonObject *info, *object;
  JsonArray *categories, *images, *annotations, *segmentation;
  static const char * const names[] = { "animal", "cat", "dog", "car" };
  static const char * const parents[] = { "", "animal", "animal", "" };
  static const char * const files[] = { "a.png", "b.png", "sub/c.png" };
  static const int sizes[][2] = { { 100, 80 }, { 64, 48 }, { 50, 50 } };
  double corners[8], x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;

  g_assert_cmpint (run->status, ==, 0);
  root = read_json (out);
  text = read_text (out);

  info = json_object_get_object_member (json_node_get_object (root), "info");
  g_assert_cmpstr (json_object_get_string_member (info, "description"), ==, "Pets");
  g_assert_cmpstr (json_object_get_string_member (info, "date_created"), ==, "2025-10-01T00:00:00Z");
  g_assert_cmpint (json_object_get_int_member (info, "year"), ==, 2025);
  g_assert_cmpuint (json_array_get_length (member_array (root, "licenses")), ==, 0);

  /* Categories: every label in the project's order, ids from 1, parents
   * as supercategories. */
  categories = member_array (root, "categories");
  g_assert_cmpuint (json_array_get_length (categories), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      object = json_array_get_object_element (categories, i);
      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (object, "supercategory"), ==, parents[i]);
    }

  /* Images in name order, with their sizes, their record ids, and their
   * files beside the JSON, folders kept. */
  images = member_array (root, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *copied = NULL, *original = NULL;
      g_autofree char *copied_bytes = NULL, *original_bytes = NULL;
      gsize copied_length, original_length;

      object = json_array_get_object_element (images, i);
      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (object, "file_name"), ==, files[i]);
      g_assert_cmpint (json_object_get_int_member (object, "width"), ==, sizes[i][0]);
      g_assert_cmpint (json_object_get_int_member (object, "height"), ==, sizes[i][1]);
      g_assert_cmpstr (json_object_get_string_member (object, "calque_id"), ==, f->items[i]);
      copied = g_build_filename (f->dir, "out", "images", files[i], NULL);
      original = g_build_filename (f->files, files[i], NULL);
      g_assert_true (g_file_get_contents (copied, &copied_bytes, &copied_length, NULL));
      g_assert_true (g_file_get_contents (original, &original_bytes, &original_length, NULL));
      g_assert_cmpmem (copied_bytes, copied_length, original_bytes, original_length);
    }

  annotations = member_array (root, "annotations");
  g_assert_cmpuint (json_array_get_length (annotations), ==, 4);

  /* 1: amelie's box, written out exactly: its corners as the segmentation,
   * the score and the attributes. */
  g_assert_nonnull (strstr (text, "\n{\"id\":1,\"image_id\":1,\"category_id\":2,\"bbox\":[10.0,20.0,30.0,40.0],"
                                  "\"area\":1200.0,\"segmentation\":[[10.0,20.0,40.0,20.0,40.0,60.0,10.0,60.0]],"
                                  "\"iscrowd\":0,\"score\":0.75,\"attributes\":{\"occluded\":true,\"pose\":\"left\"},"
                                  "\"calque_author\":\"amelie\"},\n"));

  /* 2: the turned box: its corners turned 30° around (60, 35), their
   * bbox, the area of the box, and the box itself to come back. */
  object = json_array_get_object_element (annotations, 1);
  g_assert_cmpint (json_object_get_int_member (object, "image_id"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "category_id"), ==, 3);
  for (int k = 0; k < 4; k++)
    {
      static const int signs[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
      double dx = signs[k][0] * 10.0, dy = signs[k][1] * 5.0;

      corners[2 * k] = 60 + dx * cos (G_PI / 6) - dy * sin (G_PI / 6);
      corners[2 * k + 1] = 35 + dx * sin (G_PI / 6) + dy * cos (G_PI / 6);
      x0 = MIN (x0, corners[2 * k]);
      x1 = MAX (x1, corners[2 * k]);
      y0 = MIN (y0, corners[2 * k + 1]);
      y1 = MAX (y1, corners[2 * k + 1]);
    }
  /* The top-left corner before turning: 60 − 10 cos 30° + 5 sin 30°. */
  g_assert_cmpfloat_with_epsilon (corners[0], 53.83974596215561, 1e-12);
  segmentation = json_object_get_array_member (object, "segmentation");
  g_assert_cmpuint (json_array_get_length (segmentation), ==, 1);
  assert_numbers (json_array_get_array_element (segmentation, 0), corners, 8, 1e-9);
  assert_numbers (json_object_get_array_member (object, "bbox"),
                  (const double[]) { x0, y0, x1 - x0, y1 - y0 }, 4, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (object, "area"), ==, 200);
  assert_numbers (json_object_get_array_member (object, "calque_box"),
                  (const double[]) { 50, 30, 20, 10, 30 }, 5, 0);
  g_assert_false (json_object_has_member (object, "score"));
  g_assert_false (json_object_has_member (object, "attributes"));

  /* 3: bruno's polygon: the outer ring, its bbox, the area less the
   * hole's, the hole kept aside. */
  object = json_array_get_object_element (annotations, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "calque_author"), ==, "bruno");
  segmentation = json_object_get_array_member (object, "segmentation");
  g_assert_cmpuint (json_array_get_length (segmentation), ==, 1);
  assert_numbers (json_array_get_array_element (segmentation, 0), pentagon, 10, 0);
  assert_numbers (json_object_get_array_member (object, "bbox"), (const double[]) { 10, 10, 60, 40 }, 4, 0);
  g_assert_cmpfloat (json_object_get_double_member (object, "area"), ==, 2125);
  segmentation = json_object_get_array_member (object, "calque_holes");
  g_assert_cmpuint (json_array_get_length (segmentation), ==, 1);
  assert_numbers (json_array_get_array_element (segmentation, 0), triangle, 6, 0);

  /* 4: on b.png (image 2), a car, fractional numbers kept exactly. */
  g_assert_nonnull (strstr (text, "\n{\"id\":4,\"image_id\":2,\"category_id\":4,\"bbox\":[1.5,2.25,10.125,7.0],"
                                  "\"area\":70.875,\"segmentation\":[[1.5,2.25,11.625,2.25,11.625,9.25,1.5,9.25]],"
                                  "\"iscrowd\":0,\"score\":1.0,\"calque_author\":\"bruno\"}\n"));

  /* Left out, and said so: a point, a polyline, a whole-image label and
   * a box with no label. */
  object = json_object_get_object_member (json_node_get_object (root), "calque_skipped");
  g_assert_cmpint (json_object_get_int_member (object, "no_label"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "point"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "polyline"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "other"), ==, 1);

  /* The same data exported again: the same bytes. */
  run2 = cli (f->workspace_path, "export", "--format", "coco", "--output", again);
  g_assert_cmpint (run2->status, ==, 0);
  text2 = read_text (again);
  g_assert_cmpstr (text, ==, text2);
}

static void
test_export_final (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = path_in (f, "final.json");
  g_autoptr(Run) run = cli (f->workspace_path, "export", "--format", "coco", "--version", "final",
                            "--no-media", "--output", out);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *images_dir = path_in (f, "images");
  JsonArray *images, *annotations;
  JsonObject *skipped;

  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->err, "1 item left out: no reviewed version yet");
  root = read_json (out);
  text = read_text (out);

  /* sub/c.png has no accepted version; a.png's is amelie's, b.png's bruno's. */
  images = member_array (root, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (images, 1), "file_name"), ==, "b.png");
  annotations = member_array (root, "annotations");
  g_assert_cmpuint (json_array_get_length (annotations), ==, 3);
  g_assert_nonnull (json_object_get_array_member (json_array_get_object_element (annotations, 1), "calque_box"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (annotations, 2), "image_id"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (annotations, 2), "area"), ==, 70.875);
  /* One version: whose it is goes without saying. */
  g_assert_null (strstr (text, "calque_author"));
  skipped = json_object_get_object_member (json_node_get_object (root), "calque_skipped");
  g_assert_false (json_object_has_member (skipped, "no_label"));
  g_assert_cmpint (json_object_get_int_member (skipped, "point"), ==, 1);
  /* --no-media: no images copied. */
  g_assert_false (g_file_test (images_dir, G_FILE_TEST_EXISTS));

  /* bruno alone, and one label: only the dog polygon. */
  {
    g_autofree char *bruno = path_in (f, "bruno.json");
    g_autoptr(Run) run2 = cli (f->workspace_path, "export", "--format", "coco", "--annotator", "bruno",
                               "--label", "dog", "--no-media", "--output", bruno);
    g_autoptr(JsonNode) bruno_root = NULL;
    JsonArray *categories;

    g_assert_cmpint (run2->status, ==, 0);
    bruno_root = read_json (bruno);
    categories = member_array (bruno_root, "categories");
    g_assert_cmpuint (json_array_get_length (categories), ==, 1);
    /* Its parent is not exported, but still names the family. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (categories, 0), "supercategory"),
                     ==, "animal");
    annotations = member_array (bruno_root, "annotations");
    g_assert_cmpuint (json_array_get_length (annotations), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (annotations, 0), "category_id"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (annotations, 0), "area"), ==, 2125);
  }
}

/* Items known by their URL alone: the export gives the URL and copies
 * nothing for them; an item whose file is missing stops the export. */
static void
test_url_items (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) item = NULL;
  g_autofree char *out = path_in (f, "web/instances.json");
  g_autofree char *copied = path_in (f, "web/images/street.jpg");
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *image;

  calque_record_set_string (project, "name", "Web");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (f->store, project, NULL));
  item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "street.jpg");
  calque_record_set_string (item, "url", "https://data.example.org/street.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  g_assert_true (calque_store_save (f->store, item, NULL));

  run = cli (f->workspace_path, "export", "--format", "coco", "--project", "Web", "--output", out);
  g_assert_cmpint (run->status, ==, 0);
  root = read_json (out);
  image = json_array_get_object_element (member_array (root, "images"), 0);
  g_assert_cmpstr (json_object_get_string_member (image, "file_name"), ==, "street.jpg");
  g_assert_cmpstr (json_object_get_string_member (image, "coco_url"), ==, "https://data.example.org/street.jpg");
  g_assert_false (g_file_test (copied, G_FILE_TEST_EXISTS));
  /* Pets has no "coco_url": its images are files. */
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "export", "--format", "coco", "--project", "Pets", "--output", out);
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&root, json_node_unref);
  root = read_json (out);
  image = json_array_get_object_element (member_array (root, "images"), 0);
  g_assert_false (json_object_has_member (image, "coco_url"));

  /* A file gone from the blob cache: the export says which, and leaves
   * the earlier export in place. */
  {
    g_autoptr(CalqueRecord) a = calque_store_get (f->store, f->items[0], NULL);
    g_autofree char *blob = calque_blob_cache_get_path (calque_workspace_get_blobs (f->workspace),
                                                        calque_record_get_string (a, "sha256"));
    g_autofree char *before = read_text (out);
    g_autofree char *after = NULL;

    g_assert_cmpint (g_unlink (blob), ==, 0);
    g_clear_pointer (&run, run_free);
    run = cli (f->workspace_path, "export", "--format", "coco", "--project", "Pets", "--output", out);
    g_assert_cmpint (run->status, !=, 0);
    assert_says (run->err, "item “a.png”: its media file is not in this workspace");
    after = read_text (out);
    g_assert_cmpstr (before, ==, after);
  }
}

/* A project of only what COCO keeps, with numbers that print badly (0.1 +
 * 0.2, a third), one author, a label with a parent and one unused. */
static CalqueRecord *
make_round_project (Fixture *f,
                    char    *items[2])
{
  CalqueRecord *project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autofree char *vehicle = NULL, *truck = NULL, *spare = NULL;
  CalqueShape *shape;

  calque_record_set_string (project, "name", "Round “trip”");
  calque_record_set_string (project, "type", "image");
  calque_record_set_int (project, "created", CREATED_MS + 1234);
  g_assert_true (calque_store_save (f->store, project, NULL));
  vehicle = save_label (f->store, project, "vehicle", NULL, 0);
  truck = save_label (f->store, project, "truck", vehicle, 1);
  spare = save_label (f->store, project, "unused", NULL, 2);
  items[1] = save_image_item (f->workspace, project, f->files, "b.png", 64, 48, 0);
  items[0] = save_image_item (f->workspace, project, f->files, "a.png", 100, 80, 0);

  save_annotation (f->store, project, items[0], "amelie", truck,
                   calque_shape_new_box (0.1 + 0.2, 1.0 / 3, 10.000000000000002, 2e-7), 0.123456789,
                   "{\"note\": \"a \\\"quoted\\\" ü\", \"n\": {\"deep\": [1, 2.5, null, false]}}");
  save_annotation (f->store, project, items[0], "amelie", vehicle, turned_box (40, 30, 20, 10, -45.5), 0, NULL);
  shape = polygon (pentagon, 5);
  calque_shape_add_hole (shape, triangle, 3);
  calque_shape_add_hole (shape, (const double[]) { 40, 20, 50, 20, 50, 1e2 / 3, 40.25, 30 }, 4);
  save_annotation (f->store, project, items[0], "amelie", vehicle, shape, 0.5, NULL);
  save_annotation (f->store, project, items[1], "amelie", truck,
                   polygon ((const double[]) { 1, 1, 63.5, 1, 63.5, 47.75, 1, 47.75 }, 4), NAN, NULL);
  save_annotation (f->store, project, items[1], "amelie", vehicle, calque_shape_new_box (0, 0, 64, 48), NAN, NULL);
  return project;
}

static char *
annotations_part (const char *text)
{
  const char *start = strstr (text, "\"annotations\":[");

  g_assert_nonnull (start);
  return g_strdup (start);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  char *items[2];
  g_autoptr(CalqueRecord) project = make_round_project (f, items);
  g_autofree char *first = path_in (f, "first/instances.json");
  g_autofree char *second = path_in (f, "second/instances.json");
  g_autofree char *third = path_in (f, "third/instances.json");
  g_autofree char *media = path_in (f, "first/images");
  g_autofree char *workspace2 = path_in (f, "workspace2");
  g_autofree char *text1 = NULL, *text2 = NULL, *text3 = NULL;
  g_autofree char *part1 = NULL, *part3 = NULL;
  g_autoptr(Run) run = NULL;

  run = cli (f->workspace_path, "export", "--format", "coco", "--project", "Round “trip”", "--output", first);
  g_assert_cmpint (run->status, ==, 0);
  text1 = read_text (first);
  /* Numbers in their shortest exact form. */
  assert_says (text1, "\"bbox\":[0.30000000000000004,0.3333333333333333,10.000000000000002,2e-07]");
  assert_says (text1, "\"score\":0.123456789");
  assert_says (text1, "\"score\":0.0");

  /* A fresh workspace holding the project and its items as a sync would
   * bring them (same ids, same media), with its label schema, and no
   * annotation: importing the export gives the export back. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CalqueWorkspace) other = calque_workspace_create (workspace2, &error);
    CalqueStore *store;
    g_autoptr(GPtrArray) labels = NULL;
    g_autoptr(CalqueRecord) project_copy = calque_record_copy (project);

    g_assert_no_error (error);
    store = calque_workspace_get_store (other);
    g_assert_true (calque_store_put_merged (store, project_copy, NULL));
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(CalqueRecord) item = calque_store_get (f->store, items[i], NULL);
        g_autoptr(CalqueRecord) copy = calque_record_copy (item);
        g_autofree char *file = g_build_filename (media, calque_record_get_string (item, "name"), NULL);
        char sha256[65];

        g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (other), file, sha256, NULL, &error));
        g_assert_no_error (error);
        g_assert_cmpstr (sha256, ==, calque_record_get_string (item, "sha256"));
        g_assert_true (calque_store_put_merged (store, copy, NULL));
      }
    labels = calque_store_list (f->store, CALQUE_KIND_LABEL, calque_record_get_id (project), NULL);
    for (guint i = 0; i < labels->len; i++)
      {
        g_autoptr(CalqueRecord) copy = calque_record_copy (labels->pdata[i]);

        g_assert_true (calque_store_put_merged (store, copy, NULL));
      }
  }
  g_clear_pointer (&run, run_free);
  run = cli (workspace2, "import", "--format", "coco", "--project", "Round “trip”", "--author", "amelie", first);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 5 annotations, 0 new items and 0 new labels into “Round “trip””");
  g_clear_pointer (&run, run_free);
  run = cli (workspace2, "export", "--format", "coco", "--output", second);
  g_assert_cmpint (run->status, ==, 0);
  text2 = read_text (second);
  g_assert_cmpstr (text1, ==, text2);

  /* A new project of the first workspace, with nothing: the images come
   * from the export's folder and the labels are made, with their tree;
   * the annotations come back the same. */
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "project", "create", "--name", "Again", "--type", "image");
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "import", "--format", "coco", "--project", "Again", "--author", "amelie",
             "--media", media, first);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 5 annotations, 2 new items and 3 new labels into “Again”");
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "export", "--format", "coco", "--project", "Again", "--output", third);
  g_assert_cmpint (run->status, ==, 0);
  text3 = read_text (third);
  part1 = annotations_part (text1);
  part3 = annotations_part (text3);
  g_assert_cmpstr (part1, ==, part3);
  assert_says (text1, "{\"id\":2,\"name\":\"truck\",\"supercategory\":\"vehicle\"}");
  assert_says (text3, "{\"id\":2,\"name\":\"truck\",\"supercategory\":\"vehicle\"}");

  g_free (items[0]);
  g_free (items[1]);
}

/* A COCO file as other tools write it: annotations before the images,
 * ids that are not positions, crowds as RLE masks, objects in two parts,
 * boxes with an empty segmentation, ids written as floats, members of
 * their own. */
static void
test_foreign (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = path_in (f, "foreign.json");
  g_autoptr(Run) run = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_shape_free);
  gint64 before = calque_store_count (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project), NULL);
  guint boxes = 0, polygons = 0;

  write_text (path,
              "{\"annotations\": [\n"
              "  {\"id\": 100, \"image_id\": 42, \"category_id\": 18, \"bbox\": [1, 2, 3, 4], \"segmentation\": [],"
              "   \"area\": 12, \"iscrowd\": 0},\n"
              "  {\"id\": 101, \"image_id\": 42, \"category_id\": 18, \"bbox\": [10, 10, 20, 20],"
              "   \"segmentation\": {\"counts\": [0, 5, 10], \"size\": [80, 100]}, \"iscrowd\": 1},\n"
              "  {\"id\": 102.0, \"image_id\": 0, \"category_id\": 3, \"bbox\": [1, 1, 30, 20],"
              "   \"segmentation\": [[1, 1, 10, 1, 10, 10], [20, 10, 31, 10, 31, 21, 20, 21]], \"iscrowd\": 0}\n"
              "],\n"
              " \"info\": {\"description\": \"From elsewhere ]}\", \"year\": 2024},\n"
              " \"x_tool\": {\"nested\": [1, {\"s\": \"[\"}]},\n"
              " \"categories\": [{\"id\": 18, \"name\": \"dog\", \"supercategory\": \"animal\"},"
              "                  {\"id\": 3, \"name\": \"zebra\", \"supercategory\": \"animal\"}],\n"
              " \"images\": [{\"id\": 42, \"file_name\": \"train/a.png\", \"width\": 100, \"height\": 80},"
              "              {\"id\": 0, \"file_name\": \"b.png\", \"width\": 64.0, \"height\": 48}]}\n");
  run = cli (f->workspace_path, "import", "--format", "coco", "--project", "Pets", "--author", "rita", path);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 4 annotations, 0 new items and 1 new label into “Pets”");

  annotations = calque_store_list (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project), NULL);
  g_assert_cmpint (annotations->len, ==, before + 4);
  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = annotations->pdata[i];
      CalqueShape *shape;

      if (g_strcmp0 (calque_record_get_string (annotation, "author"), "rita") != 0)
        continue;
      shape = calque_record_dup_shape (annotation, NULL);
      g_ptr_array_add (shapes, shape);
      if (shape->kind == CALQUE_SHAPE_BOX)
        {
          /* "train/a.png" is a.png, found by its last part. */
          g_assert_cmpstr (calque_record_get_string (annotation, "item"), ==, f->items[0]);
          g_assert_true (shape->x == 1 || shape->x == 10);
          boxes++;
        }
      else
        {
          g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_POLYGON);
          g_assert_cmpstr (calque_record_get_string (annotation, "item"), ==, f->items[1]);
          g_assert_cmpuint (calque_shape_get_n_points (shape), ==, polygons == 0 ? 3 : 4);
          polygons++;
        }
    }
  g_assert_cmpuint (boxes, ==, 2);
  g_assert_cmpuint (polygons, ==, 2);
}

static void
test_results (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *reference = path_in (f, "instances.json");
  g_autofree char *results = path_in (f, "results.json");
  g_autoptr(Run) run = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  guint found = 0;

  write_text (reference,
              "{\"images\": [{\"id\": 7, \"file_name\": \"a.png\", \"width\": 100, \"height\": 80},"
              "              {\"id\": 9, \"file_name\": \"b.png\", \"width\": 64, \"height\": 48}],"
              " \"categories\": [{\"id\": 3, \"name\": \"cat\"}, {\"id\": 5, \"name\": \"dog\"}],"
              " \"annotations\": []}");
  write_text (results,
              "[{\"image_id\": 7, \"category_id\": 3, \"bbox\": [5, 6, 20, 10], \"score\": 0.9},"
              " {\"image_id\": 9, \"category_id\": 5, \"bbox\": [1, 1, 9, 9], \"score\": 0.25,"
              "  \"segmentation\": [[1, 1, 10, 1, 10, 10]]}]");

  /* Without the instances file, the ids mean nothing. */
  run = cli (f->workspace_path, "import", "--format", "coco-results", results);
  g_assert_cmpint (run->status, !=, 0);
  assert_says (run->err, "results.json: a COCO results file names images and categories by the ids of an instances file");

  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "import", "--format", "coco-results", "--reference", reference,
             "--model", "yolo-v9", results);
  g_assert_cmpint (run->status, ==, 0);
  assert_says (run->out, "Imported 2 annotations");
  assert_says (run->out, "pre-annotations of “model:yolo-v9”");

  annotations = calque_store_list (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project), NULL);
  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = annotations->pdata[i];
      g_autoptr(CalqueShape) shape = NULL;

      if (g_strcmp0 (calque_record_get_string (annotation, "author"), "model:yolo-v9") != 0)
        continue;
      shape = calque_record_dup_shape (annotation, NULL);
      if (shape->kind == CALQUE_SHAPE_BOX)
        {
          g_assert_cmpfloat (calque_record_get_double (annotation, "confidence", -1), ==, 0.9);
          g_assert_cmpstr (calque_record_get_string (annotation, "item"), ==, f->items[0]);
          g_assert_cmpfloat (shape->w, ==, 20);
        }
      else
        {
          g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_POLYGON);
          g_assert_cmpfloat (calque_record_get_double (annotation, "confidence", -1), ==, 0.25);
        }
      found++;
    }
  g_assert_cmpuint (found, ==, 2);

  /* A result without a score, and one whose image the reference lacks. */
  write_text (results, "[{\"image_id\": 7, \"category_id\": 3, \"bbox\": [5, 6, 20, 10]}]");
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "import", "--format", "coco-results", "--reference", reference, results);
  g_assert_cmpint (run->status, !=, 0);
  assert_says (run->err, "results.json: result 1: “score” is missing; a result has a score");
  write_text (results, "[{\"image_id\": 7, \"category_id\": 3, \"bbox\": [5, 6, 20, 10], \"score\": 1},"
                       " {\"image_id\": 8, \"category_id\": 3, \"bbox\": [5, 6, 20, 10], \"score\": 1}]");
  g_clear_pointer (&run, run_free);
  run = cli (f->workspace_path, "import", "--format", "coco-results", "--reference", reference, results);
  g_assert_cmpint (run->status, !=, 0);
  assert_says (run->err, "results.json: result 2: image 8 is not among the images of instances.json");
}

typedef struct {
  const char *name;
  const char *images;        /* the "images" array, or NULL for the good one */
  const char *categories;    /* likewise */
  const char *annotations;   /* likewise */
  const char *message;       /* what stderr must say */
} BadCase;

#define GOOD_IMAGES "[{\"id\": 1, \"file_name\": \"a.png\", \"width\": 100, \"height\": 80}," \
                    " {\"id\": 2, \"file_name\": \"b.png\", \"width\": 64, \"height\": 48}]"
/* zebra is new: a failed import must not leave it behind. */
#define GOOD_CATEGORIES "[{\"id\": 1, \"name\": \"cat\"}, {\"id\": 2, \"name\": \"zebra\"}]"
#define GOOD_ANNOTATION "{\"id\": 1, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 1, 5, 5]}"

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const BadCase cases[] = {
    { "unknown image", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 5, \"category_id\": 1, \"bbox\": [1, 1, 5, 5]}]",
      "instances.json: annotation 2: image 5 is not among the images of instances.json" },
    { "bbox outside", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [90, 70, 20, 20]}]",
      "instances.json: annotation 2: box corner (110, 70) is outside the 100×80 image (item “a.png”)" },
    { "polygon outside", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"bbox\": [1, 1, 5, 5],"
      " \"segmentation\": [[1, 1, 70, 1, 1, 5]]}]",
      "instances.json: annotation 2: polygon: point 2 (70, 1) is outside the 64×48 image (item “b.png”)" },
    { "image id twice", "[{\"id\": 1, \"file_name\": \"a.png\"}, {\"id\": 1, \"file_name\": \"b.png\"}]", NULL, NULL,
      "instances.json: image 2 (id 1): image id 1 is used twice" },
    { "annotation id twice", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 7, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5]},"
      " {\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [1, 1, 5, 5]}]",
      "instances.json: annotation 3 (id 1): annotation id 1 is used twice" },
    { "category id twice", NULL, "[{\"id\": 1, \"name\": \"zebra\"}, {\"id\": 1, \"name\": \"cat\"}]", NULL,
      "instances.json: category 2 (id 1): category id 1 is used twice" },
    { "unknown category", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 9, \"bbox\": [1, 1, 5, 5]}]",
      "instances.json: annotation 2: category 9 is not among the categories of instances.json" },
    { "NaN", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, NaN, 5, 5]}]",
      "element 2 of “annotations” has NaN or Infinity, which are not JSON numbers" },
    { "negative size", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 1, -5, 5]}]",
      "instances.json: annotation 2: the bbox is -5×5; its width and height must be above 0" },
    { "short bbox", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 1, 5]}]",
      "instances.json: annotation 2: “bbox” has 3 numbers, expected 4" },
    { "negative image width", "[{\"id\": 1, \"file_name\": \"a.png\", \"width\": -100, \"height\": 80}]", NULL, NULL,
      "instances.json: image 1: “width” is not a size in pixels (a whole number above 0)" },
    { "wrong image size", "[{\"id\": 1, \"file_name\": \"a.png\", \"width\": 200, \"height\": 80}]", NULL, NULL,
      "instances.json: image 1: the file says “a.png” is 200×80, but the image is 100×80" },
    { "unknown image file", "[{\"id\": 1, \"file_name\": \"zzz.png\", \"width\": 10, \"height\": 10}]", NULL, NULL,
      "instances.json: image 1: “zzz.png” is neither in project “Pets” nor in " },
    { "score", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"score\": 1.5}]",
      "instances.json: annotation 2: the score 1.5 is not between 0 and 1" },
    { "odd ring", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5],"
      " \"segmentation\": [[1, 1, 5, 1, 5]]}]",
      "instances.json: annotation 2: “segmentation” has 5 numbers; a ring needs an even count, at least 6" },
    { "flat segmentation", NULL, NULL,
      "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5],"
      " \"segmentation\": [1, 1, 5, 1, 5, 5]}]",
      "instances.json: annotation 2: “segmentation” is a list of numbers; COCO polygons are a list of lists" },
    { "not an object", NULL, NULL, "[" GOOD_ANNOTATION ", [1, 2]]",
      "instances.json: annotation 2: not a JSON object" },
    { "missing image_id", NULL, NULL, "[" GOOD_ANNOTATION ", {\"id\": 2, \"category_id\": 1, \"bbox\": [1, 1, 5, 5]}]",
      "instances.json: annotation 2: “image_id” is missing" },
    { "no annotations", NULL, NULL, "", "instances.json: there is no “annotations” array: this is not a COCO instances file" },
    { "truncated", NULL, NULL, "[" GOOD_ANNOTATION ", {\"id\": 2, \"image_id\": 1, \"categ",
      "instances.json: byte " },
  };
  g_autofree char *path = path_in (f, "instances.json");
  const char *project_id = calque_record_get_id (f->project);
  gint64 annotations = calque_store_count (f->store, CALQUE_KIND_ANNOTATION, project_id, NULL);
  gint64 labels = calque_store_count (f->store, CALQUE_KIND_LABEL, project_id, NULL);
  gint64 items = calque_store_count (f->store, CALQUE_KIND_ITEM, project_id, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadCase *bad = &cases[i];
      g_autoptr(GString) text = g_string_new ("{\"info\": {}, \"images\": ");
      g_autoptr(Run) run = NULL;

      g_string_append (text, bad->images ? bad->images : GOOD_IMAGES);
      g_string_append (text, ", \"categories\": ");
      g_string_append (text, bad->categories ? bad->categories : GOOD_CATEGORIES);
      if (bad->annotations == NULL || *bad->annotations != '\0')
        {
          g_string_append (text, ", \"annotations\": ");
          g_string_append (text, bad->annotations ? bad->annotations : "[" GOOD_ANNOTATION "]");
        }
      if (!g_str_equal (bad->name, "truncated"))
        g_string_append (text, "}");
      write_text (path, text->str);

      run = cli (f->workspace_path, "import", "--format", "coco", "--project", "Pets", path);
      if (run->status == 0)
        g_error ("%s: accepted", bad->name);
      if (strstr (run->err, bad->message) == NULL)
        g_error ("%s: expected “%s” in:\n%s", bad->name, bad->message, run->err);
      assert_says (run->err, "Nothing was imported.");

      /* Nothing stored changed: no annotation, no label made on the way. */
      g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_ANNOTATION, project_id, NULL), ==, annotations);
      g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, project_id, NULL), ==, labels);
      g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_ITEM, project_id, NULL), ==, items);
    }

  /* And the good file itself imports: the cases fail for their reason. */
  {
    g_autoptr(Run) run = NULL;

    write_text (path, "{\"images\": " GOOD_IMAGES ", \"categories\": " GOOD_CATEGORIES
                ", \"annotations\": [" GOOD_ANNOTATION "]}");
    run = cli (f->workspace_path, "import", "--format", "coco", "--project", "Pets", path);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_ANNOTATION, project_id, NULL), ==, annotations + 1);
    g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, project_id, NULL), ==, labels + 1);
  }
}

/* Into a project without labels, next to the dataset's images: the
 * images come in, and the labels with their tree (a supercategory that is
 * a category is the parent); a grouping that is no category is not kept. */
static void
test_labels_tree (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = path_in (f, "tree/pets.json");
  g_autofree char *json = NULL;
  g_autoptr(CalqueRecord) fresh = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(Run) exported = NULL, imported = NULL;
  const char *animal = NULL;

  calque_record_set_string (fresh, "name", "Fresh");
  calque_record_set_string (fresh, "type", "image");
  g_assert_true (calque_store_save (f->store, fresh, NULL));
  exported = cli (f->workspace_path, "export", "--format", "coco", "--project", "Pets", "--output", out);
  g_assert_cmpint (exported->status, ==, 0);
  /* A grouping that is no category, as other tools write them. */
  json = read_text (out);
  {
    g_autoptr(GString) edited = g_string_new (json);

    g_assert_cmpuint (g_string_replace (edited, "\"name\":\"car\",\"supercategory\":\"\"",
                                        "\"name\":\"car\",\"supercategory\":\"vehicle\"", 1), ==, 1);
    write_text (out, edited->str);
  }
  imported = cli (f->workspace_path, "import", "--format", "coco", "--project", "Fresh", out);
  g_assert_cmpint (imported->status, ==, 0);
  assert_says (imported->out, "3 new items and 4 new labels");

  labels = calque_store_list (f->store, CALQUE_KIND_LABEL, calque_record_get_id (fresh), NULL);
  g_assert_cmpuint (labels->len, ==, 4);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (calque_record_get_string (labels->pdata[i], "name"), "animal") == 0)
      animal = calque_record_get_id (labels->pdata[i]);
  g_assert_nonnull (animal);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *name = calque_record_get_string (labels->pdata[i], "name");
      const char *parent = calque_record_get_string (labels->pdata[i], "parent");

      if (g_str_equal (name, "cat") || g_str_equal (name, "dog"))
        g_assert_cmpstr (parent, ==, animal);
      else
        g_assert_null (parent);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/coco/export-all", test_export_all);
  ADD ("/coco/export-final", test_export_final);
  ADD ("/coco/url-items", test_url_items);
  ADD ("/coco/round-trip", test_round_trip);
  ADD ("/coco/labels-tree", test_labels_tree);
  ADD ("/coco/foreign", test_foreign);
  ADD ("/coco/results", test_results);
  ADD ("/coco/bad-input", test_bad_input);
#undef ADD

  return g_test_run ();
}
