/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-fault-keyring.c: the keyring failing under enlist-cli in the middle
 * of an operation, against a real Prosody inside tests/keyring-session. A
 * relay (enlist-test-relay.h) holds back the registration's submission, or
 * the server's answer to it (or to a password change), while the test
 * kills gnome-keyring-daemon (SIGKILL) or locks the default collection, and
 * then lets the exchange go on. Each operation must end within a bound,
 * say what became of the password, and leave the keyring so that the next
 * start settles what is pending once a working keyring is back.
 *
 * What really happens once the daemon is killed (seen with Debian 12's
 * gnome-keyring 42 and libsecret 0.20): the next call on the Secret
 * Service D-Bus-activates a new gnome-keyring-daemon (its service file is
 * on the private bus too). That daemon reads the "login" keyring from
 * disk but has no password to unlock it, so the keyring is locked; the
 * unlock prompt cannot appear without a display and fails at once. The
 * test checks that a new daemon owns the name, and the outcome is the
 * same as for a keyring locked on purpose. A working keyring is brought
 * back as after a new login: a daemon started with the session's login
 * password. */
#define G_LOG_DOMAIN "test-fault-keyring"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "enlist-test-cli.h"
#include "enlist-test-relay.h"
#include "enlist-test-servers.h"

/* enlist-cli gives up on a silent server after its --timeout (the
 * harness passes none: the default 30 s); a keyring that cannot answer
 * must not add a hang to that. */
#define BOUND_S 45

/* tests/keyring-session's login password. */
#define LOGIN_PASSWORD "enlist-test-keyring\n"

static EnlistTestServers *servers;
/* The daemon this test started to bring the keyring back, if any. */
static GSubprocess *restarted_daemon;

typedef enum
{
  FAULT_KILL,
  FAULT_LOCK,
} Fault;

/* The pid of whoever owns org.freedesktop.secrets on the session bus, or 0. */
static guint32
keyring_daemon_pid (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  return pid;
}

/* Kills the daemon that owns the Secret Service name and waits until the
 * name is free; returns its pid. */
static guint32
kill_keyring_daemon (void)
{
  guint32 pid = keyring_daemon_pid ();

  g_assert_cmpuint (pid, >, 0);
  g_assert_no_errno (kill ((pid_t) pid, SIGKILL));
  for (guint i = 0; i < 100 && keyring_daemon_pid () != 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (keyring_daemon_pid (), ==, 0);
  g_test_message ("gnome-keyring-daemon %u killed", pid);
  return pid;
}

/* Locks the default collection, as a screen lock or `secret-tool lock`
 * would. */
static void
lock_keyring (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autolist(GDBusProxy) locked = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, &locked, &error), ==, 1);
  g_assert_no_error (error);
  g_list_free (objects);
  g_assert_true (secret_collection_get_locked (collection));
}

/* A working keyring again, as after the next login: whatever daemon owns
 * the name goes, one started with the login password takes its place. */
static void
restart_keyring (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (LOGIN_PASSWORD, strlen (LOGIN_PASSWORD));
  g_autoptr(GOutputStream) stdin_pipe = NULL;
  g_autoptr(GError) error = NULL;

  if (keyring_daemon_pid () != 0)
    kill_keyring_daemon ();
  if (restarted_daemon != NULL)
    {
      g_subprocess_wait (restarted_daemon, NULL, NULL);
      g_clear_object (&restarted_daemon);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  restarted_daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                                  "--foreground", "--unlock",
                                                  "--components=secrets", NULL);
  g_assert_no_error (error);
  stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (restarted_daemon));
  g_output_stream_write_all (stdin_pipe, LOGIN_PASSWORD, strlen (LOGIN_PASSWORD), NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, NULL);
  for (guint i = 0; i < 100 && keyring_daemon_pid () == 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (keyring_daemon_pid (), ==,
                    (guint32) atoi (g_subprocess_get_identifier (restarted_daemon)));
  /* libsecret in this process: its session was with the daemon that went */
  secret_service_disconnect ();
}

static EnlistTestRelay *
relay_to_prosody (EnlistTestRelayMode mode)
{
  g_autofree char *key = g_build_filename (enlist_test_servers_get_state_dir (servers), "key.pem",
                                           NULL);

  return enlist_test_relay_new (enlist_test_servers_get_port (servers, "prosody", FALSE),
                                enlist_test_servers_get_ca_file (servers), key, mode);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *late = user_data;

  *late = TRUE;
  return G_SOURCE_REMOVE;
}

/* libsecret 0.20.5 leaks a GPtrArray when an unlock prompt fails (see
 * test-keyring.c), in a static function: no rule can name it short of the
 * whole library. The faulted enlist-cli goes through that path, so under
 * LeakSanitizer it gets the project's rules plus one for libsecret's own
 * allocations; every other run keeps the project's rules alone. */
static void
allow_prompt_leak (GSubprocessLauncher *launcher)
{
  const char *options = g_getenv ("LSAN_OPTIONS");
  const char *at = options != NULL ? strstr (options, "suppressions=") : NULL;
  g_autofree char *rules_path = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *extended = NULL;
  g_autofree char *path = NULL;
  g_autofree char *new_options = NULL;

  if (at == NULL)
    return;
  at += strlen ("suppressions=");
  rules_path = g_strndup (at, strcspn (at, ":"));
  g_assert_true (g_file_get_contents (rules_path, &rules, NULL, NULL));
  extended = g_strconcat (rules, "\nleak:libsecret-1.so.0\n", NULL);
  path = enlist_test_cli_write_file ("lsan-prompt.supp", extended, 0600);
  new_options = g_strdup_printf ("%s:suppressions=%s", options, path);
  g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS", new_options, TRUE);
}

/* Runs enlist-cli --json with args through relay; once the relay holds
 * back what its mode says, does fault to the keyring and lets the exchange
 * go on. enlist-cli must then end by itself within BOUND_S seconds.
 * Returns what it printed, parsed; *seconds is how long it took after the
 * fault. */
static JsonObject *
run_with_fault (EnlistTestRelay    *relay,
                const char * const *args,
                Fault               fault,
                int                *exit_status,
                double             *seconds,
                JsonParser        **parser_out)
{
  g_autofree char *out_path = enlist_test_cli_work_file ("fault-stdout");
  g_autofree char *err_path = enlist_test_cli_work_file ("fault-stderr");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *held = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean done = FALSE, late = FALSE;
  gint64 start;
  guint deadline;

  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE, ENLIST_TEST_CLI_DEFAULT);
  allow_prompt_leak (launcher);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  argv = enlist_test_cli_argv ("prosody", args, ENLIST_TEST_CLI_DEFAULT,
                               enlist_test_relay_get_port (relay));
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  held = enlist_test_relay_wait_held (relay, 120);
  if (held == NULL)
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      g_file_get_contents (err_path, &err, NULL, NULL);
      g_error ("the relay held nothing back; enlist-cli's stderr:\n%s", err != NULL ? err : "");
    }
  /* the submission (or change), or the server's answer to it */
  g_assert_true (strstr (held, "jabber:iq:register") != NULL
                 || strstr (held, "type='result'") != NULL
                 || strstr (held, "type=\"result\"") != NULL);

  if (fault == FAULT_KILL)
    kill_keyring_daemon ();
  else
    lock_keyring ();
  start = g_get_monotonic_time ();
  enlist_test_relay_release (relay);

  g_subprocess_wait_async (process, NULL, on_exited, &done);
  deadline = g_timeout_add_seconds (BOUND_S, on_deadline, &late);
  while (!done && !late)
    g_main_context_iteration (NULL, TRUE);
  *seconds = (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND;
  g_file_get_contents (err_path, &err, NULL, NULL);
  if (!done)
    {
      g_subprocess_force_exit (process);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("enlist-cli %s did not end within %d s after the keyring %s; its stderr:\n%s",
               args[0], BOUND_S, fault == FAULT_KILL ? "was killed" : "was locked",
               err != NULL ? err : "");
    }
  g_source_remove (deadline);
  g_test_message ("enlist-cli %s ended %.1f s after the fault; stderr:\n%s", args[0], *seconds,
                  err != NULL ? err : "");
  g_assert_true (g_subprocess_get_if_exited (process));
  *exit_status = g_subprocess_get_exit_status (process);

  g_assert_true (g_file_get_contents (out_path, &out, NULL, NULL));
  g_unlink (out_path);
  g_unlink (err_path);
  g_test_message ("its output: %s", out);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  *parser_out = g_steal_pointer (&parser);
  return json_node_get_object (json_parser_get_root (*parser_out));
}

/* enlist-cli accounts --json, which settles what is pending. */
static JsonObject *
accounts_json (JsonParser **parser)
{
  const char *args[] = { "accounts", NULL };
  JsonObject *result;
  int status;

  result = enlist_test_cli_run_json ("prosody", args, NULL, ENLIST_TEST_CLI_NO_ENDPOINT, 0,
                                     &status, NULL, parser);
  g_assert_nonnull (result);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  return result;
}

/* After the fault: is what took the dead daemon's place what the comment
 * at the top says? */
static void
check_daemon_after (Fault   fault,
                    guint32 killed)
{
  guint32 now = keyring_daemon_pid ();

  if (fault == FAULT_KILL)
    {
      /* D-Bus activation started another daemon for enlist-cli's calls */
      g_assert_cmpuint (now, >, 0);
      g_assert_cmpuint (now, !=, killed);
    }
  else
    g_assert_cmpuint (now, ==, killed);
}

/* register --save, the keyring killed or locked while the submission is
 * held back (hold == HOLD_SUBMIT: the server has not seen it yet) or while
 * the server's answer is (HOLD_ANSWER: it has registered the account):
 * either way the server then creates the account and the keyring cannot
 * take the password. enlist-cli says "created, saved nowhere" and exits 8
 * within the bound; the password it was given stays the user's. The
 * pending password stored before the submission is still in the keyring
 * file: with a working keyring, the next `accounts` logs in with it, finds
 * the account and confirms the password. */
static void
check_register (Fault               fault,
                EnlistTestRelayMode hold)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (hold);
  g_autofree char *user = enlist_test_cli_random_user ("keyringgone");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *pending = NULL;
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result, *error, *account, *settled;
  guint32 daemon = keyring_daemon_pid ();
  double seconds;
  int status;

  result = run_with_fault (relay, args, fault, &status, &seconds, &parser);
  g_assert_cmpint (status, ==, 8);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_false (json_object_get_boolean_member (result, "saved"));
  error = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "not-saved");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "saved nowhere"));
  g_assert_cmpfloat (seconds, <, BOUND_S);
  check_daemon_after (fault, daemon);
  /* the server did create it, with the password the user gave */
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 0);

  /* the next start, with a working keyring */
  restart_keyring ();
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_cmpstr (pending, ==, "first password");
  enlist_test_cli_assert_keyring_holds (jid, NULL);

  result = accounts_json (&parser2);
  settled = enlist_test_cli_find_member (result, "settled", jid);
  g_assert_nonnull (settled);
  g_assert_cmpstr (json_object_get_string_member (settled, "outcome"), ==, "registered");
  account = enlist_test_cli_find_member (result, "accounts", jid);
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "ready");
  g_assert_false (json_object_get_boolean_member (account, "pending"));
  enlist_test_cli_assert_keyring_holds (jid, password1);
  g_clear_pointer (&pending, g_free);
  pending = enlist_test_cli_keyring_pending (jid);
  g_assert_null (pending);
}

static void
test_register_killed_at_submit (void)
{
  check_register (FAULT_KILL, ENLIST_TEST_RELAY_HOLD_SUBMIT);
}

static void
test_register_killed_before_confirm (void)
{
  check_register (FAULT_KILL, ENLIST_TEST_RELAY_HOLD_ANSWER);
}

static void
test_register_locked_before_confirm (void)
{
  check_register (FAULT_LOCK, ENLIST_TEST_RELAY_HOLD_ANSWER);
}

/* passwd with the current password from the keyring, the keyring killed
 * or locked while the server's answer is held back (it has changed the
 * password): "changed, saved nowhere", exit 8, within the bound. The new
 * password went into the keyring as pending before the request: the next
 * `accounts` with a working keyring logs in with it and swaps it in. */
static void
check_passwd (Fault fault)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_ANSWER);
  g_autofree char *user = enlist_test_cli_random_user ("keyringpasswd");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *pending = NULL;
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  const char *passwd_args[] = { "passwd", jid, "--new-password-file", password2, NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  JsonObject *result, *error, *account, *settled;
  guint32 daemon;
  double seconds;
  int status;

  result = enlist_test_cli_run_json ("prosody", register_args, NULL, ENLIST_TEST_CLI_DEFAULT, 0,
                                     &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, password1);

  daemon = keyring_daemon_pid ();
  result = run_with_fault (relay, passwd_args, fault, &status, &seconds, &parser2);
  g_assert_cmpint (status, ==, 8);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  error = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "not-saved");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "saved nowhere"));
  g_assert_cmpfloat (seconds, <, BOUND_S);
  check_daemon_after (fault, daemon);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password2), ==, 0);

  restart_keyring ();
  enlist_test_cli_assert_keyring_holds (jid, password1);
  pending = enlist_test_cli_keyring_pending_password (jid);
  g_assert_cmpstr (pending, ==, "second password");

  result = accounts_json (&parser3);
  settled = enlist_test_cli_find_member (result, "settled", jid);
  g_assert_nonnull (settled);
  g_assert_cmpstr (json_object_get_string_member (settled, "outcome"), ==, "new-password");
  account = enlist_test_cli_find_member (result, "accounts", jid);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "ready");
  enlist_test_cli_assert_keyring_holds (jid, password2);
  g_clear_pointer (&pending, g_free);
  pending = enlist_test_cli_keyring_pending_password (jid);
  g_assert_null (pending);
}

static void
test_passwd_killed_before_confirm (void)
{
  check_passwd (FAULT_KILL);
}

static void
test_passwd_locked_before_confirm (void)
{
  check_passwd (FAULT_LOCK);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fault-keyring/register-killed-at-submit", test_register_killed_at_submit);
  g_test_add_func ("/fault-keyring/register-killed-before-confirm",
                   test_register_killed_before_confirm);
  g_test_add_func ("/fault-keyring/register-locked-before-confirm",
                   test_register_locked_before_confirm);
  g_test_add_func ("/fault-keyring/passwd-killed-before-confirm",
                   test_passwd_killed_before_confirm);
  g_test_add_func ("/fault-keyring/passwd-locked-before-confirm",
                   test_passwd_locked_before_confirm);

  enlist_test_cli_start (TRUE, FALSE);
  servers = enlist_test_cli_get_servers ();
  result = g_test_run ();
  enlist_test_cli_stop ();
  if (restarted_daemon != NULL)
    {
      g_subprocess_force_exit (restarted_daemon);
      g_subprocess_wait (restarted_daemon, NULL, NULL);
      g_clear_object (&restarted_daemon);
    }
  secret_service_disconnect ();
  return result;
}
