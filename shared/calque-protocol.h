/* calque-protocol.h — the messages of the sync WebSocket, as bytes
 *
 * The codec of /api/v1/sync (DESIGN.md, "Transport and protocol"; the wire
 * format is documented for client writers in docs/protocol.md, and a test
 * decodes every example there). Pure: bytes in, a message or a GError out,
 * so that the server, the client and the fuzz tests share one strict
 * decoder. Decoding refuses anything the document does not allow — an
 * unknown type or member, a member of the wrong JSON type or out of range,
 * another protocol version, an oversize or absurdly nested frame — with a
 * message that names the member, and never echoes a token.
 *
 * Error texts inside messages are plain text: they are neither escaped nor
 * read as markup, on either side.
 */
#pragma once

#include "calque-change.h"

G_BEGIN_DECLS

#define CALQUE_PROTOCOL_VERSION      1
/* Frames larger than this are refused before any parsing. */
#define CALQUE_PROTOCOL_MAX_FRAME    (4 * 1024 * 1024)
/* Changes in one push, one ack and one page of the stream. */
#define CALQUE_PROTOCOL_MAX_BATCH    1000
/* Nesting of arrays and objects; json-glib parses recursively (see
 * calque-protocol.c), and no real message comes near this. */
#define CALQUE_PROTOCOL_MAX_DEPTH    64
/* A session token: 32 random bytes in unpadded base64url. */
#define CALQUE_PROTOCOL_TOKEN_LENGTH 43
/* Users in one presence list: far more than a project has online at once,
 * far fewer than a hostile list could pack into a frame. */
#define CALQUE_PROTOCOL_MAX_PRESENCE 10000
/* A user name in a presence list: as calque-server accepts them
 * (CALQUE_USER_NAME_MAX_BYTES), since the app shows them as they come. */
#define CALQUE_PROTOCOL_MAX_USER_BYTES 64

#define CALQUE_PROTOCOL_ERROR (calque_protocol_error_quark ())
typedef enum {
  CALQUE_PROTOCOL_ERROR_TOO_LARGE,     /* frame over MAX_FRAME, or nested deeper than MAX_DEPTH */
  CALQUE_PROTOCOL_ERROR_SYNTAX,        /* not UTF-8, not JSON, not one object */
  CALQUE_PROTOCOL_ERROR_UNKNOWN_TYPE,  /* "type" names no message */
  CALQUE_PROTOCOL_ERROR_VERSION,       /* "v" is not CALQUE_PROTOCOL_VERSION */
  CALQUE_PROTOCOL_ERROR_FIELD,         /* a member missing, unknown, mistyped or out of range */
  CALQUE_PROTOCOL_ERROR_CHANGE,        /* a change of the message is malformed; names its index */
} CalqueProtocolError;

GQuark calque_protocol_error_quark (void);

typedef enum {
  /* client → server */
  CALQUE_MESSAGE_HELLO,
  CALQUE_MESSAGE_PUSH,
  CALQUE_MESSAGE_PING,
  CALQUE_MESSAGE_PRESENCE,       /* "presence": where this client is */
  /* server → client */
  CALQUE_MESSAGE_WELCOME,
  CALQUE_MESSAGE_CHANGES,
  CALQUE_MESSAGE_ACK,
  CALQUE_MESSAGE_ERROR,
  CALQUE_MESSAGE_PONG,
  CALQUE_MESSAGE_PRESENCE_LIST,  /* "presence" with "users": where everyone is */
} CalqueMessageType;

/* The "code" of an error message: why the server refused a message or
 * ends the session. */
typedef enum {
  CALQUE_SYNC_CODE_BAD_MESSAGE,
  CALQUE_SYNC_CODE_UNSUPPORTED_VERSION,
  CALQUE_SYNC_CODE_UNAUTHORIZED,
  CALQUE_SYNC_CODE_TOKEN_EXPIRED,
  CALQUE_SYNC_CODE_FORBIDDEN,
  CALQUE_SYNC_CODE_NOT_FOUND,
  CALQUE_SYNC_CODE_TOO_LARGE,
  CALQUE_SYNC_CODE_TOO_SLOW,
  CALQUE_SYNC_CODE_SERVER_SHUTDOWN,
  CALQUE_SYNC_CODE_INTERNAL,
} CalqueSyncCode;

/* Why one change of a push was not applied. */
typedef enum {
  CALQUE_REJECT_INVALID,        /* the record would not be valid */
  CALQUE_REJECT_FORBIDDEN,      /* the user's role may not make this change */
  CALQUE_REJECT_DELETED,        /* an edit of a deleted record */
  CALQUE_REJECT_CLOCK_AHEAD,    /* the clock is too far ahead of the server's */
  CALQUE_REJECT_CONFLICT_KIND,  /* kind or project differs from the stored record */
} CalqueRejectCode;

/* One result of an ack: @seq > 0 if the change is committed, else @code
 * and @message say why not. */
typedef struct {
  char             *client_id;
  guint64           op_no;
  gint64            seq;
  CalqueRejectCode  code;
  char             *message;
} CalqueAckResult;

/* One user of a presence list; @item is NULL when on no item. */
typedef struct {
  char *user;
  char *item;
} CalquePresence;

/* Only the members of @type are set; the others are 0 or NULL. */
typedef struct {
  CalqueMessageType  type;
  char              *token;       /* hello */
  char              *project;     /* hello, welcome */
  char              *client_id;   /* hello */
  gint64             cursor;      /* hello */
  gint64             head;        /* welcome, changes */
  char              *user;        /* welcome */
  char              *role;        /* welcome: owner, manager, reviewer, annotator, viewer */
  GPtrArray         *changes;     /* push, changes: CalqueChange */
  GPtrArray         *results;     /* ack: CalqueAckResult */
  GPtrArray         *users;       /* presence list: CalquePresence */
  char              *item;        /* presence: nullable */
  gint64             id;          /* ping, pong */
  CalqueSyncCode     code;        /* error */
  char              *message;     /* error */
} CalqueMessage;

CalqueMessage *calque_message_new_hello    (const char      *token,
                                            const char      *project,
                                            const char      *client_id,
                                            gint64           cursor);
/* Empty; add 1 to CALQUE_PROTOCOL_MAX_BATCH changes with take_change().
 * A pushed change has seq 0 and no author: those are the server's. */
CalqueMessage *calque_message_new_push     (void);
CalqueMessage *calque_message_new_ping     (gint64           id);
CalqueMessage *calque_message_new_presence (const char      *item);
CalqueMessage *calque_message_new_welcome  (const char      *project,
                                            gint64           head,
                                            const char      *user,
                                            const char      *role);
/* Committed changes (seq ≥ 1, with author), none after @head. */
CalqueMessage *calque_message_new_changes  (gint64           head);
CalqueMessage *calque_message_new_ack      (void);
CalqueMessage *calque_message_new_error    (CalqueSyncCode   code,
                                            const char      *message);
CalqueMessage *calque_message_new_pong     (gint64           id);
CalqueMessage *calque_message_new_presence_list (void);
void           calque_message_free         (CalqueMessage   *self);

/* Push and changes messages; takes ownership of @change. */
void           calque_message_take_change  (CalqueMessage   *self,
                                            CalqueChange    *change);
void           calque_message_add_ack_seq  (CalqueMessage   *self,
                                            const char      *client_id,
                                            guint64          op_no,
                                            gint64           seq);
void           calque_message_add_ack_error (CalqueMessage  *self,
                                            const char      *client_id,
                                            guint64          op_no,
                                            CalqueRejectCode code,
                                            const char      *message);
void           calque_message_add_presence (CalqueMessage   *self,
                                            const char      *user,
                                            const char      *item);

/* Strict; @data need not be NUL-terminated. Both directions decode: a
 * server refuses the server's types (those from CALQUE_MESSAGE_WELCOME on)
 * itself, as bad-message. */
CalqueMessage *calque_message_decode       (const char      *data,
                                            gsize            length,
                                            GError         **error);
/* Compact JSON text, NUL-terminated; @out_length is optional. */
char          *calque_message_encode       (const CalqueMessage *self,
                                            gsize           *out_length);
/* A changes message of changes already encoded as JSON objects (each as
 * calque_change_to_json() and calque-json-writer write them, which is how
 * the server stores them): the bytes calque_message_encode() would give,
 * without decoding and encoding every change again. @encoded holds the
 * texts (char *). */
char          *calque_message_encode_changes (GPtrArray     *encoded,
                                            gint64           head,
                                            gsize           *out_length);
gboolean       calque_message_equal        (const CalqueMessage *a,
                                            const CalqueMessage *b);

const char    *calque_message_type_to_string (CalqueMessageType type);
const char    *calque_sync_code_to_string  (CalqueSyncCode   code);
gboolean       calque_sync_code_from_string (const char     *str,
                                            CalqueSyncCode  *out_code);
const char    *calque_reject_code_to_string (CalqueRejectCode code);
gboolean       calque_reject_code_from_string (const char   *str,
                                            CalqueRejectCode *out_code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueMessage, calque_message_free)

G_END_DECLS
