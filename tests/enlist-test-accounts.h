/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-accounts.h: what the files of the test-account-manager
 * program share: the servers it started and the two it registers on, a
 * data directory per test and the account file read without the unit under
 * test, the keyring seen from outside (enlist-test-keyring.h), and the
 * manager's operations run to their end. */
#pragma once

#include "enlist-account-manager.h"
#include "enlist-test-keyring.h"
#include "enlist-test-servers.h"

G_BEGIN_DECLS

/* Started by main () (not in a subprocess, which is given the coordinates
 * in its environment by its parent). */
extern EnlistTestServers *enlist_test_running_servers;

typedef struct
{
  const char *name;
  const char *server;     /* "prosody" or "ejabberd" */
  gboolean    nocaptcha;  /* ejabberd's host without CAPTCHA */
} EnlistTestTarget;

/* Prosody, then ejabberd. */
extern const EnlistTestTarget enlist_test_targets[2];

const char           *enlist_test_target_domain        (const EnlistTestTarget *target);
guint16               enlist_test_target_port          (const EnlistTestTarget *target);
char                 *enlist_test_random_user          (const char             *prefix);

/* ---- the data directory ------------------------------------------------ */

void                  enlist_test_remove_tree          (const char             *path);
char                 *enlist_test_make_data_dir        (void);
char                 *enlist_test_file_path            (const char             *data_dir);
/* The account file's group of address as "key=value" lines (NULL when
 * there is none), read with GKeyFile, not the unit under test. */
char                 *enlist_test_record_of            (const char             *data_dir,
                                                        const char             *address);
char                 *enlist_test_expected_record      (const char             *address,
                                                        const char             *domain,
                                                        guint16                 port,
                                                        const char             *state);
/* Replaces the account file with contents. */
void                  enlist_test_write_records        (const char             *dir,
                                                        const char             *contents);

/* ---- the manager ------------------------------------------------------- */

EnlistAccountManager *enlist_test_new_manager          (const char             *data_dir,
                                                        gboolean                with_ca);
gboolean              enlist_test_load_sync            (EnlistAccountManager   *manager,
                                                        GError                **error);
EnlistRegistration   *enlist_test_registration_for     (EnlistAccountManager   *manager,
                                                        const EnlistTestTarget *target);
/* The form, which must be no CAPTCHA form. */
EnlistDataForm       *enlist_test_fetch_form           (EnlistRegistration     *registration);
void                  enlist_test_fill                 (EnlistDataForm         *form,
                                                        const char             *user,
                                                        const char             *password);
EnlistCredentials    *enlist_test_register_sync        (EnlistAccountManager   *manager,
                                                        EnlistRegistration     *registration,
                                                        EnlistDataForm         *form,
                                                        gboolean               *saved,
                                                        EnlistAccount         **account,
                                                        GError                **error);
gboolean              enlist_test_change_password_sync (EnlistAccountManager   *manager,
                                                        EnlistRegistration     *registration,
                                                        EnlistAccount          *account,
                                                        const char             *old_password,
                                                        const char             *new_password,
                                                        gboolean               *saved,
                                                        GError                **error);
gboolean              enlist_test_delete_sync          (EnlistAccountManager   *manager,
                                                        EnlistRegistration     *registration,
                                                        EnlistAccount          *account,
                                                        const char             *password,
                                                        GError                **error);
gboolean              enlist_test_forget_sync          (EnlistAccountManager   *manager,
                                                        EnlistAccount          *account,
                                                        GError                **error);
char                 *enlist_test_lookup_password_sync (EnlistAccountManager   *manager,
                                                        EnlistAccount          *account,
                                                        GError                **error);
gboolean              enlist_test_resolve_sync         (EnlistAccountManager   *manager,
                                                        GError                **error);
/* Logs in from outside the manager, on a registration of its own. */
gboolean              enlist_test_login_at             (const char             *domain,
                                                        guint16                 port,
                                                        const char             *ca_file,
                                                        const char             *user,
                                                        const char             *password,
                                                        GError                **error);
void                  enlist_test_assert_login_works   (const EnlistTestTarget *target,
                                                        const char             *user,
                                                        const char             *password);
void                  enlist_test_assert_login_refused (const EnlistTestTarget *target,
                                                        const char             *user,
                                                        const char             *password);
/* A borrowed pointer: the model holds it. */
EnlistAccount        *enlist_test_model_item           (EnlistAccountManager   *manager,
                                                        guint                   position);
/* A new account registered through manager, READY; returns it (a borrowed
 * pointer: the model holds it) and its user name. */
EnlistAccount        *enlist_test_register_account     (EnlistAccountManager   *manager,
                                                        const EnlistTestTarget *target,
                                                        const char             *prefix,
                                                        const char             *password,
                                                        char                  **user_out);
/* Forgets every account, so that the next test starts with an empty
 * keyring (they share one session). */
void                  enlist_test_forget_all           (EnlistAccountManager   *manager);

/* ---- tests --------------------------------------------------------------- */

/* Adds /account-manager/TARGET/name for each target. */
void                  enlist_test_add_for_targets      (const char             *name,
                                                        GTestDataFunc           func);
/* Each file's tests (test-account-manager-settle.c, -load.c). */
void                  enlist_test_add_settle_tests     (void);
void                  enlist_test_add_load_tests       (void);

G_END_DECLS
