/* test-merge.c — the merge of DESIGN.md, case by case */
#include "calque-merge.h"
#include "calque-record-json.h"

#include <string.h>

#define PROJECT "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
#define LABEL   "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d91"
#define CLIENT_A "0192d4e8-7c4b-7a31-9f02-00000000000a"
#define CLIENT_B "0192d4e8-7c4b-7a31-9f02-00000000000b"
#define NODE_A 0xa
#define NODE_B 0xb
#define NOW 1764028800000

static const CalqueMergeOptions server = { .now_ms = NOW, .max_ahead_ms = 60000, .make_conflicts = TRUE };

static CalqueChange *
label_change (const char *client,
              guint64     op,
              gint64      ms,
              guint64     node,
              gint64      base_seq)
{
  CalqueChange *change = calque_change_new (client, op, CALQUE_KIND_LABEL, LABEL, PROJECT);

  change->hlc.time = (guint64) ms << 16;
  change->hlc.node = node;
  change->base_seq = base_seq;
  change->author = g_strdup (node == NODE_A ? "amelie" : "bruno");
  return change;
}

static void
set_string (CalqueChange *change,
            const char   *field,
            const char   *value)
{
  calque_change_set_field (change, field,
                           value ? json_node_init_string (json_node_alloc (), value) : json_node_new (JSON_NODE_NULL));
}

/* The label as created at seq 1 by client A. */
static CalqueRecord *
created_label (void)
{
  g_autoptr(CalqueChange) create = label_change (CLIENT_A, 1, NOW - 10000, NODE_A, 0);
  g_auto(CalqueMergeResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  set_string (create, "name", "sparrow");
  set_string (create, "color", "#e01b24");
  g_assert_true (calque_merge_change (NULL, create, 1, &server, &result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&result.record);
}

static CalqueRecord *
apply (CalqueRecord       *current,
       const CalqueChange *change,
       gint64              seq,
       GPtrArray          *conflicts_out)
{
  g_auto(CalqueMergeResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_merge_change (current, change, seq, &server, &result, &error));
  g_assert_no_error (error);
  for (guint i = 0; conflicts_out && i < result.conflicts->len; i++)
    g_ptr_array_add (conflicts_out, g_object_ref (g_ptr_array_index (result.conflicts, i)));
  return g_steal_pointer (&result.record);
}

static void
test_create (void)
{
  g_autoptr(CalqueRecord) label = created_label ();

  g_assert_cmpstr (calque_record_get_string (label, "name"), ==, "sparrow");
  g_assert_cmpint (calque_record_get_seq (label, "name"), ==, 1);
  g_assert_nonnull (calque_record_get_clock (label, "color"));
  g_assert_true (calque_record_validate (label, NULL));
}

static void
test_concurrent_same_field (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  /* Both saw seq 1; B wrote later than A. */
  g_autoptr(CalqueChange) a = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueChange) b = label_change (CLIENT_B, 1, NOW - 4000, NODE_B, 1);
  g_autoptr(GPtrArray) conflicts_ab = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) conflicts_ba = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CalqueRecord) ab1 = NULL, ab = NULL, ba1 = NULL, ba = NULL;

  set_string (a, "name", "house sparrow");
  set_string (b, "name", "tree sparrow");

  ab1 = apply (base, a, 2, conflicts_ab);
  ab = apply (ab1, b, 3, conflicts_ab);
  ba1 = apply (base, b, 2, conflicts_ba);
  ba = apply (ba1, a, 3, conflicts_ba);

  /* The same winner whatever the order… */
  g_assert_cmpstr (calque_record_get_string (ab, "name"), ==, "tree sparrow");
  g_assert_cmpstr (calque_record_get_string (ba, "name"), ==, "tree sparrow");
  g_assert_cmpstr (calque_record_get_clock (ab, "name"), ==, calque_record_get_clock (ba, "name"));

  /* …and the loser is kept, whatever the order. */
  g_assert_cmpuint (conflicts_ab->len, ==, 1);
  g_assert_cmpuint (conflicts_ba->len, ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      CalqueRecord *conflict = g_ptr_array_index (i ? conflicts_ba : conflicts_ab, 0);

      g_assert_cmpint (calque_record_get_kind (conflict), ==, CALQUE_KIND_CONFLICT);
      g_assert_cmpstr (calque_record_get_string (conflict, "record"), ==, LABEL);
      g_assert_cmpstr (calque_record_get_string (conflict, "field"), ==, "name");
      g_assert_cmpstr (json_node_get_string (calque_record_get_field (conflict, "value")), ==, "house sparrow");
      g_assert_true (calque_record_validate (conflict, NULL));
    }
}

static void
test_concurrent_different_fields (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) a = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueChange) b = label_change (CLIENT_B, 1, NOW - 6000, NODE_B, 1);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CalqueRecord) one = NULL, both = NULL;

  set_string (a, "name", "house sparrow");
  set_string (b, "color", "#3584e4");
  one = apply (base, a, 2, conflicts);
  both = apply (one, b, 3, conflicts);

  g_assert_cmpstr (calque_record_get_string (both, "name"), ==, "house sparrow");
  g_assert_cmpstr (calque_record_get_string (both, "color"), ==, "#3584e4");
  g_assert_cmpuint (conflicts->len, ==, 0);
}

static void
test_sequential_overwrite_is_no_conflict (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) a = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  /* B had seen A's write (seq 2) before writing. */
  g_autoptr(CalqueChange) b = label_change (CLIENT_B, 1, NOW - 4000, NODE_B, 2);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CalqueRecord) one = NULL, two = NULL;

  set_string (a, "name", "house sparrow");
  set_string (b, "name", "Passer domesticus");
  one = apply (base, a, 2, conflicts);
  two = apply (one, b, 3, conflicts);

  g_assert_cmpstr (calque_record_get_string (two, "name"), ==, "Passer domesticus");
  g_assert_cmpuint (conflicts->len, ==, 0);
}

static void
test_delete_against_edit (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) del = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  /* B edits offline, later by the clock, without having seen the delete. */
  g_autoptr(CalqueChange) edit = label_change (CLIENT_B, 1, NOW - 1000, NODE_B, 1);
  g_autoptr(CalqueRecord) deleted = NULL;
  g_auto(CalqueMergeResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  del->delete_record = TRUE;
  set_string (edit, "name", "house sparrow");
  deleted = apply (base, del, 2, NULL);
  g_assert_true (calque_record_get_deleted (deleted));

  g_assert_false (calque_merge_change (deleted, edit, 3, &server, &result, &error));
  g_assert_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_DELETED);
  /* It stays deleted, and the refused value is kept. */
  g_assert_true (calque_record_get_deleted (result.record));
  g_assert_cmpstr (calque_record_get_string (result.record, "name"), ==, "sparrow");
  g_assert_cmpuint (result.conflicts->len, ==, 1);
  g_assert_cmpstr (json_node_get_string (calque_record_get_field (g_ptr_array_index (result.conflicts, 0), "value")),
                   ==, "house sparrow");
  g_assert_cmpstr (calque_record_get_string (g_ptr_array_index (result.conflicts, 0), "author"), ==, "bruno");
}

static void
test_edit_then_delete (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) edit = label_change (CLIENT_B, 1, NOW - 1000, NODE_B, 1);
  /* The delete's clock is older, but deletes win over concurrent edits. */
  g_autoptr(CalqueChange) del = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueRecord) edited = NULL, gone = NULL;

  set_string (edit, "name", "house sparrow");
  del->delete_record = TRUE;
  edited = apply (base, edit, 2, NULL);
  gone = apply (edited, del, 3, NULL);
  g_assert_true (calque_record_get_deleted (gone));
}

static void
test_undelete (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) del = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueChange) back = label_change (CLIENT_A, 3, NOW - 4000, NODE_A, 2);
  g_autoptr(CalqueRecord) gone = NULL, again = NULL;

  del->delete_record = TRUE;
  back->undelete = TRUE;
  set_string (back, "name", "restored");
  gone = apply (base, del, 2, NULL);
  again = apply (gone, back, 3, NULL);
  g_assert_false (calque_record_get_deleted (again));
  g_assert_cmpstr (calque_record_get_string (again, "name"), ==, "restored");
}

/* Two people delete the same record, each before seeing the other's
 * delete: whichever order the deletes arrive in, every side ends with the
 * later delete's clock (once seen as a flake of the e2e convergence test).
 * The same for undeleting a record that is live. */
static void
test_concurrent_deletes_converge (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) early = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueChange) late = label_change (CLIENT_B, 1, NOW - 4000, NODE_B, 1);
  g_autoptr(CalqueChange) undelete_a = label_change (CLIENT_A, 3, NOW - 3000, NODE_A, 3);
  g_autoptr(CalqueChange) undelete_b = label_change (CLIENT_B, 2, NOW - 2000, NODE_B, 3);
  g_autoptr(CalqueRecord) a1 = NULL, a2 = NULL, b1 = NULL, b2 = NULL;
  g_autoptr(CalqueRecord) a3 = NULL, a4 = NULL, b3 = NULL, b4 = NULL;
  char late_clock[CALQUE_HLC_STRING_LENGTH + 1], undelete_clock[CALQUE_HLC_STRING_LENGTH + 1];

  early->delete_record = TRUE;
  late->delete_record = TRUE;
  calque_hlc_to_string (&late->hlc, late_clock);
  a1 = apply (base, early, 2, NULL);
  a2 = apply (a1, late, 3, NULL);
  b1 = apply (base, late, 2, NULL);
  b2 = apply (b1, early, 3, NULL);
  g_assert_true (calque_record_get_deleted (a2) && calque_record_get_deleted (b2));
  g_assert_cmpstr (calque_record_get_clock (a2, "deleted"), ==, late_clock);
  g_assert_cmpstr (calque_record_get_clock (b2, "deleted"), ==, late_clock);

  undelete_a->undelete = TRUE;
  undelete_b->undelete = TRUE;
  calque_hlc_to_string (&undelete_b->hlc, undelete_clock);
  a3 = apply (a2, undelete_a, 4, NULL);
  a4 = apply (a3, undelete_b, 5, NULL);
  b3 = apply (b2, undelete_b, 4, NULL);
  b4 = apply (b3, undelete_a, 5, NULL);
  g_assert_false (calque_record_get_deleted (a4) || calque_record_get_deleted (b4));
  g_assert_cmpstr (calque_record_get_clock (a4, "deleted"), ==, undelete_clock);
  g_assert_cmpstr (calque_record_get_clock (b4, "deleted"), ==, undelete_clock);
}

static void
test_repeated_push (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) a = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  g_autoptr(CalqueRecord) once = NULL;
  g_auto(CalqueMergeResult) again = { 0 };
  g_autoptr(GError) error = NULL;

  set_string (a, "name", "house sparrow");
  once = apply (base, a, 2, NULL);
  g_assert_true (calque_merge_change (once, a, 3, &server, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (again.applied), ==, 0);
  g_assert_cmpuint (again.conflicts->len, ==, 0);
  g_assert_true (calque_record_equal (once, again.record));
  /* The field still carries the first application's seq. */
  g_assert_cmpint (calque_record_get_seq (again.record, "name"), ==, 2);
}

static void
test_clock_skew (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) skewed = label_change (CLIENT_B, 1, NOW + 2 * 3600 * 1000, NODE_B, 1);
  g_auto(CalqueMergeResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  CalqueMergeOptions lenient = server;

  set_string (skewed, "name", "from the future");
  g_assert_false (calque_merge_change (base, skewed, 2, &server, &result, &error));
  g_assert_error (error, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_CLOCK_AHEAD);
  g_assert_nonnull (strstr (error->message, "7200.0 s ahead"));
  g_assert_null (result.record);

  g_clear_error (&error);
  calque_merge_result_clear (&result);
  lenient.max_ahead_ms = -1;
  g_assert_true (calque_merge_change (base, skewed, 2, &lenient, &result, &error));
}

static void
test_out_of_order_delivery (void)
{
  /* Three writers, three fields; every order of arrival ends the same. */
  static const int orders[6][3] = { {0,1,2}, {0,2,1}, {1,0,2}, {1,2,0}, {2,0,1}, {2,1,0} };
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) c0 = label_change (CLIENT_A, 2, NOW - 3000, NODE_A, 1);
  g_autoptr(CalqueChange) c1 = label_change (CLIENT_B, 1, NOW - 2000, NODE_B, 1);
  g_autoptr(CalqueChange) c2 = label_change (CLIENT_A, 3, NOW - 2000, NODE_A, 1);  /* ties c1 on time */
  CalqueChange *changes[3] = { c0, c1, c2 };
  g_autoptr(CalqueRecord) first = NULL;

  set_string (c0, "name", "zero");
  set_string (c0, "shortcut", "0");
  set_string (c1, "name", "one");
  set_string (c1, "color", "#111111");
  set_string (c2, "name", "two");
  set_string (c2, "shortcut", NULL);  /* a removal */

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      g_autoptr(CalqueRecord) record = g_object_ref (base);

      for (int k = 0; k < 3; k++)
        {
          CalqueRecord *next = apply (record, changes[orders[o][k]], 2 + k, NULL);
          g_object_unref (record);
          record = next;
        }
      /* The tie on time is broken by the node: B (0xb) beats A (0xa). */
      g_assert_cmpstr (calque_record_get_string (record, "name"), ==, "one");
      g_assert_cmpstr (calque_record_get_string (record, "color"), ==, "#111111");
      g_assert_false (calque_record_has_field (record, "shortcut"));
      if (first == NULL)
        first = g_object_ref (record);
      else
        g_assert_true (calque_record_equal (first, record));
    }
}

static void
test_refusals (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) moved = calque_change_new (CLIENT_A, 2, CALQUE_KIND_LABEL, LABEL,
                                                     "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3dff");
  g_autoptr(CalqueChange) incomplete = calque_change_new (CLIENT_A, 3, CALQUE_KIND_LABEL,
                                                          "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d99", PROJECT);
  g_autoptr(CalqueChange) bad_value = label_change (CLIENT_A, 4, NOW - 1000, NODE_A, 1);
  g_auto(CalqueMergeResult) r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;

  moved->hlc.time = (guint64) NOW << 16;
  g_assert_false (calque_merge_change (base, moved, 2, &server, &r1, &e1));
  g_assert_error (e1, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_MISMATCH);

  incomplete->hlc.time = (guint64) NOW << 16;
  set_string (incomplete, "name", "no color");
  g_assert_false (calque_merge_change (NULL, incomplete, 3, &server, &r2, &e2));
  g_assert_error (e2, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_INVALID);
  g_assert_nonnull (strstr (e2->message, "“color”: is required"));

  set_string (bad_value, "color", "<b>red</b>");
  g_assert_false (calque_merge_change (base, bad_value, 4, &server, &r3, &e3));
  g_assert_error (e3, CALQUE_MERGE_ERROR, CALQUE_MERGE_ERROR_INVALID);
  g_assert_null (r3.record);
}

static void
test_client_makes_no_conflicts (void)
{
  g_autoptr(CalqueRecord) base = created_label ();
  g_autoptr(CalqueChange) newer = label_change (CLIENT_B, 1, NOW - 1000, NODE_B, 1);
  g_autoptr(CalqueChange) older = label_change (CLIENT_A, 2, NOW - 5000, NODE_A, 1);
  CalqueMergeOptions client = { .now_ms = NOW, .max_ahead_ms = -1, .make_conflicts = FALSE };
  g_auto(CalqueMergeResult) r1 = { 0 }, r2 = { 0 };

  set_string (newer, "name", "newer");
  set_string (older, "name", "older");
  g_assert_true (calque_merge_change (base, newer, 2, &client, &r1, NULL));
  g_assert_true (calque_merge_change (r1.record, older, 3, &client, &r2, NULL));
  g_assert_cmpstr (calque_record_get_string (r2.record, "name"), ==, "newer");
  g_assert_cmpuint (r2.conflicts->len, ==, 0);
}

static void
test_change_json (void)
{
  g_autoptr(CalqueChange) change = label_change (CLIENT_A, 7, NOW, NODE_A, 42);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CalqueChange) back = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { const char *json; int code; const char *says; } bad[] = {
    { "[]", CALQUE_CHANGE_ERROR_SYNTAX, "JSON object" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":1,\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0,\"extra\":1}",
      CALQUE_CHANGE_ERROR_SYNTAX, "unknown member “extra”" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":0,\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0}",
      CALQUE_CHANGE_ERROR_VALUE, "“op” must be 1 or more" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":1,\"id\":\"" LABEL "\",\"kind\":\"sticker\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0}",
      CALQUE_CHANGE_ERROR_VALUE, "unknown kind “sticker”" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":1,\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{\"colour\":\"#ffffff\"},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0}",
      CALQUE_CHANGE_ERROR_VALUE, "“colour”, which a label does not have" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":1,\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"yesterday\",\"base_seq\":0}",
      CALQUE_CHANGE_ERROR_VALUE, "“clock”" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":\"1\",\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0}",
      CALQUE_CHANGE_ERROR_SYNTAX, "“op” must be a whole number" },
    { "{\"client\":\"" CLIENT_A "\",\"op\":1,\"id\":\"" LABEL "\",\"kind\":\"label\",\"project\":\"" PROJECT "\","
      "\"set\":{},\"clock\":\"019ab84f5c7b0007-000000000000000a\",\"base_seq\":0,\"delete\":true,\"undelete\":true}",
      CALQUE_CHANGE_ERROR_VALUE, "both delete and undelete" },
  };

  set_string (change, "name", "wren");
  set_string (change, "shortcut", NULL);
  change->delete_record = TRUE;
  node = calque_change_to_json (change);
  back = calque_change_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->client_id, ==, CLIENT_A);
  g_assert_cmpuint (back->op_no, ==, 7);
  g_assert_cmpint (back->base_seq, ==, 42);
  g_assert_true (back->delete_record);
  g_assert_cmpint (calque_hlc_compare (&back->hlc, &change->hlc), ==, 0);
  again = calque_change_to_json (back);
  g_assert_true (json_node_equal (node, again));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) json = json_from_string (bad[i].json, NULL);
      g_autoptr(GError) e = NULL;
      g_autoptr(CalqueChange) refused = calque_change_from_json (json, &e);

      g_assert_null (refused);
      g_assert_error (e, CALQUE_CHANGE_ERROR, bad[i].code);
      if (strstr (e->message, bad[i].says) == NULL)
        g_error ("“%s” does not say “%s”", e->message, bad[i].says);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/merge/create", test_create);
  g_test_add_func ("/merge/concurrent-same-field", test_concurrent_same_field);
  g_test_add_func ("/merge/concurrent-different-fields", test_concurrent_different_fields);
  g_test_add_func ("/merge/sequential-overwrite-is-no-conflict", test_sequential_overwrite_is_no_conflict);
  g_test_add_func ("/merge/delete-against-edit", test_delete_against_edit);
  g_test_add_func ("/merge/edit-then-delete", test_edit_then_delete);
  g_test_add_func ("/merge/undelete", test_undelete);
  g_test_add_func ("/merge/concurrent-deletes-converge", test_concurrent_deletes_converge);
  g_test_add_func ("/merge/repeated-push", test_repeated_push);
  g_test_add_func ("/merge/clock-skew", test_clock_skew);
  g_test_add_func ("/merge/out-of-order-delivery", test_out_of_order_delivery);
  g_test_add_func ("/merge/refusals", test_refusals);
  g_test_add_func ("/merge/client-makes-no-conflicts", test_client_makes_no_conflicts);
  g_test_add_func ("/change/json", test_change_json);
  return g_test_run ();
}
