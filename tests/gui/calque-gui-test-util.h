/* calque-gui-test-util.h — waiting on, finding in and photographing real windows */
#pragma once

#include <gtk/gtk.h>

#include "calque-application.h"
#include "calque-item-page.h"
#include "calque-window.h"

G_BEGIN_DECLS

#define WINDOW_WIDTH  1100
#define WINDOW_HEIGHT 720

typedef gboolean (*CalqueGuiCondition) (gpointer data);

/* Sets up a gui test program: settings in memory, no workspace from the
 * environment, no accessibility bus, GDK on X11 when @x11 (xdotool drives
 * the X server), g_test_init(), then GTK with the cursor not blinking (so
 * screenshots are steady). FALSE when there is no display: the caller
 * registers a skipped test and runs. */
gboolean  calque_gui_test_init       (int                 *argc,
                                      char              ***argv,
                                      gboolean             x11);
/* A registered CalqueApplication, for the windows under test to belong to. */
CalqueApplication *calque_gui_application_new (void);
/* The page @window shows an open item in. */
CalqueItemPage *calque_gui_item_page (CalqueWindow *window);

/* Runs the main context for @ms milliseconds. */
void      calque_gui_spin            (guint               ms);
/* Runs the main context until @condition holds, for 10 s at most;
 * returns whether it holds. */
gboolean  calque_gui_wait_for        (CalqueGuiCondition  condition,
                                      gpointer            data);
/* A mapped label showing exactly @text under @root, or NULL. */
GtkLabel *calque_gui_find_label      (GtkWidget          *root,
                                      const char         *text);
GtkLabel *calque_gui_wait_for_label  (GtkWidget          *root,
                                      const char         *text);
/* The first widget of @type under @root (itself included), depth first, or NULL. */
GtkWidget *calque_gui_find_widget    (GtkWidget          *root,
                                      GType               type);
/* The first button under @root whose label is @label ("_Export"), or NULL. */
GtkWidget *calque_gui_find_button    (GtkWidget          *root,
                                      const char         *label);
/* Whether @data, a window, is on screen at about the tests' size. */
gboolean  calque_gui_window_drawn    (gpointer            data);
/* Whether @data, a widget, is mapped and has a size: a dialog on screen. */
gboolean  calque_gui_widget_shown     (gpointer            data);
/* Shows @window at the tests' size and waits until it is drawn. */
void      calque_gui_present         (GtkWindow          *window);
/* $CALQUE_BUILD_DIR/tests/gui/screenshots, made if need be. */
char     *calque_gui_screenshot_dir  (void);
/* Saves @window as $CALQUE_BUILD_DIR/tests/gui/screenshots/NAME.png, and
 * the whole screen beside it when ImageMagick's import is there. */
void      calque_gui_save_screenshot (GtkWindow          *window,
                                      const char         *name);

G_END_DECLS
