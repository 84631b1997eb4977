/* calque-cli-export.c — calque-cli export --format FORMAT */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"
#include "calque-export-formats.h"
#include "calque-uuid.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  gboolean tty;
  gint64 last_us;
} Progress;

/* A line on the terminal that counts items, redrawn at most ten times a
 * second; nothing when stderr is not a terminal (scripts, logs). */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!progress->tty || (done < total && now - progress->last_us < G_USEC_PER_SEC / 10))
    return;
  progress->last_us = now;
  g_printerr ("\r%s", "");
  g_printerr (_("Exporting: %u of %u items (%u%%)"), done, total, total ? done * 100 / total : 100);
  if (done == total)
    g_printerr ("\r\033[K");
}

static gboolean
parse_version (const char          *version,
               const char          *annotator,
               CalqueExportFilter  *filter)
{
  if (annotator != NULL)
    {
      if (version != NULL && !g_str_equal (version, "annotator"))
        return FALSE;
      filter->version = CALQUE_EXPORT_VERSION_ANNOTATOR;
      filter->annotator = annotator;
      return TRUE;
    }
  if (version == NULL || g_str_equal (version, "all"))
    filter->version = CALQUE_EXPORT_VERSION_ALL;
  else if (g_str_equal (version, "final"))
    filter->version = CALQUE_EXPORT_VERSION_FINAL;
  else
    return FALSE;
  return TRUE;
}

/* Options that may be repeated or comma-separated: --state new,submitted. */
static GStrv
split_list (char **values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (values == NULL)
    return NULL;
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        if (*g_strstrip (parts[j]) != '\0')
          g_strv_builder_add (builder, parts[j]);
    }
  return g_strv_builder_end (builder);
}

int
cli_cmd_export (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *project_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *version = NULL;
  g_autofree char *annotator = NULL;
  g_auto(GStrv) state_args = NULL;
  g_auto(GStrv) label_args = NULL;
  g_auto(GStrv) states = NULL;
  g_auto(GStrv) labels = NULL;
  g_autofree char *names = calque_export_format_names ();
  g_autofree char *format_help = g_strdup_printf (_("The format: %s"), names);
  gboolean no_media = FALSE;
  gboolean sync = FALSE;
  gboolean synced = FALSE;   /* the project was brought by its id already */
  const CalqueExportFormat *format;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueExportSource) source = NULL;
  g_autoptr(GError) error = NULL;
  CalqueExportFilter filter = { 0 };
  CalqueExportOptions options = { 0 };
  Progress progress = { .tty = isatty (STDERR_FILENO) };
  CalqueMediaType project_type;
  int status;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, format_help, N_("FORMAT") },
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Where to write: a file (default: standard output), or a folder for formats of several files"),
      N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_STRING, &version,
      N_("Whose annotations: all (default), or final (the reviewed version)"), N_("all|final") },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, N_("Only this annotator’s annotations"), N_("NAME") },
    { "state", 0, 0, G_OPTION_ARG_STRING_ARRAY, &state_args,
      N_("Only items with a task in this state (new, in_progress, submitted, accepted, rejected, none); repeatable"),
      N_("STATE") },
    { "label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &label_args, N_("Only this label; repeatable"), N_("NAME") },
    { "no-media", 0, 0, G_OPTION_ARG_NONE, &no_media, N_("Do not copy the media files"), NULL },
    { "sync", 0, 0, G_OPTION_ARG_NONE, &sync,
      N_("Sync the project with the server first, media included: export the server’s state"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("export", NULL,
                  _("Export a project. The native JSON format keeps everything: importing it\n"
                    "with “calque-cli import FILE” gives back identical records. The other\n"
                    "formats are described in docs/formats.md."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("export: unexpected argument “%s”"), argv[1]);
  if (format_name == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("export: --format is required (%s)"), names);
  format = calque_export_format_find (format_name);
  if (format == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("export: format “%s” is not supported; supported: %s"), format_name, names);
  if (!parse_version (version, annotator, &filter))
    return cli_fail (CLI_EXIT_USAGE, _("export: --version is all or final, or --annotator NAME alone"));
  states = split_list (state_args);
  labels = split_list (label_args);
  filter.states = (const char * const *) states;
  filter.labels = (const char * const *) labels;
  if (format->everything && (annotator || version || states || labels))
    return cli_fail (CLI_EXIT_USAGE, _("export: the %s format keeps everything; --version, --annotator, --state and --label do not apply to it"),
                     format->name);

  if (output == NULL)
    output = g_strdup ("-");
  if (format->folder && g_str_equal (output, "-"))
    return cli_fail (CLI_EXIT_USAGE, _("export: the %s format writes a folder: give it with --output"), format->name);
  options.with_media = !no_media && !g_str_equal (output, "-");

  if (sync && project_name != NULL && calque_uuid_is_valid (project_name))
    {
      /* A project of the server not yet in this workspace: the sync
       * brings it, by its id. */
      workspace = cli_open_workspace (cli, &error);
      if (workspace == NULL)
        return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
      if (!cli_sync_project_for_export (workspace, project_name, &error))
        return cli_fail (CLI_EXIT_FAILURE, _("export: syncing with the server: %s"), error->message);
      g_clear_object (&workspace);
      synced = TRUE;
    }
  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;
  if (!calque_media_type_from_string (calque_record_get_string (project, "type"), &project_type)
      || !(format->media & CALQUE_EXPORT_MEDIA (project_type)))
    return cli_fail (CLI_EXIT_USAGE, _("export: the %s format is not for %s projects"), format->name,
                     calque_record_get_string (project, "type"));

  if ((sync && !synced && !cli_sync_project_for_export (workspace, calque_record_get_id (project), &error))
      || (sync && options.with_media && !cli_download_project_media (workspace, calque_record_get_id (project), &error)))
    return cli_fail (CLI_EXIT_FAILURE, _("export: syncing with the server: %s"), error->message);

  source = calque_export_source_new (workspace, project, &filter, &error);
  if (source == NULL)
    return cli_fail (CLI_EXIT_USAGE, "export: %s", error->message);
  calque_export_source_set_progress (source, progress_cb, &progress);

  if (!format->write (source, output, &options, NULL, &error))
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  if (!g_str_equal (output, "-"))
    {
      if (format->everything)
        g_printerr (_("Exported “%s” to %s%s\n"), calque_record_get_string (project, "name"), output,
                    options.with_media ? _(" (media in the “media” folder beside it)") : "");
      else
        {
          guint items = calque_export_source_get_n_items (source);
          guint annotations = calque_export_source_get_n_annotations (source);
          guint skipped = calque_export_source_get_n_skipped (source);

          g_printerr (g_dngettext (GETTEXT_PACKAGE, "Exported %u item", "Exported %u items", items), items);
          g_printerr (g_dngettext (GETTEXT_PACKAGE, " and %u annotation of “%s” to %s\n",
                                   " and %u annotations of “%s” to %s\n", annotations),
                      annotations, calque_record_get_string (project, "name"), output);
          if (skipped > 0)
            g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u item left out: %s\n", "%u items left out: %s\n", skipped),
                        skipped,
                        filter.version == CALQUE_EXPORT_VERSION_FINAL
                          ? _("no reviewed version yet") : _("not this annotator’s"));
        }
    }
  return CLI_EXIT_OK;
}
