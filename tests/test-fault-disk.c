/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-fault-disk.c: the account file under enlist-cli when the disk
 * fails it, against a real Prosody inside tests/keyring-session.
 *
 * A full disk: enlist-cli runs in a mount namespace of its own (unshare -m,
 * as root, which the tests and CI are) where the account file's directory
 * is a tiny tmpfs filled up first. register --save then makes the account
 * and the keyring takes its password, but the file cannot be written: a
 * warning names the file and the cause, the old file is left whole, and
 * the next run (the namespace gone: the disk freed) lists the account from
 * the keyring. Without unshare or mount the test fails; it never skips.
 *
 * A damaged file (garbage, cut short, a newer or a nonsense version):
 * accounts says which file and why, exits 1 and lists what the keyring
 * knows; register --save still makes the account and keeps the password in
 * the keyring; the file stays byte for byte as it was. */
#define G_LOG_DOMAIN "test-fault-disk"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-test-cli.h"
#include "enlist-test-servers.h"

static EnlistTestServers *servers;

/* DIR OUT COMMAND…: DIR becomes a full 64 KiB tmpfs holding a copy of the
 * account file that was there; COMMAND runs; what the file is then goes
 * to OUT/after.ini. OUT/mounted says the mount worked. */
static const char full_disk_script[] =
  "set -e\n"
  "dir=$1 out=$2\n"
  "shift 2\n"
  "cp \"$dir/accounts.ini\" \"$out/before.ini\"\n"
  "mount -t tmpfs -o size=64k,mode=0700 enlist-full \"$dir\"\n"
  "cp \"$out/before.ini\" \"$dir/accounts.ini\"\n"
  "head -c 1048576 /dev/zero >\"$dir/filler\" 2>/dev/null || true\n"
  "touch \"$out/mounted\"\n"
  "set +e\n"
  "\"$@\"\n"
  "status=$?\n"
  "cp \"$dir/accounts.ini\" \"$out/after.ini\"\n"
  "exit $status\n";

static char *
account_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "enlist", NULL);
}

static char *
account_file (void)
{
  return g_build_filename (g_get_user_data_dir (), "enlist", "accounts.ini", NULL);
}

/* enlist-cli accounts --json. */
static JsonObject *
accounts_json (int         *status,
               char       **err,
               JsonParser **parser)
{
  const char *args[] = { "accounts", NULL };
  JsonObject *result;

  result = enlist_test_cli_run_json ("prosody", args, NULL, ENLIST_TEST_CLI_NO_ENDPOINT, 0,
                                     status, err, parser);
  g_assert_nonnull (result);
  return result;
}

/* register --save of user, the normal way. */
static void
register_saved (const char *user)
{
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

  result = enlist_test_cli_run_json ("prosody", args, NULL, ENLIST_TEST_CLI_DEFAULT, 0, &status,
                                     NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "saved"));
}

/* register --save of user (in JSON mode unless text) on a full disk;
 * returns its stdout, *err its stderr. */
static char *
register_on_full_disk (const char *user,
                       gboolean    text,
                       int        *status,
                       char      **err,
                       char      **before,
                       char      **after)
{
  g_autofree char *dir = account_dir ();
  g_autofree char *out_dir = enlist_test_cli_work_file ("full-disk");
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *mounted = g_build_filename (out_dir, "mounted", NULL);
  g_autofree char *before_path = g_build_filename (out_dir, "before.ini", NULL);
  g_autofree char *after_path = g_build_filename (out_dir, "after.ini", NULL);
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  EnlistTestCliFlags flags = text ? ENLIST_TEST_CLI_TEXT : ENLIST_TEST_CLI_DEFAULT;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) cli_argv = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_assert_no_errno (g_mkdir_with_parents (out_dir, 0700));
  g_remove (mounted);
  g_remove (before_path);
  g_remove (after_path);

  cli_argv = enlist_test_cli_argv ("prosody", args, flags, 0);
  g_ptr_array_add (argv, (char *) "unshare");
  g_ptr_array_add (argv, (char *) "-m");
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) full_disk_script);
  g_ptr_array_add (argv, (char *) "full-disk");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, out_dir);
  for (guint i = 0; i < cli_argv->len && g_ptr_array_index (cli_argv, i) != NULL; i++)
    g_ptr_array_add (argv, g_ptr_array_index (cli_argv, i));
  g_ptr_array_add (argv, NULL);

  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE, flags);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  g_test_message ("register on a full disk: stdout:\n%s\nstderr:\n%s", out, *err);
  if (!g_file_test (mounted, G_FILE_TEST_EXISTS))
    g_error ("no full tmpfs could be made with unshare -m and mount (root is needed): %s", *err);
  g_assert_true (g_subprocess_get_if_exited (process));
  *status = g_subprocess_get_exit_status (process);
  g_assert_true (g_file_get_contents (before_path, before, NULL, NULL));
  g_assert_true (g_file_get_contents (after_path, after, NULL, NULL));
  return out;
}

/* An account already recorded, a second made on a full disk: made, its
 * password in the keyring, the file as it was, a warning naming the file
 * and "No space left on device", exit 0; text mode says the same on
 * stderr. Then, the disk free, both are listed. */
static void
test_full_disk (void)
{
  g_autofree char *first = enlist_test_cli_random_user ("beforefull");
  g_autofree char *user = enlist_test_cli_random_user ("diskfull");
  g_autofree char *user2 = enlist_test_cli_random_user ("diskfulltext");
  g_autofree char *first_jid = enlist_test_cli_jid_of (first);
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *jid2 = enlist_test_cli_jid_of (user2);
  g_autofree char *path = account_file ();
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *on_disk = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *result, *account;
  const char *warning;
  int status;

  register_saved (first);
  g_assert_true (g_file_get_contents (path, &on_disk, NULL, NULL));
  g_assert_nonnull (strstr (on_disk, first_jid));

  out = register_on_full_disk (user, FALSE, &status, &err, &before, &after);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "saved"));
  g_assert_false (json_object_get_boolean_member (result, "recorded"));
  warning = json_object_get_string_member (result, "warning");
  g_assert_nonnull (strstr (warning, path));
  g_assert_nonnull (strstr (warning, "No space left on device"));
  /* the old file whole, the new account not in it; the password kept */
  g_assert_cmpstr (after, ==, before);
  g_assert_nonnull (strstr (after, first_jid));
  g_assert_null (strstr (after, jid));
  enlist_test_cli_assert_keyring_holds (jid, password1);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password1), ==, 0);

  /* text mode: the warning on stderr */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  out = register_on_full_disk (user2, TRUE, &status, &err, &before, &after);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "The password is saved in the keyring."));
  g_assert_nonnull (strstr (err, "enlist-cli register: warning: The account file "));
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "No space left on device"));
  g_assert_cmpstr (after, ==, before);

  /* the disk free again: all three listed, nothing lost */
  g_clear_pointer (&err, g_free);
  result = accounts_json (&status, &err, &parser2);
  g_assert_cmpint (status, ==, 0);
  account = enlist_test_cli_find_member (result, "accounts", first_jid);
  g_assert_nonnull (account);
  g_assert_nonnull (json_object_get_object_member (account, "endpoint"));
  for (guint i = 0; i < 2; i++)
    {
      account = enlist_test_cli_find_member (result, "accounts", i == 0 ? jid : jid2);
      g_assert_nonnull (account);
      g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "ready");
      /* what only the file had: the connection settings */
      g_assert_true (json_object_get_null_member (account, "endpoint"));
    }
  enlist_test_cli_assert_keyring_holds (jid2, password1);
}

/* accounts and register --save with a damaged account file: the file named
 * with what is wrong, exit 1 for accounts, the accounts the keyring knows
 * listed; the registration goes ahead, its password in the keyring; the
 * file not touched. Then, the file set aside, the account is listed. */
static void
check_damaged (const char *contents,
               const char *why)
{
  g_autofree char *path = account_file ();
  g_autofree char *user = enlist_test_cli_random_user ("damaged");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *aside = g_strconcat (path, ".damaged", NULL);
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *result, *problem;
  gsize length;
  int status;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);

  result = accounts_json (&status, &err, &parser);
  g_assert_cmpint (status, ==, 1);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  problem = json_object_get_object_member (result, "error");
  g_test_message ("accounts: %s", json_object_get_string_member (problem, "message"));
  g_assert_nonnull (strstr (json_object_get_string_member (problem, "message"), path));
  g_assert_nonnull (strstr (json_object_get_string_member (problem, "message"), why));
  g_assert_cmpint (json_object_get_int_member (problem, "exit_code"), ==, 1);
  g_assert_nonnull (json_object_get_array_member (result, "accounts"));

  g_clear_pointer (&err, g_free);
  out = enlist_test_cli_run_text ("prosody", register_args, NULL, ENLIST_TEST_CLI_TEXT, 0,
                                  &status, &err);
  g_test_message ("register: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, path));
  enlist_test_cli_assert_keyring_holds (jid, password1);

  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpmem (after, length, contents, strlen (contents));

  /* set aside by the user: the account is there, from the keyring */
  g_assert_no_errno (g_rename (path, aside));
  result = accounts_json (&status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (enlist_test_cli_find_member (result, "accounts", jid));
  g_assert_no_errno (g_remove (aside));
}

static void
test_damaged_garbage (void)
{
  check_damaged ("\x89PNG\r\n\x1a\n not a key file at all = [", "damaged");
}

static void
test_damaged_truncated (void)
{
  check_damaged ("[enlist]\nversion=1\n\n[alice@localhost]\naddress=alice@localhost\ndom",
                 "damaged");
}

static void
test_damaged_newer_version (void)
{
  check_damaged ("[enlist]\nversion=99\n", "newer version");
}

static void
test_damaged_bad_version (void)
{
  check_damaged ("[enlist]\nversion=one\n", "damaged");
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fault-disk/full-disk", test_full_disk);
  g_test_add_func ("/fault-disk/damaged-garbage", test_damaged_garbage);
  g_test_add_func ("/fault-disk/damaged-truncated", test_damaged_truncated);
  g_test_add_func ("/fault-disk/damaged-newer-version", test_damaged_newer_version);
  g_test_add_func ("/fault-disk/damaged-bad-version", test_damaged_bad_version);

  enlist_test_cli_start (TRUE, FALSE);
  servers = enlist_test_cli_get_servers ();
  result = g_test_run ();
  enlist_test_cli_stop ();
  return result;
}
