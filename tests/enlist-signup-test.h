/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-signup-test.h: what the sign-up assistant's tests share: data
 * directories in the keyring session's XDG_DATA_HOME, the application's
 * demo servers, an account manager, and driving the assistant's pages as
 * a person would (typing, suggestions, forms with their CAPTCHA, waiting
 * for pages), checked from outside where it matters (the keyring). */
#pragma once

#include <adwaita.h>

#include "enlist-account-manager.h"
#include "enlist-form-page.h"
#include "enlist-provider-list.h"
#include "enlist-server-page.h"
#include "enlist-signup-assistant.h"
#include "enlist-test-servers.h"

G_BEGIN_DECLS

#define SIGNUP_PASSWORD "correct horse 42 battery"
#define SIGNUP_WAIT_MS  60000

/* The servers the test binary started (set by its main ()). */
extern EnlistTestServers *signup_servers;

/* A data directory of its own under the keyring session's XDG_DATA_HOME. */
char                  *signup_make_data_dir           (void);
char                  *signup_random_user             (const char            *prefix);
guint16                signup_port_of                 (const char            *server);
/* The --demo-server values tools/run gives the application. */
GStrv                  signup_demo_options            (void);
/* The application's provider list for an assistant on its own: the
 * bundled providers and the demo servers. */
EnlistProviderList    *signup_demo_providers          (void);
EnlistAccountManager  *signup_new_manager             (const char            *dir,
                                                       const char            *ca_file);
EnlistServerPage      *signup_server_page_of          (EnlistSignupAssistant *assistant);
EnlistFormPage        *signup_form_page_of            (EnlistSignupAssistant *assistant);
EnlistFormView        *signup_view_of                 (EnlistSignupAssistant *assistant);
gboolean               signup_not_busy                (gpointer               data);
/* Waits for page; a server page with an error instead fails the test
 * with that error. */
void                   signup_wait_page               (EnlistSignupAssistant *assistant,
                                                       const char            *page);
void                   signup_activate                (EnlistSignupAssistant *assistant,
                                                       const char            *action);
/* What a button bound to the action shows: it is on or off with it. */
gboolean               signup_action_enabled          (EnlistSignupAssistant *assistant,
                                                       const char            *action);
void                   signup_type_text               (GtkWidget             *editable,
                                                       const char            *text);
const char            *signup_text_of                 (GtkWidget             *editable);
/* What the server entry says. */
const char            *signup_server_text             (EnlistSignupAssistant *assistant);
/* Found and visible. */
gboolean               signup_shown                   (GtkWidget             *widget);
GtkWidget             *signup_field_entry             (EnlistSignupAssistant *assistant,
                                                       const char            *var);
EnlistPasswordRows    *signup_password_rows_of        (EnlistSignupAssistant *assistant);
/* The answer ejabberd expects for the CAPTCHA of the form shown, from the
 * test servers' answer files. */
char                  *signup_captcha_answer          (EnlistSignupAssistant *assistant);
const char            *signup_captcha_var             (EnlistSignupAssistant *assistant);
/* Fills in the form shown as a person would: name, password twice, and
 * the CAPTCHA when there is one. */
void                   signup_fill_form               (EnlistSignupAssistant *assistant,
                                                       const char            *user,
                                                       const char            *password);
/* Types text into the server entry and takes the index-th suggestion the
 * way the keyboard does: Down index + 1 times, then Enter. */
void                   signup_choose_suggestion       (EnlistSignupAssistant *assistant,
                                                       const char            *text,
                                                       guint                  index);
EnlistSignupAssistant *signup_new_assistant           (EnlistAccountManager  *manager,
                                                       EnlistProviderList    *providers);
gboolean               signup_toplevel_gone           (gpointer               data);
gboolean               signup_toplevel_shown          (gpointer               data);
EnlistSignupAssistant *signup_wait_assistant          (void);
/* Closes an assistant that has nothing left to ask about. */
void                   signup_close_assistant         (EnlistSignupAssistant *assistant);
/* The window with an open popover drawn over it where it shows on the
 * screen (a popover has a surface of its own, which the window's
 * rendering does not include). */
void                   signup_screenshot_with_popover (GtkWidget             *window,
                                                       GtkWidget             *popover,
                                                       const char            *name);
/* Every keyring item of Enlist's schema, pending or not. */
guint                  signup_count_keyring_items     (void);
gboolean               signup_captcha_shown           (gpointer               data);
const char            *signup_captcha_uri             (EnlistSignupAssistant *assistant);
gboolean               signup_pointer_cleared         (gpointer               data);
void                   signup_type_endpoint           (EnlistSignupAssistant *assistant,
                                                       const char            *domain,
                                                       guint16                port);

G_END_DECLS
