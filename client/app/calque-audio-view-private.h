/* calque-audio-view-private.h — what the audio view's files share
 *
 * calque-audio-view.c holds the state, follows the model and the player,
 * and is the public API; calque-audio-view-input.c turns the pointer and
 * the keys into edits; calque-audio-view-draw.c draws.
 *
 * What draw.c draws is mostly still: the ruler, the waveform and the
 * segments change when the view is zoomed, scrolled or edited, not when
 * the playback cursor moves. It keeps them as a texture, drawn again only
 * when what they show changes, so that a frame while playing is that
 * texture and a line. Whatever changes the picture other than the
 * geometry (which draw.c compares itself: size, scale, timeline, colours)
 * calls _calque_audio_view_invalidate().
 */
#pragma once

#include "calque-audio-samples.h"
#include "calque-audio-view.h"
#include "calque-segment-math.h"
#include "calque-waveform.h"

G_BEGIN_DECLS

/* The time ruler along the top, and one strip per lane of segments below it. */
#define CALQUE_AUDIO_VIEW_RULER_HEIGHT 24.0
#define CALQUE_AUDIO_VIEW_STRIP_HEIGHT 20.0
/* How near an edge the pointer grabs it, in pixels. */
#define CALQUE_AUDIO_VIEW_EDGE_PX      5.0
/* A drag shorter than this is a click: no segment from a slip of the hand. */
#define CALQUE_AUDIO_VIEW_MIN_SEGMENT  0.010
/* Colour of segments whose label has none, or that have no label. */
#define CALQUE_AUDIO_VIEW_DEFAULT_RGBA 0x9a9996ffu

typedef struct {
  char    *id;
  double   start, end;     /* seconds, as stored */
  guint32  rgba;
  char    *label;          /* the first label's name; nullable */
} CalqueAudioSegment;

typedef enum {
  CALQUE_AUDIO_DRAG_NONE,
  CALQUE_AUDIO_DRAG_CREATE,   /* drawing a new segment */
  CALQUE_AUDIO_DRAG_START,    /* resizing the selected segment by its start */
  CALQUE_AUDIO_DRAG_END,      /* … by its end */
  CALQUE_AUDIO_DRAG_MOVE,     /* moving the selected segment */
  CALQUE_AUDIO_DRAG_SCRUB,    /* moving the cursor along the ruler */
} CalqueAudioDrag;

/* What the static picture was drawn for, besides the model: any change
 * here draws it again. */
typedef struct {
  int             width, height;   /* widget pixels */
  int             scale;           /* device pixels per widget pixel */
  graphene_rect_t area;            /* the waveform's place */
  GdkRGBA         fg;              /* the theme's colour, dark or light */
  double          duration;
  CalqueTimeline  tl;
} CalqueAudioStaticKey;

struct _CalqueAudioView
{
  GtkWidget              parent_instance;

  CalqueItemAnnotations *annotations;
  GHashTable            *label_colors;   /* label id → GUINT_TO_POINTER (0xRRGGBBAA) */
  GHashTable            *label_names;    /* label id → name, read from the store */
  GStrv                  new_labels;
  double                 duration;       /* seconds: the item's, for clamping and validation */

  char                  *audio_path;
  CalqueWaveform        *waveform;
  GCancellable          *loading;
  gboolean               loaded;
  CalqueAudioSamples    *samples;
  CalqueAudioPlayer     *player;
  char                  *problem;

  GArray                *segments;       /* CalqueAudioSegment, the model's order */
  GHashTable            *highlights;     /* annotation id → GUINT_TO_POINTER (0xRRGGBBAA) */
  GArray                *spans;          /* CalqueSegmentSpan, in step with segments */
  guint                  n_lanes;
  char                  *selected;

  CalqueTimeline         tl;
  gboolean               fitted;         /* follow the width until the user zooms */
  gboolean               following;      /* set_visible_range(): no "view-changed" */
  CalqueTimeline         announced;      /* the range "view-changed" last told */
  gboolean               announced_fitted;
  double                 cursor;
  guint                  tick_id;

  CalqueAudioDrag        drag;
  guint                  drag_index;     /* the segment resized or moved */
  gboolean               drag_moved;     /* past the click threshold */
  double                 drag_x;         /* where it began */
  double                 drag_time;
  double                 preview_start, preview_end;

  double                 pointer_x;
  gboolean               has_pointer;

  GtkWidget             *scrollbar;
  GtkAdjustment         *hadjustment;    /* seconds */
  gboolean               syncing_adjustment;
  GtkWidget             *message;        /* in place of the waveform: loading, problems */
  GtkWidget             *silent;         /* "No sound output" */

  /* The ruler, the waveform and the segments, at device pixels;
   * nullable: not made yet, or the picture is changing every frame. */
  GdkTexture            *static_texture;
  CalqueAudioStaticKey   static_key;      /* what the last frame's picture was drawn for */
  gboolean               static_valid;    /* and nothing else changed since */
  gboolean               static_changing; /* the last frame drew it anew */
  gboolean               static_uncached; /* the benchmark's baseline: draw all every frame */
  guint                  n_static_draws;  /* for the tests */
};

/* calque-audio-view.c */
int      _calque_audio_view_find_segment     (CalqueAudioView *self,
                                              const char      *id);
void     _calque_audio_view_set_selected     (CalqueAudioView *self,
                                              const char      *id);
void     _calque_audio_view_seek             (CalqueAudioView *self,
                                              double           seconds);
void     _calque_audio_view_timeline_changed (CalqueAudioView *self);
void     _calque_audio_view_report           (CalqueAudioView *self,
                                              const GError    *error);
void     _calque_audio_view_emit_edited      (CalqueAudioView *self);
/* Where the waveform is drawn, below the ruler and the strips. */
void     _calque_audio_view_wave_area        (CalqueAudioView *self,
                                              graphene_rect_t *out_area);
/* The strips' lane at @y, -1 below them, -2 on the ruler. */
int      _calque_audio_view_lane_at          (CalqueAudioView *self,
                                              double           y);

/* calque-audio-view-input.c */
void     _calque_audio_view_add_controllers  (CalqueAudioView *self);
void     _calque_audio_view_cancel_drag      (CalqueAudioView *self);

/* calque-audio-view-draw.c */
void     _calque_audio_view_snapshot         (GtkWidget       *widget,
                                              GtkSnapshot     *snapshot);
/* The segments, the selection, a drag's preview, the waveform or the
 * problem changed: the static picture is drawn again, at the next frame. */
void     _calque_audio_view_invalidate       (CalqueAudioView *self);
/* For the benchmark's baseline: with @cached FALSE, every frame draws
 * everything again, as the view did before it kept a texture. */
void     _calque_audio_view_set_static_cache (CalqueAudioView *self,
                                              gboolean         cached);
/* For the tests: how many times the static picture has been drawn. */
guint    _calque_audio_view_get_n_static_draws (CalqueAudioView *self);

G_END_DECLS
