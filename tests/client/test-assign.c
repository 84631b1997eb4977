/* test-assign.c — assignments: the plan case by case, then on a real store
 * and through calque-cli */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "calque-assign.h"
#include "calque-notifier.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

/* "item:annotator item:annotator …", in plan order. */
static char *
describe (GArray *plan)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < plan->len; i++)
    {
      const CalqueAssignment *a = &g_array_index (plan, CalqueAssignment, i);

      g_string_append_printf (out, "%s%s:%s", i ? " " : "", a->item_id, a->annotator);
    }
  return g_string_free (out, FALSE);
}

static char *
plan_of (const CalqueAssignItem *items,
         guint                   n_items,
         const CalqueAssignee   *assignees,
         guint                   n_assignees,
         guint                   batch,
         guint                   overlap)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) plan = calque_assign_plan (items, n_items, assignees, n_assignees, batch, overlap, &error);

  g_assert_no_error (error);
  return describe (plan);
}

static void
test_plan (void)
{
  CalqueAssignItem six[] = { { "i0" }, { "i1" }, { "i2" }, { "i3" }, { "i4" }, { "i5" } };
  CalqueAssignee idle[] = { { "ana", 0 }, { "ben", 0 }, { "cy", 0 } };
  CalqueAssignee busy_ana[] = { { "ana", 5 }, { "ben", 0 }, { "cy", 0 } };
  const char * const has_ana[] = { "ana", NULL };
  CalqueAssignItem started[] = { { "i0", has_ana }, { "i1" } };
  g_autofree char *round_robin = NULL, *balanced = NULL, *overlap = NULL, *missing = NULL, *uneven = NULL;

  /* Batches of two, round-robin among equals. */
  round_robin = plan_of (six, 6, idle, 3, 2, 1);
  g_assert_cmpstr (round_robin, ==, "i0:ana i1:ana i2:ben i3:ben i4:cy i5:cy");

  /* The loaded annotator waits until the others have caught up (2 < 5):
   * ben and cy take turns, the one who waited longer first. */
  balanced = plan_of (six, 6, busy_ana, 3, 2, 1);
  g_assert_cmpstr (balanced, ==, "i0:ben i1:ben i2:cy i3:cy i4:ben i5:ben");

  /* Overlap 2, batches of one: i0 to ana and ben; then cy has the least
   * work, and ana and ben tie on load and last batch: the order given
   * decides. */
  overlap = plan_of (six, 2, idle, 3, 1, 2);
  g_assert_cmpstr (overlap, ==, "i0:ana i0:ben i1:cy i1:ana");

  /* An item that has ana already gets one more, never ana twice. */
  missing = plan_of (started, 2, idle, 3, 2, 2);
  g_assert_cmpstr (missing, ==, "i0:ben i1:ana i1:ben");

  /* Uneven last batch. */
  uneven = plan_of (six, 5, idle, 2, 2, 1);
  g_assert_cmpstr (uneven, ==, "i0:ana i1:ana i2:ben i3:ben i4:ana");

  /* Refused: each with its reason. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (calque_assign_plan (six, 6, idle, 2, 2, 3, &error));
    g_assert_cmpstr (error->message, ==, "an overlap of 3 needs 3 annotators; 2 are given");
    g_clear_error (&error);
    g_assert_null (calque_assign_plan (six, 6, idle, 3, 0, 1, &error));
    g_assert_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (calque_assign_plan (six, 6, idle, 0, 1, 1, &error));
    g_assert_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (calque_assign_plan (six, 6, idle, 3, 1, 6, &error));
    g_assert_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID);
  }
}

/* An overlap for a share of the items: about that share gets two
 * annotators, the rest one; the same items every time. */
static void
test_overlap_share (void)
{
  const guint n = 1000;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (CalqueAssignItem));
  CalqueAssignee idle[] = { { "ana", 0 }, { "ben", 0 }, { "cy", 0 } };
  const double shares[] = { 0, 0.1, 1 };
  guint twice[G_N_ELEMENTS (shares)];

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, g_strdup_printf ("0192d4e8-7c4b-7a31-9f02-%012u", i));
  for (guint s = 0; s < G_N_ELEMENTS (shares); s++)
    {
      g_autoptr(GArray) plan = NULL;
      g_autoptr(GHashTable) per_item = g_hash_table_new (g_str_hash, g_str_equal);
      GHashTableIter iter;
      gpointer count;

      g_array_set_size (items, 0);
      for (guint i = 0; i < n; i++)
        {
          CalqueAssignItem item = { ids->pdata[i], NULL,
                                    calque_assign_item_overlapped (ids->pdata[i], shares[s]) ? 2 : 1 };

          g_array_append_val (items, item);
        }
      plan = calque_assign_plan ((CalqueAssignItem *) items->data, n, idle, 3, 10, 2, NULL);
      for (guint i = 0; i < plan->len; i++)
        {
          const char *item = g_array_index (plan, CalqueAssignment, i).item_id;

          g_hash_table_insert (per_item, (gpointer) item,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (per_item, item)) + 1));
        }
      twice[s] = 0;
      g_hash_table_iter_init (&iter, per_item);
      while (g_hash_table_iter_next (&iter, NULL, &count))
        twice[s] += GPOINTER_TO_UINT (count) == 2;
      g_assert_cmpuint (g_hash_table_size (per_item), ==, n);
    }
  g_assert_cmpuint (twice[0], ==, 0);
  g_assert_cmpuint (twice[2], ==, n);
  /* Ten per cent of a thousand, give or take what a hash gives; the very
   * same items on every computer and in every version (SHA-256 of the
   * id), so the count is pinned. */
  g_assert_cmpuint (twice[1], ==, 92);
}

/* --- a real store ---------------------------------------------------------- */

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  char            *project;
  char            *items[4];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  const char *names[] = { "d.png", "b.png", "a.png", "c.png" };

  f->workspace = calque_test_workspace_new ("calque-assign", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  calque_record_set_string (project, "name", "Fruit");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (f->store, project, NULL));
  f->project = g_strdup (calque_record_get_id (project));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);

      calque_record_set_string (item, "media", "image");
      calque_record_set_string (item, "name", names[i]);
      calque_record_set_string (item, "url", "https://example.org/x.png");
      calque_record_set_int (item, "width", 10);
      calque_record_set_int (item, "height", 10);
      g_assert_true (calque_store_save (f->store, item, NULL));
      f->items[i] = g_strdup (calque_record_get_id (item));
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  for (guint i = 0; i < G_N_ELEMENTS (f->items); i++)
    g_free (f->items[i]);
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "name:annotator:state …" of the live tasks, sorted. */
static char *
tasks_of (Fixture *f)
{
  g_autoptr(GPtrArray) tasks = calque_store_list (f->store, CALQUE_KIND_TASK, f->project, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < tasks->len; i++)
    {
      g_autoptr(CalqueRecord) item = calque_store_get (f->store, calque_record_get_string (tasks->pdata[i], "item"), NULL);

      g_ptr_array_add (lines, g_strdup_printf ("%s:%s:%s", calque_record_get_string (item, "name"),
                                               calque_record_get_string (tasks->pdata[i], "annotator"),
                                               calque_record_get_string (tasks->pdata[i], "state")));
    }
  g_ptr_array_sort (lines, compare_lines);
  {
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < lines->len; i++)
      g_string_append_printf (out, "%s%s", i ? " " : "", (char *) lines->pdata[i]);
    return g_string_free (out, FALSE);
  }
}

static void
set_state (Fixture    *f,
           const char *item_id,
           const char *annotator,
           const char *state)
{
  g_autoptr(GPtrArray) tasks = calque_store_list_for_item (f->store, CALQUE_KIND_TASK, item_id, NULL);

  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (calque_record_get_string (tasks->pdata[i], "annotator"), annotator) == 0)
      {
        calque_record_set_string (tasks->pdata[i], "state", state);
        g_assert_true (calque_store_save (f->store, tasks->pdata[i], NULL));
      }
}

static void
test_store (Fixture       *f,
            gconstpointer  data)
{
  const char * const people[] = { "ana", "ben", NULL };
  CalqueAssignReport report;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *again = NULL, *after_unassign = NULL, *after_reassign = NULL;

  /* Every item, by name: a and b to ana, c and d to ben. */
  g_assert_true (calque_assign_items (f->store, f->project, NULL, people, 2, 1, 1.0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.tasks, ==, 4);
  g_assert_cmpuint (report.items, ==, 4);
  first = tasks_of (f);
  g_assert_cmpstr (first, ==, "a.png:ana:new b.png:ana:new c.png:ben:new d.png:ben:new");
  /* Every task is in the outbox, for the server to check and take. */
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), >=, 4);

  /* Again: every item has its annotator; nothing more. */
  g_assert_true (calque_assign_items (f->store, f->project, NULL, people, 2, 1, 1.0, &report, &error));
  g_assert_cmpuint (report.tasks, ==, 0);
  again = tasks_of (f);
  g_assert_cmpstr (again, ==, first);

  /* ben started c: unassigning ben leaves it, unless forced. */
  set_state (f, f->items[3], "ben", "in_progress");
  g_assert_true (calque_unassign_items (f->store, f->project, NULL, "ben", FALSE, &report, &error));
  g_assert_cmpuint (report.tasks, ==, 1);
  g_assert_cmpuint (report.skipped, ==, 1);
  after_unassign = tasks_of (f);
  g_assert_cmpstr (after_unassign, ==, "a.png:ana:new b.png:ana:new c.png:ben:in_progress");

  /* ana's tasks to ben; he gets a and b. */
  g_assert_true (calque_reassign_items (f->store, f->project, NULL, "ana", "ben", FALSE, &report, &error));
  g_assert_cmpuint (report.tasks, ==, 2);
  after_reassign = tasks_of (f);
  g_assert_cmpstr (after_reassign, ==, "a.png:ben:new b.png:ben:new c.png:ben:in_progress");

  g_assert_false (calque_reassign_items (f->store, f->project, NULL, "ben", "ben", FALSE, &report, &error));
  g_assert_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID);
}

/* Through calque-cli: by name, with the project's overlap, and refusals. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  const char *cli = g_getenv ("CALQUE_CLI");
  g_autofree char *path = g_strdup (calque_workspace_get_path (f->workspace));
  g_autofree char *out = NULL, *err = NULL, *tasks = NULL;
  int status = 0;

  g_assert_nonnull (cli);
  g_clear_object (&f->workspace);

  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "-w", path, "assign", "--to", "ana,ben",
                                                  "--item", "a.png", "--item", "c.png", "--overlap", "2", NULL },
                               NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "Assigned: 4 tasks on 2 items\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "-w", path, "assign", "--to", "ana",
                                                  "--item", "zebra.png", NULL },
                               NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "project “Fruit” has no item “zebra.png”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "-w", path, "assign", "--to", "ana",
                                                  "--overlap", "2", NULL },
                               NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "an overlap of 2 needs 2 annotators; 1 is given"));

  f->workspace = calque_workspace_open (path, NULL);
  f->store = calque_workspace_get_store (f->workspace);
  tasks = tasks_of (f);
  g_assert_cmpstr (tasks, ==, "a.png:ana:new a.png:ben:new c.png:ana:new c.png:ben:new");
}

static char *
put_task (Fixture    *f,
          const char *item,
          const char *annotator,
          const char *state)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  g_assert_true (calque_store_put_merged (f->store, task, NULL));
  return g_strdup (calque_record_get_id (task));
}

/* What is news for ana among changes: her new tasks once, a task sent
 * back, not others' tasks nor what she had before. */
static void
test_notifier (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *old = put_task (f, f->items[0], "ana", "submitted");
  g_autoptr(CalqueNotifier) notifier = calque_notifier_new (f->store, f->project, "ana");
  g_autofree char *mine = put_task (f, f->items[1], "ana", "new");
  g_autofree char *also = put_task (f, f->items[2], "ana", "new");
  g_autofree char *bens = put_task (f, f->items[3], "ben", "new");
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *one = NULL, *two = NULL, *back = NULL;

  notes = calque_notifier_check (notifier, (const char *[]) { old, mine, bens, NULL });
  g_assert_cmpuint (notes->len, ==, 1);
  one = calque_notes_describe (notes, CALQUE_NOTE_ASSIGNED);
  g_assert_cmpstr (one, ==, "New task for you: b.png");
  g_assert_null (calque_notes_describe (notes, CALQUE_NOTE_REJECTED));
  g_clear_pointer (&notes, g_ptr_array_unref);

  /* Seen again: not news; another new one with it: one of them. */
  notes = calque_notifier_check (notifier, (const char *[]) { mine, also, NULL });
  g_assert_cmpuint (notes->len, ==, 1);
  g_clear_pointer (&notes, g_ptr_array_unref);

  /* Sent back: news, once; two at once make one sentence. */
  {
    g_autoptr(CalqueRecord) a = calque_store_get (f->store, old, NULL);
    g_autoptr(CalqueRecord) b = calque_store_get (f->store, mine, NULL);

    calque_record_set_string (a, "state", "rejected");
    calque_record_set_string (b, "state", "rejected");
    g_assert_true (calque_store_put_merged (f->store, a, NULL));
    g_assert_true (calque_store_put_merged (f->store, b, NULL));
  }
  notes = calque_notifier_check (notifier, (const char *[]) { old, mine, NULL });
  back = calque_notes_describe (notes, CALQUE_NOTE_REJECTED);
  g_assert_cmpstr (back, ==, "2 tasks sent back to you");
  g_clear_pointer (&notes, g_ptr_array_unref);
  notes = calque_notifier_check (notifier, (const char *[]) { old, NULL });
  g_assert_cmpuint (notes->len, ==, 0);
  g_clear_pointer (&notes, g_ptr_array_unref);

  /* ben's task given to ana is news. */
  {
    g_autoptr(CalqueRecord) b = calque_store_get (f->store, bens, NULL);

    calque_record_set_string (b, "annotator", "ana");
    g_assert_true (calque_store_put_merged (f->store, b, NULL));
  }
  notes = calque_notifier_check (notifier, (const char *[]) { bens, NULL });
  two = calque_notes_describe (notes, CALQUE_NOTE_ASSIGNED);
  g_assert_cmpstr (two, ==, "New task for you: c.png");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/assign/plan", test_plan);
  g_test_add_func ("/assign/overlap-share", test_overlap_share);
  g_test_add ("/assign/store", Fixture, NULL, fixture_set_up, test_store, fixture_tear_down);
  g_test_add ("/assign/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  g_test_add ("/assign/notifier", Fixture, NULL, fixture_set_up, test_notifier, fixture_tear_down);
  return g_test_run ();
}
