/* test-fuzz-decoders.c — hostile bytes through every decoder of libcalque
 *
 * Real inputs (records of every kind, shapes, CSV and JSONL files) are
 * mutated thousands of times — bits flipped, bytes dropped, inserted or
 * repeated, cut short, spliced with another input — and fed to the
 * decoders. Each must answer with a value or an error, never crash, never
 * hit a GLib critical (fatal in the test environment), and never return an
 * error without a message. The random seed is fixed so a failure repeats;
 * set CALQUE_FUZZ_SEED to explore others.
 */
#include "calque-json.h"
#include "calque-json-writer.h"
#include "calque-record-json.h"
#include "calque-text-source.h"

#include <glib/gstdio.h>
#include <string.h>

#define P "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define I "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"

static const char * const record_seeds[] = {
  "{\"id\":\"" P "\",\"kind\":\"project\",\"project\":\"" P "\",\"name\":\"Birds\",\"type\":\"image\",\"overlap\":2}",
  "{\"id\":\"" I "\",\"kind\":\"label\",\"project\":\"" P "\",\"name\":\"tit\",\"color\":\"#e01b24\",\"shortcut\":\"1\","
  "\"attributes\":[{\"name\":\"pose\",\"type\":\"enum\",\"options\":[\"a\",\"b\"]},{\"name\":\"n\",\"type\":\"number\",\"min\":0}]}",
  "{\"id\":\"" I "\",\"kind\":\"item\",\"project\":\"" P "\",\"media\":\"text\",\"name\":\"a:1\",\"text\":\"Café 👍\"}",
  "{\"id\":\"" I "\",\"kind\":\"annotation\",\"project\":\"" P "\",\"item\":\"" I "\",\"author\":\"a\",\"labels\":[\"" I "\"],"
  "\"shape\":{\"type\":\"polygon\",\"points\":[0,0,10,0,10,10],\"holes\":[[1,1,2,1,2,2]]},\"confidence\":0.5}",
  "{\"id\":\"" I "\",\"kind\":\"annotation\",\"project\":\"" P "\",\"item\":\"" I "\",\"author\":\"a\",\"labels\":[],"
  "\"shape\":{\"type\":\"segment\",\"start\":1.5,\"end\":2,\"channel\":0}}",
  "{\"id\":\"" I "\",\"kind\":\"conflict\",\"project\":\"" P "\",\"record\":\"" I "\",\"field\":\"x\",\"value\":[1,{\"a\":null}]}",
};

static const char * const text_seeds[] = {
  "id,text,source\n1,\"Hello, world\",en\n2,\"Il a dit \"\"oui\"\"\npuis non\",fr\n",
  "{\"text\":\"one\",\"lang\":\"en\"}\n{\"text\":\"deux 😀\",\"n\":2}\n\n{\"text\":\"東京\"}\n",
  "first line\r\nsecond line\n\nthird\n",
};

static GRand *rng;

/* GLib 2.74 has no g_byte_array_insert(). */
static void
insert_byte (GByteArray *bytes,
             guint       at,
             guint8      b)
{
  g_byte_array_set_size (bytes, bytes->len + 1);
  memmove (bytes->data + at + 1, bytes->data + at, bytes->len - at - 1);
  bytes->data[at] = b;
}

static GByteArray *
mutate (const char *seed,
        const char *other)
{
  GByteArray *bytes = g_byte_array_new ();
  int rounds = g_rand_int_range (rng, 1, 6);

  g_byte_array_append (bytes, (const guint8 *) seed, strlen (seed));
  for (int r = 0; r < rounds && bytes->len > 0; r++)
    {
      guint at = g_rand_int_range (rng, 0, bytes->len);
      /* Drawn once: MIN () would evaluate a g_rand call twice. */
      guint span = g_rand_int_range (rng, 1, 32);

      switch (g_rand_int_range (rng, 0, 7))
        {
        case 0:  /* flip a bit */
          bytes->data[at] ^= (guint8) (1 << g_rand_int_range (rng, 0, 8));
          break;
        case 1:  /* drop a run */
          g_byte_array_remove_range (bytes, at, MIN (bytes->len - at, span / 2 + 1));
          break;
        case 2:  /* insert a byte that matters to JSON or CSV */
          {
            static const guint8 special[] = "\"\\,{}[]:\n\r\x00\xff\xc3-0e9";
            guint8 b = special[g_rand_int_range (rng, 0, sizeof special - 1)];
            insert_byte (bytes, at, b);
          }
          break;
        case 3:  /* cut short */
          g_byte_array_set_size (bytes, at);
          break;
        case 4:  /* repeat a run */
          {
            guint len = MIN (bytes->len - at, span);
            g_autofree guint8 *run = g_memdup2 (bytes->data + at, len);
            g_byte_array_append (bytes, run, len);
          }
          break;
        case 5:  /* splice the tail of another input */
          {
            gsize olen = strlen (other);
            gsize from = g_rand_int_range (rng, 0, (gint32) MAX (olen, 1));
            g_byte_array_set_size (bytes, at);
            g_byte_array_append (bytes, (const guint8 *) other + from, olen - from);
          }
          break;
        default:  /* a big number where a small one was */
          {
            static const char *big = "1e999";
            g_byte_array_append (bytes, (const guint8 *) big, 5);
          }
          break;
        }
    }
  return bytes;
}

static void
test_record_decoder (void)
{
  guint decoded = 0, refused = 0;

  for (int i = 0; i < 40000; i++)
    {
      const char *seed = record_seeds[i % G_N_ELEMENTS (record_seeds)];
      const char *other = record_seeds[g_rand_int_range (rng, 0, G_N_ELEMENTS (record_seeds))];
      g_autoptr(GByteArray) input = mutate (seed, other);
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueRecord) record = calque_record_from_json ((const char *) input->data, input->len, &error);

      if (record)
        {
          g_autofree char *again = NULL;
          g_autoptr(CalqueRecord) back = NULL;

          g_assert_no_error (error);
          /* Whatever decodes must encode and decode to the same record. */
          again = calque_record_to_json (record, NULL);
          back = calque_record_from_json (again, -1, &error);
          g_assert_no_error (error);
          g_assert_true (calque_record_equal (record, back));
          decoded++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->message && *error->message);
          refused++;
        }
    }
  g_test_message ("records: %u decoded, %u refused", decoded, refused);
  /* The mutations must reach both sides, or the test tests nothing. */
  g_assert_cmpuint (decoded, >, 100);
  g_assert_cmpuint (refused, >, 1000);
}

/* calque_json_parse() takes in hostile bytes (file elements, stored
 * rows): what it reads writes out as valid UTF-8 JSON that reads back the
 * same, and json-glib reads the same value from the same bytes. */
static void
test_json_parse (void)
{
  guint read = 0, refused = 0;

  for (int i = 0; i < 40000; i++)
    {
      const char *seed = record_seeds[i % G_N_ELEMENTS (record_seeds)];
      const char *other = record_seeds[g_rand_int_range (rng, 0, G_N_ELEMENTS (record_seeds))];
      g_autoptr(GByteArray) input = mutate (seed, other);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = calque_json_parse ((const char *) input->data, input->len, &error);

      if (root != NULL)
        {
          g_autofree char *text = calque_json_node_to_string (root, NULL);
          g_autoptr(JsonNode) again = calque_json_parse (text, -1, &error);
          g_autofree char *text_again = NULL;
          g_autoptr(JsonParser) parser = json_parser_new ();

          g_assert_no_error (error);
          g_assert_true (g_utf8_validate (text, -1, NULL));
          text_again = calque_json_node_to_string (again, NULL);
          g_assert_cmpstr (text_again, ==, text);
          if (memchr (input->data, '\0', input->len) == NULL)
            {
              g_autofree char *theirs = NULL;

              g_assert_true (calque_json_load_one (parser, (const char *) input->data, input->len, NULL));
              theirs = calque_json_node_to_string (json_parser_get_root (parser), NULL);
              g_assert_cmpstr (theirs, ==, text);
            }
          read++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->message && *error->message);
          refused++;
        }
    }
  g_test_message ("JSON: %u read, %u refused", read, refused);
  g_assert_cmpuint (read, >, 100);
  g_assert_cmpuint (refused, >, 1000);
}

typedef struct {
  guint texts;
} Count;

static gboolean
count_text_cb (const char  *text,
               guint        line,
               JsonObject  *metadata,
               gpointer     user_data,
               GError     **error)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (line, >=, 1);
  ((Count *) user_data)->texts++;
  return TRUE;
}

static void
test_text_sources (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-fuzz-XXXXXX", &error);
  static const char * const names[] = { "in.csv", "in.jsonl", "in.txt" };
  guint ok = 0, refused = 0;

  g_assert_no_error (error);
  for (int i = 0; i < 6000; i++)
    {
      guint which = i % G_N_ELEMENTS (text_seeds);
      g_autofree char *path = g_build_filename (dir, names[which], NULL);
      g_autoptr(GByteArray) input = mutate (text_seeds[which], text_seeds[g_rand_int_range (rng, 0, 3)]);
      CalqueTextSourceOptions options = { 0 };
      Count count = { 0 };
      g_autoptr(GError) local_error = NULL;

      g_assert_true (g_file_set_contents (path, (const char *) input->data, input->len, NULL));
      if (calque_text_source_read (path, &options, count_text_cb, &count, &local_error))
        {
          g_assert_no_error (local_error);
          ok++;
        }
      else
        {
          g_assert_nonnull (local_error);
          /* Every refusal names the file. */
          g_assert_true (strstr (local_error->message, names[which]) != NULL);
          refused++;
        }
      g_unlink (path);
    }
  g_rmdir (dir);
  g_test_message ("text files: %u read, %u refused", ok, refused);
  g_assert_cmpuint (ok, >, 100);
  g_assert_cmpuint (refused, >, 100);
}

int
main (int argc, char **argv)
{
  const char *seed = g_getenv ("CALQUE_FUZZ_SEED");

  g_test_init (&argc, &argv, NULL);
  rng = g_rand_new_with_seed (seed ? (guint32) g_ascii_strtoull (seed, NULL, 10) : 20261125);
  g_test_add_func ("/fuzz/record-decoder", test_record_decoder);
  g_test_add_func ("/fuzz/text-sources", test_text_sources);
  g_test_add_func ("/fuzz/json-parse", test_json_parse);
  return g_test_run ();
}
