/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-fake.c: enlist-cli against the fake server, for what real
 * servers do not do on demand: a change-password form that asks for more
 * than the passwords (XEP-0077 §3.3). passwd fills it in from --field or,
 * on a terminal (a pseudo-terminal here), by asking; otherwise it names
 * what is missing. And two of Tigase's ways: a registration whose login
 * is refused until the account is activated from an e-mail, and a CAPTCHA
 * that is a question without an image, for --captcha-command. And what
 * enlist-cli says to the registration quirks of Openfire and MongooseIM
 * (tests/test-registration-fake-servers.c has their dialogues in full):
 * registration switched off, a throttled registration, and a deletion
 * answered and then ended with a stream error. The fake server runs on
 * this test's main loop while enlist-cli runs as a subprocess. */
#define G_LOG_DOMAIN "test-cli-fake"

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "enlist-fake-server.h"
#include "enlist-ns.h"
#include "enlist-test-utils.h"

#define STANZAS_NS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define GUARD_SECONDS 60

#define CHANGE_PASSWORD_FORM_EXTRA \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<title>Password Change</title>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register:changepassword</value>" \
  "</field>" \
  "<field type='text-single' var='username' label='Username'><required/></field>" \
  "<field type='text-private' var='old_password' label='Old Password'><required/></field>" \
  "<field type='text-private' var='password' label='New Password'><required/></field>" \
  "<field type='text-single' var='pet' label='Name of your first pet'><required/></field>" \
  "</x></query>"

typedef struct
{
  EnlistFakeServer *server;
  char             *password;    /* alice's */
  char             *logged_in;
  guint             n_sets;
  char             *pet;         /* the answer the last form carried */
  char             *work_dir;
  char             *old_file;
  char             *new_file;
  gboolean          inactive;    /* registers anyone, then refuses every login (Tigase) */
  gboolean          question;    /* a CAPTCHA that is a question, without an image (Tigase) */
  char             *answer;      /* the answer the last registration carried */
  char             *answer_id;   /* and its captcha-id */
  guint             forms;       /* question forms handed out (each its own captcha-id) */
  guint             wrong;       /* wrong answers to the current captcha-id */
  gboolean          legacy_sent; /* a registration without the data form came */
  gboolean          registration_off; /* form requests: service-unavailable (Openfire) */
  gboolean          throttled;   /* legacy form; sets: resource-constraint, wait (MongooseIM) */
  const char       *removal;     /* the stream error that follows the result of <remove/> */
  gboolean          removed;     /* alice was deleted: her logins are refused */
} Fixture;

#define MONGOOSEIM_THROTTLED "Users are not allowed to register accounts so quickly"

static void
send_reply (Fixture             *f,
            const EnlistXmlNode *iq,
            const char          *type,
            const char          *payload)
{
  g_autoptr(GString) out = g_string_new ("<iq type='");

  g_string_append (out, type);
  g_string_append (out, "' id='");
  enlist_xml_escape_attr (out, enlist_xml_node_get_attr (iq, "id"));
  g_string_append (out, "'>");
  g_string_append (out, payload != NULL ? payload : "");
  g_string_append (out, "</iq>");
  enlist_fake_server_send (f->server, out->str);
}

/* SASL PLAIN: base64 of authzid NUL authcid NUL password; only alice. */
static void
answer_auth (Fixture             *f,
             const EnlistXmlNode *auth)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *expected = g_strdup_printf ("%calice%c%s", 0, 0, f->password);
  gsize len = 0, expected_len = strlen (f->password) + 7;

  decoded = g_base64_decode (enlist_xml_node_get_text (auth), &len);
  if (!f->removed && len == expected_len && memcmp (decoded, expected, len) == 0)
    {
      g_free (f->logged_in);
      f->logged_in = g_strdup ("alice");
      enlist_fake_server_send (f->server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      enlist_fake_server_restart_stream (f->server);
    }
  else
    enlist_fake_server_send (f->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                        "<not-authorized/></failure>");
  explicit_bzero (decoded, len);
}

static const char *
submitted_value (const EnlistXmlNode *x,
                 const char          *var)
{
  for (guint i = 0; i < x->children->len; i++)
    {
      const EnlistXmlNode *field = g_ptr_array_index (x->children, i);
      const EnlistXmlNode *value;

      if (!enlist_xml_node_is (field, "field", ENLIST_NS_DATA_FORM)
          || g_strcmp0 (enlist_xml_node_get_attr (field, "var"), var) != 0)
        continue;
      value = enlist_xml_node_get_child (field, "value", ENLIST_NS_DATA_FORM);
      return value != NULL ? enlist_xml_node_get_text (value) : NULL;
    }
  return NULL;
}

/* The legacy change is refused with the server's own form; the form
 * changes the password when it names alice's first pet. */
static void
answer_change (Fixture             *f,
               const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);

  f->n_sets++;
  if (f->removal != NULL && enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER))
    {
      g_autofree char *stream_error = NULL;

      /* Openfire and MongooseIM: the result, then the session ends */
      f->removed = TRUE;
      send_reply (f, iq, "result", NULL);
      stream_error = g_strdup_printf ("<stream:error><%s xmlns='urn:ietf:params:xml:ns:"
                                      "xmpp-streams'/></stream:error></stream:stream>", f->removal);
      enlist_fake_server_send (f->server, stream_error);
      enlist_fake_server_close (f->server);
      return;
    }
  if (x == NULL)
    {
      send_reply (f, iq, "error",
                  CHANGE_PASSWORD_FORM_EXTRA "<error type='modify'><not-authorized " STANZAS_NS "/>"
                  "<text " STANZAS_NS ">Answer the security question.</text></error>");
      return;
    }
  g_free (f->pet);
  f->pet = g_strdup (submitted_value (x, "pet"));
  g_assert_cmpstr (submitted_value (x, "username"), ==, "alice");
  g_assert_cmpstr (submitted_value (x, "old_password"), ==, f->password);
  if (g_strcmp0 (f->pet, "Rex") != 0)
    {
      send_reply (f, iq, "error", "<error type='auth'><not-authorized " STANZAS_NS "/></error>");
      return;
    }
  g_free (f->password);
  f->password = g_strdup (submitted_value (x, "password"));
  send_reply (f, iq, "result", NULL);
}

/* Tigase's text CAPTCHA: a question, a hidden id it must come back with,
 * no image; alice is made when the answer is right. Each form request gets
 * a new id; an id is spent after three wrong answers; a registration with
 * the legacy fields alone is a bad request. */
#define QUESTION_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' var='username' label='Username'><required/></field>" \
  "<field type='text-private' var='password' label='Password'><required/></field>" \
  "<field type='hidden' var='captcha-id'><value>%s</value><required/></field>" \
  "<field type='text-single' var='qa' label='Solve: 3 + 4'><required/></field>" \
  "</x></query>"

static void
answer_question (Fixture             *f,
                 const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);

  g_autofree char *id = g_strdup_printf ("c-%u", 41 + f->forms);

  if (g_strcmp0 (enlist_xml_node_get_attr (iq, "type"), "get") == 0)
    {
      g_autofree char *form = NULL;

      /* a new question, a new id; the wrong answers start again */
      f->forms++;
      f->wrong = 0;
      g_free (id);
      id = g_strdup_printf ("c-%u", 41 + f->forms);
      form = g_strdup_printf (QUESTION_FORM, id);
      send_reply (f, iq, "result", form);
      return;
    }
  f->n_sets++;
  if (x == NULL)
    {
      /* with a CAPTCHA, the legacy fields alone are refused */
      f->legacy_sent = TRUE;
      send_reply (f, iq, "error", "<error type='modify'><bad-request " STANZAS_NS "/></error>");
      return;
    }
  g_free (f->answer);
  f->answer = g_strdup (submitted_value (x, "qa"));
  g_free (f->answer_id);
  f->answer_id = g_strdup (submitted_value (x, "captcha-id"));
  /* after three wrong answers an id is spent: only a new form helps */
  if (g_strcmp0 (f->answer_id, id) != 0 || f->wrong >= 3 || g_strcmp0 (f->answer, "7") != 0)
    {
      f->wrong++;
      send_reply (f, iq, "error", "<error type='modify'><not-acceptable " STANZAS_NS "/></error>");
      return;
    }
  g_free (f->password);
  f->password = g_strdup (submitted_value (x, "password"));
  send_reply (f, iq, "result", NULL);
}

/* Openfire with registration switched off refuses the form request;
 * MongooseIM, whose form is the legacy one, refuses a registration from
 * an address that registered in the last ten minutes. */
static void
answer_register_quirk (Fixture             *f,
                       const EnlistXmlNode *iq)
{
  if (f->registration_off)
    send_reply (f, iq, "error", "<query xmlns='jabber:iq:register'/><error type='cancel'>"
                                "<service-unavailable " STANZAS_NS "/></error>");
  else if (g_strcmp0 (enlist_xml_node_get_attr (iq, "type"), "get") == 0)
    send_reply (f, iq, "result", "<query xmlns='jabber:iq:register'><instructions>Choose a "
                                 "username and password to register with this server"
                                 "</instructions><username/><password/></query>");
  else
    {
      f->n_sets++;
      send_reply (f, iq, "error", "<error type='wait'><resource-constraint " STANZAS_NS "/>"
                                  "<text " STANZAS_NS " xml:lang='en'>" MONGOOSEIM_THROTTLED
                                  "</text></error>");
    }
}

static void
stanza_cb (EnlistFakeServer    *server,
           const EnlistXmlNode *stanza,
           gpointer             user_data)
{
  Fixture *f = user_data;

  if (f->inactive && enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    enlist_fake_server_send (f->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                        "<not-authorized/><text xml:lang='en'>Account is "
                                        "inactive, \u202echeck your e-mail</text></failure>");
  else if (f->inactive && enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT)
           && enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL)
    send_reply (f, stanza, "result",
                g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "get") == 0
                ? "<query xmlns='jabber:iq:register'><username/><password/><email/></query>"
                : NULL);
  else if ((f->registration_off || f->throttled)
           && enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT)
           && enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL)
    answer_register_quirk (f, stanza);
  else if (f->question && enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT)
           && enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL)
    answer_question (f, stanza);
  else if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    answer_auth (f, stanza);
  else if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;
  else if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    send_reply (f, stanza, "result", "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                     "<jid>alice@fake.test/fake</jid></bind>");
  else if (enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) != NULL
           && g_strcmp0 (enlist_xml_node_get_attr (stanza, "type"), "set") == 0)
    answer_change (f, stanza);
  else
    send_reply (f, stanza, "result", NULL);
}

static char *
write_work_file (Fixture    *f,
                 const char *name,
                 const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->work_dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  EnlistFakeServerOptions options = { .stanza_func = stanza_cb, .user_data = f };
  g_autoptr(GError) error = NULL;

  f->server = enlist_fake_server_new (&options);
  f->password = g_strdup ("secret");
  f->work_dir = g_dir_make_tmp ("enlist-cli-fake-XXXXXX", &error);
  g_assert_no_error (error);
  f->old_file = write_work_file (f, "old", "secret\n");
  f->new_file = write_work_file (f, "new", "n3w-s3cret\n");
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gboolean expired = FALSE;
  guint deadline_id = g_timeout_add_seconds (5, deadline_cb, &expired);

  g_clear_object (&f->server);
  while (enlist_fake_server_get_n_live () > 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline_id);
  g_assert_cmpuint (enlist_fake_server_get_n_live (), ==, 0);

  g_unlink (f->old_file);
  g_unlink (f->new_file);
  g_rmdir (f->work_dir);
  g_free (f->old_file);
  g_free (f->new_file);
  g_free (f->work_dir);
  g_free (f->password);
  g_free (f->logged_in);
  g_free (f->pet);
  g_free (f->answer);
  g_free (f->answer_id);
}

typedef struct
{
  gboolean done;
  char    *out;
  char    *err;
} Ran;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Ran *ran = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &ran->out, &ran->err,
                                        &error);
  g_assert_no_error (error);
  ran->done = TRUE;
}

static gboolean
guard_cb (gpointer user_data)
{
  g_error ("enlist-cli did not finish in %d s", GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Runs enlist-cli VERB ARG against the fake server, with extra args;
 * standard input is tty_fd (a terminal) or an empty pipe. The main loop
 * runs meanwhile, for the server. */
static int
run_cli (Fixture            *f,
         const char         *verb,
         const char         *arg,
         const char * const *extra,
         int                 tty_fd,
         char              **out,
         char              **err)
{
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server-ca.pem",
                                                    NULL);
  g_autofree char *port = g_strdup_printf ("%u", enlist_fake_server_get_port (f->server));
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  Ran ran = { 0 };
  guint guard;
  const char *args[] = {
    g_getenv ("ENLIST_CLI"), verb, arg, "--host", "127.0.0.1", "--port", port,
    "--ca-file", ca_file,
  };

  g_assert_nonnull (args[0]);
  for (guint i = 0; i < G_N_ELEMENTS (args); i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (flags | (tty_fd < 0 ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
  if (tty_fd >= 0)
    g_subprocess_launcher_take_stdin_fd (launcher, tty_fd);
  /* an account manager of its own, and no keyring: an address it does not know */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->work_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                "unix:path=/nonexistent/enlist-test-bus", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  guard = g_timeout_add_seconds (GUARD_SECONDS, guard_cb, NULL);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &ran);
  while (!ran.done)
    g_main_context_iteration (NULL, TRUE);
  while (!g_subprocess_get_if_exited (process) && !g_subprocess_get_if_signaled (process))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);

  g_assert_true (g_subprocess_get_if_exited (process));
  if (ran.err != NULL && *ran.err != '\0')
    g_test_message ("enlist-cli %s stderr: %s", verb, ran.err);
  *out = ran.out;
  *err = ran.err;
  return g_subprocess_get_exit_status (process);
}

/* enlist-cli passwd alice@fake.test with her old and new password files. */
static int
run_passwd (Fixture            *f,
            const char * const *extra,
            int                 tty_fd,
            char              **out,
            char              **err)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *files[] = { "--password-file", f->old_file, "--new-password-file", f->new_file };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_ptr_array_add (args, (gpointer) files[i]);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  return run_cli (f, "passwd", "alice@fake.test", (const char * const *) args->pdata, tty_fd,
                  out, err);
}

/* No terminal, no --field: what is missing is named, with the server's
 * condition and text; the password stays. */
static void
test_form_missing (Fixture       *f,
                   gconstpointer  data)
{
  const char *extra[] = { "--json", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *result, *problem;
  JsonArray *missing;

  g_assert_cmpint (run_passwd (f, extra, -1, &out, &err), ==, 2);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  missing = json_object_get_array_member (result, "missing");
  g_assert_cmpuint (json_array_get_length (missing), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (missing, 0), ==, "pet");
  problem = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (problem, "kind"), ==, "usage");
  g_assert_cmpstr (json_object_get_string_member (problem, "condition"), ==, "not-authorized");
  g_assert_cmpstr (json_object_get_string_member (problem, "server_text"), ==,
                   "Answer the security question.");
  g_assert_cmpuint (f->n_sets, ==, 1);
  g_assert_cmpstr (f->password, ==, "secret");
}

/* --field fills it in, and it is sent again. */
static void
test_form_field (Fixture       *f,
                 gconstpointer  data)
{
  const char *extra[] = { "--field", "pet=Rex", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_passwd (f, extra, -1, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"keyring_updated\" : false"));
  g_assert_cmpuint (f->n_sets, ==, 2);
  g_assert_cmpstr (f->pet, ==, "Rex");
  g_assert_cmpstr (f->password, ==, "n3w-s3cret");
}

/* On a terminal the extra field is asked for. */
static void
test_form_terminal (Fixture       *f,
                    gconstpointer  data)
{
  const char *extra[] = { NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int master, slave;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  /* typed ahead: the terminal keeps it until enlist-cli asks */
  g_assert_cmpint (write (master, "Rex\n", 4), ==, 4);

  g_assert_cmpint (run_passwd (f, extra, slave, &out, &err), ==, 0);
  close (master);
  g_assert_nonnull (strstr (err, "The server said: Answer the security question."));
  g_assert_nonnull (strstr (err, "Name of your first pet"));
  g_assert_nonnull (strstr (out, "Password changed for alice@fake.test."));
  g_assert_cmpuint (f->n_sets, ==, 2);
  g_assert_cmpstr (f->pet, ==, "Rex");
  g_assert_cmpstr (f->password, ==, "n3w-s3cret");
}

/* A server that wants new accounts activated from an e-mail (Tigase):
 * created, exit 0, and what to do, with the server's text neutralised. */
static void
test_register_inactive (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *password = g_strdup_printf ("password=@%s", f->old_file);
  const char *text_args[] = {
    "--field", "username=carol", "--field", password, "--field", "email=carol@example.org", NULL
  };
  const char *json_args[] = {
    "--field", "username=carol", "--field", password, "--field", "email=carol@example.org",
    "--json", NULL
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json_out = NULL;
  g_autofree char *json_err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  f->inactive = TRUE;
  g_assert_cmpint (run_cli (f, "register", "fake.test", text_args, -1, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Account created: carol@fake.test (to be activated)"));
  g_assert_nonnull (strstr (out, "activate it from the e-mail the server sent"));
  g_assert_nonnull (strstr (out, "The server said: Account is inactive, "));
  /* the bidirectional override is shown, not obeyed */
  g_assert_null (strstr (out, "\u202e"));

  g_assert_cmpint (run_cli (f, "register", "fake.test", json_args, -1, &json_out, &json_err), ==,
                   0);
  json_parser_load_from_data (parser, json_out, -1, &error);
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_false (json_object_get_boolean_member (result, "verified"));
  g_assert_true (json_object_get_boolean_member (result, "activation_required"));
  g_assert_nonnull (strstr (json_object_get_string_member (result, "server_text"),
                            "Account is inactive"));
}

/* A CAPTCHA that is a question: --captcha-command gets the question
 * (argument and environment), its answer goes back with the hidden id. */
static void
test_register_question (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *password = g_strdup_printf ("password=@%s", f->old_file);
  g_autofree char *solver = write_work_file (f, "solve",
                                             "#!/bin/sh\n"
                                             "[ \"$ENLIST_CAPTCHA_KIND\" = question ] || exit 3\n"
                                             "[ \"$ENLIST_CAPTCHA_QUESTION\" = \"$1\" ] || exit 4\n"
                                             "case \"$1\" in 'Solve: 3 + 4') echo 7;; *) exit 5;; "
                                             "esac\n");
  const char *args[] = {
    "--field", "username=alice", "--field", password, "--captcha-command", solver, NULL
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (g_chmod (solver, 0700), ==, 0);
  f->question = TRUE;
  g_assert_cmpint (run_cli (f, "register", "fake.test", args, -1, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Account created: alice@fake.test (verified by logging in)"));
  g_assert_cmpstr (f->answer, ==, "7");
  g_assert_cmpuint (f->n_sets, ==, 1);
  g_unlink (solver);
}

/* A wrong answer to the question: the form is fetched again (a new
 * question, a new id, as Tigase wants after wrong answers), the command
 * asked again, and the right answer goes back with the new id — never the
 * legacy fields alone. */
static void
test_register_question_wrong (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *password = g_strdup_printf ("password=@%s", f->old_file);
  g_autofree char *count = g_build_filename (g_get_tmp_dir (), "enlist-question-XXXXXX", NULL);
  g_autofree char *script = NULL;
  g_autofree char *solver = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd;

  fd = g_mkstemp (count);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  /* wrong the first time, right after */
  script = g_strdup_printf ("#!/bin/sh\n"
                            "[ \"$ENLIST_CAPTCHA_KIND\" = question ] || exit 3\n"
                            "if [ -s '%s' ]; then echo 7; else echo x >> '%s'; echo 8; fi\n",
                            count, count);
  solver = write_work_file (f, "solve-twice", script);
  g_assert_cmpint (g_chmod (solver, 0700), ==, 0);
  f->question = TRUE;
  {
    const char *args[] = {
      "--field", "username=alice", "--field", password, "--captcha-command", solver, NULL
    };

    g_assert_cmpint (run_cli (f, "register", "fake.test", args, -1, &out, &err), ==, 0);
  }
  g_assert_nonnull (strstr (err, "the answer to the CAPTCHA"));
  g_assert_nonnull (strstr (err, "trying again with a new CAPTCHA"));
  g_assert_nonnull (strstr (out, "Account created: alice@fake.test"));
  g_assert_cmpuint (f->n_sets, ==, 2);
  g_assert_cmpuint (f->forms, ==, 2);
  g_assert_cmpstr (f->answer, ==, "7");
  g_assert_cmpstr (f->answer_id, ==, "c-43");
  g_assert_false (f->legacy_sent);
  g_unlink (solver);
  g_unlink (count);
}

/* Openfire with registration switched off: the server does not offer it,
 * said as such, with the condition as detail; nothing is submitted. */
static void
test_openfire_registration_off (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *password = g_strdup_printf ("password=@%s", f->old_file);
  const char *args[] = { "--field", "username=bob", "--field", password, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  f->registration_off = TRUE;
  g_assert_cmpint (run_cli (f, "register", "fake.test", args, -1, &out, &err), ==, 6);
  g_assert_nonnull (strstr (err, "enlist-cli register: This server does not offer "
                                 "registration.\n"));
  g_assert_nonnull (strstr (err, "XMPP condition: service-unavailable"));
  g_assert_null (strstr (out, "Account created"));
  g_assert_cmpuint (f->n_sets, ==, 0);
}

/* MongooseIM's throttle: the limit on how quickly accounts are made and
 * what to do, then the server's own text, in text and in JSON. */
static void
test_mongooseim_throttled (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *password = g_strdup_printf ("password=@%s", f->old_file);
  const char *text_args[] = { "--field", "username=bob", "--field", password, NULL };
  const char *json_args[] = { "--field", "username=bob", "--field", password, "--json", NULL };
  const char *message = "The server limits how quickly new accounts can be created. "
                        "Try again later.";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json_out = NULL;
  g_autofree char *json_err = NULL;
  g_autofree char *line = g_strdup_printf ("enlist-cli register: %s\n", message);
  JsonObject *result, *problem;

  f->throttled = TRUE;
  g_assert_cmpint (run_cli (f, "register", "fake.test", text_args, -1, &out, &err), ==, 6);
  g_assert_nonnull (strstr (err, line));
  g_assert_nonnull (strstr (err, "The server said: " MONGOOSEIM_THROTTLED));
  g_assert_cmpuint (f->n_sets, ==, 1);

  g_assert_cmpint (run_cli (f, "register", "fake.test", json_args, -1, &json_out, &json_err), ==,
                   6);
  json_parser_load_from_data (parser, json_out, -1, &error);
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  problem = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (problem, "message"), ==, message);
  g_assert_cmpstr (json_object_get_string_member (problem, "kind"), ==, "refused");
  g_assert_cmpstr (json_object_get_string_member (problem, "condition"), ==,
                   "resource-constraint");
  g_assert_cmpstr (json_object_get_string_member (problem, "server_text"), ==,
                   MONGOOSEIM_THROTTLED);
  g_assert_cmpuint (f->n_sets, ==, 2);
}

/* A deletion answered, then the session ended with a stream error
 * (Openfire: not-authorized; MongooseIM: conflict): deleted, exit 0. */
static void
test_delete_stream_error (Fixture       *f,
                          gconstpointer  data)
{
  const char *args[] = { "--password-file", f->old_file, "--yes", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  f->removal = data;
  g_assert_cmpint (run_cli (f, "delete", "alice@fake.test", args, -1, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Account deleted: alice@fake.test."));
  g_assert_true (f->removed);
  g_assert_cmpuint (f->n_sets, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-fake/passwd-form/missing", Fixture, NULL, fixture_setup, test_form_missing,
              fixture_teardown);
  g_test_add ("/cli-fake/passwd-form/field", Fixture, NULL, fixture_setup, test_form_field,
              fixture_teardown);
  g_test_add ("/cli-fake/passwd-form/terminal", Fixture, NULL, fixture_setup, test_form_terminal,
              fixture_teardown);
  g_test_add ("/cli-fake/register/inactive", Fixture, NULL, fixture_setup,
              test_register_inactive, fixture_teardown);
  g_test_add ("/cli-fake/register/question", Fixture, NULL, fixture_setup,
              test_register_question, fixture_teardown);
  g_test_add ("/cli-fake/register/question-wrong", Fixture, NULL, fixture_setup,
              test_register_question_wrong, fixture_teardown);

  g_test_add ("/cli-fake/openfire/registration-off", Fixture, NULL, fixture_setup,
              test_openfire_registration_off, fixture_teardown);
  g_test_add ("/cli-fake/openfire/delete", Fixture, "not-authorized", fixture_setup,
              test_delete_stream_error, fixture_teardown);
  g_test_add ("/cli-fake/mongooseim/throttled", Fixture, NULL, fixture_setup,
              test_mongooseim_throttled, fixture_teardown);
  g_test_add ("/cli-fake/mongooseim/delete", Fixture, "conflict", fixture_setup,
              test_delete_stream_error, fixture_teardown);

  return g_test_run ();
}
