/* calque-sodium.c — libsodium, initialised once for the whole server */
#define G_LOG_DOMAIN "calque-server"

#include "calque-sodium.h"

#include <sodium.h>

void
calque_sodium_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialized");
      g_once_init_leave (&initialized, 1);
    }
}
