/* test-window-presence.c — who is here, in the real window, through a real server
 *
 * calque-server runs on loopback with a fresh store. Alice (the owner) and
 * Chloe each keep a sync engine connected in this process, with their own
 * workspace, and say which item they are on; Bruno uses the window, signed
 * in as the app keeps it. Nothing is fed to the window by hand: what it
 * shows comes from the server, and what it tells the server, Alice's
 * engine hears. Screenshots go to $CALQUE_BUILD_DIR/tests/gui/screenshots/.
 */
#define G_LOG_DOMAIN "test-window-presence"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "calque-avatar-row.h"
#include "calque-gui-test-util.h"
#include "calque-presence-pill.h"
#include "calque-server-fixture.h"
#include "calque-session.h"
#include "calque-store-sync.h"
#include "calque-sync-client.h"
#include "calque-test-util.h"
#include "calque-window.h"

#define PASSWORD "correct horse battery"

static CalqueApplication *app;

typedef struct {
  CalqueWorkspace  *workspace;
  CalqueSyncClient *client;     /* kept connected */
} Person;

typedef struct {
  CalqueServerFixture server;
  char               *base;
  char               *dir;
  char               *project;
  Person              alice;
  Person              chloe;
  char               *heron;      /* item ids */
  char               *owl;
  CalqueWindow       *window;     /* Bruno's */
} Fixture;

/* --- the server and the others --------------------------------------------- */

static void
post (Fixture    *f,
      const char *path,
      const char *token,
      const char *body,
      char      **out_id)
{
  g_auto(CalqueHttpResponse) response = { 0 };
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  calque_server_fixture_request (&f->server, SOUP_METHOD_POST, path, authorization, "application/json", body, -1,
                                 &response);
  g_assert_cmpuint (response.status, ==, SOUP_STATUS_CREATED);
  if (out_id != NULL)
    *out_id = g_strdup (json_object_get_string_member (json_node_get_object (response.body), "id"));
}

static char *
sign_in (Fixture    *f,
         const char *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  calque_session_sign_in (f->base, user, PASSWORD, NULL, calque_session_store_result, &result);
  calque_session_wait (&result);
  token = calque_session_sign_in_finish (result, &error);
  g_assert_no_error (error);
  return token;
}

/* A workspace DIR/NAME signed in as @user, the way the app keeps it. */
static CalqueWorkspace *
workspace_new (Fixture    *f,
               const char *user)
{
  g_autofree char *path = g_build_filename (f->dir, user, NULL);
  g_autofree char *token = sign_in (f, user);
  g_autoptr(GError) error = NULL;
  CalqueWorkspace *workspace;
  CalqueStore *store;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (workspace);
  g_assert_true (calque_store_set_setting (store, "server", f->base, NULL));
  g_assert_true (calque_store_set_setting (store, "user", user, NULL));
  g_assert_true (calque_store_set_setting (store, "token", token, NULL));
  return workspace;
}

typedef struct {
  gboolean done;
  GError  *error;
} Round;

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Round *round = user_data;

  calque_sync_client_sync_once_finish (CALQUE_SYNC_CLIENT (object), result, &round->error);
  round->done = TRUE;
}

static void
sync_once (Fixture          *f,
           CalqueWorkspace  *workspace)
{
  CalqueStore *store = calque_workspace_get_store (workspace);
  g_autofree char *token = calque_store_get_setting (store, "token");
  g_autoptr(CalqueSyncClient) client = calque_sync_client_new (store, f->base, token, f->project);
  Round round = { 0 };

  calque_sync_client_sync_once (client, NULL, round_done_cb, &round);
  while (!round.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (round.error);
}

static char *
add_image (Fixture    *f,
           const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat ("https://media.example.org/birds/", name, NULL);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  /* Media by address: nothing to upload. */
  calque_record_set_string (item, "url", url);
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  calque_store_save (calque_workspace_get_store (f->alice.workspace), item, &error);
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (item));
}

static void
person_start (Fixture *f,
              Person  *person,
              const char *user)
{
  CalqueStore *store;
  g_autofree char *token = NULL;

  if (person->workspace == NULL)
    person->workspace = workspace_new (f, user);
  store = calque_workspace_get_store (person->workspace);
  token = calque_store_get_setting (store, "token");
  person->client = calque_sync_client_new (store, f->base, token, f->project);
  calque_sync_client_start (person->client);
}

static void
person_clear (Person *person)
{
  if (person->client != NULL)
    calque_sync_client_stop (person->client);
  g_clear_object (&person->client);
  g_clear_object (&person->workspace);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alice_token = NULL;
  g_autofree char *members = NULL;
  g_autofree char *bruno_path = NULL;
  g_autoptr(CalqueWorkspace) bruno = NULL;

  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", "--admin", PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "bruno", NULL, PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "chloe", NULL, PASSWORD), ==, 0);
  calque_server_fixture_start (&f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) f->server.port);
  f->dir = g_dir_make_tmp ("calque-gui-presence-XXXXXX", &error);
  g_assert_no_error (error);

  alice_token = sign_in (f, "alice");
  post (f, "/api/v1/projects", alice_token, "{\"name\":\"Birds\",\"type\":\"image\"}", &f->project);
  members = g_strdup_printf ("/api/v1/projects/%s/members", f->project);
  post (f, members, alice_token, "{\"user\":\"bruno\",\"role\":\"annotator\"}", NULL);
  post (f, members, alice_token, "{\"user\":\"chloe\",\"role\":\"annotator\"}", NULL);

  f->alice.workspace = workspace_new (f, "alice");
  sync_once (f, f->alice.workspace);
  f->heron = add_image (f, "heron.jpg");
  f->owl = add_image (f, "owl.jpg");
  sync_once (f, f->alice.workspace);

  /* Bruno signed in before: the window syncs as soon as it opens. */
  bruno = workspace_new (f, "bruno");
  bruno_path = g_strdup (calque_workspace_get_path (bruno));
  g_clear_object (&bruno);
  f->window = calque_window_new (app);
  g_assert_true (calque_window_open_workspace (f->window, bruno_path, &error));
  g_assert_no_error (error);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  person_clear (&f->alice);
  person_clear (&f->chloe);
  calque_server_fixture_clear (&f->server);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->project);
  g_free (f->heron);
  g_free (f->owl);
}

/* --- what the window shows -------------------------------------------------- */

static GtkColumnView *
item_view (Fixture *f)
{
  GObject *view = gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW, "item_view");

  g_assert_nonnull (view);
  return GTK_COLUMN_VIEW (view);
}

static GtkColumnViewColumn *
here_column (Fixture *f)
{
  GListModel *columns = gtk_column_view_get_columns (item_view (f));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Here") == 0)
        return column;
    }
  g_assert_not_reached ();
}

static gboolean
here_column_shown (gpointer data)
{
  return gtk_column_view_column_get_visible (here_column (data));
}

static gboolean
here_column_hidden (gpointer data)
{
  return !gtk_column_view_column_get_visible (here_column (data));
}

/* The row of the table (its widget) that shows the item named @name. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *name)
{
  GtkLabel *label = calque_gui_find_label (root, name);
  GtkWidget *row;

  if (label == NULL)
    return NULL;
  for (row = GTK_WIDGET (label); row != NULL; row = gtk_widget_get_parent (row))
    if (GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
      return row;
  return NULL;
}

/* Who the Here column shows on the row of @name, joined by commas: "" for
 * nobody, NULL when the row is not found. */
static char *
row_people (Fixture    *f,
            const char *name)
{
  GtkWidget *row = find_row (GTK_WIDGET (item_view (f)), name);
  GtkWidget *avatars;
  const char * const *names;
  g_autofree char *listed = NULL;

  if (row == NULL)
    return NULL;
  avatars = calque_gui_find_widget (row, CALQUE_TYPE_AVATAR_ROW);
  g_assert_nonnull (avatars);
  names = calque_avatar_row_get_names (CALQUE_AVATAR_ROW (avatars));
  if (names == NULL)
    {
      g_assert_false (gtk_widget_get_visible (avatars));
      return g_strdup ("");
    }
  /* The names are in the tooltip, as they are. */
  g_assert_true (gtk_widget_get_visible (avatars));
  listed = g_strjoinv (", ", (char **) names);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (avatars), ==, listed);
  return g_strjoinv (",", (char **) names);
}

typedef struct {
  Fixture    *f;
  const char *name;
  const char *people;
} RowQuery;

static gboolean
row_shows (gpointer data)
{
  RowQuery *query = data;
  g_autofree char *people = row_people (query->f, query->name);

  return g_strcmp0 (people, query->people) == 0;
}

static void
assert_row_shows (Fixture    *f,
                  const char *name,
                  const char *people)
{
  RowQuery query = { f, name, people };
  g_autofree char *shown = NULL;

  calque_gui_wait_for (row_shows, &query);
  g_assert_cmpstr ((shown = row_people (f, name)), ==, people);
}

static void
open_item (Fixture    *f,
           const char *name)
{
  GListModel *items = G_LIST_MODEL (gtk_column_view_get_model (item_view (f)));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(CalqueRecord) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (calque_record_get_string (item, "name"), name) == 0)
        {
          g_signal_emit_by_name (item_view (f), "activate", i);
          g_assert_true (calque_item_page_get_item (calque_gui_item_page (f->window)) != NULL);
          return;
        }
    }
  g_assert_not_reached ();
}

static gboolean
two_items_shown (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (item_view (f)))) == 2;
}

/* Where @person's engine sees @user: "" on no item, NULL absent. */
static const char *
where_is (Person     *person,
          const char *user)
{
  GPtrArray *presence = calque_sync_client_get_presence (person->client);

  for (guint i = 0; i < presence->len; i++)
    {
      const CalquePresence *entry = g_ptr_array_index (presence, i);

      if (strcmp (entry->user, user) == 0)
        return entry->item != NULL ? entry->item : "";
    }
  return NULL;
}

typedef struct {
  Person     *person;
  const char *user;
  const char *where;
} WhereQuery;

static gboolean
sees (gpointer data)
{
  WhereQuery *query = data;

  return g_strcmp0 (where_is (query->person, query->user), query->where) == 0;
}

static void
assert_sees (Person     *person,
             const char *user,
             const char *where)
{
  WhereQuery query = { person, user, where };

  calque_gui_wait_for (sees, &query);
  g_assert_cmpstr (where_is (person, user), ==, where);
}

typedef struct {
  Fixture    *f;
  const char *text;
} PageQuery;

static gboolean
page_says (gpointer data)
{
  PageQuery *query = data;

  return calque_gui_find_label (GTK_WIDGET (calque_gui_item_page (query->f->window)), query->text) != NULL;
}

static CalquePresencePill *
page_pill (Fixture *f)
{
  GtkWidget *pill = calque_gui_find_widget (GTK_WIDGET (calque_gui_item_page (f->window)),
                                            CALQUE_TYPE_PRESENCE_PILL);

  g_assert_nonnull (pill);
  return CALQUE_PRESENCE_PILL (pill);
}

static gboolean
page_says_nobody (gpointer data)
{
  Fixture *f = data;

  return calque_presence_pill_get_text (page_pill (f)) == NULL;
}

/* --- tests ------------------------------------------------------------------ */

/* Alice is on the heron, Chloe on the owl: the list shows each on their
 * row. Bruno opens the heron: the page says Alice is here too, and Alice
 * hears that Bruno is on it. Chloe joins them; Bruno goes back to the
 * list; he closes the window and is gone. */
static void
test_list_and_page (Fixture       *f,
                    gconstpointer  data)
{
  PageQuery alice_here = { f, "Also here: alice" };
  PageQuery both_here = { f, "Also here: alice, chloe" };

  g_assert_true (calque_gui_wait_for (two_items_shown, f));
  /* The project is synced: presence can be known, the column is there. */
  g_assert_true (calque_gui_wait_for (here_column_shown, f));
  assert_row_shows (f, "heron.jpg", "");
  assert_row_shows (f, "owl.jpg", "");

  person_start (f, &f->alice, "alice");
  person_start (f, &f->chloe, "chloe");
  calque_sync_client_set_presence (f->alice.client, f->heron);
  calque_sync_client_set_presence (f->chloe.client, f->owl);
  assert_row_shows (f, "heron.jpg", "alice");
  assert_row_shows (f, "owl.jpg", "chloe");
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "60-presence-list");

  open_item (f, "heron.jpg");
  g_assert_true (calque_gui_wait_for (page_says, &alice_here));
  g_assert_cmpstr (calque_presence_pill_get_text (page_pill (f)), ==, "Also here: alice");
  assert_sees (&f->alice, "bruno", f->heron);

  calque_sync_client_set_presence (f->chloe.client, f->heron);
  g_assert_true (calque_gui_wait_for (page_says, &both_here));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "61-presence-item");

  /* Chloe and Alice leave the item: nobody else is here. */
  calque_sync_client_set_presence (f->chloe.client, NULL);
  calque_sync_client_stop (f->alice.client);
  g_assert_true (calque_gui_wait_for (page_says_nobody, f));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (page_pill (f))));

  /* Back to the list: Bruno is on no item. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-item", NULL));
  assert_sees (&f->chloe, "bruno", "");
  assert_row_shows (f, "heron.jpg", "");

  /* The window closes: Bruno is gone. */
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  assert_sees (&f->chloe, "bruno", NULL);
}

/* A name is text, never markup, in the list and on the page. */
static void
test_names_are_text (Fixture       *f,
                     gconstpointer  data)
{
  /* A user name the server takes: no spaces, “/” or control characters. */
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "<b>dora", NULL, PASSWORD), ==, 0);
  {
    g_autofree char *alice_token = sign_in (f, "alice");
    g_autofree char *members = g_strdup_printf ("/api/v1/projects/%s/members", f->project);

    post (f, members, alice_token, "{\"user\":\"<b>dora\",\"role\":\"annotator\"}", NULL);
  }

  /* Bruno's task on the owl: the page's toolbar shows it beside who is here. */
  {
    g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
    g_autoptr(GError) error = NULL;

    calque_record_set_string (task, "item", f->owl);
    calque_record_set_string (task, "annotator", "bruno");
    calque_record_set_string (task, "state", "new");
    g_assert_true (calque_store_save (calque_workspace_get_store (f->alice.workspace), task, &error));
    g_assert_no_error (error);
    sync_once (f, f->alice.workspace);
  }

  /* Shown first or alone, as an annotator's own task is. */
  assert_row_shows (f, "owl.jpg", "");
  person_start (f, &f->chloe, "<b>dora");
  calque_sync_client_set_presence (f->chloe.client, f->owl);
  assert_row_shows (f, "owl.jpg", "<b>dora");

  open_item (f, "owl.jpg");
  {
    PageQuery dora_here = { f, "Also here: <b>dora" };

    g_assert_true (calque_gui_wait_for (page_says, &dora_here));
    g_assert_false (gtk_label_get_use_markup (calque_gui_find_label (GTK_WIDGET (calque_gui_item_page (f->window)),
                                                                     "Also here: <b>dora")));
    g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (calque_gui_item_page (f->window)),
                                                 "Your task: not started"));
  }
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "62-presence-markup");

  /* The server goes: nobody is known to be anywhere, nor shown. */
  calque_server_fixture_stop (&f->server);
  g_assert_true (calque_gui_wait_for (page_says_nobody, f));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-item", NULL));
  g_assert_true (calque_gui_wait_for (here_column_hidden, f));
}

/* Three people show as three avatars; more as two and a count, with
 * everyone in the tooltip. */
static void
test_avatar_row (void)
{
  GtkWidget *row = g_object_ref_sink (calque_avatar_row_new (24));
  const char * const three[] = { "alice", "bruno", "chloe", NULL };
  const char * const five[] = { "alice", "bruno", "chloe", "dora", "émile", NULL };
  guint n_avatars = 0;
  GtkWidget *last = NULL;

  g_assert_false (gtk_widget_get_visible (row));
  calque_avatar_row_set_names (CALQUE_AVATAR_ROW (row), three);
  g_assert_true (gtk_widget_get_visible (row));
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL; child = gtk_widget_get_next_sibling (child))
    n_avatars += ADW_IS_AVATAR (child);
  g_assert_cmpuint (n_avatars, ==, 3);

  calque_avatar_row_set_names (CALQUE_AVATAR_ROW (row), five);
  n_avatars = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      n_avatars += ADW_IS_AVATAR (child);
      last = child;
    }
  g_assert_cmpuint (n_avatars, ==, 2);
  g_assert_true (GTK_IS_LABEL (last));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (last)), ==, "+3");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, "alice, bruno, chloe, dora, émile");

  calque_avatar_row_set_names (CALQUE_AVATAR_ROW (row), NULL);
  g_assert_false (gtk_widget_get_visible (row));
  g_assert_null (gtk_widget_get_first_child (row));
  g_object_unref (row);
}

static void
test_no_display (void)
{
  g_test_skip ("no display to open windows on (run under xvfb-run)");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (!calque_gui_test_init (&argc, &argv, FALSE))
    {
      g_test_add_func ("/gui/presence/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add_func ("/gui/presence/avatar-row", test_avatar_row);
  g_test_add ("/gui/presence/list-and-page", Fixture, NULL, fixture_set_up, test_list_and_page, fixture_tear_down);
  g_test_add ("/gui/presence/names-are-text", Fixture, NULL, fixture_set_up, test_names_are_text,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
