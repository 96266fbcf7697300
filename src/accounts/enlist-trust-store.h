/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trust-store.h: server certificates the user chose to trust although
 * they did not verify, pinned per XMPP domain by SHA-256 fingerprint. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_TRUST_STORE (enlist_trust_store_get_type ())

G_DECLARE_FINAL_TYPE (EnlistTrustStore, enlist_trust_store, ENLIST, TRUST_STORE, GObject)

/* Fingerprints are read and written in the one form
 * enlist_certificate_normalize_fingerprint gives.
 *
 * Pins live in DIRECTORY/pinned-certificates.ini; NULL means
 * g_get_user_data_dir ()/enlist. The file is read on every call, so several
 * instances (or a second Enlist process) see each other's changes. Reading and
 * writing a file this small is done synchronously. */
EnlistTrustStore *enlist_trust_store_new         (const char       *directory);
const char       *enlist_trust_store_get_path    (EnlistTrustStore *self);

/* The pinned fingerprints of the domain, normalised and sorted; an empty
 * vector when there are none. Entries in the file that are not fingerprints
 * are ignored. NULL with an error if the domain is invalid or the file cannot
 * be read. */
GStrv             enlist_trust_store_get_pins    (EnlistTrustStore *self,
                                                  const char       *domain,
                                                  GError          **error);
/* Whether fingerprint (in any form enlist_certificate_normalize_fingerprint
 * accepts) is pinned for the domain. Errors count as not pinned. */
gboolean          enlist_trust_store_has_pin     (EnlistTrustStore *self,
                                                  const char       *domain,
                                                  const char       *fingerprint);
/* Adding a pin that is already there, or removing one that is not, succeeds.
 * An invalid domain or fingerprint is G_IO_ERROR_INVALID_ARGUMENT; the file is
 * then left as it was. */
gboolean          enlist_trust_store_add_pin     (EnlistTrustStore *self,
                                                  const char       *domain,
                                                  const char       *fingerprint,
                                                  GError          **error);
gboolean          enlist_trust_store_remove_pin  (EnlistTrustStore *self,
                                                  const char       *domain,
                                                  const char       *fingerprint,
                                                  GError          **error);

/* The domain in lower-case ASCII (IDNs in their xn-- form), without a
 * trailing dot, as enlist_jid_normalize_domain gives it; NULL if it cannot
 * be a domain, and for an IP literal ("[::1]"). */
char             *enlist_trust_store_normalize_domain      (const char *domain);

G_END_DECLS
