/* calque-hlc.c — hybrid logical clocks (Kulkarni et al., 2014) */
#define G_LOG_DOMAIN "calque-hlc"

#include "calque-hlc.h"

#include <glib/gi18n-lib.h>
#include <sys/random.h>
#include <string.h>

G_DEFINE_QUARK (calque-hlc-error-quark, calque_hlc_error)

struct _CalqueHlcClock {
  guint64 last;   /* packed (ms << 16) | counter of the last clock issued */
  guint64 node;
  CalqueHlcTimeFunc time_func;
  gpointer time_data;
};

#define PACK(ms, counter) (((guint64) (ms) << 16) | ((guint64) (counter) & 0xffff))
#define MS(packed)        ((gint64) ((packed) >> 16))
#define COUNTER(packed)   ((guint) ((packed) & 0xffff))

int
calque_hlc_compare (const CalqueHlc *a,
                    const CalqueHlc *b)
{
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->node != b->node)
    return a->node < b->node ? -1 : 1;
  return 0;
}

static void
write_hex64 (guint64  value,
             char    *out)
{
  static const char hex[] = "0123456789abcdef";

  for (int i = 15; i >= 0; i--)
    {
      out[i] = hex[value & 0xf];
      value >>= 4;
    }
}

/* By hand rather than with printf: every saved record formats a clock. */
void
calque_hlc_to_string (const CalqueHlc *hlc,
                      char             out[CALQUE_HLC_STRING_LENGTH + 1])
{
  write_hex64 (hlc->time, out);
  out[16] = '-';
  write_hex64 (hlc->node, out + 17);
  out[CALQUE_HLC_STRING_LENGTH] = '\0';
}

static gboolean
parse_hex64 (const char *str,
             guint64    *out)
{
  guint64 value = 0;

  for (int i = 0; i < 16; i++)
    {
      char c = str[i];
      int digit;

      /* Lowercase only: the string form is compared as text. */
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else
        return FALSE;
      value = (value << 4) | (guint64) digit;
    }

  *out = value;
  return TRUE;
}

gboolean
calque_hlc_from_string (const char  *str,
                        CalqueHlc   *out,
                        GError     **error)
{
  CalqueHlc hlc;

  g_return_val_if_fail (out != NULL, FALSE);

  if (str == NULL
      || strlen (str) != CALQUE_HLC_STRING_LENGTH
      || str[16] != '-'
      || !parse_hex64 (str, &hlc.time)
      || !parse_hex64 (str + 17, &hlc.node))
    {
      g_set_error (error, CALQUE_HLC_ERROR, CALQUE_HLC_ERROR_SYNTAX,
                   _("“%s” is not a clock (expected 16 hex digits, “-”, 16 hex digits)"),
                   str ? str : "(null)");
      return FALSE;
    }

  *out = hlc;
  return TRUE;
}

gboolean
calque_hlc_node_from_string (const char *str,
                             guint64    *out_node)
{
  if (str == NULL || strlen (str) != 16)
    return FALSE;
  return parse_hex64 (str, out_node);
}

char *
calque_hlc_node_to_string (guint64 node)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", node);
}

guint64
calque_hlc_node_random (void)
{
  guint64 node = 0;

  if (getrandom (&node, sizeof node, 0) != sizeof node)
    node = ((guint64) g_random_int () << 32) | g_random_int ();
  return node;
}

static gint64
wall_clock_ms (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

CalqueHlcClock *
calque_hlc_clock_new (guint64 node)
{
  CalqueHlcClock *clock = g_new0 (CalqueHlcClock, 1);

  clock->node = node;
  clock->time_func = wall_clock_ms;
  return clock;
}

void
calque_hlc_clock_free (CalqueHlcClock *clock)
{
  g_free (clock);
}

void
calque_hlc_clock_set_time_func (CalqueHlcClock   *clock,
                                CalqueHlcTimeFunc func,
                                gpointer          user_data)
{
  g_return_if_fail (clock != NULL);

  clock->time_func = func ? func : wall_clock_ms;
  clock->time_data = user_data;
}

guint64
calque_hlc_clock_get_node (CalqueHlcClock *clock)
{
  return clock->node;
}

/* Moves to (ms, counter), carrying a counter overflow into the milliseconds:
 * 65,536 writes in one millisecond borrow the next one rather than wrap. */
static void
clock_set (CalqueHlcClock *clock,
           gint64          ms,
           guint64         counter)
{
  if (counter > CALQUE_HLC_COUNTER_MAX)
    {
      ms += 1;
      counter = 0;
    }
  clock->last = PACK (ms, counter);
}

CalqueHlc
calque_hlc_clock_now (CalqueHlcClock *clock)
{
  gint64 wall = clock->time_func (clock->time_data);
  gint64 last_ms = MS (clock->last);

  if (wall > last_ms)
    clock_set (clock, wall, 0);
  else
    clock_set (clock, last_ms, (guint64) COUNTER (clock->last) + 1);

  return (CalqueHlc) { clock->last, clock->node };
}

gboolean
calque_hlc_clock_observe (CalqueHlcClock   *clock,
                          const CalqueHlc  *remote,
                          gint64            max_ahead_ms,
                          GError          **error)
{
  gint64 wall = clock->time_func (clock->time_data);
  gint64 last_ms = MS (clock->last);
  gint64 remote_ms = MS (remote->time);
  gint64 ms;

  if (max_ahead_ms >= 0 && remote_ms - wall > max_ahead_ms)
    {
      g_set_error (error, CALQUE_HLC_ERROR, CALQUE_HLC_ERROR_FUTURE,
                   _("clock is %.1f s ahead of this machine’s time (at most %.1f s allowed)"),
                   (remote_ms - wall) / 1000.0, max_ahead_ms / 1000.0);
      return FALSE;
    }

  ms = MAX (wall, MAX (last_ms, remote_ms));

  if (ms == last_ms && ms == remote_ms)
    clock_set (clock, ms, (guint64) MAX (COUNTER (clock->last), COUNTER (remote->time)) + 1);
  else if (ms == last_ms)
    clock_set (clock, ms, (guint64) COUNTER (clock->last) + 1);
  else if (ms == remote_ms)
    clock_set (clock, ms, (guint64) COUNTER (remote->time) + 1);
  else
    clock_set (clock, ms, 0);

  return TRUE;
}

void
calque_hlc_clock_restore (CalqueHlcClock  *clock,
                          const CalqueHlc *last)
{
  if (last->time > clock->last)
    clock->last = last->time;
}
