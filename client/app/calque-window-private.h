/* calque-window-private.h — what the files of CalqueWindow share */
#pragma once

#include "calque-item-filter.h"
#include "calque-item-presence.h"
#include "calque-sync-button.h"
#include "calque-sync-manager.h"
#include "calque-window.h"

G_BEGIN_DECLS

struct _CalqueWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;        /* nullable: schema not installed */
  CalqueWorkspace      *workspace;       /* NULL while showing an error */
  char                 *path;            /* the folder shown, or that failed */

  GListStore           *projects;        /* of CalqueRecord, by name */
  GtkSingleSelection   *project_selection;
  GHashTable           *item_counts;     /* project id → gint64 * */

  GListStore           *items;           /* of CalqueRecord, oldest first */
  GtkSingleSelection   *item_selection;

  GtkFileChooserNative *chooser;
  GtkWidget            *agreement_window; /* weak: the Annotator Agreement window open */
  GtkWidget            *dashboard_window; /* weak: the Progress Dashboard open */
  GtkWidget            *export_dialog;    /* weak: the Export dialog open */
  GtkWidget            *assign_dialog;    /* weak: the Assign dialog open */
  GtkWidget            *import_dialog;    /* weak: the Import Annotations dialog open */
  GtkWidget            *review_window;    /* weak: the Review window open */
  struct _CalqueNotifier *notifier;       /* news for the person in the project shown */

  /* Set while the models are refilled, so that the selection moving under
   * us is not taken for the user's choice. */
  guint                 loading : 1;

  /* Syncing (calque-window-sync.c) */
  CalqueSyncManager    *sync;            /* NULL while no workspace is open */
  guint                 reload_id;       /* a reload after changes came in */
  gboolean              live_reload;     /* the reload under way is that one */
  AdwToast             *refused_toast;   /* shown while refusals come in */
  guint                 n_refused_toast; /* how many that toast counts */
  char                 *items_project;   /* the project whose items are shown */

  /* The item open for annotation (calque-window-item.c) */
  GtkWidget            *item_page;       /* a CalqueItemPage, the "item" page of content_stack */
  GtkWidget            *close_item_button;
  GtkWidget            *item_sync_button; /* the sync state while the sidebar is hidden */
  GtkWidget            *item_menu_button; /* and the main menu */

  /* Thumbnails and the filter of the item list (calque-window-filter.c) */
  GtkFilterListModel   *filtered_items;  /* items → filtered → sorted */
  CalqueItemFilter     *item_filter;     /* NULL while no workspace is open */
  GtkWidget            *filter_button;
  GtkWidget            *mine_check;
  GtkWidget            *state_dropdown;
  GtkWidget            *label_dropdown;
  GPtrArray            *filter_label_ids; /* char *, the label dropdown's ids after "Any" */
  gint64                filter_loaded_us; /* when the filter last read the project */
  char                 *filter_project;   /* which project it read */
  guint                 filter_load_id;   /* a deferred read */

  /* Who else is on which item (calque-window-presence.c) */
  CalqueItemPresence   *item_presence;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  CalqueSyncButton     *sync_button;
  GtkWidget            *no_projects_sign_in_button;
  AdwLeaflet           *leaflet;
  AdwWindowTitle       *window_title;
  AdwWindowTitle       *content_title;
  GtkListView          *project_view;
  GtkColumnView        *item_view;
  GtkStack             *content_stack;
  AdwStatusPage        *error_page;
  AdwStatusPage        *empty_project_page;
};

/* The workspace changed under the window: the dashboard counts again. */
void _calque_window_workspace_changed  (CalqueWindow    *self);
/* Another window or dialog wrote tasks, reviews or items: the list shows
 * them, and the sync sends them. */
void _calque_window_saved_elsewhere    (CalqueWindow    *self);

/* calque-window-sync.c: signing in, the sync state, live updates, and
 * what the server refused. */
void _calque_window_sync_init          (CalqueWindow    *self);
/* Syncs @workspace (NULL: none) from now on. */
void _calque_window_sync_set_workspace (CalqueWindow    *self,
                                        CalqueWorkspace *workspace);
void _calque_window_sync_dispose       (CalqueWindow    *self);
/* The user asked to reload: ask the server again too. */
void _calque_window_sync_refresh       (CalqueWindow    *self);

/* calque-window-item.c: opening an item of the list in the canvas. */
void _calque_window_item_init          (CalqueWindow    *self);
/* The item open, or NULL. */
CalqueRecord *_calque_window_item_get_open (CalqueWindow *self);
/* Closes the item when another workspace or project is shown. */
void _calque_window_item_close         (CalqueWindow    *self);
/* The list was read again: select the open item in it. */
void _calque_window_item_reselect      (CalqueWindow    *self);
/* Opens the open item again (its image arrived). */
void _calque_window_item_reopen        (CalqueWindow    *self);
/* Opens the item @item_id of the project shown, showing the items the
 * filter hides if need be; says so in a toast when it is not there. */
gboolean _calque_window_item_open_id   (CalqueWindow    *self,
                                        const char      *item_id);
/* The sync brought changes to @ids. */
void _calque_window_item_reload        (CalqueWindow       *self,
                                        const char * const *ids);

/* calque-window-presence.c: the item open, told to the server; who else
 * is where, shown. */
void _calque_window_presence_init        (CalqueWindow    *self);
/* self->sync was set (or cleared). */
void _calque_window_presence_set_manager (CalqueWindow    *self);
/* The item open or the project shown changed. */
void _calque_window_presence_update      (CalqueWindow    *self);
void _calque_window_presence_dispose     (CalqueWindow    *self);

/* calque-window-review.c: the Review window (win.review). */
void _calque_window_review_activated     (GSimpleAction   *action,
                                          GVariant        *parameter,
                                          gpointer         user_data);
/* Closes it when another workspace is shown. */
void _calque_window_review_close         (CalqueWindow    *self);

/* calque-window-filter.c */
void _calque_window_filter_init          (CalqueWindow    *self);
void _calque_window_filter_set_workspace (CalqueWindow    *self,
                                          CalqueWorkspace *workspace);
/* Shows every item again. */
void _calque_window_filter_clear         (CalqueWindow    *self);
/* The items of @project were read again: so are the filter's sets. */
void _calque_window_filter_load          (CalqueWindow    *self,
                                          CalqueRecord    *project);
void _calque_window_filter_dispose       (CalqueWindow    *self);

/* Whose name the person's work carries: the signed-in user, or this
 * computer's user when the workspace is local. */
char *_calque_window_dup_person   (CalqueWindow       *self);

/* calque-window-notify.c: toasts for a new task, a task sent back, a
 * mention, among changes pulled for @project_id. */
void _calque_window_notify        (CalqueWindow       *self,
                                   const char         *project_id,
                                   const char * const *ids);
/* What the person has in the project shown is taken as known, as the
 * store holds it now: when a project is shown, and after a page too
 * large to look at. */
void _calque_window_notify_reset  (CalqueWindow       *self);

G_END_DECLS
