/* calque-gui-input.h — real pointer and key input, through the X server
 *
 * The gui tests drive windows the way a person does: xdotool sends events
 * to the X server (XTEST), and they come back through GDK and the widgets'
 * controllers. The tests set GDK_BACKEND=x11 for this.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Runs xdotool with @args (NULL-terminated), the main loop turning
 * meanwhile, then lets GTK take in what the server sends; asserts that
 * xdotool succeeded. */
void calque_gui_xdotool    (const char * const *args);
/* Moves the pointer over point (@x, @y) of @widget, in its coordinates. */
void calque_gui_pointer_to (GtkWidget          *widget,
                            double              x,
                            double              y);
/* Presses and releases @keys, in xdotool's words: "ctrl+z", "Return". */
void calque_gui_key        (const char         *keys);

G_END_DECLS
