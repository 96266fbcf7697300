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
/* A SHA-256 fingerprint as upper-case hex byte pairs joined by colons (the
 * form get_fingerprint gives), from 64 hex digits in either case, with or
 * without one colon or space between pairs; NULL for anything else (other
 * lengths, other separators, a separator inside a pair or at either end). */
char     *enlist_certificate_normalize_fingerprint (const char      *fingerprint);
/* Whether a and b are the same SHA-256 fingerprint in any form
 * normalize_fingerprint accepts; FALSE when either is not one (or NULL). */
gboolean  enlist_certificate_fingerprint_equal (const char          *a,
                                                const char          *b);

G_END_DECLS
