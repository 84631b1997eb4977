/* calque-store.h — the local SQLite store of a workspace
 *
 * One SQLite file per workspace, in WAL mode, with a versioned schema
 * (calque-store-schema.c). Records are stored with a clock per field, and
 * every local write appends to the outbox in the same transaction, so that
 * nothing the UI shows as saved can be lost before it is pushed.
 */
#pragma once

#include <glib-object.h>
#include "calque-record.h"

G_BEGIN_DECLS

#define CALQUE_STORE_ERROR (calque_store_error_quark ())
typedef enum {
  CALQUE_STORE_ERROR_SQLITE,     /* SQLite said no; the message carries its words */
  CALQUE_STORE_ERROR_NOT_FOUND,  /* no record with that id */
  CALQUE_STORE_ERROR_TOO_NEW,    /* the file was written by a newer Calque */
  CALQUE_STORE_ERROR_CORRUPT,    /* a stored row does not decode */
  CALQUE_STORE_ERROR_INVALID,    /* the record fails validation */
} CalqueStoreError;

GQuark calque_store_error_quark (void);

/* The schema version this program writes. */
#define CALQUE_STORE_SCHEMA_VERSION 6

#define CALQUE_TYPE_STORE (calque_store_get_type ())
G_DECLARE_FINAL_TYPE (CalqueStore, calque_store, CALQUE, STORE, GObject)

/* Opens (creating it if needed) and migrates to CALQUE_STORE_SCHEMA_VERSION. */
CalqueStore  *calque_store_open          (const char    *filename,
                                          GError       **error);
const char   *calque_store_get_filename  (CalqueStore   *self);
int           calque_store_get_schema_version (CalqueStore *self);
/* The node id that this store's clocks carry (random, made once per file). */
const char   *calque_store_get_node_id   (CalqueStore   *self);

/* Transactions nest: the outermost level is a transaction, inner levels
 * are savepoints, so a rollback undoes only what its own level did. */
gboolean      calque_store_begin         (CalqueStore   *self,
                                          GError       **error);
gboolean      calque_store_commit        (CalqueStore   *self,
                                          GError       **error);
void          calque_store_rollback      (CalqueStore   *self);

/* A local edit: validates @record, stamps a new clock on each field it
 * changed, writes the record and an outbox entry in one transaction, and
 * marks the record clean. Inside calque_store_begin(), it joins that
 * transaction, and a failure leaves it for the caller to roll back. */
gboolean      calque_store_save          (CalqueStore   *self,
                                          CalqueRecord  *record,
                                          GError       **error);

/* Writes @record as it is, with its clocks and no outbox entry: for records
 * that arrive already merged (sync) or restored (native import). */
gboolean      calque_store_put_merged    (CalqueStore   *self,
                                          CalqueRecord  *record,
                                          GError       **error);

CalqueRecord *calque_store_get           (CalqueStore   *self,
                                          const char    *id,
                                          GError       **error);
/* Records of one kind, optionally of one project (NULL: all), oldest first;
 * tombstones are left out. An array of CalqueRecord. */
GPtrArray    *calque_store_list          (CalqueStore   *self,
                                          CalqueKind     kind,
                                          const char    *project_id,
                                          GError       **error);
/* The records of one kind (annotations, tasks, comments) that belong to
 * item @item_id, oldest first; tombstones are left out. Indexed: opening
 * an item of a large project does not read the project. */
GPtrArray    *calque_store_list_for_item (CalqueStore  *self,
                                          CalqueKind     kind,
                                          const char    *item_id,
                                          GError       **error);
/* The same, without the records' clocks: for readers that never save
 * them back (an export reads a million annotations this way, a third
 * faster). */
GPtrArray    *calque_store_list_for_item_to_read (CalqueStore *self,
                                          CalqueKind     kind,
                                          const char    *item_id,
                                          GError       **error);
/* Every record of a project, tombstones included, projects first, then in
 * the order that lets a reader resolve references (labels before items
 * before tasks before annotations). */
GPtrArray    *calque_store_list_project  (CalqueStore   *self,
                                          const char    *project_id,
                                          GError       **error);
/* Calls @func on every record of a project, in the order of
 * calque_store_list_project(), without holding them all in memory. @func
 * returns FALSE with an error to stop. */
typedef gboolean (*CalqueRecordFunc) (CalqueRecord *record,
                                      gpointer      user_data,
                                      GError      **error);
gboolean      calque_store_foreach_project (CalqueStore *self,
                                          const char    *project_id,
                                          CalqueRecordFunc func,
                                          gpointer       user_data,
                                          GError       **error);
gint64        calque_store_count         (CalqueStore   *self,
                                          CalqueKind     kind,
                                          const char    *project_id,
                                          GError       **error);
/* The item of @project_id whose blob is @sha256, or NULL (no error) if none. */
CalqueRecord *calque_store_find_item_by_sha256 (CalqueStore *self,
                                          const char    *project_id,
                                          const char    *sha256,
                                          GError       **error);
/* The first item of @project_id cut from a text file whose hash is @sha256. */
CalqueRecord *calque_store_find_item_by_source (CalqueStore *self,
                                          const char    *project_id,
                                          const char    *sha256,
                                          GError       **error);
gint64        calque_store_get_outbox_size (CalqueStore *self,
                                          GError       **error);

G_END_DECLS
