/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-data-form-xml.c: reads registration forms (XEP-0004 data forms or
 * the legacy XEP-0077 fields) out of a stanza into EnlistDataForm, within
 * hard limits on everything the server controls, and writes the submission
 * back in the shape the server offered. */
#define G_LOG_DOMAIN "enlist-data-form"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-ns.h"
#include "enlist-text.h"

/* ---- parsing ------------------------------------------------------------ */

/* What one form has taken so far of the whole-form limits: the per-item
 * limits times the number of fields would still allow gigabytes, and each
 * choice and value may become a widget. */
typedef struct
{
  gsize text;
  guint options;
  guint values;
} Budget;

static gboolean
check_text (Budget      *budget,
            const char  *text,
            const char  *what,
            GError     **error)
{
  gsize len;

  if (text == NULL)
    return TRUE;
  len = strlen (text);
  if (len > ENLIST_DATA_FORM_MAX_TEXT)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has a text longer than %u bytes (in <%s/>)."),
                   (guint) ENLIST_DATA_FORM_MAX_TEXT, what);
      return FALSE;
    }
  if (len > ENLIST_DATA_FORM_MAX_FORM_TEXT - budget->text)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u bytes of text in all."),
                   (guint) ENLIST_DATA_FORM_MAX_FORM_TEXT);
      return FALSE;
    }
  budget->text += len;
  return TRUE;
}

static gboolean
add_instructions (EnlistDataForm       *self,
                  const EnlistXmlNode  *instructions,
                  Budget               *budget,
                  GError              **error)
{
  const char *text = enlist_xml_node_get_text (instructions);

  return check_text (budget, text, "instructions", error) &&
         enlist_data_form_add_instructions (self, text, error);
}

static guint
parse_size_hint (const char *s)
{
  guint64 v;

  if (s == NULL || !g_ascii_string_to_unsigned (s, 10, 1, G_MAXUINT16, &v, NULL))
    return 0;
  return (guint) v;
}

static gboolean
parse_media (EnlistFormField      *field,
             const EnlistXmlNode  *media,
             Budget               *budget,
             GError              **error)
{
  enlist_form_field_set_media_size (field,
                                    parse_size_hint (enlist_xml_node_get_attr (media, "width")),
                                    parse_size_hint (enlist_xml_node_get_attr (media, "height")));

  for (guint i = 0; i < media->children->len; i++)
    {
      const EnlistXmlNode *uri = g_ptr_array_index (media->children, i);

      if (!enlist_xml_node_is (uri, "uri", ENLIST_NS_MEDIA_ELEMENT))
        continue;
      if (enlist_form_field_get_n_media_uris (field) >= ENLIST_DATA_FORM_MAX_MEDIA_URIS)
        {
          g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                       _("A field of the server’s form has more than %u media links."),
                       (guint) ENLIST_DATA_FORM_MAX_MEDIA_URIS);
          return FALSE;
        }
      if (!check_text (budget, enlist_xml_node_get_text (uri), "uri", error))
        return FALSE;

      enlist_form_field_add_media_uri (field, enlist_xml_node_get_text (uri),
                                       enlist_xml_node_get_attr (uri, "type"));
    }

  return TRUE;
}

static gboolean
parse_validate (EnlistFormField      *field,
                const EnlistXmlNode  *validate,
                Budget               *budget,
                GError              **error)
{
  const char *datatype = enlist_xml_node_get_attr (validate, "datatype");

  if (!check_text (budget, datatype, "validate", error))
    return FALSE;
  if (datatype != NULL)
    enlist_form_field_set_datatype (field, datatype);

  for (guint i = 0; i < validate->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (validate->children, i);

      if (enlist_xml_node_is (child, "open", ENLIST_NS_XDATA_VALIDATE))
        enlist_form_field_set_open (field, TRUE);
      else if (enlist_xml_node_is (child, "range", ENLIST_NS_XDATA_VALIDATE))
        {
          const char *min = enlist_xml_node_get_attr (child, "min");
          const char *max = enlist_xml_node_get_attr (child, "max");

          if (!check_text (budget, min, "range", error) ||
              !check_text (budget, max, "range", error))
            return FALSE;
          enlist_form_field_set_range (field, min, max);
        }
      else if (enlist_xml_node_is (child, "regex", ENLIST_NS_XDATA_VALIDATE))
        {
          if (!check_text (budget, enlist_xml_node_get_text (child), "regex", error))
            return FALSE;
          enlist_form_field_set_regex (field, enlist_xml_node_get_text (child));
        }
      else if (enlist_xml_node_is (child, "list-range", ENLIST_NS_XDATA_VALIDATE))
        {
          guint64 min = 0, max = 0;

          /* A bound that is not a number is no bound. */
          if (!g_ascii_string_to_unsigned (enlist_xml_node_get_attr (child, "min") ?: "", 10,
                                           0, G_MAXUINT, &min, NULL))
            min = 0;
          if (!g_ascii_string_to_unsigned (enlist_xml_node_get_attr (child, "max") ?: "", 10,
                                           0, G_MAXUINT, &max, NULL))
            max = 0;
          enlist_form_field_set_list_range (field, (guint) min, (guint) max);
        }
    }

  return TRUE;
}

static gboolean
parse_option (EnlistFormField      *field,
              const EnlistXmlNode  *option,
              Budget               *budget,
              GError              **error)
{
  const EnlistXmlNode *value = enlist_xml_node_get_child (option, "value", ENLIST_NS_DATA_FORM);
  const char *label = enlist_xml_node_get_attr (option, "label");

  if (value == NULL)
    return TRUE;
  if (enlist_form_field_get_n_options (field) >= ENLIST_DATA_FORM_MAX_OPTIONS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("A field of the server’s form has more than %u choices."),
                   (guint) ENLIST_DATA_FORM_MAX_OPTIONS);
      return FALSE;
    }
  if (budget->options >= ENLIST_DATA_FORM_MAX_FORM_OPTIONS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u choices in all."),
                   (guint) ENLIST_DATA_FORM_MAX_FORM_OPTIONS);
      return FALSE;
    }
  if (!check_text (budget, label, "option label", error) ||
      !check_text (budget, enlist_xml_node_get_text (value), "option", error))
    return FALSE;
  budget->options++;
  enlist_form_field_add_option (field, enlist_xml_node_get_text (value), label);
  return TRUE;
}

static EnlistFormField *
parse_field (const EnlistXmlNode  *node,
             Budget               *budget,
             GError              **error)
{
  g_autoptr(EnlistFormField) field = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (enlist_secret_free);
  const char *var = enlist_xml_node_get_attr (node, "var");
  const char *label = enlist_xml_node_get_attr (node, "label");
  EnlistFieldType type = enlist_field_type_from_string (enlist_xml_node_get_attr (node, "type"));

  if (var == NULL && type != ENLIST_FIELD_TYPE_FIXED)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s form has a field without a name."));
      return NULL;
    }
  if (!check_text (budget, var, "field var", error) ||
      !check_text (budget, label, "field label", error))
    return NULL;

  field = enlist_form_field_new (var, type, label);

  for (guint i = 0; i < node->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (node->children, i);
      const char *text = enlist_xml_node_get_text (child);

      if (enlist_xml_node_is (child, "value", ENLIST_NS_DATA_FORM))
        {
          if (values->len >= ENLIST_DATA_FORM_MAX_VALUES)
            {
              g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                           _("A field of the server’s form has more than %u values."),
                           (guint) ENLIST_DATA_FORM_MAX_VALUES);
              return NULL;
            }
          if (budget->values >= ENLIST_DATA_FORM_MAX_FORM_VALUES)
            {
              g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                           _("The server’s form has more than %u values in all."),
                           (guint) ENLIST_DATA_FORM_MAX_FORM_VALUES);
              return NULL;
            }
          if (!check_text (budget, text, "value", error))
            return NULL;
          budget->values++;
          g_ptr_array_add (values, g_strdup (text));
        }
      else if (enlist_xml_node_is (child, "required", ENLIST_NS_DATA_FORM))
        enlist_form_field_set_required (field, TRUE);
      else if (enlist_xml_node_is (child, "desc", ENLIST_NS_DATA_FORM))
        {
          if (!check_text (budget, text, "desc", error))
            return NULL;
          enlist_form_field_set_description (field, text);
        }
      else if (enlist_xml_node_is (child, "option", ENLIST_NS_DATA_FORM))
        {
          if (!parse_option (field, child, budget, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, "media", ENLIST_NS_MEDIA_ELEMENT))
        {
          if (!parse_media (field, child, budget, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, "validate", ENLIST_NS_XDATA_VALIDATE))
        {
          if (!parse_validate (field, child, budget, error))
            return NULL;
        }
    }

  g_ptr_array_add (values, NULL);
  enlist_form_field_set_values (field, (const char * const *) values->pdata);

  return g_steal_pointer (&field);
}

static gboolean
add_bob (EnlistDataForm       *self,
         const EnlistXmlNode  *data,
         GError              **error)
{
  GPtrArray *bob_data = enlist_data_form_get_bob_data (self);
  gsize total = data->text->len;

  if (bob_data->len >= ENLIST_DATA_FORM_MAX_BOB)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form carries more than %u pieces of data."),
                   (guint) ENLIST_DATA_FORM_MAX_BOB);
      return FALSE;
    }
  for (guint i = 0; i < bob_data->len; i++)
    total += ((const EnlistXmlNode *) g_ptr_array_index (bob_data, i))->text->len;
  if (total > ENLIST_DATA_FORM_MAX_BOB_TOTAL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form carries more than %u bytes of data."),
                   (guint) ENLIST_DATA_FORM_MAX_BOB_TOTAL);
      return FALSE;
    }
  g_ptr_array_add (bob_data, enlist_xml_node_copy (data));
  return TRUE;
}

static gboolean
parse_x (EnlistDataForm       *self,
         const EnlistXmlNode  *x,
         Budget               *budget,
         GError              **error)
{
  static const char * const form_types[] = { "form", "submit", "cancel", "result" };
  const char *type = enlist_xml_node_get_attr (x, "type");
  gboolean known = FALSE;

  if (!enlist_xml_node_is (x, "x", ENLIST_NS_DATA_FORM))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server sent something other than a data form."));
      return FALSE;
    }
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (form_types); i++)
    {
      if (strcmp (type, form_types[i]) == 0)
        {
          enlist_data_form_set_form_type (self, (EnlistFormType) i);
          known = TRUE;
        }
    }
  if (!known)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s data form has no valid type."));
      return FALSE;
    }

  enlist_data_form_set_origin (self, ENLIST_FORM_ORIGIN_DATA_FORM);

  for (guint i = 0; i < x->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (x->children, i);

      if (enlist_xml_node_is (child, "title", ENLIST_NS_DATA_FORM))
        {
          if (!check_text (budget, enlist_xml_node_get_text (child), "title", error))
            return FALSE;
          enlist_data_form_set_title (self, enlist_xml_node_get_text (child));
        }
      else if (enlist_xml_node_is (child, "instructions", ENLIST_NS_DATA_FORM))
        {
          if (!add_instructions (self, child, budget, error))
            return FALSE;
        }
      else if (enlist_xml_node_is (child, "field", ENLIST_NS_DATA_FORM))
        {
          g_autoptr(EnlistFormField) field = parse_field (child, budget, error);

          if (field == NULL || !enlist_data_form_add_field (self, field, error))
            return FALSE;
        }
      else if (enlist_xml_node_is (child, "data", ENLIST_NS_BOB))
        {
          if (!add_bob (self, child, error))
            return FALSE;
        }
    }

  return TRUE;
}

EnlistDataForm *
enlist_data_form_new_from_xml (const EnlistXmlNode  *x,
                               GError              **error)
{
  g_autoptr(EnlistDataForm) self = NULL;
  Budget budget = { 0 };

  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = enlist_data_form_new (ENLIST_FORM_ORIGIN_DATA_FORM, ENLIST_FORM_TYPE_FORM);
  if (!parse_x (self, x, &budget, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* XEP-0077 §14.2: the legacy registration fields and what to call them. */
static const struct
{
  const char *name;
  const char *label;
} legacy_fields[] = {
  { "username", N_("Username") },
  { "nick", N_("Nickname") },
  { "password", N_("Password") },
  { "name", N_("Full name") },
  { "first", N_("First name") },
  { "last", N_("Last name") },
  { "email", N_("Email address") },
  { "address", N_("Street address") },
  { "city", N_("City") },
  { "state", N_("State or region") },
  { "zip", N_("Postal code") },
  { "phone", N_("Telephone number") },
  { "url", N_("Website") },
  { "date", N_("Date") },
  { "misc", N_("Other information") },
  { "text", N_("Additional text") },
  { "key", N_("Key") },
};

static const char *
legacy_label (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (legacy_fields); i++)
    if (strcmp (name, legacy_fields[i].name) == 0)
      return legacy_fields[i].label;
  return NULL;
}

static gboolean
parse_legacy_field (EnlistDataForm       *self,
                    const EnlistXmlNode  *element,
                    Budget               *budget,
                    GError              **error)
{
  g_autoptr(EnlistFormField) field = NULL;
  const char *label = legacy_label (element->name);
  const char *text = enlist_xml_node_get_text (element);
  EnlistFieldType type;

  g_assert (label != NULL);

  if (!check_text (budget, text, "value", error))
    return FALSE;

  if (strcmp (element->name, "password") == 0)
    type = ENLIST_FIELD_TYPE_TEXT_PRIVATE;
  else if (strcmp (element->name, "key") == 0)
    type = ENLIST_FIELD_TYPE_HIDDEN;
  else
    type = ENLIST_FIELD_TYPE_TEXT_SINGLE;
  field = enlist_form_field_new (element->name, type, _(label));
  /* XEP-0077 §3.1: the server lists exactly what the client must provide. */
  enlist_form_field_set_required (field, TRUE);
  if (*text != '\0')
    enlist_form_field_set_value (field, text);

  return enlist_data_form_add_field (self, field, error);
}

EnlistDataForm *
enlist_data_form_new_from_register_query (const EnlistXmlNode  *query,
                                          GError              **error)
{
  g_autoptr(EnlistDataForm) self = NULL;
  const EnlistXmlNode *x;
  Budget budget = { 0 };

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!enlist_xml_node_is (query, "query", ENLIST_NS_REGISTER))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s answer holds no registration form."));
      return NULL;
    }

  self = enlist_data_form_new (ENLIST_FORM_ORIGIN_LEGACY, ENLIST_FORM_TYPE_FORM);

  x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  if (x != NULL && !parse_x (self, x, &budget, error))
    return NULL;

  for (guint i = 0; i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);

      if (enlist_xml_node_is (child, "registered", ENLIST_NS_REGISTER))
        enlist_data_form_set_registered (self, TRUE);
      else if (enlist_xml_node_is (child, "data", ENLIST_NS_BOB))
        {
          if (!add_bob (self, child, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, "x", ENLIST_NS_OOB))
        {
          const EnlistXmlNode *url = enlist_xml_node_get_child (child, "url", ENLIST_NS_OOB);

          if (url != NULL && enlist_data_form_get_oob_url (self) == NULL)
            {
              g_autofree char *stripped = NULL;

              if (!check_text (&budget, enlist_xml_node_get_text (url), "url", error))
                return NULL;
              stripped = g_strstrip (g_strdup (enlist_xml_node_get_text (url)));
              enlist_data_form_set_oob_url (self, stripped);
            }
        }
      /* With a data form, the legacy elements and the query's own
       * instructions are for clients that do not understand it (ejabberd's
       * second <instructions/> says exactly that). */
      else if (x != NULL)
        continue;
      else if (enlist_xml_node_is (child, "instructions", ENLIST_NS_REGISTER))
        {
          if (!add_instructions (self, child, &budget, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, NULL, ENLIST_NS_REGISTER) &&
               legacy_label (child->name) != NULL)
        {
          if (!parse_legacy_field (self, child, &budget, error))
            return NULL;
        }
    }

  return g_steal_pointer (&self);
}

/* ---- serialisation ------------------------------------------------------ */

EnlistXmlNode *
enlist_data_form_build_submit (EnlistDataForm *self)
{
  EnlistXmlNode *x;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  x = enlist_xml_node_new ("x", ENLIST_NS_DATA_FORM);
  enlist_xml_node_set_attr (x, "type", "submit");

  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      EnlistFieldType type = enlist_form_field_get_field_type (field);
      const char *var = enlist_form_field_get_var (field);
      const char * const *values = enlist_form_field_get_values (field);
      EnlistXmlNode *node;

      if (type == ENLIST_FIELD_TYPE_FIXED || var == NULL)
        continue;
      if (enlist_form_field_is_informational (field))
        continue;

      node = enlist_xml_node_add_child (x, "field", NULL);
      enlist_xml_node_set_attr (node, "var", var);
      if (type == ENLIST_FIELD_TYPE_BOOLEAN)
        {
          if (values[0] != NULL && *values[0] != '\0')
            enlist_xml_node_set_text (enlist_xml_node_add_child (node, "value", NULL),
                                      enlist_form_field_get_boolean (field) ? "1" : "0");
          continue;
        }
      for (guint j = 0; values[j] != NULL; j++)
        enlist_xml_node_set_text (enlist_xml_node_add_child (node, "value", NULL), values[j]);
    }

  return x;
}

EnlistXmlNode *
enlist_data_form_build_register_query (EnlistDataForm *self)
{
  EnlistXmlNode *query;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  query = enlist_xml_node_new ("query", ENLIST_NS_REGISTER);
  if (enlist_data_form_get_origin (self) == ENLIST_FORM_ORIGIN_DATA_FORM)
    {
      enlist_xml_node_append (query, enlist_data_form_build_submit (self));
      return query;
    }

  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      EnlistXmlNode *node = enlist_xml_node_add_child (query, enlist_form_field_get_var (field),
                                                       NULL);
      const char *value = enlist_form_field_get_value (field);

      if (value != NULL)
        enlist_xml_node_set_text (node, value);
    }

  return query;
}
