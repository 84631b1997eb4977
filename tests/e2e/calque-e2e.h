/* calque-e2e.h — workspaces signed in to a real calque-server, for the e2e tests
 *
 * A "device" is a workspace made and signed in with the real calque-cli
 * (`init`, `login`), then opened in the test's process; it syncs with the
 * real sync engine. The server is a CalqueServerFixture on loopback.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "calque-server-fixture.h"
#include "calque-workspace.h"

G_BEGIN_DECLS

/* Every user the tests add has this password. */
#define CALQUE_E2E_PASSWORD "correct horse battery"

typedef struct
{
  char            *path;
  CalqueWorkspace *workspace;
} CalqueE2eDevice;

/* calque-cli (from $CALQUE_CLI) on @workspace with @args; killed if the test dies. */
GSubprocess     *calque_e2e_cli_spawn    (const char           *workspace,
                                          const char * const   *args,
                                          GSubprocessFlags      flags);
/* Runs calque-cli on @workspace with @input on stdin; returns its status. */
int              calque_e2e_cli_run      (const char           *workspace,
                                          const char * const   *args,
                                          const char           *input,
                                          char                **out_stdout);
/* POSTs @body as @token's; asserts 201 Created and returns the reply. */
JsonNode        *calque_e2e_post         (CalqueServerFixture  *server,
                                          const char           *path,
                                          const char           *token,
                                          const char           *body);
/* A workspace DIR/NAME made and signed in as @user to the server at @base. */
CalqueE2eDevice *calque_e2e_device_new   (const char           *dir,
                                          const char           *base,
                                          const char           *name,
                                          const char           *user);
void             calque_e2e_device_free  (CalqueE2eDevice      *device);
CalqueStore     *calque_e2e_device_store (CalqueE2eDevice      *device);
/* One round of the sync engine for @project, in this process. */
void             calque_e2e_device_sync  (CalqueE2eDevice      *device,
                                          const char           *base,
                                          const char           *project);
/* The record @id of the device's store, or NULL; asserts no error. */
CalqueRecord    *calque_e2e_get_record   (CalqueE2eDevice      *device,
                                          const char           *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueE2eDevice, calque_e2e_device_free)

/* A server on loopback, a folder for the workspaces, and one project of
 * "alice" (an admin, its owner) with members. */
typedef struct
{
  CalqueServerFixture server;
  char               *base;      /* http://127.0.0.1:PORT */
  char               *dir;       /* holds the workspaces */
  char               *project;   /* the project's id */
} CalqueE2eTeam;

/* Adds alice and each of @members ("name:role", NULL-terminated) as users
 * of a new server, starts it, and creates @project_json (the body of POST
 * /api/v1/projects) as alice's with them as members. */
void             calque_e2e_team_set_up    (CalqueE2eTeam        *team,
                                            const char           *project_json,
                                            const char * const   *members);
void             calque_e2e_team_tear_down (CalqueE2eTeam        *team);

G_END_DECLS
