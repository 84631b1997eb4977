/* test-store-migrate.c — a workspace written at schema v1 opens at the current version
 *
 * The database is made exactly as Calque's v1 schema made it (the real v1
 * step of calque-store-schema.c), filled with a project as v1 stored it:
 * labels, image and text items, annotations, an outbox. Opening it with
 * the current store must migrate it without losing or changing anything.
 */
#include "calque-store.h"
#include "calque-store-sync.h"
#include "calque-store-private.h"
#include "calque-record-private.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#define N_ITEMS 200

static const char * const texts[] = {
  "Livraison rapide, produit conforme. Très satisfaite !",
  "Le café était froid 😞 et le serveur désagréable.",
  "Great battery life, but the screen scratches easily.",
  "Ça marche. Ni plus, ni moins.",
  "東京の天気は晴れです。",
};

static void
insert_v1 (sqlite3      *db,
           CalqueRecord *record,
           const char   *clock)
{
  g_autoptr(JsonNode) fields_node = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));
  g_autofree char *fields = json_to_string (fields_node, FALSE);
  g_autofree char *clocks = NULL;
  g_auto(GStrv) names = calque_record_dup_dirty_fields (record);
  sqlite3_stmt *stmt = NULL;

  for (guint i = 0; names[i]; i++)
    calque_record_set_clock (record, names[i], clock);
  clocks = _calque_record_dup_clocks_json (record);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                   "INSERT INTO records (id, kind, project, deleted, fields, clocks) VALUES (?, ?, ?, ?, ?, ?)",
                   -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, calque_record_get_id (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, calque_kind_to_string (calque_record_get_kind (record)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, calque_record_get_project (record), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, calque_record_get_deleted (record));
  sqlite3_bind_text (stmt, 5, fields, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, clocks, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO outbox (record_id, fields) VALUES (?, '[\"name\"]')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, calque_record_get_id (record), -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  calque_record_mark_clean (record);
}

static char *
clock_at (int i)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x-00000000000000aa", (guint64) 0x019ab84f0000 + i);
}

static void
test_v1_to_v2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-migrate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "workspace.sqlite", NULL);
  g_autoptr(GPtrArray) originals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) label = NULL;
  g_autoptr(CalqueStore) store = NULL;
  g_autoptr(CalqueRecord) found = NULL;
  g_autoptr(CalqueRecord) fresh = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *last_clock = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int clock_index = 0;

  /* --- a v1 database with a real project in it ------------------------ */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (_calque_store_schema_migrate (db, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (_calque_store_schema_get_version (db), ==, 1);

  calque_record_set_string (project, "name", "Avis clients");
  calque_record_set_string (project, "type", "image");
  { g_autofree char *c = clock_at (clock_index++); insert_v1 (db, project, c); }
  g_ptr_array_add (originals, g_object_ref (project));

  label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));
  calque_record_set_string (label, "name", "personne");
  calque_record_set_string (label, "color", "#e01b24");
  calque_record_set_string (label, "shortcut", "1");
  { g_autofree char *c = clock_at (clock_index++); insert_v1 (db, label, c); }
  g_ptr_array_add (originals, g_object_ref (label));

  for (int i = 0; i < N_ITEMS; i++)
    {
      CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
      CalqueRecord *annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (project));
      g_autofree char *name = g_strdup_printf ("photos/%03d.jpg", i);
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      g_autoptr(CalqueShape) box = calque_shape_new_box (i % 50, 10, 20.5, 30);
      g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
      g_autofree char *c1 = clock_at (clock_index++);
      g_autofree char *c2 = clock_at (clock_index++);

      json_array_add_string_element (json_node_get_array (labels), calque_record_get_id (label));
      calque_record_set_string (item, "media", "image");
      calque_record_set_string (item, "name", name);
      calque_record_set_string (item, "sha256", digest);
      calque_record_set_int (item, "width", 640);
      calque_record_set_int (item, "height", 480);
      calque_record_set_string (item, "mime", "image/jpeg");
      if (i % 7 == 0)
        {
          JsonObject *meta = json_object_new ();
          json_object_set_string_member (meta, "comment", texts[i % G_N_ELEMENTS (texts)]);
          JsonNode *node = json_node_new (JSON_NODE_OBJECT);

          json_node_take_object (node, meta);
          calque_record_set_field (item, "metadata", node);
        }
      insert_v1 (db, item, c1);
      if (i == 17)
        sha = g_strdup (digest);

      calque_record_set_string (annotation, "item", calque_record_get_id (item));
      calque_record_set_string (annotation, "author", "amélie");
      calque_record_set_field (annotation, "labels", json_node_ref (labels));
      calque_record_set_shape (annotation, box);
      calque_record_set_double (annotation, "confidence", (i % 10) / 10.0);
      insert_v1 (db, annotation, c2);
      g_free (last_clock);
      last_clock = g_strdup (c2);

      g_ptr_array_add (originals, item);
      g_ptr_array_add (originals, annotation);
    }
  sqlite3_close (db);

  /* --- opening it migrates it ------------------------------------------ */
  store = calque_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calque_store_get_schema_version (store), ==, CALQUE_STORE_SCHEMA_VERSION);

  for (guint i = 0; i < originals->len; i++)
    {
      CalqueRecord *original = g_ptr_array_index (originals, i);
      g_autoptr(CalqueRecord) back = calque_store_get (store, calque_record_get_id (original), &error);

      g_assert_no_error (error);
      g_assert_true (calque_record_equal (original, back));
      g_assert_cmpstr (calque_record_get_clock (back, "name") ?: calque_record_get_clock (back, "item"), ==,
                       calque_record_get_clock (original, "name") ?: calque_record_get_clock (original, "item"));
    }
  g_assert_cmpint (calque_store_count (store, CALQUE_KIND_ITEM, NULL, NULL), ==, N_ITEMS);
  g_assert_cmpint (calque_store_count (store, CALQUE_KIND_ANNOTATION, NULL, NULL), ==, N_ITEMS);
  g_assert_cmpint (calque_store_get_outbox_size (store, NULL), ==, originals->len);

  /* v1's outbox rows name fields only: they are pushed from the records,
   * with the records' values and clocks. */
  {
    g_autoptr(GPtrArray) outbox = calque_store_outbox_read (store, calque_record_get_id (project), 100000, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (outbox->len, ==, originals->len);
    for (guint i = 0; i < outbox->len; i++)
      {
        CalqueChange *change = g_ptr_array_index (outbox, i);
        g_autoptr(CalqueRecord) record = calque_store_get (store, change->record_id, &error);
        GList *members = json_object_get_members (change->set);

        g_assert_no_error (error);
        g_assert_nonnull (members);
        for (GList *l = members; l != NULL; l = l->next)
          g_assert_true (json_node_equal (json_object_get_member (change->set, l->data),
                                          calque_record_get_field (record, l->data)));
        g_list_free (members);
      }
  }

  /* v2's new column holds each record's latest clock… */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE updated IS NULL", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(updated) FROM records", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, last_clock);
  sqlite3_finalize (stmt);
  /* …v5's hold what the progress figures count, from the fields… */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE kind = 'annotation'"
                                       " AND person = 'amélie' AND item IS NOT NULL AND labels LIKE '[\"%\"]'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, N_ITEMS);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* …its index finds items by hash… */
  found = calque_store_find_item_by_sha256 (store, calque_record_get_id (project), sha, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (calque_record_get_string (found, "name"), ==, "photos/017.jpg");

  /* …and new writes work and sort after the migrated clocks. */
  fresh = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));
  calque_record_set_string (fresh, "name", "vélo");
  calque_record_set_string (fresh, "color", "#2ec27e");
  g_assert_true (calque_store_save (store, fresh, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_clock (fresh, "name"), >, last_clock);

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/migrate-v1-to-v2", test_v1_to_v2);
  return g_test_run ();
}
