/* test-blind-e2e.c — two annotators of one item in blind mode, and their agreement
 *
 * A project where each item is annotated by two people (overlap 2: blind).
 * Alice, the owner, gives chloe and dmitri a task each on the same image;
 * each boxes it in their own workspace and syncs through the real server.
 * Neither workspace ever holds the other's annotations; alice's holds both,
 * and the agreement report over her workspace compares them.
 */
#define G_LOG_DOMAIN "test-blind-e2e"

#include <string.h>

#include "calque-agreement-report.h"
#include "calque-e2e.h"
#include "calque-history.h"
#include "calque-item-annotations.h"
#include "calque-test-util.h"

typedef CalqueE2eTeam Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  calque_e2e_team_set_up (f, "{\"name\":\"Pairs\",\"type\":\"image\",\"overlap\":2}",
                          (const char * const[]) { "chloe:annotator", "dmitri:annotator", NULL });
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

static void
save_box (Fixture         *f,
          CalqueE2eDevice *device,
          const char      *item,
          const char      *task,
          const char      *author,
          const char      *label,
          double           x)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, 10, 20, 20);
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

/* The authors of the item's annotations in @device's workspace, sorted. */
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
test_blind_pair (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) chloe = calque_e2e_device_new (f->dir, f->base, "chloe", "chloe");
  g_autoptr(CalqueE2eDevice) dmitri = calque_e2e_device_new (f->dir, f->base, "dmitri", "dmitri");
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chloe_task = NULL;
  g_autofree char *dmitri_task = NULL;
  g_autofree char *seen = NULL;
  const char *item_id = calque_record_get_id (item);
  JsonObject *overall;

  /* Alice: the label, the image, a task for each. */
  calque_record_set_string (label, "name", "heron");
  calque_record_set_string (label, "color", "#3584e4");
  save (alice, label);
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "pond.jpg");
  calque_record_set_string (item, "url", "https://example.org/pond.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  save (alice, item);
  chloe_task = save_task (f, alice, item_id, "chloe");
  dmitri_task = save_task (f, alice, item_id, "dmitri");
  calque_e2e_device_sync (alice, f->base, f->project);

  /* Each boxes the image on their own: one heron in the same place, the
   * other 40 px apart (no overlap). */
  calque_e2e_device_sync (chloe, f->base, f->project);
  calque_e2e_device_sync (dmitri, f->base, f->project);
  save_box (f, chloe, item_id, chloe_task, "chloe", calque_record_get_id (label), 10);
  save_box (f, chloe, item_id, chloe_task, "chloe", calque_record_get_id (label), 100);
  save_box (f, dmitri, item_id, dmitri_task, "dmitri", calque_record_get_id (label), 10);
  save_box (f, dmitri, item_id, dmitri_task, "dmitri", calque_record_get_id (label), 140);
  for (int round = 0; round < 2; round++)
    {
      calque_e2e_device_sync (chloe, f->base, f->project);
      calque_e2e_device_sync (dmitri, f->base, f->project);
    }
  g_assert_cmpint (calque_store_get_outbox_size (calque_e2e_device_store (chloe), NULL), ==, 0);
  g_assert_cmpint (calque_store_get_outbox_size (calque_e2e_device_store (dmitri), NULL), ==, 0);

  /* Blind: neither received the other's boxes. */
  seen = authors (chloe, item_id);
  g_assert_cmpstr (seen, ==, "chloe,chloe");
  g_free (seen);
  seen = authors (dmitri, item_id);
  g_assert_cmpstr (seen, ==, "dmitri,dmitri");
  g_free (seen);

  /* The owner sees both, and their agreement: 1 match of 2 + 2 boxes. */
  calque_e2e_device_sync (alice, f->base, f->project);
  seen = authors (alice, item_id);
  g_assert_cmpstr (seen, ==, "chloe,chloe,dmitri,dmitri");
  project = calque_e2e_get_record (alice, f->project);
  report = calque_agreement_report_new (calque_e2e_device_store (alice), project, NULL, &error);
  g_assert_no_error (error);
  json = calque_agreement_report_to_json (report);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "items_compared"), ==, 1);
  overall = json_object_get_object_member (json_node_get_object (json), "overall");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (overall, "f1"), 0.5, 1e-9);
  g_clear_pointer (&report, calque_agreement_report_free);

  /* In chloe's workspace there is nobody to compare her with. */
  g_clear_object (&project);
  project = calque_e2e_get_record (chloe, f->project);
  report = calque_agreement_report_new (calque_e2e_device_store (chloe), project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calque_agreement_report_get_n_items (report), ==, 0);
}

/* Reads the native export at @path: the records of each kind, by id. */
static JsonArray *
export_records (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                       "records"));
}

/* A model's predictions through the server and a review, then an export of
 * the server's state from a fresh workspace (`export --sync`): blind
 * annotators both receive the prediction and never each other's work;
 * one accepts it (her own annotation, sourced from it); the owner accepts
 * her task; the export holds her annotation, the prediction and the
 * review. */
static void
test_predictions_review_export (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) chloe = calque_e2e_device_new (f->dir, f->base, "chloe", "chloe");
  g_autoptr(CalqueE2eDevice) dmitri = calque_e2e_device_new (f->dir, f->base, "dmitri", "dmitri");
  g_autoptr(CalqueE2eDevice) exporter = calque_e2e_device_new (f->dir, f->base, "exporter", "alice");
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(CalqueRecord) prediction = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(CalqueRecord) review = calque_record_new (CALQUE_KIND_REVIEW, f->project);
  g_autoptr(CalqueRecord) task = NULL;
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 20, 20);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chloe_task = NULL;
  g_autofree char *dmitri_task = NULL;
  g_autofree char *accepted = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *out = g_build_filename (f->dir, "export", "pairs.json", NULL);
  const char *item_id = calque_record_get_id (item);
  gboolean found_copy = FALSE, found_prediction = FALSE, found_review = FALSE;

  calque_record_set_string (label, "name", "heron");
  calque_record_set_string (label, "color", "#3584e4");
  save (alice, label);
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "pond.jpg");
  calque_record_set_string (item, "url", "https://example.org/pond.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  save (alice, item);
  chloe_task = save_task (f, alice, item_id, "chloe");
  dmitri_task = save_task (f, alice, item_id, "dmitri");
  /* The owner imported a detector's output. */
  json_array_add_string_element (json_node_get_array (labels), calque_record_get_id (label));
  calque_record_set_string (prediction, "item", item_id);
  calque_record_set_string (prediction, "author", "model:detector");
  calque_record_set_field (prediction, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (prediction, box);
  calque_record_set_double (prediction, "confidence", 0.8);
  save (alice, prediction);
  calque_e2e_device_sync (alice, f->base, f->project);

  /* Chloe accepts the prediction, as the A key does; dmitri draws his own. */
  calque_e2e_device_sync (chloe, f->base, f->project);
  calque_e2e_device_sync (dmitri, f->base, f->project);
  seen = authors (chloe, item_id);
  g_assert_cmpstr (seen, ==, "model:detector");
  g_clear_pointer (&seen, g_free);
  {
    CalqueStore *store = calque_e2e_device_store (chloe);
    g_autoptr(CalqueRecord) stored_item = calque_e2e_get_record (chloe, item_id);
    g_autoptr(CalqueHistory) history = calque_history_new (store);
    g_autoptr(CalqueItemAnnotations) annotations = calque_item_annotations_new (store, history, stored_item,
                                                                                "chloe", &error);

    g_assert_no_error (error);
    calque_item_annotations_set_task (annotations, chloe_task);
    accepted = calque_item_annotations_accept (annotations, calque_record_get_id (prediction), &error);
    g_assert_no_error (error);
  }
  save_box (f, dmitri, item_id, dmitri_task, "dmitri", calque_record_get_id (label), 300);
  for (int round = 0; round < 2; round++)
    {
      calque_e2e_device_sync (chloe, f->base, f->project);
      calque_e2e_device_sync (dmitri, f->base, f->project);
    }
  /* The server took chloe's annotation: nothing waits, nothing refused. */
  g_assert_cmpint (calque_store_get_outbox_size (calque_e2e_device_store (chloe), NULL), ==, 0);
  seen = authors (chloe, item_id);
  g_assert_cmpstr (seen, ==, "chloe,model:detector");
  g_clear_pointer (&seen, g_free);
  seen = authors (dmitri, item_id);
  g_assert_cmpstr (seen, ==, "dmitri,model:detector");
  g_clear_pointer (&seen, g_free);

  /* The owner accepts chloe's task. */
  calque_e2e_device_sync (alice, f->base, f->project);
  task = calque_e2e_get_record (alice, chloe_task);
  calque_record_set_string (task, "state", "accepted");
  save (alice, task);
  calque_record_set_string (review, "item", item_id);
  calque_record_set_string (review, "task", chloe_task);
  calque_record_set_string (review, "reviewer", "alice");
  calque_record_set_string (review, "decision", "accepted");
  save (alice, review);
  calque_e2e_device_sync (alice, f->base, f->project);

  /* A fresh workspace exports the server's state. */
  g_assert_cmpint (calque_e2e_cli_run (exporter->path,
                                       (const char * const[]) { "export", "--sync", "--project", f->project,
                                                                "--format", "json", "--no-media", "--output", out,
                                                                NULL },
                                       NULL, NULL), ==, 0);
  records = export_records (out);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      const char *id = json_object_get_string_member (record, "id");

      if (g_strcmp0 (id, accepted) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (record, "author"), ==, "chloe");
          g_assert_cmpstr (json_object_get_string_member (record, "source"), ==, calque_record_get_id (prediction));
          found_copy = TRUE;
        }
      found_prediction |= g_strcmp0 (id, calque_record_get_id (prediction)) == 0;
      found_review |= g_strcmp0 (id, calque_record_get_id (review)) == 0;
    }
  g_assert_true (found_copy);
  g_assert_true (found_prediction);
  g_assert_true (found_review);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/e2e/blind-pair", Fixture, NULL, fixture_set_up, test_blind_pair, fixture_tear_down);
  g_test_add ("/e2e/predictions-review-export", Fixture, NULL, fixture_set_up, test_predictions_review_export,
              fixture_tear_down);
  return g_test_run ();
}
