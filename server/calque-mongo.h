/* calque-mongo.h — what the server's MongoDB files share
 *
 * libmongoc set up once per process, its log routed into GLib's, and
 * automatic cleanup for the driver's types so that every path frees what
 * it made (bson_t replies in particular: libmongoc initialises a reply
 * even when the call fails, and it must be destroyed either way).
 */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

#include "calque-record-bson.h"   /* and the cleanup of bson_t */

G_BEGIN_DECLS

/* mongoc_init() once, and libmongoc's messages into g_log() under the
 * "mongoc" domain. Safe to call from any thread, any number of times. */
void calque_mongo_init (void);
/* Holds back libmongoc's messages on the calling thread, for a call whose
 * failure the caller reports in its own words; released, they are logged
 * (@replay: the call succeeded, and they may say what it ignored) or
 * dropped. */
void calque_mongo_hold_log    (void);
void calque_mongo_release_log (gboolean replay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_uri_t, mongoc_uri_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_cursor_t, mongoc_cursor_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_collection_t, mongoc_collection_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_database_t, mongoc_database_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_client_session_t, mongoc_client_session_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_bulk_operation_t, mongoc_bulk_operation_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_change_stream_t, mongoc_change_stream_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_server_description_t, mongoc_server_description_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_read_prefs_t, mongoc_read_prefs_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_read_concern_t, mongoc_read_concern_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_find_and_modify_opts_t, mongoc_find_and_modify_opts_destroy)

G_END_DECLS
