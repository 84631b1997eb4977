/* calque-presence-pill.h — “Also here: bruno, chloe” on the item page
 *
 * The avatars and names of the other people on the open item, for the
 * page's toolbar; hidden while nobody else is there. Names are plain text.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_PRESENCE_PILL (calque_presence_pill_get_type ())
G_DECLARE_FINAL_TYPE (CalquePresencePill, calque_presence_pill, CALQUE, PRESENCE_PILL, GtkBox)

GtkWidget  *calque_presence_pill_new       (void);
/* @names: NULL-terminated, or NULL when nobody else is here. */
void        calque_presence_pill_set_names (CalquePresencePill *self,
                                            const char * const *names);
/* What it says, or NULL while hidden. */
const char *calque_presence_pill_get_text  (CalquePresencePill *self);

G_END_DECLS
