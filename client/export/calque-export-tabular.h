/* calque-export-tabular.h — what the table and text writers share
 *
 * The CSV, JSONL, CoNLL and segment writers name an annotation's labels the
 * same way (the exported ones, in the export's label order, each once) and
 * cut span texts out of an item's text the same way (code points).
 */
#pragma once

#include "calque-export-source.h"

G_BEGIN_DECLS

/* The export label indexes of @annotation's labels, ascending, each once;
 * labels the export leaves out are not there. A GArray of int. */
GArray     *_calque_export_label_indexes (CalqueExportSource *source,
                                          CalqueRecord       *annotation);
const char *_calque_export_label_name    (CalqueExportSource *source,
                                          int                 index);

/* An item's text with the byte of every code point offset, made when the
 * first span asks for it. */
typedef struct {
  const char *text;     /* the item's, borrowed */
  gsize      *bytes;    /* length + 1 entries, or NULL until needed */
  gint64      length;   /* in code points */
} CalqueExportText;

void        _calque_export_text_init     (CalqueExportText   *self,
                                          CalqueRecord       *item);
void        _calque_export_text_clear    (CalqueExportText   *self);
/* The code points [@start, @end) clamped to the text, as a new string. */
char       *_calque_export_text_slice    (CalqueExportText   *self,
                                          gint64              start,
                                          gint64              end);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalqueExportText, _calque_export_text_clear)

G_END_DECLS
