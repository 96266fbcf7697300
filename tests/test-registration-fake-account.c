/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-fake-account.c: changing the password and deleting the
 * account through EnlistRegistration against the fake server: the
 * change-password form (and one that asks for more), and answers lost or
 * ambiguous, resolved by logging in. */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-test-reg.h"
#include "enlist-test-utils.h"

/* ---------------------------------------------------------------------- */
/* Changing the password                                                   */

#define CHANGE_PASSWORD_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<title>Password Change</title>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register:changepassword</value>" \
  "</field>" \
  "<field type='text-single' var='username' label='Username'><required/></field>" \
  "<field type='text-private' var='old_password' label='Old Password'><required/></field>" \
  "<field type='text-private' var='password' label='New Password'><required/></field>" \
  "</x></query>"

static void
set_change_password_form (EnlistTestReg       *f,
                          const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  if (enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM) == NULL)
    {
      /* XEP-0077 §3.3: the server may want the old password too */
      enlist_test_reg_send_reply (f, iq, "error",
                                  CHANGE_PASSWORD_FORM
                                  "<error type='modify'><not-authorized "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  g_assert_cmpstr (enlist_test_reg_submitted_value (iq, "old_password"), ==, "secret");
  enlist_test_reg_add_account (f, enlist_test_reg_submitted_value (iq, "username"),
                               enlist_test_reg_submitted_value (iq, "password"));
  enlist_test_reg_answer_result (f, iq);
}

static void
test_change_password_form (EnlistTestReg *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *second;

  f->set_func = set_change_password_form;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  g_assert_true (enlist_test_reg_change_password (f, "secret", "n3w-s3cret", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (f->sets->len, ==, 2);
  g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 0), "username"),
                   ==, "alice");
  g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 0), "password"),
                   ==, "n3w-s3cret");
  second = g_ptr_array_index (f->sets, 1);
  g_assert_cmpstr (enlist_test_reg_submitted_value (second, "FORM_TYPE"), ==,
                   "jabber:iq:register:changepassword");
  g_assert_cmpstr (enlist_test_reg_submitted_value (second, "username"), ==, "alice");
  g_assert_cmpstr (enlist_test_reg_submitted_value (second, "old_password"), ==, "secret");
  g_assert_cmpstr (enlist_test_reg_submitted_value (second, "password"), ==, "n3w-s3cret");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 1);
}

typedef enum
{
  LOST_CHANGED,     /* the new password works */
  LOST_UNCHANGED,   /* the old password still works */
  LOST_NEITHER,     /* neither works */
} LostOutcome;

static void
set_password_lost (EnlistTestReg       *f,
                   const EnlistXmlNode *iq)
{
  LostOutcome outcome = GPOINTER_TO_INT (f->data);

  if (outcome == LOST_CHANGED)
    enlist_test_reg_add_account (f, "alice", enlist_test_reg_legacy_value (iq, "password"));
  else if (outcome == LOST_NEITHER)
    g_hash_table_remove (f->accounts, "alice");
  /* the answer never comes */
  enlist_fake_server_close (f->server);
}

/* The connection drops before the answer: logging in tells the outcome. */
static void
test_change_password_lost (EnlistTestReg *f,
                           gconstpointer  data)
{
  LostOutcome outcome = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = set_password_lost;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  ok = enlist_test_reg_change_password (f, "secret", "n3w-s3cret", &error);
  switch (outcome)
    {
    case LOST_CHANGED:
      g_assert_no_error (error);
      g_assert_true (ok);
      /* the first login, then the one with the new password */
      g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
      g_assert_cmpuint (f->n_logins, ==, 2);
      break;
    case LOST_UNCHANGED:
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
      g_assert_false (ok);
      g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 3);
      g_assert_cmpuint (f->n_logins, ==, 2);
      break;
    case LOST_NEITHER:
    default:
      g_assert_error (error, ENLIST_ERROR,
                      ENLIST_ERROR_OUTCOME_UNKNOWN);
      g_assert_false (ok);
      g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 3);
      g_assert_cmpuint (f->n_logins, ==, 1);
      break;
    }
  g_assert_cmpuint (f->sets->len, ==, 1);
}

/* ---------------------------------------------------------------------- */
/* A password-change form that asks for more                               */

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

static void
set_change_password_extra (EnlistTestReg       *f,
                           const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  if (enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM) == NULL)
    {
      enlist_test_reg_send_reply (f, iq, "error",
                                  CHANGE_PASSWORD_FORM_EXTRA
                                  "<error type='modify'><not-authorized "
                                  ENLIST_TEST_STANZAS_NS "/><text " ENLIST_TEST_STANZAS_NS ">"
                                  "Answer the security question.</text></error>");
      return;
    }
  g_assert_cmpstr (enlist_test_reg_submitted_value (iq, "username"), ==, "alice");
  g_assert_cmpstr (enlist_test_reg_submitted_value (iq, "old_password"), ==, "secret");
  g_assert_cmpstr (enlist_test_reg_submitted_value (iq, "pet"), ==, "Rex");
  enlist_test_reg_add_account (f, "alice", enlist_test_reg_submitted_value (iq, "password"));
  enlist_test_reg_answer_result (f, iq);
}

/* The server's form needs more than the service knows: FORM_RENEWED with
 * the form in "form" and the field to fill; sent once it is filled in. */
static void
test_change_password_form_renewed (EnlistTestReg *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  const EnlistXmlNode *second;

  f->set_func = set_change_password_extra;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  g_assert_false (enlist_test_reg_change_password (f, "secret", "n3w-s3cret", &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "not-authorized");
  g_assert_cmpstr (enlist_error_get_server_text (error), ==, "Answer the security question.");
  g_assert_cmpstr (enlist_error_get_field (error), ==, "pet");
  g_clear_error (&error);
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");

  g_assert_cmpuint (f->n_form_notify, ==, 1);
  form = g_object_ref (enlist_registration_get_form (f->registration));
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==,
                   "jabber:iq:register:changepassword");
  /* no password is kept in it */
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form,
                                                                             "old_password")));
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")));

  /* still missing: refused before anything is sent */
  g_assert_false (enlist_test_reg_change_password_full (f, "secret", "n3w-s3cret", form, NULL,
                                                        &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MISSING_REQUIRED);
  g_assert_cmpstr (enlist_error_get_field (error), ==, "pet");
  g_clear_error (&error);
  g_assert_cmpuint (f->sets->len, ==, 1);

  enlist_test_reg_set_value (form, "pet", "Rex");
  g_assert_true (enlist_test_reg_change_password_full (f, "secret", "n3w-s3cret", form, NULL,
                                                       &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sets->len, ==, 2);
  second = g_ptr_array_index (f->sets, 1);
  g_assert_cmpstr (enlist_test_reg_submitted_value (second, "password"), ==, "n3w-s3cret");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  /* the secrets filled in on the way are gone from the form again */
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")));
}

/* ---------------------------------------------------------------------- */
/* Deleting the account                                                    */

static void
test_delete (EnlistTestReg *f,
             gconstpointer  data)
{
  EnlistTestDeleteCase c = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = enlist_test_reg_set_delete;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  ok = enlist_test_reg_delete_account (f, &error);
  switch (c)
    {
    case ENLIST_TEST_DELETE_RESULT_STREAM_ERROR:
    case ENLIST_TEST_DELETE_STREAM_ERROR:
    case ENLIST_TEST_DELETE_CLOSE_REMOVED:
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (f->n_logins, ==, 1);
      break;
    case ENLIST_TEST_DELETE_CLOSE_KEPT:
      /* the request may not have arrived: the connection's error */
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
      g_assert_false (ok);
      g_assert_cmpuint (f->n_logins, ==, 2);
      break;
    case ENLIST_TEST_DELETE_RESULT_KEPT:
    default:
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
      g_assert_false (ok);
      g_assert_cmpuint (f->n_logins, ==, 2);
      break;
    }
  /* confirmed by a login on a second connection */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->sets->len, ==, 1);
}

/* ejabberd binds "Alice" as "alice", and wants that name in the change. */
static void
set_folded_username (EnlistTestReg       *f,
                     const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *username = enlist_xml_node_get_child (query, "username",
                                                             ENLIST_NS_REGISTER);
  const EnlistXmlNode *password = enlist_xml_node_get_child (query, "password",
                                                             ENLIST_NS_REGISTER);

  if (username == NULL || g_strcmp0 (enlist_xml_node_get_text (username), f->logged_in) != 0)
    {
      enlist_test_reg_send_reply (f, iq, "error",
                                  "<error type='cancel'><not-allowed "
                                  ENLIST_TEST_STANZAS_NS "/></error>");
      return;
    }
  enlist_test_reg_add_account (f, "alice", enlist_xml_node_get_text (password));
  enlist_test_reg_answer_result (f, iq);
}

static void
test_change_password_bound_name (EnlistTestReg *f,
                                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *query;

  f->fold_case = TRUE;
  f->set_func = set_folded_username;
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_start (f, NULL);

  enlist_registration_change_password_async (f->registration, "Alice", "secret", "new secret",
                                             NULL, NULL, enlist_test_store_result, &result);
  g_assert_true (enlist_registration_change_password_finish (f->registration,
                                                             enlist_test_wait_for (&result),
                                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sets->len, ==, 1);
  query = enlist_xml_node_get_child (g_ptr_array_index (f->sets, 0), "query",
                                     ENLIST_NS_REGISTER);
  g_assert_cmpstr (enlist_xml_node_get_text (enlist_xml_node_get_child (query, "username",
                                                                        ENLIST_NS_REGISTER)),
                   ==, "alice");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "new secret");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* the messages compared are the untranslated ones */
  setlocale (LC_MESSAGES, "C");

#define ADD(path, data, func) \
  g_test_add ("/registration-fake/" path, EnlistTestReg, data, enlist_test_reg_setup, func, \
              enlist_test_reg_teardown)

  ADD ("change-password/form", NULL, test_change_password_form);
  ADD ("change-password/lost-changed", GINT_TO_POINTER (LOST_CHANGED), test_change_password_lost);
  ADD ("change-password/lost-unchanged", GINT_TO_POINTER (LOST_UNCHANGED),
       test_change_password_lost);
  ADD ("change-password/lost-neither", GINT_TO_POINTER (LOST_NEITHER), test_change_password_lost);
  ADD ("delete/result-stream-error", GINT_TO_POINTER (ENLIST_TEST_DELETE_RESULT_STREAM_ERROR),
       test_delete);
  ADD ("delete/stream-error", GINT_TO_POINTER (ENLIST_TEST_DELETE_STREAM_ERROR), test_delete);
  ADD ("delete/close-removed", GINT_TO_POINTER (ENLIST_TEST_DELETE_CLOSE_REMOVED), test_delete);
  ADD ("delete/close-kept", GINT_TO_POINTER (ENLIST_TEST_DELETE_CLOSE_KEPT), test_delete);
  ADD ("delete/result-kept", GINT_TO_POINTER (ENLIST_TEST_DELETE_RESULT_KEPT), test_delete);
  ADD ("change-password/form-renewed", NULL, test_change_password_form_renewed);
  ADD ("change-password/bound-name", NULL, test_change_password_bound_name);

#undef ADD

  return g_test_run ();
}
