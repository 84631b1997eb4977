/* calque-mongo-uri.h — what `calque-server --store` accepts
 *
 * A MongoDB connection string, mongodb://… or mongodb+srv://…, checked by
 * libmongoc itself so that what is accepted here is what the driver will
 * connect to. Everything else is refused here, at start-up, with a message
 * that names the value; a password in it is never repeated (see
 * calque_mongo_uri_redact()).
 *
 * The path of the URI is the database Calque keeps its collections in
 * (“calque” when there is none). The databases MongoDB keeps for itself
 * (admin, local, config) are refused: a user who signs in against admin
 * says so with ?authSource=admin instead.
 *
 * calque-server runs every store call on its main loop, so a database that
 * does not answer must fail fast rather than freeze every connection:
 * unless the URI says otherwise, server selection gives up after
 * CALQUE_MONGO_SERVER_SELECTION_TIMEOUT_MS (libmongoc waits 30 s) and a
 * socket after CALQUE_MONGO_SOCKET_TIMEOUT_MS (libmongoc: 5 minutes).
 */
#pragma once

#include "calque-mongo.h"

G_BEGIN_DECLS

#define CALQUE_MONGO_URI_ERROR (calque_mongo_uri_error_quark ())
typedef enum {
  CALQUE_MONGO_URI_ERROR_SCHEME,    /* not mongodb:// nor mongodb+srv:// */
  CALQUE_MONGO_URI_ERROR_SYNTAX,    /* libmongoc refuses it */
  CALQUE_MONGO_URI_ERROR_DATABASE,  /* a database that is not Calque's to use */
} CalqueMongoUriError;

#define CALQUE_MONGO_DEFAULT_DATABASE             "calque"
#define CALQUE_MONGO_SERVER_SELECTION_TIMEOUT_MS  5000
#define CALQUE_MONGO_SOCKET_TIMEOUT_MS            30000

GQuark        calque_mongo_uri_error_quark (void);

/* Whether @text starts like a MongoDB URI; says nothing of the rest. */
gboolean      calque_mongo_uri_has_scheme  (const char  *text);
/* The parsed URI with its database and the defaults above filled in. */
mongoc_uri_t *calque_mongo_uri_parse       (const char  *text,
                                            GError     **error);
/* @text with the password of its user info replaced by "***", for
 * messages and logs. */
char         *calque_mongo_uri_redact      (const char  *text);

G_END_DECLS
