/* calque-mongo-uri.c — what `calque-server --store` accepts */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo-uri.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (calque-mongo-uri-error-quark, calque_mongo_uri_error)

static const char * const schemes[] = { "mongodb://", "mongodb+srv://", NULL };

/* Databases the server keeps for itself: users and roles, the oplog,
 * a sharded cluster's metadata. */
static const char * const reserved_databases[] = { "admin", "local", "config", NULL };

gboolean
calque_mongo_uri_has_scheme (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; schemes[i]; i++)
    if (g_str_has_prefix (text, schemes[i]))
      return TRUE;
  return FALSE;
}

char *
calque_mongo_uri_redact (const char *text)
{
  const char *authority, *end, *at = NULL, *colon;
  g_autofree char *head = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  authority = strstr (text, "://");
  if (authority == NULL)
    return g_strdup (text);
  authority += 3;

  /* The user info ends at the last '@' before the path or the options: a
   * password may hold an '@' that its writer forgot to escape. */
  end = authority + strcspn (authority, "/?");
  for (const char *p = authority; p < end; p++)
    if (*p == '@')
      at = p;
  if (at == NULL)
    return g_strdup (text);
  colon = memchr (authority, ':', (gsize) (at - authority));
  if (colon == NULL)
    return g_strdup (text);

  head = g_strndup (text, (gsize) (colon + 1 - text));
  return g_strconcat (head, "***", at, NULL);
}

/* Fills @option with @value unless the URI sets it. */
static void
default_int32 (mongoc_uri_t *uri,
               const char   *option,
               int32_t       value)
{
  if (!mongoc_uri_has_option (uri, option))
    mongoc_uri_set_option_as_int32 (uri, option, value);
}

mongoc_uri_t *
calque_mongo_uri_parse (const char  *text,
                        GError     **error)
{
  g_autoptr(mongoc_uri_t) uri = NULL;
  g_autofree char *shown = NULL;
  bson_error_t bson_error;
  const char *database;

  g_return_val_if_fail (text != NULL, NULL);

  calque_mongo_init ();
  shown = calque_mongo_uri_redact (text);

  if (!calque_mongo_uri_has_scheme (text))
    {
      g_set_error (error, CALQUE_MONGO_URI_ERROR, CALQUE_MONGO_URI_ERROR_SCHEME,
                   _("“%s” is not a MongoDB URI: it must start with mongodb:// or mongodb+srv://"),
                   shown);
      return NULL;
    }

  /* libmongoc also logs why it refuses a URI, which the error below says;
   * what it logs about a URI it takes (an unknown option) is kept. */
  calque_mongo_hold_log ();
  uri = mongoc_uri_new_with_error (text, &bson_error);
  calque_mongo_release_log (uri != NULL);
  if (uri == NULL)
    {
      /* libmongoc's reasons are short and never quote the URI. */
      g_set_error (error, CALQUE_MONGO_URI_ERROR, CALQUE_MONGO_URI_ERROR_SYNTAX,
                   _("“%s” is not a valid MongoDB URI: %s"), shown, bson_error.message);
      return NULL;
    }

  database = mongoc_uri_get_database (uri);
  if (database == NULL || database[0] == '\0')
    mongoc_uri_set_database (uri, CALQUE_MONGO_DEFAULT_DATABASE);
  else if (g_strv_contains (reserved_databases, database))
    {
      g_set_error (error, CALQUE_MONGO_URI_ERROR, CALQUE_MONGO_URI_ERROR_DATABASE,
                   _("“%s” names the database “%s”, which MongoDB keeps for itself; "
                     "name Calque’s own instead (mongodb://…/calque) and sign in with "
                     "?authSource=%s"),
                   shown, database, database);
      return NULL;
    }

  default_int32 (uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, CALQUE_MONGO_SERVER_SELECTION_TIMEOUT_MS);
  default_int32 (uri, MONGOC_URI_SOCKETTIMEOUTMS, CALQUE_MONGO_SOCKET_TIMEOUT_MS);
  if (mongoc_uri_get_appname (uri) == NULL)
    mongoc_uri_set_appname (uri, "calque-server");

  return g_steal_pointer (&uri);
}
