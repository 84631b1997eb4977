/* calque-project-row.h — one project in the sidebar: icon, name, item count */
#pragma once

#include <gtk/gtk.h>
#include "calque-record.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_PROJECT_ROW (calque_project_row_get_type ())
G_DECLARE_FINAL_TYPE (CalqueProjectRow, calque_project_row, CALQUE, PROJECT_ROW, GtkWidget)

GtkWidget    *calque_project_row_new         (void);
/* @n_items < 0 means the count is unknown, and no caption is shown. */
void          calque_project_row_set_project (CalqueProjectRow *self,
                                              CalqueRecord     *project,
                                              gint64            n_items);
CalqueRecord *calque_project_row_get_project (CalqueProjectRow *self);

G_END_DECLS
