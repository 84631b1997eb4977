/* test-comments-e2e.c — comments through a real server, between real workspaces
 *
 * A comment with a mention makes the round trip: alice, the owner,
 * comments "@bruno …" on bruno's box and syncs; bruno's workspace
 * receives it as typed, mentioning him, unread; he replies, and alice
 * receives the reply in the same thread. The server's rules hold end to
 * end: a forged edit of alice's comment from bruno's workspace is refused
 * and undone, and in a blind project an annotator receives the comments
 * on the item but not those on another annotator's annotation.
 */
#define G_LOG_DOMAIN "test-comments-e2e"

#include <string.h>

#include "calque-comment-mentions.h"
#include "calque-e2e.h"
#include "calque-item-comments.h"
#include "calque-notifier.h"
#include "calque-store-sync.h"
#include "calque-test-util.h"

#define MENTION_TEXT "@bruno I think this fruit is mislabelled <i>x</i>"

typedef struct
{
  CalqueServerFixture server;
  char               *base;
  char               *dir;
  char               *alice_token;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char * const users[] = { "bruno", "chloe", "dmitri" };

  calque_server_fixture_init (&f->server);
  g_assert_cmpint (calque_server_fixture_user_add (&f->server, "alice", "--admin", CALQUE_E2E_PASSWORD), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    g_assert_cmpint (calque_server_fixture_user_add (&f->server, users[i], NULL, CALQUE_E2E_PASSWORD), ==, 0);
  calque_server_fixture_start (&f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", (guint) f->server.port);
  f->dir = g_dir_make_tmp ("calque-comments-e2e-XXXXXX", NULL);
  f->alice_token = calque_server_fixture_login_token (&f->server, "alice", CALQUE_E2E_PASSWORD);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  calque_server_fixture_clear (&f->server);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->alice_token);
}

/* A project of alice's (@overlap annotators per item) with @annotators as members. */
static char *
new_project (Fixture            *f,
             const char         *name,
             int                 overlap,
             const char * const *annotators)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"image\",\"overlap\":%d}", name, overlap);
  g_autoptr(JsonNode) project = calque_e2e_post (&f->server, "/api/v1/projects", f->alice_token, body);
  char *id = g_strdup (json_object_get_string_member (json_node_get_object (project), "id"));
  g_autofree char *members = g_strdup_printf ("/api/v1/projects/%s/members", id);

  for (guint i = 0; annotators[i] != NULL; i++)
    {
      g_autofree char *member = g_strdup_printf ("{\"user\":\"%s\",\"role\":\"annotator\"}", annotators[i]);

      json_node_unref (calque_e2e_post (&f->server, members, f->alice_token, member));
    }
  return id;
}

static void
save (CalqueE2eDevice *device,
      CalqueRecord    *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (calque_e2e_device_store (device), record, &error));
  g_assert_no_error (error);
}

/* The label and the image of a project, saved on alice's device. */
static void
save_item (CalqueE2eDevice *alice,
           const char      *project,
           char           **out_label,
           CalqueRecord   **out_item)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, project);
  CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, project);

  calque_record_set_string (label, "name", "apple");
  calque_record_set_string (label, "color", "#e01b24");
  save (alice, label);
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", "bowl.jpg");
  calque_record_set_string (item, "url", "https://example.org/bowl.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  save (alice, item);
  *out_label = g_strdup (calque_record_get_id (label));
  *out_item = item;
}

static char *
save_task (CalqueE2eDevice *device,
           const char      *project,
           const char      *item,
           const char      *annotator)
{
  g_autoptr(CalqueRecord) task = calque_record_new (CALQUE_KIND_TASK, project);

  calque_record_set_string (task, "item", item);
  calque_record_set_string (task, "annotator", annotator);
  calque_record_set_string (task, "state", "new");
  save (device, task);
  return g_strdup (calque_record_get_id (task));
}

static char *
save_box (CalqueE2eDevice *device,
          const char      *project,
          const char      *item,
          const char      *task,
          const char      *author,
          const char      *label)
{
  g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, project);
  g_autoptr(CalqueShape) box = calque_shape_new_box (100, 80, 120, 90);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);

  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", item);
  calque_record_set_string (annotation, "task", task);
  calque_record_set_string (annotation, "author", author);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  save (device, annotation);
  return g_strdup (calque_record_get_id (annotation));
}

static CalqueItemComments *
open_comments (CalqueE2eDevice *device,
               const char      *item_id,
               const char      *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_e2e_get_record (device, item_id);
  CalqueItemComments *comments = calque_item_comments_new (calque_e2e_device_store (device), item, user, &error);

  g_assert_no_error (error);
  return comments;
}

static CalqueRecord *
row (CalqueItemComments *comments,
     guint               position)
{
  CalqueRecord *comment = g_list_model_get_item (G_LIST_MODEL (comments), position);

  g_assert_nonnull (comment);
  return comment;
}

static void
test_mention_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) bruno = calque_e2e_device_new (f->dir, f->base, "bruno", "bruno");
  g_autofree char *project = new_project (f, "Fruit", 1, (const char * const[]) { "bruno", NULL });
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(CalqueItemComments) at_alice = NULL;
  g_autoptr(CalqueItemComments) at_bruno = NULL;
  g_autoptr(CalqueRecord) received = NULL;
  g_autoptr(CalqueRecord) reply_at_alice = NULL;
  g_autoptr(CalqueRecord) forged = NULL;
  g_autoptr(CalqueRecord) after = NULL;
  g_autoptr(GHashTable) unread = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(CalqueNotifier) notifier = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) mentioned = NULL;
  g_autofree char *label = NULL, *task = NULL, *box = NULL, *comment = NULL, *reply = NULL;
  const char *item_id;
  guint total = 0;

  /* alice: an image, bruno's task on it; bruno boxes it as an apple. */
  save_item (alice, project, &label, &item);
  item_id = calque_record_get_id (item);
  task = save_task (alice, project, item_id, "bruno");
  calque_e2e_device_sync (alice, f->base, project);
  calque_e2e_device_sync (bruno, f->base, project);
  box = save_box (bruno, project, item_id, task, "bruno", label);
  calque_e2e_device_sync (bruno, f->base, project);
  g_assert_cmpint (calque_store_get_outbox_size (calque_e2e_device_store (bruno), NULL), ==, 0);

  /* alice comments on his box, mentioning him, and syncs. */
  calque_e2e_device_sync (alice, f->base, project);
  at_alice = open_comments (alice, item_id, "alice");
  comment = calque_item_comments_add (at_alice, box, NULL, MENTION_TEXT, &error);
  g_assert_no_error (error);
  calque_e2e_device_sync (alice, f->base, project);
  g_assert_cmpint (calque_store_get_outbox_size (calque_e2e_device_store (alice), NULL), ==, 0);

  /* bruno's workspace: the comment as typed, on his box, naming him,
   * unread, and news for a toast. */
  notifier = calque_notifier_new (calque_e2e_device_store (bruno), project, "bruno");
  calque_e2e_device_sync (bruno, f->base, project);
  notes = calque_notifier_check (notifier, (const char * const[]) { comment, NULL });
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpint (((CalqueNote *) g_ptr_array_index (notes, 0))->kind, ==, CALQUE_NOTE_MENTIONED);
  g_assert_cmpstr (((CalqueNote *) g_ptr_array_index (notes, 0))->who, ==, "alice");
  at_bruno = open_comments (bruno, item_id, "bruno");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (at_bruno)), ==, 1);
  received = row (at_bruno, 0);
  g_assert_cmpstr (calque_record_get_id (received), ==, comment);
  g_assert_cmpstr (calque_record_get_string (received, "text"), ==, MENTION_TEXT);
  g_assert_cmpstr (calque_record_get_string (received, "author"), ==, "alice");
  g_assert_cmpstr (calque_item_comments_get_annotation (at_bruno, comment), ==, box);
  mentioned = calque_comment_mentions (calque_record_get_string (received, "text"));
  g_assert_cmpuint (g_strv_length (mentioned), ==, 1);
  g_assert_cmpstr (mentioned[0], ==, "bruno");
  g_assert_cmpuint (calque_item_comments_get_n_unread (at_bruno), ==, 1);
  unread = calque_comments_count_unread (calque_e2e_device_store (bruno), project, "bruno", &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (unread, item_id)), ==, 1);
  /* An annotator may not resolve alice's thread; she may. */
  g_assert_false (calque_item_comments_can_resolve (at_bruno, comment));
  g_assert_false (calque_item_comments_can_edit (at_bruno, comment));

  /* He reads it and replies; alice receives the reply in the thread. */
  g_assert_true (calque_item_comments_mark_read (at_bruno, &error));
  g_assert_cmpuint (calque_item_comments_get_n_unread (at_bruno), ==, 0);
  reply = calque_item_comments_add (at_bruno, NULL, comment, "@alice it is a quince, I will fix it", &error);
  g_assert_no_error (error);
  calque_e2e_device_sync (bruno, f->base, project);
  calque_e2e_device_sync (alice, f->base, project);
  calque_item_comments_reload (at_alice);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (at_alice)), ==, 2);
  reply_at_alice = row (at_alice, 1);
  g_assert_cmpstr (calque_record_get_id (reply_at_alice), ==, reply);
  g_assert_cmpstr (calque_record_get_string (reply_at_alice, "author"), ==, "bruno");
  g_assert_cmpstr (calque_record_get_string (reply_at_alice, "parent"), ==, comment);
  g_assert_cmpstr (calque_item_comments_get_annotation (at_alice, reply), ==, box);
  g_assert_true (calque_item_comments_is_reply (at_alice, reply));
  g_assert_cmpuint (calque_item_comments_get_n_unread (at_alice), ==, 1);
  g_assert_true (calque_comment_mentions_user (calque_record_get_string (reply_at_alice, "text"), "alice"));

  /* alice resolves the thread; bruno sees it resolved. */
  g_assert_true (calque_item_comments_set_resolved (at_alice, comment, TRUE, &error));
  g_assert_no_error (error);
  calque_e2e_device_sync (alice, f->base, project);
  calque_e2e_device_sync (bruno, f->base, project);
  calque_item_comments_reload (at_bruno);
  g_assert_true (calque_item_comments_is_resolved (at_bruno, reply));

  /* A forged edit of alice's words, from bruno's workspace: the server
   * refuses it, bruno's workspace goes back to her text, hers never changed. */
  forged = calque_e2e_get_record (bruno, comment);
  calque_record_set_string (forged, "text", "I was wrong, it is an apple");
  save (bruno, forged);
  calque_e2e_device_sync (bruno, f->base, project);
  refused = calque_store_list_refused (calque_e2e_device_store (bruno), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  g_assert_nonnull (strstr (((CalqueRefusal *) g_ptr_array_index (refused, 0))->message, "only its author edits"));
  after = calque_e2e_get_record (bruno, comment);
  g_assert_cmpstr (calque_record_get_string (after, "text"), ==, MENTION_TEXT);
  g_clear_object (&after);
  calque_e2e_device_sync (alice, f->base, project);
  after = calque_e2e_get_record (alice, comment);
  g_assert_cmpstr (calque_record_get_string (after, "text"), ==, MENTION_TEXT);
}

/* In blind mode, a comment on an annotation is as private as the
 * annotation; one on the item is for everyone. */
static void
test_blind (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CalqueE2eDevice) alice = calque_e2e_device_new (f->dir, f->base, "alice", "alice");
  g_autoptr(CalqueE2eDevice) chloe = calque_e2e_device_new (f->dir, f->base, "chloe", "chloe");
  g_autoptr(CalqueE2eDevice) dmitri = calque_e2e_device_new (f->dir, f->base, "dmitri", "dmitri");
  g_autofree char *project = new_project (f, "Pairs", 2, (const char * const[]) { "chloe", "dmitri", NULL });
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(CalqueItemComments) at_alice = NULL;
  g_autoptr(CalqueItemComments) at_chloe = NULL;
  g_autoptr(CalqueItemComments) at_dmitri = NULL;
  g_autoptr(CalqueRecord) seen = NULL;
  g_autoptr(GHashTable) unread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL, *chloe_task = NULL, *dmitri_task = NULL, *box = NULL;
  g_autofree char *on_box = NULL, *on_item = NULL;
  const char *item_id;
  guint total = 0;

  save_item (alice, project, &label, &item);
  item_id = calque_record_get_id (item);
  chloe_task = save_task (alice, project, item_id, "chloe");
  dmitri_task = save_task (alice, project, item_id, "dmitri");
  calque_e2e_device_sync (alice, f->base, project);
  calque_e2e_device_sync (chloe, f->base, project);
  box = save_box (chloe, project, item_id, chloe_task, "chloe", label);
  calque_e2e_device_sync (chloe, f->base, project);

  calque_e2e_device_sync (alice, f->base, project);
  at_alice = open_comments (alice, item_id, "alice");
  on_box = calque_item_comments_add (at_alice, box, NULL, "@chloe the stalk is outside the box", &error);
  g_assert_no_error (error);
  on_item = calque_item_comments_add (at_alice, NULL, NULL, "Everyone: mind the reflections", &error);
  g_assert_no_error (error);
  calque_e2e_device_sync (alice, f->base, project);

  /* dmitri: the item's comment only; not chloe's box, nor what is said of it. */
  calque_e2e_device_sync (dmitri, f->base, project);
  at_dmitri = open_comments (dmitri, item_id, "dmitri");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (at_dmitri)), ==, 1);
  seen = row (at_dmitri, 0);
  g_assert_cmpstr (calque_record_get_id (seen), ==, on_item);
  g_assert_null (calque_store_get (calque_e2e_device_store (dmitri), on_box, NULL));
  g_assert_null (calque_store_get (calque_e2e_device_store (dmitri), box, NULL));
  unread = calque_comments_count_unread (calque_e2e_device_store (dmitri), project, "dmitri", &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);

  /* chloe: both, the one on her box marked on it. */
  calque_e2e_device_sync (chloe, f->base, project);
  at_chloe = open_comments (chloe, item_id, "chloe");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (at_chloe)), ==, 2);
  g_assert_cmpuint (calque_item_comments_get_n_unread (at_chloe), ==, 2);
  {
    g_autoptr(GHashTable) marks = calque_item_comments_dup_marks (at_chloe);

    g_assert_cmpuint (g_hash_table_size (marks), ==, 1);
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (marks, box)), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/comments/mention-round-trip", Fixture, NULL, fixture_set_up, test_mention_round_trip,
              fixture_tear_down);
  g_test_add ("/e2e/comments/blind", Fixture, NULL, fixture_set_up, test_blind, fixture_tear_down);

  return g_test_run ();
}
