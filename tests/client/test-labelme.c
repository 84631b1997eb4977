/* test-labelme.c — labelme's own example files through calque-cli import
 *
 * The files in tests/data/labelme are labelme's examples as labelme wrote
 * them. Each shape type must become the shape the format documentation
 * (client/import/calque-import-labelme.c, docs/formats.md) promises, and a
 * bad file must leave the workspace as it was.
 */
#define G_LOG_DOMAIN "test-labelme"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "calque-test-util.h"
#include "calque-test-workspace.h"

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *data;       /* a copy of tests/data/labelme */
} Fixture;

static void
save_item (Fixture    *f,
           const char *name,
           gint64      width,
           gint64      height)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/voc.jpg");
  calque_record_set_int (item, "width", width);
  calque_record_set_int (item, "height", height);
  calque_store_save (f->store, item, &error);
  g_assert_no_error (error);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &text, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (to, text, (gssize) length, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *source = g_getenv ("CALQUE_TEST_DATA_DIR");
  const char *files[] = { "README.md", "primitives.json", "primitives.jpg", "0001.json", "0002.json", "2011_000006.json",
                          "2011_000025.json" };
  g_autoptr(GError) error = NULL;

  f->workspace = calque_test_workspace_new ("calque-labelme", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "VOC");
  calque_record_set_string (f->project, "type", "image");
  calque_store_save (f->store, f->project, &error);
  g_assert_no_error (error);

  /* The photos are not in the repository: their items are made here, by
   * name and size. primitives.jpg is, and the import finds it. */
  save_item (f, "0001.jpg", 640, 480);
  save_item (f, "0002.jpg", 640, 480);
  save_item (f, "2011_000006.jpg", 500, 375);
  save_item (f, "2011_000025.jpg", 500, 375);

  f->data = g_build_filename (f->dir, "labelme", NULL);
  g_assert_cmpint (g_mkdir (f->data, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (source, "labelme", files[i], NULL);
      g_autofree char *to = g_build_filename (f->data, files[i], NULL);

      copy_file (from, to);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data);
}

static int
import (Fixture     *f,
        const char  *path,
        char       **out_stderr)
{
  const char *cli = g_getenv ("CALQUE_CLI");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "--workspace",
                                                  (char *) calque_workspace_get_path (f->workspace), "import",
                                                  "--format", "labelme", "--author", "amelie", (char *) path, NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  else if (WEXITSTATUS (status) != 0)
    g_test_message ("calque-cli: %s", err);
  return WEXITSTATUS (status);
}

/* The item named @name and its annotations, oldest first. */
static GPtrArray *
annotations_of (Fixture       *f,
                const char    *name,
                CalqueRecord **out_item)
{
  g_autoptr(GPtrArray) items = calque_store_list (f->store, CALQUE_KIND_ITEM, calque_record_get_id (f->project), NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (calque_record_get_string (items->pdata[i], "name"), name) == 0)
      {
        GPtrArray *annotations = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION,
                                                             calque_record_get_id (items->pdata[i]), &error);

        g_assert_no_error (error);
        if (out_item != NULL)
          *out_item = g_object_ref (items->pdata[i]);
        return annotations;
      }
  g_error ("no item %s", name);
}

static char *
label_name (Fixture      *f,
            CalqueRecord *annotation)
{
  JsonArray *labels = json_node_get_array (calque_record_get_field (annotation, "labels"));
  g_autoptr(CalqueRecord) label = NULL;

  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  label = calque_store_get (f->store, json_array_get_string_element (labels, 0), NULL);
  g_assert_nonnull (label);
  return g_strdup (calque_record_get_string (label, "name"));
}

static CalqueShape *
shape_of (CalqueRecord    *annotation,
          CalqueShapeKind  kind)
{
  g_autoptr(GError) error = NULL;
  CalqueShape *shape = calque_record_dup_shape (annotation, &error);

  g_assert_no_error (error);
  g_assert_cmpint (shape->kind, ==, kind);
  return shape;
}

static void
assert_label (Fixture      *f,
              CalqueRecord *annotation,
              const char   *expected)
{
  g_autofree char *name = label_name (f, annotation);

  g_assert_cmpstr (name, ==, expected);
}

static void
test_primitives (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->data, "primitives.json", NULL);
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  CalqueShape *shape;

  g_assert_cmpint (import (f, path, NULL), ==, 0);
  annotations = annotations_of (f, "primitives.jpg", &item);

  /* The image beside the file became the item, with its size. */
  g_assert_cmpint (calque_record_get_int (item, "width", 0), ==, 560);
  g_assert_cmpint (calque_record_get_int (item, "height", 0), ==, 450);
  g_assert_cmpuint (annotations->len, ==, 8);
  for (guint i = 0; i < annotations->len; i++)
    g_assert_cmpstr (calque_record_get_string (annotations->pdata[i], "author"), ==, "amelie");

  /* rectangle [[32, 35], [132, 135]] → box */
  shape = shape_of (annotations->pdata[0], CALQUE_SHAPE_BOX);
  assert_label (f, annotations->pdata[0], "rectangle");
  g_assert_cmpfloat (shape->x, ==, 32);
  g_assert_cmpfloat (shape->y, ==, 35);
  g_assert_cmpfloat (shape->w, ==, 100);
  g_assert_cmpfloat (shape->h, ==, 100);
  g_assert_cmpfloat (shape->rotation, ==, 0);
  calque_shape_free (shape);

  /* circle, centre (195, 84) through (225, 125) → 64 points on it */
  shape = shape_of (annotations->pdata[1], CALQUE_SHAPE_POLYGON);
  assert_label (f, annotations->pdata[1], "circle");
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 64);
  for (guint i = 0; i < 64; i++)
    {
      double x = g_array_index (shape->points, double, 2 * i);
      double y = g_array_index (shape->points, double, 2 * i + 1);

      g_assert_cmpfloat_with_epsilon (hypot (x - 195, y - 84), hypot (30, 41), 1e-9);
    }
  g_assert_cmpfloat_with_epsilon (g_array_index (shape->points, double, 0), 195 + hypot (30, 41), 1e-9);
  calque_shape_free (shape);

  /* rectangle whose second point is above-right of the first */
  shape = shape_of (annotations->pdata[2], CALQUE_SHAPE_BOX);
  g_assert_cmpfloat (shape->x, ==, 391);
  g_assert_cmpfloat (shape->w, ==, 151);
  g_assert_cmpfloat (shape->h, ==, 102);
  calque_shape_free (shape);

  shape = shape_of (annotations->pdata[3], CALQUE_SHAPE_POLYGON);
  assert_label (f, annotations->pdata[3], "polygon");
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 4);
  g_assert_cmpfloat (g_array_index (shape->points, double, 2), ==, 45);
  g_assert_cmpfloat (g_array_index (shape->points, double, 3), ==, 403);
  calque_shape_free (shape);

  /* line → polyline of two points */
  shape = shape_of (annotations->pdata[4], CALQUE_SHAPE_POLYLINE);
  assert_label (f, annotations->pdata[4], "line");
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 2);
  g_assert_cmpfloat (g_array_index (shape->points, double, 3), ==, 224);
  calque_shape_free (shape);

  shape = shape_of (annotations->pdata[5], CALQUE_SHAPE_POINT);
  assert_label (f, annotations->pdata[5], "point");
  g_assert_cmpfloat (shape->x, ==, 345);
  g_assert_cmpfloat (shape->y, ==, 174);
  calque_shape_free (shape);

  /* linestrip → polyline, its float coordinates untouched */
  shape = shape_of (annotations->pdata[6], CALQUE_SHAPE_POLYLINE);
  assert_label (f, annotations->pdata[6], "line_strip");
  g_assert_cmpuint (calque_shape_get_n_points (shape), ==, 3);
  g_assert_cmpfloat (g_array_index (shape->points, double, 0), ==, 440.53703703703707);
  calque_shape_free (shape);

  /* mask → the box of the mask; its pixels are not kept */
  shape = shape_of (annotations->pdata[7], CALQUE_SHAPE_BOX);
  assert_label (f, annotations->pdata[7], "octagon");
  g_assert_cmpfloat (shape->x, ==, 417.39759036144574);
  g_assert_cmpfloat (shape->y, ==, 305);
  g_assert_cmpfloat_with_epsilon (shape->w, 99, 1e-9);
  g_assert_cmpfloat (shape->h, ==, 99);
  calque_shape_free (shape);

  /* labelme 5's empty "description" and null "mask" make no attributes. */
  g_assert_false (calque_record_has_field (annotations->pdata[0], "attributes"));
}

static void
test_folder (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) sofa_room = NULL, buses = NULL, cat = NULL, dog = NULL;
  g_autoptr(CalqueShape) chair = NULL, classification = NULL;
  guint sofas = 0;

  /* The whole folder: every *.json, this README left alone. */
  g_assert_cmpint (import (f, f->data, NULL), ==, 0);

  /* Image flags that are true → classifications; false ones → nothing. */
  cat = annotations_of (f, "0001.jpg", NULL);
  g_assert_cmpuint (cat->len, ==, 1);
  classification = shape_of (cat->pdata[0], CALQUE_SHAPE_CLASSIFICATION);
  assert_label (f, cat->pdata[0], "cat");
  dog = annotations_of (f, "0002.jpg", NULL);
  g_assert_cmpuint (dog->len, ==, 1);
  assert_label (f, dog->pdata[0], "dog");

  /* Ten polygons; the sofa's four parts share group_id 0, kept as an
   * attribute; the others have none. */
  sofa_room = annotations_of (f, "2011_000006.jpg", NULL);
  g_assert_cmpuint (sofa_room->len, ==, 10);
  for (guint i = 0; i < sofa_room->len; i++)
    {
      g_autofree char *name = label_name (f, sofa_room->pdata[i]);
      g_autoptr(CalqueShape) shape = shape_of (sofa_room->pdata[i], CALQUE_SHAPE_POLYGON);
      JsonNode *attributes = calque_record_get_field (sofa_room->pdata[i], "attributes");

      if (g_str_equal (name, "sofa"))
        {
          sofas++;
          g_assert_nonnull (attributes);
          g_assert_cmpint (json_object_get_int_member (json_node_get_object (attributes), "group_id"), ==, 0);
        }
      else
        g_assert_null (attributes);
    }
  g_assert_cmpuint (sofas, ==, 4);
  assert_label (f, sofa_room->pdata[5], "__ignore__");

  /* The chair's vertex 0.385 px below the 375 px image is on its edge now;
   * the others are as labelme wrote them. */
  chair = shape_of (sofa_room->pdata[3], CALQUE_SHAPE_POLYGON);
  assert_label (f, sofa_room->pdata[3], "chair");
  {
    gboolean on_edge = FALSE;

    for (guint i = 0; i < calque_shape_get_n_points (chair); i++)
      {
        double x = g_array_index (chair->points, double, 2 * i);
        double y = g_array_index (chair->points, double, 2 * i + 1);

        g_assert_cmpfloat (y, <=, 375);
        if (x == 165.54250204582655)
          {
            g_assert_cmpfloat (y, ==, 375);
            on_edge = TRUE;
          }
      }
    g_assert_true (on_edge);
  }

  buses = annotations_of (f, "2011_000025.jpg", NULL);
  g_assert_cmpuint (buses->len, ==, 3);
  {
    g_autoptr(CalqueShape) car = shape_of (buses->pdata[2], CALQUE_SHAPE_BOX);

    assert_label (f, buses->pdata[2], "car");
    g_assert_cmpfloat (car->x, ==, 409);
    g_assert_cmpfloat (car->y, ==, 167);
    g_assert_cmpfloat (car->w, ==, 91);
    g_assert_cmpfloat (car->h, ==, 99);
  }
}

typedef struct {
  const char *file;
  const char *json;
  const char *message;
} BadFile;

static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  const BadFile cases[] = {
    { "ellipse.json",
      "{\"imagePath\": \"0001.jpg\", \"imageWidth\": 640, \"imageHeight\": 480, \"shapes\": ["
      "{\"label\": \"cat\", \"points\": [[1, 1], [5, 5]], \"shape_type\": \"rectangle\"},"
      "{\"label\": \"cat\", \"points\": [[1, 1], [5, 5]], \"shape_type\": \"ellipse\"}]}",
      "ellipse.json: shape 2: \xe2\x80\x9c" "ellipse\xe2\x80\x9d is not a labelme shape type" },
    { "size.json", "{\"imagePath\": \"0001.jpg\", \"imageWidth\": 64, \"imageHeight\": 48, \"shapes\": []}",
      "size.json: imagePath: the file says \xe2\x80\x9c" "0001.jpg\xe2\x80\x9d is 64\xc3\x97" "48, but the image is 640\xc3\x97" "480" },
    { "outside.json",
      "{\"imagePath\": \"..\\\\images\\\\0002.jpg\", \"shapes\": ["
      "{\"label\": \"dog\", \"points\": [[600, 400], [700, 470]], \"shape_type\": \"rectangle\"}]}",
      "outside.json: shape 1: box corner (700, 400) is outside the 640\xc3\x97" "480 image" },
    { "points.json",
      "{\"imagePath\": \"0002.jpg\", \"shapes\": [{\"label\": \"dog\", \"points\": [[1, 1], [2]], \"shape_type\": \"polygon\"}]}",
      "points.json: shape 1: point 2 is not an [x, y] pair of numbers" },
    { "notlabelme.json", "{\"images\": [], \"annotations\": []}", "notlabelme.json: not a labelme file" },
  };
  gint64 annotations, labels;

  g_assert_cmpint (import (f, f->data, NULL), ==, 0);
  annotations = calque_store_count (f->store, CALQUE_KIND_ANNOTATION, NULL, NULL);
  labels = calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, cases[i].file, NULL);
      g_autofree char *err = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].json, -1, NULL));
      g_assert_cmpint (import (f, path, &err), ==, 1);
      if (strstr (err, cases[i].message) == NULL)
        g_error ("%s: expected “%s” in:\n%s", cases[i].file, cases[i].message, err);
    }
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_ANNOTATION, NULL, NULL), ==, annotations);
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, labels);
}

/* JSON that json-glib alone would crash on or misread: the file is
 * refused by name, and nothing of it is imported. */
static void
test_hostile_json (Fixture       *f,
                   gconstpointer  data)
{
  const char *prefix = "{\"imagePath\": \"0001.jpg\", \"shapes\": ["
                       "{\"label\": \"cat\", \"points\": [[1, 1], [5, 5]], \"shape_type\": \"rectangle\"}], "
                       "\"deep\": ";
  g_autoptr(GString) deep = g_string_new (prefix);
  g_autofree char *deep_path = g_build_filename (f->dir, "deep.json", NULL);
  g_autofree char *nul_path = g_build_filename (f->dir, "nul.json", NULL);
  g_autofree char *deep_err = NULL, *nul_err = NULL;
  gint64 annotations, labels;

  annotations = calque_store_count (f->store, CALQUE_KIND_ANNOTATION, NULL, NULL);
  labels = calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL);

  /* 300,000 levels: far past the stack json-glib's recursion needs. */
  for (guint i = 0; i < 300000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 300000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  g_assert_true (g_file_set_contents (deep_path, deep->str, (gssize) deep->len, NULL));
  g_assert_cmpint (import (f, deep_path, &deep_err), ==, 1);
  if (strstr (deep_err, "deep.json: not JSON: nested more than") == NULL)
    g_error ("deep.json: expected the depth to be refused in:\n%s", deep_err);

  g_assert_true (g_file_set_contents (nul_path,
                                      "{\"imagePath\": \"0001.jpg\", \"shapes\": ["
                                      "{\"label\": \"c\\u0000at\", \"points\": [[1, 1], [5, 5]], "
                                      "\"shape_type\": \"rectangle\"}]}", -1, NULL));
  g_assert_cmpint (import (f, nul_path, &nul_err), ==, 1);
  if (strstr (nul_err, "nul.json: not JSON: a string holds \\u0000") == NULL)
    g_error ("nul.json: expected \\u0000 to be refused in:\n%s", nul_err);

  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_ANNOTATION, NULL, NULL), ==, annotations);
  g_assert_cmpint (calque_store_count (f->store, CALQUE_KIND_LABEL, NULL, NULL), ==, labels);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("CALQUE_CLI") == NULL || g_getenv ("CALQUE_TEST_DATA_DIR") == NULL)
    {
      g_printerr ("CALQUE_CLI or CALQUE_TEST_DATA_DIR is not set: run this test with meson test\n");
      return 77;
    }

  g_test_add ("/labelme/primitives", Fixture, NULL, fixture_set_up, test_primitives, fixture_tear_down);
  g_test_add ("/labelme/folder", Fixture, NULL, fixture_set_up, test_folder, fixture_tear_down);
  g_test_add ("/labelme/bad-files", Fixture, NULL, fixture_set_up, test_bad_files, fixture_tear_down);
  g_test_add ("/labelme/hostile-json", Fixture, NULL, fixture_set_up, test_hostile_json, fixture_tear_down);
  return g_test_run ();
}
