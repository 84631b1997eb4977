/* test-password.c: Argon2id hashing, the password policy, and the bound on
 * concurrent hashing
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-password"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "calque-password.h"

#define RIGHT_PASSWORD "correct horse battery staple"

/* Every test but the one about the production cost hashes cheaply, so the
 * suite takes seconds; what it checks does not depend on the cost. */
static CalquePasswordHasher *
new_cheap_hasher (guint max_concurrent)
{
  CalquePasswordHasher *hasher = calque_password_hasher_new (max_concurrent);

  calque_password_hasher_set_cost (hasher, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  return hasher;
}

static char *
hash_or_fail (CalquePasswordHasher *hasher,
              const char           *password)
{
  g_autoptr(GError) error = NULL;
  char *hash;

  hash = calque_password_hasher_hash (hasher, password, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hash);
  return hash;
}

static void
test_default_cost (void)
{
  g_autoptr(CalquePasswordHasher) hasher = calque_password_hasher_new (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *hash2 = NULL;
  guint64 opslimit;
  gsize memlimit;

  g_assert_cmpuint (calque_password_hasher_get_max_concurrent (hasher), >=, 1);
  g_assert_cmpuint (calque_password_hasher_get_max_concurrent (hasher), <=, 4);

  calque_password_hasher_get_cost (hasher, &opslimit, &memlimit);
  g_assert_cmpuint (opslimit, ==, 2);
  g_assert_cmpuint (memlimit, ==, 64 * 1024 * 1024);

  /* The parameters a stolen database would show: Argon2id, 64 MiB,
   * 2 passes, one lane. */
  hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=65536,t=2,p=1$"));
  g_assert_false (calque_password_hasher_needs_rehash (hasher, hash));

  g_assert_true (calque_password_hasher_verify (hasher, RIGHT_PASSWORD, hash, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (calque_password_hasher_verify (hasher, "correct horse battery stapler", hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);

  /* A random salt each time: equal passwords do not give equal hashes. */
  hash2 = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_assert_cmpstr (hash, !=, hash2);
}

static void
test_policy (void)
{
  static const struct {
    const char *password;
    gboolean    ok;
    int         code;
  } cases[] = {
    { "", FALSE, CALQUE_PASSWORD_ERROR_TOO_SHORT },
    { "1234567", FALSE, CALQUE_PASSWORD_ERROR_TOO_SHORT },
    { "12345678", TRUE, 0 },
    /* Characters are counted, not bytes: seven “€” are 21 bytes but too
     * short, eight “é” are enough. */
    { "€€€€€€€", FALSE, CALQUE_PASSWORD_ERROR_TOO_SHORT },
    { "éééééééé", TRUE, 0 },
    { "pass\xff\xfeword", FALSE, CALQUE_PASSWORD_ERROR_NOT_UTF8 },
    { "\xc3", FALSE, CALQUE_PASSWORD_ERROR_NOT_UTF8 },
  };
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  g_autofree char *longest = g_strnfill (CALQUE_PASSWORD_MAX_BYTES, 'a');
  g_autofree char *too_long = g_strnfill (CALQUE_PASSWORD_MAX_BYTES + 1, 'a');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hash = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (calque_password_check_policy (cases[i].password, &error), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, CALQUE_PASSWORD_ERROR, cases[i].code);
      g_clear_error (&error);

      /* Hashing applies the same policy. */
      hash = calque_password_hasher_hash (hasher, cases[i].password, NULL, &error);
      g_assert_cmpint (hash != NULL, ==, cases[i].ok);
      if (!cases[i].ok)
        {
          g_assert_error (error, CALQUE_PASSWORD_ERROR, cases[i].code);
          g_assert_cmpstr (error->message, !=, "");
        }
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = NULL;

    g_assert_true (calque_password_check_policy (longest, &error));
    g_assert_no_error (error);
    hash = hash_or_fail (hasher, longest);

    g_assert_false (calque_password_check_policy (too_long, &error));
    g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_LONG);
    g_assert_nonnull (strstr (error->message, "1024"));
  }
}

static void
test_verify_refuses (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  g_autofree char *hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');
  g_autofree char *too_long = g_strnfill (CALQUE_PASSWORD_MAX_BYTES + 1, 'x');
  static const struct {
    const char *password;
    int         code;
  } cases[] = {
    { "wrong password", CALQUE_PASSWORD_ERROR_MISMATCH },
    { "correct horse battery stapl", CALQUE_PASSWORD_ERROR_MISMATCH },
    { RIGHT_PASSWORD " ", CALQUE_PASSWORD_ERROR_MISMATCH },
    { "Correct horse battery staple", CALQUE_PASSWORD_ERROR_MISMATCH },
    { "", CALQUE_PASSWORD_ERROR_TOO_SHORT },
    { "correct\xff", CALQUE_PASSWORD_ERROR_NOT_UTF8 },
  };
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u", i);
      g_assert_false (calque_password_hasher_verify (hasher, cases[i].password, hash, NULL, &error));
      g_assert_error (error, CALQUE_PASSWORD_ERROR, cases[i].code);
      g_clear_error (&error);
    }

  g_assert_false (calque_password_hasher_verify (hasher, too_long, hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_LONG);
  g_clear_error (&error);

  /* A megabyte is refused without being read, let alone hashed. */
  start = g_get_monotonic_time ();
  g_assert_false (calque_password_hasher_verify (hasher, huge, hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_LONG);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);
  g_clear_error (&error);

  /* The minimum length is for new passwords: a short one that was allowed
   * once is still checked (and here simply wrong), not refused unheard. */
  g_assert_false (calque_password_hasher_verify (hasher, "short", hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_true (calque_password_hasher_verify (hasher, RIGHT_PASSWORD, hash, NULL, &error));
  g_assert_no_error (error);
}

static void
test_verify_normalizes (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  /* “café crème” with precomposed é and è (NFC)... */
  g_autofree char *hash = hash_or_fail (hasher, "caf\xc3\xa9 cr\xc3\xa8me");
  g_autoptr(GError) error = NULL;

  /* ...typed where accents are combining marks (NFD). */
  g_assert_true (calque_password_hasher_verify (hasher, "cafe\xcc\x81 cre\xcc\x80me", hash, NULL, &error));
  g_assert_no_error (error);

  /* Full-width digits from an East Asian input method are the digits. */
  g_clear_pointer (&hash, g_free);
  hash = hash_or_fail (hasher, "passcode 2024");
  g_assert_true (calque_password_hasher_verify (hasher, "passcode \xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94",
                                                hash, NULL, &error));
  g_assert_no_error (error);

  /* Normalization does not fold case or accents away. */
  g_assert_false (calque_password_hasher_verify (hasher, "PASSCODE 2024", hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
}

static void
test_verify_bad_hash (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  g_autofree char *hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_autofree char *truncated = g_strndup (hash, 30);
  g_autofree char *huge = g_strnfill (100000, '$');
  const char *bad[] = { "", "not a hash", "$argon2id$", truncated, huge, "$2y$10$abcdefghijklmnopqrstuv" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad hash %u", i);
      g_assert_false (calque_password_hasher_verify (hasher, RIGHT_PASSWORD, bad[i], NULL, &error));
      g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_BAD_HASH);
      /* The message never repeats what is stored. */
      g_assert_null (strstr (error->message, "$"));
      g_assert_true (calque_password_hasher_needs_rehash (hasher, bad[i]));
    }
}

static void
test_needs_rehash (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  g_autofree char *old_hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_autofree char *new_hash = NULL;
  char argon2i_hash[crypto_pwhash_STRBYTES];
  g_autoptr(GError) error = NULL;

  g_assert_false (calque_password_hasher_needs_rehash (hasher, old_hash));

  /* Raising the memory cost makes every older hash due for replacement... */
  calque_password_hasher_set_cost (hasher, crypto_pwhash_OPSLIMIT_MIN, 2 * crypto_pwhash_MEMLIMIT_MIN);
  g_assert_true (calque_password_hasher_needs_rehash (hasher, old_hash));
  /* ...and so does raising the passes... */
  calque_password_hasher_set_cost (hasher, crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN);
  g_assert_true (calque_password_hasher_needs_rehash (hasher, old_hash));
  /* ...while it still verifies, with the cost it was made with. */
  g_assert_true (calque_password_hasher_verify (hasher, RIGHT_PASSWORD, old_hash, NULL, &error));
  g_assert_no_error (error);

  new_hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_assert_false (calque_password_hasher_needs_rehash (hasher, new_hash));
  g_assert_nonnull (strstr (new_hash, "m=8,t=2,"));

  /* Argon2i with the current cost: verifies, but is not Argon2id. */
  calque_password_hasher_set_cost (hasher, crypto_pwhash_argon2i_OPSLIMIT_MIN, crypto_pwhash_argon2i_MEMLIMIT_MIN);
  g_assert_cmpint (crypto_pwhash_str_alg (argon2i_hash, RIGHT_PASSWORD, strlen (RIGHT_PASSWORD),
                                          crypto_pwhash_argon2i_OPSLIMIT_MIN, crypto_pwhash_argon2i_MEMLIMIT_MIN,
                                          crypto_pwhash_ALG_ARGON2I13), ==, 0);
  g_assert_true (g_str_has_prefix (argon2i_hash, "$argon2i$"));
  g_assert_true (calque_password_hasher_verify (hasher, RIGHT_PASSWORD, argon2i_hash, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (calque_password_hasher_needs_rehash (hasher, argon2i_hash));
}

static void
test_low_cost_from_environment (void)
{
  g_autoptr(CalquePasswordHasher) hasher = NULL;
  g_autofree char *hash = NULL;
  guint64 opslimit;
  gsize memlimit;

  g_setenv ("CALQUE_PASSWORD_TEST_COST", "low", TRUE);
  g_test_expect_message ("calque-server", G_LOG_LEVEL_MESSAGE, "CALQUE_PASSWORD_TEST_COST=low*");
  hasher = calque_password_hasher_new (1);
  g_test_assert_expected_messages ();
  g_unsetenv ("CALQUE_PASSWORD_TEST_COST");

  calque_password_hasher_get_cost (hasher, &opslimit, &memlimit);
  g_assert_cmpuint (opslimit, ==, crypto_pwhash_OPSLIMIT_MIN);
  g_assert_cmpuint (memlimit, ==, crypto_pwhash_MEMLIMIT_MIN);
  hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=8,t=1,p=1$"));

  /* Once the variable is gone, the server upgrades such hashes. */
  g_clear_object (&hasher);
  hasher = calque_password_hasher_new (1);
  g_assert_true (calque_password_hasher_needs_rehash (hasher, hash));
}

typedef struct {
  guint      pending;
  GPtrArray *hashes;
  GPtrArray *errors;   /* of GError, or NULL for success, in completion order */
} AsyncState;

static void
hash_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;
  char *hash;

  hash = calque_password_hasher_hash_finish (CALQUE_PASSWORD_HASHER (object), result, &error);
  if (hash != NULL)
    g_ptr_array_add (state->hashes, hash);
  g_ptr_array_add (state->errors, g_steal_pointer (&error));
  state->pending--;
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = calque_password_hasher_verify_finish (CALQUE_PASSWORD_HASHER (object), result, &error);
  g_assert_true (ok == (error == NULL));
  g_ptr_array_add (state->errors, g_steal_pointer (&error));
  state->pending--;
}

static void
error_free_nullable (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
async_state_init (AsyncState *state)
{
  state->pending = 0;
  state->hashes = g_ptr_array_new_with_free_func (g_free);
  state->errors = g_ptr_array_new_with_free_func (error_free_nullable);
}

static void
async_state_clear (AsyncState *state)
{
  g_clear_pointer (&state->hashes, g_ptr_array_unref);
  g_clear_pointer (&state->errors, g_ptr_array_unref);
}

static void
async_state_wait (AsyncState *state)
{
  while (state->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_async (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (2);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  AsyncState state;

  async_state_init (&state);

  state.pending = 2;
  calque_password_hasher_hash_async (hasher, RIGHT_PASSWORD, NULL, hash_done_cb, &state);
  calque_password_hasher_hash_async (hasher, "short", NULL, hash_done_cb, &state);
  async_state_wait (&state);

  g_assert_cmpuint (state.hashes->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (state.hashes, 0), "$argon2id$"));
  /* Either may complete first. */
  g_assert_cmpuint (state.errors->len, ==, 2);
  g_assert_true ((g_ptr_array_index (state.errors, 0) == NULL) != (g_ptr_array_index (state.errors, 1) == NULL));
  g_assert_error ((GError *) g_ptr_array_index (state.errors, g_ptr_array_index (state.errors, 0) == NULL ? 1 : 0),
                  CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_SHORT);

  /* One at a time, so that the results come in a known order. */
  g_ptr_array_set_size (state.errors, 0);
  state.pending = 1;
  calque_password_hasher_verify_async (hasher, RIGHT_PASSWORD, g_ptr_array_index (state.hashes, 0),
                                       NULL, verify_done_cb, &state);
  async_state_wait (&state);
  state.pending = 1;
  calque_password_hasher_verify_async (hasher, "wrong password", g_ptr_array_index (state.hashes, 0),
                                       NULL, verify_done_cb, &state);
  async_state_wait (&state);
  state.pending = 1;
  calque_password_hasher_verify_async (hasher, RIGHT_PASSWORD, NULL, NULL, verify_done_cb, &state);
  async_state_wait (&state);
  g_cancellable_cancel (cancelled);
  state.pending = 1;
  calque_password_hasher_verify_async (hasher, RIGHT_PASSWORD, g_ptr_array_index (state.hashes, 0),
                                       cancelled, verify_done_cb, &state);
  async_state_wait (&state);

  g_assert_null (g_ptr_array_index (state.errors, 0));
  g_assert_error ((GError *) g_ptr_array_index (state.errors, 1), CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  g_assert_error ((GError *) g_ptr_array_index (state.errors, 2), CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  g_assert_error ((GError *) g_ptr_array_index (state.errors, 3), G_IO_ERROR, G_IO_ERROR_CANCELLED);

  async_state_clear (&state);
}

/* A server shutting down drops its hasher while logins are in flight:
 * each still completes and reports, and the hasher goes away after the
 * last one, whichever thread lets go of it last. */
static void
test_async_outlives_owner (void)
{
  for (guint round = 0; round < 20; round++)
    {
      CalquePasswordHasher *hasher = new_cheap_hasher (2);
      g_autofree char *hash = hash_or_fail (hasher, RIGHT_PASSWORD);
      GWeakRef weak;
      AsyncState state;

      async_state_init (&state);
      g_weak_ref_init (&weak, hasher);

      state.pending = 3;
      for (guint i = 0; i < 3; i++)
        calque_password_hasher_verify_async (hasher, RIGHT_PASSWORD, hash, NULL, verify_done_cb, &state);
      g_object_unref (hasher);
      async_state_wait (&state);

      for (guint i = 0; i < state.errors->len; i++)
        g_assert_null (g_ptr_array_index (state.errors, i));

      /* The worker may still be letting go of its task. */
      for (guint tries = 0; tries < 1000; tries++)
        {
          g_autoptr(GObject) alive = g_weak_ref_get (&weak);

          if (alive == NULL)
            break;
          g_usleep (1000);
        }
      {
        g_autoptr(GObject) alive = g_weak_ref_get (&weak);

        g_assert_null (alive);
      }

      g_weak_ref_clear (&weak);
      async_state_clear (&state);
    }
}

/* Counts, from inside the hasher's bound, how many operations are there at
 * once. The sleep makes operations overlap whenever the bound lets them,
 * however fast the machine hashes. */
typedef struct {
  gint running;
  gint peak;
  gint calls;
} Occupancy;

static void
occupancy_hook (gpointer user_data)
{
  Occupancy *occupancy = user_data;
  gint now = g_atomic_int_add (&occupancy->running, 1) + 1;
  gint peak;

  g_atomic_int_inc (&occupancy->calls);
  do
    peak = g_atomic_int_get (&occupancy->peak);
  while (now > peak && !g_atomic_int_compare_and_exchange (&occupancy->peak, peak, now));

  g_usleep (30 * 1000);
  g_atomic_int_add (&occupancy->running, -1);
}

static void
test_async_bound (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (2);
  g_autofree char *hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  Occupancy occupancy = { 0, 0, 0 };
  AsyncState state;
  guint n_ok = 0;
  guint n_mismatch = 0;

  g_assert_cmpuint (calque_password_hasher_get_max_concurrent (hasher), ==, 2);
  calque_password_hasher_set_test_hook (hasher, occupancy_hook, &occupancy);
  async_state_init (&state);

  state.pending = 6;
  for (guint i = 0; i < 6; i++)
    calque_password_hasher_verify_async (hasher, i % 2 == 0 ? RIGHT_PASSWORD : "wrong password",
                                         i == 5 ? NULL : hash, NULL, verify_done_cb, &state);
  async_state_wait (&state);

  g_assert_cmpint (occupancy.calls, ==, 6);
  g_assert_cmpint (occupancy.peak, ==, 2);
  g_assert_cmpint (occupancy.running, ==, 0);

  for (guint i = 0; i < state.errors->len; i++)
    {
      GError *error = g_ptr_array_index (state.errors, i);

      if (error == NULL)
        n_ok++;
      else if (g_error_matches (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH))
        n_mismatch++;
    }
  /* Right password with the right hash: operations 0, 2, 4. */
  g_assert_cmpuint (n_ok, ==, 3);
  g_assert_cmpuint (n_mismatch, ==, 3);

  calque_password_hasher_set_test_hook (hasher, NULL, NULL);
  async_state_clear (&state);
}

typedef struct {
  CalquePasswordHasher *hasher;
  const char           *hash;
  gboolean              right;
} BlockingCall;

static gpointer
blocking_verify_thread (gpointer data)
{
  BlockingCall *call = data;
  g_autoptr(GError) error = NULL;

  call->right = calque_password_hasher_verify (call->hasher, RIGHT_PASSWORD, call->hash, NULL, &error);
  g_assert_true (call->right == (error == NULL));
  return NULL;
}

static void
test_blocking_bound (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (2);
  g_autofree char *hash = hash_or_fail (hasher, RIGHT_PASSWORD);
  Occupancy occupancy = { 0, 0, 0 };
  BlockingCall calls[5];
  GThread *threads[G_N_ELEMENTS (calls)];
  AsyncState state;

  calque_password_hasher_set_test_hook (hasher, occupancy_hook, &occupancy);
  async_state_init (&state);

  /* Worker threads calling the blocking API and the asynchronous API
   * share the same slots. */
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      calls[i] = (BlockingCall) { hasher, i == 4 ? NULL : hash, FALSE };
      threads[i] = g_thread_new ("verify", blocking_verify_thread, &calls[i]);
    }
  state.pending = 3;
  for (guint i = 0; i < 3; i++)
    calque_password_hasher_verify_async (hasher, RIGHT_PASSWORD, hash, NULL, verify_done_cb, &state);
  async_state_wait (&state);

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (occupancy.calls, ==, 8);
  g_assert_cmpint (occupancy.peak, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    g_assert_cmpint (calls[i].right, ==, i != 4);
  for (guint i = 0; i < state.errors->len; i++)
    g_assert_null (g_ptr_array_index (state.errors, i));

  calque_password_hasher_set_test_hook (hasher, NULL, NULL);
  async_state_clear (&state);
}

static void
test_cancelled (void)
{
  g_autoptr(CalquePasswordHasher) hasher = new_cheap_hasher (1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  g_cancellable_cancel (cancellable);
  hash = calque_password_hasher_hash (hasher, RIGHT_PASSWORD, cancellable, &error);
  g_assert_null (hash);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gint64
thread_cpu_time_us (void)
{
  struct timespec now;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now), ==, 0);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* Verifies a wrong password in this thread, and says how much processor
 * time that took. Processor time, not wall time: what would tell an
 * attacker who has an account is a difference in work, and work is what
 * processor time measures, without the noise of other processes taking
 * turns on a busy test machine. */
static gint64
cpu_time_of_verify (CalquePasswordHasher *hasher,
                    const char           *stored_hash)
{
  g_autoptr(GError) error = NULL;
  gint64 start = thread_cpu_time_us ();

  g_assert_false (calque_password_hasher_verify (hasher, "wrong password", stored_hash, NULL, &error));
  g_assert_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  return thread_cpu_time_us () - start;
}

static void
test_unknown_user_timing (void)
{
  g_autoptr(CalquePasswordHasher) hasher = calque_password_hasher_new (1);
  g_autofree char *hash = NULL;
  g_autoptr(GError) wrong_error = NULL;
  g_autoptr(GError) unknown_error = NULL;
  gint64 least_wrong = G_MAXINT64;
  gint64 least_unknown = G_MAXINT64;
  gint64 least_cheap = G_MAXINT64;

  /* Enough work (milliseconds) that Argon2 dominates everything else that
   * is measured. */
  calque_password_hasher_set_cost (hasher, 2, 16 * 1024 * 1024);
  hash = hash_or_fail (hasher, RIGHT_PASSWORD);

  /* Same words for both, so a client cannot tell them apart either. */
  calque_password_hasher_verify (hasher, "wrong password", hash, NULL, &wrong_error);
  calque_password_hasher_verify (hasher, "wrong password", NULL, NULL, &unknown_error);
  g_assert_error (wrong_error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  g_assert_error (unknown_error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH);
  g_assert_cmpstr (wrong_error->message, ==, unknown_error->message);

  /* The least of several runs: interruptions only ever add time, so the
   * minimum is the honest cost of each path. Within a factor of 3: a
   * machine under load once made one path's best of five twice the
   * other's, while an unknown user answered without hashing would be a
   * hundred times cheaper. */
  for (guint i = 0; i < 10; i++)
    {
      least_wrong = MIN (least_wrong, cpu_time_of_verify (hasher, hash));
      least_unknown = MIN (least_unknown, cpu_time_of_verify (hasher, NULL));
    }

  g_test_message ("wrong password: %" G_GINT64_FORMAT " us, unknown user: %" G_GINT64_FORMAT " us",
                  least_wrong, least_unknown);
  g_assert_cmpint (least_unknown * 3, >=, least_wrong);
  g_assert_cmpint (least_wrong * 3, >=, least_unknown);

  /* The unknown user's work follows the configured cost, as real hashes
   * made now would: at the minimum cost it is far cheaper. */
  calque_password_hasher_set_cost (hasher, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  for (guint i = 0; i < 5; i++)
    least_cheap = MIN (least_cheap, cpu_time_of_verify (hasher, NULL));
  g_test_message ("unknown user at the minimum cost: %" G_GINT64_FORMAT " us", least_cheap);
  g_assert_cmpint (least_cheap * 4, <, least_unknown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/password/default-cost", test_default_cost);
  g_test_add_func ("/password/policy", test_policy);
  g_test_add_func ("/password/verify/refuses", test_verify_refuses);
  g_test_add_func ("/password/verify/normalizes", test_verify_normalizes);
  g_test_add_func ("/password/verify/bad-hash", test_verify_bad_hash);
  g_test_add_func ("/password/needs-rehash", test_needs_rehash);
  g_test_add_func ("/password/low-cost-from-environment", test_low_cost_from_environment);
  g_test_add_func ("/password/async", test_async);
  g_test_add_func ("/password/async/outlives-owner", test_async_outlives_owner);
  g_test_add_func ("/password/bound/async", test_async_bound);
  g_test_add_func ("/password/bound/blocking", test_blocking_bound);
  g_test_add_func ("/password/cancelled", test_cancelled);
  g_test_add_func ("/password/unknown-user-timing", test_unknown_user_timing);

  return g_test_run ();
}
