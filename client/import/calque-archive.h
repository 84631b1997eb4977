/* calque-archive.h — datasets that come as one archive
 *
 * Other tools export datasets as zip or tar files (CVAT, Label Studio,
 * Roboflow). An annotation import of an archive extracts it, with
 * libarchive, into a temporary folder and reads that. Extraction refuses,
 * naming the archive and the entry, before anything is imported:
 *  - an absolute path, or one that climbs out with "..";
 *  - links (symbolic or hard), devices, FIFOs: a dataset is files and
 *    folders, and a link could point anywhere;
 *  - more than CALQUE_ARCHIVE_MAX_ENTRIES entries, more than @max_bytes in
 *    all, or an archive that expands over CALQUE_ARCHIVE_MAX_RATIO times
 *    its size past the first 100 MB (a zip bomb).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CALQUE_ARCHIVE_MAX_ENTRIES 10000000
#define CALQUE_ARCHIVE_MAX_RATIO   200

/* By the name: .zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar.zst. */
gboolean calque_archive_is_archive (const char  *path);

gboolean calque_archive_extract    (const char  *archive,
                                    const char  *dest_dir,
                                    guint64      max_bytes,
                                    GError     **error);

G_END_DECLS
