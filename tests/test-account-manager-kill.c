/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-account-manager-kill.c: Prosody killed (SIGKILL) at each step of
 * the account manager's register, change-password and delete flows, then
 * started again on its data. Whatever step the kill hits, the flow ends in
 * bounded time; a definite failure means the server did nothing; and once
 * the server is back and the pending entries are settled, the manager, its
 * account file and the keyring agree with what the server has — logged in
 * from outside to find out. Nothing the user typed is lost on the way. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "enlist-enums.h"
#include "enlist-test-accounts.h"
#include "enlist-test-utils.h"

/* Flows must end within their timeouts (3 s each) and no more. */
#define FLOW_LIMIT_USEC (30 * G_USEC_PER_SEC)

typedef enum
{
  FLOW_REGISTER,
  FLOW_CHANGE_PASSWORD,
  FLOW_DELETE,
} Flow;

typedef struct
{
  guint                   at;      /* kill on the at-th stage change (from 1) */
  guint                   seen;
  GPid                    killed;  /* 0 until the kill */
  EnlistRegistrationStage stage;   /* the stage it hit */
} Kill;

static void
kill_at_stage (EnlistRegistration *registration,
               GParamSpec         *pspec,
               gpointer            user_data)
{
  Kill *kill_ = user_data;
  GPid pid;

  if (kill_->killed != 0 || ++kill_->seen != kill_->at)
    return;
  pid = enlist_test_servers_get_pid (enlist_test_running_servers, "prosody");
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  kill_->killed = pid;
  kill_->stage = enlist_registration_get_stage (registration);
}

static const char *
stage_nick (EnlistRegistrationStage stage)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ENLIST_TYPE_REGISTRATION_STAGE);
  GEnumValue *value = g_enum_get_value (klass, stage);

  return value != NULL ? value->value_nick : "?";
}

static gboolean
logs_in (const char *user,
         const char *password)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autoptr(GError) error = NULL;

  if (enlist_test_login_at (enlist_test_target_domain (target), enlist_test_target_port (target),
                            enlist_test_servers_get_ca_file (enlist_test_running_servers),
                            user, password, &error))
    return TRUE;
  /* anything but a refusal would make the answer meaningless */
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  return FALSE;
}

/* The manager lists address ready with password saved, or not at all. */
static void
assert_settled (EnlistAccountManager *manager,
                const char           *address,
                const char           *password)
{
  EnlistAccount *account = enlist_account_manager_lookup (manager, address);
  g_autofree char *expected = NULL;

  if (password == NULL)
    {
      g_assert_null (account);
      enlist_test_assert_keyring (address, "");
      return;
    }

  expected = g_strconcat ("-=", password, NULL);
  g_assert_nonnull (account);
  g_assert_cmpint (enlist_account_get_state (account), ==, ENLIST_ACCOUNT_STATE_READY);
  enlist_test_assert_keyring (address, expected);
}

/* Runs flow once, killing Prosody on the at-th stage change; FALSE when
 * the flow was over before that (nothing was killed). */
static gboolean
run_killed (Flow  flow,
            guint at)
{
  const EnlistTestTarget *target = &enlist_test_targets[0];
  g_autofree char *dir = enlist_test_make_data_dir ();
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  EnlistAccountManager *manager = enlist_test_new_manager (dir, TRUE);
  g_autoptr(EnlistRegistration) registration = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(EnlistAccount) made = NULL;
  g_autoptr(GError) error = NULL;
  EnlistAccount *account = NULL;
  Kill kill_ = { at, 0, 0, ENLIST_REGISTRATION_STAGE_IDLE };
  gboolean saved = FALSE;
  gboolean done = FALSE;
  gboolean works;
  gint64 started;

  g_assert_true (enlist_test_load_sync (manager, &error));
  g_assert_no_error (error);

  if (flow == FLOW_REGISTER)
    {
      user = enlist_test_random_user ("killreg");
      registration = enlist_test_registration_for (manager, target);
      form = enlist_test_fetch_form (registration);
      enlist_test_fill (form, user, "typed password");
    }
  else
    {
      account = enlist_test_register_account (manager, target, "killacc", "first password",
                                              &user);
      registration = enlist_account_manager_registration_for_account (manager, account);
    }
  address = g_strdup_printf ("%s@%s", user, enlist_test_target_domain (target));

  enlist_account_manager_set_timeout (manager, 3000);
  g_signal_connect (registration, "notify::stage", G_CALLBACK (kill_at_stage), &kill_);
  started = g_get_monotonic_time ();
  switch (flow)
    {
    case FLOW_REGISTER:
      credentials = enlist_test_register_sync (manager, registration, form, &saved, &made, &error);
      done = credentials != NULL;
      break;
    case FLOW_CHANGE_PASSWORD:
      done = enlist_test_change_password_sync (manager, registration, account, NULL,
                                               "second password", &saved, &error);
      break;
    case FLOW_DELETE:
      done = enlist_test_delete_sync (manager, registration, account, NULL, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_signal_handlers_disconnect_by_data (registration, &kill_);
  g_assert_cmpint (g_get_monotonic_time () - started, <, FLOW_LIMIT_USEC);

  if (kill_.killed == 0)
    {
      /* past the last step: the whole flow ran */
      g_assert_no_error (error);
      g_assert_true (done);
    }
  else
    {
      gboolean unknown = g_error_matches (error, ENLIST_ERROR, ENLIST_ERROR_OUTCOME_UNKNOWN);

      g_test_message ("killed at %s (stage change %u): %s", stage_nick (kill_.stage), at,
                      done ? "the flow finished" : error->message);
      /* the user is told something, and something definite unless it
       * cannot be known */
      g_assert_true (done || error != NULL);

      g_clear_error (&error);
      enlist_test_servers_restart_prosody (enlist_test_running_servers);
      g_assert_true (enlist_test_resolve_sync (manager, &error));
      g_assert_no_error (error);

      switch (flow)
        {
        case FLOW_REGISTER:
          works = logs_in (user, "typed password");
          g_assert_true (works || !done);
          g_assert_true (!works || done || unknown);
          assert_settled (manager, address, works ? "typed password" : NULL);
          g_test_message ("settled: the server %s the account; the manager and the keyring agree",
                          works ? "has" : "does not have");
          break;

        case FLOW_CHANGE_PASSWORD:
          works = logs_in (user, "second password");
          /* exactly one of the two works, and the keyring holds that one */
          g_assert_true (works != logs_in (user, "first password"));
          g_assert_true (works || !done);
          g_assert_true (!works || done || unknown);
          assert_settled (manager, address, works ? "second password" : "first password");
          g_test_message ("settled: the %s password is in effect; the manager and the keyring agree",
                          works ? "new" : "old");
          break;

        case FLOW_DELETE:
          works = logs_in (user, "first password");
          g_assert_true (!works || !done);
          g_assert_true (works || done || unknown);
          assert_settled (manager, address, works ? "first password" : NULL);
          g_test_message ("settled: the server %s the account; the manager and the keyring agree",
                          works ? "kept" : "deleted");
          break;

        default:
          g_assert_not_reached ();
        }
    }

  enlist_test_forget_all (manager);
  g_clear_object (&form);
  enlist_test_finalize (g_steal_pointer (&registration));
  enlist_test_finalize (manager);
  enlist_test_remove_tree (dir);
  return kill_.killed != 0;
}

static void
test_killed (gconstpointer data)
{
  Flow flow = GPOINTER_TO_INT (data);
  guint at;

  /* every stage the flow goes through, one kill each, until it runs to
   * its end untouched */
  for (at = 1; run_killed (flow, at); at++)
    g_assert_cmpuint (at, <, 20);
  /* at least the request and what follows it were hit */
  g_assert_cmpuint (at, >=, 3);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/account-manager-kill/prosody/register",
                        GINT_TO_POINTER (FLOW_REGISTER), test_killed);
  g_test_add_data_func ("/account-manager-kill/prosody/change-password",
                        GINT_TO_POINTER (FLOW_CHANGE_PASSWORD), test_killed);
  g_test_add_data_func ("/account-manager-kill/prosody/delete",
                        GINT_TO_POINTER (FLOW_DELETE), test_killed);

  /* Prosody alone: it restarts in well under a second. A missing server
   * fails here, loudly. */
  enlist_test_running_servers = enlist_test_servers_start (TRUE, FALSE);
  result = g_test_run ();
  enlist_test_servers_stop (enlist_test_running_servers);
  return result;
}
