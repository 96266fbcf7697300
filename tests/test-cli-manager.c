/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-manager.c: enlist-cli through the account manager, against a
 * real Prosody inside tests/keyring-session (whose XDG_DATA_HOME holds the
 * account file and the pinned certificates): accounts, register --save
 * without a keyring (exit 8), passwd and delete with the stored connection
 * settings, the pins of an invitation's domain, and a register --save
 * killed between submit and answer. For that a relay (enlist-test-relay.h)
 * between enlist-cli and Prosody holds back the submission or its answer,
 * so that the process can be killed at that exact point. */
#define G_LOG_DOMAIN "test-cli-manager"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-certificate.h"
#include "enlist-test-cli.h"
#include "enlist-test-relay.h"
#include "enlist-test-servers.h"
#include "enlist-trust-store.h"

static EnlistTestServers *servers;

/* enlist-cli in JSON mode against Prosody (port 0: its STARTTLS port). */
static JsonObject *
run_json (const char * const *args,
          EnlistTestCliFlags  flags,
          guint16             port,
          int                *exit_status,
          JsonParser        **parser)
{
  return enlist_test_cli_run_json ("prosody", args, NULL, flags, port, exit_status, NULL, parser);
}

/* enlist-cli accounts --json (it takes no endpoint options). */
static JsonObject *
accounts_json (JsonParser **parser)
{
  const char *args[] = { "accounts", NULL };
  JsonObject *result;
  int status;

  result = run_json (args, ENLIST_TEST_CLI_NO_ENDPOINT, 0, &status, parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (result);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  return result;
}

/* enlist-cli accounts, its text output. */
static char *
accounts_text (void)
{
  const char *args[] = { "accounts", NULL };
  int status;
  char *out;

  out = enlist_test_cli_run_text ("prosody", args, NULL,
                                  ENLIST_TEST_CLI_NO_ENDPOINT | ENLIST_TEST_CLI_TEXT, 0, &status,
                                  NULL);
  g_assert_cmpint (status, ==, 0);
  g_test_message ("$ enlist-cli accounts\n%s", out);
  return out;
}

/* The server's certificate pinned for the invitation's domain, and no CA
 * file: register --invite trusts it, since it reads the pins of the
 * domain the invitation names, not of the one on the command line. */
static void
test_invite_pinned (void)
{
  const char *domain = enlist_test_servers_get_domain (servers);
  const char *invite_domain = enlist_test_servers_get_invite_domain (servers);
  g_autoptr(EnlistTrustStore) store = enlist_trust_store_new (NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *invite = enlist_test_servers_invite (servers);
  g_autofree char *user = enlist_test_cli_random_user ("pinned");
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, invite_domain);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *args[] = {
    "register", domain, "--invite", invite, "--field", username_arg, "--field", password_arg, NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result;
  int status;

  certificate = g_tls_certificate_new_from_file (enlist_test_servers_get_ca_file (servers), &error);
  g_assert_no_error (error);
  fingerprint = enlist_certificate_get_fingerprint (certificate);

  /* pinned for the invitation's domain only */
  g_assert_true (enlist_trust_store_add_pin (store, invite_domain, fingerprint, &error));
  result = run_json (args, ENLIST_TEST_CLI_NO_CA, 0, &status, &parser);
  g_assert_true (enlist_trust_store_remove_pin (store, invite_domain, fingerprint, &error));
  g_assert_no_error (error);
  if (status != 0 && json_object_has_member (result, "error"))
    g_test_message ("register --invite: %s",
                    json_object_get_string_member (json_object_get_object_member (result, "error"),
                                                   "message"));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));

  /* pinned for the command line's domain only: not for the invitation's */
  g_free (invite);
  invite = enlist_test_servers_invite (servers);
  args[3] = invite;
  g_assert_true (enlist_trust_store_add_pin (store, domain, fingerprint, &error));
  result = run_json (args, ENLIST_TEST_CLI_NO_CA, 0, &status, &parser2);
  g_assert_true (enlist_trust_store_remove_pin (store, domain, fingerprint, &error));
  g_assert_cmpint (status, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"),
                                                  "kind"), ==, "tls");
}

/* register --save without a keyring: created, saved nowhere, exit 8; the
 * account is recorded all the same, and passwd and delete then use its
 * stored connection settings (no --host, no --port). */
static void
test_save_not_saved (void)
{
  g_autofree char *user = enlist_test_cli_random_user ("unsaved");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  const char *passwd_args[] = {
    "passwd", jid, "--password-file", password1, "--new-password-file", password2, NULL
  };
  const char *delete_args[] = { "delete", jid, "--yes", NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  g_autoptr(JsonParser) parser4 = NULL;
  g_autoptr(JsonParser) parser5 = NULL;
  g_autoptr(JsonParser) parser6 = NULL;
  JsonObject *result, *account, *endpoint, *error;
  int status;

  result = run_json (register_args, ENLIST_TEST_CLI_NO_KEYRING, 0, &status, &parser);
  g_assert_cmpint (status, ==, 8);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));
  g_assert_false (json_object_get_boolean_member (result, "saved"));
  error = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "not-saved");
  g_assert_cmpint (json_object_get_int_member (error, "exit_code"), ==, 8);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "saved nowhere"));
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, NULL);

  result = accounts_json (&parser2);
  account = enlist_test_cli_find_member (result, "accounts", jid);
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "password-not-saved");
  g_assert_false (json_object_get_boolean_member (account, "pending"));
  g_assert_nonnull (json_object_get_string_member (account, "created"));
  endpoint = json_object_get_object_member (account, "endpoint");
  g_assert_cmpstr (json_object_get_string_member (endpoint, "host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (endpoint, "port"), ==,
                   enlist_test_servers_get_port (servers, "prosody", FALSE));

  /* the stored endpoint, not DNS: localhost has no XMPP server on 5222 */
  result = run_json (passwd_args, ENLIST_TEST_CLI_NO_ENDPOINT, 0, &status, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_updated"));
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password2), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, password2);
  result = accounts_json (&parser4);
  g_assert_cmpstr (json_object_get_string_member (enlist_test_cli_find_member (result, "accounts", jid), "state"),
                   ==, "ready");

  /* and the password from the keyring */
  result = run_json (delete_args, ENLIST_TEST_CLI_NO_ENDPOINT, 0, &status, &parser5);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password2), ==, 5);
  enlist_test_cli_assert_keyring_holds (jid, NULL);
  result = accounts_json (&parser6);
  g_assert_null (enlist_test_cli_find_member (result, "accounts", jid));
}

/* Starts enlist-cli with args through relay, waits until the relay holds
 * back what its mode says, and kills enlist-cli with SIGKILL right there.
 * Returns what the relay held back. */
static char *
run_killed (EnlistTestRelay    *relay,
            const char * const *args)
{
  g_autofree char *err_path = enlist_test_cli_work_file ("killed-stderr");
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *held;

  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                       | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                       ENLIST_TEST_CLI_DEFAULT);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  argv = enlist_test_cli_argv ("prosody", args, ENLIST_TEST_CLI_DEFAULT,
                               enlist_test_relay_get_port (relay));
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  held = enlist_test_relay_wait_held (relay, 120);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (err_path, &err, NULL, NULL);
  g_unlink (err_path);
  if (held == NULL)
    g_error ("the relay held nothing back; enlist-cli's stderr:\n%s", err != NULL ? err : "");
  /* killed while waiting, not ended by itself */
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  return held;
}

/* enlist-cli register --save of user, killed as run_killed says. */
static char *
register_killed (EnlistTestRelay *relay,
                 const char      *user)
{
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };

  return run_killed (relay, args);
}

/* enlist-cli register --save of user with the first password, straight to
 * Prosody: created, and its password saved in the keyring. */
static void
register_saved (const char *user)
{
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *result;
  int status;

  result = run_json (args, ENLIST_TEST_CLI_DEFAULT, 0, &status, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "saved"));
  enlist_test_cli_assert_keyring_holds (jid, password1);
}

static EnlistTestRelay *
relay_to_prosody (EnlistTestRelayMode mode)
{
  g_autofree char *key = g_build_filename (enlist_test_servers_get_state_dir (servers), "key.pem",
                                           NULL);

  return enlist_test_relay_new (enlist_test_servers_get_port (servers, "prosody", FALSE),
                                enlist_test_servers_get_ca_file (servers), key, mode);
}

/* Killed after the server registered the account, before its answer
 * arrived: the next `accounts` logs in with the pending password, finds the
 * account, confirms the password and lists it as ready. */
static void
test_crash_after_submit (void)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_ANSWER);
  g_autofree char *user = enlist_test_cli_random_user ("crash");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *held = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  const char *delete_args[] = { "delete", jid, "--yes", NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result, *account;
  int status;

  held = register_killed (relay, user);
  /* what the relay held back is the server's answer: it did register */
  g_assert_true (strstr (held, "type='result'") != NULL
                 || strstr (held, "type=\"result\"") != NULL);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 0);
  /* the password went into the keyring, pending, before the form went out */
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_cmpstr (pending, ==, "first password");
  enlist_test_cli_assert_keyring_holds (jid, NULL);

  text = accounts_text ();
  line = g_strdup_printf ("Settled: %s exists", jid);
  g_assert_nonnull (strstr (text, line));
  g_free (line);
  line = g_strdup_printf ("\n%s\n", jid);
  g_assert_nonnull (strstr (text, line));
  g_assert_nonnull (strstr (strstr (text, line), "State:    ready"));
  enlist_test_cli_assert_keyring_holds (jid, password1);
  g_clear_pointer (&pending, g_free);
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_null (pending);

  /* settled once: nothing left pending */
  result = accounts_json (&parser);
  account = enlist_test_cli_find_member (result, "accounts", jid);
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "ready");
  g_assert_false (json_object_get_boolean_member (account, "pending"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (account, "endpoint"),
                                               "port"), ==, enlist_test_relay_get_port (relay));
  g_assert_null (enlist_test_cli_find_member (result, "settled", jid));

  /* through the relay again, now passing everything: the stored endpoint */
  result = run_json (delete_args, ENLIST_TEST_CLI_NO_ENDPOINT, 0, &status, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  enlist_test_cli_assert_keyring_holds (jid, NULL);
}

/* Killed before the server saw the submission: the next `accounts` finds
 * no such account and forgets it, password and record. */
static void
test_crash_before_submit (void)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_SUBMIT);
  g_autofree char *user = enlist_test_cli_random_user ("unsent");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *held = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *result, *settled;

  held = register_killed (relay, user);
  /* what the relay held back is the submission itself */
  g_assert_nonnull (strstr (held, "jabber:iq:register"));
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 5);
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_cmpstr (pending, ==, "first password");

  result = accounts_json (&parser);
  settled = enlist_test_cli_find_member (result, "settled", jid);
  g_assert_nonnull (settled);
  g_assert_cmpstr (json_object_get_string_member (settled, "outcome"), ==, "not-registered");
  g_assert_nonnull (strstr (json_object_get_string_member (settled, "message"), "does not exist"));
  g_assert_null (enlist_test_cli_find_member (result, "accounts", jid));
  g_clear_pointer (&pending, g_free);
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_null (pending);
  enlist_test_cli_assert_keyring_holds (jid, NULL);

  text = accounts_text ();
  g_assert_null (strstr (text, jid));
}

/* Killed after the server changed the password, before its answer came
 * (where a crash between the confirmed change and the keyring's update
 * leaves the same): the keyring holds the old password and the new one
 * pending; the next `accounts` logs in with the new one and swaps it in. */
static void
test_crash_passwd (void)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_ANSWER);
  g_autofree char *user = enlist_test_cli_random_user ("passwdcrash");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *held = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  /* the current password from the keyring; through the relay */
  const char *passwd_args[] = { "passwd", jid, "--new-password-file", password2, NULL };
  const char *delete_args[] = { "delete", jid, "--yes", NULL };
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result;
  int status;

  register_saved (user);
  held = run_killed (relay, passwd_args);
  /* what the relay held back is the server's answer: it changed it */
  g_assert_true (strstr (held, "type='result'") != NULL
                 || strstr (held, "type=\"result\"") != NULL);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password2), ==, 0);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 5);
  /* the new password went into the keyring, pending, before the request;
   * the old one is still the confirmed one */
  enlist_test_cli_assert_keyring_holds (jid, password1);
  pending = enlist_test_cli_keyring_pending_password (jid);
  g_assert_cmpstr (pending, ==, "second password");

  text = accounts_text ();
  line = g_strdup_printf ("The password change of %s went through", jid);
  g_assert_nonnull (strstr (text, line));
  enlist_test_cli_assert_keyring_holds (jid, password2);
  g_clear_pointer (&pending, g_free);
  pending = enlist_test_cli_keyring_pending_password (jid);
  g_assert_null (pending);

  result = run_json (delete_args, ENLIST_TEST_CLI_DEFAULT, 0, &status, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  enlist_test_cli_assert_keyring_holds (jid, NULL);
}

/* Killed after the server deleted the account, before its answer arrived:
 * the record was marked deletion-pending before the request went out, so
 * the next run knows. Deleting again then finds the saved password no
 * longer logs in — the earlier deletion went through — and says so,
 * clearing the keyring, rather than failing on a refused login. */
static void
test_crash_delete (void)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_ANSWER);
  g_autofree char *user = enlist_test_cli_random_user ("delcrash");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *held = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *err = NULL;
  const char *delete_args[] = { "delete", jid, "--yes", NULL };
  int status;

  register_saved (user);
  held = run_killed (relay, delete_args);
  g_assert_true (strstr (held, "type='result'") != NULL
                 || strstr (held, "type=\"result\"") != NULL);
  /* gone from the server; still saved here */
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 5);
  enlist_test_cli_assert_keyring_holds (jid, password1);

  text = enlist_test_cli_run_text ("prosody", delete_args, NULL, ENLIST_TEST_CLI_TEXT, 0, &status,
                                   &err);
  g_assert_cmpint (status, ==, 0);
  line = g_strdup_printf ("Account deleted: %s (an earlier deletion went through", jid);
  g_assert_nonnull (strstr (text, line));
  enlist_test_cli_assert_keyring_holds (jid, NULL);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-manager/invite-pinned", test_invite_pinned);
  g_test_add_func ("/cli-manager/save-not-saved", test_save_not_saved);
  g_test_add_func ("/cli-manager/crash-after-submit", test_crash_after_submit);
  g_test_add_func ("/cli-manager/crash-before-submit", test_crash_before_submit);
  g_test_add_func ("/cli-manager/crash-passwd", test_crash_passwd);
  g_test_add_func ("/cli-manager/crash-delete", test_crash_delete);

  enlist_test_cli_start (TRUE, FALSE);
  servers = enlist_test_cli_get_servers ();
  result = g_test_run ();
  enlist_test_cli_stop ();
  return result;
}
