/* calque-cli-project.c — calque-cli project create|list */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Colors for labels given without one: GNOME's palette, which reads well on
 * light and dark images alike. */
static const char * const palette[] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac",
  "#ff7800", "#1c71d8", "#c061cb", "#986a44", "#5e5c64",
};

/* "NAME[:COLOR[:KEY]]" → a label record. */
static CalqueRecord *
parse_label (const char  *spec,
             const char  *project_id,
             guint        index,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 3);
  g_autoptr(CalqueRecord) label = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  const char *color, *key;

  name = g_strstrip (g_strdup (parts[0] ? parts[0] : ""));
  color = parts[0] && parts[1] && *parts[1] ? parts[1] : palette[index % G_N_ELEMENTS (palette)];
  key = parts[0] && parts[1] && parts[2] && *parts[2] ? parts[2] : NULL;

  if (*name == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("label “%s”: the name is empty"), spec);
      return NULL;
    }

  label = calque_record_new (CALQUE_KIND_LABEL, project_id);
  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", color);
  if (key)
    calque_record_set_string (label, "shortcut", key);
  else if (index < 9)
    {
      /* Number keys by default: the first nine labels are one press away. */
      char digit[2] = { (char) ('1' + index), 0 };
      calque_record_set_string (label, "shortcut", digit);
    }
  calque_record_set_int (label, "position", index);

  if (!calque_record_validate (label, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("label “%s”: %s"), spec, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&label);
}

static int
project_create (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *type = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) labels = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) label_records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  CalqueMediaType media;
  CalqueStore *store;
  int overlap = 0;
  double overlap_share = -1;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("The project’s name"), N_("NAME") },
    { "type", 't', 0, G_OPTION_ARG_STRING, &type, N_("What it annotates: image, text or audio"), N_("TYPE") },
    { "label", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &labels,
      N_("A label, as NAME[:COLOR[:KEY]] (repeat for each label)"), N_("LABEL") },
    { "description", 'd', 0, G_OPTION_ARG_STRING, &description, N_("What the project is for"), N_("TEXT") },
    { "overlap", 0, 0, G_OPTION_ARG_INT, &overlap,
      N_("How many annotators annotate each item on their own, 1 to 5 (blind above 1)"), N_("N") },
    { "overlap-share", 0, 0, G_OPTION_ARG_DOUBLE, &overlap_share,
      N_("The share of items that get that overlap, the others one annotator (default 1: all)"), N_("FRACTION") },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse ("project create", NULL,
                  _("Create a project with its labels.\n"
                    "Example: calque-cli project create --name Birds --type image "
                    "--label sparrow:#e01b24:1 --label robin"),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_fail (CLI_EXIT_USAGE, _("project create: unexpected argument “%s”"), argv[1]);
  if (name == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("project create: --name is required"));
  if (type == NULL)
    return cli_fail (CLI_EXIT_USAGE, _("project create: --type is required (image, text or audio)"));
  if (!calque_media_type_from_string (type, &media))
    return cli_fail (CLI_EXIT_USAGE, _("project create: type “%s” is not image, text or audio"), type);

  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);

  existing = calque_store_list (store, CALQUE_KIND_PROJECT, NULL, &error);
  if (existing == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  for (guint i = 0; i < existing->len; i++)
    if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (existing, i), "name"), g_strstrip (name)) == 0)
      return cli_fail (CLI_EXIT_FAILURE, _("a project named “%s” exists already"), name);

  project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", calque_media_type_to_string (media));
  if (description)
    calque_record_set_string (project, "description", description);
  if (overlap != 0)
    calque_record_set_int (project, "overlap", overlap);
  if (overlap_share != -1)
    calque_record_set_double (project, "overlap_share", overlap_share);
  calque_record_set_int (project, "created", g_get_real_time () / 1000);
  if (!calque_record_validate (project, &error))
    return cli_fail (CLI_EXIT_USAGE, "%s", error->message);

  for (guint i = 0; labels && labels[i]; i++)
    {
      CalqueRecord *label = parse_label (labels[i], calque_record_get_id (project), i, &error);
      const char *key;

      if (label == NULL)
        return cli_fail (CLI_EXIT_USAGE, "%s", error->message);
      g_ptr_array_add (label_records, label);
      if (!g_hash_table_add (names, (gpointer) calque_record_get_string (label, "name")))
        return cli_fail (CLI_EXIT_USAGE, _("label “%s” is given twice"), calque_record_get_string (label, "name"));
      key = calque_record_get_string (label, "shortcut");
      if (key && !g_hash_table_add (keys, (gpointer) key))
        return cli_fail (CLI_EXIT_USAGE, _("label “%s”: key “%s” is taken by another label"),
                         calque_record_get_string (label, "name"), key);
    }

  /* The project and its labels appear together or not at all. */
  if (!calque_store_begin (store, &error))
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  if (!calque_store_save (store, project, &error))
    goto fail;
  for (guint i = 0; i < label_records->len; i++)
    if (!calque_store_save (store, g_ptr_array_index (label_records, i), &error))
      goto fail;
  if (!calque_store_commit (store, &error))
    goto fail;

  g_print (g_dngettext (GETTEXT_PACKAGE, "Created %s project “%s” with %u label (id %s)\n",
                        "Created %s project “%s” with %u labels (id %s)\n", label_records->len),
           calque_media_type_to_string (media), calque_record_get_string (project, "name"),
           label_records->len, calque_record_get_id (project));
  return CLI_EXIT_OK;

fail:
  calque_store_rollback (store);
  return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
}

static int
project_list (CliContext  *cli,
              int          argc,
              char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;
  CalqueStore *store;

  if (!cli_parse ("project list", NULL, _("List the projects of the workspace."), NULL, &argc, &argv))
    return CLI_EXIT_USAGE;

  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);
  projects = calque_store_list (store, CALQUE_KIND_PROJECT, NULL, &error);
  if (projects == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);

  for (guint i = 0; i < projects->len; i++)
    {
      CalqueRecord *project = g_ptr_array_index (projects, i);
      gint64 items = calque_store_count (store, CALQUE_KIND_ITEM, calque_record_get_id (project), NULL);
      gint64 labels = calque_store_count (store, CALQUE_KIND_LABEL, calque_record_get_id (project), NULL);
      g_autofree char *item_count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld item", "%lld items", (gulong) items),
                                                     (long long) items);
      g_autofree char *label_count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld label", "%lld labels", (gulong) labels),
                                                      (long long) labels);
      /* Translators: the counts of a project in `calque-cli project list`, "3 items, 2 labels" */
      g_autofree char *counts = g_strdup_printf (_("%s, %s"), item_count, label_count);

      g_print ("%s\t%s\t%s\t%s\n", calque_record_get_id (project),
               calque_record_get_string (project, "type"),
               calque_record_get_string (project, "name"), counts);
    }
  return CLI_EXIT_OK;
}

int
cli_cmd_project (CliContext  *cli,
                 int          argc,
                 char       **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "create"))
    return project_create (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return project_list (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (_("Usage:\n  calque-cli project create --name NAME --type image|text|audio [--label NAME[:COLOR[:KEY]]]…\n"
                 "  calque-cli project list\n"));
      return CLI_EXIT_OK;
    }
  return cli_fail (CLI_EXIT_USAGE, _("project: say “create” or “list” (see “calque-cli project --help”)"));
}
