/* calque-import-conll.c — tokens and IOB tags back into spans
 *
 * A file of lines "TOKEN … TAG" (the token first, the tag last, so
 * CoNLL-2003's four columns read too), a blank line after each text;
 * "-DOCSTART-" lines are skipped. Each block of lines is one text of the
 * project: the one whose characters, white space aside, are the tokens put
 * together (calque-import-texts.h), so tokens cut differently from
 * Calque's (a tokenizer that splits "don't" in two) still find their text.
 * A span runs from a B-LABEL token through the I-LABEL tokens after it;
 * an I-LABEL after O or after another label begins a span too (IOB1, and
 * files that left the B out). Tags other than O, B-… and I-… are refused.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"
#include "calque-import-texts.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

typedef struct {
  guint line;
  gsize token;        /* byte offset in tokens */
  gsize token_length;
  char *label;        /* NULL for O */
  gboolean begin;
} Tag;

static void
tag_clear (gpointer data)
{
  Tag *tag = data;

  g_free (tag->label);
}

typedef struct {
  CalqueAnnotationSink *sink;
  const char *file;
  CalqueImportTexts *texts;
  GString *tokens;      /* the block's tokens, one after the other */
  GArray *tags;         /* Tag, one per token */
  guint first_line;     /* of the block */
} ConllImport;

static gboolean G_GNUC_PRINTF (4, 5)
fail (ConllImport *self,
      guint        line,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
               _("%s: line %u: %s"), self->file, line, message);
  return FALSE;
}

/* "TOKEN … TAG": the first and the last field, split on spaces and tabs. */
static gboolean
read_token_line (ConllImport  *self,
                 char         *line,
                 guint         number,
                 GError      **error)
{
  g_auto(GStrv) fields = g_strsplit_set (line, " \t", -1);
  const char *token = NULL, *tag = NULL;
  Tag parsed = { number };

  for (guint i = 0; fields[i] != NULL; i++)
    if (*fields[i] != '\0')
      {
        if (token == NULL)
          token = fields[i];
        tag = fields[i];
      }
  if (token == tag)
    return fail (self, number, error, _("“%s” has no tag after it (a line is “TOKEN TAG”)"), token);

  if (g_str_equal (tag, "O"))
    parsed.label = NULL;
  else if ((g_str_has_prefix (tag, "B-") || g_str_has_prefix (tag, "I-")) && tag[2] != '\0')
    {
      Tag *previous = self->tags->len > 0 ? &g_array_index (self->tags, Tag, self->tags->len - 1) : NULL;

      parsed.label = g_strdup (tag + 2);
      parsed.begin = tag[0] == 'B'
                     || previous == NULL || previous->label == NULL
                     || !g_str_equal (previous->label, parsed.label);
    }
  else
    return fail (self, number, error, _("the tag “%s” is not O, B-LABEL or I-LABEL"), tag);

  if (self->tags->len == 0)
    self->first_line = number;
  parsed.token = self->tokens->len;
  parsed.token_length = strlen (token);
  g_string_append (self->tokens, token);
  g_array_append_val (self->tags, parsed);
  return TRUE;
}

static gboolean
add_span (ConllImport   *self,
          CalqueRecord  *item,
          const Tag     *first,
          gint64         start,
          gint64         end,
          GError       **error)
{
  g_autofree char *element = g_strdup_printf (_("line %u"), first->line);
  g_autoptr(CalqueShape) shape = calque_shape_new_span (start, end);
  const char *labels[] = { first->label, NULL };
  CalqueImportedAnnotation annotation = {
    .file = self->file,
    .element = element,
    .item_name = calque_record_get_string (item, "name"),
    .labels = labels,
    .shape = shape,
    .confidence = NAN,
    .item_id = calque_record_get_id (item),
  };

  return calque_annotation_sink_add (self->sink, &annotation, error);
}

/* The block read so far is one text: find it, place each token in it, and
 * add its spans. */
static gboolean
end_block (ConllImport  *self,
           GError      **error)
{
  g_autofree char *digest = NULL;
  const char *item_id;
  CalqueRecord *item;
  const char *text, *p;
  gint64 offset = 0;
  g_autoptr(GArray) starts = NULL, ends = NULL;
  gint64 span_start = -1;
  const Tag *span_tag = NULL;

  if (self->tags->len == 0)
    return TRUE;

  if (self->texts == NULL
      && !(self->texts = _calque_import_texts_new (self->sink, CALQUE_TEXT_KEY_NO_SPACE, error)))
    return FALSE;
  digest = _calque_import_texts_digest (self->texts, self->tokens->str, (gssize) self->tokens->len);
  item_id = _calque_import_texts_take (self->texts, digest);
  if (item_id == NULL)
    {
      const Tag *first = &g_array_index (self->tags, Tag, 0);
      g_autofree char *start = g_strndup (self->tokens->str + first->token, first->token_length);

      return fail (self, self->first_line, error,
                   g_dngettext (GETTEXT_PACKAGE,
                                "no text of project “%s” is made of these %u token (“%s”…), or every one that is came earlier in the file",
                                "no text of project “%s” is made of these %u tokens (“%s”…), or every one that is came earlier in the file",
                                self->tags->len),
                   calque_record_get_string (calque_annotation_sink_get_project (self->sink), "name"),
                   self->tags->len, start);
    }
  {
    g_autofree char *element = g_strdup_printf (_("line %u"), self->first_line);

    item = calque_annotation_sink_get_item_by_id (self->sink, self->file, element, item_id, error);
  }
  if (item == NULL)
    return FALSE;
  text = calque_record_get_string (item, "text");

  /* Each token's code points in the text: skip white space, then its
   * characters are the text's, as the digests matched. */
  starts = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->tags->len);
  ends = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->tags->len);
  p = text;
  for (guint t = 0; t < self->tags->len; t++)
    {
      const Tag *tag = &g_array_index (self->tags, Tag, t);
      const char *token = self->tokens->str + tag->token;
      const char *token_end = token + tag->token_length;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        {
          p = g_utf8_next_char (p);
          offset++;
        }
      g_array_append_val (starts, offset);
      for (const char *q = token; q < token_end; q = g_utf8_next_char (q))
        {
          if (*p == '\0' || g_utf8_get_char (p) != g_utf8_get_char (q))
            return fail (self, tag->line, error, _("the token “%.*s” is not where the text “%s” has it"),
                         (int) tag->token_length, token, calque_record_get_string (item, "name"));
          p = g_utf8_next_char (p);
          offset++;
        }
      g_array_append_val (ends, offset);
    }

  for (guint t = 0; t <= self->tags->len; t++)
    {
      const Tag *tag = t < self->tags->len ? &g_array_index (self->tags, Tag, t) : NULL;

      if (span_tag != NULL && (tag == NULL || tag->label == NULL || tag->begin))
        {
          if (!add_span (self, item, span_tag, span_start, g_array_index (ends, gint64, t - 1), error))
            return FALSE;
          span_tag = NULL;
        }
      if (tag != NULL && tag->label != NULL && tag->begin)
        {
          span_tag = tag;
          span_start = g_array_index (starts, gint64, t);
        }
    }

  g_string_truncate (self->tokens, 0);
  g_array_set_size (self->tags, 0);
  return TRUE;
}

gboolean
_calque_import_read_conll (CalqueAnnotationSink  *sink,
                           const char            *path,
                           GError               **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *file = g_path_get_basename (path);
  g_autoptr(GString) tokens = g_string_new (NULL);
  g_autoptr(GArray) tags = g_array_new (FALSE, FALSE, sizeof (Tag));
  GCancellable *cancellable = calque_annotation_sink_get_cancellable (sink);
  ConllImport self = { sink, file, NULL, tokens, tags };
  gboolean ok = TRUE;
  guint number = 0;
  goffset size;

  g_array_set_clear_func (tags, tag_clear);
  in = g_file_read (gfile, cancellable, error);
  if (in == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;
  data = g_data_input_stream_new (G_INPUT_STREAM (in));
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  while (ok)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (data, NULL, cancellable, &local_error);

      number++;
      if (line == NULL)
        {
          if (local_error != NULL)
            ok = fail (&self, number, error, "%s", local_error->message);
          else
            ok = end_block (&self, error);
          break;
        }
      g_strstrip (line);
      if (*line == '\0' || g_str_has_prefix (line, "-DOCSTART-"))
        ok = end_block (&self, error);
      else
        ok = read_token_line (&self, line, number, error);
      if (number % 1024 == 0)
        calque_annotation_sink_progress (sink, (guint64) g_seekable_tell (G_SEEKABLE (in)), (guint64) size);
    }
  g_clear_pointer (&self.texts, _calque_import_texts_free);
  if (ok)
    calque_annotation_sink_progress (sink, (guint64) size, (guint64) size);
  return ok;
}
