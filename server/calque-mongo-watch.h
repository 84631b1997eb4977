/* calque-mongo-watch.h — what other calque-server processes write, as they write it
 *
 * Several servers share one MongoDB replica set; a change one of them
 * stores must reach the sync clients connected to the others. Each server
 * follows a change stream on the changes collection (inserts only, and of
 * each only the project, the seq and "by", the id of the process that
 * wrote it), and tells its own main loop "project P has changes up to S"
 * for every change another process wrote. The sync hub then has that
 * project's connections read from their cursors, as after a local push.
 *
 * The stream is read on a thread of its own, with its own client from the
 * store's pool, so that waiting for events never blocks the main loop.
 * Events are handed over through one idle source on the main context, and
 * those that arrive while it is pending are merged: one call per project,
 * with the highest seq.
 *
 * After an error the stream resumes from the last event's resume token
 * (startAfter), with a growing pause (up to 30 s) while the database is
 * away. If it cannot resume — the oplog no longer holds the token — it
 * starts again from now and reports that changes may have been missed
 * (project NULL), and every connection reads from its cursor.
 */
#pragma once

#include "calque-mongo.h"

G_BEGIN_DECLS

typedef struct _CalqueMongoWatch CalqueMongoWatch;

/* Runs on the watch's main context. @project_id NULL (and @seq 0): any
 * project may have new changes. */
typedef void (*CalqueMongoWatchFunc) (const char *project_id,
                                      gint64      seq,
                                      gpointer    user_data);

/* @pool must outlive the watch; @own_writer is the "by" of this process's
 * changes, which are not reported. */
CalqueMongoWatch *calque_mongo_watch_start (mongoc_client_pool_t *pool,
                                            const char           *database,
                                            const char           *own_writer,
                                            GMainContext         *context,
                                            CalqueMongoWatchFunc  func,
                                            gpointer              user_data);
/* Stops the thread and waits for it (at most the stream's wait of one
 * second, or a server selection under way). No callback runs after it
 * returns. Call it from the thread that runs the main context, not from
 * the callback. */
void              calque_mongo_watch_stop  (CalqueMongoWatch     *watch);

/* For tests. */

/* The pipeline appended to the change stream. */
bson_t           *_calque_mongo_watch_pipeline   (void);
/* What one event of the stream says: TRUE, with the project and seq
 * (borrowed from @event), for a change another writer stored. */
gboolean          _calque_mongo_watch_read_event (const bson_t          *event,
                                                  const char            *own_writer,
                                                  const char           **out_project,
                                                  gint64                *out_seq);
/* A watch with no thread, whose events come from _calque_mongo_watch_note(). */
CalqueMongoWatch *_calque_mongo_watch_new_idle   (GMainContext          *context,
                                                  CalqueMongoWatchFunc   func,
                                                  gpointer               user_data);
/* What the thread does with an event (any thread). @project_id NULL:
 * changes may have been missed. */
void              _calque_mongo_watch_note       (CalqueMongoWatch      *watch,
                                                  const char            *project_id,
                                                  gint64                 seq);

G_END_DECLS
