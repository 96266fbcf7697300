/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-private.h: how the provider list builds EnlistProviders,
 * and the domain check both use. */
#pragma once

#include "enlist-provider.h"

G_BEGIN_DECLS

/* Longest XMPP domain accepted: a DNS name's 253 bytes (RFC 1035), counted
 * in its ASCII (IDNA) form. */
#define ENLIST_PROVIDER_MAX_DOMAIN_LEN 253

/* What a provider is made from; enlist_provider_new_from_info () takes the
 * strings. The values must have been checked. */
typedef struct
{
  char     *domain;
  char     *website;
  char    **countries;
  gboolean  in_band_registration;
  char     *registration_web_page;
  char     *password_reset;
  gboolean  needs_captcha;
  gboolean  needs_email;
  gboolean  needs_invitation;
  char     *since;
} EnlistProviderInfo;

void            enlist_provider_info_clear      (EnlistProviderInfo *info);
EnlistProvider *enlist_provider_new_from_info   (EnlistProviderInfo *info);

/* A host name in the form Enlist keeps it: lower-case letters, digits and
 * hyphens in labels of 1–63 bytes that neither start nor end with a hyphen,
 * joined by dots, at most ENLIST_PROVIDER_MAX_DOMAIN_LEN bytes; or such a
 * name's Unicode (IDN) form. Upper-case ASCII is folded. No IP address, no
 * trailing dot; at least two labels unless allow_single_label. Returns the
 * name lower-cased, or NULL if it is not one. The checks and IDNA form of
 * enlist_jid_normalize_domain come first; these rules are stricter, for a
 * public service rather than any address. */
char           *enlist_provider_normalize_domain (const char        *domain,
                                                  gboolean           allow_single_label);

G_END_DECLS
