/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring-pending.c: the passwords the keyring holds for a request
 * whose answer is not known yet (a registration, a password change): stored
 * before the request goes out, then confirmed, becoming the account's
 * password, or discarded. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include <glib/gi18n.h>

#include "enlist-keyring-private.h"

/* Store and lookup: enlist-keyring.c does both, in any state */

void
enlist_keyring_store_pending_async (EnlistKeyring       *self,
                                    const char          *jid,
                                    const char          *password,
                                    EnlistKeyringState   state,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (password != NULL);
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  enlist_keyring_start_store (self, jid, password, state, cancellable, callback, user_data,
                              enlist_keyring_store_pending_async);
}

gboolean
enlist_keyring_store_pending_finish (EnlistKeyring *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_store_pending_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enlist_keyring_lookup_pending_async (EnlistKeyring       *self,
                                     const char          *jid,
                                     EnlistKeyringState   state,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  enlist_keyring_start_lookup (self, jid, state, cancellable, callback, user_data,
                               enlist_keyring_lookup_pending_async);
}

char *
enlist_keyring_lookup_pending_finish (EnlistKeyring *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_lookup_pending_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Discard */

void
enlist_keyring_discard_pending_async (EnlistKeyring       *self,
                                      const char          *jid,
                                      EnlistKeyringState   state,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_discard_pending_async);

  /* "pending-jid" and "state": neither the confirmed item nor the other
   * pending one matches. */
  attributes = enlist_keyring_search_attributes (jid, state);
  enlist_keyring_call_clear (attributes, cancellable,
                             enlist_keyring_on_password_cleared, g_steal_pointer (&task));
}

gboolean
enlist_keyring_discard_pending_finish (EnlistKeyring *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enlist_keyring_discard_pending_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Confirm: the pending password read back, stored as the confirmed one,
 * then the pending item removed. In that order, so that an interruption
 * leaves the password in the keyring twice rather than not at all. */

static void
on_confirm_discarded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_confirm_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  EnlistKeyringStoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  enlist_keyring_drop_unsaved (self, data->address);
  attributes = enlist_keyring_search_attributes (data->jid, data->state);
  enlist_keyring_call_clear (attributes, NULL, on_confirm_discarded,
                             g_steal_pointer (&task));
}

static void
on_confirm_looked_up (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  EnlistKeyringStoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->password = enlist_keyring_lookup_pending_finish (self, result, &error);
  if (data->password == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Past this point the password is on its way to being confirmed: no
   * cancellation may leave it half done. */
  enlist_keyring_store_item (data->address, data->password, ENLIST_KEYRING_STATE_CONFIRMED, NULL,
                             on_confirm_stored, g_steal_pointer (&task));
}

void
enlist_keyring_confirm_async (EnlistKeyring       *self,
                              const char          *jid,
                              EnlistKeyringState   state,
                              const char          *address,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EnlistKeyringStoreData *data;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (state == ENLIST_KEYRING_STATE_PENDING_REGISTRATION ||
                    state == ENLIST_KEYRING_STATE_PENDING_PASSWORD);
  g_return_if_fail (address == NULL || enlist_keyring_jid_is_valid (address));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_confirm_async);
  data = g_new0 (EnlistKeyringStoreData, 1);
  data->jid = g_strdup (jid);
  data->state = state;
  data->address = g_strdup (address != NULL ? address : jid);
  g_task_set_task_data (task, data, (GDestroyNotify) enlist_keyring_store_data_free);

  enlist_keyring_lookup_pending_async (self, jid, state, cancellable, on_confirm_looked_up,
                                       g_steal_pointer (&task));
}

gboolean
enlist_keyring_confirm_finish (EnlistKeyring *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_confirm_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

