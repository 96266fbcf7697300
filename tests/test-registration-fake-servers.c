/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-fake-servers.c: EnlistRegistration against the fake
 * server playing the In-Band Registration dialogues of servers the test
 * harness cannot start, Openfire and MongooseIM, quirk by quirk: what each
 * sends, what it refuses, and how it ends a session. What they do is
 * written down from their source code next to each part; what the user
 * gets (error code, message) and what went on the wire are checked. */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-test-reg.h"
#include "enlist-test-utils.h"

/* The children of the register set's <query/>, in order, by name. */
static char *
query_children (const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_nonnull (query);
  for (guint i = 0; i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);

      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", child->name);
    }
  return g_strdup (names->str);
}

/* ---------------------------------------------------------------------- */
/* Openfire                                                                */

/* Openfire's answer to a form request (IQRegisterHandler): the legacy
 * elements username, password, email and name, empty, and after them a
 * data form of its own titled "XMPP Client Registration" with the same
 * four fields (username and password required; name and email required
 * only when its user provider says so). Both are answers to the same
 * question; the form is what Enlist must use. */
#define OPENFIRE_FORM \
  "<query xmlns='jabber:iq:register'><username/><password/><email/><name/>" \
  "<x xmlns='jabber:x:data' type='form'><title>XMPP Client Registration</title>" \
  "<instructions>Please provide the following information</instructions>" \
  "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>" \
  "<field var='username' type='text-single' label='Username'><required/></field>" \
  "<field var='name' type='text-single' label='Full name'/>" \
  "<field var='email' type='text-single' label='Email'/>" \
  "<field var='password' type='text-private' label='Password'><required/></field>" \
  "</x></query>"

/* Openfire creates the account from the data form when the set holds one
 * (the legacy elements are read only without it); the name is nodeprepped
 * (lower-cased), and a blank password is not-acceptable. */
static void
openfire_set_register (EnlistTestReg       *f,
                       const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  const char *username, *password;
  g_autofree char *prepped = NULL;

  g_assert_nonnull (x);
  username = enlist_test_reg_submitted_value (iq, "username");
  password = enlist_test_reg_submitted_value (iq, "password");
  if (username == NULL || password == NULL || *password == '\0')
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='modify'><not-acceptable "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  prepped = g_utf8_strdown (username, -1);
  enlist_test_reg_add_account (f, prepped, password);
  enlist_test_reg_answer_result (f, iq);
}

static void
check_openfire_form (EnlistDataForm *form)
{
  static const struct {
    const char      *var;
    EnlistFieldType  type;
    gboolean         required;
  } fields[] = {
    { "FORM_TYPE", ENLIST_FIELD_TYPE_HIDDEN, FALSE },
    { "username", ENLIST_FIELD_TYPE_TEXT_SINGLE, TRUE },
    { "name", ENLIST_FIELD_TYPE_TEXT_SINGLE, FALSE },
    { "email", ENLIST_FIELD_TYPE_TEXT_SINGLE, FALSE },
    { "password", ENLIST_FIELD_TYPE_TEXT_PRIVATE, TRUE },
  };

  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_DATA_FORM);
  g_assert_cmpstr (enlist_data_form_get_title (form), ==, "XMPP Client Registration");
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==, "jabber:iq:register");
  /* the form's fields once each: the legacy elements are not added to them */
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, G_N_ELEMENTS (fields));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);

      g_assert_cmpstr (enlist_form_field_get_var (field), ==, fields[i].var);
      g_assert_cmpint (enlist_form_field_get_field_type (field), ==, fields[i].type);
      g_assert_cmpint (enlist_form_field_is_required (field), ==, fields[i].required);
    }
  g_assert_true (enlist_form_field_is_secret (enlist_data_form_lookup_field (form, "password")));
}

/* The form, not the legacy fields, is shown and sent back: a submitted
 * data form with the FORM_TYPE, the name and the password, and no legacy
 * element beside it; the account is made and verified. */
static void
test_openfire_form_and_legacy (EnlistTestReg *f,
                               gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *children = NULL;
  const EnlistXmlNode *set;
  gboolean verified = FALSE;

  f->form = OPENFIRE_FORM;
  f->fold_case = TRUE;
  f->set_func = openfire_set_register;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  check_openfire_form (form);
  enlist_test_reg_set_value (form, "username", "alice");
  enlist_test_reg_set_value (form, "password", "secret");

  jid = enlist_test_reg_submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified);
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");

  g_assert_cmpuint (f->sets->len, ==, 1);
  set = g_ptr_array_index (f->sets, 0);
  children = query_children (set);
  g_assert_cmpstr (children, ==, "x");
  g_assert_cmpstr (enlist_test_reg_submitted_value (set, "FORM_TYPE"), ==, "jabber:iq:register");
  g_assert_cmpstr (enlist_test_reg_submitted_value (set, "username"), ==, "alice");
  g_assert_cmpstr (enlist_test_reg_submitted_value (set, "password"), ==, "secret");
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 1);
}

/* Openfire with in-band registration switched off ("register.inband"
 * false) answers an unauthenticated form request with
 * <error type='cancel'><service-unavailable/></error> (the query echoed
 * before it). Current releases also leave the <register/> stream feature
 * out; older ones advertised it regardless. Either way: NOT_SUPPORTED,
 * "This server does not offer registration.", and nothing submitted. */
#define OPENFIRE_REGISTRATION_OFF \
  "<query xmlns='jabber:iq:register'/><error type='cancel'><service-unavailable " \
  ENLIST_TEST_STANZAS_NS "/></error>"

typedef enum
{
  FEATURE_ADVERTISED,
  FEATURE_WITHHELD,
} FeatureCase;

static void
test_openfire_registration_off (EnlistTestReg *f,
                                gconstpointer  data)
{
  FeatureCase feature = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  f->form_refusal = OPENFIRE_REGISTRATION_OFF;
  f->set_func = enlist_test_reg_set_unexpected;
  enlist_test_reg_start (f, feature == FEATURE_ADVERTISED ? NULL
                         : ENLIST_FAKE_SERVER_STREAM_HEADER
                         "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                         "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");

  form = enlist_test_reg_fetch_form (f, &error);
  g_assert_null (form);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, "This server does not offer registration.");
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "service-unavailable");
  g_assert_null (enlist_registration_get_form (f->registration));
  g_assert_cmpuint (f->n_form_notify, ==, 0);
  /* the request went out (pipelined after TLS) and was refused */
  g_assert_cmpuint (f->n_gets, ==, 1);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

/* An authenticated change of registration names its user in <username/>;
 * Openfire refuses one naming anyone but the session's user with
 * <forbidden/>. It logs people in case-insensitively and binds the stored
 * (lower-case) name. The fake compares bytes, stricter than recent
 * releases, which compare the nodeprepped name ignoring case: what is
 * tested is that Enlist sends the name the server bound, not what the
 * user typed. */
static void
openfire_set_password (EnlistTestReg       *f,
                       const EnlistXmlNode *iq)
{
  const char *username = enlist_test_reg_legacy_value (iq, "username");
  const char *password = enlist_test_reg_legacy_value (iq, "password");

  if (username == NULL)
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='modify'><bad-request "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  if (g_strcmp0 (username, f->logged_in) != 0)
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='auth'><forbidden "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  enlist_test_reg_add_account (f, f->logged_in, password);
  enlist_test_reg_answer_result (f, iq);
}

static void
test_openfire_change_password_other_case (EnlistTestReg *f,
                                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;
  const EnlistXmlNode *set;

  f->fold_case = TRUE;
  f->set_func = openfire_set_password;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  /* typed as "Alice" */
  enlist_registration_change_password_async (f->registration, "Alice", "secret", "n3w-s3cret",
                                             NULL, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_registration_change_password_finish (f->registration,
                                                             enlist_test_wait_for (&result),
                                                             &error));
  g_assert_no_error (error);

  g_assert_cmpuint (f->sets->len, ==, 1);
  set = g_ptr_array_index (f->sets, 0);
  children = query_children (set);
  g_assert_cmpstr (children, ==, "username password");
  g_assert_cmpstr (enlist_test_reg_legacy_value (set, "username"), ==, "alice");
  g_assert_cmpstr (enlist_test_reg_legacy_value (set, "password"), ==, "n3w-s3cret");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
  g_assert_cmpuint (f->n_logins, ==, 1);
}

/* <remove/> must be the query's only child (else bad-request). Openfire
 * deletes the user, sends the result, and then closes every session of
 * that user with a <not-authorized/> stream error. The result came: the
 * deletion is done, and the login that confirms it is refused. */
static void
openfire_set_remove (EnlistTestReg       *f,
                     const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  if (query->children->len != 1
      || enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER) == NULL)
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='modify'><bad-request "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  g_hash_table_remove (f->accounts, f->logged_in);
  enlist_test_reg_answer_result (f, iq);
  enlist_fake_server_send (f->server,
                           "<stream:error><not-authorized "
                           "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                           "</stream:stream>");
  enlist_fake_server_close (f->server);
}

/* ---------------------------------------------------------------------- */
/* MongooseIM                                                              */

/* MongooseIM's mod_register answers a form request with the legacy fields
 * only: instructions, an empty <username/> and <password/>; it has no
 * data form. */
#define MONGOOSEIM_FORM \
  "<query xmlns='jabber:iq:register'><instructions>Choose a username and password to " \
  "register with this server</instructions><username/><password/></query>"

#define MONGOOSEIM_THROTTLED "Users are not allowed to register accounts so quickly"

typedef struct
{
  gboolean throttle;        /* an address that registered may not again for a while */
  gboolean registered_here; /* this address registered an account already */
} MongooseState;

/* A set whose query has a single child other than <remove/> (a data form
 * alone), or lacks <username/> or <password/>, is bad-request. An address
 * that registered in the last registration_timeout seconds (600 by
 * default) is refused with <error type='wait'><resource-constraint/> and
 * that text, without the query echoed. A success echoes the query. */
static void
mongooseim_set_register (EnlistTestReg       *f,
                         const EnlistXmlNode *iq)
{
  MongooseState *state = (MongooseState *) f->data;
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const char *username, *password;
  g_autofree char *echo = NULL;

  if (query->children->len < 2
      || enlist_xml_node_get_child (query, "username", ENLIST_NS_REGISTER) == NULL
      || enlist_xml_node_get_child (query, "password", ENLIST_NS_REGISTER) == NULL)
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='modify'><bad-request "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  if (state->throttle && state->registered_here)
    {
      enlist_test_reg_send_reply (f, iq, "error",
                                  "<error type='wait'><resource-constraint "
                                  ENLIST_TEST_STANZAS_NS "/><text " ENLIST_TEST_STANZAS_NS
                                  " xml:lang='en'>" MONGOOSEIM_THROTTLED "</text></error>");
      return;
    }
  username = enlist_test_reg_legacy_value (iq, "username");
  password = enlist_test_reg_legacy_value (iq, "password");
  enlist_test_reg_add_account (f, username, password);
  state->registered_here = TRUE;
  echo = g_markup_printf_escaped ("<query xmlns='jabber:iq:register'><username>%s</username>"
                                  "<password>%s</password></query>", username, password);
  enlist_test_reg_send_reply (f, iq, "result", echo);
}

static void
check_mongooseim_set (const EnlistXmlNode *set,
                      const char          *username)
{
  g_autofree char *children = query_children (set);

  g_assert_cmpstr (children, ==, "username password");
  g_assert_cmpstr (enlist_test_reg_legacy_value (set, "username"), ==, username);
  g_assert_cmpstr (enlist_test_reg_legacy_value (set, "password"), ==, "secret");
}

/* The legacy form, sent back as legacy elements (a data form would be
 * bad-request): the account is made and verified. */
static void
test_mongooseim_legacy_only (EnlistTestReg *f,
                             gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autofree char *jid = NULL;
  g_autoptr(GError) error = NULL;
  gboolean verified = FALSE;

  ((MongooseState *) data)->registered_here = FALSE;
  f->form = MONGOOSEIM_FORM;
  f->set_func = mongooseim_set_register;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_filled_form (f);
  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_LEGACY);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 2);
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==,
                   "Choose a username and password to register with this server");

  jid = enlist_test_reg_submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified);
  g_assert_cmpuint (f->sets->len, ==, 1);
  check_mongooseim_set (g_ptr_array_index (f->sets, 0), "alice");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");
}

/* A second account from the same address, too soon: the refusal says
 * that the server limits how fast accounts may be made and to try later;
 * the server's text is kept as detail, not as the message. */
static void
test_mongooseim_throttled (EnlistTestReg *f,
                           gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistDataForm) second = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *jid2 = NULL;
  g_autoptr(GError) error = NULL;

  ((MongooseState *) data)->registered_here = FALSE;
  f->form = MONGOOSEIM_FORM;
  f->set_func = mongooseim_set_register;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_filled_form (f);
  jid = enlist_test_reg_submit (f, form, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");

  second = enlist_test_reg_fetch_form (f, &error);
  g_assert_no_error (error);
  enlist_test_reg_set_value (second, "username", "bob");
  enlist_test_reg_set_value (second, "password", "secret");
  jid2 = enlist_test_reg_submit (f, second, NULL, &error);
  g_assert_null (jid2);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (error->message, ==,
                   "The server limits how quickly new accounts can be created. Try again later.");
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "resource-constraint");
  g_assert_cmpstr (enlist_error_get_server_text (error), ==, MONGOOSEIM_THROTTLED);
  g_assert_null (enlist_error_get_field (error));

  g_assert_cmpuint (f->sets->len, ==, 2);
  check_mongooseim_set (g_ptr_array_index (f->sets, 1), "bob");
  g_assert_null (g_hash_table_lookup (f->accounts, "bob"));
  /* sent once: a refusal to wait for is not retried by itself */
  g_assert_cmpuint (f->n_gets, ==, 2);
}

/* After <remove/> (the only child, as anything else beside it is
 * bad-request) MongooseIM routes the empty result to the session first,
 * then removes the user, which ends the session with a stream error
 * ("User removed"). The result came: the deletion is done. */
static void
mongooseim_set_remove (EnlistTestReg       *f,
                       const EnlistXmlNode *iq)
{
  const char *condition = f->data;
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  g_autofree char *stream_error = NULL;

  if (query->children->len != 1
      || enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER) == NULL)
    {
      enlist_test_reg_send_reply (f, iq, "error", "<error type='modify'><bad-request "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  enlist_test_reg_answer_result (f, iq);
  g_hash_table_remove (f->accounts, f->logged_in);
  stream_error = g_strdup_printf ("<stream:error><%s xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                                  "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>User removed"
                                  "</text></stream:error></stream:stream>", condition);
  enlist_fake_server_send (f->server, stream_error);
  enlist_fake_server_close (f->server);
}

/* ---------------------------------------------------------------------- */
/* Deleting, on either                                                     */

static void
test_delete (EnlistTestReg *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;

  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  g_assert_true (enlist_test_reg_delete_account (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sets->len, ==, 1);
  children = query_children (g_ptr_array_index (f->sets, 0));
  g_assert_cmpstr (children, ==, "remove");
  g_assert_null (g_hash_table_lookup (f->accounts, "alice"));
  /* the session that deleted, and the login that was refused after it */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->n_logins, ==, 1);
}

static void
test_openfire_delete (EnlistTestReg *f,
                      gconstpointer  data)
{
  f->set_func = openfire_set_remove;
  test_delete (f, data);
}

static void
test_mongooseim_delete (EnlistTestReg *f,
                        gconstpointer  data)
{
  f->set_func = mongooseim_set_remove;
  test_delete (f, data);
}

int
main (int   argc,
      char *argv[])
{
  static MongooseState unthrottled = { FALSE, FALSE };
  static MongooseState throttled = { TRUE, FALSE };

  g_test_init (&argc, &argv, NULL);
  /* the messages compared are the untranslated ones */
  setlocale (LC_MESSAGES, "C");

#define ADD(path, data, func) \
  g_test_add ("/fake-servers/" path, EnlistTestReg, data, enlist_test_reg_setup, func, \
              enlist_test_reg_teardown)

  ADD ("openfire/form-and-legacy", NULL, test_openfire_form_and_legacy);
  ADD ("openfire/registration-off", GINT_TO_POINTER (FEATURE_ADVERTISED),
       test_openfire_registration_off);
  ADD ("openfire/registration-off-no-feature", GINT_TO_POINTER (FEATURE_WITHHELD),
       test_openfire_registration_off);
  ADD ("openfire/change-password-other-case", NULL, test_openfire_change_password_other_case);
  ADD ("openfire/delete", NULL, test_openfire_delete);
  ADD ("mongooseim/legacy-only", &unthrottled, test_mongooseim_legacy_only);
  ADD ("mongooseim/throttled", &throttled, test_mongooseim_throttled);
  ADD ("mongooseim/delete-conflict", "conflict", test_mongooseim_delete);
  ADD ("mongooseim/delete-not-authorized", "not-authorized", test_mongooseim_delete);

#undef ADD

  return g_test_run ();
}
