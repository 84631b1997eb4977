/* calque-text-offsets.c — span offsets in a text, as the data model counts them */
#define G_LOG_DOMAIN "calque-text-offsets"

#include "calque-text-offsets.h"

/* The text decoded once into code points: the word rules look at
 * neighbours on both sides, which UTF-8 makes awkward. */
typedef struct
{
  gunichar *chars;
  glong     n;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->chars, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decoded, decoded_clear)

static gboolean
decode (const char *text,
        Decoded    *out)
{
  out->chars = g_utf8_to_ucs4_fast (text, -1, &out->n);
  return out->chars != NULL;
}

/* Han, kana: letters written without spaces. Emoji share their line
 * breaking class but are symbols, not letters, and so no words. */
static gboolean
is_ideograph (gunichar c)
{
  return g_unichar_break_type (c) == G_UNICODE_BREAK_IDEOGRAPHIC && g_unichar_isalpha (c);
}

/* Letters, digits and marks; not ideographs, which are words alone. */
static gboolean
is_word_char (gunichar c)
{
  return (g_unichar_isalnum (c) || g_unichar_ismark (c)) && !is_ideograph (c);
}

/* An apostrophe or hyphen between two word characters is inside a word. */
static gboolean
is_joiner (const Decoded *d,
           glong          i)
{
  gunichar c = d->chars[i];

  if (c != '\'' && c != 0x2019 && c != '-' && c != 0x2010)
    return FALSE;
  return i > 0 && i + 1 < d->n && is_word_char (d->chars[i - 1]) && is_word_char (d->chars[i + 1]);
}

static gboolean
in_word (const Decoded *d,
         glong          i)
{
  return i >= 0 && i < d->n && (is_word_char (d->chars[i]) || is_joiner (d, i));
}

static void
word_bounds (const Decoded *d,
             glong          i,
             glong         *start,
             glong         *end)
{
  if (is_ideograph (d->chars[i]))
    {
      *start = i;
      *end = i + 1;
      return;
    }
  *start = i;
  while (*start > 0 && in_word (d, *start - 1) && !is_ideograph (d->chars[*start - 1]))
    (*start)--;
  *end = i + 1;
  while (*end < d->n && in_word (d, *end) && !is_ideograph (d->chars[*end]))
    (*end)++;
}

gsize
calque_text_offset_to_byte (const char *text,
                            gint64      offset)
{
  const char *p = text;

  g_return_val_if_fail (text != NULL, 0);

  for (gint64 i = 0; i < offset && *p != '\0'; i++)
    p = g_utf8_next_char (p);
  return (gsize) (p - text);
}

gint64
calque_text_byte_to_offset (const char *text,
                            gsize       byte)
{
  g_return_val_if_fail (text != NULL, 0);

  return g_utf8_pointer_to_offset (text, text + byte);
}

gint64
calque_text_length (const char *text)
{
  g_return_val_if_fail (text != NULL, 0);

  return g_utf8_strlen (text, -1);
}

gboolean
calque_text_snap_to_words (const char *text,
                           gint64     *start,
                           gint64     *end)
{
  g_auto(Decoded) d = { 0 };
  glong first = -1, last = -1;
  glong word_start, word_end;

  g_return_val_if_fail (text != NULL && start != NULL && end != NULL, FALSE);

  if (!decode (text, &d) || *start < 0 || *end > d.n || *start >= *end)
    return FALSE;

  /* The first and last word characters the selection touches. */
  for (glong i = (glong) *start; i < (glong) *end; i++)
    if (in_word (&d, i) || is_ideograph (d.chars[i]))
      {
        if (first < 0)
          first = i;
        last = i;
      }
  if (first < 0)
    return FALSE;

  word_bounds (&d, first, &word_start, &word_end);
  *start = word_start;
  word_bounds (&d, last, &word_start, &word_end);
  *end = word_end;
  return TRUE;
}

gboolean
calque_text_word_at (const char *text,
                     gint64      offset,
                     gint64     *out_start,
                     gint64     *out_end)
{
  g_auto(Decoded) d = { 0 };
  glong start, end;

  g_return_val_if_fail (text != NULL && out_start != NULL && out_end != NULL, FALSE);

  if (!decode (text, &d) || offset < 0 || offset >= d.n)
    return FALSE;
  if (!in_word (&d, (glong) offset) && !is_ideograph (d.chars[offset]))
    return FALSE;
  word_bounds (&d, (glong) offset, &start, &end);
  *out_start = start;
  *out_end = end;
  return TRUE;
}

gsize *
calque_text_byte_index (const char *text,
                        gint64     *out_length)
{
  gint64 n;
  gsize *index;
  const char *p = text;

  g_return_val_if_fail (text != NULL && out_length != NULL, NULL);

  n = g_utf8_strlen (text, -1);
  index = g_new (gsize, n + 1);
  for (gint64 i = 0; i < n; i++)
    {
      index[i] = (gsize) (p - text);
      p = g_utf8_next_char (p);
    }
  index[n] = (gsize) (p - text);
  *out_length = n;
  return index;
}

static gboolean
is_regional_indicator (gunichar c)
{
  return c >= 0x1f1e6 && c <= 0x1f1ff;
}

/* How many code points from @i on draw as one symbol with the character
 * before them: marks and variation selectors, skin tones, emoji tags, and a
 * zero-width joiner with the character it joins. */
static glong
attached_length (const Decoded *d,
                 glong          i)
{
  gunichar c;

  if (i >= d->n)
    return 0;
  c = d->chars[i];
  if (g_unichar_ismark (c) || (c >= 0x1f3fb && c <= 0x1f3ff) || (c >= 0xe0020 && c <= 0xe007f))
    return 1;
  if (c == 0x200d && i + 1 < d->n && !g_unichar_isspace (d->chars[i + 1]))
    return 2;
  return 0;
}

GArray *
calque_text_tokenize (const char *text)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (CalqueTextToken));
  g_auto(Decoded) d = { 0 };
  g_autofree gsize *bytes = NULL;
  gint64 n_bytes_index;
  glong i = 0;

  g_return_val_if_fail (text != NULL, tokens);

  if (!decode (text, &d))
    return tokens;
  bytes = calque_text_byte_index (text, &n_bytes_index);
  g_assert (n_bytes_index == d.n);

  while (i < d.n)
    {
      gunichar c = d.chars[i];
      CalqueTextToken token;
      glong start = i, more;

      if (g_unichar_isspace (c))
        {
          i++;
          continue;
        }

      if (!is_ideograph (c) && in_word (&d, i))
        {
          while (i < d.n && in_word (&d, i) && !is_ideograph (d.chars[i]))
            i++;
        }
      else
        {
          /* A symbol, a punctuation mark or an ideograph. */
          i++;
          if (is_regional_indicator (c) && i < d.n && is_regional_indicator (d.chars[i]))
            i++;
          while ((more = attached_length (&d, i)) > 0)
            i += more;
        }

      token.start = start;
      token.end = i;
      token.byte_start = bytes[start];
      token.byte_end = bytes[i];
      g_array_append_val (tokens, token);
    }
  return tokens;
}
