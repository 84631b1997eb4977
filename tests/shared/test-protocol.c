/* test-protocol.c — the sync messages: the documented examples, round trips,
 * and everything a hostile or broken peer might send */
#include "calque-protocol.h"
#include "calque-json-writer.h"

#include <string.h>

#define PROJECT "019ab84a-21f0-7c3e-8d41-6b2f0e9a5c17"
#define CLIENT  "019ab84b-0a3e-7f12-9b6c-2d8e4f1a7c03"
#define ITEM    "019ab84c-5d21-7a08-a3f4-8e1b6c0d9f42"
#define RECORD  "019ab84f-5c00-7e55-b1d2-47a9c3e6f810"
#define TOKEN   "kq3V9xY_2mZ8Lr0tWc-4HbN7fJpEoAs1uGiD6yKvXe5"

/* --- helpers ------------------------------------------------------------- */

static CalqueChange *
make_change (guint64     op,
             gint64      seq,
             const char *author)
{
  CalqueChange *change = calque_change_new (CLIENT, op, CALQUE_KIND_ANNOTATION, RECORD, PROJECT);

  change->hlc.time = ((guint64) 1764028800000 << 16) | op;
  change->hlc.node = 0x5c1e8a7b3d90a4f1;
  change->base_seq = 120;
  change->seq = seq;
  change->author = g_strdup (author);
  calque_change_set_field (change, "confidence", json_node_init_double (json_node_alloc (), 0.25));
  calque_change_set_field (change, "labels", json_from_string ("[\"" ITEM "\"]", NULL));
  return change;
}

/* One message of every type, built with the constructors. */
static GPtrArray *
every_message (void)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_message_free);
  CalqueMessage *m;

  g_ptr_array_add (all, calque_message_new_hello (TOKEN, PROJECT, CLIENT, 120));
  m = calque_message_new_push ();
  calque_message_take_change (m, make_change (1, 0, NULL));
  calque_message_take_change (m, make_change (2, 0, NULL));
  g_ptr_array_add (all, m);
  g_ptr_array_add (all, calque_message_new_ping (-3));
  g_ptr_array_add (all, calque_message_new_presence (ITEM));
  g_ptr_array_add (all, calque_message_new_welcome (PROJECT, 134, "amélie", "reviewer"));
  m = calque_message_new_changes (134);
  calque_message_take_change (m, make_change (1, 133, "amélie"));
  calque_message_take_change (m, make_change (2, 134, "amélie"));
  g_ptr_array_add (all, m);
  m = calque_message_new_ack ();
  calque_message_add_ack_seq (m, CLIENT, 1, 133);
  calque_message_add_ack_error (m, CLIENT, 2, CALQUE_REJECT_CONFLICT_KIND, "kind is “label”, not “item”");
  g_ptr_array_add (all, m);
  /* Plain text, kept as is: quotes, markup, a newline, a control character. */
  g_ptr_array_add (all, calque_message_new_error (CALQUE_SYNC_CODE_SERVER_SHUTDOWN,
                                                  "<b>bye</b> & \"see you\"\n\t\x01 😀"));
  g_ptr_array_add (all, calque_message_new_pong (G_MAXINT64));
  m = calque_message_new_presence_list ();
  calque_message_add_presence (m, "amélie", ITEM);
  calque_message_add_presence (m, "bruno", NULL);
  g_ptr_array_add (all, m);
  return all;
}

static CalqueMessage *
decode_str (const char *text,
            GError    **error)
{
  return calque_message_decode (text, strlen (text), error);
}

/* Decodes @text, expecting an error of @code whose message holds @needle. */
static void
assert_refused (const char *text,
                gsize       length,
                int         code,
                const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) msg = calque_message_decode (text, length, &error);

  if (msg != NULL)
    g_error ("accepted: %.200s", text);
  g_assert_error (error, CALQUE_PROTOCOL_ERROR, code);
  if (needle && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not name %s (input %.200s)", error->message, needle, text);
}

static void
assert_refused_str (const char *text,
                    int         code,
                    const char *needle)
{
  assert_refused (text, strlen (text), code, needle);
}

/* Encodes, decodes, and checks the copy is equal and encodes the same. */
static void
assert_round_trip (const CalqueMessage *msg)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  g_autofree char *text = calque_message_encode (msg, &length);
  g_autoptr(CalqueMessage) back = calque_message_decode (text, length, &error);
  g_autofree char *again = NULL;

  g_assert_cmpuint (length, ==, strlen (text));
  if (back == NULL)
    g_error ("%s: %s", text, error->message);
  g_assert_cmpint (back->type, ==, msg->type);
  if (!calque_message_equal (msg, back))
    g_error ("not the same after a round trip: %s", text);
  again = calque_message_encode (back, NULL);
  g_assert_cmpstr (again, ==, text);
}

/* --- the document -------------------------------------------------------- */

static GPtrArray *
doc_examples (void)
{
  const char *source_dir = g_getenv ("CALQUE_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
  GString *block = NULL;

  g_assert_nonnull (source_dir);
  path = g_build_filename (source_dir, "docs", "protocol.md", NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (block == NULL && strcmp (lines[i], "```json") == 0)
        block = g_string_new (NULL);
      else if (block && strcmp (lines[i], "```") == 0)
        g_ptr_array_add (blocks, g_string_free (g_steal_pointer (&block), FALSE));
      else if (block)
        g_string_append_printf (block, "%s\n", lines[i]);
    }
  g_assert_null (block);  /* every block is closed */
  return blocks;
}

static void
test_doc_examples (void)
{
  g_autoptr(GPtrArray) blocks = doc_examples ();
  gboolean seen[CALQUE_MESSAGE_PRESENCE_LIST + 1] = { FALSE };

  g_assert_cmpuint (blocks->len, >=, CALQUE_MESSAGE_PRESENCE_LIST + 1);
  for (guint i = 0; i < blocks->len; i++)
    {
      const char *text = g_ptr_array_index (blocks, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueMessage) msg = decode_str (text, &error);

      if (msg == NULL)
        g_error ("docs/protocol.md, example %u: %s\n%s", i + 1, error->message, text);
      seen[msg->type] = TRUE;
      assert_round_trip (msg);
    }
  for (guint t = 0; t <= CALQUE_MESSAGE_PRESENCE_LIST; t++)
    if (!seen[t])
      g_error ("docs/protocol.md has no example of %s (type %u)", calque_message_type_to_string (t), t);
}

/* The catch-up page is shown with "common" and with every change whole:
 * both decode to the same changes. */
static void
test_doc_common (void)
{
  g_autoptr(GPtrArray) blocks = doc_examples ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_message_free);
  guint with_common = 0;

  for (guint i = 0; i < blocks->len; i++)
    {
      const char *text = g_ptr_array_index (blocks, i);
      CalqueMessage *msg = decode_str (text, NULL);

      if (msg->type == CALQUE_MESSAGE_CHANGES && msg->changes->len > 0)
        {
          g_ptr_array_add (pages, msg);
          with_common += strstr (text, "\"common\"") != NULL;
        }
      else
        calque_message_free (msg);
    }
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpuint (with_common, ==, 1);
  g_assert_true (calque_message_equal (g_ptr_array_index (pages, 0), g_ptr_array_index (pages, 1)));
}

/* Every code the codec knows is explained in the document, and no other. */
static void
test_doc_codes (void)
{
  const char *source_dir = g_getenv ("CALQUE_SOURCE_DIR");
  g_autofree char *path = g_build_filename (source_dir, "docs", "protocol.md", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (guint c = 0; c <= CALQUE_SYNC_CODE_INTERNAL; c++)
    {
      g_autofree char *row = g_strdup_printf ("| `%s` |", calque_sync_code_to_string (c));
      g_assert_nonnull (strstr (contents, row));
    }
  for (guint c = 0; c <= CALQUE_REJECT_CONFLICT_KIND; c++)
    {
      g_autofree char *row = g_strdup_printf ("| `%s` |", calque_reject_code_to_string (c));
      g_assert_nonnull (strstr (contents, row));
    }
}

/* --- round trips --------------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) all = every_message ();

  g_assert_cmpuint (all->len, ==, CALQUE_MESSAGE_PRESENCE_LIST + 1);
  for (guint i = 0; i < all->len; i++)
    {
      CalqueMessage *msg = g_ptr_array_index (all, i);

      g_assert_cmpint (msg->type, ==, i);
      assert_round_trip (msg);
    }
}

static void
test_decoded_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) hello = decode_str ("{\"v\":1,\"cursor\":0,\"type\":\"hello\",\"client\":\"" CLIENT "\","
                                               "\"project\":\"" PROJECT "\",\"token\":\"" TOKEN "\"}", &error);
  g_autoptr(CalqueMessage) presence = NULL;
  g_autoptr(CalqueMessage) ack = NULL;
  g_autoptr(CalqueMessage) err = NULL;
  const CalqueAckResult *result;

  g_assert_no_error (error);
  g_assert_cmpint (hello->type, ==, CALQUE_MESSAGE_HELLO);
  g_assert_cmpstr (hello->token, ==, TOKEN);
  g_assert_cmpstr (hello->project, ==, PROJECT);
  g_assert_cmpstr (hello->client_id, ==, CLIENT);
  g_assert_cmpint (hello->cursor, ==, 0);

  presence = decode_str ("{\"type\":\"presence\",\"v\":1,\"item\":null}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (presence->type, ==, CALQUE_MESSAGE_PRESENCE);
  g_assert_null (presence->item);

  ack = decode_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":9,"
                    "\"error\":{\"code\":\"clock-ahead\",\"message\":\"\"}}]}", &error);
  g_assert_no_error (error);
  result = g_ptr_array_index (ack->results, 0);
  g_assert_cmpuint (result->op_no, ==, 9);
  g_assert_cmpint (result->seq, ==, 0);
  g_assert_cmpint (result->code, ==, CALQUE_REJECT_CLOCK_AHEAD);
  g_assert_cmpstr (result->message, ==, "");

  /* Brackets in a string are text, not nesting. */
  {
    g_autoptr(GString) text = g_string_new ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"");
    for (int i = 0; i < 100000; i++)
      g_string_append (text, "[{");
    g_string_append (text, "\\\"]}\"}");
    err = calque_message_decode (text->str, text->len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strlen (err->message), ==, 200003);
    g_assert_true (g_str_has_suffix (err->message, "\"]}"));
  }
}

static void
test_names (void)
{
  CalqueSyncCode code;
  CalqueRejectCode reject;

  for (guint c = 0; c <= CALQUE_SYNC_CODE_INTERNAL; c++)
    {
      g_assert_true (calque_sync_code_from_string (calque_sync_code_to_string (c), &code));
      g_assert_cmpint (code, ==, c);
    }
  for (guint c = 0; c <= CALQUE_REJECT_CONFLICT_KIND; c++)
    {
      g_assert_true (calque_reject_code_from_string (calque_reject_code_to_string (c), &reject));
      g_assert_cmpint (reject, ==, c);
    }
  g_assert_false (calque_sync_code_from_string ("teapot", &code));
  g_assert_false (calque_reject_code_from_string ("bad-message", &reject));
  g_assert_cmpstr (calque_sync_code_to_string (CALQUE_SYNC_CODE_TOKEN_EXPIRED), ==, "token-expired");
  g_assert_cmpstr (calque_reject_code_to_string (CALQUE_REJECT_CLOCK_AHEAD), ==, "clock-ahead");
  g_assert_cmpstr (calque_message_type_to_string (CALQUE_MESSAGE_PRESENCE_LIST), ==, "presence");
}

/* --- malformed input ----------------------------------------------------- */

static void
test_not_a_message (void)
{
  assert_refused_str ("hello", CALQUE_PROTOCOL_ERROR_SYNTAX, NULL);
  assert_refused_str ("{\"type\":\"ping\",\"v\":1,\"id\":1", CALQUE_PROTOCOL_ERROR_SYNTAX, "JSON");
  assert_refused_str ("[{\"type\":\"ping\",\"v\":1,\"id\":1}]", CALQUE_PROTOCOL_ERROR_SYNTAX, "object");
  assert_refused_str ("\"ping\"", CALQUE_PROTOCOL_ERROR_SYNTAX, "object");
  assert_refused_str ("17", CALQUE_PROTOCOL_ERROR_SYNTAX, "object");
  assert_refused_str ("null", CALQUE_PROTOCOL_ERROR_SYNTAX, "object");
  assert_refused_str ("", CALQUE_PROTOCOL_ERROR_SYNTAX, "empty");
  assert_refused_str ("   \n", CALQUE_PROTOCOL_ERROR_SYNTAX, "object");
  assert_refused_str ("{\"type\":\"ping\",\"v\":1,\"id\":1}{\"type\":\"ping\",\"v\":1,\"id\":2}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "after the JSON value");
  /* What json-glib reads but JSON is not. */
  assert_refused_str ("/* x */ {\"type\":\"ping\",\"v\":1,\"id\":1}", CALQUE_PROTOCOL_ERROR_SYNTAX, "byte 1");
  assert_refused_str ("{'type':'ping','v':1,'id':1}", CALQUE_PROTOCOL_ERROR_SYNTAX, "byte 2");
  assert_refused_str ("{\"type\":\"ping\",\"v\":1,\"id\":0x10}", CALQUE_PROTOCOL_ERROR_SYNTAX, "byte 28");
  assert_refused_str ("{\"type\":\"ping\",\"v\":1,\"id\":NaN}", CALQUE_PROTOCOL_ERROR_SYNTAX, NULL);
  /* Not UTF-8, or a NUL byte inside. */
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"\xff\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "UTF-8");
  /* Strings json-glib would read as something else, or as bytes that are
   * not UTF-8. */
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"\\221\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "byte 52");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"\\x41\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "escape");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"\\ud800x\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "escape");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"\\udc00\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "escape");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"a\\u0000b\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "escape");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"a\nb\"}",
                      CALQUE_PROTOCOL_ERROR_SYNTAX, "control character");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CalqueMessage) msg = decode_str ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\","
                                               "\"message\":\"\\ud83d\\ude00\\u00e9\\n\\t\\/\\\\\\\"\"}", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (msg->message, ==, "😀é\n\t/\\\"");
  }
  assert_refused ("{\"type\":\"ping\",\"v\":1,\"id\":1}\0", sizeof "{\"type\":\"ping\",\"v\":1,\"id\":1}\0" - 1, CALQUE_PROTOCOL_ERROR_SYNTAX, "UTF-8");
}

static void
test_type_and_version (void)
{
  g_autoptr(GString) long_type = g_string_new ("{\"v\":1,\"type\":\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) msg = NULL;

  assert_refused_str ("{\"type\":\"bogus\",\"v\":1}", CALQUE_PROTOCOL_ERROR_UNKNOWN_TYPE, "“bogus”");
  assert_refused_str ("{\"type\":\"Hello\",\"v\":1}", CALQUE_PROTOCOL_ERROR_UNKNOWN_TYPE, "“Hello”");
  assert_refused_str ("{\"type\":\"ping\",\"v\":2,\"id\":1}", CALQUE_PROTOCOL_ERROR_VERSION, "2");
  assert_refused_str ("{\"type\":\"ping\",\"v\":0,\"id\":1}", CALQUE_PROTOCOL_ERROR_VERSION, NULL);
  /* The version is checked first: a later version may have other types. */
  assert_refused_str ("{\"type\":\"sync2\",\"v\":2}", CALQUE_PROTOCOL_ERROR_VERSION, NULL);
  assert_refused_str ("{\"v\":1,\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD, "“type”");
  assert_refused_str ("{\"type\":\"ping\",\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD, "“v”");
  assert_refused_str ("{\"type\":\"ping\",\"v\":\"1\",\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD, "“v”");
  assert_refused_str ("{\"type\":\"ping\",\"v\":1.0,\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD, "“v”");
  assert_refused_str ("{\"type\":7,\"v\":1,\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD, "“type”");

  /* A member twice in one object, at any depth: the two ends could read
   * it differently, so it is refused, not resolved. */
  assert_refused_str ("{\"type\":\"ping\",\"v\":1,\"id\":1,\"id\":2}", CALQUE_PROTOCOL_ERROR_FIELD, "“id”");
  assert_refused_str ("{\"type\":\"ping\",\"type\":\"ping\",\"v\":1,\"id\":1}", CALQUE_PROTOCOL_ERROR_FIELD,
                      "twice");
  assert_refused_str ("{\"type\":\"push\",\"v\":1,\"changes\":[{\"client\":\"a\",\"set\":{\"name\":\"x\",\"name\":\"y\"}}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“name”");
  /* The same name in two different objects is no duplicate. */
  {
    g_autoptr(GError) ok_error = NULL;
    g_autoptr(CalqueMessage) ok = calque_message_decode ("{\"type\":\"ping\",\"v\":1,\"id\":1,\"x\":{\"id\":2,\"v\":{\"id\":3}}}",
                                                         strlen ("{\"type\":\"ping\",\"v\":1,\"id\":1,\"x\":{\"id\":2,\"v\":{\"id\":3}}}"),
                                                         &ok_error);

    /* Refused, but for the unknown member "x", not for a duplicate. */
    g_assert_null (ok);
    g_assert_error (ok_error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_FIELD);
    g_assert_null (strstr (ok_error->message, "twice"));
  }

  /* A peer's text quoted back is cut short. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (long_type, 'x');
  g_string_append (long_type, "\"}");
  msg = calque_message_decode (long_type->str, long_type->len, &error);
  g_assert_null (msg);
  g_assert_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_UNKNOWN_TYPE);
  g_assert_cmpuint (strlen (error->message), <, 200);
}

/* Object @obj with member @name replaced by @value (or removed if NULL). */
static char *
with_member (JsonObject *obj,
             const char *name,
             JsonNode   *value)
{
  g_autoptr(JsonNode) copy_node = json_node_init_object (json_node_alloc (), obj);
  g_autoptr(JsonNode) copy = calque_json_node_deep_copy (copy_node);
  JsonObject *o = json_node_get_object (copy);

  if (value)
    json_object_set_member (o, name, value);
  else
    json_object_remove_member (o, name);
  return calque_json_node_to_string (copy, NULL);
}

/* For every member of every message type: the wrong JSON type, a missing
 * member, and an unknown member are refused, naming the member. */
static void
test_members (void)
{
  g_autoptr(GPtrArray) all = every_message ();

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *text = calque_message_encode (g_ptr_array_index (all, i), NULL);
      g_autoptr(JsonNode) root = json_from_string (text, NULL);
      JsonObject *obj = json_node_get_object (root);
      g_autoptr(GList) names = json_object_get_members (obj);
      g_autofree char *extra = with_member (obj, "extra", json_node_init_int (json_node_alloc (), 1));

      assert_refused_str (extra, CALQUE_PROTOCOL_ERROR_FIELD, "“extra”");

      for (GList *l = names; l; l = l->next)
        {
          const char *name = l->data;
          JsonNode *member = json_object_get_member (obj, name);
          g_autofree char *needle = g_strdup_printf ("“%s”", name);
          g_autofree char *wrong = NULL;
          g_autofree char *missing = NULL;
          gboolean is_int = JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64;

          /* A string where a number is expected, and a number elsewhere. */
          wrong = with_member (obj, name, is_int ? json_node_init_string (json_node_alloc (), "5")
                                                 : json_node_init_int (json_node_alloc (), 5));
          assert_refused_str (wrong, CALQUE_PROTOCOL_ERROR_FIELD, needle);
          g_clear_pointer (&wrong, g_free);
          if (is_int)
            {
              /* A number that is not a whole one. */
              wrong = with_member (obj, name, json_node_init_double (json_node_alloc (), 5.5));
              assert_refused_str (wrong, CALQUE_PROTOCOL_ERROR_FIELD, needle);
              g_clear_pointer (&wrong, g_free);
            }
          wrong = with_member (obj, name, json_node_new (JSON_NODE_NULL));
          if (strcmp (name, "item") == 0)  /* the one member that may be null */
            {
              g_autoptr(CalqueMessage) msg = decode_str (wrong, NULL);
              g_assert_nonnull (msg);
            }
          else
            assert_refused_str (wrong, CALQUE_PROTOCOL_ERROR_FIELD, needle);

          /* Without "users" a presence list is a client's presence, which
           * lacks "item". Without "common", the changes of a page lack
           * what it gave them. */
          missing = with_member (obj, name, NULL);
          if (strcmp (name, "common") == 0)
            assert_refused_str (missing, CALQUE_PROTOCOL_ERROR_CHANGE, "“client”");
          else
            assert_refused_str (missing, CALQUE_PROTOCOL_ERROR_FIELD,
                                strcmp (name, "users") == 0 ? "“item”" : needle);
        }
    }
}

static void
test_values (void)
{
  /* Ids are lowercase UUIDs. */
  assert_refused_str ("{\"type\":\"hello\",\"v\":1,\"token\":\"" TOKEN "\",\"project\":\"019AB84A-21F0-7C3E-8D41-6B2F0E9A5C17\","
                      "\"client\":\"" CLIENT "\",\"cursor\":0}", CALQUE_PROTOCOL_ERROR_FIELD, "“project”");
  assert_refused_str ("{\"type\":\"hello\",\"v\":1,\"token\":\"" TOKEN "\",\"project\":\"" PROJECT "\","
                      "\"client\":\"laptop\",\"cursor\":0}", CALQUE_PROTOCOL_ERROR_FIELD, "“client”");
  assert_refused_str ("{\"type\":\"hello\",\"v\":1,\"token\":\"" TOKEN "\",\"project\":\"" PROJECT "\","
                      "\"client\":\"" CLIENT "\",\"cursor\":-1}", CALQUE_PROTOCOL_ERROR_FIELD, "“cursor”");
  assert_refused_str ("{\"type\":\"presence\",\"v\":1,\"item\":\"item 4\"}", CALQUE_PROTOCOL_ERROR_FIELD, "“item”");
  assert_refused_str ("{\"type\":\"welcome\",\"v\":1,\"project\":\"" PROJECT "\",\"head\":3,\"user\":\"amelie\","
                      "\"role\":\"admin\"}", CALQUE_PROTOCOL_ERROR_FIELD, "“role”");
  assert_refused_str ("{\"type\":\"welcome\",\"v\":1,\"project\":\"" PROJECT "\",\"head\":-3,\"user\":\"amelie\","
                      "\"role\":\"owner\"}", CALQUE_PROTOCOL_ERROR_FIELD, "“head”");
  assert_refused_str ("{\"type\":\"welcome\",\"v\":1,\"project\":\"" PROJECT "\",\"head\":3,\"user\":\"\","
                      "\"role\":\"owner\"}", CALQUE_PROTOCOL_ERROR_FIELD, "“user”");
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"teapot\",\"message\":\"\"}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“code”");
  /* A per-change code is not a session code, and the reverse. */
  assert_refused_str ("{\"type\":\"error\",\"v\":1,\"code\":\"clock-ahead\",\"message\":\"\"}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“code”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,"
                      "\"error\":{\"code\":\"too-slow\",\"message\":\"\"}}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0].error.code”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,\"seq\":4,"
                      "\"error\":{\"code\":\"invalid\",\"message\":\"\"}}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0]”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,\"seq\":4},"
                      "{\"client\":\"" CLIENT "\",\"op\":2}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[1]”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":0,\"seq\":4}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0].op”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,\"seq\":0}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0].seq”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,\"seq\":4,\"x\":1}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0].x”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[{\"client\":\"" CLIENT "\",\"op\":1,"
                      "\"error\":{\"code\":\"invalid\"}}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“results[0].error.message”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[7]}", CALQUE_PROTOCOL_ERROR_FIELD, "“results[0]”");
  assert_refused_str ("{\"type\":\"ack\",\"v\":1,\"results\":[]}", CALQUE_PROTOCOL_ERROR_FIELD, "“results”");
  assert_refused_str ("{\"type\":\"presence\",\"v\":1,\"users\":[{\"user\":\"amelie\"}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“users[0].item”");
  assert_refused_str ("{\"type\":\"presence\",\"v\":1,\"users\":[{\"user\":1,\"item\":null}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“users[0].user”");
  assert_refused_str ("{\"type\":\"presence\",\"v\":1,\"users\":[],\"item\":null}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“item”");
}

static void
test_token (void)
{
  static const char * const bad[] = {
    "kq3V9xY_2mZ8Lr0tWc-4HbN7fJpEoAs1uGiD6yKvXe",     /* 42 */
    "kq3V9xY_2mZ8Lr0tWc-4HbN7fJpEoAs1uGiD6yKvXe5A",   /* 44 */
    "kq3V9xY+2mZ8Lr0tWc/4HbN7fJpEoAs1uGiD6yKvXe5",    /* base64, not base64url */
    "kq3V9xY_2mZ8Lr0tWc-4HbN7fJpEoAs1uGiD6yKvX5=",    /* padded */
    "kq3V9xY_2mZ8Lr0tWc 4HbN7fJpEoAs1uGiD6yKvXe5",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\":\"hello\",\"v\":1,\"token\":\"%s\",\"project\":\"" PROJECT "\","
                                               "\"client\":\"" CLIENT "\",\"cursor\":0}", bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueMessage) msg = decode_str (text, &error);

      g_assert_null (msg);
      g_assert_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_FIELD);
      g_assert_nonnull (strstr (error->message, "“token”"));
      /* Not even part of a token is quoted back. */
      g_assert_null (strstr (error->message, "kq3V9"));
    }
}

static char *
push_of (guint       n,
         int         bad_index,
         const char *bad_change)
{
  GString *text = g_string_new ("{\"type\":\"push\",\"v\":1,\"changes\":[");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CalqueChange) change = make_change (i + 1, 0, NULL);
      g_autoptr(JsonNode) node = calque_change_to_json (change);

      if (i > 0)
        g_string_append_c (text, ',');
      if ((int) i == bad_index)
        g_string_append (text, bad_change);
      else
        calque_json_append_node (text, node);
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

static void
test_batches (void)
{
  g_autofree char *empty = push_of (0, -1, NULL);
  g_autofree char *full = push_of (CALQUE_PROTOCOL_MAX_BATCH, -1, NULL);
  g_autofree char *over = push_of (CALQUE_PROTOCOL_MAX_BATCH + 1, -1, NULL);
  g_autofree char *bad_op = push_of (5, 3, "{\"client\":\"" CLIENT "\",\"op\":0,\"id\":\"" RECORD "\",\"kind\":\"annotation\","
                                     "\"project\":\"" PROJECT "\",\"set\":{},\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\","
                                     "\"base_seq\":0}");
  g_autofree char *not_object = push_of (5, 3, "[]");
  g_autofree char *with_seq = push_of (5, 3, "{\"client\":\"" CLIENT "\",\"op\":4,\"id\":\"" RECORD "\",\"kind\":\"annotation\","
                                       "\"project\":\"" PROJECT "\",\"set\":{},\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\","
                                       "\"base_seq\":0,\"seq\":12}");
  g_autofree char *infinite = push_of (5, 3, "{\"client\":\"" CLIENT "\",\"op\":4,\"id\":\"" RECORD "\",\"kind\":\"annotation\","
                                       "\"project\":\"" PROJECT "\",\"set\":{\"attributes\":{\"size\":[1,-1e999]}},"
                                       "\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\",\"base_seq\":0}");
  g_autofree char *with_author = push_of (5, 3, "{\"client\":\"" CLIENT "\",\"op\":4,\"id\":\"" RECORD "\",\"kind\":\"annotation\","
                                          "\"project\":\"" PROJECT "\",\"set\":{},\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\","
                                          "\"base_seq\":0,\"author\":\"mallory\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) msg = decode_str (full, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (msg->changes->len, ==, CALQUE_PROTOCOL_MAX_BATCH);
  g_assert_cmpuint (((CalqueChange *) g_ptr_array_index (msg->changes, 999))->op_no, ==, 1000);

  assert_refused_str (empty, CALQUE_PROTOCOL_ERROR_FIELD, "“changes”");
  assert_refused_str (over, CALQUE_PROTOCOL_ERROR_FIELD, "1001");
  assert_refused_str (bad_op, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[3]: ");
  assert_refused_str (bad_op, CALQUE_PROTOCOL_ERROR_CHANGE, "“op”");
  assert_refused_str (not_object, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[3]: ");
  assert_refused_str (with_seq, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[3]: “seq”");
  assert_refused_str (with_author, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[3]: “author”");
  assert_refused_str (infinite, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[3]: ");

  /* The stream: numbered, with an author, none after head; may be empty. */
  {
    g_autoptr(CalqueChange) change = make_change (1, 12, "amelie");
    g_autoptr(JsonNode) node = calque_change_to_json (change);
    g_autofree char *json = calque_json_node_to_string (node, NULL);
    g_autofree char *after_head = g_strdup_printf ("{\"type\":\"changes\",\"v\":1,\"changes\":[%s],\"head\":11}", json);
    g_autoptr(CalqueMessage) page = decode_str ("{\"type\":\"changes\",\"v\":1,\"changes\":[],\"head\":0}", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->changes->len, ==, 0);
    assert_refused_str (after_head, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[0]: “seq”");

    change->seq = 0;
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&json, g_free);
    node = calque_change_to_json (change);
    json = calque_json_node_to_string (node, NULL);
    g_clear_pointer (&after_head, g_free);
    after_head = g_strdup_printf ("{\"type\":\"changes\",\"v\":1,\"changes\":[%s],\"head\":11}", json);
    assert_refused_str (after_head, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[0]: “seq”");

    change->seq = 5;
    g_clear_pointer (&change->author, g_free);
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&json, g_free);
    node = calque_change_to_json (change);
    json = calque_json_node_to_string (node, NULL);
    g_clear_pointer (&after_head, g_free);
    after_head = g_strdup_printf ("{\"type\":\"changes\",\"v\":1,\"changes\":[%s],\"head\":11}", json);
    assert_refused_str (after_head, CALQUE_PROTOCOL_ERROR_CHANGE, "changes[0]: “author”");
  }
}

static void
test_limits (void)
{
  gsize size = CALQUE_PROTOCOL_MAX_FRAME + 1;
  g_autofree char *frame = g_malloc (size);
  g_autofree char *deep = NULL;
  g_autoptr(GString) just_deep_enough = g_string_new ("{\"type\":\"ping\",\"v\":1,\"id\":1,\"x\":");
  gint64 start;

  /* Would crash the parser if it ever got there. */
  memset (frame, '[', size);
  start = g_get_monotonic_time ();
  assert_refused (frame, size, CALQUE_PROTOCOL_ERROR_TOO_LARGE, "4194304");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);

  /* 100,000 brackets, within the frame limit: json-glib recurses and would
   * overflow the stack. */
  deep = g_strnfill (100000, '[');
  assert_refused (deep, 100000, CALQUE_PROTOCOL_ERROR_TOO_LARGE, "64");
  g_clear_pointer (&deep, g_free);
  deep = g_strnfill (100000, '{');
  assert_refused (deep, 100000, CALQUE_PROTOCOL_ERROR_TOO_LARGE, "64");

  /* 64 levels are decoded (and refused for what they are, not their depth);
   * 65 are not. */
  for (int i = 0; i < CALQUE_PROTOCOL_MAX_DEPTH - 1; i++)
    g_string_append_c (just_deep_enough, '[');
  for (int i = 0; i < CALQUE_PROTOCOL_MAX_DEPTH - 1; i++)
    g_string_append_c (just_deep_enough, ']');
  g_string_append_c (just_deep_enough, '}');
  assert_refused_str (just_deep_enough->str, CALQUE_PROTOCOL_ERROR_FIELD, "“x”");
  g_string_insert_c (just_deep_enough, strlen ("{\"type\":\"ping\",\"v\":1,\"id\":1,\"x\":"), '[');
  g_string_insert_c (just_deep_enough, just_deep_enough->len - 1, ']');
  assert_refused_str (just_deep_enough->str, CALQUE_PROTOCOL_ERROR_TOO_LARGE, NULL);

  /* A frame of exactly the limit is read. */
  {
    g_autoptr(GString) big = g_string_new ("{\"type\":\"error\",\"v\":1,\"code\":\"internal\",\"message\":\"");
    g_autoptr(GError) error = NULL;
    g_autoptr(CalqueMessage) msg = NULL;

    while (big->len < CALQUE_PROTOCOL_MAX_FRAME - 2)
      g_string_append_c (big, 'a');
    g_string_append (big, "\"}");
    g_assert_cmpuint (big->len, ==, CALQUE_PROTOCOL_MAX_FRAME);
    msg = calque_message_decode (big->str, big->len, &error);
    g_assert_no_error (error);
    g_assert_cmpint (msg->code, ==, CALQUE_SYNC_CODE_INTERNAL);
  }
}

/* --- mutations ----------------------------------------------------------- */

/* The documented examples, damaged thousands of ways: every result is a
 * message that round-trips or an error with a message, never a crash or a
 * critical. The seed is fixed so that a failure repeats; set
 * CALQUE_FUZZ_SEED to explore others. */
static void
test_mutations (void)
{
  g_autoptr(GPtrArray) blocks = doc_examples ();
  const char *seed_env = g_getenv ("CALQUE_FUZZ_SEED");
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20251125);
  static const char special[] = "\"\\,{}[]:/'0-e9\xff\xc3 ";
  guint decoded = 0, refused = 0;

  for (int i = 0; i < 20000; i++)
    {
      const char *seed = g_ptr_array_index (blocks, i % blocks->len);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(CalqueMessage) msg = NULL;
      int rounds = g_rand_int_range (rng, 1, 4);

      g_byte_array_append (bytes, (const guint8 *) seed, strlen (seed));
      for (int r = 0; r < rounds && bytes->len > 0; r++)
        {
          guint at = g_rand_int_range (rng, 0, bytes->len);
          /* Drawn once: MIN () would evaluate a g_rand call twice. */
          guint span = g_rand_int_range (rng, 1, 8);

          switch (g_rand_int_range (rng, 0, 4))
            {
            case 0:
              bytes->data[at] ^= (guint8) (1 << g_rand_int_range (rng, 0, 8));
              break;
            case 1:
              g_byte_array_remove_range (bytes, at, MIN (bytes->len - at, span));
              break;
            case 2:
              bytes->data[at] = (guint8) special[g_rand_int_range (rng, 0, sizeof special - 1)];
              break;
            default:
              g_byte_array_set_size (bytes, at);
              break;
            }
        }

      msg = calque_message_decode ((const char *) bytes->data, bytes->len, &error);
      if (msg)
        {
          g_assert_no_error (error);
          assert_round_trip (msg);
          decoded++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == CALQUE_PROTOCOL_ERROR);
          g_assert_true (error->message && *error->message);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          refused++;
        }
    }
  g_test_message ("mutated messages: %u decoded, %u refused", decoded, refused);
  g_assert_cmpuint (decoded, >, 100);
  g_assert_cmpuint (refused, >, 1000);
}

/* Changes encoded one by one, as the server stores them, and joined make
 * the same bytes as the message encoded whole. */
static void
test_encode_changes (void)
{
  g_autoptr(CalqueMessage) message = calque_message_new_changes (4242);
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *whole = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *empty_whole = NULL;
  g_autoptr(CalqueMessage) none = calque_message_new_changes (7);
  gsize whole_length = 0, joined_length = 0;

  for (guint i = 0; i < 3; i++)
    {
      CalqueChange *change = make_change (i + 1, 4240 + i, i == 1 ? "amélie <b>" : "bruno");
      g_autoptr(JsonNode) node = calque_change_to_json (change);

      g_ptr_array_add (encoded, calque_json_node_to_string (node, NULL));
      calque_message_take_change (message, change);
    }
  whole = calque_message_encode (message, &whole_length);
  joined = calque_message_encode_changes (encoded, 4242, &joined_length);
  g_assert_cmpstr (joined, ==, whole);
  g_assert_cmpuint (joined_length, ==, whole_length);

  g_ptr_array_set_size (encoded, 0);
  empty = calque_message_encode_changes (encoded, 7, NULL);
  empty_whole = calque_message_encode (none, NULL);
  g_assert_cmpstr (empty, ==, empty_whole);
}

/* A page writes once what its changes share: the project, and the
 * client, kind and author most of them have; a change that differs keeps
 * its own. Decoded, every change is whole again. */
static void
test_changes_common (void)
{
  g_autoptr(CalqueMessage) message = calque_message_new_changes (50);
  g_autoptr(CalqueMessage) back = NULL;
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize full = 0, length = 0;
  JsonObject *common;
  JsonArray *changes;

  for (guint i = 0; i < 4; i++)
    {
      CalqueChange *change = make_change (i + 1, 40 + i, i == 2 ? "amélie \"<b>\"" : "bruno");
      g_autoptr(JsonNode) node = NULL;

      if (i == 3)
        {
          g_free (change->client_id);
          change->client_id = g_strdup (ITEM);
          change->kind = CALQUE_KIND_COMMENT;
          change->delete_record = TRUE;
          json_object_remove_member (change->set, "confidence");
          json_object_remove_member (change->set, "labels");
        }
      node = calque_change_to_json (change);
      g_ptr_array_add (encoded, calque_json_node_to_string (node, NULL));
      full += strlen (g_ptr_array_index (encoded, i)) + 1;
      calque_message_take_change (message, change);
    }

  text = calque_message_encode_changes (encoded, 50, &length);
  g_assert_cmpuint (length, <, full);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  common = json_object_get_object_member (json_node_get_object (root), "common");
  g_assert_cmpstr (json_object_get_string_member (common, "client"), ==, CLIENT);
  g_assert_cmpstr (json_object_get_string_member (common, "kind"), ==, "annotation");
  g_assert_cmpstr (json_object_get_string_member (common, "project"), ==, PROJECT);
  g_assert_cmpstr (json_object_get_string_member (common, "author"), ==, "bruno");
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  g_assert_false (json_object_has_member (json_array_get_object_element (changes, 0), "author"));
  g_assert_false (json_object_has_member (json_array_get_object_element (changes, 0), "project"));
  g_assert_false (json_object_has_member (json_array_get_object_element (changes, 0), "delete"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 2), "author"), ==,
                   "amélie \"<b>\"");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 3), "client"), ==, ITEM);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 3), "kind"), ==, "comment");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (changes, 3), "delete"));

  back = calque_message_decode (text, length, &error);
  g_assert_no_error (error);
  g_assert_true (calque_message_equal (message, back));
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (back->changes, 3))->client_id, ==, ITEM);
  g_assert_true (((CalqueChange *) g_ptr_array_index (back->changes, 3))->delete_record);
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (back->changes, 2))->author, ==, "amélie \"<b>\"");

  /* A text of another layout (members in another order) goes as it is,
   * and then the page has no "common". */
  g_ptr_array_add (encoded, g_strdup_printf ("{\"op\":9,\"client\":\"" CLIENT "\",\"id\":\"" RECORD "\","
                                             "\"kind\":\"annotation\",\"project\":\"" PROJECT "\",\"set\":{},"
                                             "\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\",\"base_seq\":0,"
                                             "\"seq\":45,\"author\":\"bruno\"}"));
  g_clear_pointer (&text, g_free);
  text = calque_message_encode_changes (encoded, 50, &length);
  g_assert_null (strstr (text, "\"common\""));
  g_assert_nonnull (strstr (text, g_ptr_array_index (encoded, 4)));
  g_clear_pointer (&back, calque_message_free);
  back = calque_message_decode (text, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->changes->len, ==, 5);
}

static void
test_changes_common_refused (void)
{
#define CHANGE_REST "\"op\":1,\"id\":\"" RECORD "\",\"set\":{},\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\"," \
                    "\"base_seq\":0,\"seq\":3"
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueMessage) own = NULL;

  /* A change's own member wins. */
  own = decode_str ("{\"type\":\"changes\",\"v\":1,\"common\":{\"client\":\"" CLIENT "\",\"kind\":\"annotation\","
                    "\"project\":\"" PROJECT "\",\"author\":\"bruno\"},\"changes\":[{" CHANGE_REST ",\"author\":\"amelie\","
                    "\"kind\":\"comment\"}],\"head\":3}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (own->changes, 0))->author, ==, "amelie");
  g_assert_cmpint (((CalqueChange *) g_ptr_array_index (own->changes, 0))->kind, ==, CALQUE_KIND_COMMENT);
  g_assert_cmpstr (((CalqueChange *) g_ptr_array_index (own->changes, 0))->client_id, ==, CLIENT);

  assert_refused_str ("{\"type\":\"changes\",\"v\":1,\"common\":[],\"changes\":[],\"head\":3}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“common”");
  assert_refused_str ("{\"type\":\"changes\",\"v\":1,\"common\":{\"seq\":\"3\"},\"changes\":[],\"head\":3}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“common.seq”");
  assert_refused_str ("{\"type\":\"changes\",\"v\":1,\"common\":{\"author\":7},\"changes\":[],\"head\":3}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“common.author”");
  /* What common gives is checked as a change's own would be. */
  assert_refused_str ("{\"type\":\"changes\",\"v\":1,\"common\":{\"client\":\"laptop\",\"kind\":\"annotation\","
                      "\"project\":\"" PROJECT "\",\"author\":\"bruno\"},\"changes\":[{" CHANGE_REST "}],\"head\":3}",
                      CALQUE_PROTOCOL_ERROR_CHANGE, "changes[0]");
  assert_refused_str ("{\"type\":\"changes\",\"v\":1,\"common\":{\"client\":\"" CLIENT "\",\"kind\":\"annotation\","
                      "\"project\":\"" PROJECT "\"},\"changes\":[{" CHANGE_REST "}],\"head\":3}",
                      CALQUE_PROTOCOL_ERROR_CHANGE, "“author”");
  /* Only the stream has it. */
  assert_refused_str ("{\"type\":\"push\",\"v\":1,\"common\":{\"client\":\"" CLIENT "\"},\"changes\":[{\"op\":1,"
                      "\"id\":\"" RECORD "\",\"kind\":\"annotation\",\"project\":\"" PROJECT "\",\"set\":{},"
                      "\"clock\":\"019ab84f5c000000-5c1e8a7b3d90a4f1\",\"base_seq\":0}]}",
                      CALQUE_PROTOCOL_ERROR_FIELD, "“common”");
#undef CHANGE_REST
}

/* A presence list is shown as it comes: a hostile one cannot flood the
 * app with names nor hide characters in them. */
static void
test_presence_limits (void)
{
  g_autoptr(GString) text = g_string_new ("{\"type\":\"presence\",\"v\":1,\"users\":[");
  g_autoptr(CalqueMessage) msg = NULL;
  g_autoptr(CalqueMessage) longest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name64 = g_strnfill (CALQUE_PROTOCOL_MAX_USER_BYTES, 'a');
  g_autofree char *name65 = g_strnfill (CALQUE_PROTOCOL_MAX_USER_BYTES + 1, 'a');
  g_autofree char *ok = NULL;
  g_autofree char *too_long = NULL;
  static const char * const not_names[] = {
    "amelie lebrun",       /* a space */
    "amelie\\u0007",       /* a control character */
    "ame\\u200blie",       /* an invisible one (format) */
    "\\u2028amelie",       /* a line separator */
  };

  for (guint i = 0; i < CALQUE_PROTOCOL_MAX_PRESENCE; i++)
    g_string_append_printf (text, "%s{\"user\":\"u%u\",\"item\":null}", i > 0 ? "," : "", i);
  g_string_append (text, "]}");
  msg = calque_message_decode (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (msg->users->len, ==, CALQUE_PROTOCOL_MAX_PRESENCE);

  g_string_truncate (text, text->len - 2);
  g_string_append (text, ",{\"user\":\"one-too-many\",\"item\":null}]}");
  assert_refused (text->str, text->len, CALQUE_PROTOCOL_ERROR_FIELD, "“users”");

  ok = g_strdup_printf ("{\"type\":\"presence\",\"v\":1,\"users\":[{\"user\":\"%s\",\"item\":null}]}", name64);
  longest = decode_str (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((CalquePresence *) g_ptr_array_index (longest->users, 0))->user, ==, name64);
  too_long = g_strdup_printf ("{\"type\":\"presence\",\"v\":1,\"users\":[{\"user\":\"%s\",\"item\":null}]}",
                              name65);
  assert_refused_str (too_long, CALQUE_PROTOCOL_ERROR_FIELD, "“users[0].user”");

  for (guint i = 0; i < G_N_ELEMENTS (not_names); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"type\":\"presence\",\"v\":1,\"users\":["
                                              "{\"user\":\"bruno\",\"item\":null},"
                                              "{\"user\":\"%s\",\"item\":null}]}", not_names[i]);

      assert_refused_str (bad, CALQUE_PROTOCOL_ERROR_FIELD, "“users[1].user”");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/doc/examples", test_doc_examples);
  g_test_add_func ("/protocol/doc/codes", test_doc_codes);
  g_test_add_func ("/protocol/doc/common", test_doc_common);
  g_test_add_func ("/protocol/round-trip", test_round_trip);
  g_test_add_func ("/protocol/encode-changes", test_encode_changes);
  g_test_add_func ("/protocol/changes-common", test_changes_common);
  g_test_add_func ("/protocol/refuse/changes-common", test_changes_common_refused);
  g_test_add_func ("/protocol/decoded-values", test_decoded_values);
  g_test_add_func ("/protocol/names", test_names);
  g_test_add_func ("/protocol/refuse/not-a-message", test_not_a_message);
  g_test_add_func ("/protocol/refuse/type-and-version", test_type_and_version);
  g_test_add_func ("/protocol/refuse/members", test_members);
  g_test_add_func ("/protocol/refuse/values", test_values);
  g_test_add_func ("/protocol/refuse/token", test_token);
  g_test_add_func ("/protocol/refuse/batches", test_batches);
  g_test_add_func ("/protocol/refuse/limits", test_limits);
  g_test_add_func ("/protocol/refuse/presence-limits", test_presence_limits);
  g_test_add_func ("/protocol/mutations", test_mutations);

  return g_test_run ();
}
