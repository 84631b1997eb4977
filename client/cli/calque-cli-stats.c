/* calque-cli-stats.c — calque-cli stats: how far a project has come */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>

#include "calque-progress.h"

int
cli_cmd_stats (CliContext  *cli,
               int          argc,
               char       **argv)
{
  g_autofree char *project_name = NULL;
  gboolean json = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueProgress) progress = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The figures as one JSON object"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("stats", NULL,
                  _("How far a project has come: items and tasks by state, and per annotator, per label "
                    "and over time, the annotations made."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("stats: unexpected argument “%s”"), argv[1]);

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  progress = calque_progress_new (calque_workspace_get_store (workspace), calque_record_get_id (project), -1, &error);
  if (progress == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  name = calque_record_get_string (project, "name");
  if (json)
    {
      g_autoptr(JsonNode) root = calque_progress_to_json (progress, name);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = calque_progress_to_text (progress, name);

      g_print ("%s", text);
    }
  return CLI_EXIT_OK;
}
