/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xsd.c: the XML Schema datatypes of XEP-0122 on their own: names,
 * lexical checks, the bounds of the sized integers, and the orders that
 * <range/> relies on. */
#define G_LOG_DOMAIN "test-xsd"

#include "config.h"

#include <string.h>

#include "enlist-xsd.h"

typedef struct
{
  const char *value;
  gboolean    valid;
} Case;

static void
check_valid (EnlistXsdDatatype  datatype,
             const Case        *cases,
             gsize              n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_test_message ("%d “%s”", datatype, cases[i].value);
      g_assert_cmpint (enlist_xsd_is_valid (datatype, cases[i].value), ==, cases[i].valid);
    }
}

#define CHECK_VALID(datatype, cases) check_valid ((datatype), (cases), G_N_ELEMENTS (cases))

static void
test_names (void)
{
  static const struct { const char *name; EnlistXsdDatatype datatype; } cases[] = {
    { "xs:string", ENLIST_XSD_STRING }, { "xs:integer", ENLIST_XSD_INTEGER },
    { "xs:int", ENLIST_XSD_INT }, { "xs:byte", ENLIST_XSD_BYTE },
    { "xs:short", ENLIST_XSD_SHORT }, { "xs:long", ENLIST_XSD_LONG },
    { "xs:boolean", ENLIST_XSD_BOOLEAN }, { "xs:date", ENLIST_XSD_DATE },
    { "xs:dateTime", ENLIST_XSD_DATETIME }, { "xs:time", ENLIST_XSD_TIME },
    { "xs:anyURI", ENLIST_XSD_ANYURI }, { "xs:language", ENLIST_XSD_LANGUAGE },
    { "xs:decimal", ENLIST_XSD_DECIMAL }, { "xs:double", ENLIST_XSD_DOUBLE },
    /* Unknown names, other prefixes and other cases are strings. */
    { "xs:gYearMonth", ENLIST_XSD_STRING }, { "x:mine", ENLIST_XSD_STRING },
    { "xs:Integer", ENLIST_XSD_STRING }, { "integer", ENLIST_XSD_STRING },
    { "", ENLIST_XSD_STRING }, { NULL, ENLIST_XSD_STRING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (enlist_xsd_datatype_from_name (cases[i].name), ==, cases[i].datatype);
}

static void
test_integers (void)
{
  static const Case integer[] = {
    { "0", TRUE }, { "-0", TRUE }, { "+7", TRUE }, { "007", TRUE },
    { "123456789012345678901234567890123456789012345678901234567890", TRUE },
    { "", FALSE }, { "-", FALSE }, { "+", FALSE }, { "1.0", FALSE }, { "1e3", FALSE },
    { " 1", FALSE }, { "1 ", FALSE }, { "0x10", FALSE }, { "١٢", FALSE }, { "--1", FALSE },
  };
  static const Case byte[] = {
    { "127", TRUE }, { "128", FALSE }, { "-128", TRUE }, { "-129", FALSE },
    { "0000000000000000000127", TRUE }, { "99999999999999999999999999", FALSE },
  };
  static const Case lng[] = {
    { "9223372036854775807", TRUE }, { "9223372036854775808", FALSE },
    { "-9223372036854775808", TRUE }, { "-9223372036854775809", FALSE },
  };
  const char *min, *max;

  CHECK_VALID (ENLIST_XSD_INTEGER, integer);
  CHECK_VALID (ENLIST_XSD_BYTE, byte);
  CHECK_VALID (ENLIST_XSD_LONG, lng);

  g_assert_true (enlist_xsd_integer_bounds (ENLIST_XSD_SHORT, &min, &max));
  g_assert_cmpstr (min, ==, "-32768");
  g_assert_cmpstr (max, ==, "32767");
  g_assert_true (enlist_xsd_integer_bounds (ENLIST_XSD_INT, &min, &max));
  g_assert_cmpstr (min, ==, "-2147483648");
  g_assert_cmpstr (max, ==, "2147483647");
  g_assert_false (enlist_xsd_integer_bounds (ENLIST_XSD_INTEGER, &min, &max));
  g_assert_false (enlist_xsd_integer_bounds (ENLIST_XSD_DOUBLE, &min, &max));
}

static void
test_other_lexical (void)
{
  static const Case boolean[] = {
    { "true", TRUE }, { "false", TRUE }, { "1", TRUE }, { "0", TRUE }, { "TRUE", FALSE },
    { "yes", FALSE }, { "", FALSE },
  };
  static const Case date[] = {
    { "2024-02-29", TRUE }, { "2023-02-29", FALSE }, { "2000-02-29", TRUE },
    { "1900-02-29", FALSE }, { "-0044-03-15", TRUE }, { "12345-01-01", TRUE },
    { "02003-01-01", FALSE }, { "2003-10-06Z", TRUE }, { "2003-10-06+14:00", TRUE },
    { "2003-10-06+14:01", FALSE }, { "2003-10-06T00:00:00", FALSE },
    { "1234567890-01-01", FALSE }, { "", FALSE },
  };
  static const Case time[] = {
    { "24:00:00", TRUE }, { "24:00:00.0", TRUE }, { "24:00:00.1", FALSE },
    { "23:59:60", FALSE }, { "00:00:00.000000000000000000001", TRUE }, { "12:00:00.", FALSE },
  };
  static const Case any_uri[] = {
    { "https://example.org/", TRUE }, { "a+b-c.d:x", TRUE }, { "#frag", TRUE },
    { "a b", FALSE }, { "\x7f", FALSE }, { "1a:b", FALSE }, { ":b", FALSE }, { "a\"b", FALSE },
  };
  static const Case language[] = {
    { "en", TRUE }, { "zh-Hant-TW", TRUE }, { "abcdefgh-12345678", TRUE },
    { "abcdefghi", FALSE }, { "en--US", FALSE }, { "1en", FALSE }, { "", FALSE },
  };
  static const Case decimal[] = {
    { "1", TRUE }, { ".5", TRUE }, { "5.", TRUE }, { "-.5", TRUE }, { ".", FALSE },
    { "1e1", FALSE }, { "NaN", FALSE }, { "", FALSE },
  };
  static const Case dbl[] = {
    { "NaN", TRUE }, { "-INF", TRUE }, { "+INF", TRUE }, { "1E+3", TRUE }, { "1E", FALSE },
    { "-NaN", FALSE }, { "Infinity", FALSE }, { "", FALSE },
  };
  static const Case string[] = { { "", TRUE }, { "anything \x01 at all", TRUE } };

  CHECK_VALID (ENLIST_XSD_BOOLEAN, boolean);
  CHECK_VALID (ENLIST_XSD_DATE, date);
  CHECK_VALID (ENLIST_XSD_TIME, time);
  CHECK_VALID (ENLIST_XSD_ANYURI, any_uri);
  CHECK_VALID (ENLIST_XSD_LANGUAGE, language);
  CHECK_VALID (ENLIST_XSD_DECIMAL, decimal);
  CHECK_VALID (ENLIST_XSD_DOUBLE, dbl);
  CHECK_VALID (ENLIST_XSD_STRING, string);
}

static void
test_compare (void)
{
  static const struct
  {
    EnlistXsdDatatype datatype;
    const char       *a;
    const char       *b;
    gboolean          comparable;
    int               result;
  } cases[] = {
    /* Integers of any length, exactly, signs and leading zeros included. */
    { ENLIST_XSD_INTEGER, "10", "9", TRUE, 1 },
    { ENLIST_XSD_INTEGER, "-10", "-9", TRUE, -1 },
    { ENLIST_XSD_INTEGER, "-0", "+0", TRUE, 0 },
    { ENLIST_XSD_INTEGER, "0007", "7", TRUE, 0 },
    { ENLIST_XSD_INTEGER, "99999999999999999999999", "99999999999999999999998", TRUE, 1 },
    { ENLIST_XSD_BYTE, "5", "1000", TRUE, -1 },
    { ENLIST_XSD_INTEGER, "1.5", "1", FALSE, 0 },
    { ENLIST_XSD_INTEGER, "ten", "1", FALSE, 0 },
    /* Decimals and doubles as doubles; a decimal bound may have an exponent. */
    { ENLIST_XSD_DECIMAL, "0.5", "0.50", TRUE, 0 },
    { ENLIST_XSD_DECIMAL, "0.4", "1e9", TRUE, -1 },
    { ENLIST_XSD_DOUBLE, "INF", "1e308", TRUE, 1 },
    { ENLIST_XSD_DOUBLE, "-INF", "-1e308", TRUE, -1 },
    { ENLIST_XSD_DOUBLE, "NaN", "1", TRUE, 0 },
    { ENLIST_XSD_DOUBLE, "x", "1", FALSE, 0 },
    /* Dates and times in UTC. */
    { ENLIST_XSD_DATE, "2003-10-30", "2003-10-31", TRUE, -1 },
    { ENLIST_XSD_DATE, "-0001-01-01", "0001-01-01", TRUE, -1 },
    { ENLIST_XSD_DATETIME, "2003-10-06T13:00:00+02:00", "2003-10-06T11:00:00Z", TRUE, 0 },
    { ENLIST_XSD_DATETIME, "2003-10-06T11:30:00-01:00", "2003-10-06T12:00:00Z", TRUE, 1 },
    { ENLIST_XSD_DATETIME, "2003-10-06T24:00:00", "2003-10-07T00:00:00", TRUE, 0 },
    { ENLIST_XSD_TIME, "09:00:00", "08:59:59.999", TRUE, 1 },
    { ENLIST_XSD_TIME, "09:00", "08:00:00", FALSE, 0 },
    /* Datatypes without an order. */
    { ENLIST_XSD_STRING, "a", "b", FALSE, 0 },
    { ENLIST_XSD_BOOLEAN, "0", "1", FALSE, 0 },
    { ENLIST_XSD_ANYURI, "a:b", "a:c", FALSE, 0 },
    { ENLIST_XSD_LANGUAGE, "de", "en", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int result = 42;
      gboolean comparable;

      g_test_message ("%d: %s <=> %s", cases[i].datatype, cases[i].a, cases[i].b);
      comparable = enlist_xsd_compare (cases[i].datatype, cases[i].a, cases[i].b, &result);
      g_assert_cmpint (comparable, ==, cases[i].comparable);
      g_assert_cmpint (enlist_xsd_is_ordered (cases[i].datatype), >=, comparable);
      if (comparable)
        g_assert_cmpint (result, ==, cases[i].result);
      else
        g_assert_cmpint (result, ==, 42);
    }
}

/* Whatever the input, the checks answer and stay consistent: a value the
 * datatype accepts compares with itself as equal. */
static void
test_fuzz (void)
{
  static const char alphabet[] = "0123456789+-.:eETZ INFaN";
  g_autoptr(GRand) rand = g_rand_new_with_seed (122);

  for (guint round = 0; round < 20000; round++)
    {
      char buf[32];
      guint len = (guint) g_rand_int_range (rand, 1, sizeof buf);
      EnlistXsdDatatype datatype = (EnlistXsdDatatype) g_rand_int_range (rand, ENLIST_XSD_STRING,
                                                                         ENLIST_XSD_DOUBLE + 1);
      int result;

      for (guint i = 0; i < len - 1; i++)
        buf[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      buf[len - 1] = '\0';

      if (enlist_xsd_is_valid (datatype, buf) && enlist_xsd_is_ordered (datatype) &&
          strcmp (buf, "NaN") != 0)
        {
          g_assert_true (enlist_xsd_compare (datatype, buf, buf, &result));
          g_assert_cmpint (result, ==, 0);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xsd/names", test_names);
  g_test_add_func ("/xsd/integers", test_integers);
  g_test_add_func ("/xsd/other-lexical", test_other_lexical);
  g_test_add_func ("/xsd/compare", test_compare);
  g_test_add_func ("/xsd/fuzz", test_fuzz);

  return g_test_run ();
}
