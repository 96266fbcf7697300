/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-assistant-private.h: what the assistant's two halves
 * share — the window with its pages, states and back stack
 * (enlist-signup-assistant.c) and the service calls behind it
 * (enlist-signup-flow.c). */
#pragma once

#include "enlist-certificate-page.h"
#include "enlist-form-page.h"
#include "enlist-progress-page.h"
#include "enlist-result-page.h"
#include "enlist-server-page.h"
#include "enlist-signup-assistant.h"
#include "enlist-web-page.h"

G_BEGIN_DECLS

/* The pages, in the order of the flow. */
typedef enum
{
  PAGE_SERVER,
  PAGE_PROGRESS,
  PAGE_CERTIFICATE,
  PAGE_FORM,
  PAGE_WEB,
  PAGE_RESULT,
  N_PAGES
} Page;

/* "server", "progress", … */
extern const char * const enlist_signup_page_names[N_PAGES];

/* What the service is doing for the assistant (one thing at a time, as
 * EnlistRegistration wants). */
typedef enum
{
  OP_NONE,
  OP_FETCHING,         /* connecting and asking for the form */
  OP_TRUSTING,         /* pinning a certificate */
  OP_LOADING_CAPTCHA,
  OP_RENEWING,         /* "New Image": a fresh form */
  OP_REGISTERING,      /* the form is on its way: cancelling no longer stops it */
} Operation;

/* Where an attempt connects: what the server page said when it began. */
typedef struct
{
  char     *domain;
  char     *host;
  guint16   port;
  gboolean  direct_tls;
  char     *invite;
} Endpoint;

struct _EnlistSignupAssistant
{
  AdwWindow              parent_instance;

  AdwWindowTitle        *window_title;
  GtkWidget             *back_button;
  GtkWidget             *cancel_button;
  GtkStack              *stack;
  EnlistServerPage      *server_page;
  EnlistProgressPage    *progress_page;
  EnlistCertificatePage *certificate_page;
  EnlistFormPage        *form_page;
  EnlistWebPage         *web_page;
  EnlistResultPage      *result_page;

  EnlistAccountManager  *manager;
  EnlistProviderList    *providers;
  GCancellable          *cancellable;  /* the window's, cancelled when it goes */
  GCancellable          *attempt;      /* what "Cancel" stops */

  Page                   page;
  GArray                *back_stack;   /* Page */
  EnlistPageState        state;
  Operation              op;

  EnlistRegistration    *registration;
  Endpoint               endpoint;     /* of registration */
  EnlistDataForm        *form;         /* the form shown, the registration's */

  gboolean               close_confirmed;
  GtkWindow             *close_dialog;  /* asking whether to close (weak) */
};

/* enlist-signup-assistant.c: pages and states */

/* Shows page (Back returns to the server and form pages). */
void enlist_signup_assistant_show_page                (EnlistSignupAssistant *self,
                                                       Page                   page);
/* What the state of the page shown allows: sensitivity, the default
 * widget, Back and Cancel. */
void enlist_signup_assistant_update                   (EnlistSignupAssistant *self);
void enlist_signup_assistant_set_op                   (EnlistSignupAssistant *self,
                                                       Operation              op);
void enlist_signup_assistant_leave_page_focus         (EnlistSignupAssistant *self);
void enlist_signup_assistant_emit_account_created     (EnlistSignupAssistant *self,
                                                       EnlistAccount         *account,
                                                       const char            *address);

/* enlist-signup-flow.c: the service calls */

void enlist_signup_endpoint_clear                     (Endpoint              *endpoint);
/* Next: a form from the server on the server page, or the form kept from
 * before when the server is the same. */
void enlist_signup_assistant_start_attempt            (EnlistSignupAssistant *self);
/* The registration goes (its connection closed politely), with its form. */
void enlist_signup_assistant_drop_registration        (EnlistSignupAssistant *self);
/* An error that ended the attempt, on the server page with what to do. */
void enlist_signup_assistant_show_attempt_error       (EnlistSignupAssistant *self,
                                                       const GError          *error);
void enlist_signup_assistant_trust_certificate        (EnlistSignupAssistant *self);
void enlist_signup_assistant_cancel_certificate       (EnlistSignupAssistant *self);
void enlist_signup_assistant_register                 (EnlistSignupAssistant *self);
void enlist_signup_assistant_renew_captcha            (EnlistSignupAssistant *self);

G_END_DECLS
