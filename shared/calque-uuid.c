/* calque-uuid.c — UUIDv7 record ids */
#define G_LOG_DOMAIN "calque-uuid"

#include "calque-uuid.h"

#include <pthread.h>
#include <sys/random.h>
#include <string.h>

/* Within one millisecond, successive ids from this process keep increasing:
 * the 12-bit rand_a field becomes a counter seeded randomly (RFC 9562,
 * method 1). Ids from other processes stay unique through the 62 random bits
 * of rand_b. */
static GMutex last_lock;
static gint64 last_ms = -1;
static guint16 last_counter;

/* Random bytes are drawn from the kernel a few hundred at a time, not one
 * system call per id: an import makes a million ids. The pool belongs to
 * the process that filled it: a forked child empties it (forgotten_in_child)
 * and draws its own, or parent and child would hand out the same ids.
 * Guarded by last_lock. */
static guint8 pool[512];
static gsize pool_left;

static void
forgotten_in_child (void)
{
  pool_left = 0;
}

static void
fill_random (void  *buf,
             gsize  len)
{
  guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = getrandom (p, len, 0);

      if (n < 0)
        {
          /* getrandom only fails on EINTR here (the pool is initialised long
           * before a desktop session starts); fall back to GLib's PRNG
           * rather than make ids fail. */
          for (gsize i = 0; i < len; i++)
            p[i] = (guint8) g_random_int_range (0, 256);
          return;
        }
      p += n;
      len -= (gsize) n;
    }
}

static void
format_uuid (const guint8  bytes[16],
             char          out[37])
{
  static const char hex[] = "0123456789abcdef";
  int o = 0;

  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[bytes[i] >> 4];
      out[o++] = hex[bytes[i] & 0xf];
    }
  out[o] = '\0';
}

/* Called with last_lock held. */
static void
take_random (guint8 *out,
             gsize   len)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      pthread_atfork (NULL, NULL, forgotten_in_child);
      g_once_init_leave (&registered, 1);
    }
  if (pool_left < len)
    {
      fill_random (pool, sizeof pool);
      pool_left = sizeof pool;
    }
  memcpy (out, pool + sizeof pool - pool_left, len);
  /* Used bytes are wiped: they are part of ids, never to be reused. */
  memset (pool + sizeof pool - pool_left, 0, len);
  pool_left -= len;
}

void
calque_uuid7_generate_at (gint64 ms,
                          char   out[37])
{
  guint8 bytes[16];
  guint16 counter;

  g_mutex_lock (&last_lock);
  take_random (bytes, sizeof bytes);
  if (ms <= last_ms)
    {
      /* Same millisecond (or the clock stepped back): keep order by
       * counting up from the last id instead of trusting the clock. */
      ms = last_ms;
      counter = (guint16) (last_counter + 1);
      if (counter > 0x0fff)
        {
          ms = last_ms + 1;
          counter = (guint16) ((bytes[6] << 8 | bytes[7]) & 0x07ff);
        }
    }
  else
    {
      /* Start low in the 12-bit range so the counter has room to grow. */
      counter = (guint16) ((bytes[6] << 8 | bytes[7]) & 0x07ff);
    }
  last_ms = ms;
  last_counter = counter;
  g_mutex_unlock (&last_lock);

  bytes[0] = (guint8) (ms >> 40);
  bytes[1] = (guint8) (ms >> 32);
  bytes[2] = (guint8) (ms >> 24);
  bytes[3] = (guint8) (ms >> 16);
  bytes[4] = (guint8) (ms >> 8);
  bytes[5] = (guint8) ms;
  bytes[6] = (guint8) (0x70 | ((counter >> 8) & 0x0f));
  bytes[7] = (guint8) (counter & 0xff);
  bytes[8] = (guint8) (0x80 | (bytes[8] & 0x3f));

  format_uuid (bytes, out);
}

void
calque_uuid7_generate (char out[37])
{
  calque_uuid7_generate_at (g_get_real_time () / 1000, out);
}

char *
calque_uuid7_new (void)
{
  char buf[37];

  calque_uuid7_generate (buf);
  return g_strdup (buf);
}

gboolean
calque_uuid_is_valid (const char *str)
{
  if (str == NULL || strlen (str) != CALQUE_UUID_STRING_LENGTH)
    return FALSE;

  for (int i = 0; i < CALQUE_UUID_STRING_LENGTH; i++)
    {
      char c = str[i];

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            return FALSE;
        }
      else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        return FALSE;
    }

  return TRUE;
}

gint64
calque_uuid7_get_time (const char *str)
{
  gint64 ms = 0;

  if (!calque_uuid_is_valid (str) || str[14] != '7')
    return -1;

  for (int i = 0; i < 13; i++)
    {
      if (i == 8)
        continue;
      ms = (ms << 4) | g_ascii_xdigit_value (str[i]);
    }

  return ms;
}
