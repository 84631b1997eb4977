/* calque-record-bson.h — records and changes as BSON, for the MongoDB store
 *
 * The SQLite store keeps a record's fields as JSON text; the MongoDB store
 * keeps the same values as BSON documents, so that they can be read and
 * indexed in place (members by user, items by sha256). Both must give back
 * exactly what was put in, so this codec follows the JSON path's rules:
 *
 * - JSON integers are BSON int64 and doubles stay doubles, so a 1 and a 1.0
 *   come back as they went (int32 is read as an integer too).
 * - A double that is not finite, which JSON cannot hold, is written as
 *   null: what calque-json-writer.c writes for it, and so what the SQLite
 *   store reads back. Records never hold one (validation refuses them).
 * - Object member names are escaped. MongoDB refuses the empty name,
 *   treats '.' as a path and a leading '$' as an operator, and a free-form
 *   object (an item's metadata, an annotation's attributes) may use any of
 *   them: '%' → "%25", '.' → "%2E", '$' → "%24", and the empty name → "%",
 *   which no escaped name can be otherwise. Schema field names contain
 *   none of these, so stored documents stay readable.
 * - Decoding is strict where JSON's is: a string with a NUL or that is not
 *   UTF-8, a BSON type JSON has no equivalent for (ObjectId, dates,
 *   Decimal128…) or a malformed escape is CALQUE_RECORD_BSON_ERROR_DAMAGED,
 *   with the path of the value.
 *
 * A record document:
 *   { _id: "<id>", kind: "label", project: "<id>", deleted: false,
 *     fields: { name: "car", color: "#e01b24" },
 *     clocks: { name: "<hlc>", color: "<hlc>" }, seqs: { name: 3, color: 3 } }
 * A change document is the change's JSON form (calque-change.h) as BSON.
 */
#pragma once

#include <bson/bson.h>

#include "calque-change.h"

G_BEGIN_DECLS

#define CALQUE_RECORD_BSON_ERROR (calque_record_bson_error_quark ())
typedef enum {
  CALQUE_RECORD_BSON_ERROR_TOO_LARGE,  /* over MongoDB's document size limit */
  CALQUE_RECORD_BSON_ERROR_DAMAGED,    /* a stored document that does not decode */
} CalqueRecordBsonError;

/* MongoDB's limit on one document (maxBsonObjectSize). */
#define CALQUE_BSON_MAX_DOCUMENT_SIZE (16 * 1024 * 1024)

GQuark        calque_record_bson_error_quark (void);

/* g_autoptr for bson_new()'s, g_auto for a stack bson_t that starts as
 * BSON_INITIALIZER (or is handed to a libmongoc call that initialises it,
 * as replies are, on success and failure alike). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (bson_t, bson_destroy)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (bson_t, bson_destroy)

/* Appends @node (any JSON value) under @key, escaping member names; FALSE
 * only past libbson's own limit of 2 GiB. */
gboolean      calque_bson_append_json     (bson_t             *doc,
                                           const char         *key,
                                           JsonNode           *node);
/* The JSON value at @iter, member names unescaped. */
JsonNode     *calque_json_from_bson       (const bson_iter_t  *iter,
                                           GError            **error);

char         *calque_bson_escape_key      (const char         *name);
/* NULL if @key is not the escaped form of any name. */
char         *calque_bson_unescape_key    (const char         *key);

/* NULL with TOO_LARGE if the document would be over the size limit. */
bson_t       *calque_record_to_bson       (CalqueRecord       *record,
                                           GError            **error);
/* The record as stored, clean: no field marked as changed. */
CalqueRecord *calque_record_from_bson     (const bson_t       *doc,
                                           GError            **error);

bson_t       *calque_change_to_bson       (const CalqueChange *change,
                                           GError            **error);
/* As strict as calque_change_from_json(), which it ends with. */
CalqueChange *calque_change_from_bson     (const bson_t       *doc,
                                           GError            **error);

G_END_DECLS
