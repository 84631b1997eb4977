/* test-listen-address.c: parsing of calque-server --listen values
 *
 * Copyright Calque developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-listen-address"

#include <string.h>

#include "calque-listen-address.h"

static void
test_parse_valid (void)
{
  static const struct {
    const char *text;
    const char *host;
    guint16     port;
    gboolean    ipv6;
    const char *uri;
  } cases[] = {
    { "127.0.0.1:8080", "127.0.0.1", 8080, FALSE, "http://127.0.0.1:8080/" },
    { "127.0.0.1:0", "127.0.0.1", 0, FALSE, "http://127.0.0.1:0/" },
    { "0.0.0.0:65535", "0.0.0.0", 65535, FALSE, "http://0.0.0.0:65535/" },
    { "localhost:80", "localhost", 80, FALSE, "http://localhost:80/" },
    { "LocalHost:80", "localhost", 80, FALSE, "http://localhost:80/" },
    { "[::1]:8080", "::1", 8080, TRUE, "http://[::1]:8080/" },
    /* Written the long way, printed the canonical way. */
    { "[0:0:0:0:0:0:0:1]:9", "::1", 9, TRUE, "http://[::1]:9/" },
    { "[::]:443", "::", 443, TRUE, "http://[::]:443/" },
    { "127.0.0.1:00080", "127.0.0.1", 80, FALSE, "http://127.0.0.1:80/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CalqueListenAddress) address = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = NULL;

      g_test_message ("%s", cases[i].text);
      address = calque_listen_address_parse (cases[i].text, &error);
      g_assert_no_error (error);
      g_assert_nonnull (address);
      g_assert_cmpstr (address->host, ==, cases[i].host);
      g_assert_cmpuint (address->port, ==, cases[i].port);
      g_assert_cmpint (calque_listen_address_is_ipv6 (address), ==, cases[i].ipv6);

      uri = calque_listen_address_to_uri (address, address->port);
      g_assert_cmpstr (uri, ==, cases[i].uri);
    }
}

static void
test_parse_invalid (void)
{
  static const struct {
    const char              *text;
    CalqueListenAddressError code;
  } cases[] = {
    { "127.0.0.1", CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT },
    { "127.0.0.1:", CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT },
    { "[::1]", CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT },
    { "[::1]8080", CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT },
    { "127.0.0.1:65536", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1:99999", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1:99999999999999999999999", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1:-1", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1:+80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1: 80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "127.0.0.1:0x50", CALQUE_LISTEN_ADDRESS_ERROR_BAD_PORT },
    { "nonsense:abc", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "example.org:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "1.2.3:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "256.0.0.1:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { ":80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "::1:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "[::1:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "[127.0.0.1]:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "[localhost]:80", CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST },
    { "", CALQUE_LISTEN_ADDRESS_ERROR_NO_PORT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CalqueListenAddress) address = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("“%s”", cases[i].text);
      address = calque_listen_address_parse (cases[i].text, &error);
      g_assert_null (address);
      g_assert_error (error, CALQUE_LISTEN_ADDRESS_ERROR, (int) cases[i].code);
      g_test_message ("→ %s", error->message);

      /* The operator must see which value was wrong. */
      if (cases[i].text[0] != '\0')
        g_assert_nonnull (strstr (error->message, cases[i].text));
    }
}

static void
test_parse_invalid_utf8 (void)
{
  g_autoptr(CalqueListenAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  address = calque_listen_address_parse ("h\xff\xfe:80", &error);
  g_assert_null (address);
  g_assert_error (error, CALQUE_LISTEN_ADDRESS_ERROR, CALQUE_LISTEN_ADDRESS_ERROR_BAD_HOST);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/listen-address/valid", test_parse_valid);
  g_test_add_func ("/server/listen-address/invalid", test_parse_invalid);
  g_test_add_func ("/server/listen-address/invalid-utf8", test_parse_invalid_utf8);

  return g_test_run ();
}
