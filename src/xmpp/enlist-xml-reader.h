/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xml-reader.h: the XMPP stream parser, on libxml2's SAX2 push parser,
 * hardened for untrusted input. */
#pragma once

#include <glib.h>

#include "enlist-xml.h"

G_BEGIN_DECLS

typedef struct
{
  gsize max_stanza_size;    /* bytes of one top-level element (default 2 MiB) */
  guint max_depth;          /* element nesting below the stream root (default 32) */
  guint max_attributes;     /* per element (default 64) */
  gsize max_text;           /* character data in one element (default 1.5 MiB) */
  gsize max_buffered;       /* bytes fed but not yet parsed into a complete stanza
                             * (default = max_stanza_size + 64 KiB) */
} EnlistXmlLimits;

void enlist_xml_limits_init_default (EnlistXmlLimits *limits);

typedef struct
{
  /* <stream:stream ...> was read. root has the attributes (no children). */
  void (*stream_start) (gpointer             user_data,
                        const EnlistXmlNode *root);
  /* A complete top-level element (child of the stream root); ownership passes
   * to the callee. */
  void (*stanza)       (gpointer             user_data,
                        EnlistXmlNode       *stanza);
  /* </stream:stream> was read. */
  void (*stream_end)   (gpointer             user_data);
} EnlistXmlReaderCallbacks;

typedef struct _EnlistXmlReader EnlistXmlReader;

EnlistXmlReader *enlist_xml_reader_new   (const EnlistXmlLimits          *limits,
                                          const EnlistXmlReaderCallbacks *callbacks,
                                          gpointer                        user_data);
void             enlist_xml_reader_free  (EnlistXmlReader                *reader);

/* Parses more bytes. Callbacks run synchronously from inside this call.
 * Returns FALSE with ENLIST_ERROR_PROTOCOL (malformed or forbidden XML: DTD,
 * entity declaration or reference other than the five predefined ones and
 * character references, comment, processing instruction, encoding other than
 * UTF-8, invalid UTF-8, namespace error) or ENLIST_ERROR_LIMIT_EXCEEDED; after
 * an error the reader refuses all further input until reset. */
gboolean         enlist_xml_reader_feed  (EnlistXmlReader                *reader,
                                          const char                     *data,
                                          gsize                           len,
                                          GError                        **error);

/* May be called from a callback: the rest of the bytes of the current feed
 * call are dropped and feed returns TRUE. Used when the stream is about to be
 * restarted (after <proceed/> or SASL <success/>). */
void             enlist_xml_reader_stop  (EnlistXmlReader                *reader);

/* Starts over with a fresh parser, expecting a new stream header. Must not be
 * called from a callback. */
void             enlist_xml_reader_reset (EnlistXmlReader                *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistXmlReader, enlist_xml_reader_free)

G_END_DECLS
