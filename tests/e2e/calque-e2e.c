/* calque-e2e.c — workspaces signed in to a real calque-server, for the e2e tests */
#include "calque-e2e.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <libsoup/soup.h>

#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-test-util.h"

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
calque_e2e_cli_spawn (const char         *workspace,
                      const char * const *args,
                      GSubprocessFlags    flags)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer) g_getenv ("CALQUE_CLI"));
  g_ptr_array_add (argv, (gpointer) "--workspace");
  g_ptr_array_add (argv, (gpointer) workspace);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Runs calque-cli on @workspace with @input on stdin; returns its status. */
int
calque_e2e_cli_run (const char         *workspace,
                    const char * const *args,
                    const char         *input,
                    char              **out_stdout)
{
  g_autoptr(GSubprocess) process = calque_e2e_cli_spawn (workspace, args,
                                              G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                              | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("calque-cli %s: %s%s", args[0], out, err);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return g_subprocess_get_exit_status (process);
}

/* Asserts 201 Created. */
JsonNode *
calque_e2e_post (CalqueServerFixture *server,
                 const char          *path,
                 const char          *token,
                 const char          *body)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  calque_server_fixture_request (server, SOUP_METHOD_POST, path, authorization, "application/json",
                                 body, -1, &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_CREATED);
  return g_steal_pointer (&response.body);
}

/* A workspace made and signed in with calque-cli, then opened here. */
CalqueE2eDevice *
calque_e2e_device_new (const char *dir,
                       const char *base,
                       const char *name,
                       const char *user)
{
  CalqueE2eDevice *device = g_new0 (CalqueE2eDevice, 1);
  g_autoptr(GError) error = NULL;
  const char *init[] = { "init", NULL };
  const char *login[] = { "login", base, user, NULL };
  g_autofree char *out = NULL;
  g_autofree char *password_line = g_strconcat (CALQUE_E2E_PASSWORD, "\n", NULL);

  device->path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (calque_e2e_cli_run (device->path, init, NULL, NULL), ==, 0);
  g_assert_cmpint (calque_e2e_cli_run (device->path, login, password_line, &out), ==, 0);
  g_assert_nonnull (strstr (out, "signed in"));
  device->workspace = calque_workspace_open (device->path, &error);
  g_assert_no_error (error);
  return device;
}

void
calque_e2e_device_free (CalqueE2eDevice *device)
{
  g_clear_object (&device->workspace);
  g_free (device->path);
  g_free (device);
}

CalqueStore *
calque_e2e_device_store (CalqueE2eDevice *device)
{
  return calque_workspace_get_store (device->workspace);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Round;

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Round *round = user_data;

  round->ok = calque_sync_client_sync_once_finish (CALQUE_SYNC_CLIENT (object), result, &round->error);
  round->done = TRUE;
}

/* One round of the sync engine, in this process. */
void
calque_e2e_device_sync (CalqueE2eDevice *device,
                        const char      *base,
                        const char      *project)
{
  CalqueStore *store = calque_e2e_device_store (device);
  g_autofree char *token = calque_store_get_setting (store, "token");
  g_autoptr(CalqueSyncClient) client = calque_sync_client_new (store, base, token, project);
  Round round = { 0 };

  calque_sync_client_sync_once (client, NULL, round_done_cb, &round);
  while (!round.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (round.error);
  g_assert_true (round.ok);
}

CalqueRecord *
calque_e2e_get_record (CalqueE2eDevice *device,
                       const char      *id)
{
  g_autoptr(GError) error = NULL;
  CalqueRecord *record = calque_store_get (calque_e2e_device_store (device), id, &error);

  g_assert_no_error (error);
  return record;
}

void
calque_e2e_team_set_up (CalqueE2eTeam      *team,
                        const char         *project_json,
                        const char * const *members)
{
  g_autofree char *alice = NULL;
  g_autofree char *members_path = NULL;
  g_autoptr(JsonNode) project = NULL;

  calque_server_fixture_init (&team->server);
  g_assert_cmpint (calque_server_fixture_user_add (&team->server, "alice", "--admin", CALQUE_E2E_PASSWORD), ==, 0);
  for (guint i = 0; members[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (members[i], ":", 2);

      g_assert_cmpint (calque_server_fixture_user_add (&team->server, parts[0], NULL, CALQUE_E2E_PASSWORD), ==, 0);
    }
  calque_server_fixture_start (&team->server);
  team->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) team->server.port);
  team->dir = g_dir_make_tmp ("calque-e2e-XXXXXX", NULL);

  alice = calque_server_fixture_login_token (&team->server, "alice", CALQUE_E2E_PASSWORD);
  project = calque_e2e_post (&team->server, "/api/v1/projects", alice, project_json);
  team->project = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  members_path = g_strdup_printf ("/api/v1/projects/%s/members", team->project);
  for (guint i = 0; members[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (members[i], ":", 2);
      g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"role\":\"%s\"}", parts[0], parts[1]);

      json_node_unref (calque_e2e_post (&team->server, members_path, alice, body));
    }
}

void
calque_e2e_team_tear_down (CalqueE2eTeam *team)
{
  calque_server_fixture_clear (&team->server);
  calque_test_remove_tree (team->dir);
  g_clear_pointer (&team->dir, g_free);
  g_clear_pointer (&team->base, g_free);
  g_clear_pointer (&team->project, g_free);
}
