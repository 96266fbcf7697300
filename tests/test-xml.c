/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xml.c: the stanza tree and its serialiser. The stream reader is in
 * test-xml-reader.c and test-xml-reader-hostile.c. */
#define G_LOG_DOMAIN "test-xml"

#include "config.h"

#include <string.h>

#include "enlist-test-xml.h"

static void
test_writer_escape (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  enlist_xml_escape_text (out, "a&b<c>d\re\"f'g\th\ni]]>", -1);
  g_assert_cmpstr (out->str, ==, "a&amp;b&lt;c&gt;d&#13;e\"f'g\th\ni]]&gt;");

  g_string_truncate (out, 0);
  enlist_xml_escape_attr (out, "a&b<c>d\re\"f'g\th\ni");
  g_assert_cmpstr (out->str, ==, "a&amp;b&lt;c&gt;d&#13;e&quot;f&apos;g&#9;h&#10;i");

  g_string_truncate (out, 0);
  enlist_xml_escape_text (out, "<ab>", 2);
  g_assert_cmpstr (out->str, ==, "&lt;a");

  /* What XML cannot carry becomes U+FFFD, so the output stays well-formed. */
  g_string_truncate (out, 0);
  enlist_xml_escape_text (out, "x\x01y\xffz\xef\xbf\xbe\0w", 10);
  g_assert_cmpstr (out->str, ==, "x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbdw");

  g_string_truncate (out, 0);
  enlist_xml_escape_attr (out, "ü日🎉\x1b");
  g_assert_cmpstr (out->str, ==, "ü日🎉\xef\xbf\xbd");
}

static void
test_writer_round_trip (void)
{
  static const char nasty[] = "  <&>'\"\r\n\r\t]]> &amp; &#x41; ünï 日本 🎉 \n ";
  g_autoptr(EnlistXmlNode) node = enlist_xml_node_new ("message", ENLIST_NS_CLIENT);
  g_autoptr(EnlistXmlNode) parsed = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *xml_again = NULL;
  EnlistXmlNode *body, *x;

  enlist_xml_node_set_attr (node, "to", nasty);
  enlist_xml_node_set_attr (node, "xml:lang", "en");
  body = enlist_xml_node_add_child (node, "body", NULL);
  enlist_xml_node_set_text (body, nasty);
  x = enlist_xml_node_add_child (node, "x", "urn:x");
  enlist_xml_node_set_attr (x, "{urn:y}a", nasty);
  enlist_xml_node_set_attr (x, "{urn:z}b", "2");
  enlist_xml_node_set_attr (x, "{urn:y}c", "3");
  enlist_xml_node_set_attr (x, "{" ENLIST_NS_XML "}space", "preserve");
  enlist_xml_node_add_child (x, "empty", "");

  xml = enlist_xml_node_to_string (node, ENLIST_NS_CLIENT);
  parsed = enlist_test_parse_one_stanza (xml);
  xml_again = enlist_xml_node_to_string (parsed, ENLIST_NS_CLIENT);
  g_assert_cmpstr (xml, ==, xml_again);

  g_assert_true (enlist_xml_node_is (parsed, "message", ENLIST_NS_CLIENT));
  g_assert_cmpstr (enlist_xml_node_get_attr (parsed, "to"), ==, nasty);
  g_assert_cmpstr (enlist_xml_node_get_attr (parsed, "xml:lang"), ==, "en");
  body = enlist_xml_node_get_child (parsed, "body", ENLIST_NS_CLIENT);
  g_assert_cmpstr (enlist_xml_node_get_text (body), ==, nasty);
  x = enlist_xml_node_get_child (parsed, "x", "urn:x");
  g_assert_cmpstr (enlist_xml_node_get_attr (x, "{urn:y}a"), ==, nasty);
  g_assert_cmpstr (enlist_xml_node_get_attr (x, "{urn:z}b"), ==, "2");
  g_assert_cmpstr (enlist_xml_node_get_attr (x, "{urn:y}c"), ==, "3");
  g_assert_cmpstr (enlist_xml_node_get_attr (x, "xml:space"), ==, "preserve");
  g_assert_true (enlist_xml_node_is (x->children->pdata[0], "empty", ""));
}

static void
test_writer_namespaces (void)
{
  g_autoptr(EnlistXmlNode) iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
  g_autoptr(EnlistXmlNode) features = enlist_xml_node_new ("features", ENLIST_NS_STREAMS);
  EnlistXmlNode *query, *x, *field;
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *s3 = NULL;
  g_autofree char *s4 = NULL;
  g_autofree char *s5 = NULL;

  enlist_xml_node_set_attr (iq, "type", "set");
  enlist_xml_node_set_attr (iq, "id", "r1");
  query = enlist_xml_node_add_child (iq, "query", "jabber:iq:register");
  x = enlist_xml_node_add_child (query, "x", "jabber:x:data");
  enlist_xml_node_set_attr (x, "type", "submit");
  field = enlist_xml_node_add_child (x, "field", NULL);
  g_assert_cmpstr (field->ns, ==, "jabber:x:data");
  enlist_xml_node_set_attr (field, "var", "username");
  enlist_xml_node_set_text (enlist_xml_node_add_child (field, "value", NULL), "alice");
  enlist_xml_node_add_child (field, "value", "");
  enlist_xml_node_add_child (query, "username", NULL);

  s1 = enlist_xml_node_to_string (iq, ENLIST_NS_CLIENT);
  g_assert_cmpstr (s1, ==,
                   "<iq type='set' id='r1'><query xmlns='jabber:iq:register'>"
                   "<x xmlns='jabber:x:data' type='submit'><field var='username'>"
                   "<value>alice</value><value xmlns=''/></field></x><username/></query></iq>");

  s2 = enlist_xml_node_to_string (iq, NULL);
  g_assert_true (g_str_has_prefix (s2, "<iq xmlns='jabber:client' type='set' id='r1'>"));

  enlist_xml_node_add_child (features, "starttls", ENLIST_NS_TLS);
  s3 = enlist_xml_node_to_string (features, ENLIST_NS_CLIENT);
  g_assert_cmpstr (s3, ==,
                   "<features xmlns='http://etherx.jabber.org/streams'>"
                   "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></features>");
  s4 = enlist_xml_node_to_string (features, ENLIST_NS_STREAMS);
  g_assert_true (g_str_has_prefix (s4, "<features><starttls "));

  enlist_xml_node_set_attr (x, "{urn:a}p", "1");
  enlist_xml_node_set_attr (x, "{urn:b}q", "2");
  enlist_xml_node_set_attr (x, "{urn:a}r", "3");
  enlist_xml_node_set_attr (x, "xml:lang", "en");
  s5 = enlist_xml_node_to_string (x, "jabber:x:data");
  g_assert_true (g_str_has_prefix (s5, "<x type='submit' xmlns:ns1='urn:a' ns1:p='1' "
                                   "xmlns:ns2='urn:b' ns2:q='2' ns1:r='3' xml:lang='en'>"));
}

static void
test_node_api (void)
{
  g_autoptr(EnlistXmlNode) node = enlist_xml_node_new ("iq", NULL);
  g_autoptr(EnlistXmlNode) copy = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  EnlistXmlNode *child;

  g_assert_cmpstr (node->ns, ==, "");
  g_assert_cmpstr (enlist_xml_node_get_text (node), ==, "");

  enlist_xml_node_set_attr (node, "a", "1");
  enlist_xml_node_set_attr (node, "b", "2");
  enlist_xml_node_set_attr (node, "a", "3");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "a"), ==, "3");
  g_assert_cmpuint (node->attrs->len, ==, 4);
  enlist_xml_node_set_attr (node, "a", NULL);
  enlist_xml_node_set_attr (node, "zz", NULL);
  g_assert_null (enlist_xml_node_get_attr (node, "a"));
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "b"), ==, "2");
  g_assert_cmpuint (node->attrs->len, ==, 2);

  enlist_xml_node_add_child (node, "x", "urn:one");
  child = enlist_xml_node_add_child (node, "x", "urn:two");
  enlist_xml_node_append (node, enlist_xml_node_new ("y", "urn:one"));
  g_assert_true (enlist_xml_node_get_child (node, "x", "urn:two") == child);
  g_assert_true (enlist_xml_node_get_child (node, "x", NULL) == node->children->pdata[0]);
  g_assert_true (enlist_xml_node_get_child (node, NULL, "urn:two") == child);
  g_assert_null (enlist_xml_node_get_child (node, "z", NULL));
  g_assert_true (enlist_xml_node_is (child, "x", NULL));
  g_assert_true (enlist_xml_node_is (child, NULL, "urn:two"));
  g_assert_false (enlist_xml_node_is (child, "x", "urn:one"));

  enlist_xml_node_set_text (child, "hello");
  enlist_xml_node_set_text (node, NULL);
  g_assert_cmpstr (enlist_xml_node_get_text (child), ==, "hello");

  copy = enlist_xml_node_copy (node);
  g_assert_null (copy->parent);
  g_assert_true (((EnlistXmlNode *) copy->children->pdata[1])->parent == copy);
  a = enlist_xml_node_to_string (node, NULL);
  b = enlist_xml_node_to_string (copy, NULL);
  g_assert_cmpstr (a, ==, b);
}

static gboolean
all_zero (const char *buffer,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (buffer[i] != '\0')
      return FALSE;
  return TRUE;
}

/* wipe zeros every text and attribute value of the tree in place (the
 * memory is checked before it is freed), and keeps its shape. */
static void
test_node_wipe (void)
{
  g_autoptr(EnlistXmlNode) iq = enlist_xml_node_new ("iq", ENLIST_NS_CLIENT);
  EnlistXmlNode *query = enlist_xml_node_add_child (iq, "query", "jabber:iq:register");
  EnlistXmlNode *password = enlist_xml_node_add_child (query, "password", NULL);
  EnlistXmlNode *token = enlist_xml_node_add_child (query, "preauth", "urn:xmpp:pars:0");
  const char *long_secret = "correct horse battery staple, and then some more";
  char *password_text, *token_value;
  gsize password_allocated;

  enlist_xml_node_set_attr (iq, "type", "set");
  /* A long value first, then a short one: the tail of the long one stays
   * in the buffer after the NUL, and must go too. */
  enlist_xml_node_set_text (password, long_secret);
  enlist_xml_node_set_text (password, "hunter2");
  enlist_xml_node_set_attr (token, "token", "s3cr3t-t0ken");
  password_text = password->text->str;
  password_allocated = password->text->allocated_len;
  token_value = (char *) enlist_xml_node_get_attr (token, "token");
  g_assert_false (all_zero (password_text, password_allocated));

  enlist_xml_node_wipe (iq);

  g_assert_true (password->text->str == password_text);
  g_assert_true (all_zero (password_text, password_allocated));
  g_assert_cmpstr (enlist_xml_node_get_text (password), ==, "");
  g_assert_true (enlist_xml_node_get_attr (token, "token") == token_value);
  g_assert_cmpstr (token_value, ==, "");
  g_assert_cmpstr (enlist_xml_node_get_attr (iq, "type"), ==, "");
  /* Names, namespaces and the tree stay: only values are secrets. */
  g_assert_true (enlist_xml_node_get_child (query, "preauth", "urn:xmpp:pars:0") == token);
  g_assert_cmpstr (password->name, ==, "password");

  enlist_xml_node_free_secret (NULL);
  enlist_xml_node_free_secret (enlist_xml_node_copy (iq));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/node/api", test_node_api);
  g_test_add_func ("/xml/node/wipe", test_node_wipe);
  g_test_add_func ("/xml/writer/escape", test_writer_escape);
  g_test_add_func ("/xml/writer/namespaces", test_writer_namespaces);
  g_test_add_func ("/xml/writer/round-trip", test_writer_round_trip);

  return g_test_run ();
}
