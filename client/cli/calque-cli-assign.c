/* calque-cli-assign.c — calque-cli assign, unassign, reassign */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"
#include "calque-assign.h"

#include <glib/gi18n-lib.h>

/* "a,b" and repeated options alike, into one list. */
static GStrv
split_names (char **values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        if (*g_strstrip (parts[j]) != '\0')
          g_strv_builder_add (builder, parts[j]);
    }
  return g_strv_builder_end (builder);
}

/* The ids of the items named (by name or id) in @names; NULL with an error
 * naming the first unknown one. */
static GStrv
resolve_items (CalqueWorkspace  *workspace,
               CalqueRecord     *project,
               char            **names,
               GError          **error)
{
  g_autoptr(GPtrArray) items = calque_store_list (calque_workspace_get_store (workspace), CALQUE_KIND_ITEM,
                                                  calque_record_get_id (project), error);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  if (items == NULL)
    return NULL;
  for (guint i = 0; i < items->len; i++)
    {
      CalqueRecord *item = items->pdata[i];

      g_hash_table_insert (by_key, (gpointer) calque_record_get_id (item), (gpointer) calque_record_get_id (item));
      g_hash_table_insert (by_key, (gpointer) calque_record_get_string (item, "name"),
                           (gpointer) calque_record_get_id (item));
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *id = g_hash_table_lookup (by_key, names[i]);

      if (id == NULL)
        {
          g_set_error (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID,
                       _("project “%s” has no item “%s”"), calque_record_get_string (project, "name"), names[i]);
          return NULL;
        }
      g_strv_builder_add (ids, id);
    }
  return g_strv_builder_end (ids);
}

static void
print_report (const CalqueAssignReport *report,
              const char               *done)
{
  g_autofree char *tasks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task", "%u tasks", report->tasks),
                                            report->tasks);
  g_autofree char *items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", report->items),
                                            report->items);

  /* Translators: "Assigned: 12 tasks on 6 items" */
  g_print (_("%s: %s on %s\n"), done, tasks, items);
  if (report->skipped > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u task already started was left as it is (--force to include it)\n",
                          "%u tasks already started were left as they are (--force to include them)\n",
                          report->skipped),
             report->skipped);
}

int
cli_cmd_assign (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *project_name = NULL;
  g_auto(GStrv) to_args = NULL;
  g_auto(GStrv) item_args = NULL;
  g_auto(GStrv) annotators = NULL;
  g_auto(GStrv) item_names = NULL;
  g_auto(GStrv) item_ids = NULL;
  int batch = 10, overlap = 0;
  double share = -1;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  CalqueAssignReport report = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name, N_("The project (needed when there are several)"),
      N_("NAME|ID") },
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to_args, N_("The annotators; repeatable, or comma-separated"),
      N_("USER") },
    { "item", 0, 0, G_OPTION_ARG_STRING_ARRAY, &item_args,
      N_("Only these items (by name or id); repeatable. Default: every item short of annotators"), N_("ITEM") },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, N_("Items per batch, given to the same annotators (default 10)"),
      N_("K") },
    { "overlap", 0, 0, G_OPTION_ARG_INT, &overlap,
      N_("Annotators per item (default: the project’s overlap, else 1)"), N_("N") },
    { "overlap-share", 0, 0, G_OPTION_ARG_DOUBLE, &share,
      N_("The share of items that get that overlap, the others one annotator (default: the project’s, else 1)"),
      N_("FRACTION") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("assign", NULL,
                  _("Give items to annotators: by batches of K items, each batch to the annotators with the\n"
                    "least open work, round-robin; with an overlap of N, N different annotators per item."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("assign: unexpected argument “%s”"), argv[1]);
  annotators = split_names (to_args);
  if (annotators[0] == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("assign: name the annotators with --to"));
  if (batch < 1)
    return cli_fail (CLI_EXIT_USAGE, _("assign: --batch is 1 or more"));

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  if (overlap == 0)
    overlap = (int) calque_record_get_int (project, "overlap", 1);
  if (share == -1)
    share = calque_record_get_double (project, "overlap_share", 1);
  if (share < 0 || share > 1)
    return cli_fail (CLI_EXIT_USAGE, _("assign: --overlap-share is a fraction from 0 to 1"));
  item_names = split_names (item_args);
  if (item_names[0] != NULL && !(item_ids = resolve_items (workspace, project, item_names, &error)))
    return cli_fail (CLI_EXIT_USAGE, "assign: %s", error->message);

  if (!calque_assign_items (calque_workspace_get_store (workspace), calque_record_get_id (project),
                            (const char * const *) item_ids, (const char * const *) annotators,
                            (guint) batch, (guint) MAX (overlap, 0), share, &report, &error))
    return cli_fail (g_error_matches (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID)
                       ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE, "assign: %s", error->message);
  print_report (&report, _("Assigned"));
  return CLI_EXIT_OK;
}

int
cli_cmd_unassign (CliContext  *cli,
                  int          argc,
                  char       **argv)
{
  g_autofree char *project_name = NULL;
  g_autofree char *from = NULL;
  g_auto(GStrv) item_args = NULL;
  g_auto(GStrv) item_names = NULL;
  g_auto(GStrv) item_ids = NULL;
  gboolean force = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  CalqueAssignReport report = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name, N_("The project (needed when there are several)"),
      N_("NAME|ID") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only this annotator’s tasks"), N_("USER") },
    { "item", 0, 0, G_OPTION_ARG_STRING_ARRAY, &item_args, N_("Only these items (by name or id); repeatable"),
      N_("ITEM") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Also tasks already started (their annotations stay)"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("unassign", NULL, _("Take items back from annotators: their tasks not yet started are deleted."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("unassign: unexpected argument “%s”"), argv[1]);
  item_names = split_names (item_args);
  if (from == NULL && item_names[0] == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("unassign: say whose tasks (--from) or which items (--item)"));

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  if (item_names[0] != NULL && !(item_ids = resolve_items (workspace, project, item_names, &error)))
    return cli_fail (CLI_EXIT_USAGE, "unassign: %s", error->message);
  if (!calque_unassign_items (calque_workspace_get_store (workspace), calque_record_get_id (project),
                              (const char * const *) item_ids, from, force, &report, &error))
    return cli_fail (CLI_EXIT_FAILURE, "unassign: %s", error->message);
  print_report (&report, _("Unassigned"));
  return CLI_EXIT_OK;
}

int
cli_cmd_reassign (CliContext  *cli,
                  int          argc,
                  char       **argv)
{
  g_autofree char *project_name = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto(GStrv) item_args = NULL;
  g_auto(GStrv) item_names = NULL;
  g_auto(GStrv) item_ids = NULL;
  gboolean force = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GError) error = NULL;
  CalqueAssignReport report = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name, N_("The project (needed when there are several)"),
      N_("NAME|ID") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Whose tasks"), N_("USER") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("To whom"), N_("USER") },
    { "item", 0, 0, G_OPTION_ARG_STRING_ARRAY, &item_args, N_("Only these items (by name or id); repeatable"),
      N_("ITEM") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Also tasks already started"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("reassign", NULL, _("Give one annotator’s tasks to another."), entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("reassign: unexpected argument “%s”"), argv[1]);
  if (from == NULL || to == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("reassign: --from and --to are both needed"));

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  item_names = split_names (item_args);
  if (item_names[0] != NULL && !(item_ids = resolve_items (workspace, project, item_names, &error)))
    return cli_fail (CLI_EXIT_USAGE, "reassign: %s", error->message);
  if (!calque_reassign_items (calque_workspace_get_store (workspace), calque_record_get_id (project),
                              (const char * const *) item_ids, from, to, force, &report, &error))
    return cli_fail (g_error_matches (error, CALQUE_ASSIGN_ERROR, CALQUE_ASSIGN_ERROR_INVALID)
                       ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE, "reassign: %s", error->message);
  print_report (&report, _("Reassigned"));
  return CLI_EXIT_OK;
}
