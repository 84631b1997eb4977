/* calque-json.c — parsing JSON from outside, safely */
#define G_LOG_DOMAIN "calque-json"

#include "calque-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-json-error-quark, calque_json_error)

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Walks the first value of @p to its end, checking only what json-glib
 * does not: depth and \u escapes. Returns the offset just past the value,
 * or (gsize) -1 with @error set. An unfinished value returns @length and is
 * left for json-glib to refuse with its own message. */
static gsize
scan_first_value (const char  *p,
                  gsize        length,
                  GError     **error)
{
  gsize i = 0;
  int depth = 0;
  gboolean in_string = FALSE;

  while (i < length && is_space (p[i]))
    i++;
  if (i == length)
    return length;

  if (p[i] != '{' && p[i] != '[' && p[i] != '"')
    {
      /* A bare number, true, false or null: up to the next separator. */
      while (i < length && !is_space (p[i]) && !strchr ("{}[]\",:", p[i]))
        i++;
      return i;
    }

  for (; i < length; i++)
    {
      char c = p[i];

      if (in_string)
        {
          if (c == '"')
            {
              in_string = FALSE;
              if (depth == 0)
                return i + 1;         /* a top-level string */
            }
          else if (c == '\\' && i + 1 < length)
            {
              if (p[i + 1] == 'u' && i + 5 < length)
                {
                  int unit = hex4 (p + i + 2);

                  if (unit == 0
                      || (unit >= 0xdc00 && unit <= 0xdfff)
                      || (unit >= 0xd800 && unit <= 0xdbff
                          && !(i + 11 < length && p[i + 6] == '\\' && p[i + 7] == 'u'
                               && hex4 (p + i + 8) >= 0xdc00 && hex4 (p + i + 8) <= 0xdfff)))
                    {
                      g_set_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_BAD_ESCAPE,
                                   unit == 0
                                   ? _("a string holds \\u0000 (a NUL character), at byte %zu")
                                   : _("a string holds half of a UTF-16 surrogate pair, at byte %zu"),
                                   i + 1);
                      return (gsize) -1;
                    }
                  if (unit >= 0xd800 && unit <= 0xdbff)
                    i += 6;           /* the pair's second half, checked above */
                  i += 5;
                }
              else
                i++;                  /* skip what is escaped */
            }
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > CALQUE_JSON_MAX_DEPTH)
            {
              g_set_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TOO_DEEP,
                           _("nested more than %d levels deep, at byte %zu"),
                           CALQUE_JSON_MAX_DEPTH, i + 1);
              return (gsize) -1;
            }
        }
      else if ((c == '}' || c == ']') && --depth == 0)
        return i + 1;
    }
  return length;
}

gboolean
calque_json_load_one (JsonParser  *parser,
                      const char  *data,
                      gssize       length,
                      GError     **error)
{
  gsize len, end;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  len = length < 0 ? strlen (data) : (gsize) length;
  end = scan_first_value (data, len, error);
  if (end == (gsize) -1)
    return FALSE;
  for (gsize i = end; i < len; i++)
    if (!is_space (data[i]))
      {
        g_set_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TRAILING_DATA,
                     _("unexpected data after the JSON value, at byte %zu"), i + 1);
        return FALSE;
      }

  return json_parser_load_from_data (parser, data, (gssize) len, error);
}
