/* calque-cli-reliability.c — calque-cli reliability: how each annotator works */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>

#include "calque-reliability.h"

int
cli_cmd_reliability (CliContext  *cli,
                     int          argc,
                     char       **argv)
{
  g_autofree char *project_name = NULL;
  g_autofree char *annotator = NULL;
  gboolean json = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueReliability) reliability = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "annotator", 'a', 0, G_OPTION_ARG_STRING, &annotator,
      N_("Only this annotator"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The figures as one JSON object"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("reliability", NULL,
                  _("How each annotator of a project works: tasks submitted, accepted and rejected, the "
                    "rejection rate, agreement with the final version, active time, items per active hour, "
                    "time per item and annotations per active hour."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  reliability = calque_reliability_new (calque_workspace_get_store (workspace), project, &error);
  if (reliability == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  if (annotator != NULL && calque_reliability_find (reliability, annotator) == NULL)
    return cli_fail (CLI_EXIT_FAILURE, _("“%s” has no task in project “%s”"),
                     annotator, calque_record_get_string (project, "name"));

  if (json)
    {
      g_autoptr(JsonNode) root = calque_reliability_to_json (reliability, annotator);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = calque_reliability_to_text (reliability, annotator);

      g_print ("%s", text);
    }
  return CLI_EXIT_OK;
}
