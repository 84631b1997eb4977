/* test-review-e2e.c — blind annotators, a reviewer's merge and rejection, the final export
 *
 * A project where each item is annotated by two people (overlap 2: blind).
 * Alice, the owner, gives chloe and dmitri a task each on two images. Each
 * boxes both in their own workspace and submits, through the real server.
 * Rita, a reviewer, syncs and runs the real `calque-cli review merge` on
 * pond.jpg and `review reject` on reeds.jpg, then syncs: the server takes
 * it all. Dmitri receives his task rejected and rita's comment; neither
 * annotator ever holds the other's boxes, nor rita's. A fresh workspace
 * exports the server's final version as COCO: exactly the consensus box.
 */
#define G_LOG_DOMAIN "test-review-e2e"

#include <string.h>

#include "calque-e2e.h"
#include "calque-store-sync.h"
#include "calque-test-util.h"

typedef CalqueE2eTeam Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  calque_e2e_team_set_up (f, "{\"name\":\"Pairs\",\"type\":\"image\",\"overlap\":2}",
                          (const char * const[]) { "chloe:annotator", "dmitri:annotator", "rita:reviewer", NULL });
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_e2e_team_tear_down (f);
}

static void
save (CalqueE2eDevice *device,
      CalqueRecord    *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (calque_e2e_device_store (device), record, &error));
  g_assert_no_error (error);
}

static char *
save_item (Fixture         *f,
           CalqueE2eDevice *device,
           const char      *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/pond.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  save (device, item);
  return g_strdup (calque_record_get_id (item));
}

static char *
save_task (Fixture         *f,
           CalqueE2eDevice *device,
           const char      *item,
           const char      *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "new");
  save (device, task);
  return g_strdup (calque_record_get_id (task));
}

/* Moves the task to @state, as the app's Start and Submit do. */
static void
set_state (CalqueE2eDevice *device,
           const char      *task_id,
           const char      *state)
{
  g_autoptr(CalqueRecord) task = calque_e2e_get_record (device, task_id);

  g_assert_nonnull (task);
  calque_record_set_string (task, "state", state);
  calque_record_set_int (task, "updated", g_get_real_time () / 1000);
  save (device, task);
}

static void
save_box (Fixture         *f,
          CalqueE2eDevice *device,
          const char      *item,
          const char      *task,
          const char      *author,
          const char      *label,
          double           x,
          double           y)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, y, 20, 20);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "task", task);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  save (device, annotation);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The authors of the item's live annotations in @device's workspace, sorted. */
static char *
authors (CalqueE2eDevice *device,
         const char      *item)
{
  g_autoptr(GPtrArray) annotations = calque_store_list_for_item (calque_e2e_device_store (device),
                                                                 CALQUE_KIND_ANNOTATION, item, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < annotations->len; i++)
    g_ptr_array_add (names, (gpointer) calque_record_get_string (g_ptr_array_index (annotations, i), "author"));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
assert_authors (CalqueE2eDevice *device,
                const char      *item,
                const char      *expected)
{
  g_autofree char *seen = authors (device, item);

  g_assert_cmpstr (seen, ==, expected);
}

/* Nothing waits to be pushed, and the server refused nothing. */
static void
assert_all_taken (CalqueE2eDevice *device)
{
  CalqueStore *store = calque_e2e_device_store (device);
  g_autoptr(GPtrArray) refused = calque_store_list_refused (store, NULL);

  g_assert_cmpint (calque_store_get_outbox_size (store, NULL), ==, 0);
  for (guint i = 0; i < refused->len; i++)
    g_test_message ("refused: %s", ((CalqueRefusal *) refused->pdata[i])->message);
  g_assert_cmpuint (refused->len, ==, 0);
}

static int
rita_cli (CalqueE2eDevice    *rita,
          const char * const *args,
          char              **out)
{
  return calque_e2e_cli_run (rita->path, args, NULL, out);
}

static void
test_review_merge_export (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) chloe = calque_e2e_device_new (f->dir, f->base, "chloe", "chloe");
  g_autoptr(CalqueE2eDevice) dmitri = calque_e2e_device_new (f->dir, f->base, "dmitri", "dmitri");
  g_autoptr(CalqueE2eDevice) rita = calque_e2e_device_new (f->dir, f->base, "rita", "rita");
  g_autoptr(CalqueE2eDevice) exporter = calque_e2e_device_new (f->dir, f->base, "exporter", "alice");
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) task = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pond = NULL;
  g_autofree char *reeds = NULL;
  char *tasks[2][2] = { { NULL } };   /* [item][chloe, dmitri] */
  g_autofree char *out = NULL;
  g_autofree char *coco = g_build_filename (f->dir, "export", "final.json", NULL);
  const char *heron;
  JsonObject *root;
  JsonArray *annotations, *categories, *bbox;

  /* Alice: the label, two images, a task on each for each annotator. */
  calque_record_set_string (label, "name", "heron");
  calque_record_set_string (label, "color", "#3584e4");
  save (alice, label);
  heron = calque_record_get_id (label);
  pond = save_item (f, alice, "pond.jpg");
  reeds = save_item (f, alice, "reeds.jpg");
  tasks[0][0] = save_task (f, alice, pond, "chloe");
  tasks[0][1] = save_task (f, alice, pond, "dmitri");
  tasks[1][0] = save_task (f, alice, reeds, "chloe");
  tasks[1][1] = save_task (f, alice, reeds, "dmitri");
  calque_e2e_device_sync (alice, f->base, f->project);

  /* Each boxes the heron on their own, differently but overlapping:
   * chloe (10, 10)–(30, 30), dmitri (14, 12)–(34, 32): IoU 288 / 512 =
   * 0.56. On reeds.jpg dmitri boxes a heron that is not there. */
  calque_e2e_device_sync (chloe, f->base, f->project);
  calque_e2e_device_sync (dmitri, f->base, f->project);
  for (guint i = 0; i < 2; i++)
    {
      set_state (chloe, tasks[i][0], "in_progress");
      set_state (dmitri, tasks[i][1], "in_progress");
    }
  calque_e2e_device_sync (chloe, f->base, f->project);
  calque_e2e_device_sync (dmitri, f->base, f->project);
  save_box (f, chloe, pond, tasks[0][0], "chloe", heron, 10, 10);
  save_box (f, dmitri, pond, tasks[0][1], "dmitri", heron, 14, 12);
  save_box (f, chloe, reeds, tasks[1][0], "chloe", heron, 100, 100);
  save_box (f, dmitri, reeds, tasks[1][1], "dmitri", heron, 300, 300);
  for (guint i = 0; i < 2; i++)
    {
      set_state (chloe, tasks[i][0], "submitted");
      set_state (dmitri, tasks[i][1], "submitted");
    }
  for (int round = 0; round < 2; round++)
    {
      calque_e2e_device_sync (chloe, f->base, f->project);
      calque_e2e_device_sync (dmitri, f->base, f->project);
    }
  assert_all_taken (chloe);
  assert_all_taken (dmitri);
  assert_authors (chloe, pond, "chloe");
  assert_authors (dmitri, pond, "dmitri");

  /* Rita reviews with the real calque-cli on her workspace. */
  calque_e2e_device_sync (rita, f->base, f->project);
  assert_authors (rita, pond, "chloe,dmitri");
  g_assert_cmpint (rita_cli (rita, (const char * const[]) { "review", "queue", NULL }, &out), ==, 0);
  g_test_message ("queue: %s", out);
  /* reeds.jpg (no match: agreement 0) comes before pond.jpg (1). */
  g_assert_nonnull (strstr (out, "reeds.jpg"));
  g_assert_true (strstr (out, "reeds.jpg") < strstr (out, "pond.jpg"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (rita_cli (rita, (const char * const[]) { "review", "merge", "pond.jpg", NULL }, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (rita_cli (rita, (const char * const[]) { "review", "reject", "reeds.jpg", "dmitri",
                                                            "--comment", "There is no heron at the bottom right.",
                                                            NULL }, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  calque_e2e_device_sync (rita, f->base, f->project);
  calque_e2e_device_sync (rita, f->base, f->project);
  assert_all_taken (rita);
  assert_authors (rita, pond, "chloe,dmitri,rita");

  /* The annotators: dmitri receives the rejection and the comment; the
   * accepted pond task; never each other's boxes nor rita's. */
  calque_e2e_device_sync (chloe, f->base, f->project);
  calque_e2e_device_sync (dmitri, f->base, f->project);
  task = calque_e2e_get_record (dmitri, tasks[1][1]);
  g_assert_cmpstr (calque_record_get_string (task, "state"), ==, "rejected");
  g_clear_object (&task);
  task = calque_e2e_get_record (dmitri, tasks[0][1]);
  g_assert_cmpstr (calque_record_get_string (task, "state"), ==, "accepted");
  comments = calque_store_list_for_item (calque_e2e_device_store (dmitri), CALQUE_KIND_COMMENT, reeds, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (comments->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "author"), ==, "rita");
  g_assert_cmpstr (calque_record_get_string (comments->pdata[0], "text"), ==, "There is no heron at the bottom right.");
  assert_authors (chloe, pond, "chloe");
  assert_authors (chloe, reeds, "chloe");
  assert_authors (dmitri, pond, "dmitri");
  assert_authors (dmitri, reeds, "dmitri");

  /* A fresh workspace exports the server's final version. */
  g_assert_cmpint (calque_e2e_cli_run (exporter->path,
                                       (const char * const[]) { "export", "--sync", "--project", f->project,
                                                                "--format", "coco", "--version", "final",
                                                                "--no-media", "--output", coco, NULL },
                                       NULL, NULL), ==, 0);
  g_assert_true (json_parser_load_from_file (parser, coco, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  annotations = json_object_get_array_member (root, "annotations");
  categories = json_object_get_array_member (root, "categories");
  /* The consensus of the two boxes: the median (here the mean) of each
   * edge: left 12, top 11, right 32, bottom 31. reeds.jpg was rejected:
   * it has no final version. */
  g_assert_cmpuint (json_array_get_length (annotations), ==, 1);
  bbox = json_object_get_array_member (json_array_get_object_element (annotations, 0), "bbox");
  g_assert_cmpuint (json_array_get_length (bbox), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 0), 12, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 1), 11, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 2), 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 3), 20, 1e-9);
  g_assert_cmpuint (json_array_get_length (categories), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (categories, 0), "name"), ==, "heron");

  for (guint i = 0; i < 2; i++)
    for (guint a = 0; a < 2; a++)
      g_free (tasks[i][a]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/e2e/review-merge-export", Fixture, NULL, fixture_set_up, test_review_merge_export, fixture_tear_down);
  return g_test_run ();
}
