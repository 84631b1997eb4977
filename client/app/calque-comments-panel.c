/* calque-comments-panel.c — the comment threads of the open item, and writing one
 *
 * The threads are few per item (tens, not thousands): the list is a
 * GtkListBox rebuilt whole when the comments change, which keeps each
 * row's buttons and the indentation of replies in step with the thread
 * (a thread resolved changes how its replies look too).
 */
#define G_LOG_DOMAIN "calque-comments-panel"

#include "calque-comments-panel.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-comment-mentions.h"
#include "calque-store-stats.h"

/* Names offered after "@", at most. */
#define MAX_COMPLETIONS 6
/* Replies sit this far in from their thread's first comment. */
#define REPLY_INDENT_PX 20

struct _CalqueCommentsPanel
{
  GtkBox              parent_instance;

  CalqueItemComments *comments;
  CalqueStore        *store;
  char               *target;       /* the annotation new threads go on, or NULL */
  char               *reply_to;     /* the thread being answered, or NULL */
  char               *editing;      /* the comment being edited, or NULL */
  char               *highlighted;  /* the annotation whose threads stand out, or NULL */
  gboolean            active;
  GHashTable         *fresh;        /* ids that were unread when shown: "New" */
  GPtrArray          *names;        /* char *: who can be mentioned, loaded when first needed */
  gboolean            completing;   /* the popover offers names */
  guint               clock_id;     /* "5 min ago" becomes "6 min ago" */

  GtkWidget          *scroller;
  GtkWidget          *list;         /* GtkListBox */
  GtkWidget          *empty;
  GtkWidget          *context;      /* what the box writes: "On: …", "Reply to …", "Editing …" */
  GtkWidget          *cancel;
  GtkWidget          *text_view;
  GtkWidget          *send;
  GtkWidget          *toggle;       /* in the item page's toolbar; owned */
  GtkWidget          *toggle_count;
  GtkWidget          *completion;   /* GtkPopover */
  GtkWidget          *completion_box;
  GtkTextTag         *mention_tag;
};

enum { EDITED, FAILED, ANNOTATION_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueCommentsPanel, calque_comments_panel, GTK_TYPE_BOX)

static void rebuild (CalqueCommentsPanel *self);
static void update_context (CalqueCommentsPanel *self);
static void set_active (CalqueCommentsPanel *self,
                        gboolean             active);

/* --- words -------------------------------------------------------------------------- */

/* "just now", "5 min ago", "3 h ago", "yesterday", then the date. */
static char *
format_when (gint64 ms)
{
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 minutes = (now_ms - ms) / 60000;
  g_autoptr(GDateTime) when = NULL;

  if (ms <= 0)
    return g_strdup ("");
  if (minutes < 1)
    return g_strdup (_("just now"));
  if (minutes < 60)
    /* Translators: how long ago a comment was written */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", (gulong) minutes),
                            (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d h ago", "%d h ago", (gulong) (minutes / 60)),
                            (int) (minutes / 60));
  if (minutes < 48 * 60)
    return g_strdup (_("yesterday"));
  when = g_date_time_new_from_unix_local (ms / 1000);
  /* Translators: the date of an older comment, as g_date_time_format() writes it */
  return when != NULL ? g_date_time_format (when, _("%e %b %Y")) : g_strdup ("");
}

static char *
format_full_time (gint64 ms)
{
  g_autoptr(GDateTime) when = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  /* Translators: the date and time of a comment, in a tooltip */
  return when != NULL ? g_date_time_format (when, _("%A %e %B %Y, %H:%M")) : NULL;
}

static const char *
shape_kind_name (const char *type)
{
  if (g_strcmp0 (type, "box") == 0)
    return _("Box");
  if (g_strcmp0 (type, "polygon") == 0)
    return _("Polygon");
  if (g_strcmp0 (type, "polyline") == 0)
    return _("Polyline");
  if (g_strcmp0 (type, "point") == 0)
    return _("Point");
  if (g_strcmp0 (type, "span") == 0)
    return _("Span");
  if (g_strcmp0 (type, "segment") == 0)
    return _("Segment");
  if (g_strcmp0 (type, "classification") == 0)
    return _("Whole item");
  return _("Annotation");
}

/* "Box “apple”": the kind of shape and its first label's name. */
static char *
describe_annotation (CalqueCommentsPanel *self,
                     const char          *id)
{
  g_autoptr(CalqueRecord) annotation = self->store != NULL ? calque_store_get (self->store, id, NULL) : NULL;
  g_autoptr(CalqueRecord) label = NULL;
  JsonNode *shape, *labels;
  const char *type = NULL;

  if (annotation == NULL || calque_record_get_deleted (annotation))
    return g_strdup (_("an annotation no longer there"));
  shape = calque_record_get_field (annotation, "shape");
  if (shape != NULL && JSON_NODE_HOLDS_OBJECT (shape))
    type = json_object_get_string_member_with_default (json_node_get_object (shape), "type", NULL);
  labels = calque_record_get_field (annotation, "labels");
  if (labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) && json_array_get_length (json_node_get_array (labels)) > 0)
    label = calque_store_get (self->store, json_array_get_string_element (json_node_get_array (labels), 0), NULL);
  if (label == NULL)
    return g_strdup (shape_kind_name (type));
  /* Translators: an annotation: its kind of shape and its label, "Box “apple”" */
  return g_strdup_printf (_("%s “%s”"), shape_kind_name (type), calque_record_get_string (label, "name"));
}

/* Bold for every @name: attributes on the text's own bytes, never markup. */
static PangoAttrList *
mention_attributes (const char *text)
{
  g_autoptr(GArray) mentions = calque_comment_find_mentions (text);
  PangoAttrList *attributes = pango_attr_list_new ();

  for (guint i = 0; i < mentions->len; i++)
    {
      const CalqueMention *mention = &g_array_index (mentions, CalqueMention, i);
      PangoAttribute *weight = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
      PangoAttribute *color = pango_attr_foreground_new (0x1c1c, 0x7171, 0xd8d8);

      weight->start_index = color->start_index = (guint) mention->start;
      weight->end_index = color->end_index = (guint) mention->end;
      pango_attr_list_insert (attributes, weight);
      pango_attr_list_insert (attributes, color);
    }
  return attributes;
}

/* --- the rows ----------------------------------------------------------------------- */

static GtkWidget *
small_button (const char *label,
              const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "calque-comment-action");
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkWidget *
plain_label (const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static const char *
row_id (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "calque-comment-id");
}

static void
set_row_id (GtkWidget  *widget,
            const char *id)
{
  g_object_set_data_full (G_OBJECT (widget), "calque-comment-id", g_strdup (id), g_free);
}

static void
fail (CalqueCommentsPanel *self,
      const GError        *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
reply_clicked_cb (GtkButton           *button,
                  CalqueCommentsPanel *self)
{
  g_clear_pointer (&self->editing, g_free);
  g_free (self->reply_to);
  self->reply_to = g_strdup (calque_item_comments_get_root (self->comments, row_id (GTK_WIDGET (button))));
  update_context (self);
  gtk_widget_grab_focus (self->text_view);
}

static void
edit_clicked_cb (GtkButton           *button,
                 CalqueCommentsPanel *self)
{
  CalqueRecord *comment = calque_item_comments_lookup (self->comments, row_id (GTK_WIDGET (button)));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));

  if (comment == NULL)
    return;
  g_clear_pointer (&self->reply_to, g_free);
  g_free (self->editing);
  self->editing = g_strdup (calque_record_get_id (comment));
  gtk_text_buffer_set_text (buffer, calque_record_get_string (comment, "text"), -1);
  update_context (self);
  gtk_widget_grab_focus (self->text_view);
}

static void
delete_clicked_cb (GtkButton           *button,
                   CalqueCommentsPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (row_id (GTK_WIDGET (button)));

  if (calque_item_comments_remove (self->comments, id, &error))
    g_signal_emit (self, signals[EDITED], 0);
  else
    fail (self, error);
}

static void
resolve_clicked_cb (GtkButton           *button,
                    CalqueCommentsPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (row_id (GTK_WIDGET (button)));
  gboolean resolved = calque_item_comments_is_resolved (self->comments, id);

  if (calque_item_comments_set_resolved (self->comments, id, !resolved, &error))
    g_signal_emit (self, signals[EDITED], 0);
  else
    fail (self, error);
}

static void
on_clicked_cb (GtkButton           *button,
               CalqueCommentsPanel *self)
{
  const char *annotation = calque_item_comments_get_annotation (self->comments, row_id (GTK_WIDGET (button)));

  if (annotation != NULL)
    g_signal_emit (self, signals[ANNOTATION_ACTIVATED], 0, annotation);
}

static GtkWidget *
action_button (CalqueCommentsPanel *self,
               const char          *label,
               const char          *tooltip,
               const char          *id,
               GCallback            callback)
{
  GtkWidget *button = small_button (label, tooltip);

  set_row_id (button, id);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
comment_row_new (CalqueCommentsPanel *self,
                 CalqueRecord        *comment)
{
  const char *id = calque_record_get_id (comment);
  gboolean reply = calque_item_comments_is_reply (self->comments, id);
  gboolean deleted = calque_record_get_deleted (comment);
  gboolean resolved = calque_item_comments_is_resolved (self->comments, id);
  const char *annotation = calque_item_comments_get_annotation (self->comments, id);
  const char *text = calque_record_get_string (comment, "text");
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *when;
  GtkWidget *body;
  g_autofree char *when_text = format_when (calque_record_get_int (comment, "created", 0));
  g_autofree char *when_full = format_full_time (calque_record_get_int (comment, "created", 0));

  set_row_id (row, id);
  gtk_widget_add_css_class (row, "calque-comment");
  if (reply)
    {
      gtk_widget_add_css_class (row, "calque-comment-reply");
      gtk_widget_set_margin_start (row, REPLY_INDENT_PX);
    }
  if (resolved)
    gtk_widget_add_css_class (row, "calque-comment-resolved");
  if (annotation != NULL && g_strcmp0 (annotation, self->highlighted) == 0)
    gtk_widget_add_css_class (row, "calque-comment-highlight");

  /* Who, when, edited, new. */
  gtk_box_append (GTK_BOX (header), plain_label (calque_record_get_string (comment, "author"), "heading"));
  when = plain_label (when_text, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_widget_set_tooltip_text (when, when_full);
  gtk_box_append (GTK_BOX (header), when);
  if (!deleted && calque_record_has_field (comment, "edited"))
    {
      GtkWidget *edited = plain_label (_("edited"), "dim-label");
      g_autofree char *edited_full = format_full_time (calque_record_get_int (comment, "edited", 0));

      gtk_widget_add_css_class (edited, "caption");
      gtk_widget_set_tooltip_text (edited, edited_full);
      gtk_box_append (GTK_BOX (header), edited);
    }
  if (g_hash_table_contains (self->fresh, id))
    {
      GtkWidget *fresh = plain_label (_("New"), "calque-comment-new");

      gtk_widget_set_valign (fresh, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (header), fresh);
    }
  gtk_box_append (GTK_BOX (row), header);

  /* What the thread is on. */
  if (!reply)
    {
      GtkWidget *on_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      if (annotation != NULL)
        {
          g_autofree char *what = describe_annotation (self, annotation);
          /* Translators: what a thread of comments is about: "On: Box “apple”" */
          g_autofree char *on_text = g_strdup_printf (_("On: %s"), what);
          GtkWidget *on = gtk_button_new ();
          GtkWidget *on_label = plain_label (on_text, NULL);

          gtk_label_set_ellipsize (GTK_LABEL (on_label), PANGO_ELLIPSIZE_END);
          gtk_button_set_child (GTK_BUTTON (on), on_label);
          gtk_widget_add_css_class (on, "flat");
          gtk_widget_add_css_class (on, "calque-comment-on");
          gtk_widget_set_tooltip_text (on, _("Select this annotation"));
          set_row_id (on, id);
          g_signal_connect (on, "clicked", G_CALLBACK (on_clicked_cb), self);
          gtk_box_append (GTK_BOX (on_row), on);
        }
      else
        {
          GtkWidget *on = plain_label (_("On the item"), "dim-label");

          gtk_widget_add_css_class (on, "caption");
          gtk_box_append (GTK_BOX (on_row), on);
        }
      if (resolved)
        {
          GtkWidget *tag = plain_label (_("Resolved"), "calque-comment-resolved-tag");

          gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
          gtk_box_append (GTK_BOX (on_row), tag);
        }
      gtk_box_append (GTK_BOX (row), on_row);
    }

  /* The text, as typed: a label that never parses markup. */
  if (deleted)
    {
      body = plain_label (_("This comment was deleted."), "dim-label");
      gtk_widget_add_css_class (body, "calque-comment-deleted");
    }
  else
    {
      g_autoptr(PangoAttrList) attributes = mention_attributes (text);

      body = plain_label (text, "calque-comment-text");
      gtk_label_set_attributes (GTK_LABEL (body), attributes);
      gtk_label_set_selectable (GTK_LABEL (body), TRUE);
      /* Selectable labels take the focus; Tab goes on to the buttons. */
      gtk_widget_set_focus_on_click (body, FALSE);
    }
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (body), GTK_NATURAL_WRAP_WORD);
  gtk_box_append (GTK_BOX (row), body);

  /* What the user may do. */
  if (!reply && calque_item_comments_can_write (self->comments))
    gtk_box_append (GTK_BOX (actions), action_button (self, _("_Reply"), _("Answer this thread"), id,
                                                      G_CALLBACK (reply_clicked_cb)));
  if (!reply && calque_item_comments_can_resolve (self->comments, id))
    gtk_box_append (GTK_BOX (actions),
                    action_button (self, resolved ? _("Re_open") : _("Re_solve"),
                                   resolved ? _("Open this thread again") : _("Mark this thread as settled"), id,
                                   G_CALLBACK (resolve_clicked_cb)));
  if (calque_item_comments_can_edit (self->comments, id))
    gtk_box_append (GTK_BOX (actions), action_button (self, _("_Edit"), _("Change your comment"), id,
                                                      G_CALLBACK (edit_clicked_cb)));
  if (calque_item_comments_can_remove (self->comments, id))
    gtk_box_append (GTK_BOX (actions), action_button (self, _("_Delete"), _("Delete this comment"), id,
                                                      G_CALLBACK (delete_clicked_cb)));
  if (gtk_widget_get_first_child (actions) != NULL)
    gtk_box_append (GTK_BOX (row), actions);
  return row;
}

static void
rebuild (CalqueCommentsPanel *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  double scrolled = gtk_adjustment_get_value (adjustment);
  guint n = self->comments != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->comments)) : 0;

  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) comment = g_list_model_get_item (G_LIST_MODEL (self->comments), i);

      gtk_list_box_append (GTK_LIST_BOX (self->list), comment_row_new (self, comment));
    }
  gtk_widget_set_visible (self->empty, n == 0);
  gtk_widget_set_visible (self->scroller, n > 0);
  gtk_adjustment_set_value (adjustment, scrolled);
}

/* Shown: what was unread is read now, and marked "New" here. */
static void
take_unread (CalqueCommentsPanel *self)
{
  g_autoptr(GError) error = NULL;
  guint n;

  if (!self->active || self->comments == NULL || calque_item_comments_get_n_unread (self->comments) == 0)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->comments));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) comment = g_list_model_get_item (G_LIST_MODEL (self->comments), i);

      if (calque_item_comments_is_unread (self->comments, calque_record_get_id (comment)))
        g_hash_table_add (self->fresh, g_strdup (calque_record_get_id (comment)));
    }
  if (!calque_item_comments_mark_read (self->comments, &error))
    fail (self, error);
}

static void
update_toggle (CalqueCommentsPanel *self)
{
  guint n = self->comments != NULL ? calque_item_comments_get_n_unread (self->comments) : 0;
  guint threads = self->comments != NULL ? calque_item_comments_get_n_threads (self->comments) : 0;
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (GTK_LABEL (self->toggle_count), count);
  gtk_widget_set_visible (self->toggle_count, n > 0);
  if (n > 0)
    /* Translators: the tooltip of the Comments button */
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Comments: %u unread", "Comments: %u unread", n), n);
  else if (threads > 0)
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Comments: %u thread", "Comments: %u threads",
                                            threads), threads);
  else
    tooltip = g_strdup (_("Comments"));
  gtk_widget_set_tooltip_text (self->toggle, tooltip);
}

static void
comments_changed_cb (CalqueCommentsPanel *self)
{
  /* A comment edited or deleted elsewhere while it is being edited here:
   * the box goes back to writing a new one. */
  if (self->editing != NULL && !calque_item_comments_can_edit (self->comments, self->editing))
    {
      g_clear_pointer (&self->editing, g_free);
      update_context (self);
    }
  take_unread (self);
  rebuild (self);
  update_toggle (self);
}

/* --- the box ------------------------------------------------------------------------ */

static void
update_context (CalqueCommentsPanel *self)
{
  g_autofree char *text = NULL;
  gboolean writable = self->comments != NULL && calque_item_comments_can_write (self->comments);
  CalqueRecord *root;

  if (self->comments == NULL)
    text = g_strdup ("");
  else if (!writable)
    text = g_strdup (_("You can read the comments but not write them"));
  else if (self->editing != NULL)
    text = g_strdup (_("Editing your comment"));
  else if (self->reply_to != NULL && (root = calque_item_comments_lookup (self->comments, self->reply_to)) != NULL)
    /* Translators: %s is the author of the thread being answered */
    text = g_strdup_printf (_("Reply to %s"), calque_record_get_string (root, "author"));
  else if (self->target != NULL)
    {
      g_autofree char *what = describe_annotation (self, self->target);

      text = g_strdup_printf (_("On: %s"), what);
    }
  else
    text = g_strdup (_("On the item"));
  gtk_label_set_text (GTK_LABEL (self->context), text);
  gtk_widget_set_visible (self->cancel, self->editing != NULL || self->reply_to != NULL);
  gtk_widget_set_sensitive (self->text_view, writable);
  gtk_widget_set_sensitive (self->send, writable);
  gtk_button_set_label (GTK_BUTTON (self->send), self->editing != NULL ? _("_Save") : _("_Send"));
}

static void
leave_mode (CalqueCommentsPanel *self)
{
  gboolean was_editing = self->editing != NULL;

  g_clear_pointer (&self->editing, g_free);
  g_clear_pointer (&self->reply_to, g_free);
  if (was_editing)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), "", -1);
  update_context (self);
}

static char *
dup_text (CalqueCommentsPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The names that can be mentioned: the project's members, its annotators
 * and the people who spoke here. */
static void
add_name (GHashTable *names,
          const char *name)
{
  if (name != NULL && !calque_author_is_model (name))
    g_hash_table_add (names, g_strdup (name));
}

static void
annotator_fact_cb (const CalqueStoreFact *fact,
                   gpointer               user_data)
{
  add_name (user_data, fact->person);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static void
load_names (CalqueCommentsPanel *self)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *project = calque_record_get_project (calque_item_comments_get_item (self->comments));
  g_autoptr(GPtrArray) members = calque_store_list (self->store, CALQUE_KIND_MEMBER, project, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->comments));
  GHashTableIter iter;
  gpointer name;

  for (guint i = 0; members != NULL && i < members->len; i++)
    add_name (names, calque_record_get_string (g_ptr_array_index (members, i), "user"));
  calque_store_foreach_fact (self->store, CALQUE_KIND_TASK, project, annotator_fact_cb, names, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) comment = g_list_model_get_item (G_LIST_MODEL (self->comments), i);

      add_name (names, calque_record_get_string (comment, "author"));
    }
  g_clear_pointer (&self->names, g_ptr_array_unref);
  self->names = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (self->names, g_strdup (name));
  g_ptr_array_sort (self->names, compare_names);
}

/* The "@prefix" just before the cursor, as a mention would read it:
 * its start and the prefix; FALSE when the cursor is not in one. */
static gboolean
find_prefix (CalqueCommentsPanel *self,
             GtkTextIter         *out_at,
             char               **out_prefix)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter cursor, at, line;
  g_autofree char *before = NULL;
  g_autofree char *probe = NULL;
  g_autoptr(GArray) mentions = NULL;
  gsize length;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  line = cursor;
  gtk_text_iter_set_line_offset (&line, 0);
  before = gtk_text_buffer_get_text (buffer, &line, &cursor, FALSE);
  length = strlen (before);
  /* The mention rules decide: the text up to the cursor, with one more
   * letter so that an "@" alone counts, must end in a mention. */
  probe = g_strconcat (before, "x", NULL);
  mentions = calque_comment_find_mentions (probe);
  if (mentions->len == 0)
    return FALSE;
  {
    const CalqueMention *last = &g_array_index (mentions, CalqueMention, mentions->len - 1);

    if (last->end != length + 1)
      return FALSE;
    at = line;
    gtk_text_iter_forward_chars (&at, (int) g_utf8_pointer_to_offset (before, before + last->start));
    *out_at = at;
    *out_prefix = g_strndup (before + last->start + 1, length - last->start - 1);
  }
  return TRUE;
}

static void
hide_completion (CalqueCommentsPanel *self)
{
  self->completing = FALSE;
  gtk_popover_popdown (GTK_POPOVER (self->completion));
}

static void
complete_with (CalqueCommentsPanel *self,
               const char          *name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter at, cursor;
  g_autofree char *prefix = NULL;
  g_autofree char *inserted = g_strconcat (name, " ", NULL);

  if (!find_prefix (self, &at, &prefix))
    return;
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_iter_forward_char (&at);   /* after the "@" */
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &at, &cursor);
  gtk_text_buffer_insert (buffer, &at, inserted, -1);
  gtk_text_buffer_end_user_action (buffer);
  hide_completion (self);
}

static void
completion_clicked_cb (GtkButton           *button,
                       CalqueCommentsPanel *self)
{
  complete_with (self, g_object_get_data (G_OBJECT (button), "calque-name"));
  gtk_widget_grab_focus (self->text_view);
}

static void
update_completion (CalqueCommentsPanel *self)
{
  GtkTextIter at;
  g_autofree char *prefix = NULL;
  g_autofree char *folded = NULL;
  GdkRectangle rect;
  GtkWidget *child;
  guint shown = 0;

  if (self->comments == NULL || !gtk_widget_has_focus (self->text_view) || !find_prefix (self, &at, &prefix))
    {
      hide_completion (self);
      return;
    }
  if (self->names == NULL)
    load_names (self);
  while ((child = gtk_widget_get_first_child (self->completion_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->completion_box), child);
  folded = g_utf8_casefold (prefix, -1);
  for (guint i = 0; i < self->names->len && shown < MAX_COMPLETIONS; i++)
    {
      const char *name = g_ptr_array_index (self->names, i);
      g_autofree char *name_folded = g_utf8_casefold (name, -1);
      GtkWidget *button;

      if (!g_str_has_prefix (name_folded, folded) || g_strcmp0 (name, prefix) == 0)
        continue;
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), plain_label (name, NULL));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_focusable (button, FALSE);
      g_object_set_data_full (G_OBJECT (button), "calque-name", g_strdup (name), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (completion_clicked_cb), self);
      gtk_box_append (GTK_BOX (self->completion_box), button);
      shown++;
    }
  if (shown == 0)
    {
      hide_completion (self);
      return;
    }
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self->text_view), &at, &rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self->text_view), GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y,
                                         &rect.x, &rect.y);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->completion), &rect);
  self->completing = TRUE;
  gtk_popover_popup (GTK_POPOVER (self->completion));
}

/* The first name offered, for Tab. */
static gboolean
complete_first (CalqueCommentsPanel *self)
{
  GtkWidget *first = gtk_widget_get_first_child (self->completion_box);

  if (!self->completing || first == NULL)
    return FALSE;
  complete_with (self, g_object_get_data (G_OBJECT (first), "calque-name"));
  return TRUE;
}

static void
highlight_mentions (CalqueCommentsPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autoptr(GArray) mentions = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->mention_tag, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  mentions = calque_comment_find_mentions (text);
  for (guint i = 0; i < mentions->len; i++)
    {
      const CalqueMention *mention = &g_array_index (mentions, CalqueMention, i);
      GtkTextIter from, to;

      gtk_text_buffer_get_iter_at_offset (buffer, &from, (int) g_utf8_pointer_to_offset (text, text + mention->start));
      gtk_text_buffer_get_iter_at_offset (buffer, &to, (int) g_utf8_pointer_to_offset (text, text + mention->end));
      gtk_text_buffer_apply_tag (buffer, self->mention_tag, &from, &to);
    }
}

static void
buffer_changed_cb (CalqueCommentsPanel *self)
{
  highlight_mentions (self);
  update_completion (self);
}

static void
cursor_moved_cb (CalqueCommentsPanel *self)
{
  if (self->completing)
    update_completion (self);
}

gboolean
calque_comments_panel_send (CalqueCommentsPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  gboolean ok;

  g_return_val_if_fail (CALQUE_IS_COMMENTS_PANEL (self), FALSE);

  if (self->comments == NULL)
    return FALSE;
  text = dup_text (self);
  if (self->editing != NULL)
    ok = calque_item_comments_edit (self->comments, self->editing, text, &error);
  else
    ok = (id = calque_item_comments_add (self->comments, self->reply_to != NULL ? NULL : self->target,
                                         self->reply_to, text, &error)) != NULL;
  if (!ok)
    {
      fail (self, error);
      return FALSE;
    }
  hide_completion (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), "", -1);
  leave_mode (self);
  g_signal_emit (self, signals[EDITED], 0);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CalqueCommentsPanel   *self)
{
  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if ((state & GDK_CONTROL_MASK) != 0)
        {
          calque_comments_panel_send (self);
          return TRUE;
        }
      return complete_first (self);
    case GDK_KEY_Tab:
      return complete_first (self);
    case GDK_KEY_Escape:
      if (self->completing)
        {
          hide_completion (self);
          return TRUE;
        }
      if (self->editing != NULL || self->reply_to != NULL)
        {
          leave_mode (self);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

static void
send_clicked_cb (CalqueCommentsPanel *self)
{
  calque_comments_panel_send (self);
}

static void
focus_left_cb (CalqueCommentsPanel *self)
{
  hide_completion (self);
}

static gboolean
clock_ticked_cb (gpointer user_data)
{
  CalqueCommentsPanel *self = user_data;

  /* Not under the pointer's selection in a comment, nor while one is written. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && gtk_widget_get_focus_child (self->list) == NULL
      && self->comments != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->comments)) > 0)
    rebuild (self);
  return G_SOURCE_CONTINUE;
}

static void
toggle_toggled_cb (CalqueCommentsPanel *self)
{
  gboolean shown = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->toggle));

  gtk_widget_set_visible (GTK_WIDGET (self), shown);
  set_active (self, shown);
}

/* --- GObject ------------------------------------------------------------------------- */

static void
calque_comments_panel_dispose (GObject *object)
{
  CalqueCommentsPanel *self = CALQUE_COMMENTS_PANEL (object);

  if (self->comments != NULL)
    g_signal_handlers_disconnect_by_data (self->comments, self);
  g_clear_object (&self->comments);
  g_clear_object (&self->store);
  g_clear_pointer (&self->completion, gtk_widget_unparent);
  g_clear_object (&self->toggle);
  g_clear_handle_id (&self->clock_id, g_source_remove);

  G_OBJECT_CLASS (calque_comments_panel_parent_class)->dispose (object);
}

static void
calque_comments_panel_finalize (GObject *object)
{
  CalqueCommentsPanel *self = CALQUE_COMMENTS_PANEL (object);

  g_free (self->target);
  g_free (self->reply_to);
  g_free (self->editing);
  g_free (self->highlighted);
  g_hash_table_unref (self->fresh);
  g_clear_pointer (&self->names, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_comments_panel_parent_class)->finalize (object);
}

static void
calque_comments_panel_class_init (CalqueCommentsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_comments_panel_dispose;
  object_class->finalize = calque_comments_panel_finalize;

  /**
   * CalqueCommentsPanel::edited:
   *
   * A comment was saved in the workspace: the window pushes it.
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CalqueCommentsPanel::failed:
   * @error: why a comment could not be saved
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
  /**
   * CalqueCommentsPanel::annotation-activated:
   * @id: the annotation a thread is on, whose "On:" button was clicked
   */
  signals[ANNOTATION_ACTIVATED] =
    g_signal_new ("annotation-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
calque_comments_panel_init (CalqueCommentsPanel *self)
{
  GtkWidget *heading = plain_label (_("Comments"), "heading");
  GtkWidget *context_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *box_scroller = gtk_scrolled_window_new ();
  GtkWidget *send_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *hint = plain_label (_("Ctrl+Enter sends · @name mentions"), "dim-label");
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkTextBuffer *buffer;

  self->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "calque-comments-panel");
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, -1);

  gtk_widget_set_margin_top (heading, 12);
  gtk_box_append (GTK_BOX (self), heading);

  self->empty = plain_label (_("No comments yet. Questions and remarks about this item or one of its "
                               "annotations go here, for everyone on the project."), "dim-label");
  gtk_label_set_wrap (GTK_LABEL (self->empty), TRUE);
  gtk_widget_set_vexpand (self->empty, TRUE);
  gtk_widget_set_valign (self->empty, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self), self->empty);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "calque-comment-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comments"), -1);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->list);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_widget_set_visible (self->scroller, FALSE);
  gtk_box_append (GTK_BOX (self), self->scroller);

  /* What the box writes, and the way out of a reply or an edit. */
  self->context = plain_label (NULL, "caption-heading");
  gtk_label_set_ellipsize (GTK_LABEL (self->context), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->context, TRUE);
  gtk_box_append (GTK_BOX (context_row), self->context);
  self->cancel = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (self->cancel, "flat");
  gtk_widget_add_css_class (self->cancel, "circular");
  gtk_widget_set_tooltip_text (self->cancel, _("Cancel (Escape)"));
  g_signal_connect_swapped (self->cancel, "clicked", G_CALLBACK (leave_mode), self);
  gtk_box_append (GTK_BOX (context_row), self->cancel);
  gtk_box_append (GTK_BOX (self), context_row);

  self->text_view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 6);
  gtk_widget_add_css_class (self->text_view, "calque-comment-entry");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New comment"), -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  self->mention_tag = gtk_text_buffer_create_tag (buffer, "mention", "weight", PANGO_WEIGHT_BOLD,
                                                  "foreground", "#1c71d8", NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect_swapped (buffer, "notify::cursor-position", G_CALLBACK (cursor_moved_cb), self);
  /* Before the text view's own handling: Ctrl+Enter is not a new line. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (self->text_view, keys);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (focus_left_cb), self);
  gtk_widget_add_controller (self->text_view, focus);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (box_scroller), self->text_view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (box_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (box_scroller), 64);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (box_scroller), 160);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (box_scroller), TRUE);
  gtk_widget_add_css_class (box_scroller, "card");
  gtk_box_append (GTK_BOX (self), box_scroller);

  /* Names to mention, offered at the cursor without taking the focus. */
  self->completion = gtk_popover_new ();
  gtk_popover_set_autohide (GTK_POPOVER (self->completion), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->completion), GTK_POS_TOP);
  self->completion_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_popover_set_child (GTK_POPOVER (self->completion), self->completion_box);
  gtk_widget_set_parent (self->completion, self->text_view);

  gtk_widget_add_css_class (hint, "caption");
  gtk_label_set_ellipsize (GTK_LABEL (hint), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (hint, TRUE);
  gtk_box_append (GTK_BOX (send_row), hint);
  self->send = gtk_button_new_with_mnemonic (_("_Send"));
  gtk_widget_add_css_class (self->send, "suggested-action");
  gtk_widget_set_tooltip_text (self->send, _("Send (Ctrl+Enter)"));
  g_signal_connect_swapped (self->send, "clicked", G_CALLBACK (send_clicked_cb), self);
  gtk_box_append (GTK_BOX (send_row), self->send);
  gtk_widget_set_margin_bottom (send_row, 12);
  gtk_box_append (GTK_BOX (self), send_row);

  /* The toolbar's button: an icon, and the unread count in a pill. */
  {
    GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

    self->toggle = g_object_ref_sink (gtk_toggle_button_new ());
    gtk_box_append (GTK_BOX (content), gtk_image_new_from_icon_name ("calque-comments-symbolic"));
    self->toggle_count = plain_label (NULL, "calque-comment-count");
    gtk_widget_set_valign (self->toggle_count, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (content), self->toggle_count);
    gtk_button_set_child (GTK_BUTTON (self->toggle), content);
    gtk_widget_add_css_class (self->toggle, "flat");
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comments"), -1);
    g_signal_connect_swapped (self->toggle, "toggled", G_CALLBACK (toggle_toggled_cb), self);
  }
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  self->clock_id = g_timeout_add_seconds (60, clock_ticked_cb, self);
  update_toggle (self);
  update_context (self);
}

/* --- public API ---------------------------------------------------------------------- */

GtkWidget *
calque_comments_panel_new (void)
{
  return g_object_new (CALQUE_TYPE_COMMENTS_PANEL, NULL);
}

void
calque_comments_panel_set_comments (CalqueCommentsPanel *self,
                                    CalqueItemComments  *comments,
                                    CalqueStore         *store)
{
  g_return_if_fail (CALQUE_IS_COMMENTS_PANEL (self));
  g_return_if_fail (comments == NULL || CALQUE_IS_ITEM_COMMENTS (comments));

  if (self->comments != NULL)
    g_signal_handlers_disconnect_by_data (self->comments, self);
  g_set_object (&self->comments, comments);
  g_set_object (&self->store, store);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->reply_to, g_free);
  g_clear_pointer (&self->editing, g_free);
  g_clear_pointer (&self->highlighted, g_free);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_hash_table_remove_all (self->fresh);
  hide_completion (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), "", -1);
  if (comments != NULL)
    {
      g_signal_connect_swapped (comments, "items-changed", G_CALLBACK (comments_changed_cb), self);
      g_signal_connect_swapped (comments, "notify::n-unread", G_CALLBACK (update_toggle), self);
    }
  /* Opening an item with something unread shows it, and so reads it. */
  if (comments != NULL && calque_item_comments_get_n_unread (comments) > 0)
    calque_comments_panel_reveal (self, TRUE);
  take_unread (self);
  rebuild (self);
  update_context (self);
  update_toggle (self);
}

CalqueItemComments *
calque_comments_panel_get_comments (CalqueCommentsPanel *self)
{
  g_return_val_if_fail (CALQUE_IS_COMMENTS_PANEL (self), NULL);

  return self->comments;
}

void
calque_comments_panel_set_target (CalqueCommentsPanel *self,
                                  const char          *annotation_id)
{
  g_return_if_fail (CALQUE_IS_COMMENTS_PANEL (self));

  if (g_strcmp0 (self->target, annotation_id) == 0)
    return;
  g_free (self->target);
  self->target = g_strdup (annotation_id);
  update_context (self);
}

/* Whether the person sees the pane: unread comments are then read. */
static void
set_active (CalqueCommentsPanel *self,
            gboolean             active)
{
  self->active = active;
  if (!active)
    {
      hide_completion (self);
      return;
    }
  if (self->comments != NULL && calque_item_comments_get_n_unread (self->comments) > 0)
    {
      take_unread (self);
      rebuild (self);
    }
}

static gboolean
scroll_to_highlight_cb (gpointer user_data)
{
  g_autoptr(CalqueCommentsPanel) self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *content = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      graphene_point_t point;

      if (content == NULL || !gtk_widget_has_css_class (content, "calque-comment-highlight"))
        continue;
      if (gtk_widget_compute_point (row, self->list, &GRAPHENE_POINT_INIT (0, 0), &point))
        gtk_adjustment_set_value (adjustment, point.y);
      break;
    }
  return G_SOURCE_REMOVE;
}

void
calque_comments_panel_show_annotation (CalqueCommentsPanel *self,
                                       const char          *annotation_id)
{
  g_return_if_fail (CALQUE_IS_COMMENTS_PANEL (self));

  g_free (self->highlighted);
  self->highlighted = g_strdup (annotation_id);
  rebuild (self);
  /* Once the rows have their place. */
  g_idle_add_full (G_PRIORITY_LOW, scroll_to_highlight_cb, g_object_ref (self), NULL);
}

GtkTextView *
calque_comments_panel_get_text_view (CalqueCommentsPanel *self)
{
  g_return_val_if_fail (CALQUE_IS_COMMENTS_PANEL (self), NULL);

  return GTK_TEXT_VIEW (self->text_view);
}

GtkWidget *
calque_comments_panel_get_toggle (CalqueCommentsPanel *self)
{
  g_return_val_if_fail (CALQUE_IS_COMMENTS_PANEL (self), NULL);

  return self->toggle;
}

void
calque_comments_panel_reveal (CalqueCommentsPanel *self,
                              gboolean             shown)
{
  g_return_if_fail (CALQUE_IS_COMMENTS_PANEL (self));

  /* The toggle's handler does the rest. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->toggle), shown);
}
