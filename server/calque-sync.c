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

CalqueSyncSession *
calque_sync_session_new (CalqueServerStore  *store,
                         const char         *project_id,
                         const char         *user,
                         gboolean            admin,
                         GError            **error)
{
  g_autoptr(CalqueSyncSession) session = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(GPtrArray) members = NULL;
  CalqueRole role = CALQUE_ROLE_NONE;

  project = calque_server_store_get_record (store, project_id, NULL);
  if (project == NULL || calque_record_get_kind (project) != CALQUE_KIND_PROJECT
      || calque_record_get_deleted (project))
    {
      g_set_error (error, CALQUE_SYNC_ERROR, CALQUE_SYNC_ERROR_NO_PROJECT,
                   _("there is no project %s"), project_id);
      return NULL;
    }

  members = calque_server_store_list_records (store, project_id, CALQUE_KIND_MEMBER, error);
  if (members == NULL)
    return NULL;
  for (guint i = 0; i < members->len; i++)
    if (g_strcmp0 (calque_record_get_string (g_ptr_array_index (members, i), "user"), user) == 0)
      role = MAX (role, calque_role_from_string (calque_record_get_string (g_ptr_array_index (members, i), "role")));
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
  session->project_id = g_strdup (project_id);
  session->user = g_strdup (user);
  session->access.user = session->user;
  session->access.role = role;
  session->access.blind = calque_record_get_int (project, "overlap", 1) > 1;
  return g_steal_pointer (&session);
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

GPtrArray *
calque_sync_pull (CalqueServerStore  *store,
                  CalqueSyncSession  *session,
                  gint64              after_seq,
                  guint               limit,
                  gint64             *out_next,
                  GError            **error)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) visible = g_ptr_array_new_with_free_func ((GDestroyNotify) calque_change_free);

  page = calque_server_store_changes_since (store, session->project_id, after_seq, limit, error);
  if (page == NULL)
    return NULL;

  for (guint i = 0; i < page->len; i++)
    {
      CalqueChange *change = g_ptr_array_index (page, i);
      g_autoptr(CalqueRecord) record = lookup (store, change->record_id);
      g_autoptr(CalqueRecord) about = NULL;

      after_seq = change->seq;
      if (record == NULL)
        continue;
      /* What the record concerns decides what a blind annotator may see. */
      if (change->kind == CALQUE_KIND_ANNOTATION)
        about = g_object_ref (record);
      else if (change->kind == CALQUE_KIND_COMMENT)
        about = lookup (store, calque_record_get_string (record, "annotation"));
      else if (change->kind == CALQUE_KIND_CONFLICT)
        about = lookup (store, calque_record_get_string (record, "record"));

      if (calque_access_can_read (&session->access, record, about))
        g_ptr_array_add (visible, g_steal_pointer (&g_ptr_array_index (page, i)));
    }

  if (out_next)
    *out_next = after_seq;
  return g_steal_pointer (&visible);
}
