/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-info.c: what one connection learnt about a server, copied
 * out of the connection so that it outlives it: front ends read it after
 * the service has closed the connection again. */
#define G_LOG_DOMAIN "enlist-server-info"

#include "config.h"

#include "enlist-server-info-private.h"

#define NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
#define NS_IBR_TOKEN        "urn:xmpp:ibr-token:0"
#define NS_INVITE           "urn:xmpp:invite"

struct _EnlistServerInfo
{
  GObject              parent_instance;

  char                *domain;
  char                *host;
  guint16              port;
  gboolean             direct_tls;
  gboolean             pipelined;
  const char          *tls_version;   /* static */
  char                *ciphersuite;
  const char          *trust_reason;  /* static */
  GTlsCertificate     *certificate;
  gboolean             registration;
  gboolean             ibr_token;
  gboolean             invite;
  GStrv                mechanisms;
  EnlistServerTimings  timings;
  EnlistDataForm      *form;
  GError              *form_error;
  char                *jid;
  char                *mechanism;
};

G_DEFINE_FINAL_TYPE (EnlistServerInfo, enlist_server_info, G_TYPE_OBJECT)

static void
enlist_server_info_finalize (GObject *object)
{
  EnlistServerInfo *self = ENLIST_SERVER_INFO (object);

  g_free (self->domain);
  g_free (self->host);
  g_free (self->ciphersuite);
  g_clear_object (&self->certificate);
  g_strfreev (self->mechanisms);
  g_clear_object (&self->form);
  g_clear_error (&self->form_error);
  g_free (self->jid);
  g_free (self->mechanism);

  G_OBJECT_CLASS (enlist_server_info_parent_class)->finalize (object);
}

static void
enlist_server_info_class_init (EnlistServerInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enlist_server_info_finalize;
}

static void
enlist_server_info_init (EnlistServerInfo *self)
{
}

static const char *
tls_version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_0: return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1: return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2: return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3: return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_SSL_3_0: return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0: return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2: return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default: return "unknown";
    }
}

EnlistServerInfo *
enlist_server_info_new_from_connection (EnlistConnection *connection)
{
  const EnlistConnectionTimings *t;
  const char * const *mechanisms;
  GTlsCertificate *certificate;
  EnlistServerInfo *self;

  g_return_val_if_fail (ENLIST_IS_CONNECTION (connection), NULL);

  self = g_object_new (ENLIST_TYPE_SERVER_INFO, NULL);
  self->domain = g_strdup (enlist_connection_get_domain (connection));
  self->host = g_strdup (enlist_connection_get_host (connection));
  self->port = enlist_connection_get_port (connection);
  self->direct_tls = enlist_connection_get_direct_tls (connection);
  self->pipelined = enlist_connection_get_pipelined (connection);
  self->tls_version = tls_version_name (enlist_connection_get_tls_version (connection));
  self->ciphersuite = enlist_connection_dup_tls_ciphersuite (connection);
  self->trust_reason = enlist_connection_get_trust_reason (connection);
  certificate = enlist_connection_get_peer_certificate (connection);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;

  self->registration = enlist_connection_has_feature (connection, "register", NS_REGISTER_FEATURE);
  self->ibr_token = enlist_connection_has_feature (connection, "register", NS_IBR_TOKEN);
  self->invite = enlist_connection_has_feature (connection, "register", NS_INVITE);
  mechanisms = enlist_connection_get_mechanisms (connection);
  self->mechanisms = mechanisms != NULL ? g_strdupv ((char **) mechanisms) : g_new0 (char *, 1);

  t = enlist_connection_get_timings (connection);
  self->timings.resolve = t->resolve;
  self->timings.tcp = t->tcp;
  self->timings.starttls = t->starttls;
  self->timings.tls = t->tls;
  self->timings.features = t->features;
  self->timings.total = t->total;
  self->timings.sasl = t->sasl;
  self->timings.bind = t->bind;

  self->jid = g_strdup (enlist_connection_get_jid (connection));
  self->mechanism = g_strdup (enlist_connection_get_mechanism_used (connection));
  return self;
}

void
enlist_server_info_set_form (EnlistServerInfo *self,
                             EnlistDataForm   *form,
                             const GError     *error,
                             gint64            usec)
{
  g_return_if_fail (ENLIST_IS_SERVER_INFO (self));
  g_return_if_fail ((form != NULL) != (error != NULL));

  g_set_object (&self->form, form);
  g_clear_error (&self->form_error);
  if (error != NULL)
    self->form_error = g_error_copy (error);
  self->timings.form = usec;
}

const char *
enlist_server_info_get_domain (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->domain;
}

const char *
enlist_server_info_get_host (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->host;
}

guint16
enlist_server_info_get_port (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), 0);
  return self->port;
}

gboolean
enlist_server_info_get_direct_tls (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), FALSE);
  return self->direct_tls;
}

gboolean
enlist_server_info_get_pipelined (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), FALSE);
  return self->pipelined;
}

const char *
enlist_server_info_get_tls_version (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->tls_version;
}

const char *
enlist_server_info_get_ciphersuite (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->ciphersuite;
}

const char *
enlist_server_info_get_trust_reason (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->trust_reason;
}

GTlsCertificate *
enlist_server_info_get_certificate (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->certificate;
}

gboolean
enlist_server_info_get_registration (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), FALSE);
  return self->registration;
}

gboolean
enlist_server_info_get_ibr_token (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), FALSE);
  return self->ibr_token;
}

gboolean
enlist_server_info_get_invite (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), FALSE);
  return self->invite;
}

const char * const *
enlist_server_info_get_mechanisms (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return (const char * const *) self->mechanisms;
}

const EnlistServerTimings *
enlist_server_info_get_timings (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return &self->timings;
}

EnlistDataForm *
enlist_server_info_get_form (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->form;
}

const GError *
enlist_server_info_get_form_error (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->form_error;
}

const char *
enlist_server_info_get_jid (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->jid;
}

const char *
enlist_server_info_get_mechanism (EnlistServerInfo *self)
{
  g_return_val_if_fail (ENLIST_IS_SERVER_INFO (self), NULL);
  return self->mechanism;
}
