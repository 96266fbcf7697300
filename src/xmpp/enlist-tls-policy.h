/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-tls-policy.h: which server certificates Enlist trusts, in one place
 * for the XMPP connection and the HTTPS downloads: certificates the user
 * pinned by fingerprint, the anchors of an extra CA file, and the system
 * store. The policy is a GTlsDatabase that GIO's TLS connections are given
 * at construction, so that they verify with it rather than building
 * credentials from the whole system store for every connection (what
 * glib-networking 2.74 does with its own database type). A CA file is parsed
 * once per process (per path, again only when the file changed) and the
 * system store once per process, the first time a chain needs it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Why a chain was trusted (static strings). */
#define ENLIST_TLS_TRUST_SYSTEM  "system"
#define ENLIST_TLS_TRUST_CA_FILE "ca-file"
#define ENLIST_TLS_TRUST_PINNED  "pinned"

#define ENLIST_TYPE_TLS_POLICY (enlist_tls_policy_get_type ())
G_DECLARE_FINAL_TYPE (EnlistTlsPolicy, enlist_tls_policy, ENLIST, TLS_POLICY, GTlsDatabase)

/* Trusts the system store only, until told more. */
EnlistTlsPolicy   *enlist_tls_policy_new                   (void);

/* A PEM file of extra trust anchors, besides the system store; NULL removes
 * it. Errors are GIO's (a missing or unreadable file, no certificate). */
gboolean           enlist_tls_policy_set_ca_file           (EnlistTlsPolicy      *self,
                                                            const char           *path,
                                                            GError              **error);
gboolean           enlist_tls_policy_has_ca_file           (EnlistTlsPolicy      *self);
/* A certificate the user chose to trust, by SHA-256 fingerprint (any form
 * enlist_certificate_fingerprint_equal accepts). It is trusted whatever
 * else is wrong with it: the user saw the problems when pinning it. */
void               enlist_tls_policy_add_pinned_fingerprint (EnlistTlsPolicy     *self,
                                                            const char           *fingerprint);

/* The verdict on chain (a leaf with its issuers linked) for identity (the
 * XMPP domain, or a URL's host; NULL skips the name check): 0 when trusted,
 * with *trust_reason set to one of ENLIST_TLS_TRUST_*; else the problems.
 * In order: a pinned leaf is trusted; then the CA file's anchors; then the
 * system store (loaded now if it was not yet: blocking, about 20 ms, once
 * per process). When the CA file knows the chain (its issuer is there), its
 * complaint is the one reported (a wrong name rather than an unknown CA), and
 * the system store is not consulted. Thread-safe. It is also the policy's
 * GTlsDatabase verify_chain, which GIO calls during handshakes. */
GTlsCertificateFlags enlist_tls_policy_verify              (EnlistTlsPolicy      *self,
                                                            GTlsCertificate      *chain,
                                                            GSocketConnectable   *identity,
                                                            const char          **trust_reason);
/* Why this policy trusted certificate in one of its recent verifications
 * (the last few are remembered), or NULL when it did not (a resumed TLS
 * session is not verified again by GIO: verify it then). */
const char        *enlist_tls_policy_lookup_trust_reason   (EnlistTlsPolicy      *self,
                                                            GTlsCertificate      *certificate);

/* A TLS client connection over base that verifies with this policy only
 * (the database is given at construction: set later, glib-networking would
 * already have loaded the system store for the connection's credentials). */
GIOStream         *enlist_tls_policy_new_client_connection (EnlistTlsPolicy      *self,
                                                            GIOStream            *base,
                                                            GSocketConnectable   *identity,
                                                            GError              **error);

/* When this policy is sure to need the system store (no CA file, no pins),
 * starts loading it in a thread if no one has, so that the handshake does
 * not wait for it. */
void               enlist_tls_policy_preload               (EnlistTlsPolicy      *self);

/* Makes a policy that trusts the system store the process's default
 * GTlsDatabase (once; later calls do nothing). For libraries that create TLS
 * connections before they apply a database of their own (libsoup 3.2 does):
 * their connections then do not load the system store for nothing. Same
 * verdicts as GIO's default database, but for stapled OCSP answers (see
 * enlist-tls-policy.c). */
void               enlist_tls_policy_install_default       (void);

G_END_DECLS
