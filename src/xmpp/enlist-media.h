/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-media.h: CAPTCHA images named by a form's media element (XEP-0221):
 * Bits of Binary (XEP-0231), inline or fetched, and HTTP(S), checked against
 * size and type limits and decoded off the main loop. */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "enlist-connection.h"
#include "enlist-media-image.h"
#include "enlist-xml.h"

G_BEGIN_DECLS


#define ENLIST_MEDIA_DEFAULT_MAX_BYTES   (1024 * 1024)
#define ENLIST_MEDIA_DEFAULT_MAX_WIDTH   4096
#define ENLIST_MEDIA_DEFAULT_MAX_HEIGHT  4096
#define ENLIST_MEDIA_DEFAULT_TIMEOUT_MS  30000
#define ENLIST_MEDIA_MAX_REDIRECTS       5

#define ENLIST_TYPE_MEDIA_RESOLVER (enlist_media_resolver_get_type ())
G_DECLARE_FINAL_TYPE (EnlistMediaResolver, enlist_media_resolver, ENLIST, MEDIA_RESOLVER, GObject)

/* Fetches the Bits of Binary named by cid (without "cid:"). It receives a
 * reference to task and must complete it exactly once, from the thread that
 * called it: g_task_return_pointer (task, data, enlist_xml_node_free) with the
 * <data xmlns='urn:xmpp:bob'/> element, or g_task_return_error. The resolver
 * checks the data against its cid; the fetcher need not. */
typedef void (*EnlistMediaBobFetchFunc) (const char   *cid,
                                         GCancellable *cancellable,
                                         GTask        *task,
                                         gpointer      user_data);

EnlistMediaResolver *enlist_media_resolver_new             (void);

/* Remembers an inline <data xmlns='urn:xmpp:bob' cid='…'/> element (a copy).
 * Returns FALSE, ignoring it, when it is no BoB element or has no cid; its
 * content is checked only when the cid is resolved. */
gboolean             enlist_media_resolver_add_bob_data    (EnlistMediaResolver    *self,
                                                            const EnlistXmlNode    *data);
/* Adds every BoB <data/> child of parent (a <query/>, say); returns how many. */
guint                enlist_media_resolver_add_bob_children (EnlistMediaResolver   *self,
                                                            const EnlistXmlNode    *parent);

/* cid: URIs that were not inline are fetched over connection with
 * <iq type='get'><data xmlns='urn:xmpp:bob' cid='…'/></iq>, addressed to the
 * server (the entity that sent the registration form). Replaces any fetcher;
 * NULL means no fetching. */
void                 enlist_media_resolver_set_connection  (EnlistMediaResolver    *self,
                                                            EnlistConnection       *connection);
/* Replaces the way BoB data is fetched (tests, or a peer other than the
 * server). NULL means no fetching. */
void                 enlist_media_resolver_set_bob_fetcher (EnlistMediaResolver    *self,
                                                            EnlistMediaBobFetchFunc func,
                                                            gpointer                user_data,
                                                            GDestroyNotify          destroy);

/* HTTPS is verified by the same trust policy as the XMPP connection
 * (enlist-tls-policy.h): pins, then the CA file, then the system store.
 *
 * PEM file of extra trust anchors for HTTPS, besides the system store (the
 * same file the XMPP connection was given). NULL removes it. */
gboolean             enlist_media_resolver_set_ca_file     (EnlistMediaResolver    *self,
                                                            const char             *path,
                                                            GError                **error);
/* Certificates trusted for HTTPS by SHA-256 fingerprint (pins the user chose
 * for the XMPP server), besides the system store and the CA file; for every
 * TLS handshake from then on. */
void                 enlist_media_resolver_add_pinned_fingerprint (EnlistMediaResolver *self,
                                                            const char             *fingerprint);
/* Limits, taken when a resolve starts. */
void                 enlist_media_resolver_set_max_bytes   (EnlistMediaResolver    *self,
                                                            gsize                   max_bytes);
void                 enlist_media_resolver_set_max_size    (EnlistMediaResolver    *self,
                                                            guint                   max_width,
                                                            guint                   max_height);
/* For the whole of one resolve: fetch, download and decode. */
void                 enlist_media_resolver_set_timeout     (EnlistMediaResolver    *self,
                                                            guint                   timeout_ms);

/* Resolves a cid:, http: or https: URI into a verified image. Errors are in
 * ENLIST_ERROR: LIMIT_EXCEEDED (bytes or pixels over the limits), PROTOCOL
 * (a BoB hash mismatch, bad base64, a damaged or truncated image), FAILED (a
 * type other than PNG, JPEG or GIF, another URI scheme, an HTTP error or
 * redirect refused, BoB data not available), CERTIFICATE (HTTPS certificate
 * not trusted), TIMEOUT, STANZA (the server refused a BoB request);
 * G_IO_ERROR_CANCELLED when cancelled; network errors in GIO's domains. */
void                 enlist_media_resolver_resolve_async   (EnlistMediaResolver    *self,
                                                            const char             *uri,
                                                            GCancellable           *cancellable,
                                                            GAsyncReadyCallback     callback,
                                                            gpointer                user_data);
EnlistMediaImage    *enlist_media_resolver_resolve_finish  (EnlistMediaResolver    *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);

G_END_DECLS
