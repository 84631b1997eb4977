/* calque-change.h — one edit of one record, as it travels
 *
 * What a client pushes and what the server streams back (DESIGN.md, "Sync
 * and merge"): the fields a client set on a record, under one hybrid
 * logical clock, with the server sequence the client had seen when it made
 * the edit. (client_id, op_no) names a change uniquely, so a retry after a
 * lost acknowledgement is recognised and applied once.
 *
 * JSON form:
 *   {"client":"<uuid>","op":17,"id":"<record uuid>","kind":"annotation",
 *    "project":"<uuid>","set":{"labels":["…"],"confidence":0.8},
 *    "clock":"019ab84f5c7b0007-deadbeef01020304","base_seq":120,
 *    "delete":false,"undelete":false,"seq":0,"author":"amelie"}
 * "set" maps a field to its new value; null removes the field. "seq" and
 * "author" are the server's to fill; a client sends 0 and omits author.
 */
#pragma once

#include "calque-hlc.h"
#include "calque-record.h"

G_BEGIN_DECLS

#define CALQUE_CHANGE_ERROR (calque_change_error_quark ())
typedef enum {
  CALQUE_CHANGE_ERROR_SYNTAX,   /* not a change: missing or mistyped member */
  CALQUE_CHANGE_ERROR_VALUE,    /* a member out of range (op 0, bad id, …) */
} CalqueChangeError;

GQuark calque_change_error_quark (void);

typedef struct {
  char       *client_id;   /* UUID of the writing client (its workspace) */
  guint64     op_no;       /* per client, from 1, increasing */
  char       *record_id;
  CalqueKind  kind;
  char       *project;
  JsonObject *set;         /* field → value; JSON null removes the field */
  gboolean    delete_record;
  gboolean    undelete;
  CalqueHlc   hlc;         /* one clock for the whole change */
  gint64      base_seq;    /* the project seq the writer had seen */
  gint64      seq;         /* given by the server; 0 before */
  char       *author;      /* the user, set by the server from the session */
} CalqueChange;

CalqueChange *calque_change_new       (const char      *client_id,
                                       guint64          op_no,
                                       CalqueKind       kind,
                                       const char      *record_id,
                                       const char      *project);
CalqueChange *calque_change_copy      (const CalqueChange *self);
void          calque_change_free      (CalqueChange    *self);
/* Takes ownership of @value. */
void          calque_change_set_field (CalqueChange    *self,
                                       const char      *field,
                                       JsonNode        *value);

JsonNode     *calque_change_to_json   (const CalqueChange *self);
/* Strict: every member of the right type, no unknown member, ids that are
 * UUIDs, a kind that exists, op ≥ 1, base_seq ≥ 0, a well-formed clock,
 * "set" an object whose names are fields of the kind. */
CalqueChange *calque_change_from_json (JsonNode        *node,
                                       GError         **error);
/* The same, for a change in a decoded message: a member that @node lacks
 * is taken from @common (NULL: none; the members that a changes page
 * writes once for all its changes), and the change's "set" is @node's own
 * object, not a copy. The caller drops @node afterwards and does not
 * change it. */
CalqueChange *calque_change_from_message_json (JsonNode        *node,
                                               JsonObject      *common,
                                               GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueChange, calque_change_free)

G_END_DECLS
