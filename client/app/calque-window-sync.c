/* calque-window-sync.c — the window's side of syncing
 *
 * Each window syncs the workspace it shows with a CalqueSyncManager: the
 * sync button in the sidebar's header says how it goes; the actions sign
 * in and out, sync now and open the list of conflicts and refused
 * changes; what comes in from the server reloads the lists live (keeping
 * the selection and the scroll position); and a toast tells of every
 * refusal, of conflicts made as edits clash, and of a session the server
 * ended — nothing is dropped silently.
 */
#define G_LOG_DOMAIN "calque-window"

#include <glib/gi18n-lib.h>

#include "calque-sign-in-dialog.h"
#include "calque-store-sync.h"
#include "calque-sync-problems-dialog.h"
#include "calque-window-private.h"

/* Changes stream in by the thousand during a pull: the lists are read
 * again once the burst has settled, not once per frame. */
#define RELOAD_DELAY_MS 200

/* More records than this in one batch is a pull catching up, not live work. */
#define LIVE_BATCH_MAX 100

/* A conflict younger than this is news; older ones come with a first pull. */
#define RECENT_CONFLICT_MS (10 * 60 * 1000)

static void
update_actions (CalqueWindow *self)
{
  CalqueSyncClientState state = self->sync != NULL ? calque_sync_manager_get_state (self->sync)
                                                    : CALQUE_SYNC_CLIENT_SIGNED_OUT;
  gboolean signed_in = state != CALQUE_SYNC_CLIENT_SIGNED_OUT;
  GActionMap *map = G_ACTION_MAP (self);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "sign-in")),
                               self->sync != NULL && !signed_in);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "sign-out")), signed_in);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "sync-now")), signed_in);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "show-sync-problems")),
                               self->sync != NULL);
  gtk_widget_set_visible (self->no_projects_sign_in_button, self->sync != NULL && !signed_in);
}

static gboolean
reload_cb (gpointer user_data)
{
  CalqueWindow *self = user_data;

  self->reload_id = 0;
  /* Changes that came in, not the person's reload: the filter's sets,
   * which read the whole project, may wait a little (calque-window-filter.c). */
  self->live_reload = TRUE;
  calque_window_reload (self);
  self->live_reload = FALSE;
  return G_SOURCE_REMOVE;
}

static void
sync_records_changed_cb (CalqueWindow *self,
                         const char   *project_id,
                         char        **ids)
{
  CalqueStore *store;
  gint64 now_ms;
  guint clashes = 0;

  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
  /* The item open in the canvas shows a teammate's edit at once. */
  _calque_window_item_reload (self, (const char * const *) ids);

  /* Conflicts made just now. A page of a first pull is old work, not news:
   * looking each of its records up would only slow the pull down. */
  if (g_strv_length (ids) > LIVE_BATCH_MAX)
    {
      _calque_window_notify_reset (self);
      return;
    }
  _calque_window_notify (self, project_id, (const char * const *) ids);
  store = calque_workspace_get_store (self->workspace);
  now_ms = g_get_real_time () / 1000;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(CalqueRecord) record = calque_store_get (store, ids[i], NULL);

      if (record != NULL && calque_record_get_kind (record) == CALQUE_KIND_CONFLICT
          && now_ms - calque_record_get_int (record, "created", 0) < RECENT_CONFLICT_MS)
        clashes++;
    }

  if (clashes > 0)
    {
      g_autofree char *title = NULL;
      AdwToast *toast;

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Two edits of the same field clashed; one value was kept",
                                            "%u edits clashed with others made at the same time",
                                            clashes), clashes);
      toast = adw_toast_new (title);
      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-sync-problems");
      adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void
refused_toast_dismissed_cb (CalqueWindow *self)
{
  self->refused_toast = NULL;
  self->n_refused_toast = 0;
}

/* One toast counts the refusals of a burst rather than a toast for each. */
static void
sync_refused_cb (CalqueWindow *self)
{
  g_autofree char *title = NULL;

  self->n_refused_toast++;
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "The server refused a change; it was undone",
                                        "The server refused %u changes; they were undone",
                                        self->n_refused_toast), self->n_refused_toast);
  if (self->refused_toast != NULL)
    {
      adw_toast_set_title (self->refused_toast, title);
      return;
    }

  self->refused_toast = adw_toast_new (title);
  adw_toast_set_button_label (self->refused_toast, _("_Show"));
  adw_toast_set_action_name (self->refused_toast, "win.show-sync-problems");
  adw_toast_set_timeout (self->refused_toast, 0);
  g_signal_connect_object (self->refused_toast, "dismissed", G_CALLBACK (refused_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, self->refused_toast);

  /* The reload puts the undone values back on screen. */
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

/* Media just downloaded: its thumbnail can be made now, and the open
 * item, if it waited for it, can show its image. */
static void
sync_media_fetched_cb (CalqueWindow *self,
                       const char   *sha256)
{
  g_autoptr(GError) error = NULL;
  CalqueThumbnailCache *thumbnails = calque_workspace_get_thumbnails (self->workspace, &error);
  CalqueRecord *open = _calque_window_item_get_open (self);

  if (thumbnails != NULL)
    calque_thumbnail_cache_forget (thumbnails, sha256);
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
  if (open != NULL && g_strcmp0 (calque_record_get_string (open, "sha256"), sha256) == 0)
    _calque_window_item_reopen (self);
}

static void
sync_session_expired_cb (CalqueWindow *self)
{
  AdwToast *toast;

  update_actions (self);
  if (!calque_sync_manager_get_session_expired (self->sync))
    return;

  toast = adw_toast_new (_("Your session has ended. Sign in again to send your changes."));
  adw_toast_set_button_label (toast, _("_Sign In…"));
  adw_toast_set_action_name (toast, "win.sign-in");
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
sign_in_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CalqueWindow *self = user_data;

  if (self->sync == NULL)
    return;
  gtk_window_present (GTK_WINDOW (calque_sign_in_dialog_new (GTK_WINDOW (self), self->sync)));
}

static void
sign_out_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CalqueWindow *self = user_data;
  g_autofree char *title = NULL;
  gint64 pending;

  if (self->sync == NULL)
    return;
  pending = calque_sync_manager_get_pending (self->sync);
  calque_sync_manager_sign_out (self->sync);

  if (pending > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, pending);

      /* Translators: %s is a number of changes */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Signed out; %s change stays here until you sign in again",
                                            "Signed out; %s changes stay here until you sign in again",
                                            (gulong) MIN (pending, G_MAXINT)), count);
    }
  else
    title = g_strdup (_("Signed out"));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
sync_now_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CalqueWindow *self = user_data;

  if (self->sync != NULL)
    calque_sync_manager_refresh (self->sync);
}

static void
show_sync_problems_activated_cb (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  CalqueWindow *self = user_data;

  if (self->sync == NULL)
    return;
  if (self->refused_toast != NULL)
    adw_toast_dismiss (self->refused_toast);
  gtk_window_present (GTK_WINDOW (calque_sync_problems_dialog_new (GTK_WINDOW (self), self->sync)));
}

static const GActionEntry sync_actions[] = {
  { .name = "sign-in", .activate = sign_in_activated_cb },
  { .name = "sign-out", .activate = sign_out_activated_cb },
  { .name = "sync-now", .activate = sync_now_activated_cb },
  { .name = "show-sync-problems", .activate = show_sync_problems_activated_cb },
};

void
_calque_window_sync_init (CalqueWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), sync_actions, G_N_ELEMENTS (sync_actions), self);
  update_actions (self);
}

void
_calque_window_sync_set_workspace (CalqueWindow    *self,
                                   CalqueWorkspace *workspace)
{
  if (self->sync != NULL && workspace != NULL && calque_sync_manager_get_workspace (self->sync) == workspace)
    return;

  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      calque_sync_manager_stop (self->sync);
      g_clear_object (&self->sync);
    }
  g_clear_handle_id (&self->reload_id, g_source_remove);

  if (workspace != NULL)
    {
      self->sync = calque_sync_manager_new (workspace);
      g_signal_connect_swapped (self->sync, "records-changed", G_CALLBACK (sync_records_changed_cb), self);
      g_signal_connect_swapped (self->sync, "refused", G_CALLBACK (sync_refused_cb), self);
      g_signal_connect_swapped (self->sync, "media-fetched", G_CALLBACK (sync_media_fetched_cb), self);
      g_signal_connect_swapped (self->sync, "notify::session-expired", G_CALLBACK (sync_session_expired_cb),
                                self);
      g_signal_connect_swapped (self->sync, "notify::state", G_CALLBACK (update_actions), self);
      calque_sync_manager_start (self->sync);
    }

  calque_sync_button_set_manager (self->sync_button, self->sync);
  if (self->item_sync_button != NULL)
    calque_sync_button_set_manager (CALQUE_SYNC_BUTTON (self->item_sync_button), self->sync);
  _calque_window_presence_set_manager (self);
  update_actions (self);
}

void
_calque_window_sync_refresh (CalqueWindow *self)
{
  if (self->sync != NULL)
    calque_sync_manager_refresh (self->sync);
}

void
_calque_window_sync_dispose (CalqueWindow *self)
{
  if (self->sync_button != NULL)
    calque_sync_button_set_manager (self->sync_button, NULL);
  if (self->item_sync_button != NULL)
    calque_sync_button_set_manager (CALQUE_SYNC_BUTTON (self->item_sync_button), NULL);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      calque_sync_manager_stop (self->sync);
      g_clear_object (&self->sync);
    }
  g_clear_handle_id (&self->reload_id, g_source_remove);
}

CalqueSyncManager *
calque_window_get_sync_manager (CalqueWindow *self)
{
  g_return_val_if_fail (CALQUE_IS_WINDOW (self), NULL);

  return self->sync;
}
