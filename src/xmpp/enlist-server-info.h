/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-server-info.h: what one connection learnt about a server — where
 * it connected, how it was secured and why the certificate was trusted,
 * what the server offers (registration, invitations, SASL mechanisms), how
 * long each step took, and after a login under which address. Built by
 * EnlistRegistration's probe and login; read-only for front ends. */
#pragma once

#include <gio/gio.h>

#include "enlist-data-form.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_SERVER_INFO (enlist_server_info_get_type ())
G_DECLARE_FINAL_TYPE (EnlistServerInfo, enlist_server_info, ENLIST, SERVER_INFO, GObject)

/* Microseconds each step took (0: not done). */
typedef struct
{
  gint64 resolve;
  gint64 tcp;
  gint64 starttls;   /* stream open and <starttls/> answered */
  gint64 tls;        /* the TLS handshake */
  gint64 features;   /* the secured stream open until its features */
  gint64 total;      /* from the start until the secured stream's features */
  gint64 form;       /* from the start until the registration form (probe with FETCH_FORM) */
  gint64 sasl;       /* login */
  gint64 bind;       /* login */
} EnlistServerTimings;

const char          *enlist_server_info_get_domain        (EnlistServerInfo *self);
const char          *enlist_server_info_get_host          (EnlistServerInfo *self);
guint16              enlist_server_info_get_port          (EnlistServerInfo *self);
gboolean             enlist_server_info_get_direct_tls    (EnlistServerInfo *self);
gboolean             enlist_server_info_get_pipelined     (EnlistServerInfo *self);

/* "TLS 1.3", … */
const char          *enlist_server_info_get_tls_version   (EnlistServerInfo *self);
const char          *enlist_server_info_get_ciphersuite   (EnlistServerInfo *self);
/* "system", "ca-file" or "pinned": why the certificate was accepted. */
const char          *enlist_server_info_get_trust_reason  (EnlistServerInfo *self);
GTlsCertificate     *enlist_server_info_get_certificate   (EnlistServerInfo *self);

/* The stream features of the secured stream. */
gboolean             enlist_server_info_get_registration  (EnlistServerInfo *self);
/* Invitations: urn:xmpp:ibr-token:0, urn:xmpp:invite. */
gboolean             enlist_server_info_get_ibr_token     (EnlistServerInfo *self);
gboolean             enlist_server_info_get_invite        (EnlistServerInfo *self);
const char * const  *enlist_server_info_get_mechanisms    (EnlistServerInfo *self);

const EnlistServerTimings *enlist_server_info_get_timings (EnlistServerInfo *self);

/* Probe with ENLIST_PROBE_FETCH_FORM: the form, or why there is none. */
EnlistDataForm      *enlist_server_info_get_form          (EnlistServerInfo *self);
const GError        *enlist_server_info_get_form_error    (EnlistServerInfo *self);

/* Login: the full JID the server bound and the SASL mechanism used. */
const char          *enlist_server_info_get_jid           (EnlistServerInfo *self);
const char          *enlist_server_info_get_mechanism     (EnlistServerInfo *self);

G_END_DECLS
