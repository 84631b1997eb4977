/* test-json-parse.c — calque_json_parse() reads what json-glib reads, the same way
 *
 * calque_json_parse() replaced json-glib's parser where JSON comes in
 * bulk (the store's rows, the elements of big files), so every value must
 * come out exactly as calque_json_load_one() makes it: same types, same
 * members in the same order, written out byte for byte the same. Where
 * json-glib is lax and JSON is not, calque_json_parse() refuses, and says
 * where.
 */
#include "calque-json.h"
#include "calque-json-writer.h"

#include <string.h>

/* What json-glib, through calque_json_load_one(), makes of @text, written
 * out; NULL if it refuses it. */
static char *
json_glib_reads (const char *text,
                 gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* json-glib takes white space alone for a document without a value. */
  if (!calque_json_load_one (parser, text, length, NULL) || json_parser_get_root (parser) == NULL)
    return NULL;
  return calque_json_node_to_string (json_parser_get_root (parser), NULL);
}

static char *
fast_reads (const char  *text,
            gssize       length,
            GError     **error)
{
  g_autoptr(JsonNode) root = calque_json_parse (text, length, error);

  return root != NULL ? calque_json_node_to_string (root, NULL) : NULL;
}

static void
assert_same (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = json_glib_reads (text, -1);
  g_autofree char *got = fast_reads (text, -1, &error);

  g_assert_nonnull (expected);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_same_values (void)
{
  static const char * const documents[] = {
    "0", "-0", "7", "-12", "123456789012345678", "-123456789012345678", "9223372036854775807",
    "-9223372036854775808", "1.5", "-0.25", "1e3", "1E-3", "2.5e+10", "6.02214076e23", "0.1",
    "true", "false", "null", "\"\"", "\"plain\"",
    "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
    "\"caf\\u00e9 \\u20ac \\ud83d\\ude00 \\uFFFF\"",
    "\"Très bien 👍, 日本語\"",
    "[]", "{}", "[[]]", "[{}]", " \t\r\n [ 1 , 2 ] \n",
    "{\"b\":1,\"a\":2,\"c\":{\"z\":[1,2.5,\"x\",true,false,null,{}]}}",
    "{\"a\":1,\"a\":2}",
    "{\"id\":7,\"image_id\":3,\"category_id\":2,\"bbox\":[10.5,20,30.25,40],\"area\":1210.0,"
    "\"iscrowd\":0,\"segmentation\":[[10.5,20,40.75,20,40.75,60]],\"score\":0.97}",
    "{\"shape\":{\"type\":\"polygon\",\"points\":[[0,0],[1e-7,2],[3,4.000000000000001]]},"
    "\"labels\":[\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d92\"],\"note\":\"<b>&amp;</b>\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_same (documents[i]);
}

/* Nested to the limit is read; one deeper is refused, as calque_json_load_one()
 * refuses it. */
static void
test_depth (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  for (int i = 0; i < CALQUE_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < CALQUE_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, ']');
  assert_same (text->str);

  g_string_prepend_c (text, '[');
  g_string_append_c (text, ']');
  root = calque_json_parse (text->str, -1, &error);
  g_assert_null (root);
  g_assert_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TOO_DEEP);
  g_assert_null (json_glib_reads (text->str, -1));
}

typedef struct {
  const char *text;
  int code;
  const char *message;
} Refused;

static void
test_refused (void)
{
  static const Refused refused[] = {
    { "", CALQUE_JSON_ERROR_SYNTAX, "the text ends where a value is expected, at byte 1" },
    { "  ", CALQUE_JSON_ERROR_SYNTAX, "the text ends where a value is expected, at byte 3" },
    { "{\"a\":1}{\"b\":2}", CALQUE_JSON_ERROR_TRAILING_DATA, "unexpected data after the JSON value, at byte 8" },
    { "[1] x", CALQUE_JSON_ERROR_TRAILING_DATA, "unexpected data after the JSON value, at byte 5" },
    { "\"a\\u0000b\"", CALQUE_JSON_ERROR_BAD_ESCAPE, "a string holds \\u0000 (a NUL character), at byte 3" },
    { "\"\\ud800\"", CALQUE_JSON_ERROR_BAD_ESCAPE, "a string holds half of a UTF-16 surrogate pair, at byte 2" },
    { "\"\\udc00\\ud800\"", CALQUE_JSON_ERROR_BAD_ESCAPE, "a string holds half of a UTF-16 surrogate pair, at byte 2" },
    { "\"\\ud800\\u0041\"", CALQUE_JSON_ERROR_BAD_ESCAPE, "a string holds half of a UTF-16 surrogate pair, at byte 2" },
    { "\"\\u12\"", CALQUE_JSON_ERROR_SYNTAX, "a \\u escape does not have four hex digits, at byte 2" },
    { "\"\\x\"", CALQUE_JSON_ERROR_SYNTAX, "a string holds an unknown escape, at byte 2" },
    { "\"open", CALQUE_JSON_ERROR_SYNTAX, "a string is not closed, at byte 1" },
    { "[\"a\tb\"]", CALQUE_JSON_ERROR_SYNTAX, "a string holds a raw control character, at byte 4" },
    { "\"\xc3\x28\"", CALQUE_JSON_ERROR_SYNTAX, "a string is not valid UTF-8, at byte 2" },
    { "\"\xed\xa0\x80\"", CALQUE_JSON_ERROR_SYNTAX, "a string is not valid UTF-8, at byte 2" },
    { "01", CALQUE_JSON_ERROR_TRAILING_DATA, "unexpected data after the JSON value, at byte 2" },
    { "1.", CALQUE_JSON_ERROR_SYNTAX, "a number is not written as JSON writes numbers, at byte 1" },
    { ".5", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 1" },
    { "+1", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 1" },
    { "-", CALQUE_JSON_ERROR_SYNTAX, "a number is not written as JSON writes numbers, at byte 1" },
    { "1e", CALQUE_JSON_ERROR_SYNTAX, "a number is not written as JSON writes numbers, at byte 1" },
    { "[1,]", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 4" },
    { "[1 2]", CALQUE_JSON_ERROR_SYNTAX, "“,” or “]” is expected in an array, at byte 4" },
    { "{\"a\":1,}", CALQUE_JSON_ERROR_SYNTAX, "a member name is expected, at byte 8" },
    { "{a:1}", CALQUE_JSON_ERROR_SYNTAX, "a member name is expected, at byte 2" },
    { "{\"a\" 1}", CALQUE_JSON_ERROR_SYNTAX, "“:” is expected after a member name, at byte 6" },
    { "{\"a\":1 \"b\":2}", CALQUE_JSON_ERROR_SYNTAX, "“,” or “}” is expected in an object, at byte 8" },
    { "[tru]", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 2" },
    { "nul", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 1" },
    { "[1", CALQUE_JSON_ERROR_SYNTAX, "“,” or “]” is expected in an array, at byte 3" },
    { "{\"a\":", CALQUE_JSON_ERROR_SYNTAX, "the text ends where a value is expected, at byte 6" },
    { "NaN", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 1" },
    { "[Infinity]", CALQUE_JSON_ERROR_SYNTAX, "unexpected character, at byte 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = calque_json_parse (refused[i].text, -1, &error);

      g_test_message ("%s", refused[i].text);
      g_assert_null (root);
      g_assert_error (error, CALQUE_JSON_ERROR, refused[i].code);
      g_assert_cmpstr (error->message, ==, refused[i].message);
    }
}

/* A length that stops inside the text: what follows is not read. */
static void
test_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = fast_reads ("[1,2]garbage", 5, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "[1,2]");
  g_clear_pointer (&got, g_free);
  got = fast_reads ("\"abc\"", 3, &error);
  g_assert_null (got);
  g_assert_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_SYNTAX);
}

/* A random value, written as json-glib would write it. */
static void
append_random_value (GString *out,
                     GRand   *rand,
                     int      depth)
{
  static const char * const strings[] = {
    "", "a", "é", "\\\"", "\\n\\t", "\\u00e9", "\\ud83d\\ude00", "日本", "<b>", "x y", "\\/",
  };
  int choice = g_rand_int_range (rand, 0, depth < 5 ? 8 : 6);

  switch (choice)
    {
    case 0: g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) g_rand_int (rand) * g_rand_int_range (rand, -3, 4)); break;
    case 1:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, g_rand_double_range (rand, -1e6, 1e6)));
        if (!strpbrk (buffer, ".eEn"))
          g_string_append (out, ".5");
        break;
      }
    case 2: g_string_append (out, g_rand_boolean (rand) ? "true" : "false"); break;
    case 3: g_string_append (out, "null"); break;
    case 4:
    case 5:
      g_string_append_c (out, '"');
      for (int n = g_rand_int_range (rand, 0, 4); n > 0; n--)
        g_string_append (out, strings[g_rand_int_range (rand, 0, G_N_ELEMENTS (strings))]);
      g_string_append_c (out, '"');
      break;
    case 6:
      g_string_append_c (out, '[');
      for (int n = g_rand_int_range (rand, 0, 5), i = 0; i < n; i++)
        {
          g_string_append (out, i ? ", " : "");
          append_random_value (out, rand, depth + 1);
        }
      g_string_append_c (out, ']');
      break;
    default:
      g_string_append_c (out, '{');
      for (int n = g_rand_int_range (rand, 0, 5), i = 0; i < n; i++)
        {
          g_string_append_printf (out, "%s\"k%d\": ", i ? "," : "", g_rand_int_range (rand, 0, 6));
          append_random_value (out, rand, depth + 1);
        }
      g_string_append_c (out, '}');
    }
}

/* Random documents read the same; random damage to them is either
 * refused by both, or read the same by both, or refused by
 * calque_json_parse() alone for a reason of JSON's that json-glib lets
 * pass (never the other way round). */
static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  static const char damage[] = "{}[],:\"\\ 0-.e+tfnu\x01\xc3\xff";
  guint stricter = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      append_random_value (text, rand, 0);
      assert_same (text->str);

      for (int n = g_rand_int_range (rand, 1, 3); n > 0 && text->len > 0; n--)
        {
          guint at = g_rand_int_range (rand, 0, text->len);
          char c = damage[g_rand_int_range (rand, 0, sizeof damage - 1)];

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0: text->str[at] = c; break;
            case 1: g_string_insert_c (text, at, c); break;
            default: g_string_erase (text, at, 1);
            }
        }
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *expected = json_glib_reads (text->str, text->len);
        g_autofree char *got = fast_reads (text->str, text->len, &error);

        if (got != NULL)
          {
            g_assert_no_error (error);
            g_assert_cmpstr (got, ==, expected);
          }
        else
          {
            g_assert_nonnull (error);
            if (expected != NULL && stricter++ < 20)
              g_test_message ("refused, json-glib read it: %s (%s)", text->str, error->message);
          }
      }
    }
  g_test_message ("%u damaged documents json-glib read and calque_json_parse() refused", stricter);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-parse/same-values", test_same_values);
  g_test_add_func ("/json-parse/depth", test_depth);
  g_test_add_func ("/json-parse/refused", test_refused);
  g_test_add_func ("/json-parse/length", test_length);
  g_test_add_func ("/json-parse/random", test_random);
  return g_test_run ();
}
