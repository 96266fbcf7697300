/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-utils.h: waiting for asynchronous results in tests, and
 * checking that objects are finalized once their work is done. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GAsyncReadyCallback: stores a reference to result in *slot (a
 * GAsyncResult ** passed as user data), which must be empty. */
void          enlist_test_store_result (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       slot);
/* Iterates the main context until *slot is set; returns it. */
GAsyncResult *enlist_test_wait_for     (GAsyncResult **slot);
/* Lets pending callbacks, and worker threads, drop their references (for at
 * most 10 s), then checks that releasing the caller's finalizes object. */
void          enlist_test_finalize     (gpointer       object);

G_END_DECLS
