/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-test-sasl.h: what the SASL tests share: driving EnlistSasl a step
 * at a time, in base64 as on the wire or as text, and GNU SASL's server side
 * as the peer. */
#pragma once

#include <gio/gio.h>
#include <gsasl.h>

#include "enlist-error.h"
#include "enlist-sasl.h"

G_BEGIN_DECLS

/* The salt and the server's part of the nonce of the hand-written
 * server-first messages. */
#define ENLIST_TEST_SALT "QSXCR+Q6sek8bf92"
#define ENLIST_TEST_SERVER_NONCE "3rfcNHYJY1ZVvWVs7j"

char                 *enlist_test_base64_encode       (const char            *text);
/* NUL-terminated; length for messages that contain NULs (PLAIN). */
char                 *enlist_test_base64_decode       (const char            *text,
                                                       gsize                 *length);
/* challenge and response in base64, as on the wire */
char                 *enlist_test_sasl_step           (EnlistSasl            *sasl,
                                                       const char            *challenge,
                                                       GError               **error);
/* challenge and response as text */
char                 *enlist_test_sasl_step_text      (EnlistSasl            *sasl,
                                                       const char            *challenge,
                                                       GError               **error);
gboolean              enlist_test_sasl_verify_text    (EnlistSasl            *sasl,
                                                       const char            *success,
                                                       GError               **error);
/* For username, password "pencil". */
EnlistSasl           *enlist_test_sasl_new_for        (const char * const    *offered,
                                                       const char * const    *binding_types,
                                                       GTlsConnection        *tls,
                                                       const char            *username);
/* For "user". */
EnlistSasl           *enlist_test_sasl_new            (const char * const    *offered,
                                                       const char * const    *binding_types,
                                                       GTlsConnection        *tls);
/* Offered only mechanism, which it must choose. */
EnlistSasl           *enlist_test_sasl_new_scram      (const char            *mechanism);
/* Steps sasl to the point where it waits for server-first; returns the
 * client nonce. */
char                 *enlist_test_sasl_start_scram    (EnlistSasl            *sasl);

/* GNU SASL's server side as the peer, knowing user's password "pencil". */
typedef struct
{
  Gsasl         *ctx;
  Gsasl_session *session;
} EnlistTestSaslServer;

/* binding: NULL, or the server side's binding data for a -PLUS mechanism */
void                  enlist_test_sasl_server_init    (EnlistTestSaslServer  *server,
                                                       const char            *mechanism,
                                                       Gsasl_property         binding_property,
                                                       GByteArray            *binding);
void                  enlist_test_sasl_server_clear   (EnlistTestSaslServer  *server);
/* A server step on a base64 message; returns the base64 answer (g_free). */
char                 *enlist_test_sasl_server_step    (EnlistTestSaslServer  *server,
                                                       const char            *input,
                                                       int                    expected_rc);
/* Runs the whole exchange; returns the decoded client-first message. */
char                 *enlist_test_sasl_exchange       (EnlistSasl            *sasl,
                                                       EnlistTestSaslServer  *server);

G_END_DECLS
