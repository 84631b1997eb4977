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

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "calque-http.h"

#define HEALTH_PATH "/api/v1/health"

struct _CalqueHttp
{
  GObject     parent_instance;

  SoupServer *server;
  /* The port bound by the last successful calque_http_listen(), which is
   * the kernel's choice when the operator asked for port 0. */
  guint16     port;
};

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

  soup_server_message_set_status (msg, status, NULL);
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

  G_OBJECT_CLASS (calque_http_parent_class)->dispose (object);
}

static void
calque_http_class_init (CalqueHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_http_dispose;
}

static void
calque_http_init (CalqueHttp *self)
{
  self->server = soup_server_new ("server-header", "calque-server/" CALQUE_VERSION,
                                  NULL);

  g_signal_connect_object (self->server, "request-started",
                           G_CALLBACK (request_started_cb), self, 0);
  g_signal_connect_object (self->server, "request-finished",
                           G_CALLBACK (request_finished_cb), self, 0);

  soup_server_add_handler (self->server, HEALTH_PATH, health_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, not_found_cb, self, NULL);
  /* The default handler does not see “OPTIONS *”; answer it the same way. */
  soup_server_add_handler (self->server, "*", not_found_cb, self, NULL);
}

CalqueHttp *
calque_http_new (void)
{
  return g_object_new (CALQUE_TYPE_HTTP, NULL);
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
gboolean
calque_http_listen (CalqueHttp                 *self,
                    const CalqueListenAddress  *address,
                    GError                    **error)
{
  GSList *uris;
  gboolean ok;

  g_return_val_if_fail (CALQUE_IS_HTTP (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strcmp (address->host, "localhost") == 0)
    {
      ok = soup_server_listen_local (self->server, address->port, 0, error);
    }
  else
    {
      g_autoptr(GInetAddress) inet_address = g_inet_address_new_from_string (address->host);
      g_autoptr(GSocketAddress) socket_address = NULL;

      g_return_val_if_fail (inet_address != NULL, FALSE);

      socket_address = g_inet_socket_address_new (inet_address, address->port);
      ok = soup_server_listen (self->server, socket_address, 0, error);
    }

  if (!ok)
    return FALSE;

  /* With “localhost” there are two listeners, but libsoup binds both to the
   * same port, so the first one tells it. */
  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
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
