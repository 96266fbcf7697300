/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-manager-settle.c: pending registrations and password
 * changes settled by logging in, against the real servers (left by a
 * "crash", or by a server frozen with SIGSTOP while it had the request)
 * and the fake server (answers that never came). Part of the
 * test-account-manager program. */
#define G_LOG_DOMAIN "test-account-manager"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "enlist-fake-server.h"
#include "enlist-test-accounts.h"
#include "enlist-test-utils.h"
#include "enlist-text.h"

/* ---- settling what a crash left ---------------------------------------- */

typedef struct
{
  EnlistAccountManager *manager;
  GPtrArray            *addresses;
  GArray               *outcomes;
  GPtrArray            *messages;
  guint                 still_listed;  /* NOT_REGISTERED accounts still in the model */
} Resolved;

static void
on_pending_resolved (EnlistAccountManager *manager,
                     EnlistAccount        *account,
                     EnlistPendingOutcome  outcome,
                     const char           *message,
                     Resolved             *resolved)
{
  g_assert_false (enlist_account_get_resolving (account));
  g_ptr_array_add (resolved->addresses, g_strdup (enlist_account_get_address (account)));
  g_array_append_val (resolved->outcomes, outcome);
  g_ptr_array_add (resolved->messages, g_strdup (message));
  if (outcome == ENLIST_PENDING_OUTCOME_NOT_REGISTERED &&
      enlist_account_manager_lookup (manager, enlist_account_get_address (account)) != NULL)
    resolved->still_listed++;
}

static void
resolved_init (Resolved             *resolved,
               EnlistAccountManager *manager)
{
  resolved->manager = manager;
  resolved->addresses = g_ptr_array_new_with_free_func (g_free);
  resolved->outcomes = g_array_new (FALSE, FALSE, sizeof (EnlistPendingOutcome));
  resolved->messages = g_ptr_array_new_with_free_func (g_free);
  resolved->still_listed = 0;
  g_signal_connect (manager, "pending-resolved", G_CALLBACK (on_pending_resolved), resolved);
}

static void
resolved_clear (Resolved *resolved)
{
  g_signal_handlers_disconnect_by_data (resolved->manager, resolved);
  g_ptr_array_unref (resolved->addresses);
  g_array_unref (resolved->outcomes);
  g_ptr_array_unref (resolved->messages);
}

static void
resolved_wait (Resolved *resolved,
               guint     count)
{
  while (resolved->addresses->len < count)
    g_main_context_iteration (NULL, TRUE);
}

/* The outcome reported for address (asserting there was exactly one). */
static EnlistPendingOutcome
resolved_outcome (Resolved   *resolved,
                  const char *address,
                  const char *message_part)
{
  EnlistPendingOutcome outcome = ENLIST_PENDING_OUTCOME_UNRESOLVED;
  guint found = 0;

  for (guint i = 0; i < resolved->addresses->len; i++)
    if (strcmp (g_ptr_array_index (resolved->addresses, i), address) == 0)
      {
        const char *message = g_ptr_array_index (resolved->messages, i);

        g_test_message ("%s: %s", address, message);
        g_assert_nonnull (strstr (message, address));
        g_assert_nonnull (strstr (message, message_part));
        outcome = g_array_index (resolved->outcomes, EnlistPendingOutcome, i);
        found++;
      }
  g_assert_cmpuint (found, ==, 1);
  return outcome;
}

static char *
raw_record (const char *address,
            guint16     port,
            const char *state)
{
  const char *at = strchr (address, '@');

  return g_strdup_printf ("[%s]\naddress=%s\ndomain=%s\nhost=127.0.0.1\nport=%u\n"
                          "direct-tls=false\ncreated=2026-12-02T11:24:05Z\nstate=%s\n\n",
                          address, address, at + 1, port, state);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* A registration whose answer never came, for an account the server has
 * (it went through), one it does not have, and one on a server that does
 * not answer: settled at load, in the background. */
static void
test_pending_registration (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  const char *domain = enlist_test_servers_get_domain (enlist_test_running_servers);
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *exists_user = enlist_test_random_user ("crashok");
  g_autofree char *missing_user = enlist_test_random_user ("crashgone");
  g_autofree char *away_user = enlist_test_random_user ("crashaway");
  g_autofree char *exists = g_strdup_printf ("%s@%s", exists_user, domain);
  g_autofree char *missing = g_strdup_printf ("%s@%s", missing_user, domain);
  g_autofree char *away = g_strdup_printf ("%s@%s", away_user, domain);
  g_autofree char *r1 = raw_record (exists, enlist_test_target_port (target),
                                    "registration-pending");
  g_autofree char *r2 = raw_record (missing, enlist_test_target_port (target),
                                    "registration-pending");
  /* Port 1 on loopback: nothing listens, the login fails to connect. */
  g_autofree char *r3 = raw_record (away, 1, "registration-pending");
  g_autofree char *contents = g_strconcat ("[enlist]\nversion=1\n\n", r1, r2, r3, NULL);
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  Resolved resolved;
  guint n_state = 0, n_resolving = 0, n_status = 0;

  enlist_test_servers_make_user (enlist_test_running_servers, target->server, exists_user,
                                 "it went through");
  enlist_test_store_raw (exists, "pending-registration", "it went through");
  enlist_test_store_raw (missing, "pending-registration", "it did not");
  enlist_test_store_raw (away, "pending-registration", "who knows");
  enlist_test_write_records (dir, contents);

  manager = enlist_test_new_manager (dir, TRUE);
  resolved_init (&resolved, manager);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);

  /* Listed at once, pending, being checked. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      EnlistAccount *account = enlist_test_model_item (manager, i);

      g_assert_cmpint (enlist_account_get_state (account), ==,
                       ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
      g_assert_true (enlist_account_get_resolving (account));
      g_assert_cmpstr (enlist_account_get_status (account), ==,
                       "Checking whether the registration went through…");
    }

  {
    EnlistAccount *account = enlist_account_manager_lookup (manager, exists);

    g_signal_connect (account, "notify::state", G_CALLBACK (on_notify), &n_state);
    g_signal_connect (account, "notify::resolving", G_CALLBACK (on_notify), &n_resolving);
    g_signal_connect (account, "notify::status", G_CALLBACK (on_notify), &n_status);
  }

  resolved_wait (&resolved, 3);
  g_assert_cmpuint (resolved.still_listed, ==, 0);
  /* Front ends follow the account's properties. */
  g_assert_cmpuint (n_state, ==, 1);
  g_assert_cmpuint (n_resolving, ==, 1);
  g_assert_cmpuint (n_status, ==, 2);

  g_assert_cmpint (resolved_outcome (&resolved, exists, "exists"), ==,
                   ENLIST_PENDING_OUTCOME_REGISTERED);
  g_assert_cmpint (enlist_account_get_state (enlist_account_manager_lookup (manager, exists)), ==,
                   ENLIST_ACCOUNT_STATE_READY);
  enlist_test_assert_keyring (exists, "-=it went through");
  expected = enlist_test_expected_record (exists, domain, enlist_test_target_port (target),
                                          "ready");
  record = enlist_test_record_of (dir, exists);
  g_assert_cmpstr (record, ==, expected);
  g_clear_pointer (&record, g_free);

  g_assert_cmpint (resolved_outcome (&resolved, missing, "does not exist"), ==,
                   ENLIST_PENDING_OUTCOME_NOT_REGISTERED);
  g_assert_null (enlist_account_manager_lookup (manager, missing));
  enlist_test_assert_keyring (missing, "");
  record = enlist_test_record_of (dir, missing);
  g_assert_null (record);

  /* Never guessed, never dropped. */
  g_assert_cmpint (resolved_outcome (&resolved, away, "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  {
    EnlistAccount *account = enlist_account_manager_lookup (manager, away);

    g_assert_nonnull (account);
    g_assert_cmpint (enlist_account_get_state (account), ==,
                     ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
    g_assert_false (enlist_account_get_resolving (account));
    g_assert_cmpstr (enlist_account_get_status (account), ==,
                     "Whether the registration went through is not known yet");
  }
  enlist_test_assert_keyring (away, "pending-registration=who knows");
  record = enlist_test_record_of (dir, away);
  g_assert_nonnull (strstr (record, "state=registration-pending\n"));
  g_clear_pointer (&record, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);

  /* Asked again on demand: still unresolved, still kept. */
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (resolved.addresses, 3), ==, away);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 3), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  enlist_test_assert_keyring (away, "pending-registration=who knows");

  /* Forgetting the unresolved one takes its pending password. */
  enlist_test_forget_all (manager);
  enlist_test_assert_keyring (away, "");
  enlist_test_assert_keyring (exists, "");

  resolved_clear (&resolved);
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* A password change whose answer never came: the new password works, only
 * the old one does, or neither. */
static void
test_pending_password (gconstpointer data)
{
  const EnlistTestTarget *target = data;
  const char *domain = enlist_test_servers_get_domain (enlist_test_running_servers);
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *new_user = enlist_test_random_user ("chnew");
  g_autofree char *old_user = enlist_test_random_user ("chold");
  g_autofree char *neither_user = enlist_test_random_user ("chneither");
  g_autofree char *with_new = g_strdup_printf ("%s@%s", new_user, domain);
  g_autofree char *with_old = g_strdup_printf ("%s@%s", old_user, domain);
  g_autofree char *with_neither = g_strdup_printf ("%s@%s", neither_user, domain);
  g_autofree char *r1 = raw_record (with_new, enlist_test_target_port (target),
                                    "password-change-pending");
  /* The file says ready: the keyring's pending password decides. */
  g_autofree char *r2 = raw_record (with_old, enlist_test_target_port (target), "ready");
  g_autofree char *r3 = raw_record (with_neither, enlist_test_target_port (target),
                                    "password-change-pending");
  g_autofree char *contents = g_strconcat ("[enlist]\nversion=1\n\n", r1, r2, r3, NULL);
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccountManager *manager;
  EnlistAccount *account;
  Resolved resolved;

  enlist_test_servers_make_user (enlist_test_running_servers, target->server, new_user, "new one");
  enlist_test_servers_make_user (enlist_test_running_servers, target->server, old_user, "old one");
  enlist_test_servers_make_user (enlist_test_running_servers, target->server, neither_user,
                                 "a third one");
  for (guint i = 0; i < 3; i++)
    {
      const char *jid = i == 0 ? with_new : i == 1 ? with_old : with_neither;

      enlist_test_store_raw (jid, NULL, "old one");
      enlist_test_store_raw (jid, "pending-password", "new one");
    }
  enlist_test_write_records (dir, contents);

  manager = enlist_test_new_manager (dir, TRUE);
  resolved_init (&resolved, manager);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (enlist_account_get_state (enlist_test_model_item (manager, i)), ==,
                     ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);

  resolved_wait (&resolved, 3);

  g_assert_cmpint (resolved_outcome (&resolved, with_new, "went through"), ==,
                   ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
  enlist_test_assert_keyring (with_new, "-=new one");
  account = enlist_account_manager_lookup (manager, with_new);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = enlist_test_record_of (dir, with_new);
  g_assert_nonnull (strstr (record, "state=ready\n"));
  g_clear_pointer (&record, g_free);

  g_assert_cmpint (resolved_outcome (&resolved, with_old, "did not go through"), ==,
                   ENLIST_PENDING_OUTCOME_OLD_PASSWORD);
  enlist_test_assert_keyring (with_old, "-=old one");
  account = enlist_account_manager_lookup (manager, with_old);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);

  g_assert_cmpint (resolved_outcome (&resolved, with_neither, "neither"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  enlist_test_assert_keyring (with_neither, "-=old one pending-password=new one");
  account = enlist_account_manager_lookup (manager, with_neither);
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  record = enlist_test_record_of (dir, with_neither);
  g_assert_nonnull (strstr (record, "state=password-change-pending\n"));
  g_clear_pointer (&record, g_free);
  /* During the change the old password is the one in effect. */
  {
    char *password = enlist_test_lookup_password_sync (manager, account, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (password, ==, "old one");
    enlist_secret_free (password);
  }

  /* Forgetting it takes both passwords. */
  g_assert_true (enlist_test_forget_sync (manager, account, &error));
  g_assert_no_error (error);
  enlist_test_assert_keyring (with_neither, "");

  for (guint i = 0; i < 2; i++)
    {
      account = enlist_account_manager_lookup (manager, i == 0 ? with_new : with_old);
      g_assert_true (enlist_test_forget_sync (manager, account, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);

  resolved_clear (&resolved);
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- a server frozen at the submission ----------------------------------- */

typedef struct
{
  EnlistRegistrationStage stage;  /* the stage to freeze the server at */
  GPid                    pid;    /* the server frozen, or 0 */
} Freeze;

static void
freeze_at_stage (EnlistRegistration *registration,
                 GParamSpec         *pspec,
                 gpointer            user_data)
{
  Freeze *freeze = user_data;
  GPid pid = enlist_test_servers_get_pid (enlist_test_running_servers, "prosody");

  if (freeze->pid == 0 && enlist_registration_get_stage (registration) == freeze->stage)
    {
      g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
      freeze->pid = pid;
    }
}

/* Prosody is stopped (SIGSTOP) just as the submission goes out: the
 * registration ends within its timeouts, outcome unknown, the password
 * pending in the keyring; once the server runs again, settling tells what
 * happened — whatever it is, the keyring agrees with the server, and
 * nothing the user typed is lost on the way. */
static void
test_frozen_at_submit (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *user = enlist_test_random_user ("frozen");
  g_autofree char *address = g_strdup_printf ("%s@%s", user, enlist_test_target_domain (target));
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistRegistration) login = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) none = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) login_error = NULL;
  Resolved resolved;
  gboolean saved = TRUE;
  Freeze freeze = { ENLIST_REGISTRATION_STAGE_SUBMITTING, 0 };
  gint64 started;
  EnlistPendingOutcome outcome;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);
  enlist_account_manager_set_timeout (manager, 3000);
  registration = enlist_test_registration_for (manager, target);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, user, "frozen password");
  g_signal_connect (registration, "notify::stage", G_CALLBACK (freeze_at_stage), &freeze);

  started = g_get_monotonic_time ();
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &none, &error);
  /* running again before anything else is checked */
  g_assert_cmpint (freeze.pid, !=, 0);
  g_assert_cmpint (kill (freeze.pid, SIGCONT), ==, 0);

  /* bounded: the submission's timeout and the checking login's, no more */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
  g_assert_null (credentials);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_false (saved);
  enlist_test_assert_keyring (address, "pending-registration=frozen password");

  /* the server runs again: what does it say? */
  login = enlist_account_manager_create_registration (manager, enlist_test_target_domain (target),
                                                      "127.0.0.1",
                                                      enlist_test_target_port (target), FALSE);
  enlist_registration_login_async (login, user, "frozen password", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (login, enlist_test_wait_for (&result), &login_error);

  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 1);
  outcome = g_array_index (resolved.outcomes, EnlistPendingOutcome, 0);
  if (info != NULL)
    {
      /* the server took the buffered submission once it ran again */
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_REGISTERED);
      enlist_test_assert_keyring (address, "-=frozen password");
    }
  else
    {
      g_assert_error (login_error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_NOT_REGISTERED);
      enlist_test_assert_keyring (address, "");
    }
  g_test_message ("frozen at submit: the server %s the account",
                  info != NULL ? "made" : "did not make");

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  g_clear_object (&form);
  g_clear_object (&info);
  g_clear_object (&result);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (g_steal_pointer (&login));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* The same for a password change: Prosody stopped as the change goes out;
 * the change ends in time, both passwords kept; settled once it runs
 * again, the keyring holding the one in effect. */
static void
test_frozen_at_change (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *user = enlist_test_random_user ("frozenpw");
  g_autofree char *address = g_strdup_printf ("%s@%s", user, enlist_test_target_domain (target));
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistRegistration) login = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(EnlistServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) login_error = NULL;
  Resolved resolved;
  gboolean saved = FALSE;
  Freeze freeze = { ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD, 0 };
  gint64 started;
  EnlistPendingOutcome outcome;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);
  registration = enlist_test_registration_for (manager, target);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, user, "old frozen");
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_clear_object (&registration);

  enlist_account_manager_set_timeout (manager, 3000);
  registration = enlist_account_manager_registration_for_account (manager, account);
  g_signal_connect (registration, "notify::stage", G_CALLBACK (freeze_at_stage), &freeze);
  started = g_get_monotonic_time ();
  g_assert_false (enlist_test_change_password_sync (manager, registration, account, NULL,
                                                    "new frozen", &saved, &error));
  g_assert_cmpint (freeze.pid, !=, 0);
  g_assert_cmpint (kill (freeze.pid, SIGCONT), ==, 0);

  g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  enlist_test_assert_keyring (address, "-=old frozen pending-password=new frozen");

  login = enlist_account_manager_registration_for_account (manager, account);
  enlist_registration_login_async (login, user, "new frozen", NULL, enlist_test_store_result,
                                   &result);
  info = enlist_registration_login_finish (login, enlist_test_wait_for (&result), &login_error);

  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 1);
  outcome = g_array_index (resolved.outcomes, EnlistPendingOutcome, 0);
  if (info != NULL)
    {
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
      enlist_test_assert_keyring (address, "-=new frozen");
    }
  else
    {
      g_assert_error (login_error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_OLD_PASSWORD);
      enlist_test_assert_keyring (address, "-=old frozen");
    }
  g_test_message ("frozen at the password change: the server %s it",
                  info != NULL ? "made" : "did not make");

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  g_clear_object (&form);
  g_clear_object (&info);
  g_clear_object (&result);
  g_clear_object (&account);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (g_steal_pointer (&login));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* And for a deletion: Prosody stopped as the removal goes out. The
 * deletion ends within its timeouts and, unconfirmed, removes nothing
 * here: the account stays, marked deletion-pending, its password kept.
 * Once the server runs again settling tells: gone → record and password
 * removed; still there → ready again. */
static void
test_frozen_at_delete (void)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) login_error = NULL;
  Freeze freeze = { ENLIST_REGISTRATION_STAGE_DELETING, 0 };
  EnlistAccount *account;
  Resolved resolved;
  gint64 started;
  gboolean still_there;
  EnlistPendingOutcome outcome;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);
  account = enlist_test_register_account (manager, target, "frozendel", "delete me", &user);
  address = g_strdup (enlist_account_get_address (account));

  enlist_account_manager_set_timeout (manager, 3000);
  registration = enlist_account_manager_registration_for_account (manager, account);
  g_signal_connect (registration, "notify::stage", G_CALLBACK (freeze_at_stage), &freeze);
  started = g_get_monotonic_time ();
  g_assert_false (enlist_test_delete_sync (manager, registration, account, "delete me", &error));
  g_assert_cmpint (freeze.pid, !=, 0);
  g_assert_cmpint (kill (freeze.pid, SIGCONT), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  /* not confirmed: nothing removed here */
  g_assert_true (enlist_account_manager_lookup (manager, address) == account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_DELETION_PENDING);
  enlist_test_assert_keyring (address, "-=delete me");

  still_there = enlist_test_login_at (enlist_test_target_domain (target),
                                      enlist_test_target_port (target),
                                      enlist_test_servers_get_ca_file (enlist_test_running_servers),
                                      user, "delete me", &login_error);
  g_test_message ("frozen at the deletion: the server %s the account",
                  still_there ? "kept" : "deleted");

  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 1);
  outcome = g_array_index (resolved.outcomes, EnlistPendingOutcome, 0);
  if (still_there)
    {
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_NOT_DELETED);
      g_assert_true (enlist_account_manager_lookup (manager, address) == account);
      g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
      enlist_test_assert_keyring (address, "-=delete me");
    }
  else
    {
      g_assert_error (login_error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
      g_assert_cmpint (outcome, ==, ENLIST_PENDING_OUTCOME_DELETED);
      g_assert_null (enlist_account_manager_lookup (manager, address));
      enlist_test_assert_keyring (address, "");
    }

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
}

/* ---- answers that never came (fake server) ------------------------------ */

/* Real servers always answer; for a request whose answer is lost and
 * whose outcome cannot be learnt, the fake server drops the connection on
 * the request and then refuses every login with a temporary failure,
 * until told otherwise. It does SASL PLAIN against a table of accounts. */
typedef struct
{
  EnlistFakeServer *server;
  GHashTable       *accounts;       /* username → password */
  char             *logged_in;
  int               authenticated;  /* the connection that logged in, or -1 */
  gboolean          drop_sets;      /* close instead of answering a register set */
  gboolean          sasl_down;      /* temporary-auth-failure for every login */
  gboolean          disabled;       /* account-disabled for every login (not yet activated) */
  guint             n_sets;
  gboolean          apply_dropped;  /* carry out a dropped register set all the same */
  gboolean          refuse_remove;  /* answer <remove/> with not-allowed */
} Fake;

static void
fake_reply (Fake                *fake,
            const EnlistXmlNode *iq,
            const char          *payload)
{
  g_autoptr(GString) out = g_string_new ("<iq type='result' id='");

  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (iq, "id"));
  g_string_append_printf (out, "'>%s</iq>", payload != NULL ? payload : "");
  enlist_fake_server_send (fake->server, out->str);
}

static const char *
fake_value (const EnlistXmlNode *query,
            const char          *name)
{
  const EnlistXmlNode *child = enlist_xml_node_get_child (query, name, ENLIST_NS_REGISTER);

  return child != NULL ? enlist_xml_node_get_text (child) : NULL;
}

static void
fake_auth (Fake                *fake,
           const EnlistXmlNode *auth)
{
  g_autofree guchar *decoded = NULL;
  g_auto(GStrv) parts = NULL;
  const char *valid;
  gsize len = 0;

  if (fake->disabled)
    {
      enlist_fake_server_send (fake->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                             "<account-disabled/></failure>");
      return;
    }
  if (fake->sasl_down)
    {
      enlist_fake_server_send (fake->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                             "<temporary-auth-failure/></failure>");
      return;
    }

  /* PLAIN: authzid NUL authcid NUL password */
  decoded = g_base64_decode (enlist_xml_node_get_text (auth), &len);
  decoded = g_realloc (decoded, len + 1);
  decoded[len] = '\0';
  for (gsize i = 0; i < len; i++)
    if (decoded[i] == '\0')
      decoded[i] = '\n';
  parts = g_strsplit ((char *) decoded, "\n", 3);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  valid = g_hash_table_lookup (fake->accounts, parts[1]);
  if (valid != NULL && strcmp (valid, parts[2]) == 0)
    {
      g_free (fake->logged_in);
      fake->logged_in = g_strdup (parts[1]);
      fake->authenticated = (int) enlist_fake_server_get_current_index (fake->server);
      enlist_fake_server_send (fake->server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      enlist_fake_server_restart_stream (fake->server);
    }
  else
    enlist_fake_server_send (fake->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                           "<not-authorized/></failure>");
}

static void
fake_stanza (EnlistFakeServer    *server,
             const EnlistXmlNode *stanza,
             gpointer             user_data)
{
  Fake *fake = user_data;
  const EnlistXmlNode *query;

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      fake_auth (fake, stanza);
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;

  query = enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER);
  if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    {
      g_autofree char *bound = g_strdup_printf ("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                                "<jid>%s@fake.test/fake</jid></bind>",
                                                fake->logged_in);
      fake_reply (fake, stanza, bound);
    }
  else if (query == NULL)
    fake_reply (fake, stanza, NULL);
  else if (g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0)
    fake_reply (fake, stanza, "<query xmlns='jabber:iq:register'><username/><password/></query>");
  else
    {
      gboolean remove = enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER) != NULL;

      fake->n_sets++;
      if (remove && fake->refuse_remove)
        {
          g_autoptr(GString) out = g_string_new ("<iq type='error' id='");

          enlist_xml_escape_attr (out, enlist_xml_node_get_attr (stanza, "id"));
          g_string_append (out, "'><error type='cancel'><not-allowed "
                                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
          enlist_fake_server_send (server, out->str);
          return;
        }
      if (fake->drop_sets && !fake->apply_dropped)
        {
          /* The request is lost, and so is every way of learning its fate. */
          fake->sasl_down = TRUE;
          enlist_fake_server_close (server);
          return;
        }
      if (remove)
        g_hash_table_remove (fake->accounts, fake->logged_in);
      else
        g_hash_table_replace (fake->accounts, g_strdup (fake_value (query, "username")),
                              g_strdup (fake_value (query, "password")));
      if (fake->drop_sets)
        {
          /* Done, but the answer is lost, and so is every way of learning so. */
          fake->sasl_down = TRUE;
          enlist_fake_server_close (server);
          return;
        }
      fake_reply (fake, stanza, NULL);
    }
}

static void
fake_start (Fake                          *fake,
            const EnlistFakeServerOptions *options)
{
  fake->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->server = enlist_fake_server_new (options);
}

static void
fake_stop (Fake *fake)
{
  g_clear_object (&fake->server);
  while (enlist_fake_server_get_n_live () > 0)
    g_main_context_iteration (NULL, TRUE);
  g_hash_table_unref (fake->accounts);
  g_free (fake->logged_in);
}

/* A manager in dir trusting the fake server's certificate, not loaded. */
static EnlistAccountManager *
fake_new_manager (const char *dir)
{
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem", NULL);
  EnlistAccountManager *manager = enlist_account_manager_new (dir, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_account_manager_set_ca_file (manager, ca, &error));
  g_assert_no_error (error);
  enlist_account_manager_set_timeout (manager, 5000);
  return manager;
}

/* Both requests of the flows left without an answer: everything stays
 * pending (the registration's password, the new password beside the old),
 * until a login can tell — then settled. */
static void
test_outcome_unknown (void)
{
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *record = NULL;
  Fake fake = { NULL, NULL, NULL, -1, FALSE, FALSE, FALSE, 0 };
  EnlistFakeServerOptions options = { .stanza_func = fake_stanza, .user_data = &fake };
  EnlistAccountManager *manager = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) none = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = "alice@fake.test";
  EnlistAccount *account;
  Resolved resolved;
  gboolean saved = TRUE;
  guint16 fake_port;

  fake_start (&fake, &options);
  fake_port = enlist_fake_server_get_port (fake.server);

  manager = fake_new_manager (dir);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);

  /* A registration whose answer is lost. */
  registration = enlist_account_manager_create_registration (manager, "fake.test", "127.0.0.1",
                                                             fake_port, FALSE);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, "alice", "secret");
  fake.drop_sets = TRUE;
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &none, &error);
  g_assert_null (credentials);
  g_assert_null (none);
  g_assert_false (saved);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_cmpuint (fake.n_sets, ==, 1);

  enlist_test_assert_keyring (address, "pending-registration=secret");
  record = enlist_test_record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=registration-pending\n"));
  g_clear_pointer (&record, g_free);
  account = enlist_account_manager_lookup (manager, address);
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_REGISTRATION_PENDING);
  g_assert_false (enlist_account_get_resolving (account));

  /* The server still cannot say: kept. */
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpint (resolved_outcome (&resolved, address, "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  enlist_test_assert_keyring (address, "pending-registration=secret");

  /* It went through after all, and the server can say so now. */
  fake.drop_sets = FALSE;
  fake.sasl_down = FALSE;
  g_hash_table_replace (fake.accounts, g_strdup ("alice"), g_strdup ("secret"));
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 2);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 1), ==,
                   ENLIST_PENDING_OUTCOME_REGISTERED);
  enlist_test_assert_keyring (address, "-=secret");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  record = enlist_test_record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=ready\n"));
  g_clear_pointer (&record, g_free);

  /* A password change whose answer is lost: both passwords kept. */
  g_clear_object (&registration);
  registration = enlist_account_manager_registration_for_account (manager, account);
  fake.drop_sets = TRUE;
  g_assert_false (enlist_test_change_password_sync (manager, registration, account, NULL, "n3w",
                                                    &saved, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_false (saved);
  enlist_test_assert_keyring (address, "-=secret pending-password=n3w");
  g_assert_cmpint (enlist_account_get_state (account), ==,
                   ENLIST_ACCOUNT_STATE_PASSWORD_CHANGE_PENDING);
  record = enlist_test_record_of (dir, address);
  g_assert_nonnull (strstr (record, "state=password-change-pending\n"));
  g_clear_pointer (&record, g_free);

  /* It went through: the new password is swapped in. */
  fake.drop_sets = FALSE;
  fake.sasl_down = FALSE;
  g_hash_table_replace (fake.accounts, g_strdup ("alice"), g_strdup ("n3w"));
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 3);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 2), ==,
                   ENLIST_PENDING_OUTCOME_NEW_PASSWORD);
  enlist_test_assert_keyring (address, "-=n3w");
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);

  fake_stop (&fake);
  enlist_test_remove_tree (dir);
}

/* A registration whose answer was lost, on a server that then says the
 * account is disabled (it waits to be activated from an e-mail): a
 * disabled account is an account — registered, its password kept. */
static void
test_outcome_disabled (void)
{
  g_autofree char *dir = enlist_test_make_data_dir ();
  Fake fake = { NULL, NULL, NULL, -1, FALSE, FALSE, FALSE, 0 };
  EnlistFakeServerOptions options = { .stanza_func = fake_stanza, .user_data = &fake };
  EnlistAccountManager *manager = NULL;
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) none = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = "alice@fake.test";
  Resolved resolved;
  gboolean saved = TRUE;

  fake_start (&fake, &options);
  manager = fake_new_manager (dir);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_init (&resolved, manager);

  registration = enlist_account_manager_create_registration (manager, "fake.test", "127.0.0.1",
                                                             enlist_fake_server_get_port (
                                                               fake.server), FALSE);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, "alice", "secret");
  fake.drop_sets = TRUE;
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &none, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  enlist_test_assert_keyring (address, "pending-registration=secret");

  fake.sasl_down = FALSE;
  fake.disabled = TRUE;
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resolved.addresses->len, ==, 1);
  g_assert_cmpint (g_array_index (resolved.outcomes, EnlistPendingOutcome, 0), ==,
                   ENLIST_PENDING_OUTCOME_REGISTERED);
  enlist_test_assert_keyring (address, "-=secret");
  g_assert_cmpint (enlist_account_get_state (enlist_account_manager_lookup (manager, address)),
                   ==, ENLIST_ACCOUNT_STATE_READY);

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  fake_stop (&fake);
  enlist_test_remove_tree (dir);
}

/* An account registered on the fake server through the manager (ready,
 * its password saved). */
static EnlistAccount *
fake_register (EnlistAccountManager *manager,
               Fake                 *fake,
               const char           *user,
               const char           *password)
{
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  registration = enlist_account_manager_create_registration (manager, "fake.test", "127.0.0.1",
                                                             enlist_fake_server_get_port (
                                                               fake->server), FALSE);
  form = enlist_test_fetch_form (registration);
  enlist_test_fill (form, user, password);
  credentials = enlist_test_register_sync (manager, registration, form, &saved, &account, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_nonnull (account);
  enlist_test_finalize (g_steal_pointer (&registration));
  return g_steal_pointer (&account);
}

/* Deletes account through the manager, expecting error_code (-1: none). */
static void
fake_delete (EnlistAccountManager *manager,
             EnlistAccount        *account,
             int                   error_code)
{
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted;

  registration = enlist_account_manager_registration_for_account (manager, account);
  deleted = enlist_test_delete_sync (manager, registration, account, NULL, &error);
  if (error_code == -1)
    {
      g_assert_no_error (error);
      g_assert_true (deleted);
    }
  else
    {
      g_assert_error (error, ENLIST_ERROR, error_code);
      g_assert_false (deleted);
    }
  enlist_test_finalize (g_steal_pointer (&registration));
}

static void
assert_record_state (const char *dir,
                     const char *address,
                     const char *state)
{
  g_autofree char *record = enlist_test_record_of (dir, address);
  g_autofree char *line = g_strdup_printf ("state=%s\n", state);

  if (state == NULL)
    {
      g_assert_null (record);
      return;
    }
  g_assert_nonnull (record);
  g_assert_nonnull (strstr (record, line));
}

/* Deletions whose answer was lost, on the fake server: the account stays
 * listed, marked deletion-pending in the file (so that the next start
 * knows), its password kept; settling asks the server by logging in with
 * the saved password. Refused → it was deleted: record and password go.
 * Accepted → it was not: back to ready. Deleting such an account again
 * after the server did delete it succeeds (it is gone), rather than being
 * refused for a password that no longer works. A deletion the server
 * refuses outright takes the mark back at once. */
static void
test_outcome_deletion (void)
{
  g_autofree char *dir = enlist_test_make_data_dir ();
  Fake fake = { NULL, NULL, NULL, -1, FALSE, FALSE, FALSE, 0, FALSE, FALSE };
  EnlistFakeServerOptions options = { .stanza_func = fake_stanza, .user_data = &fake };
  EnlistAccountManager *manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistAccount) alice = NULL;
  g_autoptr(EnlistAccount) bob = NULL;
  g_autoptr(EnlistAccount) carol = NULL;
  g_autoptr(EnlistAccount) dave = NULL;
  EnlistAccount *account;
  Resolved resolved;

  fake_start (&fake, &options);
  manager = fake_new_manager (dir);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);

  alice = fake_register (manager, &fake, "alice", "secret-a");
  bob = fake_register (manager, &fake, "bob", "secret-b");
  carol = fake_register (manager, &fake, "carol", "secret-c");
  dave = fake_register (manager, &fake, "dave", "secret-d");

  /* Refused outright: nothing happened, nothing stays marked. */
  fake.refuse_remove = TRUE;
  fake_delete (manager, dave, ENLIST_ERROR_STANZA);
  fake.refuse_remove = FALSE;
  g_assert_cmpint (enlist_account_get_state (dave), ==, ENLIST_ACCOUNT_STATE_READY);
  assert_record_state (dir, "dave@fake.test", "ready");
  enlist_test_assert_keyring ("dave@fake.test", "-=secret-d");

  /* alice and bob: the server deletes them, but the answer is lost; carol:
   * the request is lost before the server acts on it. */
  fake.drop_sets = TRUE;
  fake.apply_dropped = TRUE;
  fake_delete (manager, alice, ENLIST_ERROR_OUTCOME_UNKNOWN);
  fake.sasl_down = FALSE;
  fake_delete (manager, bob, ENLIST_ERROR_OUTCOME_UNKNOWN);
  fake.sasl_down = FALSE;
  fake.apply_dropped = FALSE;
  fake_delete (manager, carol, ENLIST_ERROR_OUTCOME_UNKNOWN);
  fake.drop_sets = FALSE;
  fake.sasl_down = FALSE;
  g_assert_false (g_hash_table_contains (fake.accounts, "alice"));
  g_assert_false (g_hash_table_contains (fake.accounts, "bob"));
  g_assert_true (g_hash_table_contains (fake.accounts, "carol"));
  for (guint i = 0; i < 3; i++)
    {
      EnlistAccount *marked = (EnlistAccount *[]) { alice, bob, carol }[i];
      const char *address = enlist_account_get_address (marked);

      g_assert_true (enlist_account_manager_lookup (manager, address) == marked);
      g_assert_cmpint (enlist_account_get_state (marked), ==,
                       ENLIST_ACCOUNT_STATE_DELETION_PENDING);
      g_assert_nonnull (strstr (enlist_account_get_status (marked), "deleted"));
      assert_record_state (dir, address, "deletion-pending");
    }
  enlist_test_assert_keyring ("alice@fake.test", "-=secret-a");

  /* bob deleted again, now that the server answers: the saved password
   * no longer logs in, so the earlier deletion went through. */
  fake_delete (manager, bob, -1);
  g_assert_null (enlist_account_manager_lookup (manager, "bob@fake.test"));
  assert_record_state (dir, "bob@fake.test", NULL);
  enlist_test_assert_keyring ("bob@fake.test", "");

  /* The next start, with the server still unable to say: kept, marked. */
  g_clear_object (&alice);
  g_clear_object (&carol);
  g_clear_object (&dave);
  enlist_test_finalize (manager);
  fake.sasl_down = TRUE;
  manager = fake_new_manager (dir);
  resolved_init (&resolved, manager);
  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);
  resolved_wait (&resolved, 2);
  g_assert_cmpint (resolved_outcome (&resolved, "alice@fake.test", "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  g_assert_cmpint (resolved_outcome (&resolved, "carol@fake.test", "could not be checked"), ==,
                   ENLIST_PENDING_OUTCOME_UNRESOLVED);
  account = enlist_account_manager_lookup (manager, "alice@fake.test");
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_DELETION_PENDING);
  enlist_test_assert_keyring ("alice@fake.test", "-=secret-a");

  /* The server answers: alice is gone, carol is not. */
  fake.sasl_down = FALSE;
  g_ptr_array_set_size (resolved.addresses, 0);
  g_ptr_array_set_size (resolved.messages, 0);
  g_array_set_size (resolved.outcomes, 0);
  g_assert_true (enlist_test_resolve_sync (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpint (resolved_outcome (&resolved, "alice@fake.test", "was deleted"), ==,
                   ENLIST_PENDING_OUTCOME_DELETED);
  g_assert_cmpint (resolved_outcome (&resolved, "carol@fake.test", "was not deleted"), ==,
                   ENLIST_PENDING_OUTCOME_NOT_DELETED);
  g_assert_null (enlist_account_manager_lookup (manager, "alice@fake.test"));
  assert_record_state (dir, "alice@fake.test", NULL);
  enlist_test_assert_keyring ("alice@fake.test", "");
  account = enlist_account_manager_lookup (manager, "carol@fake.test");
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  assert_record_state (dir, "carol@fake.test", "ready");
  enlist_test_assert_keyring ("carol@fake.test", "-=secret-c");

  enlist_test_forget_all (manager);
  resolved_clear (&resolved);
  enlist_test_finalize (manager);
  fake_stop (&fake);
  enlist_test_remove_tree (dir);
}

void
enlist_test_add_settle_tests (void)
{
  enlist_test_add_for_targets ("pending-registration", test_pending_registration);
  enlist_test_add_for_targets ("pending-password", test_pending_password);
  g_test_add_func ("/account-manager/fake/outcome-unknown", test_outcome_unknown);
  g_test_add_func ("/account-manager/fake/outcome-disabled", test_outcome_disabled);
  g_test_add_func ("/account-manager/fake/outcome-deletion", test_outcome_deletion);
  g_test_add_func ("/account-manager/prosody/frozen-at-submit", test_frozen_at_submit);
  g_test_add_func ("/account-manager/prosody/frozen-at-change", test_frozen_at_change);
  g_test_add_func ("/account-manager/prosody/frozen-at-delete", test_frozen_at_delete);
}
