/* test-dashboard.c — the Progress Dashboard over a real workspace, checked against SQL
 *
 * A project of eight images: tasks in every state for three annotators,
 * annotations over two days with two labels (one annotation with both, one
 * with a label named twice), a label since deleted, a label nobody used;
 * and what must not count: a model's prediction, a deleted annotation, a
 * deleted task, a deleted item with its task and annotation. The dashboard
 * is opened through the main window's action, and every number it shows —
 * the headline figures and their shares, the chart's buckets, every cell
 * of the tables — is compared with a count made here, in SQL, on the
 * workspace's file (json_extract() on the records' JSON, not the columns
 * or the code the dashboard counts with).
 *
 * Then the team works on: changes pulled from the server are merged into
 * the store and announced the way the sync manager does, an annotation is
 * drawn here, and the dashboard must show the new counts, keep its scroll
 * position, and count no more often than every two seconds.
 */
#define G_LOG_DOMAIN "test-dashboard"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "calque-change.h"
#include "calque-dashboard-window.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-progress-chart.h"
#include "calque-store-sync.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-uuid.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_SIZE 200
#define N_ITEMS    8
#define MINUTE     (60 * G_GINT64_CONSTANT (1000))
#define HOUR       (60 * MINUTE)

/* A label name that would be bold if it were taken for markup. */
#define CAT "cat <b>tabby</b>"

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  char            *project;
  char            *cat;
  char            *dog;
  char            *bird;
  char            *ferret;
  char            *items[N_ITEMS];
  char            *alice_new_task;    /* alice's task on item 0, "new" */
  char            *bruno_dog;         /* bruno's annotation on item 4 */
  gint64           now;
  gint64           seq;
  CalqueWindow    *window;
  sqlite3         *db;
} Fixture;

/* --- filling the workspace ---------------------------------------------------------------- */

static char *
save (Fixture      *f,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, record, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (record));
}

static void
delete (Fixture    *f,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) record = calque_store_get (f->store, id, &error);

  g_assert_no_error (error);
  calque_record_set_deleted (record, TRUE);
  g_free (save (f, record));
}

/* A real PNG in the blob cache, as the main window's list wants one. */
static char *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_SIZE, IMAGE_SIZE);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean added = FALSE;
  char sha256[65];

  /* Each image different, or the blob cache would take them for one. */
  gdk_pixbuf_fill (pixbuf, 0x336699ff + (g_str_hash (name) & 0xffffff00));
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "size", (gint64) length);
  calque_record_set_int (item, "width", IMAGE_SIZE);
  calque_record_set_int (item, "height", IMAGE_SIZE);
  return save (f, item);
}

static char *
save_task (Fixture    *f,
           const char *item,
           const char *annotator,
           const char *state)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, f->project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", state);
  return save (f, task);
}

/* A UUIDv7 of time @ms, by hand: calque_uuid7_new() never goes back
 * before the ids this process has made, and these times are past. */
static char *
uuid7_at (gint64 ms)
{
  return g_strdup_printf ("%08x-%04x-7%03x-8%03x-%012" G_GINT64_MODIFIER "x",
                          (guint) (ms >> 16), (guint) (ms & 0xffff), g_random_int_range (0, 0x1000),
                          g_random_int_range (0, 0x1000), (gint64) g_random_int () << 16 | g_random_int_range (0, 0x10000));
}

static JsonNode *
labels_node (const char *label,
             const char *label2)
{
  JsonNode *labels = json_from_string ("[]", NULL);

  json_array_add_string_element (json_node_get_array (labels), label);
  if (label2 != NULL)
    json_array_add_string_element (json_node_get_array (labels), label2);
  return labels;
}

/* @ago: how long before now it was made; @created FALSE: the time is
 * the id's only. */
static char *
save_annotation (Fixture    *f,
                 const char *item,
                 const char *author,
                 const char *label,
                 const char *label2,
                 gint64      ago,
                 gboolean    created)
{
  g_autofree char *id = uuid7_at (f->now - ago);
  g_autoptr(CalqueRecord) annotation = calque_record_new_with_id (CALQUE_KIND_ANNOTATION, id, f->project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 20, 20);

  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", labels_node (label, label2));
  calque_record_set_shape (annotation, box);
  if (created)
    calque_record_set_int (annotation, "created", f->now - ago);
  return save (f, annotation);
}

static void
fill (Fixture *f)
{
  g_autofree char *gone_task = NULL;
  g_autofree char *gone_annotation = NULL;
  g_autofree char *gone_item = NULL;
  char **items = f->items;

  /* Tasks, and each item's most advanced state:
   *  0 alice new                            → new
   *  1 alice in_progress, bruno rejected    → rejected
   *  2 alice submitted, bruno rejected     → submitted (in review)
   *  3 alice accepted, bruno submitted      → accepted
   *  4 bruno rejected                       → rejected
   *  5 chloe submitted, bruno in_progress   → submitted
   *  6 chloe new                            → new
   *  7 (chloe's accepted task is deleted)   → without a task */
  f->alice_new_task = save_task (f, items[0], "alice", "new");
  g_free (save_task (f, items[1], "alice", "in_progress"));
  g_free (save_task (f, items[1], "bruno", "rejected"));
  g_free (save_task (f, items[2], "alice", "submitted"));
  g_free (save_task (f, items[2], "bruno", "rejected"));
  g_free (save_task (f, items[3], "alice", "accepted"));
  g_free (save_task (f, items[3], "bruno", "submitted"));
  g_free (save_task (f, items[4], "bruno", "rejected"));
  g_free (save_task (f, items[5], "chloe", "submitted"));
  g_free (save_task (f, items[5], "bruno", "in_progress"));
  g_free (save_task (f, items[6], "chloe", "new"));
  gone_task = save_task (f, items[7], "chloe", "accepted");

  /* Over two days, never near the 24-hour line. */
  g_free (save_annotation (f, items[2], "alice", f->cat, NULL, 90 * MINUTE, TRUE));
  g_free (save_annotation (f, items[3], "alice", f->cat, f->dog, 96 * MINUTE, TRUE));
  g_free (save_annotation (f, items[1], "alice", f->dog, NULL, 195 * MINUTE, TRUE));
  g_free (save_annotation (f, items[3], "alice", f->ferret, NULL, 26 * HOUR, TRUE));
  g_free (save_annotation (f, items[1], "bruno", f->cat, NULL, 330 * MINUTE, TRUE));
  f->bruno_dog = save_annotation (f, items[4], "bruno", f->dog, NULL, 50 * HOUR, TRUE);
  /* Its time is its id's. */
  g_free (save_annotation (f, items[5], "bruno", f->cat, NULL, 132 * MINUTE, FALSE));
  g_free (save_annotation (f, items[5], "chloe", f->dog, NULL, 1590 * MINUTE, TRUE));
  /* The same label twice counts once. */
  g_free (save_annotation (f, items[6], "chloe", f->cat, f->cat, 72 * MINUTE, TRUE));
  g_free (save_annotation (f, items[6], "chloe", f->cat, NULL, 73 * MINUTE, TRUE));

  /* Not counted: a prediction, a deleted annotation, a deleted item's work. */
  g_free (save_annotation (f, items[0], "model:yolo", f->cat, NULL, 60 * MINUTE, TRUE));
  gone_annotation = save_annotation (f, items[2], "alice", f->cat, NULL, 61 * MINUTE, TRUE);
  gone_item = save_item (f, "z-gone.png");
  g_free (save_task (f, gone_item, "alice", "submitted"));
  g_free (save_annotation (f, gone_item, "alice", f->dog, NULL, 62 * MINUTE, TRUE));

  delete (f, gone_task);
  delete (f, gone_annotation);
  delete (f, gone_item);
  /* Used, then taken out of the project: listed by its id. */
  delete (f, f->ferret);
}

/* The annotation's time from its UUIDv7 id, as docs/data-model.md says:
 * the first 48 bits, milliseconds. NULL for any other id. */
static void
uuid7_ms_sql (sqlite3_context *context,
              int              argc,
              sqlite3_value  **argv)
{
  const char *id = (const char *) sqlite3_value_text (argv[0]);
  gint64 ms = 0;

  if (id == NULL || strlen (id) != 36 || id[14] != '7')
    {
      sqlite3_result_null (context);
      return;
    }
  for (guint i = 0; i < 13; i++)
    if (i != 8)
      ms = ms * 16 + g_ascii_xdigit_value (id[i]);
  sqlite3_result_int64 (context, ms);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  f->workspace = calque_test_workspace_new ("calque-dashboard", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->now = g_get_real_time () / 1000;

  calque_record_set_string (project, "name", "Pets <i>2025</i>");
  calque_record_set_string (project, "type", "image");
  g_free (save (f, project));
  f->project = g_strdup (calque_record_get_id (project));
  f->cat = calque_test_save_label (f->store, f->project, CAT, "#e01b24", -1);
  f->dog = calque_test_save_label (f->store, f->project, "dog", "#3584e4", -1);
  f->bird = calque_test_save_label (f->store, f->project, "bird", "#33d17a", -1);
  f->ferret = calque_test_save_label (f->store, f->project, "ferret", "#9141ac", -1);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *name = g_strdup_printf ("%c.png", 'a' + i);

      f->items[i] = save_item (f, name);
    }

  /* A connection of the test's own, read-only, like any reader of the file. */
  g_assert_cmpint (sqlite3_open_v2 (calque_store_get_filename (f->store), &f->db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_create_function (f->db, "uuid7_ms", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                            uuid7_ms_sql, NULL, NULL), ==, SQLITE_OK);

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  sqlite3_close (f->db);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->cat);
  g_free (f->dog);
  g_free (f->bird);
  g_free (f->ferret);
  for (guint i = 0; i < N_ITEMS; i++)
    g_free (f->items[i]);
  g_free (f->alice_new_task);
  g_free (f->bruno_dog);
}

/* --- the counts, in SQL ------------------------------------------------------------------- */

/* The live items of the project; the live tasks and annotations of those
 * items, people's only (a model's author is "model:NAME"). An
 * annotation's time is its created, else its id's. */
#define LIVE \
  "WITH items AS (SELECT id FROM records WHERE kind = 'item' AND project = ?1 AND deleted = 0), " \
  "tasks AS (SELECT json_extract (fields, '$.item') AS item, json_extract (fields, '$.annotator') AS who, " \
  "                 json_extract (fields, '$.state') AS state " \
  "          FROM records WHERE kind = 'task' AND project = ?1 AND deleted = 0 " \
  "            AND json_extract (fields, '$.item') IN (SELECT id FROM items)), " \
  "anns AS (SELECT id, json_extract (fields, '$.item') AS item, json_extract (fields, '$.author') AS who, " \
  "                coalesce (json_extract (fields, '$.created'), uuid7_ms (id)) AS t, " \
  "                json_extract (fields, '$.labels') AS labels " \
  "         FROM records WHERE kind = 'annotation' AND project = ?1 AND deleted = 0 " \
  "           AND json_extract (fields, '$.item') IN (SELECT id FROM items) " \
  "           AND coalesce (json_extract (fields, '$.author'), '') NOT LIKE 'model:%') "

static sqlite3_stmt *
sql_prepare (Fixture    *f,
             const char *query,
             const char *param)
{
  g_autofree char *full = g_strconcat (LIVE, query, NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (f->db, full, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", query, sqlite3_errmsg (f->db));
  sqlite3_bind_text (stmt, 1, f->project, -1, SQLITE_TRANSIENT);
  if (param != NULL)
    sqlite3_bind_text (stmt, 2, param, -1, SQLITE_TRANSIENT);
  return stmt;
}

/* The one number @query counts; ?2 is @param. */
static gint64
sql_count (Fixture    *f,
           const char *query,
           const char *param)
{
  sqlite3_stmt *stmt = sql_prepare (f, query, param);
  gint64 count;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Items whose tasks include @state and none of the states after it. */
static gint64
sql_items_most_advanced (Fixture    *f,
                         const char *state,
                         const char *above)
{
  g_autofree char *query = g_strdup_printf ("SELECT count(*) FROM items WHERE "
                                            "id IN (SELECT item FROM tasks WHERE state = ?2) "
                                            "AND id NOT IN (SELECT item FROM tasks WHERE state IN (%s))",
                                            above);

  return sql_count (f, query, state);
}

/* --- reading the dashboard ---------------------------------------------------------------- */

static CalqueDashboardWindow *
find_dashboard (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  CalqueDashboardWindow *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (CALQUE_IS_DASHBOARD_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

typedef struct {
  CalqueDashboardWindow *dashboard;
  guint                  n_shown;   /* more counts than this shown */
} ShownQuery;

static gboolean
dashboard_shown (gpointer data)
{
  ShownQuery *query = data;

  return gtk_widget_get_mapped (GTK_WIDGET (query->dashboard))
         && calque_dashboard_window_get_n_shown (query->dashboard) > query->n_shown
         && !calque_dashboard_window_get_busy (query->dashboard);
}

/* The page of figures is laid out: the chart has its size. */
static gboolean
dashboard_laid_out (gpointer data)
{
  GtkWidget *chart = calque_gui_find_widget (data, CALQUE_TYPE_PROGRESS_CHART);

  return chart != NULL && gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0;
}

static void
wait_for_count (CalqueDashboardWindow *dashboard,
                guint                  n_shown)
{
  ShownQuery query = { dashboard, n_shown };

  g_assert_true (calque_gui_wait_for (dashboard_shown, &query));
  g_assert_true (calque_gui_wait_for (dashboard_laid_out, dashboard));
  calque_gui_spin (50);
}

static CalqueDashboardWindow *
open_dashboard (Fixture *f)
{
  CalqueDashboardWindow *dashboard;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-dashboard", NULL));
  dashboard = find_dashboard ();
  g_assert_nonnull (dashboard);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dashboard)) == GTK_WINDOW (f->window));
  g_assert_cmpstr (calque_dashboard_window_get_project_id (dashboard), ==, f->project);
  wait_for_count (dashboard, 0);
  return dashboard;
}

static void
collect_by_class (GtkWidget  *root,
                  const char *css_class,
                  GPtrArray  *out)
{
  if (gtk_widget_has_css_class (root, css_class) && gtk_widget_get_mapped (root))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_by_class (child, css_class, out);
}

static const char *
label_text (GtkWidget *widget)
{
  g_assert_true (GTK_IS_LABEL (widget));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (widget)));
  return gtk_label_get_text (GTK_LABEL (widget));
}

/* The headline card captioned @caption: its figure and the line under it. */
static void
assert_headline (CalqueDashboardWindow *dashboard,
                 const char            *caption,
                 gint64                 expected,
                 const char            *expected_detail)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autofree char *value = g_strdup_printf ("%'" G_GINT64_FORMAT, expected);

  collect_by_class (GTK_WIDGET (dashboard), "calque-headline", cards);
  g_assert_cmpuint (cards->len, ==, 6);
  for (guint i = 0; i < cards->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (cards, i);
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      g_autoptr(GPtrArray) details = g_ptr_array_new ();

      if (g_strcmp0 (label_text (gtk_widget_get_first_child (card)), caption) != 0)
        continue;
      collect_by_class (card, "calque-headline-value", values);
      collect_by_class (card, "calque-headline-detail", details);
      g_assert_cmpuint (values->len, ==, 1);
      g_assert_cmpuint (details->len, ==, 1);
      g_assert_cmpstr (label_text (g_ptr_array_index (values, 0)), ==, value);
      g_assert_cmpstr (label_text (g_ptr_array_index (details, 0)), ==, expected_detail);
      return;
    }
  g_error ("no headline “%s”", caption);
}

/* "60% of items": cut, not rounded; "<1%" for a few; "–" without items. */
static char *
share (gint64 part,
       gint64 whole)
{
  if (whole == 0)
    return g_strdup ("–");
  if (part > 0 && part * 100 / whole == 0)
    return g_strdup ("<1% of items");
  return g_strdup_printf ("%" G_GINT64_FORMAT "%% of items", part * 100 / whole);
}

/* The figures of the table row named @name, in column order. */
static GPtrArray *
row_figures (CalqueDashboardWindow *dashboard,
             const char            *name)
{
  GtkLabel *label = calque_gui_find_label (GTK_WIDGET (dashboard), name);
  GPtrArray *figures = g_ptr_array_new ();
  GtkWidget *row;

  if (label == NULL)
    g_error ("no row “%s”", name);
  g_assert_false (gtk_label_get_use_markup (label));
  row = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  collect_by_class (row, "calque-figure", figures);
  return figures;
}

/* How many rows the table holding @name has, headings left out. */
static guint
table_rows (CalqueDashboardWindow *dashboard,
            const char            *name)
{
  GtkLabel *label = calque_gui_find_label (GTK_WIDGET (dashboard), name);
  GtkWidget *list;
  guint n = 0;

  g_assert_nonnull (label);
  list = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX);
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_visible (child))
      n++;
  return n - 1;
}

static void
assert_cell (GPtrArray  *figures,
             guint       column,
             const char *expected,
             const char *row,
             const char *heading)
{
  const char *shown = label_text (g_ptr_array_index (figures, column));

  if (g_strcmp0 (shown, expected) != 0)
    g_error ("row “%s”, %s: shows %s, the store has %s", row, heading, shown, expected);
}

static void
assert_count_cell (GPtrArray  *figures,
                   guint       column,
                   gint64      expected,
                   const char *row,
                   const char *heading)
{
  g_autofree char *text = g_strdup_printf ("%'" G_GINT64_FORMAT, expected);

  assert_cell (figures, column, text, row, heading);
}

/* --- the check: every number against the store -------------------------------------------- */

static const char * const states[] = { "new", "in_progress", "submitted", "accepted", "rejected" };

static void
assert_headlines (Fixture               *f,
                  CalqueDashboardWindow *dashboard)
{
  gint64 n_items = sql_count (f, "SELECT count(*) FROM items", NULL);
  gint64 without = sql_count (f, "SELECT count(*) FROM items WHERE id NOT IN (SELECT item FROM tasks)", NULL);
  gint64 done = sql_count (f, "SELECT count(DISTINCT item) FROM tasks WHERE state IN ('submitted', 'accepted')",
                           NULL);
  gint64 accepted = sql_count (f, "SELECT count(DISTINCT item) FROM tasks WHERE state = ?2", "accepted");
  gint64 in_review = sql_items_most_advanced (f, "submitted", "'accepted'");
  gint64 rejected = sql_items_most_advanced (f, "rejected", "'accepted', 'submitted'");
  gint64 annotations = sql_count (f, "SELECT count(*) FROM anns", NULL);
  g_autofree char *recent_query = g_strdup_printf ("SELECT count(*) FROM anns WHERE who IS NOT NULL "
                                                   "AND t <= %" G_GINT64_FORMAT " AND t > %" G_GINT64_FORMAT,
                                                   g_get_real_time () / 1000, g_get_real_time () / 1000 - 24 * HOUR);
  gint64 recent = sql_count (f, recent_query, NULL);
  g_autofree char *without_text = g_strdup_printf ("%'" G_GINT64_FORMAT " without a task", without);
  g_autofree char *recent_text = g_strdup_printf ("%'" G_GINT64_FORMAT " in the last 24 h", recent);
  g_autofree char *done_share = share (done, n_items);
  g_autofree char *review_share = share (in_review, n_items);
  g_autofree char *accepted_share = share (accepted, n_items);
  g_autofree char *rejected_share = share (rejected, n_items);

  /* Done is in review or accepted: the counts must agree with each other. */
  g_assert_cmpint (done, ==, in_review + accepted);
  assert_headline (dashboard, "Items", n_items, without_text);
  assert_headline (dashboard, "Done", done, done_share);
  assert_headline (dashboard, "In Review", in_review, review_share);
  assert_headline (dashboard, "Accepted", accepted, accepted_share);
  assert_headline (dashboard, "Rejected", rejected, rejected_share);
  assert_headline (dashboard, "Annotations", annotations, recent_text);
}

static void
assert_annotators (Fixture               *f,
                   CalqueDashboardWindow *dashboard)
{
  static const char * const headings[] = {
    "new", "in progress", "submitted", "accepted", "rejected", "items done", "annotations", "per hour", "last 24 h"
  };
  sqlite3_stmt *people = sql_prepare (f, "SELECT who FROM tasks WHERE who IS NOT NULL "
                                         "UNION SELECT who FROM anns WHERE who IS NOT NULL ORDER BY who", NULL);
  gint64 now = g_get_real_time () / 1000;
  guint n_people = 0;

  while (sqlite3_step (people) == SQLITE_ROW)
    {
      const char *who = (const char *) sqlite3_column_text (people, 0);
      g_autoptr(GPtrArray) figures = row_figures (dashboard, who);
      g_autofree char *recent_query = NULL;
      sqlite3_stmt *pace;
      gint64 timed, hours;
      guint k = 0;

      n_people++;
      g_assert_cmpuint (figures->len, ==, G_N_ELEMENTS (headings));
      for (guint s = 0; s < G_N_ELEMENTS (states); s++)
        {
          g_autofree char *query = g_strdup_printf ("SELECT count(*) FROM tasks WHERE who = ?2 AND state = '%s'",
                                                    states[s]);

          assert_count_cell (figures, k, sql_count (f, query, who), who, headings[k]);
          k++;
        }
      assert_count_cell (figures, k, sql_count (f, "SELECT count(DISTINCT item) FROM tasks WHERE who = ?2 "
                                                   "AND state IN ('submitted', 'accepted')", who),
                         who, headings[k]);
      k++;
      assert_count_cell (figures, k, sql_count (f, "SELECT count(*) FROM anns WHERE who = ?2", who), who,
                         headings[k]);
      k++;

      /* Per active hour: annotations with a time over the clock hours (UTC) they fall in. */
      pace = sql_prepare (f, "SELECT count(t), count(DISTINCT t / 3600000) FROM anns WHERE who = ?2", who);
      g_assert_cmpint (sqlite3_step (pace), ==, SQLITE_ROW);
      timed = sqlite3_column_int64 (pace, 0);
      hours = sqlite3_column_int64 (pace, 1);
      sqlite3_finalize (pace);
      if (hours == 0)
        assert_cell (figures, k, "–", who, headings[k]);
      else
        {
          g_autofree char *text = g_strdup_printf ("%.1f", (double) timed / hours);

          assert_cell (figures, k, text, who, headings[k]);
        }
      k++;

      recent_query = g_strdup_printf ("SELECT count(*) FROM anns WHERE who = ?2 AND t <= %" G_GINT64_FORMAT
                                      " AND t > %" G_GINT64_FORMAT, now, now - 24 * HOUR);
      assert_count_cell (figures, k, sql_count (f, recent_query, who), who, headings[k]);
    }
  sqlite3_finalize (people);

  g_assert_cmpuint (n_people, >, 0);
  g_assert_cmpuint (table_rows (dashboard, "alice"), ==, n_people);
}

static void
assert_labels (Fixture               *f,
               CalqueDashboardWindow *dashboard)
{
  /* Every label of the project, and every label an annotation carries:
   * the project's by name, the others by id. */
  sqlite3_stmt *labels = sql_prepare (f,
    "SELECT l.id, n.name FROM "
    "  (SELECT id FROM records WHERE kind = 'label' AND project = ?1 AND deleted = 0 "
    "   UNION SELECT je.value FROM anns, json_each (anns.labels) AS je) AS l "
    "LEFT JOIN (SELECT id, json_extract (fields, '$.name') AS name FROM records "
    "           WHERE kind = 'label' AND project = ?1 AND deleted = 0) AS n ON n.id = l.id", NULL);
  guint n_labels = 0;

  while (sqlite3_step (labels) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (labels, 0);
      const char *name = (const char *) sqlite3_column_text (labels, 1);
      const char *shown = name != NULL ? name : id;
      g_autoptr(GPtrArray) figures = row_figures (dashboard, shown);
      /* An annotation with the label twice is one annotation with it. */
      const char *per_annotation = "SELECT DISTINCT anns.id, anns.item FROM anns, json_each (anns.labels) AS je "
                                   "WHERE je.value = ?2";
      g_autofree char *annotations = g_strdup_printf ("SELECT count(*) FROM (%s)", per_annotation);
      g_autofree char *items = g_strdup_printf ("SELECT count(DISTINCT item) FROM (%s)", per_annotation);

      n_labels++;
      g_assert_cmpuint (figures->len, ==, 2);
      assert_count_cell (figures, 0, sql_count (f, annotations, id), shown, "annotations");
      assert_count_cell (figures, 1, sql_count (f, items, id), shown, "items");
      if (name == NULL)
        g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (gtk_widget_get_ancestor (
                            GTK_WIDGET (calque_gui_find_label (GTK_WIDGET (dashboard), shown)), GTK_TYPE_LIST_BOX_ROW)),
                          "No longer in the project"));
    }
  sqlite3_finalize (labels);

  g_assert_cmpuint (n_labels, >, 0);
  g_assert_cmpuint (table_rows (dashboard, "dog"), ==, n_labels);
}

static void
assert_chart (Fixture               *f,
              CalqueDashboardWindow *dashboard)
{
  CalqueProgressChart *chart = CALQUE_PROGRESS_CHART (calque_gui_find_widget (GTK_WIDGET (dashboard),
                                                                              CALQUE_TYPE_PROGRESS_CHART));
  sqlite3_stmt *hours = sql_prepare (f, "SELECT t / 3600000, count(*) FROM anns WHERE t IS NOT NULL "
                                        "GROUP BY 1 ORDER BY 1", NULL);
  g_autoptr(GHashTable) per_hour = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gint64 first = -1, last = -1, busiest = -1, most = 0;
  gint64 start_ms = 0, bucket_ms = 0;
  const gint64 *counts;
  guint n_buckets = 0;
  GtkWidget *group;
  int previous = -1;
  g_autofree char *tooltip = NULL;
  g_autofree char *expected_tooltip = NULL;

  while (sqlite3_step (hours) == SQLITE_ROW)
    {
      gint64 hour = sqlite3_column_int64 (hours, 0);
      gint64 count = sqlite3_column_int64 (hours, 1);

      g_hash_table_insert (per_hour, g_memdup2 (&hour, sizeof hour), g_memdup2 (&count, sizeof count));
      if (first < 0)
        first = hour;
      last = hour;
      if (count > most)
        {
          most = count;
          busiest = hour;
        }
    }
  sqlite3_finalize (hours);
  g_assert_cmpint (first, >=, 0);

  /* Two days and more: hours, from the first one to the last, empty ones included. */
  g_assert_nonnull (chart);
  counts = calque_progress_chart_get_series (chart, &start_ms, &bucket_ms, &n_buckets);
  g_assert_cmpint (bucket_ms, ==, HOUR);
  g_assert_cmpint (start_ms, ==, first * HOUR);
  g_assert_cmpuint (n_buckets, ==, last - first + 1);
  for (guint i = 0; i < n_buckets; i++)
    {
      gint64 hour = first + i;
      gint64 *count = g_hash_table_lookup (per_hour, &hour);

      if (counts[i] != (count != NULL ? *count : 0))
        g_error ("chart, hour %u: shows %" G_GINT64_FORMAT ", the store has %" G_GINT64_FORMAT,
                 i, counts[i], count != NULL ? *count : 0);
    }
  group = gtk_widget_get_ancestor (GTK_WIDGET (chart), ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Annotations per Hour");

  /* The tooltip of the busiest hour gives its time and its count. */
  {
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (busiest * 3600);
    g_autoptr(GDateTime) to = g_date_time_add_hours (from, 1);
    g_autofree char *day = g_date_time_format (from, "%Y-%m-%d %H:%M");
    g_autofree char *end = g_date_time_format (to, "%H:%M");

    expected_tooltip = g_strdup_printf ("%s–%s UTC\n%" G_GINT64_FORMAT " annotation%s", day, end, most,
                                        most == 1 ? "" : "s");
    tooltip = calque_progress_chart_dup_bucket_text (chart, busiest - first);
    g_assert_cmpstr (tooltip, ==, expected_tooltip);
  }

  /* Across the chart the pointer meets every hour, in order. */
  for (int x = 0; x < gtk_widget_get_width (GTK_WIDGET (chart)); x++)
    {
      int bucket = calque_progress_chart_get_bucket_at (chart, x, gtk_widget_get_height (GTK_WIDGET (chart)) / 2);

      if (bucket < 0)
        continue;
      g_assert_true (bucket == previous || bucket == previous + 1);
      previous = bucket;
    }
  g_assert_cmpint (previous, ==, (int) n_buckets - 1);
}

static void
assert_matches_store (Fixture               *f,
                      CalqueDashboardWindow *dashboard)
{
  assert_headlines (f, dashboard);
  assert_chart (f, dashboard);
  assert_annotators (f, dashboard);
  assert_labels (f, dashboard);
}

/* Scrolls so that the label @text is at the top; returns the adjustment. */
static GtkAdjustment *
scroll_to (CalqueDashboardWindow *dashboard,
           const char            *text)
{
  GtkLabel *label = calque_gui_find_label (GTK_WIDGET (dashboard), text);
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (label);
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (label), scrolled, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
  calque_gui_spin (100);
  return adjustment;
}

/* Moves the real pointer over the middle of the tallest bar. */
static void
point_at_busiest (CalqueDashboardWindow *dashboard)
{
  GtkWidget *chart = calque_gui_find_widget (GTK_WIDGET (dashboard), CALQUE_TYPE_PROGRESS_CHART);
  const gint64 *counts;
  guint n_buckets = 0, busiest = 0;
  int first_x = -1, last_x = -1;
  int y = gtk_widget_get_height (chart) / 2;

  counts = calque_progress_chart_get_series (CALQUE_PROGRESS_CHART (chart), NULL, NULL, &n_buckets);
  for (guint i = 0; i < n_buckets; i++)
    if (counts[i] > counts[busiest])
      busiest = i;
  for (int x = 0; x < gtk_widget_get_width (chart); x++)
    if (calque_progress_chart_get_bucket_at (CALQUE_PROGRESS_CHART (chart), x, y) == (int) busiest)
      {
        if (first_x < 0)
          first_x = x;
        last_x = x;
      }
  g_assert_cmpint (first_x, >=, 0);
  calque_gui_pointer_to (chart, (first_x + last_x) / 2.0, gtk_widget_get_height (chart) - 40);
  /* GTK shows a tooltip after half a second at rest. */
  calque_gui_spin (1200);
}

/* --- the sync's way in ---------------------------------------------------------------------- */

static CalqueChange *
remote_change (Fixture    *f,
               CalqueKind  kind,
               const char *record_id)
{
  g_autofree char *other = calque_uuid7_new ();
  CalqueChange *change = calque_change_new (other, (guint64) ++f->seq, kind, record_id, f->project);

  change->hlc.time = (guint64) (g_get_real_time () / 1000) << 16;
  change->hlc.node = 0x2222;
  change->seq = f->seq;
  change->author = g_strdup ("dmitri");
  return change;
}

static void
set_string (CalqueChange *change,
            const char   *field,
            const char   *value)
{
  calque_change_set_field (change, field, json_node_init_string (json_node_alloc (), value));
}

static CalqueChange *
remote_annotation (Fixture    *f,
                   const char *item,
                   const char *author,
                   const char *label,
                   gint64      ago)
{
  g_autofree char *id = uuid7_at (f->now - ago);
  CalqueChange *change = remote_change (f, CALQUE_KIND_ANNOTATION, id);
  g_autoptr(CalqueShape) box = calque_shape_new_box (30, 30, 40, 40);

  set_string (change, "item", item);
  set_string (change, "author", author);
  calque_change_set_field (change, "labels", labels_node (label, NULL));
  calque_change_set_field (change, "shape", calque_shape_to_json (box));
  calque_change_set_field (change, "created", json_node_init_int (json_node_alloc (), f->now - ago));
  return change;
}

/* What CalqueSyncClient does with a page of changes from the server:
 * merged into the store, then announced through the sync manager. */
static void
pull (Fixture   *f,
      GPtrArray *changes)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  CalqueSyncManager *sync = calque_window_get_sync_manager (f->window);

  g_assert_true (calque_store_apply_pulled (f->store, f->project, changes, f->seq, changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, changes->len);
  g_ptr_array_add (changed, NULL);
  g_assert_nonnull (sync);
  g_signal_emit_by_name (sync, "records-changed", f->project, (char **) changed->pdata);
}

/* --- the tests ------------------------------------------------------------------------------ */

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  CalqueDashboardWindow *dashboard;
  g_auto(GStrv) accels = NULL;
  GdkModifierType mods = 0;
  guint key = 0;

  fill (f);
  dashboard = open_dashboard (f);
  g_assert_cmpuint (calque_dashboard_window_get_n_shown (dashboard), ==, 1);
  assert_matches_store (f, dashboard);

  /* The sums this fixture was made for, lest an empty query agree with an empty window. */
  assert_headline (dashboard, "Items", 8, "1 without a task");
  assert_headline (dashboard, "Done", 3, "37% of items");
  assert_headline (dashboard, "Annotations", 10, "7 in the last 24 h");
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (dashboard), CAT));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (dashboard), f->ferret));
  g_assert_null (calque_gui_find_label (GTK_WIDGET (dashboard), "model:yolo"));
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "70-dashboard");

  /* The pointer on the tallest bar: its tooltip (on the screen's shot). */
  point_at_busiest (dashboard);
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "70-dashboard-tooltip");

  /* The theme's colours, dark too; and a narrow window. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (dashboard), 640, 700);
  calque_gui_spin (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dashboard)), <, 700);
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "70-dashboard-dark-narrow");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (dashboard), 1000, 760);
  calque_gui_spin (200);

  scroll_to (dashboard, "Annotators");
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "71-dashboard-tables");

  /* Ctrl+Shift+D, and asked again for the same project, the same window counts again. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-dashboard");
  g_assert_nonnull (accels[0]);
  g_assert_true (gtk_accelerator_parse (accels[0], &key, &mods));
  g_assert_cmpuint (key, ==, GDK_KEY_d);
  g_assert_cmpuint (mods, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-dashboard", NULL));
  g_assert_true (find_dashboard () == dashboard);
  wait_for_count (dashboard, 1);
}

static void
test_live (Fixture       *f,
           gconstpointer  data)
{
  CalqueDashboardWindow *dashboard;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autofree char *dmitri_task = calque_uuid7_new ();
  g_autofree char *local = NULL;
  CalqueChange *change;
  GtkAdjustment *adjustment;
  double scrolled_to;
  guint n_shown;

  fill (f);
  dashboard = open_dashboard (f);
  assert_matches_store (f, dashboard);
  adjustment = scroll_to (dashboard, "Labels");
  scrolled_to = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat (scrolled_to, >, 0);
  n_shown = calque_dashboard_window_get_n_shown (dashboard);

  /* From the server: dmitri submits h.png (which had no task) with two
   * annotations, alice's new task on a.png is accepted, bruno's dog on
   * e.png is deleted, and chloe marks a bird. */
  change = remote_change (f, CALQUE_KIND_TASK, dmitri_task);
  set_string (change, "item", f->items[7]);
  set_string (change, "annotator", "dmitri");
  set_string (change, "state", "submitted");
  g_ptr_array_add (changes, change);
  g_ptr_array_add (changes, remote_annotation (f, f->items[7], "dmitri", f->dog, 30 * MINUTE));
  g_ptr_array_add (changes, remote_annotation (f, f->items[7], "dmitri", f->cat, 24 * MINUTE));
  g_ptr_array_add (changes, remote_annotation (f, f->items[6], "chloe", f->bird, 20 * MINUTE));
  change = remote_change (f, CALQUE_KIND_TASK, f->alice_new_task);
  set_string (change, "state", "accepted");
  g_ptr_array_add (changes, change);
  change = remote_change (f, CALQUE_KIND_ANNOTATION, f->bruno_dog);
  change->delete_record = TRUE;
  g_ptr_array_add (changes, change);
  pull (f, changes);

  wait_for_count (dashboard, n_shown);
  assert_matches_store (f, dashboard);
  assert_headline (dashboard, "Items", 8, "0 without a task");
  assert_headline (dashboard, "Accepted", 2, "25% of items");
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (dashboard), "dmitri"));
  /* Updated in place: the reader stays where they were. */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), scrolled_to, 0.5);
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "72-dashboard-live");

  /* Drawn here: the item page says it saved an edit. */
  n_shown = calque_dashboard_window_get_n_shown (dashboard);
  local = save_annotation (f, f->items[0], "alice", f->bird, NULL, 0, TRUE);
  g_signal_emit_by_name (calque_gui_item_page (f->window), "edited");
  wait_for_count (dashboard, n_shown);
  assert_matches_store (f, dashboard);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), scrolled_to, 0.5);
}

/* Changes stream in: the figures follow, but counts begin at least two
 * seconds apart, and the last change is always counted. */
static void
test_throttled (Fixture       *f,
                gconstpointer  data)
{
  CalqueDashboardWindow *dashboard;
  CalqueItemPage *page = calque_gui_item_page (f->window);
  gint64 first_change, burst_us, elapsed_us;
  guint n_shown, n_counts;

  fill (f);
  dashboard = open_dashboard (f);
  /* The last count is old enough: the next change counts at once. */
  calque_gui_spin (CALQUE_DASHBOARD_INTERVAL_MS + 100);
  n_shown = calque_dashboard_window_get_n_shown (dashboard);

  first_change = g_get_monotonic_time ();
  for (guint i = 0; i < 12; i++)
    {
      g_free (save_annotation (f, f->items[i % N_ITEMS], "erin", f->dog, NULL, i * MINUTE, TRUE));
      g_signal_emit_by_name (page, "edited");
      calque_gui_spin (100);
    }
  burst_us = g_get_monotonic_time () - first_change;
  /* Changes for 1.2 s (longer under valgrind): the first was counted at
   * once, the others wait for the interval to pass. */
  if (burst_us < CALQUE_DASHBOARD_INTERVAL_MS * 1000)
    {
      g_assert_cmpuint (calque_dashboard_window_get_n_shown (dashboard), <=, n_shown + 1);
      g_assert_true (calque_dashboard_window_get_busy (dashboard));
    }

  wait_for_count (dashboard, n_shown);
  elapsed_us = g_get_monotonic_time () - first_change;
  /* Counts began at least the interval apart, within the time elapsed;
   * twelve changes made two counts on a machine that keeps pace. */
  n_counts = calque_dashboard_window_get_n_shown (dashboard) - n_shown;
  g_test_message ("%u counts for 12 changes in %.1f s", n_counts, elapsed_us / 1e6);
  g_assert_cmpuint (n_counts, >=, 1);
  g_assert_cmpfloat (n_counts, <=, 1 + (double) elapsed_us / (CALQUE_DASHBOARD_INTERVAL_MS * 1000));
  /* The last count saw the last change. */
  assert_matches_store (f, dashboard);
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM anns WHERE who = ?2", "erin"), ==, 12);
}

/* Items, a task, no annotation: zeros, and the chart says why it is empty. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  CalqueDashboardWindow *dashboard;
  CalqueProgressChart *chart;
  guint n_buckets = 1;

  g_free (save_task (f, f->items[0], "alice", "in_progress"));
  /* Opened with its shortcut, pressed on the main window. */
  gtk_widget_grab_focus (GTK_WIDGET (f->window));
  calque_gui_key ("ctrl+shift+d");
  dashboard = find_dashboard ();
  g_assert_nonnull (dashboard);
  wait_for_count (dashboard, 0);
  assert_headlines (f, dashboard);
  assert_headline (dashboard, "Items", 8, "7 without a task");
  assert_headline (dashboard, "Done", 0, "0% of items");
  assert_headline (dashboard, "Annotations", 0, "0 in the last 24 h");
  chart = CALQUE_PROGRESS_CHART (calque_gui_find_widget (GTK_WIDGET (dashboard), CALQUE_TYPE_PROGRESS_CHART));
  calque_progress_chart_get_series (chart, NULL, NULL, &n_buckets);
  g_assert_cmpuint (n_buckets, ==, 0);
  g_assert_cmpstr (calque_progress_chart_get_empty_text (chart), ==, "No annotations yet");
  g_assert_cmpint (calque_progress_chart_get_bucket_at (chart, 100, 100), ==, -1);
  assert_annotators (f, dashboard);
  assert_labels (f, dashboard);
  calque_gui_save_screenshot (GTK_WINDOW (dashboard), "73-dashboard-empty");
}

/* With no project there is nothing to count. */
static void
test_no_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-dashboard-XXXXXX", &error);
  g_autoptr(CalqueWorkspace) workspace = calque_workspace_create (dir, &error);
  CalqueWindow *window;

  g_assert_no_error (error);
  window = calque_window_new (app);
  calque_window_set_workspace (window, workspace);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "show-dashboard"));
  gtk_window_destroy (GTK_WINDOW (window));
  calque_gui_spin (50);
  g_clear_object (&workspace);
  calque_test_remove_tree (dir);
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/dashboard/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/dashboard/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/gui/dashboard/live", Fixture, NULL, fixture_set_up, test_live, fixture_tear_down);
  g_test_add ("/gui/dashboard/throttled", Fixture, NULL, fixture_set_up, test_throttled, fixture_tear_down);
  g_test_add ("/gui/dashboard/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add_func ("/gui/dashboard/no-project", test_no_project);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
