/* calque-soup-socket-leak.h — making up for a socket leak of libsoup 3.2
 *
 * libsoup 3.2's listener keeps a reference to every socket it accepts and
 * never drops it (fixed upstream in 3.3, "soup-listener: Plug a leak"), so
 * each connection leaves its GSocket behind, some 350 bytes, for the life
 * of the server. Debian 12 ships libsoup 3.2.3.
 *
 * Whether the library at hand has the leak is found out once, on a real
 * connection to a throwaway server on loopback: if that connection's
 * socket outlives the server, the leak is there. Then the first request of
 * each connection drops the reference the listener forgot. A libsoup with
 * the fix is left alone.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Runs the check (the first time only; it iterates the thread-default
 * main context for a few milliseconds) and says whether the leak is there. */
gboolean calque_soup_socket_leak_detect  (void);

/* For a SoupServer's "request-started": drops the forgotten reference of
 * @msg's socket, once per connection, if the leak was detected. */
void     calque_soup_socket_leak_mend    (SoupServerMessage *msg);

G_END_DECLS
