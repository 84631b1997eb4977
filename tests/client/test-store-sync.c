/* test-store-sync.c — the outbox, the pull and the settings of a workspace */
#include "calque-store-sync.h"
#include "calque-uuid.h"

#include "calque-test-util.h"

#include <sqlite3.h>
#include <string.h>

typedef struct {
  char *dir;
  char *path;
  CalqueStore *store;
  CalqueRecord *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("calque-store-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "workspace.sqlite", NULL);
  f->store = calque_store_open (f->path, &error);
  g_assert_no_error (error);

  f->project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  calque_record_set_string (f->project, "name", "Birds");
  calque_record_set_string (f->project, "type", "image");
  g_assert_true (calque_store_save (f->store, f->project, &error));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  f->store = calque_store_open (f->path, &error);
  g_assert_no_error (error);
}

static const char *
project_id (Fixture *f)
{
  return calque_record_get_id (f->project);
}

static CalqueRecord *
new_label (Fixture    *f,
           const char *name)
{
  CalqueRecord *label = calque_record_new (CALQUE_KIND_LABEL, project_id (f));

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", "#3584e4");
  return label;
}

/* A change as the server would stream it: another client's label edit. */
static CalqueChange *
remote_label (Fixture    *f,
              const char *record_id,
              gint64      seq,
              const char *field,
              const char *value,
              gint64      ms)
{
  g_autofree char *other = calque_uuid7_new ();
  CalqueChange *change = calque_change_new (other, (guint64) seq, CALQUE_KIND_LABEL, record_id, project_id (f));

  calque_change_set_field (change, field, json_node_init_string (json_node_alloc (), value));
  change->hlc.time = (guint64) ms << 16;
  change->hlc.node = 0x1111;
  change->seq = seq;
  change->author = g_strdup ("bruno");
  return change;
}

/* Each save is one change in the outbox, as it was saved, under the
 * workspace's client id and its own op number; it survives a reopen; an
 * ack removes it and a refusal moves it to the refused list. */
static void
test_outbox_keeps_each_save (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = NULL;
  CalqueChange *first, *second;

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_string (label, "name", "finch");
  g_assert_true (calque_store_save (f->store, label, &error));
  client_id = g_strdup (calque_store_get_client_id (f->store));
  g_assert_true (calque_uuid_is_valid (client_id));

  reopen (f);
  g_assert_cmpstr (calque_store_get_client_id (f->store), ==, client_id);
  outbox = calque_store_outbox_read (f->store, project_id (f), 100, &error);
  g_assert_no_error (error);
  /* The project itself, then the label twice. */
  g_assert_cmpuint (outbox->len, ==, 3);
  first = g_ptr_array_index (outbox, 1);
  second = g_ptr_array_index (outbox, 2);
  g_assert_cmpstr (first->client_id, ==, client_id);
  g_assert_cmpuint (first->op_no, <, second->op_no);
  g_assert_cmpstr (json_object_get_string_member (first->set, "name"), ==, "sparrow");
  g_assert_cmpstr (json_object_get_string_member (first->set, "color"), ==, "#3584e4");
  /* The second save changed the name only, and keeps its own value. */
  g_assert_cmpstr (json_object_get_string_member (second->set, "name"), ==, "finch");
  g_assert_false (json_object_has_member (second->set, "color"));
  g_assert_cmpint (calque_hlc_compare (&first->hlc, &second->hlc), <, 0);

  g_assert_true (calque_store_outbox_acked (f->store, first->op_no, &error));
  g_assert_true (calque_store_outbox_refused (f->store, second->op_no, "forbidden",
                                              "viewers cannot edit labels", &error));
  g_assert_no_error (error);
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, 1);

  refused = calque_store_list_refused (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  g_assert_cmpstr (((CalqueRefusal *) g_ptr_array_index (refused, 0))->code, ==, "forbidden");
  g_assert_cmpstr (json_object_get_string_member (((CalqueRefusal *) g_ptr_array_index (refused, 0))->change->set,
                                                  "name"), ==, "finch");
}

/* A delete is a change with delete set. */
static void
test_outbox_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (f->store, label, &error));
  calque_record_set_deleted (label, TRUE);
  g_assert_true (calque_store_save (f->store, label, &error));
  outbox = calque_store_outbox_read (f->store, project_id (f), 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 3);
  g_assert_true (((CalqueChange *) g_ptr_array_index (outbox, 2))->delete_record);
}

/* Pulled changes merge by the rules of the server, and the cursor moves
 * with them; a local edit not pushed yet and newer than a pulled one
 * stays, and the base seq of later saves is the cursor. */
static void
test_apply_pulled (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) pulled = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(CalqueRecord) back = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_id = calque_uuid7_new ();
  CalqueChange *create;

  g_assert_true (calque_store_save (f->store, label, &error));
  g_assert_cmpint (calque_store_get_cursor (f->store, project_id (f)), ==, 0);

  /* Someone else's new label, and an old edit of our label's name and a
   * new one of its color. */
  create = remote_label (f, remote_id, 5, "name", "heron", 1764028800000);
  calque_change_set_field (create, "color", json_node_init_string (json_node_alloc (), "#e01b24"));
  g_ptr_array_add (pulled, create);
  g_ptr_array_add (pulled, remote_label (f, calque_record_get_id (label), 6, "name", "old name", 1000));
  g_ptr_array_add (pulled, remote_label (f, calque_record_get_id (label), 7, "color", "#2ec27e",
                                         g_get_real_time () / 1000 + 5000));
  g_assert_true (calque_store_apply_pulled (f->store, project_id (f), pulled, 7, changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 3);
  g_assert_cmpint (calque_store_get_cursor (f->store, project_id (f)), ==, 7);

  back = calque_store_get (f->store, remote_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_string (back, "name"), ==, "heron");
  g_clear_object (&back);
  back = calque_store_get (f->store, calque_record_get_id (label), &error);
  g_assert_cmpstr (calque_record_get_string (back, "name"), ==, "sparrow");
  g_assert_cmpstr (calque_record_get_string (back, "color"), ==, "#2ec27e");

  /* The cursor never goes back, and later saves are made on it. */
  g_ptr_array_set_size (pulled, 0);
  g_assert_true (calque_store_apply_pulled (f->store, project_id (f), pulled, 3, NULL, &error));
  g_assert_cmpint (calque_store_get_cursor (f->store, project_id (f)), ==, 7);
  calque_record_set_string (back, "name", "robin");
  g_assert_true (calque_store_save (f->store, back, &error));
  outbox = calque_store_outbox_read (f->store, project_id (f), 100, &error);
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (outbox, outbox->len - 1))->base_seq, ==, 7);
}

/* The clocks column of record @id, as stored. */
static char *
stored_clocks (Fixture    *f,
               const char *id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *clocks = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT clocks FROM records WHERE id = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    clocks = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return clocks;
}

/* A record saved once keeps one clock for all its fields, as a string;
 * once its fields have different clocks, the object. Both read back as a
 * clock per field, and survive a reopen. */
static void
test_stored_clocks (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueRecord) label = new_label (f, "sparrow");
  g_autoptr(CalqueRecord) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *name_clock = NULL, *color_clock = NULL;

  g_assert_true (calque_store_save (f->store, label, &error));
  first = stored_clocks (f, calque_record_get_id (label));
  g_assert_cmpint (strlen (first), ==, CALQUE_HLC_STRING_LENGTH + 2);
  g_assert_true (first[0] == '"' && strstr (first, calque_record_get_clock (label, "name")) == first + 1);

  reopen (f);
  back = calque_store_get (f->store, calque_record_get_id (label), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_clock (back, "name"), ==, calque_record_get_clock (label, "name"));
  g_assert_cmpstr (calque_record_get_clock (back, "color"), ==, calque_record_get_clock (label, "name"));

  /* An edit of one field: two clocks, kept as the object. */
  calque_record_set_string (back, "name", "finch");
  g_assert_true (calque_store_save (f->store, back, &error));
  name_clock = g_strdup (calque_record_get_clock (back, "name"));
  color_clock = g_strdup (calque_record_get_clock (back, "color"));
  g_assert_cmpstr (name_clock, !=, color_clock);
  second = stored_clocks (f, calque_record_get_id (label));
  g_assert_cmpint (second[0], ==, '{');
  g_clear_object (&back);
  reopen (f);
  back = calque_store_get (f->store, calque_record_get_id (label), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_clock (back, "name"), ==, name_clock);
  g_assert_cmpstr (calque_record_get_clock (back, "color"), ==, color_clock);
}

/* The last change of @project_id's outbox. */
static CalqueChange *
last_change (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = calque_store_outbox_read (f->store, project_id (f), 100, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, >, 0);
  return g_ptr_array_steal_index (outbox, outbox->len - 1);
}

/* The first save of a record made here takes a shorter way (an import
 * makes a million of them): it must store the same row, outbox entry and
 * change as the general way, which a record under an id given from
 * outside takes. Text that needs escaping, nested values and a cursor
 * that is not 0 included; and a record that lost a field on the way
 * takes the general way, which sends that field as null. */
static void
test_first_save_same_as_any (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) pulled = g_ptr_array_new ();
  g_autoptr(CalqueRecord) made_here = new_label (f, "<b>\"quoted\"</b> & \\ é \n");
  g_autofree char *given_id = calque_uuid7_new ();
  g_autoptr(CalqueRecord) given = calque_record_new_with_id (CALQUE_KIND_LABEL, given_id, project_id (f));
  g_autoptr(CalqueRecord) lost_field = new_label (f, "finch");
  g_autoptr(CalqueRecord) back_made = NULL, back_given = NULL;
  g_autoptr(CalqueChange) change_made = NULL, change_given = NULL, change_lost = NULL;
  g_autoptr(JsonNode) set_made = NULL, set_given = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *nested = json_from_string ("[{\"name\": \"size\", \"type\": \"enum\","
                                     " \"options\": [\"small\", \"big \\u00e9\"], \"default\": \"small\"},"
                                     " {\"name\": \"depth\", \"type\": \"number\", \"min\": 0, \"max\": 2.5}]",
                                     NULL);

  g_assert_true (calque_store_apply_pulled (f->store, project_id (f), pulled, 7, NULL, &error));
  calque_record_set_int (made_here, "position", 3);
  calque_record_set_field (made_here, "attributes", json_node_copy (nested));
  calque_record_set_string (given, "name", calque_record_get_string (made_here, "name"));
  calque_record_set_string (given, "color", "#3584e4");
  calque_record_set_int (given, "position", 3);
  calque_record_set_field (given, "attributes", nested);

  g_assert_true (calque_store_save (f->store, made_here, &error));
  change_made = last_change (f);
  g_assert_true (calque_store_save (f->store, given, &error));
  change_given = last_change (f);
  g_assert_no_error (error);

  g_assert_cmpstr (change_made->client_id, ==, change_given->client_id);
  g_assert_cmpstr (change_made->record_id, ==, calque_record_get_id (made_here));
  g_assert_cmpstr (change_made->project, ==, change_given->project);
  g_assert_cmpint (change_made->kind, ==, change_given->kind);
  g_assert_cmpint (change_made->base_seq, ==, 7);
  g_assert_cmpint (change_given->base_seq, ==, 7);
  g_assert_false (change_made->delete_record || change_made->undelete);
  set_made = json_node_init_object (json_node_alloc (), change_made->set);
  set_given = json_node_init_object (json_node_alloc (), change_given->set);
  g_assert_true (json_node_equal (set_made, set_given));
  g_assert_cmpint (calque_hlc_compare (&change_made->hlc, &change_given->hlc), <, 0);

  back_made = calque_store_get (f->store, calque_record_get_id (made_here), &error);
  back_given = calque_store_get (f->store, given_id, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) fields_made = json_node_init_object (json_node_alloc (), calque_record_get_fields (back_made));
    g_autoptr(JsonNode) fields_given = json_node_init_object (json_node_alloc (), calque_record_get_fields (back_given));

    g_assert_true (json_node_equal (fields_made, fields_given));
  }
  g_assert_cmpstr (calque_record_get_string (back_made, "name"), ==, "<b>\"quoted\"</b> & \\ é \n");
  for (const char * const *name = (const char * const[]) { "name", "color", "position", "attributes", NULL };
       *name != NULL; name++)
    {
      char clock[CALQUE_HLC_STRING_LENGTH + 1];

      calque_hlc_to_string (&change_made->hlc, clock);
      g_assert_cmpstr (calque_record_get_clock (back_made, *name), ==, clock);
    }
  {
    g_auto(GStrv) dirty = calque_record_dup_dirty_fields (made_here);

    g_assert_null (dirty[0]);
  }

  calque_record_set_string (lost_field, "shortcut", "7");
  calque_record_remove_field (lost_field, "shortcut");
  g_assert_true (calque_store_save (f->store, lost_field, &error));
  change_lost = last_change (f);
  g_assert_true (json_object_has_member (change_lost->set, "shortcut"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (change_lost->set, "shortcut")));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_null (calque_store_get_setting (f->store, "token"));
  g_assert_true (calque_store_set_setting (f->store, "token", "s3cret", &error));
  reopen (f);
  token = calque_store_get_setting (f->store, "token");
  g_assert_cmpstr (token, ==, "s3cret");
  g_assert_true (calque_store_set_setting (f->store, "token", NULL, &error));
  g_assert_null (calque_store_get_setting (f->store, "token"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-sync/outbox-keeps-each-save", Fixture, NULL, fixture_set_up,
              test_outbox_keeps_each_save, fixture_tear_down);
  g_test_add ("/store-sync/outbox-delete", Fixture, NULL, fixture_set_up, test_outbox_delete, fixture_tear_down);
  g_test_add ("/store-sync/apply-pulled", Fixture, NULL, fixture_set_up, test_apply_pulled, fixture_tear_down);
  g_test_add ("/store-sync/first-save-same-as-any", Fixture, NULL, fixture_set_up,
              test_first_save_same_as_any, fixture_tear_down);
  g_test_add ("/store-sync/stored-clocks", Fixture, NULL, fixture_set_up, test_stored_clocks, fixture_tear_down);
  g_test_add ("/store-sync/settings", Fixture, NULL, fixture_set_up, test_settings, fixture_tear_down);
  return g_test_run ();
}
