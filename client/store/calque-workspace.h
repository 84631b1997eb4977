/* calque-workspace.h — a folder that holds one local store and its media
 *
 *   DIR/workspace.sqlite   the store (calque-store.h)
 *   DIR/blobs/             media by sha256 (calque-blob-cache.h)
 *   DIR/thumbnails/        small PNGs of the images (calque-thumbnail-cache.h),
 *                          which can be deleted at any time
 *
 * The app and calque-cli both open a workspace; which one is chosen by an
 * option, else $CALQUE_WORKSPACE, else the user's data folder.
 */
#pragma once

#include <glib-object.h>
#include "calque-store.h"
#include "calque-blob-cache.h"
#include "calque-thumbnail-cache.h"

G_BEGIN_DECLS

#define CALQUE_WORKSPACE_ERROR (calque_workspace_error_quark ())
typedef enum {
  CALQUE_WORKSPACE_ERROR_NOT_A_WORKSPACE,  /* the folder has no workspace.sqlite */
  CALQUE_WORKSPACE_ERROR_EXISTS,           /* init on a folder that has one already */
  CALQUE_WORKSPACE_ERROR_NO_PROJECT,       /* no project by that name or id */
  CALQUE_WORKSPACE_ERROR_AMBIGUOUS,        /* several projects, none chosen */
} CalqueWorkspaceError;

GQuark calque_workspace_error_quark (void);

#define CALQUE_TYPE_WORKSPACE (calque_workspace_get_type ())
G_DECLARE_FINAL_TYPE (CalqueWorkspace, calque_workspace, CALQUE, WORKSPACE, GObject)

/* $CALQUE_WORKSPACE, else $XDG_DATA_HOME/calque/workspace. */
char            *calque_workspace_default_path (void);

CalqueWorkspace *calque_workspace_create      (const char       *path,
                                               GError          **error);
CalqueWorkspace *calque_workspace_open        (const char       *path,
                                               GError          **error);
const char      *calque_workspace_get_path    (CalqueWorkspace  *self);
CalqueStore     *calque_workspace_get_store   (CalqueWorkspace  *self);
CalqueBlobCache *calque_workspace_get_blobs   (CalqueWorkspace  *self);
/* Made on first use, so that calque-cli never starts its threads; its
 * results are delivered to the main context of the thread that first asks. */
CalqueThumbnailCache *calque_workspace_get_thumbnails (CalqueWorkspace *self,
                                               GError          **error);

/* By exact id, else by exact name; NULL (no error) picks the only project,
 * and is an AMBIGUOUS error when there are several. */
CalqueRecord    *calque_workspace_find_project (CalqueWorkspace *self,
                                               const char       *name_or_id,
                                               GError          **error);

G_END_DECLS
