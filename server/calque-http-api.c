/* calque-http-api.c — the JSON routes: projects and members
 *
 *   POST /api/v1/projects               {"name","type",…}  → 201 {"id"}   (server admins)
 *   GET  /api/v1/projects                                  → 200 [{"id","name","type","role"}]
 *   POST /api/v1/projects/<id>/members  {"user","role"}    → 201 {"id"}   (owners, managers)
 *
 * Writes go through the store's apply() like any sync push, under the
 * server's own client id, so they reach every open session as changes.
 */
#define G_LOG_DOMAIN "calque-http"

#include "calque-http-private.h"
#include "calque-access.h"
#include "calque-json.h"
#include "calque-sync.h"
#include "calque-uuid.h"

#include <string.h>

#define PROJECTS_PATH "/api/v1/projects"
#define MAX_BODY_BYTES (64 * 1024)

/* Changes made by these routes carry this client id: the server's own
 * edits, numbered by the time they are made (never the same twice). */
#define ROUTES_CLIENT "00000000-0000-7000-8000-000000000001"

static JsonObject *
read_object_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize length;
  const char *data;

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  if (length == 0 || length > MAX_BODY_BYTES || !calque_json_load_one (parser, data, (gssize) length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static guint64
next_op (void)
{
  static gint64 last;
  gint64 now = g_get_real_time ();

  /* Microseconds, made strictly increasing within the process. */
  last = MAX (now, last + 1);
  return (guint64) last;
}

static CalqueChange *
route_change (CalqueKind  kind,
              const char *id,
              const char *project)
{
  CalqueChange *change = calque_change_new (ROUTES_CLIENT, next_op (), kind, id, project);

  change->hlc.time = (guint64) (g_get_real_time () / 1000) << 16;
  return change;
}

static const CalqueMergeOptions route_options = { .max_ahead_ms = -1, .make_conflicts = TRUE };

/* Applies one change made by a route; FALSE after answering the error. */
static gboolean
apply_route_change (CalqueServerStore *store,
                    SoupServerMessage *msg,
                    CalqueChange      *change,
                    const char        *author)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GError) error = NULL;
  CalqueMergeOptions options = route_options;
  CalqueApplyResult *result;

  options.now_ms = g_get_real_time () / 1000;
  g_ptr_array_add (batch, change);
  if (!calque_server_store_apply (store, change->project, batch, author, &options, results, &error))
    {
      g_warning ("Cannot store a change: %s", error->message);
      _calque_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                  "The server could not store the change");
      return FALSE;
    }
  result = g_ptr_array_index (results, 0);
  if (result->error_code)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, result->error_code, result->error_message);
      return FALSE;
    }
  return TRUE;
}

static void
respond_id (SoupServerMessage *msg,
            const char        *id)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_node_take_object (root, obj);
  _calque_http_respond_json (msg, SOUP_STATUS_CREATED, root);
}

static void
create_project (CalqueHttp        *self,
                SoupServerMessage *msg,
                const char        *user,
                gboolean           admin)
{
  CalqueServerStore *store = calque_auth_get_store (_calque_http_get_auth (self));
  g_autoptr(JsonObject) body = read_object_body (msg);
  g_autoptr(CalqueChange) project = NULL;
  g_autoptr(CalqueChange) owner = NULL;
  char id[37], member_id[37];
  JsonObjectIter iter;
  const char *field;
  JsonNode *value;

  if (!admin)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                                  "Only a server administrator creates projects");
      return;
    }
  if (body == NULL)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                  "The body must be a JSON object of project fields");
      return;
    }

  calque_uuid7_generate (id);
  project = route_change (CALQUE_KIND_PROJECT, id, id);
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &field, &value))
    {
      if (!calque_kind_has_field (CALQUE_KIND_PROJECT, field))
        {
          g_autofree char *message = g_strdup_printf ("A project has no field “%.40s”", field);
          _calque_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", message);
          return;
        }
      calque_change_set_field (project, field, calque_json_node_deep_copy (value));
    }
  if (!apply_route_change (store, msg, project, user))
    return;

  /* Whoever creates a project owns it. */
  calque_uuid7_generate (member_id);
  owner = route_change (CALQUE_KIND_MEMBER, member_id, id);
  calque_change_set_field (owner, "user", json_node_init_string (json_node_alloc (), user));
  calque_change_set_field (owner, "role", json_node_init_string (json_node_alloc (), "owner"));
  if (!apply_route_change (store, msg, owner, user))
    return;
  respond_id (msg, id);
}

static void
list_projects (CalqueHttp        *self,
               SoupServerMessage *msg,
               const char        *user,
               gboolean           admin)
{
  CalqueServerStore *store = calque_auth_get_store (_calque_http_get_auth (self));
  g_autoptr(GPtrArray) memberships = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  g_autoptr(GError) error = NULL;

  json_node_take_array (root, array);
  /* Projects are found through the member records naming the user. */
  memberships = calque_server_store_list_memberships (store, user, &error);
  if (memberships == NULL)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "Cannot list projects");
      return;
    }
  for (guint i = 0; i < memberships->len; i++)
    {
      CalqueRecord *member = g_ptr_array_index (memberships, i);
      g_autoptr(CalqueRecord) project = calque_server_store_get_record (store, calque_record_get_project (member), NULL);
      JsonObject *obj;

      if (project == NULL || calque_record_get_deleted (project))
        continue;
      obj = json_object_new ();
      json_object_set_string_member (obj, "id", calque_record_get_id (project));
      json_object_set_string_member (obj, "name", calque_record_get_string (project, "name"));
      json_object_set_string_member (obj, "type", calque_record_get_string (project, "type"));
      json_object_set_string_member (obj, "role", calque_record_get_string (member, "role"));
      json_array_add_object_element (array, obj);
    }
  _calque_http_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
add_member (CalqueHttp        *self,
            SoupServerMessage *msg,
            const char        *project_id,
            const char        *user,
            gboolean           admin)
{
  CalqueServerStore *store = calque_auth_get_store (_calque_http_get_auth (self));
  g_autoptr(JsonObject) body = read_object_body (msg);
  g_autoptr(CalqueSyncSession) session = NULL;
  g_autoptr(CalqueChange) member = NULL;
  g_autoptr(GError) error = NULL;
  const char *name, *role;
  char id[37];

  session = calque_sync_session_new (store, project_id, user, admin, &error);
  if (session == NULL)
    {
      /* No project and no membership answer alike: an outsider learns
       * nothing about which projects exist. */
      _calque_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is no such project for you");
      return;
    }
  name = body ? json_object_get_string_member_with_default (body, "user", NULL) : NULL;
  role = body ? json_object_get_string_member_with_default (body, "role", NULL) : NULL;
  if (name == NULL || role == NULL || calque_role_from_string (role) == CALQUE_ROLE_NONE
      || !calque_server_store_get_user (store, name, NULL, NULL, NULL))
    {
      _calque_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                  "The body must be {\"user\": an existing user, \"role\": owner, manager, reviewer, annotator or viewer}");
      return;
    }

  calque_uuid7_generate (id);
  member = route_change (CALQUE_KIND_MEMBER, id, project_id);
  calque_change_set_field (member, "user", json_node_init_string (json_node_alloc (), name));
  calque_change_set_field (member, "role", json_node_init_string (json_node_alloc (), role));
  if (!calque_access_can_write (&session->access, NULL, member, NULL, &error))
    {
      _calque_http_respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", error->message);
      return;
    }
  if (!apply_route_change (store, msg, member, user))
    return;
  respond_id (msg, id);
}

static void
projects_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  CalqueHttp *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *user = NULL;
  gboolean admin = FALSE;
  const char *rest = path + strlen (PROJECTS_PATH);

  if (!_calque_http_authenticate (self, msg, &user, &admin))
    return;

  if (*rest == '\0')
    {
      if (method == SOUP_METHOD_POST)
        create_project (self, msg, user, admin);
      else if (method == SOUP_METHOD_GET)
        list_projects (self, msg, user, admin);
      else
        _calque_http_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                    "Use GET or POST here");
      return;
    }

  /* /<uuid>/members */
  if (rest[0] == '/' && strlen (rest) == 1 + 36 + strlen ("/members")
      && g_str_has_suffix (rest, "/members"))
    {
      g_autofree char *project_id = g_strndup (rest + 1, 36);

      if (calque_uuid_is_valid (project_id) && method == SOUP_METHOD_POST)
        {
          add_member (self, msg, project_id, user, admin);
          return;
        }
    }
  _calque_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is nothing at this address");
}

void
_calque_http_api_register (CalqueHttp *self)
{
  soup_server_add_handler (_calque_http_get_server (self), PROJECTS_PATH, projects_cb, self, NULL);
}
