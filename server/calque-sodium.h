/* calque-sodium.h — libsodium, initialised once for the whole server */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Safe to call from any thread, any number of times. Aborts if libsodium
 * has no source of randomness: a server that cannot make salts or tokens
 * must not run. */
void calque_sodium_init (void);

G_END_DECLS
