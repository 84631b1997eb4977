/* calque-image-source.h — an image file made ready to draw, without waiting
 *
 * Loading happens in a worker thread, in three steps that each show up in
 * the "state" property (connect to notify::state and redraw):
 *
 *   LOADING   the size is read from the file's header (width and height
 *             are known from here on, before any pixel is decoded);
 *   PREVIEW   a reduced image, about the size of a screen, is ready — for a
 *             JPEG decoded at 1/2, 1/4 or 1/8 scale straight from the file,
 *             which takes a fraction of a full decode;
 *   COMPLETE  the full image is decoded into a pyramid of levels (each half
 *             the size of the one before), each cut into tiles of
 *             CALQUE_IMAGE_SOURCE_TILE_SIZE pixels, premultiplied ARGB32;
 *             the preview is dropped.
 *
 * or FAILED, with a CALQUE_IMAGE_SOURCE_ERROR naming the file and why.
 * calque_image_source_draw() draws the best of what is there for the
 * viewport's scale: the level just finer than the screen, only its tiles in
 * view. All of it is in the thread that called load_async; no GTK.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "calque-viewport.h"

G_BEGIN_DECLS

#define CALQUE_IMAGE_SOURCE_TILE_SIZE 512

#define CALQUE_IMAGE_SOURCE_ERROR (calque_image_source_error_quark ())
typedef enum {
  CALQUE_IMAGE_SOURCE_ERROR_READ,       /* the file cannot be opened or read */
  CALQUE_IMAGE_SOURCE_ERROR_FORMAT,     /* not an image format that can be shown */
  CALQUE_IMAGE_SOURCE_ERROR_DECODE,     /* an image, but damaged or truncated */
  CALQUE_IMAGE_SOURCE_ERROR_TOO_LARGE,  /* more pixels than CALQUE_IMAGE_SOURCE_MAX_PIXELS */
} CalqueImageSourceError;

GQuark calque_image_source_error_quark (void);

/* 400 megapixels: 1.6 GB of ARGB32 for the finest level alone, more than
 * an annotation client should hold for one picture. */
#define CALQUE_IMAGE_SOURCE_MAX_PIXELS (400 * 1000 * 1000)

typedef enum {
  CALQUE_IMAGE_SOURCE_EMPTY,     /* not loaded (yet, or the load was cancelled) */
  CALQUE_IMAGE_SOURCE_LOADING,   /* nothing to draw yet */
  CALQUE_IMAGE_SOURCE_PREVIEW,   /* a reduced image to draw */
  CALQUE_IMAGE_SOURCE_COMPLETE,  /* every pixel */
  CALQUE_IMAGE_SOURCE_FAILED,    /* see calque_image_source_get_error() */
} CalqueImageSourceState;

#define CALQUE_TYPE_IMAGE_SOURCE (calque_image_source_get_type ())
G_DECLARE_FINAL_TYPE (CalqueImageSource, calque_image_source, CALQUE, IMAGE_SOURCE, GObject)

CalqueImageSource     *calque_image_source_new              (const char          *path);
const char            *calque_image_source_get_path         (CalqueImageSource   *self);

/* The longest side the preview should have at least, in pixels: about the
 * widget's size. 1024 unless set; read when a load starts. */
void                   calque_image_source_set_preview_size (CalqueImageSource   *self,
                                                             guint                size);
guint                  calque_image_source_get_preview_size (CalqueImageSource   *self);

/* Completes when the full image is ready (state COMPLETE) or has failed.
 * One load at a time: while one runs, another fails with G_IO_ERROR_PENDING;
 * once complete, another completes at once. Cancelling returns the source
 * to EMPTY. */
void                   calque_image_source_load_async       (CalqueImageSource   *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean               calque_image_source_load_finish      (CalqueImageSource   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

CalqueImageSourceState calque_image_source_get_state        (CalqueImageSource   *self);
/* Set in state FAILED. */
const GError          *calque_image_source_get_error        (CalqueImageSource   *self);
/* The image's size in pixels, from its header; 0 until known. */
int                    calque_image_source_get_width        (CalqueImageSource   *self);
int                    calque_image_source_get_height       (CalqueImageSource   *self);
/* Levels of the pyramid (0 before COMPLETE); level 0 is full size. */
guint                  calque_image_source_get_n_levels     (CalqueImageSource   *self);
/* Bytes of pixels held: the preview or the tiles. */
gsize                  calque_image_source_get_memory_size  (CalqueImageSource   *self);

/* Draws the image where @vp puts it, as far as it is loaded (nothing in
 * states EMPTY, LOADING and FAILED). @cr's user space is widget pixels. */
void                   calque_image_source_draw             (CalqueImageSource    *self,
                                                             cairo_t              *cr,
                                                             const CalqueViewport *vp);

G_END_DECLS
