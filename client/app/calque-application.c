/* calque-application.c — the Calque desktop application */
#define G_LOG_DOMAIN "calque-application"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "calque-application.h"
#include "calque-window.h"
#include "calque-workspace.h"

struct _CalqueApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CalqueApplication, calque_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "workspace", 'w', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the workspace in DIR instead of the last one"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, CALQUE_APP_ID, TRUE);

  if (schema == NULL)
    {
      /* Only a broken installation gets here; the app still works. */
      g_warning ("The settings schema %s is not installed; window size and the last "
                 "workspace will not be remembered", CALQUE_APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
window_shows_path (GtkWindow  *window,
                   const char *path)
{
  g_autoptr(GFile) shown_file = NULL;
  g_autoptr(GFile) path_file = NULL;
  const char *shown;

  if (!CALQUE_IS_WINDOW (window))
    return FALSE;

  shown = calque_window_get_path (CALQUE_WINDOW (window));
  if (shown == NULL)
    return FALSE;

  /* g_file_equal() sees through "dir/" and "dir/./" spellings of one folder. */
  shown_file = g_file_new_for_path (shown);
  path_file = g_file_new_for_path (path);
  return g_file_equal (shown_file, path_file);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  CalqueApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  g_autoptr(GList) copy = g_list_copy (windows);

  /* Closing rather than quitting lets each window save its state. */
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CalqueApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Calque"),
                        "application-icon", CALQUE_APP_ID,
                        "developer-name", _("The Calque developers"),
                        "version", CALQUE_VERSION,
                        "comments", _("Annotate images, texts and audio together, online or offline."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "about", .activate = about_activated_cb },
};

static gint
calque_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("calque %s\n", CALQUE_VERSION);
      return 0;
    }

  return -1;
}

static int
calque_application_command_line (GApplication            *application,
                                 GApplicationCommandLine *command_line)
{
  CalqueApplication *self = CALQUE_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *requested = NULL;
  g_autofree char *path = NULL;
  const char *option = NULL;
  gboolean is_default = FALSE;

  if (g_variant_dict_lookup (options, "workspace", "^&ay", &option) && option[0] != '\0')
    {
      /* Relative to where the command ran, which may be another process. */
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, option);
      requested = g_file_get_path (file);
    }
  else
    {
      const char *env = g_application_command_line_getenv (command_line, "CALQUE_WORKSPACE");
      if (env != NULL && env[0] != '\0')
        requested = g_strdup (env);
    }

  path = calque_application_choose_workspace (self, requested, &is_default);
  calque_application_open_window (self, path, is_default);

  return 0;
}

static void
calque_application_activate (GApplication *application)
{
  CalqueApplication *self = CALQUE_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *path = NULL;
  gboolean is_default = FALSE;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  path = calque_application_choose_workspace (self, g_getenv ("CALQUE_WORKSPACE"), &is_default);
  calque_application_open_window (self, path, is_default);
}

static void
calque_application_startup (GApplication *application)
{
  CalqueApplication *self = CALQUE_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open-workspace", { "<Control>o", NULL } },
    { "win.export", { "<Control><Shift>e", NULL } },
    { "win.show-dashboard", { "<Control><Shift>d", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    { "win.previous-project", { "<Alt>Up", "<Control>Page_Up", NULL } },
    { "win.next-project", { "<Alt>Down", "<Control>Page_Down", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (calque_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);

  self->settings = settings_new_if_installed ();
}

static void
calque_application_dispose (GObject *object)
{
  CalqueApplication *self = CALQUE_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (calque_application_parent_class)->dispose (object);
}

static void
calque_application_class_init (CalqueApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = calque_application_dispose;

  app_class->handle_local_options = calque_application_handle_local_options;
  app_class->command_line = calque_application_command_line;
  app_class->activate = calque_application_activate;
  app_class->startup = calque_application_startup;
}

static void
calque_application_init (CalqueApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Annotate the images, texts and audio of a Calque workspace."));
}

CalqueApplication *
calque_application_new (void)
{
  return g_object_new (CALQUE_TYPE_APPLICATION,
                       "application-id", CALQUE_APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/org/calque/Calque",
                       NULL);
}

GSettings *
calque_application_get_settings (CalqueApplication *self)
{
  g_return_val_if_fail (CALQUE_IS_APPLICATION (self), NULL);

  return self->settings;
}

char *
calque_application_choose_workspace (CalqueApplication *self,
                                     const char        *requested,
                                     gboolean          *out_is_default)
{
  g_return_val_if_fail (CALQUE_IS_APPLICATION (self), NULL);

  if (out_is_default != NULL)
    *out_is_default = FALSE;

  if (requested != NULL && requested[0] != '\0')
    return g_strdup (requested);

  if (self->settings != NULL)
    {
      g_autofree char *remembered = g_settings_get_string (self->settings, "workspace");

      /* A folder that was moved or deleted since is forgotten quietly. */
      if (remembered[0] != '\0' && g_file_test (remembered, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&remembered);
    }

  if (out_is_default != NULL)
    *out_is_default = TRUE;

  return calque_workspace_default_path ();
}

GtkWindow *
calque_application_open_window (CalqueApplication *self,
                                const char        *path,
                                gboolean           create)
{
  GList *windows;
  CalqueWindow *window;

  g_return_val_if_fail (CALQUE_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (window_shows_path (l->data, path))
        {
          gtk_window_present (l->data);
          return l->data;
        }
    }

  window = calque_window_new (self);

  if (create)
    {
      g_autofree char *db = g_build_filename (path, "workspace.sqlite", NULL);

      if (!g_file_test (db, G_FILE_TEST_EXISTS))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(CalqueWorkspace) workspace = NULL;

          if (g_mkdir_with_parents (path, 0700) != 0)
            {
              int saved_errno = errno;
              g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           _("Cannot create the folder “%s”: %s"), path, g_strerror (saved_errno));
            }
          else
            workspace = calque_workspace_create (path, &error);

          if (workspace == NULL)
            {
              calque_window_show_workspace_error (window, path, error);
              gtk_window_present (GTK_WINDOW (window));
              return GTK_WINDOW (window);
            }

          calque_window_set_workspace (window, workspace);
          gtk_window_present (GTK_WINDOW (window));
          return GTK_WINDOW (window);
        }
    }

  calque_window_open_workspace (window, path, NULL);
  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}
