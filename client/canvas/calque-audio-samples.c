/* calque-audio-samples.c — the samples of a stretch of an audio file */
#define G_LOG_DOMAIN "calque-audio-samples"

#include "calque-audio-samples.h"

#include <glib/gi18n-lib.h>
#include <sndfile.h>

#include "calque-waveform.h"

struct _CalqueAudioSamples
{
  char    *path;
  SNDFILE *file;      /* NULL until the first get() */
  SF_INFO  info;
  float   *frames;    /* interleaved while reading, then mixed down in place */
  gint64   start;     /* first frame held */
  gsize    n;         /* frames held */
};

static gboolean
open_file (CalqueAudioSamples  *self,
           GError             **error)
{
  g_autofree char *name = NULL;

  if (self->file != NULL)
    return TRUE;
  self->file = sf_open (self->path, SFM_READ, &self->info);
  if (self->file != NULL && self->info.channels > 0)
    return TRUE;
  name = g_filename_display_name (self->path);
  g_set_error (error, CALQUE_WAVEFORM_ERROR, CALQUE_WAVEFORM_ERROR_FORMAT,
               _("%s: not audio in a format that can be read: %s"), name, sf_strerror (self->file));
  g_clear_pointer (&self->file, sf_close);
  return FALSE;
}

CalqueAudioSamples *
calque_audio_samples_new (const char *path)
{
  CalqueAudioSamples *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (CalqueAudioSamples, 1);
  self->path = g_strdup (path);
  return self;
}

void
calque_audio_samples_free (CalqueAudioSamples *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->file, sf_close);
  g_free (self->frames);
  g_free (self->path);
  g_free (self);
}

const float *
calque_audio_samples_get (CalqueAudioSamples  *self,
                          gint64               start_frame,
                          gint64               n_frames,
                          gint64              *out_start,
                          gsize               *out_n,
                          GError             **error)
{
  gint64 want_end, margin, read_start, read_n;
  sf_count_t got;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (out_start != NULL && out_n != NULL, NULL);

  if (!open_file (self, error))
    return NULL;

  n_frames = CLAMP (n_frames, 0, CALQUE_AUDIO_SAMPLES_MAX_FRAMES);
  start_frame = CLAMP (start_frame, 0, self->info.frames);
  want_end = MIN (start_frame + n_frames, self->info.frames);

  /* Already held: the common case while playing or nudging the view. */
  if (self->frames != NULL && start_frame >= self->start && want_end <= self->start + (gint64) self->n)
    {
      *out_start = self->start;
      *out_n = self->n;
      return self->frames;
    }

  /* Half the request again on each side, within the cap. */
  margin = MIN (n_frames / 2, (CALQUE_AUDIO_SAMPLES_MAX_FRAMES - n_frames) / 2);
  read_start = MAX (start_frame - margin, 0);
  read_n = MIN (want_end + margin, self->info.frames) - read_start;

  g_clear_pointer (&self->frames, g_free);
  self->n = 0;
  self->frames = g_new (float, (gsize) MAX (read_n, 1) * self->info.channels);
  if (sf_seek (self->file, read_start, SEEK_SET) < 0)
    got = -1;
  else
    got = sf_readf_float (self->file, self->frames, read_n);
  if (got < 0)
    {
      g_autofree char *name = g_filename_display_name (self->path);

      g_clear_pointer (&self->frames, g_free);
      g_set_error (error, CALQUE_WAVEFORM_ERROR, CALQUE_WAVEFORM_ERROR_DECODE,
                   _("%s: damaged or truncated audio: %s"), name, sf_strerror (self->file));
      return NULL;
    }

  /* The mean of the channels of each frame, as the waveform's peaks. */
  if (self->info.channels > 1)
    for (sf_count_t f = 0; f < got; f++)
      {
        float sum = 0;

        for (int c = 0; c < self->info.channels; c++)
          sum += self->frames[f * self->info.channels + c];
        self->frames[f] = sum / self->info.channels;
      }

  self->start = read_start;
  self->n = (gsize) got;
  *out_start = self->start;
  *out_n = self->n;
  return self->frames;
}
