/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-keyring.c: account passwords in the desktop keyring, and the
 * in-memory fallback for new credentials the keyring could not take.
 *
 * Only the secret_password_* API of libsecret is used: inside Flatpak it is
 * the only one backed by the portal's local storage. */
#define G_LOG_DOMAIN "enlist-keyring"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "enlist-keyring.h"
#include "enlist-text.h"

/* The version of the attributes written with each item. Lookups, clears and
 * searches do not match on it, so a later version can still find, migrate
 * and remove items written by this one. */
#define SCHEMA_VERSION 1

/* The schema is named after the application id and its name is matched
 * (SECRET_SCHEMA_NONE rather than SECRET_SCHEMA_DONT_MATCH_NAME): other XMPP
 * clients keep items with a "jid" attribute of their own in the same keyring,
 * and Enlist must never list, read or above all clear those. The development
 * build (.Devel) thereby keeps its own items apart, as it does its settings. */
static const SecretSchema keyring_schema = {
  APP_ID,
  SECRET_SCHEMA_NONE,
  {
    { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "schema-version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { NULL, 0 },
  },
};

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

static gboolean
jid_is_valid (const char *jid)
{
  return jid != NULL && jid[0] != '\0' && g_utf8_validate (jid, -1, NULL);
}

/* Turns what libsecret, GDBus or the portal reported into an
 * ENLIST_ERROR a person understands. Cancellation passes unchanged,
 * so callers can recognise it as G_IO_ERROR_CANCELLED. */
static GError *
map_error (GError *error)
{
  g_autoptr(GError) owned = error;
  g_autofree char *detail = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
  detail = g_strdup (error->message);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED,
                                _("The keyring is locked and could not be unlocked"));

  /* No session bus, no Secret Service on it, an unreachable portal: the
   * keyring is simply not there. */
  if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
      error->domain == G_SPAWN_ERROR)
    return g_error_new (ENLIST_ERROR, ENLIST_ERROR_KEYRING_UNAVAILABLE,
                        _("The keyring is not available: %s"), detail);

  return g_error_new (ENLIST_ERROR, ENLIST_ERROR_KEYRING_FAILED,
                      _("The keyring reported an error: %s"), detail);
}

/* Store */

typedef struct
{
  char *jid;
  char *password;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->jid);
  enlist_keyring_password_free (data->password);
  g_free (data);
}

static void
keep_unsaved (EnlistKeyring *self,
              StoreData     *data)
{
  gboolean had_unsaved = g_hash_table_size (self->unsaved) > 0;

  g_hash_table_replace (self->unsaved, g_strdup (data->jid), g_strdup (data->password));
  if (!had_unsaved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED]);
}

static void
drop_unsaved (EnlistKeyring *self,
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
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      /* Even when cancelled: credentials of a new account must not be lost. */
      keep_unsaved (self, data);
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  drop_unsaved (self, data->jid);
  g_task_return_boolean (task, TRUE);
}

void
enlist_keyring_store_async (EnlistKeyring       *self,
                            const char          *jid,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  StoreData *data;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_store_async);
  /* The result must reflect what happened to the password, which is kept in
   * memory on cancellation; report the cancellation only from libsecret. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (StoreData, 1);
  data->jid = g_strdup (jid);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  /* TRANSLATORS: the label of a password in the keyring (Passwords and
   * Keys / Seahorse); %s is the account's address, like alice@example.org */
  label = g_strdup_printf (_("XMPP account %s"), jid);

  secret_password_store (&keyring_schema, SECRET_COLLECTION_DEFAULT, label, data->password,
                         cancellable, on_password_stored, g_object_ref (task),
                         "jid", data->jid,
                         "schema-version", SCHEMA_VERSION,
                         NULL);
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

/* Lookup */

static void
on_lookup_probed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *jid = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  if (items != NULL)
    {
      /* An item exists but its secret could not be read: its collection is
       * locked and the unlock prompt was dismissed or failed. */
      g_list_free_full (items, g_object_unref);
      g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_KEYRING_LOCKED, "%s",
                               _("The keyring is locked and could not be unlocked"));
      return;
    }

  g_task_return_new_error (task, ENLIST_ERROR, ENLIST_ERROR_NOT_FOUND,
                           _("No password is stored for %s"), jid);
}

static void
on_password_looked_up (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *jid = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secret;
  char *password;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  if (secret == NULL)
    {
      /* libsecret answers NULL both when there is no such item and when the
       * item is in a collection that stayed locked: tell them apart. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_password_search (&keyring_schema, SECRET_SEARCH_ALL, cancellable,
                              on_lookup_probed, g_steal_pointer (&task),
                              "jid", jid,
                              NULL);
      return;
    }

  /* Copied so that the caller frees it like every other password here;
   * secret_password_free () wipes libsecret's copy. */
  password = g_strdup (secret);
  secret_password_free (secret);
  g_task_return_pointer (task, password, (GDestroyNotify) enlist_keyring_password_free);
}

void
enlist_keyring_lookup_async (EnlistKeyring       *self,
                             const char          *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *jid_copy;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_lookup_async);
  jid_copy = g_strdup (jid);
  g_task_set_task_data (task, jid_copy, g_free);

  secret_password_lookup (&keyring_schema, cancellable,
                          on_password_looked_up, g_steal_pointer (&task),
                          "jid", jid_copy,
                          NULL);
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

static void
on_password_cleared (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to remove: fine. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
enlist_keyring_clear_async (EnlistKeyring       *self,
                            const char          *jid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *jid_copy;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (jid_is_valid (jid));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_clear_async);
  jid_copy = g_strdup (jid);
  g_task_set_task_data (task, jid_copy, g_free);

  /* At once, whatever the keyring says: the account is going away. */
  drop_unsaved (self, jid);

  secret_password_clear (&keyring_schema, cancellable,
                         on_password_cleared, g_steal_pointer (&task),
                         "jid", jid_copy,
                         NULL);
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

/* List */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, without duplicates, NULL-terminated. */
static GStrv
sorted_unique (GPtrArray *strings)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_sort (strings, compare_strings);
  for (guint i = 0; i < strings->len; i++)
    {
      const char *s = g_ptr_array_index (strings, i);

      if (out->len == 0 || strcmp (g_ptr_array_index (out, out->len - 1), s) != 0)
        g_ptr_array_add (out, g_strdup (s));
    }
  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
on_passwords_searched (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jids = g_ptr_array_new_with_free_func (g_free);
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *jid = attributes != NULL ? g_hash_table_lookup (attributes, "jid") : NULL;

      if (jid_is_valid (jid))
        g_ptr_array_add (jids, g_strdup (jid));
    }
  g_list_free_full (items, g_object_unref);

  g_task_return_pointer (task, sorted_unique (jids), (GDestroyNotify) g_strfreev);
}

void
enlist_keyring_list_async (EnlistKeyring       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENLIST_IS_KEYRING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlist_keyring_list_async);

  /* No attributes: every item of this schema. SECRET_SEARCH_ALL without
   * UNLOCK: names are readable in a locked keyring, and listing accounts is
   * no reason to prompt for the keyring password. */
  secret_password_search (&keyring_schema, SECRET_SEARCH_ALL, cancellable,
                          on_passwords_searched, g_steal_pointer (&task),
                          NULL);
}

GStrv
enlist_keyring_list_finish (EnlistKeyring *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ENLIST_IS_KEYRING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlist_keyring_list_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

  return sorted_unique (jids);
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
