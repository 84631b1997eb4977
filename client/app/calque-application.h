/* calque-application.h — the Calque desktop application
 *
 * Parses the command line (--workspace), chooses which workspace a window
 * opens, owns the settings, the app-wide actions and their accelerators.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_APPLICATION (calque_application_get_type ())
G_DECLARE_FINAL_TYPE (CalqueApplication, calque_application, CALQUE, APPLICATION, AdwApplication)

CalqueApplication *calque_application_new           (void);
/* NULL when the org.calque.Calque schema is not installed. */
GSettings         *calque_application_get_settings  (CalqueApplication *self);
/* The folder a new window opens: @requested (from --workspace or
 * $CALQUE_WORKSPACE) if given, else the `workspace` setting if that folder
 * exists, else the default workspace, which @out_is_default marks so that
 * the caller may create it. */
char              *calque_application_choose_workspace (CalqueApplication *self,
                                                        const char        *requested,
                                                        gboolean          *out_is_default);
/* Opens a window on @path (creating the workspace first when @create is
 * set and there is none), or presents the window that shows it already. */
GtkWindow         *calque_application_open_window   (CalqueApplication *self,
                                                     const char        *path,
                                                     gboolean           create);

G_END_DECLS
