/* calque-audio-view-draw.c — what the audio view looks like
 *
 * Top to bottom: the time ruler, one strip per lane of segments (the
 * label's colour, its name), then the waveform with the segments as
 * translucent bands over it, the playback cursor across everything. A
 * segment the reviewer should look at (calque_audio_view_set_highlight)
 * has a thick frame in the highlight's colour around its strip and band.
 *
 * The waveform is drawn column by column: the lowest and highest sample
 * each pixel covers, from the coarsest level of peaks fine enough. Zoomed
 * in past level 0 the samples are read from the file (only the visible
 * ones), and once a sample takes more than a pixel they are joined by a
 * line, with a dot on each when they are far enough apart to be told apart.
 *
 * All of that but the cursor is drawn once into an image at the screen's
 * scale and handed to GTK as a texture, which the renderer keeps uploaded:
 * while playing, a frame is that texture, the cursor and the focus ring,
 * a small fraction of drawing the waveform again. The texture is drawn
 * again when the view's size, scale, colours or timeline differ from what
 * it was drawn for (compared here), or when the view says its content
 * changed (_calque_audio_view_invalidate). While it changes on every
 * frame, scrolling or dragging, it is drawn straight into each frame
 * instead, as making the texture as well would only cost more.
 */
#define G_LOG_DOMAIN "calque-audio-view"

#include "calque-audio-view-private.h"

#include <math.h>

/* Ruler labels at least this far apart, in pixels. */
#define TICK_LABEL_PX    90.0
/* From this many pixels a sample, each sample gets a dot. */
#define SAMPLE_DOT_PX    6.0
/* The playback cursor. */
#define CURSOR_RGBA      0x1c71d8ffu

static void
set_rgba (cairo_t *cr,
          guint32  rgba,
          double   alpha)
{
  cairo_set_source_rgba (cr, ((rgba >> 24) & 0xff) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                         ((rgba >> 8) & 0xff) / 255.0, (rgba & 0xff) / 255.0 * alpha);
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Black or white, whichever reads better on @rgba. */
static guint32
text_on (guint32 rgba)
{
  double luma = 0.2126 * ((rgba >> 24) & 0xff) + 0.7152 * ((rgba >> 16) & 0xff) + 0.0722 * ((rgba >> 8) & 0xff);

  return luma > 150 ? 0x000000ddu : 0xffffffffu;
}

/* --- the ruler -------------------------------------------------------------------------- */

static void
draw_ruler (CalqueAudioView *self,
            cairo_t         *cr,
            const GdkRGBA   *fg,
            double           width)
{
  double step = calque_timeline_tick_step (&self->tl, TICK_LABEL_PX);
  double minor = step / ((fabs (step / 2 - round (step / 2)) < 1e-9 && step < 10) ? 4 : 5);
  double t0 = MAX (self->tl.start, 0);
  double t1 = MIN (calque_timeline_x_to_time (&self->tl, width), self->duration);
  double height = CALQUE_AUDIO_VIEW_RULER_HEIGHT;
  gboolean with_hours = self->duration >= 3600;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  set_color (cr, fg, 0.05);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  set_color (cr, fg, 0.25);
  cairo_rectangle (cr, 0, height - 1, width, 1);
  cairo_fill (cr);

  /* A fifth (or a quarter) of a step between labels, short. */
  set_color (cr, fg, 0.35);
  for (double t = ceil (t0 / minor) * minor; t <= t1 + 1e-9; t += minor)
    {
      double x = round (calque_timeline_time_to_x (&self->tl, t));

      cairo_rectangle (cr, x, height - 5, 1, 4);
    }
  cairo_fill (cr);

  for (double t = ceil (t0 / step - 1e-9) * step; t <= t1 + 1e-9; t += step)
    {
      double x = round (calque_timeline_time_to_x (&self->tl, t));
      g_autofree char *text = calque_timeline_format_time (t, step, with_hours);
      int text_width, text_height;

      set_color (cr, fg, 0.6);
      cairo_rectangle (cr, x, height - 10, 1, 9);
      cairo_fill (cr);

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      set_color (cr, fg, 0.8);
      cairo_move_to (cr, x + 3, (height - 6 - text_height) / 2);
      pango_cairo_show_layout (cr, layout);
    }
}

/* --- the waveform ------------------------------------------------------------------------------ */

static double
level_y (const graphene_rect_t *area,
         float                  value)
{
  double half = area->size.height / 2;

  return area->origin.y + half - CLAMP (value, -1.0f, 1.0f) * (half - 4);
}

/* Adds the bar of column @x, from @mn to @mx, to the path. */
static void
add_column (cairo_t               *cr,
            const graphene_rect_t *area,
            double                 x,
            float                  mn,
            float                  mx)
{
  double top = level_y (area, mx), bottom = level_y (area, mn);

  /* Silence still shows, as a hairline. */
  if (bottom - top < 1)
    {
      top = (top + bottom - 1) / 2;
      bottom = top + 1;
    }
  cairo_rectangle (cr, x, top, 1, bottom - top);
}

static void
draw_peaks (CalqueAudioView       *self,
            cairo_t               *cr,
            const graphene_rect_t *area,
            double                 frames_per_px,
            gint64                 first_frame,
            gint64                 end_frame)
{
  guint level = calque_waveform_pick_level (self->waveform, frames_per_px);
  gint64 level_frames = calque_waveform_get_level_frames (self->waveform, level);
  gsize n_peaks = 0;
  const CalqueWaveformPeak *peaks = calque_waveform_get_peaks (self->waveform, level, first_frame,
                                                               end_frame - first_frame, &n_peaks);
  gint64 peaks_start = (first_frame / level_frames) * level_frames;
  double sample_rate = self->tl.sample_rate;

  if (peaks == NULL || n_peaks == 0)
    return;
  for (double x = floor (MAX (calque_timeline_time_to_x (&self->tl, 0), 0)); x < area->size.width; x++)
    {
      double f0 = calque_timeline_x_to_time (&self->tl, x) * sample_rate;
      double f1 = calque_timeline_x_to_time (&self->tl, x + 1) * sample_rate;
      gint64 i0 = (gint64) floor ((f0 - peaks_start) / level_frames);
      gint64 i1 = MAX ((gint64) ceil ((f1 - peaks_start) / level_frames), i0 + 1);
      float mn = 1, mx = -1;

      if (f0 >= end_frame)
        break;
      i0 = MAX (i0, 0);
      i1 = MIN (i1, (gint64) n_peaks);
      for (gint64 i = i0; i < i1; i++)
        {
          mn = MIN (mn, peaks[i].min);
          mx = MAX (mx, peaks[i].max);
        }
      if (i0 < i1)
        add_column (cr, area, x, mn, mx);
    }
  cairo_fill (cr);
}

/* Zoomed in past the peaks: the samples themselves. */
static gboolean
draw_samples (CalqueAudioView       *self,
              cairo_t               *cr,
              const GdkRGBA         *fg,
              const graphene_rect_t *area,
              double                 frames_per_px,
              gint64                 first_frame,
              gint64                 end_frame,
              GError               **error)
{
  double sample_rate = self->tl.sample_rate;
  gint64 held_start = 0;
  gsize n_held = 0;
  const float *samples = calque_audio_samples_get (self->samples, first_frame, end_frame - first_frame + 1,
                                                   &held_start, &n_held, error);

  if (samples == NULL)
    return FALSE;
  if (n_held == 0)
    return TRUE;

  if (frames_per_px >= 1)
    {
      for (double x = floor (MAX (calque_timeline_time_to_x (&self->tl, 0), 0)); x < area->size.width; x++)
        {
          gint64 f0 = (gint64) floor (calque_timeline_x_to_time (&self->tl, x) * sample_rate) - held_start;
          gint64 f1 = (gint64) ceil (calque_timeline_x_to_time (&self->tl, x + 1) * sample_rate) - held_start;
          float mn = 1, mx = -1;

          f0 = MAX (f0, 0);
          f1 = MIN (f1, (gint64) n_held);
          if (f0 >= (gint64) n_held)
            break;
          for (gint64 f = f0; f < f1; f++)
            {
              mn = MIN (mn, samples[f]);
              mx = MAX (mx, samples[f]);
            }
          if (f0 < f1)
            add_column (cr, area, x, mn, mx);
        }
      cairo_fill (cr);
      return TRUE;
    }

  /* One sample takes several pixels: a line through them, one more on
   * each side so that it runs off the edges. */
  {
    gint64 from = MAX (first_frame - 1 - held_start, 0);
    gint64 to = MIN (end_frame + 1 - held_start, (gint64) n_held - 1);
    double px_per_frame = 1 / frames_per_px;

    cairo_set_line_width (cr, 1.5);
    cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
    for (gint64 f = from; f <= to; f++)
      {
        double x = calque_timeline_time_to_x (&self->tl, (held_start + f) / sample_rate);

        if (f == from)
          cairo_move_to (cr, x, level_y (area, samples[f]));
        else
          cairo_line_to (cr, x, level_y (area, samples[f]));
      }
    cairo_stroke (cr);
    if (px_per_frame >= SAMPLE_DOT_PX)
      {
        double radius = MIN (px_per_frame / 5, 3.5);

        for (gint64 f = from; f <= to; f++)
          {
            double x = calque_timeline_time_to_x (&self->tl, (held_start + f) / sample_rate);

            cairo_new_sub_path (cr);
            cairo_arc (cr, x, level_y (area, samples[f]), radius, 0, 2 * G_PI);
          }
        cairo_fill (cr);
      }
  }
  return TRUE;
}

static void
draw_waveform (CalqueAudioView       *self,
               cairo_t               *cr,
               const GdkRGBA         *fg,
               const graphene_rect_t *area)
{
  double sample_rate = self->tl.sample_rate;
  double frames_per_px, t0, t1;
  gint64 frames, first_frame, end_frame;
  g_autoptr(GError) error = NULL;

  /* The zero line, then the signal. */
  set_color (cr, fg, 0.15);
  cairo_rectangle (cr, 0, round (area->origin.y + area->size.height / 2), area->size.width, 1);
  cairo_fill (cr);

  if (self->waveform == NULL || !calque_waveform_is_loaded (self->waveform) || sample_rate <= 0)
    return;
  frames = calque_waveform_get_frames (self->waveform);
  frames_per_px = sample_rate / self->tl.px_per_s;
  t0 = MAX (self->tl.start, 0);
  t1 = calque_timeline_x_to_time (&self->tl, area->size.width);
  first_frame = CLAMP ((gint64) floor (t0 * sample_rate), 0, frames);
  end_frame = CLAMP ((gint64) ceil (t1 * sample_rate) + 1, 0, frames);
  if (end_frame <= first_frame)
    return;

  set_color (cr, fg, 0.7);
  if (frames_per_px >= CALQUE_WAVEFORM_BASE_FRAMES)
    draw_peaks (self, cr, area, frames_per_px, first_frame, end_frame);
  else if (!draw_samples (self, cr, fg, area, frames_per_px, first_frame, end_frame, &error))
    {
      /* Only the peaks could be read: say why the samples cannot be shown. */
      g_debug ("%s", error->message);
      cairo_new_path (cr);
      draw_peaks (self, cr, area, CALQUE_WAVEFORM_BASE_FRAMES, first_frame, end_frame);
    }
}

/* --- the segments -------------------------------------------------------------------------------- */

static void
draw_segment (CalqueAudioView       *self,
              cairo_t               *cr,
              PangoLayout           *layout,
              const graphene_rect_t *area,
              guint32                rgba,
              const char            *label,
              double                 start,
              double                 end,
              guint                  lane,
              guint32                halo,
              gboolean               selected,
              gboolean               preview)
{
  double x0 = calque_timeline_time_to_x (&self->tl, start);
  double x1 = calque_timeline_time_to_x (&self->tl, end);
  double strip_y = CALQUE_AUDIO_VIEW_RULER_HEIGHT + lane * CALQUE_AUDIO_VIEW_STRIP_HEIGHT;
  double bottom = area->origin.y + area->size.height;
  double width;

  if (x1 < -4 || x0 > area->size.width + 4)
    return;
  /* Even a very short segment stays visible and grabbable. */
  if (x1 - x0 < 2)
    x1 = x0 + 2;
  width = x1 - x0;

  /* The band over the waveform. */
  set_rgba (cr, rgba, selected ? 0.30 : 0.18);
  cairo_rectangle (cr, x0, area->origin.y, width, area->size.height);
  cairo_fill (cr);

  /* The strip, solid, with the label's name. */
  set_rgba (cr, rgba, preview ? 0.6 : 1.0);
  cairo_rectangle (cr, x0, strip_y + 1, width, CALQUE_AUDIO_VIEW_STRIP_HEIGHT - 2);
  cairo_fill (cr);
  if (label != NULL && width > 12)
    {
      int text_height;

      cairo_save (cr);
      cairo_rectangle (cr, x0 + 4, strip_y, width - 8, CALQUE_AUDIO_VIEW_STRIP_HEIGHT);
      cairo_clip (cr);
      /* A label's name is plain text, never markup. */
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, NULL, &text_height);
      set_rgba (cr, text_on (rgba), 1.0);
      cairo_move_to (cr, MAX (x0, 0) + 4, strip_y + (CALQUE_AUDIO_VIEW_STRIP_HEIGHT - text_height) / 2);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
    }

  /* The edges, from the strip down. */
  set_rgba (cr, rgba, 0.9);
  cairo_rectangle (cr, round (x0), strip_y + 1, 1, bottom - strip_y - 1);
  cairo_rectangle (cr, round (x1) - 1, strip_y + 1, 1, bottom - strip_y - 1);
  cairo_fill (cr);

  if (preview)
    {
      double dashes[] = { 4, 3 };

      cairo_save (cr);
      set_rgba (cr, rgba, 1.0);
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x0 + 0.5, area->origin.y + 0.5, width - 1, area->size.height - 1);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  /* Outside the selection's outline, so that both show; over the
   * neighbours' edges rather than inside this segment, where it would hide
   * the waveform of a short one. */
  if (halo != 0)
    {
      set_rgba (cr, halo, 1.0);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, x0 - 1.5, strip_y + 0.5, width + 3, bottom - strip_y - 1);
      cairo_stroke (cr);
    }

  if (selected)
    {
      double handle_h = MIN (28, area->size.height / 3);
      double handle_y = area->origin.y + (area->size.height - handle_h) / 2;

      /* An outline in the label's colour, dark enough on any theme. */
      set_rgba (cr, rgba, 1.0);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, x0 + 1, strip_y + 1, width - 2, bottom - strip_y - 2);
      cairo_stroke (cr);

      /* Handles on the edges: what a resize grabs. */
      for (guint i = 0; i < 2; i++)
        {
          double x = i == 0 ? x0 : x1;

          cairo_new_sub_path (cr);
          cairo_rectangle (cr, x - 3.5, handle_y, 7, handle_h);
          set_rgba (cr, 0xffffffffu, 1.0);
          cairo_fill_preserve (cr);
          set_rgba (cr, rgba, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
}

static void
draw_segments (CalqueAudioView       *self,
               cairo_t               *cr,
               const graphene_rect_t *area)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  int selected = -1;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
  for (guint i = 0; i < self->segments->len; i++)
    {
      const CalqueAudioSegment *segment = &g_array_index (self->segments, CalqueAudioSegment, i);
      const CalqueSegmentSpan *span = &g_array_index (self->spans, CalqueSegmentSpan, i);

      /* The selected one last, over the others. */
      if (g_strcmp0 (segment->id, self->selected) == 0)
        {
          selected = i;
          continue;
        }
      draw_segment (self, cr, layout, area, segment->rgba, segment->label, segment->start, segment->end,
                    span->lane, GPOINTER_TO_UINT (g_hash_table_lookup (self->highlights, segment->id)), FALSE,
                    FALSE);
    }
  if (selected >= 0)
    {
      const CalqueAudioSegment *segment = &g_array_index (self->segments, CalqueAudioSegment, selected);
      const CalqueSegmentSpan *span = &g_array_index (self->spans, CalqueSegmentSpan, selected);
      gboolean dragged = (self->drag == CALQUE_AUDIO_DRAG_START || self->drag == CALQUE_AUDIO_DRAG_END
                          || self->drag == CALQUE_AUDIO_DRAG_MOVE) && self->drag_index == (guint) selected;

      draw_segment (self, cr, layout, area, segment->rgba, segment->label,
                    dragged ? self->preview_start : segment->start, dragged ? self->preview_end : segment->end,
                    span->lane, GPOINTER_TO_UINT (g_hash_table_lookup (self->highlights, segment->id)), TRUE,
                    FALSE);
    }

  /* The segment being drawn, in the colour it will get. */
  if (self->drag == CALQUE_AUDIO_DRAG_CREATE && self->preview_end > self->preview_start)
    {
      const char *label = self->new_labels != NULL ? self->new_labels[0] : NULL;
      guint32 rgba = CALQUE_AUDIO_VIEW_DEFAULT_RGBA;

      if (label != NULL && self->label_colors != NULL && g_hash_table_contains (self->label_colors, label))
        rgba = GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors, label));
      draw_segment (self, cr, layout, area, rgba, NULL, self->preview_start, self->preview_end, 0, 0, FALSE,
                    TRUE);
    }
}

static void
draw_cursor (CalqueAudioView       *self,
             cairo_t               *cr,
             const graphene_rect_t *area)
{
  double x = round (calque_timeline_time_to_x (&self->tl, self->cursor));

  if (x < -6 || x > area->size.width + 6)
    return;
  set_rgba (cr, CURSOR_RGBA, 1.0);
  cairo_rectangle (cr, x - 1, 0, 2, area->origin.y + area->size.height);
  cairo_fill (cr);
  /* A marker on the ruler, to grab and to find. */
  cairo_move_to (cr, x - 6, CALQUE_AUDIO_VIEW_RULER_HEIGHT - 9);
  cairo_line_to (cr, x + 6, CALQUE_AUDIO_VIEW_RULER_HEIGHT - 9);
  cairo_line_to (cr, x, CALQUE_AUDIO_VIEW_RULER_HEIGHT - 1);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* --- the static picture ------------------------------------------------------------------- */

/* Everything but the cursor and the focus ring, in widget coordinates. */
static void
draw_static (CalqueAudioView       *self,
             cairo_t               *cr,
             const GdkRGBA         *fg,
             const graphene_rect_t *area,
             double                 width)
{
  /* The waveform's ground, a shade off the window's. */
  set_color (cr, fg, 0.03);
  cairo_rectangle (cr, 0, CALQUE_AUDIO_VIEW_RULER_HEIGHT, width, area->origin.y + area->size.height
                                                                 - CALQUE_AUDIO_VIEW_RULER_HEIGHT);
  cairo_fill (cr);

  if (self->annotations != NULL && self->duration > 0)
    {
      draw_ruler (self, cr, fg, width);
      if (self->problem == NULL)
        draw_waveform (self, cr, fg, area);
      draw_segments (self, cr, area);
    }
  self->n_static_draws++;
}

static gboolean
timeline_equal (const CalqueTimeline *a,
                const CalqueTimeline *b)
{
  return a->duration == b->duration && a->sample_rate == b->sample_rate && a->width == b->width
         && a->start == b->start && a->px_per_s == b->px_per_s;
}

static gboolean
static_key_equal (const CalqueAudioStaticKey *a,
                  const CalqueAudioStaticKey *b)
{
  return a->width == b->width && a->height == b->height && a->scale == b->scale
         && graphene_rect_equal (&a->area, &b->area) && gdk_rgba_equal (&a->fg, &b->fg)
         && a->duration == b->duration && timeline_equal (&a->tl, &b->tl);
}

/* The static picture at device pixels, so that it is as sharp as drawing
 * straight to the window; NULL when cairo cannot make it that big. */
static GdkTexture *
render_static (CalqueAudioView            *self,
               const CalqueAudioStaticKey *key)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, key->width * key->scale,
                                                         key->height * key->scale);
  g_autoptr(GBytes) bytes = NULL;
  cairo_t *cr;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_set_device_scale (surface, key->scale, key->scale);
  cr = cairo_create (surface);
  draw_static (self, cr, &key->fg, &key->area, key->width);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* The bytes keep the surface alive; ARGB32 is GDK_MEMORY_DEFAULT. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                      * cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), cairo_image_surface_get_height (surface),
                                 GDK_MEMORY_DEFAULT, bytes, cairo_image_surface_get_stride (surface));
}

/* --- snapshot ------------------------------------------------------------------------------------- */

/* As the view drew before it kept a texture: one cairo node, everything in
 * it, each frame. The benchmark's baseline. */
static void
snapshot_uncached (CalqueAudioView            *self,
                   GtkSnapshot                *snapshot,
                   const CalqueAudioStaticKey *key)
{
  const graphene_rect_t *area = &key->area;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, key->width, key->height));

  draw_static (self, cr, &key->fg, area, key->width);
  if (self->annotations != NULL && self->duration > 0 && self->player != NULL && self->problem == NULL)
    draw_cursor (self, cr, area);
  if (gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      set_rgba (cr, CURSOR_RGBA, 0.5);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, key->width - 2, area->origin.y + area->size.height - 2);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
snapshot_cached (CalqueAudioView            *self,
                 GtkSnapshot                *snapshot,
                 const CalqueAudioStaticKey *key)
{
  const graphene_rect_t *area = &key->area;
  double bottom = area->origin.y + area->size.height;
  gboolean unchanged = self->static_valid && static_key_equal (&self->static_key, key);

  /* Changing on every frame (scrolling, zooming, a drag), the picture is
   * drawn straight into the frame: making a texture too would only add
   * to the cost. It is kept again once it stays still for a frame. */
  if (!unchanged && self->static_changing)
    g_clear_object (&self->static_texture);
  else if (!unchanged || self->static_texture == NULL)
    {
      g_clear_object (&self->static_texture);
      self->static_texture = render_static (self, key);
    }
  self->static_changing = !unchanged;
  self->static_valid = TRUE;
  self->static_key = *key;

  if (self->static_texture != NULL)
    gtk_snapshot_append_texture (snapshot, self->static_texture, &GRAPHENE_RECT_INIT (0, 0, key->width, key->height));
  else
    {
      /* Changing, or too big for one image. */
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, key->width, key->height));

      draw_static (self, cr, &key->fg, area, key->width);
      cairo_destroy (cr);
    }

  /* The cursor, fresh each frame, in a node just wide enough for its marker. */
  if (self->annotations != NULL && self->duration > 0 && self->player != NULL && self->problem == NULL)
    {
      double x = round (calque_timeline_time_to_x (&self->tl, self->cursor));

      if (x >= -6 && x <= area->size.width + 6)
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 7, 0, 14, bottom));

          draw_cursor (self, cr, area);
          cairo_destroy (cr);
        }
    }

  /* Where the focus is, for the keyboard: the same 2 px ring as a border. */
  if (gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      GdkRGBA ring = { ((CURSOR_RGBA >> 24) & 0xff) / 255.0, ((CURSOR_RGBA >> 16) & 0xff) / 255.0,
                       ((CURSOR_RGBA >> 8) & 0xff) / 255.0, 0.5 };
      GskRoundedRect outline;

      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, key->width, bottom), 0);
      gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { ring, ring, ring, ring });
    }
}

void
_calque_audio_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  CalqueAudioView *self = CALQUE_AUDIO_VIEW (widget);
  CalqueAudioStaticKey key = {
    .width = gtk_widget_get_width (widget),
    .height = gtk_widget_get_height (widget),
    .scale = gtk_widget_get_scale_factor (widget),
    .duration = self->duration,
    .tl = self->tl,
  };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &key.fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  _calque_audio_view_wave_area (self, &key.area);

  if (key.width > 0 && key.height > 0)
    {
      if (self->static_uncached)
        snapshot_uncached (self, snapshot, &key);
      else
        snapshot_cached (self, snapshot, &key);
    }

  gtk_widget_snapshot_child (widget, self->message, snapshot);
  gtk_widget_snapshot_child (widget, self->silent, snapshot);
  gtk_widget_snapshot_child (widget, self->scrollbar, snapshot);
}

void
_calque_audio_view_invalidate (CalqueAudioView *self)
{
  self->static_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_calque_audio_view_set_static_cache (CalqueAudioView *self,
                                     gboolean         cached)
{
  self->static_uncached = !cached;
  _calque_audio_view_invalidate (self);
}

guint
_calque_audio_view_get_n_static_draws (CalqueAudioView *self)
{
  return self->n_static_draws;
}
