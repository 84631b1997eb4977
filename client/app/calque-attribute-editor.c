/* calque-attribute-editor.c — the attributes of the selected annotation */
#define G_LOG_DOMAIN "calque-attribute-editor"

#include "calque-attribute-editor.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

struct _CalqueAttributeEditor
{
  GtkBox                 parent_instance;

  CalqueItemAnnotations *annotations;
  char                  *annotation_id;
  GtkWidget             *empty;
  guint                  n_rows;
  gboolean               filling;   /* controls set from the record, not by the person */
};

enum { EDITED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CalqueAttributeEditor, calque_attribute_editor, GTK_TYPE_BOX)

static void
save (CalqueAttributeEditor *self,
      GtkWidget             *control,
      JsonNode              *value)
{
  const char *name = g_object_get_data (G_OBJECT (control), "calque-attribute");
  g_autoptr(GError) error = NULL;

  if (self->filling || self->annotations == NULL || self->annotation_id == NULL)
    return;
  if (calque_item_annotations_set_attribute (self->annotations, self->annotation_id, name, value, &error))
    g_signal_emit (self, signals[EDITED], 0);
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
switch_changed_cb (GtkSwitch             *control,
                   GParamSpec            *pspec,
                   CalqueAttributeEditor *self)
{
  g_autoptr(JsonNode) value = json_node_init_boolean (json_node_alloc (), gtk_switch_get_active (control));

  save (self, GTK_WIDGET (control), value);
}

static void
dropdown_changed_cb (GtkDropDown           *control,
                     GParamSpec            *pspec,
                     CalqueAttributeEditor *self)
{
  GtkStringObject *chosen = gtk_drop_down_get_selected_item (control);
  g_autoptr(JsonNode) value = NULL;

  if (chosen == NULL)
    return;
  value = json_node_init_string (json_node_alloc (), gtk_string_object_get_string (chosen));
  save (self, GTK_WIDGET (control), value);
}

static void
spin_changed_cb (GtkSpinButton         *control,
                 CalqueAttributeEditor *self)
{
  g_autoptr(JsonNode) value = json_node_init_double (json_node_alloc (), gtk_spin_button_get_value (control));

  save (self, GTK_WIDGET (control), value);
}

static void
entry_activated_cb (GtkEntry              *control,
                    CalqueAttributeEditor *self)
{
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (),
                                                     gtk_editable_get_text (GTK_EDITABLE (control)));

  save (self, GTK_WIDGET (control), value);
}

static void
entry_left_cb (GtkEventControllerFocus *focus,
               CalqueAttributeEditor   *self)
{
  GtkWidget *entry = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus));
  JsonNode *stored = g_object_get_data (G_OBJECT (entry), "calque-stored");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* Leaving the field keeps what was typed, as Enter does. */
  if (stored == NULL || g_strcmp0 (json_node_get_string (stored), text) != 0)
    entry_activated_cb (GTK_ENTRY (entry), self);
}

static GtkWidget *
control_for (CalqueAttributeEditor *self,
             JsonObject            *definition,
             JsonNode              *value)
{
  const char *type = json_object_get_string_member_with_default (definition, "type", "text");
  JsonNode *fallback = json_object_get_member (definition, "default");
  GtkWidget *control;

  if (value == NULL)
    value = fallback;

  if (g_strcmp0 (type, "bool") == 0)
    {
      control = gtk_switch_new ();
      gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (control),
                             value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_boolean (value));
      g_signal_connect (control, "notify::active", G_CALLBACK (switch_changed_cb), self);
    }
  else if (g_strcmp0 (type, "enum") == 0)
    {
      JsonArray *options = json_object_get_array_member (definition, "options");
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      guint selected = GTK_INVALID_LIST_POSITION;

      for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
        {
          const char *option = json_array_get_string_element (options, i);

          g_ptr_array_add (names, (gpointer) option);
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && g_strcmp0 (json_node_get_string (value), option) == 0)
            selected = i;
        }
      g_ptr_array_add (names, NULL);
      control = gtk_drop_down_new_from_strings ((const char * const *) names->pdata);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (control), selected);
      g_signal_connect (control, "notify::selected", G_CALLBACK (dropdown_changed_cb), self);
    }
  else if (g_strcmp0 (type, "number") == 0)
    {
      double min = json_object_has_member (definition, "min") ? json_object_get_double_member (definition, "min")
                                                               : -1e9;
      double max = json_object_has_member (definition, "max") ? json_object_get_double_member (definition, "max")
                                                               : 1e9;

      control = gtk_spin_button_new_with_range (min, MAX (min, max), 1);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (control), 2);
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), json_node_get_double (value));
      g_signal_connect (control, "value-changed", G_CALLBACK (spin_changed_cb), self);
    }
  else
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      control = gtk_entry_new ();
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          gtk_editable_set_text (GTK_EDITABLE (control), json_node_get_string (value));
          g_object_set_data_full (G_OBJECT (control), "calque-stored", json_node_copy (value),
                                  (GDestroyNotify) json_node_unref);
        }
      g_signal_connect (control, "activate", G_CALLBACK (entry_activated_cb), self);
      g_signal_connect (focus, "leave", G_CALLBACK (entry_left_cb), self);
      gtk_widget_add_controller (control, focus);
    }
  return control;
}

static void
clear (CalqueAttributeEditor *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != self->empty)
        gtk_box_remove (GTK_BOX (self), child);
      child = next;
    }
  self->n_rows = 0;
}

static void
calque_attribute_editor_dispose (GObject *object)
{
  CalqueAttributeEditor *self = CALQUE_ATTRIBUTE_EDITOR (object);

  g_clear_object (&self->annotations);
  g_clear_pointer (&self->annotation_id, g_free);

  G_OBJECT_CLASS (calque_attribute_editor_parent_class)->dispose (object);
}

static void
calque_attribute_editor_class_init (CalqueAttributeEditorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = calque_attribute_editor_dispose;

  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
}

static void
calque_attribute_editor_init (CalqueAttributeEditor *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->empty = gtk_label_new (_("Select an annotation to see its attributes."));
  gtk_label_set_wrap (GTK_LABEL (self->empty), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->empty), 0);
  gtk_widget_add_css_class (self->empty, "dim-label");
  gtk_box_append (GTK_BOX (self), self->empty);
}

GtkWidget *
calque_attribute_editor_new (void)
{
  return g_object_new (CALQUE_TYPE_ATTRIBUTE_EDITOR, NULL);
}

void
calque_attribute_editor_show (CalqueAttributeEditor *self,
                              CalqueItemAnnotations *annotations,
                              CalqueRecord          *annotation,
                              GPtrArray             *labels)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *label_ids;
  JsonNode *attributes;

  g_return_if_fail (CALQUE_IS_ATTRIBUTE_EDITOR (self));

  clear (self);
  g_set_object (&self->annotations, annotations);
  g_free (self->annotation_id);
  self->annotation_id = annotation != NULL ? g_strdup (calque_record_get_id (annotation)) : NULL;
  if (annotation == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->empty), _("Select an annotation to see its attributes."));
      gtk_widget_set_visible (self->empty, TRUE);
      return;
    }

  self->filling = TRUE;
  label_ids = calque_record_get_field (annotation, "labels");
  attributes = calque_record_get_field (annotation, "attributes");
  for (guint i = 0; label_ids != NULL && JSON_NODE_HOLDS_ARRAY (label_ids)
                    && i < json_array_get_length (json_node_get_array (label_ids)); i++)
    {
      const char *label_id = json_array_get_string_element (json_node_get_array (label_ids), i);

      for (guint l = 0; labels != NULL && l < labels->len; l++)
        {
          CalqueRecord *label = g_ptr_array_index (labels, l);
          JsonNode *definitions = calque_record_get_field (label, "attributes");

          if (g_strcmp0 (calque_record_get_id (label), label_id) != 0 || definitions == NULL
              || !JSON_NODE_HOLDS_ARRAY (definitions))
            continue;
          for (guint d = 0; d < json_array_get_length (json_node_get_array (definitions)); d++)
            {
              JsonObject *definition = json_array_get_object_element (json_node_get_array (definitions), d);
              const char *name = definition != NULL
                                 ? json_object_get_string_member_with_default (definition, "name", NULL) : NULL;
              JsonNode *value = NULL;
              GtkWidget *row, *title, *control;

              /* Two labels defining one name: the first one's row. */
              if (name == NULL || g_hash_table_contains (seen, name))
                continue;
              g_hash_table_add (seen, (gpointer) name);
              if (attributes != NULL && JSON_NODE_HOLDS_OBJECT (attributes))
                value = json_object_get_member (json_node_get_object (attributes), name);

              row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
              title = gtk_label_new (name);
              gtk_label_set_use_markup (GTK_LABEL (title), FALSE);
              gtk_label_set_xalign (GTK_LABEL (title), 0);
              gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
              gtk_widget_set_hexpand (title, TRUE);
              control = control_for (self, definition, value);
              g_object_set_data_full (G_OBJECT (control), "calque-attribute", g_strdup (name), g_free);
              gtk_accessible_update_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
              gtk_box_append (GTK_BOX (row), title);
              gtk_box_append (GTK_BOX (row), control);
              gtk_box_append (GTK_BOX (self), row);
              self->n_rows++;
            }
        }
    }
  self->filling = FALSE;

  gtk_label_set_text (GTK_LABEL (self->empty), _("Its labels define no attributes."));
  gtk_widget_set_visible (self->empty, self->n_rows == 0);
}

guint
calque_attribute_editor_get_n_rows (CalqueAttributeEditor *self)
{
  g_return_val_if_fail (CALQUE_IS_ATTRIBUTE_EDITOR (self), 0);

  return self->n_rows;
}
