/* calque-record-json.c — records to and from JSON */
#define G_LOG_DOMAIN "calque-record"

#include "calque-record-json.h"
#include "calque-uuid.h"
#include "calque-json.h"
#include "calque-json-writer.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Members that every record has; a kind's own fields may not use them. */
static const char * const envelope[] = { "id", "kind", "project", "deleted", NULL };

JsonNode *
calque_record_to_json_node (CalqueRecord *record)
{
  JsonObject *obj = json_object_new ();
  JsonObject *fields;
  JsonNode *node;
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (CALQUE_IS_RECORD (record), NULL);

  json_object_set_string_member (obj, "id", calque_record_get_id (record));
  json_object_set_string_member (obj, "kind", calque_kind_to_string (calque_record_get_kind (record)));
  json_object_set_string_member (obj, "project", calque_record_get_project (record));
  json_object_set_boolean_member (obj, "deleted", calque_record_get_deleted (record));

  fields = calque_record_get_fields (record);
  names = json_object_get_members (fields);
  for (GList *l = names; l; l = l->next)
    json_object_set_member (obj, l->data, calque_json_node_deep_copy (json_object_get_member (fields, l->data)));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);  /* init_object would add a reference */
  return node;
}

char *
calque_record_to_json (CalqueRecord *record,
                       gsize        *out_length)
{
  GString *out = g_string_sized_new (256);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  g_return_val_if_fail (CALQUE_IS_RECORD (record), NULL);

  /* Written directly rather than through calque_record_to_json_node(): an
   * export writes every record of a project this way. */
  g_string_append (out, "{\"id\":");
  calque_json_append_string (out, calque_record_get_id (record));
  g_string_append (out, ",\"kind\":");
  calque_json_append_string (out, calque_kind_to_string (calque_record_get_kind (record)));
  g_string_append (out, ",\"project\":");
  calque_json_append_string (out, calque_record_get_project (record));
  g_string_append (out, calque_record_get_deleted (record) ? ",\"deleted\":true" : ",\"deleted\":false");

  json_object_iter_init_ordered (&iter, calque_record_get_fields (record));
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      g_string_append_c (out, ',');
      calque_json_append_string (out, name);
      g_string_append_c (out, ':');
      calque_json_append_node (out, member);
    }
  g_string_append_c (out, '}');

  if (out_length)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}

static const char *
envelope_string (JsonObject  *obj,
                 const char  *member,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_MISSING_FIELD,
                   _("record has no “%s”"), member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_FIELD_TYPE,
                   _("record “%s” must be a string"), member);
      return NULL;
    }
  return json_node_get_string (node);
}

CalqueRecord *
calque_record_from_json_node (JsonNode  *node,
                              GError   **error)
{
  JsonObject *obj;
  const char *id, *kind_name, *project;
  CalqueKind kind;
  JsonNode *deleted;
  g_autoptr(CalqueRecord) record = NULL;
  g_autoptr(GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_SYNTAX,
                           _("a record must be a JSON object"));
      return NULL;
    }
  obj = json_node_get_object (node);

  if (!(id = envelope_string (obj, "id", error))
      || !(kind_name = envelope_string (obj, "kind", error))
      || !(project = envelope_string (obj, "project", error)))
    return NULL;

  if (!calque_uuid_is_valid (id))
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_ID,
                   _("“%s” is not a record id"), id);
      return NULL;
    }
  if (!calque_kind_from_string (kind_name, &kind))
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_UNKNOWN_KIND,
                   _("record %s: unknown kind “%s”"), id, kind_name);
      return NULL;
    }
  if (!calque_uuid_is_valid (project))
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_ID,
                   _("%s %s: “project”: “%s” is not a record id"), kind_name, id, project);
      return NULL;
    }

  record = calque_record_new_with_id (kind, id, project);

  deleted = json_object_get_member (obj, "deleted");
  if (deleted != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (deleted) || json_node_get_value_type (deleted) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_FIELD_TYPE,
                       _("%s %s: “deleted” must be true or false"), kind_name, id);
          return NULL;
        }
      calque_record_set_deleted (record, json_node_get_boolean (deleted));
    }

  names = json_object_get_members (obj);
  for (GList *l = names; l; l = l->next)
    {
      if (g_strv_contains (envelope, l->data))
        continue;
      calque_record_set_field (record, l->data,
                               calque_json_node_deep_copy (json_object_get_member (obj, l->data)));
    }

  /* The fields stay marked as changed: to whoever decoded them they are
   * new, and a store saving the record must stamp them all. */
  if (!calque_record_validate (record, error))
    return NULL;

  return g_steal_pointer (&record);
}

CalqueRecord *
calque_record_from_json (const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!calque_json_load_one (parser, data, length, &local_error))
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_SYNTAX,
                   _("not valid JSON: %s"), local_error->message);
      return NULL;
    }
  return calque_record_from_json_node (json_parser_get_root (parser), error);
}
