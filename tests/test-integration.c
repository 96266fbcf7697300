/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-integration.c: the engine and enlist-cli against a real Prosody and a
 * real ejabberd, started by the test on loopback: probe, login with SCRAM,
 * wrong password, untrusted and pinned certificates, over STARTTLS and
 * direct TLS. */
#define G_LOG_DOMAIN "test-integration"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-certificate.h"
#include "enlist-connection.h"
#include "enlist-error.h"
#include "enlist-test-servers.h"
#include "enlist-test-utils.h"

#define NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"

static EnlistTestServers *servers;
/* XDG_DATA_HOME of the enlist-cli runs: where its trust store lives */
static char *cli_data_home;

typedef struct
{
  const char *server;      /* "prosody" or "ejabberd" */
  gboolean    direct_tls;
} Target;

static const Target targets[] = {
  { "prosody", FALSE },
  { "prosody", TRUE },
  { "ejabberd", FALSE },
  { "ejabberd", TRUE },
};

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Wait;

static void
wait_init (Wait *w)
{
  w->loop = g_main_loop_new (NULL, FALSE);
  w->ok = FALSE;
  w->error = NULL;
}

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->loop, g_main_loop_unref);
  g_clear_error (&w->error);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = enlist_connection_connect_finish (ENLIST_CONNECTION (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
auth_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = enlist_connection_authenticate_finish (ENLIST_CONNECTION (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = enlist_connection_close_finish (ENLIST_CONNECTION (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static EnlistConnection *
new_connection (const Target *target,
                gboolean      with_ca)
{
  EnlistConnection *c = enlist_connection_new (enlist_test_servers_get_domain (servers));
  g_autoptr(GError) error = NULL;

  enlist_connection_set_endpoint (c, "127.0.0.1",
                                  enlist_test_servers_get_port (servers, target->server,
                                                                target->direct_tls),
                                  target->direct_tls);
  if (with_ca)
    {
      enlist_connection_set_ca_file (c, enlist_test_servers_get_ca_file (servers), &error);
      g_assert_no_error (error);
    }
  return c;
}

static gboolean
connect_sync (EnlistConnection *c,
              GError          **error)
{
  Wait w;
  gboolean ok;

  wait_init (&w);
  enlist_connection_connect_async (c, NULL, connect_cb, &w);
  g_main_loop_run (w.loop);
  ok = w.ok;
  if (w.error)
    g_propagate_error (error, g_steal_pointer (&w.error));
  wait_clear (&w);
  return ok;
}

static gboolean
authenticate_sync (EnlistConnection *c,
                   const char       *user,
                   const char       *password,
                   GError          **error)
{
  Wait w;
  gboolean ok;

  wait_init (&w);
  enlist_connection_authenticate_async (c, user, password, ENLIST_AUTHENTICATE_DEFAULT, NULL,
                                        auth_cb, &w);
  g_main_loop_run (w.loop);
  ok = w.ok;
  if (w.error)
    g_propagate_error (error, g_steal_pointer (&w.error));
  wait_clear (&w);
  return ok;
}

static void
close_sync (EnlistConnection *c)
{
  Wait w;

  wait_init (&w);
  enlist_connection_close_async (c, NULL, close_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_true (w.ok);
  wait_clear (&w);
}

/* ---------------------------------------------------------------------- */

static void
test_probe (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistConnection) c = new_connection (target, TRUE);
  g_autoptr(GError) error = NULL;
  const char * const *mechanisms;

  g_assert_true (connect_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (c), ==, ENLIST_CONNECTION_SECURED);
  g_assert_cmpint (enlist_connection_get_direct_tls (c), ==, target->direct_tls);
  g_assert_cmpint (enlist_connection_get_tls_version (c), ==, G_TLS_PROTOCOL_VERSION_TLS_1_3);
  g_assert_cmpstr (enlist_connection_get_trust_reason (c), ==, "ca-file");
  g_assert_true (enlist_connection_get_pipelined (c));
  g_assert_true (enlist_connection_has_feature (c, "register", NS_REGISTER_FEATURE));

  mechanisms = enlist_connection_get_mechanisms (c);
  g_assert_true (g_strv_contains (mechanisms, "SCRAM-SHA-1"));
  g_assert_true (g_strv_contains (mechanisms, "PLAIN"));

  g_assert_cmpint (enlist_connection_get_timings (c)->total, >, 0);
  g_assert_cmpint (enlist_connection_get_timings (c)->tls, >, 0);

  close_sync (c);
  g_assert_cmpint (enlist_connection_get_state (c), ==, ENLIST_CONNECTION_CLOSED);
  enlist_test_finalize (g_steal_pointer (&c));
}

static char *
make_user (const Target *target,
           const char   *prefix,
           const char   *password)
{
  char *user = g_strdup_printf ("%s%s%u", prefix, target->direct_tls ? "tls" : "plain",
                                g_random_int_range (0, 1000000));

  enlist_test_servers_make_user (servers, target->server, user, password);
  return user;
}

static void
test_login (gconstpointer data)
{
  const Target *target = data;
  const char *password = "correct horse ✓ battery";
  g_autofree char *user = make_user (target, "login", password);
  g_autoptr(EnlistConnection) c = new_connection (target, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;

  g_assert_true (connect_sync (c, &error));
  g_assert_true (authenticate_sync (c, user, password, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (c), ==, ENLIST_CONNECTION_AUTHENTICATED);
  /* neither server announces XEP-0440 binding types, so no -PLUS */
  g_assert_cmpstr (enlist_connection_get_mechanism_used (c), ==, "SCRAM-SHA-1");
  prefix = g_strdup_printf ("%s@%s/", user, enlist_test_servers_get_domain (servers));
  g_assert_true (g_str_has_prefix (enlist_connection_get_jid (c), prefix));

  close_sync (c);
  enlist_test_finalize (g_steal_pointer (&c));
}

static void
test_wrong_password (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = make_user (target, "wrongpw", "the real one");
  g_autoptr(EnlistConnection) c = new_connection (target, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (c, &error));
  g_assert_false (authenticate_sync (c, user, "not the real one", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_AUTH_FAILED);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "not-authorized");
  /* a refusal ends the attempt, not the stream: the right password works
   * on it (RFC 6120 §6.4.5) */
  g_assert_cmpint (enlist_connection_get_state (c), ==, ENLIST_CONNECTION_SECURED);
  g_clear_error (&error);
  g_assert_true (authenticate_sync (c, user, "the real one", &error));
  g_assert_no_error (error);
  g_assert_cmpint (enlist_connection_get_state (c), ==, ENLIST_CONNECTION_AUTHENTICATED);
  close_sync (c);
  enlist_test_finalize (g_steal_pointer (&c));
}

static void
test_untrusted_then_pinned (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(EnlistConnection) c = new_connection (target, FALSE);
  g_autoptr(EnlistConnection) pinned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  /* the test certificate is in no system store */
  g_assert_false (connect_sync (c, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  certificate = enlist_error_get_certificate (error);
  g_assert_nonnull (certificate);
  g_assert_true (enlist_error_get_certificate_flags (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_assert_nonnull (strstr (error->message, fingerprint));
  enlist_test_finalize (g_steal_pointer (&c));

  pinned = new_connection (target, FALSE);
  enlist_connection_add_pinned_fingerprint (pinned, fingerprint);
  g_clear_error (&error);
  g_assert_true (connect_sync (pinned, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_connection_get_trust_reason (pinned), ==, "pinned");
  close_sync (pinned);
  enlist_test_finalize (g_steal_pointer (&pinned));
}

/* ---------------------------------------------------------------------- */
/* enlist-cli                                                              */

static JsonObject *
run_cli_json (const char * const *argv,
              const char         *stdin_text,
              int                *exit_status,
              JsonParser        **parser_out)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonParser *parser = json_parser_new ();

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", cli_data_home, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("enlist-cli died (signal %d); its stderr:\n%s",
             g_subprocess_get_term_sig (process), err ? err : "");
  *exit_status = g_subprocess_get_exit_status (process);
  if (err && *err)
    g_test_message ("enlist-cli stderr: %s", err);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  *parser_out = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("ENLIST_CLI");

  g_assert_nonnull (cli);
  return cli;
}

static void
test_cli_probe (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *port = g_strdup_printf ("%u", enlist_test_servers_get_port (servers, target->server,
                                                                              target->direct_tls));
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *result, *features, *tls, *timings;
  int status;
  const char *argv[] = {
    cli_path (), "probe", enlist_test_servers_get_domain (servers), "--host", "127.0.0.1",
    "--port", port, "--ca-file", enlist_test_servers_get_ca_file (servers), "--json",
    "--fetch-form", target->direct_tls ? "--direct-tls" : NULL, NULL
  };
  JsonObject *form;

  result = run_cli_json (argv, NULL, &status, &parser);
  g_assert_cmpint (status, ==, 0);
  /* both answer with a data form: Prosody beside its legacy fields,
   * ejabberd (CAPTCHA-protected) only with one */
  form = json_object_get_object_member (result, "registration_form");
  g_assert_cmpstr (json_object_get_string_member (form, "kind"), ==, "data-form");
  g_assert_cmpint (json_object_get_int_member (form, "fields"), >=, 2);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (result, "timings_ms"),
                                                    "form"), >, 0.0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpint (json_object_get_boolean_member (json_object_get_object_member (result, "endpoint"),
                                                   "direct_tls"), ==, target->direct_tls);
  features = json_object_get_object_member (result, "features");
  g_assert_true (json_object_get_boolean_member (features, "register"));
  tls = json_object_get_object_member (result, "tls");
  g_assert_cmpstr (json_object_get_string_member (tls, "version"), ==, "TLS 1.3");
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (tls, "certificate"),
                                                   "sha256"));
  timings = json_object_get_object_member (result, "timings_ms");
  g_assert_cmpfloat (json_object_get_double_member (timings, "total"), >, 0.0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
test_cli_untrusted (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *port = g_strdup_printf ("%u", enlist_test_servers_get_port (servers, target->server,
                                                                              target->direct_tls));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result, *error_object;
  const char *fingerprint;
  int status;
  const char *argv[] = {
    cli_path (), "probe", enlist_test_servers_get_domain (servers), "--host", "127.0.0.1",
    "--port", port, "--json", target->direct_tls ? "--direct-tls" : NULL, NULL
  };

  result = run_cli_json (argv, NULL, &status, &parser);
  g_assert_cmpint (status, ==, 4);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  error_object = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error_object, "kind"), ==, "tls");
  fingerprint = json_object_get_string_member (json_object_get_object_member (error_object, "certificate"),
                                               "sha256");
  g_assert_cmpuint (strlen (fingerprint), ==, 95);

  {
    const char *pinned_argv[] = {
      cli_path (), "probe", enlist_test_servers_get_domain (servers), "--host", "127.0.0.1",
      "--port", port, "--json", "--pin", fingerprint, target->direct_tls ? "--direct-tls" : NULL, NULL
    };
    const char *save_argv[] = {
      cli_path (), "probe", enlist_test_servers_get_domain (servers), "--host", "127.0.0.1",
      "--port", port, "--json", "--pin", fingerprint, "--save-pin",
      target->direct_tls ? "--direct-tls" : NULL, NULL
    };
    g_autoptr(JsonParser) parser3 = NULL;
    g_autoptr(JsonParser) parser4 = NULL;
    g_autofree char *own_home = g_dir_make_tmp ("enlist-pins-XXXXXX", NULL);
    g_autofree char *shared_home = g_steal_pointer (&cli_data_home);

    /* a store of its own: the other targets share this certificate */
    cli_data_home = g_strdup (own_home);

    result = run_cli_json (pinned_argv, NULL, &status, &parser2);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "tls"),
                                                    "trusted_by"), ==, "pinned");

    /* --save-pin remembers it: the plain probe is then accepted */
    result = run_cli_json (save_argv, NULL, &status, &parser3);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (json_object_get_boolean_member (result, "pin_saved"));
    result = run_cli_json (argv, NULL, &status, &parser4);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "tls"),
                                                    "trusted_by"), ==, "pinned");

    g_free (cli_data_home);
    cli_data_home = g_steal_pointer (&shared_home);
    remove_tree (own_home);
  }
}

static void
test_cli_login (gconstpointer data)
{
  const Target *target = data;
  g_autofree char *user = make_user (target, "cli", "cli password");
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, enlist_test_servers_get_domain (servers));
  g_autofree char *port = g_strdup_printf ("%u", enlist_test_servers_get_port (servers, target->server,
                                                                              target->direct_tls));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *result;
  int status;
  const char *argv[] = {
    cli_path (), "login", jid, "--host", "127.0.0.1", "--port", port,
    "--ca-file", enlist_test_servers_get_ca_file (servers), "--json",
    target->direct_tls ? "--direct-tls" : NULL, NULL
  };

  /* the password comes on standard input, never on the command line */
  result = run_cli_json (argv, "cli password\n", &status, &parser);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "mechanism"), ==, "SCRAM-SHA-1");

  result = run_cli_json (argv, "not the password\n", &status, &parser2);
  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"),
                                                  "condition"), ==, "not-authorized");
}

static void
add_for_each_target (const char    *name,
                     GTestDataFunc  func)
{
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("/integration/%s/%s/%s", targets[i].server,
                                               targets[i].direct_tls ? "direct-tls" : "starttls",
                                               name);
      g_test_add_data_func (path, &targets[i], func);
    }
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  add_for_each_target ("probe", test_probe);
  add_for_each_target ("login", test_login);
  add_for_each_target ("wrong-password", test_wrong_password);
  add_for_each_target ("untrusted-then-pinned", test_untrusted_then_pinned);
  add_for_each_target ("cli-probe", test_cli_probe);
  add_for_each_target ("cli-untrusted", test_cli_untrusted);
  add_for_each_target ("cli-login", test_cli_login);

  /* a missing server fails here, loudly: it is never a skip */
  cli_data_home = g_dir_make_tmp ("enlist-cli-data-XXXXXX", NULL);
  servers = enlist_test_servers_start (TRUE, TRUE);
  result = g_test_run ();
  remove_tree (cli_data_home);
  g_free (cli_data_home);
  enlist_test_servers_stop (servers);
  return result;
}
