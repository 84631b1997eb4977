/* calque-access.c — who may read and write what */
#define G_LOG_DOMAIN "calque-access"

#include "calque-access.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-access-error-quark, calque_access_error)

static const char *role_names[] = {
  [CALQUE_ROLE_NONE] = "none",
  [CALQUE_ROLE_VIEWER] = "viewer",
  [CALQUE_ROLE_ANNOTATOR] = "annotator",
  [CALQUE_ROLE_REVIEWER] = "reviewer",
  [CALQUE_ROLE_MANAGER] = "manager",
  [CALQUE_ROLE_OWNER] = "owner",
};

CalqueRole
calque_role_from_string (const char *str)
{
  for (guint i = CALQUE_ROLE_VIEWER; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (str, role_names[i]) == 0)
      return (CalqueRole) i;
  return CALQUE_ROLE_NONE;
}

const char *
calque_role_to_string (CalqueRole role)
{
  g_return_val_if_fail (role <= CALQUE_ROLE_OWNER, NULL);
  return role_names[role];
}

static gboolean
forbid (GError    **error,
        const char *message)
{
  g_set_error_literal (error, CALQUE_ACCESS_ERROR, CALQUE_ACCESS_ERROR_FORBIDDEN, message);
  return FALSE;
}

/* The value a field will have after @change: the change's if it sets it,
 * else the stored one. NULL if neither. */
static const char *
string_after (CalqueRecord       *current,
              const CalqueChange *change,
              const char         *field)
{
  JsonNode *node = json_object_get_member (change->set, field);

  if (node)
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node) : NULL;
  return current ? calque_record_get_string (current, field) : NULL;
}

static gboolean
sets_only (const CalqueChange *change,
           const char * const *allowed)
{
  JsonObjectIter iter;
  const char *field;
  JsonNode *value;

  json_object_iter_init (&iter, change->set);
  while (json_object_iter_next (&iter, &field, &value))
    if (!g_strv_contains (allowed, field))
      return FALSE;
  return !change->delete_record && !change->undelete;
}

static gboolean
can_write_member (const CalqueAccessContext *ctx,
                  CalqueRecord              *current,
                  const CalqueChange        *change,
                  GError                   **error)
{
  const char *old_role = current ? calque_record_get_string (current, "role") : NULL;
  const char *new_role = string_after (current, change, "role");

  if (ctx->role < CALQUE_ROLE_MANAGER)
    return forbid (error, _("only the project’s owners and managers add or change members"));
  if (ctx->role == CALQUE_ROLE_MANAGER
      && (g_strcmp0 (old_role, "owner") == 0 || g_strcmp0 (new_role, "owner") == 0))
    return forbid (error, _("only an owner can grant, change or remove the owner role"));
  return TRUE;
}

static gboolean
can_write_task (const CalqueAccessContext *ctx,
                CalqueRecord              *current,
                const CalqueChange        *change,
                GError                   **error)
{
  static const char * const state_fields[] = { "state", "updated", NULL };
  /* Annotators also keep the time they spend on their own tasks. */
  static const char * const annotator_fields[] = { "state", "updated", "active_ms", NULL };
  const char *from, *to;

  if (ctx->role >= CALQUE_ROLE_MANAGER)
    return TRUE;
  if (current == NULL
      || !sets_only (change, ctx->role == CALQUE_ROLE_ANNOTATOR ? annotator_fields : state_fields))
    return forbid (error, _("only the project’s owners and managers assign tasks"));

  from = calque_record_get_string (current, "state");
  to = string_after (current, change, "state");

  if (ctx->role == CALQUE_ROLE_REVIEWER)
    {
      if (g_strcmp0 (from, "submitted") == 0
          && (g_strcmp0 (to, "accepted") == 0 || g_strcmp0 (to, "rejected") == 0))
        return TRUE;
      return forbid (error, _("a reviewer accepts or rejects submitted tasks, and changes them no other way"));
    }

  if (ctx->role == CALQUE_ROLE_ANNOTATOR)
    {
      if (g_strcmp0 (calque_record_get_string (current, "annotator"), ctx->user) != 0)
        return forbid (error, _("this task is someone else’s"));
      /* Start, submit, or take a rejected task up again. Offline, starting
       * and submitting reach the server as one change (the outbox keeps
       * the latest value of a field): from new or rejected straight to
       * submitted is the same work. */
      if ((g_strcmp0 (from, "new") == 0 && g_strcmp0 (to, "in_progress") == 0)
          || (g_strcmp0 (from, "in_progress") == 0 && g_strcmp0 (to, "submitted") == 0)
          || (g_strcmp0 (from, "rejected") == 0 && g_strcmp0 (to, "in_progress") == 0)
          || ((g_strcmp0 (from, "new") == 0 || g_strcmp0 (from, "rejected") == 0)
              && g_strcmp0 (to, "submitted") == 0)
          || g_strcmp0 (from, to) == 0)
        return TRUE;
      return forbid (error, _("an annotator starts and submits their own tasks, and nothing more"));
    }

  return forbid (error, _("you cannot change tasks in this project"));
}

static gboolean
can_write_annotation (const CalqueAccessContext *ctx,
                      CalqueRecord              *current,
                      const CalqueChange        *change,
                      CalqueRecord              *task,
                      GError                   **error)
{
  if (ctx->role >= CALQUE_ROLE_REVIEWER)
    return TRUE;

  /* An annotator, from here on. */
  if (task == NULL || g_strcmp0 (calque_record_get_string (task, "annotator"), ctx->user) != 0)
    return forbid (error, _("you can annotate only the items of your own tasks"));
  if (current && g_strcmp0 (calque_record_get_string (current, "author"), ctx->user) != 0)
    return forbid (error, _("this annotation is someone else’s"));
  if (g_strcmp0 (string_after (current, change, "author"), ctx->user) != 0)
    return forbid (error, _("an annotation’s author must be you"));
  if (current && g_strcmp0 (string_after (current, change, "task"), calque_record_get_string (current, "task")) != 0)
    return forbid (error, _("an annotation cannot move to another task"));
  return TRUE;
}

static gboolean
can_write_comment (const CalqueAccessContext *ctx,
                   CalqueRecord              *current,
                   const CalqueChange        *change,
                   GError                   **error)
{
  const char *author = current ? calque_record_get_string (current, "author") : NULL;

  if (current == NULL)
    {
      if (g_strcmp0 (string_after (NULL, change, "author"), ctx->user) != 0)
        return forbid (error, _("a comment’s author must be you"));
      return TRUE;
    }
  if (g_strcmp0 (author, ctx->user) == 0 && g_strcmp0 (string_after (current, change, "author"), ctx->user) == 0)
    return TRUE;
  /* Moderation: a manager may remove a comment, never put words in it. */
  if (ctx->role >= CALQUE_ROLE_MANAGER && change->delete_record && json_object_get_size (change->set) == 0)
    return TRUE;
  /* Review: resolving or reopening a thread changes "resolved" and nothing else. */
  if (ctx->role >= CALQUE_ROLE_REVIEWER && !change->delete_record && json_object_get_size (change->set) == 1
      && json_object_has_member (change->set, "resolved"))
    return TRUE;
  return forbid (error, _("only its author edits a comment; owners and managers may delete it"));
}

gboolean
calque_access_can_write (const CalqueAccessContext *ctx,
                         CalqueRecord              *current,
                         const CalqueChange        *change,
                         CalqueRecord              *task,
                         GError                   **error)
{
  g_return_val_if_fail (ctx != NULL && change != NULL, FALSE);

  if (ctx->role == CALQUE_ROLE_NONE)
    return forbid (error, _("you are not a member of this project"));
  if (ctx->role == CALQUE_ROLE_VIEWER)
    return forbid (error, _("a viewer can look but not change anything"));

  switch (change->kind)
    {
    case CALQUE_KIND_PROJECT:
      if (current == NULL)
        return forbid (error, _("projects are created on the server, not by a push"));
      if (ctx->role < CALQUE_ROLE_MANAGER)
        return forbid (error, _("only the project’s owners and managers change its settings"));
      return TRUE;

    case CALQUE_KIND_MEMBER:
      return can_write_member (ctx, current, change, error);

    case CALQUE_KIND_LABEL:
    case CALQUE_KIND_ITEM:
      if (ctx->role < CALQUE_ROLE_MANAGER)
        return forbid (error, _("only the project’s owners and managers change its labels and items"));
      return TRUE;

    case CALQUE_KIND_TASK:
      return can_write_task (ctx, current, change, error);

    case CALQUE_KIND_ANNOTATION:
      return can_write_annotation (ctx, current, change, task, error);

    case CALQUE_KIND_COMMENT:
      return can_write_comment (ctx, current, change, error);

    case CALQUE_KIND_REVIEW:
      if (ctx->role < CALQUE_ROLE_REVIEWER)
        return forbid (error, _("only reviewers, managers and owners write reviews"));
      return TRUE;

    case CALQUE_KIND_CONFLICT:
    default:
      return forbid (error, _("conflicts are recorded by the server only"));
    }
}

gboolean
calque_access_reads_everything (const CalqueAccessContext *ctx)
{
  /* Blind mode keeps annotators independent of each other; everyone else
   * sees everything of the project. */
  return ctx->role != CALQUE_ROLE_NONE && (!ctx->blind || ctx->role != CALQUE_ROLE_ANNOTATOR);
}

gboolean
calque_access_can_read (const CalqueAccessContext *ctx,
                        CalqueRecord              *record,
                        CalqueRecord              *about)
{
  g_return_val_if_fail (ctx != NULL && CALQUE_IS_RECORD (record), FALSE);

  if (ctx->role == CALQUE_ROLE_NONE)
    return FALSE;
  if (calque_access_reads_everything (ctx))
    return TRUE;

  switch (calque_record_get_kind (record))
    {
    case CALQUE_KIND_ANNOTATION:
      /* A model's predictions are a starting point for everyone, not
       * another annotator's judgement. */
      return g_strcmp0 (calque_record_get_string (record, "author"), ctx->user) == 0
             || calque_author_is_model (calque_record_get_string (record, "author"));

    case CALQUE_KIND_COMMENT:
      /* A comment on an item is for everyone; one on an annotation is as
       * private as the annotation. */
      if (!calque_record_has_field (record, "annotation"))
        return TRUE;
      return about != NULL && g_strcmp0 (calque_record_get_string (about, "author"), ctx->user) == 0;

    case CALQUE_KIND_CONFLICT:
      if (about == NULL)
        return FALSE;
      if (calque_record_get_kind (about) != CALQUE_KIND_ANNOTATION)
        return TRUE;
      return g_strcmp0 (calque_record_get_string (about, "author"), ctx->user) == 0;

    default:
      return TRUE;
    }
}
