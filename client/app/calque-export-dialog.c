/* calque-export-dialog.c — exporting the project shown in the main window
 *
 * Four pages in a stack: the options, the progress of an export, its
 * result, and the error that stopped it. A cancelled export comes back to
 * the options with a toast; the writer has removed its temporary file by
 * then (calque-export-output.h), so nothing is left behind.
 *
 * The export itself is the format's CalqueExportWriteFunc from the table
 * that calque-cli export reads (calque-export-formats.h): the dialog only
 * gathers the same options. It runs in a worker thread, which opens the
 * workspace a second time: the main thread's CalqueStore is one SQLite
 * connection that must not be shared between threads (see
 * calque-agreement-window.c), and the store is in WAL mode, so the export
 * reads one consistent snapshot while annotators and the sync go on
 * writing. The source reports each item from that thread; the reports are
 * thinned to a few a second and handed to the main thread, which alone
 * touches the widgets.
 *
 * The annotators offered under "One Annotator" are read in a thread too
 * (every task and annotation of the project, from the store's indexed
 * columns), so that opening the dialog on a project of a million
 * annotations does not freeze the window.
 *
 * Label names, annotator names and paths are users' text: plain text in
 * labels and rows, escaped wherever a widget takes markup.
 */
#define G_LOG_DOMAIN "calque-export-dialog"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "calque-export-dialog.h"
#include "calque-job-pages.h"
#include "calque-project-job.h"
#include "calque-export-formats.h"
#include "calque-format.h"
#include "calque-store-stats.h"

/* Progress reports handed to the main thread at most this often: enough
 * for a bar that moves smoothly, few enough not to flood the main loop
 * with a million items. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 20)
/* The bar pulses this often while the format reports no progress (the
 * native format writes the project record by record, not item by item). */
#define PULSE_INTERVAL_MS 100

/* The task states of calque-export-source.h, in the order of their life. */
#define N_TASK_STATES CALQUE_EXPORT_N_TASK_STATES

/* The rows of the version combo row. */
enum {
  VERSION_ALL,
  VERSION_FINAL,
  VERSION_ANNOTATOR,
};

struct _CalqueExportDialog
{
  AdwWindow                 parent_instance;

  CalqueWorkspace          *workspace;
  CalqueRecord             *project;
  guint                     media;         /* CALQUE_EXPORT_MEDIA() of its type; 0: unknown */
  const CalqueExportFormat *format;        /* the one chosen */
  char                     *destination;   /* nullable */
  char                     *result_folder; /* what "Open Folder" opens */

  GCancellable             *cancellable;   /* the export under way, or NULL */
  guint                     serial;        /* of the latest export started */
  guint                     pulse_id;      /* pulsing until progress is reported */
  GCancellable             *annotators_cancellable;
  GtkFileChooserNative     *chooser;
  gboolean                  disposed;

  AdwWindowTitle           *title;
  AdwToastOverlay          *toasts;
  GtkWidget                *close_button;  /* the header's start: Cancel or Close */
  GtkWidget                *export_button;
  GtkStack                 *stack;

  /* The options page */
  GPtrArray                *formats;       /* const CalqueExportFormat *, those offered */
  GtkWidget                *annotations_group;
  AdwComboRow              *version_row;
  AdwComboRow              *annotator_row;
  GtkStringList            *annotators;
  AdwExpanderRow           *states_row;
  GtkCheckButton           *state_checks[N_TASK_STATES];
  AdwExpanderRow           *labels_row;
  GPtrArray                *label_checks;  /* GtkCheckButton, with "calque-label" (the name) */
  GtkWidget                *media_row;
  GtkSwitch                *media_switch;
  AdwActionRow             *destination_row;

  /* The other pages */
  AdwStatusPage            *progress_page;
  GtkProgressBar           *progress_bar;
  GtkLabel                 *progress_label;
  GtkLabel                 *summary_label;
  GtkLabel                 *error_label;
};

G_DEFINE_FINAL_TYPE (CalqueExportDialog, calque_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FORMAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the worker thread needs, all copied: it never looks at the dialog,
 * but for the progress reports, which only go back to the main thread. */
typedef struct {
  char                     *workspace_path;
  char                     *project_id;
  const CalqueExportFormat *format;
  CalqueExportVersion       version;
  char                     *annotator;
  GStrv                     states;      /* NULL: every item */
  GStrv                     labels;      /* NULL: every label */
  gboolean                  with_media;
  char                     *path;

  GMainContext             *context;     /* the dialog's */
  CalqueExportDialog       *dialog;      /* for progress reports; the task holds it */
  guint                     serial;
  gint64                    last_report_us;

  /* The result */
  guint                     n_items;
  guint                     n_annotations;
  guint                     n_skipped;
} ExportJob;

typedef struct {
  CalqueExportDialog *dialog;            /* a reference */
  guint               serial;
  guint               done;
  guint               total;
} ProgressReport;

static void
export_job_free (ExportJob *job)
{
  g_free (job->workspace_path);
  g_free (job->project_id);
  g_free (job->annotator);
  g_strfreev (job->states);
  g_strfreev (job->labels);
  g_free (job->path);
  g_main_context_unref (job->context);
  g_free (job);
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->dialog);
  g_free (report);
}

/* --- the options ----------------------------------------------------------------------- */

static const char *
state_title (const char *state)
{
  if (g_str_equal (state, "none"))
    return _("Without a Task");
  return calque_format_task_state (state);
}

static guint
count_checked (GtkCheckButton * const *checks,
               guint                   n_checks)
{
  guint n = 0;

  for (guint i = 0; i < n_checks; i++)
    n += gtk_check_button_get_active (checks[i]);
  return n;
}

/* "All", "3 of 6", "None": how much of a list is exported. */
static char *
describe_checked (guint n_checked,
                  guint n_checks)
{
  if (n_checked == n_checks)
    return g_strdup (_("All"));
  if (n_checked == 0)
    return g_strdup (_("None"));
  /* Translators: how many task states or labels are exported: "3 of 6" */
  return g_strdup_printf (_("%u of %u"), n_checked, n_checks);
}

/* Every item (NULL) when all states are checked, as calque-cli without
 * --state: "none" and the five states cover every item. */
static GStrv
checked_states (CalqueExportDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (count_checked (self->state_checks, N_TASK_STATES) == N_TASK_STATES)
    return NULL;
  for (guint i = 0; i < N_TASK_STATES; i++)
    if (gtk_check_button_get_active (self->state_checks[i]))
      g_strv_builder_add (builder, calque_export_task_states[i]);
  return g_strv_builder_end (builder);
}

/* Every label (NULL) when all are checked: annotations without a label
 * are exported too then, as calque-cli does without --label. */
static GStrv
checked_labels (CalqueExportDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n_checks = self->label_checks->len;

  if (count_checked ((GtkCheckButton **) self->label_checks->pdata, n_checks) == n_checks)
    return NULL;
  for (guint i = 0; i < n_checks; i++)
    if (gtk_check_button_get_active (self->label_checks->pdata[i]))
      g_strv_builder_add (builder, g_object_get_data (self->label_checks->pdata[i], "calque-label"));
  return g_strv_builder_end (builder);
}

static const char *
selected_annotator (CalqueExportDialog *self)
{
  guint position = adw_combo_row_get_selected (self->annotator_row);

  if (position == GTK_INVALID_LIST_POSITION
      || position >= g_list_model_get_n_items (G_LIST_MODEL (self->annotators)))
    return NULL;
  return gtk_string_list_get_string (self->annotators, position);
}

/* Why the options cannot be exported as they are, or NULL. */
static const char *
options_problem (CalqueExportDialog *self)
{
  if (self->format == NULL)
    return _("No format serves this project’s type");
  if (!self->format->everything)
    {
      if (count_checked (self->state_checks, N_TASK_STATES) == 0)
        return _("Choose at least one task state");
      if (self->label_checks->len > 0
          && count_checked ((GtkCheckButton **) self->label_checks->pdata, self->label_checks->len) == 0)
        return _("Choose at least one label");
      if (adw_combo_row_get_selected (self->version_row) == VERSION_ANNOTATOR && selected_annotator (self) == NULL)
        return _("Choose an annotator");
    }
  if (self->destination == NULL)
    return self->format->folder ? _("Choose a folder to export to") : _("Choose a file to export to");
  return NULL;
}

static void
update_actions (CalqueExportDialog *self)
{
  gboolean idle = self->cancellable == NULL;
  const char *problem = options_problem (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.start", idle && problem == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.cancel", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose-destination", idle && self->format != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.open-folder", self->result_folder != NULL);
  /* The button says why it cannot be pressed. */
  gtk_widget_set_tooltip_text (self->export_button, problem);
}

static void
update_destination_row (CalqueExportDialog *self)
{
  if (self->destination != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->destination_row), self->destination);
  else if (self->format != NULL && self->format->folder)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->destination_row), _("No folder chosen yet"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->destination_row), _("No file chosen yet"));
}

static void
update_filters (CalqueExportDialog *self)
{
  guint n_states = count_checked (self->state_checks, N_TASK_STATES);
  guint n_labels = count_checked ((GtkCheckButton **) self->label_checks->pdata, self->label_checks->len);
  g_autofree char *states = describe_checked (n_states, N_TASK_STATES);
  g_autofree char *labels = describe_checked (n_labels, self->label_checks->len);
  gboolean everything = self->format != NULL && self->format->everything;

  adw_expander_row_set_subtitle (self->states_row, states);
  adw_expander_row_set_subtitle (self->labels_row, self->label_checks->len > 0 ? labels : _("The project has no labels"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->labels_row), self->label_checks->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->annotator_row),
                          adw_combo_row_get_selected (self->version_row) == VERSION_ANNOTATOR);

  /* A format that keeps every record has nothing to choose from. */
  gtk_widget_set_sensitive (self->annotations_group, !everything);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->annotations_group),
                                         everything
                                           ? _("This format keeps every record of the project, with its history of "
                                               "reviews: the version and the filters do not apply to it.")
                                           : NULL);
  update_actions (self);
}

static void
filters_changed_cb (CalqueExportDialog *self)
{
  update_filters (self);
}

/* Another format: a destination chosen for the last one may not fit. A
 * file keeps its name with the new extension; a file for a folder, or a
 * folder for a file, is forgotten. */
static void
adapt_destination (CalqueExportDialog       *self,
                   const CalqueExportFormat *old,
                   const CalqueExportFormat *format)
{
  if (self->destination == NULL || old == NULL || old == format)
    return;
  if (old->folder || format->folder)
    {
      if (old->folder != format->folder)
        g_clear_pointer (&self->destination, g_free);
      return;
    }
  if (old->extension != NULL && format->extension != NULL && g_str_has_suffix (self->destination, old->extension))
    {
      gsize stem = strlen (self->destination) - strlen (old->extension);
      g_autofree char *base = g_strndup (self->destination, stem);

      g_free (self->destination);
      self->destination = g_strconcat (base, format->extension, NULL);
    }
}

static void
select_format (CalqueExportDialog       *self,
               const CalqueExportFormat *format)
{
  adapt_destination (self, self->format, format);
  self->format = format;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->media_row),
                               format->folder
                                 ? _("The items’ files go into the folder, beside the annotations")
                                 : _("The items’ files go into a “media” folder beside the file"));
  update_destination_row (self);
  update_filters (self);
}


/* --- the annotators ------------------------------------------------------------------ */

static void
collect_person_cb (const CalqueStoreFact *fact,
                   gpointer               user_data)
{
  GHashTable *people = user_data;

  if (fact->person != NULL && *fact->person != '\0' && !g_hash_table_contains (people, fact->person))
    g_hash_table_add (people, g_strdup (fact->person));
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  int cmp = g_utf8_collate (*(const char * const *) a, *(const char * const *) b);

  return cmp != 0 ? cmp : strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* In a worker thread (calque-project-job.h): everyone who has a task or an
 * annotation in the project, by name, as a NULL-terminated GStrv. */
static gpointer
read_annotators_job (CalqueStore   *store,
                     CalqueRecord  *project,
                     gconstpointer  options,
                     GError       **error)
{
  g_autoptr(GHashTable) people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  const char *project_id = calque_record_get_id (project);
  GHashTableIter iter;
  gpointer name;

  if (!calque_store_foreach_fact (store, CALQUE_KIND_TASK, project_id, collect_person_cb, people, error)
      || !calque_store_foreach_fact (store, CALQUE_KIND_ANNOTATION, project_id, collect_person_cb, people, error))
    return NULL;

  g_hash_table_iter_init (&iter, people);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_ptr_array_add (sorted, name);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  return g_ptr_array_free (g_steal_pointer (&sorted), FALSE);
}

static void
annotators_read_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (source_object);
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;

  names = calque_project_job_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->disposed)
    return;
  g_clear_object (&self->annotators_cancellable);

  if (names == NULL)
    {
      /* The other versions still work: say why this one is empty. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->annotator_row), error->message);
      update_actions (self);
      return;
    }
  gtk_string_list_splice (self->annotators, 0, 0, (const char * const *) names);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->annotator_row),
                               names[0] == NULL ? _("Nobody has a task or an annotation in this project yet") : NULL);
  update_actions (self);
}

static void
read_annotators (CalqueExportDialog *self)
{
  self->annotators_cancellable = g_cancellable_new ();
  calque_project_job_run (self, self->workspace, calque_record_get_id (self->project),
                          read_annotators_job, NULL, 0, (GDestroyNotify) g_strfreev,
                          "calque-export-annotators", self->annotators_cancellable, annotators_read_cb);
}

/* --- exporting ------------------------------------------------------------------------- */

static void
stop_pulse (CalqueExportDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  CalqueExportDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* In the main thread: the latest report of the export under way. */
static gboolean
progress_reported_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  CalqueExportDialog *self = report->dialog;
  g_autofree char *text = NULL;

  /* A report of an export that has ended (cancelled, or replaced). */
  if (self->disposed || self->cancellable == NULL || report->serial != self->serial)
    return G_SOURCE_REMOVE;

  stop_pulse (self);
  gtk_progress_bar_set_fraction (self->progress_bar, report->total > 0 ? (double) report->done / report->total : 1);
  /* Translators: the progress of an export: "312 of 1,234 items" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u item", "%'u of %'u items", report->total),
                          report->done, report->total);
  gtk_label_set_text (self->progress_label, text);
  return G_SOURCE_REMOVE;
}

/* In the worker thread, after each item. */
static void
source_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  ExportJob *job = user_data;
  gint64 now = g_get_monotonic_time ();
  ProgressReport *report;

  if (done < total && now - job->last_report_us < PROGRESS_INTERVAL_US)
    return;
  job->last_report_us = now;

  report = g_new0 (ProgressReport, 1);
  report->dialog = g_object_ref (job->dialog);
  report->serial = job->serial;
  report->done = done;
  report->total = total;
  /* The report, and its reference on the dialog, are freed in the main
   * thread, where the dialog may be finalized. */
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_reported_cb, report,
                              (GDestroyNotify) progress_report_free);
}

/* In a worker thread, with a workspace of its own (see the top of the file). */
static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(CalqueWorkspace) workspace = NULL;
  g_autoptr(CalqueRecord) project = NULL;
  g_autoptr(CalqueExportSource) source = NULL;
  CalqueExportFilter filter = {
    .version = job->version,
    .annotator = job->annotator,
    .states = (const char * const *) job->states,
    .labels = (const char * const *) job->labels,
  };
  CalqueExportOptions options = { .with_media = job->with_media };
  CalqueStore *store;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  workspace = calque_workspace_open (job->workspace_path, &error);
  if (workspace == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  store = calque_workspace_get_store (workspace);
  project = calque_store_get (store, job->project_id, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  source = calque_export_source_new (workspace, project, &filter, &error);
  if (source == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  calque_export_source_set_progress (source, source_progress_cb, job);

  if (!job->format->write (source, job->path, &options, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->format->everything)
    {
      /* The format writes the project record by record, not through the
       * source's items: it holds every live item and annotation, in this
       * snapshot of the store. */
      gint64 items = calque_store_count (store, CALQUE_KIND_ITEM, job->project_id, NULL);
      gint64 annotations = calque_store_count (store, CALQUE_KIND_ANNOTATION, job->project_id, NULL);

      job->n_items = (guint) CLAMP (items, 0, G_MAXUINT);
      job->n_annotations = (guint) CLAMP (annotations, 0, G_MAXUINT);
    }
  else
    {
      job->n_items = calque_export_source_get_n_items (source);
      job->n_annotations = calque_export_source_get_n_annotations (source);
      job->n_skipped = calque_export_source_get_n_skipped (source);
    }
  g_task_return_boolean (task, TRUE);
}

/* "Exported 1,234 items and 5,678 annotations to …", and what was left out. */
static char *
summarize (ExportJob *job)
{
  g_autofree char *items = NULL;
  g_autofree char *annotations = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *skipped = NULL;

  items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u item", "%'u items", job->n_items), job->n_items);
  annotations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u annotation", "%'u annotations",
                                              job->n_annotations),
                                 job->n_annotations);
  /* Translators: "Exported 1,234 items and 5,678 annotations to /home/ana/pets.json." */
  summary = g_strdup_printf (_("Exported %s and %s to %s."), items, annotations, job->path);
  if (job->n_skipped == 0)
    return g_steal_pointer (&summary);

  if (job->version == CALQUE_EXPORT_VERSION_FINAL)
    skipped = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%'u item was left out: it has no reviewed version yet.",
                                            "%'u items were left out: they have no reviewed version yet.",
                                            job->n_skipped),
                               job->n_skipped);
  else
    skipped = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%'u item was left out: the annotator has no task or annotation on it.",
                                            "%'u items were left out: the annotator has no task or annotation on "
                                            "them.",
                                            job->n_skipped),
                               job->n_skipped);
  return g_strconcat (summary, "\n", skipped, NULL);
}

static void
show_page (CalqueExportDialog *self,
           const char         *name)
{
  gboolean options = g_str_equal (name, "options");
  gboolean running = g_str_equal (name, "progress");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->export_button, options);
  gtk_button_set_label (GTK_BUTTON (self->close_button), options || running ? _("_Cancel") : _("_Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->close_button), running ? "export.cancel" : "window.close");
}

static void
exported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (source_object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (self->disposed || job->serial != self->serial)
    return;

  stop_pulse (self);
  g_clear_object (&self->cancellable);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = NULL;

      /* Files are renamed into place only when whole: a cancelled one-file
       * export left nothing; a folder keeps the files finished before. */
      if (job->format->folder)
        title = g_strdup (_("Export cancelled: the folder holds only the files finished before"));
      else
        {
          g_autofree char *name = g_path_get_basename (job->path);
          g_autofree char *escaped = g_markup_escape_text (name, -1);

          /* Translators: %s is the name of the file that an export would have written */
          title = g_strdup_printf (_("Export cancelled: “%s” was not written"), escaped);
        }
      show_page (self, "options");
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
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

      g_free (self->result_folder);
      self->result_folder = job->format->folder ? g_strdup (job->path) : g_path_get_dirname (job->path);
      show_page (self, "done");
    }
  update_actions (self);
}

static void
start_export (CalqueExportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  ExportJob *job;
  guint version;

  if (self->cancellable != NULL || options_problem (self) != NULL)
    return;

  job = g_new0 (ExportJob, 1);
  job->workspace_path = g_strdup (calque_workspace_get_path (self->workspace));
  job->project_id = g_strdup (calque_record_get_id (self->project));
  job->format = self->format;
  job->with_media = gtk_switch_get_active (self->media_switch);
  job->path = g_strdup (self->destination);
  job->context = g_main_context_ref_thread_default ();
  job->dialog = self;
  job->serial = ++self->serial;
  job->version = CALQUE_EXPORT_VERSION_ALL;
  if (!self->format->everything)
    {
      version = adw_combo_row_get_selected (self->version_row);
      if (version == VERSION_FINAL)
        job->version = CALQUE_EXPORT_VERSION_FINAL;
      else if (version == VERSION_ANNOTATOR)
        {
          job->version = CALQUE_EXPORT_VERSION_ANNOTATOR;
          job->annotator = g_strdup (selected_annotator (self));
        }
      job->states = checked_states (self);
      job->labels = checked_labels (self);
    }

  g_clear_pointer (&self->result_folder, g_free);
  self->cancellable = g_cancellable_new ();

  /* The description is markup; the path is the user's text. */
  escaped = g_markup_escape_text (job->path, -1);
  adw_status_page_set_description (self->progress_page, escaped);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  /* Until the format reports items, if it ever does (see PULSE_INTERVAL_MS). */
  gtk_label_set_text (self->progress_label, _("Writing…"));
  stop_pulse (self);
  self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, pulse_cb, self);
  show_page (self, "progress");
  update_actions (self);

  task = g_task_new (self, self->cancellable, exported_cb, NULL);
  g_task_set_source_tag (task, start_export);
  g_task_set_name (task, "calque-export");
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  /* What the writer says wins: an export that was complete when Cancel
   * came is reported as done, since its file is there. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

/* --- choosing the destination --------------------------------------------------------- */

/* The project's name as a file name: no folders, nothing hidden. */
static char *
proposed_name (CalqueExportDialog *self)
{
  const char *name = calque_record_get_string (self->project, "name");
  g_autofree char *safe = g_strdup (name != NULL && *name != '\0' ? name : _("export"));

  g_strdelimit (safe, "/\\", '-');
  g_strstrip (safe);
  while (safe[0] == '.')
    safe[0] = '_';
  if (safe[0] == '\0')
    return g_strconcat (_("export"), self->format->extension, NULL);
  return g_strconcat (safe, self->format->extension != NULL ? self->format->extension : "", NULL);
}

static void
chooser_response_cb (CalqueExportDialog   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);

  if (path != NULL)
    calque_export_dialog_set_destination (self, path);
}

static void
choose_destination (CalqueExportDialog *self)
{
  gboolean folder = self->format->folder;
  g_autoptr(GFile) current = NULL;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (folder ? _("Export to Folder") : _("Export to File"),
                                               GTK_WINDOW (self),
                                               folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                      : GTK_FILE_CHOOSER_ACTION_SAVE,
                                               folder ? _("_Select") : _("_Export Here"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  /* Start where the last destination was. */
  if (self->destination != NULL)
    {
      g_autofree char *dir = folder ? g_strdup (self->destination) : g_path_get_dirname (self->destination);

      if (folder)
        {
          g_autofree char *parent = g_path_get_dirname (dir);

          g_free (dir);
          dir = g_steal_pointer (&parent);
        }
      current = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), current, NULL);
    }
  if (!folder)
    {
      g_autofree char *name = NULL;

      if (self->destination != NULL)
        name = g_path_get_basename (self->destination);
      else
        name = proposed_name (self);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
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
  start_export (CALQUE_EXPORT_DIALOG (widget));
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (widget);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_label_set_text (self->progress_label, _("Cancelling…"));
      gtk_widget_action_set_enabled (widget, "export.cancel", FALSE);
    }
}

static void
choose_destination_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  choose_destination (CALQUE_EXPORT_DIALOG (widget));
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (widget);

  if (self->cancellable == NULL)
    show_page (self, "options");
}

static void
folder_shown_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CalqueExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source_object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->disposed)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);
      /* Translators: %s says why no file manager could show the folder */
      g_autofree char *title = g_strdup_printf (_("Cannot open the folder: %s"), escaped);

      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
    }
}

static void
open_folder_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (widget);
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (self->result_folder == NULL)
    return;
  folder = g_file_new_for_path (self->result_folder);
  uri = g_file_get_uri (folder);
  gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, NULL, folder_shown_cb, g_object_ref (self));
}

/* --- building the page ---------------------------------------------------------------- */

static GtkWidget *
group_new (const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  return group;
}

/* A row with a check button in front; @title is users' text (a label's
 * name) as often as not: plain. */
static GtkWidget *
check_row_new (const char      *title,
               const char      *subtitle,
               GtkCheckButton **check)
{
  GtkWidget *row = adw_action_row_new ();

  *check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (*check), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (*check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (*check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (*check));
  return row;
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const GdkRGBA *color = user_data;
  double radius = MIN (width, height) / 2.0;

  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill (cr);
}

/* A dot of the label's colour, as in the palette. */
static GtkWidget *
swatch_new (const char *color)
{
  GdkRGBA *rgba = g_new0 (GdkRGBA, 1);
  GtkWidget *area = gtk_drawing_area_new ();

  if (color == NULL || !gdk_rgba_parse (rgba, color))
    gdk_rgba_parse (rgba, "#9a9996");
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 12);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, rgba, g_free);
  return area;
}

static void
add_formats (CalqueExportDialog *self,
             GtkWidget          *page)
{
  GtkWidget *group = group_new (_("Format"));

  for (const CalqueExportFormat *format = calque_export_formats (); format->name != NULL; format++)
    {
      GtkCheckButton *check;
      GtkWidget *row;

      if (!(format->media & self->media))
        continue;
      row = check_row_new (_(format->title), _(format->description), &check);
      gtk_widget_set_name (row, format->name);
      /* The stateful action makes radio buttons of them, even when a
       * project's type has one format only. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (check), "export.format");
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
add_filters (CalqueExportDialog *self,
             GtkWidget          *page)
{
  static const char * const versions[] = {
    N_("All Annotators"), N_("Final Reviewed Version"), N_("One Annotator"), NULL,
  };
  g_autoptr(GtkStringList) version_model = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;

  self->annotations_group = group_new (_("Annotations"));

  for (guint i = 0; versions[i] != NULL; i++)
    gtk_string_list_append (version_model, _(versions[i]));
  self->version_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->version_row), _("Version"));
  adw_combo_row_set_model (self->version_row, G_LIST_MODEL (version_model));
  g_signal_connect_object (self->version_row, "notify::selected", G_CALLBACK (filters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->annotations_group), GTK_WIDGET (self->version_row));

  /* Names are users' text: the combo row shows its strings as they are. */
  self->annotators = gtk_string_list_new (NULL);
  self->annotator_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->annotator_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->annotator_row), _("Annotator"));
  adw_combo_row_set_model (self->annotator_row, G_LIST_MODEL (self->annotators));
  g_signal_connect_object (self->annotator_row, "notify::selected", G_CALLBACK (filters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->annotations_group), GTK_WIDGET (self->annotator_row));

  self->states_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->states_row), _("Items by Task State"));
  for (guint i = 0; i < N_TASK_STATES; i++)
    {
      GtkWidget *row = check_row_new (state_title (calque_export_task_states[i]), NULL, &self->state_checks[i]);

      gtk_check_button_set_active (self->state_checks[i], TRUE);
      g_signal_connect_object (self->state_checks[i], "toggled", G_CALLBACK (filters_changed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_expander_row_add_row (self->states_row, row);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->annotations_group), GTK_WIDGET (self->states_row));

  self->labels_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->labels_row), _("Labels"));
  labels = calque_store_list (calque_workspace_get_store (self->workspace), CALQUE_KIND_LABEL,
                              calque_record_get_id (self->project), &error);
  if (labels == NULL)
    g_warning ("Cannot list the labels of the project: %s", error->message);
  else
    {
      /* The order of the export source, so that the list reads like the
       * categories of the file. */
      g_ptr_array_sort (labels, calque_export_compare_labels);
      for (guint i = 0; i < labels->len; i++)
        {
          const char *name = calque_record_get_string (labels->pdata[i], "name");
          GtkCheckButton *check;
          GtkWidget *row;

          if (name == NULL)
            continue;
          row = check_row_new (name, NULL, &check);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     swatch_new (calque_record_get_string (labels->pdata[i], "color")));
          gtk_check_button_set_active (check, TRUE);
          g_object_set_data_full (G_OBJECT (check), "calque-label", g_strdup (name), g_free);
          g_signal_connect_object (check, "toggled", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
          g_ptr_array_add (self->label_checks, check);
          adw_expander_row_add_row (self->labels_row, row);
        }
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->annotations_group), GTK_WIDGET (self->labels_row));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->annotations_group));
}

static void
add_output (CalqueExportDialog *self,
            GtkWidget          *page)
{
  GtkWidget *group = group_new (_("Output"));
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose…"));

  self->media_row = adw_action_row_new ();
  self->media_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->media_switch, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->media_switch), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->media_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Copy Media Files"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->media_row), _("Copy _Media Files"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->media_row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->media_row), GTK_WIDGET (self->media_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->media_row), GTK_WIDGET (self->media_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->media_row);

  self->destination_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->destination_row), _("Destination"));
  /* A path is users' text, and long: plain, ellipsized in the middle. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->destination_row), FALSE);
  adw_action_row_set_subtitle_lines (self->destination_row, 1);
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (choose), "export.choose-destination");
  adw_action_row_add_suffix (self->destination_row, choose);
  adw_action_row_set_activatable_widget (self->destination_row, choose);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->destination_row));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}


/* --- the window ------------------------------------------------------------------------- */

static gboolean
calque_export_dialog_close_request (GtkWindow *window)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (window);

  /* Closing stops the export; its writer removes what it had written. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (calque_export_dialog_parent_class)->close_request (window);
}

static void
calque_export_dialog_dispose (GObject *object)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (object);

  self->disposed = TRUE;
  stop_pulse (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->annotators_cancellable != NULL)
    g_cancellable_cancel (self->annotators_cancellable);
  g_clear_object (&self->annotators_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->workspace);
  g_clear_object (&self->project);
  g_clear_object (&self->annotators);

  G_OBJECT_CLASS (calque_export_dialog_parent_class)->dispose (object);
}

static void
calque_export_dialog_finalize (GObject *object)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (object);

  g_free (self->destination);
  g_free (self->result_folder);
  g_clear_pointer (&self->formats, g_ptr_array_unref);
  g_clear_pointer (&self->label_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (calque_export_dialog_parent_class)->finalize (object);
}

static void
calque_export_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (object);

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
calque_export_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CalqueExportDialog *self = CALQUE_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      /* While an export runs, its format stays the one shown. */
      if (g_value_get_string (value) != NULL && self->cancellable == NULL)
        calque_export_dialog_set_format (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
calque_export_dialog_class_init (CalqueExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = calque_export_dialog_dispose;
  object_class->finalize = calque_export_dialog_finalize;
  object_class->get_property = calque_export_dialog_get_property;
  object_class->set_property = calque_export_dialog_set_property;
  window_class->close_request = calque_export_dialog_close_request;

  /**
   * CalqueExportDialog:format:
   *
   * The name of the format chosen ("json"), one that serves the project.
   */
  properties[PROP_FORMAT] =
    g_param_spec_string ("format", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The format's radio buttons. */
  gtk_widget_class_install_property_action (widget_class, "export.format", "format");

  gtk_widget_class_install_action (widget_class, "export.start", NULL, start_activated_cb);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "export.choose-destination", NULL, choose_destination_activated_cb);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_activated_cb);
  gtk_widget_class_install_action (widget_class, "export.back", NULL, back_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
calque_export_dialog_init (CalqueExportDialog *self)
{
  static const CalqueJobPagesSpec spec = {
    .title = N_("Export"),
    .action_label = N_("_Export"),
    .action_name = "export.start",
    .progress_name = N_("Export progress"),
    .progress_icon = "document-save-symbolic",
    .progress_title = N_("Exporting…"),
    .done_title = N_("Export Complete"),
    .done_button = N_("_Open Folder"),
    .done_action = "export.open-folder",
    .error_title = N_("Export Failed"),
    .back_action = "export.back",
  };
  CalqueJobPages pages;

  self->formats = g_ptr_array_new ();
  self->label_checks = g_ptr_array_new ();
  calque_job_pages_build (ADW_WINDOW (self), &spec, &pages);
  self->title = pages.title;
  self->close_button = pages.close_button;
  self->export_button = pages.action_button;
  self->stack = pages.stack;
  self->progress_bar = pages.progress_bar;
  self->progress_label = pages.progress_label;
  self->progress_page = pages.progress_page;
  self->summary_label = pages.summary_label;
  self->error_label = pages.error_label;
  self->toasts = pages.toasts;
  show_page (self, "options");
}

CalqueExportDialog *
calque_export_dialog_new (GtkWindow       *parent,
                          CalqueWorkspace *workspace,
                          CalqueRecord    *project)
{
  CalqueExportDialog *self;
  CalqueMediaType type;
  GtkWidget *page;
  const char *name;

  g_return_val_if_fail (CALQUE_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (CALQUE_IS_RECORD (project), NULL);

  self = g_object_new (CALQUE_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->project = g_object_ref (project);
  /* An unknown type (a newer Calque's) is served by no format. */
  if (calque_media_type_from_string (calque_record_get_string (project, "type"), &type))
    self->media = CALQUE_EXPORT_MEDIA (type);

  name = calque_record_get_string (project, "name");
  adw_window_title_set_subtitle (self->title, name != NULL ? name : "");

  page = gtk_stack_get_child_by_name (self->stack, "options");
  add_formats (self, page);
  add_filters (self, page);
  add_output (self, page);
  /* The first format that serves the project is chosen: the native one. */
  if (self->formats->len > 0)
    calque_export_dialog_set_format (self, ((const CalqueExportFormat *) self->formats->pdata[0])->name);
  else
    update_filters (self);
  update_destination_row (self);

  read_annotators (self);
  return self;
}

CalqueWorkspace *
calque_export_dialog_get_workspace (CalqueExportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), NULL);

  return self->workspace;
}

const char *
calque_export_dialog_get_project_id (CalqueExportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), NULL);

  return self->project != NULL ? calque_record_get_id (self->project) : NULL;
}

const char *
calque_export_dialog_get_format (CalqueExportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), NULL);

  return self->format != NULL ? self->format->name : NULL;
}

gboolean
calque_export_dialog_set_format (CalqueExportDialog *self,
                                 const char         *name)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->formats->len; i++)
    {
      const CalqueExportFormat *format = self->formats->pdata[i];

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
calque_export_dialog_set_destination (CalqueExportDialog *self,
                                      const char         *path)
{
  g_return_if_fail (CALQUE_IS_EXPORT_DIALOG (self));

  g_free (self->destination);
  self->destination = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  update_destination_row (self);
  update_actions (self);
}

gboolean
calque_export_dialog_get_busy (CalqueExportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), FALSE);

  return self->cancellable != NULL || self->annotators_cancellable != NULL;
}

gboolean
calque_export_dialog_get_exporting (CalqueExportDialog *self)
{
  g_return_val_if_fail (CALQUE_IS_EXPORT_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}
