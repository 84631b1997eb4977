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
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "calque-blob-transfer.h"
#include "calque-session.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-sync-manager.h"

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

/* Waits for a call of calque-session.h; returns its result. */
#define WAIT_FOR(call, ...) \
  ({ g_autoptr(GAsyncResult) _result = NULL; \
     call (__VA_ARGS__, calque_session_store_result, &_result); \
     calque_session_wait (&_result); \
     g_steal_pointer (&_result); })

/* --- login ------------------------------------------------------------------- */

int
cli_cmd_login (CliContext  *cli,
               int          argc,
               char       **argv)
{
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *server = NULL;
  g_autofree char *password = NULL;
  g_autofree char *token = NULL;
  CalqueStore *store;

  if (!cli_parse ("login", _("SERVER USER"),
                  _("Sign in to a calque-server; the password is read from standard input. The workspace "
                    "keeps the session, never the password."),
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_fail (CLI_EXIT_USAGE, _("login: give the server and the user, as in "
                                       "“calque-cli login https://calque.example.org:8443 amelie”"));

  server = calque_session_normalize_server (argv[1], &error);
  if (server == NULL)
    return cli_fail (CLI_EXIT_USAGE, "login: %s", error->message);
  workspace = cli_open_workspace (cli, &error);
  if (workspace == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "%s", error->message);
  store = calque_workspace_get_store (workspace);
  if (!calque_sync_manager_check_sign_in (store, server, argv[2], &error))
    return cli_fail (CLI_EXIT_FAILURE, "login: %s", error->message);

  password = read_password ();
  if (password == NULL || password[0] == '\0')
    return cli_fail (CLI_EXIT_USAGE, _("login: no password was given on standard input"));

  calque_session_sign_in (server, argv[2], password, NULL, calque_session_store_result, &result);
  memset (password, 0, strlen (password));
  calque_session_wait (&result);
  token = calque_session_sign_in_finish (result, &error);
  if (token == NULL)
    return cli_fail (CLI_EXIT_FAILURE, "login: %s", error->message);

  if (!calque_store_set_setting (store, "server", server, &error)
      || !calque_store_set_setting (store, "user", argv[2], &error)
      || !calque_store_set_setting (store, "token", token, &error))
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
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  CalqueStore *store;

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

  calque_session_sign_out (server, token, NULL, calque_session_store_result, &result);
  calque_session_wait (&result);
  if (!calque_session_sign_out_finish (result, &error))
    {
      /* Forgotten here all the same; the token runs out on its own. */
      g_printerr (_("calque-cli: logout: the server could not be told (%s); the session was forgotten here\n"),
                  error->message);
      g_clear_error (&error);
    }
  if (!calque_store_set_setting (store, "token", NULL, &error))
    return cli_fail (CLI_EXIT_FAILURE, "logout: %s", error->message);
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

/* The ids of the user's projects on the server. */
static GPtrArray *
server_projects (const char  *server,
                 const char  *token,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *ids;

  calque_session_list_projects (server, token, NULL, calque_session_store_result, &result);
  calque_session_wait (&result);
  ids = calque_session_list_projects_finish (result, &local_error);
  if (g_error_matches (local_error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SIGNED_OUT))
    g_set_error (error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT,
                 _("the session is over; sign in again with “calque-cli login”"));
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ids;
}

/* One sync round of @project_id: the client, for its counts, or NULL
 * with @error. */
static CalqueSyncClient *
sync_round (CalqueWorkspace  *workspace,
            const char       *server,
            const char       *token,
            const char       *project_id,
            GError          **error)
{
  g_autoptr(CalqueSyncClient) client = calque_sync_client_new (calque_workspace_get_store (workspace),
                                                               server, token, project_id);
  Round round = { .loop = g_main_loop_new (NULL, FALSE) };

  calque_sync_client_set_blob_cache (client, calque_workspace_get_blobs (workspace));
  calque_sync_client_sync_once (client, NULL, round_done_cb, &round);
  g_main_loop_run (round.loop);
  g_main_loop_unref (round.loop);
  if (!round.ok)
    {
      g_propagate_error (error, round.error);
      return NULL;
    }
  return g_steal_pointer (&client);
}

static gboolean
signed_in (CalqueStore  *store,
           char        **out_server,
           char        **out_token,
           GError      **error)
{
  *out_server = calque_store_get_setting (store, "server");
  *out_token = calque_store_get_setting (store, "token");
  if (*out_server != NULL && *out_token != NULL)
    return TRUE;
  g_set_error (error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT,
               _("not signed in; run “calque-cli login SERVER USER” first"));
  return FALSE;
}

gboolean
cli_sync_project_for_export (CalqueWorkspace  *workspace,
                             const char       *project_id,
                             GError          **error)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(CalqueSyncClient) client = NULL;

  if (!signed_in (calque_workspace_get_store (workspace), &server, &token, error))
    return FALSE;
  client = sync_round (workspace, server, token, project_id, error);
  return client != NULL;
}

gboolean
cli_download_project_media (CalqueWorkspace  *workspace,
                            const char       *project_id,
                            GError          **error)
{
  CalqueStore *store = calque_workspace_get_store (workspace);
  CalqueBlobCache *blobs = calque_workspace_get_blobs (workspace);
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) missing = NULL;

  if (!signed_in (store, &server, &token, error))
    return FALSE;
  /* An export of a dataset carries its images: every item's, not only
   * those of one's tasks. */
  missing = calque_blob_missing_for (store, blobs, project_id, NULL, error);
  if (missing == NULL)
    return FALSE;
  for (guint i = 0; i < missing->len; i++)
    if (!calque_blob_download (server, token, blobs, g_ptr_array_index (missing, i), NULL, error))
      return FALSE;
  return missing->len == 0 || calque_blob_cache_sync (blobs, error);
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
  if (!signed_in (store, &server, &token, &error))
    return cli_fail (CLI_EXIT_FAILURE, "sync: %s", error->message);
  user = calque_store_get_setting (store, "user");

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
      g_autoptr(GError) round_error = NULL;
      g_autoptr(CalqueSyncClient) client = sync_round (workspace, server, token, project_id, &round_error);

      if (client == NULL)
        {
          cli_fail (CLI_EXIT_FAILURE, "sync: %s", round_error->message);
          failed = TRUE;
          if (g_error_matches (round_error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_SIGNED_OUT)
              || g_error_matches (round_error, CALQUE_SYNC_CLIENT_ERROR, CALQUE_SYNC_CLIENT_ERROR_NETWORK))
            break;
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
      g_autoptr(GAsyncResult) result = NULL;

      calque_session_check_health (server, NULL, calque_session_store_result, &result);
      calque_session_wait (&result);
      online = calque_session_check_health_finish (result, NULL);
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
