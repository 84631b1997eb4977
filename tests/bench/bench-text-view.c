/* bench-text-view — how fast does a long text with many spans open?
 *
 * A document of 100,000 characters (French words with their accents, a few
 * emoji, paragraphs) and 5,000 span annotations over it, some nested, in a
 * real workspace file. Opening it the way the item page does: the item's
 * annotations read from the store (CalqueItemAnnotations), then the text
 * view given the item, in a shown window; the time runs until the first
 * frame after that is painted. Goal: under 300 ms.
 *
 * Then a span added, as a label key adds it (saved in the workspace, the
 * view redrawn), timed until painted; and scrolling: the view moved down a
 * screen at a time through the document, the time of each frame (p50, p95).
 *
 * Baselines from the same run, in the same window: a plain GtkTextView
 * given the same text, no spans, timed to its first frame and scrolled
 * the same way; and the read of the item's annotations alone.
 *
 * Needs a display: `make bench` runs it under xvfb-run when there is none.
 *
 *   bench-text-view [--runs 5] [--chars 100000] [--spans 5000]
 */
#define G_LOG_DOMAIN "bench-text-view"

#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "calque-item-annotations.h"
#include "calque-test-util.h"
#include "calque-text-offsets.h"
#include "calque-text-view.h"
#include "calque-workspace.h"

#define N_LABELS 5

static const char * const words[] = {
  "le", "café", "était", "très", "animé", "ce", "matin", "là", "Zoë", "a", "pris", "un", "crème",
  "près", "de", "la", "fenêtre", "où", "les", "passants", "s'arrêtaient", "pour", "regarder", "l'été",
  "naïf", "Noël", "à", "Besançon", "Genève", "garçon", "hôpital", "forêt", "œuvre", "déjà",
};

static int opt_runs = 5;
static int opt_chars = 100000;
static int opt_spans = 5000;

static const GOptionEntry options[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Openings measured", "N" },
  { "chars", 0, 0, G_OPTION_ARG_INT, &opt_chars, "Characters of the document", "N" },
  { "spans", 0, 0, G_OPTION_ARG_INT, &opt_spans, "Spans over it", "N" },
  { NULL }
};

static char *
make_document (GRand *rand)
{
  GString *text = g_string_new (NULL);
  gint64 length = 0;
  int in_paragraph = 0;

  while (length < opt_chars - 20)
    {
      const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];

      g_string_append (text, word);
      length += g_utf8_strlen (word, -1);
      if (g_rand_int_range (rand, 0, 200) == 0)
        {
          g_string_append (text, " 👍🏽");
          length += 3;
        }
      if (++in_paragraph > 60 && g_rand_int_range (rand, 0, 20) == 0)
        {
          g_string_append (text, ".\n");
          length += 2;
          in_paragraph = 0;
        }
      else
        {
          g_string_append_c (text, ' ');
          length++;
        }
    }
  while (length < opt_chars)
    {
      g_string_append_c (text, '.');
      length++;
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  CalqueWorkspace *workspace;
  CalqueRecord    *item;
  GHashTable      *label_colors;
  GPtrArray       *labels;
  char            *dir;
  char            *text;
} Data;

static void
make_workspace (Data  *data,
                GRand *rand)
{
  static const char * const colors[N_LABELS] = { "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac" };
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);
  g_autofree char *path = NULL;
  CalqueStore *store;
  gint64 length;

  data->dir = g_dir_make_tmp ("calque-bench-text-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (data->dir, "workspace", NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  data->workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  store = calque_workspace_get_store (data->workspace);

  calque_record_set_string (project, "name", "Bench");
  calque_record_set_string (project, "type", "text");
  g_assert_true (calque_store_save (store, project, &error));
  data->label_colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->labels = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < N_LABELS; i++)
    {
      CalqueRecord *label = calque_record_new (CALQUE_KIND_LABEL, calque_record_get_id (project));
      g_autofree char *name = g_strdup_printf ("label %d", i);
      guint rgb = (guint) g_ascii_strtoull (colors[i] + 1, NULL, 16);

      calque_record_set_string (label, "name", name);
      calque_record_set_string (label, "color", colors[i]);
      g_assert_true (calque_store_save (store, label, &error));
      g_hash_table_insert (data->label_colors, g_strdup (calque_record_get_id (label)),
                           GUINT_TO_POINTER ((rgb << 8) | 0xff));
      g_ptr_array_add (data->labels, label);
    }

  data->text = make_document (rand);
  length = calque_text_length (data->text);
  data->item = calque_record_new (CALQUE_KIND_ITEM, calque_record_get_id (project));
  calque_record_set_string (data->item, "media", "text");
  calque_record_set_string (data->item, "name", "long text");
  calque_record_set_string (data->item, "text", data->text);
  g_assert_true (calque_store_save (store, data->item, &error));

  /* Spans on word boundaries, one in eight nested in the one before. */
  g_assert_true (calque_store_begin (store, &error));
  for (int i = 0; i < opt_spans; i++)
    {
      g_autoptr(CalqueRecord) annotation = calque_record_new (CALQUE_KIND_ANNOTATION, calque_record_get_id (project));
      g_autoptr(CalqueShape) shape = NULL;
      g_autoptr(JsonNode) label_ids = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();
      gint64 start = (length - 40) * i / opt_spans + g_rand_int_range (rand, 0, 10);
      gint64 end = start + g_rand_int_range (rand, 3, 30);

      calque_text_snap_to_words (data->text, &start, &end);
      shape = calque_shape_new_span (start, MAX (end, start + 1));
      json_array_add_string_element (array, calque_record_get_id (g_ptr_array_index (data->labels, i % N_LABELS)));
      json_node_take_array (label_ids, array);
      calque_record_set_string (annotation, "item", calque_record_get_id (data->item));
      calque_record_set_string (annotation, "author", "bench");
      calque_record_set_field (annotation, "labels", g_steal_pointer (&label_ids));
      calque_record_set_shape (annotation, shape);
      g_assert_true (calque_store_save (store, annotation, &error));
    }
  g_assert_true (calque_store_commit (store, &error));
  g_assert_no_error (error);
}

/* --- frames ---------------------------------------------------------------------- */

static gboolean painted;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

/* Turns the main loop until the next frame has been painted. */
static void
wait_for_paint (GdkFrameClock *clock)
{
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);

  painted = FALSE;
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

/* Moves the view down a screen at a time; each frame's time, in ms. */
static GArray *
scroll_through (GtkScrolledWindow *scroller,
                GdkFrameClock     *clock)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int step = 0; step < 60; step++)
    {
      double page = gtk_adjustment_get_page_size (adjustment);
      double value = gtk_adjustment_get_value (adjustment) + page;
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      if (value > gtk_adjustment_get_upper (adjustment) - page)
        value = 0;
      gtk_adjustment_set_value (adjustment, value);
      wait_for_paint (clock);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (times, ms);
    }
  return times;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) open_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) read_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) plain_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) add_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) scroll_spans = NULL;
  g_autoptr(GArray) scroll_plain = NULL;
  Data data = { 0 };
  GtkWidget *window, *stack, *scroller, *plain_scroller;
  CalqueTextView *view;
  GtkTextView *plain;
  GdkFrameClock *clock;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!gtk_init_check ())
    {
      g_print ("bench-text-view: no display; run it under xvfb-run\n");
      return 0;
    }

  make_workspace (&data, rand);
  g_print ("document: %" G_GINT64_FORMAT " characters (%zu bytes), %d spans\n",
           calque_text_length (data.text), strlen (data.text), opt_spans);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  stack = gtk_stack_new ();
  scroller = gtk_scrolled_window_new ();
  view = CALQUE_TEXT_VIEW (calque_text_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_stack_add_named (GTK_STACK (stack), scroller, "spans");
  plain_scroller = gtk_scrolled_window_new ();
  plain = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (plain, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_editable (plain, FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (plain_scroller), GTK_WIDGET (plain));
  gtk_stack_add_named (GTK_STACK (stack), plain_scroller, "plain");
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  while (clock == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      clock = gtk_widget_get_frame_clock (window);
    }
  wait_for_paint (clock);
  settle (300);

  for (int run = 0; run < opt_runs; run++)
    {
      g_autoptr(CalqueHistory) history = NULL;
      g_autoptr(CalqueItemAnnotations) annotations = NULL;
      g_autoptr(GtkTextBuffer) buffer = NULL;
      gint64 t0, t1;
      double ms;

      /* Ours: read the annotations, give the view the item, first frame. */
      gtk_stack_set_visible_child_name (GTK_STACK (stack), "spans");
      calque_text_view_set_item (view, NULL, NULL, NULL);
      wait_for_paint (clock);
      settle (200);
      t0 = g_get_monotonic_time ();
      history = calque_history_new (calque_workspace_get_store (data.workspace));
      annotations = calque_item_annotations_new (calque_workspace_get_store (data.workspace), history, data.item,
                                                 "bench", &error);
      g_assert_no_error (error);
      t1 = g_get_monotonic_time ();
      calque_text_view_set_item (view, annotations, data.label_colors, data.labels);
      wait_for_paint (clock);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (open_times, ms);
      ms = (t1 - t0) / 1000.0;
      g_array_append_val (read_times, ms);
      g_assert_cmpuint (calque_text_view_get_n_spans (view), ==, opt_spans);
      settle (300);
      if (run == 0)
        scroll_spans = scroll_through (GTK_SCROLLED_WINDOW (scroller), clock);

      /* One span more, as a label key makes it: saved, the view redrawn. */
      {
        GtkTextBuffer *shown = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
        GtkTextIter a, b;

        gtk_text_buffer_get_iter_at_offset (shown, &a, 1000 + run * 50);
        gtk_text_buffer_get_iter_at_offset (shown, &b, 1010 + run * 50);
        gtk_text_buffer_select_range (shown, &a, &b);
        t0 = g_get_monotonic_time ();
        g_assert_true (calque_text_view_add_span (view, &error));
        wait_for_paint (clock);
        ms = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (add_times, ms);
        g_assert_true (calque_text_view_delete_selected (view, &error));
        settle (100);
      }

      /* Baseline: a plain text view given the same text. */
      gtk_stack_set_visible_child_name (GTK_STACK (stack), "plain");
      {
        g_autoptr(GtkTextBuffer) empty = gtk_text_buffer_new (NULL);

        gtk_text_view_set_buffer (plain, empty);
      }
      wait_for_paint (clock);
      settle (200);
      t0 = g_get_monotonic_time ();
      buffer = gtk_text_buffer_new (NULL);
      gtk_text_buffer_set_text (buffer, data.text, -1);
      gtk_text_view_set_buffer (plain, buffer);
      wait_for_paint (clock);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (plain_times, ms);
      settle (300);
      if (run == 0)
        scroll_plain = scroll_through (GTK_SCROLLED_WINDOW (plain_scroller), clock);
    }

  g_print ("\nopening, to the first frame painted (ms over %d runs: median, best):\n", opt_runs);
  g_print ("  text view with %d spans        %7.1f %7.1f   (goal < 300)\n", opt_spans,
           percentile (open_times, 0.5), percentile (open_times, 0));
  g_print ("    of which reading the spans   %7.1f %7.1f\n", percentile (read_times, 0.5), percentile (read_times, 0));
  g_print ("  baseline: plain GtkTextView    %7.1f %7.1f   (same text, no spans)\n", percentile (plain_times, 0.5),
           percentile (plain_times, 0));
  g_print ("\na span added with a label key, until painted (ms: median, best):\n");
  g_print ("  text view with %d spans        %7.1f %7.1f\n", opt_spans, percentile (add_times, 0.5),
           percentile (add_times, 0));
  g_print ("\nscrolling a screen at a time, per frame (ms: p50, p95 over %u frames):\n", scroll_spans->len);
  g_print ("  text view with spans           %7.1f %7.1f\n", percentile (scroll_spans, 0.5),
           percentile (scroll_spans, 0.95));
  g_print ("  baseline: plain GtkTextView    %7.1f %7.1f\n", percentile (scroll_plain, 0.5),
           percentile (scroll_plain, 0.95));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (data.item);
  g_hash_table_unref (data.label_colors);
  g_ptr_array_unref (data.labels);
  g_object_unref (data.workspace);
  calque_test_remove_tree (data.dir);
  g_free (data.dir);
  g_free (data.text);
  return 0;
}
