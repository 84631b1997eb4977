/* calque-merge.h — applying a change to a record: per-field last writer wins
 *
 * The one merge of DESIGN.md, used by the server on every push and by the
 * client on every change it pulls, so that both sides reach the same state
 * whatever the order changes arrive in:
 *
 * - Per field, the write with the greater clock wins (hybrid logical clock,
 *   then node id). Applying a change twice changes nothing the second time.
 * - No edit vanishes silently. When the incoming value loses, it is kept in
 *   a conflict record. When it wins over a value written concurrently —
 *   after the writer's base_seq, by another node — the overwritten value is
 *   kept. Equal values are no conflict.
 * - Deletes are tombstones and win over concurrent edits. An edit to a
 *   deleted record is refused (CALQUE_MERGE_ERROR_DELETED) and its values
 *   are kept as conflicts; undelete is an explicit change. Two deletes (or
 *   undeletes) of the same record leave the later one's clock on "deleted",
 *   like any field written twice with one value.
 * - A change never moves a record to another kind or project, and the
 *   merged record must be valid.
 * - A clock further ahead of now than allowed is refused, so that one
 *   machine with a wrong clock cannot win every tie for hours.
 */
#pragma once

#include "calque-change.h"

G_BEGIN_DECLS

#define CALQUE_MERGE_ERROR (calque_merge_error_quark ())
typedef enum {
  CALQUE_MERGE_ERROR_MISMATCH,     /* kind or project differs from the stored record */
  CALQUE_MERGE_ERROR_INVALID,      /* the merged record would not be valid */
  CALQUE_MERGE_ERROR_CLOCK_AHEAD,  /* the change's clock is too far in the future */
  CALQUE_MERGE_ERROR_DELETED,      /* an edit of a deleted record */
} CalqueMergeError;

GQuark calque_merge_error_quark (void);

typedef struct {
  gint64   now_ms;           /* the merging side's wall clock */
  gint64   max_ahead_ms;     /* refuse clocks further ahead; < 0 disables */
  gboolean make_conflicts;   /* the server makes conflict records; a client does not */
} CalqueMergeOptions;

typedef struct {
  CalqueRecord *record;      /* the record after the change (a new object) */
  GStrv         applied;     /* the fields whose value the change set */
  GPtrArray    *conflicts;   /* CalqueRecord of kind conflict, new */
} CalqueMergeResult;

void     calque_merge_result_clear (CalqueMergeResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalqueMergeResult, calque_merge_result_clear)

/* Merges @change, which the server numbered @seq, into @current (NULL if the
 * record does not exist yet). On CALQUE_MERGE_ERROR_DELETED, @out still
 * holds the conflicts that keep the refused values. */
gboolean calque_merge_change (CalqueRecord             *current,
                              const CalqueChange       *change,
                              gint64                    seq,
                              const CalqueMergeOptions *options,
                              CalqueMergeResult        *out,
                              GError                  **error);

G_END_DECLS
