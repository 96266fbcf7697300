/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-error.c: the one error domain: XMPP stanza and stream errors mapped
 * onto it with messages for people, the extended data its errors carry
 * (condition, server text, field, certificate) and that this survives
 * g_error_copy. */
#define G_LOG_DOMAIN "test-error"

#include "config.h"

#include <string.h>

#include "enlist-certificate.h"
#include "enlist-error-private.h"

/* <iq type='error'><error type='cancel'><CONDITION/><text>TEXT</text></error></iq>;
 * condition or text NULL leaves them out, extra_ns adds an application
 * condition in that namespace. */
static EnlistXmlNode *
error_iq (const char *condition,
          const char *text,
          const char *extra_ns)
{
  EnlistXmlNode *iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
  EnlistXmlNode *error = enlist_xml_node_add_child (iq, "error", NULL);

  enlist_xml_node_set_attr (iq, "type", "error");
  enlist_xml_node_set_attr (error, "type", "cancel");
  if (extra_ns != NULL)
    enlist_xml_node_add_child (error, "app-specific", extra_ns);
  if (text != NULL)
    enlist_xml_node_set_text (enlist_xml_node_add_child (error, "text", ENLIST_NS_STANZAS), text);
  if (condition != NULL)
    enlist_xml_node_add_child (error, condition, ENLIST_NS_STANZAS);
  return iq;
}

static EnlistXmlNode *
stream_error (const char *condition,
              const char *text)
{
  EnlistXmlNode *error = enlist_xml_node_new ("error", ENLIST_NS_STREAMS);

  if (text != NULL)
    enlist_xml_node_set_text (enlist_xml_node_add_child (error, "text", ENLIST_NS_STREAM_ERRORS),
                              text);
  if (condition != NULL)
    enlist_xml_node_add_child (error, condition, ENLIST_NS_STREAM_ERRORS);
  return error;
}

static void
test_from_stanza (void)
{
  static const struct
  {
    const char *condition;      /* in the stanza */
    const char *text;
    const char *extra_ns;
    const char *expected_condition;
    const char *message;
  } cases[] = {
    { "conflict", "User already exists", NULL, "conflict", "That name is already taken." },
    { "not-acceptable", NULL, NULL, "not-acceptable", "The server did not accept what was sent." },
    { "resource-constraint", "", NULL, "resource-constraint",
      "The server is too busy right now; try again later." },
    { "service-unavailable", NULL, NULL, "service-unavailable",
      "The server does not offer this service." },
    { "jid-malformed", NULL, NULL, "jid-malformed", "That address is not valid." },
    /* An application condition is not the stanza condition. */
    { "bad-request", "Wrong CAPTCHA", "urn:example:app", "bad-request",
      "The server did not understand the request." },
    /* No condition at all, or one RFC 6120 does not define. */
    { NULL, "Something broke", NULL, "undefined-condition", "The server reported an error." },
    { "made-up-condition", NULL, NULL, "made-up-condition", "The server reported an error." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlistXmlNode) iq = error_iq (cases[i].condition, cases[i].text, cases[i].extra_ns);
      g_autoptr(GError) error = enlist_error_from_stanza (iq);
      const char *text = cases[i].text != NULL && *cases[i].text != '\0' ? cases[i].text : NULL;

      g_test_message ("%s", cases[i].expected_condition);
      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpstr (enlist_error_get_condition (error), ==, cases[i].expected_condition);
      /* The server's own words are detail, never the message. */
      g_assert_cmpstr (enlist_error_get_server_text (error), ==, text);
      g_assert_null (enlist_error_get_field (error));
      g_assert_null (enlist_error_get_certificate (error));
    }

  /* A reply without <error/> at all still gives an error. */
  {
    g_autoptr(EnlistXmlNode) bare = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
    g_autoptr(GError) error = enlist_error_from_stanza (bare);

    g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STANZA);
    g_assert_cmpstr (enlist_error_get_condition (error), ==, "undefined-condition");
    g_assert_null (enlist_error_get_server_text (error));
  }
}

static void
test_from_stream_error (void)
{
  static const struct
  {
    const char *condition;
    const char *text;
    const char *expected_condition;
    const char *message;
  } cases[] = {
    { "policy-violation", "Too many registrations", "policy-violation",
      "The server closed the connection because its policy does not allow what was sent." },
    { "host-unknown", NULL, "host-unknown", "The server does not serve this domain." },
    { "connection-timeout", NULL, "connection-timeout",
      "The server closed the connection after a period of inactivity." },
    { "system-shutdown", NULL, "system-shutdown", "The server is shutting down." },
    { "not-authorized", NULL, "not-authorized", "The server ended the session: not authorized." },
    { "conflict", "Replaced by new connection", "conflict",
      "The server ended the session because of a conflict." },
    { "not-well-formed", NULL, "not-well-formed",
      "The server closed the connection with an error." },
    { NULL, "bye", "undefined-condition", "The server closed the connection with an error." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EnlistXmlNode) element = stream_error (cases[i].condition, cases[i].text);
      g_autoptr(GError) error = enlist_error_from_stream_error (element);

      g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_STREAM);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpstr (enlist_error_get_condition (error), ==, cases[i].expected_condition);
      g_assert_cmpstr (enlist_error_get_server_text (error), ==, cases[i].text);
    }
}

static void
test_find_condition (void)
{
  g_autoptr(EnlistXmlNode) failure = enlist_xml_node_new ("failure", ENLIST_NS_SASL);

  g_assert_null (enlist_error_find_condition (failure, ENLIST_NS_SASL));
  g_assert_null (enlist_error_find_condition (NULL, ENLIST_NS_SASL));
  enlist_xml_node_set_text (enlist_xml_node_add_child (failure, "text", NULL), "Nope");
  g_assert_null (enlist_error_find_condition (failure, ENLIST_NS_SASL));
  enlist_xml_node_add_child (failure, "other", "urn:example");
  enlist_xml_node_add_child (failure, "not-authorized", NULL);
  g_assert_cmpstr (enlist_error_find_condition (failure, ENLIST_NS_SASL), ==, "not-authorized");
  g_assert_null (enlist_error_find_condition (failure, ENLIST_NS_STANZAS));
}

/* Everything an error carries is still there in a copy, and the copy owns
 * it: freeing the original first changes nothing. */
static void
test_copy_keeps_data (void)
{
  GError *error = enlist_error_new_xmpp (ENLIST_ERROR_STANZA, "conflict", "Name taken",
                                         "The name %s is taken.", "alice");
  GError *copy;

  enlist_error_set_field (error, "username");
  copy = g_error_copy (error);
  g_error_free (error);

  g_assert_error (copy, ENLIST_ERROR, ENLIST_ERROR_STANZA);
  g_assert_cmpstr (copy->message, ==, "The name alice is taken.");
  g_assert_cmpstr (enlist_error_get_condition (copy), ==, "conflict");
  g_assert_cmpstr (enlist_error_get_server_text (copy), ==, "Name taken");
  g_assert_cmpstr (enlist_error_get_field (copy), ==, "username");

  /* The field can change on the copy, and be cleared. */
  enlist_error_set_field (copy, "ocr");
  g_assert_cmpstr (enlist_error_get_field (copy), ==, "ocr");
  enlist_error_set_field (copy, NULL);
  g_assert_null (enlist_error_get_field (copy));
  g_error_free (copy);
}

static void
test_certificate (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "other.pem", NULL);
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, &load_error);
  GTlsCertificateFlags flags = G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY;
  GError *error;
  GError *copy;
  g_autofree char *fingerprint = NULL;

  g_assert_no_error (load_error);
  error = enlist_error_new_certificate (certificate, flags, "fake.test");
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_CERTIFICATE);
  /* The message names the host, says why in words, and describes it. */
  fingerprint = enlist_certificate_get_fingerprint (certificate);
  g_assert_nonnull (strstr (error->message, "“fake.test”"));
  g_assert_nonnull (strstr (error->message, "not signed by an authority"));
  g_assert_nonnull (strstr (error->message, "different server name"));
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_true (enlist_error_get_certificate (error) == certificate);
  g_assert_cmpint (enlist_error_get_certificate_flags (error), ==, flags);
  g_assert_null (enlist_error_get_condition (error));

  copy = g_error_copy (error);
  g_error_free (error);
  g_assert_true (enlist_error_get_certificate (copy) == certificate);
  g_assert_cmpint (enlist_error_get_certificate_flags (copy), ==, flags);
  g_assert_cmpstr (copy->message, !=, "");
  g_error_free (copy);

  /* The copy held its own reference, released with it. */
  g_assert_finalize_object (g_steal_pointer (&certificate));

  /* Without a certificate there is no description, only the reasons. */
  error = enlist_error_new_certificate (NULL, G_TLS_CERTIFICATE_EXPIRED, "example.org");
  g_assert_null (enlist_error_get_certificate (error));
  g_assert_nonnull (strstr (error->message, "has expired"));
  g_assert_null (strchr (error->message, '\n'));
  g_error_free (error);
}

/* Errors of other domains carry nothing, and the getters say so. */
static void
test_other_domains (void)
{
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "I/O");
  g_autoptr(GError) plain = g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_FAILED, "plain");

  g_assert_null (enlist_error_get_condition (io));
  g_assert_null (enlist_error_get_server_text (io));
  g_assert_null (enlist_error_get_field (io));
  g_assert_null (enlist_error_get_certificate (io));
  g_assert_cmpint (enlist_error_get_certificate_flags (io), ==, 0);
  g_assert_null (enlist_error_get_condition (NULL));

  /* An ENLIST_ERROR made the plain way has the extended data, empty. */
  g_assert_null (enlist_error_get_condition (plain));
  enlist_error_set_field (plain, "f");
  g_assert_cmpstr (enlist_error_get_field (plain), ==, "f");

  g_test_expect_message ("enlist-error", G_LOG_LEVEL_CRITICAL, "*priv != NULL*");
  enlist_error_set_field (io, "f");
  g_test_assert_expected_messages ();
}

static void
test_enum (void)
{
  GEnumClass *klass = g_type_class_ref (ENLIST_TYPE_ERROR);

  /* Every code has a GType name, in the order of the enum. */
  g_assert_cmpint (klass->n_values, ==, ENLIST_ERROR_ACCOUNT_FILE + 1);
  g_assert_cmpstr (g_enum_get_value (klass, ENLIST_ERROR_INVALID_JID)->value_nick, ==,
                   "invalid-jid");
  g_type_class_unref (klass);
  /* An extended error domain, registered under the enum's name. */
  g_assert_cmpstr (g_quark_to_string (ENLIST_ERROR), ==, "EnlistError");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/from-stanza", test_from_stanza);
  g_test_add_func ("/error/from-stream-error", test_from_stream_error);
  g_test_add_func ("/error/find-condition", test_find_condition);
  g_test_add_func ("/error/copy-keeps-data", test_copy_keeps_data);
  g_test_add_func ("/error/certificate", test_certificate);
  g_test_add_func ("/error/other-domains", test_other_domains);
  g_test_add_func ("/error/enum", test_enum);

  return g_test_run ();
}
