/* calque-importer.c — images, audio and texts into a project */
#define G_LOG_DOMAIN "calque-import"

#include "calque-importer.h"
#include "calque-importer-private.h"
#include "calque-media.h"
#include "calque-text-source.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (calque-import-error-quark, calque_import_error)

/* How often a long text file reports progress, in items. */
#define TEXT_PROGRESS_STEP 5000

typedef struct {
  char *path;   /* as the user named it, joined with the path inside a folder */
  char *name;   /* the item's name: the file name, or folder/relative path */
} FileEntry;

typedef struct {
  CalqueStore *store;
  CalqueBlobCache *blobs;
  CalqueRecord *project;
  CalqueMediaType project_type;
  const CalqueImportOptions *options;
  CalqueImportReport *report;

  GHashTable *seen;      /* sha256 → path, for files of this import */
  GPtrArray *new_blobs;  /* sha256 of blobs this import put in the cache */
  gint64 now_ms;

  CalqueImportProgressFunc progress;
  gpointer progress_data;
  guint files_done, files_total;

  /* the text file being read */
  const FileEntry *file;
  const char *file_sha256;
} Import;

static void
file_entry_free (FileEntry *entry)
{
  g_free (entry->path);
  g_free (entry->name);
  g_free (entry);
}

static void
problem_free (CalqueImportProblem *problem)
{
  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

CalqueImportReport *
_calque_import_report_new (void)
{
  CalqueImportReport *report = g_new0 (CalqueImportReport, 1);

  report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  return report;
}

void
_calque_import_report_add_problem (CalqueImportReport *report,
                                   const char         *path,
                                   const char         *message)
{
  CalqueImportProblem *problem = g_new0 (CalqueImportProblem, 1);

  problem->path = g_strdup (path);
  problem->message = g_strdup (message);
  g_ptr_array_add (report->problems, problem);
}

void
calque_import_report_free (CalqueImportReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->problems);
  g_free (report->project_id);
  g_free (report);
}

static const char *
media_type_label (CalqueMediaType type)
{
  switch (type)
    {
    case CALQUE_MEDIA_IMAGE: return _("an image");
    case CALQUE_MEDIA_TEXT: return _("a text file");
    case CALQUE_MEDIA_AUDIO: return _("an audio file");
    default: g_assert_not_reached ();
    }
}

static const char *
project_type_label (CalqueMediaType type)
{
  switch (type)
    {
    case CALQUE_MEDIA_IMAGE: return _("an image project");
    case CALQUE_MEDIA_TEXT: return _("a text project");
    case CALQUE_MEDIA_AUDIO: return _("an audio project");
    default: g_assert_not_reached ();
    }
}

/* --- finding the files --------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
walk_folder (const char  *path,
             const char  *name,
             GPtrArray   *files,
             Import      *import,
             GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  const char *entry;

  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      /* GDir's message repeats the path, and errno is gone by now: ask
       * the kernel again for the plain reason. */
      int saved = g_access (path, R_OK | X_OK) != 0 ? errno : 0;

      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_FOLDER,
                   _("%s: cannot read this folder: %s"), path,
                   saved ? g_strerror (saved) : local_error->message);
      return FALSE;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    if (entry[0] != '.')  /* hidden files and folders are not data */
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *base = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (path, base, NULL);
      g_autofree char *child_name = g_build_filename (name, base, NULL);
      CalqueMediaType type;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (!walk_folder (child, child_name, files, import, error))
            return FALSE;
        }
      else if (calque_media_type_from_filename (child, &type))
        {
          FileEntry *file = g_new0 (FileEntry, 1);

          file->path = g_steal_pointer (&child);
          file->name = g_steal_pointer (&child_name);
          g_ptr_array_add (files, file);
        }
      else
        import->report->ignored++;
    }

  return TRUE;
}

static gboolean
collect_path (const char  *path,
              GPtrArray   *files,
              Import      *import,
              GError     **error)
{
  CalqueMediaType type;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", path, g_strerror (saved));
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autofree char *trimmed = g_strdup (path);
      g_autofree char *base = NULL;

      /* "photos/" and "photos" name their items alike: "photos/cat.jpg". */
      while (strlen (trimmed) > 1 && g_str_has_suffix (trimmed, G_DIR_SEPARATOR_S))
        trimmed[strlen (trimmed) - 1] = '\0';
      base = g_path_get_basename (trimmed);
      return walk_folder (trimmed, base, files, import, error);
    }

  if (!calque_media_type_from_filename (path, &type))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: not a kind of file Calque imports (images: PNG, JPEG, WebP, TIFF, BMP; "
                     "audio: WAV, FLAC, Ogg, MP3; texts: .txt, .csv, .jsonl)"), path);
      return FALSE;
    }

  {
    FileEntry *file = g_new0 (FileEntry, 1);

    file->path = g_strdup (path);
    file->name = g_path_get_basename (path);
    g_ptr_array_add (files, file);
  }
  return TRUE;
}

/* --- one file ------------------------------------------------------------ */

static gboolean
check_not_seen (Import      *import,
                const char  *path,
                const char  *sha256,
                GError     **error)
{
  const char *first = g_hash_table_lookup (import->seen, sha256);
  g_autoptr(CalqueRecord) existing = NULL;
  g_autoptr(GError) local_error = NULL;

  if (first)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_DUPLICATE,
                   _("%s: same content as %s (sha256 %.12s…)"), path, first, sha256);
      return FALSE;
    }

  existing = import->project_type == CALQUE_MEDIA_TEXT
             ? calque_store_find_item_by_source (import->store, calque_record_get_id (import->project),
                                                 sha256, &local_error)
             : calque_store_find_item_by_sha256 (import->store, calque_record_get_id (import->project),
                                                 sha256, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_DUPLICATE,
                   _("%s: already in project “%s” (as “%s”)"), path,
                   calque_record_get_string (import->project, "name"),
                   calque_record_get_string (existing, "name"));
      return FALSE;
    }

  g_hash_table_insert (import->seen, g_strdup (sha256), g_strdup (path));
  return TRUE;
}

static gboolean
save_item (Import        *import,
           CalqueRecord  *item,
           const char    *where,
           GError       **error)
{
  if (!calque_store_save (import->store, item, error))
    {
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }
  import->report->items++;
  return TRUE;
}

static gboolean
import_media_file (Import           *import,
                   const FileEntry  *file,
                   GError          **error)
{
  g_autoptr(CalqueMediaInfo) info = NULL;
  g_autoptr(CalqueRecord) item = NULL;
  char sha256[65];
  gboolean added = FALSE;

  /* Probe first: a corrupt file is refused before it is copied anywhere. */
  info = calque_media_probe (file->path, error);
  if (info == NULL)
    return FALSE;
  if (info->type != import->project_type)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_WRONG_MEDIA,
                   _("%s: %s cannot go into %s (“%s”)"), file->path,
                   media_type_label (info->type), project_type_label (import->project_type),
                   calque_record_get_string (import->project, "name"));
      return FALSE;
    }

  if (!calque_blob_cache_add_file (import->blobs, file->path, sha256, &added, error))
    return FALSE;
  if (added)
    g_ptr_array_add (import->new_blobs, g_strdup (sha256));

  if (!check_not_seen (import, file->path, sha256, error))
    return FALSE;

  item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (import->project));
  calque_record_set_string (item, "media", calque_media_type_to_string (info->type));
  calque_record_set_string (item, "name", file->name);
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
  calque_record_set_int (item, "created", import->now_ms);

  return save_item (import, item, file->path, error);
}

static gboolean
text_found_cb (const char  *text,
               guint        line,
               JsonObject  *metadata,
               gpointer     user_data,
               GError     **error)
{
  Import *import = user_data;
  g_autoptr(CalqueRecord) item = NULL;
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;

  item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (import->project));
  name = g_strdup_printf ("%s:%u", import->file->name, line);
  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "text", text);
  calque_record_set_string (item, "source_sha256", import->file_sha256);
  calque_record_set_int (item, "source_line", line);
  if (metadata && json_object_get_size (metadata) > 0)
    calque_record_set_field (item, "metadata",
                             json_node_init_object (json_node_alloc (), metadata));
  calque_record_set_int (item, "created", import->now_ms);

  where = g_strdup_printf (_("%s: line %u"), import->file->path, line);
  if (!save_item (import, item, where, error))
    return FALSE;

  if (import->progress && import->report->items % TEXT_PROGRESS_STEP == 0)
    import->progress (import->files_done, import->files_total, import->report->items,
                      import->file->path, import->progress_data);
  return TRUE;
}

static char *
hash_file (const char  *path,
           GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  guint8 buffer[64 * 1024];
  gssize n;

  if (in == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, NULL, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
import_text_file (Import           *import,
                  const FileEntry  *file,
                  GError          **error)
{
  CalqueTextSourceOptions text_options = {
    .csv_column = import->options->csv_column,
    .jsonl_field = import->options->jsonl_field,
  };
  g_autofree char *sha256 = NULL;
  guint items_before = import->report->items;

  if (import->project_type != CALQUE_MEDIA_TEXT)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_WRONG_MEDIA,
                   _("%s: %s cannot go into %s (“%s”)"), file->path,
                   media_type_label (CALQUE_MEDIA_TEXT), project_type_label (import->project_type),
                   calque_record_get_string (import->project, "name"));
      return FALSE;
    }

  sha256 = hash_file (file->path, error);
  if (sha256 == NULL || !check_not_seen (import, file->path, sha256, error))
    return FALSE;

  import->file = file;
  import->file_sha256 = sha256;
  if (!calque_text_source_read (file->path, &text_options, text_found_cb, import, error))
    return FALSE;

  if (import->report->items == items_before)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_EMPTY,
                   _("%s: no text in this file"), file->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_file (Import           *import,
             const FileEntry  *file,
             GError          **error)
{
  CalqueMediaType type;

  if (!calque_media_type_from_filename (file->path, &type))
    g_assert_not_reached ();  /* collect_path only keeps known types */

  if (type == CALQUE_MEDIA_TEXT)
    return import_text_file (import, file, error);

  if (type != import->project_type)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_WRONG_MEDIA,
                   _("%s: %s cannot go into %s (“%s”)"), file->path,
                   media_type_label (type), project_type_label (import->project_type),
                   calque_record_get_string (import->project, "name"));
      return FALSE;
    }
  return import_media_file (import, file, error);
}

/* Removes the blobs this import added from index @from on: nothing that was
 * rolled back may leave files behind. */
static void
forget_new_blobs (Import *import,
                  guint   from)
{
  for (guint i = from; i < import->new_blobs->len; i++)
    calque_blob_cache_remove (import->blobs, g_ptr_array_index (import->new_blobs, i));
  if (from < import->new_blobs->len)
    g_ptr_array_remove_range (import->new_blobs, from, import->new_blobs->len - from);
}

CalqueImportReport *
calque_import_files (CalqueWorkspace           *workspace,
                     CalqueRecord              *project,
                     const char * const        *paths,
                     const CalqueImportOptions *options,
                     CalqueImportProgressFunc   progress,
                     gpointer                   user_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  static const CalqueImportOptions default_options = { 0 };
  g_autoptr(CalqueImportReport) report = _calque_import_report_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) new_blobs = g_ptr_array_new_with_free_func (g_free);
  Import import = { 0 };

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);
  g_return_val_if_fail (paths != NULL, NULL);

  import.store = calque_workspace_get_store (workspace);
  import.blobs = calque_workspace_get_blobs (workspace);
  import.project = project;
  import.options = options ? options : &default_options;
  import.report = report;
  import.seen = seen;
  import.new_blobs = new_blobs;
  import.now_ms = g_get_real_time () / 1000;
  import.progress = progress;
  import.progress_data = user_data;
  report->project_id = g_strdup (calque_record_get_id (project));

  if (!calque_media_type_from_string (calque_record_get_string (project, "type"), &import.project_type))
    g_return_val_if_reached (NULL);

  for (guint i = 0; paths[i]; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!collect_path (paths[i], files, &import, &local_error))
        {
          if (!import.options->skip_bad)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          _calque_import_report_add_problem (report, paths[i], local_error->message);
        }
    }

  import.files_total = files->len;

  if (!calque_store_begin (import.store, error))
    return NULL;

  for (guint i = 0; i < files->len; i++)
    {
      const FileEntry *file = g_ptr_array_index (files, i);
      g_autoptr(GError) local_error = NULL;
      guint blobs_before = new_blobs->len;
      guint items_before = report->items;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        {
          calque_store_rollback (import.store);
          forget_new_blobs (&import, 0);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* Each file in a savepoint, so that a bad one can be left out whole. */
      if (!calque_store_begin (import.store, &local_error))
        {
          /* No savepoint was opened: only the outer transaction to undo. */
          calque_store_rollback (import.store);
          forget_new_blobs (&import, 0);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!import_file (&import, file, &local_error))
        {
          calque_store_rollback (import.store);
          forget_new_blobs (&import, blobs_before);
          report->items = items_before;
          if (!import.options->skip_bad)
            {
              calque_store_rollback (import.store);
              forget_new_blobs (&import, 0);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          _calque_import_report_add_problem (report, file->path, local_error->message);
        }
      else if (!calque_store_commit (import.store, &local_error))
        {
          calque_store_rollback (import.store);
          calque_store_rollback (import.store);
          forget_new_blobs (&import, 0);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      else
        report->files++;

      import.files_done = i + 1;
      if (progress)
        progress (import.files_done, import.files_total, report->items, file->path, user_data);
    }

  if ((new_blobs->len > 0 && !calque_blob_cache_sync (import.blobs, error))
      || !calque_store_commit (import.store, error))
    {
      calque_store_rollback (import.store);
      forget_new_blobs (&import, 0);
      return NULL;
    }

  return g_steal_pointer (&report);
}
