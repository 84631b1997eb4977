/* calque-test-util.h — what several test programs need */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything below it, reopening folders a test closed
 * (chmod 0); symbolic links are removed, never followed. */
void calque_test_remove_tree (const char *path);

G_END_DECLS
