/* calque-audio-samples.h — the samples of a stretch of an audio file
 *
 * The waveform's peaks stop at CALQUE_WAVEFORM_BASE_FRAMES frames a pair;
 * zoomed in further, the audio view draws the samples themselves. This
 * reads just the frames asked for (sf_seek, then sf_readf_float), mixed
 * down to one channel as the waveform does, and keeps the last stretch
 * read with some margin on both sides, so that a view redrawn sixty times
 * a second while it scrolls does not read the disk each time. The file is
 * never read whole: a request is capped at CALQUE_AUDIO_SAMPLES_MAX_FRAMES.
 *
 * No GTK; used from the thread that made it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one read holds at most: 4 MB of floats, more than a 4K-wide view
 * shows at the zoom where samples replace the peaks. */
#define CALQUE_AUDIO_SAMPLES_MAX_FRAMES (1 << 20)

typedef struct _CalqueAudioSamples CalqueAudioSamples;

/* Opens @path lazily, on the first get(). */
CalqueAudioSamples *calque_audio_samples_new  (const char          *path);
void                calque_audio_samples_free (CalqueAudioSamples  *self);

/* Mono samples in [-1, 1] covering at least frames [@start_frame,
 * @start_frame + @n_frames) clipped to the file (and to the cap): returns
 * them, owned by @self and valid until the next get(); *@out_start is
 * the frame of the first. NULL with a CALQUE_WAVEFORM_ERROR when the file
 * cannot be read there. */
const float        *calque_audio_samples_get  (CalqueAudioSamples  *self,
                                               gint64               start_frame,
                                               gint64               n_frames,
                                               gint64              *out_start,
                                               gsize               *out_n,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueAudioSamples, calque_audio_samples_free)

G_END_DECLS
