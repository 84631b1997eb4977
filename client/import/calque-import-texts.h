/* calque-import-texts.h — finding a project's texts by their content
 *
 * Files of spans (JSON Lines from doccano, CoNLL) name no item: they carry
 * the text itself, or its tokens. This index hashes every text item of a
 * project once (names, ids and SHA-256 digests only are kept: a few
 * megabytes for 100,000 texts, whatever their length) and hands out items
 * by content. Several items with the same content are handed out in the
 * order of their names, one per request, which is the order of Calque's own
 * exports: the second line with a text goes to the second item with it.
 */
#pragma once

#include "calque-annotation-sink.h"

G_BEGIN_DECLS

typedef enum {
  CALQUE_TEXT_KEY_EXACT,        /* the text as it is */
  CALQUE_TEXT_KEY_NO_SPACE,     /* the text without its white space (tokens joined) */
} CalqueTextKey;

typedef struct _CalqueImportTexts CalqueImportTexts;

/* Reads the project's text items now. */
CalqueImportTexts *_calque_import_texts_new  (CalqueAnnotationSink *sink,
                                              CalqueTextKey         key,
                                              GError              **error);
void               _calque_import_texts_free (CalqueImportTexts    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueImportTexts, _calque_import_texts_free)

/* The digest of @text (@length bytes, -1: NUL-terminated) under the
 * index's key; for NO_SPACE, @text may already be without white space. */
char              *_calque_import_texts_digest (CalqueImportTexts *self,
                                              const char        *text,
                                              gssize             length);
/* The id of the next item whose digest is @digest, or NULL when none is
 * left; the index keeps the string. */
const char        *_calque_import_texts_take (CalqueImportTexts    *self,
                                              const char           *digest);

G_END_DECLS
