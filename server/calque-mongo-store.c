/* calque-mongo-store.c — the server's store in MongoDB: opening, reads, users */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The layout of the collections; a newer calque-server may raise it. */
#define SCHEMA_VERSION 1

/* MongoDB 4.2 (wire version 8): transactions on replica sets and sharded
 * clusters alike, and change streams that resume with startAfter. */
#define MIN_WIRE_VERSION 8

static void calque_mongo_store_iface_init (CalqueServerStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CalqueMongoStore, calque_mongo_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CALQUE_TYPE_SERVER_STORE, calque_mongo_store_iface_init))

static const char * const kind_collections[CALQUE_N_KINDS] = {
  [CALQUE_KIND_PROJECT] = "projects",
  [CALQUE_KIND_MEMBER] = "members",
  [CALQUE_KIND_LABEL] = "labels",
  [CALQUE_KIND_ITEM] = "items",
  [CALQUE_KIND_TASK] = "tasks",
  [CALQUE_KIND_ANNOTATION] = "annotations",
  [CALQUE_KIND_COMMENT] = "comments",
  [CALQUE_KIND_REVIEW] = "reviews",
  [CALQUE_KIND_CONFLICT] = "conflicts",
};

/* --- shared helpers ------------------------------------------------------- */

const char *
_calque_mongo_kind_collection (CalqueKind kind)
{
  g_assert (kind < CALQUE_N_KINDS);
  return kind_collections[kind];
}

void
_calque_mongo_conn_open (CalqueMongoStore *self,
                         CalqueMongoConn  *conn)
{
  conn->store = self;
  /* Blocks while maxPoolSize (100 by default) clients are out. */
  conn->client = mongoc_client_pool_pop (self->pool);
  conn->database = mongoc_client_get_database (conn->client, self->database);
  mongoc_database_set_write_concern (conn->database, self->write_concern);
  mongoc_database_set_read_concern (conn->database, self->read_concern);
}

void
_calque_mongo_conn_clear (CalqueMongoConn *conn)
{
  g_clear_pointer (&conn->database, mongoc_database_destroy);
  if (conn->client != NULL)
    mongoc_client_pool_push (conn->store->pool, g_steal_pointer (&conn->client));
}

mongoc_collection_t *
_calque_mongo_conn_collection (CalqueMongoConn *conn,
                               const char      *name)
{
  /* Inside a transaction libmongoc leaves these concerns out by itself:
   * the transaction's own apply. */
  return mongoc_database_get_collection (conn->database, name);
}

gboolean
_calque_mongo_store_fail (CalqueMongoStore   *self,
                          GError            **error,
                          const char         *doing,
                          const bson_error_t *bson_error)
{
  g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
               "%s: %s: %s", self->label, doing, bson_error->message);
  return FALSE;
}

gint64
_calque_mongo_store_next_server_op (CalqueMongoStore *self)
{
  gint64 op;

  g_mutex_lock (&self->server_op_lock);
  op = ++self->server_op;
  g_mutex_unlock (&self->server_op_lock);
  return op;
}

gboolean
_calque_mongo_find_each (CalqueMongoConn     *conn,
                         const char          *collection,
                         const bson_t        *filter,
                         const bson_t        *opts,
                         CalqueMongoDocFunc   func,
                         gpointer             user_data,
                         const char          *doing,
                         bson_error_t        *out_bson_error,
                         bson_t             **out_reply,
                         GError             **error)
{
  g_autoptr(mongoc_collection_t) coll = _calque_mongo_conn_collection (conn, collection);
  g_autoptr(mongoc_cursor_t) cursor = mongoc_collection_find_with_opts (coll, filter, opts, NULL);
  const bson_t *doc;
  const bson_t *reply = NULL;
  bson_error_t bson_error;

  while (mongoc_cursor_next (cursor, &doc))
    if (!func (doc, user_data, error))
      return FALSE;

  if (!mongoc_cursor_error_document (cursor, &bson_error, &reply))
    return TRUE;

  if (out_bson_error != NULL)
    *out_bson_error = bson_error;
  if (out_reply != NULL)
    *out_reply = reply != NULL ? bson_copy (reply) : NULL;
  return _calque_mongo_store_fail (conn->store, error, doing, &bson_error);
}

static gboolean
is_duplicate_key (const bson_error_t *bson_error)
{
  return bson_error->code == CALQUE_MONGO_DUPLICATE_KEY
         && (bson_error->domain == MONGOC_ERROR_SERVER || bson_error->domain == MONGOC_ERROR_COLLECTION);
}

/* A seq as stored: int64, or int32 if a person wrote it by hand. */
static gboolean
iter_as_int64 (const bson_iter_t *iter,
               gint64            *out)
{
  if (!BSON_ITER_HOLDS_INT64 (iter) && !BSON_ITER_HOLDS_INT32 (iter))
    return FALSE;
  *out = bson_iter_as_int64 (iter);
  return TRUE;
}

/* --- opening -------------------------------------------------------------- */

/* Transactions and change streams need a replica set (a single node will
 * do) or a sharded cluster; a standalone mongod has neither. */
static gboolean
check_deployment (CalqueMongoStore  *self,
                  CalqueMongoConn   *conn,
                  GError           **error)
{
  g_autoptr(mongoc_server_description_t) primary = NULL;
  const bson_t *hello;
  bson_iter_t iter;
  bson_error_t bson_error;
  const char *type;
  gint64 wire_version = 0;

  primary = mongoc_client_select_server (conn->client, TRUE, NULL, &bson_error);
  if (primary == NULL)
    return _calque_mongo_store_fail (self, error, _("reaching a server that takes writes"), &bson_error);

  type = mongoc_server_description_type (primary);
  if (g_strcmp0 (type, "Standalone") == 0)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: %s is a standalone server, which has no transactions and no change streams; "
                     "run it as a replica set, of one node if need be: start mongod with --replSet rs0 "
                     "and run rs.initiate() once (see docs/deploy.md)"),
                   self->label, mongoc_server_description_host (primary)->host_and_port);
      return FALSE;
    }
  if (g_strcmp0 (type, "RSPrimary") != 0 && g_strcmp0 (type, "Mongos") != 0
      && g_strcmp0 (type, "LoadBalancer") != 0)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: %s is a server of type %s, which cannot take Calque’s writes"),
                   self->label, mongoc_server_description_host (primary)->host_and_port, type);
      return FALSE;
    }

  hello = mongoc_server_description_hello_response (primary);
  if (bson_iter_init_find (&iter, hello, "maxWireVersion"))
    iter_as_int64 (&iter, &wire_version);
  /* A load balancer's answer may leave it out; the transaction will tell. */
  if (wire_version != 0 && wire_version < MIN_WIRE_VERSION)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: the server is too old (wire version %d); Calque needs MongoDB 4.2 or later"),
                   self->label, (int) wire_version);
      return FALSE;
    }
  return TRUE;
}

/* Creating a collection that exists is not an error here. */
static gboolean
create_collection (CalqueMongoStore  *self,
                   CalqueMongoConn   *conn,
                   const char        *name,
                   GError           **error)
{
  g_autoptr(bson_t) command = BCON_NEW ("create", BCON_UTF8 (name));
  g_autoptr(bson_t) opts = bson_new ();
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_error_t bson_error;

  mongoc_write_concern_append (self->write_concern, opts);
  if (mongoc_database_write_command_with_opts (conn->database, command, opts, &reply, &bson_error)
      || bson_error.code == CALQUE_MONGO_NAMESPACE_EXISTS)
    return TRUE;
  return _calque_mongo_store_fail (self, error, _("creating the collections"), &bson_error);
}

static gboolean
create_index (CalqueMongoStore  *self,
              CalqueMongoConn   *conn,
              const char        *collection,
              const char        *name,
              const char        *keys_json,
              gboolean           unique,
              GError           **error)
{
  g_autoptr(bson_t) keys = NULL;
  g_autoptr(bson_t) command = BCON_NEW ("createIndexes", BCON_UTF8 (collection));
  g_autoptr(bson_t) opts = bson_new ();
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_t indexes, index;
  bson_error_t bson_error;

  keys = bson_new_from_json ((const uint8_t *) keys_json, -1, &bson_error);
  g_assert (keys != NULL);
  bson_append_array_begin (command, "indexes", -1, &indexes);
  bson_append_document_begin (&indexes, "0", -1, &index);
  BSON_APPEND_DOCUMENT (&index, "key", keys);
  BSON_APPEND_UTF8 (&index, "name", name);
  if (unique)
    BSON_APPEND_BOOL (&index, "unique", TRUE);
  bson_append_document_end (&indexes, &index);
  bson_append_array_end (command, &indexes);
  mongoc_write_concern_append (self->write_concern, opts);
  /* Idempotent: an index that exists with the same keys is left alone. */
  if (mongoc_database_write_command_with_opts (conn->database, command, opts, &reply, &bson_error))
    return TRUE;
  return _calque_mongo_store_fail (self, error, _("creating the indexes"), &bson_error);
}

/* Every collection a transaction writes to must exist beforehand (MongoDB
 * before 4.4 cannot create one inside a transaction), and the queries
 * each have their index. */
static gboolean
create_schema (CalqueMongoStore  *self,
               CalqueMongoConn   *conn,
               GError           **error)
{
  static const struct {
    const char *collection;
    const char *name;
    const char *keys;
    gboolean unique;
  } indexes[] = {
    /* The stream, in order; and a retried push finds its first seq. */
    { CALQUE_MONGO_CHANGES, "project_seq", "{\"project\": 1, \"seq\": 1}", TRUE },
    { CALQUE_MONGO_CHANGES, "client_op", "{\"client\": 1, \"op\": 1}", TRUE },
    /* calque_server_store_list_memberships() and list_items_with_blob(). */
    { "members", "user", "{\"fields.user\": 1, \"deleted\": 1, \"_id\": 1}", FALSE },
    { "items", "sha256", "{\"fields.sha256\": 1, \"deleted\": 1, \"_id\": 1}", FALSE },
    { CALQUE_MONGO_TOKENS, "user", "{\"user\": 1}", FALSE },
  };
  const char * const plain[] = { CALQUE_MONGO_COUNTERS, CALQUE_MONGO_RECORD_KINDS, CALQUE_MONGO_USERS,
                                 CALQUE_MONGO_META };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    if (!create_collection (self, conn, plain[i], error))
      return FALSE;
  /* A project's records of one kind, live ones, oldest first. */
  for (guint kind = 0; kind < CALQUE_N_KINDS; kind++)
    if (!create_index (self, conn, kind_collections[kind], "project_live",
                       "{\"project\": 1, \"deleted\": 1, \"_id\": 1}", FALSE, error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    if (!create_index (self, conn, indexes[i].collection, indexes[i].name, indexes[i].keys,
                       indexes[i].unique, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_version_cb (const bson_t  *doc,
                 gpointer       user_data,
                 GError       **error)
{
  bson_iter_t iter;

  if (bson_iter_init_find (&iter, doc, "version"))
    iter_as_int64 (&iter, user_data);
  return TRUE;
}

/* The first server to open the database writes the version; a database
 * written by a newer calque-server is left alone, as the SQLite store does. */
static gboolean
check_schema_version (CalqueMongoStore  *self,
                      CalqueMongoConn   *conn,
                      GError           **error)
{
  g_autoptr(mongoc_collection_t) meta = _calque_mongo_conn_collection (conn, CALQUE_MONGO_META);
  g_autoptr(bson_t) selector = BCON_NEW ("_id", BCON_UTF8 ("schema"));
  g_autoptr(bson_t) update = BCON_NEW ("$setOnInsert", "{", "version", BCON_INT64 (SCHEMA_VERSION), "}");
  g_autoptr(bson_t) opts = BCON_NEW ("upsert", BCON_BOOL (TRUE));
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_error_t bson_error;
  gint64 version = 0;

  if (!mongoc_collection_update_one (meta, selector, update, opts, &reply, &bson_error))
    return _calque_mongo_store_fail (self, error, _("reading the schema version"), &bson_error);
  if (!_calque_mongo_find_each (conn, CALQUE_MONGO_META, selector, NULL, read_version_cb, &version,
                                _("reading the schema version"), NULL, NULL, error))
    return FALSE;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s was written by a newer calque-server (schema version %d; this one knows up to %d)"),
                   self->label, (int) version, SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* --- reads ---------------------------------------------------------------- */

static gboolean
damaged_record (CalqueMongoStore  *self,
                const bson_t      *doc,
                const GError      *cause,
                GError           **error)
{
  bson_iter_t iter;
  const char *id = bson_iter_init_find (&iter, doc, "_id") && BSON_ITER_HOLDS_UTF8 (&iter)
                   ? bson_iter_utf8 (&iter, NULL) : "";

  g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
               _("%s: stored record “%s” is damaged: %s"), self->label, id, cause->message);
  return FALSE;
}

typedef struct {
  CalqueMongoStore *self;
  GPtrArray        *records;
} RecordsFound;

static gboolean
add_record_cb (const bson_t  *doc,
               gpointer       user_data,
               GError       **error)
{
  RecordsFound *found = user_data;
  g_autoptr(GError) local_error = NULL;
  CalqueRecord *record = calque_record_from_bson (doc, &local_error);

  if (record == NULL)
    return damaged_record (found->self, doc, local_error, error);
  g_ptr_array_add (found->records, record);
  return TRUE;
}

/* The live records of @collection that @filter matches, oldest first. */
static GPtrArray *
live_records (CalqueMongoStore  *self,
              const char        *collection,
              bson_t            *filter,
              GError           **error)
{
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(bson_t) opts = BCON_NEW ("sort", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  RecordsFound found = { self, records };

  /* Tombstones stay in the database for the merge, never in lists. */
  BSON_APPEND_BOOL (filter, "deleted", FALSE);
  _calque_mongo_conn_open (self, &conn);
  if (!_calque_mongo_find_each (&conn, collection, filter, opts, add_record_cb, &found,
                                _("reading records"), NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&records);
}

static GPtrArray *
mongo_list_records (CalqueServerStore  *store,
                    const char         *project_id,
                    CalqueKind          kind,
                    GError            **error)
{
  g_autoptr(bson_t) filter = BCON_NEW ("project", BCON_UTF8 (project_id));

  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);
  return live_records (CALQUE_MONGO_STORE (store), kind_collections[kind], filter, error);
}

static GPtrArray *
mongo_list_memberships (CalqueServerStore  *store,
                        const char         *user,
                        GError            **error)
{
  g_autoptr(bson_t) filter = BCON_NEW ("fields.user", BCON_UTF8 (user));

  return live_records (CALQUE_MONGO_STORE (store), kind_collections[CALQUE_KIND_MEMBER], filter, error);
}

static GPtrArray *
mongo_list_items_with_blob (CalqueServerStore  *store,
                            const char         *sha256,
                            GError            **error)
{
  g_autoptr(bson_t) filter = BCON_NEW ("fields.sha256", BCON_UTF8 (sha256));

  return live_records (CALQUE_MONGO_STORE (store), kind_collections[CALQUE_KIND_ITEM], filter, error);
}

/* Copies the first document found into *user_data. */
static gboolean
keep_first_cb (const bson_t  *doc,
               gpointer       user_data,
               GError       **error)
{
  bson_t **out = user_data;

  if (*out == NULL)
    *out = bson_copy (doc);
  return TRUE;
}

/* The one document of @collection whose _id is @id: TRUE with *@out_doc
 * NULL when there is none. */
static gboolean
find_by_id (CalqueMongoConn  *conn,
            const char       *collection,
            const char       *id,
            bson_t          **out_doc,
            const char       *doing,
            GError          **error)
{
  g_autoptr(bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (id));
  g_autoptr(bson_t) opts = BCON_NEW ("limit", BCON_INT64 (1));

  *out_doc = NULL;
  return _calque_mongo_find_each (conn, collection, filter, opts, keep_first_cb, out_doc, doing, NULL, NULL, error);
}

static gint64
mongo_get_head (CalqueServerStore  *store,
                const char         *project_id,
                GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(bson_t) counter = NULL;
  bson_iter_t iter;
  gint64 head = 0;

  _calque_mongo_conn_open (self, &conn);
  if (!find_by_id (&conn, CALQUE_MONGO_COUNTERS, project_id, &counter, _("reading the project’s last seq"), error))
    return -1;
  if (counter != NULL && bson_iter_init_find (&iter, counter, "seq"))
    iter_as_int64 (&iter, &head);
  return head;
}

typedef struct {
  CalqueMongoStore *self;
  const char       *project_id;
  GPtrArray        *changes;
} ChangesFound;

static gboolean
add_change_cb (const bson_t  *doc,
               gpointer       user_data,
               GError       **error)
{
  ChangesFound *found = user_data;
  g_autoptr(GError) local_error = NULL;
  CalqueChange *change = NULL;
  bson_iter_t iter;
  uint32_t length = 0;
  const uint8_t *data = NULL;

  if (bson_iter_init_find (&iter, doc, "change") && BSON_ITER_HOLDS_DOCUMENT (&iter))
    {
      bson_t inner;

      bson_iter_document (&iter, &length, &data);
      if (bson_init_static (&inner, data, length))
        change = calque_change_from_bson (&inner, &local_error);
    }
  if (change == NULL)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: a stored change of project %s is damaged: %s"), found->self->label,
                   found->project_id, local_error ? local_error->message : _("it has no “change” document"));
      return FALSE;
    }
  g_ptr_array_add (found->changes, change);
  return TRUE;
}

static GPtrArray *
mongo_changes_since (CalqueServerStore  *store,
                     const char         *project_id,
                     gint64              after_seq,
                     guint               limit,
                     GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(bson_t) filter = BCON_NEW ("project", BCON_UTF8 (project_id),
                                       "seq", "{", "$gt", BCON_INT64 (after_seq), "}");
  g_autoptr(bson_t) opts = BCON_NEW ("sort", "{", "seq", BCON_INT32 (1), "}",
                                     "limit", BCON_INT64 ((gint64) limit));
  ChangesFound found = { self, project_id, changes };

  /* A limit of 0 is "no limit" to MongoDB, and "nothing" to SQLite. */
  if (limit == 0)
    return g_steal_pointer (&changes);

  _calque_mongo_conn_open (self, &conn);
  if (!_calque_mongo_find_each (&conn, CALQUE_MONGO_CHANGES, filter, opts, add_change_cb, &found,
                                _("reading changes"), NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&changes);
}

static CalqueRecord *
mongo_get_record (CalqueServerStore  *store,
                  const char         *id,
                  GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(bson_t) where = NULL;
  g_autoptr(bson_t) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  CalqueRecord *record;
  bson_iter_t iter;
  CalqueKind kind;

  _calque_mongo_conn_open (self, &conn);
  if (!find_by_id (&conn, CALQUE_MONGO_RECORD_KINDS, id, &where, _("reading a record"), error))
    return NULL;
  if (where == NULL)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                   _("no record with id “%s”"), id);
      return NULL;
    }
  if (!bson_iter_init_find (&iter, where, "kind") || !BSON_ITER_HOLDS_UTF8 (&iter)
      || !calque_kind_from_string (bson_iter_utf8 (&iter, NULL), &kind))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged: %s"), self->label, id,
                   _("its entry in record_kinds names no kind"));
      return NULL;
    }
  if (!find_by_id (&conn, kind_collections[kind], id, &doc, _("reading a record"), error))
    return NULL;
  if (doc == NULL)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged: %s"), self->label, id,
                   _("record_kinds lists it, its collection does not have it"));
      return NULL;
    }
  record = calque_record_from_bson (doc, &local_error);
  if (record == NULL)
    damaged_record (self, doc, local_error, error);
  return record;
}

/* --- users and tokens ----------------------------------------------------- */

static gboolean
insert_one (CalqueMongoStore  *self,
            const char        *collection,
            const bson_t      *doc,
            bson_error_t      *bson_error)
{
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(mongoc_collection_t) coll = NULL;
  g_auto(bson_t) reply = BSON_INITIALIZER;

  _calque_mongo_conn_open (self, &conn);
  coll = _calque_mongo_conn_collection (&conn, collection);
  return mongoc_collection_insert_one (coll, doc, NULL, &reply, bson_error);
}

static gboolean
mongo_add_user (CalqueServerStore  *store,
                const char         *name,
                const char         *password_hash,
                gboolean            admin,
                GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_autoptr(bson_t) user = BCON_NEW ("_id", BCON_UTF8 (name),
                                     "password", BCON_UTF8 (password_hash),
                                     "admin", BCON_BOOL (admin),
                                     "created", BCON_INT64 (g_get_real_time () / G_USEC_PER_SEC));
  bson_error_t bson_error;

  if (insert_one (self, CALQUE_MONGO_USERS, user, &bson_error))
    return TRUE;
  if (is_duplicate_key (&bson_error))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS,
                   _("a user named “%s” exists already"), name);
      return FALSE;
    }
  return _calque_mongo_store_fail (self, error, _("adding a user"), &bson_error);
}

static gboolean
mongo_get_user (CalqueServerStore  *store,
                const char         *name,
                char              **out_password_hash,
                gboolean           *out_admin,
                GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(bson_t) user = NULL;
  bson_iter_t password, admin;

  _calque_mongo_conn_open (self, &conn);
  if (!find_by_id (&conn, CALQUE_MONGO_USERS, name, &user, _("reading a user"), error))
    return FALSE;
  if (user == NULL)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                   _("no user named “%s”"), name);
      return FALSE;
    }
  if (!bson_iter_init_find (&password, user, "password") || !BSON_ITER_HOLDS_UTF8 (&password))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: user “%s” has no password"), self->label, name);
      return FALSE;
    }
  if (out_password_hash)
    *out_password_hash = g_strdup (bson_iter_utf8 (&password, NULL));
  if (out_admin)
    *out_admin = bson_iter_init_find (&admin, user, "admin") && BSON_ITER_HOLDS_BOOL (&admin)
                 && bson_iter_bool (&admin);
  return TRUE;
}

static gboolean
mongo_add_token (CalqueServerStore  *store,
                 const char         *token_hash,
                 const char         *user,
                 gint64              expires_s,
                 GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_autoptr(bson_t) token = BCON_NEW ("_id", BCON_UTF8 (token_hash),
                                      "user", BCON_UTF8 (user),
                                      "expires", BCON_INT64 (expires_s),
                                      "created", BCON_INT64 (g_get_real_time () / G_USEC_PER_SEC));
  g_autoptr(bson_t) found = NULL;
  bson_error_t bson_error;

  /* What SQLite's foreign key checks: the user exists. No route deletes
   * users, so the check cannot go stale before the insert. */
  {
    g_auto(CalqueMongoConn) conn = { 0 };

    _calque_mongo_conn_open (self, &conn);
    if (!find_by_id (&conn, CALQUE_MONGO_USERS, user, &found, _("adding a token"), error))
      return FALSE;
  }
  if (found != NULL && insert_one (self, CALQUE_MONGO_TOKENS, token, &bson_error))
    return TRUE;
  if (found == NULL || is_duplicate_key (&bson_error))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                   _("cannot give a token to “%s”: no such user, or the token is not new"), user);
      return FALSE;
    }
  return _calque_mongo_store_fail (self, error, _("adding a token"), &bson_error);
}

static gboolean
mongo_lookup_token (CalqueServerStore  *store,
                    const char         *token_hash,
                    char              **out_user,
                    gint64             *out_expires_s,
                    GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(bson_t) token = NULL;
  bson_iter_t user, expires;
  gint64 expires_s = 0;

  _calque_mongo_conn_open (self, &conn);
  if (!find_by_id (&conn, CALQUE_MONGO_TOKENS, token_hash, &token, _("reading a token"), error))
    return FALSE;
  if (token == NULL)
    {
      g_set_error_literal (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND,
                           _("unknown or revoked token"));
      return FALSE;
    }
  if (!bson_iter_init_find (&user, token, "user") || !BSON_ITER_HOLDS_UTF8 (&user)
      || !bson_iter_init_find (&expires, token, "expires") || !iter_as_int64 (&expires, &expires_s))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: a stored token is damaged"), self->label);
      return FALSE;
    }
  if (out_user)
    *out_user = g_strdup (bson_iter_utf8 (&user, NULL));
  if (out_expires_s)
    *out_expires_s = expires_s;
  return TRUE;
}

static gboolean
mongo_revoke_token (CalqueServerStore  *store,
                    const char         *token_hash,
                    GError            **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(mongoc_collection_t) tokens = NULL;
  g_autoptr(bson_t) selector = BCON_NEW ("_id", BCON_UTF8 (token_hash));
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_error_t bson_error;

  _calque_mongo_conn_open (self, &conn);
  tokens = _calque_mongo_conn_collection (&conn, CALQUE_MONGO_TOKENS);
  /* Revoking a token that is not there is no error, as in SQLite. */
  if (!mongoc_collection_delete_one (tokens, selector, NULL, &reply, &bson_error))
    return _calque_mongo_store_fail (self, error, _("revoking a token"), &bson_error);
  return TRUE;
}

/* --- GObject -------------------------------------------------------------- */

static void
calque_mongo_store_iface_init (CalqueServerStoreInterface *iface)
{
  iface->apply = _calque_mongo_apply;
  iface->changes_since = mongo_changes_since;
  iface->get_head = mongo_get_head;
  iface->get_record = mongo_get_record;
  iface->list_records = mongo_list_records;
  iface->list_memberships = mongo_list_memberships;
  iface->list_items_with_blob = mongo_list_items_with_blob;
  iface->add_user = mongo_add_user;
  iface->get_user = mongo_get_user;
  iface->add_token = mongo_add_token;
  iface->lookup_token = mongo_lookup_token;
  iface->revoke_token = mongo_revoke_token;
}

/* On the main context, from the watch: another server wrote. */
static void
changes_written_cb (const char *project_id,
                    gint64      seq,
                    gpointer    user_data)
{
  calque_server_store_emit_changes_written (CALQUE_SERVER_STORE (user_data), project_id, seq);
}

static void
calque_mongo_store_dispose (GObject *object)
{
  CalqueMongoStore *self = (CalqueMongoStore *) object;

  /* Before the pool goes: the watch's thread holds one of its clients. */
  g_clear_pointer (&self->watch, calque_mongo_watch_stop);
  G_OBJECT_CLASS (calque_mongo_store_parent_class)->dispose (object);
}

static void
calque_mongo_store_finalize (GObject *object)
{
  CalqueMongoStore *self = (CalqueMongoStore *) object;

  g_clear_pointer (&self->pool, mongoc_client_pool_destroy);
  g_clear_pointer (&self->write_concern, mongoc_write_concern_destroy);
  g_clear_pointer (&self->read_concern, mongoc_read_concern_destroy);
  g_clear_pointer (&self->transaction_opts, mongoc_transaction_opts_destroy);
  g_mutex_clear (&self->server_op_lock);
  g_free (self->database);
  g_free (self->label);
  G_OBJECT_CLASS (calque_mongo_store_parent_class)->finalize (object);
}

static void
calque_mongo_store_class_init (CalqueMongoStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = calque_mongo_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = calque_mongo_store_finalize;
}

static void
calque_mongo_store_init (CalqueMongoStore *self)
{
  g_autoptr(mongoc_read_prefs_t) primary = mongoc_read_prefs_new (MONGOC_READ_PRIMARY);
  g_autoptr(mongoc_read_concern_t) snapshot = mongoc_read_concern_new ();

  g_mutex_init (&self->server_op_lock);

  /* Acknowledged only once a majority of the replica set has the write in
   * its journal: a change that was acked survives the loss of the primary
   * (DESIGN.md: "acks only after the change is durable"). */
  self->write_concern = mongoc_write_concern_new ();
  mongoc_write_concern_set_wmajority (self->write_concern, CALQUE_MONGO_WRITE_TIMEOUT_MS);
  mongoc_write_concern_set_journal (self->write_concern, TRUE);

  /* Reads see only what a majority has, so nothing streamed to a client
   * can be rolled back by a failover and its seq given to another change. */
  self->read_concern = mongoc_read_concern_new ();
  mongoc_read_concern_set_level (self->read_concern, MONGOC_READ_CONCERN_LEVEL_MAJORITY);

  self->transaction_opts = mongoc_transaction_opts_new ();
  mongoc_read_concern_set_level (snapshot, MONGOC_READ_CONCERN_LEVEL_SNAPSHOT);
  mongoc_transaction_opts_set_read_concern (self->transaction_opts, snapshot);
  mongoc_transaction_opts_set_write_concern (self->transaction_opts, self->write_concern);
  mongoc_transaction_opts_set_read_prefs (self->transaction_opts, primary);
  mongoc_transaction_opts_set_max_commit_time_ms (self->transaction_opts, CALQUE_MONGO_WRITE_TIMEOUT_MS);
}

CalqueServerStore *
calque_mongo_store_open (const mongoc_uri_t  *uri,
                         GError             **error)
{
  g_autoptr(CalqueMongoStore) self = NULL;
  g_auto(CalqueMongoConn) conn = { 0 };
  bson_error_t bson_error;
  const char *database;

  g_return_val_if_fail (uri != NULL, NULL);

  calque_mongo_init ();
  self = g_object_new (CALQUE_TYPE_MONGO_STORE, NULL);
  database = mongoc_uri_get_database (uri);
  self->database = g_strdup (database != NULL ? database : CALQUE_MONGO_DEFAULT_DATABASE);
  self->label = g_strdup_printf (_("MongoDB database “%s”"), self->database);

  self->pool = mongoc_client_pool_new_with_error (uri, &bson_error);
  if (self->pool == NULL)
    {
      _calque_mongo_store_fail (self, error, _("connecting"), &bson_error);
      return NULL;
    }
  /* Server errors in the MONGOC_ERROR_SERVER domain with the server's own
   * codes (11000 for a duplicate key), whatever the command. */
  mongoc_client_pool_set_error_api (self->pool, MONGOC_ERROR_API_VERSION_2);

  _calque_mongo_conn_open (self, &conn);
  if (!check_deployment (self, &conn, error)
      || !create_schema (self, &conn, error)
      || !check_schema_version (self, &conn, error))
    return NULL;
  _calque_mongo_conn_clear (&conn);

  /* The SQLite store keeps one id for its conflicts across restarts; here
   * each process needs its own, and one per opening is simplest. Op
   * numbers only need to be unique under it. */
  calque_uuid7_generate (self->writer);

  return CALQUE_SERVER_STORE (g_steal_pointer (&self));
}

void
calque_mongo_store_watch (CalqueMongoStore *self)
{
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (CALQUE_IS_MONGO_STORE (self));

  if (self->watch != NULL)
    return;
  context = g_main_context_ref_thread_default ();
  self->watch = calque_mongo_watch_start (self->pool, self->database, self->writer, context,
                                          changes_written_cb, self);
}
