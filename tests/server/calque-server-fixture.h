/* calque-server-fixture.h — the real calque-server, for tests
 *
 * Starts the built binary on 127.0.0.1 port 0 with a fresh data folder,
 * adds users through `calque-server user add`, and speaks HTTP to it. The
 * child dies with the test, so a failed assertion leaves no server behind.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  char        *data_dir;
  GSubprocess *server;
  guint16      port;
  SoupSession *session;
  GHashTable  *env;     /* variable → value, or NULL to unset */
} CalqueServerFixture;

typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  JsonNode           *body;   /* NULL for a 204 */
  char               *text;
} CalqueHttpResponse;

void  calque_http_response_clear       (CalqueHttpResponse  *response);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalqueHttpResponse, calque_http_response_clear)

/* A data folder with no users yet; the server is not started. */
void  calque_server_fixture_init       (CalqueServerFixture *f);
/* For every process started from now on, sets @variable to @value, or
 * unsets it when @value is NULL: CALQUE_PASSWORD_TEST_COST unset hashes
 * passwords at the full production cost. */
void  calque_server_fixture_setenv     (CalqueServerFixture *f,
                                        const char          *variable,
                                        const char          *value);
/* `calque-server ARGV_TAIL…` with the fixture's environment; the child dies
 * with the test. */
GSubprocess *calque_server_fixture_spawn (CalqueServerFixture *f,
                                          GSubprocessFlags     flags,
                                          const char * const  *argv_tail);
/* `calque-server user add NAME [extra] --data DIR` with @password on stdin;
 * returns the exit status. */
int   calque_server_fixture_user_add   (CalqueServerFixture *f,
                                        const char          *name,
                                        const char          *extra,
                                        const char          *password);
/* The same with @input (NULL: nothing) as all of stdin; what the command
 * printed is returned in @out_stdout and @out_stderr when not NULL. */
int   calque_server_fixture_user_add_full (CalqueServerFixture *f,
                                           const char          *name,
                                           const char          *extra,
                                           const char          *input,
                                           char               **out_stdout,
                                           char               **out_stderr);
void  calque_server_fixture_start      (CalqueServerFixture *f);
/* The same on @port (0: any free one), to come back where clients expect. */
void  calque_server_fixture_start_on   (CalqueServerFixture *f,
                                        guint16              port);
/* Ends @user's sessions the way time does: their tokens are made to have
 * run out, in the server's own database, while it runs. */
void  calque_server_fixture_expire_tokens (CalqueServerFixture *f,
                                           const char          *user);
/* Stops the server (SIGTERM, then SIGKILL if it hangs); the data stay. */
void  calque_server_fixture_stop       (CalqueServerFixture *f);
/* Stops the server and removes the data folder. */
void  calque_server_fixture_clear      (CalqueServerFixture *f);

/* Checks what every answer has (nosniff; JSON unless 204). */
void  calque_server_fixture_request    (CalqueServerFixture *f,
                                        const char          *method,
                                        const char          *path,
                                        const char          *authorization,
                                        const char          *content_type,
                                        const char          *body,
                                        gssize               body_length,
                                        CalqueHttpResponse  *response);
/* A request to the server, not sent: for sessions of the test's own. */
SoupMessage *calque_server_fixture_new_message (CalqueServerFixture *f,
                                                const char          *method,
                                                const char          *path,
                                                const char          *content_type,
                                                const char          *body,
                                                gssize               body_length);
/* The JSON body of POST /api/v1/login. */
char *calque_server_fixture_login_body (const char          *user,
                                        const char          *password);
/* Signs in (asserting 200) and returns the bare token. */
char *calque_server_fixture_login_token (CalqueServerFixture *f,
                                         const char          *user,
                                         const char          *password);
/* Signs in (asserting 200) and returns "Bearer <token>". */
char *calque_server_fixture_login      (CalqueServerFixture *f,
                                        const char          *user,
                                        const char          *password);

G_END_DECLS
