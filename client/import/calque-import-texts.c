/* calque-import-texts.c — finding a project's texts by their content */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-texts.h"
#include "calque-store-private.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

struct _CalqueImportTexts {
  CalqueTextKey key;
  GHashTable *ids;      /* digest → GQueue of item ids, in name order */
  GString *scratch;
  GPtrArray *spent;     /* ids handed out */
};

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

char *
_calque_import_texts_digest (CalqueImportTexts *self,
                             const char        *text,
                             gssize             length)
{
  const char *end;

  if (length < 0)
    length = (gssize) strlen (text);
  if (self->key == CALQUE_TEXT_KEY_EXACT)
    return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, (gsize) length);

  g_string_truncate (self->scratch, 0);
  end = text + length;
  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_len (self->scratch, p, g_utf8_next_char (p) - p);
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) self->scratch->str,
                                      self->scratch->len);
}

CalqueImportTexts *
_calque_import_texts_new (CalqueAnnotationSink  *sink,
                          CalqueTextKey          key,
                          GError               **error)
{
  g_autoptr(CalqueImportTexts) self = g_new0 (CalqueImportTexts, 1);
  CalqueStore *store = calque_workspace_get_store (calque_annotation_sink_get_workspace (sink));
  CalqueRecord *project = calque_annotation_sink_get_project (sink);
  sqlite3 *db = _calque_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  self->key = key;
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  self->scratch = g_string_new (NULL);
  self->spent = g_ptr_array_new_with_free_func (g_free);

  /* The order of the exports (calque-export-source.c): names, then ids. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT id, json_extract (fields, '$.text') FROM records"
                          " WHERE project = ?1 AND kind = 'item' AND deleted = 0 AND json_valid (fields)"
                          " ORDER BY json_extract (fields, '$.name'), id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _calque_store_set_sqlite_error (error, db, _("listing the texts"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, calque_record_get_id (project), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *digest = NULL;
      GQueue *queue;

      if (text == NULL)
        continue;
      digest = _calque_import_texts_digest (self, text, sqlite3_column_bytes (stmt, 1));
      queue = g_hash_table_lookup (self->ids, digest);
      if (queue == NULL)
        {
          queue = g_queue_new ();
          g_hash_table_insert (self->ids, g_steal_pointer (&digest), queue);
        }
      g_queue_push_tail (queue, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    _calque_store_set_sqlite_error (error, db, _("listing the texts"));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&self);
}

void
_calque_import_texts_free (CalqueImportTexts *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->spent, g_ptr_array_unref);
  if (self->scratch != NULL)
    g_string_free (self->scratch, TRUE);
  g_free (self);
}

const char *
_calque_import_texts_take (CalqueImportTexts *self,
                           const char        *digest)
{
  GQueue *queue = g_hash_table_lookup (self->ids, digest);
  char *id;

  if (queue == NULL || g_queue_is_empty (queue))
    return NULL;
  /* Each item is handed out once; the string lives on in @spent for the
   * caller. */
  id = g_queue_pop_head (queue);
  g_ptr_array_add (self->spent, id);
  return id;
}
