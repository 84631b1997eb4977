/* calque-audio-view.c — an audio item: its waveform, its segments, playback
 *
 * This file keeps the state: the segments as the model has them (the
 * model is the truth; a drag only previews until it saves), the waveform
 * as it loads, the player and its cursor, the timeline and the scrollbar
 * that shows it. Input and drawing are in their own files.
 */
#define G_LOG_DOMAIN "calque-audio-view"

#include "calque-audio-view-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* The cursor stays this far from the right edge while playing. */
#define FOLLOW_MARGIN_PX 32.0

G_DEFINE_FINAL_TYPE (CalqueAudioView, calque_audio_view, GTK_TYPE_WIDGET)

enum {
  SELECTION_CHANGED,
  EDITED,
  FAILED,
  VIEW_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- segments follow the model ----------------------------------------------------------- */

static void
segment_clear (gpointer data)
{
  CalqueAudioSegment *segment = data;

  g_free (segment->id);
  g_free (segment->label);
}

static guint32
color_of (CalqueAudioView *self,
          const char      *label_id)
{
  if (label_id == NULL || self->label_colors == NULL || !g_hash_table_contains (self->label_colors, label_id))
    return CALQUE_AUDIO_VIEW_DEFAULT_RGBA;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors, label_id));
}

static const char *
name_of (CalqueAudioView *self,
         const char      *label_id)
{
  const char *name;

  if (label_id == NULL || self->annotations == NULL)
    return NULL;
  if (!g_hash_table_lookup_extended (self->label_names, label_id, NULL, (gpointer *) &name))
    {
      g_autoptr(CalqueRecord) label = calque_store_get (calque_item_annotations_get_store (self->annotations),
                                                         label_id, NULL);

      name = label != NULL ? calque_record_get_string (label, "name") : NULL;
      g_hash_table_insert (self->label_names, g_strdup (label_id), g_strdup (name));
      name = g_hash_table_lookup (self->label_names, label_id);
    }
  return name;
}

/* Reads every segment of the model again, keeping the selection by id.
 * An item holds at most some hundreds of segments: parsing them all on
 * each edit costs less than a frame. */
static void
rebuild_segments (CalqueAudioView *self)
{
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;

  g_array_set_size (self->segments, 0);
  g_array_set_size (self->spans, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);
      JsonNode *labels = calque_record_get_field (annotation, "labels");
      const char *first = NULL;
      CalqueAudioSegment segment = { 0 };
      CalqueSegmentSpan span = { 0 };

      if (shape == NULL || shape->kind != CALQUE_SHAPE_SEGMENT)
        continue;
      if (labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) && json_array_get_length (json_node_get_array (labels)) > 0)
        first = json_array_get_string_element (json_node_get_array (labels), 0);
      segment.id = g_strdup (calque_record_get_id (annotation));
      segment.start = span.start = shape->seg_start;
      segment.end = span.end = shape->seg_end;
      segment.rgba = color_of (self, first);
      segment.label = g_strdup (name_of (self, first));
      g_array_append_val (self->segments, segment);
      g_array_append_val (self->spans, span);
    }
  self->n_lanes = calque_segment_assign_lanes ((CalqueSegmentSpan *) (gpointer) self->spans->data, self->spans->len);

  /* A drag on a segment that went away (undo, another annotator) ends. */
  if (self->drag == CALQUE_AUDIO_DRAG_START || self->drag == CALQUE_AUDIO_DRAG_END
      || self->drag == CALQUE_AUDIO_DRAG_MOVE)
    {
      int index = _calque_audio_view_find_segment (self, self->selected);

      if (index < 0)
        self->drag = CALQUE_AUDIO_DRAG_NONE;
      else
        self->drag_index = index;
    }
  if (self->selected != NULL && _calque_audio_view_find_segment (self, self->selected) < 0)
    _calque_audio_view_set_selected (self, NULL);
  _calque_audio_view_invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
annotations_changed_cb (CalqueAudioView *self,
                        guint            position,
                        guint            removed,
                        guint            added)
{
  rebuild_segments (self);
}

/* --- the message in place of the waveform ------------------------------------------- */

static void
update_message (CalqueAudioView *self)
{
  const char *text = NULL;

  if (self->problem != NULL)
    text = self->problem;
  else if (self->annotations != NULL && !self->loaded)
    text = _("Computing the waveform…");
  gtk_label_set_text (GTK_LABEL (self->message), text != NULL ? text : "");
  /* Waiting is quiet; a problem is there to be read. */
  if (self->problem != NULL)
    gtk_widget_remove_css_class (self->message, "dim-label");
  else
    gtk_widget_add_css_class (self->message, "dim-label");
  gtk_widget_set_visible (self->message, text != NULL);
  gtk_widget_set_visible (self->silent, self->player != NULL && self->problem == NULL
                                        && !calque_audio_player_has_sound_output (self->player));
  /* The waveform appeared, or gave way to a problem. */
  _calque_audio_view_invalidate (self);
}

/* @detail: what went wrong, from the waveform or the player; they name
 * the file by its path in the blob cache, so the item's name goes first. */
static void
set_problem (CalqueAudioView *self,
             const char      *detail)
{
  const char *name = calque_record_get_string (calque_item_annotations_get_item (self->annotations), "name");

  /* The first problem is the one to fix; later ones follow from it. */
  if (self->problem == NULL)
    self->problem = g_strdup_printf (_("%s cannot be played or shown.\n%s"), name != NULL ? name : "", detail);
  update_message (self);
}

/* --- the waveform and the player ------------------------------------------------------ */

static void
waveform_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CalqueAudioView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!calque_waveform_load_finish (CALQUE_WAVEFORM (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || CALQUE_WAVEFORM (object) != self->waveform)
        return;
      self->loaded = TRUE;
      set_problem (self, error->message);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  if (CALQUE_WAVEFORM (object) != self->waveform)
    return;
  self->loaded = TRUE;
  self->tl.sample_rate = calque_waveform_get_sample_rate (self->waveform);
  if (self->tl.sample_rate > 0 && self->duration <= 0)
    self->duration = calque_waveform_get_frames (self->waveform) / self->tl.sample_rate;
  _calque_audio_view_timeline_changed (self);
  update_message (self);
}

static void
player_failed_cb (CalqueAudioView *self,
                  const GError    *error)
{
  set_problem (self, error->message);
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
update_cursor (CalqueAudioView *self)
{
  double position;

  if (self->player == NULL || !calque_audio_player_get_position (self->player, &position))
    return;
  self->cursor = position;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (widget);
  double x;

  update_cursor (self);
  /* Page on when the cursor reaches the edge, rather than scrolling on
   * every frame: the waveform stays still enough to read. */
  x = calque_timeline_time_to_x (&self->tl, self->cursor);
  if (self->drag == CALQUE_AUDIO_DRAG_NONE && (x < 0 || x > self->tl.width - FOLLOW_MARGIN_PX))
    {
      calque_timeline_scroll_to (&self->tl, self->cursor - FOLLOW_MARGIN_PX / self->tl.px_per_s);
      _calque_audio_view_timeline_changed (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
player_playing_cb (CalqueAudioView *self)
{
  gboolean playing = calque_audio_player_is_playing (self->player);

  if (playing && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  else if (!playing && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      update_cursor (self);
    }
}

static void
close_item (CalqueAudioView *self)
{
  _calque_audio_view_cancel_drag (self);
  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  if (self->player != NULL)
    g_signal_handlers_disconnect_by_data (self->player, self);
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->annotations);
  g_clear_object (&self->waveform);
  g_clear_object (&self->player);
  g_clear_pointer (&self->samples, calque_audio_samples_free);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  g_hash_table_remove_all (self->label_names);
  g_hash_table_remove_all (self->highlights);
  g_clear_pointer (&self->audio_path, g_free);
  g_clear_pointer (&self->problem, g_free);
  self->loaded = FALSE;
  self->duration = 0;
  self->cursor = 0;
  self->tl.duration = 0;
  self->tl.sample_rate = 0;
  self->fitted = TRUE;
}

/* --- the range shown ----------------------------------------------------------------------- */

/* Tells "view-changed" when the range shown differs from what it last
 * told: _calque_audio_view_timeline_changed() runs on every allocation
 * and every frame while playing, most of the time for nothing. A range
 * set from outside is taken as told, so that views following each other
 * do not echo it back. */
static void
announce_view (CalqueAudioView *self)
{
  gboolean changed = self->tl.start != self->announced.start || self->tl.px_per_s != self->announced.px_per_s
                     || self->tl.width != self->announced.width || self->fitted != self->announced_fitted;

  self->announced = self->tl;
  self->announced_fitted = self->fitted;
  if (changed && !self->following)
    g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

/* --- layout ---------------------------------------------------------------------------------- */

static void
adjustment_changed_cb (CalqueAudioView *self,
                       GtkAdjustment   *adjustment)
{
  if (self->syncing_adjustment)
    return;
  calque_timeline_scroll_to (&self->tl, gtk_adjustment_get_value (adjustment));
  self->fitted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  announce_view (self);
}

static void
calque_audio_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (widget);
  int scroll_min = 0, scroll_nat = 0;

  gtk_widget_measure (self->scrollbar, orientation, -1, &scroll_min, &scroll_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (scroll_min, 120);
      *natural = MAX (scroll_nat, 600);
    }
  else
    {
      int strips = MAX (self->n_lanes, 1) * CALQUE_AUDIO_VIEW_STRIP_HEIGHT;

      *minimum = CALQUE_AUDIO_VIEW_RULER_HEIGHT + strips + 80 + scroll_min;
      *natural = CALQUE_AUDIO_VIEW_RULER_HEIGHT + strips + 240 + scroll_nat;
    }
}

static void
calque_audio_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (widget);
  graphene_rect_t area;
  int scroll_height = 0, label_width = 0, label_height = 0;

  /* First the timeline: it decides whether the scrollbar shows. A new
   * width is not news to the views that follow this one: each fits its
   * own, or keeps its own zoom. */
  self->tl.width = width;
  self->following = TRUE;
  _calque_audio_view_timeline_changed (self);
  self->following = FALSE;

  gtk_widget_measure (self->scrollbar, GTK_ORIENTATION_VERTICAL, width, NULL, &scroll_height, NULL, NULL);
  gtk_widget_size_allocate (self->scrollbar, &(GtkAllocation) { 0, height - scroll_height, width, scroll_height }, -1);
  _calque_audio_view_wave_area (self, &area);

  /* The message in the middle of the waveform's place, wrapped to it. */
  gtk_widget_measure (self->message, GTK_ORIENTATION_VERTICAL, MAX (width - 48, 1), NULL, &label_height, NULL, NULL);
  gtk_widget_size_allocate (self->message,
                            &(GtkAllocation) { 24, area.origin.y + (area.size.height - label_height) / 2,
                                               MAX (width - 48, 1), label_height }, -1);

  /* "No sound output" in the bottom right corner, out of the way. */
  gtk_widget_measure (self->silent, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &label_width, NULL, NULL);
  gtk_widget_measure (self->silent, GTK_ORIENTATION_VERTICAL, -1, NULL, &label_height, NULL, NULL);
  label_width = MIN (label_width, width);
  gtk_widget_size_allocate (self->silent,
                            &(GtkAllocation) { width - label_width - 6,
                                               area.origin.y + area.size.height - label_height - 4,
                                               label_width, label_height }, -1);
}

/* The theme (dark or light, the font) changed: the ruler's text and colours with it. */
static void
calque_audio_view_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (calque_audio_view_parent_class)->css_changed (widget, change);
  _calque_audio_view_invalidate (CALQUE_AUDIO_VIEW (widget));
}

static void
calque_audio_view_system_setting_changed (GtkWidget       *widget,
                                          GtkSystemSetting setting)
{
  GTK_WIDGET_CLASS (calque_audio_view_parent_class)->system_setting_changed (widget, setting);
  _calque_audio_view_invalidate (CALQUE_AUDIO_VIEW (widget));
}

/* Hidden (another item's view in front): its picture need not stay in memory. */
static void
calque_audio_view_unmap (GtkWidget *widget)
{
  g_clear_object (&CALQUE_AUDIO_VIEW (widget)->static_texture);
  GTK_WIDGET_CLASS (calque_audio_view_parent_class)->unmap (widget);
}

/* --- GObject ---------------------------------------------------------------------------------- */

static void
calque_audio_view_dispose (GObject *object)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (object);

  close_item (self);
  g_clear_object (&self->static_texture);
  g_clear_pointer (&self->scrollbar, gtk_widget_unparent);
  g_clear_pointer (&self->message, gtk_widget_unparent);
  g_clear_pointer (&self->silent, gtk_widget_unparent);
  g_clear_object (&self->hadjustment);

  G_OBJECT_CLASS (calque_audio_view_parent_class)->dispose (object);
}

static void
calque_audio_view_finalize (GObject *object)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (object);

  g_clear_pointer (&self->segments, g_array_unref);
  g_clear_pointer (&self->spans, g_array_unref);
  g_clear_pointer (&self->label_names, g_hash_table_unref);
  g_clear_pointer (&self->highlights, g_hash_table_unref);
  g_clear_pointer (&self->new_labels, g_strfreev);
  g_free (self->selected);

  G_OBJECT_CLASS (calque_audio_view_parent_class)->finalize (object);
}

static void
calque_audio_view_class_init (CalqueAudioViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_audio_view_dispose;
  object_class->finalize = calque_audio_view_finalize;
  widget_class->measure = calque_audio_view_measure;
  widget_class->size_allocate = calque_audio_view_size_allocate;
  widget_class->snapshot = _calque_audio_view_snapshot;
  widget_class->css_changed = calque_audio_view_css_changed;
  widget_class->system_setting_changed = calque_audio_view_system_setting_changed;
  widget_class->unmap = calque_audio_view_unmap;

  /* Another segment, or none, is selected. */
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* An edit was saved. */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The audio cannot be shown or played, or an edit was not saved. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The time range shown changed: zoomed, scrolled, fitted, or paged on
   * while playing (not when the widget was resized). */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "audio-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
calque_audio_view_init (CalqueAudioView *self)
{
  self->segments = g_array_new (FALSE, TRUE, sizeof (CalqueAudioSegment));
  g_array_set_clear_func (self->segments, segment_clear);
  self->spans = g_array_new (FALSE, TRUE, sizeof (CalqueSegmentSpan));
  self->label_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->highlights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fitted = TRUE;
  self->tl.px_per_s = 1;

  self->hadjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  g_signal_connect_swapped (self->hadjustment, "value-changed", G_CALLBACK (adjustment_changed_cb), self);
  self->scrollbar = gtk_scrollbar_new (GTK_ORIENTATION_HORIZONTAL, self->hadjustment);
  gtk_widget_set_parent (self->scrollbar, GTK_WIDGET (self));

  self->message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->message), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->message, "dim-label");
  gtk_widget_set_visible (self->message, FALSE);
  gtk_widget_set_parent (self->message, GTK_WIDGET (self));

  self->silent = gtk_label_new (_("No sound output: playing silently"));
  gtk_label_set_ellipsize (GTK_LABEL (self->silent), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->silent, "dim-label");
  gtk_widget_add_css_class (self->silent, "caption");
  gtk_widget_set_visible (self->silent, FALSE);
  gtk_widget_set_parent (self->silent, GTK_WIDGET (self));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Waveform"), -1);
  _calque_audio_view_add_controllers (self);
}

/* --- shared with the other files ------------------------------------------------------------ */

int
_calque_audio_view_find_segment (CalqueAudioView *self,
                                 const char      *id)
{
  for (guint i = 0; id != NULL && i < self->segments->len; i++)
    if (g_strcmp0 (g_array_index (self->segments, CalqueAudioSegment, i).id, id) == 0)
      return i;
  return -1;
}

void
_calque_audio_view_set_selected (CalqueAudioView *self,
                                 const char      *id)
{
  if (g_strcmp0 (self->selected, id) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (id);
  _calque_audio_view_invalidate (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
_calque_audio_view_seek (CalqueAudioView *self,
                         double           seconds)
{
  self->cursor = CLAMP (seconds, 0, MAX (self->duration, 0));
  if (self->player != NULL)
    calque_audio_player_seek (self->player, self->cursor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* After any change of duration, width, zoom or scroll: keeps the
 * timeline valid and the scrollbar showing it. */
void
_calque_audio_view_timeline_changed (CalqueAudioView *self)
{
  double visible;

  self->tl.duration = self->duration;
  if (self->fitted || self->tl.px_per_s < calque_timeline_fit_px_per_s (&self->tl))
    calque_timeline_fit (&self->tl);
  else
    calque_timeline_scroll_to (&self->tl, self->tl.start);

  visible = self->tl.px_per_s > 0 ? self->tl.width / self->tl.px_per_s : 1;
  self->syncing_adjustment = TRUE;
  gtk_adjustment_configure (self->hadjustment, self->tl.start, 0, MAX (self->duration, visible), visible / 10,
                            visible * 0.9, visible);
  self->syncing_adjustment = FALSE;
  gtk_widget_set_visible (self->scrollbar, self->duration > visible + 1e-9);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  announce_view (self);
}

void
_calque_audio_view_report (CalqueAudioView *self,
                           const GError    *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

void
_calque_audio_view_emit_edited (CalqueAudioView *self)
{
  g_signal_emit (self, signals[EDITED], 0);
}

void
_calque_audio_view_wave_area (CalqueAudioView *self,
                              graphene_rect_t *out_area)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double top = CALQUE_AUDIO_VIEW_RULER_HEIGHT + MAX (self->n_lanes, 1) * CALQUE_AUDIO_VIEW_STRIP_HEIGHT;
  double bottom = height;

  if (gtk_widget_get_visible (self->scrollbar))
    {
      int scroll_height = 0;

      gtk_widget_measure (self->scrollbar, GTK_ORIENTATION_VERTICAL, width, NULL, &scroll_height, NULL, NULL);
      bottom -= scroll_height;
    }
  graphene_rect_init (out_area, 0, top, width, MAX (bottom - top, 1));
}

int
_calque_audio_view_lane_at (CalqueAudioView *self,
                            double           y)
{
  if (y < CALQUE_AUDIO_VIEW_RULER_HEIGHT)
    return -2;
  y -= CALQUE_AUDIO_VIEW_RULER_HEIGHT;
  if (y < MAX (self->n_lanes, 1) * CALQUE_AUDIO_VIEW_STRIP_HEIGHT)
    return (int) (y / CALQUE_AUDIO_VIEW_STRIP_HEIGHT);
  return -1;
}

/* --- public API ------------------------------------------------------------------------------ */

GtkWidget *
calque_audio_view_new (void)
{
  return g_object_new (CALQUE_TYPE_AUDIO_VIEW, NULL);
}

void
calque_audio_view_set_item (CalqueAudioView       *self,
                            CalqueItemAnnotations *annotations,
                            const char            *audio_path,
                            const char            *peaks_cache_path,
                            GHashTable            *label_colors)
{
  CalqueRecord *item;

  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));
  g_return_if_fail (annotations == NULL || CALQUE_IS_ITEM_ANNOTATIONS (annotations));

  close_item (self);
  if (annotations == NULL)
    {
      rebuild_segments (self);
      _calque_audio_view_timeline_changed (self);
      update_message (self);
      return;
    }

  self->annotations = g_object_ref (annotations);
  self->label_colors = label_colors != NULL ? g_hash_table_ref (label_colors) : NULL;
  item = calque_item_annotations_get_item (annotations);
  self->duration = calque_record_get_double (item, "duration", 0);
  self->tl.sample_rate = (double) calque_record_get_int (item, "sample_rate", 0);
  g_signal_connect_swapped (annotations, "items-changed", G_CALLBACK (annotations_changed_cb), self);
  rebuild_segments (self);

  if (audio_path == NULL)
    {
      self->loaded = TRUE;
      self->problem = g_strdup (_("This recording is not on this computer. It can be played once it has been downloaded."));
    }
  else
    {
      self->audio_path = g_strdup (audio_path);
      self->waveform = calque_waveform_new (audio_path, peaks_cache_path);
      self->loading = g_cancellable_new ();
      calque_waveform_load_async (self->waveform, self->loading, waveform_loaded_cb, g_object_ref (self));
      self->samples = calque_audio_samples_new (audio_path);
      self->player = calque_audio_player_new (audio_path);
      g_signal_connect_swapped (self->player, "failed", G_CALLBACK (player_failed_cb), self);
      g_signal_connect_swapped (self->player, "notify::playing", G_CALLBACK (player_playing_cb), self);
    }
  _calque_audio_view_timeline_changed (self);
  update_message (self);
}

void
calque_audio_view_set_labels (CalqueAudioView    *self,
                              const char * const *label_ids)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  g_strfreev (self->new_labels);
  self->new_labels = g_strdupv ((char **) label_ids);
  /* A segment being drawn shows the colour it will get. */
  if (self->drag == CALQUE_AUDIO_DRAG_CREATE)
    _calque_audio_view_invalidate (self);
}

const char *
calque_audio_view_get_selected (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), NULL);

  return self->selected;
}

void
calque_audio_view_select (CalqueAudioView *self,
                          const char      *id)
{
  int index;

  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  index = _calque_audio_view_find_segment (self, id);
  _calque_audio_view_set_selected (self, index >= 0 ? id : NULL);
  if (index >= 0)
    {
      const CalqueAudioSegment *segment = &g_array_index (self->segments, CalqueAudioSegment, index);

      /* Shown, when it was scrolled away. */
      if (calque_timeline_time_to_x (&self->tl, segment->end) < 0
          || calque_timeline_time_to_x (&self->tl, segment->start) > self->tl.width)
        {
          calque_timeline_reveal (&self->tl, segment->start, FOLLOW_MARGIN_PX);
          self->fitted = FALSE;
          _calque_audio_view_timeline_changed (self);
        }
    }
}

void
calque_audio_view_play_pause (CalqueAudioView *self)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  if (self->player != NULL)
    calque_audio_player_toggle (self->player);
}

void
calque_audio_view_play_selected (CalqueAudioView *self)
{
  int index;

  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  index = _calque_audio_view_find_segment (self, self->selected);
  if (self->player == NULL || index < 0)
    return;
  {
    const CalqueAudioSegment *segment = &g_array_index (self->segments, CalqueAudioSegment, index);

    self->cursor = segment->start;
    calque_audio_player_play_range (self->player, segment->start, segment->end);
    gtk_widget_queue_draw (GTK_WIDGET (self));
  }
}

void
calque_audio_view_delete_selected (CalqueAudioView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  if (self->annotations == NULL || _calque_audio_view_find_segment (self, self->selected) < 0)
    return;
  id = g_strdup (self->selected);
  _calque_audio_view_cancel_drag (self);
  if (!calque_item_annotations_remove (self->annotations, id, &error))
    {
      _calque_audio_view_report (self, error);
      return;
    }
  g_signal_emit (self, signals[EDITED], 0);
}

void
calque_audio_view_zoom_by (CalqueAudioView *self,
                           double           factor,
                           double           x)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  if (self->duration <= 0)
    return;
  calque_timeline_zoom_by (&self->tl, factor, x);
  self->fitted = self->tl.px_per_s <= calque_timeline_fit_px_per_s (&self->tl) * (1 + 1e-9);
  _calque_audio_view_timeline_changed (self);
}

void
calque_audio_view_zoom_fit (CalqueAudioView *self)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  self->fitted = TRUE;
  _calque_audio_view_timeline_changed (self);
}

const char *
calque_audio_view_get_problem (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), NULL);

  return self->problem;
}

gboolean
calque_audio_view_is_loaded (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), FALSE);

  return self->loaded;
}

double
calque_audio_view_time_to_x (CalqueAudioView *self,
                             double           seconds)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), 0);

  return calque_timeline_time_to_x (&self->tl, seconds);
}

double
calque_audio_view_get_cursor (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), 0);

  return self->cursor;
}

CalqueAudioPlayer *
calque_audio_view_get_player (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), NULL);

  return self->player;
}

void
calque_audio_view_get_visible_range (CalqueAudioView *self,
                                     double          *start,
                                     double          *end)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  if (start != NULL)
    *start = self->tl.start;
  if (end != NULL)
    *end = self->tl.px_per_s > 0 ? self->tl.start + self->tl.width / self->tl.px_per_s : self->tl.start;
}

void
calque_audio_view_set_visible_range (CalqueAudioView *self,
                                     double           start,
                                     double           end,
                                     gboolean         fitted)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));

  if (fitted)
    self->fitted = TRUE;
  /* Not allocated yet, there is no zoom to give it: it keeps its own. */
  else if (self->tl.width > 0 && end > start)
    {
      self->tl.px_per_s = self->tl.width / (end - start);
      self->tl.start = start;
      self->fitted = FALSE;
    }
  self->following = TRUE;
  _calque_audio_view_timeline_changed (self);
  self->following = FALSE;
}

gboolean
calque_audio_view_get_fitted (CalqueAudioView *self)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), FALSE);

  return self->fitted;
}

void
calque_audio_view_set_highlight (CalqueAudioView *self,
                                 const char      *id,
                                 guint32          rgba)
{
  g_return_if_fail (CALQUE_IS_AUDIO_VIEW (self));
  g_return_if_fail (id != NULL);

  if (calque_audio_view_get_highlight (self, id) == rgba)
    return;
  if (rgba == 0)
    g_hash_table_remove (self->highlights, id);
  else
    g_hash_table_insert (self->highlights, g_strdup (id), GUINT_TO_POINTER (rgba));
  _calque_audio_view_invalidate (self);
}

guint32
calque_audio_view_get_highlight (CalqueAudioView *self,
                                 const char      *id)
{
  g_return_val_if_fail (CALQUE_IS_AUDIO_VIEW (self), 0);

  return id != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (self->highlights, id)) : 0;
}
