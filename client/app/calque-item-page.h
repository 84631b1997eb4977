/* calque-item-page.h — one item open for annotation
 *
 * The view of the item's media in the middle (an image on the canvas, a
 * text in the text view, a recording in the audio view) and, beside it, the
 * project's labels (keys 1–9), the labels of the whole item, the item's
 * annotations, the confidence and attributes of the selected one, and undo
 * and redo. Actions, in the "item" group the page installs on itself:
 * item.label (int: position in the palette), item.undo, item.redo,
 * item.start-task, item.submit-task; for images item.tool (string: select,
 * box, polygon, polyline, point — keys V B P L O), item.zoom-fit,
 * item.zoom-actual, item.hide-all, item.show-all; for texts
 * item.snap-words (W) and item.fit-span (E); for recordings
 * item.play-pause (Space), item.play-segment and item.zoom-fit. The
 * actions of the other media are disabled, so their keys stay free.
 */
#pragma once

#include <adwaita.h>

#include "calque-audio-view.h"
#include "calque-canvas.h"
#include "calque-history.h"
#include "calque-text-view.h"
#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_ITEM_PAGE (calque_item_page_get_type ())
G_DECLARE_FINAL_TYPE (CalqueItemPage, calque_item_page, CALQUE, ITEM_PAGE, GtkBox)

GtkWidget     *calque_item_page_new          (void);
/* Opens @item of @workspace for @author (the signed-in user or the local
 * name); NULL closes. Undo starts afresh with each item. */
gboolean       calque_item_page_set_item     (CalqueItemPage  *self,
                                              CalqueWorkspace *workspace,
                                              CalqueRecord    *item,
                                              const char      *author,
                                              GError         **error);
CalqueRecord  *calque_item_page_get_item     (CalqueItemPage  *self);
CalqueCanvas  *calque_item_page_get_canvas   (CalqueItemPage  *self);
CalqueTextView *calque_item_page_get_text_view (CalqueItemPage *self);
CalqueAudioView *calque_item_page_get_audio_view (CalqueItemPage *self);
CalqueHistory *calque_item_page_get_history  (CalqueItemPage  *self);
/* The editor of the selected annotation's attributes. */
GtkWidget     *calque_item_page_get_attribute_editor (CalqueItemPage *self);
/* The labels new shapes get (ids). */
const char * const *calque_item_page_get_labels (CalqueItemPage *self);
/* Reads @ids again (the sync brought changes). */
void           calque_item_page_reload_records (CalqueItemPage     *self,
                                                const char * const *ids);
/* The other people on the item, by name (NULL: nobody), shown in the
 * toolbar as “Also here: …”. The window keeps it up to date. */
void           calque_item_page_set_presence (CalqueItemPage     *self,
                                              const char * const *names);

G_END_DECLS
