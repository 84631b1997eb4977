/* calque-window-notify.c — toasts for what changes arriving mean to the person
 *
 * The sync pulls teammates' changes; those that are news for the person
 * signed in (calque-notifier.h) become toasts: one per kind of news, with
 * a button that opens the item when there is one item.
 */
#define G_LOG_DOMAIN "calque-window"

#include <glib/gi18n-lib.h>

#include "calque-notifier.h"
#include "calque-window-private.h"

void
_calque_window_notify_reset (CalqueWindow *self)
{
  CalqueRecord *project = self->workspace != NULL ? calque_window_get_project (self) : NULL;
  g_autofree char *user = NULL;

  g_clear_pointer (&self->notifier, calque_notifier_free);
  if (project == NULL)
    return;
  user = _calque_window_dup_person (self);
  self->notifier = calque_notifier_new (calque_workspace_get_store (self->workspace), calque_record_get_id (project),
                                        user);
}

static void
toast_notes (CalqueWindow   *self,
             GPtrArray      *notes,
             CalqueNoteKind  kind)
{
  g_autofree char *title = calque_notes_describe (notes, kind);
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (title == NULL)
    return;
  /* A toast's title is markup; names are users' text, shown as they are. */
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_calque_window_notify (CalqueWindow       *self,
                       const char         *project_id,
                       const char * const *ids)
{
  CalqueRecord *project = calque_window_get_project (self);
  g_autoptr(GPtrArray) notes = NULL;

  if (self->notifier == NULL || project == NULL || g_strcmp0 (calque_record_get_id (project), project_id) != 0)
    return;
  notes = calque_notifier_check (self->notifier, ids);
  toast_notes (self, notes, CALQUE_NOTE_ASSIGNED);
  toast_notes (self, notes, CALQUE_NOTE_REJECTED);
  toast_notes (self, notes, CALQUE_NOTE_MENTIONED);
}
