/* calque-soup-socket-leak.c — making up for a socket leak of libsoup 3.2 */
#define G_LOG_DOMAIN "calque-server"

#include "calque-soup-socket-leak.h"

#include <string.h>

/* How long the check waits for libsoup to let go of the connection. */
#define CHECK_WAIT_MS 2000

static gboolean leak_detected;

G_DEFINE_QUARK (calque-soup-socket-mended, socket_mended)

typedef struct
{
  GSocket  *socket;     /* of the probe's connection, weakly */
  gboolean  finalized;
} Probe;

static void
socket_finalized_cb (gpointer  user_data,
                     GObject  *where_the_object_was)
{
  Probe *probe = user_data;

  probe->finalized = TRUE;
}

static void
probe_request_started_cb (SoupServer        *server,
                          SoupServerMessage *msg,
                          Probe             *probe)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (probe->socket == NULL && socket != NULL)
    {
      probe->socket = socket;
      g_object_weak_ref (G_OBJECT (socket), socket_finalized_cb, probe);
    }
}

static void
probe_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* One request over a real connection to a throwaway server; returns
 * whether that connection's socket is still alive once the server and the
 * connection are gone. */
static gboolean
run_probe (void)
{
  static const char request[] = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;
  Probe probe = { 0 };
  GSocket *socket;
  char buffer[512];
  gint64 deadline;
  gboolean leaked;

  g_signal_connect (server, "request-started", G_CALLBACK (probe_request_started_cb), &probe);
  soup_server_add_handler (server, NULL, probe_handler_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_debug ("cannot check libsoup for its socket leak: %s", error->message);
      return FALSE;
    }
  uris = soup_server_get_uris (server);
  port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* The kernel completes the connection before the server accepts it. */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  if (connection == NULL)
    {
      g_debug ("cannot check libsoup for its socket leak: %s", error->message);
      return FALSE;
    }
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, request, strlen (request), NULL, NULL);

  /* Until the server has answered and hung up. */
  deadline = g_get_monotonic_time () + CHECK_WAIT_MS * 1000;
  while (g_get_monotonic_time () < deadline)
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);

      if (n == 0)
        break;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  soup_server_disconnect (server);
  g_clear_object (&server);
  iterate_for (50);

  if (probe.socket == NULL)
    {
      g_debug ("cannot check libsoup for its socket leak: the request never started");
      return FALSE;
    }
  leaked = !probe.finalized;
  if (leaked)
    {
      /* The one reference left is the forgotten one: dropping it must
       * finalize the socket, or the check was wrong. */
      g_object_unref (probe.socket);
      if (!probe.finalized)
        {
          g_warning ("libsoup keeps sockets in a way this server does not know; "
                     "not making up for its leak");
          g_object_weak_unref (G_OBJECT (probe.socket), socket_finalized_cb, &probe);
          g_object_ref (probe.socket);   /* put back what was taken */
          return FALSE;
        }
    }
  else
    {
      /* Finalized: the weak reference went with it. */
    }
  return leaked;
}

gboolean
calque_soup_socket_leak_detect (void)
{
  static gsize checked = 0;

  if (g_once_init_enter (&checked))
    {
      leak_detected = run_probe ();
      g_debug ("libsoup %u.%u.%u %s the sockets it accepts",
               soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
               leak_detected ? "leaks (made up for)" : "does not leak");
      g_once_init_leave (&checked, 1);
    }
  return leak_detected;
}

void
calque_soup_socket_leak_mend (SoupServerMessage *msg)
{
  GSocket *socket;

  if (!leak_detected)
    return;

  socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_object_get_qdata (G_OBJECT (socket), socket_mended_quark ()) != NULL)
    return;

  /* The connection holds references of its own until it ends. */
  g_object_set_qdata (G_OBJECT (socket), socket_mended_quark (), GINT_TO_POINTER (TRUE));
  g_object_unref (socket);
}
