/* calque-test-workspace.c — real workspaces for the client, gui and e2e tests */
#include "calque-test-workspace.h"

#include <glib/gstdio.h>

CalqueWorkspace *
calque_test_workspace_new (const char  *prefix,
                           char       **out_dir)
{
  g_autofree char *template = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  CalqueWorkspace *workspace;

  *out_dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  path = g_build_filename (*out_dir, "workspace", NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  workspace = calque_workspace_create (path, &error);
  g_assert_no_error (error);
  return workspace;
}

char *
calque_test_save_label (CalqueStore *store,
                        const char  *project_id,
                        const char  *name,
                        const char  *color,
                        int          position)
{
  g_autoptr(CalqueRecord) label = calque_record_new (CALQUE_KIND_LABEL, project_id);
  g_autoptr(GError) error = NULL;

  calque_record_set_string (label, "name", name);
  calque_record_set_string (label, "color", color);
  if (position >= 0)
    calque_record_set_int (label, "position", position);
  g_assert_true (calque_store_save (store, label, &error));
  g_assert_no_error (error);
  return g_strdup (calque_record_get_id (label));
}
