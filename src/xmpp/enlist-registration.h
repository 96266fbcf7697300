/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration.h: the registration service the front ends talk to:
 * In-Band Registration (XEP-0077) with CAPTCHA forms (XEP-0158) and
 * invitations (XEP-0401/0445), password change, account deletion, login and
 * probe, and the disco#info support check. Front ends use this header, the
 * data-form model, EnlistServerInfo, EnlistCredentials and EnlistMediaImage,
 * never the connection or the XML below them.
 *
 * One operation at a time: while "busy" is TRUE, starting another is a
 * programming error (g_return_if_fail). Every operation takes a
 * GCancellable; once a request that changes the account is on its way to
 * the server (submit, change password, delete), cancelling no longer stops
 * the operation: it finishes and reports what the server did (settling an
 * unanswered request by logging in) instead of G_IO_ERROR_CANCELLED. */
#pragma once

#include <gio/gio.h>

#include "enlist-credentials.h"
#include "enlist-data-form.h"
#include "enlist-enums.h"
#include "enlist-error.h"
#include "enlist-media-image.h"
#include "enlist-server-info.h"
#include "enlist-types.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_REGISTRATION (enlist_registration_get_type ())
G_DECLARE_FINAL_TYPE (EnlistRegistration, enlist_registration, ENLIST, REGISTRATION, GObject)

/* Progress text for people: "Looking up server…", "Securing connection…",
 * "Requesting form…", … (translated); NULL for IDLE. */
const char         *enlist_registration_stage_describe   (EnlistRegistrationStage stage);

/* Properties: "domain" (construct-only; an invitation replaces it), "form"
 * (read-only, the current registration form, notified whenever a fresh one
 * replaces it), "verify" (read-write, default TRUE), "stage" (read-only,
 * EnlistRegistrationStage, notified on every change), "busy" (read-only). */
EnlistRegistration *enlist_registration_new              (const char          *domain);
const char         *enlist_registration_get_domain       (EnlistRegistration  *self);
EnlistDataForm     *enlist_registration_get_form         (EnlistRegistration  *self);
EnlistRegistrationStage enlist_registration_get_stage    (EnlistRegistration  *self);
gboolean            enlist_registration_get_busy         (EnlistRegistration  *self);
gboolean            enlist_registration_get_verify       (EnlistRegistration  *self);
/* After a successful registration, log in with the new account before
 * reporting success: on the same stream where the server allows SASL after
 * registering (it saves a connection), else on a fresh one. */
void                enlist_registration_set_verify       (EnlistRegistration  *self,
                                                          gboolean             verify);

/* Connection options, copied onto every connection an operation opens
 * (operations already running keep the options they started with). host
 * NULL means the domain's SRV records decide. */
void                enlist_registration_set_endpoint     (EnlistRegistration  *self,
                                                          const char          *host,
                                                          guint16              port,
                                                          gboolean             direct_tls);
const char         *enlist_registration_get_host         (EnlistRegistration  *self);
guint16             enlist_registration_get_port         (EnlistRegistration  *self);
gboolean            enlist_registration_get_direct_tls   (EnlistRegistration  *self);
/* A PEM file (one or more certificates) trusted besides the system store,
 * for XMPP and for CAPTCHA images fetched over HTTPS alike. */
gboolean            enlist_registration_set_ca_file      (EnlistRegistration  *self,
                                                          const char          *path,
                                                          GError             **error);
void                enlist_registration_add_pinned_fingerprint (EnlistRegistration *self,
                                                          const char          *fingerprint);
void                enlist_registration_set_timeout      (EnlistRegistration  *self,
                                                          guint                timeout_ms);
/* Pipelining is on by default; off waits for every answer (probe, login). */
void                enlist_registration_set_pipelining   (EnlistRegistration  *self,
                                                          gboolean             pipelining);

/* An invitation xmpp:DOMAIN?register;preauth=TOKEN: its domain becomes the
 * registration domain, and fetch_form redeems the token first when the
 * server advertises invitations. NULL forgets the invitation. Not while
 * busy. */
gboolean            enlist_registration_set_invite       (EnlistRegistration  *self,
                                                          const char          *uri,
                                                          GError             **error);
const char         *enlist_registration_get_invite_token (EnlistRegistration  *self);
/* What an xmpp: link asking to register names (XEP-0147's "register",
 * with or without an invitation's token): its domain (new), and in
 * *is_invite (may be NULL) whether it is an invitation, to be given to
 * set_invite. NULL and ENLIST_ERROR_INVALID_INVITE saying what is wrong
 * for any other text. For links from anywhere: a paste, another app. */
char               *enlist_registration_parse_uri        (const char          *uri,
                                                          gboolean            *is_invite,
                                                          GError             **error);

/* Connects and secures a connection, reads what the server offers, and
 * closes it again. With ENLIST_PROBE_FETCH_FORM the registration form is
 * asked for in the secured stream's first flight and described in the info.
 * A certificate that does not verify is ENLIST_ERROR_CERTIFICATE carrying
 * the certificate (enlist_error_get_certificate). */
void                enlist_registration_probe_async      (EnlistRegistration  *self,
                                                          EnlistProbeFlags     flags,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnlistServerInfo   *enlist_registration_probe_finish     (EnlistRegistration  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Logs in as username@domain (SASL and resource binding) and out again;
 * the info says with which mechanism and under which JID. Wrong
 * credentials are ENLIST_ERROR_AUTH_FAILED. */
void                enlist_registration_login_async      (EnlistRegistration  *self,
                                                          const char          *username,
                                                          const char          *password,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnlistServerInfo   *enlist_registration_login_finish     (EnlistRegistration  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Connects, checks that the server offers registration, redeems the
 * invitation if any, and fetches the form, which also becomes the "form"
 * property. The returned form may say the account is already registered
 * (is_registered) or that registration happens on a web page (get_oob_url,
 * or no fields and instructions). The connection stays open for submit and
 * load_captcha until close_async, another fetch, or finalization. */
void                enlist_registration_fetch_form_async (EnlistRegistration  *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnlistDataForm     *enlist_registration_fetch_form_finish (EnlistRegistration *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* The image of form's CAPTCHA field (the first of its media URIs that
 * loads): Bits of Binary inline in the form or fetched by iq on the form's
 * connection, or HTTP(S) trusted like the XMPP connection (system store,
 * CA file, pins); PNG, JPEG or GIF within the size limits of enlist-media. */
void                enlist_registration_load_captcha_async  (EnlistRegistration *self,
                                                             EnlistDataForm     *form,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
EnlistMediaImage   *enlist_registration_load_captcha_finish (EnlistRegistration *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);

/* Validates form (ENLIST_ERROR_INVALID_VALUE or _MISSING_REQUIRED naming the
 * field, nothing sent) and submits it. Returns the credentials of the new
 * account: its address as the server spells it (from the server's answer
 * or the verifying login's binding, else username@domain; NULL when the
 * form had no username and the server did not say), the password, and
 * whether a login with it succeeded.
 *
 * Server refusals are ENLIST_ERROR_STANZA with the condition, the server's
 * text and the field concerned (enlist_error_get_field: "username" for a
 * name taken or malformed). When a fresh form replaced the current one —
 * after a refused CAPTCHA form, when the server asks for another form, or
 * after a lost connection — the error is ENLIST_ERROR_CAPTCHA_RENEWED or
 * ENLIST_ERROR_FORM_RENEWED instead, still carrying the server's condition,
 * text and field, and "form" holds the fresh form with the values typed
 * carried over (except the CAPTCHA answer). An answer lost with the
 * connection is settled by logging in: success, or OUTCOME_UNKNOWN. */
void                enlist_registration_submit_async     (EnlistRegistration  *self,
                                                          EnlistDataForm      *form,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnlistCredentials  *enlist_registration_submit_finish    (EnlistRegistration  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Changes the password of username on the registration domain. When the
 * server answers with a password-change form that needs more than the
 * username and the passwords, the error is ENLIST_ERROR_FORM_RENEWED and
 * "form" holds that form: fill in its other fields and call again with it
 * as form (NULL the first time). When the connection drops before the
 * answer, logging in settles it: success if the new password works, an
 * error saying the old password is still in effect if the old one does,
 * OUTCOME_UNKNOWN if neither. */
void                enlist_registration_change_password_async  (EnlistRegistration  *self,
                                                                const char          *username,
                                                                const char          *old_password,
                                                                const char          *new_password,
                                                                EnlistDataForm      *form,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            enlist_registration_change_password_finish (EnlistRegistration  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Deletes the account; succeeds only once a login with it is refused. */
void                enlist_registration_delete_account_async   (EnlistRegistration  *self,
                                                                const char          *username,
                                                                const char          *password,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            enlist_registration_delete_account_finish  (EnlistRegistration  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Logs in and asks the server (disco#info) whether it lists jabber:iq:register. */
void                enlist_registration_supported_async        (EnlistRegistration  *self,
                                                                const char          *username,
                                                                const char          *password,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            enlist_registration_supported_finish       (EnlistRegistration  *self,
                                                                GAsyncResult        *result,
                                                                gboolean            *supported,
                                                                GError             **error);

/* Closes the connection kept open after fetch_form, politely (the server
 * sees </stream:stream>). Succeeds when there is none. */
void                enlist_registration_close_async            (EnlistRegistration  *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            enlist_registration_close_finish           (EnlistRegistration  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
