/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-private.h: what only EnlistAccountManager may do to an
 * EnlistAccount — make one, and change it. Each setter notifies the
 * properties that changed ("status" with "state" and "resolving"). */
#pragma once

#include "enlist-account.h"
#include "enlist-account-file.h"

G_BEGIN_DECLS

EnlistAccount       *enlist_account_new_from_record (const EnlistAccountRecord *record);
/* The facts the account file keeps. */
EnlistAccountRecord *enlist_account_to_record       (EnlistAccount             *self);

void                 enlist_account_set_address     (EnlistAccount             *self,
                                                     const char                *address);
void                 enlist_account_set_state       (EnlistAccount             *self,
                                                     EnlistAccountState         state);
void                 enlist_account_set_resolving   (EnlistAccount             *self,
                                                     gboolean                   resolving);
/* The domain of address: what an account known only by the keyring is on. */
char                *enlist_account_address_domain  (const char                *address);

G_END_DECLS
