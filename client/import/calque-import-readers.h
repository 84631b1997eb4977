/* calque-import-readers.h — the reader of each format, for the table in
 * calque-import-formats.c (see CalqueImportReadFunc there) */
#pragma once

#include "calque-import-formats.h"

G_BEGIN_DECLS

gboolean _calque_import_read_csv     (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_jsonl   (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_conll   (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_labelme (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_voc      (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_yolo     (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_yolo_seg (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_coco         (CalqueAnnotationSink *, const char *, GError **);
gboolean _calque_import_read_coco_results (CalqueAnnotationSink *, const char *, GError **);

/* Appends to @files the regular files directly in @dir whose names end
 * in @suffix (".json"), in name order; hidden ones are left out
 * (calque-import-folder.c). */
gboolean _calque_import_list_files (const char  *dir,
                                    const char  *suffix,
                                    GPtrArray   *files,
                                    GError     **error);

G_END_DECLS
