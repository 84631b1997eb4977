/* calque-export-writers.h — the writer of each format, for the table in
 * calque-export-formats.c (see CalqueExportWriteFunc there) */
#pragma once

#include "calque-export-formats.h"

G_BEGIN_DECLS

gboolean _calque_export_write_native (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                      GCancellable *, GError **);
gboolean _calque_export_write_voc    (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                      GCancellable *, GError **);
gboolean _calque_export_write_yolo   (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                      GCancellable *, GError **);
gboolean _calque_export_write_yolo_seg (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                        GCancellable *, GError **);

gboolean _calque_export_write_csv (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                   GCancellable *, GError **);
gboolean _calque_export_write_jsonl (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                     GCancellable *, GError **);
gboolean _calque_export_write_conll (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                     GCancellable *, GError **);
gboolean _calque_export_write_segments_csv (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                            GCancellable *, GError **);
gboolean _calque_export_write_segments_json (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                             GCancellable *, GError **);

/* What the CoNLL writer wrote and left out (see calque-export-conll.c);
 * the table's writer logs it. */
typedef struct {
  guint spans;            /* written */
  guint overlapping;      /* left out: sharing a token with a span written */
  guint no_token;         /* left out: over white space only */
  guint unlabelled;       /* left out: no exported label */
  guint classifications;  /* left out: CoNLL tags tokens only */
} CalqueConllStats;

gboolean _calque_export_write_conll_counted (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                             CalqueConllStats *, GCancellable *, GError **);
gboolean _calque_export_write_coco (CalqueExportSource *, const char *, const CalqueExportOptions *,
                                    GCancellable *, GError **);

G_END_DECLS
