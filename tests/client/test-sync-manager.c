/* test-sync-manager.c — signing in and summing up, without a server
 *
 * What the sync manager and the session module decide before or without
 * an answer: server addresses, a sign-in that would mix two servers or two
 * people's changes in one workspace, a server that cannot be reached, the
 * outbox and refusal counts. tests/gui/test-window-sync and tests/e2e run
 * the same code against a real server.
 */
#define G_LOG_DOMAIN "test-sync-manager"

#include <gio/gio.h>
#include <string.h>

#include "calque-session.h"
#include "calque-store-sync.h"
#include "calque-sync-manager.h"
#include "calque-test-util.h"
#include "calque-workspace.h"

/* Port 1 on loopback: nothing listens there, the connection is refused. */
#define NOWHERE "http://127.0.0.1:1"

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("calque-sync-manager-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = calque_workspace_create (f->dir, &error);
  g_assert_no_error (error);
  f->store = calque_workspace_get_store (f->workspace);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} SignIn;

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SignIn *sign_in = user_data;

  sign_in->ok = calque_sync_manager_sign_in_finish (CALQUE_SYNC_MANAGER (object), result, &sign_in->error);
  sign_in->done = TRUE;
}

static void
sign_in (CalqueSyncManager *manager,
         const char        *server,
         const char        *user,
         SignIn            *out)
{
  calque_sync_manager_sign_in (manager, server, user, "secret", NULL, signed_in_cb, out);
  while (!out->done)
    g_main_context_iteration (NULL, TRUE);
}

/* A project the workspace pulled from its server. */
static void
mark_synced (Fixture    *f,
             const char *project_id)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_apply_pulled (f->store, project_id, none, 5, NULL, &error));
  g_assert_no_error (error);
}

static char *
save_project (Fixture *f)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (project, "name", "Birds");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (f->store, project, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (project));
}

static void
test_normalize_server (void)
{
  static const struct { const char *typed; const char *expected; } cases[] = {
    { "https://calque.example.org:8443", "https://calque.example.org:8443" },
    { "https://calque.example.org:8443/", "https://calque.example.org:8443" },
    { "  http://10.0.0.2:8080/api/v1  ", "http://10.0.0.2:8080" },
    { "http://calque.example.org", "http://calque.example.org" },
    { "calque.example.org:8443", NULL },
    { "ftp://calque.example.org", NULL },
    { "https://", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *base = calque_session_normalize_server (cases[i].typed, &error);

      g_assert_cmpstr (base, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        {
          g_assert_error (error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_ADDRESS);
          /* The message quotes what was typed. */
          g_assert_nonnull (strstr (error->message, cases[i].typed));
        }
    }
}

/* A fresh workspace is not signed in, and starting changes nothing. */
static void
test_not_signed_in (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = calque_sync_manager_new (f->workspace);

  calque_sync_manager_start (manager);
  g_assert_cmpint (calque_sync_manager_get_state (manager), ==, CALQUE_SYNC_CLIENT_SIGNED_OUT);
  g_assert_false (calque_sync_manager_get_session_expired (manager));
  g_assert_cmpint (calque_sync_manager_get_pending (manager), ==, 0);
  g_assert_null (calque_sync_manager_dup_server (manager));
}

/* No answer: a clear error, and the workspace is left as it was. */
static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = calque_sync_manager_new (f->workspace);
  SignIn result = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *server = NULL;

  sign_in (manager, NOWHERE, "amelie", &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (result.error->message, "127.0.0.1:1"));
  g_clear_error (&result.error);

  token = calque_store_get_setting (f->store, "token");
  server = calque_store_get_setting (f->store, "server");
  g_assert_null (token);
  g_assert_null (server);
  g_assert_cmpint (calque_sync_manager_get_state (manager), ==, CALQUE_SYNC_CLIENT_SIGNED_OUT);
}

/* Records pulled from one server are not mixed with another's. */
static void
test_other_server (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = calque_sync_manager_new (f->workspace);
  SignIn result = { 0 };
  SignIn same = { 0 };

  g_assert_true (calque_store_set_setting (f->store, "server", "https://first.example.org", NULL));
  mark_synced (f, "01a21241-e9e8-7617-a4e3-7606d61f0c45");

  sign_in (manager, "https://second.example.org/", "amelie", &result);
  g_assert_error (result.error, CALQUE_SYNC_MANAGER_ERROR, CALQUE_SYNC_MANAGER_ERROR_OTHER_SERVER);
  g_assert_nonnull (strstr (result.error->message, "https://first.example.org"));
  g_clear_error (&result.error);

  /* The same server, spelt with a slash, passes that check (and then finds
   * nobody there). */
  g_assert_true (calque_store_set_setting (f->store, "server", NOWHERE, NULL));
  sign_in (manager, NOWHERE "/", "amelie", &same);
  g_assert_error (same.error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_UNREACHABLE);
  g_clear_error (&same.error);
}

/* Changes one person made are not sent under another's name. */
static void
test_other_user (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = NULL;
  g_autofree char *project = NULL;
  SignIn result = { 0 };
  SignIn same = { 0 };

  g_assert_true (calque_store_set_setting (f->store, "server", NOWHERE, NULL));
  g_assert_true (calque_store_set_setting (f->store, "user", "amelie", NULL));
  project = save_project (f);
  manager = calque_sync_manager_new (f->workspace);
  g_assert_cmpint (calque_sync_manager_get_pending (manager), ==, 1);

  sign_in (manager, NOWHERE, "bruno", &result);
  g_assert_error (result.error, CALQUE_SYNC_MANAGER_ERROR, CALQUE_SYNC_MANAGER_ERROR_OTHER_USER);
  g_assert_nonnull (strstr (result.error->message, "amelie"));
  g_clear_error (&result.error);

  sign_in (manager, NOWHERE, "amelie", &same);
  g_assert_error (same.error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_UNREACHABLE);
  g_clear_error (&same.error);
}

static gboolean
state_is_offline (CalqueSyncManager *manager)
{
  return calque_sync_manager_get_state (manager) == CALQUE_SYNC_CLIENT_OFFLINE;
}

/* Signed in but the server is away: offline, syncing the projects pulled
 * before, with the outbox counted; a saved change adds to it. */
static void
test_offline_start (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = NULL;
  g_autofree char *project = NULL;
  gint64 deadline;

  g_assert_true (calque_store_set_setting (f->store, "server", NOWHERE, NULL));
  g_assert_true (calque_store_set_setting (f->store, "user", "amelie", NULL));
  g_assert_true (calque_store_set_setting (f->store, "token", "a-token-the-server-never-sees", NULL));
  mark_synced (f, "01a21241-e9e8-7617-a4e3-7606d61f0c45");

  manager = calque_sync_manager_new (f->workspace);
  calque_sync_manager_start (manager);
  g_assert_cmpint (calque_sync_manager_get_state (manager), ==, CALQUE_SYNC_CLIENT_CONNECTING);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!state_is_offline (manager) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (calque_sync_manager_get_state (manager), ==, CALQUE_SYNC_CLIENT_OFFLINE);
  g_assert_false (calque_sync_manager_get_session_expired (manager));

  project = save_project (f);
  calque_sync_manager_saved (manager);
  g_assert_cmpint (calque_sync_manager_get_pending (manager), ==, 1);

  calque_sync_manager_stop (manager);
  g_assert_cmpint (calque_sync_manager_get_state (manager), ==, CALQUE_SYNC_CLIENT_SIGNED_OUT);
  /* Stopping keeps the session: the next start uses it again. */
  {
    g_autofree char *token = calque_store_get_setting (f->store, "token");

    g_assert_cmpstr (token, ==, "a-token-the-server-never-sees");
  }

  /* Signing out forgets it, and keeps the outbox. */
  calque_sync_manager_sign_out (manager);
  {
    g_autofree char *token = calque_store_get_setting (f->store, "token");

    g_assert_null (token);
  }
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, 1);
}

/* A refusal stays listed until dismissed. */
static void
test_dismiss_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueSyncManager) manager = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *project = save_project (f);
  const CalqueChange *change;

  outbox = calque_store_outbox_read (f->store, project, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  change = g_ptr_array_index (outbox, 0);
  g_assert_true (calque_store_outbox_refused (f->store, change->op_no, "forbidden", "Only owners may", &error));
  g_assert_no_error (error);

  manager = calque_sync_manager_new (f->workspace);
  g_assert_cmpuint (calque_sync_manager_get_n_refused (manager), ==, 1);
  g_assert_cmpint (calque_sync_manager_get_pending (manager), ==, 0);

  g_assert_true (calque_sync_manager_dismiss_refused (manager, change->op_no, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calque_sync_manager_get_n_refused (manager), ==, 0);
  refused = calque_store_list_refused (f->store, &error);
  g_assert_cmpuint (refused->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-manager/normalize-server", test_normalize_server);
  g_test_add ("/sync-manager/not-signed-in", Fixture, NULL, fixture_set_up, test_not_signed_in, fixture_tear_down);
  g_test_add ("/sync-manager/unreachable", Fixture, NULL, fixture_set_up, test_unreachable, fixture_tear_down);
  g_test_add ("/sync-manager/other-server", Fixture, NULL, fixture_set_up, test_other_server, fixture_tear_down);
  g_test_add ("/sync-manager/other-user", Fixture, NULL, fixture_set_up, test_other_user, fixture_tear_down);
  g_test_add ("/sync-manager/offline-start", Fixture, NULL, fixture_set_up, test_offline_start, fixture_tear_down);
  g_test_add ("/sync-manager/dismiss-refused", Fixture, NULL, fixture_set_up, test_dismiss_refused,
              fixture_tear_down);

  return g_test_run ();
}
