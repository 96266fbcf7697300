/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-providers.c: the public provider list and its parser — the bundled
 * file, what a hostile document gets, search order, demo providers. The
 * refresh over HTTPS and the cached copy are in test-providers-download.c. */
#define G_LOG_DOMAIN "test-providers"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "enlist-error.h"
#include "enlist-resources.h"
#include "enlist-test-providers.h"
#include "enlist-test-utils.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static EnlistProviderList *
list_from_string (const char *text)
{
  EnlistProviderList *list = enlist_provider_list_new ();
  g_autoptr(GBytes) bytes = bytes_from_string (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (enlist_provider_list_load_bytes (list, bytes, &error));
  g_assert_no_error (error);
  return list;
}

/* ---------------------------------------------------------------------- */
/* The bundled list                                                        */

static void
test_bundled (void)
{
  g_autoptr(EnlistProviderList) list = enlist_provider_list_new ();
  g_autofree char *source_path = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GBytes) resource = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize source_len = 0;
  guint listed, n, in_band = 0, web_only = 0;
  EnlistProvider *provider;

  /* the resource is the file in data/, byte for byte */
  source_path = g_test_build_filename (G_TEST_DIST, "..", "data", "providers.json", NULL);
  g_assert_true (g_file_get_contents (source_path, &source, &source_len, &error));
  g_assert_no_error (error);
  resource = g_resources_lookup_data (ENLIST_PROVIDER_LIST_RESOURCE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (resource, NULL), g_bytes_get_size (resource),
                   source, source_len);

  g_assert_true (json_parser_load_from_data (parser, source, source_len, &error));
  g_assert_no_error (error);
  listed = json_array_get_length (json_node_get_array (json_parser_get_root (parser)));
  g_assert_cmpuint (listed, >=, 15);
  g_assert_cmpuint (listed, <=, 30);

  g_assert_true (enlist_provider_list_load_bundled (list, &error));
  g_assert_no_error (error);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  /* every entry is valid: none was left out */
  g_assert_cmpuint (n, ==, listed);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == ENLIST_TYPE_PROVIDER);

  for (guint i = 0; i < n; i++)
    {
      const char * const *countries;

      provider = enlist_test_provider_at (G_LIST_MODEL (list), i);
      g_assert_nonnull (enlist_provider_get_domain (provider));
      g_assert_true (g_str_has_prefix (enlist_provider_get_website (provider), "https://"));
      countries = enlist_provider_get_countries (provider);
      g_assert_nonnull (countries[0]);
      for (guint c = 0; countries[c] != NULL; c++)
        g_assert_true (strlen (countries[c]) == 2 && g_ascii_isupper (countries[c][0])
                       && g_ascii_isupper (countries[c][1]));
      g_assert_nonnull (enlist_provider_get_since (provider));
      g_assert_false (enlist_provider_get_is_demo (provider));
      if (enlist_provider_get_in_band_registration (provider))
        in_band++;
      else
        {
          g_assert_true (enlist_provider_get_web_only (provider));
          g_assert_true (g_str_has_prefix (enlist_provider_get_registration_web_page (provider),
                                           "https://"));
          web_only++;
        }
    }
  /* both kinds are suggested */
  g_assert_cmpuint (in_band, >, 0);
  g_assert_cmpuint (web_only, >, 0);

  provider = enlist_provider_list_lookup (list, "yax.im");
  g_assert_nonnull (provider);
  g_assert_true (enlist_provider_get_in_band_registration (provider));
  g_assert_cmpstr (enlist_provider_get_countries (provider)[0], ==, "DE");
  provider = enlist_provider_list_lookup (list, "Disroot.org");
  g_assert_nonnull (provider);
  g_assert_true (enlist_provider_get_web_only (provider));
  g_assert_cmpstr (enlist_provider_get_registration_web_page (provider), ==,
                   "https://user.disroot.org");
  g_assert_cmpstr (enlist_provider_get_countries (provider)[0], ==, "NL");

  enlist_test_finalize (g_steal_pointer (&list));
}

/* ---------------------------------------------------------------------- */
/* Entries                                                                 */

static const char FULL_ENTRY[] =
  "[{\"jid\": \"Chat.Example.ORG\","
  "  \"category\": \"A\", \"unknownField\": {\"nested\": [1, 2, {\"x\": null}]},"
  "  \"website\": {\"fr\": \"https://example.org/fr\", \"en\": \"https://example.org/en\","
  "               \"pt-BR\": \"https://example.org/pt\"},"
  "  \"passwordReset\": {\"en\": \"https://example.org/reset\"},"
  "  \"registrationWebPage\": {\"en\": \"https://example.org/join\","
  "                           \"de\": \"https://example.org/beitreten\"},"
  "  \"inBandRegistration\": true,"
  "  \"inBandRegistrationCaptchaRequired\": true,"
  "  \"inBandRegistrationEmailAddressRequired\": false,"
  "  \"inBandRegistrationInvitationRequired\": true,"
  "  \"serverLocations\": [\"de\", \"Se\"],"
  "  \"since\": \"2004-11-30\", \"latestChange\": \"2026-01-02\"},"
  " {\"jid\": \"web.example\", \"inBandRegistration\": false,"
  "  \"registrationWebPage\": {\"fr\": \"https://web.example/inscription\","
  "                           \"es\": \"https://web.example/registro\"},"
  "  \"passwordReset\": {}, \"website\": null}]";

static void
test_entry_fields (void)
{
  g_autoptr(EnlistProviderList) list = NULL;
  g_autoptr(GStrvBuilder) countries = g_strv_builder_new ();
  g_auto(GStrv) expected_countries = NULL;
  g_autoptr(GStrvBuilder) no_countries = g_strv_builder_new ();
  g_auto(GStrv) none = NULL;
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *domain = NULL;
  g_autofree char *label = NULL;
  guint port = 0;
  gboolean is_demo = TRUE;
  EnlistProvider *provider;

  g_setenv ("LANGUAGE", "sv", TRUE);   /* none of the variants: English, or the first */
  list = list_from_string (FULL_ENTRY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  provider = enlist_test_provider_at (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (enlist_provider_get_domain (provider), ==, "chat.example.org");
  g_assert_cmpstr (enlist_provider_get_website (provider), ==, "https://example.org/en");
  g_assert_cmpstr (enlist_provider_get_registration_web_page (provider), ==,
                   "https://example.org/join");
  g_assert_cmpstr (enlist_provider_get_password_reset (provider), ==, "https://example.org/reset");
  g_assert_true (enlist_provider_get_in_band_registration (provider));
  g_assert_false (enlist_provider_get_web_only (provider));
  g_assert_true (enlist_provider_get_needs_captcha (provider));
  g_assert_false (enlist_provider_get_needs_email (provider));
  g_assert_true (enlist_provider_get_needs_invitation (provider));
  g_strv_builder_add_many (countries, "DE", "SE", NULL);
  expected_countries = g_strv_builder_end (countries);
  g_assert_cmpstrv (enlist_provider_get_countries (provider), expected_countries);
  g_assert_cmpstr (enlist_provider_get_since (provider), ==, "2004-11-30");
  g_assert_null (enlist_provider_get_host (provider));
  g_assert_cmpuint (enlist_provider_get_port (provider), ==, 0);

  /* the same through properties, as a list row would bind them */
  g_object_get (provider, "domain", &domain, "port", &port, "is-demo", &is_demo, "label", &label,
                NULL);
  g_assert_cmpstr (domain, ==, "chat.example.org");
  g_assert_cmpuint (port, ==, 0);
  g_assert_false (is_demo);
  g_assert_null (label);

  provider = enlist_test_provider_at (G_LIST_MODEL (list), 1);
  g_assert_cmpstr (enlist_provider_get_domain (provider), ==, "web.example");
  g_assert_true (enlist_provider_get_web_only (provider));
  /* no English variant: the first listed */
  g_assert_cmpstr (enlist_provider_get_registration_web_page (provider), ==,
                   "https://web.example/inscription");
  g_assert_null (enlist_provider_get_password_reset (provider));
  g_assert_null (enlist_provider_get_website (provider));
  g_assert_null (enlist_provider_get_since (provider));
  none = g_strv_builder_end (no_countries);
  g_assert_cmpstrv (enlist_provider_get_countries (provider), none);
  g_clear_object (&list);

  /* the user's language first: "de_AT" finds "de", "pt" finds "pt-BR" */
  g_setenv ("LANGUAGE", "de_AT:fr", TRUE);
  list = list_from_string (FULL_ENTRY);
  provider = enlist_test_provider_at (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (enlist_provider_get_website (provider), ==, "https://example.org/fr");
  g_assert_cmpstr (enlist_provider_get_registration_web_page (provider), ==,
                   "https://example.org/beitreten");
  g_clear_object (&list);

  g_setenv ("LANGUAGE", "pt", TRUE);
  list = list_from_string (FULL_ENTRY);
  g_assert_cmpstr (enlist_provider_get_website (enlist_test_provider_at (G_LIST_MODEL (list), 0)),
                   ==, "https://example.org/pt");

  if (old_language != NULL)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

static const char GOOD_ENTRY[] =
  "{\"jid\": \"good.example\", \"inBandRegistration\": true}";

/* Each of these is left out on its own, next to a good entry. */
static const char * const bad_entries[] = {
  /* not an object, no jid, jid of the wrong type */
  "\"good2.example\"",
  "[]",
  "{\"inBandRegistration\": true}",
  "{\"jid\": 42, \"inBandRegistration\": true}",
  "{\"jid\": [\"a.example\"], \"inBandRegistration\": true}",
  /* domains */
  "{\"jid\": \"\", \"inBandRegistration\": true}",
  "{\"jid\": \"has space.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"slash.example/res\", \"inBandRegistration\": true}",
  "{\"jid\": \"user@at.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"localhost\", \"inBandRegistration\": true}",
  "{\"jid\": \"trailing.example.\", \"inBandRegistration\": true}",
  "{\"jid\": \".leading.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"double..dot.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"-hyphen.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"hyphen-.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"under_score.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"192.168.1.10\", \"inBandRegistration\": true}",
  "{\"jid\": \"[::1]\", \"inBandRegistration\": true}",
  "{\"jid\": \"tab\\t.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"nul\\u0000.example\", \"inBandRegistration\": true}",
  "{\"jid\": \"b\\u00fccher\\u3002example\", \"inBandRegistration\": true}",
  "{\"jid\": \"emoji\\ud83d\\ude00.example\", \"inBandRegistration\": true}",
  /* wrong types */
  "{\"jid\": \"t1.example\", \"inBandRegistration\": \"yes\"}",
  "{\"jid\": \"t2.example\", \"inBandRegistration\": 1}",
  "{\"jid\": \"t3.example\", \"inBandRegistration\": true, \"website\": \"https://t3.example\"}",
  "{\"jid\": \"t4.example\", \"inBandRegistration\": true, \"website\": [\"https://t4.example\"]}",
  "{\"jid\": \"t5.example\", \"inBandRegistration\": true, \"website\": {\"en\": 5}}",
  "{\"jid\": \"t6.example\", \"inBandRegistration\": true, \"serverLocations\": \"de\"}",
  "{\"jid\": \"t7.example\", \"inBandRegistration\": true, \"serverLocations\": [\"deu\"]}",
  "{\"jid\": \"t8.example\", \"inBandRegistration\": true, \"serverLocations\": [1]}",
  "{\"jid\": \"t9.example\", \"inBandRegistration\": true, \"serverLocations\": [\"d1\"]}",
  "{\"jid\": \"t10.example\", \"inBandRegistration\": true,"
  " \"inBandRegistrationCaptchaRequired\": \"false\"}",
  "{\"jid\": \"t11.example\", \"inBandRegistration\": true, \"since\": 2020}",
  "{\"jid\": \"t12.example\", \"inBandRegistration\": true, \"since\": \"2021-02-30\"}",
  "{\"jid\": \"t13.example\", \"inBandRegistration\": true, \"since\": \"21-02-03\"}",
  "{\"jid\": \"t14.example\", \"inBandRegistration\": true, \"latestChange\": \"2021-1-03\"}",
  "{\"jid\": \"t15.example\", \"inBandRegistration\": true,"
  " \"website\": {\"\": \"https://x.example\"}}",
  "{\"jid\": \"t16.example\", \"inBandRegistration\": true,"
  " \"website\": {\"<script>\": \"https://x.example\"}}",
  /* addresses */
  "{\"jid\": \"u1.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"javascript:alert(1)\"}}",
  "{\"jid\": \"u2.example\", \"inBandRegistration\": false,"
  " \"registrationWebPage\": {\"en\": \"JavaScript:alert(document.cookie)\"}}",
  "{\"jid\": \"u3.example\", \"inBandRegistration\": true,"
  " \"passwordReset\": {\"en\": \"data:text/html,<b>hi</b>\"}}",
  "{\"jid\": \"u4.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"file:///etc/passwd\"}}",
  "{\"jid\": \"u5.example\", \"inBandRegistration\": true, \"website\": {\"en\": \"https://\"}}",
  "{\"jid\": \"u6.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"https://u6.example/a b\"}}",
  "{\"jid\": \"u7.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"https://user:pw@u7.example\"}}",
  "{\"jid\": \"u8.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"https://u8.example/\\u202e\"}}",
  "{\"jid\": \"u9.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"https://u9.example/\\n\"}}",
  "{\"jid\": \"u10.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"//u10.example\"}}",
  /* one bad variant spoils the entry */
  "{\"jid\": \"u11.example\", \"inBandRegistration\": true,"
  " \"website\": {\"en\": \"https://u11.example\", \"de\": \"ftp://u11.example\"}}",
  /* no way to register */
  "{\"jid\": \"closed.example\"}",
  "{\"jid\": \"closed2.example\", \"inBandRegistration\": false, \"registrationWebPage\": {}}",
  /* listed twice */
  "{\"jid\": \"GOOD.example\", \"inBandRegistration\": false,"
  " \"registrationWebPage\": {\"en\": \"https://good.example\"}}",
};

static void
test_entry_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_entries); i++)
    {
      g_autofree char *document = g_strdup_printf ("[%s, %s]", GOOD_ENTRY, bad_entries[i]);
      g_autoptr(EnlistProviderList) list = NULL;
      EnlistProvider *good;

      g_test_message ("entry %u: %s", i, bad_entries[i]);
      list = list_from_string (document);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
      g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, "good.example");
      /* the good one keeps what it said */
      good = enlist_test_provider_at (G_LIST_MODEL (list), 0);
      g_assert_true (enlist_provider_get_in_band_registration (good));
    }
}

static void
test_entry_limits (void)
{
  g_autoptr(GString) label63 = g_string_new (NULL);
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GString) long_url = g_string_new ("https://x.example/");
  g_autoptr(GString) many_countries = g_string_new ("[");
  g_autofree char *document = NULL;
  g_autoptr(EnlistProviderList) list = NULL;
  EnlistProvider *url;

  g_string_append (label63, "a");
  while (label63->len < 63)
    g_string_append_c (label63, 'b');
  /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 bytes: the longest name */
  g_string_append_printf (long_name, "%s.%s.%s.", label63->str, label63->str, label63->str);
  while (long_name->len < 253)
    g_string_append_c (long_name, 'c');
  while (long_url->len < ENLIST_PROVIDER_LIST_MAX_URL_LEN)
    g_string_append_c (long_url, 'u');
  for (guint i = 0; i <= ENLIST_PROVIDER_LIST_MAX_VARIANTS; i++)
    g_string_append_printf (many_countries, "%s\"de\"", i == 0 ? "" : ",");
  g_string_append (many_countries, "]");

  document = g_strdup_printf (
    "[{\"jid\": \"%s\", \"inBandRegistration\": true},"       /* 253 bytes: taken */
    " {\"jid\": \"%sc\", \"inBandRegistration\": true},"      /* 254 */
    " {\"jid\": \"%sb.example\", \"inBandRegistration\": true}," /* a 64-byte label */
    " {\"jid\": \"%s.example\", \"inBandRegistration\": true},"  /* 63: taken */
    " {\"jid\": \"url.example\", \"inBandRegistration\": true, \"website\": {\"en\": \"%s\"}},"
    " {\"jid\": \"url2.example\", \"inBandRegistration\": true, \"website\": {\"en\": \"%su\"}},"
    " {\"jid\": \"where.example\", \"inBandRegistration\": true, \"serverLocations\": %s},"
    " {\"jid\": \"b\\u00fccher.example\", \"inBandRegistration\": true},"
    " {\"jid\": \"xn--bcher-kva.example\", \"inBandRegistration\": true}]",
    long_name->str, long_name->str, label63->str, label63->str, long_url->str, long_url->str,
    many_countries->str);

  list = list_from_string (document);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, long_name->str);
  g_assert_cmpuint (strlen (enlist_test_domain_at (list, 1)), ==, 63 + strlen (".example"));
  g_assert_cmpstr (enlist_test_domain_at (list, 2), ==, "url.example");
  url = enlist_test_provider_at (G_LIST_MODEL (list), 2);
  g_assert_cmpuint (strlen (enlist_provider_get_website (url)), ==,
                    ENLIST_PROVIDER_LIST_MAX_URL_LEN);
  /* an internationalized name, and its ASCII form, are different domains here */
  g_assert_cmpstr (enlist_test_domain_at (list, 3), ==, "b\xc3\xbc" "cher.example");
  g_assert_cmpstr (enlist_test_domain_at (list, 4), ==, "xn--bcher-kva.example");
}

/* ---------------------------------------------------------------------- */
/* Documents                                                               */

static void
assert_refused (EnlistProviderList *list,
                GBytes             *bytes,
                int                 code)
{
  g_autoptr(GError) error = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autofree char *first = g_strdup (enlist_test_domain_at (list, 0));

  g_assert_false (enlist_provider_list_load_bytes (list, bytes, &error));
  g_assert_error (error, ENLIST_ERROR, code);
  g_test_message ("%s", error->message);
  /* the list is as it was */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, first);
}

static void
assert_refused_text (EnlistProviderList *list,
                     const char         *text,
                     int                 code)
{
  g_autoptr(GBytes) bytes = bytes_from_string (text);

  assert_refused (list, bytes, code);
}

static void
test_document_hostile (void)
{
  g_autoptr(EnlistProviderList) list = list_from_string ("[{\"jid\": \"kept.example\","
                                                         " \"inBandRegistration\": true}]");
  g_autofree char *many = enlist_test_make_document (10000, "p", "2026-01-01");
  g_autofree char *at_limit = enlist_test_make_document (ENLIST_PROVIDER_LIST_MAX_PROVIDERS, "p",
                                                         "2026-01-01");
  g_autoptr(GString) oversized = g_string_new ("[{\"jid\": \"big.example\", "
                                               "\"inBandRegistration\": true}");
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) deepest_allowed = g_string_new ("[");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  static const char with_nul[] = "[{\"jid\": \"nul.example\", \"inBandRegistration\": true}]\0 ";
  static const char not_utf8[] = "[{\"jid\": \"bad\xff.example\", \"inBandRegistration\": true}]";

  /* over the size limit, however valid */
  while (oversized->len <= ENLIST_PROVIDER_LIST_MAX_BYTES)
    g_string_append (oversized, ",{\"jid\": \"pad.example\", \"inBandRegistration\": true}");
  g_string_append (oversized, "]");
  assert_refused_text (list, oversized->str, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* nesting that would take json-glib's recursion down with it */
  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, '[');
  assert_refused_text (list, deep->str, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_string_truncate (deep, 0);
  g_string_append (deep, "[{\"jid\": \"deep.example\", \"inBandRegistration\": true, \"x\": ");
  for (guint i = 0; i < ENLIST_PROVIDER_LIST_MAX_DEPTH - 1; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < ENLIST_PROVIDER_LIST_MAX_DEPTH - 1; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}]");
  assert_refused_text (list, deep->str, ENLIST_ERROR_LIMIT_EXCEEDED);
  /* brackets inside strings do not count */
  g_string_append (deepest_allowed, "{\"jid\": \"deep.example\", \"inBandRegistration\": true, "
                   "\"x\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\", \"y\": ");
  for (guint i = 0; i < ENLIST_PROVIDER_LIST_MAX_DEPTH - 2; i++)
    g_string_append_c (deepest_allowed, '[');
  for (guint i = 0; i < ENLIST_PROVIDER_LIST_MAX_DEPTH - 2; i++)
    g_string_append_c (deepest_allowed, ']');
  g_string_append (deepest_allowed, "}]");
  bytes = bytes_from_string (deepest_allowed->str);
  g_assert_true (enlist_provider_list_load_bytes (list, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enlist_test_domain_at (list, 0), ==, "deep.example");
  g_clear_pointer (&bytes, g_bytes_unref);

  /* too many entries: refused whole; exactly the limit is taken */
  assert_refused_text (list, many, ENLIST_ERROR_LIMIT_EXCEEDED);
  bytes = bytes_from_string (at_limit);
  g_assert_true (enlist_provider_list_load_bytes (list, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    ENLIST_PROVIDER_LIST_MAX_PROVIDERS);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* not a list of providers */
  assert_refused_text (list, "", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "not json", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "[{\"jid\": \"cut.example\", \"inBandReg", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "{\"providers\": []}", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "\"yax.im\"", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "null", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "[]", ENLIST_ERROR_PROTOCOL);
  assert_refused_text (list, "[1, \"a\", null, {\"jid\": \"closed.example\"}]",
                       ENLIST_ERROR_PROTOCOL);
  bytes = g_bytes_new_static (with_nul, sizeof with_nul - 1);
  assert_refused (list, bytes, ENLIST_ERROR_PROTOCOL);
  g_clear_pointer (&bytes, g_bytes_unref);
  assert_refused_text (list, not_utf8, ENLIST_ERROR_PROTOCOL);
}

/* ---------------------------------------------------------------------- */
/* Search                                                                  */

static const char SEARCH_DOCUMENT[] =
  "["
  "{\"jid\": \"myjabber.example\", \"inBandRegistration\": true},"
  "{\"jid\": \"jabweb.example\", \"inBandRegistration\": false,"
  " \"registrationWebPage\": {\"en\": \"https://jabweb.example\"}},"
  "{\"jid\": \"jabber-captcha.example\", \"inBandRegistration\": true,"
  " \"inBandRegistrationCaptchaRequired\": true},"
  "{\"jid\": \"chat.jabber.example\", \"inBandRegistration\": true},"
  "{\"jid\": \"jab.example\", \"inBandRegistration\": false,"
  " \"registrationWebPage\": {\"en\": \"https://jab.example\"}},"
  "{\"jid\": \"jabber.example\", \"inBandRegistration\": true},"
  "{\"jid\": \"hot-jabber.example\", \"inBandRegistration\": false,"
  " \"registrationWebPage\": {\"en\": \"https://hot-jabber.example\"}},"
  "{\"jid\": \"b\\u00fccher.example\", \"inBandRegistration\": true},"
  "{\"jid\": \"other.example\", \"inBandRegistration\": true}"
  "]";

static void
assert_search (EnlistProviderList *list,
               const char         *text,
               guint               max_results,
               ...)
{
  g_autoptr(GListModel) results = enlist_provider_list_search (list, text, max_results);
  va_list args;
  guint n = 0;

  g_assert_true (g_list_model_get_item_type (results) == ENLIST_TYPE_PROVIDER);
  va_start (args, max_results);
  for (const char *expected = va_arg (args, const char *); expected != NULL;
       expected = va_arg (args, const char *))
    {
      g_assert_cmpuint (n, <, g_list_model_get_n_items (results));
      g_assert_cmpstr (enlist_test_domain_at (results, n), ==, expected);
      n++;
    }
  va_end (args);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, n);
}

static void
test_search (void)
{
  g_autoptr(EnlistProviderList) list = list_from_string (SEARCH_DOCUMENT);

  /* prefix matches before label matches before the rest; within each, in-band
   * first, then fewer requirements, then shorter */
  assert_search (list, "jab", 0,
                 "jabber.example",          /* prefix, in-band */
                 "jabber-captcha.example",  /* prefix, in-band, CAPTCHA */
                 "jab.example",             /* prefix, web-only, shorter */
                 "jabweb.example",          /* prefix, web-only */
                 "chat.jabber.example",     /* label, in-band */
                 "hot-jabber.example",      /* label, web-only */
                 "myjabber.example",        /* inside a label */
                 NULL);
  /* an exact match first of all, even web-only */
  assert_search (list, "jab.example", 0, "jab.example", NULL);
  assert_search (list, "jabber.example", 0,
                 "jabber.example", "chat.jabber.example", "hot-jabber.example",
                 "myjabber.example", NULL);
  /* case, spaces and a typed user name do not matter */
  assert_search (list, "  JABB ", 0,
                 "jabber.example", "jabber-captcha.example", "chat.jabber.example",
                 "hot-jabber.example", "myjabber.example", NULL);
  assert_search (list, "alice@Jabber-", 0, "jabber-captcha.example", NULL);
  assert_search (list, "B\xc3\x9c" "CH", 0, "b\xc3\xbc" "cher.example", NULL);
  assert_search (list, "jab", 2, "jabber.example", "jabber-captcha.example", NULL);
  assert_search (list, "nothing", 0, NULL);
  assert_search (list, "\xff", 0, NULL);
  /* empty: everything, in-band and fewer requirements first, then shorter */
  assert_search (list, "", 3, "other.example", "jabber.example", "b\xc3\xbc" "cher.example",
                 NULL);
}

/* ---------------------------------------------------------------------- */
/* Demo providers                                                          */

static void
test_demo (void)
{
  g_autoptr(EnlistProviderList) list = list_from_string (SEARCH_DOCUMENT);
  g_autoptr(EnlistProvider) prosody = NULL;
  g_autoptr(EnlistProvider) ejabberd = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GBytes) bytes = bytes_from_string ("[{\"jid\": \"new.example\","
                                               " \"inBandRegistration\": true}]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) results = NULL;

  g_assert_null (enlist_provider_new_demo ("not a domain", "127.0.0.1", 5222, FALSE, "x"));
  g_assert_null (enlist_provider_new_demo ("localhost", "127.0.0.1", 0, FALSE, "x"));
  g_assert_null (enlist_provider_new_demo ("localhost", "no host/", 5222, FALSE, "x"));

  prosody = enlist_provider_new_demo ("localhost", "127.0.0.1", 15222, FALSE, "Prosody (demo)");
  ejabberd = enlist_provider_new_demo ("LocalHost", "::1", 15223, TRUE, "ejabberd (demo)");
  g_assert_nonnull (prosody);
  g_assert_nonnull (ejabberd);
  g_assert_true (enlist_provider_get_is_demo (ejabberd));
  g_assert_cmpstr (enlist_provider_get_domain (ejabberd), ==, "localhost");
  g_assert_cmpstr (enlist_provider_get_host (ejabberd), ==, "::1");
  g_assert_cmpuint (enlist_provider_get_port (ejabberd), ==, 15223);
  g_assert_true (enlist_provider_get_direct_tls (ejabberd));
  g_assert_false (enlist_provider_get_direct_tls (prosody));
  g_assert_cmpstr (enlist_provider_get_label (ejabberd), ==, "ejabberd (demo)");
  g_assert_true (enlist_provider_get_in_band_registration (ejabberd));

  g_signal_connect (list, "items-changed", G_CALLBACK (enlist_test_log_items_changed), log);
  enlist_provider_list_add_demo (list, prosody);
  enlist_provider_list_add_demo (list, ejabberd);
  g_assert_cmpstr (log->str, ==, "0-0+1;1-0+1;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 11);
  g_assert_true (enlist_test_provider_at (G_LIST_MODEL (list), 0) == prosody);
  g_assert_true (enlist_test_provider_at (G_LIST_MODEL (list), 1) == ejabberd);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 11));

  /* first in every search they match, in the order added */
  results = enlist_provider_list_search (list, "", 0);
  g_assert_true (enlist_test_provider_at (results, 0) == prosody);
  g_assert_true (enlist_test_provider_at (results, 1) == ejabberd);
  g_clear_object (&results);
  results = enlist_provider_list_search (list, "o", 0);
  g_assert_true (enlist_test_provider_at (results, 0) == prosody);
  g_assert_true (enlist_test_provider_at (results, 1) == ejabberd);
  g_assert_cmpstr (enlist_test_domain_at (results, 2), ==, "other.example");
  g_clear_object (&results);
  assert_search (list, "jabber.example", 0,
                 "jabber.example", "chat.jabber.example", "hot-jabber.example",
                 "myjabber.example", NULL);
  g_assert_true (enlist_provider_list_lookup (list, "LOCALHOST") == prosody);

  /* they stay when the rest is replaced */
  g_string_truncate (log, 0);
  g_assert_true (enlist_provider_list_load_bytes (list, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "2-9+1;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_true (enlist_test_provider_at (G_LIST_MODEL (list), 0) == prosody);
  g_assert_cmpstr (enlist_test_domain_at (list, 2), ==, "new.example");
  g_assert_null (enlist_provider_list_lookup (list, "jabber.example"));
  g_assert_nonnull (enlist_provider_list_lookup (list, "new.example"));
  g_assert_null (enlist_provider_list_lookup (list, "not a domain"));

  g_signal_handlers_disconnect_by_data (list, log);
  enlist_test_finalize (g_steal_pointer (&list));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  enlist_register_resource ();

  g_test_add_func ("/providers/bundled", test_bundled);
  g_test_add_func ("/providers/entry/fields", test_entry_fields);
  g_test_add_func ("/providers/entry/invalid", test_entry_invalid);
  g_test_add_func ("/providers/entry/limits", test_entry_limits);
  g_test_add_func ("/providers/document/hostile", test_document_hostile);
  g_test_add_func ("/providers/search", test_search);
  g_test_add_func ("/providers/demo", test_demo);

  return g_test_run ();
}
