/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xml.c: the stanza tree, its serialiser and the hardened stream reader. */
#define G_LOG_DOMAIN "test-xml"

#include "config.h"

#include <string.h>

#include <libxml/xmlerror.h>

#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-xml.h"
#include "enlist-xml-reader.h"

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

/* Collects what a reader delivers. */
typedef struct
{
  EnlistXmlReader *reader;
  GPtrArray       *stanzas;      /* EnlistXmlNode * */
  EnlistXmlNode   *root;
  guint            n_starts;
  guint            n_ends;
  const char      *stop_at;      /* stop the reader after a stanza with this name */
  gboolean         free_at_stop; /* free it instead */
} Capture;

static void
capture_stream_start (gpointer             user_data,
                      const EnlistXmlNode *root)
{
  Capture *cap = user_data;

  cap->n_starts++;
  g_clear_pointer (&cap->root, enlist_xml_node_free);
  cap->root = enlist_xml_node_copy (root);
}

static void
capture_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  Capture *cap = user_data;

  g_assert_null (stanza->parent);
  g_ptr_array_add (cap->stanzas, stanza);

  if (cap->stop_at != NULL && strcmp (stanza->name, cap->stop_at) == 0)
    {
      if (cap->free_at_stop)
        g_clear_pointer (&cap->reader, enlist_xml_reader_free);
      else
        enlist_xml_reader_stop (cap->reader);
    }
}

static void
capture_stream_end (gpointer user_data)
{
  Capture *cap = user_data;

  cap->n_ends++;
}

static const EnlistXmlReaderCallbacks capture_callbacks = {
  capture_stream_start,
  capture_stanza,
  capture_stream_end,
};

static Capture *
capture_new (const EnlistXmlLimits *limits)
{
  Capture *cap = g_new0 (Capture, 1);

  cap->stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
  cap->reader = enlist_xml_reader_new (limits, &capture_callbacks, cap);

  return cap;
}

static void
capture_free (Capture *cap)
{
  g_clear_pointer (&cap->reader, enlist_xml_reader_free);
  g_clear_pointer (&cap->root, enlist_xml_node_free);
  g_ptr_array_unref (cap->stanzas);
  g_free (cap);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Capture, capture_free)

/* Feeds data in pieces of chunk bytes (0: all at once). If ends is given (the
 * offsets at which each stanza is complete), checks after every feed call
 * that exactly the stanzas complete so far have been delivered. */
static gboolean
capture_feed (Capture      *cap,
              const char   *data,
              gsize         len,
              gsize         chunk,
              const GArray *ends,
              GError      **error)
{
  gsize done = 0;

  if (chunk == 0)
    chunk = MAX (len, 1);

  while (done < len)
    {
      gsize n = MIN (chunk, len - done);
      guint expected = 0;

      if (!enlist_xml_reader_feed (cap->reader, data + done, n, error))
        return FALSE;
      done += n;

      if (ends != NULL)
        {
          while (expected < ends->len && g_array_index (ends, gsize, expected) <= done)
            expected++;
          if (cap->stanzas->len != expected)
            g_error ("chunk size %" G_GSIZE_FORMAT ": after %" G_GSIZE_FORMAT " bytes %u "
                     "stanzas were delivered, %u are complete", chunk, done,
                     cap->stanzas->len, expected);
        }
    }

  return TRUE;
}

/* Everything a reader delivered, in a form that compares as a string. */
static char *
capture_serialise (Capture *cap)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "starts=%u ends=%u\n", cap->n_starts, cap->n_ends);
  if (cap->root != NULL)
    {
      enlist_xml_node_write (cap->root, NULL, out);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < cap->stanzas->len; i++)
    {
      enlist_xml_node_write (g_ptr_array_index (cap->stanzas, i), ENLIST_NS_CLIENT, out);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static EnlistXmlNode *
parse_one_stanza (const char *stanza)
{
  g_autoptr(Capture) cap = capture_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = g_strconcat (STREAM_HEADER, stanza, NULL);

  g_assert_true (capture_feed (cap, stream, strlen (stream), 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  return g_ptr_array_steal_index (cap->stanzas, 0);
}

/* Feeds input with every chunk size from 1 byte to all of it and expects a
 * failure with the given code each time; libxml2's own error differs with
 * the chunk size, the outcome must not. */
static void
assert_refused (const char            *input,
                gsize                  len,
                const EnlistXmlLimits *limits,
                EnlistError            code)
{
  for (gsize chunk = 1; chunk <= len; chunk++)
    {
      g_autoptr(Capture) cap = capture_new (limits);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again = NULL;

      if (capture_feed (cap, input, len, chunk, NULL, &error))
        g_error ("chunk size %" G_GSIZE_FORMAT ": input was accepted: %s", chunk, input);
      g_assert_error (error, ENLIST_ERROR, (gint) code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpstr (error->message, !=, "");

      /* Once failed, the reader takes nothing more until reset. */
      g_assert_false (enlist_xml_reader_feed (cap->reader, "<presence/>", 11, &again));
      g_assert_error (again, ENLIST_ERROR, (gint) code);

      if (chunk == 1 && g_test_verbose ())
        g_test_message ("%s", error->message);
    }
}

static void
assert_refused_str (const char  *input,
                    EnlistError  code)
{
  assert_refused (input, strlen (input), NULL, code);
}

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
  g_autoptr(Capture) cap = capture_new (NULL);
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *node, *child;

  g_assert_true (capture_feed (cap, stream, strlen (stream), 0, NULL, &error));
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
  g_autoptr(Capture) whole = capture_new (NULL);

  g_assert_true (capture_feed (whole, stream, len, 0, ends, NULL));
  expected = capture_serialise (whole);

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
      g_autoptr(Capture) cap = capture_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *got = NULL;

      g_assert_true (capture_feed (cap, stream, len, sizes[i], ends, &error));
      g_assert_no_error (error);
      got = capture_serialise (cap);
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
      g_autoptr(Capture) cap = capture_new (NULL);
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
  g_autoptr(Capture) first = capture_new (NULL);
  g_autoptr(Capture) second = capture_new (NULL);
  g_autoptr(GString) again = g_string_new (STREAM_HEADER);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_true (capture_feed (first, stream, strlen (stream), 0, NULL, NULL));
  for (guint i = 0; i < first->stanzas->len; i++)
    enlist_xml_node_write (g_ptr_array_index (first->stanzas, i), ENLIST_NS_CLIENT, again);
  g_string_append (again, STREAM_FOOTER);

  g_assert_true (capture_feed (second, again->str, again->len, 0, NULL, NULL));
  a = capture_serialise (first);
  b = capture_serialise (second);
  g_assert_cmpstr (a, ==, b);
}

static void
test_reader_entities (void)
{
  g_autoptr(EnlistXmlNode) node = NULL;

  node = parse_one_stanza ("<message to='&amp;&lt;&gt;&apos;&quot;&#x41;&#66;&#38;|a&amp;#38;b'>"
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

  node = parse_one_stanza ("<iq xmlns:p='urn:p' xmlns:q='urn:q' type='get' xml:lang='fr' "
                           "p:a='1' q:a='2' a='3'><query xmlns='urn:z' p:b='4'/></iq>");
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
  g_autoptr(Capture) cap = NULL;
  g_autofree char *spaces = g_strnfill (256 * 1024, ' ');

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 100;
  limits.max_buffered = 1000;
  cap = capture_new (&limits);

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
  g_autoptr(Capture) cap = capture_new (NULL);

  g_assert_true (capture_feed (cap, client, strlen (client), 1, NULL, NULL));
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
      g_autoptr(Capture) cap = capture_new (NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (capture_feed (cap, stream, strlen (stream), chunk, NULL, &error));
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
  g_autoptr(Capture) cap = capture_new (NULL);

  g_assert_true (capture_feed (cap, stream, strlen (stream), 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
}

static void
test_reader_dtd (void)
{
  assert_refused_str ("<?xml version='1.0'?><!DOCTYPE stream:stream>" STREAM_HEADER "<a/>",
                      ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<!DOCTYPE stream:stream SYSTEM 'http://example.com/x.dtd'>"
                      STREAM_HEADER "<a/>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_billion_laughs (void)
{
  static const char input[] =
    "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
    "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
    "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
    "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
    "<!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>"
    "<!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>"
    "<!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>"
    "<!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>"
    "<!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>"
    "<!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>"
    "]><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
    "<message><body>&lol9;</body></message>";

  assert_refused_str (input, ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<!DOCTYPE x [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" STREAM_HEADER
                      "<message><body>&xxe;</body></message>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_undefined_entity (void)
{
  assert_refused_str (STREAM_HEADER "<message><body>&foo;</body></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message to='&foo;'/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message><body>&#0;</body></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message><body>&#x1;</body></message>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_comment (void)
{
  assert_refused_str (STREAM_HEADER "<!-- hello -->", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message><!-- hello --></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<!-- hello -->" STREAM_HEADER, ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_pi (void)
{
  assert_refused_str (STREAM_HEADER "<?foo bar?>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message><?foo bar?></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<?xml-stylesheet href='x'?>" STREAM_HEADER, ENLIST_ERROR_PROTOCOL);
  /* The XML declaration is allowed only at the very start. */
  assert_refused_str (STREAM_HEADER "<?xml version='1.0'?>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_declared_encoding (void)
{
  assert_refused_str ("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream "
                      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                      "<message><body>\xe9</body></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<?xml version='1.0' encoding='US-ASCII'?><stream:stream "
                      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
                      ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<?xml version='1.0' encoding='UTF-16'?><stream:stream "
                      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
                      ENLIST_ERROR_PROTOCOL);
}

static void
assert_refused_converted (const char *to_codeset,
                          const char *prefix,
                          gsize       prefix_len)
{
  static const char stream[] = STREAM_HEADER "<message><body>x</body></message>";
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) input = g_byte_array_new ();
  gsize len = 0;
  g_autofree char *converted = g_convert (stream, -1, to_codeset, "UTF-8", NULL, &len, &error);

  g_assert_no_error (error);
  g_byte_array_append (input, (const guint8 *) prefix, prefix_len);
  g_byte_array_append (input, (const guint8 *) converted, len);
  assert_refused ((const char *) input->data, input->len, NULL, ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_utf16 (void)
{
  assert_refused_converted ("UTF-16LE", "\xff\xfe", 2);
  assert_refused_converted ("UTF-16BE", "\xfe\xff", 2);
  assert_refused_converted ("UTF-16LE", "", 0);
  assert_refused_converted ("UTF-16BE", "", 0);
  assert_refused_converted ("UTF-32LE", "\xff\xfe\x00\x00", 4);
  assert_refused_converted ("UTF-32BE", "", 0);
}

static void
test_reader_ebcdic (void)
{
  /* "<?xml version='1.0'?>" in code page 037, then anything. */
  static const char input[] =
    "\x4c\x6f\xa7\x94\x93\x40\xa5\x85\x99\xa2\x89\x96\x95\x7e\x7d\xf1\x4b\xf0\x7d\x6f\x6e"
    "\x4c\xa2\xa3\x99\x85\x81\x94\x6e";

  assert_refused (input, sizeof input - 1, NULL, ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_invalid_utf8 (void)
{
  static const char *bad[] = {
    "\xff", "\xc3(", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\x97", "\x80",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strconcat (STREAM_HEADER "<message><body>a", bad[i],
                                           "b</body></message>", NULL);
      g_autofree char *attr = g_strconcat (STREAM_HEADER "<message to='a", bad[i], "b'/>", NULL);
      g_autofree char *name = g_strconcat (STREAM_HEADER "<message", bad[i], "/>", NULL);

      assert_refused_str (text, ENLIST_ERROR_PROTOCOL);
      assert_refused_str (attr, ENLIST_ERROR_PROTOCOL);
      assert_refused_str (name, ENLIST_ERROR_PROTOCOL);
    }
}

static void
test_reader_namespaces (void)
{
  assert_refused_str (STREAM_HEADER "<foo:message/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message><foo:body/></message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message foo:to='x'/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message xmlns:a='urn:x' xmlns:b='urn:x' a:t='1' b:t='2'/>",
                      ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message xmlns:a=''/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<stream:stream xmlns='jabber:client'>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_xml_version (void)
{
  assert_refused_str ("<?xml version='1.1'?><stream:stream xmlns='jabber:client' "
                      "xmlns:stream='http://etherx.jabber.org/streams'><a>&#x1;</a>",
                      ENLIST_ERROR_PROTOCOL);
}

/* A namespace URI that is not absolute only makes libxml2 warn. */
static void
test_reader_relative_namespace (void)
{
  g_autoptr(EnlistXmlNode) node = parse_one_stanza ("<message><x xmlns='relative'/></message>");

  g_assert_true (enlist_xml_node_is (node->children->pdata[0], "x", "relative"));
}

static void
ignore_structured_error (void        *user_data,
                         xmlErrorPtr  error)
{
}

/* A process-wide error handler set by other code must not take libxml2's
 * error reports away from the reader. */
static void
test_reader_global_error_handler (void)
{
  xmlSetStructuredErrorFunc (NULL, ignore_structured_error);
  assert_refused_str (STREAM_HEADER "<message><foo:body/></message><presence/>",
                      ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message foo:to='x'/><presence/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message></body>", ENLIST_ERROR_PROTOCOL);
  xmlSetStructuredErrorFunc (NULL, NULL);
}

static void
test_reader_wrong_root (void)
{
  assert_refused_str ("<html><body/></html>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<stream xmlns='jabber:client'>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<stream:stream xmlns:stream='jabber:client'>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("<streams:stream xmlns:streams='http://etherx.jabber.org/streams/'>",
                      ENLIST_ERROR_PROTOCOL);
  assert_refused_str ("HTTP/1.1 400 Bad Request\r\n\r\n", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_malformed (void)
{
  assert_refused_str (STREAM_HEADER "<message></body>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message to='a' to='b'/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message>\x01</message>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "<message a=b/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "not a stanza<presence/>", ENLIST_ERROR_PROTOCOL);
  assert_refused_str (STREAM_HEADER "</stream:stream><presence/>", ENLIST_ERROR_PROTOCOL);
}

static void
test_reader_stanza_limit (void)
{
  EnlistXmlLimits limits;
  g_autoptr(GString) stanza = g_string_new ("<message>");
  g_autofree char *ok = NULL;
  g_autofree char *too_big = NULL;

  while (stanza->len + strlen ("<b>x</b><c></c></message>") <= 1000)
    g_string_append (stanza, "<b>x</b>");
  g_string_append (stanza, "<c>");
  while (stanza->len + strlen ("</c></message>") < 1000)
    g_string_append_c (stanza, 'x');
  g_string_append (stanza, "</c></message>");
  g_assert_cmpuint (stanza->len, ==, 1000);

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 1000;
  limits.max_buffered = 4000;

  /* Exactly at the limit, fed in any way, is fine (also twice in a row). */
  ok = g_strconcat (STREAM_HEADER, stanza->str, stanza->str, NULL);
  for (gsize chunk = 1; chunk <= 64; chunk++)
    {
      g_autoptr(Capture) cap = capture_new (&limits);
      g_autoptr(GError) error = NULL;

      g_assert_true (capture_feed (cap, ok, strlen (ok), chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);
    }

  /* One byte more is not. */
  g_string_insert (stanza, strlen ("<message"), " ");
  too_big = g_strconcat (STREAM_HEADER, stanza->str, NULL);
  assert_refused (too_big, strlen (too_big), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
}

static void
test_reader_stanza_limit_default (void)
{
  g_autoptr(GString) stream = g_string_new (STREAM_HEADER "<message>");
  g_autoptr(Capture) cap = capture_new (NULL);
  g_autoptr(GError) error = NULL;

  /* 1 MiB of text in small elements passes, 3 MiB does not. */
  while (stream->len < 1024 * 1024)
    g_string_append (stream, "<b>0123456789abcdef0123456789abcdef</b>");
  g_string_append (stream, "</message>");
  g_assert_true (capture_feed (cap, stream->str, stream->len, 4096, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  g_string_truncate (stream, stream->len - strlen ("</message>"));
  while (stream->len < 3 * 1024 * 1024)
    g_string_append (stream, "<b>0123456789abcdef0123456789abcdef</b>");
  g_clear_pointer (&cap, capture_free);
  cap = capture_new (NULL);
  g_assert_false (capture_feed (cap, stream->str, stream->len, 0, NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (cap->stanzas->len, ==, 0);
}

static void
test_reader_depth_limit (void)
{
  EnlistXmlLimits limits;
  g_autoptr(Capture) cap = NULL;
  static const char ok[] = STREAM_HEADER "<a><b><c><d/></c></b></a>";
  static const char deep[] = STREAM_HEADER "<a><b><c><d><e/></d></c></b></a>";
  g_autoptr(GString) very_deep = g_string_new (STREAM_HEADER);

  enlist_xml_limits_init_default (&limits);
  limits.max_depth = 4;

  cap = capture_new (&limits);
  g_assert_true (capture_feed (cap, ok, strlen (ok), 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  assert_refused (deep, strlen (deep), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* The default is 32 levels, well before libxml2's own limit of 256. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (very_deep, "<a>");
  assert_refused (very_deep->str, strlen (STREAM_HEADER) + 3 * 33, NULL,
                  ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_pointer (&cap, capture_free);
  cap = capture_new (NULL);
  g_assert_true (capture_feed (cap, very_deep->str, strlen (STREAM_HEADER) + 3 * 32, 0, NULL,
                               NULL));
  g_clear_pointer (&cap, capture_free);
  cap = capture_new (NULL);
  g_assert_false (capture_feed (cap, very_deep->str, very_deep->len, 0, NULL, NULL));
}

static void
test_reader_attribute_limit (void)
{
  EnlistXmlLimits limits;
  g_autoptr(GString) ok = g_string_new (STREAM_HEADER "<message");
  g_autoptr(GString) too_many = NULL;
  g_autoptr(Capture) cap = NULL;

  enlist_xml_limits_init_default (&limits);
  limits.max_attributes = 8;

  for (guint i = 0; i < 8; i++)
    g_string_append_printf (ok, " a%u='%u'", i, i);
  too_many = g_string_new (ok->str);
  g_string_append (ok, "/>");
  g_string_append (too_many, " a8='8'/>");

  cap = capture_new (&limits);
  g_assert_true (capture_feed (cap, ok->str, ok->len, 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  assert_refused (too_many->str, too_many->len, &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* Namespace declarations count as attributes. */
  g_string_assign (too_many, STREAM_HEADER "<message a='1'><x");
  for (guint i = 0; i < 9; i++)
    g_string_append_printf (too_many, " xmlns:p%u='urn:%u'", i, i);
  g_string_append (too_many, "/></message>");
  assert_refused (too_many->str, too_many->len, &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
}

static void
test_reader_text_limit (void)
{
  EnlistXmlLimits limits;
  g_autofree char *text = g_strnfill (100, 'x');
  g_autofree char *ok = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *entities = NULL;
  g_autoptr(GString) refs = g_string_new (STREAM_HEADER "<message><body>");
  g_autoptr(Capture) cap = NULL;
  EnlistXmlNode *body;

  enlist_xml_limits_init_default (&limits);
  limits.max_text = 100;

  ok = g_strconcat (STREAM_HEADER "<message><body>", text, "</body><b>", text, "</b></message>",
                    NULL);
  cap = capture_new (&limits);
  g_assert_true (capture_feed (cap, ok, strlen (ok), 7, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  too_long = g_strconcat (STREAM_HEADER "<message><body>", text, "y</body></message>", NULL);
  assert_refused (too_long, strlen (too_long), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* Counted in bytes after decoding, across character data split by
   * references: 50 bytes and 50 one-byte references make exactly 100. */
  g_string_append_len (refs, text, 50);
  for (guint i = 0; i < 49; i++)
    g_string_append (refs, i % 2 ? "&lt;" : "&#x41;");
  entities = g_strconcat (refs->str, "&amp;</body></message>", NULL);
  g_clear_pointer (&cap, capture_free);
  cap = capture_new (&limits);
  g_assert_true (capture_feed (cap, entities, strlen (entities), 3, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  body = enlist_xml_node_get_child (cap->stanzas->pdata[0], "body", NULL);
  g_assert_cmpuint (strlen (enlist_xml_node_get_text (body)), ==, 100);

  /* A two-byte character as the last one is one byte too many. */
  g_free (entities);
  entities = g_strconcat (refs->str, "&#xe9;</body></message>", NULL);
  assert_refused (entities, strlen (entities), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
}

/* A start tag that never ends: libxml2 would buffer it up to 10 MB before
 * complaining. The reader must give up close to its own limit. */
static void
test_reader_buffered_limit (void)
{
  static const char start[] = STREAM_HEADER "<iq type='get' id='";
  EnlistXmlLimits limits;
  gsize attack_len = 3 * 1024 * 1024;
  g_autofree char *attack = g_strnfill (attack_len, 'a');
  g_autoptr(Capture) cap = capture_new (NULL);
  g_autoptr(Capture) whole = capture_new (NULL);
  g_autoptr(GError) error = NULL;
  gsize fed = 0;

  enlist_xml_limits_init_default (&limits);

  g_assert_true (enlist_xml_reader_feed (cap->reader, start, strlen (start), NULL));
  while (fed < attack_len)
    {
      if (!enlist_xml_reader_feed (cap->reader, attack + fed, 4096, &error))
        break;
      fed += 4096;
    }
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (fed, <=, limits.max_buffered);
  g_assert_cmpuint (fed, >=, limits.max_stanza_size);
  g_clear_error (&error);

  /* Also when it all comes in one call. */
  g_assert_true (enlist_xml_reader_feed (whole->reader, start, strlen (start), NULL));
  g_assert_false (enlist_xml_reader_feed (whole->reader, attack, attack_len, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  /* And for a stream header that never ends. */
  g_clear_pointer (&whole, capture_free);
  whole = capture_new (NULL);
  g_assert_true (enlist_xml_reader_feed (whole->reader, "<stream:stream a='", 18, NULL));
  g_assert_false (enlist_xml_reader_feed (whole->reader, attack, attack_len, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
}

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
      g_autoptr(Capture) cap = capture_new (NULL);
      g_autoptr(GError) error = NULL;

      cap->stop_at = "proceed";
      g_assert_true (capture_feed (cap, first->str, first->len, chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);
      g_assert_true (enlist_xml_node_is (cap->stanzas->pdata[1], "proceed", ENLIST_NS_TLS));

      /* Stopped: more bytes are dropped, not parsed. */
      g_assert_true (enlist_xml_reader_feed (cap->reader, "<presence/>", 11, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);

      enlist_xml_reader_reset (cap->reader);
      g_assert_true (capture_feed (cap, second, strlen (second), chunk, NULL, &error));
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
  g_autoptr(Capture) cap = capture_new (NULL);
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
  g_autoptr(Capture) cap = capture_new (NULL);
  EnlistXmlReader *reader = cap->reader;

  cap->stop_at = "message";
  cap->free_at_stop = TRUE;
  g_assert_true (enlist_xml_reader_feed (reader, stream, sizeof stream - 1, NULL));
  g_assert_null (cap->reader);
  g_assert_cmpuint (cap->stanzas->len, ==, 2);
}

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
  parsed = parse_one_stanza (xml);
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
  g_test_add_func ("/xml/reader/limit/stanza", test_reader_stanza_limit);
  g_test_add_func ("/xml/reader/limit/stanza-default", test_reader_stanza_limit_default);
  g_test_add_func ("/xml/reader/limit/depth", test_reader_depth_limit);
  g_test_add_func ("/xml/reader/limit/attributes", test_reader_attribute_limit);
  g_test_add_func ("/xml/reader/limit/text", test_reader_text_limit);
  g_test_add_func ("/xml/reader/limit/buffered", test_reader_buffered_limit);
  g_test_add_func ("/xml/reader/forbidden/dtd", test_reader_dtd);
  g_test_add_func ("/xml/reader/forbidden/billion-laughs", test_reader_billion_laughs);
  g_test_add_func ("/xml/reader/forbidden/undefined-entity", test_reader_undefined_entity);
  g_test_add_func ("/xml/reader/forbidden/comment", test_reader_comment);
  g_test_add_func ("/xml/reader/forbidden/pi", test_reader_pi);
  g_test_add_func ("/xml/reader/forbidden/declared-encoding", test_reader_declared_encoding);
  g_test_add_func ("/xml/reader/forbidden/utf16", test_reader_utf16);
  g_test_add_func ("/xml/reader/forbidden/ebcdic", test_reader_ebcdic);
  g_test_add_func ("/xml/reader/forbidden/invalid-utf8", test_reader_invalid_utf8);
  g_test_add_func ("/xml/reader/forbidden/namespaces", test_reader_namespaces);
  g_test_add_func ("/xml/reader/forbidden/wrong-root", test_reader_wrong_root);
  g_test_add_func ("/xml/reader/forbidden/xml-version", test_reader_xml_version);
  g_test_add_func ("/xml/reader/forbidden/global-error-handler",
                   test_reader_global_error_handler);
  g_test_add_func ("/xml/reader/relative-namespace", test_reader_relative_namespace);
  g_test_add_func ("/xml/reader/forbidden/malformed", test_reader_malformed);
  g_test_add_func ("/xml/reader/stop-reset", test_reader_stop_reset);
  g_test_add_func ("/xml/reader/reset-after-error", test_reader_reset_after_error);
  g_test_add_func ("/xml/reader/free-in-callback", test_reader_free_in_callback);

  return g_test_run ();
}
