/* calque-access.h — who may read and write what
 *
 * The policy the server applies to every record it sends and every change
 * it is pushed, in one place and free of I/O: callers look up what the
 * decision needs (the session's role, the project's blind mode, the task an
 * annotation belongs to) and ask. DESIGN.md, "Permissions":
 *
 * - Every member reads the project; a viewer writes nothing.
 * - Owners and managers shape the project: its settings, labels, items,
 *   members and task assignments. A manager cannot grant, change or remove
 *   the owner role.
 * - An annotator writes annotations only on their own tasks, as
 *   themselves, and moves their own task from new to in_progress to
 *   submitted. Reviewers (and managers, owners) accept or reject submitted
 *   tasks, write reviews, and may edit any annotation.
 * - Comments: any member but a viewer writes one; authors edit their own;
 *   managers and owners may delete any; reviewers, managers and owners
 *   may also resolve or reopen any thread (its first comment's "resolved"
 *   alone), as a review closes the talk about a fix.
 * - Conflicts are the server's: nobody pushes them.
 * - Blind mode (a project whose items are annotated by several people): an
 *   annotator never receives another person's annotations, nor the
 *   comments and conflicts attached to them.
 */
#pragma once

#include "calque-change.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_ROLE_NONE,        /* not a member */
  CALQUE_ROLE_VIEWER,
  CALQUE_ROLE_ANNOTATOR,
  CALQUE_ROLE_REVIEWER,
  CALQUE_ROLE_MANAGER,
  CALQUE_ROLE_OWNER,
} CalqueRole;

CalqueRole  calque_role_from_string (const char *str);
const char *calque_role_to_string   (CalqueRole  role);

typedef struct {
  const char *user;
  CalqueRole  role;
  gboolean    blind;   /* the project's overlap is more than 1 */
} CalqueAccessContext;

/* Whether the session receives every record of its project, so that no
 * record need be looked at to decide: all but annotators of a blind
 * project. */
gboolean calque_access_reads_everything (const CalqueAccessContext *ctx);

/* Whether the session may receive @record. For an annotation, comment or
 * conflict in blind mode, @about is the annotation it concerns (for an
 * annotation, itself), or NULL if unknown (then refused in blind mode). */
gboolean calque_access_can_read  (const CalqueAccessContext *ctx,
                                  CalqueRecord              *record,
                                  CalqueRecord              *about);

/* Whether the session may push @change onto @current (NULL: it creates the
 * record). @task is the task an annotation belongs to (looked up from the
 * change or the stored record), or NULL. On refusal, @error says why in
 * words the person can act on (CALQUE_ACCESS_ERROR_FORBIDDEN). */
#define CALQUE_ACCESS_ERROR (calque_access_error_quark ())
typedef enum {
  CALQUE_ACCESS_ERROR_FORBIDDEN,
} CalqueAccessError;

GQuark   calque_access_error_quark (void);

gboolean calque_access_can_write (const CalqueAccessContext *ctx,
                                  CalqueRecord              *current,
                                  const CalqueChange        *change,
                                  CalqueRecord              *task,
                                  GError                   **error);

G_END_DECLS
