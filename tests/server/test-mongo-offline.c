/* test-mongo-offline.c — the MongoDB store's parts that need no server
 *
 * No MongoDB server runs where these tests run; test-store-conformance
 * covers the store against one when CALQUE_TEST_MONGODB_URI is set. What
 * can be checked without one is checked here: that opening fails fast and
 * says why, how change-stream events are read, how they reach the main
 * context from the watching thread, and that the watch stops cleanly
 * while its server is away.
 */
#include "calque-mongo-store.h"
#include "calque-mongo-watch.h"

#include <string.h>

#define PROJECT  "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define PROJECT2 "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9f"
#define ME       "0192d4e8-7c4b-7a31-9f02-0000000000e1"
#define OTHER    "0192d4e8-7c4b-7a31-9f02-0000000000e2"

/* Nothing listens on port 1. */
#define NOBODY "mongodb://127.0.0.1:1/calque_offline?serverSelectionTimeoutMS=300"

static void
test_open_fails_fast (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mongoc_uri_t) uri = calque_mongo_uri_parse (NOBODY, &error);
  g_autoptr(CalqueServerStore) store = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  store = calque_mongo_store_open (uri, &error);
  g_assert_null (store);
  g_assert_error (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_BACKEND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "MongoDB database “calque_offline”"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1:1"));
  /* The URI's 300 ms, and some room for a loaded machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_pipeline (void)
{
  g_autoptr(bson_t) pipeline = _calque_mongo_watch_pipeline ();
  bson_iter_t iter, found;

  g_assert_true (bson_iter_init (&iter, pipeline)
                 && bson_iter_find_descendant (&iter, "pipeline.0.$match.operationType", &found));
  g_assert_cmpstr (bson_iter_utf8 (&found, NULL), ==, "insert");
  {
    static const char * const kept[] = { "fullDocument.project", "fullDocument.seq", "fullDocument.by", NULL };
    g_autoptr(GPtrArray) keys = g_ptr_array_new ();
    bson_iter_t fields;

    g_assert_true (bson_iter_init (&iter, pipeline)
                   && bson_iter_find_descendant (&iter, "pipeline.1.$project", &found)
                   && bson_iter_recurse (&found, &fields));
    while (bson_iter_next (&fields))
      g_ptr_array_add (keys, (gpointer) bson_iter_key (&fields));
    g_ptr_array_add (keys, NULL);
    /* Exactly these: the resume token is the event's _id, never projected
     * away, and the change itself stays out of the event. */
    g_assert_true (g_strv_equal ((const char * const *) kept, (const char * const *) keys->pdata));
  }
}

/* An insert event as a MongoDB change stream delivers it, after the
 * pipeline's $project. */
static bson_t *
insert_event (const char *project,
              gint64      seq,
              const char *by)
{
  bson_t *event = BCON_NEW ("_id", "{", "_data", BCON_UTF8 ("8263A1B2C3000000012B022C0100296E5A1004"), "}");
  bson_t full;

  bson_append_document_begin (event, "fullDocument", -1, &full);
  if (project != NULL)
    BSON_APPEND_UTF8 (&full, "project", project);
  if (seq >= 0)
    BSON_APPEND_INT64 (&full, "seq", seq);
  if (by != NULL)
    BSON_APPEND_UTF8 (&full, "by", by);
  bson_append_document_end (event, &full);
  return event;
}

static void
test_read_event (void)
{
  static const struct { const char *project; gint64 seq; const char *by; gboolean announced; } cases[] = {
    { PROJECT, 7, OTHER, TRUE },
    { PROJECT, 7, ME, FALSE },          /* our own: our sessions know */
    { PROJECT, 7, NULL, TRUE },         /* written by something else */
    { PROJECT, 0, OTHER, FALSE },
    { PROJECT, -1, OTHER, FALSE },      /* no seq */
    { NULL, 7, OTHER, FALSE },
    { "not-a-project", 7, OTHER, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(bson_t) event = insert_event (cases[i].project, cases[i].seq, cases[i].by);
      const char *project = NULL;
      gint64 seq = 0;

      g_test_message ("case %u", i);
      g_assert_cmpint (_calque_mongo_watch_read_event (event, ME, &project, &seq), ==, cases[i].announced);
      if (cases[i].announced)
        {
          g_assert_cmpstr (project, ==, cases[i].project);
          g_assert_cmpint (seq, ==, cases[i].seq);
        }
    }

  /* A seq written by hand in mongosh is an int32 or a double. */
  {
    g_autoptr(bson_t) event = BCON_NEW ("_id", "{", "_data", BCON_UTF8 ("82"), "}",
                                        "fullDocument", "{", "project", BCON_UTF8 (PROJECT),
                                        "seq", BCON_INT32 (3), "}");
    const char *project = NULL;
    gint64 seq = 0;

    g_assert_true (_calque_mongo_watch_read_event (event, ME, &project, &seq));
    g_assert_cmpint (seq, ==, 3);
  }
}

typedef struct {
  GThread   *main_thread;
  GPtrArray *projects;   /* NULL entries for "missed" */
  GArray    *seqs;
  guint      calls;
} Heard;

static void
heard_cb (const char *project_id,
          gint64      seq,
          gpointer    user_data)
{
  Heard *heard = user_data;

  g_assert_true (g_thread_self () == heard->main_thread);
  g_ptr_array_add (heard->projects, g_strdup (project_id));
  g_array_append_val (heard->seqs, seq);
  heard->calls++;
}

static void
heard_clear (Heard *heard)
{
  g_ptr_array_unref (heard->projects);
  g_array_unref (heard->seqs);
}

static gpointer
noisy_thread (gpointer data)
{
  CalqueMongoWatch *watch = data;

  /* One project's seqs going down: a lower one after a higher one must
   * not win. */
  for (gint64 seq = 1; seq <= 500; seq++)
    {
      _calque_mongo_watch_note (watch, PROJECT, 501 - seq);
      _calque_mongo_watch_note (watch, PROJECT2, seq);
    }
  return NULL;
}

/* Events noted on another thread arrive on the main context, merged: one
 * call per project with its highest seq. */
static void
test_events_reach_main_context (void)
{
  Heard heard = { g_thread_self (), g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  CalqueMongoWatch *watch = _calque_mongo_watch_new_idle (NULL, heard_cb, &heard);
  GThread *thread = g_thread_new ("noisy", noisy_thread, watch);
  gint64 highest[2] = { 0, 0 };

  g_thread_join (thread);
  /* Nothing runs before the main context does. */
  g_assert_cmpuint (heard.calls, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (heard.calls, ==, 2);
  for (guint i = 0; i < heard.calls; i++)
    highest[g_strcmp0 (g_ptr_array_index (heard.projects, i), PROJECT2) == 0] = g_array_index (heard.seqs, gint64, i);
  g_assert_cmpint (highest[0], ==, 500);
  g_assert_cmpint (highest[1], ==, 500);

  /* Missed changes: one call without a project. */
  _calque_mongo_watch_note (watch, NULL, 0);
  _calque_mongo_watch_note (watch, NULL, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (heard.calls, ==, 3);
  g_assert_null (g_ptr_array_index (heard.projects, 2));

  calque_mongo_watch_stop (watch);
  heard_clear (&heard);
}

/* A stopped watch calls nobody, even with events pending. */
static void
test_stop_drops_pending (void)
{
  Heard heard = { g_thread_self (), g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  CalqueMongoWatch *watch = _calque_mongo_watch_new_idle (NULL, heard_cb, &heard);

  _calque_mongo_watch_note (watch, PROJECT, 4);
  calque_mongo_watch_stop (watch);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (heard.calls, ==, 0);
  heard_clear (&heard);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* A real change stream on a server that is not there: the thread retries
 * in the background, says changes may have been missed, and stops at
 * once when asked, in the middle of a pause. */
static void
test_watch_without_server_stops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mongoc_uri_t) uri = calque_mongo_uri_parse (NOBODY, &error);
  mongoc_client_pool_t *pool = mongoc_client_pool_new (uri);
  Heard heard = { g_thread_self (), g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  CalqueMongoWatch *watch;
  gint64 start;

  g_assert_no_error (error);
  mongoc_client_pool_set_error_api (pool, MONGOC_ERROR_API_VERSION_2);
  watch = calque_mongo_watch_start (pool, "calque_offline", ME, NULL, heard_cb, &heard);

  /* The first attempt fails after the URI's 300 ms of server selection. */
  g_timeout_add (1500, quit_cb, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (heard.calls, >=, 1);
  g_assert_null (g_ptr_array_index (heard.projects, 0));

  start = g_get_monotonic_time ();
  calque_mongo_watch_stop (watch);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  mongoc_client_pool_destroy (pool);
  heard_clear (&heard);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  calque_mongo_init ();
  g_test_add_func ("/mongo-offline/open-fails-fast", test_open_fails_fast);
  g_test_add_func ("/mongo-offline/pipeline", test_pipeline);
  g_test_add_func ("/mongo-offline/read-event", test_read_event);
  g_test_add_func ("/mongo-offline/events-reach-main-context", test_events_reach_main_context);
  g_test_add_func ("/mongo-offline/stop-drops-pending", test_stop_drops_pending);
  g_test_add_func ("/mongo-offline/watch-without-server-stops", test_watch_without_server_stops);
  return g_test_run ();
}
