/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-window.h: the main window: the accounts Enlist keeps, what can be
 * done with each (through its row's menu), and toasts for what was done. */
#pragma once

#include <adwaita.h>

#include "enlist-account.h"
#include "enlist-application.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_WINDOW (enlist_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlistWindow, enlist_window, ENLIST, WINDOW, AdwApplicationWindow)

EnlistWindow *enlist_window_new              (EnlistApplication *application);

/* Shows text (plain text, never markup) in a toast. */
void          enlist_window_add_toast        (EnlistWindow      *self,
                                              const char        *text);

/* The same with a "Details" button that shows details (plain text) in a
 * dialog headed with text: for news too long for a toast. */
void          enlist_window_add_toast_with_details (EnlistWindow *self,
                                                    const char   *text,
                                                    const char   *details);

/* What the rows' menus do; each returns at once and reports in the
 * window. open_account presents the account's settings dialog (at its
 * Password group when at_password) and returns it. */
GtkWindow    *enlist_window_open_account     (EnlistWindow      *self,
                                              EnlistAccount     *account,
                                              gboolean           at_password);
void          enlist_window_delete_account   (EnlistWindow      *self,
                                              EnlistAccount     *account);
void          enlist_window_forget_account   (EnlistWindow      *self,
                                              EnlistAccount     *account);

G_END_DECLS
