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

/* Where the first value ends: just past its closing bracket, quote or last
 * character. This only finds the end — json-glib checks the value itself
 * — so an unfinished value returns @length and is left for json-glib to
 * refuse. */
static gsize
first_value_end (const char *p,
                 gsize       length)
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
          if (c == '\\')
            i++;                      /* skip what is escaped */
          else if (c == '"')
            {
              in_string = FALSE;
              if (depth == 0)
                return i + 1;         /* a top-level string */
            }
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
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
  end = first_value_end (data, len);
  for (gsize i = end; i < len; i++)
    if (!is_space (data[i]))
      {
        g_set_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TRAILING_DATA,
                     _("unexpected data after the JSON value, at byte %zu"), i + 1);
        return FALSE;
      }

  return json_parser_load_from_data (parser, data, (gssize) len, error);
}
