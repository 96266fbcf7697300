/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection.c: one XMPP client stream on the GLib main loop: the
 * object, its options, connecting (SRV lookup, TCP, each candidate endpoint
 * in turn), failing and closing. The other units are listed in
 * enlist-connection-private.h.
 *
 * Every step is written so that it can share a flight with the next one:
 * the first stream header goes out together with <starttls/>; the secured
 * stream's header goes out together with the requests the caller already
 * queued and the SASL <auth> of a login already asked for; after SASL the
 * restarted header goes out together with the bind request and the
 * requests held for it. A server that chokes on that is retried one step
 * at a time, and remembered. Nothing is ever written before TLS except the stream header and
 * <starttls/>. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <glib/gi18n.h>

#include "enlist-connection.h"
#include "enlist-connection-private.h"
#include "enlist-connector.h"
#include "enlist-error-private.h"
#include "enlist-ns.h"
#include "enlist-text.h"
#include "enlist-trace-private.h"

#define CLOSE_GRACE_MS 2000

G_DEFINE_FINAL_TYPE (EnlistConnection, enlist_connection, G_TYPE_OBJECT)

enum {
  SIGNAL_CLOSED,
  SIGNAL_STANZA,
  SIGNAL_STEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Servers that failed with pipelined input, by domain: process-wide because
 * the knowledge is about the server, not about one connection. */
G_LOCK_DEFINE_STATIC (stepwise_lock);
static GHashTable *stepwise_domains;

static void try_next_endpoint (EnlistConnection *self);

static gboolean
domain_is_stepwise (const char *domain)
{
  gboolean result;

  G_LOCK (stepwise_lock);
  result = stepwise_domains != NULL && g_hash_table_contains (stepwise_domains, domain);
  G_UNLOCK (stepwise_lock);
  return result;
}

static void
remember_stepwise (const char *domain)
{
  G_LOCK (stepwise_lock);
  if (stepwise_domains == NULL)
    stepwise_domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (stepwise_domains, g_strdup (domain));
  G_UNLOCK (stepwise_lock);
}

void
enlist_connection_reset_pipelining_memory (void)
{
  G_LOCK (stepwise_lock);
  g_clear_pointer (&stepwise_domains, g_hash_table_unref);
  G_UNLOCK (stepwise_lock);
  enlist_connection_forget_mechanisms ();
}

/* ---------------------------------------------------------------------- */
/* Options                                                                 */

EnlistConnection *
enlist_connection_new (const char *domain)
{
  EnlistConnection *self;

  g_return_val_if_fail (domain != NULL && *domain != '\0', NULL);

  self = g_object_new (ENLIST_TYPE_CONNECTION, NULL);
  self->domain = g_utf8_strdown (domain, -1);
  self->peer_name = g_strdup (self->domain);
  return self;
}

const char *
enlist_connection_get_domain (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->domain;
}

void
enlist_connection_set_endpoint (EnlistConnection *self,
                                const char       *host,
                                guint16           port,
                                gboolean          direct_tls)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));

  g_free (self->override_host);
  self->override_host = g_strdup (host);
  self->override_port = port;
  self->override_direct_tls = direct_tls;
}

void
enlist_connection_set_timeout (EnlistConnection *self,
                               guint             timeout_ms)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  self->timeout_ms = timeout_ms ? timeout_ms : ENLIST_CONNECTION_DEFAULT_TIMEOUT_MS;
}

void
enlist_connection_set_limits (EnlistConnection      *self,
                              const EnlistXmlLimits *limits)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (self->state == ENLIST_CONNECTION_DISCONNECTED);

  if (limits != NULL)
    self->limits = *limits;
  else
    enlist_xml_limits_init_default (&self->limits);
}

void
enlist_connection_set_pipelining (EnlistConnection *self,
                                  gboolean          pipelining)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  self->pipelining = pipelining;
}

void
enlist_connection_set_resolver (EnlistConnection *self,
                                GResolver        *resolver)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_set_object (&self->resolver, resolver);
}

/* ---------------------------------------------------------------------- */
/* Getters                                                                 */

EnlistConnectionState
enlist_connection_get_state (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), ENLIST_CONNECTION_CLOSED);
  return self->state;
}

const EnlistXmlNode *
enlist_connection_get_features (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->features;
}

gboolean
enlist_connection_has_feature (EnlistConnection *self,
                               const char       *name,
                               const char       *ns)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);

  if (self->features == NULL)
    return FALSE;
  for (guint i = 0; i < self->features->children->len; i++)
    if (enlist_xml_node_is (g_ptr_array_index (self->features->children, i), name, ns))
      return TRUE;
  return FALSE;
}

EnlistEndpoint *
enlist_connection_current_endpoint (EnlistConnection *self)
{
  if (self->endpoints == NULL || self->endpoint_index >= self->endpoints->len)
    return NULL;
  return g_ptr_array_index (self->endpoints, self->endpoint_index);
}

const char *
enlist_connection_get_host (EnlistConnection *self)
{
  EnlistEndpoint *endpoint;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  endpoint = enlist_connection_current_endpoint (self);
  return endpoint ? endpoint->host : NULL;
}

guint16
enlist_connection_get_port (EnlistConnection *self)
{
  EnlistEndpoint *endpoint;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), 0);
  endpoint = enlist_connection_current_endpoint (self);
  return endpoint ? endpoint->port : 0;
}

gboolean
enlist_connection_get_direct_tls (EnlistConnection *self)
{
  EnlistEndpoint *endpoint;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  endpoint = enlist_connection_current_endpoint (self);
  return endpoint ? endpoint->direct_tls : FALSE;
}

gboolean
enlist_connection_get_pipelined (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  return self->pipelined;
}

const EnlistConnectionTimings *
enlist_connection_get_timings (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return &self->timings;
}

/* ---------------------------------------------------------------------- */
/* Timing and phases                                                       */

gint64
enlist_connection_phase_elapsed (EnlistConnection *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed = now - self->t_phase;

  self->t_phase = now;
  return elapsed;
}

static const char *
phase_description (EnlistConnectionPhase phase)
{
  /* Translators: each of these completes “The server did not answer in
   * time (while %s).”, saying what the connection was doing. */
  switch (phase)
    {
    case ENLIST_CONNECTION_PHASE_RESOLVING: return _("looking up the server");
    case ENLIST_CONNECTION_PHASE_TCP: return _("connecting");
    case ENLIST_CONNECTION_PHASE_PLAIN_FEATURES: return _("opening the stream");
    case ENLIST_CONNECTION_PHASE_PROCEED: return _("starting encryption");
    case ENLIST_CONNECTION_PHASE_TLS: return _("the TLS handshake");
    case ENLIST_CONNECTION_PHASE_FEATURES: return _("opening the encrypted stream");
    case ENLIST_CONNECTION_PHASE_SASL: return _("authenticating");
    case ENLIST_CONNECTION_PHASE_SASL_FEATURES:
      return _("restarting the stream after authentication");
    case ENLIST_CONNECTION_PHASE_BIND: return _("binding a resource");
    case ENLIST_CONNECTION_PHASE_CLOSING: return _("closing");
    case ENLIST_CONNECTION_PHASE_IDLE:
    case ENLIST_CONNECTION_PHASE_READY:
    default: return _("waiting");
    }
}

static gboolean
phase_timeout_cb (gpointer user_data)
{
  EnlistConnection *self = user_data;

  self->phase_timeout_id = 0;
  enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TIMEOUT,
                                             _("The server did not answer in time (while %s)."),
                                             phase_description (self->phase)));
  return G_SOURCE_REMOVE;
}

/* The step of connecting a phase belongs to, for progress; -1 for none. */
static int
phase_step (EnlistConnectionPhase phase)
{
  switch (phase)
    {
    case ENLIST_CONNECTION_PHASE_RESOLVING: return ENLIST_CONNECTION_STEP_LOOKING_UP;
    case ENLIST_CONNECTION_PHASE_TCP: return ENLIST_CONNECTION_STEP_CONNECTING;
    case ENLIST_CONNECTION_PHASE_PLAIN_FEATURES:
    case ENLIST_CONNECTION_PHASE_PROCEED:
    case ENLIST_CONNECTION_PHASE_TLS:
    case ENLIST_CONNECTION_PHASE_FEATURES: return ENLIST_CONNECTION_STEP_SECURING;
    case ENLIST_CONNECTION_PHASE_IDLE:
    case ENLIST_CONNECTION_PHASE_READY:
    case ENLIST_CONNECTION_PHASE_SASL:
    case ENLIST_CONNECTION_PHASE_SASL_FEATURES:
    case ENLIST_CONNECTION_PHASE_BIND:
    case ENLIST_CONNECTION_PHASE_CLOSING:
    default: return -1;
    }
}

void
enlist_connection_set_phase (EnlistConnection      *self,
                             EnlistConnectionPhase  phase)
{
  int step = phase_step (phase);

  self->phase = phase;
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
  if (phase != ENLIST_CONNECTION_PHASE_IDLE && phase != ENLIST_CONNECTION_PHASE_READY
      && phase != ENLIST_CONNECTION_PHASE_RESOLVING)
    self->phase_timeout_id = g_timeout_add (self->timeout_ms, phase_timeout_cb, self);
  if (step >= 0)
    enlist_connection_emit_step (self, step);
}

void
enlist_connection_emit_step (EnlistConnection     *self,
                             EnlistConnectionStep  step)
{
  if ((int) step != self->step)
    {
      self->step = step;
      g_signal_emit (self, signals[SIGNAL_STEP], 0, (guint) step);
    }
}

/* ---------------------------------------------------------------------- */
/* Failing, and retrying                                                   */

/* Could this failure be a server's reaction to input it got too early? */
static gboolean
may_be_pipelining_failure (const GError *error)
{
  static const char * const stream_conditions[] = {
    "bad-format", "invalid-namespace", "invalid-xml", "not-well-formed", "policy-violation",
    "unsupported-stanza-type", "undefined-condition", NULL
  };

  if (error->domain != ENLIST_ERROR)
    return FALSE;
  switch (error->code)
    {
    case ENLIST_ERROR_CONNECTION_CLOSED:
    case ENLIST_ERROR_TIMEOUT:
      return TRUE;
    case ENLIST_ERROR_PROTOCOL:
      /* malformed or forbidden XML is the server's own doing: a server
       * that sent a DTD or an entity gets no second connection */
      return FALSE;
    case ENLIST_ERROR_STREAM:
      return g_strv_contains (stream_conditions, enlist_error_get_condition (error));
    default:
      return FALSE;
    }
}

static gboolean
can_retry (EnlistConnection *self,
           const GError     *error)
{
  if (self->state != ENLIST_CONNECTION_CONNECTING)
    return FALSE;
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return FALSE;
  /* a certificate or a refusal to encrypt is about the domain, not the host */
  if (g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE)
      || g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE)
      || g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED))
    return FALSE;
  return TRUE;
}

/* Ends the attempt or the connection with error (taken). While connecting,
 * a pipelined attempt that failed is retried one step at a time, then the
 * next candidate endpoint is tried. */
void
enlist_connection_fail (EnlistConnection *self,
                        GError           *error)
{
  /* completing tasks below may drop the caller's last reference */
  g_autoptr(EnlistConnection) hold = g_object_ref (self);
  g_autoptr(GError) owned = error;
  g_autoptr(GTask) op = NULL;

  gboolean was_pipelined_phase;

  (void) hold;
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  /* where pipelined input could have been the cause */
  was_pipelined_phase = self->phase == ENLIST_CONNECTION_PHASE_PLAIN_FEATURES
                        || self->phase == ENLIST_CONNECTION_PHASE_PROCEED
                        || self->phase == ENLIST_CONNECTION_PHASE_FEATURES;
  /* a server that took the features' flight but not the <auth> guessed
   * with it gets the next connection one step at a time */
  if (self->early_auth && self->phase == ENLIST_CONNECTION_PHASE_SASL
      && may_be_pipelining_failure (error))
    remember_stepwise (self->domain);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_IN, error->message);
  if (self->reader != NULL)
    enlist_xml_reader_stop (self->reader);
  enlist_connection_close_io (self);

  if (can_retry (self, error))
    {
      if (self->pipelined && !self->retried_stepwise && was_pipelined_phase
          && may_be_pipelining_failure (error))
        {
          g_debug ("%s failed with pipelined input (%s); retrying step by step",
                   self->domain, error->message);
          remember_stepwise (self->domain);
          self->retried_stepwise = TRUE;
          self->pipelined = FALSE;
          enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_TCP);
          try_next_endpoint (self);
          return;
        }

      if (self->attempt_error == NULL)
        self->attempt_error = g_error_copy (error);
      self->endpoint_index++;
      if (self->endpoints != NULL && self->endpoint_index < self->endpoints->len)
        {
          self->retried_stepwise = FALSE;
          self->pipelined = self->pipelining && !domain_is_stepwise (self->domain);
          try_next_endpoint (self);
          return;
        }
      /* report what went wrong with the best candidate */
      g_clear_error (&owned);
      owned = g_steal_pointer (&self->attempt_error);
      if (self->endpoints != NULL && self->endpoints->len > 0)
        self->endpoint_index = self->endpoints->len - 1;
    }

  self->state = ENLIST_CONNECTION_CLOSED;
  self->phase = ENLIST_CONNECTION_PHASE_IDLE;
  enlist_connection_fail_auth (self, owned);
  enlist_connection_fail_pending (self, owned);
  g_ptr_array_set_size (self->held, 0);

  op = g_steal_pointer (&self->op);
  if (op != NULL)
    {
      if (g_task_get_source_tag (op) == enlist_connection_close_async)
        g_task_return_boolean (op, TRUE);
      else
        g_task_return_error (op, g_error_copy (owned));
    }

  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, owned);
}

/* Cancelling connect or authenticate ends the connection: a half-negotiated
 * stream is of no use. The handler may run inside g_cancellable_cancel, so
 * the work is done from an idle. */
static gboolean
op_cancelled_idle (gpointer user_data)
{
  g_autoptr(EnlistConnection) self = user_data;

  gboolean op_cancelled, auth_cancelled;

  op_cancelled = self->op != NULL && g_task_get_cancellable (self->op) != NULL
                 && g_cancellable_is_cancelled (g_task_get_cancellable (self->op))
                 && g_task_get_source_tag (self->op) != enlist_connection_close_async
                 && !(g_task_get_source_tag (self->op) == enlist_connection_authenticate_async
                      && self->sent_with_bind);
  auth_cancelled = self->auth_op != NULL && g_task_get_cancellable (self->auth_op) != NULL
                   && g_cancellable_is_cancelled (g_task_get_cancellable (self->auth_op));
  if (op_cancelled || auth_cancelled)
    enlist_connection_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                               _("The operation was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
op_cancelled_cb (GCancellable     *cancellable,
                 EnlistConnection *self)
{
  g_idle_add (op_cancelled_idle, g_object_ref (self));
}

void
enlist_connection_watch_cancellable (EnlistConnection *self,
                                     GCancellable     *cancellable)
{
  if (cancellable == NULL)
    return;
  g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (op_cancelled_cb), self, 0);
  if (g_cancellable_is_cancelled (cancellable))
    op_cancelled_cb (cancellable, self);
}

/* ---------------------------------------------------------------------- */
/* What the other units report                                             */

void
enlist_connection_emit_stanza (EnlistConnection *self,
                               EnlistXmlNode    *stanza)
{
  g_signal_emit (self, signals[SIGNAL_STANZA], 0, stanza);
}

void
enlist_connection_secured (EnlistConnection *self)
{
  g_autoptr(GTask) op = g_steal_pointer (&self->op);

  self->timings.features = enlist_connection_phase_elapsed (self);
  self->timings.total = g_get_monotonic_time () - self->t_start;
  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_READY);
  self->state = ENLIST_CONNECTION_SECURED;

  /* held requests already went out with the header when pipelining */
  if (!self->pipelined)
    {
      enlist_connection_queue_held (self);
      enlist_connection_flush (self);
    }
  g_ptr_array_set_size (self->held, 0);
  g_clear_error (&self->attempt_error);
  enlist_connection_remember_mechanisms (self);

  if (op != NULL)
    g_task_return_boolean (op, TRUE);
  if (self->state == ENLIST_CONNECTION_SECURED)
    enlist_connection_start_waiting_auth (self);
}

/* ---------------------------------------------------------------------- */
/* Connecting                                                              */

static void
set_nodelay (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GError) error = NULL;

  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_UNIX)
    return;
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    g_debug ("could not set TCP_NODELAY: %s", error->message);
}

static void
tcp_connect_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;
  EnlistEndpoint *endpoint;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->state == ENLIST_CONNECTION_CLOSED || self->phase != ENLIST_CONNECTION_PHASE_TCP)
    {
      g_clear_object (&connection);
      return;
    }
  endpoint = enlist_connection_current_endpoint (self);
  /* the TCP phase is always for the current endpoint */
  g_assert (endpoint != NULL);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        enlist_connection_fail (self, g_steal_pointer (&error));
      else
        enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECT,
                                                   _("Could not connect to %s port %u: %s"),
                                                   endpoint->host, endpoint->port, error->message));
      return;
    }

  self->timings.tcp = enlist_connection_phase_elapsed (self);
  self->socket_conn = connection;
  set_nodelay (connection);
  /* the socket client's timeout was for connecting; an idle stream is fine */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 0);

  if (endpoint->direct_tls)
    {
      enlist_connection_start_tls (self);
      return;
    }

  self->input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  enlist_xml_reader_reset (self->reader);

  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_PLAIN_FEATURES);
  enlist_connection_queue_stream_header (self);
  if (self->pipelined)
    {
      /* <starttls/> rides with the header (RFC 6120 allows no other
       * plaintext content, and both servers accept it this early) */
      g_autoptr(EnlistXmlNode) starttls = enlist_xml_node_new ("starttls", ENLIST_NS_TLS);
      enlist_connection_queue_node (self, starttls);
    }
  enlist_connection_flush (self);
  enlist_connection_start_reading (self);
}

/* A loopback address is never reached through a proxy (every proxy
 * configuration leaves 127.0.0.0/8, ::1 and localhost alone), so for it
 * GIO's proxy lookup, with the GSettings and libproxy modules it loads, is
 * skipped. */
static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

static void
try_next_endpoint (EnlistConnection *self)
{
  EnlistEndpoint *endpoint = enlist_connection_current_endpoint (self);
  g_autoptr(GSocketConnectable) address = NULL;

  g_assert (endpoint != NULL);

  g_clear_object (&self->tls);
  g_clear_object (&self->socket_conn);
  g_clear_object (&self->rejected_certificate);
  enlist_connection_reset_auth (self);
  enlist_connection_wipe_buffer (self->out);
  self->reset_reader = FALSE;
  self->t_phase = g_get_monotonic_time ();

  g_free (self->peer_name);
  self->peer_name = g_strdup_printf ("%s[%s:%u%s]", self->domain, endpoint->host, endpoint->port,
                                     endpoint->direct_tls ? " tls" : "");

  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_TCP);
  address = g_network_address_new (endpoint->host, endpoint->port);
  g_socket_client_set_enable_proxy (self->socket_client, !is_loopback (endpoint->host));
  g_socket_client_set_timeout (self->socket_client, (self->timeout_ms + 999) / 1000);
  g_socket_client_connect_async (self->socket_client, address, self->io_cancellable,
                                 tcp_connect_cb, g_object_ref (self));
}

static void
resolve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *endpoints;

  endpoints = enlist_connector_resolve_finish (result, &error);
  if (self->state != ENLIST_CONNECTION_CONNECTING)
    {
      g_clear_pointer (&endpoints, g_ptr_array_unref);
      return;
    }
  if (endpoints == NULL)
    {
      enlist_connection_fail (self, g_steal_pointer (&error));
      return;
    }

  self->timings.resolve = enlist_connection_phase_elapsed (self);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  self->endpoints = endpoints;
  self->endpoint_index = 0;
  try_next_endpoint (self);
}

void
enlist_connection_connect_async (EnlistConnection   *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connection_connect_async);

  if (self->state != ENLIST_CONNECTION_DISCONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("This connection was already used."));
      return;
    }

  /* when the system store will be needed, it loads while DNS and TCP
   * take their time rather than in the handshake */
  enlist_tls_policy_preload (self->policy);
  self->op = g_steal_pointer (&task);
  self->state = ENLIST_CONNECTION_CONNECTING;
  self->pipelined = self->pipelining && !domain_is_stepwise (self->domain);
  self->t_start = self->t_phase = g_get_monotonic_time ();
  memset (&self->timings, 0, sizeof self->timings);
  self->reader = enlist_connection_new_reader (self);
  enlist_connection_watch_cancellable (self, cancellable);

  if (self->override_host != NULL)
    {
      guint16 port = self->override_port ? self->override_port
                                         : (self->override_direct_tls ? 5223 : 5222);

      self->endpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_endpoint_free);
      g_ptr_array_add (self->endpoints, enlist_endpoint_new (self->override_host, port,
                                                             self->override_direct_tls));
      self->endpoint_index = 0;
      try_next_endpoint (self);
      return;
    }

  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_RESOLVING);
  enlist_connector_resolve_async (self->resolver, self->domain, MIN (self->timeout_ms, 10000),
                                  self->io_cancellable, resolve_cb, g_object_ref (self));
}

gboolean
enlist_connection_connect_finish (EnlistConnection *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Closing                                                                 */

void
enlist_connection_close_async (EnlistConnection   *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) previous = NULL;

  g_return_if_fail (ENLIST_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connection_close_async);

  if (self->state == ENLIST_CONNECTION_CLOSED || self->state == ENLIST_CONNECTION_DISCONNECTED
      || self->output == NULL || self->tls == NULL)
    {
      if (self->state != ENLIST_CONNECTION_CLOSED && self->state != ENLIST_CONNECTION_DISCONNECTED)
        enlist_connection_fail (self,
                                g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED, "%s",
                                             _("The connection was closed.")));
      self->state = ENLIST_CONNECTION_CLOSED;
      g_task_return_boolean (task, TRUE);
      return;
    }

  previous = g_steal_pointer (&self->op);
  if (previous != NULL)
    g_task_return_new_error (previous, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             _("The connection was closed."));
  {
    g_autoptr(GError) closed = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                            _("The connection was closed."));

    enlist_connection_fail_auth (self, closed);
  }

  self->op = g_steal_pointer (&task);
  self->state = ENLIST_CONNECTION_CLOSING;
  self->phase = ENLIST_CONNECTION_PHASE_CLOSING;
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
  self->phase_timeout_id = g_timeout_add (CLOSE_GRACE_MS, phase_timeout_cb, self);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "stream end");
  enlist_connection_queue_text (self, "</stream:stream>");
  enlist_connection_flush (self);
}

gboolean
enlist_connection_close_finish (EnlistConnection *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
enlist_connection_dispose (GObject *object)
{
  EnlistConnection *self = ENLIST_CONNECTION (object);

  if (self->state != ENLIST_CONNECTION_CLOSED && self->state != ENLIST_CONNECTION_DISCONNECTED)
    {
      if (self->output != NULL && self->tls != NULL && !self->writing
          && G_IS_POLLABLE_OUTPUT_STREAM (self->output))
        {
          /* best effort: tell the server, without waiting */
          static const char end[] = "</stream:stream>";
          g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->output),
                                                      end, sizeof end - 1, NULL, NULL);
        }
      self->state = ENLIST_CONNECTION_CLOSED;
    }
  enlist_connection_close_io (self);
  g_clear_object (&self->sasl);

  G_OBJECT_CLASS (enlist_connection_parent_class)->dispose (object);
}

static void
enlist_connection_finalize (GObject *object)
{
  EnlistConnection *self = ENLIST_CONNECTION (object);

  g_assert (self->op == NULL);
  g_assert (self->auth_op == NULL);
  g_assert (g_hash_table_size (self->pending) == 0);

  g_clear_pointer (&self->reader, enlist_xml_reader_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->held_bound, g_ptr_array_unref);
  g_clear_pointer (&self->auth_username, g_free);
  g_clear_pointer (&self->auth_password, enlist_secret_free);
  g_clear_pointer (&self->features, enlist_xml_node_free);
  g_clear_pointer (&self->mechanisms, g_strfreev);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_error (&self->attempt_error);
  g_clear_object (&self->policy);
  g_clear_object (&self->resolver);
  g_clear_object (&self->socket_client);
  g_clear_object (&self->io_cancellable);
  g_clear_object (&self->rejected_certificate);
  enlist_connection_free_buffer (self->out);
  g_free (self->domain);
  g_free (self->override_host);
  g_free (self->mechanism_used);
  g_free (self->bare_jid);
  g_free (self->jid);
  g_free (self->peer_name);

  G_OBJECT_CLASS (enlist_connection_parent_class)->finalize (object);
}

static void
enlist_connection_class_init (EnlistConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlist_connection_dispose;
  object_class->finalize = enlist_connection_finalize;

  /**
   * EnlistConnection::closed:
   * @error: why
   *
   * The stream ended, cleanly or not.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * EnlistConnection::stanza:
   * @stanza: (type gpointer): an EnlistXmlNode
   *
   * A message or presence stanza arrived (iq requests are answered).
   */
  signals[SIGNAL_STANZA] =
    g_signal_new ("stanza", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  /* EnlistConnection::step: see enlist-connection-private.h */
  signals[SIGNAL_STEP] =
    g_signal_new ("step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
enlist_connection_init (EnlistConnection *self)
{
  self->timeout_ms = ENLIST_CONNECTION_DEFAULT_TIMEOUT_MS;
  self->pipelining = TRUE;
  enlist_xml_limits_init_default (&self->limits);
  self->policy = enlist_tls_policy_new ();
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free_secret);
  self->held_bound = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free_secret);
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->out = g_string_sized_new (ENLIST_CONNECTION_OUT_BUFFER_SIZE);
  self->io_cancellable = g_cancellable_new ();
  self->socket_client = g_socket_client_new ();
  self->state = ENLIST_CONNECTION_DISCONNECTED;
  self->step = -1;
}
