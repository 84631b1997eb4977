/* calque-export-formats.c — the table of export formats */
#define G_LOG_DOMAIN "calque-export"

#include "calque-export-formats.h"
#include "calque-export-writers.h"

#include <glib/gi18n-lib.h>

static const CalqueExportFormat formats[] = {
  { "json", N_("Calque JSON"),
    N_("Everything in the project, lossless: import it to get the same records back"),
    CALQUE_EXPORT_ALL_MEDIA, FALSE, ".json", TRUE, _calque_export_write_native },
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
