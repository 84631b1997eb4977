/* calque-tool.c — what a canvas tool does with the pointer and the keys */
#define G_LOG_DOMAIN "calque-tool"

#include "calque-tool.h"

typedef struct
{
  CalqueItemAnnotations *annotations;
  GStrv                  labels;
  double                 scale;
} CalqueToolPrivate;

enum { PREVIEW_CHANGED, EDITED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CalqueTool, calque_tool, G_TYPE_OBJECT)

static void
calque_tool_real_release (CalqueTool *self,
                          double      x,
                          double      y)
{
}

static void
calque_tool_real_motion (CalqueTool *self,
                         double      x,
                         double      y)
{
}

static gboolean
calque_tool_real_key (CalqueTool    *self,
                      CalqueToolKey  key)
{
  return FALSE;
}

static void
calque_tool_real_cancel (CalqueTool *self)
{
}

static const CalqueShape *
calque_tool_real_get_preview (CalqueTool *self)
{
  return NULL;
}

static void
calque_tool_dispose (GObject *object)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (CALQUE_TOOL (object));

  g_clear_object (&priv->annotations);
  g_clear_pointer (&priv->labels, g_strfreev);

  G_OBJECT_CLASS (calque_tool_parent_class)->dispose (object);
}

static void
calque_tool_class_init (CalqueToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = calque_tool_dispose;

  klass->motion = calque_tool_real_motion;
  klass->release = calque_tool_real_release;
  klass->key = calque_tool_real_key;
  klass->cancel = calque_tool_real_cancel;
  klass->get_preview = calque_tool_real_get_preview;

  signals[PREVIEW_CHANGED] =
    g_signal_new ("preview-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * CalqueTool::edited:
   * @id: the annotation the tool made or changed
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CalqueTool::failed:
   * @error: why the edit was not saved
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
calque_tool_init (CalqueTool *self)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  priv->scale = 1.0;
  priv->labels = g_new0 (char *, 1);
}

void
calque_tool_set_annotations (CalqueTool            *self,
                             CalqueItemAnnotations *annotations)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_if_fail (CALQUE_IS_TOOL (self));

  calque_tool_cancel (self);
  g_set_object (&priv->annotations, annotations);
}

CalqueItemAnnotations *
calque_tool_get_annotations (CalqueTool *self)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_val_if_fail (CALQUE_IS_TOOL (self), NULL);

  return priv->annotations;
}

void
calque_tool_set_labels (CalqueTool         *self,
                        const char * const *label_ids)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_if_fail (CALQUE_IS_TOOL (self));

  g_strfreev (priv->labels);
  priv->labels = label_ids != NULL ? g_strdupv ((char **) label_ids) : g_new0 (char *, 1);
}

const char * const *
calque_tool_get_labels (CalqueTool *self)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_val_if_fail (CALQUE_IS_TOOL (self), NULL);

  return (const char * const *) priv->labels;
}

void
calque_tool_set_scale (CalqueTool *self,
                       double      scale)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_if_fail (CALQUE_IS_TOOL (self));
  g_return_if_fail (scale > 0);

  priv->scale = scale;
}

double
calque_tool_get_scale (CalqueTool *self)
{
  CalqueToolPrivate *priv = calque_tool_get_instance_private (self);

  g_return_val_if_fail (CALQUE_IS_TOOL (self), 1.0);

  return priv->scale;
}

void
calque_tool_press (CalqueTool *self,
                   double      x,
                   double      y,
                   int         n_press)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  if (calque_tool_get_annotations (self) != NULL)
    CALQUE_TOOL_GET_CLASS (self)->press (self, x, y, n_press);
}

void
calque_tool_motion (CalqueTool *self,
                    double      x,
                    double      y)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  if (calque_tool_get_annotations (self) != NULL)
    CALQUE_TOOL_GET_CLASS (self)->motion (self, x, y);
}

void
calque_tool_release (CalqueTool *self,
                     double      x,
                     double      y)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  if (calque_tool_get_annotations (self) != NULL)
    CALQUE_TOOL_GET_CLASS (self)->release (self, x, y);
}

gboolean
calque_tool_key (CalqueTool    *self,
                 CalqueToolKey  key)
{
  g_return_val_if_fail (CALQUE_IS_TOOL (self), FALSE);

  if (calque_tool_get_annotations (self) == NULL)
    return FALSE;
  return CALQUE_TOOL_GET_CLASS (self)->key (self, key);
}

void
calque_tool_cancel (CalqueTool *self)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  CALQUE_TOOL_GET_CLASS (self)->cancel (self);
}

const CalqueShape *
calque_tool_get_preview (CalqueTool *self)
{
  g_return_val_if_fail (CALQUE_IS_TOOL (self), NULL);

  return CALQUE_TOOL_GET_CLASS (self)->get_preview (self);
}

void
calque_tool_preview_changed (CalqueTool *self)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  g_signal_emit (self, signals[PREVIEW_CHANGED], 0);
}

void
calque_tool_edited (CalqueTool *self,
                    const char *id)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  g_signal_emit (self, signals[EDITED], 0, id);
}

void
calque_tool_failed (CalqueTool   *self,
                    const GError *error)
{
  g_return_if_fail (CALQUE_IS_TOOL (self));

  g_signal_emit (self, signals[FAILED], 0, error);
}
