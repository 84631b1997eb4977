/* calque-mongo.c — libmongoc set up once, its log into GLib's */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo.h"

/* libmongoc writes its own lines to stderr by default, past --log-level.
 * Its warnings (an unknown URI option, a server that went away) are worth
 * seeing, but as messages: GLib test programs abort on a warning, and
 * none of these is a bug of the program. */
static void
mongoc_log_cb (mongoc_log_level_t  level,
               const char         *domain,
               const char         *message,
               void               *user_data)
{
  GLogLevelFlags g_level;

  switch (level)
    {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL:
    case MONGOC_LOG_LEVEL_WARNING:
    case MONGOC_LOG_LEVEL_MESSAGE:
      g_level = G_LOG_LEVEL_MESSAGE;
      break;
    case MONGOC_LOG_LEVEL_INFO:
      g_level = G_LOG_LEVEL_INFO;
      break;
    case MONGOC_LOG_LEVEL_DEBUG:
    case MONGOC_LOG_LEVEL_TRACE:
    default:
      g_level = G_LOG_LEVEL_DEBUG;
      break;
    }
  /* libmongoc's own domains are "mongoc", "cluster", "stream"…: the
   * first is already said by GLib's "mongoc-Message:". */
  if (g_strcmp0 (domain, "mongoc") == 0)
    g_log ("mongoc", g_level, "%s", message);
  else
    g_log ("mongoc", g_level, "%s: %s", domain, message);
}

void
calque_mongo_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      mongoc_init ();
      mongoc_log_set_handler (mongoc_log_cb, NULL);
      g_once_init_leave (&initialised, 1);
    }
}
