/* calque-media.h — what a media file is, found cheaply
 *
 * Import looks at every file of a dataset before it creates an item, so the
 * probe reads only what it needs: the header that holds an image's size and
 * a few KiB at the end that show whether the file was cut short, or the
 * stream header of an audio file. Pixels and samples are never decoded.
 *
 * The format is decided by the content; the extension only says what the
 * file was meant to be when its content is not recognised.
 */
#pragma once

#include <glib.h>

#include "calque-record.h"

G_BEGIN_DECLS

#define CALQUE_MEDIA_ERROR (calque_media_error_quark ())
typedef enum {
  CALQUE_MEDIA_ERROR_UNSUPPORTED, /* not a format Calque imports */
  CALQUE_MEDIA_ERROR_CORRUPT,     /* claims a format but its bytes are wrong or truncated */
  CALQUE_MEDIA_ERROR_IO,          /* cannot open or read */
} CalqueMediaError;

GQuark calque_media_error_quark (void);

typedef struct {
  CalqueMediaType type;          /* CALQUE_MEDIA_IMAGE or CALQUE_MEDIA_AUDIO */
  char           *mime;          /* image/png image/jpeg image/webp image/tiff image/bmp
                                  * audio/wav audio/flac audio/ogg audio/mpeg */
  guint64         size;          /* bytes on disk */
  int             width;         /* images, in pixels as stored (EXIF orientation not applied) */
  int             height;
  double          duration;      /* audio, in seconds */
  int             sample_rate;   /* audio, in Hz */
  int             channels;      /* audio */
} CalqueMediaInfo;

void             calque_media_info_free          (CalqueMediaInfo  *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueMediaInfo, calque_media_info_free)

/* By the file name's extension, case-insensitive: png jpg jpeg webp tif tiff
 * bmp are images; wav flac ogg oga mp3 are audio; txt csv jsonl ndjson are
 * text. Returns FALSE for any other name. */
gboolean         calque_media_type_from_filename (const char       *path,
                                                  CalqueMediaType  *out_type);

/* Reads the header (and a few KiB of the tail) of an image or audio file.
 * Every error message starts with @path as given. */
CalqueMediaInfo *calque_media_probe              (const char       *path,
                                                  GError          **error);

G_END_DECLS
