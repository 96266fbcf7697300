/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider.h: one public XMPP service the sign-up assistant can
 * suggest — its domain, where to read about it, where its servers are, and
 * how an account is made there (in-band, or only on a web page) — or one of
 * the local demo servers, which also carry where to connect. Immutable. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_PROVIDER (enlist_provider_get_type ())
G_DECLARE_FINAL_TYPE (EnlistProvider, enlist_provider, ENLIST, PROVIDER, GObject)

/* A demo provider: a local server that tools/run starts, reached at host:port
 * (direct TLS or STARTTLS) rather than through DNS. domain may be one label
 * ("localhost"); label is what a person sees ("Prosody (demo)"). In-band
 * registration, no requirement known in advance. NULL if domain or host is
 * not a valid host name, or port is 0. */
EnlistProvider     *enlist_provider_new_demo                  (const char     *domain,
                                                               const char     *host,
                                                               guint16         port,
                                                               gboolean        direct_tls,
                                                               const char     *label);

/* The XMPP domain, lower-case ("example.org", or its Unicode form). */
const char         *enlist_provider_get_domain                (EnlistProvider *self);
/* The provider's web site in the user's language if it has one, else in
 * English, else the first listed; an https:// or http:// URL, or NULL. */
const char         *enlist_provider_get_website               (EnlistProvider *self);
/* Where the servers are: upper-case ISO 3166-1 alpha-2 codes ("DE"), maybe
 * none. Never NULL. */
const char * const *enlist_provider_get_countries             (EnlistProvider *self);
/* TRUE if accounts can be made from an app (XEP-0077). */
gboolean            enlist_provider_get_in_band_registration  (EnlistProvider *self);
/* The web page on which accounts are made, chosen by language as the
 * website is; NULL if there is none. */
const char         *enlist_provider_get_registration_web_page (EnlistProvider *self);
/* TRUE if accounts are made only on the registration web page. */
gboolean            enlist_provider_get_web_only              (EnlistProvider *self);
/* The web page for a forgotten password, or NULL. */
const char         *enlist_provider_get_password_reset        (EnlistProvider *self);
/* What in-band registration asks for besides a name and a password. */
gboolean            enlist_provider_get_needs_captcha         (EnlistProvider *self);
gboolean            enlist_provider_get_needs_email           (EnlistProvider *self);
gboolean            enlist_provider_get_needs_invitation      (EnlistProvider *self);
/* The day the service started, "YYYY-MM-DD", or NULL if not known. */
const char         *enlist_provider_get_since                 (EnlistProvider *self);

/* Demo providers only; NULL, 0 and FALSE for the others. */
gboolean            enlist_provider_get_is_demo               (EnlistProvider *self);
const char         *enlist_provider_get_host                  (EnlistProvider *self);
guint16             enlist_provider_get_port                  (EnlistProvider *self);
gboolean            enlist_provider_get_direct_tls            (EnlistProvider *self);
const char         *enlist_provider_get_label                 (EnlistProvider *self);

G_END_DECLS
