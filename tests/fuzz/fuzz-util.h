/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-util.h: what the fuzz targets share: the entry point libFuzzer (or
 * fuzz-replay.c) calls, turning the fuzzer's bytes into one element the way
 * a server's stanza is read, and waiting for an asynchronous step on the
 * default main context. */
#pragma once

#include <stdint.h>
#include <gio/gio.h>

#include "enlist-xml.h"

G_BEGIN_DECLS

/* Defined by each target; called with every input. */
int            LLVMFuzzerTestOneInput       (const uint8_t  *data,
                                             size_t          size);

/* A server's stream header, which the element is read after. */
#define ENLIST_FUZZ_STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' from='example.org' id='f1' " \
  "version='1.0'>"

/* The first top-level element of data, read by the stream reader after
 * ENLIST_FUZZ_STREAM_HEADER with limits of max_stanza bytes (and nesting of
 * 16); NULL when the reader refused the bytes or no element was complete. */
EnlistXmlNode *enlist_fuzz_parse_element    (const uint8_t  *data,
                                             size_t          size,
                                             gsize           max_stanza);

/* Iterates the default main context until *slot is set (by
 * enlist_fuzz_store_result, as a GAsyncReadyCallback with slot as its
 * user_data). */
void           enlist_fuzz_store_result     (GObject        *source,
                                             GAsyncResult   *result,
                                             gpointer        slot);
GAsyncResult  *enlist_fuzz_wait_for         (GAsyncResult  **slot);

/* Drops the last reference to object once worker threads let go of theirs
 * (a GTask run in a thread may release its source object late), so that
 * nothing of one input is left when the next one starts. */
void           enlist_fuzz_release          (gpointer        object);

G_END_DECLS
