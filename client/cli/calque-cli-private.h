/* calque-cli-private.h — what the commands of calque-cli share */
#pragma once

#include <glib.h>
#include "calque-workspace.h"

G_BEGIN_DECLS

/* Exit codes, documented in `calque-cli --help` and docs/cli.md. */
typedef enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILURE = 1,   /* the command failed; nothing was changed */
  CLI_EXIT_USAGE = 2,     /* the command line is wrong */
  CLI_EXIT_PARTIAL = 3,   /* done, but --skip-bad left some inputs out */
} CliExit;

typedef struct {
  const char *workspace_path;   /* --workspace, else $CALQUE_WORKSPACE, else default */
} CliContext;

typedef int (*CliCommandFunc) (CliContext *cli,
                               int         argc,
                               char      **argv);

int cli_cmd_init    (CliContext *cli, int argc, char **argv);
int cli_cmd_project (CliContext *cli, int argc, char **argv);
int cli_cmd_import  (CliContext *cli, int argc, char **argv);
int cli_cmd_items   (CliContext *cli, int argc, char **argv);
int cli_cmd_export  (CliContext *cli, int argc, char **argv);
int cli_cmd_login   (CliContext *cli, int argc, char **argv);
int cli_cmd_logout  (CliContext *cli, int argc, char **argv);
int cli_cmd_sync    (CliContext *cli, int argc, char **argv);
int cli_cmd_status  (CliContext *cli, int argc, char **argv);
int cli_cmd_agreement (CliContext *cli, int argc, char **argv);
int cli_cmd_review  (CliContext *cli, int argc, char **argv);
int cli_cmd_reliability (CliContext *cli, int argc, char **argv);
int cli_cmd_stats   (CliContext *cli, int argc, char **argv);
int cli_cmd_assign  (CliContext *cli, int argc, char **argv);
int cli_cmd_unassign (CliContext *cli, int argc, char **argv);
int cli_cmd_reassign (CliContext *cli, int argc, char **argv);

/* Prints "calque-cli: MESSAGE" on stderr and returns @code. */
int  cli_fail               (int          code,
                             const char  *format,
                             ...) G_GNUC_PRINTF (2, 3);
/* Parses @argv with @entries; prints the error and returns FALSE on a
 * usage error. @summary is shown by --help. */
gboolean cli_parse          (const char   *command,
                             const char   *parameters,
                             const char   *summary,
                             const GOptionEntry *entries,
                             int          *argc,
                             char       ***argv);
CalqueWorkspace *cli_open_workspace (CliContext *cli,
                                     GError    **error);
/* Opens the workspace and finds the project (NULL: the only one). Returns
 * CLI_EXIT_OK, or prints why not and returns the exit code to use. */
int  cli_open_project       (CliContext       *cli,
                             const char       *project_name,
                             CalqueWorkspace **out_workspace,
                             CalqueRecord    **out_project);
/* The exit code for a failed calque_workspace_find_project(): without
 * --project, the user has to name one (a usage error). */
int  cli_find_project_failed (const char *project_name,
                              GError     *error);
/* One sync round of @project_id with the server the workspace is signed
 * in to: what `export --sync` runs first, to export the server's state. */
gboolean cli_sync_project_for_export (CalqueWorkspace *workspace,
                                      const char      *project_id,
                                      GError         **error);
/* The media of every item of @project_id not yet here, from that server. */
gboolean cli_download_project_media  (CalqueWorkspace *workspace,
                                      const char      *project_id,
                                      GError         **error);
/* Human-readable size: "87 KB". */
char *cli_format_size       (guint64      bytes);

G_END_DECLS
