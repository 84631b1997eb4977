/* calque-sync.c — pushes and pulls for one person in one project */
#define G_LOG_DOMAIN "calque-sync"

#include "calque-sync.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-sync-error-quark, calque_sync_error)

void
calque_sync_session_free (CalqueSyncSession *session)
{
  if (session == NULL)
    return;
  g_free (session->project_id);
  g_free (session->user);
  g_free (session);
}

void
calque_sync_project_free (CalqueSyncProject *project)
{
  if (project == NULL)
    return;
  g_clear_object (&project->project);
  g_clear_pointer (&project->members, g_ptr_array_unref);
  g_free (project);
}

CalqueSyncProject *
calque_sync_project_read (CalqueServerStore  *store,
                          const char         *project_id,
                          GError            **error)
{
  g_autoptr(CalqueSyncProject) project = g_new0 (CalqueSyncProject, 1);

  project->project = calque_server_store_get_record (store, project_id, NULL);
  if (project->project == NULL || calque_record_get_kind (project->project) != CALQUE_KIND_PROJECT
      || calque_record_get_deleted (project->project))
    {
      g_set_error (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NO_PROJECT,
                   _("there is no project %s"), project_id);
      return NULL;
    }

  project->members = calque_server_store_list_records (store, project_id, CALQUE_KIND_MEMBER, error);
  if (project->members == NULL)
    return NULL;
  return g_steal_pointer (&project);
}

CalqueSyncSession *
calque_sync_session_for (const CalqueSyncProject *project,
                         const char              *user,
                         gboolean                 admin,
                         GError                 **error)
{
  CalqueSyncSession *session;
  CalqueRole role = CALQUE_ROLE_NONE;

  for (guint i = 0; i < project->members->len; i++)
    {
      CalqueRecord *member = g_ptr_array_index (project->members, i);

      if (g_strcmp0 (calque_record_get_string (member, "user"), user) == 0)
        role = MAX (role, calque_role_from_string (calque_record_get_string (member, "role")));
    }
  if (admin)
    role = CALQUE_ROLE_OWNER;
  if (role == CALQUE_ROLE_NONE)
    {
      /* Said the same way whether or not the project exists would be
       * nicer to outsiders; the caller maps both to "forbidden". */
      g_set_error (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NOT_MEMBER,
                   _("“%s” is not a member of this project"), user);
      return NULL;
    }

  session = g_new0 (CalqueSyncSession, 1);
  session->project_id = g_strdup (calque_record_get_id (project->project));
  session->user = g_strdup (user);
  session->access.user = session->user;
  session->access.role = role;
  session->access.blind = calque_record_get_int (project->project, "overlap", 1) > 1;
  return session;
}

CalqueSyncSession *
calque_sync_session_new (CalqueServerStore  *store,
                         const char         *project_id,
                         const char         *user,
                         gboolean            admin,
                         GError            **error)
{
  g_autoptr(CalqueSyncProject) project = calque_sync_project_read (store, project_id, error);

  if (project == NULL)
    return NULL;
  return calque_sync_session_for (project, user, admin, error);
}

/* The stored record @id, or NULL if there is none (or it does not decode). */
static CalqueRecord *
lookup (CalqueServerStore *store,
        const char        *id)
{
  return id ? calque_server_store_get_record (store, id, NULL) : NULL;
}

/* The task an annotation change concerns: the one it names, else the
 * stored annotation's. */
static CalqueRecord *
task_of (CalqueServerStore  *store,
         const CalqueChange *change,
         CalqueRecord       *current)
{
  JsonNode *task = json_object_get_member (change->set, "task");

  if (change->kind != CALQUE_KIND_ANNOTATION)
    return NULL;
  if (task && JSON_NODE_HOLDS_VALUE (task) && json_node_get_value_type (task) == G_TYPE_STRING)
    return lookup (store, json_node_get_string (task));
  return current ? lookup (store, calque_record_get_string (current, "task")) : NULL;
}

GPtrArray *
calque_sync_push (CalqueServerStore        *store,
                  CalqueSyncSession        *session,
                  GPtrArray                *changes,
                  const CalqueMergeOptions *options,
                  GError                  **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autoptr(GPtrArray) allowed = g_ptr_array_new ();
  g_autoptr(GPtrArray) applied = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_apply_result_free);
  g_autofree guint *slot = g_new0 (guint, changes->len + 1);

  for (guint i = 0; i < changes->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (changes, i);
      CalqueApplyResult *result = g_new0 (CalqueApplyResult, 1);
      g_autoptr(CalqueRecord) current = lookup (store, change->record_id);
      g_autoptr(CalqueRecord) task = task_of (store, change, current);
      g_autoptr(GError) refusal = NULL;

      result->client_id = g_strdup (change->client_id);
      result->op_no = change->op_no;
      g_ptr_array_add (results, result);

      /* The stored record decides the project, not what the change says. */
      if (current && strcmp (calque_record_get_project (current), session->project_id) != 0)
        {
          result->error_code = g_strdup ("forbidden");
          result->error_message = g_strdup (_("that record belongs to another project"));
          continue;
        }
      if (!calque_access_can_write (&session->access, current, change, task, &refusal))
        {
          result->error_code = g_strdup ("forbidden");
          result->error_message = g_strdup (refusal->message);
          continue;
        }
      slot[allowed->len] = i;
      g_ptr_array_add (allowed, change);
    }

  if (allowed->len > 0
      && !calque_server_store_apply (store, session->project_id, allowed, session->user, options, applied, error))
    return NULL;

  /* Put the store's answers back in the places of the changes they are for. */
  for (guint k = 0; k < applied->len; k++)
    {
      CalqueApplyResult *from = g_ptr_array_index (applied, k);
      CalqueApplyResult *to = g_ptr_array_index (results, slot[k]);

      to->seq = from->seq;
      to->error_code = g_steal_pointer (&from->error_code);
      to->error_message = g_steal_pointer (&from->error_message);
    }
  return g_steal_pointer (&results);
}

/* A page holds NULL where a record is missing. */
static void
unref_record (gpointer record)
{
  if (record != NULL)
    g_object_unref (record);
}

void
calque_sync_page_free (CalqueSyncPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->changes, g_ptr_array_unref);
  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_clear_pointer (&page->abouts, g_ptr_array_unref);
  g_free (page);
}

CalqueSyncPage *
calque_sync_page_read (CalqueServerStore  *store,
                       const char         *project_id,
                       gint64              after_seq,
                       guint               limit,
                       GError            **error)
{
  g_autoptr(CalqueSyncPage) page = g_new0 (CalqueSyncPage, 1);

  page->changes = calque_server_store_changes_since (store, project_id, after_seq, limit, error);
  if (page->changes == NULL)
    return NULL;
  page->next = after_seq;
  if (page->changes->len > 0)
    page->next = ((CalqueChange *) g_ptr_array_index (page->changes, page->changes->len - 1))->seq;
  return g_steal_pointer (&page);
}

/* The record of each change, and what it concerns, as stored now. */
static void
page_look_up_records (CalqueSyncPage    *page,
                      CalqueServerStore *store)
{
  page->records = g_ptr_array_new_full (page->changes->len, unref_record);
  page->abouts = g_ptr_array_new_full (page->changes->len, unref_record);

  for (guint i = 0; i < page->changes->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (page->changes, i);
      CalqueRecord *record = lookup (store, change->record_id);
      CalqueRecord *about = NULL;

      /* What the record concerns decides what a blind annotator may see. */
      if (record == NULL)
        about = NULL;
      else if (change->kind == CALQUE_KIND_ANNOTATION)
        about = g_object_ref (record);
      else if (change->kind == CALQUE_KIND_COMMENT)
        about = lookup (store, calque_record_get_string (record, "annotation"));
      else if (change->kind == CALQUE_KIND_CONFLICT)
        about = lookup (store, calque_record_get_string (record, "record"));

      g_ptr_array_add (page->records, record);
      g_ptr_array_add (page->abouts, about);
    }
}

GPtrArray *
calque_sync_page_visible (CalqueSyncPage          *page,
                          CalqueServerStore       *store,
                          const CalqueSyncSession *session)
{
  GPtrArray *visible = g_ptr_array_new ();

  if (calque_access_reads_everything (&session->access))
    {
      g_ptr_array_extend (visible, page->changes, NULL, NULL);
      return visible;
    }

  if (page->records == NULL)
    page_look_up_records (page, store);
  for (guint i = 0; i < page->changes->len; i++)
    {
      CalqueRecord *record = g_ptr_array_index (page->records, i);

      if (record != NULL
          && calque_access_can_read (&session->access, record, g_ptr_array_index (page->abouts, i)))
        g_ptr_array_add (visible, g_ptr_array_index (page->changes, i));
    }
  return visible;
}

GPtrArray *
calque_sync_pull (CalqueServerStore  *store,
                  CalqueSyncSession  *session,
                  gint64              after_seq,
                  guint               limit,
                  gint64             *out_next,
                  GError            **error)
{
  g_autoptr(CalqueSyncPage) page = calque_sync_page_read (store, session->project_id, after_seq, limit, error);
  g_autoptr(GPtrArray) visible = NULL;
  GPtrArray *copies;

  if (page == NULL)
    return NULL;

  visible = calque_sync_page_visible (page, store, session);
  copies = g_ptr_array_new_full (visible->len, (GDestroyNotify) calque_change_free);
  for (guint i = 0; i < visible->len; i++)
    g_ptr_array_add (copies, calque_change_copy (g_ptr_array_index (visible, i)));

  if (out_next)
    *out_next = page->next;
  return copies;
}
