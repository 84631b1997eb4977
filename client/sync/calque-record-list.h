/* calque-record-list.h — the records of one kind of a project, as a list model
 *
 * A GListModel of CalqueRecord, in id order (the store's order), that views
 * bind to. It is told which records changed — by the sync engine's
 * "records-changed", or by whoever saved them — and re-reads only those,
 * emitting items-changed for each insertion, update and removal, so that an
 * open view follows edits from elsewhere live. Deleted records leave it.
 *
 * GTK-free: GListModel is GIO's.
 */
#pragma once

#include <gio/gio.h>
#include "calque-store.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_RECORD_LIST (calque_record_list_get_type ())
G_DECLARE_FINAL_TYPE (CalqueRecordList, calque_record_list, CALQUE, RECORD_LIST, GObject)

CalqueRecordList *calque_record_list_new     (CalqueStore       *store,
                                              const char        *project_id,
                                              CalqueKind         kind,
                                              GError           **error);
/* Re-reads the records @ids (NULL-terminated); those not of this list's
 * kind and project are passed over. */
void              calque_record_list_refresh (CalqueRecordList  *self,
                                              const char * const *ids);

G_END_DECLS
