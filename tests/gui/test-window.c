/* test-window.c — the real main window, driven through its actions
 *
 * Builds workspaces with the real store in a temporary folder, opens them
 * in CalqueWindow inside a registered CalqueApplication, and checks what a
 * user would see: the projects, the items of each, literal user text, the
 * titles, reload, the empty and error states. Screenshots of the key steps
 * go to $CALQUE_BUILD_DIR/tests/gui/screenshots/.
 */
#define G_LOG_DOMAIN "test-window"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "calque-application.h"
#include "calque-format.h"
#include "calque-gui-test-util.h"
#include "calque-test-util.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define MARKUP_NAME_1 "<b>markup</b> & stuff 1"
#define MARKUP_NAME_2 "<b>markup</b> & stuff 2"
#define TEXT_PROJECT  "Reviews & <i>notes</i>"
#define LONG_REVIEW   "The battery lasts all day and the screen is sharp,\nbut the speakers " \
                      "are tinny & the <b>case</b> scratches far too easily for the price."

/* A GtkApplication registers once per process; every test shares it. */
static CalqueApplication *app;

typedef struct {
  char            *tmpdir;
  char            *path;
  CalqueWorkspace *workspace;
  char            *image_project;
  char            *text_project;
  CalqueWindow    *window;
} Fixture;

/* Helpers for the store */

static char *
add_project (CalqueStore *store,
             const char  *name,
             const char  *type)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", type);
  g_assert_true (calque_store_save (store, project, &error));
  g_assert_no_error (error);

  return g_strdup (calque_record_get_id (project));
}

static CalqueRecord *
new_item (const char *project_id,
          const char *media,
          const char *name,
          const char *mime,
          gint64      size)
{
  CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, project_id);
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

  calque_record_set_string (item, "media", media);
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", mime);
  calque_record_set_int (item, "size", size);
  calque_record_set_string (item, "sha256", sha256);

  return item;
}

static void
add_image (CalqueStore *store,
           const char  *project_id,
           const char  *name,
           int          width,
           int          height,
           gint64       size)
{
  g_autoptr(CalqueRecord) item = new_item (project_id, "image", name, "image/jpeg", size);
  g_autoptr(GError) error = NULL;

  calque_record_set_int (item, "width", width);
  calque_record_set_int (item, "height", height);
  g_assert_true (calque_store_save (store, item, &error));
  g_assert_no_error (error);
}

static void
add_text (CalqueStore *store,
          const char  *project_id,
          const char  *name,
          const char  *text)
{
  g_autoptr(CalqueRecord) item = new_item (project_id, "text", name, "text/plain", strlen (text));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "text", text);
  g_assert_true (calque_store_save (store, item, &error));
  g_assert_no_error (error);
}


/* Helpers for the UI */

static gpointer
template_child (CalqueWindow *window,
                const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), CALQUE_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static guint
n_projects (CalqueWindow *window)
{
  GtkListView *view = template_child (window, "project_view");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (view)));
}

static guint
n_items_shown (CalqueWindow *window)
{
  GtkColumnView *view = template_child (window, "item_view");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)));
}

static const char *
visible_page (CalqueWindow *window)
{
  return gtk_stack_get_visible_child_name (template_child (window, "content_stack"));
}

static void
destroy_window (CalqueWindow **window)
{
  if (*window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (*window));
      *window = NULL;
      calque_gui_spin (50);
    }
}

/* Fixtures */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  CalqueStore *store;

  fixture->tmpdir = g_dir_make_tmp ("calque-gui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->tmpdir, "field-study", NULL);
  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);

  fixture->workspace = calque_workspace_create (fixture->path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (fixture->workspace);

  fixture->image_project = add_project (store, "Birds", "image");
  add_image (store, fixture->image_project, "heron.jpg", 640, 480, 87000);
  add_image (store, fixture->image_project, "kingfisher-on-a-branch-near-the-river.jpg", 4032, 3024, 2400000);
  add_image (store, fixture->image_project, "owl.jpg", 800, 600, 120500);

  fixture->text_project = add_project (store, TEXT_PROJECT, "text");
  add_text (store, fixture->text_project, MARKUP_NAME_1, "Works as described.");
  add_text (store, fixture->text_project, MARKUP_NAME_2, LONG_REVIEW);

  /* Nothing the last test chose may leak into this one. */
  if (calque_application_get_settings (app) != NULL)
    {
      g_settings_reset (calque_application_get_settings (app), "last-project");
      g_settings_reset (calque_application_get_settings (app), "workspace");
    }

  fixture->window = calque_window_new (app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  destroy_window (&fixture->window);
  g_clear_object (&fixture->workspace);
  calque_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->path);
  g_free (fixture->image_project);
  g_free (fixture->text_project);
}

static void
open_fixture (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_window_open_workspace (fixture->window, fixture->path, &error));
  g_assert_no_error (error);
  calque_gui_present (GTK_WINDOW (fixture->window));
}

/* Tests */

static void
test_format_details (void)
{
  g_autoptr(CalqueRecord) image = new_item ("0192d4e0-0000-7000-8000-000000000001",
                                            "image", "a.png", "image/png", 87000);
  g_autoptr(CalqueRecord) audio = new_item ("0192d4e0-0000-7000-8000-000000000001",
                                            "audio", "a.wav", "audio/x-wav", 45000);
  g_autoptr(CalqueRecord) text = new_item ("0192d4e0-0000-7000-8000-000000000001",
                                           "text", "a.csv:12", "text/csv", 300);
  g_autofree char *image_details = NULL;
  g_autofree char *audio_details = NULL;
  g_autofree char *text_details = NULL;
  g_autofree char *one = calque_format_item_count (1);
  g_autofree char *three = calque_format_item_count (3);
  g_autofree char *short_clip = calque_format_duration (2.44);
  g_autofree char *minutes = calque_format_duration (185);
  g_autofree char *hours = calque_format_duration (3723);
  g_autofree char *excerpt = calque_format_text_excerpt ("  one\n\ttwo   three ", 80);
  g_autofree char *cut = calque_format_text_excerpt ("abcdef ghij", 6);
  g_autofree char *exact = calque_format_text_excerpt ("abcdef", 6);

  calque_record_set_int (image, "width", 640);
  calque_record_set_int (image, "height", 480);
  image_details = calque_format_item_details (image);
  g_assert_cmpstr (image_details, ==, "640×480 · 87.0\u00a0kB");

  calque_record_set_double (audio, "duration", 2.4);
  audio_details = calque_format_item_details (audio);
  g_assert_cmpstr (audio_details, ==, "2.4 s · 45.0\u00a0kB");

  calque_record_set_string (text, "text", LONG_REVIEW);
  text_details = calque_format_item_details (text);
  /* 80 characters at most, then the ellipsis */
  g_assert_cmpint (g_utf8_strlen (text_details, -1), <=, 81);
  g_assert_cmpint (g_utf8_strlen (text_details, -1), >=, 75);
  g_assert_true (g_str_has_prefix (text_details, "The battery lasts all day and the screen is sharp, but"));
  g_assert_true (g_str_has_suffix (text_details, "…"));
  g_assert_null (strchr (text_details, '\n'));

  g_assert_cmpstr (one, ==, "1 item");
  g_assert_cmpstr (three, ==, "3 items");
  g_assert_cmpstr (short_clip, ==, "2.4 s");
  g_assert_cmpstr (minutes, ==, "3:05");
  g_assert_cmpstr (hours, ==, "1:02:03");
  g_assert_cmpstr (excerpt, ==, "one two three");
  g_assert_cmpstr (cut, ==, "abcdef…");
  g_assert_cmpstr (exact, ==, "abcdef");
}

static void
test_projects (Fixture       *fixture,
               gconstpointer  user_data)
{
  AdwWindowTitle *window_title;
  GtkLabel *label;

  open_fixture (fixture);

  g_assert_cmpuint (n_projects (fixture->window), ==, 2);

  /* The workspace is named in the window title and the header's subtitle. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "field-study — Calque");
  window_title = template_child (fixture->window, "window_title");
  g_assert_cmpstr (adw_window_title_get_subtitle (window_title), ==, "field-study");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (window_title), "field-study"));

  /* Both projects are in the sidebar, named literally, with their counts. */
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (fixture->window), "Birds"));
  label = calque_gui_wait_for_label (template_child (fixture->window, "project_view"), TEXT_PROJECT);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "project_view"), "3 items"));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "project_view"), "2 items"));

  /* With no project remembered, the first one is shown. */
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->image_project);
  g_assert_cmpstr (visible_page (fixture->window), ==, "items");

  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "01-image-project");
}

static void
test_items (Fixture       *fixture,
            gconstpointer  user_data)
{
  AdwWindowTitle *content_title;
  GtkLabel *label;
  g_autofree char *long_excerpt = calque_format_text_excerpt (LONG_REVIEW, 80);

  open_fixture (fixture);
  content_title = template_child (fixture->window, "content_title");

  g_assert_true (calque_window_select_project (fixture->window, fixture->image_project));
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 3);
  g_assert_cmpstr (adw_window_title_get_title (content_title), ==, "Birds");
  g_assert_cmpstr (adw_window_title_get_subtitle (content_title), ==, "3 items");
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "item_view"), "heron.jpg"));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "item_view"), "640×480 · 87.0\u00a0kB"));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "item_view"), "Image"));

  g_assert_true (calque_window_select_project (fixture->window, fixture->text_project));
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 2);
  g_assert_cmpstr (adw_window_title_get_title (content_title), ==, TEXT_PROJECT);
  g_assert_cmpstr (adw_window_title_get_subtitle (content_title), ==, "2 items");

  /* User text is shown as typed, never parsed as markup. */
  label = calque_gui_wait_for_label (template_child (fixture->window, "item_view"), MARKUP_NAME_1);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  g_assert_cmpstr (gtk_label_get_label (label), ==, MARKUP_NAME_1);
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "item_view"), MARKUP_NAME_2));
  label = calque_gui_wait_for_label (template_child (fixture->window, "item_view"), long_excerpt);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "content_title"), TEXT_PROJECT));

  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "02-text-project");
}

static void
test_reload (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *added = NULL;

  open_fixture (fixture);
  g_assert_true (calque_window_select_project (fixture->window, fixture->text_project));

  /* Someone else (calque-cli, say) writes to the store while the window is open. */
  added = add_project (calque_workspace_get_store (fixture->workspace), "Alarm calls", "audio");
  add_text (calque_workspace_get_store (fixture->workspace), fixture->text_project,
            "late.txt", "Arrived after the reload.");
  g_assert_cmpuint (n_projects (fixture->window), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  g_assert_cmpuint (n_projects (fixture->window), ==, 3);
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "project_view"), "Alarm calls"));

  /* The project in view stays in view, and shows what was added to it. */
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->text_project);
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 3);

  /* A project without items says so. */
  g_assert_true (calque_window_select_project (fixture->window, added));
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 0);
  g_assert_cmpstr (visible_page (fixture->window), ==, "empty-project");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (fixture->window), "No Items in This Project"));

  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "03-empty-project");
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_auto(GStrv) reload_accels = NULL;
  g_auto(GStrv) next_accels = NULL;

  open_fixture (fixture);

  reload_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.reload");
  g_assert_true (g_strv_contains ((const char * const *) reload_accels, "F5"));
  next_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.next-project");
  g_assert_true (g_strv_contains ((const char * const *) next_accels, "<Alt>Down"));

  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->image_project);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.next-project", NULL));
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->text_project);
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 2);

  /* At the end of the list the selection stays put. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.next-project", NULL));
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->text_project);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.previous-project", NULL));
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (fixture->window)), ==,
                   fixture->image_project);
  g_assert_cmpuint (n_items_shown (fixture->window), ==, 3);
}

static void
test_last_project (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GSettings *settings = calque_application_get_settings (app);
  g_autofree char *last_project = NULL;
  g_autofree char *last_workspace = NULL;
  CalqueWindow *again;

  g_assert_nonnull (settings);
  open_fixture (fixture);
  g_assert_true (calque_window_select_project (fixture->window, fixture->text_project));
  last_project = g_settings_get_string (settings, "last-project");
  g_assert_cmpstr (last_project, ==, fixture->text_project);
  last_workspace = g_settings_get_string (settings, "workspace");
  g_assert_cmpstr (last_workspace, ==, fixture->path);

  gtk_window_close (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  calque_gui_spin (50);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, WINDOW_WIDTH);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, WINDOW_HEIGHT);

  /* The next start shows the project the user left. */
  again = calque_window_new (app);
  fixture->window = again;
  g_assert_true (calque_window_open_workspace (again, fixture->path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_id (calque_window_get_project (again)), ==,
                   fixture->text_project);
  g_assert_cmpuint (n_items_shown (again), ==, 2);
}

static GtkWindow *
find_toplevel (GType      type,
               GtkWindow *transient_for)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) &&
          gtk_window_get_transient_for (GTK_WINDOW (toplevel)) == transient_for &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return GTK_WINDOW (toplevel);
    }

  return NULL;
}

static gboolean
shortcuts_shown (gpointer data)
{
  return find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, data) != NULL;
}

static gboolean
about_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_ABOUT_WINDOW, data) != NULL;
}

static void
test_menu_windows (Fixture       *fixture,
                   gconstpointer  user_data)
{
  GtkWindow *window = GTK_WINDOW (fixture->window);
  GtkWindow *shortcuts;
  GtkWindow *about;
  GtkMenuButton *menu_button;
  GtkWidget *popover;

  open_fixture (fixture);

  /* The primary menu offers every window and app action. */
  menu_button = template_child (fixture->window, "menu_button");
  gtk_menu_button_popup (menu_button);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (menu_button));
  g_assert_nonnull (popover);
  g_assert_nonnull (calque_gui_wait_for_label (popover, "Open Workspace…"));
  g_assert_nonnull (calque_gui_wait_for_label (popover, "Reload"));
  g_assert_nonnull (calque_gui_wait_for_label (popover, "Keyboard Shortcuts"));
  g_assert_nonnull (calque_gui_wait_for_label (popover, "About Calque"));
  g_assert_nonnull (calque_gui_wait_for_label (popover, "Quit"));
  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "07-primary-menu");
  gtk_menu_button_popdown (menu_button);

  /* The shortcuts window comes from the resources, through GtkApplication. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (calque_gui_wait_for (shortcuts_shown, window));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, window);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (shortcuts), "Open Workspace"));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (shortcuts), "Next Project"));
  gtk_window_close (shortcuts);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (calque_gui_wait_for (about_shown, window));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW, window);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, CALQUE_VERSION);
  gtk_window_destroy (about);
  calque_gui_spin (50);
}

static gboolean
leaflet_shows_content (gpointer data)
{
  CalqueWindow *window = data;
  AdwLeaflet *leaflet = template_child (window, "leaflet");

  return adw_leaflet_get_visible_child (leaflet) == template_child (window, "content");
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  AdwLeaflet *leaflet = template_child (fixture->window, "leaflet");

  g_assert_true (calque_window_open_workspace (fixture->window, fixture->path, &error));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 560, 640);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (calque_gui_wait_for (calque_gui_window_drawn, fixture->window));
  calque_gui_spin (100);

  /* Too narrow for two panes: the projects come first, alone. */
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == template_child (fixture->window, "sidebar"));
  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "08-narrow-projects");

  /* Choosing a project shows its items, with a way back. */
  g_assert_true (calque_window_select_project (fixture->window, fixture->text_project));
  g_assert_true (calque_gui_wait_for (leaflet_shows_content, fixture->window));
  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, "back_button")));
  g_assert_nonnull (calque_gui_wait_for_label (template_child (fixture->window, "item_view"), MARKUP_NAME_1));
  calque_gui_save_screenshot (GTK_WINDOW (fixture->window), "09-narrow-items");

  gtk_widget_activate (template_child (fixture->window, "back_button"));
  calque_gui_spin (400);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == template_child (fixture->window, "sidebar"));

  /* Activating the project already selected (Enter) goes to its items too. */
  g_signal_emit_by_name (template_child (fixture->window, "project_view"), "activate", 1);
  g_assert_true (calque_gui_wait_for (leaflet_shows_content, fixture->window));
}

static void
test_empty_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = g_dir_make_tmp ("calque-gui-XXXXXX", &error);
  g_autoptr(CalqueWorkspace) workspace = calque_workspace_create (tmpdir, &error);
  CalqueWindow *window;

  g_assert_no_error (error);

  window = calque_window_new (app);
  g_assert_true (calque_window_open_workspace (window, tmpdir, &error));
  g_assert_no_error (error);
  calque_gui_present (GTK_WINDOW (window));

  g_assert_cmpuint (n_projects (window), ==, 0);
  g_assert_cmpuint (n_items_shown (window), ==, 0);
  g_assert_null (calque_window_get_project (window));
  g_assert_cmpstr (visible_page (window), ==, "no-projects");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (window), "No Projects Yet"));

  calque_gui_save_screenshot (GTK_WINDOW (window), "04-empty-workspace");

  destroy_window (&window);
  g_clear_object (&workspace);
  calque_test_remove_tree (tmpdir);
}

static void
test_not_a_workspace (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = g_build_filename (fixture->tmpdir, "holiday <photos> & more", NULL);
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "no-such-folder", NULL);
  AdwStatusPage *error_page;
  AdwMessageDialog *dialog = NULL;
  GListModel *toplevels;
  CalqueWindow *window = fixture->window;

  g_assert_cmpint (g_mkdir (plain, 0700), ==, 0);

  g_assert_false (calque_window_open_workspace (window, plain, &error));
  g_assert_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_NOT_A_WORKSPACE);
  calque_gui_present (GTK_WINDOW (window));

  g_assert_null (calque_window_get_workspace (window));
  g_assert_cmpstr (visible_page (window), ==, "error");
  g_assert_cmpuint (n_projects (window), ==, 0);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "holiday <photos> & more — Calque");
  error_page = template_child (window, "error_page");
  /* The page's description is markup: the message must come through intact. */
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (error_page), error->message));

  calque_gui_save_screenshot (GTK_WINDOW (window), "05-not-a-workspace");

  /* Reloading tries again, and still fails without crashing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  g_assert_cmpstr (visible_page (window), ==, "error");

  /* A missing folder is an error too. */
  g_clear_error (&error);
  g_assert_false (calque_window_open_workspace (window, missing, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (visible_page (window), ==, "error");

  /* Once a workspace is shown, choosing a bad folder keeps it and explains. */
  g_clear_error (&error);
  g_assert_true (calque_window_open_workspace (window, fixture->path, &error));
  g_assert_no_error (error);
  g_assert_false (calque_window_switch_workspace (window, plain));
  g_assert_cmpstr (calque_window_get_path (window), ==, fixture->path);
  g_assert_cmpuint (n_projects (window), ==, 2);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) &&
          gtk_window_get_transient_for (GTK_WINDOW (toplevel)) == GTK_WINDOW (window))
        dialog = ADW_MESSAGE_DIALOG (toplevel);
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Not a Workspace");
  g_assert_true (adw_message_dialog_has_response (dialog, "create"));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog),
                                    "The folder “holiday <photos> & more” holds no Calque workspace. "
                                    "A new, empty workspace can be created in it."));
  calque_gui_save_screenshot (GTK_WINDOW (CALQUE_WINDOW (window)), "06-not-a-workspace-dialog");

  /* Accepting makes the folder a workspace, and the window shows it. */
  adw_message_dialog_response (dialog, "create");
  calque_gui_spin (100);
  g_assert_cmpstr (calque_window_get_path (window), ==, plain);
  g_assert_nonnull (calque_window_get_workspace (window));
  g_assert_cmpstr (visible_page (window), ==, "no-projects");
}

static void
test_choose_workspace (void)
{
  GSettings *settings = calque_application_get_settings (app);
  g_autofree char *tmpdir = g_dir_make_tmp ("calque-gui-XXXXXX", NULL);
  g_autofree char *gone = g_build_filename (tmpdir, "gone", NULL);
  g_autofree char *requested = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *default_path = NULL;
  gboolean is_default = TRUE;

  g_assert_nonnull (settings);
  g_settings_set_string (settings, "workspace", tmpdir);

  requested = calque_application_choose_workspace (app, "/srv/annotations", &is_default);
  g_assert_cmpstr (requested, ==, "/srv/annotations");
  g_assert_false (is_default);

  remembered = calque_application_choose_workspace (app, NULL, &is_default);
  g_assert_cmpstr (remembered, ==, tmpdir);
  g_assert_false (is_default);

  /* A remembered folder that no longer exists is passed over. */
  g_settings_set_string (settings, "workspace", gone);
  fallback = calque_application_choose_workspace (app, NULL, &is_default);
  default_path = calque_workspace_default_path ();
  g_assert_cmpstr (fallback, ==, default_path);
  g_assert_true (is_default);

  g_settings_reset (settings, "workspace");
  calque_test_remove_tree (tmpdir);
}

static void
wait_check_async_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* The installed program, not the library: its command line, its start-up
 * on a real workspace and on a folder that is not one. */
static void
test_binary (Fixture       *fixture,
             gconstpointer  user_data)
{
  const char *binary = g_getenv ("CALQUE_APP_BINARY");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) version = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *plain = g_build_filename (fixture->tmpdir, "plain", NULL);
  const char *workspaces[] = { fixture->path, plain };
  g_autofree char *import = g_find_program_in_path ("import");

  if (binary == NULL)
    {
      g_test_skip ("CALQUE_APP_BINARY is not set (meson sets it)");
      return;
    }
  g_assert_cmpint (g_mkdir (plain, 0700), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);

  version = g_subprocess_launcher_spawn (launcher, &error, binary, "--version", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (version, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (version));
  g_assert_cmpstr (out, ==, "calque " CALQUE_VERSION "\n");

  for (guint i = 0; i < G_N_ELEMENTS (workspaces); i++)
    {
      g_autoptr(GSubprocess) app_process = NULL;
      g_autofree char *name = g_strdup_printf ("10-binary-%u", i + 1);
      gboolean done = FALSE;

      app_process = g_subprocess_launcher_spawn (launcher, &error, binary,
                                                 "--workspace", workspaces[i], NULL);
      g_assert_no_error (error);
      g_subprocess_wait_async (app_process, NULL, wait_check_async_cb, &done);

      /* Still running after start-up: the window is up, not a crash. */
      calque_gui_spin (2500);
      g_assert_false (done);

      if (import != NULL && g_getenv ("DISPLAY") != NULL)
        {
          g_autofree char *dir = calque_gui_screenshot_dir ();
          g_autofree char *file = g_strdup_printf ("%s/%s-screen.png", dir, name);
          const char *argv[] = { import, "-window", "root", file, NULL };

          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL);
          g_test_message ("screenshot: %s", file);
        }

      g_subprocess_send_signal (app_process, SIGTERM);
      g_assert_true (calque_gui_wait_for (flag_set, &done));
      g_assert_true (g_subprocess_get_if_signaled (app_process));
      g_assert_cmpint (g_subprocess_get_term_sig (app_process), ==, SIGTERM);
    }
}

static void
test_no_display (void)
{
  g_test_skip ("no display to open windows on (run under xvfb-run)");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Whatever the caller's environment, never touch the user's settings. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("CALQUE_WORKSPACE");
  /* GTK 4's accessibility backend wants a session bus, which a bare xvfb-run
   * does not have, and says so in a warning that GTest makes fatal. */
  if (g_getenv ("GTK_A11Y") == NULL || g_getenv ("GTK_A11Y")[0] == '\0')
    g_setenv ("GTK_A11Y", "none", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/window/no-display", test_no_display);
      return g_test_run ();
    }

  app = calque_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/gui/format/details", test_format_details);
  g_test_add ("/gui/window/projects", Fixture, NULL, fixture_set_up, test_projects, fixture_tear_down);
  g_test_add ("/gui/window/items", Fixture, NULL, fixture_set_up, test_items, fixture_tear_down);
  g_test_add ("/gui/window/reload", Fixture, NULL, fixture_set_up, test_reload, fixture_tear_down);
  g_test_add ("/gui/window/keyboard", Fixture, NULL, fixture_set_up, test_keyboard, fixture_tear_down);
  g_test_add ("/gui/window/last-project", Fixture, NULL, fixture_set_up, test_last_project, fixture_tear_down);
  g_test_add ("/gui/window/menu-windows", Fixture, NULL, fixture_set_up, test_menu_windows, fixture_tear_down);
  g_test_add ("/gui/window/narrow", Fixture, NULL, fixture_set_up, test_narrow, fixture_tear_down);
  g_test_add_func ("/gui/window/empty-workspace", test_empty_workspace);
  g_test_add ("/gui/window/not-a-workspace", Fixture, NULL, fixture_set_up, test_not_a_workspace,
              fixture_tear_down);
  g_test_add_func ("/gui/app/choose-workspace", test_choose_workspace);
  g_test_add ("/gui/app/binary", Fixture, NULL, fixture_set_up, test_binary, fixture_tear_down);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
