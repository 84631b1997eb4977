/* calque-hlc.h — hybrid logical clocks
 *
 * Every field write carries a clock: 48 bits of wall-clock milliseconds and a
 * 16-bit counter packed in one 64-bit number, plus the writer's 64-bit node id
 * to break ties (DESIGN.md, "Sync and merge"). Clocks stay close to real time
 * but never go backwards, and after observing a remote clock a node's next
 * clock is greater than it, so causally later writes always win.
 *
 * The string form, "%016x-%016x" of time then node, sorts like the clock
 * itself: the store compares clocks as text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CALQUE_HLC_ERROR (calque_hlc_error_quark ())
typedef enum {
  CALQUE_HLC_ERROR_SYNTAX,  /* not the string form of a clock */
  CALQUE_HLC_ERROR_FUTURE,  /* further ahead of our wall clock than allowed */
} CalqueHlcError;

GQuark calque_hlc_error_quark (void);

typedef struct {
  guint64 time;  /* (milliseconds << 16) | counter */
  guint64 node;
} CalqueHlc;

/* 16 + 1 + 16 characters. */
#define CALQUE_HLC_STRING_LENGTH 33

#define CALQUE_HLC_COUNTER_MAX 0xffff

static inline gint64
calque_hlc_get_ms (const CalqueHlc *hlc)
{
  return (gint64) (hlc->time >> 16);
}

static inline guint
calque_hlc_get_counter (const CalqueHlc *hlc)
{
  return (guint) (hlc->time & 0xffff);
}

int       calque_hlc_compare     (const CalqueHlc *a,
                                  const CalqueHlc *b);
void      calque_hlc_to_string   (const CalqueHlc *hlc,
                                  char             out[CALQUE_HLC_STRING_LENGTH + 1]);
gboolean  calque_hlc_from_string (const char      *str,
                                  CalqueHlc       *out,
                                  GError         **error);
/* Parses a 16-hex-digit node id, as stored by a workspace or a server. */
gboolean  calque_hlc_node_from_string (const char *str,
                                  guint64         *out_node);
char     *calque_hlc_node_to_string (guint64       node);
guint64   calque_hlc_node_random (void);

typedef gint64 (*CalqueHlcTimeFunc) (gpointer user_data);

typedef struct _CalqueHlcClock CalqueHlcClock;

CalqueHlcClock *calque_hlc_clock_new    (guint64          node);
void            calque_hlc_clock_free   (CalqueHlcClock  *clock);
/* Replaces the wall clock (milliseconds since the epoch), for tests. */
void            calque_hlc_clock_set_time_func (CalqueHlcClock   *clock,
                                                CalqueHlcTimeFunc func,
                                                gpointer          user_data);
guint64         calque_hlc_clock_get_node (CalqueHlcClock *clock);
/* The clock of a new local event (a write). */
CalqueHlc       calque_hlc_clock_now    (CalqueHlcClock  *clock);
/* Advances past @remote, so that the next local clock is greater. A remote
 * clock more than @max_ahead_ms ahead of our wall clock is refused with
 * CALQUE_HLC_ERROR_FUTURE and the clock is left alone: one laptop with a
 * skewed clock must not drag everyone's clocks into the future. */
gboolean        calque_hlc_clock_observe (CalqueHlcClock  *clock,
                                          const CalqueHlc *remote,
                                          gint64           max_ahead_ms,
                                          GError         **error);
/* Restores the last clock issued (e.g. read back from a store at start-up). */
void            calque_hlc_clock_restore (CalqueHlcClock  *clock,
                                          const CalqueHlc *last);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueHlcClock, calque_hlc_clock_free)

G_END_DECLS
