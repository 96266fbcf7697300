/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-private.h: the connection's insides, shared by its
 * units, and the one thing the registration service learns besides the
 * public API: which step of connecting it is in, so that progress can be
 * shown while DNS, TCP and TLS take their time.
 *
 * The units (each file says more):
 *   enlist-connection.c         the object, its options, connecting (DNS,
 *                               TCP, endpoints, retries), failing, closing
 *   enlist-connection-stream.c  the bytes: writing flights, reading, the XML
 *                               reader's callbacks, routing what arrives
 *   enlist-connection-tls.c     securing the stream with the trust policy
 *   enlist-connection-iq.c      requests and their answers: ids, matching by
 *                               sender, timeouts, requests held until TLS
 *   enlist-connection-auth.c    SASL and resource binding */
#pragma once

#include "enlist-connection.h"
#include "enlist-connector.h"
#include "enlist-sasl.h"
#include "enlist-tls-policy.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------------- */
/* For the registration service                                            */

/* The connection emits "step" (one guint argument, an EnlistConnectionStep)
 * each time it enters a different one of these steps while connecting; a
 * retry on another endpoint or without pipelining goes through them again. */
typedef enum
{
  ENLIST_CONNECTION_STEP_LOOKING_UP,  /* SRV records of the domain */
  ENLIST_CONNECTION_STEP_CONNECTING,  /* TCP */
  ENLIST_CONNECTION_STEP_SECURING,    /* STARTTLS or direct TLS, until the secured features */
  /* not a step of connecting: the requests held for a login are written
   * (pipelined, with the bind request; else after the binding) */
  ENLIST_CONNECTION_STEP_SENDING_HELD,
} EnlistConnectionStep;

/* ---------------------------------------------------------------------- */
/* Between the connection's own units                                      */

#define ENLIST_CONNECTION_DEFAULT_TIMEOUT_MS 20000
/* A flight may carry a password, SASL data or a token, and a GString that
 * grows leaves its old allocation to realloc unwiped. So a flight's buffer
 * starts this large (most flights fit) and grows only by copying into a new
 * one and wiping the old; stanzas are serialised into a scratch buffer of
 * SCRATCH bytes kept once per thread, not per connection. */
#define ENLIST_CONNECTION_OUT_BUFFER_SIZE (4 * 1024)
#define ENLIST_CONNECTION_SCRATCH_SIZE    (64 * 1024)

/* Requests and SASL messages are freed wiped: which of them carries a
 * secret is not worth telling apart. */
typedef EnlistXmlNode *EnlistSecretNode;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (EnlistSecretNode, enlist_xml_node_free_secret, NULL)

/* Where the stream is; the public EnlistConnectionState is coarser. */
typedef enum
{
  ENLIST_CONNECTION_PHASE_IDLE,
  ENLIST_CONNECTION_PHASE_RESOLVING,
  ENLIST_CONNECTION_PHASE_TCP,
  ENLIST_CONNECTION_PHASE_PLAIN_FEATURES, /* plaintext stream open, waiting for its features */
  ENLIST_CONNECTION_PHASE_PROCEED,        /* <starttls/> sent, waiting for <proceed/> */
  ENLIST_CONNECTION_PHASE_TLS,            /* TLS handshake */
  ENLIST_CONNECTION_PHASE_FEATURES,       /* secured stream open, waiting for its features */
  ENLIST_CONNECTION_PHASE_READY,
  ENLIST_CONNECTION_PHASE_SASL,
  ENLIST_CONNECTION_PHASE_SASL_FEATURES,  /* restarted after SASL, waiting for features */
  ENLIST_CONNECTION_PHASE_BIND,
  ENLIST_CONNECTION_PHASE_CLOSING,
} EnlistConnectionPhase;

struct _EnlistConnection
{
  GObject                  parent_instance;

  /* options */
  char                    *domain;
  char                    *override_host;
  guint16                  override_port;
  gboolean                 override_direct_tls;
  EnlistTlsPolicy         *policy;          /* CA file and pins; the GTlsDatabase given to TLS */
  guint                    timeout_ms;
  EnlistXmlLimits          limits;
  gboolean                 pipelining;
  GResolver               *resolver;

  /* state */
  EnlistConnectionState    state;
  EnlistConnectionPhase    phase;
  int                      step;            /* the EnlistConnectionStep last emitted, or -1 */
  gboolean                 pipelined;       /* this attempt pipelines */
  GPtrArray               *endpoints;
  guint                    endpoint_index;
  GError                  *attempt_error;   /* the first candidate's failure */
  gboolean                 retried_stepwise;

  /* the stream (enlist-connection-stream.c) */
  GSocketClient           *socket_client;
  GSocketConnection       *socket_conn;
  GTlsConnection          *tls;
  GInputStream            *input;
  GOutputStream           *output;
  GCancellable            *io_cancellable;  /* everything of this attempt */
  gboolean                 reading;
  gboolean                 writing;
  GString                 *out;             /* the next flight */
  EnlistXmlReader         *reader;
  gboolean                 reset_reader;    /* a restart was asked from a callback */

  GTask                   *op;              /* connect, authenticate or close */
  guint                    phase_timeout_id;

  /* requests (enlist-connection-iq.c) */
  GPtrArray               *held;            /* EnlistXmlNode *: queued before SECURED */
  GHashTable              *pending;         /* id -> PendingIq */
  guint                    next_id;

  /* what the server offered, and authentication (enlist-connection-auth.c) */
  EnlistXmlNode           *features;
  GStrv                    mechanisms;
  EnlistSasl              *sasl;
  char                    *mechanism_used;
  GTask                   *auth_op;         /* authenticate_async waiting for connect to end */
  char                    *auth_username;   /* its credentials, until the exchange starts */
  char                    *auth_password;
  EnlistAuthenticateFlags  auth_flags;      /* of the waiting or running authentication */
  gboolean                 early_auth;      /* SASL started on a guess with the secured header */
  gboolean                 early_auth_sent; /* and its <auth> is out */
  gboolean                 sasl_discard;    /* skip SASL answers up to the guess's <failure/> */
  GPtrArray               *held_bound;      /* EnlistXmlNode *: held until authenticated */
  gboolean                 sent_with_bind;  /* some went with the bind: no cancelling now */
  char                    *bare_jid;
  char                    *jid;
  char                    *peer_name;       /* for the trace */

  /* TLS (enlist-connection-tls.c) */
  GTlsCertificate         *rejected_certificate;
  GTlsCertificateFlags     rejected_flags;
  const char              *trust_reason;

  EnlistConnectionTimings  timings;
  gint64                   t_start;
  gint64                   t_phase;
};

/* enlist-connection.c */
void             enlist_connection_fail              (EnlistConnection      *self,
                                                      GError                *error);
void             enlist_connection_set_phase         (EnlistConnection      *self,
                                                      EnlistConnectionPhase  phase);
/* Emits "step" with step, unless it is the step last emitted. */
void             enlist_connection_emit_step         (EnlistConnection      *self,
                                                      EnlistConnectionStep   step);
gint64           enlist_connection_phase_elapsed     (EnlistConnection      *self);
EnlistEndpoint  *enlist_connection_current_endpoint  (EnlistConnection      *self);
void             enlist_connection_watch_cancellable (EnlistConnection      *self,
                                                      GCancellable          *cancellable);
void             enlist_connection_emit_stanza       (EnlistConnection      *self,
                                                      EnlistXmlNode         *stanza);
/* The secured stream's features arrived: connecting is done. */
void             enlist_connection_secured           (EnlistConnection      *self);

/* enlist-connection-stream.c */
EnlistXmlReader *enlist_connection_new_reader        (EnlistConnection      *self);
void             enlist_connection_queue_text        (EnlistConnection      *self,
                                                      const char            *text);
void             enlist_connection_queue_node        (EnlistConnection      *self,
                                                      const EnlistXmlNode   *node);
void             enlist_connection_queue_stream_header (EnlistConnection    *self);
void             enlist_connection_flush             (EnlistConnection      *self);
void             enlist_connection_start_reading     (EnlistConnection      *self);
/* Stops the I/O of this attempt and drops its streams. */
void             enlist_connection_close_io          (EnlistConnection      *self);
/* Zeros the whole allocation of an outgoing buffer and empties it. */
void             enlist_connection_wipe_buffer       (GString               *buffer);
void             enlist_connection_free_buffer       (GString               *buffer);

/* enlist-connection-tls.c */
void             enlist_connection_start_tls         (EnlistConnection      *self);

/* enlist-connection-iq.c */
void             enlist_connection_send_iq_internal  (EnlistConnection      *self,
                                                      EnlistXmlNode         *iq,
                                                      guint                  timeout_ms,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data,
                                                      gpointer               source_tag);
EnlistXmlNode   *enlist_connection_iq_finish         (EnlistConnection      *self,
                                                      GAsyncResult          *result,
                                                      EnlistXmlNode        **error_reply,
                                                      GError               **error);
void             enlist_connection_handle_iq         (EnlistConnection      *self,
                                                      EnlistXmlNode         *stanza);
/* Ends every waiting request with a copy of error. */
void             enlist_connection_fail_pending      (EnlistConnection      *self,
                                                      const GError          *error);
/* Queues the requests held until the stream is secured; they stay held
 * until it is (a retry sends them again). */
void             enlist_connection_queue_held        (EnlistConnection      *self);
/* Queues the requests held until authenticated, and lets them go. */
void             enlist_connection_queue_held_bound  (EnlistConnection      *self);
/* Ends the requests held until authenticated with a copy of error. */
void             enlist_connection_fail_held_bound   (EnlistConnection      *self,
                                                      const GError          *error);

/* enlist-connection-auth.c */
char           **enlist_connection_parse_mechanisms  (const EnlistXmlNode   *features);
void             enlist_connection_handle_sasl       (EnlistConnection      *self,
                                                      EnlistXmlNode         *stanza);
void             enlist_connection_send_bind         (EnlistConnection      *self);
/* The TLS handshake is done and the secured header queued: when pipelining
 * and an authentication waits, its <auth> follows on a guess. */
void             enlist_connection_start_early_auth  (EnlistConnection      *self);
/* The secured features arrived: starts the authentication that waited. */
void             enlist_connection_start_waiting_auth (EnlistConnection     *self);
/* Drops this attempt's SASL state (a retry starts over). */
void             enlist_connection_reset_auth        (EnlistConnection      *self);
/* Ends the waiting or running authentication and the requests held for it. */
void             enlist_connection_fail_auth         (EnlistConnection      *self,
                                                      const GError          *error);
/* Keeps the secured features' mechanisms for the next guess (per domain,
 * process-wide); forget drops them all (for tests). */
void             enlist_connection_remember_mechanisms (EnlistConnection    *self);
void             enlist_connection_forget_mechanisms (void);

G_END_DECLS
