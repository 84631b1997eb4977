/* calque-blobs.h — the server's media files, by sha256
 *
 * DIR/ab/cdef… holds the blob whose sha256 is abcdef…. An upload streams
 * into DIR/tmp while it is hashed, is refused past a size limit as soon as
 * it passes it, and is renamed into place only if its bytes have the hash
 * it claims: nothing half-written or mislabelled is ever served.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CALQUE_BLOBS_ERROR (calque_blobs_error_quark ())
typedef enum {
  CALQUE_BLOBS_ERROR_TOO_LARGE,   /* over the upload limit */
  CALQUE_BLOBS_ERROR_MISMATCH,    /* the bytes do not have the hash claimed */
  CALQUE_BLOBS_ERROR_IO,
} CalqueBlobsError;

GQuark calque_blobs_error_quark (void);

/* 256 MiB: photos, scans and hours of compressed audio fit; a 2 GB upload
 * is refused before it is read. */
#define CALQUE_BLOBS_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* Where the blob @sha256 lives in @dir, or NULL if @sha256 is not 64
 * lowercase hex digits (so no name ever leaves the folder). */
char *calque_blobs_path (const char *dir,
                         const char *sha256);

typedef struct _CalqueBlobUpload CalqueBlobUpload;

CalqueBlobUpload *calque_blob_upload_new    (const char        *dir,
                                             const char        *sha256,
                                             guint64            max_bytes,
                                             GError           **error);
gboolean          calque_blob_upload_write  (CalqueBlobUpload  *upload,
                                             const void        *data,
                                             gsize              length,
                                             GError           **error);
/* Checks the hash, syncs and renames into place. @out_existed: the blob was
 * there already (the upload is then dropped). */
gboolean          calque_blob_upload_finish (CalqueBlobUpload  *upload,
                                             gboolean          *out_existed,
                                             GError           **error);
/* Removes the temporary file of an upload that was not finished. */
void              calque_blob_upload_free   (CalqueBlobUpload  *upload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueBlobUpload, calque_blob_upload_free)

G_END_DECLS
