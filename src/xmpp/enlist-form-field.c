/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-form-field.c: one field of a data form: what the server said about
 * it (XEP-0004 type, label, options, XEP-0221 media, XEP-0122 rules), the
 * values a person gives it, and whether those values may be sent. */
#define G_LOG_DOMAIN "enlist-form-field"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "enlist-data-form-private.h"
#include "enlist-error.h"
#include "enlist-jid.h"
#include "enlist-text.h"
#include "enlist-xsd.h"

static const char * const field_type_names[] = {
  [ENLIST_FIELD_TYPE_BOOLEAN] = "boolean",
  [ENLIST_FIELD_TYPE_FIXED] = "fixed",
  [ENLIST_FIELD_TYPE_HIDDEN] = "hidden",
  [ENLIST_FIELD_TYPE_JID_MULTI] = "jid-multi",
  [ENLIST_FIELD_TYPE_JID_SINGLE] = "jid-single",
  [ENLIST_FIELD_TYPE_LIST_MULTI] = "list-multi",
  [ENLIST_FIELD_TYPE_LIST_SINGLE] = "list-single",
  [ENLIST_FIELD_TYPE_TEXT_MULTI] = "text-multi",
  [ENLIST_FIELD_TYPE_TEXT_PRIVATE] = "text-private",
  [ENLIST_FIELD_TYPE_TEXT_SINGLE] = "text-single",
};

const char *
enlist_field_type_to_string (EnlistFieldType type)
{
  g_return_val_if_fail (type <= ENLIST_FIELD_TYPE_TEXT_SINGLE, NULL);

  return field_type_names[type];
}

EnlistFieldType
enlist_field_type_from_string (const char *name)
{
  if (name != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (field_type_names); i++)
        if (strcmp (name, field_type_names[i]) == 0)
          return (EnlistFieldType) i;
    }

  return ENLIST_FIELD_TYPE_TEXT_SINGLE;
}

/* ejabberd's link to the CAPTCHA web page is a text-single field, but it is
 * information for the person that belongs to one challenge, not an answer:
 * it is neither sent back (ejabberd's own error replies show submissions
 * without it) nor carried over to a fresh form. */
static gboolean
is_informational_var (const char *var)
{
  return g_strcmp0 (var, "captcha-fallback-url") == 0;
}

/* ---- EnlistFormField ---------------------------------------------------- */

typedef struct
{
  char *value;
  char *label;
} Option;

typedef struct
{
  char *uri;
  char *type;
} MediaUri;

static void
option_free (Option *option)
{
  g_free (option->value);
  g_free (option->label);
  g_free (option);
}

static void
media_uri_free (MediaUri *media_uri)
{
  g_free (media_uri->uri);
  g_free (media_uri->type);
  g_free (media_uri);
}

struct _EnlistFormField
{
  GObject          parent_instance;

  char            *var;
  EnlistFieldType  type;
  char            *label;
  char            *desc;
  gboolean         required;
  GStrv            values;
  GPtrArray       *options;        /* Option * */

  guint            media_width;
  guint            media_height;
  GPtrArray       *media_uris;     /* MediaUri * */

  /* XEP-0122 */
  char            *datatype_name;
  EnlistXsdDatatype datatype;
  gboolean         open;
  gboolean         has_range;
  char            *range_min;
  char            *range_max;
  char            *regex;
  GRegex          *compiled_regex;
  char            *shown_name;
  gboolean         regex_tried;
  gboolean         has_list_range;
  guint            list_min;
  guint            list_max;
};

G_DEFINE_FINAL_TYPE (EnlistFormField, enlist_form_field, G_TYPE_OBJECT)

enum {
  FIELD_PROP_0,
  FIELD_PROP_VAR,
  FIELD_PROP_FIELD_TYPE,
  FIELD_PROP_LABEL,
  FIELD_PROP_DESCRIPTION,
  FIELD_PROP_REQUIRED,
  FIELD_PROP_VALUES,
  FIELD_N_PROPS
};

static GParamSpec *field_properties[FIELD_N_PROPS];

static void
enlist_form_field_finalize (GObject *object)
{
  EnlistFormField *self = (EnlistFormField *) object;

  g_clear_pointer (&self->values, enlist_secret_strv_free);
  g_free (self->var);
  g_free (self->label);
  g_free (self->desc);
  g_clear_pointer (&self->options, g_ptr_array_unref);
  g_clear_pointer (&self->media_uris, g_ptr_array_unref);
  g_free (self->datatype_name);
  g_free (self->range_min);
  g_free (self->range_max);
  g_free (self->regex);
  g_clear_pointer (&self->compiled_regex, g_regex_unref);
  g_free (self->shown_name);

  G_OBJECT_CLASS (enlist_form_field_parent_class)->finalize (object);
}

static void
enlist_form_field_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  EnlistFormField *self = ENLIST_FORM_FIELD (object);

  switch (prop_id)
    {
    case FIELD_PROP_VAR:
      g_value_set_string (value, self->var);
      break;

    case FIELD_PROP_FIELD_TYPE:
      g_value_set_enum (value, self->type);
      break;

    case FIELD_PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case FIELD_PROP_DESCRIPTION:
      g_value_set_string (value, self->desc);
      break;

    case FIELD_PROP_REQUIRED:
      g_value_set_boolean (value, self->required);
      break;

    case FIELD_PROP_VALUES:
      /* A GValue's copy of a vector is freed without wiping, and bindings
       * and g_object_get make such copies freely: a secret stays behind
       * enlist_form_field_get_values; the property shows an empty vector
       * (the GValue keeps its own copy). */
      if (enlist_form_field_is_secret (self))
        g_value_set_boxed (value, (const char * const []) { NULL });
      else
        g_value_set_boxed (value, self->values);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_form_field_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  EnlistFormField *self = ENLIST_FORM_FIELD (object);

  switch (prop_id)
    {
    case FIELD_PROP_VALUES:
      enlist_form_field_set_values (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_form_field_class_init (EnlistFormFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_form_field_finalize;
  object_class->get_property = enlist_form_field_get_property;
  object_class->set_property = enlist_form_field_set_property;

  field_properties[FIELD_PROP_VAR] =
    g_param_spec_string ("var", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  field_properties[FIELD_PROP_FIELD_TYPE] =
    g_param_spec_enum ("field-type", NULL, NULL,
                       ENLIST_TYPE_FIELD_TYPE, ENLIST_FIELD_TYPE_TEXT_SINGLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  field_properties[FIELD_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  field_properties[FIELD_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  field_properties[FIELD_PROP_REQUIRED] =
    g_param_spec_boolean ("required", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  field_properties[FIELD_PROP_VALUES] =
    g_param_spec_boxed ("values", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, FIELD_N_PROPS, field_properties);
}

static void
enlist_form_field_init (EnlistFormField *self)
{
  self->values = g_new0 (char *, 1);
  self->options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
  self->media_uris = g_ptr_array_new_with_free_func ((GDestroyNotify) media_uri_free);
  self->datatype = ENLIST_XSD_STRING;
}

const char *
enlist_form_field_get_var (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return self->var;
}

EnlistFieldType
enlist_form_field_get_field_type (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), ENLIST_FIELD_TYPE_TEXT_SINGLE);
  return self->type;
}

const char *
enlist_form_field_get_label (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return self->label;
}

const char *
enlist_form_field_get_display_name (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);

  if (self->label != NULL && *self->label != '\0')
    return self->label;
  if (self->var != NULL)
    return self->var;
  return "";
}

const char *
enlist_form_field_get_description (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return self->desc;
}

gboolean
enlist_form_field_is_required (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), FALSE);
  return self->required;
}

gboolean
enlist_form_field_is_secret (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), FALSE);
  return self->type == ENLIST_FIELD_TYPE_TEXT_PRIVATE;
}

const char * const *
enlist_form_field_get_values (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return (const char * const *) self->values;
}

const char *
enlist_form_field_get_value (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return self->values[0];
}

void
enlist_form_field_set_values (EnlistFormField    *self,
                              const char * const *values)
{
  static const char * const empty[] = { NULL };

  g_return_if_fail (ENLIST_IS_FORM_FIELD (self));

  if (values == NULL)
    values = empty;

  if (g_strv_equal ((const char * const *) self->values, values))
    return;

  /* Every value is wiped, not only secrets: which field holds something
   * sensitive (a CAPTCHA answer, a hidden token) is the server's choice. */
  enlist_secret_strv_free (self->values);
  self->values = g_strdupv ((char **) values);

  g_object_notify_by_pspec (G_OBJECT (self), field_properties[FIELD_PROP_VALUES]);
}

void
enlist_form_field_set_value (EnlistFormField *self,
                             const char      *value)
{
  const char *values[] = { value, NULL };

  g_return_if_fail (ENLIST_IS_FORM_FIELD (self));

  enlist_form_field_set_values (self, values);
}

gboolean
enlist_form_field_get_boolean (EnlistFormField *self)
{
  const char *value;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), FALSE);

  value = self->values[0];
  return value != NULL && (strcmp (value, "1") == 0 || strcmp (value, "true") == 0);
}

void
enlist_form_field_set_boolean (EnlistFormField *self,
                               gboolean         value)
{
  g_return_if_fail (ENLIST_IS_FORM_FIELD (self));

  enlist_form_field_set_value (self, value ? "1" : "0");
}

guint
enlist_form_field_get_n_options (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), 0);
  return self->options->len;
}

const char *
enlist_form_field_get_option_value (EnlistFormField *self,
                                    guint            i)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  g_return_val_if_fail (i < self->options->len, NULL);
  return ((Option *) g_ptr_array_index (self->options, i))->value;
}

const char *
enlist_form_field_get_option_label (EnlistFormField *self,
                                    guint            i)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  g_return_val_if_fail (i < self->options->len, NULL);
  return ((Option *) g_ptr_array_index (self->options, i))->label;
}

guint
enlist_form_field_get_media_width (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), 0);
  return self->media_width;
}

guint
enlist_form_field_get_media_height (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), 0);
  return self->media_height;
}

guint
enlist_form_field_get_n_media_uris (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), 0);
  return self->media_uris->len;
}

const char *
enlist_form_field_get_media_uri (EnlistFormField  *self,
                                 guint             i,
                                 const char      **type)
{
  MediaUri *media_uri;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  g_return_val_if_fail (i < self->media_uris->len, NULL);

  media_uri = g_ptr_array_index (self->media_uris, i);
  if (type != NULL)
    *type = media_uri->type;
  return media_uri->uri;
}

const char *
enlist_form_field_get_datatype (EnlistFormField *self)
{
  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), NULL);
  return self->datatype_name != NULL ? self->datatype_name : "xs:string";
}

/* ---- building a field (for the parser) --------------------------------- */

EnlistFormField *
enlist_form_field_new (const char      *var,
                       EnlistFieldType  type,
                       const char      *label)
{
  EnlistFormField *self = g_object_new (ENLIST_TYPE_FORM_FIELD, NULL);

  self->var = g_strdup (var);
  self->type = type;
  self->label = g_strdup (label);
  return self;
}

void
enlist_form_field_set_description (EnlistFormField *self,
                                   const char      *description)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  g_free (self->desc);
  self->desc = g_strdup (description);
}

void
enlist_form_field_set_required (EnlistFormField *self,
                                gboolean         required)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  self->required = required;
}

void
enlist_form_field_add_option (EnlistFormField *self,
                              const char      *value,
                              const char      *label)
{
  Option *option;

  g_assert (ENLIST_IS_FORM_FIELD (self));

  option = g_new0 (Option, 1);
  option->value = g_strdup (value);
  option->label = g_strdup (label);
  g_ptr_array_add (self->options, option);
}

void
enlist_form_field_set_media_size (EnlistFormField *self,
                                  guint            width,
                                  guint            height)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  self->media_width = width;
  self->media_height = height;
}

void
enlist_form_field_add_media_uri (EnlistFormField *self,
                                 const char      *uri,
                                 const char      *type)
{
  MediaUri *media_uri;

  g_assert (ENLIST_IS_FORM_FIELD (self));

  media_uri = g_new0 (MediaUri, 1);
  media_uri->uri = g_strstrip (g_strdup (uri));
  media_uri->type = g_strdup (type);
  g_ptr_array_add (self->media_uris, media_uri);
}

void
enlist_form_field_set_datatype (EnlistFormField *self,
                                const char      *datatype)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  g_free (self->datatype_name);
  self->datatype_name = g_strdup (datatype);
  self->datatype = enlist_xsd_datatype_from_name (datatype);
}

void
enlist_form_field_set_open (EnlistFormField *self,
                            gboolean         open)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  self->open = open;
}

void
enlist_form_field_set_range (EnlistFormField *self,
                             const char      *min,
                             const char      *max)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  self->has_range = TRUE;
  g_free (self->range_min);
  g_free (self->range_max);
  self->range_min = g_strdup (min);
  self->range_max = g_strdup (max);
}

void
enlist_form_field_set_regex (EnlistFormField *self,
                             const char      *regex)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  g_free (self->regex);
  self->regex = g_strdup (regex);
  g_clear_pointer (&self->compiled_regex, g_regex_unref);
  self->regex_tried = FALSE;
}

void
enlist_form_field_set_list_range (EnlistFormField *self,
                                  guint            min,
                                  guint            max)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  self->has_list_range = TRUE;
  self->list_min = min;
  self->list_max = max;
}

gboolean
enlist_form_field_is_informational (EnlistFormField *self)
{
  g_assert (ENLIST_IS_FORM_FIELD (self));

  return is_informational_var (self->var);
}

/* Characters XML 1.0 cannot carry (the serialiser would replace them). */
static gboolean
is_xml_safe (const char *s)
{
  if (!g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
        return FALSE;
    }
  return TRUE;
}

/* ---- validation --------------------------------------------------------- */

static gboolean
is_multi (EnlistFieldType type)
{
  return type == ENLIST_FIELD_TYPE_JID_MULTI || type == ENLIST_FIELD_TYPE_LIST_MULTI ||
         type == ENLIST_FIELD_TYPE_TEXT_MULTI;
}

/* The field's name as messages show it: made safe for any display. */
static const char *
field_shown_name (EnlistFormField *self)
{
  if (self->shown_name == NULL)
    self->shown_name = enlist_text_neutralize (enlist_form_field_get_display_name (self), -1);
  return self->shown_name;
}

static GError *
field_error_take (EnlistFormField *field,
                  EnlistError      code,
                  char            *message)
{
  GError *error = g_error_new_literal (ENLIST_ERROR, code, message);

  enlist_error_set_field (error, field->var);
  g_free (message);
  return error;
}

/* Every message names the field with its first %s. */
#define FIELD_ERROR(self, code, format, ...) \
  field_error_take ((self), (code), \
                    g_strdup_printf ((format), field_shown_name (self), ##__VA_ARGS__))

/* The compiled XEP-0122 regex, or NULL when there is none or it is unusable.
 * XML Schema regexes match the whole value: anchored with \A(?:…)\z, which
 * unlike $ does not also match before a final newline. The pattern must
 * compile on its own first, so an unbalanced ")" cannot escape the group. */
static GRegex *
field_get_regex (EnlistFormField *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) alone = NULL;
  g_autofree char *anchored = NULL;

  if (self->regex_tried || self->regex == NULL)
    return self->compiled_regex;
  self->regex_tried = TRUE;

  alone = g_regex_new (self->regex, 0, 0, &error);
  if (alone == NULL)
    {
      g_debug ("Ignoring the regex of field %s: %s", self->var, error->message);
      return NULL;
    }
  anchored = g_strdup_printf ("\\A(?:%s)\\z", self->regex);
  self->compiled_regex = g_regex_new (anchored, 0, 0, &error);
  if (self->compiled_regex == NULL)
    g_debug ("Ignoring the regex of field %s: %s", self->var, error->message);

  return self->compiled_regex;
}

static gboolean
check_range (EnlistFormField  *self,
             const char       *value,
             GError          **error)
{
  const char *min = self->range_min, *max = self->range_max;
  gboolean below = FALSE, above = FALSE;
  g_autofree char *min_shown = NULL;
  g_autofree char *max_shown = NULL;
  int cmp;

  if (!enlist_xsd_is_ordered (self->datatype))
    {
      /* XEP-0122 §3.2: range applies to numbers and dates, not to strings. */
      g_debug ("Ignoring <range/> on field %s of datatype %s", self->var,
               enlist_form_field_get_datatype (self));
      return TRUE;
    }

  /* The value is of the datatype already: a comparison fails only for a
   * bound that is not, and such a bound is ignored. */
  if (min != NULL && !enlist_xsd_compare (self->datatype, value, min, &cmp))
    min = NULL;
  else if (min != NULL)
    below = cmp < 0;
  if (max != NULL && !enlist_xsd_compare (self->datatype, value, max, &cmp))
    max = NULL;
  else if (max != NULL)
    above = cmp > 0;

  if (min != self->range_min || max != self->range_max)
    g_debug ("Ignoring a <range/> bound of field %s that is not of its datatype", self->var);

  if (!below && !above)
    return TRUE;

  min_shown = min != NULL ? enlist_text_neutralize (min, -1) : NULL;
  max_shown = max != NULL ? enlist_text_neutralize (max, -1) : NULL;
  if (min != NULL && max != NULL)
    *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be between %s and %s."), min_shown, max_shown);
  else if (below)
    *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be at least %s."), min_shown);
  else
    *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be at most %s."), max_shown);
  return FALSE;
}

/* What the datatype wants, said to a person; value is not of it. */
static GError *
datatype_error (EnlistFormField *self)
{
  const char *min, *max;

  switch (self->datatype)
    {
    case ENLIST_XSD_INTEGER:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE, _("“%s” must be a whole number."));
    case ENLIST_XSD_INT:
    case ENLIST_XSD_BYTE:
    case ENLIST_XSD_SHORT:
    case ENLIST_XSD_LONG:
      enlist_xsd_integer_bounds (self->datatype, &min, &max);
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a whole number from %s to %s."), min, max);
    case ENLIST_XSD_BOOLEAN:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be “true” or “false”."));
    case ENLIST_XSD_DATE:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a date such as 2024-12-31."));
    case ENLIST_XSD_DATETIME:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a date and time such as 2024-12-31T23:59:00Z."));
    case ENLIST_XSD_TIME:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a time such as 23:59:00."));
    case ENLIST_XSD_ANYURI:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a web address or another URI."));
    case ENLIST_XSD_LANGUAGE:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a language code such as “en” or “pt-BR”."));
    case ENLIST_XSD_DECIMAL:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a decimal number such as 12.5."));
    case ENLIST_XSD_DOUBLE:
      return FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                          _("“%s” must be a number such as 12.5 or 1.2E3."));
    case ENLIST_XSD_STRING:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
check_value (EnlistFormField  *self,
             const char       *value,
             GError          **error)
{
  GRegex *regex;

  if (!is_xml_safe (value))
    {
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” contains characters that cannot be sent."));
      return FALSE;
    }

  if (self->type == ENLIST_FIELD_TYPE_BOOLEAN && strcmp (value, "true") != 0 &&
      strcmp (value, "false") != 0 && strcmp (value, "1") != 0 && strcmp (value, "0") != 0)
    {
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be yes or no."));
      return FALSE;
    }

  if ((self->type == ENLIST_FIELD_TYPE_JID_SINGLE || self->type == ENLIST_FIELD_TYPE_JID_MULTI) &&
      !enlist_jid_is_valid (value))
    {
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be an XMPP address such as name@example.org."));
      return FALSE;
    }

  if ((self->type == ENLIST_FIELD_TYPE_LIST_SINGLE || self->type == ENLIST_FIELD_TYPE_LIST_MULTI) &&
      !self->open && self->options->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < self->options->len && !found; i++)
        found = g_strcmp0 (((Option *) g_ptr_array_index (self->options, i))->value, value) == 0;
      if (!found)
        {
          *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                                _("“%s” must be one of the offered choices."));
          return FALSE;
        }
    }

  if (!enlist_xsd_is_valid (self->datatype, value))
    {
      *error = datatype_error (self);
      return FALSE;
    }

  if (self->has_range && !check_range (self, value, error))
    return FALSE;

  regex = field_get_regex (self);
  if (regex != NULL)
    {
      g_autoptr(GError) match_error = NULL;
      gboolean matched;

      matched = g_regex_match_full (regex, value, -1, 0, 0, NULL, &match_error);
      if (match_error != NULL)
        {
          /* PCRE2's backtracking limit, or invalid UTF-8: the server's regex
           * cannot decide, so it does not get to refuse the value. */
          g_debug ("Ignoring the regex of field %s: %s", self->var, match_error->message);
        }
      else if (!matched)
        {
          *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                                _("“%s” is not in the form the server expects."));
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
enlist_form_field_validate (EnlistFormField  *self,
                            GError          **error)
{
  guint n_values, n_nonempty = 0;

  g_return_val_if_fail (ENLIST_IS_FORM_FIELD (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->type == ENLIST_FIELD_TYPE_FIXED)
    return TRUE;

  n_values = g_strv_length (self->values);
  for (guint i = 0; i < n_values; i++)
    if (*self->values[i] != '\0')
      n_nonempty++;

  if (self->required && n_nonempty == 0)
    {
      g_propagate_error (error, FIELD_ERROR (self, ENLIST_ERROR_MISSING_REQUIRED,
                                             _("“%s” must be filled in.")));
      return FALSE;
    }

  if (!is_multi (self->type) && n_values > 1)
    {
      g_propagate_error (error, FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                                             _("“%s” takes only one value.")));
      return FALSE;
    }

  if (self->has_list_range && is_multi (self->type))
    {
      if (self->list_min > 0 && n_nonempty < self->list_min)
        {
          g_propagate_error (error,
                             FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                                          ngettext ("“%s” needs at least %u value.",
                                                    "“%s” needs at least %u values.",
                                                    self->list_min),
                                          self->list_min));
          return FALSE;
        }
      if (self->list_max > 0 && n_nonempty > self->list_max)
        {
          g_propagate_error (error,
                             FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                                          ngettext ("“%s” takes at most %u value.",
                                                    "“%s” takes at most %u values.",
                                                    self->list_max),
                                          self->list_max));
          return FALSE;
        }
    }

  for (guint i = 0; i < n_values; i++)
    {
      GError *value_error = NULL;

      /* An empty value of an optional field is "not given", not invalid. */
      if (*self->values[i] == '\0')
        continue;
      if (!check_value (self, self->values[i], &value_error))
        {
          g_propagate_error (error, value_error);
          return FALSE;
        }
    }

  return TRUE;
}

