/* calque-test-workspace.h — real workspaces for the client, gui and e2e tests */
#pragma once

#include "calque-workspace.h"

G_BEGIN_DECLS

/* A new workspace in a new temporary folder named after @prefix
 * ("calque-canvas" → /tmp/calque-canvas-XXXXXX/workspace); *@out_dir is
 * the folder to remove with calque_test_remove_tree(). */
CalqueWorkspace *calque_test_workspace_new  (const char  *prefix,
                                             char       **out_dir);
/* Saves a label of @project_id; @position < 0 leaves it unset. Returns its id. */
char            *calque_test_save_label     (CalqueStore *store,
                                             const char  *project_id,
                                             const char  *name,
                                             const char  *color,
                                             int          position);

G_END_DECLS
