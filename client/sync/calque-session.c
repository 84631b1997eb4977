/* calque-session.c — signing in to a calque-server, and what a session asks of it */
#define G_LOG_DOMAIN "calque-session"

#include "calque-session.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

/* How long a request may take before it is given up as unanswered. */
#define REQUEST_TIMEOUT_S 30

/* HTTP 429: libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

G_DEFINE_QUARK (calque-session-error-quark, calque_session_error)

/* A request on its way: what the callbacks need to read the answer. */
typedef struct
{
  SoupSession *session;
  SoupMessage *message;
  char        *server;
  char        *body;      /* may hold a password: wiped when freed */
} Request;

/* The server's answer: its status and its JSON body (JSON null if empty). */
typedef struct
{
  guint     status;
  JsonNode *body;
} Answer;

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_clear_object (&request->session);
  g_free (request->server);
  wipe_free (request->body);
  g_free (request);
}

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->body, json_node_unref);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* The "message" member of an error answer, or "". */
static const char *
message_of (Answer *answer)
{
  if (answer->body != NULL && JSON_NODE_HOLDS_OBJECT (answer->body))
    return json_object_get_string_member_with_default (json_node_get_object (answer->body), "message", "");
  return "";
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  Answer *answer;
  const char *data;
  gsize length = 0;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_UNREACHABLE,
                                 _("Cannot reach %s: %s"), request->server, error->message);
      return;
    }

  answer = g_new0 (Answer, 1);
  answer->status = soup_message_get_status (request->message);
  data = g_bytes_get_data (bytes, &length);
  parser = json_parser_new ();
  if (length == 0)
    answer->body = json_node_new (JSON_NODE_NULL);
  else if (json_parser_load_from_data (parser, data, (gssize) length, NULL))
    answer->body = json_parser_steal_root (parser);
  else
    {
      guint status = answer->status;

      answer_free (answer);
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SERVER,
                               _("%s answered something that is not JSON (HTTP %u)"), request->server, status);
      return;
    }

  g_task_return_pointer (task, answer, (GDestroyNotify) answer_free);
}

/* Sends @method @path to @server, with the token and the JSON @body when
 * not NULL; the task's result is an Answer. */
static GTask *
request_start (const char          *server,
               const char          *method,
               const char          *path,
               const char          *token,
               char                *body,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (server, path, NULL);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->server = g_strdup (server);
  request->body = body;
  request->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, NULL);
  request->message = soup_message_new (method, url);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_ADDRESS,
                               _("“%s” is not a server address; write it as https://host:port"), server);
      return task;
    }

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (request->message), "Authorization", bearer);
    }
  if (body != NULL)
    {
      /* Static: the body lives as long as the request, and is wiped with it. */
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

      soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
    }

  soup_session_send_and_read_async (request->session, request->message, G_PRIORITY_DEFAULT, cancellable,
                                    request_read_cb, g_object_ref (task));
  return task;
}

/* The answer of a task made by request_start(), or NULL with the error. */
static Answer *
request_finish (GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The error for an answer none of the callers expected. */
static void
set_unexpected (GError     **error,
                const char  *server,
                Answer      *answer)
{
  if (answer->status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SIGNED_OUT,
                 _("The session on %s is over; sign in again"), server);
  else
    g_set_error (error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SERVER,
                 _("%s answered HTTP %u: %s"), server, answer->status, message_of (answer));
}

/* --- each call --------------------------------------------------------------- */

/* The callback of every call below: the outer task is the caller's, the
 * inner one the request's; each call reads the answer in its own way. */
typedef gboolean (*ReadAnswer) (GTask *task, const char *server, Answer *answer);

typedef struct
{
  char       *server;
  ReadAnswer  read;
} Call;

static void
call_free (Call *call)
{
  g_free (call->server);
  g_free (call);
}

static void
call_answered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(Answer) answer = NULL;
  GError *error = NULL;

  answer = request_finish (result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  call->read (task, call->server, answer);
}

static void
call_start (const char          *server,
            const char          *method,
            const char          *path,
            const char          *token,
            char                *body,
            ReadAnswer           read,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) request = NULL;

  call->server = g_strdup (server);
  call->read = read;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  request = request_start (server, method, path, token, body, source_tag, cancellable, call_answered_cb, task);
}

static gboolean
read_sign_in (GTask      *task,
              const char *server,
              Answer     *answer)
{
  JsonObject *object;

  if (answer->status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_CREDENTIALS,
                               _("Wrong user name or password"));
      return FALSE;
    }
  if (answer->status == STATUS_TOO_MANY_REQUESTS)
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_TOO_MANY,
                               _("Too many attempts; wait a minute before trying again"));
      return FALSE;
    }
  if (answer->status != SOUP_STATUS_OK || !JSON_NODE_HOLDS_OBJECT (answer->body))
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SERVER,
                               _("%s answered HTTP %u: %s"), server, answer->status, message_of (answer));
      return FALSE;
    }

  object = json_node_get_object (answer->body);
  if (json_object_get_string_member_with_default (object, "token", NULL) == NULL)
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SERVER,
                               _("%s gave no session token"), server);
      return FALSE;
    }

  g_task_return_pointer (task, g_strdup (json_object_get_string_member (object, "token")), g_free);
  return TRUE;
}

static gboolean
read_sign_out (GTask      *task,
               const char *server,
               Answer     *answer)
{
  /* A session that was already over is signed out all the same. */
  if (answer->status == SOUP_STATUS_OK || answer->status == SOUP_STATUS_NO_CONTENT
      || answer->status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_boolean (task, TRUE);
      return TRUE;
    }

  {
    GError *error = NULL;

    set_unexpected (&error, server, answer);
    g_task_return_error (task, error);
  }
  return FALSE;
}

static gboolean
read_projects (GTask      *task,
               const char *server,
               Answer     *answer)
{
  GPtrArray *ids;
  JsonArray *array;

  if (answer->status != SOUP_STATUS_OK || !JSON_NODE_HOLDS_ARRAY (answer->body))
    {
      GError *error = NULL;

      set_unexpected (&error, server, answer);
      g_task_return_error (task, error);
      return FALSE;
    }

  array = json_node_get_array (answer->body);
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      id = json_object_get_string_member_with_default (json_node_get_object (element), "id", NULL);
      if (id != NULL)
        g_ptr_array_add (ids, g_strdup (id));
    }

  g_task_return_pointer (task, ids, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

static gboolean
read_health (GTask      *task,
             const char *server,
             Answer     *answer)
{
  if (answer->status != SOUP_STATUS_OK)
    {
      GError *error = NULL;

      set_unexpected (&error, server, answer);
      g_task_return_error (task, error);
      return FALSE;
    }

  g_task_return_boolean (task, TRUE);
  return TRUE;
}

/* --- public API ---------------------------------------------------------------- */

char *
calque_session_normalize_server (const char  *text,
                                 GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_ADDRESS,
                   _("“%s” is not a server address; write it as https://host:port"), text);
      return NULL;
    }

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
}

void
calque_session_sign_in (const char          *server,
                        const char          *user,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  char *body;

  g_return_if_fail (server != NULL);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  /* The node keeps a copy of the password until it is freed: wipe it. */
  {
    JsonObject *object = json_node_get_object (request);
    char *copy = (char *) json_object_get_string_member (object, "password");

    memset (copy, 0, strlen (copy));
  }

  call_start (server, SOUP_METHOD_POST, "/api/v1/login", NULL, body, read_sign_in, calque_session_sign_in,
              cancellable, callback, user_data);
}

char *
calque_session_sign_in_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
calque_session_sign_out (const char          *server,
                         const char          *token,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  call_start (server, SOUP_METHOD_POST, "/api/v1/logout", token, NULL, read_sign_out, calque_session_sign_out,
              cancellable, callback, user_data);
}

gboolean
calque_session_sign_out_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
calque_session_list_projects (const char          *server,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  call_start (server, SOUP_METHOD_GET, "/api/v1/projects", token, NULL, read_projects,
              calque_session_list_projects, cancellable, callback, user_data);
}

GPtrArray *
calque_session_list_projects_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
calque_session_check_health (const char          *server,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (server != NULL);

  call_start (server, SOUP_METHOD_GET, "/api/v1/health", NULL, NULL, read_health, calque_session_check_health,
              cancellable, callback, user_data);
}

gboolean
calque_session_check_health_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
calque_session_store_result (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

void
calque_session_wait (GAsyncResult **result)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (*result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
}
