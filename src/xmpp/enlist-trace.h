/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-trace.h: the XML trace for debugging, with secrets redacted. */
#pragma once

#include "enlist-xml.h"

G_BEGIN_DECLS

typedef enum
{
  ENLIST_TRACE_IN,
  ENLIST_TRACE_OUT,
} EnlistTraceDirection;

/* TRUE when ENLIST_DEBUG contains "xml" or enlist_trace_set_enabled (TRUE) was called. */
gboolean       enlist_trace_enabled       (void);
void           enlist_trace_set_enabled   (gboolean              enabled);

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
