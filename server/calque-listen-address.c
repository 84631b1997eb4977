/* calque-listen-address.c: the HOST:PORT a server listens on
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "calque-server"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "calque-listen-address.h"

G_DEFINE_QUARK (calque-listen-address-error-quark, calque_listen_address_error)

/* Ports are decimal and nothing else: “+80”, “0x50” or “ 80” would be
 * accepted by strtoul() but are surely typing mistakes. */
static gboolean
parse_port (const char  *text,
            const char  *port_text,
            guint16     *out_port,
            GError     **error)
{
  guint64 value;

  g_assert (text != NULL);
  g_assert (port_text != NULL);
  g_assert (out_port != NULL);

  if (*port_text == '\0')
    {
      g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT,
                   _("“%s” has no port: expected HOST:PORT, such as 127.0.0.1:8080"), text);
      return FALSE;
    }

  for (const char *p = port_text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT,
                       _("“%s”: the port “%s” is not a number"), text, port_text);
          return FALSE;
        }
    }

  /* Saturates at G_MAXUINT64 for absurdly long strings, which is still out
   * of range, so no separate overflow check is needed. */
  value = g_ascii_strtoull (port_text, NULL, 10);
  if (value > G_MAXUINT16)
    {
      g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT,
                   _("“%s”: the port %s is out of range (0 to 65535)"), text, port_text);
      return FALSE;
    }

  *out_port = (guint16) value;
  return TRUE;
}

static char *
parse_host (const char      *text,
            const char      *host_text,
            GSocketFamily    family,
            GError         **error)
{
  g_autoptr(GInetAddress) address = NULL;

  g_assert (text != NULL);
  g_assert (host_text != NULL);

  if (*host_text == '\0')
    {
      g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST,
                   _("“%s”: there is no host before the port"), text);
      return NULL;
    }

  if (family == G_SOCKET_FAMILY_IPV4 && g_ascii_strcasecmp (host_text, "localhost") == 0)
    return g_strdup ("localhost");

  /* Only literal addresses: a server that resolved a name at startup would
   * listen on whatever the resolver said that day, which is not what an
   * operator who writes a bind address expects. */
  address = g_inet_address_new_from_string (host_text);
  if (address == NULL || g_inet_address_get_family (address) != family)
    {
      g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST,
                   family == G_SOCKET_FAMILY_IPV6
                     ? _("“%s”: “%s” is not an IPv6 address")
                     : _("“%s”: “%s” is not an IP address or “localhost”"),
                   text, host_text);
      return NULL;
    }

  return g_inet_address_to_string (address);
}

/**
 * calque_listen_address_parse:
 * @text: what the operator wrote: `127.0.0.1:8080`, `[::1]:8080`,
 *   `localhost:8080`, `0.0.0.0:8080`; port 0 means any free port
 * @error: return location for a #GError in %CALQUE_LISTEN_ADDRESS_ERROR
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error set;
 *   the error message names @text.
 */
CalqueListenAddress *
calque_listen_address_parse (const char  *text,
                             GError     **error)
{
  g_autoptr(CalqueListenAddress) self = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *host_text = NULL;
  const char *port_text;
  GSocketFamily family;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The value ends up in messages, which must be UTF-8. */
  valid = g_utf8_make_valid (text, -1);

  if (*valid == '\0')
    {
      g_set_error_literal (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT,
                           _("the address is empty: expected HOST:PORT, such as 127.0.0.1:8080"));
      return NULL;
    }

  if (valid[0] == '[')
    {
      const char *close = strchr (valid, ']');

      if (close == NULL)
        {
          g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST,
                       _("“%s”: “[” has no matching “]”"), valid);
          return NULL;
        }

      if (close[1] != ':')
        {
          g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT,
                       _("“%s” has no port: expected HOST:PORT, such as [::1]:8080"), valid);
          return NULL;
        }

      host_text = g_strndup (valid + 1, close - valid - 1);
      port_text = close + 2;
      family = G_SOCKET_FAMILY_IPV6;
    }
  else
    {
      const char *colon = strrchr (valid, ':');

      if (colon == NULL)
        {
          g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT,
                       _("“%s” has no port: expected HOST:PORT, such as 127.0.0.1:8080"), valid);
          return NULL;
        }

      host_text = g_strndup (valid, colon - valid);
      port_text = colon + 1;
      family = G_SOCKET_FAMILY_IPV4;

      /* Without brackets “::1:8080” could be read two ways. */
      if (strchr (host_text, ':') != NULL)
        {
          g_set_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST,
                       _("“%s”: write an IPv6 address in brackets, such as [::1]:8080"), valid);
          return NULL;
        }
    }

  self = g_new0 (CalqueListenAddress, 1);

  if (!(self->host = parse_host (valid, host_text, family, error)))
    return NULL;

  if (!parse_port (valid, port_text, &self->port, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
calque_listen_address_is_ipv6 (const CalqueListenAddress *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return strchr (self->host, ':') != NULL;
}

/**
 * calque_listen_address_to_uri:
 * @self: an address
 * @port: the port actually bound, which differs from @self's when that is 0
 *
 * Returns: (transfer full): `http://HOST:PORT/`, with brackets around an
 *   IPv6 host
 */
char *
calque_listen_address_to_uri (const CalqueListenAddress *self,
                              guint16                    port)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (calque_listen_address_is_ipv6 (self))
    return g_strdup_printf ("http://[%s]:%u/", self->host, (guint) port);
  else
    return g_strdup_printf ("http://%s:%u/", self->host, (guint) port);
}

void
calque_listen_address_free (CalqueListenAddress *self)
{
  if (self == NULL)
    return;

  g_free (self->host);
  g_free (self);
}
