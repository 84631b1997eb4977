/* test-comments.c — comments in the real window, with real input
 *
 * A workspace with an image, a box on it and a teammate's comment on
 * another image, opened in the real window under Xvfb; keys and clicks go
 * through the X server (xdotool). A comment on the box is typed with a
 * completed @mention and markup-like text, shown literally; a reply, an
 * edit of one's own, resolve and reopen; the bubble on the canvas opens
 * the thread; the teammate's comment is unread in the item list until its
 * item is opened. After each step the store is read back.
 */
#define G_LOG_DOMAIN "test-comments"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "calque-application.h"
#include "calque-canvas.h"
#include "calque-comment-column.h"
#include "calque-comment-markers.h"
#include "calque-comments-panel.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-item-comments.h"
#include "calque-item-page.h"
#include "calque-select-tool.h"
#include "calque-store-sync.h"
#include "calque-text-view.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-window.h"
#include "calque-workspace.h"

#define IMAGE_WIDTH  800
#define IMAGE_HEIGHT 600
#define TYPED        "this fruit is mislabelled <b>&amp;</b> <i>x</i>"
#define SENT         "@bruno " TYPED

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *apple;
  char            *items[2];
  char            *box;
  char            *teammate_comment;
  CalqueWindow    *window;
} Fixture;

static CalqueStore *
store_of (Fixture *f)
{
  return calque_workspace_get_store (f->workspace);
}

static void
save (Fixture      *f,
      CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_store_save (store_of (f), record, &error));
  g_assert_no_error (error);
}

static char *
save_image_item (Fixture    *f,
                 const char *name,
                 guint32     pixel)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, IMAGE_WIDTH, IMAGE_HEIGHT);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  char sha256[65];
  gboolean added = FALSE;

  gdk_pixbuf_fill (pixbuf, pixel);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_true (calque_blob_cache_add_file (calque_workspace_get_blobs (f->workspace), path, sha256, &added, &error));
  g_assert_no_error (error);
  calque_record_set_string (item, "media", "image");
  calque_record_set_string (item, "name", name);
  calque_record_set_string (item, "mime", "image/png");
  calque_record_set_string (item, "sha256", sha256);
  calque_record_set_int (item, "width", IMAGE_WIDTH);
  calque_record_set_int (item, "height", IMAGE_HEIGHT);
  save (f, item);
  return g_strdup (calque_record_get_id (item));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) box = NULL;
  g_autoptr(CalqueRecord) task = NULL;
  g_autoptr(CalqueRecord) comment = NULL;
  g_autoptr(CalqueShape) shape = calque_shape_new_box (200, 200, 240, 180);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(GError) error = NULL;

  f->workspace = calque_test_workspace_new ("calque-comments-gui", &f->dir);
  calque_record_set_string (project, "name", "Fruit");
  calque_record_set_string (project, "type", "image");
  save (f, project);
  f->project = g_strdup (calque_record_get_id (project));
  f->apple = calque_test_save_label (store_of (f), f->project, "apple", "#e01b24", 0);
  f->items[0] = save_image_item (f, "bowl.png", 0xd9c8a0ff);
  f->items[1] = save_image_item (f, "crate.png", 0x6b8e5aff);

  /* The box this person drew on the bowl (the workspace is local: their
   * name is the computer's user's). */
  box = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  json_array_add_string_element (json_node_get_array (labels), f->apple);
  calque_record_set_string (box, "item", f->items[0]);
  calque_record_set_string (box, "author", g_get_user_name ());
  calque_record_set_field (box, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (box, shape);
  save (f, box);
  f->box = g_strdup (calque_record_get_id (box));

  /* bruno annotates the crate, and has said something about it. */
  task = calque_record_new (CALQUE_KIND_TASK, f->project);
  calque_record_set_string (task, "item", f->items[1]);
  calque_record_set_string (task, "annotator", "bruno");
  calque_record_set_string (task, "state", "in_progress");
  save (f, task);
  comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  calque_record_set_string (comment, "item", f->items[1]);
  calque_record_set_string (comment, "author", "bruno");
  calque_record_set_string (comment, "text", "Half of the crate is cut off: box what shows?");
  calque_record_set_int (comment, "created", g_get_real_time () / 1000 - 3 * 3600 * 1000);
  g_assert_true (calque_store_put_merged (store_of (f), comment, &error));
  g_assert_no_error (error);
  f->teammate_comment = g_strdup (calque_record_get_id (comment));

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  calque_gui_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  calque_gui_spin (50);
  g_clear_object (&f->workspace);
  calque_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->apple);
  g_free (f->items[0]);
  g_free (f->items[1]);
  g_free (f->box);
  g_free (f->teammate_comment);
}

/* --- finding and pressing ------------------------------------------------------------ */

static CalqueItemPage *
item_page (Fixture *f)
{
  return calque_gui_item_page (f->window);
}

static CalqueCanvas *
canvas (Fixture *f)
{
  return calque_item_page_get_canvas (item_page (f));
}

static CalqueCommentsPanel *
panel (Fixture *f)
{
  return CALQUE_COMMENTS_PANEL (calque_gui_find_widget (GTK_WIDGET (item_page (f)), CALQUE_TYPE_COMMENTS_PANEL));
}

static gboolean
canvas_loaded (gpointer data)
{
  return calque_canvas_is_loaded (data);
}

/* A real click in the middle of @widget. */
static void
click_widget (GtkWidget *widget)
{
  g_assert_true (gtk_widget_get_mapped (widget));
  calque_gui_pointer_to (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  calque_gui_spin (450);
}

static void
click_image (Fixture *f,
             double   ix,
             double   iy)
{
  double wx, wy;

  calque_viewport_image_to_widget (calque_canvas_get_viewport (canvas (f)), ix, iy, &wx, &wy);
  calque_gui_pointer_to (GTK_WIDGET (canvas (f)), wx, wy);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  calque_gui_spin (450);
}

/* The row of comment @id in the panel. */
static GtkWidget *
comment_row (Fixture    *f,
             const char *id)
{
  GtkWidget *list = calque_gui_find_widget (GTK_WIDGET (panel (f)), GTK_TYPE_LIST_BOX);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *content = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

      if (content != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (content), "calque-comment-id"), id) == 0)
        return content;
    }
  return NULL;
}

/* Clicks the button labelled @text in the row of comment @id. */
static void
press_in_row (Fixture    *f,
              const char *id,
              const char *text)
{
  GtkWidget *row = comment_row (f, id);
  GtkLabel *label;

  g_assert_nonnull (row);
  label = calque_gui_find_label (row, text);
  if (label == NULL)
    g_error ("no “%s” in the row of comment %s", text, id);
  click_widget (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_BUTTON));
}

static void
type_text (const char *text)
{
  calque_gui_xdotool ((const char *[]) { "type", "--delay", "15", text, NULL });
}

static GPtrArray *
stored_comments (Fixture    *f,
                 const char *item)
{
  return calque_store_list_for_item (store_of (f), CALQUE_KIND_COMMENT, item, NULL);
}

typedef struct {
  Fixture    *f;
  const char *item;
  guint       n;
} CountQuery;

static gboolean
n_comments_is (gpointer data)
{
  CountQuery *query = data;
  g_autoptr(GPtrArray) comments = stored_comments (query->f, query->item);

  return comments->len == query->n;
}

static CalqueRecord *
stored_comment_with_text (Fixture    *f,
                          const char *text)
{
  g_autoptr(GPtrArray) comments = stored_comments (f, f->items[0]);

  for (guint i = 0; i < comments->len; i++)
    if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (comments, i), "text"), text) == 0)
      return g_object_ref (g_ptr_array_index (comments, i));
  return NULL;
}

static gboolean
completion_offered (gpointer data)
{
  GtkWidget *popover = calque_gui_find_widget (data, GTK_TYPE_POPOVER);

  return popover != NULL && gtk_widget_get_visible (popover) && calque_gui_find_label (popover, "bruno") != NULL;
}

/* The first visible widget with @css_class under @root, or NULL. */
static GtkWidget *
find_visible_with_class (GtkWidget  *root,
                         const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class) && gtk_widget_get_visible (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_with_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
selected_annotation (Fixture *f)
{
  return calque_select_tool_get_selected (CALQUE_SELECT_TOOL (calque_canvas_get_tool (canvas (f))));
}

/* --- the test -------------------------------------------------------------------------- */

static void
test_comment_on_annotation (Fixture       *f,
                            gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  g_autoptr(CalqueRecord) root = NULL;
  g_autoptr(CalqueRecord) reply = NULL;
  g_autoptr(CalqueRecord) edited = NULL;
  g_autoptr(CalqueRecord) resolved = NULL;
  g_autoptr(GHashTable) marks = NULL;
  CountQuery one = { f, NULL, 1 }, two = { f, NULL, 2 };
  GtkTextView *text_view;
  GtkWidget *toggle;
  GtkLabel *shown;
  PangoAttrList *attributes;
  g_autofree char *read_mark = NULL;
  g_autofree char *mark_key = NULL;
  double x, y, w, h;

  one.item = two.item = f->items[0];

  /* The list: the crate has bruno's comment, unread. */
  g_assert_cmpuint (calque_comment_column_get_unread (items, f->items[1]), ==, 1);
  g_assert_cmpuint (calque_comment_column_get_unread (items, f->items[0]), ==, 0);
  g_assert_cmpuint (calque_comment_column_get_total (items), ==, 1);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (items), "Comments (1)"));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (f->window), "1 new"));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "70-comments-list-unread");

  /* Open the bowl: nothing unread, the pane stays closed until asked for. */
  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (canvas_loaded, canvas (f)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel (f))));
  toggle = calque_comments_panel_get_toggle (panel (f));
  click_widget (toggle);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel (f))));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), "On the item"));

  /* Select the box: a new thread goes on it. */
  calque_gui_key ("v");
  click_image (f, 320, 290);
  g_assert_cmpstr (selected_annotation (f), ==, f->box);
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), "On: Box “apple”"));

  /* Type "@bru", take the offered name with Tab, type the rest, Ctrl+Enter. */
  text_view = calque_comments_panel_get_text_view (panel (f));
  click_widget (GTK_WIDGET (text_view));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (text_view)));
  type_text ("@bru");
  g_assert_true (calque_gui_wait_for (completion_offered, text_view));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "71-comments-mention-offered");
  calque_gui_key ("Tab");
  type_text (TYPED);
  calque_gui_key ("ctrl+Return");
  g_assert_true (calque_gui_wait_for (n_comments_is, &one));

  /* Stored as typed, on the box, by this person. */
  root = stored_comment_with_text (f, SENT);
  g_assert_nonnull (root);
  g_assert_cmpstr (calque_record_get_string (root, "annotation"), ==, f->box);
  g_assert_cmpstr (calque_record_get_string (root, "author"), ==, g_get_user_name ());
  g_assert_cmpint (calque_store_get_outbox_size (store_of (f), NULL), >, 0);

  /* Shown literally — no bold, no entity decoded — the mention in bold by
   * attributes over its own bytes. */
  shown = calque_gui_wait_for_label (GTK_WIDGET (panel (f)), SENT);
  g_assert_nonnull (shown);
  g_assert_false (gtk_label_get_use_markup (shown));
  g_assert_cmpstr (gtk_label_get_label (shown), ==, SENT);
  attributes = gtk_label_get_attributes (shown);
  g_assert_nonnull (attributes);
  {
    PangoAttrIterator *iter = pango_attr_list_get_iterator (attributes);
    int start, end;

    pango_attr_iterator_range (iter, &start, &end);
    g_assert_cmpint (start, ==, 0);
    g_assert_cmpint (end, ==, (int) strlen ("@bruno"));
    g_assert_nonnull (pango_attr_iterator_get (iter, PANGO_ATTR_WEIGHT));
    pango_attr_iterator_destroy (iter);
  }
  /* What the text would show if it were taken for markup. */
  g_assert_null (calque_gui_find_label (GTK_WIDGET (panel (f)), "@bruno this fruit is mislabelled & x"));

  /* The box has its bubble, and its row in the side panel a count. */
  marks = calque_item_comments_dup_marks (calque_comments_panel_get_comments (panel (f)));
  g_assert_true (calque_comment_marker_get_rect (calque_canvas_get_layer (canvas (f)),
                                                 calque_canvas_get_viewport (canvas (f)), marks, f->box,
                                                 &x, &y, &w, &h));
  calque_gui_spin (100);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "72-comments-written");

  /* Deselected, then a click on the bubble: the box is selected again and
   * its thread shown, highlighted. */
  calque_gui_key ("Escape");
  click_image (f, 700, 100);
  g_assert_null (selected_annotation (f));
  calque_gui_pointer_to (GTK_WIDGET (canvas (f)), x + w / 2, y + h / 2);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  calque_gui_spin (450);
  g_assert_cmpstr (selected_annotation (f), ==, f->box);
  g_assert_true (gtk_widget_has_css_class (comment_row (f, calque_record_get_id (root)), "calque-comment-highlight"));
  /* The bubble took the click: the box did not move. */
  {
    g_autoptr(CalqueRecord) box = calque_store_get (store_of (f), f->box, NULL);
    g_autoptr(CalqueShape) shape = calque_record_dup_shape (box, NULL);

    g_assert_cmpfloat (shape->x, ==, 200);
    g_assert_cmpfloat (shape->y, ==, 200);
  }

  /* Reply. */
  press_in_row (f, calque_record_get_id (root), "Reply");
  {
    g_autofree char *replying = g_strdup_printf ("Reply to %s", g_get_user_name ());

    g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), replying));
  }
  click_widget (GTK_WIDGET (text_view));
  type_text ("On second thought it is a quinse");
  calque_gui_key ("ctrl+Return");
  g_assert_true (calque_gui_wait_for (n_comments_is, &two));
  reply = stored_comment_with_text (f, "On second thought it is a quinse");
  g_assert_nonnull (reply);
  g_assert_cmpstr (calque_record_get_string (reply, "parent"), ==, calque_record_get_id (root));
  g_assert_cmpstr (calque_record_get_string (reply, "annotation"), ==, f->box);
  /* Indented under its thread. */
  g_assert_true (gtk_widget_has_css_class (comment_row (f, calque_record_get_id (reply)), "calque-comment-reply"));
  g_assert_cmpint (gtk_widget_get_margin_start (comment_row (f, calque_record_get_id (reply))), >, 0);

  /* The box's row in the side panel has a bubble too, that opens the thread. */
  {
    GtkWidget *row_bubble = find_visible_with_class (GTK_WIDGET (item_page (f)), "calque-annotation-comments");

    g_assert_nonnull (row_bubble);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (row_bubble), ==, "2 comments on this annotation");
    calque_gui_key ("Escape");
    click_image (f, 700, 100);
    g_assert_null (selected_annotation (f));
    click_widget (row_bubble);
    g_assert_cmpstr (selected_annotation (f), ==, f->box);
  }

  /* Edit one's own reply: the text box takes it, Ctrl+A, the new words. */
  press_in_row (f, calque_record_get_id (reply), "Edit");
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), "Editing your comment"));
  calque_gui_key ("ctrl+a");
  type_text ("On second thought it is a quince");
  calque_gui_key ("ctrl+Return");
  edited = calque_store_get (store_of (f), calque_record_get_id (reply), NULL);
  g_assert_cmpstr (calque_record_get_string (edited, "text"), ==, "On second thought it is a quince");
  g_assert_true (calque_record_has_field (edited, "edited"));
  g_assert_nonnull (calque_gui_find_label (comment_row (f, calque_record_get_id (reply)), "edited"));

  /* Resolve the thread: stored on its first comment, said in the pane,
   * the bubble grey. */
  press_in_row (f, calque_record_get_id (root), "Resolve");
  resolved = calque_store_get (store_of (f), calque_record_get_id (root), NULL);
  g_assert_true (calque_record_get_bool (resolved, "resolved", FALSE));
  g_assert_nonnull (calque_gui_find_label (comment_row (f, calque_record_get_id (root)), "Resolved"));
  g_clear_pointer (&marks, g_hash_table_unref);
  marks = calque_item_comments_dup_marks (calque_comments_panel_get_comments (panel (f)));
  g_assert_true (GPOINTER_TO_UINT (g_hash_table_lookup (marks, f->box)) & CALQUE_COMMENT_MARK_RESOLVED);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "73-comments-resolved");
  press_in_row (f, calque_record_get_id (root), "Reopen");
  g_clear_object (&resolved);
  resolved = calque_store_get (store_of (f), calque_record_get_id (root), NULL);
  g_assert_false (calque_record_get_bool (resolved, "resolved", TRUE));

  /* The crate (Page Down): bruno's comment is unread, so the pane shows
   * it, marked New, and it is read. */
  gtk_widget_grab_focus (GTK_WIDGET (canvas (f)));
  calque_gui_key ("Next");
  g_assert_cmpstr (calque_record_get_id (calque_item_page_get_item (item_page (f))), ==, f->items[1]);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel (f))));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), "Half of the crate is cut off: box what shows?"));
  g_assert_nonnull (calque_gui_find_label (comment_row (f, f->teammate_comment), "New"));
  mark_key = g_strdup_printf ("comments-read:%s:%s", g_get_user_name (), f->items[1]);
  read_mark = calque_store_get_setting (store_of (f), mark_key);
  g_assert_cmpstr (read_mark, ==, f->teammate_comment);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "74-comments-new-read");

  /* Back to the list: nothing unread any more. */
  calque_gui_key ("alt+Left");
  g_assert_null (calque_item_page_get_item (item_page (f)));
  g_assert_cmpuint (calque_comment_column_get_unread (items, f->items[1]), ==, 0);
  g_assert_null (calque_gui_find_label (GTK_WIDGET (f->window), "1 new"));
  g_assert_cmpuint (calque_comment_column_get_total (items), ==, 0);
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (items), "Comments"));
}

/* A text whose second sentence has a span with a teammate's comment on it. */
#define DOCUMENT "Les pommes sont rouges. La poire est verte. Le coing est jaune."
#define PEAR_START 24
#define PEAR_END   42

static void
fixture_set_up_text (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) item = NULL;
  g_autoptr(CalqueRecord) span = NULL;
  g_autoptr(CalqueRecord) comment = NULL;
  g_autoptr(CalqueShape) shape = calque_shape_new_span (PEAR_START, PEAR_END);
  g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
  g_autoptr(GError) error = NULL;

  f->workspace = calque_test_workspace_new ("calque-comments-text", &f->dir);
  calque_record_set_string (project, "name", "Fruits");
  calque_record_set_string (project, "type", "text");
  save (f, project);
  f->project = g_strdup (calque_record_get_id (project));
  f->apple = calque_test_save_label (store_of (f), f->project, "fruit", "#3584e4", 0);
  item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "fruits.txt");
  calque_record_set_string (item, "text", DOCUMENT);
  save (f, item);
  f->items[0] = g_strdup (calque_record_get_id (item));

  span = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
  json_array_add_string_element (json_node_get_array (labels), f->apple);
  calque_record_set_string (span, "item", f->items[0]);
  calque_record_set_string (span, "author", "bruno");
  calque_record_set_field (span, "labels", g_steal_pointer (&labels));
  calque_record_set_shape (span, shape);
  save (f, span);
  f->box = g_strdup (calque_record_get_id (span));

  comment = calque_record_new (CALQUE_KIND_COMMENT, f->project);
  calque_record_set_string (comment, "item", f->items[0]);
  calque_record_set_string (comment, "annotation", f->box);
  calque_record_set_string (comment, "author", "bruno");
  calque_record_set_string (comment, "text", "Is “verte” part of it?");
  calque_record_set_int (comment, "created", g_get_real_time () / 1000 - 60 * 1000);
  g_assert_true (calque_store_put_merged (store_of (f), comment, &error));
  g_assert_no_error (error);
  f->teammate_comment = g_strdup (calque_record_get_id (comment));

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  calque_gui_present (GTK_WINDOW (f->window));
}

/* In a text, the commented span has its bubble after its last letter;
 * a click on it selects the span and shows the thread. */
static void
test_text_marker (Fixture       *f,
                  gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  CalqueTextView *text_view;
  double x, y, px, py;

  /* Opening it shows the pane: the comment was unread. */
  g_signal_emit_by_name (items, "activate", 0);
  text_view = calque_item_page_get_text_view (item_page (f));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel (f))));
  g_assert_nonnull (calque_gui_wait_for_label (GTK_WIDGET (panel (f)), "Is “verte” part of it?"));
  g_assert_nonnull (calque_gui_find_label (GTK_WIDGET (panel (f)), "On: Span “fruit”"));
  calque_gui_spin (200);

  /* The bubble sits just after "verte", above the line. */
  g_assert_true (calque_text_view_get_comment_marker (text_view, f->box, &x, &y));
  g_assert_true (calque_text_view_get_offset_position (text_view, PEAR_END, &px, &py));
  g_assert_cmpfloat (fabs (x - px), <, 30);
  g_assert_cmpfloat (y, <, py);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "75-comments-text-marker");

  g_assert_null (calque_text_view_get_selected (text_view));
  calque_gui_pointer_to (GTK_WIDGET (text_view), x, y);
  calque_gui_xdotool ((const char *[]) { "click", "1", NULL });
  calque_gui_spin (450);
  g_assert_cmpstr (calque_text_view_get_selected (text_view), ==, f->box);
  g_assert_true (gtk_widget_has_css_class (comment_row (f, f->teammate_comment), "calque-comment-highlight"));
}

static void
test_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/comments/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/comments/comment-on-annotation", Fixture, NULL, fixture_set_up, test_comment_on_annotation,
              fixture_tear_down);

  g_test_add ("/gui/comments/text-marker", Fixture, NULL, fixture_set_up_text, test_text_marker, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
