/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sasl.c: EnlistSasl against the RFC 5802 example, GNU SASL's own server
 * side and an independent SCRAM computation; mechanism choice and channel
 * binding over real in-process TLS 1.3 and 1.2; key derivation off the main
 * loop, and cancelling. What it refuses from a server is in
 * test-sasl-hostile.c. */
#define G_LOG_DOMAIN "test-sasl"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <gsasl.h>

#include "enlist-error.h"
#include "enlist-sasl.h"
#include "enlist-test-sasl.h"
#include "enlist-test-utils.h"

/* A throwaway self-signed P-256 certificate for enlist-test.invalid, valid
 * until 2126, used only by the in-process TLS server below. */
static const char test_certificate_and_key[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBsjCCAVmgAwIBAgIUfQc3aEs98w/OoMDDf82RYTja5PAwCgYIKoZIzj0EAwIw\n"
  "HjEcMBoGA1UEAwwTZW5saXN0LXRlc3QuaW52YWxpZDAgFw0yNjExMjExMjE1NDha\n"
  "GA8yMTI2MTAyODEyMTU0OFowHjEcMBoGA1UEAwwTZW5saXN0LXRlc3QuaW52YWxp\n"
  "ZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOWVHrdoA2AxYS0w3L141fupA2Nf\n"
  "7OLhY3CnxAbXH/WIBVtv38CB0pdOKBVWTCZB5TA1lpcyAIFtbNGhmphqrs+jczBx\n"
  "MB0GA1UdDgQWBBTlzavlsxERs4TviQwwpnpCd0pmMDAfBgNVHSMEGDAWgBTlzavl\n"
  "sxERs4TviQwwpnpCd0pmMDAPBgNVHRMBAf8EBTADAQH/MB4GA1UdEQQXMBWCE2Vu\n"
  "bGlzdC10ZXN0LmludmFsaWQwCgYIKoZIzj0EAwIDRwAwRAIgcr9eokjXzBxRCuNb\n"
  "EGFLzXbmvkRFjl6KB1Usg2ZXi0gCIHx+CHFYz4WOxm9sWroLq1oVwuhigjxxcY/R\n"
  "7BM4OSYU\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRkuijFQYQCm8anCG\n"
  "WHe8Edu/qQeZMIrSHFHGs01fiXahRANCAATllR63aANgMWEtMNy9eNX7qQNjX+zi\n"
  "4WNwp8QG1x/1iAVbb9/AgdKXTigVVkwmQeUwNZaXMgCBbWzRoZqYaq7P\n"
  "-----END PRIVATE KEY-----\n";

/* GNU SASL cannot be told a client nonce: its SCRAM client draws 18 bytes
 * from gsasl_nonce () in gsasl_client_start (), calling that exported function
 * through its PLT, so this test binary's definition takes the library's place.
 * It hands out the fixed nonce only while new_sasl_with_nonce () runs. */
#define CLIENT_NONCE_BYTES 18
static const guchar *test_nonce;
static gboolean      test_nonce_taken;

int
gsasl_nonce (char   *data,
             size_t  datalen)
{
  if (test_nonce != NULL && datalen == CLIENT_NONCE_BYTES)
    {
      memcpy (data, test_nonce, datalen);
      test_nonce_taken = TRUE;
      return GSASL_OK;
    }
  return gsasl_random (data, datalen);
}

static EnlistSasl *
enlist_test_sasl_new_with_nonce (const char * const *offered,
                                 const char         *nonce)
{
  g_autofree guchar *bytes = NULL;
  gsize length = 0;
  EnlistSasl *sasl;

  bytes = g_base64_decode (nonce, &length);
  g_assert_cmpuint (length, ==, CLIENT_NONCE_BYTES);
  test_nonce = bytes;
  test_nonce_taken = FALSE;
  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  test_nonce = NULL;
  g_assert_true (test_nonce_taken);
  return sasl;
}

/* Independent SCRAM (RFC 5802 §3) with GLib's HMAC ----------------------------- */

static void
hmac (GChecksumType  type,
      const guchar  *key,
      gsize          key_length,
      const guchar  *data,
      gsize          data_length,
      guchar        *digest)
{
  g_autoptr(GHmac) context = g_hmac_new (type, key, key_length);
  gsize length = (gsize) g_checksum_type_get_length (type);

  g_hmac_update (context, data, (gssize) data_length);
  g_hmac_get_digest (context, digest, &length);
  g_assert_cmpuint (length, ==, g_checksum_type_get_length (type));
}

/* Hi () of RFC 5802 §2.2: PBKDF2 with one output block. */
static void
scram_hi (GChecksumType  type,
          const char    *password,
          const guchar  *salt,
          gsize          salt_length,
          guint          iterations,
          guchar        *result)
{
  gsize length = (gsize) g_checksum_type_get_length (type);
  guchar block[128 + 4];
  guchar u[64];

  g_assert_cmpuint (salt_length, <=, 128);
  memcpy (block, salt, salt_length);
  memcpy (block + salt_length, "\0\0\0\1", 4);

  hmac (type, (const guchar *) password, strlen (password), block, salt_length + 4, u);
  memcpy (result, u, length);
  for (guint i = 1; i < iterations; i++)
    {
      hmac (type, (const guchar *) password, strlen (password), u, length, u);
      for (gsize j = 0; j < length; j++)
        result[j] ^= u[j];
    }
}

/* The proof a client must send and the signature the server must send. */
static void
scram_expect (GChecksumType   type,
              const char     *password,
              const char     *salt_base64,
              guint           iterations,
              const char     *client_first_bare,
              const char     *server_first,
              const char     *client_final_without_proof,
              char          **proof,
              char          **signature)
{
  gsize length = (gsize) g_checksum_type_get_length (type);
  g_autofree guchar *salt = NULL;
  g_autofree char *auth_message = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  gsize salt_length = 0;
  gsize stored_length = length;
  guchar salted[64], client_key[64], stored_key[64], client_signature[64];
  guchar server_key[64], server_signature[64];

  salt = g_base64_decode (salt_base64, &salt_length);
  scram_hi (type, password, salt, salt_length, iterations, salted);

  hmac (type, salted, length, (const guchar *) "Client Key", 10, client_key);
  g_checksum_update (checksum, client_key, (gssize) length);
  g_checksum_get_digest (checksum, stored_key, &stored_length);

  auth_message = g_strjoin (",", client_first_bare, server_first, client_final_without_proof, NULL);
  hmac (type, stored_key, length, (const guchar *) auth_message, strlen (auth_message),
        client_signature);
  for (gsize i = 0; i < length; i++)
    client_key[i] ^= client_signature[i];
  *proof = g_base64_encode (client_key, length);

  hmac (type, salted, length, (const guchar *) "Server Key", 10, server_key);
  hmac (type, server_key, length, (const guchar *) auth_message, strlen (auth_message),
        server_signature);
  *signature = g_base64_encode (server_signature, length);
}

/* In-process TLS ---------------------------------------------------------- */

typedef struct
{
  GIOStream *client;
  GIOStream *server;
} TlsPair;

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  int *pending = user_data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  g_assert_no_error (error);
  (*pending)--;
}

static GIOStream *
socket_stream (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);

  g_assert_no_error (error);
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

/* A handshaken client/server pair over a socketpair. */
static void
tls_pair_init (TlsPair               *pair,
               GTlsProtocolVersion    version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GIOStream) client_base = NULL;
  g_autoptr(GIOStream) server_base = NULL;
  int fds[2];
  int pending = 2;

  memset (pair, 0, sizeof *pair);

  /* a missing glib-networking is a failure, never a skip */
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("No TLS backend: install glib-networking");

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  client_base = socket_stream (fds[0]);
  server_base = socket_stream (fds[1]);

  certificate = g_tls_certificate_new_from_pem (test_certificate_and_key, -1, &error);
  g_assert_no_error (error);

  pair->server = g_tls_server_connection_new (server_base, certificate, &error);
  g_assert_no_error (error);
  pair->client = g_tls_client_connection_new (client_base, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (pair->client, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (pair->server), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, &pending);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (pair->client), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, &pending);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (pair->client)), ==,
                   version);
}

static void
tls_pair_clear (TlsPair *pair)
{
  g_clear_object (&pair->client);
  g_clear_object (&pair->server);
}

static GByteArray *
binding_data (GIOStream              *tls,
              GTlsChannelBindingType  type)
{
  g_autoptr(GError) error = NULL;
  GByteArray *data = g_byte_array_new ();

  g_tls_connection_get_channel_binding_data (G_TLS_CONNECTION (tls), type, data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->len, >, 0);

  return data;
}

/* Exchanges -------------------------------------------------------------- */

/* RFC 5802 §5; also checks the independent computation used below. */
static void
test_scram_rfc5802 (void)
{
  static const char * const offered[] = { "SCRAM-SHA-1", NULL };
  const char *server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_with_nonce (offered, "fyko+d2lbbFgONRv9qkxdawL");
  g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-1");

  client_first = enlist_test_sasl_step_text (sasl, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");

  client_final = enlist_test_sasl_step_text (sasl, server_first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_final, ==,
                   "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                   "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");

  g_assert_true (enlist_test_sasl_verify_text (sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &error));
  g_assert_no_error (error);
  enlist_test_finalize (sasl);

  scram_expect (G_CHECKSUM_SHA1, "pencil", "QSXCR+Q6sek8bf92", 4096,
                "n=user,r=fyko+d2lbbFgONRv9qkxdawL", server_first,
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j", &proof, &signature);
  g_assert_cmpstr (proof, ==, "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  g_assert_cmpstr (signature, ==, "rmF9pqV8S7suAoZWja4dJRkFsKQ=");
}

/* RFC 7677 §3 cannot be replayed through gsasl (its 20-character client nonce
 * is not what gsasl draws), but it checks the independent SHA-256 path. */
static void
test_scram_rfc7677_reference (void)
{
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;

  scram_expect (G_CHECKSUM_SHA256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096,
                "n=user,r=rOprNGfwEbeRWgbNEkqO",
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
                &proof, &signature);
  g_assert_cmpstr (proof, ==, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  g_assert_cmpstr (signature, ==, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

/* A random client nonce, checked against the GLib computation. */
static void
test_scram_independent (gconstpointer data)
{
  const char *mechanism = data;
  GChecksumType type = strcmp (mechanism, "SCRAM-SHA-1") == 0 ? G_CHECKSUM_SHA1
                                                               : G_CHECKSUM_SHA256;
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *client_first_bare = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *expected_final = NULL;
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *server_final = NULL;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_scram (mechanism);
  nonce = enlist_test_sasl_start_scram (sasl);
  g_assert_cmpuint (strlen (nonce), ==, 24);
  client_first_bare = g_strdup_printf ("n=user,r=%s", nonce);

  server_first = g_strdup_printf ("r=%s%s,s=%s,i=%u", nonce, ENLIST_TEST_SERVER_NONCE,
                                  ENLIST_TEST_SALT, 4096);
  client_final = enlist_test_sasl_step_text (sasl, server_first, &error);
  g_assert_no_error (error);

  without_proof = g_strdup_printf ("c=biws,r=%s%s", nonce, ENLIST_TEST_SERVER_NONCE);
  scram_expect (type, "pencil", ENLIST_TEST_SALT, 4096, client_first_bare, server_first,
                without_proof, &proof, &signature);
  expected_final = g_strdup_printf ("%s,p=%s", without_proof, proof);
  g_assert_cmpstr (client_final, ==, expected_final);

  server_final = g_strdup_printf ("v=%s", signature);
  g_assert_true (enlist_test_sasl_verify_text (sasl, server_final, &error));
  g_assert_no_error (error);

  enlist_test_finalize (sasl);
}

static void
test_scram_gsasl_server (gconstpointer data)
{
  const char *mechanism = data;
  g_autofree char *client_first = NULL;
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_scram (mechanism);
  enlist_test_sasl_server_init (&server, mechanism, 0, NULL);

  client_first = enlist_test_sasl_exchange (sasl, &server);
  g_assert_true (g_str_has_prefix (client_first, "n,,n=user,r="));

  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);
}

/* gsasl escapes ',' and '=' in the user name (RFC 5802 §5.1). */
static void
test_scram_username_escaping (void)
{
  static const char * const offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_for (offered, NULL, NULL, "a,b=c");
  client_first = enlist_test_sasl_step_text (sasl, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (client_first, "n,,n=a=2Cb=3Dc,r="));

  enlist_test_finalize (sasl);
}

typedef struct
{
  const char *offered[7];
  gboolean    announced;          /* XEP-0440 <sasl-channel-binding/> present */
  const char *binding_types[3];
  const char *expected;           /* NULL: ENLIST_ERROR_AUTH_UNAVAILABLE */
} ChoiceCase;

#define ALL_MECHANISMS \
  { "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL }

static void
check_choices (const ChoiceCase *cases,
               gsize             n_cases,
               GTlsConnection   *tls)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *offered = g_strjoinv (" ", (char **) cases[i].offered);
      EnlistSasl *sasl;

      g_test_message ("offered: %s; binding types: %s; TLS: %s", offered,
                      cases[i].announced ? "announced" : "none", tls ? "yes" : "no");

      sasl = enlist_sasl_new (cases[i].offered,
                              cases[i].announced ? cases[i].binding_types : NULL,
                              tls, "user", "pencil", &error);
      if (cases[i].expected == NULL)
        {
          g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_UNAVAILABLE);
          g_assert_null (sasl);
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, cases[i].expected);
      enlist_test_finalize (sasl);
    }
}

static void
test_choice_without_tls (void)
{
  static const ChoiceCase cases[] = {
    { ALL_MECHANISMS, TRUE, { "tls-exporter", "tls-unique", NULL }, "SCRAM-SHA-256" },
    { ALL_MECHANISMS, FALSE, { NULL }, "SCRAM-SHA-256" },
    { { "SCRAM-SHA-1", "PLAIN", NULL }, FALSE, { NULL }, "SCRAM-SHA-1" },
    { { "PLAIN", NULL }, FALSE, { NULL }, NULL },
    { { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", NULL }, TRUE, { "tls-exporter", NULL }, NULL },
    { { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "PLAIN", NULL }, TRUE,
      { "tls-exporter", NULL }, NULL },
    { { "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", NULL }, FALSE, { NULL }, NULL },
    { { "SCRAM-SHA-512", "SCRAM-SHA-1", NULL }, FALSE, { NULL }, "SCRAM-SHA-1" },
    { { "X-OAUTH2", "DIGEST-MD5", "SCRAM-SHA-256", "CRAM-MD5", NULL }, FALSE, { NULL },
      "SCRAM-SHA-256" },
    { { "DIGEST-MD5", "CRAM-MD5", "ANONYMOUS", "EXTERNAL", "LOGIN", NULL }, FALSE, { NULL },
      NULL },
    { { "scram-sha-256", NULL }, FALSE, { NULL }, NULL },
    { { NULL }, FALSE, { NULL }, NULL },
  };

  check_choices (cases, G_N_ELEMENTS (cases), NULL);
}

static void
test_choice_tls13 (void)
{
  static const ChoiceCase cases[] = {
    { ALL_MECHANISMS, FALSE, { NULL }, "SCRAM-SHA-256" },
    { ALL_MECHANISMS, TRUE, { NULL }, "SCRAM-SHA-256" },
    { ALL_MECHANISMS, TRUE, { "tls-unique", NULL }, "SCRAM-SHA-256" },
    { ALL_MECHANISMS, TRUE, { "tls-server-end-point", "tls-exporter", NULL },
      "SCRAM-SHA-256-PLUS" },
    { { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", NULL }, TRUE,
      { "tls-exporter", NULL }, "SCRAM-SHA-1-PLUS" },
    { { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL }, FALSE, { NULL }, "SCRAM-SHA-1" },
    { { "SCRAM-SHA-256-PLUS", NULL }, FALSE, { NULL }, NULL },
    { { "SCRAM-SHA-256-PLUS", NULL }, TRUE, { "tls-unique", NULL }, NULL },
    { { "PLAIN", NULL }, FALSE, { NULL }, "PLAIN" },
    { { "PLAIN", "SCRAM-SHA-1", NULL }, FALSE, { NULL }, "SCRAM-SHA-1" },
    { { "PLAIN", "SCRAM-SHA-256-PLUS", NULL }, TRUE, { "tls-exporter", NULL },
      "SCRAM-SHA-256-PLUS" },
    { { "PLAIN", "SCRAM-SHA-256-PLUS", NULL }, FALSE, { NULL }, "PLAIN" },
    { { "X-UNKNOWN", "PLAIN", "SCRAM-SHA-512", NULL }, FALSE, { NULL }, "PLAIN" },
    { { "DIGEST-MD5", "CRAM-MD5", NULL }, TRUE, { "tls-exporter", NULL }, NULL },
  };
  TlsPair pair;

  tls_pair_init (&pair, G_TLS_PROTOCOL_VERSION_TLS_1_3);

  check_choices (cases, G_N_ELEMENTS (cases), G_TLS_CONNECTION (pair.client));
  tls_pair_clear (&pair);
}

/* Over TLS but without -PLUS: gsasl 2.2 sends "n,," (it fails rather than send
 * "y,," when given binding data for a mechanism without -PLUS). */
static void
test_scram_tls_without_binding (void)
{
  static const char * const offered[] = { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", NULL };
  g_autofree char *client_first = NULL;
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;
  TlsPair pair;

  tls_pair_init (&pair, G_TLS_PROTOCOL_VERSION_TLS_1_3);

  sasl = enlist_test_sasl_new (offered, NULL, G_TLS_CONNECTION (pair.client));
  g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-256");
  enlist_test_sasl_server_init (&server, "SCRAM-SHA-256", 0, NULL);

  client_first = enlist_test_sasl_exchange (sasl, &server);
  g_assert_true (g_str_has_prefix (client_first, "n,,n=user,r="));

  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);
  tls_pair_clear (&pair);
}

/* -PLUS against gsasl's server with the binding data of the server side of a
 * real TLS connection; c= checked against the client side's own data. */
static void
check_plus_exchange (TlsPair                *pair,
                     const char             *mechanism,
                     const char             *binding_name,
                     GTlsChannelBindingType  binding_type,
                     Gsasl_property          binding_property)
{
  const char *binding_types[] = { binding_name, NULL };
  const char *offered[] = { mechanism, "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", NULL };
  g_autoptr(GByteArray) client_binding = binding_data (pair->client, binding_type);
  g_autoptr(GByteArray) server_binding = binding_data (pair->server, binding_type);
  g_autoptr(GError) error = NULL;
  g_autofree char *gs2_header = g_strdup_printf ("p=%s,,", binding_name);
  g_autofree char *client_first = NULL;
  g_autofree char *client_first_text = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *client_final_text = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *cbind = NULL;
  g_autofree char *expected_cbind = NULL;
  g_autoptr(GByteArray) cbind_input = g_byte_array_new ();
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new (offered, binding_types, G_TLS_CONNECTION (pair->client));
  g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, mechanism);
  enlist_test_sasl_server_init (&server, mechanism, binding_property, server_binding);

  client_first = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  client_first_text = enlist_test_base64_decode (client_first, NULL);
  g_assert_true (g_str_has_prefix (client_first_text, gs2_header));

  server_first = enlist_test_sasl_server_step (&server, client_first, GSASL_NEEDS_MORE);
  client_final = enlist_test_sasl_step (sasl, server_first, &error);
  g_assert_no_error (error);

  /* c= is base64 (gs2-header + binding data): RFC 5802 §7. */
  client_final_text = enlist_test_base64_decode (client_final, NULL);
  g_assert_true (g_str_has_prefix (client_final_text, "c="));
  cbind = g_strndup (client_final_text + 2, strcspn (client_final_text + 2, ","));
  g_byte_array_append (cbind_input, (const guint8 *) gs2_header, strlen (gs2_header));
  g_byte_array_append (cbind_input, client_binding->data, client_binding->len);
  expected_cbind = g_base64_encode (cbind_input->data, cbind_input->len);
  g_assert_cmpstr (cbind, ==, expected_cbind);

  server_final = enlist_test_sasl_server_step (&server, client_final, GSASL_OK);
  g_assert_true (enlist_sasl_verify_success (sasl, server_final, &error));
  g_assert_no_error (error);

  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);
}

/* Binding data from another connection: the server must refuse. */
static void
check_plus_mismatch (TlsPair                *pair,
                     TlsPair                *other,
                     const char             *binding_name,
                     GTlsChannelBindingType  binding_type,
                     Gsasl_property          binding_property)
{
  const char *binding_types[] = { binding_name, NULL };
  static const char * const offered[] = { "SCRAM-SHA-256-PLUS", NULL };
  g_autoptr(GByteArray) foreign = binding_data (other->server, binding_type);
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *client_final = NULL;
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new (offered, binding_types, G_TLS_CONNECTION (pair->client));
  enlist_test_sasl_server_init (&server, "SCRAM-SHA-256-PLUS", binding_property, foreign);

  client_first = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  server_first = enlist_test_sasl_server_step (&server, client_first, GSASL_NEEDS_MORE);
  client_final = enlist_test_sasl_step (sasl, server_first, &error);
  g_assert_no_error (error);
  /* the server refuses the proof (the step checks its return code) */
  g_free (enlist_test_sasl_server_step (&server, client_final, GSASL_AUTHENTICATION_ERROR));

  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);
}

static void
test_plus_tls_exporter (void)
{
  TlsPair pair, other;

  tls_pair_init (&pair, G_TLS_PROTOCOL_VERSION_TLS_1_3);
  tls_pair_init (&other, G_TLS_PROTOCOL_VERSION_TLS_1_3);

  check_plus_exchange (&pair, "SCRAM-SHA-256-PLUS", "tls-exporter",
                       G_TLS_CHANNEL_BINDING_TLS_EXPORTER, GSASL_CB_TLS_EXPORTER);
  check_plus_exchange (&pair, "SCRAM-SHA-1-PLUS", "tls-exporter",
                       G_TLS_CHANNEL_BINDING_TLS_EXPORTER, GSASL_CB_TLS_EXPORTER);
  check_plus_mismatch (&pair, &other, "tls-exporter",
                       G_TLS_CHANNEL_BINDING_TLS_EXPORTER, GSASL_CB_TLS_EXPORTER);

  tls_pair_clear (&other);
  tls_pair_clear (&pair);
}

/* glib-networking reads G_TLS_GNUTLS_PRIORITY once per process, so TLS 1.2
 * runs in a child given its own environment (setenv () here would race with
 * GLib's threads). */
static void
test_plus_tls_unique (void)
{
  static const ChoiceCase cases[] = {
    { ALL_MECHANISMS, TRUE, { "tls-unique", NULL }, "SCRAM-SHA-256-PLUS" },
    { ALL_MECHANISMS, TRUE, { "tls-exporter", NULL }, "SCRAM-SHA-256" },
    { ALL_MECHANISMS, FALSE, { NULL }, "SCRAM-SHA-256" },
    { { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL }, TRUE, { "tls-exporter", "tls-unique", NULL },
      "SCRAM-SHA-1-PLUS" },
  };
  TlsPair pair, other;

  if (g_getenv ("ENLIST_TEST_TLS_1_2") == NULL)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *output = NULL;

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                            G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_subprocess_launcher_setenv (launcher, "ENLIST_TEST_TLS_1_2", "1", TRUE);
      g_subprocess_launcher_setenv (launcher, "G_TLS_GNUTLS_PRIORITY", "NORMAL:-VERS-TLS1.3", TRUE);
      child = g_subprocess_launcher_spawn (launcher, &error,
                                           "/proc/self/exe", "-p", g_test_get_path (), NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_successful (child))
        {
          g_test_message ("TLS 1.2 child:\n%s", output);
          g_test_fail ();
        }
      return;
    }

  tls_pair_init (&pair, G_TLS_PROTOCOL_VERSION_TLS_1_2);
  tls_pair_init (&other, G_TLS_PROTOCOL_VERSION_TLS_1_2);

  check_choices (cases, G_N_ELEMENTS (cases), G_TLS_CONNECTION (pair.client));
  check_plus_exchange (&pair, "SCRAM-SHA-256-PLUS", "tls-unique",
                       G_TLS_CHANNEL_BINDING_TLS_UNIQUE, GSASL_CB_TLS_UNIQUE);
  check_plus_exchange (&pair, "SCRAM-SHA-1-PLUS", "tls-unique",
                       G_TLS_CHANNEL_BINDING_TLS_UNIQUE, GSASL_CB_TLS_UNIQUE);
  check_plus_mismatch (&pair, &other, "tls-unique",
                       G_TLS_CHANNEL_BINDING_TLS_UNIQUE, GSASL_CB_TLS_UNIQUE);

  tls_pair_clear (&other);
  tls_pair_clear (&pair);
}

static void
test_plain (void)
{
  static const char * const offered[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autofree char *message = NULL;
  g_autofree char *more = NULL;
  gsize length = 0;
  EnlistSasl *sasl;
  TlsPair pair;

  tls_pair_init (&pair, G_TLS_PROTOCOL_VERSION_TLS_1_3);

  sasl = enlist_test_sasl_new (offered, NULL, G_TLS_CONNECTION (pair.client));
  g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, "PLAIN");

  response = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  message = enlist_test_base64_decode (response, &length);
  /* No authorization identity. */
  g_assert_cmpmem (message, length, "\0user\0pencil", 12);

  g_assert_true (enlist_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);

  more = enlist_test_sasl_step (sasl, "Zm9v", &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_assert_null (more);

  enlist_test_finalize (sasl);
  tls_pair_clear (&pair);
}


static gboolean
count_tick (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* A million rounds of PBKDF2 while the main loop keeps running; a second step
 * or a verification meanwhile is refused. */
static void
test_scram_off_main_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) pending_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *response = NULL;
  g_autofree char *refused = NULL;
  guint ticks = 0;
  guint source;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-256");
  nonce = enlist_test_sasl_start_scram (sasl);
  server_first = g_strdup_printf ("r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT
                                  ",i=1000000", nonce);
  encoded = enlist_test_base64_encode (server_first);

  source = g_timeout_add (5, count_tick, &ticks);
  timer = g_timer_new ();
  enlist_sasl_step_async (sasl, encoded, NULL, enlist_test_store_result, &result);

  enlist_sasl_step_async (sasl, encoded, NULL, enlist_test_store_result, &pending);
  g_assert_false (enlist_sasl_verify_success (sasl, "dj1BQUFB", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  while (result == NULL || pending == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (source);

  refused = enlist_sasl_step_finish (sasl, pending, &pending_error);
  g_assert_error (pending_error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_null (refused);

  response = enlist_sasl_step_finish (sasl, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  g_test_message ("%u ticks in %.2f s", ticks, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (ticks, >=, 3);

  g_clear_object (&result);
  g_clear_object (&pending);
  enlist_test_finalize (sasl);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autofree char *again = NULL;
  EnlistSasl *sasl;

  /* Cancelled before it starts: nothing happened, the exchange can go on. */
  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-256");
  g_cancellable_cancel (cancellable);
  enlist_sasl_step_async (sasl, NULL, cancellable, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  response = enlist_sasl_step_finish (sasl, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (response);
  g_clear_error (&error);
  g_clear_object (&result);
  g_free (enlist_test_sasl_start_scram (sasl));
  enlist_test_finalize (sasl);

  /* Cancelled while running: the attempt is over. */
  g_cancellable_reset (cancellable);
  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-256");
  enlist_sasl_step_async (sasl, NULL, cancellable, enlist_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  enlist_test_wait_for (&result);
  response = enlist_sasl_step_finish (sasl, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (response);
  g_clear_error (&error);
  g_clear_object (&result);

  again = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_assert_null (again);
  enlist_test_finalize (sasl);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sasl/scram/rfc5802", test_scram_rfc5802);
  g_test_add_func ("/sasl/scram/rfc7677-reference", test_scram_rfc7677_reference);
  g_test_add_data_func ("/sasl/scram/independent/sha-1", "SCRAM-SHA-1", test_scram_independent);
  g_test_add_data_func ("/sasl/scram/independent/sha-256", "SCRAM-SHA-256",
                        test_scram_independent);
  g_test_add_data_func ("/sasl/scram/gsasl-server/sha-1", "SCRAM-SHA-1",
                        test_scram_gsasl_server);
  g_test_add_data_func ("/sasl/scram/gsasl-server/sha-256", "SCRAM-SHA-256",
                        test_scram_gsasl_server);
  g_test_add_func ("/sasl/scram/username-escaping", test_scram_username_escaping);
  g_test_add_func ("/sasl/scram/tls-without-binding", test_scram_tls_without_binding);
  g_test_add_func ("/sasl/scram/plus/tls-exporter", test_plus_tls_exporter);
  g_test_add_func ("/sasl/scram/plus/tls-unique", test_plus_tls_unique);
  g_test_add_func ("/sasl/scram/off-main-thread", test_scram_off_main_thread);
  g_test_add_func ("/sasl/choice/without-tls", test_choice_without_tls);
  g_test_add_func ("/sasl/choice/tls-1.3", test_choice_tls13);
  g_test_add_func ("/sasl/plain", test_plain);
  g_test_add_func ("/sasl/cancel", test_cancel);

  return g_test_run ();
}
