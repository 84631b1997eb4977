/* calque-mongo-watch.c — what other calque-server processes write, as they write it */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo-watch.h"
#include "calque-mongo-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* How long one wait for events lasts on the server: also how long
 * calque_mongo_watch_stop() may wait for the thread. */
#define AWAIT_MS 1000
#define FIRST_PAUSE_MS 500
#define LAST_PAUSE_MS (30 * 1000)

/* The oplog no longer holds the resume token (MongoDB's error codes). */
#define CAPPED_POSITION_LOST        136
#define CHANGE_STREAM_FATAL_ERROR   280
#define CHANGE_STREAM_HISTORY_LOST  286

struct _CalqueMongoWatch {
  /* Set once; read by the thread. */
  mongoc_client_pool_t *pool;       /* unowned */
  char                 *database;
  char                 *own_writer;
  GMainContext         *context;
  CalqueMongoWatchFunc  func;
  gpointer              user_data;
  GThread              *thread;

  GMutex                lock;
  GCond                 wake;       /* stop, during a pause */
  gboolean              stopping;
  GHashTable           *pending;    /* project → gint64 *, the highest seq */
  gboolean              missed;
  GSource              *dispatch;   /* on @context while something is pending */
};

/* --- events to the main context ------------------------------------------- */

static gboolean
dispatch_cb (gpointer user_data)
{
  CalqueMongoWatch *watch = user_data;
  g_autoptr(GHashTable) pending = NULL;
  gboolean missed;
  GHashTableIter iter;
  gpointer project, seq;

  g_mutex_lock (&watch->lock);
  pending = g_steal_pointer (&watch->pending);
  watch->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  missed = watch->missed;
  watch->missed = FALSE;
  g_clear_pointer (&watch->dispatch, g_source_unref);
  g_mutex_unlock (&watch->lock);

  if (missed)
    watch->func (NULL, 0, watch->user_data);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &project, &seq))
    watch->func (project, *(gint64 *) seq, watch->user_data);
  return G_SOURCE_REMOVE;
}

void
_calque_mongo_watch_note (CalqueMongoWatch *watch,
                          const char       *project_id,
                          gint64            seq)
{
  g_mutex_lock (&watch->lock);
  if (project_id == NULL)
    watch->missed = TRUE;
  else
    {
      gint64 *known = g_hash_table_lookup (watch->pending, project_id);

      if (known == NULL)
        g_hash_table_insert (watch->pending, g_strdup (project_id), g_memdup2 (&seq, sizeof seq));
      else if (*known < seq)
        *known = seq;
    }
  /* One source for however many events arrive before it runs. */
  if (watch->dispatch == NULL && !watch->stopping)
    {
      watch->dispatch = g_idle_source_new ();
      g_source_set_priority (watch->dispatch, G_PRIORITY_DEFAULT);
      g_source_set_static_name (watch->dispatch, "[calque] changes from other servers");
      g_source_set_callback (watch->dispatch, dispatch_cb, watch, NULL);
      g_source_attach (watch->dispatch, watch->context);
    }
  g_mutex_unlock (&watch->lock);
}

/* --- the stream ----------------------------------------------------------- */

bson_t *
_calque_mongo_watch_pipeline (void)
{
  /* Inserts only: a change is stored once and never updated. The $project
   * keeps events small whatever the change holds; _id, the resume token,
   * stays. */
  return BCON_NEW ("pipeline", "[",
                     "{", "$match", "{", "operationType", BCON_UTF8 ("insert"), "}", "}",
                     "{", "$project", "{",
                       "fullDocument.project", BCON_INT32 (1),
                       "fullDocument.seq", BCON_INT32 (1),
                       "fullDocument.by", BCON_INT32 (1),
                     "}", "}",
                   "]");
}

gboolean
_calque_mongo_watch_read_event (const bson_t  *event,
                                const char    *own_writer,
                                const char   **out_project,
                                gint64        *out_seq)
{
  bson_iter_t iter, project, seq, by;

  if (!bson_iter_init (&iter, event) || !bson_iter_find_descendant (&iter, "fullDocument.project", &project)
      || !BSON_ITER_HOLDS_UTF8 (&project) || !calque_uuid_is_valid (bson_iter_utf8 (&project, NULL)))
    return FALSE;
  if (!bson_iter_init (&iter, event) || !bson_iter_find_descendant (&iter, "fullDocument.seq", &seq)
      || !(BSON_ITER_HOLDS_INT64 (&seq) || BSON_ITER_HOLDS_INT32 (&seq)) || bson_iter_as_int64 (&seq) < 1)
    return FALSE;
  /* Written by this process: its own sessions were told already. A change
   * without "by" was written by something else, and is announced. */
  if (bson_iter_init (&iter, event) && bson_iter_find_descendant (&iter, "fullDocument.by", &by)
      && BSON_ITER_HOLDS_UTF8 (&by) && g_strcmp0 (bson_iter_utf8 (&by, NULL), own_writer) == 0)
    return FALSE;

  *out_project = bson_iter_utf8 (&project, NULL);
  *out_seq = bson_iter_as_int64 (&seq);
  return TRUE;
}

static gboolean
is_stopping (CalqueMongoWatch *watch)
{
  gboolean stopping;

  g_mutex_lock (&watch->lock);
  stopping = watch->stopping;
  g_mutex_unlock (&watch->lock);
  return stopping;
}

/* Waits @ms, or less if the watch is stopped meanwhile. */
static void
pause_unless_stopped (CalqueMongoWatch *watch,
                      guint             ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  g_mutex_lock (&watch->lock);
  while (!watch->stopping && g_cond_wait_until (&watch->wake, &watch->lock, until))
    ;
  g_mutex_unlock (&watch->lock);
}

static void
keep_token (mongoc_change_stream_t  *stream,
            bson_t                 **token)
{
  const bson_t *latest = mongoc_change_stream_get_resume_token (stream);

  if (latest == NULL)
    return;
  g_clear_pointer (token, bson_destroy);
  *token = bson_copy (latest);
}

static gboolean
history_lost (const bson_error_t *error)
{
  return error->code == CHANGE_STREAM_HISTORY_LOST || error->code == CHANGE_STREAM_FATAL_ERROR
         || error->code == CAPPED_POSITION_LOST;
}

/* Reads one stream until it fails or the watch stops: FALSE with @error
 * on a failure. */
static gboolean
follow (CalqueMongoWatch    *watch,
        mongoc_collection_t *changes,
        const bson_t        *pipeline,
        bson_t             **token,
        bson_error_t        *error)
{
  g_autoptr(bson_t) opts = BCON_NEW ("maxAwaitTimeMS", BCON_INT64 (AWAIT_MS));
  g_autoptr(mongoc_change_stream_t) stream = NULL;
  const bson_t *event;
  const bson_t *reply = NULL;

  if (*token != NULL)
    BSON_APPEND_DOCUMENT (opts, "startAfter", *token);
  stream = mongoc_collection_watch (changes, pipeline, opts);

  while (!is_stopping (watch))
    {
      const char *project;
      gint64 seq;

      if (mongoc_change_stream_next (stream, &event))
        {
          if (_calque_mongo_watch_read_event (event, watch->own_writer, &project, &seq))
            _calque_mongo_watch_note (watch, project, seq);
          keep_token (stream, token);
          continue;
        }
      /* libmongoc resumed once by itself before saying so. */
      if (mongoc_change_stream_error_document (stream, error, &reply))
        return FALSE;
      /* Nothing within AWAIT_MS: the post-batch token moves on anyway. */
      keep_token (stream, token);
    }
  return TRUE;
}

static gpointer
watch_thread (gpointer data)
{
  CalqueMongoWatch *watch = data;
  mongoc_client_t *client = mongoc_client_pool_pop (watch->pool);
  g_autoptr(mongoc_collection_t) changes = mongoc_client_get_collection (client, watch->database,
                                                                          CALQUE_MONGO_CHANGES);
  g_autoptr(bson_t) pipeline = _calque_mongo_watch_pipeline ();
  g_autoptr(mongoc_read_concern_t) majority = mongoc_read_concern_new ();
  bson_t *token = NULL;
  guint pause_ms = FIRST_PAUSE_MS;

  /* Change streams read majority-committed events: what they announce is
   * what the sessions' majority reads will find. */
  mongoc_read_concern_set_level (majority, MONGOC_READ_CONCERN_LEVEL_MAJORITY);
  mongoc_collection_set_read_concern (changes, majority);

  while (!is_stopping (watch))
    {
      bson_error_t error = { 0 };

      if (follow (watch, changes, pipeline, &token, &error))
        break;

      if (history_lost (&error))
        {
          g_message (_("MongoDB database “%s”: the changes of other servers can no longer be followed "
                       "from where they were (%s); starting again from now"),
                     watch->database, error.message);
          g_clear_pointer (&token, bson_destroy);
        }
      else
        g_message (_("MongoDB database “%s”: following the changes of other servers: %s; "
                     "trying again in %u ms"), watch->database, error.message, pause_ms);

      /* Without a token the new stream starts from now: what happened in
       * between is not known, so every connection reads its stream. */
      if (token == NULL)
        _calque_mongo_watch_note (watch, NULL, 0);

      pause_unless_stopped (watch, pause_ms);
      pause_ms = MIN (pause_ms * 2, LAST_PAUSE_MS);
    }

  g_clear_pointer (&token, bson_destroy);
  g_clear_pointer (&changes, mongoc_collection_destroy);
  mongoc_client_pool_push (watch->pool, client);
  return NULL;
}

/* --- public --------------------------------------------------------------- */

CalqueMongoWatch *
_calque_mongo_watch_new_idle (GMainContext         *context,
                              CalqueMongoWatchFunc  func,
                              gpointer              user_data)
{
  CalqueMongoWatch *watch = g_new0 (CalqueMongoWatch, 1);

  g_mutex_init (&watch->lock);
  g_cond_init (&watch->wake);
  watch->context = g_main_context_ref (context != NULL ? context : g_main_context_default ());
  watch->func = func;
  watch->user_data = user_data;
  watch->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return watch;
}

CalqueMongoWatch *
calque_mongo_watch_start (mongoc_client_pool_t *pool,
                          const char           *database,
                          const char           *own_writer,
                          GMainContext         *context,
                          CalqueMongoWatchFunc  func,
                          gpointer              user_data)
{
  CalqueMongoWatch *watch;

  g_return_val_if_fail (pool != NULL && database != NULL && own_writer != NULL && func != NULL, NULL);

  watch = _calque_mongo_watch_new_idle (context, func, user_data);
  watch->pool = pool;
  watch->database = g_strdup (database);
  watch->own_writer = g_strdup (own_writer);
  watch->thread = g_thread_new ("calque-mongo-watch", watch_thread, watch);
  return watch;
}

void
calque_mongo_watch_stop (CalqueMongoWatch *watch)
{
  if (watch == NULL)
    return;

  g_mutex_lock (&watch->lock);
  watch->stopping = TRUE;
  g_cond_signal (&watch->wake);
  g_mutex_unlock (&watch->lock);

  if (watch->thread != NULL)
    g_thread_join (watch->thread);

  /* The thread is gone; a dispatch still pending would run on freed
   * memory. Only the context's own thread runs it, and that is this one. */
  if (watch->dispatch != NULL)
    {
      g_source_destroy (watch->dispatch);
      g_clear_pointer (&watch->dispatch, g_source_unref);
    }

  g_clear_pointer (&watch->pending, g_hash_table_unref);
  g_main_context_unref (watch->context);
  g_mutex_clear (&watch->lock);
  g_cond_clear (&watch->wake);
  g_free (watch->database);
  g_free (watch->own_writer);
  g_free (watch);
}
