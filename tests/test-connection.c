/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-connection.c: EnlistConnection against the in-process fake server
 * (tests/enlist-fake-server.h): a well-behaved stream, then one that
 * misbehaves in ways real servers will not. Every hostile case must end in a
 * clear error, with no crash, no hang and nothing sent in plaintext but the
 * stream header and <starttls/>; cases that differ only in what the server
 * sends are tables. Real servers are in test-integration.c. */
#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <string.h>

#include "enlist-certificate.h"
#include "enlist-connection.h"
#include "enlist-error.h"
#include "enlist-fake-server.h"
#include "enlist-test-utils.h"
#include "enlist-tls-policy-private.h"

#define GUARD_SECONDS 10

#define STARTTLS "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
#define STREAM_NS "xmlns='urn:ietf:params:xml:ns:xmpp-streams'"
/* the stream header without its XML declaration, for responses with a DTD */
#define STREAM_ROOT \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
  "id='x' from='fake.test' version='1.0'>"

typedef struct
{
  guint guard_id;
} Fixture;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static gboolean
guard_cb (gpointer user_data)
{
  g_error ("%s: no result after %d s (a hang?)", g_test_get_path (), GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->guard_id = g_timeout_add_seconds (GUARD_SECONDS, guard_cb, NULL);
  enlist_connection_reset_pipelining_memory ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* let the fake server's cancelled I/O finish, so nothing leaks */
  while (enlist_fake_server_get_n_live () > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&f->guard_id, g_source_remove);
  enlist_connection_reset_pipelining_memory ();
}

static EnlistConnection *
new_connection (EnlistFakeServer *server,
                const char       *domain,
                gboolean          direct_tls)
{
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "fake-server-ca.pem", NULL);
  EnlistConnection *connection = enlist_connection_new (domain);
  g_autoptr(GError) error = NULL;

  enlist_connection_set_endpoint (connection, "127.0.0.1",
                                  enlist_fake_server_get_port (server), direct_tls);
  enlist_connection_set_ca_file (connection, ca_file, &error);
  g_assert_no_error (error);
  enlist_connection_set_timeout (connection, 5000);
  return connection;
}

static gboolean
connect_sync (EnlistConnection *connection,
              GCancellable     *cancellable,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_connection_connect_async (connection, cancellable, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_connection_connect_finish (connection, result, error);
}

static EnlistXmlNode *
new_iq (const char *query_ns)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

  enlist_xml_node_set_attr (iq, "type", "get");
  enlist_xml_node_add_child (iq, "query", query_ns);
  return iq;
}

static EnlistXmlNode *
iq_sync (EnlistConnection *connection,
         const char       *query_ns,
         guint             timeout_ms,
         GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_connection_send_iq_async (connection, new_iq (query_ns), timeout_ms, NULL,
                                   enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_connection_send_iq_finish (connection, result, NULL, error);
}

static void
assert_clear_error (const GError *error,
                    GQuark        domain,
                    int           code)
{
  g_assert_error (error, domain, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("error as expected: %s", error->message);
}

/* Before TLS the client wrote its stream header and at most <starttls/>. */
static void
assert_plaintext_clean (EnlistFakeServer *server,
                        guint             index)
{
  const char *plaintext;

  /* everything the client wrote has arrived once the server saw it close */
  while (!enlist_fake_server_is_closed (server, index))
    g_main_context_iteration (NULL, TRUE);
  plaintext = enlist_fake_server_get_plaintext (server, index);

  g_assert_true (g_str_has_prefix (plaintext, "<?xml version='1.0'?><stream:stream "));
  g_assert_cmpuint (enlist_fake_server_get_n_plaintext_other (server, index), ==, 0);
  /* the header ends at its first '>' after the declaration; then only <starttls/> */
  plaintext = strchr (strstr (plaintext, "<stream:stream"), '>') + 1;
  if (*plaintext != '\0')
    g_assert_cmpstr (plaintext, ==, STARTTLS);
}

/* Connects to a server built from options and expects code in ENLIST_ERROR. */
static EnlistFakeServer *
expect_connect_error (const EnlistFakeServerOptions *options,
                      int                            code,
                      GError                       **error_out)
{
  EnlistFakeServer *server = enlist_fake_server_new (options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_false (connect_sync (connection, NULL, &error));
  assert_clear_error (error, ENLIST_ERROR, code);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_CLOSED);
  enlist_test_finalize (connection);
  for (guint i = 0; i < enlist_fake_server_get_n_connections (server); i++)
    assert_plaintext_clean (server, i);
  if (error_out != NULL)
    *error_out = g_steal_pointer (&error);
  return server;
}

/* ---------------------------------------------------------------------- */
/* A well-behaved server                                                   */

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (NULL);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_SECURED);
  g_assert_cmpstr (enlist_connection_get_trust_reason (connection), ==, "ca-file");
  g_assert_true (enlist_connection_has_feature (connection, "register",
                                                "http://jabber.org/features/iq-register"));
  g_assert_cmpstr (enlist_connection_get_mechanisms (connection)[0], ==, "PLAIN");
  g_assert_true (enlist_connection_get_pipelined (connection));
  g_assert_nonnull (enlist_connection_get_peer_certificate (connection));

  reply = iq_sync (connection, "jabber:iq:register", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_xml_node_get_attr (reply, "type"), ==, "result");

  enlist_connection_close_async (connection, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  g_assert_true (enlist_connection_close_finish (connection, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);   /* a task keeps its source object alive */

  assert_plaintext_clean (server, 0);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  enlist_test_finalize (connection);
}

/* Connections with the same CA file share its parsed anchors, and a chain
 * the CA file vouches for never loads the system store (glib-networking's
 * own database would parse it for every connection). Runs before any test
 * that needs the system store. */
static void
test_ca_file_once (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (NULL);
  guint before = enlist_tls_policy_get_n_ca_file_loads ();

  for (guint i = 0; i < 3; i++)
    {
      EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
      g_autoptr(GError) error = NULL;

      g_assert_true (connect_sync (connection, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (enlist_connection_get_trust_reason (connection), ==, "ca-file");
      enlist_test_finalize (connection);
    }
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 3);
  /* once in this process, whichever test came first */
  g_assert_cmpuint (enlist_tls_policy_get_n_ca_file_loads (), <=, 1);
  g_assert_cmpuint (enlist_tls_policy_get_n_ca_file_loads () - before, <=, 1);
  g_assert_false (enlist_tls_policy_is_system_loaded ());
}

/* ---------------------------------------------------------------------- */
/* STARTTLS                                                                */

static void
test_starttls_not_offered (Fixture       *f,
                           gconstpointer  data)
{
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_NO_STARTTLS };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(EnlistXmlNode) iq = new_iq ("jabber:iq:register");
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) iq_error = NULL;
  EnlistXmlNode *password;

  /* a request with a secret, queued before connecting finishes */
  password = enlist_xml_node_add_child (enlist_xml_node_get_child (iq, "query", NULL),
                                        "password", NULL);
  enlist_xml_node_set_text (password, "s3cr3t-password");
  enlist_connection_connect_async (connection, NULL, enlist_test_store_result, &connected);
  enlist_connection_send_iq_async (connection, g_steal_pointer (&iq), 0, NULL,
                                   enlist_test_store_result, &answered);
  enlist_test_wait_for (&connected);
  enlist_test_wait_for (&answered);

  g_assert_false (enlist_connection_connect_finish (connection, connected, &error));
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE);
  g_assert_null (enlist_connection_send_iq_finish (connection, answered, NULL, &iq_error));
  assert_clear_error (iq_error, ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE);
  g_clear_object (&connected);
  g_clear_object (&answered);
  enlist_test_finalize (connection);

  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  assert_plaintext_clean (server, 0);
  g_assert_null (strstr (enlist_fake_server_get_plaintext (server, 0), "s3cr3t"));
}

/* ---------------------------------------------------------------------- */
/* Hostile streams                                                         */

typedef struct
{
  const char             *name;
  EnlistFakeServerFlags   flags;
  const char             *plain_response;   /* NULL: the fake server's own */
  const char             *secure_response;
  gsize                   padding;          /* bytes of padding inside the plain features */
  int                     code;             /* in ENLIST_ERROR */
  guint                   n_connections;    /* 2: retried once, step by step */
  const char             *condition;        /* of a stream error */
  const char             *server_text;
} HostileCase;

static const HostileCase hostile_cases[] = {
  /* a refusal to encrypt is not retried */
  { "starttls-failure", ENLIST_FAKE_SERVER_STARTTLS_FAILURE, NULL, NULL, 0,
    ENLIST_ERROR_TLS_UNAVAILABLE, 1, NULL, NULL },
  /* forbidden XML is the server's own doing, no reaction to pipelining: no
   * second connection */
  { "doctype", 0,
    "<?xml version='1.0'?><!DOCTYPE stream:stream SYSTEM 'http://evil.example/stream.dtd'>"
    STREAM_ROOT "<stream:features/>", NULL, 0,
    ENLIST_ERROR_PROTOCOL, 1, NULL, NULL },
  { "entity-plaintext", 0,
    "<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY boom 'starttls'>]>"
    STREAM_ROOT "<stream:features><x>&boom;</x></stream:features>", NULL, 0,
    ENLIST_ERROR_PROTOCOL, 1, NULL, NULL },
  { "doctype-secured", 0, NULL,
    "<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]>"
    STREAM_ROOT "<stream:features><x>&lol2;</x></stream:features>", 0,
    ENLIST_ERROR_PROTOCOL, 1, NULL, NULL },
  { "entity-secured", 0, NULL,
    ENLIST_FAKE_SERVER_STREAM_HEADER
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>&plain;</mechanism></mechanisms></stream:features>", 0,
    ENLIST_ERROR_PROTOCOL, 1, NULL, NULL },
  /* stream features where none can come (after the plaintext ones, while
   * waiting for <proceed/>): refused, never ignored */
  { "features-twice", 0,
    ENLIST_FAKE_SERVER_STREAM_HEADER
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>",
    NULL, 0, ENLIST_ERROR_PROTOCOL, 1, NULL, NULL },
  /* a limit is not the pipelining's fault either */
  { "oversized-default-limits", 0, NULL, NULL, 3 * 1024 * 1024,
    ENLIST_ERROR_LIMIT_EXCEEDED, 1, NULL, NULL },
  /* this could have been the pipelining's fault: tried once more, step by step */
  { "close-mid-features", ENLIST_FAKE_SERVER_CLOSE_AFTER_RESPONSE, NULL,
    ENLIST_FAKE_SERVER_STREAM_HEADER
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>PLA", 0,
    ENLIST_ERROR_CONNECTION_CLOSED, 2, NULL, NULL },
  { "stream-error", ENLIST_FAKE_SERVER_CLOSE_AFTER_RESPONSE,
    ENLIST_FAKE_SERVER_STREAM_HEADER
    "<stream:error><host-unknown " STREAM_NS "/>"
    "<text " STREAM_NS ">This server does not serve that domain.</text>"
    "</stream:error></stream:stream>", NULL, 0,
    ENLIST_ERROR_STREAM, 1, "host-unknown", "This server does not serve that domain." },
};

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  const HostileCase *c = data;
  g_autofree char *padded = NULL;
  EnlistFakeServerOptions options = {
    .flags = c->flags,
    .plain_response = c->plain_response,
    .secure_response = c->secure_response,
  };
  g_autoptr(EnlistFakeServer) server = NULL;
  g_autoptr(GError) error = NULL;

  if (c->padding > 0)
    {
      g_autofree char *padding = g_strnfill (c->padding, 'A');

      padded = g_strconcat (ENLIST_FAKE_SERVER_STREAM_HEADER
                            "<stream:features><x xmlns='test:padding'>",
                            padding, "</x></stream:features>", NULL);
      options.plain_response = padded;
    }

  server = expect_connect_error (&options, c->code, &error);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, c->n_connections);
  if (c->n_connections == 2)
    {
      g_assert_true (enlist_fake_server_get_first_flight_pipelined (server, 0));
      g_assert_false (enlist_fake_server_get_first_flight_pipelined (server, 1));
    }
  if (c->condition != NULL)
    {
      g_assert_cmpstr (enlist_error_get_condition (error), ==, c->condition);
      g_assert_cmpstr (enlist_error_get_server_text (error), ==, c->server_text);
    }
}

/* ---------------------------------------------------------------------- */
/* Limits                                                                  */

static void
test_oversized_small_limits (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *padding = g_strnfill (8 * 1024, 'A');
  g_autofree char *response = g_strconcat (ENLIST_FAKE_SERVER_STREAM_HEADER
                                           "<stream:features><x xmlns='test:padding'>",
                                           padding, "</x></stream:features>", NULL);
  EnlistFakeServerOptions options = { .secure_response = response };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GError) error = NULL;
  EnlistXmlLimits limits;

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 2048;
  limits.max_text = 1024;
  limits.max_buffered = 4096;
  enlist_connection_set_limits (connection, &limits);

  g_assert_false (connect_sync (connection, NULL, &error));
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  /* a limit is not the pipelining's fault: no second attempt */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  enlist_test_finalize (connection);
}

/* ---------------------------------------------------------------------- */
/* Replies                                                                 */

static void
reply_by_query_cb (EnlistFakeServer    *server,
                   const EnlistXmlNode *stanza,
                   gpointer             user_data)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (stanza, "query", NULL);
  g_autoptr(GString) reply = g_string_new ("<iq type='result' id='");
  const char *from = NULL;

  if (query == NULL)
    return;
  if (g_str_equal (query->ns, "test:spoof"))
    from = "evil@elsewhere.example";
  else if (g_str_equal (query->ns, "test:domain"))
    from = "fake.test";
  else if (g_str_equal (query->ns, "test:silent"))
    return;

  enlist_xml_escape_attr (reply, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (reply, "'");
  if (from != NULL)
    g_string_append_printf (reply, " from='%s'", from);
  g_string_append (reply, "><query xmlns='");
  enlist_xml_escape_attr (reply, query->ns);
  g_string_append (reply, "'/></iq>");

  if (g_str_equal (query->ns, "test:close-mid-stanza"))
    {
      /* cut the reply in the middle of its child element */
      g_string_truncate (reply, strstr (reply->str, "<query") - reply->str + 10);
      enlist_fake_server_send (server, reply->str);
      enlist_fake_server_close (server);
      return;
    }
  enlist_fake_server_send (server, reply->str);
}

static void
test_spoofed_reply (Fixture       *f,
                    gconstpointer  data)
{
  EnlistFakeServerOptions options = { .stanza_func = reply_by_query_cb };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  reply = iq_sync (connection, "test:spoof", 500, &error);
  g_assert_null (reply);
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 450 * 1000);
  g_clear_error (&error);

  /* positive controls on the same stream: the domain, and no from at all */
  reply = iq_sync (connection, "test:domain", 500, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_xml_node_get_attr (reply, "from"), ==, "fake.test");
  g_clear_pointer (&reply, enlist_xml_node_free);

  reply = iq_sync (connection, "test:no-from", 500, &error);
  g_assert_no_error (error);
  g_assert_null (enlist_xml_node_get_attr (reply, "from"));

  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_SECURED);
  enlist_test_finalize (connection);
}

static void
test_close_mid_stanza (Fixture       *f,
                       gconstpointer  data)
{
  EnlistFakeServerOptions options = { .stanza_func = reply_by_query_cb };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);

  reply = iq_sync (connection, "test:close-mid-stanza", 0, &error);
  g_assert_null (reply);
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_CLOSED);
  enlist_test_finalize (connection);
}

/* ---------------------------------------------------------------------- */
/* Timeouts and cancelling                                                 */

/* A silent server times out: one step at a time in one attempt; pipelined,
 * the attempt is retried once step by step, and still ends in time. */
typedef struct
{
  const char *name;
  gboolean    pipelining;
  guint       n_connections;
  gint64      max_elapsed_us;
} SilentCase;

static const SilentCase silent_cases[] = {
  { "silent-server", FALSE, 1, 2000 * 1000 },
  { "silent-server-pipelined", TRUE, 2, 3 * 700 * 1000 },
};

static void
test_silent (Fixture       *f,
             gconstpointer  data)
{
  const SilentCase *c = data;
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_SILENT };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GError) error = NULL;
  gint64 elapsed;

  enlist_connection_set_timeout (connection, 700);
  enlist_connection_set_pipelining (connection, c->pipelining);
  elapsed = g_get_monotonic_time ();
  g_assert_false (connect_sync (connection, NULL, &error));
  elapsed = g_get_monotonic_time () - elapsed;
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT);
  g_assert_cmpint (elapsed, >=, 650 * 1000);
  g_assert_cmpint (elapsed, <, c->max_elapsed_us);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, c->n_connections);
  enlist_test_finalize (connection);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_SILENT };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) iq_error = NULL;

  enlist_connection_connect_async (connection, cancellable, enlist_test_store_result, &connected);
  enlist_connection_send_iq_async (connection, new_iq ("jabber:iq:register"), 0, NULL,
                                   enlist_test_store_result, &answered);
  g_timeout_add (100, cancel_cb, cancellable);
  enlist_test_wait_for (&connected);
  enlist_test_wait_for (&answered);

  g_assert_false (enlist_connection_connect_finish (connection, connected, &error));
  assert_clear_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (enlist_connection_send_iq_finish (connection, answered, NULL, &iq_error));
  assert_clear_error (iq_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_CLOSED);
  /* a cancel is not retried */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  g_clear_object (&connected);
  g_clear_object (&answered);
  enlist_test_finalize (connection);
}

/* ---------------------------------------------------------------------- */
/* Certificates                                                            */

static void
test_untrusted_certificate (Fixture       *f,
                            gconstpointer  data)
{
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_OTHER_CERTIFICATE };
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistFakeServer) server = expect_connect_error (&options, ENLIST_ERROR_CERTIFICATE,
                                                             &error);
  g_autofree char *fingerprint = NULL;
  g_autofree char *peer_fingerprint = NULL;
  EnlistConnection *connection;
  GTlsCertificate *certificate;

  certificate = enlist_error_get_certificate (error);
  g_assert_nonnull (certificate);
  g_assert_true (enlist_error_get_certificate_flags (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_assert_nonnull (fingerprint);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);

  /* the user accepts it */
  connection = new_connection (server, "fake.test", FALSE);
  enlist_connection_add_pinned_fingerprint (connection, fingerprint);
  g_clear_error (&error);
  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_connection_get_trust_reason (connection), ==, "pinned");
  peer_fingerprint =
    enlist_certificate_get_fingerprint (enlist_connection_get_peer_certificate (connection));
  g_assert_true (enlist_certificate_fingerprint_equal (fingerprint, peer_fingerprint));
  enlist_test_finalize (connection);
}

static void
test_wrong_identity (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (NULL);
  EnlistConnection *connection = new_connection (server, "wrong.example", FALSE);
  g_autoptr(GError) error = NULL;

  /* the host is 127.0.0.1, which the certificate names; the domain is not */
  g_assert_false (connect_sync (connection, NULL, &error));
  assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  g_assert_nonnull (enlist_error_get_certificate (error));
  g_assert_true (enlist_error_get_certificate_flags (error) & G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  enlist_test_finalize (connection);
}

/* ---------------------------------------------------------------------- */
/* Pipelining                                                              */

static void
test_pipelining (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (NULL);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *first_read;

  enlist_connection_connect_async (connection, NULL, enlist_test_store_result, &connected);
  enlist_connection_send_iq_async (connection, new_iq ("jabber:iq:register"), 0, NULL,
                                   enlist_test_store_result, &answered);
  enlist_test_wait_for (&connected);
  enlist_test_wait_for (&answered);
  g_assert_true (enlist_connection_connect_finish (connection, connected, &error));
  g_assert_no_error (error);
  reply = enlist_connection_send_iq_finish (connection, answered, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_assert_true (enlist_connection_get_pipelined (connection));
  g_clear_object (&connected);
  g_clear_object (&answered);

  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  g_assert_true (enlist_fake_server_get_first_flight_pipelined (server, 0));
  g_assert_cmpstr (strchr (strstr (enlist_fake_server_get_plaintext (server, 0),
                                   "<stream:stream"), '>') + 1, ==, STARTTLS);

  /* the held request shares the secured stream header's flight */
  first_read = enlist_fake_server_get_secure_first_read (server, 0);
  g_assert_nonnull (first_read);
  g_assert_true (g_str_has_prefix (first_read, "<?xml version='1.0'?><stream:stream "));
  g_assert_true (g_str_has_prefix (strchr (strstr (first_read, "<stream:stream"), '>') + 1,
                                   "<iq "));
  enlist_test_finalize (connection);
  assert_plaintext_clean (server, 0);
}

static void
test_pipelining_rejected (Fixture       *f,
                          gconstpointer  data)
{
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_REJECT_PIPELINED };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  enlist_connection_connect_async (connection, NULL, enlist_test_store_result, &connected);
  enlist_connection_send_iq_async (connection, new_iq ("jabber:iq:register"), 0, NULL,
                                   enlist_test_store_result, &answered);
  enlist_test_wait_for (&connected);
  enlist_test_wait_for (&answered);
  g_assert_true (enlist_connection_connect_finish (connection, connected, &error));
  g_assert_no_error (error);
  reply = enlist_connection_send_iq_finish (connection, answered, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_clear_object (&connected);
  g_clear_object (&answered);

  g_assert_false (enlist_connection_get_pipelined (connection));
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 2);
  g_assert_true (enlist_fake_server_get_first_flight_pipelined (server, 0));
  g_assert_false (enlist_fake_server_get_first_flight_pipelined (server, 1));
  enlist_test_finalize (connection);
  assert_plaintext_clean (server, 0);
  assert_plaintext_clean (server, 1);

  /* the domain is remembered: the next connection goes step by step at once */
  connection = new_connection (server, "fake.test", FALSE);
  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (enlist_connection_get_pipelined (connection));
  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 3);
  g_assert_false (enlist_fake_server_get_first_flight_pipelined (server, 2));
  enlist_test_finalize (connection);
  assert_plaintext_clean (server, 2);
}

static void
test_direct_tls (Fixture       *f,
                 gconstpointer  data)
{
  EnlistFakeServerOptions options = { .flags = ENLIST_FAKE_SERVER_DIRECT_TLS };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", TRUE);
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (enlist_connection_get_direct_tls (connection));
  g_assert_cmpstr (enlist_connection_get_trust_reason (connection), ==, "ca-file");
  reply = iq_sync (connection, "jabber:iq:register", 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);

  g_assert_cmpuint (enlist_fake_server_get_n_connections (server), ==, 1);
  g_assert_cmpstr (enlist_fake_server_get_plaintext (server, 0), ==, "");
  g_assert_true (g_str_has_prefix (enlist_fake_server_get_secure_received (server, 0),
                                   "<?xml version='1.0'?><stream:stream "));
  enlist_test_finalize (connection);
}

/* The address the server binds: a full JID of the account itself, or the
 * session fails (replies from that address would be trusted otherwise). */
static void
bind_stanza_cb (EnlistFakeServer    *server,
                const EnlistXmlNode *stanza,
                gpointer             user_data)
{
  const char *bound = user_data;
  g_autoptr(GString) reply = NULL;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      enlist_fake_server_send (server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      enlist_fake_server_restart_stream (server);
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT) ||
      enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) == NULL)
    return;
  reply = g_string_new ("<iq type='result' id='");
  enlist_xml_escape_attr (reply, enlist_xml_node_get_attr (stanza, "id"));
  g_string_append (reply, "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>");
  enlist_xml_escape_text (reply, bound, -1);
  g_string_append (reply, "</jid></bind></iq>");
  enlist_fake_server_send (server, reply->str);
}

static void
test_bound_jid (Fixture       *f,
                gconstpointer  data)
{
  static const struct
  {
    const char *bound;
    gboolean    accepted;
  } cases[] = {
    { "alice@fake.test/enlist", TRUE },
    { "Alice@FAKE.test./Enlist", TRUE },
    { "alice@fake.test/a b@c/d", TRUE },
    { "mallory@fake.test/enlist", FALSE },
    { "alice@other.test/enlist", FALSE },
    { "alice@fake.test", FALSE },
    { "fake.test/enlist", FALSE },
    { "alice@fake.test/", FALSE },
    { "al ice@fake.test/r", FALSE },
    { "alice@fake.test/\xc2\x85next line", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnlistFakeServerOptions options = {
        .stanza_func = bind_stanza_cb,
        .user_data = (gpointer) cases[i].bound,
      };
      g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
      EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("bound to %s", cases[i].bound);
      g_assert_true (connect_sync (connection, NULL, &error));
      g_assert_no_error (error);
      enlist_connection_authenticate_async (connection, "alice", "secret",
                                            ENLIST_AUTHENTICATE_DEFAULT, NULL,
                                            enlist_test_store_result, &result);
      enlist_test_wait_for (&result);
      ok = enlist_connection_authenticate_finish (connection, result, &error);
      if (cases[i].accepted)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (enlist_connection_get_jid (connection), ==, cases[i].bound);
        }
      else
        {
          g_assert_false (ok);
          assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
          g_assert_null (strstr (error->message, "\xc2\x85"));
          g_assert_null (enlist_connection_get_jid (connection));
        }
      /* the result holds a reference to its source */
      g_clear_object (&result);
      enlist_test_finalize (connection);
    }
}

/* A user name that cannot be the localpart of an address is refused before
 * anything is sent. */
static void
test_invalid_username (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const usernames[] = { "al ice", "alice@fake.test", "a:b", "\xff", "" };
  EnlistFakeServerOptions options = {
    .stanza_func = bind_stanza_cb,
    .user_data = (gpointer) "alice@fake.test/enlist",
  };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);

  for (guint i = 0; i < G_N_ELEMENTS (usernames); i++)
    {
      EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (connect_sync (connection, NULL, &error));
      g_assert_no_error (error);
      enlist_connection_authenticate_async (connection, usernames[i], "secret",
                                            ENLIST_AUTHENTICATE_DEFAULT, NULL,
                                            enlist_test_store_result, &result);
      enlist_test_wait_for (&result);
      g_assert_false (enlist_connection_authenticate_finish (connection, result, &error));
      assert_clear_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID);
      g_assert_null (strstr (enlist_fake_server_get_secure_received (server, i), "<auth"));
      g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_SECURED);
      g_clear_object (&result);
      enlist_test_finalize (connection);
    }
}

typedef struct
{
  guint n_buffers;
  guint n_dirty;
} WipeCount;

static void
count_wiped (const guint8 *buffer,
             gsize         allocated,
             gpointer      user_data)
{
  WipeCount *count = user_data;

  count->n_buffers++;
  for (gsize i = 0; i < allocated; i++)
    if (buffer[i] != 0)
      {
        count->n_dirty++;
        return;
      }
}

/* Every buffer the writer sent, the PLAIN exchange's among them, is zeros
 * before it is freed; so is what is still queued when the connection goes. */
static void
test_wiped_writes (Fixture       *f,
                   gconstpointer  data)
{
  EnlistFakeServerOptions options = {
    .stanza_func = bind_stanza_cb,
    .user_data = (gpointer) "alice@fake.test/enlist",
  };
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (&options);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  static const char plain_message[] = "\0alice\0hunter2-wiped";
  g_autofree char *plain = g_base64_encode ((const guchar *) plain_message,
                                            sizeof plain_message - 1);
  WipeCount count = { 0, 0 };

  enlist_connection_set_wipe_check (count_wiped, &count);
  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  enlist_connection_authenticate_async (connection, "alice", "hunter2-wiped",
                                        ENLIST_AUTHENTICATE_DEFAULT, NULL,
                                        enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  g_assert_true (enlist_connection_authenticate_finish (connection, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The secret did go out, from one of the buffers that were then wiped. */
  g_assert_nonnull (strstr (enlist_fake_server_get_secure_received (server, 0), plain));
  enlist_test_finalize (connection);
  enlist_connection_set_wipe_check (NULL, NULL);

  /* Header, <starttls/>, secured header, <auth/>, restart + bind at least,
   * and the connection's own buffer when it was finalized. */
  g_test_message ("%u buffers checked", count.n_buffers);
  g_assert_cmpuint (count.n_buffers, >=, 5);
  g_assert_cmpuint (count.n_dirty, ==, 0);
}

/* A flight larger than its buffer moves to a larger one: every buffer,
 * the outgrown one among them, is zeros before it is freed, and the server
 * gets the whole flight. */
static void
test_wiped_large_flight (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(EnlistFakeServer) server = enlist_fake_server_new (NULL);
  EnlistConnection *connection = new_connection (server, "fake.test", FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autofree char *payload = g_strnfill (20000, 'x');
  EnlistXmlNode *iq = new_iq (ENLIST_NS_REGISTER);
  WipeCount count = { 0, 0 };

  g_assert_true (connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  enlist_connection_set_wipe_check (count_wiped, &count);
  enlist_xml_node_set_text (enlist_xml_node_add_child (g_ptr_array_index (iq->children, 0),
                                                       "password", NULL), payload);
  enlist_connection_send_iq_async (connection, iq, 0, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  reply = enlist_connection_send_iq_finish (connection, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_clear_object (&result);
  g_assert_nonnull (strstr (enlist_fake_server_get_secure_received (server, 0), payload));
  enlist_test_finalize (connection);
  enlist_connection_set_wipe_check (NULL, NULL);

  /* the outgrown buffer, the flight written, the connection's own */
  g_test_message ("%u buffers checked", count.n_buffers);
  g_assert_cmpuint (count.n_buffers, >=, 3);
  g_assert_cmpuint (count.n_dirty, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/connection/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("connect", test_connect);
  ADD ("ca-file-once", test_ca_file_once);
  ADD ("starttls-not-offered", test_starttls_not_offered);
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/connection/hostile/%s", hostile_cases[i].name);

      g_test_add (path, Fixture, &hostile_cases[i], fixture_setup, test_hostile,
                  fixture_teardown);
    }
  ADD ("oversized-small-limits", test_oversized_small_limits);
  ADD ("spoofed-reply", test_spoofed_reply);
  ADD ("close-mid-stanza", test_close_mid_stanza);
  for (guint i = 0; i < G_N_ELEMENTS (silent_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/connection/timeout/%s", silent_cases[i].name);

      g_test_add (path, Fixture, &silent_cases[i], fixture_setup, test_silent, fixture_teardown);
    }
  ADD ("cancel", test_cancel);
  ADD ("untrusted-certificate", test_untrusted_certificate);
  ADD ("wrong-identity", test_wrong_identity);
  ADD ("pipelining", test_pipelining);
  ADD ("pipelining-rejected", test_pipelining_rejected);
  ADD ("direct-tls", test_direct_tls);
  ADD ("bound-jid", test_bound_jid);
  ADD ("invalid-username", test_invalid_username);
  ADD ("wiped-writes", test_wiped_writes);
  ADD ("wiped-large-flight", test_wiped_large_flight);

#undef ADD

  return g_test_run ();
}
