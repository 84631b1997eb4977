/* calque-import-dialog.c — importing annotation files into the project shown
 *
 * Four pages in a stack, as in the Export dialog (calque-export-dialog.c):
 * the options, the progress of an import, its result, and the error that
 * stopped it.
 *
 * The import itself is calque_import_annotations(), the function behind
 * `calque-cli import --format`: the dialog only gathers the same options.
 * It runs in a worker thread with a workspace of its own, since the main
 * thread's CalqueStore is one SQLite connection that must not be shared
 * between threads. The sink stores everything in one transaction, so a
 * cancelled or failed import leaves nothing behind, and the main window
 * never sees half of one; when it lands the dialog says so ("imported"),
 * and the window reloads and the sync sends it.
 *
 * Readers report progress in a unit of their own (bytes of a file, files
 * of a folder): the bar shows the fraction only. Reports are thinned to a
 * few a second and handed to the main thread, which alone touches widgets.
 *
 * Paths, model names and error messages are users' text: plain text in
 * labels and rows, escaped wherever a widget takes markup.
 */
#define G_LOG_DOMAIN "calque-import-dialog"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-archive.h"
#include "calque-export-formats.h"
#include "calque-import-dialog.h"
#include "calque-job-pages.h"
#include "calque-import-formats.h"

/* Progress reports handed to the main thread at most this often. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 20)
/* The bar pulses this often until the reader reports progress. */
#define PULSE_INTERVAL_MS 100

/* The one format whose file refers to another (the COCO instances whose
 * image and category ids a results file uses), and whose annotations are
 * always a model's. */
#define COCO_RESULTS "coco-results"

struct _CalqueImportDialog
{
  AdwWindow                 parent_instance;

  CalqueWorkspace          *workspace;
  CalqueRecord             *project;
  guint                     media;         /* CALQUE_EXPORT_MEDIA() of its type; 0: unknown */
  const CalqueImportFormat *format;        /* the one chosen */
  char                     *source;        /* nullable */
  char                     *reference;     /* nullable */

  GCancellable             *cancellable;   /* the import under way, or NULL */
  guint                     serial;        /* of the latest import started */
  guint                     pulse_id;
  GtkFileChooserNative     *chooser;
  gboolean                  disposed;

  AdwWindowTitle           *title;
  AdwToastOverlay          *toasts;
  GtkWidget                *close_button;  /* the header's start: Cancel or Close */
  GtkWidget                *import_button;
  GtkStack                 *stack;

  /* The options page */
  GPtrArray                *formats;       /* const CalqueImportFormat *, those offered */
  AdwActionRow             *source_row;
  AdwActionRow             *reference_row;
  GtkWidget                *predictions_row;
  GtkSwitch                *predictions_switch;
  AdwEntryRow              *model_row;
  GtkSwitch                *new_labels_switch;

  /* The other pages */
  AdwStatusPage            *progress_page;
  GtkProgressBar           *progress_bar;
  GtkLabel                 *progress_label;
  GtkLabel                 *summary_label;
  GtkLabel                 *error_label;
};

G_DEFINE_FINAL_TYPE (CalqueImportDialog, calque_import_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FORMAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker thread needs, all copied: it never looks at the dialog,
 * but for the progress reports, which only go back to the main thread. */
typedef struct {
  char                     *workspace_path;
  char                     *project_id;
  const CalqueImportFormat *format;
  char                     *path;
  char                     *reference;   /* nullable */
  char                     *model;       /* nullable: "import" */
  char                     *media_dir;   /* nullable */
  gboolean                  predictions;
  gboolean                  no_new_labels;

  GMainContext             *context;     /* the dialog's */
  CalqueImportDialog       *dialog;      /* for progress reports; the task holds it */
  guint                     serial;
  gint64                    last_report_us;

  /* The result */
  guint                     n_annotations;
  guint                     n_items;
  guint                     n_labels;
} ImportJob;

typedef struct {
  CalqueImportDialog *dialog;            /* a reference */
  guint               serial;
  double              fraction;
} ProgressReport;

static void
import_job_free (ImportJob *job)
{
  g_free (job->workspace_path);
  g_free (job->project_id);
  g_free (job->path);
  g_free (job->reference);
  g_free (job->model);
  g_free (job->media_dir);
  g_main_context_unref (job->context);
  g_free (job);
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->dialog);
  g_free (report);
}

static gboolean
is_coco_results (const CalqueImportFormat *format)
{
  return format != NULL && g_str_equal (format->name, COCO_RESULTS);
}

/* --- the options ----------------------------------------------------------------------- */

/* Why the options cannot be imported as they are, or NULL. */
static const char *
options_problem (CalqueImportDialog *self)
{
  if (self->format == NULL)
    return _("No format serves this project’s type");
  if (self->source == NULL)
    return self->format->folder ? _("Choose a folder to import") : _("Choose a file to import");
  if (is_coco_results (self->format) && self->reference == NULL)
    return _("Choose the COCO instances file the results refer to");
  return NULL;
}

static void
update_actions (CalqueImportDialog *self)
{
  gboolean idle = self->cancellable == NULL;
  const char *problem = options_problem (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start", idle && problem == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.choose-source", idle && self->format != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.choose-reference", idle && self->format != NULL);
  /* The button says why it cannot be pressed. */
  gtk_widget_set_tooltip_text (self->import_button, problem);
}

static void
update_rows (CalqueImportDialog *self)
{
  gboolean folder = self->format != NULL && self->format->folder;
  gboolean results = is_coco_results (self->format);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->source_row), folder ? _("Folder") : _("File"));
  if (self->source != NULL)
    adw_action_row_set_subtitle (self->source_row, self->source);
  else
    adw_action_row_set_subtitle (self->source_row,
                                 folder ? _("No folder chosen yet")
                                        : _("No file chosen yet (an archive, .zip or .tar.gz, will do)"));

  gtk_widget_set_visible (GTK_WIDGET (self->reference_row), results);
  adw_action_row_set_subtitle (self->reference_row, self->reference != NULL ? self->reference : _("No file chosen yet"));

  /* A results file holds a model's detections: they are pre-annotations
   * whatever the switch says. */
  if (results)
    gtk_switch_set_active (self->predictions_switch, TRUE);
  gtk_widget_set_sensitive (self->predictions_row, !results);
  gtk_widget_set_visible (GTK_WIDGET (self->model_row), gtk_switch_get_active (self->predictions_switch));
  update_actions (self);
}

static void
predictions_changed_cb (CalqueImportDialog *self)
{
  update_rows (self);
}

static void
select_format (CalqueImportDialog       *self,
               const CalqueImportFormat *format)
{
  const CalqueImportFormat *old = self->format;

  /* A file chosen for a file format is no folder, and the other way round. */
  if (old != NULL && old->folder != format->folder)
    g_clear_pointer (&self->source, g_free);
  self->format = format;
  update_rows (self);
}

/* --- importing ------------------------------------------------------------------------- */

static void
stop_pulse (CalqueImportDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  CalqueImportDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* In the main thread: the latest report of the import under way. */
static gboolean
progress_reported_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  CalqueImportDialog *self = report->dialog;
  g_autofree char *text = NULL;

  if (self->disposed || self->cancellable == NULL || report->serial != self->serial)
    return G_SOURCE_REMOVE;

  stop_pulse (self);
  gtk_progress_bar_set_fraction (self->progress_bar, report->fraction);
  /* Translators: how far an import has read its file: "42%" */
  text = g_strdup_printf (_("%u%%"), (guint) (report->fraction * 100));
  gtk_label_set_text (self->progress_label, text);
  return G_SOURCE_REMOVE;
}

/* In the worker thread, as the reader goes. */
static void
import_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  ImportJob *job = user_data;
  gint64 now = g_get_monotonic_time ();
  ProgressReport *report;

  if (done < total && now - job->last_report_us < PROGRESS_INTERVAL_US)
    return;
  job->last_report_us = now;

  report = g_new0 (ProgressReport, 1);
  report->dialog = g_object_ref (job->dialog);
  report->serial = job->serial;
  report->fraction = total > 0 ? CLAMP ((double) done / total, 0, 1) : 1;
  /* The report, and its reference on the dialog, are freed in the main
   * thread, where the dialog may be finalized. */
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_reported_cb, report,
                              (GDestroyNotify) progress_report_free);
}

/* In a worker thread, with a workspace of its own (see the top of the file). */
static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueImportReport) report = NULL;
  CalqueAnnotationImportOptions options = {
    .predictions = job->predictions,
    .model = job->model,
    .media_dir = job->media_dir,
    .no_new_labels = job->no_new_labels,
    .reference = job->reference,
  };
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  workspace = calque_workspace_open (job->workspace_path, &error);
  if (workspace == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  project = calque_store_get (calque_workspace_get_store (workspace), job->project_id, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  report = calque_import_annotations (workspace, project, job->format, job->path, &options,
                                      import_progress_cb, job, cancellable, &error);
  if (report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->n_annotations = report->annotations;
  job->n_items = report->items;
  job->n_labels = report->labels;
  g_task_return_boolean (task, TRUE);
}

/* "Imported 120 annotations, 3 new items and 2 new labels.", and whose
 * they are when they are a model's. */
static char *
summarize (ImportJob *job)
{
  g_autofree char *annotations = NULL;
  g_autofree char *items = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *model = NULL;

  annotations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u annotation", "%'u annotations",
                                              job->n_annotations),
                                 job->n_annotations);
  items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u new item", "%'u new items", job->n_items),
                           job->n_items);
  labels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u new label", "%'u new labels", job->n_labels),
                            job->n_labels);
  /* Translators: "Imported 120 annotations, 3 new items and 2 new labels." */
  summary = g_strdup_printf (_("Imported %s, %s and %s."), annotations, items, labels);
  if (!job->predictions)
    return g_steal_pointer (&summary);
  /* Translators: %s is a model's name, as the user typed it */
  model = g_strdup_printf (_("They are pre-annotations of “model:%s”, for annotators to accept or fix."),
                           job->model != NULL ? job->model : "import");
  return g_strconcat (summary, "\n", model, NULL);
}

static void
show_page (CalqueImportDialog *self,
           const char         *name)
{
  gboolean options = g_str_equal (name, "options");
  gboolean running = g_str_equal (name, "progress");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->import_button, options);
  gtk_button_set_label (GTK_BUTTON (self->close_button), options || running ? _("_Cancel") : _("_Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->close_button), running ? "import.cancel" : "window.close");
}

static void
imported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (source_object);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (self->disposed || job->serial != self->serial)
    return;

  stop_pulse (self);
  g_clear_object (&self->cancellable);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_page (self, "options");
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Import cancelled: nothing was imported")));
    }
  else if (error != NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      show_page (self, "error");
    }
  else
    {
      g_autofree char *summary = summarize (job);

      gtk_label_set_text (self->summary_label, summary);
      show_page (self, "done");
      g_signal_emit (self, signals[SIGNAL_IMPORTED], 0);
    }
  update_actions (self);
}

static void
start_import (CalqueImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *model = NULL;
  ImportJob *job;

  if (self->cancellable != NULL || options_problem (self) != NULL)
    return;

  job = g_new0 (ImportJob, 1);
  job->workspace_path = g_strdup (calque_workspace_get_path (self->workspace));
  job->project_id = g_strdup (calque_record_get_id (self->project));
  job->format = self->format;
  job->path = g_strdup (self->source);
  job->predictions = gtk_switch_get_active (self->predictions_switch) || is_coco_results (self->format);
  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_row))));
  if (job->predictions && *model != '\0')
    job->model = g_steal_pointer (&model);
  if (is_coco_results (self->format))
    job->reference = g_strdup (self->reference);
  job->no_new_labels = !gtk_switch_get_active (self->new_labels_switch);
  /* As calque-cli: a dataset's images are usually beside its annotation
   * file, or in its folder; an archive carries its media inside. */
  if (g_file_test (self->source, G_FILE_TEST_IS_DIR))
    job->media_dir = g_strdup (self->source);
  else if (!calque_archive_is_archive (self->source))
    job->media_dir = g_path_get_dirname (self->source);
  job->context = g_main_context_ref_thread_default ();
  job->dialog = self;
  job->serial = ++self->serial;

  self->cancellable = g_cancellable_new ();

  /* The description is markup; the path is the user's text. */
  escaped = g_markup_escape_text (job->path, -1);
  adw_status_page_set_description (self->progress_page, escaped);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, _("Reading…"));
  stop_pulse (self);
  self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, pulse_cb, self);
  show_page (self, "progress");
  update_actions (self);

  task = g_task_new (self, self->cancellable, imported_cb, NULL);
  g_task_set_source_tag (task, start_import);
  g_task_set_name (task, "calque-import");
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  /* What the import says wins: one that had committed when Cancel came
   * has landed, and is reported as such. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, import_thread);
}

/* --- choosing the files ------------------------------------------------------------------ */

static void
chooser_response_cb (CalqueImportDialog   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  gboolean reference = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "calque-reference"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);

  if (path == NULL)
    return;
  if (reference)
    calque_import_dialog_set_reference (self, path);
  else
    calque_import_dialog_set_source (self, path);
}

static void
choose (CalqueImportDialog *self,
        gboolean            reference)
{
  gboolean folder = !reference && self->format->folder;
  const char *current = reference ? self->reference : self->source;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (reference ? _("Choose the COCO Instances File")
                                               : folder ? _("Import Folder") : _("Import File"),
                                               GTK_WINDOW (self),
                                               folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                      : GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "calque-reference", GINT_TO_POINTER (reference));
  if (current != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (current);
      g_autoptr(GFile) start = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), start, NULL);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* --- the actions ---------------------------------------------------------------------- */

static void
start_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  start_import (CALQUE_IMPORT_DIALOG (widget));
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (widget);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_label_set_text (self->progress_label, _("Cancelling…"));
      gtk_widget_action_set_enabled (widget, "import.cancel", FALSE);
    }
}

static void
choose_source_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  choose (CALQUE_IMPORT_DIALOG (widget), FALSE);
}

static void
choose_reference_activated_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  choose (CALQUE_IMPORT_DIALOG (widget), TRUE);
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (widget);

  if (self->cancellable == NULL)
    show_page (self, "options");
}

/* --- building the page ---------------------------------------------------------------- */

static GtkWidget *
group_new (const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  return group;
}

/* A row with a switch at its end. */
static GtkWidget *
switch_row_new (const char  *title,
                const char  *subtitle,
                GtkSwitch  **out_switch)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *plain = g_strdup (title);

  /* The accessible name without the mnemonic's underscore. */
  for (char *p = plain, *q = plain;; p++)
    if (*p != '_' && (*q++ = *p) == '\0')
      break;
  *out_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (*out_switch), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (*out_switch), GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (*out_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (*out_switch));
  return row;
}

/* A row that shows a path, with a button to choose it. */
static AdwActionRow *
path_row_new (const char *title,
              const char *action)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *choose_button = gtk_button_new_with_mnemonic (_("C_hoose…"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* A path is users' text, and long: plain, on one line. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (row, 1);
  gtk_widget_set_valign (choose_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (choose_button), action);
  adw_action_row_add_suffix (row, choose_button);
  adw_action_row_set_activatable_widget (row, choose_button);
  return row;
}

static void
add_formats (CalqueImportDialog *self,
             GtkWidget          *page)
{
  GtkWidget *group = group_new (_("Format"));

  for (const CalqueImportFormat *format = calque_import_formats (); format->name != NULL; format++)
    {
      GtkWidget *row;
      GtkWidget *check;

      if (!(format->media & self->media))
        continue;
      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _(format->title), -1);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(format->title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(format->description));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_widget_set_name (row, format->name);
      /* The stateful action makes radio buttons of them. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (check), "import.format");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (check), "s", format->name);
      g_ptr_array_add (self->formats, (gpointer) format);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (self->formats->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No format serves this project’s type"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}

static void
add_source (CalqueImportDialog *self,
            GtkWidget          *page)
{
  GtkWidget *group = group_new (_("Source"));

  self->source_row = path_row_new (_("File"), "import.choose-source");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->source_row));
  self->reference_row = path_row_new (_("Instances File"), "import.choose-reference");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->reference_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}

static void
add_options (CalqueImportDialog *self,
             GtkWidget          *page)
{
  GtkWidget *group = group_new (_("Annotations"));
  GtkWidget *labels_row;

  self->predictions_row = switch_row_new (_("As _Pre-annotations of a Model"),
                                          _("For annotators to accept or fix, with the scores of the file"),
                                          &self->predictions_switch);
  g_signal_connect_object (self->predictions_switch, "notify::active", G_CALLBACK (predictions_changed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->predictions_row);

  self->model_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->model_row), _("Model Name"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->model_row));

  labels_row = switch_row_new (_("Create Missing _Labels"),
                               _("Otherwise a label the project lacks stops the import"),
                               &self->new_labels_switch);
  gtk_switch_set_active (self->new_labels_switch, TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), labels_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}


/* --- the window ------------------------------------------------------------------------- */

static gboolean
calque_import_dialog_close_request (GtkWindow *window)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (window);

  /* Closing stops the import; its transaction is rolled back. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (calque_import_dialog_parent_class)->close_request (window);
}

static void
calque_import_dialog_dispose (GObject *object)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (object);

  self->disposed = TRUE;
  stop_pulse (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->workspace);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (calque_import_dialog_parent_class)->dispose (object);
}

static void
calque_import_dialog_finalize (GObject *object)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (object);

  g_free (self->source);
  g_free (self->reference);
  g_clear_pointer (&self->formats, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_import_dialog_parent_class)->finalize (object);
}

static void
calque_import_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      /* "" rather than NULL: the action's state is a string variant. */
      g_value_set_string (value, self->format != NULL ? self->format->name : "");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_import_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CalqueImportDialog *self = CALQUE_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      /* While an import runs, its format stays the one shown. */
      if (g_value_get_string (value) != NULL && self->cancellable == NULL)
        calque_import_dialog_set_format (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_import_dialog_class_init (CalqueImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = calque_import_dialog_dispose;
  object_class->finalize = calque_import_dialog_finalize;
  object_class->get_property = calque_import_dialog_get_property;
  object_class->set_property = calque_import_dialog_set_property;
  window_class->close_request = calque_import_dialog_close_request;

  /**
   * CalqueImportDialog:format:
   *
   * The name of the format chosen ("coco"), one that serves the project.
   */
  properties[PROP_FORMAT] =
    g_param_spec_string ("format", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CalqueImportDialog::imported:
   *
   * An import has landed in the workspace.
   */
  signals[SIGNAL_IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_property_action (widget_class, "import.format", "format");
  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_activated_cb);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "import.choose-source", NULL, choose_source_activated_cb);
  gtk_widget_class_install_action (widget_class, "import.choose-reference", NULL, choose_reference_activated_cb);
  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
calque_import_dialog_init (CalqueImportDialog *self)
{
  static const CalqueJobPagesSpec spec = {
    .title = N_("Import Annotations"),
    .action_label = N_("_Import"),
    .action_name = "import.start",
    .progress_name = N_("Import progress"),
    .progress_icon = "document-open-symbolic",
    .progress_title = N_("Importing…"),
    .done_title = N_("Import Complete"),
    .error_title = N_("Nothing Was Imported"),
    .back_action = "import.back",
  };
  CalqueJobPages pages;

  self->formats = g_ptr_array_new ();
  calque_job_pages_build (ADW_WINDOW (self), &spec, &pages);
  self->title = pages.title;
  self->close_button = pages.close_button;
  self->import_button = pages.action_button;
  self->stack = pages.stack;
  self->progress_bar = pages.progress_bar;
  self->progress_label = pages.progress_label;
  self->progress_page = pages.progress_page;
  self->summary_label = pages.summary_label;
  self->error_label = pages.error_label;
  self->toasts = pages.toasts;
  show_page (self, "options");
}

CalqueImportDialog *
calque_import_dialog_new (GtkWindow       *parent,
                          CalqueWorkspace *workspace,
                          CalqueRecord    *project)
{
  CalqueImportDialog *self;
  CalqueMediaType type;
  GtkWidget *page;
  const char *name;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self = g_object_new (CALQUE_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project = g_object_ref (project);
  /* An unknown type (a newer Calque's) is served by no format. */
  if (calque_media_type_from_string (calque_record_get_string (project, "type"), &type))
    self->media = CALQUE_EXPORT_MEDIA (type);

  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");

  page = gtk_stack_get_child_by_name (self->stack, "options");
  add_formats (self, page);
  add_source (self, page);
  add_options (self, page);
  if (self->formats->len > 0)
    calque_import_dialog_set_format (self, ((const CalqueImportFormat *) self->formats->pdata[0])->name);
  else
    update_rows (self);
  return self;
}

const char *
calque_import_dialog_get_format (CalqueImportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_IMPORT_DIALOG (self), NULL);

  return self->format != NULL ? self->format->name : NULL;
}

gboolean
calque_import_dialog_set_format (CalqueImportDialog *self,
                                 const char         *name)
{
  g_return_val_if_fail (CALQUE_IS_IMPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->formats->len; i++)
    {
      const CalqueImportFormat *format = self->formats->pdata[i];

      if (g_str_equal (format->name, name))
        {
          if (format != self->format)
            {
              select_format (self, format);
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
            }
          return TRUE;
        }
    }
  return FALSE;
}

void
calque_import_dialog_set_source (CalqueImportDialog *self,
                                 const char         *path)
{
  g_return_if_fail (CALQUE_IS_IMPORT_DIALOG (self));

  g_free (self->source);
  self->source = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  update_rows (self);
}

void
calque_import_dialog_set_reference (CalqueImportDialog *self,
                                    const char         *path)
{
  g_return_if_fail (CALQUE_IS_IMPORT_DIALOG (self));

  g_free (self->reference);
  self->reference = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  update_rows (self);
}

gboolean
calque_import_dialog_get_importing (CalqueImportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_IMPORT_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}
