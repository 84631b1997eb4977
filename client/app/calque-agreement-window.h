/* calque-agreement-window.h — how far the annotators of a project agree
 *
 * The figures of `calque-cli agreement` (docs/cli.md, "Agreement") for the
 * project selected in the main window: overall, per pair of annotators,
 * per annotator, per label, and the items of lowest agreement, which can
 * be activated to open them. Computed in a thread; Refresh computes again.
 */
#pragma once

#include <adwaita.h>

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_AGREEMENT_WINDOW (calque_agreement_window_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAgreementWindow, calque_agreement_window, CALQUE, AGREEMENT_WINDOW, AdwWindow)

/* Starts computing the report of @project at once. Emits "item-activated"
 * (const char *item_id) when a row of the items is activated. */
CalqueAgreementWindow *calque_agreement_window_new            (GtkWindow             *parent,
                                                               CalqueWorkspace       *workspace,
                                                               CalqueRecord          *project);
CalqueWorkspace       *calque_agreement_window_get_workspace  (CalqueAgreementWindow *self);
const char            *calque_agreement_window_get_project_id (CalqueAgreementWindow *self);
/* Computes the report again: the team's work goes on meanwhile. */
void                   calque_agreement_window_refresh        (CalqueAgreementWindow *self);
/* Whether a report is being computed, for tests. */
gboolean               calque_agreement_window_get_busy       (CalqueAgreementWindow *self);

G_END_DECLS
