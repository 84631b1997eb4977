/* test-item-comments.c — comment threads, mentions and unread counts on a real store
 *
 * CalqueItemComments over a real workspace file: threads on the item and
 * on an annotation, replies in time order, edits and deletions of one's
 * own comments only (others' refused with the reason, nothing stored),
 * resolve and reopen by whom the server allows, the @name mentions of the
 * text, text kept literally, and unread counts that survive a restart
 * and catch a comment written offline long ago.
 */
#define G_LOG_DOMAIN "test-item-comments"

#include <string.h>

#include "calque-comment-mentions.h"
#include "calque-item-comments.h"
#include "calque-notifier.h"
#include "calque-store-sync.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"

#define ME    "amelie"
#define OTHER "bruno"

typedef struct {
  char         *dir;
  CalqueStore  *store;
  char         *project;
  CalqueRecord *item;
  CalqueRecord *other_item;
  char         *annotation;
} Fixture;

static CalqueRecord *
save_item (Fixture    *f,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  CalqueRecord *item = calque_record_new (CALQUE_KIND_ITEM, f->project);

  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "url", "https://media.example.org/x.jpg");
  calque_record_set_int (item, "width", 640);
  calque_record_set_int (item, "height", 480);
  g_assert_true (calque_store_save (f->store, item, &error));
  g_assert_no_error (error);
  return item;
}

static void
save_member (Fixture    *f,
             const char *user,
             const char *role)
{
  g_autoptr(CalqueRecord) member = calque_record_new (CALQUE_KIND_MEMBER, f->project);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (member, "user", user);
  calque_record_set_string (member, "role", role);
  g_assert_true (calque_store_save (f->store, member, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) annotation = NULL;
  g_autoptr(CalqueShape) box = calque_shape_new_box (10, 10, 50, 40);
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);

  f->dir = g_dir_make_tmp ("calque-comments-XXXXXX", &error);
  path = g_build_filename (f->dir, "workspace.sqlite", NULL);
  f->store = calque_store_open (path, &error);
  g_assert_no_error (error);

  calque_record_set_string (project, "name", "Fruit");
  calque_record_set_string (project, "type", "image");
  g_assert_true (calque_store_save (f->store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  label = calque_test_save_label (f->store, f->project, "apple", "#e01b24", 0);
  f->item = save_item (f, "bowl.jpg");
  f->other_item = save_item (f, "basket.jpg");

  annotation = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  json_array_add_string_element (json_node_get_array (labels), label);
  calque_record_set_string (annotation, "item", calque_record_get_id (f->item));
  calque_record_set_string (annotation, "author", OTHER);
  calque_record_set_field (annotation, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (annotation, box);
  g_assert_true (calque_store_save (f->store, annotation, &error));
  g_assert_no_error (error);
  f->annotation = g_strdup (calque_record_get_id (annotation));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->item);
  g_clear_object (&f->other_item);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->annotation);
}

/* A comment written by @author elsewhere, as the sync brings it: @created
 * is its author's clock, @parent_id the thread it answers. */
static char *
save_foreign_comment (Fixture      *f,
                      CalqueRecord *item,
                      const char   *author,
                      const char   *annotation_id,
                      const char   *parent_id,
                      const char   *text,
                      gint64        created)
{
  g_autoptr(CalqueRecord) comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (comment, "item", calque_record_get_id (item));
  calque_record_set_string (comment, "author", author);
  calque_record_set_string (comment, "text", text);
  calque_record_set_int (comment, "created", created);
  if (annotation_id != NULL)
    calque_record_set_string (comment, "annotation", annotation_id);
  if (parent_id != NULL)
    calque_record_set_string (comment, "parent", parent_id);
  g_assert_true (calque_store_put_merged (f->store, comment, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (comment));
}

static CalqueItemComments *
open_comments (Fixture      *f,
               CalqueRecord *item,
               const char   *user)
{
  g_autoptr(GError) error = NULL;
  CalqueItemComments *comments = calque_item_comments_new (f->store, item, user, &error);

  g_assert_no_error (error);
  g_assert_nonnull (comments);
  return comments;
}

/* The rows as "author:text" (replies indented with ">"), one line each. */
static char *
describe (CalqueItemComments *comments)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (comments));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) comment = g_list_model_get_item (G_LIST_MODEL (comments), i);
      const char *id = calque_record_get_id (comment);

      g_string_append_printf (out, "%s%s%s:%s%s", i > 0 ? "\n" : "",
                              calque_item_comments_is_reply (comments, id) ? ">" : "",
                              calque_record_get_string (comment, "author"),
                              calque_record_get_deleted (comment) ? "(deleted)" : calque_record_get_string (comment, "text"),
                              calque_item_comments_is_resolved (comments, id) ? " [resolved]" : "");
    }
  return g_string_free (out, FALSE);
}

static gint64
stored_n (Fixture *f)
{
  return calque_store_count (f->store, CALQUE_KIND_COMMENT, f->project, NULL);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n)
{
  (*n)++;
}

/* --- threads ------------------------------------------------------------------ */

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = open_comments (f, f->item, ME);
  g_autoptr(GError) error = NULL;
  g_autofree char *on_item = NULL, *on_box = NULL, *reply = NULL, *reply_to_reply = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(CalqueRecord) stored = NULL;
  g_autoptr(GHashTable) marks = NULL;
  gint64 now = g_get_real_time () / 1000;
  guint changes = 0;

  g_signal_connect (comments, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (comments)), ==, 0);

  on_item = calque_item_comments_add (comments, NULL, NULL, "  Is the bowl cropped?\n", &error);
  g_assert_no_error (error);
  on_box = calque_item_comments_add (comments, f->annotation, NULL, "@bruno this is a pear", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 2);

  /* In the store at once, with its author, its time, trimmed. */
  stored = calque_store_get (f->store, on_item, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (calque_record_get_string (stored, "text"), ==, "Is the bowl cropped?");
  g_assert_cmpstr (calque_record_get_string (stored, "author"), ==, ME);
  g_assert_cmpstr (calque_record_get_string (stored, "item"), ==, calque_record_get_id (f->item));
  g_assert_false (calque_record_has_field (stored, "annotation"));
  g_assert_cmpint (calque_record_get_int (stored, "created", 0), >=, now);
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), >=, 2);

  /* bruno answers the thread on the box (from the sync);
   * a reply to his reply joins the same thread, on the same box. */
  {
    g_autoptr(CalqueRecord) box_comment = calque_store_get (f->store, on_box, NULL);

    reply = save_foreign_comment (f, f->item, OTHER, f->annotation, on_box, "no, an apple",
                                  calque_record_get_int (box_comment, "created", 0));
  }
  calque_item_comments_reload (comments);
  reply_to_reply = calque_item_comments_add (comments, NULL, reply, "ok, I see", &error);
  g_assert_no_error (error);
  g_clear_object (&stored);
  stored = calque_store_get (f->store, reply_to_reply, &error);
  g_assert_cmpstr (calque_record_get_string (stored, "parent"), ==, on_box);
  g_assert_cmpstr (calque_record_get_string (stored, "annotation"), ==, f->annotation);

  rows = describe (comments);
  g_assert_cmpstr (rows, ==,
                   "amelie:Is the bowl cropped?\n"
                   "amelie:@bruno this is a pear\n"
                   ">bruno:no, an apple\n"
                   ">amelie:ok, I see");
  g_assert_cmpuint (calque_item_comments_get_n_threads (comments), ==, 2);
  g_assert_cmpstr (calque_item_comments_get_root (comments, reply_to_reply), ==, on_box);
  g_assert_cmpstr (calque_item_comments_get_annotation (comments, reply), ==, f->annotation);
  g_assert_null (calque_item_comments_get_annotation (comments, on_item));

  /* The box has a marker for its three comments, the thread open. */
  marks = calque_item_comments_dup_marks (comments);
  g_assert_cmpuint (g_hash_table_size (marks), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (marks, f->annotation)), ==, 3);

  /* A second thread on the box, written earlier offline, goes first. */
  g_free (save_foreign_comment (f, f->item, OTHER, f->annotation, NULL, "old remark", now - 60000));
  calque_item_comments_reload (comments);
  g_free (rows);
  rows = describe (comments);
  g_assert_true (g_str_has_prefix (rows, "bruno:old remark\namelie:Is the bowl cropped?"));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = open_comments (f, f->item, ME);
  g_autoptr(CalqueItemComments) viewer = NULL;
  g_autoptr(CalqueRecord) annotation_elsewhere = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 outbox = calque_store_get_outbox_size (f->store, NULL);

  g_assert_null (calque_item_comments_add (comments, NULL, NULL, " \n\t ", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_EMPTY);
  g_assert_cmpstr (error->message, ==, "a comment needs some text");
  g_clear_error (&error);

  /* An annotation of another item, a parent that is no comment here. */
  g_assert_null (calque_item_comments_add (comments, calque_record_get_id (f->other_item), NULL, "x", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND);
  id = g_strdup_printf ("annotation %s: not an annotation of item “bowl.jpg”", calque_record_get_id (f->other_item));
  g_assert_cmpstr (error->message, ==, id);
  g_clear_error (&error);
  g_assert_null (calque_item_comments_add (comments, NULL, f->annotation, "x", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A viewer reads but does not write. */
  save_member (f, ME, "viewer");
  viewer = open_comments (f, f->item, ME);
  g_assert_null (calque_item_comments_add (viewer, NULL, NULL, "hello", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==, "a viewer can read comments but not write them");
  g_clear_error (&error);

  /* No comment was stored; only the member record waits to be sent. */
  g_assert_cmpint (stored_n (f), ==, 0);
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (comments)), ==, 0);
}

/* --- own comments only ------------------------------------------------------------ */

static void
test_edit_own_only (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = NULL;
  g_autoptr(CalqueItemComments) manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) before = NULL;
  g_autoptr(CalqueRecord) after = NULL;
  g_autoptr(CalqueRecord) mine_edited = NULL;
  g_autofree char *theirs = NULL, *mine = NULL, *reply = NULL, *expected = NULL, *rows = NULL;
  gint64 outbox;

  save_member (f, ME, "annotator");
  save_member (f, OTHER, "annotator");
  save_member (f, "chloe", "manager");
  theirs = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "theirs", g_get_real_time () / 1000 - 5000);
  comments = open_comments (f, f->item, ME);
  mine = calque_item_comments_add (comments, NULL, NULL, "mine", &error);
  g_assert_no_error (error);
  reply = save_foreign_comment (f, f->item, OTHER, NULL, mine, "a reply to mine", g_get_real_time () / 1000 + 5);
  calque_item_comments_reload (comments);

  g_assert_false (calque_item_comments_can_edit (comments, theirs));
  g_assert_false (calque_item_comments_can_remove (comments, theirs));
  g_assert_true (calque_item_comments_can_edit (comments, mine));
  g_assert_true (calque_item_comments_can_remove (comments, mine));

  /* Someone else's comment: refused, with the reason, nothing changed. */
  before = calque_store_get (f->store, theirs, NULL);
  outbox = calque_store_get_outbox_size (f->store, NULL);
  g_assert_false (calque_item_comments_edit (comments, theirs, "not theirs any more", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_AUTHOR);
  expected = g_strdup_printf ("comment %s: only its author, bruno, can edit it", theirs);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_false (calque_item_comments_remove (comments, theirs, &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_AUTHOR);
  g_clear_error (&error);
  after = calque_store_get (f->store, theirs, NULL);
  g_assert_true (calque_record_equal (before, after));
  g_assert_cmpint (calque_store_get_outbox_size (f->store, NULL), ==, outbox);

  /* One's own: the text changes, and it says when. */
  g_assert_true (calque_item_comments_edit (comments, mine, "mine, edited", &error));
  g_assert_no_error (error);
  mine_edited = calque_store_get (f->store, mine, NULL);
  g_assert_cmpstr (calque_record_get_string (mine_edited, "text"), ==, "mine, edited");
  g_assert_cmpint (calque_record_get_int (mine_edited, "edited", 0), >=,
                   calque_record_get_int (mine_edited, "created", G_MAXINT64));

  /* Deleted with a reply under it: the thread stays, its first comment a tombstone. */
  g_assert_true (calque_item_comments_remove (comments, mine, &error));
  g_assert_no_error (error);
  rows = describe (comments);
  g_assert_cmpstr (rows, ==, "bruno:theirs\namelie:(deleted)\n>bruno:a reply to mine");
  g_assert_false (calque_item_comments_can_edit (comments, mine));
  g_assert_false (calque_item_comments_edit (comments, mine, "back", &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A manager removes others' comments (moderation) but cannot edit them. */
  manager = open_comments (f, f->item, "chloe");
  g_assert_false (calque_item_comments_can_edit (manager, theirs));
  g_assert_true (calque_item_comments_can_remove (manager, theirs));
  g_assert_true (calque_item_comments_remove (manager, theirs, &error));
  g_assert_no_error (error);
  g_clear_object (&after);
  after = calque_store_get (f->store, theirs, NULL);
  g_assert_true (calque_record_get_deleted (after));
  g_assert_cmpstr (calque_record_get_string (after, "text"), ==, "theirs");
}

/* --- resolve and reopen ------------------------------------------------------------- */

static void
test_resolve (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = NULL;
  g_autoptr(CalqueItemComments) reviewer = NULL;
  g_autoptr(CalqueItemComments) annotator = NULL;
  g_autoptr(GHashTable) marks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) root = NULL;
  g_autofree char *thread = NULL, *reply = NULL, *rows = NULL;

  save_member (f, ME, "annotator");
  save_member (f, OTHER, "annotator");
  save_member (f, "chloe", "reviewer");
  comments = open_comments (f, f->item, ME);
  thread = calque_item_comments_add (comments, f->annotation, NULL, "wrong label?", &error);
  g_assert_no_error (error);
  reply = calque_item_comments_add (comments, NULL, thread, "yes: a pear", &error);
  g_assert_no_error (error);

  /* From a reply: the whole thread is resolved, on its first comment. */
  g_assert_true (calque_item_comments_can_resolve (comments, reply));
  g_assert_true (calque_item_comments_set_resolved (comments, reply, TRUE, &error));
  g_assert_no_error (error);
  root = calque_store_get (f->store, thread, NULL);
  g_assert_true (calque_record_get_bool (root, "resolved", FALSE));
  rows = describe (comments);
  g_assert_cmpstr (rows, ==, "amelie:wrong label? [resolved]\n>amelie:yes: a pear [resolved]");
  marks = calque_item_comments_dup_marks (comments);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (marks, f->annotation)), ==,
                    2 | CALQUE_COMMENT_MARK_RESOLVED);

  /* Another annotator may not reopen it; a reviewer may. */
  annotator = open_comments (f, f->item, OTHER);
  g_assert_false (calque_item_comments_can_resolve (annotator, thread));
  g_assert_false (calque_item_comments_set_resolved (annotator, thread, FALSE, &error));
  g_assert_error (error, CALQUE_ITEM_COMMENTS_ERROR, CALQUE_ITEM_COMMENTS_ERROR_FORBIDDEN);
  g_clear_error (&error);
  reviewer = open_comments (f, f->item, "chloe");
  g_assert_true (calque_item_comments_set_resolved (reviewer, thread, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&root);
  root = calque_store_get (f->store, thread, NULL);
  g_assert_false (calque_record_get_bool (root, "resolved", TRUE));
  calque_item_comments_reload (comments);
  g_assert_false (calque_item_comments_is_resolved (comments, reply));
  g_clear_pointer (&marks, g_hash_table_unref);
  marks = calque_item_comments_dup_marks (comments);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (marks, f->annotation)), ==, 2);
}

/* --- text ------------------------------------------------------------------------------ */

static char *
mentions_of (const char *text)
{
  g_auto(GStrv) names = calque_comment_mentions (text);

  return g_strjoinv (",", names);
}

static void
test_mentions (void)
{
  static const struct { const char *text; const char *names; } cases[] = {
    { "@bruno I think this fruit is mislabelled", "bruno" },
    { "ask @bruno.", "bruno" },
    { "(@bruno) and «@chloé», cc:@dmitri!", "bruno,chloé,dmitri" },
    { "@jean-luc.m says so; @jean-luc- too", "jean-luc.m,jean-luc" },
    { "write to amelie@example.org or bruno+x@example.org", "" },
    { "@bruno@example.org is an address", "" },
    { "@@bruno, @ bruno, @", "" },
    { "@bruno @bruno @amelie @bruno", "bruno,amelie" },
    { "@a_b_c: ok", "a_b_c" },
    { "<b>@bruno</b>", "bruno" },
    { "@田中 さん", "田中" },
    { "@x123456789012345678901234567890123456789012345678901234567890123456789 is too long", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *names = mentions_of (cases[i].text);

      if (g_strcmp0 (names, cases[i].names) != 0)
        g_error ("“%s”: mentions “%s”, expected “%s”", cases[i].text, names, cases[i].names);
    }

  /* Offsets in bytes, "@" included, for highlighting. */
  {
    const char *text = "Café @chloé!";
    g_autoptr(GArray) mentions = calque_comment_find_mentions (text);
    CalqueMention *m;

    g_assert_cmpuint (mentions->len, ==, 1);
    m = &g_array_index (mentions, CalqueMention, 0);
    g_assert_cmpuint (m->start, ==, 6);
    g_assert_cmpuint (m->end, ==, 13);
    g_assert_cmpstr (text + m->end, ==, "!");
    g_assert_cmpstr (m->name, ==, "chloé");
  }
  g_assert_true (calque_comment_mentions_user ("hi @bruno.", "bruno"));
  g_assert_false (calque_comment_mentions_user ("hi bruno@example.org", "bruno"));
  g_assert_false (calque_comment_mentions_user ("hi @brunovic", "bruno"));
}

static void
test_literal_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = open_comments (f, f->item, ME);
  g_autoptr(CalqueItemComments) again = NULL;
  g_autoptr(CalqueRecord) shown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *hostile = "<b>&amp; <i>x</i> &lt;script&gt; %s %n \\u0000 @bruno";

  id = calque_item_comments_add (comments, NULL, NULL, hostile, &error);
  g_assert_no_error (error);
  /* As typed, through the store and back: nothing unescaped or parsed. */
  again = open_comments (f, f->item, OTHER);
  shown = g_list_model_get_item (G_LIST_MODEL (again), 0);
  g_assert_cmpstr (calque_record_get_string (shown, "text"), ==, hostile);
  g_assert_true (calque_comment_mentions_user (calque_record_get_string (shown, "text"), "bruno"));
}

/* --- unread --------------------------------------------------------------------------- */

static void
test_unread (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = NULL;
  g_autoptr(CalqueItemComments) later = NULL;
  g_autoptr(CalqueItemComments) chloe = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *offline = NULL;
  gint64 now = g_get_real_time () / 1000;
  guint total = 0;
  guint notified = 0;

  first = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "look at this", now);
  g_free (save_foreign_comment (f, f->item, OTHER, f->annotation, NULL, "and this", now + 1));
  g_free (save_foreign_comment (f, f->other_item, OTHER, NULL, NULL, "elsewhere", now));
  g_free (save_foreign_comment (f, f->other_item, ME, NULL, NULL, "my own", now));

  comments = open_comments (f, f->item, ME);
  g_signal_connect_swapped (comments, "notify::n-unread", G_CALLBACK (g_atomic_int_inc), &notified);
  g_assert_cmpuint (calque_item_comments_get_n_unread (comments), ==, 2);
  g_assert_true (calque_item_comments_is_unread (comments, first));

  /* Per item, and in all, for the item list; one's own never count. */
  counts = calque_comments_count_unread (f->store, f->project, ME, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, calque_record_get_id (f->item))), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, calque_record_get_id (f->other_item))), ==, 1);

  /* Read: none left, here and in the counts, and the mark survives a restart. */
  g_assert_true (calque_item_comments_mark_read (comments, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calque_item_comments_get_n_unread (comments), ==, 0);
  g_assert_cmpuint (notified, ==, 1);
  g_clear_pointer (&counts, g_hash_table_unref);
  counts = calque_comments_count_unread (f->store, f->project, ME, &total, &error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_false (g_hash_table_contains (counts, calque_record_get_id (f->item)));
  g_clear_object (&f->store);
  {
    g_autofree char *path = g_build_filename (f->dir, "workspace.sqlite", NULL);

    f->store = calque_store_open (path, &error);
    g_assert_no_error (error);
  }
  later = open_comments (f, f->item, ME);
  g_assert_cmpuint (calque_item_comments_get_n_unread (later), ==, 0);

  /* Written offline an hour ago, synced only now: unread all the same. */
  offline = save_foreign_comment (f, f->item, OTHER, NULL, first, "sent from the train", now - 3600 * 1000);
  calque_item_comments_reload_records (later, (const char * const[]) { offline, NULL });
  g_assert_cmpuint (calque_item_comments_get_n_unread (later), ==, 1);
  g_assert_true (calque_item_comments_is_unread (later, offline));

  /* The marks are per user: chloe, in the same workspace, has read nothing. */
  chloe = open_comments (f, f->item, "chloe");
  g_assert_cmpuint (calque_item_comments_get_n_unread (chloe), ==, 3);
}

/* Changes the sync brings are read again, only when they are this item's. */
static void
test_reload_records (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CalqueItemComments) comments = open_comments (f, f->item, ME);
  g_autofree char *here = NULL, *elsewhere = NULL;
  guint changes = 0;

  g_signal_connect (comments, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  elsewhere = save_foreign_comment (f, f->other_item, OTHER, NULL, NULL, "elsewhere", 1);
  calque_item_comments_reload_records (comments, (const char * const[]) { elsewhere, f->annotation, NULL });
  g_assert_cmpuint (changes, ==, 0);
  here = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "here", 2);
  calque_item_comments_reload_records (comments, (const char * const[]) { here, NULL });
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (comments)), ==, 1);
  /* Nothing new: no signal. */
  calque_item_comments_reload (comments);
  g_assert_cmpuint (changes, ==, 1);
}

/* A comment that mentions the person is news once, as a toast says it. */
static void
test_mention_notes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *old = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "@amelie from before", 1);
  g_autoptr(CalqueNotifier) notifier = calque_notifier_new (f->store, f->project, ME);
  g_autofree char *mention = NULL, *address = NULL, *other = NULL, *mine = NULL, *said = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(CalqueItemComments) comments = open_comments (f, f->item, ME);
  CalqueNote *note;

  mention = save_foreign_comment (f, f->item, OTHER, f->annotation, NULL, "@amelie, is this a pear?", 2);
  address = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "mail amelie@example.org", 3);
  other = save_foreign_comment (f, f->item, OTHER, NULL, NULL, "@chloe look", 4);
  mine = calque_item_comments_add (comments, NULL, NULL, "note to self @amelie", NULL);
  g_assert_nonnull (mine);

  notes = calque_notifier_check (notifier, (const char * const[]) { old, mention, address, other, mine, NULL });
  g_assert_cmpuint (notes->len, ==, 1);
  note = g_ptr_array_index (notes, 0);
  g_assert_cmpint (note->kind, ==, CALQUE_NOTE_MENTIONED);
  g_assert_cmpstr (note->who, ==, OTHER);
  g_assert_cmpstr (note->item_id, ==, calque_record_get_id (f->item));
  said = calque_notes_describe (notes, CALQUE_NOTE_MENTIONED);
  g_assert_cmpstr (said, ==, "bruno mentioned you on bowl.jpg");

  /* Seen again (a second pull, an edit): not news twice. */
  g_clear_pointer (&notes, g_ptr_array_unref);
  notes = calque_notifier_check (notifier, (const char * const[]) { mention, NULL });
  g_assert_cmpuint (notes->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/item-comments/threads", Fixture, NULL, fixture_set_up, test_threads, fixture_tear_down);
  g_test_add ("/item-comments/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/item-comments/edit-own-only", Fixture, NULL, fixture_set_up, test_edit_own_only, fixture_tear_down);
  g_test_add ("/item-comments/resolve", Fixture, NULL, fixture_set_up, test_resolve, fixture_tear_down);
  g_test_add_func ("/item-comments/mentions", test_mentions);
  g_test_add ("/item-comments/literal-text", Fixture, NULL, fixture_set_up, test_literal_text, fixture_tear_down);
  g_test_add ("/item-comments/unread", Fixture, NULL, fixture_set_up, test_unread, fixture_tear_down);
  g_test_add ("/item-comments/mention-notes", Fixture, NULL, fixture_set_up, test_mention_notes, fixture_tear_down);
  g_test_add ("/item-comments/reload-records", Fixture, NULL, fixture_set_up, test_reload_records,
              fixture_tear_down);

  return g_test_run ();
}
