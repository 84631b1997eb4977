/* calque-cli-export.c — calque-cli export --format json */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"
#include "calque-exporter.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
fsync_and_rename (const char  *tmp_path,
                  const char  *path,
                  GError     **error)
{
  int fd = g_open (tmp_path, O_RDONLY | O_CLOEXEC, 0);
  gboolean synced = fd >= 0 && fsync (fd) == 0;

  if (fd >= 0)
    close (fd);
  if (!synced || g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot write the file: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

int
cli_cmd_export (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *project_name = NULL;
  g_autofree char *output = NULL;
  gboolean no_media = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *media_dir = NULL;
  g_autofree char *tmp_path = NULL;
  int fd = -1;
  g_autoptr(GError) error = NULL;
  int status;
  guint records = 0;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("The format: json (native, lossless)"), N_("FORMAT") },
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Where to write (default: standard output); media go to a “media” folder beside it"), N_("FILE") },
    { "no-media", 0, 0, G_OPTION_ARG_NONE, &no_media, N_("Do not copy the media files"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("export", NULL,
                  _("Export a project. The native JSON format keeps everything: importing it\n"
                    "with “calque-cli import FILE” gives back identical records."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("export: unexpected argument “%s”"), argv[1]);
  if (format == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("export: --format is required (json)"));
  if (!g_str_equal (format, "json"))
    return cli_fail (CLI_EXIT_USAGE, _("export: format “%s” is not supported; supported: json"), format);

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  if (output == NULL || g_str_equal (output, "-"))
    out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  else
    {
      g_autofree char *dir = g_path_get_dirname (output);

      /* An export often goes to a folder of its own: make it. */
      if (g_mkdir_with_parents (dir, 0755) != 0)
        return cli_fail (CLI_EXIT_FAILURE, _("%s: cannot create the folder: %s"), dir, g_strerror (errno));

      /* Written beside the target and renamed into place only once
       * complete: a failed export leaves no half file, and an earlier
       * export at that name stays as it was. */
      tmp_path = g_strconcat (output, ".XXXXXX", NULL);
      fd = g_mkstemp (tmp_path);
      if (fd < 0)
        return cli_fail (CLI_EXIT_FAILURE, _("%s: cannot create the file: %s"), output, g_strerror (errno));
      /* mkstemp makes a file only its owner reads; an export is for sharing. */
      fchmod (fd, 0644);
      out = g_unix_output_stream_new (fd, TRUE);
      file = g_file_new_for_path (output);
      if (!no_media)
        media_dir = g_build_filename (dir, "media", NULL);
    }

  if (!calque_export_native (workspace, project, out, media_dir, &records, NULL, &error)
      || !g_output_stream_close (out, NULL, &error)
      || (tmp_path && fsync_and_rename (tmp_path, output, &error) == FALSE))
    {
      if (tmp_path)
        g_unlink (tmp_path);
      return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
    }

  if (file)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "Exported %u record of “%s” to %s%s\n",
                             "Exported %u records of “%s” to %s%s\n", records), records,
                calque_record_get_string (project, "name"), output,
                media_dir ? _(" (media in the “media” folder beside it)") : "");
  return CLI_EXIT_OK;
}
