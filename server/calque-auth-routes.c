/* calque-auth-routes.c: signing in and out, without the transport
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of a login matters: the rate limits are checked first, because
 * they are cheap and Argon2 is not; then the user is looked up and the
 * password verified in the hasher's threads, with the same work for an
 * unknown user as for a wrong password, so that neither the answer nor its
 * timing tells which names exist.
 *
 * Nothing here logs a password or a token, not even at debug level.
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "calque-auth-routes.h"
#include "calque-rate-limit.h"
#include "calque-token.h"

struct _CalqueAuth
{
  GObject               parent_instance;

  CalqueServerStore    *store;
  CalquePasswordHasher *hasher;
  CalqueRateLimit      *user_limit;
  CalqueRateLimit      *address_limit;
};

typedef struct
{
  char     *user;
  char     *password;
  char     *stored_hash;
  gboolean  admin;
  gint64    retry_after_s;
} LoginData;

G_DEFINE_FINAL_TYPE (CalqueAuth, calque_auth, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-auth-error-quark, calque_auth_error)

static void
wipe_string (char *secret)
{
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

static void
login_data_free (LoginData *data)
{
  g_free (data->user);
  wipe_string (data->password);
  g_free (data->stored_hash);
  g_free (data);
}

void
calque_login_free (CalqueLogin *login)
{
  if (login == NULL)
    return;

  wipe_string (login->token);
  g_free (login->user);
  g_free (login);
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CalqueAuth *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  g_autoptr(CalqueLogin) login = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;

  if (!calque_password_hasher_verify_finish (self->hasher, result, &error))
    {
      if (g_error_matches (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_BAD_HASH) ||
          g_error_matches (error, CALQUE_PASSWORD_ERROR, CALQUE_PASSWORD_ERROR_FAILED))
        {
          g_warning ("Cannot verify the password of user %s: %s", data->user, error->message);
          g_task_return_new_error (task, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_INTERNAL,
                                   "The server could not check the password");
          return;
        }

      g_task_return_new_error (task, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED,
                               "Wrong user name or password");
      return;
    }

  login = g_new0 (CalqueLogin, 1);
  login->user = g_strdup (data->user);
  login->admin = data->admin;
  login->expires_s = g_get_real_time () / G_USEC_PER_SEC + CALQUE_TOKEN_DEFAULT_LIFETIME_SECONDS;
  calque_token_new (&login->token, &token_hash);

  if (!calque_server_store_add_token (self->store, token_hash, login->user, login->expires_s, &error))
    {
      g_warning ("Cannot store a session of user %s: %s", data->user, error->message);
      g_task_return_new_error (task, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_INTERNAL,
                               "The server could not store the session");
      return;
    }

  /* Someone who finally typed the right password should not stay locked
   * out by their earlier typos. The address keeps its count: one machine
   * that guesses many names and knows one of them gains nothing. */
  calque_rate_limit_forget (self->user_limit, data->user);

  g_task_return_pointer (task, g_steal_pointer (&login), (GDestroyNotify) calque_login_free);
}

static void
calque_auth_finalize (GObject *object)
{
  CalqueAuth *self = (CalqueAuth *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->hasher);
  g_clear_pointer (&self->user_limit, calque_rate_limit_free);
  g_clear_pointer (&self->address_limit, calque_rate_limit_free);

  G_OBJECT_CLASS (calque_auth_parent_class)->finalize (object);
}

static void
calque_auth_class_init (CalqueAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = calque_auth_finalize;
}

static void
calque_auth_init (CalqueAuth *self)
{
  self->user_limit = calque_rate_limit_new_for_users ();
  self->address_limit = calque_rate_limit_new_for_addresses ();
}

/**
 * calque_auth_check_user_name:
 * @name: a proposed user name
 * @error: return location for a %CALQUE_AUTH_ERROR_BAD_NAME error
 *
 * A name is 1 to %CALQUE_USER_NAME_MAX_BYTES bytes of UTF-8 without
 * control characters, invisible format characters, white space, “/” or
 * “:”, so that it can be shown on one line, used in a file name and put in
 * a “user:password” pair, and hides no character that cannot be seen.
 *
 * Returns: %TRUE if @name may be given to a new user
 */
gboolean
calque_auth_check_user_name (const char  *name,
                             GError     **error)
{
  gsize length;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = strlen (name);
  if (length == 0)
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_NAME,
                           _("The user name is empty"));
      return FALSE;
    }

  if (length > CALQUE_USER_NAME_MAX_BYTES)
    {
      g_set_error (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_NAME,
                   _("The user name is %zu bytes long; at most %d are allowed"),
                   length, CALQUE_USER_NAME_MAX_BYTES);
      return FALSE;
    }

  if (!g_utf8_validate (name, (gssize) length, NULL))
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_NAME,
                           _("The user name is not valid UTF-8 text"));
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c) || c == '/' || c == ':' ||
          g_unichar_type (c) == G_UNICODE_FORMAT)
        {
          g_set_error (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_NAME,
                       _("The user name contains the character U+%04X at byte %td; "
                         "names may not contain spaces, control characters, “/” or “:”"),
                       (guint) c, p - name);
          return FALSE;
        }
    }

  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * calque_auth_parse_login_request:
 * @body: the request body, not necessarily nul-terminated
 * @length: its length in bytes
 * @out_user: (out): the user name
 * @out_password: (out): the password; wipe it when done
 * @error: return location for a %CALQUE_AUTH_ERROR_BAD_REQUEST error
 *
 * Reads `{"user": "…", "password": "…"}`. The messages never quote the
 * body, which holds a password.
 *
 * Returns: %TRUE if the body is a login request
 */
gboolean
calque_auth_parse_login_request (const char  *body,
                                 gsize        length,
                                 char       **out_user,
                                 char       **out_password,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *user;
  const char *password;

  g_return_val_if_fail (body != NULL || length == 0, FALSE);
  g_return_val_if_fail (out_user != NULL && out_password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length > CALQUE_AUTH_MAX_BODY_BYTES)
    {
      g_set_error (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_REQUEST,
                   "The body is %zu bytes long; at most %d are allowed",
                   length, CALQUE_AUTH_MAX_BODY_BYTES);
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (length == 0 || !json_parser_load_from_data (parser, body, (gssize) length, &parse_error))
    {
      g_set_error (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_REQUEST,
                   "The body is not JSON: %s",
                   parse_error != NULL ? parse_error->message : "it is empty");
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_REQUEST,
                           "The body must be a JSON object with “user” and “password”");
      return FALSE;
    }

  object = json_node_get_object (root);
  user = string_member (object, "user");
  password = string_member (object, "password");
  if (user == NULL || password == NULL)
    {
      g_set_error (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_BAD_REQUEST,
                   "The body has no string member “%s”", user == NULL ? "user" : "password");
      return FALSE;
    }

  *out_user = g_strdup (user);
  *out_password = g_strdup (password);

  return TRUE;
}

/**
 * calque_auth_address_key:
 * @address: a client's IP address as text
 *
 * The rate-limit key of a client: the address itself for IPv4, the /64
 * prefix for IPv6, since one host usually owns a whole /64.
 *
 * Returns: (transfer full): the key
 */
char *
calque_auth_address_key (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;
  guint8 bytes[16];

  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
    return g_strdup (address);

  memcpy (bytes, g_inet_address_to_bytes (inet), sizeof bytes);

  /* An IPv4 client seen through a dual-stack socket is one host. */
  if (g_inet_address_get_is_loopback (inet) ||
      (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0))
    return g_inet_address_to_string (inet);

  memset (bytes + 8, 0, 8);
  {
    g_autoptr(GInetAddress) prefix = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    g_autofree char *text = g_inet_address_to_string (prefix);

    return g_strconcat (text, "/64", NULL);
  }
}

/**
 * calque_auth_new:
 * @store: where users and sessions are kept
 * @hasher: verifies passwords in its own threads
 *
 * Returns: (transfer full): a new #CalqueAuth
 */
CalqueAuth *
calque_auth_new (CalqueServerStore    *store,
                 CalquePasswordHasher *hasher)
{
  CalqueAuth *self;

  g_return_val_if_fail (CALQUE_IS_SERVER_STORE (store), NULL);
  g_return_val_if_fail (CALQUE_IS_PASSWORD_HASHER (hasher), NULL);

  self = g_object_new (CALQUE_TYPE_AUTH, NULL);
  self->store = g_object_ref (store);
  self->hasher = g_object_ref (hasher);

  return self;
}

/**
 * calque_auth_login_async:
 * @self: a #CalqueAuth
 * @user: the name the client sent
 * @password: the password the client sent
 * @address: the client's IP address, for the per-address limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the caller's thread-default main context
 * @user_data: for @callback
 *
 * Checks the rate limits at once, then verifies the password without
 * blocking the caller's thread.
 */
void
calque_auth_login_async (CalqueAuth          *self,
                         const char          *user,
                         const char          *password,
                         const char          *address,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address_key = NULL;
  gint64 now_us = g_get_monotonic_time ();
  gint64 user_retry_us = 0;
  gint64 address_retry_us = 0;
  gboolean user_ok;
  gboolean address_ok;
  LoginData *data;

  g_return_if_fail (CALQUE_IS_AUTH (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_auth_login_async);

  data = g_new0 (LoginData, 1);
  data->user = g_strdup (user);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);

  /* Both are charged, so that spraying one name from many addresses and
   * many names from one address are both slowed down. */
  address_key = calque_auth_address_key (address);
  address_ok = calque_rate_limit_check (self->address_limit, address_key, now_us, &address_retry_us);
  user_ok = calque_rate_limit_check (self->user_limit, user, now_us, &user_retry_us);
  if (!user_ok || !address_ok)
    {
      gint64 retry_us = MAX (user_ok ? 0 : user_retry_us, address_ok ? 0 : address_retry_us);

      data->retry_after_s = MAX (1, (retry_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      g_task_return_new_error (task, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_RATE_LIMITED,
                               "Too many login attempts; try again in %" G_GINT64_FORMAT " s",
                               data->retry_after_s);
      return;
    }

  /* A name that could never have been stored is an unknown user, and is
   * verified against nothing like any other. */
  if (calque_auth_check_user_name (user, NULL) &&
      !calque_server_store_get_user (self->store, user, &data->stored_hash, &data->admin, &error))
    {
      if (!g_error_matches (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND))
        {
          g_warning ("Cannot look up user %s: %s", user, error->message);
          g_task_return_new_error (task, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_INTERNAL,
                                   "The server could not look up the user");
          return;
        }
      g_clear_pointer (&data->stored_hash, g_free);
    }

  calque_password_hasher_verify_async (self->hasher, password, data->stored_hash, cancellable,
                                       verified_cb, g_steal_pointer (&task));
}

/**
 * calque_auth_login_finish:
 * @self: a #CalqueAuth
 * @result: the result given to the callback
 * @out_retry_after_s: (out) (optional): with %CALQUE_AUTH_ERROR_RATE_LIMITED,
 *   how many seconds the client should wait
 * @error: return location for a %CALQUE_AUTH_ERROR
 *
 * Returns: (transfer full): the new session, or %NULL
 */
CalqueLogin *
calque_auth_login_finish (CalqueAuth    *self,
                          GAsyncResult  *result,
                          gint64        *out_retry_after_s,
                          GError       **error)
{
  LoginData *data;

  g_return_val_if_fail (CALQUE_IS_AUTH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == calque_auth_login_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_retry_after_s != NULL)
    *out_retry_after_s = data->retry_after_s;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * calque_auth_logout:
 * @self: a #CalqueAuth
 * @authorization: (nullable): the Authorization header of the request
 * @error: return location for a %CALQUE_AUTH_ERROR
 *
 * Revokes the bearer token of @authorization.
 *
 * Returns: (transfer full): the hash of the revoked token, so that its
 *   live connections can be closed, or %NULL with
 *   %CALQUE_AUTH_ERROR_UNAUTHORIZED when there was no valid token
 */
char *
calque_auth_logout (CalqueAuth  *self,
                    const char  *authorization,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *user = NULL;
  gint64 expires_s = 0;
  const char *token;

  g_return_val_if_fail (CALQUE_IS_AUTH (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  token = calque_auth_bearer_token (authorization);
  if (token == NULL)
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED,
                           "The request has no “Authorization: Bearer” token");
      return NULL;
    }

  token_hash = calque_token_hash (token, NULL);
  if (token_hash == NULL ||
      !calque_server_store_lookup_token (self->store, token_hash, &user, &expires_s, &local_error))
    {
      if (local_error != NULL &&
          !g_error_matches (local_error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND))
        g_warning ("Cannot look up a session: %s", local_error->message);
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED,
                           "The token is not valid");
      return NULL;
    }

  if (!calque_server_store_revoke_token (self->store, token_hash, &local_error))
    {
      g_warning ("Cannot end a session of user %s: %s", user, local_error->message);
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_INTERNAL,
                           "The server could not end the session");
      return NULL;
    }

  /* An expired token is gone now as well, but it was not a valid
   * credential, so the answer says so. */
  if (expires_s <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED,
                           "The token has expired");
      return NULL;
    }

  return g_steal_pointer (&token_hash);
}

const char *
calque_auth_bearer_token (const char *authorization)
{
  const char *token;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  token = authorization + 7;
  while (*token == ' ')
    token++;
  return *token ? token : NULL;
}

CalqueServerStore *
calque_auth_get_store (CalqueAuth *self)
{
  g_return_val_if_fail (CALQUE_IS_AUTH (self), NULL);
  return self->store;
}

gboolean
calque_auth_check_token_hash (CalqueAuth  *self,
                              const char  *token_hash,
                              char       **out_user,
                              gboolean    *out_admin,
                              gint64      *out_expires_s,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *user = NULL;
  gint64 expires_s = 0;
  gboolean admin = FALSE;

  g_return_val_if_fail (CALQUE_IS_AUTH (self), FALSE);

  if (token_hash == NULL
      || !calque_server_store_lookup_token (self->store, token_hash, &user, &expires_s, &local_error)
      || !calque_server_store_get_user (self->store, user, NULL, &admin, NULL))
    {
      if (local_error != NULL
          && !g_error_matches (local_error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_NOT_FOUND))
        g_warning ("Cannot look up a session: %s", local_error->message);
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_UNAUTHORIZED,
                           "The token is not valid; sign in again");
      return FALSE;
    }
  if (expires_s <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error_literal (error, CALQUE_AUTH_ERROR, CALQUE_AUTH_ERROR_EXPIRED,
                           "The session has expired; sign in again");
      return FALSE;
    }

  if (out_user)
    *out_user = g_steal_pointer (&user);
  if (out_admin)
    *out_admin = admin;
  if (out_expires_s)
    *out_expires_s = expires_s;
  return TRUE;
}

gboolean
calque_auth_check_token (CalqueAuth  *self,
                         const char  *token,
                         char       **out_user,
                         gboolean    *out_admin,
                         gint64      *out_expires_s,
                         char       **out_hash,
                         GError     **error)
{
  g_autofree char *token_hash = NULL;

  g_return_val_if_fail (CALQUE_IS_AUTH (self), FALSE);

  token_hash = token ? calque_token_hash (token, NULL) : NULL;
  if (!calque_auth_check_token_hash (self, token_hash, out_user, out_admin, out_expires_s, error))
    return FALSE;

  if (out_hash)
    *out_hash = g_steal_pointer (&token_hash);
  return TRUE;
}
