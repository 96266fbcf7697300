/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-xsd.h (private): the XML Schema Part 2 datatypes that XEP-0122
 * names, as lexical checks and orderings; what a data-form field needs to
 * decide whether a value is of its datatype and inside its <range/>. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ENLIST_XSD_STRING,
  ENLIST_XSD_INTEGER,
  ENLIST_XSD_INT,
  ENLIST_XSD_BYTE,
  ENLIST_XSD_SHORT,
  ENLIST_XSD_LONG,
  ENLIST_XSD_BOOLEAN,
  ENLIST_XSD_DATE,
  ENLIST_XSD_DATETIME,
  ENLIST_XSD_TIME,
  ENLIST_XSD_ANYURI,
  ENLIST_XSD_LANGUAGE,
  ENLIST_XSD_DECIMAL,
  ENLIST_XSD_DOUBLE,
} EnlistXsdDatatype;

/* "xs:integer" → ENLIST_XSD_INTEGER; NULL and unknown names are strings
 * (XEP-0122 §3.1: a client treats an unknown datatype as xs:string). */
EnlistXsdDatatype enlist_xsd_datatype_from_name (const char        *name);

/* Whether value is in the lexical space of the datatype, and for xs:int,
 * xs:byte, xs:short and xs:long inside their value space. */
gboolean          enlist_xsd_is_valid           (EnlistXsdDatatype  datatype,
                                                 const char        *value);

/* The bounds of xs:byte, xs:short, xs:int and xs:long, as text; FALSE for
 * every other datatype. */
gboolean          enlist_xsd_integer_bounds     (EnlistXsdDatatype  datatype,
                                                 const char       **min,
                                                 const char       **max);

/* Whether <range/> means something for the datatype (numbers, dates, times). */
gboolean          enlist_xsd_is_ordered         (EnlistXsdDatatype  datatype);

/* Compares a and b in the datatype's order: *result is -1, 0 or 1. Integers
 * of any length compare exactly; xs:decimal and xs:double as doubles (NaN
 * compares equal to everything); dates and times in UTC, a value without a
 * timezone taken as UTC. FALSE, leaving *result alone, when the datatype has
 * no order or a or b is not of it (for numbers: not a double). */
gboolean          enlist_xsd_compare            (EnlistXsdDatatype  datatype,
                                                 const char        *a,
                                                 const char        *b,
                                                 int               *result);

G_END_DECLS
