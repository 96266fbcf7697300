/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ui-test-app.h: the whole application in a UI test — started on a
 * data directory of its own, trusting the test servers' certificate — and
 * the accounts it works on, made and checked from outside: registered on
 * the real servers through an account manager of the test's own, the
 * keyring read from outside (enlist-test-keyring.h), the account file
 * with GKeyFile, logins through a fresh EnlistRegistration. */
#pragma once

#include <adwaita.h>

#include "enlist-application.h"
#include "enlist-test-keyring.h"
#include "enlist-test-servers.h"
#include "enlist-window.h"

G_BEGIN_DECLS

/* A new empty data directory; remove_dir removes it with its files. */
char              *enlist_ui_test_make_dir         (void);
void               enlist_ui_test_remove_dir       (const char        *dir);

/* What a test does with the running application. */
typedef void (*EnlistUiTestAppFunc) (EnlistApplication *app,
                                     gpointer           user_data);

/* Runs the application as main () does (g_application_run with argv, NULL
 * for none), on data_dir and trusting ca_file (either may be NULL); once
 * it is activated, its accounts loaded and its main window shown, calls
 * func, then closes every window and quits. Checks that the application
 * exits with status 0 and is finalized. Returns the exit status. */
int                enlist_ui_test_app_run          (const char         *data_dir,
                                                    const char         *ca_file,
                                                    const char * const *argv,
                                                    EnlistUiTestAppFunc func,
                                                    gpointer            user_data);
EnlistWindow      *enlist_ui_test_app_window       (EnlistApplication *app);

/* A new account PREFIXnnnn on server ("prosody"), registered through an
 * account manager on data_dir that is then dropped; returns its address. */
char              *enlist_ui_test_register         (EnlistTestServers *servers,
                                                    const char        *data_dir,
                                                    const char        *server,
                                                    const char        *prefix,
                                                    const char        *password);

/* TRUE when the account file in data_dir has a record of address. */
gboolean           enlist_ui_test_has_record       (const char        *data_dir,
                                                    const char        *address);
/* Adds a record to the account file in data_dir, as a crashed Enlist
 * would leave it: state is "ready", "registration-pending", … */
void               enlist_ui_test_add_record       (const char        *data_dir,
                                                    const char        *address,
                                                    guint16            port,
                                                    const char        *state);

/* Logs in as address (user@domain) on server's STARTTLS port, from a
 * fresh EnlistRegistration; the error says why not. */
gboolean           enlist_ui_test_login            (EnlistTestServers *servers,
                                                    const char        *server,
                                                    const char        *address,
                                                    const char        *password,
                                                    GError           **error);

/* Activates button as Enter or a click would, and returns once it has
 * been clicked (GTK shows it pressed for a moment first). */
void               enlist_ui_test_click            (GtkWidget         *button);
/* The row of address in the main window, or NULL. */
GtkWidget         *enlist_ui_test_find_row         (EnlistWindow      *window,
                                                    const char        *address);
/* The first visible toplevel of type (an AdwMessageDialog subclass, an
 * AdwAboutWindow…), or NULL. */
GtkWindow         *enlist_ui_test_find_toplevel    (GType              type);
/* The first GtkLabel under root whose text contains part, or NULL. */
GtkLabel          *enlist_ui_test_find_label       (GtkWidget         *root,
                                                    const char        *part);
/* The labels of a menu model's items, sections flattened, mnemonics
 * removed, joined by "|"; with their actions as "label=action". */
char              *enlist_ui_test_menu_items       (GMenuModel        *menu);

G_END_DECLS
