/* calque-waveform.c — the peaks of an audio file, for drawing its waveform
 *
 * The worker thread builds every level into a Peaks of its own and hands
 * it over as the task's result; the object is only touched in the
 * caller's context, so nothing here needs a lock.
 *
 * Memory: one block of BLOCK_FRAMES frames of floats (256 kB a channel)
 * while decoding, then the levels: 8 bytes per BASE_FRAMES frames for
 * level 0 and a third of that again for the coarser ones together — about
 * 6.6 MB for an hour at 44.1 kHz.
 *
 * The cache file holds level 0 only (the others take milliseconds to
 * rebuild), little-endian:
 *
 *   offset  size  field
 *        0     8  magic "CQPEAKS\n"
 *        8     4  version (CACHE_VERSION)
 *       12     4  sample rate
 *       16     4  channels
 *       20     4  frames per pair (CALQUE_WAVEFORM_BASE_FRAMES)
 *       24     8  frames
 *       32     8  pairs, ⌈frames / frames per pair⌉
 *       40   8·n  pairs: min then max, IEEE 754 binary32
 *
 * A cache that does not match this exactly is ignored and rewritten.
 */
#define G_LOG_DOMAIN "calque-waveform"

#include "calque-waveform.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sndfile.h>

/* Frames decoded at a time: a multiple of CALQUE_WAVEFORM_BASE_FRAMES, so
 * that a pair never straddles two blocks (but the last). */
#define BLOCK_FRAMES   65536
#define CACHE_MAGIC    "CQPEAKS\n"
#define CACHE_VERSION  1
#define CACHE_HEADER   40

G_STATIC_ASSERT (BLOCK_FRAMES % CALQUE_WAVEFORM_BASE_FRAMES == 0);

typedef struct {
  gsize               n;
  CalqueWaveformPeak *peaks;
} Level;

/* What a load makes, in the worker, before the object gets it. */
typedef struct {
  guint      sample_rate;
  guint      channels;
  gint64     frames;
  gboolean   from_cache;
  GPtrArray *levels;      /* Level*, finest first; at least one */
} Peaks;

typedef struct {
  char *path;
  char *cache_path;
} LoadData;

struct _CalqueWaveform
{
  GObject  parent_instance;

  char    *path;
  char    *cache_path;
  gboolean loading;
  Peaks   *peaks;         /* NULL until loaded */
};

G_DEFINE_FINAL_TYPE (CalqueWaveform, calque_waveform, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-waveform-error-quark, calque_waveform_error)

/* ---- Levels ------------------------------------------------------------ */

static void
level_free (Level *level)
{
  g_free (level->peaks);
  g_free (level);
}

static Level *
level_new (gsize n)
{
  Level *level = g_new0 (Level, 1);

  level->n = n;
  level->peaks = g_new0 (CalqueWaveformPeak, MAX (n, 1));
  return level;
}

static void
peaks_free (Peaks *peaks)
{
  g_clear_pointer (&peaks->levels, g_ptr_array_unref);
  g_free (peaks);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peaks, peaks_free)

static Peaks *
peaks_new (void)
{
  Peaks *peaks = g_new0 (Peaks, 1);

  peaks->levels = g_ptr_array_new_with_free_func ((GDestroyNotify) level_free);
  return peaks;
}

static gsize
n_base_pairs (gint64 frames)
{
  return (frames + CALQUE_WAVEFORM_BASE_FRAMES - 1) / CALQUE_WAVEFORM_BASE_FRAMES;
}

/* Each pair of the next level: the min and max of LEVEL_FACTOR pairs of
 * @finer (fewer for the last). */
static Level *
level_reduce (const Level *finer)
{
  Level *level = level_new ((finer->n + CALQUE_WAVEFORM_LEVEL_FACTOR - 1) / CALQUE_WAVEFORM_LEVEL_FACTOR);

  for (gsize i = 0; i < level->n; i++)
    {
      gsize from = i * CALQUE_WAVEFORM_LEVEL_FACTOR;
      gsize to = MIN (from + CALQUE_WAVEFORM_LEVEL_FACTOR, finer->n);
      CalqueWaveformPeak p = finer->peaks[from];

      for (gsize j = from + 1; j < to; j++)
        {
          p.min = MIN (p.min, finer->peaks[j].min);
          p.max = MAX (p.max, finer->peaks[j].max);
        }
      level->peaks[i] = p;
    }
  return level;
}

static void
add_coarser_levels (Peaks *peaks)
{
  const Level *level = g_ptr_array_index (peaks->levels, 0);

  while (level->n > 1)
    {
      level = level_reduce (level);
      g_ptr_array_add (peaks->levels, (gpointer) level);
    }
}

/* ---- Errors ------------------------------------------------------------ */

static void
set_error (GError     **error,
           int          code,
           const char  *path,
           const char  *reason)
{
  g_autofree char *name = g_filename_display_name (path);

  switch (code)
    {
    case CALQUE_WAVEFORM_ERROR_READ:
      g_set_error (error, CALQUE_WAVEFORM_ERROR, code, _("%s: cannot read: %s"), name, reason);
      break;
    case CALQUE_WAVEFORM_ERROR_FORMAT:
      g_set_error (error, CALQUE_WAVEFORM_ERROR, code,
                   _("%s: not audio in a format that can be read: %s"), name, reason);
      break;
    case CALQUE_WAVEFORM_ERROR_DECODE:
      g_set_error (error, CALQUE_WAVEFORM_ERROR, code, _("%s: damaged or truncated audio: %s"), name,
                   reason);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* libsndfile's own words for what went wrong, without the final period
 * and with a lower-case start so that they read after a colon. */
static char *
sndfile_reason (SNDFILE *file)
{
  const char *message = sf_strerror (file);
  char *reason;
  gsize len;

  /* "System error : No such file or directory." */
  if (g_str_has_prefix (message, "System error : "))
    message += strlen ("System error : ");
  reason = g_strdup (message);
  len = strlen (reason);

  while (len > 0 && (reason[len - 1] == '.' || reason[len - 1] == ' ' || reason[len - 1] == '\n'))
    reason[--len] = '\0';
  if (g_ascii_isupper (reason[0]) && !g_ascii_isupper (reason[1]))
    reason[0] = g_ascii_tolower (reason[0]);
  return reason;
}

/* ---- The cache ---------------------------------------------------------- */

static Peaks *
cache_read (const char *cache_path)
{
  g_autoptr(Peaks) peaks = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  guint32 u32[4];
  guint64 u64[2];
  Level *level;

  if (!g_file_get_contents (cache_path, &contents, &length, NULL) || length < CACHE_HEADER)
    return NULL;
  if (memcmp (contents, CACHE_MAGIC, 8) != 0)
    return NULL;
  memcpy (u32, contents + 8, sizeof u32);
  memcpy (u64, contents + 24, sizeof u64);
  for (guint i = 0; i < G_N_ELEMENTS (u32); i++)
    u32[i] = GUINT32_FROM_LE (u32[i]);
  for (guint i = 0; i < G_N_ELEMENTS (u64); i++)
    u64[i] = GUINT64_FROM_LE (u64[i]);
  if (u32[0] != CACHE_VERSION || u32[1] == 0 || u32[2] == 0 || u32[3] != CALQUE_WAVEFORM_BASE_FRAMES
      || u64[0] > G_MAXINT64 || u64[1] != n_base_pairs (u64[0])
      || (length - CACHE_HEADER) / sizeof (CalqueWaveformPeak) != u64[1]
      || (length - CACHE_HEADER) % sizeof (CalqueWaveformPeak) != 0)
    return NULL;

  peaks = peaks_new ();
  peaks->sample_rate = u32[1];
  peaks->channels = u32[2];
  peaks->frames = u64[0];
  peaks->from_cache = TRUE;
  level = level_new (u64[1]);
  g_ptr_array_add (peaks->levels, level);
  for (gsize i = 0; i < level->n; i++)
    {
      guint32 bits[2];

      memcpy (bits, contents + CACHE_HEADER + i * 8, 8);
      bits[0] = GUINT32_FROM_LE (bits[0]);
      bits[1] = GUINT32_FROM_LE (bits[1]);
      memcpy (&level->peaks[i].min, &bits[0], 4);
      memcpy (&level->peaks[i].max, &bits[1], 4);
    }
  return g_steal_pointer (&peaks);
}

/* Written whole to a temporary file then renamed, so that a reader never
 * sees half of one. A cache that cannot be written costs the next load a
 * decode, nothing more: the failure is not the caller's. */
static void
cache_write (const char  *cache_path,
             const Peaks *peaks)
{
  const Level *level = g_ptr_array_index (peaks->levels, 0);
  gsize length = CACHE_HEADER + level->n * 8;
  g_autofree char *contents = g_malloc (length);
  g_autofree char *dir = g_path_get_dirname (cache_path);
  g_autoptr(GError) error = NULL;
  guint32 u32[4] = {
    GUINT32_TO_LE (CACHE_VERSION), GUINT32_TO_LE (peaks->sample_rate),
    GUINT32_TO_LE (peaks->channels), GUINT32_TO_LE (CALQUE_WAVEFORM_BASE_FRAMES),
  };
  guint64 u64[2] = { GUINT64_TO_LE ((guint64) peaks->frames), GUINT64_TO_LE ((guint64) level->n) };

  memcpy (contents, CACHE_MAGIC, 8);
  memcpy (contents + 8, u32, sizeof u32);
  memcpy (contents + 24, u64, sizeof u64);
  for (gsize i = 0; i < level->n; i++)
    {
      guint32 bits[2];

      memcpy (&bits[0], &level->peaks[i].min, 4);
      memcpy (&bits[1], &level->peaks[i].max, 4);
      bits[0] = GUINT32_TO_LE (bits[0]);
      bits[1] = GUINT32_TO_LE (bits[1]);
      memcpy (contents + CACHE_HEADER + i * 8, bits, 8);
    }
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (cache_path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    &error))
    g_debug ("%s: peaks not cached: %s", cache_path, error ? error->message : g_strerror (errno));
}

/* ---- Decoding ------------------------------------------------------------ */

/* A file cut short, e.g. by a copy that did not finish, still opens:
 * libsndfile reads the samples there are and only says so in its log,
 * where the WAV reader writes "data : 88200 (should be 44078)" and the AIFF
 * one "SSND : …" when the chunk announces more bytes than the file holds.
 * 0 and 0xFFFFFFFF are what writers that stream (to a pipe) put there when
 * they cannot know the length: not a sign of damage. */
static gboolean
is_cut_short (SNDFILE  *file,
              char    **reason)
{
  g_autofree char *log = g_malloc0 (16384);
  g_auto(GStrv) lines = NULL;

  sf_command (file, SFC_GET_LOG_INFO, log, 16384);
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      long long announced, held;

      if (!g_str_has_prefix (lines[i], "data") && !g_str_has_prefix (lines[i], "SSND"))
        continue;
      if (sscanf (lines[i] + 4, " : %lld (should be %lld)", &announced, &held) != 2)
        continue;
      if (announced > held && announced != 0 && announced != 0xFFFFFFFFLL && held >= 0)
        {
          g_autofree char *a = g_strdup_printf ("%lld", announced);
          g_autofree char *h = g_strdup_printf ("%lld", held);

          *reason = g_strdup_printf (_("its header announces %s bytes of samples, the file holds %s"), a, h);
          return TRUE;
        }
    }
  return FALSE;
}

static Peaks *
decode (const char    *path,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autoptr(Peaks) peaks = NULL;
  g_autofree float *block = NULL;
  g_autofree char *reason = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  Level *level;
  gint64 done = 0;
  gsize pair = 0;

  file = sf_open (path, SFM_READ, &info);
  if (file == NULL)
    {
      int code;

      reason = sndfile_reason (NULL);
      switch (sf_error (NULL))
        {
        case SF_ERR_SYSTEM:
          code = CALQUE_WAVEFORM_ERROR_READ;
          break;
        case SF_ERR_UNRECOGNISED_FORMAT:
        case SF_ERR_UNSUPPORTED_ENCODING:
          code = CALQUE_WAVEFORM_ERROR_FORMAT;
          break;
        default:
          code = CALQUE_WAVEFORM_ERROR_DECODE;
          break;
        }
      set_error (error, code, path, reason);
      return NULL;
    }
  if (is_cut_short (file, &reason))
    {
      sf_close (file);
      set_error (error, CALQUE_WAVEFORM_ERROR_DECODE, path, reason);
      return NULL;
    }
  if (info.channels <= 0 || info.samplerate <= 0 || info.frames < 0)
    {
      sf_close (file);
      set_error (error, CALQUE_WAVEFORM_ERROR_DECODE, path, _("no sample rate or channels in its header"));
      return NULL;
    }

  peaks = peaks_new ();
  peaks->sample_rate = info.samplerate;
  peaks->channels = info.channels;
  level = level_new (n_base_pairs (info.frames));
  g_ptr_array_add (peaks->levels, level);
  block = g_new (float, (gsize) BLOCK_FRAMES * info.channels);

  for (;;)
    {
      sf_count_t got;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sf_close (file);
          return NULL;
        }
      got = sf_readf_float (file, block, BLOCK_FRAMES);
      if (got <= 0)
        break;

      /* Mixed down in place: the mean of the channels of each frame. */
      if (info.channels > 1)
        for (sf_count_t f = 0; f < got; f++)
          {
            float sum = 0;

            for (int c = 0; c < info.channels; c++)
              sum += block[f * info.channels + c];
            block[f] = sum / info.channels;
          }

      for (sf_count_t from = 0; from < got && pair < level->n; from += CALQUE_WAVEFORM_BASE_FRAMES, pair++)
        {
          sf_count_t to = MIN (from + CALQUE_WAVEFORM_BASE_FRAMES, got);
          float mn = block[from], mx = block[from];

          for (sf_count_t i = from + 1; i < to; i++)
            {
              float v = block[i];

              mn = v < mn ? v : mn;
              mx = v > mx ? v : mx;
            }
          level->peaks[pair].min = mn;
          level->peaks[pair].max = mx;
        }
      done += got;
    }

  /* libsndfile stops at the end of the bytes there are, quietly or with
   * an error: either way fewer frames than the header announced is a
   * file cut short. */
  if (sf_error (file) != SF_ERR_NO_ERROR || done < info.frames)
    {
      g_autofree char *announced = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) info.frames);
      g_autofree char *found = g_strdup_printf ("%" G_GINT64_FORMAT, done);

      if (sf_error (file) != SF_ERR_NO_ERROR)
        reason = sndfile_reason (file);
      else
        reason = g_strdup_printf (_("it ends after %s of the %s frames its header announces"), found, announced);
      sf_close (file);
      set_error (error, CALQUE_WAVEFORM_ERROR_DECODE, path, reason);
      return NULL;
    }
  sf_close (file);
  peaks->frames = done;
  level->n = n_base_pairs (done);
  return g_steal_pointer (&peaks);
}

/* ---- In the worker ---------------------------------------------------------- */

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data->cache_path);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(Peaks) peaks = NULL;
  g_autoptr(GError) error = NULL;

  if (data->cache_path != NULL)
    peaks = cache_read (data->cache_path);
  if (peaks == NULL)
    {
      peaks = decode (data->path, cancellable, &error);
      if (peaks == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->cache_path != NULL)
        cache_write (data->cache_path, peaks);
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  add_coarser_levels (peaks);
  g_task_return_pointer (task, g_steal_pointer (&peaks), (GDestroyNotify) peaks_free);
}

/* ---- In the caller's context ------------------------------------------------ */

static void
load_thread_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CalqueWaveform *self = CALQUE_WAVEFORM (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Peaks *peaks;

  self->loading = FALSE;
  peaks = g_task_propagate_pointer (G_TASK (result), &error);
  if (peaks == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->peaks, peaks_free);
  self->peaks = peaks;
  g_task_return_boolean (task, TRUE);
}

static void
calque_waveform_finalize (GObject *object)
{
  CalqueWaveform *self = CALQUE_WAVEFORM (object);

  g_clear_pointer (&self->peaks, peaks_free);
  g_free (self->path);
  g_free (self->cache_path);
  G_OBJECT_CLASS (calque_waveform_parent_class)->finalize (object);
}

static void
calque_waveform_class_init (CalqueWaveformClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_waveform_finalize;
}

static void
calque_waveform_init (CalqueWaveform *self)
{
}

/* ---- Public API --------------------------------------------------------------- */

CalqueWaveform *
calque_waveform_new (const char *path,
                     const char *cache_path)
{
  CalqueWaveform *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CALQUE_TYPE_WAVEFORM, NULL);
  self->path = g_strdup (path);
  self->cache_path = g_strdup (cache_path);
  return self;
}

const char *
calque_waveform_get_path (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), NULL);
  return self->path;
}

const char *
calque_waveform_get_cache_path (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), NULL);
  return self->cache_path;
}

void
calque_waveform_load_async (CalqueWaveform      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  LoadData *data;

  g_return_if_fail (CALQUE_IS_WAVEFORM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_waveform_load_async);

  if (self->loading)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s: already loading", self->path);
      return;
    }
  if (self->peaks != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->loading = TRUE;
  data = g_new0 (LoadData, 1);
  data->path = g_strdup (self->path);
  data->cache_path = g_strdup (self->cache_path);

  /* The worker's own task, so that the peaks are installed before the
   * caller's callback runs. */
  worker = g_task_new (self, cancellable, load_thread_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, calque_waveform_load_async);
  g_task_set_task_data (worker, data, (GDestroyNotify) load_data_free);
  g_task_set_return_on_cancel (worker, FALSE);
  g_task_run_in_thread (worker, load_thread);
}

gboolean
calque_waveform_load_finish (CalqueWaveform  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == calque_waveform_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
calque_waveform_is_loaded (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), FALSE);
  return self->peaks != NULL;
}

gboolean
calque_waveform_get_from_cache (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), FALSE);
  return self->peaks != NULL && self->peaks->from_cache;
}

guint
calque_waveform_get_sample_rate (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);
  return self->peaks != NULL ? self->peaks->sample_rate : 0;
}

guint
calque_waveform_get_channels (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);
  return self->peaks != NULL ? self->peaks->channels : 0;
}

gint64
calque_waveform_get_frames (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);
  return self->peaks != NULL ? self->peaks->frames : 0;
}

guint
calque_waveform_get_n_levels (CalqueWaveform *self)
{
  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);
  return self->peaks != NULL ? self->peaks->levels->len : 0;
}

gint64
calque_waveform_get_level_frames (CalqueWaveform *self,
                                  guint           level)
{
  gint64 frames = CALQUE_WAVEFORM_BASE_FRAMES;

  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);
  g_return_val_if_fail (level < 24, 0);

  for (guint i = 0; i < level; i++)
    frames *= CALQUE_WAVEFORM_LEVEL_FACTOR;
  return frames;
}

guint
calque_waveform_pick_level (CalqueWaveform *self,
                            double          frames_per_pixel)
{
  guint level = 0;

  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), 0);

  if (self->peaks == NULL)
    return 0;
  while (level + 1 < self->peaks->levels->len
         && calque_waveform_get_level_frames (self, level + 1) <= frames_per_pixel)
    level++;
  return level;
}

const CalqueWaveformPeak *
calque_waveform_get_peaks (CalqueWaveform *self,
                           guint           level,
                           gint64          start_frame,
                           gint64          n_frames,
                           gsize          *n_peaks)
{
  const Level *l;
  gint64 per_pair, first, end;

  g_return_val_if_fail (CALQUE_IS_WAVEFORM (self), NULL);
  g_return_val_if_fail (n_peaks != NULL, NULL);

  *n_peaks = 0;
  if (self->peaks == NULL || level >= self->peaks->levels->len || n_frames <= 0)
    return NULL;

  l = g_ptr_array_index (self->peaks->levels, level);
  per_pair = calque_waveform_get_level_frames (self, level);
  start_frame = MAX (start_frame, 0);
  first = start_frame / per_pair;
  end = (MIN (start_frame + n_frames, self->peaks->frames) + per_pair - 1) / per_pair;
  end = MIN (end, (gint64) l->n);
  if (first >= end)
    return NULL;
  *n_peaks = end - first;
  return l->peaks + first;
}
