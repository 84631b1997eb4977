/* test-json-stream.c — the elements of big JSON files, one at a time
 *
 * Real files in a temporary folder: elements handed over in order with
 * their place, strings whose escapes and brackets must not fool the
 * scanner, elements that straddle the blocks the file is read in, and
 * hostile input — unterminated strings, every truncation of a file, a
 * million brackets, stray bytes — refused with the file and the byte.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "calque-json-stream.h"
#include "calque-json-writer.h"
#include "calque-test-util.h"

typedef struct {
  char *dir;
} Fixture;

typedef struct {
  GPtrArray *texts;     /* each element, written back compact */
  GPtrArray *members;   /* the member each came from ("" for the root array) */
  GArray *indexes;
  GArray *offsets;
  guint stop_at;        /* fail at this element (1-based); 0: never */
} Seen;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("calque-json-stream-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (f->dir, name, NULL);

  /* GLib syncs a file it replaces; a new one is quicker to write. */
  g_unlink (path);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static void
seen_init (Seen *seen)
{
  seen->texts = g_ptr_array_new_with_free_func (g_free);
  seen->members = g_ptr_array_new_with_free_func (g_free);
  seen->indexes = g_array_new (FALSE, FALSE, sizeof (guint64));
  seen->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  seen->stop_at = 0;
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->texts);
  g_ptr_array_unref (seen->members);
  g_array_unref (seen->indexes);
  g_array_unref (seen->offsets);
}

static gboolean
element_cb (JsonNode                     *element,
            const CalqueJsonElementPlace *place,
            gpointer                      user_data,
            GError                      **error)
{
  Seen *seen = user_data;

  g_ptr_array_add (seen->texts, calque_json_node_to_string (element, NULL));
  g_ptr_array_add (seen->members, g_strdup (place->member ? place->member : ""));
  g_array_append_val (seen->indexes, place->index);
  g_array_append_val (seen->offsets, place->offset);
  if (seen->stop_at == seen->texts->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "element %u refused", seen->stop_at);
      return FALSE;
    }
  return TRUE;
}

static guint64
offset_at (Seen *seen,
           guint i)
{
  return g_array_index (seen->offsets, guint64, i);
}

static guint64
index_at (Seen *seen,
          guint i)
{
  return g_array_index (seen->indexes, guint64, i);
}

/* Strings that hold brackets, quotes, escaped backslashes and \u escapes
 * of brackets: a scanner that counts brackets naively loses its place. */
static const char document[] =
  "\xef\xbb\xbf{\n"
  "  \"info\": {\"description\": \"tricky ] } [ { \\\" \\\\\", \"n\": [1, [2, [3]]]},\n"
  "  \"images\": [ {\"id\": 1, \"file_name\": \"a\\\\\\\"].png\"} ,\n"
  "              {\"id\": 2, \"file_name\": \"b\\u005d\\u007d.png\", \"tags\": [\"}\", \"]\"]} ],\n"
  "  \"empty\": [],\n"
  "  \"annotations\": [{\"id\": 7, \"bbox\": [1.5, 2, 3e2, -4E-1]}, 12, \"x\\n\", null, true, [[]]],\n"
  "  \"licenses\": [ ]\n"
  "}\n";

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = write_file (f, "instances.json", document, -1);
  g_autoptr(CalqueJsonStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  const char * const members[] = { "images", "annotations", "categories", NULL };
  guint64 found = 0;
  Seen seen;

  stream = calque_json_stream_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_json_stream_get_name (stream), ==, "instances.json");
  g_assert_cmpuint (calque_json_stream_get_size (stream), ==, strlen (document));

  seen_init (&seen);
  g_assert_true (calque_json_stream_foreach (stream, members, &found, element_cb, &seen, NULL, &error));
  g_assert_no_error (error);
  /* images and annotations, not categories. */
  g_assert_cmpuint (found, ==, 0x3);
  g_assert_cmpuint (seen.texts->len, ==, 8);

  g_assert_cmpstr (seen.texts->pdata[0], ==, "{\"id\":1,\"file_name\":\"a\\\\\\\"].png\"}");
  g_assert_cmpstr (seen.texts->pdata[1], ==, "{\"id\":2,\"file_name\":\"b]}.png\",\"tags\":[\"}\",\"]\"]}");
  g_assert_cmpstr (seen.members->pdata[1], ==, "images");
  g_assert_cmpuint (index_at (&seen, 1), ==, 1);
  g_assert_cmpstr (seen.texts->pdata[2], ==, "{\"id\":7,\"bbox\":[1.5,2,300.0,-0.4]}");
  g_assert_cmpstr (seen.members->pdata[2], ==, "annotations");
  g_assert_cmpuint (index_at (&seen, 2), ==, 0);
  g_assert_cmpstr (seen.texts->pdata[3], ==, "12");
  g_assert_cmpstr (seen.texts->pdata[4], ==, "\"x\\n\"");
  g_assert_cmpstr (seen.texts->pdata[5], ==, "null");
  g_assert_cmpstr (seen.texts->pdata[6], ==, "true");
  g_assert_cmpstr (seen.texts->pdata[7], ==, "[[]]");
  g_assert_cmpuint (index_at (&seen, 7), ==, 5);

  /* Offsets are bytes of the file, BOM included, where each element begins. */
  for (guint i = 0; i < seen.texts->len; i++)
    {
      guint64 at = offset_at (&seen, i);

      g_assert_cmpuint (at, <, strlen (document));
      g_assert_true (strchr ("{1\"nt[", document[at]) != NULL);
    }
  g_assert_cmpuint (offset_at (&seen, 0), ==, (guint64) (strstr (document, "{\"id\": 1") - document));
  g_assert_cmpuint (offset_at (&seen, 3), ==, (guint64) (strstr (document, "12,") - document));
  seen_clear (&seen);

  /* A second pass, other members: the file is read again from its start. */
  seen_init (&seen);
  {
    const char * const others[] = { "empty", "missing", "licenses", NULL };

    g_assert_true (calque_json_stream_foreach (stream, others, &found, element_cb, &seen, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (found, ==, 0x5);
  g_assert_cmpuint (seen.texts->len, ==, 0);
  seen_clear (&seen);
}

static void
test_member_not_array (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = write_file (f, "instances.json", document, -1);
  g_autoptr(CalqueJsonStream) stream = calque_json_stream_new (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char * const members[] = { "info", NULL };
  Seen seen;

  /* "info" is an object: asking for its elements says so. */
  seen_init (&seen);
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_error (error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "instances.json: byte 15: “info” is not an array");
  seen_clear (&seen);
}

static void
test_root_array (Fixture       *f,
                 gconstpointer  data)
{
  const char *results = "[{\"image_id\": 1, \"score\": 0.5},\n {\"image_id\": 2, \"score\": 1}]";
  g_autofree char *path = write_file (f, "results.json", results, -1);
  g_autofree char *object_path = write_file (f, "object.json", "{\"a\": []}", -1);
  g_autoptr(CalqueJsonStream) stream = calque_json_stream_new (path, "det.json", NULL);
  g_autoptr(CalqueJsonStream) object = calque_json_stream_new (object_path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char * const members[] = { "annotations", NULL };
  Seen seen;

  seen_init (&seen);
  g_assert_true (calque_json_stream_foreach (stream, NULL, NULL, element_cb, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.texts->len, ==, 2);
  g_assert_cmpstr (seen.members->pdata[1], ==, "");
  g_assert_cmpstr (seen.texts->pdata[1], ==, "{\"image_id\":2,\"score\":1}");
  g_assert_cmpuint (offset_at (&seen, 1), ==, 33);

  /* The wrong shape either way round, named by its display name. */
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_cmpstr (error->message, ==, "det.json: byte 0: the file is not a JSON object (it begins with “[”)");
  g_clear_error (&error);
  g_assert_false (calque_json_stream_foreach (object, NULL, NULL, element_cb, &seen, NULL, &error));
  g_assert_cmpstr (error->message, ==, "object.json: byte 0: the file is not a JSON array (it begins with “{”)");
  seen_clear (&seen);
}

/* Elements and strings longer than the blocks the file is read in: their
 * bytes come from two or three blocks and must arrive whole. */
static void
test_across_blocks (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"skipped\": \"");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CalqueJsonStream) stream = NULL;
  const char * const members[] = { "annotations", NULL };
  guint64 last_offset = 0;
  guint n = 0;
  Seen seen;

  /* 1.5 MiB of a skipped string with escapes in it, then elements; one of
   * them holds a 2.5 MiB string. */
  for (guint i = 0; i < 150000; i++)
    g_string_append (text, "ab\\\"]}[{\\\\");
  g_string_append (text, "\", \"annotations\": [");
  for (guint i = 0; i < 30000; i++)
    {
      if (i == 20000)
        {
          g_string_append (text, ",{\"big\": \"");
          for (guint j = 0; j < 250000; j++)
            g_string_append (text, "0123456789");
          g_string_append (text, "\"}");
        }
      g_string_append_printf (text, "%s{\"id\": %u, \"s\": \"]\\\"%u\"}", i ? "," : "", i, i);
    }
  g_string_append (text, "]}");
  path = write_file (f, "big.json", text->str, text->len);
  stream = calque_json_stream_new (path, NULL, &error);

  seen_init (&seen);
  g_assert_true (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.texts->len, ==, 30001);
  for (guint i = 0; i < seen.texts->len; i++)
    {
      g_autofree char *expected = NULL;

      g_assert_cmpuint (index_at (&seen, i), ==, i);
      g_assert_cmpuint (offset_at (&seen, i), >, last_offset);
      last_offset = offset_at (&seen, i);
      g_assert_cmpint (text->str[last_offset], ==, '{');
      if (i == 20000)
        {
          g_assert_cmpuint (strlen (seen.texts->pdata[i]), ==, 2500000 + 10);
          continue;
        }
      expected = g_strdup_printf ("{\"id\":%u,\"s\":\"]\\\"%u\"}", n, n);
      g_assert_cmpstr (seen.texts->pdata[i], ==, expected);
      n++;
    }
  seen_clear (&seen);
}

typedef struct {
  const char *name;
  const char *text;
  const char *message;   /* the whole message, file name included */
} Bad;

static void
assert_refused (Fixture    *f,
                const Bad  *bad,
                const char * const *members)
{
  g_autofree char *path = write_file (f, "bad.json", bad->text, -1);
  g_autoptr(CalqueJsonStream) stream = calque_json_stream_new (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  if (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error))
    g_error ("%s: accepted “%s”", bad->name, bad->text);
  g_assert_nonnull (error);
  if (g_strcmp0 (error->message, bad->message) != 0)
    g_error ("%s: said\n  %s\nexpected\n  %s", bad->name, error->message, bad->message);
  seen_clear (&seen);
}

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  static const Bad bad[] = {
    { "unterminated string", "{\"images\": [{\"file_name\": \"a.png}]}",
      "bad.json: byte 35: the file ends inside a string (begun at byte 26)" },
    { "unterminated skipped string", "{\"info\": \"abc\\\"}",
      "bad.json: byte 16: the file ends inside a string (begun at byte 9)" },
    { "escape at the end", "{\"images\": [\"abc\\",
      "bad.json: byte 17: the file ends inside a string" },
    { "unterminated array", "{\"images\": [{\"id\": 1}, {\"id\": 2}",
      "bad.json: byte 32: the file ends inside an array" },
    { "unterminated object", "{\"images\": [{\"id\": [1, 2]",
      "bad.json: byte 25: the file ends inside an object (begun at byte 12)" },
    { "mismatched", "{\"images\": [{\"id\": [1, 2}]}",
      "bad.json: byte 24: “}” where “]” was expected" },
    { "mismatched skipped", "{\"info\": [1, 2}}",
      "bad.json: byte 14: “}” where “]” was expected" },
    { "trailing comma in an array", "{\"images\": [1, 2,]}",
      "bad.json: byte 17: a “,” before “]” (JSON has no trailing commas)" },
    { "trailing comma in the object", "{\"images\": [],}",
      "bad.json: byte 14: a “,” before “}” (JSON has no trailing commas)" },
    { "missing comma", "{\"images\": [1 2]}",
      "bad.json: byte 14: “2” after element 1 of “images”, where “,” or “]” was expected" },
    { "missing colon", "{\"images\" []}",
      "bad.json: byte 10: “[” after the name “images”, where “:” was expected" },
    { "garbage after", "{\"images\": []} {}",
      "bad.json: byte 15: “{” after the end of the JSON document" },
    { "bad escape", "{\"images\": [\"a\\qb\"]}",
      "bad.json: byte 15: “\\” followed by “q” is not an escape of JSON" },
    { "short \\u", "{\"images\": [\"\\u12G4\"]}",
      "bad.json: byte 17: “\\u” is followed by 4 hexadecimal digits in JSON" },
    { "raw control character", "{\"images\": [\"a\tb\"]}",
      "bad.json: byte 14: a control character (0x09) inside a string; it must be escaped" },
    { "NaN", "{\"images\": [{\"id\": 1, \"width\": NaN}]}",
      "bad.json: byte 12: element 1 of “images” has NaN or Infinity, which are not JSON numbers" },
    { "bad number", "{\"images\": [{\"id\": 1, \"width\": 12.}, {\"id\": 2}]}",
      "bad.json: byte 12: element 1 of “images” is not valid JSON: a number is not written as JSON writes numbers, at byte 20" },
    { "bad element", "{\"images\": [{\"id\": 1, \"width\": 12}, {\"id\" 2}]}",
      "bad.json: byte 36: element 2 of “images” is not valid JSON: “:” is expected after a member name, at byte 7" },
    { "escaped NUL", "{\"images\": [{\"file_name\": \"a\\u0000.png\"}]}",
      "bad.json: byte 12: element 1 of “images” is not valid JSON: a string holds \\u0000 (a NUL character), at byte 17" },
    { "twice", "{\"images\": [], \"images\": []}",
      "bad.json: byte 15: “images” appears twice" },
    { "empty", "  \n", "bad.json: byte 3: the file is empty" },
    { "not an object", "\"images\"", "bad.json: byte 0: the file is not a JSON object (it begins with “\"”)" },
    { "number key", "{1: []}", "bad.json: byte 1: “1” where a member name was expected" },
    { "stray byte", "{\"info\": \x01}", "bad.json: byte 9: 0x01 where a value was expected" },
    { "invalid UTF-8", "{\"images\": [\"caf\xe9\"]}",
      "bad.json: byte 12: element 1 of “images” is not valid UTF-8" },
    { "half a BOM", "\xef\xbb{}", "bad.json: byte 2: the file is not JSON (not even UTF-8 text)" },
  };
  const char * const members[] = { "images", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      assert_refused (f, &bad[i], members);
    }
}

/* Every truncation of a valid file is refused, cleanly, with the file's
 * name and a byte inside it; none is taken for a shorter valid file. */
static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  const char * const members[] = { "images", "annotations", NULL };
  gsize length = strlen (document);

  for (gsize cut = 0; cut < length - 2; cut++)
    {
      g_autofree char *path = write_file (f, "cut.json", document, cut);
      g_autoptr(CalqueJsonStream) stream = calque_json_stream_new (path, NULL, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = NULL;
      guint64 at;
      Seen seen;

      seen_init (&seen);
      g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
      g_assert_error (error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_SYNTAX);
      g_assert_true (g_str_has_prefix (error->message, "cut.json: byte "));
      at = g_ascii_strtoull (error->message + strlen ("cut.json: byte "), NULL, 10);
      g_assert_cmpuint (at, <=, cut);
      seen_clear (&seen);
    }
}

/* A million "[" must not reach a recursive parser, whether in an element
 * or in a member that is skipped. */
static void
test_too_deep (Fixture       *f,
               gconstpointer  data)
{
  const char * const members[] = { "images", NULL };
  g_autoptr(GString) deep = g_string_new ("{\"info\": ");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CalqueJsonStream) stream = NULL;
  Seen seen;

  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  path = write_file (f, "deep.json", deep->str, deep->len);
  stream = calque_json_stream_new (path, NULL, NULL);
  seen_init (&seen);
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_error (error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_TOO_DEEP);
  /* The top-level object is level 1; "info"'s value opens level 2; the
   * 64th level is the last allowed, the 65th bracket is refused. */
  g_assert_cmpstr (error->message, ==, "deep.json: byte 72: values are nested more than 64 levels deep");
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&stream, calque_json_stream_free);

  /* In an element, with a lower limit: exactly at the limit is fine. */
  path = write_file (f, "deep.json", "{\"images\": [[[1]], [[[2]]]]}", -1);
  stream = calque_json_stream_new (path, NULL, NULL);
  calque_json_stream_set_max_depth (stream, 4);
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_error (error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==, "deep.json: byte 21: values are nested more than 4 levels deep");
  g_assert_cmpuint (seen.texts->len, ==, 1);
  g_assert_cmpstr (seen.texts->pdata[0], ==, "[[1]]");
  seen_clear (&seen);
}

/* An element is held whole while it is parsed: one larger than the limit
 * is refused, whether it fits in a block or runs over several. */
static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  const char * const members[] = { "annotations", NULL };

  for (guint round = 0; round < 2; round++)
    {
      gsize size = round == 0 ? 5000 : 3 * 1024 * 1024;
      g_autoptr(GString) text = g_string_new ("{\"annotations\": [{\"id\": 1}, {\"s\": \"");
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(CalqueJsonStream) stream = NULL;
      Seen seen;

      for (gsize i = 0; i < size; i++)
        g_string_append_c (text, 'a' + i % 26);
      g_string_append (text, "\"}]}");
      path = write_file (f, "large.json", text->str, text->len);
      stream = calque_json_stream_new (path, NULL, NULL);
      calque_json_stream_set_max_element_size (stream, round == 0 ? 1000 : 1024 * 1024);
      seen_init (&seen);
      g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
      g_assert_error (error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_TOO_LARGE);
      g_assert_cmpstr (error->message, ==, round == 0 ? "large.json: byte 28: an element is larger than 1000 bytes"
                                                      : "large.json: byte 28: an element is larger than 1048576 bytes");
      g_assert_cmpuint (seen.texts->len, ==, 1);
      seen_clear (&seen);

      /* With room enough, the same file reads. */
      stream = (calque_json_stream_free (stream), calque_json_stream_new (path, NULL, NULL));
      seen_init (&seen);
      g_assert_true (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, NULL));
      g_assert_cmpuint (seen.texts->len, ==, 2);
      seen_clear (&seen);
    }
}

static void
test_callback_stops (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_file (f, "instances.json", document, -1);
  g_autoptr(CalqueJsonStream) stream = calque_json_stream_new (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char * const members[] = { "images", "annotations", NULL };
  Seen seen;

  seen_init (&seen);
  seen.stop_at = 3;
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, element_cb, &seen, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "element 3 refused");
  g_assert_cmpuint (seen.texts->len, ==, 3);
  seen_clear (&seen);
}

typedef struct {
  GThread *caller;
  guint64 last;
  guint calls;
} Progress;

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->caller);
  g_assert_cmpuint (done, >=, progress->last);
  g_assert_cmpuint (done, <=, total);
  progress->last = done;
  progress->calls++;
}

static GThread *caller_thread;

static gboolean
in_caller_cb (JsonNode                     *element,
              const CalqueJsonElementPlace *place,
              gpointer                      user_data,
              GError                      **error)
{
  /* Elements are handed over in the caller's thread. */
  g_assert_true (g_thread_self () == caller_thread);
  return element_cb (element, place, user_data, error);
}

/* A big file: elements come in the caller's thread, in order, with
 * progress up to the file's size; a caller that stops early stops the
 * reading, and gets its own error. */
static void
test_big_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"annotations\": [");
  g_autofree char *path = NULL;
  g_autoptr(CalqueJsonStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  const char * const members[] = { "annotations", NULL };
  Progress progress = { g_thread_self (), 0, 0 };
  Seen seen;

  caller_thread = g_thread_self ();
  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (text, "%s{\"id\": %u, \"bbox\": [%u.5, 2, 30, 40]}", i ? "," : "", i, i % 1000);
  g_string_append (text, "]}");
  path = write_file (f, "many.json", text->str, text->len);
  stream = calque_json_stream_new (path, NULL, &error);
  calque_json_stream_set_progress (stream, progress_cb, &progress);

  seen_init (&seen);
  g_assert_true (calque_json_stream_foreach (stream, members, NULL, in_caller_cb, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.texts->len, ==, 200000);
  for (guint i = 0; i < seen.texts->len; i += 997)
    {
      g_autofree char *expected = g_strdup_printf ("{\"id\":%u,\"bbox\":[%u.5,2,30,40]}", i, i % 1000);

      g_assert_cmpuint (index_at (&seen, i), ==, i);
      g_assert_cmpstr (g_ptr_array_index (seen.texts, i), ==, expected);
    }
  g_assert_cmpuint (progress.last, ==, text->len);
  g_assert_cmpuint (progress.calls, >, 1);
  seen_clear (&seen);

  progress.last = 0;
  seen_init (&seen);
  seen.stop_at = 5;
  g_assert_false (calque_json_stream_foreach (stream, members, NULL, in_caller_cb, &seen, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "element 5 refused");
  g_assert_cmpuint (seen.texts->len, ==, 5);
  seen_clear (&seen);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "nowhere.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (calque_json_stream_new (path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nowhere.json"));
  g_clear_error (&error);
  g_assert_null (calque_json_stream_new (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/json-stream/members", test_members);
  ADD ("/json-stream/member-not-array", test_member_not_array);
  ADD ("/json-stream/root-array", test_root_array);
  ADD ("/json-stream/across-blocks", test_across_blocks);
  ADD ("/json-stream/hostile", test_hostile);
  ADD ("/json-stream/truncated", test_truncated);
  ADD ("/json-stream/too-deep", test_too_deep);
  ADD ("/json-stream/too-large", test_too_large);
  ADD ("/json-stream/callback-stops", test_callback_stops);
  ADD ("/json-stream/big-file", test_big_file);
  ADD ("/json-stream/missing-file", test_missing_file);
#undef ADD

  return g_test_run ();
}
