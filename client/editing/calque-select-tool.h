/* calque-select-tool.h — selects shapes and moves, resizes and reshapes them */
#pragma once

#include "calque-shape-layer.h"
#include "calque-tool.h"

G_BEGIN_DECLS

#define CALQUE_TYPE_SELECT_TOOL (calque_select_tool_get_type ())
G_DECLARE_FINAL_TYPE (CalqueSelectTool, calque_select_tool, CALQUE, SELECT_TOOL, CalqueTool)

/* @layer: what is drawn, to find what is under the pointer. */
CalqueTool  *calque_select_tool_new           (CalqueShapeLayer     *layer);
/* Where the image is on screen now: hits are measured in screen pixels. */
void         calque_select_tool_set_viewport  (CalqueSelectTool     *self,
                                               const CalqueViewport *vp);
/* The selected annotation, or NULL. */
const char  *calque_select_tool_get_selected  (CalqueSelectTool     *self);
void         calque_select_tool_select        (CalqueSelectTool     *self,
                                               const char           *id);
/* Moves the selected annotation by (@dx, @dy) image pixels: the arrow
 * keys. Returns whether something was selected to move. */
gboolean     calque_select_tool_nudge         (CalqueSelectTool     *self,
                                               double                dx,
                                               double                dy);
/* A locked annotation is drawn but not picked, moved or deleted: the
 * person keeps it out of the way of the shapes they are working on. */
void         calque_select_tool_set_locked    (CalqueSelectTool     *self,
                                               const char           *id,
                                               gboolean              locked);
gboolean     calque_select_tool_get_locked    (CalqueSelectTool     *self,
                                               const char           *id);
/* The annotation whose preview (calque_tool_get_preview()) is being
 * dragged, or NULL: the canvas draws the preview in its place. */
const char  *calque_select_tool_get_dragged   (CalqueSelectTool     *self);

G_END_DECLS
