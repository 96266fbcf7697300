/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xsd.c: the lexical rules of the XML Schema datatypes XEP-0122 uses,
 * written out by hand: values come from people and ranges from servers, and
 * neither may crash, hang or be misread by a general-purpose parser. */
#define G_LOG_DOMAIN "enlist-xsd"

#include "config.h"

#include <math.h>
#include <string.h>

#include "enlist-xsd.h"

static const struct
{
  const char        *name;
  EnlistXsdDatatype  datatype;
} datatypes[] = {
  { "xs:string", ENLIST_XSD_STRING },
  { "xs:integer", ENLIST_XSD_INTEGER },
  { "xs:int", ENLIST_XSD_INT },
  { "xs:byte", ENLIST_XSD_BYTE },
  { "xs:short", ENLIST_XSD_SHORT },
  { "xs:long", ENLIST_XSD_LONG },
  { "xs:boolean", ENLIST_XSD_BOOLEAN },
  { "xs:date", ENLIST_XSD_DATE },
  { "xs:dateTime", ENLIST_XSD_DATETIME },
  { "xs:time", ENLIST_XSD_TIME },
  { "xs:anyURI", ENLIST_XSD_ANYURI },
  { "xs:language", ENLIST_XSD_LANGUAGE },
  { "xs:decimal", ENLIST_XSD_DECIMAL },
  { "xs:double", ENLIST_XSD_DOUBLE },
};

EnlistXsdDatatype
enlist_xsd_datatype_from_name (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (datatypes); i++)
    if (strcmp (name, datatypes[i].name) == 0)
      return datatypes[i].datatype;
  return ENLIST_XSD_STRING;
}

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
integer_bounds (EnlistXsdDatatype   datatype,
                const char        **min,
                const char        **max)
{
  switch (datatype)
    {
    case ENLIST_XSD_BYTE:
      *min = "-128";
      *max = "127";
      return TRUE;
    case ENLIST_XSD_SHORT:
      *min = "-32768";
      *max = "32767";
      return TRUE;
    case ENLIST_XSD_INT:
      *min = "-2147483648";
      *max = "2147483647";
      return TRUE;
    case ENLIST_XSD_LONG:
      *min = "-9223372036854775808";
      *max = "9223372036854775807";
      return TRUE;
    case ENLIST_XSD_STRING:
    case ENLIST_XSD_INTEGER:
    case ENLIST_XSD_BOOLEAN:
    case ENLIST_XSD_DATE:
    case ENLIST_XSD_DATETIME:
    case ENLIST_XSD_TIME:
    case ENLIST_XSD_ANYURI:
    case ENLIST_XSD_LANGUAGE:
    case ENLIST_XSD_DECIMAL:
    case ENLIST_XSD_DOUBLE:
    default:
      return FALSE;
    }
}

static gboolean
is_integer_datatype (EnlistXsdDatatype datatype)
{
  return datatype == ENLIST_XSD_INTEGER || datatype == ENLIST_XSD_INT ||
         datatype == ENLIST_XSD_BYTE || datatype == ENLIST_XSD_SHORT || datatype == ENLIST_XSD_LONG;
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
parse_temporal (EnlistXsdDatatype  datatype,
                const char        *s,
                double            *out)
{
  gint64 days = 0;
  double seconds = 0;
  int offset;

  if (datatype == ENLIST_XSD_DATE || datatype == ENLIST_XSD_DATETIME)
    {
      if (!parse_date_part (&s, &days))
        return FALSE;
    }
  if (datatype == ENLIST_XSD_DATETIME && *s++ != 'T')
    return FALSE;
  if (datatype == ENLIST_XSD_TIME || datatype == ENLIST_XSD_DATETIME)
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

gboolean
enlist_xsd_is_valid (EnlistXsdDatatype  datatype,
                     const char        *value)
{
  const char *min, *max;
  double ignored;

  g_return_val_if_fail (value != NULL, FALSE);

  switch (datatype)
    {
    case ENLIST_XSD_STRING:
      return TRUE;
    case ENLIST_XSD_INTEGER:
      return is_integer (value);
    case ENLIST_XSD_INT:
    case ENLIST_XSD_BYTE:
    case ENLIST_XSD_SHORT:
    case ENLIST_XSD_LONG:
      integer_bounds (datatype, &min, &max);
      return is_integer (value) && compare_integers (value, min) >= 0 &&
             compare_integers (value, max) <= 0;
    case ENLIST_XSD_BOOLEAN:
      return strcmp (value, "true") == 0 || strcmp (value, "false") == 0 ||
             strcmp (value, "1") == 0 || strcmp (value, "0") == 0;
    case ENLIST_XSD_DATE:
    case ENLIST_XSD_DATETIME:
    case ENLIST_XSD_TIME:
      return parse_temporal (datatype, value, &ignored);
    case ENLIST_XSD_ANYURI:
      return is_any_uri (value);
    case ENLIST_XSD_LANGUAGE:
      return is_language (value);
    case ENLIST_XSD_DECIMAL:
      return is_decimal (value);
    case ENLIST_XSD_DOUBLE:
      return is_double (value);
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
enlist_xsd_integer_bounds (EnlistXsdDatatype   datatype,
                           const char        **min,
                           const char        **max)
{
  g_return_val_if_fail (min != NULL && max != NULL, FALSE);

  return integer_bounds (datatype, min, max);
}

gboolean
enlist_xsd_is_ordered (EnlistXsdDatatype datatype)
{
  return is_integer_datatype (datatype) || datatype == ENLIST_XSD_DECIMAL ||
         datatype == ENLIST_XSD_DOUBLE || datatype == ENLIST_XSD_DATE ||
         datatype == ENLIST_XSD_DATETIME || datatype == ENLIST_XSD_TIME;
}

static int
sign_of (double d)
{
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

gboolean
enlist_xsd_compare (EnlistXsdDatatype  datatype,
                    const char        *a,
                    const char        *b,
                    int               *result)
{
  double va, vb;

  g_return_val_if_fail (a != NULL && b != NULL && result != NULL, FALSE);

  if (is_integer_datatype (datatype))
    {
      if (!is_integer (a) || !is_integer (b))
        return FALSE;
      *result = compare_integers (a, b);
      return TRUE;
    }

  if (datatype == ENLIST_XSD_DECIMAL || datatype == ENLIST_XSD_DOUBLE)
    {
      if (!is_double (a) || !is_double (b))
        return FALSE;
      va = parse_double (a);
      vb = parse_double (b);
      /* Comparisons with NaN are all false: NaN is in no range's way. */
      *result = va < vb ? -1 : va > vb ? 1 : 0;
      return TRUE;
    }

  if (datatype == ENLIST_XSD_DATE || datatype == ENLIST_XSD_DATETIME ||
      datatype == ENLIST_XSD_TIME)
    {
      if (!parse_temporal (datatype, a, &va) || !parse_temporal (datatype, b, &vb))
        return FALSE;
      *result = sign_of (va - vb);
      return TRUE;
    }

  return FALSE;
}
