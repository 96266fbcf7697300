/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-connection-tls.c: securing a connection. The TLS client connection
 * is built with the connection's trust policy (enlist-tls-policy.h) as its
 * database, so the policy alone decides: the identity checked is the XMPP
 * domain, never the SRV target; pinned certificates and the CA file count
 * before the system store, which is loaded only when needed. The certificate
 * a failed handshake was refused for is kept for the error, so that the user
 * can be shown it and choose to pin it. */
#define G_LOG_DOMAIN "enlist-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-connection-private.h"
#include "enlist-error-private.h"
#include "enlist-trace-private.h"

/* ---------------------------------------------------------------------- */
/* Options and what the handshake gave                                     */

gboolean
enlist_connection_set_ca_file (EnlistConnection *self,
                               const char       *path,
                               GError          **error)
{
  g_return_val_if_fail (ENLIST_IS_CONNECTION (self), FALSE);

  return enlist_tls_policy_set_ca_file (self->policy, path, error);
}

void
enlist_connection_add_pinned_fingerprint (EnlistConnection *self,
                                          const char       *fingerprint)
{
  g_return_if_fail (ENLIST_IS_CONNECTION (self));
  g_return_if_fail (fingerprint != NULL);

  enlist_tls_policy_add_pinned_fingerprint (self->policy, fingerprint);
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

/* ---------------------------------------------------------------------- */
/* The handshake                                                           */

/* Called only for a chain the policy refused (its verdict is the flags):
 * remember why, for the error. */
static gboolean
accept_certificate_cb (GTlsConnection      *tls,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  EnlistConnection *self = user_data;

  g_set_object (&self->rejected_certificate, certificate);
  self->rejected_flags = errors;
  return FALSE;
}

static void
secured_stream_ready (EnlistConnection *self)
{
  self->timings.tls = enlist_connection_phase_elapsed (self);
  self->input = g_io_stream_get_input_stream (G_IO_STREAM (self->tls));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (self->tls));
  enlist_xml_reader_reset (self->reader);
  self->reset_reader = FALSE;

  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_FEATURES);
  enlist_connection_queue_stream_header (self);
  if (self->pipelined)
    enlist_connection_queue_held (self);
  enlist_connection_flush (self);
  enlist_connection_start_reading (self);
  enlist_connection_start_early_auth (self);
}

/* Why the policy trusted the peer, or NULL after failing the connection.
 * GIO accepts a resumed TLS session (a ticket from an earlier connection
 * of this process) without a verdict; it does ask the database, though,
 * and ignores the answer: here that answer counts, so a session that was
 * trusted under another policy is not trusted under this one for free. */
static const char *
check_trust (EnlistConnection *self)
{
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (self->tls);
  const char *reason;

  if (peer == NULL)
    {
      enlist_connection_fail (self, g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_TLS_FAILED,
                                                         _("The server presented no "
                                                           "certificate.")));
      return NULL;
    }

  reason = enlist_tls_policy_lookup_trust_reason (self->policy, peer);
  if (reason == NULL)
    {
      GTlsCertificateFlags flags = g_tls_connection_get_peer_certificate_errors (self->tls);

      enlist_connection_fail (self, enlist_error_new_certificate (peer,
                                                                  flags ? flags
                                                                  : G_TLS_CERTIFICATE_GENERIC_ERROR,
                                                                  self->domain));
      return NULL;
    }
  return reason;
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
        enlist_connection_fail (self, enlist_error_new_certificate (self->rejected_certificate,
                                                                    self->rejected_flags,
                                                                    self->domain));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        enlist_connection_fail (self, g_steal_pointer (&error));
      else
        enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_FAILED,
                                                   _("The secure connection could not be set "
                                                     "up: %s"),
                                                   error->message));
      return;
    }

  if (G_TLS_CONNECTION (source) != self->tls || self->state == ENLIST_CONNECTION_CLOSED)
    return;
  self->trust_reason = check_trust (self);
  if (self->trust_reason != NULL)
    secured_stream_ready (self);
}

void
enlist_connection_start_tls (EnlistConnection *self)
{
  EnlistEndpoint *endpoint = enlist_connection_current_endpoint (self);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  /* the identity checked is the XMPP domain, never the SRV target */
  identity = g_network_address_new (self->domain, endpoint ? endpoint->port : 0);
  tls = enlist_tls_policy_new_client_connection (self->policy, G_IO_STREAM (self->socket_conn),
                                                 identity, &error);
  if (tls == NULL)
    {
      enlist_connection_fail (self, g_error_new (ENLIST_ERROR, ENLIST_ERROR_TLS_FAILED,
                                                 _("Encryption is not available: %s"),
                                                 error->message));
      return;
    }

  self->tls = G_TLS_CONNECTION (tls);
  g_clear_object (&self->rejected_certificate);
  self->rejected_flags = 0;
  self->trust_reason = NULL;
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

  enlist_connection_set_phase (self, ENLIST_CONNECTION_PHASE_TLS);
  enlist_trace_event (self->peer_name, ENLIST_TRACE_OUT, "TLS handshake");
  g_tls_connection_handshake_async (self->tls, G_PRIORITY_DEFAULT, self->io_cancellable,
                                    handshake_cb, g_object_ref (self));
}
