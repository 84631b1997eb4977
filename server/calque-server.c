/* calque-server.c: entry point of calque-server
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "calque-http.h"
#include "calque-listen-address.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"

/* Exit statuses: scripts and tests tell a typing mistake from a busy port. */
enum {
  EXIT_OK = 0,
  EXIT_RUNTIME = 1,   /* could not listen, or failed while serving */
  EXIT_USAGE = 2,     /* bad command line */
};

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);

  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CalqueListenAddress) address = NULL;
  g_autoptr(CalqueHttp) http = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
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

  context = g_option_context_new (NULL);
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

  address = calque_listen_address_parse (listen != NULL ? listen : DEFAULT_LISTEN, &error);
  if (address == NULL)
    {
      g_printerr (_("calque-server: bad --listen address: %s\n"), error->message);
      return EXIT_USAGE;
    }

  http = calque_http_new ();
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

  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);

  /* Not translated: scripts and tests read the port from this line. */
  uri = calque_listen_address_to_uri (address, calque_http_get_port (http));
  g_print ("calque-server: listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (loop);

  g_message (_("shutting down"));
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  calque_http_disconnect (http);

  return EXIT_OK;
}
