/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring.c: account passwords in the desktop keyring, and the
 * in-memory fallback for new credentials the keyring could not take.
 *
 * This unit is the object, its fallback, and the confirmed password of an
 * account: storing, looking up and clearing it. The pending passwords are in
 * enlist-keyring-pending.c; what an item is, and listing them, in
 * enlist-keyring-items.c.
 *
 * Only the secret_password_* API of libsecret is used: inside Flatpak it is
 * the only one backed by the portal's local storage. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlist-keyring-private.h"
#include "enlist-text.h"

struct _EnlistKeyring
{
  GObject     parent_instance;

  /* Bare JID → password (wiped when removed) that failed to store. */
  GHashTable *unsaved;
};

G_DEFINE_FINAL_TYPE (EnlistKeyring, enlist_keyring, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HAS_UNSAVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
enlist_keyring_password_free (char *password)
{
  enlist_secret_free (password);
}

/* Store */

void
enlist_keyring_store_data_free (EnlistKeyringStoreData *data)
{
  g_free (data->jid);
  enlist_keyring_password_free (data->password);
  g_free (data->address);
  g_free (data);
}

static void
keep_unsaved (EnlistKeyring          *self,
              EnlistKeyringStoreData *data)
{
  gboolean had_unsaved = g_hash_table_size (self->unsaved) > 0;

  g_hash_table_replace (self->unsaved, g_strdup (data->jid), g_strdup (data->password));
  if (!had_unsaved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED]);
}

void
enlist_keyring_drop_unsaved (EnlistKeyring *self,
                             const char    *jid)
{
  if (g_hash_table_remove (self->unsaved, jid) && g_hash_table_size (self->unsaved) == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED]);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnlistKeyring *self = g_task_get_source_object (task);
  EnlistKeyringStoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      /* Even when cancelled: credentials of a new account must not be lost.
       * A pending password is not credentials yet: whoever stored it holds
       * it until the server answered. */
      if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
        keep_unsaved (self, data);
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
    enlist_keyring_drop_unsaved (self, data->jid);
  g_task_return_boolean (task, TRUE);
}

void
enlist_keyring_start_store (EnlistKeyring       *self,
                            const char          *jid,
                            const char          *password,
                            EnlistKeyringState   state,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data,
                            gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  EnlistKeyringStoreData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* The result must reflect what happened to the password, which is kept in
   * memory on cancellation; report the cancellation only from libsecret. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (EnlistKeyringStoreData, 1);
  data->jid = g_strdup (jid);
  data->password = g_strdup (password);
  data->state = state;
  g_task_set_task_data (task, data, (GDestroyNotify) enlist_keyring_store_data_free);

  enlist_keyring_store_item (data->jid, data->password, state, cancellable, on_password_stored,
                             g_steal_pointer (&task));
}

void
enlist_keyring_store_async (EnlistKeyring       *self,
                            const char          *jid,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  enlist_keyring_start_store (self, jid, password, ENLIST_KEYRING_STATE_CONFIRMED, cancellable,
                              callback, user_data, enlist_keyring_store_async);
}

gboolean
enlist_keyring_store_finish (EnlistKeyring *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup
 *
 * A search (unlocking what it finds, which may prompt), then the secret of
 * the first item in the state asked for. libsecret's own lookup cannot be
 * used: it takes any item that has the attributes asked for, and the
 * confirmed item's attributes are a subset of a pending one's. */

typedef struct
{
  char               *jid;
  EnlistKeyringState  state;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_free (data->jid);
  g_free (data);
}

static void
on_secret_retrieved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretValue *value;
  const char *text;
  char *password;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (value == NULL)
    {
      if (error == NULL)
        /* An item whose collection stayed locked has no secret to give. */
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED, "%s",
                                 _("The keyring is locked and could not be unlocked"));
      else
        g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  text = secret_value_get_text (value);
  if (text == NULL)
    {
      secret_value_unref (value);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_KEYRING_FAILED, "%s",
                               _("The password in the keyring is not text"));
      return;
    }

  /* Copied so that the caller frees it like every other password here;
   * libsecret wipes its own copy with the value. */
  password = g_strdup (text);
  secret_value_unref (value);
  g_task_return_pointer (task, password, (GDestroyNotify) enlist_keyring_password_free);
}

static void
on_lookup_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SecretRetrievable *found = NULL;
  GCancellable *cancellable;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  for (GList *l = items; l != NULL && found == NULL; l = l->next)
    if (enlist_keyring_item_is_in_state (l->data, data->state))
      found = g_object_ref (l->data);
  g_list_free_full (items, g_object_unref);

  if (found == NULL)
    {
      if (data->state == ENLIST_KEYRING_STATE_CONFIRMED)
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND,
                                 _("No password is stored for %s"), data->jid);
      else
        g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND,
                                 _("No unconfirmed password is stored for %s"), data->jid);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  secret_retrievable_retrieve_secret (found, cancellable, on_secret_retrieved,
                                      g_steal_pointer (&task));
  g_object_unref (found);
}

void
enlist_keyring_start_lookup (EnlistKeyring       *self,
                             const char          *jid,
                             EnlistKeyringState   state,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data,
                             gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = enlist_keyring_search_attributes (jid, state);
  LookupData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (LookupData, 1);
  data->jid = g_strdup (jid);
  data->state = state;
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);

  enlist_keyring_call_search (attributes,
                              SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, cancellable,
                              on_lookup_searched, g_steal_pointer (&task));
}

void
enlist_keyring_lookup_async (EnlistKeyring       *self,
                             const char          *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  enlist_keyring_start_lookup (self, jid, ENLIST_KEYRING_STATE_CONFIRMED, cancellable, callback,
                               user_data, enlist_keyring_lookup_async);
}

char *
enlist_keyring_lookup_finish (EnlistKeyring *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Clear */

void
enlist_keyring_on_password_cleared (GObject      *source,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to remove: fine. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_confirmed_cleared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *jid = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GCancellable *cancellable;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, enlist_keyring_map_error (g_steal_pointer (&error)));
      return;
    }

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (char *) "pending-jid", (char *) jid);
  cancellable = g_task_get_cancellable (task);
  enlist_keyring_call_clear (attributes, cancellable,
                             enlist_keyring_on_password_cleared, g_steal_pointer (&task));
}

void
enlist_keyring_clear_async (EnlistKeyring       *self,
                            const char          *jid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (enlist_keyring_jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_clear_async);
  g_task_set_task_data (task, g_strdup (jid), g_free);

  /* At once, whatever the keyring says: the account is going away. */
  enlist_keyring_drop_unsaved (self, jid);

  /* The confirmed item first, then every pending one. */
  attributes = enlist_keyring_search_attributes (jid, ENLIST_KEYRING_STATE_CONFIRMED);
  enlist_keyring_call_clear (attributes, cancellable, on_confirmed_cleared,
                             g_steal_pointer (&task));
}

gboolean
enlist_keyring_clear_finish (EnlistKeyring *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Unsaved credentials */

GStrv
enlist_keyring_get_unsaved (EnlistKeyring *self)
{
  g_autoptr(GPtrArray) jids = NULL;
  GHashTableIter iter;
  gpointer jid;

  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);

  jids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->unsaved);
  while (g_hash_table_iter_next (&iter, &jid, NULL))
    g_ptr_array_add (jids, jid);

  return enlist_keyring_sorted_unique (jids);
}

gboolean
enlist_keyring_has_unsaved (EnlistKeyring *self)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), FALSE);

  return g_hash_table_size (self->unsaved) > 0;
}

char *
enlist_keyring_dup_unsaved_password (EnlistKeyring *self,
                                     const char    *jid)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return g_strdup (g_hash_table_lookup (self->unsaved, jid));
}

/* GObject */

static void
enlist_keyring_finalize (GObject *object)
{
  EnlistKeyring *self = ENLIST_KEYRING (object);

  g_clear_pointer (&self->unsaved, g_hash_table_unref);

  G_OBJECT_CLASS (enlist_keyring_parent_class)->finalize (object);
}

static void
enlist_keyring_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  EnlistKeyring *self = ENLIST_KEYRING (object);

  switch (prop_id)
    {
    case PROP_HAS_UNSAVED:
      g_value_set_boolean (value, enlist_keyring_has_unsaved (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlist_keyring_class_init (EnlistKeyringClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlist_keyring_finalize;
  object_class->get_property = enlist_keyring_get_property;

  /**
   * EnlistKeyring:has-unsaved:
   *
   * Whether some credentials failed to store and are kept only in memory,
   * so the UI can offer them for copying.
   */
  properties[PROP_HAS_UNSAVED] =
    g_param_spec_boolean ("has-unsaved", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlist_keyring_init (EnlistKeyring *self)
{
  self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) enlist_keyring_password_free);
}

EnlistKeyring *
enlist_keyring_new (void)
{
  return g_object_new (ENLIST_TYPE_KEYRING, NULL);
}
