/* calque-export-output.h — where an export writes
 *
 * A file of an export is written under a temporary name beside its target,
 * synced, and renamed into place only when complete: a failed or cancelled
 * export leaves no half file, and an earlier export at that name stays as it
 * was. "-" is standard output (for formats of one file).
 */
#pragma once

#include <gio/gio.h>
#include "calque-workspace.h"

G_BEGIN_DECLS

typedef struct _CalqueExportFile CalqueExportFile;

/* Creates the folders above @path as needed. */
CalqueExportFile *calque_export_file_new        (const char        *path,
                                                 GError           **error);
/* Buffered; write with calque_export_file_write() or g_output_stream_*. */
GOutputStream    *calque_export_file_get_stream (CalqueExportFile  *self);
const char       *calque_export_file_get_path   (CalqueExportFile  *self);
gboolean          calque_export_file_write      (CalqueExportFile  *self,
                                                 const char        *data,
                                                 gssize             length,
                                                 GCancellable      *cancellable,
                                                 GError           **error);
gboolean          calque_export_file_printf     (CalqueExportFile  *self,
                                                 GCancellable      *cancellable,
                                                 GError           **error,
                                                 const char        *format,
                                                 ...) G_GNUC_PRINTF (4, 5);
/* Flushes, syncs and renames into place. */
gboolean          calque_export_file_commit     (CalqueExportFile  *self,
                                                 GCancellable      *cancellable,
                                                 GError           **error);
/* Removes the temporary file unless committed. */
void              calque_export_file_free       (CalqueExportFile  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueExportFile, calque_export_file_free)

/* Writes @contents whole to @path, the same way. */
gboolean          calque_export_write_file      (const char        *path,
                                                 const char        *contents,
                                                 gssize             length,
                                                 GError           **error);

/* Puts the media of @item (from the workspace's blob cache) at @path: a
 * hard link when the file system allows, else a copy. A file already there
 * with the same size is kept. */
gboolean          calque_export_copy_media      (CalqueWorkspace   *workspace,
                                                 CalqueRecord      *item,
                                                 const char        *path,
                                                 GCancellable      *cancellable,
                                                 GError           **error);

/* A file name for @item inside an export: its name with any folders
 * ("a/b.jpg" stays "a/b.jpg"), made safe — no "..", no absolute path, no
 * control characters. */
char             *calque_export_item_file_name  (CalqueRecord      *item);

G_END_DECLS
