/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sasl-hostile.c: what the SASL client refuses from a server: too few
 * or too many SCRAM iterations, malformed or foreign server-first messages,
 * bad encodings, wrong, missing or early server signatures, and server-final
 * messages in the wrong place. */
#define G_LOG_DOMAIN "test-sasl"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-test-sasl.h"
#include "enlist-test-utils.h"

static void
test_scram_iterations (void)
{
  static const char * const refused[] = {
    "10000001", "0", "000", "abc", "", "-1", "+4096", " 4096", "4096x", "0100", "4e6",
    "99999999999999999999999999", "18446744073709551617",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *nonce = NULL;
      g_autofree char *server_first = NULL;
      g_autofree char *response = NULL;
      g_autofree char *again = NULL;
      g_autoptr(GTimer) timer = NULL;
      EnlistSasl *sasl;

      g_test_message ("i=%s", refused[i]);
      sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-256");
      nonce = enlist_test_sasl_start_scram (sasl);
      server_first = g_strdup_printf ("r=%s%s,s=%s,i=%s", nonce, ENLIST_TEST_SERVER_NONCE,
                                      ENLIST_TEST_SALT, refused[i]);

      timer = g_timer_new ();
      response = enlist_test_sasl_step_text (sasl, server_first, &error);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
      g_assert_null (response);
      /* Ten million rounds take seconds: refused without hashing. */
      g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 1.0);

      g_clear_error (&error);
      again = enlist_test_sasl_step_text (sasl, "v=AAAA", &error);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
      g_assert_null (again);

      enlist_test_finalize (sasl);
    }
}

static void
test_scram_iterations_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *response = NULL;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-1");
  nonce = enlist_test_sasl_start_scram (sasl);
  server_first = g_strdup_printf ("r=%s%s,s=%s,i=1,x=an-extension", nonce, ENLIST_TEST_SERVER_NONCE,
                                  ENLIST_TEST_SALT);
  response = enlist_test_sasl_step_text (sasl, server_first, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response, "c=biws,r="));

  enlist_test_finalize (sasl);
}

/* Server-first messages that must be refused: {format, uses the nonce}. */
static void
test_scram_bad_server_first (void)
{
  static const char * const nonce_formats[] = {
    "r=%s,s=" ENLIST_TEST_SALT ",i=4096",                          /* no server part */
    "r=x%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT ",i=4096",     /* not our nonce */
    "r=%.10s,s=" ENLIST_TEST_SALT ",i=4096",                        /* our nonce cut short */
    "m=ext,r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT ",i=4096",
    "r=%s" ENLIST_TEST_SERVER_NONCE ",i=4096",
    "r=%s" ENLIST_TEST_SERVER_NONCE ",s=,i=4096",
    "r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT,
    "s=" ENLIST_TEST_SALT ",r=%s" ENLIST_TEST_SERVER_NONCE ",i=4096",
    "r=%s" ENLIST_TEST_SERVER_NONCE ",s=!!notbase64!!,i=4096",
    "garbage%s",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (nonce_formats); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *nonce = NULL;
      g_autofree char *server_first = NULL;
      g_autofree char *response = NULL;
      EnlistSasl *sasl;

      sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-256");
      nonce = enlist_test_sasl_start_scram (sasl);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      server_first = g_strdup_printf (nonce_formats[i], nonce);
#pragma GCC diagnostic pop
      g_test_message ("server-first: %s", server_first);

      response = enlist_test_sasl_step_text (sasl, server_first, &error);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
      g_assert_null (response);

      enlist_test_finalize (sasl);
    }
}

/* Not base64, and a message with a NUL inside. */
static void
test_scram_bad_encoding (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *response = NULL;
  g_autofree char *encoded = NULL;
  char raw[128];
  int length;
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-1");
  nonce = enlist_test_sasl_start_scram (sasl);
  response = enlist_test_sasl_step (sasl, "!!!not base64!!!", &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_assert_null (response);
  enlist_test_finalize (sasl);

  g_clear_error (&error);
  g_clear_pointer (&nonce, g_free);
  sasl = enlist_test_sasl_new_scram ("SCRAM-SHA-1");
  nonce = enlist_test_sasl_start_scram (sasl);
  length = g_snprintf (raw, sizeof raw,
                       "r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT ",i=1", nonce);
  raw[length - 3] = '\0';
  encoded = g_base64_encode ((const guchar *) raw, (gsize) length);
  response = enlist_test_sasl_step (sasl, encoded, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_assert_null (response);
  enlist_test_finalize (sasl);
}

/* Wrong, missing or early server signatures. */
static void
test_scram_bad_signature (void)
{
  static const char * const offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *wrong = NULL;
  guchar zeros[32] = { 0 };
  g_autofree char *zero_signature = g_base64_encode (zeros, sizeof zeros);
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;

  /* A signature that is not the server's. */
  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  enlist_test_sasl_server_init (&server, "SCRAM-SHA-256", 0, NULL);
  client_first = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  server_first = enlist_test_sasl_server_step (&server, client_first, GSASL_NEEDS_MORE);
  client_final = enlist_test_sasl_step (sasl, server_first, &error);
  g_assert_no_error (error);
  server_final = enlist_test_sasl_server_step (&server, client_final, GSASL_OK);

  wrong = g_strdup_printf ("v=%s", zero_signature);
  g_assert_false (enlist_test_sasl_verify_text (sasl, wrong, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_clear_error (&error);
  /* Failed for good, even with the right one now. */
  g_assert_false (enlist_sasl_verify_success (sasl, server_final, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_clear_error (&error);
  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);

  /* <success/> without the signature. */
  {
    const char *empty_payloads[] = { NULL, "", "=" };

    for (gsize i = 0; i < G_N_ELEMENTS (empty_payloads); i++)
      {
        g_autofree char *nonce = NULL;
        g_autofree char *sf = NULL;
        g_autofree char *cf = NULL;

        sasl = enlist_test_sasl_new (offered, NULL, NULL);
        nonce = enlist_test_sasl_start_scram (sasl);
        sf = g_strdup_printf ("r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT ",i=1", nonce);
        cf = enlist_test_sasl_step_text (sasl, sf, &error);
        g_assert_no_error (error);
        g_assert_nonnull (cf);
        g_assert_false (enlist_sasl_verify_success (sasl, empty_payloads[i], &error));
        g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
        g_clear_error (&error);
        enlist_test_finalize (sasl);
      }
  }

  /* <success/> before client-final was even sent. */
  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  g_free (enlist_test_sasl_start_scram (sasl));
  g_assert_false (enlist_test_sasl_verify_text (sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_clear_error (&error);
  enlist_test_finalize (sasl);

  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  g_assert_false (enlist_sasl_verify_success (sasl, NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_clear_error (&error);
  enlist_test_finalize (sasl);
}

/* A server-error inside <success/>, and a server-final sent as a challenge. */
static void
test_scram_server_final_variants (void)
{
  static const char * const offered[] = { "SCRAM-SHA-1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *sf = NULL;
  g_autofree char *cf = NULL;
  EnlistTestSaslServer server = { 0 };
  EnlistSasl *sasl;

  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  enlist_test_sasl_server_init (&server, "SCRAM-SHA-1", 0, NULL);
  client_first = enlist_test_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  server_first = enlist_test_sasl_server_step (&server, client_first, GSASL_NEEDS_MORE);
  client_final = enlist_test_sasl_step (sasl, server_first, &error);
  g_assert_no_error (error);
  server_final = enlist_test_sasl_server_step (&server, client_final, GSASL_OK);

  empty = enlist_test_sasl_step (sasl, server_final, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");
  g_assert_true (enlist_sasl_verify_success (sasl, "=", &error));
  g_assert_no_error (error);
  enlist_test_sasl_server_clear (&server);
  enlist_test_finalize (sasl);

  sasl = enlist_test_sasl_new (offered, NULL, NULL);
  nonce = enlist_test_sasl_start_scram (sasl);
  sf = g_strdup_printf ("r=%s" ENLIST_TEST_SERVER_NONCE ",s=" ENLIST_TEST_SALT ",i=1", nonce);
  cf = enlist_test_sasl_step_text (sasl, sf, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cf);
  g_assert_false (enlist_test_sasl_verify_text (sasl, "e=invalid-proof", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_SASL);
  g_assert_cmpstr (enlist_error_get_server_text (error), ==, "invalid-proof");
  enlist_test_finalize (sasl);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sasl/scram/iterations/refused", test_scram_iterations);
  g_test_add_func ("/sasl/scram/iterations/accepted", test_scram_iterations_accepted);
  g_test_add_func ("/sasl/scram/bad-server-first", test_scram_bad_server_first);
  g_test_add_func ("/sasl/scram/bad-encoding", test_scram_bad_encoding);
  g_test_add_func ("/sasl/scram/bad-signature", test_scram_bad_signature);
  g_test_add_func ("/sasl/scram/server-final-variants", test_scram_server_final_variants);

  return g_test_run ();
}
