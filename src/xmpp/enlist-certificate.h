/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-certificate.h: describing server certificates to people, and the
 * fingerprints users pin them by. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* SHA-256 of the DER encoding, upper-case hex pairs joined by colons. */
char     *enlist_certificate_get_fingerprint   (GTlsCertificate     *certificate);
/* Subject, issuer, validity period and fingerprint, one per line. */
char     *enlist_certificate_describe          (GTlsCertificate     *certificate);
/* The problems in flags as sentences a person understands, joined by spaces. */
char     *enlist_certificate_flags_to_string   (GTlsCertificateFlags flags);
/* Compares fingerprints ignoring case, colons and spaces. */
gboolean  enlist_certificate_fingerprint_equal (const char          *a,
                                                const char          *b);

G_END_DECLS
