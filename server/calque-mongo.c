/* calque-mongo.c — libmongoc set up once, its log into GLib's */
#define G_LOG_DOMAIN "calque-server-store"

#include "calque-mongo.h"

/* libmongoc's messages of the calling thread while it is held: a GPtrArray
 * of strings, or NULL. */
static GPrivate held = G_PRIVATE_INIT ((GDestroyNotify) g_ptr_array_unref);

static void
log_message (GLogLevelFlags  level,
             const char     *domain,
             const char     *message)
{
  /* libmongoc's own domains are "mongoc", "cluster", "stream"…: the
   * first is already said by GLib's "mongoc-Message:". */
  if (g_strcmp0 (domain, "mongoc") == 0)
    g_log ("mongoc", level, "%s", message);
  else
    g_log ("mongoc", level, "%s: %s", domain, message);
}

void
calque_mongo_hold_log (void)
{
  g_private_replace (&held, g_ptr_array_new_with_free_func (g_free));
}

void
calque_mongo_release_log (gboolean replay)
{
  g_autoptr(GPtrArray) messages = g_private_get (&held);

  g_private_set (&held, NULL);
  for (guint i = 0; replay && messages != NULL && i < messages->len; i++)
    log_message (G_LOG_LEVEL_MESSAGE, "mongoc", g_ptr_array_index (messages, i));
}

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
  GPtrArray *holding = g_private_get (&held);
  GLogLevelFlags g_level;

  if (holding != NULL)
    {
      if (level <= MONGOC_LOG_LEVEL_MESSAGE)
        g_ptr_array_add (holding, g_strdup (message));
      return;
    }

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
  log_message (g_level, domain, message);
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
