/* calque-progress.h — how far a project's annotation has come
 *
 * The figures of the dashboard and of `calque-cli stats`, counted from a
 * workspace store (calque-store-stats.h reads them without decoding a
 * record). Tombstones are left out, and so are the tasks and annotations
 * of an item that is deleted or not in the workspace, and pre-annotations
 * (a model's predictions, authors "model:NAME").
 *
 * Items. A task state is one of new, in_progress, submitted, accepted,
 * rejected (docs/data-model.md). An item is counted
 *  - under each state one of its tasks is in (items_with_state: an item
 *    with a submitted and a new task counts under both);
 *  - under its most advanced state (items_in_state), so that these and
 *    the items without a task add up to all the items. Most advanced
 *    first: accepted, submitted, rejected (sent back to be redone),
 *    in_progress, new;
 *  - as done when one of its tasks is submitted or accepted (its most
 *    advanced state is one of those): someone finished it. A rejected
 *    task is work to do again, not done.
 *
 * Annotators (the tasks' annotators and the annotations' authors):
 *  - tasks in each state;
 *  - items done: items where one of their tasks is submitted or accepted;
 *  - annotations made;
 *  - first and last: the created time of their first and last annotation;
 *  - active hours: the clock hours (UTC) in which they made at least one
 *    annotation; per hour = annotations / active hours, their pace while
 *    they work, which nights and weekends do not dilute;
 *  - recent: annotations made in the 24 hours before now.
 * An annotation's time is its `created`, else the time in its UUIDv7 id.
 *
 * Labels: the annotations that carry each label (an annotation with two
 * labels counts for both), and the items where one of them does. A label
 * that annotations use but the project no longer has is listed by its id.
 *
 * Series: annotations made per bucket of time, from the bucket of the
 * first to that of the last, empty buckets included: an hour when that
 * gives at most CALQUE_PROGRESS_MAX_BUCKETS, else a whole number of days
 * (UTC), the fewest that keep within that.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "calque-store.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_TASK_STATE_NEW,
  CALQUE_TASK_STATE_IN_PROGRESS,
  CALQUE_TASK_STATE_SUBMITTED,
  CALQUE_TASK_STATE_ACCEPTED,
  CALQUE_TASK_STATE_REJECTED,
  CALQUE_N_TASK_STATES
} CalqueTaskState;

/* "new", "in_progress", … as stored. */
const char *calque_task_state_to_string   (CalqueTaskState  state);
gboolean    calque_task_state_from_string (const char      *str,
                                           CalqueTaskState *out_state);

#define CALQUE_PROGRESS_MAX_BUCKETS 200
#define CALQUE_PROGRESS_RECENT_MS   (24 * 3600 * G_GINT64_CONSTANT (1000))

typedef struct {
  char   *name;
  gint64  tasks[CALQUE_N_TASK_STATES];
  gint64  items_done;
  gint64  annotations;
  gint64  first_ms;        /* -1 without annotations */
  gint64  last_ms;         /* -1 without annotations */
  gint64  active_hours;
  double  per_hour;        /* NaN without annotations */
  gint64  recent;          /* in the CALQUE_PROGRESS_RECENT_MS before now */
} CalqueProgressAnnotator;

typedef struct {
  char   *id;
  char   *name;            /* NULL for a label the project does not have */
  char   *color;           /* "#rrggbb"; NULL without one */
  gint64  annotations;
  gint64  items;
} CalqueProgressLabel;

typedef struct _CalqueProgress CalqueProgress;

/* Counts the figures of @project_id. @now_ms is the time "recent" ends
 * at, Unix ms (-1: now). */
CalqueProgress *calque_progress_new       (CalqueStore     *store,
                                           const char      *project_id,
                                           gint64           now_ms,
                                           GError         **error);
void            calque_progress_free      (CalqueProgress  *self);

gint64          calque_progress_get_n_items          (CalqueProgress *self);
gint64          calque_progress_get_items_without_task (CalqueProgress *self);
gint64          calque_progress_get_items_in_state   (CalqueProgress *self,
                                                      CalqueTaskState state);
gint64          calque_progress_get_items_with_state (CalqueProgress *self,
                                                      CalqueTaskState state);
gint64          calque_progress_get_items_done       (CalqueProgress *self);
gint64          calque_progress_get_n_tasks          (CalqueProgress *self,
                                                      CalqueTaskState state);
gint64          calque_progress_get_n_annotations    (CalqueProgress *self);

/* By name. */
const CalqueProgressAnnotator *calque_progress_get_annotators (CalqueProgress *self,
                                                               guint          *n_annotators);
/* The project's labels by name, then the unknown ones by id. */
const CalqueProgressLabel     *calque_progress_get_labels     (CalqueProgress *self,
                                                               guint          *n_labels);

/* The series: @n_buckets counts (annotations per bucket) of @bucket_ms
 * each, the first starting at @start_ms. NULL and 0 without annotations. */
const gint64   *calque_progress_get_series (CalqueProgress *self,
                                            gint64         *start_ms,
                                            gint64         *bucket_ms,
                                            guint          *n_buckets);

/* The figures as one JSON object (docs/cli.md, "calque-cli stats"). */
JsonNode       *calque_progress_to_json   (CalqueProgress  *self,
                                           const char      *project_name);
/* The figures as text for a person: annotators' times in local time,
 * the series in UTC like its buckets. */
char           *calque_progress_to_text   (CalqueProgress  *self,
                                           const char      *project_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueProgress, calque_progress_free)

G_END_DECLS
