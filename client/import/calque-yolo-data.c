/* calque-yolo-data.c — the part of YAML that a data.yaml uses
 *
 * Debian's GLib stack has no YAML parser, and a data.yaml is a handful of
 * keys; this reads them line by line and refuses, with the line, anything
 * it does not understand rather than guess.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-yolo-data.h"
#include "calque-importer.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef enum {
  VALUE_NONE,      /* "key:" with nothing under it */
  VALUE_SCALAR,
  VALUE_LIST,
  VALUE_MAP,
} ValueKind;

typedef struct {
  ValueKind kind;
  int line;
  char *scalar;
  GPtrArray *keys;      /* map: char * */
  GPtrArray *values;    /* list and map: char * */
  GArray *lines;        /* list and map: int, the line of each value */
} Value;

typedef struct {
  const char *file;
  int line;
} Parser;

static void
value_clear (Value *value)
{
  g_clear_pointer (&value->scalar, g_free);
  g_clear_pointer (&value->keys, g_ptr_array_unref);
  g_clear_pointer (&value->values, g_ptr_array_unref);
  g_clear_pointer (&value->lines, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Value, value_clear)

static void
value_init_collection (Value     *value,
                       ValueKind  kind,
                       int        line)
{
  value->kind = kind;
  value->line = line;
  value->keys = g_ptr_array_new_with_free_func (g_free);
  value->values = g_ptr_array_new_with_free_func (g_free);
  value->lines = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
value_add (Value *value,
           char  *key,
           char  *item,
           int    line)
{
  if (key != NULL)
    g_ptr_array_add (value->keys, key);
  g_ptr_array_add (value->values, item);
  g_array_append_val (value->lines, line);
}

static gboolean
fail (Parser      *self,
      GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Parser      *self,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
               _("%s: line %d: %s"), self->file, self->line, message);
  return FALSE;
}

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gboolean
append_code_point (Parser      *self,
                   GString     *out,
                   const char **p,
                   int          digits,
                   GError     **error)
{
  gunichar c = 0;

  for (int i = 1; i <= digits; i++)
    {
      int v = g_ascii_xdigit_value ((*p)[i]);

      if (v < 0)
        return fail (self, error, _("“\\%c” needs %d hexadecimal digits"), **p, digits);
      c = c * 16 + v;
    }
  if (!g_unichar_validate (c) || c == 0)
    return fail (self, error, _("“\\%c” gives no character"), **p);
  g_string_append_unichar (out, c);
  *p += digits;
  return TRUE;
}

/* A "double-quoted" scalar, *@p at its opening quote. */
static char *
parse_double_quoted (Parser      *self,
                     const char **p,
                     GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *q = *p + 1;

  for (; *q != '"'; q++)
    {
      if (*q == '\0')
        {
          fail (self, error, _("a double-quoted string is not closed"));
          return NULL;
        }
      if (*q != '\\')
        {
          g_string_append_c (out, *q);
          continue;
        }
      q++;
      switch (*q)
        {
        case '\\': g_string_append_c (out, '\\'); break;
        case '"': g_string_append_c (out, '"'); break;
        case '/': g_string_append_c (out, '/'); break;
        case ' ': g_string_append_c (out, ' '); break;
        case '\t': g_string_append_c (out, '\t'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 'a': g_string_append_c (out, '\a'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'e': g_string_append_c (out, 0x1b); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'v': g_string_append_c (out, '\v'); break;
        case 'N': g_string_append_unichar (out, 0x85); break;
        case '_': g_string_append_unichar (out, 0xa0); break;
        case 'L': g_string_append_unichar (out, 0x2028); break;
        case 'P': g_string_append_unichar (out, 0x2029); break;
        case 'x':
          if (!append_code_point (self, out, &q, 2, error))
            return NULL;
          break;
        case 'u':
          if (!append_code_point (self, out, &q, 4, error))
            return NULL;
          break;
        case 'U':
          if (!append_code_point (self, out, &q, 8, error))
            return NULL;
          break;
        default:
          fail (self, error, _("“\\%c” is not a YAML escape"), *q ? *q : ' ');
          return NULL;
        }
    }
  *p = q + 1;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A 'single-quoted' scalar: '' is a quote. */
static char *
parse_single_quoted (Parser      *self,
                     const char **p,
                     GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *q = *p + 1;

  for (;; q++)
    {
      if (*q == '\0')
        {
          fail (self, error, _("a single-quoted string is not closed"));
          return NULL;
        }
      if (*q == '\'' && q[1] == '\'')
        {
          g_string_append_c (out, '\'');
          q++;
        }
      else if (*q == '\'')
        break;
      else
        g_string_append_c (out, *q);
    }
  *p = q + 1;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A scalar at *@p. Plain ones end at a comment, at ": " when @key, and
 * at , [ ] { } inside a flow collection. */
static char *
parse_scalar (Parser      *self,
              const char **p,
              gboolean     key,
              gboolean     flow,
              GError     **error)
{
  const char *start = skip_spaces (*p);
  const char *q = start;

  switch (*start)
    {
    case '"':
      *p = start;
      return parse_double_quoted (self, p, error);
    case '\'':
      *p = start;
      return parse_single_quoted (self, p, error);
    case '&': case '*': case '!': case '|': case '>': case '%': case '@': case '`':
      fail (self, error, _("“%c” (anchors, aliases, tags, block scalars) is not supported here"), *start);
      return NULL;
    default:
      break;
    }

  for (; *q && *q != '\n'; q++)
    {
      if (*q == '#' && q > start && (q[-1] == ' ' || q[-1] == '\t'))
        break;
      if (*q == ':' && (key || flow)
          && (q[1] == '\0' || q[1] == ' ' || q[1] == '\t' || (flow && strchr (",]}", q[1]) != NULL)))
        break;
      if (flow && strchr (",[]{}", *q) != NULL)
        break;
    }
  *p = q;
  while (q > start && (q[-1] == ' ' || q[-1] == '\t'))
    q--;
  return g_strndup (start, q - start);
}

/* After a value: only spaces and a comment may follow. */
static gboolean
expect_end (Parser      *self,
            const char  *p,
            GError     **error)
{
  p = skip_spaces (p);
  if (*p != '\0' && *p != '#')
    return fail (self, error, _("unexpected “%s” after the value"), p);
  return TRUE;
}

/* Spaces, line breaks and comments between the parts of a flow collection. */
static const char *
skip_flow_spaces (const char *text,
                  const char *p)
{
  for (;;)
    {
      if (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
      else if (*p == '#' && (p == text || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n'))
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else
        return p;
    }
}

/* A flow collection, its lines joined with their line breaks. */
static gboolean
parse_flow (Parser      *self,
            const char  *text,
            Value       *value,
            GError     **error)
{
  const char *p = skip_spaces (text);
  gboolean map = *p == '{';
  char close = map ? '}' : ']';

  value_init_collection (value, map ? VALUE_MAP : VALUE_LIST, self->line);
  p = skip_flow_spaces (text, p + 1);
  while (*p != close)
    {
      g_autofree char *key = NULL;
      g_autofree char *item = NULL;

      if (*p == '[' || *p == '{')
        return fail (self, error, _("nested collections are not supported"));
      if (map)
        {
          key = parse_scalar (self, &p, TRUE, TRUE, error);
          if (key == NULL)
            return FALSE;
          p = skip_spaces (p);
          if (*p != ':')
            return fail (self, error, _("“%s” in a {…} map has no “: value”"), key);
          p = skip_flow_spaces (text, p + 1);
        }
      item = parse_scalar (self, &p, FALSE, TRUE, error);
      if (item == NULL)
        return FALSE;
      p = skip_flow_spaces (text, p);
      value_add (value, g_steal_pointer (&key), g_steal_pointer (&item), self->line);
      if (*p == ',')
        p = skip_flow_spaces (text, p + 1);
      else if (*p != close)
        return fail (self, error, _("expected “,” or “%c” in a flow collection"), close);
    }
  return expect_end (self, p + 1, error);
}

/* Where the flow collection opened at @text closes: the number of
 * characters up to and including its closing bracket, or 0. */
static gsize
flow_length (const char *text)
{
  int depth = 0;
  gboolean single = FALSE, dbl = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (dbl)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            dbl = FALSE;
        }
      else if (single)
        single = *p != '\'';
      else if (*p == '"')
        dbl = TRUE;
      else if (*p == '\'')
        single = TRUE;
      else if (*p == '[' || *p == '{')
        depth++;
      else if (*p == ']' || *p == '}')
        {
          if (--depth == 0)
            return p - text + 1;
        }
      else if (*p == '#' && p > text && (p[-1] == ' ' || p[-1] == '\t'))
        {
          /* A comment runs to the end of its line. */
          while (p[1] != '\0' && p[1] != '\n')
            p++;
        }
    }
  return 0;
}

static int
indentation (const char *line)
{
  int n = 0;

  while (line[n] == ' ')
    n++;
  return n;
}

static gboolean
is_blank (const char *line)
{
  const char *p = skip_spaces (line);

  return *p == '\0' || *p == '#';
}

/* The lines under "key:" (indented, or "- " items at the key's level). */
static gboolean
parse_block (Parser      *self,
             char       **lines,
             guint       *index,
             Value       *value,
             GError     **error)
{
  int indent = -1;

  value->kind = VALUE_NONE;
  value->line = self->line;
  while (lines[*index + 1] != NULL)
    {
      const char *line = lines[*index + 1];
      const char *p;
      int here;

      if (is_blank (line))
        {
          (*index)++;
          continue;
        }
      here = indentation (line);
      p = line + here;
      if (here == 0 && !(p[0] == '-' && (p[1] == ' ' || p[1] == '\0')))
        break;
      (*index)++;
      self->line = *index + 1;
      if (indent < 0)
        {
          indent = here;
          value_init_collection (value, p[0] == '-' && (p[1] == ' ' || p[1] == '\0') ? VALUE_LIST : VALUE_MAP,
                                 self->line);
        }
      if (here != indent)
        return fail (self, error, _("nested values are not supported"));

      if (value->kind == VALUE_LIST)
        {
          g_autofree char *item = NULL;

          if (p[0] != '-' || (p[1] != ' ' && p[1] != '\0'))
            return fail (self, error, _("a list item must start with “- ”"));
          p = skip_spaces (p + 1);
          if (*p == '\0' || *p == '[' || *p == '{' || *p == '-')
            return fail (self, error, _("nested values are not supported"));
          item = parse_scalar (self, &p, FALSE, FALSE, error);
          if (item == NULL || !expect_end (self, p, error))
            return FALSE;
          value_add (value, NULL, g_steal_pointer (&item), self->line);
        }
      else
        {
          g_autofree char *key = parse_scalar (self, &p, TRUE, FALSE, error);
          g_autofree char *item = NULL;

          if (key == NULL)
            return FALSE;
          if (*p != ':')
            return fail (self, error, _("expected “key: value”"));
          p = skip_spaces (p + 1);
          if (*p == '\0' || *p == '#' || *p == '[' || *p == '{')
            return fail (self, error, _("nested values are not supported"));
          item = parse_scalar (self, &p, FALSE, FALSE, error);
          if (item == NULL || !expect_end (self, p, error))
            return FALSE;
          value_add (value, g_steal_pointer (&key), g_steal_pointer (&item), self->line);
        }
    }
  return TRUE;
}

static gboolean
parse_index (const char *text,
             gint64      limit,
             gint64     *out)
{
  char *end = NULL;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  return *end == '\0' && *out >= 0 && *out < limit;
}

static gboolean
take_names (Parser          *self,
            Value           *value,
            CalqueYoloData  *data,
            GError         **error)
{
  g_ptr_array_set_size (data->names, 0);
  if (value->kind == VALUE_LIST)
    {
      for (guint i = 0; i < value->values->len; i++)
        g_ptr_array_add (data->names, g_strdup (value->values->pdata[i]));
      return TRUE;
    }
  if (value->kind != VALUE_MAP)
    return fail (self, error, _("“names” must be a list of names or a map from class numbers to names"));

  /* {index: name} in any order, every index from 0 once. */
  g_ptr_array_set_size (data->names, value->values->len);
  for (guint i = 0; i < value->values->len; i++)
    {
      gint64 index;

      self->line = g_array_index (value->lines, int, i);
      if (!parse_index (value->keys->pdata[i], value->values->len, &index))
        return fail (self, error, _("“%s” is not a class number from 0 to %u"),
                     (const char *) value->keys->pdata[i], value->values->len - 1);
      if (data->names->pdata[index] != NULL)
        return fail (self, error, _("class %lld is named twice"), (long long) index);
      data->names->pdata[index] = g_strdup (value->values->pdata[i]);
    }
  return TRUE;
}

static gboolean
take_folders (Parser          *self,
              Value           *value,
              CalqueYoloData  *data,
              GError         **error)
{
  if (value->kind == VALUE_SCALAR)
    {
      if (*value->scalar != '\0' && !g_str_equal (value->scalar, "null") && !g_str_equal (value->scalar, "~"))
        {
          g_ptr_array_add (data->folders, g_strdup (value->scalar));
          g_array_append_val (data->folder_lines, value->line);
        }
      return TRUE;
    }
  if (value->kind == VALUE_MAP)
    return fail (self, error, _("an image folder must be a path or a list of paths"));
  for (guint i = 0; value->values != NULL && i < value->values->len; i++)
    {
      g_ptr_array_add (data->folders, g_strdup (value->values->pdata[i]));
      g_array_append_val (data->folder_lines, g_array_index (value->lines, int, i));
    }
  return TRUE;
}

void
_calque_yolo_data_free (CalqueYoloData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->names);
  g_ptr_array_unref (data->folders);
  g_array_unref (data->folder_lines);
  g_free (data);
}

CalqueYoloData *
_calque_yolo_data_parse (const char  *file,
                         const char  *text,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(CalqueYoloData) data = g_new0 (CalqueYoloData, 1);
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  Parser self = { file, 0 };
  gboolean have_names = FALSE;
  gint64 nc = -1;
  int nc_line = 0;

  data->names = g_ptr_array_new_with_free_func (g_free);
  data->folders = g_ptr_array_new_with_free_func (g_free);
  data->folder_lines = g_array_new (FALSE, FALSE, sizeof (int));

  if (length < 0)
    length = strlen (text);
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: not UTF-8 text"), file);
      return NULL;
    }
  copy = g_strndup (text, length);
  lines = g_strsplit (g_str_has_prefix (copy, "\xef\xbb\xbf") ? copy + 3 : copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
    }

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *p = line;
      g_autofree char *key = NULL;
      g_auto(Value) value = { 0 };

      self.line = i + 1;
      if (is_blank (line) || g_str_equal (line, "---"))
        continue;
      if (g_str_equal (line, "..."))
        break;
      if (*line == ' ' || *line == '\t')
        {
          fail (&self, error, _("indented, but under no key"));
          return NULL;
        }
      key = parse_scalar (&self, &p, TRUE, FALSE, error);
      if (key == NULL)
        return NULL;
      if (*p != ':')
        {
          fail (&self, error, _("expected “key: value”"));
          return NULL;
        }
      p = skip_spaces (p + 1);

      if (*p == '\0' || *p == '#')
        {
          if (!parse_block (&self, lines, &i, &value, error))
            return NULL;
          self.line = value.line;
        }
      else if (*p == '[' || *p == '{')
        {
          /* A flow collection may run over several lines; join them. */
          g_autoptr(GString) joined = g_string_new (p);
          int first = self.line;
          gsize end;

          while ((end = flow_length (joined->str)) == 0)
            {
              if (lines[i + 1] == NULL)
                {
                  fail (&self, error, _("“%c” is never closed"), *p);
                  return NULL;
                }
              g_string_append_c (joined, '\n');
              g_string_append (joined, lines[++i]);
            }
          if (!parse_flow (&self, joined->str, &value, error))
            return NULL;
          self.line = value.line = first;
        }
      else
        {
          value.kind = VALUE_SCALAR;
          value.line = self.line;
          value.scalar = parse_scalar (&self, &p, FALSE, FALSE, error);
          if (value.scalar == NULL || !expect_end (&self, p, error))
            return NULL;
        }

      if (g_str_equal (key, "names"))
        {
          if (!take_names (&self, &value, data, error))
            return NULL;
          have_names = TRUE;
        }
      else if (g_str_equal (key, "nc"))
        {
          if (value.kind != VALUE_SCALAR || !parse_index (value.scalar, G_MAXINT, &nc))
            {
              fail (&self, error, _("“nc” must be a whole number"));
              return NULL;
            }
          nc_line = value.line;
        }
      else if (g_str_equal (key, "train") || g_str_equal (key, "val") || g_str_equal (key, "test"))
        {
          if (!take_folders (&self, &value, data, error))
            return NULL;
        }
    }

  if (!have_names)
    {
      g_set_error (error, CALQUE_IMPORT_ERROR, CALQUE_IMPORT_ERROR_UNSUPPORTED,
                   _("%s: no “names”: the class names are needed"), file);
      return NULL;
    }
  if (nc >= 0 && nc != data->names->len)
    {
      self.line = nc_line;
      fail (&self, error, _("“nc” is %lld but “names” has %u"), (long long) nc, data->names->len);
      return NULL;
    }
  return g_steal_pointer (&data);
}
