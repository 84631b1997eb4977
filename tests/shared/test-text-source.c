/* test-text-source.c — reading texts to import from .txt, .csv and .jsonl */
#include "calque-text-source.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  GPtrArray *texts;
  GArray *lines;
  GPtrArray *metadata;   /* JSON of each item's metadata, or NULL */
  guint fail_at;         /* item number (1-based) whose callback fails, or 0 */
  gboolean fail_silently;
} Collected;

static Collected *
collected_new (void)
{
  Collected *c = g_new0 (Collected, 1);

  c->texts = g_ptr_array_new_with_free_func (g_free);
  c->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  c->metadata = g_ptr_array_new_with_free_func (g_free);
  return c;
}

static void
collected_free (Collected *c)
{
  g_ptr_array_unref (c->texts);
  g_array_unref (c->lines);
  g_ptr_array_unref (c->metadata);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collected, collected_free)

static gboolean
collect_cb (const char  *text,
            guint        line,
            JsonObject  *metadata,
            gpointer     user_data,
            GError     **error)
{
  Collected *c = user_data;
  char *json = NULL;

  g_assert_true (g_utf8_validate (text, -1, NULL));

  if (metadata != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), metadata);

      json = json_to_string (node, FALSE);
    }

  g_ptr_array_add (c->texts, g_strdup (text));
  g_array_append_val (c->lines, line);
  g_ptr_array_add (c->metadata, json);

  if (c->fail_at == c->texts->len)
    {
      if (!c->fail_silently)
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "store full at item %u", c->texts->len);
      return FALSE;
    }

  return TRUE;
}

static char *
text_dir (void)
{
  const char *dir = g_getenv ("CALQUE_TEST_DATA_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "text", NULL);
}

/* Reads a fixture by its bare name from inside its folder, so that the
 * messages start with exactly that name, as a user's relative path would. */
static gboolean
read_fixture (const char                    *name,
              const CalqueTextSourceOptions *options,
              Collected                     *c,
              GError                       **error)
{
  g_autofree char *dir = text_dir ();
  g_autofree char *cwd = g_get_current_dir ();
  gboolean ok;

  g_assert_cmpint (chdir (dir), ==, 0);
  ok = calque_text_source_read (name, options, collect_cb, c, error);
  g_assert_cmpint (chdir (cwd), ==, 0);
  return ok;
}

static void
assert_item (Collected  *c,
             guint       index,
             guint       line,
             const char *text,
             const char *metadata)
{
  g_assert_cmpuint (index, <, c->texts->len);
  g_assert_cmpstr (g_ptr_array_index (c->texts, index), ==, text);
  g_assert_cmpuint (g_array_index (c->lines, guint, index), ==, line);
  g_assert_cmpstr (g_ptr_array_index (c->metadata, index), ==, metadata);
}

/* A scratch file in a fresh temporary folder; returns its path. */
static char *
write_temp (const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *dir = g_dir_make_tmp ("calque-text-XXXXXX", NULL);
  char *path;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_txt_lines (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (read_fixture ("notes.txt", NULL, c, &error));
  g_assert_no_error (error);

  /* The byte order mark, CRs, empty and whitespace-only lines are gone. */
  g_assert_cmpuint (c->texts->len, ==, 4);
  assert_item (c, 0, 1, "The first note.", NULL);
  assert_item (c, 1, 4, "Second note, with  inner  spaces.", NULL);
  assert_item (c, 2, 6, "Third note — café, 日本語.", NULL);
  assert_item (c, 3, 7, "last line without newline", NULL);
}

static void
test_txt_not_utf8 (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("latin1.txt", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_ENCODING);
  /* Column in characters: "élève café " is 11 of them in 14 bytes. */
  g_assert_cmpstr (error->message, ==, "latin1.txt: line 3: not valid UTF-8 (byte 0xE9 at column 12)");
  g_assert_cmpuint (c->texts->len, ==, 2);
}

static void
test_txt_uppercase_extension (void)
{
  g_autofree char *path = write_temp ("NOTES.TXT", "one\ntwo\n", -1);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 2);
  remove_temp (path);
}

static void
test_csv_column (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (read_fixture ("reviews-text.csv", NULL, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 4);
  assert_item (c, 0, 2, "Loved it, would buy again", "{\"id\":\"101\",\"stars\":\"5\"}");
  /* A quoted field keeps its line break; the next row starts two lines on. */
  assert_item (c, 1, 3, "Two lines:\r\nfirst, then \"second\"", "{\"id\":\"102\",\"stars\":\"3\"}");
  assert_item (c, 2, 6, "", "{\"id\":\"103\",\"stars\":\"1\"}");
  assert_item (c, 3, 7, "=cmd", "{\"id\":\"104\",\"stars\":\"2\"}");
}

static void
test_csv_named_column (void)
{
  CalqueTextSourceOptions options = { .csv_column = "body" };
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (read_fixture ("reviews.csv", &options, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 2);
  assert_item (c, 0, 2, "Great product", "{\"id\":\"1\"}");
  assert_item (c, 1, 3, "Broke after a week, sadly", "{\"id\":\"2\"}");
}

static void
test_csv_no_column (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("reviews.csv", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_NO_COLUMN);
  g_assert_cmpstr (error->message, ==, "reviews.csv: no column named “text” (columns: id, body)");
  g_assert_cmpuint (c->texts->len, ==, 0);
}

static void
assert_csv_fails (const char *contents,
                  int         code,
                  const char *message_after_path)
{
  g_autofree char *path = write_temp ("input.csv", contents, -1);
  g_autofree char *expected = g_strconcat (path, ": ", message_after_path, NULL);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, code);
  if (!g_str_has_prefix (error->message, expected))
    g_error ("expected a message starting \"%s\", got \"%s\"", expected, error->message);
  remove_temp (path);
}

static void
test_csv_empty_file (void)
{
  assert_csv_fails ("", CALQUE_TEXT_SOURCE_ERROR_NO_COLUMN, "no column named “text” (the file is empty)");
}

static void
test_csv_wrong_width (void)
{
  assert_csv_fails ("id,text\n1,a\n2,b,extra\n", CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                    "line 3: 3 fields, but the header has 2");
}

static void
test_csv_much_too_wide (void)
{
  /* Refused at the separator past the header's width plus one. */
  assert_csv_fails ("id,text\n1,a\n2,b,c,d,e\n", CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                    "line 3: more than 3 fields, but the header has 2");
}

static void
test_csv_row_of_commas (void)
{
  g_autoptr(GString) contents = g_string_new ("text\nfirst\n");
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (contents, ',');
  g_string_append (contents, "\nlast\n");
  path = write_temp ("commas.csv", contents->str, (gssize) contents->len);
  expected = g_strconcat (path, ": line 3: more than 2 fields, but the header has 1", NULL);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (c->texts->len, ==, 1);
  remove_temp (path);
}

static void
test_csv_header_too_wide (void)
{
  g_autoptr(GString) contents = g_string_new ("text");
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (contents, ",c%u", i);
  g_string_append (contents, "\nhello\n");
  path = write_temp ("header.csv", contents->str, (gssize) contents->len);
  expected = g_strconcat (path, ": line 1: more than 4096 fields", NULL);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (c->texts->len, ==, 0);
  remove_temp (path);
}

static void
test_csv_duplicate_column (void)
{
  assert_csv_fails ("text,id,text\n", CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                    "line 1: two columns named “text” (columns 1 and 3)");
}

static void
test_csv_unterminated_quote (void)
{
  assert_csv_fails ("id,text\n1,ok\n2,\"never closed\n3,x\n", CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                    "line 3: the quote at column 3 opens a field that is never closed");
}

static void
test_csv_stray_quote (void)
{
  assert_csv_fails ("id,text\n1,5\" screen\n", CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                    "line 2: stray quote at column 4");
}

static void
test_csv_not_utf8 (void)
{
  assert_csv_fails ("id,text\n1,\"caf\xe9\"\n", CALQUE_TEXT_SOURCE_ERROR_ENCODING,
                    "line 2: not valid UTF-8 (byte 0xE9 at column 7)");
}

static void
test_csv_unnamed_column (void)
{
  g_autofree char *path = write_temp ("input.csv", "text,,lang\nhello,x,en\n", -1);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_no_error (error);
  assert_item (c, 0, 2, "hello", "{\"column 2\":\"x\",\"lang\":\"en\"}");
  remove_temp (path);
}

static void
test_csv_unnamed_column_collision (void)
{
  g_autofree char *path = write_temp ("input.csv",
                                      "text,,column 2,,column 4,column 4 (2)\n"
                                      "hello,kept too,kept,also kept,x,y\n", -1);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  /* No value is lost to a named column that happens to be called what an
   * unnamed one would be. */
  g_assert_true (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 1);
  assert_item (c, 0, 2, "hello",
               "{\"column 2 (2)\":\"kept too\",\"column 2\":\"kept\",\"column 4 (3)\":\"also kept\","
               "\"column 4\":\"x\",\"column 4 (2)\":\"y\"}");
  remove_temp (path);
}

static void
test_jsonl_objects (void)
{
  CalqueTextSourceOptions options = { .jsonl_field = "body", .csv_column = "ignored" };
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (read_fixture ("items.ndjson", &options, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 2);
  /* Metadata is every member but the text, whatever its type. */
  assert_item (c, 0, 1, "Hello there", "{\"id\":1,\"lang\":\"en\",\"score\":0.5,\"meta\":{\"ok\":true}}");
  assert_item (c, 1, 3, "Bonjour à tous", "{\"lang\":\"fr\",\"score\":2}");
}

static void
test_jsonl_bad_line_5 (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("data.jsonl", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_SYNTAX);
  /* json-glib's own words follow the position. */
  g_assert_true (g_str_has_prefix (error->message, "data.jsonl: line 5, column "));
  g_assert_nonnull (strstr (error->message, "unexpected"));
  g_assert_null (strstr (error->message, "<data>"));

  g_assert_cmpuint (c->texts->len, ==, 3);
  assert_item (c, 0, 1, "first item", "{\"id\":1,\"source\":\"forum\"}");
  assert_item (c, 1, 2, "second item", "{\"id\":2,\"source\":\"mail\",\"tags\":[\"a\",\"b\"]}");
  assert_item (c, 2, 4, "fourth item", "{\"id\":4}");
}

static void
test_jsonl_not_object (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("array.jsonl", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "array.jsonl: line 2: expected a JSON object, found an array");
  g_assert_cmpuint (c->texts->len, ==, 1);
}

static void
test_jsonl_missing_field (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("missing-field.jsonl", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "missing-field.jsonl: line 3: no field “text”");
  g_assert_cmpuint (c->texts->len, ==, 2);
}

static void
test_jsonl_field_not_string (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("number-field.jsonl", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==,
                   "number-field.jsonl: line 1: field “text” is a number, expected a string");
}

static void
test_jsonl_not_utf8 (void)
{
  g_autofree char *path = write_temp ("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"\xff\"}\n", -1);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strconcat (path, ": line 2: not valid UTF-8 (byte 0xFF at column 11)", NULL);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_ENCODING);
  g_assert_cmpstr (error->message, ==, expected);
  remove_temp (path);
}

/* @n characters of "é" (two bytes each), so bytes and characters differ. */
static GString *
long_text (gsize n)
{
  GString *s = g_string_sized_new (2 * n + 1);

  for (gsize i = 0; i < n; i++)
    g_string_append (s, "é");
  return s;
}

static void
test_txt_too_long (void)
{
  g_autoptr(GString) ok_text = long_text (CALQUE_TEXT_SOURCE_MAX_CHARS);
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  /* Exactly the maximum passes; one more character does not. */
  g_string_append_printf (contents, "%s\n%sx\nafter\n", ok_text->str, ok_text->str);
  path = write_temp ("long.txt", contents->str, (gssize) contents->len);
  expected = g_strdup_printf ("%s: line 2: text longer than %d characters", path, CALQUE_TEXT_SOURCE_MAX_CHARS);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (c->texts->len, ==, 1);
  g_assert_cmpuint (g_utf8_strlen (g_ptr_array_index (c->texts, 0), -1), ==, CALQUE_TEXT_SOURCE_MAX_CHARS);
  remove_temp (path);
}

static void
test_txt_huge_line (void)
{
  /* 5 MB of ASCII without a newline: refused without being held whole. */
  gsize len = 5 * 1000 * 1000;
  g_autofree char *contents = g_malloc (len);
  g_autofree char *path = NULL;
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  memset (contents, 'a', len);
  path = write_temp ("huge.txt", contents, (gssize) len);
  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, ": line 1: text longer than"));
  remove_temp (path);
}

static void
test_jsonl_too_long (void)
{
  g_autoptr(GString) text = long_text (CALQUE_TEXT_SOURCE_MAX_CHARS + 1);
  g_autoptr(GString) contents = g_string_new ("{\"text\": \"short\"}\n\n");
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  g_string_append_printf (contents, "{\"id\": 3, \"text\": \"%s\"}\n", text->str);
  path = write_temp ("long.jsonl", contents->str, (gssize) contents->len);
  expected = g_strdup_printf ("%s: line 3: field “text” is longer than %d characters",
                              path, CALQUE_TEXT_SOURCE_MAX_CHARS);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (c->texts->len, ==, 1);
  remove_temp (path);
}

static void
test_jsonl_long_line (void)
{
  /* 6 MiB of a metadata array: refused by its size before it is parsed. */
  gsize target = 6 * 1024 * 1024;
  g_autoptr(GString) contents = g_string_new ("{\"text\": \"short\"}\n{\"text\":\"a\",\"m\":[0");
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  while (contents->len < target)
    g_string_append (contents, ",0");
  g_string_append (contents, "]}\n{\"text\": \"after\"}\n");
  path = write_temp ("wide.jsonl", contents->str, (gssize) contents->len);
  expected = g_strconcat (path, ": line 2: line longer than ", NULL);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  if (!g_str_has_prefix (error->message, expected))
    g_error ("expected a message starting \"%s\", got \"%s\"", expected, error->message);
  g_assert_cmpuint (c->texts->len, ==, 1);
  remove_temp (path);
}

static void
test_jsonl_longest_text (void)
{
  /* The longest text, in 4-byte characters, with some metadata beside it:
   * about 4.4 MB on one line, which must pass. */
  g_autoptr(GString) text = g_string_sized_new (4 * CALQUE_TEXT_SOURCE_MAX_CHARS + 1);
  g_autoptr(GString) note = g_string_new (NULL);
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *metadata = NULL;

  for (guint i = 0; i < CALQUE_TEXT_SOURCE_MAX_CHARS; i++)
    g_string_append (text, "😀");
  for (guint i = 0; i < 400000; i++)
    g_string_append_c (note, 'n');
  g_string_append_printf (contents, "{\"id\": 1, \"text\": \"%s\", \"note\": \"%s\"}\r\n",
                          text->str, note->str);
  g_assert_cmpuint (contents->len, >, 4 * 1000 * 1000);
  path = write_temp ("emoji.jsonl", contents->str, (gssize) contents->len);
  metadata = g_strdup_printf ("{\"id\":1,\"note\":\"%s\"}", note->str);

  g_assert_true (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->texts->len, ==, 1);
  assert_item (c, 0, 1, text->str, metadata);
  remove_temp (path);
}

static void
test_csv_too_long (void)
{
  g_autoptr(GString) text = long_text (CALQUE_TEXT_SOURCE_MAX_CHARS + 1);
  g_autoptr(GString) contents = g_string_new ("id,text\n1,short\n");
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  g_string_append_printf (contents, "2,\"%s\"\n", text->str);
  path = write_temp ("long.csv", contents->str, (gssize) contents->len);
  expected = g_strdup_printf ("%s: line 3: column “text” is longer than %d characters",
                              path, CALQUE_TEXT_SOURCE_MAX_CHARS);

  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (c->texts->len, ==, 1);
  remove_temp (path);
}

static void
test_missing_file (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (read_fixture ("no-such-file.jsonl", NULL, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "no-such-file.jsonl: cannot open: "));
}

static void
test_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("calque-text-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "folder.txt", NULL);
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (calque_text_source_read (path, NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_rmdir (path);
  g_rmdir (dir);
}

static void
test_unknown_extension (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (calque_text_source_read ("notes.md", NULL, collect_cb, c, &error));
  g_assert_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, "notes.md: "));
}

static void
test_callback_error_passes_through (void)
{
  static const char *const fixtures[] = { "notes.txt", "reviews-text.csv", "items.ndjson" };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      CalqueTextSourceOptions options = { .jsonl_field = "body" };
      g_autoptr(Collected) c = collected_new ();
      g_autoptr(GError) error = NULL;

      c->fail_at = 2;
      g_assert_false (read_fixture (fixtures[i], &options, c, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
      g_assert_cmpstr (error->message, ==, "store full at item 2");
      /* Reading stopped at the failing item. */
      g_assert_cmpuint (c->texts->len, ==, 2);
    }
}

static void
test_callback_false_without_error (void)
{
  g_autoptr(Collected) c = collected_new ();
  g_autoptr(GError) error = NULL;

  c->fail_at = 1;
  c->fail_silently = TRUE;
  g_assert_false (read_fixture ("notes.txt", NULL, c, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c->texts->len, ==, 1);
}

typedef struct {
  guint count;
  guint last_line;
  guint64 id_sum;
} Tally;

static gboolean
tally_cb (const char  *text,
          guint        line,
          JsonObject  *metadata,
          gpointer     user_data,
          GError     **error)
{
  Tally *t = user_data;
  g_autofree char *expected = g_strdup_printf ("item number %u, naïve café", t->count);

  g_assert_cmpstr (text, ==, expected);
  g_assert_false (json_object_has_member (metadata, "text"));
  t->id_sum += (guint64) json_object_get_int_member (metadata, "id");
  t->count++;
  t->last_line = line;
  return TRUE;
}

static void
test_jsonl_large (void)
{
  const guint n = 100000;
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  Tally tally = { 0 };

  for (guint i = 0; i < n; i++)
    g_string_append_printf (contents, "{\"id\": %u, \"text\": \"item number %u, na\\u00efve café\", \"split\": \"train\"}\r\n", i + 1, i);
  path = write_temp ("large.jsonl", contents->str, (gssize) contents->len);

  g_assert_true (calque_text_source_read (path, NULL, tally_cb, &tally, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tally.count, ==, n);
  g_assert_cmpuint (tally.last_line, ==, n);
  g_assert_cmpuint (tally.id_sum, ==, (guint64) n * (n + 1) / 2);
  remove_temp (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text-source/txt-lines", test_txt_lines);
  g_test_add_func ("/text-source/txt-not-utf8", test_txt_not_utf8);
  g_test_add_func ("/text-source/txt-uppercase-extension", test_txt_uppercase_extension);
  g_test_add_func ("/text-source/txt-too-long", test_txt_too_long);
  g_test_add_func ("/text-source/txt-huge-line", test_txt_huge_line);
  g_test_add_func ("/text-source/csv-column", test_csv_column);
  g_test_add_func ("/text-source/csv-named-column", test_csv_named_column);
  g_test_add_func ("/text-source/csv-no-column", test_csv_no_column);
  g_test_add_func ("/text-source/csv-empty-file", test_csv_empty_file);
  g_test_add_func ("/text-source/csv-wrong-width", test_csv_wrong_width);
  g_test_add_func ("/text-source/csv-much-too-wide", test_csv_much_too_wide);
  g_test_add_func ("/text-source/csv-row-of-commas", test_csv_row_of_commas);
  g_test_add_func ("/text-source/csv-header-too-wide", test_csv_header_too_wide);
  g_test_add_func ("/text-source/csv-duplicate-column", test_csv_duplicate_column);
  g_test_add_func ("/text-source/csv-unterminated-quote", test_csv_unterminated_quote);
  g_test_add_func ("/text-source/csv-stray-quote", test_csv_stray_quote);
  g_test_add_func ("/text-source/csv-not-utf8", test_csv_not_utf8);
  g_test_add_func ("/text-source/csv-unnamed-column", test_csv_unnamed_column);
  g_test_add_func ("/text-source/csv-unnamed-column-collision", test_csv_unnamed_column_collision);
  g_test_add_func ("/text-source/csv-too-long", test_csv_too_long);
  g_test_add_func ("/text-source/jsonl-objects", test_jsonl_objects);
  g_test_add_func ("/text-source/jsonl-bad-line-5", test_jsonl_bad_line_5);
  g_test_add_func ("/text-source/jsonl-not-object", test_jsonl_not_object);
  g_test_add_func ("/text-source/jsonl-missing-field", test_jsonl_missing_field);
  g_test_add_func ("/text-source/jsonl-field-not-string", test_jsonl_field_not_string);
  g_test_add_func ("/text-source/jsonl-not-utf8", test_jsonl_not_utf8);
  g_test_add_func ("/text-source/jsonl-too-long", test_jsonl_too_long);
  g_test_add_func ("/text-source/jsonl-long-line", test_jsonl_long_line);
  g_test_add_func ("/text-source/jsonl-longest-text", test_jsonl_longest_text);
  g_test_add_func ("/text-source/jsonl-large", test_jsonl_large);
  g_test_add_func ("/text-source/missing-file", test_missing_file);
  g_test_add_func ("/text-source/directory", test_directory);
  g_test_add_func ("/text-source/unknown-extension", test_unknown_extension);
  g_test_add_func ("/text-source/callback-error-passes-through", test_callback_error_passes_through);
  g_test_add_func ("/text-source/callback-false-without-error", test_callback_false_without_error);

  return g_test_run ();
}
