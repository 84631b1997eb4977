/* calque-cli-review.c — calque-cli review: the queue, accept, merge, reject, history
 *
 * The reviewer is the user the workspace is signed in as (calque-cli
 * login), else the system user for a workspace that never syncs. The
 * decisions are local edits: `calque-cli sync` sends them, and the server
 * refuses them unless that user reviews, manages or owns the project.
 */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "calque-review.h"
#include "calque-store-sync.h"

static char *
reviewer_name (CalqueWorkspace *workspace)
{
  char *user = calque_store_get_setting (calque_workspace_get_store (workspace), "user");

  return user != NULL ? user : g_strdup (g_get_user_name ());
}

/* The id of the item named @name_or_id (an id, else a name) in @project. */
static char *
resolve_item (CalqueWorkspace *workspace,
              CalqueRecord    *project,
              const char      *name_or_id,
              GError         **error)
{
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autoptr(CalqueRecord) by_id = calque_store_get (store, name_or_id, NULL);
  g_autoptr(GPtrArray) items = NULL;

  if (by_id != NULL && calque_record_get_kind (by_id) == CALQUE_KIND_ITEM)
    return g_strdup (name_or_id);
  items = calque_store_list (store, CALQUE_KIND_ITEM, calque_record_get_id (project), error);
  if (items == NULL)
    return NULL;
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (calque_record_get_string (items->pdata[i], "name"), name_or_id) == 0)
      return g_strdup (calque_record_get_id (items->pdata[i]));
  g_set_error (error, CALQUE_REVIEW_ERROR, CALQUE_REVIEW_ERROR_NO_ITEM,
               _("project “%s” has no item “%s”"), calque_record_get_string (project, "name"), name_or_id);
  return NULL;
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  return time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("?");
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* --- queue ---------------------------------------------------------------------------- */

static int
review_queue (CliContext  *cli,
              int          argc,
              char       **argv)
{
  g_autofree char *project_name = NULL;
  gboolean json = FALSE;
  double iou = 0.5;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GError) error = NULL;
  CalqueAgreementOptions options = CALQUE_AGREEMENT_OPTIONS_INIT;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Overlap (intersection over union) two shapes need to match; default 0.5"), N_("0–1") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The queue as a JSON array"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("review queue", NULL,
                  _("The items waiting for a review (a task submitted since the last review), "
                    "lowest agreement first."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (!(iou > 0 && iou <= 1))
    return cli_fail (CLI_EXIT_USAGE, _("--iou must be above 0 and at most 1, not %g"), iou);
  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  options.iou_threshold = iou;
  queue = calque_review_queue (calque_workspace_get_store (workspace), project, &options, &error);
  if (queue == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < queue->len; i++)
        {
          CalqueReviewQueueEntry *entry = queue->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "item");
          json_builder_add_string_value (builder, entry->item_id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, entry->item_name);
          json_builder_set_member_name (builder, "agreement");
          if (isnan (entry->agreement))
            json_builder_add_null_value (builder);
          else
            json_builder_add_double_value (builder, entry->agreement);
          json_builder_set_member_name (builder, "submitted");
          json_builder_add_int_value (builder, entry->n_submitted);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return CLI_EXIT_OK;
    }

  if (queue->len == 0)
    g_print (_("Nothing waits for a review.\n"));
  for (guint i = 0; i < queue->len; i++)
    {
      CalqueReviewQueueEntry *entry = queue->pdata[i];
      g_autofree char *figure = isnan (entry->agreement) ? g_strdup ("  –  ") : g_strdup_printf ("%.3f", entry->agreement);

      /* Translators: agreement, item name, number of submitted tasks */
      g_print (_("%s  %s  (%u submitted)\n"), figure, entry->item_name, entry->n_submitted);
    }
  return CLI_EXIT_OK;
}

/* --- accept, reject, merge ------------------------------------------------------------ */

static int
review_decide (CliContext  *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autofree char *project_name = NULL;
  g_autofree char *comment = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *item_id = NULL;
  g_autofree char *reviewer = NULL;
  g_autofree char *title = g_strdup_printf ("review %s", command);
  gboolean reject = g_str_equal (command, "reject");
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "comment", 'm', 0, G_OPTION_ARG_STRING, &comment,
      N_("What the annotator should fix (reject; required)"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse (title, _("ITEM ANNOTATOR"),
                  reject ? _("Send an annotator’s submitted task back, with a comment on the item.")
                         : _("Make an annotator’s submitted version of an item the final one."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_fail (CLI_EXIT_USAGE, _("review %s: give the item (name or id) and the annotator"), command);
  if (reject && comment == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("review reject: say what to fix with --comment TEXT"));
  if (!reject && comment != NULL)
    return cli_fail (CLI_EXIT_USAGE, _("review %s: --comment goes with reject"), command);

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  reviewer = reviewer_name (workspace);
  item_id = resolve_item (workspace, project, argv[1], &error);
  if (item_id == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (reject ? !calque_review_reject (calque_workspace_get_store (workspace), project, item_id, argv[2], reviewer,
                                      comment, &error)
             : !calque_review_accept (calque_workspace_get_store (workspace), project, item_id, argv[2], reviewer,
                                      &error))
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (reject)
    g_print (_("%s: the task of %s is sent back.\n"), argv[1], argv[2]);
  else
    g_print (_("%s: the version of %s is accepted.\n"), argv[1], argv[2]);
  return CLI_EXIT_OK;
}

static int
review_merge (CliContext  *cli,
              int          argc,
              char       **argv)
{
  g_autofree char *project_name = NULL;
  double vote = 0.5;
  double iou = 0.5;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *item_id = NULL;
  g_autofree char *reviewer = NULL;
  CalqueConsensusOptions options = CALQUE_CONSENSUS_OPTIONS_INIT;
  CalqueReviewMergeResult result;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "vote", 0, 0, G_OPTION_ARG_DOUBLE, &vote,
      N_("Share of the annotators a shape needs to be kept; default 0.5, 1 for unanimity"), N_("0–1") },
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Overlap (intersection over union) two shapes need to be the same thing; default 0.5"), N_("0–1") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("review merge", _("ITEM"),
                  _("Make the final version of an item from its annotators’ versions: shapes matched across "
                    "annotators, kept by vote, the label most of them gave (docs/cli.md)."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 2)
    return cli_fail (CLI_EXIT_USAGE, _("review merge: give one item (name or id)"));
  if (!(vote > 0 && vote <= 1))
    return cli_fail (CLI_EXIT_USAGE, _("--vote must be above 0 and at most 1, not %g"), vote);
  if (!(iou > 0 && iou <= 1))
    return cli_fail (CLI_EXIT_USAGE, _("--iou must be above 0 and at most 1, not %g"), iou);

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  reviewer = reviewer_name (workspace);
  item_id = resolve_item (workspace, project, argv[1], &error);
  if (item_id == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  options.vote = vote;
  options.iou_threshold = iou;
  if (!calque_review_merge (calque_workspace_get_store (workspace), project, item_id, reviewer, &options,
                            &result, &error))
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  /* Translators: "pond.jpg: merged 2 versions into 3 shapes; 1 left out, 0 with disputed labels" */
  g_print (_("%s: merged %u versions into %u shapes; %u left out, %u with disputed labels\n"),
           argv[1], result.n_versions, result.n_shapes, result.n_unmatched, result.n_disagreements);
  return CLI_EXIT_OK;
}

/* --- history ------------------------------------------------------------------------------ */

static int
review_history (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *project_name = NULL;
  gboolean json = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *item_id = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The history as a JSON array"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("review history", _("[ITEM]"),
                  _("Who decided what on an item (or on the whole project), and when, oldest first."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 2)
    return cli_fail (CLI_EXIT_USAGE, _("review history: give at most one item"));

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  if (argc == 2 && !(item_id = resolve_item (workspace, project, argv[1], &error)))
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  entries_found = calque_review_history (calque_workspace_get_store (workspace), project, item_id, &error);
  if (entries_found == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries_found->len; i++)
        {
          CalqueReviewEntry *entry = entries_found->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "review");
          json_builder_add_string_value (builder, entry->review_id);
          json_builder_set_member_name (builder, "item");
          json_builder_add_string_value (builder, entry->item_id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, entry->item_name);
          json_builder_set_member_name (builder, "reviewer");
          json_builder_add_string_value (builder, entry->reviewer);
          json_builder_set_member_name (builder, "decision");
          json_builder_add_string_value (builder, entry->decision);
          add_string_or_null (builder, "annotator", entry->annotator);
          add_string_or_null (builder, "comment", entry->comment);
          json_builder_set_member_name (builder, "created");
          json_builder_add_int_value (builder, entry->created);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return CLI_EXIT_OK;
    }

  if (entries_found->len == 0)
    g_print (_("No review yet.\n"));
  for (guint i = 0; i < entries_found->len; i++)
    {
      CalqueReviewEntry *entry = entries_found->pdata[i];
      g_autofree char *when = format_time (entry->created);

      g_print ("%s  %s  %s  %s", when, entry->item_name, entry->reviewer, entry->decision);
      if (entry->annotator != NULL)
        g_print ("  %s", entry->annotator);
      if (entry->comment != NULL)
        g_print ("  “%s”", entry->comment);
      g_print ("\n");
    }
  return CLI_EXIT_OK;
}

int
cli_cmd_review (CliContext  *cli,
                int          argc,
                char       **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "queue"))
    return review_queue (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "accept") || g_str_equal (argv[1], "reject")))
    return review_decide (cli, argv[1], argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "merge"))
    return review_merge (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "history"))
    return review_history (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (_("Usage:\n"
                 "  calque-cli review queue [--json]\n"
                 "  calque-cli review accept ITEM ANNOTATOR\n"
                 "  calque-cli review reject ITEM ANNOTATOR --comment TEXT\n"
                 "  calque-cli review merge ITEM [--vote 0.5] [--iou 0.5]\n"
                 "  calque-cli review history [ITEM] [--json]\n"));
      return CLI_EXIT_OK;
    }
  return cli_fail (CLI_EXIT_USAGE,
                   _("review: say “queue”, “accept”, “reject”, “merge” or “history” (see “calque-cli review --help”)"));
}
