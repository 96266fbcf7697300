/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-provider-download.h: fetching a provider list document over
 * HTTPS, bounded in size and time, for EnlistProviderList's refresh. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The address parsed, if a list may be fetched from it: https://, or
 * http:// to a loopback address (a server on this computer), with a host and
 * no user name. ENLIST_ERROR_FAILED otherwise. */
GUri   *enlist_provider_download_check_url (const char           *url,
                                            GError              **error);

/* GETs url with session (redirects are followed here, each target checked
 * as above; certificates are verified by the session's TLS database, an
 * EnlistTlsPolicy); sends If-None-Match / If-Modified-Since when etag / last_modified
 * are given. Reads at most ENLIST_PROVIDER_LIST_MAX_BYTES of the body, and
 * gives up after timeout_ms. */
void    enlist_provider_download_async     (SoupSession          *session,
                                            const char           *url,
                                            const char           *etag,
                                            const char           *last_modified,
                                            guint                 timeout_ms,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* The body, or NULL: with *not_modified TRUE and no error when the server
 * answered 304 Not Modified, else with an error (ENLIST_ERROR_FAILED for an
 * HTTP error or a refused address, ENLIST_ERROR_LIMIT_EXCEEDED,
 * ENLIST_ERROR_TIMEOUT, ENLIST_ERROR_CERTIFICATE, G_IO_ERROR_CANCELLED, GIO's
 * network errors). *etag and *last_modified get the response's validators
 * (or NULL). */
GBytes *enlist_provider_download_finish    (GAsyncResult         *result,
                                            gboolean             *not_modified,
                                            char                **etag,
                                            char                **last_modified,
                                            GError              **error);

G_END_DECLS
