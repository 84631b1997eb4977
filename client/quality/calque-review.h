/* calque-review.h — a reviewer's decisions on a workspace store
 *
 * What a reviewer does with the annotators' versions of an item, as local
 * edits that sync like any other (the server checks that the person is a
 * reviewer, manager or owner, and that only submitted tasks move to
 * accepted or rejected: server/calque-access.c). Each action is one
 * transaction: all of its records are saved, or none.
 *
 * - accept: the version of one annotator is the final one. A review
 *   {decision accepted, task} and that task → accepted.
 * - merge: the reviewer's own annotations of the item become the
 *   consensus of the versions handed in (tasks submitted or accepted;
 *   calque-consensus.h), replacing the reviewer's earlier ones there; a
 *   review {decision merged}; every submitted task of the item → accepted.
 * - reject: a review {decision rejected, task, comment}, the task →
 *   rejected, and a comment on the item by the reviewer, which the
 *   annotator receives even in blind mode.
 * - history: the reviews, oldest first.
 * - queue: the items waiting for a review — a submitted task and no review
 *   since the latest submission — lowest agreement first (the agreement
 *   report's order); items with a single version, which have no agreement
 *   figure, come last, by name.
 *
 * Which version is final afterwards is the latest review's business
 * (calque-agreement-report.h, calque-export-source.c).
 */
#pragma once

#include "calque-agreement-report.h"
#include "calque-consensus.h"
#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_REVIEW_ERROR (calque_review_error_quark ())
typedef enum {
  CALQUE_REVIEW_ERROR_NO_ITEM,      /* the project has no such item */
  CALQUE_REVIEW_ERROR_NO_TASK,      /* no submitted task of that annotator on the item */
  CALQUE_REVIEW_ERROR_NOTHING,      /* nothing to merge: no submitted task */
  CALQUE_REVIEW_ERROR_INVALID,      /* an empty comment, an option out of range */
} CalqueReviewError;

GQuark calque_review_error_quark (void);

gboolean   calque_review_accept  (CalqueStore  *store,
                                  CalqueRecord *project,
                                  const char   *item_id,
                                  const char   *annotator,
                                  const char   *reviewer,
                                  GError      **error);

gboolean   calque_review_reject  (CalqueStore  *store,
                                  CalqueRecord *project,
                                  const char   *item_id,
                                  const char   *annotator,
                                  const char   *reviewer,
                                  const char   *comment,
                                  GError      **error);

typedef struct {
  guint n_versions;         /* annotators whose versions were merged */
  guint n_shapes;           /* annotations the reviewer now has on the item */
  guint n_unmatched;        /* shapes in no kept cluster */
  guint n_disagreements;    /* kept clusters whose members disagree on the label */
} CalqueReviewMergeResult;

/* @options NULL: the defaults. @out_result may be NULL. */
gboolean   calque_review_merge   (CalqueStore                  *store,
                                  CalqueRecord                 *project,
                                  const char                   *item_id,
                                  const char                   *reviewer,
                                  const CalqueConsensusOptions *options,
                                  CalqueReviewMergeResult      *out_result,
                                  GError                      **error);

/* What a reviewer looks at before deciding: the versions a merge would
 * weigh (tasks submitted or accepted, annotators by name) and, for each of
 * their shapes, where the consensus with the given options leaves it. */
typedef enum {
  CALQUE_REVIEW_SHAPE_NONE,        /* not a shape of the versions compared */
  CALQUE_REVIEW_SHAPE_AGREED,      /* in a kept cluster whose members carry one label */
  CALQUE_REVIEW_SHAPE_UNMATCHED,   /* in no kept cluster: too few annotators found it */
  CALQUE_REVIEW_SHAPE_DISAGREES,   /* in a kept cluster whose members' labels differ */
} CalqueReviewShapeState;

typedef struct _CalqueReviewComparison CalqueReviewComparison;

/* @options NULL: the defaults. */
CalqueReviewComparison *calque_review_compare                      (CalqueStore                  *store,
                                                                    CalqueRecord                 *project,
                                                                    const char                   *item_id,
                                                                    const char                   *reviewer,
                                                                    const CalqueConsensusOptions *options,
                                                                    GError                      **error);
void                    calque_review_comparison_free              (CalqueReviewComparison *self);
guint                   calque_review_comparison_get_n_versions    (CalqueReviewComparison *self);
const char             *calque_review_comparison_get_annotator     (CalqueReviewComparison *self,
                                                                    guint                   version);
/* Whether that version waits for a decision (else it was accepted). */
gboolean                calque_review_comparison_get_submitted     (CalqueReviewComparison *self,
                                                                    guint                   version);
guint                   calque_review_comparison_get_n_shapes      (CalqueReviewComparison *self,
                                                                    guint                   version);
CalqueReviewShapeState  calque_review_comparison_get_state         (CalqueReviewComparison *self,
                                                                    const char             *annotation_id);
guint                   calque_review_comparison_get_n_unmatched   (CalqueReviewComparison *self);
/* Kept clusters whose members disagree on the label. */
guint                   calque_review_comparison_get_n_disagreements (CalqueReviewComparison *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueReviewComparison, calque_review_comparison_free)

typedef struct {
  char   *review_id;
  char   *item_id;
  char   *item_name;
  char   *reviewer;
  char   *decision;        /* accepted, rejected, merged */
  char   *annotator;       /* the reviewed task's, or NULL (merged) */
  char   *comment;         /* or NULL */
  gint64  created;         /* Unix milliseconds */
} CalqueReviewEntry;

void       calque_review_entry_free (CalqueReviewEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueReviewEntry, calque_review_entry_free)

/* The reviews of @item_id (NULL: of the whole project), oldest first
 * (ties by id, which grows with time). An array of CalqueReviewEntry. */
GPtrArray *calque_review_history (CalqueStore  *store,
                                  CalqueRecord *project,
                                  const char   *item_id,
                                  GError      **error);

typedef struct {
  char   *item_id;
  char   *item_name;
  double  agreement;       /* the agreement report's item figure; NaN with one version */
  guint   n_submitted;     /* tasks waiting */
  char  **annotators;      /* whose tasks wait, by name */
} CalqueReviewQueueEntry;

void       calque_review_queue_entry_free (CalqueReviewQueueEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueReviewQueueEntry, calque_review_queue_entry_free)

/* The items waiting for a review, lowest agreement first. @options NULL:
 * the agreement report's defaults. An array of CalqueReviewQueueEntry. */
GPtrArray *calque_review_queue   (CalqueStore                  *store,
                                  CalqueRecord                 *project,
                                  const CalqueAgreementOptions *options,
                                  GError                      **error);

G_END_DECLS
