/* calque-http-private.h — shared by the transport files
 *
 * calque-http.c owns the SoupServer and the routes of sign-in; each other
 * group of routes lives in a transport file of its own (calque-http-api.c:
 * projects, members, blobs; calque-http-sync.c: the sync WebSocket), which
 * calque_http_new() asks to register itself. Only these files include the
 * libsoup server API.
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "calque-http.h"

G_BEGIN_DECLS

SoupServer *_calque_http_get_server  (CalqueHttp        *self);
CalqueAuth *_calque_http_get_auth    (CalqueHttp        *self);
const char *_calque_http_get_blob_dir (CalqueHttp       *self);

/* JSON answers with nosniff, as every route gives them. */
void        _calque_http_respond_json  (SoupServerMessage *msg,
                                        guint              status,
                                        JsonNode          *node);
void        _calque_http_respond_error (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *code,
                                        const char        *message);

/* The signed-in user of a request's "Authorization: Bearer" header, or
 * FALSE after answering 401 (with the reason) itself. */
gboolean    _calque_http_authenticate  (CalqueHttp        *self,
                                        SoupServerMessage *msg,
                                        char             **out_user,
                                        gboolean          *out_admin);

void        _calque_http_api_register  (CalqueHttp        *self);
void        _calque_http_sync_register (CalqueHttp        *self);

G_END_DECLS
