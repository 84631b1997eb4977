/* calque-json-stream.h — the elements of a big JSON file, one at a time
 *
 * json-glib reads a whole document into memory: a COCO file of a million
 * annotations would take gigabytes as JsonNodes. This walks the top-level
 * object of a file read in blocks and hands each element of the chosen
 * top-level arrays ("images", "annotations"…) to a callback, parsed on its
 * own (calque_json_parse()). Other members are scanned and skipped. Memory
 * is one block and one element, whatever the size of the file.
 *
 * The scanner checks the document's frame: the top-level object (or
 * array), its members, the arrays read and their commas, strings (escapes,
 * no raw control characters, valid UTF-8 in the elements read), brackets
 * that match, and a nesting limit (hostile files of a million "[" must not
 * exhaust the stack of any parser down the line). Elements read are
 * checked in full by that parse. Members skipped are checked for their
 * strings and brackets only. Errors name the file and the byte offset:
 * "instances.json: byte 1234: the file ends inside a string (begun at byte 1200)".
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CALQUE_JSON_STREAM_ERROR (calque_json_stream_error_quark ())
typedef enum {
  CALQUE_JSON_STREAM_ERROR_SYNTAX,    /* not JSON, or not the shape asked for */
  CALQUE_JSON_STREAM_ERROR_TOO_DEEP,  /* nested deeper than the limit */
  CALQUE_JSON_STREAM_ERROR_TOO_LARGE, /* an element larger than the limit */
} CalqueJsonStreamError;

GQuark calque_json_stream_error_quark (void);

/* Deep enough for any COCO, VOC-as-JSON or labelme file (they nest five or
 * six levels); shallow enough for any recursive parser. */
#define CALQUE_JSON_STREAM_MAX_DEPTH 64
/* An element is held whole while it is parsed: a polygon of the
 * 100,000 points a shape may have is about 4 MB of text, so this is room
 * to spare, and a hostile file of one endless element is refused. */
#define CALQUE_JSON_STREAM_MAX_ELEMENT (64 * 1024 * 1024)

typedef struct _CalqueJsonStream CalqueJsonStream;

/* Where an element was found: @member is the name of the top-level array
 * (NULL when the document itself is the array), @index counts from 0 in
 * that array, @offset is the byte of the file where the element begins. */
typedef struct {
  const char *member;
  guint64     index;
  guint64     offset;
} CalqueJsonElementPlace;

/* @element is valid during the call only. Return FALSE with @error to stop. */
typedef gboolean (*CalqueJsonElementFunc) (JsonNode                     *element,
                                           const CalqueJsonElementPlace *place,
                                           gpointer                      user_data,
                                           GError                      **error);

/* Called after each block read: bytes of the file done so far. */
typedef void (*CalqueJsonStreamProgressFunc) (guint64  done,
                                              guint64  total,
                                              gpointer user_data);

/* Opens @path (checks that it can be read; reads nothing yet). Messages
 * name the file by @display_name, or by the last part of @path if NULL. */
CalqueJsonStream *calque_json_stream_new            (const char        *path,
                                                     const char        *display_name,
                                                     GError           **error);
void              calque_json_stream_free           (CalqueJsonStream  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueJsonStream, calque_json_stream_free)

const char       *calque_json_stream_get_name       (CalqueJsonStream  *self);
guint64           calque_json_stream_get_size       (CalqueJsonStream  *self);
void              calque_json_stream_set_max_depth  (CalqueJsonStream  *self,
                                                     guint              max_depth);
void              calque_json_stream_set_max_element_size (CalqueJsonStream *self,
                                                     gsize              max_size);
void              calque_json_stream_set_progress   (CalqueJsonStream  *self,
                                                     CalqueJsonStreamProgressFunc func,
                                                     gpointer           user_data);

/* Reads the file from its start. With @members (NULL-terminated names),
 * the document must be an object: the elements of those of its members are
 * handed to @func in file order; each must be an array and appear once.
 * Bit i of *@out_found says whether members[i] was there. With @members
 * NULL, the document must be an array, and its elements are handed over.
 * May be called again for another pass. */
gboolean          calque_json_stream_foreach        (CalqueJsonStream     *self,
                                                     const char * const   *members,
                                                     guint64              *out_found,
                                                     CalqueJsonElementFunc func,
                                                     gpointer              user_data,
                                                     GCancellable         *cancellable,
                                                     GError              **error);

G_END_DECLS
