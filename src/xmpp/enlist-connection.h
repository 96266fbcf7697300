/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection.h: one XMPP client stream over GIO: connect and secure it,
 * authenticate, send requests and wait for their answers, close it. */
#pragma once

#include <gio/gio.h>

#include "enlist-xml.h"
#include "enlist-xml-reader.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_CONNECTION (enlist_connection_get_type ())
G_DECLARE_FINAL_TYPE (EnlistConnection, enlist_connection, ENLIST, CONNECTION, GObject)

typedef enum
{
  ENLIST_CONNECTION_DISCONNECTED,
  ENLIST_CONNECTION_CONNECTING,
  ENLIST_CONNECTION_SECURED,        /* TLS up, stream features read: ready for requests */
  ENLIST_CONNECTION_AUTHENTICATING,
  ENLIST_CONNECTION_AUTHENTICATED,  /* SASL done, resource bound */
  ENLIST_CONNECTION_CLOSING,
  ENLIST_CONNECTION_CLOSED,
} EnlistConnectionState;

/* How long each phase of the last connect took, in microseconds (0: not done). */
typedef struct
{
  gint64 resolve;
  gint64 tcp;
  gint64 starttls;    /* stream open and <starttls/> answered */
  gint64 tls;         /* the TLS handshake */
  gint64 features;    /* the secured stream open until its features */
  gint64 total;       /* from connect_async to SECURED */
  gint64 sasl;
  gint64 bind;
} EnlistConnectionTimings;

EnlistConnection      *enlist_connection_new                 (const char         *domain);
const char            *enlist_connection_get_domain          (EnlistConnection   *self);

/* Options; set before connecting. */
void                   enlist_connection_set_endpoint        (EnlistConnection   *self,
                                                              const char         *host,
                                                              guint16             port,
                                                              gboolean            direct_tls);
/* PEM file of extra trust anchors, besides the system store (parsed once
 * per process: enlist-tls-policy.h). */
gboolean               enlist_connection_set_ca_file         (EnlistConnection   *self,
                                                              const char         *path,
                                                              GError            **error);
/* Certificates the user chose to trust for this domain, by SHA-256 fingerprint. */
void                   enlist_connection_add_pinned_fingerprint (EnlistConnection *self,
                                                              const char         *fingerprint);
void                   enlist_connection_set_timeout         (EnlistConnection   *self,
                                                              guint               timeout_ms);
void                   enlist_connection_set_limits          (EnlistConnection   *self,
                                                              const EnlistXmlLimits *limits);
/* Pipelining is on by default; off means one step at a time. */
void                   enlist_connection_set_pipelining      (EnlistConnection   *self,
                                                              gboolean            pipelining);
void                   enlist_connection_set_resolver        (EnlistConnection   *self,
                                                              GResolver          *resolver);

/* Resolves, connects, secures (direct TLS or STARTTLS, which is required) and
 * reads the stream features. Requests sent with send_iq_async before this
 * finishes are held and written in the same flight as the secured stream's
 * header, never in plaintext. */
void                   enlist_connection_connect_async       (EnlistConnection   *self,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
gboolean               enlist_connection_connect_finish      (EnlistConnection   *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

typedef enum
{
  ENLIST_AUTHENTICATE_DEFAULT = 0,
  /* Done at the server's <success/>, which proves the credentials: no
   * resource is bound (get_jid stays NULL) and requests wait for nothing. */
  ENLIST_AUTHENTICATE_NO_BIND = 1 << 0,
} EnlistAuthenticateFlags;

/* SASL (strongest mechanism) and, unless NO_BIND, resource binding.
 *
 * May be called while connect_async is still under way: authentication
 * then starts as soon as the stream is secured, and when pipelining the
 * SASL <auth> goes out in the secured stream header's flight, with the
 * mechanism the server offered last time in this process (SCRAM-SHA-1 when
 * it is not known yet). When the secured features show that the strongest
 * mechanism is another one, the guess is aborted before any proof was sent
 * and the exchange starts again with that one.
 *
 * Requests sent with send_iq_async while an authentication that binds is
 * under way (or waiting for the connection) are held until it succeeds:
 * pipelined, they go out in the bind request's flight; if it fails they
 * fail with its error and are never sent. A refused authentication ends
 * only the operation: the stream stays open (RFC 6120 §6.4.5). */
void                   enlist_connection_authenticate_async  (EnlistConnection   *self,
                                                              const char         *username,
                                                              const char         *password,
                                                              EnlistAuthenticateFlags flags,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
gboolean               enlist_connection_authenticate_finish (EnlistConnection   *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

/* Sends an iq get/set (an id is assigned when it has none) and waits for the
 * reply from the server (or, once authenticated, the user's own JID); replies
 * from anyone else are ignored. timeout_ms 0 means the connection's timeout.
 * finish returns the type='result' reply; a type='error' reply gives
 * ENLIST_ERROR_STANZA with its condition, and the reply in error_reply when
 * that is not NULL. */
void                   enlist_connection_send_iq_async       (EnlistConnection   *self,
                                                              EnlistXmlNode      *iq,
                                                              guint               timeout_ms,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
EnlistXmlNode         *enlist_connection_send_iq_finish      (EnlistConnection   *self,
                                                              GAsyncResult       *result,
                                                              EnlistXmlNode     **error_reply,
                                                              GError            **error);

/* Sends </stream:stream>, waits briefly for the server's, and closes. */
void                   enlist_connection_close_async         (EnlistConnection   *self,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
gboolean               enlist_connection_close_finish        (EnlistConnection   *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

EnlistConnectionState  enlist_connection_get_state           (EnlistConnection   *self);
/* The features of the current stream (after TLS; after SASL once authenticated). */
const EnlistXmlNode   *enlist_connection_get_features        (EnlistConnection   *self);
gboolean               enlist_connection_has_feature         (EnlistConnection   *self,
                                                              const char         *name,
                                                              const char         *ns);
/* The SASL mechanisms the secured stream offered (NULL-terminated, owned). */
const char * const    *enlist_connection_get_mechanisms      (EnlistConnection   *self);
const char            *enlist_connection_get_mechanism_used  (EnlistConnection   *self);
const char            *enlist_connection_get_jid             (EnlistConnection   *self);
const char            *enlist_connection_get_host            (EnlistConnection   *self);
guint16                enlist_connection_get_port            (EnlistConnection   *self);
gboolean               enlist_connection_get_direct_tls      (EnlistConnection   *self);
gboolean               enlist_connection_get_pipelined       (EnlistConnection   *self);
GTlsProtocolVersion    enlist_connection_get_tls_version     (EnlistConnection   *self);
char                  *enlist_connection_dup_tls_ciphersuite (EnlistConnection   *self);
GTlsCertificate       *enlist_connection_get_peer_certificate (EnlistConnection  *self);
/* Why the server's certificate was trusted: "system", "ca-file" or "pinned"
 * (ENLIST_TLS_TRUST_* in enlist-tls-policy.h); NULL before TLS is up. */
const char            *enlist_connection_get_trust_reason    (EnlistConnection   *self);
const EnlistConnectionTimings *enlist_connection_get_timings (EnlistConnection   *self);

/* Forgets which servers misbehaved with pipelined input (for tests). */
void                   enlist_connection_reset_pipelining_memory (void);

/* For tests: called with every buffer of outgoing bytes just before it is
 * freed, after it was wiped (allocated is the size of the whole allocation,
 * all of which should be zeros). NULL removes the check. */
typedef void (*EnlistConnectionWipeCheck) (const guint8 *buffer,
                                           gsize         allocated,
                                           gpointer      user_data);
void                   enlist_connection_set_wipe_check      (EnlistConnectionWipeCheck check,
                                                              gpointer            user_data);

G_END_DECLS
