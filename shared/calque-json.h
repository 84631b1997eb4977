/* calque-json.h — parsing JSON from outside, safely
 *
 * Every JSON document that comes from a file, a peer or the store goes
 * through calque_json_load_one() rather than straight to json-glib: it
 * accepts exactly one value, and refuses trailing data with a message that
 * says where it starts. json-glib 1.6 leaks the first value of a document
 * that holds two (`{…}{…}`), so a stream of such inputs — hostile frames,
 * a broken JSONL file — would grow memory without bound.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CALQUE_JSON_ERROR (calque_json_error_quark ())
typedef enum {
  CALQUE_JSON_ERROR_TRAILING_DATA,  /* something follows the one value */
  CALQUE_JSON_ERROR_TOO_DEEP,       /* nested deeper than CALQUE_JSON_MAX_DEPTH */
  CALQUE_JSON_ERROR_BAD_ESCAPE,     /* \u0000, or half of a surrogate pair */
  CALQUE_JSON_ERROR_SYNTAX,         /* not JSON (calque_json_parse()) */
} CalqueJsonError;

/* json-glib parses recursively: a document nested 100,000 deep overflows
 * the stack. Nothing Calque stores comes near this. */
#define CALQUE_JSON_MAX_DEPTH 256

GQuark   calque_json_error_quark (void);

/* Loads @data into @parser if it holds exactly one JSON value (surrounded
 * by white space at most), nested at most CALQUE_JSON_MAX_DEPTH deep, whose
 * strings escape no NUL and no lone surrogate (json-glib would turn those
 * into a cut string or bytes that are not UTF-8, which nothing could read
 * back). Other parse errors are json-glib's. */
gboolean calque_json_load_one (JsonParser  *parser,
                               const char  *data,
                               gssize       length,
                               GError     **error);

/* The one value @data holds, as calque_json_load_one() would load it, read
 * several times faster (calque-json-parse.c): the way for JSON that comes
 * in bulk, the store's rows and the elements of big files. Its messages
 * name the byte: "a string is not closed, at byte 17". */
JsonNode *calque_json_parse      (const char  *data,
                                  gssize       length,
                                  GError     **error);

G_END_DECLS
