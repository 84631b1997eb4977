/* test-record-json.c — records, their schema, and their JSON form */
#include "calque-record-json.h"
#include "calque-uuid.h"
#include "calque-json.h"
#include "calque-json-writer.h"

#include <math.h>
#include <string.h>

#define PROJECT "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define ITEM    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"
#define LABEL   "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d92"
#define TASK    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d93"
#define ANNOT   "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d94"
#define SHA     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Each kind in a complete form; every one must survive JSON and back. */
static const char * const examples[] = {
  "{\"id\":\"" PROJECT "\",\"kind\":\"project\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"name\":\"Oiseaux du jardin\",\"type\":\"image\",\"description\":\"Mésanges & co\",\"overlap\":2,"
  "\"multi_label\":true,\"created\":1764028800000}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d95\",\"kind\":\"member\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"user\":\"amelie\",\"role\":\"reviewer\"}",

  "{\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"name\":\"mésange\",\"color\":\"#e01b24\",\"shortcut\":\"1\",\"position\":0,"
  "\"attributes\":[{\"name\":\"occluded\",\"type\":\"bool\",\"default\":false},"
  "{\"name\":\"pose\",\"type\":\"enum\",\"options\":[\"flying\",\"perched\"]},"
  "{\"name\":\"count\",\"type\":\"number\",\"min\":0,\"max\":50},"
  "{\"name\":\"note\",\"type\":\"text\"}]}",

  "{\"id\":\"" ITEM "\",\"kind\":\"item\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"media\":\"image\",\"name\":\"garden/tit.jpg\",\"mime\":\"image/jpeg\",\"size\":48213,"
  "\"sha256\":\"" SHA "\",\"width\":640,\"height\":480,\"metadata\":{\"camera\":\"X100\"},"
  "\"created\":1764028800000}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d96\",\"kind\":\"item\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"media\":\"text\",\"name\":\"avis.txt:3\",\"text\":\"Très bien 👍, merci\","
  "\"source_sha256\":\"" SHA "\",\"source_line\":3}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d97\",\"kind\":\"item\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"media\":\"audio\",\"name\":\"hello.wav\",\"mime\":\"audio/wav\","
  "\"sha256\":\"" SHA "\",\"duration\":2.5,\"sample_rate\":22050,\"channels\":1}",

  "{\"id\":\"" TASK "\",\"kind\":\"task\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"item\":\"" ITEM "\",\"annotator\":\"amelie\",\"state\":\"in_progress\"}",

  "{\"id\":\"" ANNOT "\",\"kind\":\"annotation\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"item\":\"" ITEM "\",\"task\":\"" TASK "\",\"author\":\"amelie\",\"labels\":[\"" LABEL "\"],"
  "\"shape\":{\"type\":\"polygon\",\"points\":[1,1,50,1,50,40],\"holes\":[[10,5,20,5,20,10]]},"
  "\"attributes\":{\"pose\":\"perched\"},\"confidence\":0.75,\"created\":1,\"updated\":2}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d98\",\"kind\":\"comment\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"item\":\"" ITEM "\",\"annotation\":\"" ANNOT "\",\"author\":\"bob\","
  "\"text\":\"<b>not bold</b> & \\\"quoted\\\"\",\"resolved\":false}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d99\",\"kind\":\"review\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"item\":\"" ITEM "\",\"task\":\"" TASK "\",\"reviewer\":\"chloe\","
  "\"decision\":\"rejected\",\"comment\":\"the wing is cut\"}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9a\",\"kind\":\"conflict\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"record\":\"" ANNOT "\",\"field\":\"labels\",\"value\":[\"" LABEL "\"],"
  "\"clock\":\"019ab84f5c7b0007-deadbeef01020304\",\"author\":\"bob\",\"seq\":17}",

  /* a tombstone keeps what it had but need not be complete */
  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9b\",\"kind\":\"annotation\",\"project\":\"" PROJECT "\","
  "\"deleted\":true,\"author\":\"bob\"}",
};

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_roundtrip_every_kind (void)
{
  gboolean seen[CALQUE_N_KINDS] = { FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueRecord) record = calque_record_from_json (examples[i], -1, &error);
      g_autoptr(CalqueRecord) back = NULL;
      g_autoptr(JsonNode) expected = parse (examples[i]);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (record);
      seen[calque_record_get_kind (record)] = TRUE;

      node = calque_record_to_json_node (record);
      g_assert_true (json_node_equal (expected, node));

      json = calque_record_to_json (record, NULL);
      back = calque_record_from_json (json, -1, &error);
      g_assert_no_error (error);
      g_assert_true (calque_record_equal (record, back));
    }

  for (guint k = 0; k < CALQUE_N_KINDS; k++)
    if (!seen[k])
      g_error ("no round-trip example of kind %s", calque_kind_to_string (k));
}

static void
assert_refused (const char *json,
                int         code,
                const char *in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueRecord) record = calque_record_from_json (json, -1, &error);

  g_assert_null (record);
  g_assert_error (error, CALQUE_RECORD_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, in_message);
}

#define ENVELOPE(kind) "{\"id\":\"" LABEL "\",\"kind\":\"" kind "\",\"project\":\"" PROJECT "\","

static void
test_strict_decoding (void)
{
  assert_refused ("[1,2]", CALQUE_RECORD_ERROR_SYNTAX, "JSON object");
  assert_refused ("{\"id\":", CALQUE_RECORD_ERROR_SYNTAX, "not valid JSON");
  assert_refused (ENVELOPE ("bicycle") "\"name\":\"x\"}", CALQUE_RECORD_ERROR_UNKNOWN_KIND, "unknown kind “bicycle”");
  assert_refused ("{\"id\":\"42\",\"kind\":\"label\",\"project\":\"" PROJECT "\"}", CALQUE_RECORD_ERROR_ID, "“42” is not a record id");
  assert_refused ("{\"kind\":\"label\",\"project\":\"" PROJECT "\"}", CALQUE_RECORD_ERROR_MISSING_FIELD, "no “id”");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\",\"color\":\"#ffffff\",\"colour\":\"red\"}",
                  CALQUE_RECORD_ERROR_UNKNOWN_FIELD, "“colour”");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\"}", CALQUE_RECORD_ERROR_MISSING_FIELD, "“color”: is required");
  assert_refused (ENVELOPE ("label") "\"name\":12,\"color\":\"#ffffff\"}", CALQUE_RECORD_ERROR_FIELD_TYPE, "“name”: must be a string");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\",\"color\":\"red\"}", CALQUE_RECORD_ERROR_VALUE, "“red” is not a color");
  assert_refused (ENVELOPE ("label") "\"name\":\"  \",\"color\":\"#ffffff\"}", CALQUE_RECORD_ERROR_VALUE, "must not be empty");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\",\"color\":\"#ffffff\",\"shortcut\":\"ctrl+c\"}",
                  CALQUE_RECORD_ERROR_VALUE, "not a single key");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\",\"color\":\"#ffffff\",\"attributes\":[{\"name\":\"a\",\"type\":\"enum\"}]}",
                  CALQUE_RECORD_ERROR_VALUE, "non-empty list of options");
  assert_refused (ENVELOPE ("label") "\"name\":\"car\",\"color\":\"#ffffff\",\"attributes\":[{\"name\":\"a\",\"type\":\"bool\"},{\"name\":\"a\",\"type\":\"text\"}]}",
                  CALQUE_RECORD_ERROR_VALUE, "defined twice");
  assert_refused ("{\"id\":\"" PROJECT "\",\"kind\":\"project\",\"project\":\"" PROJECT "\",\"name\":\"p\",\"type\":\"video\"}", CALQUE_RECORD_ERROR_VALUE, "“video” is not one of image, text, audio");
  assert_refused (ENVELOPE ("task") "\"item\":\"" ITEM "\",\"annotator\":\"a\",\"state\":\"done\"}",
                  CALQUE_RECORD_ERROR_VALUE, "“done” is not one of");
  assert_refused (ENVELOPE ("item") "\"media\":\"image\",\"name\":\"a.png\",\"sha256\":\"" SHA "\"}",
                  CALQUE_RECORD_ERROR_MISSING_FIELD, "width and height");
  assert_refused (ENVELOPE ("item") "\"media\":\"text\",\"name\":\"a.txt:1\"}", CALQUE_RECORD_ERROR_MISSING_FIELD, "needs its text");
  assert_refused (ENVELOPE ("item") "\"media\":\"image\",\"name\":\"a.png\",\"sha256\":\"ABC\",\"width\":1,\"height\":1}",
                  CALQUE_RECORD_ERROR_VALUE, "64 lowercase hex");
  assert_refused (ENVELOPE ("annotation") "\"item\":\"" ITEM "\",\"author\":\"a\",\"labels\":[],"
                  "\"shape\":{\"type\":\"box\",\"x\":0,\"y\":0,\"w\":1,\"h\":1},\"confidence\":1.5}",
                  CALQUE_RECORD_ERROR_VALUE, "“confidence”: 1.5 is outside 0…1");
  assert_refused (ENVELOPE ("annotation") "\"item\":\"" ITEM "\",\"author\":\"a\",\"labels\":[\"nope\"],"
                  "\"shape\":{\"type\":\"point\",\"x\":0,\"y\":0}}",
                  CALQUE_RECORD_ERROR_ID, "element 1 is not a record id");
  assert_refused (ENVELOPE ("annotation") "\"item\":\"" ITEM "\",\"author\":\"a\",\"labels\":[],"
                  "\"shape\":{\"type\":\"polygon\",\"points\":[0,0,1,1]}}",
                  CALQUE_RECORD_ERROR_VALUE, "“shape”: polygon has 2 points");
  assert_refused (ENVELOPE ("annotation") "\"item\":\"" ITEM "\",\"author\":\"a\",\"labels\":[],"
                  "\"shape\":{\"type\":\"classification\"}}",
                  CALQUE_RECORD_ERROR_VALUE, "at least one label");
  assert_refused ("{\"id\":\"" LABEL "\",\"kind\":\"project\",\"project\":\"" PROJECT "\",\"name\":\"p\",\"type\":\"text\"}",
                  CALQUE_RECORD_ERROR_VALUE, "belongs to itself");
}

static void
test_dirty_fields (void)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, PROJECT);
  g_auto(GStrv) dirty = NULL;
  g_auto(GStrv) after = NULL;
  g_auto(GStrv) again = NULL;

  calque_record_set_string (label, "name", "car");
  calque_record_set_string (label, "color", "#ffffff");
  dirty = calque_record_dup_dirty_fields (label);
  g_assert_cmpuint (g_strv_length (dirty), ==, 2);
  g_assert_cmpstr (dirty[0], ==, "color");
  g_assert_cmpstr (dirty[1], ==, "name");

  calque_record_mark_clean (label);
  /* Writing the same value is not a change: it must not win a merge. */
  calque_record_set_string (label, "name", "car");
  after = calque_record_dup_dirty_fields (label);
  g_assert_cmpuint (g_strv_length (after), ==, 0);

  calque_record_set_string (label, "name", "truck");
  calque_record_set_deleted (label, TRUE);
  again = calque_record_dup_dirty_fields (label);
  g_assert_cmpuint (g_strv_length (again), ==, 2);
  g_assert_cmpstr (again[0], ==, "deleted");
  g_assert_cmpstr (again[1], ==, "name");
}

static void
test_span_counts_code_points (void)
{
  /* "Café 👍 ok": 9 code points, 13 UTF-8 bytes, 10 UTF-16 units. */
  g_autoptr(CalqueRecord) item = calque_record_new_with_id (CALQUE_KIND_ITEM, ITEM, PROJECT);
  g_autoptr(CalqueRecord) inside = calque_record_new (CALQUE_KIND_ANNOTATION, PROJECT);
  g_autoptr(CalqueRecord) outside = calque_record_new (CALQUE_KIND_ANNOTATION, PROJECT);
  g_autoptr(CalqueShape) all = calque_shape_new_span (0, 9);
  g_autoptr(CalqueShape) beyond = calque_shape_new_span (0, 10);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "t:1");
  calque_record_set_string (item, "text", "Café 👍 ok");
  calque_record_set_shape (inside, all);
  calque_record_set_shape (outside, beyond);

  g_assert_true (calque_annotation_validate_for_item (inside, item, &error));
  g_assert_no_error (error);
  g_assert_false (calque_annotation_validate_for_item (outside, item, &error));
  g_assert_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "9 characters"));
}

static void
test_free_form_fields_checked (void)
{
  g_autoptr(CalqueRecord) item = calque_record_new_with_id (CALQUE_KIND_ITEM, ITEM, PROJECT);
  JsonObject *meta = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, 'x');
  g_autoptr(GError) error = NULL;

  calque_record_set_string (item, "media", "text");
  calque_record_set_string (item, "name", "a:1");
  calque_record_set_string (item, "text", "fine");
  /* Bytes that are not UTF-8 must not hide in metadata. */
  json_object_set_string_member (meta, "src", "caf\xe9");
  json_node_take_object (node, meta);
  calque_record_set_field (item, "metadata", node);
  g_assert_false (calque_record_validate (item, &error));
  g_assert_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "“metadata”: a string is not valid UTF-8"));
  g_clear_error (&error);

  meta = json_object_new ();
  json_object_set_string_member (meta, "blob", big);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, meta);
  calque_record_set_field (item, "metadata", node);
  g_assert_false (calque_record_validate (item, &error));
  g_assert_nonnull (strstr (error->message, "larger than 1024 KiB"));
}

static void
test_copy_is_deep (void)
{
  g_autoptr(CalqueRecord) a = calque_record_from_json (examples[3], -1, NULL);
  g_autoptr(CalqueRecord) b = calque_record_copy (a);

  g_assert_true (calque_record_equal (a, b));
  calque_record_set_int (b, "width", 1024);
  g_assert_false (calque_record_equal (a, b));
  g_assert_cmpint (calque_record_get_int (a, "width", 0), ==, 640);
}

static void
test_new_ids_are_v7 (void)
{
  g_autoptr(CalqueRecord) project = calque_record_new (CALQUE_KIND_PROJECT, NULL);

  g_assert_true (calque_uuid_is_valid (calque_record_get_id (project)));
  g_assert_cmpint (calque_record_get_id (project)[14], ==, '7');
  g_assert_cmpstr (calque_record_get_project (project), ==, calque_record_get_id (project));
}

static void
test_json_one_value (void)
{
  static const struct {
    const char *input;
    int trailing_at;   /* 0: accepted; -1: json-glib refuses; else the byte named */
  } cases[] = {
    { "{\"a\":1}  \n", 0 },
    { "[1,\"]\",{\"b\":\"}\"}]", 0 },          /* brackets inside strings */
    { "{\"a\":\"\\\"}\"}", 0 },              /* an escaped quote */
    { "\"just a string\"", 0 },
    { "42", 0 },
    { "{\"a\":1}{\"b\":2}", 8 },
    { "{\"a\":1} [", 9 },
    { "\"s\"x", 4 },
    { "123 456", 5 },
    { "{\"a\":1", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok = calque_json_load_one (parser, cases[i].input, -1, &error);

      if (cases[i].trailing_at == 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else if (cases[i].trailing_at < 0)
        {
          g_assert_false (ok);
          g_assert_error (error, JSON_PARSER_ERROR, error->code);
        }
      else
        {
          g_autofree char *where = g_strdup_printf ("at byte %d", cases[i].trailing_at);

          g_assert_false (ok);
          g_assert_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TRAILING_DATA);
          g_assert_nonnull (strstr (error->message, where));
        }
    }

  /* Guards for what json-glib would mishandle. */
  {
    static const struct { const char *input; int code; } refused[] = {
      { "{\"t\":\"keep\\u0000lost\"}", CALQUE_JSON_ERROR_BAD_ESCAPE },
      { "{\"t\":\"a\\ud800b\"}", CALQUE_JSON_ERROR_BAD_ESCAPE },      /* high half alone */
      { "{\"t\":\"a\\udc00b\"}", CALQUE_JSON_ERROR_BAD_ESCAPE },      /* low half alone */
      { "\"\\ud83d\"", CALQUE_JSON_ERROR_BAD_ESCAPE },
    };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GString) deep = g_string_new ("{\"a\":");
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(GError) e = NULL;

        g_assert_false (calque_json_load_one (parser, refused[i].input, -1, &e));
        g_assert_error (e, CALQUE_JSON_ERROR, refused[i].code);
      }

    /* A real pair is fine: 😀 is \ud83d\ude00. */
    g_assert_true (calque_json_load_one (parser, "{\"t\":\"\\ud83d\\ude00\"}", -1, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "t"),
                     ==, "😀");

    /* 100,000 levels would overflow json-glib's stack: refused first. */
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    g_assert_false (calque_json_load_one (parser, deep->str, deep->len, &error));
    g_assert_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TOO_DEEP);
  }

  /* json-glib takes an empty document as no value at all; callers then
   * refuse the missing object themselves. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(CalqueRecord) record = NULL;

    g_assert_true (calque_json_load_one (parser, "   ", -1, &error));
    g_assert_null (json_parser_get_root (parser));
    record = calque_record_from_json ("  ", -1, &error);
    g_assert_null (record);
    g_assert_error (error, CALQUE_RECORD_ERROR, CALQUE_RECORD_ERROR_SYNTAX);
  }
}

/* Doubles are written in the fewest digits that read back as the same
 * double, and every one reads back exactly. */
static void
test_doubles_shortest (void)
{
  static const double values[] = { 0.1, 0.399, 1332.9, 1.0 / 3.0, 1e-300, 123456789.123456789,
                                   G_MAXDOUBLE, 4.9406564584124654e-324, -0.5, 1e21, 0.30000000000000004 };
  static const struct { double value; const char *text; } exact[] = {
    { 0.399, "0.399" }, { 1332.9, "1332.9" }, { 2.0, "2.0" }, { 0.30000000000000004, "0.30000000000000004" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), values[i]);
      g_autofree char *text = calque_json_node_to_string (node, NULL);

      g_assert_cmpfloat (g_ascii_strtod (text, NULL), ==, values[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), exact[i].value);
      g_autofree char *text = calque_json_node_to_string (node, NULL);

      g_assert_cmpstr (text, ==, exact[i].text);
    }
}

/* Values with a few decimals are written by hand, not by printf: the text
 * is the same as "%.15g" gives, for every scale, sign and edge around the
 * hand-written range. */
static void
test_doubles_short_decimals (void)
{
  static const double edges[] = { 0.0, -0.0, 1e-4, -1e-4, 9.99999e-5, 0.000123, 1e-5, 999999999.0,
                                  999999999.5, 1e9, -1e9, 123456789.123456, 1920.0, 1080.5, 0.875, 100.0,
                                  2.5, -2.5, 1e15, 4503599627370496.5, 12345678.9, 0.3 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < G_N_ELEMENTS (edges) + 200000; i++)
    {
      double value = i < G_N_ELEMENTS (edges)
                     ? edges[i]
                     : g_rand_int_range (rand, -2000000000, 2000000000) / pow (10, g_rand_int_range (rand, 0, 10));
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), value);
      g_autofree char *text = calque_json_node_to_string (node, NULL);
      char expected[G_ASCII_DTOSTR_BUF_SIZE + 2];

      g_ascii_formatd (expected, sizeof expected - 2, "%.15g", value);
      if (g_ascii_strtod (expected, NULL) != value)
        continue;   /* 16 or 17 digits: the slow way, checked above */
      if (strpbrk (expected, ".eE") == NULL)
        g_strlcat (expected, ".0", sizeof expected);
      g_assert_cmpstr (text, ==, expected);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record-json/roundtrip-every-kind", test_roundtrip_every_kind);
  g_test_add_func ("/record-json/strict-decoding", test_strict_decoding);
  g_test_add_func ("/json/one-value", test_json_one_value);
  g_test_add_func ("/json/doubles-shortest", test_doubles_shortest);
  g_test_add_func ("/json/doubles-short-decimals", test_doubles_short_decimals);
  g_test_add_func ("/record/dirty-fields", test_dirty_fields);
  g_test_add_func ("/record/span-counts-code-points", test_span_counts_code_points);
  g_test_add_func ("/record/free-form-fields-checked", test_free_form_fields_checked);
  g_test_add_func ("/record/copy-is-deep", test_copy_is_deep);
  g_test_add_func ("/record/new-ids-are-v7", test_new_ids_are_v7);
  return g_test_run ();
}
