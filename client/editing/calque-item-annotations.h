/* calque-item-annotations.h — the annotations of one item, as the canvas edits them
 *
 * A GListModel of the item's annotations (CalqueRecord, oldest first) and
 * the edits the tools make: draw a shape, move or reshape it, set its
 * labels, attributes and confidence, delete it. Each edit is one
 * calque_history_save(): in the workspace (and its outbox) before the call
 * returns, and undoable. Shapes are clamped to the image before they are
 * saved, so a drag past the edge stops at the edge.
 *
 * A model's predictions are in the model until the author makes them
 * their own (see calque_item_annotations_accept() below).
 *
 * The model follows what undo, redo and the server change (reload_records),
 * emitting items-changed for the rows that changed only.
 *
 * GTK-free: the tools and their tests use it without a display.
 */
#pragma once

#include <gio/gio.h>

#include "calque-history.h"
#include "calque-shape.h"
#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_ITEM_ANNOTATIONS_ERROR (calque_item_annotations_error_quark ())
typedef enum {
  CALQUE_ITEM_ANNOTATIONS_ERROR_PREDICTION,  /* a prediction cannot be deleted; only predictions are accepted */
} CalqueItemAnnotationsError;

GQuark calque_item_annotations_error_quark (void);

#define CALQUE_TYPE_ITEM_ANNOTATIONS (calque_item_annotations_get_type ())
G_DECLARE_FINAL_TYPE (CalqueItemAnnotations, calque_item_annotations, CALQUE, ITEM_ANNOTATIONS, GObject)

/* @author: the signed-in user, or the local name when working offline. */
CalqueItemAnnotations *calque_item_annotations_new          (CalqueStore           *store,
                                                             CalqueHistory         *history,
                                                             CalqueRecord          *item,
                                                             const char            *author,
                                                             GError               **error);
/* Only @author's own annotations (no predictions, nobody else's): one
 * annotator's version of the item, for a reviewer to look at. */
CalqueItemAnnotations *calque_item_annotations_new_for_author (CalqueStore         *store,
                                                             CalqueHistory         *history,
                                                             CalqueRecord          *item,
                                                             const char            *author,
                                                             GError               **error);
CalqueRecord          *calque_item_annotations_get_item     (CalqueItemAnnotations *self);
/* Where the annotations are kept: views read the labels' names there. */
CalqueStore           *calque_item_annotations_get_store    (CalqueItemAnnotations *self);
/* The task new annotations belong to (the author's task on this item), or
 * NULL: an annotator's annotations must name their task on the server. */
void                   calque_item_annotations_set_task     (CalqueItemAnnotations *self,
                                                             const char            *task_id);
const char            *calque_item_annotations_get_task     (CalqueItemAnnotations *self);
/* The annotation with @id, or NULL; owned by the model. */
CalqueRecord          *calque_item_annotations_lookup       (CalqueItemAnnotations *self,
                                                             const char            *id);

/* The id of the new annotation, or NULL. */
char                  *calque_item_annotations_add          (CalqueItemAnnotations *self,
                                                             const CalqueShape     *shape,
                                                             const char * const    *label_ids,
                                                             GError               **error);
gboolean               calque_item_annotations_set_shape    (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             const CalqueShape     *shape,
                                                             GError               **error);
gboolean               calque_item_annotations_set_labels   (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             const char * const    *label_ids,
                                                             GError               **error);
/* @value NULL removes the attribute. */
gboolean               calque_item_annotations_set_attribute (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             const char            *name,
                                                             JsonNode              *value,
                                                             GError               **error);
gboolean               calque_item_annotations_set_confidence (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             double                 confidence,
                                                             GError               **error);
gboolean               calque_item_annotations_remove       (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             GError               **error);

/* Pre-annotations (docs/data-model.md): a model's predictions show until
 * the author accepts or fixes them. Any edit of a prediction (shape,
 * labels, attributes, confidence) is saved as the author's own annotation
 * made from it (its "source"), which takes its place in the model
 * ("replaced" signal); the ids of the prediction keep working with
 * lookup and the setters. A prediction cannot be deleted: it is every
 * annotator's starting point.
 */
gboolean               calque_item_annotations_is_prediction (CalqueItemAnnotations *self,
                                                             const char            *id);
/* The same for a record in hand (one of the model's rows): no lookup, for
 * views that walk every row. */
gboolean               calque_item_annotations_record_is_prediction (CalqueItemAnnotations *self,
                                                                    CalqueRecord          *record);
/* The id of the author's annotation made from prediction @id, or NULL. */
char                  *calque_item_annotations_accept       (CalqueItemAnnotations *self,
                                                             const char            *id,
                                                             GError               **error);
/* Accepts every prediction shown, as one undoable step; how many. */
guint                  calque_item_annotations_accept_all   (CalqueItemAnnotations *self,
                                                             GError               **error);
/* Reads @ids again from the store (undo, redo, sync); ids of other items
 * are ignored. */
void                   calque_item_annotations_reload_records (CalqueItemAnnotations *self,
                                                             const char * const    *ids);

/* Reads all of the item's annotations again: for a batch of changes too
 * large to look at one by one (a pull catching up). */
void                   calque_item_annotations_reload_all   (CalqueItemAnnotations *self);

/* Moves every coordinate of @shape into the @width × @height image. */
void                   calque_shape_clamp_to_image          (CalqueShape           *shape,
                                                             double                 width,
                                                             double                 height);

G_END_DECLS
