/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-registration-fake-register.c: signing up through EnlistRegistration
 * against the fake server, for the paths real servers do not take on
 * demand: web-only and already registered forms, no registration offered,
 * alternative forms in errors, the message chosen for each error condition,
 * lost connections resolved by logging in, an address only the server
 * names, the stages reported, and CAPTCHA images fetched by iq. */
#define G_LOG_DOMAIN "test-registration-fake"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-media.h"
#include "enlist-test-reg.h"
#include "enlist-test-utils.h"

#define SIGNUP_URL "https://example.org/signup"

/* ---------------------------------------------------------------------- */
/* Fetching the form                                                       */

/* The header: the form may say registration happens on a web page
 * (get_oob_url); submitting it is WEB_ONLY, and nothing is sent. */
static void
test_oob_only (EnlistTestReg *f,
               gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->form = "<query xmlns='jabber:iq:register'><instructions>Sign up on our web page."
            "</instructions><x xmlns='jabber:x:oob'><url>" SIGNUP_URL "</url></x></query>";
  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_true (enlist_registration_get_form (f->registration) == form);
  g_assert_cmpuint (f->n_form_notify, ==, 1);
  g_assert_cmpstr (enlist_data_form_get_oob_url (form), ==, SIGNUP_URL);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 0);
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==, "Sign up on our web page.");
  g_assert_false (enlist_data_form_is_registered (form));

  jid = enlist_test_reg_submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_WEB_ONLY);
  g_assert_nonnull (strstr (error->message, SIGNUP_URL));
  g_assert_null (jid);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

/* The form says the account exists (is_registered); submitting it is
 * ALREADY_REGISTERED, and nothing is sent. */
static void
test_registered (EnlistTestReg *f,
                 gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->form = "<query xmlns='jabber:iq:register'><registered/><username>alice</username>"
            "<password/></query>";
  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_true (enlist_data_form_is_registered (form));
  g_assert_true (enlist_registration_get_form (f->registration) == form);

  jid = enlist_test_reg_submit (f, form, NULL, &error);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_ALREADY_REGISTERED);
  g_assert_null (jid);
  g_assert_cmpuint (f->sets->len, ==, 0);
}

/* No <register/> stream feature: NOT_SUPPORTED, whatever the form request
 * (pipelined before the features were seen) got back. */
static void
test_not_supported (EnlistTestReg *f,
                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;

  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, ENLIST_FAKE_SERVER_STREAM_HEADER
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");

  form = enlist_test_reg_fetch_form (f, &error);
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
set_alternative (EnlistTestReg       *f,
                 const EnlistXmlNode *iq)
{
  if (f->sets->len == 1)
    {
      enlist_test_reg_send_reply (f, iq, "error",
                                  ALTERNATIVE_FORM
                                  "<error type='modify'><not-acceptable "
                                  ENLIST_TEST_STANZAS_NS "/><text " ENLIST_TEST_STANZAS_NS ">"
                                  "An email address is needed.</text></error>");
      return;
    }
  enlist_test_reg_add_account (f, "alice", "secret");
  enlist_test_reg_answer_result (f, iq);
}

/* The server answers the submission with another form inside the error:
 * it becomes "form" (notified), the error is FORM_RENEWED with the server's
 * condition and text, and the new form is then submitted on the same
 * connection. */
static void
test_alternative_form (EnlistTestReg *f,
                       gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  EnlistDataForm *fresh;
  gboolean verified = TRUE;

  f->set_func = set_alternative;
  enlist_test_reg_start (f, NULL);
  enlist_registration_set_verify (f->registration, FALSE);
  form = enlist_test_reg_fetch_filled_form (f);
  f->n_form_notify = 0;

  jid = enlist_test_reg_submit (f, form, NULL, &error);
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

  enlist_test_reg_set_value (fresh, "username", "alice");
  enlist_test_reg_set_value (fresh, "password", "secret");
  enlist_test_reg_set_value (fresh, "email", "alice@example.org");
  jid = enlist_test_reg_submit (f, fresh, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_false (verified);

  g_assert_cmpuint (f->sets->len, ==, 2);
  g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 0), "username"),
                   ==, "alice");
  g_assert_cmpstr (enlist_test_reg_submitted_value (g_ptr_array_index (f->sets, 1), "email"), ==,
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
    "The server limits how quickly new accounts can be created. Try again later.", NULL },
  { "policy-violation", "wait", "Your password is too weak.",
    "The server limits how quickly new accounts can be created. Try again later.", NULL },
  { "policy-violation", "modify", "Too many attempts, wait ten minutes.",
    "The server’s policy does not allow this registration.", NULL },
  { "forbidden", "auth", "This username is already taken.",
    "The server refused the registration. The invitation may be invalid or used up.", NULL },
  { "feature-not-implemented", "cancel", "Welcome aboard!",
    "This server does not offer registration.", NULL },
};

static void
set_error_case (EnlistTestReg       *f,
                const EnlistXmlNode *iq)
{
  const ErrorCase *c = f->data;
  g_autofree char *payload = g_strdup_printf ("<error type='%s'><%s " ENLIST_TEST_STANZAS_NS "/>"
                                              "<text " ENLIST_TEST_STANZAS_NS ">%s</text></error>",
                                              c->type, c->condition, c->text);

  enlist_test_reg_send_reply (f, iq, "error", payload);
}

/* Each condition gets its own message, chosen by condition (and type) and
 * never by the server's text, which stays as detail. */
static void
test_submit_error (EnlistTestReg *f,
                   gconstpointer  data)
{
  const ErrorCase *c = data;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  f->set_func = set_error_case;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_filled_form (f);
  f->n_form_notify = 0;

  jid = enlist_test_reg_submit (f, form, NULL, &error);
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

/* A server that does not take SASL on the stream a registration came over:
 * the account is verified on a fresh connection instead. */
static void
test_submit_verify_fresh (EnlistTestReg *f,
                          gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  f->no_sasl_after_register = TRUE;
  f->set_func = enlist_test_reg_set_register;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_filled_form (f);

  jid = enlist_test_reg_submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified);
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->n_logins, ==, 1);
}

/* Tigase with e-mail activation: the registration is accepted, then every
 * login is refused until the link in the e-mail is followed. The account
 * exists: the credentials come back, to be activated, with the server's
 * text; it is not an error. */
static void
test_submit_inactive (EnlistTestReg *f,
                      gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->login_refusal = data;
  f->set_func = enlist_test_reg_set_register;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_filled_form (f);

  enlist_registration_submit_async (f->registration, form, NULL, enlist_test_store_result,
                                    &result);
  credentials = enlist_registration_submit_finish (f->registration,
                                                   enlist_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (enlist_credentials_get_address (credentials), ==, "alice@fake.test");
  g_assert_cmpstr (enlist_credentials_get_password (credentials), ==, "secret");
  g_assert_false (enlist_credentials_get_verified (credentials));
  g_assert_true (enlist_credentials_get_inactive (credentials));
  g_assert_cmpstr (enlist_credentials_get_server_text (credentials), ==,
                   "Account is inactive, check your e-mail");
  /* the server kept it */
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_nonnull (g_hash_table_lookup (f->accounts, "alice"));
}

/* The connection drops after a non-CAPTCHA form was fetched: submit
 * reconnects, gets the same form, sends the values again and succeeds. */
static void
test_submit_reconnect (EnlistTestReg *f,
                       gconstpointer  data)
{
  gboolean verify = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = !verify;

  f->drop_first = TRUE;
  f->set_func = enlist_test_reg_set_register;
  enlist_test_reg_start (f, NULL);
  enlist_registration_set_verify (f->registration, verify);
  form = enlist_test_reg_fetch_filled_form (f);

  enlist_test_reg_wait_connection_lost (f);

  jid = enlist_test_reg_submit (f, form, &verified, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  g_assert_true (verified == verify);

  g_assert_cmpuint (f->n_gets, ==, 2);
  g_assert_cmpuint (f->sets->len, ==, 1);
  g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 0), "username"),
                   ==, "alice");
  g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 0), "password"),
                   ==, "secret");
  /* verified on the stream that registered: no third connection */
  g_assert_cmpuint (enlist_fake_server_get_n_connections (f->server), ==, 2);
  g_assert_cmpuint (f->n_logins, ==, verify ? 1 : 0);
  /* the fresh form replaced the one the values were typed into */
  g_assert_true (enlist_registration_get_form (f->registration) != form);
  g_assert_cmpuint (f->n_form_notify, ==, 2);
}

static void
set_lost_answer (EnlistTestReg       *f,
                 const EnlistXmlNode *iq)
{
  gboolean created = GPOINTER_TO_INT (f->data);

  if (f->sets->len == 1)
    {
      /* the answer never comes; the account exists or not */
      if (created)
        enlist_test_reg_add_account (f, "alice", "secret");
      enlist_fake_server_close (f->server);
      return;
    }
  enlist_test_reg_set_register (f, iq);
}

/* The connection drops before the answer to the submission: a login tells
 * whether the account was created; if not, the form is fetched again and,
 * being the same, sent again. */
static void
test_submit_lost_answer (EnlistTestReg *f,
                         gconstpointer  data)
{
  gboolean created = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean verified = FALSE;

  f->set_func = set_lost_answer;
  enlist_test_reg_start (f, NULL);
  enlist_registration_set_verify (f->registration, FALSE);
  form = enlist_test_reg_fetch_filled_form (f);

  jid = enlist_test_reg_submit (f, form, &verified, &error);
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
      g_assert_cmpstr (enlist_test_reg_legacy_value (g_ptr_array_index (f->sets, 1), "password"),
                       ==, "secret");
    }
}

/* The connection drops after the form was fetched, and the server now asks
 * for something else: FORM_RENEWED with the fresh form, nothing sent. */
static void
test_submit_reconnect_form_changed (EnlistTestReg *f,
                                    gconstpointer  data)
{
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  EnlistDataForm *fresh;

  f->drop_first = TRUE;
  f->set_func = enlist_test_reg_set_unexpected;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_filled_form (f);
  f->form = ALTERNATIVE_FORM;

  enlist_test_reg_wait_connection_lost (f);

  jid = enlist_test_reg_submit (f, form, NULL, &error);
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
/* The address of a new account                                            */

#define PASSWORD_ONLY_FORM \
  "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>" \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-private' var='password' label='Password'><required/></field>" \
  "</x></query>"

static void
set_server_names (EnlistTestReg       *f,
                  const EnlistXmlNode *iq)
{
  gboolean names = GPOINTER_TO_INT (f->data);

  g_assert_cmpstr (enlist_test_reg_submitted_value (iq, "password"), ==, "secret");
  if (!names)
    {
      enlist_test_reg_answer_result (f, iq);
      return;
    }
  enlist_test_reg_add_account (f, "Generated.42", "secret");
  enlist_test_reg_send_reply (f, iq, "result",
                              "<query xmlns='jabber:iq:register'><username>Generated.42</username>"
                              "</query>");
}

/* A form without a username: the address is the one the server names in
 * its answer (then verified by logging in with it), or unknown — never
 * "(null)@domain". */
static void
test_submit_no_username (EnlistTestReg *f,
                         gconstpointer  data)
{
  gboolean names = GPOINTER_TO_INT (data);
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  f->form = PASSWORD_ONLY_FORM;
  f->set_func = set_server_names;
  enlist_test_reg_start (f, NULL);
  form = enlist_test_reg_fetch_form (f, &error);
  g_assert_no_error (error);
  g_assert_null (enlist_data_form_lookup_field (form, "username"));
  enlist_test_reg_set_value (form, "password", "secret");

  credentials = enlist_test_reg_submit_credentials (f, form, NULL, &error);
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
test_stages (EnlistTestReg *f,
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

  f->set_func = enlist_test_reg_set_register;
  enlist_test_reg_start (f, NULL);
  g_assert_cmpint (enlist_registration_get_stage (f->registration), ==,
                   ENLIST_REGISTRATION_STAGE_IDLE);
  g_signal_connect (f->registration, "notify::stage", G_CALLBACK (record_stage), stages);

  form = enlist_test_reg_fetch_filled_form (f);
  assert_stages (stages, fetch_stages, G_N_ELEMENTS (fetch_stages));
  jid = enlist_test_reg_submit (f, form, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "alice@fake.test");
  assert_stages (stages, submit_stages, G_N_ELEMENTS (submit_stages));

  f->set_func = enlist_test_reg_set_password_accept;
  g_assert_true (enlist_test_reg_change_password (f, "secret", "n3w-s3cret", &error));
  g_assert_no_error (error);
  assert_stages (stages, password_stages, G_N_ELEMENTS (password_stages));

  g_signal_handlers_disconnect_by_func (f->registration, record_stage, stages);
}

/* ---------------------------------------------------------------------- */
/* CAPTCHA images                                                          */

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
test_captcha_bob_by_iq (EnlistTestReg *f,
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
  bob = g_strdup_printf ("<data xmlns='urn:xmpp:bob' cid='%s' type='image/png'>%s</data>", cid,
                         base64);
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
  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_form (f, &error);
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

  image = resolve (resolver, "cid:sha1+0000000000000000000000000000000000000000@bob.xmpp.org",
                   &error);
  g_assert_null (image);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (enlist_error_get_condition (error), ==, "item-not-found");
  g_assert_cmpuint (f->n_bob_gets, ==, 2);
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
load_captcha (EnlistTestReg   *f,
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
test_load_captcha_bob (EnlistTestReg *f,
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
  f->set_func = enlist_test_reg_answer_result;
  enlist_test_reg_start (f, NULL);

  form = enlist_test_reg_fetch_form (f, &error);
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
  g_test_add ("/registration-fake/" path, EnlistTestReg, data, enlist_test_reg_setup, func, \
              enlist_test_reg_teardown)

  ADD ("fetch/oob-only", NULL, test_oob_only);
  ADD ("fetch/registered", NULL, test_registered);
  ADD ("fetch/not-supported", NULL, test_not_supported);
  ADD ("submit/alternative-form", NULL, test_alternative_form);
  ADD ("captcha/bob-by-iq", NULL, test_captcha_bob_by_iq);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/registration-fake/submit/error/%s-%s",
                                               error_cases[i].condition, error_cases[i].type);

      g_test_add (path, EnlistTestReg, &error_cases[i], enlist_test_reg_setup, test_submit_error,
                  enlist_test_reg_teardown);
    }
  ADD ("submit/reconnect", GINT_TO_POINTER (FALSE), test_submit_reconnect);
  ADD ("submit/reconnect-verify", GINT_TO_POINTER (TRUE), test_submit_reconnect);
  ADD ("submit/reconnect-form-changed", NULL, test_submit_reconnect_form_changed);
  ADD ("submit/verify-fresh-connection", NULL, test_submit_verify_fresh);
  ADD ("submit/inactive-disabled",
       "<account-disabled/><text xml:lang='en'>Account is inactive, check your e-mail</text>",
       test_submit_inactive);
  ADD ("submit/inactive-not-authorized",
       "<not-authorized/><text xml:lang='en'>Account is inactive, check your e-mail</text>",
       test_submit_inactive);
  ADD ("submit/lost-answer-created", GINT_TO_POINTER (TRUE), test_submit_lost_answer);
  ADD ("submit/lost-answer-not-created", GINT_TO_POINTER (FALSE), test_submit_lost_answer);
  ADD ("submit/no-username", GINT_TO_POINTER (FALSE), test_submit_no_username);
  ADD ("submit/no-username-server-names", GINT_TO_POINTER (TRUE), test_submit_no_username);
  ADD ("stages", NULL, test_stages);
  ADD ("captcha/load-bob", NULL, test_load_captcha_bob);

#undef ADD

  return g_test_run ();
}
