/* calque-agreement-report.h — how far a project's annotators agree
 *
 * Reads a project from a workspace store and compares, item by item, the
 * versions of the annotators who worked on it (their annotations; an
 * annotator whose task on the item was submitted with nothing drawn has an
 * empty version). Figures per item, per label, per pair of annotators and
 * per annotator, against the others and against the final version.
 *
 * What is compared, by the project's type (shared/calque-agreement-*.h):
 *  - image: boxes and polygons, matched one to one at an IoU threshold
 *    with the same label (points and polylines are not compared);
 *  - text: spans, matched on overlap with the same label (exact matches
 *    are counted too, overall);
 *  - audio: segments whose two ends lie within a tolerance, same label;
 *  - every type: the labels of the whole item (a `classification`), as
 *    categories (the set of labels, for multi-label projects): percent
 *    agreement, Fleiss' κ, Krippendorff's α; Cohen's κ per pair.
 *
 * F1 is pooled: 2 × matched / (shapes of one side + shapes of the other),
 * over all the items the two versions share, so items with many shapes
 * weigh more. An item's agreement is the mean over its pairs of that
 * pair's F1 (1 when both found nothing), averaged with whether their
 * whole-item labels agree when both set some.
 *
 * The final version of an item: after its latest review, the version of
 * the task that was `accepted`, or the reviewer's own annotations when the
 * decision is `merged`; none when `rejected` or not reviewed.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "calque-store.h"

G_BEGIN_DECLS

typedef struct {
  double iou_threshold;   /* shapes: a match needs IoU ≥ this (0.5) */
  double tolerance;       /* segments: seconds each end may differ (0.5) */
} CalqueAgreementOptions;

#define CALQUE_AGREEMENT_OPTIONS_INIT { .iou_threshold = 0.5, .tolerance = 0.5 }

typedef struct _CalqueAgreementReport CalqueAgreementReport;

CalqueAgreementReport *calque_agreement_report_new    (CalqueStore                  *store,
                                                       CalqueRecord                 *project,
                                                       const CalqueAgreementOptions *options,
                                                       GError                      **error);
void                   calque_agreement_report_free   (CalqueAgreementReport        *self);

/* The report as one JSON object (docs/cli.md, "calque-cli agreement"). */
JsonNode              *calque_agreement_report_to_json (CalqueAgreementReport       *self);
/* The report as text for a person: overall figures, pairs, annotators,
 * labels, and the @n_items items of lowest agreement (0: all). */
char                  *calque_agreement_report_to_text (CalqueAgreementReport       *self,
                                                        guint                        n_items);

/* For the review queue: items compared, lowest agreement first. */
guint                  calque_agreement_report_get_n_items    (CalqueAgreementReport *self);
const char            *calque_agreement_report_get_item_id    (CalqueAgreementReport *self,
                                                               guint                  position);
double                 calque_agreement_report_get_item_score (CalqueAgreementReport *self,
                                                               guint                  position);

/* For the reliability figures: @annotator against the final versions —
 * the pooled F1 of their shapes (NaN with no shapes on either side), the
 * items compared, and how often their whole-item labels equal the final
 * ones (NaN when never both set). FALSE when @annotator has no version in
 * the report. Any out parameter may be NULL. */
gboolean               calque_agreement_report_get_vs_final (CalqueAgreementReport *self,
                                                             const char            *annotator,
                                                             double                *out_f1,
                                                             guint                 *out_items,
                                                             double                *out_whole_item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueAgreementReport, calque_agreement_report_free)

G_END_DECLS
