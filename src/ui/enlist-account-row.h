/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-row.h: one account in the main window's list: its
 * address, where it lives or where it stands, and its menu ("Account
 * Menu": Change Password…, Delete Account…, Forget on This Computer, Copy
 * Address — the row actions account.change-password, account.delete,
 * account.forget and account.copy-address). The row lives in an
 * EnlistWindow, which carries out what the menu asks for. */
#pragma once

#include <adwaita.h>

#include "enlist-account.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_ACCOUNT_ROW (enlist_account_row_get_type ())
G_DECLARE_FINAL_TYPE (EnlistAccountRow, enlist_account_row, ENLIST, ACCOUNT_ROW,
                      AdwActionRow)

/* Property "account" (construct-only). */
GtkWidget     *enlist_account_row_new         (EnlistAccount    *account);
EnlistAccount *enlist_account_row_get_account (EnlistAccountRow *self);

/* While the window works on the account: status (plain text) replaces the
 * subtitle, a spinner turns and the menu is off; NULL ends it. */
void           enlist_account_row_set_busy    (EnlistAccountRow *self,
                                               const char       *status);

/* What the subtitle says when nothing is going on: the domain, or
 * host:port when the account has an endpoint of its own. */
char          *enlist_account_row_dup_location (EnlistAccount   *account);

G_END_DECLS
