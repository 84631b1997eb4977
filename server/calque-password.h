/* calque-password.h: Argon2id password hashing with a bound on concurrent work
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The password policy. The minimum counts characters (Unicode code points
 * after normalization), because that is what a person choosing a password
 * counts; it applies to new passwords only. The maximum counts bytes,
 * because it exists to bound the work a request can cause. */
#define CALQUE_PASSWORD_MIN_CHARS 8
#define CALQUE_PASSWORD_MAX_BYTES 1024

#define CALQUE_PASSWORD_ERROR (calque_password_error_quark ())

typedef enum {
  CALQUE_PASSWORD_ERROR_TOO_SHORT,  /* fewer than CALQUE_PASSWORD_MIN_CHARS, or empty */
  CALQUE_PASSWORD_ERROR_TOO_LONG,   /* more than CALQUE_PASSWORD_MAX_BYTES */
  CALQUE_PASSWORD_ERROR_NOT_UTF8,   /* the bytes are not UTF-8 text */
  CALQUE_PASSWORD_ERROR_MISMATCH,   /* wrong password, or no such user: deliberately the same */
  CALQUE_PASSWORD_ERROR_BAD_HASH,   /* the stored hash is not an Argon2 hash string */
  CALQUE_PASSWORD_ERROR_FAILED,     /* hashing itself failed, in practice out of memory */
} CalquePasswordError;

#define CALQUE_TYPE_PASSWORD_HASHER (calque_password_hasher_get_type ())

G_DECLARE_FINAL_TYPE (CalquePasswordHasher, calque_password_hasher, CALQUE, PASSWORD_HASHER, GObject)

/* Called in the working thread while an operation holds one of the
 * hasher's slots, before the hash is computed. Tests only. */
typedef void (*CalquePasswordHasherHook) (gpointer user_data);

GQuark                calque_password_error_quark                (void);
gboolean              calque_password_check_policy               (const char                *password,
                                                                  GError                   **error);

CalquePasswordHasher *calque_password_hasher_new                 (guint                      max_concurrent);
guint                 calque_password_hasher_get_max_concurrent  (CalquePasswordHasher      *self);
void                  calque_password_hasher_set_cost            (CalquePasswordHasher      *self,
                                                                  guint64                    opslimit,
                                                                  gsize                      memlimit);
void                  calque_password_hasher_get_cost            (CalquePasswordHasher      *self,
                                                                  guint64                   *out_opslimit,
                                                                  gsize                     *out_memlimit);
void                  calque_password_hasher_set_test_hook       (CalquePasswordHasher      *self,
                                                                  CalquePasswordHasherHook   hook,
                                                                  gpointer                   user_data);

char                 *calque_password_hasher_hash                (CalquePasswordHasher      *self,
                                                                  const char                *password,
                                                                  GCancellable              *cancellable,
                                                                  GError                   **error);
gboolean              calque_password_hasher_verify              (CalquePasswordHasher      *self,
                                                                  const char                *password,
                                                                  const char                *stored_hash,
                                                                  GCancellable              *cancellable,
                                                                  GError                   **error);
gboolean              calque_password_hasher_needs_rehash        (CalquePasswordHasher      *self,
                                                                  const char                *stored_hash);

void                  calque_password_hasher_hash_async          (CalquePasswordHasher      *self,
                                                                  const char                *password,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
char                 *calque_password_hasher_hash_finish         (CalquePasswordHasher      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                  calque_password_hasher_verify_async        (CalquePasswordHasher      *self,
                                                                  const char                *password,
                                                                  const char                *stored_hash,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean              calque_password_hasher_verify_finish       (CalquePasswordHasher      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);

G_END_DECLS
