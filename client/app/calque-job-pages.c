/* calque-job-pages.c — the window of a dialog that runs one long job */
#define G_LOG_DOMAIN "calque-job-pages"

#include <glib/gi18n-lib.h>

#include "calque-job-pages.h"

/* A status page with a wrapped, selectable label (a summary or an error
 * can be copied) and, optionally, a button. */
static AdwStatusPage *
status_page_new (const char  *icon,
                 const char  *title,
                 GtkLabel   **label,
                 const char  *button_label,
                 const char  *button_action,
                 gboolean     suggested)
{
  AdwStatusPage *page = ADW_STATUS_PAGE (adw_status_page_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  adw_status_page_set_icon_name (page, icon);
  adw_status_page_set_title (page, title);
  *label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (*label, TRUE);
  gtk_label_set_wrap_mode (*label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (*label, GTK_JUSTIFY_CENTER);
  gtk_label_set_selectable (*label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (*label), "body");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*label));
  if (button_label != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "pill");
      if (suggested)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), button_action);
      gtk_box_append (GTK_BOX (box), button);
    }
  adw_status_page_set_child (page, box);
  return page;
}

void
calque_job_pages_build (AdwWindow                *window,
                        const CalqueJobPagesSpec *spec,
                        CalqueJobPages           *pages)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *progress_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_window_set_title (GTK_WINDOW (window), _(spec->title));
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 680);
  /* Not modal: a job on a large project takes minutes, and the work in
   * the main window goes on meanwhile. */
  gtk_window_set_modal (GTK_WINDOW (window), FALSE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);

  /* A dialog's header: Cancel (or Close) and the action, no window buttons. */
  pages->title = ADW_WINDOW_TITLE (adw_window_title_new (_(spec->title), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (pages->title));
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  pages->close_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), pages->close_button);
  pages->action_button = gtk_button_new_with_mnemonic (_(spec->action_label));
  gtk_widget_add_css_class (pages->action_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (pages->action_button), spec->action_name);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), pages->action_button);
  gtk_box_append (GTK_BOX (box), header);

  pages->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (pages->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_vexpand (GTK_WIDGET (pages->stack), TRUE);
  gtk_stack_add_named (pages->stack, adw_preferences_page_new (), "options");

  pages->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_pulse_step (pages->progress_bar, 0.08);
  gtk_widget_set_size_request (GTK_WIDGET (pages->progress_bar), 320, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (pages->progress_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(spec->progress_name), -1);
  pages->progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (pages->progress_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (pages->progress_label), "calque-figure");
  gtk_box_append (GTK_BOX (progress_box), GTK_WIDGET (pages->progress_bar));
  gtk_box_append (GTK_BOX (progress_box), GTK_WIDGET (pages->progress_label));
  gtk_widget_set_halign (progress_box, GTK_ALIGN_CENTER);
  pages->progress_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (pages->progress_page, spec->progress_icon);
  adw_status_page_set_title (pages->progress_page, _(spec->progress_title));
  adw_status_page_set_child (pages->progress_page, progress_box);
  gtk_stack_add_named (pages->stack, GTK_WIDGET (pages->progress_page), "progress");

  gtk_stack_add_named (pages->stack,
                       GTK_WIDGET (status_page_new ("object-select-symbolic", _(spec->done_title), &pages->summary_label,
                                                    spec->done_button ? _(spec->done_button) : NULL, spec->done_action, TRUE)),
                       "done");
  gtk_stack_add_named (pages->stack,
                       GTK_WIDGET (status_page_new ("dialog-error-symbolic", _(spec->error_title), &pages->error_label,
                                                    _("_Back"), spec->back_action, FALSE)),
                       "error");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (pages->stack));
  pages->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (pages->toasts, box);
  adw_window_set_content (window, GTK_WIDGET (pages->toasts));
  gtk_stack_set_visible_child_name (pages->stack, "options");
}
