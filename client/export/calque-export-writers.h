/* calque-export-writers.h — the writer of each format, for the table in
 * calque-export-formats.c (see CalqueExportWriteFunc there) */
#pragma once

#include "calque-export-formats.h"

G_BEGIN_DECLS

gboolean _calque_export_write_native (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                      GCancellable *, GError **);
gboolean _calque_export_write_coco (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                    GCancellable *, GError **);

G_END_DECLS
