/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-account.c: enlist-cli's account verbs (form, register, passwd,
 * delete) against a real Prosody and a real ejabberd with CAPTCHA, over
 * STARTTLS, in JSON mode. Runs inside tests/keyring-session, so that
 * register --save and the keyring lookups of passwd and delete have a
 * keyring of their own. What goes through the account manager is in
 * test-cli-manager.c. */
#define G_LOG_DOMAIN "test-cli-account"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-test-cli.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"

static EnlistTestServers *servers;

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

/* enlist-cli with the connection options for target appended, in JSON mode. */
static JsonObject *
run_cli (const Target       *target,
         const char * const *args,
         const char         *stdin_text,
         int                *exit_status,
         char              **stderr_out,
         JsonParser        **parser_out)
{
  return enlist_test_cli_run_json (target->server, args, stdin_text, ENLIST_TEST_CLI_DEFAULT, 0,
                                   exit_status, stderr_out, parser_out);
}

static const char *
error_condition (JsonObject *result)
{
  JsonObject *error = json_object_get_object_member (result, "error");

  g_assert_nonnull (error);
  return json_object_has_member (error, "condition")
         ? json_object_get_string_member (error, "condition") : NULL;
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

/* A flow's answer says how long the flow took (the benchmarks count round
 * trips with it): a positive time, within the test's own bounds. */
static void
assert_elapsed (JsonObject *result)
{
  double elapsed;

  g_assert_true (json_object_has_member (result, "elapsed_ms"));
  elapsed = json_object_get_double_member (result, "elapsed_ms");
  g_assert_cmpfloat (elapsed, >, 0.0);
  g_assert_cmpfloat (elapsed, <, 60000.0);
}

/* register → login → register again → passwd → delete. */
static void
test_lifecycle (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = enlist_test_cli_random_user ("cli");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *solver = enlist_test_cli_work_file ("solve-captcha");
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
  assert_elapsed (result);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password1), ==, 0);

  result = run_cli (target, register_args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 6);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (error_condition (result), ==, "conflict");

  result = run_cli (target, passwd_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_false (json_object_get_boolean_member (result, "keyring_updated"));
  assert_elapsed (result);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password2), ==, 0);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password1), ==, 5);

  result = run_cli (target, delete_args, NULL, &status, NULL, &parser4);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  assert_elapsed (result);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password2), ==, 5);
}

/* What register refuses before sending anything. */
static void
test_register_usage (gconstpointer data)
{
  const Target *target = data;
  const char *domain = enlist_test_servers_get_domain (servers);
  g_autofree char *user = enlist_test_cli_random_user ("usage");
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
  g_autofree char *user = enlist_test_cli_random_user ("stdin");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password_file = enlist_test_cli_work_file ("stdin-password");
  g_autofree char *solver = enlist_test_cli_work_file ("solve-captcha");
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
  g_free (enlist_test_cli_write_file ("stdin-password", "stdin password\n", 0600));
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password_file), ==, 0);

  g_assert_null (run_cli (target, unconfirmed_args, NULL, &status, NULL, &parser2));
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password_file), ==, 0);

  run_cli (target, delete_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password_file), ==, 5);
}

/* --save, then passwd and delete with the password from the keyring; the
 * keyring's contents checked after each step. */
static void
test_keyring (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = enlist_test_cli_random_user ("saved");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password2 = enlist_test_cli_work_file ("password2");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *solver = enlist_test_cli_work_file ("solve-captcha");
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

  enlist_test_cli_assert_keyring_holds (jid, NULL);
  result = run_cli (target, register_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "saved"));
  enlist_test_cli_assert_keyring_holds (jid, password1);

  /* the current password comes from the keyring: standard input is empty */
  result = run_cli (target, passwd_args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_updated"));
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password2), ==, 0);
  enlist_test_cli_assert_keyring_holds (jid, password2);

  /* and from the updated entry */
  result = run_cli (target, delete_args, NULL, &status, NULL, &parser3);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "keyring_cleared"));
  g_assert_cmpint (enlist_test_cli_login_status (target->server, jid, password2), ==, 5);
  enlist_test_cli_assert_keyring_holds (jid, NULL);

  /* the entry is gone: delete falls back to standard input, here empty */
  g_assert_null (run_cli (target, delete_args, NULL, &status, NULL, &parser4));
  g_assert_cmpint (status, ==, 2);
}

/* A wrong first answer: the command runs again for the fresh CAPTCHA. */
static void
test_captcha_retry (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = enlist_test_cli_random_user ("retry");
  g_autofree char *jid = enlist_test_cli_jid_of (user);
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
  g_autofree char *password_arg = g_strdup_printf ("password=@%s", password1);
  g_autofree char *counter = enlist_test_cli_work_file ("retry-count");
  g_autofree char *solver = enlist_test_cli_work_file ("solve-captcha");
  g_autofree char *script_text = g_strdup_printf ("#!/bin/sh\n"
                                                  "echo x >> '%s'\n"
                                                  "if [ \"$(wc -l < '%s')\" -lt 2 ]; then echo wrong; exit 0; fi\n"
                                                  "exec '%s' \"$@\"\n",
                                                  counter, counter, solver);
  g_autofree char *script = enlist_test_cli_write_file ("solve-late", script_text, 0700);
  g_autofree char *never = enlist_test_cli_write_file ("solve-never", "#!/bin/sh\necho wrong\n", 0700);
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
  user = enlist_test_cli_random_user ("never");
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
  g_autofree char *user = enlist_test_cli_random_user ("invited");
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, enlist_test_servers_get_invite_domain (servers));
  g_autofree char *username_arg = g_strdup_printf ("username=%s", user);
  g_autofree char *password1 = enlist_test_cli_work_file ("password1");
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

  /* Prosody's invite-only host answers not-acceptable: an invitation is
   * needed, not other details */
  result = run_cli (target, uninvited_args, NULL, &status, NULL, &parser);
  g_assert_cmpint (status, ==, 6);
  g_assert_cmpstr (error_condition (result), ==, "not-acceptable");
  g_assert_nonnull (strstr (json_object_get_string_member (
                              json_object_get_object_member (result, "error"), "message"),
                            "takes new accounts by invitation"));

  result = run_cli (target, args, NULL, &status, NULL, &parser2);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "jid"), ==, jid);
  g_assert_true (json_object_get_boolean_member (result, "verified"));
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
  int result;

  g_test_init (&argc, &argv, NULL);

  add_for_targets ("form", test_form, FALSE);
  add_for_targets ("lifecycle", test_lifecycle, FALSE);
  add_for_targets ("register-usage", test_register_usage, FALSE);
  add_for_targets ("register-stdin", test_register_stdin, FALSE);
  add_for_targets ("keyring", test_keyring, FALSE);
  add_for_targets ("captcha-retry", test_captcha_retry, TRUE);
  g_test_add_data_func ("/cli-account/prosody-invite/register", &targets[0], test_invite);

  enlist_test_cli_start (TRUE, TRUE);
  servers = enlist_test_cli_get_servers ();
  result = g_test_run ();
  enlist_test_cli_stop ();
  return result;
}
