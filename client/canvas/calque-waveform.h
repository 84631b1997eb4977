/* calque-waveform.h — the peaks of an audio file, for drawing its waveform
 *
 * A worker thread reads the file with libsndfile, 64k frames at a time (a
 * two-hour recording is never held whole), mixes the channels down to one
 * (the mean of the channels of each frame: an annotator marks moments in
 * time, not channels) and keeps, for every CALQUE_WAVEFORM_BASE_FRAMES
 * frames, the lowest and the highest sample: level 0. Each further level
 * holds one pair for every CALQUE_WAVEFORM_LEVEL_FACTOR pairs of the level
 * before, their min and max, down to a single pair; a view picks the level
 * for its zoom with calque_waveform_pick_level(). Samples are floats in
 * [-1, 1], whatever the file's encoding.
 *
 * With a cache path (the caller names it after the file's content, e.g.
 * "<cache_dir>/<sha256>.peaks"), level 0 is written there once computed and
 * read back instead of the audio on the next load; the cache is trusted to
 * belong to that content and the audio file is then not opened at all.
 *
 * Everything but the worker happens in the thread that called load_async;
 * no GTK.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Frames per pair of level 0: 172 pairs a second at 44.1 kHz, 620,000 for
 * an hour, 5 MB. */
#define CALQUE_WAVEFORM_BASE_FRAMES   256
/* Pairs of a level per pair of the next, coarser one. */
#define CALQUE_WAVEFORM_LEVEL_FACTOR  4

#define CALQUE_WAVEFORM_ERROR (calque_waveform_error_quark ())
typedef enum {
  CALQUE_WAVEFORM_ERROR_READ,    /* the file cannot be opened or read */
  CALQUE_WAVEFORM_ERROR_FORMAT,  /* not audio, or a format or codec libsndfile cannot decode */
  CALQUE_WAVEFORM_ERROR_DECODE,  /* audio, but truncated or damaged */
} CalqueWaveformError;

GQuark calque_waveform_error_quark (void);

typedef struct {
  float min;
  float max;
} CalqueWaveformPeak;

#define CALQUE_TYPE_WAVEFORM (calque_waveform_get_type ())
G_DECLARE_FINAL_TYPE (CalqueWaveform, calque_waveform, CALQUE, WAVEFORM, GObject)

/* @cache_path: nullable; where level 0 is kept between loads. */
CalqueWaveform           *calque_waveform_new                 (const char          *path,
                                                               const char          *cache_path);
const char               *calque_waveform_get_path            (CalqueWaveform      *self);
const char               *calque_waveform_get_cache_path      (CalqueWaveform      *self);

/* Completes when every level is ready, or with a CALQUE_WAVEFORM_ERROR
 * naming the file and why, or G_IO_ERROR_CANCELLED. One load at a time:
 * while one runs, another fails with G_IO_ERROR_PENDING; once loaded,
 * another completes at once. */
void                      calque_waveform_load_async          (CalqueWaveform      *self,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean                  calque_waveform_load_finish         (CalqueWaveform      *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* The rest is 0, FALSE or NULL until a load has completed. */
gboolean                  calque_waveform_is_loaded           (CalqueWaveform      *self);
/* TRUE if the last load read the peaks cache rather than the audio. */
gboolean                  calque_waveform_get_from_cache      (CalqueWaveform      *self);
guint                     calque_waveform_get_sample_rate     (CalqueWaveform      *self);
guint                     calque_waveform_get_channels        (CalqueWaveform      *self);
gint64                    calque_waveform_get_frames          (CalqueWaveform      *self);

guint                     calque_waveform_get_n_levels        (CalqueWaveform      *self);
/* Frames covered by one pair of @level: BASE_FRAMES × LEVEL_FACTOR^level. */
gint64                    calque_waveform_get_level_frames    (CalqueWaveform      *self,
                                                               guint                level);
/* The coarsest level whose pairs cover at most @frames_per_pixel frames
 * (0 when even level 0 is coarser: draw the samples themselves). */
guint                     calque_waveform_pick_level          (CalqueWaveform      *self,
                                                               double               frames_per_pixel);
/* The pairs of @level that cover frames [@start_frame, @start_frame +
 * @n_frames), clipped to the file: *@n_peaks of them, owned by @self,
 * valid until it is finalized. The first starts at frame
 * @start_frame rounded down to a multiple of get_level_frames(). */
const CalqueWaveformPeak *calque_waveform_get_peaks           (CalqueWaveform      *self,
                                                               guint                level,
                                                               gint64               start_frame,
                                                               gint64               n_frames,
                                                               gsize               *n_peaks);

G_END_DECLS
