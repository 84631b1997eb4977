/* calque-tabular.c — the conventions of Calque's tables (CSV exports and imports) */
#define G_LOG_DOMAIN "calque-tabular"

#include "calque-tabular.h"
#include "calque-csv.h"

#include <math.h>
#include <string.h>

/* The characters that make a spreadsheet read a cell as a formula; the
 * same set as calque_csv_append_field(). */
#define FORMULA_STARTS "=+-@\t\r"

char *
calque_tabular_format_number (char   buf[CALQUE_TABULAR_NUMBER_SIZE],
                              double value)
{
  if (!isfinite (value))
    {
      buf[0] = '\0';
      return buf;
    }
  if (value == 0)
    {
      /* Not "-0": a spreadsheet shows both as 0, and so do we. */
      g_strlcpy (buf, "0", CALQUE_TABULAR_NUMBER_SIZE);
      return buf;
    }
  /* %.15g first: 0.1 rather than 0.10000000000000001; more digits only when
   * they are needed to read back the same double. Whole numbers below 1e15
   * come out without an exponent or a decimal point. */
  g_ascii_formatd (buf, CALQUE_TABULAR_NUMBER_SIZE, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    {
      g_ascii_formatd (buf, CALQUE_TABULAR_NUMBER_SIZE, "%.16g", value);
      if (g_ascii_strtod (buf, NULL) != value)
        g_ascii_formatd (buf, CALQUE_TABULAR_NUMBER_SIZE, "%.17g", value);
    }
  return buf;
}

void
calque_tabular_append_coords (GString      *out,
                              const double *coords,
                              guint         n)
{
  char buf[CALQUE_TABULAR_NUMBER_SIZE];

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, calque_tabular_format_number (buf, coords[i]));
    }
  g_string_append_c (out, ']');
}

/* Whether @value is quotes followed by a formula character: what the
 * reader takes a guard off. */
static gboolean
is_guarded_form (const char *value)
{
  const char *p = value;

  if (*p != '\'')
    return FALSE;
  while (*p == '\'')
    p++;
  return *p != '\0' && strchr (FORMULA_STARTS, *p) != NULL;
}

void
calque_tabular_append_cell (GString    *row,
                            const char *value)
{
  g_autofree char *guarded = NULL;

  /* calque_csv_append_field() would let "+1" and "-3" through as numbers;
   * in a text cell they are text, and a spreadsheet must not turn them into
   * numbers (or run "+1" as the formula it is). Guarding "'=x" too keeps
   * the guard reversible. The guarded value starts with a quote, which
   * calque_csv_append_field() leaves alone. */
  if (value != NULL
      && ((value[0] != '\0' && strchr (FORMULA_STARTS, value[0]) != NULL) || is_guarded_form (value)))
    value = guarded = g_strconcat ("'", value, NULL);
  calque_csv_append_field (row, value);
}

const char *
calque_tabular_cell_value (const char *cell)
{
  g_return_val_if_fail (cell != NULL, NULL);

  return is_guarded_form (cell) ? cell + 1 : cell;
}

void
calque_tabular_append_label (GString    *out,
                             const char *name)
{
  g_return_if_fail (out != NULL && name != NULL);

  if (out->len > 0)
    g_string_append_c (out, '|');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '|' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

GStrv
calque_tabular_split_labels (const char *cell)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_val_if_fail (cell != NULL, NULL);

  for (const char *p = cell;; p++)
    {
      /* Only the two escapes the writer makes; any other backslash is
       * itself (a name typed by hand: "C:\data"). */
      if (*p == '\\' && (p[1] == '|' || p[1] == '\\'))
        g_string_append_c (name, *++p);
      else if (*p == '|' || *p == '\0')
        {
          if (name->len > 0)
            g_strv_builder_add (names, name->str);
          g_string_truncate (name, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (name, *p);
    }
  return g_strv_builder_end (names);
}

char *
calque_tabular_format_time (gint64 ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  g_autofree char *seconds = NULL;

  if (time == NULL)
    return g_strdup ("");
  seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) (((ms % 1000) + 1000) % 1000));
}
