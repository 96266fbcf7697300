/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-certificate.c: what a person is shown about a certificate (its
 * fingerprint, its description, why it was not trusted) and the one form
 * fingerprints are pinned and compared in. */
#define G_LOG_DOMAIN "test-certificate"

#include "config.h"

#include <string.h>

#include "enlist-certificate.h"

/* What `openssl x509 -noout -fingerprint -sha256` says of the fixtures. */
#define FAKE_SERVER_SHA256 \
  "80:FB:11:2B:AE:F5:FF:03:AB:B4:D1:37:A2:41:DC:3B:DD:FA:31:51:33:C7:EC:68:3F:20:36:0B:47:E9:52:DF"
#define OTHER_SHA256 \
  "4A:D0:B7:88:6E:7E:E7:CF:93:34:DB:14:D4:B4:01:45:6A:10:77:41:69:8A:37:44:E5:68:08:CD:FC:02:FD:71"

#define FP_A "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
             "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

static GTlsCertificate *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CERTIFICATE (certificate));
  return certificate;
}

static void
test_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { FP_A, FP_A },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", FP_A },
    { "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789", FP_A },
    { "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89", FP_A },
    { "AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67 89 "
      "AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67 89", FP_A },
    /* Colons and spaces may mix, and may be left out between some pairs. */
    { "AB:CD EF:0123 45:67:89ABCDEF0123456789 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
      FP_A },
    { "", NULL },
    /* 31 and 33 bytes, SHA-1 sized: refused. */
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567", NULL },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678900", NULL },
    { "0123456789abcdef0123456789abcdef01234567", NULL },
    /* An odd digit count, a non-hex digit, separators in odd places. */
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678", NULL },
    { "gbcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { ":abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { " abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789:", NULL },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789 ", NULL },
    { "a:bcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { "ab::cdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { "ab  cdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { "ab-cd-ef-01-23-45-67-89-ab-cd-ef-01-23-45-67-89-"
      "ab-cd-ef-01-23-45-67-89-ab-cd-ef-01-23-45-67-89", NULL },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n", NULL },
    { "sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", NULL },
    { "abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678\xef\xbc\x99", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlist_certificate_normalize_fingerprint (cases[i].in);
      g_autofree char *escaped = g_strescape (cases[i].in, NULL);

      g_test_message ("%s", escaped);
      g_assert_cmpstr (out, ==, cases[i].out);
      /* Equality is "both normalise to the same thing". */
      g_assert_cmpint (enlist_certificate_fingerprint_equal (cases[i].in, FP_A), ==,
                       g_strcmp0 (out, FP_A) == 0);
    }
  g_assert_false (enlist_certificate_fingerprint_equal (NULL, FP_A));
  g_assert_false (enlist_certificate_fingerprint_equal (FP_A, NULL));
  g_assert_false (enlist_certificate_fingerprint_equal ("", ""));
  g_assert_false (enlist_certificate_fingerprint_equal ("abcd", "ABCD"));
}

static void
test_fingerprint (void)
{
  g_autoptr(GTlsCertificate) fake = load_fixture ("fake-server-ca.pem");
  g_autoptr(GTlsCertificate) fake_with_key = load_fixture ("fake-server.pem");
  g_autoptr(GTlsCertificate) other = load_fixture ("other.pem");
  g_autofree char *fake_fp = enlist_certificate_get_fingerprint (fake);
  g_autofree char *fake_with_key_fp = enlist_certificate_get_fingerprint (fake_with_key);
  g_autofree char *other_fp = enlist_certificate_get_fingerprint (other);
  g_autofree char *renormalized = enlist_certificate_normalize_fingerprint (fake_fp);
  g_autofree char *lower = g_ascii_strdown (other_fp, -1);

  g_assert_cmpstr (fake_fp, ==, FAKE_SERVER_SHA256);
  /* The key in the file changes nothing: the fingerprint is the certificate's. */
  g_assert_cmpstr (fake_with_key_fp, ==, FAKE_SERVER_SHA256);
  g_assert_cmpstr (other_fp, ==, OTHER_SHA256);
  /* What get_fingerprint gives is already in the normal form. */
  g_assert_cmpstr (renormalized, ==, fake_fp);
  g_assert_true (enlist_certificate_fingerprint_equal (lower, OTHER_SHA256));
  g_assert_false (enlist_certificate_fingerprint_equal (fake_fp, other_fp));
}

static void
test_describe (void)
{
  g_autoptr(GTlsCertificate) fake = load_fixture ("fake-server-ca.pem");
  g_autofree char *description = enlist_certificate_describe (fake);
  g_auto(GStrv) lines = g_strsplit (description, "\n", -1);

  g_test_message ("%s", description);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "Subject: CN=fake.test");
  g_assert_cmpstr (lines[1], ==, "Issuer: CN=fake.test");
  g_assert_cmpstr (lines[2], ==,
                   "Valid from 2026-11-21 12:20:21 UTC until 2126-10-28 12:20:21 UTC");
  g_assert_cmpstr (lines[3], ==, "SHA-256 fingerprint: " FAKE_SERVER_SHA256);
}

static void
test_flags_to_string (void)
{
  static const struct
  {
    GTlsCertificateFlags  flags;
    const char           *words;
  } cases[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA,
      "The certificate is not signed by an authority this computer trusts." },
    { G_TLS_CERTIFICATE_BAD_IDENTITY,
      "The certificate was issued for a different server name." },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED,
      "The certificate is not valid yet; check the computer’s date and time." },
    { G_TLS_CERTIFICATE_EXPIRED, "The certificate has expired." },
    { G_TLS_CERTIFICATE_REVOKED, "The certificate has been revoked." },
    { G_TLS_CERTIFICATE_INSECURE, "The certificate uses insecure cryptography." },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, "The certificate could not be checked." },
    /* Several problems: each sentence, in a fixed order, joined by spaces. */
    { G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_UNKNOWN_CA,
      "The certificate is not signed by an authority this computer trusts. "
      "The certificate has expired." },
    /* No known problem still says something. */
    { 0, "The certificate was not accepted." },
    { 1 << 20, "The certificate was not accepted." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = enlist_certificate_flags_to_string (cases[i].flags);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/certificate/normalize-fingerprint", test_normalize);
  g_test_add_func ("/certificate/fingerprint", test_fingerprint);
  g_test_add_func ("/certificate/describe", test_describe);
  g_test_add_func ("/certificate/flags-to-string", test_flags_to_string);

  return g_test_run ();
}
