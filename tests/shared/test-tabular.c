/* test-tabular.c — CSV cells that read back as they were written */
#define G_LOG_DOMAIN "test-tabular"

#include <math.h>
#include <string.h>

#include "calque-csv.h"
#include "calque-tabular.h"

static void
assert_number (double      value,
               const char *expected)
{
  char buf[CALQUE_TABULAR_NUMBER_SIZE];

  g_assert_cmpstr (calque_tabular_format_number (buf, value), ==, expected);
  if (*expected != '\0')
    g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, value);
}

static void
test_numbers (void)
{
  assert_number (12, "12");
  assert_number (-3.5, "-3.5");
  assert_number (0.875, "0.875");
  assert_number (0.1, "0.1");
  assert_number (-0.0, "0");
  assert_number (1.0 / 3, "0.3333333333333333");
  assert_number (222.00000000000006, "222.00000000000006");
  assert_number (123456789012345, "123456789012345");
  assert_number (NAN, "");
  assert_number (INFINITY, "");
}

/* Writes @values as one row, reads it back with the CSV reader, and
 * checks each cell's raw text and its value after the guard comes off. */
static void
assert_cells (const char * const *values,
              const char * const *raw)
{
  g_autoptr(GString) row = g_string_new (NULL);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(CalqueCsvReader) reader = NULL;
  g_auto(GStrv) cells = NULL;
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length ((GStrv) values);

  for (guint i = 0; i < n; i++)
    calque_tabular_append_cell (row, values[i]);
  g_string_append (row, "\r\n");
  in = g_memory_input_stream_new_from_data (g_strdup (row->str), (gssize) row->len, g_free);
  reader = calque_csv_reader_new (in, "cells.csv");
  g_assert_true (calque_csv_reader_next (reader, &cells, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cells), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (cells[i], ==, raw[i]);
      g_assert_cmpstr (calque_tabular_cell_value (cells[i]), ==, values[i]);
    }
}

static void
test_formula_guards (void)
{
  /* What a spreadsheet would run gets a quote; numbers stay numbers; a
   * value that already looks guarded gets one more quote, so that every
   * value reads back exactly. */
  const char * const values[] = {
    "=HYPERLINK(\"http://evil\",\"x\")", "+1", "@SUM(A1)", "-cmd", "\tx", "\rx",
    "-3.5", "+2e3", "'=x", "''@y", "'plain", "a=b", "", "-", NULL
  };
  const char * const raw[] = {
    "'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'@SUM(A1)", "'-cmd", "'\tx", "'\rx",
    "'-3.5", "'+2e3", "''=x", "'''@y", "'plain", "a=b", "", "'-", NULL
  };
  g_autoptr(GString) numbers = g_string_new (NULL);
  char buf[CALQUE_TABULAR_NUMBER_SIZE];

  assert_cells (values, raw);

  /* Number cells: a negative number is no formula and stays a number. */
  calque_csv_append_field (numbers, calque_tabular_format_number (buf, -3.5));
  calque_csv_append_field (numbers, calque_tabular_format_number (buf, -1e-7));
  g_assert_cmpstr (numbers->str, ==, "-3.5,-1e-07");
  g_assert_cmpstr (calque_tabular_cell_value ("-3.5"), ==, "-3.5");
}

static void
assert_labels (const char * const *names,
               const char         *expected)
{
  g_autoptr(GString) cell = g_string_new (NULL);
  g_auto(GStrv) back = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    calque_tabular_append_label (cell, names[i]);
  g_assert_cmpstr (cell->str, ==, expected);
  back = calque_tabular_split_labels (cell->str);
  g_assert_true (g_strv_equal ((const char * const *) back, names));
}

static void
test_labels (void)
{
  g_auto(GStrv) typed = NULL;

  assert_labels ((const char *[]) { "cat", "dog", NULL }, "cat|dog");
  assert_labels ((const char *[]) { "a|b", "c\\d", "é", NULL }, "a\\|b|c\\\\d|é");
  assert_labels ((const char *[]) { NULL }, "");

  /* Typed by hand: a lone backslash is itself, empty names go. */
  typed = calque_tabular_split_labels ("C:\\data||dog|");
  g_assert_cmpuint (g_strv_length (typed), ==, 2);
  g_assert_cmpstr (typed[0], ==, "C:\\data");
  g_assert_cmpstr (typed[1], ==, "dog");
}

static void
test_times (void)
{
  g_autofree char *t = calque_tabular_format_time (1764084000125);
  g_autofree char *epoch = calque_tabular_format_time (0);
  g_autofree char *before = calque_tabular_format_time (-1);

  g_assert_cmpstr (t, ==, "2025-11-25T15:20:00.125Z");
  g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00.000Z");
  g_assert_cmpstr (before, ==, "1969-12-31T23:59:59.999Z");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tabular/numbers", test_numbers);
  g_test_add_func ("/tabular/formula-guards", test_formula_guards);
  g_test_add_func ("/tabular/labels", test_labels);
  g_test_add_func ("/tabular/times", test_times);
  return g_test_run ();
}
