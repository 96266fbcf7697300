/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-secrets.c: a whole life cycle of enlist-cli on each real server
 * — register --save (ejabberd's CAPTCHA solved), accounts, login, passwd,
 * delete — every run with --trace and a GSettings backend that writes to
 * a file, inside tests/keyring-session; afterwards neither password used
 * appears in anything a run printed (the redacted trace included) nor in
 * any file under HOME and the XDG data, config and cache directories, the
 * keyring daemon's own store aside. The passwords come from files, never
 * from the command line. */
#define G_LOG_DOMAIN "test-cli-secrets"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "enlist-test-cli.h"
#include "enlist-test-secrets.h"
#include "enlist-test-servers.h"

typedef struct
{
  const char *server;
  gboolean    captcha;
} Target;

static const Target prosody = { "prosody", FALSE };
static const Target ejabberd = { "ejabberd", TRUE };

typedef struct
{
  char *secrets[3];
  char *files[2];
  char *printed;  /* everything every run printed, in order */
} LifeCycle;

/* Runs enlist-cli with --trace; its output and trace are kept to be
 * searched; returns its exit status. accounts takes no endpoint, and with
 * nothing to settle connects nowhere. */
static int
run (LifeCycle          *life,
     const Target       *target,
     const char * const *args)
{
  gboolean accounts = g_str_equal (args[0], "accounts");
  g_autoptr(GPtrArray) with_trace = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *where = g_strdup_printf ("enlist-cli %s", args[0]);
  int status = -1;

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (with_trace, (gpointer) args[i]);
  g_ptr_array_add (with_trace, (gpointer) "--trace");
  g_ptr_array_add (with_trace, NULL);

  out = enlist_test_cli_run_text (target->server, (const char * const *) with_trace->pdata, NULL,
                                  ENLIST_TEST_CLI_TEXT |
                                  (accounts ? ENLIST_TEST_CLI_NO_ENDPOINT : 0), 0, &status, &err);
  /* the trace is there: what is redacted was seen */
  if (!accounts)
    g_assert_nonnull (strstr (err, "(stream header)"));
  enlist_test_assert_no_secret_in_text (out, strlen (out), (const char * const *) life->secrets,
                                        where);
  enlist_test_assert_no_secret_in_text (err, strlen (err), (const char * const *) life->secrets,
                                        where);
  {
    char *printed = g_strconcat (life->printed, out, err, NULL);

    g_free (life->printed);
    life->printed = printed;
  }
  return status;
}

static char *
secret_file (const char *name,
             const char *secret)
{
  g_autofree char *line = g_strconcat (secret, "\n", NULL);

  return enlist_test_cli_write_file (name, line, 0600);
}

static void
test_life_cycle (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = enlist_test_cli_random_user ("secret");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *solver = enlist_test_cli_work_file ("solve-captcha");
  g_autofree char *password_arg = NULL;
  g_autofree char *keyring = NULL;
  const char *data_dir = g_get_user_data_dir ();
  g_autofree char *keyrings = g_build_filename (data_dir, "keyrings", NULL);
  const char *dirs[] = { g_get_home_dir (), data_dir, g_get_user_config_dir (),
                         g_get_user_cache_dir () };
  LifeCycle life = { { NULL }, { NULL }, g_strdup ("") };
  guint n_files = 0;

  /* passwords no one else would write: random, with characters XML
   * escapes, so that an unescaped or an escaped copy is found */
  life.secrets[0] = g_strdup_printf ("Lc1 %08x&%08x<first>", g_random_int (), g_random_int ());
  life.secrets[1] = g_strdup_printf ("Lc2 %08x'%08x\"second", g_random_int (), g_random_int ());
  life.files[0] = secret_file ("secret1", life.secrets[0]);
  life.files[1] = secret_file ("secret2", life.secrets[1]);
  password_arg = g_strdup_printf ("password=@%s", life.files[0]);

  {
    const char *register_args[] = {
      "register", enlist_test_servers_get_domain (enlist_test_cli_get_servers ()),
      "--field", username_arg, "--field", password_arg, "--save",
      target->captcha ? "--captcha-command" : NULL, solver, NULL
    };
    const char *accounts_args[] = { "accounts", NULL };
    const char *login_args[] = { "login", jid, "--password-file", life.files[0], NULL };
    const char *passwd_args[] = {
      "passwd", jid, "--new-password-file", life.files[1], NULL
    };
    const char *login2_args[] = { "login", jid, "--password-file", life.files[1], NULL };
    const char *delete_args[] = { "delete", jid, "--yes", NULL };

    g_assert_cmpint (run (&life, target, register_args), ==, 0);
    enlist_test_cli_assert_keyring_holds (jid, life.files[0]);
    g_assert_cmpint (run (&life, target, accounts_args), ==, 0);
    g_assert_nonnull (strstr (life.printed, jid));
    g_assert_cmpint (run (&life, target, login_args), ==, 0);
    /* the current password from the keyring */
    g_assert_cmpint (run (&life, target, passwd_args), ==, 0);
    enlist_test_cli_assert_keyring_holds (jid, life.files[1]);
    g_assert_cmpint (run (&life, target, login2_args), ==, 0);
    g_assert_cmpint (run (&life, target, delete_args), ==, 0);
    /* gone: the keyring's entry and the account */
    keyring = enlist_test_cli_keyring_password (jid);
    g_assert_null (keyring);
    g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, life.files[1]), ==, 5);
  }

  /* the account file was written (and emptied again) where it is looked for */
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    n_files += enlist_test_assert_no_secret_in_tree (dirs[i], (const char * const *) life.secrets,
                                                     keyrings);
  g_assert_cmpuint (n_files, >, 0);
  {
    g_autofree char *account_file = g_build_filename (data_dir, "enlist", "accounts.ini", NULL);

    g_assert_true (g_file_test (account_file, G_FILE_TEST_IS_REGULAR));
  }

  for (guint i = 0; i < G_N_ELEMENTS (life.files); i++)
    {
      g_unlink (life.files[i]);
      g_free (life.files[i]);
    }
  for (guint i = 0; life.secrets[i] != NULL; i++)
    g_free (life.secrets[i]);
  g_free (life.printed);
}

/* The scan itself finds what it looks for. */
static void
test_scan_finds (void)
{
  const char *secrets[] = { "Lc0 a&b<c>", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (g_test_subprocess ())
    {
      dir = g_dir_make_tmp ("enlist-secrets-XXXXXX", &error);
      g_assert_no_error (error);
      {
        g_autofree char *nested = g_build_filename (dir, "a", "b", NULL);
        g_autofree char *file = g_build_filename (nested, "settings.ini", NULL);

        g_assert_cmpint (g_mkdir_with_parents (nested, 0700), ==, 0);
        g_file_set_contents (file, "[x]\nvalue=Lc0 a&amp;b&lt;c&gt;\n", -1, &error);
        g_assert_no_error (error);
      }
      enlist_test_assert_no_secret_in_tree (dir, secrets, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*password 1 of this test appears in*settings.ini*");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* whatever enlist-cli would store in GSettings lands in a file that
   * the scan reads */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);

  g_test_add_func ("/cli-secrets/scan-finds", test_scan_finds);
  g_test_add_data_func ("/cli-secrets/prosody", &prosody, test_life_cycle);
  g_test_add_data_func ("/cli-secrets/ejabberd", &ejabberd, test_life_cycle);

  if (g_test_subprocess ())
    return g_test_run ();
  enlist_test_cli_start (TRUE, TRUE);
  status = g_test_run ();
  enlist_test_cli_stop ();
  return status;
}
