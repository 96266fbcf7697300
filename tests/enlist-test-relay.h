/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-relay.h: a TCP relay on 127.0.0.1 between a client and a real
 * XMPP server's STARTTLS port that can hold back, at an exact point, what
 * one side sends: the registration's submission (the server never sees it)
 * or the server's answer to it (the client never sees it). To see the
 * stanzas it ends TLS on both sides itself: it presents the test servers'
 * certificate to the client (its key file is needed) and accepts the
 * server's. For crash tests: a client can be killed at the point where
 * only the other side knows what happened. Runs on threads of its own, so
 * that the test may wait synchronously for subprocesses meanwhile. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ENLIST_TEST_RELAY_PASS,         /* forward everything */
  ENLIST_TEST_RELAY_HOLD_SUBMIT,  /* hold back the first registration submission, password
                                   * change or removal (and what follows) */
  ENLIST_TEST_RELAY_HOLD_ANSWER,  /* forward it, and hold back what the server sends after it */
} EnlistTestRelayMode;

typedef struct _EnlistTestRelay EnlistTestRelay;

/* Listens on a free port of 127.0.0.1, relaying every connection to
 * 127.0.0.1:server_port. The mode applies once: after it held something
 * back, later connections are relayed in full. */
EnlistTestRelay *enlist_test_relay_new       (guint16              server_port,
                                              const char          *cert_file,
                                              const char          *key_file,
                                              EnlistTestRelayMode  mode);
guint16          enlist_test_relay_get_port  (EnlistTestRelay     *self);
/* Waits up to timeout_s seconds until the relay holds back what its mode
 * says; returns the text held back so far (NULL when nothing came). */
char            *enlist_test_relay_wait_held (EnlistTestRelay     *self,
                                              guint                timeout_s);
/* Sends on what was held back, and everything after it: the exchange
 * goes on as if it had only been slow. */
void             enlist_test_relay_release   (EnlistTestRelay     *self);
/* Stops listening, closes every connection and waits for its threads. */
void             enlist_test_relay_free      (EnlistTestRelay     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistTestRelay, enlist_test_relay_free)

G_END_DECLS
