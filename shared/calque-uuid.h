/* calque-uuid.h — UUIDv7 record ids (RFC 9562)
 *
 * Ids are made by whoever creates a record, offline included, so they must be
 * unique without asking anyone: 48 bits of Unix milliseconds then 74 random
 * bits. The time prefix makes ids sort by creation, which keeps SQLite's
 * primary-key B-tree appends cheap and gives lists a natural order.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 36 characters and a NUL: "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90" */
#define CALQUE_UUID_STRING_LENGTH 36

char     *calque_uuid7_new        (void);
/* Writes into @out (at least 37 bytes), for hot paths that avoid malloc. */
void      calque_uuid7_generate   (char     out[37]);
/* @ms is the Unix time in milliseconds to embed (for tests). */
void      calque_uuid7_generate_at (gint64  ms,
                                   char     out[37]);
/* Any version, lowercase canonical form only: ids are compared as strings. */
gboolean  calque_uuid_is_valid    (const char *str);
/* The milliseconds stored in a v7 id, or -1 if @str is not a v7 id. */
gint64    calque_uuid7_get_time   (const char *str);

G_END_DECLS
