/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-error-private.h: XMPP error elements mapped onto ENLIST_ERROR, for
 * the protocol engine, which sees the XML. */
#pragma once

#include "enlist-error.h"
#include "enlist-xml.h"

G_BEGIN_DECLS

/* From an iq/message/presence of type='error': ENLIST_ERROR_STANZA with the
 * condition, a message for people, and the server's text as detail. */
GError              *enlist_error_from_stanza       (const EnlistXmlNode *stanza);
/* From a <stream:error/> element: ENLIST_ERROR_STREAM likewise. */
GError              *enlist_error_from_stream_error (const EnlistXmlNode *stream_error);
/* The first child of element in namespace ns other than <text/>: the
 * condition of a stanza, stream or SASL error. */
const char          *enlist_error_find_condition    (const EnlistXmlNode *element,
                                                     const char          *ns);

G_END_DECLS
