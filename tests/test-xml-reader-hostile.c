/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xml-reader-hostile.c: what the hardened stream reader refuses, at
 * every chunk size: DTDs and entity expansion, comments and processing
 * instructions, encodings other than UTF-8, malformed input, and stanzas
 * over the limits on size, depth, attributes, text and what libxml2 may
 * buffer. */
#define G_LOG_DOMAIN "test-xml"

#include "config.h"

#include <string.h>

#include <libxml/xmlerror.h>

#include "enlist-error.h"
#include "enlist-samples.h"
#include "enlist-test-xml.h"

static void
assert_refused_str (const char  *input,
                    EnlistError  code)
{
  enlist_test_assert_refused (input, strlen (input), NULL, code);
}

/* ---------------------------------------------------------------------- */
/* Forbidden input                                                         */

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
  enlist_test_assert_refused ((const char *) input->data, input->len, NULL, ENLIST_ERROR_PROTOCOL);
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

  enlist_test_assert_refused (input, sizeof input - 1, NULL, ENLIST_ERROR_PROTOCOL);
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
  g_autoptr(EnlistXmlNode) node = NULL;

  node = enlist_test_parse_one_stanza ("<message><x xmlns='relative'/></message>");

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

/* ---------------------------------------------------------------------- */
/* Limits                                                                  */

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
      g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (&limits);
      g_autoptr(GError) error = NULL;

      g_assert_true (enlist_test_capture_feed (cap, ok, strlen (ok), chunk, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cap->stanzas->len, ==, 2);
    }

  /* One byte more is not. */
  g_string_insert (stanza, strlen ("<message"), " ");
  too_big = g_strconcat (STREAM_HEADER, stanza->str, NULL);
  enlist_test_assert_refused (too_big, strlen (too_big), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
}

static void
test_reader_stanza_limit_default (void)
{
  g_autoptr(GString) stream = g_string_new (STREAM_HEADER "<message>");
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  g_autoptr(GError) error = NULL;

  /* 1 MiB of text in small elements passes, 3 MiB does not. */
  while (stream->len < 1024 * 1024)
    g_string_append (stream, "<b>0123456789abcdef0123456789abcdef</b>");
  g_string_append (stream, "</message>");
  g_assert_true (enlist_test_capture_feed (cap, stream->str, stream->len, 4096, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  g_string_truncate (stream, stream->len - strlen ("</message>"));
  while (stream->len < 3 * 1024 * 1024)
    g_string_append (stream, "<b>0123456789abcdef0123456789abcdef</b>");
  g_clear_pointer (&cap, enlist_test_capture_free);
  cap = enlist_test_capture_new (NULL);
  g_assert_false (enlist_test_capture_feed (cap, stream->str, stream->len, 0, NULL, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (cap->stanzas->len, ==, 0);
}

static void
test_reader_depth_limit (void)
{
  EnlistXmlLimits limits;
  g_autoptr(EnlistTestCapture) cap = NULL;
  static const char ok[] = STREAM_HEADER "<a><b><c><d/></c></b></a>";
  static const char deep[] = STREAM_HEADER "<a><b><c><d><e/></d></c></b></a>";
  g_autoptr(GString) very_deep = g_string_new (STREAM_HEADER);

  enlist_xml_limits_init_default (&limits);
  limits.max_depth = 4;

  cap = enlist_test_capture_new (&limits);
  g_assert_true (enlist_test_capture_feed (cap, ok, strlen (ok), 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  enlist_test_assert_refused (deep, strlen (deep), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* The default is 32 levels, well before libxml2's own limit of 256. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (very_deep, "<a>");
  enlist_test_assert_refused (very_deep->str, strlen (STREAM_HEADER) + 3 * 33, NULL,
                              ENLIST_ERROR_LIMIT_EXCEEDED);
  g_clear_pointer (&cap, enlist_test_capture_free);
  cap = enlist_test_capture_new (NULL);
  g_assert_true (enlist_test_capture_feed (cap, very_deep->str, strlen (STREAM_HEADER) + 3 * 32, 0,
                                           NULL, NULL));
  g_clear_pointer (&cap, enlist_test_capture_free);
  cap = enlist_test_capture_new (NULL);
  g_assert_false (enlist_test_capture_feed (cap, very_deep->str, very_deep->len, 0, NULL, NULL));
}

static void
test_reader_attribute_limit (void)
{
  EnlistXmlLimits limits;
  g_autoptr(GString) ok = g_string_new (STREAM_HEADER "<message");
  g_autoptr(GString) too_many = NULL;
  g_autoptr(EnlistTestCapture) cap = NULL;

  enlist_xml_limits_init_default (&limits);
  limits.max_attributes = 8;

  for (guint i = 0; i < 8; i++)
    g_string_append_printf (ok, " a%u='%u'", i, i);
  too_many = g_string_new (ok->str);
  g_string_append (ok, "/>");
  g_string_append (too_many, " a8='8'/>");

  cap = enlist_test_capture_new (&limits);
  g_assert_true (enlist_test_capture_feed (cap, ok->str, ok->len, 0, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  enlist_test_assert_refused (too_many->str, too_many->len, &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* Namespace declarations count as attributes. */
  g_string_assign (too_many, STREAM_HEADER "<message a='1'><x");
  for (guint i = 0; i < 9; i++)
    g_string_append_printf (too_many, " xmlns:p%u='urn:%u'", i, i);
  g_string_append (too_many, "/></message>");
  enlist_test_assert_refused (too_many->str, too_many->len, &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
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
  g_autoptr(EnlistTestCapture) cap = NULL;
  EnlistXmlNode *body;

  enlist_xml_limits_init_default (&limits);
  limits.max_text = 100;

  ok = g_strconcat (STREAM_HEADER "<message><body>", text, "</body><b>", text, "</b></message>",
                    NULL);
  cap = enlist_test_capture_new (&limits);
  g_assert_true (enlist_test_capture_feed (cap, ok, strlen (ok), 7, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);

  too_long = g_strconcat (STREAM_HEADER "<message><body>", text, "y</body></message>", NULL);
  enlist_test_assert_refused (too_long, strlen (too_long), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);

  /* Counted in bytes after decoding, across character data split by
   * references: 50 bytes and 50 one-byte references make exactly 100. */
  g_string_append_len (refs, text, 50);
  for (guint i = 0; i < 49; i++)
    g_string_append (refs, i % 2 ? "&lt;" : "&#x41;");
  entities = g_strconcat (refs->str, "&amp;</body></message>", NULL);
  g_clear_pointer (&cap, enlist_test_capture_free);
  cap = enlist_test_capture_new (&limits);
  g_assert_true (enlist_test_capture_feed (cap, entities, strlen (entities), 3, NULL, NULL));
  g_assert_cmpuint (cap->stanzas->len, ==, 1);
  body = enlist_xml_node_get_child (cap->stanzas->pdata[0], "body", NULL);
  g_assert_cmpuint (strlen (enlist_xml_node_get_text (body)), ==, 100);

  /* A two-byte character as the last one is one byte too many. */
  g_free (entities);
  entities = g_strconcat (refs->str, "&#xe9;</body></message>", NULL);
  enlist_test_assert_refused (entities, strlen (entities), &limits, ENLIST_ERROR_LIMIT_EXCEEDED);
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
  g_autoptr(EnlistTestCapture) cap = enlist_test_capture_new (NULL);
  g_autoptr(EnlistTestCapture) whole = enlist_test_capture_new (NULL);
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
  g_clear_pointer (&whole, enlist_test_capture_free);
  whole = enlist_test_capture_new (NULL);
  g_assert_true (enlist_xml_reader_feed (whole->reader, "<stream:stream a='", 18, NULL));
  g_assert_false (enlist_xml_reader_feed (whole->reader, attack, attack_len, &error));
  g_assert_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

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

  return g_test_run ();
}
