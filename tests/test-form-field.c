/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-form-field.c: one field of a data form: its types, its values and
 * their notification, and every rule it checks before a value may be sent:
 * XEP-0122 datatypes, ranges, regexes, list ranges, closed option lists,
 * characters XML cannot carry, JID syntax. */
#define G_LOG_DOMAIN "test-form-field"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-test-forms.h"

/* ---- helpers ------------------------------------------------------------ */

/* A data form with one field named f ("F" as label) of the given type with
 * inner (validate, options) inside. */
static EnlistDataForm *
one_field_form (const char *type,
                const char *inner)
{
  g_autofree char *xml = g_strdup_printf ("<x xmlns='jabber:x:data' type='form'>"
                                          "<field var='f' type='%s' label='F'>%s</field></x>",
                                          type, inner);

  return enlist_test_form_from_string_ok (xml);
}

static gboolean
field_accepts (EnlistFormField *field,
               const char      *value)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  enlist_form_field_set_value (field, value);
  ok = enlist_form_field_validate (field, &error);
  if (ok)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "“F”"));
    }
  return ok;
}

typedef struct
{
  const char *value;
  gboolean    valid;
} Case;

static void
check_cases (const char *type,
             const char *inner,
             const Case *cases,
             gsize       n_cases)
{
  g_autoptr(EnlistDataForm) form = one_field_form (type, inner);
  EnlistFormField *field = enlist_data_form_lookup_field (form, "f");

  for (gsize i = 0; i < n_cases; i++)
    {
      gboolean ok = field_accepts (field, cases[i].value);

      if (ok != cases[i].valid)
        g_error ("%s %s: “%s” was %s", type, inner, cases[i].value,
                 ok ? "accepted" : "refused");
    }
}

static void
check_datatype (const char *datatype,
                const Case *cases,
                gsize       n_cases)
{
  g_autofree char *inner =
    g_strdup_printf ("<validate xmlns='http://jabber.org/protocol/xdata-validate' "
                     "datatype='%s'><basic/></validate>", datatype);

  check_cases ("text-single", inner, cases, n_cases);
}

#define CHECK_DATATYPE(datatype, cases) check_datatype ((datatype), (cases), G_N_ELEMENTS (cases))

/* ---- tests -------------------------------------------------------------- */

static void
test_field_types (void)
{
  g_autoptr(EnlistDataForm) no_type = enlist_test_form_from_string_ok (
    "<x xmlns='jabber:x:data' type='result'><field var='a'/></x>");
  GEnumClass *klass;

  g_assert_cmpint (enlist_data_form_get_form_type (no_type), ==, ENLIST_FORM_TYPE_RESULT);
  g_assert_cmpint (enlist_form_field_get_field_type (enlist_data_form_get_field (no_type, 0)), ==,
                   ENLIST_FIELD_TYPE_TEXT_SINGLE);

  for (int t = ENLIST_FIELD_TYPE_BOOLEAN; t <= ENLIST_FIELD_TYPE_TEXT_SINGLE; t++)
    g_assert_cmpint (enlist_field_type_from_string (enlist_field_type_to_string (t)), ==, t);
  g_assert_cmpint (enlist_field_type_from_string (NULL), ==, ENLIST_FIELD_TYPE_TEXT_SINGLE);
  g_assert_cmpint (enlist_field_type_from_string ("list-many"), ==, ENLIST_FIELD_TYPE_TEXT_SINGLE);

  klass = g_type_class_ref (ENLIST_TYPE_FIELD_TYPE);
  g_assert_cmpstr (g_enum_get_value (klass, ENLIST_FIELD_TYPE_JID_MULTI)->value_nick, ==, "jid-multi");
  g_type_class_unref (klass);
  g_assert_true (G_TYPE_IS_ENUM (ENLIST_TYPE_FORM_TYPE));
  g_assert_true (G_TYPE_IS_ENUM (ENLIST_TYPE_FORM_ORIGIN));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  g_assert_cmpstr (pspec->name, ==, "values");
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (PROSODY_REGISTER_FORM);
  EnlistFormField *username = enlist_data_form_lookup_field (form, "username");
  g_auto(GStrv) values = NULL;
  g_autofree char *var = NULL;
  EnlistFieldType type;
  gboolean required;
  guint count = 0;
  const char *same[] = { "alice", NULL };

  g_signal_connect (username, "notify", G_CALLBACK (count_notify), &count);
  enlist_form_field_set_value (username, "alice");
  g_assert_cmpuint (count, ==, 1);
  enlist_form_field_set_values (username, same);
  g_assert_cmpuint (count, ==, 1);
  g_object_set (username, "values", NULL, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_null (enlist_form_field_get_value (username));
  enlist_form_field_set_value (username, NULL);
  g_assert_cmpuint (count, ==, 2);
  enlist_form_field_set_value (username, "bob");
  g_assert_cmpuint (count, ==, 3);

  g_object_get (username, "values", &values, "var", &var, "field-type", &type,
                "required", &required, NULL);
  g_assert_cmpuint (g_strv_length (values), ==, 1);
  g_assert_cmpstr (values[0], ==, "bob");
  g_assert_cmpstr (var, ==, "username");
  g_assert_cmpint (type, ==, ENLIST_FIELD_TYPE_TEXT_SINGLE);
  g_assert_true (required);

  g_signal_handlers_disconnect_by_func (username, count_notify, &count);
  g_assert_finalize_object (g_steal_pointer (&form));
}

static void
test_xep0122_integers (void)
{
  static const Case byte[] = {
    { "127", TRUE }, { "128", FALSE }, { "-128", TRUE }, { "-129", FALSE }, { "+12", TRUE },
    { "0", TRUE }, { "-0", TRUE }, { "007", TRUE }, { "1a", FALSE }, { "1.0", FALSE },
    { " 1", FALSE }, { "-", FALSE }, { "+", FALSE },
  };
  static const Case shrt[] = {
    { "32767", TRUE }, { "32768", FALSE }, { "-32768", TRUE }, { "-32769", FALSE },
  };
  static const Case integer32[] = {
    { "2147483647", TRUE }, { "2147483648", FALSE }, { "-2147483648", TRUE },
    { "-2147483649", FALSE }, { "00000000002147483647", TRUE },
  };
  static const Case lng[] = {
    { "9223372036854775807", TRUE }, { "9223372036854775808", FALSE },
    { "-9223372036854775808", TRUE }, { "-9223372036854775809", FALSE },
    { "99999999999999999999999", FALSE },
  };
  static const Case integer[] = {
    { "123456789012345678901234567890123456789012345678901234567890", TRUE },
    { "-98765432109876543210987654321", TRUE }, { "1e3", FALSE }, { "1.5", FALSE },
    { "twelve", FALSE }, { "١٢", FALSE },
  };

  CHECK_DATATYPE ("xs:byte", byte);
  CHECK_DATATYPE ("xs:short", shrt);
  CHECK_DATATYPE ("xs:int", integer32);
  CHECK_DATATYPE ("xs:long", lng);
  CHECK_DATATYPE ("xs:integer", integer);
}

static void
test_xep0122_other_datatypes (void)
{
  static const Case boolean[] = {
    { "true", TRUE }, { "false", TRUE }, { "1", TRUE }, { "0", TRUE }, { "yes", FALSE },
    { "TRUE", FALSE },
  };
  static const Case date[] = {
    { "2003-10-06", TRUE }, { "2003-10-06Z", TRUE }, { "2003-10-06+02:00", TRUE },
    { "2004-02-29", TRUE }, { "2003-02-29", FALSE }, { "2000-02-29", TRUE },
    { "1900-02-29", FALSE }, { "2003-13-01", FALSE }, { "2003-00-10", FALSE },
    { "2003-04-31", FALSE }, { "03-10-06", FALSE }, { "2003-1-06", FALSE },
    { "-0044-03-15", TRUE }, { "12345-01-01", TRUE }, { "02003-01-01", FALSE },
    { "2003-10-06T00:00:00", FALSE }, { "2003-10-06+15:00", FALSE }, { "2003/10/06", FALSE },
  };
  static const Case datetime[] = {
    { "2003-10-06T11:22:00-07:00", TRUE }, { "2003-10-06T11:22:00", TRUE },
    { "2003-10-06T11:22:00.123Z", TRUE }, { "2003-10-06T24:00:00", TRUE },
    { "2003-10-06T24:00:01", FALSE }, { "2003-10-06 11:22:00", FALSE },
    { "2003-10-06T11:60:00", FALSE }, { "2003-10-06T11:22", FALSE },
    { "2003-10-06T11:22:00.", FALSE }, { "2003-10-06", FALSE }, { "2003-10-06T11:22:00+5:00", FALSE },
  };
  static const Case time[] = {
    { "11:22:00", TRUE }, { "23:59:59.999", TRUE }, { "11:22:00Z", TRUE },
    { "11:22:00+05:30", TRUE }, { "25:00:00", FALSE }, { "11:22", FALSE }, { "1:22:00", FALSE },
    { "11:22:61", FALSE },
  };
  static const Case any_uri[] = {
    { "http://example.org/a?b#c", TRUE }, { "mailto:a@example.org", TRUE },
    { "relative/path", TRUE }, { "urn:xmpp:captcha", TRUE }, { "xmpp:juliet@capulet.lit", TRUE },
    { "http://exa mple.org", FALSE }, { "1http://example.org", FALSE }, { "a<b", FALSE },
    { ":nothing", FALSE },
  };
  static const Case language[] = {
    { "en", TRUE }, { "pt-BR", TRUE }, { "en-US-x-twain", TRUE }, { "i-klingon", TRUE },
    { "language1", FALSE }, { "toolongname", FALSE }, { "en_US", FALSE }, { "en-", FALSE },
    { "-en", FALSE },
  };
  static const Case decimal[] = {
    { "12.5", TRUE }, { "-0.5", TRUE }, { ".5", TRUE }, { "5.", TRUE }, { "+5", TRUE },
    { "1e3", FALSE }, { ".", FALSE }, { "1,5", FALSE }, { "INF", FALSE },
  };
  static const Case dbl[] = {
    { "1.2E3", TRUE }, { "-1e-7", TRUE }, { "-INF", TRUE }, { "INF", TRUE }, { "NaN", TRUE },
    { "12", TRUE }, { "1e", FALSE }, { "e3", FALSE }, { "inf", FALSE }, { "1.2.3", FALSE },
  };
  static const Case string[] = { { "anything at all", TRUE }, { "12", TRUE } };

  CHECK_DATATYPE ("xs:boolean", boolean);
  CHECK_DATATYPE ("xs:date", date);
  CHECK_DATATYPE ("xs:dateTime", datetime);
  CHECK_DATATYPE ("xs:time", time);
  CHECK_DATATYPE ("xs:anyURI", any_uri);
  CHECK_DATATYPE ("xs:language", language);
  CHECK_DATATYPE ("xs:decimal", decimal);
  CHECK_DATATYPE ("xs:double", dbl);
  CHECK_DATATYPE ("xs:string", string);
  /* Unknown datatypes are strings. */
  CHECK_DATATYPE ("xs:gYearMonth", string);
  CHECK_DATATYPE ("x:mine", string);
}

static void
test_xep0122_range (void)
{
  static const Case age[] = {
    { "17", FALSE }, { "18", TRUE }, { "140", TRUE }, { "141", FALSE },
    { "99999999999999999999", FALSE }, { "-99999999999999999999", FALSE },
  };
  static const Case dob[] = {
    { "1899-12-31", FALSE }, { "1900-01-01", TRUE }, { "2003-10-30", TRUE },
    { "2003-10-31", FALSE },
  };
  static const Case at_least[] = { { "0.4", FALSE }, { "0.5", TRUE }, { "1e9", TRUE } };
  static const Case at_most[] = {
    { "2003-10-06T13:00:00+02:00", TRUE }, { "2003-10-06T11:30:00-01:00", FALSE },
    { "2003-10-06T12:00:00Z", TRUE },
  };
  static const Case times[] = { { "08:59:59", FALSE }, { "09:00:00", TRUE }, { "17:00:01", FALSE } };
  static const Case strings[] = { { "zzz", TRUE }, { "a", TRUE } };
  static const Case bad_bound[] = { { "5", TRUE }, { "11", FALSE } };
  g_autoptr(EnlistDataForm) form =
    one_field_form ("text-single",
                    "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
                    "datatype='xs:integer'><range min='18' max='140'/></validate>");
  g_autoptr(GError) error = NULL;
  EnlistFormField *field = enlist_data_form_lookup_field (form, "f");

  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:integer'><range min='18' max='140'/></validate>",
               age, G_N_ELEMENTS (age));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:date'><range min='1900-01-01' max='2003-10-30'/></validate>",
               dob, G_N_ELEMENTS (dob));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:decimal'><range min='0.5'/></validate>",
               at_least, 2);
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:double'><range min='0.5'/></validate>",
               at_least, G_N_ELEMENTS (at_least));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:dateTime'><range max='2003-10-06T12:00:00Z'/></validate>",
               at_most, G_N_ELEMENTS (at_most));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:time'><range min='09:00:00' max='17:00:00'/></validate>",
               times, G_N_ELEMENTS (times));
  /* A range on strings means nothing (XEP-0122 §3.2); a bound that is not of
   * the datatype is ignored, the other one still holds. */
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:string'><range min='b' max='c'/></validate>",
               strings, G_N_ELEMENTS (strings));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:integer'><range min='ten' max='10'/></validate>",
               bad_bound, G_N_ELEMENTS (bad_bound));

  g_assert_cmpstr (enlist_form_field_get_datatype (field), ==, "xs:integer");
  enlist_form_field_set_value (field, "12");
  g_assert_false (enlist_form_field_validate (field, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "“F”"));
  g_assert_nonnull (strstr (error->message, "18"));
  g_assert_nonnull (strstr (error->message, "140"));
}

static void
test_xep0122_regex (void)
{
  static const Case ssn[] = {
    { "123-45-6789", TRUE }, { "x123-45-6789", FALSE }, { "123-45-67890", FALSE },
    { "123-45-6789\n", FALSE }, { "12-345-6789", FALSE },
  };
  static const Case alternation[] = { { "a", TRUE }, { "ab", TRUE }, { "abc", FALSE } };
  static const Case anything[] = { { "whatever", TRUE }, { "", TRUE } };

  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
               "datatype='xs:string'><regex>([0-9]{3})-([0-9]{2})-([0-9]{4})</regex></validate>",
               ssn, G_N_ELEMENTS (ssn));
  /* Anchoring wraps the whole pattern, alternatives included. */
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate'>"
               "<regex>a|ab</regex></validate>",
               alternation, G_N_ELEMENTS (alternation));
  /* Patterns that do not compile, or would break out of the anchoring group,
   * are ignored. */
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate'>"
               "<regex>([0-9]</regex></validate>",
               anything, G_N_ELEMENTS (anything));
  check_cases ("text-single", "<validate xmlns='http://jabber.org/protocol/xdata-validate'>"
               "<regex>x)|(.*</regex></validate>",
               anything, G_N_ELEMENTS (anything));
}

static void
test_xep0122_regex_catastrophic (void)
{
  g_autoptr(EnlistDataForm) form =
    one_field_form ("text-single",
                    "<validate xmlns='http://jabber.org/protocol/xdata-validate'>"
                    "<regex>(a+)+$</regex></validate>");
  EnlistFormField *field = enlist_data_form_lookup_field (form, "f");
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strnfill (64, 'a');
  g_autofree char *nasty = g_strconcat (input, "!", NULL);
  gint64 start;

  g_assert_true (field_accepts (field, input));

  /* PCRE2's backtracking limit stops it; the regex cannot decide, so it is ignored. */
  start = g_get_monotonic_time ();
  enlist_form_field_set_value (field, nasty);
  g_assert_true (enlist_form_field_validate (field, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_xep0122_list_range (void)
{
  g_autoptr(EnlistDataForm) form =
    one_field_form ("jid-multi",
                    "<validate xmlns='http://jabber.org/protocol/xdata-validate' "
                    "datatype='xs:string'><list-range min='1' max='3'/></validate>");
  EnlistFormField *field = enlist_data_form_lookup_field (form, "f");
  g_autoptr(GError) error = NULL;
  const char *two[] = { "a@example.org", "b@example.org", NULL };
  const char *four[] = { "a@example.org", "b@example.org", "c@example.org", "d@example.org", NULL };

  g_assert_false (enlist_form_field_validate (field, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "1"));
  g_clear_error (&error);

  enlist_form_field_set_values (field, two);
  g_assert_true (enlist_form_field_validate (field, NULL));
  enlist_form_field_set_values (field, four);
  g_assert_false (enlist_form_field_validate (field, &error));
  g_assert_nonnull (strstr (error->message, "3"));
}

static void
test_xep0122_open (void)
{
  static const char options[] =
    "<option label='Holiday'><value>holiday</value></option>"
    "<option label='Meeting'><value>meeting</value></option>";
  static const Case closed[] = { { "holiday", TRUE }, { "party", FALSE } };
  static const Case open[] = { { "holiday", TRUE }, { "party", TRUE } };
  g_autofree char *with_open =
    g_strconcat ("<validate xmlns='http://jabber.org/protocol/xdata-validate' "
                 "datatype='xs:string'><open/></validate>", options, NULL);
  g_autofree char *basic =
    g_strconcat ("<validate xmlns='http://jabber.org/protocol/xdata-validate' "
                 "datatype='xs:string'><basic/></validate>", options, NULL);

  check_cases ("list-single", options, closed, G_N_ELEMENTS (closed));
  check_cases ("list-single", basic, closed, G_N_ELEMENTS (closed));
  check_cases ("list-multi", options, closed, G_N_ELEMENTS (closed));
  check_cases ("list-single", with_open, open, G_N_ELEMENTS (open));
  check_cases ("list-multi", with_open, open, G_N_ELEMENTS (open));
}

static void
test_unsendable_characters (void)
{
  g_autoptr(EnlistDataForm) form = one_field_form ("text-private", "");
  EnlistFormField *field = enlist_data_form_lookup_field (form, "f");

  g_assert_true (field_accepts (field, "tab\tand newline\nare fine, ünïcödé too"));
  g_assert_false (field_accepts (field, "bell\a"));
  g_assert_false (field_accepts (field, "nul\x01"));
  g_assert_false (field_accepts (field, "\xef\xbf\xbe"));
  g_assert_false (field_accepts (field, "\xff\xfe"));
}

static void
test_jid_syntax (void)
{
  g_autofree char *local_1023 = g_strnfill (1023, 'l');
  g_autofree char *local_1024 = g_strnfill (1024, 'l');
  g_autofree char *ok_long = g_strconcat (local_1023, "@example.org", NULL);
  g_autofree char *too_long = g_strconcat (local_1024, "@example.org", NULL);
  Case cases[] = {
    { "juliet@example.com", TRUE }, { "example.com", TRUE },
    { "juliet@example.com/balcony", TRUE }, { "juliet@example.com/a b/c@d", TRUE },
    { "juliet@example.com.", TRUE }, { "[::1]", TRUE }, { "jüliet@exämple.com", TRUE },
    { "@example.com", FALSE }, { "juliet@", FALSE }, { "jul iet@example.com", FALSE },
    { "jul\"iet@example.com", FALSE }, { "a&b@example.com", FALSE }, { "a'b@example.com", FALSE },
    { "a:b@example.com", FALSE }, { "a<b@example.com", FALSE }, { "a>b@example.com", FALSE },
    { "a@b@example.com", FALSE }, { "example.com/", FALSE }, { "juliet@example.com/", FALSE },
    { "example..com", FALSE }, { ".example.com", FALSE }, { "exa mple.com", FALSE },
    { "/resource", FALSE },
    { ok_long, TRUE }, { too_long, FALSE },
  };

  check_cases ("jid-single", "", cases, G_N_ELEMENTS (cases));
  check_cases ("jid-multi", "", cases, G_N_ELEMENTS (cases));
}

/* A secret's values stay behind the C getter: the property, which copies
 * into a GValue (freed unwiped), gives an empty vector. */
static void
test_secret_values (void)
{
  g_autoptr(EnlistDataForm) form = enlist_test_form_from_string_ok (PROSODY_REGISTER_FORM);
  EnlistFormField *password = enlist_data_form_lookup_field (form, "password");
  EnlistFormField *username = enlist_data_form_lookup_field (form, "username");
  g_auto(GStrv) secret = NULL;
  g_auto(GStrv) plain = NULL;
  guint count = 0;

  g_assert_true (enlist_form_field_is_secret (password));
  g_assert_false (enlist_form_field_is_secret (username));
  g_signal_connect (password, "notify", G_CALLBACK (count_notify), &count);

  enlist_form_field_set_value (password, "s3cret");
  enlist_form_field_set_value (username, "alice");
  /* Changes are still announced, and the C getter still has the value. */
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpstr (enlist_form_field_get_value (password), ==, "s3cret");
  g_assert_cmpuint (g_strv_length ((char **) enlist_form_field_get_values (password)), ==, 1);

  g_object_get (password, "values", &secret, NULL);
  g_assert_nonnull (secret);
  g_assert_cmpuint (g_strv_length (secret), ==, 0);
  g_object_get (username, "values", &plain, NULL);
  g_assert_cmpuint (g_strv_length (plain), ==, 1);
  g_assert_cmpstr (plain[0], ==, "alice");

  /* Setting through the property still works, and still reads back empty. */
  g_clear_pointer (&secret, g_strfreev);
  g_object_set (password, "values", (const char * const []) { "other", NULL }, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpstr (enlist_form_field_get_value (password), ==, "other");
  g_object_get (password, "values", &secret, NULL);
  g_assert_cmpuint (g_strv_length (secret), ==, 0);

  g_signal_handlers_disconnect_by_func (password, count_notify, &count);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/form-field/types", test_field_types);
  g_test_add_func ("/form-field/notify", test_notify);
  g_test_add_func ("/form-field/secret-values", test_secret_values);
  g_test_add_func ("/form-field/xep0122/integers", test_xep0122_integers);
  g_test_add_func ("/form-field/xep0122/other-datatypes", test_xep0122_other_datatypes);
  g_test_add_func ("/form-field/xep0122/range", test_xep0122_range);
  g_test_add_func ("/form-field/xep0122/regex", test_xep0122_regex);
  g_test_add_func ("/form-field/xep0122/regex-catastrophic", test_xep0122_regex_catastrophic);
  g_test_add_func ("/form-field/xep0122/list-range", test_xep0122_list_range);
  g_test_add_func ("/form-field/xep0122/open", test_xep0122_open);
  g_test_add_func ("/form-field/validate/unsendable", test_unsendable_characters);
  g_test_add_func ("/form-field/validate/jid", test_jid_syntax);

  return g_test_run ();
}
