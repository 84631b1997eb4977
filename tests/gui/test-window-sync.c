/* test-window-sync.c — the real window syncing with a real server
 *
 * calque-server runs on loopback with a fresh store. Alice, the owner,
 * works from a second workspace in this process (signed in and synced with
 * the same engine the app uses); Bruno, an annotator, uses the window. The
 * tests sign in through the sign-in dialog, watch the sync button, see
 * Alice's changes arrive without a reload, work offline while the server
 * is stopped, and see what the server refuses and a session it ends.
 * Screenshots go to $CALQUE_BUILD_DIR/tests/gui/screenshots/.
 */
#define G_LOG_DOMAIN "test-window-sync"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "calque-application.h"
#include "calque-gui-test-util.h"
#include "calque-server-fixture.h"
#include "calque-session.h"
#include "calque-sign-in-dialog.h"
#include "calque-store-sync.h"
#include "calque-sync-button.h"
#include "calque-sync-client.h"
#include "calque-sync-problems-dialog.h"
#include "calque-test-util.h"
#include "calque-window.h"

#define PASSWORD "correct horse battery"

static CalqueApplication *app;

typedef struct {
  CalqueServerFixture server;
  char               *base;
  char               *dir;
  char               *project;
  CalqueWorkspace    *alice;     /* the owner's own workspace */
  char               *bruno_path;
  CalqueWindow       *window;    /* Bruno's */
  const char         *expected_toast;
} Fixture;

/* --- the server and Alice ------------------------------------------------- */

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

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
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

/* One round of Alice's workspace: push what she saved, pull the rest. */
static void
alice_sync (Fixture *f)
{
  CalqueStore *store = calque_workspace_get_store (f->alice);
  g_autofree char *token = calque_store_get_setting (store, "token");
  g_autoptr(CalqueSyncClient) client = calque_sync_client_new (store, f->base, token, f->project);
  Round round = { 0 };

  /* Media of the items she pushes go up first. */
  calque_sync_client_set_blob_cache (client, calque_workspace_get_blobs (f->alice));

  calque_sync_client_sync_once (client, NULL, round_done_cb, &round);
  while (!round.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (round.error);
  g_assert_true (round.ok);
}

static void
alice_adds_image (Fixture    *f,
                  const char *name)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  /* Media by address: nothing to upload. */
  url = g_strconcat ("https://media.example.org/birds/", name, NULL);
  calque_record_set_string (item, "url", url);
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  calque_store_save (calque_workspace_get_store (f->alice), item, &error);
  g_assert_no_error (error);
  alice_sync (f);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *alice_token = NULL;
  g_autofree char *alice_path = NULL;
  g_autofree char *members = NULL;
  CalqueStore *store;

  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", "--admin", PASSWORD), ==, 0);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "bruno", NULL, PASSWORD), ==, 0);
  calque_server_fixture_start (&f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) f->server.port);
  f->dir = g_dir_make_tmp ("calque-gui-sync-XXXXXX", &error);
  g_assert_no_error (error);

  calque_session_sign_in (f->base, "alice", PASSWORD, NULL, calque_session_store_result, &result);
  calque_session_wait (&result);
  alice_token = calque_session_sign_in_finish (result, &error);
  g_assert_no_error (error);
  post (f, "/api/v1/projects", alice_token, "{\"name\":\"Birds\",\"type\":\"image\"}", &f->project);
  members = g_strdup_printf ("/api/v1/projects/%s/members", f->project);
  post (f, members, alice_token, "{\"user\":\"bruno\",\"role\":\"annotator\"}", NULL);

  alice_path = g_build_filename (f->dir, "alice", NULL);
  g_assert_cmpint (g_mkdir (alice_path, 0700), ==, 0);
  f->alice = calque_workspace_create (alice_path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (f->alice);
  g_assert_true (calque_store_set_setting (store, "server", f->base, NULL));
  g_assert_true (calque_store_set_setting (store, "user", "alice", NULL));
  g_assert_true (calque_store_set_setting (store, "token", alice_token, NULL));
  alice_sync (f);
  alice_adds_image (f, "heron.jpg");
  alice_adds_image (f, "owl.jpg");

  f->bruno_path = g_build_filename (f->dir, "bruno", NULL);
  g_assert_cmpint (g_mkdir (f->bruno_path, 0700), ==, 0);
  {
    g_autoptr(CalqueWorkspace) fresh = calque_workspace_create (f->bruno_path, &error);
    g_assert_no_error (error);
  }
  f->window = calque_window_new (app);
  g_assert_true (calque_window_open_workspace (f->window, f->bruno_path, &error));
  g_assert_no_error (error);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CALQUE_IS_SIGN_IN_DIALOG (l->data) || CALQUE_IS_SYNC_PROBLEMS_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  g_clear_object (&f->alice);
  calque_server_fixture_clear (&f->server);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->project);
  g_free (f->bruno_path);
}

/* --- the window ------------------------------------------------------------- */

static gpointer
window_child (CalqueWindow *window,
              const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), CALQUE_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static const char *
headline (Fixture *f)
{
  return calque_sync_button_get_headline (window_child (f->window, "sync_button"));
}

typedef struct {
  Fixture    *f;
  const char *text;
} HeadlineQuery;

static gboolean
headline_is (gpointer data)
{
  HeadlineQuery *query = data;

  return g_strcmp0 (headline (query->f), query->text) == 0;
}

static void
wait_for_headline (Fixture    *f,
                   const char *text)
{
  HeadlineQuery query = { f, text };

  calque_gui_wait_for (headline_is, &query);
  g_assert_cmpstr (headline (f), ==, text);
}

static guint
n_items_shown (Fixture *f)
{
  GtkColumnView *view = window_child (f->window, "item_view");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)));
}

typedef struct {
  Fixture *f;
  guint    n;
} CountQuery;

static gboolean
items_shown_are (gpointer data)
{
  CountQuery *query = data;

  return n_items_shown (query->f) == query->n;
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *f = data;

  return calque_sync_manager_get_pending (calque_window_get_sync_manager (f->window)) == 0;
}

static gboolean
something_refused (gpointer data)
{
  Fixture *f = data;

  return calque_sync_manager_get_n_refused (calque_window_get_sync_manager (f->window)) > 0;
}

static gpointer
find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gpointer found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
no_sign_in_dialog (gpointer data)
{
  return find_toplevel (CALQUE_TYPE_SIGN_IN_DIALOG) == NULL;
}

static void
fill_in (CalqueSignInDialog *dialog,
         const char         *row,
         const char         *text)
{
  GObject *entry = gtk_widget_get_template_child (GTK_WIDGET (dialog), CALQUE_TYPE_SIGN_IN_DIALOG, row);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
press_sign_in (CalqueSignInDialog *dialog)
{
  GObject *button = gtk_widget_get_template_child (GTK_WIDGET (dialog), CALQUE_TYPE_SIGN_IN_DIALOG,
                                                   "sign_in_button");

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

/* Through the dialog, as a person does it. */
static void
sign_in_as_bruno (Fixture *f)
{
  CalqueSignInDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sign-in", NULL));
  dialog = find_toplevel (CALQUE_TYPE_SIGN_IN_DIALOG);
  g_assert_nonnull (dialog);
  fill_in (dialog, "server_row", f->base);
  fill_in (dialog, "user_row", "bruno");
  fill_in (dialog, "password_row", PASSWORD);
  press_sign_in (dialog);
  g_assert_true (calque_gui_wait_for (no_sign_in_dialog, NULL));
  wait_for_headline (f, "Online");
}

static void
save_in_window (Fixture      *f,
                CalqueRecord *record)
{
  CalqueWorkspace *workspace = calque_window_get_workspace (f->window);
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (calque_workspace_get_store (workspace), record, &error));
  g_assert_no_error (error);
  calque_sync_manager_saved (calque_window_get_sync_manager (f->window));
}

/* --- tests ------------------------------------------------------------------- */

/* Signing in: a wrong password says so in the dialog; the right one
 * closes it, and Alice's project comes in. */
static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  CalqueSignInDialog *dialog;
  GObject *error_label;
  CountQuery two = { f, 2 };
  CalqueStore *store = calque_workspace_get_store (calque_window_get_workspace (f->window));
  g_autofree char *kept_password = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpstr (headline (f), ==, "Not Signed In");
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "20-sync-not-signed-in");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sign-in", NULL));
  dialog = find_toplevel (CALQUE_TYPE_SIGN_IN_DIALOG);
  g_assert_nonnull (dialog);
  fill_in (dialog, "server_row", f->base);
  fill_in (dialog, "user_row", "bruno");
  fill_in (dialog, "password_row", "not the password");
  press_sign_in (dialog);
  error_label = gtk_widget_get_template_child (GTK_WIDGET (dialog), CALQUE_TYPE_SIGN_IN_DIALOG, "error_label");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Wrong user name or password"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (headline (f), ==, "Not Signed In");
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "21-sign-in-wrong-password");

  fill_in (dialog, "password_row", PASSWORD);
  press_sign_in (dialog);
  g_assert_true (calque_gui_wait_for (no_sign_in_dialog, NULL));
  wait_for_headline (f, "Online");

  /* The session is kept, the password never. */
  token = calque_store_get_setting (store, "token");
  g_assert_nonnull (token);
  kept_password = calque_store_get_setting (store, "password");
  g_assert_null (kept_password);

  g_assert_true (calque_gui_wait_for (items_shown_are, &two));
  g_assert_cmpuint (n_items_shown (f), ==, 2);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "22-sync-online");

  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_first_child (window_child (f->window, "sync_button"))));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "23-sync-popover");
}

/* What Alice adds shows up in Bruno's open window without a reload; what
 * Bruno writes while the server is down is kept, counted and sent. */
static void
test_live_and_offline (Fixture       *f,
                       gconstpointer  data)
{
  CountQuery three = { f, 3 };
  g_autoptr(CalqueRecord) comment = NULL;
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(CalqueRecord) on_alice = NULL;
  g_autoptr(GPtrArray) items = NULL;
  CalqueSyncManager *sync;
  CalqueStore *store;
  guint16 port = f->server.port;

  sign_in_as_bruno (f);
  sync = calque_window_get_sync_manager (f->window);
  store = calque_workspace_get_store (calque_window_get_workspace (f->window));

  alice_adds_image (f, "kingfisher.jpg");
  g_assert_true (calque_gui_wait_for (items_shown_are, &three));
  g_assert_cmpuint (n_items_shown (f), ==, 3);

  calque_server_fixture_stop (&f->server);
  wait_for_headline (f, "Offline");

  items = calque_store_list (store, CALQUE_KIND_ITEM, f->project, NULL);
  item = g_object_ref (g_ptr_array_index (items, 0));
  comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  calque_record_set_string (comment, "item", calque_record_get_id (item));
  calque_record_set_string (comment, "author", "bruno");
  calque_record_set_string (comment, "text", "Written on the train");
  save_in_window (f, comment);
  g_assert_cmpint (calque_sync_manager_get_pending (sync), ==, 1);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "24-sync-offline");

  calque_server_fixture_start_on (&f->server, port);
  g_assert_true (calque_gui_wait_for (nothing_pending, f));
  wait_for_headline (f, "Online");

  alice_sync (f);
  on_alice = calque_store_get (calque_workspace_get_store (f->alice), calque_record_get_id (comment), NULL);
  g_assert_nonnull (on_alice);
  g_assert_cmpstr (calque_record_get_string (on_alice, "text"), ==, "Written on the train");
}

static gboolean
toast_shown (gpointer data)
{
  Fixture *f = data;

  return calque_gui_find_label (GTK_WIDGET (f->window), f->expected_toast) != NULL;
}

/* News for Bruno among what arrives: a task Alice gives him, then sends
 * back, each a toast in his window; a task for someone else is not. */
static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  CountQuery three = { f, 3 };
  CalqueStore *alice = calque_workspace_get_store (f->alice);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
  g_autoptr(CalqueRecord) other = calque_record_new (CALQUE_KIND_TASK, f->project);
  CalqueRecord *item = NULL;

  sign_in_as_bruno (f);
  alice_adds_image (f, "<b>wren</b>.jpg");
  g_assert_true (calque_gui_wait_for (items_shown_are, &three));

  items = calque_store_list (alice, CALQUE_KIND_ITEM, f->project, NULL);
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (calque_record_get_string (items->pdata[i], "name"), "<b>wren</b>.jpg") == 0)
      item = items->pdata[i];
  g_assert_nonnull (item);
  calque_record_set_string (other, "item", calque_record_get_id (item));
  calque_record_set_string (other, "annotator", "alice");
  calque_record_set_string (other, "state", "new");
  g_assert_true (calque_store_save (alice, other, NULL));
  calque_record_set_string (task, "item", calque_record_get_id (item));
  calque_record_set_string (task, "annotator", "bruno");
  calque_record_set_string (task, "state", "submitted");
  g_assert_true (calque_store_save (alice, task, NULL));
  alice_sync (f);

  /* The name is shown as it is, never as markup. */
  f->expected_toast = "New task for you: <b>wren</b>.jpg";
  g_assert_true (calque_gui_wait_for (toast_shown, f));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "26-sync-new-task-toast");

  calque_record_set_string (task, "state", "rejected");
  g_assert_true (calque_store_save (alice, task, NULL));
  alice_sync (f);
  f->expected_toast = "Sent back to you: <b>wren</b>.jpg";
  g_assert_true (calque_gui_wait_for (toast_shown, f));
}

/* An annotator may not rename the project: the server refuses, the
 * window says so and undoes it, and the list shows it until dismissed. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  CalqueSyncProblemsDialog *dialog;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueRecord) after = NULL;
  CalqueSyncManager *sync;
  CalqueStore *store;
  GtkWidget *dismiss_all;

  sign_in_as_bruno (f);
  sync = calque_window_get_sync_manager (f->window);
  store = calque_workspace_get_store (calque_window_get_workspace (f->window));

  project = calque_store_get (store, f->project, NULL);
  g_assert_nonnull (project);
  calque_record_set_string (project, "name", "Renamed <b>by</b> an annotator");
  save_in_window (f, project);

  g_assert_true (calque_gui_wait_for (something_refused, f));
  g_assert_cmpuint (calque_sync_manager_get_n_refused (sync), ==, 1);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (f->window), "The server refused a change; it was undone"));
  after = calque_store_get (store, f->project, NULL);
  g_assert_cmpstr (calque_record_get_string (after, "name"), ==, "Birds");
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "25-sync-refused-toast");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-sync-problems", NULL));
  dialog = find_toplevel (CALQUE_TYPE_SYNC_PROBLEMS_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpuint (calque_sync_problems_dialog_get_n_refused (dialog), ==, 1);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog), "Project “Birds”"));
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "26-sync-problems");

  /* Dismissed, it is gone from the list and from the workspace. */
  dismiss_all = calque_gui_find_button (GTK_WIDGET (dialog), "_Dismiss All");
  g_assert_nonnull (dismiss_all);
  g_signal_emit_by_name (dismiss_all, "clicked");
  g_assert_cmpuint (calque_sync_problems_dialog_get_n_refused (dialog), ==, 0);
  {
    g_autoptr(GPtrArray) refused = calque_store_list_refused (store, NULL);

    g_assert_cmpuint (refused->len, ==, 0);
  }
  g_assert_cmpuint (calque_sync_manager_get_n_refused (sync), ==, 0);
}

static gboolean
conflict_listed (gpointer data)
{
  CalqueSyncProblemsDialog *dialog = data;

  return calque_sync_problems_dialog_get_n_conflicts (dialog) > 0;
}

/* Bruno edits one comment from two computers at once: the window tells
 * of the clash, and the list shows the value kept and the one not kept. */
static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CalqueWorkspace) laptop = NULL;
  g_autoptr(CalqueRecord) comment = NULL;
  g_autoptr(CalqueRecord) on_laptop = NULL;
  g_autoptr(CalqueRecord) in_window = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *laptop_path = g_build_filename (f->dir, "laptop", NULL);
  g_autofree char *token = NULL;
  CalqueSyncProblemsDialog *dialog;
  CalqueSyncManager *sync;
  CalqueStore *store;
  CalqueStore *laptop_store;

  sign_in_as_bruno (f);
  sync = calque_window_get_sync_manager (f->window);
  store = calque_workspace_get_store (calque_window_get_workspace (f->window));

  /* Bruno's second computer, signed in as him too. */
  g_assert_cmpint (g_mkdir (laptop_path, 0700), ==, 0);
  laptop = calque_workspace_create (laptop_path, &error);
  g_assert_no_error (error);
  laptop_store = calque_workspace_get_store (laptop);
  calque_session_sign_in (f->base, "bruno", PASSWORD, NULL, calque_session_store_result, &result);
  calque_session_wait (&result);
  token = calque_session_sign_in_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (calque_store_set_setting (laptop_store, "token", token, NULL));

  /* A comment both have. */
  items = calque_store_list (store, CALQUE_KIND_ITEM, f->project, NULL);
  comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  calque_record_set_string (comment, "item", calque_record_get_id (g_ptr_array_index (items, 0)));
  calque_record_set_string (comment, "author", "bruno");
  calque_record_set_string (comment, "text", "The heron is blurred");
  save_in_window (f, comment);
  g_assert_true (calque_gui_wait_for (nothing_pending, f));
  {
    CalqueWorkspace *saved_alice = f->alice;

    /* alice_sync() syncs f->alice: lend it the laptop for a round. */
    f->alice = laptop;
    alice_sync (f);
    f->alice = saved_alice;
  }

  /* The window stops syncing (as if offline), both edit the text. */
  calque_sync_manager_stop (sync);
  in_window = calque_store_get (store, calque_record_get_id (comment), NULL);
  calque_record_set_string (in_window, "text", "The heron is sharp enough");
  g_assert_true (calque_store_save (store, in_window, &error));
  /* Clocks are milliseconds: the laptop's edit must come later by the
   * clock, not only by the code, or a tie picks the winner by client id. */
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  on_laptop = calque_store_get (laptop_store, calque_record_get_id (comment), NULL);
  g_assert_nonnull (on_laptop);
  calque_record_set_string (on_laptop, "text", "The heron is <b>blurred</b>, redo it");
  g_assert_true (calque_store_save (laptop_store, on_laptop, &error));
  {
    CalqueWorkspace *saved_alice = f->alice;

    f->alice = laptop;
    alice_sync (f);
    f->alice = saved_alice;
  }

  /* Back online: the clash is told and listed. */
  calque_sync_manager_start (sync);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (f->window),
                                               "Two edits of the same field clashed; one value was kept"));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "28-sync-conflict-toast");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-sync-problems", NULL));
  dialog = find_toplevel (CALQUE_TYPE_SYNC_PROBLEMS_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (calque_gui_wait_for (conflict_listed, dialog));
  g_assert_cmpuint (calque_sync_problems_dialog_get_n_conflicts (dialog), ==, 1);
  /* The laptop's edit came later by the clock: it won, here as there. */
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (dialog),
                                               "“text” of Comment “The heron is <b>blurred</b>, redo it”"));
  {
    g_autoptr(CalqueRecord) kept = calque_store_get (store, calque_record_get_id (comment), NULL);

    g_assert_cmpstr (calque_record_get_string (kept, "text"), ==, "The heron is <b>blurred</b>, redo it");
  }
  calque_gui_save_screenshot (GTK_WINDOW (dialog), "29-sync-conflict-list");
}

typedef struct {
  Fixture    *f;
  const char *sha256;
} ThumbnailQuery;

static gboolean
thumbnail_ready (gpointer data)
{
  ThumbnailQuery *query = data;
  CalqueWorkspace *workspace = calque_window_get_workspace (query->f->window);
  CalqueThumbnailCache *thumbnails = calque_workspace_get_thumbnails (workspace, NULL);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* Looking it up also asks for it, as a row of the list does. */
  pixbuf = calque_thumbnail_cache_lookup (thumbnails, query->sha256);
  return pixbuf != NULL;
}

/* An image Alice gives Bruno as a task comes down to his workspace on its
 * own, and its thumbnail follows. */
static void
test_task_media_prefetched (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autofree char *path = g_build_filename (f->dir, "fox.png", NULL);
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);
  g_autoptr(GError) error = NULL;
  CalqueStore *alice = calque_workspace_get_store (f->alice);
  char sha256[65];
  gboolean added = FALSE;
  ThumbnailQuery query = { f, sha256 };

  gdk_pixbuf_fill (pixbuf, 0xd06a2bff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->alice), path, sha256, &added, &error));
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "fox.png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "width", 320);
  calque_record_set_int (item, "height", 240);
  g_assert_true (calque_store_save (alice, item, &error));
  calque_record_set_string (task, "item", calque_record_get_id (item));
  calque_record_set_string (task, "annotator", "bruno");
  calque_record_set_string (task, "state", "new");
  g_assert_true (calque_store_save (alice, task, &error));
  g_assert_no_error (error);
  alice_sync (f);

  sign_in_as_bruno (f);
  g_assert_true (calque_gui_wait_for (thumbnail_ready, &query));
  g_assert_true (calque_blob_cache_contains (calque_workspace_get_blobs (calque_window_get_workspace (f->window)),
                                             sha256));
  calque_gui_spin (400);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "28b-sync-task-media");
}

/* The server ends the session: the window says so, keeps what waits, and
 * signing in again sends it. */
static void
test_session_expired (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CalqueRecord) comment = NULL;
  g_autoptr(GPtrArray) items = NULL;
  CalqueSyncManager *sync;
  CalqueStore *store;

  sign_in_as_bruno (f);
  sync = calque_window_get_sync_manager (f->window);
  store = calque_workspace_get_store (calque_window_get_workspace (f->window));

  calque_server_fixture_expire_tokens (&f->server, "bruno");
  items = calque_store_list (store, CALQUE_KIND_ITEM, f->project, NULL);
  comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  calque_record_set_string (comment, "item", calque_record_get_id (g_ptr_array_index (items, 0)));
  calque_record_set_string (comment, "author", "bruno");
  calque_record_set_string (comment, "text", "Written as the session ran out");
  save_in_window (f, comment);

  wait_for_headline (f, "Session Expired");
  g_assert_true (calque_sync_manager_get_session_expired (sync));
  g_assert_cmpint (calque_sync_manager_get_pending (sync), ==, 1);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (f->window),
                                               "Your session has ended. Sign in again to send your changes."));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "27-sync-session-expired");

  sign_in_as_bruno (f);
  g_assert_true (calque_gui_wait_for (nothing_pending, f));
  g_assert_false (calque_sync_manager_get_session_expired (sync));
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
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("CALQUE_WORKSPACE");
  if (g_getenv ("GTK_A11Y") == NULL || g_getenv ("GTK_A11Y")[0] == '\0')
    g_setenv ("GTK_A11Y", "none", TRUE);
  /* The checks read the English words the window shows. */
  g_setenv ("LANGUAGE", "C", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/sync/no-display", test_no_display);
      return g_test_run ();
    }

  /* A blink timeout that fires while another window of the test holds the
   * X focus makes GTK warn of a missed focus-out: no blinking here. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = calque_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add ("/gui/sync/sign-in", Fixture, NULL, fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/gui/sync/live-and-offline", Fixture, NULL, fixture_set_up, test_live_and_offline, fixture_tear_down);
  g_test_add ("/gui/sync/notifications", Fixture, NULL, fixture_set_up, test_notifications, fixture_tear_down);
  g_test_add ("/gui/sync/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/gui/sync/task-media-prefetched", Fixture, NULL, fixture_set_up, test_task_media_prefetched,
              fixture_tear_down);
  g_test_add ("/gui/sync/conflict", Fixture, NULL, fixture_set_up, test_conflict, fixture_tear_down);
  g_test_add ("/gui/sync/session-expired", Fixture, NULL, fixture_set_up, test_session_expired, fixture_tear_down);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
