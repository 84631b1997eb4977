/* calque-mongo-store-private.h — shared by the MongoDB store's files
 *
 * calque-mongo-store.c opens the store and answers the reads;
 * calque-mongo-apply.c writes batches in transactions;
 * calque-mongo-watch.c follows the change stream (calque-mongo-watch.h).
 */
#pragma once

#include "calque-mongo.h"
#include "calque-mongo-store.h"
#include "calque-mongo-watch.h"
#include "calque-uuid.h"

G_BEGIN_DECLS

/* Collections besides the one per kind (_calque_mongo_kind_collection()). */
#define CALQUE_MONGO_CHANGES       "changes"
#define CALQUE_MONGO_COUNTERS      "counters"
#define CALQUE_MONGO_RECORD_KINDS  "record_kinds"
#define CALQUE_MONGO_USERS         "users"
#define CALQUE_MONGO_TOKENS        "tokens"
#define CALQUE_MONGO_META          "meta"

/* How long a write may wait for a majority of the replica set before it
 * fails; the server's main loop waits as long. */
#define CALQUE_MONGO_WRITE_TIMEOUT_MS 10000

/* Server error codes that matter here (MongoDB's error_codes.yml). */
#define CALQUE_MONGO_DUPLICATE_KEY    11000
#define CALQUE_MONGO_WRITE_CONFLICT   112
#define CALQUE_MONGO_NAMESPACE_EXISTS 48

struct _CalqueMongoStore {
  GObject parent_instance;

  mongoc_client_pool_t     *pool;
  char                     *database;
  /* "MongoDB database “calque”": how messages name the store (never the
   * URI, which may hold a password). */
  char                     *label;
  mongoc_write_concern_t   *write_concern;   /* w: majority, j: true, wtimeout */
  mongoc_read_concern_t    *read_concern;    /* majority */
  mongoc_transaction_opt_t *transaction_opts;

  /* This process's id: the client id of the conflicts it writes, and the
   * "by" of every change it stores, so that its change stream can tell its
   * own writes from other servers'. */
  char                      writer[CALQUE_UUID_STRING_LENGTH + 1];
  GMutex                    server_op_lock;
  gint64                    server_op;

  CalqueMongoWatch         *watch;           /* after calque_mongo_store_watch() */
};

/* A client from the pool and the database on it, for one call. */
typedef struct {
  CalqueMongoStore  *store;
  mongoc_client_t   *client;
  mongoc_database_t *database;
} CalqueMongoConn;

void                 _calque_mongo_conn_open       (CalqueMongoStore   *self,
                                                    CalqueMongoConn    *conn);
void                 _calque_mongo_conn_clear      (CalqueMongoConn    *conn);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalqueMongoConn, _calque_mongo_conn_clear)
/* Transfer full; with the database's read and write concerns. */
mongoc_collection_t *_calque_mongo_conn_collection (CalqueMongoConn    *conn,
                                                    const char         *name);

const char          *_calque_mongo_kind_collection (CalqueKind          kind);

/* BACKEND: "<label>: <doing>: <libmongoc's message>". Returns FALSE. */
gboolean             _calque_mongo_store_fail      (CalqueMongoStore   *self,
                                                    GError            **error,
                                                    const char         *doing,
                                                    const bson_error_t *bson_error);
gint64               _calque_mongo_store_next_server_op (CalqueMongoStore *self);

typedef gboolean (*CalqueMongoDocFunc) (const bson_t  *doc,
                                        gpointer       user_data,
                                        GError       **error);

/* Runs a find on @collection and hands each document to @func; stops at
 * the first FALSE. On a failure of the database, @out_bson_error and
 * @out_reply (both optional) get libmongoc's error and the server's
 * answer, which a transaction reads its error labels from. */
gboolean             _calque_mongo_find_each       (CalqueMongoConn    *conn,
                                                    const char         *collection,
                                                    const bson_t       *filter,
                                                    const bson_t       *opts,
                                                    CalqueMongoDocFunc  func,
                                                    gpointer            user_data,
                                                    const char         *doing,
                                                    bson_error_t       *out_bson_error,
                                                    bson_t            **out_reply,
                                                    GError            **error);

/* The interface's apply(), in calque-mongo-apply.c. */
gboolean             _calque_mongo_apply           (CalqueServerStore        *store,
                                                    const char               *project_id,
                                                    GPtrArray                *changes,
                                                    const char               *author,
                                                    const CalqueMergeOptions *options,
                                                    GPtrArray                *results,
                                                    GError                  **error);

G_END_DECLS
