/* calque-text-source.h — reading the texts of a dataset to import
 *
 * A text source is a file of many texts, read as a stream: one line or row
 * is in memory at a time, whatever the size of the file.
 *
 *  - .txt: one text per line; empty and whitespace-only lines are skipped.
 *  - .csv: a header row, then one text per row from the named column; the
 *    other columns become the text's metadata, as strings. Every row has as
 *    many fields as the header; header names must be unique (an empty name
 *    becomes "column N", or "column N (2)"… if another column already has
 *    that name). Empty texts are passed on. The header may have at most
 *    4096 columns.
 *  - .jsonl / .ndjson: one JSON object per line, the text in the named string
 *    member; the other members become the metadata. Whitespace-only lines are
 *    skipped; an empty string is passed on. A line may hold at most
 *    4 × CALQUE_TEXT_SOURCE_MAX_CHARS bytes plus 1 MiB (about 4.8 MiB).
 *
 * The file must be UTF-8; a byte order mark at the start is skipped. A CR
 * before the LF that ends a line is not part of the text (a CR inside a
 * quoted CSV field is). A text may hold at most CALQUE_TEXT_SOURCE_MAX_CHARS
 * characters.
 *
 * Error messages start with the path as given and name the line:
 * `notes.txt: line 3: not valid UTF-8 (byte 0xE9 at column 12)`.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CALQUE_TEXT_SOURCE_ERROR (calque_text_source_error_quark ())
typedef enum {
  CALQUE_TEXT_SOURCE_ERROR_ENCODING,  /* bytes that are not UTF-8 */
  CALQUE_TEXT_SOURCE_ERROR_SYNTAX,    /* malformed CSV or JSON, a row of the wrong width, an unknown extension */
  CALQUE_TEXT_SOURCE_ERROR_NO_COLUMN, /* the CSV has no column of that name */
  CALQUE_TEXT_SOURCE_ERROR_TYPE,      /* a JSON line that is not an object, or whose text member is missing or not a string */
  CALQUE_TEXT_SOURCE_ERROR_TOO_LONG,  /* a text over CALQUE_TEXT_SOURCE_MAX_CHARS, or a line or field too large to read */
  CALQUE_TEXT_SOURCE_ERROR_IO,        /* cannot open or read the file */
} CalqueTextSourceError;

GQuark calque_text_source_error_quark (void);

#define CALQUE_TEXT_SOURCE_MAX_CHARS 1000000

typedef struct {
  const char *csv_column;   /* NULL: "text" */
  const char *jsonl_field;  /* NULL: "text" */
} CalqueTextSourceOptions;

/* One text found. @line: 1-based line where it starts. @metadata: the row's
 * other columns or the object's other members; NULL for .txt, otherwise an
 * object (possibly empty), borrowed for the duration of the call. Return
 * FALSE with @error set to stop; that error is what
 * calque_text_source_read() returns. (Returning FALSE without an error
 * stops with G_IO_ERROR_CANCELLED.) */
typedef gboolean (*CalqueTextFunc) (const char  *text,
                                    guint        line,
                                    JsonObject  *metadata,
                                    gpointer     user_data,
                                    GError     **error);

/* Calls @func for every text of @path, in file order. The format comes from
 * the extension, case-insensitive. @options may be NULL. */
gboolean calque_text_source_read (const char                     *path,
                                  const CalqueTextSourceOptions  *options,
                                  CalqueTextFunc                  func,
                                  gpointer                        user_data,
                                  GError                        **error);

G_END_DECLS
