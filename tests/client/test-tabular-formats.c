/* test-tabular-formats.c — csv, jsonl, conll and the segment files, out and back in
 *
 * One real workspace with an image, a text and an audio project, and the
 * real calque-cli: the exported files are read cell by cell (formula
 * guards, numbers, code point offsets, IOB2 tags), each format's export is
 * imported as another annotator and exported again to the same bytes, and
 * bad files are refused with the file and the line, leaving the workspace
 * as it was.
 */
#define G_LOG_DOMAIN "test-tabular-formats"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "calque-csv.h"
#include "calque-export-source.h"
#include "calque-export-writers.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

#define HYPERLINK "=HYPERLINK(\"http://evil.example\",\"click\")"
#define CREATED   1764084000125   /* 2025-11-25T15:20:00.125Z */

/* "Amélie met 👍🏽 Bob in New York." — the thumb and its skin tone are
 * code points 11 and 12: 30 code points, 36 bytes. */
#define TEXT_1 "Am\xc3\xa9lie met \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd Bob in New York."
#define TEXT_2 "Paris, je t'aime."

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  CalqueStore     *store;
  CalqueRecord    *shapes;    /* image project */
  CalqueRecord    *texts;     /* text project */
  CalqueRecord    *sounds;    /* audio project */
  GHashTable      *ids;       /* short name ("a.png", "PER", "t1") → record id */
} Fixture;

/* --- building the workspace ------------------------------------------------ */

static const char *
id_of (Fixture    *f,
       const char *name)
{
  const char *id = g_hash_table_lookup (f->ids, name);

  g_assert_nonnull (id);
  return id;
}

static CalqueRecord *
save_project (Fixture    *f,
              const char *name,
              const char *type)
{
  CalqueRecord *project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (project, "name", name);
  calque_record_set_string (project, "type", type);
  calque_record_set_bool (project, "multi_label", TRUE);
  g_assert_true (calque_store_save (f->store, project, &error));
  g_assert_no_error (error);
  return project;
}

static void
save_label (Fixture      *f,
            CalqueRecord *project,
            const char   *key,
            const char   *name,
            int           position)
{
  g_hash_table_insert (f->ids, g_strdup (key),
                       calque_test_save_label (f->store, calque_record_get_id (project), name, "#3584e4", position));
}

static void
save_item (Fixture      *f,
           CalqueRecord *project,
           const char   *key,
           const char   *name,
           const char   *media,
           const char   *text,
           double        size)
{
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", media);
  calque_record_set_string (item, "name", name);
  if (g_str_equal (media, "image"))
    {
      calque_record_set_string (item, "url", "https://example.org/image.png");
      calque_record_set_int (item, "width", 200);
      calque_record_set_int (item, "height", 100);
    }
  else if (g_str_equal (media, "audio"))
    {
      calque_record_set_string (item, "url", "https://example.org/sound.wav");
      calque_record_set_double (item, "duration", size);
      calque_record_set_int (item, "channels", 2);
    }
  else
    calque_record_set_string (item, "text", text);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  g_hash_table_insert (f->ids, g_strdup (key), g_strdup (calque_record_get_id (item)));
}

/* @labels: short names, NULL-terminated; @attributes: JSON text or NULL. */
static void
save_annotation (Fixture            *f,
                 CalqueRecord       *project,
                 const char         *item,
                 const char * const *labels,
                 CalqueShape        *shape,
                 double              confidence,
                 const char         *attributes)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (project));
  g_autoptr(CalqueShape) owned = shape;
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; labels[i] != NULL; i++)
    json_array_add_string_element (ids, id_of (f, labels[i]));
  json_node_set_array (node, ids);
  calque_record_set_string (annotation, "item", id_of (f, item));
  calque_record_set_string (annotation, "author", "amelie");
  calque_record_set_field (annotation, "labels", node);
  calque_record_set_shape (annotation, owned);
  if (!isnan (confidence))
    calque_record_set_double (annotation, "confidence", confidence);
  if (attributes != NULL)
    calque_record_set_field (annotation, "attributes", json_from_string (attributes, NULL));
  calque_record_set_int (annotation, "created", CREATED);
  calque_store_save (f->store, annotation, &error);
  g_assert_no_error (error);
}

#define LABELS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define NO_LABELS   ((const char * const[]) { NULL })

static CalqueShape *
rotated_box (double x, double y, double w, double h, double rotation)
{
  CalqueShape *shape = calque_shape_new_box (x, y, w, h);

  shape->rotation = rotation;
  return shape;
}

static CalqueShape *
segment (double start, double end, int channel)
{
  CalqueShape *shape = calque_shape_new_segment (start, end);

  shape->channel = channel;
  return shape;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const double square[] = { 10, 10, 90, 10, 90, 90, 10, 90 };
  const double hole[] = { 20, 20, 30, 20, 30, 30 };
  const double line[] = { 0, 0, 199.5, 99.5 };
  CalqueShape *polygon;

  f->workspace = calque_test_workspace_new ("calque-tabular", &f->dir);
  f->store = calque_workspace_get_store (f->workspace);
  f->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* Shapes: labels a spreadsheet would run, a "|" inside a name, a label
   * that looks like a number. */
  f->shapes = save_project (f, "Shapes", "image");
  save_label (f, f->shapes, "link", HYPERLINK, 0);
  save_label (f, f->shapes, "plus", "+1", 1);
  save_label (f, f->shapes, "sum", "@SUM(A1:A9)", 2);
  save_label (f, f->shapes, "catdog", "cat|dog", 3);
  save_label (f, f->shapes, "plain", "plain", 4);
  save_label (f, f->shapes, "minus", "-3.5", 5);
  save_item (f, f->shapes, "a.png", "a.png", "image", NULL, 0);
  save_item (f, f->shapes, "b.png", "b.png", "image", NULL, 0);
  save_item (f, f->shapes, "@evil.png", "@evil.png", "image", NULL, 0);

  save_annotation (f, f->shapes, "a.png", LABELS ("sum", "link"), rotated_box (10, 20, 30.5, 40, 30), 0.75,
                   "{\"note\":\"=1+2\",\"size\":-3.5,\"ok\":true}");
  polygon = calque_shape_new_polygon (square, 4);
  calque_shape_add_hole (polygon, hole, 3);
  save_annotation (f, f->shapes, "a.png", LABELS ("plus"), polygon, NAN, NULL);
  save_annotation (f, f->shapes, "a.png", LABELS ("catdog"), calque_shape_new_polyline (line, 2), NAN, NULL);
  save_annotation (f, f->shapes, "a.png", LABELS ("minus"), calque_shape_new_point (5.25, 6), NAN, NULL);
  save_annotation (f, f->shapes, "a.png", LABELS ("plain", "plus"), calque_shape_new (CALQUE_SHAPE_CLASSIFICATION),
                   NAN, NULL);
  save_annotation (f, f->shapes, "a.png", NO_LABELS, calque_shape_new_point (1, 2), 0.5, NULL);
  save_annotation (f, f->shapes, "b.png", LABELS ("plain"), calque_shape_new_box (0, 0, 200, 100), NAN, NULL);
  /* A long thin box turned upright near the left edge: its corners are
   * inside the image, its unturned left side at x -3.5. */
  save_annotation (f, f->shapes, "b.png", LABELS ("sum", "minus"), rotated_box (-3.5, 20, 40, 4, 90), NAN, NULL);
  save_annotation (f, f->shapes, "@evil.png", LABELS ("plain"), calque_shape_new_point (3, 4), NAN, NULL);

  /* Texts: two items with the same text, spans that nest, share a token,
   * cover white space only or part of a word, carry two labels or none. */
  f->texts = save_project (f, "Texts", "text");
  save_label (f, f->texts, "PER", "PER", 0);
  save_label (f, f->texts, "LOC", "LOC", 1);
  save_label (f, f->texts, "NY", "New York", 2);
  save_label (f, f->texts, "positive", "positive", 3);
  save_item (f, f->texts, "t1", "notes.txt:1", "text", TEXT_1, 0);
  save_item (f, f->texts, "t2", "notes.txt:2", "text", TEXT_2, 0);
  save_item (f, f->texts, "t3", "notes.txt:3", "text", TEXT_1, 0);

  save_annotation (f, f->texts, "t1", LABELS ("PER"), calque_shape_new_span (0, 6), NAN, NULL);
  save_annotation (f, f->texts, "t1", LABELS ("LOC", "PER"), calque_shape_new_span (11, 13), NAN, NULL);
  save_annotation (f, f->texts, "t1", LABELS ("PER"), calque_shape_new_span (14, 17), NAN, NULL);
  save_annotation (f, f->texts, "t1", NO_LABELS, calque_shape_new_span (18, 20), NAN, NULL);
  save_annotation (f, f->texts, "t1", LABELS ("LOC"), calque_shape_new_span (21, 29), 0.25, NULL);
  save_annotation (f, f->texts, "t1", LABELS ("positive"), calque_shape_new (CALQUE_SHAPE_CLASSIFICATION), NAN, NULL);
  save_annotation (f, f->texts, "t2", LABELS ("LOC"), calque_shape_new_span (0, 5), NAN, NULL);
  save_annotation (f, f->texts, "t2", LABELS ("PER"), calque_shape_new_span (0, 3), NAN, NULL);
  save_annotation (f, f->texts, "t2", LABELS ("LOC"), calque_shape_new_span (6, 7), NAN, NULL);
  save_annotation (f, f->texts, "t3", LABELS ("LOC"), calque_shape_new_span (8, 9), NAN, NULL);
  save_annotation (f, f->texts, "t3", LABELS ("PER"), calque_shape_new_span (14, 17), NAN, NULL);
  save_annotation (f, f->texts, "t3", LABELS ("NY"), calque_shape_new_span (21, 29), NAN, NULL);

  /* Sounds: segments on every channel and on one, and a classification
   * of the whole clip. */
  f->sounds = save_project (f, "Sounds", "audio");
  save_label (f, f->sounds, "music", "=music", 0);
  save_label (f, f->sounds, "speech", "speech", 1);
  save_item (f, f->sounds, "talk.wav", "talk.wav", "audio", NULL, 10.5);
  save_item (f, f->sounds, "quiet.wav", "quiet.wav", "audio", NULL, 3);
  save_annotation (f, f->sounds, "talk.wav", LABELS ("speech"), segment (0.5, 2.25, -1), 0.9, NULL);
  save_annotation (f, f->sounds, "talk.wav", LABELS ("speech", "music"), segment (3, 4.125, 1), NAN, NULL);
  save_annotation (f, f->sounds, "talk.wav", LABELS ("speech"), calque_shape_new (CALQUE_SHAPE_CLASSIFICATION),
                   NAN, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->shapes);
  g_clear_object (&f->texts);
  g_clear_object (&f->sounds);
  g_clear_object (&f->workspace);
  g_clear_pointer (&f->ids, g_hash_table_unref);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* --- running calque-cli and reading what it wrote ------------------------ */

/* Runs calque-cli on the fixture's workspace with the NULL-terminated
 * arguments; returns its exit status. */
static int
cli (Fixture     *f,
     char       **out_stderr,
     const char  *first,
     ...)
{
  const char *cli_path = g_getenv ("CALQUE_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  va_list args;

  g_assert_nonnull (cli_path);
  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, (char *) "--workspace");
  g_ptr_array_add (argv, (char *) calque_workspace_get_path (f->workspace));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  else if (WEXITSTATUS (status) != 0)
    g_test_message ("calque-cli: %s", err);
  return WEXITSTATUS (status);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static char *
contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* The rows of a CSV file, raw (guards still on). */
static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr(CalqueCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GStrv row;

  g_assert_nonnull (in);
  reader = calque_csv_reader_new (G_INPUT_STREAM (in), path);
  while (calque_csv_reader_next (reader, &row, NULL, NULL, &error))
    g_ptr_array_add (rows, row);
  g_assert_no_error (error);
  return rows;
}

/* Exports @project in @format (one annotator's version, or everyone's if
 * @annotator is NULL) to @name in the fixture's folder; returns its path. */
static char *
export (Fixture    *f,
        const char *project,
        const char *format,
        const char *annotator,
        const char *name)
{
  char *path = path_in (f, name);

  if (annotator != NULL)
    g_assert_cmpint (cli (f, NULL, "export", "--project", project, "--format", format, "--annotator", annotator,
                          "--output", path, NULL), ==, 0);
  else
    g_assert_cmpint (cli (f, NULL, "export", "--project", project, "--format", format, "--output", path, NULL),
                     ==, 0);
  return path;
}

static void
import_as (Fixture    *f,
           const char *project,
           const char *format,
           const char *author,
           const char *path)
{
  g_assert_cmpint (cli (f, NULL, "import", "--project", project, "--format", format, "--author", author, path, NULL),
                   ==, 0);
}

/* --- csv ------------------------------------------------------------------- */

enum {
  C_ITEM, C_ITEM_ID, C_ANNOTATION_ID, C_AUTHOR, C_LABELS, C_TYPE, C_X, C_Y, C_W, C_H, C_ROTATION,
  C_POINTS, C_HOLES, C_START, C_END, C_CHANNEL, C_TEXT, C_CONFIDENCE, C_ATTRIBUTES, C_CREATED, N_C
};

static void
assert_row (GStrv               row,
            const char * const *expected)
{
  /* NULL in @expected: not checked (ids). */
  g_assert_cmpuint (g_strv_length (row), ==, N_C);
  for (guint i = 0; i < N_C; i++)
    if (expected[i] != NULL)
      g_assert_cmpstr (row[i], ==, expected[i]);
}

static void
test_csv_cells (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *t = "2025-11-25T15:20:00.125Z";

  path = export (f, "Shapes", "csv", NULL, "shapes.csv");
  rows = read_csv (path);
  g_assert_cmpuint (rows->len, ==, 1 + 9);

  assert_row (rows->pdata[0], (const char *[]) {
    "item", "item_id", "annotation_id", "author", "labels", "type", "x", "y", "w", "h", "rotation", "points",
    "holes", "start", "end", "channel", "text", "confidence", "attributes", "created" });

  /* Items in name order: "@evil.png" first, its name guarded. */
  assert_row (rows->pdata[1], (const char *[]) {
    "'@evil.png", id_of (f, "@evil.png"), NULL, "amelie", "plain", "point", "3", "4", "", "", "", "", "", "", "",
    "", "", "", "", t });
  /* Labels in the project's order, the whole cell guarded: a spreadsheet
   * shows the text instead of running HYPERLINK. The attributes are a JSON
   * object: the cell starts with "{", which no spreadsheet runs, and the
   * values inside are kept as they are. */
  assert_row (rows->pdata[2], (const char *[]) {
    "a.png", id_of (f, "a.png"), NULL, "amelie", "'" HYPERLINK "|@SUM(A1:A9)", "box", "10", "20", "30.5", "40",
    "30", "", "", "", "", "", "", "0.75", "{\"note\":\"=1+2\",\"size\":-3.5,\"ok\":true}", t });
  assert_row (rows->pdata[3], (const char *[]) {
    "a.png", NULL, NULL, "amelie", "'+1", "polygon", "", "", "", "", "", "[10,10,90,10,90,90,10,90]",
    "[[20,20,30,20,30,30]]", "", "", "", "", "", "", t });
  assert_row (rows->pdata[4], (const char *[]) {
    "a.png", NULL, NULL, "amelie", "cat\\|dog", "polyline", "", "", "", "", "", "[0,0,199.5,99.5]", "", "", "",
    "", "", "", "", t });
  /* The label "-3.5" is text, and guarded; the coordinates are numbers. */
  assert_row (rows->pdata[5], (const char *[]) {
    "a.png", NULL, NULL, "amelie", "'-3.5", "point", "5.25", "6", "", "", "", "", "", "", "", "", "", "", "", t });
  assert_row (rows->pdata[6], (const char *[]) {
    "a.png", NULL, NULL, "amelie", "'+1|plain", "classification", "", "", "", "", "", "", "", "", "", "", "", "",
    "", t });
  assert_row (rows->pdata[7], (const char *[]) {
    "a.png", NULL, NULL, "amelie", "", "point", "1", "2", "", "", "", "", "", "", "", "", "", "0.5", "", t });
  assert_row (rows->pdata[8], (const char *[]) {
    "b.png", id_of (f, "b.png"), NULL, "amelie", "plain", "box", "0", "0", "200", "100", "0", "", "", "", "", "",
    "", "", "", t });
  /* A negative coordinate stays a number. */
  assert_row (rows->pdata[9], (const char *[]) {
    "b.png", NULL, NULL, "amelie", "'@SUM(A1:A9)|-3.5", "box", "-3.5", "20", "40", "4", "90", "", "", "", "", "",
    "", "", "", t });
  /* Annotation ids are the records'. */
  for (guint i = 2; i < rows->len; i++)
    g_assert_cmpuint (strlen (((GStrv) rows->pdata[i])[C_ANNOTATION_ID]), ==, 36);

  /* On the wire: CRLF rows, RFC 4180 quotes around the cell with quotes
   * and commas, the guard inside them. */
  {
    g_autofree char *text = contents (path);

    g_assert_nonnull (strstr (text, "\r\na.png,"));
    g_assert_nonnull (strstr (text, ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")|@SUM(A1:A9)\",box,"));
    g_assert_nonnull (strstr (text, ",box,-3.5,20,40,4,90,"));
  }
}

static void
test_csv_text_and_audio (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *texts = export (f, "Texts", "csv", "amelie", "texts.csv");
  g_autofree char *sounds = export (f, "Sounds", "csv", "amelie", "sounds.csv");
  g_autoptr(GPtrArray) text_rows = read_csv (texts);
  g_autoptr(GPtrArray) sound_rows = read_csv (sounds);
  GStrv row;

  g_assert_cmpuint (text_rows->len, ==, 1 + 12);
  /* The spanned text, cut on code points: the emoji with its skin tone. */
  row = text_rows->pdata[2];
  g_assert_cmpstr (row[C_TYPE], ==, "span");
  g_assert_cmpstr (row[C_LABELS], ==, "PER|LOC");
  g_assert_cmpstr (row[C_START], ==, "11");
  g_assert_cmpstr (row[C_END], ==, "13");
  g_assert_cmpstr (row[C_TEXT], ==, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");
  row = text_rows->pdata[5];
  g_assert_cmpstr (row[C_TEXT], ==, "New York");
  g_assert_cmpstr (row[C_CONFIDENCE], ==, "0.25");
  /* A span of one space: quoted, so that the space stays. */
  row = text_rows->pdata[9];
  g_assert_cmpstr (row[C_ITEM], ==, "notes.txt:2");
  g_assert_cmpstr (row[C_TEXT], ==, " ");

  g_assert_cmpuint (sound_rows->len, ==, 1 + 3);
  row = sound_rows->pdata[1];
  g_assert_cmpstr (row[C_TYPE], ==, "segment");
  g_assert_cmpstr (row[C_START], ==, "0.5");
  g_assert_cmpstr (row[C_END], ==, "2.25");
  g_assert_cmpstr (row[C_CHANNEL], ==, "");
  row = sound_rows->pdata[2];
  g_assert_cmpstr (row[C_LABELS], ==, "'=music|speech");
  g_assert_cmpstr (row[C_CHANNEL], ==, "1");
  g_assert_cmpstr (((GStrv) sound_rows->pdata[3])[C_TYPE], ==, "classification");
}

/* The same file but for the columns an import makes anew: the annotation's
 * id, its author (the import's) and its time. */
static void
assert_same_but_ids (const char *before,
                     const char *after)
{
  g_autoptr(GPtrArray) a = read_csv (before);
  g_autoptr(GPtrArray) b = read_csv (after);

  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpuint (a->len, >, 1);
  for (guint r = 0; r < a->len; r++)
    {
      GStrv ra = a->pdata[r], rb = b->pdata[r];

      g_assert_cmpuint (g_strv_length (ra), ==, g_strv_length (rb));
      for (guint c = 0; ra[c] != NULL; c++)
        if (r == 0 || (c != C_ANNOTATION_ID && c != C_AUTHOR && c != C_CREATED))
          g_assert_cmpstr (ra[c], ==, rb[c]);
    }
}

static gint64
count (Fixture    *f,
       CalqueKind  kind)
{
  g_autoptr(GError) error = NULL;
  gint64 n = calque_store_count (f->store, kind, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_csv_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  const char *projects[] = { "Shapes", "Texts", "Sounds" };
  gint64 labels = count (f, CALQUE_KIND_LABEL);

  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    {
      g_autofree char *first = g_strdup_printf ("%s-amelie.csv", projects[i]);
      g_autofree char *second = g_strdup_printf ("%s-bruno.csv", projects[i]);
      g_autofree char *before = export (f, projects[i], "csv", "amelie", first);
      g_autofree char *after = NULL;
      g_autofree char *again = NULL;

      import_as (f, projects[i], "csv", "bruno", before);
      after = export (f, projects[i], "csv", "bruno", second);
      assert_same_but_ids (before, after);

      /* Twice the same data, twice the same bytes. */
      again = export (f, projects[i], "csv", "amelie", "again.csv");
      {
        g_autofree char *x = contents (before), *y = contents (again);

        g_assert_cmpstr (x, ==, y);
      }
    }
  /* The guarded labels came back as themselves: no new label. */
  g_assert_cmpint (count (f, CALQUE_KIND_LABEL), ==, labels);
}

static void
test_csv_same_names (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = save_project (f, "Twins", "text");
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GPtrArray) first = NULL, second = NULL;
  g_autoptr(GError) error = NULL;

  /* Two texts cut from two files called notes.txt share their names; the
   * item_id column tells them apart. */
  save_label (f, project, "twin-label", "X", 0);
  save_item (f, project, "twin-1", "notes.txt:1", "text", "one two", 0);
  save_item (f, project, "twin-2", "notes.txt:1", "text", "three four", 0);
  save_annotation (f, project, "twin-1", LABELS ("twin-label"), calque_shape_new_span (0, 3), NAN, NULL);
  save_annotation (f, project, "twin-2", LABELS ("twin-label"), calque_shape_new_span (6, 10), NAN, NULL);

  before = export (f, "Twins", "csv", "amelie", "twins.csv");
  import_as (f, "Twins", "csv", "bruno", before);
  after = export (f, "Twins", "csv", "bruno", "twins-bruno.csv");
  assert_same_but_ids (before, after);

  first = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, id_of (f, "twin-1"), &error);
  second = calque_store_list_for_item (f->store, CALQUE_KIND_ANNOTATION, id_of (f, "twin-2"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 2);
  g_assert_cmpuint (second->len, ==, 2);
}

/* --- jsonl ----------------------------------------------------------------- */

static void
test_jsonl (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *before = export (f, "Texts", "jsonl", "amelie", "amelie.jsonl");
  g_autofree char *all = export (f, "Texts", "jsonl", NULL, "all.jsonl");
  g_autofree char *text = contents (before);
  g_autofree char *all_text = contents (all);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *line1 = g_strdup_printf (
    "{\"id\":\"%s\",\"text\":\"" TEXT_1 "\",\"spans\":["
    "{\"start\":0,\"end\":6,\"label\":\"PER\",\"text\":\"Am\xc3\xa9lie\"},"
    "{\"start\":11,\"end\":13,\"label\":\"PER\",\"text\":\"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\"},"
    "{\"start\":11,\"end\":13,\"label\":\"LOC\",\"text\":\"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\"},"
    "{\"start\":14,\"end\":17,\"label\":\"PER\",\"text\":\"Bob\"},"
    "{\"start\":18,\"end\":20,\"label\":null,\"text\":\"in\"},"
    "{\"start\":21,\"end\":29,\"label\":\"LOC\",\"text\":\"New York\"}],"
    "\"labels\":[\"positive\"]}", id_of (f, "t1"));
  g_autofree char *line2 = g_strdup_printf (
    "{\"id\":\"%s\",\"text\":\"" TEXT_2 "\",\"spans\":["
    "{\"start\":0,\"end\":3,\"label\":\"PER\",\"text\":\"Par\"},"
    "{\"start\":0,\"end\":5,\"label\":\"LOC\",\"text\":\"Paris\"},"
    "{\"start\":6,\"end\":7,\"label\":\"LOC\",\"text\":\" \"}],\"labels\":[]}", id_of (f, "t2"));
  g_autofree char *after = NULL;
  g_autofree char *after_text = NULL;

  /* Offsets in code points, spans by start then end then label, a span of
   * two labels twice, its text Python's text[start:end]. */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, line1);
  g_assert_cmpstr (lines[1], ==, line2);
  g_assert_cmpstr (lines[3], ==, "");
  /* Everyone's version names each span's author. */
  g_assert_nonnull (strstr (all_text, "\"text\":\"Bob\",\"author\":\"amelie\"}"));
  g_assert_null (strstr (text, "\"author\""));

  /* Round trip: the same bytes. */
  import_as (f, "Texts", "jsonl", "bruno", before);
  after = export (f, "Texts", "jsonl", "bruno", "bruno.jsonl");
  after_text = contents (after);
  g_assert_cmpstr (after_text, ==, text);
}

static void
test_jsonl_doccano (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = path_in (f, "doccano.jsonl");
  g_autofree char *csv_path = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  /* doccano's form: no item id; the text finds the item, the second line
   * with the same text the second item with it (in name order). */
  write_file (path,
              "{\"id\": 7, \"text\": \"" TEXT_1 "\", \"label\": [[14, 17, \"PER\"], \"positive\"]}\n"
              "\n"
              "{\"id\": 8, \"text\": \"" TEXT_1 "\", \"label\": [[0, 6, \"ORG\"]]}\n");
  import_as (f, "Texts", "jsonl", "carol", path);

  csv_path = export (f, "Texts", "csv", "carol", "carol.csv");
  rows = read_csv (csv_path);
  g_assert_cmpuint (rows->len, ==, 1 + 3);
  g_assert_cmpstr (((GStrv) rows->pdata[1])[C_ITEM], ==, "notes.txt:1");
  g_assert_cmpstr (((GStrv) rows->pdata[1])[C_TEXT], ==, "Bob");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_ITEM], ==, "notes.txt:1");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_TYPE], ==, "classification");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_LABELS], ==, "positive");
  g_assert_cmpstr (((GStrv) rows->pdata[3])[C_ITEM], ==, "notes.txt:3");
  g_assert_cmpstr (((GStrv) rows->pdata[3])[C_LABELS], ==, "ORG");
  g_assert_cmpstr (((GStrv) rows->pdata[3])[C_TEXT], ==, "Am\xc3\xa9lie");
}

/* --- conll ----------------------------------------------------------------- */

static const char conll_expected[] =
  "Am\xc3\xa9lie B-PER\n"
  "met O\n"
  "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd B-PER\n"
  "Bob B-PER\n"
  "in O\n"
  "New B-LOC\n"
  "York I-LOC\n"
  ". O\n"
  "\n"
  "Paris B-LOC\n"
  ", O\n"
  "je O\n"
  "t'aime O\n"
  ". O\n"
  "\n"
  "Am\xc3\xa9lie O\n"
  "met B-LOC\n"
  "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd O\n"
  "Bob B-PER\n"
  "in O\n"
  "New B-New_York\n"
  "York I-New_York\n"
  ". O\n"
  "\n";

static void
test_conll (Fixture       *f,
            gconstpointer  data)
{
  CalqueExportFilter filter = { .version = CALQUE_EXPORT_VERSION_ANNOTATOR, .annotator = "amelie" };
  g_autoptr(CalqueExportSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (f, "library.conll");
  g_autofree char *text = NULL;
  g_autofree char *cli_path = NULL;
  g_autofree char *cli_text = NULL;
  g_autofree char *err = NULL;
  CalqueConllStats stats;

  /* The writer itself, for its counts: "Par" nests in "Paris" (the
   * longer of two spans that start together is the outer one, written), the span of one space has no token, "in" has no
   * label, and the classification has no place in CoNLL. The span of the
   * "e" of "met" makes the whole token. */
  source = calque_export_source_new (f->workspace, f->texts, &filter, &error);
  g_assert_no_error (error);
  g_assert_true (_calque_export_write_conll_counted (source, path, &(CalqueExportOptions) { 0 }, &stats, NULL, &error));
  g_assert_no_error (error);
  text = contents (path);
  g_assert_cmpstr (text, ==, conll_expected);
  g_assert_cmpuint (stats.spans, ==, 8);
  g_assert_cmpuint (stats.overlapping, ==, 1);
  g_assert_cmpuint (stats.no_token, ==, 1);
  g_assert_cmpuint (stats.unlabelled, ==, 1);
  g_assert_cmpuint (stats.classifications, ==, 1);

  /* calque-cli writes the same, and says what it left out. */
  cli_path = path_in (f, "cli.conll");
  g_assert_cmpint (cli (f, &err, "export", "--project", "Texts", "--format", "conll", "--annotator", "amelie",
                        "--output", cli_path, NULL), ==, 0);
  cli_text = contents (cli_path);
  g_assert_cmpstr (cli_text, ==, conll_expected);
  g_assert_nonnull (strstr (err, "CoNLL: 3 spans left out (1 sharing a token with another, 1 without a token, 1 without a label)"));
  g_assert_nonnull (strstr (err, "CoNLL: 1 classification left out"));
}

static void
test_conll_round_trip (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *before = export (f, "Texts", "conll", "amelie", "amelie.conll");
  g_autofree char *after = NULL;
  g_autofree char *a = NULL, *b = NULL;

  /* The two texts alike go to their items in name order. */
  import_as (f, "Texts", "conll", "bruno", before);
  after = export (f, "Texts", "conll", "bruno", "bruno.conll");
  a = contents (before);
  b = contents (after);
  g_assert_cmpstr (a, ==, b);
}

static void
test_conll_other_tools (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = path_in (f, "conll2003.txt");
  g_autofree char *csv_path = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  /* CoNLL-2003's four columns and -DOCSTART-, tokens cut otherwise than
   * Calque cuts them ("t'" "aime"), and IOB1: an I- after O begins a span,
   * and so does an I- of another label. */
  write_file (path,
              "-DOCSTART- -X- -X- O\n"
              "\n"
              "Paris NNP B-NP I-LOC\n"
              ", , O O\n"
              "je PRP B-NP O\n"
              "t' PRP B-NP I-PER\n"
              "aime VB B-VP I-MISC\n"
              ". . O O\n");
  import_as (f, "Texts", "conll", "dora", path);
  csv_path = export (f, "Texts", "csv", "dora", "dora.csv");
  rows = read_csv (csv_path);
  g_assert_cmpuint (rows->len, ==, 1 + 3);
  g_assert_cmpstr (((GStrv) rows->pdata[1])[C_ITEM], ==, "notes.txt:2");
  g_assert_cmpstr (((GStrv) rows->pdata[1])[C_LABELS], ==, "LOC");
  g_assert_cmpstr (((GStrv) rows->pdata[1])[C_TEXT], ==, "Paris");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_LABELS], ==, "PER");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_START], ==, "10");
  g_assert_cmpstr (((GStrv) rows->pdata[2])[C_END], ==, "12");
  g_assert_cmpstr (((GStrv) rows->pdata[3])[C_LABELS], ==, "MISC");
  g_assert_cmpstr (((GStrv) rows->pdata[3])[C_TEXT], ==, "aime");
}

/* --- segments -------------------------------------------------------------- */

static void
test_segments (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *csv_path = export (f, "Sounds", "segments-csv", NULL, "segments.csv");
  g_autofree char *json_path = export (f, "Sounds", "segments-json", NULL, "segments.json");
  g_autofree char *csv = contents (csv_path);
  g_autofree char *json = contents (json_path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (csv, ==,
                   "item,start,end,channel,labels,confidence,author\r\n"
                   "talk.wav,0.5,2.25,,speech,0.9,amelie\r\n"
                   "talk.wav,3,4.125,1,'=music|speech,,amelie\r\n");
  g_assert_cmpstr (json, ==,
                   "[\n"
                   "{\"item\":\"talk.wav\",\"start\":0.5,\"end\":2.25,\"channel\":null,\"labels\":[\"speech\"],"
                   "\"confidence\":0.9,\"author\":\"amelie\"},\n"
                   "{\"item\":\"talk.wav\",\"start\":3,\"end\":4.125,\"channel\":1,\"labels\":[\"=music\",\"speech\"],"
                   "\"confidence\":null,\"author\":\"amelie\"}\n"
                   "]\n");
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
}

/* --- bad input ------------------------------------------------------------- */

typedef struct {
  const char *project;
  const char *format;
  const char *file;
  const char *contents;
  const char *message;    /* what stderr must hold */
} BadInput;

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *header = g_strdup ("item,item_id,annotation_id,author,labels,type,x,y,w,h,rotation,points,holes,"
                                      "start,end,channel,text,confidence,attributes,created\r\n");
  g_autofree char *good_box = g_strdup ("a.png,,,,brand-new,box,1,1,5,5,0,,,,,,,,,\r\n");
  g_autofree char *columns = g_strconcat (header, good_box, "a.png,,,,plain,box\r\n", NULL);
  g_autofree char *nan_x = g_strconcat (header, good_box, "a.png,,,,plain,box,nan,1,5,5,0,,,,,,,,,\r\n", NULL);
  g_autofree char *ghost = g_strconcat (header, good_box, "ghost.png,,,,plain,point,1,1,,,,,,,,,,,,\r\n", NULL);
  g_autofree char *bytes = g_strconcat (header, "notes.txt:1,,,,PER,span,,,,,,,,0,7,,Am\xc3\xa9lie,,,\r\n", NULL);
  g_autofree char *media = g_strconcat (header, "notes.txt:1,,,,PER,box,1,1,5,5,0,,,,,,,,,\r\n", NULL);
  g_autofree char *past = g_strdup_printf ("{\"id\": \"%s\", \"spans\": [{\"start\": 3, \"end\": 40, \"label\": \"LOC\"}]}\n",
                                           id_of (f, "t2"));
  const BadInput cases[] = {
    { "Shapes", "csv", "columns.csv", columns,
      "columns.csv: line 3: 6 fields, but the first row names 20 columns" },
    { "Shapes", "csv", "nan.csv", nan_x, "nan.csv: line 3: \xe2\x80\x9cx\xe2\x80\x9d: nan is not a finite number" },
    { "Shapes", "csv", "ghost.csv", ghost, "ghost.csv: line 3: \xe2\x80\x9cghost.png\xe2\x80\x9d is " },
    { "Texts", "csv", "bytes.csv", bytes,
      "bytes.csv: line 2: the span 0\xe2\x80\x93" "7 of \xe2\x80\x9cnotes.txt:1\xe2\x80\x9d reads \xe2\x80\x9c"
      "Am\xc3\xa9lie \xe2\x80\x9d, not \xe2\x80\x9c" "Am\xc3\xa9lie\xe2\x80\x9d" },
    { "Texts", "csv", "media.csv", media,
      "media.csv: line 2: a box cannot go on \xe2\x80\x9cnotes.txt:1\xe2\x80\x9d, which is not an image" },
    { "Texts", "jsonl", "past.jsonl", past, "past.jsonl: line 1: span 1: span 3\xe2\x80\x93" "40 ends after the text" },
    { "Texts", "jsonl", "unknown.jsonl", "{\"text\": \"Nobody wrote this.\", \"label\": []}\n",
      "unknown.jsonl: line 1: no text of project \xe2\x80\x9cTexts\xe2\x80\x9d is this one" },
    { "Texts", "jsonl", "broken.jsonl", "{\"text\": \"" TEXT_2 "\", \"label\": [[0, 5, \"LOC\"]]}\n{\"text\": \n",
      "broken.jsonl: line 2: not JSON: the text ends where a value is expected, at byte 9" },
    { "Texts", "jsonl", "two.jsonl", "{\"text\": \"" TEXT_2 "\"} {\"text\": \"" TEXT_2 "\"}\n",
      "two.jsonl: line 1: not JSON: unexpected data after the JSON value, at byte " },
    { "Texts", "jsonl", "nul.jsonl", "{\"text\": \"Paris\\u0000\"}\n",
      "nul.jsonl: line 1: not JSON: a string holds \\u0000 (a NUL character), at byte 16" },
    { "Texts", "conll", "tags.conll", "Paris B-LOC\n, O\nje O\nt'aime X-PER\n. O\n",
      "tags.conll: line 4: the tag \xe2\x80\x9cX-PER\xe2\x80\x9d is not O, B-LABEL or I-LABEL" },
    { "Texts", "conll", "strange.conll", "Paris B-LOC\n, O\nje O\nt'aime O\n. O\n\nLondon B-LOC\n",
      "strange.conll: line 7: no text of project \xe2\x80\x9cTexts\xe2\x80\x9d is made of these 1 token (\xe2\x80\x9cLondon\xe2\x80\x9d" },
  };
  g_autofree char *shapes_before = export (f, "Shapes", "csv", NULL, "shapes-before.csv");
  g_autofree char *texts_before = export (f, "Texts", "csv", NULL, "texts-before.csv");
  g_autofree char *shapes_text = contents (shapes_before);
  g_autofree char *texts_text = contents (texts_before);
  gint64 annotations = count (f, CALQUE_KIND_ANNOTATION);
  gint64 labels = count (f, CALQUE_KIND_LABEL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = path_in (f, cases[i].file);
      g_autofree char *err = NULL;

      write_file (path, cases[i].contents);
      g_assert_cmpint (cli (f, &err, "import", "--project", cases[i].project, "--format", cases[i].format,
                            "--author", "mallory", path, NULL), ==, 1);
      if (strstr (err, cases[i].message) == NULL)
        g_error ("%s: expected “%s” in:\n%s", cases[i].file, cases[i].message, err);
    }

  /* Nothing of any of them stayed: the good rows before the bad one, the
   * label "brand-new" the first one made on the way. */
  g_assert_cmpint (count (f, CALQUE_KIND_ANNOTATION), ==, annotations);
  g_assert_cmpint (count (f, CALQUE_KIND_LABEL), ==, labels);
  {
    g_autofree char *shapes_after = export (f, "Shapes", "csv", NULL, "shapes-after.csv");
    g_autofree char *texts_after = export (f, "Texts", "csv", NULL, "texts-after.csv");
    g_autofree char *a = contents (shapes_after), *b = contents (texts_after);

    g_assert_cmpstr (a, ==, shapes_text);
    g_assert_cmpstr (b, ==, texts_text);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("CALQUE_CLI") == NULL)
    {
      g_printerr ("CALQUE_CLI is not set: run this test with meson test\n");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/tabular/csv/cells", test_csv_cells);
  ADD ("/tabular/csv/text-and-audio", test_csv_text_and_audio);
  ADD ("/tabular/csv/round-trip", test_csv_round_trip);
  ADD ("/tabular/csv/same-names", test_csv_same_names);
  ADD ("/tabular/jsonl/export-and-round-trip", test_jsonl);
  ADD ("/tabular/jsonl/doccano", test_jsonl_doccano);
  ADD ("/tabular/conll/export", test_conll);
  ADD ("/tabular/conll/round-trip", test_conll_round_trip);
  ADD ("/tabular/conll/other-tools", test_conll_other_tools);
  ADD ("/tabular/segments", test_segments);
  ADD ("/tabular/bad-input", test_bad_input);
#undef ADD
  return g_test_run ();
}
