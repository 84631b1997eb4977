/* calque-thumbnail-cache.h — small pictures of a workspace's images
 *
 * A thumbnail is made from a blob of the blob cache (calque-blob-cache.h)
 * and kept twice: as a PNG under DIR/ab/abcdef…-SIZE.png, so that the next
 * run does not decode the photo again, and in memory, in a bounded
 * least-recently-used set, so that a list row can show it at once.
 *
 * Lookups never touch the disk: they answer from memory, or queue the work
 * for a small pool of worker threads and return NULL. When the thumbnail
 * is made (or read back from DIR), ::thumbnail-ready is emitted on the main
 * context of the thread that made the cache; when it cannot be made,
 * ::thumbnail-failed says why, and the cache remembers it so that a broken
 * file is not decoded again each time its row is shown.
 *
 * GTK-free (gio and gdk-pixbuf), so that the CLI could use it too.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "calque-blob-cache.h"

G_BEGIN_DECLS

/* The long side of a thumbnail, in pixels, unless the cache is made with
 * another size. Large enough for a list row on a 2× screen. */
#define CALQUE_THUMBNAIL_DEFAULT_SIZE 128

#define CALQUE_THUMBNAIL_ERROR (calque_thumbnail_error_quark ())
typedef enum {
  CALQUE_THUMBNAIL_ERROR_NO_BLOB,  /* the media is not in the blob cache (not downloaded yet) */
  CALQUE_THUMBNAIL_ERROR_DECODE,   /* the blob is not an image gdk-pixbuf can read */
} CalqueThumbnailError;

GQuark calque_thumbnail_error_quark (void);

typedef enum {
  CALQUE_THUMBNAIL_STATUS_UNKNOWN,  /* never asked for, or forgotten since */
  CALQUE_THUMBNAIL_STATUS_PENDING,  /* queued or being made */
  CALQUE_THUMBNAIL_STATUS_READY,    /* in memory */
  CALQUE_THUMBNAIL_STATUS_FAILED,   /* cannot be made; the error says why */
} CalqueThumbnailStatus;

#define CALQUE_TYPE_THUMBNAIL_CACHE (calque_thumbnail_cache_get_type ())
G_DECLARE_FINAL_TYPE (CalqueThumbnailCache, calque_thumbnail_cache, CALQUE, THUMBNAIL_CACHE, GObject)

/* @dir is made if need be; @size is the long side of the thumbnails. */
CalqueThumbnailCache  *calque_thumbnail_cache_new        (CalqueBlobCache       *blobs,
                                                          const char            *dir,
                                                          int                    size,
                                                          GError               **error);
int                    calque_thumbnail_cache_get_size   (CalqueThumbnailCache  *self);
const char            *calque_thumbnail_cache_get_dir    (CalqueThumbnailCache  *self);
/* Where the PNG of @sha256 is (or would be); NULL if @sha256 is not 64
 * lowercase hex digits. */
char                  *calque_thumbnail_cache_get_path   (CalqueThumbnailCache  *self,
                                                          const char            *sha256);

/* The thumbnail if it is in memory (a new reference), else NULL; then,
 * unless it failed before or is already on its way, its making is queued,
 * ahead of the requests made earlier. Never blocks. */
GdkPixbuf             *calque_thumbnail_cache_lookup     (CalqueThumbnailCache  *self,
                                                          const char            *sha256);
/* Where @sha256 stands, without queueing anything; a FAILED status sets
 * @error to the reason. */
CalqueThumbnailStatus  calque_thumbnail_cache_get_status (CalqueThumbnailCache  *self,
                                                          const char            *sha256,
                                                          GError               **error);
/* Drops what is known of @sha256, a failure included: for when its blob
 * has just arrived or changed. The PNG on disk is removed too. */
void                   calque_thumbnail_cache_forget     (CalqueThumbnailCache  *self,
                                                          const char            *sha256);

/* At most @max_queued requests wait for a worker (the oldest are dropped
 * first: their rows have most likely scrolled away), and at most
 * @max_in_memory thumbnails are kept in memory. */
void                   calque_thumbnail_cache_set_limits (CalqueThumbnailCache  *self,
                                                          guint                  max_queued,
                                                          guint                  max_in_memory);
/* Requests waiting for a worker (not those being made). */
guint                  calque_thumbnail_cache_get_n_queued (CalqueThumbnailCache *self);

G_END_DECLS
