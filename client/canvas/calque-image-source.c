/* calque-image-source.c — an image file made ready to draw, without waiting
 *
 * The worker thread owns everything it makes until it hands it over in a
 * message to the caller's main context (the size, the preview) or as the
 * task's result (the pyramid); the object itself is only touched in that
 * context, so nothing here needs a lock.
 *
 * Memory: the full decode is a GdkPixbuf (3 bytes a pixel for a JPEG) that
 * lives only while level 0's tiles are cut from it; then it is freed and
 * each further level is made from the tiles of the level before. For a
 * 12,000 × 9,000 JPEG that is 324 MB of pixbuf and 432 MB of level 0 at the
 * peak, then 576 MB for the whole pyramid (4/3 of level 0).
 */
#define G_LOG_DOMAIN "calque-image-source"

#include "calque-image-source.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#define TILE CALQUE_IMAGE_SOURCE_TILE_SIZE

/* Past this magnification pixels are drawn as squares (nearest
 * neighbour): an annotator zoomed this far wants to see where one pixel
 * ends, to put a vertex on its edge. */
#define PIXELATED_FROM 4.0

typedef struct {
  int               width, height;   /* pixels of this level */
  int               cols, rows;
  cairo_surface_t **tiles;           /* cols × rows, row-major */
} Level;

struct _CalqueImageSource
{
  GObject                 parent_instance;

  char                   *path;
  guint                   preview_size;
  CalqueImageSourceState  state;
  GError                 *error;
  int                     width, height;
  /* Tells the messages of a cancelled load from those of the next one. */
  guint                   generation;
  gboolean                loading;

  cairo_surface_t        *preview;   /* until the pyramid is there */
  GPtrArray              *levels;    /* Level*, finest first */
};

G_DEFINE_FINAL_TYPE (CalqueImageSource, calque_image_source, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-image-source-error-quark, calque_image_source_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_PREVIEW_SIZE,
  PROP_STATE,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the worker needs, copied so that it never reads the object. */
typedef struct {
  char         *path;
  guint         preview_size;
  guint         generation;
  GMainContext *context;
  GObject      *source;   /* a reference, for the messages */
} LoadData;

/* From the worker to the caller's context. */
typedef struct {
  CalqueImageSource *self;
  guint              generation;
  int                width, height;
  cairo_surface_t   *preview;   /* NULL for the size message */
} Message;

/* ---- Levels ---------------------------------------------------------- */

static void
level_free (Level *level)
{
  for (int i = 0; i < level->cols * level->rows; i++)
    g_clear_pointer (&level->tiles[i], cairo_surface_destroy);
  g_free (level->tiles);
  g_free (level);
}

static Level *
level_new (int width,
           int height)
{
  Level *level = g_new0 (Level, 1);

  level->width = width;
  level->height = height;
  level->cols = (width + TILE - 1) / TILE;
  level->rows = (height + TILE - 1) / TILE;
  level->tiles = g_new0 (cairo_surface_t *, level->cols * level->rows);
  return level;
}

static gsize
surface_bytes (cairo_surface_t *surface)
{
  return (gsize) cairo_image_surface_get_stride (surface) * cairo_image_surface_get_height (surface);
}

/* Premultiplied ARGB32 from a region of a pixbuf (8-bit RGB or RGBA, not
 * premultiplied). Returns NULL if cairo cannot allocate it. */
static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf,
                     int        x,
                     int        y,
                     int        width,
                     int        height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *dst;
  int dst_stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  dst = cairo_image_surface_get_data (surface);
  dst_stride = cairo_image_surface_get_stride (surface);
  for (int row = 0; row < height; row++)
    {
      const guint8 *s = src + (gsize) (y + row) * src_stride + (gsize) x * n_channels;
      guint32 *d = (guint32 *) (dst + (gsize) row * dst_stride);

      if (n_channels == 3)
        {
          for (int col = 0; col < width; col++, s += 3)
            d[col] = 0xff000000u | ((guint32) s[0] << 16) | ((guint32) s[1] << 8) | s[2];
        }
      else
        {
          for (int col = 0; col < width; col++, s += 4)
            {
              guint a = s[3];
              guint t;
              guint32 r, g, b;

              /* c × a / 255, rounded, without a division. */
              t = s[0] * a + 128;
              r = (t + (t >> 8)) >> 8;
              t = s[1] * a + 128;
              g = (t + (t >> 8)) >> 8;
              t = s[2] * a + 128;
              b = (t + (t >> 8)) >> 8;
              d[col] = ((guint32) a << 24) | (r << 16) | (g << 8) | b;
            }
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* The mean of four premultiplied pixels, two channels at a time: each
 * 16-bit lane holds a sum of four bytes (at most 1,020) without carrying
 * into the next. */
static inline guint32
mean4 (guint32 a,
       guint32 b,
       guint32 c,
       guint32 d)
{
  guint32 rb = (a & 0x00ff00ffu) + (b & 0x00ff00ffu) + (c & 0x00ff00ffu) + (d & 0x00ff00ffu);
  guint32 ag = ((a >> 8) & 0x00ff00ffu) + ((b >> 8) & 0x00ff00ffu)
               + ((c >> 8) & 0x00ff00ffu) + ((d >> 8) & 0x00ff00ffu);

  rb = ((rb + 0x00020002u) >> 2) & 0x00ff00ffu;
  ag = ((ag + 0x00020002u) >> 2) & 0x00ff00ffu;
  return rb | (ag << 8);
}

/* Halves @src (w × h pixels) into @dst at (@dx, @dy); an odd last row or
 * column is averaged with itself. */
static void
halve_into (cairo_surface_t *src,
            cairo_surface_t *dst,
            int              dx,
            int              dy)
{
  int w = cairo_image_surface_get_width (src);
  int h = cairo_image_surface_get_height (src);
  int src_stride = cairo_image_surface_get_stride (src);
  int dst_stride = cairo_image_surface_get_stride (dst);
  const guint8 *s = cairo_image_surface_get_data (src);
  guint8 *d = cairo_image_surface_get_data (dst);
  int out_w = (w + 1) / 2, out_h = (h + 1) / 2;

  for (int y = 0; y < out_h; y++)
    {
      const guint32 *r0 = (const guint32 *) (s + (gsize) (2 * y) * src_stride);
      const guint32 *r1 = (const guint32 *) (s + (gsize) MIN (2 * y + 1, h - 1) * src_stride);
      guint32 *out = (guint32 *) (d + (gsize) (dy + y) * dst_stride) + dx;

      for (int x = 0; x < out_w; x++)
        {
          int x0 = 2 * x, x1 = MIN (2 * x + 1, w - 1);

          out[x] = mean4 (r0[x0], r0[x1], r1[x0], r1[x1]);
        }
    }
}

/* The next level: each tile from the (up to) four tiles of @src it
 * covers. TILE is even, so a tile of @src lands on a quarter of a tile. */
static Level *
level_halve (const Level *src)
{
  Level *level = level_new ((src->width + 1) / 2, (src->height + 1) / 2);

  for (int ty = 0; ty < level->rows; ty++)
    for (int tx = 0; tx < level->cols; tx++)
      {
        int w = MIN (TILE, level->width - tx * TILE);
        int h = MIN (TILE, level->height - ty * TILE);
        cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);

        if (cairo_surface_status (tile) != CAIRO_STATUS_SUCCESS)
          {
            cairo_surface_destroy (tile);
            level_free (level);
            return NULL;
          }
        cairo_surface_flush (tile);
        for (int q = 0; q < 4; q++)
          {
            int sx = 2 * tx + (q & 1), sy = 2 * ty + (q >> 1);

            if (sx < src->cols && sy < src->rows)
              halve_into (src->tiles[sy * src->cols + sx], tile, (q & 1) * TILE / 2, (q >> 1) * TILE / 2);
          }
        cairo_surface_mark_dirty (tile);
        level->tiles[ty * level->cols + tx] = tile;
      }
  return level;
}

/* ---- The worker ------------------------------------------------------ */

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_main_context_unref (data->context);
  g_object_unref (data->source);
  g_free (data);
}

static void
message_free (Message *message)
{
  g_object_unref (message->self);
  g_clear_pointer (&message->preview, cairo_surface_destroy);
  g_free (message);
}

static gboolean message_received_cb (gpointer user_data);

static void
post (LoadData        *data,
      int              width,
      int              height,
      cairo_surface_t *preview)
{
  Message *message = g_new0 (Message, 1);

  message->self = g_object_ref (CALQUE_IMAGE_SOURCE (data->source));
  message->generation = data->generation;
  message->width = width;
  message->height = height;
  message->preview = preview;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, message_received_cb, message,
                              (GDestroyNotify) message_free);
}

static void
set_error (GError     **error,
           int          code,
           const char  *path,
           const char  *reason)
{
  g_autofree char *name = g_filename_display_name (path);

  switch (code)
    {
    case CALQUE_IMAGE_SOURCE_ERROR_READ:
      g_set_error (error, CALQUE_IMAGE_SOURCE_ERROR, code, _("%s: cannot read: %s"), name, reason);
      break;
    case CALQUE_IMAGE_SOURCE_ERROR_FORMAT:
      g_set_error (error, CALQUE_IMAGE_SOURCE_ERROR, code,
                   _("%s: not an image in a format that can be shown"), name);
      break;
    case CALQUE_IMAGE_SOURCE_ERROR_DECODE:
      g_set_error (error, CALQUE_IMAGE_SOURCE_ERROR, code, _("%s: damaged image: %s"), name, reason);
      break;
    case CALQUE_IMAGE_SOURCE_ERROR_TOO_LARGE:
      g_set_error (error, CALQUE_IMAGE_SOURCE_ERROR, code, _("%s: the image is too large to show (%s)"),
                   name, reason);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The size from the header, and whether gdk-pixbuf can read it at all. */
static gboolean
read_header (const char  *path,
             gboolean    *is_jpeg,
             int         *width,
             int         *height,
             GError     **error)
{
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;
  int fd;

  /* gdk_pixbuf_get_file_info() says nothing of why it failed; the open
   * tells a missing or unreadable file from one in an unknown format. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      set_error (error, CALQUE_IMAGE_SOURCE_ERROR_READ, path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);

  format = gdk_pixbuf_get_file_info (path, width, height);
  if (format == NULL)
    {
      set_error (error, CALQUE_IMAGE_SOURCE_ERROR_FORMAT, path, NULL);
      return FALSE;
    }
  if (*width <= 0 || *height <= 0)
    {
      set_error (error, CALQUE_IMAGE_SOURCE_ERROR_DECODE, path, _("no image size found in its header"));
      return FALSE;
    }
  if ((gint64) *width * *height > CALQUE_IMAGE_SOURCE_MAX_PIXELS)
    {
      g_autofree char *size = g_strdup_printf ("%d × %d", *width, *height);

      set_error (error, CALQUE_IMAGE_SOURCE_ERROR_TOO_LARGE, path, size);
      return FALSE;
    }

  format_name = gdk_pixbuf_format_get_name (format);
  *is_jpeg = g_strcmp0 (format_name, "jpeg") == 0;
  return TRUE;
}

static cairo_surface_t *
surface_from_whole_pixbuf (GdkPixbuf *pixbuf)
{
  return surface_from_pixbuf (pixbuf, 0, 0, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));
}

/* A JPEG decoded at 1/2, 1/4 or 1/8 scale: libjpeg skips most of the work
 * of a full decode (no full inverse DCT, no full colour conversion). The
 * size asked for is exactly libjpeg's reduced size, so that gdk-pixbuf
 * does not resample on top. NULL with no error when no reduction helps. */
static cairo_surface_t *
jpeg_preview (const char  *path,
              int          width,
              int          height,
              guint        preview_size,
              GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  int longest = MAX (width, height);
  int denom = 1;

  while (denom < 8 && longest / (denom * 2) >= (int) preview_size)
    denom *= 2;
  if (denom == 1)
    return NULL;

  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, (width + denom - 1) / denom, (height + denom - 1) / denom,
                                              FALSE, &local_error);
  if (pixbuf == NULL)
    {
      set_error (error, CALQUE_IMAGE_SOURCE_ERROR_DECODE, path, local_error->message);
      return NULL;
    }
  return surface_from_whole_pixbuf (pixbuf);
}

/* For other formats there is no cheap reduced decode: the preview is made
 * from the full decode, and still comes before the tiles are cut. */
static cairo_surface_t *
scaled_preview (GdkPixbuf *pixbuf,
                guint      preview_size)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  double factor = (double) preview_size / MAX (width, height);
  g_autoptr(GdkPixbuf) scaled = NULL;

  if (factor >= 1)
    return surface_from_whole_pixbuf (pixbuf);
  scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) ceil (width * factor)),
                                    MAX (1, (int) ceil (height * factor)), GDK_INTERP_BILINEAR);
  return scaled != NULL ? surface_from_whole_pixbuf (scaled) : NULL;
}

static gboolean
set_out_of_memory (GError     **error,
                   const char  *path,
                   int          width,
                   int          height)
{
  g_autofree char *size = g_strdup_printf ("%d × %d", width, height);

  set_error (error, CALQUE_IMAGE_SOURCE_ERROR_TOO_LARGE, path, size);
  return FALSE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func ((GDestroyNotify) level_free);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_jpeg = FALSE;
  gboolean previewed = FALSE;
  int width = 0, height = 0;
  Level *level;

  if (!read_header (data->path, &is_jpeg, &width, &height, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  post (data, width, height, NULL);

  if (is_jpeg)
    {
      cairo_surface_t *preview = jpeg_preview (data->path, width, height, data->preview_size, &error);

      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (preview != NULL)
        {
          post (data, width, height, preview);
          previewed = TRUE;
        }
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  pixbuf = gdk_pixbuf_new_from_file (data->path, &error);
  if (pixbuf == NULL)
    {
      g_autoptr(GError) decode_error = NULL;

      set_error (&decode_error, CALQUE_IMAGE_SOURCE_ERROR_DECODE, data->path, error->message);
      g_task_return_error (task, g_steal_pointer (&decode_error));
      return;
    }
  /* The header and the decoder disagree only for a broken file. */
  if (gdk_pixbuf_get_width (pixbuf) != width || gdk_pixbuf_get_height (pixbuf) != height)
    {
      g_autofree char *reason = g_strdup_printf (_("the header says %d × %d, the pixels are %d × %d"), width,
                                                 height, gdk_pixbuf_get_width (pixbuf),
                                                 gdk_pixbuf_get_height (pixbuf));

      set_error (&error, CALQUE_IMAGE_SOURCE_ERROR_DECODE, data->path, reason);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!previewed)
    {
      cairo_surface_t *preview = scaled_preview (pixbuf, data->preview_size);

      if (preview != NULL)
        post (data, width, height, preview);
    }

  level = level_new (width, height);
  g_ptr_array_add (levels, level);
  for (int ty = 0; ty < level->rows; ty++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      for (int tx = 0; tx < level->cols; tx++)
        {
          cairo_surface_t *tile = surface_from_pixbuf (pixbuf, tx * TILE, ty * TILE,
                                                       MIN (TILE, width - tx * TILE),
                                                       MIN (TILE, height - ty * TILE));

          if (tile == NULL)
            {
              set_out_of_memory (&error, data->path, width, height);
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          level->tiles[ty * level->cols + tx] = tile;
        }
    }
  g_clear_object (&pixbuf);

  while (level->cols > 1 || level->rows > 1)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      level = level_halve (level);
      if (level == NULL)
        {
          set_out_of_memory (&error, data->path, width, height);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (levels, level);
    }

  g_task_return_pointer (task, g_steal_pointer (&levels), (GDestroyNotify) g_ptr_array_unref);
}

/* ---- In the caller's context ----------------------------------------- */

static void
set_state (CalqueImageSource      *self,
           CalqueImageSourceState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_size (CalqueImageSource *self,
          int                width,
          int                height)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->width != width)
    {
      self->width = width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
    }
  if (self->height != height)
    {
      self->height = height;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
message_received_cb (gpointer user_data)
{
  Message *message = user_data;
  CalqueImageSource *self = message->self;

  /* A cancelled load's messages, or a preview overtaken by the result. */
  if (message->generation != self->generation || !self->loading)
    return G_SOURCE_REMOVE;

  set_size (self, message->width, message->height);
  if (message->preview != NULL && self->levels == NULL)
    {
      g_clear_pointer (&self->preview, cairo_surface_destroy);
      self->preview = g_steal_pointer (&message->preview);
      set_state (self, CALQUE_IMAGE_SOURCE_PREVIEW);
    }
  return G_SOURCE_REMOVE;
}

static void
load_thread_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CalqueImageSource *self = CALQUE_IMAGE_SOURCE (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *levels;

  self->loading = FALSE;
  levels = g_task_propagate_pointer (G_TASK (result), &error);
  if (levels == NULL)
    {
      g_clear_pointer (&self->preview, cairo_surface_destroy);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_state (self, CALQUE_IMAGE_SOURCE_EMPTY);
      else
        {
          g_clear_error (&self->error);
          self->error = g_error_copy (error);
          set_state (self, CALQUE_IMAGE_SOURCE_FAILED);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->levels = levels;
  g_clear_pointer (&self->preview, cairo_surface_destroy);
  /* Should the size message still be on its way, it would be dropped. */
  set_size (self, ((Level *) g_ptr_array_index (levels, 0))->width, ((Level *) g_ptr_array_index (levels, 0))->height);
  set_state (self, CALQUE_IMAGE_SOURCE_COMPLETE);
  g_task_return_boolean (task, TRUE);
}

/* ---- Drawing --------------------------------------------------------- */

/* Draws @surface, which shows the image at @fx × @fy image pixels per
 * surface pixel, with its top-left corner at surface pixel (@sx, @sy) of
 * the whole level. The edges are rounded to whole widget pixels, so that
 * tiles side by side meet exactly, with no seam of half-covered pixels;
 * EXTEND_PAD fills the fraction of a pixel this adds. */
static void
draw_surface (cairo_t              *cr,
              const CalqueViewport *vp,
              cairo_surface_t      *surface,
              int                   sx,
              int                   sy,
              double                fx,
              double                fy)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  double kx = fx * vp->scale, ky = fy * vp->scale;   /* widget pixels per surface pixel */
  double x0 = vp->offset_x + sx * kx, y0 = vp->offset_y + sy * ky;
  double rx0 = round (x0), ry0 = round (y0);
  double rx1 = round (vp->offset_x + (sx + w) * kx), ry1 = round (vp->offset_y + (sy + h) * ky);
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_filter_t filter;

  if (rx1 <= rx0 || ry1 <= ry0)
    return;

  pattern = cairo_pattern_create_for_surface (surface);
  cairo_matrix_init (&matrix, 1 / kx, 0, 0, 1 / ky, -x0 / kx, -y0 / ky);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  if (kx >= PIXELATED_FROM)
    filter = CAIRO_FILTER_NEAREST;
  else if (kx >= 1)
    filter = CAIRO_FILTER_BILINEAR;
  else
    filter = CAIRO_FILTER_GOOD;
  cairo_pattern_set_filter (pattern, filter);

  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, rx0, ry0, rx1 - rx0, ry1 - ry0);
  /* Neighbouring tiles share an edge: without antialiasing they cover it
   * exactly once, even where the widget sits at a fraction of a device
   * pixel, instead of each half-covering it and leaving a faint line. */
  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_pattern_destroy (pattern);
}

/* The coarsest level that is magnified by at most MAX_MAGNIFICATION: a
 * level just coarser than the screen looks the same as the finer one
 * (1.25× is one widget pixel in five spread over two), and a downscale of
 * a finer level by about half, which cairo's GOOD filter does with a box
 * filter, costs several times as much per frame. */
#define MAX_MAGNIFICATION 1.25

static const Level *
pick_level (CalqueImageSource *self,
            double             scale)
{
  guint k = 0;

  while (k + 1 < self->levels->len && scale * (1 << (k + 1)) <= MAX_MAGNIFICATION)
    k++;
  return g_ptr_array_index (self->levels, k);
}

/* ---- GObject --------------------------------------------------------- */

static void
calque_image_source_finalize (GObject *object)
{
  CalqueImageSource *self = CALQUE_IMAGE_SOURCE (object);

  g_free (self->path);
  g_clear_error (&self->error);
  g_clear_pointer (&self->preview, cairo_surface_destroy);
  g_clear_pointer (&self->levels, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_image_source_parent_class)->finalize (object);
}

static void
calque_image_source_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CalqueImageSource *self = CALQUE_IMAGE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PREVIEW_SIZE:
      g_value_set_uint (value, self->preview_size);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_image_source_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CalqueImageSource *self = CALQUE_IMAGE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_PREVIEW_SIZE:
      calque_image_source_set_preview_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_image_source_class_init (CalqueImageSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = calque_image_source_finalize;
  object_class->get_property = calque_image_source_get_property;
  object_class->set_property = calque_image_source_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW_SIZE] =
    g_param_spec_uint ("preview-size", NULL, NULL, 1, G_MAXINT, 1024,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A CalqueImageSourceState; no enum GType for one property. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CALQUE_IMAGE_SOURCE_EMPTY, CALQUE_IMAGE_SOURCE_FAILED,
                      CALQUE_IMAGE_SOURCE_EMPTY, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
calque_image_source_init (CalqueImageSource *self)
{
  self->preview_size = 1024;
}

/* ---- Public API ------------------------------------------------------ */

CalqueImageSource *
calque_image_source_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (CALQUE_TYPE_IMAGE_SOURCE, "path", path, NULL);
}

const char *
calque_image_source_get_path (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), NULL);

  return self->path;
}

void
calque_image_source_set_preview_size (CalqueImageSource *self,
                                      guint              size)
{
  g_return_if_fail (CALQUE_IS_IMAGE_SOURCE (self));
  g_return_if_fail (size > 0);

  if (self->preview_size == size)
    return;
  self->preview_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW_SIZE]);
}

guint
calque_image_source_get_preview_size (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), 0);

  return self->preview_size;
}

void
calque_image_source_load_async (CalqueImageSource   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  LoadData *data;

  g_return_if_fail (CALQUE_IS_IMAGE_SOURCE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_image_source_load_async);

  if (self->loading)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s: already loading", self->path);
      return;
    }
  if (self->state == CALQUE_IMAGE_SOURCE_COMPLETE)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->loading = TRUE;
  self->generation++;
  g_clear_error (&self->error);
  set_state (self, CALQUE_IMAGE_SOURCE_LOADING);

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (self->path);
  data->preview_size = self->preview_size;
  data->generation = self->generation;
  data->context = g_main_context_ref_thread_default ();
  data->source = g_object_ref (G_OBJECT (self));

  /* The worker's own task, so that the pyramid is installed (and the state
   * set) before the caller's callback runs. */
  worker = g_task_new (self, cancellable, load_thread_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, calque_image_source_load_async);
  g_task_set_task_data (worker, data, (GDestroyNotify) load_data_free);
  g_task_set_return_on_cancel (worker, FALSE);
  g_task_run_in_thread (worker, load_thread);
}

gboolean
calque_image_source_load_finish (CalqueImageSource  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == calque_image_source_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

CalqueImageSourceState
calque_image_source_get_state (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), CALQUE_IMAGE_SOURCE_EMPTY);

  return self->state;
}

const GError *
calque_image_source_get_error (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), NULL);

  return self->error;
}

int
calque_image_source_get_width (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), 0);

  return self->width;
}

int
calque_image_source_get_height (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), 0);

  return self->height;
}

guint
calque_image_source_get_n_levels (CalqueImageSource *self)
{
  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), 0);

  return self->levels != NULL ? self->levels->len : 0;
}

gsize
calque_image_source_get_memory_size (CalqueImageSource *self)
{
  gsize bytes = 0;

  g_return_val_if_fail (CALQUE_IS_IMAGE_SOURCE (self), 0);

  if (self->preview != NULL)
    bytes += surface_bytes (self->preview);
  for (guint k = 0; self->levels != NULL && k < self->levels->len; k++)
    {
      const Level *level = g_ptr_array_index (self->levels, k);

      for (int i = 0; i < level->cols * level->rows; i++)
        bytes += surface_bytes (level->tiles[i]);
    }
  return bytes;
}

void
calque_image_source_draw (CalqueImageSource    *self,
                          cairo_t              *cr,
                          const CalqueViewport *vp)
{
  double cx0, cy0, cx1, cy1;
  const Level *level;
  double fx, fy, kx, ky;
  int col0, col1, row0, row1;

  g_return_if_fail (CALQUE_IS_IMAGE_SOURCE (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (vp != NULL && vp->scale > 0);

  if (self->width <= 0 || (self->levels == NULL && self->preview == NULL))
    return;

  cairo_save (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);

  if (self->levels == NULL)
    {
      draw_surface (cr, vp, self->preview, 0, 0,
                    (double) self->width / cairo_image_surface_get_width (self->preview),
                    (double) self->height / cairo_image_surface_get_height (self->preview));
      cairo_restore (cr);
      return;
    }

  level = pick_level (self, vp->scale);
  /* Image pixels per level pixel: 2^k but for the rounding up of odd
   * sizes, which this spreads over the whole level instead of letting the
   * last column hang over the image's edge. */
  fx = (double) self->width / level->width;
  fy = (double) self->height / level->height;
  kx = fx * vp->scale;
  ky = fy * vp->scale;

  /* Only the tiles that meet the viewport and the clip. */
  cairo_clip_extents (cr, &cx0, &cy0, &cx1, &cy1);
  cx0 = MAX (cx0, 0);
  cy0 = MAX (cy0, 0);
  cx1 = MIN (cx1, vp->width);
  cy1 = MIN (cy1, vp->height);
  col0 = MAX (0, (int) floor ((cx0 - vp->offset_x) / kx / TILE));
  col1 = MIN (level->cols - 1, (int) floor ((cx1 - vp->offset_x) / kx / TILE));
  row0 = MAX (0, (int) floor ((cy0 - vp->offset_y) / ky / TILE));
  row1 = MIN (level->rows - 1, (int) floor ((cy1 - vp->offset_y) / ky / TILE));

  for (int ty = row0; ty <= row1; ty++)
    for (int tx = col0; tx <= col1; tx++)
      draw_surface (cr, vp, level->tiles[ty * level->cols + tx], tx * TILE, ty * TILE, fx, fy);

  cairo_restore (cr);
}
