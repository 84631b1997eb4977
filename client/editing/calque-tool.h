/* calque-tool.h — what a canvas tool does with the pointer and the keys
 *
 * Tools are objects, as in Papers' libview: the canvas widget turns GTK's
 * events into these calls, in image coordinates, and draws the tool's
 * preview (the shape being drawn); the tool decides what the gesture
 * means and makes the edit through CalqueItemAnnotations. Thresholds are
 * in screen pixels, so the canvas tells the tool its zoom.
 *
 * GTK-free: the tools are tested by feeding them gestures, no display.
 */
#pragma once

#include <glib-object.h>

#include "calque-item-annotations.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_TOOL_KEY_ENTER,
  CALQUE_TOOL_KEY_ESCAPE,
  CALQUE_TOOL_KEY_BACKSPACE,
  CALQUE_TOOL_KEY_DELETE,
} CalqueToolKey;

#define CALQUE_TYPE_TOOL (calque_tool_get_type ())
G_DECLARE_DERIVABLE_TYPE (CalqueTool, calque_tool, CALQUE, TOOL, GObject)

struct _CalqueToolClass
{
  GObjectClass parent_class;

  /* @n_press: 2 for the second press of a double click. */
  void               (*press)       (CalqueTool *self,
                                     double      x,
                                     double      y,
                                     int         n_press);
  void               (*motion)      (CalqueTool *self,
                                     double      x,
                                     double      y);
  void               (*release)     (CalqueTool *self,
                                     double      x,
                                     double      y);
  /* Returns whether the tool used the key. */
  gboolean           (*key)         (CalqueTool    *self,
                                     CalqueToolKey  key);
  /* Drops what is being drawn, saving nothing. */
  void               (*cancel)      (CalqueTool *self);
  const CalqueShape *(*get_preview) (CalqueTool *self);
};

/* The annotations edits go to (NULL: no item open, the tool does nothing). */
void                   calque_tool_set_annotations (CalqueTool            *self,
                                                    CalqueItemAnnotations *annotations);
CalqueItemAnnotations *calque_tool_get_annotations (CalqueTool            *self);
/* The labels new shapes get: the palette's choice. */
void                   calque_tool_set_labels      (CalqueTool            *self,
                                                    const char * const    *label_ids);
const char * const    *calque_tool_get_labels      (CalqueTool            *self);
/* Screen pixels per image pixel: for "near" and "too small to mean it". */
void                   calque_tool_set_scale       (CalqueTool            *self,
                                                    double                 scale);
double                 calque_tool_get_scale       (CalqueTool            *self);

void                   calque_tool_press           (CalqueTool            *self,
                                                    double                 x,
                                                    double                 y,
                                                    int                    n_press);
void                   calque_tool_motion          (CalqueTool            *self,
                                                    double                 x,
                                                    double                 y);
void                   calque_tool_release         (CalqueTool            *self,
                                                    double                 x,
                                                    double                 y);
gboolean               calque_tool_key             (CalqueTool            *self,
                                                    CalqueToolKey          key);
void                   calque_tool_cancel          (CalqueTool            *self);
/* The shape being drawn, to draw over the others, or NULL. */
const CalqueShape     *calque_tool_get_preview     (CalqueTool            *self);

/* For subclasses: the preview changed (the canvas redraws), an edit was
 * made (@id: the annotation), or failed (@error: shown to the person). */
void                   calque_tool_preview_changed (CalqueTool            *self);
void                   calque_tool_edited          (CalqueTool            *self,
                                                    const char            *id);
void                   calque_tool_failed          (CalqueTool            *self,
                                                    const GError          *error);

G_END_DECLS
