/* calque-record.h — every synced thing is a record
 *
 * A record is {id, kind, project, fields…, deleted}, as described in
 * DESIGN.md. Fields are kept as a JSON object because that is what they are
 * on the wire and in the store, and because sync merges them one field at a
 * time; each kind has a schema (see calque-record.c) that says which fields
 * exist, their types and which are required, and calque_record_validate()
 * checks a record against it.
 *
 * Each field may carry the hybrid logical clock of its last write (see
 * calque-hlc.h); the local store and the merge fill them, the JSON codec of
 * the record itself leaves them out.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "calque-shape.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_KIND_PROJECT,
  CALQUE_KIND_MEMBER,
  CALQUE_KIND_LABEL,
  CALQUE_KIND_ITEM,
  CALQUE_KIND_TASK,
  CALQUE_KIND_ANNOTATION,
  CALQUE_KIND_COMMENT,
  CALQUE_KIND_REVIEW,
  CALQUE_KIND_CONFLICT,
  CALQUE_N_KINDS
} CalqueKind;

/* What a project annotates, and what an item holds. */
typedef enum {
  CALQUE_MEDIA_IMAGE,
  CALQUE_MEDIA_TEXT,
  CALQUE_MEDIA_AUDIO,
} CalqueMediaType;

#define CALQUE_RECORD_ERROR (calque_record_error_quark ())
typedef enum {
  CALQUE_RECORD_ERROR_UNKNOWN_KIND,   /* "kind" names no kind of record */
  CALQUE_RECORD_ERROR_UNKNOWN_FIELD,  /* a field the kind's schema does not have */
  CALQUE_RECORD_ERROR_MISSING_FIELD,  /* a required field is absent */
  CALQUE_RECORD_ERROR_FIELD_TYPE,     /* a field has the wrong JSON type */
  CALQUE_RECORD_ERROR_VALUE,          /* right type, value out of range or not allowed */
  CALQUE_RECORD_ERROR_ID,             /* an id that is not a UUID */
  CALQUE_RECORD_ERROR_SYNTAX,         /* not JSON, or not an object */
} CalqueRecordError;

GQuark calque_record_error_quark (void);

const char *calque_kind_to_string       (CalqueKind       kind);
gboolean    calque_kind_from_string     (const char      *str,
                                         CalqueKind      *out_kind);
/* Whether @field is one of the fields a @kind of record may have. */
gboolean    calque_kind_has_field       (CalqueKind       kind,
                                         const char      *field);
const char *calque_media_type_to_string (CalqueMediaType  type);
gboolean    calque_media_type_from_string (const char    *str,
                                         CalqueMediaType *out_type);

#define CALQUE_TYPE_RECORD (calque_record_get_type ())
G_DECLARE_FINAL_TYPE (CalqueRecord, calque_record, CALQUE, RECORD, GObject)

CalqueRecord *calque_record_new           (CalqueKind     kind,
                                           const char    *project_id);
CalqueRecord *calque_record_new_with_id   (CalqueKind     kind,
                                           const char    *id,
                                           const char    *project_id);
CalqueRecord *calque_record_copy          (CalqueRecord  *self);

const char   *calque_record_get_id        (CalqueRecord  *self);
CalqueKind    calque_record_get_kind      (CalqueRecord  *self);
/* The project a record belongs to; for a project record, its own id. */
const char   *calque_record_get_project   (CalqueRecord  *self);
gboolean      calque_record_get_deleted   (CalqueRecord  *self);
void          calque_record_set_deleted   (CalqueRecord  *self,
                                           gboolean       deleted);

/* The fields, borrowed. Callers may read them; writes go through the setters
 * so that the record knows which fields changed. */
JsonObject   *calque_record_get_fields    (CalqueRecord  *self);
gboolean      calque_record_has_field     (CalqueRecord  *self,
                                           const char    *field);
JsonNode     *calque_record_get_field     (CalqueRecord  *self,
                                           const char    *field);
const char   *calque_record_get_string    (CalqueRecord  *self,
                                           const char    *field);
gint64        calque_record_get_int       (CalqueRecord  *self,
                                           const char    *field,
                                           gint64         fallback);
double        calque_record_get_double    (CalqueRecord  *self,
                                           const char    *field,
                                           double         fallback);
gboolean      calque_record_get_bool      (CalqueRecord  *self,
                                           const char    *field,
                                           gboolean       fallback);

void          calque_record_set_string    (CalqueRecord  *self,
                                           const char    *field,
                                           const char    *value);
void          calque_record_set_int       (CalqueRecord  *self,
                                           const char    *field,
                                           gint64         value);
void          calque_record_set_double    (CalqueRecord  *self,
                                           const char    *field,
                                           double         value);
void          calque_record_set_bool      (CalqueRecord  *self,
                                           const char    *field,
                                           gboolean       value);
/* Takes ownership of @value. */
void          calque_record_set_field     (CalqueRecord  *self,
                                           const char    *field,
                                           JsonNode      *value);
void          calque_record_remove_field  (CalqueRecord  *self,
                                           const char    *field);

/* Per-field clocks, as the strings of calque_hlc_to_string(). */
const char   *calque_record_get_clock     (CalqueRecord  *self,
                                           const char    *field);
void          calque_record_set_clock     (CalqueRecord  *self,
                                           const char    *field,
                                           const char    *hlc);

/* Per-field server sequence numbers: the seq of the change that last wrote
 * the field (0 if unknown). The merge compares them with a writer's
 * base_seq to tell a concurrent write from one the writer had seen. */
gint64        calque_record_get_seq       (CalqueRecord  *self,
                                           const char    *field);
void          calque_record_set_seq       (CalqueRecord  *self,
                                           const char    *field,
                                           gint64         seq);

/* Fields set or removed since the record was made or last marked clean;
 * the store stamps clocks on exactly these. */
GStrv         calque_record_dup_dirty_fields (CalqueRecord *self);
void          calque_record_mark_clean    (CalqueRecord  *self);

/* Checks every field against the kind's schema, then the rules of the kind
 * (a label's color, a confidence in [0, 1], an annotation's shape…). The
 * message names the record and the field. */
gboolean      calque_record_validate      (CalqueRecord  *self,
                                           GError       **error);

/* An annotation's shape, parsed; NULL with an error if absent or invalid. */
CalqueShape  *calque_record_dup_shape     (CalqueRecord  *self,
                                           GError       **error);
void          calque_record_set_shape     (CalqueRecord  *self,
                                           const CalqueShape *shape);
/* What an item's annotations must fit in (its size, length or duration). */
void          calque_item_get_bounds      (CalqueRecord  *item,
                                           CalqueShapeBounds *out_bounds);
/* Checks an annotation's shape against its item. */
gboolean      calque_annotation_validate_for_item (CalqueRecord *annotation,
                                           CalqueRecord  *item,
                                           GError       **error);

/* Pre-annotations (a model's predictions, imported for annotators to
 * accept or fix) are annotations whose author is "model:NAME". User names
 * never contain ":" (calque_auth_check_user_name()), so no person can
 * pass for a model. An annotator who accepts or fixes one makes an
 * annotation of their own whose "source" is the prediction's id. */
#define CALQUE_MODEL_AUTHOR_PREFIX "model:"
gboolean      calque_author_is_model      (const char    *author);

/* A copy of @node that shares nothing with it (json_node_copy() shares
 * the members of objects and arrays). */
JsonNode     *calque_json_node_deep_copy  (JsonNode      *node);

/* Same id, kind, project, deleted flag and fields (clocks are not compared). */
gboolean      calque_record_equal         (CalqueRecord  *a,
                                           CalqueRecord  *b);

G_END_DECLS
