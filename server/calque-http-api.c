/* calque-http-api.c — the JSON routes: projects and members; media
 *
 *   POST /api/v1/projects               {"name","type",…}  → 201 {"id"}   (server admins)
 *   GET  /api/v1/projects                                  → 200 [{"id","name","type","role"}]
 *   POST /api/v1/projects/<id>/members  {"user","role"}    → 201 {"id"}   (owners, managers)
 *   PUT  /api/v1/blobs/<sha256>         the bytes          → 201, or 200 if known (who may import)
 *   GET  /api/v1/blobs/<sha256>                            → 200 the bytes (members of a project using it)
 *
 * Writes go through the store's apply() like any sync push, under the
 * server's own client id, so they reach every open session as changes.
 */
#define G_LOG_DOMAIN "calque-http"

#include "calque-http-private.h"
#include "calque-access.h"
#include "calque-blobs.h"
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

/* --- media ----------------------------------------------------------- */

#define BLOBS_PATH "/api/v1/blobs/"
#define UPLOAD_KEY "calque-upload"
#define UPLOAD_ERROR_KEY "calque-upload-error"

/* Uploading media is part of importing: owners and managers of some
 * project, and server admins. */
static gboolean
may_upload (CalqueServerStore *store,
            const char        *user,
            gboolean           admin)
{
  g_autoptr(GPtrArray) memberships = NULL;

  if (admin)
    return TRUE;
  memberships = calque_server_store_list_memberships (store, user, NULL);
  for (guint i = 0; memberships && i < memberships->len; i++)
    if (calque_role_from_string (calque_record_get_string (g_ptr_array_index (memberships, i), "role"))
        >= CALQUE_ROLE_MANAGER)
      return TRUE;
  return FALSE;
}

/* A blob is readable by the members of a project with an item using it. */
static gboolean
may_download (CalqueServerStore *store,
              const char        *sha256,
              const char        *user,
              gboolean           admin)
{
  g_autoptr(GPtrArray) items = NULL;

  if (admin)
    return TRUE;
  items = calque_server_store_list_items_with_blob (store, sha256, NULL);
  for (guint i = 0; items && i < items->len; i++)
    {
      g_autoptr(CalqueSyncSession) session =
        calque_sync_session_new (store, calque_record_get_project (g_ptr_array_index (items, i)), user, FALSE, NULL);

      if (session && calque_access_can_read (&session->access, g_ptr_array_index (items, i), NULL))
        return TRUE;
    }
  return FALSE;
}

static void
upload_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  CalqueBlobUpload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  g_autoptr(GError) error = NULL;
  gsize length;
  const void *data = g_bytes_get_data (chunk, &length);

  /* After a failure the rest is read and dropped: nothing more is kept. */
  if (upload == NULL || g_object_get_data (G_OBJECT (msg), UPLOAD_ERROR_KEY))
    return;
  if (!calque_blob_upload_write (upload, data, length, &error))
    g_object_set_data_full (G_OBJECT (msg), UPLOAD_ERROR_KEY, g_steal_pointer (&error), (GDestroyNotify) g_error_free);
}

/* Before the body is read: refuse what can be refused, and stream the rest
 * to disk instead of memory. */
static void
blobs_early_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  CalqueHttp *self = user_data;
  CalqueServerStore *store = calque_auth_get_store (_calque_http_get_auth (self));
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *sha256 = path + strlen (BLOBS_PATH);
  g_autofree char *blob = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) error = NULL;
  gboolean admin = FALSE;
  CalqueBlobUpload *upload;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_PUT || _calque_http_get_blob_dir (self) == NULL)
    return;

  /* Never kept in memory, refused or not: a client that sends its body
   * without waiting (no "Expect: 100-continue") has it read and dropped,
   * and a 2 GB upload costs no memory. With Expect, a refusal is sent
   * before any of the body. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_chunk_cb), NULL);

  blob = calque_blobs_path (_calque_http_get_blob_dir (self), sha256);
  if (blob == NULL)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                  "A blob is named by 64 lowercase hex digits of its sha256");
      return;
    }
  if (!_calque_http_authenticate (self, msg, &user, &admin))
    return;
  if (!may_upload (store, user, admin))
    {
      _calque_http_respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                                  "Only owners and managers of a project upload media");
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64) soup_message_headers_get_content_length (headers) > CALQUE_BLOBS_DEFAULT_MAX_BYTES)
    {
      g_autofree char *message = g_strdup_printf ("The upload is larger than the limit of %" G_GUINT64_FORMAT " bytes",
                                                  CALQUE_BLOBS_DEFAULT_MAX_BYTES);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      _calque_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", message);
      return;
    }

  upload = calque_blob_upload_new (_calque_http_get_blob_dir (self), sha256, CALQUE_BLOBS_DEFAULT_MAX_BYTES, &error);
  if (upload == NULL)
    {
      g_warning ("Cannot start an upload: %s", error->message);
      _calque_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "Cannot store uploads now");
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), UPLOAD_KEY, upload, (GDestroyNotify) calque_blob_upload_free);
}

static void
finish_upload (SoupServerMessage *msg)
{
  CalqueBlobUpload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  GError *failed = g_object_get_data (G_OBJECT (msg), UPLOAD_ERROR_KEY);
  g_autoptr(GError) error = NULL;
  gboolean existed = FALSE;

  if (upload == NULL)
    return;   /* answered by the early handler */
  if (failed)
    {
      _calque_http_respond_error (msg, failed->code == CALQUE_BLOBS_ERROR_TOO_LARGE
                                       ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                  failed->code == CALQUE_BLOBS_ERROR_TOO_LARGE ? "too-large" : "internal",
                                  failed->message);
      return;
    }
  if (!calque_blob_upload_finish (upload, &existed, &error))
    {
      gboolean mismatch = g_error_matches (error, CALQUE_BLOBS_ERROR, CALQUE_BLOBS_ERROR_MISMATCH);

      _calque_http_respond_error (msg, mismatch ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                  mismatch ? "hash-mismatch" : "internal", error->message);
      return;
    }
  {
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
    JsonObject *obj = json_object_new ();

    json_object_set_boolean_member (obj, "existed", existed);
    json_node_take_object (root, obj);
    _calque_http_respond_json (msg, existed ? SOUP_STATUS_OK : SOUP_STATUS_CREATED, root);
  }
}

static void
serve_blob (CalqueHttp        *self,
            SoupServerMessage *msg,
            const char        *sha256)
{
  CalqueServerStore *store = calque_auth_get_store (_calque_http_get_auth (self));
  g_autofree char *path = calque_blobs_path (_calque_http_get_blob_dir (self), sha256);
  g_autofree char *user = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean admin = FALSE;

  if (!_calque_http_authenticate (self, msg, &user, &admin))
    return;
  /* Missing and not allowed answer alike: nothing tells which blobs exist. */
  if (path == NULL || !may_download (store, sha256, user, admin)
      || (mapped = g_mapped_file_new (path, FALSE, NULL)) == NULL)
    {
      _calque_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is no such blob for you");
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  /* One fixed type: browsers and clients never guess from the content. */
  soup_message_headers_replace (headers, "Content-Disposition", "attachment");
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  if (soup_server_message_get_method (msg) != SOUP_METHOD_HEAD)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
  else
    soup_message_headers_set_content_length (headers, g_bytes_get_size (bytes));
}

static void
blobs_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  CalqueHttp *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (_calque_http_get_blob_dir (self) == NULL)
    _calque_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "This server keeps no media");
  else if (method == SOUP_METHOD_PUT)
    finish_upload (msg);
  else if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
    serve_blob (self, msg, path + strlen (BLOBS_PATH));
  else
    _calque_http_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "Use GET or PUT here");
}

void
_calque_http_api_register (CalqueHttp *self)
{
  SoupServer *server = _calque_http_get_server (self);

  soup_server_add_handler (server, PROJECTS_PATH, projects_cb, self, NULL);
  soup_server_add_early_handler (server, BLOBS_PATH, blobs_early_cb, self, NULL);
  soup_server_add_handler (server, BLOBS_PATH, blobs_cb, self, NULL);
}
