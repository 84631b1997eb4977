/* calque-text-view.h — a text item and its spans, to read and to mark
 *
 * A read-only, wrapped, selectable GtkTextView of the item's text, with its
 * span annotations painted under the letters: a translucent band in the
 * first label's colour (where spans overlap the bands mix, so the overlap
 * shows) and, under the line, one coloured bar per span, nested spans on
 * bars of their own below. The selected span is outlined.
 *
 * Marking:
 *  - select text, then calque_text_view_add_span() (the page calls it when
 *    a label key is pressed): a span over the selection, widened to whole
 *    words when snapping is on;
 *  - double-click a word: a span over that word (a keyword), or the
 *    existing one selected if that word already has it;
 *  - a click on a span selects it; clicking again where spans nest selects
 *    the next one out; Delete removes the selected span; Escape lets go.
 *
 * Offsets are code points (docs/data-model.md), which is what GtkTextIter
 * offsets count, so the buffer's offsets are stored as they are.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-annotations.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_TEXT_VIEW (calque_text_view_get_type ())
G_DECLARE_FINAL_TYPE (CalqueTextView, calque_text_view, CALQUE, TEXT_VIEW, GtkTextView)

GtkWidget  *calque_text_view_new                  (void);
/* Shows @annotations' item (NULL closes) with its spans in the colours of
 * @label_colors (label id → 0xRRGGBBAA); @labels (CalqueRecord) give the
 * names shown in tooltips. Both are kept. */
void        calque_text_view_set_item             (CalqueTextView        *self,
                                                   CalqueItemAnnotations *annotations,
                                                   GHashTable            *label_colors,
                                                   GPtrArray             *labels);
/* The labels new spans get. */
void        calque_text_view_set_labels           (CalqueTextView        *self,
                                                   const char * const    *label_ids);
void        calque_text_view_set_snap_to_words    (CalqueTextView        *self,
                                                   gboolean               snap);
gboolean    calque_text_view_get_snap_to_words    (CalqueTextView        *self);

/* The selected span's annotation id, or NULL. */
const char *calque_text_view_get_selected         (CalqueTextView        *self);
void        calque_text_view_select               (CalqueTextView        *self,
                                                   const char            *id);
/* Whether some text is selected (and a label key would mark it). */
gboolean    calque_text_view_has_text_selection   (CalqueTextView        *self);
/* The selection in code points, snapped to words when snapping is on;
 * FALSE when nothing (or only spaces, with snapping) is selected. */
gboolean    calque_text_view_get_marked_range     (CalqueTextView        *self,
                                                   gint64                *start,
                                                   gint64                *end);
/* Marks the selected text with the current labels and selects the new
 * span. FALSE without @error when no text is selected. */
gboolean    calque_text_view_add_span             (CalqueTextView        *self,
                                                   GError               **error);
/* Moves the selected span's ends to the selected text. FALSE without
 * @error when there is no span or no text selected. */
gboolean    calque_text_view_fit_selected         (CalqueTextView        *self,
                                                   GError               **error);
gboolean    calque_text_view_delete_selected      (CalqueTextView        *self,
                                                   GError               **error);
/* Spans on the item (for tests and the page). */
guint       calque_text_view_get_n_spans          (CalqueTextView        *self);
/* How many bars deep the spans nest. */
guint       calque_text_view_get_n_lanes          (CalqueTextView        *self);
/* The widget point where code point @offset starts, halfway down its
 * line (for tests). */
gboolean    calque_text_view_get_offset_position  (CalqueTextView        *self,
                                                   gint64                 offset,
                                                   double                *x,
                                                   double                *y);
/* The spans that have comments get a bubble after their last letter
 * (calque-comment-markers.h); NULL for none. A click on a bubble emits
 * ::comment-marker-activated with the span's id. */
void        calque_text_view_set_comment_marks    (CalqueTextView        *self,
                                                   GHashTable            *marks);
/* A frame of colour @rgba (0xRRGGBBAA) around span @id, outside its band
 * and bars, for the reviewer's eye (calque-review-window.c); 0 for none.
 * Kept by id until another item is set. */
void        calque_text_view_set_highlight        (CalqueTextView        *self,
                                                   const char            *id,
                                                   guint32                rgba);
guint32     calque_text_view_get_highlight        (CalqueTextView        *self,
                                                   const char            *id);
/* The middle of span @id's bubble, in widget coordinates (for tests). */
gboolean    calque_text_view_get_comment_marker   (CalqueTextView        *self,
                                                   const char            *id,
                                                   double                *x,
                                                   double                *y);

G_END_DECLS
