/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-manager.c: EnlistAccountManager against a real Prosody and a
 * real ejabberd (without CAPTCHA), inside tests/keyring-session. This file
 * has the flows: register, change password, delete and forget, with the
 * keyring's contents and the account file checked after every step (and at
 * the moment the request goes out: keyring first), refusals that leave
 * nothing pending, and certificate pins. Pending entries settled are in
 * test-account-manager-settle.c, what loading finds in
 * test-account-manager-load.c: one test program, so the servers start once.
 * Logins that check what the server did are made from outside, with a fresh
 * EnlistRegistration. */
#define G_LOG_DOMAIN "test-account-manager"

#include "config.h"

#include <string.h>

#include "enlist-certificate.h"
#include "enlist-test-accounts.h"
#include "enlist-test-utils.h"
#include "enlist-text.h"

/* What was true when the request went out: recorded from the
 * registration's "stage" as it turns to the stage asked for. */
typedef struct
{
  EnlistRegistrationStage  stage;
  const char              *data_dir;
  const char              *jid;
  char                    *keyring;
  char                    *record;
  guint                    seen;
} Snapshot;

static void
on_stage (EnlistRegistration *registration,
          GParamSpec         *pspec,
          Snapshot           *snapshot)
{
  if (enlist_registration_get_stage (registration) != snapshot->stage || snapshot->seen++ > 0)
    return;

  snapshot->keyring = enlist_test_keyring_of (snapshot->jid);
  snapshot->record = enlist_test_record_of (snapshot->data_dir, snapshot->jid);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->keyring, g_free);
  g_clear_pointer (&snapshot->record, g_free);
  snapshot->seen = 0;
}

/* ---- register ---------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_register (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  const char *domain = enlist_test_target_domain (target);
  g_autofree char *dir = enlist_test_make_data_dir ();
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  EnlistAccountManager *second = NULL;
  g_autoptr(EnlistRegistration) registration = enlist_test_registration_for (manager, target);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  /* Mixed case: Prosody gives the address back in lower case (the
   * account is re-keyed to it), ejabberd 23.01 as it was given. */
  g_autofree char *user = enlist_test_random_user ("Reg");
  g_autofree char *lower = g_ascii_strdown (user, -1);
  const char *spelled_user = g_str_equal (target->server, "prosody") ? lower : user;
  g_autofree char *typed = g_strdup_printf ("%s@%s", user, domain);
  g_autofree char *spelled = g_strdup_printf ("%s@%s", spelled_user, domain);
  g_autofree char *pending = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  Snapshot snapshot = { ENLIST_REGISTRATION_STAGE_SUBMITTING, dir, typed, NULL, NULL, 0 };
  guint changes = 0;
  gboolean saved = FALSE;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_signal_connect (manager, "items-changed", G_CALLBACK (on_items_changed), &changes);

  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, user, "first password");
  g_signal_connect (registration, "notify::stage", G_CALLBACK (on_stage), &snapshot);
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);

  /* Keyring first: the password was pending, the record written, before
   * the form went out. */
  g_assert_cmpuint (snapshot.seen, >, 0);
  g_assert_cmpstr (snapshot.keyring, ==, "pending-registration=first password");
  expected = enlist_test_expected_record (typed, domain, enlist_test_target_port (target),
                                          "registration-pending");
  g_assert_cmpstr (snapshot.record, ==, expected);
  snapshot_clear (&snapshot);

  /* The server's spelling throughout. */
  g_assert_true (saved);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, spelled);
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "first password");
  g_assert_nonnull (account);
  g_assert_cmpstr (enlist_account_get_address (account), ==, spelled);
  g_assert_cmpstr (enlist_account_get_domain (account), ==, domain);
  g_assert_cmpstr (enlist_account_get_host (account), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_account_get_port (account), ==, enlist_test_target_port (target));
  g_assert_false (enlist_account_get_direct_tls (account));
  g_assert_nonnull (enlist_account_get_created (account));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_assert_null (enlist_account_get_status (account));
  g_assert_false (enlist_account_get_resolving (account));
  {
    g_autofree char *username = enlist_account_dup_username (account);

    g_assert_cmpstr (username, ==, spelled_user);
  }
  if (strcmp (typed, spelled) != 0)
    enlist_test_assert_keyring (typed, "");
  enlist_test_assert_keyring (spelled, "-=first password");
  g_clear_pointer (&expected, g_free);
  expected = enlist_test_expected_record (spelled, domain, enlist_test_target_port (target),
                                          "ready");
  record = enlist_test_record_of (dir, spelled);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  if (strcmp (typed, spelled) != 0)
    {
      record = enlist_test_record_of (dir, typed);
      g_assert_null (record);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_true (enlist_test_model_item (manager, 0) == account);
  g_assert_true (enlist_account_manager_lookup (manager, typed) == account);
  g_assert_cmpuint (changes, >=, 1);
  {
    char *password = enlist_test_lookup_password_sync (manager, account, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (password, ==, "first password");
    enlist_secret_free (password);
  }
  enlist_test_assert_login_works (target, lower, "first password");

  /* The same name again: refused, and the account it names stays as it was. */
  g_clear_object (&form);
  g_clear_pointer (&credentials, enlist_credentials_unref);
  g_clear_object (&account);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, spelled_user, "second password");
  snapshot.jid = spelled;
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_null (credentials);
  g_assert_null (account);
  g_assert_false (saved);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "conflict");
  g_clear_error (&error);
  g_assert_cmpstr (snapshot.keyring, ==, "-=first password pending-registration=second password");
  snapshot_clear (&snapshot);
  enlist_test_assert_keyring (spelled, "-=first password");
  record = enlist_test_record_of (dir, spelled);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_cmpint (enlist_account_get_state (enlist_test_model_item (manager, 0)), ==,
                   ENLIST_ACCOUNT_STATE_READY);

  /* A name the server will not have: pending while asked, then nothing left. */
  g_clear_object (&form);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, "bad user", "third password");
  g_clear_pointer (&typed, g_free);
  typed = g_strdup_printf ("bad user@%s", domain);
  snapshot.jid = typed;
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_null (credentials);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_clear_error (&error);
  g_assert_cmpstr (snapshot.keyring, ==, "pending-registration=third password");
  g_assert_nonnull (snapshot.record);
  snapshot_clear (&snapshot);
  enlist_test_assert_keyring (typed, "");
  record = enlist_test_record_of (dir, typed);
  g_assert_null (record);
  g_assert_null (enlist_account_manager_lookup (manager, typed));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);

  /* Another manager (the next start) finds it as it was left. */
  second = enlist_test_new_manager (dir, TRUE);
  g_assert_true (enlist_test_load_sync (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (second), 0);
  g_assert_cmpstr (enlist_account_get_address (account), ==, spelled);
  g_assert_cmpstr (enlist_account_get_host (account), ==, "127.0.0.1");
  g_assert_cmpuint (enlist_account_get_port (account), ==, enlist_test_target_port (target));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_clear_object (&account);

  enlist_test_forget_all (manager);
  enlist_test_assert_keyring (spelled, "");
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (second);
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- change password --------------------------------------------------- */

static void
test_change_password (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  g_autofree char *dir = enlist_test_make_data_dir ();
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  EnlistAccount *account;
  const char *address;
  Snapshot snapshot = { ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD, dir, NULL, NULL, NULL, 0 };
  gboolean saved = FALSE;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  account = enlist_test_register_account (manager, target, "pw", "old password", &user);
  address = enlist_account_get_address (account);
  snapshot.jid = address;

  registration = enlist_account_manager_registration_for_account (manager, account);
  g_signal_connect (registration, "notify::stage", G_CALLBACK (on_stage), &snapshot);
  /* The old password from the keyring. */
  g_assert_true (enlist_test_change_password_sync (manager, registration, account, NULL,
                                                   "new password", &saved, &error));
  g_assert_no_error (error);
  g_assert_true (saved);

  /* While the request was out: both passwords, the record says so. */
  g_assert_cmpuint (snapshot.seen, >, 0);
  g_assert_cmpstr (snapshot.keyring, ==, "-=old password pending-password=new password");
  expected = enlist_test_expected_record (address, enlist_test_target_domain (target),
                                          enlist_test_target_port (target),
                                          "password-change-pending");
  g_assert_cmpstr (snapshot.record, ==, expected);
  snapshot_clear (&snapshot);

  /* Swapped. */
  enlist_test_assert_keyring (address, "-=new password");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  g_clear_pointer (&expected, g_free);
  expected = enlist_test_expected_record (address, enlist_test_target_domain (target),
                                          enlist_test_target_port (target), "ready");
  record = enlist_test_record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  enlist_test_assert_login_works (target, user, "new password");
  enlist_test_assert_login_refused (target, user, "old password");

  /* A refused change (the old password given is wrong): nothing pending
   * is left, the password in effect stays. */
  g_assert_false (enlist_test_change_password_sync (manager, registration, account,
                                                    "not the password", "newer password", &saved,
                                                    &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_false (saved);
  enlist_test_assert_keyring (address, "-=new password");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = enlist_test_record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  enlist_test_assert_login_works (target, user, "new password");

  enlist_test_forget_all (manager);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- delete and forget ------------------------------------------------- */

static void
test_delete (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  g_autofree char *dir = enlist_test_make_data_dir ();
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  account = g_object_ref (enlist_test_register_account (manager, target, "del", "delete me",
                                                        &user));
  address = g_strdup (enlist_account_get_address (account));
  registration = enlist_account_manager_registration_for_account (manager, account);

  /* A wrong password: the server keeps the account, and so do we. */
  g_assert_false (enlist_test_delete_sync (manager, registration, account, "wrong", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  enlist_test_assert_keyring (address, "-=delete me");
  record = enlist_test_record_of (dir, address);
  g_assert_nonnull (record);
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);

  /* The password from the keyring. */
  g_assert_true (enlist_test_delete_sync (manager, registration, account, NULL, &error));
  g_assert_no_error (error);
  enlist_test_assert_keyring (address, "");
  record = enlist_test_record_of (dir, address);
  g_assert_null (record);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_null (enlist_account_manager_lookup (manager, address));
  enlist_test_assert_login_refused (target, user, "delete me");

  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

static void
test_forget (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  g_autofree char *dir = enlist_test_make_data_dir ();
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;
  EnlistAccount *account;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  account = enlist_test_register_account (manager, target, "forget", "still here", &user);
  address = g_strdup (enlist_account_get_address (account));

  g_assert_true (enlist_test_forget_sync (manager, account, &error));
  g_assert_no_error (error);
  enlist_test_assert_keyring (address, "");
  record = enlist_test_record_of (dir, address);
  g_assert_null (record);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  /* On this computer only: the account itself lives on. */
  enlist_test_assert_login_works (target, user, "still here");

  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- certificate pins -------------------------------------------------- */

static void
test_trust_certificate (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  const char *domain = enlist_test_servers_get_domain (enlist_test_running_servers);
  g_autofree char *dir = enlist_test_make_data_dir ();
  /* No CA file: the servers' certificate verifies only once pinned. */
  EnlistAccountManager *manager = enlist_test_new_manager (dir, FALSE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *user = enlist_test_random_user ("pinned");
  g_auto(GStrv) pins = NULL;

  enlist_test_servers_make_user (enlist_test_running_servers, target->server, user, "pinned");
  pins = enlist_account_manager_dup_pins (manager, domain);
  g_assert_cmpstrv (pins, ((const char *[]) { NULL }));
  g_clear_pointer (&pins, g_strfreev);

  registration = enlist_test_registration_for (manager, target);
  enlist_registration_login_async (registration, user, "pinned", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), &error);
  g_assert_null (info);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  certificate = g_object_ref (enlist_error_get_certificate (error));
  g_clear_error (&error);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&registration));

  enlist_account_manager_trust_certificate_async (manager, domain, certificate, NULL,
                                                  enlist_test_store_result, &result);
  g_assert_true (enlist_account_manager_trust_certificate_finish (manager,
                                                                  enlist_test_wait_for (&result),
                                                                  &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  fingerprint = enlist_certificate_get_fingerprint (certificate);
  pins = enlist_account_manager_dup_pins (manager, domain);
  g_assert_cmpstrv (pins, ((const char *[]) { fingerprint, NULL }));

  /* Registrations the manager makes now trust it. */
  registration = enlist_test_registration_for (manager, target);
  enlist_registration_login_async (registration, user, "pinned", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (registration, enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpstr (enlist_server_info_get_trust_reason (info), ==, "pinned");

  g_clear_object (&info);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  enlist_test_add_for_targets ("register", test_register);
  enlist_test_add_for_targets ("change-password", test_change_password);
  enlist_test_add_for_targets ("delete", test_delete);
  enlist_test_add_for_targets ("forget", test_forget);
  /* in the order they ran as one file: the same suites, the same cases */
  enlist_test_add_settle_tests ();
  enlist_test_add_load_tests ();
  g_test_add_func ("/account-manager/trust-certificate", test_trust_certificate);

  /* A subprocess is given the servers' coordinates by its parent. A missing
   * server fails here, loudly: it is never a skip. */
  if (!g_test_subprocess ())
    enlist_test_running_servers = enlist_test_servers_start (TRUE, TRUE);
  result = g_test_run ();
  if (enlist_test_running_servers != NULL)
    enlist_test_servers_stop (enlist_test_running_servers);
  return result;
}
