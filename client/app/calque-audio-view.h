/* calque-audio-view.h — an audio item: its waveform, its segments, playback
 *
 * The waveform (peaks from CalqueWaveform, the samples themselves when
 * zoomed in past them), a time ruler, the item's segment annotations as
 * bands in their label's colour, and a playback cursor. A drag on the
 * waveform draws a segment, a drag on a segment's edge resizes it; each
 * edit is one save through the item's CalqueItemAnnotations, undoable.
 *
 * Keys: Space plays or pauses, Enter plays the selected segment, Delete
 * deletes it, Escape cancels a drag or deselects, Home/End/Left/Right move
 * the cursor, +/- zoom, Ctrl+0 fits. The wheel pans; Ctrl+wheel zooms
 * towards the pointer.
 *
 * Signals besides the editing ones: "view-changed" when the time range
 * shown changes (zoom, scroll, fit, following the cursor), so that other
 * views can show the same range (the Review window's stacked panes).
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-audio-player.h"
#include "calque-item-annotations.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_AUDIO_VIEW (calque_audio_view_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAudioView, calque_audio_view, CALQUE, AUDIO_VIEW, GtkWidget)

GtkWidget         *calque_audio_view_new             (void);
/* @annotations: the item's annotations, or NULL to close.
 * @audio_path: the local file, or NULL when it is not on this computer
 * (said in place of the waveform).
 * @peaks_cache_path: nullable, handed to calque_waveform_new().
 * @label_colors: label id → GUINT_TO_POINTER (0xRRGGBBAA); nullable. */
void               calque_audio_view_set_item        (CalqueAudioView       *self,
                                                      CalqueItemAnnotations *annotations,
                                                      const char            *audio_path,
                                                      const char            *peaks_cache_path,
                                                      GHashTable            *label_colors);
/* The labels new segments get. */
void               calque_audio_view_set_labels      (CalqueAudioView       *self,
                                                      const char * const    *label_ids);
/* The selected annotation's id, or NULL. */
const char        *calque_audio_view_get_selected    (CalqueAudioView       *self);
void               calque_audio_view_select          (CalqueAudioView       *self,
                                                      const char            *id);
void               calque_audio_view_play_pause      (CalqueAudioView       *self);
/* Plays just the selected segment. */
void               calque_audio_view_play_selected   (CalqueAudioView       *self);
void               calque_audio_view_delete_selected (CalqueAudioView       *self);
/* @x: the widget x that keeps showing the same time. */
void               calque_audio_view_zoom_by         (CalqueAudioView       *self,
                                                      double                 factor,
                                                      double                 x);
void               calque_audio_view_zoom_fit        (CalqueAudioView       *self);
/* The time range shown, in seconds, from the left edge to the right one
 * (past the end of a recording shorter than the view when fitted). */
void               calque_audio_view_get_visible_range (CalqueAudioView     *self,
                                                      double                *start,
                                                      double                *end);
/* Shows @start to @end across the view's width, or the whole recording
 * when @fitted. Emits nothing: it is how a view follows another's
 * "view-changed". */
void               calque_audio_view_set_visible_range (CalqueAudioView     *self,
                                                      double                 start,
                                                      double                 end,
                                                      gboolean               fitted);
/* Whether the view fits the whole recording and follows its width. */
gboolean           calque_audio_view_get_fitted      (CalqueAudioView       *self);
/* An outline of colour @rgba (0xRRGGBBAA) around segment @id, for the
 * reviewer's eye (calque-review-window.c); 0 for none. */
void               calque_audio_view_set_highlight   (CalqueAudioView       *self,
                                                      const char            *id,
                                                      guint32                rgba);
guint32            calque_audio_view_get_highlight   (CalqueAudioView       *self,
                                                      const char            *id);

/* Why the audio cannot be shown or played, or NULL. */
const char        *calque_audio_view_get_problem     (CalqueAudioView       *self);
/* Whether the waveform is ready (or failed). */
gboolean           calque_audio_view_is_loaded       (CalqueAudioView       *self);
double             calque_audio_view_time_to_x       (CalqueAudioView       *self,
                                                      double                 seconds);
/* The playback position, in seconds. */
double             calque_audio_view_get_cursor      (CalqueAudioView       *self);
/* Nullable: no player without a local file. */
CalqueAudioPlayer *calque_audio_view_get_player      (CalqueAudioView       *self);

G_END_DECLS
