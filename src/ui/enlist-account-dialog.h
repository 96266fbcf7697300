/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-dialog.h: an account's settings, titled with its
 * address: what Enlist knows about it (address, server and connection,
 * when it was created, the certificate pinned for its server) and the
 * "Password" group that changes its password on the server — "Current
 * Password" filled from the keyring, "New Password" and "Confirm New
 * Password" with strength and Generate, the server's own extra fields when
 * it asks for them, and "Change Password". */
#pragma once

#include <adwaita.h>

#include "enlist-account-manager.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_ACCOUNT_DIALOG (enlist_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnlistAccountDialog, enlist_account_dialog, ENLIST, ACCOUNT_DIALOG,
                      AdwPreferencesWindow)

/* Properties "manager" and "account" (construct-only). The dialog closes
 * by itself when the account leaves the manager. */
GtkWidget     *enlist_account_dialog_new            (EnlistAccountManager *manager,
                                                     EnlistAccount        *account);
EnlistAccount *enlist_account_dialog_get_account    (EnlistAccountDialog  *self);

/* Brings the Password group into view with the focus on "New Password". */
void           enlist_account_dialog_focus_password (EnlistAccountDialog  *self);

/* TRUE while a password change is under way. */
gboolean       enlist_account_dialog_get_busy       (EnlistAccountDialog  *self);

G_END_DECLS
