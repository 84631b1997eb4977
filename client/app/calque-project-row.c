/* calque-project-row.c — one project in the sidebar: icon, name, item count */
#define G_LOG_DOMAIN "calque-project-row"

#include "calque-format.h"
#include "calque-project-row.h"

struct _CalqueProjectRow
{
  GtkWidget     parent_instance;

  CalqueRecord *project;

  GtkImage     *icon;
  GtkLabel     *name_label;
  GtkLabel     *caption_label;
};

G_DEFINE_FINAL_TYPE (CalqueProjectRow, calque_project_row, GTK_TYPE_WIDGET)

static void
calque_project_row_dispose (GObject *object)
{
  CalqueProjectRow *self = CALQUE_PROJECT_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), CALQUE_TYPE_PROJECT_ROW);
  /* The template's unnamed boxes are ours to unparent too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (calque_project_row_parent_class)->dispose (object);
}

static void
calque_project_row_class_init (CalqueProjectRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = calque_project_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/calque/Calque/ui/calque-project-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CalqueProjectRow, icon);
  gtk_widget_class_bind_template_child (widget_class, CalqueProjectRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CalqueProjectRow, caption_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "calqueprojectrow");
}

static void
calque_project_row_init (CalqueProjectRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
calque_project_row_new (void)
{
  return g_object_new (CALQUE_TYPE_PROJECT_ROW, NULL);
}

void
calque_project_row_set_project (CalqueProjectRow *self,
                                CalqueRecord     *project,
                                gint64            n_items)
{
  const char *name;
  const char *type;
  const char *description;

  g_return_if_fail (CALQUE_IS_PROJECT_ROW (self));
  g_return_if_fail (project == NULL || CALQUE_IS_RECORD (project));

  g_set_object (&self->project, project);

  if (project == NULL)
    {
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->caption_label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  name = calque_record_get_string (project, "name");
  type = calque_record_get_string (project, "type");
  description = calque_record_get_string (project, "description");

  gtk_label_set_text (self->name_label, name != NULL ? name : "");
  gtk_image_set_from_icon_name (self->icon, calque_format_media_icon (type));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->icon), calque_format_media_kind (type));

  if (n_items >= 0)
    {
      g_autofree char *caption = calque_format_item_count (n_items);
      gtk_label_set_text (self->caption_label, caption);
    }
  else
    gtk_label_set_text (self->caption_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), n_items >= 0);

  /* Tooltips are plain text: descriptions are user text. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               description != NULL && *description != '\0' ? description : NULL);
}

CalqueRecord *
calque_project_row_get_project (CalqueProjectRow *self)
{
  g_return_val_if_fail (CALQUE_IS_PROJECT_ROW (self), NULL);

  return self->project;
}
