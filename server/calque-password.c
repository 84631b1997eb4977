/* calque-password.c: Argon2id password hashing with a bound on concurrent work
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "calque-sodium.h"

#include "calque-password.h"

/* The cost of one hash, and why.
 *
 * Argon2id with 64 MiB of memory and 2 passes: libsodium's "interactive"
 * level, which takes roughly 50–150 ms on a current server core, and is
 * above OWASP's recommended floor for Argon2id (19 MiB, 2 passes). The
 * "moderate" level (256 MiB, 3 passes) costs about 0.7 s and 256 MiB per
 * login: on a small team server with a few cores that turns a burst of
 * logins (everyone arriving at 9:00, or a client reconnecting after the
 * server restarts) into seconds of queueing and hundreds of megabytes, and
 * it makes password guessing against the server itself a cheap way to
 * exhaust it. The rate limiter, not the hash cost, is the defence against
 * online guessing; the hash cost is the defence for a stolen database, and
 * 64 MiB × 2 passes already makes each offline guess expensive.
 *
 * libsodium stores the parameters in each hash string, so raising them
 * later is safe: old hashes still verify, and needs_rehash() tells the
 * login code to store a new one. */
#define DEFAULT_OPSLIMIT 2
#define DEFAULT_MEMLIMIT ((gsize) 64 * 1024 * 1024)

/* With the default memory cost, each operation running at once holds
 * 64 MiB; four of them are 256 MiB, which is as much as a small server
 * should spend on logins. */
#define DEFAULT_MAX_CONCURRENT_CAP 4

/* Cleared to zero before it is freed: a password, or its normalized form. */
typedef char Secret;

static void
secret_free (Secret *secret)
{
  if (secret == NULL)
    return;

  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Secret, secret_free)

typedef enum {
  JOB_HASH,
  JOB_VERIFY,
} JobKind;

typedef struct {
  JobKind  kind;
  Secret  *password;     /* already checked and normalized */
  char    *stored_hash;  /* JOB_VERIFY only; NULL for an unknown user */
} Job;

struct _CalquePasswordHasher
{
  GObject parent_instance;

  /* Protects everything below it except pool. */
  GMutex                   mutex;
  /* Signalled whenever an operation gives its slot back. */
  GCond                    slot_freed;
  guint                    max_concurrent;
  guint                    running;

  guint64                  opslimit;
  gsize                    memlimit;

  CalquePasswordHasherHook hook;
  gpointer                 hook_data;

  /* Runs the asynchronous operations, with as many threads as there are
   * slots: a queued operation waits in the pool's queue, not in a thread,
   * so a burst of logins does not occupy GIO's shared worker threads. */
  GThreadPool             *pool;
};

G_DEFINE_FINAL_TYPE (CalquePasswordHasher, calque_password_hasher, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-password-error-quark, calque_password_error)


static void
job_free (gpointer data)
{
  Job *job = data;

  secret_free (job->password);
  g_free (job->stored_hash);
  g_free (job);
}

/* Checks @password against the policy and returns its NFKC form, which is
 * what gets hashed: the same password typed on two systems that compose
 * accents differently (or with full-width digits from an East Asian input
 * method) must give the same bytes, as NIST SP 800-63B recommends.
 *
 * @for_new_password: apply the minimum length. Verification does not,
 * so that raising the minimum later does not lock out anyone whose
 * password was long enough when they chose it. An empty password is
 * refused either way. */
static Secret *
prepare_password (const char  *password,
                  gboolean     for_new_password,
                  GError     **error)
{
  g_autoptr(Secret) normalized = NULL;
  gsize length;

  g_assert (password != NULL);

  /* strnlen: a megabyte-long password is refused without reading it all. */
  length = strnlen (password, CALQUE_PASSWORD_MAX_BYTES + 1);

  if (length > CALQUE_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_LONG,
                   _("The password is too long: at most %u bytes are allowed"),
                   (guint) CALQUE_PASSWORD_MAX_BYTES);
      return NULL;
    }

  if (length == 0)
    {
      g_set_error_literal (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_SHORT,
                           _("The password is empty"));
      return NULL;
    }

  if (!g_utf8_validate (password, length, NULL))
    {
      g_set_error_literal (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_NOT_UTF8,
                           _("The password is not valid UTF-8 text"));
      return NULL;
    }

  normalized = g_utf8_normalize (password, length, G_NORMALIZE_NFKC);
  g_assert (normalized != NULL);

  if (for_new_password && g_utf8_strlen (normalized, -1) < CALQUE_PASSWORD_MIN_CHARS)
    {
      g_set_error (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_TOO_SHORT,
                   _("The password is too short: use at least %u characters"),
                   (guint) CALQUE_PASSWORD_MIN_CHARS);
      return NULL;
    }

  return g_steal_pointer (&normalized);
}

/* A string that libsodium can decode as an Argon2 hash. Checked before
 * taking a slot, so a corrupt row costs nothing. */
static gboolean
check_stored_hash (const char  *stored_hash,
                   GError     **error)
{
  g_assert (stored_hash != NULL);

  if (strnlen (stored_hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES
      || crypto_pwhash_str_needs_rehash (stored_hash, DEFAULT_OPSLIMIT, DEFAULT_MEMLIMIT) < 0)
    {
      /* The hash itself stays out of the message: it is for a log or an
       * operator, and a hash is not something to print. */
      g_set_error_literal (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_BAD_HASH,
                           _("The stored password hash is not an Argon2 hash string"));
      return FALSE;
    }

  return TRUE;
}

static void
set_mismatch_error (GError **error)
{
  g_set_error_literal (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_MISMATCH,
                       _("Wrong user name or password"));
}

static void
set_failed_error (GError **error)
{
  g_set_error_literal (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_FAILED,
                       _("The password could not be hashed: the server is out of memory"));
}

/* Waits for a free slot, then takes it. On success the caller must call
 * release_slot(); the cost and hook are read under the same lock so that
 * one operation sees one consistent set. */
static gboolean
acquire_slot (CalquePasswordHasher      *self,
              GCancellable              *cancellable,
              guint64                   *out_opslimit,
              gsize                     *out_memlimit,
              CalquePasswordHasherHook  *out_hook,
              gpointer                  *out_hook_data,
              GError                   **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  while (self->running >= self->max_concurrent)
    g_cond_wait (&self->slot_freed, &self->mutex);
  self->running++;
  *out_opslimit = self->opslimit;
  *out_memlimit = self->memlimit;
  *out_hook = self->hook;
  *out_hook_data = self->hook_data;
  g_mutex_unlock (&self->mutex);

  /* The wait may have been long; do not spend a hash on a caller that has
   * gone away in the meantime. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_mutex_lock (&self->mutex);
      self->running--;
      g_cond_signal (&self->slot_freed);
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }

  return TRUE;
}

static void
release_slot (CalquePasswordHasher *self)
{
  g_mutex_lock (&self->mutex);
  g_assert (self->running > 0);
  self->running--;
  g_cond_signal (&self->slot_freed);
  g_mutex_unlock (&self->mutex);
}

static char *
run_hash (CalquePasswordHasher  *self,
          const char            *prepared,
          GCancellable          *cancellable,
          GError               **error)
{
  char out[crypto_pwhash_STRBYTES];
  CalquePasswordHasherHook hook;
  gpointer hook_data;
  guint64 opslimit;
  gsize memlimit;
  int status;

  if (!acquire_slot (self, cancellable, &opslimit, &memlimit, &hook, &hook_data, error))
    return NULL;

  if (hook != NULL)
    hook (hook_data);

  status = crypto_pwhash_str (out, prepared, strlen (prepared), opslimit, memlimit);

  release_slot (self);

  if (status != 0)
    {
      set_failed_error (error);
      return NULL;
    }

  return g_strdup (out);
}

static gboolean
run_verify (CalquePasswordHasher  *self,
            const char            *prepared,
            const char            *stored_hash,
            GCancellable          *cancellable,
            GError               **error)
{
  CalquePasswordHasherHook hook;
  gpointer hook_data;
  guint64 opslimit;
  gsize memlimit;
  gboolean matched = FALSE;
  gboolean failed = FALSE;

  if (!acquire_slot (self, cancellable, &opslimit, &memlimit, &hook, &hook_data, error))
    return FALSE;

  if (hook != NULL)
    hook (hook_data);

  if (stored_hash == NULL)
    {
      char out[crypto_pwhash_STRBYTES];

      /* An unknown user: do the work a verification would do, with the
       * cost that real hashes have, so that the answer takes as long as a
       * wrong password does and does not tell who has an account. Hashing
       * costs the same as verifying: both run Argon2 once with the
       * parameters at hand; only the salt's origin differs. */
      failed = crypto_pwhash_str (out, prepared, strlen (prepared), opslimit, memlimit) != 0;
      sodium_memzero (out, sizeof out);
    }
  else
    {
      /* libsodium answers -1 for a mismatch and for a failure alike, and
       * tells them apart only through errno; only ENOMEM is a failure. */
      errno = 0;
      if (crypto_pwhash_str_verify (stored_hash, prepared, strlen (prepared)) == 0)
        matched = TRUE;
      else if (errno == ENOMEM)
        failed = TRUE;
    }

  release_slot (self);

  if (failed)
    {
      set_failed_error (error);
      return FALSE;
    }

  if (!matched)
    {
      set_mismatch_error (error);
      return FALSE;
    }

  return TRUE;
}

static void
pool_run_job (gpointer data,
              gpointer user_data)
{
  g_autoptr(GTask) task = data;
  CalquePasswordHasher *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Nothing touches self after g_task_return_*(): the task's reference may
   * be the last one, and the callback may run at once in another thread. */
  switch (job->kind)
    {
    case JOB_HASH:
      {
        char *hash = run_hash (self, job->password, cancellable, &error);

        if (hash == NULL)
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_pointer (task, hash, g_free);
      }
      break;

    case JOB_VERIFY:
      if (run_verify (self, job->password, job->stored_hash, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
calque_password_hasher_finalize (GObject *object)
{
  CalquePasswordHasher *self = CALQUE_PASSWORD_HASHER (object);

  /* Every queued job holds a reference to self, so the queue is empty by
   * now. Not waiting matters: the last reference may be dropped by a pool
   * thread itself, which cannot wait for its own pool. */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->slot_freed);

  G_OBJECT_CLASS (calque_password_hasher_parent_class)->finalize (object);
}

static void
calque_password_hasher_class_init (CalquePasswordHasherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = calque_password_hasher_finalize;
}

static void
calque_password_hasher_init (CalquePasswordHasher *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->slot_freed);
  self->opslimit = DEFAULT_OPSLIMIT;
  self->memlimit = DEFAULT_MEMLIMIT;
}

/**
 * calque_password_check_policy:
 * @password: a new password
 * @error: return location for a #GError in %CALQUE_PASSWORD_ERROR
 *
 * Tells whether @password may be chosen, without hashing it: UTF-8 text of
 * at least %CALQUE_PASSWORD_MIN_CHARS characters and at most
 * %CALQUE_PASSWORD_MAX_BYTES bytes. calque_password_hasher_hash() applies
 * the same rules.
 *
 * Returns: %TRUE if @password is acceptable
 */
gboolean
calque_password_check_policy (const char  *password,
                              GError     **error)
{
  g_autoptr(Secret) prepared = NULL;

  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  prepared = prepare_password (password, TRUE, error);
  return prepared != NULL;
}

/**
 * calque_password_hasher_new:
 * @max_concurrent: how many hashes or verifications may run at once, each
 *   holding its memory cost (64 MiB by default); 0 picks the number of
 *   processors, at most 4
 *
 * Setting `CALQUE_PASSWORD_TEST_COST=low` in the environment makes the
 * hasher use libsodium's minimum cost, so that test suites which log in
 * many times stay fast. Hashes made that way are weak; a server run
 * without the variable later sees needs_rehash() return %TRUE for them and
 * replaces them at the next login.
 *
 * Returns: (transfer full): a new hasher
 */
CalquePasswordHasher *
calque_password_hasher_new (guint max_concurrent)
{
  CalquePasswordHasher *self;

  g_return_val_if_fail (max_concurrent <= 1024, NULL);

  calque_sodium_init ();

  if (max_concurrent == 0)
    max_concurrent = CLAMP (g_get_num_processors (), 1, DEFAULT_MAX_CONCURRENT_CAP);

  self = g_object_new (CALQUE_TYPE_PASSWORD_HASHER, NULL);
  self->max_concurrent = max_concurrent;
  /* Not exclusive: idle threads go back to GLib's common pool, so an
   * idle server does not keep threads for logins that are not happening.
   * That kind of pool cannot fail to be created. */
  self->pool = g_thread_pool_new (pool_run_job, NULL, (int) max_concurrent, FALSE, NULL);

  if (g_strcmp0 (g_getenv ("CALQUE_PASSWORD_TEST_COST"), "low") == 0)
    {
      g_message ("CALQUE_PASSWORD_TEST_COST=low: passwords are hashed at the minimum cost, "
                 "which is only fit for tests");
      self->opslimit = crypto_pwhash_OPSLIMIT_MIN;
      self->memlimit = crypto_pwhash_MEMLIMIT_MIN;
    }

  return self;
}

guint
calque_password_hasher_get_max_concurrent (CalquePasswordHasher *self)
{
  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), 0);

  return self->max_concurrent;
}

/**
 * calque_password_hasher_set_cost:
 * @self: a hasher
 * @opslimit: Argon2id passes over the memory, at least
 *   `crypto_pwhash_OPSLIMIT_MIN`
 * @memlimit: Argon2id memory in bytes, at least `crypto_pwhash_MEMLIMIT_MIN`
 *
 * Sets the cost of new hashes and of the work done for unknown users.
 * Existing hashes keep verifying with the cost they were made with.
 */
void
calque_password_hasher_set_cost (CalquePasswordHasher *self,
                                 guint64               opslimit,
                                 gsize                 memlimit)
{
  g_return_if_fail (CALQUE_IS_PASSWORD_HASHER (self));
  g_return_if_fail (opslimit >= crypto_pwhash_OPSLIMIT_MIN);
  g_return_if_fail (opslimit <= crypto_pwhash_OPSLIMIT_MAX);
  g_return_if_fail (memlimit >= crypto_pwhash_MEMLIMIT_MIN);
  g_return_if_fail (memlimit <= crypto_pwhash_MEMLIMIT_MAX);

  g_mutex_lock (&self->mutex);
  self->opslimit = opslimit;
  self->memlimit = memlimit;
  g_mutex_unlock (&self->mutex);
}

void
calque_password_hasher_get_cost (CalquePasswordHasher *self,
                                 guint64              *out_opslimit,
                                 gsize                *out_memlimit)
{
  g_return_if_fail (CALQUE_IS_PASSWORD_HASHER (self));

  g_mutex_lock (&self->mutex);
  if (out_opslimit != NULL)
    *out_opslimit = self->opslimit;
  if (out_memlimit != NULL)
    *out_memlimit = self->memlimit;
  g_mutex_unlock (&self->mutex);
}

/**
 * calque_password_hasher_set_test_hook:
 * @self: a hasher
 * @hook: (nullable): called by every operation while it holds a slot
 * @user_data: passed to @hook
 *
 * Lets a test observe, from inside the bound, how many operations run at
 * once. @hook runs in worker threads.
 */
void
calque_password_hasher_set_test_hook (CalquePasswordHasher     *self,
                                      CalquePasswordHasherHook  hook,
                                      gpointer                  user_data)
{
  g_return_if_fail (CALQUE_IS_PASSWORD_HASHER (self));

  g_mutex_lock (&self->mutex);
  self->hook = hook;
  self->hook_data = user_data;
  g_mutex_unlock (&self->mutex);
}

/**
 * calque_password_hasher_hash:
 * @self: a hasher
 * @password: a new password, which must pass calque_password_check_policy()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Hashes @password with Argon2id and a random salt. Blocks while all slots
 * are taken, then for the time of one hash: call it from a worker thread,
 * or use calque_password_hasher_hash_async().
 *
 * Returns: (transfer full) (nullable): the hash string to store, which
 *   starts with `$argon2id$` and holds its own salt and parameters
 */
char *
calque_password_hasher_hash (CalquePasswordHasher  *self,
                             const char            *password,
                             GCancellable          *cancellable,
                             GError               **error)
{
  g_autoptr(Secret) prepared = NULL;

  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(prepared = prepare_password (password, TRUE, error)))
    return NULL;

  return run_hash (self, prepared, cancellable, error);
}

/**
 * calque_password_hasher_verify:
 * @self: a hasher
 * @password: what the person typed
 * @stored_hash: (nullable): the user's stored hash, or %NULL when there is
 *   no such user
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Checks @password against @stored_hash in constant time. With @stored_hash
 * %NULL the same Argon2 work is done and %CALQUE_PASSWORD_ERROR_MISMATCH
 * returned, so a login for an unknown user answers like a wrong password,
 * in words and in time. Blocks like calque_password_hasher_hash().
 *
 * Returns: %TRUE if @password is right; otherwise %FALSE with
 *   %CALQUE_PASSWORD_ERROR_MISMATCH, or another error when @password is
 *   empty, too long or not UTF-8, or @stored_hash is corrupt
 */
gboolean
calque_password_hasher_verify (CalquePasswordHasher  *self,
                               const char            *password,
                               const char            *stored_hash,
                               GCancellable          *cancellable,
                               GError               **error)
{
  g_autoptr(Secret) prepared = NULL;

  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stored_hash != NULL && !check_stored_hash (stored_hash, error))
    return FALSE;

  if (!(prepared = prepare_password (password, FALSE, error)))
    return FALSE;

  return run_verify (self, prepared, stored_hash, cancellable, error);
}

/**
 * calque_password_hasher_needs_rehash:
 * @self: a hasher
 * @stored_hash: a stored hash that has just verified
 *
 * Tells the login code to hash the password again and store the result,
 * after the cost was changed or for a hash that is not Argon2id.
 *
 * Returns: %TRUE if @stored_hash was not made with Argon2id at the current
 *   cost, or is not a hash string at all
 */
gboolean
calque_password_hasher_needs_rehash (CalquePasswordHasher *self,
                                     const char           *stored_hash)
{
  guint64 opslimit;
  gsize memlimit;

  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), TRUE);
  g_return_val_if_fail (stored_hash != NULL, TRUE);

  /* libsodium would compare an Argon2i hash's parameters and call it
   * current; only Argon2id is. */
  if (!g_str_has_prefix (stored_hash, crypto_pwhash_argon2id_STRPREFIX)
      || strnlen (stored_hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return TRUE;

  calque_password_hasher_get_cost (self, &opslimit, &memlimit);

  return crypto_pwhash_str_needs_rehash (stored_hash, opslimit, memlimit) != 0;
}

/**
 * calque_password_hasher_hash_async:
 * @self: a hasher
 * @password: a new password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context of the caller
 * @user_data: passed to @callback
 *
 * calque_password_hasher_hash() in one of the hasher's threads. Policy
 * errors are reported without queueing.
 */
void
calque_password_hasher_hash_async (CalquePasswordHasher *self,
                                   const char           *password,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Secret *prepared;
  Job *job;

  g_return_if_fail (CALQUE_IS_PASSWORD_HASHER (self));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_password_hasher_hash_async);

  if (!(prepared = prepare_password (password, TRUE, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = JOB_HASH;
  job->password = prepared;
  g_task_set_task_data (task, job, job_free);

  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

/**
 * calque_password_hasher_hash_finish:
 *
 * Returns: (transfer full) (nullable): the hash string, or %NULL with @error set
 */
char *
calque_password_hasher_hash_finish (CalquePasswordHasher  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == calque_password_hasher_hash_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * calque_password_hasher_verify_async:
 * @self: a hasher
 * @password: what the person typed
 * @stored_hash: (nullable): the stored hash, or %NULL for an unknown user
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context of the caller
 * @user_data: passed to @callback
 *
 * calque_password_hasher_verify() in one of the hasher's threads, so that
 * the main loop never waits for Argon2.
 */
void
calque_password_hasher_verify_async (CalquePasswordHasher *self,
                                     const char           *password,
                                     const char           *stored_hash,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Secret *prepared;
  Job *job;

  g_return_if_fail (CALQUE_IS_PASSWORD_HASHER (self));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_password_hasher_verify_async);

  if (stored_hash != NULL && !check_stored_hash (stored_hash, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!(prepared = prepare_password (password, FALSE, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = JOB_VERIFY;
  job->password = prepared;
  job->stored_hash = g_strdup (stored_hash);
  g_task_set_task_data (task, job, job_free);

  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

/**
 * calque_password_hasher_verify_finish:
 *
 * Returns: %TRUE if the password was right; otherwise %FALSE with @error
 *   set, as for calque_password_hasher_verify()
 */
gboolean
calque_password_hasher_verify_finish (CalquePasswordHasher  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == calque_password_hasher_verify_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
