/* test-csv.c — the CSV reader and writer */
#include "calque-csv.h"

#include <string.h>
#include <sys/resource.h>

/* A stream that hands out one byte per read, so that every multi-byte
 * character, CRLF and doubled quote is split across reads. */
#define TEST_TYPE_TRICKLE_STREAM (test_trickle_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, TEST, TRICKLE_STREAM, GInputStream)

struct _TestTrickleStream {
  GInputStream parent_instance;
  GBytes *bytes;
  gsize pos;
};

G_DEFINE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
test_trickle_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  TestTrickleStream *self = TEST_TRICKLE_STREAM (stream);
  gsize size;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);

  if (self->pos >= size || count == 0)
    return 0;
  ((guint8 *) buffer)[0] = data[self->pos++];
  return 1;
}

static void
test_trickle_stream_finalize (GObject *object)
{
  g_bytes_unref (TEST_TRICKLE_STREAM (object)->bytes);
  G_OBJECT_CLASS (test_trickle_stream_parent_class)->finalize (object);
}

static void
test_trickle_stream_class_init (TestTrickleStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_trickle_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_trickle_stream_read;
}

static void
test_trickle_stream_init (TestTrickleStream *self)
{
}

static GInputStream *
trickle_stream_new (const char *data,
                    gssize      len)
{
  TestTrickleStream *self = g_object_new (TEST_TYPE_TRICKLE_STREAM, NULL);

  self->bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);
  return G_INPUT_STREAM (self);
}

/* A stream of @size commas, made up as it is read, so that a huge row costs
 * the test no memory of its own; it counts what the reader took. */
#define TEST_TYPE_COMMA_STREAM (test_comma_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestCommaStream, test_comma_stream, TEST, COMMA_STREAM, GInputStream)

struct _TestCommaStream {
  GInputStream parent_instance;
  const char *prefix;
  gsize prefix_len;
  gsize size;      /* of the whole stream, prefix included */
  gsize pos;
};

G_DEFINE_FINAL_TYPE (TestCommaStream, test_comma_stream, G_TYPE_INPUT_STREAM)

static gssize
test_comma_stream_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TestCommaStream *self = TEST_COMMA_STREAM (stream);
  gsize n = MIN (count, self->size - self->pos);

  for (gsize i = 0; i < n; i++, self->pos++)
    ((char *) buffer)[i] = self->pos < self->prefix_len ? self->prefix[self->pos] : ',';
  return (gssize) n;
}

static void
test_comma_stream_class_init (TestCommaStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_comma_stream_read;
}

static void
test_comma_stream_init (TestCommaStream *self)
{
}

/* @prefix (static), then @commas commas. */
static GInputStream *
comma_stream_new (const char *prefix,
                  gsize       commas)
{
  TestCommaStream *self = g_object_new (TEST_TYPE_COMMA_STREAM, NULL);

  self->prefix = prefix;
  self->prefix_len = strlen (prefix);
  self->size = self->prefix_len + commas;
  return G_INPUT_STREAM (self);
}

static GInputStream *
memory_stream_new (const char *data,
                   gssize      len)
{
  if (len < 0)
    len = (gssize) strlen (data);
  return g_memory_input_stream_new_from_data (g_memdup2 (data, (gsize) len), len, g_free);
}

typedef struct {
  GPtrArray *rows;   /* of GStrv */
  GArray *lines;     /* of guint */
  GError *error;
} Parsed;

static void
parsed_free (Parsed *parsed)
{
  g_ptr_array_unref (parsed->rows);
  g_array_unref (parsed->lines);
  g_clear_error (&parsed->error);
  g_free (parsed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Parsed, parsed_free)

typedef struct {
  gsize max_field;   /* 0: the reader's default, as for the others */
  guint max_fields;
  gsize max_row;
} Limits;

static Parsed *
parse_stream_limited (GInputStream *stream,
                      const char   *name,
                      const Limits *limits)
{
  g_autoptr(CalqueCsvReader) reader = calque_csv_reader_new (stream, name);
  Parsed *parsed = g_new0 (Parsed, 1);
  GStrv row;
  guint line;

  parsed->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  parsed->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  if (limits->max_field > 0)
    calque_csv_reader_set_max_field_size (reader, limits->max_field);
  if (limits->max_fields > 0)
    calque_csv_reader_set_max_fields (reader, limits->max_fields);
  if (limits->max_row > 0)
    calque_csv_reader_set_max_row_size (reader, limits->max_row);

  while (calque_csv_reader_next (reader, &row, &line, NULL, &parsed->error))
    {
      g_assert_nonnull (row);
      g_assert_nonnull (row[0]);
      g_ptr_array_add (parsed->rows, row);
      g_array_append_val (parsed->lines, line);
    }

  return parsed;
}

static Parsed *
parse_stream (GInputStream *stream,
              const char   *name,
              gsize         max_field)
{
  Limits limits = { .max_field = max_field };

  return parse_stream_limited (stream, name, &limits);
}

static Parsed *
parse (const char *data)
{
  g_autoptr(GInputStream) stream = memory_stream_new (data, -1);

  return parse_stream (stream, NULL, 0);
}

static void
assert_row (Parsed     *parsed,
            guint       index,
            guint       line,
            const char *const *expected)
{
  GStrv row;

  g_assert_cmpuint (index, <, parsed->rows->len);
  row = g_ptr_array_index (parsed->rows, index);
  g_assert_cmpuint (g_array_index (parsed->lines, guint, index), ==, line);
  g_assert_cmpstrv (row, expected);
}

static void
assert_error_message (const GError *error,
                      const char   *expected)
{
  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("message lacks \"%s\": %s", expected, error->message);
}

static void
test_simple (void)
{
  g_autoptr(Parsed) p = parse ("id,text\n1,hello\n2,world\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 3);
  assert_row (p, 0, 1, (const char *[]) { "id", "text", NULL });
  assert_row (p, 1, 2, (const char *[]) { "1", "hello", NULL });
  assert_row (p, 2, 3, (const char *[]) { "2", "world", NULL });
}

static void
test_quoted_fields (void)
{
  g_autoptr(Parsed) p = parse ("\"a,b\",\"say \"\"hi\"\"\",\"\",plain\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 1);
  assert_row (p, 0, 1, (const char *[]) { "a,b", "say \"hi\"", "", "plain", NULL });
}

static void
test_embedded_newline (void)
{
  g_autoptr(Parsed) p = parse ("id,text\n1,\"line one\nline two\n\nline four\"\n2,after\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 3);
  assert_row (p, 1, 2, (const char *[]) { "1", "line one\nline two\n\nline four", NULL });
  /* The next row starts after the four lines the quoted field spans. */
  assert_row (p, 2, 6, (const char *[]) { "2", "after", NULL });
}

static void
test_crlf (void)
{
  g_autoptr(Parsed) p = parse ("a,b\r\n1,2\r\n\"x\r\ny\",3\r\nlast,row\r\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 4);
  assert_row (p, 0, 1, (const char *[]) { "a", "b", NULL });
  assert_row (p, 1, 2, (const char *[]) { "1", "2", NULL });
  /* Line breaks inside quotes are data and stay as written. */
  assert_row (p, 2, 3, (const char *[]) { "x\r\ny", "3", NULL });
  assert_row (p, 3, 5, (const char *[]) { "last", "row", NULL });
}

static void
test_lone_cr (void)
{
  g_autoptr(Parsed) p = parse ("a,b\r1,2\r");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  assert_row (p, 1, 2, (const char *[]) { "1", "2", NULL });
}

static void
test_bom (void)
{
  g_autoptr(Parsed) p = parse ("\xef\xbb\xbftext,n\n\xef\xbb\xbfkept,1\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  assert_row (p, 0, 1, (const char *[]) { "text", "n", NULL });
  /* Only the mark at the very start is a byte order mark. */
  assert_row (p, 1, 2, (const char *[]) { "\xef\xbb\xbfkept", "1", NULL });
}

static void
test_no_final_newline (void)
{
  g_autoptr(Parsed) p = parse ("a,b\n1,\"two\"");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  assert_row (p, 1, 2, (const char *[]) { "1", "two", NULL });
}

static void
test_empty_fields (void)
{
  g_autoptr(Parsed) p = parse (",a,,\n\"\"\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  assert_row (p, 0, 1, (const char *[]) { "", "a", "", "", NULL });
  assert_row (p, 1, 2, (const char *[]) { "", NULL });
}

static void
test_blank_lines (void)
{
  g_autoptr(Parsed) p = parse ("a\n\n\r\n\nb\n\n");

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  assert_row (p, 0, 1, (const char *[]) { "a", NULL });
  assert_row (p, 1, 5, (const char *[]) { "b", NULL });
}

static void
test_empty_input (void)
{
  g_autoptr(Parsed) empty = parse ("");
  g_autoptr(Parsed) bom_only = parse ("\xef\xbb\xbf");

  g_assert_no_error (empty->error);
  g_assert_cmpuint (empty->rows->len, ==, 0);
  g_assert_no_error (bom_only->error);
  g_assert_cmpuint (bom_only->rows->len, ==, 0);
}

static void
test_unicode (void)
{
  g_autoptr(Parsed) p = parse ("café,\"naïve, \"\"日本\"\"\",😀\n");

  g_assert_no_error (p->error);
  assert_row (p, 0, 1, (const char *[]) { "café", "naïve, \"日本\"", "😀", NULL });
}

static void
test_unterminated_quote (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("a,b\n1,\"oops\n2,3\n4,5\n", -1);
  g_autoptr(Parsed) p = parse_stream (stream, "reviews.csv", 0);

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_UNTERMINATED_QUOTE);
  /* The quote opened on line 2, however far the field ran. */
  g_assert_cmpstr (p->error->message, ==,
                   "reviews.csv: line 2: the quote at column 3 opens a field that is never closed");
  g_assert_cmpuint (p->rows->len, ==, 1);
}

static void
test_stray_quote (void)
{
  g_autoptr(Parsed) p = parse ("a,b\n1,ab\"c\n");

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_STRAY_QUOTE);
  assert_error_message (p->error, "line 2: stray quote at column 5");
  g_assert_true (g_str_has_prefix (p->error->message, "line 2:"));
}

static void
test_text_after_closing_quote (void)
{
  g_autoptr(Parsed) p = parse ("x\n\"ab\"c,d\n");

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_STRAY_QUOTE);
  assert_error_message (p->error, "line 2: text after the closing quote at column 5");
}

static void
test_field_too_long (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("short\n\"1234\n5678901\"\n", -1);
  g_autoptr(Parsed) p = parse_stream (stream, "big.csv", 10);

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_FIELD_TOO_LONG);
  g_assert_true (g_str_has_prefix (p->error->message, "big.csv: line 2: a field larger than"));
  g_assert_cmpuint (p->rows->len, ==, 1);
}

static void
test_field_at_limit (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("1234567890,x\n", -1);
  g_autoptr(Parsed) p = parse_stream (stream, NULL, 10);

  g_assert_no_error (p->error);
  assert_row (p, 0, 1, (const char *[]) { "1234567890", "x", NULL });
}

/* A header, then one row of @commas + 1 empty fields. */
static GString *
commas_row (gsize commas)
{
  GString *data = g_string_new ("text\n");

  for (gsize i = 0; i < commas; i++)
    g_string_append_c (data, ',');
  g_string_append_c (data, '\n');
  return data;
}

static void
test_too_many_fields (void)
{
  g_autoptr(GString) data = commas_row (100000);
  g_autoptr(GInputStream) stream = memory_stream_new (data->str, (gssize) data->len);
  g_autoptr(GInputStream) stream2 = memory_stream_new (data->str, (gssize) data->len);
  g_autoptr(Parsed) p = parse_stream (stream, "wide.csv", 0);
  Limits limits = { .max_fields = 4096 };
  g_autoptr(Parsed) p2 = parse_stream_limited (stream2, "wide.csv", &limits);

  /* The default and the same cap set by hand refuse it alike. */
  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS);
  g_assert_cmpstr (p->error->message, ==, "wide.csv: line 2: more than 4096 fields");
  g_assert_cmpuint (p->rows->len, ==, 1);
  g_assert_error (p2->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS);
  g_assert_cmpstr (p2->error->message, ==, p->error->message);
  g_assert_cmpuint (CALQUE_CSV_DEFAULT_MAX_FIELDS, ==, 4096);
}

static void
test_fields_at_limit (void)
{
  g_autoptr(GString) data = commas_row (CALQUE_CSV_DEFAULT_MAX_FIELDS - 1);
  g_autoptr(Parsed) p = parse (data->str);
  g_autoptr(GInputStream) stream = memory_stream_new ("a,b,c\n\"x\ny\",b,c,d\n", -1);
  Limits limits = { .max_fields = 3 };
  g_autoptr(Parsed) small = parse_stream_limited (stream, NULL, &limits);

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 2);
  g_assert_cmpuint (g_strv_length (g_ptr_array_index (p->rows, 1)), ==, CALQUE_CSV_DEFAULT_MAX_FIELDS);

  g_assert_error (small->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS);
  g_assert_cmpstr (small->error->message, ==, "line 2: more than 3 fields");
  g_assert_cmpuint (small->rows->len, ==, 1);
  assert_row (small, 0, 1, (const char *[]) { "a", "b", "c", NULL });
}

static glong
max_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
test_many_fields_memory (void)
{
  /* 20 million commas would cost about 800 MB as empty fields. */
  const gsize commas = 20 * 1000 * 1000;
  g_autoptr(GInputStream) stream = comma_stream_new ("text\n", commas);
  g_autoptr(Parsed) p = NULL;
  glong before, after;

  before = max_rss_kib ();
  p = parse_stream (stream, NULL, 0);
  after = max_rss_kib ();

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS);
  g_assert_cmpstr (p->error->message, ==, "line 2: more than 4096 fields");
  /* It stopped at the 4096th comma, give or take one read buffer. */
  g_assert_cmpuint (TEST_COMMA_STREAM (stream)->pos, <, 1024 * 1024);
  g_assert_cmpint (after - before, <, 64 * 1024);
}

static void
test_row_too_long (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("12345,67890\n\"1\n2\",345,678901\n", -1);
  Limits limits = { .max_row = 10 };
  g_autoptr(Parsed) p = parse_stream_limited (stream, "rows.csv", &limits);

  /* Exactly 10 bytes of fields pass; quotes and separators do not count. */
  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ROW_TOO_LONG);
  g_assert_cmpstr (p->error->message, ==, "rows.csv: line 2: a row longer than 10 bytes");
  g_assert_cmpuint (p->rows->len, ==, 1);
  assert_row (p, 0, 1, (const char *[]) { "12345", "67890", NULL });
}

static void
test_error_line (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("a\n\n\"b\nc\",d,e\n", -1);
  g_autoptr(CalqueCsvReader) reader = calque_csv_reader_new (stream, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_auto(GStrv) first = NULL;
  GStrv row = NULL;
  guint line = 0;

  calque_csv_reader_set_max_fields (reader, 2);
  g_assert_true (calque_csv_reader_next (reader, &first, &line, NULL, &error));
  g_assert_cmpuint (line, ==, 1);

  /* The refused row starts on line 3, though the error is on line 4. */
  g_assert_false (calque_csv_reader_next (reader, &row, &line, NULL, &error));
  g_assert_error (error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS);
  g_assert_cmpuint (line, ==, 3);
  line = 0;
  g_assert_false (calque_csv_reader_next (reader, &row, &line, NULL, &again));
  g_assert_cmpuint (line, ==, 3);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("ok,fine\n\"é\n\",ab\xe9z\n", -1);
  g_autoptr(Parsed) p = parse_stream (stream, "latin1.csv", 0);

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ENCODING);
  g_assert_cmpstr (p->error->message, ==,
                   "latin1.csv: line 3: not valid UTF-8 (byte 0xE9 at column 5)");
  g_assert_cmpuint (p->rows->len, ==, 1);
}

static void
test_truncated_utf8_at_end (void)
{
  g_autoptr(Parsed) p = parse ("a\nb\xc3");

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ENCODING);
  assert_error_message (p->error, "line 2: not valid UTF-8 (byte 0xC3 at column 2)");
}

static void
test_nul_byte (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("a,b\0c\n", 6);
  g_autoptr(Parsed) p = parse_stream (stream, NULL, 0);

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ENCODING);
  assert_error_message (p->error, "byte 0x00 at column 4");
}

static void
test_one_byte_reads (void)
{
  const char *data = "\xef\xbb\xbf" "id,text\r\n7,\"naïve \"\"日本\"\"\r\n😀\"\r\n\r\n8,é\r\n";
  g_autoptr(GInputStream) stream = trickle_stream_new (data, -1);
  g_autoptr(Parsed) p = parse_stream (stream, NULL, 0);

  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 3);
  assert_row (p, 0, 1, (const char *[]) { "id", "text", NULL });
  assert_row (p, 1, 2, (const char *[]) { "7", "naïve \"日本\"\r\n😀", NULL });
  assert_row (p, 2, 5, (const char *[]) { "8", "é", NULL });
}

static void
test_one_byte_reads_invalid (void)
{
  g_autoptr(GInputStream) stream = trickle_stream_new ("x\né\xc3(\n", -1);
  g_autoptr(Parsed) p = parse_stream (stream, NULL, 0);

  g_assert_error (p->error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ENCODING);
  assert_error_message (p->error, "line 2: not valid UTF-8 (byte 0xC3 at column 2)");
}

static void
test_error_repeats (void)
{
  g_autoptr(GInputStream) stream = memory_stream_new ("a\"b\nc\n", -1);
  g_autoptr(CalqueCsvReader) reader = calque_csv_reader_new (stream, NULL);
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  GStrv row = NULL;

  g_assert_false (calque_csv_reader_next (reader, &row, NULL, NULL, &first));
  g_assert_null (row);
  g_assert_error (first, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_STRAY_QUOTE);
  g_assert_false (calque_csv_reader_next (reader, &row, NULL, NULL, &second));
  g_assert_null (row);
  g_assert_error (second, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_STRAY_QUOTE);
  g_assert_cmpstr (first->message, ==, second->message);
}

static void
test_long_rows_across_buffers (void)
{
  g_autoptr(GString) data = g_string_new ("id,text\n");
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(Parsed) p = NULL;

  /* 300 KiB of text with quotes and line breaks: several read buffers. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (long_text, "line %u \"é\"\n", i);

  g_string_append (data, "1,\"");
  for (const char *c = long_text->str; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (data, '"');
      g_string_append_c (data, *c);
    }
  g_string_append (data, "\"\n2,end\n");

  stream = memory_stream_new (data->str, (gssize) data->len);
  p = parse_stream (stream, NULL, 0);
  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, 3);
  g_assert_cmpstr (((GStrv) g_ptr_array_index (p->rows, 1))[1], ==, long_text->str);
  assert_row (p, 2, 10003, (const char *[]) { "2", "end", NULL });
}

static char *
field (const char *value)
{
  GString *row = g_string_new (NULL);

  calque_csv_append_field (row, value);
  return g_string_free (row, FALSE);
}

static void
test_writer_quoting (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\rhere", "\"cr\rhere\"" },
    { " padded ", "\" padded \"" },
    { "", "\"\"" },
    { NULL, "\"\"" },
    { "日本", "日本" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = field (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_writer_formula_guard (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "=SUM(A1:A9)", "'=SUM(A1:A9)" },
    { "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
    { "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0" },
    { "-2+3", "'-2+3" },
    { "@SUM(1)", "'@SUM(1)" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "-", "'-" },
    { "-e", "'-e" },
    /* Plain numbers stay numbers. */
    { "-1.5", "-1.5" },
    { "+3", "+3" },
    { "-2e-4", "-2e-4" },
    { "0.75", "0.75" },
    /* Only the first character matters. */
    { "a=b", "a=b" },
    { "x-1", "x-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = field (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_writer_separators (void)
{
  g_autoptr(GString) row = g_string_new (NULL);

  calque_csv_append_field (row, "");
  calque_csv_append_field (row, "b");
  calque_csv_append_field (row, "");
  g_assert_cmpstr (row->str, ==, "\"\",b,");
}

static void
test_writer_round_trip (void)
{
  const char *rows[][5] = {
    { "id", "text", "note", NULL },
    { "", "a,b", "say \"hi\"", NULL },
    { "multi\nline\r\ntext", " spaced ", "", NULL },
    { "", NULL },
    { "日本語", "😀", "0.5", NULL },
  };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(Parsed) p = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    calque_csv_append_row (out, rows[i]);

  stream = memory_stream_new (out->str, (gssize) out->len);
  p = parse_stream (stream, NULL, 0);
  g_assert_no_error (p->error);
  g_assert_cmpuint (p->rows->len, ==, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_assert_cmpstrv ((GStrv) g_ptr_array_index (p->rows, i), rows[i]);
  g_assert_true (g_str_has_suffix (out->str, "0.5\r\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/simple", test_simple);
  g_test_add_func ("/csv/quoted-fields", test_quoted_fields);
  g_test_add_func ("/csv/embedded-newline", test_embedded_newline);
  g_test_add_func ("/csv/crlf", test_crlf);
  g_test_add_func ("/csv/lone-cr", test_lone_cr);
  g_test_add_func ("/csv/bom", test_bom);
  g_test_add_func ("/csv/no-final-newline", test_no_final_newline);
  g_test_add_func ("/csv/empty-fields", test_empty_fields);
  g_test_add_func ("/csv/blank-lines", test_blank_lines);
  g_test_add_func ("/csv/empty-input", test_empty_input);
  g_test_add_func ("/csv/unicode", test_unicode);
  g_test_add_func ("/csv/unterminated-quote", test_unterminated_quote);
  g_test_add_func ("/csv/stray-quote", test_stray_quote);
  g_test_add_func ("/csv/text-after-closing-quote", test_text_after_closing_quote);
  g_test_add_func ("/csv/field-too-long", test_field_too_long);
  g_test_add_func ("/csv/field-at-limit", test_field_at_limit);
  g_test_add_func ("/csv/too-many-fields", test_too_many_fields);
  g_test_add_func ("/csv/fields-at-limit", test_fields_at_limit);
  g_test_add_func ("/csv/many-fields-memory", test_many_fields_memory);
  g_test_add_func ("/csv/row-too-long", test_row_too_long);
  g_test_add_func ("/csv/error-line", test_error_line);
  g_test_add_func ("/csv/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/csv/truncated-utf8-at-end", test_truncated_utf8_at_end);
  g_test_add_func ("/csv/nul-byte", test_nul_byte);
  g_test_add_func ("/csv/one-byte-reads", test_one_byte_reads);
  g_test_add_func ("/csv/one-byte-reads-invalid", test_one_byte_reads_invalid);
  g_test_add_func ("/csv/error-repeats", test_error_repeats);
  g_test_add_func ("/csv/long-rows-across-buffers", test_long_rows_across_buffers);
  g_test_add_func ("/csv/writer-quoting", test_writer_quoting);
  g_test_add_func ("/csv/writer-formula-guard", test_writer_formula_guard);
  g_test_add_func ("/csv/writer-separators", test_writer_separators);
  g_test_add_func ("/csv/writer-round-trip", test_writer_round_trip);

  return g_test_run ();
}
