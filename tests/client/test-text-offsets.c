/* test-text-offsets.c — code point offsets and words in real-world text */
#define G_LOG_DOMAIN "test-text-offsets"

#include <string.h>

#include "calque-text-offsets.h"

/* "Café ☕ — l'été arrive : 東京は晴れ 😀👍🏽 مرحبا بالعالم" with é both
 * precomposed (in Café) and as e + combining acute (in l'été). */
static const char text[] =
  "Caf\xc3\xa9 \xe2\x98\x95 \xe2\x80\x94 l'e\xcc\x81te\xcc\x81 arrive : "
  "\xe6\x9d\xb1\xe4\xba\xac\xe3\x81\xaf\xe6\x99\xb4\xe3\x82\x8c "
  "\xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd "
  "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85";

static gint64
offset_of (const char *needle)
{
  const char *at = strstr (text, needle);

  g_assert_nonnull (at);
  return calque_text_byte_to_offset (text, (gsize) (at - text));
}

static void
test_offsets (void)
{
  /* "Café" is 4 code points, the coffee cup 1, the emoji each 1 (the skin
   * tone modifier too), whatever their bytes. */
  g_assert_cmpint (offset_of ("\xe2\x98\x95"), ==, 5);
  g_assert_cmpint (offset_of ("\xe2\x80\x94"), ==, 7);
  g_assert_cmpint (offset_of ("l'e"), ==, 9);
  g_assert_cmpint (offset_of ("\xf0\x9f\x98\x80"), ==, offset_of ("\xe6\x9d\xb1") + 6);
  g_assert_cmpint (offset_of ("\xf0\x9f\x91\x8d"), ==, offset_of ("\xf0\x9f\x98\x80") + 1);

  /* Round trips at every character. */
  for (gint64 i = 0; i <= calque_text_length (text); i++)
    g_assert_cmpint (calque_text_byte_to_offset (text, calque_text_offset_to_byte (text, i)), ==, i);
  /* Past the end, the end. */
  g_assert_cmpuint (calque_text_offset_to_byte (text, 100000), ==, strlen (text));
  g_assert_cmpint (calque_text_length (""), ==, 0);
}

static void
assert_word (gint64      offset,
             const char *expected)
{
  gint64 start = -1, end = -1;
  gsize bs, be;

  g_assert_true (calque_text_word_at (text, offset, &start, &end));
  bs = calque_text_offset_to_byte (text, start);
  be = calque_text_offset_to_byte (text, end);
  g_assert_cmpuint (be - bs, ==, strlen (expected));
  g_assert_cmpmem (text + bs, be - bs, expected, strlen (expected));
}

static void
test_words (void)
{
  gint64 start, end;

  /* Accents belong to their word, precomposed or combining; the
   * apostrophe inside "l'été" keeps it one word. */
  assert_word (1, "Caf\xc3\xa9");
  assert_word (offset_of ("l'e") + 3, "l'e\xcc\x81te\xcc\x81");
  assert_word (offset_of ("arrive") + 5, "arrive");
  /* Each ideograph and kana is a word of its own. */
  assert_word (offset_of ("\xe4\xba\xac"), "\xe4\xba\xac");
  /* Arabic words, between their spaces. */
  assert_word (offset_of ("\xd8\xa8\xd8\xa7\xd9\x84") + 2,
               "\xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85");
  /* No word at an emoji, a dash or a space. */
  g_assert_false (calque_text_word_at (text, offset_of ("\xf0\x9f\x98\x80"), &start, &end));
  g_assert_false (calque_text_word_at (text, offset_of ("\xe2\x80\x94"), &start, &end));
  g_assert_false (calque_text_word_at (text, 4, &start, &end));
  g_assert_false (calque_text_word_at (text, 100000, &start, &end));
}

static void
test_snap (void)
{
  gint64 start, end;

  /* "af" inside Café, up to "arr": from Café to arrive, whole. */
  start = 1;
  end = offset_of ("arrive") + 3;
  g_assert_true (calque_text_snap_to_words (text, &start, &end));
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, offset_of ("arrive") + 6);

  /* Spaces and the dash at the ends fall away. */
  start = offset_of ("\xe2\x80\x94") - 1;
  end = offset_of ("l'e") + 2;
  g_assert_true (calque_text_snap_to_words (text, &start, &end));
  g_assert_cmpint (start, ==, offset_of ("l'e"));
  g_assert_cmpint (end, ==, offset_of (" arrive"));

  /* Ideographs snap one by one: half of 東京 stays one character. */
  start = offset_of ("\xe6\x9d\xb1");
  end = start + 1;
  g_assert_true (calque_text_snap_to_words (text, &start, &end));
  g_assert_cmpint (end - start, ==, 1);

  /* Only emoji and spaces: nothing to snap to, left as it was. */
  start = offset_of ("\xf0\x9f\x98\x80");
  end = start + 3;
  g_assert_false (calque_text_snap_to_words (text, &start, &end));
  g_assert_cmpint (end - start, ==, 3);

  /* An empty or reversed selection is refused. */
  start = end = 3;
  g_assert_false (calque_text_snap_to_words (text, &start, &end));
}

/* The tokens of @input, each as its text, joined by spaces. */
static char *
tokens_of (const char *input)
{
  g_autoptr(GArray) tokens = calque_text_tokenize (input);
  g_autofree gsize *bytes = NULL;
  GString *out = g_string_new (NULL);
  gint64 length;

  bytes = calque_text_byte_index (input, &length);
  for (guint i = 0; i < tokens->len; i++)
    {
      CalqueTextToken *token = &g_array_index (tokens, CalqueTextToken, i);

      /* Code points and bytes say the same. */
      g_assert_cmpuint (bytes[token->start], ==, token->byte_start);
      g_assert_cmpuint (bytes[token->end], ==, token->byte_end);
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append_len (out, input + token->byte_start, (gssize) (token->byte_end - token->byte_start));
    }
  return g_string_free (out, FALSE);
}

static void
test_tokens (void)
{
  g_autoptr(GArray) tokens = calque_text_tokenize (text);
  g_autofree char *all = tokens_of (text);
  g_autofree char *english = tokens_of ("Don't stop, U.S. co-op: 3.14!");
  g_autofree char *flags = tokens_of ("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa "
                                      "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7.");
  g_autofree char *spaces = tokens_of (" \t\n\xc2\xa0 ");

  /* Words by the word rules, punctuation and emoji alone, white space in
   * none; the thumb keeps its skin tone. */
  g_assert_cmpstr (all, ==,
                   "Caf\xc3\xa9 \xe2\x98\x95 \xe2\x80\x94 l'e\xcc\x81te\xcc\x81 arrive : "
                   "\xe6\x9d\xb1 \xe4\xba\xac \xe3\x81\xaf \xe6\x99\xb4 \xe3\x82\x8c "
                   "\xf0\x9f\x98\x80 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd "
                   "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85");
  g_assert_cmpint (g_array_index (tokens, CalqueTextToken, 0).start, ==, 0);
  g_assert_cmpint (g_array_index (tokens, CalqueTextToken, 0).end, ==, 4);
  g_assert_cmpint (g_array_index (tokens, CalqueTextToken, 1).start, ==, 5);
  g_assert_cmpstr (english, ==, "Don't stop , U . S . co-op : 3 . 14 !");
  /* A flag is two regional indicators; a family, emoji joined by ZWJ. */
  g_assert_cmpstr (flags, ==,
                   "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7 \xf0\x9f\x87\xa9\xf0\x9f\x87\xaa "
                   "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 .");
  g_assert_cmpstr (spaces, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text-offsets/offsets", test_offsets);
  g_test_add_func ("/text-offsets/words", test_words);
  g_test_add_func ("/text-offsets/snap", test_snap);
  g_test_add_func ("/text-offsets/tokens", test_tokens);
  return g_test_run ();
}
