/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xml-reader.c: the stream reader on what servers send: real captures,
 * every chunking, delivery as soon as a stanza is complete, keepalives, a
 * client's stream, byte order marks; stopping, resetting and freeing it from
 * a callback. What it refuses is in test-xml-reader-hostile.c. */
#define G_LOG_DOMAIN "test-xml"

#include "config.h"

#include <string.h>

#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-test-xml.h"

#define STREAM_FOOTER "</stream:stream>"

/* Captured from Prosody 0.12 and ejabberd 23.01 (the shared sample captures). */
static const char PROSODY_FEATURES_TLS[] =
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls"
  "></stream:features>";

static const char PROSODY_FEATURES_SASL[] =
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-S"
  "HA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms><register xmlns='urn:xmpp:invit"
  "e'/><register xmlns='urn:xmpp:ibr-token:0'/><register xmlns='http://jabber.org/features/"
  "iq-register'/></stream:features>";


static const char PROSODY_REGISTER_CONFLICT[] =
  "<iq type='error' id='rig3'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:"
  "xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>The requested username "
  "already exists.</text></error></iq>";

static const char PROSODY_SASL_FAILURE[] =
  "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>The response pr"
  "ovided by the client doesn&apos;t match the one we calculated.</text></failure>";

static const char EJABBERD_FEATURES_SASL[] =
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</"
  "mechanism><mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism></mec"
  "hanisms><register xmlns='http://jabber.org/features/iq-register'/></stream:features>";


static const char EJABBERD_REGISTER_CONFLICT[] =
  "<iq xml:lang='en' from='localhost' type='error' id='rig8'><query xmlns='jabber:iq:regist"
  "er'><x type='submit' xmlns='jabber:x:data'><field var='FORM_TYPE'><value>jabber:iq:regis"
  "ter</value></field><field var='username'><value>rigkdwuo67h</value></field><field var='p"
  "assword'><value>other</value></field><field var='from'><value>localhost</value></field><"
  "field var='challenge'><value>16806974831555731235</value></field><field var='sid'><value"
  ">rig7</value></field><field var='ocr'><value>116868</value></field></x></query><error ty"
  "pe='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xml:lang='en' x"
  "mlns='urn:ietf:params:xml:ns:xmpp-stanzas'>User already exists</text></error></iq>";

static const char EJABBERD_STREAM_ERROR[] =
  "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xml:l"
  "ang='en' xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Use of STARTTLS required</text></st"
  "ream:error>";

static const char PROSODY_REGISTER_FORM_PRETTY[] =
  "<iq type=\"result\" id=\"rig1\">\n"
  "  <query xmlns=\"jabber:iq:register\">\n"
  "    <instructions>Choose a username and password for use with this service.</instructions>\n"
  "    <username/>\n"
  "    <password/>\n"
  "    <x xmlns=\"jabber:x:data\" type=\"form\">\n"
  "      <title>Creating a new account</title>\n"
  "      <instructions>Choose a username and password for use with this service.</instructions>\n"
  "      <field type=\"hidden\" var=\"FORM_TYPE\">\n"
  "        <value>jabber:iq:register</value>\n"
  "      </field>\n"
  "      <field type=\"text-single\" label=\"Username\" var=\"username\">\n"
  "        <required/>\n"
  "      </field>\n"
  "      <field type=\"text-private\" label=\"Password\" var=\"password\">\n"
  "        <required/>\n"
  "      </field>\n"
  "    </x>\n"
  "  </query>\n"
  "</iq>";

/* A realistic server stream: the captures with whitespace keepalives and
 * line breaks between them, entities, character references, CDATA and
 * text outside ASCII. */
static const char *stream_stanzas[] = {
  PROSODY_FEATURES_TLS,
  "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
  PROSODY_FEATURES_SASL,
  PROSODY_SASL_FAILURE,
  PROSODY_REGISTER_FORM,
  PROSODY_REGISTER_FORM_PRETTY,
  EJABBERD_FEATURES_SASL,
  EJABBERD_REGISTER_FORM,
  PROSODY_REGISTER_CONFLICT,
  EJABBERD_REGISTER_CONFLICT,
  "<message from='a@b' to='c@d' xml:lang='de'><body>Grüße aus Köln — 日本語 🎉 "
  "&amp;&lt;&gt;&apos;&quot;&#x41;&#66;&#x1F600;\r\n</body><x xmlns='urn:x' "
  "label='tab&#9;lf&#10;cr&#13;amp&amp;&#38;ü'><![CDATA[<not markup> & ]]></x></message>",
  "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>",
  EJABBERD_STREAM_ERROR,
};

static const char *stream_separators[] = { "", " ", "\n", "\r\n\t  ", "" };

static char *
build_stream (GArray **ends_out)
{
  GString *s = g_string_new (STREAM_HEADER);
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (guint i = 0; i < G_N_ELEMENTS (stream_stanzas); i++)
    {
      g_string_append (s, stream_separators[i % G_N_ELEMENTS (stream_separators)]);
      g_string_append (s, stream_stanzas[i]);
      g_array_append_val (ends, s->len);
    }
  g_string_append (s, "\n" STREAM_FOOTER);

  *ends_out = ends;
  return g_string_free (s, FALSE);
}

static void
test_reader_stream (void)
{
  g_autoptr(GArray) ends = NULL;
  g_autofree char *stream = build_stream (&ends);
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *node, *child;

  g_assert_true (enlist_test_capture_feed (cap, stream, strlen (stream), 0, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (cap->n_starts, ==, 1);
  g_assert_cmpuint (cap->n_ends, ==, 1);
  g_assert_cmpuint (cap->stanzas->len, ==, G_N_ELEMENTS (stream_stanzas));

  g_assert_true (enlist_xml_node_is (cap->root, "stream", ENLIST_NS_STREAMS));
  g_assert_cmpuint (cap->root->children->len, ==, 0);
  g_assert_cmpstr (enlist_xml_node_get_attr (cap->root, "from"), ==, "localhost");
  g_assert_cmpstr (enlist_xml_node_get_attr (cap->root, "id"), ==, "s1");
  g_assert_cmpstr (enlist_xml_node_get_attr (cap->root, "version"), ==, "1.0");
  g_assert_cmpstr (enlist_xml_node_get_attr (cap->root, "xml:lang"), ==, "en");
  g_assert_null (enlist_xml_node_get_attr (cap->root, "xmlns"));

  node = g_ptr_array_index (cap->stanzas, 0);
  g_assert_true (enlist_xml_node_is (node, "features", ENLIST_NS_STREAMS));
  child = enlist_xml_node_get_child (node, "starttls", ENLIST_NS_TLS);
  g_assert_nonnull (child);
  g_assert_true (child->parent == node);
  g_assert_nonnull (enlist_xml_node_get_child (child, "required", ENLIST_NS_TLS));

  node = g_ptr_array_index (cap->stanzas, 3);
  g_assert_true (enlist_xml_node_is (node, "failure", ENLIST_NS_SASL));
  g_assert_cmpstr (enlist_xml_node_get_text (enlist_xml_node_get_child (node, "text", NULL)), ==,
                   "The response provided by the client doesn't match the one we calculated.");

  node = g_ptr_array_index (cap->stanzas, 4);
  g_assert_true (enlist_xml_node_is (node, "iq", ENLIST_NS_CLIENT));
  child = enlist_xml_node_get_child (node, "query", "jabber:iq:register");
  child = enlist_xml_node_get_child (child, "x", "jabber:x:data");
  g_assert_cmpstr (enlist_xml_node_get_attr (child, "type"), ==, "form");
  g_assert_cmpuint (child->children->len, ==, 5);

  node = g_ptr_array_index (cap->stanzas, 7);
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "xml:lang"), ==, "en");
  child = enlist_xml_node_get_child (node, "query", "jabber:iq:register");
  child = enlist_xml_node_get_child (child, "data", "urn:xmpp:bob");
  g_assert_nonnull (child);
  g_assert_true (g_str_has_prefix (enlist_xml_node_get_text (child), "iVBORw0KGgo"));

  node = g_ptr_array_index (cap->stanzas, 10);
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "xml:lang"), ==, "de");
  g_assert_cmpstr (enlist_xml_node_get_text (enlist_xml_node_get_child (node, "body", NULL)), ==,
                   "Grüße aus Köln — 日本語 🎉 &<>'\"AB😀\n");
  child = enlist_xml_node_get_child (node, "x", "urn:x");
  g_assert_cmpstr (enlist_xml_node_get_attr (child, "label"), ==, "tab\tlf\ncr\ramp&&ü");
  g_assert_cmpstr (enlist_xml_node_get_text (child), ==, "<not markup> & ");

  node = g_ptr_array_index (cap->stanzas, 12);
  g_assert_true (enlist_xml_node_is (node, "error", ENLIST_NS_STREAMS));
  child = enlist_xml_node_get_child (node, "text", ENLIST_NS_STREAM_ERRORS);
  g_assert_cmpstr (enlist_xml_node_get_attr (child, "xml:lang"), ==, "en");
}

static void
test_reader_chunking (void)
{
  g_autoptr(GArray) ends = NULL;
  g_autofree char *stream = build_stream (&ends);
  gsize len = strlen (stream);
  g_autofree char *expected = NULL;
  gsize sizes[64 + 8];
  g_autoptr(EnlistTestCapture) whole = enlist_test_capture_new (NULL);

  g_assert_true (enlist_test_capture_feed (whole, stream, len, 0, ends, NULL));
  expected = enlist_test_capture_serialise (whole);

  for (guint i = 0; i < 64; i++)
    sizes[i] = i + 1;
  sizes[64] = 100;
  sizes[65] = 127;
  sizes[66] = 509;
  sizes[67] = 1000;
  sizes[68] = 1024;
  sizes[69] = 3001;
  sizes[70] = 4096;
  sizes[71] = len - 1;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *got = NULL;

      g_assert_true (enlist_test_capture_feed (cap, stream, len, sizes[i], ends, &error));
      g_assert_no_error (error);
      got = enlist_test_capture_serialise (cap);
      g_assert_cmpstr (got, ==, expected);
    }
}

/* A client waits for the reply to what it sent: a stanza that is complete in
 * the input must be delivered by the end of that very feed call, wherever
 * the input was split. */
static void
test_reader_delivery (void)
{
  g_autoptr(GArray) ends = NULL;
  g_autofree char *stream = build_stream (&ends);
  gsize len = strlen (stream);

  for (gsize split = 1; split < len; split++)
    {
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
      guint expected = 0;

      while (expected < ends->len && g_array_index (ends, gsize, expected) <= split)
        expected++;

      g_assert_true (enlist_xml_reader_feed (cap->reader, stream, split, NULL));
      g_assert_cmpuint (cap->stanzas->len, ==, expected);
      g_assert_true (enlist_xml_reader_feed (cap->reader, stream + split, len - split, NULL));
      g_assert_cmpuint (cap->stanzas->len, ==, ends->len);
      g_assert_cmpuint (cap->n_ends, ==, 1);
    }
}

/* Whatever parses, serialises to something that parses to the same. */
static void
test_reader_reserialise (void)
{
  g_autoptr(GArray) ends = NULL;
  g_autofree char *stream = build_stream (&ends);
  g_autoptr(EnlistTestCapture) first = enlist_test_capture_new (NULL);
  g_autoptr(EnlistTestCapture) second = enlist_test_capture_new (NULL);
  g_autoptr(GString) again = g_string_new (STREAM_HEADER);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_true (enlist_test_capture_feed (first, stream, strlen (stream), 0, NULL, NULL));
  for (guint i = 0; i < first->stanzas->len; i++)
    enlist_xml_node_write (g_ptr_array_index (first->stanzas, i), ENLIST_NS_CLIENT, again);
  g_string_append (again, STREAM_FOOTER);

  g_assert_true (enlist_test_capture_feed (second, again->str, again->len, 0, NULL, NULL));
  a = enlist_test_capture_serialise (first);
  b = enlist_test_capture_serialise (second);
  g_assert_cmpstr (a, ==, b);
}

static void
test_reader_entities (void)
{
  g_autoptr(EnlistXmlNode) node = NULL;

  node = enlist_test_parse_one_stanza ("<message "
                                       "to='&amp;&lt;&gt;&apos;&quot;&#x41;&#66;&#38;|a&amp;#38;b'>"
                                       "<body>&amp;&lt;&gt;&apos;&quot;&#x41;&#66;&#38;|a&amp;#38;b"
                                       "&#xe9;&#233;&#x1F389;</body></message>");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "to"), ==, "&<>'\"AB&|a&#38;b");
  g_assert_cmpstr (enlist_xml_node_get_text (node->children->pdata[0]), ==,
                   "&<>'\"AB&|a&#38;béé🎉");
}

static void
test_reader_attributes (void)
{
  g_autoptr(EnlistXmlNode) node = NULL;

  node = enlist_test_parse_one_stanza ("<iq xmlns:p='urn:p' xmlns:q='urn:q' type='get' "
                                       "xml:lang='fr' p:a='1' q:a='2' a='3'>"
                                       "<query xmlns='urn:z' p:b='4'/></iq>");
  g_assert_cmpuint (node->attrs->len, ==, 2 * 5);
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "type"), ==, "get");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "xml:lang"), ==, "fr");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "{urn:p}a"), ==, "1");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "{urn:q}a"), ==, "2");
  g_assert_cmpstr (enlist_xml_node_get_attr (node, "a"), ==, "3");
  g_assert_null (enlist_xml_node_get_attr (node, "p:a"));
  g_assert_true (enlist_xml_node_is (node->children->pdata[0], "query", "urn:z"));
  g_assert_cmpstr (enlist_xml_node_get_attr (node->children->pdata[0], "{urn:p}b"), ==, "4");
}

/* Whitespace keepalives between stanzas are ignored and do not count
 * towards any stanza, however many arrive. */
static void
test_reader_keepalive (void)
{
  EnlistXmlLimits limits;
  g_autoptr(EnlistTestCapture) cap = NULL;
  g_autofree char *spaces = g_strnfill (256 * 1024, ' ');

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 100;
  limits.max_buffered = 1000;
  cap = enlist_test_capture_new (&limits);

  g_assert_true (enlist_xml_reader_feed (cap->reader, STREAM_HEADER, strlen (STREAM_HEADER), NULL));
  for (guint i = 0; i < 256; i++)
    g_assert_true (enlist_xml_reader_feed (cap->reader, spaces, 1024, NULL));
  g_assert_true (enlist_xml_reader_feed (cap->reader, "<presence/>\n", 12, NULL));
  for (guint i = 0; i < 1024; i++)
    g_assert_true (enlist_xml_reader_feed (cap->reader, "\n", 1, NULL));
  g_assert_true (enlist_xml_reader_feed (cap->reader, spaces, 256 * 1024, NULL));
  g_assert_true (enlist_xml_reader_feed (cap->reader, "<presence/>", 11, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 2);
  for (guint i = 0; i < cap->stanzas->len; i++)
    g_assert_cmpstr (enlist_xml_node_get_text (cap->stanzas->pdata[i]), ==, "");
}

/* The same reader serves the fake server in the tests, reading a client. */
static void
test_reader_client_stream (void)
{
  static const char client[] =
    "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' "
    "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);

  g_assert_true (enlist_test_capture_feed (cap, client, strlen (client), 1, NULL, NULL));
  g_assert_cmpstr (enlist_xml_node_get_attr (cap->root, "to"), ==, "localhost");
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  g_assert_true (enlist_xml_node_is (cap->stanzas->pdata[0], "starttls", ENLIST_NS_TLS));
  g_assert_cmpuint (cap->n_ends, ==, 0);
}

static void
test_reader_utf8_bom (void)
{
  g_autofree char *stream = g_strconcat ("\xef\xbb\xbf" STREAM_HEADER, PROSODY_REGISTER_FORM, NULL);

  for (gsize chunk = 1; chunk < 8; chunk++)
    {
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (enlist_test_capture_feed (cap, stream, strlen (stream), chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 1);
    }
}

static void
test_reader_utf8_declaration (void)
{
  static const char stream[] =
    "<?xml version='1.0' encoding='utf-8'?><stream:stream "
    "xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'><a>ü</a>";
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);

  g_assert_true (enlist_test_capture_feed (cap, stream, strlen (stream), 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
}

/* ---------------------------------------------------------------------- */
/* Stopping, resetting, freeing                                            */

static void
test_reader_stop_reset (void)
{
  static const char tls_garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03<<garbage>>&&";
  g_autoptr(GString) first = g_string_new (STREAM_HEADER);
  g_autofree char *second = g_strconcat (STREAM_HEADER, PROSODY_FEATURES_SASL, NULL);

  /* What follows <proceed/> is the TLS handshake, NUL bytes and all. */
  g_string_append (first, PROSODY_FEATURES_TLS);
  g_string_append (first, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  g_string_append_len (first, tls_garbage, sizeof tls_garbage - 1);

  for (gsize chunk = 1; chunk <= first->len; chunk++)
    {
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
      g_autoptr(GError) error = NULL;

      cap->stop_at = "proceed";
      g_assert_true (enlist_test_capture_feed (cap, first->str, first->len, chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);
      g_assert_true (enlist_xml_node_is (cap->stanzas->pdata[1], "proceed", ENLIST_NS_TLS));

      /* Stopped: more bytes are dropped, not parsed. */
      g_assert_true (enlist_xml_reader_feed (cap->reader, "<presence/>", 11, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);

      enlist_xml_reader_reset (cap->reader);
      g_assert_true (enlist_test_capture_feed (cap, second, strlen (second), chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->n_starts, ==, 2);
      g_assert_cmpuint (cap->stanzas->len, ==, 3);
      g_assert_nonnull (enlist_xml_node_get_child (cap->stanzas->pdata[2], "mechanisms",
                                                   ENLIST_NS_SASL));
    }
}

static void
test_reader_reset_after_error (void)
{
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  g_autoptr(GError) error = NULL;
  static const char bad[] = STREAM_HEADER "<message><!-- x --></message>";
  static const char good[] = STREAM_HEADER "<presence/>";

  /* An error in the middle of a stanza leaves nothing behind. */
  g_assert_false (enlist_xml_reader_feed (cap->reader, bad, sizeof bad - 1, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_PROTOCOL);
  g_clear_error (&error);

  enlist_xml_reader_reset (cap->reader);
  g_assert_true (enlist_xml_reader_feed (cap->reader, good, sizeof good - 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap->n_starts, ==, 2);
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  /* A reset in the middle of a stanza, too. */
  g_assert_true (enlist_xml_reader_feed (cap->reader, "<message><body>x", 16, &error));
  enlist_xml_reader_reset (cap->reader);
  g_assert_true (enlist_xml_reader_feed (cap->reader, good, sizeof good - 1, &error));
  g_assert_cmpuint (cap->stanzas->len, ==, 2);
}

/* An owner may drop the reader from inside a callback. */
static void
test_reader_free_in_callback (void)
{
  static const char stream[] = STREAM_HEADER "<presence/><message/><iq/>";
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  EnlistXmlReader *reader = cap->reader;

  cap->stop_at = "message";
  cap->free_at_stop = TRUE;
  g_assert_true (enlist_xml_reader_feed (reader, stream, sizeof stream - 1, NULL));
  g_assert_null (cap->reader);
  g_assert_cmpuint (cap->stanzas->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/reader/stream", test_reader_stream);
  g_test_add_func ("/xml/reader/chunking", test_reader_chunking);
  g_test_add_func ("/xml/reader/delivery", test_reader_delivery);
  g_test_add_func ("/xml/reader/reserialise", test_reader_reserialise);
  g_test_add_func ("/xml/reader/entities", test_reader_entities);
  g_test_add_func ("/xml/reader/attributes", test_reader_attributes);
  g_test_add_func ("/xml/reader/keepalive", test_reader_keepalive);
  g_test_add_func ("/xml/reader/client-stream", test_reader_client_stream);
  g_test_add_func ("/xml/reader/utf8-bom", test_reader_utf8_bom);
  g_test_add_func ("/xml/reader/utf8-declaration", test_reader_utf8_declaration);
  g_test_add_func ("/xml/reader/stop-reset", test_reader_stop_reset);
  g_test_add_func ("/xml/reader/reset-after-error", test_reader_reset_after_error);
  g_test_add_func ("/xml/reader/free-in-callback", test_reader_free_in_callback);

  return g_test_run ();
}
