/* calque-export-formats.c — the table of export formats */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-formats.h"
#include "calque-export-writers.h"

#include <glib/gi18n-lib.h>

static const CalqueExportFormat formats[] = {
  { "json", N_("Calque JSON"),
    N_("Everything in the project, lossless: import it to get the same records back"),
    CALQUE_EXPORT_ALL_MEDIA, FALSE, ".json", TRUE, _calque_export_write_native },
  { "csv", N_("CSV table"),
    N_("One row per annotation, with its item, labels and geometry, for spreadsheets and pandas"),
    CALQUE_EXPORT_ALL_MEDIA, FALSE, ".csv", FALSE, _calque_export_write_csv },
  { "jsonl", N_("JSON Lines spans"),
    N_("One line per text with its spans (offsets in characters) and its labels"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_TEXT), FALSE, ".jsonl", FALSE, _calque_export_write_jsonl },
  { "conll", N_("CoNLL (IOB2)"),
    N_("One token per line with a B-, I- or O tag, for named-entity recognition"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_TEXT), FALSE, ".conll", FALSE, _calque_export_write_conll },
  { "segments-csv", N_("Audio segments (CSV)"),
    N_("One row per time segment: item, start, end, channel, labels, confidence, author"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_AUDIO), FALSE, ".csv", FALSE, _calque_export_write_segments_csv },
  { "segments-json", N_("Audio segments (JSON)"),
    N_("A JSON array with one object per time segment"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_AUDIO), FALSE, ".json", FALSE, _calque_export_write_segments_json },
  { "voc", N_("Pascal VOC"),
    N_("One XML file of boxes per image, in the VOCdevkit folders that torchvision reads"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE), TRUE, NULL, FALSE, _calque_export_write_voc },
  { "yolo", N_("YOLO boxes"),
    N_("A text file of boxes per image and a data.yaml, in the folders that Ultralytics reads"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE), TRUE, NULL, FALSE, _calque_export_write_yolo },
  { "yolo-seg", N_("YOLO segments"),
    N_("A text file of outlines per image and a data.yaml, in the folders that Ultralytics reads"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE), TRUE, NULL, FALSE, _calque_export_write_yolo_seg },
  { "coco", N_("COCO instances"),
    N_("Boxes and polygons as COCO instances JSON, with the images in an “images” folder beside it"),
    CALQUE_EXPORT_MEDIA (CALQUE_MEDIA_IMAGE), FALSE, ".json", FALSE, _calque_export_write_coco },
  { NULL },
};

const CalqueExportFormat *
calque_export_formats (void)
{
  return formats;
}

const CalqueExportFormat *
calque_export_format_find (const char *name)
{
  for (const CalqueExportFormat *format = formats; format->name != NULL; format++)
    if (g_strcmp0 (format->name, name) == 0)
      return format;
  return NULL;
}

char *
calque_export_format_names (void)
{
  GString *names = g_string_new (NULL);

  for (const CalqueExportFormat *format = formats; format->name != NULL; format++)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", format->name);
  return g_string_free (names, FALSE);
}
