/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-utils.c: waiting for asynchronous results in tests, and
 * checking that objects are finalized once their work is done. */
#define G_LOG_DOMAIN "enlist-test-utils"

#include "config.h"

#include "enlist-test-utils.h"

#define FINALIZE_WAIT_USEC (10 * G_USEC_PER_SEC)

void
enlist_test_store_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      slot)
{
  GAsyncResult **out = slot;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

GAsyncResult *
enlist_test_wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

void
enlist_test_finalize (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + FINALIZE_WAIT_USEC;

  /* a GTask run in a thread may drop its reference on the worker thread,
   * which wakes no main context: poll */
  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1
         && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  g_assert_finalize_object (object);
}
