/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-forms.h: data forms out of XML text, read with the real
 * stream reader, for the tests of the form and of its fields. */
#pragma once

#include "enlist-data-form-private.h"

G_BEGIN_DECLS

/* One element, parsed as a server's stanza with the limits raised so that
 * the form's own limits are what the tests reach. */
EnlistXmlNode  *enlist_test_parse_element       (const char  *xml);
/* The form of an <iq/>, a <query xmlns='jabber:iq:register'/> or a bare
 * <x xmlns='jabber:x:data'/>. */
EnlistDataForm *enlist_test_form_from_string    (const char  *xml,
                                                 GError     **error);
/* The same, asserting that it parses. */
EnlistDataForm *enlist_test_form_from_string_ok (const char  *xml);

G_END_DECLS
