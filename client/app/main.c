/* main.c — the `calque` desktop app */
#define G_LOG_DOMAIN "calque"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "calque-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CalqueApplication) app = NULL;
  const char *localedir = g_getenv ("CALQUE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = calque_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
