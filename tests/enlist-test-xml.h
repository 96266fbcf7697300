/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-xml.h: what the XML tests share: a stream reader whose
 * callbacks collect what it delivers, fed in pieces of any size. */
#pragma once

#include "enlist-error.h"
#include "enlist-xml.h"
#include "enlist-xml-reader.h"

G_BEGIN_DECLS

/* Collects what a reader delivers. */
typedef struct
{
  EnlistXmlReader *reader;
  GPtrArray       *stanzas;      /* EnlistXmlNode * */
  EnlistXmlNode   *root;
  guint            n_starts;
  guint            n_ends;
  const char      *stop_at;      /* stop the reader after a stanza with this name */
  gboolean         free_at_stop; /* free it instead */
} EnlistTestCapture;

/* limits may be NULL: the defaults. */
EnlistTestCapture *enlist_test_capture_new       (const EnlistXmlLimits *limits);
void               enlist_test_capture_free      (EnlistTestCapture     *cap);
/* Feeds data in pieces of chunk bytes (0: all at once). If ends is given (the
 * offsets at which each stanza is complete), checks after every feed call
 * that exactly the stanzas complete so far have been delivered. */
gboolean           enlist_test_capture_feed      (EnlistTestCapture     *cap,
                                                  const char            *data,
                                                  gsize                  len,
                                                  gsize                  chunk,
                                                  const GArray          *ends,
                                                  GError               **error);
/* Everything a reader delivered, in a form that compares as a string. */
char              *enlist_test_capture_serialise (EnlistTestCapture     *cap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistTestCapture, enlist_test_capture_free)

/* The one stanza in a server's stream made of STREAM_HEADER and stanza. */
EnlistXmlNode     *enlist_test_parse_one_stanza  (const char            *stanza);
/* Feeds input with every chunk size from 1 byte to all of it and expects a
 * failure with the given code each time; libxml2's own error differs with
 * the chunk size, the outcome must not. */
void               enlist_test_assert_refused    (const char            *input,
                                                  gsize                  len,
                                                  const EnlistXmlLimits *limits,
                                                  EnlistError            code);

G_END_DECLS
