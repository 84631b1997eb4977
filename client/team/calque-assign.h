/* calque-assign.h — who annotates which items
 *
 * An assignment is a task record (docs/data-model.md): an item, an
 * annotator, a state. Managers make them by hand (these items to this
 * person) or by rule:
 *
 *  - the items are cut into batches of K consecutive items (in name
 *    order), so that an annotator gets runs of similar items;
 *  - each batch goes to the chosen annotators with the least open work
 *    (tasks new, in progress or rejected), ties broken round-robin (the
 *    one who got a batch longest ago), so that a newcomer catches up
 *    before the others get more;
 *  - with an overlap of N, each item gets N different annotators; items
 *    that already have tasks get only the missing ones, and never a second
 *    task for the same person;
 *  - with a share s < 1 (the project's overlap_share), only that share of
 *    the items gets the overlap, the others one annotator: the items are
 *    chosen by a hash of their id, so the choice stays the same as items
 *    are added and on every computer.
 *
 * The plan is a pure function (tests check it case by case); applying it
 * saves the tasks in one transaction. Unassigning deletes tasks, and
 * reassigning changes their annotator; both leave tasks already started
 * alone unless forced, so that nobody's work is taken from them silently.
 * The server allows all of this to owners and managers only
 * (server/calque-access.c).
 */
#pragma once

#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_ASSIGN_ERROR (calque_assign_error_quark ())
typedef enum {
  CALQUE_ASSIGN_ERROR_INVALID,   /* no annotators, a batch of 0, an overlap out of 1–5 */
  CALQUE_ASSIGN_ERROR_STARTED,   /* a task someone has started, without force */
} CalqueAssignError;

GQuark calque_assign_error_quark (void);

/* One annotator, with the tasks they have open now. */
typedef struct {
  const char *annotator;
  guint       load;
} CalqueAssignee;

/* One item to assign: its id, who already has a task on it, and how many
 * annotators it needs (0: the plan's overlap). */
typedef struct {
  const char         *item_id;
  const char * const *annotators;   /* NULL-terminated, may be NULL */
  guint               overlap;
} CalqueAssignItem;

/* One task to make. The strings are those given to the plan. */
typedef struct {
  const char *item_id;
  const char *annotator;
} CalqueAssignment;

/* The tasks that give each of @items @overlap annotators among @assignees,
 * by batches of @batch. An array of CalqueAssignment, in batch order. */
GArray  *calque_assign_plan      (const CalqueAssignItem *items,
                                  guint                   n_items,
                                  const CalqueAssignee   *assignees,
                                  guint                   n_assignees,
                                  guint                   batch,
                                  guint                   overlap,
                                  GError                **error);

typedef struct {
  guint tasks;       /* tasks made, deleted or moved */
  guint items;       /* items they are on */
  guint skipped;     /* started tasks left alone (without force) */
} CalqueAssignReport;

/* Whether item @item_id is among the @share of items that get the
 * overlap (always, for a share of 1 or more). */
gboolean calque_assign_item_overlapped (const char *item_id,
                                        double      share);

/* Plans and saves, in one transaction. @item_ids NULL: every item of the
 * project (those already with their annotators get nothing). */
gboolean calque_assign_items     (CalqueStore          *store,
                                  const char           *project_id,
                                  const char * const   *item_ids,
                                  const char * const   *annotators,
                                  guint                 batch,
                                  guint                 overlap,
                                  double                share,
                                  CalqueAssignReport   *report,
                                  GError              **error);

/* Deletes the tasks of @item_ids (NULL: every item) that belong to
 * @annotator (NULL: anyone). Started ones (in progress, submitted,
 * accepted, rejected) are left and counted, unless @force. */
gboolean calque_unassign_items   (CalqueStore          *store,
                                  const char           *project_id,
                                  const char * const   *item_ids,
                                  const char           *annotator,
                                  gboolean              force,
                                  CalqueAssignReport   *report,
                                  GError              **error);

/* Gives @from's tasks on @item_ids (NULL: all of them) to @to. A task
 * @to already has on the same item is kept, and @from's deleted. */
gboolean calque_reassign_items   (CalqueStore          *store,
                                  const char           *project_id,
                                  const char * const   *item_ids,
                                  const char           *from,
                                  const char           *to,
                                  gboolean              force,
                                  CalqueAssignReport   *report,
                                  GError              **error);

G_END_DECLS
