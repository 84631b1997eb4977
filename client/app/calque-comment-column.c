/* calque-comment-column.c — the item table's column of unread comments */
#define G_LOG_DOMAIN "calque-comment-column"

#include "calque-comment-column.h"

#include <glib/gi18n-lib.h>

#include "calque-item-comments.h"

#define DATA_KEY "calque-comment-column"

/* What the cells of one view share. */
typedef struct {
  CalqueItemFilter *filter;     /* nullable */
  gulong            loaded_id;
  GHashTable       *unread;     /* item id → GUINT count; nullable */
  guint             total;
  GtkColumnViewColumn *column;  /* owned by the view */
  GPtrArray        *cells;      /* GtkListItem, bound now (borrowed) */
} ColumnData;

static void
column_data_free (gpointer user_data)
{
  ColumnData *data = user_data;

  if (data->filter != NULL)
    g_clear_signal_handler (&data->loaded_id, data->filter);
  g_clear_object (&data->filter);
  g_clear_pointer (&data->unread, g_hash_table_unref);
  g_ptr_array_unref (data->cells);
  g_free (data);
}

static ColumnData *
get_data (GtkColumnView *view)
{
  return g_object_get_data (G_OBJECT (view), DATA_KEY);
}

static void
update_cell (GtkListItem *list_item,
             ColumnData  *data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  guint n = 0;
  g_autofree char *text = NULL;

  if (item != NULL && data->unread != NULL)
    n = GPOINTER_TO_UINT (g_hash_table_lookup (data->unread, calque_record_get_id (item)));
  if (n == 0)
    {
      gtk_label_set_text (GTK_LABEL (label), "");
      gtk_widget_set_tooltip_text (label, NULL);
      return;
    }
  /* Translators: unread comments on an item, in the item table */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new", "%u new", n), n);
  gtk_label_set_text (GTK_LABEL (label), text);
  g_free (text);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread comment", "%u unread comments", n), n);
  gtk_widget_set_tooltip_text (label, text);
}

/* The project's total in the column's title: "Comments (12)". */
static void
update_title (ColumnData *data)
{
  g_autofree char *title = NULL;

  if (data->total == 0)
    {
      gtk_column_view_column_set_title (data->column, _("Comments"));
      return;
    }
  /* Translators: the title of the item table's column, with the unread comments of the project */
  title = g_strdup_printf (_("Comments (%u)"), data->total);
  gtk_column_view_column_set_title (data->column, title);
}

static void
filter_loaded_cb (CalqueItemFilter *filter,
                  ColumnData       *data)
{
  g_autoptr(GError) error = NULL;
  const char *project = calque_item_filter_get_project (filter);
  const char *user = calque_item_filter_get_user (filter);

  g_clear_pointer (&data->unread, g_hash_table_unref);
  data->total = 0;
  if (project != NULL && user != NULL)
    {
      data->unread = calque_comments_count_unread (calque_item_filter_get_store (filter), project, user, &data->total,
                                                   &error);
      if (data->unread == NULL)
        g_warning ("cannot count the unread comments of project %s: %s", project, error->message);
    }
  update_title (data);
  for (guint i = 0; i < data->cells->len; i++)
    update_cell (g_ptr_array_index (data->cells, i), data);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "calque-unread-comments");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         GtkColumnView            *view)
{
  ColumnData *data = get_data (view);

  if (data == NULL)
    return;
  g_ptr_array_add (data->cells, list_item);
  update_cell (list_item, data);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           GtkColumnView            *view)
{
  ColumnData *data = get_data (view);

  if (data != NULL)
    g_ptr_array_remove_fast (data->cells, list_item);
}

void
calque_comment_column_add_to (GtkColumnView *view)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  ColumnData *data = g_new0 (ColumnData, 1);

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  data->cells = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (view), DATA_KEY, data, column_data_free);
  /* The view outlives its factories' cells; they look the data up on it. */
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), view);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), view);
  g_signal_connect (factory, "teardown", G_CALLBACK (unbind_cb), view);
  column = gtk_column_view_column_new (_("Comments"), factory);
  gtk_column_view_column_set_fixed_width (column, 130);
  data->column = column;
  gtk_column_view_append_column (view, column);
}

void
calque_comment_column_follow (GtkColumnView    *view,
                              CalqueItemFilter *filter)
{
  ColumnData *data;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (filter == NULL || CALQUE_IS_ITEM_FILTER (filter));

  data = get_data (view);
  g_return_if_fail (data != NULL);
  if (data->filter != NULL)
    g_clear_signal_handler (&data->loaded_id, data->filter);
  g_set_object (&data->filter, filter);
  g_clear_pointer (&data->unread, g_hash_table_unref);
  data->total = 0;
  update_title (data);
  /* Connected before the cells' handlers: the counts are read first. */
  if (filter != NULL)
    data->loaded_id = g_signal_connect (filter, "loaded", G_CALLBACK (filter_loaded_cb), data);
}

guint
calque_comment_column_get_unread (GtkColumnView *view,
                                  const char    *item_id)
{
  ColumnData *data;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), 0);

  data = get_data (view);
  if (data == NULL || data->unread == NULL || item_id == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (data->unread, item_id));
}

guint
calque_comment_column_get_total (GtkColumnView *view)
{
  ColumnData *data;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), 0);

  data = get_data (view);
  return data != NULL ? data->total : 0;
}
