/* calque-comment-markers.h — speech bubbles on the annotations that have comments
 *
 * The image canvas marks each annotation that people have commented on
 * with a small bubble holding the number of comments, at the top right
 * corner of the shape's bounding box (where the handles of a box are not),
 * drawn over the shapes; a bubble whose threads are all resolved is grey.
 * A click on a bubble opens its thread, before any tool sees the click.
 *
 * @marks maps an annotation id to GUINT_TO_POINTER (the number of
 * comments, with CALQUE_COMMENT_MARKER_RESOLVED when every thread on it
 * is resolved): the values of calque_item_comments_dup_marks(). Shapes
 * hidden in the layer, or not in it, have no bubble. Drawing and hit
 * testing go in the order of the ids, so that overlapping bubbles are
 * picked as they are seen.
 *
 * cairo only, no GTK: the widget, the tests and the benchmark share it.
 */
#pragma once

#include <cairo.h>

#include "calque-shape-layer.h"
#include "calque-viewport.h"

G_BEGIN_DECLS

#define CALQUE_COMMENT_MARKER_RESOLVED 0x80000000u

/* One bubble for @value (a count, maybe with CALQUE_COMMENT_MARKER_RESOLVED),
 * its body's top left corner at (@x, @y), its tail below pointing down at
 * (@x + 4, @y + height + 6): for views other than the canvas (a text's
 * spans). */
void      calque_comment_marker_get_size (guint                 value,
                                          double               *width,
                                          double               *height);
void      calque_comment_marker_draw     (cairo_t              *cr,
                                          double                x,
                                          double                y,
                                          guint                 value);

/* The bubble of annotation @id in widget coordinates; FALSE when it has none. */
gboolean  calque_comment_marker_get_rect (CalqueShapeLayer     *layer,
                                          const CalqueViewport *vp,
                                          GHashTable           *marks,
                                          const char           *id,
                                          double               *x,
                                          double               *y,
                                          double               *width,
                                          double               *height);
void      calque_comment_markers_draw    (cairo_t              *cr,
                                          CalqueShapeLayer     *layer,
                                          const CalqueViewport *vp,
                                          GHashTable           *marks);
/* The annotation whose bubble is under widget point (@wx, @wy), or NULL. */
char     *calque_comment_markers_hit     (CalqueShapeLayer     *layer,
                                          const CalqueViewport *vp,
                                          GHashTable           *marks,
                                          double                wx,
                                          double                wy);

G_END_DECLS
