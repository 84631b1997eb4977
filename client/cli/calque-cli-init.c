/* calque-cli-init.c — calque-cli init [DIR] */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>

int
cli_cmd_init (CliContext  *cli,
              int          argc,
              char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  if (!cli_parse ("init", _("[DIR]"),
                  _("Create a workspace in DIR (else the chosen workspace folder)."),
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 2)
    return cli_fail (CLI_EXIT_USAGE, _("init takes one folder, not %d"), argc - 1);

  path = argc == 2 ? argv[1] : cli->workspace_path;
  workspace = calque_workspace_create (path, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  g_print (_("Created a workspace in %s\n"), calque_workspace_get_path (workspace));
  return CLI_EXIT_OK;
}
