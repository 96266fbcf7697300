/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-output.c: what enlist-cli prints (enlist-cli-output.h): server
 * text neutralised before it reaches a terminal, the JSON error objects,
 * and the exit status of every error Enlist reports. */
#define G_LOG_DOMAIN "test-cli-output"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "enlist-cli.h"
#include "enlist-cli-output.h"
#include "enlist-error.h"

/* What `openssl x509 -noout -fingerprint -sha256` says of the fixture. */
#define FAKE_SERVER_SHA256 \
  "80:FB:11:2B:AE:F5:FF:03:AB:B4:D1:37:A2:41:DC:3B:DD:FA:31:51:33:C7:EC:68:3F:20:36:0B:47:E9:52:DF"

static void
test_format_safe (void)
{
  static const struct
  {
    const char *prefix;
    const char *text;
    const char *expected;
  } cases[] = {
    { "Server: ", "example.org", "Server: example.org\n" },
    /* nothing to say: nothing printed */
    { "Title: ", NULL, "" },
    { "Title: ", "", "" },
    /* a terminal escape sequence loses its ESC */
    { "", "\033[31mred\033[0m", "\\u{001B}[31mred\\u{001B}[0m\n" },
    /* a right-to-left override cannot reverse what follows */
    { "> ", "abc\u202Etxt.exe", "> abc\\u{202E}txt.exe\n" },
    /* every line neutralised, the following ones indented */
    { "E: ", "one\ntwo\rthree\nfour", "E: one\n  two\\u{000D}three\n  four\n" },
    /* invalid UTF-8 is replaced */
    { "", "bad \xff byte", "bad \xef\xbf\xbd byte\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlist_cli_format_safe (cases[i].prefix, cases[i].text);

      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

/* The exit status of every code of ENLIST_ERROR (the table must name each
 * one: a new code fails here until it has its status). */
static void
test_exit_codes (void)
{
  static const struct
  {
    EnlistError code;
    int         status;
  } table[] = {
    { ENLIST_ERROR_FAILED, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_PROTOCOL, ENLIST_EXIT_PROTOCOL },
    { ENLIST_ERROR_LIMIT_EXCEEDED, ENLIST_EXIT_PROTOCOL },
    { ENLIST_ERROR_TIMEOUT, ENLIST_EXIT_PROTOCOL },
    { ENLIST_ERROR_CONNECTION_CLOSED, ENLIST_EXIT_CONNECTION },
    { ENLIST_ERROR_DNS, ENLIST_EXIT_CONNECTION },
    { ENLIST_ERROR_CONNECT, ENLIST_EXIT_CONNECTION },
    { ENLIST_ERROR_STREAM, ENLIST_EXIT_REFUSED },
    { ENLIST_ERROR_TLS_UNAVAILABLE, ENLIST_EXIT_TLS },
    { ENLIST_ERROR_TLS_FAILED, ENLIST_EXIT_TLS },
    { ENLIST_ERROR_CERTIFICATE, ENLIST_EXIT_TLS },
    { ENLIST_ERROR_AUTH_FAILED, ENLIST_EXIT_AUTH },
    { ENLIST_ERROR_AUTH_UNAVAILABLE, ENLIST_EXIT_AUTH },
    { ENLIST_ERROR_SASL, ENLIST_EXIT_AUTH },
    { ENLIST_ERROR_STANZA, ENLIST_EXIT_REFUSED },
    { ENLIST_ERROR_NOT_SUPPORTED, ENLIST_EXIT_REFUSED },
    { ENLIST_ERROR_ALREADY_REGISTERED, ENLIST_EXIT_REFUSED },
    { ENLIST_ERROR_WEB_ONLY, ENLIST_EXIT_REFUSED },
    /* without the server's condition: a fresh form, not a refusal */
    { ENLIST_ERROR_CAPTCHA_RENEWED, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_FORM_RENEWED, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_OUTCOME_UNKNOWN, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_INVALID_INVITE, ENLIST_EXIT_USAGE },
    { ENLIST_ERROR_INVALID_VALUE, ENLIST_EXIT_USAGE },
    { ENLIST_ERROR_MISSING_REQUIRED, ENLIST_EXIT_USAGE },
    { ENLIST_ERROR_MALFORMED_FORM, ENLIST_EXIT_PROTOCOL },
    { ENLIST_ERROR_INVALID_JID, ENLIST_EXIT_USAGE },
    { ENLIST_ERROR_KEYRING_UNAVAILABLE, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_KEYRING_LOCKED, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_NOT_FOUND, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_KEYRING_FAILED, ENLIST_EXIT_FAILED },
    { ENLIST_ERROR_ACCOUNT_FILE, ENLIST_EXIT_FAILED },
  };
  g_autoptr(GEnumClass) codes = g_type_class_ref (ENLIST_TYPE_ERROR);
  g_autoptr(GError) refusal = NULL;
  g_autoptr(GError) renewed = NULL;

  g_assert_cmpuint (codes->n_values, ==, G_N_ELEMENTS (table));
  for (guint i = 0; i < codes->n_values; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (table); j++)
        if ((int) table[j].code == codes->values[i].value)
          {
            g_autoptr(GError) error = g_error_new (ENLIST_ERROR, table[j].code, "x");

            g_test_message ("%s", codes->values[i].value_name);
            g_assert_cmpint (enlist_cli_exit_code_for_error (error), ==, table[j].status);
            found = TRUE;
          }
      g_assert_true (found);
    }

  /* a refusal that came with a fresh form */
  refusal = enlist_error_new_xmpp (ENLIST_ERROR_CAPTCHA_RENEWED, "not-acceptable", NULL, "x");
  g_assert_cmpint (enlist_cli_exit_code_for_error (refusal), ==, ENLIST_EXIT_REFUSED);
  renewed = enlist_error_new_xmpp (ENLIST_ERROR_FORM_RENEWED, "not-authorized", "more", "x");
  g_assert_cmpint (enlist_cli_exit_code_for_error (renewed), ==, ENLIST_EXIT_REFUSED);
}

static void
test_exit_codes_other_domains (void)
{
  static const struct
  {
    GQuark (*domain) (void);
    int     code;
    int     status;
  } table[] = {
    { g_io_error_quark, G_IO_ERROR_CANCELLED, ENLIST_EXIT_CANCELLED },
    { g_io_error_quark, G_IO_ERROR_FAILED, ENLIST_EXIT_FAILED },
    { g_io_error_quark, G_IO_ERROR_INVALID_DATA, ENLIST_EXIT_FAILED },
    { g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, ENLIST_EXIT_CONNECTION },
    { g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, ENLIST_EXIT_TLS },
    { g_option_error_quark, G_OPTION_ERROR_BAD_VALUE, ENLIST_EXIT_USAGE },
    { g_file_error_quark, G_FILE_ERROR_NOENT, ENLIST_EXIT_FAILED },
  };

  g_assert_cmpint (enlist_cli_exit_code_for_error (NULL), ==, ENLIST_EXIT_OK);
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = g_error_new (table[i].domain (), table[i].code, "x");

      g_assert_cmpint (enlist_cli_exit_code_for_error (error), ==, table[i].status);
    }
}

static void
test_exit_kinds (void)
{
  static const struct
  {
    int         status;
    const char *kind;
  } table[] = {
    { ENLIST_EXIT_FAILED, "failed" }, { ENLIST_EXIT_USAGE, "usage" },
    { ENLIST_EXIT_CONNECTION, "connection" }, { ENLIST_EXIT_TLS, "tls" },
    { ENLIST_EXIT_AUTH, "authentication" }, { ENLIST_EXIT_REFUSED, "refused" },
    { ENLIST_EXIT_PROTOCOL, "protocol" }, { ENLIST_EXIT_NOT_SAVED, "not-saved" },
    { ENLIST_EXIT_CANCELLED, "cancelled" }, { 99, "failed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpstr (enlist_cli_exit_kind (table[i].status), ==, table[i].kind);
}

/* Parses what enlist_cli_json_to_string printed. */
static JsonObject *
reparse (JsonNode    *root,
         JsonParser **parser)
{
  g_autofree char *text = enlist_cli_json_to_string (root);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_suffix (text, "}\n"));
  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (*parser));
}

static void
test_json_error (void)
{
  const char *server_text = "Name taken\033]0;owned\007 \u202Eevil";
  g_autoptr(GError) error = enlist_error_new_xmpp (ENLIST_ERROR_STANZA, "conflict", server_text,
                                                   "The name is taken.");
  const char *missing[] = { "username", "ocr", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) root2 = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *object, *member;
  JsonArray *names;

  root = enlist_cli_json_failure (error, NULL);
  object = reparse (root, &parser);
  g_assert_false (json_object_get_boolean_member (object, "ok"));
  g_assert_false (json_object_has_member (object, "missing"));
  member = json_object_get_object_member (object, "error");
  g_assert_cmpstr (json_object_get_string_member (member, "message"), ==, "The name is taken.");
  g_assert_cmpstr (json_object_get_string_member (member, "kind"), ==, "refused");
  g_assert_cmpint (json_object_get_int_member (member, "exit_code"), ==, ENLIST_EXIT_REFUSED);
  g_assert_cmpstr (json_object_get_string_member (member, "condition"), ==, "conflict");
  /* JSON carries the server's text as it was, escaped, for the program
   * that reads it */
  g_assert_cmpstr (json_object_get_string_member (member, "server_text"), ==, server_text);
  g_assert_false (json_object_has_member (member, "certificate"));

  root2 = enlist_cli_json_failure (error, missing);
  object = reparse (root2, &parser2);
  names = json_object_get_array_member (object, "missing");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, "username");
  g_assert_cmpstr (json_array_get_string_element (names, 1), ==, "ocr");
}

static void
test_json_certificate_error (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "fake-server.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *text = NULL;
  JsonObject *member, *described;

  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  error = enlist_error_new_certificate (certificate, G_TLS_CERTIFICATE_UNKNOWN_CA, "fake.test");

  root = enlist_cli_json_failure (error, NULL);
  member = json_object_get_object_member (reparse (root, &parser), "error");
  g_assert_cmpstr (json_object_get_string_member (member, "kind"), ==, "tls");
  g_assert_cmpint (json_object_get_int_member (member, "exit_code"), ==, ENLIST_EXIT_TLS);
  described = json_object_get_object_member (member, "certificate");
  g_assert_nonnull (described);
  g_assert_cmpstr (json_object_get_string_member (described, "sha256"), ==, FAKE_SERVER_SHA256);
  g_assert_nonnull (json_object_get_string_member (described, "subject"));
  g_assert_nonnull (json_object_get_string_member (described, "not_after"));
  g_assert_nonnull (json_object_get_string_member (member, "certificate_problems"));

  /* as text: how to trust it anyway */
  text = enlist_cli_format_error ("probe", error);
  g_assert_true (g_str_has_prefix (text, "enlist-cli probe: "));
  g_assert_nonnull (strstr (text, "--pin"));
}

static void
test_json_problem (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object, *member;

  json_builder_begin_object (builder);
  enlist_cli_json_add_string (builder, "jid", NULL);
  enlist_cli_json_add_problem (builder, "Saved nowhere.", ENLIST_EXIT_NOT_SAVED);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  object = reparse (root, &parser);
  g_assert_true (json_object_get_null_member (object, "jid"));
  member = json_object_get_object_member (object, "error");
  g_assert_cmpstr (json_object_get_string_member (member, "message"), ==, "Saved nowhere.");
  g_assert_cmpstr (json_object_get_string_member (member, "kind"), ==, "not-saved");
  g_assert_cmpint (json_object_get_int_member (member, "exit_code"), ==, 8);
}

/* As text, the server's words cannot drive the terminal. */
static void
test_format_error (void)
{
  g_autoptr(GError) error = enlist_error_new_xmpp (ENLIST_ERROR_AUTH_FAILED, "not-authorized",
                                                   "bad\033[2Jpassword\nsecond line",
                                                   "The user name or password is not correct.");
  g_autofree char *text = enlist_cli_format_error ("login", error);

  g_assert_cmpstr (text, ==,
                   "enlist-cli login: The user name or password is not correct.\n"
                   "  XMPP condition: not-authorized\n"
                   "  The server said: bad\\u{001B}[2Jpassword\n"
                   "  second line\n");
  g_assert_null (strchr (text, '\033'));
}

int
main (int    argc,
      char **argv)
{
  /* the messages compared are the untranslated ones */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-output/format-safe", test_format_safe);
  g_test_add_func ("/cli-output/exit-codes", test_exit_codes);
  g_test_add_func ("/cli-output/exit-codes-other-domains", test_exit_codes_other_domains);
  g_test_add_func ("/cli-output/exit-kinds", test_exit_kinds);
  g_test_add_func ("/cli-output/json-error", test_json_error);
  g_test_add_func ("/cli-output/json-certificate-error", test_json_certificate_error);
  g_test_add_func ("/cli-output/json-problem", test_json_problem);
  g_test_add_func ("/cli-output/format-error", test_format_error);

  return g_test_run ();
}
