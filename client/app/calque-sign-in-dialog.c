/* calque-sign-in-dialog.c — asks for a server, a user name and a password
 *
 * The fields start from what the workspace remembers (the server and the
 * user of the last session), so that signing in again after a session
 * expired is only the password. Signing in runs in the background: the
 * dialog shows a spinner, keeps the fields while it waits, and shows the
 * error under them when it fails.
 */
#define G_LOG_DOMAIN "calque-sign-in-dialog"

#include <glib/gi18n-lib.h>

#include "calque-sign-in-dialog.h"

struct _CalqueSignInDialog
{
  AdwWindow          parent_instance;

  CalqueSyncManager *manager;
  GCancellable      *cancellable;   /* a sign-in under way */

  /* Template children */
  AdwEntryRow       *server_row;
  AdwEntryRow       *user_row;
  AdwEntryRow       *password_row;
  GtkButton         *sign_in_button;
  GtkSpinner        *spinner;
  GtkLabel          *error_label;
};

G_DEFINE_FINAL_TYPE (CalqueSignInDialog, calque_sign_in_dialog, ADW_TYPE_WINDOW)

static gboolean
filled_in (CalqueSignInDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->server_row))[0] != '\0'
         && gtk_editable_get_text (GTK_EDITABLE (self->user_row))[0] != '\0'
         && gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0';
}

static void
set_busy (CalqueSignInDialog *self,
          gboolean            busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  /* A focused entry made insensitive never hears that it lost the focus. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy && filled_in (self));
}

static void
show_error (CalqueSignInDialog *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CalqueSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!calque_sync_manager_sign_in_finish (CALQUE_SYNC_MANAGER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->cancellable);
      set_busy (self, FALSE);
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  g_clear_object (&self->cancellable);
  gtk_window_close (GTK_WINDOW (self));
}

static void
sign_in (CalqueSignInDialog *self)
{
  if (self->cancellable != NULL || !filled_in (self))
    return;

  show_error (self, NULL);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  calque_sync_manager_sign_in (self->manager,
                               gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                               gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
                               gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                               self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
sign_in_clicked_cb (CalqueSignInDialog *self)
{
  sign_in (self);
}

static void
cancel_clicked_cb (CalqueSignInDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
entry_changed_cb (CalqueSignInDialog *self)
{
  if (self->cancellable == NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), filled_in (self));
}

/* Enter moves on to the next empty field, and signs in from the last. */
static void
entry_activated_cb (CalqueSignInDialog *self,
                    AdwEntryRow        *row)
{
  AdwEntryRow *rows[] = { self->server_row, self->user_row, self->password_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (gtk_editable_get_text (GTK_EDITABLE (rows[i]))[0] == '\0')
      {
        gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
        return;
      }
  sign_in (self);
}

static gboolean
calque_sign_in_dialog_close_request (GtkWindow *window)
{
  CalqueSignInDialog *self = CALQUE_SIGN_IN_DIALOG (window);

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (calque_sign_in_dialog_parent_class)->close_request (window);
}

static void
calque_sign_in_dialog_dispose (GObject *object)
{
  CalqueSignInDialog *self = CALQUE_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);

  gtk_widget_dispose_template (GTK_WIDGET (self), CALQUE_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (calque_sign_in_dialog_parent_class)->dispose (object);
}

static void
calque_sign_in_dialog_class_init (CalqueSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = calque_sign_in_dialog_dispose;
  window_class->close_request = calque_sign_in_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/calque/Calque/ui/calque-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CalqueSignInDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
}

static void
calque_sign_in_dialog_init (CalqueSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CalqueSignInDialog *
calque_sign_in_dialog_new (GtkWindow         *parent,
                           CalqueSyncManager *manager)
{
  CalqueSignInDialog *self;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (CALQUE_IS_SYNC_MANAGER (manager), NULL);

  self = g_object_new (CALQUE_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);

  server = calque_sync_manager_dup_server (manager);
  user = calque_sync_manager_dup_user (manager);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server != NULL ? server : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user != NULL ? user : "");
  set_busy (self, FALSE);

  /* The first field left to fill. */
  if (server == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
  else if (user == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));

  return self;
}
