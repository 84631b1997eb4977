/* test-import-dialog.c — the Import Annotations dialog over a real workspace
 *
 * An image project with one real PNG. A COCO file written by hand names
 * that image; the dialog is opened through the main window's action, as
 * the menu does, and driven through its own actions. The source is set
 * with calque_import_dialog_set_source(): a native file chooser cannot be
 * driven under Xvfb, and what it returns is only that path.
 *
 * What is checked is what a user gets: the annotations and the new label
 * in the store (read back from the workspace's file), the sentence that
 * says what was imported, the list reloaded; and for a bad file the error
 * naming the file and the annotation, with nothing stored.
 */
#define G_LOG_DOMAIN "test-import-dialog"

#include <adwaita.h>
#include <string.h>

#include "calque-application.h"
#include "calque-gui-test-util.h"
#include "calque-import-dialog.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_SIZE 64

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *item;
  CalqueWindow    *window;
} Fixture;

static CalqueStore *
store_of (Fixture *f)
{
  return calque_workspace_get_store (f->workspace);
}

/* A real PNG in the blob cache, as an item of the project. */
static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_SIZE, IMAGE_SIZE);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autofree char *contents = NULL;
  char sha256[65];
  gsize length = 0;
  gboolean added = FALSE;

  gdk_pixbuf_fill (pixbuf, 0x99c1f1ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "size", (gint64) length);
  calque_record_set_int (item, "width", IMAGE_SIZE);
  calque_record_set_int (item, "height", IMAGE_SIZE);
  g_assert_true (calque_store_save (store_of (f), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  f->workspace = calque_test_workspace_new ("calque-import-dialog", &f->dir);
  calque_record_set_string (project, "name", "Pets");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (store_of (f), project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->item = save_item (f, "a.png");

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CALQUE_IS_IMPORT_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->item);
}

/* A COCO instances file naming a.png, with a dog at @bbox. */
static char *
write_coco (Fixture    *f,
            const char *bbox)
{
  g_autofree char *text = g_strdup_printf (
    "{\"images\": [{\"id\": 7, \"file_name\": \"a.png\", \"width\": %d, \"height\": %d}],\n"
    " \"categories\": [{\"id\": 3, \"name\": \"dog\"}],\n"
    " \"annotations\": [\n"
    "  {\"id\": 1, \"image_id\": 7, \"category_id\": 3, \"bbox\": [2, 4, 10, 12], \"area\": 120, \"iscrowd\": 0},\n"
    "  {\"id\": 2, \"image_id\": 7, \"category_id\": 3, \"bbox\": %s, \"area\": 1, \"iscrowd\": 0}\n"
    " ]}\n",
    IMAGE_SIZE, IMAGE_SIZE, bbox);
  char *path = g_build_filename (f->dir, "instances.json", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static CalqueImportDialog *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueImportDialog *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_IMPORT_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
import_ended (gpointer data)
{
  return !calque_import_dialog_get_importing (data);
}

static CalqueImportDialog *
open_dialog (Fixture *f)
{
  CalqueImportDialog *dialog;

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "import-annotations"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import-annotations", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  g_assert_true (calque_gui_wait_for (calque_gui_window_drawn, dialog));
  return dialog;
}

static const char *
visible_page (CalqueImportDialog *dialog)
{
  GtkStack *stack = GTK_STACK (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_STACK));

  return gtk_stack_get_visible_child_name (stack);
}

/* The selectable text of a page of the stack (the summary, the error). */
static const char *
page_text (CalqueImportDialog *dialog,
           const char         *page)
{
  GtkStack *stack = GTK_STACK (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_STACK));
  GtkWidget *child = gtk_stack_get_child_by_name (stack, page);
  GtkLabel *label;

  g_assert_nonnull (child);
  label = GTK_LABEL (calque_gui_find_widget (child, GTK_TYPE_LABEL));
  /* The status page's own title and description come first: look for
   * the selectable one. */
  for (GtkWidget *w = child; w != NULL;)
    {
      GtkWidget *next = NULL;

      if (GTK_IS_LABEL (w) && gtk_label_get_selectable (GTK_LABEL (w)))
        {
          label = GTK_LABEL (w);
          break;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        next = gtk_widget_get_first_child (w);
      else
        for (GtkWidget *up = w; up != NULL && up != child && next == NULL; up = gtk_widget_get_parent (up))
          next = gtk_widget_get_next_sibling (up);
      w = next;
    }
  g_assert_true (gtk_label_get_selectable (label));
  g_assert_false (gtk_label_get_use_markup (label));
  return gtk_label_get_text (label);
}

/* Whether the header's Import button is offered. */
static gboolean
import_enabled (CalqueImportDialog *dialog)
{
  GtkWidget *button = calque_gui_find_button (GTK_WIDGET (dialog), "_Import");

  g_assert_nonnull (button);
  return gtk_widget_get_visible (button) && gtk_widget_get_sensitive (button);
}

static const char *
run_import (CalqueImportDialog *dialog)
{
  g_assert_true (import_enabled (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  g_assert_true (calque_import_dialog_get_importing (dialog));
  g_assert_cmpstr (visible_page (dialog), ==, "progress");
  g_assert_true (calque_gui_wait_for (import_ended, dialog));
  return visible_page (dialog);
}

/* Counts on a store of its own, on the workspace's file: what landed. */
static gint64
count_on_disk (Fixture   *f,
               CalqueKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueStore) store = calque_store_open (calque_store_get_filename (store_of (f)), &error);
  gint64 n;

  g_assert_no_error (error);
  n = calque_store_count (store, kind, f->project, &error);
  g_assert_no_error (error);
  return n;
}

static void
test_coco (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = write_coco (f, "[20, 20, 30, 30]");
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  CalqueImportDialog *dialog;
  const char *summary;

  g_assert_cmpint (count_on_disk (f, CALQUE_KIND_ANNOTATION), ==, 0);
  dialog = open_dialog (f);
  /* Only formats for images are offered: no CoNLL for an image project. */
  g_assert_false (calque_import_dialog_set_format (dialog, "conll"));
  g_assert_true (calque_import_dialog_set_format (dialog, "coco"));
  /* Nothing to import yet: the button and the action say no. */
  g_assert_false (import_enabled (dialog));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL)
                  && calque_import_dialog_get_importing (dialog));
  calque_import_dialog_set_source (dialog, path);
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "import-dialog-options");

  g_assert_cmpstr (run_import (dialog), ==, "done");
  summary = page_text (dialog, "done");
  g_test_message ("%s", summary);
  g_assert_cmpstr (summary, ==, "Imported 2 annotations, 0 new items and 1 new label.");
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "import-dialog-done");

  g_assert_cmpint (count_on_disk (f, CALQUE_KIND_ANNOTATION), ==, 2);
  labels = calque_store_list (store_of (f), CALQUE_KIND_LABEL, f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, 1);
  g_assert_cmpstr (calque_record_get_string (labels->pdata[0], "name"), ==, "dog");
  annotations = calque_store_list (store_of (f), CALQUE_KIND_ANNOTATION, f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (annotations->len, ==, 2);
  for (guint i = 0; i < annotations->len; i++)
    {
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotations->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (calque_record_get_string (annotations->pdata[i], "item"), ==, f->item);
      g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_BOX);
      /* The boxes of the file, x y w h as COCO has them. */
      if (shape->x == 2)
        {
          g_assert_cmpfloat (shape->y, ==, 4);
          g_assert_cmpfloat (shape->w, ==, 10);
          g_assert_cmpfloat (shape->h, ==, 12);
        }
      else
        {
          g_assert_cmpfloat (shape->x, ==, 20);
          g_assert_cmpfloat (shape->w, ==, 30);
        }
    }
}

static void
test_bad_file (Fixture       *f,
               gconstpointer  data)
{
  /* The second box runs past the 64×64 image. */
  g_autofree char *path = write_coco (f, "[40, 40, 50, 10]");
  CalqueImportDialog *dialog;
  const char *message;

  dialog = open_dialog (f);
  g_assert_true (calque_import_dialog_set_format (dialog, "coco"));
  calque_import_dialog_set_source (dialog, path);
  g_assert_cmpstr (run_import (dialog), ==, "error");
  message = page_text (dialog, "error");
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "instances.json"));
  g_assert_nonnull (strstr (message, "annotation 2"));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "import-dialog-error");

  /* One transaction: the good first box is not kept either, nor the label. */
  g_assert_cmpint (count_on_disk (f, CALQUE_KIND_ANNOTATION), ==, 0);
  g_assert_cmpint (count_on_disk (f, CALQUE_KIND_LABEL), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.back", NULL));
  g_assert_cmpstr (visible_page (dialog), ==, "options");
}

/* Without a project shown there is nothing to import into. */
static void
test_no_project (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(CalqueWorkspace) workspace = calque_test_workspace_new ("calque-import-dialog", &dir);
  CalqueWindow *window = calque_window_new (app);

  calque_window_set_workspace (window, workspace);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "import-annotations"));
  gtk_window_destroy (GTK_WINDOW (window));
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
main (int   argc,
      char *argv[])
{
  int status;

  if (!calque_gui_test_init (&argc, &argv, FALSE))
    {
      g_test_add_func ("/gui/import-dialog/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/import-dialog/coco", Fixture, NULL, fixture_set_up, test_coco, fixture_tear_down);
  g_test_add ("/gui/import-dialog/bad-file", Fixture, NULL, fixture_set_up, test_bad_file, fixture_tear_down);
  g_test_add_func ("/gui/import-dialog/no-project", test_no_project);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
