/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-sasl.h: client-side SASL with GNU SASL: mechanism choice, SCRAM with
 * optional channel binding, key derivation off the main loop. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_SASL (enlist_sasl_get_type ())
G_DECLARE_FINAL_TYPE (EnlistSasl, enlist_sasl, ENLIST, SASL, GObject)

/* Refused above this many PBKDF2 iterations. */
#define ENLIST_SASL_MAX_ITERATIONS 10000000

/* Chooses the strongest usable mechanism among offered (as the server listed
 * them): SCRAM-SHA-256-PLUS > SCRAM-SHA-1-PLUS > SCRAM-SHA-256 > SCRAM-SHA-1 >
 * PLAIN. A -PLUS mechanism is used only when binding_types (the XEP-0440
 * <sasl-channel-binding/> types the server announced; NULL when it announced
 * none) contains a type that tls can give for this connection: "tls-exporter"
 * under TLS 1.3, "tls-unique" under TLS 1.2. PLAIN only when tls is not NULL
 * and nothing better is offered. Returns NULL with ENLIST_ERROR_AUTH_UNAVAILABLE
 * when nothing is acceptable. The password is copied and wiped on finalize. */
EnlistSasl *enlist_sasl_new              (const char * const *offered,
                                          const char * const *binding_types,
                                          GTlsConnection     *tls,
                                          const char         *username,
                                          const char         *password,
                                          GError            **error);
const char *enlist_sasl_get_mechanism    (EnlistSasl         *self);

/* One step. challenge is the base64 text the server sent (NULL for the initial
 * response). Runs gsasl in a worker thread (SCRAM key derivation can take
 * seconds), except for the cheap initial response; before the password is used, the iteration count in the server's
 * first message is checked against ENLIST_SASL_MAX_ITERATIONS.
 * finish returns the base64 response to send ("" for an empty one; XMPP writes
 * "=" for empty), or NULL with an error. */
void        enlist_sasl_step_async       (EnlistSasl         *self,
                                          const char         *challenge,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
char       *enlist_sasl_step_finish      (EnlistSasl         *self,
                                          GAsyncResult       *result,
                                          GError            **error);

/* Called with the base64 payload of <success/> (NULL or "" when it had none):
 * verifies the server signature (SCRAM). Synchronous and cheap. FALSE with
 * ENLIST_ERROR_SASL when the server could not prove it knows the password. */
gboolean    enlist_sasl_verify_success   (EnlistSasl         *self,
                                          const char         *success,
                                          GError            **error);

G_END_DECLS
