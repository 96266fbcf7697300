/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-list.h: the public XMPP providers the sign-up assistant
 * suggests while a server name is typed — a GListModel of EnlistProvider,
 * filled from the list bundled with Enlist, from the copy last downloaded
 * (when it is newer), and, when an address is set, refreshed over HTTPS.
 * Demo providers (the local servers of tools/run) come first.
 *
 * The data is the XMPP Providers project's JSON: an array with one object
 * per provider, of which these members are used (unknown ones are ignored):
 *
 *   jid                                    the domain (required)
 *   website, registrationWebPage,
 *   passwordReset                          {"en": "https://…", …}
 *   inBandRegistration                     true or false
 *   inBandRegistrationCaptchaRequired,
 *   inBandRegistrationEmailAddressRequired true or false
 *   serverLocations                        ["de", …]
 *   since, latestChange                    "YYYY-MM-DD"
 *
 * and one of Enlist's own, which the project does not publish:
 *
 *   inBandRegistrationInvitationRequired   true or false
 *
 * An entry is taken whole or not at all: one with a wrong type, an invalid
 * domain, an address other than https:// or http://, a string over its
 * limit, or no way to register (neither in-band nor a web page) is left out
 * (and logged with g_debug). A document that breaks the limits below, is not
 * such an array, or has no usable entry is refused as a whole. */
#pragma once

#include <gio/gio.h>

#include "enlist-provider.h"

G_BEGIN_DECLS

#define ENLIST_PROVIDER_LIST_MAX_BYTES         (2 * 1024 * 1024)
#define ENLIST_PROVIDER_LIST_MAX_PROVIDERS     2000
/* Arrays and objects inside each other; the format needs 4. */
#define ENLIST_PROVIDER_LIST_MAX_DEPTH         16
#define ENLIST_PROVIDER_LIST_MAX_URL_LEN       2048
/* Languages per localized address, countries per provider. */
#define ENLIST_PROVIDER_LIST_MAX_VARIANTS      64
#define ENLIST_PROVIDER_LIST_DEFAULT_TIMEOUT_MS 30000
/* Where the bundled list is in Enlist's GResource, which the program must
 * have registered (enlist_register_resource ()). */
#define ENLIST_PROVIDER_LIST_RESOURCE          "/io/github/enlist/Enlist/providers.json"

#define ENLIST_TYPE_PROVIDER_LIST (enlist_provider_list_get_type ())
G_DECLARE_FINAL_TYPE (EnlistProviderList, enlist_provider_list, ENLIST, PROVIDER_LIST, GObject)

/* An empty list. */
EnlistProviderList *enlist_provider_list_new                (void);

/* Replaces the providers (not the demo ones) with those of a document in the
 * format above. On error (ENLIST_ERROR_LIMIT_EXCEEDED or ENLIST_ERROR_PROTOCOL)
 * the list is unchanged. */
gboolean            enlist_provider_list_load_bytes         (EnlistProviderList  *self,
                                                             GBytes              *bytes,
                                                             GError             **error);
/* Likewise from the list bundled in the GResource. */
gboolean            enlist_provider_list_load_bundled       (EnlistProviderList  *self,
                                                             GError             **error);

/* Reads the copy that the last successful refresh kept in the user's cache
 * (g_get_user_cache_dir ()/enlist/providers.json) and takes it if its data is
 * newer than what the list holds (by the newest latestChange; a copy without
 * dates counts as of the day it was saved). _finish returns TRUE if the copy
 * was taken, FALSE without an error if there is none or it is not newer, and
 * FALSE with an error if it could not be read or is invalid; the list is
 * unchanged then. */
void                enlist_provider_list_load_cache_async   (EnlistProviderList  *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            enlist_provider_list_load_cache_finish  (EnlistProviderList  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* Adds a demo provider: demo providers come before all others, in the order
 * they were added, and stay when the rest is replaced. */
void                enlist_provider_list_add_demo           (EnlistProviderList  *self,
                                                             EnlistProvider      *provider);

/* The provider (demo or not) with this domain, or NULL. */
EnlistProvider     *enlist_provider_list_lookup             (EnlistProviderList  *self,
                                                             const char          *domain);

/* Providers for what a person has typed as a server ("jab", or "me@jab":
 * only what follows the last '@' counts), case-insensitively: demo providers
 * first, then those whose domain is the text, starts with it, has a label
 * (after '.' or '-') starting with it, or contains it, in that order; within
 * each, in-band registration before web-only, fewer requirements (CAPTCHA,
 * e-mail, invitation) first, shorter domains first. Empty text matches every
 * provider. At most max_results (0: all). A new GListModel of EnlistProvider. */
GListModel         *enlist_provider_list_search             (EnlistProviderList  *self,
                                                             const char          *text,
                                                             guint                max_results);

/* The address refreshes download from (the "providers-url" setting): https://,
 * or http:// to a loopback address. NULL or "" means no refresh. */
const char         *enlist_provider_list_get_url            (EnlistProviderList  *self);
void                enlist_provider_list_set_url            (EnlistProviderList  *self,
                                                             const char          *url);
/* For the whole of one refresh: connection, download and checks. */
guint               enlist_provider_list_get_timeout        (EnlistProviderList  *self);
void                enlist_provider_list_set_timeout        (EnlistProviderList  *self,
                                                             guint                timeout_ms);
/* PEM file of extra trust anchors for HTTPS besides the system store. NULL
 * removes it. */
gboolean            enlist_provider_list_set_ca_file        (EnlistProviderList  *self,
                                                             const char          *path,
                                                             GError             **error);

/* Downloads the list from the address, at most ENLIST_PROVIDER_LIST_MAX_BYTES
 * (reading stops there), checks it as load_bytes does, replaces the providers
 * and keeps the document in the user's cache. TRUE if the list is now what the
 * server has (also when the server answered that nothing changed since the
 * last refresh). On any error the list stays as it was: ENLIST_ERROR_FAILED
 * (no address, an address refused, an HTTP error or redirect refused),
 * ENLIST_ERROR_LIMIT_EXCEEDED, ENLIST_ERROR_PROTOCOL, ENLIST_ERROR_TIMEOUT,
 * ENLIST_ERROR_CERTIFICATE, G_IO_ERROR_PENDING (a refresh is running),
 * G_IO_ERROR_CANCELLED, network errors in GIO's domains. */
void                enlist_provider_list_refresh_async      (EnlistProviderList  *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            enlist_provider_list_refresh_finish     (EnlistProviderList  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

G_END_DECLS
