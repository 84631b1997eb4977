/* calque-protocol.c — the messages of the sync WebSocket, as bytes */
#define G_LOG_DOMAIN "calque-protocol"

#include "calque-protocol.h"
#include "calque-json.h"
#include "calque-json-writer.h"
#include "calque-uuid.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* A peer's text quoted back in an error message is cut to this many
 * characters: a 4 MiB "type" must not become a 4 MiB error. */
#define ECHO_MAX_CHARS 40

/* Error texts from calque_change_from_json() may quote the change; they are
 * cut to this many characters for the same reason. */
#define CHANGE_ERROR_MAX_CHARS 200

G_DEFINE_QUARK (calque-protocol-error-quark, calque_protocol_error)

static const char * const type_names[] = {
  [CALQUE_MESSAGE_HELLO] = "hello",
  [CALQUE_MESSAGE_PUSH] = "push",
  [CALQUE_MESSAGE_PING] = "ping",
  [CALQUE_MESSAGE_PRESENCE] = "presence",
  [CALQUE_MESSAGE_WELCOME] = "welcome",
  [CALQUE_MESSAGE_CHANGES] = "changes",
  [CALQUE_MESSAGE_ACK] = "ack",
  [CALQUE_MESSAGE_ERROR] = "error",
  [CALQUE_MESSAGE_PONG] = "pong",
  [CALQUE_MESSAGE_PRESENCE_LIST] = "presence",
};

static const char * const sync_codes[] = {
  [CALQUE_SYNC_CODE_BAD_MESSAGE] = "bad-message",
  [CALQUE_SYNC_CODE_UNSUPPORTED_VERSION] = "unsupported-version",
  [CALQUE_SYNC_CODE_UNAUTHORIZED] = "unauthorized",
  [CALQUE_SYNC_CODE_TOKEN_EXPIRED] = "token-expired",
  [CALQUE_SYNC_CODE_FORBIDDEN] = "forbidden",
  [CALQUE_SYNC_CODE_NOT_FOUND] = "not-found",
  [CALQUE_SYNC_CODE_TOO_LARGE] = "too-large",
  [CALQUE_SYNC_CODE_TOO_SLOW] = "too-slow",
  [CALQUE_SYNC_CODE_SERVER_SHUTDOWN] = "server-shutdown",
  [CALQUE_SYNC_CODE_INTERNAL] = "internal",
};

static const char * const reject_codes[] = {
  [CALQUE_REJECT_INVALID] = "invalid",
  [CALQUE_REJECT_FORBIDDEN] = "forbidden",
  [CALQUE_REJECT_DELETED] = "deleted",
  [CALQUE_REJECT_CLOCK_AHEAD] = "clock-ahead",
  [CALQUE_REJECT_CONFLICT_KIND] = "conflict-kind",
};

/* The same roles as a member record's "role" (calque-record.c). */
static const char * const roles[] = {
  "owner", "manager", "reviewer", "annotator", "viewer", NULL
};

/* --- messages ------------------------------------------------------------ */

static void
ack_result_free (CalqueAckResult *result)
{
  g_free (result->client_id);
  g_free (result->message);
  g_free (result);
}

static void
presence_free (CalquePresence *presence)
{
  g_free (presence->user);
  g_free (presence->item);
  g_free (presence);
}

static CalqueMessage *
message_new (CalqueMessageType type)
{
  CalqueMessage *self = g_new0 (CalqueMessage, 1);

  self->type = type;
  switch (type)
    {
    case CALQUE_MESSAGE_PUSH:
    case CALQUE_MESSAGE_CHANGES:
      self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);
      break;
    case CALQUE_MESSAGE_ACK:
      self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) ack_result_free);
      break;
    case CALQUE_MESSAGE_PRESENCE_LIST:
      self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) presence_free);
      break;
    case CALQUE_MESSAGE_HELLO:
    case CALQUE_MESSAGE_PING:
    case CALQUE_MESSAGE_PRESENCE:
    case CALQUE_MESSAGE_WELCOME:
    case CALQUE_MESSAGE_ERROR:
    case CALQUE_MESSAGE_PONG:
    default:
      break;
    }
  return self;
}

CalqueMessage *
calque_message_new_hello (const char *token,
                          const char *project,
                          const char *client_id,
                          gint64      cursor)
{
  CalqueMessage *self;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);
  g_return_val_if_fail (cursor >= 0, NULL);

  self = message_new (CALQUE_MESSAGE_HELLO);
  self->token = g_strdup (token);
  self->project = g_strdup (project);
  self->client_id = g_strdup (client_id);
  self->cursor = cursor;
  return self;
}

CalqueMessage *
calque_message_new_push (void)
{
  return message_new (CALQUE_MESSAGE_PUSH);
}

CalqueMessage *
calque_message_new_ping (gint64 id)
{
  CalqueMessage *self = message_new (CALQUE_MESSAGE_PING);

  self->id = id;
  return self;
}

CalqueMessage *
calque_message_new_presence (const char *item)
{
  CalqueMessage *self = message_new (CALQUE_MESSAGE_PRESENCE);

  self->item = g_strdup (item);
  return self;
}

CalqueMessage *
calque_message_new_welcome (const char *project,
                            gint64      head,
                            const char *user,
                            const char *role)
{
  CalqueMessage *self;

  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (head >= 0, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (role != NULL && g_strv_contains (roles, role), NULL);

  self = message_new (CALQUE_MESSAGE_WELCOME);
  self->project = g_strdup (project);
  self->head = head;
  self->user = g_strdup (user);
  self->role = g_strdup (role);
  return self;
}

CalqueMessage *
calque_message_new_changes (gint64 head)
{
  CalqueMessage *self;

  g_return_val_if_fail (head >= 0, NULL);

  self = message_new (CALQUE_MESSAGE_CHANGES);
  self->head = head;
  return self;
}

CalqueMessage *
calque_message_new_ack (void)
{
  return message_new (CALQUE_MESSAGE_ACK);
}

CalqueMessage *
calque_message_new_error (CalqueSyncCode  code,
                          const char     *message)
{
  CalqueMessage *self;

  g_return_val_if_fail (code <= CALQUE_SYNC_CODE_INTERNAL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = message_new (CALQUE_MESSAGE_ERROR);
  self->code = code;
  self->message = g_strdup (message);
  return self;
}

CalqueMessage *
calque_message_new_pong (gint64 id)
{
  CalqueMessage *self = message_new (CALQUE_MESSAGE_PONG);

  self->id = id;
  return self;
}

CalqueMessage *
calque_message_new_presence_list (void)
{
  return message_new (CALQUE_MESSAGE_PRESENCE_LIST);
}

void
calque_message_free (CalqueMessage *self)
{
  if (self == NULL)
    return;
  g_free (self->token);
  g_free (self->project);
  g_free (self->client_id);
  g_free (self->user);
  g_free (self->role);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_free (self->item);
  g_free (self->message);
  g_free (self);
}

void
calque_message_take_change (CalqueMessage *self,
                            CalqueChange  *change)
{
  g_return_if_fail (self != NULL && self->changes != NULL);
  g_return_if_fail (change != NULL);

  g_ptr_array_add (self->changes, change);
}

void
calque_message_add_ack_seq (CalqueMessage *self,
                            const char    *client_id,
                            guint64        op_no,
                            gint64         seq)
{
  CalqueAckResult *result;

  g_return_if_fail (self != NULL && self->type == CALQUE_MESSAGE_ACK);
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (seq >= 1);

  result = g_new0 (CalqueAckResult, 1);
  result->client_id = g_strdup (client_id);
  result->op_no = op_no;
  result->seq = seq;
  g_ptr_array_add (self->results, result);
}

void
calque_message_add_ack_error (CalqueMessage    *self,
                              const char       *client_id,
                              guint64           op_no,
                              CalqueRejectCode  code,
                              const char       *message)
{
  CalqueAckResult *result;

  g_return_if_fail (self != NULL && self->type == CALQUE_MESSAGE_ACK);
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (code <= CALQUE_REJECT_CONFLICT_KIND);
  g_return_if_fail (message != NULL);

  result = g_new0 (CalqueAckResult, 1);
  result->client_id = g_strdup (client_id);
  result->op_no = op_no;
  result->code = code;
  result->message = g_strdup (message);
  g_ptr_array_add (self->results, result);
}

void
calque_message_add_presence (CalqueMessage *self,
                             const char    *user,
                             const char    *item)
{
  CalquePresence *presence;

  g_return_if_fail (self != NULL && self->type == CALQUE_MESSAGE_PRESENCE_LIST);
  g_return_if_fail (user != NULL);

  presence = g_new0 (CalquePresence, 1);
  presence->user = g_strdup (user);
  presence->item = g_strdup (item);
  g_ptr_array_add (self->users, presence);
}

/* --- names --------------------------------------------------------------- */

const char *
calque_message_type_to_string (CalqueMessageType type)
{
  g_return_val_if_fail (type <= CALQUE_MESSAGE_PRESENCE_LIST, NULL);
  return type_names[type];
}

const char *
calque_sync_code_to_string (CalqueSyncCode code)
{
  g_return_val_if_fail (code <= CALQUE_SYNC_CODE_INTERNAL, NULL);
  return sync_codes[code];
}

gboolean
calque_sync_code_from_string (const char     *str,
                              CalqueSyncCode *out_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (sync_codes); i++)
    if (g_strcmp0 (str, sync_codes[i]) == 0)
      {
        *out_code = (CalqueSyncCode) i;
        return TRUE;
      }
  return FALSE;
}

const char *
calque_reject_code_to_string (CalqueRejectCode code)
{
  g_return_val_if_fail (code <= CALQUE_REJECT_CONFLICT_KIND, NULL);
  return reject_codes[code];
}

gboolean
calque_reject_code_from_string (const char       *str,
                                CalqueRejectCode *out_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (reject_codes); i++)
    if (g_strcmp0 (str, reject_codes[i]) == 0)
      {
        *out_code = (CalqueRejectCode) i;
        return TRUE;
      }
  return FALSE;
}

/* --- decoding: before the parser ---------------------------------------- */

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex4 (const char *data,
      gsize       length,
      gsize       at)
{
  int value = 0;

  if (at + 4 > length)
    return -1;
  for (gsize i = at; i < at + 4; i++)
    {
      int digit = g_ascii_xdigit_value (data[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Checks the escape at @data[*i] (the backslash) and moves @i to its last
 * character. Only JSON's escapes; no \u0000, which json-glib would turn into
 * the end of the string, and no lone surrogate, which it would turn into
 * bytes that are not UTF-8. */
static gboolean
valid_escape (const char *data,
              gsize       length,
              gsize      *i)
{
  int unit, low;

  if (*i + 1 >= length)
    return FALSE;
  if (data[*i + 1] != 'u')
    {
      *i += 1;
      return data[*i] != '\0' && strchr ("\"\\/bfnrt", data[*i]) != NULL;
    }
  unit = hex4 (data, length, *i + 2);
  *i += 5;
  if (unit <= 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return FALSE;
  if (unit < 0xd800 || unit > 0xdbff)
    return TRUE;
  if (*i + 6 >= length || data[*i + 1] != '\\' || data[*i + 2] != 'u')
    return FALSE;
  low = hex4 (data, length, *i + 3);
  *i += 6;
  return low >= 0xdc00 && low <= 0xdfff;
}

/* json-glib keeps the last of two members with one name; the protocol
 * refuses such an object, since the two ends could read it differently.
 * The cheap test: the prescan counts the colons outside strings, one per
 * member written, and the tree must hold as many. Only when it does not
 * is the frame read again, counting each object's members as the parser
 * adds them, to name the member. */
static gsize
count_members (JsonNode *node)
{
  gsize n = 0;

  if (node == NULL)
    return 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &value))
        n += 1 + count_members (value);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0, len = json_array_get_length (array); i < len; i++)
        n += count_members (json_array_get_element (array, i));
    }
  return n;
}

typedef struct
{
  GArray *counts;      /* guint per open object, innermost last */
  char   *duplicate;   /* the first name seen twice */
} MemberCount;

static void
object_started_cb (JsonParser  *parser,
                   MemberCount *members)
{
  guint zero = 0;

  g_array_append_val (members->counts, zero);
}

/* Each new name makes the object one bigger; a name seen before does not. */
static void
object_member_cb (JsonParser  *parser,
                  JsonObject  *object,
                  const char  *name,
                  MemberCount *members)
{
  guint *count;

  g_assert (members->counts->len > 0);
  count = &g_array_index (members->counts, guint, members->counts->len - 1);
  (*count)++;
  if (json_object_get_size (object) < *count && members->duplicate == NULL)
    members->duplicate = g_strdup (name);
}

static void
object_ended_cb (JsonParser  *parser,
                 JsonObject  *object,
                 MemberCount *members)
{
  g_array_set_size (members->counts, members->counts->len - 1);
}

/* The first member name that appears twice in one object of @data. */
static char *
find_duplicate_member (const char *data,
                       gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  MemberCount members = { g_array_new (FALSE, FALSE, sizeof (guint)), NULL };

  g_signal_connect (parser, "object-start", G_CALLBACK (object_started_cb), &members);
  g_signal_connect (parser, "object-member", G_CALLBACK (object_member_cb), &members);
  g_signal_connect (parser, "object-end", G_CALLBACK (object_ended_cb), &members);
  json_parser_load_from_data (parser, data, (gssize) length, NULL);
  g_array_unref (members.counts);
  return members.duplicate;
}

/* One pass over the frame before json-glib sees it, for two reasons.
 *
 * json-glib 1.6 parses nested arrays and objects by recursion, a few
 * hundred bytes of stack a level: 100,000 '[' (100 kB, well within a frame)
 * overflow an 8 MiB stack and crash the server. So nesting is counted here
 * and refused past CALQUE_PROTOCOL_MAX_DEPTH.
 *
 * json-glib also reads more than JSON: comments, single-quoted strings, hex
 * numbers, C escapes such as "\221" (which make strings that are not UTF-8),
 * lone surrogates and raw control characters in strings. A client that
 * relied on them would break with any other parser, a comment or a single
 * quote would hide brackets from the count above, and a string that is not
 * UTF-8 would be sent on to every other client. So only strict JSON passes:
 * outside strings, only the characters of numbers, literals and
 * punctuation; inside, only JSON's escapes. */
static gboolean
prescan (const char  *data,
         gsize        length,
         gsize       *out_n_members,
         GError     **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gsize n_members = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          gsize at = i;

          if (c == '"')
            in_string = FALSE;
          else if ((guchar) c < 0x20 || (c == '\\' && !valid_escape (data, length, &i)))
            {
              g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_SYNTAX,
                           _("not JSON: a bad escape or a control character in a string at byte %zu"), at + 1);
              return FALSE;
            }
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > CALQUE_PROTOCOL_MAX_DEPTH)
            {
              g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_TOO_LARGE,
                           _("the message is nested deeper than %d levels"), CALQUE_PROTOCOL_MAX_DEPTH);
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0)
            depth--;
        }
      /* Outside strings, every member of every object has one colon. */
      else if (c == ':')
        n_members++;
      /* Numbers, true, false and null, and what separates values. */
      else if (!is_space (c) && !strchr (",:0123456789+-.eEaflnrstu", c))
        {
          g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_SYNTAX,
                       _("not JSON: unexpected character at byte %zu"), i + 1);
          return FALSE;
        }
    }
  *out_n_members = n_members;
  return TRUE;
}

/* --- decoding: members --------------------------------------------------- */

/* @str cut to @max characters, with "…" when it was longer. @str is valid
 * UTF-8: the whole frame was checked before parsing. */
static char *
ellipsize (const char *str,
           glong       max)
{
  const char *end = str;

  for (glong i = 0; i < max && *end; i++)
    end = g_utf8_next_char (end);
  if (*end == '\0')
    return g_strdup (str);
  return g_strdup_printf ("%.*s…", (int) (end - str), str);
}

static gboolean
field_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
field_error (GError    **error,
             const char *format,
             ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_FIELD, message);
  g_free (message);
  return FALSE;
}

/* Member names are given with @where, the path of their object:
 * "" at the top, "results[2]." in an ack. */
static gboolean
check_members (JsonObject         *obj,
               const char         *where,
               const char * const *allowed,
               GError            **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_strv_contains (allowed, name))
      {
        g_autofree char *echo = ellipsize (name, ECHO_MAX_CHARS);
        return field_error (error, _("unknown member “%s%s”"), where, echo);
      }
  return TRUE;
}

static JsonNode *
get_member (JsonObject  *obj,
            const char  *where,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    field_error (error, _("“%s%s” is missing"), where, name);
  return node;
}

static gboolean
get_int (JsonObject  *obj,
         const char  *where,
         const char  *name,
         gint64       min,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = get_member (obj, where, name, error);
  gint64 value;

  g_assert (min == G_MININT64 || min == 0 || min == 1);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (error, _("“%s%s” must be a whole number"), where, name);
  value = json_node_get_int (node);
  if (value < min)
    return field_error (error, min == 0 ? _("“%s%s” must be 0 or more") : _("“%s%s” must be 1 or more"),
                        where, name);
  *out = value;
  return TRUE;
}

/* A string, not empty. */
static gboolean
get_string (JsonObject  *obj,
            const char  *where,
            const char  *name,
            const char **out,
            GError     **error)
{
  JsonNode *node = get_member (obj, where, name, error);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, _("“%s%s” must be a string"), where, name);
  *out = json_node_get_string (node);
  if (**out == '\0')
    return field_error (error, _("“%s%s” must not be empty"), where, name);
  return TRUE;
}

/* A UUID, or NULL when @nullable and the member is null (not absent). */
static gboolean
get_id (JsonObject  *obj,
        const char  *where,
        const char  *name,
        gboolean     nullable,
        const char **out,
        GError     **error)
{
  JsonNode *node = get_member (obj, where, name, error);

  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || !calque_uuid_is_valid (json_node_get_string (node)))
    return field_error (error,
                        nullable ? _("“%s%s” must be an id (a UUID in lowercase) or null")
                                 : _("“%s%s” must be an id (a UUID in lowercase)"),
                        where, name);
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonArray *
get_array (JsonObject  *obj,
           const char  *name,
           GError     **error)
{
  JsonNode *node = get_member (obj, "", name, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      field_error (error, _("“%s” must be an array"), name);
      return NULL;
    }
  return json_node_get_array (node);
}

/* Element @index of @array, which must be an object; @name is the array's. */
static JsonObject *
get_element_object (JsonArray   *array,
                    const char  *name,
                    guint        index,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, _("“%s[%u]” must be an object"), name, index);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
is_base64url_token (const char *str)
{
  gsize i;

  for (i = 0; str[i]; i++)
    if (!g_ascii_isalnum (str[i]) && str[i] != '-' && str[i] != '_')
      return FALSE;
  return i == CALQUE_PROTOCOL_TOKEN_LENGTH;
}

/* --- decoding: messages -------------------------------------------------- */

#define COMMON "type", "v"

static gboolean
decode_hello (JsonObject    *obj,
              CalqueMessage *msg,
              GError       **error)
{
  static const char * const members[] = { COMMON, "token", "project", "client", "cursor", NULL };
  JsonNode *token;
  const char *project, *client;

  if (!check_members (obj, "", members, error))
    return FALSE;
  /* The token is never quoted back, not even in part: error messages get
   * logged and shown. */
  if (!(token = get_member (obj, "", "token", error)))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (token) || json_node_get_value_type (token) != G_TYPE_STRING
      || !is_base64url_token (json_node_get_string (token)))
    return field_error (error, _("“token” must be %d characters of base64url"), CALQUE_PROTOCOL_TOKEN_LENGTH);
  if (!get_id (obj, "", "project", FALSE, &project, error)
      || !get_id (obj, "", "client", FALSE, &client, error)
      || !get_int (obj, "", "cursor", 0, &msg->cursor, error))
    return FALSE;
  msg->token = g_strdup (json_node_get_string (token));
  msg->project = g_strdup (project);
  msg->client_id = g_strdup (client);
  return TRUE;
}

static gboolean
change_error (GError    **error,
              guint       index,
              const char *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
change_error (GError    **error,
              guint       index,
              const char *format,
              ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_CHANGE,
               _("changes[%u]: %s"), index, what);
  return FALSE;
}

/* json-glib reads 1e999 as infinity, which JSON cannot write back: the
 * change would reach other clients with null in its place. Recursion is
 * bounded: the frame was checked for depth. */
static gboolean
all_finite (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_DOUBLE || isfinite (json_node_get_double (node));
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0, n = json_array_get_length (array); i < n; i++)
          if (!all_finite (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          if (!all_finite (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* The changes of a push (from a client: not numbered yet) or of the stream
 * (committed: numbered, with their author, none after @msg->head), with
 * the members @common gives them (NULL: none). */
static gboolean
decode_changes (JsonObject    *obj,
                JsonObject    *common,
                CalqueMessage *msg,
                GError       **error)
{
  gboolean push = msg->type == CALQUE_MESSAGE_PUSH;
  JsonArray *array = get_array (obj, "changes", error);
  guint n;

  if (array == NULL)
    return FALSE;
  n = json_array_get_length (array);
  if (push && (n < 1 || n > CALQUE_PROTOCOL_MAX_BATCH))
    return field_error (error, _("“changes” must hold 1 to %d changes, not %u"), CALQUE_PROTOCOL_MAX_BATCH, n);
  if (!push && n > CALQUE_PROTOCOL_MAX_BATCH)
    return field_error (error, _("“changes” must hold at most %d changes, not %u"), CALQUE_PROTOCOL_MAX_BATCH, n);

  g_ptr_array_set_size (msg->changes, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(CalqueChange) change = calque_change_from_message_json (json_array_get_element (array, i), common,
                                                                        &local_error);

      if (change == NULL)
        {
          g_autofree char *what = ellipsize (local_error->message, CHANGE_ERROR_MAX_CHARS);
          return change_error (error, i, "%s", what);
        }
      if (!all_finite (json_array_get_element (array, i)))
        return change_error (error, i, "%s", _("a number is too large"));
      if (push && change->seq != 0)
        return change_error (error, i, "%s", _("“seq” must be 0 in a push: the server numbers changes"));
      if (push && change->author != NULL)
        return change_error (error, i, "%s", _("“author” must be left out of a push: the server sets it"));
      if (!push && change->seq < 1)
        return change_error (error, i, "%s", _("“seq” must be 1 or more"));
      if (!push && change->seq > msg->head)
        return change_error (error, i, "%s", _("“seq” is after “head”"));
      if (!push && (change->author == NULL || *change->author == '\0'))
        return change_error (error, i, "%s", _("“author” is missing"));
      g_ptr_array_add (msg->changes, g_steal_pointer (&change));
    }
  return TRUE;
}

static gboolean
decode_push (JsonObject    *obj,
             CalqueMessage *msg,
             GError       **error)
{
  static const char * const members[] = { COMMON, "changes", NULL };

  return check_members (obj, "", members, error)
         && decode_changes (obj, NULL, msg, error);
}

static gboolean
decode_ping_pong (JsonObject    *obj,
                  CalqueMessage *msg,
                  GError       **error)
{
  static const char * const members[] = { COMMON, "id", NULL };

  return check_members (obj, "", members, error)
         && get_int (obj, "", "id", G_MININT64, &msg->id, error);
}

static gboolean
decode_presence (JsonObject    *obj,
                 CalqueMessage *msg,
                 GError       **error)
{
  static const char * const members[] = { COMMON, "item", NULL };
  const char *item;

  if (!check_members (obj, "", members, error)
      || !get_id (obj, "", "item", TRUE, &item, error))
    return FALSE;
  msg->item = g_strdup (item);
  return TRUE;
}

static gboolean
decode_welcome (JsonObject    *obj,
                CalqueMessage *msg,
                GError       **error)
{
  static const char * const members[] = { COMMON, "project", "head", "user", "role", NULL };
  const char *project, *user, *role;

  if (!check_members (obj, "", members, error)
      || !get_id (obj, "", "project", FALSE, &project, error)
      || !get_int (obj, "", "head", 0, &msg->head, error)
      || !get_string (obj, "", "user", &user, error)
      || !get_string (obj, "", "role", &role, error))
    return FALSE;
  if (!g_strv_contains (roles, role))
    return field_error (error, _("“role” must be owner, manager, reviewer, annotator or viewer"));
  msg->project = g_strdup (project);
  msg->user = g_strdup (user);
  msg->role = g_strdup (role);
  return TRUE;
}

static gboolean
decode_stream (JsonObject    *obj,
               CalqueMessage *msg,
               GError       **error)
{
  static const char * const members[] = { COMMON, "common", "changes", "head", NULL };
  static const char * const common_members[] = { "client", "kind", "project", "author", NULL };
  JsonObject *common = NULL;

  if (!check_members (obj, "", members, error)
      || !get_int (obj, "", "head", 0, &msg->head, error))
    return FALSE;
  /* What the page's changes share, written once; each change's values are
   * checked as if it held them itself. */
  if (json_object_has_member (obj, "common"))
    {
      JsonNode *node = json_object_get_member (obj, "common");
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return field_error (error, _("“%s” must be an object"), "common");
      common = json_node_get_object (node);
      if (!check_members (common, "common.", common_members, error))
        return FALSE;
      json_object_iter_init (&iter, common);
      while (json_object_iter_next (&iter, &name, &member))
        if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
          return field_error (error, _("“common.%s” must be a string"), name);
    }
  return decode_changes (obj, common, msg, error);
}

static gboolean
decode_ack (JsonObject    *obj,
            CalqueMessage *msg,
            GError       **error)
{
  static const char * const members[] = { COMMON, "results", NULL };
  static const char * const result_members[] = { "client", "op", "seq", "error", NULL };
  static const char * const error_members[] = { "code", "message", NULL };
  JsonArray *array;
  guint n;

  if (!check_members (obj, "", members, error)
      || !(array = get_array (obj, "results", error)))
    return FALSE;
  n = json_array_get_length (array);
  if (n < 1 || n > CALQUE_PROTOCOL_MAX_BATCH)
    return field_error (error, _("“results” must hold 1 to %d results, not %u"), CALQUE_PROTOCOL_MAX_BATCH, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("results[%u].", i);
      JsonObject *result = get_element_object (array, "results", i, error);
      const char *client;
      gint64 op, seq = 0;
      gboolean has_seq, has_error;
      CalqueRejectCode code = CALQUE_REJECT_INVALID;
      const char *message = NULL;

      if (result == NULL
          || !check_members (result, where, result_members, error)
          || !get_id (result, where, "client", FALSE, &client, error)
          || !get_int (result, where, "op", 1, &op, error))
        return FALSE;

      has_seq = json_object_has_member (result, "seq");
      has_error = json_object_has_member (result, "error");
      if (has_seq == has_error)
        return field_error (error, _("“results[%u]” must have either “seq” or “error”"), i);

      if (has_seq && !get_int (result, where, "seq", 1, &seq, error))
        return FALSE;
      if (has_error)
        {
          g_autofree char *error_where = g_strdup_printf ("results[%u].error.", i);
          JsonNode *node = json_object_get_member (result, "error");
          JsonObject *reject;
          const char *code_str;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            return field_error (error, _("“results[%u].error” must be an object"), i);
          reject = json_node_get_object (node);
          if (!check_members (reject, error_where, error_members, error)
              || !get_string (reject, error_where, "code", &code_str, error))
            return FALSE;
          if (!calque_reject_code_from_string (code_str, &code))
            {
              g_autofree char *echo = ellipsize (code_str, ECHO_MAX_CHARS);
              return field_error (error, _("“%scode” names no error of a change: “%s”"), error_where, echo);
            }
          /* An empty explanation is allowed: the code says what happened. */
          node = get_member (reject, error_where, "message", error);
          if (node == NULL)
            return FALSE;
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            return field_error (error, _("“%smessage” must be a string"), error_where);
          message = json_node_get_string (node);
        }

      if (message)
        calque_message_add_ack_error (msg, client, (guint64) op, code, message);
      else
        calque_message_add_ack_seq (msg, client, (guint64) op, seq);
    }
  return TRUE;
}

static gboolean
decode_error (JsonObject    *obj,
              CalqueMessage *msg,
              GError       **error)
{
  static const char * const members[] = { COMMON, "code", "message", NULL };
  const char *code;
  JsonNode *message;

  if (!check_members (obj, "", members, error)
      || !get_string (obj, "", "code", &code, error))
    return FALSE;
  if (!calque_sync_code_from_string (code, &msg->code))
    {
      g_autofree char *echo = ellipsize (code, ECHO_MAX_CHARS);
      return field_error (error, _("“code” names no error of the protocol: “%s”"), echo);
    }
  if (!(message = get_member (obj, "", "message", error)))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (message) || json_node_get_value_type (message) != G_TYPE_STRING)
    return field_error (error, _("“%s” must be a string"), "message");
  msg->message = g_strdup (json_node_get_string (message));
  return TRUE;
}

/* What calque-server accepts as a user name (calque_auth_check_user_name()
 * there): the app shows these names on one line, as plain text, and one
 * that hides characters or runs for pages is no name. */
static gboolean
is_user_name (const char *user)
{
  gsize length = strlen (user);

  /* An escape (\ud800) can make of valid text an invalid string. */
  if (length == 0 || length > CALQUE_PROTOCOL_MAX_USER_BYTES || !g_utf8_validate (user, length, NULL))
    return FALSE;
  for (const char *p = user; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_presence_list (JsonObject    *obj,
                      CalqueMessage *msg,
                      GError       **error)
{
  static const char * const members[] = { COMMON, "users", NULL };
  static const char * const user_members[] = { "user", "item", NULL };
  JsonArray *array;

  guint n;

  if (!check_members (obj, "", members, error)
      || !(array = get_array (obj, "users", error)))
    return FALSE;

  n = json_array_get_length (array);
  if (n > CALQUE_PROTOCOL_MAX_PRESENCE)
    return field_error (error, _("“users” must hold at most %d users, not %u"), CALQUE_PROTOCOL_MAX_PRESENCE, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("users[%u].", i);
      JsonObject *presence = get_element_object (array, "users", i, error);
      const char *user, *item;

      if (presence == NULL
          || !check_members (presence, where, user_members, error)
          || !get_string (presence, where, "user", &user, error)
          || !get_id (presence, where, "item", TRUE, &item, error))
        return FALSE;
      if (!is_user_name (user))
        return field_error (error, _("“%suser” is not a user name (1 to %d bytes, no spaces or control characters)"),
                            where, CALQUE_PROTOCOL_MAX_USER_BYTES);
      calque_message_add_presence (msg, user, item);
    }
  return TRUE;
}

CalqueMessage *
calque_message_decode (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CalqueMessage) msg = NULL;
  gsize n_members = 0;
  JsonNode *root;
  JsonObject *obj;
  gint64 version;
  const char *type_str;
  CalqueMessageType type;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* Cheapest refusals first: a peer that sends 100 MB learns so at once. */
  if (length > CALQUE_PROTOCOL_MAX_FRAME)
    {
      g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_TOO_LARGE,
                   _("the message is %zu bytes, more than the limit of %d"), length, CALQUE_PROTOCOL_MAX_FRAME);
      return NULL;
    }
  /* g_utf8_validate_len() also refuses NUL bytes, which JSON text never
   * holds outside escapes. */
  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_SYNTAX,
                           length == 0 ? _("the message is empty") : _("the message is not UTF-8 text"));
      return NULL;
    }
  if (!prescan (data, length, &n_members, error))
    return NULL;

  /* Not an immutable parser: sealing every node costs a walk of the tree,
   * and the changes keep their "set" objects from it (they are changed
   * further by nothing else). */
  parser = json_parser_new ();
  if (!calque_json_load_one (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_SYNTAX,
                   _("the message is not JSON: %s"), local_error->message);
      return NULL;
    }
  /* Fewer members in the tree than colons in the text: a name came twice
   * in one object, and the parser kept only the last. */
  if (count_members (json_parser_get_root (parser)) != n_members)
    {
      g_autofree char *twice = find_duplicate_member (data, length);

      g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_FIELD,
                   _("the member “%s” appears twice in one object"), twice != NULL ? twice : "");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_SYNTAX,
                           _("a message must be a JSON object"));
      return NULL;
    }
  obj = json_node_get_object (root);

  /* The version first: a later version may have types this one lacks. */
  if (!get_int (obj, "", "v", G_MININT64, &version, error))
    return NULL;
  if (version != CALQUE_PROTOCOL_VERSION)
    {
      g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_VERSION,
                   _("protocol version %lld is not supported; version %d is"),
                   (long long) version, CALQUE_PROTOCOL_VERSION);
      return NULL;
    }

  if (!get_string (obj, "", "type", &type_str, error))
    return NULL;
  for (type = 0; type < G_N_ELEMENTS (type_names); type++)
    if (strcmp (type_str, type_names[type]) == 0)
      break;
  if (type == G_N_ELEMENTS (type_names))
    {
      g_autofree char *echo = ellipsize (type_str, ECHO_MAX_CHARS);
      g_set_error (error, CALQUE_PROTOCOL_ERROR, CALQUE_PROTOCOL_ERROR_UNKNOWN_TYPE,
                   _("unknown message type “%s”"), echo);
      return NULL;
    }
  /* Both directions call it "presence"; the server's has "users". */
  if (type == CALQUE_MESSAGE_PRESENCE && json_object_has_member (obj, "users"))
    type = CALQUE_MESSAGE_PRESENCE_LIST;

  msg = message_new (type);
  switch (type)
    {
    case CALQUE_MESSAGE_HELLO:
      ok = decode_hello (obj, msg, error);
      break;
    case CALQUE_MESSAGE_PUSH:
      ok = decode_push (obj, msg, error);
      break;
    case CALQUE_MESSAGE_PING:
    case CALQUE_MESSAGE_PONG:
      ok = decode_ping_pong (obj, msg, error);
      break;
    case CALQUE_MESSAGE_PRESENCE:
      ok = decode_presence (obj, msg, error);
      break;
    case CALQUE_MESSAGE_WELCOME:
      ok = decode_welcome (obj, msg, error);
      break;
    case CALQUE_MESSAGE_CHANGES:
      ok = decode_stream (obj, msg, error);
      break;
    case CALQUE_MESSAGE_ACK:
      ok = decode_ack (obj, msg, error);
      break;
    case CALQUE_MESSAGE_ERROR:
      ok = decode_error (obj, msg, error);
      break;
    case CALQUE_MESSAGE_PRESENCE_LIST:
      ok = decode_presence_list (obj, msg, error);
      break;
    default:
      g_assert_not_reached ();
    }
  return ok ? g_steal_pointer (&msg) : NULL;
}

/* --- encoding ------------------------------------------------------------ */

static void
append_string_member (GString    *out,
                      const char *name,
                      const char *value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  if (value)
    calque_json_append_string (out, value);
  else
    g_string_append (out, "null");
}

static void
append_int_member (GString    *out,
                   const char *name,
                   gint64      value)
{
  g_string_append_printf (out, ",\"%s\":%" G_GINT64_FORMAT, name, value);
}

static void
append_changes (GString   *out,
                GPtrArray *changes)
{
  g_string_append (out, ",\"changes\":[");
  for (guint i = 0; i < changes->len; i++)
    {
      g_autoptr(JsonNode) node = calque_change_to_json (g_ptr_array_index (changes, i));

      if (i > 0)
        g_string_append_c (out, ',');
      calque_json_append_node (out, node);
    }
  g_string_append_c (out, ']');
}

/* A changes page writes once, in "common", the members that its changes
 * share (docs/protocol.md): the project always, and most often the
 * client, the kind and the author. The changes come as the texts that
 * calque_change_to_json() and calque-json-writer make, which is how the
 * server stores them:
 *
 *   {"client":"<uuid>","op":N,"id":"<uuid>","kind":"<kind>","project":"<uuid>",
 *    "set":{…},"clock":"…","base_seq":N,"delete":B,"undelete":B,"seq":N[,"author":"…"]}
 *
 * Such a text is cut into slices here and written again without what
 * "common" says and without the "delete" and "undelete" that are false.
 * A text of any other layout (written by an older version, say) goes out
 * as it is: members of a change win over "common", so it means the same. */
typedef struct
{
  const char *start;
  gsize       length;
} Slice;

typedef enum { SHARED_CLIENT, SHARED_KIND, SHARED_PROJECT, SHARED_AUTHOR, N_SHARED } Shared;

static const char * const shared_names[N_SHARED] = { "client", "kind", "project", "author" };

typedef struct
{
  gboolean cut;               /* FALSE: not of the layout above; sent as it is */
  Slice    shared[N_SHARED];  /* JSON values, quotes included; author may be empty */
  Slice    op_id;             /* "op":N,"id":"<uuid>" */
  Slice    body;              /* "set":{…},"clock":"…","base_seq":N */
  gboolean delete_record;
  gboolean undelete;
  Slice    seq;               /* "seq":N */
} ChangeText;

static gboolean
slice_equal (Slice a,
             Slice b)
{
  return a.length == b.length && memcmp (a.start, b.start, a.length) == 0;
}

/* Moves @p past @literal if the text goes on with it. */
static gboolean
skip_literal (const char **p,
              const char  *end,
              const char  *literal)
{
  gsize n = strlen (literal);

  if ((gsize) (end - *p) < n || memcmp (*p, literal, n) != 0)
    return FALSE;
  *p += n;
  return TRUE;
}

/* A string value without escapes (ids, kinds): up to its closing quote. */
static gboolean
take_plain_string (const char **p,
                   const char  *end,
                   Slice       *out)
{
  const char *q = *p;

  if (q >= end || *q != '"')
    return FALSE;
  for (q++; q < end && *q != '"'; q++)
    if (*q == '\\')
      return FALSE;
  if (q >= end)
    return FALSE;
  *out = (Slice) { *p, q + 1 - *p };
  *p = q + 1;
  return TRUE;
}

static gboolean
take_digits (const char **p,
             const char  *end)
{
  const char *q = *p;

  while (q < end && g_ascii_isdigit (*q))
    q++;
  if (q == *p)
    return FALSE;
  *p = q;
  return TRUE;
}

static gboolean
take_boolean (const char **p,
              const char  *end,
              gboolean    *out)
{
  if (skip_literal (p, end, "true"))
    *out = TRUE;
  else if (skip_literal (p, end, "false"))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* The last occurrence of @literal in [@from, @end), or NULL. */
static const char *
find_last (const char *from,
           const char *end,
           const char *literal)
{
  gsize n = strlen (literal);

  for (const char *q = end - n; q >= from; q--)
    if (memcmp (q, literal, n) == 0)
      return q;
  return NULL;
}

static void
cut_change_text (const char *text,
                 ChangeText *out)
{
  const char *end = text + strlen (text);
  const char *p = text;
  const char *tail;
  Slice id;

  memset (out, 0, sizeof *out);
  if (!skip_literal (&p, end, "{\"client\":") || !take_plain_string (&p, end, &out->shared[SHARED_CLIENT])
      || !skip_literal (&p, end, ","))
    return;
  out->op_id.start = p;
  if (!skip_literal (&p, end, "\"op\":") || !take_digits (&p, end)
      || !skip_literal (&p, end, ",\"id\":") || !take_plain_string (&p, end, &id))
    return;
  out->op_id = (Slice) { out->op_id.start, p - out->op_id.start };
  if (!skip_literal (&p, end, ",\"kind\":") || !take_plain_string (&p, end, &out->shared[SHARED_KIND])
      || !skip_literal (&p, end, ",\"project\":") || !take_plain_string (&p, end, &out->shared[SHARED_PROJECT])
      || !skip_literal (&p, end, ",")
      || !g_str_has_prefix (p, "\"set\":{"))
    return;

  /* The members after "set" are found from the end: a quote inside a
   * string is always escaped, so the last ,"delete": of the text is the
   * change's own, whatever the fields hold. */
  tail = find_last (p, end, ",\"delete\":");
  if (tail == NULL)
    return;
  out->body = (Slice) { p, tail - p };
  p = tail;
  if (!skip_literal (&p, end, ",\"delete\":") || !take_boolean (&p, end, &out->delete_record)
      || !skip_literal (&p, end, ",\"undelete\":") || !take_boolean (&p, end, &out->undelete)
      || !skip_literal (&p, end, ","))
    return;
  out->seq.start = p;
  if (!skip_literal (&p, end, "\"seq\":") || !take_digits (&p, end))
    return;
  out->seq.length = p - out->seq.start;
  if (skip_literal (&p, end, ",\"author\":"))
    {
      /* The author's string runs to the closing brace; the writer escaped it. */
      if (end - p < 3 || *p != '"' || end[-2] != '"' || end[-1] != '}')
        return;
      out->shared[SHARED_AUTHOR] = (Slice) { p, end - 1 - p };
    }
  else if (!(p + 1 == end && *p == '}'))
    return;
  out->cut = TRUE;
}

/* Per member, the value most changes of the page have (a majority vote in
 * one pass: exact when there is a majority, a fair guess otherwise). Only
 * when every change was cut, and the author only if every change has one:
 * a change without a member would take the common one. */
static gboolean
choose_common (const ChangeText *texts,
               guint             n,
               Slice             common[N_SHARED])
{
  for (guint m = 0; m < N_SHARED; m++)
    common[m] = (Slice) { NULL, 0 };
  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!texts[i].cut)
      return FALSE;

  for (guint m = 0; m < N_SHARED; m++)
    {
      guint votes = 0;

      for (guint i = 0; i < n; i++)
        {
          if (texts[i].shared[m].length == 0)
            {
              common[m] = (Slice) { NULL, 0 };
              break;
            }
          if (votes == 0)
            {
              common[m] = texts[i].shared[m];
              votes = 1;
            }
          else if (slice_equal (common[m], texts[i].shared[m]))
            votes++;
          else
            votes--;
        }
    }
  return TRUE;
}

static void
append_slice (GString *out,
              Slice    slice)
{
  g_string_append_len (out, slice.start, slice.length);
}

static void
append_cut_change (GString          *out,
                   const ChangeText *text,
                   const Slice       common[N_SHARED])
{
  g_string_append_c (out, '{');
  if (!slice_equal (text->shared[SHARED_CLIENT], common[SHARED_CLIENT]))
    {
      g_string_append (out, "\"client\":");
      append_slice (out, text->shared[SHARED_CLIENT]);
      g_string_append_c (out, ',');
    }
  append_slice (out, text->op_id);
  for (Shared m = SHARED_KIND; m <= SHARED_PROJECT; m++)
    if (!slice_equal (text->shared[m], common[m]))
      {
        g_string_append_printf (out, ",\"%s\":", shared_names[m]);
        append_slice (out, text->shared[m]);
      }
  g_string_append_c (out, ',');
  append_slice (out, text->body);
  if (text->delete_record)
    g_string_append (out, ",\"delete\":true");
  if (text->undelete)
    g_string_append (out, ",\"undelete\":true");
  g_string_append_c (out, ',');
  append_slice (out, text->seq);
  if (text->shared[SHARED_AUTHOR].length > 0 && !slice_equal (text->shared[SHARED_AUTHOR], common[SHARED_AUTHOR]))
    {
      g_string_append (out, ",\"author\":");
      append_slice (out, text->shared[SHARED_AUTHOR]);
    }
  g_string_append_c (out, '}');
}

char *
calque_message_encode_changes (GPtrArray *encoded,
                               gint64     head,
                               gsize     *out_length)
{
  g_autofree ChangeText *texts = NULL;
  Slice common[N_SHARED];
  gboolean has_common;
  GString *out;
  gsize size = 64;

  g_return_val_if_fail (encoded != NULL, NULL);

  texts = g_new (ChangeText, MAX (encoded->len, 1));
  for (guint i = 0; i < encoded->len; i++)
    {
      cut_change_text (g_ptr_array_index (encoded, i), &texts[i]);
      size += strlen (g_ptr_array_index (encoded, i)) + 1;
    }
  has_common = choose_common (texts, encoded->len, common);
  for (guint i = 0; i < encoded->len && !has_common; i++)
    texts[i].cut = FALSE;

  out = g_string_sized_new (size);
  g_string_append (out, "{\"type\":");
  calque_json_append_string (out, type_names[CALQUE_MESSAGE_CHANGES]);
  append_int_member (out, "v", CALQUE_PROTOCOL_VERSION);
  if (has_common)
    {
      gboolean first = TRUE;

      g_string_append (out, ",\"common\":{");
      for (Shared m = 0; m < N_SHARED; m++)
        if (common[m].length > 0)
          {
            g_string_append_printf (out, "%s\"%s\":", first ? "" : ",", shared_names[m]);
            append_slice (out, common[m]);
            first = FALSE;
          }
      g_string_append_c (out, '}');
    }
  g_string_append (out, ",\"changes\":[");
  for (guint i = 0; i < encoded->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (texts[i].cut)
        append_cut_change (out, &texts[i], common);
      else
        g_string_append (out, g_ptr_array_index (encoded, i));
    }
  g_string_append_c (out, ']');
  append_int_member (out, "head", head);
  g_string_append_c (out, '}');

  if (out_length)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}

char *
calque_message_encode (const CalqueMessage *self,
                       gsize               *out_length)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->type <= CALQUE_MESSAGE_PRESENCE_LIST, NULL);

  out = g_string_sized_new (128);
  g_string_append (out, "{\"type\":");
  calque_json_append_string (out, type_names[self->type]);
  append_int_member (out, "v", CALQUE_PROTOCOL_VERSION);

  switch (self->type)
    {
    case CALQUE_MESSAGE_HELLO:
      append_string_member (out, "token", self->token);
      append_string_member (out, "project", self->project);
      append_string_member (out, "client", self->client_id);
      append_int_member (out, "cursor", self->cursor);
      break;
    case CALQUE_MESSAGE_PUSH:
      append_changes (out, self->changes);
      break;
    case CALQUE_MESSAGE_PING:
    case CALQUE_MESSAGE_PONG:
      append_int_member (out, "id", self->id);
      break;
    case CALQUE_MESSAGE_PRESENCE:
      append_string_member (out, "item", self->item);
      break;
    case CALQUE_MESSAGE_WELCOME:
      append_string_member (out, "project", self->project);
      append_int_member (out, "head", self->head);
      append_string_member (out, "user", self->user);
      append_string_member (out, "role", self->role);
      break;
    case CALQUE_MESSAGE_CHANGES:
      {
        g_autoptr(GPtrArray) encoded = g_ptr_array_new_full (self->changes->len, g_free);

        /* Written as the server writes the stream, with "common". */
        for (guint i = 0; i < self->changes->len; i++)
          {
            g_autoptr(JsonNode) node = calque_change_to_json (g_ptr_array_index (self->changes, i));

            g_ptr_array_add (encoded, calque_json_node_to_string (node, NULL));
          }
        g_string_free (out, TRUE);
        return calque_message_encode_changes (encoded, self->head, out_length);
      }
    case CALQUE_MESSAGE_ACK:
      g_string_append (out, ",\"results\":[");
      for (guint i = 0; i < self->results->len; i++)
        {
          const CalqueAckResult *result = g_ptr_array_index (self->results, i);

          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"client\":");
          calque_json_append_string (out, result->client_id);
          append_int_member (out, "op", (gint64) result->op_no);
          if (result->seq > 0)
            append_int_member (out, "seq", result->seq);
          else
            {
              g_string_append (out, ",\"error\":{\"code\":");
              calque_json_append_string (out, reject_codes[result->code]);
              append_string_member (out, "message", result->message ? result->message : "");
              g_string_append_c (out, '}');
            }
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
      break;
    case CALQUE_MESSAGE_ERROR:
      append_string_member (out, "code", sync_codes[self->code]);
      append_string_member (out, "message", self->message ? self->message : "");
      break;
    case CALQUE_MESSAGE_PRESENCE_LIST:
      g_string_append (out, ",\"users\":[");
      for (guint i = 0; i < self->users->len; i++)
        {
          const CalquePresence *presence = g_ptr_array_index (self->users, i);

          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"user\":");
          calque_json_append_string (out, presence->user);
          append_string_member (out, "item", presence->item);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
      break;
    default:
      g_assert_not_reached ();
    }

  g_string_append_c (out, '}');
  if (out_length)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}

/* --- equality ------------------------------------------------------------ */

static gboolean
changes_equal (GPtrArray *a,
               GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      g_autoptr(JsonNode) na = calque_change_to_json (g_ptr_array_index (a, i));
      g_autoptr(JsonNode) nb = calque_change_to_json (g_ptr_array_index (b, i));

      if (!json_node_equal (na, nb))
        return FALSE;
    }
  return TRUE;
}

gboolean
calque_message_equal (const CalqueMessage *a,
                      const CalqueMessage *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->type != b->type
      || g_strcmp0 (a->token, b->token) != 0
      || g_strcmp0 (a->project, b->project) != 0
      || g_strcmp0 (a->client_id, b->client_id) != 0
      || a->cursor != b->cursor
      || a->head != b->head
      || g_strcmp0 (a->user, b->user) != 0
      || g_strcmp0 (a->role, b->role) != 0
      || g_strcmp0 (a->item, b->item) != 0
      || a->id != b->id
      || a->code != b->code
      || g_strcmp0 (a->message, b->message) != 0)
    return FALSE;

  if ((a->changes == NULL) != (b->changes == NULL)
      || (a->changes && !changes_equal (a->changes, b->changes)))
    return FALSE;

  if ((a->results == NULL) != (b->results == NULL)
      || (a->results && a->results->len != b->results->len))
    return FALSE;
  for (guint i = 0; a->results && i < a->results->len; i++)
    {
      const CalqueAckResult *ra = g_ptr_array_index (a->results, i);
      const CalqueAckResult *rb = g_ptr_array_index (b->results, i);

      if (g_strcmp0 (ra->client_id, rb->client_id) != 0 || ra->op_no != rb->op_no
          || ra->seq != rb->seq || ra->code != rb->code
          || g_strcmp0 (ra->message, rb->message) != 0)
        return FALSE;
    }

  if ((a->users == NULL) != (b->users == NULL)
      || (a->users && a->users->len != b->users->len))
    return FALSE;
  for (guint i = 0; a->users && i < a->users->len; i++)
    {
      const CalquePresence *pa = g_ptr_array_index (a->users, i);
      const CalquePresence *pb = g_ptr_array_index (b->users, i);

      if (g_strcmp0 (pa->user, pb->user) != 0 || g_strcmp0 (pa->item, pb->item) != 0)
        return FALSE;
    }
  return TRUE;
}
