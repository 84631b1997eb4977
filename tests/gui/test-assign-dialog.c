/* test-assign-dialog.c — the Assign dialog against the list it was opened on
 *
 * The dialog is not modal: while it is open the window's list may follow
 * another filter or another project. It assigns the items the list showed
 * when it opened, under its own project, whatever the list shows since.
 */
#define G_LOG_DOMAIN "test-assign-dialog"

#include <adwaita.h>

#include "calque-assign-dialog.h"
#include "calque-gui-test-util.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

static CalqueRecord *
save_project (CalqueStore *store,
              const char  *name)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (store, project, NULL));
  return g_steal_pointer (&project);
}

static CalqueRecord *
save_item (CalqueStore  *store,
           CalqueRecord *project,
           const char   *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://example.org/x.png");
  calque_record_set_int (item, "width", 10);
  calque_record_set_int (item, "height", 10);
  g_assert_true (calque_store_save (store, item, NULL));
  return g_steal_pointer (&item);
}

static guint
n_tasks (CalqueStore  *store,
         CalqueRecord *project)
{
  g_autoptr(GPtrArray) tasks = calque_store_list (store, CALQUE_KIND_TASK, calque_record_get_id (project), NULL);

  return tasks != NULL ? tasks->len : 0;
}

static void
test_list_changed (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(CalqueWorkspace) workspace = calque_test_workspace_new ("calque-assign-dialog", &dir);
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autoptr(CalqueRecord) pets = save_project (store, "Pets");
  g_autoptr(CalqueRecord) cars = save_project (store, "Cars");
  g_autoptr(GListStore) shown = g_list_store_new (CALQUE_TYPE_RECORD);
  g_autoptr(CalqueRecord) cat = save_item (store, pets, "cat.png");
  g_autoptr(CalqueRecord) dog = save_item (store, pets, "dog.png");
  g_autoptr(CalqueRecord) van = save_item (store, cars, "van.png");
  CalqueAssignDialog *dialog;
  GtkLabel *label;
  GtkWidget *button;

  g_list_store_append (shown, cat);
  g_list_store_append (shown, dog);
  dialog = calque_assign_dialog_new (NULL, workspace, pets, G_LIST_MODEL (shown), NULL);
  calque_gui_present (GTK_WINDOW (dialog));

  /* The window's list now shows the other project. */
  g_list_store_remove_all (shown);
  g_list_store_append (shown, van);

  calque_assign_dialog_set_checked (dialog, "ana", TRUE);
  label = calque_gui_find_label (GTK_WIDGET (dialog), "Assign");
  g_assert_nonnull (label);
  button = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Assigned: 2 tasks on 2 items"));
  g_assert_cmpuint (n_tasks (store, pets), ==, 2);
  g_assert_cmpuint (n_tasks (store, cars), ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
  calque_gui_spin (50);
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
  if (!calque_gui_test_init (&argc, &argv, FALSE))
    {
      g_test_add_func ("/gui/assign-dialog/no-display", test_no_display);
      return g_test_run ();
    }
  adw_init ();
  g_test_add_func ("/gui/assign-dialog/list-changed", test_list_changed);
  return g_test_run ();
}
