/* calque-audio-player.c — plays one local audio file, or a stretch of it
 *
 * States: the pipeline goes to PAUSED at once (the file is opened and the
 * first buffer decoded: "prerolled"), then between PAUSED and PLAYING.
 * Seeks asked for before the preroll are kept and made when it is done.
 * A range is a seek with a stop position: the pipeline ends (EOS) there,
 * and EOS pauses it, the position kept where it ended.
 *
 * The sound device is chosen by autoaudiosink. Without one, GStreamer 1.22's
 * autoaudiosink quietly falls back to a fakesink of its own (pulsesink
 * cannot connect, there is no ALSA device); other versions fail to start
 * instead. Either way we put our own fakesink with sync=TRUE in its place,
 * so that the buffers go at the pace of the clock and the position moves
 * in real time. A sink that starts and fails later (the device unplugged)
 * is replaced the same way, once.
 */
#define G_LOG_DOMAIN "calque-audio-player"

#include "calque-audio-player.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

struct _CalqueAudioPlayer
{
  GObject     parent_instance;

  char       *path;
  GstElement *playbin;        /* NULL if GStreamer could not start */
  GstElement *sink;           /* the audio sink in the playbin */
  guint       bus_watch;
  gboolean    has_sound;
  GError     *error;

  gboolean    playing;        /* what was asked for */
  gboolean    prerolled;
  gboolean    seek_pending;   /* asked for before the preroll */
  double      pending_start, pending_stop;
  gboolean    ranged;         /* the current segment has a stop position */
  gboolean    at_end;         /* EOS reached: the position is end_position */
  double      end_position;
};

G_DEFINE_FINAL_TYPE (CalqueAudioPlayer, calque_audio_player, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-audio-player-error-quark, calque_audio_player_error)

enum {
  PROP_0,
  PROP_PLAYING,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* --- the sink --------------------------------------------------------------------- */

static GstElement *
make_silent_sink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", "silent-audio-sink");

  /* sync: each buffer waits for its time, as a sound card would make it. */
  g_object_set (sink, "sync", TRUE, NULL);
  return sink;
}

/* Whether autoaudiosink @sink settled on a fakesink: no real output. */
static gboolean
picked_fakesink (GstElement *sink)
{
  GstIterator *iter = gst_bin_iterate_elements (GST_BIN (sink));
  GValue value = G_VALUE_INIT;
  gboolean fake = FALSE;

  while (gst_iterator_next (iter, &value) == GST_ITERATOR_OK)
    {
      GstElementFactory *factory = gst_element_get_factory (g_value_get_object (&value));

      if (factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), "fakesink") == 0)
        fake = TRUE;
      g_value_reset (&value);
    }
  g_value_unset (&value);
  gst_iterator_free (iter);
  return fake;
}

/* The sound device if there is one (*@has_sound TRUE), else the silent sink. */
static GstElement *
make_audio_sink (gboolean *has_sound)
{
  GstElement *sink = gst_element_factory_make ("autoaudiosink", NULL);

  /* Going to READY is when autoaudiosink tries the devices. */
  if (sink != NULL)
    {
      gst_object_ref_sink (sink);
      if (gst_element_set_state (sink, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE && !picked_fakesink (sink))
        {
          gst_element_set_state (sink, GST_STATE_NULL);
          *has_sound = TRUE;
          return sink;
        }
      gst_element_set_state (sink, GST_STATE_NULL);
      gst_object_unref (sink);
    }
  *has_sound = FALSE;
  return gst_object_ref_sink (make_silent_sink ());
}

/* --- verbs ------------------------------------------------------------------------------ */

static void
set_playing (CalqueAudioPlayer *self,
             gboolean           playing)
{
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
apply_state (CalqueAudioPlayer *self)
{
  if (self->playbin == NULL || self->error != NULL)
    return;
  gst_element_set_state (self->playbin, self->playing ? GST_STATE_PLAYING : GST_STATE_PAUSED);
}

/* @stop < 0: to the end of the file. */
static void
seek_range (CalqueAudioPlayer *self,
            double             start,
            double             stop)
{
  if (self->playbin == NULL || self->error != NULL)
    return;
  start = MAX (start, 0);
  self->ranged = stop >= 0;
  self->at_end = FALSE;
  if (!self->prerolled)
    {
      self->seek_pending = TRUE;
      self->pending_start = start;
      self->pending_stop = stop;
      return;
    }
  self->seek_pending = FALSE;
  /* The stop is always set: GST_SEEK_TYPE_NONE would keep the last
   * range's, and "none" (-1) is how to say the end of the file. */
  gst_element_seek (self->playbin, 1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                    GST_SEEK_TYPE_SET, (GstClockTime) (start * GST_SECOND),
                    GST_SEEK_TYPE_SET, stop >= 0 ? (GstClockTime) (stop * GST_SECOND) : GST_CLOCK_TIME_NONE);
}

static void
fail (CalqueAudioPlayer *self,
      GError            *gst_error)
{
  g_autofree char *name = g_filename_display_name (self->path);
  int code = CALQUE_AUDIO_PLAYER_ERROR_FAILED;

  if (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN)
      || g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND)
      || g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND)
      || g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE)
      || g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT))
    code = CALQUE_AUDIO_PLAYER_ERROR_FORMAT;
  else if (gst_error->domain == GST_RESOURCE_ERROR)
    code = CALQUE_AUDIO_PLAYER_ERROR_READ;

  switch (code)
    {
    case CALQUE_AUDIO_PLAYER_ERROR_FORMAT:
      self->error = g_error_new (CALQUE_AUDIO_PLAYER_ERROR, code,
                                 _("%s: cannot be played: no decoder for its format is installed (%s)"),
                                 name, gst_error->message);
      break;
    case CALQUE_AUDIO_PLAYER_ERROR_READ:
      self->error = g_error_new (CALQUE_AUDIO_PLAYER_ERROR, code, _("%s: cannot read: %s"), name,
                                 gst_error->message);
      break;
    default:
      self->error = g_error_new (CALQUE_AUDIO_PLAYER_ERROR, code, _("%s: cannot be played: %s"), name,
                                 gst_error->message);
      break;
    }
  if (self->playbin != NULL)
    gst_element_set_state (self->playbin, GST_STATE_NULL);
  set_playing (self, FALSE);
  g_signal_emit (self, signals[FAILED], 0, self->error);
}

/* The sound device failed after it started: go on silently from where
 * it was. */
static void
fall_back_to_silence (CalqueAudioPlayer *self)
{
  double position = 0;

  calque_audio_player_get_position (self, &position);
  gst_element_set_state (self->playbin, GST_STATE_NULL);
  g_clear_object (&self->sink);
  self->sink = gst_object_ref_sink (make_silent_sink ());
  self->has_sound = FALSE;
  g_object_set (self->playbin, "audio-sink", self->sink, NULL);
  self->prerolled = FALSE;
  seek_range (self, position, -1);
  gst_element_set_state (self->playbin, GST_STATE_PAUSED);
  apply_state (self);
}

/* --- callbacks ----------------------------------------------------------------------- */

static gboolean
bus_message_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  CalqueAudioPlayer *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ASYNC_DONE:
      if (!self->prerolled)
        {
          self->prerolled = TRUE;
          if (self->seek_pending)
            seek_range (self, self->pending_start, self->pending_stop);
        }
      break;

    case GST_MESSAGE_EOS:
      {
        gint64 end = 0;

        /* The end of the range or of the file: stay there, paused. */
        if (self->ranged || !gst_element_query_duration (self->playbin, GST_FORMAT_TIME, &end))
          gst_element_query_position (self->playbin, GST_FORMAT_TIME, &end);
        self->end_position = (double) end / GST_SECOND;
        self->at_end = TRUE;
        set_playing (self, FALSE);
        gst_element_set_state (self->playbin, GST_STATE_PAUSED);
        break;
      }

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("%s: %s (%s)", self->path, error->message, debug != NULL ? debug : "");
        if (self->error != NULL)
          break;
        if (self->has_sound && self->sink != NULL
            && (GST_MESSAGE_SRC (message) == GST_OBJECT (self->sink)
                || gst_object_has_as_ancestor (GST_MESSAGE_SRC (message), GST_OBJECT (self->sink))))
          fall_back_to_silence (self);
        else
          fail (self, error);
        break;
      }

    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* --- GObject ------------------------------------------------------------------------------ */

static void
calque_audio_player_dispose (GObject *object)
{
  CalqueAudioPlayer *self = CALQUE_AUDIO_PLAYER (object);

  if (self->playbin != NULL)
    gst_element_set_state (self->playbin, GST_STATE_NULL);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_object (&self->playbin);
  g_clear_object (&self->sink);

  G_OBJECT_CLASS (calque_audio_player_parent_class)->dispose (object);
}

static void
calque_audio_player_finalize (GObject *object)
{
  CalqueAudioPlayer *self = CALQUE_AUDIO_PLAYER (object);

  g_clear_error (&self->error);
  g_free (self->path);

  G_OBJECT_CLASS (calque_audio_player_parent_class)->finalize (object);
}

static void
calque_audio_player_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CalqueAudioPlayer *self = CALQUE_AUDIO_PLAYER (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_audio_player_class_init (CalqueAudioPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_audio_player_dispose;
  object_class->finalize = calque_audio_player_finalize;
  object_class->get_property = calque_audio_player_get_property;

  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Once, with the error: the file cannot be played. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
calque_audio_player_init (CalqueAudioPlayer *self)
{
}

/* --- public API --------------------------------------------------------------------------- */

static gboolean
report_start_failure_cb (gpointer data)
{
  g_autoptr(CalqueAudioPlayer) self = data;

  g_signal_emit (self, signals[FAILED], 0, self->error);
  return G_SOURCE_REMOVE;
}

CalqueAudioPlayer *
calque_audio_player_new (const char *path)
{
  CalqueAudioPlayer *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CALQUE_TYPE_AUDIO_PLAYER, NULL);
  self->path = g_strdup (path);

  if (!gst_init_check (NULL, NULL, &error) || (uri = gst_filename_to_uri (path, &error)) == NULL
      || (self->playbin = gst_element_factory_make ("playbin", NULL)) == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      /* Said once the caller has connected to "failed". */
      self->error = g_error_new (CALQUE_AUDIO_PLAYER_ERROR, CALQUE_AUDIO_PLAYER_ERROR_FAILED,
                                 _("%s: cannot be played: %s"), name,
                                 error != NULL ? error->message : _("GStreamer’s playbin is not installed"));
      g_idle_add (report_start_failure_cb, g_object_ref (self));
      return self;
    }
  gst_object_ref_sink (self->playbin);
  self->sink = make_audio_sink (&self->has_sound);
  /* Audio only: a cover picture in the file is not decoded. */
  gst_util_set_object_arg (G_OBJECT (self->playbin), "flags", "audio+soft-volume");
  g_object_set (self->playbin, "uri", uri, "audio-sink", self->sink, NULL);

  bus = gst_element_get_bus (self->playbin);
  self->bus_watch = gst_bus_add_watch (bus, bus_message_cb, self);
  gst_element_set_state (self->playbin, GST_STATE_PAUSED);
  return self;
}

const char *
calque_audio_player_get_path (CalqueAudioPlayer *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_PLAYER (self), NULL);

  return self->path;
}

void
calque_audio_player_play (CalqueAudioPlayer *self)
{
  double position = 0;

  g_return_if_fail (CALQUE_IS_AUDIO_PLAYER (self));

  if (self->error != NULL)
    return;
  /* After a range, on to the end of the file; after the end, again from
   * the start. */
  if (self->at_end && !self->ranged)
    seek_range (self, 0, -1);
  else if (self->ranged || self->at_end)
    {
      calque_audio_player_get_position (self, &position);
      seek_range (self, position, -1);
    }
  set_playing (self, TRUE);
  apply_state (self);
}

void
calque_audio_player_pause (CalqueAudioPlayer *self)
{
  g_return_if_fail (CALQUE_IS_AUDIO_PLAYER (self));

  set_playing (self, FALSE);
  apply_state (self);
}

void
calque_audio_player_toggle (CalqueAudioPlayer *self)
{
  g_return_if_fail (CALQUE_IS_AUDIO_PLAYER (self));

  if (self->playing)
    calque_audio_player_pause (self);
  else
    calque_audio_player_play (self);
}

void
calque_audio_player_seek (CalqueAudioPlayer *self,
                          double             seconds)
{
  g_return_if_fail (CALQUE_IS_AUDIO_PLAYER (self));

  seek_range (self, seconds, -1);
}

void
calque_audio_player_play_range (CalqueAudioPlayer *self,
                                double             start,
                                double             end)
{
  g_return_if_fail (CALQUE_IS_AUDIO_PLAYER (self));
  g_return_if_fail (end > start);

  if (self->error != NULL)
    return;
  seek_range (self, start, end);
  set_playing (self, TRUE);
  apply_state (self);
}

gboolean
calque_audio_player_get_position (CalqueAudioPlayer *self,
                                  double            *seconds)
{
  gint64 position = 0;

  g_return_val_if_fail (CALQUE_IS_AUDIO_PLAYER (self), FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  *seconds = 0;
  if (self->at_end)
    {
      *seconds = self->end_position;
      return TRUE;
    }
  /* A seek not made yet is where the position will be. */
  if (self->seek_pending)
    {
      *seconds = self->pending_start;
      return TRUE;
    }
  if (self->playbin == NULL || self->error != NULL || !self->prerolled
      || !gst_element_query_position (self->playbin, GST_FORMAT_TIME, &position))
    return FALSE;
  *seconds = (double) position / GST_SECOND;
  return TRUE;
}

gboolean
calque_audio_player_is_playing (CalqueAudioPlayer *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_PLAYER (self), FALSE);

  return self->playing;
}

gboolean
calque_audio_player_has_sound_output (CalqueAudioPlayer *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_PLAYER (self), FALSE);

  return self->has_sound;
}

const GError *
calque_audio_player_get_error (CalqueAudioPlayer *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_PLAYER (self), NULL);

  return self->error;
}
