/* calque-json-writer.c — compact JSON text, fast */
#define G_LOG_DOMAIN "calque-json"

#include "calque-json-writer.h"

#include <math.h>
#include <string.h>

void
calque_json_append_string (GString    *out,
                           const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = str;

  g_string_append_c (out, '"');
  for (const char *p = str; *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      const char *escape = NULL;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      /* Copy the plain run before this character in one go. */
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default: break;
        }
      if (escape)
        g_string_append (out, escape);
      else
        {
          char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf], 0 };
          g_string_append_len (out, u, 6);
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* printf is the slowest part of writing a record; integers are common. */
static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}

/* Most numbers in records are a few decimals (a coordinate in tenths of a
 * pixel, a confidence of 0.875), and printf is slow at them. When @value is
 * what some k ≤ 6 decimals read back as, those digits are written by hand:
 * with r = @value × 10^k rounded, r / 10^k is one correctly rounded
 * division, as reading the text back is, so the text reads back as @value;
 * and with r below 10^15 (at most 15 digits) and @value from 1e-4 on, it is
 * also exactly what "%.15g" writes (no exponent, no trailing zeros). FALSE
 * for anything else, which goes the slow way. */
static gboolean
append_short_decimal (GString *out,
                      double   value)
{
  static const double powers[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
  double magnitude = fabs (value);

  if (!(magnitude >= 1e-4 && magnitude < 1e9))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (powers); k++)
    {
      double r = nearbyint (magnitude * powers[k]);
      guint64 digits, whole, fraction;
      char buf[32];
      char *p = buf + sizeof buf;
      guint n_fraction = k;

      if (r / powers[k] != magnitude)
        continue;
      digits = (guint64) r;
      whole = digits / (guint64) powers[k];
      fraction = digits % (guint64) powers[k];
      /* No trailing zeros, as %g writes none. */
      while (n_fraction > 0 && fraction % 10 == 0)
        {
          fraction /= 10;
          n_fraction--;
        }
      if (n_fraction == 0)
        {
          *--p = '0';
          *--p = '.';
        }
      else
        {
          for (guint i = 0; i < n_fraction; i++)
            {
              *--p = (char) ('0' + fraction % 10);
              fraction /= 10;
            }
          *--p = '.';
        }
      do
        {
          *--p = (char) ('0' + whole % 10);
          whole /= 10;
        }
      while (whole);
      if (value < 0)
        *--p = '-';
      g_string_append_len (out, p, buf + sizeof buf - p);
      return TRUE;
    }
  return FALSE;
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON has no NaN or infinity; records never hold them (validation
   * refuses them), so writing null only guards against misuse. */
  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (append_short_decimal (out, value))
    return;
  /* The shortest of 15, 16 or 17 significant digits that reads back as
   * the same double: 0.399 rather than 0.39900000000000002, which is
   * shorter on the wire and in the file, and no less exact. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    {
      g_ascii_formatd (buf, sizeof buf, "%.16g", value);
      if (g_ascii_strtod (buf, NULL) != value)
        g_ascii_formatd (buf, sizeof buf, "%.17g", value);
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

void
calque_json_append_node (GString  *out,
                         JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            calque_json_append_string (out, name);
            g_string_append_c (out, ':');
            calque_json_append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i)
              g_string_append_c (out, ',');
            calque_json_append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          calque_json_append_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
calque_json_node_to_string (JsonNode *node,
                            gsize    *out_length)
{
  GString *out = g_string_sized_new (256);

  calque_json_append_node (out, node);
  if (out_length)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}
