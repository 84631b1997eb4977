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
} CalqueJsonError;

GQuark   calque_json_error_quark (void);

/* Loads @data into @parser if it holds exactly one JSON value (surrounded
 * by white space at most). Parse errors are json-glib's. */
gboolean calque_json_load_one (JsonParser  *parser,
                               const char  *data,
                               gssize       length,
                               GError     **error);

G_END_DECLS
