/* calque-gui-input.c — real pointer and key input, through the X server */
#include "calque-gui-input.h"

#include <gdk/x11/gdkx.h>
#include <math.h>

#include "calque-gui-test-util.h"

static void
process_waited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

void
calque_gui_xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, process_waited_cb, &done);
  g_assert_true (calque_gui_wait_for (flag_set, &done));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  /* Let GTK take in what the server now sends it. */
  calque_gui_spin (60);
}

void
calque_gui_pointer_to (GtkWidget *widget,
                       double     x,
                       double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t in_window;
  double nx, ny;
  g_autofree char *window_id = NULL;
  g_autofree char *sx = NULL;
  g_autofree char *sy = NULL;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &in_window));
  gtk_native_get_surface_transform (native, &nx, &ny);
  window_id = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  sx = g_strdup_printf ("%d", (int) lround (in_window.x + nx));
  sy = g_strdup_printf ("%d", (int) lround (in_window.y + ny));
  calque_gui_xdotool ((const char *[]) { "mousemove", "--window", window_id, sx, sy, NULL });
}

void
calque_gui_key (const char *keys)
{
  calque_gui_xdotool ((const char *[]) { "key", keys, NULL });
}
