/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-reg.c: what the tests of EnlistRegistration against the fake
 * server share (enlist-test-reg.h). */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <string.h>

#include "enlist-test-reg.h"
#include "enlist-test-utils.h"

#define GUARD_SECONDS 30
#define SETTLE_MS     5000

#define LEGACY_FORM \
  "<query xmlns='jabber:iq:register'><instructions>Choose a username and a password." \
  "</instructions><username/><password/></query>"

/* ---------------------------------------------------------------------- */
/* The server side                                                         */

void
enlist_test_reg_send_reply (EnlistTestReg       *f,
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

/* SASL PLAIN: base64 of authzid NUL authcid NUL password. */
static void
answer_auth (EnlistTestReg       *f,
             const EnlistXmlNode *auth)
{
  const char *text = enlist_xml_node_get_text (auth);
  g_autofree guchar *decoded = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  const char *valid;
  gsize len = 0;

  if (g_strcmp0 (enlist_xml_node_get_attr (auth, "mechanism"), "PLAIN") != 0)
    {
      /* a mechanism guessed before the features (the only one offered is
       * PLAIN): refused as any server does */
      f->n_wrong_mechanisms++;
      enlist_fake_server_send (f->server, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                          "<invalid-mechanism/></failure>");
      return;
    }
  g_assert_nonnull (text);
  decoded = g_base64_decode (text, &len);
  for (gsize i = 0, start = 0, part = 0; i <= len; i++)
    if (i == len || decoded[i] == '\0')
      {
        char *value = g_strndup ((const char *) decoded + start, i - start);

        if (part == 1)
          username = value;
        else if (part == 2)
          password = value;
        else
          g_free (value);
        part++;
        start = i + 1;
      }
  explicit_bzero (decoded, len);
  if (f->fold_case && username != NULL)
    {
      char *folded = g_utf8_strdown (username, -1);

      g_free (username);
      username = folded;
    }

  valid = username != NULL ? g_hash_table_lookup (f->accounts, username) : NULL;
  if (f->no_sasl_after_register
      && (int) enlist_fake_server_get_current_index (f->server) == f->register_connection)
    valid = NULL;
  if (f->login_refusal != NULL)
    {
      g_autofree char *failure = g_strdup_printf ("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                                  "%s</failure>", f->login_refusal);

      enlist_fake_server_send (f->server, failure);
    }
  else if (valid != NULL && g_strcmp0 (valid, password) == 0)
    {
      g_free (f->logged_in);
      f->logged_in = g_strdup (username);
      f->n_logins++;
      enlist_fake_server_send (f->server, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      enlist_fake_server_restart_stream (f->server);
    }
  else
    enlist_fake_server_send (f->server,
                             "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                             "<not-authorized/></failure>");
}

static void
stanza_cb (EnlistFakeServer    *server,
           const EnlistXmlNode *stanza,
           gpointer             user_data)
{
  EnlistTestReg *f = user_data;
  const char *type = enlist_xml_node_get_attr (stanza, "type");

  if (enlist_xml_node_is (stanza, "auth", ENLIST_NS_SASL))
    {
      answer_auth (f, stanza);
      return;
    }
  if (!enlist_xml_node_is (stanza, "iq", ENLIST_NS_CLIENT))
    return;

  if (enlist_xml_node_get_child (stanza, "data", ENLIST_NS_BOB) != NULL)
    {
      const EnlistXmlNode *data = enlist_xml_node_get_child (stanza, "data", ENLIST_NS_BOB);
      const char *cid = enlist_xml_node_get_attr (data, "cid");

      f->n_bob_gets++;
      if (f->bob_cid != NULL && g_strcmp0 (cid, f->bob_cid) == 0)
        enlist_test_reg_send_reply (f, stanza, "result", f->bob_data);
      else
        enlist_test_reg_send_reply (f, stanza, "error",
                                    "<error type='cancel'><item-not-found "
                                    ENLIST_TEST_STANZAS_NS "/></error>");
    }
  else if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    {
      g_autofree char *bound = g_strdup_printf ("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                                "<jid>%s@fake.test/fake</jid></bind>",
                                                f->logged_in ? f->logged_in : "someone");
      enlist_test_reg_send_reply (f, stanza, "result", bound);
    }
  else if (enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) == NULL)
    enlist_test_reg_send_reply (f, stanza, "result", NULL);
  else if (g_strcmp0 (type, "get") == 0)
    {
      f->n_gets++;
      if (f->form_refusal != NULL)
        enlist_test_reg_send_reply (f, stanza, "error", f->form_refusal);
      else
        enlist_test_reg_send_reply (f, stanza, "result", f->form);
      if (f->drop_first && enlist_fake_server_get_current_index (server) == 0)
        enlist_fake_server_close (server);
    }
  else
    {
      g_ptr_array_add (f->sets, enlist_xml_node_copy (stanza));
      f->register_connection = (int) enlist_fake_server_get_current_index (server);
      g_assert_nonnull (f->set_func);
      if (f->cancel_when == ENLIST_TEST_CANCEL_ON_RECEIPT)
        g_cancellable_cancel (f->cancellable);
      f->set_func (f, stanza);
      if (f->cancel_when == ENLIST_TEST_CANCEL_ON_ANSWER)
        g_cancellable_cancel (f->cancellable);
    }
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static gboolean
guard_cb (gpointer user_data)
{
  g_error ("%s: no result after %d s (a hang?)", g_test_get_path (), GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
form_notify_cb (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  EnlistTestReg *f = user_data;

  f->n_form_notify++;
}

void
enlist_test_reg_setup (EnlistTestReg *f,
                       gconstpointer  data)
{
  f->guard_id = g_timeout_add_seconds (GUARD_SECONDS, guard_cb, NULL);
  f->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
  f->form = LEGACY_FORM;
  f->data = data;
  f->register_connection = -1;
  f->cancellable = g_cancellable_new ();
  enlist_connection_reset_pipelining_memory ();
}

/* Starts the server (secure_response: raw stream header and features, or
 * NULL) and the service, pointed at it. */
void
enlist_test_reg_start (EnlistTestReg *f,
                       const char    *secure_response)
{
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "fake-server-ca.pem", NULL);
  EnlistFakeServerOptions options = {
    .secure_response = secure_response,
    .stanza_func = stanza_cb,
    .user_data = f,
  };
  g_autoptr(GError) error = NULL;

  f->server = enlist_fake_server_new (&options);
  f->registration = enlist_registration_new ("fake.test");
  enlist_registration_set_endpoint (f->registration, "127.0.0.1",
                                    enlist_fake_server_get_port (f->server), FALSE);
  g_assert_true (enlist_registration_set_ca_file (f->registration, ca_file, &error));
  g_assert_no_error (error);
  enlist_registration_set_timeout (f->registration, 5000);
  g_signal_connect (f->registration, "notify::form", G_CALLBACK (form_notify_cb), f);
}

void
enlist_test_reg_teardown (EnlistTestReg *f,
                          gconstpointer  data)
{
  gboolean expired = FALSE;
  guint deadline_id;

  if (f->registration != NULL)
    enlist_test_finalize (g_steal_pointer (&f->registration));
  g_clear_object (&f->server);
  g_clear_pointer (&f->logged_in, g_free);

  /* let both sides' closing I/O finish, so nothing leaks */
  deadline_id = g_timeout_add (SETTLE_MS, deadline_cb, &expired);
  while (enlist_fake_server_get_n_live () > 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline_id);
  g_assert_cmpuint (enlist_fake_server_get_n_live (), ==, 0);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_ptr_array_unref (f->sets);
  g_hash_table_unref (f->accounts);
  g_clear_object (&f->cancellable);
  g_clear_handle_id (&f->guard_id, g_source_remove);
  enlist_connection_reset_pipelining_memory ();
}

EnlistDataForm *
enlist_test_reg_fetch_form (EnlistTestReg  *f,
                            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_registration_fetch_form_finish (f->registration, result, error);
}

EnlistCredentials *
enlist_test_reg_submit_credentials (EnlistTestReg   *f,
                                    EnlistDataForm  *form,
                                    GCancellable    *cancellable,
                                    GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_submit_async (f->registration, form, cancellable, enlist_test_store_result,
                                    &result);
  enlist_test_wait_for (&result);
  g_assert_false (enlist_registration_get_busy (f->registration));
  return enlist_registration_submit_finish (f->registration, result, error);
}

/* The address of the new account, and whether it was verified. */
char *
enlist_test_reg_submit (EnlistTestReg   *f,
                        EnlistDataForm  *form,
                        gboolean        *verified,
                        GError         **error)
{
  g_autoptr(EnlistCredentials) credentials = NULL;

  credentials = enlist_test_reg_submit_credentials (f, form, NULL, error);

  if (verified != NULL)
    *verified = credentials != NULL && enlist_credentials_get_verified (credentials);
  if (credentials == NULL)
    return NULL;
  g_assert_nonnull (enlist_credentials_get_password (credentials));
  return g_strdup (enlist_credentials_get_address (credentials));
}

gboolean
enlist_test_reg_change_password_full (EnlistTestReg   *f,
                                      const char      *old_password,
                                      const char      *new_password,
                                      EnlistDataForm  *form,
                                      GCancellable    *cancellable,
                                      GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_change_password_async (f->registration, "alice", old_password,
                                             new_password, form, cancellable,
                                             enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_registration_change_password_finish (f->registration, result, error);
}

gboolean
enlist_test_reg_change_password (EnlistTestReg  *f,
                                 const char     *old_password,
                                 const char     *new_password,
                                 GError        **error)
{
  return enlist_test_reg_change_password_full (f, old_password, new_password, NULL, NULL, error);
}

gboolean
enlist_test_reg_delete_account_full (EnlistTestReg  *f,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_delete_account_async (f->registration, "alice", "secret", cancellable,
                                            enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_registration_delete_account_finish (f->registration, result, error);
}

gboolean
enlist_test_reg_delete_account (EnlistTestReg  *f,
                                GError        **error)
{
  return enlist_test_reg_delete_account_full (f, NULL, error);
}

void
enlist_test_reg_set_value (EnlistDataForm *form,
                           const char     *var,
                           const char     *value)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  enlist_form_field_set_value (field, value);
}

void
enlist_test_reg_add_account (EnlistTestReg *f,
                             const char    *username,
                             const char    *password)
{
  g_hash_table_replace (f->accounts, g_strdup (username), g_strdup (password));
}

/* The text of query's legacy element name. */
const char *
enlist_test_reg_legacy_value (const EnlistXmlNode *iq,
                              const char          *name)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *child;

  g_assert_nonnull (query);
  child = enlist_xml_node_get_child (query, name, ENLIST_NS_REGISTER);
  return child != NULL ? enlist_xml_node_get_text (child) : NULL;
}

/* The first value of the submitted data form field var, or NULL. */
const char *
enlist_test_reg_submitted_value (const EnlistXmlNode *iq,
                                 const char          *var)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *x;

  g_assert_nonnull (query);
  x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  g_assert_nonnull (x);
  g_assert_cmpstr (enlist_xml_node_get_attr (x, "type"), ==, "submit");
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

EnlistDataForm *
enlist_test_reg_fetch_filled_form (EnlistTestReg *f)
{
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form = enlist_test_reg_fetch_form (f, &error);

  g_assert_no_error (error);
  g_assert_nonnull (form);
  enlist_test_reg_set_value (form, "username", "alice");
  enlist_test_reg_set_value (form, "password", "secret");
  return form;
}

/* Waits (bounded) until the service has seen the connection its form was
 * fetched on go. */
void
enlist_test_reg_wait_connection_lost (EnlistTestReg *f)
{
  EnlistConnection *conn = enlist_registration_get_connection (f->registration);
  gboolean expired = FALSE;
  guint deadline_id;

  g_assert_nonnull (conn);
  deadline_id = g_timeout_add (SETTLE_MS, deadline_cb, &expired);
  while (enlist_connection_get_state (conn) == ENLIST_CONNECTION_SECURED && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline_id);
  g_assert_cmpint (enlist_connection_get_state (conn), !=, ENLIST_CONNECTION_SECURED);
}

/* ---------------------------------------------------------------------- */
/* Answers to register sets                                                */

void
enlist_test_reg_answer_result (EnlistTestReg       *f,
                               const EnlistXmlNode *iq)
{
  enlist_test_reg_send_reply (f, iq, "result", NULL);
}

void
enlist_test_reg_set_register (EnlistTestReg       *f,
                              const EnlistXmlNode *iq)
{
  enlist_test_reg_add_account (f, enlist_test_reg_legacy_value (iq, "username"),
                               enlist_test_reg_legacy_value (iq, "password"));
  enlist_test_reg_answer_result (f, iq);
}

void
enlist_test_reg_set_unexpected (EnlistTestReg       *f,
                                const EnlistXmlNode *iq)
{
  g_error ("%s: the form was submitted", g_test_get_path ());
}

void
enlist_test_reg_set_password_accept (EnlistTestReg       *f,
                                     const EnlistXmlNode *iq)
{
  enlist_test_reg_add_account (f, "alice", enlist_test_reg_legacy_value (iq, "password"));
  enlist_test_reg_answer_result (f, iq);
}

void
enlist_test_reg_set_delete (EnlistTestReg       *f,
                            const EnlistXmlNode *iq)
{
  EnlistTestDeleteCase c = GPOINTER_TO_INT (f->data);
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  g_assert_nonnull (enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER));
  if (c != ENLIST_TEST_DELETE_CLOSE_KEPT && c != ENLIST_TEST_DELETE_RESULT_KEPT)
    g_hash_table_remove (f->accounts, "alice");

  if (c == ENLIST_TEST_DELETE_RESULT_STREAM_ERROR || c == ENLIST_TEST_DELETE_RESULT_KEPT)
    enlist_test_reg_answer_result (f, iq);
  if (c == ENLIST_TEST_DELETE_RESULT_STREAM_ERROR)
    enlist_fake_server_send (f->server,
                             "<stream:error><not-authorized "
                             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                             "</stream:stream>");
  else if (c == ENLIST_TEST_DELETE_STREAM_ERROR)
    enlist_fake_server_send (f->server,
                             "<stream:error><conflict "
                             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                             "</stream:stream>");
  if (c != ENLIST_TEST_DELETE_RESULT_KEPT)
    enlist_fake_server_close (f->server);
}
