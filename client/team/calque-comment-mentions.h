/* calque-comment-mentions.h — @name mentions in the plain text of a comment
 *
 * A comment names a teammate with "@name". User names have no spaces, "/"
 * or ":" (calque_auth_check_user_name()), but may hold dots and dashes,
 * and a sentence often ends right after a name; so, in a comment:
 *
 *  - "@" starts a mention at the start of the text or after a character
 *    that cannot be part of a name or an address: not a letter, a digit,
 *    a combining mark, "_", "-", ".", "+" or "@". "amelie@example.org"
 *    is an e-mail address, not a mention; "(@bruno)", "cc:@bruno" and
 *    "«@bruno»" are mentions.
 *  - The name is the longest run of letters, digits, marks, "_", "-" and
 *    "." after it, less any "." or "-" at its end ("@bruno." ends a
 *    sentence, "@jean-luc.m" is a name).
 *  - A name followed at once by "@" is the start of an address
 *    ("@bruno@example.org"), not a mention. Names longer than 64 bytes
 *    are not user names, and are not mentions.
 *
 * Names with other characters (a "+", an apostrophe) cannot be mentioned
 * whole. Offsets are in bytes of the UTF-8 text, for PangoAttrList and
 * GtkTextBuffer alike (both take bytes or convert from them).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gsize  start;   /* the byte offset of the "@" */
  gsize  end;     /* just after the name */
  char  *name;    /* the name, without the "@" */
} CalqueMention;

/* The mentions of @text, in order (CalqueMention). */
GArray  *calque_comment_find_mentions (const char *text);
/* The names @text mentions, each once, in the order they first appear. */
GStrv    calque_comment_mentions      (const char *text);
/* Whether @text mentions @name. */
gboolean calque_comment_mentions_user (const char *text,
                                       const char *name);

G_END_DECLS
