/* calque-record-json.h — the JSON form of a record
 *
 * A record is one flat JSON object: {"id", "kind", "project", "deleted"} and
 * then its fields, e.g.
 *
 *   {"id":"0192…","kind":"label","project":"0192…","deleted":false,
 *    "name":"car","color":"#e01b24","shortcut":"1"}
 *
 * Decoding is strict: an unknown kind, an unknown field, a field of the wrong
 * type or a missing required field is an error that names the field. The
 * record is validated (calque_record_validate()) before it is returned.
 */
#pragma once

#include "calque-record.h"

G_BEGIN_DECLS

JsonNode     *calque_record_to_json_node   (CalqueRecord  *record);
char         *calque_record_to_json        (CalqueRecord  *record,
                                            gsize         *out_length);

CalqueRecord *calque_record_from_json_node (JsonNode      *node,
                                            GError       **error);
CalqueRecord *calque_record_from_json      (const char    *data,
                                            gssize         length,
                                            GError       **error);

G_END_DECLS
