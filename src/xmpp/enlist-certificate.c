/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-certificate.c: what a person needs to decide whether to trust a
 * server certificate that did not verify. */
#define G_LOG_DOMAIN "enlist-certificate"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-certificate.h"

#define SHA256_LEN 32

/* The one way Enlist writes a fingerprint: upper-case hex pairs and colons. */
static char *
format_digest (const guint8 *digest,
               gsize         len)
{
  GString *out = g_string_sized_new (len * 3);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (out, FALSE);
}

char *
enlist_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[SHA256_LEN];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &digest_len);

  return format_digest (digest, digest_len);
}

static char *
format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("unknown"));
  return g_date_time_format (date, "%Y-%m-%d %H:%M:%S UTC");
}

char *
enlist_certificate_describe (GTlsCertificate *certificate)
{
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  subject = g_tls_certificate_get_subject_name (certificate);
  issuer = g_tls_certificate_get_issuer_name (certificate);
  not_before = g_tls_certificate_get_not_valid_before (certificate);
  not_after = g_tls_certificate_get_not_valid_after (certificate);
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  from = format_date (not_before);
  until = format_date (not_after);

  return g_strdup_printf (_("Subject: %s\nIssuer: %s\nValid from %s until %s\nSHA-256 fingerprint: %s"),
                          subject ? subject : _("unknown"),
                          issuer ? issuer : _("unknown"),
                          from, until,
                          fingerprint ? fingerprint : _("unknown"));
}

char *
enlist_certificate_flags_to_string (GTlsCertificateFlags flags)
{
  static const struct {
    GTlsCertificateFlags flag;
    const char *text;
  } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA,
      N_("The certificate is not signed by an authority this computer trusts.") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY,
      N_("The certificate was issued for a different server name.") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED,
      N_("The certificate is not valid yet; check the computer’s date and time.") },
    { G_TLS_CERTIFICATE_EXPIRED,
      N_("The certificate has expired.") },
    { G_TLS_CERTIFICATE_REVOKED,
      N_("The certificate has been revoked.") },
    { G_TLS_CERTIFICATE_INSECURE,
      N_("The certificate uses insecure cryptography.") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR,
      N_("The certificate could not be checked.") },
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      if ((flags & reasons[i].flag) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, _(reasons[i].text));
    }

  if (out->len == 0)
    g_string_append (out, _("The certificate was not accepted."));

  return g_string_free (out, FALSE);
}

char *
enlist_certificate_normalize_fingerprint (const char *fingerprint)
{
  guint8 bytes[SHA256_LEN];
  gsize n = 0;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  /* Pairs of hex digits, optionally separated by one colon or space; no
   * separator inside a pair, none leading or trailing. */
  for (const char *p = fingerprint; *p != '\0';)
    {
      int hi, lo;

      if (n > 0 && (*p == ':' || *p == ' '))
        {
          p++;
          if (*p == '\0')
            return NULL;
        }
      hi = g_ascii_xdigit_value (p[0]);
      lo = hi >= 0 ? g_ascii_xdigit_value (p[1]) : -1;
      if (hi < 0 || lo < 0 || n == SHA256_LEN)
        return NULL;
      bytes[n++] = (guint8) (hi << 4 | lo);
      p += 2;
    }

  if (n != SHA256_LEN)
    return NULL;

  return format_digest (bytes, n);
}

gboolean
enlist_certificate_fingerprint_equal (const char *a,
                                      const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  na = enlist_certificate_normalize_fingerprint (a);
  nb = enlist_certificate_normalize_fingerprint (b);
  return na != NULL && nb != NULL && strcmp (na, nb) == 0;
}
