/* test-progress.c — a project's progress figures on a real workspace, and calque-cli stats
 *
 * Three annotators, four items (one without a task), tasks in every
 * state, two labels, annotations over four hours; and what must not
 * count: a deleted task, a deleted annotation, a deleted item with its
 * task and annotation. Every figure is worked out by hand in the comments,
 * from the definitions in client/quality/calque-progress.h, and checked
 * again against a direct count of the records through calque_store_list().
 */
#include <glib/gstdio.h>
#include <math.h>

#include "calque-progress.h"
#include "calque-test-util.h"
#include "calque-uuid.h"
#include "calque-workspace.h"

#define HOUR   (3600 * G_GINT64_CONSTANT (1000))
#define MINUTE (60 * G_GINT64_CONSTANT (1000))
/* 2025-10-09 08:00 UTC, the start of an hour, and 08:10. */
#define H0     G_GINT64_CONSTANT (1759996800000)
#define T0     (H0 + 10 * MINUTE)

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *project;
  char            *cat;
  char            *dog;
} Fixture;

static char *
save (Fixture      *f,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, record, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (record));
}

static char *
save_label (Fixture    *f,
            const char *name)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (f->project));

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", "#e01b24");
  return save (f, label);
}

static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (f->project));

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/image.png");
  calque_record_set_int (item, "width", 100);
  calque_record_set_int (item, "height", 100);
  return save (f, item);
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
  return save (f, task);
}

/* @created -1: none, and the id says when (@id_ms). */
static char *
save_annotation (Fixture    *f,
                 const char *item,
                 const char *author,
                 const char *label,
                 const char *label2,
                 gint64      created,
                 gint64      id_ms)
{
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 20, 20);
  char id[CALQUE_UUID_STRING_LENGTH + 1];

  /* By hand: calque_uuid7_generate_at() never goes back before the ids
   * this process has made, and these times are in the past. */
  g_snprintf (id, sizeof id, "%08x-%04x-7%03x-8%03x-%012" G_GINT64_MODIFIER "x",
              (guint) (id_ms >> 16), (guint) (id_ms & 0xffff), g_random_int_range (0, 0x1000),
              g_random_int_range (0, 0x1000), (gint64) g_random_int () << 16 | g_random_int_range (0, 0x10000));
  annotation = calque_record_new_with_id (CALQUE_KIND_ANNOTATION, id, calque_record_get_id (f->project));
  json_array_add_string_element (json_node_get_array (labels), label);
  if (label2)
    json_array_add_string_element (json_node_get_array (labels), label2);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  if (created >= 0)
    calque_record_set_int (annotation, "created", created);
  return save (f, annotation);
}

static void
delete (Fixture    *f,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) record = calque_store_get (f->store, id, &error);

  g_assert_no_error (error);
  calque_record_set_deleted (record, TRUE);
  g_free (save (f, record));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
  g_autofree char *gone_task = NULL, *gone_annotation = NULL;

  f->dir = g_dir_make_tmp ("calque-progress-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = calque_workspace_create (f->dir, &error);
  g_assert_no_error (error);
  f->store = calque_workspace_get_store (f->workspace);
  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Pets");
  calque_record_set_string (f->project, "type", "image");
  g_free (save (f, f->project));
  f->cat = save_label (f, "cat");
  f->dog = save_label (f, "dog");
  a = save_item (f, "a.png");
  b = save_item (f, "b.png");
  c = save_item (f, "c.png");
  d = save_item (f, "d.png");   /* no task */
  e = save_item (f, "e.png");   /* deleted below */

  /* a: submitted by alice, accepted for bruno → most advanced: accepted.
   * b: alice in progress, bruno rejected → rejected.
   * c: chloe's new task → new (bruno's submitted one is deleted). */
  g_free (save_task (f, a, "alice", "submitted"));
  g_free (save_task (f, a, "bruno", "accepted"));
  g_free (save_task (f, b, "alice", "in_progress"));
  g_free (save_task (f, b, "bruno", "rejected"));
  g_free (save_task (f, c, "chloe", "new"));
  gone_task = save_task (f, c, "bruno", "submitted");
  g_free (save_task (f, e, "alice", "submitted"));

  /* Hours from H0: alice 0, 0, 2; bruno 0 (two labels), 1; chloe 3, told
   * by her annotation's id only. */
  g_free (save_annotation (f, a, "alice", f->cat, NULL, T0, T0));
  g_free (save_annotation (f, a, "alice", f->dog, NULL, T0 + 10 * MINUTE, T0));
  g_free (save_annotation (f, b, "alice", f->cat, NULL, T0 + 2 * HOUR, T0));
  g_free (save_annotation (f, a, "bruno", f->cat, f->dog, T0 + 30 * MINUTE, T0));
  g_free (save_annotation (f, b, "bruno", f->cat, NULL, T0 + HOUR, T0));
  g_free (save_annotation (f, c, "chloe", f->dog, NULL, -1, T0 + 3 * HOUR));
  gone_annotation = save_annotation (f, a, "alice", f->cat, NULL, T0 + 5 * MINUTE, T0);
  g_free (save_annotation (f, e, "alice", f->cat, NULL, T0, T0));

  delete (f, gone_task);
  delete (f, gone_annotation);
  delete (f, e);
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
assert_states (JsonObject *object,
               const char *member,
               gint64      n_new,
               gint64      in_progress,
               gint64      submitted,
               gint64      accepted,
               gint64      rejected)
{
  JsonObject *states = json_object_get_object_member (object, member);

  g_assert_nonnull (states);
  g_assert_cmpint (json_object_get_int_member (states, "new"), ==, n_new);
  g_assert_cmpint (json_object_get_int_member (states, "in_progress"), ==, in_progress);
  g_assert_cmpint (json_object_get_int_member (states, "submitted"), ==, submitted);
  g_assert_cmpint (json_object_get_int_member (states, "accepted"), ==, accepted);
  g_assert_cmpint (json_object_get_int_member (states, "rejected"), ==, rejected);
}

static void
assert_annotator (JsonObject *root,
                  const char *name,
                  gint64      items_done,
                  gint64      annotations,
                  gint64      active_hours,
                  double      per_hour,
                  gint64      first,
                  gint64      last)
{
  JsonObject *a = find_object (json_object_get_array_member (root, "annotators"), "name", name);

  g_assert_cmpint (json_object_get_int_member (a, "items_done"), ==, items_done);
  g_assert_cmpint (json_object_get_int_member (a, "annotations"), ==, annotations);
  g_assert_cmpint (json_object_get_int_member (a, "active_hours"), ==, active_hours);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "per_hour"), per_hour, 1e-9);
  g_assert_cmpint (json_object_get_int_member (a, "first"), ==, first);
  g_assert_cmpint (json_object_get_int_member (a, "last"), ==, last);
}

/* The figures every check below expects, from the JSON. @recent: whether
 * "now" was T0 + 2 h 30 (the library test) rather than today (the CLI). */
static void
check_figures (Fixture    *f,
               JsonObject *root,
               gboolean    recent)
{
  JsonObject *items = json_object_get_object_member (root, "items");
  JsonObject *series = json_object_get_object_member (root, "series");
  JsonArray *counts = json_object_get_array_member (series, "counts");
  JsonObject *label;

  g_assert_cmpstr (json_object_get_string_member (root, "project"), ==, "Pets");

  /* a, b, c, d; e is deleted. d has no task; a is done (accepted). */
  g_assert_cmpint (json_object_get_int_member (items, "total"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (items, "without_task"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (items, "done"), ==, 1);
  assert_states (items, "in_state", 1, 0, 0, 1, 1);
  assert_states (items, "with_state", 1, 1, 1, 1, 1);

  /* Neither the deleted task nor the one on e. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "tasks"), "total"), ==, 5);
  assert_states (json_object_get_object_member (root, "tasks"), "in_state", 1, 1, 1, 1, 1);

  /* Six: not the deleted annotation, nor the one on e. */
  g_assert_cmpint (json_object_get_int_member (root, "annotations"), ==, 6);

  /* alice: 3 in hours 0 and 2 → 1.5 an hour; done a (submitted).
   * bruno: 2 in hours 0 and 1; done a (accepted; b was rejected).
   * chloe: 1, at the time of her id; nothing done. */
  assert_annotator (root, "alice", 1, 3, 2, 1.5, T0, T0 + 2 * HOUR);
  assert_annotator (root, "bruno", 1, 2, 2, 1.0, T0 + 30 * MINUTE, T0 + HOUR);
  assert_annotator (root, "chloe", 0, 1, 1, 1.0, T0 + 3 * HOUR, T0 + 3 * HOUR);
  assert_states (find_object (json_object_get_array_member (root, "annotators"), "name", "alice"), "tasks",
                 0, 1, 1, 0, 0);
  assert_states (find_object (json_object_get_array_member (root, "annotators"), "name", "bruno"), "tasks",
                 0, 0, 0, 1, 1);
  if (recent)
    {
      /* Before now = T0 + 2 h 30: all of alice's and bruno's, not chloe's. */
      g_assert_cmpint (json_object_get_int_member (find_object (json_object_get_array_member (root, "annotators"),
                                                                "name", "alice"), "recent"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (find_object (json_object_get_array_member (root, "annotators"),
                                                                "name", "chloe"), "recent"), ==, 0);
    }

  /* cat: alice a, alice b, bruno a, bruno b → 4, on a and b.
   * dog: alice a, bruno a, chloe c → 3, on a and c. */
  label = find_object (json_object_get_array_member (root, "labels"), "name", "cat");
  g_assert_cmpint (json_object_get_int_member (label, "annotations"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (label, "items"), ==, 2);
  label = find_object (json_object_get_array_member (root, "labels"), "name", "dog");
  g_assert_cmpint (json_object_get_int_member (label, "annotations"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (label, "items"), ==, 2);

  /* Hours 0 to 3: alice 2 and bruno 1, bruno 1, alice 1, chloe 1. */
  g_assert_cmpint (json_object_get_int_member (series, "start"), ==, H0);
  g_assert_cmpint (json_object_get_int_member (series, "bucket_ms"), ==, HOUR);
  g_assert_cmpuint (json_array_get_length (counts), ==, 4);
  g_assert_cmpint (json_array_get_int_element (counts, 0), ==, 3);
  g_assert_cmpint (json_array_get_int_element (counts, 1), ==, 1);
  g_assert_cmpint (json_array_get_int_element (counts, 2), ==, 1);
  g_assert_cmpint (json_array_get_int_element (counts, 3), ==, 1);
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueProgress) progress = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  progress = calque_progress_new (f->store, calque_record_get_id (f->project), T0 + 2 * HOUR + 30 * MINUTE, &error);
  g_assert_no_error (error);
  root = calque_progress_to_json (progress, "Pets");
  check_figures (f, json_node_get_object (root), TRUE);

  g_assert_cmpint (calque_progress_get_items_done (progress), ==, 1);
  g_assert_cmpint (calque_progress_get_items_in_state (progress, CALQUE_TASK_STATE_REJECTED), ==, 1);

  text = calque_progress_to_text (progress, "Pets");
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "“Pets”"));
  g_assert_nonnull (strstr (text, "  alice  0 1 1 0 0  1  3  1.5  3  "));
  g_assert_nonnull (strstr (text, "  cat  4  2\n"));
}

/* The figures equal a direct count of the records the store lists. */
static void
test_direct_count (Fixture       *f,
                   gconstpointer  data)
{
  const char *project = calque_record_get_id (f->project);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueProgress) progress = calque_progress_new (f->store, project, -1, &error);
  g_autoptr(GPtrArray) items = calque_store_list (f->store, CALQUE_KIND_ITEM, project, &error);
  g_autoptr(GPtrArray) tasks = calque_store_list (f->store, CALQUE_KIND_TASK, project, &error);
  g_autoptr(GPtrArray) annotations = calque_store_list (f->store, CALQUE_KIND_ANNOTATION, project, &error);
  g_autoptr(GHashTable) live = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_author = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 states[CALQUE_N_TASK_STATES] = { 0 };
  gint64 n_annotations = 0, n_labelled_cat = 0;
  const CalqueProgressAnnotator *annotators;
  const CalqueProgressLabel *labels;
  guint n_annotators, n_labels;

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_hash_table_add (live, (gpointer) calque_record_get_id (g_ptr_array_index (items, i)));
  for (guint i = 0; i < tasks->len; i++)
    {
      CalqueRecord *task = g_ptr_array_index (tasks, i);
      CalqueTaskState state;

      if (g_hash_table_contains (live, calque_record_get_string (task, "item"))
          && calque_task_state_from_string (calque_record_get_string (task, "state"), &state))
        states[state]++;
    }
  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = g_ptr_array_index (annotations, i);
      const char *author = calque_record_get_string (annotation, "author");
      JsonArray *ids = json_node_get_array (calque_record_get_field (annotation, "labels"));

      if (!g_hash_table_contains (live, calque_record_get_string (annotation, "item")))
        continue;
      n_annotations++;
      g_hash_table_insert (by_author, (gpointer) author,
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (by_author, author)) + 1));
      for (guint j = 0; j < json_array_get_length (ids); j++)
        n_labelled_cat += g_str_equal (json_array_get_string_element (ids, j), f->cat);
    }

  g_assert_cmpint (calque_progress_get_n_items (progress), ==, g_hash_table_size (live));
  for (guint s = 0; s < CALQUE_N_TASK_STATES; s++)
    g_assert_cmpint (calque_progress_get_n_tasks (progress, s), ==, states[s]);
  g_assert_cmpint (calque_progress_get_n_annotations (progress), ==, n_annotations);
  annotators = calque_progress_get_annotators (progress, &n_annotators);
  g_assert_cmpuint (n_annotators, ==, g_hash_table_size (by_author));
  for (guint i = 0; i < n_annotators; i++)
    g_assert_cmpint (annotators[i].annotations, ==,
                     GPOINTER_TO_INT (g_hash_table_lookup (by_author, annotators[i].name)));
  labels = calque_progress_get_labels (progress, &n_labels);
  g_assert_cmpuint (n_labels, ==, 2);
  g_assert_cmpstr (labels[0].name, ==, "cat");
  /* The colour comes with the counts, for the Dashboard to paint. */
  g_assert_cmpstr (labels[0].color, ==, "#e01b24");
  g_assert_cmpint (labels[0].annotations, ==, n_labelled_cat);
}

/* Over three weeks, the series counts days, from midnight UTC. */
static void
test_series_days (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueProgress) progress = NULL;
  g_autoptr(GPtrArray) items = calque_store_list (f->store, CALQUE_KIND_ITEM, calque_record_get_id (f->project), NULL);
  const gint64 *series;
  gint64 start, bucket;
  guint n;

  g_free (save_annotation (f, calque_record_get_id (g_ptr_array_index (items, 0)), "alice", f->cat, NULL,
                           T0 + 20 * 24 * HOUR, T0));
  progress = calque_progress_new (f->store, calque_record_get_id (f->project), -1, &error);
  g_assert_no_error (error);
  series = calque_progress_get_series (progress, &start, &bucket, &n);
  /* 481 hours are too many points: 21 days, the first from midnight. */
  g_assert_cmpint (bucket, ==, 24 * HOUR);
  g_assert_cmpint (start, ==, H0 - 8 * HOUR);
  g_assert_cmpuint (n, ==, 21);
  g_assert_cmpint (series[0], ==, 6);
  g_assert_cmpint (series[20], ==, 1);
  for (guint i = 1; i < 20; i++)
    g_assert_cmpint (series[i], ==, 0);
}

/* calque-cli stats --json prints the same figures. */
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
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "--workspace", f->dir, "stats", "--json", NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  check_figures (f, json_node_get_object (root), FALSE);

  /* And the text names the project and its people. */
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "--workspace", f->dir, "stats", "--project", "Pets", NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "Pets"));
  g_assert_nonnull (strstr (out, "chloe"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/progress/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/progress/direct-count", Fixture, NULL, fixture_set_up, test_direct_count, fixture_tear_down);
  g_test_add ("/progress/series-days", Fixture, NULL, fixture_set_up, test_series_days, fixture_tear_down);
  g_test_add ("/progress/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
