/* test-shape.c — annotation geometry: JSON form and validation */
#include "calque-shape.h"

#include <math.h>
#include <string.h>

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_roundtrip (const char *json)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueShape) shape = calque_shape_from_json (node, &error);
  g_autoptr(JsonNode) back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (shape);
  back = calque_shape_to_json (shape);
  g_assert_true (json_node_equal (node, back));
}

static void
test_roundtrip_every_kind (void)
{
  assert_roundtrip ("{\"type\":\"box\",\"x\":10.5,\"y\":20,\"w\":30,\"h\":40}");
  assert_roundtrip ("{\"type\":\"box\",\"x\":10,\"y\":20,\"w\":30,\"h\":40,\"rotation\":12.5}");
  assert_roundtrip ("{\"type\":\"polygon\",\"points\":[0,0,10,0,10,10,0,10]}");
  assert_roundtrip ("{\"type\":\"polygon\",\"points\":[0,0,100,0,100,100,0,100],"
                    "\"holes\":[[10,10,20,10,20,20],[50,50,60,50,60,60,50,60]]}");
  assert_roundtrip ("{\"type\":\"polyline\",\"points\":[1,2,3,4]}");
  assert_roundtrip ("{\"type\":\"point\",\"x\":1.25,\"y\":2}");
  assert_roundtrip ("{\"type\":\"span\",\"start\":3,\"end\":9}");
  assert_roundtrip ("{\"type\":\"segment\",\"start\":1.5,\"end\":2.75}");
  assert_roundtrip ("{\"type\":\"segment\",\"start\":1.5,\"end\":2.75,\"channel\":1}");
  assert_roundtrip ("{\"type\":\"classification\"}");
}

static void
assert_refused (const char *json,
                int         code,
                const char *in_message)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueShape) shape = calque_shape_from_json (node, &error);

  g_assert_null (shape);
  g_assert_error (error, CALQUE_SHAPE_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, in_message);
}

static void
test_json_errors (void)
{
  assert_refused ("{\"type\":\"circle\",\"x\":1}", CALQUE_SHAPE_ERROR_SYNTAX, "unknown shape type “circle”");
  assert_refused ("{\"x\":1}", CALQUE_SHAPE_ERROR_SYNTAX, "unknown shape type");
  assert_refused ("{\"type\":\"box\",\"x\":1,\"y\":2,\"w\":3}", CALQUE_SHAPE_ERROR_SYNTAX, "no “h”");
  assert_refused ("{\"type\":\"box\",\"x\":\"1\",\"y\":2,\"w\":3,\"h\":4}", CALQUE_SHAPE_ERROR_SYNTAX, "“x” must be a number");
  assert_refused ("{\"type\":\"point\",\"x\":1,\"y\":2,\"z\":3}", CALQUE_SHAPE_ERROR_SYNTAX, "unknown member “z”");
  assert_refused ("{\"type\":\"polygon\",\"points\":[0,0,1,1,2]}", CALQUE_SHAPE_ERROR_SYNTAX, "5 numbers");
  assert_refused ("{\"type\":\"polygon\",\"points\":[0,0,1,\"a\",2,2]}", CALQUE_SHAPE_ERROR_SYNTAX, "element 3");
  assert_refused ("{\"type\":\"span\",\"start\":1.5,\"end\":3}", CALQUE_SHAPE_ERROR_SYNTAX, "whole number");
  /* JSON has no NaN, but 1e999 parses as infinity. */
  assert_refused ("{\"type\":\"point\",\"x\":1e999,\"y\":2}", CALQUE_SHAPE_ERROR_GEOMETRY, "not a finite number");
  assert_refused ("{\"type\":\"polygon\",\"points\":[0,0,1e999,0,1,1]}", CALQUE_SHAPE_ERROR_GEOMETRY, "point 2 is not finite");
}

static void
test_degenerate (void)
{
  assert_refused ("{\"type\":\"polygon\",\"points\":[0,0,1,1]}", CALQUE_SHAPE_ERROR_GEOMETRY,
                  "polygon has 2 points; at least 3");
  assert_refused ("{\"type\":\"polyline\",\"points\":[0,0]}", CALQUE_SHAPE_ERROR_GEOMETRY, "at least 2");
  assert_refused ("{\"type\":\"box\",\"x\":0,\"y\":0,\"w\":0,\"h\":4}", CALQUE_SHAPE_ERROR_GEOMETRY, "must be positive");
  assert_refused ("{\"type\":\"box\",\"x\":0,\"y\":0,\"w\":-3,\"h\":4}", CALQUE_SHAPE_ERROR_GEOMETRY, "must be positive");
  assert_refused ("{\"type\":\"span\",\"start\":5,\"end\":5}", CALQUE_SHAPE_ERROR_GEOMETRY, "empty or reversed");
  assert_refused ("{\"type\":\"span\",\"start\":-1,\"end\":5}", CALQUE_SHAPE_ERROR_GEOMETRY, "empty or reversed");
  assert_refused ("{\"type\":\"segment\",\"start\":3,\"end\":1}", CALQUE_SHAPE_ERROR_GEOMETRY, "empty or reversed");
  assert_refused ("{\"type\":\"polygon\",\"points\":[0,0,9,0,9,9],\"holes\":[[1,1,2,2]]}",
                  CALQUE_SHAPE_ERROR_GEOMETRY, "hole 1 has 2 points");
}

static void
test_nan_from_c (void)
{
  double coords[] = { 0, 0, NAN, 1, 2, 2 };
  g_autoptr(CalqueShape) polygon = calque_shape_new_polygon (coords, 3);
  g_autoptr(CalqueShape) box = calque_shape_new_box (0, 0, INFINITY, 2);
  g_autoptr(GError) error = NULL;

  g_assert_false (calque_shape_validate (polygon, NULL, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY);
  g_clear_error (&error);
  g_assert_false (calque_shape_validate (box, NULL, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_GEOMETRY);
}

static void
test_too_many_points (void)
{
  /* One point over the limit is refused before any geometry is built. */
  GString *json = g_string_new ("{\"type\":\"polygon\",\"points\":[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueShape) shape = NULL;

  for (guint i = 0; i < CALQUE_SHAPE_MAX_POINTS + 1; i++)
    g_string_append_printf (json, "%s%u,%u", i ? "," : "", i % 1000, i / 1000);
  g_string_append (json, "]}");
  node = parse (json->str);
  g_string_free (json, TRUE);

  shape = calque_shape_from_json (node, &error);
  g_assert_null (shape);
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100001 points; at most 100000"));
}

static void
test_bounds (void)
{
  CalqueShapeBounds image = { .width = 640, .height = 480 };
  CalqueShapeBounds text = { .text_length = 10 };
  CalqueShapeBounds audio = { .duration = 2.5, .channels = 1 };
  g_autoptr(CalqueShape) inside = calque_shape_new_box (0, 0, 640, 480);
  g_autoptr(CalqueShape) outside = calque_shape_new_box (600, 0, 41, 10);
  g_autoptr(CalqueShape) rotated = calque_shape_new_box (0, 0, 640, 480);
  g_autoptr(CalqueShape) point = calque_shape_new_point (640.5, 1);
  g_autoptr(CalqueShape) span_ok = calque_shape_new_span (0, 10);
  g_autoptr(CalqueShape) span_long = calque_shape_new_span (5, 11);
  g_autoptr(CalqueShape) segment_long = calque_shape_new_segment (2, 2.6);
  g_autoptr(CalqueShape) segment_channel = calque_shape_new_segment (0, 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (calque_shape_validate (inside, &image, &error));
  g_assert_no_error (error);

  g_assert_false (calque_shape_validate (outside, &image, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
  g_assert_nonnull (strstr (error->message, "640×480"));
  g_clear_error (&error);

  /* The whole image turned by 45° pokes out at its corners. */
  rotated->rotation = 45;
  g_assert_false (calque_shape_validate (rotated, &image, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
  g_clear_error (&error);

  g_assert_false (calque_shape_validate (point, &image, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
  g_clear_error (&error);

  g_assert_true (calque_shape_validate (span_ok, &text, NULL));
  g_assert_false (calque_shape_validate (span_long, &text, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
  g_assert_nonnull (strstr (error->message, "10 characters"));
  g_clear_error (&error);

  g_assert_false (calque_shape_validate (segment_long, &audio, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
  g_clear_error (&error);
  segment_channel->channel = 1;
  g_assert_false (calque_shape_validate (segment_channel, &audio, &error));
  g_assert_error (error, CALQUE_SHAPE_ERROR, CALQUE_SHAPE_ERROR_BOUNDS);
}

static void
test_copy (void)
{
  double outer[] = { 0, 0, 100, 0, 100, 100, 0, 100 };
  double hole[] = { 10, 10, 20, 10, 20, 20 };
  g_autoptr(CalqueShape) shape = calque_shape_new_polygon (outer, 4);
  g_autoptr(CalqueShape) copy = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  calque_shape_add_hole (shape, hole, 3);
  copy = calque_shape_copy (shape);
  g_assert_cmpuint (calque_shape_get_n_points (copy), ==, 7);
  a = calque_shape_to_json (shape);
  b = calque_shape_to_json (copy);
  g_assert_true (json_node_equal (a, b));
  g_assert_true (copy->points != shape->points);
}

static void
test_equal (void)
{
  const double ring[] = { 0, 0, 10, 0, 10, 10 };
  const double hole[] = { 2, 2, 4, 2, 4, 4 };
  g_autoptr(CalqueShape) a = calque_shape_new_polygon (ring, 3);
  g_autoptr(CalqueShape) b = NULL;
  g_autoptr(CalqueShape) box = calque_shape_new_box (0, 0, 10, 10);

  b = calque_shape_copy (a);
  g_assert_true (calque_shape_equal (a, b));
  g_array_index (b->points, double, 3) = 0.5;
  g_assert_false (calque_shape_equal (a, b));
  g_clear_pointer (&b, calque_shape_free);

  b = calque_shape_copy (a);
  calque_shape_add_hole (b, hole, 3);
  g_assert_false (calque_shape_equal (a, b));
  calque_shape_add_hole (a, hole, 3);
  g_assert_true (calque_shape_equal (a, b));

  g_assert_false (calque_shape_equal (a, box));
  g_clear_pointer (&b, calque_shape_free);
  b = calque_shape_copy (box);
  b->rotation = 15;
  g_assert_false (calque_shape_equal (box, b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shape/roundtrip-every-kind", test_roundtrip_every_kind);
  g_test_add_func ("/shape/json-errors", test_json_errors);
  g_test_add_func ("/shape/degenerate", test_degenerate);
  g_test_add_func ("/shape/nan-from-c", test_nan_from_c);
  g_test_add_func ("/shape/too-many-points", test_too_many_points);
  g_test_add_func ("/shape/equal", test_equal);
  g_test_add_func ("/shape/bounds", test_bounds);
  g_test_add_func ("/shape/copy", test_copy);
  return g_test_run ();
}
