/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trace.c: the XML trace never shows a secret, and server text is
 * neutralised before it reaches a terminal. */
#define G_LOG_DOMAIN "test-trace"

#include "config.h"

#include <string.h>

#include "enlist-text.h"
#include "enlist-trace-private.h"
#include "enlist-xml-reader.h"

static void
collect_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  g_ptr_array_add (user_data, stanza);
}

/* Parses one stanza as it would arrive on a client stream. */
static EnlistXmlNode *
parse_stanza (const char *xml)
{
  static const EnlistXmlReaderCallbacks callbacks = { NULL, collect_stanza, NULL };
  g_autoptr(GPtrArray) stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
  g_autoptr(EnlistXmlReader) reader = enlist_xml_reader_new (NULL, &callbacks, stanzas);
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = g_strconcat ("<stream:stream xmlns='jabber:client' "
                                         "xmlns:stream='http://etherx.jabber.org/streams' "
                                         "version='1.0'>", xml, NULL);

  g_assert_true (enlist_xml_reader_feed (reader, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stanzas->len, ==, 1);
  return g_ptr_array_steal_index (stanzas, 0);
}

static char *
redacted_text (const char *xml)
{
  g_autoptr(EnlistXmlNode) stanza = parse_stanza (xml);
  g_autoptr(EnlistXmlNode) redacted = enlist_trace_redact (stanza);

  return enlist_xml_node_to_string (redacted, ENLIST_NS_CLIENT);
}

static void
assert_hidden (const char *text,
               const char *secret)
{
  if (strstr (text, secret) != NULL)
    g_error ("secret “%s” visible in trace: %s", secret, text);
}

/* ejabberd echoes the whole submitted form, password and CAPTCHA answer
 * included, in its error replies (captured in shared samples). */
static void
test_redact_ejabberd_echo (void)
{
  g_autofree char *text = redacted_text (
    "<iq xml:lang='en' from='localhost' type='error' id='rig8'><query xmlns='jabber:iq:register'>"
    "<x type='submit' xmlns='jabber:x:data'><field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
    "<field var='username'><value>rigkdwuo67h</value></field>"
    "<field var='password'><value>pw-j5coori8</value></field>"
    "<field var='challenge'><value>16806974831555731235</value></field>"
    "<field var='ocr'><value>116868</value></field></x></query>"
    "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
    "<text xml:lang='en' xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>User already exists</text></error></iq>");

  assert_hidden (text, "pw-j5coori8");
  assert_hidden (text, "116868");
  /* what helps debugging stays */
  g_assert_nonnull (strstr (text, "rigkdwuo67h"));
  g_assert_nonnull (strstr (text, "16806974831555731235"));
  g_assert_nonnull (strstr (text, "User already exists"));
  g_assert_nonnull (strstr (text, "[redacted]"));
}

static void
test_redact_legacy_and_private (void)
{
  g_autofree char *legacy = redacted_text (
    "<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>bob</username>"
    "<password>hunter2</password><old_password>hunter1</old_password></query></iq>");
  g_autofree char *form = redacted_text (
    "<iq type='set' id='r2'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
    "<field type='text-private' var='pin'><value>4711</value></field>"
    "<field var='new_password'><value>s3cret</value></field>"
    "<field var='qa'><value>blue</value></field>"
    "<field var='nick' type='text-single'><value>bobby</value></field></x></query></iq>");

  assert_hidden (legacy, "hunter2");
  /* a form's empty password element is not a secret, and shows as it is */
  {
    g_autofree char *form_request = redacted_text (
      "<iq type='result' id='f1'><query xmlns='jabber:iq:register'><username/><password/></query></iq>");
    g_assert_nonnull (strstr (form_request, "<password/>"));
  }
  assert_hidden (legacy, "hunter1");
  g_assert_nonnull (strstr (legacy, "bob"));
  assert_hidden (form, "4711");
  assert_hidden (form, "s3cret");
  assert_hidden (form, ">blue<");
  g_assert_nonnull (strstr (form, "bobby"));
}

static void
test_redact_sasl (void)
{
  g_autofree char *auth = redacted_text (
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
  g_autofree char *challenge = redacted_text (
    "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0w=</challenge>");
  g_autofree char *empty = redacted_text ("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");

  assert_hidden (auth, "AGFsaWNlAHNlY3JldA==");
  g_assert_nonnull (strstr (auth, "mechanism='PLAIN'"));
  assert_hidden (challenge, "cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0w=");
  g_assert_null (strstr (empty, "[redacted]"));
}

static void
test_redact_leaves_original (void)
{
  g_autoptr(EnlistXmlNode) stanza = parse_stanza (
    "<iq type='set' id='r1'><query xmlns='jabber:iq:register'><password>hunter2</password></query></iq>");
  g_autoptr(EnlistXmlNode) redacted = enlist_trace_redact (stanza);
  g_autofree char *original = enlist_xml_node_to_string (stanza, ENLIST_NS_CLIENT);

  g_assert_nonnull (redacted);
  g_assert_nonnull (strstr (original, "hunter2"));
}

/* The redacted copy does not keep the secret behind its "[redacted]": the
 * rest of the old text's buffer is zeros. */
static void
test_redact_wipes_copy (void)
{
  g_autoptr(EnlistXmlNode) stanza = parse_stanza (
    "<iq type='set' id='r1'><query xmlns='jabber:iq:register'>"
    "<password>a rather long password that outlasts the placeholder</password></query></iq>");
  g_autoptr(EnlistXmlNode) redacted = enlist_trace_redact (stanza);
  const EnlistXmlNode *query = enlist_xml_node_get_child (redacted, "query", NULL);
  const EnlistXmlNode *password = enlist_xml_node_get_child (query, "password", NULL);
  const GString *text = password->text;

  g_assert_cmpstr (text->str, ==, "[redacted]");
  for (gsize i = text->len; i < text->allocated_len; i++)
    g_assert_cmpint (text->str[i], ==, '\0');
}

static void
test_neutralize (void)
{
  struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain text", "plain text" },
    { "Grüße ✓", "Grüße ✓" },
    { "bell\a and escape \x1b[31mred", "bell\\u{0007} and escape \\u{001B}[31mred" },
    { "line\nbreak\r", "line\\u{000A}break\\u{000D}" },
    { "evil\xe2\x80\xaetxt.exe", "evil\\u{202E}txt.exe" },          /* RIGHT-TO-LEFT OVERRIDE */
    { "iso\xe2\x81\xa6late\xe2\x81\xa9", "iso\\u{2066}late\\u{2069}" }, /* isolates */
    { "c1 \xc2\x9b" "31m", "c1 \\u{009B}31m" },                       /* C1 CSI */
    { "bad \xff utf8", "bad \xef\xbf\xbd utf8" },
    { "del\x7f", "del\\u{007F}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = enlist_text_neutralize (cases[i].in, -1);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trace/redact/ejabberd-echo", test_redact_ejabberd_echo);
  g_test_add_func ("/trace/redact/legacy-and-private", test_redact_legacy_and_private);
  g_test_add_func ("/trace/redact/sasl", test_redact_sasl);
  g_test_add_func ("/trace/redact/leaves-original", test_redact_leaves_original);
  g_test_add_func ("/trace/redact/wipes-copy", test_redact_wipes_copy);
  g_test_add_func ("/text/neutralize", test_neutralize);

  return g_test_run ();
}
