/* test-token.c: session tokens and their stored hashes
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-token"

#include <string.h>

#include "calque-token.h"

static gboolean
is_base64url (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_lower_hex (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static void
test_new_form (void)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *rehashed = NULL;
  g_autoptr(GError) error = NULL;

  calque_token_new (&token, &hash);

  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_true (is_base64url (token));
  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_true (is_lower_hex (hash));
  /* The token is not stored, and is not its own hash. */
  g_assert_null (strstr (hash, token));

  /* What the client presents later leads back to what was stored. */
  rehashed = calque_token_hash (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rehashed, ==, hash);
  g_assert_true (calque_token_hash_equal (rehashed, hash));
}

static void
test_new_unique (void)
{
  g_autoptr(GHashTable) tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_dash_or_underscore = 0;

  for (guint i = 0; i < 10000; i++)
    {
      char *token = NULL;
      char *hash = NULL;

      calque_token_new (&token, &hash);
      g_assert_cmpuint (strlen (token), ==, 43);
      g_assert_true (is_base64url (token));
      if (strpbrk (token, "-_") != NULL)
        n_dash_or_underscore++;

      g_assert_true (g_hash_table_add (tokens, token));
      g_assert_true (g_hash_table_add (hashes, hash));
    }

  g_assert_cmpuint (g_hash_table_size (tokens), ==, 10000);
  g_assert_cmpuint (g_hash_table_size (hashes), ==, 10000);
  /* The URL-safe alphabet is really used: each character is “-” or “_”
   * with probability 1/32, so nearly every token has one. */
  g_assert_cmpuint (n_dash_or_underscore, >, 5000);
}

static void
test_hash_known_value (void)
{
  g_autofree char *zeros = g_strnfill (43, 'A');
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;

  /* 43 “A” are 32 zero bytes; this is their well-known SHA-256, which any
   * other tool computes the same way. */
  hash = calque_token_hash (zeros, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, ==, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
}

static void
test_hash_accepts_alphabet (void)
{
  /* All of the alphabet that can appear, ending in a canonical last
   * character (its two spare bits zero: A E I M Q U Y c g k o s w 0 4 8). */
  const char *valid[] = {
    "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_w",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop8",
    "qrstuvwxyz0123456789-_ABCDEFGHIJKLMNOPQRSTU",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hash = NULL;

      g_test_message ("%s", valid[i]);
      g_assert_cmpuint (strlen (valid[i]), ==, 43);
      hash = calque_token_hash (valid[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (strlen (hash), ==, 64);
    }
}

static void
test_hash_refuses_malformed (void)
{
  g_autofree char *short_token = g_strnfill (42, 'A');
  g_autofree char *long_token = g_strnfill (44, 'A');
  g_autofree char *megabyte = g_strnfill (1024 * 1024, 'A');
  g_autofree char *megabyte_junk = g_strnfill (1024 * 1024, '%');
  const char *malformed[] = {
    "",
    short_token,
    long_token,
    megabyte,
    megabyte_junk,
    /* Standard base64, padding, spaces, line ends, non-ASCII. */
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
    " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa9",
    /* The right length and alphabet, but the spare bits of the last
     * character are not zero: another spelling of a valid token. */
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_",
  };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hash = NULL;
      gint64 start;

      g_test_message ("malformed %u", i);
      start = g_get_monotonic_time ();
      hash = calque_token_hash (malformed[i], &error);
      /* Refused at once, whatever the length: a megabyte is not read. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 20);
      g_assert_null (hash);
      g_assert_error (error, CALQUE_TOKEN_ERROR, CALQUE_TOKEN_ERROR_MALFORMED);
      g_assert_cmpstr (error->message, !=, "");
      /* A presented token is a secret, even a broken one. */
      g_assert_null (strstr (error->message, "AAAAAAAA"));
    }
}

static void
test_hash_equal (void)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *other_hash = NULL;

  calque_token_new (&token, &hash);
  calque_token_new (&other_token, &other_hash);
  copy = g_strdup (hash);

  g_assert_true (calque_token_hash_equal (hash, copy));
  g_assert_false (calque_token_hash_equal (hash, other_hash));

  copy[63] = copy[63] == '0' ? '1' : '0';
  g_assert_false (calque_token_hash_equal (hash, copy));
  copy[63] = hash[63];
  copy[0] = copy[0] == '0' ? '1' : '0';
  g_assert_false (calque_token_hash_equal (hash, copy));

  /* A prefix or an extension of a hash is not that hash. */
  copy[0] = hash[0];
  copy[32] = '\0';
  g_assert_false (calque_token_hash_equal (hash, copy));
  g_assert_false (calque_token_hash_equal (copy, copy));
  g_assert_false (calque_token_hash_equal ("", ""));
  {
    g_autofree char *longer = g_strconcat (hash, "0", NULL);

    g_assert_false (calque_token_hash_equal (hash, longer));
  }
}

static void
test_info_expiry (void)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(CalqueTokenInfo) info = NULL;
  g_autoptr(CalqueTokenInfo) copy = NULL;
  const gint64 issued = 1700000000;  /* 2023-11-14 */
  const gint64 expires = issued + CALQUE_TOKEN_DEFAULT_LIFETIME_SECONDS;

  g_assert_cmpint (CALQUE_TOKEN_DEFAULT_LIFETIME_SECONDS, ==, 30 * 86400);

  calque_token_new (&token, &hash);
  info = calque_token_info_new ("user-1", hash, issued, expires);
  g_assert_cmpstr (info->user_id, ==, "user-1");
  g_assert_cmpstr (info->hash, ==, hash);

  g_assert_false (calque_token_info_is_expired (info, issued - 10));
  g_assert_false (calque_token_info_is_expired (info, issued));
  g_assert_false (calque_token_info_is_expired (info, issued + 29 * 86400));
  g_assert_false (calque_token_info_is_expired (info, expires - 1));
  g_assert_true (calque_token_info_is_expired (info, expires));
  g_assert_true (calque_token_info_is_expired (info, expires + 1));
  g_assert_true (calque_token_info_is_expired (info, G_MAXINT64));

  copy = g_boxed_copy (CALQUE_TYPE_TOKEN_INFO, info);
  g_assert_true (copy != info);
  g_assert_cmpstr (copy->user_id, ==, "user-1");
  g_assert_cmpstr (copy->hash, ==, hash);
  g_assert_cmpint (copy->issued_at, ==, issued);
  g_assert_cmpint (copy->expires_at, ==, expires);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token/new/form", test_new_form);
  g_test_add_func ("/token/new/unique", test_new_unique);
  g_test_add_func ("/token/hash/known-value", test_hash_known_value);
  g_test_add_func ("/token/hash/accepts-alphabet", test_hash_accepts_alphabet);
  g_test_add_func ("/token/hash/refuses-malformed", test_hash_refuses_malformed);
  g_test_add_func ("/token/hash-equal", test_hash_equal);
  g_test_add_func ("/token/info/expiry", test_info_expiry);

  return g_test_run ();
}
