/* calque-item-columns.c — the columns of the item table */
#define G_LOG_DOMAIN "calque-item-columns"

#include <glib/gi18n-lib.h>

#include "calque-format.h"
#include "calque-item-columns.h"
#include "calque-record.h"

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

static void
name_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, new_cell_label ("item-name", 30));
}

static void
name_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CalqueRecord *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *name = dup_item_name (item, NULL);

  gtk_label_set_text (GTK_LABEL (label), name);
  /* Names are often longer than the column: the tooltip has all of it. */
  gtk_widget_set_tooltip_text (label, name);
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
new_column (const char *title,
            GCallback   setup_cb,
            GCallback   bind_cb,
            GCallback   sort_key_func)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup_cb, NULL);
  g_signal_connect (factory, "bind", bind_cb, NULL);
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

void
calque_item_columns_add_to (GtkColumnView *view)
{
  g_autoptr(GtkColumnViewColumn) name = NULL;
  g_autoptr(GtkColumnViewColumn) kind = NULL;
  g_autoptr(GtkColumnViewColumn) details = NULL;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  name = new_column (_("Name"), G_CALLBACK (name_setup_cb), G_CALLBACK (name_bind_cb),
                     G_CALLBACK (dup_item_name));
  gtk_column_view_column_set_expand (name, TRUE);
  gtk_column_view_column_set_resizable (name, TRUE);
  gtk_column_view_append_column (view, name);

  kind = new_column (_("Kind"), G_CALLBACK (kind_setup_cb), G_CALLBACK (kind_bind_cb),
                     G_CALLBACK (dup_item_kind));
  gtk_column_view_column_set_fixed_width (kind, 120);
  gtk_column_view_append_column (view, kind);

  details = new_column (_("Details"), G_CALLBACK (details_setup_cb), G_CALLBACK (details_bind_cb),
                        NULL);
  gtk_column_view_column_set_expand (details, TRUE);
  gtk_column_view_column_set_resizable (details, TRUE);
  gtk_column_view_append_column (view, details);
}
