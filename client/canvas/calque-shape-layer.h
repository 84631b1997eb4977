/* calque-shape-layer.h — the annotations of one image, drawn and hit-tested
 *
 * The layer keeps a copy of every shape with its colour, its flags and its
 * bounding box, and draws them with cairo in widget coordinates through a
 * CalqueViewport; the same code serves the canvas widget, the tests and the
 * benchmark. It knows no GTK.
 *
 * Drawing order: the shapes in the order they were added (replacing one
 * keeps its place), then the hovered one, then the selected one with its
 * handles. Hit testing looks at the selected shape first, then at the
 * others from the last drawn to the first. Holes are filled even-odd.
 *
 * Signals: "changed" — anything a draw would show differently (a shape,
 * a flag); the widget queues a redraw.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "calque-shape.h"
#include "calque-viewport.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_HIT_NONE,     /* nothing under the pointer */
  CALQUE_HIT_INSIDE,   /* the inside of a box or a polygon (not in a hole) */
  CALQUE_HIT_VERTEX,   /* a vertex of a polygon or polyline, or a point */
  CALQUE_HIT_EDGE,     /* an edge, away from its vertices */
  CALQUE_HIT_HANDLE,   /* one of the 8 resize handles of a box */
} CalqueHitPart;

/* The resize handles of a box, clockwise from its top-left corner; "top"
 * is the box's own top, which turns with its rotation. */
typedef enum {
  CALQUE_HANDLE_TOP_LEFT,
  CALQUE_HANDLE_TOP,
  CALQUE_HANDLE_TOP_RIGHT,
  CALQUE_HANDLE_RIGHT,
  CALQUE_HANDLE_BOTTOM_RIGHT,
  CALQUE_HANDLE_BOTTOM,
  CALQUE_HANDLE_BOTTOM_LEFT,
  CALQUE_HANDLE_LEFT,
} CalqueHandle;

typedef struct {
  CalqueHitPart part;
  char         *id;       /* the annotation; owned, freed by calque_hit_clear() */
  /* VERTEX and EDGE: 0 for a polygon's outer ring or a polyline, 1 + n for
   * the polygon's hole n. */
  guint         ring;
  /* VERTEX: the vertex's index in its ring. EDGE: the index of its first
   * vertex (edge i joins vertex i and i + 1, the last one back to 0); for a
   * box, 0 top, 1 right, 2 bottom, 3 left. HANDLE: a CalqueHandle. */
  guint         index;
  /* In image pixels: the vertex or the handle; on an edge, the nearest point
   * of the edge (where a new vertex would go); inside, the pointer. */
  double        x, y;
} CalqueHit;

void calque_hit_clear (CalqueHit *hit);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalqueHit, calque_hit_clear)

#define CALQUE_TYPE_SHAPE_LAYER (calque_shape_layer_get_type ())
G_DECLARE_FINAL_TYPE (CalqueShapeLayer, calque_shape_layer, CALQUE, SHAPE_LAYER, GObject)

CalqueShapeLayer  *calque_shape_layer_new          (void);

/* Adds the shape of annotation @id, or replaces it in place (same drawing
 * order, same flags). @rgba is 0xRRGGBBAA, the label's colour. Copies
 * @shape. Returns FALSE, and keeps nothing for @id, when the shape has no
 * geometry on an image (span, segment, classification). */
gboolean           calque_shape_layer_set_shape    (CalqueShapeLayer  *self,
                                                    const char        *id,
                                                    const CalqueShape *shape,
                                                    guint32            rgba);
/* Returns whether there was a shape for @id. */
gboolean           calque_shape_layer_remove       (CalqueShapeLayer  *self,
                                                    const char        *id);
void               calque_shape_layer_clear        (CalqueShapeLayer  *self);
guint              calque_shape_layer_get_n_shapes (CalqueShapeLayer  *self);
/* Borrowed; NULL if the layer has no shape for @id. */
const CalqueShape *calque_shape_layer_get_shape    (CalqueShapeLayer  *self,
                                                    const char        *id);
/* The bounding box in image pixels; FALSE if there is no shape for @id. */
gboolean           calque_shape_layer_get_bounds   (CalqueShapeLayer  *self,
                                                    const char        *id,
                                                    double            *x,
                                                    double            *y,
                                                    double            *width,
                                                    double            *height);

/* @id NULL for none. */
void               calque_shape_layer_set_selected (CalqueShapeLayer  *self,
                                                    const char        *id);
const char        *calque_shape_layer_get_selected (CalqueShapeLayer  *self);
void               calque_shape_layer_set_hovered  (CalqueShapeLayer  *self,
                                                    const char        *id);
const char        *calque_shape_layer_get_hovered  (CalqueShapeLayer  *self);
void               calque_shape_layer_set_hidden   (CalqueShapeLayer  *self,
                                                    const char        *id,
                                                    gboolean           hidden);
gboolean           calque_shape_layer_get_hidden   (CalqueShapeLayer  *self,
                                                    const char        *id);
/* A model's prediction not yet accepted: drawn dashed and lighter, picked
 * but not dragged (calque-select-tool.c). */
void               calque_shape_layer_set_prediction (CalqueShapeLayer *self,
                                                    const char        *id,
                                                    gboolean           prediction);
gboolean           calque_shape_layer_get_prediction (CalqueShapeLayer *self,
                                                    const char        *id);
/* A halo of colour @rgba (0xRRGGBBAA) around the shape, under its outline,
 * for the reviewer's eye (calque-review-window.c); 0 for none. */
void               calque_shape_layer_set_highlight (CalqueShapeLayer *self,
                                                    const char        *id,
                                                    guint32            rgba);
guint32            calque_shape_layer_get_highlight (CalqueShapeLayer *self,
                                                    const char        *id);

/* Draws every visible shape whose bounding box meets @vp and the clip of
 * @cr. @cr's user space is widget pixels. */
void               calque_shape_layer_draw         (CalqueShapeLayer     *self,
                                                    cairo_t              *cr,
                                                    const CalqueViewport *vp);

/* Whether draws keep the shapes that are neither selected, nor hovered,
 * nor hidden in a render cache of tiles at the current scale, so that a
 * pan, or a change of the selected or hovered shape, costs a blit rather
 * than drawing them all again (see calque-shape-layer.c). On by default;
 * off, every draw draws every shape, as a reference. Turning it off frees
 * the tiles. */
void               calque_shape_layer_set_cache_enabled (CalqueShapeLayer *self,
                                                         gboolean          enabled);
gboolean           calque_shape_layer_get_cache_enabled (CalqueShapeLayer *self);
/* The bytes of tiles the cache holds now, the previous scale's included. */
gsize              calque_shape_layer_get_cache_size    (CalqueShapeLayer *self);

/* Progressive draws: off by default. On, a draw that finds tiles of its
 * scale missing (after a zoom) does not wait for them: in their place it
 * shows the previous scale's tiles, scaled (a little blurry, and empty
 * where there were none), draws the missing tiles on worker threads, and
 * hands them back through a source on the thread-default main context of
 * that draw, then emits "changed": the caller draws again. Off, a draw
 * draws every missing tile before it returns, as a reference. Turning it
 * off cancels the tiles being drawn. */
void               calque_shape_layer_set_progressive   (CalqueShapeLayer *self,
                                                         gboolean          progressive);
gboolean           calque_shape_layer_get_progressive   (CalqueShapeLayer *self);
/* The tiles being drawn off the frame, not yet handed back. */
guint              calque_shape_layer_get_n_pending     (CalqueShapeLayer *self);
/* Whether the last draw showed every shape as a draw without the cache
 * would: FALSE when it showed stand-ins for missing tiles. */
gboolean           calque_shape_layer_get_sharp         (CalqueShapeLayer *self);

/* What is under the widget point (@wx, @wy), within @tolerance_px widget
 * pixels; returns whether anything was hit. @out must be zeroed or hold an
 * earlier hit, which is cleared first (g_auto(CalqueHit) hit = { 0 }). */
gboolean           calque_shape_layer_hit          (CalqueShapeLayer     *self,
                                                    const CalqueViewport *vp,
                                                    double                wx,
                                                    double                wy,
                                                    double                tolerance_px,
                                                    CalqueHit            *out);

G_END_DECLS
