/* calque-test-util.c — what several test programs need */
#include "calque-test-util.h"

#include <glib/gstdio.h>

void
calque_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_chmod (path, 0755);
  dir = g_dir_open (path, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        calque_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
