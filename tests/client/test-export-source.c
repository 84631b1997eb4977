/* test-export-source.c — what exports read, and where imports write
 *
 * One real workspace with an image project: the export source's versions
 * (all, final, one annotator) and filters (states, labels), and the
 * annotation sink that every importer writes through — items found by name,
 * labels made on the way, shapes checked against their image, one
 * transaction that lands whole or not at all.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>

#include "calque-annotation-sink.h"
#include "calque-export-output.h"
#include "calque-export-source.h"
#include "calque-importer.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *cat;
  char            *dog;
  char            *items[3];   /* b.png, a.png, c.png: saved out of name order */
} Fixture;

static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/image.png");
  calque_record_set_int (item, "width", 100);
  calque_record_set_int (item, "height", 80);
  g_assert_true (calque_store_save (f->store, item, NULL));
  return g_strdup (calque_record_get_id (item));
}

static char *
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
  return g_strdup (calque_record_get_id (task));
}

static void
save_review (Fixture    *f,
             const char *item,
             const char *task,
             const char *reviewer,
             const char *decision,
             gint64      created)
{
  g_autoptr(CalqueRecord) review = calque_record_new (CALQUE_KIND_REVIEW, calque_record_get_id (f->project));

  calque_record_set_string (review, "item", item);
  if (task)
    calque_record_set_string (review, "task", task);
  calque_record_set_string (review, "reviewer", reviewer);
  calque_record_set_string (review, "decision", decision);
  calque_record_set_int (review, "created", created);
  g_assert_true (calque_store_save (f->store, review, NULL));
}

static void
save_box (Fixture    *f,
          const char *item,
          const char *author,
          const char *label,
          double      x)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  g_autoptr(CalqueShape) shape = calque_shape_new_box (x, 10, 20, 20);
  JsonNode *labels = json_from_string (label ? g_strdup_printf ("[\"%s\"]", label) : "[]", NULL);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", labels);
  calque_record_set_shape (annotation, shape);
  g_assert_true (calque_store_save (f->store, annotation, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *t0 = NULL, *t1 = NULL, *t2a = NULL, *t2b = NULL;

  f->workspace = calque_test_workspace_new ("calque-export-source", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Pets");
  calque_record_set_string (f->project, "type", "image");
  g_assert_true (calque_store_save (f->store, f->project, NULL));
  /* Dog comes first in the project's order, though "cat" < "dog". */
  f->cat = calque_test_save_label (f->store, calque_record_get_id (f->project), "cat", "#e01b24", 1);
  f->dog = calque_test_save_label (f->store, calque_record_get_id (f->project), "dog", "#2ec27e", 0);

  f->items[0] = save_item (f, "b.png");
  f->items[1] = save_item (f, "a.png");
  f->items[2] = save_item (f, "c.png");

  /* a.png: amelie's version accepted by a review; bruno's not. */
  t0 = save_task (f, f->items[1], "amelie", "accepted");
  save_task (f, f->items[1], "bruno", "submitted");
  save_review (f, f->items[1], t0, "rita", "accepted", 1000);
  save_box (f, f->items[1], "amelie", f->cat, 1);
  save_box (f, f->items[1], "amelie", f->dog, 2);
  save_box (f, f->items[1], "bruno", f->cat, 3);

  /* b.png: first accepted, then merged by the reviewer: the later wins. */
  t1 = save_task (f, f->items[0], "amelie", "submitted");
  save_review (f, f->items[0], t1, "rita", "accepted", 1000);
  save_review (f, f->items[0], NULL, "rita", "merged", 2000);
  save_box (f, f->items[0], "amelie", f->cat, 4);
  save_box (f, f->items[0], "rita", f->dog, 5);

  /* c.png: no review, no accepted task: no final version. */
  t2a = save_task (f, f->items[2], "bruno", "in_progress");
  save_box (f, f->items[2], "bruno", f->dog, 6);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cat);
  g_free (f->dog);
  for (guint i = 0; i < G_N_ELEMENTS (f->items); i++)
    g_free (f->items[i]);
}

/* Collects "item: x,x,…" lines: the boxes' x tell which annotations came. */
static gboolean
collect_cb (CalqueRecord *item,
            GPtrArray    *annotations,
            gpointer      user_data,
            GError      **error)
{
  GString *out = user_data;

  g_string_append_printf (out, "%s:", calque_record_get_string (item, "name"));
  for (guint i = 0; i < annotations->len; i++)
    {
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotations->pdata[i], NULL);

      g_string_append_printf (out, "%s%g", i ? "," : "", shape->x);
    }
  g_string_append_c (out, ' ');
  return TRUE;
}

static char *
run_export (Fixture                  *f,
            const CalqueExportFilter *filter,
            guint                    *out_skipped)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueExportSource) source = calque_export_source_new (f->workspace, f->project, filter, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_true (calque_export_source_foreach (source, TRUE, collect_cb, out, NULL, &error));
  g_assert_no_error (error);
  {
    guint items = 0;

    for (const char *p = out->str; *p; p++)
      items += *p == ':';
    g_assert_cmpuint (calque_export_source_get_n_items (source), ==, items);
  }
  if (out_skipped)
    *out_skipped = calque_export_source_get_n_skipped (source);
  return g_string_free (out, FALSE);
}

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  CalqueExportFilter filter = { 0 };
  g_autofree char *all = NULL, *final = NULL, *bruno = NULL;
  guint skipped = 0;

  /* Items in name order, everyone's annotations oldest first. */
  all = run_export (f, &filter, &skipped);
  g_assert_cmpstr (all, ==, "a.png:1,2,3 b.png:4,5 c.png:6 ");
  g_assert_cmpuint (skipped, ==, 0);

  /* Final: amelie's accepted version of a.png, rita's merge of b.png;
   * c.png has none and is counted as left out. */
  filter.version = CALQUE_EXPORT_VERSION_FINAL;
  final = run_export (f, &filter, &skipped);
  g_assert_cmpstr (final, ==, "a.png:1,2 b.png:5 ");
  g_assert_cmpuint (skipped, ==, 1);

  /* One annotator: bruno has a.png and c.png, not b.png. */
  filter.version = CALQUE_EXPORT_VERSION_ANNOTATOR;
  filter.annotator = "bruno";
  bruno = run_export (f, &filter, &skipped);
  g_assert_cmpstr (bruno, ==, "a.png:3 c.png:6 ");
  g_assert_cmpuint (skipped, ==, 1);
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  const char * const states[] = { "in_progress", NULL };
  const char * const none[] = { "none", NULL };
  const char * const labels[] = { "cat", NULL };
  const char * const unknown_label[] = { "horse", NULL };
  const char * const unknown_state[] = { "done", NULL };
  CalqueExportFilter filter = { 0 };
  g_autofree char *by_state = NULL, *by_label = NULL, *without_task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueExportSource) source = NULL;
  g_autoptr(CalqueExportSource) bad = NULL;
  GPtrArray *exported;

  filter.states = states;
  by_state = run_export (f, &filter, NULL);
  g_assert_cmpstr (by_state, ==, "c.png:6 ");

  filter.states = none;
  without_task = run_export (f, &filter, NULL);
  g_assert_cmpstr (without_task, ==, "");

  /* Only cat: dog boxes are left out, and the label list is cat alone. */
  filter.states = NULL;
  filter.labels = labels;
  by_label = run_export (f, &filter, NULL);
  g_assert_cmpstr (by_label, ==, "a.png:1,3 b.png:4 c.png: ");
  source = calque_export_source_new (f->workspace, f->project, &filter, &error);
  g_assert_no_error (error);
  exported = calque_export_source_get_labels (source);
  g_assert_cmpuint (exported->len, ==, 1);
  g_assert_cmpint (calque_export_source_label_index (source, f->cat), ==, 0);
  g_assert_cmpint (calque_export_source_label_index (source, f->dog), ==, -1);

  /* Without a filter, the project's order: dog (position 0), then cat. */
  g_clear_pointer (&source, calque_export_source_free);
  source = calque_export_source_new (f->workspace, f->project, NULL, &error);
  g_assert_cmpint (calque_export_source_label_index (source, f->dog), ==, 0);
  g_assert_cmpint (calque_export_source_label_index (source, f->cat), ==, 1);

  filter.labels = unknown_label;
  bad = calque_export_source_new (f->workspace, f->project, &filter, &error);
  g_assert_null (bad);
  g_assert_error (error, CALQUE_EXPORT_SOURCE_ERROR, CALQUE_EXPORT_SOURCE_ERROR_FILTER);
  g_assert_nonnull (strstr (error->message, "horse"));
  g_clear_error (&error);

  filter.labels = NULL;
  filter.states = unknown_state;
  bad = calque_export_source_new (f->workspace, f->project, &filter, &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "“done”"));
}

static void
test_item_file_name (void)
{
  const char *cases[][2] = {
    { "a.png", "a.png" },
    { "train/a.png", "train/a.png" },
    { "../../etc/passwd", "etc/passwd" },
    { "/abs/./x.png", "abs/x.png" },
    { "bad\x01name.png", "bad_name.png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, "p");
      g_autofree char *safe = NULL;

      calque_record_set_string (item, "name", cases[i][0]);
      safe = calque_export_item_file_name (item);
      g_assert_cmpstr (safe, ==, cases[i][1]);
    }
}

/* A failed export leaves nothing; a committed one replaces the old file. */
static void
test_export_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out", "deep", "x.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(CalqueExportFile) file = calque_export_file_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (calque_export_file_printf (file, NULL, &error, "%d", 42));
    /* Freed without commit: no file under the name, no temporary left. */
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

    g_assert_null (g_dir_read_name (listing));
  }
  g_assert_true (calque_export_write_file (path, "new", -1, &error));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "new");
}

/* --- the sink ------------------------------------------------------------ */

static gint64
count (Fixture    *f,
       CalqueKind  kind)
{
  return calque_store_count (f->store, kind, calque_record_get_id (f->project), NULL);
}

static void
test_sink_adds (Fixture       *f,
                gconstpointer  data)
{
  CalqueAnnotationImportOptions options = { .author = "importer" };
  g_autoptr(CalqueAnnotationSink) sink = NULL;
  g_autoptr(CalqueImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueShape) box = calque_shape_new_box (5, 5, 10, 10);
  const char * const labels[] = { "cat", "bird", NULL };
  CalqueImportedAnnotation imported = {
    .file = "in.json", .element = "annotation 1", .item_name = "images/a.png",
    .labels = labels, .shape = box, .confidence = 0.5,
  };
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) all_labels = NULL;
  gint64 before = count (f, CALQUE_KIND_ANNOTATION);
  CalqueRecord *bird = NULL;

  sink = calque_annotation_sink_new (f->workspace, f->project, &options, &error);
  g_assert_no_error (error);
  /* "images/a.png" finds a.png by its last part. */
  g_assert_true (calque_annotation_sink_add (sink, &imported, &error));
  g_assert_no_error (error);
  report = calque_annotation_sink_finish (sink, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->annotations, ==, 1);
  g_assert_cmpuint (report->labels, ==, 1);
  g_assert_cmpint (count (f, CALQUE_KIND_ANNOTATION), ==, before + 1);

  /* The new label comes after the others, with a colour and a key. */
  all_labels = calque_store_list (f->store, CALQUE_KIND_LABEL, calque_record_get_id (f->project), NULL);
  for (guint i = 0; i < all_labels->len; i++)
    if (g_strcmp0 (calque_record_get_string (all_labels->pdata[i], "name"), "bird") == 0)
      bird = all_labels->pdata[i];
  g_assert_nonnull (bird);
  g_assert_cmpint (calque_record_get_int (bird, "position", -1), ==, 2);
  g_assert_cmpstr (calque_record_get_string (bird, "shortcut"), ==, "3");

  annotations = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, f->items[1], NULL);
  {
    CalqueRecord *last = annotations->pdata[annotations->len - 1];

    g_assert_cmpstr (calque_record_get_string (last, "author"), ==, "importer");
    g_assert_cmpfloat (calque_record_get_double (last, "confidence", 0), ==, 0.5);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (calque_record_get_field (last, "labels"))), ==, 2);
  }
}

static void
test_sink_refuses (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CalqueShape) inside = calque_shape_new_box (5, 5, 10, 10);
  g_autoptr(CalqueShape) outside = calque_shape_new_box (95, 5, 10, 10);
  g_autoptr(CalqueShape) nan_box = calque_shape_new_box (NAN, 5, 10, 10);
  gint64 annotations_before = count (f, CALQUE_KIND_ANNOTATION);
  gint64 labels_before = count (f, CALQUE_KIND_LABEL);
  const char * const labels[] = { "horse", NULL };
  struct {
    const char *item_name;
    const CalqueShape *shape;
    const char *says;
  } cases[] = {
    { "a.png", outside, "in.json: annotation 2: " },
    { "a.png", nan_box, "in.json: annotation 2: " },
    { "zebra.png", inside, "“zebra.png” is not in project “Pets”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, NULL, NULL);
      g_autoptr(GError) error = NULL;
      CalqueImportedAnnotation good = {
        .file = "in.json", .element = "annotation 1", .item_name = "a.png",
        .labels = labels, .shape = inside, .confidence = NAN,
      };
      CalqueImportedAnnotation bad = {
        .file = "in.json", .element = "annotation 2", .item_name = cases[i].item_name,
        .labels = labels, .shape = cases[i].shape, .confidence = NAN,
      };

      /* The first is fine and made a label; the second fails: freeing the
       * sink without finishing undoes both. */
      g_assert_true (calque_annotation_sink_add (sink, &good, NULL));
      g_assert_false (calque_annotation_sink_add (sink, &bad, &error));
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
  g_assert_cmpint (count (f, CALQUE_KIND_ANNOTATION), ==, annotations_before);
  g_assert_cmpint (count (f, CALQUE_KIND_LABEL), ==, labels_before);

  /* The size a file gives must be the image's. */
  {
    g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, NULL, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (calque_annotation_sink_get_item (sink, "in.json", "image 3", "a.png", 640, 480, &error));
    g_assert_nonnull (strstr (error->message, "640×480, but the image is 100×80"));
  }
  /* Names climbing out of the dataset never find an item, even one the
   * project has; Windows separators do. */
  {
    g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, NULL, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (calque_annotation_sink_get_item (sink, "a.json", "imagePath", "../a.png", 0, 0, &error));
    g_assert_cmpstr (error->message, ==, "a.json: imagePath: “../a.png” climbs out of the dataset with “..”");
    g_clear_error (&error);
    g_assert_null (calque_annotation_sink_get_item (sink, "a.json", "imagePath", "/srv/a.png", 0, 0, &error));
    g_assert_nonnull (strstr (error->message, "is an absolute path"));
    g_clear_error (&error);
    g_assert_null (calque_annotation_sink_get_item (sink, "a.json", "imagePath", "C:\\data\\a.png", 0, 0, &error));
    g_assert_nonnull (strstr (error->message, "is an absolute path"));
    g_clear_error (&error);
    g_assert_nonnull (calque_annotation_sink_get_item (sink, "a.json", "imagePath", "images\\.\\a.png", 0, 0, &error));
    g_assert_no_error (error);
  }
  /* Unknown labels, when new ones are not allowed. */
  {
    CalqueAnnotationImportOptions options = { .no_new_labels = TRUE };
    g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, &options, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (calque_annotation_sink_get_label (sink, "in.json", "category 7", "horse", &error));
    g_assert_cmpstr (error->message, ==, "in.json: category 7: project “Pets” has no label “horse”");
  }
}

static void
write_png (const char *path,
           int         width,
           int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0755);
  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
}

/* Items not in the project come from the media folder; pre-annotations
 * are the model's, with their score; ".." never leaves the folder. */
static void
test_sink_media_and_predictions (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *media = g_build_filename (f->dir, "dataset", NULL);
  g_autofree char *png = g_build_filename (media, "new", "d.png", NULL);
  g_autofree char *outside = g_build_filename (f->dir, "secret.png", NULL);
  CalqueAnnotationImportOptions options = { .predictions = TRUE, .model = "yolo-v8", .media_dir = media };
  g_autoptr(CalqueShape) box = calque_shape_new_box (1, 1, 10, 10);
  const char * const labels[] = { "dog", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueImportReport) report = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autofree char *sha256 = NULL;
  CalqueRecord *item;

  write_png (png, 32, 24);
  write_png (outside, 32, 24);

  {
    g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, &options, &error);
    CalqueImportedAnnotation climbing = {
      .file = "preds.json", .element = "annotation 9", .item_name = "../secret.png",
      .labels = labels, .shape = box, .confidence = 0.9,
    };

    g_assert_false (calque_annotation_sink_add (sink, &climbing, &error));
    g_assert_cmpstr (error->message, ==, "preds.json: annotation 9: “../secret.png” climbs out of the dataset with “..”");
  }

  {
    g_autoptr(CalqueAnnotationSink) sink = calque_annotation_sink_new (f->workspace, f->project, &options, NULL);
    CalqueImportedAnnotation imported = {
      .file = "preds.json", .element = "annotation 1", .item_name = "new/d.png",
      .labels = labels, .shape = box, .confidence = 0.875,
    };

    g_clear_error (&error);
    item = calque_annotation_sink_get_item (sink, "preds.json", "image 1", "new/d.png", 32, 24, &error);
    g_assert_no_error (error);
    g_assert_nonnull (item);
    sha256 = g_strdup (calque_record_get_string (item, "sha256"));
    g_assert_true (calque_annotation_sink_add (sink, &imported, &error));
    report = calque_annotation_sink_finish (sink, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (report->items, ==, 1);
  g_assert_cmpuint (report->annotations, ==, 1);

  {
    g_autoptr(CalqueRecord) stored = calque_store_find_item_by_sha256 (f->store, calque_record_get_id (f->project),
                                                                       sha256, NULL);
    g_assert_nonnull (stored);
    g_assert_cmpstr (calque_record_get_string (stored, "name"), ==, "new/d.png");
    g_assert_true (calque_blob_cache_contains (calque_workspace_get_blobs (f->workspace),
                                               calque_record_get_string (stored, "sha256")));
    annotations = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (stored), NULL);
  }
  g_assert_cmpuint (annotations->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (annotations->pdata[0], "author"), ==, "model:yolo-v8");
  g_assert_cmpfloat (calque_record_get_double (annotations->pdata[0], "confidence", 0), ==, 0.875);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/export-source/versions", test_versions);
  ADD ("/export-source/filters", test_filters);
  ADD ("/export-source/file", test_export_file);
  g_test_add_func ("/export-source/item-file-name", test_item_file_name);
  ADD ("/annotation-sink/adds", test_sink_adds);
  ADD ("/annotation-sink/refuses", test_sink_refuses);
  ADD ("/annotation-sink/media-and-predictions", test_sink_media_and_predictions);
#undef ADD

  return g_test_run ();
}
