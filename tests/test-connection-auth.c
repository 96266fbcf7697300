/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-connection-auth.c: signing in while the stream is still being
 * secured, against a fake server whose SASL side is GNU SASL's (user
 * "user", password "pencil"): the SCRAM <auth> guessed before the features,
 * a wrong guess abandoned (aborted, or refused as not offered), the next
 * guess learnt, requests held for the bind request's flight, a refusal that
 * leaves the stream usable, and a login that ends at <success/>. */
#define G_LOG_DOMAIN "test-connection-auth"

#include "config.h"

#include <string.h>

#include <gsasl.h>

#include "enlist-connection.h"
#include "enlist-error.h"
#include "enlist-fake-server.h"
#include "enlist-ns.h"
#include "enlist-test-sasl.h"
#include "enlist-test-utils.h"

#define GUARD_SECONDS 30

typedef struct
{
  guint                 guard_id;
  const char * const   *offered;          /* the secured features' mechanisms */
  gboolean              hold_features;    /* sent only once an <auth> arrived */
  gboolean              features_sent;
  EnlistFakeServer     *server;
  GPtrArray            *received;         /* what the client sent after TLS, in order */
  EnlistTestSaslServer  sasl;
} Fixture;

/* ---------------------------------------------------------------------- */
/* The server side                                                         */

static char *
features_for (const char * const *offered)
{
  g_autoptr(GString) features = g_string_new ("<stream:features><mechanisms "
                                              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>");

  for (guint i = 0; offered[i] != NULL; i++)
    g_string_append_printf (features, "<mechanism>%s</mechanism>", offered[i]);
  g_string_append (features, "</mechanisms></stream:features>");
  return g_string_free (g_steal_pointer (&features), FALSE);
}

static void
send_sasl (Fixture    *f,
           const char *name,
           const char *content)
{
  g_autofree char *text = g_strdup_printf ("<%s xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</%s>",
                                           name, content != NULL ? content : "", name);

  enlist_fake_server_send (f->server, text);
}

static void
answer_auth (Fixture             *f,
             const EnlistXmlNode *auth)
{
  const char *mechanism = enlist_xml_node_get_attr (auth, "mechanism");
  char *output = NULL;
  int rc;

  g_ptr_array_add (f->received, g_strdup_printf ("auth %s", mechanism));
  if (!f->features_sent)
    {
      g_autofree char *features = features_for (f->offered);

      enlist_fake_server_send (f->server, features);
      f->features_sent = TRUE;
    }
  if (!g_strv_contains (f->offered, mechanism))
    {
      send_sasl (f, "failure", "<invalid-mechanism/>");
      return;
    }

  enlist_test_sasl_server_clear (&f->sasl);
  enlist_test_sasl_server_init (&f->sasl, mechanism, 0, NULL);
  rc = gsasl_step64 (f->sasl.session, enlist_xml_node_get_text (auth), &output);
  g_assert_cmpint (rc, ==, GSASL_NEEDS_MORE);
  send_sasl (f, "challenge", output);
  gsasl_free (output);
}

static void
answer_response (Fixture             *f,
                 const EnlistXmlNode *response)
{
  char *output = NULL;
  int rc;

  g_ptr_array_add (f->received, g_strdup ("response"));
  g_assert_nonnull (f->sasl.session);
  rc = gsasl_step64 (f->sasl.session, enlist_xml_node_get_text (response), &output);
  enlist_test_sasl_server_clear (&f->sasl);
  if (rc != GSASL_OK)
    {
      send_sasl (f, "failure", "<not-authorized/>");
      return;
    }
  send_sasl (f, "success", output);
  gsasl_free (output);
  enlist_fake_server_restart_stream (f->server);
}

static void
answer_iq (Fixture             *f,
           const EnlistXmlNode *iq)
{
  const EnlistXmlNode *child = iq->children->len > 0 ? g_ptr_array_index (iq->children, 0) : NULL;
  g_autoptr(GString) reply = g_string_new ("<iq type='result' id='");

  g_ptr_array_add (f->received, g_strdup_printf ("iq %s", child != NULL ? child->name : ""));
  enlist_xml_escape_attr (reply, enlist_xml_node_get_attr (iq, "id"));
  g_string_append (reply, "'>");
  if (child != NULL && enlist_xml_node_is (child, "bind", ENLIST_NS_BIND))
    g_string_append (reply, "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                            "<jid>user@fake.test/r</jid></bind>");
  g_string_append (reply, "</iq>");
  enlist_fake_server_send (f->server, reply->str);
}

static void
stanza_cb (EnlistFakeServer    *server,
           const EnlistXmlNode *stanza,
           gpointer             user_data)
{
  Fixture *f = user_data;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    answer_auth (f, stanza);
  else if (enlist_xml_node_is (stanza, "response", ENLIST_NS_SASL))
    answer_response (f, stanza);
  else if (enlist_xml_node_is (stanza, "abort", ENLIST_NS_SASL))
    {
      g_ptr_array_add (f->received, g_strdup ("abort"));
      enlist_test_sasl_server_clear (&f->sasl);
      send_sasl (f, "failure", "<aborted/>");
    }
  else if (enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    answer_iq (f, stanza);
  else
    g_ptr_array_add (f->received, g_strdup (stanza->name));
}

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
  f->received = g_ptr_array_new_with_free_func (g_free);
  enlist_connection_reset_pipelining_memory ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->server);
  /* let the fake server's cancelled I/O finish, so nothing leaks */
  while (enlist_fake_server_get_n_live () > 0)
    g_main_context_iteration (NULL, TRUE);
  enlist_test_sasl_server_clear (&f->sasl);
  g_clear_pointer (&f->received, g_ptr_array_unref);
  g_clear_handle_id (&f->guard_id, g_source_remove);
  enlist_connection_reset_pipelining_memory ();
}

/* The server offers offered; with hold, its secured features wait for an
 * <auth>, which a client waiting for them would never send. */
static void
start_server (Fixture            *f,
              const char * const *offered,
              gboolean            hold)
{
  g_autofree char *features = features_for (offered);
  g_autofree char *secure = g_strconcat (ENLIST_FAKE_SERVER_STREAM_HEADER,
                                         hold ? "" : features, NULL);
  EnlistFakeServerOptions options = {
    .secure_response = secure,
    .stanza_func = stanza_cb,
    .user_data = f,
  };

  f->offered = offered;
  f->hold_features = hold;
  f->server = enlist_fake_server_new (&options);
}

static EnlistConnection *
new_connection (Fixture *f)
{
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "fake-server-ca.pem", NULL);
  EnlistConnection *connection = enlist_connection_new ("fake.test");
  g_autoptr(GError) error = NULL;

  enlist_connection_set_endpoint (connection, "127.0.0.1",
                                  enlist_fake_server_get_port (f->server), FALSE);
  enlist_connection_set_ca_file (connection, ca_file, &error);
  g_assert_no_error (error);
  enlist_connection_set_timeout (connection, 5000);
  /* a new connection: the server's features are sent afresh */
  f->features_sent = !f->hold_features;
  g_ptr_array_set_size (f->received, 0);
  return connection;
}

/* Connects and authenticates at once, with a disco#info request sent
 * meanwhile when request is set; returns whether the login worked. */
static gboolean
connect_and_login (EnlistConnection       *connection,
                   const char             *password,
                   EnlistAuthenticateFlags flags,
                   gboolean                request,
                   GError                **request_error,
                   GError                **error)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) authenticated = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(EnlistXmlNode) reply = NULL;
  gboolean ok;

  enlist_connection_connect_async (connection, NULL, enlist_test_store_result, &connected);
  enlist_connection_authenticate_async (connection, "user", password, flags, NULL,
                                        enlist_test_store_result, &authenticated);
  if (request)
    {
      EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

      enlist_xml_node_set_attr (iq, "type", "get");
      enlist_xml_node_add_child (iq, "query", ENLIST_NS_DISCO_INFO);
      enlist_connection_send_iq_async (connection, iq, 0, NULL, enlist_test_store_result,
                                       &answered);
    }
  enlist_test_wait_for (&connected);
  g_assert_true (enlist_connection_connect_finish (connection, connected, NULL));
  enlist_test_wait_for (&authenticated);
  ok = enlist_connection_authenticate_finish (connection, authenticated, error);
  if (request)
    {
      enlist_test_wait_for (&answered);
      reply = enlist_connection_send_iq_finish (connection, answered, NULL, request_error);
      g_assert_true ((reply != NULL) == ok);
    }
  return ok;
}

static void
assert_received (Fixture            *f,
                 const char * const *expected)
{
  g_autofree char *got = NULL;
  g_autofree char *want = g_strjoinv (" | ", (char **) expected);

  g_ptr_array_add (f->received, NULL);
  got = g_strjoinv (" | ", (char **) f->received->pdata);
  g_ptr_array_remove_index (f->received, f->received->len - 1);
  g_assert_cmpstr (got, ==, want);
}

static void
close_and_finalize (EnlistConnection *connection)
{
  g_autoptr(GAsyncResult) closed = NULL;

  enlist_connection_close_async (connection, NULL, enlist_test_store_result, &closed);
  enlist_test_wait_for (&closed);
  g_assert_true (enlist_connection_close_finish (connection, closed, NULL));
  g_clear_object (&closed);
  enlist_test_finalize (connection);
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                   */

/* The <auth> goes before the features are read (the server sends them only
 * after it), and a request sent meanwhile follows the bind request. */
static void
test_guessed (Fixture       *f,
              gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-1", "PLAIN", NULL };
  static const char * const expected[] = {
    "auth SCRAM-SHA-1", "response", "iq bind", "iq query", NULL
  };
  EnlistConnection *connection;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) request_error = NULL;

  start_server (f, offered, TRUE);
  connection = new_connection (f);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_DEFAULT, TRUE,
                                    &request_error, &error));
  g_assert_no_error (error);
  g_assert_no_error (request_error);
  assert_received (f, expected);
  g_assert_cmpstr (enlist_connection_get_mechanism_used (connection), ==, "SCRAM-SHA-1");
  g_assert_cmpstr (enlist_connection_get_jid (connection), ==, "user@fake.test/r");
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_AUTHENTICATED);
  close_and_finalize (connection);
}

/* The features offer a stronger mechanism than the guess: the guess is
 * aborted before any proof and the stronger one runs; the next connection
 * guesses it. */
static void
test_stronger_offered (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", NULL };
  static const char * const first[] = {
    "auth SCRAM-SHA-1", "abort", "auth SCRAM-SHA-256", "response", "iq bind", NULL
  };
  static const char * const second[] = {
    "auth SCRAM-SHA-256", "response", "iq bind", NULL
  };
  EnlistConnection *connection;
  g_autoptr(GError) error = NULL;

  start_server (f, offered, TRUE);
  connection = new_connection (f);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_DEFAULT, FALSE,
                                    NULL, &error));
  g_assert_no_error (error);
  assert_received (f, first);
  g_assert_cmpstr (enlist_connection_get_mechanism_used (connection), ==, "SCRAM-SHA-256");
  close_and_finalize (connection);

  connection = new_connection (f);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_DEFAULT, FALSE,
                                    NULL, &error));
  g_assert_no_error (error);
  assert_received (f, second);
  close_and_finalize (connection);
}

/* The guess is not offered at all: the server refuses it, and the offered
 * mechanism runs without an abort. */
static void
test_guess_not_offered (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-256", NULL };
  static const char * const expected[] = {
    "auth SCRAM-SHA-1", "auth SCRAM-SHA-256", "response", "iq bind", NULL
  };
  EnlistConnection *connection;
  g_autoptr(GError) error = NULL;

  start_server (f, offered, TRUE);
  connection = new_connection (f);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_DEFAULT, FALSE,
                                    NULL, &error));
  g_assert_no_error (error);
  assert_received (f, expected);
  close_and_finalize (connection);
}

/* A wrong password: the request held for the binding fails with the
 * refusal and is never sent; the stream stays secured, and the right
 * password then works on it. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-1", NULL };
  static const char * const refused[] = { "auth SCRAM-SHA-1", "response", NULL };
  static const char * const retried[] = {
    "auth SCRAM-SHA-1", "response", "auth SCRAM-SHA-1", "response", "iq bind", NULL
  };
  EnlistConnection *connection;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) request_error = NULL;

  start_server (f, offered, TRUE);
  connection = new_connection (f);
  g_assert_false (connect_and_login (connection, "not pencil", ENLIST_AUTHENTICATE_DEFAULT, TRUE,
                                     &request_error, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_assert_error (request_error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  assert_received (f, refused);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_SECURED);

  enlist_connection_authenticate_async (connection, "user", "pencil", ENLIST_AUTHENTICATE_DEFAULT,
                                        NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  g_clear_error (&error);
  g_assert_true (enlist_connection_authenticate_finish (connection, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  assert_received (f, retried);
  close_and_finalize (connection);
}

/* NO_BIND: done at <success/>, with no bind request and no bound address. */
static void
test_no_bind (Fixture       *f,
              gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-1", NULL };
  static const char * const expected[] = { "auth SCRAM-SHA-1", "response", NULL };
  EnlistConnection *connection;
  g_autoptr(GError) error = NULL;

  start_server (f, offered, TRUE);
  connection = new_connection (f);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_NO_BIND, FALSE,
                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (connection), ==, ENLIST_CONNECTION_AUTHENTICATED);
  g_assert_null (enlist_connection_get_jid (connection));
  close_and_finalize (connection);
  assert_received (f, expected);
}

/* Without pipelining nothing is guessed: the mechanism comes from the
 * features, and the request after the binding. */
static void
test_stepwise (Fixture       *f,
               gconstpointer  data)
{
  static const char * const offered[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", NULL };
  static const char * const expected[] = {
    "auth SCRAM-SHA-256", "response", "iq bind", "iq query", NULL
  };
  EnlistConnection *connection;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) request_error = NULL;

  start_server (f, offered, FALSE);
  connection = new_connection (f);
  enlist_connection_set_pipelining (connection, FALSE);
  g_assert_true (connect_and_login (connection, "pencil", ENLIST_AUTHENTICATE_DEFAULT, TRUE,
                                    &request_error, &error));
  g_assert_no_error (error);
  g_assert_no_error (request_error);
  assert_received (f, expected);
  close_and_finalize (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/connection-auth/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("pipelined/guessed", test_guessed);
  ADD ("pipelined/stronger-offered", test_stronger_offered);
  ADD ("pipelined/guess-not-offered", test_guess_not_offered);
  ADD ("pipelined/refused", test_refused);
  ADD ("pipelined/no-bind", test_no_bind);
  ADD ("stepwise", test_stepwise);

  return g_test_run ();
}
