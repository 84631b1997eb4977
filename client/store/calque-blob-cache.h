/* calque-blob-cache.h — media files by content hash
 *
 * A blob is stored once under DIR/ab/cdef… where abcdef… is the lowercase hex
 * sha256 of its bytes. Files are written to DIR/tmp first and renamed into
 * place, so a reader never sees half a blob.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_BLOB_CACHE (calque_blob_cache_get_type ())
G_DECLARE_FINAL_TYPE (CalqueBlobCache, calque_blob_cache, CALQUE, BLOB_CACHE, GObject)

CalqueBlobCache *calque_blob_cache_new      (const char      *dir,
                                             GError         **error);
/* Copies @path into the cache while hashing it. @out_sha256 gets 64 hex
 * digits; @out_added is TRUE when the blob was not in the cache before. */
gboolean         calque_blob_cache_add_file (CalqueBlobCache *self,
                                             const char      *path,
                                             char             out_sha256[65],
                                             gboolean        *out_added,
                                             GError         **error);
gboolean         calque_blob_cache_contains (CalqueBlobCache *self,
                                             const char      *sha256);
/* Where the blob is, whether or not it exists; NULL if @sha256 is not 64
 * lowercase hex digits (never a path outside the cache). */
char            *calque_blob_cache_get_path (CalqueBlobCache *self,
                                             const char      *sha256);
void             calque_blob_cache_remove   (CalqueBlobCache *self,
                                             const char      *sha256);
/* Flushes the cache's files to disk. Called before committing the records
 * that point to new blobs: a commit that survives a power cut must not
 * point to an empty file. */
gboolean         calque_blob_cache_sync     (CalqueBlobCache *self,
                                             GError         **error);

G_END_DECLS
