/* calque-store-stats.h — what the progress figures read from the store
 *
 * The tasks and annotations of a project, row by row, as the few columns
 * that counting needs (schema v5 keeps them beside the JSON, in an index
 * per kind): no record is decoded, so a project of a million
 * annotations is read in a fraction of a second. Tombstones are left out.
 * calque-progress.h turns them into figures.
 */
#pragma once

#include "calque-store.h"

G_BEGIN_DECLS

/* One task or annotation. The strings are the store's, valid during the
 * call only; a field the record does not have is NULL (-1 for created). */
typedef struct {
  const char *id;        /* a task's always; an annotation's only when created is -1
                          * (the id's time is then the one there is) */
  const char *item;
  const char *person;    /* a task's annotator, an annotation's author */
  const char *state;     /* a task's state; NULL for annotations */
  gint64      created;   /* Unix ms, or -1 */
  const char *labels;    /* an annotation's labels, a JSON array of ids */
} CalqueStoreFact;

typedef void (*CalqueStoreFactFunc) (const CalqueStoreFact *fact,
                                     gpointer               user_data);

/* Calls @func on each live task (@kind CALQUE_KIND_TASK) or annotation
 * (CALQUE_KIND_ANNOTATION) of @project_id, in no particular order. */
gboolean  calque_store_foreach_fact     (CalqueStore          *self,
                                         CalqueKind            kind,
                                         const char           *project_id,
                                         CalqueStoreFactFunc   func,
                                         gpointer              user_data,
                                         GError              **error);

/* Calls @func with the id of each live item of @project_id. */
typedef void (*CalqueStoreIdFunc) (const char *id,
                                   gpointer    user_data);
gboolean  calque_store_foreach_item_id  (CalqueStore          *self,
                                         const char           *project_id,
                                         CalqueStoreIdFunc     func,
                                         gpointer              user_data,
                                         GError              **error);

/* The ids of the live items of @project_id, in the order of their names
 * (then ids): the order exports and assignments go in. Ids only, so that
 * a project of 100,000 items is a few megabytes. */
GPtrArray *calque_store_list_item_ids_by_name (CalqueStore  *self,
                                               const char   *project_id,
                                               GError      **error);

G_END_DECLS
