/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-registration-private.h: what the parts of the registration service
 * share (enlist-registration.c: the object and fetching; -probe.c: probing
 * and CAPTCHA images; -submit.c: submission; -account.c: logins, password
 * change, deletion), and the one thing tests may look at: the connection
 * the current form was fetched on. */
#pragma once

#include "enlist-connection.h"
#include "enlist-data-form-private.h"
#include "enlist-registration.h"

G_BEGIN_DECLS

#define ENLIST_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
#define ENLIST_NS_PARS             "urn:xmpp:pars:0"
#define ENLIST_NS_IBR_TOKEN        "urn:xmpp:ibr-token:0"
#define ENLIST_NS_INVITE           "urn:xmpp:invite"

struct _EnlistRegistration
{
  GObject                  parent_instance;

  /* settings */
  char                    *domain;
  char                    *host;
  guint16                  port;
  gboolean                 direct_tls;
  char                    *ca_file;
  GPtrArray               *pins;
  guint                    timeout_ms;
  gboolean                 verify;
  gboolean                 pipelining;
  char                    *invite_token;
  char                    *invite_username;

  /* state */
  EnlistRegistrationStage  stage;
  gboolean                 busy;
  EnlistDataForm          *form;
  EnlistConnection        *conn;      /* the connection form was fetched on */
};

/* For tests: the connection the current form was fetched on, or NULL. */
EnlistConnection *enlist_registration_get_connection (EnlistRegistration *self);

/* ---- one operation at a time ------------------------------------------ */

/* Starts a public operation: busy, in stage. */
void              enlist_registration_begin          (EnlistRegistration      *self,
                                                      EnlistRegistrationStage  stage);
void              enlist_registration_set_stage      (EnlistRegistration      *self,
                                                      EnlistRegistrationStage  stage);
/* The first stage of an operation that opens a connection. */
EnlistRegistrationStage enlist_registration_connecting_stage (EnlistRegistration *self);
/* Ends the operation of task (not busy, IDLE), then completes task; every
 * public operation ends through one of these. */
void              enlist_registration_return_error   (GTask                   *task,
                                                      GError                  *error);
void              enlist_registration_return_pointer (GTask                   *task,
                                                      gpointer                 result,
                                                      GDestroyNotify           destroy);
void              enlist_registration_return_boolean (GTask                   *task,
                                                      gboolean                 result);

/* ---- connections -------------------------------------------------------- */

/* A connection with the current settings; with show_steps its DNS, TCP and
 * TLS steps become the stage while the operation runs. */
EnlistConnection *enlist_registration_new_connection (EnlistRegistration      *self,
                                                      gboolean                 show_steps,
                                                      GError                 **error);
/* Closes conn in the background unless it is closed or closing already. */
void              enlist_registration_close_quietly  (EnlistConnection        *conn);
/* Whether every server stores username exactly as it is (ASCII without
 * capitals): then a login can end at SASL <success/> and a request naming
 * the account can go before the server bound its own spelling. */
gboolean          enlist_registration_name_is_prepared (const char            *username);
/* Errors after which a request may or may not have reached the server. */
gboolean          enlist_registration_is_connection_loss (const GError        *error);
/* The server on conn advertises registration with invitations (XEP-0401
 * or XEP-0379's "urn:xmpp:invite"). */
gboolean          enlist_registration_takes_invitations (EnlistConnection     *conn);
EnlistXmlNode    *enlist_registration_new_iq         (const char              *type,
                                                      const char              *to);
/* Wipes the text of node and its children (ejabberd echoes passwords in
 * its error replies), then frees it; NULL is fine. */
void              enlist_registration_wipe_free_node (EnlistXmlNode           *node);

/* ---- forms -------------------------------------------------------------- */

/* Makes form (fetched on conn) the current one, closing the connection of
 * the one before; notifies "form". */
void              enlist_registration_install_form  (EnlistRegistration      *self,
                                                      EnlistDataForm          *form,
                                                      EnlistConnection        *conn);
/* (enlist-registration-submit.c) The field of form that holds the
 * account's name, or its password. */
EnlistFormField  *enlist_registration_username_field (EnlistDataForm          *form);
EnlistFormField  *enlist_registration_password_field (EnlistDataForm          *form);
/* A stanza error answered to a registration request, with a message for
 * people chosen by condition (and error type) and the field it concerns in
 * form (may be NULL: a request other than the submission of form, for
 * which a "wait" refusal is not about creating accounts too quickly);
 * other errors are copied. uninvited: the server takes
 * invitations and none was given, so that a refusal of the details most
 * likely means that an invitation is needed (Prosody's invite-only hosts
 * answer not-acceptable). */
GError           *enlist_registration_error          (const GError            *error,
                                                      const EnlistXmlNode     *error_reply,
                                                      EnlistDataForm          *form,
                                                      gboolean                 uninvited);
/* The form the server asks for instead, in an error reply, or NULL. */
const EnlistXmlNode *enlist_registration_alternative_form_query (const EnlistXmlNode *error_reply);

/* Connects (or, with reuse, uses the current connection while it is up),
 * redeems the invitation, and fetches a form; finish gives the form and the
 * connection it came over. */
void              enlist_registration_fetch_internal_async  (EnlistRegistration  *self,
                                                             gboolean             reuse,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
EnlistDataForm   *enlist_registration_fetch_internal_finish (EnlistRegistration  *self,
                                                             GAsyncResult        *result,
                                                             EnlistConnection   **conn,
                                                             GError             **error);

/* ---- logins (enlist-registration-account.c) ----------------------------- */

/* Logs in on a new connection (steps not shown) and out again; finish
 * gives the JID the server bound (ENLIST_ERROR_AUTH_FAILED when the
 * credentials are refused). */
void              enlist_registration_login_check_async  (EnlistRegistration  *self,
                                                          const char          *username,
                                                          const char          *password,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char             *enlist_registration_login_check_finish (EnlistRegistration  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
