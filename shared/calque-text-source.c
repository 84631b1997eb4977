/* calque-text-source.c — reading the texts of a dataset to import */
#define G_LOG_DOMAIN "calque-text-source"

#include "calque-text-source.h"
#include "calque-json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "calque-csv.h"

#define READ_BUFFER_SIZE (64 * 1024)

/* A text line can hold at most 4 bytes per character, plus the CR of a CRLF;
 * past that it is too long whatever it holds, and reading stops. */
#define TXT_MAX_LINE_BYTES (4 * (gsize) CALQUE_TEXT_SOURCE_MAX_CHARS + 1)

/* A JSON line holds the text, at most 4 bytes per character, and the other
 * members, which are metadata and small; plus the CR of a CRLF. The bound is
 * tight because json-glib spends tens of times a line's size on a line of
 * many small values (an array of zeros), and it is checked before parsing.
 * A text written with \u escapes for every character (up to 12 bytes each)
 * may be refused here although it is within CALQUE_TEXT_SOURCE_MAX_CHARS. */
#define JSONL_MAX_LINE_BYTES (4 * (gsize) CALQUE_TEXT_SOURCE_MAX_CHARS + 1024 * 1024 + 1)

/* CSV fields are bounded the same way. */
#define CSV_MAX_FIELD_BYTES ((gsize) 16 * 1024 * 1024)

typedef enum {
  FORMAT_TXT,
  FORMAT_CSV,
  FORMAT_JSONL,
} Format;

typedef struct {
  const char     *path;
  CalqueTextFunc  func;
  gpointer        user_data;
  GInputStream   *stream;
} Source;

typedef enum {
  LINE_OK,
  LINE_END,
  LINE_TOO_LONG,
  LINE_FAILED,
} LineResult;

/* Splits a stream into lines without a bound on their number, and with a
 * bound on their length so that one huge line cannot exhaust memory. */
typedef struct {
  GInputStream *stream;
  guint8       *buf;
  gsize         pos;
  gsize         len;
  gboolean      eof;
  GString      *line;
  guint         line_no;  /* of the line in @line */
} LineReader;

G_DEFINE_QUARK (calque-text-source-error-quark, calque_text_source_error)

static gboolean G_GNUC_PRINTF (5, 6)
set_line_error (const Source           *src,
                GError                **error,
                CalqueTextSourceError   code,
                guint                   line,
                const char             *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, code, _("%s: line %u: %s"), src->path, line, message);
  return FALSE;
}

static void
line_reader_init (LineReader   *reader,
                  GInputStream *stream)
{
  reader->stream = stream;
  reader->buf = g_malloc (READ_BUFFER_SIZE);
  reader->pos = reader->len = 0;
  reader->eof = FALSE;
  reader->line = g_string_new (NULL);
  reader->line_no = 0;
}

static void
line_reader_clear (LineReader *reader)
{
  g_clear_pointer (&reader->buf, g_free);
  if (reader->line != NULL)
    g_string_free (g_steal_pointer (&reader->line), TRUE);
}

/* Reads the next line into reader->line, without its LF and without the CR
 * of a CRLF. reader->line_no is the number of that line, also when the line
 * is too long. */
static LineResult
line_reader_next (LineReader  *reader,
                  gsize        max_bytes,
                  const char  *path,
                  GError     **error)
{
  gboolean pending = FALSE;

  g_string_truncate (reader->line, 0);
  reader->line_no++;

  for (;;)
    {
      const guint8 *newline;
      gsize chunk;

      if (reader->pos == reader->len)
        {
          g_autoptr(GError) local_error = NULL;
          gssize n;

          if (reader->eof)
            break;

          n = g_input_stream_read (reader->stream, reader->buf, READ_BUFFER_SIZE, NULL, &local_error);
          if (n < 0)
            {
              g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO,
                           _("%s: line %u: cannot read: %s"), path, reader->line_no, local_error->message);
              return LINE_FAILED;
            }
          reader->pos = 0;
          reader->len = (gsize) n;
          if (n == 0)
            {
              reader->eof = TRUE;
              break;
            }
        }

      pending = TRUE;
      newline = memchr (reader->buf + reader->pos, '\n', reader->len - reader->pos);
      chunk = newline != NULL ? (gsize) (newline - (reader->buf + reader->pos)) : reader->len - reader->pos;

      if (reader->line->len + chunk > max_bytes)
        return LINE_TOO_LONG;

      g_string_append_len (reader->line, (const char *) reader->buf + reader->pos, (gssize) chunk);
      reader->pos += chunk;

      if (newline != NULL)
        {
          reader->pos++;
          break;
        }
    }

  if (!pending)
    return LINE_END;

  if (reader->line->len > 0 && reader->line->str[reader->line->len - 1] == '\r')
    g_string_truncate (reader->line, reader->line->len - 1);

  if (reader->line_no == 1 && g_str_has_prefix (reader->line->str, "\xef\xbb\xbf"))
    g_string_erase (reader->line, 0, 3);

  return LINE_OK;
}

/* Checks that @line is UTF-8, naming the first bad byte by its character
 * column, as an editor would show it. */
static gboolean
check_utf8 (const Source  *src,
            const char    *text,
            gsize          len,
            guint          line,
            GError       **error)
{
  const char *end;

  if (g_utf8_validate_len (text, len, &end))
    return TRUE;

  return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_ENCODING, line,
                         _("not valid UTF-8 (byte 0x%02X at column %ld)"),
                         (guint8) *end, g_utf8_strlen (text, end - text) + 1);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The character count is only needed when the byte count allows too many. */
static gboolean
is_too_long (const char *text,
             gsize       len)
{
  return len > CALQUE_TEXT_SOURCE_MAX_CHARS
         && g_utf8_strlen (text, (gssize) len) > CALQUE_TEXT_SOURCE_MAX_CHARS;
}

static gboolean
emit (const Source  *src,
      const char    *text,
      guint          line,
      JsonObject    *metadata,
      GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (src->func (text, line, metadata, src->user_data, &local_error))
    return TRUE;

  if (local_error == NULL)
    local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("%s: line %u: stopped"), src->path, line);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
read_txt (const Source  *src,
          GError       **error)
{
  LineReader reader;
  gboolean ok = TRUE;

  line_reader_init (&reader, src->stream);

  for (;;)
    {
      LineResult result = line_reader_next (&reader, TXT_MAX_LINE_BYTES, src->path, error);
      const char *text = reader.line->str;

      if (result == LINE_END)
        break;
      if (result == LINE_FAILED)
        {
          ok = FALSE;
          break;
        }
      if (result == LINE_TOO_LONG || (result == LINE_OK && is_too_long (text, reader.line->len)))
        {
          /* Counting characters is only right for valid text. */
          if (result == LINE_OK && !check_utf8 (src, text, reader.line->len, reader.line_no, error))
            ok = FALSE;
          else
            ok = set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG, reader.line_no,
                                 _("text longer than %d characters"), CALQUE_TEXT_SOURCE_MAX_CHARS);
          break;
        }

      if (!check_utf8 (src, text, reader.line->len, reader.line_no, error))
        {
          ok = FALSE;
          break;
        }

      if (is_blank (text))
        continue;

      if (!emit (src, text, reader.line_no, NULL, error))
        {
          ok = FALSE;
          break;
        }
    }

  line_reader_clear (&reader);
  return ok;
}

static const char *
describe_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("a boolean");
    default:
      return _("a number");
    }
}

/* json-glib's messages start with "<data>:LINE:COLUMN: "; each line is
 * parsed alone, so only the column means something to the user. */
static gboolean
set_json_syntax_error (const Source  *src,
                       GError       **error,
                       guint          line,
                       const GError  *parse_error)
{
  const char *msg = parse_error->message;
  const char *p;
  guint64 column;
  char *end;

  if (!g_str_has_prefix (msg, "<data>:"))
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line, "%s", msg);

  p = msg + strlen ("<data>:");
  g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line, "%s", msg);
  p = end + 1;
  column = g_ascii_strtoull (p, &end, 10);
  if (end == p || !g_str_has_prefix (end, ": "))
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line, "%s", msg);

  g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
               _("%s: line %u, column %u: %s"), src->path, line, (guint) column, end + 2);
  return FALSE;
}

static gboolean
handle_json_line (const Source  *src,
                  JsonParser    *parser,
                  const char    *field,
                  const char    *line,
                  gsize          len,
                  guint          line_no,
                  GError       **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) text_node = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *member;
  const char *text;

  if (!calque_json_load_one (parser, line, (gssize) len, &parse_error))
    return set_json_syntax_error (src, error, line_no, parse_error);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TYPE, line_no,
                           _("expected a JSON object, found %s"),
                           root != NULL ? describe_node (root) : _("nothing"));

  object = json_node_get_object (root);
  member = json_object_get_member (object, field);
  if (member == NULL)
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TYPE, line_no,
                           _("no field “%s”"), field);
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TYPE, line_no,
                           _("field “%s” is %s, expected a string"), field, describe_node (member));

  text = json_node_get_string (member);
  if (is_too_long (text, strlen (text)))
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG, line_no,
                           _("field “%s” is longer than %d characters"), field,
                           CALQUE_TEXT_SOURCE_MAX_CHARS);

  /* The metadata is the object without its text; take the text out of the
   * parsed tree rather than copy every other member. */
  text_node = json_node_ref (member);
  json_object_remove_member (object, field);

  return emit (src, json_node_get_string (text_node), line_no, object, error);
}

static gboolean
read_jsonl (const Source  *src,
            const char    *field,
            GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  LineReader reader;
  gboolean ok = TRUE;

  line_reader_init (&reader, src->stream);

  for (;;)
    {
      LineResult result = line_reader_next (&reader, JSONL_MAX_LINE_BYTES, src->path, error);
      const char *line = reader.line->str;

      if (result == LINE_END)
        break;
      if (result == LINE_FAILED)
        {
          ok = FALSE;
          break;
        }
      if (result == LINE_TOO_LONG)
        {
          g_autofree char *limit = g_format_size_full (JSONL_MAX_LINE_BYTES, G_FORMAT_SIZE_IEC_UNITS);

          ok = set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG, reader.line_no,
                               _("line longer than %s"), limit);
          break;
        }

      if (!check_utf8 (src, line, reader.line->len, reader.line_no, error))
        {
          ok = FALSE;
          break;
        }

      if (is_blank (line))
        continue;

      if (!handle_json_line (src, parser, field, line, reader.line->len, reader.line_no, error))
        {
          ok = FALSE;
          break;
        }
    }

  line_reader_clear (&reader);
  return ok;
}

/* The CSV reader's errors already name the file and line; only the domain
 * changes. */
static void
propagate_csv_error (GError  **error,
                     GError   *csv_error)
{
  CalqueTextSourceError code = CALQUE_TEXT_SOURCE_ERROR_SYNTAX;

  if (g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ENCODING))
    code = CALQUE_TEXT_SOURCE_ERROR_ENCODING;
  else if (g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_FIELD_TOO_LONG)
           || g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_ROW_TOO_LONG)
           || g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS))
    code = CALQUE_TEXT_SOURCE_ERROR_TOO_LONG;
  else if (g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_IO))
    code = CALQUE_TEXT_SOURCE_ERROR_IO;

  g_set_error_literal (error, CALQUE_TEXT_SOURCE_ERROR, code, csv_error->message);
  g_error_free (csv_error);
}

static gboolean
read_csv (const Source  *src,
          const char    *column,
          GError       **error)
{
  g_autoptr(CalqueCsvReader) reader = calque_csv_reader_new (src->stream, src->path);
  g_autoptr(GError) csv_error = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GHashTable) seen = NULL;
  guint n_columns, text_index = G_MAXUINT;
  guint line;
  GStrv row;

  calque_csv_reader_set_max_field_size (reader, CSV_MAX_FIELD_BYTES);

  if (!calque_csv_reader_next (reader, &header, &line, NULL, &csv_error))
    {
      if (csv_error != NULL)
        {
          propagate_csv_error (error, g_steal_pointer (&csv_error));
          return FALSE;
        }
      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_NO_COLUMN,
                   _("%s: no column named “%s” (the file is empty)"), src->path, column);
      return FALSE;
    }

  n_columns = g_strv_length (header);
  keys = g_ptr_array_new_with_free_func (g_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_columns; i++)
    {
      gpointer first;

      if (text_index == G_MAXUINT && g_str_equal (header[i], column))
        text_index = i;

      if (header[i][0] == '\0')
        continue;
      if (g_hash_table_lookup_extended (seen, header[i], NULL, &first))
        return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line,
                               _("two columns named “%s” (columns %u and %u)"),
                               header[i], GPOINTER_TO_UINT (first) + 1, i + 1);
      g_hash_table_insert (seen, header[i], GUINT_TO_POINTER (i));
    }

  /* An unnamed column is called "column N", or, if the header also has a
   * column of that name, "column N (2)", "column N (3)"… until the name is
   * free: two keys alike would drop one value from every row's metadata
   * without a word. Renaming rather than refusing the file, because such a
   * header is most likely an export whose unnamed index column the user has
   * no easy way to name, and the suffixed key still says where it came from.
   * Not translated: metadata keys are data, the same in every locale. */
  for (guint i = 0; i < n_columns; i++)
    {
      char *key;

      if (header[i][0] != '\0')
        {
          g_ptr_array_add (keys, g_strdup (header[i]));
          continue;
        }

      key = g_strdup_printf ("column %u", i + 1);
      for (guint n = 2; g_hash_table_contains (seen, key); n++)
        {
          g_free (key);
          key = g_strdup_printf ("column %u (%u)", i + 1, n);
        }
      g_ptr_array_add (keys, key);
      g_hash_table_insert (seen, key, GUINT_TO_POINTER (i));
    }

  if (text_index == G_MAXUINT)
    {
      g_autofree char *names = g_strjoinv (", ", header);

      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_NO_COLUMN,
                   _("%s: no column named “%s” (columns: %s)"), src->path, column, names);
      return FALSE;
    }

  /* A row one field wider than the header is read whole, to say how wide it
   * is; a wider one is refused at its next separator rather than built. */
  calque_csv_reader_set_max_fields (reader, n_columns + 1);

  while (calque_csv_reader_next (reader, &row, &line, NULL, &csv_error))
    {
      g_auto(GStrv) fields = row;
      g_autoptr(JsonObject) metadata = NULL;
      guint n_fields = g_strv_length (fields);
      const char *text;

      if (n_fields != n_columns)
        return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%u field, but the header has %u",
                                            "%u fields, but the header has %u", n_fields),
                               n_fields, n_columns);

      text = fields[text_index];
      if (is_too_long (text, strlen (text)))
        return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_TOO_LONG, line,
                               _("column “%s” is longer than %d characters"), column,
                               CALQUE_TEXT_SOURCE_MAX_CHARS);

      metadata = json_object_new ();
      for (guint i = 0; i < n_columns; i++)
        if (i != text_index)
          json_object_set_string_member (metadata, g_ptr_array_index (keys, i), fields[i]);

      if (!emit (src, text, line, metadata, error))
        return FALSE;
    }

  if (g_error_matches (csv_error, CALQUE_CSV_ERROR, CALQUE_CSV_ERROR_TOO_MANY_FIELDS))
    return set_line_error (src, error, CALQUE_TEXT_SOURCE_ERROR_SYNTAX, line,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "more than %u field, but the header has %u",
                                        "more than %u fields, but the header has %u", n_columns + 1),
                           n_columns + 1, n_columns);

  if (csv_error != NULL)
    {
      propagate_csv_error (error, g_steal_pointer (&csv_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
format_from_path (const char *path,
                  Format     *out_format)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  if (dot == NULL || dot == base)
    return FALSE;

  if (g_ascii_strcasecmp (dot, ".txt") == 0)
    *out_format = FORMAT_TXT;
  else if (g_ascii_strcasecmp (dot, ".csv") == 0)
    *out_format = FORMAT_CSV;
  else if (g_ascii_strcasecmp (dot, ".jsonl") == 0 || g_ascii_strcasecmp (dot, ".ndjson") == 0)
    *out_format = FORMAT_JSONL;
  else
    return FALSE;

  return TRUE;
}

/* Opens @path, with "PATH: reason" messages rather than GIO's, which
 * repeat the path in a different form. */
static GInputStream *
open_source (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO,
                   _("%s: cannot open: %s"), path, g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO,
                   _("%s: cannot open: %s"), path, g_strerror (EISDIR));
      return NULL;
    }
  g_close (fd, NULL);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_IO,
                   _("%s: cannot open: %s"), path, local_error->message);
      return NULL;
    }

  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

gboolean
calque_text_source_read (const char                     *path,
                         const CalqueTextSourceOptions  *options,
                         CalqueTextFunc                  func,
                         gpointer                        user_data,
                         GError                        **error)
{
  g_autoptr(GInputStream) stream = NULL;
  const char *csv_column = NULL, *jsonl_field = NULL;
  Source src = { .path = path, .func = func, .user_data = user_data };
  Format format;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options != NULL)
    {
      csv_column = options->csv_column;
      jsonl_field = options->jsonl_field;
    }
  if (csv_column == NULL)
    csv_column = "text";
  if (jsonl_field == NULL)
    jsonl_field = "text";

  if (!format_from_path (path, &format))
    {
      g_set_error (error, CALQUE_TEXT_SOURCE_ERROR, CALQUE_TEXT_SOURCE_ERROR_SYNTAX,
                   _("%s: not a text file Calque imports (expected .txt, .csv, .jsonl or .ndjson)"),
                   path);
      return FALSE;
    }

  stream = open_source (path, error);
  if (stream == NULL)
    return FALSE;
  src.stream = stream;

  switch (format)
    {
    case FORMAT_TXT:
      return read_txt (&src, error);
    case FORMAT_CSV:
      return read_csv (&src, csv_column, error);
    case FORMAT_JSONL:
      return read_jsonl (&src, jsonl_field, error);
    default:
      g_assert_not_reached ();
    }
}
