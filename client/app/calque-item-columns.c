/* calque-item-columns.c — the columns of the item table */
#define G_LOG_DOMAIN "calque-item-columns"

#include <glib/gi18n-lib.h>

#include "calque-comment-column.h"
#include "calque-format.h"
#include "calque-item-columns.h"
#include "calque-record.h"

/* The thumbnail's square in a row: a 128 px thumbnail shown at 40 px stays
 * sharp on a 2× screen, and the row stays about two lines of text high. */
#define THUMBNAIL_DISPLAY_SIZE 40
/* The media-type icon shown until then, or for items without one. */
#define PLACEHOLDER_ICON_SIZE 24

/* What the cells of one view share; each factory holds a reference. */
typedef struct {
  CalqueThumbnailCache *thumbnails;
  CalqueItemFilter     *states;
  GtkColumnViewColumn  *state_column;  /* owned by the view */
} ColumnsData;

/* A signal handler that a bound cell waits on, kept on the cell's widget
 * under a key; clearing the key (unbind, teardown, finalization of the
 * widget) disconnects it, so that cells scrolled away leave nothing
 * connected behind them. */
typedef struct {
  GObject *instance;
  gulong   handler_id;
} CellHandler;

static void
columns_data_clear (ColumnsData *data)
{
  g_clear_object (&data->thumbnails);
  g_clear_object (&data->states);
}

static void
cell_handler_free (gpointer user_data)
{
  CellHandler *handler = user_data;

  g_clear_signal_handler (&handler->handler_id, handler->instance);
  g_object_unref (handler->instance);
  g_free (handler);
}

static void
cell_connect (GtkWidget  *widget,
              const char *key,
              gpointer    instance,
              const char *signal,
              GCallback   callback,
              gpointer    user_data)
{
  CellHandler *handler = g_new0 (CellHandler, 1);

  handler->instance = g_object_ref (instance);
  handler->handler_id = g_signal_connect (instance, signal, callback, user_data);
  g_object_set_data_full (G_OBJECT (widget), key, handler, cell_handler_free);
}

static void
cell_disconnect (GtkWidget  *widget,
                 const char *key)
{
  g_object_set_data (G_OBJECT (widget), key, NULL);
}

static void
release_columns_data (ColumnsData *data)
{
  g_rc_box_release_full (data, (GDestroyNotify) columns_data_clear);
}

static void
columns_data_closure_notify (gpointer  data,
                             GClosure *closure)
{
  release_columns_data (data);
}

#define THUMBNAIL_HANDLER "calque-thumbnail-handler"
#define STATE_HANDLER     "calque-state-handler"

static char *
dup_item_name (CalqueRecord *item,
               gpointer      user_data)
{
  const char *name;

  if (item == NULL)
    return NULL;
  name = calque_record_get_string (item, "name");
  return g_strdup (name != NULL ? name : "");
}

static char *
dup_item_kind (CalqueRecord *item,
               gpointer      user_data)
{
  if (item == NULL)
    return NULL;
  return g_strdup (calque_format_media_kind (calque_record_get_string (item, "media")));
}

static GtkWidget *
new_cell_label (const char *css_class,
                int         max_width_chars)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* Without a bound, a long name or text would claim every column's share
   * of the spare width, and the columns would move with each project. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), max_width_chars);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* The texture of a thumbnail, made once per pixbuf and kept with it: a
 * row bound again (scrolling back) does not copy the pixels again. */
static GdkPaintable *
get_thumbnail_texture (GdkPixbuf *pixbuf)
{
  GdkTexture *texture = g_object_get_data (G_OBJECT (pixbuf), "calque-texture");

  if (texture == NULL)
    {
      texture = gdk_texture_new_for_pixbuf (pixbuf);
      g_object_set_data_full (G_OBJECT (pixbuf), "calque-texture", texture, g_object_unref);
    }
  return GDK_PAINTABLE (texture);
}

static void
show_thumbnail (GtkImage  *image,
                GdkPixbuf *pixbuf)
{
  gtk_image_set_from_paintable (image, get_thumbnail_texture (pixbuf));
  gtk_image_set_pixel_size (image, THUMBNAIL_DISPLAY_SIZE);
  gtk_widget_remove_css_class (GTK_WIDGET (image), "dim-label");
}

static void
show_placeholder (GtkImage   *image,
                  const char *media)
{
  gtk_image_set_from_icon_name (image, calque_format_media_icon (media));
  gtk_image_set_pixel_size (image, PLACEHOLDER_ICON_SIZE);
  gtk_widget_add_css_class (GTK_WIDGET (image), "dim-label");
}

static void
thumbnail_ready_cb (CalqueThumbnailCache *cache,
                    const char           *sha256,
                    GtkListItem          *list_item)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* Every waiting cell hears every thumbnail; only a screenful waits. */
  if (item == NULL || g_strcmp0 (calque_record_get_string (item, "sha256"), sha256) != 0)
    return;

  pixbuf = calque_thumbnail_cache_lookup (cache, sha256);
  if (pixbuf != NULL)
    show_thumbnail (GTK_IMAGE (image), pixbuf);
  /* Nothing more will come for this cell. */
  cell_disconnect (image, THUMBNAIL_HANDLER);
}

static void
name_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               ColumnsData              *data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *image = gtk_image_new ();

  /* A fixed square, thumbnail or icon: rows keep one height, and the
   * names stay aligned. */
  gtk_widget_set_size_request (image, THUMBNAIL_DISPLAY_SIZE, THUMBNAIL_DISPLAY_SIZE);
  gtk_widget_add_css_class (image, "item-thumbnail");
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), new_cell_label ("item-name", 30));
  gtk_list_item_set_child (list_item, box);
}

static void
name_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              ColumnsData              *data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  g_autofree char *name = dup_item_name (item, NULL);
  const char *media = calque_record_get_string (item, "media");
  const char *sha256 = calque_record_get_string (item, "sha256");
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  gtk_label_set_text (GTK_LABEL (label), name);
  /* Names are often longer than the column: the tooltip has all of it. */
  gtk_widget_set_tooltip_text (label, name);

  /* Memory only: a miss is queued for the cache's threads, and the cell
   * waits for thumbnail-ready. Binding must stay cheap for a fast scroll
   * through 100,000 rows. */
  if (data->thumbnails != NULL && sha256 != NULL && g_strcmp0 (media, "image") == 0)
    pixbuf = calque_thumbnail_cache_lookup (data->thumbnails, sha256);

  if (pixbuf != NULL)
    show_thumbnail (GTK_IMAGE (image), pixbuf);
  else
    {
      show_placeholder (GTK_IMAGE (image), media);
      if (data->thumbnails != NULL && sha256 != NULL && g_strcmp0 (media, "image") == 0 &&
          calque_thumbnail_cache_get_status (data->thumbnails, sha256, NULL) == CALQUE_THUMBNAIL_STATUS_PENDING)
        cell_connect (image, THUMBNAIL_HANDLER, data->thumbnails, "thumbnail-ready",
                      G_CALLBACK (thumbnail_ready_cb), list_item);
    }
}

static void
name_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                ColumnsData              *data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);

  if (box != NULL)
    cell_disconnect (gtk_widget_get_first_child (box), THUMBNAIL_HANDLER);
}

static void
state_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                ColumnsData              *data)
{
  gtk_list_item_set_child (list_item, new_cell_label ("item-state", 14));
}

static void
update_state (GtkListItem *list_item,
              ColumnsData *data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *state = NULL;

  if (item != NULL && data->states != NULL)
    state = calque_item_filter_get_user_state (data->states, calque_record_get_id (item));
  gtk_label_set_text (GTK_LABEL (label), calque_format_task_state (state));
}

typedef struct {
  GtkListItem *list_item;
  ColumnsData *data;
} StateCell;

static void
states_loaded_cb (CalqueItemFilter *filter,
                  StateCell        *cell)
{
  update_state (cell->list_item, cell->data);
}

static void
state_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               ColumnsData              *data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  update_state (list_item, data);
  /* A reload or a sync changes states of items that stay in view. */
  if (data->states != NULL)
    {
      StateCell *cell = g_object_get_data (G_OBJECT (label), "calque-state-cell");

      if (cell == NULL)
        {
          cell = g_new0 (StateCell, 1);
          cell->list_item = list_item;
          cell->data = data;
          g_object_set_data_full (G_OBJECT (label), "calque-state-cell", cell, g_free);
        }
      cell_connect (label, STATE_HANDLER, data->states, "loaded", G_CALLBACK (states_loaded_cb), cell);
    }
}

static void
state_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ColumnsData              *data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  if (label != NULL)
    cell_disconnect (label, STATE_HANDLER);
}

static void
kind_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new ();

  gtk_widget_add_css_class (icon, "dim-label");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), new_cell_label ("item-kind", 12));
  gtk_list_item_set_child (list_item, box);
}

static void
kind_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  const char *media = calque_record_get_string (item, "media");
  const char *mime = calque_record_get_string (item, "mime");

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), calque_format_media_icon (media));
  gtk_label_set_text (GTK_LABEL (label), calque_format_media_kind (media));
  gtk_widget_set_tooltip_text (box, mime);
}

static void
details_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *label = new_cell_label ("item-details", 50);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (list_item, label);
}

static void
details_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *details = calque_format_item_details (item);

  gtk_label_set_text (GTK_LABEL (label), details);
  gtk_widget_set_tooltip_text (label, details);
}

static GtkColumnViewColumn *
new_column (const char  *title,
            ColumnsData *data,
            GCallback    setup_cb,
            GCallback    bind_cb,
            GCallback    unbind_cb,
            GCallback    sort_key_func)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect_data (factory, "setup", setup_cb, g_rc_box_acquire (data),
                         columns_data_closure_notify, 0);
  g_signal_connect (factory, "bind", bind_cb, data);
  if (unbind_cb != NULL)
    {
      g_signal_connect (factory, "unbind", unbind_cb, data);
      /* A cell destroyed while bound is not always unbound first. */
      g_signal_connect (factory, "teardown", unbind_cb, data);
    }
  column = gtk_column_view_column_new (title, factory);

  if (sort_key_func != NULL)
    {
      GtkExpression *expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                               sort_key_func, NULL, NULL);
      GtkStringSorter *sorter = gtk_string_sorter_new (expression);

      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      g_object_unref (sorter);
    }

  return column;
}

static ColumnsData *
get_columns_data (GtkColumnView *view)
{
  ColumnsData *data = g_object_get_data (G_OBJECT (view), "calque-item-columns");

  g_return_val_if_fail (data != NULL, NULL);
  return data;
}

void
calque_item_columns_add_to (GtkColumnView *view)
{
  g_autoptr(GtkColumnViewColumn) name = NULL;
  g_autoptr(GtkColumnViewColumn) state = NULL;
  g_autoptr(GtkColumnViewColumn) kind = NULL;
  g_autoptr(GtkColumnViewColumn) details = NULL;
  ColumnsData *data;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  data = g_rc_box_new0 (ColumnsData);
  g_object_set_data_full (G_OBJECT (view), "calque-item-columns", data,
                          (GDestroyNotify) release_columns_data);

  name = new_column (_("Name"), data, G_CALLBACK (name_setup_cb), G_CALLBACK (name_bind_cb),
                     G_CALLBACK (name_unbind_cb), G_CALLBACK (dup_item_name));
  gtk_column_view_column_set_expand (name, TRUE);
  gtk_column_view_column_set_resizable (name, TRUE);
  gtk_column_view_append_column (view, name);

  /* Shown once the view is told the user's tasks. */
  state = new_column (_("State"), data, G_CALLBACK (state_setup_cb), G_CALLBACK (state_bind_cb),
                      G_CALLBACK (state_unbind_cb), NULL);
  gtk_column_view_column_set_fixed_width (state, 120);
  gtk_column_view_column_set_visible (state, FALSE);
  gtk_column_view_append_column (view, state);
  data->state_column = state;
  calque_comment_column_add_to (view);

  kind = new_column (_("Kind"), data, G_CALLBACK (kind_setup_cb), G_CALLBACK (kind_bind_cb),
                     NULL, G_CALLBACK (dup_item_kind));
  gtk_column_view_column_set_fixed_width (kind, 120);
  gtk_column_view_append_column (view, kind);

  details = new_column (_("Details"), data, G_CALLBACK (details_setup_cb), G_CALLBACK (details_bind_cb),
                        NULL, NULL);
  gtk_column_view_column_set_expand (details, TRUE);
  gtk_column_view_column_set_resizable (details, TRUE);
  gtk_column_view_append_column (view, details);
}

void
calque_item_columns_set_thumbnails (GtkColumnView        *view,
                                    CalqueThumbnailCache *cache)
{
  ColumnsData *data;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (cache == NULL || CALQUE_IS_THUMBNAIL_CACHE (cache));

  data = get_columns_data (view);
  /* Rows bound from now on use it; the window sets it before the items. */
  g_set_object (&data->thumbnails, cache);
}

void
calque_item_columns_set_task_states (GtkColumnView    *view,
                                     CalqueItemFilter *filter)
{
  ColumnsData *data;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (filter == NULL || CALQUE_IS_ITEM_FILTER (filter));

  data = get_columns_data (view);
  g_set_object (&data->states, filter);
  gtk_column_view_column_set_visible (data->state_column, filter != NULL);
  calque_comment_column_follow (view, filter);
}
