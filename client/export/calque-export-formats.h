/* calque-export-formats.h — every format Calque exports to
 *
 * One table, read by calque-cli export and by the app's export dialog.
 * Each format has a writer of its own (calque-export-FORMAT.c) that reads
 * the project through a CalqueExportSource and writes to a file or a
 * folder; docs/formats.md says what each keeps and what it loses.
 */
#pragma once

#include "calque-export-source.h"

G_BEGIN_DECLS

#define CALQUE_EXPORT_MEDIA(type) (1u << (type))
#define CALQUE_EXPORT_ALL_MEDIA \
  (CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE) | CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_TEXT) \
   | CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_AUDIO))

typedef struct {
  gboolean with_media;   /* copy the media files into the export too */
} CalqueExportOptions;

/* Writes the export of @source to @path (a file, "-" for standard output
 * where the format is one file, or a folder). */
typedef gboolean (*CalqueExportWriteFunc) (CalqueExportSource         *source,
                                           const char                 *path,
                                           const CalqueExportOptions  *options,
                                           GCancellable               *cancellable,
                                           GError                    **error);

typedef struct {
  const char *name;           /* as on the command line: "coco" */
  const char *title;          /* N_(): "COCO instances" */
  const char *description;    /* N_(): a sentence for the dialog and --help */
  guint       media;          /* CALQUE_EXPORT_MEDIA() of the project types it serves */
  gboolean    folder;         /* writes a folder, not one file */
  const char *extension;      /* of the one file: ".json"; NULL for folders */
  gboolean    everything;     /* writes every record: versions and filters do not apply */
  CalqueExportWriteFunc write;
} CalqueExportFormat;

/* The formats, ending with a NULL name. */
const CalqueExportFormat *calque_export_formats       (void);
const CalqueExportFormat *calque_export_format_find   (const char *name);
/* "json, coco, …", for messages. */
char                     *calque_export_format_names  (void);

G_END_DECLS
