/* calque-cli-sync.c — login, logout, sync and status
 *
 * The session lives in the workspace (calque-store-sync.h): the server, the
 * user and the token; never the password. `sync` runs one round of the
 * sync engine per project the user has on the server: push the outbox,
 * pull to the head.
 */
#define G_LOG_DOMAIN "calque-cli"

#include "calque-cli-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "calque-blob-transfer.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"

/* How long a request to the server may take before the command gives up. */
#define HTTP_TIMEOUT_S 30

/* One line of standard input without its line ending; NULL at its end. */
static char *
read_line (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (c == EOF && line->len == 0)
    {
      g_string_free (line, TRUE);
      return NULL;
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (line, FALSE);
}

/* Unseen at a terminal; one line from a pipe, for scripts. */
static char *
read_password (void)
{
  struct termios saved, quiet;
  char *line;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved) != 0)
    return read_line ();

  g_printerr ("%s", _("Password: "));
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = read_line ();
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  return line;
}

/* http(s)://host:port, no path: what the user typed, checked. */
static char *
server_base (const char  *text,
             GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address; write it as https://host:port"), text);
      return NULL;
    }
  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
}

/* Sends a request and reads the answer; the status is in @out_status. */
static JsonNode *
http_request (const char  *server,
              const char  *method,
              const char  *path,
              const char  *token,
              const char  *body,
              guint       *out_status,
              GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S, NULL);
  g_autofree char *url = g_strconcat (server, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  gsize length = 0;
  const char *data;

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a server address"), server);
      return NULL;
    }
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    {
      g_prefix_error (error, _("cannot reach %s: "), server);
      return NULL;
    }
  *out_status = soup_message_get_status (msg);
  data = g_bytes_get_data (answer, &length);
  if (length == 0)
    return json_node_new (JSON_NODE_NULL);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("%s answered something that is not JSON (HTTP %u)"), server, *out_status);
        return NULL;
      }
    return json_node_copy (json_parser_get_root (parser));
  }
}

static const char *
error_message_of (JsonNode *answer)
{
  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer))
    return json_object_get_string_member_with_default (json_node_get_object (answer), "message", "");
  return "";
}

/* --- login ------------------------------------------------------------------- */

int
cli_cmd_login (CliContext  *cli,
               int          argc,
               char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *password = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  CalqueStore *store;
  JsonObject *obj;
  guint status = 0;

  if (!cli_parse ("login", _("SERVER USER"),
                  _("Sign in to a calque-server; the password is read from standard input. The workspace "
                    "keeps the session, never the password."),
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_fail (CLI_EXIT_USAGE, _("login: give the server and the user, as in "
                                       "“calque-cli login https://calque.example.org:8443 amelie”"));

  server = server_base (argv[1], &error);
  if (server == NULL)
    return cli_fail (CLI_EXIT_USAGE, "login: %s", error->message);
  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);

  password = read_password ();
  if (password == NULL || password[0] == '\0')
    return cli_fail (CLI_EXIT_USAGE, _("login: no password was given on standard input"));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, argv[2]);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);
  memset (password, 0, strlen (password));

  answer = http_request (server, SOUP_METHOD_POST, "/api/v1/login", NULL, body, &status, &error);
  memset (body, 0, strlen (body));
  if (answer == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "login: %s", error->message);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    return cli_fail (CLI_EXIT_FAILURE, _("login: wrong user name or password"));
  if (status == 429)  /* Too Many Requests: libsoup has no name for it */
    return cli_fail (CLI_EXIT_FAILURE, _("login: too many attempts; wait a minute (%s)"), error_message_of (answer));
  if (status != SOUP_STATUS_OK || !JSON_NODE_HOLDS_OBJECT (answer))
    return cli_fail (CLI_EXIT_FAILURE, _("login: the server answered HTTP %u: %s"), status, error_message_of (answer));

  obj = json_node_get_object (answer);
  if (!json_object_has_member (obj, "token"))
    return cli_fail (CLI_EXIT_FAILURE, _("login: the server gave no session token"));
  if (!calque_store_set_setting (store, "server", server, &error)
      || !calque_store_set_setting (store, "user", argv[2], &error)
      || !calque_store_set_setting (store, "token", json_object_get_string_member (obj, "token"), &error))
    return cli_fail (CLI_EXIT_FAILURE, "login: %s", error->message);

  /* Not translated: scripts may read it. */
  g_print ("signed in to %s as %s\n", server, argv[2]);
  return CLI_EXIT_OK;
}

/* --- logout ------------------------------------------------------------------ */

int
cli_cmd_logout (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  CalqueStore *store;
  guint status = 0;

  if (!cli_parse ("logout", NULL,
                  _("Sign out: the server ends the session and the workspace forgets it. Changes not yet "
                    "sent stay, for the next sign-in."),
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);
  server = calque_store_get_setting (store, "server");
  token = calque_store_get_setting (store, "token");
  if (token == NULL)
    {
      g_print ("not signed in\n");
      return CLI_EXIT_OK;
    }

  answer = http_request (server, SOUP_METHOD_POST, "/api/v1/logout", token, NULL, &status, &error);
  if (!calque_store_set_setting (store, "token", NULL, &error))
    return cli_fail (CLI_EXIT_FAILURE, "logout: %s", error->message);
  if (answer == NULL)
    {
      /* Forgotten here all the same; the token runs out on its own. */
      g_printerr (_("calque-cli: logout: the server could not be told (%s); the session was forgotten here\n"),
                  error->message);
    }
  g_print ("signed out of %s\n", server);
  return CLI_EXIT_OK;
}

/* --- sync -------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Round;

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Round *round = user_data;

  round->ok = calque_sync_client_sync_once_finish (CALQUE_SYNC_CLIENT (object), result, &round->error);
  g_main_loop_quit (round->loop);
}

/* The ids of the user's projects on the server, or of @only. */
static GPtrArray *
server_projects (const char  *server,
                 const char  *token,
                 GError     **error)
{
  g_autoptr(JsonNode) answer = NULL;
  GPtrArray *ids;
  JsonArray *array;
  guint status = 0;

  answer = http_request (server, SOUP_METHOD_GET, "/api/v1/projects", token, NULL, &status, error);
  if (answer == NULL)
    return NULL;
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_set_error (error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT,
                   _("the session is over; sign in again with “calque-cli login”"));
      return NULL;
    }
  if (status != SOUP_STATUS_OK || !JSON_NODE_HOLDS_ARRAY (answer))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the server answered HTTP %u: %s"), status,
                   error_message_of (answer));
      return NULL;
    }
  array = json_node_get_array (answer);
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *project = json_array_get_object_element (array, i);

      if (project != NULL && json_object_has_member (project, "id"))
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (project, "id")));
    }
  return ids;
}

int
cli_cmd_sync (CliContext  *cli,
              int          argc,
              char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *only = NULL;
  g_autofree char *user = NULL;
  CalqueStore *store;
  gboolean failed = FALSE;
  gboolean prefetch = FALSE;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, &only, N_("Only the project with this id"), N_("ID") },
    { "prefetch", 0, 0, G_OPTION_ARG_NONE, &prefetch,
      N_("Also download the media of the items assigned to you, to work on them offline"), NULL },
    { NULL }
  };

  if (!cli_parse ("sync", NULL,
                  _("Send the changes made here and receive everyone else’s, for each project you have on "
                    "the server."),
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);
  server = calque_store_get_setting (store, "server");
  token = calque_store_get_setting (store, "token");
  user = calque_store_get_setting (store, "user");
  if (server == NULL || token == NULL)
    return cli_fail (CLI_EXIT_FAILURE, _("sync: not signed in; run “calque-cli login SERVER USER” first"));

  if (only != NULL)
    {
      projects = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (projects, g_strdup (only));
    }
  else if ((projects = server_projects (server, token, &error)) == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "sync: %s", error->message);

  for (guint i = 0; i < projects->len; i++)
    {
      const char *project_id = g_ptr_array_index (projects, i);
      g_autoptr(CalqueSyncClient) client = calque_sync_client_new (store, server, token, project_id);
      Round round = { .loop = g_main_loop_new (NULL, FALSE) };

      calque_sync_client_set_blob_cache (client, calque_workspace_get_blobs (workspace));
      calque_sync_client_sync_once (client, NULL, round_done_cb, &round);
      g_main_loop_run (round.loop);
      g_main_loop_unref (round.loop);

      if (!round.ok)
        {
          cli_fail (CLI_EXIT_FAILURE, "sync: %s", round.error->message);
          failed = TRUE;
          if (g_error_matches (round.error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT)
              || g_error_matches (round.error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_NETWORK))
            {
              g_clear_error (&round.error);
              break;
            }
          g_clear_error (&round.error);
          continue;
        }
      /* Not translated: scripts may read it. */
      g_print ("%s: sent %" G_GUINT64_FORMAT ", received %" G_GUINT64_FORMAT ", refused %" G_GUINT64_FORMAT
               ", at seq %" G_GINT64_FORMAT "\n",
               project_id, calque_sync_client_get_pushed (client), calque_sync_client_get_pulled (client),
               calque_sync_client_get_refused (client), calque_store_get_cursor (store, project_id));

      if (prefetch)
        {
          CalqueBlobCache *blobs = calque_workspace_get_blobs (workspace);
          g_autoptr(GPtrArray) missing = calque_blob_missing_for (store, blobs, project_id, user, &error);
          guint fetched = 0;

          if (missing == NULL)
            return cli_fail (CLI_EXIT_FAILURE, "sync: %s", error->message);
          for (guint m = 0; m < missing->len; m++)
            {
              if (!calque_blob_download (server, token, blobs, g_ptr_array_index (missing, m), NULL, &error))
                {
                  cli_fail (CLI_EXIT_FAILURE, "sync: %s", error->message);
                  g_clear_error (&error);
                  failed = TRUE;
                  continue;
                }
              fetched++;
            }
          if (!calque_blob_cache_sync (blobs, &error))
            return cli_fail (CLI_EXIT_FAILURE, "sync: %s", error->message);
          g_print ("%s: fetched %u media for your tasks\n", project_id, fetched);
        }
    }

  if (failed)
    {
      gint64 waiting = calque_store_get_outbox_size (store, NULL);

      if (waiting > 0)
        {
          g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, waiting);

          g_printerr (_("calque-cli: %s changes wait in the outbox; they will be sent by the next sync\n"), count);
        }
      return CLI_EXIT_FAILURE;
    }
  return CLI_EXIT_OK;
}

/* --- status ------------------------------------------------------------------ */

int
cli_cmd_status (CliContext  *cli,
                int          argc,
                char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *token = NULL;
  CalqueStore *store;
  gboolean online = FALSE;

  if (!cli_parse ("status", NULL, _("Whether the server is reachable, who is signed in, what waits to be sent."),
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);
  server = calque_store_get_setting (store, "server");
  user = calque_store_get_setting (store, "user");
  token = calque_store_get_setting (store, "token");

  if (server != NULL)
    {
      g_autoptr(JsonNode) answer = NULL;
      g_autoptr(GError) ignored = NULL;
      guint status = 0;

      answer = http_request (server, SOUP_METHOD_GET, "/api/v1/health", NULL, NULL, &status, &ignored);
      online = answer != NULL && status == SOUP_STATUS_OK;
    }

  /* Not translated: scripts may read it. */
  g_print ("server: %s (%s)\n", server != NULL ? server : "none", online ? "online" : "offline");
  g_print ("signed in: %s\n", token != NULL && user != NULL ? user : "no");
  g_print ("outbox: %" G_GINT64_FORMAT " changes\n", calque_store_get_outbox_size (store, NULL));
  refused = calque_store_list_refused (store, NULL);
  g_print ("refused: %u changes\n", refused != NULL ? refused->len : 0);

  projects = calque_store_list (store, CALQUE_KIND_PROJECT, NULL, &error);
  for (guint i = 0; projects != NULL && i < projects->len; i++)
    {
      CalqueRecord *project = g_ptr_array_index (projects, i);

      g_print ("project %s (%s): at seq %" G_GINT64_FORMAT "\n", calque_record_get_id (project),
               calque_record_get_string (project, "name"),
               calque_store_get_cursor (store, calque_record_get_id (project)));
    }
  return CLI_EXIT_OK;
}
