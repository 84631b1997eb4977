/* calque-listen-address.h: the HOST:PORT a server listens on
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CALQUE_LISTEN_ADDRESS_ERROR (calque_listen_address_error_quark ())

typedef enum {
  CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT,   /* no “:PORT” after the host */
  CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT,  /* the port is not a number in 0–65535 */
  CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST,  /* the host is not an IP address or “localhost” */
} CalqueListenAddressError;

typedef struct {
  /* An IP address in its canonical text form (IPv6 without brackets), or
   * “localhost”, which means both loopback addresses. */
  char    *host;
  /* 0 asks the kernel for any free port. */
  guint16  port;
} CalqueListenAddress;

GQuark               calque_listen_address_error_quark (void);
CalqueListenAddress *calque_listen_address_parse       (const char                *text,
                                                        GError                   **error);
gboolean             calque_listen_address_is_ipv6     (const CalqueListenAddress *self);
char                *calque_listen_address_to_uri      (const CalqueListenAddress *self,
                                                        guint16                    port);
void                 calque_listen_address_free        (CalqueListenAddress       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueListenAddress, calque_listen_address_free)

G_END_DECLS
