/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-assistant.h: the sign-up assistant, a window of its own:
 * the server (suggestions, advanced settings, invitations) → connecting
 * (the service's stage, Cancel) → the certificate, when it does not
 * verify → the server's form (with its CAPTCHA) or its web page → the new
 * account, its address and where its password is kept. A stack of pages
 * with a back stack of our own, and one explicit state per page that
 * decides what can be clicked and what Enter does. */
#pragma once

#include <adwaita.h>

#include "enlist-account-manager.h"
#include "enlist-application.h"
#include "enlist-provider-list.h"

G_BEGIN_DECLS

/* Where the page shown stands, for sensitivity and the default widget. */
typedef enum
{
  ENLIST_PAGE_STATE_IDLE,   /* waiting for input: nothing to go on with yet */
  ENLIST_PAGE_STATE_READY,  /* enough input: Enter goes on */
  ENLIST_PAGE_STATE_BUSY,   /* the service is working */
  ENLIST_PAGE_STATE_ERROR,  /* the last attempt failed; the page says why */
  ENLIST_PAGE_STATE_DONE,   /* nothing more to do here */
} EnlistPageState;

GType enlist_page_state_get_type (void) G_GNUC_CONST;
#define ENLIST_TYPE_PAGE_STATE (enlist_page_state_get_type ())

#define ENLIST_TYPE_SIGNUP_ASSISTANT (enlist_signup_assistant_get_type ())
G_DECLARE_FINAL_TYPE (EnlistSignupAssistant, enlist_signup_assistant,
                      ENLIST, SIGNUP_ASSISTANT, AdwWindow)

/* Properties "page" (the name of the page shown: "server", "progress",
 * "certificate", "form", "web", "result") and "state" (its
 * EnlistPageState), read-only and notified.
 *
 * Signal "account-created" (EnlistAccount *account or NULL, const char
 * *address or NULL): the server created an account (the manager has
 * recorded it), also when the window was closed while waiting.
 *
 * Actions: "assistant.back" (Alt+Left), "assistant.cancel" (Escape: stops
 * connecting, else closes — asking first when the form was filled in or a
 * registration is on its way), "assistant.next", "assistant.register",
 * "assistant.done". */
EnlistSignupAssistant *enlist_signup_assistant_new              (EnlistAccountManager  *manager,
                                                                 EnlistProviderList    *providers);

/* Starts from an xmpp: link asking to register (an invitation or a plain
 * xmpp:DOMAIN?register): the server page is filled in as if the link had
 * been pasted, and the form is fetched at once. */
void                   enlist_signup_assistant_open_uri         (EnlistSignupAssistant *self,
                                                                 const char            *uri);

const char            *enlist_signup_assistant_get_page         (EnlistSignupAssistant *self);
EnlistPageState        enlist_signup_assistant_get_state        (EnlistSignupAssistant *self);
/* The page widget named name (see "page"). */
GtkWidget             *enlist_signup_assistant_get_page_widget  (EnlistSignupAssistant *self,
                                                                 const char            *name);
/* The registration of the attempt under way or shown, or NULL. */
EnlistRegistration    *enlist_signup_assistant_get_registration (EnlistSignupAssistant *self);

/* The application's sign-up: presents the assistant for application (over
 * its main window), for uri (an xmpp: link asking to register) or NULL. An
 * assistant already open is reused unless the user is in the middle of a
 * form there; a created account is announced in the main window. */
EnlistSignupAssistant *enlist_signup_assistant_present          (EnlistApplication     *application,
                                                                 const char            *uri);

G_END_DECLS
