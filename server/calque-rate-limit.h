/* calque-rate-limit.h: how many login attempts a user or an address may make
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Defaults for logins.
 *
 * Per user name: 5 attempts at once, then one more every 12 s (5 a minute).
 * Enough for someone who mistypes a few times, and it caps online guessing
 * of one account at 7,200 guesses a day, whoever sends them.
 *
 * Per client address: 20 at once, then one every 3 s (20 a minute). Higher,
 * because a lab or an office behind one NAT address has many people logging
 * in at 9:00; it stops one machine from spraying guesses over many
 * accounts. Callers should key IPv6 clients by their /64 prefix, since one
 * host usually owns a whole /64. */
#define CALQUE_RATE_LIMIT_USER_BURST          5
#define CALQUE_RATE_LIMIT_USER_INTERVAL_US    (12 * G_USEC_PER_SEC)
#define CALQUE_RATE_LIMIT_ADDRESS_BURST       20
#define CALQUE_RATE_LIMIT_ADDRESS_INTERVAL_US (3 * G_USEC_PER_SEC)

/* Keys tracked at most by one limiter. Each costs about 200 bytes, so
 * 65,536 keys are about 13 MiB, however many names or addresses an
 * attacker makes up. */
#define CALQUE_RATE_LIMIT_DEFAULT_MAX_KEYS    65536
/* Longer keys are tracked by a 128-bit digest of them instead. */
#define CALQUE_RATE_LIMIT_MAX_KEY_BYTES       128

typedef struct _CalqueRateLimit CalqueRateLimit;

CalqueRateLimit *calque_rate_limit_new               (guint            burst,
                                                      gint64           interval_us,
                                                      guint            max_keys);
CalqueRateLimit *calque_rate_limit_new_for_users     (void);
CalqueRateLimit *calque_rate_limit_new_for_addresses (void);
gboolean         calque_rate_limit_check             (CalqueRateLimit *self,
                                                      const char      *key,
                                                      gint64           now_us,
                                                      gint64          *out_retry_after_us);
void             calque_rate_limit_forget            (CalqueRateLimit *self,
                                                      const char      *key);
guint            calque_rate_limit_evict_idle        (CalqueRateLimit *self,
                                                      gint64           now_us);
guint            calque_rate_limit_get_n_keys        (CalqueRateLimit *self);
void             calque_rate_limit_free              (CalqueRateLimit *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueRateLimit, calque_rate_limit_free)

G_END_DECLS
