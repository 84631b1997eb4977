/* calque-tabular.h — the conventions of Calque's tables (CSV exports and imports)
 *
 * What the CSV-like formats write and read back the same way (the formats
 * themselves are in client/export and client/import; docs/formats.md has
 * the user's side):
 *
 *  - numbers in the shortest text that reads back as the same double, with
 *    no exponent below 1e15 and no trailing ".0" ("12", "-3.5", "0.875"), so
 *    that spreadsheets take them as numbers;
 *  - text cells defused against spreadsheet formulas, as OWASP advises, in a
 *    way that reads back exactly: a value that starts with = + - @ tab or
 *    CR, numbers included ("+1" is a formula to a spreadsheet, and a label
 *    "-3" should stay text), or with single quotes followed by one of those,
 *    gets one more single quote in front; the reader takes one quote off
 *    every cell that starts with quotes followed by one of those. Number
 *    cells are written with calque_csv_append_field(), which leaves plain
 *    numbers such as -3.5 alone: they are no formula, and stay numbers;
 *  - several label names in one cell, separated by "|", a "|" or "\" inside
 *    a name preceded by "\";
 *  - times as UTC ISO 8601 with milliseconds: "2026-11-25T15:19:32.125Z".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Large enough for any double calque_tabular_format_number() writes. */
#define CALQUE_TABULAR_NUMBER_SIZE 40

/* Writes @value into @buf; NaN and infinities, which records never hold,
 * are written as an empty string. Returns @buf. */
char       *calque_tabular_format_number (char        buf[CALQUE_TABULAR_NUMBER_SIZE],
                                          double       value);
/* Appends @coords (doubles) as a JSON array of numbers: "[10,20.5,30,40]". */
void        calque_tabular_append_coords (GString     *out,
                                          const double *coords,
                                          guint        n);

/* Appends @value as the next text cell of @row, guarded (above), then
 * quoted as calque_csv_append_field() does. */
void        calque_tabular_append_cell   (GString     *row,
                                          const char  *value);
/* The value of a cell read from a table written with the function above:
 * @cell, or @cell without its formula guard. Points into @cell. */
const char *calque_tabular_cell_value    (const char  *cell);

/* Appends @name to a "|"-separated list of names in @out. */
void        calque_tabular_append_label  (GString     *out,
                                          const char  *name);
/* The names of a list written by calque_tabular_append_label(); an empty
 * cell is no names. Empty names are dropped. */
GStrv       calque_tabular_split_labels  (const char  *cell);

/* @ms Unix milliseconds as "2026-11-25T15:19:32.125Z". */
char       *calque_tabular_format_time   (gint64       ms);

G_END_DECLS
