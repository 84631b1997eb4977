/* calque-rate-limit.c: how many login attempts a user or an address may make
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>

#include <sodium.h>

#include "calque-rate-limit.h"

/* A token bucket per key, kept as a single number: the time at which the
 * key's bucket will be full again ("theoretical arrival time", as in the
 * GCRA used by ATM networks). Each allowed attempt pushes it one interval
 * later; an attempt is allowed while it is less than a full bucket
 * (burst × interval) ahead of now.
 *
 * This makes idle keys free to forget: a key whose time is not after now
 * has a full bucket, exactly like a key never seen, so evicting it changes
 * no answer. Only the memory cap can evict a key that still has a debt,
 * and then that key starts afresh; that is the price of bounded memory.
 *
 * Keys live in a hash table for lookup and in a queue from least to most
 * recently used, which gives both the eviction order for the cap and a
 * cheap place to find idle keys. */

typedef struct {
  /* In the queue; data points back to the entry. */
  GList   link;
  char   *key;
  gint64  full_at_us;
} Entry;

struct _CalqueRateLimit
{
  GMutex      mutex;
  GHashTable *entries;  /* key → Entry, owned */
  GQueue      lru;      /* of Entry, least recently used first */
  guint       burst;
  gint64      interval_us;
  guint       max_keys;
};

/* Idle keys removed from the old end on each check. Two per check removes
 * them faster than checks can add them, so a limiter in steady use stays
 * small without a timer; calque_rate_limit_evict_idle() is the full sweep. */
#define IDLE_EVICTIONS_PER_CHECK 2

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_free (entry);
}

static void
remove_entry (CalqueRateLimit *self,
              Entry           *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  /* Frees entry, whose key is the table's key. */
  g_hash_table_remove (self->entries, entry->key);
}

/* A key an attacker chooses (a user name as typed) must not make an
 * entry as large as the attacker likes. */
static char *
make_key (const char *key)
{
  gsize length = strnlen (key, CALQUE_RATE_LIMIT_MAX_KEY_BYTES + 1);
  guint8 digest[16];
  char hex[sizeof digest * 2 + 1];

  if (length <= CALQUE_RATE_LIMIT_MAX_KEY_BYTES)
    return g_strndup (key, length);

  crypto_generichash (digest, sizeof digest, (const guint8 *) key, strlen (key), NULL, 0);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);

  return g_strconcat ("#", hex, NULL);
}

static void
evict_idle_from_head (CalqueRateLimit *self,
                      gint64           now_us,
                      guint            limit)
{
  for (guint i = 0; i < limit; i++)
    {
      GList *head = self->lru.head;
      Entry *entry;

      if (head == NULL)
        return;

      entry = head->data;
      if (entry->full_at_us > now_us)
        return;

      remove_entry (self, entry);
    }
}

/**
 * calque_rate_limit_new:
 * @burst: attempts allowed at once by a key not seen for a while
 * @interval_us: after that, one more attempt every @interval_us
 * @max_keys: keys tracked at most; when a new key would go beyond it, the
 *   least recently used key is forgotten
 *
 * Returns: (transfer full): a new limiter. It locks itself, so any thread
 *   may use it.
 */
CalqueRateLimit *
calque_rate_limit_new (guint  burst,
                       gint64 interval_us,
                       guint  max_keys)
{
  CalqueRateLimit *self;

  g_return_val_if_fail (burst > 0, NULL);
  g_return_val_if_fail (interval_us > 0, NULL);
  /* burst × interval is computed, and must not overflow. */
  g_return_val_if_fail (interval_us <= G_MAXINT64 / 4 / (gint64) burst, NULL);
  g_return_val_if_fail (max_keys > 0, NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialized");

  self = g_new0 (CalqueRateLimit, 1);
  g_mutex_init (&self->mutex);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_queue_init (&self->lru);
  self->burst = burst;
  self->interval_us = interval_us;
  self->max_keys = max_keys;

  return self;
}

/**
 * calque_rate_limit_new_for_users:
 *
 * Returns: (transfer full): a limiter for login attempts per user name,
 *   with %CALQUE_RATE_LIMIT_USER_BURST and %CALQUE_RATE_LIMIT_USER_INTERVAL_US
 */
CalqueRateLimit *
calque_rate_limit_new_for_users (void)
{
  return calque_rate_limit_new (CALQUE_RATE_LIMIT_USER_BURST,
                                CALQUE_RATE_LIMIT_USER_INTERVAL_US,
                                CALQUE_RATE_LIMIT_DEFAULT_MAX_KEYS);
}

/**
 * calque_rate_limit_new_for_addresses:
 *
 * Returns: (transfer full): a limiter for login attempts per client
 *   address, with %CALQUE_RATE_LIMIT_ADDRESS_BURST and
 *   %CALQUE_RATE_LIMIT_ADDRESS_INTERVAL_US
 */
CalqueRateLimit *
calque_rate_limit_new_for_addresses (void)
{
  return calque_rate_limit_new (CALQUE_RATE_LIMIT_ADDRESS_BURST,
                                CALQUE_RATE_LIMIT_ADDRESS_INTERVAL_US,
                                CALQUE_RATE_LIMIT_DEFAULT_MAX_KEYS);
}

/**
 * calque_rate_limit_check:
 * @self: a limiter
 * @key: a user name or a client address
 * @now_us: the time in microseconds on a clock that never goes back,
 *   g_get_monotonic_time() in the server; tests pass their own
 * @out_retry_after_us: (out) (optional): when refused, how long until an
 *   attempt would be allowed (for a Retry-After header); 0 when allowed
 *
 * Asks whether @key may make one more attempt, and if so counts it.
 * A refused attempt is not counted, so hammering a refused key does not
 * lengthen its wait.
 *
 * Returns: %TRUE if the attempt may go ahead
 */
gboolean
calque_rate_limit_check (CalqueRateLimit *self,
                         const char      *key,
                         gint64           now_us,
                         gint64          *out_retry_after_us)
{
  g_autofree char *tracked_key = NULL;
  gint64 capacity_us;
  gint64 debt_us;
  gint64 retry_after_us = 0;
  gboolean allowed;
  Entry *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  tracked_key = make_key (key);
  capacity_us = (gint64) self->burst * self->interval_us;

  g_mutex_lock (&self->mutex);

  evict_idle_from_head (self, now_us, IDLE_EVICTIONS_PER_CHECK);

  entry = g_hash_table_lookup (self->entries, tracked_key);
  if (entry == NULL)
    {
      if (g_hash_table_size (self->entries) >= self->max_keys)
        remove_entry (self, self->lru.head->data);

      entry = g_new0 (Entry, 1);
      entry->link.data = entry;
      entry->key = g_steal_pointer (&tracked_key);
      entry->full_at_us = now_us;
      g_hash_table_insert (self->entries, entry->key, entry);
      g_queue_push_tail_link (&self->lru, &entry->link);
    }
  else
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_tail_link (&self->lru, &entry->link);
    }

  debt_us = MAX (entry->full_at_us, now_us) - now_us;
  allowed = debt_us + self->interval_us <= capacity_us;

  if (allowed)
    entry->full_at_us = now_us + debt_us + self->interval_us;
  else
    retry_after_us = debt_us + self->interval_us - capacity_us;

  g_mutex_unlock (&self->mutex);

  if (out_retry_after_us != NULL)
    *out_retry_after_us = retry_after_us;

  return allowed;
}

/**
 * calque_rate_limit_forget:
 * @self: a limiter
 * @key: a key
 *
 * Gives @key a full bucket again, for example a user's after a successful
 * login. Do not do this for addresses: an attacker with one account of
 * their own could then reset their address between guesses.
 */
void
calque_rate_limit_forget (CalqueRateLimit *self,
                          const char      *key)
{
  g_autofree char *tracked_key = NULL;
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);

  tracked_key = make_key (key);

  g_mutex_lock (&self->mutex);
  entry = g_hash_table_lookup (self->entries, tracked_key);
  if (entry != NULL)
    remove_entry (self, entry);
  g_mutex_unlock (&self->mutex);
}

/**
 * calque_rate_limit_evict_idle:
 * @self: a limiter
 * @now_us: the same clock as for calque_rate_limit_check()
 *
 * Forgets every key whose bucket has filled up again, which changes no
 * future answer. Checks already do a little of this; a server may call it
 * from a timer so that memory goes down after a burst of traffic ends.
 *
 * Returns: how many keys were forgotten
 */
guint
calque_rate_limit_evict_idle (CalqueRateLimit *self,
                              gint64           now_us)
{
  guint evicted = 0;
  GList *link;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  link = self->lru.head;
  while (link != NULL)
    {
      Entry *entry = link->data;

      link = link->next;
      if (entry->full_at_us <= now_us)
        {
          remove_entry (self, entry);
          evicted++;
        }
    }
  g_mutex_unlock (&self->mutex);

  return evicted;
}

guint
calque_rate_limit_get_n_keys (CalqueRateLimit *self)
{
  guint n_keys;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n_keys = g_hash_table_size (self->entries);
  g_mutex_unlock (&self->mutex);

  return n_keys;
}

void
calque_rate_limit_free (CalqueRateLimit *self)
{
  if (self == NULL)
    return;

  /* The table owns the entries; the queue only links them. */
  g_queue_init (&self->lru);
  g_hash_table_destroy (self->entries);
  g_mutex_clear (&self->mutex);
  g_free (self);
}
