/* calque-import-folder.c — the files of a folder that a reader imports */
#define G_LOG_DOMAIN "calque-import"

#include "calque-import-readers.h"

#include <string.h>

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
_calque_import_list_files (const char  *dir,
                           const char  *suffix,
                           GPtrArray   *files,
                           GError     **error)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, error);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.' || !g_str_has_suffix (name, suffix))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
  /* Name order, so that a folder imports the same way on every machine. */
  g_ptr_array_sort (found, compare_paths);
  g_ptr_array_extend_and_steal (files, g_steal_pointer (&found));
  return TRUE;
}
