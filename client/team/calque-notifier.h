/* calque-notifier.h — what deserves a toast, among the changes that arrive
 *
 * The app shows a toast when a change that arrives from the server (a
 * sync pull) is news for the signed-in person:
 *  - a task given to them (a new assignment, or one reassigned to them);
 *  - a task of theirs sent back (its state became rejected);
 *  - a comment by someone else that mentions them (@name).
 * The notifier remembers the state of the person's tasks, so that a task
 * seen again (a reload, a second pull) is not news twice. GTK-free: the
 * window turns its notes into toasts, and tests read them directly.
 */
#pragma once

#include "calque-store.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_NOTE_ASSIGNED,
  CALQUE_NOTE_REJECTED,
  CALQUE_NOTE_MENTIONED,
} CalqueNoteKind;

typedef struct {
  CalqueNoteKind kind;
  char          *item_id;
  char          *item_name;   /* NULL when the item is not in the workspace */
  char          *who;         /* a mention's author; NULL otherwise */
} CalqueNote;

void calque_note_free (CalqueNote *note);

typedef struct _CalqueNotifier CalqueNotifier;

/* Reads the state of @user's tasks in @project_id as it is now: what is
 * there already is not news. */
CalqueNotifier *calque_notifier_new    (CalqueStore         *store,
                                        const char          *project_id,
                                        const char          *user);
void            calque_notifier_free   (CalqueNotifier      *self);
const char     *calque_notifier_get_project_id (CalqueNotifier *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueNotifier, calque_notifier_free)

/* The notes for the records @ids (NULL-terminated) that just changed in
 * the store: an array of CalqueNote, oldest record first. */
GPtrArray      *calque_notifier_check  (CalqueNotifier      *self,
                                        const char * const  *ids);

/* The sentence of a toast for @notes of one kind (several notes of a kind
 * make one toast: "3 new tasks for you"). */
char           *calque_notes_describe  (GPtrArray           *notes,
                                        CalqueNoteKind       kind);

G_END_DECLS
