/* calque-notifier.c — news for the signed-in person among arriving changes */
#define G_LOG_DOMAIN "calque-notifier"

#include "calque-notifier.h"

#include <glib/gi18n-lib.h>

#include "calque-comment-mentions.h"
#include "calque-store-stats.h"

struct _CalqueNotifier {
  CalqueStore *store;
  char        *project_id;
  char        *user;
  GHashTable  *task_states;   /* id of a task of the user → its state (or "" for none) */
  GHashTable  *mentions;      /* ids of the comments that mention the user, already told */
};

void
calque_note_free (CalqueNote *note)
{
  if (note == NULL)
    return;
  g_free (note->item_id);
  g_free (note->item_name);
  g_free (note->who);
  g_free (note);
}

static void
keep_own_task (const CalqueStoreFact *fact,
               gpointer               user_data)
{
  CalqueNotifier *self = user_data;

  if (g_strcmp0 (fact->person, self->user) == 0)
    g_hash_table_insert (self->task_states, g_strdup (fact->id), g_strdup (fact->state ? fact->state : ""));
}

CalqueNotifier *
calque_notifier_new (CalqueStore *store,
                     const char  *project_id,
                     const char  *user)
{
  CalqueNotifier *self = g_new0 (CalqueNotifier, 1);

  g_return_val_if_fail (CALQUE_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->project_id = g_strdup (project_id);
  self->user = g_strdup (user);
  self->task_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mentions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* The person's tasks as they are, ids and states, from the index of
   * the progress figures: a project is opened on the UI thread, and its
   * tasks need not be decoded for this. */
  if (!calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, keep_own_task, self, NULL))
    g_debug ("cannot read the tasks of project %s", project_id);
  /* The comments that mention the person already: an edit of one later
   * is not news either. */
  {
    g_autoptr(GPtrArray) comments = user != NULL ? calque_store_list (store, CALQUE_KIND_COMMENT, project_id, NULL)
                                                 : NULL;

    for (guint i = 0; comments != NULL && i < comments->len; i++)
      if (calque_comment_mentions_user (calque_record_get_string (comments->pdata[i], "text"), user))
        g_hash_table_add (self->mentions, g_strdup (calque_record_get_id (comments->pdata[i])));
  }
  return self;
}

void
calque_notifier_free (CalqueNotifier *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  g_free (self->project_id);
  g_free (self->user);
  g_clear_pointer (&self->task_states, g_hash_table_unref);
  g_clear_pointer (&self->mentions, g_hash_table_unref);
  g_free (self);
}

const char *
calque_notifier_get_project_id (CalqueNotifier *self)
{
  return self->project_id;
}

static CalqueNote *
note_new (CalqueNotifier *self,
          CalqueNoteKind  kind,
          const char     *item_id,
          const char     *who)
{
  CalqueNote *note = g_new0 (CalqueNote, 1);
  g_autoptr(CalqueRecord) item = item_id != NULL ? calque_store_get (self->store, item_id, NULL) : NULL;

  note->kind = kind;
  note->item_id = g_strdup (item_id);
  note->item_name = item != NULL ? g_strdup (calque_record_get_string (item, "name")) : NULL;
  note->who = g_strdup (who);
  return note;
}

/* A task of the user, new or changed. */
static CalqueNote *
check_task (CalqueNotifier *self,
            CalqueRecord   *task)
{
  const char *id = calque_record_get_id (task);
  const char *state = calque_record_get_string (task, "state");
  g_autofree char *known = g_strdup (g_hash_table_lookup (self->task_states, id));
  gboolean mine = g_strcmp0 (calque_record_get_string (task, "annotator"), self->user) == 0
                  && !calque_record_get_deleted (task);
  CalqueNoteKind kind;

  if (!mine)
    {
      /* Reassigned to someone else, or deleted: forgotten, so that it is
       * news again if it comes back. */
      g_hash_table_remove (self->task_states, id);
      return NULL;
    }
  g_hash_table_insert (self->task_states, g_strdup (id), g_strdup (state ? state : ""));
  if (known == NULL)
    kind = CALQUE_NOTE_ASSIGNED;
  else if (g_strcmp0 (state, "rejected") == 0 && g_strcmp0 (known, "rejected") != 0)
    kind = CALQUE_NOTE_REJECTED;
  else
    return NULL;
  return note_new (self, kind, calque_record_get_string (task, "item"), NULL);
}

/* A comment by someone else that mentions the user, told once. */
static CalqueNote *
check_comment (CalqueNotifier *self,
               CalqueRecord   *comment)
{
  const char *author = calque_record_get_string (comment, "author");

  if (self->user == NULL || calque_record_get_deleted (comment) || g_strcmp0 (author, self->user) == 0
      || !calque_comment_mentions_user (calque_record_get_string (comment, "text"), self->user)
      || !g_hash_table_add (self->mentions, g_strdup (calque_record_get_id (comment))))
    return NULL;
  return note_new (self, CALQUE_NOTE_MENTIONED, calque_record_get_string (comment, "item"), author);
}

GPtrArray *
calque_notifier_check (CalqueNotifier     *self,
                       const char * const *ids)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_note_free);

  g_return_val_if_fail (self != NULL, notes);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(CalqueRecord) record = calque_store_get (self->store, ids[i], NULL);
      CalqueNote *note = NULL;

      if (record == NULL || g_strcmp0 (calque_record_get_project (record), self->project_id) != 0)
        continue;
      if (calque_record_get_kind (record) == CALQUE_KIND_TASK)
        note = check_task (self, record);
      else if (calque_record_get_kind (record) == CALQUE_KIND_COMMENT)
        note = check_comment (self, record);
      if (note != NULL)
        g_ptr_array_add (notes, note);
    }
  return notes;
}

char *
calque_notes_describe (GPtrArray      *notes,
                       CalqueNoteKind  kind)
{
  const CalqueNote *first = NULL;
  guint n = 0;

  for (guint i = 0; i < notes->len; i++)
    if (((CalqueNote *) notes->pdata[i])->kind == kind)
      {
        if (first == NULL)
          first = notes->pdata[i];
        n++;
      }
  if (n == 0)
    return NULL;

  switch (kind)
    {
    case CALQUE_NOTE_ASSIGNED:
      if (n == 1 && first->item_name != NULL)
        /* Translators: a toast; %s is an item's name */
        return g_strdup_printf (_("New task for you: %s"), first->item_name);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new task for you", "%u new tasks for you", n), n);
    case CALQUE_NOTE_REJECTED:
      if (n == 1 && first->item_name != NULL)
        /* Translators: a toast; %s is an item's name */
        return g_strdup_printf (_("Sent back to you: %s"), first->item_name);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task sent back to you", "%u tasks sent back to you", n),
                              n);
    case CALQUE_NOTE_MENTIONED:
      if (n == 1 && first->item_name != NULL)
        /* Translators: a toast; "bruno mentioned you on apple.png" */
        return g_strdup_printf (_("%s mentioned you on %s"), first->who, first->item_name);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u comment mentions you", "%u comments mention you", n),
                              n);
    default:
      g_return_val_if_reached (NULL);
    }
}
