/* test-agreement-report.c — the agreement report on a real workspace, and calque-cli agreement
 *
 * Three annotators box two images; a reviewer accepts one version. Every
 * figure is worked out by hand in the comments, from the definitions in
 * client/quality/calque-agreement-report.h.
 */
#include <glib/gstdio.h>
#include <math.h>

#include "calque-agreement-report.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-workspace.h"

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueRecord    *project;
  char            *cat;
  char            *dog;
  char            *items[2];
} Fixture;

static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/image.png");
  calque_record_set_int (item, "width", 1000);
  calque_record_set_int (item, "height", 1000);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static char *
save_task (Fixture    *f,
           const char *item,
           const char *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (f->project));

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "submitted");
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), task, NULL));
  return g_strdup (calque_record_get_id (task));
}

static void
save_annotation (Fixture     *f,
                 const char  *item,
                 const char  *author,
                 const char  *label,
                 CalqueShape *shape)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) owned = shape;
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, owned);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), annotation, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) review = NULL;
  g_autofree char *bruno_task = NULL;

  f->dir = g_dir_make_tmp ("calque-agreement-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = calque_workspace_create (f->dir, &error);
  g_assert_no_error (error);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Pets");
  calque_record_set_string (f->project, "type", "image");
  calque_record_set_int (f->project, "overlap", 3);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), f->project, NULL));
  f->cat = calque_test_save_label (calque_workspace_get_store (f->workspace), calque_record_get_id (f->project), "cat", "#e01b24", -1);
  f->dog = calque_test_save_label (calque_workspace_get_store (f->workspace), calque_record_get_id (f->project), "dog", "#3584e4", -1);
  f->items[0] = save_item (f, "a.png");
  f->items[1] = save_item (f, "b.png");

  /* a.png: alice and bruno agree on the cat exactly; bruno's dog is 2 px
   * to the right (IoU 80 / 120 = 0.667); chloe's cat is twice as tall
   * (IoU 100 / 200 = 0.5, just enough) and she has no dog. */
  g_free (save_task (f, f->items[0], "alice"));
  bruno_task = save_task (f, f->items[0], "bruno");
  g_free (save_task (f, f->items[0], "chloe"));
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new_box (0, 0, 10, 10));
  save_annotation (f, f->items[0], "alice", f->dog, calque_shape_new_box (50, 50, 10, 10));
  save_annotation (f, f->items[0], "bruno", f->cat, calque_shape_new_box (0, 0, 10, 10));
  save_annotation (f, f->items[0], "bruno", f->dog, calque_shape_new_box (52, 50, 10, 10));
  save_annotation (f, f->items[0], "chloe", f->cat, calque_shape_new_box (0, 0, 10, 20));
  /* The whole image: alice and bruno say cat, chloe dog. */
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));
  save_annotation (f, f->items[0], "bruno", f->cat, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));
  save_annotation (f, f->items[0], "chloe", f->dog, calque_shape_new (CALQUE_SHAPE_CLASSIFICATION));

  /* b.png: alice boxes a cat; bruno submitted his task with nothing drawn. */
  g_free (save_task (f, f->items[1], "alice"));
  g_free (save_task (f, f->items[1], "bruno"));
  save_annotation (f, f->items[1], "alice", f->cat, calque_shape_new_box (100, 100, 20, 20));

  /* Rita accepts bruno's version of a.png: the final one. */
  review = calque_record_new (CALQUE_KIND_REVIEW, calque_record_get_id (f->project));
  calque_record_set_string (review, "item", f->items[0]);
  calque_record_set_string (review, "task", bruno_task);
  calque_record_set_string (review, "reviewer", "rita");
  calque_record_set_string (review, "decision", "accepted");
  calque_record_set_int (review, "created", 1760000000000);
  g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), review, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->workspace);
  g_clear_object (&f->project);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cat);
  g_free (f->dog);
  g_free (f->items[0]);
  g_free (f->items[1]);
}

static JsonObject *
find_object (JsonArray  *array,
             const char *member,
             const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, member), value) == 0)
        return object;
    }
  g_error ("no %s = %s", member, value);
}

static void
assert_near (JsonObject *object,
             const char *member,
             double      expected)
{
  g_assert_true (json_object_has_member (object, member));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, member), expected, 1e-3);
}

/* The figures every check below expects, from the report as JSON. */
static void
check_report (Fixture    *f,
              JsonObject *root)
{
  JsonObject *overall = json_object_get_object_member (root, "overall");
  JsonObject *whole = json_object_get_object_member (overall, "whole_item");
  JsonArray *items = json_object_get_array_member (root, "items");
  JsonObject *pair, *annotator, *label;

  g_assert_cmpint (json_object_get_int_member (root, "items_compared"), ==, 2);

  /* Matched pairs: a.png alice–bruno 2, alice–chloe 1, bruno–chloe 1;
   * b.png alice–bruno 0. Shapes: 4 + 3 + 3 + 1 = 11. F1 = 8 / 11. */
  assert_near (overall, "f1", 8.0 / 11);
  g_assert_cmpint (json_object_get_int_member (overall, "matched"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (overall, "shapes"), ==, 11);
  /* IoUs of the matches: 1, 0.667, 0.5, 0.5. */
  assert_near (overall, "mean_iou", (1 + 80.0 / 120 + 0.5 + 0.5) / 4);

  /* Whole-image labels on a.png: cat, cat, dog: one pair of three agrees. */
  assert_near (whole, "percent", 1.0 / 3);
  g_assert_cmpint (json_object_get_int_member (whole, "items"), ==, 1);

  /* alice–bruno over both images: 2 matched of 4 + 1 shapes. Their one
   * shared whole-image rating is all "cat": Cohen's κ is undefined. */
  pair = find_object (json_object_get_array_member (root, "pairs"), "b", "bruno");
  g_assert_cmpstr (json_object_get_string_member (pair, "a"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (pair, "items"), ==, 2);
  assert_near (pair, "f1", 4.0 / 5);
  g_assert_true (json_object_get_null_member (pair, "cohen_kappa"));

  /* Against the final (bruno's a.png): alice matches both of her 2 with
   * his 2; chloe 1 of 1 + 2. Bruno is the final: not compared with it. */
  annotator = find_object (json_object_get_array_member (root, "annotators"), "name", "alice");
  assert_near (json_object_get_object_member (annotator, "vs_final"), "f1", 1.0);
  assert_near (json_object_get_object_member (annotator, "vs_final"), "whole_item_agreement", 1.0);
  annotator = find_object (json_object_get_array_member (root, "annotators"), "name", "chloe");
  assert_near (json_object_get_object_member (annotator, "vs_final"), "f1", 2.0 / 3);
  annotator = find_object (json_object_get_array_member (root, "annotators"), "name", "bruno");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (annotator, "vs_final"), "items"), ==, 0);

  /* cat: 3 matched of 2 + 2 + 2 + 1 = 7 shapes; dog: 1 of 2 + 1 + 1 = 4. */
  label = find_object (json_object_get_array_member (root, "labels"), "name", "cat");
  assert_near (label, "f1", 6.0 / 7);
  label = find_object (json_object_get_array_member (root, "labels"), "name", "dog");
  assert_near (label, "f1", 2.0 / 4);

  /* Lowest first: b.png (F1 0) then a.png, whose pairs score
   * (1 + 1) / 2, (2/3 + 0) / 2 and (2/3 + 0) / 2: 5/9. The final of a.png
   * is bruno's. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "name"), ==, "b.png");
  assert_near (json_array_get_object_element (items, 0), "agreement", 0);
  assert_near (json_array_get_object_element (items, 1), "agreement", 5.0 / 9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 1), "final"), ==, "bruno");
}

static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  report = calque_agreement_report_new (calque_workspace_get_store (f->workspace), f->project, NULL, &error);
  g_assert_no_error (error);
  root = calque_agreement_report_to_json (report);
  check_report (f, json_node_get_object (root));

  g_assert_cmpuint (calque_agreement_report_get_n_items (report), ==, 2);
  g_assert_cmpstr (calque_agreement_report_get_item_id (report, 0), ==, f->items[1]);

  text = calque_agreement_report_to_text (report, 1);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "alice – bruno"));
  g_assert_nonnull (strstr (text, "b.png"));
  g_assert_null (strstr (text, "  a.png"));   /* one item asked for */
}

/* A stricter threshold: chloe's cat (IoU 0.5) no longer matches. */
static void
test_threshold (Fixture       *f,
                gconstpointer  data)
{
  CalqueAgreementOptions options = CALQUE_AGREEMENT_OPTIONS_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;

  options.iou_threshold = 0.6;
  report = calque_agreement_report_new (calque_workspace_get_store (f->workspace), f->project, &options, &error);
  g_assert_no_error (error);
  root = calque_agreement_report_to_json (report);
  /* 2 matched of 11 shapes. */
  assert_near (json_object_get_object_member (json_node_get_object (root), "overall"), "f1", 4.0 / 11);
}

/* calque-cli agreement --json prints the same report. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  const char *cli = g_getenv ("CALQUE_CLI");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  int status = -1;

  if (cli == NULL)
    {
      g_test_skip ("CALQUE_CLI is not set: the test runs from meson");
      return;
    }
  /* The workspace is closed first: the command opens it itself. */
  g_clear_object (&f->workspace);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "--workspace", f->dir, "agreement", "--json", NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  check_report (f, json_node_get_object (root));

  /* And a wrong threshold is a usage error naming it. */
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "--workspace", f->dir, "agreement", "--iou", "1.5", NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "--iou"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/agreement-report/figures", Fixture, NULL, fixture_set_up, test_report, fixture_tear_down);
  g_test_add ("/agreement-report/threshold", Fixture, NULL, fixture_set_up, test_threshold, fixture_tear_down);
  g_test_add ("/agreement-report/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
