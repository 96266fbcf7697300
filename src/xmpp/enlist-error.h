/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-error.h: Enlist's one error domain and what its errors carry; the
 * mapping of XMPP error stanzas onto it is in enlist-error-private.h. */
#pragma once

#include <gio/gio.h>

#include "enlist-enums.h"
#include "enlist-types.h"

G_BEGIN_DECLS

#define ENLIST_ERROR (enlist_error_quark ())

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
/* The var of the form field an error concerns ("username" for a name that is
 * taken, the CAPTCHA field for a wrong answer, the field that failed
 * validation), so that a front end can show the message next to it; NULL
 * when it concerns no one field. set_field works on any ENLIST_ERROR error. */
const char          *enlist_error_get_field         (const GError        *error);
void                 enlist_error_set_field         (GError              *error,
                                                     const char          *var);

G_END_DECLS
