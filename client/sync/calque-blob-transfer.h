/* calque-blob-transfer.h — media up to the server and down into the cache
 *
 * Blobs travel by their sha256 (docs/http-api.md, "Media"): an item pushed
 * from here has its media uploaded first, so that no one receives an item
 * whose image they cannot get; media of items are downloaded on demand, or
 * ahead of time for the items assigned to the person (prefetch), so that
 * work goes on offline. A download is checked against its hash before it
 * enters the cache.
 *
 * These calls block: the sync engine runs them in a thread of its own, the
 * command line directly.
 */
#pragma once

#include <gio/gio.h>

#include "calque-blob-cache.h"
#include "calque-store.h"

G_BEGIN_DECLS

/* Sends blob @sha256 from @cache; TRUE if the server has it afterwards
 * (whether it had it already or not). */
gboolean calque_blob_upload   (const char       *server_url,
                               const char       *token,
                               CalqueBlobCache  *cache,
                               const char       *sha256,
                               GCancellable     *cancellable,
                               GError          **error);

/* Fetches blob @sha256 into @cache unless it is there; the bytes must have
 * that hash. */
gboolean calque_blob_download (const char       *server_url,
                               const char       *token,
                               CalqueBlobCache  *cache,
                               const char       *sha256,
                               GCancellable     *cancellable,
                               GError          **error);

/* The media hashes of the items of @project_id that tasks give to @user
 * (every item's when @user is NULL), not yet in @cache. */
GPtrArray *calque_blob_missing_for (CalqueStore     *store,
                                    CalqueBlobCache *cache,
                                    const char      *project_id,
                                    const char      *user,
                                    GError         **error);

G_END_DECLS
