/* test-sync-e2e.c — several workspaces syncing through a real server
 *
 * The real calque-server on loopback with a fresh store; each workspace is
 * a real file, signed in with the real calque-cli (`login`) and synced
 * either with `calque-cli sync` or with the sync engine in this process.
 * Edits are made through the workspace store, as the app makes them, so
 * they go through the outbox like any other.
 */
#define G_LOG_DOMAIN "test-sync-e2e"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "calque-blob-transfer.h"
#include "calque-e2e.h"
#include "calque-record-list.h"
#include "calque-record-private.h"
#include "calque-server-fixture.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-test-util.h"
#include "calque-workspace.h"

#define PASSWORD CALQUE_E2E_PASSWORD

typedef struct
{
  CalqueServerFixture server;
  char               *base;       /* http://127.0.0.1:PORT */
  char               *dir;        /* holds the workspaces */
  char               *project;    /* made by alice on the server */
} Fixture;

typedef CalqueE2eDevice Device;

static void
device_free (Device *device)
{
  calque_e2e_device_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* --- calque-cli ---------------------------------------------------------- */

static GSubprocess *
cli_spawn (const char         *workspace,
           const char * const *args,
           GSubprocessFlags    flags)
{
  return calque_e2e_cli_spawn (workspace, args, flags);
}

static int
cli_run (const char         *workspace,
         const char * const *args,
         const char         *input,
         char              **out_stdout)
{
  return calque_e2e_cli_run (workspace, args, input, out_stdout);
}

/* --- set-up -------------------------------------------------------------- */

static JsonNode *
post (Fixture    *f,
      const char *path,
      const char *token,
      const char *body)
{
  return calque_e2e_post (&f->server, path, token, body);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *alice = NULL;
  g_autofree char *members = NULL;
  g_autoptr(JsonNode) project = NULL;
  g_autoptr(JsonNode) member = NULL;

  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", "--admin", PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "bruno", NULL, PASSWORD), ==, 0);
  calque_server_fixture_start (&f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) f->server.port);
  f->dir = g_dir_make_tmp ("calque-e2e-XXXXXX", NULL);

  alice = calque_server_fixture_login_token (&f->server, "alice", PASSWORD);
  project = post (f, "/api/v1/projects", alice, "{\"name\":\"Birds\",\"type\":\"image\"}");
  f->project = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  members = g_strdup_printf ("/api/v1/projects/%s/members", f->project);
  member = post (f, members, alice, "{\"user\":\"bruno\",\"role\":\"manager\"}");
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
}

static Device *
device_new (Fixture    *f,
            const char *name,
            const char *user)
{
  return calque_e2e_device_new (f->dir, f->base, name, user);
}

static CalqueStore *
device_store (Device *device)
{
  return calque_e2e_device_store (device);
}

static void
device_sync (Fixture *f,
             Device  *device)
{
  calque_e2e_device_sync (device, f->base, f->project);
}

static CalqueRecord *
get_record (Device     *device,
            const char *id)
{
  return calque_e2e_get_record (device, id);
}

/* A label saved on @device, synced, and on @other after its sync. */
static char *
shared_label (Fixture *f,
              Device  *device,
              Device  *other)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) there = NULL;
  g_autoptr(GError) error = NULL;

  calque_record_set_string (label, "name", "sparrow");
  calque_record_set_string (label, "color", "#3584e4");
  g_assert_true (calque_store_save (device_store (device), label, &error));
  g_assert_no_error (error);
  device_sync (f, device);
  device_sync (f, other);
  there = get_record (other, calque_record_get_id (label));
  g_assert_cmpstr (calque_record_get_string (there, "name"), ==, "sparrow");
  return g_strdup (calque_record_get_id (label));
}

/* --- tests ----------------------------------------------------------------- */

/* The command line: login, sync, status, logout, on real workspaces. */
static void
test_cli_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Device) laptop = device_new (f, "laptop", "alice");
  g_autoptr(Device) desktop = device_new (f, "desktop", "bruno");
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) there = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *status = NULL;
  g_autofree char *token = NULL;
  const char *sync[] = { "sync", NULL };
  const char *status_args[] = { "status", NULL };
  const char *logout[] = { "logout", NULL };

  /* The password is not kept; the token is. */
  token = calque_store_get_setting (device_store (laptop), "token");
  g_assert_nonnull (token);
  g_assert_null (calque_store_get_setting (device_store (laptop), "password"));

  calque_record_set_string (label, "name", "héron <b>cendré</b>");
  calque_record_set_string (label, "color", "#e01b24");
  g_assert_true (calque_store_save (device_store (laptop), label, &error));
  g_clear_object (&laptop->workspace);   /* calque-cli has the file now */

  g_assert_cmpint (cli_run (laptop->path, sync, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "sent"));
  g_assert_cmpint (cli_run (laptop->path, status_args, NULL, &status), ==, 0);
  g_assert_nonnull (strstr (status, "(online)"));
  g_assert_nonnull (strstr (status, "outbox: 0 changes"));

  g_clear_object (&desktop->workspace);
  g_assert_cmpint (cli_run (desktop->path, sync, NULL, NULL), ==, 0);
  desktop->workspace = calque_workspace_open (desktop->path, &error);
  there = get_record (desktop, calque_record_get_id (label));
  g_assert_cmpstr (calque_record_get_string (there, "name"), ==, "héron <b>cendré</b>");

  /* Signed out, sync says so and keeps what waits. */
  g_assert_cmpint (cli_run (laptop->path, logout, NULL, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (laptop->path, sync, NULL, &out), ==, 1);

  /* A workspace synced with this server signs in to no other: its records
   * would mix. The workspace keeps its server. */
  {
    const char *elsewhere[] = { "login", "http://127.0.0.1:1", "alice", NULL };
    g_autoptr(CalqueWorkspace) reopened = NULL;
    g_autofree char *kept = NULL;

    g_assert_cmpint (cli_run (laptop->path, elsewhere, PASSWORD "\n", NULL), ==, 1);
    reopened = calque_workspace_open (laptop->path, &error);
    g_assert_no_error (error);
    kept = calque_store_get_setting (calque_workspace_get_store (reopened), "server");
    g_assert_cmpstr (kept, ==, f->base);
  }
}

/* Two devices edit different fields of one record offline, then sync:
 * both edits end up on both. */
static void
test_different_fields_converge (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "alice");
  g_autoptr(Device) b = device_new (f, "b", "bruno");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  device_sync (f, a);
  device_sync (f, b);
  id = shared_label (f, a, b);

  {
    g_autoptr(CalqueRecord) on_a = get_record (a, id);
    g_autoptr(CalqueRecord) on_b = get_record (b, id);

    calque_record_set_string (on_a, "name", "finch");
    g_assert_true (calque_store_save (device_store (a), on_a, &error));
    calque_record_set_string (on_b, "color", "#2ec27e");
    g_assert_true (calque_store_save (device_store (b), on_b, &error));
  }
  device_sync (f, a);
  device_sync (f, b);
  device_sync (f, a);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CalqueRecord) label = get_record (i == 0 ? a : b, id);

      g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "finch");
      g_assert_cmpstr (calque_record_get_string (label, "color"), ==, "#2ec27e");
    }
}

/* The same field edited on both: the same winner on both, and the losing
 * value kept in a conflict record both have. */
static void
test_same_field_conflict (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "alice");
  g_autoptr(Device) b = device_new (f, "b", "bruno");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *winner = NULL;

  id = shared_label (f, a, b);
  {
    g_autoptr(CalqueRecord) on_a = get_record (a, id);
    g_autoptr(CalqueRecord) on_b = get_record (b, id);

    calque_record_set_string (on_a, "name", "finch");
    g_assert_true (calque_store_save (device_store (a), on_a, &error));
    g_usleep (2000);
    calque_record_set_string (on_b, "name", "robin");
    g_assert_true (calque_store_save (device_store (b), on_b, &error));
  }
  device_sync (f, a);
  device_sync (f, b);
  device_sync (f, a);

  for (guint i = 0; i < 2; i++)
    {
      Device *device = i == 0 ? a : b;
      g_autoptr(CalqueRecord) label = get_record (device, id);
      g_autoptr(GPtrArray) conflicts = calque_store_list (device_store (device), CALQUE_KIND_CONFLICT, f->project,
                                                          &error);

      g_assert_no_error (error);
      if (winner == NULL)
        winner = g_strdup (calque_record_get_string (label, "name"));
      /* The later edit wins, and the other is kept. */
      g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "robin");
      g_assert_cmpstr (calque_record_get_string (label, "name"), ==, winner);
      g_assert_cmpuint (conflicts->len, ==, 1);
    }
}

/* A deletes while B edits offline: it stays deleted, and B is told (its
 * edit is in its refused list, with the reason). */
static void
test_delete_beats_offline_edit (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "alice");
  g_autoptr(Device) b = device_new (f, "b", "bruno");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  id = shared_label (f, a, b);
  {
    g_autoptr(CalqueRecord) on_a = get_record (a, id);
    g_autoptr(CalqueRecord) on_b = get_record (b, id);

    calque_record_set_deleted (on_a, TRUE);
    g_assert_true (calque_store_save (device_store (a), on_a, &error));
    calque_record_set_string (on_b, "name", "robin");
    g_assert_true (calque_store_save (device_store (b), on_b, &error));
  }
  device_sync (f, a);
  device_sync (f, b);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CalqueRecord) label = get_record (i == 0 ? a : b, id);

      g_assert_true (calque_record_get_deleted (label));
    }
  refused = calque_store_list_refused (device_store (b), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  g_assert_cmpstr (((CalqueRefusal *) g_ptr_array_index (refused, 0))->code, ==, "deleted");
  g_assert_cmpint (calque_store_get_outbox_size (device_store (b), NULL), ==, 0);
}

/* calque-cli is killed (SIGKILL) in the middle of sending a large outbox;
 * run again, it sends the rest, and the server has every change once. */
static void
test_client_killed_mid_push (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "alice");
  g_autoptr(Device) check = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  const char *sync[] = { "sync", NULL };
  const guint n = 3000;
  gint64 before;
  gint64 start;

  device_sync (f, a);
  start = calque_store_get_cursor (device_store (a), f->project);
  g_assert_true (calque_store_begin (device_store (a), &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
      g_autofree char *name = g_strdup_printf ("label %u", i);

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", "#3584e4");
      g_assert_true (calque_store_save (device_store (a), label, &error));
    }
  g_assert_true (calque_store_commit (device_store (a), &error));
  g_clear_object (&a->workspace);

  /* Killed once some of the outbox has gone. */
  first = cli_spawn (a->path, sync, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autoptr(CalqueWorkspace) peek = calque_workspace_open (a->path, NULL);
        gint64 left = peek != NULL ? calque_store_get_outbox_size (calque_workspace_get_store (peek), NULL) : n;

        if (left < n || g_get_monotonic_time () > deadline)
          break;
        g_usleep (2000);
      }
  }
  g_subprocess_send_signal (first, SIGKILL);
  g_subprocess_wait (first, NULL, NULL);

  a->workspace = calque_workspace_open (a->path, &error);
  g_assert_no_error (error);
  before = calque_store_get_outbox_size (device_store (a), NULL);
  g_test_message ("killed with %" G_GINT64_FORMAT " of %u changes still in the outbox", before, n);
  g_assert_cmpint (before, <, n);
  g_clear_object (&a->workspace);

  g_assert_cmpint (cli_run (a->path, sync, NULL, NULL), ==, 0);
  a->workspace = calque_workspace_open (a->path, &error);
  g_assert_cmpint (calque_store_get_outbox_size (device_store (a), NULL), ==, 0);

  /* A new device gets each label once. */
  check = device_new (f, "check", "bruno");
  device_sync (f, check);
  labels = calque_store_list (device_store (check), CALQUE_KIND_LABEL, f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, n);
  {
    g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < labels->len; i++)
      g_assert_true (g_hash_table_add (names, (gpointer) calque_record_get_string (g_ptr_array_index (labels, i),
                                                                                   "name")));
  }
  /* And the server's stream holds each change once: what it had before,
   * and the labels. */
  g_assert_cmpint (calque_store_get_cursor (device_store (check), f->project), ==, start + n);
}

/* --- convergence -------------------------------------------------------------- */

/* JSON with the members of every object in name order: two records with
 * the same fields give the same text whatever order they were set in. */
static void
append_canonical (GString  *out,
                  JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(GList) names = g_list_sort (json_object_get_members (obj), (GCompareFunc) strcmp);

      g_string_append_c (out, '{');
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_string_append_printf (out, "%s\"%s\":", l == names ? "" : ",", (const char *) l->data);
          append_canonical (out, json_object_get_member (obj, l->data));
        }
      g_string_append_c (out, '}');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_canonical (out, json_array_get_element (array, i));
        }
      g_string_append_c (out, ']');
    }
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append (out, text);
    }
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Everything a workspace holds of the project, tombstones and clocks
 * included, one line per record in id order: equal dumps, equal states. */
static char *
dump_project (Fixture *f,
              Device  *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = calque_store_list_project (device_store (device), f->project, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      CalqueRecord *record = g_ptr_array_index (records, i);
      g_autoptr(JsonNode) fields = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));
      g_autoptr(GString) canonical = g_string_new (NULL);
      g_autofree char *fields_text = NULL;
      g_autofree char *clocks_text = _calque_record_dup_clocks_json (record);
      g_autoptr(JsonNode) clocks_node = json_from_string (clocks_text, NULL);
      g_autoptr(GString) canonical_clocks = g_string_new (NULL);
      const char *clocks;

      append_canonical (canonical, fields);
      fields_text = g_strdup (canonical->str);
      append_canonical (canonical_clocks, clocks_node);
      clocks = canonical_clocks->str;

      g_ptr_array_add (lines, g_strdup_printf ("%s %s %d %s %s", calque_record_get_id (record),
                                               calque_kind_to_string (calque_record_get_kind (record)),
                                               calque_record_get_deleted (record), fields_text, clocks));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, g_ptr_array_index (lines, i));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* Fails with the first line where two dumps differ, not both whole. */
static void
assert_same_dump (const char *what,
                  const char *a,
                  const char *b)
{
  g_auto(GStrv) la = g_strsplit (a, "\n", -1);
  g_auto(GStrv) lb = g_strsplit (b, "\n", -1);

  for (guint i = 0; la[i] != NULL || lb[i] != NULL; i++)
    if (g_strcmp0 (la[i], lb[i]) != 0)
      g_error ("%s: line %u differs:\n  %s\n  %s", what, i, la[i] ? la[i] : "(none)", lb[i] ? lb[i] : "(none)");
}

/* A device whose sync engine stays connected, as the app runs it. */
typedef struct
{
  Device           *device;
  CalqueSyncClient *client;
  gboolean          connected;   /* started, not stopped by the test */
} Live;

static void
live_start (Fixture *f,
            Live    *live)
{
  g_autofree char *token = calque_store_get_setting (device_store (live->device), "token");

  if (live->client == NULL)
    live->client = calque_sync_client_new (device_store (live->device), f->base, token, f->project);
  calque_sync_client_start (live->client);
  live->connected = TRUE;
}

static void
live_stop (Live *live)
{
  calque_sync_client_stop (live->client);
  live->connected = FALSE;
}

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static gboolean
outboxes_empty (Live   *lives,
                guint   n)
{
  for (guint i = 0; i < n; i++)
    if (calque_store_get_outbox_size (device_store (lives[i].device), NULL) > 0)
      return FALSE;
  return TRUE;
}

/* The engines send their outboxes on their own: waits for all of them to
 * be empty, for at most @seconds. */
static void
wait_outboxes_empty (Live  *lives,
                     guint  n,
                     guint  seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!outboxes_empty (lives, n) && g_get_monotonic_time () < deadline)
    iterate_for (20);
  g_assert_true (outboxes_empty (lives, n));
}

static void
lives_clear (Live  *lives,
             guint  n)
{
  for (guint i = 0; i < n; i++)
    {
      g_clear_object (&lives[i].client);
      g_clear_pointer (&lives[i].device, device_free);
    }
}

/* @n labels saved on @device; their ids go into @ids. */
static void
save_labels (Fixture   *f,
             Device    *device,
             guint      n,
             GPtrArray *ids)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
      g_autofree char *name = g_strdup_printf ("label %u", i);
      g_autoptr(GError) error = NULL;

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", "#3584e4");
      g_assert_true (calque_store_save (device_store (device), label, &error));
      g_assert_no_error (error);
      g_ptr_array_add (ids, g_strdup (calque_record_get_id (label)));
    }
}

/* One random edit of one of @labels on @device: a name, a color, now and
 * then a delete or an undelete. */
static void
random_edit (Device    *device,
             GPtrArray *labels,
             GRand     *rand,
             guint      step)
{
  static const char * const colors[] = { "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac" };
  const char *id = g_ptr_array_index (labels, g_rand_int_range (rand, 0, labels->len));
  g_autoptr(CalqueRecord) label = get_record (device, id);
  g_autoptr(GError) error = NULL;
  int what = g_rand_int_range (rand, 0, 100);

  if (what < 2)
    calque_record_set_deleted (label, !calque_record_get_deleted (label));
  else if (calque_record_get_deleted (label))
    return;   /* an edit of a deleted label is refused; counted apart */
  else if (what < 51)
    {
      g_autofree char *name = g_strdup_printf ("name %u", step);

      calque_record_set_string (label, "name", name);
    }
  else
    calque_record_set_string (label, "color", colors[g_rand_int_range (rand, 0, G_N_ELEMENTS (colors))]);
  g_assert_true (calque_store_save (device_store (device), label, &error));
  g_assert_no_error (error);
}

/* Quiet, then rounds on every device until nothing moves, then one dump
 * for all of them and for a device that only pulls (the server's). */
static void
assert_converged (Fixture *f,
                  Live    *lives,
                  guint    n)
{
  g_autoptr(Device) fresh = NULL;
  g_autofree char *reference = NULL;

  for (guint i = 0; i < n; i++)
    live_stop (&lives[i]);
  iterate_for (100);
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < n; i++)
      device_sync (f, lives[i].device);

  fresh = device_new (f, "fresh", "alice");
  device_sync (f, fresh);
  reference = dump_project (f, fresh);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *other = dump_project (f, lives[i].device);
      g_autofree char *what = g_strdup_printf ("device %u (node %s) against the server", i,
                                               calque_store_get_node_id (device_store (lives[i].device)));

      assert_same_dump (what, reference, other);
    }
  g_test_message ("converged: %u devices and the server hold the same %" G_GSIZE_FORMAT " bytes of dump",
                  n, strlen (reference));
}

/* Three devices, a thousand random edits each on twenty shared labels,
 * their connections dropped at random: in the end every device and the
 * server hold the same, record for record, clock for clock. */
static void
test_random_edits_converge (Fixture       *f,
                            gconstpointer  data)
{
  Live lives[3] = { { 0 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint drops = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);

      lives[i].device = device_new (f, name, i == 1 ? "bruno" : "alice");
    }
  save_labels (f, lives[0].device, 20, labels);
  for (guint i = 0; i < 3; i++)
    device_sync (f, lives[i].device);
  device_sync (f, lives[0].device);
  for (guint i = 0; i < 3; i++)
    live_start (f, &lives[i]);

  for (guint step = 0; step < 1000; step++)
    for (guint i = 0; i < 3; i++)
      {
        Live *live = &lives[i];

        random_edit (live->device, labels, rand, step);
        if (live->connected)
          calque_sync_client_push_now (live->client);
        /* A dropped network now and then, back a while later. */
        if (live->connected && g_rand_int_range (rand, 0, 150) == 0)
          {
            live_stop (live);
            drops++;
          }
        else if (!live->connected && g_rand_int_range (rand, 0, 40) == 0)
          live_start (f, live);
        g_main_context_iteration (NULL, FALSE);
      }
  for (guint i = 0; i < 3; i++)
    if (!lives[i].connected)
      live_start (f, &lives[i]);

  /* The engines catch up on their own. */
  wait_outboxes_empty (lives, 3, 60);
  g_test_message ("3000 edits, %u connections dropped", drops);

  assert_converged (f, lives, 3);
  lives_clear (lives, 3);
}

/* The server is stopped for 30 s while two devices keep editing; it comes
 * back where it was, the engines reconnect on their own, and everything
 * converges. */
static void
test_server_stopped_30s (Fixture       *f,
                         gconstpointer  data)
{
  Live lives[2] = { { 0 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (30);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint16 port = f->server.port;
  gint64 until;
  guint step = 0;

  for (guint i = 0; i < 2; i++)
    lives[i].device = device_new (f, i == 0 ? "a" : "b", i == 0 ? "alice" : "bruno");
  save_labels (f, lives[0].device, 5, labels);
  device_sync (f, lives[0].device);
  device_sync (f, lives[1].device);
  for (guint i = 0; i < 2; i++)
    live_start (f, &lives[i]);

  calque_server_fixture_stop (&f->server);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      for (guint i = 0; i < 2; i++)
        random_edit (lives[i].device, labels, rand, step++);
      iterate_for (100);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (calque_sync_client_get_state (lives[i].client), !=, CALQUE_SYNC_CLIENT_ONLINE);
      g_assert_cmpint (calque_store_get_outbox_size (device_store (lives[i].device), NULL), >, 0);
    }

  calque_server_fixture_start_on (&f->server, port);
  /* Backoff grows to 30 s (±50 %): within 50 s they are back. */
  wait_outboxes_empty (lives, 2, 50);
  g_test_message ("%u edits during the outage, all sent after it", step);

  assert_converged (f, lives, 2);
  lives_clear (lives, 2);
}

/* The session runs out while the engine is connected: it says signed
 * out and stops trying; edits made meanwhile wait in the outbox; after a
 * new login they are sent. */
static void
test_session_expires (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "bruno");
  g_autoptr(Device) b = device_new (f, "b", "alice");
  g_autoptr(CalqueSyncClient) client = NULL;
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(CalqueRecord) there = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = calque_store_get_setting (device_store (a), "token");
  g_autofree char *password_line = g_strconcat (PASSWORD, "\n", NULL);
  const char *login[] = { "login", f->base, "bruno", NULL };
  const char *sync[] = { "sync", NULL };
  gint64 deadline;

  client = calque_sync_client_new (device_store (a), f->base, token, f->project);
  calque_sync_client_start (client);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (calque_sync_client_get_state (client) != CALQUE_SYNC_CLIENT_ONLINE && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (calque_sync_client_get_state (client), ==, CALQUE_SYNC_CLIENT_ONLINE);

  calque_server_fixture_expire_tokens (&f->server, "bruno");
  calque_record_set_string (label, "name", "written after the session ran out");
  calque_record_set_string (label, "color", "#3584e4");
  g_assert_true (calque_store_save (device_store (a), label, &error));
  calque_sync_client_push_now (client);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (calque_sync_client_get_state (client) != CALQUE_SYNC_CLIENT_SIGNED_OUT && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (calque_sync_client_get_state (client), ==, CALQUE_SYNC_CLIENT_SIGNED_OUT);
  g_assert_cmpint (calque_store_get_outbox_size (device_store (a), NULL), ==, 1);
  g_clear_object (&client);

  /* Signed in again, the change goes. */
  g_clear_object (&a->workspace);
  g_assert_cmpint (cli_run (a->path, login, password_line, NULL), ==, 0);
  g_assert_cmpint (cli_run (a->path, sync, NULL, NULL), ==, 0);
  a->workspace = calque_workspace_open (a->path, &error);
  g_assert_cmpint (calque_store_get_outbox_size (device_store (a), NULL), ==, 0);
  device_sync (f, b);
  there = get_record (b, calque_record_get_id (label));
  g_assert_cmpstr (calque_record_get_string (there, "name"), ==, "written after the session ran out");
}

/* Media go with their items: imported on one device, sent with the sync;
 * the device of the person a task is for fetches that item's media ahead
 * (sync --prefetch) and only that; the others come on demand. */
static void
test_media_follow_items (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Device) laptop = device_new (f, "laptop", "alice");
  g_autoptr(Device) desktop = device_new (f, "desktop", "bruno");
  g_autofree char *png = g_test_build_filename (G_TEST_DIST, "..", "data", "media", "image.png", NULL);
  g_autofree char *jpg = g_test_build_filename (G_TEST_DIST, "..", "data", "media", "image.jpg", NULL);
  const char *import[] = { "import", "--project", f->project, png, jpg, NULL };
  const char *sync[] = { "sync", NULL };
  const char *prefetch[] = { "sync", "--prefetch", NULL };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  CalqueRecord *assigned, *other;
  CalqueBlobCache *blobs;

  device_sync (f, laptop);
  g_clear_object (&laptop->workspace);
  g_assert_cmpint (cli_run (laptop->path, import, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (laptop->path, sync, NULL, NULL), ==, 0);

  laptop->workspace = calque_workspace_open (laptop->path, &error);
  g_assert_no_error (error);
  items = calque_store_list (device_store (laptop), CALQUE_KIND_ITEM, f->project, &error);
  g_assert_cmpuint (items->len, ==, 2);
  assigned = g_ptr_array_index (items, 0);
  other = g_ptr_array_index (items, 1);
  calque_record_set_string (task, "item", calque_record_get_id (assigned));
  calque_record_set_string (task, "annotator", "bruno");
  calque_record_set_string (task, "state", "new");
  g_assert_true (calque_store_save (device_store (laptop), task, &error));
  g_assert_no_error (error);
  device_sync (f, laptop);

  g_clear_object (&desktop->workspace);
  g_assert_cmpint (cli_run (desktop->path, prefetch, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "fetched 1 media"));
  desktop->workspace = calque_workspace_open (desktop->path, &error);
  blobs = calque_workspace_get_blobs (desktop->workspace);
  g_assert_true (calque_blob_cache_contains (blobs, calque_record_get_string (assigned, "sha256")));
  g_assert_false (calque_blob_cache_contains (blobs, calque_record_get_string (other, "sha256")));

  /* The other on demand, checked against its hash. */
  {
    g_autofree char *token = calque_store_get_setting (device_store (desktop), "token");

    g_assert_true (calque_blob_download (f->base, token, blobs, calque_record_get_string (other, "sha256"),
                                         NULL, &error));
    g_assert_no_error (error);
    g_assert_true (calque_blob_cache_contains (blobs, calque_record_get_string (other, "sha256")));
  }
}

static void
media_fetched_cb (CalqueSyncClient *client,
                  const char       *sha256,
                  GPtrArray        *fetched)
{
  g_ptr_array_add (fetched, g_strdup (sha256));
}

/* Kept connected, a device fetches on its own the media of work given to
 * its person as soon as the task arrives. */
static void
test_assigned_media_prefetched (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(Device) laptop = device_new (f, "laptop", "alice");
  g_autoptr(Device) desktop = device_new (f, "desktop", "bruno");
  g_autofree char *png = g_test_build_filename (G_TEST_DIST, "..", "data", "media", "image.png", NULL);
  const char *import[] = { "import", "--project", f->project, png, NULL };
  const char *sync[] = { "sync", NULL };
  g_autoptr(CalqueSyncClient) live = NULL;
  g_autoptr(GPtrArray) fetched = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = calque_store_get_setting (device_store (desktop), "token");
  const char *sha256;
  gint64 deadline;

  live = calque_sync_client_new (device_store (desktop), f->base, token, f->project);
  calque_sync_client_set_blob_cache (live, calque_workspace_get_blobs (desktop->workspace));
  g_signal_connect (live, "media-fetched", G_CALLBACK (media_fetched_cb), fetched);
  calque_sync_client_start (live);

  device_sync (f, laptop);
  g_clear_object (&laptop->workspace);
  g_assert_cmpint (cli_run (laptop->path, import, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (laptop->path, sync, NULL, NULL), ==, 0);
  laptop->workspace = calque_workspace_open (laptop->path, &error);
  items = calque_store_list (device_store (laptop), CALQUE_KIND_ITEM, f->project, &error);
  g_assert_cmpuint (items->len, ==, 1);
  sha256 = calque_record_get_string (g_ptr_array_index (items, 0), "sha256");
  calque_record_set_string (task, "item", calque_record_get_id (g_ptr_array_index (items, 0)));
  calque_record_set_string (task, "annotator", "bruno");
  calque_record_set_string (task, "state", "new");
  g_assert_true (calque_store_save (device_store (laptop), task, &error));
  device_sync (f, laptop);

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (fetched->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fetched->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fetched, 0), ==, sha256);
  g_assert_true (calque_blob_cache_contains (calque_workspace_get_blobs (desktop->workspace), sha256));
  calque_sync_client_stop (live);
}

static void
records_changed_cb (CalqueSyncClient  *client,
                    char             **ids,
                    CalqueRecordList  *list)
{
  calque_record_list_refresh (list, (const char * const *) ids);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *signals)
{
  (*signals)++;
}

static gboolean
list_has (GListModel *model,
          const char *id,
          const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CalqueRecord) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (calque_record_get_id (record), id) == 0)
        return name == NULL || g_strcmp0 (calque_record_get_string (record, "name"), name) == 0;
    }
  return FALSE;
}

/* An open view follows edits from elsewhere: a list model of labels on a
 * live device gains the label another device made, changes with it, and
 * loses it when it is deleted. */
static void
test_views_follow_live (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Device) a = device_new (f, "a", "alice");
  g_autoptr(Device) b = device_new (f, "b", "bruno");
  g_autoptr(CalqueSyncClient) live = NULL;
  g_autoptr(CalqueRecordList) labels = NULL;
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, f->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = calque_store_get_setting (device_store (b), "token");
  const char *id = calque_record_get_id (label);
  guint signals = 0;
  gint64 deadline;

  labels = calque_record_list_new (device_store (b), f->project, CALQUE_KIND_LABEL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (labels)), ==, 0);
  g_signal_connect (labels, "items-changed", G_CALLBACK (items_changed_cb), &signals);
  live = calque_sync_client_new (device_store (b), f->base, token, f->project);
  g_signal_connect (live, "records-changed", G_CALLBACK (records_changed_cb), labels);
  calque_sync_client_start (live);

  calque_record_set_string (label, "name", "sparrow");
  calque_record_set_string (label, "color", "#3584e4");
  g_assert_true (calque_store_save (device_store (a), label, &error));
  device_sync (f, a);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!list_has (G_LIST_MODEL (labels), id, "sparrow") && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (list_has (G_LIST_MODEL (labels), id, "sparrow"));

  calque_record_set_string (label, "name", "finch");
  g_assert_true (calque_store_save (device_store (a), label, &error));
  device_sync (f, a);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!list_has (G_LIST_MODEL (labels), id, "finch") && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (list_has (G_LIST_MODEL (labels), id, "finch"));

  calque_record_set_deleted (label, TRUE);
  g_assert_true (calque_store_save (device_store (a), label, &error));
  device_sync (f, a);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (list_has (G_LIST_MODEL (labels), id, NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (list_has (G_LIST_MODEL (labels), id, NULL));
  g_assert_cmpuint (signals, >=, 3);
  calque_sync_client_stop (live);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/e2e/cli-round-trip", Fixture, NULL, fixture_set_up, test_cli_round_trip, fixture_tear_down);
  g_test_add ("/e2e/different-fields-converge", Fixture, NULL, fixture_set_up, test_different_fields_converge,
              fixture_tear_down);
  g_test_add ("/e2e/same-field-conflict", Fixture, NULL, fixture_set_up, test_same_field_conflict,
              fixture_tear_down);
  g_test_add ("/e2e/delete-beats-offline-edit", Fixture, NULL, fixture_set_up, test_delete_beats_offline_edit,
              fixture_tear_down);
  g_test_add ("/e2e/client-killed-mid-push", Fixture, NULL, fixture_set_up, test_client_killed_mid_push,
              fixture_tear_down);
  g_test_add ("/e2e/session-expires", Fixture, NULL, fixture_set_up, test_session_expires, fixture_tear_down);
  g_test_add ("/e2e/media-follow-items", Fixture, NULL, fixture_set_up, test_media_follow_items,
              fixture_tear_down);
  g_test_add ("/e2e/views-follow-live", Fixture, NULL, fixture_set_up, test_views_follow_live,
              fixture_tear_down);
  g_test_add ("/e2e/assigned-media-prefetched", Fixture, NULL, fixture_set_up, test_assigned_media_prefetched,
              fixture_tear_down);
  g_test_add ("/e2e/random-edits-converge", Fixture, NULL, fixture_set_up, test_random_edits_converge,
              fixture_tear_down);
  g_test_add ("/e2e/server-stopped-30s", Fixture, NULL, fixture_set_up, test_server_stopped_30s,
              fixture_tear_down);
  return g_test_run ();
}
