/* calque-csv.c — reading and writing CSV (RFC 4180) */
#define G_LOG_DOMAIN "calque-csv"

#include "calque-csv.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#define READ_BUFFER_SIZE (64 * 1024)

/* get_byte() results besides a byte. */
#define CSV_EOF   (-1)
#define CSV_ERROR (-2)

struct _CalqueCsvReader {
  GInputStream *stream;
  char         *prefix;      /* "name: " or "" */
  gsize         max_field;
  guint         max_fields;
  gsize         max_row;

  guint8       *buf;
  gsize         pos;         /* next byte to hand out */
  gsize         len;         /* bytes in buf */
  gsize         valid_end;   /* buf[pos..valid_end) is known to be valid UTF-8 */
  gboolean      eof;
  gboolean      bad_utf8;    /* buf[valid_end] starts an invalid sequence */
  gboolean      started;     /* the BOM check is done */

  /* Position of the next byte, and of the byte get_byte() returned last.
   * Columns count characters, not bytes, from 1. */
  guint         line;
  guint         column;
  gboolean      after_cr;
  guint         byte_line;
  guint         byte_column;

  GString      *field;
  GPtrArray    *row;
  gsize         row_bytes;   /* in the fields of @row, not counting @field */
  guint         row_line;
  GError       *failure;     /* once failed, every later call repeats it */
  guint         failure_line; /* of the row it refused, or 0 */
};

G_DEFINE_QUARK (calque-csv-error-quark, calque_csv_error)

static gboolean G_GNUC_PRINTF (4, 5)
set_error (CalqueCsvReader  *self,
           GError          **error,
           CalqueCsvError    code,
           const char       *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  self->failure = g_error_new (CALQUE_CSV_ERROR, code, "%s%s", self->prefix, message);
  g_propagate_error (error, g_error_copy (self->failure));
  return FALSE;
}

/* TRUE if @p (@n bytes, at the end of what has been read so far) could be
 * the start of a valid sequence whose remaining bytes are still unread. */
static gboolean
is_incomplete_sequence (const guint8 *p,
                        gsize         n)
{
  gsize need;

  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    need = 2;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    need = 3;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    need = 4;
  else
    return FALSE;

  if (n >= need)
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if ((p[i] & 0xc0) != 0x80)
      return FALSE;
  return TRUE;
}

/* Appends more input after what is unread and validates it. */
static gboolean
fill (CalqueCsvReader  *self,
      GCancellable     *cancellable,
      GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *valid_until;
  gssize n;

  if (self->eof || self->bad_utf8)
    return TRUE;

  if (self->pos > 0)
    {
      memmove (self->buf, self->buf + self->pos, self->len - self->pos);
      self->len -= self->pos;
      self->valid_end -= self->pos;
      self->pos = 0;
    }

  n = g_input_stream_read (self->stream, self->buf + self->len, READ_BUFFER_SIZE - self->len,
                           cancellable, &local_error);
  if (n < 0)
    return set_error (self, error, CALQUE_CSV_ERROR_IO, "%s", local_error->message);
  if (n == 0)
    self->eof = TRUE;
  self->len += (gsize) n;

  /* Validating the raw bytes is the same as validating every field: the
   * quotes and separators taken out are ASCII, and UTF-8 never has an ASCII
   * byte inside a character. */
  g_utf8_validate_len ((const char *) self->buf + self->valid_end, self->len - self->valid_end, &valid_until);
  self->valid_end = (gsize) ((const guint8 *) valid_until - self->buf);

  if (self->valid_end < self->len
      && (self->eof || !is_incomplete_sequence (self->buf + self->valid_end, self->len - self->valid_end)))
    self->bad_utf8 = TRUE;

  return TRUE;
}

static int
get_byte (CalqueCsvReader  *self,
          GCancellable     *cancellable,
          GError          **error)
{
  guint8 c;

  if (G_UNLIKELY (!self->started))
    {
      while (self->len < 3 && !self->eof && !self->bad_utf8)
        if (!fill (self, cancellable, error))
          return CSV_ERROR;
      if (self->valid_end >= 3 && memcmp (self->buf, "\xef\xbb\xbf", 3) == 0)
        self->pos = 3;
      self->started = TRUE;
    }

  while (G_UNLIKELY (self->pos == self->valid_end))
    {
      if (self->bad_utf8)
        {
          set_error (self, error, CALQUE_CSV_ERROR_ENCODING,
                     _("line %u: not valid UTF-8 (byte 0x%02X at column %u)"),
                     self->line, self->buf[self->pos], self->column);
          return CSV_ERROR;
        }
      if (self->eof)
        return CSV_EOF;
      if (!fill (self, cancellable, error))
        return CSV_ERROR;
    }

  c = self->buf[self->pos++];
  self->byte_line = self->line;
  self->byte_column = self->column;

  if (c == '\n')
    {
      /* The LF of a CRLF ends the line the CR already counted. */
      if (!self->after_cr)
        self->line++;
      self->column = 1;
      self->after_cr = FALSE;
    }
  else if (c == '\r')
    {
      self->line++;
      self->column = 1;
      self->after_cr = TRUE;
    }
  else
    {
      self->after_cr = FALSE;
      if ((c & 0xc0) != 0x80)
        self->column++;
    }

  return c;
}

/* Ends the field being read. @more: a separator follows, so another field
 * starts; it is refused here, before anything is allocated for it, when the
 * row already has as many fields as allowed. */
static gboolean
end_field (CalqueCsvReader  *self,
           gboolean          more,
           GError          **error)
{
  if (more && G_UNLIKELY (self->row->len + 1 >= self->max_fields))
    return set_error (self, error, CALQUE_CSV_ERROR_TOO_MANY_FIELDS,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "line %u: more than %u field",
                                   "line %u: more than %u fields", self->max_fields),
                      self->row_line, self->max_fields);

  self->row_bytes += self->field->len;
  g_ptr_array_add (self->row, g_strndup (self->field->str, self->field->len));
  g_string_truncate (self->field, 0);
  return TRUE;
}

static gboolean
append_byte (CalqueCsvReader  *self,
             int               c,
             guint             field_line,
             GError          **error)
{
  if (G_UNLIKELY (self->field->len >= self->max_field))
    {
      g_autofree char *limit = g_format_size_full (self->max_field, G_FORMAT_SIZE_IEC_UNITS);

      return set_error (self, error, CALQUE_CSV_ERROR_FIELD_TOO_LONG,
                        _("line %u: a field larger than %s"), field_line, limit);
    }
  if (G_UNLIKELY (self->row_bytes + self->field->len >= self->max_row))
    {
      g_autofree char *limit = g_format_size_full (self->max_row, G_FORMAT_SIZE_IEC_UNITS);

      return set_error (self, error, CALQUE_CSV_ERROR_ROW_TOO_LONG,
                        _("line %u: a row longer than %s"), self->row_line, limit);
    }

  g_string_append_c (self->field, (char) c);
  return TRUE;
}

/* RFC 4180 leaves numbers alone; this says whether a value starting with
 * + or - is nothing but a decimal number, which is safe in a spreadsheet. */
static gboolean
is_plain_number (const char *value)
{
  char *end = NULL;
  gboolean digit = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (strchr ("+-.eE", *p) == NULL)
        return FALSE;
    }

  if (!digit)
    return FALSE;

  g_ascii_strtod (value, &end);
  return end != NULL && *end == '\0';
}

CalqueCsvReader *
calque_csv_reader_new (GInputStream *stream,
                       const char   *name)
{
  CalqueCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (CalqueCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->prefix = name != NULL ? g_strconcat (name, ": ", NULL) : g_strdup ("");
  self->max_field = CALQUE_CSV_DEFAULT_MAX_FIELD_SIZE;
  self->max_fields = CALQUE_CSV_DEFAULT_MAX_FIELDS;
  self->max_row = CALQUE_CSV_DEFAULT_MAX_ROW_SIZE;
  self->buf = g_malloc (READ_BUFFER_SIZE);
  self->line = 1;
  self->column = 1;
  self->field = g_string_new (NULL);
  self->row = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
calque_csv_reader_free (CalqueCsvReader *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->stream);
  g_free (self->prefix);
  g_free (self->buf);
  g_string_free (self->field, TRUE);
  g_ptr_array_unref (self->row);
  g_clear_error (&self->failure);
  g_free (self);
}

void
calque_csv_reader_set_max_field_size (CalqueCsvReader *self,
                                      gsize            max_bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_bytes > 0);

  self->max_field = max_bytes;
}

void
calque_csv_reader_set_max_fields (CalqueCsvReader *self,
                                  guint            max_fields)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_fields > 0);

  self->max_fields = max_fields;
}

void
calque_csv_reader_set_max_row_size (CalqueCsvReader *self,
                                    gsize            max_bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_bytes > 0);

  self->max_row = max_bytes;
}

gboolean
calque_csv_reader_next (CalqueCsvReader  *self,
                        GStrv            *out_row,
                        guint            *out_line,
                        GCancellable     *cancellable,
                        GError          **error)
{
  enum { FIELD_START, UNQUOTED, QUOTED, QUOTED_QUOTE } state = FIELD_START;
  guint field_line, quote_line = 0, quote_column = 0;
  int c;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_row != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_row = NULL;
  if (out_line != NULL)
    *out_line = 0;

  if (self->failure != NULL)
    {
      if (out_line != NULL)
        *out_line = self->failure_line;
      g_propagate_error (error, g_error_copy (self->failure));
      return FALSE;
    }

  /* Empty lines between rows are not rows. */
  do
    {
      c = get_byte (self, cancellable, error);
      if (c == CSV_ERROR || c == CSV_EOF)
        return FALSE;
    }
  while (c == '\n' || c == '\r');

  self->row_line = field_line = self->byte_line;
  self->row_bytes = 0;
  g_ptr_array_set_size (self->row, 0);
  g_string_truncate (self->field, 0);

  for (;; c = get_byte (self, cancellable, error))
    {
      if (c == CSV_ERROR)
        goto failed;

      switch (state)
        {
        case FIELD_START:
          field_line = self->byte_line;
          if (c == '"')
            {
              state = QUOTED;
              quote_line = self->byte_line;
              quote_column = self->byte_column;
              break;
            }
          state = UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case UNQUOTED:
          if (c == ',')
            {
              if (!end_field (self, TRUE, error))
                goto failed;
              state = FIELD_START;
            }
          else if (c == '\n' || c == '\r' || c == CSV_EOF)
            {
              if (!end_field (self, FALSE, error))
                goto failed;
              goto row_done;
            }
          else if (c == '"')
            {
              set_error (self, error, CALQUE_CSV_ERROR_STRAY_QUOTE,
                         _("line %u: stray quote at column %u inside an unquoted field "
                           "(a field with quotes must be quoted as a whole, with each quote doubled)"),
                         self->byte_line, self->byte_column);
              goto failed;
            }
          else if (!append_byte (self, c, field_line, error))
            goto failed;
          break;

        case QUOTED:
          if (c == CSV_EOF)
            {
              set_error (self, error, CALQUE_CSV_ERROR_UNTERMINATED_QUOTE,
                         _("line %u: the quote at column %u opens a field that is never closed"),
                         quote_line, quote_column);
              goto failed;
            }
          else if (c == '"')
            state = QUOTED_QUOTE;
          else if (!append_byte (self, c, field_line, error))
            goto failed;
          break;

        case QUOTED_QUOTE:
          if (c == '"')
            {
              if (!append_byte (self, c, field_line, error))
                goto failed;
              state = QUOTED;
            }
          else if (c == ',')
            {
              if (!end_field (self, TRUE, error))
                goto failed;
              state = FIELD_START;
            }
          else if (c == '\n' || c == '\r' || c == CSV_EOF)
            {
              if (!end_field (self, FALSE, error))
                goto failed;
              goto row_done;
            }
          else
            {
              set_error (self, error, CALQUE_CSV_ERROR_STRAY_QUOTE,
                         _("line %u: text after the closing quote at column %u "
                           "(a quote inside a quoted field must be doubled)"),
                         self->byte_line, self->byte_column);
              goto failed;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

row_done:
  g_ptr_array_add (self->row, NULL);
  *out_row = (GStrv) g_ptr_array_steal (self->row, NULL);
  if (out_line != NULL)
    *out_line = self->row_line;
  return TRUE;

failed:
  g_ptr_array_set_size (self->row, 0);
  g_string_truncate (self->field, 0);
  self->row_bytes = 0;
  self->failure_line = self->row_line;
  if (out_line != NULL)
    *out_line = self->row_line;
  return FALSE;
}

void
calque_csv_append_field (GString    *row,
                         const char *value)
{
  gboolean first, guard, quote;
  gsize len;

  g_return_if_fail (row != NULL);

  if (value == NULL)
    value = "";
  len = strlen (value);

  first = row->len == 0;
  if (!first)
    g_string_append_c (row, ',');

  guard = value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL
          && !((value[0] == '+' || value[0] == '-') && is_plain_number (value));

  quote = strpbrk (value, ",\"\r\n") != NULL
          || (len > 0 && (value[0] == ' ' || value[len - 1] == ' '))
          || (len == 0 && first);

  if (quote)
    g_string_append_c (row, '"');
  if (guard)
    g_string_append_c (row, '\'');

  if (quote)
    {
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (row, '"');
          g_string_append_c (row, *p);
        }
      g_string_append_c (row, '"');
    }
  else
    g_string_append_len (row, value, (gssize) len);
}

void
calque_csv_append_row (GString           *out,
                       const char *const *fields)
{
  g_autoptr(GString) row = NULL;

  g_return_if_fail (out != NULL);
  g_return_if_fail (fields != NULL);

  row = g_string_new (NULL);
  for (guint i = 0; fields[i] != NULL; i++)
    calque_csv_append_field (row, fields[i]);

  /* A row of no fields would read back as nothing at all. */
  if (row->len == 0)
    calque_csv_append_field (row, "");

  g_string_append_len (out, row->str, (gssize) row->len);
  g_string_append (out, "\r\n");
}
