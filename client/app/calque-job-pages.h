/* calque-job-pages.h — the window of a dialog that runs one long job
 *
 * The Export and Import dialogs are the same window around different
 * options: a header with Cancel and the action, and a stack of four pages
 * — "options" (an empty AdwPreferencesPage the dialog fills), "progress"
 * (a bar and a line of figures), "done" (a summary) and "error" (the
 * sentence that stopped the job, and Back) — in a toast overlay. This
 * builds it; the dialog keeps the parts it updates.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Strings marked with N_(): they are translated when the window is built. */
typedef struct {
  const char *title;           /* the window's */
  const char *action_label;    /* the header's suggested button: "_Export" */
  const char *action_name;     /* its action: "export.start" */
  const char *progress_name;   /* the bar's accessible name */
  const char *progress_icon;
  const char *progress_title;  /* "Exporting…" */
  const char *done_title;
  const char *done_button;     /* nullable: a button on the done page */
  const char *done_action;
  const char *error_title;
  const char *back_action;     /* the error page's Back button */
} CalqueJobPagesSpec;

typedef struct {
  AdwWindowTitle  *title;
  GtkWidget       *close_button;     /* Cancel, or Close once done */
  GtkWidget       *action_button;
  GtkStack        *stack;
  GtkProgressBar  *progress_bar;
  GtkLabel        *progress_label;
  AdwStatusPage   *progress_page;
  GtkLabel        *summary_label;    /* on the done page */
  GtkLabel        *error_label;
  AdwToastOverlay *toasts;
} CalqueJobPages;

/* Builds the window's content (adw_window_set_content) and shows "options". */
void calque_job_pages_build (AdwWindow                *window,
                             const CalqueJobPagesSpec *spec,
                             CalqueJobPages           *pages);

G_END_DECLS
