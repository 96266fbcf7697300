/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-application.h: the AdwApplication: app-wide actions, the main
 * window, command-line options and xmpp: URIs, and the objects every
 * window shares — the account manager, the settings and the provider
 * list. */
#pragma once

#include <adwaita.h>

#include "enlist-account-manager.h"
#include "enlist-provider-list.h"
#include "enlist-settings.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_APPLICATION (enlist_application_get_type ())
G_DECLARE_FINAL_TYPE (EnlistApplication, enlist_application, ENLIST, APPLICATION,
                      AdwApplication)

/* The compiled-in resources (data/ and src/ui/); main () and the UI tests
 * call this once, before any widget is built. */
void                  enlist_application_register_resources  (void);

/* Options (handled in the instance that starts; a second instance hands
 * its URIs to the first and says that its options were not used):
 *   --ca-file FILE   certificate authorities (PEM, one or more) trusted
 *                    besides the system store, for this instance only:
 *                    handed to the account manager and the provider list
 *   --demo-server LABEL=DOMAIN,HOST,PORT[,direct-tls]   (repeatable) a
 *                    local server suggested first, endpoint preset
 *
 * Properties "ca-file" and "data-dir" (where the account file is; NULL:
 * the user data directory) are read at startup: set them before.
 *
 * Signal "create-account" (const char *uri_or_null): the sign-up assistant
 * is wanted, for an xmpp:DOMAIN?register[;preauth=TOKEN] URI or from the
 * start; its class handler presents it (enlist_signup_assistant_present),
 * unless a handler stops the emission. */
EnlistApplication    *enlist_application_new                 (void);

/* The objects shared by the windows; NULL before startup. */
EnlistAccountManager *enlist_application_get_account_manager (EnlistApplication *self);
EnlistSettings       *enlist_application_get_settings        (EnlistApplication *self);
/* TRUE while the account manager reads the accounts at startup
 * (property "loading"). */
gboolean              enlist_application_get_loading         (EnlistApplication *self);
/* The bundled providers, with the --demo-server ones first. */
EnlistProviderList   *enlist_application_get_provider_list   (EnlistApplication *self);

const char           *enlist_application_get_ca_file         (EnlistApplication *self);
void                  enlist_application_set_ca_file         (EnlistApplication *self,
                                                              const char        *path);
const char           *enlist_application_get_data_dir        (EnlistApplication *self);
void                  enlist_application_set_data_dir        (EnlistApplication *self,
                                                              const char        *path);

/* The demo providers given with --demo-server, in order (a borrowed
 * GPtrArray of EnlistProvider, never NULL). */
GPtrArray            *enlist_application_get_demo_providers  (EnlistApplication *self);
/* Parses one --demo-server value, LABEL=DOMAIN,HOST,PORT[,direct-tls], into
 * a demo provider; NULL with G_OPTION_ERROR_BAD_VALUE saying what is
 * wrong. */
EnlistProvider       *enlist_application_parse_demo_server   (const char        *value,
                                                              GError           **error);

/* The main window, or NULL when it is not open. */
GtkWindow            *enlist_application_get_main_window     (EnlistApplication *self);

/* Asks for the sign-up assistant ("create-account"), for uri (an
 * xmpp:…?register URI) or NULL. */
void                  enlist_application_create_account      (EnlistApplication *self,
                                                              const char        *uri);

/* TRUE if uri is an xmpp: URI asking to register (XEP-0147 "register"
 * action, with or without an invitation token). */
gboolean              enlist_application_uri_is_register     (const char        *uri);

G_END_DECLS
