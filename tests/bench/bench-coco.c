/* bench-coco — COCO export and import of a million annotations
 *
 * A workspace with one image project of 50,000 images (1920 × 1080, by
 * URL) and 20 annotations each, 1,000,000 in all: boxes of ten labels with
 * a confidence, one in ten a triangle, all by one annotator. A second
 * project holds the same 50,000 images and nothing else: the fresh project
 * the export is imported into. The rows are written with plain SQLite
 * into the schema the store creates, as the store writes them (fields,
 * clocks, updated, the columns of schema v5); a sample is read back
 * through the store and validated before anything is timed.
 *
 * Timed, each in a child process of its own (this program run again with
 * --phase) so that each peak of memory (VmHWM of /proc/self/status) is its
 * own:
 *  - export: `calque-cli export --format coco`'s work, to a file;
 *  - import: `calque-cli import --format coco`'s work, into the fresh
 *    project, one transaction.
 * Checked, untimed: the re-imported project exported again gives the same
 * annotations, byte for byte.
 * Baseline from the same run, on the same file: Debian's Python
 * (/usr/bin/python3), json.load of the exported file, and json.dump of
 * what it loaded (its peak includes the load), each with its peak
 * (ru_maxrss). Goal: faster than the baseline, under 1 GiB each.
 * The floor, from the same run: the rows the import wrote (records and
 * outbox entries) read into memory, then written by SQLite alone into a
 * copy of the workspace as it was before the import, with the store's
 * pragmas, prepared INSERTs and one transaction, timed up to the commit
 * as the import is. No import that keeps what Calque keeps (every field
 * with its clock, indexed, and queued for the server) writes faster; what
 * the import takes beyond it is reading, checking and building the rows.
 *
 * Prints figures, not pass/fail: machines are noisy.
 *
 *   bench-coco [--images 50000] [--per-image 20] [--keep DIR]
 */
#define G_LOG_DOMAIN "bench-coco"
#define _GNU_SOURCE   /* memmem */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "calque-export-formats.h"
#include "calque-hlc.h"
#include "calque-import-formats.h"
#include "calque-test-util.h"
#include "calque-uuid.h"
#include "calque-workspace.h"

#define N_LABELS  10
#define AUTHOR    "annotator-07"
#define WIDTH     1920
#define HEIGHT    1080
/* 2025-10-01 00:00 UTC */
#define START_MS  G_GINT64_CONSTANT (1759276800000)

static int opt_images = 50000;
static int opt_per_image = 20;
static char *opt_keep = NULL;
static char *opt_phase = NULL;
static char *opt_workspace = NULL;
static char *opt_project = NULL;
static char *opt_file = NULL;

static const GOptionEntry options[] = {
  { "images", 0, 0, G_OPTION_ARG_INT, &opt_images, "Images of the project", "N" },
  { "per-image", 0, 0, G_OPTION_ARG_INT, &opt_per_image, "Annotations per image", "N" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &opt_keep, "Work in DIR and keep it", "DIR" },
  /* What the child processes are told. */
  { "phase", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_phase, NULL, NULL },
  { "workspace", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_workspace, NULL, NULL },
  { "project", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_project, NULL, NULL },
  { "file", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_file, NULL, NULL },
  G_OPTION_ENTRY_NULL
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
check (sqlite3    *db,
       int         rc,
       int         expected,
       const char *what)
{
  if (rc != expected)
    g_error ("%s: %s", what, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* The peak resident memory of this process so far, in KiB. */
static guint64
peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* ---- building the workspace ---- */

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
  sqlite3        *db;
  sqlite3_stmt   *put;
  CalqueHlcClock *clock;
  char            hlc[CALQUE_HLC_STRING_LENGTH + 1];
} Writer;

static const char *
next_clock (Writer *w)
{
  CalqueHlc now = calque_hlc_clock_now (w->clock);

  calque_hlc_to_string (&now, w->hlc);
  return w->hlc;
}

static void
put_row (Writer     *w,
         const char *id,
         const char *kind,
         const char *project,
         const char *fields,
         const char *clocks,
         const char *item,
         const char *person,
         gint64      created,
         const char *labels)
{
  sqlite3_bind_text (w->put, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 3, project, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 4, fields, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 5, clocks, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 6, w->hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 7, item, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->put, 8, person, -1, SQLITE_STATIC);
  if (created >= 0)
    sqlite3_bind_int64 (w->put, 9, created);
  else
    sqlite3_bind_null (w->put, 9);
  sqlite3_bind_text (w->put, 10, labels, -1, SQLITE_STATIC);
  check (w->db, sqlite3_step (w->put), SQLITE_DONE, "inserting a record");
  sqlite3_reset (w->put);
}

static char *
save_project (CalqueStore *store,
              const char  *name)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", "image");
  calque_record_set_int (project, "created", START_MS);
  if (!calque_store_save (store, project, &error))
    g_error ("%s", error->message);
  return g_strdup (calque_record_get_id (project));
}

/* The two projects and the labels through the store; items and
 * annotations with plain SQLite into the same file, in one transaction. */
static void
build_workspace (const char *dir,
                 char      **out_source,
                 char      **out_target)
{
  static const char * const item_fields[] = { "media", "name", "url", "width", "height", "created", NULL };
  static const char * const annotation_fields[] = { "item", "author", "labels", "shape", "confidence", "created", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autofree char *db_path = NULL;
  char labels[N_LABELS][37];
  Writer w = { 0 };
  CalqueStore *store;
  gint64 n = 0;

  workspace = calque_workspace_create (dir, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (workspace);
  *out_source = save_project (store, "Street scenes");
  *out_target = save_project (store, "Street scenes, imported");
  for (int i = 0; i < N_LABELS; i++)
    {
      g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, *out_source);
      g_autofree char *name = g_strdup_printf ("class-%d", i);

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", "#3584e4");
      calque_record_set_int (label, "position", i);
      g_assert_true (calque_store_save (store, label, &error));
      g_strlcpy (labels[i], calque_record_get_id (label), sizeof labels[i]);
    }
  db_path = g_strdup (calque_store_get_filename (store));
  g_clear_object (&workspace);

  check (NULL, sqlite3_open (db_path, &w.db), SQLITE_OK, "opening");
  w.clock = calque_hlc_clock_new (calque_hlc_node_random ());
  check (w.db, sqlite3_exec (w.db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL), SQLITE_OK, "begin");
  check (w.db, sqlite3_prepare_v2 (w.db,
                                   "INSERT INTO records (id, kind, project, deleted, fields, clocks, updated, blob,"
                                   " item, person, state, created, labels)"
                                   " VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, NULL, ?7, ?8, NULL, ?9, ?10)", -1, &w.put, NULL),
         SQLITE_OK, "preparing");

  for (int i = 0; i < opt_images; i++)
    {
      gint64 created = START_MS + (gint64) i * 1000;
      char source_item[37], target_item[37];
      g_autofree char *clocks = clocks_for (item_fields, next_clock (&w));

      calque_uuid7_generate_at (created, source_item);
      calque_uuid7_generate_at (created, target_item);
      g_string_printf (fields, "{\"media\":\"image\",\"name\":\"street-%06d.jpg\","
                       "\"url\":\"https://data.example.org/street-%06d.jpg\",\"width\":%d,\"height\":%d,"
                       "\"created\":%" G_GINT64_FORMAT "}", i, i, WIDTH, HEIGHT, created);
      put_row (&w, source_item, "item", *out_source, fields->str, clocks, NULL, NULL, -1, NULL);
      put_row (&w, target_item, "item", *out_target, fields->str, clocks, NULL, NULL, -1, NULL);

      for (int a = 0; a < opt_per_image; a++, n++)
        {
          int label = g_rand_int_range (rand, 0, N_LABELS);
          /* Tenths of a pixel, as people and models draw. */
          double x = g_rand_int_range (rand, 0, 17000) / 10.0, y = g_rand_int_range (rand, 0, 9000) / 10.0;
          double bw = g_rand_int_range (rand, 10, 2000) / 10.0, bh = g_rand_int_range (rand, 10, 1800) / 10.0;
          double confidence = g_rand_int_range (rand, 0, 1000) / 1000.0;
          g_autofree char *annotation_clocks = clocks_for (annotation_fields, next_clock (&w));
          g_autofree char *label_ids = g_strdup_printf ("[\"%s\"]", labels[label]);
          char id[37];

          calque_uuid7_generate_at (created + 1 + a, id);
          g_string_printf (fields, "{\"item\":\"%s\",\"author\":\"" AUTHOR "\",\"labels\":%s,\"shape\":",
                           source_item, label_ids);
          if (n % 10 == 9)
            g_string_append_printf (fields, "{\"type\":\"polygon\",\"points\":[%g,%g,%g,%g,%g,%g]}",
                                    x, y, x + bw, y, x + bw / 2, y + bh);
          else
            g_string_append_printf (fields, "{\"type\":\"box\",\"x\":%g,\"y\":%g,\"w\":%g,\"h\":%g}", x, y, bw, bh);
          g_string_append_printf (fields, ",\"confidence\":%g,\"created\":%" G_GINT64_FORMAT "}",
                                  confidence, created + 1 + a);
          put_row (&w, id, "annotation", *out_source, fields->str, annotation_clocks,
                   source_item, AUTHOR, created + 1 + a, label_ids);
        }
    }

  check (w.db, sqlite3_exec (w.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
         SQLITE_OK, "commit");
  sqlite3_finalize (w.put);
  sqlite3_close (w.db);
  calque_hlc_clock_free (w.clock);
}

/* Rows written by hand must be what the store itself would have written:
 * about one in 16 read back through the store and validated. */
static void
check_workspace (const char *dir)
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
  check (db, sqlite3_prepare_v2 (db, "SELECT id FROM records WHERE substr (id, 36, 1) = 'a'", -1, &stmt, NULL),
         SQLITE_OK, "sampling");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(CalqueRecord) record = calque_store_get (store, (const char *) sqlite3_column_text (stmt, 0), &error);

      g_assert_no_error (error);
      if (!calque_record_validate (record, &error))
        g_error ("%s: %s", calque_record_get_id (record), error->message);
      n++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_print ("  records read back through the store and valid: %u\n", n);
}

/* ---- the phases, each in a process of its own ---- */

static CalqueRecord *
open_project (CalqueWorkspace **out_workspace)
{
  g_autoptr(GError) error = NULL;
  CalqueRecord *project;

  *out_workspace = calque_workspace_open (opt_workspace, &error);
  if (*out_workspace == NULL)
    g_error ("%s", error->message);
  project = calque_store_get (calque_workspace_get_store (*out_workspace), opt_project, &error);
  if (project == NULL)
    g_error ("%s", error->message);
  return project;
}

/* ---- the floor: the import's writes, by SQLite alone ---- */

/* The rows an import wrote (its project's annotations and their outbox
 * entries), held in memory. */
typedef struct {
  GStringChunk *text;
  GPtrArray *records;   /* 13 columns each: const char * or NULL (as text) */
  GPtrArray *outbox;    /* record_id, fields, base_seq, change */
} Rows;

static void
read_rows (const char *db_path,
           const char *project,
           Rows       *rows)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  rows->text = g_string_chunk_new (64 * 1024 * 1024);
  rows->records = g_ptr_array_new ();
  rows->outbox = g_ptr_array_new ();
  check (NULL, sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "opening");
  check (db, sqlite3_prepare_v2 (db, "SELECT id, kind, project, deleted, fields, clocks, updated, blob,"
                                 " item, person, state, created, labels FROM records"
                                 " WHERE project = ?1 AND kind = 'annotation' ORDER BY id", -1, &stmt, NULL),
         SQLITE_OK, "reading the rows");
  sqlite3_bind_text (stmt, 1, project, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 13; c++)
      g_ptr_array_add (rows->records, sqlite3_column_type (stmt, c) == SQLITE_NULL ? NULL
                       : g_string_chunk_insert (rows->text, (const char *) sqlite3_column_text (stmt, c)));
  sqlite3_finalize (stmt);
  check (db, sqlite3_prepare_v2 (db, "SELECT record_id, fields, base_seq, change FROM outbox"
                                 " WHERE record_id IN (SELECT id FROM records WHERE project = ?1 AND kind = 'annotation')"
                                 " ORDER BY op_no", -1, &stmt, NULL),
         SQLITE_OK, "reading the outbox");
  sqlite3_bind_text (stmt, 1, project, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 4; c++)
      g_ptr_array_add (rows->outbox, g_string_chunk_insert (rows->text, (const char *) sqlite3_column_text (stmt, c)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Writes @rows into the workspace file @copy (as it was before the
 * import) the plainest way: the store's pragmas, one transaction, two
 * prepared INSERTs. Prints "RESULT" as the other phases do. */
static int
run_floor (const char *copy)
{
  g_autofree char *source = g_build_filename (opt_workspace, "workspace.sqlite", NULL);
  Rows rows;
  sqlite3 *db = NULL;
  sqlite3_stmt *put = NULL, *queue = NULL;
  guint64 n;
  double t0;

  read_rows (source, opt_project, &rows);
  n = rows.records->len / 13;
  if (n == 0 || rows.outbox->len / 4 != n)
    g_error ("%" G_GUINT64_FORMAT " records and %u outbox entries", n, rows.outbox->len / 4);

  t0 = now_s ();
  check (NULL, sqlite3_open (copy, &db), SQLITE_OK, "opening the copy");
  check (db, sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; BEGIN IMMEDIATE",
                           NULL, NULL, NULL), SQLITE_OK, "begin");
  check (db, sqlite3_prepare_v2 (db, "INSERT INTO records (id, kind, project, deleted, fields, clocks, updated,"
                                 " blob, item, person, state, created, labels)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                                 -1, &put, NULL), SQLITE_OK, "preparing");
  check (db, sqlite3_prepare_v2 (db, "INSERT INTO outbox (record_id, fields, base_seq, change) VALUES (?1, ?2, ?3, ?4)",
                                 -1, &queue, NULL), SQLITE_OK, "preparing");
  for (guint64 i = 0; i < n; i++)
    {
      const char **record = (const char **) rows.records->pdata + 13 * i;
      const char **entry = (const char **) rows.outbox->pdata + 4 * i;

      for (int c = 0; c < 13; c++)
        {
          if (record[c] == NULL)
            sqlite3_bind_null (put, c + 1);
          else if (c == 3 || c == 11)
            sqlite3_bind_int64 (put, c + 1, g_ascii_strtoll (record[c], NULL, 10));
          else
            sqlite3_bind_text (put, c + 1, record[c], -1, SQLITE_STATIC);
        }
      check (db, sqlite3_step (put), SQLITE_DONE, "inserting a record");
      sqlite3_reset (put);
      sqlite3_bind_text (queue, 1, entry[0], -1, SQLITE_STATIC);
      sqlite3_bind_text (queue, 2, entry[1], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (queue, 3, g_ascii_strtoll (entry[2], NULL, 10));
      sqlite3_bind_text (queue, 4, entry[3], -1, SQLITE_STATIC);
      check (db, sqlite3_step (queue), SQLITE_DONE, "inserting an outbox entry");
      sqlite3_reset (queue);
    }
  sqlite3_finalize (put);
  sqlite3_finalize (queue);
  check (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "commit");
  /* Timed up to here, as the import is: up to its commit. */
  g_print ("RESULT %.3f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", now_s () - t0, peak_kib (), n);
  check (db, sqlite3_close (db), SQLITE_OK, "closing");
  return 0;
}

/* Prints "RESULT seconds peak-KiB count" for the parent. */
static int
run_phase (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  double t0;
  guint64 count = 0;

  if (g_str_equal (opt_phase, "floor"))
    return run_floor (opt_file);
  t0 = now_s ();
  project = open_project (&workspace);
  if (g_str_equal (opt_phase, "export"))
    {
      CalqueExportFilter filter = { .version = CALQUE_EXPORT_VERSION_ALL };
      CalqueExportOptions options = { .with_media = FALSE };
      g_autoptr(CalqueExportSource) source = calque_export_source_new (workspace, project, &filter, &error);

      if (source == NULL || !calque_export_format_find ("coco")->write (source, opt_file, &options, NULL, &error))
        g_error ("export: %s", error->message);
      count = calque_export_source_get_n_annotations (source);
    }
  else if (g_str_equal (opt_phase, "import"))
    {
      CalqueAnnotationImportOptions options = { .author = AUTHOR };
      g_autoptr(CalqueImportReport) report = calque_import_annotations (workspace, project,
                                                                        calque_import_format_find ("coco"),
                                                                        opt_file, &options, NULL, NULL, NULL, &error);

      if (report == NULL)
        g_error ("import: %s", error->message);
      count = report->annotations;
    }
  else
    g_error ("no phase “%s”", opt_phase);

  g_print ("RESULT %.3f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", now_s () - t0, peak_kib (), count);
  return 0;
}

typedef struct {
  double seconds;
  double peak_mib;
  guint64 count;
} Figures;

/* Runs @argv and reads the "RESULT" line it prints (the Python baselines
 * print the same, with the peak in KiB as ru_maxrss gives it on Linux). */
static Figures
run_child (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autofree char *out = NULL;
  const char *line;
  Figures figures = { 0 };
  guint64 kib;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process) || (line = strstr (out, "RESULT ")) == NULL)
    g_error ("%s failed:\n%s", argv[0], out);
  if (sscanf (line, "RESULT %lf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &figures.seconds, &kib, &figures.count) != 3)
    g_error ("%s: cannot read “%s”", argv[0], line);
  figures.peak_mib = kib / 1024.0;
  return figures;
}

static Figures
run_phase_child (const char *self_path,
                 const char *phase,
                 const char *workspace,
                 const char *project,
                 const char *file)
{
  return run_child ((const char * const[]) { self_path, "--phase", phase, "--workspace", workspace,
                                             "--project", project, "--file", file, NULL });
}

static const char python_load[] =
  "import json, resource, sys, time\n"
  "t = time.perf_counter()\n"
  "with open(sys.argv[1]) as f:\n"
  "    data = json.load(f)\n"
  "t = time.perf_counter() - t\n"
  "print('RESULT %.3f %d %d' % (t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(data['annotations'])))\n";

static const char python_dump[] =
  "import json, resource, sys, time\n"
  "with open(sys.argv[1]) as f:\n"
  "    data = json.load(f)\n"
  "t = time.perf_counter()\n"
  "with open(sys.argv[2], 'w') as f:\n"
  "    json.dump(data, f)\n"
  "t = time.perf_counter() - t\n"
  "print('RESULT %.3f %d %d' % (t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(data['annotations'])))\n";

/* The "annotations" arrays of two exports, byte for byte, without reading
 * either whole into memory (they are mapped). */
static gboolean
same_annotations (const char *a,
                  const char *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) fa = g_mapped_file_new (a, FALSE, &error);
  g_autoptr(GMappedFile) fb = NULL;
  static const char key[] = "\"annotations\":[";
  const char *pa, *pb;
  gsize la, lb;

  g_assert_no_error (error);
  fb = g_mapped_file_new (b, FALSE, &error);
  g_assert_no_error (error);
  pa = memmem (g_mapped_file_get_contents (fa), g_mapped_file_get_length (fa), key, strlen (key));
  pb = memmem (g_mapped_file_get_contents (fb), g_mapped_file_get_length (fb), key, strlen (key));
  g_assert_nonnull (pa);
  g_assert_nonnull (pb);
  la = g_mapped_file_get_length (fa) - (gsize) (pa - g_mapped_file_get_contents (fa));
  lb = g_mapped_file_get_length (fb) - (gsize) (pb - g_mapped_file_get_contents (fb));
  return la == lb && memcmp (pa, pb, la) == 0;
}

/* Copies the workspace file as it is (the phases before it leave no
 * write-ahead log behind). */
static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autofree char *wal = g_strconcat (from, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    g_error ("%s is not checkpointed", from);
  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
}

static void
report (const char    *what,
        const Figures *figures)
{
  g_print ("  %-52s %9.2f %10.0f\n", what, figures->seconds, figures->peak_mib);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *self_path = NULL;
  g_autofree char *source = NULL, *target = NULL;
  g_autofree char *exported = NULL, *reexported = NULL, *dumped = NULL;
  Figures export, import, again, floor, load, dump;
  GStatBuf st;
  double t0;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_phase != NULL)
    return run_phase ();

  g_print ("bench-coco: %d images × %d annotations = %d (boxes and one in ten triangles)\n",
           opt_images, opt_per_image, opt_images * opt_per_image);
  self_path = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  dir = opt_keep ? g_strdup (opt_keep) : g_dir_make_tmp ("bench-coco-XXXXXX", &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (dir, 0755);
  {
    g_autofree char *workspace = g_build_filename (dir, "workspace", NULL);
    g_autofree char *db_path = g_build_filename (workspace, "workspace.sqlite", NULL);
    g_autofree char *floor_copy = g_build_filename (dir, "floor.sqlite", NULL);

    t0 = now_s ();
    build_workspace (workspace, &source, &target);
    g_print ("  workspace written in %.1f s\n", now_s () - t0);
    check_workspace (workspace);

    exported = g_build_filename (dir, "instances.json", NULL);
    reexported = g_build_filename (dir, "reimported.json", NULL);
    dumped = g_build_filename (dir, "python-dump.json", NULL);

    export = run_phase_child (self_path, "export", workspace, source, exported);
    g_assert_cmpint (g_stat (exported, &st), ==, 0);
    copy_file (db_path, floor_copy);
    import = run_phase_child (self_path, "import", workspace, target, exported);
    if (import.count != export.count)
      g_error ("exported %" G_GUINT64_FORMAT " annotations, imported %" G_GUINT64_FORMAT, export.count, import.count);
    again = run_phase_child (self_path, "export", workspace, target, reexported);
    floor = run_phase_child (self_path, "floor", workspace, target, floor_copy);
    if (floor.count != import.count)
      g_error ("the floor wrote %" G_GUINT64_FORMAT " rows, not %" G_GUINT64_FORMAT, floor.count, import.count);
    g_unlink (floor_copy);
  }
  load = run_child ((const char * const[]) { "/usr/bin/python3", "-c", python_load, exported, NULL });
  dump = run_child ((const char * const[]) { "/usr/bin/python3", "-c", python_dump, exported, dumped, NULL });
  if (load.count != export.count)
    g_error ("Python read %" G_GUINT64_FORMAT " annotations, not %" G_GUINT64_FORMAT, load.count, export.count);

  g_print ("  exported file: %.1f MiB, %" G_GUINT64_FORMAT " annotations; re-imported and exported again: %s\n",
           st.st_size / 1048576.0, export.count,
           same_annotations (exported, reexported) ? "the same annotations, byte for byte" : "DIFFERENT");
  g_print ("\n  %-52s %9s %10s\n", "", "seconds", "peak MiB");
  report ("Calque export (calque-cli export --format coco)", &export);
  report ("Calque import into a fresh project (one transaction)", &import);
  report ("Calque export of that project (the check above)", &again);
  g_print ("floor, from the same run: the records and outbox entries the import wrote, into the\n"
           "workspace as it was before it, by SQLite alone (prepared INSERTs, one transaction):\n");
  report ("the same rows, by SQLite alone", &floor);
  g_print ("baseline, Debian's Python %s on the same file:\n", "json");
  report ("json.load", &load);
  report ("json.dump of what it loaded (peak with the load)", &dump);
  g_print ("goal: export faster than json.dump, import faster than json.load, both under 1024 MiB\n");

  if (opt_keep == NULL)
    calque_test_remove_tree (dir);
  return 0;
}
