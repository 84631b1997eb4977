/* calque-exporter.h — writing a project out
 *
 * The native format is lossless: every record of the project, tombstones
 * included, with its id, so that importing it gives back identical records.
 * It is one JSON document, written record by record (never the whole project
 * in memory), one record per line:
 *
 *   {"calque_export":1,"generator":"Calque 0.1.0","project":"0192…","records":[
 *   {"id":"0192…","kind":"project",…},
 *   …
 *   ]}
 *
 * Media are not inside the JSON; when a media folder is given, each blob is
 * copied there as media/<sha256>, which is where the importer looks.
 */
#pragma once

#include <gio/gio.h>
#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_NATIVE_FORMAT_VERSION 1

#define CALQUE_EXPORT_ERROR (calque_export_error_quark ())
typedef enum {
  CALQUE_EXPORT_ERROR_MEDIA,   /* an item's blob is not in the workspace */
} CalqueExportError;

GQuark calque_export_error_quark (void);

/* @media_dir may be NULL (the JSON only). @out_records may be NULL. */
gboolean calque_export_native (CalqueWorkspace  *workspace,
                               CalqueRecord     *project,
                               GOutputStream    *out,
                               const char       *media_dir,
                               guint            *out_records,
                               GCancellable     *cancellable,
                               GError          **error);

G_END_DECLS
