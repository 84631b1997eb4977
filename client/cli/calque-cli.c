/* calque-cli.c — the command-line tool: options common to every command,
 * and dispatch to the commands (one file each). */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>

typedef struct {
  const char *name;
  CliCommandFunc func;
  const char *summary;
} CliCommand;

static const CliCommand commands[] = {
  { "init", cli_cmd_init, N_("Create a workspace") },
  { "project", cli_cmd_project, N_("Create and list projects") },
  { "import", cli_cmd_import, N_("Import images, audio, texts or a native export") },
  { "items", cli_cmd_items, N_("List the items of a project") },
  { "export", cli_cmd_export, N_("Export a project") },
  { "assign", cli_cmd_assign, N_("Give items to annotators, by hand or by batches") },
  { "unassign", cli_cmd_unassign, N_("Take items back from annotators") },
  { "reassign", cli_cmd_reassign, N_("Give one annotator’s tasks to another") },
  { "stats", cli_cmd_stats, N_("How far a project has come: items, annotators, labels") },
  { "agreement", cli_cmd_agreement, N_("How far the annotators of a project agree") },
  { "reliability", cli_cmd_reliability, N_("How each annotator works: reviews, agreement, time per item") },
  { "review", cli_cmd_review, N_("Review submitted work: the queue, accept, merge, reject, history") },
  { "login", cli_cmd_login, N_("Sign in to a server") },
  { "logout", cli_cmd_logout, N_("Sign out of the server") },
  { "sync", cli_cmd_sync, N_("Send and receive changes") },
  { "status", cli_cmd_status, N_("Show the connection, the outbox and the sync positions") },
};

int
cli_fail (int         code,
          const char *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("calque-cli: %s\n", message);
  return code;
}

gboolean
cli_parse (const char          *command,
           const char          *parameters,
           const char          *summary,
           const GOptionEntry  *entries,
           int                 *argc,
           char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s%s%s", command, parameters ? " " : "", parameters ? parameters : "");

  context = g_option_context_new (title);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_fail (CLI_EXIT_USAGE, "%s: %s", command, error->message);
      g_printerr (_("Try “calque-cli %s --help”.\n"), command);
      return FALSE;
    }
  return TRUE;
}

CalqueWorkspace *
cli_open_workspace (CliContext  *cli,
                    GError     **error)
{
  return calque_workspace_open (cli->workspace_path, error);
}

int
cli_find_project_failed (const char *project_name,
                         GError     *error)
{
  return cli_fail (project_name ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE, "%s", error->message);
}

int
cli_open_project (CliContext       *cli,
                  const char       *project_name,
                  CalqueWorkspace **out_workspace,
                  CalqueRecord    **out_project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) workspace = cli_open_workspace (cli, &error);
  CalqueRecord *project;

  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  project = calque_workspace_find_project (workspace, project_name, &error);
  if (project == NULL)
    return cli_find_project_failed (project_name, error);

  *out_workspace = g_steal_pointer (&workspace);
  *out_project = project;
  return CLI_EXIT_OK;
}

char *
cli_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

static char *
commands_help (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_c (text, '\n');
  g_string_append (text, _("Run “calque-cli COMMAND --help” for the options of a command.\n"
                           "The workspace is --workspace DIR, else $CALQUE_WORKSPACE, else the\n"
                           "user’s data folder (~/.local/share/calque/workspace).\n\n"
                           "Exit status: 0 done; 1 failed, nothing changed; 2 wrong command line;\n"
                           "3 done, but --skip-bad left some inputs out."));
  return g_string_free (text, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *workspace = NULL;
  g_autofree char *default_workspace = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  CliContext cli = { 0 };
  const GOptionEntry entries[] = {
    { "workspace", 'w', 0, G_OPTION_ARG_FILENAME, &workspace,
      N_("The workspace folder"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Show the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CALQUE_LOCALEDIR") ? g_getenv ("CALQUE_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("calque-cli");

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Manage a local Calque workspace: projects, imports, exports."));
  description = commands_help ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      cli_fail (CLI_EXIT_USAGE, "%s", error->message);
      g_printerr (_("Try “calque-cli --help”.\n"));
      return CLI_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("calque-cli %s\n", CALQUE_VERSION);
      return CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return CLI_EXIT_USAGE;
    }

  default_workspace = calque_workspace_default_path ();
  cli.workspace_path = workspace ? workspace : default_workspace;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (&cli, argc - 1, argv + 1);

  cli_fail (CLI_EXIT_USAGE, _("unknown command “%s”"), argv[1]);
  g_printerr (_("Try “calque-cli --help”.\n"));
  return CLI_EXIT_USAGE;
}
