/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-error.h: Enlist's one error domain and the mapping of XMPP error conditions onto it. */
#pragma once

#include <gio/gio.h>

#include "enlist-xml.h"

G_BEGIN_DECLS

#define ENLIST_ERROR (enlist_error_quark ())

typedef enum
{
  ENLIST_ERROR_FAILED,              /* anything not covered below */
  ENLIST_ERROR_PROTOCOL,            /* the peer broke the XMPP/XML rules */
  ENLIST_ERROR_LIMIT_EXCEEDED,      /* a size/depth/count limit on untrusted input */
  ENLIST_ERROR_TIMEOUT,             /* no answer in time */
  ENLIST_ERROR_CONNECTION_CLOSED,   /* the peer closed the connection unexpectedly */
  ENLIST_ERROR_DNS,                 /* name resolution failed */
  ENLIST_ERROR_CONNECT,             /* no candidate endpoint accepted a connection */
  ENLIST_ERROR_STREAM,              /* the server sent a stream error */
  ENLIST_ERROR_TLS_UNAVAILABLE,     /* the server offered no STARTTLS or refused it */
  ENLIST_ERROR_TLS_FAILED,          /* the TLS handshake failed for another reason */
  ENLIST_ERROR_CERTIFICATE,         /* the certificate is not trusted */
  ENLIST_ERROR_AUTH_FAILED,         /* wrong user name or password */
  ENLIST_ERROR_AUTH_UNAVAILABLE,    /* no acceptable SASL mechanism */
  ENLIST_ERROR_SASL,                /* SASL failed for another reason */
  ENLIST_ERROR_STANZA,              /* the server answered a request with an error */
} EnlistError;

GQuark               enlist_error_quark             (void);

/* Errors in ENLIST_ERROR are GLib extended errors: besides the message they can
 * carry the XMPP condition (the stream error condition of RFC 6120 §4.9.3 for
 * ENLIST_ERROR_STREAM, the stanza error condition of §8.3.3 for
 * ENLIST_ERROR_STANZA, the SASL failure condition for ENLIST_ERROR_AUTH_FAILED),
 * the server's own text, and for ENLIST_ERROR_CERTIFICATE the rejected
 * certificate with its GTlsCertificateFlags. */
GError              *enlist_error_new_xmpp          (EnlistError          code,
                                                     const char          *condition,
                                                     const char          *server_text,
                                                     const char          *format,
                                                     ...) G_GNUC_PRINTF (4, 5);
GError              *enlist_error_new_certificate   (GTlsCertificate     *certificate,
                                                     GTlsCertificateFlags flags,
                                                     const char          *host);
const char          *enlist_error_get_condition     (const GError        *error);
const char          *enlist_error_get_server_text   (const GError        *error);
GTlsCertificate     *enlist_error_get_certificate   (const GError        *error);
GTlsCertificateFlags enlist_error_get_certificate_flags (const GError   *error);

/* From an iq/message/presence of type='error': ENLIST_ERROR_STANZA with the
 * condition, a message for people, and the server's text as detail. */
GError              *enlist_error_from_stanza       (const EnlistXmlNode *stanza);
/* From a <stream:error/> element: ENLIST_ERROR_STREAM likewise. */
GError              *enlist_error_from_stream_error (const EnlistXmlNode *stream_error);
/* The first child of element in namespace ns other than <text/>: the
 * condition of a stanza, stream or SASL error. */
const char          *enlist_error_find_condition    (const EnlistXmlNode *element,
                                                     const char          *ns);

G_END_DECLS
