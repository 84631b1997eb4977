/* calque-importer.h — bringing files into a project
 *
 * Images and audio become one item each (probed from their headers, copied
 * into the blob cache); text files become one item per line, CSV row or
 * JSONL object; a native export (calque-exporter.h) brings back a whole
 * project. An import is one transaction: it lands whole or not at all,
 * unless skip_bad is set, in which case each bad file is left out whole
 * and reported.
 */
#pragma once

#include "calque-workspace.h"

G_BEGIN_DECLS

#define CALQUE_IMPORT_ERROR (calque_import_error_quark ())
typedef enum {
  CALQUE_IMPORT_ERROR_UNSUPPORTED,  /* not a kind of file Calque imports */
  CALQUE_IMPORT_ERROR_WRONG_MEDIA,  /* an image into a text project, … */
  CALQUE_IMPORT_ERROR_DUPLICATE,    /* the same content twice */
  CALQUE_IMPORT_ERROR_FOLDER,       /* a folder that cannot be read */
  CALQUE_IMPORT_ERROR_EXPORT,       /* a native export that is not right */
  CALQUE_IMPORT_ERROR_EMPTY,        /* nothing to import */
  CALQUE_IMPORT_ERROR_CANCELLED,
} CalqueImportError;

GQuark calque_import_error_quark (void);

typedef struct {
  const char *csv_column;   /* NULL: "text" */
  const char *jsonl_field;  /* NULL: "text" */
  gboolean    skip_bad;
} CalqueImportOptions;

typedef struct {
  char *path;
  char *message;
} CalqueImportProblem;

typedef struct {
  guint      files;          /* files imported */
  guint      items;          /* items added */
  guint      records;        /* records added by a native import */
  guint      annotations;    /* annotations added by an annotation import */
  guint      labels;         /* labels it created */
  guint      ignored;        /* files in folders that are no kind Calque imports */
  GPtrArray *problems;       /* CalqueImportProblem: files left out by skip_bad */
  char      *project_id;     /* the project imported into (or created) */
} CalqueImportReport;

void calque_import_report_free (CalqueImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueImportReport, calque_import_report_free)

/* Called after each file, and every few thousand items of a long text file. */
typedef void (*CalqueImportProgressFunc) (guint       files_done,
                                          guint       files_total,
                                          guint       items,
                                          const char *current_path,
                                          gpointer    user_data);

/* Imports @paths (files, or folders walked recursively) into @project. */
CalqueImportReport *calque_import_files  (CalqueWorkspace           *workspace,
                                          CalqueRecord              *project,
                                          const char * const        *paths,
                                          const CalqueImportOptions *options,
                                          CalqueImportProgressFunc   progress,
                                          gpointer                   user_data,
                                          GCancellable              *cancellable,
                                          GError                   **error);

/* TRUE if @path looks like a native export (a .json file that says so). */
gboolean            calque_import_is_native_export (const char *path);

/* Restores the project of a native export, with the same ids; its media
 * are looked for in the workspace and in a "media" folder beside it. */
CalqueImportReport *calque_import_native (CalqueWorkspace         *workspace,
                                          const char              *path,
                                          GError                 **error);

G_END_DECLS
