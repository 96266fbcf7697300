/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-credentials.c: the address and password of a new account, as the
 * registration service hands them over: reference-counted so that nobody
 * needs to copy the password, and wiped when the last reference goes. */
#define G_LOG_DOMAIN "enlist-credentials"

#include "config.h"

#include "enlist-credentials.h"
#include "enlist-text.h"

struct _EnlistCredentials
{
  gatomicrefcount  ref_count;
  char            *address;
  char            *password;
  gboolean         verified;
  gboolean         inactive;
  char            *server_text;
};

G_DEFINE_BOXED_TYPE (EnlistCredentials, enlist_credentials,
                     enlist_credentials_ref, enlist_credentials_unref)

EnlistCredentials *
enlist_credentials_new (const char *address,
                        const char *password,
                        gboolean    verified)
{
  EnlistCredentials *self;

  /* password is NULL only for a form without one (nothing to keep) */
  self = g_new0 (EnlistCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->address = g_strdup (address);
  self->password = g_strdup (password);
  self->verified = !!verified;
  return self;
}

EnlistCredentials *
enlist_credentials_new_inactive (const char *address,
                                 const char *password,
                                 const char *server_text)
{
  EnlistCredentials *self = enlist_credentials_new (address, password, FALSE);

  self->inactive = TRUE;
  self->server_text = g_strdup (server_text);
  return self;
}

EnlistCredentials *
enlist_credentials_ref (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
enlist_credentials_unref (EnlistCredentials *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->address);
  g_free (self->server_text);
  enlist_secret_free (self->password);
  g_free (self);
}

const char *
enlist_credentials_get_address (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->address;
}

const char *
enlist_credentials_get_password (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->password;
}

gboolean
enlist_credentials_get_verified (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->verified;
}

gboolean
enlist_credentials_get_inactive (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->inactive;
}

const char *
enlist_credentials_get_server_text (EnlistCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->server_text;
}
