/* calque-canvas.h — an image and its annotations, to look at and to draw on
 *
 * The widget shows one item's image (CalqueImageSource: a quick preview,
 * then the full image, without blocking) and its annotations
 * (CalqueShapeLayer), zooms and pans, and hands pointer and key input to
 * the current tool (CalqueTool) in image coordinates.
 *
 * Zoom: Ctrl+scroll towards the pointer, +/- (and Ctrl++/Ctrl+-) around
 * the centre, Ctrl+0 to fit, Ctrl+1 for one image pixel per screen pixel.
 * Pan: middle-button drag, Space+drag, the scroll wheel (Shift: sideways).
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-annotations.h"
#include "calque-shape-layer.h"
#include "calque-tool.h"
#include "calque-viewport.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_CANVAS (calque_canvas_get_type ())
G_DECLARE_FINAL_TYPE (CalqueCanvas, calque_canvas, CALQUE, CANVAS, GtkWidget)

GtkWidget          *calque_canvas_new             (void);

/* Shows @annotations' item: its image from @image_path (NULL: not on this
 * computer, said in place of the image) and its annotations, drawn in the
 * colours of @label_colors (label id → guint32 0xRRGGBBAA). */
void                calque_canvas_set_item        (CalqueCanvas          *self,
                                                   CalqueItemAnnotations *annotations,
                                                   const char            *image_path,
                                                   GHashTable            *label_colors);
CalqueItemAnnotations *calque_canvas_get_annotations (CalqueCanvas       *self);
CalqueShapeLayer   *calque_canvas_get_layer       (CalqueCanvas          *self);

/* The tool input goes to; the canvas keeps it told of the zoom. */
void                calque_canvas_set_tool        (CalqueCanvas          *self,
                                                   CalqueTool            *tool);
CalqueTool         *calque_canvas_get_tool        (CalqueCanvas          *self);

void                calque_canvas_zoom_fit        (CalqueCanvas          *self);
void                calque_canvas_zoom_actual     (CalqueCanvas          *self);
/* Multiplies the scale by @factor around the widget point (@wx, @wy). */
void                calque_canvas_zoom_by         (CalqueCanvas          *self,
                                                   double                 factor,
                                                   double                 wx,
                                                   double                 wy);
const CalqueViewport *calque_canvas_get_viewport  (CalqueCanvas          *self);
/* Shows what @vp shows (its scale and offset; the size stays this
 * widget's), or fits the image when @fitted. Emits nothing: it is how a
 * canvas follows another's "viewport-changed". */
void                calque_canvas_set_viewport    (CalqueCanvas          *self,
                                                   const CalqueViewport  *vp,
                                                   gboolean               fitted);
/* Whether the view fits the image and follows the widget's size. */
gboolean            calque_canvas_get_fitted      (CalqueCanvas          *self);
/* The reason the image cannot be shown, or NULL. */
const char         *calque_canvas_get_problem     (CalqueCanvas          *self);
/* Whether the image is on screen at full resolution (or failed): for tests. */
gboolean            calque_canvas_is_loaded       (CalqueCanvas          *self);
/* The annotations that have comments, with a bubble each
 * (calque-comment-markers.h); NULL for none. A click on a bubble emits
 * ::comment-marker-activated with the annotation's id. */
void                calque_canvas_set_comment_marks (CalqueCanvas        *self,
                                                   GHashTable            *marks);

G_END_DECLS
