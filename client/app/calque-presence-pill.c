/* calque-presence-pill.c — “Also here: bruno, chloe” on the item page */
#define G_LOG_DOMAIN "calque-presence-pill"

#include "calque-presence-pill.h"

#include <glib/gi18n-lib.h>

#include "calque-avatar-row.h"

#define AVATAR_SIZE 20

struct _CalquePresencePill
{
  GtkBox     parent_instance;

  GtkWidget *avatars;
  GtkWidget *label;
};

G_DEFINE_FINAL_TYPE (CalquePresencePill, calque_presence_pill, GTK_TYPE_BOX)

static void
calque_presence_pill_class_init (CalquePresencePillClass *klass)
{
}

static void
calque_presence_pill_init (CalquePresencePill *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 6);

  self->avatars = calque_avatar_row_new (AVATAR_SIZE);
  gtk_box_append (GTK_BOX (self), self->avatars);

  self->label = gtk_label_new (NULL);
  gtk_label_set_use_markup (GTK_LABEL (self->label), FALSE);
  gtk_label_set_single_line_mode (GTK_LABEL (self->label), TRUE);
  /* Many people on one item must not widen the toolbar past the window. */
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (self->label), 40);
  gtk_widget_add_css_class (self->label, "dim-label");
  gtk_box_append (GTK_BOX (self), self->label);

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
calque_presence_pill_new (void)
{
  return g_object_new (CALQUE_TYPE_PRESENCE_PILL, NULL);
}

void
calque_presence_pill_set_names (CalquePresencePill *self,
                                const char * const *names)
{
  gboolean anyone = names != NULL && names[0] != NULL;
  g_autofree char *list = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CALQUE_IS_PRESENCE_PILL (self));

  calque_avatar_row_set_names (CALQUE_AVATAR_ROW (self->avatars), names);
  gtk_widget_set_visible (GTK_WIDGET (self), anyone);
  if (!anyone)
    {
      gtk_label_set_text (GTK_LABEL (self->label), "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  /* Translators: the separator between names in a list of people */
  list = g_strjoinv (_(", "), (char **) names);
  /* Translators: %s is a list of user names: “bruno, chloe” */
  text = g_strdup_printf (_("Also here: %s"), list);
  gtk_label_set_text (GTK_LABEL (self->label), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
}

const char *
calque_presence_pill_get_text (CalquePresencePill *self)
{
  g_return_val_if_fail (CALQUE_IS_PRESENCE_PILL (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->label));
}
