/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-servers-smoke.c: proves the test-server harness works: starts real
 * Prosody and ejabberd, opens a plain TCP connection to each STARTTLS port,
 * sends a stream header and waits for <stream:features>; checks the
 * certificate is a working trust anchor, that an ejabberd CAPTCHA's answer
 * is found from its image's SHA-1, and that accounts and invitations can be
 * made. */
#define G_LOG_DOMAIN "test-servers-smoke"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "enlist-test-servers.h"

static EnlistTestServers *servers;

/* Reads from stream until needle has been seen; returns everything read. */
static char *
read_until (GInputStream *in,
            const char   *needle)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buf[4096];

  while (strstr (seen->str, needle) == NULL)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        g_error ("connection closed before %s; got: %s", needle, seen->str);
      g_string_append_len (seen, buf, n);
    }
  return g_string_free (g_steal_pointer (&seen), FALSE);
}

static char *
exchange (guint16     port,
          const char *request,
          const char *needle)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  GOutputStream *out;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>%s",
                            enlist_test_servers_get_domain (servers), request);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, header, strlen (header), NULL, NULL, &error);
  g_assert_no_error (error);

  return read_until (g_io_stream_get_input_stream (G_IO_STREAM (conn)), needle);
}

static void
test_stream_features (gconstpointer data)
{
  const char *server = data;
  g_autofree char *reply = NULL;

  reply = exchange (enlist_test_servers_get_port (servers, server, FALSE), "", "<stream:features");
  g_assert_nonnull (strstr (reply, "<stream:features"));
}

static void
test_direct_tls_port (gconstpointer data)
{
  const char *server = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                          enlist_test_servers_get_port (servers, server, TRUE),
                                          NULL, &error);
  g_assert_no_error (error);
}

static void
write_string (GIOStream  *stream,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* STARTTLS with the harness's certificate as the only trust anchor, then
 * ejabberd's registration form: its CAPTCHA's answer must be on record. */
static void
test_captcha_answer (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *answer = NULL;
  const char *domain = enlist_test_servers_get_domain (servers);

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                          enlist_test_servers_get_port (servers, "ejabberd", FALSE),
                                          NULL, &error);
  g_assert_no_error (error);

  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                            domain);
  write_string (G_IO_STREAM (conn), header);
  write_string (G_IO_STREAM (conn), "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  g_free (read_until (g_io_stream_get_input_stream (G_IO_STREAM (conn)), "<proceed"));

  database = g_tls_file_database_new (enlist_test_servers_get_ca_file (servers), &error);
  g_assert_no_error (error);
  identity = g_network_address_new (domain, 0);
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  write_string (tls, header);
  write_string (tls, "<iq type='get' id='reg1'><query xmlns='jabber:iq:register'/></iq>");
  reply = read_until (g_io_stream_get_input_stream (tls), "</iq>");

  regex = g_regex_new ("cid:sha1\\+([0-9a-f]{40})@bob\\.xmpp\\.org", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (regex, reply, 0, &match));
  sha1 = g_match_info_fetch (match, 1);

  answer = enlist_test_servers_captcha_answer (servers, sha1);
  g_assert_nonnull (answer);
  g_assert_cmpuint (strlen (answer), ==, 6);
  g_assert_true (g_str_is_ascii (answer));
  g_clear_pointer (&answer, g_free);

  /* No such challenge, and names that are not a SHA-1 */
  answer = enlist_test_servers_captcha_answer (servers, "0000000000000000000000000000000000000000");
  g_assert_null (answer);
  answer = enlist_test_servers_captcha_answer (servers, "../../../etc/passwd");
  g_assert_null (answer);

  g_io_stream_close (tls, NULL, NULL);
}

static void
test_make_user_and_invite (void)
{
  g_autofree char *uri = NULL;
  g_autofree char *prefix = g_strdup_printf ("xmpp:%s?register;preauth=",
                                             enlist_test_servers_get_invite_domain (servers));

  /* Each aborts the test if the server refuses. */
  enlist_test_servers_make_user (servers, "prosody", "smoke", "smoke password");
  enlist_test_servers_make_user (servers, "ejabberd", "smoke", "smoke password");

  uri = enlist_test_servers_invite (servers);
  g_assert_true (g_str_has_prefix (uri, prefix));
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/servers/prosody/stream-features", "prosody", test_stream_features);
  g_test_add_data_func ("/servers/ejabberd/stream-features", "ejabberd", test_stream_features);
  g_test_add_data_func ("/servers/prosody/direct-tls-port", "prosody", test_direct_tls_port);
  g_test_add_data_func ("/servers/ejabberd/direct-tls-port", "ejabberd", test_direct_tls_port);
  g_test_add_func ("/servers/ejabberd/captcha-answer", test_captcha_answer);
  g_test_add_func ("/servers/make-user-and-invite", test_make_user_and_invite);

  /* A missing server fails here, loudly: it is never a skip. */
  servers = enlist_test_servers_start (TRUE, TRUE);
  result = g_test_run ();
  enlist_test_servers_stop (servers);
  return result;
}
