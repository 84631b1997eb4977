/* calque-sync-manager.c — keeps a whole workspace in sync, for the app */
#define G_LOG_DOMAIN "calque-sync-manager"

#include "calque-sync-manager.h"

#include <glib/gi18n-lib.h>

#include "calque-session.h"
#include "calque-store-sync.h"

/* After the server could not say which projects are the user's, it is
 * asked again this often; once it has said, this often, so that projects
 * the user joined since show up without a restart. */
#define RELIST_AFTER_FAILURE_S 30
#define RELIST_EVERY_S         300

struct _CalqueSyncManager
{
  GObject               parent_instance;

  CalqueWorkspace      *workspace;
  CalqueStore          *store;           /* the workspace's */

  gboolean              running;
  gboolean              session_expired;
  GHashTable           *clients;         /* project id → CalqueSyncClient */
  GCancellable         *listing;         /* a list of projects being asked for */
  gboolean              list_failed;     /* the last listing got no answer */
  guint                 relist_id;

  CalqueSyncClientState state;
  gint64                pending;
  guint                 n_refused;

  char                 *presence_project; /* where the person is, for every client */
  char                 *presence_item;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_SESSION_EXPIRED,
  PROP_PENDING,
  PROP_N_REFUSED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { RECORDS_CHANGED, REFUSED, MEDIA_FETCHED, PRESENCE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueSyncManager, calque_sync_manager, G_TYPE_OBJECT)

G_DEFINE_QUARK (calque-sync-manager-error-quark, calque_sync_manager_error)

static void list_projects (CalqueSyncManager *self);

/* --- the sums ------------------------------------------------------------------ */

static gboolean
signed_in (CalqueSyncManager *self)
{
  g_autofree char *token = calque_store_get_setting (self->store, "token");

  return token != NULL && !self->session_expired;
}

static void
update_state (CalqueSyncManager *self)
{
  CalqueSyncClientState state;

  if (!signed_in (self) || !self->running)
    state = CALQUE_SYNC_CLIENT_SIGNED_OUT;
  else if (g_hash_table_size (self->clients) == 0)
    state = self->listing != NULL ? CALQUE_SYNC_CLIENT_CONNECTING
          : self->list_failed ? CALQUE_SYNC_CLIENT_OFFLINE
          : CALQUE_SYNC_CLIENT_ONLINE;
  else
    {
      GHashTableIter iter;
      gpointer client;
      gboolean all_online = TRUE;
      gboolean any_connecting = FALSE;

      g_hash_table_iter_init (&iter, self->clients);
      while (g_hash_table_iter_next (&iter, NULL, &client))
        {
          CalqueSyncClientState one = calque_sync_client_get_state (client);

          all_online &= one == CALQUE_SYNC_CLIENT_ONLINE;
          any_connecting |= one == CALQUE_SYNC_CLIENT_CONNECTING;
        }
      state = all_online ? CALQUE_SYNC_CLIENT_ONLINE
            : any_connecting ? CALQUE_SYNC_CLIENT_CONNECTING
            : CALQUE_SYNC_CLIENT_OFFLINE;
    }

  if (state == self->state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
count_outbox (CalqueSyncManager *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  gint64 pending = calque_store_get_outbox_size (self->store, &error);

  if (pending < 0)
    {
      g_debug ("cannot count the outbox: %s", error->message);
      return;
    }
  if (pending != self->pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }

  refused = calque_store_list_refused (self->store, NULL);
  if (refused != NULL && refused->len != self->n_refused)
    {
      self->n_refused = refused->len;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REFUSED]);
    }
}

/* --- the clients ------------------------------------------------------------ */

/* A client stopped: whoever it said was there is not known to be any more. */
static void
client_gone (CalqueSyncManager *self,
             const char        *project_id,
             CalqueSyncClient  *client)
{
  g_signal_handlers_disconnect_by_data (client, self);
  calque_sync_client_stop (client);
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, project_id);
}

static void
stop_clients (CalqueSyncManager *self)
{
  g_autoptr(GHashTable) clients = g_steal_pointer (&self->clients);
  GHashTableIter iter;
  gpointer project_id, client;

  /* Emptied first: a handler of presence-changed finds no client left. */
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &project_id, &client))
    client_gone (self, project_id, client);
}

/* The item of @project_id the person is on, or NULL. */
static const char *
presence_in (CalqueSyncManager *self,
             const char        *project_id)
{
  return g_strcmp0 (project_id, self->presence_project) == 0 ? self->presence_item : NULL;
}

static void
session_over (CalqueSyncManager *self)
{
  g_autoptr(GError) error = NULL;

  g_debug ("the server ended the session");
  stop_clients (self);
  g_cancellable_cancel (self->listing);
  g_clear_handle_id (&self->relist_id, g_source_remove);

  /* The token is no use any more; the server and user stay, to sign in
   * again with, and so does the outbox. */
  if (!calque_store_set_setting (self->store, "token", NULL, &error))
    g_warning ("cannot forget the expired session: %s", error->message);
  if (!self->session_expired)
    {
      self->session_expired = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_EXPIRED]);
    }
  update_state (self);
}

static void
client_state_changed_cb (CalqueSyncClient  *client,
                         GParamSpec        *pspec,
                         CalqueSyncManager *self)
{
  if (calque_sync_client_get_state (client) == CALQUE_SYNC_CLIENT_SIGNED_OUT)
    {
      session_over (self);
      return;
    }
  /* Back online: whatever was saved meanwhile is on its way. */
  count_outbox (self);
  update_state (self);
  /* Presence is known only while online (calque_sync_manager_get_presence()). */
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, g_object_get_data (G_OBJECT (client), "calque-project"));
}

static void
client_records_changed_cb (CalqueSyncClient  *client,
                           char             **ids,
                           CalqueSyncManager *self)
{
  const char *project_id = g_object_get_data (G_OBJECT (client), "calque-project");

  g_signal_emit (self, signals[RECORDS_CHANGED], 0, project_id, ids);
}

static void
client_refused_cb (CalqueSyncClient  *client,
                   guint64            op_no,
                   const char        *code,
                   const char        *message,
                   CalqueSyncManager *self)
{
  count_outbox (self);
  g_signal_emit (self, signals[REFUSED], 0, op_no, code, message);
}

static void
client_media_fetched_cb (CalqueSyncClient  *client,
                         const char        *sha256,
                         CalqueSyncManager *self)
{
  g_signal_emit (self, signals[MEDIA_FETCHED], 0, sha256);
}

static void
client_outbox_changed_cb (CalqueSyncClient  *client,
                          CalqueSyncManager *self)
{
  count_outbox (self);
}

static void
client_presence_changed_cb (CalqueSyncClient  *client,
                            CalqueSyncManager *self)
{
  const char *project_id = g_object_get_data (G_OBJECT (client), "calque-project");

  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, project_id);
}

/* Runs a client for each of @project_ids, and stops those of projects
 * that are not among them any more. */
static void
run_clients (CalqueSyncManager *self,
             GPtrArray         *project_ids)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *server = calque_store_get_setting (self->store, "server");
  g_autofree char *token = calque_store_get_setting (self->store, "token");
  GHashTableIter iter;
  gpointer key, client;

  if (server == NULL || token == NULL)
    return;

  for (guint i = 0; i < project_ids->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (project_ids, i));

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &key, &client))
    if (!g_hash_table_contains (wanted, key))
      {
        g_autoptr(CalqueSyncClient) gone = g_object_ref (client);
        g_autofree char *project_id = g_strdup (key);

        g_hash_table_iter_remove (&iter);
        client_gone (self, project_id, gone);
      }

  for (guint i = 0; i < project_ids->len; i++)
    {
      const char *project_id = g_ptr_array_index (project_ids, i);
      CalqueSyncClient *added;

      if (g_hash_table_contains (self->clients, project_id))
        continue;
      added = calque_sync_client_new (self->store, server, token, project_id);
      g_object_set_data_full (G_OBJECT (added), "calque-project", g_strdup (project_id), g_free);
      calque_sync_client_set_blob_cache (added, calque_workspace_get_blobs (self->workspace));
      g_signal_connect (added, "notify::state", G_CALLBACK (client_state_changed_cb), self);
      g_signal_connect (added, "records-changed", G_CALLBACK (client_records_changed_cb), self);
      g_signal_connect (added, "refused", G_CALLBACK (client_refused_cb), self);
      g_signal_connect (added, "outbox-changed", G_CALLBACK (client_outbox_changed_cb), self);
      g_signal_connect (added, "media-fetched", G_CALLBACK (client_media_fetched_cb), self);
      g_signal_connect (added, "presence-changed", G_CALLBACK (client_presence_changed_cb), self);
      calque_sync_client_set_presence (added, presence_in (self, project_id));
      g_hash_table_insert (self->clients, g_strdup (project_id), added);
      calque_sync_client_start (added);
    }
  update_state (self);
}

static gboolean
relist_cb (gpointer user_data)
{
  CalqueSyncManager *self = user_data;

  self->relist_id = 0;
  list_projects (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_relist (CalqueSyncManager *self,
                 guint              seconds)
{
  g_clear_handle_id (&self->relist_id, g_source_remove);
  self->relist_id = g_timeout_add_seconds (seconds, relist_cb, self);
}

static void
projects_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CalqueSyncManager *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = calque_session_list_projects_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->listing);

  if (ids == NULL && g_error_matches (error, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_SIGNED_OUT))
    {
      session_over (self);
      g_object_unref (self);
      return;
    }

  if (ids == NULL)
    {
      /* Offline: keep up the projects pulled before; their clients retry on
       * their own, and the list is asked for again later. */
      g_autoptr(GError) store_error = NULL;

      g_debug ("cannot list the projects: %s", error->message);
      self->list_failed = TRUE;
      ids = calque_store_list_synced_projects (self->store, &store_error);
      if (ids == NULL)
        g_warning ("cannot read which projects were synced: %s", store_error->message);
      schedule_relist (self, RELIST_AFTER_FAILURE_S);
    }
  else
    {
      self->list_failed = FALSE;
      schedule_relist (self, RELIST_EVERY_S);
    }

  if (ids != NULL && self->running)
    run_clients (self, ids);
  update_state (self);
  g_object_unref (self);
}

static void
list_projects (CalqueSyncManager *self)
{
  g_autofree char *server = calque_store_get_setting (self->store, "server");
  g_autofree char *token = calque_store_get_setting (self->store, "token");

  if (!self->running || server == NULL || token == NULL || self->listing != NULL)
    return;

  self->listing = g_cancellable_new ();
  calque_session_list_projects (server, token, self->listing, projects_listed_cb, g_object_ref (self));
  update_state (self);
}

/* --- signing in ----------------------------------------------------------------- */

typedef struct
{
  char *server;
  char *user;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->server);
  g_free (sign_in->user);
  g_free (sign_in);
}

/* Signing in elsewhere or as someone else would mix two servers' records
 * in one workspace, or send one person's changes under another's name. */
gboolean
calque_sync_manager_check_sign_in (CalqueStore  *store,
                                   const char   *server,
                                   const char   *user,
                                   GError      **error)
{
  g_autofree char *old_server = calque_store_get_setting (store, "server");
  g_autofree char *old_user = calque_store_get_setting (store, "user");
  g_autoptr(GPtrArray) synced = calque_store_list_synced_projects (store, NULL);
  gint64 pending = calque_store_get_outbox_size (store, NULL);

  if (old_server != NULL && g_strcmp0 (old_server, server) != 0 && synced != NULL && synced->len > 0)
    {
      g_set_error (error, CALQUE_SYNC_MANAGER_ERROR, CALQUE_SYNC_MANAGER_ERROR_OTHER_SERVER,
                   _("This workspace is synced with %s. To work with %s, open a new workspace."),
                   old_server, server);
      return FALSE;
    }
  if (old_user != NULL && g_strcmp0 (old_user, user) != 0 && pending > 0)
    {
      g_set_error (error, CALQUE_SYNC_MANAGER_ERROR, CALQUE_SYNC_MANAGER_ERROR_OTHER_USER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A change made by %s has not been sent yet. Sign in as %s to send it first.",
                                "Changes made by %s have not been sent yet. Sign in as %s to send them first.",
                                (gulong) MIN (pending, G_MAXINT)),
                   old_user, old_user);
      return FALSE;
    }
  return TRUE;
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CalqueSyncManager *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = calque_session_sign_in_finish (result, &error);

  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  calque_sync_manager_stop (self);
  if (!calque_store_set_setting (self->store, "server", sign_in->server, &error)
      || !calque_store_set_setting (self->store, "user", sign_in->user, &error)
      || !calque_store_set_setting (self->store, "token", token, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->session_expired)
    {
      self->session_expired = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_EXPIRED]);
    }
  calque_sync_manager_start (self);
  g_task_return_boolean (task, TRUE);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Forgotten here all the same; the token runs out on the server on its own. */
  if (!calque_session_sign_out_finish (result, &error))
    g_debug ("the server could not be told of the sign-out: %s", error->message);
}

/* --- GObject ---------------------------------------------------------------------- */

static void
calque_sync_manager_dispose (GObject *object)
{
  CalqueSyncManager *self = CALQUE_SYNC_MANAGER (object);

  self->running = FALSE;
  if (self->clients != NULL)
    stop_clients (self);
  g_cancellable_cancel (self->listing);
  g_clear_handle_id (&self->relist_id, g_source_remove);

  G_OBJECT_CLASS (calque_sync_manager_parent_class)->dispose (object);
}

static void
calque_sync_manager_finalize (GObject *object)
{
  CalqueSyncManager *self = CALQUE_SYNC_MANAGER (object);

  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_object (&self->listing);
  g_clear_object (&self->workspace);
  g_free (self->presence_project);
  g_free (self->presence_item);

  G_OBJECT_CLASS (calque_sync_manager_parent_class)->finalize (object);
}

static void
calque_sync_manager_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CalqueSyncManager *self = CALQUE_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_SESSION_EXPIRED:
      g_value_set_boolean (value, self->session_expired);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_N_REFUSED:
      g_value_set_uint (value, self->n_refused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_sync_manager_class_init (CalqueSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_sync_manager_dispose;
  object_class->finalize = calque_sync_manager_finalize;
  object_class->get_property = calque_sync_manager_get_property;

  /* A CalqueSyncClientState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CALQUE_SYNC_CLIENT_OFFLINE, CALQUE_SYNC_CLIENT_SIGNED_OUT,
                      CALQUE_SYNC_CLIENT_SIGNED_OUT,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SESSION_EXPIRED] =
    g_param_spec_boolean ("session-expired", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_REFUSED] =
    g_param_spec_uint ("n-refused", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CalqueSyncManager::records-changed:
   * @project_id: the project
   * @ids: the records that changes from the server touched
   */
  signals[RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRV);
  /**
   * CalqueSyncManager::refused:
   *
   * As CalqueSyncClient::refused, for any project.
   */
  /**
   * CalqueSyncManager::media-fetched:
   * @sha256: media of an item assigned to the signed-in person, now in the
   *   workspace's blob cache
   */
  signals[MEDIA_FETCHED] =
    g_signal_new ("media-fetched", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * CalqueSyncManager::presence-changed:
   * @project_id: the project
   *
   * calque_sync_manager_get_presence() for @project_id is worth reading
   * again: someone came, went or moved, or the project's client stopped.
   */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
calque_sync_manager_init (CalqueSyncManager *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->state = CALQUE_SYNC_CLIENT_SIGNED_OUT;
}

/* --- public API ---------------------------------------------------------------- */

CalqueSyncManager *
calque_sync_manager_new (CalqueWorkspace *workspace)
{
  CalqueSyncManager *self;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);

  self = g_object_new (CALQUE_TYPE_SYNC_MANAGER, NULL);
  self->workspace = g_object_ref (workspace);
  self->store = calque_workspace_get_store (workspace);
  count_outbox (self);
  return self;
}

void
calque_sync_manager_start (CalqueSyncManager *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  if (self->running || !signed_in (self))
    return;
  self->running = TRUE;
  list_projects (self);
  update_state (self);
}

void
calque_sync_manager_stop (CalqueSyncManager *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  self->running = FALSE;
  stop_clients (self);
  g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  g_clear_handle_id (&self->relist_id, g_source_remove);
  update_state (self);
}

void
calque_sync_manager_refresh (CalqueSyncManager *self)
{
  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  list_projects (self);
  calque_sync_manager_saved (self);
}

void
calque_sync_manager_saved (CalqueSyncManager *self)
{
  GHashTableIter iter;
  gpointer client;

  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    calque_sync_client_push_now (client);
  count_outbox (self);
}

CalqueSyncClientState
calque_sync_manager_get_state (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), CALQUE_SYNC_CLIENT_SIGNED_OUT);

  return self->state;
}

gboolean
calque_sync_manager_get_session_expired (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), FALSE);

  return self->session_expired;
}

gint64
calque_sync_manager_get_pending (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), 0);

  return self->pending;
}

guint
calque_sync_manager_get_n_refused (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), 0);

  return self->n_refused;
}

char *
calque_sync_manager_dup_server (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), NULL);

  return calque_store_get_setting (self->store, "server");
}

char *
calque_sync_manager_dup_user (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), NULL);

  return calque_store_get_setting (self->store, "user");
}

CalqueWorkspace *
calque_sync_manager_get_workspace (CalqueSyncManager *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), NULL);

  return self->workspace;
}

void
calque_sync_manager_set_presence (CalqueSyncManager *self,
                                  const char        *project_id,
                                  const char        *item_id)
{
  g_autofree char *project = NULL;
  g_autofree char *item = NULL;
  GHashTableIter iter;
  gpointer key, client;

  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  if (project_id == NULL || item_id == NULL)
    project_id = item_id = NULL;
  /* Copied before the old values go: they may be these very strings. */
  project = g_strdup (project_id);
  item = g_strdup (item_id);
  g_free (self->presence_project);
  self->presence_project = g_steal_pointer (&project);
  g_free (self->presence_item);
  self->presence_item = g_steal_pointer (&item);

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &key, &client))
    calque_sync_client_set_presence (client, presence_in (self, key));
}

GPtrArray *
calque_sync_manager_get_presence (CalqueSyncManager *self,
                                  const char        *project_id)
{
  CalqueSyncClient *client;

  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), NULL);

  client = project_id != NULL ? g_hash_table_lookup (self->clients, project_id) : NULL;
  if (client == NULL || calque_sync_client_get_state (client) != CALQUE_SYNC_CLIENT_ONLINE)
    return NULL;
  return calque_sync_client_get_presence (client);
}

gboolean
calque_sync_manager_dismiss_refused (CalqueSyncManager  *self,
                                     guint64             op_no,
                                     GError            **error)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (self), FALSE);

  if (!calque_store_dismiss_refused (self->store, op_no, error))
    return FALSE;
  count_outbox (self);
  return TRUE;
}

void
calque_sync_manager_sign_in (CalqueSyncManager  *self,
                             const char         *server,
                             const char         *user,
                             const char         *password,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  SignIn *sign_in;

  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));
  g_return_if_fail (server != NULL && user != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, calque_sync_manager_sign_in);

  base = calque_session_normalize_server (server, &error);
  name = g_strstrip (g_strdup (user));
  if (base == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (name[0] == '\0')
    {
      g_task_return_new_error (task, CALQUE_SESSION_ERROR, CALQUE_SESSION_ERROR_CREDENTIALS,
                               _("Give your user name"));
      return;
    }
  if (!calque_sync_manager_check_sign_in (self->store, base, name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->server = g_steal_pointer (&base);
  sign_in->user = g_steal_pointer (&name);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  calque_session_sign_in (sign_in->server, sign_in->user, password, cancellable, signed_in_cb,
                          g_steal_pointer (&task));
}

gboolean
calque_sync_manager_sign_in_finish (CalqueSyncManager  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
calque_sync_manager_sign_out (CalqueSyncManager *self)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CALQUE_IS_SYNC_MANAGER (self));

  calque_sync_manager_stop (self);
  server = calque_store_get_setting (self->store, "server");
  token = calque_store_get_setting (self->store, "token");
  if (server != NULL && token != NULL)
    calque_session_sign_out (server, token, NULL, signed_out_cb, NULL);
  if (!calque_store_set_setting (self->store, "token", NULL, &error))
    g_warning ("cannot forget the session: %s", error->message);
  if (self->session_expired)
    {
      self->session_expired = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_EXPIRED]);
    }
  update_state (self);
}
