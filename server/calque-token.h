/* calque-token.h: session tokens, kept on the server only as hashes
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A token is this many random bytes... */
#define CALQUE_TOKEN_RAW_BYTES 32
/* ...which the client sees as unpadded base64url of this many characters... */
#define CALQUE_TOKEN_STRING_LENGTH 43
/* ...and the server stores as the lowercase hex SHA-256 of the raw bytes. */
#define CALQUE_TOKEN_HASH_LENGTH 64

/* The desktop client works offline for days and should not ask for the
 * password every time it comes back; 30 days matches what people expect
 * from "stay signed in" elsewhere. */
#define CALQUE_TOKEN_DEFAULT_LIFETIME_SECONDS ((gint64) 30 * 24 * 60 * 60)

#define CALQUE_TOKEN_ERROR (calque_token_error_quark ())

typedef enum {
  CALQUE_TOKEN_ERROR_MALFORMED,  /* not 43 characters of canonical base64url */
} CalqueTokenError;

/* What the server keeps about one session. */
typedef struct {
  char   *user_id;
  /* calque_token_hash() of the token; never the token itself. */
  char   *hash;
  /* Unix time in seconds. */
  gint64  issued_at;
  /* Unix time in seconds; the token is refused from this second on. */
  gint64  expires_at;
} CalqueTokenInfo;

#define CALQUE_TYPE_TOKEN_INFO (calque_token_info_get_type ())

GQuark           calque_token_error_quark     (void);
void             calque_token_new             (char                  **out_token,
                                               char                  **out_hash);
char            *calque_token_hash            (const char             *token,
                                               GError                **error);
gboolean         calque_token_hash_equal      (const char             *hash_a,
                                               const char             *hash_b);

GType            calque_token_info_get_type   (void) G_GNUC_CONST;
CalqueTokenInfo *calque_token_info_new        (const char             *user_id,
                                               const char             *hash,
                                               gint64                  issued_at,
                                               gint64                  expires_at);
CalqueTokenInfo *calque_token_info_copy       (const CalqueTokenInfo  *self);
gboolean         calque_token_info_is_expired (const CalqueTokenInfo  *self,
                                               gint64                  now);
void             calque_token_info_free       (CalqueTokenInfo        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueTokenInfo, calque_token_info_free)

G_END_DECLS
