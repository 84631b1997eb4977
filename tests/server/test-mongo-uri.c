/* test-mongo-uri.c — what `calque-server --store` accepts, with no server
 *
 * Parsing is libmongoc's own, so these run anywhere; they pin down what
 * Calque adds: the schemes, the database, the defaults, and that a
 * password never reaches a message.
 */
#include "calque-mongo-uri.h"

#include <string.h>

static void
test_accepted (void)
{
  static const struct { const char *text; const char *database; } cases[] = {
    { "mongodb://127.0.0.1:1/x", "x" },
    { "mongodb+srv://cluster0.example.net/calque?retryWrites=true", "calque" },
    { "mongodb://db1.example.net,db2.example.net:27018/annotations?replicaSet=rs0&tls=true", "annotations" },
    /* No path: Calque's own database. */
    { "mongodb://localhost", CALQUE_MONGO_DEFAULT_DATABASE },
    { "mongodb://localhost/", CALQUE_MONGO_DEFAULT_DATABASE },
    { "mongodb://amelie:s3cret@localhost/calque?authSource=admin", "calque" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mongoc_uri_t) uri = calque_mongo_uri_parse (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_no_error (error);
      g_assert_nonnull (uri);
      g_assert_true (calque_mongo_uri_has_scheme (cases[i].text));
      g_assert_cmpstr (mongoc_uri_get_database (uri), ==, cases[i].database);
      g_assert_cmpint (mongoc_uri_get_option_as_int32 (uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, -1),
                       ==, CALQUE_MONGO_SERVER_SELECTION_TIMEOUT_MS);
      g_assert_cmpint (mongoc_uri_get_option_as_int32 (uri, MONGOC_URI_SOCKETTIMEOUTMS, -1),
                       ==, CALQUE_MONGO_SOCKET_TIMEOUT_MS);
      g_assert_cmpstr (mongoc_uri_get_appname (uri), ==, "calque-server");
    }
}

/* What the URI says wins over Calque's defaults. */
static void
test_uri_options_win (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mongoc_uri_t) uri =
    calque_mongo_uri_parse ("mongodb://h/x?serverSelectionTimeoutMS=250&socketTimeoutMS=9000&appName=annot-1",
                            &error);

  g_assert_no_error (error);
  g_assert_cmpint (mongoc_uri_get_option_as_int32 (uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, -1), ==, 250);
  g_assert_cmpint (mongoc_uri_get_option_as_int32 (uri, MONGOC_URI_SOCKETTIMEOUTMS, -1), ==, 9000);
  g_assert_cmpstr (mongoc_uri_get_appname (uri), ==, "annot-1");
}

static void
test_refused (void)
{
  static const struct { const char *text; int code; const char *says; } cases[] = {
    { "postgres://db.example.net/calque", CALQUE_MONGO_URI_ERROR_SCHEME, "“postgres://db.example.net/calque” is not a MongoDB URI" },
    { "/var/lib/calque-server", CALQUE_MONGO_URI_ERROR_SCHEME, "must start with mongodb:// or mongodb+srv://" },
    { "", CALQUE_MONGO_URI_ERROR_SCHEME, "“” is not a MongoDB URI" },
    { "sqlite", CALQUE_MONGO_URI_ERROR_SCHEME, "“sqlite”" },
    { "mongodb:/localhost/x", CALQUE_MONGO_URI_ERROR_SCHEME, "“mongodb:/localhost/x”" },
    { "mongodb://", CALQUE_MONGO_URI_ERROR_SYNTAX, "“mongodb://” is not a valid MongoDB URI: " },
    { "mongodb://localhost:99999/x", CALQUE_MONGO_URI_ERROR_SYNTAX, "“mongodb://localhost:99999/x” is not a valid" },
    { "mongodb://localhost/a.b", CALQUE_MONGO_URI_ERROR_SYNTAX, "database name" },
    { "mongodb://localhost/x?serverSelectionTimeoutMS=soon", CALQUE_MONGO_URI_ERROR_SYNTAX, "serverselectiontimeoutms" },
    { "mongodb+srv://h1.example.net,h2.example.net/x", CALQUE_MONGO_URI_ERROR_SYNTAX, "not a valid MongoDB URI" },
    { "mongodb://localhost/admin", CALQUE_MONGO_URI_ERROR_DATABASE, "the database “admin”, which MongoDB keeps for itself" },
    { "mongodb://localhost/local", CALQUE_MONGO_URI_ERROR_DATABASE, "?authSource=local" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mongoc_uri_t) uri = calque_mongo_uri_parse (cases[i].text, &error);

      g_test_message ("%s: %s", cases[i].text, error ? error->message : "(accepted)");
      g_assert_null (uri);
      g_assert_error (error, CALQUE_MONGO_URI_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

/* A password is in the user info; no message may repeat it. */
static void
test_password_never_shown (void)
{
  static const char * const texts[] = {
    "mongodb://amelie:hunter2@localhost:notaport/x",
    "mongodb://amelie:hunter2@localhost/admin",
    "mongodb+srv://amelie:hunter2@h1,h2/x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mongoc_uri_t) uri = calque_mongo_uri_parse (texts[i], &error);

      g_assert_null (uri);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "hunter2"));
      g_assert_nonnull (strstr (error->message, "amelie:***@"));
    }
}

static void
test_redact (void)
{
  static const struct { const char *text; const char *shown; } cases[] = {
    { "mongodb://localhost/calque", "mongodb://localhost/calque" },
    { "mongodb://amelie@localhost/calque", "mongodb://amelie@localhost/calque" },
    { "mongodb://amelie:pw@localhost/calque", "mongodb://amelie:***@localhost/calque" },
    { "mongodb://amelie:pw@h1,h2/?authSource=admin", "mongodb://amelie:***@h1,h2/?authSource=admin" },
    { "mongodb://amelie:p@ss@localhost", "mongodb://amelie:***@localhost" },
    { "mongodb+srv://a:b@cluster0.example.net/x?w=majority&appName=a@b", "mongodb+srv://a:***@cluster0.example.net/x?w=majority&appName=a@b" },
    { "not a uri: with @ and :", "not a uri: with @ and :" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = calque_mongo_uri_redact (cases[i].text);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mongo-uri/accepted", test_accepted);
  g_test_add_func ("/mongo-uri/uri-options-win", test_uri_options_win);
  g_test_add_func ("/mongo-uri/refused", test_refused);
  g_test_add_func ("/mongo-uri/password-never-shown", test_password_never_shown);
  g_test_add_func ("/mongo-uri/redact", test_redact);
  return g_test_run ();
}
