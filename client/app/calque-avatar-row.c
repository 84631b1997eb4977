/* calque-avatar-row.c — a few people, as small avatars with their initials */
#define G_LOG_DOMAIN "calque-avatar-row"

#include "calque-avatar-row.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

/* More than this many avatars would not fit a table cell; the others are
 * counted. */
#define MAX_AVATARS 3

struct _CalqueAvatarRow
{
  GtkBox  parent_instance;

  int     size;
  char  **names;
};

G_DEFINE_FINAL_TYPE (CalqueAvatarRow, calque_avatar_row, GTK_TYPE_BOX)

static void
remove_children (CalqueAvatarRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
}

static void
calque_avatar_row_finalize (GObject *object)
{
  CalqueAvatarRow *self = CALQUE_AVATAR_ROW (object);

  g_strfreev (self->names);
  G_OBJECT_CLASS (calque_avatar_row_parent_class)->finalize (object);
}

static void
calque_avatar_row_class_init (CalqueAvatarRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = calque_avatar_row_finalize;
}

static void
calque_avatar_row_init (CalqueAvatarRow *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 2);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
calque_avatar_row_new (int size)
{
  CalqueAvatarRow *self = g_object_new (CALQUE_TYPE_AVATAR_ROW, NULL);

  self->size = size;
  return GTK_WIDGET (self);
}

void
calque_avatar_row_set_names (CalqueAvatarRow    *self,
                             const char * const *names)
{
  guint n = names != NULL ? g_strv_length ((char **) names) : 0;
  guint shown = n > MAX_AVATARS ? MAX_AVATARS - 1 : n;
  g_autofree char *all = NULL;

  g_return_if_fail (CALQUE_IS_AVATAR_ROW (self));

  /* A live list is set again at every presence change, mostly the same. */
  if (self->names != NULL && names != NULL && g_strv_equal ((const char * const *) self->names, names))
    return;
  if (self->names == NULL && n == 0)
    return;

  g_clear_pointer (&self->names, g_strfreev);
  remove_children (self);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  if (n == 0)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }
  self->names = g_strdupv ((char **) names);

  for (guint i = 0; i < shown; i++)
    {
      /* The initials and the color both come from the name, so a person
       * looks the same in every row. */
      GtkWidget *avatar = adw_avatar_new (self->size, names[i], TRUE);

      gtk_box_append (GTK_BOX (self), avatar);
    }
  if (shown < n)
    {
      g_autofree char *more = g_strdup_printf ("+%u", n - shown);
      GtkWidget *label = gtk_label_new (more);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (self), label);
    }

  /* Translators: the separator between names in a list of people */
  all = g_strjoinv (_(", "), self->names);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), all);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, all, -1);
}

const char * const *
calque_avatar_row_get_names (CalqueAvatarRow *self)
{
  g_return_val_if_fail (CALQUE_IS_AVATAR_ROW (self), NULL);

  return (const char * const *) self->names;
}
