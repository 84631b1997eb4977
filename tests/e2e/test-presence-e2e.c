/* test-presence-e2e.c — presence appears and disappears, through a real server
 *
 * The real calque-server on loopback; alice, bruno and chloe each have a
 * workspace made and signed in with the real calque-cli, and keep a sync
 * engine connected in this process, as the app does. One says which item
 * they are on; the others see it come, move and go. Every wait is bounded:
 * the main loop runs until the condition holds or 10 s have passed.
 */
#define G_LOG_DOMAIN "test-presence-e2e"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "calque-e2e.h"
#include "calque-server-fixture.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-sync-manager.h"
#include "calque-test-util.h"

#define WAIT_S 10

typedef struct
{
  CalqueServerFixture server;
  char               *base;
  char               *dir;
  char               *project;
  char               *item_x;     /* ids of two items: presence does not */
  char               *item_y;     /* need the records, only their ids */
} Fixture;

/* A device whose sync engine stays connected. */
typedef struct
{
  CalqueE2eDevice  *device;
  CalqueSyncClient *client;
  guint             changes;     /* presence-changed heard */
} Live;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *alice = NULL;
  g_autofree char *members = NULL;
  g_autoptr(JsonNode) project = NULL;
  g_autoptr(JsonNode) bruno = NULL;
  g_autoptr(JsonNode) chloe = NULL;

  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", "--admin", CALQUE_E2E_PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "bruno", NULL, CALQUE_E2E_PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "chloe", NULL, CALQUE_E2E_PASSWORD), ==, 0);
  calque_server_fixture_start (&f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) f->server.port);
  f->dir = g_dir_make_tmp ("calque-presence-e2e-XXXXXX", NULL);

  alice = calque_server_fixture_login_token (&f->server, "alice", CALQUE_E2E_PASSWORD);
  project = calque_e2e_post (&f->server, "/api/v1/projects", alice, "{\"name\":\"Birds\",\"type\":\"image\"}");
  f->project = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  members = g_strdup_printf ("/api/v1/projects/%s/members", f->project);
  bruno = calque_e2e_post (&f->server, members, alice, "{\"user\":\"bruno\",\"role\":\"annotator\"}");
  chloe = calque_e2e_post (&f->server, members, alice, "{\"user\":\"chloe\",\"role\":\"annotator\"}");
  f->item_x = g_uuid_string_random ();
  f->item_y = g_uuid_string_random ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_server_fixture_clear (&f->server);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->project);
  g_free (f->item_x);
  g_free (f->item_y);
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds, for WAIT_S at most. */
static gboolean
wait_for (Condition  condition,
          gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return condition (data);
}

static void
presence_changed_cb (CalqueSyncClient *client,
                     Live             *live)
{
  live->changes++;
}

static void
live_start (Fixture    *f,
            Live       *live,
            const char *name,
            const char *user)
{
  CalqueStore *store;
  g_autofree char *token = NULL;

  live->device = calque_e2e_device_new (f->dir, f->base, name, user);
  store = calque_e2e_device_store (live->device);
  token = calque_store_get_setting (store, "token");
  live->client = calque_sync_client_new (store, f->base, token, f->project);
  g_signal_connect (live->client, "presence-changed", G_CALLBACK (presence_changed_cb), live);
  calque_sync_client_start (live->client);
}

static void
live_clear (Live *live)
{
  if (live->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (live->client, live);
      calque_sync_client_stop (live->client);
    }
  g_clear_object (&live->client);
  g_clear_pointer (&live->device, calque_e2e_device_free);
}

static gboolean
is_online (gpointer data)
{
  Live *live = data;

  return calque_sync_client_get_state (live->client) == CALQUE_SYNC_CLIENT_ONLINE;
}

static gboolean
is_offline (gpointer data)
{
  Live *live = data;

  return calque_sync_client_get_state (live->client) == CALQUE_SYNC_CLIENT_OFFLINE;
}

static void
wait_online (Live *live)
{
  g_assert_true (wait_for (is_online, live));
}

/* What @presence says of @user: "" when on no item, NULL when absent. */
static const char *
where_is (GPtrArray  *presence,
          const char *user)
{
  for (guint i = 0; presence != NULL && i < presence->len; i++)
    {
      const CalquePresence *entry = g_ptr_array_index (presence, i);

      if (strcmp (entry->user, user) == 0)
        return entry->item != NULL ? entry->item : "";
    }
  return NULL;
}

typedef struct
{
  Live       *live;
  const char *user;
  const char *where;   /* as where_is() says it; NULL: absent */
} Expect;

static gboolean
sees (gpointer data)
{
  Expect *expect = data;

  return g_strcmp0 (where_is (calque_sync_client_get_presence (expect->live->client), expect->user),
                    expect->where) == 0;
}

/* Waits until @live sees @user where @where says, and asserts it. */
static void
assert_sees (Live       *live,
             const char *user,
             const char *where)
{
  Expect expect = { live, user, where };

  wait_for (sees, &expect);
  g_assert_cmpstr (where_is (calque_sync_client_get_presence (live->client), user), ==, where);
}

/* --- tests ------------------------------------------------------------------ */

/* Alice comes to item X, moves to Y, leaves the item, then her engine
 * stops: Bruno sees each step, and never himself. */
static void
test_appears_and_disappears (Fixture       *f,
                             gconstpointer  data)
{
  Live alice = { 0 };
  Live bruno = { 0 };

  live_start (f, &bruno, "bruno-laptop", "bruno");
  live_start (f, &alice, "alice-laptop", "alice");
  wait_online (&bruno);
  wait_online (&alice);

  /* In the project, on no item: nothing to show, and nothing sent yet. */
  g_assert_cmpuint (calque_sync_client_get_presence (bruno.client)->len, ==, 0);

  calque_sync_client_set_presence (alice.client, f->item_x);
  g_assert_cmpstr (calque_sync_client_get_own_presence (alice.client), ==, f->item_x);
  assert_sees (&bruno, "alice", f->item_x);
  g_assert_null (where_is (calque_sync_client_get_presence (bruno.client), "bruno"));
  /* And the other way round, Bruno on no item; Alice not in her own list. */
  assert_sees (&alice, "bruno", "");
  g_assert_null (where_is (calque_sync_client_get_presence (alice.client), "alice"));

  calque_sync_client_set_presence (alice.client, f->item_y);
  assert_sees (&bruno, "alice", f->item_y);

  calque_sync_client_set_presence (alice.client, NULL);
  assert_sees (&bruno, "alice", "");

  /* Each step was one change for Bruno: lists that tell nothing new are
   * not news. */
  g_assert_cmpuint (bruno.changes, ==, 3);

  calque_sync_client_stop (alice.client);
  assert_sees (&bruno, "alice", NULL);
  /* Alice's engine, offline, knows nobody to be anywhere. */
  g_assert_true (wait_for (is_offline, &alice));
  g_assert_cmpuint (calque_sync_client_get_presence (alice.client)->len, ==, 0);

  live_clear (&alice);
  live_clear (&bruno);
}

/* Someone who comes in sees at once who is on an item already. */
static void
test_newcomer_sees_who_is_there (Fixture       *f,
                                 gconstpointer  data)
{
  Live alice = { 0 };
  Live chloe = { 0 };

  live_start (f, &alice, "alice-laptop", "alice");
  wait_online (&alice);
  calque_sync_client_set_presence (alice.client, f->item_x);

  live_start (f, &chloe, "chloe-laptop", "chloe");
  wait_online (&chloe);
  assert_sees (&chloe, "alice", f->item_x);

  live_clear (&chloe);
  live_clear (&alice);
}

/* The server forgets a connection that is gone: after the server comes
 * back, the engine says again where the person is, unasked; while it was
 * down, nobody was known to be anywhere. */
static void
test_told_again_after_reconnecting (Fixture       *f,
                                    gconstpointer  data)
{
  Live alice = { 0 };
  Live bruno = { 0 };
  guint16 port = f->server.port;

  live_start (f, &alice, "alice-laptop", "alice");
  live_start (f, &bruno, "bruno-laptop", "bruno");
  wait_online (&alice);
  wait_online (&bruno);
  calque_sync_client_set_presence (alice.client, f->item_x);
  assert_sees (&bruno, "alice", f->item_x);

  calque_server_fixture_stop (&f->server);
  g_assert_true (wait_for (is_offline, &bruno));
  g_assert_cmpuint (calque_sync_client_get_presence (bruno.client)->len, ==, 0);

  /* Alice has not moved: her engine tells the new connection all the same.
   * (The backoff grows to a few seconds while the server is down.) */
  calque_server_fixture_start_on (&f->server, port);
  assert_sees (&bruno, "alice", f->item_x);

  live_clear (&alice);
  live_clear (&bruno);
}

/* One user on two devices is one entry, on the item of whichever device
 * is on one; the list does not say which device. */
static void
test_two_devices_one_user (Fixture       *f,
                           gconstpointer  data)
{
  Live laptop = { 0 };
  Live desktop = { 0 };
  Live bruno = { 0 };
  GPtrArray *presence;
  guint n_alice = 0;

  live_start (f, &laptop, "alice-laptop", "alice");
  live_start (f, &desktop, "alice-desktop", "alice");
  live_start (f, &bruno, "bruno-laptop", "bruno");
  wait_online (&laptop);
  wait_online (&desktop);
  wait_online (&bruno);

  calque_sync_client_set_presence (desktop.client, f->item_y);
  assert_sees (&bruno, "alice", f->item_y);
  presence = calque_sync_client_get_presence (bruno.client);
  for (guint i = 0; i < presence->len; i++)
    n_alice += strcmp (((CalquePresence *) g_ptr_array_index (presence, i))->user, "alice") == 0;
  g_assert_cmpuint (n_alice, ==, 1);
  /* Her own devices do not show her to herself. */
  g_assert_null (where_is (calque_sync_client_get_presence (laptop.client), "alice"));

  /* The desktop closes: the laptop, on no item, is what remains. */
  calque_sync_client_stop (desktop.client);
  assert_sees (&bruno, "alice", "");

  live_clear (&laptop);
  live_clear (&desktop);
  live_clear (&bruno);
}

/* --- the manager, as the app uses it --------------------------------------- */

typedef struct
{
  CalqueSyncManager *manager;
  const char        *project;
  guint              changes;
} Watch;

static void
manager_presence_changed_cb (CalqueSyncManager *manager,
                             const char        *project_id,
                             Watch             *watch)
{
  if (g_strcmp0 (project_id, watch->project) == 0)
    watch->changes++;
}

static gboolean
manager_online (gpointer data)
{
  Watch *watch = data;

  return calque_sync_manager_get_state (watch->manager) == CALQUE_SYNC_CLIENT_ONLINE
         && calque_sync_manager_get_presence (watch->manager, watch->project) != NULL;
}

static gboolean
manager_knows_nothing (gpointer data)
{
  Watch *watch = data;

  return calque_sync_manager_get_presence (watch->manager, watch->project) == NULL;
}

typedef struct
{
  Watch      *watch;
  const char *user;
  const char *where;
} ManagerExpect;

static gboolean
manager_sees (gpointer data)
{
  ManagerExpect *expect = data;

  return g_strcmp0 (where_is (calque_sync_manager_get_presence (expect->watch->manager, expect->watch->project),
                              expect->user), expect->where) == 0;
}

/* The manager runs the project's engine, passes the person's item on to
 * it (set before the engine even started), says when the list changes,
 * and forgets it when it stops. */
static void
test_manager (Fixture       *f,
              gconstpointer  data)
{
  Live alice = { 0 };
  g_autoptr(CalqueE2eDevice) bruno = calque_e2e_device_new (f->dir, f->base, "bruno-laptop", "bruno");
  g_autoptr(CalqueSyncManager) manager = calque_sync_manager_new (bruno->workspace);
  Watch watch = { manager, f->project, 0 };
  ManagerExpect alice_on_y = { &watch, "alice", f->item_y };

  g_signal_connect (manager, "presence-changed", G_CALLBACK (manager_presence_changed_cb), &watch);
  g_assert_null (calque_sync_manager_get_presence (manager, f->project));

  /* Before the project's engine runs: kept, and told once it does. */
  calque_sync_manager_set_presence (manager, f->project, f->item_x);
  calque_sync_manager_start (manager);
  g_assert_true (wait_for (manager_online, &watch));

  live_start (f, &alice, "alice-laptop", "alice");
  wait_online (&alice);
  assert_sees (&alice, "bruno", f->item_x);

  calque_sync_client_set_presence (alice.client, f->item_y);
  g_assert_true (wait_for (manager_sees, &alice_on_y));
  g_assert_cmpuint (watch.changes, >, 0);

  /* Bruno goes back to the list: on no item. */
  calque_sync_manager_set_presence (manager, f->project, NULL);
  assert_sees (&alice, "bruno", "");
  calque_sync_manager_set_presence (manager, f->project, f->item_y);
  assert_sees (&alice, "bruno", f->item_y);

  /* The server goes: nothing is known. It comes back: the engines tell it
   * again where Alice and Bruno are, and the manager hears it. */
  {
    guint16 port = f->server.port;

    calque_server_fixture_stop (&f->server);
    g_assert_true (wait_for (manager_knows_nothing, &watch));
    calque_server_fixture_start_on (&f->server, port);
    g_assert_true (wait_for (manager_sees, &alice_on_y));
    assert_sees (&alice, "bruno", f->item_y);
  }

  /* Another project, or none: the manager says none for this one. */
  {
    g_autofree char *elsewhere = g_uuid_string_random ();

    calque_sync_manager_set_presence (manager, elsewhere, f->item_x);
    assert_sees (&alice, "bruno", "");
  }

  /* The manager stops (the window closes): Bruno is gone for Alice, and
   * the manager knows nobody in the project any more. */
  watch.changes = 0;
  calque_sync_manager_stop (manager);
  g_assert_cmpuint (watch.changes, ==, 1);
  g_assert_null (calque_sync_manager_get_presence (manager, f->project));
  assert_sees (&alice, "bruno", NULL);

  live_clear (&alice);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/presence-e2e/appears-and-disappears", Fixture, NULL, fixture_set_up,
              test_appears_and_disappears, fixture_tear_down);
  g_test_add ("/presence-e2e/newcomer-sees-who-is-there", Fixture, NULL, fixture_set_up,
              test_newcomer_sees_who_is_there, fixture_tear_down);
  g_test_add ("/presence-e2e/told-again-after-reconnecting", Fixture, NULL, fixture_set_up,
              test_told_again_after_reconnecting, fixture_tear_down);
  g_test_add ("/presence-e2e/two-devices-one-user", Fixture, NULL, fixture_set_up,
              test_two_devices_one_user, fixture_tear_down);
  g_test_add ("/presence-e2e/manager", Fixture, NULL, fixture_set_up, test_manager, fixture_tear_down);

  return g_test_run ();
}
