/* calque-importer-native.c — restoring a project from its native export */
#define G_LOG_DOMAIN "calque-import"

#include "calque-importer.h"
#include "calque-importer-private.h"
#include "calque-exporter.h"
#include "calque-record-json.h"
#include "calque-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

gboolean
calque_import_is_native_export (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  char head[256];
  gssize n;

  if (!g_str_has_suffix (path, ".json") && !g_str_has_suffix (path, ".JSON"))
    return FALSE;

  /* The exporter writes the marker first; reading the head is enough. */
  file = g_file_new_for_path (path);
  in = g_file_read (file, NULL, NULL);
  if (in == NULL)
    return FALSE;
  n = g_input_stream_read (G_INPUT_STREAM (in), head, sizeof head - 1, NULL, NULL);
  if (n <= 0)
    return FALSE;
  head[n] = '\0';
  return strstr (head, "\"calque_export\"") != NULL;
}

static gboolean
export_error (GError    **error,
              const char *path,
              const char *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
export_error (GError    **error,
              const char *path,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EXPORT, "%s: %s", path, message);
  return FALSE;
}

/* The blob of @item must be in the workspace, or in media/ beside the
 * export, with the hash it claims. */
static gboolean
ensure_blob (CalqueBlobCache  *blobs,
             const char       *media_dir,
             CalqueRecord     *item,
             guint             index,
             const char       *path,
             GPtrArray        *new_blobs,
             GError          **error)
{
  const char *sha256 = calque_record_get_string (item, "sha256");
  g_autofree char *beside = NULL;
  char actual[65];
  gboolean added = FALSE;

  if (calque_blob_cache_contains (blobs, sha256))
    return TRUE;

  beside = g_build_filename (media_dir, sha256, NULL);
  if (!g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    return export_error (error, path,
                         _("record %u (item “%s”): its media %s is neither in this workspace nor in %s"),
                         index, calque_record_get_string (item, "name"), sha256, media_dir);

  if (!calque_blob_cache_add_file (blobs, beside, actual, &added, error))
    return FALSE;
  if (added)
    g_ptr_array_add (new_blobs, g_strdup (actual));
  if (strcmp (actual, sha256) != 0)
    return export_error (error, path,
                         _("record %u (item “%s”): %s does not have the content its name says (sha256 %s)"),
                         index, calque_record_get_string (item, "name"), beside, actual);
  return TRUE;
}

CalqueImportReport *
calque_import_native (CalqueWorkspace  *workspace,
                      const char       *path,
                      GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) new_blobs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CalqueImportReport) report = _calque_import_report_new ();
  g_autoptr(CalqueRecord) existing = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *media_dir = NULL;
  CalqueStore *store = calque_workspace_get_store (workspace);
  CalqueBlobCache *blobs = calque_workspace_get_blobs (workspace);
  CalqueRecord *project = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *version, *array_node;
  JsonArray *array;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL
      || !calque_json_load_one (parser, g_mapped_file_get_contents (mapped),
                                (gssize) g_mapped_file_get_length (mapped), &local_error))
    {
      export_error (error, path, "%s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      export_error (error, path, _("not a Calque export (the document is not a JSON object)"));
      return NULL;
    }
  obj = json_node_get_object (root);
  version = json_object_get_member (obj, "calque_export");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      export_error (error, path, _("not a Calque export (no “calque_export” version number)"));
      return NULL;
    }
  if (json_node_get_int (version) != CALQUE_NATIVE_FORMAT_VERSION)
    {
      export_error (error, path, _("export format version %lld is not one this Calque reads (%d)"),
                    (long long) json_node_get_int (version), CALQUE_NATIVE_FORMAT_VERSION);
      return NULL;
    }
  array_node = json_object_get_member (obj, "records");
  if (array_node == NULL || !JSON_NODE_HOLDS_ARRAY (array_node))
    {
      export_error (error, path, _("“records” must be an array"));
      return NULL;
    }
  array = json_node_get_array (array_node);

  /* Decode and check everything before writing anything. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      CalqueRecord *record = calque_record_from_json_node (json_array_get_element (array, i), &local_error);
      CalqueRecord *twin;

      if (record == NULL)
        {
          export_error (error, path, _("record %u: %s"), i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (records, record);

      twin = g_hash_table_lookup (by_id, calque_record_get_id (record));
      if (twin)
        {
          export_error (error, path, _("record %u: id %s appears twice"), i + 1, calque_record_get_id (record));
          return NULL;
        }
      g_hash_table_insert (by_id, (gpointer) calque_record_get_id (record), record);

      if (calque_record_get_kind (record) == CALQUE_KIND_PROJECT)
        {
          if (project)
            {
              export_error (error, path, _("record %u: a second project; an export holds one"), i + 1);
              return NULL;
            }
          project = record;
        }
    }

  if (project == NULL)
    {
      export_error (error, path, _("no project record"));
      return NULL;
    }

  for (guint i = 0; i < records->len; i++)
    {
      CalqueRecord *record = g_ptr_array_index (records, i);

      if (strcmp (calque_record_get_project (record), calque_record_get_id (project)) != 0)
        {
          export_error (error, path, _("record %u: belongs to project %s, not to the exported project %s"),
                        i + 1, calque_record_get_project (record), calque_record_get_id (project));
          return NULL;
        }
      if (calque_record_get_kind (record) == CALQUE_KIND_ANNOTATION && !calque_record_get_deleted (record))
        {
          CalqueRecord *item = g_hash_table_lookup (by_id, calque_record_get_string (record, "item"));

          if (item == NULL || calque_record_get_kind (item) != CALQUE_KIND_ITEM)
            {
              export_error (error, path, _("record %u: annotation of item %s, which is not in the export"),
                            i + 1, calque_record_get_string (record, "item"));
              return NULL;
            }
          if (!calque_annotation_validate_for_item (record, item, &local_error))
            {
              export_error (error, path, _("record %u: %s"), i + 1, local_error->message);
              return NULL;
            }
        }
    }

  existing = calque_store_get (store, calque_record_get_id (project), NULL);
  if (existing)
    {
      export_error (error, path, _("project “%s” (%s) is already in this workspace"),
                    calque_record_get_string (existing, "name"), calque_record_get_id (existing));
      return NULL;
    }
  /* A restore only adds: an id already used here (an edited copy of an
   * export, say) must not take over another project's record. */
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(CalqueRecord) taken = calque_store_get (store, calque_record_get_id (g_ptr_array_index (records, i)), NULL);

      if (taken)
        {
          export_error (error, path, _("record %u: id %s is already used in this workspace, by a %s of project %s"),
                        i + 1, calque_record_get_id (taken), calque_kind_to_string (calque_record_get_kind (taken)),
                        calque_record_get_project (taken));
          return NULL;
        }
    }

  dir = g_path_get_dirname (path);
  media_dir = g_build_filename (dir, "media", NULL);

  if (!calque_store_begin (store, error))
    return NULL;

  for (guint i = 0; i < records->len; i++)
    {
      CalqueRecord *record = g_ptr_array_index (records, i);

      if (calque_record_get_kind (record) == CALQUE_KIND_ITEM
          && calque_record_get_string (record, "sha256")
          && !calque_record_get_deleted (record)
          && !ensure_blob (blobs, media_dir, record, i + 1, path, new_blobs, &local_error))
        goto fail;

      if (!calque_store_save (store, record, &local_error))
        {
          g_prefix_error (&local_error, _("%s: record %u: "), path, i + 1);
          goto fail;
        }
    }

  if ((new_blobs->len > 0 && !calque_blob_cache_sync (blobs, &local_error))
      || !calque_store_commit (store, &local_error))
    goto fail;

  report->records = records->len;
  report->files = 1;
  report->project_id = g_strdup (calque_record_get_id (project));
  return g_steal_pointer (&report);

fail:
  calque_store_rollback (store);
  for (guint i = 0; i < new_blobs->len; i++)
    calque_blob_cache_remove (blobs, g_ptr_array_index (new_blobs, i));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}
