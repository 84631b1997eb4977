/* calque-change.c — one edit of one record, and its JSON form */
#define G_LOG_DOMAIN "calque-change"

#include "calque-change.h"
#include "calque-uuid.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-change-error-quark, calque_change_error)

CalqueChange *
calque_change_new (const char *client_id,
                   guint64     op_no,
                   CalqueKind  kind,
                   const char *record_id,
                   const char *project)
{
  CalqueChange *self = g_new0 (CalqueChange, 1);

  self->client_id = g_strdup (client_id);
  self->op_no = op_no;
  self->kind = kind;
  self->record_id = g_strdup (record_id);
  self->project = g_strdup (project);
  self->set = json_object_new ();
  return self;
}

CalqueChange *
calque_change_copy (const CalqueChange *self)
{
  CalqueChange *copy = g_memdup2 (self, sizeof *self);
  g_autoptr(JsonNode) wrapper = json_node_init_object (json_node_alloc (), self->set);
  JsonNode *set = calque_json_node_deep_copy (wrapper);

  copy->client_id = g_strdup (self->client_id);
  copy->record_id = g_strdup (self->record_id);
  copy->project = g_strdup (self->project);
  copy->author = g_strdup (self->author);
  copy->set = json_object_ref (json_node_get_object (set));
  json_node_unref (set);
  return copy;
}

void
calque_change_free (CalqueChange *self)
{
  if (self == NULL)
    return;
  g_free (self->client_id);
  g_free (self->record_id);
  g_free (self->project);
  g_free (self->author);
  g_clear_pointer (&self->set, json_object_unref);
  g_free (self);
}

void
calque_change_set_field (CalqueChange *self,
                         const char   *field,
                         JsonNode     *value)
{
  json_object_set_member (self->set, field, value);
}

/* The store writes the same members by hand for a record's first save
 * (client/store/calque-store.c, save_new_record()): a member added here
 * goes there too. */
JsonNode *
calque_change_to_json (const CalqueChange *self)
{
  JsonObject *obj = json_object_new ();
  g_autoptr(JsonNode) set_wrapper = json_node_init_object (json_node_alloc (), self->set);
  char clock[CALQUE_HLC_STRING_LENGTH + 1];
  JsonNode *node;

  calque_hlc_to_string (&self->hlc, clock);
  json_object_set_string_member (obj, "client", self->client_id);
  json_object_set_int_member (obj, "op", (gint64) self->op_no);
  json_object_set_string_member (obj, "id", self->record_id);
  json_object_set_string_member (obj, "kind", calque_kind_to_string (self->kind));
  json_object_set_string_member (obj, "project", self->project);
  json_object_set_member (obj, "set", calque_json_node_deep_copy (set_wrapper));
  json_object_set_string_member (obj, "clock", clock);
  json_object_set_int_member (obj, "base_seq", self->base_seq);
  json_object_set_boolean_member (obj, "delete", self->delete_record);
  json_object_set_boolean_member (obj, "undelete", self->undelete);
  json_object_set_int_member (obj, "seq", self->seq);
  if (self->author)
    json_object_set_string_member (obj, "author", self->author);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

static gboolean
syntax_error (GError    **error,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
syntax_error (GError    **error,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_SYNTAX, message);
  return FALSE;
}

/* The member @name of @obj, or else of @common (NULL: none). */
static JsonNode *
lookup (JsonObject *obj,
        JsonObject *common,
        const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL && common != NULL)
    node = json_object_get_member (common, name);
  return node;
}

/* The member @name of @obj (or @common) if it has @type (G_TYPE_STRING,
 * G_TYPE_INT64, G_TYPE_BOOLEAN), else NULL with an error naming it. */
static JsonNode *
member_of_type (JsonObject  *obj,
                JsonObject  *common,
                const char  *name,
                GType        type,
                gboolean     required,
                GError     **error)
{
  JsonNode *node = lookup (obj, common, name);

  if (node == NULL)
    {
      if (required)
        g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_SYNTAX,
                     _("change has no “%s”"), name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    {
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_SYNTAX,
                   _("change “%s” must be %s"), name,
                   type == G_TYPE_STRING ? _("a string")
                   : type == G_TYPE_INT64 ? _("a whole number") : _("true or false"));
      return NULL;
    }
  return node;
}

static CalqueChange *
change_from_json (JsonNode    *node,
                  JsonObject  *common,
                  gboolean     share_set,
                  GError     **error)
{
  static const char * const members[] = {
    "client", "op", "id", "kind", "project", "set", "clock", "base_seq",
    "delete", "undelete", "seq", "author", NULL
  };
  JsonObject *obj;
  JsonNode *client, *op, *id, *kind, *project, *set, *clock, *base_seq, *m;
  CalqueKind k;
  g_autoptr(CalqueChange) change = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *field;
  JsonNode *value;
  JsonObject *fields;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      syntax_error (error, "%s", _("a change must be a JSON object"));
      return NULL;
    }
  obj = json_node_get_object (node);

  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &field, NULL))
    if (!g_strv_contains (members, field))
      {
        syntax_error (error, _("change has an unknown member “%s”"), field);
        return NULL;
      }

  if (!(client = member_of_type (obj, common, "client", G_TYPE_STRING, TRUE, error))
      || !(op = member_of_type (obj, common, "op", G_TYPE_INT64, TRUE, error))
      || !(id = member_of_type (obj, common, "id", G_TYPE_STRING, TRUE, error))
      || !(kind = member_of_type (obj, common, "kind", G_TYPE_STRING, TRUE, error))
      || !(project = member_of_type (obj, common, "project", G_TYPE_STRING, TRUE, error))
      || !(clock = member_of_type (obj, common, "clock", G_TYPE_STRING, TRUE, error))
      || !(base_seq = member_of_type (obj, common, "base_seq", G_TYPE_INT64, TRUE, error)))
    return NULL;

  set = json_object_get_member (obj, "set");
  if (set == NULL || !JSON_NODE_HOLDS_OBJECT (set))
    {
      syntax_error (error, "%s", _("change “set” must be an object of fields"));
      return NULL;
    }

  if (!calque_uuid_is_valid (json_node_get_string (client))
      || !calque_uuid_is_valid (json_node_get_string (id))
      || !calque_uuid_is_valid (json_node_get_string (project)))
    {
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                   _("change “client”, “id” and “project” must be record ids"));
      return NULL;
    }
  if (!calque_kind_from_string (json_node_get_string (kind), &k))
    {
      /* %.40s: a peer's text is quoted, not echoed at any length. */
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                   _("change of unknown kind “%.40s”"), json_node_get_string (kind));
      return NULL;
    }
  if (json_node_get_int (op) < 1 || json_node_get_int (base_seq) < 0)
    {
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                   _("change “op” must be 1 or more and “base_seq” 0 or more"));
      return NULL;
    }

  change = calque_change_new (json_node_get_string (client), (guint64) json_node_get_int (op), k,
                              json_node_get_string (id), json_node_get_string (project));
  change->base_seq = json_node_get_int (base_seq);
  if (!calque_hlc_from_string (json_node_get_string (clock), &change->hlc, &local_error))
    {
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                   _("change “clock”: %s"), local_error->message);
      return NULL;
    }

  fields = json_node_get_object (set);
  json_object_iter_init_ordered (&iter, fields);
  while (json_object_iter_next_ordered (&iter, &field, &value))
    {
      if (!calque_kind_has_field (k, field))
        {
          g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                       _("change sets “%.40s”, which a %s does not have"), field, calque_kind_to_string (k));
          return NULL;
        }
      if (!share_set)
        calque_change_set_field (change, field, calque_json_node_deep_copy (value));
    }
  /* A sealed object cannot be changed, as calque_change_set_field() does
   * to a change's set: that one is copied after all. */
  if (share_set)
    {
      if (json_object_is_immutable (fields))
        {
          json_object_iter_init_ordered (&iter, fields);
          while (json_object_iter_next_ordered (&iter, &field, &value))
            calque_change_set_field (change, field, calque_json_node_deep_copy (value));
        }
      else
        {
          json_object_unref (change->set);
          change->set = json_object_ref (fields);
        }
    }

  if ((m = member_of_type (obj, common, "delete", G_TYPE_BOOLEAN, FALSE, &local_error)))
    change->delete_record = json_node_get_boolean (m);
  else if (local_error)
    goto fail;
  if ((m = member_of_type (obj, common, "undelete", G_TYPE_BOOLEAN, FALSE, &local_error)))
    change->undelete = json_node_get_boolean (m);
  else if (local_error)
    goto fail;
  if ((m = member_of_type (obj, common, "seq", G_TYPE_INT64, FALSE, &local_error)))
    change->seq = json_node_get_int (m);
  else if (local_error)
    goto fail;
  if ((m = member_of_type (obj, common, "author", G_TYPE_STRING, FALSE, &local_error)))
    change->author = g_strdup (json_node_get_string (m));
  else if (local_error)
    goto fail;

  if (change->delete_record && change->undelete)
    {
      g_set_error (error, CALQUE_CHANGE_ERROR, CALQUE_CHANGE_ERROR_VALUE,
                   _("a change cannot both delete and undelete"));
      return NULL;
    }

  return g_steal_pointer (&change);

fail:
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

CalqueChange *
calque_change_from_json (JsonNode  *node,
                         GError   **error)
{
  return change_from_json (node, NULL, FALSE, error);
}

CalqueChange *
calque_change_from_message_json (JsonNode    *node,
                                 JsonObject  *common,
                                 GError     **error)
{
  return change_from_json (node, common, TRUE, error);
}
