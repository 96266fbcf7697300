/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-forms.c: data forms out of XML text for the tests. */
#define G_LOG_DOMAIN "enlist-test-forms"

#include "config.h"

#include <string.h>

#include "enlist-data-form-private.h"
#include "enlist-samples.h"
#include "enlist-test-forms.h"
#include "enlist-xml-reader.h"

static void
collect_stanza (gpointer       user_data,
                EnlistXmlNode *stanza)
{
  EnlistXmlNode **out = user_data;

  g_assert_null (*out);
  *out = stanza;
}

static const EnlistXmlReaderCallbacks collect_callbacks = { NULL, collect_stanza, NULL };

EnlistXmlNode *
enlist_test_parse_element (const char *xml)
{
  EnlistXmlLimits limits;
  g_autoptr(EnlistXmlReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  EnlistXmlNode *node = NULL;

  enlist_xml_limits_init_default (&limits);
  limits.max_stanza_size = 16 * 1024 * 1024;
  limits.max_text = 8 * 1024 * 1024;
  limits.max_buffered = 17 * 1024 * 1024;
  reader = enlist_xml_reader_new (&limits, &collect_callbacks, &node);
  g_assert_true (enlist_xml_reader_feed (reader, STREAM_HEADER, strlen (STREAM_HEADER), &error));
  g_assert_true (enlist_xml_reader_feed (reader, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

EnlistDataForm *
enlist_test_form_from_string (const char  *xml,
                              GError     **error)
{
  g_autoptr(EnlistXmlNode) node = enlist_test_parse_element (xml);
  const EnlistXmlNode *query = node;

  if (enlist_xml_node_is (node, "iq", NULL))
    query = enlist_xml_node_get_child (node, "query", ENLIST_NS_REGISTER);
  g_assert_nonnull (query);

  if (enlist_xml_node_is (query, "x", ENLIST_NS_DATA_FORM))
    return enlist_data_form_new_from_xml (query, error);
  return enlist_data_form_new_from_register_query (query, error);
}

EnlistDataForm *
enlist_test_form_from_string_ok (const char *xml)
{
  g_autoptr(GError) error = NULL;
  EnlistDataForm *form = enlist_test_form_from_string (xml, &error);

  g_assert_no_error (error);
  g_assert_true (ENLIST_IS_DATA_FORM (form));
  return form;
}
