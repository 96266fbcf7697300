/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-valgrind.c: enlist-cli's whole life cycle against the real
 * Prosody — register --save, accounts, passwd, login, delete — each run
 * under Valgrind's memcheck inside tests/keyring-session: no memory error
 * and no definite leak in any of them (an error makes valgrind exit 99).
 * Only in builds without the sanitizers, which valgrind cannot run. */
#define G_LOG_DOMAIN "test-cli-valgrind"

#include "config.h"

#include <string.h>

#include "enlist-test-cli.h"
#include "enlist-test-servers.h"

#define VALGRIND_ERROR 99

/* Runs enlist-cli args under memcheck, with Prosody's endpoint and CA;
 * returns its exit status (VALGRIND_ERROR for what memcheck found). */
static int
run_memcheck (const char * const *args)
{
  g_autoptr(GPtrArray) cli = enlist_test_cli_argv ("prosody", args, ENLIST_TEST_CLI_DEFAULT, 0);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *error_exitcode = g_strdup_printf ("--error-exitcode=%d", VALGRIND_ERROR);
  const char *memcheck[] = {
    "valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
    "--errors-for-leak-kinds=definite", error_exitcode, "--num-callers=30", "--quiet",
  };
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (memcheck); i++)
    g_ptr_array_add (argv, (gpointer) memcheck[i]);
  for (guint i = 0; i < cli->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (cli, i));
  g_ptr_array_add (argv, NULL);

  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                       ENLIST_TEST_CLI_DEFAULT);
  /* one allocator, whose blocks memcheck can see */
  g_subprocess_launcher_setenv (launcher, "G_SLICE", "always-malloc", TRUE);
  /* missing valgrind fails here: never a skip */
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  status = g_subprocess_get_exit_status (process);
  if (status != 0)
    g_test_message ("enlist-cli %s under memcheck exited %d:\n%s", args[0], status, err);
  return status;
}

static void
test_life_cycle (void)
{
  g_autofree char *user = enlist_test_cli_random_user ("memcheck");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (enlist_test_cli_get_servers ()),
    "--field", username_arg, "--field", password_arg, "--save", NULL
  };
  const char *passwd_args[] = { "passwd", jid, "--new-password-file", password2, NULL };
  const char *login_args[] = { "login", jid, "--password-file", password2, NULL };
  const char *delete_args[] = { "delete", jid, "--yes", NULL };

  g_assert_cmpint (run_memcheck (register_args), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, password1);
  g_assert_cmpint (run_memcheck (passwd_args), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, password2);
  g_assert_cmpint (run_memcheck (login_args), ==, 0);
  g_assert_cmpint (run_memcheck (delete_args), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, NULL);
  g_assert_cmpint (enlist_test_cli_login_status ("prosody", jid, password2), ==, 5);
}

/* accounts takes no endpoint: it settles what a killed run left, here a
 * registration that never went out. */
static void
test_accounts (void)
{
  g_autofree char *cli = g_strdup (g_getenv ("ENLIST_CLI"));
  const char *argv[] = {
    "valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
    "--errors-for-leak-kinds=definite", "--error-exitcode=99", "--num-callers=30", "--quiet",
    cli, "accounts", "--json", NULL
  };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (cli);
  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                       ENLIST_TEST_CLI_DEFAULT);
  g_subprocess_launcher_setenv (launcher, "G_SLICE", "always-malloc", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("enlist-cli accounts under memcheck:\n%s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "\"ok\" : true"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-valgrind/life-cycle", test_life_cycle);
  g_test_add_func ("/cli-valgrind/accounts", test_accounts);

  enlist_test_cli_start (TRUE, FALSE);
  status = g_test_run ();
  enlist_test_cli_stop ();
  return status;
}
