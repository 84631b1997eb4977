/* calque-http.h: the HTTP transport of calque-server
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "calque-auth-routes.h"
#include "calque-listen-address.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_HTTP (calque_http_get_type ())

G_DECLARE_FINAL_TYPE (CalqueHttp, calque_http, CALQUE, HTTP, GObject)

CalqueHttp *calque_http_new        (CalqueAuth                 *auth);
gboolean    calque_http_listen     (CalqueHttp                 *self,
                                    const CalqueListenAddress  *address,
                                    GError                    **error);
guint16     calque_http_get_port   (CalqueHttp                 *self);
/* Serves HTTPS with the certificate and key in these PEM files, from the
 * next calque_http_listen() on. */
gboolean    calque_http_set_tls_files (CalqueHttp              *self,
                                    const char                 *cert_file,
                                    const char                 *key_file,
                                    GError                    **error);
gboolean    calque_http_is_https   (CalqueHttp                 *self);
/* Where uploaded media are kept; without it there are no blob routes. */
void        calque_http_set_blob_dir (CalqueHttp               *self,
                                    const char                 *dir);
void        calque_http_disconnect (CalqueHttp                 *self);

G_END_DECLS
