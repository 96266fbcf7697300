/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connector.h: where to connect for an XMPP domain (RFC 6120 §3.2,
 * XEP-0368): SRV lookups with a timeout, merged by priority and weight. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *host;
  guint16  port;
  gboolean direct_tls;
  guint16  priority;
  guint16  weight;
} EnlistEndpoint;

EnlistEndpoint *enlist_endpoint_new  (const char     *host,
                                      guint16         port,
                                      gboolean        direct_tls);
void            enlist_endpoint_free (EnlistEndpoint *endpoint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistEndpoint, enlist_endpoint_free)

/* Resolves _xmpps-client._tcp.DOMAIN and _xmpp-client._tcp.DOMAIN at once,
 * each lookup bounded by timeout_ms (GResolver has none of its own in GLib
 * 2.74). The result is never empty: without usable records it is DOMAIN:5222
 * with STARTTLS. A target of "." in a domain's only record means the service
 * is decidedly not available there: ENLIST_ERROR_DNS. */
void       enlist_connector_resolve_async  (GResolver          *resolver,
                                            const char         *domain,
                                            guint               timeout_ms,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
/* A GPtrArray of EnlistEndpoint, in the order to try them. */
GPtrArray *enlist_connector_resolve_finish (GAsyncResult       *result,
                                            GError            **error);

/* The RFC 2782 ordering of both record sets together: ascending priority;
 * within one priority, a weighted random order (rand may be NULL for
 * g_random); at equal priority, direct TLS first since it saves a round
 * trip. Records with target "." are dropped. Exposed for tests. */
GPtrArray *enlist_connector_order          (GList              *xmpps_targets,
                                            GList              *xmpp_targets,
                                            GRand              *rand);

G_END_DECLS
