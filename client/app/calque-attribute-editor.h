/* calque-attribute-editor.h — the attributes of the selected annotation
 *
 * One row per attribute its labels define (docs/data-model.md: bool, enum,
 * number, text), each change an undoable edit through
 * CalqueItemAnnotations.
 */
#pragma once

#include <gtk/gtk.h>

#include "calque-item-annotations.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_ATTRIBUTE_EDITOR (calque_attribute_editor_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAttributeEditor, calque_attribute_editor, CALQUE, ATTRIBUTE_EDITOR, GtkBox)

GtkWidget *calque_attribute_editor_new   (void);
/* Shows the attributes of @annotation (NULL: none selected) from the
 * definitions of @labels (CalqueRecord, the project's labels). */
void       calque_attribute_editor_show  (CalqueAttributeEditor *self,
                                          CalqueItemAnnotations *annotations,
                                          CalqueRecord          *annotation,
                                          GPtrArray             *labels);
/* How many attributes are shown, for tests. */
guint      calque_attribute_editor_get_n_rows (CalqueAttributeEditor *self);

G_END_DECLS
