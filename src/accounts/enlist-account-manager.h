/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-account-manager.h: the accounts Enlist keeps, and the flows that
 * tie the registration service, the keyring and the pinned certificates
 * together, so that no front end has to.
 *
 * Keyring first, so that nothing is ever lost: before a registration is
 * submitted its password goes into the keyring marked pending; the server's
 * answer confirms or removes it. A password change stores the new password
 * as pending before it is sent and swaps it in once the server confirmed.
 * A deletion is marked pending in the account file before it is sent.
 * Pending entries left by a crash are settled by logging in — never
 * guessed, never dropped. When the keyring cannot take a password the
 * operation still succeeds and says so, handing the credentials back.
 *
 * The non-secret facts of each account live in a small file in the user
 * data directory (0600, replaced atomically, versioned, read and written
 * without blocking the main loop); passwords only in the keyring. */
#pragma once

#include <gio/gio.h>

#include "enlist-account.h"
#include "enlist-keyring.h"
#include "enlist-registration.h"
#include "enlist-trust-store.h"

G_BEGIN_DECLS

#define ENLIST_TYPE_ACCOUNT_MANAGER (enlist_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (EnlistAccountManager, enlist_account_manager, ENLIST, ACCOUNT_MANAGER, GObject)

/* The manager is a GListModel of EnlistAccount, sorted by address.
 *
 * data_dir NULL means g_get_user_data_dir ()/enlist; keyring NULL a new
 * EnlistKeyring; trust_store NULL one in data_dir. Nothing is read until
 * load_async.
 *
 * Signal "pending-resolved" (EnlistAccount *account, EnlistPendingOutcome
 * outcome, const char *message): a pending account was settled; message
 * says what was found, for people. An account found not to exist has
 * already left the model when this is emitted.
 *
 * Signal "file-error" (const GError *error): the account file could not be
 * written (ENLIST_ERROR_ACCOUNT_FILE naming the file or its folder and the
 * cause, a full disk say). The flows succeed all the same: the keyring
 * holds the passwords, and the next load lists an account whose record was
 * not written from the keyring, without its connection settings. */
EnlistAccountManager *enlist_account_manager_new              (const char           *data_dir,
                                                               EnlistKeyring        *keyring,
                                                               EnlistTrustStore     *trust_store);
/* The account file. */
const char           *enlist_account_manager_get_path         (EnlistAccountManager *self);
EnlistKeyring        *enlist_account_manager_get_keyring      (EnlistAccountManager *self);
EnlistTrustStore     *enlist_account_manager_get_trust_store  (EnlistAccountManager *self);

/* A PEM file of certificate authorities trusted besides the system store,
 * for every registration the manager creates (the demo servers' CA). */
gboolean              enlist_account_manager_set_ca_file      (EnlistAccountManager *self,
                                                               const char           *path,
                                                               GError              **error);
void                  enlist_account_manager_set_timeout      (EnlistAccountManager *self,
                                                               guint                 timeout_ms);

/* Reads the account file and the keyring. A damaged file is
 * ENLIST_ERROR_ACCOUNT_FILE naming the file, which is left untouched (and
 * not written while this manager lives), and the accounts the keyring
 * knows are listed all the same. A keyring that cannot be read is its
 * error (ENLIST_ERROR_KEYRING_*), the file's accounts listed as recorded.
 * Passwords in the keyring with no record (saved by enlist-cli register
 * --save) are accounts without an endpoint. Once only. Pending accounts
 * are then settled in the background ("resolving", "pending-resolved"). */
void                  enlist_account_manager_load_async       (EnlistAccountManager *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean              enlist_account_manager_load_finish      (EnlistAccountManager *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* Settles every pending account now (those no operation of this manager
 * is waiting for), and finishes when all are settled (or could not be:
 * UNRESOLVED), each with "pending-resolved". Cancelling does not stop the
 * logins under way; the result then says G_IO_ERROR_CANCELLED. */
void                  enlist_account_manager_resolve_pending_async  (EnlistAccountManager *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean              enlist_account_manager_resolve_pending_finish (EnlistAccountManager *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

/* The account with this bare JID, however it is spelled (case, an
 * internationalised domain or its xn-- form: enlist_jid_normalize), or NULL. */
EnlistAccount        *enlist_account_manager_lookup           (EnlistAccountManager *self,
                                                               const char           *address);

/* A registration service for domain with the pins stored for it, the CA
 * file and the timeout already applied; host NULL means DNS decides. */
EnlistRegistration   *enlist_account_manager_create_registration  (EnlistAccountManager *self,
                                                                   const char           *domain,
                                                                   const char           *host,
                                                                   guint16               port,
                                                                   gboolean              direct_tls);
/* The same for an account, with the connection settings it was created with. */
EnlistRegistration   *enlist_account_manager_registration_for_account (EnlistAccountManager *self,
                                                                   EnlistAccount        *account);

/* Submits form through registration (enlist_registration_submit_async,
 * whose errors pass through unchanged), keyring first, and records the new
 * account. Returns the credentials; *saved tells whether the keyring holds
 * the password. When it does not (no keyring, or the server did not say the
 * address), the front end must show the password once: it is saved nowhere
 * else. *account (may be NULL) receives the recorded account (a reference
 * to release), or NULL when the address is not known. An account already
 * known under the address is not removed when the server refuses. */
void                  enlist_account_manager_register_async   (EnlistAccountManager *self,
                                                               EnlistRegistration   *registration,
                                                               EnlistDataForm       *form,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
EnlistCredentials    *enlist_account_manager_register_finish  (EnlistAccountManager *self,
                                                               GAsyncResult         *result,
                                                               gboolean             *saved,
                                                               EnlistAccount       **account,
                                                               GError              **error);

/* Changes the account's password through registration (made by
 * registration_for_account; watch its "stage"), keyring first.
 * old_password NULL takes it from the keyring. form is NULL the first time;
 * after ENLIST_ERROR_FORM_RENEWED it is the filled-in form from the
 * registration's "form". *saved tells whether the keyring now holds the
 * new password. */
void                  enlist_account_manager_change_password_async  (EnlistAccountManager *self,
                                                                     EnlistRegistration   *registration,
                                                                     EnlistAccount        *account,
                                                                     const char           *old_password,
                                                                     const char           *new_password,
                                                                     EnlistDataForm       *form,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean              enlist_account_manager_change_password_finish (EnlistAccountManager *self,
                                                                     GAsyncResult         *result,
                                                                     gboolean             *saved,
                                                                     GError              **error);

/* Deletes the account on the server (password NULL: from the keyring);
 * the record and the keyring entry go only after the server confirmed. A
 * deletion whose outcome is unknown (ENLIST_ERROR_OUTCOME_UNKNOWN) leaves
 * the account DELETION_PENDING, settled like the others; deleting such an
 * account again, when its saved password no longer logs in, finds that
 * the earlier deletion went through and succeeds. */
void                  enlist_account_manager_delete_async     (EnlistAccountManager *self,
                                                               EnlistRegistration   *registration,
                                                               EnlistAccount        *account,
                                                               const char           *password,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean              enlist_account_manager_delete_finish    (EnlistAccountManager *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* Forgets the account on this computer only: record and keyring entry. */
void                  enlist_account_manager_forget_async     (EnlistAccountManager *self,
                                                               EnlistAccount        *account,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean              enlist_account_manager_forget_finish    (EnlistAccountManager *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

/* Pins certificate for domain: later registrations trust it. */
void                  enlist_account_manager_trust_certificate_async  (EnlistAccountManager *self,
                                                                       const char           *domain,
                                                                       GTlsCertificate      *certificate,
                                                                       GCancellable         *cancellable,
                                                                       GAsyncReadyCallback   callback,
                                                                       gpointer              user_data);
gboolean              enlist_account_manager_trust_certificate_finish (EnlistAccountManager *self,
                                                                       GAsyncResult         *result,
                                                                       GError              **error);
/* The fingerprints pinned for domain (an empty vector when none). */
GStrv                 enlist_account_manager_dup_pins         (EnlistAccountManager *self,
                                                               const char           *domain);

/* The account's password from the keyring; free it with enlist_secret_free. */
void                  enlist_account_manager_lookup_password_async  (EnlistAccountManager *self,
                                                                     EnlistAccount        *account,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
char                 *enlist_account_manager_lookup_password_finish (EnlistAccountManager *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_END_DECLS
