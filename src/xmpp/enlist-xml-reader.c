/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xml-reader.c: turns the bytes of an XMPP stream into stanza trees.
 * The input is untrusted, so besides well-formedness this refuses everything
 * XMPP forbids (DTDs, entities, comments, processing instructions, encodings
 * other than UTF-8) and bounds every size an attacker controls. */
#define G_LOG_DOMAIN "enlist-xml"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/entities.h>

#include "enlist-error.h"
#include "enlist-xml-reader.h"

/* Input is handed to libxml2 in pieces of at most this size and the limits
 * are checked in between: libxml2 keeps an unfinished start tag in memory
 * (up to 10 MB without XML_PARSE_HUGE) and tells us nothing until it is
 * complete, so only this way does a never-ending tag fail near our limit. */
#define FEED_PIECE (64 * 1024)

struct _EnlistXmlReader
{
  EnlistXmlLimits           limits;
  EnlistXmlReaderCallbacks  callbacks;
  gpointer                  user_data;

  xmlParserCtxtPtr          ctxt;
  GError                   *error;      /* first error; sticky until reset */

  EnlistXmlNode            *stanza;     /* top-level element being built */
  EnlistXmlNode            *current;    /* innermost open element within it */
  guint                     depth;      /* open elements, stream root included */

  guint8                    head[4];    /* first bytes, held back until we saw 4 */
  gsize                     head_len;
  guint64                   fed;        /* bytes given to libxml2 */
  guint64                   boundary;   /* stream offset where the last stanza ended */

  guint                     in_feed : 1;
  guint                     stopped : 1;
  guint                     free_pending : 1;
};

void
enlist_xml_limits_init_default (EnlistXmlLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_stanza_size = 2 * 1024 * 1024;
  limits->max_depth = 32;
  limits->max_attributes = 64;
  limits->max_text = 3 * 512 * 1024;
  limits->max_buffered = limits->max_stanza_size + 64 * 1024;
}

static gboolean
reader_is_live (EnlistXmlReader *reader)
{
  return reader->error == NULL && !reader->stopped && !reader->free_pending;
}

static void reader_fail (EnlistXmlReader *reader,
                         EnlistError      code,
                         const char      *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* Records the first error and halts libxml2: after xmlStopParser it calls
 * no more SAX callbacks and xmlParseChunk returns at once. */
static void
reader_fail (EnlistXmlReader *reader,
             EnlistError      code,
             const char      *format,
             ...)
{
  va_list args;

  if (reader->error == NULL)
    {
      va_start (args, format);
      reader->error = g_error_new_valist (ENLIST_ERROR, code, format, args);
      va_end (args);
    }

  if (reader->ctxt != NULL)
    xmlStopParser (reader->ctxt);
}

/* How far libxml2 has parsed, in bytes from the start of the stream. Only
 * meaningful while the parser runs (inside a SAX callback). */
static guint64
reader_offset (EnlistXmlReader *reader)
{
  xmlParserInputPtr input = reader->ctxt->input;

  return (guint64) input->consumed + (guint64) (input->cur - input->base);
}

/* Where the given character data ends in the stream. libxml2 moves its
 * cursor past text only after the characters callback returns, so the
 * cursor alone would lag behind. */
static guint64
reader_offset_after (EnlistXmlReader *reader,
                     const xmlChar   *text,
                     int              len)
{
  xmlParserInputPtr input = reader->ctxt->input;
  guintptr start = (guintptr) input->base;
  guintptr end = (guintptr) input->end;
  guintptr t = (guintptr) text;

  if (t >= start && t + (guintptr) len <= end)
    return (guint64) input->consumed + (guint64) (t + (guintptr) len - start);

  return reader_offset (reader);
}

static gboolean
reader_check_stanza_size (EnlistXmlReader *reader)
{
  guint64 offset = reader_offset (reader);

  if (offset > reader->boundary && offset - reader->boundary > reader->limits.max_stanza_size)
    {
      reader_fail (reader, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server sent a stanza larger than %lu bytes"),
                   (gulong) reader->limits.max_stanza_size);
      return FALSE;
    }

  return TRUE;
}

/* Errors reach on_structured_error, which stops the parser. Should a report
 * ever be routed elsewhere (error routing has changed between libxml2
 * versions), the flags libxml2 leaves behind still keep us from acting on
 * what follows; a namespace error alone would not even stop libxml2. */
static gboolean
reader_check_well_formed (EnlistXmlReader *reader)
{
  if (!reader->ctxt->wellFormed || !reader->ctxt->nsWellFormed)
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   reader->ctxt->nsWellFormed ? _("The server sent malformed XML")
                                              : _("The server sent XML with a namespace error"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_utf8_name (const char *name)
{
  return g_ascii_strcasecmp (name, "UTF-8") == 0 || g_ascii_strcasecmp (name, "UTF8") == 0;
}

/* libxml2 converts other encodings to UTF-8 silently. A declared encoding is
 * visible once the XML declaration has been read; one detected from a
 * byte-order mark shows up as an input converter (and is caught earlier by
 * reader_check_head anyway). */
static gboolean
reader_check_encoding (EnlistXmlReader *reader)
{
  xmlParserCtxtPtr ctxt = reader->ctxt;
  const char *name = (const char *) ctxt->encoding;

  if (name == NULL && ctxt->input != NULL)
    name = (const char *) ctxt->input->encoding;

  if (name != NULL && !is_utf8_name (name))
    {
      /* An encoding name is ASCII by grammar, so cutting it is safe. */
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server declared the character encoding “%.40s”, but XMPP requires "
                     "UTF-8"),
                   name);
      return FALSE;
    }

  if (ctxt->input != NULL && ctxt->input->buf != NULL && ctxt->input->buf->encoder != NULL)
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server sent text in a character encoding other than UTF-8, "
                     "which XMPP forbids"));
      return FALSE;
    }

  return TRUE;
}

static void
on_start_document (void *user_data)
{
  EnlistXmlReader *reader = user_data;
  const char *version = (const char *) reader->ctxt->version;

  if (!reader_is_live (reader) || !reader_check_well_formed (reader))
    return;

  /* libxml2 only warns about XML 1.1, which allows more control characters. */
  if (version != NULL && strcmp (version, "1.0") != 0)
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server declared XML version %.20s, but XMPP uses XML 1.0"), version);
      return;
    }

  reader_check_encoding (reader);
}

/* libxml2 (with XML_PARSE_NOENT off) hands attribute values over with the
 * five predefined entities and character references already decoded, except
 * that each '&' they produced comes back as "&#38;" (meant for re-parsing by
 * its tree builder). A literal '&' cannot occur in a well-formed value, so
 * every '&' here starts such a sequence. */
static char *
decode_attr_value (const xmlChar *value,
                   const xmlChar *end)
{
  GString *out = g_string_sized_new (end - value);

  while (value < end)
    {
      if (*value == '&' && end - value >= 5 && memcmp (value, "&#38;", 5) == 0)
        {
          g_string_append_c (out, '&');
          value += 5;
        }
      else
        {
          g_string_append_c (out, (char) *value);
          value++;
        }
    }

  return g_string_free (out, FALSE);
}

static gboolean
reader_add_attributes (EnlistXmlReader *reader,
                       EnlistXmlNode   *node,
                       int              nb_attributes,
                       const xmlChar  **attributes)
{
  for (int i = 0; i < nb_attributes; i++)
    {
      const char *local = (const char *) attributes[5 * i];
      const char *uri = (const char *) attributes[5 * i + 2];
      g_autofree char *value = decode_attr_value (attributes[5 * i + 3], attributes[5 * i + 4]);
      g_autofree char *name = NULL;

      if (!g_utf8_validate (value, -1, NULL))
        {
          reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                       _("The server sent an attribute value that is not valid UTF-8"));
          return FALSE;
        }

      if (uri == NULL || *uri == '\0')
        name = g_strdup (local);
      else if (strcmp (uri, ENLIST_NS_XML) == 0)
        name = g_strconcat ("xml:", local, NULL);
      else
        name = g_strdup_printf ("{%s}%s", uri, local);

      enlist_xml_node_set_attr (node, name, value);
    }

  return TRUE;
}

static void
on_start_element (void           *user_data,
                  const xmlChar  *localname,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             nb_namespaces,
                  const xmlChar **namespaces,
                  int             nb_attributes,
                  int             nb_defaulted,
                  const xmlChar **attributes)
{
  EnlistXmlReader *reader = user_data;
  g_autoptr(EnlistXmlNode) node = NULL;

  if (!reader_is_live (reader) || !reader_check_well_formed (reader))
    return;

  if (reader->depth == 0)
    {
      if (strcmp ((const char *) localname, "stream") != 0 ||
          uri == NULL || strcmp ((const char *) uri, ENLIST_NS_STREAMS) != 0)
        {
          reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                       _("The server did not open an XMPP stream (the document does not start "
                         "with <stream:stream>)"));
          return;
        }

      if (!reader_check_encoding (reader))
        return;
    }
  else if (reader->depth > reader->limits.max_depth)
    {
      reader_fail (reader, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server sent elements nested more than %u levels deep"),
                   reader->limits.max_depth);
      return;
    }

  if ((guint) nb_attributes + (guint) nb_namespaces > reader->limits.max_attributes)
    {
      reader_fail (reader, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server sent an element with more than %u attributes"),
                   reader->limits.max_attributes);
      return;
    }

  if (reader->depth > 0 && !reader_check_stanza_size (reader))
    return;

  node = enlist_xml_node_new ((const char *) localname, (const char *) uri);
  if (!reader_add_attributes (reader, node, nb_attributes, attributes))
    return;

  reader->depth++;

  if (reader->depth == 1)
    {
      /* The stanza offset starts after the root's '>': libxml2 calls us with
       * the cursor still on it. */
      reader->boundary = reader_offset (reader) + 1;
      if (reader->callbacks.stream_start != NULL)
        reader->callbacks.stream_start (reader->user_data, node);
      return;
    }

  if (reader->current == NULL)
    reader->stanza = node;
  else
    enlist_xml_node_append (reader->current, node);

  reader->current = g_steal_pointer (&node);
}

static void
on_end_element (void          *user_data,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  EnlistXmlReader *reader = user_data;
  EnlistXmlNode *node;

  if (!reader_is_live (reader) || !reader_check_well_formed (reader))
    return;

  g_assert (reader->depth > 0);
  reader->depth--;

  if (reader->depth == 0)
    {
      if (reader->callbacks.stream_end != NULL)
        reader->callbacks.stream_end (reader->user_data);
      return;
    }

  node = reader->current;
  g_assert (node != NULL);

  /* libxml2 checks UTF-8 itself; this guards against any path that slips
   * through (text is validated whole, as pieces may split a character). */
  if (!g_utf8_validate (node->text->str, node->text->len, NULL))
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server sent text that is not valid UTF-8"));
      return;
    }

  reader->current = node->parent;

  if (reader->depth > 1)
    return;

  if (!reader_check_stanza_size (reader))
    return;

  reader->boundary = reader_offset (reader);
  reader->current = NULL;
  node = g_steal_pointer (&reader->stanza);

  if (reader->callbacks.stanza != NULL)
    reader->callbacks.stanza (reader->user_data, node);
  else
    enlist_xml_node_free (node);
}

static gboolean
is_xml_space (const xmlChar *text,
              int            len)
{
  for (int i = 0; i < len; i++)
    {
      if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
        return FALSE;
    }

  return TRUE;
}

static void
on_characters (void          *user_data,
               const xmlChar *text,
               int            len)
{
  EnlistXmlReader *reader = user_data;

  if (!reader_is_live (reader) || len <= 0 || !reader_check_well_formed (reader))
    return;

  if (reader->current == NULL)
    {
      /* Between stanzas only whitespace keepalives are allowed; they end
       * whatever counted towards the next stanza. */
      if (!is_xml_space (text, len))
        {
          reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                       _("The server sent text outside of any stanza"));
          return;
        }

      if (reader->depth == 1)
        reader->boundary = reader_offset_after (reader, text, len);
      return;
    }

  if (reader->current->text->len + (gsize) len > reader->limits.max_text)
    {
      reader_fail (reader, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server sent an element with more than %lu bytes of text"),
                   (gulong) reader->limits.max_text);
      return;
    }

  if (!reader_check_stanza_size (reader))
    return;

  g_string_append_len (reader->current->text, (const char *) text, len);
}

/* What XMPP forbids (RFC 6120 §11.1) is refused from the SAX callbacks,
 * before libxml2 acts on it: the internal subset callback runs before any
 * declaration in it is parsed, getEntity before a reference is expanded. */

static void
on_internal_subset (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a document type declaration, which XMPP forbids"));
}

static void
on_entity_decl (void          *user_data,
                const xmlChar *name,
                int            type,
                const xmlChar *public_id,
                const xmlChar *system_id,
                xmlChar       *content)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent an entity declaration, which XMPP forbids"));
}

static void
on_unparsed_entity_decl (void          *user_data,
                         const xmlChar *name,
                         const xmlChar *public_id,
                         const xmlChar *system_id,
                         const xmlChar *notation_name)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent an entity declaration, which XMPP forbids"));
}

static void
on_notation_decl (void          *user_data,
                  const xmlChar *name,
                  const xmlChar *public_id,
                  const xmlChar *system_id)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a document type declaration, which XMPP forbids"));
}

static void
on_attribute_decl (void             *user_data,
                   const xmlChar    *elem,
                   const xmlChar    *fullname,
                   int               type,
                   int               def,
                   const xmlChar    *default_value,
                   xmlEnumerationPtr tree)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a document type declaration, which XMPP forbids"));
  /* libxml2 hands ownership of the enumeration to this callback. */
  xmlFreeEnumeration (tree);
}

static void
on_element_decl (void              *user_data,
                 const xmlChar     *name,
                 int                type,
                 xmlElementContentPtr content)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a document type declaration, which XMPP forbids"));
}

static xmlEntityPtr
on_get_entity (void          *user_data,
               const xmlChar *name)
{
  xmlEntityPtr entity = xmlGetPredefinedEntity (name);

  if (entity != NULL)
    return entity;

  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a reference to an undefined entity; XMPP allows only "
                 "&amp;, &lt;, &gt;, &apos;, &quot; and character references"));
  return NULL;
}

static xmlEntityPtr
on_get_parameter_entity (void          *user_data,
                         const xmlChar *name)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a document type declaration, which XMPP forbids"));
  return NULL;
}

static void
on_reference (void          *user_data,
              const xmlChar *name)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a reference to an undefined entity; XMPP allows only "
                 "&amp;, &lt;, &gt;, &apos;, &quot; and character references"));
}

static xmlParserInputPtr
on_resolve_entity (void          *user_data,
                   const xmlChar *public_id,
                   const xmlChar *system_id)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server referred to an external entity, which XMPP forbids"));
  return NULL;
}

static void
on_comment (void          *user_data,
            const xmlChar *value)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent an XML comment, which XMPP forbids"));
}

/* The XML declaration is not reported as a processing instruction, so
 * anything arriving here is a real one. */
static void
on_processing_instruction (void          *user_data,
                           const xmlChar *target,
                           const xmlChar *data)
{
  reader_fail (user_data, ENLIST_ERROR_PROTOCOL,
               _("The server sent a processing instruction, which XMPP forbids"));
}

static void
on_structured_error (void       *user_data,
                     xmlErrorPtr error)
{
  EnlistXmlReader *reader = user_data;
  g_autofree char *message = NULL;

  /* Warnings (a relative namespace URI, say) are harmless. */
  if (error->level < XML_ERR_ERROR)
    return;

  if (!reader_is_live (reader))
    return;

  message = g_strdup (error->message != NULL ? error->message : _("unknown error"));
  g_strstrip (message);
  if (strchr (message, '\n') != NULL)
    *strchr (message, '\n') = '\0';
  if (!g_utf8_validate (message, -1, NULL))
    {
      g_free (message);
      message = g_strdup (_("unknown error"));
    }

  /* Errors in the namespace domain do not stop libxml2 on their own, and an
   * unbound prefix is as fatal for us as a syntax error: stop in any case. */
  if (error->domain == XML_FROM_NAMESPACE)
    reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                 _("The server sent XML with a namespace error (%s)"), message);
  else if (error->code == XML_ERR_INVALID_CHAR || error->code == XML_ERR_INVALID_ENCODING)
    reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                 _("The server sent invalid UTF-8 or a character XML does not allow (%s)"),
                 message);
  else
    reader_fail (reader, ENLIST_ERROR_PROTOCOL, _("The server sent malformed XML (%s)"), message);
}

static void
reader_start_parser (EnlistXmlReader *reader)
{
  xmlSAXHandler sax;

  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startDocument = on_start_document;
  sax.startElementNs = on_start_element;
  sax.endElementNs = on_end_element;
  sax.characters = on_characters;
  sax.ignorableWhitespace = on_characters;
  sax.cdataBlock = on_characters;
  sax.internalSubset = on_internal_subset;
  sax.externalSubset = on_internal_subset;
  sax.entityDecl = on_entity_decl;
  sax.unparsedEntityDecl = on_unparsed_entity_decl;
  sax.notationDecl = on_notation_decl;
  sax.attributeDecl = on_attribute_decl;
  sax.elementDecl = on_element_decl;
  sax.getEntity = on_get_entity;
  sax.getParameterEntity = on_get_parameter_entity;
  sax.reference = on_reference;
  sax.resolveEntity = on_resolve_entity;
  sax.comment = on_comment;
  sax.processingInstruction = on_processing_instruction;
  sax.serror = on_structured_error;

  /* The user data must be ours: with NULL, libxml2 passes the context itself
   * and falls back to its own entity handling. */
  reader->ctxt = xmlCreatePushParserCtxt (&sax, reader, NULL, 0, NULL);
  if (reader->ctxt == NULL)
    g_error ("Could not create an XML parser: out of memory");

  /* No XML_PARSE_NOENT (entities stay unexpanded), no XML_PARSE_HUGE (keep
   * libxml2's own limits as a second line), no DTD loading, no network. */
  xmlCtxtUseOptions (reader->ctxt, XML_PARSE_NONET);
  reader->ctxt->replaceEntities = 0;
  reader->ctxt->loadsubset = 0;
  reader->ctxt->validate = 0;
}

EnlistXmlReader *
enlist_xml_reader_new (const EnlistXmlLimits          *limits,
                       const EnlistXmlReaderCallbacks *callbacks,
                       gpointer                        user_data)
{
  EnlistXmlReader *reader;
  EnlistXmlLimits defaults;

  g_return_val_if_fail (callbacks != NULL, NULL);

  enlist_xml_limits_init_default (&defaults);

  reader = g_new0 (EnlistXmlReader, 1);
  reader->limits = limits != NULL ? *limits : defaults;
  reader->callbacks = *callbacks;
  reader->user_data = user_data;

  /* A zero limit would refuse every stream; read it as "the default". */
  if (reader->limits.max_stanza_size == 0)
    reader->limits.max_stanza_size = defaults.max_stanza_size;
  if (reader->limits.max_depth == 0)
    reader->limits.max_depth = defaults.max_depth;
  if (reader->limits.max_attributes == 0)
    reader->limits.max_attributes = defaults.max_attributes;
  if (reader->limits.max_text == 0)
    reader->limits.max_text = defaults.max_text;
  if (reader->limits.max_buffered == 0)
    reader->limits.max_buffered = reader->limits.max_stanza_size + 64 * 1024;

  reader_start_parser (reader);

  return reader;
}

static void
reader_clear (EnlistXmlReader *reader)
{
  g_clear_pointer (&reader->ctxt, xmlFreeParserCtxt);
  g_clear_error (&reader->error);
  g_clear_pointer (&reader->stanza, enlist_xml_node_free);
  reader->current = NULL;
  reader->depth = 0;
  reader->head_len = 0;
  reader->fed = 0;
  reader->boundary = 0;
  reader->stopped = FALSE;
}

/* Freeing from inside a callback (an owner that goes away on a stanza) is
 * allowed: the parser is halted and the memory released when feed unwinds. */
void
enlist_xml_reader_free (EnlistXmlReader *reader)
{
  if (reader == NULL)
    return;

  if (reader->in_feed)
    {
      reader->free_pending = TRUE;
      xmlStopParser (reader->ctxt);
      return;
    }

  reader_clear (reader);
  g_free (reader);
}

void
enlist_xml_reader_stop (EnlistXmlReader *reader)
{
  g_return_if_fail (reader != NULL);

  if (reader->stopped)
    return;

  reader->stopped = TRUE;
  if (reader->in_feed)
    xmlStopParser (reader->ctxt);
}

void
enlist_xml_reader_reset (EnlistXmlReader *reader)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (!reader->in_feed);

  reader_clear (reader);
  reader_start_parser (reader);
}

/* libxml2 guesses the encoding from the first four bytes and converts UTF-16,
 * UCS-4 and EBCDIC without telling anyone, so look at them first. */
static gboolean
reader_check_head (EnlistXmlReader *reader)
{
  const guint8 *h = reader->head;

  if (h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
    return TRUE;

  if ((h[0] == 0xFE && h[1] == 0xFF) || (h[0] == 0xFF && h[1] == 0xFE) ||
      h[0] == 0 || h[1] == 0 || h[2] == 0 || h[3] == 0)
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server sent a stream encoded in UTF-16 or UTF-32, "
                     "but XMPP requires UTF-8"));
      return FALSE;
    }

  if (h[0] == 0x4C && h[1] == 0x6F && h[2] == 0xA7 && h[3] == 0x94)
    {
      reader_fail (reader, ENLIST_ERROR_PROTOCOL,
                   _("The server sent a stream encoded in EBCDIC, but XMPP requires UTF-8"));
      return FALSE;
    }

  return TRUE;
}

static void
reader_push (EnlistXmlReader *reader,
             const char      *data,
             gsize            len)
{
  while (len > 0 && reader_is_live (reader))
    {
      gsize piece = MIN (len, FEED_PIECE);
      int rc;

      /* No hold-back workaround is needed here: libxml2 2.9.14 parses an end
       * tag as soon as its '>' is in the buffer (xmlParseTryOrFinish looks
       * for the last '>' of the chunk), so a stanza that is complete in the
       * input is delivered before xmlParseChunk returns; only trailing
       * character data waits for the next '<'. /xml/reader/delivery checks
       * this for every split position. */
      reader->fed += piece;
      rc = xmlParseChunk (reader->ctxt, data, (int) piece, 0);

      if (!reader_is_live (reader))
        return;

      if (!reader_check_well_formed (reader))
        return;

      if (rc != XML_ERR_OK)
        {
          reader_fail (reader, ENLIST_ERROR_PROTOCOL, _("The server sent malformed XML"));
          return;
        }

      if (reader->fed > reader->boundary &&
          reader->fed - reader->boundary > reader->limits.max_buffered)
        {
          reader_fail (reader, ENLIST_ERROR_LIMIT_EXCEEDED,
                       _("The server sent more than %lu bytes without completing a stanza"),
                       (gulong) reader->limits.max_buffered);
          return;
        }

      data += piece;
      len -= piece;
    }
}

gboolean
enlist_xml_reader_feed (EnlistXmlReader  *reader,
                        const char       *data,
                        gsize             len,
                        GError          **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!reader->in_feed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (reader_is_live (reader))
    {
      reader->in_feed = TRUE;

      if (reader->head_len < sizeof reader->head)
        {
          gsize n = MIN (sizeof reader->head - reader->head_len, len);

          if (n > 0)
            memcpy (reader->head + reader->head_len, data, n);
          reader->head_len += n;
          data += n;
          len -= n;

          if (reader->head_len == sizeof reader->head && reader_check_head (reader))
            reader_push (reader, (const char *) reader->head, sizeof reader->head);
        }

      if (reader->head_len == sizeof reader->head)
        reader_push (reader, data, len);

      reader->in_feed = FALSE;

      if (reader->free_pending)
        {
          enlist_xml_reader_free (reader);
          return TRUE;
        }
    }

  /* After stop, input is dropped until reset; after an error, refused. */
  if (reader->error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (reader->error);
      return FALSE;
    }

  return TRUE;
}
