/* test-team-e2e.c — assignments through a real server
 *
 * alice owns a project with bob and carl as annotators. She assigns its
 * items with `calque-cli assign` and `calque-cli sync`; each annotator's
 * workspace receives its tasks. An annotator who assigns himself work
 * locally is refused by the server, and nobody else ever sees that task.
 */
#define G_LOG_DOMAIN "test-team-e2e"

#include <string.h>

#include "calque-e2e.h"
#include "calque-test-util.h"

typedef CalqueE2eTeam Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  calque_e2e_team_set_up (f, "{\"name\":\"Fruit\",\"type\":\"image\"}",
                          (const char * const[]) { "bob:annotator", "carl:annotator", NULL });
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_e2e_team_tear_down (f);
}

static void
save_item (Fixture         *f,
           CalqueE2eDevice *device,
           const char      *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/fruit.png");
  calque_record_set_int (item, "width", 64);
  calque_record_set_int (item, "height", 64);
  g_assert_true (calque_store_save (calque_e2e_device_store (device), item, &error));
  g_assert_no_error (error);
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "item name:annotator …" of the live tasks in @device's workspace, sorted. */
static char *
tasks_seen (CalqueE2eDevice *device,
            const char      *project)
{
  CalqueStore *store = calque_e2e_device_store (device);
  g_autoptr(GPtrArray) tasks = calque_store_list (store, CALQUE_KIND_TASK, project, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < tasks->len; i++)
    {
      g_autoptr(CalqueRecord) item = calque_store_get (store, calque_record_get_string (tasks->pdata[i], "item"), NULL);

      g_ptr_array_add (lines, g_strdup_printf ("%s:%s", item ? calque_record_get_string (item, "name") : "?",
                                               calque_record_get_string (tasks->pdata[i], "annotator")));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "", (char *) lines->pdata[i]);
  return g_string_free (out, FALSE);
}

static int
cli (CalqueE2eDevice    *device,
     const char * const *args,
     char              **out)
{
  return calque_e2e_cli_run (device->path, args, NULL, out);
}

static void
test_assignments (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) bob = calque_e2e_device_new (f->dir, f->base, "bob", "bob");
  g_autoptr(CalqueE2eDevice) carl = calque_e2e_device_new (f->dir, f->base, "carl", "carl");
  g_autofree char *said = NULL;
  g_autofree char *seen = NULL;

  save_item (f, alice, "apple.png");
  save_item (f, alice, "banana.png");
  save_item (f, alice, "cherry.png");
  save_item (f, alice, "damson.png");
  calque_e2e_device_sync (alice, f->base, f->project);

  /* The owner assigns by batches of two and syncs, all with calque-cli. */
  g_assert_cmpint (cli (alice, (const char * const[]) { "assign", "--project", f->project, "--to", "bob,carl",
                                                        "--batch", "2", NULL }, &said), ==, 0);
  g_assert_cmpstr (said, ==, "Assigned: 4 tasks on 4 items\n");
  g_clear_pointer (&said, g_free);
  g_assert_cmpint (cli (alice, (const char * const[]) { "sync", "--project", f->project, NULL }, &said), ==, 0);
  g_assert_nonnull (strstr (said, "refused 0"));
  g_clear_pointer (&said, g_free);

  /* The assignments reach the annotators. */
  g_assert_cmpint (cli (bob, (const char * const[]) { "sync", "--project", f->project, NULL }, NULL), ==, 0);
  calque_e2e_device_sync (carl, f->base, f->project);
  seen = tasks_seen (bob, f->project);
  g_assert_cmpstr (seen, ==, "apple.png:bob banana.png:bob cherry.png:carl damson.png:carl");
  g_clear_pointer (&seen, g_free);

  /* bob takes carl's cherry locally: the server refuses. */
  g_assert_cmpint (cli (bob, (const char * const[]) { "reassign", "--project", f->project, "--from", "carl",
                                                      "--to", "bob", "--item", "cherry.png", NULL }, NULL), ==, 0);
  g_assert_cmpint (cli (bob, (const char * const[]) { "sync", "--project", f->project, NULL }, &said), !=, -1);
  g_assert_nonnull (strstr (said, "refused 1"));

  /* Nobody else ever sees that task. */
  calque_e2e_device_sync (alice, f->base, f->project);
  calque_e2e_device_sync (carl, f->base, f->project);
  seen = tasks_seen (alice, f->project);
  g_assert_cmpstr (seen, ==, "apple.png:bob banana.png:bob cherry.png:carl damson.png:carl");
  g_clear_pointer (&seen, g_free);
  seen = tasks_seen (carl, f->project);
  g_assert_cmpstr (seen, ==, "apple.png:bob banana.png:bob cherry.png:carl damson.png:carl");
  g_clear_pointer (&seen, g_free);

  /* Reassigning damson to bob reaches both. */
  g_clear_pointer (&said, g_free);
  g_assert_cmpint (cli (alice, (const char * const[]) { "reassign", "--project", f->project, "--from", "carl",
                                                        "--to", "bob", "--item", "damson.png", NULL }, &said), ==, 0);
  g_assert_cmpstr (said, ==, "Reassigned: 1 task on 1 item\n");
  calque_e2e_device_sync (alice, f->base, f->project);
  calque_e2e_device_sync (carl, f->base, f->project);
  seen = tasks_seen (carl, f->project);
  g_assert_cmpstr (seen, ==, "apple.png:bob banana.png:bob cherry.png:carl damson.png:bob");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/e2e/team/assignments", Fixture, NULL, fixture_set_up, test_assignments, fixture_tear_down);
  return g_test_run ();
}
