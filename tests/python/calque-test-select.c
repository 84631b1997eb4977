/* calque-test-select.c — what the C exports choose, for python/calque_dataset.py to match
 *
 *   calque-test-select WORKSPACE PROJECT [--version all|final] [--annotator NAME]
 *                      [--label NAME]… [--state STATE]…
 *
 * The dataset picks an item's annotations by the rules of
 * calque-export-source.h, in Python. This runs the real CalqueExportSource
 * with the same choices and prints what it gave, so that the test compares
 * the two item by item instead of trusting a second reading of the rules:
 *
 *   {"classes": ["cat", …], "skipped": 3,
 *    "items": [{"id": "…", "annotations": ["…", …]}, …]}
 */
#define G_LOG_DOMAIN "calque-test-select"

#include "calque-export-source.h"

#include <json-glib/json-glib.h>
#include <locale.h>

static gboolean
item_cb (CalqueRecord  *item,
         GPtrArray     *annotations,
         gpointer       user_data,
         GError       **error)
{
  JsonBuilder *builder = user_data;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, calque_record_get_id (item));
  json_builder_set_member_name (builder, "annotations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < annotations->len; i++)
    json_builder_add_string_value (builder, calque_record_get_id (annotations->pdata[i]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *version = NULL;
  g_autofree char *annotator = NULL;
  g_auto(GStrv) labels = NULL;
  g_auto(GStrv) states = NULL;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_STRING, &version, "all or final", "VERSION" },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, "one annotator's version", "NAME" },
    { "label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &labels, "only this label", "NAME" },
    { "state", 0, 0, G_OPTION_ARG_STRING_ARRAY, &states, "only items with a task in this state", "STATE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("WORKSPACE PROJECT");
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueExportSource) source = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  CalqueExportFilter filter = { 0 };
  GPtrArray *source_labels;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 3)
    {
      g_printerr ("calque-test-select: %s\n", error ? error->message : "WORKSPACE PROJECT expected");
      return 2;
    }

  if (annotator != NULL)
    filter.version = CALQUE_EXPORT_VERSION_ANNOTATOR;
  else if (g_strcmp0 (version, "final") == 0)
    filter.version = CALQUE_EXPORT_VERSION_FINAL;
  filter.annotator = annotator;
  filter.labels = (const char * const *) labels;
  filter.states = (const char * const *) states;

  workspace = calque_workspace_open (argv[1], &error);
  if (workspace != NULL)
    project = calque_workspace_find_project (workspace, argv[2], &error);
  if (project != NULL)
    source = calque_export_source_new (workspace, project, &filter, &error);
  if (source == NULL)
    {
      g_printerr ("calque-test-select: %s\n", error->message);
      return 1;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  source_labels = calque_export_source_get_labels (source);
  for (guint i = 0; i < source_labels->len; i++)
    json_builder_add_string_value (builder, calque_record_get_string (source_labels->pdata[i], "name"));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  if (!calque_export_source_foreach (source, TRUE, item_cb, builder, NULL, &error))
    {
      g_printerr ("calque-test-select: %s\n", error->message);
      return 1;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, calque_export_source_get_n_skipped (source));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
  return 0;
}
