/* calque-window-review.c — the main window's side of reviewing
 *
 * Opens the Review window for the project shown (one at a time), opens in
 * the editor the item the reviewer asks for, and has the sync send each
 * decision at once, as the Assign dialog's assignments are.
 */
#define G_LOG_DOMAIN "calque-window"

#include "calque-review-window.h"
#include "calque-window-private.h"

static void
review_item_activated_cb (CalqueWindow       *self,
                          const char         *item_id,
                          CalqueReviewWindow *review)
{
  const char *project_id = calque_review_window_get_project_id (review);
  CalqueRecord *project = calque_window_get_project (self);

  if (calque_review_window_get_workspace (review) != self->workspace)
    return;
  if ((project == NULL || g_strcmp0 (calque_record_get_id (project), project_id) != 0)
      && !calque_window_select_project (self, project_id))
    return;
  _calque_window_item_open_id (self, item_id);
  gtk_window_present (GTK_WINDOW (self));
}

void
_calque_window_review_activated (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  CalqueWindow *self = user_data;
  CalqueRecord *project = calque_window_get_project (self);
  CalqueReviewWindow *review;
  g_autofree char *reviewer = NULL;

  if (self->workspace == NULL || project == NULL)
    return;
  /* Asked again for the same project, it reads the queue again. */
  if (self->review_window != NULL
      && calque_review_window_get_workspace (CALQUE_REVIEW_WINDOW (self->review_window)) == self->workspace
      && g_strcmp0 (calque_review_window_get_project_id (CALQUE_REVIEW_WINDOW (self->review_window)),
                    calque_record_get_id (project)) == 0)
    {
      calque_review_window_refresh (CALQUE_REVIEW_WINDOW (self->review_window));
      gtk_window_present (GTK_WINDOW (self->review_window));
      return;
    }
  _calque_window_review_close (self);

  reviewer = _calque_window_dup_person (self);
  review = calque_review_window_new (GTK_WINDOW (self), self->workspace, project, reviewer);
  g_signal_connect_object (review, "item-activated", G_CALLBACK (review_item_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (review, "decided", G_CALLBACK (_calque_window_saved_elsewhere), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->review_window, GTK_WIDGET (review));
  gtk_window_present (GTK_WINDOW (review));
}

void
_calque_window_review_close (CalqueWindow *self)
{
  if (self->review_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->review_window));
  g_clear_weak_pointer (&self->review_window);
}
