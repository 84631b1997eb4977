/* calque-json-stream.c — the elements of a big JSON file, one at a time
 *
 * A hand-written scanner over blocks of the file: it knows where values
 * begin and end (strings and their escapes, brackets and their depth) and
 * no more. The bytes of each element wanted are parsed as a document of
 * their own by calque_json_parse() (strict JSON into json-glib's nodes,
 * several times faster than json-glib's own parser); when an element
 * straddles two blocks its bytes are gathered in a buffer first,
 * otherwise it is parsed in place.
 */
#define G_LOG_DOMAIN "calque-import"

#include "calque-json-stream.h"
#include "calque-json.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Big enough that reading is a small share of the time. */
#define BLOCK_SIZE (1024 * 1024)

G_DEFINE_QUARK (calque-json-stream-error-quark, calque_json_stream_error)

struct _CalqueJsonStream {
  char *path;
  char *name;
  guint64 size;
  guint max_depth;
  gsize max_element;
  CalqueJsonStreamProgressFunc progress;
  gpointer progress_data;
};

/* One pass over the file. */
typedef struct {
  CalqueJsonStream *stream;
  GCancellable *cancellable;
  int fd;
  guint8 *buf;
  gsize len, pos;
  guint64 base;          /* file offset of buf[0] */
  gboolean capturing;
  gsize capture_from;    /* where in buf the capture goes on from */
  guint64 element_offset; /* where the element captured begins */
  GString *capture;      /* the element's bytes from earlier blocks */
  char *stack;           /* closing brackets expected, max_depth of them */
  GError *error;
} Scanner;

static guint64
offset (Scanner *s)
{
  return s->base + s->pos;
}

static gboolean
fail (Scanner    *s,
      guint64     at,
      GQuark      domain,
      int         code,
      const char *format,
      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (Scanner    *s,
      guint64     at,
      GQuark      domain,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (s->error != NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: "instances.json: byte 1234: the file ends inside a string" */
  g_set_error (&s->error, domain, code, _("%s: byte %llu: %s"), s->stream->name, (unsigned long long) at, message);
  return FALSE;
}

#define syntax(s, at, ...) fail ((s), (at), CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_SYNTAX, __VA_ARGS__)

static int
too_large (Scanner *s)
{
  fail (s, s->element_offset, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_TOO_LARGE,
        _("an element is larger than %llu bytes"), (unsigned long long) s->stream->max_element);
  return -1;
}

/* The next block. 1: there is data; 0: end of file; -1: error (set). */
static int
refill (Scanner *s)
{
  gssize n;

  if (s->capturing)
    {
      g_string_append_len (s->capture, (const char *) s->buf + s->capture_from, s->len - s->capture_from);
      s->capture_from = 0;
      if (s->capture->len > s->stream->max_element)
        return too_large (s);
    }
  s->base += s->len;
  s->len = s->pos = 0;
  if (g_cancellable_set_error_if_cancelled (s->cancellable, &s->error))
    return -1;
  do
    n = read (s->fd, s->buf, BLOCK_SIZE);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      g_set_error (&s->error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot read the file: %s"),
                   s->stream->name, g_strerror (saved));
      return -1;
    }
  s->len = (gsize) n;
  if (s->stream->progress != NULL)
    s->stream->progress (s->base + s->len, s->stream->size, s->stream->progress_data);
  return n > 0;
}

/* The next byte without taking it, or -1 at the end (or on an error). */
static int
peek (Scanner *s)
{
  if (s->pos == s->len && refill (s) <= 0)
    return -1;
  return s->buf[s->pos];
}

static gboolean
ended (Scanner    *s,
       const char *where)
{
  if (s->error != NULL)
    return FALSE;
  return syntax (s, offset (s), _("the file ends %s"), where);
}

static int
skip_space (Scanner *s)
{
  for (;;)
    {
      int c = peek (s);

      if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
        return c;
      s->pos++;
    }
}

static const char *
describe_byte (int  c,
               char buf[16])
{
  if (c >= 0x21 && c < 0x7f)
    g_snprintf (buf, 16, "“%c”", c);
  else
    g_snprintf (buf, 16, "0x%02x", (guint) c);
  return buf;
}

/* After the opening quote, which was at @start. */
static gboolean
scan_string (Scanner *s,
             guint64  start)
{
  for (;;)
    {
      int c;

      /* The plain run, which is nearly all of any string, in one loop. */
      while (s->pos < s->len)
        {
          c = s->buf[s->pos];
          if (c == '"' || c == '\\' || c < 0x20)
            break;
          s->pos++;
        }
      if (s->pos == s->len)
        {
          if (refill (s) <= 0)
            return s->error == NULL
                   && syntax (s, offset (s), _("the file ends inside a string (begun at byte %llu)"),
                           (unsigned long long) start);
          continue;
        }
      c = s->buf[s->pos++];
      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return syntax (s, offset (s) - 1, _("a control character (0x%02x) inside a string; it must be escaped"), (guint) c);

      /* A backslash: one of the escapes JSON has. */
      c = peek (s);
      if (c < 0)
        return ended (s, _("inside a string"));
      s->pos++;
      if (c == 'u')
        {
          for (int i = 0; i < 4; i++)
            {
              c = peek (s);
              if (c < 0)
                return ended (s, _("inside a string"));
              if (!g_ascii_isxdigit (c))
                return syntax (s, offset (s), _("“\\u” is followed by 4 hexadecimal digits in JSON"));
              s->pos++;
            }
        }
      else if (strchr ("\"\\/bfnrt", c) == NULL)
        {
          char what[16];

          return syntax (s, offset (s) - 1, _("“\\” followed by %s is not an escape of JSON"), describe_byte (c, what));
        }
    }
}

/* Scans one value, whatever it is, at @depth levels inside the document. */
static gboolean
scan_value (Scanner *s,
            guint    depth)
{
  guint max = s->stream->max_depth;
  guint64 start = offset (s);
  int c = peek (s);
  guint open;

  if (c < 0)
    return ended (s, _("where a value was expected"));
  if (c == '"')
    {
      s->pos++;
      return scan_string (s, start);
    }
  if (c != '[' && c != '{')
    {
      /* A number, true, false or null: the element's parse checks the word. */
      guint n = 0;
      char what[16];

      while ((c = peek (s)) >= 0 && (g_ascii_isalnum (c) || c == '-' || c == '+' || c == '.'))
        {
          s->pos++;
          n++;
        }
      if (n == 0)
        return c < 0 ? ended (s, _("where a value was expected"))
                     : syntax (s, offset (s), _("%s where a value was expected"), describe_byte (c, what));
      return s->error == NULL;
    }

  /* An object or an array: strings and brackets, down to where it closes. */
  open = 0;
  for (;;)
    {
      char what[16];

      if (s->pos == s->len && refill (s) <= 0)
        return s->error == NULL
               && syntax (s, offset (s),
                          open > 0 && s->stack[0] == '}' ? _("the file ends inside an object (begun at byte %llu)")
                                                         : _("the file ends inside an array (begun at byte %llu)"),
                          (unsigned long long) start);
      c = s->buf[s->pos++];
      switch (c)
        {
        case '"':
          if (!scan_string (s, offset (s) - 1))
            return FALSE;
          break;
        case '[':
        case '{':
          if (depth + open >= max)
            return fail (s, offset (s) - 1, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_TOO_DEEP,
                         _("values are nested more than %u levels deep"), max);
          s->stack[open++] = c == '[' ? ']' : '}';
          break;
        case ']':
        case '}':
          if (open == 0 || s->stack[open - 1] != c)
            return syntax (s, offset (s) - 1, _("%s where “%c” was expected"), describe_byte (c, what),
                           open > 0 ? s->stack[open - 1] : '?');
          if (--open == 0)
            return TRUE;
          break;
        case ' ': case '\n': case '\r': case '\t':
          break;
        default:
          if (c < 0x20)
            return syntax (s, offset (s) - 1, _("%s is not allowed in JSON outside strings"), describe_byte (c, what));
          break;
        }
    }
}

/* Whether a bare NaN or Infinity (what Python's json module writes for
 * float('nan')) is in @text outside its strings: a clearer message than
 * the parser's "unexpected character". */
static gboolean
has_bare_non_number (const char *text,
                     gsize       length)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == 'N' && i + 3 <= length && memcmp (text + i, "NaN", 3) == 0)
               || (c == 'I' && i + 8 <= length && memcmp (text + i, "Infinity", 8) == 0))
        return TRUE;
    }
  return FALSE;
}

/* The element that begins here: scanned, parsed, handed over. */
static gboolean
read_element (Scanner              *s,
              const char           *member,
              guint64               index,
              guint                 depth,
              CalqueJsonElementFunc func,
              gpointer              user_data)
{
  CalqueJsonElementPlace place = { member, index, offset (s) };
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) element = NULL;
  const char *text;
  gsize length;

  s->capturing = TRUE;
  s->capture_from = s->pos;
  s->element_offset = place.offset;
  g_string_truncate (s->capture, 0);
  if (!scan_value (s, depth))
    {
      s->capturing = FALSE;
      return FALSE;
    }
  s->capturing = FALSE;
  if (s->capture->len == 0)
    {
      text = (const char *) s->buf + s->capture_from;
      length = s->pos - s->capture_from;
    }
  else
    {
      g_string_append_len (s->capture, (const char *) s->buf + s->capture_from, s->pos - s->capture_from);
      text = s->capture->str;
      length = s->capture->len;
    }

  if (length > s->stream->max_element)
    return too_large (s) > 0;
  if (!g_utf8_validate (text, length, NULL))
    return syntax (s, place.offset, _("element %llu of “%s” is not valid UTF-8"),
                   (unsigned long long) index + 1, member ? member : "[]");
  if ((element = calque_json_parse (text, length, &parse_error)) == NULL)
    {
      if (has_bare_non_number (text, length))
        return syntax (s, place.offset, _("element %llu of “%s” has NaN or Infinity, which are not JSON numbers"),
                       (unsigned long long) index + 1, member ? member : "[]");
      return syntax (s, place.offset, _("element %llu of “%s” is not valid JSON: %s"),
                     (unsigned long long) index + 1, member ? member : "[]", parse_error->message);
    }
  if (!func (element, &place, user_data, &s->error))
    {
      if (s->error == NULL)
        g_set_error (&s->error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: reading stopped"), s->stream->name);
      return FALSE;
    }
  return TRUE;
}

/* After the "[" of an array whose elements are wanted. */
static gboolean
read_elements (Scanner              *s,
               const char           *member,
               guint                 depth,
               CalqueJsonElementFunc func,
               gpointer              user_data)
{
  guint64 index = 0;
  char what[16];
  int c = skip_space (s);

  if (c == ']')
    {
      s->pos++;
      return TRUE;
    }
  for (;;)
    {
      if (!read_element (s, member, index++, depth, func, user_data))
        return FALSE;
      c = skip_space (s);
      if (c == ']')
        {
          s->pos++;
          return TRUE;
        }
      if (c != ',')
        return c < 0 ? ended (s, _("inside an array"))
                     : syntax (s, offset (s), _("%s after element %llu of “%s”, where “,” or “]” was expected"),
                               describe_byte (c, what), (unsigned long long) index, member ? member : "[]");
      s->pos++;
      c = skip_space (s);
      if (c == ']')
        return syntax (s, offset (s), _("a “,” before “]” (JSON has no trailing commas)"));
    }
}

/* The name of a member, after its opening quote. */
static char *
read_key (Scanner *s)
{
  guint64 start = offset (s) - 1;
  g_autoptr(GString) raw = g_string_new ("\"");

  s->capturing = TRUE;
  s->capture_from = s->pos;
  s->element_offset = start;
  g_string_truncate (s->capture, 0);
  if (!scan_string (s, start))
    {
      s->capturing = FALSE;
      return NULL;
    }
  s->capturing = FALSE;
  g_string_append_len (raw, s->capture->str, s->capture->len);
  g_string_append_len (raw, (const char *) s->buf + s->capture_from, s->pos - s->capture_from);
  if (strchr (raw->str, '\\') == NULL)
    {
      g_string_truncate (raw, raw->len - 1);
      return g_strdup (raw->str + 1);
    }
  /* Escapes in a name: rare enough to decode them as a document. */
  {
    g_autoptr(JsonNode) name = calque_json_parse (raw->str, raw->len, NULL);

    if (name == NULL)
      {
        syntax (s, start, _("a member name is not a valid string"));
        return NULL;
      }
    return g_strdup (json_node_get_string (name));
  }
}

static gboolean
read_document (Scanner              *s,
               const char * const   *members,
               guint64              *found,
               CalqueJsonElementFunc func,
               gpointer              user_data)
{
  char what[16];
  int c;

  /* A byte order mark, which some Windows tools write. */
  if (peek (s) == 0xef)
    {
      static const guint8 bom[] = { 0xef, 0xbb, 0xbf };

      for (guint i = 0; i < G_N_ELEMENTS (bom); i++)
        {
          if (peek (s) != bom[i])
            return s->error == NULL && syntax (s, offset (s), _("the file is not JSON (not even UTF-8 text)"));
          s->pos++;
        }
    }

  c = skip_space (s);
  if (c < 0)
    return s->error == NULL && syntax (s, offset (s), _("the file is empty"));
  if (members == NULL)
    {
      if (c != '[')
        return syntax (s, offset (s), _("the file is not a JSON array (it begins with %s)"), describe_byte (c, what));
      s->pos++;
      if (!read_elements (s, NULL, 1, func, user_data))
        return FALSE;
    }
  else
    {
      gboolean first = TRUE;

      if (c != '{')
        return syntax (s, offset (s), _("the file is not a JSON object (it begins with %s)"), describe_byte (c, what));
      s->pos++;
      for (;;)
        {
          g_autofree char *key = NULL;
          guint64 key_offset;
          int wanted = -1;

          c = skip_space (s);
          if (c == '}' && first)
            {
              s->pos++;
              break;
            }
          if (c != '"')
            return c < 0 ? ended (s, _("inside the top-level object"))
                         : syntax (s, offset (s), _("%s where a member name was expected"), describe_byte (c, what));
          key_offset = offset (s);
          s->pos++;
          if ((key = read_key (s)) == NULL)
            return FALSE;
          c = skip_space (s);
          if (c != ':')
            return c < 0 ? ended (s, _("inside the top-level object"))
                         : syntax (s, offset (s), _("%s after the name “%s”, where “:” was expected"),
                                   describe_byte (c, what), key);
          s->pos++;
          c = skip_space (s);

          for (guint i = 0; members[i] != NULL && i < 64; i++)
            if (g_str_equal (members[i], key))
              wanted = (int) i;
          if (wanted >= 0)
            {
              if (*found & (G_GUINT64_CONSTANT (1) << wanted))
                return syntax (s, key_offset, _("“%s” appears twice"), key);
              *found |= G_GUINT64_CONSTANT (1) << wanted;
              if (c != '[')
                return c < 0 ? ended (s, _("where a value was expected"))
                             : syntax (s, offset (s), _("“%s” is not an array"), key);
              s->pos++;
              if (!read_elements (s, members[wanted], 2, func, user_data))
                return FALSE;
            }
          else if (!scan_value (s, 1))
            return FALSE;

          first = FALSE;
          c = skip_space (s);
          if (c == '}')
            {
              s->pos++;
              break;
            }
          if (c != ',')
            return c < 0 ? ended (s, _("inside the top-level object"))
                         : syntax (s, offset (s), _("%s after the value of “%s”, where “,” or “}” was expected"),
                                   describe_byte (c, what), key);
          s->pos++;
          if (skip_space (s) == '}')
            return syntax (s, offset (s), _("a “,” before “}” (JSON has no trailing commas)"));
        }
    }

  c = skip_space (s);
  if (c >= 0)
    return syntax (s, offset (s), _("%s after the end of the JSON document"), describe_byte (c, what));
  return s->error == NULL;
}

CalqueJsonStream *
calque_json_stream_new (const char  *path,
                        const char  *display_name,
                        GError     **error)
{
  g_autoptr(CalqueJsonStream) self = g_new0 (CalqueJsonStream, 1);
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  self->name = display_name ? g_strdup (display_name) : g_path_get_basename (path);
  self->max_depth = CALQUE_JSON_STREAM_MAX_DEPTH;
  self->max_element = CALQUE_JSON_STREAM_MAX_ELEMENT;
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot read the file: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("%s: is a folder, not a JSON file"), path);
      return NULL;
    }
  self->size = (guint64) st.st_size;
  return g_steal_pointer (&self);
}

void
calque_json_stream_free (CalqueJsonStream *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->name);
  g_free (self);
}

const char *
calque_json_stream_get_name (CalqueJsonStream *self)
{
  return self->name;
}

guint64
calque_json_stream_get_size (CalqueJsonStream *self)
{
  return self->size;
}

void
calque_json_stream_set_max_depth (CalqueJsonStream *self,
                                  guint             max_depth)
{
  g_return_if_fail (max_depth >= 2);
  self->max_depth = max_depth;
}

void
calque_json_stream_set_max_element_size (CalqueJsonStream *self,
                                         gsize             max_size)
{
  self->max_element = max_size;
}

void
calque_json_stream_set_progress (CalqueJsonStream             *self,
                                 CalqueJsonStreamProgressFunc  func,
                                 gpointer                      user_data)
{
  self->progress = func;
  self->progress_data = user_data;
}

gboolean
calque_json_stream_foreach (CalqueJsonStream     *self,
                            const char * const   *members,
                            guint64              *out_found,
                            CalqueJsonElementFunc func,
                            gpointer              user_data,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(GString) capture = g_string_new (NULL);
  g_autofree guint8 *buf = g_malloc (BLOCK_SIZE);
  g_autofree char *stack = g_malloc (self->max_depth + 1);
  guint64 found = 0;
  Scanner s = {
    .stream = self,
    .cancellable = cancellable,
    .buf = buf,
    .capture = capture,
    .stack = stack,
  };
  gboolean ok;

  g_return_val_if_fail (func != NULL, FALSE);

  s.fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (s.fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot read the file: %s"),
                   self->name, g_strerror (saved));
      return FALSE;
    }
  ok = read_document (&s, members, &found, func, user_data);
  close (s.fd);
  if (out_found != NULL)
    *out_found = found;
  if (!ok)
    {
      if (s.error == NULL)
        g_set_error (&s.error, CALQUE_JSON_STREAM_ERROR, CALQUE_JSON_STREAM_ERROR_SYNTAX,
                     _("%s: not valid JSON"), self->name);
      g_propagate_error (error, s.error);
      return FALSE;
    }
  return TRUE;
}
