/* calque-auth-routes.h: signing in and out, without the transport
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What POST /api/v1/login and /api/v1/logout decide, as plain functions
 * over strings: calque-http.c parses nothing but HTTP and maps the error
 * codes below to statuses, so that this logic never sees libsoup.
 */

#pragma once

#include <gio/gio.h>

#include "calque-password.h"
#include "calque-server-store.h"

G_BEGIN_DECLS

/* A login body is two short strings; anything bigger is refused unread. */
#define CALQUE_AUTH_MAX_BODY_BYTES 8192
/* User names appear in logs, paths of exports and the desktop header. */
#define CALQUE_USER_NAME_MAX_BYTES 64

#define CALQUE_AUTH_ERROR (calque_auth_error_quark ())

typedef enum {
  CALQUE_AUTH_ERROR_BAD_REQUEST,   /* the body is not a login request */
  CALQUE_AUTH_ERROR_BAD_NAME,      /* a user name that cannot be stored */
  CALQUE_AUTH_ERROR_UNAUTHORIZED,  /* wrong name or password, or no valid token: deliberately one code */
  CALQUE_AUTH_ERROR_RATE_LIMITED,  /* too many attempts for the user or from the address */
  CALQUE_AUTH_ERROR_INTERNAL,      /* the store or the hasher failed */
  CALQUE_AUTH_ERROR_EXPIRED,       /* the token was good but its time is over: sign in again */
} CalqueAuthError;

/* A successful login, as the client receives it. */
typedef struct {
  char     *token;      /* CALQUE_TOKEN_STRING_LENGTH characters; the server keeps only its hash */
  char     *user;
  gint64    expires_s;  /* Unix time */
  gboolean  admin;
} CalqueLogin;

void calque_login_free (CalqueLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueLogin, calque_login_free)

#define CALQUE_TYPE_AUTH (calque_auth_get_type ())

G_DECLARE_FINAL_TYPE (CalqueAuth, calque_auth, CALQUE, AUTH, GObject)

GQuark       calque_auth_error_quark         (void);
gboolean     calque_auth_check_user_name     (const char            *name,
                                              GError               **error);
gboolean     calque_auth_parse_login_request (const char            *body,
                                              gsize                  length,
                                              char                 **out_user,
                                              char                 **out_password,
                                              GError               **error);
char        *calque_auth_address_key         (const char            *address);

CalqueAuth  *calque_auth_new                 (CalqueServerStore     *store,
                                              CalquePasswordHasher  *hasher);
void         calque_auth_login_async         (CalqueAuth            *self,
                                              const char            *user,
                                              const char            *password,
                                              const char            *address,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
CalqueLogin *calque_auth_login_finish        (CalqueAuth            *self,
                                              GAsyncResult          *result,
                                              gint64                *out_retry_after_s,
                                              GError               **error);
/* The token of an "Authorization: Bearer …" header, or NULL. */
const char  *calque_auth_bearer_token        (const char            *authorization);
/* Who a presented token belongs to. UNAUTHORIZED for a malformed, unknown
 * or revoked token, EXPIRED for one whose time is over. @out_hash gets the
 * token's hash, which names the session when it is revoked later. */
gboolean     calque_auth_check_token         (CalqueAuth            *self,
                                              const char            *token,
                                              char                 **out_user,
                                              gboolean              *out_admin,
                                              gint64                *out_expires_s,
                                              char                 **out_hash,
                                              GError               **error);
/* The same check for a token known only by its hash: a live connection
 * keeps the hash, never the token, and re-checks it on every message. */
gboolean     calque_auth_check_token_hash    (CalqueAuth            *self,
                                              const char            *token_hash,
                                              char                 **out_user,
                                              gboolean              *out_admin,
                                              gint64                *out_expires_s,
                                              GError               **error);
CalqueServerStore *calque_auth_get_store     (CalqueAuth            *self);
char        *calque_auth_logout              (CalqueAuth            *self,
                                              const char            *authorization,
                                              GError               **error);

G_END_DECLS
