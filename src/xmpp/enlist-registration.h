/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration.h: the registration service the front ends talk to:
 * In-Band Registration (XEP-0077) with CAPTCHA forms (XEP-0158) and
 * invitations (XEP-0401/0445), password change, account deletion, and the
 * disco#info support check. Each operation uses its own connection. */
#pragma once

#include <gio/gio.h>

#include "enlist-connection.h"
#include "enlist-data-form.h"

G_BEGIN_DECLS

#define ENLIST_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
#define ENLIST_NS_PARS             "urn:xmpp:pars:0"
#define ENLIST_NS_IBR_TOKEN        "urn:xmpp:ibr-token:0"
#define ENLIST_NS_INVITE           "urn:xmpp:invite"

#define ENLIST_TYPE_REGISTRATION (enlist_registration_get_type ())
G_DECLARE_FINAL_TYPE (EnlistRegistration, enlist_registration, ENLIST, REGISTRATION, GObject)

/* Properties: "domain" (construct-only; an invitation replaces it), "form"
 * (read-only, the current registration form, notified whenever a fresh one
 * replaces it), "verify" (read-write, default TRUE). */
EnlistRegistration *enlist_registration_new              (const char          *domain);
const char         *enlist_registration_get_domain       (EnlistRegistration  *self);
EnlistDataForm     *enlist_registration_get_form         (EnlistRegistration  *self);
gboolean            enlist_registration_get_verify       (EnlistRegistration  *self);
/* After a successful registration, log in with the new account before
 * reporting success: on the same stream where the server allows SASL after
 * registering (it saves a connection), else on a fresh one. */
void                enlist_registration_set_verify       (EnlistRegistration  *self,
                                                          gboolean             verify);

/* Connection options, copied onto every connection an operation opens
 * (operations already running keep the options they started with). */
void                enlist_registration_set_endpoint     (EnlistRegistration  *self,
                                                          const char          *host,
                                                          guint16              port,
                                                          gboolean             direct_tls);
gboolean            enlist_registration_set_ca_file      (EnlistRegistration  *self,
                                                          const char          *path,
                                                          GError             **error);
void                enlist_registration_add_pinned_fingerprint (EnlistRegistration *self,
                                                          const char          *fingerprint);
void                enlist_registration_set_timeout      (EnlistRegistration  *self,
                                                          guint                timeout_ms);

/* An invitation xmpp:DOMAIN?register;preauth=TOKEN: its domain becomes the
 * registration domain, and fetch_form redeems the token first when the
 * server advertises invitations. NULL forgets the invitation. */
gboolean            enlist_registration_set_invite       (EnlistRegistration  *self,
                                                          const char          *uri,
                                                          GError             **error);
const char         *enlist_registration_get_invite_token (EnlistRegistration  *self);

/* Connects, checks that the server offers registration, redeems the
 * invitation if any, and fetches the form, which also becomes the "form"
 * property. The returned form may say the account is already registered
 * (is_registered) or that registration happens on a web page (get_oob_url,
 * or no fields and instructions). The connection stays open for submit. */
void                enlist_registration_fetch_form_async (EnlistRegistration  *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnlistDataForm     *enlist_registration_fetch_form_finish (EnlistRegistration *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Validates form (errors in ENLIST_ERROR, nothing sent) and
 * submits it. Returns the new bare JID; *verified tells whether a login
 * with the new account succeeded (always FALSE when verify is off). Server
 * refusals are ENLIST_ERROR_STANZA with the condition and the server's text.
 * After a failed CAPTCHA form, or when the server sends another form, a
 * fresh form replaces "form" (the values typed carried over, except the
 * CAPTCHA answer) and the error is still returned. When the connection was
 * lost meanwhile, submit reconnects, fetches a fresh form and sends the
 * values again when the form is unchanged and has no CAPTCHA; otherwise it
 * fails with CAPTCHA_RENEWED or FORM_RENEWED and the fresh form in "form". */
void                enlist_registration_submit_async     (EnlistRegistration  *self,
                                                          EnlistDataForm      *form,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char               *enlist_registration_submit_finish    (EnlistRegistration  *self,
                                                          GAsyncResult        *result,
                                                          gboolean            *verified,
                                                          GError             **error);

/* Changes the password of username on the registration domain. When the
 * connection drops before the answer, logs in to learn which password is
 * valid: success if the new one, the connection error if the old one,
 * OUTCOME_UNKNOWN if neither. */
void                enlist_registration_change_password_async  (EnlistRegistration  *self,
                                                                const char          *username,
                                                                const char          *old_password,
                                                                const char          *new_password,
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

/* For tests: the connection the current form was fetched on, or NULL. */
EnlistConnection   *enlist_registration_get_connection         (EnlistRegistration  *self);

G_END_DECLS
