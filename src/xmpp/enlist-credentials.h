/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-credentials.h: the address and password of an account that was
 * just created, handed from the service to a front end. A reference-counted
 * boxed type, so that no property getter ever copies the password into a
 * GValue; the password is wiped when the last reference goes. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ENLIST_TYPE_CREDENTIALS (enlist_credentials_get_type ())

typedef struct _EnlistCredentials EnlistCredentials;

GType              enlist_credentials_get_type     (void) G_GNUC_CONST;

/* address may be NULL (the server did not say, and the form had no username). */
EnlistCredentials *enlist_credentials_new          (const char        *address,
                                                    const char        *password,
                                                    gboolean           verified);
/* An account the server accepted but will not let log in yet (servers that
 * want it activated first, from an e-mail they send): not verified, with
 * what the server said when the login was refused (may be NULL). */
EnlistCredentials *enlist_credentials_new_inactive (const char        *address,
                                                    const char        *password,
                                                    const char        *server_text);
EnlistCredentials *enlist_credentials_ref          (EnlistCredentials *self);
void               enlist_credentials_unref        (EnlistCredentials *self);

/* The bare JID as the server spells it, or NULL when it is not known. */
const char        *enlist_credentials_get_address  (EnlistCredentials *self);
const char        *enlist_credentials_get_password (EnlistCredentials *self);
/* TRUE when logging in with them succeeded. */
gboolean           enlist_credentials_get_verified (EnlistCredentials *self);
/* TRUE when the server refused the new account's login (see
 * enlist_credentials_new_inactive): it must be activated first. */
gboolean           enlist_credentials_get_inactive (EnlistCredentials *self);
/* The server's text with that refusal, or NULL; untrusted, show it as
 * plain text. */
const char        *enlist_credentials_get_server_text (EnlistCredentials *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlistCredentials, enlist_credentials_unref)

G_END_DECLS
