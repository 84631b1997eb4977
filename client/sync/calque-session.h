/* calque-session.h — signing in to a calque-server, and what a session asks of it
 *
 * The HTTP calls around the sync WebSocket: sign in (the server gives a
 * session token for a user name and password), sign out, list the projects
 * the user belongs to, ask whether the server is up. They are asynchronous,
 * for the app; calque-cli waits on them. The token is the caller's to keep
 * (in the workspace, calque-store-sync.h); the password is only sent.
 *
 * GTK-free, like the rest of libcalque-sync.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CALQUE_SESSION_ERROR (calque_session_error_quark ())
typedef enum {
  CALQUE_SESSION_ERROR_ADDRESS,       /* not an http(s)://host:port address */
  CALQUE_SESSION_ERROR_UNREACHABLE,   /* no answer from the server */
  CALQUE_SESSION_ERROR_CREDENTIALS,   /* wrong user name or password */
  CALQUE_SESSION_ERROR_TOO_MANY,      /* too many attempts: wait */
  CALQUE_SESSION_ERROR_SIGNED_OUT,    /* the token expired or was revoked */
  CALQUE_SESSION_ERROR_SERVER,        /* any other answer this client cannot use */
} CalqueSessionError;

GQuark     calque_session_error_quark        (void);

/* "http(s)://host[:port]" from what a person typed (a trailing path or
 * slash is dropped), or NULL with CALQUE_SESSION_ERROR_ADDRESS. */
char      *calque_session_normalize_server   (const char          *text,
                                              GError             **error);

/* The session token for @user. */
void       calque_session_sign_in            (const char          *server,
                                              const char          *user,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char      *calque_session_sign_in_finish     (GAsyncResult        *result,
                                              GError             **error);

/* Ends the session on the server. */
void       calque_session_sign_out           (const char          *server,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   calque_session_sign_out_finish    (GAsyncResult        *result,
                                              GError             **error);

/* The ids of the projects the user is a member of (char *). */
void       calque_session_list_projects      (const char          *server,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray *calque_session_list_projects_finish (GAsyncResult      *result,
                                              GError             **error);

/* Whether the server answers its health check. */
void       calque_session_check_health       (const char          *server,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   calque_session_check_health_finish (GAsyncResult       *result,
                                              GError             **error);

/* Runs the thread-default main context until *@result is set: how
 * calque-cli and the tests wait on the calls above. Pass
 * calque_session_store_result as the callback and @result as its data. */
void       calque_session_store_result       (GObject             *source,
                                              GAsyncResult        *result,
                                              gpointer             user_data);
void       calque_session_wait               (GAsyncResult       **result);

G_END_DECLS
