/* calque-shape.h — the geometry of an annotation
 *
 * JSON forms (coordinates in image pixels, origin top-left; points as flat
 * [x0, y0, x1, y1, …] arrays like COCO's segmentation):
 *
 *   {"type":"box","x":10,"y":20,"w":30,"h":40,"rotation":0}   rotation in degrees, optional
 *   {"type":"polygon","points":[…],"holes":[[…],…]}          holes optional
 *   {"type":"polyline","points":[…]}
 *   {"type":"point","x":1.5,"y":2}
 *   {"type":"span","start":0,"end":5}    Unicode code points, end exclusive
 *   {"type":"segment","start":1.25,"end":3.5,"channel":0}  seconds, channel optional
 *   {"type":"classification"}
 *
 * Span offsets count Unicode code points (what Python's str and GtkTextIter
 * count), never UTF-8 bytes or UTF-16 units; see docs/data-model.md.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CALQUE_SHAPE_ERROR (calque_shape_error_quark ())
typedef enum {
  CALQUE_SHAPE_ERROR_SYNTAX,     /* wrong JSON: unknown type, missing member, wrong member type */
  CALQUE_SHAPE_ERROR_GEOMETRY,   /* not finite, degenerate (too few points, empty box, end ≤ start) */
  CALQUE_SHAPE_ERROR_BOUNDS,     /* outside the image, the text or the audio */
  CALQUE_SHAPE_ERROR_TOO_LARGE,  /* over the documented limits below */
} CalqueShapeError;

GQuark calque_shape_error_quark (void);

/* A polygon (outer ring and holes together) or a polyline has at most this
 * many points; a single shape beyond it would make every client that draws
 * it stall, and nothing people annotate by hand comes near it. */
#define CALQUE_SHAPE_MAX_POINTS 100000
#define CALQUE_SHAPE_MAX_HOLES  1000

typedef enum {
  CALQUE_SHAPE_BOX,
  CALQUE_SHAPE_POLYGON,
  CALQUE_SHAPE_POLYLINE,
  CALQUE_SHAPE_POINT,
  CALQUE_SHAPE_SPAN,
  CALQUE_SHAPE_SEGMENT,
  CALQUE_SHAPE_CLASSIFICATION,
} CalqueShapeKind;

typedef struct {
  CalqueShapeKind kind;

  /* box: x, y, w, h, rotation; point: x, y */
  double x, y, w, h, rotation;

  /* polygon (outer ring) and polyline: 2 × n doubles */
  GArray *points;
  /* polygon holes: GArray of 2 × n doubles each; may be NULL */
  GPtrArray *holes;

  /* span: code point offsets, end exclusive */
  gint64 span_start, span_end;

  /* segment: seconds; channel -1 for all channels */
  double seg_start, seg_end;
  int channel;
} CalqueShape;

/* What a shape must fit in. Zero or negative means unknown: not checked. */
typedef struct {
  double width, height;   /* image pixels */
  gint64 text_length;     /* code points */
  double duration;        /* seconds */
  int    channels;
} CalqueShapeBounds;

const char  *calque_shape_kind_to_string (CalqueShapeKind kind);
gboolean     calque_shape_kind_from_string (const char *str,
                                          CalqueShapeKind *out_kind);

CalqueShape *calque_shape_new            (CalqueShapeKind  kind);
CalqueShape *calque_shape_new_box        (double x, double y, double w, double h);
CalqueShape *calque_shape_new_point      (double x, double y);
/* @coords: 2 × @n_points doubles. */
CalqueShape *calque_shape_new_polygon    (const double *coords, guint n_points);
CalqueShape *calque_shape_new_polyline   (const double *coords, guint n_points);
CalqueShape *calque_shape_new_span       (gint64 start, gint64 end);
CalqueShape *calque_shape_new_segment    (double start, double end);
void         calque_shape_add_hole       (CalqueShape *self,
                                          const double *coords,
                                          guint n_points);
CalqueShape *calque_shape_copy           (const CalqueShape *self);
void         calque_shape_free           (CalqueShape *self);
/* Whether @a and @b are the same geometry, number for number. */
gboolean     calque_shape_equal          (const CalqueShape *a,
                                          const CalqueShape *b);
guint        calque_shape_get_n_points   (const CalqueShape *self);

/* Parses and checks the geometry (finite, not degenerate, within limits);
 * bounds are checked by calque_shape_validate(). */
CalqueShape *calque_shape_from_json      (JsonNode         *node,
                                          GError          **error);
JsonNode    *calque_shape_to_json        (const CalqueShape *self);

/* @bounds may be NULL. */
gboolean     calque_shape_validate       (const CalqueShape       *self,
                                          const CalqueShapeBounds *bounds,
                                          GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueShape, calque_shape_free)

G_END_DECLS
