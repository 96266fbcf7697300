/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-media.h: what the media resolver's tests share: images made
 * with gdk-pixbuf, inline Bits of Binary, and a resolve on the main loop that
 * checks the loop keeps turning meanwhile. */
#pragma once

#include "enlist-media.h"

G_BEGIN_DECLS

/* Measures the longest wait between two ticks of the main loop. */
typedef struct
{
  guint  source_id;
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} EnlistTestTicker;

/* A width × height image in one colour, saved by gdk-pixbuf as type
 * ("png", "jpeg"). */
GBytes           *enlist_test_make_image   (const char          *type,
                                            int                  width,
                                            int                  height);
/* "algo+hash@bob.xmpp.org", the hash of bytes by type. */
char             *enlist_test_make_cid     (const char          *algo,
                                            GChecksumType        type,
                                            GBytes              *bytes);
/* <data xmlns='urn:xmpp:bob'/> carrying bytes; cid may be NULL. */
EnlistXmlNode    *enlist_test_make_bob     (const char          *cid,
                                            const char          *declared_type,
                                            GBytes              *bytes);
/* Adds inline BoB data for bytes; returns the cid: URI naming it. */
char             *enlist_test_add_inline   (EnlistMediaResolver *resolver,
                                            const char          *declared_type,
                                            GBytes              *bytes);
/* Resolves uri on the main loop, checking that the loop keeps turning;
 * ticker_out (may be NULL) receives the measure. */
EnlistMediaImage *enlist_test_resolve      (EnlistMediaResolver *resolver,
                                            const char          *uri,
                                            GCancellable        *cancellable,
                                            GError             **error,
                                            EnlistTestTicker    *ticker_out);
/* bytes may be NULL: not compared. */
void              enlist_test_assert_image (EnlistMediaImage    *image,
                                            const char          *mime_type,
                                            int                  width,
                                            int                  height,
                                            GBytes              *bytes);

G_END_DECLS
