/* calque-gui-test-util.c — waiting on, finding in and photographing real windows */
#define G_LOG_DOMAIN "calque-gui-test"

#include <glib/gstdio.h>

#include "calque-gui-test-util.h"

/* What is pending after a spin may take this long more to settle: a
 * transition that ends, the idle work it held back. */
#define SETTLE_MS 400

/* Dispatches what is ready until nothing is, but not past @until: "until
 * nothing is" may never come. While something animates (the audio view's
 * cursor as it plays) and a frame takes longer to draw than the frame
 * interval — the whole window by software GL under Xvfb takes 25 ms —
 * the next frame is always due; an unbounded loop would end only with the
 * animation, and its caller would see the state after it (a segment
 * preview already over when the test looks whether it plays). */
static void
dispatch_ready (gint64 until)
{
  while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < until)
    ;
}

void
calque_gui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      dispatch_ready (end);
      g_usleep (2 * G_TIME_SPAN_MILLISECOND);
    }
  /* Idle work waits while the frames of a CSS transition keep coming:
   * what a key started is done when spin returns, as before. */
  dispatch_ready (end + SETTLE_MS * G_TIME_SPAN_MILLISECOND);
}

gboolean
calque_gui_wait_for (CalqueGuiCondition condition,
                     gpointer           data)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < end)
    {
      if (condition (data))
        return TRUE;
      /* The condition is looked at again at least every 5 ms. */
      dispatch_ready (MIN (end, g_get_monotonic_time () + 5 * G_TIME_SPAN_MILLISECOND));
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }

  return condition (data);
}

GtkLabel *
calque_gui_find_label (GtkWidget  *root,
                       const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0 &&
      gtk_widget_get_mapped (root))
    return GTK_LABEL (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = calque_gui_find_label (child, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelQuery;

static gboolean
label_shown (gpointer data)
{
  LabelQuery *query = data;

  return calque_gui_find_label (query->root, query->text) != NULL;
}

GtkLabel *
calque_gui_wait_for_label (GtkWidget  *root,
                           const char *text)
{
  LabelQuery query = { root, text };

  calque_gui_wait_for (label_shown, &query);
  return calque_gui_find_label (root, text);
}

gboolean
calque_gui_window_drawn (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) >= WINDOW_WIDTH / 2;
}

GtkWidget *
calque_gui_find_button (GtkWidget  *root,
                        const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = calque_gui_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
calque_gui_widget_shown (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

void
calque_gui_present (GtkWindow *window)
{
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (calque_gui_wait_for (calque_gui_window_drawn, window));
}

char *
calque_gui_screenshot_dir (void)
{
  const char *build_dir = g_getenv ("CALQUE_BUILD_DIR");
  char *dir = g_build_filename (build_dir != NULL ? build_dir : g_get_tmp_dir (),
                                "tests", "gui", "screenshots", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

/* Renders the window as GTK draws it, and the whole X screen with
 * ImageMagick's `import` when that is installed. */
void
calque_gui_save_screenshot (GtkWindow  *window,
                            const char *name)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = calque_gui_screenshot_dir ();
  g_autofree char *file = g_strdup_printf ("%s/%s.png", dir, name);
  g_autofree char *import = g_find_program_in_path ("import");
  GtkSnapshot *snapshot;
  int width, height;

  /* Let pending layout, transitions and icon loads settle. */
  gtk_widget_queue_draw (widget);
  calque_gui_spin (400);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, file));

  /* The file is what a reviewer will look at: it must be the whole window. */
  reloaded = gdk_texture_new_from_filename (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (reloaded), ==, width);
  g_assert_cmpint (gdk_texture_get_height (reloaded), ==, height);
  g_test_message ("screenshot: %s", file);

  if (import != NULL && g_getenv ("DISPLAY") != NULL)
    {
      g_autofree char *screen_file = g_strdup_printf ("%s/%s-screen.png", dir, name);
      const char *argv[] = { import, "-window", "root", screen_file, NULL };
      int status = 0;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_test_message ("import -window root failed: %s", error->message);
    }
}


GtkWidget *
calque_gui_find_widget (GtkWidget *root,
                        GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = calque_gui_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
calque_gui_test_init (int      *argc,
                      char   ***argv,
                      gboolean  x11)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("CALQUE_WORKSPACE");
  if (g_getenv ("GTK_A11Y") == NULL || g_getenv ("GTK_A11Y")[0] == '\0')
    g_setenv ("GTK_A11Y", "none", TRUE);
  if (x11)
    g_setenv ("GDK_BACKEND", "x11", TRUE);

  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    return FALSE;
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  return TRUE;
}

CalqueApplication *
calque_gui_application_new (void)
{
  CalqueApplication *app = calque_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

CalqueItemPage *
calque_gui_item_page (CalqueWindow *window)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), CALQUE_TYPE_WINDOW,
                                                              "content_stack"));

  return CALQUE_ITEM_PAGE (gtk_stack_get_child_by_name (stack, "item"));
}
