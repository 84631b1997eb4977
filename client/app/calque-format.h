/* calque-format.h — how the app words item counts, sizes and durations
 *
 * Pure functions, kept apart from the widgets so that the list rows and the
 * tests share one wording. Every result is plain text, never markup.
 */
#pragma once

#include <glib.h>
#include "calque-record.h"

G_BEGIN_DECLS

/* "1 item", "3 items". */
char       *calque_format_item_count    (gint64        n_items);
/* "2.4 s" under a minute, then "3:05", then "1:02:03". */
char       *calque_format_duration      (double        seconds);
/* The first @max_chars characters of @text on one line (runs of white
 * space become one space), with "…" when something was cut. */
char       *calque_format_text_excerpt  (const char   *text,
                                         guint         max_chars);
/* The translated name of a media type ("image" → "Image"); unknown types
 * are returned as they are. */
const char *calque_format_media_kind    (const char   *media);
/* The translated name of a task state ("in_progress" → "In progress");
 * "" for NULL (no task), unknown states as they are. */
const char *calque_format_task_state    (const char   *state);
/* A symbolic icon name for a media type. */
const char *calque_format_media_icon    (const char   *media);
/* The Details column of an item: "640×480 · 87.0 kB", "2.4 s · 45.0 kB", or
 * the start of a text. */
char       *calque_format_item_details  (CalqueRecord *item);

G_END_DECLS
