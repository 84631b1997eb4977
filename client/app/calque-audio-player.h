/* calque-audio-player.h — plays one local audio file, or a stretch of it
 *
 * A GStreamer playbin on the main context. Many computers (and every test
 * machine) have no sound device: then the audio goes to a fakesink that
 * keeps the clock, so that playback, its position and the view's cursor
 * run in real time all the same, silently; has_sound_output() says so.
 *
 * When the file cannot be played (no decoder for its format, unreadable)
 * "failed" is emitted once with a CALQUE_AUDIO_PLAYER_ERROR naming the
 * file, and the player does nothing more.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CALQUE_AUDIO_PLAYER_ERROR (calque_audio_player_error_quark ())
typedef enum {
  CALQUE_AUDIO_PLAYER_ERROR_FORMAT,   /* no decoder for the file's format or codec */
  CALQUE_AUDIO_PLAYER_ERROR_READ,     /* the file is missing or cannot be read */
  CALQUE_AUDIO_PLAYER_ERROR_FAILED,   /* anything else GStreamer reports */
} CalqueAudioPlayerError;

GQuark calque_audio_player_error_quark (void);

#define CALQUE_TYPE_AUDIO_PLAYER (calque_audio_player_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAudioPlayer, calque_audio_player, CALQUE, AUDIO_PLAYER, GObject)

CalqueAudioPlayer *calque_audio_player_new              (const char        *path);
const char        *calque_audio_player_get_path         (CalqueAudioPlayer *self);

void               calque_audio_player_play             (CalqueAudioPlayer *self);
void               calque_audio_player_pause            (CalqueAudioPlayer *self);
void               calque_audio_player_toggle           (CalqueAudioPlayer *self);
/* Moves the position; playing goes on from there. */
void               calque_audio_player_seek             (CalqueAudioPlayer *self,
                                                         double             seconds);
/* Plays [@start, @end] and pauses at @end, the position left there: a
 * segment's preview. */
void               calque_audio_player_play_range       (CalqueAudioPlayer *self,
                                                         double             start,
                                                         double             end);
/* The position in seconds; FALSE (and 0) before the file is open. */
gboolean           calque_audio_player_get_position     (CalqueAudioPlayer *self,
                                                         double            *seconds);
/* Whether it plays, or will as soon as the file is open; notify::playing. */
gboolean           calque_audio_player_is_playing       (CalqueAudioPlayer *self);
/* FALSE when the audio goes nowhere (no sound device): playing silently. */
gboolean           calque_audio_player_has_sound_output (CalqueAudioPlayer *self);
/* The error "failed" gave, or NULL. */
const GError      *calque_audio_player_get_error        (CalqueAudioPlayer *self);

G_END_DECLS
