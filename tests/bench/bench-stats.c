/* bench-stats — how fast are a large project's progress figures?
 *
 * A workspace with one image project of 100,000 items, two tasks per item
 * (200,000, in every state) and 1,000,000 annotations (ten per item, boxes
 * of one of ten labels, a few with two, by twenty annotators over thirty
 * days), 1% of each kind deleted. The rows are written with plain SQLite
 * into the schema the store creates, in one transaction, exactly as the
 * store writes them (fields, clocks, updated); a sample is read back
 * through the store and validated before anything is timed.
 *
 * Timed: calque_progress_new() over the project, everything the dashboard
 * and `calque-cli stats` show (several runs: median, best). Goal: under
 * 500 ms. Baseline from the same run, on the same file: the equivalent
 * plain SQL counts (COUNT/GROUP BY with json_extract, run directly with
 * SQLite on its own connection): items per state, tasks and annotations
 * per annotator, annotations per label, annotations per day.
 *
 * Prints figures, not pass/fail: machines are noisy.
 *
 *   bench-stats [--items 100000] [--annotations 1000000] [--runs 5] [--keep DIR]
 */
#define G_LOG_DOMAIN "bench-stats"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "calque-hlc.h"
#include "calque-progress.h"
#include "calque-test-util.h"
#include "calque-uuid.h"
#include "calque-workspace.h"

#define N_LABELS      10
#define N_ANNOTATORS  20
#define DAYS          30
#define DAY_MS        (24 * 3600 * G_GINT64_CONSTANT (1000))
/* 2025-10-01 00:00 UTC */
#define START_MS      G_GINT64_CONSTANT (1759276800000)

static int opt_items = 100000;
static int opt_annotations = 1000000;
static int opt_runs = 5;
static char *opt_keep = NULL;

static const GOptionEntry options[] = {
  { "items", 0, 0, G_OPTION_ARG_INT, &opt_items, "Items of the project", "N" },
  { "annotations", 0, 0, G_OPTION_ARG_INT, &opt_annotations, "Annotations over them", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs timed", "N" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &opt_keep, "Work in DIR and keep it", "DIR" },
  G_OPTION_ENTRY_NULL
};

static const char * const states[] = { "new", "in_progress", "submitted", "accepted", "rejected" };

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1e3;
}

static void
check (sqlite3 *db,
       int      rc,
       int      expected,
       const char *what)
{
  if (rc != expected)
    g_error ("%s: %s", what, sqlite3_errmsg (db));
}

/* A clocks object giving every member of @fields the same clock, as one
 * save writes them. */
static char *
clocks_for (const char * const *fields,
            const char         *clock)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; fields[i]; i++)
    g_string_append_printf (out, "%s\"%s\":\"%s\"", i ? "," : "", fields[i], clock);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *put;
  CalqueHlcClock *clock;
  const char   *project;
} Writer;

/* The columns after updated are those the store lifts out of a task's or
 * an annotation's fields (schema v5): item, person, state, created, labels. */
static void
put_row (Writer     *w,
         const char *id,
         const char *kind,
         gboolean    deleted,
         const char *fields,
         const char *clocks,
         const char *updated,
         const char *item,
         const char *person,
         const char *state,
         gint64      created,
         const char *labels)
{
  sqlite3_bind_text (w->put, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 3, w->project, -1, SQLITE_STATIC);
  sqlite3_bind_int (w->put, 4, deleted);
  sqlite3_bind_text (w->put, 5, fields, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 6, clocks, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 7, updated, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 8, item, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 9, person, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 10, state, -1, SQLITE_STATIC);
  if (created >= 0)
    sqlite3_bind_int64 (w->put, 11, created);
  else
    sqlite3_bind_null (w->put, 11);
  sqlite3_bind_text (w->put, 12, labels, -1, SQLITE_STATIC);
  check (w->db, sqlite3_step (w->put), SQLITE_DONE, "inserting a record");
  sqlite3_reset (w->put);
}

/* The project and its labels through the store; items, tasks and
 * annotations with plain SQLite into the same file, in one transaction. */
static void
build_workspace (const char *dir,
                 char      **out_project)
{
  static const char * const item_fields[] = { "media", "name", "url", "width", "height", "created", NULL };
  static const char * const task_fields[] = { "item", "annotator", "state", "created", "updated", NULL };
  static const char * const annotation_fields[] = { "item", "task", "author", "labels", "shape", "confidence", "created", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *db_path = NULL;
  char labels[N_LABELS][37];
  char (*items)[37] = g_malloc_n (opt_items, sizeof *items);
  char (*tasks)[2][37] = g_malloc_n (opt_items, sizeof *tasks);
  int per_item = MAX (1, opt_annotations / MAX (opt_items, 1));
  Writer w = { 0 };
  CalqueStore *store;
  GString *fields = g_string_new (NULL);
  int n_annotations = 0;

  workspace = calque_workspace_create (dir, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (workspace);
  project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (project, "name", "Street scenes");
  calque_record_set_string (project, "type", "image");
  calque_record_set_int (project, "overlap", 2);
  g_assert_true (calque_store_save (store, project, &error));
  for (int i = 0; i < N_LABELS; i++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));
      g_autofree char *name = g_strdup_printf ("class-%d", i);

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", "#3584e4");
      g_assert_true (calque_store_save (store, label, &error));
      g_strlcpy (labels[i], calque_record_get_id (label), sizeof labels[i]);
    }
  *out_project = g_strdup (calque_record_get_id (project));
  db_path = g_strdup (calque_store_get_filename (store));
  g_clear_object (&workspace);

  check (NULL, sqlite3_open (db_path, &w.db), SQLITE_OK, "opening");
  w.project = *out_project;
  w.clock = calque_hlc_clock_new (calque_hlc_node_random ());
  check (w.db, sqlite3_exec (w.db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL), SQLITE_OK, "begin");
  check (w.db, sqlite3_prepare_v2 (w.db,
                                   "INSERT INTO records (id, kind, project, deleted, fields, clocks, updated, blob,"
                                   " item, person, state, created, labels)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9, ?10, ?11, ?12)", -1, &w.put, NULL),
         SQLITE_OK, "preparing");

  for (int i = 0; i < opt_items; i++)
    {
      gint64 created = START_MS + (gint64) i * 1000;
      char hlc[CALQUE_HLC_STRING_LENGTH + 1];
      CalqueHlc now = calque_hlc_clock_now (w.clock);
      g_autofree char *clocks = NULL;

      calque_hlc_to_string (&now, hlc);
      clocks = clocks_for (item_fields, hlc);
      calque_uuid7_generate_at (created, items[i]);
      g_string_printf (fields, "{\"media\":\"image\",\"name\":\"street-%06d.jpg\","
                       "\"url\":\"https://data.example.org/street-%06d.jpg\",\"width\":1920,\"height\":1080,"
                       "\"created\":%" G_GINT64_FORMAT "}", i, i, created);
      put_row (&w, items[i], "item", i % 100 == 99, fields->str, clocks, hlc, NULL, NULL, NULL, -1, NULL);
    }

  for (int i = 0; i < opt_items; i++)
    for (int t = 0; t < 2; t++)
      {
        gint64 created = START_MS + DAY_MS / 2 + (gint64) i * 1000 + t;
        int annotator = (i * 2 + t) % N_ANNOTATORS;
        const char *state = states[g_rand_int_range (rand, 0, G_N_ELEMENTS (states))];
        char hlc[CALQUE_HLC_STRING_LENGTH + 1];
        CalqueHlc now = calque_hlc_clock_now (w.clock);
        g_autofree char *clocks = NULL;

        calque_hlc_to_string (&now, hlc);
        clocks = clocks_for (task_fields, hlc);
        calque_uuid7_generate_at (created, tasks[i][t]);
        g_autofree char *person = g_strdup_printf ("annotator-%02d", annotator);

        g_string_printf (fields, "{\"item\":\"%s\",\"annotator\":\"%s\",\"state\":\"%s\","
                         "\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}",
                         items[i], person, state, created, created);
        put_row (&w, tasks[i][t], "task", (i * 2 + t) % 100 == 37, fields->str, clocks, hlc,
                 items[i], person, state, created, NULL);
      }

  /* Annotations over thirty days, ten per item (five per task), in the
   * order people make them: ids grow with their created time. */
  for (int n = 0; n < opt_annotations; n++)
    {
      int i = (int) ((gint64) n * opt_items / opt_annotations);
      int t = (n / MAX (per_item / 2, 1)) % 2;
      int annotator = (i * 2 + t) % N_ANNOTATORS;
      gint64 created = START_MS + (gint64) n * (DAYS * DAY_MS / opt_annotations);
      int label = g_rand_int_range (rand, 0, N_LABELS);
      char id[37];
      char hlc[CALQUE_HLC_STRING_LENGTH + 1];
      CalqueHlc now = calque_hlc_clock_now (w.clock);
      g_autofree char *clocks = NULL;
      double x = g_rand_int_range (rand, 0, 1800), y = g_rand_int_range (rand, 0, 1000);

      calque_hlc_to_string (&now, hlc);
      clocks = clocks_for (annotation_fields, hlc);
      calque_uuid7_generate_at (created, id);
      g_autofree char *person = g_strdup_printf ("annotator-%02d", annotator);
      g_autofree char *label_ids = n % 20 == 0
        ? g_strdup_printf ("[\"%s\",\"%s\"]", labels[label], labels[(label + 1) % N_LABELS])
        : g_strdup_printf ("[\"%s\"]", labels[label]);

      g_string_printf (fields, "{\"item\":\"%s\",\"task\":\"%s\",\"author\":\"%s\",\"labels\":%s,"
                       "\"shape\":{\"type\":\"box\",\"x\":%g,\"y\":%g,\"w\":%d,\"h\":%d},"
                       "\"confidence\":0.75,\"created\":%" G_GINT64_FORMAT "}",
                       items[i], tasks[i][t], person, label_ids, x, y, 20 + n % 100, 10 + n % 70, created);
      put_row (&w, id, "annotation", n % 100 == 51, fields->str, clocks, hlc,
               items[i], person, NULL, created, label_ids);
      n_annotations++;
    }

  check (w.db, sqlite3_exec (w.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
         SQLITE_OK, "commit");
  sqlite3_finalize (w.put);
  sqlite3_close (w.db);
  calque_hlc_clock_free (w.clock);
  g_string_free (fields, TRUE);
  g_free (items);
  g_free (tasks);
}

/* Rows written by hand must be what the store itself would have written:
 * a sample of each kind read back through the store and validated. */
static void
check_workspace (const char *dir,
                 const char *project_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) workspace = calque_workspace_open (dir, &error);
  CalqueStore *store;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_no_error (error);
  store = calque_workspace_get_store (workspace);
  check (NULL, sqlite3_open_v2 (calque_store_get_filename (store), &db, SQLITE_OPEN_READONLY, NULL),
         SQLITE_OK, "opening");
  /* About one record in 16 (the last hex digit of its id). */
  check (db, sqlite3_prepare_v2 (db, "SELECT id FROM records WHERE project = ?1 AND substr (id, 36, 1) = 'a'",
                                 -1, &stmt, NULL), SQLITE_OK, "sampling");
  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(CalqueRecord) record = calque_store_get (store, (const char *) sqlite3_column_text (stmt, 0), &error);

      g_assert_no_error (error);
      if (!calque_record_get_deleted (record) && !calque_record_validate (record, &error))
        g_error ("%s: %s", calque_record_get_id (record), error->message);
      n++;
    }
  sqlite3_finalize (stmt);
  g_print ("  records read back through the store and valid: %u\n", n);

  /* And the columns lifted out of the fields hold what the fields say. */
  check (db, sqlite3_prepare_v2 (db,
                                 "SELECT count(*) FROM records WHERE kind IN ('task', 'annotation') AND ("
                                 " item IS NOT json_extract (fields, '$.item')"
                                 " OR person IS NOT coalesce (json_extract (fields, '$.author'), json_extract (fields, '$.annotator'))"
                                 " OR state IS NOT json_extract (fields, '$.state')"
                                 " OR created IS NOT json_extract (fields, '$.created')"
                                 " OR labels IS NOT json_extract (fields, '$.labels'))", -1, &stmt, NULL),
         SQLITE_OK, "checking");
  check (db, sqlite3_step (stmt), SQLITE_ROW, "checking");
  if (sqlite3_column_int (stmt, 0) != 0)
    g_error ("%d rows whose figures columns differ from their fields", sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *times)
{
  g_array_sort (times, compare_doubles);
  g_print ("  %-58s %8.1f %8.1f\n", what, g_array_index (times, double, times->len / 2),
           g_array_index (times, double, 0));
}

/* Plain SQL on its own connection: the counts a person would write,
 * each query stepped to the end. */
static double
time_sql (const char         *path,
          const char         *project,
          const char * const *queries)
{
  sqlite3 *db = NULL;
  double start;

  check (NULL, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "opening");
  start = now_ms ();
  for (guint q = 0; queries[q]; q++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      check (db, sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), SQLITE_OK, queries[q]);
      sqlite3_bind_text (stmt, 1, project, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;
      check (db, rc, SQLITE_DONE, queries[q]);
      sqlite3_finalize (stmt);
    }
  start = now_ms () - start;
  sqlite3_close (db);
  return start;
}

/* Items per state, tasks per annotator and state, annotations per author
 * (with first and last), per label, per day: over the JSON of the rows, as
 * without schema v5 ... */
static const char * const json_queries[] = {
  "SELECT count(*) FROM records WHERE project = ?1 AND kind = 'item' AND deleted = 0",
  "SELECT json_extract (fields, '$.annotator'), json_extract (fields, '$.state'), count(*) FROM records"
  " WHERE project = ?1 AND kind = 'task' AND deleted = 0 GROUP BY 1, 2",
  "SELECT s, count(*) FROM (SELECT max(CASE json_extract (fields, '$.state') WHEN 'accepted' THEN 5"
  " WHEN 'submitted' THEN 4 WHEN 'rejected' THEN 3 WHEN 'in_progress' THEN 2 ELSE 1 END) AS s FROM records"
  " WHERE project = ?1 AND kind = 'task' AND deleted = 0 GROUP BY json_extract (fields, '$.item')) GROUP BY s",
  "SELECT json_extract (fields, '$.author'), count(*), min(json_extract (fields, '$.created')),"
  " max(json_extract (fields, '$.created')) FROM records"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  "SELECT l.value, count(*) FROM records, json_each (records.fields, '$.labels') AS l"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  "SELECT json_extract (fields, '$.created') / 86400000, count(*) FROM records"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  NULL
};

/* ... and the same over the columns and the index of schema v5. */
static const char * const column_queries[] = {
  "SELECT count(*) FROM records WHERE project = ?1 AND kind = 'item' AND deleted = 0",
  "SELECT person, state, count(*) FROM records WHERE project = ?1 AND kind = 'task' AND deleted = 0 GROUP BY 1, 2",
  "SELECT s, count(*) FROM (SELECT max(CASE state WHEN 'accepted' THEN 5 WHEN 'submitted' THEN 4"
  " WHEN 'rejected' THEN 3 WHEN 'in_progress' THEN 2 ELSE 1 END) AS s FROM records"
  " WHERE project = ?1 AND kind = 'task' AND deleted = 0 GROUP BY item) GROUP BY s",
  "SELECT person, count(*), min(created), max(created) FROM records"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  "SELECT l.value, count(*) FROM records, json_each (records.labels) AS l"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  "SELECT created / 86400000, count(*) FROM records"
  " WHERE project = ?1 AND kind = 'annotation' AND deleted = 0 GROUP BY 1",
  NULL
};

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *project = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GArray) progress_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) json_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) column_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) count_times = g_array_new (FALSE, FALSE, sizeof (double));
  const char * const count_query[] = {
    "SELECT count(*) FROM records WHERE project = ?1 AND kind = 'annotation' AND deleted = 0", NULL
  };
  const char *path;
  gint64 n_annotations = 0;
  double t0;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  g_print ("bench-stats: %d items, %d tasks, %d annotations (1%% of each deleted)\n",
           opt_items, 2 * opt_items, opt_annotations);
  dir = opt_keep ? g_strdup (opt_keep) : g_dir_make_tmp ("bench-stats-XXXXXX", &error);
  g_assert_no_error (error);
  if (opt_keep != NULL && g_file_test (opt_keep, G_FILE_TEST_IS_DIR)
      && (workspace = calque_workspace_open (dir, NULL)) != NULL)
    {
      /* A workspace kept from an earlier run: measured again as it is. */
      g_autoptr(GPtrArray) projects = calque_store_list (calque_workspace_get_store (workspace),
                                                         CALQUE_KIND_PROJECT, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (projects->len, ==, 1);
      project = g_strdup (calque_record_get_id (g_ptr_array_index (projects, 0)));
      g_print ("  the workspace kept in %s\n", dir);
    }
  else
    {
      t0 = now_ms ();
      build_workspace (dir, &project);
      g_print ("  workspace written in %.1f s\n", (now_ms () - t0) / 1000);
      check_workspace (dir, project);
      workspace = calque_workspace_open (dir, &error);
      g_assert_no_error (error);
    }
  path = calque_store_get_filename (calque_workspace_get_store (workspace));

  /* Alternate, so that each is measured with the file equally warm. */
  for (int run = 0; run <= opt_runs; run++)
    {
      g_autoptr(CalqueProgress) progress = NULL;
      double t, t_json, t_columns, t_count;

      t = now_ms ();
      progress = calque_progress_new (calque_workspace_get_store (workspace), project, -1, &error);
      t = now_ms () - t;
      g_assert_no_error (error);
      n_annotations = calque_progress_get_n_annotations (progress);
      t_json = time_sql (path, project, json_queries);
      t_columns = time_sql (path, project, column_queries);
      t_count = time_sql (path, project, count_query);
      if (run == 0)
        continue;   /* the first warms the cache */
      g_array_append_val (progress_times, t);
      g_array_append_val (json_times, t_json);
      g_array_append_val (column_times, t_columns);
      g_array_append_val (count_times, t_count);
    }

  g_print ("\nfigures of the project, %" G_GINT64_FORMAT " live annotations counted (ms over %d runs: median, best):\n",
           n_annotations, opt_runs);
  report ("calque_progress_new (everything; goal < 500)", progress_times);
  g_print ("baselines, plain SQLite on the same file:\n");
  report ("SQL counts over the JSON fields (json_extract, GROUP BY)", json_times);
  report ("the same SQL counts over the schema v5 columns", column_times);
  report ("SELECT count(*) of the annotations alone", count_times);

  g_clear_object (&workspace);
  if (opt_keep == NULL)
    calque_test_remove_tree (dir);
  return 0;
}
