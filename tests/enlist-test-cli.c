/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-cli.c: running enlist-cli from the integration tests
 * (enlist-test-cli.h). Synchronous on purpose: this is test code. */
#define G_LOG_DOMAIN "enlist-test-cli"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "enlist-keyring.h"
#include "enlist-test-cli.h"
#include "enlist-test-utils.h"

static EnlistTestServers *servers;
static char *work_dir;       /* scripts and password files */
static char *answers_dir;    /* ejabberd's CAPTCHA answers, named by SHA-1 */

/* ejabberd's CAPTCHA answers directory, from the servers' state file. */
static char *
find_answers_dir (void)
{
  g_autofree char *state = g_build_filename (enlist_test_servers_get_state_dir (servers),
                                             "state.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *ejabberd;

  json_parser_load_from_file (parser, state, &error);
  g_assert_no_error (error);
  ejabberd = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "ejabberd");
  g_assert_nonnull (ejabberd);
  return g_strdup (json_object_get_string_member (ejabberd, "captcha_dir"));
}

void
enlist_test_cli_start (gboolean prosody,
                       gboolean ejabberd)
{
  g_autoptr(GError) error = NULL;

  work_dir = g_dir_make_tmp ("enlist-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  g_free (enlist_test_cli_write_file ("password1", "first password\n", 0600));
  g_free (enlist_test_cli_write_file ("password2", "second password\n", 0600));
  /* answers ejabberd's CAPTCHA from the harness's answers directory, found
   * by the SHA-1 of the image enlist-cli passes */
  g_free (enlist_test_cli_write_file ("solve-captcha",
                                      "#!/bin/sh\n"
                                      "set -eu\n"
                                      "sum=$(sha1sum \"$1\" | cut -d ' ' -f 1)\n"
                                      "cat \"$ENLIST_TEST_CAPTCHA_ANSWERS/$sum\"\n"
                                      "echo\n", 0700));

  /* a missing server fails here, loudly: it is never a skip */
  servers = enlist_test_servers_start (prosody, ejabberd);
  if (ejabberd)
    answers_dir = find_answers_dir ();
}

void
enlist_test_cli_stop (void)
{
  g_autoptr(GDir) dir = g_dir_open (work_dir, 0, NULL);
  const char *name;

  enlist_test_servers_stop (g_steal_pointer (&servers));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = enlist_test_cli_work_file (name);
      g_unlink (path);
    }
  g_rmdir (work_dir);
  g_clear_pointer (&work_dir, g_free);
  g_clear_pointer (&answers_dir, g_free);
}

EnlistTestServers *
enlist_test_cli_get_servers (void)
{
  return servers;
}

char *
enlist_test_cli_work_file (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

char *
enlist_test_cli_write_file (const char *name,
                            const char *contents,
                            int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = enlist_test_cli_work_file (name);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

GSubprocessLauncher *
enlist_test_cli_launcher (GSubprocessFlags   flags,
                          EnlistTestCliFlags run_flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* for the CAPTCHA script */
  if (answers_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "ENLIST_TEST_CAPTCHA_ANSWERS", answers_dir, TRUE);
  if (run_flags & ENLIST_TEST_CLI_NO_KEYRING)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                  "unix:path=/nonexistent/enlist-test-bus", TRUE);
  return launcher;
}

GPtrArray *
enlist_test_cli_argv (const char         *server,
                      const char * const *args,
                      EnlistTestCliFlags  flags,
                      guint16             port)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *cli = g_getenv ("ENLIST_CLI");

  g_assert_nonnull (cli);
  if (port == 0)
    port = enlist_test_servers_get_port (servers, server, FALSE);
  g_ptr_array_add (argv, g_strdup (cli));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  if (!(flags & ENLIST_TEST_CLI_NO_ENDPOINT))
    {
      g_ptr_array_add (argv, g_strdup ("--host"));
      g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
      g_ptr_array_add (argv, g_strdup ("--port"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", port));
    }
  if (!(flags & ENLIST_TEST_CLI_NO_CA))
    {
      g_ptr_array_add (argv, g_strdup ("--ca-file"));
      g_ptr_array_add (argv, g_strdup (enlist_test_servers_get_ca_file (servers)));
    }
  if (!(flags & ENLIST_TEST_CLI_TEXT))
    g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, NULL);
  return argv;
}

char *
enlist_test_cli_run_text (const char         *server,
                          const char * const *args,
                          const char         *stdin_text,
                          EnlistTestCliFlags  flags,
                          guint16             port,
                          int                *exit_status,
                          char              **stderr_out)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = enlist_test_cli_argv (server, args, flags, port);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = enlist_test_cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE, flags);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("enlist-cli died (signal %d); its stderr:\n%s",
             g_subprocess_get_term_sig (process), err != NULL ? err : "");
  *exit_status = g_subprocess_get_exit_status (process);
  if (err != NULL && *err != '\0')
    g_test_message ("enlist-cli %s stderr: %s", args[0], err);

  if (stderr_out != NULL)
    *stderr_out = g_steal_pointer (&err);
  return g_steal_pointer (&out);
}

JsonObject *
enlist_test_cli_run_json (const char         *server,
                          const char * const *args,
                          const char         *stdin_text,
                          EnlistTestCliFlags  flags,
                          guint16             port,
                          int                *exit_status,
                          char              **stderr_out,
                          JsonParser        **parser_out)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  g_assert_false (flags & ENLIST_TEST_CLI_TEXT);
  out = enlist_test_cli_run_text (server, args, stdin_text, flags, port, exit_status, stderr_out);
  *parser_out = parser;
  if (out == NULL || *out == '\0')
    return NULL;
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

JsonObject *
enlist_test_cli_find_member (JsonObject *result,
                             const char *array,
                             const char *address)
{
  JsonArray *items = json_object_get_array_member (result, array);

  g_assert_nonnull (items);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "address"), address) == 0)
        return item;
    }
  return NULL;
}

int
enlist_test_cli_login_status (const char *server,
                              const char *jid,
                              const char *password_file)
{
  const char *args[] = { "login", jid, "--password-file", password_file, NULL };
  g_autoptr(JsonParser) parser = NULL;
  int status;

  enlist_test_cli_run_json (server, args, NULL, ENLIST_TEST_CLI_DEFAULT, 0, &status, NULL,
                            &parser);
  return status;
}

char *
enlist_test_cli_random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

char *
enlist_test_cli_jid_of (const char *user)
{
  return g_strdup_printf ("%s@%s", user, enlist_test_servers_get_domain (servers));
}

/* With libsecret itself, through EnlistKeyring; not found is NULL. */
static char *
keyring_lookup (const char         *jid,
                gboolean            pending,
                EnlistKeyringState  state)
{
  g_autoptr(EnlistKeyring) keyring = enlist_keyring_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  if (pending)
    enlist_keyring_lookup_pending_async (keyring, jid, state, NULL, enlist_test_store_result,
                                         &result);
  else
    enlist_keyring_lookup_async (keyring, jid, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  password = pending ? enlist_keyring_lookup_pending_finish (keyring, result, &error)
                     : enlist_keyring_lookup_finish (keyring, result, &error);
  if (password == NULL)
    g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
  return password;
}

char *
enlist_test_cli_keyring_password (const char *jid)
{
  return keyring_lookup (jid, FALSE, ENLIST_KEYRING_STATE_PENDING_REGISTRATION);
}

char *
enlist_test_cli_keyring_pending (const char *jid)
{
  return keyring_lookup (jid, TRUE, ENLIST_KEYRING_STATE_PENDING_REGISTRATION);
}

char *
enlist_test_cli_keyring_pending_password (const char *jid)
{
  return keyring_lookup (jid, TRUE, ENLIST_KEYRING_STATE_PENDING_PASSWORD);
}

void
enlist_test_cli_assert_keyring_holds (const char *jid,
                                      const char *password_file)
{
  g_autofree char *expected = NULL;
  char *stored = enlist_test_cli_keyring_password (jid);

  if (password_file == NULL)
    {
      g_assert_null (stored);
      return;
    }
  g_assert_true (g_file_get_contents (password_file, &expected, NULL, NULL));
  g_strchomp (expected);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored, ==, expected);
  enlist_keyring_password_free (stored);
}
