/* calque-mongo-store.h — the server's store in MongoDB, for several servers
 *
 * The scale-out backend of DESIGN.md: several calque-server processes
 * share one MongoDB replica set (docs/deploy.md). It keeps exactly what
 * the SQLite store keeps and gives exactly the same answers — the same
 * merge (calque-merge.h) makes every record — laid out for MongoDB:
 *
 * - one collection per kind of record (projects, members, labels, items,
 *   tasks, annotations, comments, reviews, conflicts), each document as
 *   calque-record-bson.h writes it, and record_kinds, which says in which
 *   of them an id lives (ids are unique across kinds, as in SQLite);
 * - changes, the stream: {project, seq, client, op, by, change}, unique on
 *   (project, seq) and on (client, op), so that a retried push is found;
 * - counters, each project's last seq; users; tokens (by hash); meta.
 *
 * apply() runs in one multi-document transaction (snapshot reads, then
 * the writes, committed with w: majority and j: true), so a batch is all
 * or nothing and acknowledged only once it is durable on a majority.
 * Transactions need a replica set or a sharded cluster: a standalone
 * mongod is refused at open, with the one-node replica set as the way out.
 *
 * Every call takes a client from a libmongoc pool and gives it back, so
 * calls may come from any thread; "changes-written" is emitted on the
 * main context of the thread that called calque_mongo_store_watch().
 */
#pragma once

#include "calque-mongo-uri.h"
#include "calque-server-store.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_MONGO_STORE (calque_mongo_store_get_type ())
G_DECLARE_FINAL_TYPE (CalqueMongoStore, calque_mongo_store, CALQUE, MONGO_STORE, GObject)

/* Connects (within the URI's serverSelectionTimeoutMS), checks that the
 * deployment can run transactions, and creates the collections and their
 * indexes if they are missing. @uri from calque_mongo_uri_parse(). */
CalqueServerStore *calque_mongo_store_open  (const mongoc_uri_t  *uri,
                                             GError             **error);
/* Starts following what other processes write to the same database, on a
 * thread of its own (calque-mongo-watch.h); "changes-written" tells of it.
 * The thread stops when the store is disposed. A one-shot command (user
 * add) has no use for it. */
void               calque_mongo_store_watch (CalqueMongoStore    *self);

G_END_DECLS
