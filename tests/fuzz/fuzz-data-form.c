/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-data-form.c: a libFuzzer target for the registration form parser.
 * The input is a <query xmlns='jabber:iq:register'/> (or an <iq/> around
 * one, or a bare <x xmlns='jabber:x:data'/>) as a server sends it; it is
 * read by the stream reader into a tree, as the registration code reads it,
 * then made into a form (XEP-0004 data form or legacy XEP-0077 fields).
 * Every field is then filled with a few values (its own, its options, its
 * range bounds and some fixed ones) and validated (XEP-0122, XML Schema
 * datatypes), the CAPTCHA and media accessors are read, and the submission
 * is serialised back. */
#define G_LOG_DOMAIN "fuzz-data-form"

#include "config.h"

#include <string.h>

#include "enlist-data-form-private.h"
#include "enlist-xsd.h"
#include "fuzz-util.h"

#define MAX_STANZA        (64 * 1024)
/* fields and values looked at closely, so that one input stays fast */
#define MAX_FIELDS        64
#define MAX_FIELD_VALUES  4
#define MAX_XSD_FIELDS    8

static const char * const fixed_values[] = {
  "", "0", "1", "-1", "true", "x", "juliet@example.org", "2024-02-29",
  "2024-02-29T12:00:00Z", "12:00:00", "3.5", "https://example.org/", "en-GB",
  "99999999999999999999",
};

static void
exercise_xsd (const char * const *values)
{
  for (int datatype = ENLIST_XSD_STRING; datatype <= ENLIST_XSD_DOUBLE; datatype++)
    {
      const char *min, *max;

      enlist_xsd_is_ordered (datatype);
      if (enlist_xsd_integer_bounds (datatype, &min, &max))
        g_assert (min != NULL && max != NULL);

      for (guint i = 0; values[i] != NULL && i < MAX_FIELD_VALUES; i++)
        {
          int result = 2;

          enlist_xsd_is_valid (datatype, values[i]);
          if (enlist_xsd_compare (datatype, values[i], values[0], &result))
            g_assert (result >= -1 && result <= 1);
          for (gsize j = 0; j < G_N_ELEMENTS (fixed_values); j++)
            enlist_xsd_compare (datatype, values[i], fixed_values[j], &result);
        }
    }
}

static void
try_value (EnlistFormField *field,
           const char      *value)
{
  g_autoptr(GError) error = NULL;

  enlist_form_field_set_value (field, value);
  if (!enlist_form_field_validate (field, &error))
    g_assert (error != NULL && error->message != NULL);
}

static void
exercise_field (EnlistFormField *field,
                gboolean         all_datatypes)
{
  g_auto(GStrv) own = g_strdupv ((char **) enlist_form_field_get_values (field));
  EnlistXsdDatatype datatype;
  const char *type = NULL;

  enlist_form_field_get_var (field);
  enlist_form_field_get_field_type (field);
  enlist_form_field_get_label (field);
  g_assert (enlist_form_field_get_display_name (field) != NULL);
  enlist_form_field_get_description (field);
  enlist_form_field_is_required (field);
  enlist_form_field_is_secret (field);
  enlist_form_field_is_informational (field);
  enlist_form_field_get_boolean (field);
  enlist_form_field_get_media_width (field);
  enlist_form_field_get_media_height (field);
  for (guint i = 0; i < enlist_form_field_get_n_media_uris (field); i++)
    g_assert (enlist_form_field_get_media_uri (field, i, &type) != NULL);

  datatype = enlist_xsd_datatype_from_name (enlist_form_field_get_datatype (field));
  if (own[0] != NULL && all_datatypes)
    exercise_xsd ((const char * const *) own);
  for (guint i = 0; own[i] != NULL && i < MAX_FIELD_VALUES; i++)
    enlist_xsd_is_valid (datatype, own[i]);

  /* as the server gave them, then one at a time */
  {
    g_autoptr(GError) error = NULL;

    enlist_form_field_validate (field, &error);
  }
  for (guint i = 0; own[i] != NULL && i < MAX_FIELD_VALUES; i++)
    try_value (field, own[i]);
  for (guint i = 0; i < enlist_form_field_get_n_options (field) && i < MAX_FIELD_VALUES; i++)
    {
      enlist_form_field_get_option_label (field, i);
      try_value (field, enlist_form_field_get_option_value (field, i));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fixed_values); i++)
    try_value (field, fixed_values[i]);

  /* several values at once (list-multi, jid-multi, text-multi) */
  enlist_form_field_set_values (field, fixed_values);
  try_value (field, NULL);
  enlist_form_field_set_boolean (field, TRUE);

  /* back to what the server sent, for the submission */
  enlist_form_field_set_values (field, (const char * const *) own);
}

static void
exercise_form (EnlistDataForm *form)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(EnlistXmlNode) submit = NULL;
  g_autoptr(EnlistXmlNode) query = NULL;
  g_autofree char *submit_text = NULL;
  g_autofree char *query_text = NULL;
  GListModel *fields;
  guint n;

  enlist_data_form_get_origin (form);
  enlist_data_form_get_form_type (form);
  enlist_data_form_get_title (form);
  g_assert (enlist_data_form_get_instructions (form) != NULL);
  enlist_data_form_get_form_type_namespace (form);
  enlist_data_form_is_registered (form);
  enlist_data_form_get_oob_url (form);
  enlist_data_form_is_web_only (form);
  enlist_data_form_is_captcha (form);
  enlist_data_form_get_captcha_field (form);
  enlist_data_form_get_captcha_fallback_url (form);
  g_assert (enlist_data_form_get_bob_data (form) != NULL);

  fields = enlist_data_form_get_fields (form);
  n = enlist_data_form_get_n_fields (form);
  g_assert (g_list_model_get_n_items (fields) == n);
  for (guint i = 0; i < n && i < MAX_FIELDS; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (form, i);
      const char *var = enlist_form_field_get_var (field);

      if (var != NULL)
        g_assert (enlist_data_form_lookup_field (form, var) == field);
      exercise_field (field, i < MAX_XSD_FIELDS);
    }

  enlist_data_form_validate (form, &problems);
  g_assert (problems != NULL);

  submit = enlist_data_form_build_submit (form);
  submit_text = enlist_xml_node_to_string (submit, ENLIST_NS_CLIENT);
  g_assert (submit_text != NULL);
  query = enlist_data_form_build_register_query (form);
  query_text = enlist_xml_node_to_string (query, ENLIST_NS_CLIENT);
  g_assert (query_text != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(EnlistXmlNode) node = NULL;
  g_autoptr(EnlistDataForm) form = NULL;
  g_autoptr(EnlistDataForm) again = NULL;
  g_autoptr(GError) error = NULL;
  const EnlistXmlNode *query;

  node = enlist_fuzz_parse_element (data, size, MAX_STANZA);
  if (node == NULL)
    return 0;

  query = node;
  if (enlist_xml_node_is (node, "iq", NULL))
    query = enlist_xml_node_get_child (node, "query", ENLIST_NS_REGISTER);
  if (query == NULL)
    return 0;

  if (enlist_xml_node_is (query, "x", ENLIST_NS_DATA_FORM))
    form = enlist_data_form_new_from_xml (query, &error);
  else
    form = enlist_data_form_new_from_register_query (query, &error);
  if (form == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }
  g_assert (error == NULL);

  exercise_form (form);

  /* a fresh copy of the same form, as after a CAPTCHA expired */
  if (enlist_xml_node_is (query, "x", ENLIST_NS_DATA_FORM))
    again = enlist_data_form_new_from_xml (query, NULL);
  else
    again = enlist_data_form_new_from_register_query (query, NULL);
  g_assert (again != NULL);
  enlist_data_form_copy_values_from (again, form, TRUE);

  return 0;
}
