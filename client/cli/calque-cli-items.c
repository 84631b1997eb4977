/* calque-cli-items.c — calque-cli items list */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"
#include "calque-record-json.h"

#include <glib/gi18n-lib.h>

/* What a person wants to see of an item at a glance. */
static char *
item_details (CalqueRecord *item)
{
  const char *media = calque_record_get_string (item, "media");
  g_autofree char *size = cli_format_size ((guint64) calque_record_get_int (item, "size", 0));

  if (g_strcmp0 (media, "image") == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "×%" G_GINT64_FORMAT "  %s",
                            calque_record_get_int (item, "width", 0),
                            calque_record_get_int (item, "height", 0), size);
  if (g_strcmp0 (media, "audio") == 0)
    return g_strdup_printf (_("%.1f s  %s"), calque_record_get_double (item, "duration", 0), size);

  {
    const char *text = calque_record_get_string (item, "text");
    g_autofree char *flat = g_strdup (text ? text : "");
    glong len;

    g_strdelimit (flat, "\t\r\n", ' ');
    len = g_utf8_strlen (flat, -1);
    if (len > 60)
      {
        g_autofree char *head = g_utf8_substring (flat, 0, 59);
        return g_strconcat (head, "…", NULL);
      }
    return g_steal_pointer (&flat);
  }
}

static int
items_list (CliContext  *cli,
            int          argc,
            char       **argv)
{
  g_autofree char *project_name = NULL;
  gboolean json = FALSE;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &project_name,
      N_("The project (needed when there are several)"), N_("NAME|ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON record per line"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("items list", NULL, _("List the items of a project: id, kind, name, details."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;

  status = cli_open_project (cli, project_name, &workspace, &project);
  if (status != CLI_EXIT_OK)
    return status;

  items = calque_store_list (calque_workspace_get_store (workspace), CALQUE_KIND_ITEM,
                             calque_record_get_id (project), &error);
  if (items == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  for (guint i = 0; i < items->len; i++)
    {
      CalqueRecord *item = g_ptr_array_index (items, i);

      if (json)
        {
          g_autofree char *line = calque_record_to_json (item, NULL);
          g_print ("%s\n", line);
        }
      else
        {
          g_autofree char *details = item_details (item);
          g_print ("%s\t%s\t%s\t%s\n", calque_record_get_id (item),
                   calque_record_get_string (item, "media"),
                   calque_record_get_string (item, "name"), details);
        }
    }
  return CLI_EXIT_OK;
}

int
cli_cmd_items (CliContext  *cli,
               int          argc,
               char       **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return items_list (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (_("Usage:\n  calque-cli items list [--project NAME|ID] [--json]\n"));
      return CLI_EXIT_OK;
    }
  return cli_fail (CLI_EXIT_USAGE, _("items: say “list” (see “calque-cli items --help”)"));
}
