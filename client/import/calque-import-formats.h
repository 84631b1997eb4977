/* calque-import-formats.h — the annotation formats Calque imports
 *
 * One table, read by `calque-cli import --format` and the app. Each
 * format's reader (calque-import-FORMAT.c) streams its file or folder into
 * a CalqueAnnotationSink, which checks and stores (calque-annotation-sink.h).
 * Media, texts and native exports are imported by calque-importer.h.
 */
#pragma once

#include "calque-annotation-sink.h"

G_BEGIN_DECLS

/* Reads @path into @sink; FALSE with an error naming the file and the
 * element at the first bad one. */
typedef gboolean (*CalqueImportReadFunc) (CalqueAnnotationSink  *sink,
                                          const char            *path,
                                          GError               **error);

typedef struct {
  const char *name;          /* as on the command line: "coco" */
  const char *title;         /* N_() */
  const char *description;   /* N_() */
  guint       media;         /* CALQUE_EXPORT_MEDIA()-style mask: 1 << CalqueMediaType */
  gboolean    folder;        /* reads a folder (VOC, YOLO), not one file */
  CalqueImportReadFunc read;
  const char *extension;     /* of its one file (".json"), to find it in an archive; NULL: any
                              * file that is not media */
} CalqueImportFormat;

/* The formats, ending with a NULL name. */
const CalqueImportFormat *calque_import_formats      (void);
const CalqueImportFormat *calque_import_format_find  (const char *name);
char                     *calque_import_format_names (void);

/* Imports annotations of @format from @path into @project, whole or not at
 * all. @path may be an archive (calque-archive.h): it is extracted into a
 * temporary folder, and the format's file is looked for there (the only
 * one; a folder format reads the archive's top folder). */
CalqueImportReport *calque_import_annotations (CalqueWorkspace                     *workspace,
                                               CalqueRecord                        *project,
                                               const CalqueImportFormat            *format,
                                               const char                          *path,
                                               const CalqueAnnotationImportOptions *options,
                                               CalqueAnnotationImportProgressFunc   progress,
                                               gpointer                             user_data,
                                               GCancellable                        *cancellable,
                                               GError                             **error);

G_END_DECLS
