/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account.h: one account Enlist keeps: the facts that are not
 * secret (its address, where it lives, how it was reached, when it was
 * created) and where it stands. The password is never here: only the
 * keyring has it, through EnlistAccountManager. */
#pragma once

#include <gio/gio.h>

#include "enlist-account-enums.h"
#include "enlist-account-types.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_ACCOUNT (enlist_account_get_type ())
G_DECLARE_FINAL_TYPE (EnlistAccount, enlist_account, ENLIST, ACCOUNT, GObject)

/* Properties (read-only for front ends, notified on change): "address",
 * "domain", "host" (NULL: found through DNS), "port", "direct-tls",
 * "created" (GDateTime, UTC), "state" (EnlistAccountState), "resolving"
 * (TRUE while the manager is settling a pending state), "status" (a
 * sentence for people about a state other than READY, else NULL). */
const char         *enlist_account_get_address    (EnlistAccount *self);
const char         *enlist_account_get_domain     (EnlistAccount *self);
const char         *enlist_account_get_host       (EnlistAccount *self);
guint16             enlist_account_get_port       (EnlistAccount *self);
gboolean            enlist_account_get_direct_tls (EnlistAccount *self);
GDateTime          *enlist_account_get_created    (EnlistAccount *self);
EnlistAccountState  enlist_account_get_state      (EnlistAccount *self);
gboolean            enlist_account_get_resolving  (EnlistAccount *self);
const char         *enlist_account_get_status     (EnlistAccount *self);
/* The local part of the address, as the server spells it. */
char               *enlist_account_dup_username   (EnlistAccount *self);

G_END_DECLS
