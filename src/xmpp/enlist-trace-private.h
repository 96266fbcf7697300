/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trace-private.h: what the XML trace prints and how secrets are kept
 * out of it; for the protocol engine, which sees the XML. */
#pragma once

#include "enlist-trace.h"
#include "enlist-xml.h"

G_BEGIN_DECLS

typedef enum
{
  ENLIST_TRACE_IN,
  ENLIST_TRACE_OUT,
} EnlistTraceDirection;

/* A copy of node with every secret replaced by "[redacted]": passwords
 * (jabber:iq:register <password/>, <old_password/>, data-form fields of type
 * text-private or named like a password), SASL payloads, CAPTCHA answers. */
EnlistXmlNode *enlist_trace_redact        (const EnlistXmlNode  *node);

/* Writes the redacted stanza to stderr with the peer's name and direction. */
void           enlist_trace_stanza        (const char           *peer,
                                           EnlistTraceDirection  direction,
                                           const EnlistXmlNode  *node);
/* For non-stanza stream events ("stream opened", "TLS established"...). */
void           enlist_trace_event         (const char           *peer,
                                           EnlistTraceDirection  direction,
                                           const char           *text);

G_END_DECLS
