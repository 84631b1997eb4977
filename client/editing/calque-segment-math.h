/* calque-segment-math.h — the geometry of the audio view, without GTK
 *
 * A CalqueTimeline maps seconds to widget x: the view shows
 * [start, start + width / px_per_s) of a recording @duration long.
 * Zooming keeps one x fixed (the pointer), panning never shows time
 * outside the recording, and the finest zoom shows a few tens of pixels
 * per sample, so that single samples can be placed.
 *
 * Segments overlap freely (two annotators, or two labels for one moment);
 * calque_segment_assign_lanes() stacks them so that every one keeps a strip
 * of its own, and calque_segment_hit() finds what is under the pointer:
 * an edge (to resize) before a body (to select or move).
 *
 * Pure functions on plain structs: tested in tests/client/test-segment-math.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pixels per sample at the finest zoom. */
#define CALQUE_TIMELINE_MAX_PX_PER_FRAME 40.0

typedef struct {
  double duration;      /* seconds; > 0 once known */
  double sample_rate;   /* frames a second, for the finest zoom */
  double width;         /* widget pixels */
  double start;         /* seconds at x = 0 */
  double px_per_s;      /* zoom */
} CalqueTimeline;

double   calque_timeline_time_to_x     (const CalqueTimeline *self,
                                        double                seconds);
double   calque_timeline_x_to_time     (const CalqueTimeline *self,
                                        double                x);
/* The zoom that shows the whole recording. */
double   calque_timeline_fit_px_per_s  (const CalqueTimeline *self);
void     calque_timeline_fit           (CalqueTimeline       *self);
/* Multiplies the zoom by @factor, clamped between fit and the finest
 * zoom, keeping the time under @x where it is. */
void     calque_timeline_zoom_by       (CalqueTimeline       *self,
                                        double                factor,
                                        double                x);
/* Sets start, kept so that no time outside [0, duration] is shown
 * (unless the whole recording fits). */
void     calque_timeline_scroll_to     (CalqueTimeline       *self,
                                        double                start);
/* Scrolls the least so that @seconds is in view, with @margin_px to spare. */
void     calque_timeline_reveal        (CalqueTimeline       *self,
                                        double                seconds,
                                        double                margin_px);
/* The seconds between two ticks of the ruler, so that labels are at least
 * @min_px apart: 1, 2 or 5 times a power of ten below a minute, then
 * 10 s, 15 s, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h and more. */
double   calque_timeline_tick_step     (const CalqueTimeline *self,
                                        double                min_px);
/* "0:05", "1:02", "1:02:03", with as many decimals as @step needs
 * ("0:05.25", "1:02:03.250"). Hours only from an hour on, or when
 * @with_hours. */
char    *calque_timeline_format_time   (double                seconds,
                                        double                step,
                                        gboolean              with_hours);

typedef struct {
  double start, end;    /* seconds */
  guint  lane;          /* set by calque_segment_assign_lanes() */
} CalqueSegmentSpan;

/* Gives each span the lowest lane free of the spans it overlaps, in the
 * order given (the model's: oldest first, so lanes do not jump about as
 * segments are added). Returns the number of lanes used. */
guint    calque_segment_assign_lanes   (CalqueSegmentSpan    *spans,
                                        guint                 n_spans);

typedef enum {
  CALQUE_SEGMENT_HIT_NONE,
  CALQUE_SEGMENT_HIT_BODY,
  CALQUE_SEGMENT_HIT_START,   /* the start edge */
  CALQUE_SEGMENT_HIT_END,     /* the end edge */
} CalqueSegmentHit;

/* What of @spans is at widget (@x, @lane): @lane is the lane under the
 * pointer's strip, or -1 when the pointer is below the strips (then any
 * lane). Edges within @edge_px win over bodies; among edges or bodies,
 * span @preferred (the selected one, or -1) wins, then the higher lane.
 * *@out_index is the span's index. */
CalqueSegmentHit calque_segment_hit    (const CalqueTimeline    *timeline,
                                        const CalqueSegmentSpan *spans,
                                        guint                    n_spans,
                                        double                   x,
                                        int                      lane,
                                        double                   edge_px,
                                        int                      preferred,
                                        guint                   *out_index);

G_END_DECLS
