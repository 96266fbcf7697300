/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-data-form.c: the registration form model: parsing what Prosody,
 * ejabberd and the XEP examples send, CAPTCHA recognition, limits, the
 * submission written back, and carrying values over. The fields' own rules
 * are in test-form-field.c, the datatypes' in test-xsd.c. */
#define G_LOG_DOMAIN "test-data-form"

#include "config.h"

#include <string.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-test-forms.h"

/* Captured from Prosody 0.12.3 and ejabberd 23.01 (the shared sample captures). */
static const char PROSODY_REGISTER_FORM_WHEN_REGISTERED[] =
  "<iq type='result' id='rig2' to='rigmiqq808o@localhost/rig' from='localhost'><query xmlns"
  "='jabber:iq:register'><registered/><username>rigmiqq808o</username><password/></query></iq>";

static const char EJABBERD_REGISTER_FORM_NOCAPTCHA[] =
  "<iq xml:lang='en' from='localhost' type='result' id='rig1'><query xmlns='jabber:iq:regis"
  "ter'><username/><password/><instructions>Choose a username and password to register with"
  " this server</instructions></query></iq>";

static const char EJABBERD_REGISTER_FORM_WHEN_REGISTERED[] =
  "<iq xml:lang='en' to='rigkdwuo67h@localhost/rig' from='localhost' type='result' id='rig2"
  "'><query xmlns='jabber:iq:register'><username>rigkdwuo67h</username><registered/><passwo"
  "rd/><instructions>Choose a username and password to register with this server</instruct"
  "ions></query></iq>";


/* XEP-0004 §9-style example: the bot creation form, plus a jid-single and a
 * field whose type this client does not know. */
static const char XEP0004_BOT_FORM[] =
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Bot Configuration</title>"
  "<instructions>Fill out this form to configure your new bot!</instructions>"
  "<field type='hidden' var='FORM_TYPE'><value>jabber:bot</value></field>"
  "<field type='fixed'><value>Section 1: Bot Info</value></field>"
  "<field type='text-single' label='The name of your bot' var='botname'/>"
  "<field type='text-multi' label='Helpful description of your bot' var='description'/>"
  "<field type='boolean' label='Public bot?' var='public'><required/></field>"
  "<field type='text-private' label='Password for special access' var='password'/>"
  "<field type='fixed'><value>Section 2: Features</value></field>"
  "<field type='list-multi' label='What features will the bot support?' var='features'>"
  "<option label='Contests'><value>contests</value></option>"
  "<option label='News'><value>news</value></option>"
  "<option label='Polls'><value>polls</value></option>"
  "<option label='Reminders'><value>reminders</value></option>"
  "<option label='Search'><value>search</value></option>"
  "<value>news</value><value>search</value></field>"
  "<field type='fixed'><value>Section 3: Subscriber List</value></field>"
  "<field type='list-single' label='Maximum number of subscribers' var='maxsubs'>"
  "<value>20</value>"
  "<option label='10'><value>10</value></option>"
  "<option label='20'><value>20</value></option>"
  "<option label='30'><value>30</value></option>"
  "<option label='50'><value>50</value></option>"
  "<option label='100'><value>100</value></option>"
  "<option label='None'><value>none</value></option></field>"
  "<field type='fixed'><value>Section 4: Invitations</value></field>"
  "<field type='jid-multi' label='People to invite' var='invitelist'>"
  "<desc>Tell all your friends about your new bot!</desc></field>"
  "<field type='jid-single' label='Owner' var='owner'><value>juliet@capulet.lit</value></field>"
  "<field type='text-fancy' var='mystery'><value>m</value></field>"
  "</x>";

/* XEP-0077 Example 2 and 4 (legacy fields; already registered), Example 6
 * (redirection to a web page), Example 8 (an extended data form). */
static const char XEP0077_LEGACY[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Choose a username and password for use with this service. Please also "
  "provide your email address.</instructions>"
  "<username/><password/><email/></query>";

static const char XEP0077_REGISTERED[] =
  "<query xmlns='jabber:iq:register'><registered/><username>juliet</username>"
  "<password>R0m30</password><email>juliet@capulet.com</email></query>";

static const char XEP0077_ALL_LEGACY[] =
  "<query xmlns='jabber:iq:register'><username/><nick/><password/><name/><first/><last/>"
  "<email/><address/><city/><state/><zip/><phone/><url/><date/><misc/><text/>"
  "<key>abc123</key><remove/><old_password/></query>";

static const char XEP0077_OOB[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>To register, visit http://www.shakespeare.lit/contests.php</instructions>"
  "<x xmlns='jabber:x:oob'><url>http://www.shakespeare.lit/contests.php</url></x>"
  "</query>";

static const char XEP0077_EXTENDED[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Use the enclosed form to register. If your Jabber client does not support "
  "Data Forms, visit http://www.shakespeare.lit/contests.php</instructions>"
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Contest Registration</title>"
  "<instructions>Please provide the following information to sign up for our special "
  "contests!</instructions>"
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
  "<field type='text-single' label='Given Name' var='first'><required/></field>"
  "<field type='text-single' label='Family Name' var='last'><required/></field>"
  "<field type='text-single' label='Email Address' var='email'><required/></field>"
  "<field type='list-single' label='Gender' var='x-gender'>"
  "<option label='Male'><value>M</value></option>"
  "<option label='Female'><value>F</value></option></field>"
  "</x>"
  "<x xmlns='jabber:x:oob'><url>http://www.shakespeare.lit/contests.php</url></x>"
  "</query>";

/* XEP-0158 §5 style: registration protected by a CAPTCHA, with XEP-0221
 * media (two URIs, size hints), BoB data inside <x/> and the OOB fallback. */
static const char XEP0158_REGISTER[] =
  "<query xmlns='jabber:iq:register'>"
  "<instructions>Use the enclosed form to register.</instructions>"
  "<x xmlns='jabber:x:data' type='form'>"
  "<title>Contest Registration</title>"
  "<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:captcha</value></field>"
  "<field type='hidden' var='from'><value>innocent@victim.example.com</value></field>"
  "<field type='hidden' var='challenge'><value>F3A6292C</value></field>"
  "<field type='hidden' var='sid'><value>reg1</value></field>"
  "<field type='text-single' label='Given Name' var='first'><required/></field>"
  "<field label='Enter the text you see' var='ocr'>"
  "<media xmlns='urn:xmpp:media-element' height='80' width='290'>"
  "<uri type='image/jpeg'>http://www.victim.example.com/challenges/ocr.jpeg?F3A6292C</uri>"
  "<uri type='image/png'>cid:sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org</uri>"
  "</media><required/></field>"
  "<data xmlns='urn:xmpp:bob' cid='sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org'"
  " type='image/png' max-age='86400'>iVBORw0KGgo=</data>"
  "</x>"
  "<x xmlns='jabber:x:oob'><url>http://www.victim.example.com/challenges/ocr.html</url></x>"
  "</query>";

/* ---- helpers ------------------------------------------------------------ */

static char *
to_string (EnlistXmlNode *node)
{
  g_autoptr(EnlistXmlNode) owned = node;

  return enlist_xml_node_to_string (owned, ENLIST_NS_CLIENT);
}

static void
set (EnlistDataForm *form,
     const char     *var,
     const char     *value)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  enlist_form_field_set_value (field, value);
}

static const char *
value_of (EnlistDataForm *form,
          const char     *var)
{
  EnlistFormField *field = enlist_data_form_lookup_field (form, var);

  g_assert_nonnull (field);
  return enlist_form_field_get_value (field);
}

/* ---- captured forms ----------------------------------------------------- */

static void
test_prosody (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (PROSODY_REGISTER_FORM);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *submit = NULL;
  const char * const *instructions = enlist_data_form_get_instructions (form);
  EnlistFormField *password;

  /* Legacy fields and the data form both came: the data form wins. */
  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_DATA_FORM);
  g_assert_cmpint (enlist_data_form_get_form_type (form), ==, ENLIST_FORM_TYPE_FORM);
  g_assert_cmpstr (enlist_data_form_get_title (form), ==, "Creating a new account");
  g_assert_cmpuint (g_strv_length ((char **) instructions), ==, 1);
  g_assert_cmpstr (instructions[0], ==, "Choose a username and password for use with this service.");
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==, "jabber:iq:register");
  g_assert_false (enlist_data_form_is_registered (form));
  g_assert_false (enlist_data_form_is_captcha (form));
  g_assert_null (enlist_data_form_get_captcha_field (form));
  g_assert_null (enlist_data_form_get_captcha_fallback_url (form));
  g_assert_null (enlist_data_form_get_oob_url (form));
  g_assert_cmpuint (enlist_data_form_get_bob_data (form)->len, ==, 0);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (enlist_data_form_get_fields (form)), ==, 3);
  g_assert_true (g_list_model_get_item_type (enlist_data_form_get_fields (form)) ==
                 ENLIST_TYPE_FORM_FIELD);

  g_assert_cmpstr (enlist_form_field_get_label (enlist_data_form_get_field (form, 1)), ==,
                   "Username");
  password = enlist_data_form_lookup_field (form, "password");
  g_assert_cmpint (enlist_form_field_get_field_type (password), ==, ENLIST_FIELD_TYPE_TEXT_PRIVATE);
  g_assert_true (enlist_form_field_is_secret (password));
  g_assert_true (enlist_form_field_is_required (password));
  g_assert_null (enlist_form_field_get_value (password));
  g_assert_nonnull (enlist_form_field_get_values (password));

  g_assert_false (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 2);
  g_clear_pointer (&problems, g_ptr_array_unref);

  set (form, "username", "alice");
  set (form, "password", "s3cret<&>");
  g_assert_true (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 0);

  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
                   "<field var='username'><value>alice</value></field>"
                   "<field var='password'><value>s3cret&lt;&amp;&gt;</value></field>"
                   "</x></query>");
}

static void
fill_ejabberd (EnlistDataForm *form)
{
  set (form, "username", "alice");
  set (form, "password", "s3cret");
  set (form, "ocr", "123456");
}

static void
test_ejabberd_captcha (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (EJABBERD_REGISTER_FORM);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *submit = NULL;
  g_autofree char *submit_x = NULL;
  const char * const *instructions = enlist_data_form_get_instructions (form);
  EnlistFormField *ocr;
  EnlistXmlNode *bob;
  const char *type = NULL;

  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_DATA_FORM);
  g_assert_null (enlist_data_form_get_title (form));
  /* The second <instructions/>, outside <x/>, is for clients without x:data. */
  g_assert_cmpuint (g_strv_length ((char **) instructions), ==, 1);
  g_assert_cmpstr (instructions[0], ==, "Choose a username and password to register with this server");
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==, "jabber:iq:register");
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 9);

  g_assert_true (enlist_data_form_is_captcha (form));
  ocr = enlist_data_form_get_captcha_field (form);
  g_assert_nonnull (ocr);
  g_assert_cmpstr (enlist_form_field_get_var (ocr), ==, "ocr");
  g_assert_cmpstr (enlist_form_field_get_display_name (ocr), ==, "Enter the text you see");
  g_assert_true (enlist_form_field_is_required (ocr));
  g_assert_cmpuint (enlist_form_field_get_n_media_uris (ocr), ==, 1);
  g_assert_cmpstr (enlist_form_field_get_media_uri (ocr, 0, &type), ==,
                   "cid:sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org");
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_cmpuint (enlist_form_field_get_media_width (ocr), ==, 0);
  g_assert_cmpuint (enlist_form_field_get_media_height (ocr), ==, 0);
  g_assert_cmpstr (enlist_data_form_get_captcha_fallback_url (form), ==,
                   "http://127.0.0.1:25280/captcha/4652777599156484336/image");

  g_assert_cmpuint (enlist_data_form_get_bob_data (form)->len, ==, 1);
  bob = g_ptr_array_index (enlist_data_form_get_bob_data (form), 0);
  g_assert_true (enlist_xml_node_is (bob, "data", ENLIST_NS_BOB));
  g_assert_cmpstr (enlist_xml_node_get_attr (bob, "cid"), ==,
                   "sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org");
  g_assert_cmpstr (enlist_xml_node_get_attr (bob, "type"), ==, "image/png");
  g_assert_cmpstr (enlist_xml_node_get_attr (bob, "max-age"), ==, "0");
  g_assert_true (g_str_has_prefix (enlist_xml_node_get_text (bob), "iVBORw0KGgo"));

  /* Every empty required field is named, by its label. */
  g_assert_false (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 3);
  for (guint i = 0; i < problems->len; i++)
    {
      EnlistDataFormProblem *problem = g_ptr_array_index (problems, i);
      static const char * const labels[] = { "User", "Password", "Enter the text you see" };
      g_autofree char *quoted = g_strdup_printf ("“%s”", labels[i]);

      g_assert_error (problem->error, ENLIST_ERROR,
                      ENLIST_ERROR_MISSING_REQUIRED);
      g_assert_nonnull (strstr (problem->error->message, quoted));
      g_assert_cmpstr (enlist_form_field_get_display_name (problem->field), ==, labels[i]);
    }
  g_clear_pointer (&problems, g_ptr_array_unref);

  fill_ejabberd (form);
  g_assert_true (enlist_data_form_validate (form, NULL));

  /* type='submit', FORM_TYPE, every hidden field echoed, the answer; no fixed
   * field and no fallback link. */
  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
                   "<field var='username'><value>alice</value></field>"
                   "<field var='password'><value>s3cret</value></field>"
                   "<field var='from'><value>localhost</value></field>"
                   "<field var='challenge'><value>4652777599156484336</value></field>"
                   "<field var='sid'><value>rig1</value></field>"
                   "<field var='ocr'><value>123456</value></field>"
                   "</x></query>");
  submit_x = to_string (enlist_data_form_build_submit (form));
  g_assert_true (g_str_has_prefix (submit_x, "<x xmlns='jabber:x:data' type='submit'>"));
  g_assert_nonnull (strstr (submit, submit_x));
}

static void
test_ejabberd_nocaptcha (void)
{
  g_autoptr(EnlistDataForm) form =
    enlist_test_form_from_string_ok (EJABBERD_REGISTER_FORM_NOCAPTCHA);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *submit = NULL;
  EnlistFormField *username, *password;

  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_LEGACY);
  g_assert_cmpint (enlist_data_form_get_form_type (form), ==, ENLIST_FORM_TYPE_FORM);
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==,
                   "Choose a username and password to register with this server");
  g_assert_null (enlist_data_form_get_form_type_namespace (form));
  g_assert_false (enlist_data_form_is_captcha (form));
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 2);

  username = enlist_data_form_get_field (form, 0);
  password = enlist_data_form_get_field (form, 1);
  g_assert_cmpstr (enlist_form_field_get_var (username), ==, "username");
  g_assert_cmpstr (enlist_form_field_get_label (username), ==, "Username");
  g_assert_cmpint (enlist_form_field_get_field_type (username), ==, ENLIST_FIELD_TYPE_TEXT_SINGLE);
  g_assert_true (enlist_form_field_is_required (username));
  g_assert_cmpstr (enlist_form_field_get_label (password), ==, "Password");
  g_assert_cmpint (enlist_form_field_get_field_type (password), ==, ENLIST_FIELD_TYPE_TEXT_PRIVATE);

  g_assert_false (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 2);

  enlist_form_field_set_value (username, "alice");
  enlist_form_field_set_value (password, "pw");
  g_assert_true (enlist_data_form_validate (form, NULL));
  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><username>alice</username>"
                   "<password>pw</password></query>");
}

static void
test_registered (void)
{
  const char *captures[] = {
    PROSODY_REGISTER_FORM_WHEN_REGISTERED, EJABBERD_REGISTER_FORM_WHEN_REGISTERED,
  };
  const char *usernames[] = { "rigmiqq808o", "rigkdwuo67h" };

  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (captures[i]);

      g_assert_true (enlist_data_form_is_registered (form));
      g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_LEGACY);
      g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 2);
      g_assert_cmpstr (value_of (form, "username"), ==, usernames[i]);
      g_assert_null (value_of (form, "password"));
    }
}

/* ---- XEP-0077 ----------------------------------------------------------- */

static void
test_xep0077_legacy (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0077_LEGACY);
  g_autoptr(EnlistDataForm) registered = enlist_test_form_from_string_ok (XEP0077_REGISTERED);
  g_autoptr(EnlistDataForm) all = enlist_test_form_from_string_ok (XEP0077_ALL_LEGACY);
  g_autofree char *submit = NULL;
  static const char * const names[] = {
    "username", "nick", "password", "name", "first", "last", "email", "address", "city",
    "state", "zip", "phone", "url", "date", "misc", "text", "key",
  };

  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 3);
  g_assert_cmpstr (enlist_form_field_get_label (enlist_data_form_lookup_field (form, "email")),
                   ==, "Email address");
  g_assert_false (enlist_data_form_is_registered (form));

  g_assert_true (enlist_data_form_is_registered (registered));
  g_assert_cmpstr (value_of (registered, "username"), ==, "juliet");
  g_assert_cmpstr (value_of (registered, "password"), ==, "R0m30");
  g_assert_cmpstr (value_of (registered, "email"), ==, "juliet@capulet.com");

  /* Every legacy field, in the server's order; <remove/> and unknown ones are not fields. */
  g_assert_cmpuint (enlist_data_form_get_n_fields (all), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (all, i);
      EnlistFieldType expected = ENLIST_FIELD_TYPE_TEXT_SINGLE;

      if (strcmp (names[i], "password") == 0)
        expected = ENLIST_FIELD_TYPE_TEXT_PRIVATE;
      else if (strcmp (names[i], "key") == 0)
        expected = ENLIST_FIELD_TYPE_HIDDEN;
      g_assert_cmpstr (enlist_form_field_get_var (field), ==, names[i]);
      g_assert_cmpint (enlist_form_field_get_field_type (field), ==, expected);
      g_assert_true (enlist_form_field_is_required (field));
      g_assert_nonnull (enlist_form_field_get_label (field));
      g_assert_cmpstr (enlist_form_field_get_label (field), !=, names[i]);
    }
  g_assert_cmpstr (value_of (all, "key"), ==, "abc123");

  set (form, "username", "bill");
  set (form, "password", "Calliope");
  set (form, "email", "bard@shakespeare.lit");
  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><username>bill</username>"
                   "<password>Calliope</password><email>bard@shakespeare.lit</email></query>");
  g_clear_pointer (&submit, g_free);

  /* The key is echoed; empty fields go as empty elements. */
  set (all, "username", "u");
  submit = to_string (enlist_data_form_build_register_query (all));
  g_assert_true (g_str_has_prefix (submit, "<query xmlns='jabber:iq:register'><username>u"
                                           "</username><nick/><password/>"));
  g_assert_true (g_str_has_suffix (submit, "<key>abc123</key></query>"));
}

static void
test_xep0077_oob (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0077_OOB);

  g_assert_cmpstr (enlist_data_form_get_oob_url (form), ==,
                   "http://www.shakespeare.lit/contests.php");
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 0);
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==,
                   "To register, visit http://www.shakespeare.lit/contests.php");
  /* Not a CAPTCHA form: the OOB URL is a web registration, not a fallback. */
  g_assert_null (enlist_data_form_get_captcha_fallback_url (form));
  g_assert_true (enlist_data_form_validate (form, NULL));
  /* nothing to fill in: the web page is the way */
  g_assert_true (enlist_data_form_is_web_only (form));
}

/* What is web-only: nothing a person fills in, whether or not there is an
 * OOB address; a form with something to fill in is not, OOB or not. */
static void
test_web_only (void)
{
  static const struct { const char *query; gboolean web_only; } cases[] = {
    { "<query xmlns='jabber:iq:register'/>", TRUE },
    { "<query xmlns='jabber:iq:register'><instructions>Ask the admin.</instructions></query>",
      TRUE },
    { "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
      "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
      "<field type='fixed'><value>Sign up on the web.</value></field></x>"
      "<x xmlns='jabber:x:oob'><url>https://example.org/signup</url></x></query>", TRUE },
    { "<query xmlns='jabber:iq:register'><username/><password/></query>", FALSE },
    { "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
      "<field type='boolean' var='accept'/></x></query>", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (cases[i].query);

      g_assert_cmpint (enlist_data_form_is_web_only (form), ==, cases[i].web_only);
    }
  {
    g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0077_EXTENDED);

    g_assert_false (enlist_data_form_is_web_only (form));
  }
}

static void
test_xep0077_extended (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0077_EXTENDED);
  EnlistFormField *gender = enlist_data_form_lookup_field (form, "x-gender");
  g_autofree char *submit = NULL;

  g_assert_cmpint (enlist_data_form_get_origin (form), ==, ENLIST_FORM_ORIGIN_DATA_FORM);
  g_assert_cmpstr (enlist_data_form_get_title (form), ==, "Contest Registration");
  g_assert_cmpstr (enlist_data_form_get_instructions (form)[0], ==,
                   "Please provide the following information to sign up for our special contests!");
  g_assert_cmpstr (enlist_data_form_get_oob_url (form), ==, "http://www.shakespeare.lit/contests.php");
  g_assert_cmpuint (enlist_form_field_get_n_options (gender), ==, 2);
  g_assert_cmpstr (enlist_form_field_get_option_label (gender, 1), ==, "Female");
  g_assert_cmpstr (enlist_form_field_get_option_value (gender, 1), ==, "F");

  set (form, "first", "Juliet");
  set (form, "last", "Capulet");
  set (form, "email", "juliet@capulet.com");
  g_assert_true (enlist_data_form_validate (form, NULL));
  set (form, "x-gender", "X");
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "x-gender", "F");
  g_assert_true (enlist_data_form_validate (form, NULL));

  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
                   "<field var='first'><value>Juliet</value></field>"
                   "<field var='last'><value>Capulet</value></field>"
                   "<field var='email'><value>juliet@capulet.com</value></field>"
                   "<field var='x-gender'><value>F</value></field></x></query>");
}

/* ---- XEP-0004 ----------------------------------------------------------- */

static void
test_xep0004_every_type (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0004_BOT_FORM);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *submit = NULL;
  EnlistFormField *features, *fixed, *invite;
  const char *invitees[] = { "juliet@capulet.lit", "benvolio@montague.lit/home", NULL };
  const char *bad_invitees[] = { "juliet@capulet.lit", "not an address", NULL };
  const char *two[] = { "a", "b", NULL };
  static const struct
  {
    const char     *var;
    EnlistFieldType type;
  } types[] = {
    { "FORM_TYPE", ENLIST_FIELD_TYPE_HIDDEN },
    { "botname", ENLIST_FIELD_TYPE_TEXT_SINGLE },
    { "description", ENLIST_FIELD_TYPE_TEXT_MULTI },
    { "public", ENLIST_FIELD_TYPE_BOOLEAN },
    { "password", ENLIST_FIELD_TYPE_TEXT_PRIVATE },
    { "features", ENLIST_FIELD_TYPE_LIST_MULTI },
    { "maxsubs", ENLIST_FIELD_TYPE_LIST_SINGLE },
    { "invitelist", ENLIST_FIELD_TYPE_JID_MULTI },
    { "owner", ENLIST_FIELD_TYPE_JID_SINGLE },
    { "mystery", ENLIST_FIELD_TYPE_TEXT_SINGLE },   /* unknown type → text-single */
  };

  g_assert_cmpstr (enlist_data_form_get_title (form), ==, "Bot Configuration");
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==, "jabber:bot");
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 14);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    g_assert_cmpint (enlist_form_field_get_field_type (enlist_data_form_lookup_field (form, types[i].var)),
                     ==, types[i].type);

  fixed = enlist_data_form_get_field (form, 1);
  g_assert_cmpint (enlist_form_field_get_field_type (fixed), ==, ENLIST_FIELD_TYPE_FIXED);
  g_assert_null (enlist_form_field_get_var (fixed));
  g_assert_cmpstr (enlist_form_field_get_value (fixed), ==, "Section 1: Bot Info");

  features = enlist_data_form_lookup_field (form, "features");
  g_assert_cmpuint (enlist_form_field_get_n_options (features), ==, 5);
  g_assert_cmpstr (enlist_form_field_get_option_label (features, 3), ==, "Reminders");
  g_assert_cmpuint (g_strv_length ((char **) enlist_form_field_get_values (features)), ==, 2);
  g_assert_cmpstr (value_of (form, "maxsubs"), ==, "20");
  invite = enlist_data_form_lookup_field (form, "invitelist");
  g_assert_cmpstr (enlist_form_field_get_description (invite), ==,
                   "Tell all your friends about your new bot!");

  /* public is required and empty. */
  g_assert_false (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (enlist_form_field_get_var (((EnlistDataFormProblem *) problems->pdata[0])->field),
                   ==, "public");
  g_clear_pointer (&problems, g_ptr_array_unref);

  enlist_form_field_set_value (enlist_data_form_lookup_field (form, "public"), "true");
  g_assert_true (enlist_form_field_get_boolean (enlist_data_form_lookup_field (form, "public")));
  enlist_form_field_set_values (invite, invitees);
  set (form, "password", "pw");
  g_assert_true (enlist_data_form_validate (form, NULL));

  /* Each kind of wrong value. */
  enlist_form_field_set_values (invite, bad_invitees);
  g_assert_false (enlist_data_form_validate (form, NULL));
  enlist_form_field_set_values (invite, invitees);
  set (form, "maxsubs", "25");
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "maxsubs", "20");
  enlist_form_field_set_values (enlist_data_form_lookup_field (form, "botname"), two);
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "botname", "The Bot");
  set (form, "public", "maybe");
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "public", "true");
  set (form, "owner", "@capulet.lit");
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "owner", "juliet@capulet.lit");
  enlist_form_field_set_values (enlist_data_form_lookup_field (form, "description"), two);
  g_assert_true (enlist_data_form_validate (form, NULL));

  /* Fixed fields are not sent; "true" goes as "1"; multi values in order. */
  submit = to_string (enlist_data_form_build_submit (form));
  g_assert_cmpstr (submit, ==,
                   "<x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE'><value>jabber:bot</value></field>"
                   "<field var='botname'><value>The Bot</value></field>"
                   "<field var='description'><value>a</value><value>b</value></field>"
                   "<field var='public'><value>1</value></field>"
                   "<field var='password'><value>pw</value></field>"
                   "<field var='features'><value>news</value><value>search</value></field>"
                   "<field var='maxsubs'><value>20</value></field>"
                   "<field var='invitelist'><value>juliet@capulet.lit</value>"
                   "<value>benvolio@montague.lit/home</value></field>"
                   "<field var='owner'><value>juliet@capulet.lit</value></field>"
                   "<field var='mystery'><value>m</value></field>"
                   "</x>");
  g_clear_pointer (&submit, g_free);

  enlist_form_field_set_boolean (enlist_data_form_lookup_field (form, "public"), FALSE);
  submit = to_string (enlist_data_form_build_submit (form));
  g_assert_nonnull (strstr (submit, "<field var='public'><value>0</value></field>"));
}

static void
test_required_and_names (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (
    "<x xmlns='jabber:x:data' type='form'>"
    "<field var='nick' type='text-single'><required/></field>"
    "<field var='motto' type='text-single' label='Your motto'><required/></field>"
    "<field var='fixed' type='fixed'><required/></field>"
    "<field var='optional' type='text-single'/>"
    "</x>");
  g_autoptr(GPtrArray) problems = NULL;
  EnlistDataFormProblem *problem;

  g_assert_false (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 2);
  problem = g_ptr_array_index (problems, 0);
  g_assert_error (problem->error, ENLIST_ERROR, ENLIST_ERROR_MISSING_REQUIRED);
  g_assert_nonnull (strstr (problem->error->message, "“nick”"));
  problem = g_ptr_array_index (problems, 1);
  g_assert_nonnull (strstr (problem->error->message, "“Your motto”"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* An empty string is not a value. */
  set (form, "nick", "");
  set (form, "motto", "carpe diem");
  g_assert_false (enlist_data_form_validate (form, NULL));
  set (form, "nick", "n");
  g_assert_true (enlist_data_form_validate (form, &problems));
  g_assert_cmpuint (problems->len, ==, 0);
}

/* ---- XEP-0158 and XEP-0221 ---------------------------------------------- */

static void
test_xep0158 (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (XEP0158_REGISTER);
  g_autofree char *submit = NULL;
  EnlistFormField *ocr;
  EnlistXmlNode *bob;
  const char *type = NULL;

  g_assert_true (enlist_data_form_is_captcha (form));
  g_assert_cmpstr (enlist_data_form_get_form_type_namespace (form), ==, ENLIST_NS_CAPTCHA);
  ocr = enlist_data_form_get_captcha_field (form);
  g_assert_nonnull (ocr);
  g_assert_cmpstr (enlist_form_field_get_var (ocr), ==, "ocr");
  g_assert_cmpint (enlist_form_field_get_field_type (ocr), ==, ENLIST_FIELD_TYPE_TEXT_SINGLE);

  /* XEP-0221: both URIs, their types and the size hints. */
  g_assert_cmpuint (enlist_form_field_get_media_width (ocr), ==, 290);
  g_assert_cmpuint (enlist_form_field_get_media_height (ocr), ==, 80);
  g_assert_cmpuint (enlist_form_field_get_n_media_uris (ocr), ==, 2);
  g_assert_cmpstr (enlist_form_field_get_media_uri (ocr, 0, &type), ==,
                   "http://www.victim.example.com/challenges/ocr.jpeg?F3A6292C");
  g_assert_cmpstr (type, ==, "image/jpeg");
  g_assert_cmpstr (enlist_form_field_get_media_uri (ocr, 1, &type), ==,
                   "cid:sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org");
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_cmpuint (enlist_form_field_get_n_media_uris (enlist_data_form_lookup_field (form, "first")),
                    ==, 0);

  /* No fallback field: the OOB URL is the fallback. */
  g_assert_cmpstr (enlist_data_form_get_captcha_fallback_url (form), ==,
                   "http://www.victim.example.com/challenges/ocr.html");

  /* BoB inside <x/>. */
  g_assert_cmpuint (enlist_data_form_get_bob_data (form)->len, ==, 1);
  bob = g_ptr_array_index (enlist_data_form_get_bob_data (form), 0);
  g_assert_cmpstr (enlist_xml_node_get_attr (bob, "max-age"), ==, "86400");
  g_assert_cmpstr (enlist_xml_node_get_text (bob), ==, "iVBORw0KGgo=");

  set (form, "first", "Juliet");
  set (form, "ocr", "7nHL3");
  g_assert_true (enlist_data_form_validate (form, NULL));
  submit = to_string (enlist_data_form_build_register_query (form));
  g_assert_cmpstr (submit, ==,
                   "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE'><value>urn:xmpp:captcha</value></field>"
                   "<field var='from'><value>innocent@victim.example.com</value></field>"
                   "<field var='challenge'><value>F3A6292C</value></field>"
                   "<field var='sid'><value>reg1</value></field>"
                   "<field var='first'><value>Juliet</value></field>"
                   "<field var='ocr'><value>7nHL3</value></field></x></query>");
}

static void
test_xep0158_variants (void)
{
  static const char * const answers[] = {
    "ocr", "qa", "audio_recog", "picture_recog", "picture_q", "speech_q", "speech_recog",
    "video_q", "video_recog",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *xml =
        g_strdup_printf ("<x xmlns='jabber:x:data' type='form'>"
                         "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>"
                         "<field var='url' type='text-single'><value>https://example.org/c</value></field>"
                         "<field var='%s' type='text-single'><required/></field></x>",
                         answers[i]);
      g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (xml);

      g_assert_true (enlist_data_form_is_captcha (form));
      g_assert_cmpstr (enlist_form_field_get_var (enlist_data_form_get_captcha_field (form)), ==,
                       answers[i]);
      g_assert_cmpstr (enlist_data_form_get_captcha_fallback_url (form), ==, "https://example.org/c");
    }

  /* FORM_TYPE alone marks a CAPTCHA form, even without a known answer field. */
  {
    g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (
      "<x xmlns='jabber:x:data' type='form'>"
      "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:captcha</value></field>"
      "<field var='answer' type='text-single'/></x>");

    g_assert_true (enlist_data_form_is_captcha (form));
    g_assert_null (enlist_data_form_get_captcha_field (form));
    g_assert_null (enlist_data_form_get_captcha_fallback_url (form));
  }
}

/* ---- limits and malformed forms ----------------------------------------- */

static char *
form_with_fields (guint n)
{
  GString *xml = g_string_new ("<x xmlns='jabber:x:data' type='form'>");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml, "<field var='f%u'/>", i);
  g_string_append (xml, "</x>");
  return g_string_free (xml, FALSE);
}

static void
assert_limit (const char *xml,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string (xml, &error);

  g_assert_null (form);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  if (strstr (error->message, what) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, what);
}

static void
test_limits (void)
{
  g_autofree char *fields_max = form_with_fields (ENLIST_DATA_FORM_MAX_FIELDS);
  g_autofree char *fields_over = form_with_fields (ENLIST_DATA_FORM_MAX_FIELDS + 1);
  g_autofree char *text_ok = g_strnfill (ENLIST_DATA_FORM_MAX_TEXT, 'v');
  g_autofree char *text_long = g_strnfill (ENLIST_DATA_FORM_MAX_TEXT + 1, 'v');
  g_autofree char *value_ok = g_strdup_printf ("<x xmlns='jabber:x:data' type='form'><field var='a'>"
                                               "<value>%s</value></field></x>", text_ok);
  g_autofree char *value_long = g_strdup_printf ("<x xmlns='jabber:x:data' type='form'><field var='a'>"
                                                 "<value>%s</value></field></x>", text_long);
  g_autofree char *label_long = g_strdup_printf ("<x xmlns='jabber:x:data' type='form'>"
                                                 "<field var='a' label='%s'/></x>", text_long);
  g_autofree char *desc_long = g_strdup_printf ("<x xmlns='jabber:x:data' type='form'>"
                                                "<field var='a'><desc>%s</desc></field></x>", text_long);
  g_autofree char *instructions_long =
    g_strdup_printf ("<query xmlns='jabber:iq:register'><instructions>%s</instructions>"
                     "<username/></query>", text_long);
  g_autofree char *legacy_long =
    g_strdup_printf ("<query xmlns='jabber:iq:register'><username>%s</username></query>", text_long);
  g_autofree char *chunk = g_strnfill (1100 * 1024, 'A');
  g_autofree char *bob_big =
    g_strdup_printf ("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
                     "<data xmlns='urn:xmpp:bob' cid='a'>%s</data></x>"
                     "<data xmlns='urn:xmpp:bob' cid='b'>%s</data></query>", chunk, chunk);
  GString *options = g_string_new ("<x xmlns='jabber:x:data' type='form'><field var='a' type='list-single'>");
  GString *values = g_string_new ("<x xmlns='jabber:x:data' type='form'><field var='a' type='list-multi'>");
  g_autofree char *options_xml = NULL;
  g_autofree char *values_xml = NULL;
  g_autoptr(EnlistDataForm) form = NULL;

  /* issue #9's 2,000-field form is the largest accepted */
  g_assert_cmpuint (ENLIST_DATA_FORM_MAX_FIELDS, ==, 2000);
  form = enlist_test_form_from_string_ok (fields_max);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 2000);
  g_clear_object (&form);
  assert_limit (fields_over, "2000");

  form = enlist_test_form_from_string_ok (value_ok);
  g_assert_cmpuint (strlen (value_of (form, "a")), ==, ENLIST_DATA_FORM_MAX_TEXT);
  g_clear_object (&form);
  assert_limit (value_long, "65536");
  assert_limit (label_long, "65536");
  assert_limit (desc_long, "65536");
  assert_limit (instructions_long, "65536");
  assert_limit (legacy_long, "65536");
  assert_limit (bob_big, "2097152");

  for (guint i = 0; i < 501; i++)
    g_string_append_printf (options, "<option><value>%u</value></option>", i);
  g_string_append (options, "</field></x>");
  options_xml = g_string_free (options, FALSE);
  assert_limit (options_xml, "500");

  for (guint i = 0; i < 101; i++)
    g_string_append_printf (values, "<value>%u</value>", i);
  g_string_append (values, "</field></x>");
  values_xml = g_string_free (values, FALSE);
  assert_limit (values_xml, "100");
}

/* n fields of the given type with two-letter vars, each holding per_field
 * copies of item; extra goes before the end of the form. */
static char *
form_of_repeats (guint       n,
                 const char *type,
                 guint       per_field,
                 const char *item,
                 const char *extra)
{
  GString *xml = g_string_new ("<x xmlns='jabber:x:data' type='form'>");

  g_assert_cmpuint (n, <=, 26 * 26);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (xml, "<field var='%c%c' type='%s'>",
                              'a' + i / 26, 'a' + i % 26, type);
      for (guint j = 0; j < per_field; j++)
        g_string_append (xml, item);
      g_string_append (xml, "</field>");
    }
  g_string_append (xml, extra);
  g_string_append (xml, "</x>");
  return g_string_free (xml, FALSE);
}

#define XDATA_VALIDATE "<validate xmlns='http://jabber.org/protocol/xdata-validate'>"

/* The last field of the text budget's form: var "zz" (2 bytes), a desc of
 * desc_len bytes and a regex of regex_len bytes. */
static char *
budget_last_field (gsize       desc_len,
                   const char *regex,
                   const char *before)
{
  g_autofree char *desc = g_strnfill (desc_len, 'd');

  return g_strdup_printf ("%s<field var='zz'><desc>%s</desc>" XDATA_VALIDATE
                          "<regex>%s</regex></validate></field>", before, desc, regex);
}

/* The whole form's budgets: what the per-item limits would still allow
 * across 2,000 fields is refused, at the exact boundary. */
static void
test_form_budgets (void)
{
  g_autofree char *desc = g_strnfill (ENLIST_DATA_FORM_MAX_TEXT - 2, 'd');
  g_autofree char *desc_item = g_strdup_printf ("<desc>%s</desc>", desc);
  g_autofree char *last_at = budget_last_field (ENLIST_DATA_FORM_MAX_TEXT - 3, ".", "");
  g_autofree char *last_over = budget_last_field (ENLIST_DATA_FORM_MAX_TEXT - 3, "..", "");
  g_autofree char *last_titled = budget_last_field (ENLIST_DATA_FORM_MAX_TEXT - 3, ".",
                                                    "<title>t</title>");
  g_autofree char *text_at = form_of_repeats (15, "text-single", 1, desc_item, last_at);
  g_autofree char *text_over = form_of_repeats (15, "text-single", 1, desc_item, last_over);
  g_autofree char *text_titled = form_of_repeats (15, "text-single", 1, desc_item, last_titled);
  g_autofree char *regex_long = g_strnfill (ENLIST_DATA_FORM_MAX_TEXT + 1, '.');
  g_autofree char *regex_over =
    g_strdup_printf ("<x xmlns='jabber:x:data' type='form'><field var='r'>" XDATA_VALIDATE
                     "<regex>%s</regex></validate></field></x>", regex_long);
  static const char option[] = "<option label='o'><value>v</value></option>";
  g_autofree char *options_at = form_of_repeats (20, "list-single", ENLIST_DATA_FORM_MAX_OPTIONS,
                                                 option, "");
  g_autofree char *options_over =
    form_of_repeats (20, "list-single", ENLIST_DATA_FORM_MAX_OPTIONS, option,
                     "<field var='one' type='list-multi'><option><value>v</value></option></field>");
  g_autofree char *values_at = form_of_repeats (100, "text-multi", ENLIST_DATA_FORM_MAX_VALUES,
                                                "<value>line</value>", "");
  g_autofree char *values_over = form_of_repeats (100, "text-multi", ENLIST_DATA_FORM_MAX_VALUES,
                                                  "<value>line</value>",
                                                  "<field var='one'><value>v</value></field>");
  g_autoptr(EnlistDataForm) form = NULL;
  guint n_options = 0, n_values = 0;

  /* text: 15 fields of a 2-byte var and a 65,534-byte desc, then "zz" with
   * a desc a byte shorter and a 1-byte regex (rules count too): 1 MiB */
  g_assert_cmpuint (ENLIST_DATA_FORM_MAX_FORM_TEXT, ==, 16 * ENLIST_DATA_FORM_MAX_TEXT);
  form = enlist_test_form_from_string_ok (text_at);
  g_assert_cmpuint (enlist_data_form_get_n_fields (form), ==, 16);
  g_clear_object (&form);
  /* one byte more, in the rule or in a title */
  assert_limit (text_over, "1048576 bytes of text");
  assert_limit (text_titled, "1048576 bytes of text");
  /* a rule alone is held to the per-item limit */
  assert_limit (regex_over, "65536");

  /* choices: 20 lists of 500 fill the budget; one more anywhere is over */
  form = enlist_test_form_from_string_ok (options_at);
  for (guint i = 0; i < enlist_data_form_get_n_fields (form); i++)
    n_options += enlist_form_field_get_n_options (enlist_data_form_get_field (form, i));
  g_assert_cmpuint (n_options, ==, ENLIST_DATA_FORM_MAX_FORM_OPTIONS);
  g_clear_object (&form);
  assert_limit (options_over, "10000 choices");

  /* values: 100 fields of 100 values fill the budget */
  form = enlist_test_form_from_string_ok (values_at);
  for (guint i = 0; i < enlist_data_form_get_n_fields (form); i++)
    n_values += g_strv_length ((GStrv) enlist_form_field_get_values (
                                 enlist_data_form_get_field (form, i)));
  g_assert_cmpuint (n_values, ==, ENLIST_DATA_FORM_MAX_FORM_VALUES);
  g_clear_object (&form);
  assert_limit (values_over, "10000 values");
}

static void
assert_malformed (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string (xml, &error);

  g_assert_null (form);
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM);
}

static void
test_malformed (void)
{
  g_autoptr(EnlistXmlNode) not_x =
    enlist_test_parse_element ("<x xmlns='jabber:x:oob'><url>u</url></x>");
  g_autoptr(EnlistXmlNode) not_query =
    enlist_test_parse_element ("<query xmlns='jabber:iq:roster'/>");
  g_autoptr(GError) error = NULL;
  g_autoptr(EnlistDataForm) empty =
    enlist_test_form_from_string_ok ("<query xmlns='jabber:iq:register'/>");

  assert_malformed ("<x xmlns='jabber:x:data'><field var='a'/></x>");
  assert_malformed ("<x xmlns='jabber:x:data' type='questionnaire'><field var='a'/></x>");
  assert_malformed ("<x xmlns='jabber:x:data' type='form'><field type='text-single'/></x>");
  assert_malformed ("<x xmlns='jabber:x:data' type='form'><field var='a'/><field var='a'/></x>");
  assert_malformed ("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data'/></query>");

  g_assert_null (enlist_data_form_new_from_xml (not_x, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM);
  g_clear_error (&error);
  g_assert_null (enlist_data_form_new_from_register_query (not_query, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM);

  /* An empty query is a form with nothing to fill in, not an error. */
  g_assert_cmpuint (enlist_data_form_get_n_fields (empty), ==, 0);
  g_assert_cmpint (enlist_data_form_get_origin (empty), ==, ENLIST_FORM_ORIGIN_LEGACY);
}

/* ---- carrying values over ----------------------------------------------- */

static void
test_copy_values (void)
{
  g_autoptr(EnlistDataForm) old = enlist_test_form_from_string_ok (EJABBERD_REGISTER_FORM);
  g_autoptr(EnlistDataForm) fresh = NULL;
  g_autoptr(EnlistDataForm) prosody = enlist_test_form_from_string_ok (PROSODY_REGISTER_FORM);
  g_autofree char *fresh_xml = NULL;
  char *at;

  /* The fresh form has a new challenge. */
  fresh_xml = g_strdup (EJABBERD_REGISTER_FORM);
  while ((at = strstr (fresh_xml, "4652777599156484336")) != NULL)
    memcpy (at, "1111111111111111111", 19);
  fresh = enlist_test_form_from_string_ok (fresh_xml);

  fill_ejabberd (old);
  g_assert_true (enlist_data_form_copy_values_from (fresh, old, FALSE));
  g_assert_cmpstr (value_of (fresh, "username"), ==, "alice");
  g_assert_null (value_of (fresh, "password"));
  g_assert_null (value_of (fresh, "ocr"));
  g_assert_cmpstr (value_of (fresh, "challenge"), ==, "1111111111111111111");
  g_assert_cmpstr (value_of (fresh, "captcha-fallback-url"), ==,
                   "http://127.0.0.1:25280/captcha/1111111111111111111/image");

  g_assert_true (enlist_data_form_copy_values_from (fresh, old, TRUE));
  g_assert_cmpstr (value_of (fresh, "password"), ==, "s3cret");
  g_assert_null (value_of (fresh, "ocr"));
  g_assert_cmpstr (value_of (fresh, "challenge"), ==, "1111111111111111111");

  /* Different sets of fields: nothing is copied, either way round. */
  g_assert_false (enlist_data_form_copy_values_from (prosody, old, TRUE));
  g_assert_null (value_of (prosody, "username"));
  g_assert_null (value_of (prosody, "password"));
  set (prosody, "username", "bob");
  g_assert_false (enlist_data_form_copy_values_from (fresh, prosody, TRUE));
  g_assert_cmpstr (value_of (fresh, "username"), ==, "alice");
}

static void
test_copy_values_legacy (void)
{
  g_autoptr(EnlistDataForm) a = enlist_test_form_from_string_ok (EJABBERD_REGISTER_FORM_NOCAPTCHA);
  g_autoptr(EnlistDataForm) b = enlist_test_form_from_string_ok (EJABBERD_REGISTER_FORM_NOCAPTCHA);
  g_autoptr(EnlistDataForm) c = enlist_test_form_from_string_ok (XEP0077_LEGACY);

  set (a, "username", "alice");
  set (a, "password", "pw");
  g_assert_true (enlist_data_form_copy_values_from (b, a, FALSE));
  g_assert_cmpstr (value_of (b, "username"), ==, "alice");
  g_assert_null (value_of (b, "password"));
  g_assert_false (enlist_data_form_copy_values_from (c, a, TRUE));
  g_assert_null (value_of (c, "username"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data-form/prosody", test_prosody);
  g_test_add_func ("/data-form/ejabberd-captcha", test_ejabberd_captcha);
  g_test_add_func ("/data-form/ejabberd-nocaptcha", test_ejabberd_nocaptcha);
  g_test_add_func ("/data-form/registered", test_registered);
  g_test_add_func ("/data-form/xep0077/legacy", test_xep0077_legacy);
  g_test_add_func ("/data-form/xep0077/oob", test_xep0077_oob);
  g_test_add_func ("/data-form/web-only", test_web_only);
  g_test_add_func ("/data-form/xep0077/extended", test_xep0077_extended);
  g_test_add_func ("/data-form/xep0004/every-type", test_xep0004_every_type);
  g_test_add_func ("/data-form/validate/required", test_required_and_names);
  g_test_add_func ("/data-form/xep0158", test_xep0158);
  g_test_add_func ("/data-form/xep0158/variants", test_xep0158_variants);
  g_test_add_func ("/data-form/limits", test_limits);
  g_test_add_func ("/data-form/limits/whole-form", test_form_budgets);
  g_test_add_func ("/data-form/malformed", test_malformed);
  g_test_add_func ("/data-form/copy-values", test_copy_values);
  g_test_add_func ("/data-form/copy-values/legacy", test_copy_values_legacy);

  return g_test_run ();
}
