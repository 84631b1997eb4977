/* calque-json-writer.h — compact JSON text, fast
 *
 * json-glib's generator is general and slow (it dominated the cost of
 * storing a record). This writes the compact form only: members in their
 * order, strings escaped as RFC 8259 requires and UTF-8 left as is, doubles
 * in their shortest round-trip form and always with a '.' or an exponent,
 * so that they read back as doubles.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  calque_json_append_node   (GString    *out,
                                 JsonNode   *node);
void  calque_json_append_string (GString    *out,
                                 const char *str);
char *calque_json_node_to_string (JsonNode  *node,
                                 gsize      *out_length);

G_END_DECLS
