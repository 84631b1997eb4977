/* calque-item-annotations.c — the annotations of one item, as the canvas edits them */
#define G_LOG_DOMAIN "calque-item-annotations"

#include "calque-item-annotations.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

struct _CalqueItemAnnotations
{
  GObject        parent_instance;

  CalqueStore   *store;
  CalqueHistory *history;
  CalqueRecord  *item;
  char          *author;
  char          *task_id;       /* nullable */
  GPtrArray     *annotations;   /* CalqueRecord, oldest first (ids are time-ordered) */
  /* Predictions the author has accepted or fixed: prediction id → the id
   * of the author's annotation made from it (its "source"). Those
   * predictions are not in the model: the author's own version shows. */
  GHashTable    *taken;
  /* Only the author's own annotations are in the model: one annotator's
   * version of the item, as a reviewer compares it with the others'. */
  gboolean       only_author;
};

enum {
  REPLACED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_QUARK (calque-item-annotations-error-quark, calque_item_annotations_error)

G_DEFINE_FINAL_TYPE_WITH_CODE (CalqueItemAnnotations, calque_item_annotations, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gboolean
find (CalqueItemAnnotations *self,
      const char            *id,
      guint                 *out_position)
{
  for (guint i = 0; i < self->annotations->len; i++)
    if (strcmp (calque_record_get_id (g_ptr_array_index (self->annotations, i)), id) == 0)
      {
        *out_position = i;
        return TRUE;
      }
  return FALSE;
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (calque_record_get_id (*(CalqueRecord **) a), calque_record_get_id (*(CalqueRecord **) b));
}

/* Puts @record (a fresh copy from the store, or a tombstone) where it
 * belongs in the model, telling the views. */
static void take_record (CalqueItemAnnotations *self,
                         CalqueRecord          *record);

static gboolean
is_prediction (CalqueItemAnnotations *self,
               CalqueRecord          *record)
{
  const char *author = calque_record_get_string (record, "author");

  return calque_author_is_model (author) && g_strcmp0 (author, self->author) != 0;
}

/* The prediction @record was made from, when it is the author's own. */
static const char *
source_of (CalqueItemAnnotations *self,
           CalqueRecord          *record)
{
  if (g_strcmp0 (calque_record_get_string (record, "author"), self->author) != 0)
    return NULL;
  return calque_record_get_string (record, "source");
}

/* The annotation that stands for @id: the author's own version of a
 * prediction they took, else @id itself. */
static const char *
resolve (CalqueItemAnnotations *self,
         const char            *id)
{
  const char *own = g_hash_table_lookup (self->taken, id);

  return own != NULL ? own : id;
}

/* Keeps the taken table and the predictions shown in step with the
 * author's annotation @record, which was made from a prediction. */
static void
follow_source (CalqueItemAnnotations *self,
               CalqueRecord          *record,
               const char            *source)
{
  const char *id = calque_record_get_id (record);
  guint position;

  if (!calque_record_get_deleted (record))
    {
      g_hash_table_insert (self->taken, g_strdup (source), g_strdup (id));
      if (find (self, source, &position))
        {
          g_ptr_array_remove_index (self->annotations, position);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
        }
    }
  else if (g_strcmp0 (g_hash_table_lookup (self->taken, source), id) == 0)
    {
      /* Undone, or deleted: the prediction shows again, as it is now. */
      g_autoptr(CalqueRecord) prediction = NULL;

      g_hash_table_remove (self->taken, source);
      prediction = calque_store_get (self->store, source, NULL);
      if (prediction != NULL)
        take_record (self, prediction);
    }
}

static gboolean
shown_here (CalqueItemAnnotations *self,
            CalqueRecord          *record)
{
  return !self->only_author || g_strcmp0 (calque_record_get_string (record, "author"), self->author) == 0;
}

static void
take_record (CalqueItemAnnotations *self,
             CalqueRecord          *record)
{
  const char *id = calque_record_get_id (record);
  gboolean gone = calque_record_get_deleted (record);
  const char *source = source_of (self, record);
  guint position;

  if (!shown_here (self, record))
    return;

  if (source != NULL)
    follow_source (self, record, source);
  else if (!gone && g_hash_table_contains (self->taken, id))
    return;   /* a prediction the author has taken: their version shows */

  if (find (self, id, &position))
    {
      if (gone)
        g_ptr_array_remove_index (self->annotations, position);
      else
        {
          CalqueRecord *old = g_ptr_array_index (self->annotations, position);

          g_ptr_array_index (self->annotations, position) = g_object_ref (record);
          g_object_unref (old);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, gone ? 0 : 1);
      return;
    }
  if (gone)
    return;

  /* Ids are UUIDv7, ordered by creation: insert in order. */
  position = self->annotations->len;
  while (position > 0 && compare_ids (&g_ptr_array_index (self->annotations, position - 1), &record) > 0)
    position--;
  g_ptr_array_insert (self->annotations, position, g_object_ref (record));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

/* Saves @annotation through the history and shows the stored result. */
static gboolean
save (CalqueItemAnnotations  *self,
      CalqueRecord           *annotation,
      const char             *label,
      GError                **error)
{
  g_autoptr(CalqueRecord) stored = NULL;

  calque_record_set_int (annotation, "updated", g_get_real_time () / 1000);
  if (!calque_annotation_validate_for_item (annotation, self->item, error))
    return FALSE;
  if (!calque_history_save (self->history, annotation, label, error))
    return FALSE;
  stored = calque_store_get (self->store, calque_record_get_id (annotation), error);
  if (stored == NULL)
    return FALSE;
  take_record (self, stored);
  return TRUE;
}

/* A new annotation of the author, made from @prediction: the same shape,
 * labels and attributes, and its id as "source". The model's score is not
 * the author's confidence, and is left behind. */
static CalqueRecord *
take_prediction (CalqueItemAnnotations *self,
                 CalqueRecord          *prediction)
{
  CalqueRecord *own = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_project (self->item));
  JsonNode *attributes = calque_record_get_field (prediction, "attributes");

  calque_record_set_string (own, "item", calque_record_get_id (self->item));
  calque_record_set_string (own, "author", self->author);
  if (self->task_id != NULL)
    calque_record_set_string (own, "task", self->task_id);
  calque_record_set_field (own, "labels", calque_json_node_deep_copy (calque_record_get_field (prediction, "labels")));
  calque_record_set_field (own, "shape", calque_json_node_deep_copy (calque_record_get_field (prediction, "shape")));
  if (attributes != NULL)
    calque_record_set_field (own, "attributes", calque_json_node_deep_copy (attributes));
  calque_record_set_string (own, "source", calque_record_get_id (prediction));
  calque_record_set_int (own, "created", g_get_real_time () / 1000);
  return own;
}

/* A copy of annotation @id to edit, or NULL with an error. Editing a
 * prediction edits the author's own version of it, made at once if need
 * be: the prediction stays as it is for the others. */
static CalqueRecord *
dup_for_edit (CalqueItemAnnotations  *self,
              const char             *id,
              GError                **error)
{
  guint position;
  CalqueRecord *annotation;

  if (!find (self, resolve (self, id), &position))
    {
      g_set_error (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND,
                   _("annotation %s is not on this item"), id);
      return NULL;
    }
  annotation = g_ptr_array_index (self->annotations, position);
  if (is_prediction (self, annotation))
    return take_prediction (self, annotation);
  return calque_record_copy (annotation);
}

/* Saves @annotation, and tells the views when it took the place of the
 * prediction @id. */
static gboolean
save_edit (CalqueItemAnnotations  *self,
           const char             *id,
           CalqueRecord           *annotation,
           const char             *label,
           GError                **error)
{
  const char *source = calque_record_get_string (annotation, "source");
  gboolean replaces = g_strcmp0 (source, id) == 0 && !g_hash_table_contains (self->taken, id);
  g_autofree char *new_id = g_strdup (calque_record_get_id (annotation));

  if (!save (self, annotation, label, error))
    return FALSE;
  if (replaces)
    g_signal_emit (self, signals[REPLACED], 0, id, new_id);
  return TRUE;
}

static void
set_labels (CalqueRecord       *annotation,
            const char * const *label_ids)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; label_ids != NULL && label_ids[i] != NULL; i++)
    json_array_add_string_element (array, label_ids[i]);
  json_node_take_array (node, array);
  calque_record_set_field (annotation, "labels", node);
}

static void
clamp_point (double *x,
             double *y,
             double  width,
             double  height)
{
  /* NaN is left as it is, for validation to refuse with its reason:
   * moving it to 0 would hide a bug as a shape in the corner. */
  if (!isnan (*x))
    *x = CLAMP (*x, 0, width);
  if (!isnan (*y))
    *y = CLAMP (*y, 0, height);
}

static void
clamp_points (GArray *points,
              double  width,
              double  height)
{
  for (guint i = 0; points != NULL && i + 1 < points->len; i += 2)
    clamp_point (&g_array_index (points, double, i), &g_array_index (points, double, i + 1), width, height);
}

/* --- GListModel --------------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  return CALQUE_TYPE_RECORD;
}

static guint
get_n_items (GListModel *model)
{
  return CALQUE_ITEM_ANNOTATIONS (model)->annotations->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  CalqueItemAnnotations *self = CALQUE_ITEM_ANNOTATIONS (model);

  if (position >= self->annotations->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->annotations, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* --- GObject ---------------------------------------------------------------------- */

static void
calque_item_annotations_dispose (GObject *object)
{
  CalqueItemAnnotations *self = CALQUE_ITEM_ANNOTATIONS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_object (&self->item);
  g_clear_pointer (&self->annotations, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_item_annotations_parent_class)->dispose (object);
}

static void
calque_item_annotations_finalize (GObject *object)
{
  CalqueItemAnnotations *self = CALQUE_ITEM_ANNOTATIONS (object);

  g_free (self->author);
  g_free (self->task_id);
  g_clear_pointer (&self->taken, g_hash_table_unref);

  G_OBJECT_CLASS (calque_item_annotations_parent_class)->finalize (object);
}

static void
calque_item_annotations_class_init (CalqueItemAnnotationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_item_annotations_dispose;
  object_class->finalize = calque_item_annotations_finalize;

  /**
   * CalqueItemAnnotations::replaced:
   * @old_id: a prediction
   * @new_id: the author's annotation made from it
   *
   * An edit of a prediction made the author's own version of it, which
   * shows in its place: a view that had it selected selects @new_id.
   */
  signals[REPLACED] =
    g_signal_new ("replaced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
calque_item_annotations_init (CalqueItemAnnotations *self)
{
  self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* --- public API ---------------------------------------------------------------- */

void
calque_shape_clamp_to_image (CalqueShape *shape,
                             double       width,
                             double       height)
{
  g_return_if_fail (shape != NULL);

  if (width <= 0 || height <= 0)
    return;   /* unknown size: nothing to clamp to */

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
      {
        double x1 = shape->x + shape->w;
        double y1 = shape->y + shape->h;

        /* Rotated boxes are left to validation: their corners are not x, y. */
        if (shape->rotation != 0)
          break;
        clamp_point (&shape->x, &shape->y, width, height);
        clamp_point (&x1, &y1, width, height);
        shape->w = x1 - shape->x;
        shape->h = y1 - shape->y;
        break;
      }
    case CALQUE_SHAPE_POINT:
      clamp_point (&shape->x, &shape->y, width, height);
      break;
    case CALQUE_SHAPE_POLYGON:
      clamp_points (shape->points, width, height);
      for (guint i = 0; shape->holes != NULL && i < shape->holes->len; i++)
        clamp_points (g_ptr_array_index (shape->holes, i), width, height);
      break;
    case CALQUE_SHAPE_POLYLINE:
      clamp_points (shape->points, width, height);
      break;
    case CALQUE_SHAPE_SPAN:
    case CALQUE_SHAPE_SEGMENT:
    case CALQUE_SHAPE_CLASSIFICATION:
    default:
      break;
    }
}

static CalqueItemAnnotations *
new_model (CalqueStore    *store,
           CalqueHistory  *history,
           CalqueRecord   *item,
           const char     *author,
           gboolean        only_author,
           GError        **error)
{
  g_autoptr(CalqueItemAnnotations) self = NULL;
  GPtrArray *annotations;

  annotations = calque_store_list_for_item (store, CALQUE_KIND_ANNOTATION, calque_record_get_id (item), error);
  if (annotations == NULL)
    return NULL;

  self = g_object_new (CALQUE_TYPE_ITEM_ANNOTATIONS, NULL);
  self->store = g_object_ref (store);
  self->history = g_object_ref (history);
  self->item = g_object_ref (item);
  self->author = g_strdup (author);
  self->only_author = only_author;
  for (guint i = annotations->len; i-- > 0;)
    if (!shown_here (self, annotations->pdata[i]))
      g_ptr_array_remove_index (annotations, i);
  for (guint i = 0; i < annotations->len; i++)
    {
      const char *source = source_of (self, annotations->pdata[i]);

      if (source != NULL)
        g_hash_table_insert (self->taken, g_strdup (source), g_strdup (calque_record_get_id (annotations->pdata[i])));
    }
  for (guint i = annotations->len; i-- > 0;)
    if (g_hash_table_contains (self->taken, calque_record_get_id (annotations->pdata[i])))
      g_ptr_array_remove_index (annotations, i);
  self->annotations = annotations;
  return g_steal_pointer (&self);
}

CalqueItemAnnotations *
calque_item_annotations_new (CalqueStore    *store,
                             CalqueHistory  *history,
                             CalqueRecord   *item,
                             const char     *author,
                             GError        **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_HISTORY (history), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (item), NULL);
  g_return_val_if_fail (author != NULL, NULL);

  return new_model (store, history, item, author, FALSE, error);
}

CalqueItemAnnotations *
calque_item_annotations_new_for_author (CalqueStore    *store,
                                        CalqueHistory  *history,
                                        CalqueRecord   *item,
                                        const char     *author,
                                        GError        **error)
{
  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_HISTORY (history), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (item), NULL);
  g_return_val_if_fail (author != NULL, NULL);

  return new_model (store, history, item, author, TRUE, error);
}

CalqueRecord *
calque_item_annotations_get_item (CalqueItemAnnotations *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);

  return self->item;
}

CalqueStore *
calque_item_annotations_get_store (CalqueItemAnnotations *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);

  return self->store;
}

void
calque_item_annotations_set_task (CalqueItemAnnotations *self,
                                  const char            *task_id)
{
  g_return_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self));

  g_free (self->task_id);
  self->task_id = g_strdup (task_id);
}

const char *
calque_item_annotations_get_task (CalqueItemAnnotations *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);

  return self->task_id;
}

CalqueRecord *
calque_item_annotations_lookup (CalqueItemAnnotations *self,
                                const char            *id)
{
  guint position;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return find (self, resolve (self, id), &position) ? g_ptr_array_index (self->annotations, position) : NULL;
}

char *
calque_item_annotations_add (CalqueItemAnnotations  *self,
                             const CalqueShape      *shape,
                             const char * const     *label_ids,
                             GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(CalqueShape) clamped = NULL;
  CalqueShapeBounds bounds;
  gint64 now_ms = g_get_real_time () / 1000;
  const char *label;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (shape != NULL, NULL);

  calque_item_get_bounds (self->item, &bounds);
  clamped = calque_shape_copy (shape);
  calque_shape_clamp_to_image (clamped, bounds.width, bounds.height);

  annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_project (self->item));
  calque_record_set_string (annotation, "item", calque_record_get_id (self->item));
  calque_record_set_string (annotation, "author", self->author);
  if (self->task_id != NULL)
    calque_record_set_string (annotation, "task", self->task_id);
  set_labels (annotation, label_ids);
  calque_record_set_shape (annotation, clamped);
  calque_record_set_int (annotation, "created", now_ms);

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX: label = _("Draw Box"); break;
    case CALQUE_SHAPE_POLYGON: label = _("Draw Polygon"); break;
    case CALQUE_SHAPE_POLYLINE: label = _("Draw Polyline"); break;
    case CALQUE_SHAPE_POINT: label = _("Place Point"); break;
    default: label = _("Add Annotation"); break;
    }
  if (!save (self, annotation, label, error))
    return NULL;
  return g_strdup (calque_record_get_id (annotation));
}

gboolean
calque_item_annotations_set_shape (CalqueItemAnnotations  *self,
                                   const char             *id,
                                   const CalqueShape      *shape,
                                   GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(CalqueShape) clamped = NULL;
  CalqueShapeBounds bounds;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL && shape != NULL, FALSE);

  annotation = dup_for_edit (self, id, error);
  if (annotation == NULL)
    return FALSE;
  calque_item_get_bounds (self->item, &bounds);
  clamped = calque_shape_copy (shape);
  calque_shape_clamp_to_image (clamped, bounds.width, bounds.height);
  calque_record_set_shape (annotation, clamped);
  return save_edit (self, id, annotation, _("Edit Shape"), error);
}

gboolean
calque_item_annotations_set_labels (CalqueItemAnnotations  *self,
                                    const char             *id,
                                    const char * const     *label_ids,
                                    GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  annotation = dup_for_edit (self, id, error);
  if (annotation == NULL)
    return FALSE;
  set_labels (annotation, label_ids);
  return save_edit (self, id, annotation, _("Change Labels"), error);
}

gboolean
calque_item_annotations_set_attribute (CalqueItemAnnotations  *self,
                                       const char             *id,
                                       const char             *name,
                                       JsonNode               *value,
                                       GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(JsonNode) attributes = NULL;
  JsonNode *old;
  JsonObject *object;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL && name != NULL, FALSE);

  annotation = dup_for_edit (self, id, error);
  if (annotation == NULL)
    return FALSE;

  /* The whole object is the field: copied, changed, set back. */
  old = calque_record_get_field (annotation, "attributes");
  object = old != NULL && JSON_NODE_HOLDS_OBJECT (old) ? json_object_ref (json_node_get_object (old))
                                                        : json_object_new ();
  attributes = json_node_new (JSON_NODE_OBJECT);
  {
    JsonObject *copy = json_object_new ();
    JsonObjectIter iter;
    const char *member;
    JsonNode *member_value;

    json_object_iter_init (&iter, object);
    while (json_object_iter_next (&iter, &member, &member_value))
      if (strcmp (member, name) != 0)
        json_object_set_member (copy, member, json_node_copy (member_value));
    if (value != NULL)
      json_object_set_member (copy, name, json_node_copy (value));
    json_node_take_object (attributes, copy);
  }
  json_object_unref (object);
  calque_record_set_field (annotation, "attributes", g_steal_pointer (&attributes));
  return save_edit (self, id, annotation, _("Change Attribute"), error);
}

gboolean
calque_item_annotations_set_confidence (CalqueItemAnnotations  *self,
                                        const char             *id,
                                        double                  confidence,
                                        GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  annotation = dup_for_edit (self, id, error);
  if (annotation == NULL)
    return FALSE;
  calque_record_set_double (annotation, "confidence", confidence);
  return save_edit (self, id, annotation, _("Change Confidence"), error);
}

gboolean
calque_item_annotations_remove (CalqueItemAnnotations  *self,
                                const char             *id,
                                GError                **error)
{
  g_autoptr(CalqueRecord) annotation = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  {
    guint position;

    if (find (self, resolve (self, id), &position)
        && is_prediction (self, g_ptr_array_index (self->annotations, position)))
      {
        g_set_error (error, CALQUE_ITEM_ANNOTATIONS_ERROR, CALQUE_ITEM_ANNOTATIONS_ERROR_PREDICTION,
                     _("This is a prediction of “%s”: it stays for every annotator. Accept it (A) to make it yours, or leave it."),
                     calque_record_get_string (g_ptr_array_index (self->annotations, position), "author")
                       + strlen (CALQUE_MODEL_AUTHOR_PREFIX));
        return FALSE;
      }
  }
  annotation = dup_for_edit (self, id, error);
  if (annotation == NULL)
    return FALSE;
  calque_record_set_deleted (annotation, TRUE);
  if (!calque_history_save (self->history, annotation, _("Delete Annotation"), error))
    return FALSE;
  take_record (self, annotation);
  return TRUE;
}

void
calque_item_annotations_reload_all (CalqueItemAnnotations *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self));

  fresh = calque_store_list_for_item (self->store, CALQUE_KIND_ANNOTATION, calque_record_get_id (self->item), &error);
  if (fresh == NULL)
    {
      g_warning ("cannot read the annotations of item %s again: %s", calque_record_get_id (self->item),
                 error->message);
      return;
    }
  for (guint i = fresh->len; i-- > 0;)
    if (!shown_here (self, g_ptr_array_index (fresh, i)))
      g_ptr_array_remove_index (fresh, i);
  for (guint i = 0; i < fresh->len; i++)
    g_hash_table_add (present, (gpointer) calque_record_get_id (g_ptr_array_index (fresh, i)));

  /* What is no longer there leaves as a tombstone would. */
  for (guint i = 0; i < self->annotations->len; i++)
    {
      CalqueRecord *shown = g_ptr_array_index (self->annotations, i);

      if (!g_hash_table_contains (present, calque_record_get_id (shown)))
        {
          CalqueRecord *tombstone = calque_record_copy (shown);

          calque_record_set_deleted (tombstone, TRUE);
          g_ptr_array_add (gone, tombstone);
        }
    }
  for (guint i = 0; i < gone->len; i++)
    take_record (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < fresh->len; i++)
    {
      CalqueRecord *record = g_ptr_array_index (fresh, i);
      guint position;
      CalqueRecord *shown = find (self, calque_record_get_id (record), &position)
                            ? g_ptr_array_index (self->annotations, position) : NULL;

      /* Unchanged rows are left alone: no items-changed for them. */
      if (shown == NULL || !calque_record_equal (shown, record))
        take_record (self, record);
    }
}

void
calque_item_annotations_reload_records (CalqueItemAnnotations *self,
                                        const char * const    *ids)
{
  const char *item_id;

  g_return_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self));

  item_id = calque_record_get_id (self->item);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueRecord) record = calque_store_get (self->store, ids[i], &error);

      if (record == NULL)
        {
          /* Not found: no record of this workspace, so none of this item. */
          if (error != NULL && !g_error_matches (error, CALQUE_STORE_ERROR, CALQUE_STORE_ERROR_NOT_FOUND))
            g_warning ("cannot read annotation %s again: %s", ids[i], error->message);
          continue;
        }
      if (calque_record_get_kind (record) != CALQUE_KIND_ANNOTATION
          || g_strcmp0 (calque_record_get_string (record, "item"), item_id) != 0)
        continue;
      take_record (self, record);
    }
}

gboolean
calque_item_annotations_is_prediction (CalqueItemAnnotations *self,
                                       const char            *id)
{
  guint position;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return find (self, resolve (self, id), &position)
         && is_prediction (self, g_ptr_array_index (self->annotations, position));
}

gboolean
calque_item_annotations_record_is_prediction (CalqueItemAnnotations *self,
                                              CalqueRecord          *record)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (CALQUE_IS_RECORD (record), FALSE);

  return is_prediction (self, record);
}

char *
calque_item_annotations_accept (CalqueItemAnnotations  *self,
                                const char             *id,
                                GError                **error)
{
  g_autoptr(CalqueRecord) own = NULL;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!calque_item_annotations_is_prediction (self, id))
    {
      g_set_error (error, CALQUE_ITEM_ANNOTATIONS_ERROR, CALQUE_ITEM_ANNOTATIONS_ERROR_PREDICTION,
                   _("Only predictions are accepted; this annotation is already someone’s work."));
      return NULL;
    }
  own = dup_for_edit (self, id, error);
  if (own == NULL || !save_edit (self, id, own, _("Accept Prediction"), error))
    return NULL;
  return g_strdup (calque_record_get_id (own));
}

guint
calque_item_annotations_accept_all (CalqueItemAnnotations  *self,
                                    GError                **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint accepted = 0;

  g_return_val_if_fail (CALQUE_IS_ITEM_ANNOTATIONS (self), 0);

  for (guint i = 0; i < self->annotations->len; i++)
    if (is_prediction (self, self->annotations->pdata[i]))
      g_ptr_array_add (ids, g_strdup (calque_record_get_id (self->annotations->pdata[i])));
  if (ids->len == 0)
    return 0;

  /* One step: one undo puts every prediction back. */
  calque_history_begin_group (self->history, _("Accept All Predictions"));
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *own = calque_item_annotations_accept (self, ids->pdata[i], error);

      if (own == NULL)
        break;
      accepted++;
    }
  calque_history_end_group (self->history);
  return accepted;
}
