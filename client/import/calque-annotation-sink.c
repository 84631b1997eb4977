/* calque-annotation-sink.c — items, labels and annotations from any format */
#define G_LOG_DOMAIN "calque-import"

#include "calque-annotation-sink.h"
#include "calque-importer-private.h"
#include "calque-media.h"
#include "calque-store-private.h"
#include "calque-store-sync.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

/* The colours new labels take in turn, as calque-cli project does: distinct
 * on light and dark images alike. */
static const char * const palette[] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac",
  "#ff7800", "#1c71d8", "#c061cb", "#986a44", "#5e5c64",
};

struct _CalqueAnnotationSink {
  CalqueWorkspace *workspace;
  CalqueStore *store;
  CalqueRecord *project;
  CalqueMediaType project_type;
  CalqueAnnotationImportOptions options;
  char *author;
  char *media_dir;
  char *model;

  GHashTable *item_ids;      /* name → item id */
  GHashTable *base_ids;      /* last path part → item id, or "" when several share it */
  GHashTable *items;         /* item id → CalqueRecord, those met so far */
  GHashTable *labels;        /* name → CalqueRecord */
  GHashTable *new_labels;    /* names of the labels this import made */
  gint64 next_position;      /* of a new label */
  GPtrArray *new_blobs;      /* sha256 of media this import put in the cache */
  gint64 now_ms;

  CalqueImportReport *report;
  gboolean in_transaction;

  CalqueAnnotationImportProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
};

static const char *
base_name (const char *name)
{
  const char *slash = strrchr (name, '/');

  return slash != NULL ? slash + 1 : name;
}

static void
index_item (CalqueAnnotationSink *self,
            const char           *name,
            const char           *id)
{
  const char *base = base_name (name);
  const char *known = g_hash_table_lookup (self->base_ids, base);

  g_hash_table_insert (self->item_ids, g_strdup (name), g_strdup (id));
  if (known == NULL)
    g_hash_table_insert (self->base_ids, g_strdup (base), g_strdup (id));
  else if (!g_str_equal (known, id))
    g_hash_table_insert (self->base_ids, g_strdup (base), g_strdup (""));
}

/* Names and ids only: a project of 100,000 items is a few megabytes here,
 * and each item is read from the store when an annotation needs it. */
static gboolean
read_item_names (CalqueAnnotationSink  *self,
                 GError               **error)
{
  sqlite3 *db = _calque_store_get_db (self->store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT id, json_extract (fields, '$.name') FROM records"
                          " WHERE project = ?1 AND kind = 'item' AND deleted = 0 AND json_valid (fields)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, db, _("listing the items"));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, calque_record_get_id (self->project), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      if (name != NULL)
        index_item (self, name, (const char *) sqlite3_column_text (stmt, 0));
    }
  if (rc != SQLITE_DONE)
    _calque_store_set_sqlite_error (error, db, _("listing the items"));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
read_labels (CalqueAnnotationSink  *self,
             GError               **error)
{
  g_autoptr(GPtrArray) labels = calque_store_list (self->store, CALQUE_KIND_LABEL,
                                                   calque_record_get_id (self->project), error);

  if (labels == NULL)
    return FALSE;
  for (guint i = 0; i < labels->len; i++)
    {
      CalqueRecord *label = labels->pdata[i];
      gint64 position = calque_record_get_int (label, "position", -1);

      /* The first label of a name wins, as it does in the app's palette. */
      if (!g_hash_table_contains (self->labels, calque_record_get_string (label, "name")))
        g_hash_table_insert (self->labels, g_strdup (calque_record_get_string (label, "name")),
                             g_object_ref (label));
      self->next_position = MAX (self->next_position, position + 1);
    }
  self->next_position = MAX (self->next_position, (gint64) labels->len);
  return TRUE;
}

CalqueAnnotationSink *
calque_annotation_sink_new (CalqueWorkspace                     *workspace,
                            CalqueRecord                        *project,
                            const CalqueAnnotationImportOptions *options,
                            GError                             **error)
{
  g_autoptr(CalqueAnnotationSink) self = g_new0 (CalqueAnnotationSink, 1);

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self->workspace = g_object_ref (workspace);
  self->store = calque_workspace_get_store (workspace);
  self->project = g_object_ref (project);
  if (options != NULL)
    self->options = *options;
  self->media_dir = g_strdup (self->options.media_dir);
  self->options.media_dir = self->media_dir;
  self->model = g_strdup (self->options.model ? self->options.model : "import");
  self->options.model = self->model;
  self->options.author = NULL;
  self->options.reference = g_intern_string (self->options.reference);
  self->item_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->base_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->new_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->new_blobs = g_ptr_array_new_with_free_func (g_free);
  self->now_ms = g_get_real_time () / 1000;
  self->report = _calque_import_report_new ();
  self->report->project_id = g_strdup (calque_record_get_id (project));

  if (!calque_media_type_from_string (calque_record_get_string (project, "type"), &self->project_type))
    g_return_val_if_reached (NULL);

  if (self->options.predictions)
    self->author = g_strconcat ("model:", self->model, NULL);
  else if (options != NULL && options->author != NULL)
    self->author = g_strdup (options->author);
  else
    {
      self->author = calque_store_get_setting (self->store, "user");
      if (self->author == NULL)
        self->author = g_strdup (g_get_user_name ());
    }

  if (!read_item_names (self, error) || !read_labels (self, error))
    return NULL;
  if (!calque_store_begin (self->store, error))
    return NULL;
  self->in_transaction = TRUE;
  return g_steal_pointer (&self);
}

void
calque_annotation_sink_free (CalqueAnnotationSink *self)
{
  if (self == NULL)
    return;
  if (self->in_transaction)
    {
      /* Not finished: nothing of it stays, media included. */
      calque_store_rollback (self->store);
      for (guint i = 0; i < self->new_blobs->len; i++)
        calque_blob_cache_remove (calque_workspace_get_blobs (self->workspace), self->new_blobs->pdata[i]);
    }
  g_clear_object (&self->workspace);
  g_clear_object (&self->project);
  g_clear_object (&self->cancellable);
  g_free (self->author);
  g_free (self->media_dir);
  g_free (self->model);
  g_clear_pointer (&self->item_ids, g_hash_table_unref);
  g_clear_pointer (&self->base_ids, g_hash_table_unref);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->new_labels, g_hash_table_unref);
  g_clear_pointer (&self->new_blobs, g_ptr_array_unref);
  g_clear_pointer (&self->report, calque_import_report_free);
  g_free (self);
}

void
calque_annotation_sink_set_progress (CalqueAnnotationSink               *self,
                                     CalqueAnnotationImportProgressFunc  func,
                                     gpointer                            user_data)
{
  self->progress = func;
  self->progress_data = user_data;
}

void
calque_annotation_sink_progress (CalqueAnnotationSink *self,
                                 guint64               done,
                                 guint64               total)
{
  if (self->progress != NULL)
    self->progress (done, total, self->progress_data);
}

GCancellable *
calque_annotation_sink_get_cancellable (CalqueAnnotationSink *self)
{
  return self->cancellable;
}

void
calque_annotation_sink_set_cancellable (CalqueAnnotationSink *self,
                                       GCancellable         *cancellable)
{
  g_set_object (&self->cancellable, cancellable);
}

const CalqueAnnotationImportOptions *
calque_annotation_sink_get_options (CalqueAnnotationSink *self)
{
  return &self->options;
}

CalqueRecord *
calque_annotation_sink_get_project (CalqueAnnotationSink *self)
{
  return self->project;
}

CalqueWorkspace *
calque_annotation_sink_get_workspace (CalqueAnnotationSink *self)
{
  return self->workspace;
}

/* A name a file gives an item, as Calque names items: "/" between
 * folders (Windows tools write "\\"), no "./" parts. NULL with an error
 * when it is absolute or climbs out with "..": a dataset names what is
 * inside it, and "../x.png" must not find the project's x.png either. */
static char *
normalise_item_name (const char  *file,
                     const char  *element,
                     const char  *item_name,
                     GError     **error)
{
  g_autofree char *slashed = g_strdelimit (g_strdup (item_name), "\\", '/');
  g_auto(GStrv) parts = g_strsplit (slashed, "/", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) joined = NULL;

  if (slashed[0] == '/' || (g_ascii_isalpha (slashed[0]) && slashed[1] == ':'))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: “%s” is an absolute path; only paths inside the dataset are accepted"),
                   file, element, item_name);
      return NULL;
    }
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: “%s” climbs out of the dataset with “..”"), file, element, item_name);
          return NULL;
        }
      if (*parts[i] != '\0' && !g_str_equal (parts[i], "."))
        g_strv_builder_add (kept, parts[i]);
    }
  joined = g_strv_builder_end (kept);
  if (joined[0] == NULL)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: the item’s name is empty"), file, element);
      return NULL;
    }
  return g_strjoinv ("/", joined);
}

/* Imports the media file for an item the project does not have yet. */
static CalqueRecord *
add_item (CalqueAnnotationSink  *self,
          const char            *file,
          const char            *element,
          const char            *item_name,
          const char            *media_path,
          GError               **error)
{
  g_autofree char *path = NULL;
  g_autoptr(CalqueMediaInfo) info = NULL;
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(GError) local_error = NULL;
  char sha256[65];
  gboolean added = FALSE;

  if ((self->media_dir == NULL && media_path == NULL) || self->options.no_new_items
      || self->project_type == CALQUE_MEDIA_TEXT)
    goto not_found;
  {
    /* The format's own layout and the media folder, the folder the user
     * named first: the first that has the file. */
    g_autofree char *in_media_dir = self->media_dir ? g_build_filename (self->media_dir, item_name, NULL) : NULL;
    const char *first = self->options.media_dir_given ? in_media_dir : media_path;
    const char *second = self->options.media_dir_given ? media_path : in_media_dir;

    if (first != NULL && g_file_test (first, G_FILE_TEST_IS_REGULAR))
      path = g_strdup (first);
    else if (second != NULL && g_file_test (second, G_FILE_TEST_IS_REGULAR))
      path = g_strdup (second);
    else
      {
        path = g_strdup (first != NULL ? first : second);
        goto not_found;
      }
  }
  info = calque_media_probe (path, &local_error);
  if (info == NULL)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   "%s: %s: %s", file, element, local_error->message);
      return NULL;
    }
  if (info->type != self->project_type)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_WRONG_MEDIA,
                   _("%s: %s: %s is not of the project’s media type (%s)"), file, element, path,
                   calque_record_get_string (self->project, "type"));
      return NULL;
    }
  if (!calque_blob_cache_add_file (calque_workspace_get_blobs (self->workspace), path, sha256, &added, error))
    return NULL;
  if (added)
    g_ptr_array_add (self->new_blobs, g_strdup (sha256));

  item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (self->project));
  calque_record_set_string (item, "media", calque_media_type_to_string (info->type));
  calque_record_set_string (item, "name", item_name);
  calque_record_set_string (item, "mime", info->mime);
  calque_record_set_int (item, "size", (gint64) info->size);
  calque_record_set_string (item, "sha256", sha256);
  if (info->type == CALQUE_MEDIA_IMAGE)
    {
      calque_record_set_int (item, "width", info->width);
      calque_record_set_int (item, "height", info->height);
    }
  else
    {
      calque_record_set_double (item, "duration", info->duration);
      if (info->sample_rate > 0)
        calque_record_set_int (item, "sample_rate", info->sample_rate);
      if (info->channels > 0)
        calque_record_set_int (item, "channels", info->channels);
    }
  calque_record_set_int (item, "created", self->now_ms);
  if (!calque_store_save (self->store, item, error))
    {
      g_prefix_error (error, "%s: %s: ", file, element);
      return NULL;
    }
  self->report->items++;
  self->report->files++;
  index_item (self, item_name, calque_record_get_id (item));
  return g_steal_pointer (&item);

not_found:
  if (path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (path);

      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: “%s” is neither in project “%s” nor in %s"),
                   file, element, item_name, calque_record_get_string (self->project, "name"), folder);
    }
  else
    g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                 _("%s: %s: “%s” is not in project “%s”"),
                 file, element, item_name, calque_record_get_string (self->project, "name"));
  return NULL;
}

CalqueRecord *
calque_annotation_sink_get_item (CalqueAnnotationSink  *self,
                                 const char            *file,
                                 const char            *element,
                                 const char            *given_name,
                                 gint64                 width,
                                 gint64                 height,
                                 GError               **error)
{
  return calque_annotation_sink_get_item_at (self, file, element, given_name, NULL, width, height, error);
}

CalqueRecord *
calque_annotation_sink_get_item_at (CalqueAnnotationSink  *self,
                                    const char            *file,
                                    const char            *element,
                                    const char            *given_name,
                                    const char            *media_path,
                                    gint64                 width,
                                    gint64                 height,
                                    GError               **error)
{
  g_autofree char *item_name = NULL;
  const char *id;
  CalqueRecord *item;

  g_return_val_if_fail (self != NULL && given_name != NULL, NULL);

  /* Items are found by the name as given first: a text item's name is
   * whatever its importer made it. */
  if (g_hash_table_contains (self->item_ids, given_name))
    item_name = g_strdup (given_name);
  else if (!(item_name = normalise_item_name (file, element, given_name, error)))
    return NULL;

  id = g_hash_table_lookup (self->item_ids, item_name);
  if (id == NULL)
    {
      /* "images/train/a.jpg" in a dataset names the item "a.jpg" that was
       * imported alone: the last part finds it when no other item has it. */
      id = g_hash_table_lookup (self->base_ids, base_name (item_name));
      if (id != NULL && *id == '\0')
        {
          g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                       _("%s: %s: several items of project “%s” are named “%s”; give the item’s folder too"),
                       file, element, calque_record_get_string (self->project, "name"), base_name (item_name));
          return NULL;
        }
    }

  if (id != NULL && (item = g_hash_table_lookup (self->items, id)) != NULL)
    ;
  else if (id != NULL)
    {
      item = calque_store_get (self->store, id, error);
      if (item == NULL)
        return NULL;
      g_hash_table_insert (self->items, g_strdup (id), item);
    }
  else
    {
      item = add_item (self, file, element, item_name, media_path, error);
      if (item == NULL)
        return NULL;
      g_hash_table_insert (self->items, g_strdup (calque_record_get_id (item)), item);
    }

  if ((width > 0 || height > 0)
      && (calque_record_get_int (item, "width", -1) != width || calque_record_get_int (item, "height", -1) != height))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: the file says “%s” is %lld×%lld, but the image is %lld×%lld"),
                   file, element, item_name, (long long) width, (long long) height,
                   (long long) calque_record_get_int (item, "width", 0),
                   (long long) calque_record_get_int (item, "height", 0));
      return NULL;
    }
  return item;
}

CalqueRecord *
calque_annotation_sink_get_item_by_id (CalqueAnnotationSink  *self,
                                       const char            *file,
                                       const char            *element,
                                       const char            *item_id,
                                       GError               **error)
{
  g_autoptr(CalqueRecord) item = NULL;
  CalqueRecord *known;

  g_return_val_if_fail (self != NULL && item_id != NULL, NULL);

  known = g_hash_table_lookup (self->items, item_id);
  if (known != NULL)
    return known;
  item = calque_store_get (self->store, item_id, NULL);
  if (item == NULL || calque_record_get_deleted (item)
      || calque_record_get_kind (item) != CALQUE_KIND_ITEM
      || g_strcmp0 (calque_record_get_project (item), calque_record_get_id (self->project)) != 0)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: project “%s” has no item %s"), file, element,
                   calque_record_get_string (self->project, "name"), item_id);
      return NULL;
    }
  g_hash_table_insert (self->items, g_strdup (item_id), item);
  return g_steal_pointer (&item);
}

CalqueRecord *
calque_annotation_sink_get_label (CalqueAnnotationSink  *self,
                                  const char            *file,
                                  const char            *element,
                                  const char            *name,
                                  GError               **error)
{
  CalqueRecord *label;
  g_autoptr(CalqueRecord) created = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (name == NULL || *(stripped = g_strstrip (g_strdup (name))) == '\0')
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: a label name is empty"), file, element);
      return NULL;
    }
  label = g_hash_table_lookup (self->labels, name);
  if (label != NULL)
    return label;
  if (self->options.no_new_labels)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: project “%s” has no label “%s”"), file, element,
                   calque_record_get_string (self->project, "name"), name);
      return NULL;
    }

  created = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (self->project));
  calque_record_set_string (created, "name", name);
  calque_record_set_string (created, "color", palette[self->next_position % G_N_ELEMENTS (palette)]);
  calque_record_set_int (created, "position", self->next_position);
  if (self->next_position < 9)
    {
      /* Number keys, as labels made with calque-cli project get them. */
      char digit[2] = { (char) ('1' + self->next_position), 0 };

      calque_record_set_string (created, "shortcut", digit);
    }
  if (!calque_store_save (self->store, created, error))
    {
      g_prefix_error (error, _("%s: %s: label “%s”: "), file, element, name);
      return NULL;
    }
  self->next_position++;
  self->report->labels++;
  g_hash_table_add (self->new_labels, g_strdup (name));
  label = g_object_ref (created);
  g_hash_table_insert (self->labels, g_strdup (name), label);
  return label;
}

gboolean
calque_annotation_sink_set_label_parent (CalqueAnnotationSink  *self,
                                         const char            *file,
                                         const char            *element,
                                         const char            *name,
                                         const char            *parent_name,
                                         GError               **error)
{
  CalqueRecord *label = g_hash_table_lookup (self->labels, name);
  CalqueRecord *parent = g_hash_table_lookup (self->labels, parent_name);
  g_autoptr(CalqueRecord) changed = NULL;

  g_return_val_if_fail (self != NULL && name != NULL && parent_name != NULL, FALSE);

  /* Labels the project had keep their place in its tree. */
  if (label == NULL || parent == NULL || label == parent || !g_hash_table_contains (self->new_labels, name))
    return TRUE;
  changed = calque_record_copy (label);
  calque_record_set_string (changed, "parent", calque_record_get_id (parent));
  if (!calque_store_save (self->store, changed, error))
    {
      g_prefix_error (error, _("%s: %s: label “%s”: "), file, element, name);
      return FALSE;
    }
  g_hash_table_insert (self->labels, g_strdup (name), g_steal_pointer (&changed));
  return TRUE;
}

gboolean
calque_annotation_sink_add (CalqueAnnotationSink            *self,
                            const CalqueImportedAnnotation  *imported,
                            GError                         **error)
{
  CalqueRecord *item;
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(JsonArray) labels = json_array_new ();
  g_autoptr(GError) local_error = NULL;
  CalqueShapeBounds bounds;
  JsonNode *node;

  g_return_val_if_fail (self != NULL && imported != NULL && imported->shape != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  if (imported->item_id != NULL)
    item = calque_annotation_sink_get_item_by_id (self, imported->file, imported->element,
                                                  imported->item_id, error);
  else
    item = calque_annotation_sink_get_item (self, imported->file, imported->element,
                                            imported->item_name, 0, 0, error);
  if (item == NULL)
    return FALSE;

  calque_item_get_bounds (item, &bounds);
  if (!calque_shape_validate (imported->shape, &bounds, &local_error))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: %s (item “%s”)"), imported->file, imported->element, local_error->message,
                   calque_record_get_string (item, "name"));
      return FALSE;
    }
  if (!isnan (imported->confidence) && !(imported->confidence >= 0 && imported->confidence <= 1))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: %s: the score %g is not between 0 and 1"), imported->file, imported->element,
                   imported->confidence);
      return FALSE;
    }

  for (guint i = 0; imported->labels != NULL && imported->labels[i] != NULL; i++)
    {
      CalqueRecord *label = calque_annotation_sink_get_label (self, imported->file, imported->element,
                                                              imported->labels[i], error);

      if (label == NULL)
        return FALSE;
      json_array_add_string_element (labels, calque_record_get_id (label));
    }

  annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (self->project));
  calque_record_set_string (annotation, "item", calque_record_get_id (item));
  calque_record_set_string (annotation, "author", self->author);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, labels);
  calque_record_set_field (annotation, "labels", node);
  calque_record_set_shape (annotation, imported->shape);
  if (!isnan (imported->confidence))
    calque_record_set_double (annotation, "confidence", imported->confidence);
  if (imported->attributes != NULL && json_object_get_size (imported->attributes) > 0)
    {
      JsonNode *attributes = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (attributes, imported->attributes);
      calque_record_set_field (annotation, "attributes", calque_json_node_deep_copy (attributes));
      json_node_unref (attributes);
    }
  calque_record_set_int (annotation, "created", self->now_ms);

  _calque_store_set_bounds_item (self->store, item);
  if (!calque_store_save (self->store, annotation, &local_error))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   "%s: %s: %s", imported->file, imported->element, local_error->message);
      return FALSE;
    }
  self->report->annotations++;
  return TRUE;
}

CalqueImportReport *
calque_annotation_sink_finish (CalqueAnnotationSink  *self,
                               GError               **error)
{
  g_return_val_if_fail (self != NULL && self->in_transaction, NULL);

  if (self->report->annotations == 0 && self->report->items == 0 && self->report->labels == 0)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EMPTY,
                   _("there was nothing to import: no annotation, item or label"));
      return NULL;
    }
  if ((self->new_blobs->len > 0
       && !calque_blob_cache_sync (calque_workspace_get_blobs (self->workspace), error))
      || !calque_store_commit (self->store, error))
    return NULL;
  self->in_transaction = FALSE;
  return g_steal_pointer (&self->report);
}
