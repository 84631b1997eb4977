/* calque-sync-button.c — the header button that says how syncing goes
 *
 * Its icon tells at a glance whether the workspace is signed in, online,
 * offline or waiting for a new sign-in, with the number of changes not yet
 * on the server beside it. Its popover says the same in words, with the
 * server and the user, and offers what can be done about it: sign in or
 * out, sync now, see the refused changes and conflicts (win.* actions of
 * the window).
 */
#define G_LOG_DOMAIN "calque-sync-button"

#include <glib/gi18n-lib.h>

#include "calque-sync-button.h"

struct _CalqueSyncButton
{
  AdwBin             parent_instance;

  CalqueSyncManager *manager;

  /* Template children */
  GtkMenuButton     *menu_button;
  GtkImage          *state_icon;
  GtkLabel          *count_label;
  GtkLabel          *headline_label;
  GtkLabel          *detail_label;
  GtkLabel          *outbox_label;
  GtkButton         *problems_button;
  GtkButton         *sync_now_button;
  GtkButton         *sign_in_button;
  GtkButton         *sign_out_button;
};

G_DEFINE_FINAL_TYPE (CalqueSyncButton, calque_sync_button, ADW_TYPE_BIN)

static char *
describe_outbox (gint64   pending,
                 gboolean online)
{
  g_autofree char *count = NULL;

  if (pending == 0)
    return g_strdup (online ? _("Every change made here is on the server.")
                            : _("No change made here waits to be sent."));

  count = g_strdup_printf ("%" G_GINT64_FORMAT, pending);
  /* Translators: %s is a number of changes */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s change made here waits to be sent.",
                                       "%s changes made here wait to be sent.",
                                       (gulong) MIN (pending, G_MAXINT)), count);
}

static void
update (CalqueSyncButton *self)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *problems = NULL;
  g_autofree char *tooltip = NULL;
  CalqueSyncClientState state = CALQUE_SYNC_CLIENT_SIGNED_OUT;
  const char *headline;
  const char *icon;
  gboolean expired = FALSE;
  gint64 pending = 0;
  guint n_refused = 0;

  if (self->manager != NULL)
    {
      state = calque_sync_manager_get_state (self->manager);
      expired = calque_sync_manager_get_session_expired (self->manager);
      pending = calque_sync_manager_get_pending (self->manager);
      n_refused = calque_sync_manager_get_n_refused (self->manager);
      server = calque_sync_manager_dup_server (self->manager);
      user = calque_sync_manager_dup_user (self->manager);
    }

  switch (state)
    {
    case CALQUE_SYNC_CLIENT_ONLINE:
      headline = _("Online");
      icon = pending > 0 ? "emblem-synchronizing-symbolic" : "emblem-ok-symbolic";
      /* Translators: the first %s is a server address, the second a user name */
      detail = g_strdup_printf (_("Signed in to %s as %s. Changes are sent and received as they are made."),
                                server, user);
      break;

    case CALQUE_SYNC_CLIENT_CONNECTING:
      headline = _("Connecting…");
      icon = "emblem-synchronizing-symbolic";
      /* Translators: the first %s is a server address, the second a user name */
      detail = g_strdup_printf (_("Signed in to %s as %s."), server, user);
      break;

    case CALQUE_SYNC_CLIENT_OFFLINE:
      headline = _("Offline");
      icon = "network-offline-symbolic";
      /* Translators: %s is a server address */
      detail = g_strdup_printf (_("%s cannot be reached. Keep working: every change is saved here and "
                                  "sent when the connection comes back."), server);
      break;

    case CALQUE_SYNC_CLIENT_SIGNED_OUT:
    default:
      if (expired)
        {
          headline = _("Session Expired");
          icon = "dialog-password-symbolic";
          detail = g_strdup (_("The server ended your session. Sign in again to send your changes; "
                               "nothing made here is lost."));
        }
      else
        {
          headline = _("Not Signed In");
          icon = "avatar-default-symbolic";
          if (server != NULL)
            /* Translators: %s is a server address */
            detail = g_strdup_printf (_("Signed out of %s. Changes made here are kept, and sent when you "
                                        "sign in again."), server);
          else
            detail = g_strdup (_("Sign in to a Calque server to work on your team’s projects. Until then, "
                                 "everything stays on this computer."));
        }
      break;
    }

  outbox = describe_outbox (pending, state == CALQUE_SYNC_CLIENT_ONLINE);
  if (n_refused > 0)
    problems = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Refused Change…", "%u Refused Changes…",
                                             n_refused), n_refused);
  else
    problems = g_strdup (_("Conflicts and Refused Changes…"));

  gtk_image_set_from_icon_name (self->state_icon, n_refused > 0 ? "dialog-warning-symbolic" : icon);
  if (expired || n_refused > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "warning");

  if (pending > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, pending);

      gtk_label_set_text (self->count_label, count);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), pending > 0);

  gtk_label_set_text (self->headline_label, headline);
  gtk_label_set_text (self->detail_label, detail);
  gtk_label_set_text (self->outbox_label, outbox);
  gtk_button_set_label (self->problems_button, problems);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_button), server != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_now_button), state != CALQUE_SYNC_CLIENT_SIGNED_OUT);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), state == CALQUE_SYNC_CLIENT_SIGNED_OUT);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), state != CALQUE_SYNC_CLIENT_SIGNED_OUT);
  gtk_widget_set_sensitive (GTK_WIDGET (self->menu_button), self->manager != NULL);

  /* Translators: a tooltip: the sync state, then how many changes wait */
  tooltip = g_strdup_printf (C_("sync tooltip", "%s — %s"), headline, outbox);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
manager_changed_cb (CalqueSyncButton *self)
{
  update (self);
}

static void
calque_sync_button_dispose (GObject *object)
{
  CalqueSyncButton *self = CALQUE_SYNC_BUTTON (object);

  calque_sync_button_set_manager (self, NULL);
  /* AdwBin unparents its child itself: it must not be left holding one
   * the template already took away. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CALQUE_TYPE_SYNC_BUTTON);

  G_OBJECT_CLASS (calque_sync_button_parent_class)->dispose (object);
}

static void
calque_sync_button_class_init (CalqueSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_sync_button_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/calque/Calque/ui/calque-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, state_icon);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, count_label);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, headline_label);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, detail_label);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, problems_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, sync_now_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueSyncButton, sign_out_button);
}

static void
calque_sync_button_init (CalqueSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
calque_sync_button_new (void)
{
  return g_object_new (CALQUE_TYPE_SYNC_BUTTON, NULL);
}

void
calque_sync_button_set_manager (CalqueSyncButton  *self,
                                CalqueSyncManager *manager)
{
  g_return_if_fail (CALQUE_IS_SYNC_BUTTON (self));
  g_return_if_fail (manager == NULL || CALQUE_IS_SYNC_MANAGER (manager));

  if (self->manager == manager)
    return;

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  if (manager != NULL)
    {
      g_signal_connect_swapped (manager, "notify::state", G_CALLBACK (manager_changed_cb), self);
      g_signal_connect_swapped (manager, "notify::session-expired", G_CALLBACK (manager_changed_cb), self);
      g_signal_connect_swapped (manager, "notify::pending", G_CALLBACK (manager_changed_cb), self);
      g_signal_connect_swapped (manager, "notify::n-refused", G_CALLBACK (manager_changed_cb), self);
    }
  update (self);
}

const char *
calque_sync_button_get_headline (CalqueSyncButton *self)
{
  g_return_val_if_fail (CALQUE_IS_SYNC_BUTTON (self), NULL);

  return gtk_label_get_text (self->headline_label);
}
