/* test-record-bson.c — the MongoDB store's BSON form of records and changes
 *
 * Needs no MongoDB server: encoding and decoding are libbson only. Each
 * record is taken through BSON and back, and through the SQLite store's
 * path (JSON text and back) for comparison: both stores must give back the
 * very record the merge made, hostile values included.
 */
#include "calque-json.h"
#include "calque-json-writer.h"
#include "calque-record-bson.h"
#include "calque-record-json.h"
#include "calque-record-private.h"
#include "calque-sqlite-store.h"
#include "calque-test-util.h"

#include <math.h>
#include <string.h>

#define PROJECT "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define ITEM    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"
#define LABEL   "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d92"
#define TASK    "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d93"
#define ANNOT   "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d94"
#define COMMENT "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d98"
#define CLIENT  "0192d4e8-7c4b-7a31-9f02-00000000000a"
#define SHA     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define CLOCK   "019ab84f5c7b0007-deadbeef01020304"
#define NOW     1764028800000

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
  "{\"name\":\"count\",\"type\":\"number\",\"min\":0,\"max\":50.5}]}",

  "{\"id\":\"" ITEM "\",\"kind\":\"item\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"media\":\"image\",\"name\":\"garden/tit.jpg\",\"mime\":\"image/jpeg\",\"size\":48213,"
  "\"sha256\":\"" SHA "\",\"width\":640,\"height\":480,\"metadata\":{\"camera\":\"X100\",\"gps\":null},"
  "\"created\":1764028800000}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d97\",\"kind\":\"item\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"media\":\"audio\",\"name\":\"hello.wav\",\"mime\":\"audio/wav\","
  "\"sha256\":\"" SHA "\",\"duration\":2.0,\"sample_rate\":22050,\"channels\":1}",

  "{\"id\":\"" TASK "\",\"kind\":\"task\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"item\":\"" ITEM "\",\"annotator\":\"amelie\",\"state\":\"in_progress\"}",

  "{\"id\":\"" ANNOT "\",\"kind\":\"annotation\",\"project\":\"" PROJECT "\",\"deleted\":false,"
  "\"item\":\"" ITEM "\",\"task\":\"" TASK "\",\"author\":\"amelie\",\"labels\":[\"" LABEL "\"],"
  "\"shape\":{\"type\":\"polygon\",\"points\":[1.5,1,50,1,50,40.25],\"holes\":[[10,5,20,5,20,10]]},"
  "\"attributes\":{\"pose\":\"perched\",\"count\":3},\"confidence\":0.75,\"created\":1,\"updated\":2}",

  "{\"id\":\"" COMMENT "\",\"kind\":\"comment\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"item\":\"" ITEM "\",\"annotation\":\"" ANNOT "\",\"author\":\"bob\","
  "\"text\":\"<b>not bold</b> & \\\"quoted\\\"\",\"resolved\":false}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d99\",\"kind\":\"review\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"item\":\"" ITEM "\",\"task\":\"" TASK "\",\"reviewer\":\"chloe\","
  "\"decision\":\"rejected\",\"comment\":\"the wing is cut\"}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9a\",\"kind\":\"conflict\",\"project\":\"" PROJECT "\","
  "\"deleted\":false,\"record\":\"" ANNOT "\",\"field\":\"labels\",\"value\":[\"" LABEL "\"],"
  "\"clock\":\"" CLOCK "\",\"author\":\"bob\",\"seq\":17}",

  "{\"id\":\"0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d9b\",\"kind\":\"annotation\",\"project\":\"" PROJECT "\","
  "\"deleted\":true,\"author\":\"bob\"}",
};

/* --- helpers -------------------------------------------------------------- */

static CalqueRecord *
record_from_text (const char *json)
{
  g_autoptr(GError) error = NULL;
  CalqueRecord *record = calque_record_from_json (json, -1, &error);

  g_assert_no_error (error);
  return record;
}

/* Clocks and seqs as the merge leaves them on a stored record. */
static void
stamp (CalqueRecord *record,
       gint64        seq)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, calque_record_get_fields (record));
  while (json_object_iter_next (&iter, &name, &value))
    {
      calque_record_set_clock (record, name, CLOCK);
      calque_record_set_seq (record, name, seq);
    }
  /* A removed field keeps its clock and seq. */
  calque_record_set_clock (record, "gone", "019ab84f5c7b0001-0000000000000001");
  calque_record_set_seq (record, "gone", G_MAXINT64);
  calque_record_mark_clean (record);
}

static CalqueRecord *
through_bson (CalqueRecord *record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(bson_t) doc = calque_record_to_bson (record, &error);
  CalqueRecord *back;

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  /* What libmongoc and MongoDB refuse in stored documents. */
  g_assert_true (bson_validate (doc, BSON_VALIDATE_UTF8 | BSON_VALIDATE_EMPTY_KEYS
                                     | BSON_VALIDATE_DOT_KEYS | BSON_VALIDATE_DOLLAR_KEYS, NULL));
  back = calque_record_from_bson (doc, &error);
  g_assert_no_error (error);
  return back;
}

/* What calque-sqlite-store.c does with a record: fields, clocks and seqs
 * as JSON text, parsed back into a record. */
static CalqueRecord *
through_sqlite_text (CalqueRecord *record)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) wrapper = json_node_init_object (json_node_alloc (), calque_record_get_fields (record));
  g_autofree char *fields = calque_json_node_to_string (wrapper, NULL);
  g_autofree char *clocks = _calque_record_dup_clocks_json (record);
  g_autofree char *seqs = _calque_record_dup_seqs_json (record);
  CalqueRecord *back = calque_record_new_with_id (calque_record_get_kind (record), calque_record_get_id (record),
                                                  calque_record_get_project (record));
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_assert_true (calque_json_load_one (parser, fields, -1, NULL));
  _calque_record_take_fields (back, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
  calque_record_set_deleted (back, calque_record_get_deleted (record));
  g_assert_true (calque_json_load_one (parser, clocks, -1, NULL));
  json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next (&iter, &name, &value))
    calque_record_set_clock (back, name, json_node_get_string (value));
  g_assert_true (calque_json_load_one (parser, seqs, -1, NULL));
  json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next (&iter, &name, &value))
    calque_record_set_seq (back, name, json_node_get_int (value));
  calque_record_mark_clean (back);
  return back;
}

/* Same text (so same types: 1 is not 1.0), same clocks, same seqs. */
static void
assert_same_record (CalqueRecord *a,
                    CalqueRecord *b)
{
  g_autofree char *text_a = calque_record_to_json (a, NULL);
  g_autofree char *text_b = calque_record_to_json (b, NULL);
  g_autofree char *clocks_a = _calque_record_dup_clocks_json (a);
  g_autofree char *clocks_b = _calque_record_dup_clocks_json (b);
  g_autofree char *seqs_a = _calque_record_dup_seqs_json (a);
  g_autofree char *seqs_b = _calque_record_dup_seqs_json (b);
  g_auto(GStrv) dirty = calque_record_dup_dirty_fields (b);

  g_assert_cmpstr (text_a, ==, text_b);
  g_assert_cmpstr (clocks_a, ==, clocks_b);
  g_assert_cmpstr (seqs_a, ==, seqs_b);
  g_assert_true (calque_record_equal (a, b));
  g_assert_cmpuint (g_strv_length (dirty), ==, 0);
}

/* BSON and back gives the record itself, and what the SQLite path gives. */
static void
assert_round_trips (CalqueRecord *record)
{
  g_autoptr(CalqueRecord) from_bson = through_bson (record);
  g_autoptr(CalqueRecord) from_sqlite = through_sqlite_text (record);

  assert_same_record (record, from_bson);
  assert_same_record (from_sqlite, from_bson);
}

/* The value at a dotted @path ("fields.metadata.camera"). */
static gboolean
find (const bson_t *doc,
      const char   *path,
      bson_iter_t  *out)
{
  bson_iter_t iter;

  return bson_iter_init (&iter, doc) && bson_iter_find_descendant (&iter, path, out);
}

/* --- tests ---------------------------------------------------------------- */

static void
test_every_kind (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr(CalqueRecord) record = record_from_text (examples[i]);

      stamp (record, i + 1);
      assert_round_trips (record);
    }
}

static void
test_layout (void)
{
  g_autoptr(CalqueRecord) record = record_from_text (examples[2]);
  g_autoptr(bson_t) doc = NULL;
  g_autofree char *json = NULL;
  bson_iter_t iter;

  stamp (record, 3);
  doc = calque_record_to_bson (record, NULL);
  json = bson_as_relaxed_extended_json (doc, NULL);
  g_test_message ("%s", json);

  /* Where the store's queries and indexes look. */
  g_assert_true (bson_iter_init_find (&iter, doc, "_id") && BSON_ITER_HOLDS_UTF8 (&iter));
  g_assert_cmpstr (bson_iter_utf8 (&iter, NULL), ==, LABEL);
  g_assert_true (bson_iter_init_find (&iter, doc, "kind") && BSON_ITER_HOLDS_UTF8 (&iter));
  g_assert_cmpstr (bson_iter_utf8 (&iter, NULL), ==, "label");
  g_assert_true (bson_iter_init_find (&iter, doc, "project") && BSON_ITER_HOLDS_UTF8 (&iter));
  g_assert_true (bson_iter_init_find (&iter, doc, "deleted") && BSON_ITER_HOLDS_BOOL (&iter));
  g_assert_true (find (doc, "fields.name", &iter) && BSON_ITER_HOLDS_UTF8 (&iter));
  g_assert_cmpstr (bson_iter_utf8 (&iter, NULL), ==, "mésange");
  /* Integers stay integers, and 64-bit ones. */
  g_assert_true (find (doc, "fields.position", &iter) && BSON_ITER_HOLDS_INT64 (&iter));
  g_assert_true (find (doc, "fields.attributes.2.max", &iter) && BSON_ITER_HOLDS_DOUBLE (&iter));
  g_assert_true (find (doc, "clocks.name", &iter) && BSON_ITER_HOLDS_UTF8 (&iter));
  g_assert_cmpstr (bson_iter_utf8 (&iter, NULL), ==, CLOCK);
  g_assert_true (find (doc, "seqs.gone", &iter) && BSON_ITER_HOLDS_INT64 (&iter));
  g_assert_cmpint (bson_iter_int64 (&iter), ==, G_MAXINT64);
}

static void
test_numbers (void)
{
  g_autoptr(CalqueRecord) record = record_from_text (examples[3]);
  g_autoptr(CalqueRecord) back = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *metadata;
  const char *text =
    "{\"max\":9223372036854775807,\"min\":-9223372036854775808,\"one\":1,\"one_point_zero\":1.0,"
    "\"third\":0.3333333333333333,\"tiny\":5e-324,\"huge\":1.7976931348623157e308,\"minus_zero\":-0.0,"
    "\"list\":[0,0.5,-1,[[]],{}]}";

  g_assert_true (calque_json_load_one (parser, text, -1, NULL));
  calque_record_set_field (record, "metadata", json_node_copy (json_parser_get_root (parser)));
  stamp (record, 1);
  assert_round_trips (record);

  back = through_bson (record);
  metadata = json_node_get_object (calque_record_get_field (back, "metadata"));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (metadata, "one")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (metadata, "one_point_zero")), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_object_get_int_member (metadata, "max"), ==, G_MAXINT64);
  g_assert_cmpint (json_object_get_int_member (metadata, "min"), ==, G_MININT64);
  g_assert_cmpfloat (json_object_get_double_member (metadata, "tiny"), ==, 5e-324);
  g_assert_true (signbit (json_object_get_double_member (metadata, "minus_zero")));
}

/* Free-form objects may use names MongoDB refuses or reads as paths. */
static void
test_escaped_names (void)
{
  g_autoptr(CalqueRecord) record = record_from_text (examples[6]);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(bson_t) doc = NULL;
  bson_iter_t iter;
  const char *text =
    "{\"\":1,\"$where\":\"sleep(1000)\",\"a.b\":{\"c.d\":[{\"$\":null,\"$$\":2}]},\"%\":\"p\",\"%25\":\"q\","
    "\"100%\":true,\"%2E\":\"not an escape\",\"été\":\"ok\",\"_id\":\"not the record's\"}";

  g_assert_true (calque_json_load_one (parser, text, -1, NULL));
  calque_record_set_field (record, "attributes", json_node_copy (json_parser_get_root (parser)));
  stamp (record, 9);
  assert_round_trips (record);

  doc = calque_record_to_bson (record, NULL);
  g_assert_true (find (doc, "fields.attributes.%", &iter) && BSON_ITER_HOLDS_INT64 (&iter));
  g_assert_true (find (doc, "fields.attributes.%24where", &iter));
  g_assert_true (find (doc, "fields.attributes.a%2Eb.c%2Ed.0.%24", &iter));
  g_assert_true (find (doc, "fields.attributes.%2525", &iter));
  g_assert_true (find (doc, "fields.attributes.%252E", &iter));
  /* The record's own _id is not touched by a field called _id. */
  g_assert_true (bson_iter_init_find (&iter, doc, "_id"));
  g_assert_cmpstr (bson_iter_utf8 (&iter, NULL), ==, ANNOT);
}

static void
test_escape_is_one_to_one (void)
{
  static const char * const names[] = { "", "%", "%%", ".", "$", "a.b.c", "$gt", "%2E", "%24", "x%25y", "plain", "é$.%" };
  static const char * const not_escapes[] = { "", "a.b", "$gt", "%2e", "%zz", "%2", "x%", "%%" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *key = calque_bson_escape_key (names[i]);
      g_autofree char *back = calque_bson_unescape_key (key);

      g_assert_cmpstr (back, ==, names[i]);
      g_assert_true (key[0] != '\0' && key[0] != '$' && strchr (key, '.') == NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_escapes); i++)
    {
      g_autofree char *back = calque_bson_unescape_key (not_escapes[i]);

      g_test_message ("%s", not_escapes[i]);
      g_assert_null (back);
    }
}

/* NaN and infinities cannot be in JSON; the SQLite store's text has null
 * for them, and so must BSON, whatever the merge let through. */
static void
test_not_finite_numbers (void)
{
  g_autoptr(CalqueRecord) record = record_from_text (examples[3]);
  g_autoptr(CalqueRecord) from_bson = NULL;
  g_autoptr(CalqueRecord) from_sqlite = NULL;
  JsonObject *metadata = json_object_new ();
  JsonArray *point = json_array_new ();

  json_object_set_double_member (metadata, "nan", NAN);
  json_object_set_double_member (metadata, "inf", INFINITY);
  json_array_add_double_element (point, -INFINITY);
  json_array_add_double_element (point, 2.5);
  json_object_set_array_member (metadata, "point", point);
  calque_record_set_field (record, "metadata", json_node_init_object (json_node_alloc (), metadata));
  json_object_unref (metadata);
  stamp (record, 2);

  from_bson = through_bson (record);
  from_sqlite = through_sqlite_text (record);
  assert_same_record (from_sqlite, from_bson);
  metadata = json_node_get_object (calque_record_get_field (from_bson, "metadata"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (metadata, "nan")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (metadata, "inf")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (json_object_get_array_member (metadata, "point"), 0)));
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (metadata, "point"), 1), ==, 2.5);
}

static void
test_huge_strings (void)
{
  g_autoptr(CalqueRecord) record = calque_record_new_with_id (CALQUE_KIND_ITEM, ITEM, PROJECT);
  g_autoptr(GError) error = NULL;
  g_autoptr(bson_t) too_big = NULL;
  GString *text = g_string_new (NULL);

  /* 6 MiB of two-byte characters and markup, as a long text item. */
  while (text->len < 6 * 1024 * 1024)
    g_string_append (text, "é<i>x</i>\n\t");
  calque_record_set_string (record, "media", "text");
  calque_record_set_string (record, "name", "book.txt");
  calque_record_set_string (record, "text", text->str);
  stamp (record, 1);
  assert_round_trips (record);

  /* Past MongoDB's 16 MiB for one document: a clear error, not a crash
   * nor a document the server would refuse later. */
  while (text->len < 17 * 1024 * 1024)
    g_string_append (text, "0123456789abcdef");
  calque_record_set_string (record, "text", text->str);
  too_big = calque_record_to_bson (record, &error);
  g_assert_null (too_big);
  g_assert_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, ITEM));
  g_assert_nonnull (strstr (error->message, "16777216"));
  g_string_free (text, TRUE);
}

/* User text is stored as it was typed: markup, quotes, control characters. */
static void
test_markup_in_comments (void)
{
  g_autoptr(CalqueRecord) record = record_from_text (examples[7]);
  const char *text = "<span foreground=\"red\">&amp;</span> <script>alert('x')</script> \\ \"\x01\x1f"
                     "\r\n\t\xe2\x80\xae right-to-left 👍 %s %n";
  g_autoptr(CalqueRecord) back = NULL;

  calque_record_set_string (record, "text", text);
  stamp (record, 4);
  assert_round_trips (record);
  back = through_bson (record);
  g_assert_cmpstr (calque_record_get_string (back, "text"), ==, text);
}

static CalqueChange *
sample_change (void)
{
  CalqueChange *change = calque_change_new (CLIENT, 42, CALQUE_KIND_ANNOTATION, ANNOT, PROJECT);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (calque_json_load_one (parser, "{\"a.b\":[1,2.0,{\"$ne\":\"\"}],\"\":null}", -1, NULL));
  calque_change_set_field (change, "attributes", json_node_copy (json_parser_get_root (parser)));
  calque_change_set_field (change, "confidence", json_node_init_double (json_node_alloc (), 0.5));
  calque_change_set_field (change, "task", json_node_new (JSON_NODE_NULL));   /* removes the field */
  change->hlc.time = (guint64) NOW << 16 | 7;
  change->hlc.node = 0xdeadbeef01020304;
  change->base_seq = 120;
  change->seq = 121;
  change->undelete = TRUE;
  change->author = g_strdup ("amélie <admin>");
  return change;
}

static void
test_change_round_trip (void)
{
  g_autoptr(CalqueChange) change = sample_change ();
  g_autoptr(GError) error = NULL;
  g_autoptr(bson_t) doc = calque_change_to_bson (change, &error);
  g_autoptr(CalqueChange) back = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *text_before = NULL;
  g_autofree char *text_after = NULL;

  g_assert_no_error (error);
  g_assert_true (bson_validate (doc, BSON_VALIDATE_UTF8 | BSON_VALIDATE_EMPTY_KEYS
                                     | BSON_VALIDATE_DOT_KEYS | BSON_VALIDATE_DOLLAR_KEYS, NULL));
  back = calque_change_from_bson (doc, &error);
  g_assert_no_error (error);

  before = calque_change_to_json (change);
  after = calque_change_to_json (back);
  text_before = calque_json_node_to_string (before, NULL);
  text_after = calque_json_node_to_string (after, NULL);
  g_assert_cmpstr (text_before, ==, text_after);
  g_assert_cmpint (back->seq, ==, 121);
  g_assert_cmpuint (back->op_no, ==, 42);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (back->set, "task")));
}

/* Built by hand: what a damaged or foreign document may hold. */
static void
test_damaged_documents (void)
{
  struct { const char *what; bson_t *doc; const char *says; } cases[12];
  guint n = 0;
  bson_t *doc, child, grandchild;
  bson_oid_t oid;

#define CASE(what_, says_) (cases[n].what = (what_), cases[n].says = (says_), cases[n++].doc = doc)

  doc = bson_new ();
  BSON_APPEND_UTF8 (doc, "kind", "item");
  CASE ("no _id", "no valid “_id”");

  doc = BCON_NEW ("_id", ITEM, "kind", "dataset", "project", PROJECT, "fields", "{", "}");
  CASE ("unknown kind", "“kind” or “project”");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT, "fields", "[", "]");
  CASE ("fields not a document", "no “fields” document");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT);
  bson_append_document_begin (doc, "fields", -1, &child);
  bson_append_utf8 (&child, "name", -1, "cut\0here", 8);
  bson_append_document_end (doc, &child);
  CASE ("a NUL inside a string", "fields.name: a string holds a NUL");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT);
  bson_append_document_begin (doc, "fields", -1, &child);
  bson_append_document_begin (&child, "metadata", -1, &grandchild);
  bson_append_utf8 (&grandchild, "latin1", -1, "caf\xe9", 4);
  bson_append_document_end (&child, &grandchild);
  bson_append_document_end (doc, &child);
  CASE ("not UTF-8", ITEM ": fields.metadata.latin1: a string holds a NUL character or is not UTF-8");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT);
  bson_oid_init_from_string (&oid, "5f1b2c3d4e5f60718293a4b5");
  bson_append_document_begin (doc, "fields", -1, &child);
  bson_append_oid (&child, "name", -1, &oid);
  bson_append_document_end (doc, &child);
  CASE ("an ObjectId", "fields.name: a value of BSON type 0x07");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT,
                  "fields", "{", "metadata", "{", "a.b", BCON_INT32 (1), "}", "}");
  CASE ("a raw dot in a name", "fields.metadata: member name “a.b” is not escaped");

  doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT,
                  "fields", "{", "metadata", "{", "%zz", BCON_INT32 (1), "}", "}");
  CASE ("a bad escape", "member name “%zz”");

  {
    /* 300 arrays deep, built from the inside out. */
    bson_t *inner = bson_new ();

    for (int depth = 0; depth < 300; depth++)
      {
        bson_t *outer = bson_new ();

        bson_append_array (outer, "0", -1, inner);
        bson_destroy (inner);
        inner = outer;
      }
    doc = BCON_NEW ("_id", ITEM, "kind", "item", "project", PROJECT);
    bson_append_document_begin (doc, "fields", -1, &child);
    bson_append_array (&child, "metadata", -1, inner);
    bson_append_document_end (doc, &child);
    bson_destroy (inner);
  }
  CASE ("nested 300 deep", "fields.metadata.0.0.0.");
  cases[n - 1].says = "0: nested more than 256 levels deep";

#undef CASE

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueRecord) decoded = calque_record_from_bson (cases[i].doc, &error);

      g_test_message ("%s: %s", cases[i].what, error ? error->message : "(decoded)");
      g_assert_null (decoded);
      g_assert_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      bson_destroy (cases[i].doc);
    }
}

static void
test_damaged_changes (void)
{
  g_autoptr(CalqueChange) change = sample_change ();
  g_autoptr(bson_t) good = calque_change_to_bson (change, NULL);
  g_autoptr(bson_t) extra = bson_copy (good);
  g_autoptr(bson_t) dates = bson_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueChange) decoded = NULL;
  bson_iter_t iter;

  /* calque_change_from_json()'s strictness, unchanged. */
  BSON_APPEND_UTF8 (extra, "bogus", "x");
  decoded = calque_change_from_bson (extra, &error);
  g_assert_null (decoded);
  g_assert_error (error, CALQUE_RECORD_BSON_ERROR, CALQUE_RECORD_BSON_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "unknown member “bogus”"));
  g_clear_error (&error);

  g_assert_true (bson_iter_init (&iter, good));
  while (bson_iter_next (&iter))
    if (strcmp (bson_iter_key (&iter), "seq") == 0)
      BSON_APPEND_DATE_TIME (dates, "seq", 1);
    else
      bson_append_iter (dates, NULL, 0, &iter);
  decoded = calque_change_from_bson (dates, &error);
  g_assert_null (decoded);
  g_assert_nonnull (strstr (error->message, "seq: a value of BSON type 0x09"));
}

/* The real SQLite store and the BSON codec agree on what the merge made
 * from hostile input: what one backend gives back, the other does too. */
static void
test_agrees_with_sqlite_store (void)
{
  static const CalqueMergeOptions options = { .now_ms = NOW, .max_ahead_ms = 60000, .make_conflicts = TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("calque-record-bson-XXXXXX", &error);
  g_autoptr(CalqueServerStore) store = calque_sqlite_store_open (dir, &error);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *ids[] = { ITEM, COMMENT, ITEM };
  CalqueChange *item, *comment, *edit;
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  while (text->len < 2 * 1024 * 1024)
    g_string_append (text, "Ligne <b>très</b> longue & \"citée\" 👍\n");

  item = calque_change_new (CLIENT, 1, CALQUE_KIND_ITEM, ITEM, PROJECT);
  item->hlc.time = (guint64) (NOW - 5000) << 16;
  calque_change_set_field (item, "media", json_node_init_string (json_node_alloc (), "text"));
  calque_change_set_field (item, "name", json_node_init_string (json_node_alloc (), "long.txt"));
  calque_change_set_field (item, "text", json_node_init_string (json_node_alloc (), text->str));
  g_assert_true (calque_json_load_one (parser, "{\"\":1,\"$set\":{\"a.b\":[true,null,1.5]},\"%\":\"%\"}", -1, NULL));
  calque_change_set_field (item, "metadata", json_node_copy (json_parser_get_root (parser)));
  g_ptr_array_add (batch, item);

  comment = calque_change_new (CLIENT, 2, CALQUE_KIND_COMMENT, COMMENT, PROJECT);
  comment->hlc.time = (guint64) (NOW - 4000) << 16;
  calque_change_set_field (comment, "item", json_node_init_string (json_node_alloc (), ITEM));
  calque_change_set_field (comment, "author", json_node_init_string (json_node_alloc (), "bob"));
  calque_change_set_field (comment, "text",
                           json_node_init_string (json_node_alloc (), "<markup>not parsed</markup> &lt; \\n"));
  g_ptr_array_add (batch, comment);

  /* A later edit by another node: clocks and seqs move per field. */
  edit = calque_change_new (CLIENT, 3, CALQUE_KIND_ITEM, ITEM, PROJECT);
  edit->hlc.time = (guint64) (NOW - 3000) << 16;
  edit->hlc.node = 0xb;
  edit->base_seq = 1;
  calque_change_set_field (edit, "name", json_node_init_string (json_node_alloc (), "renamed.txt"));
  calque_change_set_field (edit, "metadata", json_node_new (JSON_NODE_NULL));
  g_ptr_array_add (batch, edit);

  g_assert_true (calque_server_store_apply (store, PROJECT, batch, "amelie", &options, results, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(CalqueRecord) stored = calque_server_store_get_record (store, ids[i], &error);
      g_autoptr(CalqueRecord) back = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (calque_record_get_clock (stored, "name") ?: calque_record_get_clock (stored, "text"));
      back = through_bson (stored);
      assert_same_record (stored, back);
    }

  /* The stream too. */
  {
    g_autoptr(GPtrArray) stream = calque_server_store_changes_since (store, PROJECT, 0, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (stream->len, ==, 3);
    for (guint i = 0; i < stream->len; i++)
      {
        CalqueChange *streamed = g_ptr_array_index (stream, i);
        g_autoptr(bson_t) doc = calque_change_to_bson (streamed, &error);
        g_autoptr(CalqueChange) back = calque_change_from_bson (doc, &error);
        g_autoptr(JsonNode) a = calque_change_to_json (streamed);
        g_autoptr(JsonNode) b = calque_change_to_json (back);
        g_autofree char *text_a = calque_json_node_to_string (a, NULL);
        g_autofree char *text_b = calque_json_node_to_string (b, NULL);

        g_assert_no_error (error);
        g_assert_cmpstr (text_a, ==, text_b);
      }
  }

  g_string_free (text, TRUE);
  g_clear_object (&store);
  calque_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record-bson/every-kind", test_every_kind);
  g_test_add_func ("/record-bson/layout", test_layout);
  g_test_add_func ("/record-bson/numbers", test_numbers);
  g_test_add_func ("/record-bson/escaped-names", test_escaped_names);
  g_test_add_func ("/record-bson/escape-is-one-to-one", test_escape_is_one_to_one);
  g_test_add_func ("/record-bson/not-finite-numbers", test_not_finite_numbers);
  g_test_add_func ("/record-bson/huge-strings", test_huge_strings);
  g_test_add_func ("/record-bson/markup-in-comments", test_markup_in_comments);
  g_test_add_func ("/record-bson/change-round-trip", test_change_round_trip);
  g_test_add_func ("/record-bson/damaged-documents", test_damaged_documents);
  g_test_add_func ("/record-bson/damaged-changes", test_damaged_changes);
  g_test_add_func ("/record-bson/agrees-with-sqlite-store", test_agrees_with_sqlite_store);
  return g_test_run ();
}
