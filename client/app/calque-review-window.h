/* calque-review-window.h — a reviewer's queue and the versions of an item side by side
 *
 * Left, the items waiting for a review, lowest agreement first
 * (calque_review_queue()); right, the selected item's versions, one pane
 * per annotator: images in canvases that zoom and pan together, texts
 * stacked and scrolling together, recordings stacked and showing the same
 * time range. Shapes, spans and segments the consensus would drop (too few
 * annotators found them) or whose labels differ are drawn with a halo or a
 * frame. Under them, the item's history (who decided what, when, with what
 * comment); under it, the decisions of client/quality/calque-review.h: accept one
 * version, merge them by vote, send one back with a comment, or open the
 * item in the main window to edit the final version.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_REVIEW_WINDOW (calque_review_window_get_type ())
G_DECLARE_FINAL_TYPE (CalqueReviewWindow, calque_review_window, CALQUE, REVIEW_WINDOW, AdwWindow)

/* The halo colours (0xRRGGBBAA) of the shapes to look at. */
#define CALQUE_REVIEW_UNMATCHED_RGBA  0xff7800ffu
#define CALQUE_REVIEW_DISAGREES_RGBA  0xf02ee8ffu

/* Starts reading the queue of @project at once; @reviewer decides.
 * Signals: "item-activated" (const char *item_id): open it to edit;
 * "decided": a decision was saved in the workspace (for the sync). */
CalqueReviewWindow *calque_review_window_new            (GtkWindow          *parent,
                                                         CalqueWorkspace    *workspace,
                                                         CalqueRecord       *project,
                                                         const char         *reviewer);
CalqueWorkspace    *calque_review_window_get_workspace  (CalqueReviewWindow *self);
const char         *calque_review_window_get_project_id (CalqueReviewWindow *self);
/* Reads the queue again. */
void                calque_review_window_refresh        (CalqueReviewWindow *self);
/* Whether the queue is being read, for tests. */
gboolean            calque_review_window_get_busy       (CalqueReviewWindow *self);
/* The items of the queue, in its order: their ids (NULL-terminated, owned by the caller). */
char              **calque_review_window_dup_queue      (CalqueReviewWindow *self);
/* Shows @item_id of the queue; FALSE if it is not in it. */
gboolean            calque_review_window_select_item    (CalqueReviewWindow *self,
                                                         const char         *item_id);
/* The item shown, or NULL. */
const char         *calque_review_window_get_item_id    (CalqueReviewWindow *self);
/* The panes of the item shown, one per annotator, by name. */
guint               calque_review_window_get_n_panes    (CalqueReviewWindow *self);
const char         *calque_review_window_get_pane_annotator (CalqueReviewWindow *self,
                                                         guint               pane);
/* The pane's view: a CalqueCanvas, a CalqueTextView or a CalqueAudioView. */
GtkWidget          *calque_review_window_get_pane_view  (CalqueReviewWindow *self,
                                                         guint               pane);
/* The history of the item shown, oldest first, a line per review as its
 * row reads: "when · what · comment" (owned by the caller; for tests). */
char              **calque_review_window_dup_history    (CalqueReviewWindow *self);

G_END_DECLS
