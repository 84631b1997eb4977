/* calque-item-page.c — one item open for annotation
 *
 * Ties the view of the item's media (the canvas and its tools, the text
 * view, the audio view) to the label palette, the list of annotations and
 * the history. Every edit is in the workspace when the tool returns:
 * there is no save button; the page only says "edited" so that the window
 * can push it to the server at once.
 */
#define G_LOG_DOMAIN "calque-item-page"

#include "calque-item-page.h"

#include <glib/gi18n-lib.h>

#include "calque-attribute-editor.h"
#include "calque-audio-view.h"
#include "calque-box-tool.h"
#include "calque-comment-markers.h"
#include "calque-comments-panel.h"
#include "calque-item-annotations.h"
#include "calque-item-comments.h"
#include "calque-point-tool.h"
#include "calque-polygon-tool.h"
#include "calque-presence-pill.h"
#include "calque-select-tool.h"
#include "calque-store.h"
#include "calque-task-timer.h"
#include "calque-text-offsets.h"
#include "calque-text-view.h"

/* More changed records than this are read again as the whole item. */
#define MAX_RECORDS_ONE_BY_ONE 64

/* Number keys 1–9 pick the first nine labels. */
#define N_LABEL_KEYS 9

struct _CalqueItemPage
{
  GtkBox                 parent_instance;

  CalqueWorkspace       *workspace;
  CalqueRecord          *item;
  char                  *author;
  CalqueHistory         *history;
  CalqueItemAnnotations *annotations;

  CalqueMediaType        media;
  GtkWidget             *views;           /* GtkStack: "image", "text", "audio" */
  CalqueCanvas          *canvas;
  CalqueTextView        *text_view;
  CalqueAudioView       *audio_view;
  GtkWidget             *audio_tools;
  GtkWidget             *image_tools;     /* toolbar parts shown for one media only */
  GtkWidget             *image_zoom;
  GtkWidget             *text_tools;
  GtkWidget             *whole_item;      /* the item-level labels' buttons */
  CalqueTool            *select_tool;
  CalqueTool            *box_tool;
  CalqueTool            *polygon_tool;
  CalqueTool            *polyline_tool;
  CalqueTool            *point_tool;

  GPtrArray             *labels;          /* CalqueRecord, palette order */
  GHashTable            *label_colors;    /* id → 0xRRGGBBAA */
  GPtrArray             *current_labels;  /* char *, for new shapes */
  gboolean               multi_label;

  GSimpleActionGroup    *actions;
  GtkWidget             *palette;
  GtkWidget             *annotation_view;
  GtkSingleSelection    *annotation_selection;
  GtkWidget             *confidence;
  GtkWidget             *prediction_bar;  /* shown while a model's prediction is selected */
  GtkWidget             *prediction_label;
  GtkWidget             *attribute_editor;
  CalqueRecord          *attributes_shown; /* the record the editor shows, to rebuild only on change */
  guint                  attributes_idle;
  CalqueRecord          *task;            /* the author's task on the item, or NULL */
  CalqueTaskTimer       *task_timer;      /* the active time on it */
  GtkWidget             *task_label;
  GtkWidget             *task_button;
  GtkWidget             *presence_pill;   /* who else is on the item */
  gboolean               updating;        /* widgets set from the model, not by the user */
  gboolean               model_changing;  /* the annotations are emitting items-changed */

  /* Comments: the pane (with its toggle in the toolbar), and the
   * annotations that have some, for their bubbles. */
  CalqueItemComments    *comments;
  GtkWidget             *comments_panel;  /* CalqueCommentsPanel */
  GHashTable            *comment_marks;   /* annotation id → CALQUE_COMMENT_MARK value */
};

G_STATIC_ASSERT (CALQUE_COMMENT_MARK_RESOLVED == CALQUE_COMMENT_MARKER_RESOLVED);

enum { EDITED, FAILED, TASK_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueItemPage, calque_item_page, GTK_TYPE_BOX)

static void tool_edited_cb (CalqueItemPage *self);
static void update_whole_item (CalqueItemPage *self);

/* --- the selected annotation, whichever view has it ---------------------------- */

static const char *
get_selected (CalqueItemPage *self)
{
  if (self->media == CALQUE_MEDIA_TEXT)
    return calque_text_view_get_selected (self->text_view);
  if (self->media == CALQUE_MEDIA_AUDIO)
    return calque_audio_view_get_selected (self->audio_view);
  return calque_select_tool_get_selected (CALQUE_SELECT_TOOL (self->select_tool));
}

static void
select_annotation (CalqueItemPage *self,
                   const char     *id)
{
  if (self->media == CALQUE_MEDIA_TEXT)
    calque_text_view_select (self->text_view, id);
  else if (self->media == CALQUE_MEDIA_AUDIO)
    calque_audio_view_select (self->audio_view, id);
  else
    calque_select_tool_select (CALQUE_SELECT_TOOL (self->select_tool), id);
}

/* --- labels ------------------------------------------------------------------------ */

static guint32
parse_color (const char *color)
{
  GdkRGBA rgba;

  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    return 0x9a9996ffu;
  return ((guint32) (rgba.red * 255) << 24) | ((guint32) (rgba.green * 255) << 16)
         | ((guint32) (rgba.blue * 255) << 8) | 0xffu;
}

static const char *
label_name (CalqueItemPage *self,
            const char     *id)
{
  for (guint i = 0; self->labels != NULL && i < self->labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (self->labels, i);

      if (g_strcmp0 (calque_record_get_id (label), id) == 0)
        return calque_record_get_string (label, "name");
    }
  return NULL;
}

static gint
compare_labels (gconstpointer a,
                gconstpointer b)
{
  CalqueRecord *la = *(CalqueRecord **) a;
  CalqueRecord *lb = *(CalqueRecord **) b;
  gint64 pa = calque_record_get_int (la, "position", G_MAXINT32);
  gint64 pb = calque_record_get_int (lb, "position", G_MAXINT32);

  if (pa != pb)
    return pa < pb ? -1 : 1;
  return g_utf8_collate (calque_record_get_string (la, "name"), calque_record_get_string (lb, "name"));
}

/* A dot of the label's colour, as a widget: no markup, no CSS per label. */
static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  guint32 rgba = GPOINTER_TO_UINT (user_data);

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, ((rgba >> 24) & 0xff) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                        ((rgba >> 8) & 0xff) / 255.0);
  cairo_fill (cr);
}

static GtkWidget *
dot_new (guint32 rgba)
{
  GtkWidget *dot = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot), 12);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_dot, GUINT_TO_POINTER (rgba), NULL);
  return dot;
}

static void
update_palette_state (CalqueItemPage *self)
{
  guint i = 0;

  self->updating = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (self->palette); child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    {
      CalqueRecord *label = g_ptr_array_index (self->labels, i);
      gboolean active = FALSE;

      for (guint j = 0; j < self->current_labels->len; j++)
        active |= g_strcmp0 (g_ptr_array_index (self->current_labels, j), calque_record_get_id (label)) == 0;
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), active);
    }
  self->updating = FALSE;
}

static GStrv
dup_current_labels (CalqueItemPage *self)
{
  GStrv ids = g_new0 (char *, self->current_labels->len + 1);

  for (guint i = 0; i < self->current_labels->len; i++)
    ids[i] = g_strdup (g_ptr_array_index (self->current_labels, i));
  return ids;
}

static void
apply_current_labels (CalqueItemPage *self)
{
  g_auto(GStrv) ids = dup_current_labels (self);

  calque_tool_set_labels (self->select_tool, (const char * const *) ids);
  calque_tool_set_labels (self->box_tool, (const char * const *) ids);
  calque_tool_set_labels (self->polygon_tool, (const char * const *) ids);
  calque_tool_set_labels (self->polyline_tool, (const char * const *) ids);
  calque_tool_set_labels (self->point_tool, (const char * const *) ids);
  calque_text_view_set_labels (self->text_view, (const char * const *) ids);
  calque_audio_view_set_labels (self->audio_view, (const char * const *) ids);
  update_palette_state (self);
}

/* Picks label @position: for the selected shape if there is one (its
 * labels change, an undoable edit), and for the shapes drawn next. */
static void
choose_label (CalqueItemPage *self,
              guint           position)
{
  CalqueRecord *label;
  const char *id;
  const char *selected;
  gboolean had = FALSE;

  if (self->labels == NULL || position >= self->labels->len)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  label = g_ptr_array_index (self->labels, position);
  id = calque_record_get_id (label);

  /* Text selected: the key marks it with that label. */
  if (self->media == CALQUE_MEDIA_TEXT && calque_text_view_has_text_selection (self->text_view))
    {
      g_autoptr(GError) error = NULL;

      g_ptr_array_set_size (self->current_labels, 0);
      g_ptr_array_add (self->current_labels, g_strdup (id));
      apply_current_labels (self);
      if (calque_text_view_add_span (self->text_view, &error))
        tool_edited_cb (self);
      else if (error != NULL)
        g_signal_emit (self, signals[FAILED], 0, error);
      else
        gtk_widget_error_bell (GTK_WIDGET (self));   /* only spaces selected */
      return;
    }

  for (guint j = 0; j < self->current_labels->len; j++)
    if (g_strcmp0 (g_ptr_array_index (self->current_labels, j), id) == 0)
      {
        had = TRUE;
        if (self->multi_label)
          g_ptr_array_remove_index (self->current_labels, j);
        break;
      }
  if (!self->multi_label)
    {
      g_ptr_array_set_size (self->current_labels, 0);
      g_ptr_array_add (self->current_labels, g_strdup (id));
    }
  else if (!had)
    g_ptr_array_add (self->current_labels, g_strdup (id));
  apply_current_labels (self);

  selected = get_selected (self);
  if (selected != NULL && self->annotations != NULL)
    {
      g_auto(GStrv) ids = dup_current_labels (self);
      g_autoptr(GError) error = NULL;

      if (calque_item_annotations_set_labels (self->annotations, selected, (const char * const *) ids, &error))
        g_signal_emit (self, signals[EDITED], 0);
      else
        g_signal_emit (self, signals[FAILED], 0, error);
    }
}

static void
palette_button_toggled_cb (GtkToggleButton *button,
                           CalqueItemPage  *self)
{
  if (self->updating)
    return;
  choose_label (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "calque-position")));
}

static void
fill_palette (CalqueItemPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->palette)) != NULL)
    gtk_box_remove (GTK_BOX (self->palette), child);

  for (guint i = 0; i < self->labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (self->labels, i);
      const char *name = calque_record_get_string (label, "name");
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *text = gtk_label_new (name);
      g_autofree char *tooltip = NULL;

      gtk_box_append (GTK_BOX (row), dot_new (GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors,
                                                                                      calque_record_get_id (label)))));
      /* Label names are the project's words: plain text, never markup. */
      gtk_label_set_use_markup (GTK_LABEL (text), FALSE);
      gtk_label_set_xalign (GTK_LABEL (text), 0);
      gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (row), text);
      if (i < N_LABEL_KEYS)
        {
          g_autofree char *key = g_strdup_printf ("%u", i + 1);
          GtkWidget *shortcut = gtk_label_new (key);

          gtk_widget_add_css_class (shortcut, "dim-label");
          gtk_box_append (GTK_BOX (row), shortcut);
          /* Translators: a tooltip; %s is a label name, %u its number key */
          tooltip = g_strdup_printf (_("Label “%s” (%u)"), name, i + 1);
        }
      else
        /* Translators: a tooltip; %s is a label name */
        tooltip = g_strdup_printf (_("Label “%s”"), name);
      gtk_button_set_child (GTK_BUTTON (button), row);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "calque-position", GUINT_TO_POINTER (i));
      g_signal_connect (button, "toggled", G_CALLBACK (palette_button_toggled_cb), self);
      gtk_box_append (GTK_BOX (self->palette), button);
    }
  update_palette_state (self);
}

/* --- comments --------------------------------------------------------------------------- */

static void tool_selection_changed_cb (CalqueItemPage *self);

static gboolean
same_marks (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (b, key) || g_hash_table_lookup (b, key) != value)
      return FALSE;
  return TRUE;
}

/* The bubbles on the canvas and the counts in the annotation rows. */
static void
update_comment_marks (CalqueItemPage *self)
{
  g_autoptr(GHashTable) marks = self->comments != NULL ? calque_item_comments_dup_marks (self->comments) : NULL;

  if (same_marks (marks, self->comment_marks))
    return;
  g_clear_pointer (&self->comment_marks, g_hash_table_unref);
  self->comment_marks = g_steal_pointer (&marks);
  calque_canvas_set_comment_marks (self->canvas, self->media == CALQUE_MEDIA_IMAGE ? self->comment_marks : NULL);
  calque_text_view_set_comment_marks (self->text_view, self->media == CALQUE_MEDIA_TEXT ? self->comment_marks : NULL);
  /* The rows bind again, with their counts. */
  gtk_list_view_set_model (GTK_LIST_VIEW (self->annotation_view), NULL);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->annotation_view), GTK_SELECTION_MODEL (self->annotation_selection));
}

static void
set_comments (CalqueItemPage     *self,
              CalqueItemComments *comments)
{
  if (self->comments != NULL)
    g_signal_handlers_disconnect_by_data (self->comments, self);
  g_set_object (&self->comments, comments);
  if (comments != NULL)
    g_signal_connect_swapped (comments, "items-changed", G_CALLBACK (update_comment_marks), self);
  if (self->comments_panel != NULL)
    calque_comments_panel_set_comments (CALQUE_COMMENTS_PANEL (self->comments_panel), comments,
                                        self->workspace != NULL ? calque_workspace_get_store (self->workspace) : NULL);
  if (self->annotation_view != NULL)
    update_comment_marks (self);
}

static void
open_comments (CalqueItemPage *self,
               CalqueStore    *store,
               CalqueRecord   *item,
               const char     *author)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueItemComments) comments = calque_item_comments_new (store, item, author, &error);

  /* The item opens all the same: its comments are not its annotations. */
  if (comments == NULL)
    g_signal_emit (self, signals[FAILED], 0, error);
  set_comments (self, comments);
  calque_comments_panel_set_target (CALQUE_COMMENTS_PANEL (self->comments_panel), get_selected (self));
}

/* A bubble or a row's count: the annotation is selected, and its thread shown. */
static void
open_thread (CalqueItemPage *self,
             const char     *annotation_id)
{
  g_autofree char *id = g_strdup (annotation_id);

  select_annotation (self, id);
  tool_selection_changed_cb (self);
  calque_comments_panel_reveal (CALQUE_COMMENTS_PANEL (self->comments_panel), TRUE);
  calque_comments_panel_show_annotation (CALQUE_COMMENTS_PANEL (self->comments_panel), id);
}

static void
comment_marker_activated_cb (CalqueItemPage *self,
                             const char     *annotation_id)
{
  open_thread (self, annotation_id);
}

static void
comment_annotation_activated_cb (CalqueItemPage *self,
                                 const char     *annotation_id)
{
  select_annotation (self, annotation_id);
  tool_selection_changed_cb (self);
}

static void
comments_edited_cb (CalqueItemPage *self)
{
  /* The window pushes it at once, as it does annotations. */
  g_signal_emit (self, signals[EDITED], 0);
}

static void
comment_button_clicked_cb (GtkButton      *button,
                           CalqueItemPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "calque-id");

  if (id != NULL)
    open_thread (self, id);
}

/* In an annotation's row: a bubble, that opens its comments. Only an
 * icon, with the count in its tooltip: the row is narrow, and the name
 * of the label comes first. */
static GtkWidget *
comment_button_new (CalqueItemPage *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("calque-comments-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "calque-annotation-comments");
  gtk_widget_set_visible (button, FALSE);
  g_signal_connect (button, "clicked", G_CALLBACK (comment_button_clicked_cb), self);
  return button;
}

static void
bind_comment_button (CalqueItemPage *self,
                     GtkWidget      *button,
                     const char     *id)
{
  gpointer value = NULL;
  gboolean marked = self->comment_marks != NULL && g_hash_table_lookup_extended (self->comment_marks, id, NULL, &value);

  gtk_widget_set_visible (button, marked);
  g_object_set_data_full (G_OBJECT (button), "calque-id", g_strdup (id), g_free);
  if (marked)
    {
      guint n = CALQUE_COMMENT_MARK_COUNT (GPOINTER_TO_UINT (value));
      g_autofree char *tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u comment on this annotation",
                                                               "%u comments on this annotation", n), n);

      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      if (GPOINTER_TO_UINT (value) & CALQUE_COMMENT_MARK_RESOLVED)
        gtk_widget_add_css_class (button, "dim-label");
      else
        gtk_widget_remove_css_class (button, "dim-label");
    }
}

/* --- the annotation list ---------------------------------------------------------------- */

static void
visibility_toggled_cb (GtkToggleButton *button,
                       CalqueItemPage  *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "calque-id");
  gboolean shown = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), shown ? "view-reveal-symbolic" : "view-conceal-symbolic");
  if (id != NULL && !self->updating)
    calque_shape_layer_set_hidden (calque_canvas_get_layer (self->canvas), id, !shown);
}

static void
lock_toggled_cb (GtkToggleButton *button,
                 CalqueItemPage  *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "calque-id");
  gboolean locked = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), locked ? "changes-prevent-symbolic" : "changes-allow-symbolic");
  if (id != NULL && !self->updating)
    calque_select_tool_set_locked (CALQUE_SELECT_TOOL (self->select_tool), id, locked);
}

static void
annotation_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     CalqueItemPage           *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *kind = gtk_label_new (NULL);
  GtkWidget *eye = gtk_toggle_button_new ();
  GtkWidget *lock = gtk_toggle_button_new ();

  gtk_label_set_use_markup (GTK_LABEL (name), FALSE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (kind), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (kind), 16);
  gtk_widget_add_css_class (eye, "flat");
  gtk_widget_set_tooltip_text (eye, _("Show or hide this annotation"));
  g_signal_connect (eye, "toggled", G_CALLBACK (visibility_toggled_cb), self);
  gtk_widget_add_css_class (lock, "flat");
  gtk_widget_set_tooltip_text (lock, _("Lock this annotation, so that it cannot be selected or changed"));
  g_signal_connect (lock, "toggled", G_CALLBACK (lock_toggled_cb), self);
  gtk_box_append (GTK_BOX (row), gtk_drawing_area_new ());
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), kind);
  gtk_box_append (GTK_BOX (row), comment_button_new (self));
  gtk_box_append (GTK_BOX (row), lock);
  gtk_box_append (GTK_BOX (row), eye);
  gtk_list_item_set_child (list_item, row);
}

/* Longest excerpt of a span's text shown in its row, in characters. */
#define SPAN_EXCERPT_CHARS 24

/* What the row says of the shape: its kind, or for a span the words it
 * marks, for a segment its times. */
static char *
describe_shape (CalqueItemPage    *self,
                const CalqueShape *shape)
{
  switch (shape->kind)
    {
    case CALQUE_SHAPE_BOX: return g_strdup (_("Box"));
    case CALQUE_SHAPE_POLYGON: return g_strdup (_("Polygon"));
    case CALQUE_SHAPE_POLYLINE: return g_strdup (_("Polyline"));
    case CALQUE_SHAPE_POINT: return g_strdup (_("Point"));
    case CALQUE_SHAPE_CLASSIFICATION: return g_strdup (_("Whole item"));
    case CALQUE_SHAPE_SEGMENT:
      /* TRANSLATORS: a segment of a recording, from and to, in seconds */
      return g_strdup_printf (_("%.2f–%.2f s"), shape->seg_start, shape->seg_end);
    case CALQUE_SHAPE_SPAN:
      {
        const char *text = self->item != NULL ? calque_record_get_string (self->item, "text") : NULL;
        gint64 end = MIN (shape->span_end, shape->span_start + SPAN_EXCERPT_CHARS);
        gsize from, to;
        g_autofree char *excerpt = NULL;

        if (text == NULL)
          return g_strdup (_("Span"));
        from = calque_text_offset_to_byte (text, shape->span_start);
        to = calque_text_offset_to_byte (text, end);
        excerpt = g_strndup (text + from, to - from);
        g_strdelimit (excerpt, "\n\r\t", ' ');
        /* TRANSLATORS: the words a span marks, quoted; %s… when cut short */
        return g_strdup_printf (end < shape->span_end ? _("“%s…”") : _("“%s”"), excerpt);
      }
    default:
      return g_strdup ("");
    }
}

static void
annotation_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    CalqueItemPage           *self)
{
  CalqueRecord *annotation = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *old_dot = gtk_widget_get_first_child (row);
  GtkWidget *name = gtk_widget_get_next_sibling (old_dot);
  GtkWidget *kind = gtk_widget_get_next_sibling (name);
  GtkWidget *comment = gtk_widget_get_next_sibling (kind);
  GtkWidget *lock = gtk_widget_get_next_sibling (comment);
  GtkWidget *eye = gtk_widget_get_next_sibling (lock);
  JsonNode *labels = calque_record_get_field (annotation, "labels");
  g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  guint32 rgba = 0x9a9996ffu;
  const char *id = calque_record_get_id (annotation);

  for (guint i = 0; labels != NULL && JSON_NODE_HOLDS_ARRAY (labels) && i < json_array_get_length (json_node_get_array (labels)); i++)
    {
      const char *label_id = json_array_get_string_element (json_node_get_array (labels), i);
      const char *one = label_name (self, label_id);

      if (i == 0 && g_hash_table_contains (self->label_colors, label_id))
        rgba = GPOINTER_TO_UINT (g_hash_table_lookup (self->label_colors, label_id));
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, one != NULL ? one : _("(unknown label)"));
    }
  if (names->len == 0)
    g_string_append (names, _("No label"));

  gtk_box_remove (GTK_BOX (row), old_dot);
  gtk_box_prepend (GTK_BOX (row), dot_new (rgba));
  gtk_label_set_text (GTK_LABEL (name), names->str);
  if (shape != NULL)
    {
      g_autofree char *description = describe_shape (self, shape);

      gtk_label_set_text (GTK_LABEL (kind), description);
    }
  else
    gtk_label_set_text (GTK_LABEL (kind), "");
  bind_comment_button (self, comment, id);
  /* Hiding and locking are the canvas's. */
  gtk_widget_set_visible (lock, self->media == CALQUE_MEDIA_IMAGE);
  gtk_widget_set_visible (eye, self->media == CALQUE_MEDIA_IMAGE);
  g_object_set_data_full (G_OBJECT (eye), "calque-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (lock), "calque-id", g_strdup (id), g_free);
  self->updating = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lock),
                                calque_select_tool_get_locked (CALQUE_SELECT_TOOL (self->select_tool), id));
  gtk_button_set_icon_name (GTK_BUTTON (lock), gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (lock))
                                               ? "changes-prevent-symbolic" : "changes-allow-symbolic");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (eye),
                                !calque_shape_layer_get_hidden (calque_canvas_get_layer (self->canvas), id));
  gtk_button_set_icon_name (GTK_BUTTON (eye), gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (eye))
                                              ? "view-reveal-symbolic" : "view-conceal-symbolic");
  self->updating = FALSE;
}

static void
annotation_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      CalqueItemPage           *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *eye = gtk_widget_get_last_child (row);
  GtkWidget *lock = gtk_widget_get_prev_sibling (eye);

  g_object_set_data (G_OBJECT (eye), "calque-id", NULL);
  g_object_set_data (G_OBJECT (lock), "calque-id", NULL);
}

static void
show_attributes (CalqueItemPage *self,
                 CalqueRecord   *annotation)
{
  g_set_object (&self->attributes_shown, annotation);
  calque_attribute_editor_show (CALQUE_ATTRIBUTE_EDITOR (self->attribute_editor), self->annotations, annotation,
                                self->labels);
}

static gboolean
show_attributes_idle_cb (gpointer user_data)
{
  CalqueItemPage *self = user_data;

  self->attributes_idle = 0;
  show_attributes (self, self->attributes_shown);
  return G_SOURCE_REMOVE;
}

static gboolean
same_field (CalqueRecord *a,
            CalqueRecord *b,
            const char   *field)
{
  JsonNode *na = calque_record_get_field (a, field);
  JsonNode *nb = calque_record_get_field (b, field);

  if (na == NULL || nb == NULL)
    return na == nb;
  return json_node_equal (na, nb);
}

static void
update_confidence (CalqueItemPage *self)
{
  const char *selected = get_selected (self);
  CalqueRecord *annotation = selected != NULL && self->annotations != NULL
                             ? calque_item_annotations_lookup (self->annotations, selected) : NULL;

  /* Rebuilt only when another annotation is selected, or when its labels
   * or attributes changed from elsewhere (undo, a teammate). Not after
   * the editor's own edit: the controls already show it, and rebuilding
   * from inside a control's handler would destroy that control under it. */
  if (annotation == NULL || self->attributes_shown == NULL
      || g_strcmp0 (calque_record_get_id (annotation), calque_record_get_id (self->attributes_shown)) != 0)
    show_attributes (self, annotation);
  else if (!same_field (annotation, self->attributes_shown, "labels")
           || !same_field (annotation, self->attributes_shown, "attributes"))
    {
      g_set_object (&self->attributes_shown, annotation);
      if (self->attributes_idle == 0)
        self->attributes_idle = g_idle_add (show_attributes_idle_cb, self);
    }
  else
    g_set_object (&self->attributes_shown, annotation);

  gtk_widget_set_visible (self->prediction_bar,
                          selected != NULL && calque_item_annotations_is_prediction (self->annotations, selected));
  if (gtk_widget_get_visible (self->prediction_bar))
    {
      const char *model = calque_record_get_string (annotation, "author") + strlen (CALQUE_MODEL_AUTHOR_PREFIX);
      g_autofree char *text = NULL;

      if (calque_record_has_field (annotation, "confidence"))
        /* Translators: "Prediction of “detector”, score 87%" */
        text = g_strdup_printf (_("Prediction of “%s”, score %.0f%%"), model,
                                100 * calque_record_get_double (annotation, "confidence", 0));
      else
        text = g_strdup_printf (_("Prediction of “%s”"), model);
      gtk_label_set_text (GTK_LABEL (self->prediction_label), text);
    }

  self->updating = TRUE;
  gtk_widget_set_sensitive (self->confidence, annotation != NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->confidence),
                             annotation != NULL ? calque_record_get_double (annotation, "confidence", 1.0) : 1.0);
  self->updating = FALSE;
}

static void
tool_selection_changed_cb (CalqueItemPage *self)
{
  const char *selected = get_selected (self);
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;
  guint position = GTK_INVALID_LIST_POSITION;

  /* A view drops its selection when the selected annotation goes (an
   * undo, another annotator), from its own items-changed handler: the
   * selection model has not seen the change yet, and a position in the
   * new list would be out of its range. annotations_changed_cb comes
   * back here once it has. */
  if (self->model_changing)
    return;
  for (guint i = 0; selected != NULL && i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);

      if (g_strcmp0 (calque_record_get_id (annotation), selected) == 0)
        position = i;
    }
  self->updating = TRUE;
  gtk_single_selection_set_selected (self->annotation_selection, position);
  self->updating = FALSE;
  update_confidence (self);
  calque_comments_panel_set_target (CALQUE_COMMENTS_PANEL (self->comments_panel), selected);
}

/* An edit of a prediction made the author's own version in its place:
 * the view that had the prediction selected selects that. */
static void
annotation_replaced_cb (CalqueItemAnnotations *annotations,
                        const char            *old_id,
                        const char            *new_id,
                        CalqueItemPage        *self)
{
  if (self->media == CALQUE_MEDIA_TEXT)
    calque_text_view_select (self->text_view, new_id);
  else if (self->media == CALQUE_MEDIA_AUDIO)
    calque_audio_view_select (self->audio_view, new_id);
  else
    calque_select_tool_select (CALQUE_SELECT_TOOL (self->select_tool), new_id);
  tool_selection_changed_cb (self);
}

/* A row replaced by an edit drops out of the list's selection; the
 * selection is the tool's, and is put back once the model has changed. */
static void
annotations_changing_cb (CalqueItemPage *self)
{
  self->model_changing = TRUE;
}

static void
annotations_changed_cb (CalqueItemPage *self)
{
  self->model_changing = FALSE;
  tool_selection_changed_cb (self);
  update_whole_item (self);
}

static void
list_selection_changed_cb (CalqueItemPage *self)
{
  CalqueRecord *annotation = gtk_single_selection_get_selected_item (self->annotation_selection);

  if (self->updating || self->model_changing)
    return;
  select_annotation (self, annotation != NULL ? calque_record_get_id (annotation) : NULL);
}

static void
confidence_changed_cb (CalqueItemPage *self)
{
  const char *selected = get_selected (self);
  g_autoptr(GError) error = NULL;

  if (self->updating || selected == NULL || self->annotations == NULL)
    return;
  if (calque_item_annotations_set_confidence (self->annotations, selected,
                                              gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->confidence)), &error))
    g_signal_emit (self, signals[EDITED], 0);
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

/* --- labels of the whole item ---------------------------------------------------- */

/* The author's classification of the item: the annotation without
 * geometry that holds the labels of the whole item. */
static CalqueRecord *
find_classification (CalqueItemPage *self)
{
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;

  /* Called after every edit: the shape's type is read, not the whole
   * geometry, as an image may carry thousands of polygons. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);
      JsonNode *shape;

      if (g_strcmp0 (calque_record_get_string (annotation, "author"), self->author) != 0)
        continue;
      shape = calque_record_get_field (annotation, "shape");
      if (shape != NULL && JSON_NODE_HOLDS_OBJECT (shape)
          && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (shape), "type", NULL),
                        calque_shape_kind_to_string (CALQUE_SHAPE_CLASSIFICATION)) == 0)
        return calque_item_annotations_lookup (self->annotations, calque_record_get_id (annotation));
    }
  return NULL;
}

static gboolean
has_label (CalqueRecord *annotation,
           const char   *label_id)
{
  JsonNode *labels = annotation != NULL ? calque_record_get_field (annotation, "labels") : NULL;

  for (guint i = 0; labels != NULL && JSON_NODE_HOLDS_ARRAY (labels)
                    && i < json_array_get_length (json_node_get_array (labels)); i++)
    if (g_strcmp0 (json_array_get_string_element (json_node_get_array (labels), i), label_id) == 0)
      return TRUE;
  return FALSE;
}

/* The check button in a child of the whole item's flow box. */
static GtkWidget *
whole_item_button (GtkWidget *flow_child)
{
  return gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (flow_child));
}

/* The buttons follow the stored classification (an undo, a teammate). */
static void
update_whole_item (CalqueItemPage *self)
{
  CalqueRecord *classification = find_classification (self);
  gboolean any = FALSE;

  self->updating = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (self->whole_item); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = whole_item_button (child);
      const char *label_id = g_object_get_data (G_OBJECT (button), "calque-label");
      gboolean active = label_id != NULL && has_label (classification, label_id);

      if (label_id != NULL)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (button), active);
      any |= active;
    }
  /* "None", first, in single choice. */
  if (!self->multi_label && gtk_widget_get_first_child (self->whole_item) != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (whole_item_button (gtk_widget_get_first_child (self->whole_item))),
                                 !any);
  self->updating = FALSE;
}

static void
whole_item_toggled_cb (GtkCheckButton *button,
                       CalqueItemPage *self)
{
  CalqueRecord *classification;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  /* A radio button going off is half of a change; its partner going on
   * does the work. */
  if (self->updating || self->annotations == NULL
      || (!self->multi_label && !gtk_check_button_get_active (button)))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (self->whole_item); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = whole_item_button (child);
      const char *label_id = g_object_get_data (G_OBJECT (button), "calque-label");

      if (label_id != NULL && gtk_check_button_get_active (GTK_CHECK_BUTTON (button)))
        g_ptr_array_add (ids, (gpointer) label_id);
    }
  g_ptr_array_add (ids, NULL);

  classification = find_classification (self);
  if (ids->len == 1)
    {
      if (classification != NULL)
        ok = calque_item_annotations_remove (self->annotations, calque_record_get_id (classification), &error);
    }
  else if (classification != NULL)
    ok = calque_item_annotations_set_labels (self->annotations, calque_record_get_id (classification),
                                             (const char * const *) ids->pdata, &error);
  else
    {
      g_autoptr(CalqueShape) shape = calque_shape_new (CALQUE_SHAPE_CLASSIFICATION);
      g_autofree char *id = calque_item_annotations_add (self->annotations, shape,
                                                         (const char * const *) ids->pdata, &error);

      ok = id != NULL;
    }
  if (ok)
    tool_edited_cb (self);
  else
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      update_whole_item (self);
    }
}

/* One check button per label (radio buttons with "None" first when the
 * item takes a single label). */
static void
fill_whole_item (CalqueItemPage *self)
{
  GtkWidget *child;
  GtkCheckButton *group = NULL;

  while ((child = gtk_widget_get_first_child (self->whole_item)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->whole_item), child);

  if (!self->multi_label && self->labels->len > 0)
    {
      GtkWidget *none = gtk_check_button_new_with_label (_("None"));

      group = GTK_CHECK_BUTTON (none);
      g_signal_connect (none, "toggled", G_CALLBACK (whole_item_toggled_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (self->whole_item), none);
    }
  for (guint i = 0; i < self->labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (self->labels, i);
      GtkWidget *button = gtk_check_button_new ();
      GtkWidget *name = gtk_label_new (calque_record_get_string (label, "name"));

      /* A label's name is shown as it is, never as markup. */
      gtk_label_set_use_markup (GTK_LABEL (name), FALSE);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_check_button_set_child (GTK_CHECK_BUTTON (button), name);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (button), group);
      g_object_set_data_full (G_OBJECT (button), "calque-label", g_strdup (calque_record_get_id (label)), g_free);
      g_signal_connect (button, "toggled", G_CALLBACK (whole_item_toggled_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (self->whole_item), button);
    }
  update_whole_item (self);
}

/* --- the task ------------------------------------------------------------------------------ */

static void
update_task (CalqueItemPage *self)
{
  const char *state = self->task != NULL ? calque_record_get_string (self->task, "state") : NULL;
  const char *label = NULL;
  const char *button = NULL;
  const char *action = NULL;

  if (g_strcmp0 (state, "new") == 0)
    {
      label = _("Your task: not started");
      button = _("_Start Task");
      action = "item.start-task";
    }
  else if (g_strcmp0 (state, "in_progress") == 0)
    {
      label = _("Your task: in progress");
      button = _("S_ubmit for Review");
      action = "item.submit-task";
    }
  else if (g_strcmp0 (state, "submitted") == 0)
    label = _("Your task: submitted for review");
  else if (g_strcmp0 (state, "accepted") == 0)
    label = _("Your task: accepted");
  else if (g_strcmp0 (state, "rejected") == 0)
    label = _("Your task: sent back by the reviewer");

  gtk_widget_set_visible (self->task_label, label != NULL);
  if (label != NULL)
    gtk_label_set_text (GTK_LABEL (self->task_label), label);
  gtk_widget_set_visible (self->task_button, button != NULL);
  /* Who else is here stays at the right end, task or not. */
  gtk_widget_set_hexpand (self->presence_pill, label == NULL);
  if (button != NULL)
    {
      gtk_button_set_label (GTK_BUTTON (self->task_button), button);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->task_button), action);
    }
}

static void
set_task_state (CalqueItemPage *self,
                const char     *from,
                const char     *to)
{
  g_autoptr(CalqueRecord) task = NULL;
  g_autoptr(GError) error = NULL;

  if (self->task == NULL || g_strcmp0 (calque_record_get_string (self->task, "state"), from) != 0)
    return;
  /* The time until a submission belongs to the task handed in. */
  if (!calque_task_timer_flush (self->task_timer, &error))
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  task = calque_record_copy (self->task);
  calque_record_set_string (task, "state", to);
  calque_record_set_int (task, "updated", g_get_real_time () / 1000);
  if (!calque_store_save (calque_workspace_get_store (self->workspace), task, &error))
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  g_set_object (&self->task, task);
  calque_task_timer_set_task (self->task_timer, calque_workspace_get_store (self->workspace), task);
  update_task (self);
  g_signal_emit (self, signals[EDITED], 0);
  g_signal_emit (self, signals[TASK_CHANGED], 0);
}

static void
start_task_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  set_task_state (CALQUE_ITEM_PAGE (user_data), "new", "in_progress");
}

static void
submit_task_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  set_task_state (CALQUE_ITEM_PAGE (user_data), "in_progress", "submitted");
}

/* The author's task on @item, if tasks give it to them. */
static CalqueRecord *
find_task (CalqueStore  *store,
           CalqueRecord *item,
           const char   *author)
{
  g_autoptr(GPtrArray) tasks = calque_store_list_for_item (store, CALQUE_KIND_TASK, calque_record_get_id (item), NULL);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (tasks, i), "annotator"), author) == 0)
      return g_object_ref (g_ptr_array_index (tasks, i));
  return NULL;
}

/* --- tools, history, actions ------------------------------------------------------------- */

static CalqueTool *
tool_named (CalqueItemPage *self,
            const char     *name)
{
  if (g_strcmp0 (name, "box") == 0)
    return self->box_tool;
  if (g_strcmp0 (name, "polygon") == 0)
    return self->polygon_tool;
  if (g_strcmp0 (name, "polyline") == 0)
    return self->polyline_tool;
  if (g_strcmp0 (name, "point") == 0)
    return self->point_tool;
  return self->select_tool;
}

static void
tool_state_changed (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  CalqueItemPage *self = user_data;

  g_simple_action_set_state (action, state);
  calque_canvas_set_tool (self->canvas, tool_named (self, g_variant_get_string (state, NULL)));
}

static void
tool_edited_cb (CalqueItemPage *self)
{
  /* Drawing on a task not yet started starts it. */
  set_task_state (self, "new", "in_progress");
  g_signal_emit (self, signals[EDITED], 0);
}

/* The active time went into the task: keep the record that has it, and
 * let the window send it. */
static void
task_timer_saved_cb (CalqueItemPage *self,
                     CalqueRecord   *task)
{
  g_set_object (&self->task, task);
  g_signal_emit (self, signals[EDITED], 0);
}

static void
tool_failed_cb (CalqueItemPage *self,
                const GError   *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
history_changed_cb (CalqueItemPage *self,
                    char          **ids)
{
  if (self->annotations != NULL)
    calque_item_annotations_reload_records (self->annotations, (const char * const *) ids);
  g_signal_emit (self, signals[EDITED], 0);
}

static void
update_history_actions (CalqueItemPage *self)
{
  GAction *undo = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "undo");
  GAction *redo = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "redo");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (undo), calque_history_can_undo (self->history));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (redo), calque_history_can_redo (self->history));
}

static void
undo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  CalqueItemPage *self = user_data;
  g_autoptr(GError) error = NULL;

  calque_tool_cancel (calque_canvas_get_tool (self->canvas));
  if (!calque_history_undo (self->history, &error))
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
redo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  CalqueItemPage *self = user_data;
  g_autoptr(GError) error = NULL;

  calque_tool_cancel (calque_canvas_get_tool (self->canvas));
  if (!calque_history_redo (self->history, &error))
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
label_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  choose_label (CALQUE_ITEM_PAGE (user_data), (guint) g_variant_get_int32 (parameter));
}

static void
zoom_fit_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CalqueItemPage *self = user_data;

  if (self->media == CALQUE_MEDIA_AUDIO)
    calque_audio_view_zoom_fit (self->audio_view);
  else
    calque_canvas_zoom_fit (self->canvas);
}

static void
zoom_actual_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  calque_canvas_zoom_actual (CALQUE_ITEM_PAGE (user_data)->canvas);
}

static void
set_all_hidden (CalqueItemPage *self,
                gboolean        hidden)
{
  guint n = self->annotations != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) : 0;
  CalqueShapeLayer *layer = calque_canvas_get_layer (self->canvas);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueRecord) annotation = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);

      calque_shape_layer_set_hidden (layer, calque_record_get_id (annotation), hidden);
    }
  /* The rows' eyes follow. */
  gtk_list_view_set_model (GTK_LIST_VIEW (self->annotation_view), NULL);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->annotation_view), GTK_SELECTION_MODEL (self->annotation_selection));
}

static void
hide_all_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  set_all_hidden (CALQUE_ITEM_PAGE (user_data), TRUE);
}

static void
show_all_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  set_all_hidden (CALQUE_ITEM_PAGE (user_data), FALSE);
}

static void
snap_words_changed (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  g_simple_action_set_state (action, state);
  calque_text_view_set_snap_to_words (CALQUE_ITEM_PAGE (user_data)->text_view, g_variant_get_boolean (state));
}

static void
fit_span_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CalqueItemPage *self = user_data;
  g_autoptr(GError) error = NULL;

  if (calque_text_view_fit_selected (self->text_view, &error))
    tool_edited_cb (self);
  else if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, error);
  else
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
play_pause_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  calque_audio_view_play_pause (CALQUE_ITEM_PAGE (user_data)->audio_view);
}

static void
play_segment_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  CalqueItemPage *self = user_data;

  if (calque_audio_view_get_selected (self->audio_view) == NULL)
    gtk_widget_error_bell (GTK_WIDGET (self));
  else
    calque_audio_view_play_selected (self->audio_view);
}

/* The selected prediction becomes the author's annotation, selected in
 * its place ("replaced"), ready to be fixed. */
static void
accept_prediction_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CalqueItemPage *self = user_data;
  const char *selected = get_selected (self);
  g_autofree char *own = NULL;
  g_autoptr(GError) error = NULL;

  if (selected == NULL || self->annotations == NULL
      || !calque_item_annotations_is_prediction (self->annotations, selected))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  own = calque_item_annotations_accept (self->annotations, selected, &error);
  if (own != NULL)
    tool_edited_cb (self);
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
accept_all_predictions_activated (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  CalqueItemPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint accepted;

  if (self->annotations == NULL)
    return;
  accepted = calque_item_annotations_accept_all (self->annotations, &error);
  if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, error);
  else if (accepted == 0)
    gtk_widget_error_bell (GTK_WIDGET (self));
  else
    tool_edited_cb (self);
}

static const GActionEntry page_actions[] = {
  { .name = "accept-prediction", .activate = accept_prediction_activated },
  { .name = "accept-all-predictions", .activate = accept_all_predictions_activated },
  { .name = "play-pause", .activate = play_pause_activated },
  { .name = "play-segment", .activate = play_segment_activated },
  { .name = "snap-words", .state = "true", .change_state = snap_words_changed },
  { .name = "fit-span", .activate = fit_span_activated },
  { .name = "tool", .parameter_type = "s", .state = "'select'", .change_state = tool_state_changed },
  { .name = "label", .parameter_type = "i", .activate = label_activated },
  { .name = "undo", .activate = undo_activated },
  { .name = "redo", .activate = redo_activated },
  { .name = "zoom-fit", .activate = zoom_fit_activated },
  { .name = "zoom-actual", .activate = zoom_actual_activated },
  { .name = "hide-all", .activate = hide_all_activated },
  { .name = "show-all", .activate = show_all_activated },
  { .name = "start-task", .activate = start_task_activated },
  { .name = "submit-task", .activate = submit_task_activated },
};

/* --- building ------------------------------------------------------------------------------ */

static GtkWidget *
tool_button_new (const char *icon,
                 const char *tool,
                 const char *tooltip)
{
  GtkWidget *button = gtk_toggle_button_new ();

  gtk_button_set_icon_name (GTK_BUTTON (button), icon);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "item.tool");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", tool);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkWidget *
action_button_new (const char *icon,
                   const char *action,
                   const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *trigger,
              const char            *action,
              GVariant              *target)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                            gtk_named_action_new (action));

  if (target != NULL)
    gtk_shortcut_set_arguments (shortcut, target);
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 6);
  return label;
}

static void
build (CalqueItemPage *self)
{
  self->comments_panel = calque_comments_panel_new ();
  g_signal_connect_swapped (self->comments_panel, "edited", G_CALLBACK (comments_edited_cb), self);
  g_signal_connect_swapped (self->comments_panel, "failed", G_CALLBACK (tool_failed_cb), self);
  g_signal_connect_swapped (self->comments_panel, "annotation-activated", G_CALLBACK (comment_annotation_activated_cb),
                            self);

  GtkWidget *main = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *toolbar_scroller;
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *snap;
  GtkWidget *fit;
  GtkWidget *play_segment;
  GtkWidget *text_scroller = gtk_scrolled_window_new ();
  GtkWidget *whole_item_heading;
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list_header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *confidence_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *confidence_label = gtk_label_new_with_mnemonic (_("C_onfidence"));
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  /* Tools, zoom and history. */
  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_widget_add_css_class (tools, "linked");
  gtk_box_append (GTK_BOX (tools), tool_button_new ("calque-tool-select-symbolic", "select", _("Select and Edit (V)")));
  gtk_box_append (GTK_BOX (tools), tool_button_new ("calque-tool-box-symbolic", "box", _("Box (B)")));
  gtk_box_append (GTK_BOX (tools), tool_button_new ("calque-tool-polygon-symbolic", "polygon", _("Polygon (P)")));
  gtk_box_append (GTK_BOX (tools), tool_button_new ("calque-tool-polyline-symbolic", "polyline", _("Polyline (L)")));
  gtk_box_append (GTK_BOX (tools), tool_button_new ("calque-tool-point-symbolic", "point", _("Point (O)")));
  gtk_box_append (GTK_BOX (toolbar), tools);
  self->image_tools = tools;
  gtk_box_append (GTK_BOX (toolbar), action_button_new ("edit-undo-symbolic", "item.undo", _("Undo (Ctrl+Z)")));
  gtk_box_append (GTK_BOX (toolbar), action_button_new ("edit-redo-symbolic", "item.redo",
                                                        _("Redo (Shift+Ctrl+Z)")));
  self->image_zoom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->image_zoom), action_button_new ("zoom-fit-best-symbolic", "item.zoom-fit",
                                                                 _("Fit the Image (Ctrl+0)")));
  gtk_box_append (GTK_BOX (self->image_zoom), action_button_new ("zoom-original-symbolic", "item.zoom-actual",
                                                                 _("Actual Size (Ctrl+1)")));
  gtk_box_append (GTK_BOX (toolbar), self->image_zoom);

  /* Text: snapping to words, and moving a span to the selected text. */
  self->text_tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  snap = gtk_toggle_button_new_with_mnemonic (_("Snap to _Words"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (snap), "item.snap-words");
  gtk_widget_set_tooltip_text (snap, _("Widen new spans to whole words (W)"));
  gtk_box_append (GTK_BOX (self->text_tools), snap);
  fit = gtk_button_new_with_mnemonic (_("_Fit Span to Selection"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (fit), "item.fit-span");
  gtk_widget_set_tooltip_text (fit, _("Move the selected span’s ends to the selected text (E)"));
  gtk_widget_add_css_class (fit, "flat");
  gtk_box_append (GTK_BOX (self->text_tools), fit);
  gtk_box_append (GTK_BOX (toolbar), self->text_tools);

  /* Audio: playback, and the whole recording in view. */
  self->audio_tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->audio_tools), action_button_new ("media-playback-start-symbolic", "item.play-pause",
                                                                  _("Play or Pause (Space)")));
  play_segment = gtk_button_new_with_mnemonic (_("Play _Segment"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (play_segment), "item.play-segment");
  gtk_widget_set_tooltip_text (play_segment, _("Play just the selected segment (Enter)"));
  gtk_widget_add_css_class (play_segment, "flat");
  gtk_box_append (GTK_BOX (self->audio_tools), play_segment);
  gtk_box_append (GTK_BOX (self->audio_tools), action_button_new ("zoom-fit-best-symbolic", "item.zoom-fit",
                                                                  _("The Whole Recording (Ctrl+0)")));
  gtk_box_append (GTK_BOX (toolbar), self->audio_tools);
  self->task_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->task_label, "dim-label");
  gtk_widget_set_hexpand (self->task_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->task_label), 1);
  /* Long words must not widen the page past the window (the leaflet
   * would fold and hide the canvas). */
  gtk_label_set_ellipsize (GTK_LABEL (self->task_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (toolbar), self->task_label);
  self->task_button = gtk_button_new ();
  gtk_button_set_use_underline (GTK_BUTTON (self->task_button), TRUE);
  gtk_widget_add_css_class (self->task_button, "suggested-action");
  gtk_box_append (GTK_BOX (toolbar), self->task_button);
  self->presence_pill = calque_presence_pill_new ();
  gtk_widget_set_halign (self->presence_pill, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (toolbar), self->presence_pill);
  gtk_box_append (GTK_BOX (toolbar), calque_comments_panel_get_toggle (CALQUE_COMMENTS_PANEL (self->comments_panel)));
  /* On a narrow window the toolbar scrolls rather than widen the page. */
  toolbar_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (toolbar_scroller), GTK_POLICY_EXTERNAL, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (toolbar_scroller), toolbar);
  gtk_box_append (GTK_BOX (main), toolbar_scroller);

  /* One view per kind of media. */
  self->views = gtk_stack_new ();
  gtk_widget_set_vexpand (self->views, TRUE);
  self->canvas = CALQUE_CANVAS (calque_canvas_new ());
  g_signal_connect_swapped (self->canvas, "comment-marker-activated", G_CALLBACK (comment_marker_activated_cb), self);
  gtk_stack_add_named (GTK_STACK (self->views), GTK_WIDGET (self->canvas), "image");
  self->text_view = CALQUE_TEXT_VIEW (calque_text_view_new ());
  g_signal_connect_swapped (self->text_view, "selection-changed", G_CALLBACK (tool_selection_changed_cb), self);
  g_signal_connect_swapped (self->text_view, "edited", G_CALLBACK (tool_edited_cb), self);
  g_signal_connect_swapped (self->text_view, "failed", G_CALLBACK (tool_failed_cb), self);
  g_signal_connect_swapped (self->text_view, "comment-marker-activated", G_CALLBACK (comment_marker_activated_cb),
                            self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (text_scroller), GTK_WIDGET (self->text_view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (text_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_stack_add_named (GTK_STACK (self->views), text_scroller, "text");
  self->audio_view = CALQUE_AUDIO_VIEW (calque_audio_view_new ());
  g_signal_connect_swapped (self->audio_view, "selection-changed", G_CALLBACK (tool_selection_changed_cb), self);
  g_signal_connect_swapped (self->audio_view, "edited", G_CALLBACK (tool_edited_cb), self);
  g_signal_connect_swapped (self->audio_view, "failed", G_CALLBACK (tool_failed_cb), self);
  gtk_stack_add_named (GTK_STACK (self->views), GTK_WIDGET (self->audio_view), "audio");
  gtk_box_append (GTK_BOX (main), self->views);
  gtk_widget_set_hexpand (main, TRUE);
  gtk_box_append (GTK_BOX (self), main);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  /* The side panel: labels, annotations, confidence. */
  gtk_widget_set_size_request (side, 240, -1);
  /* Rows inside expand; the panel does not take that from the canvas. */
  gtk_widget_set_hexpand (side, FALSE);
  gtk_widget_set_margin_start (side, 12);
  gtk_widget_set_margin_end (side, 12);
  gtk_widget_set_margin_bottom (side, 12);
  gtk_box_append (GTK_BOX (side), heading_new (_("Labels")));
  self->palette = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_box_append (GTK_BOX (side), self->palette);

  whole_item_heading = heading_new (_("Whole Item"));
  gtk_widget_set_tooltip_text (whole_item_heading, _("Labels of the whole item, not of a part of it"));
  gtk_box_append (GTK_BOX (side), whole_item_heading);
  /* Side by side, so that many labels do not push the annotations away. */
  self->whole_item = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->whole_item), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->whole_item), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->whole_item), 4);
  gtk_box_append (GTK_BOX (side), self->whole_item);

  gtk_box_append (GTK_BOX (list_header), heading_new (_("Annotations")));
  gtk_widget_set_hexpand (gtk_widget_get_first_child (list_header), TRUE);
  gtk_box_append (GTK_BOX (list_header), action_button_new ("view-conceal-symbolic", "item.hide-all", _("Hide All")));
  gtk_box_append (GTK_BOX (list_header), action_button_new ("view-reveal-symbolic", "item.show-all", _("Show All")));
  gtk_box_append (GTK_BOX (side), list_header);

  g_signal_connect (factory, "setup", G_CALLBACK (annotation_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (annotation_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (annotation_unbind_cb), self);
  self->annotation_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->annotation_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->annotation_selection, TRUE);
  g_signal_connect_swapped (self->annotation_selection, "notify::selected", G_CALLBACK (list_selection_changed_cb),
                            self);
  self->annotation_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->annotation_selection)), factory);
  gtk_widget_add_css_class (self->annotation_view, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->annotation_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Annotations"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->annotation_view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (side), scrolled);

  /* A model's prediction: what it is, and the way to make it one's own. */
  self->prediction_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (self->prediction_bar, 12);
  self->prediction_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->prediction_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->prediction_label), TRUE);
  gtk_widget_set_hexpand (self->prediction_label, TRUE);
  gtk_widget_add_css_class (self->prediction_label, "dim-label");
  gtk_box_append (GTK_BOX (self->prediction_bar), self->prediction_label);
  {
    GtkWidget *accept = gtk_button_new_with_mnemonic (_("_Accept"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (accept), "item.accept-prediction");
    gtk_widget_set_tooltip_text (accept, _("Make this prediction your annotation, to keep or fix (A); all of them: Shift+A"));
    gtk_widget_add_css_class (accept, "suggested-action");
    gtk_box_append (GTK_BOX (self->prediction_bar), accept);
  }
  gtk_widget_set_visible (self->prediction_bar, FALSE);
  gtk_box_append (GTK_BOX (side), self->prediction_bar);

  self->confidence = gtk_spin_button_new_with_range (0, 1, 0.05);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->confidence), 2);
  gtk_label_set_mnemonic_widget (GTK_LABEL (confidence_label), self->confidence);
  gtk_widget_set_hexpand (confidence_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (confidence_label), 0);
  gtk_widget_set_tooltip_text (self->confidence, _("How sure the annotator is of the selected annotation"));
  gtk_widget_set_sensitive (self->confidence, FALSE);
  g_signal_connect_swapped (self->confidence, "value-changed", G_CALLBACK (confidence_changed_cb), self);
  gtk_widget_set_margin_top (confidence_row, 12);
  gtk_box_append (GTK_BOX (confidence_row), confidence_label);
  gtk_box_append (GTK_BOX (confidence_row), self->confidence);
  gtk_box_append (GTK_BOX (side), confidence_row);

  gtk_box_append (GTK_BOX (side), heading_new (_("Attributes")));
  self->attribute_editor = calque_attribute_editor_new ();
  g_signal_connect_swapped (self->attribute_editor, "edited", G_CALLBACK (tool_edited_cb), self);
  g_signal_connect_swapped (self->attribute_editor, "failed", G_CALLBACK (tool_failed_cb), self);
  gtk_box_append (GTK_BOX (side), self->attribute_editor);
  gtk_box_append (GTK_BOX (self), side);
  {
    GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);

    /* Shown and hidden with the pane. */
    g_object_bind_property (self->comments_panel, "visible", separator, "visible", G_BINDING_SYNC_CREATE);
    gtk_box_append (GTK_BOX (self), separator);
    gtk_box_append (GTK_BOX (self), self->comments_panel);
  }

  /* Keys, while the focus is in the page. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_LOCAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>z", "item.undo", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control><Shift>z", "item.redo", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>y", "item.redo", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "v", "item.tool", g_variant_new_string ("select"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "b", "item.tool", g_variant_new_string ("box"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "p", "item.tool", g_variant_new_string ("polygon"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "l", "item.tool", g_variant_new_string ("polyline"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "o", "item.tool", g_variant_new_string ("point"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "w", "item.snap-words", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "e", "item.fit-span", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "space", "item.play-pause", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "a", "item.accept-prediction", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Shift>a", "item.accept-all-predictions", NULL);
  for (int i = 0; i < N_LABEL_KEYS; i++)
    {
      g_autofree char *key = g_strdup_printf ("%d", i + 1);
      g_autofree char *keypad = g_strdup_printf ("KP_%d", i + 1);

      add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), key, "item.label", g_variant_new_int32 (i));
      add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), keypad, "item.label", g_variant_new_int32 (i));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

/* The view, the toolbar and the keys of the item's kind of media. */
static void
show_media (CalqueItemPage *self)
{
  static const char * const image_actions[] = { "tool", "zoom-actual", "hide-all", "show-all" };
  static const char * const text_actions[] = { "snap-words", "fit-span" };
  static const char * const audio_actions[] = { "play-pause", "play-segment" };
  gboolean image = self->media == CALQUE_MEDIA_IMAGE;
  gboolean text = self->media == CALQUE_MEDIA_TEXT;
  gboolean audio = self->media == CALQUE_MEDIA_AUDIO;

  gtk_stack_set_visible_child_name (GTK_STACK (self->views), text ? "text" : audio ? "audio" : "image");
  gtk_widget_set_visible (self->image_tools, image);
  gtk_widget_set_visible (self->image_zoom, image);
  gtk_widget_set_visible (self->text_tools, text);
  gtk_widget_set_visible (self->audio_tools, audio);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "zoom-fit")), image || audio);
  for (guint i = 0; i < G_N_ELEMENTS (audio_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                              audio_actions[i])), audio);
  /* Disabled actions leave their keys to the view (W, E, V… are letters). */
  for (guint i = 0; i < G_N_ELEMENTS (image_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                              image_actions[i])), image);
  for (guint i = 0; i < G_N_ELEMENTS (text_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                              text_actions[i])), text);
}

/* --- GObject ---------------------------------------------------------------------------------- */

static void
calque_item_page_dispose (GObject *object)
{
  CalqueItemPage *self = CALQUE_ITEM_PAGE (object);

  /* Closing the item saves its active time; the window is going, so
   * nobody is told. */
  if (self->task_timer != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->task_timer, self);
      calque_task_timer_flush (self->task_timer, NULL);
      g_clear_object (&self->task_timer);
    }
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  g_clear_object (&self->annotations);
  g_clear_object (&self->history);
  set_comments (self, NULL);
  g_clear_object (&self->item);
  g_clear_object (&self->task);
  g_clear_object (&self->attributes_shown);
  g_clear_handle_id (&self->attributes_idle, g_source_remove);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->author, g_free);
  g_clear_object (&self->select_tool);
  g_clear_object (&self->box_tool);
  g_clear_object (&self->polygon_tool);
  g_clear_object (&self->polyline_tool);
  g_clear_object (&self->point_tool);
  g_clear_object (&self->actions);
  g_clear_object (&self->annotation_selection);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->label_colors, g_hash_table_unref);
  g_clear_pointer (&self->current_labels, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_item_page_parent_class)->dispose (object);
}

/* The focus goes to the view that shows the item, where its keys are
 * (Space and Enter play audio), and from where the page's own shortcuts
 * (Page Up, Page Down) are reached: the views hidden in the stack are not
 * on screen, and a key sent to one of them goes nowhere. */
static gboolean
calque_item_page_grab_focus (GtkWidget *widget)
{
  CalqueItemPage *self = CALQUE_ITEM_PAGE (widget);

  switch (self->media)
    {
    case CALQUE_MEDIA_TEXT:
      return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
    case CALQUE_MEDIA_AUDIO:
      return gtk_widget_grab_focus (GTK_WIDGET (self->audio_view));
    case CALQUE_MEDIA_IMAGE:
    default:
      return gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

static void
calque_item_page_class_init (CalqueItemPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_item_page_dispose;
  widget_class->grab_focus = calque_item_page_grab_focus;

  /**
   * CalqueItemPage::edited:
   *
   * Something was saved in the workspace (an edit, an undo, a redo).
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CalqueItemPage::failed:
   * @error: why an edit could not be saved
   */
  /**
   * CalqueItemPage::task-changed:
   *
   * The author's task on the item moved on (started, submitted).
   */
  signals[TASK_CHANGED] =
    g_signal_new ("task-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
}

static void
calque_item_page_init (CalqueItemPage *self)
{
  CalqueTool *tools[5];

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  self->current_labels = g_ptr_array_new_with_free_func (g_free);
  self->label_colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->labels = g_ptr_array_new_with_free_func (g_object_unref);

  build (self);
  self->task_timer = calque_task_timer_new (GTK_WIDGET (self));
  g_signal_connect_swapped (self->task_timer, "saved", G_CALLBACK (task_timer_saved_cb), self);
  g_signal_connect_swapped (self->task_timer, "failed", G_CALLBACK (tool_failed_cb), self);

  self->select_tool = calque_select_tool_new (calque_canvas_get_layer (self->canvas));
  self->box_tool = calque_box_tool_new ();
  self->polygon_tool = calque_polygon_tool_new (TRUE);
  self->polyline_tool = calque_polygon_tool_new (FALSE);
  self->point_tool = calque_point_tool_new ();
  tools[0] = self->select_tool;
  tools[1] = self->box_tool;
  tools[2] = self->polygon_tool;
  tools[3] = self->polyline_tool;
  tools[4] = self->point_tool;
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_signal_connect_swapped (tools[i], "edited", G_CALLBACK (tool_edited_cb), self);
      g_signal_connect_swapped (tools[i], "failed", G_CALLBACK (tool_failed_cb), self);
    }
  g_signal_connect_swapped (self->select_tool, "selection-changed", G_CALLBACK (tool_selection_changed_cb), self);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "item", G_ACTION_GROUP (self->actions));
  calque_canvas_set_tool (self->canvas, self->select_tool);
  show_media (self);
}

/* --- public API ---------------------------------------------------------------- */

GtkWidget *
calque_item_page_new (void)
{
  return g_object_new (CALQUE_TYPE_ITEM_PAGE, NULL);
}

gboolean
calque_item_page_set_item (CalqueItemPage  *self,
                           CalqueWorkspace *workspace,
                           CalqueRecord    *item,
                           const char      *author,
                           GError         **error)
{
  g_autoptr(CalqueItemAnnotations) annotations = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autofree char *image_path = NULL;   /* or the recording */
  CalqueStore *store;
  const char *sha256;

  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), FALSE);

  /* The time on the item left goes into its task. */
  if (!calque_task_timer_flush (self->task_timer, error))
    return FALSE;
  calque_task_timer_set_task (self->task_timer, NULL, NULL);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->history);
  if (self->annotations != NULL)
    g_signal_handlers_disconnect_by_data (self->annotations, self);
  g_clear_object (&self->annotations);
  g_clear_object (&self->item);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->author, g_free);

  g_clear_object (&self->task);
  g_clear_object (&self->attributes_shown);
  g_clear_handle_id (&self->attributes_idle, g_source_remove);
  set_comments (self, NULL);
  if (item == NULL)
    {
      update_task (self);
      calque_canvas_set_item (self->canvas, NULL, NULL, NULL);
      calque_text_view_set_item (self->text_view, NULL, NULL, NULL);
      calque_audio_view_set_item (self->audio_view, NULL, NULL, NULL, NULL);
      gtk_single_selection_set_model (self->annotation_selection, NULL);
      return TRUE;
    }
  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), FALSE);

  store = calque_workspace_get_store (workspace);
  self->history = calque_history_new (store);
  annotations = calque_item_annotations_new (store, self->history, item, author, error);
  if (annotations == NULL)
    return FALSE;
  labels = calque_store_list (store, CALQUE_KIND_LABEL, calque_record_get_project (item), error);
  if (labels == NULL)
    return FALSE;

  self->workspace = g_object_ref (workspace);
  self->item = g_object_ref (item);
  self->author = g_strdup (author);
  if (!calque_media_type_from_string (calque_record_get_string (item, "media"), &self->media))
    self->media = CALQUE_MEDIA_IMAGE;
  show_media (self);
  self->annotations = g_steal_pointer (&annotations);
  /* Before every other handler: the views' (connected by their set_item
   * below) as much as the selection model's. */
  g_signal_connect_swapped (self->annotations, "items-changed", G_CALLBACK (annotations_changing_cb), self);
  g_signal_connect (self->annotations, "replaced", G_CALLBACK (annotation_replaced_cb), self);
  self->task = find_task (store, item, author);
  calque_task_timer_set_task (self->task_timer, store, self->task);
  calque_item_annotations_set_task (self->annotations,
                                    self->task != NULL ? calque_record_get_id (self->task) : NULL);
  update_task (self);
  g_signal_connect_swapped (self->history, "changed", G_CALLBACK (history_changed_cb), self);
  g_signal_connect_swapped (self->history, "notify::can-undo", G_CALLBACK (update_history_actions), self);
  g_signal_connect_swapped (self->history, "notify::can-redo", G_CALLBACK (update_history_actions), self);
  update_history_actions (self);

  /* The palette: the project's labels, in their order, with their colours. */
  g_ptr_array_sort (labels, compare_labels);
  g_ptr_array_set_size (self->labels, 0);
  g_hash_table_remove_all (self->label_colors);
  for (guint i = 0; i < labels->len; i++)
    {
      CalqueRecord *label = g_ptr_array_index (labels, i);

      g_ptr_array_add (self->labels, g_object_ref (label));
      g_hash_table_insert (self->label_colors, g_strdup (calque_record_get_id (label)),
                           GUINT_TO_POINTER (parse_color (calque_record_get_string (label, "color"))));
    }
  project = calque_store_get (store, calque_record_get_project (item), NULL);
  self->multi_label = project != NULL && calque_record_get_bool (project, "multi_label", FALSE);
  /* The first label is chosen until another is: a shape always has one. */
  if (self->current_labels->len == 0 && self->labels->len > 0)
    g_ptr_array_add (self->current_labels, g_strdup (calque_record_get_id (g_ptr_array_index (self->labels, 0))));
  for (guint j = self->current_labels->len; j > 0; j--)
    if (!g_hash_table_contains (self->label_colors, g_ptr_array_index (self->current_labels, j - 1)))
      g_ptr_array_remove_index (self->current_labels, j - 1);
  if (self->current_labels->len == 0 && self->labels->len > 0)
    g_ptr_array_add (self->current_labels, g_strdup (calque_record_get_id (g_ptr_array_index (self->labels, 0))));
  fill_palette (self);
  apply_current_labels (self);
  fill_whole_item (self);

  sha256 = calque_record_get_string (item, "sha256");
  if (sha256 != NULL && calque_blob_cache_contains (calque_workspace_get_blobs (workspace), sha256))
    image_path = calque_blob_cache_get_path (calque_workspace_get_blobs (workspace), sha256);

  calque_select_tool_select (CALQUE_SELECT_TOOL (self->select_tool), NULL);
  /* The other views let go of the previous item (an audio one stops playing). */
  calque_canvas_set_item (self->canvas, self->media == CALQUE_MEDIA_IMAGE ? self->annotations : NULL,
                          image_path, self->label_colors);
  calque_text_view_set_item (self->text_view, self->media == CALQUE_MEDIA_TEXT ? self->annotations : NULL,
                             self->label_colors, self->labels);
  if (self->media == CALQUE_MEDIA_AUDIO)
    {
      g_autofree char *peaks_dir = g_build_filename (calque_workspace_get_path (workspace), "peaks", NULL);
      g_autofree char *peaks_name = sha256 != NULL ? g_strconcat (sha256, ".peaks", NULL) : NULL;
      g_autofree char *peaks_path = NULL;

      /* Peaks are kept beside the thumbnails, named by the content. */
      if (peaks_name != NULL && g_mkdir_with_parents (peaks_dir, 0700) == 0)
        peaks_path = g_build_filename (peaks_dir, peaks_name, NULL);
      calque_audio_view_set_item (self->audio_view, self->annotations, image_path, peaks_path, self->label_colors);
    }
  else
    calque_audio_view_set_item (self->audio_view, NULL, NULL, NULL, NULL);
  /* After every handler. */
  gtk_single_selection_set_model (self->annotation_selection, G_LIST_MODEL (self->annotations));
  g_signal_connect_object (self->annotations, "items-changed", G_CALLBACK (annotations_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  update_confidence (self);
  open_comments (self, store, item, author);
  return TRUE;
}

CalqueRecord *
calque_item_page_get_item (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->item;
}

CalqueCanvas *
calque_item_page_get_canvas (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->canvas;
}

CalqueTextView *
calque_item_page_get_text_view (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->text_view;
}

CalqueAudioView *
calque_item_page_get_audio_view (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->audio_view;
}

CalqueHistory *
calque_item_page_get_history (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->history;
}

GtkWidget *
calque_item_page_get_attribute_editor (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return self->attribute_editor;
}

const char * const *
calque_item_page_get_labels (CalqueItemPage *self)
{
  g_return_val_if_fail (CALQUE_IS_ITEM_PAGE (self), NULL);

  return calque_tool_get_labels (self->box_tool);
}

void
calque_item_page_reload_records (CalqueItemPage     *self,
                                 const char * const *ids)
{
  g_return_if_fail (CALQUE_IS_ITEM_PAGE (self));

  if (self->annotations == NULL)
    return;
  if (self->comments != NULL)
    calque_item_comments_reload_records (self->comments, ids);
  /* A pull catching up brings thousands: one indexed read of the item
   * costs less than looking each of them up. */
  if (g_strv_length ((char **) ids) > MAX_RECORDS_ONE_BY_ONE)
    calque_item_annotations_reload_all (self->annotations);
  else
    calque_item_annotations_reload_records (self->annotations, ids);
}

void
calque_item_page_set_presence (CalqueItemPage     *self,
                               const char * const *names)
{
  g_return_if_fail (CALQUE_IS_ITEM_PAGE (self));

  calque_presence_pill_set_names (CALQUE_PRESENCE_PILL (self->presence_pill), names);
}
