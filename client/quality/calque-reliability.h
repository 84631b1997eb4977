/* calque-reliability.h — how each annotator of a project works
 *
 * The figures of the Annotator Reliability window and of `calque-cli
 * reliability`, per person with a task on a live item of the project
 * (predictions, authors "model:NAME", are not people and are left out).
 * Tasks of deleted items and deleted tasks and reviews do not count.
 *
 *  - tasks: all their tasks;
 *  - submitted: their tasks handed in and not taken up again — the state
 *    is submitted, accepted or rejected;
 *  - accepted: their tasks whose state is accepted (a reviewer accepted
 *    that version, or merged the item while it was submitted);
 *  - rejected: the reviews with decision `rejected` of one of their tasks.
 *    Each sending back counts, also when the task was redone and accepted
 *    since, so a task sent back once then accepted is one of each;
 *  - rejection rate: rejected / (accepted + rejected), the share of the
 *    reviewers' decisions on their work that sent it back (NaN before any);
 *  - agreement with the final version: the agreement report's pooled F1
 *    of their shapes against the final ones, over the items that have a
 *    final version other than theirs, and its whole-item label agreement
 *    (calque-agreement-report.h, default options);
 *  - active time: the sum of their tasks' `active_ms` (the app counts it:
 *    calque-active-time.h), whatever the task's state: time spent on work
 *    not handed in yet is work too;
 *  - timed: their submitted tasks that carry an `active_ms` (tasks done
 *    before the app kept time, or through calque-cli, carry none);
 *  - throughput: timed / active hours — items handed in per hour of
 *    active work (NaN without active time);
 *  - time per item: the median and the mean of `active_ms` over the timed
 *    tasks (-1 / NaN without any); the median of an even count is the mean
 *    of the two middle ones, rounded down to the millisecond;
 *  - annotations: their annotations (calque-progress.h), and per active
 *    hour: annotations / active hours (NaN without active time).
 *
 * Annotators are sorted by name (byte order), so output is deterministic.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "calque-store.h"

G_BEGIN_DECLS

typedef struct {
  char   *name;
  gint64  tasks;
  gint64  submitted;
  gint64  accepted;
  gint64  rejected;
  double  rejection_rate;        /* NaN when accepted + rejected is 0 */
  guint   final_items;           /* items compared with a final version */
  double  f1_vs_final;           /* NaN: nothing to compare */
  double  whole_item_vs_final;   /* NaN: nothing to compare */
  gint64  active_ms;
  gint64  timed;
  double  items_per_hour;        /* NaN without active time */
  gint64  median_ms;             /* -1 without timed tasks */
  double  mean_ms;               /* NaN without timed tasks */
  gint64  annotations;
  double  annotations_per_hour;  /* NaN without active time */
} CalqueReliabilityAnnotator;

typedef struct _CalqueReliability CalqueReliability;

CalqueReliability *calque_reliability_new    (CalqueStore        *store,
                                              CalqueRecord       *project,
                                              GError            **error);
void               calque_reliability_free   (CalqueReliability  *self);

/* By name. */
const CalqueReliabilityAnnotator *calque_reliability_get_annotators (CalqueReliability *self,
                                                                     guint             *n_annotators);
/* NULL when @name has no task in the project. */
const CalqueReliabilityAnnotator *calque_reliability_find           (CalqueReliability *self,
                                                                     const char        *name);

/* The figures as one JSON object (docs/cli.md, "calque-cli reliability"),
 * of every annotator or only of @annotator (NULL: all). */
JsonNode          *calque_reliability_to_json (CalqueReliability *self,
                                               const char        *annotator);
/* The figures as text for a person. */
char              *calque_reliability_to_text (CalqueReliability *self,
                                               const char        *annotator);

/* A duration as "1:05:09" (hours, minutes, seconds; -1: "–"). */
char              *calque_reliability_format_duration (gint64 ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueReliability, calque_reliability_free)

G_END_DECLS
