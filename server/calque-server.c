/* calque-server.c: entry point of calque-server
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "calque-auth-routes.h"
#include "calque-http.h"
#include "calque-listen-address.h"
#include "calque-mongo-store.h"
#include "calque-password.h"
#include "calque-sqlite-store.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"

/* Exit statuses: scripts and tests tell a typing mistake from a busy port. */
enum {
  EXIT_OK = 0,
  EXIT_RUNTIME = 1,   /* could not listen, or failed while serving */
  EXIT_USAGE = 2,     /* bad command line */
};

static char *
default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "calque-server", NULL);
}

/* --store, checked before anything starts: a mistyped URI is a usage
 * error, not a failure to connect. NULL (with the reason printed) if it is
 * not a MongoDB URI Calque can use. */
static mongoc_uri_t *
parse_store_uri (const char *text)
{
  g_autoptr(GError) error = NULL;
  mongoc_uri_t *uri = calque_mongo_uri_parse (text, &error);

  if (uri == NULL)
    g_printerr (_("calque-server: bad --store: %s\n"), error->message);
  return uri;
}

/* MongoDB at @mongo_uri (from --store @store_text) when given, else the
 * SQLite file in @data_dir. */
static CalqueServerStore *
open_store (const char         *data_dir,
            const mongoc_uri_t *mongo_uri,
            const char         *store_text)
{
  g_autoptr(GError) error = NULL;
  CalqueServerStore *store;

  if (mongo_uri != NULL)
    {
      store = calque_mongo_store_open (mongo_uri, &error);
      if (store == NULL)
        {
          g_autofree char *shown = calque_mongo_uri_redact (store_text);

          g_printerr (_("calque-server: cannot open the MongoDB store %s: %s\n"), shown, error->message);
        }
      return store;
    }

  store = calque_sqlite_store_open (data_dir, &error);
  if (store == NULL)
    g_printerr (_("calque-server: cannot open the data folder %s: %s\n"), data_dir, error->message);

  return store;
}

static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

/* A string that is wiped before it is freed. */
typedef char CalqueSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CalqueSecret, wipe_free)

/* One line of standard input without its line ending, or NULL at the end
 * of input. Longer than any acceptable password is read in full so that
 * the policy, not a silent cut, refuses it. */
static char *
read_line (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);

  if (c == EOF && line->len == 0)
    {
      memset (line->str, 0, line->allocated_len);
      g_string_free (line, TRUE);
      return NULL;
    }

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  return g_string_free (line, FALSE);
}

static char *
prompt_hidden (const char *prompt)
{
  struct termios saved;
  struct termios quiet;
  char *line;

  g_printerr ("%s", prompt);

  if (tcgetattr (STDIN_FILENO, &saved) != 0)
    return read_line ();

  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = read_line ();
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

  return line;
}

/* The password of a new user: typed twice, unseen, at a terminal; one
 * line from a pipe otherwise, for scripts. */
static char *
read_new_password (void)
{
  g_autoptr(CalqueSecret) first = NULL;
  g_autoptr(CalqueSecret) second = NULL;

  if (!isatty (STDIN_FILENO))
    return read_line ();

  first = prompt_hidden (_("Password: "));
  if (first == NULL)
    return NULL;
  second = prompt_hidden (_("Password again: "));
  if (second == NULL)
    return NULL;

  if (strcmp (first, second) != 0)
    {
      g_printerr (_("calque-server: the two passwords differ\n"));
      return NULL;
    }

  return g_steal_pointer (&first);
}

/* calque-server user add NAME [--admin] [--data DIR | --store URI] */
static int
run_user_command (char **args)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CalqueServerStore) store = NULL;
  g_autoptr(CalquePasswordHasher) hasher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CalqueSecret) password = NULL;
  g_autoptr(mongoc_uri_t) mongo_uri = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *store_text = NULL;
  g_autofree char *where = NULL;
  g_autofree char *hash = NULL;
  gboolean admin = FALSE;
  const char *name;
  const GOptionEntry entries[] = {
    { "admin", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &admin,
      N_("Let the user manage the server and its projects"), NULL },
    { "data", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Keep the server’s data in DIR (default: ~/.local/share/calque-server)"), N_("DIR") },
    { "store", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &store_text,
      N_("Add the user to the MongoDB store at URI (the server’s --store) instead of --data"), N_("URI") },
    { NULL }
  };

  context = g_option_context_new (_("add NAME"));
  g_option_context_set_summary (context,
                                _("Add a user. The password is read from standard input."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("calque-server user: %s\n", error->message);
      return EXIT_USAGE;
    }

  /* args[0] is “user”. */
  if (g_strv_length (args) != 3 || strcmp (args[1], "add") != 0)
    {
      g_printerr (_("calque-server: usage: calque-server user add NAME [--admin] [--data DIR | --store URI]\n"));
      return EXIT_USAGE;
    }

  name = args[2];
  if (!calque_auth_check_user_name (name, &error))
    {
      g_printerr (_("calque-server: bad user name: %s\n"), error->message);
      return EXIT_USAGE;
    }

  if (store_text != NULL)
    {
      mongo_uri = parse_store_uri (store_text);
      if (mongo_uri == NULL)
        return EXIT_USAGE;
      where = calque_mongo_uri_redact (store_text);
    }
  if (data_dir == NULL)
    data_dir = default_data_dir ();
  if (where == NULL)
    where = g_strdup (data_dir);

  /* No change stream here: a one-shot command needs none. */
  store = open_store (data_dir, mongo_uri, store_text);
  if (store == NULL)
    return EXIT_RUNTIME;

  password = read_new_password ();
  if (password == NULL)
    {
      g_printerr (_("calque-server: no password given for user %s\n"), name);
      return EXIT_RUNTIME;
    }

  if (!calque_password_check_policy (password, &error))
    {
      g_printerr (_("calque-server: the password of user %s is not acceptable: %s\n"),
                  name, error->message);
      return EXIT_RUNTIME;
    }

  hasher = calque_password_hasher_new (1);
  hash = calque_password_hasher_hash (hasher, password, NULL, &error);
  if (hash == NULL)
    {
      g_printerr (_("calque-server: cannot hash the password: %s\n"), error->message);
      return EXIT_RUNTIME;
    }

  if (!calque_server_store_add_user (store, name, hash, admin, &error))
    {
      if (g_error_matches (error, CALQUE_SERVER_STORE_ERROR, CALQUE_SERVER_STORE_ERROR_EXISTS))
        g_printerr (_("calque-server: a user named %s already exists in %s\n"), name, where);
      else
        g_printerr (_("calque-server: cannot add user %s to %s: %s\n"), name, where,
                    error->message);
      return EXIT_RUNTIME;
    }

  /* Not translated: scripts may read it. */
  g_print (_("added user %s\n"), name);

  return EXIT_OK;
}

/* Every client is a descriptor. The soft limit is 1024 by default while
 * the hard one is far higher (524288 under systemd), so a server that
 * kept the soft one would refuse its 1000th client: raise it to the hard
 * limit, as servers do. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) == 0)
    g_debug ("up to %llu open descriptors", (unsigned long long) limit.rlim_cur);
}

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);

  return G_SOURCE_CONTINUE;
}

/* --- settings ------------------------------------------------------------ */

static GLogLevelFlags log_threshold = G_LOG_LEVEL_MESSAGE;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  /* Lower flag bits are more severe: drop what is below the threshold. */
  if ((level & G_LOG_LEVEL_MASK) > log_threshold)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
set_log_level (const char *name)
{
  static const struct { const char *name; GLogLevelFlags level; } levels[] = {
    { "error", G_LOG_LEVEL_CRITICAL },
    { "warning", G_LOG_LEVEL_WARNING },
    { "message", G_LOG_LEVEL_MESSAGE },
    { "info", G_LOG_LEVEL_INFO },
    { "debug", G_LOG_LEVEL_DEBUG },
  };

  /* Without --log-level, G_MESSAGES_DEBUG keeps deciding, as in any GLib
   * program: GLib's writer then filters by domain itself. */
  gboolean from_environment = name == NULL && g_getenv ("G_MESSAGES_DEBUG") != NULL;

  if (name == NULL)
    name = from_environment ? "debug" : "message";
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_str_equal (name, levels[i].name))
      {
        log_threshold = levels[i].level;
        /* GLib's writer shows info and debug only for G_MESSAGES_DEBUG;
         * asked for explicitly, they are shown for every domain. */
        if (log_threshold >= G_LOG_LEVEL_INFO && !from_environment)
          g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
        g_log_set_writer_func (log_writer, NULL, NULL);
        return TRUE;
      }
  g_printerr (_("calque-server: unknown log level “%s” (error, warning, message, info or debug)\n"), name);
  return FALSE;
}

/* Fills the settings the command line left unset from FILE's [server]
 * group. An unknown key is an error: a misspelt setting must not be
 * silently ignored. */
static gboolean
read_config (const char  *file,
             char       **listen,
             char       **data_dir,
             char       **store,
             char       **tls_cert,
             char       **tls_key,
             char       **log_level)
{
  static const char * const keys[] = { "listen", "data", "store", "tls-cert", "tls-key", "log-level", NULL };
  char **targets[] = { listen, data_dir, store, tls_cert, tls_key, log_level };
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) present = NULL;

  if (!g_key_file_load_from_file (keyfile, file, G_KEY_FILE_NONE, &error))
    {
      g_printerr (_("calque-server: cannot read the configuration %s: %s\n"), file, error->message);
      return FALSE;
    }
  present = g_key_file_get_keys (keyfile, "server", NULL, NULL);
  for (guint i = 0; present && present[i]; i++)
    if (!g_strv_contains (keys, present[i]))
      {
        g_printerr (_("calque-server: %s: unknown setting “%s” in [server]\n"), file, present[i]);
        return FALSE;
      }
  for (guint i = 0; keys[i]; i++)
    if (*targets[i] == NULL)
      *targets[i] = g_key_file_get_string (keyfile, "server", keys[i], NULL);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CalqueListenAddress) address = NULL;
  g_autoptr(CalqueHttp) http = NULL;
  g_autoptr(CalqueServerStore) store = NULL;
  g_autoptr(CalquePasswordHasher) hasher = NULL;
  g_autoptr(CalqueAuth) auth = NULL;
  g_autoptr(mongoc_uri_t) mongo_uri = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *store_text = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *config = NULL;
  g_autofree char *log_level = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) args = NULL;
  gboolean version = FALSE;
  guint sigterm_id;
  guint sigint_id;
  const GOptionEntry entries[] = {
    { "listen", 'l', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &listen,
      N_("Listen on ADDRESS, such as 127.0.0.1:8080, [::1]:8080, localhost:8080 or "
         "0.0.0.0:8080; port 0 picks a free port (default: 127.0.0.1:8080)"),
      N_("ADDRESS") },
    { "data", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Keep the server’s data in DIR (default: ~/.local/share/calque-server)"), N_("DIR") },
    { "store", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &store_text,
      N_("Keep projects and users in MongoDB at URI (mongodb://… or mongodb+srv://…, a replica set) "
         "instead of SQLite in --data; media stay in --data (see docs/deploy.md)"),
      N_("URI") },
    { "tls-cert", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("Serve HTTPS with the certificate (chain) in this PEM file"), N_("FILE") },
    { "tls-key", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &tls_key,
      N_("The private key of --tls-cert, in PEM"), N_("FILE") },
    { "config", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &config,
      N_("Read settings from FILE ([server] listen, data, store, tls-cert, tls-key, log-level); options win"),
      N_("FILE") },
    { "log-level", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &log_level,
      N_("Log from LEVEL up: error, warning, message (default), info or debug"), N_("LEVEL") },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CALQUE_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("calque-server");
  /* stdout carries exactly one line that other programs read (see below);
   * every log level goes to stderr so that G_MESSAGES_DEBUG cannot add to it. */
  g_log_writer_default_set_use_stderr (TRUE);

  if (argc > 1 && strcmp (argv[1], "user") == 0)
    {
      args = g_strdupv (argv + 1);
      return run_user_command (args);
    }

  context = g_option_context_new (_("[user add NAME]"));
  g_option_context_set_summary (context,
                                _("Serve Calque projects to the desktop app and to calque-cli."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("calque-server: %s\n", error->message);
      g_printerr (_("Run “%s --help” to see the options.\n"), "calque-server");
      return EXIT_USAGE;
    }

  if (g_strv_length (args) > 1)
    {
      g_printerr (_("calque-server: unexpected argument “%s”\n"), args[1]);
      g_printerr (_("Run “%s --help” to see the options.\n"), "calque-server");
      return EXIT_USAGE;
    }

  if (version)
    {
      g_print ("calque-server %s\n", CALQUE_VERSION);
      return EXIT_OK;
    }

  if (config != NULL && !read_config (config, &listen, &data_dir, &store_text, &tls_cert, &tls_key, &log_level))
    return EXIT_USAGE;
  if (!set_log_level (log_level))
    return EXIT_USAGE;
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr (_("calque-server: --tls-cert and --tls-key go together\n"));
      return EXIT_USAGE;
    }

  address = calque_listen_address_parse (listen != NULL ? listen : DEFAULT_LISTEN, &error);
  if (address == NULL)
    {
      g_printerr (_("calque-server: bad --listen address: %s\n"), error->message);
      return EXIT_USAGE;
    }
  if (store_text != NULL && (mongo_uri = parse_store_uri (store_text)) == NULL)
    return EXIT_USAGE;

  if (data_dir == NULL)
    data_dir = default_data_dir ();
  store = open_store (data_dir, mongo_uri, store_text);
  if (store == NULL)
    return EXIT_RUNTIME;
  /* Several servers may share the database: each pushes to its clients
   * what the others wrote (docs/deploy.md). */
  if (CALQUE_IS_MONGO_STORE (store))
    calque_mongo_store_watch (CALQUE_MONGO_STORE (store));

  hasher = calque_password_hasher_new (0);
  auth = calque_auth_new (store, hasher);

  http = calque_http_new (auth);
  if (tls_cert != NULL && !calque_http_set_tls_files (http, tls_cert, tls_key, &error))
    {
      g_printerr (_("calque-server: cannot use the TLS certificate: %s\n"), error->message);
      return EXIT_RUNTIME;
    }
  {
    g_autofree char *blob_dir = g_build_filename (data_dir, "blobs", NULL);
    calque_http_set_blob_dir (http, blob_dir);
  }
  if (!calque_http_listen (http, address, &error))
    {
      const char *wanted = listen != NULL ? listen : DEFAULT_LISTEN;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_printerr (_("calque-server: cannot listen on %s: the address is already in use "
                      "(is another server running?); choose another port with --listen\n"),
                    wanted);
      else
        g_printerr (_("calque-server: cannot listen on %s: %s\n"), wanted, error->message);
      return EXIT_RUNTIME;
    }

  raise_descriptor_limit ();
  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);

  /* Not translated: scripts and tests read the port from this line. */
  uri = calque_listen_address_to_uri (address, calque_http_get_port (http));
  if (calque_http_is_https (http))
    {
      g_autofree char *plain = g_steal_pointer (&uri);
      uri = g_strconcat ("https://", plain + strlen ("http://"), NULL);
    }
  g_print ("calque-server: listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (loop);

  g_message (_("shutting down"));
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  calque_http_disconnect (http);

  return EXIT_OK;
}
