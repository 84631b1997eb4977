/* calque-csv.h — reading and writing CSV (RFC 4180)
 *
 * The reader streams: it holds one row at a time, however long the file,
 * and a row is bounded in size, in number of fields and in the size of each
 * field, so that no input can make it hold more than about the row limit.
 * Fields may be quoted; inside quotes a doubled quote is a quote, and commas
 * and line breaks are part of the field. Rows end with LF, CRLF or a lone
 * CR. A UTF-8 byte order mark at the very start is skipped. Empty lines
 * between rows are skipped (a row with one empty field is written `""`).
 * The input must be UTF-8; the first invalid byte is an error naming its
 * line and column, so every field handed out is valid UTF-8.
 *
 * The writer quotes a field only when it has to, and defuses spreadsheet
 * formulas; see calque_csv_append_field().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CALQUE_CSV_ERROR (calque_csv_error_quark ())
typedef enum {
  CALQUE_CSV_ERROR_UNTERMINATED_QUOTE, /* a quoted field runs to the end of the input */
  CALQUE_CSV_ERROR_STRAY_QUOTE,        /* a quote inside an unquoted field, or text after a closing quote */
  CALQUE_CSV_ERROR_FIELD_TOO_LONG,     /* a field over the reader's maximum size */
  CALQUE_CSV_ERROR_ENCODING,           /* bytes that are not UTF-8 */
  CALQUE_CSV_ERROR_IO,                 /* the stream failed */
  CALQUE_CSV_ERROR_TOO_MANY_FIELDS,    /* a row with more fields than the reader's maximum */
  CALQUE_CSV_ERROR_ROW_TOO_LONG,       /* a row whose fields together are over the reader's maximum size */
} CalqueCsvError;

GQuark calque_csv_error_quark (void);

/* Fields larger than this are refused unless the reader is told otherwise. */
#define CALQUE_CSV_DEFAULT_MAX_FIELD_SIZE (16 * 1024 * 1024)

/* Rows with more fields than this are refused unless the reader is told
 * otherwise. Each field costs memory even when empty, so a row of commas
 * must not be read to its end. */
#define CALQUE_CSV_DEFAULT_MAX_FIELDS 4096

/* Rows whose fields hold more bytes than this, together, are refused unless
 * the reader is told otherwise. Quotes and separators do not count. */
#define CALQUE_CSV_DEFAULT_MAX_ROW_SIZE (64 * 1024 * 1024)

typedef struct _CalqueCsvReader CalqueCsvReader;

/* @name, if not NULL, starts every error message ("reviews.csv: line 3: …"),
 * usually the file name as the user gave it. */
CalqueCsvReader *calque_csv_reader_new                (GInputStream     *stream,
                                                       const char       *name);
void             calque_csv_reader_free               (CalqueCsvReader  *self);
void             calque_csv_reader_set_max_field_size (CalqueCsvReader  *self,
                                                       gsize             max_bytes);
void             calque_csv_reader_set_max_fields     (CalqueCsvReader  *self,
                                                       guint             max_fields);
void             calque_csv_reader_set_max_row_size   (CalqueCsvReader  *self,
                                                       gsize             max_bytes);

/* The limits are checked as the row is read: the reader stops at the byte
 * or the separator that goes over one, with an error naming the line where
 * the field (for its size) or the row (for the others) starts.
 *
 * Reads the next row. Returns TRUE and sets @out_row (NULL-terminated, at
 * least one field) and @out_line (1-based line where the row starts).
 * Returns FALSE at the end of the input with @error unset, or FALSE with
 * @error set; after an error the reader returns FALSE again. On an error,
 * @out_line is the line where the refused row starts, or 0 if the error came
 * before any row started. */
gboolean         calque_csv_reader_next               (CalqueCsvReader  *self,
                                                       GStrv            *out_row,
                                                       guint            *out_line,
                                                       GCancellable     *cancellable,
                                                       GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueCsvReader, calque_csv_reader_free)

/* Appends one field to @row, preceded by a comma unless @row is empty.
 * NULL is written as an empty field; an empty field at the start of a row is
 * written `""` so that the row does not read back as an empty line.
 *
 * Formula injection: spreadsheets run a cell that starts with = + - or @
 * (and some also one that starts with a tab or a carriage return) as a
 * formula, so a value starting with one of those six characters is written
 * with a leading single quote ('), which spreadsheets show as text. The one
 * exception is a plain decimal number such as -1.5, +3 or -2e-4, which no
 * spreadsheet reads as a formula and which would otherwise stop being a
 * number. Readers of our own exports get the quote back as part of the
 * value, so do not round-trip formula-looking text through this writer if
 * it must come back unchanged.
 *
 * The field is quoted when it contains a comma, a quote, CR or LF, or begins
 * or ends with a space. */
void             calque_csv_append_field              (GString          *row,
                                                       const char       *value);

/* Appends @fields (NULL-terminated) as one row, ended by CRLF, to @out. */
void             calque_csv_append_row                (GString          *out,
                                                       const char *const *fields);

G_END_DECLS
