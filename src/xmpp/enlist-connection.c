/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection.c: one XMPP client stream on the GLib main loop.
 *
 * Every step is written so that it can share a flight with the next one:
 * the first stream header goes out together with <starttls/>; the secured
 * stream's header goes out together with the requests the caller already
 * queued; after SASL the restarted header goes out together with the bind
 * request. A server that chokes on that is retried one step at a time, and
 * remembered. Nothing is ever written before TLS except the stream header and
 * <starttls/>. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <glib/gi18n.h>

#include "enlist-certificate.h"
#include "enlist-connection.h"
#include "enlist-connection-private.h"
#include "enlist-connector.h"
#include "enlist-error-private.h"
#include "enlist-jid.h"
#include "enlist-ns.h"
#include "enlist-sasl.h"
#include "enlist-text.h"
#include "enlist-trace-private.h"

#define DEFAULT_TIMEOUT_MS 20000
#define READ_BUFFER_SIZE (32 * 1024)
#define CLOSE_GRACE_MS 2000
/* Outgoing flights are serialised into a buffer this large from the start:
 * a GString that grows leaves its old allocation to realloc unwiped, and a
 * flight may carry a password, SASL data or a token. */
#define OUT_BUFFER_SIZE (64 * 1024)

/* Requests and SASL messages are freed wiped: which of them carries a
 * secret is not worth telling apart. */
typedef EnlistXmlNode *EnlistSecretNode;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (EnlistSecretNode, enlist_xml_node_free_secret, NULL)

typedef enum
{
  PHASE_IDLE,
  PHASE_RESOLVING,
  PHASE_TCP,
  PHASE_PLAIN_FEATURES,     /* plaintext stream open, waiting for its features */
  PHASE_PROCEED,            /* <starttls/> sent, waiting for <proceed/> */
  PHASE_TLS,                /* TLS handshake */
  PHASE_FEATURES,           /* secured stream open, waiting for its features */
  PHASE_READY,
  PHASE_SASL,
  PHASE_SASL_FEATURES,      /* restarted after SASL, waiting for features */
  PHASE_BIND,
  PHASE_CLOSING,
} Phase;

typedef struct
{
  EnlistConnection *self;   /* weak: the connection owns this */
  char             *id;
  GTask            *task;
  guint             timeout_id;
  GCancellable     *cancellable;
  gulong            cancel_id;
} PendingIq;

struct _EnlistConnection
{
  GObject                  parent_instance;

  /* options */
  char                    *domain;
  char                    *override_host;
  guint16                  override_port;
  gboolean                 override_direct_tls;
  GTlsDatabase            *ca_database;
  GPtrArray               *pinned;
  guint                    timeout_ms;
  EnlistXmlLimits          limits;
  gboolean                 pipelining;
  GResolver               *resolver;

  /* state */
  EnlistConnectionState    state;
  Phase                    phase;
  int                      step;            /* the EnlistConnectionStep last emitted, or -1 */
  gboolean                 pipelined;       /* this attempt pipelines */
  GPtrArray               *endpoints;
  guint                    endpoint_index;
  GError                  *attempt_error;   /* the first candidate's failure */
  gboolean                 retried_stepwise;

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

  GPtrArray               *held;            /* EnlistXmlNode *: queued before SECURED */
  GHashTable              *pending;         /* id -> PendingIq */
  guint                    next_id;

  EnlistXmlNode           *features;
  GStrv                    mechanisms;
  EnlistSasl              *sasl;
  char                    *mechanism_used;
  char                    *bare_jid;
  char                    *jid;
  char                    *peer_name;       /* for the trace */

  GTlsCertificate         *rejected_certificate;
  GTlsCertificateFlags     rejected_flags;
  const char              *trust_reason;

  EnlistConnectionTimings  timings;
  gint64                   t_start;
  gint64                   t_phase;
};

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

static void connection_fail         (EnlistConnection *self,
                                     GError           *error);
static void watch_cancellable       (EnlistConnection *self,
                                     GCancellable     *cancellable);
static void start_reading           (EnlistConnection *self);
static void flush                   (EnlistConnection *self);
static void try_next_endpoint       (EnlistConnection *self);
static void start_tls               (EnlistConnection *self);
static void send_bind               (EnlistConnection *self);

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
}

static void
pending_iq_free (PendingIq *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  if (pending->cancellable != NULL && pending->cancel_id != 0)
    g_signal_handler_disconnect (pending->cancellable, pending->cancel_id);
  g_clear_object (&pending->cancellable);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
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

gboolean
enlist_connection_set_ca_file (EnlistConnection *self,
                               const char       *path,
                               GError          **error)
{
  g_autofree char *absolute = NULL;
  GTlsDatabase *database;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);

  g_clear_object (&self->ca_database);
  if (path == NULL)
    return TRUE;

  /* GTlsFileDatabase wants an absolute path */
  absolute = g_canonicalize_filename (path, NULL);
  database = g_tls_file_database_new (absolute, error);
  if (database == NULL)
    return FALSE;
  self->ca_database = database;
  return TRUE;
}

void
enlist_connection_add_pinned_fingerprint (EnlistConnection *self,
                                          const char       *fingerprint)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (fingerprint != NULL);

  g_ptr_array_add (self->pinned, g_strdup (fingerprint));
}

void
enlist_connection_set_timeout (EnlistConnection *self,
                               guint             timeout_ms)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  self->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
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

const char * const *
enlist_connection_get_mechanisms (EnlistConnection *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->mechanisms ? (const char * const *) self->mechanisms : none;
}

const char *
enlist_connection_get_mechanism_used (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->mechanism_used;
}

const char *
enlist_connection_get_jid (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->jid;
}

static EnlistEndpoint *
current_endpoint (EnlistConnection *self)
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
  endpoint = current_endpoint (self);
  return endpoint ? endpoint->host : NULL;
}

guint16
enlist_connection_get_port (EnlistConnection *self)
{
  EnlistEndpoint *endpoint;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), 0);
  endpoint = current_endpoint (self);
  return endpoint ? endpoint->port : 0;
}

gboolean
enlist_connection_get_direct_tls (EnlistConnection *self)
{
  EnlistEndpoint *endpoint;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  endpoint = current_endpoint (self);
  return endpoint ? endpoint->direct_tls : FALSE;
}

gboolean
enlist_connection_get_pipelined (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);
  return self->pipelined;
}

GTlsProtocolVersion
enlist_connection_get_tls_version (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), G_TLS_PROTOCOL_VERSION_UNKNOWN);
  return self->tls ? g_tls_connection_get_protocol_version (self->tls)
                   : G_TLS_PROTOCOL_VERSION_UNKNOWN;
}

char *
enlist_connection_dup_tls_ciphersuite (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->tls ? g_tls_connection_get_ciphersuite_name (self->tls) : NULL;
}

GTlsCertificate *
enlist_connection_get_peer_certificate (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->tls ? g_tls_connection_get_peer_certificate (self->tls) : NULL;
}

const char *
enlist_connection_get_trust_reason (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return self->trust_reason;
}

const EnlistConnectionTimings *
enlist_connection_get_timings (EnlistConnection *self)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  return &self->timings;
}

/* ---------------------------------------------------------------------- */
/* Timing and phases                                                       */

static gint64
phase_elapsed (EnlistConnection *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed = now - self->t_phase;

  self->t_phase = now;
  return elapsed;
}

static const char *
phase_description (Phase phase)
{
  switch (phase)
    {
    case PHASE_RESOLVING: return _("looking up the server");
    case PHASE_TCP: return _("connecting");
    case PHASE_PLAIN_FEATURES: return _("opening the stream");
    case PHASE_PROCEED: return _("starting encryption");
    case PHASE_TLS: return _("the TLS handshake");
    case PHASE_FEATURES: return _("opening the encrypted stream");
    case PHASE_SASL: return _("authenticating");
    case PHASE_SASL_FEATURES: return _("restarting the stream after authentication");
    case PHASE_BIND: return _("binding a resource");
    case PHASE_CLOSING: return _("closing");
    case PHASE_IDLE:
    case PHASE_READY:
    default: return _("waiting");
    }
}

static gboolean
phase_timeout_cb (gpointer user_data)
{
  EnlistConnection *self = user_data;

  self->phase_timeout_id = 0;
  connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TIMEOUT,
                                      _("The server did not answer in time (while %s)."),
                                      phase_description (self->phase)));
  return G_SOURCE_REMOVE;
}

/* The step of connecting a phase belongs to, for progress; -1 for none. */
static int
phase_step (Phase phase)
{
  switch (phase)
    {
    case PHASE_RESOLVING: return ENLIST_CONNECTION_STEP_LOOKING_UP;
    case PHASE_TCP: return ENLIST_CONNECTION_STEP_CONNECTING;
    case PHASE_PLAIN_FEATURES:
    case PHASE_PROCEED:
    case PHASE_TLS:
    case PHASE_FEATURES: return ENLIST_CONNECTION_STEP_SECURING;
    case PHASE_IDLE:
    case PHASE_READY:
    case PHASE_SASL:
    case PHASE_SASL_FEATURES:
    case PHASE_BIND:
    case PHASE_CLOSING:
    default: return -1;
    }
}

static void
set_phase (EnlistConnection *self,
           Phase             phase)
{
  int step = phase_step (phase);

  self->phase = phase;
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
  if (phase != PHASE_IDLE && phase != PHASE_READY && phase != PHASE_RESOLVING)
    self->phase_timeout_id = g_timeout_add (self->timeout_ms, phase_timeout_cb, self);
  if (step >= 0 && step != self->step)
    {
      self->step = step;
      g_signal_emit (self, signals[SIGNAL_STEP], 0, (guint) step);
    }
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                 */

static EnlistConnectionWipeCheck wipe_check;
static gpointer wipe_check_data;

void
enlist_connection_set_wipe_check (EnlistConnectionWipeCheck check,
                                  gpointer                  user_data)
{
  wipe_check = check;
  wipe_check_data = user_data;
}

/* Zeros the whole allocation of an outgoing buffer and empties it. */
static void
wipe_buffer (GString *buffer)
{
  explicit_bzero (buffer->str, buffer->allocated_len);
  g_string_truncate (buffer, 0);
}

static void
free_buffer (GString *buffer)
{
  wipe_buffer (buffer);
  if (wipe_check != NULL)
    wipe_check ((const guint8 *) buffer->str, buffer->allocated_len, wipe_check_data);
  g_string_free (buffer, TRUE);
}

static void
queue_text (EnlistConnection *self,
            const char       *text)
{
  g_string_append (self->out, text);
}

static void
queue_node (EnlistConnection    *self,
            const EnlistXmlNode *node)
{
  enlist_trace_stanza (self->peer_name, ENLIST_TRACE_OUT, node);
  enlist_xml_node_write (node, ENLIST_NS_CLIENT, self->out);
}

static void
queue_stream_header (EnlistConnection *self)
{
  g_autoptr(GString) header = g_string_new ("<?xml version='1.0'?><stream:stream to='");

  enlist_xml_escape_attr (header, self->domain);
  g_string_append (header, "' version='1.0' xml:lang='en' xmlns='" ENLIST_NS_CLIENT "' "
                           "xmlns:stream='" ENLIST_NS_STREAMS "'>");
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "stream header");
  queue_text (self, header->str);
}

typedef struct
{
  EnlistConnection *self;
  GString          *buffer;   /* wiped once written */
} WriteOp;

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  WriteOp *op = user_data;
  g_autoptr(EnlistConnection) self = op->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  free_buffer (op->buffer);
  g_free (op);

  /* a write of an earlier attempt, already abandoned */
  if (G_OUTPUT_STREAM (source) != self->output)
    return;

  self->writing = FALSE;
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                            _("The connection was lost: %s"), error->message));
      return;
    }

  if (self->phase == PHASE_TLS && self->tls == NULL)
    start_tls (self);
  else
    flush (self);
}

/* Writes the queued flight in one write call (the kernel sends it together
 * on a TCP_NODELAY socket) unless one is already on its way. */
static void
flush (EnlistConnection *self)
{
  WriteOp *op;

  if (self->writing || self->out->len == 0 || self->output == NULL)
    return;
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  op = g_new0 (WriteOp, 1);
  op->self = g_object_ref (self);
  op->buffer = g_steal_pointer (&self->out);
  self->out = g_string_sized_new (OUT_BUFFER_SIZE);
  self->writing = TRUE;
  g_output_stream_write_all_async (self->output, op->buffer->str, op->buffer->len,
                                   G_PRIORITY_DEFAULT, self->io_cancellable, write_cb, op);
}

/* ---------------------------------------------------------------------- */
/* Tearing down                                                            */

static void
close_io (EnlistConnection *self)
{
  g_cancellable_cancel (self->io_cancellable);
  g_clear_object (&self->io_cancellable);
  self->io_cancellable = g_cancellable_new ();

  if (self->tls != NULL)
    g_io_stream_close_async (G_IO_STREAM (self->tls), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  else if (self->socket_conn != NULL)
    g_io_stream_close_async (G_IO_STREAM (self->socket_conn), G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  g_clear_object (&self->tls);
  g_clear_object (&self->socket_conn);
  self->input = NULL;
  self->output = NULL;
  self->reading = FALSE;
  self->writing = FALSE;
  wipe_buffer (self->out);
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
}

static void
fail_pending (EnlistConnection *self,
              const GError     *error)
{
  g_autoptr(GList) values = NULL;
  GHashTableIter iter;
  PendingIq *pending;

  /* steal them all first: completing a task may run user code that sends */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    {
      values = g_list_prepend (values, pending);
      g_hash_table_iter_steal (&iter);
    }

  for (GList *l = values; l; l = l->next)
    {
      pending = l->data;
      g_task_return_error (pending->task, g_error_copy (error));
      pending_iq_free (pending);
    }
}

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
static void
connection_fail (EnlistConnection *self,
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
  was_pipelined_phase = self->phase == PHASE_PLAIN_FEATURES || self->phase == PHASE_PROCEED
                        || self->phase == PHASE_FEATURES;
  enlist_trace_event (self->peer_name, ENLIST_TRACE_IN, error->message);
  if (self->reader != NULL)
    enlist_xml_reader_stop (self->reader);
  close_io (self);

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
          set_phase (self, PHASE_TCP);
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
  self->phase = PHASE_IDLE;
  fail_pending (self, owned);
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

  if (self->op != NULL && g_task_get_cancellable (self->op) != NULL
      && g_cancellable_is_cancelled (g_task_get_cancellable (self->op))
      && g_task_get_source_tag (self->op) != enlist_connection_close_async)
    connection_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                        _("The operation was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
op_cancelled_cb (GCancellable     *cancellable,
                 EnlistConnection *self)
{
  g_idle_add (op_cancelled_idle, g_object_ref (self));
}

static void
watch_cancellable (EnlistConnection *self,
                   GCancellable     *cancellable)
{
  if (cancellable == NULL)
    return;
  g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (op_cancelled_cb), self, 0);
  if (g_cancellable_is_cancelled (cancellable))
    op_cancelled_cb (cancellable, self);
}

/* ---------------------------------------------------------------------- */
/* Incoming stanzas                                                        */

/* A reply may come from the server (no from at all, or the domain) and, once
 * authenticated, from the user's own bare or full JID; from anyone else it is
 * spoofed and ignored. */
static gboolean
sender_is_trusted (EnlistConnection *self,
                   const char       *from)
{
  if (from == NULL)
    return TRUE;
  if (enlist_jid_equal (from, self->domain))
    return TRUE;
  if (self->bare_jid != NULL && enlist_jid_equal (from, self->bare_jid))
    return TRUE;
  if (self->jid != NULL && enlist_jid_equal (from, self->jid))
    return TRUE;
  return FALSE;
}

static void
handle_iq (EnlistConnection *self,
           EnlistXmlNode    *stanza)
{
  const char *type = enlist_xml_node_get_attr (stanza, "type");
  const char *id = enlist_xml_node_get_attr (stanza, "id");
  const char *from = enlist_xml_node_get_attr (stanza, "from");
  PendingIq *pending;

  if (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0)
    {
      /* RFC 6120 §8.2.3: every request gets an answer */
      g_autoptr(EnlistXmlNode) reply = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
      EnlistXmlNode *error;

      enlist_xml_node_set_attr (reply, "type", "error");
      enlist_xml_node_set_attr (reply, "id", id);
      enlist_xml_node_set_attr (reply, "to", from);
      error = enlist_xml_node_add_child (reply, "error", NULL);
      enlist_xml_node_set_attr (error, "type", "cancel");
      enlist_xml_node_add_child (error, "service-unavailable", ENLIST_NS_STANZAS);
      queue_node (self, reply);
      flush (self);
      return;
    }

  if (g_strcmp0 (type, "result") != 0 && g_strcmp0 (type, "error") != 0)
    {
      g_debug ("ignoring an iq of type %s", type ? type : "(none)");
      return;
    }

  if (id == NULL || (pending = g_hash_table_lookup (self->pending, id)) == NULL)
    {
      g_debug ("ignoring a reply to an unknown request");
      return;
    }

  if (!sender_is_trusted (self, from))
    {
      enlist_trace_event (self->peer_name, ENLIST_TRACE_IN,
                          "ignored a reply from a sender other than the server");
      return;
    }

  g_hash_table_steal (self->pending, id);
  g_task_return_pointer (pending->task, enlist_xml_node_copy (stanza),
                         (GDestroyNotify) enlist_xml_node_free);
  pending_iq_free (pending);
}

static char **
parse_mechanisms (const EnlistXmlNode *features)
{
  const EnlistXmlNode *mechanisms = enlist_xml_node_get_child (features, "mechanisms", ENLIST_NS_SASL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; mechanisms && i < mechanisms->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (mechanisms->children, i);
      const char *name = enlist_xml_node_get_text (child);

      if (enlist_xml_node_is (child, "mechanism", ENLIST_NS_SASL) && name && *name)
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

static char **
parse_binding_types (const EnlistXmlNode *features)
{
  const EnlistXmlNode *cb = enlist_xml_node_get_child (features, "sasl-channel-binding",
                                                       ENLIST_NS_SASL_CB);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (cb == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < cb->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (cb->children, i);
      const char *type = enlist_xml_node_get_attr (child, "type");

      if (enlist_xml_node_is (child, "channel-binding", ENLIST_NS_SASL_CB) && type)
        g_strv_builder_add (builder, type);
    }
  return g_strv_builder_end (builder);
}

static void
secured (EnlistConnection *self)
{
  g_autoptr(GTask) op = g_steal_pointer (&self->op);

  self->timings.features = phase_elapsed (self);
  self->timings.total = g_get_monotonic_time () - self->t_start;
  set_phase (self, PHASE_READY);
  self->state = ENLIST_CONNECTION_SECURED;

  /* held requests already went out with the header when pipelining */
  if (!self->pipelined)
    {
      for (guint i = 0; i < self->held->len; i++)
        queue_node (self, g_ptr_array_index (self->held, i));
      flush (self);
    }
  g_ptr_array_set_size (self->held, 0);
  g_clear_error (&self->attempt_error);

  if (op != NULL)
    g_task_return_boolean (op, TRUE);
}

static void
handle_features (EnlistConnection *self,
                 EnlistXmlNode    *features)
{
  switch (self->phase)
    {
    case PHASE_PLAIN_FEATURES:
      if (enlist_xml_node_get_child (features, "starttls", ENLIST_NS_TLS) == NULL)
        {
          connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE,
                                              _("The server “%s” does not offer encryption, "
                                                "so no account data can be sent to it safely."),
                                              self->domain));
          enlist_xml_node_free (features);
          return;
        }
      if (!self->pipelined)
        {
          g_autoptr(EnlistXmlNode) starttls = enlist_xml_node_new ("starttls", ENLIST_NS_TLS);
          queue_node (self, starttls);
          flush (self);
        }
      set_phase (self, PHASE_PROCEED);
      enlist_xml_node_free (features);
      return;

    case PHASE_FEATURES:
      g_clear_pointer (&self->features, enlist_xml_node_free);
      self->features = features;
      g_clear_pointer (&self->mechanisms, g_strfreev);
      self->mechanisms = parse_mechanisms (features);
      secured (self);
      return;

    case PHASE_SASL_FEATURES:
      g_clear_pointer (&self->features, enlist_xml_node_free);
      self->features = features;
      if (enlist_xml_node_get_child (features, "bind", ENLIST_NS_BIND) == NULL)
        {
          connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                              _("The server offered no resource binding after "
                                                "authentication.")));
          return;
        }
      set_phase (self, PHASE_BIND);
      if (!self->pipelined)
        send_bind (self);
      return;

    case PHASE_IDLE:
    case PHASE_RESOLVING:
    case PHASE_TCP:
    case PHASE_PROCEED:
    case PHASE_TLS:
    case PHASE_READY:
    case PHASE_SASL:
    case PHASE_BIND:
    case PHASE_CLOSING:
    default:
      enlist_xml_node_free (features);
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server sent stream features at an unexpected "
                                            "time.")));
      return;
    }
}

static void sasl_step_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
handle_sasl (EnlistConnection *self,
             EnlistXmlNode    *stanza)
{
  g_autoptr(EnlistXmlNode) owned = stanza;  /* freed on every path */
  g_autoptr(GError) error = NULL;

  (void) owned;
  if (self->phase != PHASE_SASL || self->sasl == NULL)
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server sent an authentication message at an "
                                            "unexpected time.")));
      return;
    }

  if (g_str_equal (stanza->name, "challenge"))
    {
      enlist_sasl_step_async (self->sasl, enlist_xml_node_get_text (stanza), self->io_cancellable,
                              sasl_step_cb, g_object_ref (self));
      return;
    }

  if (g_str_equal (stanza->name, "success"))
    {
      const char *payload = enlist_xml_node_get_text (stanza);

      if (!enlist_sasl_verify_success (self->sasl, payload, &error))
        {
          connection_fail (self, g_steal_pointer (&error));
          return;
        }
      self->timings.sasl = phase_elapsed (self);
      g_clear_object (&self->sasl);

      /* RFC 6120 §6.4.6: restart the stream; the bind request can share the
       * flight with the new header */
      self->reset_reader = TRUE;
      enlist_xml_reader_stop (self->reader);
      set_phase (self, PHASE_SASL_FEATURES);
      queue_stream_header (self);
      if (self->pipelined)
        send_bind (self);
      else
        flush (self);
      return;
    }

  if (g_str_equal (stanza->name, "failure"))
    {
      const char *condition = enlist_error_find_condition (stanza, ENLIST_NS_SASL);
      const EnlistXmlNode *text_node = enlist_xml_node_get_child (stanza, "text", ENLIST_NS_SASL);
      const char *text = text_node ? enlist_xml_node_get_text (text_node) : NULL;

      if (g_strcmp0 (condition, "not-authorized") == 0
          || g_strcmp0 (condition, "credentials-expired") == 0
          || g_strcmp0 (condition, "account-disabled") == 0)
        error = enlist_error_new_xmpp (ENLIST_ERROR_AUTH_FAILED, condition, text, "%s",
                                       g_strcmp0 (condition, "account-disabled") == 0
                                       ? _("This account is disabled.")
                                       : _("The user name or password is not correct."));
      else
        error = enlist_error_new_xmpp (ENLIST_ERROR_SASL, condition, text,
                                       _("The server refused the authentication (%s)."),
                                       condition ? condition : _("no reason given"));
      connection_fail (self, g_steal_pointer (&error));
      return;
    }

  connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                      _("The server sent an unknown authentication message.")));
}

static void
handle_tls_answer (EnlistConnection *self,
                   EnlistXmlNode    *stanza)
{
  g_autoptr(EnlistXmlNode) owned = stanza;  /* freed on every path */

  (void) owned;
  if (self->phase != PHASE_PROCEED)
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server sent a STARTTLS answer at an unexpected "
                                            "time.")));
      return;
    }

  if (g_str_equal (stanza->name, "proceed"))
    {
      self->timings.starttls = phase_elapsed (self);
      /* nothing more may be read from the plaintext stream */
      enlist_xml_reader_stop (self->reader);
      self->reset_reader = TRUE;
      set_phase (self, PHASE_TLS);
      return;
    }

  connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_UNAVAILABLE,
                                      _("The server “%s” refused to start encryption, so no "
                                        "account data can be sent to it safely."),
                                      self->domain));
}

static void
reader_stream_start (gpointer             user_data,
                     const EnlistXmlNode *root)
{
  EnlistConnection *self = user_data;
  const char *version = enlist_xml_node_get_attr (root, "version");

  enlist_trace_event (self->peer_name, ENLIST_TRACE_IN, "stream header");
  if (version == NULL || g_ascii_strtod (version, NULL) < 1.0)
    {
      enlist_xml_reader_stop (self->reader);
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server speaks a pre-1.0 version of XMPP, which "
                                            "cannot be used securely.")));
    }
}

static void
reader_stanza (gpointer       user_data,
               EnlistXmlNode *stanza)
{
  EnlistConnection *self = user_data;

  if (self->state == ENLIST_CONNECTION_CLOSED)
    {
      enlist_xml_node_free (stanza);
      return;
    }

  enlist_trace_stanza (self->peer_name, ENLIST_TRACE_IN, stanza);

  if (g_str_equal (stanza->ns, ENLIST_NS_STREAMS))
    {
      if (g_str_equal (stanza->name, "features"))
        {
          handle_features (self, stanza);
          return;
        }
      if (g_str_equal (stanza->name, "error"))
        {
          GError *error = enlist_error_from_stream_error (stanza);
          enlist_xml_node_free (stanza);
          enlist_xml_reader_stop (self->reader);
          connection_fail (self, error);
          return;
        }
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_TLS))
    {
      handle_tls_answer (self, stanza);
      return;
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_SASL))
    {
      handle_sasl (self, stanza);
      return;
    }
  else if (g_str_equal (stanza->ns, ENLIST_NS_CLIENT) && self->tls != NULL)
    {
      if (g_str_equal (stanza->name, "iq"))
        handle_iq (self, stanza);
      else
        g_signal_emit (self, signals[SIGNAL_STANZA], 0, stanza);
      enlist_xml_node_free (stanza);
      return;
    }

  enlist_xml_node_free (stanza);
  enlist_xml_reader_stop (self->reader);
  connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                      _("The server sent something unexpected on the stream.")));
}

static void
reader_stream_end (gpointer user_data)
{
  EnlistConnection *self = user_data;

  enlist_xml_reader_stop (self->reader);
  if (self->phase == PHASE_CLOSING)
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                          _("The connection was closed.")));
      return;
    }
  connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                      _("The server closed the stream.")));
}

static const EnlistXmlReaderCallbacks reader_callbacks = {
  reader_stream_start,
  reader_stanza,
  reader_stream_end,
};

/* ---------------------------------------------------------------------- */
/* Reading                                                                 */

/* The read that is always outstanding must not keep the connection alive:
 * it holds a weak reference and its own buffer. */
typedef struct
{
  GWeakRef self;
  guint8   data[READ_BUFFER_SIZE];
} ReadOp;

static void
read_op_free (ReadOp *op)
{
  g_weak_ref_clear (&op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadOp, read_op_free)

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ReadOp) op = user_data;
  g_autoptr(EnlistConnection) self = g_weak_ref_get (&op->self);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self == NULL || G_INPUT_STREAM (source) != self->input)
    return;
  self->reading = FALSE;
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  if (n < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                            _("The connection was lost: %s"), error->message));
      return;
    }
  if (n == 0)
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED,
                                          self->phase == PHASE_CLOSING
                                          ? _("The connection was closed.")
                                          : _("The server closed the connection.")));
      return;
    }

  if (!enlist_xml_reader_feed (self->reader, (const char *) op->data, n, &error))
    {
      /* RFC 6120 §4.9.1.2: tell the server before closing, but only on the
       * secured stream: before TLS nothing but the header and <starttls/>
       * is ever written */
      if (self->output != NULL && self->tls != NULL)
        {
          queue_text (self, "<stream:error><not-well-formed "
                            "xmlns='" ENLIST_NS_STREAM_ERRORS "'/></stream:error>"
                            "</stream:stream>");
          flush (self);
        }
      connection_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;

  if (self->reset_reader)
    {
      self->reset_reader = FALSE;
      enlist_xml_reader_reset (self->reader);
    }

  if (self->phase == PHASE_TLS)
    {
      /* <proceed/>: the TLS handshake takes the socket over */
      if (!self->writing)
        start_tls (self);
      return;
    }

  start_reading (self);
}

static void
start_reading (EnlistConnection *self)
{
  ReadOp *op;

  if (self->reading || self->input == NULL || self->state == ENLIST_CONNECTION_CLOSED)
    return;
  op = g_new (ReadOp, 1);
  g_weak_ref_init (&op->self, self);
  self->reading = TRUE;
  g_input_stream_read_async (self->input, op->data, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, self->io_cancellable, read_cb, op);
}

/* ---------------------------------------------------------------------- */
/* TLS                                                                     */

static gboolean
accept_certificate_cb (GTlsConnection      *tls,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  EnlistConnection *self = user_data;
  g_autofree char *fingerprint = enlist_certificate_get_fingerprint (certificate);

  for (guint i = 0; fingerprint && i < self->pinned->len; i++)
    if (enlist_certificate_fingerprint_equal (fingerprint, g_ptr_array_index (self->pinned, i)))
      {
        self->trust_reason = "pinned";
        return TRUE;
      }

  /* the extra trust anchors vouch for a chain only when it has no problem
   * by their account either; when they know the chain, their verdict is the
   * accurate one to report (say, a wrong name rather than an unknown CA) */
  if (self->ca_database != NULL)
    {
      g_autoptr(GSocketConnectable) identity = g_network_address_new (self->domain, 0);
      g_autoptr(GError) error = NULL;
      GTlsCertificateFlags flags;

      flags = g_tls_database_verify_chain (self->ca_database, certificate,
                                           G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                           identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                           NULL, &error);
      if (error == NULL && flags == 0)
        {
          self->trust_reason = "ca-file";
          return TRUE;
        }
      if (error == NULL && (flags & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0)
        errors = flags;
    }

  g_set_object (&self->rejected_certificate, certificate);
  self->rejected_flags = errors;
  return FALSE;
}

static void
secured_stream_ready (EnlistConnection *self)
{
  self->timings.tls = phase_elapsed (self);
  self->input = g_io_stream_get_input_stream (G_IO_STREAM (self->tls));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (self->tls));
  enlist_xml_reader_reset (self->reader);
  self->reset_reader = FALSE;

  set_phase (self, PHASE_FEATURES);
  queue_stream_header (self);
  if (self->pipelined)
    for (guint i = 0; i < self->held->len; i++)
      queue_node (self, g_ptr_array_index (self->held, i));
  flush (self);
  start_reading (self);
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (G_TLS_CONNECTION (source) != self->tls || self->state == ENLIST_CONNECTION_CLOSED)
        return;
      if (self->rejected_certificate != NULL)
        connection_fail (self, enlist_error_new_certificate (self->rejected_certificate,
                                                             self->rejected_flags,
                                                             self->domain));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connection_fail (self, g_steal_pointer (&error));
      else
        connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_FAILED,
                                            _("The secure connection could not be set up: %s"),
                                            error->message));
      return;
    }

  if (G_TLS_CONNECTION (source) != self->tls || self->state == ENLIST_CONNECTION_CLOSED)
    return;
  secured_stream_ready (self);
}

static void
start_tls (EnlistConnection *self)
{
  EnlistEndpoint *endpoint = current_endpoint (self);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  /* the identity checked is the XMPP domain, never the SRV target */
  identity = g_network_address_new (self->domain, endpoint ? endpoint->port : 0);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket_conn), identity, &error);
  if (tls == NULL)
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_FAILED,
                                          _("Encryption is not available: %s"), error->message));
      return;
    }

  self->tls = G_TLS_CONNECTION (tls);
  g_clear_object (&self->rejected_certificate);
  self->rejected_flags = 0;
  self->trust_reason = "system";
  self->input = NULL;
  self->output = NULL;

  if (endpoint != NULL && endpoint->direct_tls)
    {
      /* XEP-0368: offer ALPN, but never require it */
      static const char * const protocols[] = { "xmpp-client", NULL };
      g_tls_connection_set_advertised_protocols (self->tls, protocols);
    }

  g_signal_connect_object (self->tls, "accept-certificate",
                           G_CALLBACK (accept_certificate_cb), self, 0);

  set_phase (self, PHASE_TLS);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "TLS handshake");
  g_tls_connection_handshake_async (self->tls, G_PRIORITY_DEFAULT, self->io_cancellable,
                                    handshake_cb, g_object_ref (self));
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
  if (self->state == ENLIST_CONNECTION_CLOSED || self->phase != PHASE_TCP)
    {
      g_clear_object (&connection);
      return;
    }
  endpoint = current_endpoint (self);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connection_fail (self, g_steal_pointer (&error));
      else
        connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECT,
                                            _("Could not connect to %s port %u: %s"),
                                            endpoint->host, endpoint->port, error->message));
      return;
    }

  self->timings.tcp = phase_elapsed (self);
  self->socket_conn = connection;
  set_nodelay (connection);
  /* the socket client's timeout was for connecting; an idle stream is fine */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 0);

  if (endpoint->direct_tls)
    {
      start_tls (self);
      return;
    }

  self->input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  enlist_xml_reader_reset (self->reader);

  set_phase (self, PHASE_PLAIN_FEATURES);
  queue_stream_header (self);
  if (self->pipelined)
    {
      /* <starttls/> rides with the header (RFC 6120 allows no other
       * plaintext content, and both servers accept it this early) */
      g_autoptr(EnlistXmlNode) starttls = enlist_xml_node_new ("starttls", ENLIST_NS_TLS);
      queue_node (self, starttls);
    }
  flush (self);
  start_reading (self);
}

static void
try_next_endpoint (EnlistConnection *self)
{
  EnlistEndpoint *endpoint = current_endpoint (self);
  g_autoptr(GSocketConnectable) address = NULL;

  g_assert (endpoint != NULL);

  g_clear_object (&self->tls);
  g_clear_object (&self->socket_conn);
  g_clear_object (&self->rejected_certificate);
  wipe_buffer (self->out);
  self->reset_reader = FALSE;
  self->t_phase = g_get_monotonic_time ();

  g_free (self->peer_name);
  self->peer_name = g_strdup_printf ("%s[%s:%u%s]", self->domain, endpoint->host, endpoint->port,
                                     endpoint->direct_tls ? " tls" : "");

  set_phase (self, PHASE_TCP);
  address = g_network_address_new (endpoint->host, endpoint->port);
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
      connection_fail (self, g_steal_pointer (&error));
      return;
    }

  self->timings.resolve = phase_elapsed (self);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  self->endpoints = endpoints;
  self->endpoint_index = 0;
  try_next_endpoint (self);
}

/* GIO loads the system trust store on first use, inside the first TLS
 * handshake: some 15 ms of parsing on the critical path. Loading it in a
 * thread while DNS and TCP are under way takes it off. */
static gpointer
load_trust_store_thread (gpointer user_data)
{
  GTlsDatabase *database = g_tls_backend_get_default_database (g_tls_backend_get_default ());

  g_clear_object (&database);
  return NULL;
}

static void
preload_trust_store (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started))
    {
      g_thread_unref (g_thread_new ("enlist-trust", load_trust_store_thread, NULL));
      g_once_init_leave (&started, 1);
    }
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

  preload_trust_store ();
  self->op = g_steal_pointer (&task);
  self->state = ENLIST_CONNECTION_CONNECTING;
  self->pipelined = self->pipelining && !domain_is_stepwise (self->domain);
  self->t_start = self->t_phase = g_get_monotonic_time ();
  memset (&self->timings, 0, sizeof self->timings);
  self->reader = enlist_xml_reader_new (&self->limits, &reader_callbacks, self);
  watch_cancellable (self, cancellable);

  if (self->override_host != NULL)
    {
      self->endpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_endpoint_free);
      g_ptr_array_add (self->endpoints,
                       enlist_endpoint_new (self->override_host,
                                            self->override_port ? self->override_port
                                                                : (self->override_direct_tls ? 5223 : 5222),
                                            self->override_direct_tls));
      self->endpoint_index = 0;
      try_next_endpoint (self);
      return;
    }

  set_phase (self, PHASE_RESOLVING);
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
/* Requests                                                                */

/* A request that ended before the stream was secured is not sent later. */
static void
drop_held (EnlistConnection *self,
           const char       *id)
{
  for (guint i = 0; i < self->held->len; i++)
    if (g_strcmp0 (enlist_xml_node_get_attr (g_ptr_array_index (self->held, i), "id"), id) == 0)
      {
        g_ptr_array_remove_index (self->held, i);
        return;
      }
}

static gboolean
iq_timeout_cb (gpointer user_data)
{
  PendingIq *pending = user_data;
  EnlistConnection *self = pending->self;

  pending->timeout_id = 0;
  g_hash_table_steal (self->pending, pending->id);
  drop_held (self, pending->id);
  g_task_return_new_error (pending->task, ENLIST_ERROR, ENLIST_ERROR_TIMEOUT, "%s",
                           _("The server did not answer in time."));
  pending_iq_free (pending);
  return G_SOURCE_REMOVE;
}

static gboolean
iq_cancelled_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistConnection *self = g_task_get_source_object (task);
  const char *id = g_task_get_task_data (task);
  PendingIq *pending = g_hash_table_lookup (self->pending, id);

  if (pending != NULL && pending->task == task)
    {
      g_hash_table_steal (self->pending, id);
      drop_held (self, id);
      g_task_return_error_if_cancelled (pending->task);
      pending_iq_free (pending);
    }
  return G_SOURCE_REMOVE;
}

static void
iq_cancelled_cb (GCancellable *cancellable,
                 GTask        *task)
{
  /* may run inside g_cancellable_cancel from anywhere: finish from idle */
  g_idle_add (iq_cancelled_idle, g_object_ref (task));
}

static void
send_iq_internal (EnlistConnection   *self,
                  EnlistXmlNode      *iq,
                  guint               timeout_ms,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data,
                  gpointer            source_tag)
{
  g_auto(EnlistSecretNode) owned = iq;
  g_autoptr(GTask) task = NULL;
  PendingIq *pending;
  const char *id;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  if (self->state == ENLIST_CONNECTION_CLOSED || self->state == ENLIST_CONNECTION_CLOSING
      || self->state == ENLIST_CONNECTION_DISCONNECTED)
    {
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED, "%s",
                               _("Not connected to the server."));
      return;
    }

  id = enlist_xml_node_get_attr (iq, "id");
  if (id == NULL || g_hash_table_contains (self->pending, id))
    {
      g_autofree char *new_id = g_strdup_printf ("enlist%u-%08x", ++self->next_id,
                                                 g_random_int ());
      enlist_xml_node_set_attr (iq, "id", new_id);
      id = enlist_xml_node_get_attr (iq, "id");
    }

  pending = g_new0 (PendingIq, 1);
  pending->self = self;
  pending->id = g_strdup (id);
  pending->task = g_object_ref (task);
  g_task_set_task_data (task, g_strdup (id), g_free);
  pending->timeout_id = g_timeout_add (timeout_ms ? timeout_ms : self->timeout_ms,
                                       iq_timeout_cb, pending);
  if (cancellable != NULL)
    {
      pending->cancellable = g_object_ref (cancellable);
      pending->cancel_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (iq_cancelled_cb), task);
      if (g_cancellable_is_cancelled (cancellable))
        iq_cancelled_cb (cancellable, task);
    }
  g_hash_table_insert (self->pending, pending->id, pending);

  if (self->state == ENLIST_CONNECTION_CONNECTING)
    {
      /* held until the stream is secured: never sent in plaintext */
      g_ptr_array_add (self->held, g_steal_pointer (&owned));
      return;
    }

  queue_node (self, iq);
  flush (self);
}

void
enlist_connection_send_iq_async (EnlistConnection   *self,
                                 EnlistXmlNode      *iq,
                                 guint               timeout_ms,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (iq != NULL && g_str_equal (iq->name, "iq"));

  send_iq_internal (self, iq, timeout_ms, cancellable, callback, user_data,
                    enlist_connection_send_iq_async);
}

static EnlistXmlNode *
iq_finish (EnlistConnection *self,
           GAsyncResult     *result,
           EnlistXmlNode   **error_reply,
           GError          **error)
{
  EnlistXmlNode *reply = g_task_propagate_pointer (G_TASK (result), error);

  if (error_reply != NULL)
    *error_reply = NULL;
  if (reply == NULL)
    return NULL;

  if (g_strcmp0 (enlist_xml_node_get_attr (reply, "type"), "error") == 0)
    {
      g_propagate_error (error, enlist_error_from_stanza (reply));
      if (error_reply != NULL)
        *error_reply = reply;
      else
        enlist_xml_node_free (reply);
      return NULL;
    }
  return reply;
}

EnlistXmlNode *
enlist_connection_send_iq_finish (EnlistConnection *self,
                                  GAsyncResult     *result,
                                  EnlistXmlNode   **error_reply,
                                  GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return iq_finish (self, result, error_reply, error);
}

/* ---------------------------------------------------------------------- */
/* Authentication                                                          */

static void
bind_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(EnlistXmlNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) op = NULL;
  g_autoptr(GError) jid_error = NULL;
  g_autofree char *resource = NULL;
  const EnlistXmlNode *bind, *jid;

  reply = iq_finish (self, result, NULL, &error);
  if (self->state == ENLIST_CONNECTION_CLOSED)
    return;
  if (reply == NULL)
    {
      g_prefix_error (&error, "%s ", _("The server did not let this session bind a resource."));
      connection_fail (self, g_steal_pointer (&error));
      return;
    }

  bind = enlist_xml_node_get_child (reply, "bind", ENLIST_NS_BIND);
  jid = bind ? enlist_xml_node_get_child (bind, "jid", ENLIST_NS_BIND) : NULL;
  if (jid == NULL || enlist_xml_node_get_text (jid) == NULL
      || *enlist_xml_node_get_text (jid) == '\0')
    {
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server’s answer to resource binding has no "
                                            "address.")));
      return;
    }

  /* The address replies may come from from now on: it must be one, and
   * the account's own (RFC 6120 §7.6.1: the server may only pick the
   * resource). */
  if (!enlist_jid_parse (enlist_xml_node_get_text (jid), NULL, NULL, &resource, &jid_error) ||
      resource == NULL || !enlist_jid_bare_equal (enlist_xml_node_get_text (jid), self->bare_jid))
    {
      const char *text = enlist_xml_node_get_text (jid);
      g_autofree char *shown = enlist_text_neutralize (text, MIN (strlen (text), 200));

      g_debug ("Bound JID “%s” refused: %s", shown,
               jid_error != NULL ? jid_error->message : "not a full JID of the account");
      connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_PROTOCOL,
                                          _("The server bound this session to “%s”, which is "
                                            "not an address of this account."), shown));
      return;
    }

  g_free (self->jid);
  self->jid = g_strdup (enlist_xml_node_get_text (jid));
  self->timings.bind = phase_elapsed (self);
  set_phase (self, PHASE_READY);
  self->state = ENLIST_CONNECTION_AUTHENTICATED;

  op = g_steal_pointer (&self->op);
  if (op != NULL)
    g_task_return_boolean (op, TRUE);
}

static void
send_bind (EnlistConnection *self)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);

  enlist_xml_node_set_attr (iq, "type", "set");
  enlist_xml_node_add_child (iq, "bind", ENLIST_NS_BIND);
  send_iq_internal (self, iq, 0, NULL, bind_cb, g_object_ref (self),
                    enlist_connection_authenticate_async);
}

static void
sasl_step_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(EnlistConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_auto(EnlistSecretNode) node = NULL;

  response = enlist_sasl_step_finish (ENLIST_SASL (source), result, &error);
  if (self->state == ENLIST_CONNECTION_CLOSED || self->phase != PHASE_SASL)
    return;
  if (response == NULL)
    {
      connection_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->mechanism_used == NULL)
    {
      node = enlist_xml_node_new ("auth", ENLIST_NS_SASL);
      self->mechanism_used = g_strdup (enlist_sasl_get_mechanism (self->sasl));
      enlist_xml_node_set_attr (node, "mechanism", self->mechanism_used);
    }
  else
    node = enlist_xml_node_new ("response", ENLIST_NS_SASL);

  /* RFC 6120 §6.4.2: an empty initial response is "=" */
  enlist_xml_node_set_text (node, *response ? response : "=");
  explicit_bzero (response, strlen (response));
  queue_node (self, node);
  flush (self);
}

void
enlist_connection_authenticate_async (EnlistConnection   *self,
                                      const char         *username,
                                      const char         *password,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) binding_types = NULL;
  g_autofree char *bare_jid = NULL;

  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_connection_authenticate_async);

  if (self->state != ENLIST_CONNECTION_SECURED || self->op != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("The connection is not ready to authenticate."));
      return;
    }

  /* Before anything is sent: a user name that cannot be the localpart of
   * an address can never sign in. */
  if (*username == '\0')
    g_set_error_literal (&error, ENLIST_ERROR, ENLIST_ERROR_INVALID_JID,
                         _("The user name is empty."));
  else
    bare_jid = enlist_jid_format_bare (username, self->domain, &error);
  if (bare_jid == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  binding_types = parse_binding_types (self->features);
  self->sasl = enlist_sasl_new ((const char * const *) self->mechanisms,
                                (const char * const *) binding_types,
                                self->tls, username, password, &error);
  if (self->sasl == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_free (self->bare_jid);
  self->bare_jid = g_steal_pointer (&bare_jid);
  g_clear_pointer (&self->mechanism_used, g_free);

  self->op = g_steal_pointer (&task);
  watch_cancellable (self, cancellable);
  self->state = ENLIST_CONNECTION_AUTHENTICATING;
  self->t_phase = g_get_monotonic_time ();
  set_phase (self, PHASE_SASL);
  enlist_sasl_step_async (self->sasl, NULL, self->io_cancellable, sasl_step_cb,
                          g_object_ref (self));
}

gboolean
enlist_connection_authenticate_finish (EnlistConnection *self,
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
        connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED, "%s",
                                            _("The connection was closed.")));
      self->state = ENLIST_CONNECTION_CLOSED;
      g_task_return_boolean (task, TRUE);
      return;
    }

  previous = g_steal_pointer (&self->op);
  if (previous != NULL)
    g_task_return_new_error (previous, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             _("The connection was closed."));

  self->op = g_steal_pointer (&task);
  self->state = ENLIST_CONNECTION_CLOSING;
  self->phase = PHASE_CLOSING;
  g_clear_handle_id (&self->phase_timeout_id, g_source_remove);
  self->phase_timeout_id = g_timeout_add (CLOSE_GRACE_MS, phase_timeout_cb, self);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "stream end");
  queue_text (self, "</stream:stream>");
  flush (self);
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
  close_io (self);
  g_clear_object (&self->sasl);

  G_OBJECT_CLASS (enlist_connection_parent_class)->dispose (object);
}

static void
enlist_connection_finalize (GObject *object)
{
  EnlistConnection *self = ENLIST_CONNECTION (object);

  g_assert (self->op == NULL);
  g_assert (g_hash_table_size (self->pending) == 0);

  g_clear_pointer (&self->reader, enlist_xml_reader_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->features, enlist_xml_node_free);
  g_clear_pointer (&self->mechanisms, g_strfreev);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_pointer (&self->pinned, g_ptr_array_unref);
  g_clear_error (&self->attempt_error);
  g_clear_object (&self->ca_database);
  g_clear_object (&self->resolver);
  g_clear_object (&self->socket_client);
  g_clear_object (&self->io_cancellable);
  g_clear_object (&self->rejected_certificate);
  free_buffer (self->out);
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
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->pipelining = TRUE;
  enlist_xml_limits_init_default (&self->limits);
  self->pinned = g_ptr_array_new_with_free_func (g_free);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free_secret);
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->out = g_string_sized_new (OUT_BUFFER_SIZE);
  self->io_cancellable = g_cancellable_new ();
  self->socket_client = g_socket_client_new ();
  self->state = ENLIST_CONNECTION_DISCONNECTED;
  self->step = -1;
}
