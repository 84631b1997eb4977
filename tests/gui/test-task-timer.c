/* test-task-timer.c — the active time saved onto the open item's task
 *
 * A plain window with one button stands for the item page; the pointer
 * moves over it through the X server (xdotool), so the timer counts as it
 * does in the app. After each flush the task is read back from the store.
 */
#define G_LOG_DOMAIN "test-task-timer"

#include <gtk/gtk.h>

#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-task-timer.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

static gint64
stored_active_ms (CalqueStore *store,
                  const char  *task_id)
{
  g_autoptr(CalqueRecord) task = calque_store_get (store, task_id, NULL);

  g_assert_nonnull (task);
  return calque_record_get_int (task, "active_ms", 0);
}

/* Some input on @widget, and time for it to count. */
static void
work_on (GtkWidget *widget)
{
  calque_gui_pointer_to (widget, 5, 5);
  calque_gui_spin (50);
  calque_gui_pointer_to (widget, 15, 10);
  calque_gui_spin (150);
}

/* A task taken back (unassigned) while its item is open is deleted: the
 * time spent on it is not saved onto it, since the server refuses changes
 * to a deleted task; and that is no failure. */
static void
test_deleted_task (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(CalqueWorkspace) workspace = calque_test_workspace_new ("calque-task-timer", &dir);
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(CalqueRecord) task = NULL;
  g_autoptr(CalqueRecord) stored = NULL;
  g_autoptr(CalqueTaskTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *button = gtk_button_new_with_label ("Work");
  gint64 saved;

  calque_record_set_string (project, "name", "Pets");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (store, project, &error));
  item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "cat.png");
  calque_record_set_string (item, "url", "https://example.org/cat.png");
  calque_record_set_int (item, "width", 10);
  calque_record_set_int (item, "height", 10);
  g_assert_true (calque_store_save (store, item, &error));
  task = calque_record_new (CALQUE_KIND_TASK, calque_record_get_id (project));
  calque_record_set_string (task, "item", calque_record_get_id (item));
  calque_record_set_string (task, "annotator", "amelie");
  calque_record_set_string (task, "state", "in_progress");
  calque_store_save (store, task, &error);
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), button);
  calque_gui_present (GTK_WINDOW (window));
  timer = calque_task_timer_new (button);
  calque_task_timer_set_task (timer, store, task);

  /* Worked on: the time goes into the task. */
  work_on (button);
  g_assert_true (calque_task_timer_flush (timer, &error));
  g_assert_no_error (error);
  saved = stored_active_ms (store, calque_record_get_id (task));
  g_assert_cmpint (saved, >, 0);

  /* Taken back meanwhile: nothing more is written onto it. */
  stored = calque_store_get (store, calque_record_get_id (task), &error);
  calque_record_set_deleted (stored, TRUE);
  g_assert_true (calque_store_save (store, stored, &error));
  work_on (button);
  g_assert_true (calque_task_timer_flush (timer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_active_ms (store, calque_record_get_id (task)), ==, saved);
  g_clear_object (&stored);
  stored = calque_store_get (store, calque_record_get_id (task), &error);
  g_assert_true (calque_record_get_deleted (stored));

  calque_task_timer_set_task (timer, NULL, NULL);
  g_clear_object (&timer);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workspace);
  calque_test_remove_tree (dir);
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int    argc,
      char **argv)
{
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/task-timer/no-display", test_no_display);
      return g_test_run ();
    }
  g_test_add_func ("/gui/task-timer/deleted-task", test_deleted_task);
  return g_test_run ();
}
