/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-manager-private.h: what the manager's source files share:
 * enlist-account-manager.c (the model, the local operations),
 * enlist-account-load.c (listing what the file and the keyring hold),
 * enlist-account-flows.c (register, change password, delete) and
 * enlist-account-settle.c (settling pending accounts). */
#pragma once

#include "enlist-account-file.h"
#include "enlist-account-manager.h"
#include "enlist-account-private.h"

G_BEGIN_DECLS

struct _EnlistAccountManager
{
  GObject            parent_instance;

  char              *data_dir;
  EnlistAccountFile *file;
  EnlistKeyring     *keyring;
  EnlistTrustStore  *trust_store;
  char              *ca_file;
  guint              timeout_ms;

  /* EnlistAccount, sorted by address (enlist_account_address_compare). */
  GPtrArray         *accounts;
  /* Accounts a flow is working on (EnlistAccount → count): not settled
   * behind the flow's back. */
  GHashTable        *busy;
  /* Accounts being settled → GPtrArray of the resolve_pending tasks that
   * wait for them. */
  GHashTable        *settling;
  /* Background work (settling after load), cancelled in dispose. */
  GCancellable      *cancellable;

  gboolean           loading;
  gboolean           loaded;
  /* The account file could not be read: it is not written either. */
  gboolean           file_damaged;
};

/* The model. items_changed emits GListModel's signal (and notifies
 * "n-items" when the count changed); add inserts in order, remove takes the account out, resort
 * moves it after its address changed; each emits items-changed. */
void           enlist_account_manager_items_changed (EnlistAccountManager *self,
                                                     guint                 position,
                                                     guint                 removed,
                                                     guint                 added);
void           enlist_account_manager_add          (EnlistAccountManager *self,
                                                    EnlistAccount        *account);
void           enlist_account_manager_remove       (EnlistAccountManager *self,
                                                    EnlistAccount        *account);
void           enlist_account_manager_resort       (EnlistAccountManager *self,
                                                    EnlistAccount        *account);
gboolean       enlist_account_manager_contains     (EnlistAccountManager *self,
                                                    EnlistAccount        *account);

/* Flows mark the accounts they work on. */
void           enlist_account_manager_hold         (EnlistAccountManager *self,
                                                    EnlistAccount        *account);
void           enlist_account_manager_release      (EnlistAccountManager *self,
                                                    EnlistAccount        *account);
gboolean       enlist_account_manager_is_busy      (EnlistAccountManager *self,
                                                    EnlistAccount        *account);

/* Writes the account's record as it is now (account NULL: removes the
 * record of address). Never fails: a write error is signalled
 * ("file-error"), since the keyring is what counts, and nothing is written
 * while the file is damaged. */
void           enlist_account_manager_save_async   (EnlistAccountManager *self,
                                                    EnlistAccount        *account,
                                                    const char           *address,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
void           enlist_account_manager_save_finish  (EnlistAccountManager *self,
                                                    GAsyncResult         *result);

/* Starts settling every pending account that no flow holds; each finished
 * one completes waiter (a task whose data is a guint counter of accounts
 * still to settle) when it is not NULL. Returns how many were started or
 * joined. */
guint          enlist_account_manager_settle_pending (EnlistAccountManager *self,
                                                      GTask                *waiter);

/* The "pending-resolved" signal id. */
extern guint   enlist_account_manager_signal_pending_resolved;

G_END_DECLS
