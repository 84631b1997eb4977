/* calque-test-fill.c — records that calque-cli cannot make, saved through the store
 *
 *   calque-test-fill WORKSPACE SPEC.json
 *
 * The tests of python/calque_dataset.py need annotations, tasks, reviews and
 * tombstones in a real workspace, and calque-cli only makes projects, labels
 * and items. This saves what SPEC.json describes the way the app does: a
 * record made with calque_record_new(), its fields set, its shape parsed and
 * checked against its item, then calque_store_save() (a tombstone is saved,
 * then deleted and saved again). SPEC.json is
 *
 *   {"project": "NAME",
 *    "records": [{"ref": "t1", "kind": "task", "fields": {…}, "deleted": false}, …]}
 *
 * and a string value "@item:NAME", "@label:NAME" or "@REF" (alone or in an
 * array) stands for the id of that item, label or earlier record. On success
 * it prints {"REF": "id", …}; on failure the message names the record.
 */
#define G_LOG_DOMAIN "calque-test-fill"

#include "calque-workspace.h"

#include <json-glib/json-glib.h>
#include <locale.h>

typedef struct {
  CalqueStore *store;
  const char *project_id;
  GHashTable *refs;   /* ref → id */
} Fill;

/* The id a "@…" string stands for, or NULL with an error. */
static char *
resolve_id (Fill        *fill,
            const char  *value,
            GError     **error)
{
  CalqueKind kind;
  const char *name;
  g_autoptr(GPtrArray) records = NULL;

  if (g_str_has_prefix (value, "@item:"))
    kind = CALQUE_KIND_ITEM, name = value + 6;
  else if (g_str_has_prefix (value, "@label:"))
    kind = CALQUE_KIND_LABEL, name = value + 7;
  else
    {
      const char *id = g_hash_table_lookup (fill->refs, value + 1);

      if (id == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no earlier record is “%s”", value + 1);
      return g_strdup (id);
    }

  records = calque_store_list (fill->store, kind, fill->project_id, error);
  if (records == NULL)
    return NULL;
  for (guint i = 0; i < records->len; i++)
    if (g_strcmp0 (calque_record_get_string (records->pdata[i], "name"), name) == 0)
      return g_strdup (calque_record_get_id (records->pdata[i]));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "the project has no %s “%s”",
               calque_kind_to_string (kind), name);
  return NULL;
}

/* A copy of @node with every "@…" string replaced by its id. */
static JsonNode *
resolve_node (Fill      *fill,
              JsonNode  *node,
              GError   **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      && g_str_has_prefix (json_node_get_string (node), "@"))
    {
      g_autofree char *id = resolve_id (fill, json_node_get_string (node), error);
      JsonNode *copy;

      if (id == NULL)
        return NULL;
      copy = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (copy, id);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_new ();
      JsonNode *result;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = resolve_node (fill, json_array_get_element (array, i), error);

          if (element == NULL)
            return NULL;
          json_array_add_element (copy, element);
        }
      result = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (result, copy);
      return result;
    }
  return calque_json_node_deep_copy (node);
}

static gboolean
save_one (Fill        *fill,
          JsonObject  *spec,
          GError     **error)
{
  const char *kind_name = json_object_get_string_member_with_default (spec, "kind", NULL);
  const char *ref = json_object_get_string_member_with_default (spec, "ref", NULL);
  JsonObject *fields = json_object_get_object_member (spec, "fields");
  CalqueKind kind;
  g_autoptr(CalqueRecord) record = NULL;

  if (kind_name == NULL || !calque_kind_from_string (kind_name, &kind))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“kind” is missing or names no kind");
      return FALSE;
    }
  record = calque_record_new (kind, fill->project_id);

  if (fields != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (fields);

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = resolve_node (fill, json_object_get_member (fields, l->data), error);

          if (value == NULL)
            {
              g_prefix_error (error, "“%s”: ", (const char *) l->data);
              return FALSE;
            }
          if (g_str_equal (l->data, "shape"))
            {
              /* Through the parser, as the app's tools build shapes. */
              g_autoptr(CalqueShape) shape = calque_shape_from_json (value, error);

              json_node_unref (value);
              if (shape == NULL)
                return FALSE;
              calque_record_set_shape (record, shape);
            }
          else
            calque_record_set_field (record, l->data, value);
        }
    }

  /* The app never saves a shape that does not fit its item. */
  if (kind == CALQUE_KIND_ANNOTATION && calque_record_get_string (record, "item") != NULL)
    {
      g_autoptr(CalqueRecord) item = calque_store_get (fill->store, calque_record_get_string (record, "item"), error);

      if (item == NULL || !calque_annotation_validate_for_item (record, item, error))
        return FALSE;
    }

  if (!calque_store_save (fill->store, record, error))
    return FALSE;
  if (json_object_get_boolean_member_with_default (spec, "deleted", FALSE))
    {
      calque_record_set_deleted (record, TRUE);
      if (!calque_store_save (fill->store, record, error))
        return FALSE;
    }
  if (ref != NULL)
    g_hash_table_insert (fill->refs, g_strdup (ref), g_strdup (calque_record_get_id (record)));
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) output = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *records;
  GHashTableIter iter;
  gpointer key, value;
  Fill fill;

  setlocale (LC_ALL, "");
  if (argc != 3)
    {
      g_printerr ("usage: calque-test-fill WORKSPACE SPEC.json\n");
      return 2;
    }

  if (!json_parser_load_from_file (parser, argv[2], &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("%s: %s\n", argv[2], error ? error->message : "not a JSON object");
      return 1;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  records = json_object_get_array_member (root, "records");

  workspace = calque_workspace_open (argv[1], &error);
  if (workspace != NULL)
    project = calque_workspace_find_project (workspace,
                                             json_object_get_string_member_with_default (root, "project", NULL),
                                             &error);
  if (project == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }

  fill = (Fill) {
    .store = calque_workspace_get_store (workspace),
    .project_id = calque_record_get_id (project),
    .refs = refs,
  };
  for (guint i = 0; records != NULL && i < json_array_get_length (records); i++)
    {
      JsonObject *spec = json_array_get_object_element (records, i);

      if (spec == NULL || !save_one (&fill, spec, &error))
        {
          g_printerr ("%s: record %u: %s\n", argv[2], i, error ? error->message : "not an object");
          return 1;
        }
    }

  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, refs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  output = json_builder_get_root (builder);
  json_generator_set_root (generator, output);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
  return 0;
}
