/* calque-text-offsets.h — span offsets in a text, as the data model counts them
 *
 * A span's start and end count Unicode code points (docs/data-model.md:
 * what Python's str and GtkTextIter count), never UTF-8 bytes or UTF-16
 * units. These helpers convert between code points and the bytes of the
 * UTF-8 text, and find words: snapping a selection to whole words, and the
 * word under a double click (a keyword).
 *
 * Words here are runs of letters, digits and combining marks (so "é"
 * written as e + U+0301 stays one word with its accent), with an
 * apostrophe or a hyphen inside a word kept in it ("aujourd'hui",
 * "peut-être"); each Chinese, Japanese or Korean ideograph is a word of its
 * own, as those scripts write no spaces; emoji and punctuation are not
 * part of words.
 *
 * Tokens (calque_text_tokenize()) are what token-per-line formats such
 * as CoNLL write: the words above, and every other character that is not
 * white space as a token of its own.
 *
 * GTK-free: the text view, the exports and the tests share it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The byte index in @text (NUL-terminated UTF-8) of code point @offset,
 * clamped to the text's length. */
gsize    calque_text_offset_to_byte (const char *text,
                                     gint64      offset);
/* The code point offset of byte @byte, which must start a character or be
 * the text's length. */
gint64   calque_text_byte_to_offset (const char *text,
                                     gsize       byte);
/* The length of @text in code points. */
gint64   calque_text_length         (const char *text);

/* Widens [@start, @end) to the words it touches and drops the spaces and
 * punctuation at its ends; returns FALSE, and leaves them alone, when the
 * selection holds no word at all. */
gboolean calque_text_snap_to_words  (const char *text,
                                     gint64     *start,
                                     gint64     *end);
/* The word at code point @offset, or FALSE when there is none there. */
gboolean calque_text_word_at        (const char *text,
                                     gint64      offset,
                                     gint64     *out_start,
                                     gint64     *out_end);

/* One token: code point offsets (end exclusive) and the bytes they span. */
typedef struct
{
  gint64 start, end;
  gsize  byte_start, byte_end;
} CalqueTextToken;

/* Cuts @text into tokens, in order: each word by the rules above (so
 * "aujourd'hui" and "peut-être" are one token, "U.S." four, and each
 * ideograph one), and each other character that is not white space alone,
 * together with what draws as one symbol with it (combining marks,
 * variation selectors, emoji skin tones, zero-width joins and the
 * character after them, the second of a pair of regional indicators), so
 * that "👍🏽" and a flag stay whole. White space (g_unichar_isspace) is in
 * no token; everything else is in exactly one. Returns a GArray of
 * CalqueTextToken. */
GArray  *calque_text_tokenize       (const char *text);

/* The byte index in @text of every code point offset from 0 to the
 * text's length included (*@out_length + 1 entries), for code that turns
 * many offsets of one long text into bytes. */
gsize   *calque_text_byte_index     (const char *text,
                                     gint64     *out_length);

G_END_DECLS
