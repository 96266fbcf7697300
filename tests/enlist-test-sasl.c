/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-sasl.c: what the SASL tests share (enlist-test-sasl.h). */
#define G_LOG_DOMAIN "test-sasl"

#include "config.h"

#include <string.h>

#include "enlist-analyzer.h"
#include "enlist-test-sasl.h"
#include "enlist-test-utils.h"

/* Driving the client ------------------------------------------------------ */

char *
enlist_test_base64_encode (const char *text)
{
  return g_base64_encode ((const guchar *) text, strlen (text));
}

/* NUL-terminated; length for messages that contain NULs (PLAIN). */
char *
enlist_test_base64_decode (const char *text,
                           gsize      *length)
{
  gsize raw_length = 0;
  g_autofree guchar *raw = g_base64_decode (text, &raw_length);
  char *result = g_malloc (raw_length + 1);

  if (raw_length > 0)
    memcpy (result, raw, raw_length);
  result[raw_length] = '\0';
  if (length != NULL)
    *length = raw_length;

  return result;
}

/* challenge and response in base64, as on the wire */
char *
enlist_test_sasl_step (EnlistSasl  *sasl,
                       const char  *challenge,
                       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_sasl_step_async (sasl, challenge, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);

  return enlist_sasl_step_finish (sasl, result, error);
}

/* challenge and response as text */
char *
enlist_test_sasl_step_text (EnlistSasl  *sasl,
                            const char  *challenge,
                            GError     **error)
{
  g_autofree char *encoded = challenge != NULL ? enlist_test_base64_encode (challenge) : NULL;
  g_autofree char *response = enlist_test_sasl_step (sasl, encoded, error);

  return response != NULL ? enlist_test_base64_decode (response, NULL) : NULL;
}

gboolean
enlist_test_sasl_verify_text (EnlistSasl  *sasl,
                              const char  *success,
                              GError     **error)
{
  g_autofree char *encoded = success != NULL ? enlist_test_base64_encode (success) : NULL;

  return enlist_sasl_verify_success (sasl, encoded, error);
}

EnlistSasl *
enlist_test_sasl_new_for (const char * const *offered,
                          const char * const *binding_types,
                          GTlsConnection     *tls,
                          const char         *username)
{
  g_autoptr(GError) error = NULL;
  EnlistSasl *sasl;

  sasl = enlist_sasl_new (offered, binding_types, tls, username, "pencil", &error);
  g_assert_no_error (error);
  g_assert_true (ENLIST_IS_SASL (sasl));

  return sasl;
}

EnlistSasl *
enlist_test_sasl_new (const char * const *offered,
                      const char * const *binding_types,
                      GTlsConnection     *tls)
{
  return enlist_test_sasl_new_for (offered, binding_types, tls, "user");
}

EnlistSasl *
enlist_test_sasl_new_scram (const char *mechanism)
{
  const char *offered[] = { mechanism, NULL };
  EnlistSasl *sasl = enlist_test_sasl_new (offered, NULL, NULL);

  g_assert_cmpstr (enlist_sasl_get_mechanism (sasl), ==, mechanism);
  return sasl;
}

/* The r= of a client-first message, after "n,,n=user,". */
static char *
client_nonce_of (const char *client_first)
{
  const char *nonce = strstr (client_first, ",r=");

  g_assert_nonnull (nonce);
  return g_strdup (nonce + 3);
}

/* Steps sasl to the point where it waits for server-first; returns the
 * client nonce. */
char *
enlist_test_sasl_start_scram (EnlistSasl *sasl)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = enlist_test_sasl_step_text (sasl, NULL, &error);

  /* g_autofree frees it (enlist-analyzer.h) */
  ENLIST_ANALYZER_ESCAPE (client_first);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (client_first, "n,,n=user,r="));

  return client_nonce_of (client_first);
}

/* GNU SASL's server side as the peer -------------------------------------- */

static int
server_callback (Gsasl          *ctx,
                 Gsasl_session  *session,
                 Gsasl_property  property)
{
  if (property == GSASL_PASSWORD &&
      g_strcmp0 (gsasl_property_fast (session, GSASL_AUTHID), "user") == 0)
    return gsasl_property_set (session, GSASL_PASSWORD, "pencil");

  return GSASL_NO_CALLBACK;
}

/* binding: NULL, or the server side's binding data for a -PLUS mechanism */
void
enlist_test_sasl_server_init (EnlistTestSaslServer *server,
                              const char           *mechanism,
                              Gsasl_property        binding_property,
                              GByteArray           *binding)
{
  g_assert_cmpint (gsasl_init (&server->ctx), ==, GSASL_OK);
  gsasl_callback_set (server->ctx, server_callback);
  g_assert_cmpint (gsasl_server_start (server->ctx, mechanism, &server->session), ==, GSASL_OK);
  g_assert_cmpint (gsasl_property_set (server->session, GSASL_SCRAM_ITER, "4096"), ==, GSASL_OK);

  if (binding != NULL)
    {
      g_autofree char *encoded = g_base64_encode (binding->data, binding->len);

      g_assert_cmpint (gsasl_property_set (server->session, binding_property, encoded), ==,
                       GSASL_OK);
    }
}

void
enlist_test_sasl_server_clear (EnlistTestSaslServer *server)
{
  g_clear_pointer (&server->session, gsasl_finish);
  g_clear_pointer (&server->ctx, gsasl_done);
}

/* A server step on a base64 message; returns the base64 answer (g_free). */
char *
enlist_test_sasl_server_step (EnlistTestSaslServer *server,
                              const char           *input,
                              int                   expected_rc)
{
  char *output = NULL;
  char *result;
  int rc;

  rc = gsasl_step64 (server->session, input, &output);
  if (rc != expected_rc)
    g_error ("gsasl server step: %s, expected %s",
             gsasl_strerror_name (rc), gsasl_strerror_name (expected_rc));
  result = g_strdup (output);
  gsasl_free (output);

  return result;
}

/* Runs the whole exchange; returns the decoded client-first message. */
char *
enlist_test_sasl_exchange (EnlistSasl           *sasl,
                           EnlistTestSaslServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *server_final = NULL;

  client_first = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  server_first = enlist_test_sasl_server_step (server, client_first, GSASL_NEEDS_MORE);

  client_final = enlist_test_sasl_step (sasl, server_first, &error);
  g_assert_no_error (error);
  /* GSASL_OK: the server checked our proof (and channel binding). */
  server_final = enlist_test_sasl_server_step (server, client_final, GSASL_OK);

  g_assert_true (enlist_sasl_verify_success (sasl, server_final, &error));
  g_assert_no_error (error);

  return enlist_test_base64_decode (client_first, NULL);
}

/* ------------------------------------------------------------------------ */

/* GCC 12's LeakSanitizer crashes at exit scanning the dynamic TLS of the
 * dlopen()ed GnuTLS backend unless __tls_get_addr is left alone. The
 * environment's ASAN_OPTIONS still take precedence. Every SASL test program
 * links this file, so each gets it. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}
