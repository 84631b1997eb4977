/* calque-importer-private.h — shared by the file and the native importers */
#pragma once

#include "calque-importer.h"

G_BEGIN_DECLS

CalqueImportReport *_calque_import_report_new (void);
void _calque_import_report_add_problem (CalqueImportReport *report,
                                        const char         *path,
                                        const char         *message);

G_END_DECLS
