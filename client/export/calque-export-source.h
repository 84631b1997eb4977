/* calque-export-source.h — what an export reads, item by item
 *
 * Every export format (calque-export-formats.h) reads a project through
 * this: its labels in the project's order, then its items one at a time,
 * each with the annotations that the export chose. An item's annotations
 * are read when it is reached (an indexed lookup) and freed after it, so an
 * export of a million annotations holds one item's worth in memory.
 *
 * Which annotations (CalqueExportVersion):
 *  - FINAL: the reviewed version. An item's latest review decides: accepted
 *    gives the annotations of the annotator of the task it accepted, merged
 *    gives the reviewer's own, rejected gives none. Without a review, a task
 *    in state accepted gives its annotator's (the latest accepted task if
 *    there are several). Items without a final version are left out and
 *    counted (calque_export_source_get_n_skipped()).
 *  - ANNOTATOR: one person's annotations; items where they have neither a
 *    task nor an annotation are left out.
 *  - ALL: everyone's annotations (each keeps its author); every item.
 *    Pre-annotations (authors "model:NAME") are left out of ALL and FINAL;
 *    ANNOTATOR "model:NAME" gives them.
 *
 * Filters:
 *  - states: only items with a task in one of these states (new,
 *    in_progress, submitted, accepted, rejected); "none" means items
 *    without a task.
 *  - labels: only these labels (by name). The label list is these, in the
 *    project's order, and annotations carrying none of them are left out.
 *
 * Items come in the order of their names, then ids; labels in their
 * position, then name, then id order: two exports of the same data are
 * identical.
 */
#pragma once

#include <gio/gio.h>
#include "calque-workspace.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_EXPORT_VERSION_ALL,
  CALQUE_EXPORT_VERSION_FINAL,
  CALQUE_EXPORT_VERSION_ANNOTATOR,
} CalqueExportVersion;

typedef struct {
  CalqueExportVersion  version;
  const char          *annotator;  /* for CALQUE_EXPORT_VERSION_ANNOTATOR */
  const char * const  *states;     /* NULL-terminated; NULL: every item */
  const char * const  *labels;     /* NULL-terminated names; NULL: every label */
} CalqueExportFilter;

#define CALQUE_EXPORT_SOURCE_ERROR (calque_export_source_error_quark ())
typedef enum {
  CALQUE_EXPORT_SOURCE_ERROR_FILTER,  /* an unknown state or label, no annotator */
} CalqueExportSourceError;

GQuark calque_export_source_error_quark (void);

/* The task states a filter may name, in the order of their life, "none"
 * last; NULL-terminated. */
#define CALQUE_EXPORT_N_TASK_STATES 6
extern const char * const calque_export_task_states[CALQUE_EXPORT_N_TASK_STATES + 1];

/* The order of the exported labels (CalqueRecord **, for
 * g_ptr_array_sort()): position, then name, then id. */
gint calque_export_compare_labels (gconstpointer a,
                                   gconstpointer b);

typedef struct _CalqueExportSource CalqueExportSource;

/* Called after each item of a calque_export_source_foreach(). */
typedef void (*CalqueExportProgressFunc) (guint    items_done,
                                          guint    items_total,
                                          gpointer user_data);

/* Reads the labels and the item ids (not the items) at once. */
CalqueExportSource *calque_export_source_new   (CalqueWorkspace          *workspace,
                                                CalqueRecord             *project,
                                                const CalqueExportFilter *filter,
                                                GError                  **error);
void                calque_export_source_free  (CalqueExportSource       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueExportSource, calque_export_source_free)

CalqueWorkspace    *calque_export_source_get_workspace (CalqueExportSource *self);
CalqueRecord       *calque_export_source_get_project   (CalqueExportSource *self);
CalqueExportVersion calque_export_source_get_version   (CalqueExportSource *self);

/* The labels exported (CalqueRecord), in order. */
GPtrArray          *calque_export_source_get_labels    (CalqueExportSource *self);
/* The position of @label_id in that list, or -1 (a label not exported). */
int                 calque_export_source_label_index   (CalqueExportSource *self,
                                                        const char         *label_id);
/* The first of @annotation's labels that is exported, or -1. */
int                 calque_export_source_annotation_label (CalqueExportSource *self,
                                                        CalqueRecord       *annotation);

/* Items the export visits, and items it leaves out (FINAL: no final
 * version; ANNOTATOR: not theirs). Known once foreach has run once. */
guint               calque_export_source_get_n_items   (CalqueExportSource *self);
guint               calque_export_source_get_n_skipped (CalqueExportSource *self);
/* Annotations given to the callback by the last foreach. */
guint               calque_export_source_get_n_annotations (CalqueExportSource *self);

void                calque_export_source_set_progress  (CalqueExportSource       *self,
                                                        CalqueExportProgressFunc  func,
                                                        gpointer                  user_data);

/* @item and @annotations (CalqueRecord, oldest first; labels filtered) are
 * valid during the call only. Return FALSE with @error to stop. */
typedef gboolean (*CalqueExportItemFunc) (CalqueRecord *item,
                                          GPtrArray    *annotations,
                                          gpointer      user_data,
                                          GError      **error);

/* Visits the items in order. May be called again (formats that write the
 * items and the annotations in separate passes); @with_annotations FALSE
 * skips reading annotations (they are given as an empty array) but still
 * leaves out the items that the version leaves out. */
gboolean            calque_export_source_foreach       (CalqueExportSource  *self,
                                                        gboolean             with_annotations,
                                                        CalqueExportItemFunc func,
                                                        gpointer             user_data,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

G_END_DECLS
