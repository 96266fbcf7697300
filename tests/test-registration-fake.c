/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-fake.c: EnlistRegistration against the fake server, for
 * the paths real servers do not take on demand: web-only and already
 * registered forms, no registration offered, alternative forms in errors,
 * the message chosen for each error condition, the change-password form,
 * and lost connections resolved by logging in. The fake server does SASL
 * PLAIN against a table of accounts kept by the test. */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-fake-server.h"
#include "enlist-media.h"
#include "enlist-registration.h"
#include "enlist-registration-private.h"
#include "enlist-test-utils.h"

#define GUARD_SECONDS 30
#define SETTLE_MS     5000

#define STANZAS_NS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define SIGNUP_URL "https://example.org/signup"

#define LEGACY_FORM \
  "<query xmlns='jabber:iq:register'><instructions>Choose a username and a password." \
  "</instructions><username/><password/></query>"

typedef struct _Fixture Fixture;

typedef enum
{
  CANCEL_NEVER,
  CANCEL_ON_RECEIPT,   /* when a register set arrives, before it is answered */
  CANCEL_ON_ANSWER,    /* right after the answer to it is sent */
} CancelWhen;

/* Answers an iq set in jabber:iq:register (already recorded in sets). */
typedef void (*SetFunc) (Fixture             *f,
                         const EnlistXmlNode *iq);

struct _Fixture
{
  guint               guard_id;
  EnlistFakeServer   *server;
  EnlistRegistration *registration;

  GHashTable         *accounts;     /* username → password: who may log in */
  const char         *form;         /* the <query/> answered to a form request */
  gboolean            drop_first;   /* close the first connection after its form */
  SetFunc             set_func;
  gconstpointer       data;         /* the test's own */

  /* what the server saw */
  GPtrArray          *sets;         /* EnlistXmlNode *: the register sets */
  guint               n_gets;
  guint               n_logins;     /* successful ones */
  char               *logged_in;    /* the last user who logged in */
  guint               n_form_notify;
  const char         *bob_cid;      /* the Bits of Binary the server has */
  const char         *bob_data;     /* its <data/> element */
  guint               n_bob_gets;
  gboolean            no_sasl_after_register;  /* refuse SASL on a stream that registered */
  int                 register_connection;     /* index of the stream that registered, or -1 */

  /* cancelling the caller's cancellable from the server's side */
  GCancellable       *cancellable;
  CancelWhen          cancel_when;
};

/* ---------------------------------------------------------------------- */
/* The server side                                                         */

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

/* SASL PLAIN: base64 of authzid NUL authcid NUL password. */
static void
answer_auth (Fixture             *f,
             const EnlistXmlNode *auth)
{
  const char *text = enlist_xml_node_get_text (auth);
  g_autofree guchar *decoded = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  const char *valid;
  gsize len = 0;

  g_assert_cmpstr (enlist_xml_node_get_attr (auth, "mechanism"), ==, "PLAIN");
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

  valid = username != NULL ? g_hash_table_lookup (f->accounts, username) : NULL;
  if (f->no_sasl_after_register
      && (int) enlist_fake_server_get_current_index (f->server) == f->register_connection)
    valid = NULL;
  if (valid != NULL && g_strcmp0 (valid, password) == 0)
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
  Fixture *f = user_data;
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
      const char *cid = enlist_xml_node_get_attr (enlist_xml_node_get_child (stanza, "data", ENLIST_NS_BOB),
                                                  "cid");

      f->n_bob_gets++;
      if (f->bob_cid != NULL && g_strcmp0 (cid, f->bob_cid) == 0)
        send_reply (f, stanza, "result", f->bob_data);
      else
        send_reply (f, stanza, "error",
                    "<error type='cancel'><item-not-found " STANZAS_NS "/></error>");
    }
  else if (enlist_xml_node_get_child (stanza, "bind", ENLIST_NS_BIND) != NULL)
    {
      g_autofree char *bound = g_strdup_printf ("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                                                "<jid>%s@fake.test/fake</jid></bind>",
                                                f->logged_in ? f->logged_in : "someone");
      send_reply (f, stanza, "result", bound);
    }
  else if (enlist_xml_node_get_child (stanza, "query", ENLIST_NS_REGISTER) == NULL)
    send_reply (f, stanza, "result", NULL);
  else if (g_strcmp0 (type, "get") == 0)
    {
      f->n_gets++;
      send_reply (f, stanza, "result", f->form);
      if (f->drop_first && enlist_fake_server_get_current_index (server) == 0)
        enlist_fake_server_close (server);
    }
  else
    {
      g_ptr_array_add (f->sets, enlist_xml_node_copy (stanza));
      f->register_connection = (int) enlist_fake_server_get_current_index (server);
      g_assert_nonnull (f->set_func);
      if (f->cancel_when == CANCEL_ON_RECEIPT)
        g_cancellable_cancel (f->cancellable);
      f->set_func (f, stanza);
      if (f->cancel_when == CANCEL_ON_ANSWER)
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
  Fixture *f = user_data;

  f->n_form_notify++;
}

static void
fixture_setup (Fixture       *f,
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
static void
start (Fixture    *f,
       const char *secure_response)
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

static void
fixture_teardown (Fixture       *f,
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

static EnlistDataForm *
fetch_form (Fixture  *f,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_registration_fetch_form_finish (f->registration, result, error);
}

static EnlistCredentials *
submit_credentials (Fixture         *f,
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
static char *
submit (Fixture         *f,
        EnlistDataForm  *form,
        gboolean        *verified,
        GError         **error)
{
  g_autoptr(EnlistCredentials) credentials = submit_credentials (f, form, NULL, error);

  if (verified != NULL)
    *verified = credentials != NULL && enlist_credentials_get_verified (credentials);
  if (credentials == NULL)
    return NULL;
  g_assert_nonnull (enlist_credentials_get_password (credentials));
  return g_strdup (enlist_credentials_get_address (credentials));
}

static gboolean
change_password_full (Fixture         *f,
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

static gboolean
change_password (Fixture     *f,
                 const char  *old_password,
                 const char  *new_password,
                 GError     **error)
{
  return change_password_full (f, old_password, new_password, NULL, NULL, error);
}

static gboolean
delete_account_full (Fixture       *f,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_delete_account_async (f->registration, "alice", "secret", cancellable,
                                            enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_registration_delete_account_finish (f->registration, result, error);
}

static gboolean
delete_account (Fixture  *f,
                GError  **error)
{
  return delete_account_full (f, NULL, error);
}

static void
set_value (EnlistDataForm *form,
           const char     *var,
           const char     *value)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  enlist_form_field_set_value (field, value);
}

static void
add_account (Fixture    *f,
             const char *username,
             const char *password)
{
  g_hash_table_replace (f->accounts, g_strdup (username), g_strdup (password));
}

/* The text of query's legacy element name. */
static const char *
legacy_value (const EnlistXmlNode *iq,
              const char          *name)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);
  const EnlistXmlNode *child;

  g_assert_nonnull (query);
  child = enlist_xml_node_get_child (query, name, ENLIST_NS_REGISTER);
  return child != NULL ? enlist_xml_node_get_text (child) : NULL;
}

/* The first value of the submitted data form field var, or NULL. */
static const char *
submitted_value (const EnlistXmlNode *iq,
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

static EnlistDataForm *
fetch_filled_form (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form = fetch_form (f, &error);

  g_assert_no_error (error);
  g_assert_nonnull (form);
  set_value (form, "username", "alice");
  set_value (form, "password", "secret");
  return form;
}

/* Waits (bounded) until the service has seen the connection its form was
 * fetched on go. */
static void
wait_connection_lost (Fixture *f)
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

static void
answer_result (Fixture             *f,
               const EnlistXmlNode *iq)
{
  send_reply (f, iq, "result", NULL);
}

/* ---------------------------------------------------------------------- */
/* Fetching the form                                                       */

/* The header: the form may say registration happens on a web page
 * (get_oob_url); submitting it is WEB_ONLY, and nothing is sent. */
static void
test_oob_only (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->form = "<query xmlns='jabber:iq:register'><instructions>Sign up on our web page."
            "</instructions><x xmlns='jabber:x:oob'><url>" SIGNUP_URL "</url></x></query>";
  f->set_func = answer_result;
  start (f, NULL);

  form = fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_true (enlist_registration_get_form (f->registration) == form);
  g_assert_cmpuint (f->n_form_notify, ==, 1);
  g_assert_cmpstr (enlist_data_form_get_oob_url (form), ==, SIGNUP_URL);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 0);
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==, "Sign up on our web page.");
  g_assert_false (enlist_data_form_is_registered (form));

  jid = submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_WEB_ONLY);
  g_assert_nonnull (strstr (error->message, SIGNUP_URL));
  g_assert_null (jid);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

/* The form says the account exists (is_registered); submitting it is
 * ALREADY_REGISTERED, and nothing is sent. */
static void
test_registered (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->form = "<query xmlns='jabber:iq:register'><registered/><username>alice</username>"
            "<password/></query>";
  f->set_func = answer_result;
  start (f, NULL);

  form = fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_true (enlist_data_form_is_registered (form));
  g_assert_true (enlist_registration_get_form (f->registration) == form);

  jid = submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ALREADY_REGISTERED);
  g_assert_null (jid);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

/* No <register/> stream feature: NOT_SUPPORTED, whatever the form request
 * (pipelined before the features were seen) got back. */
static void
test_not_supported (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = answer_result;
  start (f, ENLIST_FAKE_SERVER_STREAM_HEADER
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");

  form = fetch_form (f, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_NOT_SUPPORTED);
  g_assert_null (form);
  g_assert_null (enlist_registration_get_form (f->registration));
  g_assert_cmpuint (f->n_form_notify, ==, 0);
}

/* ---------------------------------------------------------------------- */
/* Submitting                                                              */

#define ALTERNATIVE_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' var='username'><required/></field>" \
  "<field type='text-private' var='password'><required/></field>" \
  "<field type='text-single' var='email' label='Email'><required/></field>" \
  "</x></query>"

static void
set_alternative (Fixture             *f,
                 const EnlistXmlNode *iq)
{
  if (f->sets->len == 1)
    {
      send_reply (f, iq, "error",
                  ALTERNATIVE_FORM "<error type='modify'><not-acceptable " STANZAS_NS "/>"
                  "<text " STANZAS_NS ">An email address is needed.</text></error>");
      return;
    }
  add_account (f, "alice", "secret");
  answer_result (f, iq);
}

/* The server answers the submission with another form inside the error:
 * it becomes "form" (notified), the error is FORM_RENEWED with the server's
 * condition and text, and the new form is then submitted on the same
 * connection. */
static void
test_alternative_form (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  EnlistDataForm *fresh;
  gboolean verified = TRUE;

  f->set_func = set_alternative;
  start (f, NULL);
  enlist_registration_set_verify (f->registration, FALSE);
  form = fetch_filled_form (f);
  f->n_form_notify = 0;

  jid = submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "not-acceptable");
  g_assert_cmpstr (enlist_error_get_server_text (error), ==, "An email address is needed.");
  g_assert_null (jid);
  g_clear_error (&error);

  g_assert_cmpuint (f->n_form_notify, ==, 1);
  fresh = enlist_registration_get_form (f->registration);
  g_assert_nonnull (fresh);
  g_assert_true (fresh != form);
  g_assert_nonnull (enlist_data_form_lookup_field (fresh, "email"));
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (fresh), ==, "jabber:iq:register");

  set_value (fresh, "username", "alice");
  set_value (fresh, "password", "secret");
  set_value (fresh, "email", "alice@example.org");
  jid = submit (f, fresh, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_false (verified);

  g_assert_cmpuint (f->sets->len, ==, 2);
  g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 0), "username"), ==, "alice");
  g_assert_cmpstr (submitted_value (g_ptr_array_index (f->sets, 1), "email"), ==,
                   "alice@example.org");
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 1);
}

typedef struct
{
  const char *condition;
  const char *type;
  const char *text;     /* misleading on purpose */
  const char *message;
  const char *field;    /* the field the error concerns */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "conflict", "cancel", "Too many attempts, wait ten minutes.",
    "This username is already taken. Choose another one.", "username" },
  { "not-acceptable", "modify", "This username is already taken.",
    "The server did not accept the details entered. Check them and try again.", NULL },
  { "not-allowed", "cancel", "Registration successful!",
    "The server does not allow this registration.", NULL },
  { "jid-malformed", "modify", "The CAPTCHA answer was wrong.",
    "This username is not valid on this server. Choose another one.", "username" },
  { "resource-constraint", "wait", "This username is already taken.",
    "Too many attempts. Wait a while, then try again.", NULL },
  { "policy-violation", "wait", "Your password is too weak.",
    "Too many attempts. Wait a while, then try again.", NULL },
  { "policy-violation", "modify", "Too many attempts, wait ten minutes.",
    "The server's policy does not allow this registration.", NULL },
  { "forbidden", "auth", "This username is already taken.",
    "The server refused the registration. The invitation may be invalid or used up.", NULL },
  { "feature-not-implemented", "cancel", "Welcome aboard!",
    "This server does not offer registration.", NULL },
};

static void
set_error_case (Fixture             *f,
                const EnlistXmlNode *iq)
{
  const ErrorCase *c = f->data;
  g_autofree char *payload = g_strdup_printf ("<error type='%s'><%s " STANZAS_NS "/>"
                                              "<text " STANZAS_NS ">%s</text></error>",
                                              c->type, c->condition, c->text);

  send_reply (f, iq, "error", payload);
}

/* Each condition gets its own message, chosen by condition (and type) and
 * never by the server's text, which stays as detail. */
static void
test_submit_error (Fixture       *f,
                   gconstpointer  data)
{
  const ErrorCase *c = data;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->set_func = set_error_case;
  start (f, NULL);
  form = fetch_filled_form (f);
  f->n_form_notify = 0;

  jid = submit (f, form, NULL, &error);
  g_assert_null (jid);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, c->condition);
  g_assert_cmpstr (enlist_error_get_server_text (error), ==, c->text);
  g_assert_cmpstr (error->message, ==, c->message);
  g_assert_null (strstr (error->message, c->text));
  g_assert_cmpstr (enlist_error_get_field (error), ==, c->field);

  /* not a CAPTCHA form: nothing renewed */
  g_assert_cmpuint (f->n_form_notify, ==, 0);
  g_assert_true (enlist_registration_get_form (f->registration) == form);
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_cmpuint (f->n_gets, ==, 1);
}

static void
set_register (Fixture             *f,
              const EnlistXmlNode *iq)
{
  add_account (f, legacy_value (iq, "username"), legacy_value (iq, "password"));
  answer_result (f, iq);
}

/* A server that does not take SASL on the stream a registration came over:
 * the account is verified on a fresh connection instead. */
static void
test_submit_verify_fresh (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  f->no_sasl_after_register = TRUE;
  f->set_func = set_register;
  start (f, NULL);
  form = fetch_filled_form (f);

  jid = submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->n_logins, ==, 1);
}

/* The connection drops after a non-CAPTCHA form was fetched: submit
 * reconnects, gets the same form, sends the values again and succeeds. */
static void
test_submit_reconnect (Fixture       *f,
                       gconstpointer  data)
{
  gboolean verify = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = !verify;

  f->drop_first = TRUE;
  f->set_func = set_register;
  start (f, NULL);
  enlist_registration_set_verify (f->registration, verify);
  form = fetch_filled_form (f);

  wait_connection_lost (f);

  jid = submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified == verify);

  g_assert_cmpuint (f->n_gets, ==, 2);
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 0), "username"), ==, "alice");
  g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 0), "password"), ==, "secret");
  /* verified on the stream that registered: no third connection */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->n_logins, ==, verify ? 1 : 0);
  /* the fresh form replaced the one the values were typed into */
  g_assert_true (enlist_registration_get_form (f->registration) != form);
  g_assert_cmpuint (f->n_form_notify, ==, 2);
}

static void
set_lost_answer (Fixture             *f,
                 const EnlistXmlNode *iq)
{
  gboolean created = GPOINTER_TO_INT (f->data);

  if (f->sets->len == 1)
    {
      /* the answer never comes; the account exists or not */
      if (created)
        add_account (f, "alice", "secret");
      enlist_fake_server_close (f->server);
      return;
    }
  set_register (f, iq);
}

/* The connection drops before the answer to the submission: a login tells
 * whether the account was created; if not, the form is fetched again and,
 * being the same, sent again. */
static void
test_submit_lost_answer (Fixture       *f,
                         gconstpointer  data)
{
  gboolean created = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  f->set_func = set_lost_answer;
  start (f, NULL);
  enlist_registration_set_verify (f->registration, FALSE);
  form = fetch_filled_form (f);

  jid = submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");
  if (created)
    {
      /* the login that found the account also verified it */
      g_assert_true (verified);
      g_assert_cmpuint (f->sets->len, ==, 1);
      g_assert_cmpuint (f->n_gets, ==, 1);
      g_assert_cmpuint (f->n_logins, ==, 1);
      g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
    }
  else
    {
      g_assert_false (verified);
      g_assert_cmpuint (f->sets->len, ==, 2);
      g_assert_cmpuint (f->n_gets, ==, 2);
      g_assert_cmpuint (f->n_logins, ==, 0);
      g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 3);
      g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 1), "password"), ==, "secret");
    }
}

static void
set_unexpected (Fixture             *f,
                const EnlistXmlNode *iq)
{
  g_error ("%s: the form was submitted", g_test_get_path ());
}

/* The connection drops after the form was fetched, and the server now asks
 * for something else: FORM_RENEWED with the fresh form, nothing sent. */
static void
test_submit_reconnect_form_changed (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  EnlistDataForm *fresh;

  f->drop_first = TRUE;
  f->set_func = set_unexpected;
  start (f, NULL);
  form = fetch_filled_form (f);
  f->form = ALTERNATIVE_FORM;

  wait_connection_lost (f);

  jid = submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FORM_RENEWED);
  g_assert_null (jid);
  fresh = enlist_registration_get_form (f->registration);
  g_assert_true (fresh != form);
  g_assert_nonnull (enlist_data_form_lookup_field (fresh, "email"));
  g_assert_cmpuint (f->n_form_notify, ==, 2);
  g_assert_cmpuint (f->n_gets, ==, 2);
  g_assert_cmpuint (f->sets->len, ==, 0);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
}

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
set_change_password_form (Fixture             *f,
                          const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  if (enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM) == NULL)
    {
      /* XEP-0077 §3.3: the server may want the old password too */
      send_reply (f, iq, "error",
                  CHANGE_PASSWORD_FORM "<error type='modify'><not-authorized " STANZAS_NS "/>"
                  "</error>");
      return;
    }
  g_assert_cmpstr (submitted_value (iq, "old_password"), ==, "secret");
  add_account (f, submitted_value (iq, "username"), submitted_value (iq, "password"));
  answer_result (f, iq);
}

static void
test_change_password_form (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *second;

  f->set_func = set_change_password_form;
  add_account (f, "alice", "secret");
  start (f, NULL);

  g_assert_true (change_password (f, "secret", "n3w-s3cret", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (f->sets->len, ==, 2);
  g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 0), "username"), ==, "alice");
  g_assert_cmpstr (legacy_value (g_ptr_array_index (f->sets, 0), "password"), ==, "n3w-s3cret");
  second = g_ptr_array_index (f->sets, 1);
  g_assert_cmpstr (submitted_value (second, "FORM_TYPE"), ==,
                   "jabber:iq:register:changepassword");
  g_assert_cmpstr (submitted_value (second, "username"), ==, "alice");
  g_assert_cmpstr (submitted_value (second, "old_password"), ==, "secret");
  g_assert_cmpstr (submitted_value (second, "password"), ==, "n3w-s3cret");
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
set_password_lost (Fixture             *f,
                   const EnlistXmlNode *iq)
{
  LostOutcome outcome = GPOINTER_TO_INT (f->data);

  if (outcome == LOST_CHANGED)
    add_account (f, "alice", legacy_value (iq, "password"));
  else if (outcome == LOST_NEITHER)
    g_hash_table_remove (f->accounts, "alice");
  /* the answer never comes */
  enlist_fake_server_close (f->server);
}

/* The connection drops before the answer: logging in tells the outcome. */
static void
test_change_password_lost (Fixture       *f,
                           gconstpointer  data)
{
  LostOutcome outcome = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = set_password_lost;
  add_account (f, "alice", "secret");
  start (f, NULL);

  ok = change_password (f, "secret", "n3w-s3cret", &error);
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
/* Deleting the account                                                    */

typedef enum
{
  DELETE_RESULT_STREAM_ERROR,   /* result, then <not-authorized/> stream error */
  DELETE_STREAM_ERROR,          /* <conflict/> stream error without a result */
  DELETE_CLOSE_REMOVED,         /* closes without a result; the account is gone */
  DELETE_CLOSE_KEPT,            /* closes without a result; the account is still there */
  DELETE_RESULT_KEPT,           /* result, but the account still logs in */
} DeleteCase;

static void
set_delete (Fixture             *f,
            const EnlistXmlNode *iq)
{
  DeleteCase c = GPOINTER_TO_INT (f->data);
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  g_assert_nonnull (enlist_xml_node_get_child (query, "remove", ENLIST_NS_REGISTER));
  if (c != DELETE_CLOSE_KEPT && c != DELETE_RESULT_KEPT)
    g_hash_table_remove (f->accounts, "alice");

  if (c == DELETE_RESULT_STREAM_ERROR || c == DELETE_RESULT_KEPT)
    answer_result (f, iq);
  if (c == DELETE_RESULT_STREAM_ERROR)
    enlist_fake_server_send (f->server,
                             "<stream:error><not-authorized "
                             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                             "</stream:stream>");
  else if (c == DELETE_STREAM_ERROR)
    enlist_fake_server_send (f->server,
                             "<stream:error><conflict "
                             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                             "</stream:stream>");
  if (c != DELETE_RESULT_KEPT)
    enlist_fake_server_close (f->server);
}

static EnlistMediaImage *
resolve (EnlistMediaResolver *resolver,
         const char          *uri,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_media_resolver_resolve_async (resolver, uri, NULL, enlist_test_store_result, &result);
  enlist_test_wait_for (&result);
  return enlist_media_resolver_resolve_finish (resolver, result, error);
}

/* A CAPTCHA image that did not travel with the form is fetched with a BoB iq
 * on the form's own connection (XEP-0231), checked against its cid, and
 * decoded; an unknown cid is the server's item-not-found. */
static void
test_captcha_bob_by_iq (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 20);
  g_autoptr(EnlistMediaResolver) resolver = enlist_media_resolver_new ();
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *query = NULL;
  gsize png_len = 0;

  gdk_pixbuf_fill (pixbuf, 0x3465a4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_len, "png", &error, NULL));
  sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) png, png_len);
  base64 = g_base64_encode ((const guchar *) png, png_len);
  cid = g_strdup_printf ("sha1+%s@bob.xmpp.org", sha1);
  uri = g_strdup_printf ("cid:%s", cid);
  bob = g_strdup_printf ("<data xmlns='urn:xmpp:bob' cid='%s' type='image/png'>%s</data>", cid, base64);
  query = g_strdup_printf (
    "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
    "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
    "<field type='text-single' var='username' label='User'><required/></field>"
    "<field type='text-private' var='password' label='Password'><required/></field>"
    "<field type='hidden' var='challenge'><value>c1</value></field>"
    "<field type='text-single' var='ocr' label='Enter the text you see'><required/>"
    "<media xmlns='urn:xmpp:media-element'><uri type='image/png'>%s</uri></media></field>"
    "</x></query>", uri);
  f->form = query;
  f->bob_cid = cid;
  f->bob_data = bob;
  f->set_func = answer_result;
  start (f, NULL);

  form = fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_true (enlist_data_form_is_captcha (form));
  g_assert_cmpuint (enlist_data_form_get_bob_data (form)->len, ==, 0);

  enlist_media_resolver_set_connection (resolver,
                                        enlist_registration_get_connection (f->registration));
  image = resolve (resolver, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_bob_gets, ==, 1);
  g_assert_cmpstr (enlist_media_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpint (enlist_media_image_get_width (image), ==, 60);
  g_assert_cmpint (enlist_media_image_get_height (image), ==, 20);
  g_clear_object (&image);

  image = resolve (resolver, "cid:sha1+0000000000000000000000000000000000000000@bob.xmpp.org", &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "item-not-found");
  g_assert_cmpuint (f->n_bob_gets, ==, 2);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  DeleteCase c = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = set_delete;
  add_account (f, "alice", "secret");
  start (f, NULL);

  ok = delete_account (f, &error);
  switch (c)
    {
    case DELETE_RESULT_STREAM_ERROR:
    case DELETE_STREAM_ERROR:
    case DELETE_CLOSE_REMOVED:
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (f->n_logins, ==, 1);
      break;
    case DELETE_CLOSE_KEPT:
      /* the request may not have arrived: the connection's error */
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CONNECTION_CLOSED);
      g_assert_false (ok);
      g_assert_cmpuint (f->n_logins, ==, 2);
      break;
    case DELETE_RESULT_KEPT:
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

/* ---------------------------------------------------------------------- */
/* Cancelling once the request may have reached the server                 */

/* The caller cancels while the server creates the account: the account is
 * reported (without the verifying login, which was called off), never
 * G_IO_ERROR_CANCELLED. */
static void
test_submit_cancel_accepted (Fixture       *f,
                             gconstpointer  data)
{
  CancelWhen when = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = set_register;
  f->cancel_when = when;
  start (f, NULL);
  form = fetch_filled_form (f);

  enlist_registration_submit_async (f->registration, form, f->cancellable,
                                    enlist_test_store_result, &result);
  if (when == CANCEL_NEVER)
    {
      /* the form's connection was up: the iq is already written */
      g_assert_cmpint (enlist_registration_get_stage (f->registration), ==,
                       ENLIST_REGISTRATION_STAGE_SUBMITTING);
      g_cancellable_cancel (f->cancellable);
    }
  enlist_test_wait_for (&result);
  credentials = enlist_registration_submit_finish (f->registration, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, "alice@fake.test");
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "secret");
  g_assert_false (enlist_credentials_get_verified (credentials));
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "secret");
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_cmpuint (f->n_logins, ==, 0);
  g_assert_false (enlist_registration_get_busy (f->registration));
  g_clear_object (&result);
}

/* Cancelled before anything was sent: CANCELLED, and nothing reached the server. */
static void
test_submit_cancel_before (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = set_unexpected;
  start (f, NULL);
  form = fetch_filled_form (f);

  g_cancellable_cancel (f->cancellable);
  credentials = submit_credentials (f, form, f->cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (credentials);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

static void
set_password_accept (Fixture             *f,
                     const EnlistXmlNode *iq)
{
  add_account (f, "alice", legacy_value (iq, "password"));
  answer_result (f, iq);
}

static void
test_change_password_cancel (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->set_func = set_password_accept;
  f->cancel_when = GPOINTER_TO_INT (data);
  add_account (f, "alice", "secret");
  start (f, NULL);

  g_assert_true (change_password_full (f, "secret", "n3w-s3cret", NULL, f->cancellable, &error));
  g_assert_no_error (error);
  g_assert_true (g_cancellable_is_cancelled (f->cancellable));
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
}

/* Cancelled while the removal is on its way: the outcome is still
 * confirmed by logging in, whether the server deleted the account or not. */
static void
test_delete_cancel (Fixture       *f,
                    gconstpointer  data)
{
  DeleteCase c = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  f->set_func = set_delete;
  f->cancel_when = CANCEL_ON_RECEIPT;
  add_account (f, "alice", "secret");
  start (f, NULL);

  ok = delete_account_full (f, f->cancellable, &error);
  g_assert_true (g_cancellable_is_cancelled (f->cancellable));
  if (c == DELETE_RESULT_STREAM_ERROR)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (f->n_logins, ==, 1);
    }
  else
    {
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_FAILED);
      g_assert_false (ok);
      g_assert_cmpuint (f->n_logins, ==, 2);
    }
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
}

/* ---------------------------------------------------------------------- */
/* The address of a new account                                            */

#define PASSWORD_ONLY_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-private' var='password' label='Password'><required/></field>" \
  "</x></query>"

static void
set_server_names (Fixture             *f,
                  const EnlistXmlNode *iq)
{
  gboolean names = GPOINTER_TO_INT (f->data);

  g_assert_cmpstr (submitted_value (iq, "password"), ==, "secret");
  if (!names)
    {
      answer_result (f, iq);
      return;
    }
  add_account (f, "Generated.42", "secret");
  send_reply (f, iq, "result",
              "<query xmlns='jabber:iq:register'><username>Generated.42</username></query>");
}

/* A form without a username: the address is the one the server names in
 * its answer (then verified by logging in with it), or unknown — never
 * "(null)@domain". */
static void
test_submit_no_username (Fixture       *f,
                         gconstpointer  data)
{
  gboolean names = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  f->form = PASSWORD_ONLY_FORM;
  f->set_func = set_server_names;
  start (f, NULL);
  form = fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_null (enlist_data_form_lookup_field (form, "username"));
  set_value (form, "password", "secret");

  credentials = submit_credentials (f, form, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "secret");
  if (names)
    {
      g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, "Generated.42@fake.test");
      g_assert_true (enlist_credentials_get_verified (credentials));
      g_assert_cmpuint (f->n_logins, ==, 1);
      g_assert_cmpstr (f->logged_in, ==, "Generated.42");
    }
  else
    {
      g_assert_null (enlist_credentials_get_address (credentials));
      g_assert_false (enlist_credentials_get_verified (credentials));
      g_assert_cmpuint (f->n_logins, ==, 0);
    }
}

/* ---------------------------------------------------------------------- */
/* One operation at a time                                                 */

typedef enum
{
  BUSY_FETCH,
  BUSY_SUBMIT,
  BUSY_SET_INVITE,
  BUSY_CLOSE,
} BusyCase;

/* Starting an operation while one runs is a programming error. */
static void
test_busy_guard (Fixture       *f,
                 gconstpointer  data)
{
  BusyCase c = GPOINTER_TO_INT (data);

  if (g_test_subprocess ())
    {
      g_autoptr(EnlistDataForm) form = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GAsyncResult) second = NULL;

      f->set_func = answer_result;
      start (f, NULL);
      if (c == BUSY_SUBMIT)
        form = fetch_filled_form (f);
      enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result,
                                            &result);
      g_assert_true (enlist_registration_get_busy (f->registration));
      switch (c)
        {
        case BUSY_FETCH:
          enlist_registration_fetch_form_async (f->registration, NULL, enlist_test_store_result,
                                                &second);
          break;
        case BUSY_SUBMIT:
          enlist_registration_submit_async (f->registration, form, NULL, enlist_test_store_result,
                                            &second);
          break;
        case BUSY_SET_INVITE:
          enlist_registration_set_invite (f->registration,
                                          "xmpp:other.test?register;preauth=t0ken", NULL);
          break;
        case BUSY_CLOSE:
        default:
          enlist_registration_close_async (f->registration, NULL, enlist_test_store_result,
                                           &second);
          break;
        }
      g_error ("the second operation was not refused");
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*!self->busy*");
}

static void
count_busy (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

typedef struct
{
  GAsyncResult *result;
  gboolean      busy_in_callback;
} BusyProbe;

static void
busy_callback (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BusyProbe *probe = user_data;

  probe->busy_in_callback = enlist_registration_get_busy (ENLIST_REGISTRATION (source));
  probe->result = g_object_ref (result);
}

/* busy is TRUE while an operation runs, and FALSE again by the time its
 * callback runs, so that the callback may start the next one. */
static void
test_busy_property (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  BusyProbe probe = { NULL, TRUE };
  guint notified = 0;

  f->set_func = answer_result;
  start (f, NULL);
  g_signal_connect (f->registration, "notify::busy", G_CALLBACK (count_busy), &notified);
  g_assert_false (enlist_registration_get_busy (f->registration));
  enlist_registration_fetch_form_async (f->registration, NULL, busy_callback, &probe);
  g_assert_true (enlist_registration_get_busy (f->registration));
  enlist_test_wait_for (&probe.result);
  g_assert_false (probe.busy_in_callback);
  form = enlist_registration_fetch_form_finish (f->registration, probe.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 2);
  g_clear_object (&probe.result);
  g_signal_handlers_disconnect_by_func (f->registration, count_busy, &notified);
}

/* ---------------------------------------------------------------------- */
/* Stages                                                                  */

static void
record_stage (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GArray *stages = user_data;
  EnlistRegistrationStage stage = enlist_registration_get_stage (ENLIST_REGISTRATION (object));

  g_array_append_val (stages, stage);
}

static void
assert_stages (GArray                        *stages,
               const EnlistRegistrationStage *expected,
               guint                          n_expected)
{
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < stages->len; i++)
    g_string_append_printf (seen, " %d", g_array_index (stages, EnlistRegistrationStage, i));
  g_test_message ("stages:%s", seen->str);
  g_assert_cmpuint (stages->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (stages, EnlistRegistrationStage, i), ==, expected[i]);
  g_array_set_size (stages, 0);
}

/* The stages a fetch and a submission go through, each notified once, and
 * back to IDLE; with text for people for every stage but IDLE. */
static void
test_stages (Fixture       *f,
             gconstpointer  data)
{
  static const EnlistRegistrationStage fetch_stages[] = {
    ENLIST_REGISTRATION_STAGE_CONNECTING, ENLIST_REGISTRATION_STAGE_SECURING,
    ENLIST_REGISTRATION_STAGE_REQUESTING_FORM, ENLIST_REGISTRATION_STAGE_IDLE,
  };
  static const EnlistRegistrationStage submit_stages[] = {
    ENLIST_REGISTRATION_STAGE_SUBMITTING, ENLIST_REGISTRATION_STAGE_VERIFYING,
    ENLIST_REGISTRATION_STAGE_IDLE,
  };
  static const EnlistRegistrationStage password_stages[] = {
    ENLIST_REGISTRATION_STAGE_CONNECTING, ENLIST_REGISTRATION_STAGE_SECURING,
    ENLIST_REGISTRATION_STAGE_LOGGING_IN, ENLIST_REGISTRATION_STAGE_CHANGING_PASSWORD,
    ENLIST_REGISTRATION_STAGE_IDLE,
  };
  g_autoptr(GArray) stages = g_array_new (FALSE, FALSE, sizeof (EnlistRegistrationStage));
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GEnumClass) klass = g_type_class_ref (ENLIST_TYPE_REGISTRATION_STAGE);
  g_autofree char *jid = NULL;

  for (guint i = 0; i < klass->n_values; i++)
    {
      EnlistRegistrationStage stage = klass->values[i].value;
      const char *text = enlist_registration_stage_describe (stage);

      if (stage == ENLIST_REGISTRATION_STAGE_IDLE)
        g_assert_null (text);
      else
        g_assert_true (text != NULL && g_str_has_suffix (text, "…"));
    }

  f->set_func = set_register;
  start (f, NULL);
  g_assert_cmpint (enlist_registration_get_stage (f->registration), ==,
                   ENLIST_REGISTRATION_STAGE_IDLE);
  g_signal_connect (f->registration, "notify::stage", G_CALLBACK (record_stage), stages);

  form = fetch_filled_form (f);
  assert_stages (stages, fetch_stages, G_N_ELEMENTS (fetch_stages));
  jid = submit (f, form, NULL, &error);
  g_assert_no_error (error);
  assert_stages (stages, submit_stages, G_N_ELEMENTS (submit_stages));

  f->set_func = set_password_accept;
  g_assert_true (change_password (f, "secret", "n3w-s3cret", &error));
  g_assert_no_error (error);
  assert_stages (stages, password_stages, G_N_ELEMENTS (password_stages));

  g_signal_handlers_disconnect_by_func (f->registration, record_stage, stages);
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
set_change_password_extra (Fixture             *f,
                           const EnlistXmlNode *iq)
{
  const EnlistXmlNode *query = enlist_xml_node_get_child (iq, "query", ENLIST_NS_REGISTER);

  if (enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM) == NULL)
    {
      send_reply (f, iq, "error",
                  CHANGE_PASSWORD_FORM_EXTRA "<error type='modify'><not-authorized " STANZAS_NS "/>"
                  "<text " STANZAS_NS ">Answer the security question.</text></error>");
      return;
    }
  g_assert_cmpstr (submitted_value (iq, "username"), ==, "alice");
  g_assert_cmpstr (submitted_value (iq, "old_password"), ==, "secret");
  g_assert_cmpstr (submitted_value (iq, "pet"), ==, "Rex");
  add_account (f, "alice", submitted_value (iq, "password"));
  answer_result (f, iq);
}

/* The server's form needs more than the service knows: FORM_RENEWED with
 * the form in "form" and the field to fill; sent once it is filled in. */
static void
test_change_password_form_renewed (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  const EnlistXmlNode *second;

  f->set_func = set_change_password_extra;
  add_account (f, "alice", "secret");
  start (f, NULL);

  g_assert_false (change_password (f, "secret", "n3w-s3cret", &error));
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
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "old_password")));
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")));

  /* still missing: refused before anything is sent */
  g_assert_false (change_password_full (f, "secret", "n3w-s3cret", form, NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MISSING_REQUIRED);
  g_assert_cmpstr (enlist_error_get_field (error), ==, "pet");
  g_clear_error (&error);
  g_assert_cmpuint (f->sets->len, ==, 1);

  set_value (form, "pet", "Rex");
  g_assert_true (change_password_full (f, "secret", "n3w-s3cret", form, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sets->len, ==, 2);
  second = g_ptr_array_index (f->sets, 1);
  g_assert_cmpstr (submitted_value (second, "password"), ==, "n3w-s3cret");
  g_assert_cmpstr (g_hash_table_lookup (f->accounts, "alice"), ==, "n3w-s3cret");
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  /* the secrets filled in on the way are gone from the form again */
  g_assert_null (enlist_form_field_get_value (enlist_data_form_lookup_field (form, "password")));
}

/* ---------------------------------------------------------------------- */
/* CAPTCHA images through the service                                      */

static char *
make_png (gsize *len)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 20);
  g_autoptr(GError) error = NULL;
  char *png = NULL;

  gdk_pixbuf_fill (pixbuf, 0x3465a4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, len, "png", &error, NULL));
  g_assert_no_error (error);
  return png;
}

static EnlistMediaImage *
load_captcha (Fixture         *f,
              EnlistDataForm  *form,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enlist_registration_load_captcha_async (f->registration, form, NULL, enlist_test_store_result,
                                          &result);
  enlist_test_wait_for (&result);
  return enlist_registration_load_captcha_finish (f->registration, result, error);
}

#define CAPTCHA_FORM_TEMPLATE \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' var='username' label='User'><required/></field>" \
  "<field type='text-private' var='password' label='Password'><required/></field>" \
  "<field type='hidden' var='challenge'><value>c1</value></field>" \
  "<field type='text-single' var='ocr' label='Enter the text you see'><required/>" \
  "<media xmlns='urn:xmpp:media-element'>%s</media></field></x></query>"

/* The service asks the form's own connection for Bits of Binary that did
 * not come with the form, and gives up on a URI that fails for the next. */
static void
test_load_captcha_bob (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(EnlistMediaImage) image = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *uris = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *query = NULL;
  gsize png_len = 0;

  png = make_png (&png_len);
  sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) png, png_len);
  base64 = g_base64_encode ((const guchar *) png, png_len);
  cid = g_strdup_printf ("sha1+%s@bob.xmpp.org", sha1);
  uris = g_strdup_printf ("<uri type='image/png'>cid:sha1+%s@bob.xmpp.org</uri>"
                          "<uri type='image/png'>cid:%s</uri>",
                          "1111111111111111111111111111111111111111", cid);
  bob = g_strdup_printf ("<data xmlns='urn:xmpp:bob' cid='%s' type='image/png'>%s</data>", cid,
                         base64);
  query = g_strdup_printf (CAPTCHA_FORM_TEMPLATE, uris);
  f->form = query;
  f->bob_cid = cid;
  f->bob_data = bob;
  f->set_func = answer_result;
  start (f, NULL);

  form = fetch_form (f, &error);
  g_assert_no_error (error);
  image = load_captcha (f, form, &error);
  g_assert_no_error (error);
  {
    g_autofree char *second = g_strdup_printf ("cid:%s", cid);

    g_assert_cmpstr (enlist_media_image_get_uri (image), ==, second);
  }
  g_assert_cmpstr (enlist_media_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpint (enlist_media_image_get_width (image), ==, 60);
  g_assert_cmpuint (f->n_bob_gets, ==, 2);
  g_assert_false (enlist_registration_get_busy (f->registration));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* the messages compared are the untranslated ones */
  setlocale (LC_MESSAGES, "C");

#define ADD(path, data, func) \
  g_test_add ("/registration-fake/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("fetch/oob-only", NULL, test_oob_only);
  ADD ("fetch/registered", NULL, test_registered);
  ADD ("fetch/not-supported", NULL, test_not_supported);
  ADD ("submit/alternative-form", NULL, test_alternative_form);
  ADD ("captcha/bob-by-iq", NULL, test_captcha_bob_by_iq);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/registration-fake/submit/error/%s-%s",
                                               error_cases[i].condition, error_cases[i].type);

      g_test_add (path, Fixture, &error_cases[i], fixture_setup, test_submit_error,
                  fixture_teardown);
    }
  ADD ("submit/reconnect", GINT_TO_POINTER (FALSE), test_submit_reconnect);
  ADD ("submit/reconnect-verify", GINT_TO_POINTER (TRUE), test_submit_reconnect);
  ADD ("submit/reconnect-form-changed", NULL, test_submit_reconnect_form_changed);
  ADD ("submit/verify-fresh-connection", NULL, test_submit_verify_fresh);
  ADD ("submit/lost-answer-created", GINT_TO_POINTER (TRUE), test_submit_lost_answer);
  ADD ("submit/lost-answer-not-created", GINT_TO_POINTER (FALSE), test_submit_lost_answer);
  ADD ("change-password/form", NULL, test_change_password_form);
  ADD ("change-password/lost-changed", GINT_TO_POINTER (LOST_CHANGED), test_change_password_lost);
  ADD ("change-password/lost-unchanged", GINT_TO_POINTER (LOST_UNCHANGED),
       test_change_password_lost);
  ADD ("change-password/lost-neither", GINT_TO_POINTER (LOST_NEITHER), test_change_password_lost);
  ADD ("delete/result-stream-error", GINT_TO_POINTER (DELETE_RESULT_STREAM_ERROR), test_delete);
  ADD ("delete/stream-error", GINT_TO_POINTER (DELETE_STREAM_ERROR), test_delete);
  ADD ("delete/close-removed", GINT_TO_POINTER (DELETE_CLOSE_REMOVED), test_delete);
  ADD ("delete/close-kept", GINT_TO_POINTER (DELETE_CLOSE_KEPT), test_delete);
  ADD ("delete/result-kept", GINT_TO_POINTER (DELETE_RESULT_KEPT), test_delete);
  ADD ("cancel/submit-on-answer", GINT_TO_POINTER (CANCEL_ON_ANSWER), test_submit_cancel_accepted);
  ADD ("cancel/submit-on-receipt", GINT_TO_POINTER (CANCEL_ON_RECEIPT),
       test_submit_cancel_accepted);
  ADD ("cancel/submit-after-write", GINT_TO_POINTER (CANCEL_NEVER), test_submit_cancel_accepted);
  ADD ("cancel/submit-before-send", NULL, test_submit_cancel_before);
  ADD ("cancel/change-password-on-answer", GINT_TO_POINTER (CANCEL_ON_ANSWER),
       test_change_password_cancel);
  ADD ("cancel/change-password-on-receipt", GINT_TO_POINTER (CANCEL_ON_RECEIPT),
       test_change_password_cancel);
  ADD ("cancel/delete-removed", GINT_TO_POINTER (DELETE_RESULT_STREAM_ERROR), test_delete_cancel);
  ADD ("cancel/delete-kept", GINT_TO_POINTER (DELETE_RESULT_KEPT), test_delete_cancel);
  ADD ("submit/no-username", GINT_TO_POINTER (FALSE), test_submit_no_username);
  ADD ("submit/no-username-server-names", GINT_TO_POINTER (TRUE), test_submit_no_username);
  ADD ("busy/fetch", GINT_TO_POINTER (BUSY_FETCH), test_busy_guard);
  ADD ("busy/submit", GINT_TO_POINTER (BUSY_SUBMIT), test_busy_guard);
  ADD ("busy/set-invite", GINT_TO_POINTER (BUSY_SET_INVITE), test_busy_guard);
  ADD ("busy/close", GINT_TO_POINTER (BUSY_CLOSE), test_busy_guard);
  ADD ("busy/property", NULL, test_busy_property);
  ADD ("stages", NULL, test_stages);
  ADD ("change-password/form-renewed", NULL, test_change_password_form_renewed);
  ADD ("captcha/load-bob", NULL, test_load_captcha_bob);

#undef ADD

  return g_test_run ();
}
