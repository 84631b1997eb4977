/* calque-workspace.c — a folder with a store and its media */
#define G_LOG_DOMAIN "calque-workspace"

#include "calque-workspace.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (calque-workspace-error-quark, calque_workspace_error)

#define STORE_NAME "workspace.sqlite"
#define BLOBS_NAME "blobs"
#define THUMBNAILS_NAME "thumbnails"

struct _CalqueWorkspace {
  GObject parent_instance;
  char *path;
  CalqueStore *store;
  CalqueBlobCache *blobs;
  CalqueThumbnailCache *thumbnails;
};

G_DEFINE_FINAL_TYPE (CalqueWorkspace, calque_workspace, G_TYPE_OBJECT)

static void
calque_workspace_finalize (GObject *object)
{
  CalqueWorkspace *self = (CalqueWorkspace *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->blobs);
  g_free (self->path);
  G_OBJECT_CLASS (calque_workspace_parent_class)->finalize (object);
}

static void
calque_workspace_class_init (CalqueWorkspaceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_workspace_finalize;
}

static void
calque_workspace_init (CalqueWorkspace *self)
{
}

char *
calque_workspace_default_path (void)
{
  const char *env = g_getenv ("CALQUE_WORKSPACE");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "calque", "workspace", NULL);
}

static CalqueWorkspace *
open_folder (const char  *path,
             GError     **error)
{
  g_autoptr(CalqueWorkspace) self = g_object_new (CALQUE_TYPE_WORKSPACE, NULL);
  g_autofree char *store_path = g_build_filename (path, STORE_NAME, NULL);
  g_autofree char *blobs_path = g_build_filename (path, BLOBS_NAME, NULL);

  self->path = g_canonicalize_filename (path, NULL);
  self->store = calque_store_open (store_path, error);
  if (self->store == NULL)
    return NULL;
  self->blobs = calque_blob_cache_new (blobs_path, error);
  if (self->blobs == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

CalqueWorkspace *
calque_workspace_create (const char  *path,
                         GError     **error)
{
  g_autofree char *store_path = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  store_path = g_build_filename (path, STORE_NAME, NULL);
  if (g_file_test (store_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_EXISTS,
                   _("%s: there is a workspace here already"), path);
      return NULL;
    }
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot create the folder: %s"), path, g_strerror (saved));
      return NULL;
    }
  return open_folder (path, error);
}

CalqueWorkspace *
calque_workspace_open (const char  *path,
                       GError     **error)
{
  g_autofree char *store_path = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  store_path = g_build_filename (path, STORE_NAME, NULL);
  if (!g_file_test (store_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_NOT_A_WORKSPACE,
                   _("%s: not a Calque workspace (it has no %s); make one with “calque-cli init %s”"),
                   path, STORE_NAME, path);
      return NULL;
    }
  return open_folder (path, error);
}

const char *
calque_workspace_get_path (CalqueWorkspace *self)
{
  g_return_val_if_fail (CALQUE_IS_WORKSPACE (self), NULL);
  return self->path;
}

CalqueStore *
calque_workspace_get_store (CalqueWorkspace *self)
{
  g_return_val_if_fail (CALQUE_IS_WORKSPACE (self), NULL);
  return self->store;
}

CalqueBlobCache *
calque_workspace_get_blobs (CalqueWorkspace *self)
{
  g_return_val_if_fail (CALQUE_IS_WORKSPACE (self), NULL);
  return self->blobs;
}

CalqueThumbnailCache *
calque_workspace_get_thumbnails (CalqueWorkspace  *self,
                                 GError          **error)
{
  g_return_val_if_fail (CALQUE_IS_WORKSPACE (self), NULL);

  if (self->thumbnails == NULL)
    {
      g_autofree char *dir = g_build_filename (self->path, THUMBNAILS_NAME, NULL);

      self->thumbnails = calque_thumbnail_cache_new (self->blobs, dir, CALQUE_THUMBNAIL_DEFAULT_SIZE,
                                                     error);
    }
  return self->thumbnails;
}

CalqueRecord *
calque_workspace_find_project (CalqueWorkspace  *self,
                               const char       *name_or_id,
                               GError          **error)
{
  g_autoptr(GPtrArray) projects = NULL;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (self), NULL);

  projects = calque_store_list (self->store, CALQUE_KIND_PROJECT, NULL, error);
  if (projects == NULL)
    return NULL;

  if (name_or_id == NULL)
    {
      if (projects->len == 1)
        return g_object_ref (g_ptr_array_index (projects, 0));
      if (projects->len == 0)
        g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_NO_PROJECT,
                     _("%s: the workspace has no project yet; create one with “calque-cli project create”"),
                     self->path);
      else
        g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_AMBIGUOUS,
                     g_dngettext (GETTEXT_PACKAGE, "the workspace has %u project; choose one with --project",
                                  "the workspace has %u projects; choose one with --project", projects->len),
                     projects->len);
      return NULL;
    }

  for (guint i = 0; i < projects->len; i++)
    if (g_str_equal (calque_record_get_id (g_ptr_array_index (projects, i)), name_or_id))
      return g_object_ref (g_ptr_array_index (projects, i));

  {
    CalqueRecord *found = NULL;
    guint matches = 0;

    for (guint i = 0; i < projects->len; i++)
      if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (projects, i), "name"), name_or_id) == 0)
        {
          found = g_ptr_array_index (projects, i);
          matches++;
        }
    if (matches == 1)
      return g_object_ref (found);
    if (matches > 1)
      {
        g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_AMBIGUOUS,
                     g_dngettext (GETTEXT_PACKAGE, "%u project is named “%s”; choose one by its id",
                                  "%u projects are named “%s”; choose one by its id", matches),
                     matches, name_or_id);
        return NULL;
      }
  }

  g_set_error (error, CALQUE_WORKSPACE_ERROR, CALQUE_WORKSPACE_ERROR_NO_PROJECT,
               _("no project named “%s”"), name_or_id);
  return NULL;
}
