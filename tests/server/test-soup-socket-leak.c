/* test-soup-socket-leak.c — no socket outlives its connection
 *
 * A SoupServer mended as calque-server's is (calque_soup_socket_leak_mend()
 * on "request-started") serves requests from clients that go away; every
 * socket it accepted must then be finalized. On a libsoup with the leak
 * and without the mending, none would be.
 */
#include "calque-soup-socket-leak.h"

#define CLIENTS 50

typedef struct
{
  guint accepted;
  guint finalized;
} Count;

static void
finalized_cb (gpointer  user_data,
              GObject  *where_the_object_was)
{
  ((Count *) user_data)->finalized++;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    Count             *count)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && g_object_get_data (G_OBJECT (socket), "counted") == NULL)
    {
      g_object_set_data (G_OBJECT (socket), "counted", GINT_TO_POINTER (TRUE));
      g_object_weak_ref (G_OBJECT (socket), finalized_cb, count);
      count->accepted++;
    }
  calque_soup_socket_leak_mend (msg);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_sockets_are_freed (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Count count = { 0 };
  GSList *uris;
  gint64 deadline;

  g_test_message ("libsoup %u.%u.%u; the leak is %s",
                  soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
                  calque_soup_socket_leak_detect () ? "there" : "not there");

  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), &count);
  soup_server_add_handler (server, NULL, handler_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Each client its own connection, kept alive and then closed by the
   * client, as browsers and scripts do. */
  for (guint i = 0; i < CLIENTS; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) body = NULL;

      /* The server answers on this thread's main context. */
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, store_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      body = soup_session_send_and_read_finish (session, result, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
    }
  g_assert_cmpuint (count.accepted, ==, CLIENTS);

  /* libsoup 3.2 frees a kept-alive connection that the client closed only
   * when the server goes, so count after that. */
  soup_server_disconnect (server);
  g_clear_object (&server);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (count.finalized < CLIENTS && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_cmpuint (count.finalized, ==, CLIENTS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/soup-socket-leak/sockets-are-freed", test_sockets_are_freed);
  return g_test_run ();
}
