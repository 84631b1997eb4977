/* test-reliability.c — per-annotator reliability on a real workspace, and calque-cli reliability
 *
 * Two annotators, amelie and bruno, and a reviewer, rita, on an image
 * project; reviews through calque-review.h, as a reviewer makes them.
 *
 *   item  amelie (box, state, active)            bruno (box, state, active)
 *   a.png (10,10) submitted 2:00 → accepted      (10,10) submitted 1:00
 *   b.png (0,0)   submitted 5:00                 (50,50) submitted 1:30 → accepted
 *   c.png (30,30) submitted 3:00 → rejected      —
 *   d.png —                                      in_progress 0:30, no box
 *   e.png new, no active time                    —
 *   f.png (deleted)                              submitted 16:40 — must not count
 *
 * Every figure is worked out by hand next to its assertion.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "calque-reliability.h"
#include "calque-review.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

#define MINUTE (60 * G_GINT64_CONSTANT (1000))

typedef struct {
  char            *dir;
  char            *path;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *cat;
} Fixture;

static void
save (Fixture      *f,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, record, &error));
  g_assert_no_error (error);
}

static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/image.png");
  calque_record_set_int (item, "width", 200);
  calque_record_set_int (item, "height", 200);
  save (f, item);
  return g_strdup (calque_record_get_id (item));
}

/* @active_ms < 0: the task carries no active time. */
static void
save_task (Fixture    *f,
           const char *item,
           const char *annotator,
           const char *state,
           gint64      active_ms)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (f->project));

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  calque_record_set_int (task, "updated", g_get_real_time () / 1000 - 1000);
  if (active_ms >= 0)
    calque_record_set_int (task, "active_ms", active_ms);
  save (f, task);
}

static void
save_box (Fixture    *f,
          const char *item,
          const char *author,
          double      x,
          double      y)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (f->project));
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) box = calque_shape_new_box (x, y, 10, 10);

  json_array_add_string_element (json_node_get_array (labels), f->cat);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  save (f, annotation);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *gone = NULL;
  g_autoptr(CalqueRecord) deleted = NULL;

  f->workspace = calque_test_workspace_new ("calque-reliability", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->path = g_strdup (calque_workspace_get_path (f->workspace));
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Chats");
  calque_record_set_string (f->project, "type", "image");
  calque_record_set_int (f->project, "overlap", 2);
  save (f, f->project);
  f->cat = calque_test_save_label (f->store, calque_record_get_id (f->project), "cat", "#e01b24", -1);

  a = save_item (f, "a.png");
  b = save_item (f, "b.png");
  c = save_item (f, "c.png");
  d = save_item (f, "d.png");
  e = save_item (f, "e.png");
  gone = save_item (f, "f.png");

  save_task (f, a, "amelie", "submitted", 2 * MINUTE);
  save_task (f, a, "bruno", "submitted", 1 * MINUTE);
  save_task (f, b, "amelie", "submitted", 5 * MINUTE);
  save_task (f, b, "bruno", "submitted", 90 * 1000);
  save_task (f, c, "amelie", "submitted", 3 * MINUTE);
  save_task (f, d, "bruno", "in_progress", 30 * 1000);
  save_task (f, e, "amelie", "new", -1);
  save_task (f, gone, "bruno", "submitted", 1000 * 1000);
  save_box (f, a, "amelie", 10, 10);
  save_box (f, a, "bruno", 10, 10);
  save_box (f, b, "amelie", 0, 0);
  save_box (f, b, "bruno", 50, 50);
  save_box (f, c, "amelie", 30, 30);
  save_box (f, gone, "bruno", 30, 30);

  g_assert_true (calque_review_accept (f->store, f->project, a, "amelie", "rita", &error));
  g_assert_no_error (error);
  g_assert_true (calque_review_accept (f->store, f->project, b, "bruno", "rita", &error));
  g_assert_no_error (error);
  g_assert_true (calque_review_reject (f->store, f->project, c, "amelie", "rita", "The cat is elsewhere", &error));
  g_assert_no_error (error);

  deleted = calque_store_get (f->store, gone, &error);
  g_assert_no_error (error);
  calque_record_set_deleted (deleted, TRUE);
  save (f, deleted);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->workspace);
  g_clear_object (&f->project);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->cat);
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueReliability) reliability = calque_reliability_new (f->store, f->project, &error);
  const CalqueReliabilityAnnotator *all, *amelie, *bruno;
  guint n;

  g_assert_no_error (error);
  all = calque_reliability_get_annotators (reliability, &n);
  /* rita reviews and has no task: not listed. By name. */
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (all[0].name, ==, "amelie");
  g_assert_cmpstr (all[1].name, ==, "bruno");
  g_assert_null (calque_reliability_find (reliability, "rita"));
  amelie = calque_reliability_find (reliability, "amelie");
  bruno = calque_reliability_find (reliability, "bruno");
  g_assert_true (amelie == &all[0] && bruno == &all[1]);

  /* amelie: tasks a, b, c, e = 4; handed in a (accepted), b (submitted),
   * c (rejected) = 3; accepted 1; one rejection: 1 / (1 + 1) = 0.5. */
  g_assert_cmpint (amelie->tasks, ==, 4);
  g_assert_cmpint (amelie->submitted, ==, 3);
  g_assert_cmpint (amelie->accepted, ==, 1);
  g_assert_cmpint (amelie->rejected, ==, 1);
  g_assert_cmpfloat_with_epsilon (amelie->rejection_rate, 0.5, 1e-9);
  /* Final versions other than hers: b.png (bruno's, at (50,50)); her box
   * at (0,0) does not meet it: F1 = 2·0 / (1 + 1) = 0 over 1 item. No
   * whole-item labels. */
  g_assert_cmpuint (amelie->final_items, ==, 1);
  g_assert_cmpfloat_with_epsilon (amelie->f1_vs_final, 0.0, 1e-9);
  g_assert_true (isnan (amelie->whole_item_vs_final));
  /* Active 2 + 5 + 3 = 10 min; e.png carries none. 3 timed items in
   * 1/6 h = 18 per hour; median of 2, 3, 5 min = 3 min; mean 10/3 min =
   * 200 s. 3 annotations in 1/6 h = 18 per hour. */
  g_assert_cmpint (amelie->active_ms, ==, 10 * MINUTE);
  g_assert_cmpint (amelie->timed, ==, 3);
  g_assert_cmpfloat_with_epsilon (amelie->items_per_hour, 18.0, 1e-9);
  g_assert_cmpint (amelie->median_ms, ==, 3 * MINUTE);
  g_assert_cmpfloat_with_epsilon (amelie->mean_ms, 200000.0, 1e-6);
  g_assert_cmpint (amelie->annotations, ==, 3);
  g_assert_cmpfloat_with_epsilon (amelie->annotations_per_hour, 18.0, 1e-9);

  /* bruno: tasks a, b, d = 3 (f.png is deleted); handed in a (still
   * submitted: amelie's was accepted), b (accepted) = 2; accepted 1, no
   * rejection: 0 / (1 + 0) = 0. */
  g_assert_cmpint (bruno->tasks, ==, 3);
  g_assert_cmpint (bruno->submitted, ==, 2);
  g_assert_cmpint (bruno->accepted, ==, 1);
  g_assert_cmpint (bruno->rejected, ==, 0);
  g_assert_cmpfloat_with_epsilon (bruno->rejection_rate, 0.0, 1e-9);
  /* Final other than his: a.png (amelie's (10,10)), the same box: F1 1. */
  g_assert_cmpuint (bruno->final_items, ==, 1);
  g_assert_cmpfloat_with_epsilon (bruno->f1_vs_final, 1.0, 1e-9);
  /* Active 60 + 90 + 30 = 180 s (d.png in progress counts as work); timed
   * a, b: 2 in 1/20 h = 40 per hour; median and mean (60 + 90) / 2 = 75 s;
   * 2 annotations in 1/20 h = 40 per hour. */
  g_assert_cmpint (bruno->active_ms, ==, 180 * 1000);
  g_assert_cmpint (bruno->timed, ==, 2);
  g_assert_cmpfloat_with_epsilon (bruno->items_per_hour, 40.0, 1e-9);
  g_assert_cmpint (bruno->median_ms, ==, 75 * 1000);
  g_assert_cmpfloat_with_epsilon (bruno->mean_ms, 75000.0, 1e-6);
  g_assert_cmpint (bruno->annotations, ==, 2);
  g_assert_cmpfloat_with_epsilon (bruno->annotations_per_hour, 40.0, 1e-9);
}

static void
test_no_time_no_review (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueReliability) reliability = NULL;
  const CalqueReliabilityAnnotator *chloe;
  g_autofree char *item = save_item (f, "g.png");

  /* Someone who never worked in the app and was never reviewed:
   * undefined figures are NaN or -1, not 0. */
  save_task (f, item, "chloe", "submitted", -1);
  reliability = calque_reliability_new (f->store, f->project, &error);
  g_assert_no_error (error);
  chloe = calque_reliability_find (reliability, "chloe");
  g_assert_nonnull (chloe);
  g_assert_cmpint (chloe->submitted, ==, 1);
  g_assert_true (isnan (chloe->rejection_rate));
  g_assert_true (isnan (chloe->f1_vs_final));
  g_assert_cmpint (chloe->active_ms, ==, 0);
  g_assert_cmpint (chloe->timed, ==, 0);
  g_assert_true (isnan (chloe->items_per_hour));
  g_assert_cmpint (chloe->median_ms, ==, -1);
  g_assert_true (isnan (chloe->mean_ms));
}

static void
test_negative_active_time (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = calque_store_list (f->store, CALQUE_KIND_TASK, calque_record_get_id (f->project), NULL);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(CalqueRecord) task = g_object_ref (g_ptr_array_index (before, 0));
  g_autoptr(CalqueRecord) stored = NULL;
  gint64 old = calque_record_get_int (task, "active_ms", -1);

  /* A negative active time is refused, naming the field, and the task
   * keeps what it had. */
  calque_record_set_int (task, "active_ms", -5);
  g_assert_false (calque_store_save (f->store, task, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "active_ms"));
  stored = calque_store_get (f->store, calque_record_get_id (task), NULL);
  g_assert_cmpint (calque_record_get_int (stored, "active_ms", -1), ==, old);
  after = calque_store_list (f->store, CALQUE_KIND_TASK, calque_record_get_id (f->project), NULL);
  g_assert_cmpuint (after->len, ==, before->len);
}

static char *
run_cli (Fixture     *f,
         char       **args,
         int         *out_status,
         char       **out_err)
{
  const char *cli = g_getenv ("CALQUE_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, "--workspace");
  g_ptr_array_add (argv, f->path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, out_err, out_status, &error));
  g_assert_no_error (error);
  return out;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(CalqueReliability) reliability = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL, *again = NULL, *err2 = NULL, *text = NULL, *err3 = NULL;
  g_autofree char *bad = NULL, *bad_err = NULL;
  JsonArray *annotators;
  JsonObject *bruno;
  int status;

  if (g_getenv ("CALQUE_CLI") == NULL)
    {
      g_test_skip ("CALQUE_CLI is not set: the test runs from meson");
      return;
    }
  /* The store is closed while the CLI reads it, as a person would. */
  g_clear_object (&f->workspace);

  out = run_cli (f, (char *[]) { "reliability", "--json", "--annotator", "bruno", NULL }, &status, &err);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("calque-cli reliability: %s", err);
  got = json_from_string (out, &error);
  g_assert_no_error (error);
  annotators = json_object_get_array_member (json_node_get_object (got), "annotators");
  g_assert_cmpuint (json_array_get_length (annotators), ==, 1);
  bruno = json_array_get_object_element (annotators, 0);
  g_assert_cmpstr (json_object_get_string_member (bruno, "name"), ==, "bruno");
  g_assert_cmpint (json_object_get_int_member (bruno, "submitted"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (bruno, "active_ms"), ==, 180000);
  g_assert_cmpint (json_object_get_int_member (bruno, "median_ms"), ==, 75000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bruno, "items_per_hour"), 40.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (bruno, "vs_final"), "f1"),
                                  1.0, 1e-9);

  /* The JSON of all annotators is the library's, byte for byte, and the
   * same twice. */
  {
    g_autoptr(CalqueWorkspace) workspace = calque_workspace_open (f->path, &error);
    g_autofree char *json = NULL;
    g_autofree char *cli_all = NULL, *cli_err = NULL;

    g_assert_no_error (error);
    reliability = calque_reliability_new (calque_workspace_get_store (workspace), f->project, &error);
    g_assert_no_error (error);
    expected = calque_reliability_to_json (reliability, NULL);
    json = json_to_string (expected, TRUE);
    cli_all = run_cli (f, (char *[]) { "reliability", "--json", NULL }, &status, &cli_err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    again = run_cli (f, (char *[]) { "reliability", "--json", NULL }, &status, &err2);
    g_assert_cmpstr (cli_all, ==, again);
    g_assert_cmpstr (g_strchomp (cli_all), ==, json);
  }

  /* Text for a person: the rejection rate and durations formatted. */
  text = run_cli (f, (char *[]) { "reliability", NULL }, &status, &err3);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "amelie"));
  g_assert_nonnull (strstr (text, "50%"));
  g_assert_nonnull (strstr (text, "0:10:00"));
  g_assert_nonnull (strstr (text, "0:01:15"));

  /* Someone with no task: an error that names them, and a failure. */
  bad = run_cli (f, (char *[]) { "reliability", "--annotator", "zoé", NULL }, &status, &bad_err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  /* A failure it reports, not a crash. */
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
  g_assert_nonnull (strstr (bad_err, "zoé"));
  g_assert_cmpstr (bad, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/reliability/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/reliability/no-time-no-review", Fixture, NULL, fixture_set_up, test_no_time_no_review, fixture_tear_down);
  g_test_add ("/reliability/negative-active-time", Fixture, NULL, fixture_set_up, test_negative_active_time, fixture_tear_down);
  g_test_add ("/reliability/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
