/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-keyring.h: the test session's keyring seen from outside,
 * with libsecret itself rather than the unit under test: what it holds
 * for an address, and writing or clearing items as a crashed Enlist would
 * have left them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every item of jid as "state=secret" ("-" for the confirmed one), sorted
 * and joined by spaces; "" when there is none. */
char *enlist_test_keyring_of    (const char *jid);
#define enlist_test_assert_keyring(jid, expected) \
  G_STMT_START { \
    g_autofree char *_held = enlist_test_keyring_of (jid); \
    g_assert_cmpstr (_held, ==, expected); \
  } G_STMT_END
/* An item of jid: confirmed (state NULL) or pending in state
 * ("pending-registration", "pending-password"). */
void  enlist_test_store_raw     (const char *jid,
                                 const char *state,
                                 const char *password);
/* Removes every item of jid. */
void  enlist_test_clear_keyring (const char *jid);

G_END_DECLS
