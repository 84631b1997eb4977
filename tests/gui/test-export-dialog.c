/* test-export-dialog.c — the Export dialog over a real workspace
 *
 * An image project with three real PNGs, two annotators' tasks and
 * annotations. The dialog is opened through the main window's action, as
 * the menu and Ctrl+Shift+E do, and driven through its own actions. The
 * destination is set with calque_export_dialog_set_destination(): a native
 * file chooser (a portal, or GTK's own dialog in another process's style)
 * cannot be driven under Xvfb, and what it returns is only that path.
 *
 * What is checked is what a user gets: the file and the media beside it,
 * byte for byte what `calque-cli export` writes with the same options (the
 * dialog runs the same writers); the sentence that says what was
 * exported; after Cancel, no file, not even a temporary one; after a
 * failure, the error and nothing written.
 */
#define G_LOG_DOMAIN "test-export-dialog"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "calque-application.h"
#include "calque-export-dialog.h"
#include "calque-export-formats.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_SIZE 64
/* Items in the project whose export is cancelled: enough for the native
 * writer to take a couple of seconds (2.4 s here in 2026-11), so that
 * Cancel, which comes after the progress page's screenshot, still finds
 * it writing; 50,000 stopped being enough once exports got faster. */
#define MANY_ITEMS 150000

/* A label name that would be bold if it were taken for markup. */
#define CAT "cat <b>tabby</b>"

static CalqueApplication *app;

typedef struct {
  char            *dir;
  char            *out;      /* where the exports go */
  CalqueWorkspace *workspace;
  char            *project;
  char            *cat;
  char            *dog;
  char            *items[3];
  char            *sha256[3];
  CalqueWindow    *window;
} Fixture;

/* --- the workspace --------------------------------------------------------------------- */

static CalqueStore *
store_of (Fixture *f)
{
  return calque_workspace_get_store (f->workspace);
}

/* A real PNG in the blob cache, so that the media can be copied. */
static char *
save_item (Fixture    *f,
           const char *name,
           guint32     pixel,
           char       *out_sha256)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_SIZE, IMAGE_SIZE);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean added = FALSE;

  gdk_pixbuf_fill (pixbuf, pixel);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, out_sha256, &added,
                                             &error));
  g_assert_no_error (error);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", out_sha256);
  calque_record_set_int (item, "size", (gint64) length);
  calque_record_set_int (item, "width", IMAGE_SIZE);
  calque_record_set_int (item, "height", IMAGE_SIZE);
  g_assert_true (calque_store_save (store_of (f), item, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static void
save_task (Fixture    *f,
           const char *item,
           const char *annotator,
           const char *state)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  g_assert_true (calque_store_save (store_of (f), task, &error));
  g_assert_no_error (error);
}

static void
save_annotation (Fixture     *f,
                 const char  *item,
                 const char  *author,
                 const char  *label,
                 CalqueShape *shape)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(CalqueShape) owned = shape;
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, owned);
  calque_store_save (store_of (f), annotation, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  static const double triangle[] = { 10, 10, 40, 10, 25, 40 };

  f->workspace = calque_test_workspace_new ("calque-export-dialog", &f->dir);
  f->out = g_build_filename (f->dir, "exports", NULL);
  g_assert_cmpint (g_mkdir (f->out, 0755), ==, 0);

  calque_record_set_string (project, "name", "Pets <i>2025</i>");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (store_of (f), project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->cat = calque_test_save_label (store_of (f), f->project, CAT, "#e01b24", 0);
  f->dog = calque_test_save_label (store_of (f), f->project, "dog", "#3584e4", 1);
  f->sha256[0] = g_malloc0 (65);
  f->sha256[1] = g_malloc0 (65);
  f->sha256[2] = g_malloc0 (65);
  f->items[0] = save_item (f, "a.png", 0x99c1f1ff, f->sha256[0]);
  f->items[1] = save_item (f, "b.png", 0xf6d32dff, f->sha256[1]);
  f->items[2] = save_item (f, "c.png", 0x8ff0a4ff, f->sha256[2]);

  /* alice: a.png submitted, two boxes; bruno: b.png accepted, a box and
   * a polygon; a dog on a.png by chloe, who has no task; c.png untouched. */
  save_task (f, f->items[0], "alice", "submitted");
  save_task (f, f->items[1], "bruno", "accepted");
  save_annotation (f, f->items[0], "alice", f->cat, calque_shape_new_box (1, 2, 10, 20));
  save_annotation (f, f->items[0], "alice", f->dog, calque_shape_new_box (30, 30, 5, 5));
  save_annotation (f, f->items[1], "bruno", f->cat, calque_shape_new_box (4, 4, 8, 8));
  save_annotation (f, f->items[1], "bruno", f->dog, calque_shape_new_polygon (triangle, G_N_ELEMENTS (triangle) / 2));
  save_annotation (f, f->items[0], "chloe", f->dog, calque_shape_new_box (40, 40, 10, 10));

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
    if (CALQUE_IS_EXPORT_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->out);
  g_free (f->project);
  g_free (f->cat);
  g_free (f->dog);
  for (guint i = 0; i < G_N_ELEMENTS (f->items); i++)
    {
      g_free (f->items[i]);
      g_free (f->sha256[i]);
    }
}

/* --- looking at the dialog --------------------------------------------------------------- */

static CalqueExportDialog *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueExportDialog *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_EXPORT_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
dialog_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && !calque_export_dialog_get_busy (data);
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
export_ended (gpointer data)
{
  return !calque_export_dialog_get_exporting (data);
}

static CalqueExportDialog *
open_dialog (Fixture *f)
{
  CalqueExportDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  /* Work in the main window goes on during a long export. */
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (calque_gui_wait_for (dialog_ready, dialog));
  return dialog;
}

static const char *
visible_page (CalqueExportDialog *dialog)
{
  GtkStack *stack = GTK_STACK (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_STACK));

  return gtk_stack_get_visible_child_name (stack);
}

/* The preferences row titled @title under @root, or NULL. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The check button of the row titled @title. */
static GtkCheckButton *
row_check (CalqueExportDialog *dialog,
           const char         *title)
{
  GtkWidget *row = find_row (GTK_WIDGET (dialog), title);

  g_assert_nonnull (row);
  return GTK_CHECK_BUTTON (calque_gui_find_widget (row, GTK_TYPE_CHECK_BUTTON));
}

static void
set_media (CalqueExportDialog *dialog,
           gboolean            copy)
{
  GtkWidget *row = find_row (GTK_WIDGET (dialog), "Copy _Media Files");

  g_assert_nonnull (row);
  gtk_switch_set_active (GTK_SWITCH (calque_gui_find_widget (row, GTK_TYPE_SWITCH)), copy);
}

/* The button whose label is @label (with its mnemonic) under @root, or NULL. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The text a page of the stack says under its title: its selectable label. */
static const char *
page_text (CalqueExportDialog *dialog,
           const char         *page)
{
  GtkStack *stack = GTK_STACK (calque_gui_find_widget (GTK_WIDGET (dialog), GTK_TYPE_STACK));
  GtkWidget *child = gtk_stack_get_child_by_name (stack, page);

  g_assert_nonnull (child);
  for (GtkWidget *w = child; w != NULL;)
    {
      GtkWidget *next = NULL;

      if (GTK_IS_LABEL (w) && gtk_label_get_selectable (GTK_LABEL (w)))
        {
          g_assert_false (gtk_label_get_use_markup (GTK_LABEL (w)));
          return gtk_label_get_text (GTK_LABEL (w));
        }
      /* Depth first, without recursion. */
      if (gtk_widget_get_first_child (w) != NULL)
        next = gtk_widget_get_first_child (w);
      else
        for (GtkWidget *up = w; up != NULL && up != child && next == NULL; up = gtk_widget_get_parent (up))
          next = gtk_widget_get_next_sibling (up);
      w = next;
    }
  g_assert_not_reached ();
}

static gboolean
export_enabled (CalqueExportDialog *dialog)
{
  GtkWidget *button = calque_gui_find_button (GTK_WIDGET (dialog), "_Export");

  g_assert_nonnull (button);
  return gtk_widget_get_visible (button) && gtk_widget_get_sensitive (button);
}

static void
set_annotator (CalqueExportDialog *dialog,
               const char         *name)
{
  AdwComboRow *version = ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), "Version"));
  AdwComboRow *annotator = ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), "Annotator"));
  GListModel *names = adw_combo_row_get_model (annotator);

  adw_combo_row_set_selected (version, 2);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (annotator)));
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name))
      {
        adw_combo_row_set_selected (annotator, i);
        return;
      }
  g_error ("no annotator %s in the dialog", name);
}

/* Starts the export and waits for its end; returns the page shown then. */
static const char *
run_export (CalqueExportDialog *dialog)
{
  g_assert_true (export_enabled (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  g_assert_true (calque_export_dialog_get_exporting (dialog));
  g_assert_cmpstr (visible_page (dialog), ==, "progress");
  g_assert_true (calque_gui_wait_for (export_ended, dialog));
  return visible_page (dialog);
}

/* --- comparing with calque-cli ---------------------------------------------------------- */

/* Runs calque-cli export on the fixture's workspace with @args; returns
 * what it says on stderr. */
static char *
cli_export (Fixture            *f,
            const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  char *err = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CALQUE_CLI"));
  g_ptr_array_add (argv, (gpointer) "--workspace");
  g_ptr_array_add (argv, (gpointer) calque_workspace_get_path (f->workspace));
  g_ptr_array_add (argv, (gpointer) "export");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("CALQUE_CLI"));
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("calque-cli export failed: %s", err);
  return err;
}

/* @a and @b are the same file, or folders of the same files, byte for byte. */
static void
assert_same_tree (const char *a,
                  const char *b)
{
  if (g_file_test (a, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (a, 0, NULL);
      g_autoptr(GDir) other = g_dir_open (b, 0, NULL);
      const char *name;
      guint n_a = 0, n_b = 0;

      g_assert_nonnull (dir);
      g_assert_nonnull (other);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *pa = g_build_filename (a, name, NULL);
          g_autofree char *pb = g_build_filename (b, name, NULL);

          assert_same_tree (pa, pb);
          n_a++;
        }
      while (g_dir_read_name (other) != NULL)
        n_b++;
      g_assert_cmpuint (n_a, ==, n_b);
    }
  else
    {
      g_autofree char *ca = NULL;
      g_autofree char *cb = NULL;
      gsize la = 0, lb = 0;

      if (!g_file_get_contents (a, &ca, &la, NULL) || !g_file_get_contents (b, &cb, &lb, NULL))
        g_error ("%s or %s is missing", a, b);
      if (la != lb || memcmp (ca, cb, la) != 0)
        g_error ("%s and %s differ", a, b);
    }
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
folder_has_entries (gpointer data)
{
  return count_entries (data) > 0;
}

static gboolean
folder_empty (gpointer data)
{
  return count_entries (data) == 0;
}

/* --- the tests -------------------------------------------------------------------------- */

/* The native format: the file, the media beside it, the sentence, and
 * the very bytes of calque-cli export --format json. */
static void
test_json (Fixture       *f,
           gconstpointer  data)
{
  CalqueExportDialog *dialog;
  g_autofree char *dialog_dir = g_build_filename (f->out, "dialog", NULL);
  g_autofree char *cli_dir = g_build_filename (f->out, "cli", NULL);
  g_autofree char *path = g_build_filename (dialog_dir, "Pets.json", NULL);
  g_autofree char *cli_path = g_build_filename (cli_dir, "Pets.json", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *cli_said = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  GListModel *annotators;
  JsonObject *root;
  JsonArray *records;
  guint n_items = 0, n_annotations = 0;

  /* The menu's shortcut. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.export");
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Shift><Control>e");

  dialog = open_dialog (f);
  g_assert_cmpstr (calque_export_dialog_get_project_id (dialog), ==, f->project);

  /* Every format of the table that serves images is offered, and no other;
   * the native one is chosen first. */
  for (const CalqueExportFormat *format = calque_export_formats (); format->name != NULL; format++)
    {
      gboolean images = (format->media & CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE)) != 0;

      g_assert_true ((find_named (GTK_WIDGET (dialog), format->name) != NULL) == images);
    }
  g_assert_cmpstr (calque_export_dialog_get_format (dialog), ==, "json");
  g_assert_true (gtk_check_button_get_active (row_check (dialog, "Calque JSON")));

  /* Everyone with a task or an annotation, by name. */
  annotators = adw_combo_row_get_model (ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), "Annotator")));
  g_assert_cmpuint (g_list_model_get_n_items (annotators), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (annotators), 0), ==, "alice");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (annotators), 1), ==, "bruno");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (annotators), 2), ==, "chloe");

  /* The native format keeps everything: its version and filters do not apply. */
  g_assert_false (gtk_widget_is_sensitive (find_row (GTK_WIDGET (dialog), "Version")));
  /* The label, all on, named as it is. */
  g_assert_true (gtk_check_button_get_active (row_check (dialog, CAT)));
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (find_row (GTK_WIDGET (dialog), CAT))));

  /* Nowhere to write yet: nothing to do. */
  g_assert_false (export_enabled (dialog));
  calque_export_dialog_set_destination (dialog, path);
  g_assert_true (export_enabled (dialog));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "export-dialog");

  g_assert_cmpstr (run_export (dialog), ==, "done");
  expected = g_strdup_printf ("Exported 3 items and 5 annotations to %s.", path);
  g_assert_cmpstr (page_text (dialog, "done"), ==, expected);
  g_assert_true (gtk_widget_get_sensitive (calque_gui_find_button (GTK_WIDGET (dialog), "_Open Folder")));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "export-dialog-done");

  /* A file that parses, with the project's records. */
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "calque_export"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "project"), ==, f->project);
  records = json_object_get_array_member (root, "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      const char *kind = json_object_get_string_member (json_array_get_object_element (records, i), "kind");

      n_items += g_str_equal (kind, "item");
      n_annotations += g_str_equal (kind, "annotation");
    }
  g_assert_cmpuint (n_items, ==, 3);
  g_assert_cmpuint (n_annotations, ==, 5);

  /* The media, copied beside it (the switch is on by default). */
  for (guint i = 0; i < G_N_ELEMENTS (f->sha256); i++)
    {
      g_autofree char *media = g_build_filename (dialog_dir, "media", f->sha256[i], NULL);

      g_assert_true (g_file_test (media, G_FILE_TEST_IS_REGULAR));
    }

  /* The same writer as calque-cli: the same bytes, the same media. */
  cli_said = cli_export (f, (const char *[]) { "--format", "json", "--output", cli_path, NULL });
  assert_same_tree (dialog_dir, cli_dir);

  /* Close: the dialog goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  g_assert_true (calque_gui_wait_for (dialog_gone, NULL));
}

/* Every other format of the table that serves images, with one
 * annotator's version, a label and a state left out, without media:
 * the same files as calque-cli with those options, and the same counts. */
static void
test_other_formats (Fixture       *f,
                    gconstpointer  data)
{
  guint n_tested = 0;

  for (const CalqueExportFormat *format = calque_export_formats (); format->name != NULL; format++)
    {
      CalqueExportDialog *dialog;
      g_autofree char *dialog_dir = NULL;
      g_autofree char *cli_dir = NULL;
      g_autofree char *path = NULL;
      g_autofree char *cli_path = NULL;
      g_autofree char *file = g_strconcat ("pets", format->extension != NULL ? format->extension : "", NULL);
      g_autofree char *cli_said = NULL;
      g_autoptr(GRegex) regex = NULL;
      g_autoptr(GMatchInfo) match = NULL;
      const char *summary;

      if (g_str_equal (format->name, "json") || !(format->media & CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE)))
        continue;
      g_test_message ("format %s", format->name);
      dialog_dir = g_build_filename (f->out, format->name, "dialog", NULL);
      cli_dir = g_build_filename (f->out, format->name, "cli", NULL);
      path = format->folder ? g_strdup (dialog_dir) : g_build_filename (dialog_dir, file, NULL);
      cli_path = format->folder ? g_strdup (cli_dir) : g_build_filename (cli_dir, file, NULL);

      dialog = open_dialog (f);
      g_assert_true (calque_export_dialog_set_format (dialog, format->name));
      g_assert_true (gtk_check_button_get_active (row_check (dialog, g_dgettext (GETTEXT_PACKAGE, format->title))));
      if (!format->everything)
        {
          set_annotator (dialog, "bruno");
          gtk_check_button_set_active (row_check (dialog, CAT), FALSE);
          gtk_check_button_set_active (row_check (dialog, "New"), FALSE);
        }
      set_media (dialog, FALSE);
      calque_export_dialog_set_destination (dialog, path);
      if (n_tested == 0 && !format->everything)
        {
          /* The filters as they are set, for a look. */
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find_row (GTK_WIDGET (dialog), "Labels")), TRUE);
          calque_gui_save_screenshot (GTK_WINDOW (dialog), "export-dialog-filters");
        }
      g_assert_cmpstr (run_export (dialog), ==, "done");
      summary = page_text (dialog, "done");

      if (format->everything)
        cli_said = cli_export (f, (const char *[]) { "--format", format->name, "--no-media", "--output", cli_path,
                                                     NULL });
      else
        cli_said = cli_export (f, (const char *[]) { "--format", format->name, "--no-media", "--output", cli_path,
                                                     "--annotator", "bruno", "--label", "dog",
                                                     "--state", "in_progress,submitted,accepted,rejected,none",
                                                     NULL });
      assert_same_tree (path, cli_path);

      /* The counts that calque-cli gives, in the dialog's sentence. */
      if (!format->everything)
        {
          g_autofree char *items = NULL;
          g_autofree char *annotations = NULL;
          g_autofree char *expected = NULL;

          regex = g_regex_new ("Exported (\\d+) items? and (\\d+) annotations?", 0, 0, NULL);
          g_assert_true (g_regex_match (regex, cli_said, 0, &match));
          items = g_match_info_fetch (match, 1);
          annotations = g_match_info_fetch (match, 2);
          expected = g_strdup_printf ("Exported %s item%s and %s annotation%s to %s.", items,
                                      g_str_equal (items, "1") ? "" : "s", annotations,
                                      g_str_equal (annotations, "1") ? "" : "s", path);
          if (!g_str_has_prefix (summary, expected))
            g_error ("the dialog says “%s”, calque-cli “%s”", summary, cli_said);
        }

      gtk_window_destroy (GTK_WINDOW (dialog));
      calque_gui_spin (50);
      n_tested++;
    }

  /* The table has VOC, YOLO and COCO for images: none tried is a regression. */
  g_assert_cmpuint (n_tested, >, 0);
}

/* A project large enough that its export takes a while. */
static void
add_many_items (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_begin (store_of (f), &error));
  for (guint i = 0; i < MANY_ITEMS; i++)
    {
      g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
      g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
      g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
      g_autofree char *name = g_strdup_printf ("many-%05u.png", i);

      calque_record_set_string (item, "media", "image");
      calque_record_set_string (item, "name", name);
      calque_record_set_string (item, "mime", "image/png");
      calque_record_set_string (item, "sha256", f->sha256[0]);
      calque_record_set_int (item, "width", IMAGE_SIZE);
      calque_record_set_int (item, "height", IMAGE_SIZE);
      g_assert_true (calque_store_save (store_of (f), item, &error));

      json_array_add_string_element (json_node_get_array (labels), f->cat);
      calque_record_set_string (annotation, "item", calque_record_get_id (item));
      calque_record_set_string (annotation, "author", "alice");
      calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
      calque_record_set_shape (annotation, calque_shape_new_box (1, 1, 5, 5));
      g_assert_true (calque_store_save (store_of (f), annotation, &error));
    }
  g_assert_true (calque_store_commit (store_of (f), &error));
  g_assert_no_error (error);
}

/* Cancel while the file is being written: back to the options, and no
 * file left, not even the temporary one. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  CalqueExportDialog *dialog;
  g_autofree char *dir = g_build_filename (f->out, "cancelled", NULL);
  g_autofree char *path = g_build_filename (dir, "pets.json", NULL);
  GtkWidget *cancel;
  gint64 started;

  add_many_items (f);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);

  dialog = open_dialog (f);
  set_media (dialog, FALSE);
  calque_export_dialog_set_destination (dialog, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  started = g_get_monotonic_time ();

  /* The writer's temporary file beside the target: it is writing. */
  g_assert_true (calque_gui_wait_for (folder_has_entries, dir));
  g_assert_true (calque_export_dialog_get_exporting (dialog));
  g_assert_cmpstr (visible_page (dialog), ==, "progress");
  g_test_message ("writing after %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "export-dialog-progress");
  g_assert_true (calque_export_dialog_get_exporting (dialog));

  /* The header's Cancel stops the export, not the dialog. */
  cancel = calque_gui_find_button (GTK_WIDGET (dialog), "_Cancel");
  g_assert_nonnull (cancel);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (cancel)), ==, "export.cancel");
  started = g_get_monotonic_time ();
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_true (calque_gui_wait_for (export_ended, dialog));
  g_test_message ("stopped %.0f ms after Cancel", (g_get_monotonic_time () - started) / 1000.0);

  g_assert_nonnull (find_dialog ());
  g_assert_cmpstr (visible_page (dialog), ==, "options");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Export cancelled: “pets.json” was not written"));
  g_assert_cmpuint (count_entries (dir), ==, 0);

  /* It can be started again, and then goes to the end. */
  started = g_get_monotonic_time ();
  g_assert_cmpstr (run_export (dialog), ==, "done");
  g_test_message ("%u items exported in %.0f ms", MANY_ITEMS + 3, (g_get_monotonic_time () - started) / 1000.0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (dir), ==, 1);
}

/* Escape closes the dialog; closed while it exports, the export stops and
 * leaves nothing. */
static void
test_close_while_exporting (Fixture       *f,
                            gconstpointer  data)
{
  CalqueExportDialog *dialog;
  g_autofree char *dir = g_build_filename (f->out, "closed", NULL);
  g_autofree char *path = g_build_filename (dir, "pets.json", NULL);

  dialog = open_dialog (f);
  calque_gui_key ("Escape");
  g_assert_true (calque_gui_wait_for (dialog_gone, NULL));

  add_many_items (f);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  dialog = open_dialog (f);
  set_media (dialog, FALSE);
  calque_export_dialog_set_destination (dialog, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  g_assert_true (calque_gui_wait_for (folder_has_entries, dir));

  calque_gui_key ("Escape");
  g_assert_true (calque_gui_wait_for (dialog_gone, NULL));
  /* The worker thread notices, and its writer removes the temporary file. */
  g_assert_true (calque_gui_wait_for (folder_empty, dir));
  calque_gui_spin (200);
  g_assert_cmpuint (count_entries (dir), ==, 0);
}

/* A destination that cannot be written: the error, naming the path, and
 * nothing written; Back returns to the options. */
static void
test_error (Fixture       *f,
            gconstpointer  data)
{
  CalqueExportDialog *dialog;
  g_autofree char *blocker = g_build_filename (f->out, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "pets.json", NULL);
  const char *message;

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  dialog = open_dialog (f);
  calque_export_dialog_set_destination (dialog, path);
  g_assert_cmpstr (run_export (dialog), ==, "error");
  message = page_text (dialog, "error");
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "not-a-folder"));
  g_assert_cmpuint (count_entries (f->out), ==, 1);
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "export-dialog-error");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.back", NULL));
  g_assert_cmpstr (visible_page (dialog), ==, "options");
  g_assert_true (export_enabled (dialog));
}

/* Without a project shown there is nothing to export. */
static void
test_no_project (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(CalqueWorkspace) workspace = calque_test_workspace_new ("calque-export-dialog", &dir);
  CalqueWindow *window = calque_window_new (app);

  calque_window_set_workspace (window, workspace);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export"));
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

  /* xdotool drives the X server: X, not Wayland. */
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/export-dialog/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/export-dialog/json", Fixture, NULL, fixture_set_up, test_json, fixture_tear_down);
  g_test_add ("/gui/export-dialog/other-formats", Fixture, NULL, fixture_set_up, test_other_formats,
              fixture_tear_down);
  g_test_add ("/gui/export-dialog/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/gui/export-dialog/close-while-exporting", Fixture, NULL, fixture_set_up,
              test_close_while_exporting, fixture_tear_down);
  g_test_add ("/gui/export-dialog/error", Fixture, NULL, fixture_set_up, test_error, fixture_tear_down);
  g_test_add_func ("/gui/export-dialog/no-project", test_no_project);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
