/* calque-record-private.h — for the store, which builds records from rows */
#pragma once

#include "calque-record.h"

G_BEGIN_DECLS

/* Replaces the fields with @fields (transfer full) without marking them
 * dirty: the record is as it was stored. */
void _calque_record_take_fields (CalqueRecord *self,
                                 JsonObject   *fields);
/* The clocks as a JSON object text {"field": "clock", …}, or "{}". */
char *_calque_record_dup_clocks_json (CalqueRecord *self);
/* The per-field seqs as a JSON object text {"field": seq, …}, or "{}". */
char *_calque_record_dup_seqs_json (CalqueRecord *self);
/* Whether the record was made by calque_record_new(), has never been
 * saved, and every field it has is one it changed (none was removed, it
 * is not deleted): its first save is the whole record, under a new id no
 * store can hold yet. */
gboolean _calque_record_is_whole_and_new (CalqueRecord *self);
/* The clock every field has, when the record has one for each of its
 * fields, the same, and no other (a record saved once); NULL otherwise. */
const char *_calque_record_get_only_clock (CalqueRecord *self);
/* The greatest clock, or NULL if there is none. */
const char *_calque_record_get_max_clock (CalqueRecord *self);

G_END_DECLS
