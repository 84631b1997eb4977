/* calque-export-coco.c — COCO instances JSON, written as a stream
 *
 * The file is written in two passes over the source: the images first
 * (item by item, without their annotations), then the annotations (item by
 * item again). Only one item's annotations and a map of item ids to image
 * ids are ever in memory, so a project of a million annotations exports in
 * a few megabytes.
 *
 * COCO cannot say everything Calque can; what is kept, what is carried in
 * members of our own ("calque_…", which COCO tools ignore) and what is left
 * out is listed in docs/formats.md, section "coco". In short:
 *  - a box is its bbox, and its four corners as the segmentation (tools
 *    that build masks from segmentations then get the box's mask);
 *  - a turned box is the polygon of its corners, the bbox of those corners,
 *    and "calque_box": [x, y, w, h, rotation] to get it back;
 *  - a polygon is its outer ring; COCO polygons cannot have holes (several
 *    rings are several parts of one object), so the holes go in
 *    "calque_holes" and the area is the outer ring's less the holes';
 *  - points, polylines, whole-image labels, and annotations with no label
 *    exported are left out and counted in "calque_skipped" at the end.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-bbox.h"
#include "calque-export-output.h"
#include "calque-json-writer.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* Why an annotation is left out, for "calque_skipped". */
typedef enum {
  SKIP_NO_LABEL,
  SKIP_POINT,
  SKIP_POLYLINE,
  SKIP_OTHER,
  N_SKIPS
} SkipReason;

static const char * const skip_names[N_SKIPS] = {
  "no_label", "point", "polyline", "other",
};

typedef struct {
  CalqueExportSource *source;
  CalqueExportFile *file;
  GCancellable *cancellable;
  char *media_dir;          /* where images are copied; NULL: not copied */
  GString *out;             /* the element being written */
  JsonNode *number;         /* reused to write doubles in their shortest exact form */
  GHashTable *image_ids;    /* item id → image id (1…N) */
  guint n_images;
  guint64 n_annotations;
  gboolean with_author;
  guint64 skipped[N_SKIPS];
} CocoWriter;

static void
append_double (CocoWriter *self,
               double      value)
{
  json_node_set_double (self->number, value);
  calque_json_append_node (self->out, self->number);
}

static void
append_doubles (CocoWriter   *self,
                const double *values,
                guint         n)
{
  g_string_append_c (self->out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (self->out, ',');
      append_double (self, values[i]);
    }
  g_string_append_c (self->out, ']');
}

static gboolean
flush (CocoWriter  *self,
       GError     **error)
{
  gboolean ok = calque_export_file_write (self->file, self->out->str, self->out->len,
                                          self->cancellable, error);

  g_string_truncate (self->out, 0);
  return ok;
}

/* Twice the signed area of a ring of @n points (the shoelace formula). */
static double
ring_area2 (const double *xy,
            guint         n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      guint j = (i + 1) % n;

      sum += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
  return sum;
}

/* COCO's bbox is left, top, width, height; calque-export-bbox.c gives the
 * right and bottom edges. */
static void
bbox_to_coco (double bbox[4])
{
  bbox[2] -= bbox[0];
  bbox[3] -= bbox[1];
}

static gboolean
write_image_cb (CalqueRecord *item,
                GPtrArray    *annotations,
                gpointer      user_data,
                GError      **error)
{
  CocoWriter *self = user_data;
  g_autofree char *file_name = calque_export_item_file_name (item);
  const char *url = calque_record_get_string (item, "url");

  /* An item known by its URL alone has no file here to copy: its entry
   * gives the URL, as COCO's own "coco_url" does. */
  if (self->media_dir != NULL && calque_record_get_string (item, "sha256") != NULL)
    {
      g_autofree char *media_path = g_build_filename (self->media_dir, file_name, NULL);

      if (!calque_export_copy_media (calque_export_source_get_workspace (self->source), item,
                                     media_path, self->cancellable, error))
        return FALSE;
    }

  self->n_images++;
  g_hash_table_insert (self->image_ids, g_strdup (calque_record_get_id (item)),
                       GUINT_TO_POINTER (self->n_images));
  g_string_append_printf (self->out, "%s\n{\"id\":%u,\"file_name\":", self->n_images > 1 ? "," : "",
                          self->n_images);
  calque_json_append_string (self->out, file_name);
  g_string_append_printf (self->out, ",\"width\":%" G_GINT64_FORMAT ",\"height\":%" G_GINT64_FORMAT ",\"calque_id\":",
                          calque_record_get_int (item, "width", 0), calque_record_get_int (item, "height", 0));
  calque_json_append_string (self->out, calque_record_get_id (item));
  if (url != NULL)
    {
      g_string_append (self->out, ",\"coco_url\":");
      calque_json_append_string (self->out, url);
    }
  g_string_append_c (self->out, '}');
  return flush (self, error);
}

/* Appends one annotation; FALSE if COCO has no way to say it (counted). */
static gboolean
append_annotation (CocoWriter   *self,
                   guint         image_id,
                   CalqueRecord *annotation,
                   GError      **error)
{
  int label = calque_export_source_annotation_label (self->source, annotation);
  g_autoptr(CalqueShape) shape = NULL;
  g_autoptr(GError) shape_error = NULL;
  JsonNode *attributes;
  double bbox[4], corners[8], area;
  const double *ring;
  guint n_ring;

  if (label < 0)
    {
      self->skipped[SKIP_NO_LABEL]++;
      return TRUE;
    }
  shape = calque_record_dup_shape (annotation, &shape_error);
  if (shape == NULL)
    {
      /* The store validates every record it keeps: this is a damaged file. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("annotation %s: %s"),
                   calque_record_get_id (annotation), shape_error->message);
      return FALSE;
    }

  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX:
      _calque_export_box_corners (shape, corners);
      ring = corners;
      n_ring = 4;
      /* An upright box keeps its width exactly: (x + w) − x could differ
       * from w in the last bit. */
      if (shape->rotation == 0)
        {
          bbox[0] = shape->x;
          bbox[1] = shape->y;
          bbox[2] = shape->w;
          bbox[3] = shape->h;
        }
      else
        {
          _calque_export_shape_bbox (shape, bbox);
          bbox_to_coco (bbox);
        }
      area = shape->w * shape->h;
      break;

    case CALQUE_SHAPE_POLYGON:
      ring = (const double *) shape->points->data;
      n_ring = shape->points->len / 2;
      /* The store keeps no polygon of fewer than three points; an empty
       * one could not be written anyway. */
      if (!_calque_export_shape_bbox (shape, bbox))
        {
          self->skipped[SKIP_OTHER]++;
          return TRUE;
        }
      bbox_to_coco (bbox);
      area = fabs (ring_area2 (ring, n_ring)) / 2;
      for (guint i = 0; shape->holes != NULL && i < shape->holes->len; i++)
        {
          GArray *hole = g_ptr_array_index (shape->holes, i);

          area -= fabs (ring_area2 ((const double *) hole->data, hole->len / 2)) / 2;
        }
      break;

    case CALQUE_SHAPE_POINT:
      self->skipped[SKIP_POINT]++;
      return TRUE;

    case CALQUE_SHAPE_POLYLINE:
      self->skipped[SKIP_POLYLINE]++;
      return TRUE;

    default:
      self->skipped[SKIP_OTHER]++;
      return TRUE;
    }

  self->n_annotations++;
  g_string_append_printf (self->out, "%s\n{\"id\":%" G_GUINT64_FORMAT ",\"image_id\":%u,\"category_id\":%d,\"bbox\":",
                          self->n_annotations > 1 ? "," : "", self->n_annotations, image_id, label + 1);
  append_doubles (self, bbox, 4);
  g_string_append (self->out, ",\"area\":");
  append_double (self, area);
  g_string_append (self->out, ",\"segmentation\":[");
  append_doubles (self, ring, 2 * n_ring);
  g_string_append (self->out, "],\"iscrowd\":0");

  if (calque_record_has_field (annotation, "confidence"))
    {
      g_string_append (self->out, ",\"score\":");
      append_double (self, calque_record_get_double (annotation, "confidence", 0));
    }
  attributes = calque_record_get_field (annotation, "attributes");
  if (attributes != NULL && JSON_NODE_HOLDS_OBJECT (attributes)
      && json_object_get_size (json_node_get_object (attributes)) > 0)
    {
      g_string_append (self->out, ",\"attributes\":");
      calque_json_append_node (self->out, attributes);
    }
  if (self->with_author)
    {
      g_string_append (self->out, ",\"calque_author\":");
      calque_json_append_string (self->out, calque_record_get_string (annotation, "author"));
    }
  if (shape->kind == CALQUE_SHAPE_BOX && shape->rotation != 0)
    {
      double box[5] = { shape->x, shape->y, shape->w, shape->h, shape->rotation };

      g_string_append (self->out, ",\"calque_box\":");
      append_doubles (self, box, 5);
    }
  if (shape->kind == CALQUE_SHAPE_POLYGON && shape->holes != NULL && shape->holes->len > 0)
    {
      g_string_append (self->out, ",\"calque_holes\":[");
      for (guint i = 0; i < shape->holes->len; i++)
        {
          GArray *hole = g_ptr_array_index (shape->holes, i);

          if (i > 0)
            g_string_append_c (self->out, ',');
          append_doubles (self, (const double *) hole->data, hole->len);
        }
      g_string_append_c (self->out, ']');
    }
  g_string_append_c (self->out, '}');
  return TRUE;
}

static gboolean
write_annotations_cb (CalqueRecord *item,
                      GPtrArray    *annotations,
                      gpointer      user_data,
                      GError      **error)
{
  CocoWriter *self = user_data;
  guint image_id = GPOINTER_TO_UINT (g_hash_table_lookup (self->image_ids, calque_record_get_id (item)));

  if (image_id == 0)
    {
      /* The first pass did not see it: added while exporting (a sync). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("item “%s” appeared while exporting; export again"),
                   calque_record_get_string (item, "name"));
      return FALSE;
    }
  for (guint i = 0; i < annotations->len; i++)
    if (!append_annotation (self, image_id, annotations->pdata[i], error))
      return FALSE;
  return self->out->len == 0 || flush (self, error);
}

static gboolean
write_categories (CocoWriter  *self,
                  GError     **error)
{
  CalqueStore *store = calque_workspace_get_store (calque_export_source_get_workspace (self->source));
  GPtrArray *labels = calque_export_source_get_labels (self->source);

  for (guint i = 0; i < labels->len; i++)
    {
      CalqueRecord *label = labels->pdata[i];
      const char *parent_id = calque_record_get_string (label, "parent");
      g_autoptr(CalqueRecord) parent = NULL;
      const char *supercategory = "";

      /* A parent left out by a label filter still names the family. */
      if (parent_id != NULL)
        parent = calque_store_get (store, parent_id, NULL);
      if (parent != NULL && !calque_record_get_deleted (parent))
        supercategory = calque_record_get_string (parent, "name");

      g_string_append_printf (self->out, "%s\n{\"id\":%u,\"name\":", i > 0 ? "," : "", i + 1);
      calque_json_append_string (self->out, calque_record_get_string (label, "name"));
      g_string_append (self->out, ",\"supercategory\":");
      calque_json_append_string (self->out, supercategory != NULL ? supercategory : "");
      g_string_append_c (self->out, '}');
    }
  return flush (self, error);
}

/* info: fixed by the project, never by the clock, so that exporting the
 * same data twice gives the same bytes. */
static gboolean
write_info (CocoWriter  *self,
            GError     **error)
{
  CalqueRecord *project = calque_export_source_get_project (self->source);
  gint64 created = calque_record_get_int (project, "created", -1);

  g_string_append (self->out, "{\n\"info\":{\"description\":");
  calque_json_append_string (self->out, calque_record_get_string (project, "name"));
  g_string_append (self->out, ",\"version\":\"1.0\"");
  if (created >= 0)
    {
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (created / 1000);

      if (date != NULL)
        {
          g_autofree char *text = g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");

          g_string_append_printf (self->out, ",\"year\":%d,\"date_created\":\"%s\"",
                                  g_date_time_get_year (date), text);
        }
    }
  g_string_append (self->out, ",\"contributor\":\"\",\"url\":\"\"},\n\"licenses\":[],\n\"categories\":[");
  return flush (self, error);
}

static gboolean
write_skipped (CocoWriter  *self,
               GError     **error)
{
  gboolean any = FALSE;

  for (guint i = 0; i < N_SKIPS; i++)
    {
      if (self->skipped[i] == 0)
        continue;
      g_string_append_printf (self->out, "%s\"%s\":%" G_GUINT64_FORMAT, any ? "," : ",\n\"calque_skipped\":{",
                              skip_names[i], self->skipped[i]);
      any = TRUE;
    }
  if (any)
    g_string_append_c (self->out, '}');
  return flush (self, error);
}

gboolean
_calque_export_write_coco (CalqueExportSource         *source,
                           const char                 *path,
                           const CalqueExportOptions  *options,
                           GCancellable               *cancellable,
                           GError                    **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autoptr(GString) out = g_string_sized_new (64 * 1024);
  g_autoptr(GHashTable) image_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) number = json_node_init_double (json_node_alloc (), 0);
  g_autofree char *media_dir = NULL;
  CocoWriter self = {
    .source = source,
    .cancellable = cancellable,
    .out = out,
    .number = number,
    .image_ids = image_ids,
    .with_author = calque_export_source_get_version (source) == CALQUE_EXPORT_VERSION_ALL,
  };

  if (file == NULL)
    return FALSE;
  self.file = file;
  if (options->with_media && !g_str_equal (path, "-"))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      media_dir = g_build_filename (dir, "images", NULL);
      self.media_dir = media_dir;
    }

  if (!write_info (&self, error)
      || !write_categories (&self, error))
    return FALSE;

  g_string_append (out, "\n],\n\"images\":[");
  if (!calque_export_source_foreach (source, FALSE, write_image_cb, &self, cancellable, error))
    return FALSE;

  g_string_append (out, "\n],\n\"annotations\":[");
  if (!calque_export_source_foreach (source, TRUE, write_annotations_cb, &self, cancellable, error))
    return FALSE;
  g_string_append (out, "\n]");
  if (!write_skipped (&self, error))
    return FALSE;
  g_string_append (out, "\n}\n");
  return flush (&self, error) && calque_export_file_commit (file, cancellable, error);
}
