/* calque-import-readers.h — the reader of each format, for the table in
 * calque-import-formats.c (see CalqueImportReadFunc there) */
#pragma once

#include "calque-import-formats.h"

G_BEGIN_DECLS

G_END_DECLS
