/* test-text-view.c — marking spans in a text, in the real window, with real input
 *
 * A text project whose document mixes French accents, an emoji with a skin
 * tone (two code points, four UTF-16 units, eight UTF-8 bytes), Arabic and
 * Japanese. Text is selected and words double-clicked with the pointer
 * through the X server (xdotool), label keys pressed, and the offsets the
 * store holds are checked against the code point offsets the data model
 * defines.
 */
#define G_LOG_DOMAIN "test-text-view"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "calque-application.h"
#include "calque-gui-input.h"
#include "calque-gui-test-util.h"
#include "calque-item-page.h"
#include "calque-test-util.h"
#include "calque-test-workspace.h"
#include "calque-text-offsets.h"
#include "calque-text-view.h"
#include "calque-window.h"
#include "calque-workspace.h"

/* Code point offsets, counted by hand:
 *   "Le café de Zoë était très animé 👍🏽 ce matin-là.\n"
 *    L=0 e=1 ' '=2 café=3..7 ' ' de=8..10 ' ' Zoë=11..14 ' ' était=15..20 ' '
 *    très=21..25 ' ' animé=26..31 ' ' 👍🏽=32..34 ' ' ce=35..37 ' ' matin-là=38..46 .=46 \n=47
 *   "مرحبا بالعالم\n"           مرحبا=48..53 ' ' بالعالم=54..61 \n=61
 *   "東京で寿司を食べた。"        東=62 京=63 で=64 寿=65 …
 */
#define DOCUMENT "Le café de Zoë était très animé 👍🏽 ce matin-là.\nمرحبا بالعالم\n東京で寿司を食べた。"

static CalqueApplication *app;

typedef struct {
  char            *dir;
  CalqueWorkspace *workspace;
  char            *project;
  char            *person;
  char            *place;
  char            *item;
  CalqueWindow    *window;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autoptr(CalqueRecord) item = NULL;
  CalqueStore *store;

  f->workspace = calque_test_workspace_new ("calque-text", &f->dir);
  store = calque_workspace_get_store (f->workspace);

  calque_record_set_string (project, "name", "Récits");
  calque_record_set_string (project, "type", "text");
  /* data: "multi" for a project taking several labels per annotation. */
  calque_record_set_bool (project, "multi_label", g_strcmp0 (data, "multi") == 0);
  g_assert_true (calque_store_save (store, project, &error));
  f->project = g_strdup (calque_record_get_id (project));
  f->person = calque_test_save_label (store, f->project, "personne <i>PER</i>", "#e01b24", 0);
  f->place = calque_test_save_label (store, f->project, "lieu", "#3584e4", 1);

  item = calque_record_new (CALQUE_KIND_ITEM, f->project);
  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "récit 1");
  calque_record_set_string (item, "text", DOCUMENT);
  g_assert_true (calque_store_save (store, item, &error));
  g_assert_no_error (error);
  f->item = g_strdup (calque_record_get_id (item));

  f->window = calque_window_new (app);
  calque_window_set_workspace (f->window, f->workspace);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 700);
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
  g_free (f->person);
  g_free (f->place);
  g_free (f->item);
}

/* --- input through the X server ------------------------------------------------ */

static CalqueItemPage *
item_page (Fixture *f)
{
  return calque_gui_item_page (f->window);
}

static CalqueTextView *
text_view (Fixture *f)
{
  return calque_item_page_get_text_view (item_page (f));
}

/* Moves the pointer to where code point @offset starts, @dx pixels on. */
static void
pointer_to_offset (Fixture *f,
                   gint64   offset,
                   double   dx)
{
  double x, y;

  g_assert_true (calque_text_view_get_offset_position (text_view (f), offset, &x, &y));
  calque_gui_pointer_to (GTK_WIDGET (text_view (f)), x + dx, y);
}

/* Drags the pointer over the text from code point @start to @end. */
static void
select_text (Fixture *f,
             gint64   start,
             double   start_dx,
             gint64   end,
             double   end_dx)
{
  pointer_to_offset (f, start, start_dx);
  calque_gui_xdotool ((const char *[]) { "mousedown", "1", NULL });
  pointer_to_offset (f, (start + end) / 2, 0);
  pointer_to_offset (f, end, end_dx);
  calque_gui_xdotool ((const char *[]) { "mouseup", "1", NULL });
  calque_gui_spin (450);   /* not the first half of a double click */
}

static void
click_offset (Fixture *f,
              gint64   offset,
              double   dx,
              int      repeat)
{
  g_autofree char *n = g_strdup_printf ("%d", repeat);

  pointer_to_offset (f, offset, dx);
  calque_gui_xdotool ((const char *[]) { "click", "--repeat", n, "--delay", "60", "1", NULL });
  calque_gui_spin (450);
}

/* --- reading back ----------------------------------------------------------------- */

typedef struct {
  gint64 start;
  gint64 end;
  char  *label;
  char  *id;
} StoredSpan;

static void
stored_span_free (StoredSpan *span)
{
  g_free (span->label);
  g_free (span->id);
  g_free (span);
}

static gint
compare_stored (gconstpointer a,
                gconstpointer b)
{
  const StoredSpan *sa = *(StoredSpan * const *) a;
  const StoredSpan *sb = *(StoredSpan * const *) b;

  if (sa->start != sb->start)
    return sa->start < sb->start ? -1 : 1;
  return sa->end < sb->end ? -1 : sa->end > sb->end;
}

/* The item's spans as the store has them, by start. */
static GPtrArray *
stored_spans (Fixture *f)
{
  g_autoptr(GPtrArray) annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace),
                                                                 CALQUE_KIND_ANNOTATION, f->item, NULL);
  GPtrArray *spans = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_span_free);

  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = g_ptr_array_index (annotations, i);
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, NULL);
      JsonNode *labels = calque_record_get_field (annotation, "labels");
      StoredSpan *span;

      if (shape == NULL || shape->kind != CALQUE_SHAPE_SPAN)
        continue;
      span = g_new0 (StoredSpan, 1);
      span->start = shape->span_start;
      span->end = shape->span_end;
      span->label = g_strdup (json_array_get_string_element (json_node_get_array (labels), 0));
      span->id = g_strdup (calque_record_get_id (annotation));
      g_ptr_array_add (spans, span);
    }
  g_ptr_array_sort (spans, compare_stored);
  return spans;
}

static StoredSpan *
find_span (GPtrArray *spans,
           gint64     start,
           gint64     end)
{
  for (guint i = 0; i < spans->len; i++)
    {
      StoredSpan *span = g_ptr_array_index (spans, i);

      if (span->start == start && span->end == end)
        return span;
    }
  return NULL;
}

/* The words of the stored span, cut from the document by code points. */
static char *
span_text (gint64 start,
           gint64 end)
{
  gsize from = calque_text_offset_to_byte (DOCUMENT, start);
  gsize to = calque_text_offset_to_byte (DOCUMENT, end);

  return g_strndup (DOCUMENT + from, to - from);
}

typedef struct {
  Fixture *f;
  guint    n;
} CountQuery;

static gboolean
n_spans_is (gpointer data)
{
  CountQuery *query = data;
  g_autoptr(GPtrArray) spans = stored_spans (query->f);

  return spans->len == query->n;
}

static void
assert_span (GPtrArray  *spans,
             gint64      start,
             gint64      end,
             const char *words,
             const char *label)
{
  StoredSpan *span = find_span (spans, start, end);
  g_autofree char *text = span_text (start, end);

  if (span == NULL)
    {
      for (guint i = 0; i < spans->len; i++)
        {
          StoredSpan *s = g_ptr_array_index (spans, i);
          g_autofree char *t = span_text (s->start, s->end);

          g_test_message ("stored span [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") “%s”", s->start, s->end, t);
        }
      g_error ("no span [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", start, end);
    }
  g_assert_cmpstr (text, ==, words);
  g_assert_cmpstr (span->label, ==, label);
}

/* --- the tests -------------------------------------------------------------------- */

/* The check button whose label says @text. */
static GtkWidget *
find_check_button (GtkWidget  *widget,
                   const char *text)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    {
      GtkWidget *child = gtk_check_button_get_child (GTK_CHECK_BUTTON (widget));
      const char *label = child != NULL && GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child))
                                                                : gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));

      if (g_strcmp0 (label, text) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_check_button (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_no_display (void)
{
  g_test_skip ("no display: the window cannot be shown");
}

static gboolean
text_shown (gpointer data)
{
  Fixture *f = data;

  return text_view (f) != NULL && gtk_widget_get_mapped (GTK_WIDGET (text_view (f)))
         && gtk_widget_get_width (GTK_WIDGET (text_view (f))) > 100;
}

static void
test_spans (Fixture       *f,
            gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  CountQuery one = { f, 1 }, two = { f, 2 }, three = { f, 3 }, four = { f, 4 }, five = { f, 5 }, six = { f, 6 }, seven = { f, 7 };
  g_autoptr(GPtrArray) spans = NULL;
  g_autoptr(GtkTextBuffer) buffer = NULL;
  GtkWidget *confidence;

  /* Open the text, as Enter on its row does. */
  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (text_shown, f));
  calque_gui_spin (200);
  buffer = g_object_ref (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view (f))));
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, calque_text_length (DOCUMENT));
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "40-text-open");

  /* "café", selected a little short at both ends, then key 1: snapping
   * (on by default) widens it to the word. */
  select_text (f, 4, 2, 6, 2);
  g_assert_true (calque_text_view_has_text_selection (text_view (f)));
  calque_gui_key ("1");
  g_assert_true (calque_gui_wait_for (n_spans_is, &one));
  spans = stored_spans (f);
  assert_span (spans, 3, 7, "café", f->person);
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* "matin-là", after the two code points of the emoji: key 2. */
  select_text (f, 38, 1, 46, -1);
  calque_gui_key ("2");
  g_assert_true (calque_gui_wait_for (n_spans_is, &two));
  spans = stored_spans (f);
  assert_span (spans, 38, 46, "matin-là", f->place);
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* A span around the first: "café de Zoë" nests "café"; two bars. */
  select_text (f, 3, 1, 14, -1);
  calque_gui_key ("2");
  g_assert_true (calque_gui_wait_for (n_spans_is, &three));
  spans = stored_spans (f);
  assert_span (spans, 3, 14, "café de Zoë", f->place);
  g_clear_pointer (&spans, g_ptr_array_unref);
  g_assert_cmpuint (calque_text_view_get_n_lanes (text_view (f)), ==, 2);

  /* A keyword: double-click the Arabic word "بالعالم". */
  click_offset (f, 57, 0, 2);
  g_assert_true (calque_gui_wait_for (n_spans_is, &four));
  spans = stored_spans (f);
  assert_span (spans, 54, 61, "بالعالم", f->place);
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* And one ideograph: "京" is a word of its own. */
  click_offset (f, 63, 2, 2);
  g_assert_true (calque_gui_wait_for (n_spans_is, &five));
  spans = stored_spans (f);
  assert_span (spans, 63, 64, "京", f->place);
  g_clear_pointer (&spans, g_ptr_array_unref);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "41-text-spans");

  /* Snapping off (W): exactly the letters selected, "ani" of "animé". */
  calque_gui_key ("w");
  g_assert_false (calque_text_view_get_snap_to_words (text_view (f)));
  select_text (f, 26, 0, 29, 0);
  calque_gui_key ("1");
  g_assert_true (calque_gui_wait_for (n_spans_is, &six));
  spans = stored_spans (f);
  assert_span (spans, 26, 29, "ani", f->person);
  g_clear_pointer (&spans, g_ptr_array_unref);
  calque_gui_key ("w");
  g_assert_true (calque_text_view_get_snap_to_words (text_view (f)));

  /* Edit it: selected (the new span is), then the whole word selected, E. */
  g_assert_nonnull (calque_text_view_get_selected (text_view (f)));
  select_text (f, 26, 2, 30, 0);
  calque_gui_key ("e");
  spans = stored_spans (f);
  g_assert_cmpuint (spans->len, ==, 6);
  assert_span (spans, 26, 31, "animé", f->person);
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* With the keys only: the caret before "était", Shift+Ctrl+Right
   * selects the word, key 1 marks it. */
  click_offset (f, 15, 0, 1);
  calque_gui_key ("shift+ctrl+Right");
  calque_gui_key ("1");
  g_assert_true (calque_gui_wait_for (n_spans_is, &seven));
  spans = stored_spans (f);
  assert_span (spans, 15, 20, "était", f->person);
  g_clear_pointer (&spans, g_ptr_array_unref);
  calque_gui_key ("ctrl+z");
  g_assert_true (calque_gui_wait_for (n_spans_is, &six));

  /* A click on "matin-là" selects that span; Delete removes it. */
  click_offset (f, 40, 2, 1);
  spans = stored_spans (f);
  g_assert_cmpstr (calque_text_view_get_selected (text_view (f)), ==, find_span (spans, 38, 46)->id);
  g_clear_pointer (&spans, g_ptr_array_unref);
  calque_gui_key ("Delete");
  g_assert_true (calque_gui_wait_for (n_spans_is, &five));
  spans = stored_spans (f);
  g_assert_null (find_span (spans, 38, 46));
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* Undo brings it back. */
  calque_gui_key ("ctrl+z");
  g_assert_true (calque_gui_wait_for (n_spans_is, &six));
  spans = stored_spans (f);
  assert_span (spans, 38, 46, "matin-là", f->place);
  g_clear_pointer (&spans, g_ptr_array_unref);

  /* Nested: a click inside "café" takes the inner span, a second click
   * the one around it. */
  click_offset (f, 5, 0, 1);
  spans = stored_spans (f);
  g_assert_cmpstr (calque_text_view_get_selected (text_view (f)), ==, find_span (spans, 3, 7)->id);
  click_offset (f, 5, 0, 1);
  g_assert_cmpstr (calque_text_view_get_selected (text_view (f)), ==, find_span (spans, 3, 14)->id);
  g_clear_pointer (&spans, g_ptr_array_unref);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "42-text-selected");

  /* Its confidence, from the side panel, as on images. */
  confidence = calque_gui_find_widget (GTK_WIDGET (item_page (f)), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (confidence);
  g_assert_true (gtk_widget_get_sensitive (confidence));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (confidence), 0.4);
  calque_gui_spin (50);
  {
    g_autoptr(CalqueRecord) stored = calque_store_get (calque_workspace_get_store (f->workspace),
                                                       calque_text_view_get_selected (text_view (f)), NULL);

    g_assert_cmpfloat_with_epsilon (calque_record_get_double (stored, "confidence", 1.0), 0.4, 1e-9);
  }

  /* A teammate's span arrives through the sync: it shows. */
  {
    g_autoptr(CalqueRecord) theirs = calque_record_new (CALQUE_KIND_ANNOTATION, f->project);
    g_autoptr(CalqueShape) shape = calque_shape_new_span (48, 53);   /* مرحبا */
    g_autoptr(JsonNode) labels = json_from_string ("[]", NULL);
    const char *ids[2] = { NULL, NULL };

    json_array_add_string_element (json_node_get_array (labels), f->person);
    calque_record_set_string (theirs, "item", f->item);
    calque_record_set_string (theirs, "author", "amina");
    calque_record_set_field (theirs, "labels", g_steal_pointer (&labels));
    calque_record_set_shape (theirs, shape);
    g_assert_true (calque_store_save (calque_workspace_get_store (f->workspace), theirs, NULL));
    ids[0] = calque_record_get_id (theirs);
    calque_item_page_reload_records (item_page (f), ids);
    g_assert_cmpuint (calque_text_view_get_n_spans (text_view (f)), ==, 7);
  }
}

/* Labels of the whole document: single choice, as the project is not
 * multi-label; "None" takes it away. */
static void
test_whole_item (Fixture       *f,
                 gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  GtkWidget *none, *lieu;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(CalqueShape) shape = NULL;
  JsonNode *labels;

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (text_shown, f));
  none = find_check_button (GTK_WIDGET (item_page (f)), "None");
  g_assert_nonnull (none);
  lieu = find_check_button (GTK_WIDGET (item_page (f)), "lieu");
  g_assert_nonnull (lieu);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (none)));

  gtk_widget_activate (lieu);
  calque_gui_spin (100);
  annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION,
                                            f->item, NULL);
  g_assert_cmpuint (annotations->len, ==, 1);
  shape = calque_record_dup_shape (g_ptr_array_index (annotations, 0), NULL);
  g_assert_cmpint (shape->kind, ==, CALQUE_SHAPE_CLASSIFICATION);
  labels = calque_record_get_field (g_ptr_array_index (annotations, 0), "labels");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (labels)), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (labels), 0), ==, f->place);
  calque_gui_save_screenshot (GTK_WINDOW (f->window), "43-text-whole-item");
  g_clear_pointer (&annotations, g_ptr_array_unref);

  /* Undo takes the label back off, and the buttons follow. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (item_page (f)), "item.undo", NULL));
  calque_gui_spin (100);
  annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION,
                                            f->item, NULL);
  g_assert_cmpuint (annotations->len, ==, 0);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (none)));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (lieu)));
}

/* Several labels: check boxes, no "None"; each one adds its label. */
static void
test_whole_item_multi (Fixture       *f,
                       gconstpointer  data)
{
  GtkColumnView *items = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), CALQUE_TYPE_WINDOW,
                                                                         "item_view"));
  GtkWidget *person, *place;
  g_autoptr(GPtrArray) annotations = NULL;
  JsonNode *labels;

  g_signal_emit_by_name (items, "activate", 0);
  g_assert_true (calque_gui_wait_for (text_shown, f));
  g_assert_null (find_check_button (GTK_WIDGET (item_page (f)), "None"));
  person = find_check_button (GTK_WIDGET (item_page (f)), "personne <i>PER</i>");
  place = find_check_button (GTK_WIDGET (item_page (f)), "lieu");
  g_assert_nonnull (person);
  g_assert_nonnull (place);

  gtk_widget_activate (person);
  gtk_widget_activate (place);
  calque_gui_spin (100);
  annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION,
                                            f->item, NULL);
  g_assert_cmpuint (annotations->len, ==, 1);
  labels = calque_record_get_field (g_ptr_array_index (annotations, 0), "labels");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (labels)), ==, 2);
  g_clear_pointer (&annotations, g_ptr_array_unref);

  /* Both off: no classification left. */
  gtk_widget_activate (person);
  gtk_widget_activate (place);
  calque_gui_spin (100);
  annotations = calque_store_list_for_item (calque_workspace_get_store (f->workspace), CALQUE_KIND_ANNOTATION,
                                            f->item, NULL);
  g_assert_cmpuint (annotations->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* xdotool drives the X server: X, not Wayland. */
  if (!calque_gui_test_init (&argc, &argv, TRUE))
    {
      g_test_add_func ("/gui/text-view/no-display", test_no_display);
      return g_test_run ();
    }
  app = calque_gui_application_new ();

  g_test_add ("/gui/text-view/spans", Fixture, NULL, fixture_set_up, test_spans, fixture_tear_down);
  g_test_add ("/gui/text-view/whole-item", Fixture, NULL, fixture_set_up, test_whole_item, fixture_tear_down);
  g_test_add ("/gui/text-view/whole-item-multi", Fixture, "multi", fixture_set_up, test_whole_item_multi,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
