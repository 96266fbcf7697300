/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-account.c: enlist-cli's account verbs (form, register, passwd,
 * delete, accounts) against a real Prosody and a real ejabberd with
 * CAPTCHA, over STARTTLS, mostly in JSON mode. Runs inside
 * tests/keyring-session, so that register --save, the keyring lookups of
 * passwd and delete and the account manager's files (XDG_DATA_HOME) are
 * the test's own. A relay (enlist-test-relay.h) between enlist-cli and
 * Prosody holds back the registration or its answer, so that the process
 * can be killed at that exact point and `accounts` settles what it left. */
#define G_LOG_DOMAIN "test-cli-account"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-certificate.h"
#include "enlist-keyring.h"
#include "enlist-test-relay.h"
#include "enlist-test-servers.h"
#include "enlist-trust-store.h"
#include "enlist-test-utils.h"

static EnlistTestServers *servers;
static char *work_dir;       /* scripts and password files */
static char *answers_dir;    /* ejabberd's CAPTCHA answers, named by SHA-1 */

typedef struct
{
  const char *name;
  const char *server;        /* "prosody" or "ejabberd" */
  gboolean    captcha;
} Target;

static const Target targets[] = {
  { "prosody", "prosody", FALSE },
  { "ejabberd-captcha", "ejabberd", TRUE },
};

/* ---------------------------------------------------------------------- */

static char *
work_file (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static char *
write_work_file (const char *name,
                 const char *contents,
                 int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = work_file (name);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

/* ejabberd's CAPTCHA answers directory, from the servers' state file. */
static char *
find_answers_dir (void)
{
  g_autofree char *state = g_build_filename (enlist_test_servers_get_state_dir (servers), "state.json",
                                             NULL);
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

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("ENLIST_CLI");

  g_assert_nonnull (cli);
  return cli;
}

typedef enum
{
  RUN_DEFAULT     = 0,
  RUN_NO_ENDPOINT = 1 << 0,  /* no --host/--port: stored settings (or DNS) decide */
  RUN_NO_CA       = 1 << 1,  /* no --ca-file: the trust store decides */
  RUN_TEXT        = 1 << 2,  /* no --json */
  RUN_NO_KEYRING  = 1 << 3,  /* no session bus, so no keyring */
} RunFlags;

static GSubprocessLauncher *
cli_launcher (GSubprocessFlags flags,
              RunFlags         run_flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* for the CAPTCHA script */
  g_subprocess_launcher_setenv (launcher, "ENLIST_TEST_CAPTCHA_ANSWERS", answers_dir, TRUE);
  if (run_flags & RUN_NO_KEYRING)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                  "unix:path=/nonexistent/enlist-test-bus", TRUE);
  return launcher;
}

/* enlist-cli args, then the options run_flags leave in: --host 127.0.0.1
 * --port port (target's STARTTLS port when 0), --ca-file, --json. */
static GPtrArray *
cli_argv (const Target       *target,
          const char * const *args,
          RunFlags            run_flags,
          guint16             port)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (port == 0)
    port = enlist_test_servers_get_port (servers, target->server, FALSE);
  g_ptr_array_add (argv, g_strdup (cli_path ()));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  if (!(run_flags & RUN_NO_ENDPOINT))
    {
      g_ptr_array_add (argv, g_strdup ("--host"));
      g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
      g_ptr_array_add (argv, g_strdup ("--port"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", port));
    }
  if (!(run_flags & RUN_NO_CA))
    {
      g_ptr_array_add (argv, g_strdup ("--ca-file"));
      g_ptr_array_add (argv, g_strdup (enlist_test_servers_get_ca_file (servers)));
    }
  if (!(run_flags & RUN_TEXT))
    g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs enlist-cli (cli_argv); stdin is a pipe (never a terminal) fed
 * stdin_text. Returns what it printed on standard output. */
static char *
run_cli_text (const Target       *target,
              const char * const *args,
              const char         *stdin_text,
              RunFlags            run_flags,
              guint16             port,
              int                *exit_status,
              char              **stderr_out)
{
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                          | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                                          run_flags);
  g_autoptr(GPtrArray) argv = cli_argv (target, args, run_flags, port);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("enlist-cli died (signal %d); its stderr:\n%s",
             g_subprocess_get_term_sig (process), err ? err : "");
  *exit_status = g_subprocess_get_exit_status (process);
  if (err && *err)
    g_test_message ("enlist-cli %s stderr: %s", args[0], err);

  if (stderr_out != NULL)
    *stderr_out = g_steal_pointer (&err);
  return g_steal_pointer (&out);
}

/* The same in JSON mode: the object it printed, or NULL when it printed
 * nothing (refusals before anything is done go to stderr only). */
static JsonObject *
run_cli_full (const Target       *target,
              const char * const *args,
              const char         *stdin_text,
              RunFlags            run_flags,
              guint16             port,
              int                *exit_status,
              char              **stderr_out,
              JsonParser        **parser_out)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  g_assert_false (run_flags & RUN_TEXT);
  out = run_cli_text (target, args, stdin_text, run_flags, port, exit_status, stderr_out);
  *parser_out = parser;
  if (out == NULL || *out == '\0')
    return NULL;
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* With the connection options for target appended, in JSON mode. */
static JsonObject *
run_cli (const Target       *target,
         const char * const *args,
         const char         *stdin_text,
         int                *exit_status,
         char              **stderr_out,
         JsonParser        **parser_out)
{
  return run_cli_full (target, args, stdin_text, RUN_DEFAULT, 0, exit_status, stderr_out,
                       parser_out);
}

static const char *
error_condition (JsonObject *result)
{
  JsonObject *error = json_object_get_object_member (result, "error");

  g_assert_nonnull (error);
  return json_object_has_member (error, "condition")
         ? json_object_get_string_member (error, "condition") : NULL;
}

/* The exit status of enlist-cli login with the password in password_file. */
static int
login_status (const Target *target,
              const char   *jid,
              const char   *password_file)
{
  const char *args[] = { "login", jid, "--password-file", password_file, NULL };
  g_autoptr(JsonParser) parser = NULL;
  int status;

  run_cli (target, args, NULL, &status, NULL, &parser);
  return status;
}

static char *
random_user (const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, g_random_int_range (0, 100000000));
}

static char *
jid_of (const char *user)
{
  return g_strdup_printf ("%s@%s", user, enlist_test_servers_get_domain (servers));
}

static JsonObject *
find_field (JsonObject *form,
            const char *var)
{
  JsonArray *fields = json_object_get_array_member (form, "fields");

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);

      if (g_strcmp0 (json_object_get_string_member (field, "var"), var) == 0)
        return field;
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */

static void
test_form (gconstpointer data)
{
  const Target *target = data;
  const char *args[] = { "form", enlist_test_servers_get_domain (servers), NULL };
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *result, *username, *password;
  int status;

  result = run_cli (target, args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "origin"), ==, "data-form");
  g_assert_false (json_object_get_boolean_member (result, "registered"));

  username = find_field (result, "username");
  g_assert_nonnull (username);
  g_assert_cmpstr (json_object_get_string_member (username, "type"), ==, "text-single");
  g_assert_true (json_object_get_boolean_member (username, "required"));
  password = find_field (result, "password");
  g_assert_nonnull (password);
  g_assert_cmpstr (json_object_get_string_member (password, "type"), ==, "text-private");
  g_assert_false (json_object_has_member (password, "values"));

  if (target->captcha)
    {
      JsonObject *captcha = json_object_get_object_member (result, "captcha");
      JsonObject *ocr;
      JsonArray *media;

      g_assert_nonnull (captcha);
      g_assert_cmpstr (json_object_get_string_member (captcha, "field"), ==, "ocr");
      g_assert_true (g_str_has_prefix (json_object_get_string_member (captcha, "fallback_url"), "http"));
      ocr = find_field (result, "ocr");
      g_assert_nonnull (ocr);
      media = json_object_get_array_member (ocr, "media");
      g_assert_cmpuint (json_array_get_length (media), >=, 1);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (media, 0),
                                                                      "uri"), "cid:sha1+"));
    }
  else
    g_assert_true (json_object_get_null_member (result, "captcha"));
}

/* register → login → register again → passwd → delete. */
static void
test_lifecycle (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = random_user ("cli");
  g_autofree char *jid = jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password2 = work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *solver = work_file ("solve-captcha");
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, target->captcha ? "--captcha-command" : NULL, solver, NULL
  };
  const char *passwd_args[] = {
    "passwd", jid, "--password-file", password1, "--new-password-file", password2, NULL
  };
  const char *delete_args[] = { "delete", jid, "--yes", "--password-file", password2, NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  g_autoptr(JsonParser) parser4 = NULL;
  JsonObject *result;
  int status;

  result = run_cli (target, register_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));
  g_assert_false (json_object_get_boolean_member (result, "saved"));
  g_assert_cmpint (login_status (target, jid, password1), ==, 0);

  result = run_cli (target, register_args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 6);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (error_condition (result), ==, "conflict");

  result = run_cli (target, passwd_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_false (json_object_get_boolean_member (result, "keyring_updated"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 0);
  g_assert_cmpint (login_status (target, jid, password1), ==, 5);

  result = run_cli (target, delete_args, NULL, &status, NULL, &parser4);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 5);
}

/* What register refuses before sending anything. */
static void
test_register_usage (gconstpointer data)
{
  const Target *target = data;
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *user = random_user ("usage");
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  const char *nothing_args[] = { "register", domain, NULL };
  const char *argv_secret_args[] = {
    "register", domain, "--field", username_arg, "--field", "password=hunter2", NULL
  };
  const char *bad_field_args[] = { "register", domain, "--field", "novalue", NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  JsonObject *result;
  JsonArray *missing;
  int status;

  /* no terminal: the missing fields are listed, not asked for */
  result = run_cli (target, nothing_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 2);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  missing = json_object_get_array_member (result, "missing");
  g_assert_cmpstr (json_array_get_string_element (missing, 0), ==, "username");
  if (target->captcha)
    g_assert_cmpstr (json_array_get_string_element (missing, json_array_get_length (missing) - 1),
                     ==, "ocr");

  /* a password in argv */
  result = run_cli (target, argv_secret_args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "kind"),
                   ==, "usage");
  g_assert_null (strstr (json_object_get_string_member (json_object_get_object_member (result, "error"),
                                                        "message"), "hunter2"));

  result = run_cli (target, bad_field_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 2);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
}

/* The password from standard input; a --field the form lacks is ignored;
 * delete without a terminal needs --yes. */
static void
test_register_stdin (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = random_user ("stdin");
  g_autofree char *jid = jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password_file = work_file ("stdin-password");
  g_autofree char *solver = work_file ("solve-captcha");
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", "nickname=ignored", "--no-verify",
    target->captcha ? "--captcha-command" : NULL, solver, NULL
  };
  const char *unconfirmed_args[] = { "delete", jid, "--password-file", password_file, NULL };
  const char *delete_args[] = { "delete", jid, "--yes", "--password-file", password_file, NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  g_autofree char *err = NULL;
  JsonObject *result;
  int status;

  result = run_cli (target, args, "stdin password\n", &status, &err, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_false (json_object_get_boolean_member (result, "verified"));
  g_assert_nonnull (strstr (err, "nickname"));
  g_free (write_work_file ("stdin-password", "stdin password\n", 0600));
  g_assert_cmpint (login_status (target, jid, password_file), ==, 0);

  g_assert_null (run_cli (target, unconfirmed_args, NULL, &status, NULL, &parser2));
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (login_status (target, jid, password_file), ==, 0);

  run_cli (target, delete_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (login_status (target, jid, password_file), ==, 5);
}

/* What the test's private keyring holds for jid, read with libsecret itself;
 * NULL when nothing (ENLIST_ERROR_NOT_FOUND). */
static char *
keyring_password (const char *jid)
{
  g_autoptr(EnlistKeyring) keyring = enlist_keyring_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  enlist_keyring_lookup_async (keyring, jid, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  password = enlist_keyring_lookup_finish (keyring, result, &error);
  if (password == NULL)
    g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
  return password;
}

static void
assert_keyring_holds (const char *jid,
                      const char *password_file)
{
  g_autofree char *expected = NULL;
  char *stored = keyring_password (jid);

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

/* --save, then passwd and delete with the password from the keyring; the
 * keyring's contents checked after each step. */
static void
test_keyring (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = random_user ("saved");
  g_autofree char *jid = jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password2 = work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *solver = work_file ("solve-captcha");
  const char *register_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", target->captcha ? "--captcha-command" : NULL, solver, NULL
  };
  const char *passwd_args[] = { "passwd", jid, "--new-password-file", password2, NULL };
  const char *delete_args[] = { "delete", jid, "--yes", NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autoptr(JsonParser) parser3 = NULL;
  g_autoptr(JsonParser) parser4 = NULL;
  JsonObject *result;
  int status;

  assert_keyring_holds (jid, NULL);
  result = run_cli (target, register_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "saved"));
  assert_keyring_holds (jid, password1);

  /* the current password comes from the keyring: standard input is empty */
  result = run_cli (target, passwd_args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_updated"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 0);
  assert_keyring_holds (jid, password2);

  /* and from the updated entry */
  result = run_cli (target, delete_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 5);
  assert_keyring_holds (jid, NULL);

  /* the entry is gone: delete falls back to standard input, here empty */
  g_assert_null (run_cli (target, delete_args, NULL, &status, NULL, &parser4));
  g_assert_cmpint (status, ==, 2);
}

/* A wrong first answer: the command runs again for the fresh CAPTCHA. */
static void
test_captcha_retry (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = random_user ("retry");
  g_autofree char *jid = jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *counter = work_file ("retry-count");
  g_autofree char *script_text = g_strdup_printf ("#!/bin/sh\n"
                                                  "echo x >> '%s'\n"
                                                  "if [ \"$(wc -l < '%s')\" -lt 2 ]; then echo wrong; exit 0; fi\n"
                                                  "exec '%s/solve-captcha' \"$@\"\n",
                                                  counter, counter, work_dir);
  g_autofree char *script = write_work_file ("solve-late", script_text, 0700);
  g_autofree char *never = write_work_file ("solve-never", "#!/bin/sh\necho wrong\n", 0700);
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--captcha-command", script, NULL
  };
  const char *never_args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--captcha-command", never, NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  g_autofree char *counted = NULL;
  g_autofree char *err = NULL;
  JsonObject *result;
  int status;

  g_unlink (counter);
  result = run_cli (target, args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (g_file_get_contents (counter, &counted, NULL, NULL));
  g_assert_cmpstr (counted, ==, "x\nx\n");

  /* bounded: three wrong answers, then the server's refusal */
  g_free (user);
  user = random_user ("never");
  g_free (username_arg);
  username_arg = g_strdup_printf ("username=%s", user);
  never_args[3] = username_arg;
  result = run_cli (target, never_args, NULL, &status, &err, &parser2);
  g_assert_cmpint (status, ==, 6);
  g_assert_cmpstr (error_condition (result), ==, "not-allowed");
  g_assert_nonnull (strstr (err, "trying again"));
}

/* An invitation: its domain is where the account is made. */
static void
test_invite (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *invite = enlist_test_servers_invite (servers);
  g_autofree char *user = random_user ("invited");
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, enlist_test_servers_get_invite_domain (servers));
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  const char *args[] = {
    "register", enlist_test_servers_get_invite_domain (servers), "--invite", invite,
    "--field", username_arg, "--field", password_arg, NULL
  };
  const char *uninvited_args[] = {
    "register", enlist_test_servers_get_invite_domain (servers),
    "--field", username_arg, "--field", password_arg, NULL
  };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result;
  int status;

  result = run_cli (target, uninvited_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 6);
  g_assert_cmpstr (error_condition (result), ==, "not-acceptable");

  result = run_cli (target, args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));
}

/* ---------------------------------------------------------------------- */
/* The account manager's side: accounts, stored settings, pins            */

static const Target *
prosody (void)
{
  return &targets[0];
}

/* What the test's private keyring holds pending for jid (a registration's
 * password), or NULL. */
static char *
keyring_pending (const char *jid)
{
  g_autoptr(EnlistKeyring) keyring = enlist_keyring_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  enlist_keyring_lookup_pending_async (keyring, jid, ENLIST_KEYRING_STATE_PENDING_REGISTRATION,
                                       NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  password = enlist_keyring_lookup_pending_finish (keyring, result, &error);
  if (password == NULL)
    g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND);
  return password;
}

static JsonObject *
find_member (JsonObject *result,
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

/* enlist-cli accounts --json (it takes no endpoint options). */
static JsonObject *
accounts_json (JsonParser **parser)
{
  const char *args[] = { "accounts", NULL };
  JsonObject *result;
  int status;

  result = run_cli_full (prosody (), args, NULL, RUN_NO_ENDPOINT, 0, &status, NULL, parser);
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

  out = run_cli_text (prosody (), args, NULL, RUN_NO_ENDPOINT | RUN_TEXT, 0, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_test_message ("$ enlist-cli accounts\n%s", out);
  return out;
}

/* The server's certificate pinned for the invitation's domain, and no CA
 * file: register --invite trusts it, since it reads the pins of the
 * domain the invitation names, not of the one on the command line. */
static void
test_invite_pinned (gconstpointer data)
{
  const Target *target = data;
  const char *domain = enlist_test_servers_get_domain (servers);
  const char *invite_domain = enlist_test_servers_get_invite_domain (servers);
  g_autoptr(EnlistTrustStore) store = enlist_trust_store_new (NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *invite = enlist_test_servers_invite (servers);
  g_autofree char *user = random_user ("pinned");
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, invite_domain);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
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
  result = run_cli_full (target, args, NULL, RUN_NO_CA, 0, &status, NULL, &parser);
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
  result = run_cli_full (target, args, NULL, RUN_NO_CA, 0, &status, NULL, &parser2);
  g_assert_true (enlist_trust_store_remove_pin (store, domain, fingerprint, &error));
  g_assert_cmpint (status, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"),
                                                  "kind"), ==, "tls");
}

/* register --save without a keyring: created, saved nowhere, exit 8; the
 * account is recorded all the same, and passwd and delete then use its
 * stored connection settings (no --host, no --port). */
static void
test_save_not_saved (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = random_user ("unsaved");
  g_autofree char *jid = jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password2 = work_file ("password2");
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
  g_autofree char *err = NULL;
  JsonObject *result, *account, *endpoint, *error;
  int status;

  result = run_cli_full (target, register_args, NULL, RUN_NO_KEYRING, 0, &status, &err, &parser);
  g_assert_cmpint (status, ==, 8);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));
  g_assert_false (json_object_get_boolean_member (result, "saved"));
  error = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "not-saved");
  g_assert_cmpint (json_object_get_int_member (error, "exit_code"), ==, 8);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "saved nowhere"));
  g_assert_cmpint (login_status (target, jid, password1), ==, 0);
  assert_keyring_holds (jid, NULL);

  result = accounts_json (&parser2);
  account = find_member (result, "accounts", jid);
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "password-not-saved");
  g_assert_false (json_object_get_boolean_member (account, "pending"));
  g_assert_nonnull (json_object_get_string_member (account, "created"));
  endpoint = json_object_get_object_member (account, "endpoint");
  g_assert_cmpstr (json_object_get_string_member (endpoint, "host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (endpoint, "port"), ==,
                   enlist_test_servers_get_port (servers, target->server, FALSE));

  /* the stored endpoint, not DNS: localhost has no XMPP server on 5222 */
  result = run_cli_full (target, passwd_args, NULL, RUN_NO_ENDPOINT, 0, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_updated"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 0);
  assert_keyring_holds (jid, password2);
  result = accounts_json (&parser4);
  g_assert_cmpstr (json_object_get_string_member (find_member (result, "accounts", jid), "state"),
                   ==, "ready");

  /* and the password from the keyring */
  result = run_cli_full (target, delete_args, NULL, RUN_NO_ENDPOINT, 0, &status, NULL, &parser5);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  g_assert_cmpint (login_status (target, jid, password2), ==, 5);
  assert_keyring_holds (jid, NULL);
  result = accounts_json (&parser6);
  g_assert_null (find_member (result, "accounts", jid));
}

/* Starts enlist-cli register --save through relay, waits until the relay
 * holds back what its mode says, and kills enlist-cli with SIGKILL right
 * there. Returns what the relay held back. */
static char *
register_killed (EnlistTestRelay *relay,
                 const char      *user)
{
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *err_path = work_file ("killed-stderr");
  g_autofree char *err = NULL;
  const char *args[] = {
    "register", enlist_test_servers_get_domain (servers), "--field", username_arg,
    "--field", password_arg, "--save", NULL
  };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *held;

  launcher = cli_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                           RUN_DEFAULT);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  argv = cli_argv (prosody (), args, RUN_DEFAULT, enlist_test_relay_get_port (relay));
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
  g_autofree char *user = random_user ("crash");
  g_autofree char *jid = jid_of (user);
  g_autofree char *password1 = work_file ("password1");
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
  g_assert_true (strstr (held, "type='result'") != NULL || strstr (held, "type=\"result\"") != NULL);
  g_assert_cmpint (login_status (prosody (), jid, password1), ==, 0);
  /* the password went into the keyring, pending, before the form went out */
  pending = keyring_pending (jid);
  g_assert_cmpstr (pending, ==, "first password");
  assert_keyring_holds (jid, NULL);

  text = accounts_text ();
  line = g_strdup_printf ("Settled: %s exists", jid);
  g_assert_nonnull (strstr (text, line));
  g_free (line);
  line = g_strdup_printf ("\n%s\n", jid);
  g_assert_nonnull (strstr (text, line));
  g_assert_nonnull (strstr (strstr (text, line), "State:    ready"));
  assert_keyring_holds (jid, password1);
  g_clear_pointer (&pending, g_free);
  pending = keyring_pending (jid);
  g_assert_null (pending);

  /* settled once: nothing left pending */
  result = accounts_json (&parser);
  account = find_member (result, "accounts", jid);
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "ready");
  g_assert_false (json_object_get_boolean_member (account, "pending"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (account, "endpoint"),
                                               "port"), ==, enlist_test_relay_get_port (relay));
  g_assert_null (find_member (result, "settled", jid));

  /* through the relay again, now passing everything: the stored endpoint */
  result = run_cli_full (prosody (), delete_args, NULL, RUN_NO_ENDPOINT, 0, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  assert_keyring_holds (jid, NULL);
}

/* Killed before the server saw the submission: the next `accounts` finds
 * no such account and forgets it, password and record. */
static void
test_crash_before_submit (void)
{
  g_autoptr(EnlistTestRelay) relay = relay_to_prosody (ENLIST_TEST_RELAY_HOLD_SUBMIT);
  g_autofree char *user = random_user ("unsent");
  g_autofree char *jid = jid_of (user);
  g_autofree char *password1 = work_file ("password1");
  g_autofree char *held = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *result, *settled;

  held = register_killed (relay, user);
  /* what the relay held back is the submission itself */
  g_assert_nonnull (strstr (held, "jabber:iq:register"));
  g_assert_cmpint (login_status (prosody (), jid, password1), ==, 5);
  pending = keyring_pending (jid);
  g_assert_cmpstr (pending, ==, "first password");

  result = accounts_json (&parser);
  settled = find_member (result, "settled", jid);
  g_assert_nonnull (settled);
  g_assert_cmpstr (json_object_get_string_member (settled, "outcome"), ==, "not-registered");
  g_assert_nonnull (strstr (json_object_get_string_member (settled, "message"), "does not exist"));
  g_assert_null (find_member (result, "accounts", jid));
  g_clear_pointer (&pending, g_free);
  pending = keyring_pending (jid);
  g_assert_null (pending);
  assert_keyring_holds (jid, NULL);

  text = accounts_text ();
  g_assert_null (strstr (text, jid));
}

static void
add_for_targets (const char    *name,
                 GTestDataFunc  func,
                 gboolean       captcha_only)
{
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = NULL;

      if (captcha_only && !targets[i].captcha)
        continue;
      path = g_strdup_printf ("/cli-account/%s/%s", targets[i].name, name);
      g_test_add_data_func (path, &targets[i], func);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  add_for_targets ("form", test_form, FALSE);
  add_for_targets ("lifecycle", test_lifecycle, FALSE);
  add_for_targets ("register-usage", test_register_usage, FALSE);
  add_for_targets ("register-stdin", test_register_stdin, FALSE);
  add_for_targets ("keyring", test_keyring, FALSE);
  add_for_targets ("captcha-retry", test_captcha_retry, TRUE);
  g_test_add_data_func ("/cli-account/prosody-invite/register", &targets[0], test_invite);
  g_test_add_data_func ("/cli-account/prosody-invite/pinned", &targets[0], test_invite_pinned);
  g_test_add_data_func ("/cli-account/prosody/save-not-saved", &targets[0], test_save_not_saved);
  g_test_add_func ("/cli-account/prosody/crash-after-submit", test_crash_after_submit);
  g_test_add_func ("/cli-account/prosody/crash-before-submit", test_crash_before_submit);

  work_dir = g_dir_make_tmp ("enlist-cli-account-XXXXXX", &error);
  g_assert_no_error (error);
  g_free (write_work_file ("password1", "first password\n", 0600));
  g_free (write_work_file ("password2", "second password\n", 0600));
  /* answers ejabberd's CAPTCHA from the harness's answers directory, found
   * by the SHA-1 of the image enlist-cli passes */
  g_free (write_work_file ("solve-captcha",
                           "#!/bin/sh\n"
                           "set -eu\n"
                           "sum=$(sha1sum \"$1\" | cut -d ' ' -f 1)\n"
                           "cat \"$ENLIST_TEST_CAPTCHA_ANSWERS/$sum\"\n"
                           "echo\n", 0700));

  /* a missing server fails here, loudly: it is never a skip */
  servers = enlist_test_servers_start (TRUE, TRUE);
  answers_dir = find_answers_dir ();
  result = g_test_run ();
  enlist_test_servers_stop (servers);

  {
    const char *names[] = { "password1", "password2", "solve-captcha", "solve-late", "solve-never",
                            "retry-count", "stdin-password" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = work_file (names[i]);
        g_unlink (path);
      }
    g_rmdir (work_dir);
  }
  g_free (work_dir);
  g_free (answers_dir);
  return result;
}
