/* calque-mongo-apply.c — a batch of changes, in one MongoDB transaction
 *
 * The same steps as the SQLite store's apply(), change by change and with
 * the same merge, so that both stores reach the same records, seqs and
 * conflicts. What differs is how the database is spoken to: a round trip
 * per change would make a push of 1,000 changes take seconds, so a batch
 *
 * 1. reads, in the transaction's snapshot, the project's last seq, the
 *    (client, op) pairs of the batch seen before, and every record the
 *    batch touches — a handful of queries whatever the batch's size;
 * 2. merges change after change in memory, exactly as SQLite does row
 *    after row: a later change of the batch sees what an earlier one
 *    wrote, and a repeated (client, op) gets its first seq;
 * 3. writes the records (one bulk per kind), their kinds, the changes and
 *    the project's new last seq, and commits with w: majority, j: true.
 *
 * The seq counter. Each project has one document in counters; a batch
 * reads it at the start and moves it by $inc (findAndModify) at the end,
 * inside the transaction. Under snapshot isolation a transaction that
 * writes a document another one changed since its snapshot fails with a
 * WriteConflict, so two servers writing the same project at once cannot
 * both commit: one is retried from the start and reads the other's seqs.
 * Seqs so stay gapless and in commit order, and the unique index on
 * (project, seq) of changes is a second guard. A duplicate key on
 * (client, op) means another server applied the same push meanwhile: the
 * retry then finds its seq, as a retried push should.
 *
 * Retries are bounded (APPLY_ATTEMPTS, APPLY_DEADLINE_US) rather than
 * libmongoc's 120 s of mongoc_client_session_with_transaction(), since the
 * server waits on its main loop; a batch that cannot commit fails, nothing
 * of it is stored, and the client pushes again later.
 *
 * The op numbers of the conflicts this process writes are taken from a
 * counter that a failed attempt does not give back: they need to be
 * unique under this process's id, not gapless.
 */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define APPLY_ATTEMPTS    5
#define COMMIT_ATTEMPTS   3
#define APPLY_DEADLINE_US (20 * G_USEC_PER_SEC)

/* A record as the batch sees it. */
typedef struct {
  CalqueRecord *record;  /* now: read from the snapshot, or made by the batch */
  bson_t       *doc;     /* its encoding, once the batch has changed it */
  gboolean      stored;  /* in the database before the batch: replaced, not inserted */
} Slot;

typedef struct {
  CalqueMongoStore         *self;
  CalqueMongoConn          *conn;
  mongoc_client_session_t  *session;
  const char               *project_id;
  GPtrArray                *changes;
  const char               *author;
  const CalqueMergeOptions *options;
  GPtrArray                *results;
  guint                     results_before;  /* what @results held before the call */

  /* One attempt's state; batch_reset() clears it. */
  gint64                    head_before;
  gint64                    head;
  GHashTable               *ops;       /* "client op" → gint64 *seq */
  GHashTable               *slots;     /* record id → Slot */
  GPtrArray                *written;   /* bson_t: documents for changes, in seq order */
  bson_error_t              bson_error;
  bson_t                   *error_reply;
} Batch;

static void
slot_free (Slot *slot)
{
  g_clear_object (&slot->record);
  g_clear_pointer (&slot->doc, bson_destroy);
  g_free (slot);
}

static char *
op_key (const char *client_id,
        gint64      op_no)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT, client_id, op_no);
}

static void
batch_reset (Batch *b)
{
  b->head_before = b->head = 0;
  g_hash_table_remove_all (b->ops);
  g_hash_table_remove_all (b->slots);
  g_ptr_array_set_size (b->written, 0);
  memset (&b->bson_error, 0, sizeof b->bson_error);
  g_clear_pointer (&b->error_reply, bson_destroy);
  /* Results are appended to what the caller had; an attempt that failed
   * takes its own back. */
  g_ptr_array_set_size (b->results, b->results_before);
}

/* Records what failed, for is_transient(), and says so in @error. */
static gboolean
batch_fail (Batch              *b,
            const char         *doing,
            const bson_error_t *bson_error,
            const bson_t       *reply,
            GError            **error)
{
  b->bson_error = *bson_error;
  g_clear_pointer (&b->error_reply, bson_destroy);
  if (reply != NULL)
    b->error_reply = bson_copy (reply);
  return _calque_mongo_store_fail (b->self, error, doing, bson_error);
}

/* Options that run an operation inside the batch's transaction. */
static bson_t *
session_opts (Batch *b)
{
  bson_t *opts = bson_new ();

  /* Fails only if @opts has a session already. */
  mongoc_client_session_append (b->session, opts, NULL);
  return opts;
}

/* _calque_mongo_find_each() in the transaction; @opts gets the session. */
static gboolean
batch_find_each (Batch              *b,
                 const char         *collection,
                 const bson_t       *filter,
                 bson_t             *opts,
                 CalqueMongoDocFunc  func,
                 gpointer            user_data,
                 const char         *doing,
                 GError            **error)
{
  bson_t *reply = NULL;
  gboolean ok;

  mongoc_client_session_append (b->session, opts, NULL);
  ok = _calque_mongo_find_each (b->conn, collection, filter, opts, func, user_data, doing,
                                &b->bson_error, &reply, error);
  g_clear_pointer (&b->error_reply, bson_destroy);
  b->error_reply = reply;
  return ok;
}

/* --- 1. reading the snapshot ---------------------------------------------- */

static gboolean
read_head_cb (const bson_t  *doc,
              gpointer       user_data,
              GError       **error)
{
  Batch *b = user_data;
  bson_iter_t iter;

  if (bson_iter_init_find (&iter, doc, "seq") && (BSON_ITER_HOLDS_INT64 (&iter) || BSON_ITER_HOLDS_INT32 (&iter)))
    b->head = b->head_before = bson_iter_as_int64 (&iter);
  return TRUE;
}

static gboolean
read_head (Batch   *b,
           GError **error)
{
  g_autoptr(bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (b->project_id));
  g_autoptr(bson_t) opts = BCON_NEW ("limit", BCON_INT64 (1));

  return batch_find_each (b, CALQUE_MONGO_COUNTERS, filter, opts, read_head_cb, b,
                          _("reading the project’s last seq"), error);
}

/* Whether @change is one the loop below looks at beyond "forbidden". */
static gboolean
of_this_project (Batch              *b,
                 const CalqueChange *change)
{
  return strcmp (change->project, b->project_id) == 0;
}

static gboolean
read_op_cb (const bson_t  *doc,
            gpointer       user_data,
            GError       **error)
{
  Batch *b = user_data;
  bson_iter_t client, op, seq;

  if (bson_iter_init_find (&client, doc, "client") && BSON_ITER_HOLDS_UTF8 (&client)
      && bson_iter_init_find (&op, doc, "op") && (BSON_ITER_HOLDS_INT64 (&op) || BSON_ITER_HOLDS_INT32 (&op))
      && bson_iter_init_find (&seq, doc, "seq") && (BSON_ITER_HOLDS_INT64 (&seq) || BSON_ITER_HOLDS_INT32 (&seq)))
    {
      gint64 value = bson_iter_as_int64 (&seq);

      g_hash_table_insert (b->ops, op_key (bson_iter_utf8 (&client, NULL), bson_iter_as_int64 (&op)),
                           g_memdup2 (&value, sizeof value));
    }
  return TRUE;
}

/* The (client, op) of the batch stored before, in any project, as
 * SQLite's lookup does: {$or: [{client: C, op: {$in: [ops of C]}}, …]}. */
static gboolean
read_ops (Batch   *b,
          GError **error)
{
  g_autoptr(GHashTable) by_client = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) bson_destroy);
  g_autoptr(bson_t) filter = bson_new ();
  g_autoptr(bson_t) opts = BCON_NEW ("projection", "{", "client", BCON_INT32 (1), "op", BCON_INT32 (1),
                                     "seq", BCON_INT32 (1), "_id", BCON_INT32 (0), "}");
  GHashTableIter iter;
  gpointer client, ops;
  bson_t alternatives;
  guint index = 0;

  for (guint i = 0; i < b->changes->len; i++)
    {
      const CalqueChange *change = g_ptr_array_index (b->changes, i);
      bson_t *list;
      char key[16];

      if (!of_this_project (b, change))
        continue;
      list = g_hash_table_lookup (by_client, change->client_id);
      if (list == NULL)
        g_hash_table_insert (by_client, change->client_id, list = bson_new ());
      g_snprintf (key, sizeof key, "%u", bson_count_keys (list));
      BSON_APPEND_INT64 (list, key, (gint64) change->op_no);
    }
  if (g_hash_table_size (by_client) == 0)
    return TRUE;

  bson_append_array_begin (filter, "$or", -1, &alternatives);
  g_hash_table_iter_init (&iter, by_client);
  while (g_hash_table_iter_next (&iter, &client, &ops))
    {
      char key[16];
      bson_t alternative, in;

      g_snprintf (key, sizeof key, "%u", index++);
      bson_append_document_begin (&alternatives, key, -1, &alternative);
      BSON_APPEND_UTF8 (&alternative, "client", client);
      bson_append_document_begin (&alternative, "op", -1, &in);
      BSON_APPEND_ARRAY (&in, "$in", ops);
      bson_append_document_end (&alternative, &in);
      bson_append_document_end (&alternatives, &alternative);
    }
  bson_append_array_end (filter, &alternatives);

  return batch_find_each (b, CALQUE_MONGO_CHANGES, filter, opts, read_op_cb, b, _("looking up a change"), error);
}

typedef struct {
  Batch      *batch;
  GHashTable *ids_by_kind;  /* CalqueKind → bson_t array of ids */
} KindsFound;

static gboolean
read_kind_cb (const bson_t  *doc,
              gpointer       user_data,
              GError       **error)
{
  KindsFound *found = user_data;
  Batch *b = found->batch;
  GHashTable *ids_by_kind = found->ids_by_kind;
  bson_iter_t id, kind;
  const char *id_text = NULL;
  CalqueKind k;
  bson_t *ids;
  char key[16];

  if (bson_iter_init_find (&id, doc, "_id") && BSON_ITER_HOLDS_UTF8 (&id))
    id_text = bson_iter_utf8 (&id, NULL);
  if (id_text == NULL
      || !bson_iter_init_find (&kind, doc, "kind") || !BSON_ITER_HOLDS_UTF8 (&kind)
      || !calque_kind_from_string (bson_iter_utf8 (&kind, NULL), &k))
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged: %s"), b->self->label, id_text ? id_text : "",
                   _("its entry in record_kinds names no kind"));
      return FALSE;
    }
  ids = g_hash_table_lookup (ids_by_kind, GUINT_TO_POINTER (k));
  if (ids == NULL)
    g_hash_table_insert (ids_by_kind, GUINT_TO_POINTER (k), ids = bson_new ());
  g_snprintf (key, sizeof key, "%u", bson_count_keys (ids));
  BSON_APPEND_UTF8 (ids, key, id_text);
  return TRUE;
}

static gboolean
read_record_cb (const bson_t  *doc,
                gpointer       user_data,
                GError       **error)
{
  Batch *b = user_data;
  g_autoptr(GError) local_error = NULL;
  CalqueRecord *record = calque_record_from_bson (doc, &local_error);
  Slot *slot;

  if (record == NULL)
    {
      bson_iter_t id;

      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                   _("%s: stored record “%s” is damaged: %s"), b->self->label,
                   bson_iter_init_find (&id, doc, "_id") && BSON_ITER_HOLDS_UTF8 (&id) ? bson_iter_utf8 (&id, NULL) : "",
                   local_error->message);
      return FALSE;
    }
  slot = g_new0 (Slot, 1);
  slot->record = record;
  slot->stored = TRUE;
  g_hash_table_replace (b->slots, g_strdup (calque_record_get_id (record)), slot);
  return TRUE;
}

/* Every record the batch touches, in any project and of any kind: a
 * change naming a record of another kind or project is refused by the
 * merge (conflict-kind), as in SQLite. */
static gboolean
read_records (Batch   *b,
              GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids_by_kind = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) bson_destroy);
  g_autoptr(bson_t) ids = bson_new ();
  g_autoptr(bson_t) filter = NULL;
  g_autoptr(bson_t) opts = BCON_NEW ("projection", "{", "kind", BCON_INT32 (1), "}");
  KindsFound found = { b, ids_by_kind };

  for (guint i = 0; i < b->changes->len; i++)
    {
      const CalqueChange *change = g_ptr_array_index (b->changes, i);
      char key[16];

      if (!of_this_project (b, change) || !g_hash_table_add (seen, change->record_id))
        continue;
      g_snprintf (key, sizeof key, "%u", g_hash_table_size (seen) - 1);
      BSON_APPEND_UTF8 (ids, key, change->record_id);
    }
  if (g_hash_table_size (seen) == 0)
    return TRUE;

  filter = BCON_NEW ("_id", "{", "$in", BCON_ARRAY (ids), "}");
  if (!batch_find_each (b, CALQUE_MONGO_RECORD_KINDS, filter, opts, read_kind_cb, &found, _("reading records"), error))
    return FALSE;

  for (guint kind = 0; kind < CALQUE_N_KINDS; kind++)
    {
      bson_t *of_kind = g_hash_table_lookup (ids_by_kind, GUINT_TO_POINTER (kind));
      g_autoptr(bson_t) kind_filter = NULL;
      g_autoptr(bson_t) kind_opts = bson_new ();

      if (of_kind == NULL)
        continue;
      kind_filter = BCON_NEW ("_id", "{", "$in", BCON_ARRAY (of_kind), "}");
      if (!batch_find_each (b, _calque_mongo_kind_collection (kind), kind_filter, kind_opts, read_record_cb, b,
                            _("reading records"), error))
        return FALSE;
    }

  /* record_kinds promised each of these. */
  {
    GHashTableIter iter;
    gpointer kind, list;

    g_hash_table_iter_init (&iter, ids_by_kind);
    while (g_hash_table_iter_next (&iter, &kind, &list))
      {
        bson_iter_t id;

        bson_iter_init (&id, list);
        while (bson_iter_next (&id))
          if (!g_hash_table_contains (b->slots, bson_iter_utf8 (&id, NULL)))
            {
              g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_CORRUPT,
                           _("%s: stored record “%s” is damaged: %s"), b->self->label, bson_iter_utf8 (&id, NULL),
                           _("record_kinds lists it, its collection does not have it"));
              return FALSE;
            }
      }
  }
  return TRUE;
}

/* --- 2. merging ----------------------------------------------------------- */

/* The stored form of a change: where the indexes and the change stream
 * look, and the change itself as calque-record-bson.h writes it. */
static bson_t *
change_document (Batch              *b,
                 const CalqueChange *change,
                 GError            **error)
{
  g_autoptr(bson_t) inner = calque_change_to_bson (change, error);
  bson_t *doc;

  if (inner == NULL)
    return NULL;
  doc = BCON_NEW ("project", BCON_UTF8 (change->project),
                  "seq", BCON_INT64 (change->seq),
                  "client", BCON_UTF8 (change->client_id),
                  "op", BCON_INT64 ((gint64) change->op_no),
                  "by", BCON_UTF8 (b->self->writer));
  BSON_APPEND_DOCUMENT (doc, "change", inner);
  return doc;
}

static void
put_slot (Batch        *b,
          CalqueRecord *record,
          bson_t       *doc)
{
  Slot *slot = g_hash_table_lookup (b->slots, calque_record_get_id (record));

  if (slot == NULL)
    {
      slot = g_new0 (Slot, 1);
      g_hash_table_insert (b->slots, g_strdup (calque_record_get_id (record)), slot);
    }
  g_set_object (&slot->record, record);
  g_clear_pointer (&slot->doc, bson_destroy);
  slot->doc = doc;
}

/* A conflict record, as the change that creates it (as SQLite writes it). */
static CalqueChange *
conflict_change (Batch           *b,
                 CalqueRecord    *conflict,
                 const CalqueHlc *clock)
{
  CalqueChange *change = calque_change_new (b->self->writer, (guint64) _calque_mongo_store_next_server_op (b->self),
                                            CALQUE_KIND_CONFLICT, calque_record_get_id (conflict),
                                            calque_record_get_project (conflict));
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, calque_record_get_fields (conflict));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    calque_change_set_field (change, name, calque_json_node_deep_copy (value));
  change->hlc = *clock;
  return change;
}

/* One change, as calque-sqlite-store.c applies one: FALSE only when the
 * batch cannot go on. */
static gboolean
merge_one (Batch               *b,
           const CalqueChange  *pushed,
           GError             **error)
{
  g_autoptr(CalqueChange) change = calque_change_copy (pushed);
  g_auto(CalqueMergeResult) merged = { 0 };
  g_autoptr(GError) merge_error = NULL;
  g_autoptr(bson_t) record_doc = NULL;
  g_autoptr(bson_t) change_doc = NULL;
  g_autofree char *key = NULL;
  CalqueApplyResult *result = g_new0 (CalqueApplyResult, 1);
  Slot *slot;
  gint64 *seen;
  gboolean ok;

  result->client_id = g_strdup (pushed->client_id);
  result->op_no = pushed->op_no;
  g_ptr_array_add (b->results, result);

  if (!of_this_project (b, change))
    {
      result->error_code = g_strdup ("forbidden");
      result->error_message = g_strdup_printf (_("the change belongs to project %s, not to this session’s %s"),
                                               change->project, b->project_id);
      return TRUE;
    }

  /* Seen before: a retry after a lost ack. Same answer, no new seq. */
  key = op_key (change->client_id, (gint64) change->op_no);
  seen = g_hash_table_lookup (b->ops, key);
  if (seen != NULL)
    {
      result->seq = *seen;
      return TRUE;
    }

  slot = g_hash_table_lookup (b->slots, change->record_id);
  g_free (change->author);
  change->author = g_strdup (b->author);
  /* The change takes the next seq, so that the fields the merge writes
   * carry it; the conflicts it makes come right after it. */
  ok = calque_merge_change (slot ? slot->record : NULL, change, b->head + 1, b->options, &merged, &merge_error);
  if (ok)
    {
      change->seq = b->head + 1;
      record_doc = calque_record_to_bson (merged.record, &merge_error);
      if (record_doc != NULL)
        change_doc = change_document (b, change, &merge_error);
      if (change_doc == NULL)
        {
          /* Past MongoDB's 16 MiB for one document: refused like an
           * invalid record, so that one change cannot fail the batch. */
          result->error_code = g_strdup ("invalid");
          result->error_message = g_strdup (merge_error->message);
          return TRUE;
        }
      b->head++;
      put_slot (b, merged.record, g_steal_pointer (&record_doc));
      g_hash_table_insert (b->ops, g_steal_pointer (&key), g_memdup2 (&change->seq, sizeof change->seq));
      g_ptr_array_add (b->written, g_steal_pointer (&change_doc));
      result->seq = change->seq;
    }
  else
    {
      result->error_code = g_strdup (calque_apply_result_code (merge_error));
      result->error_message = g_strdup (merge_error->message);
    }

  /* Conflicts are kept even when the change itself was refused. */
  for (guint c = 0; merged.conflicts && c < merged.conflicts->len; c++)
    {
      CalqueRecord *conflict = g_ptr_array_index (merged.conflicts, c);
      g_autoptr(CalqueChange) made = conflict_change (b, conflict, &change->hlc);
      g_autoptr(GError) local_error = NULL;
      bson_t *conflict_doc;
      bson_t *made_doc;

      made->seq = ++b->head;
      made->author = g_strdup (b->author);
      conflict_doc = calque_record_to_bson (conflict, &local_error);
      made_doc = conflict_doc ? change_document (b, made, &local_error) : NULL;
      if (made_doc == NULL)
        {
          g_clear_pointer (&conflict_doc, bson_destroy);
          g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                       "%s: %s", b->self->label, local_error->message);
          return FALSE;
        }
      put_slot (b, conflict, conflict_doc);
      g_ptr_array_add (b->written, made_doc);
    }
  return TRUE;
}

/* --- 3. writing ----------------------------------------------------------- */

static gboolean
run_bulk (Batch                   *b,
          mongoc_bulk_operation_t *bulk,
          const char              *doing,
          GError                 **error)
{
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_error_t bson_error;

  if (mongoc_bulk_operation_execute (bulk, &reply, &bson_error) == 0)
    return batch_fail (b, doing, &bson_error, &reply, error);
  return TRUE;
}

static mongoc_bulk_operation_t *
new_bulk (Batch      *b,
          const char *collection,
          gboolean    ordered)
{
  g_autoptr(mongoc_collection_t) coll = _calque_mongo_conn_collection (b->conn, collection);
  g_autoptr(bson_t) opts = session_opts (b);

  BSON_APPEND_BOOL (opts, "ordered", ordered);
  return mongoc_collection_create_bulk_operation_with_opts (coll, opts);
}

static gboolean
write_records (Batch   *b,
               GError **error)
{
  mongoc_bulk_operation_t *bulks[CALQUE_N_KINDS] = { NULL };
  g_autoptr(mongoc_bulk_operation_t) kinds = NULL;
  gboolean ok = TRUE;
  GHashTableIter iter;
  gpointer id, value;
  bson_error_t bson_error;

  g_hash_table_iter_init (&iter, b->slots);
  while (ok && g_hash_table_iter_next (&iter, &id, &value))
    {
      Slot *slot = value;
      CalqueKind kind = calque_record_get_kind (slot->record);

      if (slot->doc == NULL)   /* read, not changed */
        continue;
      if (bulks[kind] == NULL)
        bulks[kind] = new_bulk (b, _calque_mongo_kind_collection (kind), FALSE);

      if (slot->stored)
        {
          g_autoptr(bson_t) selector = BCON_NEW ("_id", BCON_UTF8 (id));

          ok = mongoc_bulk_operation_replace_one_with_opts (bulks[kind], selector, slot->doc, NULL, &bson_error);
        }
      else
        {
          g_autoptr(bson_t) where = BCON_NEW ("_id", BCON_UTF8 (id),
                                              "kind", BCON_UTF8 (calque_kind_to_string (kind)),
                                              "project", BCON_UTF8 (calque_record_get_project (slot->record)));

          if (kinds == NULL)
            kinds = new_bulk (b, CALQUE_MONGO_RECORD_KINDS, FALSE);
          ok = mongoc_bulk_operation_insert_with_opts (bulks[kind], slot->doc, NULL, &bson_error)
               && mongoc_bulk_operation_insert_with_opts (kinds, where, NULL, &bson_error);
        }
      if (!ok)
        batch_fail (b, _("writing a record"), &bson_error, NULL, error);
    }

  for (guint kind = 0; kind < CALQUE_N_KINDS; kind++)
    {
      if (ok && bulks[kind] != NULL)
        ok = run_bulk (b, bulks[kind], _("writing a record"), error);
      g_clear_pointer (&bulks[kind], mongoc_bulk_operation_destroy);
    }
  if (ok && kinds != NULL)
    ok = run_bulk (b, kinds, _("writing a record"), error);
  return ok;
}

static gboolean
write_changes (Batch   *b,
               GError **error)
{
  g_autoptr(mongoc_bulk_operation_t) bulk = NULL;
  bson_error_t bson_error;

  if (b->written->len == 0)
    return TRUE;
  bulk = new_bulk (b, CALQUE_MONGO_CHANGES, TRUE);
  for (guint i = 0; i < b->written->len; i++)
    if (!mongoc_bulk_operation_insert_with_opts (bulk, g_ptr_array_index (b->written, i), NULL, &bson_error))
      return batch_fail (b, _("writing a change"), &bson_error, NULL, error);
  return run_bulk (b, bulk, _("writing a change"), error);
}

/* Moves the project's counter by what the batch used, and checks that it
 * lands where the batch's seqs end (see the top of this file). */
static gboolean
write_head (Batch   *b,
            GError **error)
{
  g_autoptr(mongoc_collection_t) counters = _calque_mongo_conn_collection (b->conn, CALQUE_MONGO_COUNTERS);
  g_autoptr(mongoc_find_and_modify_opts_t) find_and_modify = mongoc_find_and_modify_opts_new ();
  g_autoptr(bson_t) query = BCON_NEW ("_id", BCON_UTF8 (b->project_id));
  g_autoptr(bson_t) update = BCON_NEW ("$inc", "{", "seq", BCON_INT64 (b->head - b->head_before), "}");
  g_autoptr(bson_t) extra = session_opts (b);
  g_auto(bson_t) reply = BSON_INITIALIZER;
  bson_error_t bson_error;
  bson_iter_t iter, seq;
  gint64 now = -1;

  if (b->head == b->head_before)
    return TRUE;

  mongoc_find_and_modify_opts_set_update (find_and_modify, update);
  mongoc_find_and_modify_opts_set_flags (find_and_modify,
                                         MONGOC_FIND_AND_MODIFY_UPSERT | MONGOC_FIND_AND_MODIFY_RETURN_NEW);
  mongoc_find_and_modify_opts_append (find_and_modify, extra);
  if (!mongoc_collection_find_and_modify_with_opts (counters, query, find_and_modify, &reply, &bson_error))
    return batch_fail (b, _("writing the project’s last seq"), &bson_error, &reply, error);

  if (bson_iter_init (&iter, &reply) && bson_iter_find_descendant (&iter, "value.seq", &seq)
      && (BSON_ITER_HOLDS_INT64 (&seq) || BSON_ITER_HOLDS_INT32 (&seq)))
    now = bson_iter_as_int64 (&seq);
  if (now != b->head)
    {
      g_set_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND,
                   _("%s: the last seq of project %s is %lld, where this batch expected %lld; nothing was stored"),
                   b->self->label, b->project_id, (long long) now, (long long) b->head);
      return FALSE;
    }
  return TRUE;
}

/* --- the transaction ------------------------------------------------------ */

static gboolean
run_batch (Batch   *b,
           GError **error)
{
  if (!read_head (b, error) || !read_ops (b, error) || !read_records (b, error))
    return FALSE;
  for (guint i = 0; i < b->changes->len; i++)
    if (!merge_one (b, g_ptr_array_index (b->changes, i), error))
      return FALSE;
  return write_records (b, error) && write_changes (b, error) && write_head (b, error);
}

/* Worth running the whole batch again: MongoDB says so with its
 * TransientTransactionError label (a write conflict with another
 * transaction, a primary that stepped down), and a duplicate key means
 * another server committed the same project, record or push first. */
static gboolean
is_transient (Batch *b)
{
  if (b->error_reply != NULL && mongoc_error_has_label (b->error_reply, "TransientTransactionError"))
    return TRUE;
  if (b->bson_error.domain == MONGOC_ERROR_SERVER
      && (b->bson_error.code == CALQUE_MONGO_DUPLICATE_KEY || b->bson_error.code == CALQUE_MONGO_WRITE_CONFLICT))
    return TRUE;
  return b->bson_error.domain == MONGOC_ERROR_STREAM;
}

/* Commits, asking again while MongoDB cannot say whether it did
 * (UnknownTransactionCommitResult: committing twice is harmless). */
static gboolean
commit (Batch   *b,
        gint64   deadline,
        GError **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_auto(bson_t) reply = BSON_INITIALIZER;
      bson_error_t bson_error;

      if (mongoc_client_session_commit_transaction (b->session, &reply, &bson_error))
        return TRUE;
      if (mongoc_error_has_label (&reply, "UnknownTransactionCommitResult")
          && attempt < COMMIT_ATTEMPTS && g_get_monotonic_time () < deadline)
        continue;
      return batch_fail (b, _("committing the transaction"), &bson_error, &reply, error);
    }
}

gboolean
_calque_mongo_apply (CalqueServerStore        *store,
                     const char               *project_id,
                     GPtrArray                *changes,
                     const char               *author,
                     const CalqueMergeOptions *options,
                     GPtrArray                *results,
                     GError                  **error)
{
  CalqueMongoStore *self = CALQUE_MONGO_STORE (store);
  g_auto(CalqueMongoConn) conn = { 0 };
  g_autoptr(mongoc_client_session_t) session = NULL;
  g_autoptr(GHashTable) ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) slot_free);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  gint64 deadline = g_get_monotonic_time () + APPLY_DEADLINE_US;
  bson_error_t bson_error;
  Batch b = {
    .self = self, .conn = &conn, .project_id = project_id, .changes = changes, .author = author,
    .options = options, .results = results, .results_before = results->len,
    .ops = ops, .slots = slots, .written = written,
  };

  _calque_mongo_conn_open (self, &conn);
  session = mongoc_client_start_session (conn.client, NULL, &bson_error);
  if (session == NULL)
    return _calque_mongo_store_fail (self, error, _("starting a session"), &bson_error);
  b.session = session;

  for (guint attempt = 1;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      batch_reset (&b);
      if (!mongoc_client_session_start_transaction (session, self->transaction_opts, &bson_error))
        {
          batch_fail (&b, _("starting a transaction"), &bson_error, NULL, &local_error);
        }
      else if (run_batch (&b, &local_error))
        {
          if (commit (&b, deadline, &local_error))
            {
              g_clear_pointer (&b.error_reply, bson_destroy);
              return TRUE;
            }
        }
      else if (mongoc_client_session_in_transaction (session))
        {
          /* Nothing of the batch is kept; an abort that fails changes
           * nothing more, the server drops the transaction in time. */
          mongoc_client_session_abort_transaction (session, NULL);
        }

      if (is_transient (&b) && attempt < APPLY_ATTEMPTS && g_get_monotonic_time () < deadline)
        {
          g_debug ("%s: batch of project %s, attempt %u: %s; trying again",
                   self->label, project_id, attempt, local_error->message);
          /* Let the other writer finish: 10, 20, 40, 80 ms and a bit. */
          g_usleep ((10 << (attempt - 1)) * 1000 + g_random_int_range (0, 10000));
          continue;
        }

      g_clear_pointer (&b.error_reply, bson_destroy);
      g_ptr_array_set_size (results, b.results_before);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
}
