/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-tls-policy.c: EnlistTlsPolicy, the certificate trust shared by the
 * XMPP connection and the HTTPS downloads: pins, the CA file (parsed once
 * per process), the system store (loaded once, and only when a chain needs
 * it), the name checked, expiry, the verdict handed to GIO's TLS
 * connections. The tests run in the order they are added: the first ones
 * check that nothing so far loaded the system store. */
#define G_LOG_DOMAIN "test-tls-policy"

#include "config.h"

#include <sys/socket.h>
#include <glib/gstdio.h>

#include "enlist-certificate.h"
#include "enlist-test-utils.h"
#include "enlist-tls-policy.h"
#include "enlist-tls-policy-private.h"

/* A root of the system store (Debian's ca-certificates), valid until 2035. */
#define SYSTEM_ROOT "/etc/ssl/certs/ISRG_Root_X1.pem"

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

static GTlsCertificate *
load_certificate (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return certificate;
}

static EnlistTlsPolicy *
policy_with_ca_file (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  EnlistTlsPolicy *policy = enlist_tls_policy_new ();

  g_assert_true (enlist_tls_policy_set_ca_file (policy, path, &error));
  g_assert_no_error (error);
  return policy;
}

static GTlsCertificateFlags
verify (EnlistTlsPolicy  *policy,
        GTlsCertificate  *certificate,
        const char       *host,
        const char      **reason)
{
  g_autoptr(GSocketConnectable) identity = host ? g_network_address_new (host, 443) : NULL;

  return enlist_tls_policy_verify (policy, certificate, identity, reason);
}

/* ---------------------------------------------------------------------- */
/* The CA file and pins: no system store needed                           */

static void
test_ca_file (void)
{
  g_autoptr(EnlistTlsPolicy) policy = policy_with_ca_file ("fake-server-ca.pem");
  g_autoptr(GTlsCertificate) server = load_certificate ("fake-server-ca.pem");
  g_autoptr(EnlistTlsPolicy) chained = policy_with_ca_file ("test-ca.pem");
  g_autoptr(GTlsCertificate) leaf = load_certificate ("test-ca-leaf.pem");
  const char *reason = NULL;

  g_assert_true (enlist_tls_policy_has_ca_file (policy));
  g_assert_cmpuint (verify (policy, server, "fake.test", &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_CA_FILE);
  g_assert_cmpstr (enlist_tls_policy_lookup_trust_reason (policy, server), ==,
                   ENLIST_TLS_TRUST_CA_FILE);
  /* an address the certificate names */
  g_assert_cmpuint (verify (policy, server, "127.0.0.1", &reason), ==, 0);

  /* a leaf issued by the CA of the file, the issuer found there */
  g_assert_cmpuint (verify (chained, leaf, "fake.test", &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_CA_FILE);

  /* the CA file knows these chains: its verdict stands, the system store is
   * not asked */
  g_assert_false (enlist_tls_policy_is_system_loaded ());
}

static void
test_identity_mismatch (void)
{
  g_autoptr(EnlistTlsPolicy) policy = policy_with_ca_file ("fake-server-ca.pem");
  g_autoptr(GTlsCertificate) server = load_certificate ("fake-server-ca.pem");
  const char *reason = "unset";

  /* the CA file knows the chain: a wrong name, not an unknown CA */
  g_assert_cmpuint (verify (policy, server, "wrong.example", &reason), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_null (reason);
  g_assert_cmpuint (verify (policy, server, "127.0.0.2", &reason), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);
  /* a refusal is not remembered as a verdict */
  g_assert_null (enlist_tls_policy_lookup_trust_reason (policy, server));
  g_assert_false (enlist_tls_policy_is_system_loaded ());
}

static void
test_expired (void)
{
  g_autoptr(EnlistTlsPolicy) policy = policy_with_ca_file ("test-ca.pem");
  g_autoptr(GTlsCertificate) expired = load_certificate ("test-ca-expired.pem");
  g_autoptr(GTlsCertificate) valid = load_certificate ("test-ca-leaf.pem");
  const char *reason = NULL;

  /* positive control: the same CA, the same name, in date */
  g_assert_cmpuint (verify (policy, valid, "fake.test", &reason), ==, 0);
  g_assert_cmpuint (verify (policy, expired, "fake.test", &reason), ==,
                    G_TLS_CERTIFICATE_EXPIRED);
  g_assert_null (reason);
  g_assert_cmpuint (verify (policy, expired, "wrong.example", &reason), ==,
                    G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_false (enlist_tls_policy_is_system_loaded ());
}

static void
test_pinned (void)
{
  g_autoptr(EnlistTlsPolicy) policy = enlist_tls_policy_new ();
  g_autoptr(EnlistTlsPolicy) with_ca = policy_with_ca_file ("test-ca.pem");
  g_autoptr(GTlsCertificate) other = load_certificate ("other.pem");
  g_autoptr(GTlsCertificate) expired = load_certificate ("test-ca-expired.pem");
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (other);
  g_autofree char *expired_fingerprint = enlist_certificate_get_fingerprint (expired);
  g_autofree char *compact = NULL;
  g_autofree char *lower = NULL;
  const char *reason = NULL;

  /* the fingerprint in another form the user may have typed */
  compact = g_strdup (fingerprint);
  g_strdelimit (compact, ":", ' ');
  lower = g_ascii_strdown (compact, -1);
  enlist_tls_policy_add_pinned_fingerprint (policy, lower);
  g_assert_cmpuint (verify (policy, other, "fake.test", &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_PINNED);
  /* pinned is pinned, whatever the name: the user saw the problems */
  g_assert_cmpuint (verify (policy, other, "wrong.example", &reason), ==, 0);
  g_assert_cmpstr (enlist_tls_policy_lookup_trust_reason (policy, other), ==,
                   ENLIST_TLS_TRUST_PINNED);

  /* a pin comes before the CA file's complaint */
  g_assert_cmpuint (verify (with_ca, expired, "fake.test", &reason), ==,
                    G_TLS_CERTIFICATE_EXPIRED);
  enlist_tls_policy_add_pinned_fingerprint (with_ca, expired_fingerprint);
  g_assert_cmpuint (verify (with_ca, expired, "fake.test", &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_PINNED);
  g_assert_false (enlist_tls_policy_is_system_loaded ());
}

/* The CA file is parsed once per process, whatever the number of policies
 * and the spelling of its path; again when the file changed. */
static void
test_ca_file_parsed_once (void)
{
  g_autofree char *fixture = fixture_path ("fake-server-ca.pem");
  g_autofree char *dir = g_dir_make_tmp ("enlist-tls-policy-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *relative = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *contents = NULL;
  g_autoptr(GTlsCertificate) server = load_certificate ("fake-server-ca.pem");
  g_autoptr(GError) error = NULL;
  gsize length;
  guint before;

  g_assert_true (g_file_get_contents (fixture, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (copy, contents, length, &error));
  g_assert_no_error (error);

  enlist_tls_policy_clear_ca_file_cache ();
  before = enlist_tls_policy_get_n_ca_file_loads ();
  g_assert_cmpint (g_chdir (dir), ==, 0);
  relative = g_strdup ("./ca.pem");
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(EnlistTlsPolicy) policy = enlist_tls_policy_new ();
      const char *reason = NULL;

      g_assert_true (enlist_tls_policy_set_ca_file (policy, i % 2 ? relative : copy, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (verify (policy, server, "fake.test", &reason), ==, 0);
      g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_CA_FILE);
    }
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_cmpuint (enlist_tls_policy_get_n_ca_file_loads (), ==, before + 1);

  /* replaced by another file: parsed again, and the new anchors count */
  {
    g_autofree char *other = fixture_path ("test-ca.pem");
    g_autofree char *other_contents = NULL;
    g_autoptr(EnlistTlsPolicy) policy = enlist_tls_policy_new ();
    g_autoptr(GTlsCertificate) leaf = load_certificate ("test-ca-leaf.pem");
    g_autofree char *renamed = g_build_filename (dir, "ca.pem.new", NULL);
    const char *reason = NULL;

    g_assert_true (g_file_get_contents (other, &other_contents, &length, &error));
    g_assert_true (g_file_set_contents (renamed, other_contents, length, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_rename (renamed, copy), ==, 0);

    g_assert_true (enlist_tls_policy_set_ca_file (policy, copy, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (enlist_tls_policy_get_n_ca_file_loads (), ==, before + 2);
    g_assert_cmpuint (verify (policy, leaf, "fake.test", &reason), ==, 0);
    g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_CA_FILE);
  }

  g_assert_cmpint (g_unlink (copy), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_ca_file_errors (void)
{
  g_autoptr(EnlistTlsPolicy) policy = policy_with_ca_file ("fake-server-ca.pem");
  g_autoptr(GTlsCertificate) server = load_certificate ("fake-server-ca.pem");
  g_autoptr(GError) error = NULL;
  const char *reason = NULL;
  guint before = enlist_tls_policy_get_n_ca_file_loads ();

  g_assert_false (enlist_tls_policy_set_ca_file (policy, "/nonexistent/ca.pem", &error));
  g_assert_nonnull (error);
  g_test_message ("as expected: %s", error->message);
  g_clear_error (&error);
  /* a file that is no certificate */
  {
    g_autofree char *not_pem = g_test_build_filename (G_TEST_DIST, "fixtures", "README.md", NULL);

    g_assert_false (enlist_tls_policy_set_ca_file (policy, not_pem, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  g_assert_cmpuint (enlist_tls_policy_get_n_ca_file_loads (), ==, before);

  /* a failed change keeps the anchors the policy had */
  g_assert_true (enlist_tls_policy_has_ca_file (policy));
  g_assert_cmpuint (verify (policy, server, "fake.test", &reason), ==, 0);
  g_assert_true (enlist_tls_policy_set_ca_file (policy, NULL, &error));
  g_assert_false (enlist_tls_policy_has_ca_file (policy));
}

/* ---------------------------------------------------------------------- */
/* A real handshake: the policy is the connection's database               */

typedef struct
{
  GIOStream *client;
  GIOStream *server;
  int        pending;
  GError    *client_error;
  GTlsCertificate     *refused;
  GTlsCertificateFlags refused_flags;
} Handshake;

static GIOStream *
socket_stream (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);

  g_assert_no_error (error);
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

static gboolean
refuse_cb (GTlsConnection      *tls,
           GTlsCertificate     *certificate,
           GTlsCertificateFlags errors,
           gpointer             user_data)
{
  Handshake *handshake = user_data;

  g_set_object (&handshake->refused, certificate);
  handshake->refused_flags = errors;
  return FALSE;
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Handshake *handshake = user_data;
  GError *error = NULL;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  if (G_IO_STREAM (source) == handshake->client)
    {
      /* a refusing client hangs up, so that the server stops waiting */
      if (error != NULL)
        g_io_stream_close (handshake->client, NULL, NULL);
      handshake->client_error = error;
    }
  else
    g_clear_error (&error);
  handshake->pending--;
}

/* Handshakes a client with policy for "fake.test" against a server with the
 * certificate and key in server_pem; TRUE when the client accepted. */
static gboolean
handshake (EnlistTlsPolicy *policy,
           const char      *server_pem,
           Handshake       *out)
{
  g_autofree char *path = fixture_path (server_pem);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GIOStream) client_base = NULL;
  g_autoptr(GIOStream) server_base = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("fake.test", 5222);
  g_autoptr(GError) error = NULL;
  int fds[2];

  /* a missing glib-networking is a failure, never a skip */
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("No TLS backend: install glib-networking");

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  client_base = socket_stream (fds[0]);
  server_base = socket_stream (fds[1]);
  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);

  out->pending = 2;
  out->server = g_tls_server_connection_new (server_base, certificate, &error);
  g_assert_no_error (error);
  out->client = enlist_tls_policy_new_client_connection (policy, client_base, identity, &error);
  g_assert_no_error (error);
  g_assert_true (g_tls_connection_get_database (G_TLS_CONNECTION (out->client))
                 == G_TLS_DATABASE (policy));
  g_signal_connect (out->client, "accept-certificate", G_CALLBACK (refuse_cb), out);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (out->server), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, out);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (out->client), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, out);
  while (out->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  return out->client_error == NULL;
}

static void
handshake_clear (Handshake *handshake)
{
  g_clear_object (&handshake->client);
  g_clear_object (&handshake->server);
  g_clear_object (&handshake->refused);
  g_clear_error (&handshake->client_error);
}

static void
test_handshake (void)
{
  g_autoptr(EnlistTlsPolicy) policy = policy_with_ca_file ("fake-server-ca.pem");
  GTlsCertificate *peer;
  Handshake ok = { 0 };
  Handshake refused = { 0 };

  g_assert_true (handshake (policy, "fake-server.pem", &ok));
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (ok.client));
  g_assert_nonnull (peer);
  g_assert_null (ok.refused);
  g_assert_cmpstr (enlist_tls_policy_lookup_trust_reason (policy, peer), ==,
                   ENLIST_TLS_TRUST_CA_FILE);
  /* neither the connection nor its verification loaded the system store */
  g_assert_false (enlist_tls_policy_is_system_loaded ());
  g_assert_cmpuint (enlist_tls_policy_get_n_system_loads (), ==, 0);

  /* another certificate: the policy's flags reach accept-certificate, and
   * the handshake fails */
  g_assert_false (handshake (policy, "other.pem", &refused));
  g_assert_error (refused.client_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (refused.refused);
  g_assert_cmpuint (refused.refused_flags, ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
  /* now that neither pins nor the CA file vouched, the system store was asked */
  g_assert_true (enlist_tls_policy_is_system_loaded ());

  handshake_clear (&ok);
  handshake_clear (&refused);
}

/* ---------------------------------------------------------------------- */
/* The system store                                                        */

static void
test_system_store (void)
{
  g_autoptr(EnlistTlsPolicy) policy = enlist_tls_policy_new ();
  g_autoptr(EnlistTlsPolicy) with_ca = policy_with_ca_file ("fake-server-ca.pem");
  g_autoptr(GTlsCertificate) root = NULL;
  g_autoptr(GTlsCertificate) other = load_certificate ("other.pem");
  g_autoptr(GError) error = NULL;
  const char *reason = NULL;

  root = g_tls_certificate_new_from_file (SYSTEM_ROOT, &error);
  g_assert_no_error (error);

  /* a root of the system store is trusted by it, with or without a CA file */
  g_assert_cmpuint (verify (policy, root, NULL, &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_SYSTEM);
  g_assert_cmpuint (verify (with_ca, root, NULL, &reason), ==, 0);
  g_assert_cmpstr (reason, ==, ENLIST_TLS_TRUST_SYSTEM);
  /* but not for a name it does not carry */
  g_assert_cmpuint (verify (policy, root, "fake.test", &reason), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);

  /* a certificate nobody vouches for */
  g_assert_cmpuint (verify (policy, other, "fake.test", &reason), ==,
                    G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_null (reason);
  g_assert_cmpuint (verify (with_ca, other, "wrong.example", &reason), ==,
                    G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY);

  /* the same answers through the GTlsDatabase interface GIO uses */
  g_assert_cmpuint (g_tls_database_verify_chain (G_TLS_DATABASE (policy), root,
                                                 G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                 NULL, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                                 NULL, &error), ==, 0);
  g_assert_no_error (error);

  /* loaded once, however many verifications asked */
  g_assert_cmpuint (enlist_tls_policy_get_n_system_loads (), ==, 1);
}

/* The process's default database becomes a policy: libraries that build
 * TLS connections with the default (libsoup) load no system store for it. */
static void
test_install_default (void)
{
  g_autoptr(GTlsDatabase) after = NULL;
  g_autoptr(GTlsDatabase) again = NULL;

  enlist_tls_policy_install_default ();
  after = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_assert_true (ENLIST_IS_TLS_POLICY (after));
  enlist_tls_policy_install_default ();
  again = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_assert_true (again == after);
  /* and the policies still find the real system store */
  g_assert_cmpuint (enlist_tls_policy_get_n_system_loads (), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tls-policy/ca-file", test_ca_file);
  g_test_add_func ("/tls-policy/identity-mismatch", test_identity_mismatch);
  g_test_add_func ("/tls-policy/expired", test_expired);
  g_test_add_func ("/tls-policy/pinned", test_pinned);
  g_test_add_func ("/tls-policy/ca-file-parsed-once", test_ca_file_parsed_once);
  g_test_add_func ("/tls-policy/ca-file-errors", test_ca_file_errors);
  g_test_add_func ("/tls-policy/handshake", test_handshake);
  g_test_add_func ("/tls-policy/system-store", test_system_store);
  g_test_add_func ("/tls-policy/install-default", test_install_default);

  return g_test_run ();
}
