/* calque-yolo-data.h — what a YOLO dataset's data.yaml says
 *
 * Only the part of YAML that data.yaml files use is read: top-level
 * "key: value" lines; values that are plain, 'single-quoted' or
 * "double-quoted" scalars (with YAML's escapes); block lists ("- a") and
 * block maps ("  0: a") one level deep; flow lists and maps ("[a, b]",
 * "{0: a}") that may run over several lines; comments. Anchors, tags and
 * multi-line scalars are refused with the line they are on. Keys other
 * than names, nc, train, val and test are skipped.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPtrArray *names;         /* char *: the class names, by index */
  GPtrArray *folders;       /* char *: the image folders of train, val and test, as written */
  GArray    *folder_lines;  /* int: the line each of them is on */
} CalqueYoloData;

/* @file names the file in messages ("data.yaml: line 4: …"); @length -1
 * for a nul-terminated @text. Errors are CALQUE_IMPORT_ERROR_UNSUPPORTED. */
CalqueYoloData *_calque_yolo_data_parse (const char     *file,
                                         const char     *text,
                                         gssize          length,
                                         GError        **error);
void            _calque_yolo_data_free  (CalqueYoloData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueYoloData, _calque_yolo_data_free)

G_END_DECLS
