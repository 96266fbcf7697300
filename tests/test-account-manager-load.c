/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-manager-load.c: what EnlistAccountManager makes of what it
 * finds: no keyring at all (registering still works, the credentials come
 * back to be shown), accounts known only to the keyring, a damaged account
 * file. Part of the test-account-manager program. */
#define G_LOG_DOMAIN "test-account-manager"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "enlist-account-file.h"
#include "enlist-test-accounts.h"
#include "enlist-test-utils.h"
#include "enlist-text.h"

/* ---- no keyring at all ------------------------------------------------- */

/* In a subprocess whose session bus is nowhere (libsecret keeps its
 * connection for the life of a process): the registration still happens,
 * and the credentials come back to be shown. The parent passes the
 * servers' coordinates in the environment. */
static void
test_keyring_unavailable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  EnlistAccountManager *manager;
  EnlistAccountManager *second;
  const char *domain, *ca;
  guint16 port;
  gboolean saved = TRUE;
  char *password;

  if (!g_test_subprocess ())
    {
      g_autofree char *port_text = NULL;

      port = enlist_test_servers_get_port (enlist_test_running_servers, "prosody", FALSE);
      port_text = g_strdup_printf ("%u", port);
      g_setenv ("ENLIST_TEST_DOMAIN", enlist_test_servers_get_domain (enlist_test_running_servers),
                TRUE);
      g_setenv ("ENLIST_TEST_PORT", port_text, TRUE);
      g_setenv ("ENLIST_TEST_CA", enlist_test_servers_get_ca_file (enlist_test_running_servers),
                TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  domain = g_getenv ("ENLIST_TEST_DOMAIN");
  port = (guint16) g_ascii_strtoull (g_getenv ("ENLIST_TEST_PORT"), NULL, 10);
  ca = g_getenv ("ENLIST_TEST_CA");
  dir = enlist_test_make_data_dir ();
  bus = g_strdup_printf ("unix:path=%s/no-such-socket", dir);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_unsetenv ("SECRET_BACKEND");

  manager = enlist_account_manager_new (dir, NULL, NULL);
  g_assert_true (enlist_account_manager_set_ca_file (manager, ca, &error));
  g_assert_no_error (error);
  g_assert_false (enlist_test_load_sync (manager, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  registration = enlist_account_manager_create_registration (manager, domain, "127.0.0.1", port,
                                                             FALSE);
  form = enlist_test_fetch_form (registration);
  user = enlist_test_random_user ("nokeyring");
  enlist_test_fill (form, user, "shown once");
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_false (saved);
  address = g_strdup_printf ("%s@%s", user, domain);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, address);
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "shown once");
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);
  g_assert_cmpstr (enlist_account_get_status (account), ==,
                   "The password is not saved on this computer");
  expected = enlist_test_expected_record (address, domain, port, "password-not-saved");
  record = enlist_test_record_of (dir, address);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);
  g_assert_true (enlist_test_login_at (domain, port, ca, user, "shown once", &error));
  g_assert_no_error (error);

  /* Nothing to read it back from. */
  password = enlist_test_lookup_password_sync (manager, account, &error);
  g_assert_null (password);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  /* A password change with the old password given: done, not saved. */
  g_clear_object (&registration);
  registration = enlist_account_manager_registration_for_account (manager, account);
  g_assert_true (enlist_test_change_password_sync (manager, registration, account, "shown once",
                                                   "shown twice", &saved, &error));
  g_assert_no_error (error);
  g_assert_false (saved);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);
  g_assert_true (enlist_test_login_at (domain, port, ca, user, "shown twice", &error));
  g_assert_no_error (error);

  /* The next start lists it from the file, as recorded. */
  second = enlist_account_manager_new (dir, NULL, NULL);
  g_assert_false (enlist_test_load_sync (second, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 1);
  g_assert_cmpint (enlist_account_get_state (enlist_test_model_item (second, 0)), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_NOT_SAVED);

  g_clear_object (&form);
  g_clear_object (&account);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (second);
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- what the keyring alone knows, and a damaged file ------------------ */

static void
test_keyring_only_and_damaged_file (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  const char *domain = enlist_test_servers_get_domain (enlist_test_running_servers);
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *path = enlist_test_file_path (dir);
  g_autofree char *old_user = enlist_test_random_user ("oldcli");
  g_autofree char *old = g_strdup_printf ("%s@%s", old_user, domain);
  static const char damaged[] = "[enlist]\nversion=1\n\n[alice@example.org\naddress=";
  g_autofree char *after = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  EnlistAccount *account;
  gsize length;
  char *password;

  /* What enlist-cli register --save left before there was an account file. */
  enlist_test_servers_make_user (enlist_test_running_servers, target->server, old_user,
                                 "from the cli");
  enlist_test_store_raw (old, NULL, "from the cli");
  enlist_test_write_records (dir, damaged);

  manager = enlist_test_new_manager (dir, TRUE);
  g_assert_false (enlist_test_load_sync (manager, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* Listed all the same, without an endpoint. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  account = enlist_test_model_item (manager, 0);
  g_assert_cmpstr (enlist_account_get_address (account), ==, old);
  g_assert_cmpstr (enlist_account_get_domain (account), ==, domain);
  g_assert_null (enlist_account_get_host (account));
  g_assert_cmpuint (enlist_account_get_port (account), ==, 0);
  g_assert_null (enlist_account_get_created (account));
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  password = enlist_test_lookup_password_sync (manager, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "from the cli");
  enlist_secret_free (password);

  /* Registering works; the damaged file stays exactly as it was. */
  account = enlist_test_register_account (manager, target, "damaged", "no file", &user);
  enlist_test_assert_keyring (enlist_account_get_address (account), "-=no file");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpmem (after, length, damaged, sizeof damaged - 1);

  g_assert_true (enlist_test_forget_sync (manager, account, &error));
  g_assert_no_error (error);
  account = enlist_account_manager_lookup (manager, old);
  g_assert_true (enlist_test_forget_sync (manager, account, &error));
  g_assert_no_error (error);
  enlist_test_assert_keyring (old, "");

  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- a file that cannot be written ------------------------------------ */

static void
on_file_error (EnlistAccountManager *manager,
               const GError         *error,
               GPtrArray            *messages)
{
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ACCOUNT_FILE);
  g_ptr_array_add (messages, g_strdup (error->message));
}

/* The data directory turns into a file after loading, so that no record
 * can be written (as on a full disk, which test-fault-disk makes for
 * enlist-cli): the flows still succeed with the keyring, and each failed
 * write is signalled, naming the file, for the front end to tell. */
static void
test_file_unwritable (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  EnlistAccount *account;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  g_signal_connect (manager, "file-error", G_CALLBACK (on_file_error), messages);
  enlist_test_remove_tree (dir);
  g_assert_true (g_file_set_contents (dir, "not a directory\n", -1, &error));
  g_assert_no_error (error);

  account = enlist_test_register_account (manager, target, "unwritable", "kept safe", &user);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  enlist_test_assert_keyring (enlist_account_get_address (account), "-=kept safe");
  g_assert_cmpuint (messages->len, >=, 1);
  g_test_message ("%s", (char *) g_ptr_array_index (messages, 0));
  /* the folder it goes in, here */
  g_assert_nonnull (strstr (g_ptr_array_index (messages, 0), dir));

  g_assert_true (enlist_test_forget_sync (manager, account, &error));
  g_assert_no_error (error);
  enlist_test_finalize (manager);
  g_assert_cmpint (g_unlink (dir), ==, 0);
}

void
enlist_test_add_load_tests (void)
{
  g_test_add_func ("/account-manager/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/account-manager/file-unwritable", test_file_unwritable);
  g_test_add_func ("/account-manager/keyring-only-and-damaged-file",
                   test_keyring_only_and_damaged_file);
}
