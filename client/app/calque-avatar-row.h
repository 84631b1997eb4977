/* calque-avatar-row.h — a few people, as small avatars with their initials
 *
 * One avatar per name, up to three, then “+N” for the rest; all the names
 * in the tooltip and the accessible label. Names are shown as plain text,
 * never read as markup. Hidden while it has no names.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_AVATAR_ROW (calque_avatar_row_get_type ())
G_DECLARE_FINAL_TYPE (CalqueAvatarRow, calque_avatar_row, CALQUE, AVATAR_ROW, GtkBox)

/* @size: of each avatar, in pixels. */
GtkWidget          *calque_avatar_row_new       (int                 size);
/* @names: NULL-terminated, or NULL for none; copied. */
void                calque_avatar_row_set_names (CalqueAvatarRow    *self,
                                                 const char * const *names);
const char * const *calque_avatar_row_get_names (CalqueAvatarRow    *self);

G_END_DECLS
