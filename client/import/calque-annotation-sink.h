/* calque-annotation-sink.h — where an annotation importer puts what it reads
 *
 * Each format's reader (calque-import-FORMAT.c) parses its files as a
 * stream and hands the sink one annotation at a time, naming the file and
 * the element it came from. The sink does the rest, the same for every
 * format:
 *  - finds the item by the name the file gives it (an image's file name,
 *    "folder/a.jpg", or its last path part when that is unique in the
 *    project); an item not in the project is imported from the media
 *    folder when the file is there (images beside a COCO file, say);
 *  - finds labels by name, creating those the project lacks (in the order
 *    met, with colours of the palette), unless told not to;
 *  - checks each shape against its item (a box outside its image, a span
 *    past the end of the text) and refuses bad input with a message that
 *    names the file and the element: "instances.json: annotation 17: the
 *    box is outside the 640×480 image “a.jpg”";
 *  - saves everything in one transaction: an import lands whole or not at
 *    all (calque_annotation_sink_finish() commits, freeing without it rolls
 *    back).
 *
 * Annotations become the annotations of @author (default: the workspace's
 * user); as pre-annotations (predictions, say a model's COCO results) they
 * are annotations of "model:NAME" with the score as their confidence, for
 * annotators to accept or fix.
 */
#pragma once

#include <gio/gio.h>
#include "calque-workspace.h"
#include "calque-shape.h"
#include "calque-importer.h"

G_BEGIN_DECLS

typedef struct {
  const char *author;        /* NULL: the workspace's user, else this computer's */
  gboolean    predictions;   /* pre-annotations, of "model:<model>" */
  const char *model;         /* NULL: "import" */
  const char *media_dir;     /* where to look for media of items not yet in the project; NULL: none */
  gboolean    media_dir_given; /* the user named it (--media): it wins over a format's own layout */
  gboolean    no_new_labels; /* an unknown label is an error rather than a new label */
  gboolean    no_new_items;  /* an unknown item is an error even if its media is there */
  const char *reference;     /* a file the imported one refers to: the COCO instances
                              * file whose image and category ids a results file uses */
} CalqueAnnotationImportOptions;

/* One annotation as a reader found it. Strings are the reader's, valid
 * during the call. */
typedef struct {
  const char         *file;        /* the file it came from, for messages */
  const char         *element;     /* "annotation 17", "object 3", "line 12" */
  const char         *item_name;   /* as the file names the item */
  const char * const *labels;      /* label names, NULL-terminated; may be empty */
  const CalqueShape  *shape;       /* copied by the sink */
  double              confidence;  /* 0–1, or NAN for none (a score of a prediction) */
  JsonObject         *attributes;  /* or NULL; copied by the sink */
  const char         *item_id;     /* or NULL; when set, the item is this one whatever
                                    * item_name says (readers that find texts by their
                                    * content, as names of texts need not be unique) */
} CalqueImportedAnnotation;

typedef struct _CalqueAnnotationSink CalqueAnnotationSink;

/* Begins the transaction. */
CalqueAnnotationSink *calque_annotation_sink_new   (CalqueWorkspace                     *workspace,
                                                    CalqueRecord                        *project,
                                                    const CalqueAnnotationImportOptions *options,
                                                    GError                             **error);
void                  calque_annotation_sink_free  (CalqueAnnotationSink *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueAnnotationSink, calque_annotation_sink_free)

/* The item named @item_name, imported from the media folder if need be, or
 * NULL with an error naming @file and @element. The sink keeps it; it is
 * valid until the sink is freed. Readers call it for items with no
 * annotation too (an image entry of a COCO file), so that their size is
 * checked and their media imported. If @width and @height are > 0 (what the
 * file says of the image), they must match the item's. */
CalqueRecord         *calque_annotation_sink_get_item (CalqueAnnotationSink *self,
                                                    const char           *file,
                                                    const char           *element,
                                                    const char           *item_name,
                                                    gint64                width,
                                                    gint64                height,
                                                    GError              **error);

/* The item of the project with id @item_id, or NULL with an error naming
 * @file and @element; kept as calque_annotation_sink_get_item() keeps it. */
CalqueRecord         *calque_annotation_sink_get_item_by_id (CalqueAnnotationSink *self,
                                                    const char           *file,
                                                    const char           *element,
                                                    const char           *item_id,
                                                    GError              **error);

/* The same, for a format that knows where the item's file is in the
 * dataset (VOC's JPEGImages, YOLO's images/train): an item the project
 * lacks is imported from @media_path rather than from the media folder
 * (an explicit --media still wins). @media_path may be NULL. */
CalqueRecord         *calque_annotation_sink_get_item_at (CalqueAnnotationSink *self,
                                                    const char           *file,
                                                    const char           *element,
                                                    const char           *item_name,
                                                    const char           *media_path,
                                                    gint64                width,
                                                    gint64                height,
                                                    GError              **error);

/* The label named @name (created if allowed), or NULL with an error. */
CalqueRecord         *calque_annotation_sink_get_label (CalqueAnnotationSink *self,
                                                    const char           *file,
                                                    const char           *element,
                                                    const char           *name,
                                                    GError              **error);

/* Makes @parent_name the parent of label @name, when this import made
 * @name (labels the project had are left as they are) and both exist. */
gboolean              calque_annotation_sink_set_label_parent (CalqueAnnotationSink *self,
                                                    const char           *file,
                                                    const char           *element,
                                                    const char           *name,
                                                    const char           *parent_name,
                                                    GError              **error);

/* Checks and saves one annotation (inside the transaction). */
gboolean              calque_annotation_sink_add   (CalqueAnnotationSink            *self,
                                                    const CalqueImportedAnnotation  *annotation,
                                                    GError                         **error);

/* For a progress bar: readers report how far they are, in a unit of their
 * own (bytes of the file, files of a folder). */
typedef void (*CalqueAnnotationImportProgressFunc) (guint64     done,
                                                    guint64     total,
                                                    gpointer    user_data);
void                  calque_annotation_sink_set_progress (CalqueAnnotationSink *self,
                                                    CalqueAnnotationImportProgressFunc func,
                                                    gpointer              user_data);
void                  calque_annotation_sink_progress (CalqueAnnotationSink *self,
                                                    guint64               done,
                                                    guint64               total);
GCancellable         *calque_annotation_sink_get_cancellable (CalqueAnnotationSink *self);
void                  calque_annotation_sink_set_cancellable (CalqueAnnotationSink *self,
                                                    GCancellable         *cancellable);

/* The options as the sink keeps them (the reference file, the media folder…). */
const CalqueAnnotationImportOptions *
                      calque_annotation_sink_get_options (CalqueAnnotationSink *self);
CalqueRecord         *calque_annotation_sink_get_project (CalqueAnnotationSink *self);
/* For readers that match items by their content (texts). */
CalqueWorkspace      *calque_annotation_sink_get_workspace (CalqueAnnotationSink *self);

/* Commits, and says what was imported. */
CalqueImportReport   *calque_annotation_sink_finish (CalqueAnnotationSink *self,
                                                    GError              **error);

G_END_DECLS
