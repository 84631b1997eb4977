/* calque-token.c: session tokens, kept on the server only as hashes
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "calque-sodium.h"

#include "calque-token.h"

/* Why an unsalted, fast hash is enough here, unlike for passwords: a token
 * is 256 random bits, so nobody can guess one from its hash however fast
 * the hash is. Storing only the hash means a copy of the database (a
 * backup, a leaked dump) gives no one a working session. SHA-256 rather
 * than BLAKE2b so that an operator's script in any language can compute
 * the same value. */

G_DEFINE_QUARK (calque-token-error-quark, calque_token_error)

G_DEFINE_BOXED_TYPE (CalqueTokenInfo, calque_token_info, calque_token_info_copy, calque_token_info_free)


static gboolean
is_base64url_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

static char *
hash_raw (const guint8 raw[CALQUE_TOKEN_RAW_BYTES])
{
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[CALQUE_TOKEN_HASH_LENGTH + 1];

  G_STATIC_ASSERT (crypto_hash_sha256_BYTES * 2 == CALQUE_TOKEN_HASH_LENGTH);

  crypto_hash_sha256 (digest, raw, CALQUE_TOKEN_RAW_BYTES);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);

  return g_strdup (hex);
}

/**
 * calque_token_new:
 * @out_token: (out) (transfer full): the token to give the client, once
 * @out_hash: (out) (transfer full): what to store: calque_token_hash() of it
 *
 * Makes a new session token from %CALQUE_TOKEN_RAW_BYTES bytes of the
 * system's cryptographic randomness.
 */
void
calque_token_new (char **out_token,
                  char **out_hash)
{
  guint8 raw[CALQUE_TOKEN_RAW_BYTES];
  char text[CALQUE_TOKEN_STRING_LENGTH + 1];

  G_STATIC_ASSERT (sodium_base64_ENCODED_LEN (CALQUE_TOKEN_RAW_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
                   == CALQUE_TOKEN_STRING_LENGTH + 1);

  g_return_if_fail (out_token != NULL);
  g_return_if_fail (out_hash != NULL);

  calque_sodium_init ();

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  *out_token = g_strdup (text);
  *out_hash = hash_raw (raw);

  sodium_memzero (raw, sizeof raw);
  sodium_memzero (text, sizeof text);
}

/**
 * calque_token_hash:
 * @token: a token as a client presented it
 * @error: return location for a #GError in %CALQUE_TOKEN_ERROR
 *
 * Checks that @token has exactly the form calque_token_new() gives, and
 * hashes it for looking up the session. The check reads at most
 * %CALQUE_TOKEN_STRING_LENGTH + 1 bytes of @token, whatever its length.
 * Only the canonical spelling is accepted: the last character carries two
 * unused bits, which must be zero, so that each token has one spelling.
 *
 * Returns: (transfer full) (nullable): %CALQUE_TOKEN_HASH_LENGTH hex
 *   characters, or %NULL with @error set; the message never quotes @token
 */
char *
calque_token_hash (const char  *token,
                   GError     **error)
{
  guint8 raw[CALQUE_TOKEN_RAW_BYTES];
  gsize length;
  gsize raw_length = 0;
  char *hash;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = strnlen (token, CALQUE_TOKEN_STRING_LENGTH + 1);

  if (length < CALQUE_TOKEN_STRING_LENGTH)
    {
      g_set_error (error, CALQUE_TOKEN_ERROR, CALQUE_TOKEN_ERROR_MALFORMED,
                   _("The session token is too short: it has %u characters, expected %u"),
                   (guint) length, (guint) CALQUE_TOKEN_STRING_LENGTH);
      return NULL;
    }

  if (length > CALQUE_TOKEN_STRING_LENGTH)
    {
      g_set_error (error, CALQUE_TOKEN_ERROR, CALQUE_TOKEN_ERROR_MALFORMED,
                   _("The session token is too long: expected %u characters"),
                   (guint) CALQUE_TOKEN_STRING_LENGTH);
      return NULL;
    }

  for (gsize i = 0; i < length; i++)
    {
      if (!is_base64url_char (token[i]))
        {
          g_set_error (error, CALQUE_TOKEN_ERROR, CALQUE_TOKEN_ERROR_MALFORMED,
                       _("The session token has a character that is not base64url at position %u"),
                       (guint) i + 1);
          return NULL;
        }
    }

  /* With the alphabet checked, the only thing libsodium can still refuse
   * is a last character whose two spare bits are not zero. */
  if (sodium_base642bin (raw, sizeof raw, token, length, NULL, &raw_length, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0
      || raw_length != CALQUE_TOKEN_RAW_BYTES)
    {
      sodium_memzero (raw, sizeof raw);
      g_set_error_literal (error, CALQUE_TOKEN_ERROR, CALQUE_TOKEN_ERROR_MALFORMED,
                           _("The session token is not in canonical base64url form"));
      return NULL;
    }

  hash = hash_raw (raw);
  sodium_memzero (raw, sizeof raw);

  return hash;
}

/**
 * calque_token_hash_equal:
 * @hash_a: a token hash
 * @hash_b: another
 *
 * Compares two token hashes in time that does not depend on where they
 * differ. Lengths are not secret and are compared first.
 *
 * Returns: %TRUE if both are %CALQUE_TOKEN_HASH_LENGTH characters long
 *   and equal
 */
gboolean
calque_token_hash_equal (const char *hash_a,
                         const char *hash_b)
{
  g_return_val_if_fail (hash_a != NULL, FALSE);
  g_return_val_if_fail (hash_b != NULL, FALSE);

  if (strnlen (hash_a, CALQUE_TOKEN_HASH_LENGTH + 1) != CALQUE_TOKEN_HASH_LENGTH
      || strnlen (hash_b, CALQUE_TOKEN_HASH_LENGTH + 1) != CALQUE_TOKEN_HASH_LENGTH)
    return FALSE;

  return sodium_memcmp (hash_a, hash_b, CALQUE_TOKEN_HASH_LENGTH) == 0;
}

/**
 * calque_token_info_new:
 * @user_id: the user the session belongs to
 * @hash: calque_token_hash() of the session's token
 * @issued_at: Unix time in seconds
 * @expires_at: Unix time in seconds, after @issued_at; usually @issued_at +
 *   %CALQUE_TOKEN_DEFAULT_LIFETIME_SECONDS
 *
 * Returns: (transfer full): a new record
 */
CalqueTokenInfo *
calque_token_info_new (const char *user_id,
                       const char *hash,
                       gint64      issued_at,
                       gint64      expires_at)
{
  CalqueTokenInfo *self;

  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (expires_at > issued_at, NULL);

  self = g_new0 (CalqueTokenInfo, 1);
  self->user_id = g_strdup (user_id);
  self->hash = g_strdup (hash);
  self->issued_at = issued_at;
  self->expires_at = expires_at;

  return self;
}

CalqueTokenInfo *
calque_token_info_copy (const CalqueTokenInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return calque_token_info_new (self->user_id, self->hash, self->issued_at, self->expires_at);
}

/**
 * calque_token_info_is_expired:
 * @self: a session
 * @now: Unix time in seconds, usually g_get_real_time () / G_USEC_PER_SEC
 *
 * Returns: %TRUE from the second @self expires at on
 */
gboolean
calque_token_info_is_expired (const CalqueTokenInfo *self,
                              gint64                 now)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return now >= self->expires_at;
}

void
calque_token_info_free (CalqueTokenInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->user_id);
  g_free (self->hash);
  g_free (self);
}
