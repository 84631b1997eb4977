/* calque-cli-agreement.c — calque-cli agreement: how far the annotators agree */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>

#include "calque-agreement-report.h"

/* Items listed by default, lowest agreement first: the ones to review. */
#define DEFAULT_ITEMS_SHOWN 10

int
cli_cmd_agreement (CliContext  *cli,
                   int          argc,
                   char       **argv)
{
  g_autofree char *project_name = NULL;
  gboolean json = FALSE;
  gboolean all = FALSE;
  double iou = 0.5;
  double tolerance = 0.5;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueAgreementReport) report = NULL;
  g_autoptr(GError) error = NULL;
  CalqueAgreementOptions options = CALQUE_AGREEMENT_OPTIONS_INIT;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Overlap (intersection over union) two shapes need to match; default 0.5"), N_("0–1") },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &tolerance,
      N_("Seconds each end of two audio segments may differ; default 0.5"), N_("SECONDS") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("List every item compared, not the ten of lowest agreement"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The whole report as one JSON object"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("agreement", NULL,
                  _("How far the annotators of a project agree: overall, per pair of annotators, per annotator "
                    "(against the others and against the final version), per label and per item."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (!(iou > 0 && iou <= 1))
    return cli_fail (CLI_EXIT_USAGE, _("--iou must be above 0 and at most 1, not %g"), iou);
  if (!(tolerance >= 0 && tolerance < 3600))
    return cli_fail (CLI_EXIT_USAGE, _("--tolerance must be 0 seconds or more, not %g"), tolerance);

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  options.iou_threshold = iou;
  options.tolerance = tolerance;
  report = calque_agreement_report_new (calque_workspace_get_store (workspace), project, &options, &error);
  if (report == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonNode) root = calque_agreement_report_to_json (report);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = calque_agreement_report_to_text (report, all ? 0 : DEFAULT_ITEMS_SHOWN);

      g_print ("%s", text);
    }
  return CLI_EXIT_OK;
}
