/* calque-cli-import.c — calque-cli import PATH… */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"
#include "calque-importer.h"
#include "calque-import-formats.h"
#include "calque-archive.h"

#include <glib/gi18n-lib.h>
#include <unistd.h>

typedef struct {
  gboolean tty;
  gint64 last_draw;
} Progress;

/* A one-line progress display on a terminal, redrawn at most 10 times a
 * second; nothing when stderr is a file or a pipe (logs stay clean). */
static void
import_progress_cb (guint       files_done,
                    guint       files_total,
                    guint       items,
                    const char *current_path,
                    gpointer    user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  guint percent;

  if (!progress->tty || (now - progress->last_draw < 100000 && files_done < files_total))
    return;
  progress->last_draw = now;
  percent = files_total ? files_done * 100 / files_total : 100;
  g_printerr ("\r\033[K");
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Importing… %u/%u files (%u%%), %u item",
                           "Importing… %u/%u files (%u%%), %u items", items),
              files_done, files_total, percent, items);
}

static void
print_problems (CalqueImportReport *report)
{
  if (report->problems->len == 0)
    return;
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Left out %u input:\n", "Left out %u inputs:\n",
                           report->problems->len),
              report->problems->len);
  for (guint i = 0; i < report->problems->len; i++)
    {
      CalqueImportProblem *problem = g_ptr_array_index (report->problems, i);
      g_printerr ("  %s\n", problem->message);
    }
}

static int
import_native (CalqueWorkspace  *workspace,
               char            **paths)
{
  for (guint i = 0; paths[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueImportReport) report = calque_import_native (workspace, paths[i], &error);
      g_autoptr(CalqueRecord) project = NULL;

      if (report == NULL)
        return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
      project = calque_store_get (calque_workspace_get_store (workspace), report->project_id, NULL);
      g_print (g_dngettext (GETTEXT_PACKAGE, "Restored project “%s” from %s: %u record\n",
                            "Restored project “%s” from %s: %u records\n", report->records),
               project ? calque_record_get_string (project, "name") : report->project_id,
               paths[i], report->records);
    }
  return CLI_EXIT_OK;
}

static void
annotation_progress_cb (guint64  done,
                        guint64  total,
                        gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!progress->tty || (now - progress->last_draw < 100000 && done < total))
    return;
  progress->last_draw = now;
  g_printerr ("\r\033[K");
  g_printerr (_("Importing… %u%%"), total ? (guint) (done * 100 / total) : 100);
}

/* calque-cli import --format FORMAT PATH: annotations another tool wrote. */
static int
import_annotations (CalqueWorkspace                     *workspace,
                    CalqueRecord                        *project,
                    const CalqueImportFormat            *format,
                    const char                          *path,
                    const CalqueAnnotationImportOptions *options)
{
  g_autoptr(CalqueImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { .tty = isatty (STDERR_FILENO) };

  report = calque_import_annotations (workspace, project, format, path, options,
                                      annotation_progress_cb, &progress, NULL, &error);
  if (progress.tty)
    g_printerr ("\r\033[K");
  if (report == NULL)
    {
      cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
      g_printerr (_("Nothing was imported.\n"));
      return CLI_EXIT_FAILURE;
    }

  {
    g_autofree char *annotations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u annotation", "%u annotations",
                                                                 report->annotations), report->annotations);
    g_autofree char *items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new item", "%u new items",
                                                           report->items), report->items);
    g_autofree char *labels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new label", "%u new labels",
                                                            report->labels), report->labels);

    /* Translators: "Imported 120 annotations, 3 new items and 2 new labels into “Birds”" */
    g_print (_("Imported %s, %s and %s into “%s”\n"), annotations, items, labels,
             calque_record_get_string (project, "name"));
    if (options->predictions)
      g_print (_("They are pre-annotations of “model:%s”, for annotators to accept or fix.\n"),
               options->model ? options->model : "import");
  }
  return CLI_EXIT_OK;
}

int
cli_cmd_import (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *project_name = NULL;
  g_autofree char *text_column = NULL;
  g_autofree char *text_field = NULL;
  gboolean skip_bad = FALSE;
  g_autofree char *format_name = NULL;
  g_autofree char *model = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *media_dir = NULL;
  g_autofree char *author = NULL;
  gboolean predictions = FALSE;
  gboolean no_new_labels = FALSE;
  g_autofree char *names = calque_import_format_names ();
  g_autofree char *format_help = g_strdup_printf (_("Import annotations in this format: %s"), names);
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint native = 0;
  int status;
  Progress progress = { .tty = isatty (STDERR_FILENO) };
  CalqueImportOptions options = { 0 };
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project to import into (needed when there are several)"), N_("NAME|ID") },
    { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &skip_bad,
      N_("Import the good files and list the bad ones, instead of importing nothing"), NULL },
    { "text-column", 0, 0, G_OPTION_ARG_STRING, &text_column,
      N_("The CSV column that holds the text (default: text)"), N_("COLUMN") },
    { "text-field", 0, 0, G_OPTION_ARG_STRING, &text_field,
      N_("The JSONL field that holds the text (default: text)"), N_("FIELD") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, format_help, N_("FORMAT") },
    { "predictions", 0, 0, G_OPTION_ARG_NONE, &predictions,
      N_("Import as pre-annotations (a model’s predictions) for annotators to accept or fix"), NULL },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_("The name of the model the pre-annotations come from (default: import)"), N_("NAME") },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference,
      N_("The file the imported one refers to (the COCO instances file of a results file)"), N_("FILE") },
    { "media", 0, 0, G_OPTION_ARG_FILENAME, &media_dir,
      N_("Where the media of items not yet in the project are (default: beside the file)"), N_("DIR") },
    { "author", 0, 0, G_OPTION_ARG_STRING, &author,
      N_("Whose annotations they become (default: the signed-in user)"), N_("NAME") },
    { "no-new-labels", 0, 0, G_OPTION_ARG_NONE, &no_new_labels,
      N_("Refuse labels the project does not have, instead of creating them"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("import", _("PATH…"),
                  _("Import files or folders into a project:\n"
                    "  images (PNG, JPEG, WebP, TIFF, BMP) and audio (WAV, FLAC, Ogg, MP3) become one item each;\n"
                    "  .txt files one item per line, .csv files one per row, .jsonl files one per line.\n"
                    "A native export (calque-cli export --format json) restores its whole project.\n"
                    "With --format, PATH holds annotations made by another tool (docs/formats.md).\n"
                    "An import is all or nothing unless --skip-bad is given."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc < 2)
    return cli_fail (CLI_EXIT_USAGE, _("import: name at least one file or folder"));

  if (format_name != NULL)
    {
      const CalqueImportFormat *format = calque_import_format_find (format_name);
      CalqueAnnotationImportOptions annotation_options = {
        .author = author,
        .predictions = predictions || g_str_equal (format_name, "coco-results"),
        .model = model,
        .reference = reference,
        .no_new_labels = no_new_labels,
        .media_dir_given = media_dir != NULL,
      };
      g_autofree char *beside = NULL;

      if (format == NULL)
        return cli_fail (CLI_EXIT_USAGE, _("import: format “%s” is not supported; supported: %s"), format_name, names);
      if (argc != 2)
        return cli_fail (CLI_EXIT_USAGE, _("import: --format takes one file or folder"));
      if (author != NULL && annotation_options.predictions)
        return cli_fail (CLI_EXIT_USAGE, _("import: pre-annotations belong to their model; give --model, not --author"));
      /* A dataset's images are usually beside its annotation file, or in
       * the folder given. */
      beside = g_file_test (argv[1], G_FILE_TEST_IS_DIR) ? g_strdup (argv[1]) : g_path_get_dirname (argv[1]);
      /* An archive carries its media inside (calque-archive.h). */
      annotation_options.media_dir = media_dir ? media_dir : calque_archive_is_archive (argv[1]) ? NULL : beside;

      status = cli_open_project (cli, project_name, &workspace, &project);
      if (status != CLI_EXIT_OK)
        return status;
      return import_annotations (workspace, project, format, argv[1], &annotation_options);
    }
  if (predictions || model || reference || media_dir || author || no_new_labels)
    return cli_fail (CLI_EXIT_USAGE, _("import: --predictions, --model, --reference, --media, --author and --no-new-labels go with --format"));

  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  for (int i = 1; i < argc; i++)
    native += calque_import_is_native_export (argv[i]);
  if (native == (guint) argc - 1)
    return import_native (workspace, argv + 1);
  if (native > 0)
    return cli_fail (CLI_EXIT_USAGE, _("import: import native exports on their own, not with other files"));

  project = calque_workspace_find_project (workspace, project_name, &error);
  if (project == NULL)
    return cli_find_project_failed (project_name, error);

  options.csv_column = text_column;
  options.jsonl_field = text_field;
  options.skip_bad = skip_bad;

  report = calque_import_files (workspace, project, (const char * const *) argv + 1, &options,
                                import_progress_cb, &progress, NULL, &error);
  if (progress.tty)
    g_printerr ("\r\033[K");
  if (report == NULL)
    {
      cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
      g_printerr (_("Nothing was imported.\n"));
      return CLI_EXIT_FAILURE;
    }

  {
    /* Two counts, each with its plural, in one sentence. */
    g_autofree char *items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", report->items),
                                              report->items);
    g_autofree char *files = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", report->files),
                                              report->files);

    /* Translators: "Imported 3 items from 2 files into “Birds”" */
    g_print (_("Imported %s from %s into “%s”\n"), items, files, calque_record_get_string (project, "name"));
  }
  if (report->ignored > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Ignored %u file of a kind Calque does not import\n",
                          "Ignored %u files of a kind Calque does not import\n", report->ignored),
             report->ignored);
  print_problems (report);
  return report->problems->len > 0 ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}
