/* calque-export-conll.c — tokens and IOB2 tags, CoNLL-2003 style
 *
 * One token per line, "TOKEN TAG", the tag O, B-LABEL (the first token of
 * a span) or I-LABEL (the next ones); a blank line after each item; no
 * -DOCSTART- lines. Tokens are those of calque_text_tokenize(), the word
 * rules of the text view, so a span the app snapped to words is whole
 * tokens here.
 *
 * IOB2 has one tag per token, which loses what the data model allows:
 *  - a token only partly inside a span counts as inside it;
 *  - of spans that share a token, the first (the earliest start, then the
 *    longest: the outermost of nested spans) is written and the others are
 *    left out and counted;
 *  - a span over white space only, a span without an exported label and
 *    the item's classifications are left out and counted;
 *  - a span is written with its first label in the export's order;
 *  - white space inside a label name is written "_", as a tag cannot hold
 *    it;
 *  - an item without a token (an empty text) writes nothing.
 */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-writers.h"
#include "calque-export-output.h"
#include "calque-export-tabular.h"
#include "calque-text-offsets.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct {
  CalqueExportSource *source;
  CalqueExportFile *file;
  GString *out;
  GPtrArray *tag_names;   /* export label index → "LABEL" with white space as "_" */
  CalqueConllStats *stats;
  GCancellable *cancellable;
} ConllExport;

typedef struct {
  gint64 start, end;
  int label;
  guint order;
} Span;

/* Outermost first: by start, then longest, then the older annotation. */
static gint
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const Span *sa = a, *sb = b;

  if (sa->start != sb->start)
    return sa->start < sb->start ? -1 : 1;
  if (sa->end != sb->end)
    return sa->end > sb->end ? -1 : 1;
  return sa->order < sb->order ? -1 : sa->order > sb->order;
}

/* The first token that ends after @offset (tokens are in order). */
static guint
first_token_ending_after (GArray *tokens,
                          gint64  offset)
{
  guint lo = 0, hi = tokens->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (tokens, CalqueTextToken, mid).end <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static char *
tag_name (const char *label)
{
  GString *name = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        g_string_append_c (name, '_');
      else
        g_string_append_unichar (name, c);
    }
  return g_string_free (name, FALSE);
}

static gboolean
item_cb (CalqueRecord  *item,
         GPtrArray     *annotations,
         gpointer       user_data,
         GError       **error)
{
  ConllExport *self = user_data;
  const char *text = calque_record_get_string (item, "text");
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autofree int *tags = NULL;     /* per token: -1 for O, else label index */
  g_autofree gboolean *begins = NULL;
  GString *out = self->out;

  tokens = calque_text_tokenize (text != NULL ? text : "");

  for (guint i = 0; i < annotations->len; i++)
    {
      CalqueRecord *annotation = annotations->pdata[i];
      g_autoptr(CalqueShape) shape = calque_record_dup_shape (annotation, error);
      Span span;

      if (shape == NULL)
        {
          g_prefix_error (error, "%s: ", calque_record_get_string (item, "name"));
          return FALSE;
        }
      if (shape->kind == CALQUE_SHAPE_CLASSIFICATION)
        {
          self->stats->classifications++;
          continue;
        }
      if (shape->kind != CALQUE_SHAPE_SPAN)
        continue;
      span.start = shape->span_start;
      span.end = shape->span_end;
      span.label = calque_export_source_annotation_label (self->source, annotation);
      span.order = i;
      if (span.label < 0)
        {
          self->stats->unlabelled++;
          continue;
        }
      {
        /* The first label in the export's order, as the other writers. */
        g_autoptr(GArray) labels = _calque_export_label_indexes (self->source, annotation);

        span.label = g_array_index (labels, int, 0);
      }
      g_array_append_val (spans, span);
    }
  g_array_sort (spans, compare_spans);

  tags = g_new (int, MAX (tokens->len, 1));
  begins = g_new0 (gboolean, MAX (tokens->len, 1));
  for (guint t = 0; t < tokens->len; t++)
    tags[t] = -1;

  for (guint s = 0; s < spans->len; s++)
    {
      Span *span = &g_array_index (spans, Span, s);
      guint first = first_token_ending_after (tokens, span->start);
      guint last = first;   /* exclusive */
      gboolean vacant = TRUE;

      while (last < tokens->len && g_array_index (tokens, CalqueTextToken, last).start < span->end)
        last++;
      if (last == first)
        {
          self->stats->no_token++;
          continue;
        }
      for (guint t = first; t < last && vacant; t++)
        vacant = tags[t] < 0;
      if (!vacant)
        {
          self->stats->overlapping++;
          continue;
        }
      for (guint t = first; t < last; t++)
        tags[t] = span->label;
      begins[first] = TRUE;
      self->stats->spans++;
    }

  if (tokens->len == 0)
    return TRUE;

  g_string_truncate (out, 0);
  for (guint t = 0; t < tokens->len; t++)
    {
      CalqueTextToken *token = &g_array_index (tokens, CalqueTextToken, t);

      g_string_append_len (out, text + token->byte_start, (gssize) (token->byte_end - token->byte_start));
      if (tags[t] < 0)
        g_string_append (out, " O\n");
      else
        g_string_append_printf (out, " %s-%s\n", begins[t] ? "B" : "I",
                                (const char *) g_ptr_array_index (self->tag_names, tags[t]));
    }
  g_string_append_c (out, '\n');
  return calque_export_file_write (self->file, out->str, (gssize) out->len, self->cancellable, error);
}

gboolean
_calque_export_write_conll_counted (CalqueExportSource         *source,
                                    const char                 *path,
                                    const CalqueExportOptions  *options,
                                    CalqueConllStats           *stats,
                                    GCancellable               *cancellable,
                                    GError                    **error)
{
  g_autoptr(CalqueExportFile) file = calque_export_file_new (path, error);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) tag_names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *labels = calque_export_source_get_labels (source);
  ConllExport self = { source, file, out, tag_names, stats, cancellable };

  memset (stats, 0, sizeof *stats);
  if (file == NULL)
    return FALSE;
  for (guint i = 0; i < labels->len; i++)
    g_ptr_array_add (tag_names, tag_name (calque_record_get_string (labels->pdata[i], "name")));

  return calque_export_source_foreach (source, TRUE, item_cb, &self, cancellable, error)
         && calque_export_file_commit (file, cancellable, error);
}

gboolean
_calque_export_write_conll (CalqueExportSource         *source,
                            const char                 *path,
                            const CalqueExportOptions  *options,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  CalqueConllStats stats;
  guint lost;

  if (!_calque_export_write_conll_counted (source, path, options, &stats, cancellable, error))
    return FALSE;

  /* The table's writers have no way to hand back what they left out; the
   * log is where calque-cli shows it (on standard error). */
  lost = stats.overlapping + stats.no_token + stats.unlabelled;
  if (lost > 0)
    g_message (g_dngettext (GETTEXT_PACKAGE,
                            "CoNLL: %u span left out (%u sharing a token with another, %u without a token, %u without a label)",
                            "CoNLL: %u spans left out (%u sharing a token with another, %u without a token, %u without a label)",
                            lost),
               lost, stats.overlapping, stats.no_token, stats.unlabelled);
  if (stats.classifications > 0)
    g_message (g_dngettext (GETTEXT_PACKAGE,
                            "CoNLL: %u classification left out (CoNLL has tags of tokens only)",
                            "CoNLL: %u classifications left out (CoNLL has tags of tokens only)",
                            stats.classifications),
               stats.classifications);
  return TRUE;
}
