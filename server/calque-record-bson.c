/* calque-record-bson.c — records and changes as BSON, for the MongoDB store */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-record-bson.h"
#include "calque-json.h"
#include "calque-record-private.h"
#include "calque-uuid.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (calque-record-bson-error-quark, calque_record_bson_error)

static gboolean append_members (bson_t     *doc,
                                JsonObject *object);

/* --- member names -------------------------------------------------------- */

static gboolean
needs_escape (const char *name)
{
  return name[0] == '\0' || strpbrk (name, "%.$") != NULL;
}

char *
calque_bson_escape_key (const char *name)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  if (name[0] == '\0')
    return g_strdup ("%");
  out = g_string_sized_new (strlen (name) + 8);
  for (const char *p = name; *p; p++)
    switch (*p)
      {
      case '%': g_string_append (out, "%25"); break;
      case '.': g_string_append (out, "%2E"); break;
      case '$': g_string_append (out, "%24"); break;
      default: g_string_append_c (out, *p); break;
      }
  return g_string_free (out, FALSE);
}

char *
calque_bson_unescape_key (const char *key)
{
  GString *out;

  g_return_val_if_fail (key != NULL, NULL);

  /* Only what calque_bson_escape_key() writes, so that the mapping goes
   * both ways: no raw '.' or '$', no empty key, no other %XX. */
  if (strcmp (key, "%") == 0)
    return g_strdup ("");
  if (key[0] == '\0' || strpbrk (key, ".$") != NULL)
    return NULL;
  if (strchr (key, '%') == NULL)
    return g_strdup (key);

  out = g_string_sized_new (strlen (key));
  for (const char *p = key; *p; p++)
    {
      if (*p != '%')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (strncmp (p, "%25", 3) == 0)
        g_string_append_c (out, '%');
      else if (strncmp (p, "%2E", 3) == 0)
        g_string_append_c (out, '.');
      else if (strncmp (p, "%24", 3) == 0)
        g_string_append_c (out, '$');
      else
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      p += 2;
    }
  return g_string_free (out, FALSE);
}

/* --- JSON → BSON ---------------------------------------------------------- */

/* FALSE only past libbson's own limit (2 GiB), far beyond any record. */
static gboolean
append_value (bson_t     *doc,
              const char *key,
              JsonNode   *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        bson_t child;

        return bson_append_document_begin (doc, key, -1, &child)
               && append_members (&child, json_node_get_object (node))
               && bson_append_document_end (doc, &child);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        bson_t child;

        if (!bson_append_array_begin (doc, key, -1, &child))
          return FALSE;
        for (guint i = 0; i < n; i++)
          {
            char buffer[16];
            const char *index;

            bson_uint32_to_string (i, &index, buffer, sizeof buffer);
            if (!append_value (&child, index, json_array_get_element (array, i)))
              return FALSE;
          }
        return bson_append_array_end (doc, &child);
      }

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return bson_append_utf8 (doc, key, -1, json_node_get_string (node), -1);
        case G_TYPE_INT64:
          return bson_append_int64 (doc, key, -1, json_node_get_int (node));
        case G_TYPE_DOUBLE:
          /* As the JSON writer does: JSON has no NaN nor infinity. */
          if (!isfinite (json_node_get_double (node)))
            return bson_append_null (doc, key, -1);
          return bson_append_double (doc, key, -1, json_node_get_double (node));
        case G_TYPE_BOOLEAN:
          return bson_append_bool (doc, key, -1, json_node_get_boolean (node));
        default:
          return bson_append_null (doc, key, -1);
        }

    case JSON_NODE_NULL:
    default:
      return bson_append_null (doc, key, -1);
    }
}

static gboolean
append_members (bson_t     *doc,
                JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      g_autofree char *escaped = needs_escape (name) ? calque_bson_escape_key (name) : NULL;

      if (!append_value (doc, escaped ? escaped : name, member))
        return FALSE;
    }
  return TRUE;
}

gboolean
calque_bson_append_json (bson_t     *doc,
                         const char *key,
                         JsonNode   *node)
{
  g_return_val_if_fail (doc != NULL && key != NULL && node != NULL, FALSE);

  return append_value (doc, key, node);
}

/* --- BSON → JSON ---------------------------------------------------------- */

/* Errors found while decoding a value start with ": " and each enclosing
 * value puts its name in front, so that the message ends up as
 * "metadata.camera: a string holds…"; the entry points drop a ": " left
 * at the front by an error in the document itself. */
static gboolean
damaged (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
damaged (GError    **error,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED, ": %s", message);
  return FALSE;
}

static void
prefix_path (GError     **error,
             const char  *name)
{
  if (error != NULL && *error != NULL)
    g_prefix_error (error, (*error)->message[0] == ':' ? "%s" : "%s.", name);
}

static void
drop_leading_colon (GError **error)
{
  char *message;

  if (error == NULL || *error == NULL || !g_str_has_prefix ((*error)->message, ": "))
    return;
  message = g_strdup ((*error)->message + 2);
  g_free ((*error)->message);
  (*error)->message = message;
}

static JsonNode *value_from_iter (const bson_iter_t  *iter,
                                  int                 depth,
                                  GError            **error);

/* The members of the document @children iterates, into a new object. */
static JsonObject *
object_from_children (bson_iter_t  *children,
                      int           depth,
                      GError      **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  while (bson_iter_next (children))
    {
      const char *key = bson_iter_key (children);
      g_autofree char *name = calque_bson_unescape_key (key);
      JsonNode *member;

      if (name == NULL)
        {
          damaged (error, _("member name “%s” is not escaped the way Calque writes names"), key);
          return NULL;
        }
      member = value_from_iter (children, depth + 1, error);
      if (member == NULL)
        {
          prefix_path (error, name);
          return NULL;
        }
      json_object_set_member (object, name, member);
    }
  return g_steal_pointer (&object);
}

static JsonNode *
value_from_iter (const bson_iter_t  *iter,
                 int                 depth,
                 GError            **error)
{
  bson_iter_t children;

  if (depth > CALQUE_JSON_MAX_DEPTH)
    {
      damaged (error, _("nested more than %d levels deep"), CALQUE_JSON_MAX_DEPTH);
      return NULL;
    }

  switch (bson_iter_type (iter))
    {
    case BSON_TYPE_UTF8:
      {
        uint32_t length = 0;
        const char *text = bson_iter_utf8 (iter, &length);

        /* BSON strings carry a length and may hold a NUL, which a C string
         * would silently cut; JSON's \u0000 is refused too (calque-json.h). */
        if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, length, NULL))
          {
            damaged (error, "%s", _("a string holds a NUL character or is not UTF-8"));
            return NULL;
          }
        return json_node_init_string (json_node_alloc (), text);
      }

    case BSON_TYPE_INT32:
      return json_node_init_int (json_node_alloc (), bson_iter_int32 (iter));

    case BSON_TYPE_INT64:
      return json_node_init_int (json_node_alloc (), bson_iter_int64 (iter));

    case BSON_TYPE_DOUBLE:
      if (!isfinite (bson_iter_double (iter)))
        return json_node_new (JSON_NODE_NULL);
      return json_node_init_double (json_node_alloc (), bson_iter_double (iter));

    case BSON_TYPE_BOOL:
      return json_node_init_boolean (json_node_alloc (), bson_iter_bool (iter));

    case BSON_TYPE_NULL:
      return json_node_new (JSON_NODE_NULL);

    case BSON_TYPE_DOCUMENT:
      {
        JsonObject *object;
        JsonNode *node;

        if (!bson_iter_recurse (iter, &children))
          {
            damaged (error, "%s", _("a document that cannot be read"));
            return NULL;
          }
        object = object_from_children (&children, depth, error);
        if (object == NULL)
          return NULL;
        node = json_node_init_object (json_node_alloc (), object);  /* takes a reference */
        json_object_unref (object);
        return node;
      }

    case BSON_TYPE_ARRAY:
      {
        g_autoptr(JsonArray) array = json_array_new ();
        guint index = 0;

        if (!bson_iter_recurse (iter, &children))
          {
            damaged (error, "%s", _("an array that cannot be read"));
            return NULL;
          }
        while (bson_iter_next (&children))
          {
            JsonNode *element = value_from_iter (&children, depth + 1, error);

            if (element == NULL)
              {
                prefix_path (error, bson_iter_key (&children));
                return NULL;
              }
            json_array_add_element (array, element);
            index++;
          }
        return json_node_init_array (json_node_alloc (), array);
      }

    default:
      damaged (error, _("a value of BSON type 0x%02x, which JSON has no equivalent for"),
               (guint) bson_iter_type (iter));
      return NULL;
    }
}

JsonNode *
calque_json_from_bson (const bson_iter_t  *iter,
                       GError            **error)
{
  JsonNode *node;

  g_return_val_if_fail (iter != NULL, NULL);
  node = value_from_iter (iter, 0, error);
  drop_leading_colon (error);
  return node;
}

/* The members of @doc as an object, names unescaped. */
static JsonObject *
object_from_document (const bson_t  *doc,
                      GError       **error)
{
  bson_iter_t children;
  JsonObject *object;

  if (!bson_iter_init (&children, doc))
    {
      damaged (error, "%s", _("a document that cannot be read"));
      drop_leading_colon (error);
      return NULL;
    }
  object = object_from_children (&children, 0, error);
  drop_leading_colon (error);
  return object;
}

/* --- records -------------------------------------------------------------- */

static gboolean
check_size (const bson_t  *doc,
            const char    *what,
            const char    *id,
            GError       **error)
{
  if (doc->len <= CALQUE_BSON_MAX_DOCUMENT_SIZE)
    return TRUE;
  g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_TOO_LARGE,
               _("%s %s would take %u bytes in MongoDB, over its limit of %d bytes for one document"),
               what, id, doc->len, CALQUE_BSON_MAX_DOCUMENT_SIZE);
  return FALSE;
}

/* Clocks and seqs leave the record as JSON text (calque-record-private.h);
 * @json is that text, and each member goes under @key as a subdocument. */
static void
append_json_text (bson_t     *doc,
                  const char *key,
                  const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  /* The record wrote this text itself: it always parses. */
  if (calque_json_load_one (parser, json, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL
      && JSON_NODE_HOLDS_OBJECT (root))
    append_value (doc, key, root);
  else
    {
      bson_t empty = BSON_INITIALIZER;

      bson_append_document (doc, key, -1, &empty);
    }
}

bson_t *
calque_record_to_bson (CalqueRecord  *record,
                       GError       **error)
{
  g_autoptr(bson_t) doc = bson_new ();
  g_autofree char *clocks = NULL;
  g_autofree char *seqs = NULL;
  bson_t fields;

  g_return_val_if_fail (CALQUE_IS_RECORD (record), NULL);

  bson_append_utf8 (doc, "_id", -1, calque_record_get_id (record), -1);
  bson_append_utf8 (doc, "kind", -1, calque_kind_to_string (calque_record_get_kind (record)), -1);
  bson_append_utf8 (doc, "project", -1, calque_record_get_project (record), -1);
  bson_append_bool (doc, "deleted", -1, calque_record_get_deleted (record));

  if (!bson_append_document_begin (doc, "fields", -1, &fields)
      || !append_members (&fields, calque_record_get_fields (record))
      || !bson_append_document_end (doc, &fields))
    {
      g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_TOO_LARGE,
                   _("record %s is too large to encode"), calque_record_get_id (record));
      return NULL;
    }

  clocks = _calque_record_dup_clocks_json (record);
  seqs = _calque_record_dup_seqs_json (record);
  append_json_text (doc, "clocks", clocks);
  append_json_text (doc, "seqs", seqs);

  if (!check_size (doc, calque_kind_to_string (calque_record_get_kind (record)),
                   calque_record_get_id (record), error))
    return NULL;
  return g_steal_pointer (&doc);
}

static const char *
find_utf8 (const bson_t *doc,
           const char   *key)
{
  bson_iter_t iter;

  if (bson_iter_init_find (&iter, doc, key) && BSON_ITER_HOLDS_UTF8 (&iter))
    return bson_iter_utf8 (&iter, NULL);
  return NULL;
}

CalqueRecord *
calque_record_from_bson (const bson_t  *doc,
                         GError       **error)
{
  const char *id, *kind_name, *project;
  g_autoptr(CalqueRecord) record = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) local_error = NULL;
  bson_iter_t iter, children;
  CalqueKind kind;

  g_return_val_if_fail (doc != NULL, NULL);

  id = find_utf8 (doc, "_id");
  kind_name = find_utf8 (doc, "kind");
  project = find_utf8 (doc, "project");
  if (id == NULL || !calque_uuid_is_valid (id))
    {
      g_set_error_literal (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED,
                           _("a stored record has no valid “_id”"));
      return NULL;
    }
  if (kind_name == NULL || !calque_kind_from_string (kind_name, &kind)
      || project == NULL || !calque_uuid_is_valid (project))
    {
      g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED,
                   _("record %s: its “kind” or “project” is missing or wrong"), id);
      return NULL;
    }
  if (!bson_iter_init_find (&iter, doc, "fields") || !BSON_ITER_HOLDS_DOCUMENT (&iter)
      || !bson_iter_recurse (&iter, &children))
    {
      g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED,
                   _("record %s has no “fields” document"), id);
      return NULL;
    }
  fields = object_from_children (&children, 1, &local_error);
  if (fields == NULL)
    {
      prefix_path (&local_error, "fields");
      g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED,
                   _("record %s: %s"), id, local_error->message);
      return NULL;
    }

  record = calque_record_new_with_id (kind, id, project);
  _calque_record_take_fields (record, g_steal_pointer (&fields));
  if (bson_iter_init_find (&iter, doc, "deleted") && BSON_ITER_HOLDS_BOOL (&iter) && bson_iter_bool (&iter))
    calque_record_set_deleted (record, TRUE);

  /* As the SQLite store does with its clocks and seqs columns: an entry of
   * the wrong type is left out rather than failing the record. */
  if (bson_iter_init_find (&iter, doc, "clocks") && BSON_ITER_HOLDS_DOCUMENT (&iter)
      && bson_iter_recurse (&iter, &children))
    while (bson_iter_next (&children))
      {
        g_autofree char *name = calque_bson_unescape_key (bson_iter_key (&children));

        if (name != NULL && BSON_ITER_HOLDS_UTF8 (&children))
          calque_record_set_clock (record, name, bson_iter_utf8 (&children, NULL));
      }
  if (bson_iter_init_find (&iter, doc, "seqs") && BSON_ITER_HOLDS_DOCUMENT (&iter)
      && bson_iter_recurse (&iter, &children))
    while (bson_iter_next (&children))
      {
        g_autofree char *name = calque_bson_unescape_key (bson_iter_key (&children));

        if (name != NULL && (BSON_ITER_HOLDS_INT64 (&children) || BSON_ITER_HOLDS_INT32 (&children)))
          calque_record_set_seq (record, name, bson_iter_as_int64 (&children));
      }

  calque_record_mark_clean (record);
  return g_steal_pointer (&record);
}

/* --- changes -------------------------------------------------------------- */

bson_t *
calque_change_to_bson (const CalqueChange  *change,
                       GError             **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(bson_t) doc = bson_new ();

  g_return_val_if_fail (change != NULL, NULL);

  node = calque_change_to_json (change);
  if (!append_members (doc, json_node_get_object (node)))
    {
      g_set_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_TOO_LARGE,
                   _("the change of record %s is too large to encode"), change->record_id);
      return NULL;
    }
  if (!check_size (doc, _("the change of record"), change->record_id, error))
    return NULL;
  return g_steal_pointer (&doc);
}

CalqueChange *
calque_change_from_bson (const bson_t  *doc,
                         GError       **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  CalqueChange *change;

  g_return_val_if_fail (doc != NULL, NULL);

  object = object_from_document (doc, &local_error);
  if (object != NULL)
    {
      node = json_node_init_object (json_node_alloc (), object);
      change = calque_change_from_json (node, &local_error);
      if (change != NULL)
        return change;
    }
  g_set_error_literal (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED, local_error->message);
  return NULL;
}
