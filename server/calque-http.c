/* calque-http.c: the HTTP transport of calque-server
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the only file that talks to libsoup's server API. Everything it
 * serves is built from plain values, so that the protocol code in shared/
 * never needs to know which transport carried a request.
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>
#include <netinet/in.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "calque-auth-routes.h"
#include "calque-http.h"
#include "calque-http-private.h"
#include "calque-soup-socket-leak.h"

#define HEALTH_PATH "/api/v1/health"
#define LOGIN_PATH "/api/v1/login"
#define LOGOUT_PATH "/api/v1/logout"

/* Set on a request whose body grew past CALQUE_AUTH_MAX_BODY_BYTES while it
 * was being read; libsoup stops keeping the rest. */
/* RFC 6585; libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

#define BODY_TOO_LARGE_KEY "calque-body-too-large"

struct _CalqueHttp
{
  GObject     parent_instance;

  SoupServer *server;
  /* The port bound by the last successful calque_http_listen(), which is
   * the kernel's choice when the operator asked for port 0. */
  guint16     port;

  CalqueAuth *auth;
  char       *blob_dir;
  gboolean    https;
};

/* A login waiting for its password to be verified, with its message
 * paused. The client may hang up meanwhile; then there is nothing left to
 * unpause. */
typedef struct
{
  CalqueHttp        *self;
  SoupServerMessage *msg;
  gulong             disconnected_id;
  gboolean           disconnected;
} PendingLogin;

enum {
  TOKEN_REVOKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueHttp, calque_http, G_TYPE_OBJECT)

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *body;
  gsize length;

  json_generator_set_root (generator, node);
  body = json_generator_to_data (generator, &length);

  soup_server_message_set_status (msg, status,
                                  status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

/* Error bodies are read by programs first: @code is stable and meant to be
 * matched on, @message is for a developer reading logs. It stays in English
 * because the server cannot know the language of whoever reads it; the
 * desktop client shows its own translated text for each code. */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  respond_json (msg, status, root);
}

static void
respond_not_found (SoupServerMessage *msg,
                   const char        *path)
{
  g_autofree char *message = g_strdup_printf ("There is nothing at %s", path);

  respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
}

static gboolean
method_is_read (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  /* libsoup interns method names, so pointer comparison is exact. */
  return method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
}

static void
respond_method_not_allowed (SoupServerMessage *msg,
                            const char        *allowed)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("%s is not allowed here; use %s",
                             soup_server_message_get_method (msg), allowed);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", allowed);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", message);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    CalqueHttp        *self)
{
  /* Set before anything else runs, so that responses libsoup writes on its
   * own (a malformed request, for one) carry it too: a browser must never
   * guess that a JSON error body is HTML. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Content-Type-Options", "nosniff");
  calque_soup_socket_leak_mend (msg);
}

/* libsoup before 3.3 (Debian 12 has 3.2) never frees a kept-alive HTTP
 * connection that the client closes while it is idle: one descriptor and
 * its socket are lost each time, until the server runs out (fixed upstream
 * in libsoup 3.3, "server: do not leak idle connections closed by the
 * client"). Until then every HTTP answer closes its connection. Sync
 * traffic goes over the WebSocket, which is left alone. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 CalqueHttp        *self)
{
#if !SOUP_CHECK_VERSION (3, 3, 0)
  const char *upgrade = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Upgrade");

  if (upgrade == NULL || g_ascii_strcasecmp (upgrade, "websocket") != 0)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
#endif
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     CalqueHttp        *self)
{
  GUri *uri = soup_server_message_get_uri (msg);

  g_debug ("%s %s → %u",
           soup_server_message_get_method (msg),
           uri != NULL ? g_uri_get_path (uri) : "?",
           soup_server_message_get_status (msg));
}

static void
health_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  /* libsoup routes every path below HEALTH_PATH here as well. */
  if (strcmp (path, HEALTH_PATH) != 0)
    {
      respond_not_found (msg, path);
      return;
    }

  if (!method_is_read (msg))
    {
      respond_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, CALQUE_VERSION);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* A monitor polling this wants the live answer, never a cached one. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  respond_json (msg, SOUP_STATUS_OK, root);
}

static void
respond_unauthorized (SoupServerMessage *msg,
                      const char        *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer realm=\"calque\"");
  respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", message);
}

static void
respond_too_large (SoupServerMessage *msg)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("The body is larger than %d bytes", CALQUE_AUTH_MAX_BODY_BYTES);
  /* The rest of the body may still be on its way; do not read it as the
   * next request. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", message);
}

static void
body_chunk_received_cb (SoupServerMessage *msg,
                        GBytes            *chunk,
                        gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (body->length > CALQUE_AUTH_MAX_BODY_BYTES)
    {
      g_object_set_data (G_OBJECT (msg), BODY_TOO_LARGE_KEY, GINT_TO_POINTER (TRUE));
      soup_message_body_set_accumulate (body, FALSE);
    }
}

/* Runs once the headers are in, before libsoup reads the body: a declared
 * length over the limit is refused unread, and a chunked body stops being
 * kept once it passes the limit. */
static void
small_body_early_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > CALQUE_AUTH_MAX_BODY_BYTES)
    {
      /* Unless the client waits ("Expect: 100-continue"), libsoup still
       * reads the body before answering: drop it instead of keeping it. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      respond_too_large (msg);
      return;
    }

  g_signal_connect (msg, "got-chunk", G_CALLBACK (body_chunk_received_cb), NULL);
}

/* Common checks of the two POST-only auth routes. */
static gboolean
accept_auth_request (SoupServerMessage *msg,
                     const char        *path,
                     const char        *route)
{
  if (strcmp (path, route) != 0)
    {
      respond_not_found (msg, path);
      return FALSE;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      respond_method_not_allowed (msg, "POST");
      return FALSE;
    }

  if (g_object_get_data (G_OBJECT (msg), BODY_TOO_LARGE_KEY) != NULL ||
      soup_server_message_get_request_body (msg)->length > CALQUE_AUTH_MAX_BODY_BYTES)
    {
      respond_too_large (msg);
      return FALSE;
    }

  return TRUE;
}

static void
pending_login_free (PendingLogin *pending)
{
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_clear_object (&pending->msg);
  g_clear_object (&pending->self);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingLogin, pending_login_free)

static void
login_disconnected_cb (SoupServerMessage *msg,
                       PendingLogin      *pending)
{
  pending->disconnected = TRUE;
}

static void
respond_login (SoupServerMessage *msg,
               const CalqueLogin *login)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, login->token);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_int_value (builder, login->expires_s);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, login->user);
  json_builder_set_member_name (builder, "admin");
  json_builder_add_boolean_value (builder, login->admin);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* A token must not linger in a proxy or a browser cache. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  respond_json (msg, SOUP_STATUS_OK, root);
}

static void
login_finished_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PendingLogin) pending = user_data;
  g_autoptr(CalqueLogin) login = NULL;
  g_autoptr(GError) error = NULL;
  SoupServerMessage *msg = pending->msg;
  gint64 retry_after_s = 0;

  login = calque_auth_login_finish (CALQUE_AUTH (object), result, &retry_after_s, &error);

  if (pending->disconnected)
    return;

  if (login != NULL)
    {
      respond_login (msg, login);
    }
  else if (g_error_matches (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_RATE_LIMITED))
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after_s);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      respond_error (msg, STATUS_TOO_MANY_REQUESTS, "rate-limited", error->message);
    }
  else if (g_error_matches (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED))
    {
      respond_unauthorized (msg, "Wrong user name or password");
    }
  else
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
    }

  soup_server_message_unpause (msg);
}

static void
login_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  CalqueHttp *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  char *password = NULL;
  SoupMessageBody *body;
  const char *content_type;
  PendingLogin *pending;

  if (!accept_auth_request (msg, path, LOGIN_PATH))
    return;

  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                        NULL);
  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                     "The body must be sent as application/json");
      return;
    }

  body = soup_server_message_get_request_body (msg);
  if (!calque_auth_parse_login_request (body->data, (gsize) body->length, &user, &password, &error))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", error->message);
      return;
    }

  pending = g_new0 (PendingLogin, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (login_disconnected_cb), pending);

  /* Verifying takes tens of milliseconds of CPU in another thread; every
   * other client keeps being served meanwhile. */
  soup_server_message_pause (msg);
  calque_auth_login_async (self->auth, user, password,
                           soup_server_message_get_remote_host (msg) ?: "",
                           NULL, login_finished_cb, pending);

  memset (password, 0, strlen (password));
  g_free (password);
}

static void
logout_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  CalqueHttp *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;
  const char *authorization;

  if (!accept_auth_request (msg, path, LOGOUT_PATH))
    return;

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  token_hash = calque_auth_logout (self->auth, authorization, &error);
  if (token_hash == NULL)
    {
      if (g_error_matches (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED))
        respond_unauthorized (msg, error->message);
      else
        respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      return;
    }

  g_signal_emit (self, signals[TOKEN_REVOKED], 0, token_hash);

  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  respond_not_found (msg, path);
}

static void
calque_http_dispose (GObject *object)
{
  CalqueHttp *self = (CalqueHttp *)object;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->auth);
  g_clear_pointer (&self->blob_dir, g_free);

  G_OBJECT_CLASS (calque_http_parent_class)->dispose (object);
}

static void
calque_http_class_init (CalqueHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_http_dispose;

  /**
   * CalqueHttp::token-revoked:
   * @self: the transport
   * @token_hash: calque_token_hash() of the token that was signed out
   *
   * Emitted after a logout. Whatever keeps connections open on behalf of a
   * token (the sync WebSockets) closes those of @token_hash here.
   */
  signals[TOKEN_REVOKED] =
    g_signal_new ("token-revoked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
calque_http_init (CalqueHttp *self)
{
  self->server = soup_server_new ("server-header", "calque-server/" CALQUE_VERSION,
                                  NULL);

  g_signal_connect_object (self->server, "request-started",
                           G_CALLBACK (request_started_cb), self, 0);
  g_signal_connect_object (self->server, "request-read",
                           G_CALLBACK (request_read_cb), self, 0);
  g_signal_connect_object (self->server, "request-finished",
                           G_CALLBACK (request_finished_cb), self, 0);

  soup_server_add_handler (self->server, HEALTH_PATH, health_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, not_found_cb, self, NULL);
  /* The default handler does not see “OPTIONS *”; answer it the same way. */
  soup_server_add_handler (self->server, "*", not_found_cb, self, NULL);
}

SoupServer *
_calque_http_get_server (CalqueHttp *self)
{
  return self->server;
}

CalqueAuth *
_calque_http_get_auth (CalqueHttp *self)
{
  return self->auth;
}

const char *
_calque_http_get_blob_dir (CalqueHttp *self)
{
  return self->blob_dir;
}

gboolean
calque_http_set_tls_files (CalqueHttp  *self,
                           const char  *cert_file,
                           const char  *key_file,
                           GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CALQUE_IS_HTTP (self), FALSE);

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s and %s: %s", cert_file, key_file, local_error->message);
      return FALSE;
    }
  g_object_set (self->server, "tls-certificate", certificate, NULL);
  self->https = TRUE;
  return TRUE;
}

gboolean
calque_http_is_https (CalqueHttp *self)
{
  g_return_val_if_fail (CALQUE_IS_HTTP (self), FALSE);
  return self->https;
}

void
calque_http_set_blob_dir (CalqueHttp *self,
                          const char *dir)
{
  g_return_if_fail (CALQUE_IS_HTTP (self));
  g_free (self->blob_dir);
  self->blob_dir = g_strdup (dir);
}

void
_calque_http_respond_json (SoupServerMessage *msg,
                           guint              status,
                           JsonNode          *node)
{
  respond_json (msg, status, node);
}

void
_calque_http_respond_error (SoupServerMessage *msg,
                            guint              status,
                            const char        *code,
                            const char        *message)
{
  respond_error (msg, status, code, message);
}

gboolean
_calque_http_authenticate (CalqueHttp        *self,
                           SoupServerMessage *msg,
                           char             **out_user,
                           gboolean          *out_admin)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *token = calque_auth_bearer_token (soup_message_headers_get_one (headers, "Authorization"));
  g_autoptr(GError) error = NULL;

  if (self->auth == NULL
      || !calque_auth_check_token (self->auth, token, out_user, out_admin, NULL, NULL, &error))
    {
      respond_unauthorized (msg, error ? error->message : "This server has no accounts");
      return FALSE;
    }
  return TRUE;
}

/**
 * calque_http_new:
 * @auth: (nullable): signs users in and out; without it the server has
 *   no login routes
 *
 * Returns: (transfer full): a new transport, not yet listening
 */
CalqueHttp *
calque_http_new (CalqueAuth *auth)
{
  CalqueHttp *self;

  g_return_val_if_fail (auth == NULL || CALQUE_IS_AUTH (auth), NULL);

  self = g_object_new (CALQUE_TYPE_HTTP, NULL);

  if (auth != NULL)
    {
      self->auth = g_object_ref (auth);
      soup_server_add_early_handler (self->server, LOGIN_PATH, small_body_early_cb, self, NULL);
      soup_server_add_early_handler (self->server, LOGOUT_PATH, small_body_early_cb, self, NULL);
      soup_server_add_handler (self->server, LOGIN_PATH, login_cb, self, NULL);
      soup_server_add_handler (self->server, LOGOUT_PATH, logout_cb, self, NULL);
      /* The other groups of routes need accounts too. */
      _calque_http_api_register (self);
      _calque_http_sync_register (self);
    }

  return self;
}

/**
 * calque_http_listen:
 * @self: a #CalqueHttp
 * @address: where to listen; “localhost” means both 127.0.0.1 and ::1 on
 *   the same port
 * @error: return location for a #GError, in %G_IO_ERROR
 *   (%G_IO_ERROR_ADDRESS_IN_USE when another program has the port)
 *
 * Starts accepting connections once the thread-default main context runs.
 *
 * Returns: %TRUE if the server is listening
 */
/* GLib listens with a backlog of 10: when a thousand clients reconnect at
 * once after a restart, the kernel drops most of their SYNs and each
 * retries only a second (then three, then seven) later. The kernel caps
 * this at net.core.somaxconn (4096 on current Linux). */
#define LISTEN_BACKLOG 4096

/* Binds and listens on @inet:@port with our backlog and hands the socket
 * to libsoup; @out_port gets the port bound, for port 0. */
static gboolean
listen_on (CalqueHttp    *self,
           GInetAddress  *inet,
           guint16        port,
           guint16       *out_port,
           GError       **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  GSocketFamily family = g_inet_address_get_family (inet);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  /* An IPv6 socket takes only IPv6, as libsoup's own do. */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;
  if (out_port != NULL)
    *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return soup_server_listen_socket (self->server, socket, self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

gboolean
calque_http_listen (CalqueHttp                 *self,
                    const CalqueListenAddress  *address,
                    GError                    **error)
{
  gboolean ok;

  g_return_val_if_fail (CALQUE_IS_HTTP (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  calque_soup_socket_leak_detect ();
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strcmp (address->host, "localhost") == 0)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GInetAddress) v6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
      g_autoptr(GError) v6_error = NULL;

      /* Both loopbacks on one port, IPv4 first; a machine without IPv6
       * is served on IPv4 alone. */
      ok = listen_on (self, v4, address->port, &self->port, error);
      if (ok && !listen_on (self, v6, self->port, NULL, &v6_error))
        {
          if (g_error_matches (v6_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            {
              g_propagate_error (error, g_steal_pointer (&v6_error));
              soup_server_disconnect (self->server);
              return FALSE;
            }
          g_debug ("not listening on ::1: %s", v6_error->message);
        }
    }
  else
    {
      g_autoptr(GInetAddress) inet_address = g_inet_address_new_from_string (address->host);

      g_return_val_if_fail (inet_address != NULL, FALSE);
      ok = listen_on (self, inet_address, address->port, &self->port, error);
    }

  return ok;
}

guint16
calque_http_get_port (CalqueHttp *self)
{
  g_return_val_if_fail (CALQUE_IS_HTTP (self), 0);

  return self->port;
}

/**
 * calque_http_disconnect:
 * @self: a #CalqueHttp
 *
 * Stops accepting connections and closes the open ones, dropping any
 * request in flight.
 */
void
calque_http_disconnect (CalqueHttp *self)
{
  g_return_if_fail (CALQUE_IS_HTTP (self));

  soup_server_disconnect (self->server);
}
