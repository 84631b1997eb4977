/* calque-json-parse.c — JSON text to JsonNodes, strictly and fast
 *
 * json-glib's JsonParser reads a value through a general tokenizer and
 * emits a GObject signal for every member and element: reading back the
 * fields of a million stored annotations spent most of an export there.
 * This reads RFC 8259 JSON in one pass, straight into the same JsonNodes,
 * typed as json-glib types them (integers as gint64, other numbers as
 * double, members in the order of the text, the last of two equal names
 * winning), with the checks calque_json_load_one() adds: one value only,
 * CALQUE_JSON_MAX_DEPTH, no \u0000 and no lone surrogate. It is stricter
 * than json-glib where JSON is: strings must be valid UTF-8 without raw
 * control characters, numbers follow the grammar, nothing else is allowed.
 */
#define G_LOG_DOMAIN "calque-json"

#include "calque-json.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *text;
  const char *p;
  const char *end;
  GString *buffer;     /* a string being unescaped */
  GError **error;
  gboolean failed;
} Parser;

static JsonNode *parse_value (Parser *self, guint depth);

static void
fail (Parser     *self,
      const char *at,
      int         code,
      const char *message)
{
  if (!self->failed)
    g_set_error (self->error, CALQUE_JSON_ERROR, code, _("%s, at byte %zu"), message,
                 (gsize) (at - self->text) + 1);
  self->failed = TRUE;
}

static void
skip_space (Parser *self)
{
  while (self->p < self->end
         && (*self->p == ' ' || *self->p == '\n' || *self->p == '\r' || *self->p == '\t'))
    self->p++;
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

/* Reads the string at self->p (on its opening quote) into self->buffer. */
static gboolean
parse_string (Parser *self)
{
  const char *start = ++self->p;

  g_string_truncate (self->buffer, 0);
  for (;;)
    {
      const char *run = self->p;

      /* Plain bytes, copied in one go. */
      while (self->p < self->end && *self->p != '"' && *self->p != '\\' && (guchar) *self->p >= 0x20)
        self->p++;
      if (self->p > run)
        {
          const char *bad;

          if (!g_utf8_validate (run, self->p - run, &bad))
            {
              fail (self, bad, CALQUE_JSON_ERROR_SYNTAX, _("a string is not valid UTF-8"));
              return FALSE;
            }
          g_string_append_len (self->buffer, run, self->p - run);
        }
      if (self->p == self->end)
        {
          fail (self, start - 1, CALQUE_JSON_ERROR_SYNTAX, _("a string is not closed"));
          return FALSE;
        }
      if (*self->p == '"')
        {
          self->p++;
          return TRUE;
        }
      if (*self->p != '\\')
        {
          fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("a string holds a raw control character"));
          return FALSE;
        }
      if (self->end - self->p < 2)
        {
          fail (self, start - 1, CALQUE_JSON_ERROR_SYNTAX, _("a string is not closed"));
          return FALSE;
        }
      switch (self->p[1])
        {
        case '"': g_string_append_c (self->buffer, '"'); break;
        case '\\': g_string_append_c (self->buffer, '\\'); break;
        case '/': g_string_append_c (self->buffer, '/'); break;
        case 'b': g_string_append_c (self->buffer, '\b'); break;
        case 'f': g_string_append_c (self->buffer, '\f'); break;
        case 'n': g_string_append_c (self->buffer, '\n'); break;
        case 'r': g_string_append_c (self->buffer, '\r'); break;
        case 't': g_string_append_c (self->buffer, '\t'); break;
        case 'u':
          {
            int unit = self->end - self->p >= 6 ? hex4 (self->p + 2) : -1;
            gunichar c = (gunichar) unit;

            if (unit < 0)
              {
                fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("a \\u escape does not have four hex digits"));
                return FALSE;
              }
            if (unit == 0)
              {
                fail (self, self->p, CALQUE_JSON_ERROR_BAD_ESCAPE, _("a string holds \\u0000 (a NUL character)"));
                return FALSE;
              }
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                int low = self->end - self->p >= 12 && self->p[6] == '\\' && self->p[7] == 'u'
                          ? hex4 (self->p + 8) : -1;

                if (!(low >= 0xdc00 && low <= 0xdfff))
                  {
                    fail (self, self->p, CALQUE_JSON_ERROR_BAD_ESCAPE,
                          _("a string holds half of a UTF-16 surrogate pair"));
                    return FALSE;
                  }
                c = 0x10000 + (((gunichar) unit - 0xd800) << 10) + ((gunichar) low - 0xdc00);
                self->p += 6;
              }
            else if (unit >= 0xdc00 && unit <= 0xdfff)
              {
                fail (self, self->p, CALQUE_JSON_ERROR_BAD_ESCAPE,
                      _("a string holds half of a UTF-16 surrogate pair"));
                return FALSE;
              }
            g_string_append_unichar (self->buffer, c);
            self->p += 4;
            break;
          }
        default:
          fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("a string holds an unknown escape"));
          return FALSE;
        }
      self->p += 2;
    }
}

static JsonNode *
parse_number (Parser *self)
{
  const char *start = self->p;
  const char *p = self->p;
  gboolean integer = TRUE;
  char local[64];
  g_autofree char *copy = NULL;
  const char *text;
  gsize length;

  if (p < self->end && *p == '-')
    p++;
  if (p < self->end && *p == '0')
    p++;
  else if (p < self->end && *p >= '1' && *p <= '9')
    while (p < self->end && g_ascii_isdigit (*p))
      p++;
  else
    goto bad;
  if (p < self->end && *p == '.')
    {
      integer = FALSE;
      if (++p == self->end || !g_ascii_isdigit (*p))
        goto bad;
      while (p < self->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < self->end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      if (++p < self->end && (*p == '+' || *p == '-'))
        p++;
      if (p == self->end || !g_ascii_isdigit (*p))
        goto bad;
      while (p < self->end && g_ascii_isdigit (*p))
        p++;
    }
  self->p = p;

  /* The number's own text, terminated, for the C library. */
  length = p - start;
  if (length < sizeof local)
    {
      memcpy (local, start, length);
      local[length] = '\0';
      text = local;
    }
  else
    text = copy = g_strndup (start, length);

  if (integer)
    {
      gint64 value;

      /* Few digits cannot overflow: the common case, without strtoll. */
      if (length <= 18)
        {
          const char *d = text + (text[0] == '-');

          value = 0;
          for (; *d; d++)
            value = value * 10 + (*d - '0');
          return json_node_init_int (json_node_alloc (), text[0] == '-' ? -value : value);
        }
      errno = 0;
      value = g_ascii_strtoll (text, NULL, 10);
      if (errno == 0)
        return json_node_init_int (json_node_alloc (), value);
      /* Beyond gint64: a double, as large numbers are anywhere else. */
    }
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (text, NULL));

bad:
  fail (self, start, CALQUE_JSON_ERROR_SYNTAX, _("a number is not written as JSON writes numbers"));
  return NULL;
}

static gboolean
parse_word (Parser     *self,
            const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (self->end - self->p) < length || memcmp (self->p, word, length) != 0)
    {
      fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("unexpected character"));
      return FALSE;
    }
  self->p += length;
  return TRUE;
}

static JsonNode *
parse_object (Parser *self,
              guint   depth)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_alloc ();

  json_node_init_object (node, object);
  json_object_unref (object);
  self->p++;
  skip_space (self);
  if (self->p < self->end && *self->p == '}')
    {
      self->p++;
      return node;
    }
  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *member;

      if (self->p == self->end || *self->p != '"')
        {
          fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("a member name is expected"));
          break;
        }
      if (!parse_string (self))
        break;
      name = g_strndup (self->buffer->str, self->buffer->len);
      skip_space (self);
      if (self->p == self->end || *self->p != ':')
        {
          fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("“:” is expected after a member name"));
          break;
        }
      self->p++;
      if ((member = parse_value (self, depth)) == NULL)
        break;
      json_object_set_member (object, name, member);
      skip_space (self);
      if (self->p < self->end && *self->p == ',')
        {
          self->p++;
          skip_space (self);
          continue;
        }
      if (self->p < self->end && *self->p == '}')
        {
          self->p++;
          return node;
        }
      fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("“,” or “}” is expected in an object"));
      break;
    }
  json_node_unref (node);
  return NULL;
}

static JsonNode *
parse_array (Parser *self,
             guint   depth)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_alloc ();

  json_node_init_array (node, array);
  json_array_unref (array);
  self->p++;
  skip_space (self);
  if (self->p < self->end && *self->p == ']')
    {
      self->p++;
      return node;
    }
  for (;;)
    {
      JsonNode *element = parse_value (self, depth);

      if (element == NULL)
        break;
      json_array_add_element (array, element);
      skip_space (self);
      if (self->p < self->end && *self->p == ',')
        {
          self->p++;
          continue;
        }
      if (self->p < self->end && *self->p == ']')
        {
          self->p++;
          return node;
        }
      fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("“,” or “]” is expected in an array"));
      break;
    }
  json_node_unref (node);
  return NULL;
}

/* @depth: the containers around the value. */
static JsonNode *
parse_value (Parser *self,
             guint   depth)
{
  skip_space (self);
  if (self->p == self->end)
    {
      fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("the text ends where a value is expected"));
      return NULL;
    }
  switch (*self->p)
    {
    case '{':
    case '[':
      if (depth + 1 > CALQUE_JSON_MAX_DEPTH)
        {
          g_autofree char *message = g_strdup_printf (_("nested more than %d levels deep"), CALQUE_JSON_MAX_DEPTH);

          fail (self, self->p, CALQUE_JSON_ERROR_TOO_DEEP, message);
          return NULL;
        }
      return *self->p == '{' ? parse_object (self, depth + 1) : parse_array (self, depth + 1);
    case '"':
      if (!parse_string (self))
        return NULL;
      return json_node_init_string (json_node_alloc (), self->buffer->str);
    case 't':
      return parse_word (self, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return parse_word (self, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return parse_word (self, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      if (*self->p == '-' || g_ascii_isdigit (*self->p))
        return parse_number (self);
      fail (self, self->p, CALQUE_JSON_ERROR_SYNTAX, _("unexpected character"));
      return NULL;
    }
}

JsonNode *
calque_json_parse (const char  *data,
                   gssize       length,
                   GError     **error)
{
  Parser self = { 0 };
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  self.text = self.p = data != NULL ? data : "";
  self.end = self.text + (length < 0 ? strlen (self.text) : (gsize) length);
  self.buffer = g_string_sized_new (64);
  self.error = error;

  root = parse_value (&self, 0);
  if (root != NULL)
    {
      skip_space (&self);
      if (self.p < self.end)
        {
          g_set_error (error, CALQUE_JSON_ERROR, CALQUE_JSON_ERROR_TRAILING_DATA,
                       _("unexpected data after the JSON value, at byte %zu"), (gsize) (self.p - self.text) + 1);
          g_clear_pointer (&root, json_node_unref);
        }
    }
  g_string_free (self.buffer, TRUE);
  return root;
}
