/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-jid.h: XMPP addresses (RFC 7622): splitting one into localpart,
 * domain and resource with the RFC's limits, the bare form, the domain in
 * the ASCII form DNS and certificates use, and comparison the way servers
 * compare (case-insensitive localpart and domain, exact resource). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 7622 §3.2–3.4: each part is at most 1023 bytes. */
#define ENLIST_JID_MAX_PART 1023

/* Splits [localpart@]domain[/resource]. Each out argument may be NULL; the
 * parts come back as written, except that a domain's final dot is dropped
 * (RFC 7622 §3.2), localpart and resource NULL when absent. Refused with
 * ENLIST_ERROR_INVALID_JID and a message for people: invalid UTF-8, control
 * characters, an empty part ("@example.org", "juliet@", "example.org/"), a
 * part over 1023 bytes, spaces or any of "&'/:<>@ in the localpart, "@" or
 * spaces in the domain, an empty label ("a..b", ".a"), a domain that is no
 * valid (internationalised) domain name. Spaces are allowed in the resource. */
gboolean  enlist_jid_parse            (const char  *jid,
                                       char       **localpart,
                                       char       **domain,
                                       char       **resource,
                                       GError     **error);
gboolean  enlist_jid_is_valid         (const char  *jid);

/* "localpart@domain", or the domain alone when localpart is NULL or empty,
 * after checking both parts as enlist_jid_parse would; NULL and an error
 * otherwise. The parts are kept as given (the domain without a final dot). */
char     *enlist_jid_format_bare      (const char  *localpart,
                                       const char  *domain,
                                       GError     **error);
/* The bare JID of a JID (the resource dropped), parts as written. */
char     *enlist_jid_dup_bare         (const char  *jid,
                                       GError     **error);

/* The domain in lower-case ASCII, an internationalised name in its xn--
 * form (IDNA, as g_hostname_to_ascii does), without a final dot; an IP
 * literal ("[::1]") stays as it is. */
char     *enlist_jid_normalize_domain (const char  *domain,
                                       GError     **error);
/* The form two JIDs are compared in: the localpart case-folded after NFKC
 * (close to stringprep's nodeprep), the domain as normalize_domain gives it,
 * the resource exact (NFC). Two JIDs are the same address exactly when
 * these are equal, so the result can key a hash table. */
char     *enlist_jid_normalize        (const char  *jid,
                                       GError     **error);

/* Whether a and b are the same address (resources compared exactly).
 * Anything that is not a JID equals nothing, not even itself. */
gboolean  enlist_jid_equal            (const char  *a,
                                       const char  *b);
/* Whether the bare JIDs of a and b are the same account (resources ignored). */
gboolean  enlist_jid_bare_equal       (const char  *a,
                                       const char  *b);

G_END_DECLS
