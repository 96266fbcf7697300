/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-data-form.c: parses registration forms (XEP-0004 data forms or the
 * legacy XEP-0077 fields) into EnlistDataForm, validates what the person
 * typed against XEP-0122 before it is sent, and writes the submission back
 * in the shape the server offered. */
#define G_LOG_DOMAIN "enlist-data-form"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "enlist-data-form.h"
#include "enlist-error.h"
#include "enlist-ns.h"
#include "enlist-text.h"


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

/* XEP-0158 §3.4: the vars of the fields that carry the answer. */
static const char * const captcha_answer_vars[] = {
  "ocr", "qa", "audio_recog", "picture_recog", "picture_q", "speech_q",
  "speech_recog", "video_q", "video_recog",
};

static gboolean
is_captcha_answer_var (const char *var)
{
  if (var == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (captcha_answer_vars); i++)
    if (strcmp (var, captcha_answer_vars[i]) == 0)
      return TRUE;
  return FALSE;
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

typedef enum
{
  DATATYPE_STRING,
  DATATYPE_INTEGER,
  DATATYPE_INT,
  DATATYPE_BYTE,
  DATATYPE_SHORT,
  DATATYPE_LONG,
  DATATYPE_BOOLEAN,
  DATATYPE_DATE,
  DATATYPE_DATETIME,
  DATATYPE_TIME,
  DATATYPE_ANYURI,
  DATATYPE_LANGUAGE,
  DATATYPE_DECIMAL,
  DATATYPE_DOUBLE,
} Datatype;

static const struct
{
  const char *name;
  Datatype    datatype;
} datatypes[] = {
  { "xs:string", DATATYPE_STRING },
  { "xs:integer", DATATYPE_INTEGER },
  { "xs:int", DATATYPE_INT },
  { "xs:byte", DATATYPE_BYTE },
  { "xs:short", DATATYPE_SHORT },
  { "xs:long", DATATYPE_LONG },
  { "xs:boolean", DATATYPE_BOOLEAN },
  { "xs:date", DATATYPE_DATE },
  { "xs:dateTime", DATATYPE_DATETIME },
  { "xs:time", DATATYPE_TIME },
  { "xs:anyURI", DATATYPE_ANYURI },
  { "xs:language", DATATYPE_LANGUAGE },
  { "xs:decimal", DATATYPE_DECIMAL },
  { "xs:double", DATATYPE_DOUBLE },
};

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
  Datatype         datatype;
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
  self->datatype = DATATYPE_STRING;
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

/* ---- lexical checks (XML Schema Part 2) --------------------------------- */

/* Optional sign and at least one digit: xs:integer. */
static gboolean
is_integer (const char *s)
{
  if (*s == '+' || *s == '-')
    s++;
  if (!g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    s++;
  return *s == '\0';
}

/* Compares two xs:integer lexical forms of any length. */
static int
compare_integers (const char *a,
                  const char *b)
{
  gboolean neg_a = FALSE, neg_b = FALSE;
  gsize len_a, len_b;
  int cmp;

  if (*a == '+' || *a == '-')
    neg_a = *a++ == '-';
  if (*b == '+' || *b == '-')
    neg_b = *b++ == '-';
  while (*a == '0' && a[1] != '\0')
    a++;
  while (*b == '0' && b[1] != '\0')
    b++;
  if (strcmp (a, "0") == 0)
    neg_a = FALSE;
  if (strcmp (b, "0") == 0)
    neg_b = FALSE;

  if (neg_a != neg_b)
    return neg_a ? -1 : 1;

  len_a = strlen (a);
  len_b = strlen (b);
  if (len_a != len_b)
    cmp = len_a < len_b ? -1 : 1;
  else
    cmp = strcmp (a, b);
  if (cmp != 0)
    cmp = cmp < 0 ? -1 : 1;

  return neg_a ? -cmp : cmp;
}

static gboolean
integer_bounds (Datatype     datatype,
                const char **min,
                const char **max)
{
  switch (datatype)
    {
    case DATATYPE_BYTE:
      *min = "-128";
      *max = "127";
      return TRUE;
    case DATATYPE_SHORT:
      *min = "-32768";
      *max = "32767";
      return TRUE;
    case DATATYPE_INT:
      *min = "-2147483648";
      *max = "2147483647";
      return TRUE;
    case DATATYPE_LONG:
      *min = "-9223372036854775808";
      *max = "9223372036854775807";
      return TRUE;
    case DATATYPE_STRING:
    case DATATYPE_INTEGER:
    case DATATYPE_BOOLEAN:
    case DATATYPE_DATE:
    case DATATYPE_DATETIME:
    case DATATYPE_TIME:
    case DATATYPE_ANYURI:
    case DATATYPE_LANGUAGE:
    case DATATYPE_DECIMAL:
    case DATATYPE_DOUBLE:
    default:
      return FALSE;
    }
}

static gboolean
is_integer_datatype (Datatype datatype)
{
  return datatype == DATATYPE_INTEGER || datatype == DATATYPE_INT || datatype == DATATYPE_BYTE ||
         datatype == DATATYPE_SHORT || datatype == DATATYPE_LONG;
}

/* xs:decimal: sign? (digits ('.' digits?)? | '.' digits). */
static const char *
skip_decimal (const char *s)
{
  gboolean digits = FALSE;

  if (*s == '+' || *s == '-')
    s++;
  while (g_ascii_isdigit (*s))
    {
      s++;
      digits = TRUE;
    }
  if (*s == '.')
    {
      s++;
      while (g_ascii_isdigit (*s))
        {
          s++;
          digits = TRUE;
        }
    }
  return digits ? s : NULL;
}

static gboolean
is_decimal (const char *s)
{
  const char *end = skip_decimal (s);

  return end != NULL && *end == '\0';
}

/* xs:double: a decimal with an optional exponent, INF, -INF, +INF or NaN. */
static gboolean
is_double (const char *s)
{
  const char *end;

  if (strcmp (s, "INF") == 0 || strcmp (s, "-INF") == 0 || strcmp (s, "+INF") == 0 ||
      strcmp (s, "NaN") == 0)
    return TRUE;

  end = skip_decimal (s);
  if (end == NULL)
    return FALSE;
  if (*end == 'e' || *end == 'E')
    {
      end++;
      if (*end == '+' || *end == '-')
        end++;
      if (!g_ascii_isdigit (*end))
        return FALSE;
      while (g_ascii_isdigit (*end))
        end++;
    }
  return *end == '\0';
}

static double
parse_double (const char *s)
{
  if (strcmp (s, "INF") == 0 || strcmp (s, "+INF") == 0)
    return HUGE_VAL;
  if (strcmp (s, "-INF") == 0)
    return -HUGE_VAL;
  return g_ascii_strtod (s, NULL);
}

static gboolean
parse_fixed_digits (const char **p,
                    guint        n,
                    int         *out)
{
  int v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

/* Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil), for any year. */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static gboolean
is_leap_year (gint64 y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* '-'? yyyy '-' mm '-' dd; years of more than four digits have no leading zero. */
static gboolean
parse_date_part (const char **p,
                 gint64      *days)
{
  static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  const char *s = *p;
  const char *year_start;
  gboolean negative = FALSE;
  gint64 year = 0;
  guint n_digits = 0;
  int month, day, max_day;

  if (*s == '-')
    {
      negative = TRUE;
      s++;
    }
  year_start = s;
  while (g_ascii_isdigit (*s))
    {
      if (n_digits >= 9)
        return FALSE;
      year = year * 10 + (*s - '0');
      n_digits++;
      s++;
    }
  if (n_digits < 4 || (n_digits > 4 && *year_start == '0'))
    return FALSE;
  if (negative)
    year = -year;
  if (*s++ != '-' || !parse_fixed_digits (&s, 2, &month) || *s++ != '-' ||
      !parse_fixed_digits (&s, 2, &day))
    return FALSE;
  if (month < 1 || month > 12)
    return FALSE;
  max_day = month_days[month - 1] + (month == 2 && is_leap_year (year) ? 1 : 0);
  if (day < 1 || day > max_day)
    return FALSE;

  *days = days_from_civil (year, month, day);
  *p = s;
  return TRUE;
}

/* hh ':' mm ':' ss ('.' s+)? ; 24:00:00 is the end of the day. */
static gboolean
parse_time_part (const char **p,
                 double      *seconds)
{
  const char *s = *p;
  int hour, minute, second;
  double fraction = 0, scale = 0.1;
  gboolean fraction_nonzero = FALSE;

  if (!parse_fixed_digits (&s, 2, &hour) || *s++ != ':' || !parse_fixed_digits (&s, 2, &minute) ||
      *s++ != ':' || !parse_fixed_digits (&s, 2, &second))
    return FALSE;
  if (*s == '.')
    {
      s++;
      if (!g_ascii_isdigit (*s))
        return FALSE;
      while (g_ascii_isdigit (*s))
        {
          fraction += (*s - '0') * scale;
          fraction_nonzero |= *s != '0';
          scale /= 10;
          s++;
        }
    }
  if (minute > 59 || second > 59)
    return FALSE;
  if (hour > 24 || (hour == 24 && (minute != 0 || second != 0 || fraction_nonzero)))
    return FALSE;

  *seconds = hour * 3600 + minute * 60 + second + fraction;
  *p = s;
  return TRUE;
}

/* ('Z' | ('+' | '-') hh ':' mm)? → offset in seconds east of UTC. */
static gboolean
parse_timezone (const char **p,
                int         *offset)
{
  const char *s = *p;
  int sign, hours, minutes;

  *offset = 0;
  if (*s == '\0')
    return TRUE;
  if (*s == 'Z')
    {
      *p = s + 1;
      return TRUE;
    }
  if (*s != '+' && *s != '-')
    return FALSE;
  sign = *s++ == '-' ? -1 : 1;
  if (!parse_fixed_digits (&s, 2, &hours) || *s++ != ':' || !parse_fixed_digits (&s, 2, &minutes))
    return FALSE;
  if (minutes > 59 || hours > 14 || (hours == 14 && minutes != 0))
    return FALSE;
  *offset = sign * (hours * 3600 + minutes * 60);
  *p = s;
  return TRUE;
}

/* Parses xs:date, xs:time or xs:dateTime into seconds (since 1970 for dates,
 * since midnight for times), normalised to UTC when a timezone is given
 * (values without one are taken as UTC, which is XML Schema's partial order
 * made total). */
static gboolean
parse_temporal (Datatype    datatype,
                const char *s,
                double     *out)
{
  gint64 days = 0;
  double seconds = 0;
  int offset;

  if (datatype == DATATYPE_DATE || datatype == DATATYPE_DATETIME)
    {
      if (!parse_date_part (&s, &days))
        return FALSE;
    }
  if (datatype == DATATYPE_DATETIME && *s++ != 'T')
    return FALSE;
  if (datatype == DATATYPE_TIME || datatype == DATATYPE_DATETIME)
    {
      if (!parse_time_part (&s, &seconds))
        return FALSE;
    }
  if (!parse_timezone (&s, &offset) || *s != '\0')
    return FALSE;

  *out = (double) days * 86400.0 + seconds - offset;
  return TRUE;
}

/* xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})* */
static gboolean
is_language (const char *s)
{
  gboolean first = TRUE;

  for (;;)
    {
      guint n = 0;

      while (first ? g_ascii_isalpha (s[n]) : g_ascii_isalnum (s[n]))
        n++;
      if (n < 1 || n > 8)
        return FALSE;
      s += n;
      if (*s == '\0')
        return TRUE;
      if (*s++ != '-')
        return FALSE;
      first = FALSE;
    }
}

/* xs:anyURI accepts nearly anything; this refuses what cannot be a URI
 * reference even after escaping: spaces, controls, and a malformed scheme. */
static gboolean
is_any_uri (const char *s)
{
  const char *colon = NULL;

  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c == 0x7f || strchr ("<>\"{}|\\^`", c) != NULL)
        return FALSE;
      if (colon == NULL && c == ':')
        colon = p;
      if (colon == NULL && (c == '/' || c == '?' || c == '#'))
        break;
    }

  if (colon != NULL)
    {
      if (colon == s || !g_ascii_isalpha (*s))
        return FALSE;
      for (const char *p = s; p < colon; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
          return FALSE;
    }

  return TRUE;
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

/* A part of a JID: 1 to 1023 bytes, no controls or spaces, none of forbidden. */
static gboolean
is_jid_part (const char *s,
             gsize       len,
             const char *forbidden,
             gboolean    allow_spaces)
{
  const char *end = s + len;

  if (len == 0 || len > 1023)
    return FALSE;
  for (const char *p = s; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || (!allow_spaces && g_unichar_isspace (c)) ||
          (c < 0x80 && strchr (forbidden, (char) c) != NULL))
        return FALSE;
    }
  return TRUE;
}

/* RFC 7622 in outline: [localpart@]domainpart[/resourcepart]. */
static gboolean
is_jid (const char *s)
{
  const char *slash, *at, *domain;
  gsize bare_len, domain_len;

  if (!g_utf8_validate (s, -1, NULL))
    return FALSE;

  slash = strchr (s, '/');
  bare_len = slash != NULL ? (gsize) (slash - s) : strlen (s);
  at = memchr (s, '@', bare_len);
  domain = at != NULL ? at + 1 : s;
  domain_len = bare_len - (gsize) (domain - s);

  if (at != NULL && !is_jid_part (s, (gsize) (at - s), "\"&'/:<>@", FALSE))
    return FALSE;
  /* A trailing dot is allowed and stripped (RFC 7622 §3.2). */
  if (domain_len > 1 && domain[domain_len - 1] == '.')
    domain_len--;
  if (!is_jid_part (domain, domain_len, "@/", FALSE))
    return FALSE;
  if (domain[0] == '.' || g_strstr_len (domain, domain_len, "..") != NULL)
    return FALSE;
  if (slash != NULL && !is_jid_part (slash + 1, strlen (slash + 1), "", TRUE))
    return FALSE;

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
  field_error_take ((self), (code), g_strdup_printf ((format), field_shown_name (self), ##__VA_ARGS__))

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

  if (is_integer_datatype (self->datatype))
    {
      if (min != NULL && !is_integer (min))
        min = NULL;
      if (max != NULL && !is_integer (max))
        max = NULL;
      below = min != NULL && compare_integers (value, min) < 0;
      above = max != NULL && compare_integers (value, max) > 0;
    }
  else if (self->datatype == DATATYPE_DECIMAL || self->datatype == DATATYPE_DOUBLE)
    {
      double v = parse_double (value);

      if (min != NULL && !is_double (min))
        min = NULL;
      if (max != NULL && !is_double (max))
        max = NULL;
      below = min != NULL && v < parse_double (min);
      above = max != NULL && v > parse_double (max);
    }
  else if (self->datatype == DATATYPE_DATE || self->datatype == DATATYPE_DATETIME ||
           self->datatype == DATATYPE_TIME)
    {
      double v = 0, bound;

      parse_temporal (self->datatype, value, &v);
      if (min != NULL && !parse_temporal (self->datatype, min, &bound))
        min = NULL;
      else if (min != NULL)
        below = v < bound;
      if (max != NULL && !parse_temporal (self->datatype, max, &bound))
        max = NULL;
      else if (max != NULL)
        above = v > bound;
    }
  else
    {
      /* XEP-0122 §3.2: range applies to numbers and dates, not to strings. */
      g_debug ("Ignoring <range/> on field %s of datatype %s", self->var,
               enlist_form_field_get_datatype (self));
      return TRUE;
    }

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

static gboolean
check_datatype (EnlistFormField  *self,
                const char       *value,
                GError          **error)
{
  const char *min, *max;
  double ignored;

  switch (self->datatype)
    {
    case DATATYPE_STRING:
      return TRUE;

    case DATATYPE_INTEGER:
      if (is_integer (value))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a whole number."));
      return FALSE;

    case DATATYPE_INT:
    case DATATYPE_BYTE:
    case DATATYPE_SHORT:
    case DATATYPE_LONG:
      integer_bounds (self->datatype, &min, &max);
      if (is_integer (value) && compare_integers (value, min) >= 0 &&
          compare_integers (value, max) <= 0)
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a whole number from %s to %s."), min, max);
      return FALSE;

    case DATATYPE_BOOLEAN:
      if (strcmp (value, "true") == 0 || strcmp (value, "false") == 0 ||
          strcmp (value, "1") == 0 || strcmp (value, "0") == 0)
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be “true” or “false”."));
      return FALSE;

    case DATATYPE_DATE:
      if (parse_temporal (DATATYPE_DATE, value, &ignored))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a date such as 2024-12-31."));
      return FALSE;

    case DATATYPE_DATETIME:
      if (parse_temporal (DATATYPE_DATETIME, value, &ignored))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a date and time such as 2024-12-31T23:59:00Z."));
      return FALSE;

    case DATATYPE_TIME:
      if (parse_temporal (DATATYPE_TIME, value, &ignored))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a time such as 23:59:00."));
      return FALSE;

    case DATATYPE_ANYURI:
      if (is_any_uri (value))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a web address or another URI."));
      return FALSE;

    case DATATYPE_LANGUAGE:
      if (is_language (value))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a language code such as “en” or “pt-BR”."));
      return FALSE;

    case DATATYPE_DECIMAL:
      if (is_decimal (value))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a decimal number such as 12.5."));
      return FALSE;

    case DATATYPE_DOUBLE:
      if (is_double (value))
        return TRUE;
      *error = FIELD_ERROR (self, ENLIST_ERROR_INVALID_VALUE,
                            _("“%s” must be a number such as 12.5 or 1.2E3."));
      return FALSE;

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
      !is_jid (value))
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

  if (!check_datatype (self, value, error))
    return FALSE;

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

/* ---- EnlistDataForm ----------------------------------------------------- */

struct _EnlistDataForm
{
  GObject           parent_instance;

  EnlistFormOrigin  origin;
  EnlistFormType    type;
  char             *title;
  GStrv             instructions;
  GListStore       *fields;
  GHashTable       *by_var;        /* var → EnlistFormField * (borrowed from fields) */
  gboolean          registered;
  char             *oob_url;
  GPtrArray        *bob_data;      /* EnlistXmlNode * */
};

G_DEFINE_FINAL_TYPE (EnlistDataForm, enlist_data_form, G_TYPE_OBJECT)

static void
enlist_data_form_finalize (GObject *object)
{
  EnlistDataForm *self = (EnlistDataForm *) object;

  g_free (self->title);
  g_strfreev (self->instructions);
  g_clear_pointer (&self->by_var, g_hash_table_unref);
  g_clear_object (&self->fields);
  g_free (self->oob_url);
  g_clear_pointer (&self->bob_data, g_ptr_array_unref);

  G_OBJECT_CLASS (enlist_data_form_parent_class)->finalize (object);
}

static void
enlist_data_form_class_init (EnlistDataFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_data_form_finalize;
}

static void
enlist_data_form_init (EnlistDataForm *self)
{
  self->instructions = g_new0 (char *, 1);
  self->fields = g_list_store_new (ENLIST_TYPE_FORM_FIELD);
  self->by_var = g_hash_table_new (g_str_hash, g_str_equal);
  self->bob_data = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_xml_node_free);
}

void
enlist_data_form_problem_free (EnlistDataFormProblem *problem)
{
  if (problem == NULL)
    return;
  g_clear_object (&problem->field);
  g_clear_error (&problem->error);
  g_free (problem);
}

/* ---- parsing ------------------------------------------------------------ */

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (text != NULL && strlen (text) > ENLIST_DATA_FORM_MAX_TEXT)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has a text longer than %u bytes (in <%s/>)."),
                   (guint) ENLIST_DATA_FORM_MAX_TEXT, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_instructions (EnlistDataForm       *self,
                  const EnlistXmlNode  *instructions,
                  GError              **error)
{
  const char *text = enlist_xml_node_get_text (instructions);
  guint n = g_strv_length (self->instructions);

  if (n >= ENLIST_DATA_FORM_MAX_INSTRUCTIONS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u instructions."),
                   (guint) ENLIST_DATA_FORM_MAX_INSTRUCTIONS);
      return FALSE;
    }
  if (!check_text (text, "instructions", error))
    return FALSE;

  self->instructions = g_renew (char *, self->instructions, n + 2);
  self->instructions[n] = g_strdup (text);
  self->instructions[n + 1] = NULL;
  return TRUE;
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
             GError              **error)
{
  field->media_width = parse_size_hint (enlist_xml_node_get_attr (media, "width"));
  field->media_height = parse_size_hint (enlist_xml_node_get_attr (media, "height"));

  for (guint i = 0; i < media->children->len; i++)
    {
      const EnlistXmlNode *uri = g_ptr_array_index (media->children, i);
      MediaUri *media_uri;

      if (!enlist_xml_node_is (uri, "uri", ENLIST_NS_MEDIA_ELEMENT))
        continue;
      if (field->media_uris->len >= ENLIST_DATA_FORM_MAX_MEDIA_URIS)
        {
          g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                       _("A field of the server’s form has more than %u media links."),
                       (guint) ENLIST_DATA_FORM_MAX_MEDIA_URIS);
          return FALSE;
        }
      if (!check_text (enlist_xml_node_get_text (uri), "uri", error))
        return FALSE;

      media_uri = g_new0 (MediaUri, 1);
      media_uri->uri = g_strstrip (g_strdup (enlist_xml_node_get_text (uri)));
      media_uri->type = g_strdup (enlist_xml_node_get_attr (uri, "type"));
      g_ptr_array_add (field->media_uris, media_uri);
    }

  return TRUE;
}

static void
parse_validate (EnlistFormField     *field,
                const EnlistXmlNode *validate)
{
  const char *datatype = enlist_xml_node_get_attr (validate, "datatype");

  if (datatype != NULL)
    {
      field->datatype_name = g_strdup (datatype);
      field->datatype = DATATYPE_STRING;
      for (guint i = 0; i < G_N_ELEMENTS (datatypes); i++)
        if (strcmp (datatype, datatypes[i].name) == 0)
          field->datatype = datatypes[i].datatype;
    }

  for (guint i = 0; i < validate->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (validate->children, i);

      if (enlist_xml_node_is (child, "open", ENLIST_NS_XDATA_VALIDATE))
        field->open = TRUE;
      else if (enlist_xml_node_is (child, "range", ENLIST_NS_XDATA_VALIDATE))
        {
          field->has_range = TRUE;
          g_free (field->range_min);
          g_free (field->range_max);
          field->range_min = g_strdup (enlist_xml_node_get_attr (child, "min"));
          field->range_max = g_strdup (enlist_xml_node_get_attr (child, "max"));
        }
      else if (enlist_xml_node_is (child, "regex", ENLIST_NS_XDATA_VALIDATE))
        {
          g_free (field->regex);
          field->regex = g_strdup (enlist_xml_node_get_text (child));
        }
      else if (enlist_xml_node_is (child, "list-range", ENLIST_NS_XDATA_VALIDATE))
        {
          guint64 v;

          field->has_list_range = TRUE;
          if (g_ascii_string_to_unsigned (enlist_xml_node_get_attr (child, "min") ?: "", 10,
                                          0, G_MAXUINT, &v, NULL))
            field->list_min = (guint) v;
          if (g_ascii_string_to_unsigned (enlist_xml_node_get_attr (child, "max") ?: "", 10,
                                          0, G_MAXUINT, &v, NULL))
            field->list_max = (guint) v;
        }
    }
}

static EnlistFormField *
parse_field (const EnlistXmlNode  *node,
             GError              **error)
{
  g_autoptr(EnlistFormField) field = g_object_new (ENLIST_TYPE_FORM_FIELD, NULL);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  guint n_values = 0;

  field->var = g_strdup (enlist_xml_node_get_attr (node, "var"));
  field->type = enlist_field_type_from_string (enlist_xml_node_get_attr (node, "type"));
  field->label = g_strdup (enlist_xml_node_get_attr (node, "label"));

  if (field->var == NULL && field->type != ENLIST_FIELD_TYPE_FIXED)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s form has a field without a name."));
      return NULL;
    }
  if (!check_text (field->var, "field var", error) ||
      !check_text (field->label, "field label", error))
    return NULL;

  for (guint i = 0; i < node->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (node->children, i);
      const char *text = enlist_xml_node_get_text (child);

      if (enlist_xml_node_is (child, "value", ENLIST_NS_DATA_FORM))
        {
          if (++n_values > ENLIST_DATA_FORM_MAX_VALUES)
            {
              g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                           _("A field of the server’s form has more than %u values."),
                           (guint) ENLIST_DATA_FORM_MAX_VALUES);
              return NULL;
            }
          if (!check_text (text, "value", error))
            return NULL;
          g_strv_builder_add (values, text);
        }
      else if (enlist_xml_node_is (child, "required", ENLIST_NS_DATA_FORM))
        field->required = TRUE;
      else if (enlist_xml_node_is (child, "desc", ENLIST_NS_DATA_FORM))
        {
          if (!check_text (text, "desc", error))
            return NULL;
          g_free (field->desc);
          field->desc = g_strdup (text);
        }
      else if (enlist_xml_node_is (child, "option", ENLIST_NS_DATA_FORM))
        {
          const EnlistXmlNode *value = enlist_xml_node_get_child (child, "value",
                                                                   ENLIST_NS_DATA_FORM);
          Option *option;

          if (value == NULL)
            continue;
          if (field->options->len >= ENLIST_DATA_FORM_MAX_OPTIONS)
            {
              g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                           _("A field of the server’s form has more than %u choices."),
                           (guint) ENLIST_DATA_FORM_MAX_OPTIONS);
              return NULL;
            }
          if (!check_text (enlist_xml_node_get_attr (child, "label"), "option label", error) ||
              !check_text (enlist_xml_node_get_text (value), "option", error))
            return NULL;
          option = g_new0 (Option, 1);
          option->label = g_strdup (enlist_xml_node_get_attr (child, "label"));
          option->value = g_strdup (enlist_xml_node_get_text (value));
          g_ptr_array_add (field->options, option);
        }
      else if (enlist_xml_node_is (child, "media", ENLIST_NS_MEDIA_ELEMENT))
        {
          if (!parse_media (field, child, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, "validate", ENLIST_NS_XDATA_VALIDATE))
        parse_validate (field, child);
    }

  enlist_secret_strv_free (field->values);
  field->values = g_strv_builder_end (values);

  return g_steal_pointer (&field);
}

static gboolean
add_field (EnlistDataForm   *self,
           EnlistFormField  *field,
           GError          **error)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->fields)) >= ENLIST_DATA_FORM_MAX_FIELDS)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form has more than %u fields."),
                   (guint) ENLIST_DATA_FORM_MAX_FIELDS);
      return FALSE;
    }
  if (field->var != NULL)
    {
      if (g_hash_table_contains (self->by_var, field->var))
        {
          g_autofree char *shown = enlist_text_neutralize (field->var, -1);

          g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                       _("The server’s form has two fields named “%s”."), shown);
          return FALSE;
        }
      g_hash_table_insert (self->by_var, field->var, field);
    }
  g_list_store_append (self->fields, field);
  return TRUE;
}

static gboolean
add_bob (EnlistDataForm       *self,
         const EnlistXmlNode  *data,
         gsize                *total,
         GError              **error)
{
  if (self->bob_data->len >= ENLIST_DATA_FORM_MAX_BOB)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form carries more than %u pieces of data."),
                   (guint) ENLIST_DATA_FORM_MAX_BOB);
      return FALSE;
    }
  *total += data->text->len;
  if (*total > ENLIST_DATA_FORM_MAX_BOB_TOTAL)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_LIMIT_EXCEEDED,
                   _("The server’s form carries more than %u bytes of data."),
                   (guint) ENLIST_DATA_FORM_MAX_BOB_TOTAL);
      return FALSE;
    }
  g_ptr_array_add (self->bob_data, enlist_xml_node_copy (data));
  return TRUE;
}

static gboolean
parse_x (EnlistDataForm       *self,
         const EnlistXmlNode  *x,
         gsize                *bob_total,
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
          self->type = (EnlistFormType) i;
          known = TRUE;
        }
    }
  if (!known)
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s data form has no valid type."));
      return FALSE;
    }

  self->origin = ENLIST_FORM_ORIGIN_DATA_FORM;

  for (guint i = 0; i < x->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (x->children, i);

      if (enlist_xml_node_is (child, "title", ENLIST_NS_DATA_FORM))
        {
          if (!check_text (enlist_xml_node_get_text (child), "title", error))
            return FALSE;
          g_free (self->title);
          self->title = g_strdup (enlist_xml_node_get_text (child));
        }
      else if (enlist_xml_node_is (child, "instructions", ENLIST_NS_DATA_FORM))
        {
          if (!add_instructions (self, child, error))
            return FALSE;
        }
      else if (enlist_xml_node_is (child, "field", ENLIST_NS_DATA_FORM))
        {
          g_autoptr(EnlistFormField) field = parse_field (child, error);

          if (field == NULL || !add_field (self, field, error))
            return FALSE;
        }
      else if (enlist_xml_node_is (child, "data", ENLIST_NS_BOB))
        {
          if (!add_bob (self, child, bob_total, error))
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
  gsize bob_total = 0;

  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ENLIST_TYPE_DATA_FORM, NULL);
  if (!parse_x (self, x, &bob_total, error))
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
                    GError              **error)
{
  g_autoptr(EnlistFormField) field = g_object_new (ENLIST_TYPE_FORM_FIELD, NULL);
  const char *label = legacy_label (element->name);
  const char *text = enlist_xml_node_get_text (element);

  g_assert (label != NULL);

  if (!check_text (text, "value", error))
    return FALSE;

  field->var = g_strdup (element->name);
  field->label = g_strdup (_(label));
  if (strcmp (element->name, "password") == 0)
    field->type = ENLIST_FIELD_TYPE_TEXT_PRIVATE;
  else if (strcmp (element->name, "key") == 0)
    field->type = ENLIST_FIELD_TYPE_HIDDEN;
  else
    field->type = ENLIST_FIELD_TYPE_TEXT_SINGLE;
  /* XEP-0077 §3.1: the server lists exactly what the client must provide. */
  field->required = TRUE;
  if (*text != '\0')
    {
      g_strfreev (field->values);
      field->values = g_new0 (char *, 2);
      field->values[0] = g_strdup (text);
    }

  return add_field (self, field, error);
}

EnlistDataForm *
enlist_data_form_new_from_register_query (const EnlistXmlNode  *query,
                                          GError              **error)
{
  g_autoptr(EnlistDataForm) self = NULL;
  const EnlistXmlNode *x;
  gsize bob_total = 0;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!enlist_xml_node_is (query, "query", ENLIST_NS_REGISTER))
    {
      g_set_error (error, ENLIST_ERROR, ENLIST_ERROR_MALFORMED_FORM,
                   _("The server’s answer holds no registration form."));
      return NULL;
    }

  self = g_object_new (ENLIST_TYPE_DATA_FORM, NULL);
  self->origin = ENLIST_FORM_ORIGIN_LEGACY;
  self->type = ENLIST_FORM_TYPE_FORM;

  x = enlist_xml_node_get_child (query, "x", ENLIST_NS_DATA_FORM);
  if (x != NULL && !parse_x (self, x, &bob_total, error))
    return NULL;

  for (guint i = 0; i < query->children->len; i++)
    {
      const EnlistXmlNode *child = g_ptr_array_index (query->children, i);

      if (enlist_xml_node_is (child, "registered", ENLIST_NS_REGISTER))
        self->registered = TRUE;
      else if (enlist_xml_node_is (child, "data", ENLIST_NS_BOB))
        {
          if (!add_bob (self, child, &bob_total, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, "x", ENLIST_NS_OOB))
        {
          const EnlistXmlNode *url = enlist_xml_node_get_child (child, "url", ENLIST_NS_OOB);

          if (url != NULL && self->oob_url == NULL)
            {
              if (!check_text (enlist_xml_node_get_text (url), "url", error))
                return NULL;
              self->oob_url = g_strstrip (g_strdup (enlist_xml_node_get_text (url)));
            }
        }
      /* With a data form, the legacy elements and the query's own
       * instructions are for clients that do not understand it (ejabberd's
       * second <instructions/> says exactly that). */
      else if (x != NULL)
        continue;
      else if (enlist_xml_node_is (child, "instructions", ENLIST_NS_REGISTER))
        {
          if (!add_instructions (self, child, error))
            return NULL;
        }
      else if (enlist_xml_node_is (child, NULL, ENLIST_NS_REGISTER) &&
               legacy_label (child->name) != NULL)
        {
          if (!parse_legacy_field (self, child, error))
            return NULL;
        }
    }

  return g_steal_pointer (&self);
}

/* ---- accessors ---------------------------------------------------------- */

EnlistFormOrigin
enlist_data_form_get_origin (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), ENLIST_FORM_ORIGIN_DATA_FORM);
  return self->origin;
}

EnlistFormType
enlist_data_form_get_form_type (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), ENLIST_FORM_TYPE_FORM);
  return self->type;
}

const char *
enlist_data_form_get_title (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->title;
}

const char * const *
enlist_data_form_get_instructions (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return (const char * const *) self->instructions;
}

const char *
enlist_data_form_get_form_type_namespace (EnlistDataForm *self)
{
  EnlistFormField *field;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  field = g_hash_table_lookup (self->by_var, "FORM_TYPE");
  if (field == NULL || field->type != ENLIST_FIELD_TYPE_HIDDEN)
    return NULL;
  return field->values[0];
}

gboolean
enlist_data_form_is_registered (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);
  return self->registered;
}

const char *
enlist_data_form_get_oob_url (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->oob_url;
}

GListModel *
enlist_data_form_get_fields (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return G_LIST_MODEL (self->fields);
}

guint
enlist_data_form_get_n_fields (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->fields));
}

EnlistFormField *
enlist_data_form_get_field (EnlistDataForm *self,
                            guint           i)
{
  g_autoptr(EnlistFormField) field = NULL;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  /* The store keeps its own reference: hand out a borrowed one. */
  field = g_list_model_get_item (G_LIST_MODEL (self->fields), i);
  g_return_val_if_fail (field != NULL, NULL);
  return field;
}

EnlistFormField *
enlist_data_form_lookup_field (EnlistDataForm *self,
                               const char     *var)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  g_return_val_if_fail (var != NULL, NULL);
  return g_hash_table_lookup (self->by_var, var);
}

EnlistFormField *
enlist_data_form_get_captcha_field (EnlistDataForm *self)
{
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  if (self->origin != ENLIST_FORM_ORIGIN_DATA_FORM)
    return NULL;
  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);

      if (field->type != ENLIST_FIELD_TYPE_HIDDEN && field->type != ENLIST_FIELD_TYPE_FIXED &&
          is_captcha_answer_var (field->var))
        return field;
    }
  return NULL;
}

gboolean
enlist_data_form_is_captcha (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);

  return g_strcmp0 (enlist_data_form_get_form_type_namespace (self), ENLIST_NS_CAPTCHA) == 0 ||
         enlist_data_form_get_captcha_field (self) != NULL;
}

const char *
enlist_data_form_get_captcha_fallback_url (EnlistDataForm *self)
{
  static const char * const vars[] = { "captcha-fallback-url", "url" };

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);

  if (!enlist_data_form_is_captcha (self))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      EnlistFormField *field = g_hash_table_lookup (self->by_var, vars[i]);

      if (field != NULL && field->values[0] != NULL && *field->values[0] != '\0')
        return field->values[0];
    }
  return self->oob_url;
}

GPtrArray *
enlist_data_form_get_bob_data (EnlistDataForm *self)
{
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), NULL);
  return self->bob_data;
}

gboolean
enlist_data_form_validate (EnlistDataForm  *self,
                           GPtrArray      **problems)
{
  g_autoptr(GPtrArray) found = NULL;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (self), FALSE);

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) enlist_data_form_problem_free);
  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      GError *error = NULL;

      if (!enlist_form_field_validate (field, &error))
        {
          EnlistDataFormProblem *problem = g_new0 (EnlistDataFormProblem, 1);

          problem->field = g_object_ref (field);
          problem->error = error;
          g_ptr_array_add (found, problem);
        }
    }

  n = found->len;
  if (problems != NULL)
    *problems = g_steal_pointer (&found);
  return n == 0;
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
      EnlistXmlNode *node;

      if (field->type == ENLIST_FIELD_TYPE_FIXED || field->var == NULL)
        continue;
      if (is_informational_var (field->var))
        continue;

      node = enlist_xml_node_add_child (x, "field", NULL);
      enlist_xml_node_set_attr (node, "var", field->var);
      if (field->type == ENLIST_FIELD_TYPE_BOOLEAN)
        {
          if (field->values[0] != NULL && *field->values[0] != '\0')
            enlist_xml_node_set_text (enlist_xml_node_add_child (node, "value", NULL),
                                      enlist_form_field_get_boolean (field) ? "1" : "0");
          continue;
        }
      for (guint j = 0; field->values[j] != NULL; j++)
        enlist_xml_node_set_text (enlist_xml_node_add_child (node, "value", NULL),
                                  field->values[j]);
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
  if (self->origin == ENLIST_FORM_ORIGIN_DATA_FORM)
    {
      enlist_xml_node_append (query, enlist_data_form_build_submit (self));
      return query;
    }

  n = enlist_data_form_get_n_fields (self);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (self, i);
      EnlistXmlNode *node = enlist_xml_node_add_child (query, field->var, NULL);

      if (field->values[0] != NULL)
        enlist_xml_node_set_text (node, field->values[0]);
    }

  return query;
}

/* ---- carrying values over ----------------------------------------------- */

static gboolean
is_user_field (EnlistFormField *field)
{
  return field->var != NULL && field->type != ENLIST_FIELD_TYPE_HIDDEN &&
         field->type != ENLIST_FIELD_TYPE_FIXED && !is_informational_var (field->var);
}

/* Whether every user field of a has a field of the same var and type in b. */
static gboolean
user_fields_contained (EnlistDataForm *a,
                       EnlistDataForm *b)
{
  guint n = enlist_data_form_get_n_fields (a);

  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (a, i);
      EnlistFormField *other;

      if (!is_user_field (field))
        continue;
      other = g_hash_table_lookup (b->by_var, field->var);
      if (other == NULL || !is_user_field (other) || other->type != field->type)
        return FALSE;
    }
  return TRUE;
}

gboolean
enlist_data_form_copy_values_from (EnlistDataForm *dest,
                                   EnlistDataForm *src,
                                   gboolean        include_secrets)
{
  EnlistFormField *dest_captcha, *src_captcha;
  guint n;

  g_return_val_if_fail (ENLIST_IS_DATA_FORM (dest), FALSE);
  g_return_val_if_fail (ENLIST_IS_DATA_FORM (src), FALSE);

  if (dest == src)
    return TRUE;
  if (!user_fields_contained (dest, src) || !user_fields_contained (src, dest))
    return FALSE;

  dest_captcha = enlist_data_form_get_captcha_field (dest);
  src_captcha = enlist_data_form_get_captcha_field (src);

  n = enlist_data_form_get_n_fields (dest);
  for (guint i = 0; i < n; i++)
    {
      EnlistFormField *field = enlist_data_form_get_field (dest, i);
      EnlistFormField *from;

      if (!is_user_field (field) || field == dest_captcha)
        continue;
      from = g_hash_table_lookup (src->by_var, field->var);
      if (from == src_captcha)
        continue;
      if (!include_secrets &&
          (field->type == ENLIST_FIELD_TYPE_TEXT_PRIVATE || strcmp (field->var, "password") == 0))
        continue;
      enlist_form_field_set_values (field, (const char * const *) from->values);
    }

  return TRUE;
}
