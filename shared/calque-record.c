/* calque-record.c — records, the schema of each kind, and validation */
#define G_LOG_DOMAIN "calque-record"

#include "calque-record.h"
#include "calque-uuid.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (calque-record-error-quark, calque_record_error)

struct _CalqueRecord {
  GObject parent_instance;

  char id[CALQUE_UUID_STRING_LENGTH + 1];
  CalqueKind kind;
  char *project;
  gboolean deleted;
  JsonObject *fields;
  GHashTable *clocks;   /* field → clock string; NULL until one is set */
  GHashTable *seqs;     /* field → gint64 *, server seq of the last write; NULL until set */
  GHashTable *dirty;    /* set of field names changed since mark_clean */
  gboolean fresh;       /* made by calque_record_new() and never saved */
};

G_DEFINE_FINAL_TYPE (CalqueRecord, calque_record, G_TYPE_OBJECT)

/* --- kinds and their schemas --------------------------------------------- */

static const char *kind_names[] = {
  [CALQUE_KIND_PROJECT] = "project",
  [CALQUE_KIND_MEMBER] = "member",
  [CALQUE_KIND_LABEL] = "label",
  [CALQUE_KIND_ITEM] = "item",
  [CALQUE_KIND_TASK] = "task",
  [CALQUE_KIND_ANNOTATION] = "annotation",
  [CALQUE_KIND_COMMENT] = "comment",
  [CALQUE_KIND_REVIEW] = "review",
  [CALQUE_KIND_CONFLICT] = "conflict",
};

static const char *media_names[] = {
  [CALQUE_MEDIA_IMAGE] = "image",
  [CALQUE_MEDIA_TEXT] = "text",
  [CALQUE_MEDIA_AUDIO] = "audio",
};

typedef enum {
  FIELD_STRING,     /* a short string: a name, a mime type (≤ MAX_SHORT bytes) */
  FIELD_TEXT,       /* a long string: a text item, a comment (≤ MAX_TEXT bytes) */
  FIELD_ID,         /* a UUID referring to another record */
  FIELD_INT,        /* a whole number within [min, max] */
  FIELD_NUMBER,     /* a finite number within [min, max] */
  FIELD_BOOL,
  FIELD_ENUM,       /* one of choices */
  FIELD_OBJECT,     /* free-form JSON object (metadata, attribute values) */
  FIELD_ID_ARRAY,   /* array of UUIDs (an annotation's labels) */
  FIELD_SHAPE,      /* calque-shape.h */
  FIELD_COLOR,      /* "#rrggbb" */
  FIELD_SHA256,     /* 64 lowercase hex digits */
  FIELD_TIME,       /* Unix milliseconds */
  FIELD_ATTR_DEFS,  /* a label's attribute definitions */
  FIELD_ANY,        /* any JSON value (a conflict's losing value) */
} FieldType;

typedef struct {
  const char *name;
  FieldType type;
  gboolean required;
  const char * const *choices;
  double min, max;
} FieldSpec;

#define MAX_SHORT 1024
#define MAX_TEXT (16 * 1024 * 1024)

static const char * const media_choices[] = { "image", "text", "audio", NULL };
static const char * const role_choices[] = { "owner", "manager", "reviewer", "annotator", "viewer", NULL };
static const char * const task_state_choices[] = { "new", "in_progress", "submitted", "accepted", "rejected", NULL };
static const char * const decision_choices[] = { "accepted", "rejected", "merged", NULL };

static const FieldSpec project_fields[] = {
  { "name", FIELD_STRING, TRUE },
  { "type", FIELD_ENUM, TRUE, media_choices },
  { "description", FIELD_TEXT },
  { "overlap", FIELD_INT, FALSE, NULL, 1, 5 },
  { "overlap_share", FIELD_NUMBER, FALSE, NULL, 0, 1 },
  { "multi_label", FIELD_BOOL },
  { "created", FIELD_TIME },
  { NULL }
};

static const FieldSpec member_fields[] = {
  { "user", FIELD_STRING, TRUE },
  { "role", FIELD_ENUM, TRUE, role_choices },
  { NULL }
};

static const FieldSpec label_fields[] = {
  { "name", FIELD_STRING, TRUE },
  { "color", FIELD_COLOR, TRUE },
  { "shortcut", FIELD_STRING },
  { "parent", FIELD_ID },
  { "attributes", FIELD_ATTR_DEFS },
  { "position", FIELD_INT, FALSE, NULL, 0, G_MAXINT32 },
  { NULL }
};

static const FieldSpec item_fields[] = {
  { "media", FIELD_ENUM, TRUE, media_choices },
  { "name", FIELD_STRING, TRUE },
  { "mime", FIELD_STRING },
  { "size", FIELD_INT, FALSE, NULL, 0, (double) G_MAXINT64 },
  { "sha256", FIELD_SHA256 },
  { "url", FIELD_STRING },
  { "width", FIELD_INT, FALSE, NULL, 1, 1 << 20 },
  { "height", FIELD_INT, FALSE, NULL, 1, 1 << 20 },
  { "duration", FIELD_NUMBER, FALSE, NULL, 0, 1e7 },
  { "sample_rate", FIELD_INT, FALSE, NULL, 1, 1 << 24 },
  { "channels", FIELD_INT, FALSE, NULL, 1, 256 },
  { "text", FIELD_TEXT },
  { "metadata", FIELD_OBJECT },
  /* Text items cut from a file: the file's hash and the item's line, so
   * that importing the same file twice is noticed. */
  { "source_sha256", FIELD_SHA256 },
  { "source_line", FIELD_INT, FALSE, NULL, 1, (double) G_MAXINT64 },
  { "created", FIELD_TIME },
  { NULL }
};

static const FieldSpec task_fields[] = {
  { "item", FIELD_ID, TRUE },
  { "annotator", FIELD_STRING, TRUE },
  { "state", FIELD_ENUM, TRUE, task_state_choices },
  /* Milliseconds the annotator spent actively on the task in the app
   * (window focused, input in the last minute), summed over sessions. */
  { "active_ms", FIELD_INT, FALSE, NULL, 0, (double) G_MAXINT64 },
  { "created", FIELD_TIME },
  { "updated", FIELD_TIME },
  { NULL }
};

static const FieldSpec annotation_fields[] = {
  { "item", FIELD_ID, TRUE },
  { "task", FIELD_ID },
  { "author", FIELD_STRING, TRUE },
  { "labels", FIELD_ID_ARRAY, TRUE },
  { "shape", FIELD_SHAPE, TRUE },
  { "attributes", FIELD_OBJECT },
  { "confidence", FIELD_NUMBER, FALSE, NULL, 0, 1 },
  { "source", FIELD_ID },
  { "created", FIELD_TIME },
  { "updated", FIELD_TIME },
  { NULL }
};

static const FieldSpec comment_fields[] = {
  { "item", FIELD_ID, TRUE },
  { "annotation", FIELD_ID },
  { "parent", FIELD_ID },
  { "author", FIELD_STRING, TRUE },
  { "text", FIELD_TEXT, TRUE },
  { "resolved", FIELD_BOOL },
  { "created", FIELD_TIME },
  { "edited", FIELD_TIME },
  { NULL }
};

static const FieldSpec review_fields[] = {
  { "item", FIELD_ID, TRUE },
  { "task", FIELD_ID },
  { "reviewer", FIELD_STRING, TRUE },
  { "decision", FIELD_ENUM, TRUE, decision_choices },
  { "comment", FIELD_TEXT },
  { "created", FIELD_TIME },
  { NULL }
};

static const FieldSpec conflict_fields[] = {
  { "record", FIELD_ID, TRUE },
  { "field", FIELD_STRING, TRUE },
  { "value", FIELD_ANY, TRUE },
  { "clock", FIELD_STRING },
  { "author", FIELD_STRING },
  { "seq", FIELD_INT, FALSE, NULL, 0, (double) G_MAXINT64 },
  { "created", FIELD_TIME },
  { NULL }
};

static const FieldSpec *schemas[] = {
  [CALQUE_KIND_PROJECT] = project_fields,
  [CALQUE_KIND_MEMBER] = member_fields,
  [CALQUE_KIND_LABEL] = label_fields,
  [CALQUE_KIND_ITEM] = item_fields,
  [CALQUE_KIND_TASK] = task_fields,
  [CALQUE_KIND_ANNOTATION] = annotation_fields,
  [CALQUE_KIND_COMMENT] = comment_fields,
  [CALQUE_KIND_REVIEW] = review_fields,
  [CALQUE_KIND_CONFLICT] = conflict_fields,
};

const char *
calque_kind_to_string (CalqueKind kind)
{
  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
calque_kind_from_string (const char *str,
                         CalqueKind *out_kind)
{
  for (guint i = 0; i < CALQUE_N_KINDS; i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        *out_kind = (CalqueKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
calque_media_type_to_string (CalqueMediaType type)
{
  g_return_val_if_fail (type <= CALQUE_MEDIA_AUDIO, NULL);
  return media_names[type];
}

gboolean
calque_media_type_from_string (const char      *str,
                               CalqueMediaType *out_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (media_names); i++)
    if (g_strcmp0 (str, media_names[i]) == 0)
      {
        *out_type = (CalqueMediaType) i;
        return TRUE;
      }
  return FALSE;
}

static const FieldSpec *
find_spec (CalqueKind  kind,
           const char *name)
{
  for (const FieldSpec *spec = schemas[kind]; spec->name; spec++)
    if (strcmp (spec->name, name) == 0)
      return spec;
  return NULL;
}

/* qsort over an array of strings passes pointers to the elements. */
static int
compare_string_ptrs (const void *a,
                     const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
calque_kind_has_field (CalqueKind  kind,
                       const char *field)
{
  g_return_val_if_fail (kind < CALQUE_N_KINDS, FALSE);
  return field != NULL && find_spec (kind, field) != NULL;
}

/* --- GObject ------------------------------------------------------------- */

static void
calque_record_finalize (GObject *object)
{
  CalqueRecord *self = (CalqueRecord *) object;

  g_free (self->project);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->clocks, g_hash_table_unref);
  g_clear_pointer (&self->seqs, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);

  G_OBJECT_CLASS (calque_record_parent_class)->finalize (object);
}

static void
calque_record_class_init (CalqueRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_record_finalize;
}

static void
calque_record_init (CalqueRecord *self)
{
  self->fields = json_object_new ();
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CalqueRecord *
calque_record_new_with_id (CalqueKind  kind,
                           const char *id,
                           const char *project_id)
{
  CalqueRecord *self;

  g_return_val_if_fail (kind < CALQUE_N_KINDS, NULL);
  g_return_val_if_fail (id != NULL && strlen (id) == CALQUE_UUID_STRING_LENGTH, NULL);
  g_return_val_if_fail (project_id != NULL || kind == CALQUE_KIND_PROJECT, NULL);

  self = g_object_new (CALQUE_TYPE_RECORD, NULL);
  self->kind = kind;
  memcpy (self->id, id, sizeof self->id);
  self->project = g_strdup (project_id ? project_id : id);
  return self;
}

CalqueRecord *
calque_record_new (CalqueKind  kind,
                   const char *project_id)
{
  char id[CALQUE_UUID_STRING_LENGTH + 1];

  CalqueRecord *self;

  calque_uuid7_generate (id);
  self = calque_record_new_with_id (kind, id, project_id);
  if (self != NULL)
    self->fresh = TRUE;
  return self;
}

JsonNode *
calque_json_node_deep_copy (JsonNode *node)
{
  JsonNode *result;

  g_return_val_if_fail (node != NULL, NULL);

  /* json_node_take_*() rather than json_node_init_*(): init adds a
   * reference of its own, and the new object or array would leak. */
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *copy = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      /* In order: a copy must write out exactly as the original does. */
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        json_object_set_member (copy, name, calque_json_node_deep_copy (member));
      result = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (result, copy);
      return result;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *source = json_node_get_array (node);
      JsonArray *copy = json_array_sized_new (json_array_get_length (source));

      for (guint i = 0; i < json_array_get_length (source); i++)
        json_array_add_element (copy, calque_json_node_deep_copy (json_array_get_element (source, i)));
      result = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (result, copy);
      return result;
    }
  return json_node_copy (node);  /* values and null are copied by value */
}

CalqueRecord *
calque_record_copy (CalqueRecord *self)
{
  CalqueRecord *copy;
  g_autoptr(JsonNode) wrapper = NULL;
  g_autoptr(JsonNode) fields = NULL;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);

  copy = calque_record_new_with_id (self->kind, self->id, self->project);
  copy->deleted = self->deleted;
  wrapper = json_node_init_object (json_node_alloc (), self->fields);
  fields = calque_json_node_deep_copy (wrapper);
  json_object_unref (copy->fields);
  copy->fields = json_object_ref (json_node_get_object (fields));
  if (self->clocks)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->clocks);
      while (g_hash_table_iter_next (&iter, &key, &value))
        calque_record_set_clock (copy, key, value);
    }
  if (self->seqs)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->seqs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        calque_record_set_seq (copy, key, *(gint64 *) value);
    }
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->dirty);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_hash_table_add (copy->dirty, g_strdup (key));
  }
  return copy;
}

const char *
calque_record_get_id (CalqueRecord *self)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  return self->id;
}

CalqueKind
calque_record_get_kind (CalqueRecord *self)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), CALQUE_N_KINDS);
  return self->kind;
}

const char *
calque_record_get_project (CalqueRecord *self)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  return self->project;
}

gboolean
calque_record_get_deleted (CalqueRecord *self)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), FALSE);
  return self->deleted;
}

void
calque_record_set_deleted (CalqueRecord *self,
                           gboolean      deleted)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));

  deleted = !!deleted;
  if (self->deleted != deleted)
    {
      self->deleted = deleted;
      g_hash_table_add (self->dirty, g_strdup ("deleted"));
    }
}

JsonObject *
calque_record_get_fields (CalqueRecord *self)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  return self->fields;
}

gboolean
calque_record_has_field (CalqueRecord *self,
                         const char   *field)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), FALSE);
  return json_object_has_member (self->fields, field);
}

JsonNode *
calque_record_get_field (CalqueRecord *self,
                         const char   *field)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  return json_object_get_member (self->fields, field);
}

static JsonNode *
get_value_node (CalqueRecord *self,
                const char   *field)
{
  JsonNode *node = json_object_get_member (self->fields, field);

  return node && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

const char *
calque_record_get_string (CalqueRecord *self,
                          const char   *field)
{
  JsonNode *node;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  node = get_value_node (self, field);
  return node && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

gint64
calque_record_get_int (CalqueRecord *self,
                       const char   *field,
                       gint64        fallback)
{
  JsonNode *node;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), fallback);
  node = get_value_node (self, field);
  if (node && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (node && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

double
calque_record_get_double (CalqueRecord *self,
                          const char   *field,
                          double        fallback)
{
  JsonNode *node;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), fallback);
  node = get_value_node (self, field);
  if (node && (json_node_get_value_type (node) == G_TYPE_DOUBLE
               || json_node_get_value_type (node) == G_TYPE_INT64))
    return json_node_get_double (node);
  return fallback;
}

gboolean
calque_record_get_bool (CalqueRecord *self,
                        const char   *field,
                        gboolean      fallback)
{
  JsonNode *node;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), fallback);
  node = get_value_node (self, field);
  return node && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         ? json_node_get_boolean (node) : fallback;
}

void
calque_record_set_field (CalqueRecord *self,
                         const char   *field,
                         JsonNode     *value)
{
  JsonNode *old;

  g_return_if_fail (CALQUE_IS_RECORD (self));
  g_return_if_fail (field != NULL && value != NULL);

  /* Writing the same value again is not a change: it must not get a new
   * clock, or it could win a merge against a real edit made elsewhere. */
  old = json_object_get_member (self->fields, field);
  if (old != NULL && json_node_equal (old, value))
    {
      json_node_unref (value);
      return;
    }

  json_object_set_member (self->fields, field, value);
  g_hash_table_add (self->dirty, g_strdup (field));
}

void
calque_record_set_string (CalqueRecord *self,
                          const char   *field,
                          const char   *value)
{
  if (value == NULL)
    calque_record_remove_field (self, field);
  else
    calque_record_set_field (self, field, json_node_init_string (json_node_alloc (), value));
}

void
calque_record_set_int (CalqueRecord *self,
                       const char   *field,
                       gint64        value)
{
  calque_record_set_field (self, field, json_node_init_int (json_node_alloc (), value));
}

void
calque_record_set_double (CalqueRecord *self,
                          const char   *field,
                          double        value)
{
  calque_record_set_field (self, field, json_node_init_double (json_node_alloc (), value));
}

void
calque_record_set_bool (CalqueRecord *self,
                        const char   *field,
                        gboolean      value)
{
  calque_record_set_field (self, field, json_node_init_boolean (json_node_alloc (), value));
}

void
calque_record_remove_field (CalqueRecord *self,
                            const char   *field)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));

  if (json_object_has_member (self->fields, field))
    {
      json_object_remove_member (self->fields, field);
      g_hash_table_add (self->dirty, g_strdup (field));
    }
}

const char *
calque_record_get_clock (CalqueRecord *self,
                         const char   *field)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);
  return self->clocks ? g_hash_table_lookup (self->clocks, field) : NULL;
}

void
calque_record_set_clock (CalqueRecord *self,
                         const char   *field,
                         const char   *hlc)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));

  if (self->clocks == NULL)
    self->clocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (hlc)
    g_hash_table_insert (self->clocks, g_strdup (field), g_strdup (hlc));
  else
    g_hash_table_remove (self->clocks, field);
}

gint64
calque_record_get_seq (CalqueRecord *self,
                       const char   *field)
{
  gint64 *seq;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), 0);
  seq = self->seqs ? g_hash_table_lookup (self->seqs, field) : NULL;
  return seq ? *seq : 0;
}

void
calque_record_set_seq (CalqueRecord *self,
                       const char   *field,
                       gint64        seq)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));

  if (self->seqs == NULL)
    self->seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (self->seqs, g_strdup (field), g_memdup2 (&seq, sizeof seq));
}

GStrv
calque_record_dup_dirty_fields (CalqueRecord *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree gpointer *keys = NULL;
  guint n;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);

  keys = g_hash_table_get_keys_as_array (self->dirty, &n);
  /* Sorted, so that stored outbox entries and tests are stable. */
  qsort (keys, n, sizeof (gpointer), compare_string_ptrs);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, keys[i]);
  return g_strv_builder_end (builder);
}

void
calque_record_mark_clean (CalqueRecord *self)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));
  g_hash_table_remove_all (self->dirty);
  self->fresh = FALSE;
}

/* --- validation ---------------------------------------------------------- */

static gboolean
is_color (const char *s)
{
  if (strlen (s) != 7 || s[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_sha256 (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return FALSE;
  return TRUE;
}

static GType
value_type (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
}

static gboolean
field_error (GError       **error,
             CalqueRecord  *self,
             const char    *field,
             int            code,
             const char    *format,
             ...) G_GNUC_PRINTF (5, 6);

static gboolean
field_error (GError       **error,
             CalqueRecord  *self,
             const char    *field,
             int            code,
             const char    *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: e.g. "label 0192…: “color”: “red” is not a color like #e01b24" */
  g_set_error (error, CALQUE_RECORD_ERROR, code, _("%s %s: “%s”: %s"),
               kind_names[self->kind], self->id, field, what);
  return FALSE;
}

static gboolean
validate_string (CalqueRecord *self,
                 const char   *field,
                 JsonNode     *node,
                 gsize         max,
                 GError      **error)
{
  const char *s;
  gsize len;

  if (value_type (node) != G_TYPE_STRING)
    return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE, _("must be a string"));

  s = json_node_get_string (node);
  len = strlen (s);
  if (!g_utf8_validate (s, len, NULL))
    return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE, _("is not valid UTF-8"));
  if (len > max)
    return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                        _("is %zu bytes long; at most %zu are allowed"), len, max);
  return TRUE;
}

static gboolean
validate_attr_defs (CalqueRecord *self,
                    const char   *field,
                    JsonNode     *node,
                    GError      **error)
{
  static const char * const types[] = { "bool", "enum", "number", "text", NULL };
  static const char * const members[] = { "name", "type", "options", "min", "max", "default", NULL };
  JsonArray *array;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                        _("must be an array of attribute definitions"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *def;
      const char *name, *type;
      g_autoptr(GList) keys = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                            _("definition %u is not an object"), i + 1);
      def = json_node_get_object (element);
      keys = json_object_get_members (def);
      for (GList *l = keys; l; l = l->next)
        if (!g_strv_contains (members, l->data))
          return field_error (error, self, field, CALQUE_RECORD_ERROR_UNKNOWN_FIELD,
                              _("definition %u has an unknown member “%s”"),
                              i + 1, (const char *) l->data);

      name = json_object_has_member (def, "name")
             && value_type (json_object_get_member (def, "name")) == G_TYPE_STRING
             ? json_object_get_string_member (def, "name") : NULL;
      type = json_object_has_member (def, "type")
             && value_type (json_object_get_member (def, "type")) == G_TYPE_STRING
             ? json_object_get_string_member (def, "type") : NULL;
      if (name == NULL || *name == '\0')
        return field_error (error, self, field, CALQUE_RECORD_ERROR_MISSING_FIELD,
                            _("definition %u has no name"), i + 1);
      if (!g_hash_table_add (names, (gpointer) name))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                            _("attribute “%s” is defined twice"), name);
      if (type == NULL || !g_strv_contains (types, type))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                            _("attribute “%s” has type “%s”; expected bool, enum, number or text"),
                            name, type ? type : "");

      if (strcmp (type, "enum") == 0)
        {
          JsonNode *options = json_object_get_member (def, "options");

          if (options == NULL || !JSON_NODE_HOLDS_ARRAY (options)
              || json_array_get_length (json_node_get_array (options)) == 0)
            return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                                _("enum attribute “%s” needs a non-empty list of options"), name);
          for (guint j = 0; j < json_array_get_length (json_node_get_array (options)); j++)
            if (value_type (json_array_get_element (json_node_get_array (options), j)) != G_TYPE_STRING)
              return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                                  _("enum attribute “%s”: option %u is not a string"), name, j + 1);
        }
      else if (json_object_has_member (def, "options"))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                            _("attribute “%s”: only enum attributes have options"), name);

      for (const char *bound = "min"; bound; bound = strcmp (bound, "min") == 0 ? "max" : NULL)
        if (json_object_has_member (def, bound))
          {
            JsonNode *b = json_object_get_member (def, bound);

            if (strcmp (type, "number") != 0)
              return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                                  _("attribute “%s”: only number attributes have “%s”"), name, bound);
            if ((value_type (b) != G_TYPE_DOUBLE && value_type (b) != G_TYPE_INT64)
                || !isfinite (json_node_get_double (b)))
              return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                                  _("attribute “%s”: “%s” must be a finite number"), name, bound);
          }
    }

  return TRUE;
}

/* Free-form JSON (metadata, attribute values, a conflict's value) is
 * checked like the typed fields: every string and member name UTF-8, and a
 * bound on depth and size, so that nothing stored is unreadable later or
 * large enough to hurt every client that syncs it. */
#define MAX_TREE_DEPTH 32
#define MAX_TREE_BYTES (1024 * 1024)

static gboolean
check_tree (JsonNode  *node,
            int        depth,
            gsize     *budget,
            GError   **error)
{
  if (depth > MAX_TREE_DEPTH)
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE,
                   _("nested more than %d levels deep"), MAX_TREE_DEPTH);
      return FALSE;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            gsize len = strlen (name);

            if (!g_utf8_validate (name, len, NULL))
              {
                g_set_error_literal (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE,
                                     _("a member name is not valid UTF-8"));
                return FALSE;
              }
            if (len + 8 > *budget)
              goto too_big;
            *budget -= len + 8;
            if (!check_tree (member, depth + 1, budget, error))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!check_tree (json_array_get_element (array, i), depth + 1, budget, error))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      /* JSON has no infinity: one would be written back as null. */
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        {
          g_set_error_literal (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE,
                               _("a number is not finite"));
          return FALSE;
        }
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);
          gsize len = strlen (s);

          if (!g_utf8_validate (s, len, NULL))
            {
              g_set_error_literal (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE,
                                   _("a string is not valid UTF-8"));
              return FALSE;
            }
          if (len > *budget)
            goto too_big;
          *budget -= len;
        }
      if (*budget < 8)
        goto too_big;
      *budget -= 8;
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }

too_big:
  g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE,
               _("larger than %d KiB"), MAX_TREE_BYTES / 1024);
  return FALSE;
}

static gboolean
validate_tree (CalqueRecord *self,
               const char   *field,
               JsonNode     *node,
               GError      **error)
{
  gsize budget = MAX_TREE_BYTES;
  g_autoptr(GError) local_error = NULL;

  if (check_tree (node, 0, &budget, &local_error))
    return TRUE;
  return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE, "%s", local_error->message);
}

static gboolean
validate_field (CalqueRecord    *self,
                const FieldSpec *spec,
                JsonNode        *node,
                GError         **error)
{
  const char *field = spec->name;

  switch (spec->type)
    {
    case FIELD_STRING:
      return validate_string (self, field, node, MAX_SHORT, error);

    case FIELD_TEXT:
      return validate_string (self, field, node, MAX_TEXT, error);

    case FIELD_ID:
      if (value_type (node) != G_TYPE_STRING)
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE, _("must be a string"));
      if (!calque_uuid_is_valid (json_node_get_string (node)))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_ID,
                            _("“%s” is not a record id"), json_node_get_string (node));
      return TRUE;

    case FIELD_INT:
    case FIELD_TIME:
      {
        double min = spec->type == FIELD_TIME ? 0 : spec->min;
        double max = spec->type == FIELD_TIME ? (double) G_MAXINT64 : spec->max;

        if (value_type (node) != G_TYPE_INT64)
          return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                              _("must be a whole number"));
        if ((double) json_node_get_int (node) < min || (double) json_node_get_int (node) > max)
          return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                              _("%lld is outside %g…%g"),
                              (long long) json_node_get_int (node), min, max);
        return TRUE;
      }

    case FIELD_NUMBER:
      {
        double value;

        if (value_type (node) != G_TYPE_DOUBLE && value_type (node) != G_TYPE_INT64)
          return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                              _("must be a number"));
        value = json_node_get_double (node);
        if (!isfinite (value))
          return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                              _("is not a finite number"));
        if (value < spec->min || value > spec->max)
          return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                              _("%g is outside %g…%g"), value, spec->min, spec->max);
        return TRUE;
      }

    case FIELD_BOOL:
      if (value_type (node) != G_TYPE_BOOLEAN)
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                            _("must be true or false"));
      return TRUE;

    case FIELD_ENUM:
      if (value_type (node) != G_TYPE_STRING)
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE, _("must be a string"));
      if (!g_strv_contains (spec->choices, json_node_get_string (node)))
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) spec->choices);
          return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                              _("“%s” is not one of %s"), json_node_get_string (node), choices);
        }
      return TRUE;

    case FIELD_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                            _("must be an object"));
      return validate_tree (self, field, node, error);

    case FIELD_ID_ARRAY:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE,
                              _("must be an array of record ids"));
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);

            if (value_type (element) != G_TYPE_STRING
                || !calque_uuid_is_valid (json_node_get_string (element)))
              return field_error (error, self, field, CALQUE_RECORD_ERROR_ID,
                                  _("element %u is not a record id"), i + 1);
          }
        return TRUE;
      }

    case FIELD_SHAPE:
      {
        g_autoptr(GError) local_error = NULL;
        g_autoptr(CalqueShape) shape = calque_shape_from_json (node, &local_error);

        if (shape == NULL)
          return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE, "%s",
                              local_error->message);
        return TRUE;
      }

    case FIELD_COLOR:
      if (value_type (node) != G_TYPE_STRING)
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE, _("must be a string"));
      if (!is_color (json_node_get_string (node)))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                            _("“%s” is not a color like #e01b24"), json_node_get_string (node));
      return TRUE;

    case FIELD_SHA256:
      if (value_type (node) != G_TYPE_STRING)
        return field_error (error, self, field, CALQUE_RECORD_ERROR_FIELD_TYPE, _("must be a string"));
      if (!is_sha256 (json_node_get_string (node)))
        return field_error (error, self, field, CALQUE_RECORD_ERROR_VALUE,
                            _("is not 64 lowercase hex digits"));
      return TRUE;

    case FIELD_ATTR_DEFS:
      return validate_tree (self, field, node, error)
             && validate_attr_defs (self, field, node, error);

    case FIELD_ANY:
      return validate_tree (self, field, node, error);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_blank (const char *s)
{
  for (; s && *s; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

/* Rules that involve the meaning of a field or several fields at once. */
static gboolean
validate_kind_rules (CalqueRecord  *self,
                     GError       **error)
{
  switch (self->kind)
    {
    case CALQUE_KIND_PROJECT:
    case CALQUE_KIND_LABEL:
      if (is_blank (calque_record_get_string (self, "name")))
        return field_error (error, self, "name", CALQUE_RECORD_ERROR_VALUE, _("must not be empty"));
      if (self->kind == CALQUE_KIND_LABEL && calque_record_has_field (self, "shortcut"))
        {
          const char *key = calque_record_get_string (self, "shortcut");

          /* One key: a character ("1", "é") or a key name ("F2"). */
          if (*key == '\0' || strlen (key) > 16 || strpbrk (key, " \t\n+") != NULL)
            return field_error (error, self, "shortcut", CALQUE_RECORD_ERROR_VALUE,
                                _("“%s” is not a single key"), key);
        }
      return TRUE;

    case CALQUE_KIND_ITEM:
      {
        const char *media = calque_record_get_string (self, "media");
        gboolean has_source = calque_record_has_field (self, "sha256")
                              || calque_record_has_field (self, "url");

        if (g_str_equal (media, "text"))
          {
            if (!calque_record_has_field (self, "text"))
              return field_error (error, self, "text", CALQUE_RECORD_ERROR_MISSING_FIELD,
                                  _("a text item needs its text"));
          }
        else
          {
            if (!has_source)
              return field_error (error, self, "sha256", CALQUE_RECORD_ERROR_MISSING_FIELD,
                                  _("an image or audio item needs a blob hash or a URL"));
            if (g_str_equal (media, "image")
                && (!calque_record_has_field (self, "width") || !calque_record_has_field (self, "height")))
              return field_error (error, self, "width", CALQUE_RECORD_ERROR_MISSING_FIELD,
                                  _("an image item needs its width and height"));
            if (g_str_equal (media, "audio") && !calque_record_has_field (self, "duration"))
              return field_error (error, self, "duration", CALQUE_RECORD_ERROR_MISSING_FIELD,
                                  _("an audio item needs its duration"));
          }
        return TRUE;
      }

    case CALQUE_KIND_ANNOTATION:
      {
        JsonNode *shape = json_object_get_member (self->fields, "shape");
        JsonArray *labels = json_object_get_array_member (self->fields, "labels");

        if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (shape), "type", ""),
                       "classification") == 0
            && json_array_get_length (labels) == 0)
          return field_error (error, self, "labels", CALQUE_RECORD_ERROR_VALUE,
                              _("a classification needs at least one label"));
        return TRUE;
      }

    case CALQUE_KIND_MEMBER:
    case CALQUE_KIND_TASK:
    case CALQUE_KIND_COMMENT:
    case CALQUE_KIND_REVIEW:
    case CALQUE_KIND_CONFLICT:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

gboolean
calque_record_validate (CalqueRecord  *self,
                        GError       **error)
{
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), FALSE);

  if (!calque_uuid_is_valid (self->id))
    {
      g_set_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_ID,
                   _("%s: “%s” is not a record id"), kind_names[self->kind], self->id);
      return FALSE;
    }
  if (!calque_uuid_is_valid (self->project))
    return field_error (error, self, "project", CALQUE_RECORD_ERROR_ID,
                        _("“%s” is not a record id"), self->project);
  if (self->kind == CALQUE_KIND_PROJECT && strcmp (self->project, self->id) != 0)
    return field_error (error, self, "project", CALQUE_RECORD_ERROR_VALUE,
                        _("a project belongs to itself"));

  /* A tombstone keeps its last fields but need not be complete. */
  names = json_object_get_members (self->fields);
  for (GList *l = names; l; l = l->next)
    {
      const FieldSpec *spec = find_spec (self->kind, l->data);

      if (spec == NULL)
        return field_error (error, self, l->data, CALQUE_RECORD_ERROR_UNKNOWN_FIELD,
                            _("a %s has no such field"), kind_names[self->kind]);
      if (!validate_field (self, spec, json_object_get_member (self->fields, l->data), error))
        return FALSE;
    }

  if (self->deleted)
    return TRUE;

  for (const FieldSpec *spec = schemas[self->kind]; spec->name; spec++)
    if (spec->required && !json_object_has_member (self->fields, spec->name))
      return field_error (error, self, spec->name, CALQUE_RECORD_ERROR_MISSING_FIELD,
                          _("is required"));

  return validate_kind_rules (self, error);
}

gboolean
calque_record_equal (CalqueRecord *a,
                     CalqueRecord *b)
{
  g_return_val_if_fail (CALQUE_IS_RECORD (a) && CALQUE_IS_RECORD (b), FALSE);

  return a->kind == b->kind
         && strcmp (a->id, b->id) == 0
         && strcmp (a->project, b->project) == 0
         && a->deleted == b->deleted
         && json_object_equal (a->fields, b->fields);
}

CalqueShape *
calque_record_dup_shape (CalqueRecord  *self,
                         GError       **error)
{
  JsonNode *node;
  g_autoptr(GError) local_error = NULL;
  CalqueShape *shape;

  g_return_val_if_fail (CALQUE_IS_RECORD (self), NULL);

  node = json_object_get_member (self->fields, "shape");
  if (node == NULL)
    {
      field_error (error, self, "shape", CALQUE_RECORD_ERROR_MISSING_FIELD, _("is required"));
      return NULL;
    }
  shape = calque_shape_from_json (node, &local_error);
  if (shape == NULL)
    field_error (error, self, "shape", CALQUE_RECORD_ERROR_VALUE, "%s", local_error->message);
  return shape;
}

void
calque_record_set_shape (CalqueRecord      *self,
                         const CalqueShape *shape)
{
  calque_record_set_field (self, "shape", calque_shape_to_json (shape));
}

void
calque_item_get_bounds (CalqueRecord      *item,
                        CalqueShapeBounds *out_bounds)
{
  const char *text;

  g_return_if_fail (CALQUE_IS_RECORD (item) && item->kind == CALQUE_KIND_ITEM);

  *out_bounds = (CalqueShapeBounds) {
    .width = (double) calque_record_get_int (item, "width", 0),
    .height = (double) calque_record_get_int (item, "height", 0),
    .text_length = 0,
    .duration = calque_record_get_double (item, "duration", 0),
    .channels = (int) calque_record_get_int (item, "channels", 0),
  };
  text = calque_record_get_string (item, "text");
  if (text)
    out_bounds->text_length = g_utf8_strlen (text, -1);
}

gboolean
calque_annotation_validate_for_item (CalqueRecord  *annotation,
                                     CalqueRecord  *item,
                                     GError       **error)
{
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) local_error = NULL;
  CalqueShapeBounds bounds;

  g_return_val_if_fail (CALQUE_IS_RECORD (annotation), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (item), FALSE);

  shape = calque_record_dup_shape (annotation, error);
  if (shape == NULL)
    return FALSE;
  calque_item_get_bounds (item, &bounds);
  if (!calque_shape_validate (shape, &bounds, &local_error))
    return field_error (error, annotation, "shape", CALQUE_RECORD_ERROR_VALUE, "%s",
                        local_error->message);
  return TRUE;
}

void
_calque_record_take_fields (CalqueRecord *self,
                            JsonObject   *fields)
{
  g_return_if_fail (CALQUE_IS_RECORD (self));

  g_clear_pointer (&self->fields, json_object_unref);
  self->fields = fields;
  g_hash_table_remove_all (self->dirty);
}

char *
_calque_record_dup_clocks_json (CalqueRecord *self)
{
  GString *json = g_string_new ("{");
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (self->clocks)
    {
      keys = g_hash_table_get_keys_as_array (self->clocks, &n);
      qsort (keys, n, sizeof (gpointer), compare_string_ptrs);
    }
  for (guint i = 0; i < n; i++)
    {
      /* Field names come from the schema (plain ASCII) and clocks are hex,
       * so neither needs escaping. */
      if (i)
        g_string_append_c (json, ',');
      g_string_append_c (json, '"');
      g_string_append (json, keys[i]);
      g_string_append (json, "\":\"");
      g_string_append (json, g_hash_table_lookup (self->clocks, keys[i]));
      g_string_append_c (json, '"');
    }
  g_string_append_c (json, '}');
  return g_string_free (json, FALSE);
}

gboolean
_calque_record_is_whole_and_new (CalqueRecord *self)
{
  GHashTableIter iter;
  gpointer name;

  if (!self->fresh || self->deleted
      || g_hash_table_size (self->dirty) != json_object_get_size (self->fields))
    return FALSE;
  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (!json_object_has_member (self->fields, name))
      return FALSE;
  return TRUE;
}

const char *
_calque_record_get_only_clock (CalqueRecord *self)
{
  GHashTableIter iter;
  gpointer name, clock;
  const char *only = NULL;

  if (self->clocks == NULL || g_hash_table_size (self->clocks) == 0
      || g_hash_table_size (self->clocks) != json_object_get_size (self->fields))
    return NULL;
  g_hash_table_iter_init (&iter, self->clocks);
  while (g_hash_table_iter_next (&iter, &name, &clock))
    {
      if (!json_object_has_member (self->fields, name) || (only != NULL && strcmp (only, clock) != 0))
        return NULL;
      only = clock;
    }
  return only;
}

const char *
_calque_record_get_max_clock (CalqueRecord *self)
{
  GHashTableIter iter;
  gpointer value;
  const char *max = NULL;

  if (self->clocks == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, self->clocks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (max == NULL || strcmp (value, max) > 0)
      max = value;
  return max;
}

char *
_calque_record_dup_seqs_json (CalqueRecord *self)
{
  GString *json = g_string_new ("{");
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (self->seqs)
    {
      keys = g_hash_table_get_keys_as_array (self->seqs, &n);
      qsort (keys, n, sizeof (gpointer), compare_string_ptrs);
    }
  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s\"%s\":%" G_GINT64_FORMAT, i ? "," : "",
                            (const char *) keys[i], *(gint64 *) g_hash_table_lookup (self->seqs, keys[i]));
  g_string_append_c (json, '}');
  return g_string_free (json, FALSE);
}

gboolean
calque_author_is_model (const char *author)
{
  return author != NULL && g_str_has_prefix (author, CALQUE_MODEL_AUTHOR_PREFIX);
}
